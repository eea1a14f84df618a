//! Apply: carry out a [`Plan`] over an [`Execute`]r and report a result per hunt group.
//!
//! The engine never talks to a terminal: the CLI checks [`check_safety`], calls [`apply`] with a
//! callback that prints [`Report::render_line`] as each hunt group finishes, then prints
//! [`Report::summary_line`] and writes [`Report::to_json`] when asked.
//!
//! Writes run in phases so that the executor can batch and parallelise them: phase 1 sends the
//! first command of every hunt group in one `execute` call; phase 2 sends the second command
//! (the weighted-call-distribution request) of the hunt groups whose first command is known to
//! have taken effect. A write whose outcome is unknown (connection lost after sending) is never
//! resent: the hunt group is read back and the report says what actually happened.

mod activation;
mod report;
mod services;
pub mod undo;

pub use activation::ACTIVATION_BATCH;

pub use report::{GroupError, GroupResult, Outcome, Report, REPORT_FORMAT_VERSION};
pub use services::BlockOutcome;

use crate::model::HuntGroup;
use crate::ocip::messages::{InstanceListEntry, Request, Response};
use crate::ocip::{CommandFailure, Execute};
use crate::plan::{diff_one, from_details, Action, Change, GroupKey, Plan};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::{Instant, SystemTime};

/// The plan's field path of the agent weights (the weighted-call-distribution request).
const WEIGHTS_PATH: &str = "agentWeight";
/// The plan's field path of the write-only password (never read back, never verified).
const PASSWORD_PATH: &str = "serviceInstanceProfile.password";

/// How an apply runs: its safety switches and where its undo plan goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Apply even when the plan deletes more than the threshold.
    pub force: bool,
    /// Refuse plans deleting more than this percentage of the existing hunt groups (default 30).
    pub delete_threshold_percent: u8,
    /// Refuse plans updating more than this percentage of the existing hunt groups (default
    /// 30): a CSV whose columns shifted rewrites every hunt group.
    pub update_threshold_percent: u8,
    /// The threshold only applies when the managed groups hold at least this many hunt groups
    /// (default 10): deleting 1 of 2 is not a sign of a broken desired state.
    pub min_groups_for_threshold: usize,
    /// Where the undo plan goes.
    pub undo: undo::UndoTarget,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            force: false,
            delete_threshold_percent: 30,
            update_threshold_percent: 30,
            min_groups_for_threshold: 10,
            undo: undo::UndoTarget::Default,
        }
    }
}

/// Why a plan is refused before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SafetyError {
    /// The plan deletes too large a share of the existing hunt groups.
    #[error(
        "refusing to delete {deletes} of {existing} existing hunt groups in the managed groups \
         ({percent}%, more than the {threshold}% delete threshold); check the desired state, \
         or lift the threshold (force) if this is intended"
    )]
    DeleteThreshold {
        /// Deletes in the plan.
        deletes: usize,
        /// Hunt groups that existed in the managed groups.
        existing: usize,
        /// deletes / existing, rounded down.
        percent: usize,
        /// The configured threshold.
        threshold: u8,
    },
    /// The plan updates too large a share of the existing hunt groups.
    #[error(
        "refusing to update {updates} of {existing} existing hunt groups in the managed groups \
         ({percent}%, more than the {threshold}% update threshold); check the desired state \
         (a shifted CSV column rewrites every hunt group), or lift the threshold (force) if \
         this is intended"
    )]
    UpdateThreshold {
        /// Updates in the plan (differences on ignored fields are not updates).
        updates: usize,
        /// Hunt groups that existed in the managed groups.
        existing: usize,
        /// updates / existing, rounded down.
        percent: usize,
        /// The configured threshold.
        threshold: u8,
    },
    /// The plan deletes a hunt group a `protect:` pattern matches: refused whatever prune and
    /// force say.
    #[error(
        "refusing to delete protected hunt group {service_user_id}: it matches protect pattern \
         \"{pattern}\" at {location}; remove the pattern (or narrow it) if it must go"
    )]
    Protected {
        /// The hunt group.
        service_user_id: String,
        /// The pattern.
        pattern: String,
        /// Where the pattern was written.
        location: String,
    },
}

