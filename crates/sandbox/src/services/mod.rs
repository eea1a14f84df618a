//! What a hunt group's virtual user carries besides its instance record, as the sandbox keeps
//! it: the user services assigned to it, their settings (Call Forwarding Always / Busy / Not
//! Reachable / Selective with its criteria, Directory Number Hunting), and the group and
//! enterprise data that rule them (service authorizations, schedules).
//!
//! All of a hunt group's service state is one [`UserServices`] value held by its
//! `HuntGroupState` (`userServices` in the state file): it is journaled with the hunt group,
//! dropped when the hunt group is deleted, and moves with it when its user id changes. The
//! business rules live in `store/services.rs`, the replies in [`encode`].

pub mod encode;

use crate::svc::{service, CriteriaSettings, ForwardingKind, ForwardingSettings};
use crate::svc::{ScheduleType, USER_SERVICES};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The user services that can be assigned to a hunt group's virtual user (BroadWorks lists
/// the services a virtual user may have; the others are refused). Call Forwarding No Answer
/// is not among them: a hunt group has its own no-answer handling (`forwardAfterTimeout`).
pub const HUNT_GROUP_SERVICES: &[&str] = &[
    "Alternate Numbers",
    "Call Forwarding Always",
    "Call Forwarding Always Secondary",
    "Call Forwarding Busy",
    "Call Forwarding Not Reachable",
    "Call Forwarding Selective",
    "Calling Line ID Delivery Blocking",
    "Custom Ringback User",
    "Directory Number Hunting",
    "External Calling Line ID Delivery",
    "Internal Calling Line ID Delivery",
    "Music On Hold User",
    "Privacy",
];

/// The user services a group is authorized for when its state does not list them (and what
/// the seed lists): the hunt group services but Call Forwarding Always Secondary, and the
/// usual services of ordinary users. Everything else, Call Forwarding Always Secondary
/// included, is unauthorized, so pre-flight has something to refuse.
pub const DEFAULT_AUTHORIZED: &[&str] = &[
    "Alternate Numbers",
    "Anonymous Call Rejection",
    "Call Forwarding Always",
    "Call Forwarding Busy",
    "Call Forwarding No Answer",
    "Call Forwarding Not Reachable",
    "Call Forwarding Selective",
    "Call Waiting",
    "Calling Line ID Delivery Blocking",
    "Custom Ringback User",
    "Directory Number Hunting",
    "Do Not Disturb",
    "External Calling Line ID Delivery",
    "Internal Calling Line ID Delivery",
    "Music On Hold User",
    "Privacy",
    "Voice Messaging User",
];

/// True when a hunt group's user can have the service.
pub fn applies_to_hunt_group(name: &str) -> bool {
    HUNT_GROUP_SERVICES.contains(&name)
}

/// True when `name` is an R25 user service.
pub fn is_user_service(name: &str) -> bool {
    USER_SERVICES.contains(&name)
}

/// A schedule defined at some level (enterprise, group, user): name and type. Schedules are
/// referenced, not managed: they come from the state file (the seed has some).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleState {
    /// scheduleName, 1–40, unique per level and type.
    pub name: String,
    /// Time or Holiday.
    #[serde(rename = "type")]
    pub schedule_type: ScheduleType,
}

impl ScheduleState {
    /// A time schedule.
    pub fn time(name: &str) -> Self {
        ScheduleState {
            name: name.into(),
            schedule_type: ScheduleType::Time,
        }
    }
    /// A holiday schedule.
    pub fn holiday(name: &str) -> Self {
        ScheduleState {
            name: name.into(),
            schedule_type: ScheduleType::Holiday,
        }
    }
}

/// One Call Forwarding Selective criterion as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criterion {
    /// criteriaName, unique per user.
    pub name: String,
    /// Whether it is active (a new criterion is).
    pub is_active: bool,
    /// Its settings.
    #[serde(flatten)]
    pub settings: CriteriaSettings,
}

