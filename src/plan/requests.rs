//! A planned change → the OCI-P commands that carry it out.

use super::diff::paths;
use super::{Action, Change};
use crate::model::{Field, HuntGroup, Policy};
use crate::ocip::commands::{self as oc, AddInstance, AddProfile, ModifyInstance, Request};

fn opt(f: &Field<String>) -> Option<String> {
    f.value().cloned()
}

fn nillable(f: &Field<String>) -> oc::Change<String> {
    match f {
        Field::Value(v) => oc::Change::Set(v.clone()),
        Field::Absent => oc::Change::Clear,
        Field::Unmanaged => oc::Change::Keep,
    }
}

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
    let p = &desired.service_instance_profile;
    let add = AddInstance {
        service_provider_id: desired.service_provider_id.clone(),
        group_id: desired.group_id.clone(),
        service_user_id: desired.service_user_id.clone(),
        profile: AddProfile {
            name: p.name.clone(),
            calling_line_id_last_name: p.calling_line_id_last_name.clone(),
            calling_line_id_first_name: p.calling_line_id_first_name.clone(),
            hiragana_last_name: opt(&p.hiragana_last_name),
            hiragana_first_name: opt(&p.hiragana_first_name),
            phone_number: opt(&p.phone_number),
            extension: opt(&p.extension),
            password: p.password.clone(),
            department: None,
            language: opt(&p.language),
            time_zone: opt(&p.time_zone),
            alias: p.alias.clone(),
            public_user_identity: opt(&p.public_user_identity),
            calling_line_id_phone_number: opt(&p.calling_line_id_phone_number),
        },
        policy: desired.policy,
        hunt_after_no_answer: desired.hunt_after_no_answer,
        no_answer_number_of_rings: desired.no_answer_number_of_rings,
        forward_after_timeout: desired.forward_after_timeout,
        forward_timeout_seconds: desired.forward_timeout_seconds,
        forward_to_phone_number: opt(&desired.forward_to_phone_number),
        agent_user_ids: desired.agents.iter().map(|a| a.user_id.clone()).collect(),
        allow_call_waiting_for_agents: desired.allow_call_waiting_for_agents,
        use_system_hunt_group_clid_setting: desired.use_system_hunt_group_clid_setting,
        include_hunt_group_name_in_clid: desired.include_hunt_group_name_in_clid,
        enable_not_reachable_forwarding: desired.enable_not_reachable_forwarding,
        not_reachable_forward_to_phone_number: opt(&desired.not_reachable_forward_to_phone_number),
        make_busy_when_not_reachable: desired.make_busy_when_not_reachable,
        allow_members_to_control_group_busy: desired.allow_members_to_control_group_busy,
        enable_group_busy: desired.enable_group_busy,
        apply_group_busy_when_terminating_to_agent: desired
            .apply_group_busy_when_terminating_to_agent,
        network_class_of_service: opt(&desired.network_class_of_service),
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
    let ap = &a.service_instance_profile;
    let mut m = ModifyInstance {
        service_user_id: change.service_user_id.clone(),
        ..Default::default()
    };
    let set = |p: &str, v: &String| changed(p).then(|| v.clone());
    let set_opt = |p: &str, v: &Field<String>| if changed(p) { opt(v) } else { None };
    let set_nil = |p: &str, v: &Field<String>| {
        if changed(p) {
            nillable(v)
        } else {
            oc::Change::Keep
        }
    };
    let mp = &mut m.profile;
    mp.name = set(paths::NAME, &ap.name);
    mp.calling_line_id_last_name = set(paths::CLID_LAST, &ap.calling_line_id_last_name);
    mp.calling_line_id_first_name = set(paths::CLID_FIRST, &ap.calling_line_id_first_name);
    mp.hiragana_last_name = set_opt(paths::HIRAGANA_LAST, &ap.hiragana_last_name);
    mp.hiragana_first_name = set_opt(paths::HIRAGANA_FIRST, &ap.hiragana_first_name);
    mp.phone_number = set_nil(paths::PHONE, &ap.phone_number);
    mp.extension = set_nil(paths::EXTENSION, &ap.extension);
    mp.language = set_opt(paths::LANGUAGE, &ap.language);
    mp.time_zone = set_opt(paths::TIME_ZONE, &ap.time_zone);
    if changed(paths::ALIAS) {
        mp.sip_alias_list = if ap.alias.is_empty() {
            oc::Change::Clear
        } else {
            oc::Change::Set(ap.alias.clone())
        };
    }
    mp.public_user_identity = set_nil(paths::PUI, &ap.public_user_identity);
    mp.calling_line_id_phone_number = set_nil(paths::CLID_PHONE, &ap.calling_line_id_phone_number);
    m.policy = changed(paths::POLICY).then_some(a.policy);
    m.hunt_after_no_answer = changed(paths::HUNT_AFTER_NO_ANSWER).then_some(a.hunt_after_no_answer);
    m.no_answer_number_of_rings = changed(paths::RINGS).then_some(a.no_answer_number_of_rings);
    m.forward_after_timeout =
        changed(paths::FORWARD_AFTER_TIMEOUT).then_some(a.forward_after_timeout);
    m.forward_timeout_seconds =
        changed(paths::FORWARD_TIMEOUT).then_some(a.forward_timeout_seconds);
    m.forward_to_phone_number = set_nil(paths::FORWARD_TO, &a.forward_to_phone_number);
    if changed(paths::AGENTS) {
        m.agent_user_id_list = if a.agents.is_empty() {
            oc::Change::Clear
        } else {
            oc::Change::Set(a.agents.iter().map(|x| x.user_id.clone()).collect())
        };
    }
    m.allow_call_waiting_for_agents =
        changed(paths::CALL_WAITING).then_some(a.allow_call_waiting_for_agents);
    m.use_system_hunt_group_clid_setting =
        changed(paths::SYSTEM_CLID).then_some(a.use_system_hunt_group_clid_setting);
    m.include_hunt_group_name_in_clid =
        changed(paths::NAME_IN_CLID).then_some(a.include_hunt_group_name_in_clid);
    m.enable_not_reachable_forwarding =
        changed(paths::NR_FORWARDING).then_some(a.enable_not_reachable_forwarding);
    m.not_reachable_forward_to_phone_number = set_nil(
        paths::NR_FORWARD_TO,
        &a.not_reachable_forward_to_phone_number,
    );
    m.make_busy_when_not_reachable =
        changed(paths::MAKE_BUSY).then_some(a.make_busy_when_not_reachable);
    m.allow_members_to_control_group_busy =
        changed(paths::MEMBERS_BUSY).then_some(a.allow_members_to_control_group_busy);
    m.enable_group_busy = changed(paths::GROUP_BUSY).then_some(a.enable_group_busy);
    m.apply_group_busy_when_terminating_to_agent =
        changed(paths::BUSY_TO_AGENT).then_some(a.apply_group_busy_when_terminating_to_agent);
    m.network_class_of_service = set_opt(paths::NCOS, &a.network_class_of_service);

    let mut out = Vec::new();
    let untouched = ModifyInstance {
        service_user_id: change.service_user_id.clone(),
        ..Default::default()
    };
    if m != untouched {
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

/// Every command a change needs, in the order they must be sent (empty for a no-op).
pub fn to_requests(change: &Change) -> Vec<Request> {
    match change.action {
        Action::Create => change
            .after
            .as_ref()
            .map(to_create_requests)
            .unwrap_or_default(),
        Action::Update => to_modify_request(change),
        Action::Delete => to_delete_request(change).into_iter().collect(),
        Action::NoOp => Vec::new(),
    }
}
