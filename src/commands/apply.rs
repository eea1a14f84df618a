//! `huntctl apply`: plan (or load a saved plan), confirm, carry it out, report.

use super::connect::{runtime, stdout_color, Connection};
use super::{load_desired, CommandResult};
use crate::apply::{self, ApplyOptions, Report};
use crate::cli::{ApplyArgs, DiagnosticFormat};
use crate::plan::{self, render, Plan};
use miette::{miette, IntoDiagnostic};
use std::io::IsTerminal;
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Runs `huntctl apply PATH...` or `huntctl apply --plan FILE`.
pub fn run(args: ApplyArgs) -> CommandResult {
    runtime()?.block_on(run_async(args))
}

async fn run_async(args: ApplyArgs) -> CommandResult {
    let json = args.format == DiagnosticFormat::Json;
    // In JSON mode stdout carries only the report; the plan goes to stderr.
    let show = |text: &str| {
        if json {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    };

    let (conn, plan) = match &args.plan {
        Some(path) => {
            let mut plan = Plan::load(path).map_err(|e| miette!("{e}"))?;
            if !plan.missing_secrets().is_empty() {
                // Saved plans never hold passwords: take them from the files the plan was made from.
                let Some(desired) = load_desired(&plan.sources) else {
                    return Ok(ExitCode::FAILURE);
                };
                let missing = plan.restore_secrets(&desired.hunt_groups);
                if !missing.is_empty() {
                    return Err(miette!(
                        "the saved plan creates {} with a password, which saved plans never hold, and it is not in {:?}",
                        missing.join(", "),
                        plan.sources
                    ));
                }
            }
            let conn = Connection::open(&args.connection).await?;
            let current = plan::fetch_scope(&conn.pool, &plan.scope).await;
            let current = match current {
                Ok(c) => c,
                Err(e) => {
                    conn.close().await;
                    return Err(miette!("cannot read the current state: {e}"));
                }
            };
            if plan.is_stale(&current) {
                conn.close().await;
                return Err(miette!(
                    help = "run `huntctl plan --out` again, review it, and apply the new plan",
                    "saved plan is stale: the hunt groups it covers changed on the server since {} was made",
                    path.display()
                ));
            }
            (conn, plan)
        }
        None => {
            let Some(desired) = load_desired(&args.paths) else {
                return Ok(ExitCode::FAILURE);
            };
            tracing::debug!("desired state loaded");
            let opts = super::plan::plan_options(&args.selection).map_err(|e| miette!("{e}"))?;
            let conn = Connection::open(&args.connection).await?;
            tracing::debug!("connected");
            let bar = conn.progress("Reading hunt groups", desired.hunt_groups.len());
            let planned =
                plan::read_and_plan(&conn.pool, &desired.hunt_groups, &opts, !args.no_preflight)
                    .await;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            let mut plan = match planned {
                Ok(p) => p,
                Err(e) => {
                    conn.close().await;
                    return Err(miette!("cannot read the current state: {e}"));
                }
            };
            tracing::debug!("fetched");
            plan.sources = args.paths.clone();
            plan::preflight::locate_refusals(&mut plan.refusals, &args.paths);
            (conn, plan)
        }
    };

    show(&render::text(&plan, !json && stdout_color()));
    if !plan.has_changes() {
        conn.close().await;
        show("No changes.\n");
        if json {
            let empty = Report {
                results: Vec::new(),
                started: std::time::SystemTime::now(),
                duration: std::time::Duration::ZERO,
            };
            println!("{}", empty.to_json());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Err(e) = apply::check_safety(&plan, &apply_options(&args)) {
        conn.close().await;
        return Err(miette!("{e}"));
    }
    if !args.auto_approve {
        let approved = confirm();
        match approved {
            Ok(true) => {}
            Ok(false) => {
                conn.close().await;
                eprintln!("Apply cancelled: nothing was changed.");
                return Ok(ExitCode::FAILURE);
            }
            Err(msg) => {
                conn.close().await;
                return Err(miette!(
                    help = "pass --auto-approve in pipelines, after reviewing the plan",
                    "{msg}"
                ));
            }
        }
    }

    // Progress per hunt group (the pool's callback would count commands).
    let total = plan.writes().count();
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| indicatif::ProgressBar::new(total as u64));
    let on_result = |r: &apply::GroupResult| {
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
    tracing::debug!("plan shown");
    let report = apply::apply(&conn.pool, &plan, &on_result).await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    tracing::debug!("applied");
    let undo = super::undo::write_undo(&conn.pool, &plan, &report, args.undo_out.as_deref()).await;
    // Nothing more is sent: the report is written while the logouts are under way.
    let closing = conn.close_in_background();
    let written = match &args.report {
        Some(path) => std::fs::write(path, report.to_json() + "\n").into_diagnostic(),
        None => Ok(()),
    };
    if written.is_ok() {
        if json {
            println!("{}", report.to_json());
            eprintln!("{}", report.summary_line());
        } else {
            println!("{}", report.summary_line());
        }
    }
    // Like "Saved the plan to …" of `plan --out`: a note for the operator, on stderr.
    for line in &undo {
        eprintln!("{line}");
    }
    closing.finish().await;
    tracing::debug!("closed");
    written?;
    let code = report.exit_code();
    // The process ends here: returning the memory of 1,000s of hunt groups one allocation at a
    // time would only delay the exit (measured ~9 ms of free() for the benchmark's 1,000).
    std::mem::forget((plan, report));
    Ok(ExitCode::from(code))
}

/// Asks on the terminal; an error when there is none to ask on.
fn confirm() -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "refusing to apply without confirmation: not on a terminal and --auto-approve was not given"
                .into(),
        );
    }
    eprint!("\nApply these changes? Only 'yes' is accepted: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(line.trim() == "yes")
}

/// The safety switches of `--force` and `--delete-threshold`.
pub fn apply_options(args: &ApplyArgs) -> ApplyOptions {
    ApplyOptions {
        force: args.force,
        delete_threshold_percent: args.delete_threshold,
        ..ApplyOptions::default()
    }
}
