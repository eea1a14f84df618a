//! The blocks of a hunt group's own user in the plan: what to read (only the blocks a desired
//! hunt group names, for that hunt group only), how desired and current differ (per setting,
//! per criterion), and the commands that carry a change out, in the order BroadWorks needs:
//! assign services, forwarding, criteria, selective settings, DNH, unassign last.

use super::fetch::FetchError;
use super::FieldChange;
use crate::model::services::{
    Block, BlockValue, Criterion, FromDn, UserBlocks, CRITERIA, SERVICES,
};
use crate::model::HuntGroup;
use crate::ocip::messages::{Change as Mod, Request, Response};
use crate::ocip::CommandFailure;
use huntctl_protocol::services::{
    CriteriaAdd, CriteriaModify, CriteriaSettings, DnhModify, ForwardingModify, FromDnCriteria,
    FromDnCriteriaModify, SelectiveModify, ServiceRequest as Sr, ServiceResponse as Sv,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn req(r: Sr) -> Request {
    Request::Service(Box::new(r))
}

/// The criteria path of a criterion (`callForwardingSelective.criteria[after-hours]`).
pub fn criterion_path(name: &str) -> String {
    format!("{}.{CRITERIA}[{name}]", Block::Selective.key())
}

/// What a group's forwarding settings lists (`GroupUserCallForwardingSettingsGetListRequest`,
/// one per block per group) say of one hunt group's user, for the blocks that were listed:
/// `None` when the user is not in the list (the service is not assigned), else its row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    /// Per listed block.
    pub blocks: std::collections::BTreeMap<Block, Option<ListedSettings>>,
}

/// One row of a forwarding settings list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSettings {
    /// "Is Active"
    pub is_active: bool,
    /// "Forwarding Address" (Selective: its default one); `None` when empty.
    pub forwarding_address: Option<String>,
}

/// How one block of one hunt group is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockSource {
    /// Its own get (and, for Selective, a get per desired criterion).
    Own,
    /// The group's list alone (Busy, Not Reachable: the list holds every setting).
    List,
}

fn source(b: Block, listed: &BTreeSet<Block>) -> BlockSource {
    // Always has isRingSplashActive, Selective playRingReminder and criteria: in no list.
    if listed.contains(&b) && matches!(b, Block::Busy | Block::NotReachable) {
        BlockSource::List
    } else {
        BlockSource::Own
    }
}

/// Whether the user's whole assignment list is read: when `services:` is managed, or when a
/// block's assignment no list tells (Directory Number Hunting, or no lists at all).
fn reads_assignments(want: &UserBlocks, listed: &BTreeSet<Block>) -> bool {
    want.services.is_some() || want.blocks.keys().any(|b| !listed.contains(b))
}

/// The reads that give the current state of the blocks `want` manages for hunt group `id`,
/// beyond what its group's forwarding settings lists (read for the blocks in `listed`) say:
/// the assigned services (only when a block's assignment is in no list, or `services:` is
/// managed), each block no list answers, and each desired criterion by name. They go in the
/// same documents as the hunt group's instance read. With `listed` empty (a read-back after
/// a lost reply) every block is read on its own.
pub fn read_requests(id: &str, want: &UserBlocks, listed: &BTreeSet<Block>) -> Vec<Request> {
    let user_id = id.to_string();
    let mut out = Vec::new();
    if reads_assignments(want, listed) {
        out.push(req(Sr::GetAssignments {
            user_id: user_id.clone(),
        }));
    }
    for b in want.blocks.keys() {
        if source(*b, listed) == BlockSource::List {
            continue;
        }
        match (b, b.forwarding_kind()) {
            (_, Some(kind)) => out.push(req(Sr::GetForwarding {
                user_id: user_id.clone(),
                kind,
            })),
            (Block::Selective, _) => {
                out.push(req(Sr::GetSelective {
                    user_id: user_id.clone(),
                }));
                for c in want.criteria.iter().flatten() {
                    out.push(criterion_read(id, &c.name));
                }
            }
            _ => out.push(req(Sr::GetDnh {
                service_user_id: user_id.clone(),
            })),
        }
    }
    out
}

