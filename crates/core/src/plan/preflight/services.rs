//! Pre-flight of the blocks of a hunt group's user: a service the group is not authorized for,
//! a criterion's schedule the hunt group cannot see, a DNH agent who is not an agent of the
//! hunt group. The reads (`GroupServiceGetAuthorizationListRequest`,
//! `GroupScheduleGetListRequest17sp1`) are made per group, only for groups where a desired
//! hunt group manages blocks (schedules: names one), in the documents the plan sends anyway.

use super::{Change, Ctx, GroupKey, Refusal, Rule};
use crate::model::services::{Block, BlockValue, ScheduleLevel, SERVICES};
use crate::model::HuntGroup;
use crate::ocip::messages::Request;
use crate::plan::services::criterion_path;
use huntctl_protocol::services::{ScheduleGlobalKey, ScheduleRef, ScheduleType, ServiceRequest};

/// The block reads pre-flight makes for group `key`, given its desired hunt groups: nothing
/// when none manages a block. The group's authorization list when any does, its schedule list
/// when a criterion names a group or enterprise schedule, and the schedule list of each hunt
/// group whose criteria name one of its own (User level: in no group list).
pub fn requests<'a>(
    key: &GroupKey,
    hunt_groups: impl Iterator<Item = &'a HuntGroup>,
) -> Vec<Request> {
    let mut any = false;
    let mut schedules = false;
    let mut own: Vec<&str> = Vec::new();
    for h in hunt_groups {
        let Some(b) = h.blocks.as_deref() else {
            continue;
        };
        any = true;
        for c in b.criteria.iter().flatten() {
            for r in [&c.time_schedule, &c.holiday_schedule]
                .into_iter()
                .flatten()
            {
                if r.level == ScheduleLevel::User {
                    own.push(&h.service_user_id);
                } else {
                    schedules = true;
                }
            }
        }
    }
    let mut out = Vec::new();
    if any {
        out.push(Request::Service(Box::new(
            ServiceRequest::GetAuthorizations {
                service_provider_id: key.service_provider_id.clone(),
                group_id: key.group_id.clone(),
            },
        )));
    }
    if schedules {
        out.push(Request::Service(Box::new(ServiceRequest::GroupSchedules {
            service_provider_id: key.service_provider_id.clone(),
            group_id: key.group_id.clone(),
            schedule_type: None,
        })));
    }
    own.sort_unstable();
    own.dedup();
    out.extend(own.into_iter().map(|id| {
        Request::Service(Box::new(ServiceRequest::UserSchedules {
            user_id: id.to_string(),
            schedule_type: None,
        }))
    }));
    out
}

/// What the block reads showed of one group.
#[derive(Debug, Default)]
pub struct BlockFacts {
    /// The user services the group is authorized for (None: not read).
    pub authorized: Option<Vec<String>>,
    /// The schedules the group's hunt groups see (None: not read).
    pub schedules: Option<Vec<ScheduleGlobalKey>>,
    /// The schedules each hunt group read for its own (User level) ones sees, every level,
    /// by serviceUserId. A hunt group the server does not know yet is not here.
    pub own_schedules: std::collections::HashMap<String, Vec<ScheduleGlobalKey>>,
}

fn blocks_of(after: &HuntGroup) -> Option<&crate::model::services::UserBlocks> {
    after.blocks.as_deref()
}

/// Services the change assigns that the group is not authorized for.
pub fn services_are_authorized(ctx: &mut Ctx<'_>, c: &Change, after: &HuntGroup) -> Vec<Refusal> {
    let (Some(a), Some(authorized)) = (blocks_of(after), &ctx.facts.blocks.authorized) else {
        return Vec::new();
    };
    let had: Vec<String> = c
        .before
        .as_ref()
        .and_then(|b| b.blocks.as_deref())
        .and_then(|b| b.services.clone())
        .unwrap_or_default();
    a.services
        .iter()
        .flatten()
        .filter(|s| !had.contains(s) && !authorized.contains(s))
        .map(|s| {
            Refusal::new(
                c,
                Rule::ServiceNotAuthorized,
                &format!("{SERVICES}[{s}]"),
                s,
                format!(
                    "service {s} is not authorized for {} / {}; ask for it to be authorized \
                     (GroupServiceModifyAuthorizationListRequest), or leave it out",
                    c.service_provider_id, c.group_id
                ),
            )
        })
        .collect()
}

