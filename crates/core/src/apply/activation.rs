//! isActive: whether a hunt group takes calls, written with
//! `GroupHuntGroupModifyActiveInstanceListRequest` after the instance commands.
//!
//! The flag is not an element of the add or modify request (R20-era commands); it has its own
//! command, which takes a list. So once a group's hunt groups have had their instance commands,
//! every one whose flag must change goes into one command per group (at most
//! [`ACTIVATION_BATCH`] per command): a hundred deactivations cost one round trip, not a
//! hundred. A create with `isActive: false` is a create then a deactivation, reported as one
//! result. BroadWorks refuses such a command as a whole when one of its hunt groups is bad, so
//! a refused batch is sent again one hunt group per command: one bad hunt group never fails
//! the others. A write whose outcome is unknown is never resent; the group's listing is read
//! back and its "Is Active" column decides.

use super::{GroupError, GroupResult, Outcome};
use crate::ocip::messages::{Request, Response};
use crate::ocip::{CommandFailure, Execute};
use crate::plan::{Action, Change, GroupKey};
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// The plan's field path of the flag.
pub(crate) const ACTIVE_PATH: &str = "isActive";

/// The most hunt groups one `GroupHuntGroupModifyActiveInstanceListRequest` carries. The
/// schema sets no limit; this keeps one refused command's fallback, and one document, small.
pub const ACTIVATION_BATCH: usize = 100;

const COMMAND: &str = "GroupHuntGroupModifyActiveInstanceListRequest";

/// The isActive value `change` must write, if it must write one: an update whose `isActive`
/// differs, or a create of an inactive hunt group (a new hunt group is active).
pub(crate) fn target(change: &Change) -> Option<bool> {
    let after = change.after.as_ref()?;
    match change.action {
        Action::Create => (!after.is_active).then_some(false),
        Action::Update => change
            .fields
            .iter()
            .any(|f| f.path == ACTIVE_PATH)
            .then_some(after.is_active),
        Action::Delete | Action::NoOp => None,
    }
}

/// A hunt group whose other commands (if any) succeeded and whose flag is still to be set.
pub(crate) struct Pending {
    /// Its result as it will be if the flag is set.
    pub result: GroupResult,
    /// When its first command was sent.
    pub started: Instant,
    /// Its group: the batch it joins.
    pub key: GroupKey,
    /// The value to set.
    pub active: bool,
    /// Instance commands were sent before (so a failure here is a partial success).
    pub had_steps: bool,
}

impl Pending {
    fn id(&self) -> &str {
        &self.result.service_user_id
    }

    fn done(mut self, confirmed: bool) -> GroupResult {
        self.result.commands.push(COMMAND.to_string());
        self.result.response = if confirmed {
            String::new()
        } else {
            "SuccessResponse".to_string()
        };
        if confirmed {
            self.result.note = Some(format!(
                "{}, confirmed after reconnect",
                if self.active {
                    "activated"
                } else {
                    "deactivated"
                }
            ));
        }
        self.stamp()
    }

    fn failed(mut self, error: GroupError, how: &str, response: &str) -> GroupResult {
        self.result.commands.push(COMMAND.to_string());
        self.result.response = response.to_string();
        let still = if self.active { "inactive" } else { "active" };
        let verb = if self.active {
            "activation"
        } else {
            "deactivation"
        };
        let done = match (self.result.action, self.had_steps) {
            (Action::Create, _) => "created, but ",
            (_, true) => "updated, but ",
            _ => "",
        };
        self.result.outcome = Outcome::Failed;
        self.result.error = Some(error);
        self.result.note = Some(format!(
            "{done}it is still {still}: the {verb} ({COMMAND}) was {how}; re-run plan to see \
             what is left"
        ));
        self.stamp()
    }

    fn stamp(mut self) -> GroupResult {
        self.result.duration_ms =
            u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.result
    }
}

/// How one activation command ended.
#[derive(Clone)]
enum Reply {
    Done,
    Refused(GroupError),
    NotSent(String),
    Unknown(String),
}

fn classify(r: Option<Result<Response, CommandFailure>>) -> Reply {
    match r {
        Some(Ok(Response::Success)) => Reply::Done,
        Some(Ok(Response::Error(e))) => Reply::Refused(GroupError::from_oci(&e)),
        Some(Ok(other)) => Reply::Unknown(format!("unexpected {}", other.type_name())),
        Some(Err(CommandFailure::NotSent(m))) => Reply::NotSent(m),
        Some(Err(CommandFailure::Unknown(m))) => Reply::Unknown(m),
        Some(Err(e @ CommandFailure::BadReply(_))) => Reply::Unknown(e.to_string()),
        None => Reply::Unknown("no result".into()),
    }
}