fn criterion_read(id: &str, name: &str) -> Request {
    req(Sr::GetCriteria {
        user_id: id.to_string(),
        criteria_name: name.to_string(),
    })
}

/// The blocks read so far for one hunt group, and the criteria on the server whose details
/// still need a read (those the desired state does not name: to be deleted, and restored by
/// undo).
#[derive(Debug, Default)]
pub struct BlockRead {
    /// The current blocks.
    pub blocks: UserBlocks,
    /// Criteria names to read with [`criteria_requests`].
    pub more_criteria: Vec<String>,
}

type Reply = Result<Response, CommandFailure>;

fn failed(id: &str, command: &'static str, r: Reply) -> FetchError {
    match r {
        Ok(Response::Error(error)) => FetchError::Refused {
            service_user_id: id.to_string(),
            error,
        },
        Ok(other) => FetchError::Unexpected {
            command,
            subject: id.to_string(),
            got: other.type_name(),
        },
        Err(failure) => FetchError::Failed {
            command,
            subject: id.to_string(),
            failure,
        },
    }
}

/// The service reply, or the reply that is not one (boxed: it is large).
fn service_reply(r: Reply) -> Result<Sv, Box<Reply>> {
    match r {
        Ok(Response::Service(s)) => Ok(*s),
        other => Err(Box::new(other)),
    }
}

/// What `pick` takes from the reply to `command` (else it names the reply's type), or why the
/// read failed.
fn expect<T>(
    id: &str,
    command: &'static str,
    r: Reply,
    pick: impl FnOnce(Sv) -> Result<T, &'static str>,
) -> Result<T, FetchError> {
    match service_reply(r) {
        Ok(s) => pick(s).map_err(|got| FetchError::Unexpected {
            command,
            subject: id.to_string(),
            got,
        }),
        Err(r) => Err(failed(id, command, *r)),
    }
}

const GET_CRITERIA: &str = "UserCallForwardingSelectiveGetCriteriaRequest21";

fn criteria_settings(s: Sv) -> Result<CriteriaSettings, &'static str> {
    match s {
        Sv::Criteria(c) => Ok(c),
        other => Err(other.type_name()),
    }
}

