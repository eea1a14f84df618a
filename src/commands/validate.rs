//! `huntctl validate`: load desired-state files offline and report every problem.

use super::CommandResult;
use crate::cli::{DiagnosticFormat, ValidateArgs};
use crate::desired::{self, diagnostics};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Runs `huntctl validate PATH...`: exit 0 with a one-line summary, or 1 with the diagnostics.
pub fn run(args: ValidateArgs) -> CommandResult {
    let result = desired::load_paths(&args.paths);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match args.format {
        DiagnosticFormat::Json => {
            let (doc, ok) = (crate::api::validation_json(&result), result.is_ok());
            let text = serde_json::to_string_pretty(&doc)
                .map_err(|e| miette::miette!("cannot write JSON: {e}"))?;
            println!("{text}");
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        DiagnosticFormat::Text => match result {
            Ok(state) => {
                if !state.warnings.is_empty() {
                    eprint!("{}", diagnostics::render_all(&state.warnings, color));
                }
                println!("{}", state.summary());
                Ok(ExitCode::SUCCESS)
            }
            Err(d) => {
                eprint!("{}", d.render(color));
                let (e, w) = (d.error_count(), d.warning_count());
                let mut line = format!("{e} error{}", if e == 1 { "" } else { "s" });
                if w > 0 {
                    line.push_str(&format!(", {w} warning{}", if w == 1 { "" } else { "s" }));
                }
                eprintln!("{line}: desired state is not valid");
                Ok(ExitCode::FAILURE)
            }
        },
    }
}