/// Criteria the change sends (added or modified) naming a schedule the hunt group cannot see.
pub fn schedules_are_visible(ctx: &mut Ctx<'_>, c: &Change, after: &HuntGroup) -> Vec<Refusal> {
    let Some(a) = blocks_of(after) else {
        return Vec::new();
    };
    let facts = &ctx.facts.blocks;
    // A hunt group still to be created has no schedules of its own.
    let none = Vec::new();
    let own = if c.before.is_none() {
        Some(&none)
    } else {
        facts.own_schedules.get(&c.service_user_id)
    };
    let mut out = Vec::new();
    for cr in a.criteria.iter().flatten() {
        let path = criterion_path(&cr.name);
        if !c.fields.iter().any(|f| f.path.starts_with(&path)) {
            continue;
        }
        let refs = [
            ("timeSchedule", ScheduleType::Time, &cr.time_schedule),
            (
                "holidaySchedule",
                ScheduleType::Holiday,
                &cr.holiday_schedule,
            ),
        ];
        for (key, t, s) in refs {
            let Some(ScheduleRef { level, name }) = s.as_ref() else {
                continue;
            };
            // The hunt group's own (User level) schedules are in its own list, not the group's.
            let visible = match (*level, own, &facts.schedules) {
                (ScheduleLevel::User, Some(list), _) => list,
                (ScheduleLevel::User, None, _) => continue,
                (_, _, Some(list)) => list,
                (_, _, None) => continue,
            };
            let seen = |k: &&ScheduleGlobalKey| k.schedule_type == t;
            if visible
                .iter()
                .filter(seen)
                .any(|k| k.name == *name && k.level == *level)
            {
                continue;
            }
            let list: Vec<String> = visible
                .iter()
                .filter(seen)
                .map(|k| format!("{} ({})", k.name, k.level.as_str()))
                .collect();
            let list = if list.is_empty() {
                "none".to_string()
            } else {
                list.join(", ")
            };
            out.push(Refusal::new(
                c,
                Rule::UnknownSchedule,
                &format!("{path}.{key}"),
                name,
                format!(
                    "criterion {} names the {} schedule {name} ({}), which {} cannot see; \
                     the {} schedules it can see: {list}",
                    cr.name,
                    t.as_str().to_lowercase(),
                    level.as_str(),
                    c.service_user_id,
                    t.as_str().to_lowercase()
                ),
            ));
        }
    }
    out
}

/// DNH agents who are not agents of the hunt group (as it will be), when the list is sent.
pub fn dnh_agents_are_agents(_ctx: &mut Ctx<'_>, c: &Change, after: &HuntGroup) -> Vec<Refusal> {
    let Some(BlockValue::UserIds(ids)) =
        blocks_of(after).and_then(|a| a.value(Block::Dnh, "agentUserId"))
    else {
        return Vec::new();
    };
    let path = format!("{}.agentUserId", Block::Dnh.key());
    if !c.fields.iter().any(|f| f.path == path) {
        return Vec::new();
    }
    ids.iter()
        .filter(|id| {
            !after
                .agents
                .iter()
                .any(|a| a.user_id.eq_ignore_ascii_case(id))
        })
        .map(|id| {
            Refusal::new(
                c,
                Rule::DnhNotAgent,
                &format!("{path}[{id}]"),
                id,
                format!(
                    "directory number hunting agent {id} is not an agent of {}; add it to \
                     agentUserId or take it out of directoryNumberHunting",
                    c.service_user_id
                ),
            )
        })
        .collect()
}