/// Reads the replies to [`read_requests`] (same `want` and `listed`, same order), with what
/// the lists said of the blocks they answer. A block whose service is
/// not assigned is a fresh service's state, whatever its read said (BroadWorks refuses to show
/// it, and assigning it starts it fresh).
pub fn absorb(
    id: &str,
    want: &UserBlocks,
    listed: Option<&Listed>,
    replies: &mut impl Iterator<Item = Reply>,
) -> Result<BlockRead, FetchError> {
    let mut next = |command: &'static str| {
        replies.next().ok_or(FetchError::Failed {
            command,
            subject: id.to_string(),
            failure: CommandFailure::BadReply("no result".into()),
        })
    };
    let mut read = BlockRead::default();
    let cmd = "UserServiceGetAssignmentListRequest";
    let keys: BTreeSet<Block> = listed
        .iter()
        .flat_map(|l| l.blocks.keys().copied())
        .collect();
    let mut assigned: Vec<String> = if reads_assignments(want, &keys) {
        expect(id, cmd, next(cmd)?, |s| match s {
            Sv::Assignments(a) => Ok(a.assigned().map(str::to_string).collect()),
            other => Err(other.type_name()),
        })?
    } else {
        Vec::new()
    };
    // A listed block's assignment is the list's word; a hunt group absent from a list does
    // not have the service.
    for (b, row) in listed.iter().flat_map(|l| &l.blocks) {
        if !want.blocks.contains_key(b) {
            continue;
        }
        assigned.retain(|s| s != b.service());
        if row.is_some() {
            assigned.push(b.service().to_string());
        }
    }
    let is_assigned = |b: Block| assigned.iter().any(|s| s == b.service());
    for b in want.blocks.keys().copied() {
        if source(b, &keys) == BlockSource::List {
            let row = listed
                .and_then(|l| l.blocks.get(&b))
                .and_then(Option::as_ref);
            let (active, number) = row.map_or((false, None), |r| {
                (r.is_active, r.forwarding_address.clone())
            });
            read.blocks.blocks.insert(
                b,
                vec![BlockValue::Bool(active), BlockValue::Number(number)],
            );
            continue;
        }
        let cmd = match b.forwarding_kind() {
            Some(k) => k.get_request(),
            None if b == Block::Selective => "UserCallForwardingSelectiveGetRequest16",
            None => "GroupDirectoryNumberHuntingGetRequest17sp1",
        };
        let reply = next(cmd)?;
        let mut criteria_replies = Vec::new();
        if b == Block::Selective {
            for _ in want.criteria.iter().flatten() {
                criteria_replies.push(next(GET_CRITERIA)?);
            }
        }
        if !is_assigned(b) {
            read.blocks.blocks.insert(b, b.fresh());
            if b == Block::Selective {
                read.blocks.criteria = Some(Vec::new());
            }
            continue;
        }
        let values = match (b, service_reply(reply)) {
            (_, Ok(Sv::Forwarding(_, s))) => {
                let mut v = vec![
                    BlockValue::Bool(s.is_active),
                    BlockValue::Number(s.forward_to_phone_number),
                ];
                if b == Block::Always {
                    v.push(BlockValue::Bool(s.is_ring_splash_active));
                }
                v
            }
            (Block::Selective, Ok(Sv::Selective(s))) => {
                let mut criteria = Vec::new();
                for (c, r) in want.criteria.iter().flatten().zip(criteria_replies) {
                    let Some(row) = s.criteria.iter().find(|row| row.name == c.name) else {
                        continue;
                    };
                    let settings = expect(id, GET_CRITERIA, r, criteria_settings)?;
                    criteria.push(criterion(&row.name, row.is_active, settings));
                }
                let desired = |n: &str| want.criteria.iter().flatten().any(|c| c.name == n);
                for row in s.criteria.iter().filter(|r| !desired(&r.name)) {
                    read.more_criteria.push(row.name.clone());
                    // A placeholder with the table's word on activity; its settings are read
                    // next ([`absorb_criteria`]).
                    let mut c = Criterion::new(&row.name);
                    c.is_active = row.is_active;
                    criteria.push(c);
                }
                // By name: the same server state reads the same whatever asked for it (the
                // fingerprint of a saved plan is compared with a read driven by its befores).
                criteria.sort_by(|x, y| x.name.cmp(&y.name));
                read.blocks.criteria = Some(criteria);
                vec![
                    BlockValue::Bool(s.is_active),
                    BlockValue::Number(s.default_forward_to_phone_number),
                    BlockValue::Bool(s.play_ring_reminder),
                ]
            }
            (Block::Dnh, Ok(Sv::Dnh(d))) => vec![
                BlockValue::UserIds(d.agents.into_iter().map(|a| a.user_id).collect()),
                BlockValue::Bool(d.use_terminate_call_to_agent_first),
                BlockValue::Bool(d.use_original_agent_services_for_busy_and_no_answer_calls),
            ],
            (_, Ok(other)) => {
                return Err(FetchError::Unexpected {
                    command: cmd,
                    subject: id.to_string(),
                    got: other.type_name(),
                })
            }
            (_, Err(r)) => return Err(failed(id, cmd, *r)),
        };
        read.blocks.blocks.insert(b, values);
    }
    let mut services = assigned;
    services.sort();
    services.dedup();
    read.blocks.services = Some(services);
    Ok(read)
}

/// The reads of the criteria [`absorb`] left for later.
pub fn criteria_requests(id: &str, names: &[String]) -> Vec<Request> {
    names.iter().map(|n| criterion_read(id, n)).collect()
}

/// Fills in the criteria [`absorb`] left for later from the replies to [`criteria_requests`].
pub fn absorb_criteria(
    id: &str,
    blocks: &mut UserBlocks,
    names: &[String],
    replies: &mut impl Iterator<Item = Reply>,
) -> Result<(), FetchError> {
    for name in names {
        let r = replies.next().ok_or(FetchError::Failed {
            command: GET_CRITERIA,
            subject: id.to_string(),
            failure: CommandFailure::BadReply("no result".into()),
        })?;
        let settings = expect(id, GET_CRITERIA, r, criteria_settings)?;
        if let Some(c) = blocks
            .criteria
            .iter_mut()
            .flatten()
            .find(|c| &c.name == name)
        {
            *c = criterion(name, c.is_active, settings);
        }
    }
    Ok(())
}

