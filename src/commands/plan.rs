//! `huntctl plan`: load desired state, read the server, diff, render.

use super::connect::{runtime, stdout_color, Connection};
use super::{load_desired, CommandResult};
use crate::cli::{PlanArgs, PlanFormat};
use crate::plan::{self, render, Plan, PlanOptions};
use miette::miette;
use std::process::ExitCode;

/// Runs `huntctl plan PATH...`.
pub fn run(args: PlanArgs) -> CommandResult {
    let Some(desired) = load_desired(&args.paths) else {
        return Ok(ExitCode::FAILURE);
    };
    tracing::debug!("desired state loaded");
    let opts = PlanOptions::from_args(&args.selection).map_err(|e| miette!("{e}"))?;
    let mut plan = runtime()?.block_on(make_plan(&args.connection, &desired.hunt_groups, &opts))?;
    plan.sources = args.paths.clone();
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
    if let Some(out) = &args.out {
        plan.save(out).map_err(|e| miette!("{e}"))?;
        eprintln!(
            "Saved the plan to {}: apply it with `huntctl apply --plan {}`.",
            out.display(),
            out.display()
        );
    }
    Ok(ExitCode::from(plan.exit_code(args.detailed_exitcode)))
}

/// Connects, reads the current state of everything `desired` names, and diffs.
pub async fn make_plan(
    connection: &crate::cli::ConnectionArgs,
    desired: &[crate::model::HuntGroup],
    opts: &PlanOptions,
) -> miette::Result<Plan> {
    let conn = Connection::open(connection).await?;
    tracing::debug!("connected");
    let bar = conn.progress("Reading hunt groups", desired.len());
    let current = plan::fetch(&conn.pool, desired, opts).await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    tracing::debug!("fetched");
    conn.close().await;
    tracing::debug!("closed");
    let current = current.map_err(|e| miette!("cannot read the current state: {e}"))?;
    Ok(plan::diff(desired, &current, opts))
}