/// Refuses a plan that deletes a protected hunt group ([`Plan::protect`]), whatever
/// `force` says.
pub fn check_protected(plan: &Plan) -> Result<(), SafetyError> {
    match plan.protected_deletes().first() {
        Some((id, p)) => Err(SafetyError::Protected {
            service_user_id: id.to_string(),
            pattern: p.pattern.clone(),
            location: p.location.clone(),
        }),
        None => Ok(()),
    }
}

/// Checks the plan before anything is sent: refuses a delete of a protected hunt group
/// ([`check_protected`], even with `force`), and unless `force`, a plan that deletes more than
/// `delete_threshold_percent` or updates more than `update_threshold_percent` of the existing
/// hunt groups in the managed groups, when there are at least `min_groups_for_threshold`.
pub fn check_safety(plan: &Plan, opts: &ApplyOptions) -> Result<(), SafetyError> {
    check_protected(plan)?;
    let summary = plan.summary();
    let existing = plan.existing_hunt_groups();
    if opts.force || existing < opts.min_groups_for_threshold {
        return Ok(());
    }
    // Integer comparison: n/existing > threshold/100 without rounding surprises.
    let over = |n: usize, threshold: u8| n > 0 && n * 100 > usize::from(threshold) * existing;
    if over(summary.delete, opts.delete_threshold_percent) {
        return Err(SafetyError::DeleteThreshold {
            deletes: summary.delete,
            existing,
            percent: summary.delete * 100 / existing,
            threshold: opts.delete_threshold_percent,
        });
    }
    if over(summary.update, opts.update_threshold_percent) {
        return Err(SafetyError::UpdateThreshold {
            updates: summary.update,
            existing,
            percent: summary.update * 100 / existing,
            threshold: opts.update_threshold_percent,
        });
    }
    Ok(())
}

/// One hunt group being written.
struct Work<'a> {
    index: usize,
    change: &'a Change,
    steps: Vec<Request>,
    /// The step to send next (all before it took effect).
    next: usize,
    /// Some step was only confirmed by reading after the connection was lost.
    confirmed: bool,
    commands: Vec<String>,
    response: String,
    started: Instant,
    /// The isActive value to set once its commands are done (see [`activation`]).
    activate: Option<bool>,
}

/// How a sent write ended, before any read-back.
enum Reply {
    Done,
    Refused(GroupError),
    NotSent(String),
    Ambiguous(String),
}

/// What reading back an ambiguous write showed.
enum Verdict {
    Applied,
    NotApplied,
    Partly(Vec<String>),
    Vanished,
    Unreadable(String),
}

/// Carries out the plan's writes and returns a result for every hunt group in the plan
/// (unchanged ones included, as [`Outcome::Unchanged`]).
///
/// `on_result` is called once for every hunt group that is written, as soon as it has finished
/// (unchanged hunt groups are only in the report). One failure never stops the others. A plan
/// without changes sends nothing.
///
/// The steps: every change is screened (unchanged, predicted refusal, nothing sendable, or
/// work); the works' commands go out in rounds, one command of every unfinished hunt group per
/// round; lost replies are settled by reading, never by resending; then the held isActive
/// changes go out, one batch per group.
pub async fn apply<E: Execute>(
    exec: &E,
    plan: &Plan,
    on_result: &(dyn Fn(&GroupResult) + Sync),
) -> Report {
    let started_at = SystemTime::now();
    let started = Instant::now();
    let mut run = Run {
        results: Vec::with_capacity(plan.changes.len()),
        held: Vec::new(),
        on_result,
    };
    let mut works = screen(plan, &mut run);
    let mut active: Vec<usize> = (0..works.len()).collect();
    while !active.is_empty() {
        active = send_round(exec, &mut works, active, &mut run).await;
    }
    let Run {
        mut results, held, ..
    } = run;
    activation::run(exec, held, &mut |r| finish(&mut results, on_result, r)).await;
    results.sort_by_key(|r| r.index);
    Report {
        results,
        started: started_at,
        duration: started.elapsed(),
    }
}