fn criterion(name: &str, is_active: bool, s: CriteriaSettings) -> Criterion {
    Criterion {
        name: name.to_string(),
        is_active,
        time_schedule: s.time_schedule,
        holiday_schedule: s.holiday_schedule,
        forward_to_number_selection: s.forward_to_number_selection,
        forward_to_phone_number: s.forward_to_phone_number,
        from_dn_criteria: FromDn {
            from_dn_criteria_selection: s.from_dn_criteria.from_dn_criteria_selection,
            include_anonymous_callers: s.from_dn_criteria.include_anonymous_callers,
            include_unavailable_callers: s.from_dn_criteria.include_unavailable_callers,
            phone_number: s.from_dn_criteria.phone_numbers,
        },
        call_to_number: s.call_to_numbers,
    }
}

fn from_dn_wire(f: &FromDn) -> FromDnCriteria {
    FromDnCriteria {
        from_dn_criteria_selection: f.from_dn_criteria_selection,
        include_anonymous_callers: f.include_anonymous_callers,
        include_unavailable_callers: f.include_unavailable_callers,
        phone_numbers: f.phone_number.clone(),
    }
}

/// What a hunt group's user looks like before anything is set on it: no service assigned,
/// every block fresh. The "current" of a create.
fn fresh_like(want: &UserBlocks) -> UserBlocks {
    UserBlocks {
        services: Some(Vec::new()),
        blocks: want.blocks.keys().map(|b| (*b, b.fresh())).collect(),
        criteria: want.criteria.as_ref().map(|_| Vec::new()),
    }
}

/// The differences between the desired blocks `d` and the current ones `c` (`None`: the hunt
/// group does not exist yet), per setting and per criterion, and the blocks as they will be.
pub fn diff(
    d: &UserBlocks,
    c: Option<&UserBlocks>,
    cc: Option<&str>,
) -> (Vec<FieldChange>, UserBlocks) {
    let fresh;
    let c = match c {
        Some(c) => c,
        None => {
            fresh = fresh_like(d);
            &fresh
        }
    };
    let mut fields = Vec::new();
    let mut after = d.clone();
    let assigned: Vec<String> = c.services.clone().unwrap_or_default();
    let target: Vec<String> = match &d.services {
        Some(listed) => {
            let mut t = listed.clone();
            t.sort();
            t
        }
        // Unmanaged: only what the blocks need is added; nothing is taken away.
        None => {
            let mut t = assigned.clone();
            t.extend(d.required_services());
            t.sort();
            t.dedup();
            t
        }
    };
    let mut current_sorted = assigned.clone();
    current_sorted.sort();
    if target != current_sorted {
        fields.push(FieldChange {
            path: SERVICES.to_string(),
            old: json!(current_sorted),
            new: json!(target),
        });
    }
    after.services = Some(target);

    for (b, dv) in &d.blocks {
        let fresh_values = b.fresh();
        let cv = c.blocks.get(b).unwrap_or(&fresh_values);
        for ((s, x), y) in b.settings().zip(dv).zip(cv) {
            if !x.same(y, cc) {
                fields.push(FieldChange {
                    path: s.path(),
                    old: y.to_json(),
                    new: x.to_json(),
                });
            }
        }
    }
    if let Some(want) = &d.criteria {
        let have = c.criteria.as_deref().unwrap_or_default();
        for x in want {
            match have.iter().find(|y| y.name == x.name) {
                None => fields.push(FieldChange {
                    path: criterion_path(&x.name),
                    old: Value::Null,
                    new: json!(x),
                }),
                Some(y) => {
                    for f in crate::model::services::CRITERION_FIELDS {
                        if !f.same(x, y, cc) {
                            fields.push(FieldChange {
                                path: format!("{}.{}", criterion_path(&x.name), f.key),
                                old: (f.get)(y),
                                new: (f.get)(x),
                            });
                        }
                    }
                }
            }
        }
        for y in have
            .iter()
            .filter(|y| !want.iter().any(|x| x.name == y.name))
        {
            fields.push(FieldChange {
                path: criterion_path(&y.name),
                old: json!(y),
                new: Value::Null,
            });
        }
    }
    (fields, after)
}