/// Call Forwarding Selective as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectiveState {
    /// isActive
    #[serde(default)]
    pub is_active: bool,
    /// defaultForwardToPhoneNumber
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_forward_to_phone_number: Option<String>,
    /// playRingReminder
    #[serde(default)]
    pub play_ring_reminder: bool,
    /// The criteria, in the order they were added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
}

/// Directory Number Hunting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DnhState {
    /// The agents whose own numbers hunt through the hunt group, in the order set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agent_user_ids: Vec<String>,
    /// useTerminateCallToAgentFirst
    #[serde(default)]
    pub use_terminate_call_to_agent_first: bool,
    /// useOriginalAgentServicesForBusyAndNoAnswerCalls
    #[serde(default)]
    pub use_original_agent_services_for_busy_and_no_answer_calls: bool,
}

/// Everything service-related a user has: the assigned services and the settings of those
/// with settings. A service's settings exist only while it is assigned (unassigning clears
/// them; a newly assigned service starts from its fresh state).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserServices {
    /// Assigned user services, by R25 name.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub assigned: BTreeSet<String>,
    /// Call Forwarding Always, once changed from its fresh state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_forwarding_always: Option<ForwardingSettings>,
    /// Call Forwarding Busy, once changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_forwarding_busy: Option<ForwardingSettings>,
    /// Call Forwarding Not Reachable, once changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_forwarding_not_reachable: Option<ForwardingSettings>,
    /// Call Forwarding Selective, once changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_forwarding_selective: Option<SelectiveState>,
    /// Directory Number Hunting, once changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_number_hunting: Option<DnhState>,
    /// The user's own schedules (the User level), from the state file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<ScheduleState>,
}

impl UserServices {
    /// True when nothing is assigned, set or defined (written as nothing).
    pub fn is_empty(&self) -> bool {
        *self == UserServices::default()
    }

    /// Whether the service is assigned.
    pub fn has(&self, name: &str) -> bool {
        self.assigned.contains(name)
    }

    /// The stored settings of a simple forwarding service.
    pub fn forwarding(&self, kind: ForwardingKind) -> &Option<ForwardingSettings> {
        match kind {
            ForwardingKind::Always => &self.call_forwarding_always,
            ForwardingKind::Busy => &self.call_forwarding_busy,
            ForwardingKind::NotReachable => &self.call_forwarding_not_reachable,
        }
    }

    /// The stored settings of a simple forwarding service, to change.
    pub fn forwarding_mut(&mut self, kind: ForwardingKind) -> &mut Option<ForwardingSettings> {
        match kind {
            ForwardingKind::Always => &mut self.call_forwarding_always,
            ForwardingKind::Busy => &mut self.call_forwarding_busy,
            ForwardingKind::NotReachable => &mut self.call_forwarding_not_reachable,
        }
    }

    /// Unassigns a service and forgets its settings, so assigning it again starts fresh.
    pub fn unassign(&mut self, name: &str) {
        self.assigned.remove(name);
        match name {
            service::CALL_FORWARDING_ALWAYS => self.call_forwarding_always = None,
            service::CALL_FORWARDING_BUSY => self.call_forwarding_busy = None,
            service::CALL_FORWARDING_NOT_REACHABLE => self.call_forwarding_not_reachable = None,
            service::CALL_FORWARDING_SELECTIVE => self.call_forwarding_selective = None,
            service::DIRECTORY_NUMBER_HUNTING => self.directory_number_hunting = None,
            _ => {}
        }
    }

    /// The Directory Number Hunting agents (none unless set).
    pub fn dnh_agents(&self) -> &[String] {
        self.directory_number_hunting
            .as_ref()
            .map(|d| d.agent_user_ids.as_slice())
            .unwrap_or(&[])
    }

    /// Drops from Directory Number Hunting the users no longer agents of the hunt group: a
    /// user taken out of a hunt group no longer hunts through it.
    pub fn keep_dnh_agents(&mut self, agents: &[String]) {
        if let Some(d) = &mut self.directory_number_hunting {
            d.agent_user_ids.retain(|a| agents.contains(a));
        }
    }
}