/// The results so far, the hunt groups held for their activation batch, and who to tell.
struct Run<'a, 'p> {
    results: Vec<GroupResult>,
    held: Vec<activation::Pending>,
    on_result: &'a (dyn Fn(&GroupResult) + Sync + 'p),
}

impl Run<'_, '_> {
    fn finish(&mut self, r: GroupResult) {
        finish(&mut self.results, self.on_result, r);
    }

    /// A hunt group whose commands all took effect: finished, or held for the activation batch.
    fn done(&mut self, work: &Work<'_>) {
        done(&mut self.results, &mut self.held, self.on_result, work);
    }
}

/// Sorts every change of the plan: unchanged ones and those that must not be sent are
/// reported at once, isActive-only changes are held for the activation batch, and the rest
/// become work.
fn screen<'p>(plan: &'p Plan, run: &mut Run<'_, '_>) -> Vec<Work<'p>> {
    let mut works = Vec::new();
    let mut creates: HashSet<&str> = HashSet::new();
    for (index, change) in plan.changes.iter().enumerate() {
        if change.action == Action::NoOp {
            run.results
                .push(GroupResult::new(index, change, Outcome::Unchanged));
            continue;
        }
        if let Some(r) = not_sendable(plan, index, change, &mut creates) {
            run.finish(r);
            continue;
        }
        let steps = crate::plan::to_requests(change);
        let activate = activation::target(change);
        match (steps.is_empty(), activate) {
            // Only isActive changes: nothing to send before the activation batch.
            (true, Some(active)) => run.held.push(activation::Pending {
                result: GroupResult::new(index, change, Outcome::Updated),
                started: Instant::now(),
                key: GroupKey::new(&change.service_provider_id, &change.group_id),
                active,
                had_steps: false,
            }),
            (true, None) => run.finish(refused(
                index,
                change,
                "no command carries out this change",
                "not sent: the plan entry is incomplete",
            )),
            (false, _) => works.push(Work {
                index,
                change,
                steps,
                next: 0,
                confirmed: false,
                commands: Vec::new(),
                response: String::new(),
                started: Instant::now(),
                activate,
            }),
        }
    }
    works
}

/// The failed result of a change that must not be sent: one pre-flight predicts the server to
/// refuse, a second create of the same hunt group, a create whose password is missing.
fn not_sendable<'p>(
    plan: &Plan,
    index: usize,
    change: &'p Change,
    creates: &mut HashSet<&'p str>,
) -> Option<GroupResult> {
    let predicted: Vec<&crate::plan::Refusal> = plan.refusals_of(&change.service_user_id).collect();
    if let Some(first) = predicted.first() {
        // Pre-flight predicted the server's answer: the write is not sent at all.
        let mut r = GroupResult::new(index, change, Outcome::Failed);
        r.error = Some(GroupError {
            code: Some(first.code),
            summary: predicted
                .iter()
                .map(|x| x.message())
                .collect::<Vec<_>>()
                .join("; "),
            detail: first.location.as_ref().map(|l| format!("written at {l}")),
        });
        r.note = Some(
            "not sent: pre-flight predicts the server refuses it; fix the desired state \
             (or turn pre-flight off to send it anyway)"
                .to_string(),
        );
        return Some(r);
    }
    if change.action == Action::Create && !creates.insert(change.service_user_id.as_str()) {
        return Some(refused(
            index,
            change,
            "duplicate create in the plan",
            "not sent: the plan creates this hunt group more than once",
        ));
    }
    let password_missing = change.action == Action::Create
        && change.password
        && change
            .after
            .as_ref()
            // A secret reference not read is never sent (as an empty password).
            .is_none_or(|a| {
                a.service_instance_profile
                    .password
                    .as_ref()
                    .is_none_or(|p| !p.is_resolved())
            });
    password_missing.then(|| {
        refused(
            index,
            change,
            "password missing",
            "not sent: the saved plan holds no passwords; give the desired-state files so \
             they can be restored",
        )
    })
}