fn changed(fields: &[FieldChange], prefix: &str) -> bool {
    fields.iter().any(|f| {
        f.path == prefix
            || f.path
                .strip_prefix(prefix)
                .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
    })
}

fn value<'a>(u: &'a UserBlocks, b: Block, key: &str) -> Option<&'a BlockValue> {
    u.value(b, key)
}

fn set_if_changed<T>(
    fields: &[FieldChange],
    b: Block,
    key: &str,
    after: &UserBlocks,
    f: impl Fn(&BlockValue) -> Option<T>,
) -> Option<T> {
    let path = format!("{}.{key}", b.key());
    if !fields.iter().any(|x| x.path == path) {
        return None;
    }
    value(after, b, key).and_then(f)
}

fn bool_of(v: &BlockValue) -> Option<bool> {
    match v {
        BlockValue::Bool(b) => Some(*b),
        _ => None,
    }
}

fn number_change(fields: &[FieldChange], b: Block, key: &str, after: &UserBlocks) -> Mod<String> {
    match set_if_changed(fields, b, key, after, |v| match v {
        BlockValue::Number(n) => Some(n.clone()),
        _ => None,
    }) {
        Some(Some(n)) => Mod::Set(n),
        Some(None) => Mod::Clear,
        None => Mod::Keep,
    }
}

/// The commands that carry out the block changes of a create or an update (`before`: the
/// current blocks, `None` on create; `after`: as they will be), in the order BroadWorks needs:
/// assign, the three forwardings, criteria (delete, add, modify), the selective settings with
/// criteria activations, DNH, and unassign last (unassigning clears a service's settings).
pub fn to_requests(
    id: &str,
    before: Option<&HuntGroup>,
    after: &HuntGroup,
    fields: &[FieldChange],
) -> Vec<Request> {
    let Some(a) = after.blocks.as_deref() else {
        return Vec::new();
    };
    let fresh;
    let b = match before.and_then(|h| h.blocks.as_deref()) {
        Some(b) => b,
        None => {
            fresh = fresh_like(a);
            &fresh
        }
    };
    let user_id = id.to_string();
    let mut out = Vec::new();
    let had: Vec<String> = b.services.clone().unwrap_or_default();
    let will: Vec<String> = a.services.clone().unwrap_or_else(|| had.clone());
    let assign: Vec<String> = will.iter().filter(|s| !had.contains(s)).cloned().collect();
    let unassign: Vec<String> = had.iter().filter(|s| !will.contains(s)).cloned().collect();
    if !assign.is_empty() {
        out.push(req(Sr::Assign {
            user_id: user_id.clone(),
            services: assign,
        }));
    }
    // A block whose service goes away is cleared by the unassign: nothing to set first.
    let kept = |blk: Block| will.iter().any(|s| s == blk.service());
    for blk in [Block::Always, Block::Busy, Block::NotReachable] {
        let Some(kind) = blk.forwarding_kind() else {
            continue;
        };
        if !a.blocks.contains_key(&blk) || !kept(blk) || !changed(fields, blk.key()) {
            continue;
        }
        out.push(req(Sr::ModifyForwarding(ForwardingModify {
            user_id: user_id.clone(),
            kind,
            is_active: set_if_changed(fields, blk, "isActive", a, bool_of),
            forward_to_phone_number: number_change(fields, blk, "forwardToPhoneNumber", a),
            is_ring_splash_active: set_if_changed(fields, blk, "isRingSplashActive", a, bool_of),
        })));
    }
    if a.blocks.contains_key(&Block::Selective) && kept(Block::Selective) {
        out.extend(criteria_requests_for(&user_id, a, b, fields));
        let activations = activations(a, b, fields);
        let sel = Block::Selective;
        let m = SelectiveModify {
            user_id: user_id.clone(),
            is_active: set_if_changed(fields, sel, "isActive", a, bool_of),
            default_forward_to_phone_number: number_change(
                fields,
                sel,
                "defaultForwardToPhoneNumber",
                a,
            ),
            play_ring_reminder: set_if_changed(fields, sel, "playRingReminder", a, bool_of),
            criteria_activation: activations,
        };
        if m.is_active.is_some()
            || !m.default_forward_to_phone_number.is_keep()
            || m.play_ring_reminder.is_some()
            || !m.criteria_activation.is_empty()
        {
            out.push(req(Sr::ModifySelective(m)));
        }
    }
    if a.blocks.contains_key(&Block::Dnh) && kept(Block::Dnh) && changed(fields, Block::Dnh.key()) {
        let dnh = Block::Dnh;
        let agents = match set_if_changed(fields, dnh, "agentUserId", a, |v| match v {
            BlockValue::UserIds(ids) => Some(ids.clone()),
            _ => None,
        }) {
            Some(ids) if ids.is_empty() => Mod::Clear,
            Some(ids) => Mod::Set(ids),
            None => Mod::Keep,
        };
        out.push(req(Sr::ModifyDnh(DnhModify {
            service_user_id: user_id.clone(),
            agent_user_ids: agents,
            use_terminate_call_to_agent_first: set_if_changed(
                fields,
                dnh,
                "useTerminateCallToAgentFirst",
                a,
                bool_of,
            ),
            use_original_agent_services_for_busy_and_no_answer_calls: set_if_changed(
                fields,
                dnh,
                "useOriginalAgentServicesForBusyAndNoAnswerCalls",
                a,
                bool_of,
            ),
        })));
    }
    if !unassign.is_empty() {
        out.push(req(Sr::Unassign {
            user_id,
            services: unassign,
        }));
    }
    out
}

