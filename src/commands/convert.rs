//! `huntctl convert`: desired-state files between YAML and CSV, without a server.

use super::load_desired;
use crate::cli::ConvertArgs;
use crate::error::{Error, Result};
use huntctl_core::export::{self, Output};
use std::process::ExitCode;

/// Runs `huntctl convert FILE... --to yaml|csv [-o OUT]`.
pub fn run(args: ConvertArgs) -> Result<ExitCode> {
    let format = super::file_format(args.to);
    let output = Output::from_arg(args.output.as_deref());
    let state = load_desired(&args.files)?;
    let with_password: Vec<&str> = state
        .hunt_groups
        .iter()
        .filter(|g| g.service_instance_profile.password.is_some())
        .map(|g| g.service_user_id.as_str())
        .collect();
    let sources: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    let mut note = vec![
        format!(
            "Converted by `huntctl convert` from {}.",
            sources.join(", ")
        ),
        "Values equal to the documented defaults are left out.".to_string(),
    ];
    if !with_password.is_empty() {
        note.push(
            "Passwords are never written to files: set them again where they are needed."
                .to_string(),
        );
    }
    let lc = &state.lifecycle;
    if format == export::Format::Csv && !lc.protections().is_empty() {
        // A sheet has no place for file-wide settings.
        eprintln!(
            "Warning: protect: ({}) is not written: a CSV file cannot hold it; keep it in a YAML file loaded with the CSV.",
            lc.protections()
                .iter()
                .map(|p| p.pattern.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let written = export::write_output_with(&state.hunt_groups, format, &note, &output, lc)
        .map_err(Error::Output)?;
    if !with_password.is_empty() {
        // Secrets never reach files, so the conversion cannot keep them: say which were dropped.
        eprintln!(
            "Warning: the password of {} hunt group{} was not written ({}): passwords never go into files.",
            with_password.len(),
            if with_password.len() == 1 { "" } else { "s" },
            with_password.join(", ")
        );
    }
    let n = state.hunt_groups.len();
    let to = match &output {
        Output::Stdout => "stdout".to_string(),
        _ => written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    eprintln!(
        "Converted {n} hunt group{} to {} on {to}.",
        if n == 1 { "" } else { "s" },
        format.extension().to_uppercase()
    );
    Ok(ExitCode::SUCCESS)
}
