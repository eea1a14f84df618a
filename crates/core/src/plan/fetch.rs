//! Reading the current state over OCI-P.

use super::services;
use super::{from_details, CurrentState, GroupKey, GroupState, PlanOptions, ScopeGroup};
use crate::model::services::{Block, UserBlocks};
use crate::model::HuntGroup;
use crate::ocip::messages::{OciError, Request, Response};
use crate::ocip::{CommandFailure, Execute};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    /// The server refused a group-wide read the plan relies on.
    #[error("{command} for group {subject} was refused: {error}")]
    ListRefused {
        /// The request type.
        command: &'static str,
        /// The group.
        subject: String,
        /// The server's error (boxed: it would double the size of every `FetchError`).
        error: Box<OciError>,
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
    fetch_with(exec, desired, opts, &|_| Vec::new())
        .await
        .map(|(current, _)| current)
}

/// What [`fetch_with`] read per group beyond the current state: the group's hunt group listing
/// (every row, with numbers and extensions) and the results of the extra requests, in order.
#[derive(Debug, Clone, Default)]
pub struct ExtraReads {
    /// The `huntGroupTable` rows (empty when the group could not be listed).
    pub listing: Vec<crate::ocip::messages::InstanceListEntry>,
    /// One result per extra request of the group.
    pub results: Vec<Result<Response, CommandFailure>>,
    /// The command of each result, for naming a read that failed.
    pub commands: Vec<&'static str>,
    /// The user each request was about, when it was about one (a hunt group's own reads).
    pub subjects: Vec<Option<String>>,
}

/// [`fetch`], plus `extra(group)` requests per group, sent in the calls the plan makes anyway:
/// with the listings when they all fit one document with them, else with the detail reads (so
/// the executor batches them into those documents). Pre-flight thus costs no round trip of its
/// own, only its share of the documents. Groups with no extra requests get no [`ExtraReads`].
pub async fn fetch_with<E: Execute>(
    exec: &E,
    desired: &[HuntGroup],
    opts: &PlanOptions,
    extra: &(dyn Fn(&GroupKey) -> Vec<Request> + Sync),
) -> Result<(CurrentState, BTreeMap<GroupKey, ExtraReads>), FetchError> {
    let groups: BTreeSet<GroupKey> = desired.iter().map(GroupKey::of).collect();
    let ids: HashSet<&str> = desired.iter().map(|d| d.service_user_id.as_str()).collect();
    // The old ids of renames are read too, selected or not: a rename starts from them.
    let renamed: HashSet<&str> = opts.lifecycle.renamed_from().collect();
    let mut blocks = block_wants(desired);
    // A rename starts from the old id's blocks: they are read under that id.
    for d in desired {
        if let (Some(b), Some(r)) = (
            d.blocks.as_deref(),
            opts.lifecycle.rename_of(&d.service_user_id),
        ) {
            blocks.by_id.insert(r.from.clone(), Cow::Borrowed(b));
        }
    }
    fetch_where(
        exec,
        &blocks,
        groups,
        |_, id| {
            renamed.contains(id) || opts.selection.matches(id) && (opts.prune || ids.contains(id))
        },
        extra,
    )
    .await
}

/// Reads again exactly what a plan read ([`super::Plan::scope`]), for the staleness check of
/// `apply --plan`: the same listings, and details of the same hunt groups.
pub async fn fetch_scope<E: Execute>(
    exec: &E,
    scope: &[ScopeGroup],
) -> Result<CurrentState, FetchError> {
    fetch_scope_with(exec, scope, &BlockWants::new()).await
}

/// [`fetch_scope`], reading the blocks of the hunt groups' users that `plan` read: what its
/// changes' befores hold (a plan's fingerprint covers them).
pub async fn fetch_plan_scope<E: Execute>(
    exec: &E,
    plan: &super::Plan,
) -> Result<CurrentState, FetchError> {
    let blocks = block_wants_of_befores(plan.changes.iter().filter_map(|c| c.before.as_ref()));
    fetch_scope_with(exec, &plan.scope, &blocks).await
}

async fn fetch_scope_with<E: Execute>(
    exec: &E,
    scope: &[ScopeGroup],
    blocks: &BlockWants<'_>,
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
    fetch_where(
        exec,
        blocks,
        groups,
        |k, id| read.get(k).is_some_and(|s| s.contains(id)),
        &|_| Vec::new(),
    )
    .await
    .map(|(current, _)| current)
}