/// Criteria deletes, adds and modifies, from the plan's criteria paths.
fn criteria_requests_for(
    user_id: &str,
    a: &UserBlocks,
    b: &UserBlocks,
    fields: &[FieldChange],
) -> Vec<Request> {
    let want = a.criteria.as_deref().unwrap_or_default();
    let have = b.criteria.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for y in have
        .iter()
        .filter(|y| !want.iter().any(|x| x.name == y.name))
    {
        if changed(fields, &criterion_path(&y.name)) {
            out.push(req(Sr::DeleteCriteria {
                user_id: user_id.to_string(),
                criteria_name: y.name.clone(),
            }));
        }
    }
    for x in want {
        let path = criterion_path(&x.name);
        if !changed(fields, &path) {
            continue;
        }
        match have.iter().find(|y| y.name == x.name) {
            None => out.push(req(Sr::AddCriteria(CriteriaAdd {
                user_id: user_id.to_string(),
                criteria_name: x.name.clone(),
                time_schedule: x.time_schedule.clone(),
                holiday_schedule: x.holiday_schedule.clone(),
                forward_to_number_selection: Some(x.forward_to_number_selection),
                forward_to_phone_number: x.forward_to_phone_number.clone(),
                from_dn_criteria: from_dn_wire(&x.from_dn_criteria),
                call_to_numbers: x.call_to_number.clone(),
            }))),
            Some(_) => {
                let is = |k: &str| fields.iter().any(|f| f.path == format!("{path}.{k}"));
                fn opt<T: Clone>(changed: bool, v: &Option<T>) -> Mod<T> {
                    match (changed, v) {
                        (false, _) => Mod::Keep,
                        (true, Some(v)) => Mod::Set(v.clone()),
                        (true, None) => Mod::Clear,
                    }
                }
                let f = &x.from_dn_criteria;
                let m = CriteriaModify {
                    user_id: user_id.to_string(),
                    criteria_name: x.name.clone(),
                    new_criteria_name: None,
                    time_schedule: opt(is("timeSchedule"), &x.time_schedule),
                    holiday_schedule: opt(is("holidaySchedule"), &x.holiday_schedule),
                    forward_to_number_selection: is("forwardToNumberSelection")
                        .then_some(x.forward_to_number_selection),
                    forward_to_phone_number: opt(
                        is("forwardToPhoneNumber"),
                        &x.forward_to_phone_number,
                    ),
                    from_dn_criteria: is("fromDnCriteria").then(|| FromDnCriteriaModify {
                        from_dn_criteria_selection: Some(f.from_dn_criteria_selection),
                        include_anonymous_callers: Some(f.include_anonymous_callers),
                        include_unavailable_callers: Some(f.include_unavailable_callers),
                        phone_number_list: if f.phone_number.is_empty() {
                            Mod::Clear
                        } else {
                            Mod::Set(f.phone_number.clone())
                        },
                    }),
                    call_to_number_list: match (is("callToNumber"), x.call_to_number.is_empty()) {
                        (false, _) => Mod::Keep,
                        (true, true) => Mod::Clear,
                        (true, false) => Mod::Set(x.call_to_number.clone()),
                    },
                };
                // isActive alone travels in the selective modify's criteriaActivation.
                let only_activity = m.time_schedule.is_keep()
                    && m.holiday_schedule.is_keep()
                    && m.forward_to_number_selection.is_none()
                    && m.forward_to_phone_number.is_keep()
                    && m.from_dn_criteria.is_none()
                    && m.call_to_number_list.is_keep();
                if !only_activity {
                    out.push(req(Sr::ModifyCriteria(m)));
                }
            }
        }
    }
    out
}