/// Ends a hunt group's result by its own command's reply (a refusal is its own: it was alone
/// in the command), or keeps it for the read-back when the outcome is unknown.
fn settle(
    p: Pending,
    reply: Reply,
    unknown: &mut Vec<(Pending, String)>,
    finish: &mut (dyn FnMut(GroupResult) + Send),
) {
    match reply {
        Reply::Done => finish(p.done(false)),
        Reply::Refused(e) => finish(p.failed(e, "refused by the server", "ErrorResponse")),
        Reply::NotSent(m) => {
            let e = GroupError::plain(&format!("not sent: {m}"));
            finish(p.failed(e, "not sent", ""))
        }
        Reply::Unknown(m) => unknown.push((p, m)),
    }
}

fn request(items: &[Pending]) -> Request {
    Request::ModifyActiveList {
        activations: items
            .iter()
            .map(|p| (p.id().to_string(), p.active))
            .collect(),
    }
}

/// Sets the flag of every pending hunt group: one command per group and [`ACTIVATION_BATCH`],
/// all sent in one `execute` call; a refused batch again one per hunt group. Calls `finish`
/// once per hunt group with its final result.
pub(crate) async fn run<E: Execute>(
    exec: &E,
    pending: Vec<Pending>,
    finish: &mut (dyn FnMut(GroupResult) + Send),
) {
    if pending.is_empty() {
        return;
    }
    let mut by_group: BTreeMap<GroupKey, Vec<Pending>> = BTreeMap::new();
    for p in pending {
        by_group.entry(p.key.clone()).or_default().push(p);
    }
    let mut batches: Vec<Vec<Pending>> = Vec::new();
    for (_, mut items) in by_group {
        while !items.is_empty() {
            let rest = items.split_off(items.len().min(ACTIVATION_BATCH));
            batches.push(std::mem::replace(&mut items, rest));
        }
    }
    let replies = exec
        .execute(batches.iter().map(|b| request(b)).collect())
        .await;
    let mut replies = replies.into_iter();
    let mut singles: Vec<Pending> = Vec::new();
    let mut unknown: Vec<(Pending, String)> = Vec::new();
    for batch in batches {
        match classify(replies.next()) {
            // One bad hunt group refuses the whole command: find it by sending them one by one.
            Reply::Refused(_) if batch.len() > 1 => singles.extend(batch),
            reply => {
                for p in batch {
                    settle(p, reply.clone(), &mut unknown, finish);
                }
            }
        }
    }
    if !singles.is_empty() {
        let reqs: Vec<Request> = singles
            .iter()
            .map(|p| request(std::slice::from_ref(p)))
            .collect();
        let mut replies = exec.execute(reqs).await.into_iter();
        for mut p in singles {
            // The refused batch was one command already sent for it.
            p.result.commands.push(COMMAND.to_string());
            settle(p, classify(replies.next()), &mut unknown, finish);
        }
    }
    if !unknown.is_empty() {
        read_back(exec, unknown, finish).await;
    }
}

/// Decides writes whose reply was lost by the "Is Active" column of their group's listing.
async fn read_back<E: Execute>(
    exec: &E,
    unknown: Vec<(Pending, String)>,
    finish: &mut (dyn FnMut(GroupResult) + Send),
) {
    let mut keys: Vec<GroupKey> = unknown.iter().map(|(p, _)| p.key.clone()).collect();
    keys.sort();
    keys.dedup();
    let seen: HashMap<GroupKey, Result<HashMap<String, bool>, String>> =
        super::read_listings(exec, keys)
            .await
            .into_iter()
            .map(|(k, rows)| {
                let active = rows.map(|r| {
                    r.into_iter()
                        .map(|r| (r.service_user_id, r.is_active))
                        .collect()
                });
                (k, active)
            })
            .collect();
    for (p, why) in unknown {
        let lost = GroupError::plain(&format!("outcome unknown: {why}"));
        match seen.get(&p.key) {
            Some(Ok(rows)) => match rows.get(p.id()) {
                Some(&now) if now == p.active => finish(p.done(true)),
                Some(_) => finish(p.failed(
                    lost,
                    "not carried out (connection lost before the server answered)",
                    "",
                )),
                None => finish(p.failed(lost, "sent, but the hunt group is no longer listed", "")),
            },
            Some(Err(reason)) => {
                let how = format!("sent, but its outcome is unknown (read-back failed: {reason})");
                finish(p.failed(lost, &how, ""))
            }
            None => finish(p.failed(lost, "sent, but its outcome is unknown", "")),
        }
    }
}
