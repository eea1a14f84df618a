//! `huntctl export`: read the hunt groups of a service provider's groups (the named ones, or
//! every group the server lists) and write them as desired-state files that reproduce them.

use super::connect::Connection;
use super::runtime;
use crate::cli::ExportArgs;
use crate::error::{Error, Result};
use huntctl_core::export::{self, ExportOptions, Format, Output};
use huntctl_core::ops;
use std::process::ExitCode;

/// Runs `huntctl export --service-provider SP [--group G]... [--format F] [-o FILE|DIR]`.
pub fn run(args: ExportArgs) -> Result<ExitCode> {
    let format = super::file_format(args.format);
    let output = Output::from_arg(args.output.as_deref());
    if let Output::File(path) = &output {
        // Fail before talking to the server when the file name contradicts the format.
        if export::format_of(path).is_some_and(|f| f != format) {
            return Err(Error::Usage(format!(
                "{} does not end in .{}: choose the format with --format",
                path.display(),
                format.extension()
            )));
        }
    }
    let exported = runtime()?.block_on(async {
        // Exporting into another server's directory is refused like planning from it.
        let out: Vec<std::path::PathBuf> = match &output {
            Output::File(p) | Output::Dir(p) => vec![p.clone()],
            Output::Stdout => Vec::new(),
        };
        let conn = Connection::open(&args.connection, &out).await?;
        let opts = ExportOptions {
            service_provider_id: args.service_provider.clone(),
            groups: args.group.clone(),
        };
        let read = ops::export(&conn.pool, &opts).await;
        conn.close().await;
        read.map_err(Error::Op)
    })?;
    let ops::Export {
        group_ids,
        read: total,
        hunt_groups: groups,
        skipped,
    } = exported;

    let mut note = vec![
        format!(
            "Exported by `huntctl export` from service provider {}, group(s) {}.",
            args.service_provider,
            if group_ids.is_empty() {
                "(none)".to_string()
            } else {
                group_ids.join(", ")
            }
        ),
        "Values equal to the documented defaults and fields not set on the server are left out;"
            .to_string(),
        "write `null` for a field that must stay cleared.".to_string(),
        export::PASSWORD_NOTE.to_string(),
    ];
    for s in &skipped {
        note.push(format!(
            "Not exported: {} ({})",
            s.service_user_id,
            s.reasons.join("; ")
        ));
    }
    let written = export::write_output(&groups, format, &note, &output).map_err(Error::Output)?;

    if format == Format::Csv {
        // The bulk-sheet CSV has no comment syntax: say it here instead.
        eprintln!("Note: {}", export::PASSWORD_NOTE);
    }
    for s in &skipped {
        // The id and the reasons quote the server's values.
        let line = format!(
            "Warning: {} was not exported: {}. Fix it on the server or add it to the files by hand.",
            s.service_user_id,
            s.reasons.join("; ")
        );
        eprintln!("{}", huntctl_core::text::escape_controls(&line));
    }
    let to = match &output {
        Output::Stdout => "stdout".to_string(),
        _ => written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    };
    eprintln!(
        "Exported {} of {total} hunt group{} to {to}.",
        groups.len(),
        if total == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}