/// `criteriaActivation` entries: every added criterion (its activity said, not assumed) and
/// every criterion whose isActive changes.
fn activations(a: &UserBlocks, b: &UserBlocks, fields: &[FieldChange]) -> Vec<(String, bool)> {
    let have = b.criteria.as_deref().unwrap_or_default();
    a.criteria
        .iter()
        .flatten()
        .filter(|x| {
            let path = criterion_path(&x.name);
            let added = !have.iter().any(|y| y.name == x.name) && changed(fields, &path);
            added || fields.iter().any(|f| f.path == format!("{path}.isActive"))
        })
        .map(|x| (x.name.clone(), x.is_active))
        .collect()
}

/// True for a plan path of a block (`services`, `callForwardingBusy.isActive`, …).
pub fn is_block_path(p: &str) -> bool {
    let head = p.split(['.', '[']).next().unwrap_or(p);
    head == SERVICES || Block::by_key(head).is_some()
}

/// The block a block command writes, as the report names it (`None` for instance commands).
pub fn step_block(r: &Request) -> Option<String> {
    let Request::Service(s) = r else { return None };
    Some(match s.as_ref() {
        Sr::Assign { .. } => format!("{SERVICES} (assign)"),
        Sr::Unassign { .. } => format!("{SERVICES} (unassign)"),
        Sr::ModifyForwarding(m) => Block::of_kind(m.kind).key().to_string(),
        Sr::ModifySelective(_) => Block::Selective.key().to_string(),
        Sr::AddCriteria(c) => format!("{} (add)", criterion_path(&c.criteria_name)),
        Sr::ModifyCriteria(c) => format!("{} (modify)", criterion_path(&c.criteria_name)),
        Sr::DeleteCriteria { criteria_name, .. } => {
            format!("{} (delete)", criterion_path(criteria_name))
        }
        Sr::ModifyDnh(_) => Block::Dnh.key().to_string(),
        _ => return None,
    })
}