/// The blocks each hunt group's user is read for, by serviceUserId: what its desired state
/// (or, re-reading for a saved plan, its planned state) manages; for an export, what its
/// group's lists show it has ([`super::fetch_export`]), with those lists already read.
#[derive(Debug, Default)]
pub struct BlockWants<'a> {
    pub(super) by_id: HashMap<String, Cow<'a, UserBlocks>>,
    /// Forwarding settings lists read beforehand: used instead of reading them again.
    pub(super) listed: Option<GroupLists>,
}

impl BlockWants<'_> {
    /// Nothing read.
    pub fn new() -> Self {
        Self::default()
    }

    /// What hunt group `id`'s user is read for.
    pub fn get(&self, id: &str) -> Option<&UserBlocks> {
        self.by_id.get(id).map(|c| c.as_ref())
    }
}

/// The blocks the hunt groups of `hunt_groups` manage.
pub fn block_wants<'a>(hunt_groups: impl IntoIterator<Item = &'a HuntGroup>) -> BlockWants<'a> {
    let mut w = BlockWants::new();
    for h in hunt_groups {
        if let Some(b) = h.blocks.as_deref() {
            w.by_id.insert(h.service_user_id.clone(), Cow::Borrowed(b));
        }
    }
    w
}

/// The blocks to read again for a saved plan, from the states its changes started from: the
/// same reads the plan made. A plan that left `services:` unmanaged knew only the services of
/// its blocks (from the lists), so a before whose services are all its blocks' is read that
/// way again; a plan reading the whole assignment list saw the same set when it held nothing
/// else, so either way the read gives what the plan saw.
fn block_wants_of_befores<'a>(befores: impl IntoIterator<Item = &'a HuntGroup>) -> BlockWants<'a> {
    let mut w = BlockWants::new();
    for h in befores {
        let Some(b) = h.blocks.as_deref() else {
            continue;
        };
        let of_blocks = |s: &String| b.blocks.keys().any(|k| k.service() == s);
        let want = match &b.services {
            Some(list) if list.iter().all(of_blocks) => Cow::Owned(UserBlocks {
                services: None,
                ..b.clone()
            }),
            _ => Cow::Borrowed(b),
        };
        w.by_id.insert(h.service_user_id.clone(), want);
    }
    w
}

/// The most commands one OCI-P document holds (the schema's limit and the pool's default).
const ONE_DOCUMENT: usize = 15;

/// Hands the extra results back to their groups, in request order.
fn spread(
    extras: &mut BTreeMap<GroupKey, ExtraReads>,
    counts: &[(GroupKey, usize)],
    results: Vec<Result<Response, CommandFailure>>,
) {
    let mut it = results.into_iter();
    for (k, n) in counts {
        if let Some(x) = extras.get_mut(k) {
            x.results = it.by_ref().take(*n).collect();
        }
    }
}

pub(super) fn check_count<T>(results: &[T], expected: usize) -> Result<(), FetchError> {
    if results.len() == expected {
        Ok(())
    } else {
        Err(FetchError::Count {
            expected,
            got: results.len(),
        })
    }
}