fn refused(index: usize, change: &Change, summary: &str, note: &str) -> GroupResult {
    let mut r = GroupResult::new(index, change, Outcome::Failed);
    r.error = Some(GroupError::plain(summary));
    r.note = Some(note.to_string());
    r
}

/// Sends the next command of every work in `active` (one document batch) and sorts the
/// replies; returns the works that have commands left.
async fn send_round<E: Execute>(
    exec: &E,
    works: &mut [Work<'_>],
    active: Vec<usize>,
    run: &mut Run<'_, '_>,
) -> Vec<usize> {
    let requests: Vec<Request> = active
        .iter()
        .map(|&w| {
            let work = &mut works[w];
            let r = work.steps[work.next].clone();
            work.commands.push(r.type_name().to_string());
            r
        })
        .collect();
    let mut replies = exec.execute(requests).await.into_iter();
    let mut still = Vec::new();
    let mut ambiguous: Vec<(usize, String)> = Vec::new();
    for &w in &active {
        // A missing result is treated like a lost reply: the write may have happened.
        let reply = replies
            .next()
            .unwrap_or_else(|| Err(CommandFailure::BadReply("no result".into())));
        let work = &mut works[w];
        match classify(reply) {
            Reply::Done => {
                work.response = "SuccessResponse".into();
                step_done(work, w, &mut still, run);
            }
            Reply::Refused(e) => {
                work.response = "ErrorResponse".into();
                let note = partial_note(work, "refused by the server");
                run.finish(failed(work, e, note));
            }
            Reply::NotSent(m) => {
                let note = if work.next == 0 {
                    Some("not sent (safe to retry on the next run)".to_string())
                } else {
                    partial_note(work, "not sent")
                };
                let e = GroupError::plain(&format!("not sent: {m}"));
                run.finish(failed(work, e, note));
            }
            Reply::Ambiguous(m) => {
                // No reply to show for this command; the read-back decides.
                work.response.clear();
                ambiguous.push((w, m));
            }
        }
    }
    if !ambiguous.is_empty() {
        settle_lost_replies(exec, works, ambiguous, &mut still, run).await;
    }
    still
}

/// A step that took effect: on to the next one, or the hunt group is done.
fn step_done(work: &mut Work<'_>, w: usize, still: &mut Vec<usize>, run: &mut Run<'_, '_>) {
    work.next += 1;
    if work.next < work.steps.len() {
        still.push(w);
    } else {
        run.done(work);
    }
}

/// Reads back what the writes whose replies were lost did, and ends or continues each work
/// by what the read shows (never by resending).
async fn settle_lost_replies<E: Execute>(
    exec: &E,
    works: &mut [Work<'_>],
    ambiguous: Vec<(usize, String)>,
    still: &mut Vec<usize>,
    run: &mut Run<'_, '_>,
) {
    let items: Vec<(&Change, &Request)> = ambiguous
        .iter()
        .map(|&(w, _)| (works[w].change, &works[w].steps[works[w].next]))
        .collect();
    let verdicts = verify(exec, &items).await;
    for ((w, why), verdict) in ambiguous.into_iter().zip(verdicts) {
        let work = &mut works[w];
        if let Verdict::Applied = verdict {
            work.confirmed = true;
            step_done(work, w, still, run);
            continue;
        }
        let lost = GroupError::plain(&format!("outcome unknown: {why}"));
        let note = lost_reply_note(work, verdict);
        run.finish(failed(work, lost, Some(note)));
    }
}

/// What the report says of a write whose reply was lost and that did not (all) take effect.
fn lost_reply_note(work: &Work<'_>, verdict: Verdict) -> String {
    match verdict {
        Verdict::Applied => done_word(work.change.action).to_string(),
        Verdict::NotApplied if work.next == 0 => {
            let what = match work.change.action {
                Action::Create => "not created",
                Action::Delete => "not deleted",
                _ => "not applied",
            };
            format!("{what} (connection lost before the server answered)")
        }
        Verdict::NotApplied => {
            partial_note(work, "not set (connection lost before the server answered)")
                .unwrap_or_default()
        }
        Verdict::Partly(paths) => format!(
            "partly applied (connection lost before the server answered): {} still differ{}; \
             re-run plan",
            paths.join(", "),
            if paths.len() == 1 { "s" } else { "" }
        ),
        Verdict::Vanished => "the hunt group no longer exists; re-run plan".to_string(),
        Verdict::Unreadable(reason) if work.next == 0 => {
            format!("outcome unknown: re-run plan (read-back failed: {reason})")
        }
        Verdict::Unreadable(reason) => format!(
            "{}, but the outcome of the agent weights is unknown: re-run plan (read-back \
             failed: {reason})",
            done_word(work.change.action)
        ),
    }
}

fn classify(reply: Result<Response, CommandFailure>) -> Reply {
    match reply {
        Ok(Response::Success) => Reply::Done,
        Ok(Response::Error(e)) => Reply::Refused(GroupError::from_oci(&e)),
        // The server answered something else: it saw the command, so it may have acted on it.
        Ok(other) => Reply::Ambiguous(format!("unexpected {}", other.type_name())),
        Err(CommandFailure::NotSent(m)) => Reply::NotSent(m),
        // The report adds "outcome unknown: " itself; keep it from appearing twice.
        Err(CommandFailure::Unknown(m)) => Reply::Ambiguous(m),
        Err(e @ CommandFailure::BadReply(_)) => Reply::Ambiguous(e.to_string()),
    }
}

fn done_word(action: Action) -> &'static str {
    match action {
        Action::Create => "created",
        Action::Update => "updated",
        Action::Delete => "deleted",
        Action::NoOp => "unchanged",
    }
}

/// For a failure after the first step took effect: what was done and what was not.
fn partial_note(work: &Work<'_>, how: &str) -> Option<String> {
    (work.next > 0).then(|| {
        let done = done_word(work.change.action);
        let confirmed = if work.confirmed {
            " (confirmed after reconnect)"
        } else {
            ""
        };
        let step = work
            .steps
            .get(work.next)
            .map(services::step_name)
            .unwrap_or_default();
        let verb = if step.starts_with("the ") {
            "were"
        } else {
            "was"
        };
        format!("{done}{confirmed}, but {step} {verb} {how}; re-run plan to see what is left")
    })
}

fn succeeded(work: &Work<'_>) -> GroupResult {
    let outcome = match work.change.action {
        Action::Create => Outcome::Created,
        Action::Update => Outcome::Updated,
        Action::Delete => Outcome::Deleted,
        Action::NoOp => Outcome::Unchanged,
    };
    let mut r = base(work, outcome);
    if work.confirmed {
        r.note = Some(format!(
            "{}, confirmed after reconnect",
            done_word(work.change.action)
        ));
    }
    r
}

/// A hunt group whose commands all took effect: finished, or held for the activation batch.
fn done(
    results: &mut Vec<GroupResult>,
    held: &mut Vec<activation::Pending>,
    on_result: &(dyn Fn(&GroupResult) + Sync),
    work: &Work<'_>,
) {
    match work.activate {
        Some(active) => held.push(activation::Pending {
            result: succeeded(work),
            started: work.started,
            key: GroupKey::new(&work.change.service_provider_id, &work.change.group_id),
            active,
            had_steps: true,
        }),
        None => finish(results, on_result, succeeded(work)),
    }
}

fn failed(work: &Work<'_>, error: GroupError, note: Option<String>) -> GroupResult {
    let mut r = base(work, Outcome::Failed);
    r.blocks = services::outcomes(&work.steps, work.next, true);
    r.error = Some(error);
    r.note = note;
    r
}

fn base(work: &Work<'_>, outcome: Outcome) -> GroupResult {
    let mut r = GroupResult::new(work.index, work.change, outcome);
    r.commands = work.commands.clone();
    r.response = work.response.clone();
    r.duration_ms = u64::try_from(work.started.elapsed().as_millis()).unwrap_or(u64::MAX);
    r.blocks = services::outcomes(&work.steps, work.next, false);
    r
}

fn finish(
    results: &mut Vec<GroupResult>,
    on_result: &(dyn Fn(&GroupResult) + Sync),
    r: GroupResult,
) {
    on_result(&r);
    results.push(r);
}

/// What a read-back showed about one hunt group.
enum Seen {
    Exists(Box<HuntGroup>, Option<String>),
    Absent,
    Unreadable(String),
}

/// Reads back the hunt groups of ambiguous writes (GetInstance; for those the server refuses
/// to show, GetInstanceList of their group to tell "gone" from "cannot read") and decides
/// whether each write took effect. Never writes.
async fn verify<E: Execute>(exec: &E, items: &[(&Change, &Request)]) -> Vec<Verdict> {
    // Each read-back with the block reads of a block write right behind it.
    let gets: Vec<Request> = items
        .iter()
        .flat_map(|(c, step)| {
            std::iter::once(Request::GetInstance {
                service_user_id: c.service_user_id.clone(),
            })
            .chain(services::verify_reads(c, step))
        })
        .collect();
    let mut replies = exec.execute(gets).await.into_iter();
    let mut seen: Vec<Option<Seen>> = Vec::with_capacity(items.len());
    let mut need_list: BTreeSet<GroupKey> = BTreeSet::new();
    for (change, step) in items {
        let instance = replies.next();
        let blocks: Vec<_> = replies
            .by_ref()
            .take(services::verify_reads(change, step).len())
            .collect();
        match instance {
            Some(Ok(Response::Instance(d))) => {
                let mut hg = from_details(
                    &change.service_provider_id,
                    &change.group_id,
                    &change.service_user_id,
                    &d,
                );
                if let Err(e) = services::absorb_verify(change, &mut hg, &mut blocks.into_iter()) {
                    seen.push(Some(Seen::Unreadable(e)));
                    continue;
                }
                seen.push(Some(Seen::Exists(Box::new(hg), d.country_code.clone())));
            }
            Some(Ok(Response::Error(_))) => {
                need_list.insert(GroupKey::new(&change.service_provider_id, &change.group_id));
                seen.push(None);
            }
            Some(Ok(other)) => seen.push(Some(Seen::Unreadable(format!(
                "unexpected {}",
                other.type_name()
            )))),
            Some(Err(e)) => seen.push(Some(Seen::Unreadable(e.to_string()))),
            None => seen.push(Some(Seen::Unreadable("no result".into()))),
        }
    }

    let listings: HashMap<GroupKey, Result<HashSet<String>, String>> =
        read_listings(exec, need_list.into_iter().collect())
            .await
            .into_iter()
            .map(|(k, rows)| {
                (
                    k,
                    rows.map(|r| r.into_iter().map(|r| r.service_user_id).collect()),
                )
            })
            .collect();

    items
        .iter()
        .zip(seen)
        .map(|((change, step), seen)| {
            let seen = seen.unwrap_or_else(|| {
                let key = GroupKey::new(&change.service_provider_id, &change.group_id);
                match listings.get(&key) {
                    Some(Ok(ids)) if ids.contains(&change.service_user_id) => Seen::Unreadable(
                        "listed in its group but the server refuses to show it".into(),
                    ),
                    Some(Ok(_)) => Seen::Absent,
                    Some(Err(e)) => Seen::Unreadable(e.clone()),
                    None => Seen::Unreadable("group not listed".into()),
                }
            });
            judge(change, step, seen)
        })
        .collect()
}

/// The listing of each group of `keys` (one `GroupHuntGroupGetInstanceListRequest` each, in
/// one batch), or why it could not be read: how a write whose reply was lost is settled.
pub(crate) async fn read_listings<E: Execute>(
    exec: &E,
    keys: Vec<GroupKey>,
) -> HashMap<GroupKey, Result<Vec<InstanceListEntry>, String>> {
    if keys.is_empty() {
        return HashMap::new();
    }
    let lists: Vec<Request> = keys.iter().map(GroupKey::list_request).collect();
    let mut replies = exec.execute(lists).await.into_iter();
    keys.into_iter()
        .map(|key| {
            let listing = match replies.next() {
                Some(Ok(Response::InstanceList(rows))) => Ok(rows),
                Some(Ok(Response::Error(e))) => Err(e.to_string()),
                Some(Ok(other)) => Err(format!("unexpected {}", other.type_name())),
                Some(Err(e)) => Err(e.to_string()),
                None => Err("no result".into()),
            };
            (key, listing)
        })
        .collect()
}

fn judge(change: &Change, step: &Request, seen: Seen) -> Verdict {
    match (step, seen) {
        (_, Seen::Unreadable(reason)) => Verdict::Unreadable(reason),
        (Request::AddInstance(_), Seen::Exists(..)) => Verdict::Applied,
        (Request::AddInstance(_), Seen::Absent) => Verdict::NotApplied,
        (Request::DeleteInstance { .. }, Seen::Absent) => Verdict::Applied,
        (Request::DeleteInstance { .. }, Seen::Exists(..)) => Verdict::NotApplied,
        // Read by the new id: there, the rename took effect.
        (Request::ModifyUserId { .. }, Seen::Exists(..)) => Verdict::Applied,
        (Request::ModifyUserId { .. }, Seen::Absent) => Verdict::NotApplied,
        (_, Seen::Absent) => Verdict::Vanished,
        (_, Seen::Exists(hg, cc)) => compare(change, step, *hg, cc),
    }
}

/// Compares the re-read hunt group with the planned one, on the fields `step` writes.
fn compare(change: &Change, step: &Request, hg: HuntGroup, cc: Option<String>) -> Verdict {
    let Some(after) = change.after.as_ref() else {
        return Verdict::Unreadable("the plan entry has no desired state".into());
    };
    let weights_step = matches!(step, Request::ModifyWeights { .. });
    // The fields this step was to write: the weights, a block's settings, or everything else
    // that changed (but the blocks, written by steps of their own).
    let targets: BTreeSet<&str> = if weights_step {
        [WEIGHTS_PATH].into_iter().collect()
    } else if matches!(step, Request::Service(_)) {
        crate::plan::services::step_paths(step, &change.fields)
            .into_iter()
            .collect()
    } else {
        change
            .fields
            .iter()
            .map(|f| f.path.as_str())
            // isActive has a command of its own, read back by the activation step.
            .filter(|p| *p != WEIGHTS_PATH && *p != PASSWORD_PATH && *p != activation::ACTIVE_PATH)
            .filter(|p| !crate::plan::services::is_block_path(p))
            .collect()
    };
    let remaining: Vec<String> = diff_one(after, hg, cc)
        .into_iter()
        .flat_map(|c| c.fields)
        .map(|f| f.path)
        .filter(|p| targets.contains(p.as_str()))
        .collect();
    if remaining.is_empty() {
        Verdict::Applied
    } else if remaining.len() == targets.len() {
        Verdict::NotApplied
    } else {
        Verdict::Partly(remaining)
    }
}
