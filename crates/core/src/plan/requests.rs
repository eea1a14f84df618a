//! A planned change → the OCI-P commands that carry it out.

use super::diff::paths;
use super::{Action, Change};
use crate::model::table::{self, Value};
use crate::model::{Field, HuntGroup, Policy};
use crate::ocip::messages::{self as oc, AddInstance, ModifyInstance, Request, Setting};

fn weights_request(hg: &HuntGroup) -> Request {
    Request::ModifyWeights {
        service_user_id: hg.service_user_id.clone(),
        // Agents left out get weight 0, so every agent is listed with its weight.
        weights: hg
            .agents
            .iter()
            .map(|a| (a.user_id.clone(), a.weight.unwrap_or(0)))
            .collect(),
    }
}

/// The commands that create `desired`: `GroupHuntGroupAddInstanceRequest20`, then the
/// weighted-call-distribution request when the policy is Weighted and weights are given.
/// They must be sent in this order (the second needs the hunt group).
pub fn to_create_requests(desired: &HuntGroup) -> Vec<Request> {
    let add = AddInstance {
        hunt_group: desired.clone(),
        department_key: None,
    };
    let mut out = vec![Request::AddInstance(Box::new(add))];
    if desired.policy == Policy::Weighted && desired.agents.iter().any(|a| a.weight.is_some()) {
        out.push(weights_request(desired));
    }
    out
}

/// The commands for an update: one `GroupHuntGroupModifyInstanceRequest` with only the changed
/// fields (agents as a replacement list, nil to clear, profile fields in the modify profile),
/// then the weighted-call-distribution request when weights change; in this order. Empty for
/// anything but an update.
pub fn to_modify_request(change: &Change) -> Vec<Request> {
    let (Action::Update, Some(a)) = (change.action, change.after.as_ref()) else {
        return Vec::new();
    };
    let changed = |p: &str| change.fields.iter().any(|f| f.path == p);
    let mut m = ModifyInstance {
        service_user_id: change.service_user_id.clone(),
        service_provider_id: change.service_provider_id.clone(),
        group_id: change.group_id.clone(),
        ..Default::default()
    };
    for field in table::settings().filter(|f| changed(f.path)) {
        let c = match field.get(a) {
            Field::Value(v) => oc::Change::Set(v.to_owned()),
            // A field R25 cannot clear is left as it is (the plan warns about it).
            Field::Absent if field.clearable => oc::Change::Clear,
            Field::Absent | Field::Unmanaged => continue,
        };
        // Weights are not part of the modify: they travel in their own command.
        let c = match c {
            // "None left" can only be said with nil: the replacement lists need an item.
            oc::Change::Set(Value::Agents(list)) if list.is_empty() => oc::Change::Clear,
            oc::Change::Set(Value::Aliases(list)) if list.is_empty() => oc::Change::Clear,
            oc::Change::Set(Value::Agents(list)) => oc::Change::Set(Value::Agents(
                list.into_iter()
                    .map(|x| crate::model::Agent::new(x.user_id))
                    .collect(),
            )),
            other => other,
        };
        m.settings.push(Setting { field, change: c });
    }

    let mut out = Vec::new();
    if !m.settings.is_empty() {
        out.push(Request::ModifyInstance(Box::new(m)));
    }
    if changed(paths::WEIGHTS) {
        out.push(weights_request(a));
    }
    out
}

/// `GroupHuntGroupDeleteInstanceRequest` for a delete; `None` for anything else.
pub fn to_delete_request(change: &Change) -> Option<Request> {
    (change.action == Action::Delete).then(|| Request::DeleteInstance {
        service_user_id: change.service_user_id.clone(),
    })
}

/// `UserModifyUserIdRequest` for a rename: sent before the hunt group's other writes, which
/// name it by its new id.
pub fn to_rename_request(change: &Change) -> Option<Request> {
    let from = change.renamed_from.as_ref()?;
    (change.action == Action::Update).then(|| Request::ModifyUserId {
        user_id: from.clone(),
        new_user_id: change.service_user_id.clone(),
    })
}

/// Every command a change needs, in the order they must be sent (empty for a no-op).
pub fn to_requests(change: &Change) -> Vec<Request> {
    let mut out: Vec<Request> = to_rename_request(change).into_iter().collect();
    out.extend(match change.action {
        Action::Create => change
            .after
            .as_ref()
            .map(to_create_requests)
            .unwrap_or_default(),
        Action::Update => to_modify_request(change),
        Action::Delete => to_delete_request(change).into_iter().collect(),
        Action::NoOp => Vec::new(),
    });
    // The blocks of the hunt group's user, after its instance exists and is set.
    if let (Action::Create | Action::Update, Some(after)) = (change.action, &change.after) {
        out.extend(super::services::to_requests(
            &change.service_user_id,
            change.before.as_ref(),
            after,
            &change.fields,
        ));
    }
    out
}
