//! Reading the current state over OCI-P.

use super::{from_details, CurrentState, GroupKey, GroupState, PlanOptions, ScopeGroup};
use crate::model::HuntGroup;
use crate::ocip::commands::{OciError, Request, Response};
use crate::ocip::{CommandFailure, Execute};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Why the current state could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    /// A command got no answer.
    #[error("{command} for {subject}: {failure}")]
    Failed {
        /// The request type.
        command: &'static str,
        /// The group or hunt group it was about.
        subject: String,
        /// What went wrong.
        failure: CommandFailure,
    },
    /// The server refused to show a hunt group that its group listing showed.
    #[error("cannot read hunt group {service_user_id}: {error}")]
    Refused {
        /// The hunt group.
        service_user_id: String,
        /// The server's error.
        error: OciError,
    },
    /// An answer of the wrong type.
    #[error("{command} for {subject}: unexpected {got}")]
    Unexpected {
        /// The request type.
        command: &'static str,
        /// The group or hunt group it was about.
        subject: String,
        /// The response type received.
        got: &'static str,
    },
    /// The executor returned a different number of results than commands.
    #[error("expected {expected} results, got {got}")]
    Count {
        /// Commands sent.
        expected: usize,
        /// Results received.
        got: usize,
    },
}

/// Reads every (sp, group) named in `desired`: one GetInstanceList each, then one GetInstance
/// per listed hunt group that is in the selection and either desired or (with prune) a delete
/// candidate. All GetInstance requests go in one `execute` call so the executor can batch and
/// parallelise them. A group that cannot be listed (an ErrorResponse) is recorded as not
/// existing, with the server's reason.
pub async fn fetch<E: Execute>(
    exec: &E,
    desired: &[HuntGroup],
    opts: &PlanOptions,
) -> Result<CurrentState, FetchError> {
    let groups: BTreeSet<GroupKey> = desired.iter().map(GroupKey::of).collect();
    let ids: HashSet<&str> = desired.iter().map(|d| d.service_user_id.as_str()).collect();
    fetch_where(exec, groups, |_, id| {
        opts.selection.matches(id) && (opts.prune || ids.contains(id))
    })
    .await
}

/// Reads again exactly what a plan read ([`super::Plan::scope`]), for the staleness check of
/// `apply --plan`: the same listings, and details of the same hunt groups.
pub async fn fetch_scope<E: Execute>(
    exec: &E,
    scope: &[ScopeGroup],
) -> Result<CurrentState, FetchError> {
    let read: BTreeMap<GroupKey, HashSet<&str>> = scope
        .iter()
        .map(|g| {
            (
                GroupKey::new(&g.service_provider_id, &g.group_id),
                g.read.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let groups = read.keys().cloned().collect();
    fetch_where(exec, groups, |k, id| {
        read.get(k).is_some_and(|s| s.contains(id))
    })
    .await
}

fn check_count<T>(results: &[T], expected: usize) -> Result<(), FetchError> {
    if results.len() == expected {
        Ok(())
    } else {
        Err(FetchError::Count {
            expected,
            got: results.len(),
        })
    }
}

async fn fetch_where<E: Execute>(
    exec: &E,
    groups: BTreeSet<GroupKey>,
    wanted: impl Fn(&GroupKey, &str) -> bool,
) -> Result<CurrentState, FetchError> {
    let mut current = CurrentState::new();
    let keys: Vec<GroupKey> = groups.into_iter().collect();
    if keys.is_empty() {
        return Ok(current);
    }
    let lists: Vec<Request> = keys
        .iter()
        .map(|k| Request::GetInstanceList {
            service_provider_id: k.service_provider_id.clone(),
            group_id: k.group_id.clone(),
        })
        .collect();
    let results = exec.execute(lists).await;
    check_count(&results, keys.len())?;
    let mut gets: Vec<(GroupKey, String)> = Vec::new();
    for (key, result) in keys.into_iter().zip(results) {
        let subject = format!("{}/{}", key.service_provider_id, key.group_id);
        let command = "GroupHuntGroupGetInstanceListRequest";
        let state = match result {
            Ok(Response::InstanceList(rows)) => {
                let mut listed: Vec<String> = rows.into_iter().map(|r| r.service_user_id).collect();
                listed.sort();
                listed.dedup();
                gets.extend(
                    listed
                        .iter()
                        .filter(|id| wanted(&key, id))
                        .map(|id| (key.clone(), id.clone())),
                );
                GroupState {
                    exists: true,
                    listed,
                    ..Default::default()
                }
            }
            Ok(Response::Error(e)) => GroupState {
                exists: false,
                error: Some(e.to_string()),
                ..Default::default()
            },
            Ok(other) => {
                return Err(FetchError::Unexpected {
                    command,
                    subject,
                    got: other.type_name(),
                })
            }
            Err(failure) => {
                return Err(FetchError::Failed {
                    command,
                    subject,
                    failure,
                })
            }
        };
        current.groups.insert(key, state);
    }

    if gets.is_empty() {
        return Ok(current);
    }
    // In slices, each turned into hunt groups before the next is read: the decoded replies
    // are several times larger than the hunt groups made from them, and holding all 100,000
    // at once doubled the peak memory. A slice is many documents for every session, so the
    // pause between slices costs well under one round trip each.
    let mut gets = gets.into_iter().peekable();
    while gets.peek().is_some() {
        let slice: Vec<(GroupKey, String)> = gets.by_ref().take(GET_SLICE).collect();
        read_details(exec, slice, &mut current).await?;
    }
    Ok(current)
}

/// GetInstance requests per `execute` call: a multiple of 15 × 16 (full documents for up to
/// 16 sessions), large enough that slice boundaries are rare.
const GET_SLICE: usize = 15 * 16 * 16;

async fn read_details<E: Execute>(
    exec: &E,
    gets: Vec<(GroupKey, String)>,
    current: &mut CurrentState,
) -> Result<(), FetchError> {
    let requests: Vec<Request> = gets
        .iter()
        .map(|(_, id)| Request::GetInstance {
            service_user_id: id.clone(),
        })
        .collect();
    let results = exec.execute(requests).await;
    check_count(&results, gets.len())?;
    for ((key, id), result) in gets.into_iter().zip(results) {
        let command = "GroupHuntGroupGetInstanceRequest20";
        match result {
            Ok(Response::Instance(details)) => {
                let hg = from_details(&key.service_provider_id, &key.group_id, &id, &details);
                if let Some(g) = current.groups.get_mut(&key) {
                    if let Some(cc) = details.profile.country_code.clone() {
                        g.country_codes.insert(id.clone(), cc);
                    }
                    g.hunt_groups.insert(id, hg);
                }
            }
            Ok(Response::Error(error)) => {
                return Err(FetchError::Refused {
                    service_user_id: id,
                    error,
                })
            }
            Ok(other) => {
                return Err(FetchError::Unexpected {
                    command,
                    subject: id,
                    got: other.type_name(),
                })
            }
            Err(failure) => {
                return Err(FetchError::Failed {
                    command,
                    subject: id,
                    failure,
                })
            }
        }
    }
    Ok(())
}