pub(super) async fn fetch_where<E: Execute>(
    exec: &E,
    blocks: &BlockWants<'_>,
    groups: BTreeSet<GroupKey>,
    wanted: impl Fn(&GroupKey, &str) -> bool,
    extra: &(dyn Fn(&GroupKey) -> Vec<Request> + Sync),
) -> Result<(CurrentState, BTreeMap<GroupKey, ExtraReads>), FetchError> {
    let mut current = CurrentState::new();
    let mut extras: BTreeMap<GroupKey, ExtraReads> = BTreeMap::new();
    // Hunt groups the listings show inactive: isActive is read from the list, not the details.
    let mut inactive: BTreeMap<GroupKey, HashSet<String>> = BTreeMap::new();
    let keys: Vec<GroupKey> = groups.into_iter().collect();
    if keys.is_empty() {
        return Ok((current, extras));
    }
    let mut lists: Vec<Request> = keys.iter().map(GroupKey::list_request).collect();
    // Where the extra requests ride: behind the listings when all of them fit one document
    // with the listings (no round trip of their own, no wait for the sessions that are still
    // logging in), else behind the detail reads, when every session is up.
    let mut extra_counts: Vec<(GroupKey, usize)> = Vec::new();
    let mut extra_requests: Vec<Request> = Vec::new();
    for k in &keys {
        let more = extra(k);
        if !more.is_empty() {
            extra_counts.push((k.clone(), more.len()));
            let commands = more.iter().map(Request::type_name).collect();
            let subjects = more
                .iter()
                .map(|r| r.subject().map(str::to_string))
                .collect();
            extras.insert(
                k.clone(),
                ExtraReads {
                    commands,
                    subjects,
                    ..ExtraReads::default()
                },
            );
            extra_requests.extend(more);
        }
    }
    let with_listings = keys.len() + extra_requests.len() <= ONE_DOCUMENT;
    if with_listings {
        lists.append(&mut extra_requests);
    }
    let expected = lists.len();
    let mut results = exec.execute(lists).await;
    check_count(&results, expected)?;
    if with_listings {
        let extra_results = results.split_off(keys.len());
        spread(&mut extras, &extra_counts, extra_results);
    }
    let mut gets: Vec<(GroupKey, String)> = Vec::new();
    for (key, result) in keys.into_iter().zip(results) {
        let subject = format!("{}/{}", key.service_provider_id, key.group_id);
        let command = "GroupHuntGroupGetInstanceListRequest";
        let state = match result {
            Ok(Response::InstanceList(rows)) => {
                let rows = match extras.get_mut(&key) {
                    Some(x) => {
                        x.listing = rows;
                        x.listing.clone()
                    }
                    None => rows,
                };
                let off: HashSet<String> = rows
                    .iter()
                    .filter(|r| !r.is_active)
                    .map(|r| r.service_user_id.clone())
                    .collect();
                if !off.is_empty() {
                    inactive.insert(key.clone(), off);
                }
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

    if gets.is_empty() && extra_requests.is_empty() {
        return Ok((current, extras));
    }
    // In slices, each turned into hunt groups before the next is read: the decoded replies
    // are several times larger than the hunt groups made from them, and holding all 100,000
    // at once doubled the peak memory. A slice is many documents for every session, so the
    // pause between slices costs well under one round trip each. The extra requests (when
    // not sent with the listings) ride with the last slice.
    // The forwarding settings lists of the blocks the read hunt groups manage: one per group
    // and block, riding with the first slice of detail reads (no round trip of their own).
    let mut planned: BTreeSet<(GroupKey, Block)> = BTreeSet::new();
    let mut pages: Vec<ListPage> = Vec::new();
    let mut listed = GroupLists::new();
    if let Some(read) = &blocks.listed {
        planned.extend(read.keys().cloned());
        listed = read.clone();
    } else {
        for (key, id) in &gets {
            for b in blocks.get(id).iter().flat_map(|w| w.blocks.keys()) {
                if b.listed_service().is_some() {
                    planned.insert((key.clone(), *b));
                }
            }
        }
        pages = planned
            .iter()
            .filter_map(|(k, b)| ListPage::first(k, *b))
            .collect();
    }
    let mut gets = gets.into_iter().peekable();
    loop {
        let slice: Vec<(GroupKey, String)> = gets.by_ref().take(GET_SLICE).collect();
        let last = gets.peek().is_none();
        let more = if last {
            std::mem::take(&mut extra_requests)
        } else {
            Vec::new()
        };
        read_details(
            exec,
            blocks,
            Lists {
                planned: &planned,
                pages: std::mem::take(&mut pages),
                read: &mut listed,
            },
            slice,
            more,
            &extra_counts,
            &mut current,
            &mut extras,
        )
        .await?;
        if last {
            break;
        }
    }
    mark_inactive(&mut current, &inactive);
    Ok((current, extras))
}

/// What the forwarding settings lists said, per group and block: the listed users by id.
pub(super) type GroupLists = BTreeMap<(GroupKey, Block), HashMap<String, services::ListedSettings>>;

/// One page of a group's forwarding settings list.
pub(super) struct ListPage {
    pub(super) key: GroupKey,
    block: Block,
    service: huntctl_protocol::services::ForwardingService,
    start: u32,
}

/// Rows per page: R25's largest, so a group of up to 2,000 users with the service takes one.
const PAGE_SIZE: u32 = huntctl_protocol::services::MAX_PAGE_SIZE;

impl ListPage {
    /// The first page of the list that tells of `block` (none for a block no list tells of).
    pub(super) fn first(key: &GroupKey, block: Block) -> Option<Self> {
        Some(ListPage {
            key: key.clone(),
            block,
            service: block.listed_service()?,
            start: 1,
        })
    }

    pub(super) fn request(&self) -> Request {
        use huntctl_protocol::services::{
            ForwardingListQuery, ForwardingListSort, ForwardingListSortKey, ServiceRequest,
        };
        Request::Service(Box::new(ServiceRequest::ForwardingList(
            ForwardingListQuery {
                service_provider_id: self.key.service_provider_id.clone(),
                group_id: self.key.group_id.clone(),
                service: self.service,
                start_index: self.start,
                page_size: PAGE_SIZE,
                sort: ForwardingListSort {
                    key: ForwardingListSortKey::LastName,
                    is_ascending: true,
                    is_case_sensitive: true,
                },
                include_virtual_users: true,
                search: Vec::new(),
                exact_department: None,
                exact_in_trunk_group: None,
            },
        )))
    }
}

/// The forwarding settings lists of one `execute` of detail reads: which (group, block)
/// lists are read at all (`planned`), the first pages to send with this call, and what the
/// lists said so far.
struct Lists<'a> {
    planned: &'a BTreeSet<(GroupKey, Block)>,
    pages: Vec<ListPage>,
    read: &'a mut GroupLists,
}

pub(super) const LIST_COMMAND: &str = "GroupUserCallForwardingSettingsGetListRequest";

/// Collects the pages' `results` into `out` and reads the further pages of the lists that
/// filled theirs (one round trip per further page, all lists at once: only groups of more
/// than 2,000 users with the service need one). A refused list stops the read: the blocks
/// of its hunt groups were read from it alone.
pub(super) async fn read_lists<E: Execute>(
    exec: &E,
    mut pages: Vec<ListPage>,
    mut results: Vec<Result<Response, CommandFailure>>,
    out: &mut GroupLists,
) -> Result<(), FetchError> {
    use huntctl_protocol::services::ServiceResponse;
    loop {
        let mut more = Vec::new();
        for (page, result) in pages.into_iter().zip(results) {
            let rows = group_read(LIST_COMMAND, &page.key, result, |s| match s {
                ServiceResponse::ForwardingList(rows) => Some(rows),
                _ => None,
            })?;
            let full = rows.len() as u32 >= PAGE_SIZE;
            let map = out.entry((page.key.clone(), page.block)).or_default();
            for r in rows {
                let address = r.forwarding_address.trim();
                map.insert(
                    r.user.user_id,
                    services::ListedSettings {
                        is_active: r.is_active,
                        forwarding_address: (!address.is_empty()).then(|| address.to_string()),
                    },
                );
            }
            if full {
                more.push(ListPage {
                    start: page.start + PAGE_SIZE,
                    ..page
                });
            }
        }
        if more.is_empty() {
            return Ok(());
        }
        let requests: Vec<Request> = more.iter().map(ListPage::request).collect();
        let expected = requests.len();
        results = exec.execute(requests).await;
        check_count(&results, expected)?;
        pages = more;
    }
}

/// The reply to the group-wide read `command` of group `key`, as `pick` takes it (`None`:
/// not the reply it reads); a refusal, a failure or another reply is the read's error.
pub(super) fn group_read<T>(
    command: &'static str,
    key: &GroupKey,
    result: Result<Response, CommandFailure>,
    pick: impl FnOnce(huntctl_protocol::services::ServiceResponse) -> Option<T>,
) -> Result<T, FetchError> {
    let subject = format!("{}/{}", key.service_provider_id, key.group_id);
    match result {
        Ok(Response::Service(s)) => {
            let got = s.type_name();
            pick(*s).ok_or(FetchError::Unexpected {
                command,
                subject,
                got,
            })
        }
        Ok(Response::Error(error)) => Err(FetchError::ListRefused {
            command,
            subject,
            error: Box::new(error),
        }),
        Ok(other) => Err(FetchError::Unexpected {
            command,
            subject,
            got: other.type_name(),
        }),
        Err(failure) => Err(FetchError::Failed {
            command,
            subject,
            failure,
        }),
    }
}

/// What the lists of `key` said of hunt group `id`, for the blocks `want` manages that were
/// listed.
fn listed_of(lists: &GroupLists, key: &GroupKey, id: &str, want: &UserBlocks) -> services::Listed {
    let mut l = services::Listed::default();
    for b in want.blocks.keys() {
        if let Some(rows) = lists.get(&(key.clone(), *b)) {
            l.blocks.insert(*b, rows.get(id).cloned());
        }
    }
    l
}

/// Sets `is_active` of every read hunt group from its group's listing: the details reply
/// carries no such element, so whatever a decoder assumed there is replaced by the list's word.
fn mark_inactive(current: &mut CurrentState, inactive: &BTreeMap<GroupKey, HashSet<String>>) {
    let none = HashSet::new();
    for (key, g) in current.groups.iter_mut() {
        let off = inactive.get(key).unwrap_or(&none);
        for (id, h) in g.hunt_groups.iter_mut() {
            h.is_active = !off.contains(id);
        }
    }
}

/// GetInstance requests per `execute` call: a multiple of 15 × 16 (full documents for up to
/// 16 sessions), large enough that slice boundaries are rare.
const GET_SLICE: usize = 15 * 16 * 16;

/// Reads the details of `gets` (plus `extra_requests`, spread into `extras`) into `current`.
#[allow(clippy::too_many_arguments)]
async fn read_details<E: Execute>(
    exec: &E,
    blocks: &BlockWants<'_>,
    lists: Lists<'_>,
    gets: Vec<(GroupKey, String)>,
    mut extra_requests: Vec<Request>,
    extra_counts: &[(GroupKey, usize)],
    current: &mut CurrentState,
    extras: &mut BTreeMap<GroupKey, ExtraReads>,
) -> Result<(), FetchError> {
    let with_extras = !extra_requests.is_empty();
    // Each hunt group's block reads ride right behind its instance read, in the same documents.
    let mut requests: Vec<Request> = Vec::with_capacity(gets.len());
    for (key, id) in &gets {
        requests.push(Request::GetInstance {
            service_user_id: id.clone(),
        });
        if let Some(want) = blocks.get(id) {
            let listed: BTreeSet<Block> = want
                .blocks
                .keys()
                .copied()
                .filter(|b| lists.planned.contains(&(key.clone(), *b)))
                .collect();
            requests.extend(services::read_requests(id, want, &listed));
        }
    }
    let reads = requests.len();
    requests.append(&mut extra_requests);
    let with_extras_end = requests.len();
    requests.extend(lists.pages.iter().map(ListPage::request));
    let expected = requests.len();
    let mut results = exec.execute(requests).await;
    check_count(&results, expected)?;
    let page_results = results.split_off(with_extras_end);
    if !lists.pages.is_empty() {
        read_lists(exec, lists.pages, page_results, lists.read).await?;
    }
    let listed = &*lists.read;
    if with_extras {
        let extra_results = results.split_off(reads);
        spread(extras, extra_counts, extra_results);
    }
    let mut results = results.into_iter();
    let mut later: Vec<(GroupKey, String, Vec<String>)> = Vec::new();
    for (key, id) in gets {
        let command = "GroupHuntGroupGetInstanceRequest20";
        let Some(result) = results.next() else {
            return Err(FetchError::Count {
                expected,
                got: expected - 1,
            });
        };
        let user = match blocks.get(&id) {
            Some(want) => {
                let l = listed_of(listed, &key, &id, want);
                Some(services::absorb(&id, want, Some(&l), &mut results)?)
            }
            None => None,
        };
        match result {
            Ok(Response::Instance(details)) => {
                let mut hg = from_details(&key.service_provider_id, &key.group_id, &id, &details);
                if let Some(read) = user {
                    if !read.more_criteria.is_empty() {
                        later.push((key.clone(), id.clone(), read.more_criteria));
                    }
                    hg.blocks = Some(Box::new(read.blocks));
                }
                if let Some(g) = current.groups.get_mut(&key) {
                    if let Some(cc) = details.country_code.clone() {
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
    read_more_criteria(exec, later, current).await
}

/// Reads the criteria that are on the server but not in the desired state (one more round
/// trip, only when there are such criteria): their settings are what a delete's undo restores.
async fn read_more_criteria<E: Execute>(
    exec: &E,
    later: Vec<(GroupKey, String, Vec<String>)>,
    current: &mut CurrentState,
) -> Result<(), FetchError> {
    if later.is_empty() {
        return Ok(());
    }
    let requests: Vec<Request> = later
        .iter()
        .flat_map(|(_, id, names)| services::criteria_requests(id, names))
        .collect();
    let expected = requests.len();
    let results = exec.execute(requests).await;
    check_count(&results, expected)?;
    let mut results = results.into_iter();
    for (key, id, names) in later {
        let Some(hg) = current
            .groups
            .get_mut(&key)
            .and_then(|g| g.hunt_groups.get_mut(&id))
        else {
            continue;
        };
        if let Some(b) = hg.blocks.as_deref_mut() {
            services::absorb_criteria(&id, b, &names, &mut results)?;
        }
    }
    Ok(())
}
