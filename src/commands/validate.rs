//! `huntctl validate`: load desired-state files offline and report every problem.

use crate::cli::{DiagnosticFormat, ValidateArgs};
use crate::error::{stderr_color, Error, Result};
use huntctl_core::desired::diagnostics;
use huntctl_core::ops::{self, Source, ValidateOptions};
use std::process::ExitCode;

/// Runs `huntctl validate PATH...`: exit 0 with a one-line summary, or 1 with the diagnostics.
pub fn run(args: ValidateArgs) -> Result<ExitCode> {
    let validation = ops::validate(&ValidateOptions {
        source: Source::Paths(args.paths),
    });
    let code = if validation.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    };
    match args.format {
        DiagnosticFormat::Json => {
            let text = serde_json::to_string_pretty(&validation.to_json())
                .map_err(|e| Error::Output(format!("cannot write JSON: {e}")))?;
            println!("{text}");
        }
        DiagnosticFormat::Text => match &validation.0 {
            Ok(state) => {
                if !state.warnings.is_empty() {
                    eprint!(
                        "{}",
                        diagnostics::render_all(&state.warnings, stderr_color())
                    );
                }
                println!("{}", state.summary());
            }
            Err(d) => {
                eprint!("{}", d.render(stderr_color()));
                let (e, w) = (d.error_count(), d.warning_count());
                let mut line = format!("{e} error{}", if e == 1 { "" } else { "s" });
                if w > 0 {
                    line.push_str(&format!(", {w} warning{}", if w == 1 { "" } else { "s" }));
                }
                eprintln!("{line}: desired state is not valid");
            }
        },
    }
    Ok(code)
}