/// The plan paths a block command writes (for judging it by a read-back after a lost reply).
pub fn step_paths<'f>(r: &Request, fields: &'f [FieldChange]) -> Vec<&'f str> {
    let Request::Service(s) = r else {
        return Vec::new();
    };
    let prefix: String = match s.as_ref() {
        Sr::Assign { .. } | Sr::Unassign { .. } => SERVICES.to_string(),
        Sr::ModifyForwarding(m) => Block::of_kind(m.kind).key().to_string(),
        Sr::ModifySelective(_) => Block::Selective.key().to_string(),
        Sr::AddCriteria(c) => criterion_path(&c.criteria_name),
        Sr::ModifyCriteria(c) => criterion_path(&c.criteria_name),
        Sr::DeleteCriteria { criteria_name, .. } => criterion_path(criteria_name),
        Sr::ModifyDnh(_) => Block::Dnh.key().to_string(),
        _ => return Vec::new(),
    };
    fields
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| {
            *p == prefix
                || p.strip_prefix(prefix.as_str())
                    .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
        })
        .filter(|p| {
            // The selective modify writes the flat settings, not the criteria.
            !matches!(s.as_ref(), Sr::ModifySelective(_)) || !p.contains(".criteria[")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::services::ScheduleLevel;
    use huntctl_protocol::services::ScheduleRef;

    fn blocks() -> UserBlocks {
        let mut u = UserBlocks::default();
        u.blocks.insert(
            Block::Busy,
            vec![
                BlockValue::Bool(true),
                BlockValue::Number(Some("+1-2025550199".into())),
            ],
        );
        u.blocks.insert(Block::Selective, Block::Selective.fresh());
        let mut c = Criterion::new("after-hours");
        c.time_schedule = Some(ScheduleRef {
            level: ScheduleLevel::Group,
            name: "Business Hours".into(),
        });
        c.forward_to_number_selection = huntctl_protocol::services::NumberSelection::Specified;
        c.forward_to_phone_number = Some("+12025550123".into());
        u.criteria = Some(vec![c]);
        u
    }

    fn hg(b: UserBlocks) -> HuntGroup {
        HuntGroup {
            service_user_id: "hg@x".into(),
            blocks: Some(Box::new(b)),
            ..HuntGroup::default()
        }
    }

    #[test]
    fn a_fresh_user_gets_assign_forwarding_criteria_then_activation() {
        let d = blocks();
        let (fields, after) = diff(&d, None, None);
        let paths: Vec<&str> = fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "services",
                "callForwardingBusy.isActive",
                "callForwardingBusy.forwardToPhoneNumber",
                "callForwardingSelective.criteria[after-hours]"
            ]
        );
        let steps = to_requests("hg@x", None, &hg(after), &fields);
        let names: Vec<&str> = steps.iter().map(Request::type_name).collect();
        assert_eq!(
            names,
            [
                "UserServiceAssignListRequest",
                "UserCallForwardingBusyModifyRequest",
                "UserCallForwardingSelectiveAddCriteriaRequest16",
                "UserCallForwardingSelectiveModifyRequest"
            ]
        );
    }

    #[test]
    fn a_changed_number_is_one_criteria_modify_and_e164_forms_are_equal() {
        let d = blocks();
        let mut c = d.clone();
        c.services = Some(vec![
            "Call Forwarding Busy".into(),
            "Call Forwarding Selective".into(),
        ]);
        // The same busy number in another form: no change.
        c.blocks.insert(
            Block::Busy,
            vec![
                BlockValue::Bool(true),
                BlockValue::Number(Some("+12025550199".into())),
            ],
        );
        let (fields, _) = diff(&d, Some(&c), None);
        assert!(fields.is_empty(), "{fields:?}");
        let mut d2 = d.clone();
        d2.criteria.as_mut().unwrap()[0].forward_to_phone_number = Some("+12025550124".into());
        let (fields, after) = diff(&d2, Some(&c), None);
        assert_eq!(
            fields.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["callForwardingSelective.criteria[after-hours].forwardToPhoneNumber"]
        );
        let steps = to_requests("hg@x", Some(&hg(c)), &hg(after), &fields);
        assert_eq!(
            steps.iter().map(Request::type_name).collect::<Vec<_>>(),
            ["UserCallForwardingSelectiveModifyCriteriaRequest"]
        );
    }

    #[test]
    fn listed_services_are_matched_and_unassign_goes_last() {
        let mut d = UserBlocks {
            services: Some(vec!["Call Forwarding Always".into()]),
            ..UserBlocks::default()
        };
        d.blocks.insert(Block::Always, Block::Always.fresh());
        let c = UserBlocks {
            services: Some(vec!["Call Forwarding Busy".into()]),
            ..UserBlocks::default()
        };
        let (fields, after) = diff(&d, Some(&c), None);
        let steps = to_requests("hg@x", Some(&hg(c)), &hg(after), &fields);
        assert_eq!(
            steps.iter().map(Request::type_name).collect::<Vec<_>>(),
            [
                "UserServiceAssignListRequest",
                "UserServiceUnassignListRequest"
            ]
        );
    }
}
