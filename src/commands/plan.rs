//! `huntctl plan`: load desired state, read the server, diff, render.

use super::connect::{runtime, stdout_color, Closing, Connection};
use super::{load_desired, CommandResult};
use crate::cli::{PlanArgs, PlanFormat};
use crate::plan::{self, render, Plan, PlanOptions, SelectError};
use miette::miette;
use std::process::ExitCode;

/// Runs `huntctl plan PATH...`.
pub fn run(args: PlanArgs) -> CommandResult {
    let Some(desired) = load_desired(&args.paths) else {
        return Ok(ExitCode::FAILURE);
    };
    tracing::debug!("desired state loaded");
    let opts = plan_options(&args.selection).map_err(|e| miette!("{e}"))?;
    let rt = runtime()?;
    let (mut plan, closing) = rt.block_on(read_and_diff(
        &args.connection,
        &desired.hunt_groups,
        &opts,
        !args.no_preflight,
    ))?;
    plan.sources = args.paths.clone();
    plan::preflight::locate_refusals(&mut plan.refusals, &args.paths);
    let text = match args.format {
        PlanFormat::Text => render::text(&plan, stdout_color()),
        PlanFormat::Json => render::json(&plan),
        PlanFormat::Markdown => render::markdown(&plan),
    };
    tracing::debug!("plan rendered");
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    let saved = args.out.as_ref().map(|out| plan.save(out).map(|()| out));
    // The logouts went out before the diff; their replies are awaited only now, so the
    // diff, the rendering and the output overlap that round trip instead of following it.
    rt.block_on(closing.finish());
    tracing::debug!("closed");
    if let Some(saved) = saved {
        let out = saved.map_err(|e| miette!("{e}"))?;
        eprintln!(
            "Saved the plan to {}: apply it with `huntctl apply --plan {}`.",
            out.display(),
            out.display()
        );
    }
    let code = plan.exit_code(args.detailed_exitcode);
    // The process ends here: returning the memory of 1,000s of hunt groups one allocation at a
    // time would only delay the exit (measured ~5-10 ms for the benchmark's 1,000).
    std::mem::forget((desired, plan));
    Ok(ExitCode::from(code))
}

/// Connects, reads the current state of everything `desired` names, and diffs.
pub async fn make_plan(
    connection: &crate::cli::ConnectionArgs,
    desired: &[crate::model::HuntGroup],
    opts: &PlanOptions,
) -> miette::Result<Plan> {
    let (plan, closing) = read_and_diff(connection, desired, opts, true).await?;
    closing.finish().await;
    Ok(plan)
}

/// [`make_plan`], but returns as soon as the diff is made, with the logout still under way.
async fn read_and_diff(
    connection: &crate::cli::ConnectionArgs,
    desired: &[crate::model::HuntGroup],
    opts: &PlanOptions,
    preflight: bool,
) -> miette::Result<(Plan, Closing)> {
    let conn = Connection::open(connection).await?;
    tracing::debug!("connected");
    let bar = conn.progress("Reading hunt groups", desired.len());
    let planned = plan::read_and_plan(&conn.pool, desired, opts, preflight).await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    tracing::debug!("fetched");
    let closing = conn.close_in_background();
    match planned {
        Ok(plan) => Ok((plan, closing)),
        Err(e) => {
            closing.finish().await;
            Err(miette!("cannot read the current state: {e}"))
        }
    }
}

/// The plan options of `--target`, `--exclude` and `--prune`.
pub fn plan_options(args: &crate::cli::SelectionArgs) -> Result<PlanOptions, SelectError> {
    PlanOptions::new(&args.target, &args.exclude, args.prune)
}
