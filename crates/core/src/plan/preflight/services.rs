//! Pre-flight of the blocks of a hunt group's user: a service the group is not authorized for,
//! a criterion's schedule the hunt group cannot see, a DNH agent who is not an agent of the
//! hunt group. The reads (`GroupServiceGetAuthorizationListRequest`,
//! `GroupScheduleGetListRequest17sp1`) are made per group, only for groups where a desired
//! hunt group manages blocks (schedules: names one), in the documents the plan sends anyway.

use super::{Change, Ctx, GroupKey, Refusal, Rule};
use crate::model::services::{Block, BlockValue, UserBlocks, SERVICES};
use crate::model::HuntGroup;
use crate::ocip::messages::Request;
use crate::plan::services::criterion_path;
use huntctl_protocol::services::{ScheduleGlobalKey, ScheduleRef, ScheduleType, ServiceRequest};

/// The block reads pre-flight makes for group `key`, given what its desired hunt groups
/// manage: nothing when none manages a block.
pub fn requests<'a>(key: &GroupKey, blocks: impl Iterator<Item = &'a UserBlocks>) -> Vec<Request> {
    let mut any = false;
    let mut schedules = false;
    for b in blocks {
        any = true;
        schedules |= b
            .criteria
            .iter()
            .flatten()
            .any(|c| c.time_schedule.is_some() || c.holiday_schedule.is_some());
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
    out
}

/// What the block reads showed of one group.
#[derive(Debug, Default)]
pub struct BlockFacts {
    /// The user services the group is authorized for (None: not read).
    pub authorized: Option<Vec<String>>,
    /// The schedules the group's hunt groups see (None: not read).
    pub schedules: Option<Vec<ScheduleGlobalKey>>,
}

fn blocks_of(after: &HuntGroup) -> Option<&UserBlocks> {
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
    let (Some(a), Some(visible)) = (blocks_of(after), &ctx.facts.blocks.schedules) else {
        return Vec::new();
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
            let Some(ScheduleRef { level, name }) = s else {
                continue;
            };
            // The hunt group's own (User level) schedules are not in the group's list.
            if *level == crate::model::services::ScheduleLevel::User {
                continue;
            }
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
