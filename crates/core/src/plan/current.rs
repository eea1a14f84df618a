//! The current state as read from BroadWorks, normalised to the same [`HuntGroup`] type as
//! the desired state.

use crate::model::table::{self, Compare, Value, ValueRef};
use crate::model::{e164, Agent, Field, HuntGroup, Policy};
use crate::ocip::messages::InstanceDetails;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// A group: (serviceProviderId, groupId).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupKey {
    /// Service provider id.
    pub service_provider_id: String,
    /// Group id.
    pub group_id: String,
}

impl GroupKey {
    /// A key.
    pub fn new(sp: impl Into<String>, group: impl Into<String>) -> Self {
        GroupKey {
            service_provider_id: sp.into(),
            group_id: group.into(),
        }
    }

    /// The group of a hunt group.
    pub fn of(hg: &HuntGroup) -> Self {
        GroupKey::new(&hg.service_provider_id, &hg.group_id)
    }

    /// `GroupHuntGroupGetInstanceListRequest` for this group.
    pub fn list_request(&self) -> crate::ocip::messages::Request {
        crate::ocip::messages::Request::GetInstanceList {
            service_provider_id: self.service_provider_id.clone(),
            group_id: self.group_id.clone(),
        }
    }
}

/// What was read from one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupState {
    /// The group could be listed.
    pub exists: bool,
    /// Why it could not be listed (the server's error), when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every hunt group in the listing, sorted.
    pub listed: Vec<String>,
    /// The hunt groups whose details were read, by serviceUserId.
    pub hunt_groups: BTreeMap<String, HuntGroup>,
    /// The country code each read hunt group reported (to compare national numbers).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub country_codes: BTreeMap<String, String>,
}

/// The current state of every group the desired state names.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CurrentState {
    /// Groups, ordered.
    #[serde(serialize_with = "as_entries")]
    pub groups: BTreeMap<GroupKey, GroupState>,
}

// JSON maps need string keys: write the groups as an ordered list of entries instead.
fn as_entries<S: Serializer>(
    groups: &BTreeMap<GroupKey, GroupState>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Entry<'a> {
        #[serde(flatten)]
        key: &'a GroupKey,
        #[serde(flatten)]
        state: &'a GroupState,
    }
    s.collect_seq(groups.iter().map(|(key, state)| Entry { key, state }))
}

impl CurrentState {
    /// An empty state (nothing read).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an existing hunt group (listed and read); for tests and fakes.
    pub fn insert(&mut self, hg: HuntGroup) {
        let g = self.groups.entry(GroupKey::of(&hg)).or_default();
        g.exists = true;
        if let Err(i) = g.listed.binary_search(&hg.service_user_id) {
            g.listed.insert(i, hg.service_user_id.clone());
        }
        g.hunt_groups.insert(hg.service_user_id.clone(), hg);
    }

    /// The hunt group with this id, if it was read.
    pub fn get(&self, key: &GroupKey, service_user_id: &str) -> Option<&HuntGroup> {
        self.groups.get(key)?.hunt_groups.get(service_user_id)
    }

    /// The scope that was read, for [`super::Plan::scope`].
    pub fn scope(&self) -> Vec<super::ScopeGroup> {
        self.groups
            .iter()
            .map(|(k, g)| super::ScopeGroup {
                service_provider_id: k.service_provider_id.clone(),
                group_id: k.group_id.clone(),
                existing: g.listed.clone(),
                read: g.hunt_groups.keys().cloned().collect(),
            })
            .collect()
    }
}

/// Converts a `GroupHuntGroupGetInstanceResponse20` into a current [`HuntGroup`]: numbers in
/// E.164 (national numbers joined to the reported country code), every optional field `Value`
/// or `Absent` (never `Unmanaged`), weights only for Weighted groups, no password.
pub fn from_details(
    service_provider_id: &str,
    group_id: &str,
    service_user_id: &str,
    d: &InstanceDetails,
) -> HuntGroup {
    let cc = d.country_code.as_deref();
    let mut h = d.hunt_group.clone();
    h.service_provider_id = service_provider_id.to_string();
    h.group_id = group_id.to_string();
    h.service_user_id = service_user_id.to_string();
    h.service_instance_profile.password = None;
    for f in table::settings().filter(|f| f.compare == Compare::E164) {
        if let Field::Value(ValueRef::Text(n)) = f.get(&h) {
            let n = e164(n, cc);
            // The row's slot is text: setting text back cannot fail.
            let _ = f.set(&mut h, Field::Value(Value::Text(n)));
        }
    }
    // Weights mean nothing for other policies; leaving them out keeps plans quiet.
    let weighted = h.policy == Policy::Weighted;
    h.agents = d
        .agents
        .iter()
        .map(|r| Agent {
            user_id: r.user_id.clone(),
            weight: weighted.then_some(r.weight),
        })
        .collect();
    h
}
