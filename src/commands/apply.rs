//! `huntctl apply`: plan (or load a saved plan), show it, confirm, run the apply operation,
//! report.

use super::connect::{stdout_color, Connection, Target};
use super::{load_desired, plan_options, runtime};
use crate::cli::{ApplyArgs, DiagnosticFormat};
use crate::error::{Error, Result};
use huntctl_core::apply::{self, GroupResult, Report};
use huntctl_core::ops::{self, Applied, ApplyOptions, Undo, UndoTarget};
use huntctl_core::plan::{render, Plan};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// Runs `huntctl apply PATH...` or `huntctl apply --plan FILE`.
pub fn run(args: ApplyArgs) -> Result<ExitCode> {
    runtime()?.block_on(run_async(args))
}

async fn run_async(args: ApplyArgs) -> Result<ExitCode> {
    let json = args.format == DiagnosticFormat::Json;
    let (conn, plan) = match &args.plan {
        Some(path) => open_saved(&args, path).await?,
        None => plan_now(&args).await?,
    };
    // In JSON mode stdout carries only the report; the plan goes to stderr.
    show(json, &render::text(&plan, !json && stdout_color()));
    if !plan.has_changes() {
        conn.close().await;
        show(json, "No changes.\n");
        if json {
            println!("{}", Applied::nothing().to_json());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let opts = apply_options(&args);
    // Refuse before asking: a plan past the delete threshold is not a question.
    let approved = apply::check_safety(&plan, &opts)
        .map_err(|e| Error::Op(e.into()))
        .and_then(|()| confirm(args.auto_approve));
    match approved {
        Ok(true) => {}
        Ok(false) => {
            conn.close().await;
            eprintln!("Apply cancelled: nothing was changed.");
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => {
            conn.close().await;
            return Err(e);
        }
    }
    tracing::debug!("plan shown");
    let applied = carry_out(&conn, &plan, &opts, json).await;
    // Nothing more is sent: the report is written while the logouts are under way.
    let closing = conn.close_in_background();
    let applied = match applied {
        Ok(a) => a,
        Err(e) => {
            closing.finish().await;
            return Err(e.into());
        }
    };
    let written = report(&args, &applied, json);
    for line in undo_lines(&applied.undo) {
        // Like "Saved the plan to …" of `plan --out`: a note for the operator, on stderr.
        eprintln!("{line}");
    }
    closing.finish().await;
    tracing::debug!("closed");
    written?;
    let code = applied.report.exit_code();
    // The process ends here: returning the memory of 1,000s of hunt groups one allocation at a
    // time would only delay the exit (measured ~9 ms of free() for the benchmark's 1,000).
    std::mem::forget((plan, applied));
    Ok(ExitCode::from(code))
}

/// Shows plan text: on stdout, or on stderr when stdout carries the JSON report.
fn show(json: bool, text: &str) {
    if json {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
}

/// `apply --plan FILE`: the saved plan with its passwords restored, checked against the server.
async fn open_saved(args: &ApplyArgs, path: &std::path::Path) -> Result<(Connection, Plan)> {
    let mut plan = Plan::load(path).map_err(ops::Error::from)?;
    // Before connecting: a plan whose passwords cannot be found needs no server to refuse.
    ops::restore_secrets(&mut plan)?;
    // The plan's own server unless another is named (refused, before anything is sent).
    let conn = Target::for_saved(&args.connection, &plan)?
        .connect()
        .await?;
    match ops::verify_saved(&conn.pool, &mut plan).await {
        Ok(()) => Ok((conn, plan)),
        Err(e) => {
            conn.close().await;
            Err(match e {
                ops::Error::Stale(drift) => Error::StalePlan(path.to_path_buf(), drift),
                e => e.into(),
            })
        }
    }
}

/// `apply PATH...`: the plan operation, on the connection the apply will use.
async fn plan_now(args: &ApplyArgs) -> Result<(Connection, Plan)> {
    let desired = load_desired(&args.paths)?;
    tracing::debug!("desired state loaded");
    let opts = plan_options(&args.selection, args.no_preflight)?;
    let conn = Connection::open(&args.connection, &args.paths).await?;
    tracing::debug!("connected");
    match conn.plan(&desired, &opts).await {
        Ok(plan) => Ok((conn, plan)),
        Err(e) => {
            conn.close().await;
            Err(e.into())
        }
    }
}

/// Runs the apply operation with a line per hunt group as it finishes (a progress bar on a
/// terminal).
async fn carry_out(
    conn: &Connection,
    plan: &Plan,
    opts: &ApplyOptions,
    json: bool,
) -> std::result::Result<Applied, ops::Error> {
    // Progress per hunt group (the pool's callback would count commands).
    let total = plan.writes().count();
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| indicatif::ProgressBar::new(total as u64));
    let on_result = |r: &GroupResult| {
        let line = Report::render_line(r);
        match &bar {
            Some(b) => {
                b.println(&line);
                b.inc(1);
            }
            None if json => eprintln!("{line}"),
            None => println!("{line}"),
        }
    };
    let applied = ops::apply(&conn.pool, plan, opts, &on_result).await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    tracing::debug!("applied");
    applied
}

/// Writes the `--report` file and prints the summary (and the JSON report with `--format json`).
fn report(args: &ApplyArgs, applied: &Applied, json: bool) -> Result<()> {
    // Rendered once for the file and stdout: 10,000 results make a large document.
    let doc = (args.report.is_some() || json).then(|| applied.to_json());
    if let (Some(path), Some(doc)) = (&args.report, &doc) {
        std::fs::write(path, format!("{doc}\n"))
            .map_err(|e| Error::io(format!("cannot write the report {}", path.display()), e))?;
    }
    if let (true, Some(doc)) = (json, &doc) {
        println!("{doc}");
        eprintln!("{}", applied.report.summary_line());
    } else {
        println!("{}", applied.report.summary_line());
    }
    Ok(())
}

/// What the operator is told about the undo plan.
fn undo_lines(undo: &Undo) -> Vec<String> {
    match undo {
        Undo::None => Vec::new(),
        Undo::Failed(e) => vec![format!("Undo: not written: {e}")],
        Undo::Saved {
            path,
            summary: s,
            changes,
            needs_force,
            cannot_restore,
        } => {
            let mut lines = vec![format!(
                "Undo: {} saved to {} ({} to create, {} to update, {} to delete). To reverse \
                 this apply: {} apply --plan {}{}",
                if *changes == 1 {
                    "1 change".to_string()
                } else {
                    format!("{changes} changes")
                },
                path.display(),
                s.create,
                s.update,
                s.delete,
                super::invocation(),
                super::shell_word(&path.display().to_string()),
                if *needs_force { " --force" } else { "" }
            )];
            lines.extend(
                cannot_restore
                    .iter()
                    .map(|c| format!("Undo cannot restore: {c}")),
            );
            lines
        }
    }
}

/// Asks on the terminal unless `auto_approve`; an error when there is none to ask on.
fn confirm(auto_approve: bool) -> Result<bool> {
    if auto_approve {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::NoTerminal);
    }
    eprint!("\nApply these changes? Only 'yes' is accepted: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("cannot read the answer", e))?;
    Ok(line.trim() == "yes")
}

/// The apply options of `--force`, `--delete-threshold` and `--undo-out`.
pub fn apply_options(args: &ApplyArgs) -> ApplyOptions {
    ApplyOptions {
        force: args.force,
        delete_threshold_percent: args.delete_threshold,
        undo: UndoTarget::from(args.undo_out.clone()),
        ..ApplyOptions::default()
    }
}
