//! Apply's view of the blocks of a hunt group's user: what each step is called in the report,
//! each block's outcome, and the reads that settle a block write whose reply was lost.

use crate::model::HuntGroup;
use crate::ocip::messages::{Request, Response};
use crate::ocip::CommandFailure;
use crate::plan::services::{absorb, read_requests, step_block};
use crate::plan::Change;
use serde::Serialize;

/// How one block of a hunt group's user ended in an apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockOutcome {
    /// The block and what was done to it (`callForwardingBusy`, `services (assign)`,
    /// `callForwardingSelective.criteria[after-hours] (add)`).
    pub block: String,
    /// `done`, `failed` or `not sent`.
    pub outcome: &'static str,
}

/// The outcome of every block step of `steps`: those before `next` took effect, `next` itself
/// failed when `failed`, the rest were not sent.
pub fn outcomes(steps: &[Request], next: usize, failed: bool) -> Vec<BlockOutcome> {
    steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let block = step_block(s)?;
            let outcome = match (i.cmp(&next), failed) {
                (std::cmp::Ordering::Less, _) => "done",
                (std::cmp::Ordering::Equal, true) => "failed",
                _ => "not sent",
            };
            Some(BlockOutcome { block, outcome })
        })
        .collect()
}

/// What a step is called in a note about a hunt group partly done.
pub fn step_name(step: &Request) -> String {
    match step_block(step) {
        Some(b) => b,
        None => "the agent weights".to_string(),
    }
}

/// The block reads that go with the read-back of a hunt group whose block write lost its
/// reply (none for an instance write).
pub fn verify_reads(change: &Change, step: &Request) -> Vec<Request> {
    match (
        step,
        change.after.as_ref().and_then(|a| a.blocks.as_deref()),
    ) {
        (Request::Service(_), Some(want)) => {
            read_requests(&change.service_user_id, want, &Default::default())
        }
        _ => Vec::new(),
    }
}

/// Puts the replies to [`verify_reads`] into the hunt group read back. `Err`: why the
/// blocks could not be read.
pub fn absorb_verify(
    change: &Change,
    hg: &mut HuntGroup,
    replies: &mut impl Iterator<Item = Result<Response, CommandFailure>>,
) -> Result<(), String> {
    let Some(want) = change.after.as_ref().and_then(|a| a.blocks.as_deref()) else {
        return Ok(());
    };
    let read = absorb(&change.service_user_id, want, None, replies).map_err(|e| e.to_string())?;
    hg.blocks = Some(Box::new(read.blocks));
    Ok(())
}
