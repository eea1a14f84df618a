//! Reading every hunt group's blocks for an export, at the cost of a few reads per group
//! rather than several per hunt group.
//!
//! An export does not know beforehand which hunt groups use which service, and reading each
//! hunt group's assignment list and every block's settings would cost five or six commands a
//! hunt group (an export of 10,000 measured 5.3× its floor). So it asks the groups first, in
//! two round trips:
//!
//! 1. per group, `GroupServiceGetAuthorizationListRequest` and a
//!    `GroupUserCallForwardingSettingsGetListRequest` for each of Always, Busy, Not Reachable
//!    and Selective (hunt groups' users included): who has each forwarding service, and Busy's
//!    and Not Reachable's settings whole;
//! 2. per group, `GroupGetUserServiceAssignedUserListRequest` for every other service a hunt
//!    group's user may have (the authorization list's "Group Service Assignable") that some
//!    user of the group has ("Usage" above 0).
//!
//! Then only the hunt groups with Always, Selective or Directory Number Hunting assigned are
//! read one by one, for those blocks, in the documents of the instance reads.

use super::fetch::{
    check_count, fetch_where, group_read, read_lists, BlockWants, FetchError, GroupLists, ListPage,
};
use super::{CurrentState, GroupKey, PlanOptions};
use crate::model::services::{Block, UserBlocks};
use crate::model::HuntGroup;
use crate::ocip::messages::{Request, Response};
use crate::ocip::{CommandFailure, Execute};
use huntctl_protocol::services::{Authorizations, ServiceRequest, ServiceResponse};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

const ASSIGNED_USERS: &str = "GroupGetUserServiceAssignedUserListRequest";

/// The services each user of each group has, as the group lists said.
type Assigned = BTreeMap<GroupKey, HashMap<String, BTreeSet<String>>>;

/// Reads every hunt group of the groups of `desired` (placeholders, one per group) with every
/// block it uses: its assigned services and the settings of each assigned block.
pub async fn fetch_all_blocks<E: Execute>(
    exec: &E,
    desired: &[HuntGroup],
    opts: &PlanOptions,
) -> Result<CurrentState, FetchError> {
    let groups: BTreeSet<GroupKey> = desired.iter().map(GroupKey::of).collect();
    let (listed, assigned) = read_groups(exec, &groups).await?;
    let mut blocks = BlockWants::new();
    for users in assigned.values() {
        for (id, services) in users {
            let wanted: BTreeMap<Block, _> = Block::ALL
                .iter()
                .filter(|b| services.contains(b.service()))
                .map(|b| (*b, b.fresh()))
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let criteria = wanted.contains_key(&Block::Selective).then(Vec::new);
            blocks.by_id.insert(
                id.clone(),
                Cow::Owned(UserBlocks {
                    services: None,
                    blocks: wanted,
                    criteria,
                }),
            );
        }
    }
    blocks.listed = Some(listed);
    let ids: HashSet<&str> = desired.iter().map(|d| d.service_user_id.as_str()).collect();
    let (mut current, _) = fetch_where(
        exec,
        &blocks,
        groups,
        |_, id| opts.selection.matches(id) && (opts.prune || ids.contains(id)),
        &|_| Vec::new(),
    )
    .await?;
    // Every read hunt group's services are the lists' word, whether or not a block was read.
    for (key, g) in current.groups.iter_mut() {
        let users = assigned.get(key);
        for (id, h) in g.hunt_groups.iter_mut() {
            let services: Vec<String> = users
                .and_then(|u| u.get(id))
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default();
            match h.blocks.as_deref_mut() {
                Some(b) => b.services = Some(services),
                None if !services.is_empty() => {
                    h.blocks = Some(Box::new(UserBlocks {
                        services: Some(services),
                        ..UserBlocks::default()
                    }))
                }
                None => {}
            }
        }
    }
    Ok(current)
}

fn service_reply(r: Result<Response, CommandFailure>) -> Option<ServiceResponse> {
    match r {
        Ok(Response::Service(s)) => Some(*s),
        _ => None,
    }
}

/// The two rounds of group reads. A group whose authorization list is refused (it does not
/// exist, say) is left out: its listing says why, next.
async fn read_groups<E: Execute>(
    exec: &E,
    groups: &BTreeSet<GroupKey>,
) -> Result<(GroupLists, Assigned), FetchError> {
    let mut requests = Vec::new();
    for k in groups {
        requests.push(Request::Service(Box::new(
            ServiceRequest::GetAuthorizations {
                service_provider_id: k.service_provider_id.clone(),
                group_id: k.group_id.clone(),
            },
        )));
    }
    let pages: Vec<ListPage> = groups
        .iter()
        .flat_map(|k| {
            Block::ALL
                .iter()
                .filter_map(move |b| ListPage::first(k, *b))
        })
        .collect();
    requests.extend(pages.iter().map(ListPage::request));
    let expected = requests.len();
    let mut results = exec.execute(requests).await;
    check_count(&results, expected)?;
    let page_results = results.split_off(groups.len());
    let mut authorizations: BTreeMap<GroupKey, Authorizations> = BTreeMap::new();
    for (k, r) in groups.iter().zip(results) {
        if let Some(ServiceResponse::Authorizations(a)) = service_reply(r) {
            authorizations.insert(k.clone(), a);
        }
    }
    // The lists of groups that could not be read are dropped with their (refused) results.
    let (pages, page_results): (Vec<ListPage>, Vec<_>) = pages
        .into_iter()
        .zip(page_results)
        .filter(|(p, _)| authorizations.contains_key(&p.key))
        .unzip();
    let mut listed = GroupLists::new();
    read_lists(exec, pages, page_results, &mut listed).await?;

    let mut assigned: Assigned = BTreeMap::new();
    for ((key, block), rows) in &listed {
        let users = assigned.entry(key.clone()).or_default();
        for id in rows.keys() {
            users
                .entry(id.clone())
                .or_default()
                .insert(block.service().to_string());
        }
    }
    // Round two: the other services a hunt group may have that someone in the group has.
    let listed_services: Vec<&str> = Block::ALL
        .iter()
        .filter(|b| b.listed_service().is_some())
        .map(|b| b.service())
        .collect();
    let mut asked: Vec<(GroupKey, String)> = Vec::new();
    for (k, a) in &authorizations {
        for s in &a.user_services {
            let used = s
                .service
                .usage
                .trim()
                .parse::<u64>()
                .map_or(true, |n| n > 0);
            if s.service.authorized
                && s.group_service_assignable
                && used
                && !listed_services.contains(&s.service.name.as_str())
            {
                asked.push((k.clone(), s.service.name.clone()));
            }
        }
    }
    if asked.is_empty() {
        return Ok((listed, assigned));
    }
    let requests: Vec<Request> = asked
        .iter()
        .map(|(k, name)| {
            Request::Service(Box::new(ServiceRequest::AssignedUsers {
                service_provider_id: k.service_provider_id.clone(),
                group_id: k.group_id.clone(),
                name: name.clone(),
                pack: false,
            }))
        })
        .collect();
    let expected = requests.len();
    let results = exec.execute(requests).await;
    check_count(&results, expected)?;
    for ((key, name), r) in asked.into_iter().zip(results) {
        let rows = group_read(ASSIGNED_USERS, &key, r, |s| match s {
            ServiceResponse::AssignedUsers(rows) => Some(rows),
            _ => None,
        })?;
        let users = assigned.entry(key).or_default();
        for r in rows {
            users.entry(r.user_id).or_default().insert(name.clone());
        }
    }
    Ok((listed, assigned))
}
