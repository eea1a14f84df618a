//! `huntctl plan`: load desired state, run the plan operation, render it.

use super::connect::{stdout_color, Closing, Connection};
use super::{load_desired, plan_options, runtime};
use crate::cli::{PlanArgs, PlanFormat};
use crate::error::{Error, Result};
use huntctl_core::desired::DesiredState;
use huntctl_core::ops::{self, PlanOptions};
use huntctl_core::plan::{render, Plan};
use std::process::ExitCode;

/// Runs `huntctl plan PATH...`.
pub fn run(args: PlanArgs) -> Result<ExitCode> {
    let desired = load_desired(&args.paths)?;
    tracing::debug!("desired state loaded");
    let opts = plan_options(&args.selection, args.no_preflight)?;
    let rt = runtime()?;
    let (plan, closing) = rt.block_on(make_plan(&args.connection, &desired, &opts))?;
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
        let out = saved.map_err(ops::Error::from)?;
        eprintln!(
            "Saved the plan to {}: apply it with `{} apply --plan {}`.",
            out.display(),
            super::invocation(),
            super::shell_word(&out.display().to_string())
        );
    }
    let code = plan.exit_code(args.detailed_exitcode);
    // The process ends here: returning the memory of 1,000s of hunt groups one allocation at a
    // time would only delay the exit (measured ~5-10 ms for the benchmark's 1,000).
    std::mem::forget((desired, plan));
    Ok(ExitCode::from(code))
}

/// Connects and runs the plan operation; returns as soon as the plan is made, with the logout
/// still under way (see [`Connection::close_in_background`]).
pub async fn make_plan(
    connection: &crate::cli::ConnectionArgs,
    desired: &DesiredState,
    opts: &PlanOptions,
) -> Result<(Plan, Closing)> {
    let conn = Connection::open(connection, &desired.sources).await?;
    tracing::debug!("connected");
    let planned = conn.plan(desired, opts).await;
    let closing = conn.close_in_background();
    match planned {
        Ok(plan) => Ok((plan, closing)),
        Err(e) => {
            closing.finish().await;
            Err(Error::Op(e))
        }
    }
}
