//! desired × current → [`Plan`].

use super::{
    fingerprint, Action, AgentChanges, Change, CurrentState, FieldChange, GroupKey, Plan,
    PlanOptions, UnmanagedHuntGroup, WeightChange, FORMAT_VERSION, PASSWORD_NOTE,
};
use crate::model::{e164, Agent, Field, HuntGroup, Policy};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Field paths (OCI-P camelCase), shared by the diff and the request builders.
pub(crate) mod paths {
    pub const NAME: &str = "serviceInstanceProfile.name";
    pub const CLID_LAST: &str = "serviceInstanceProfile.callingLineIdLastName";
    pub const CLID_FIRST: &str = "serviceInstanceProfile.callingLineIdFirstName";
    pub const HIRAGANA_LAST: &str = "serviceInstanceProfile.hiraganaLastName";
    pub const HIRAGANA_FIRST: &str = "serviceInstanceProfile.hiraganaFirstName";
    pub const PHONE: &str = "serviceInstanceProfile.phoneNumber";
    pub const EXTENSION: &str = "serviceInstanceProfile.extension";
    pub const PASSWORD: &str = "serviceInstanceProfile.password";
    pub const LANGUAGE: &str = "serviceInstanceProfile.language";
    pub const TIME_ZONE: &str = "serviceInstanceProfile.timeZone";
    pub const ALIAS: &str = "serviceInstanceProfile.alias";
    pub const PUI: &str = "serviceInstanceProfile.publicUserIdentity";
    pub const CLID_PHONE: &str = "serviceInstanceProfile.callingLineIdPhoneNumber";
    pub const POLICY: &str = "policy";
    pub const HUNT_AFTER_NO_ANSWER: &str = "huntAfterNoAnswer";
    pub const RINGS: &str = "noAnswerNumberOfRings";
    pub const FORWARD_AFTER_TIMEOUT: &str = "forwardAfterTimeout";
    pub const FORWARD_TIMEOUT: &str = "forwardTimeoutSeconds";
    pub const FORWARD_TO: &str = "forwardToPhoneNumber";
    pub const AGENTS: &str = "agentUserId";
    pub const WEIGHTS: &str = "agentWeight";
    pub const CALL_WAITING: &str = "allowCallWaitingForAgents";
    pub const SYSTEM_CLID: &str = "useSystemHuntGroupCLIDSetting";
    pub const NAME_IN_CLID: &str = "includeHuntGroupNameInCLID";
    pub const NR_FORWARDING: &str = "enableNotReachableForwarding";
    pub const NR_FORWARD_TO: &str = "notReachableForwardToPhoneNumber";
    pub const MAKE_BUSY: &str = "makeBusyWhenNotReachable";
    pub const MEMBERS_BUSY: &str = "allowMembersToControlGroupBusy";
    pub const GROUP_BUSY: &str = "enableGroupBusy";
    pub const BUSY_TO_AGENT: &str = "applyGroupBusyWhenTerminatingToAgent";
    pub const NCOS: &str = "networkClassOfService";
    pub const IS_ACTIVE: &str = "isActive";
}

/// Compares the desired hunt groups with the current state and plans the changes.
///
/// Only hunt groups in `opts.selection` are planned. Hunt groups listed in a managed group but
/// not desired are deletes with `opts.prune`, else "not managed" footnotes. A desired hunt
/// group that was listed but not read (an inconsistent `current`) gets a plan warning and no
/// change rather than a guess.
pub fn diff(desired: &[HuntGroup], current: &CurrentState, opts: &PlanOptions) -> Plan {
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let desired_ids: HashSet<&str> = desired.iter().map(|d| d.service_user_id.as_str()).collect();

    for d in desired {
        if !opts.selection.matches(&d.service_user_id) {
            continue;
        }
        let key = GroupKey::of(d);
        let group = current.groups.get(&key);
        match group.and_then(|g| g.hunt_groups.get(&d.service_user_id)) {
            Some(c) => {
                let cc = group
                    .and_then(|g| g.country_codes.get(&d.service_user_id))
                    .map(String::as_str);
                changes.push(update(d, c, cc));
            }
            // `listed` is sorted (fetch sorts it): a scan per create was O(n) each.
            None if group.is_some_and(|g| g.listed.binary_search(&d.service_user_id).is_ok()) => {
                warnings.push(format!(
                    "{} exists in {}/{} but was not read; it is left out of this plan",
                    d.service_user_id, key.service_provider_id, key.group_id
                ));
            }
            None => {
                let mut c = create(d);
                if let Some(g) = group.filter(|g| !g.exists) {
                    c.warnings.push(format!(
                        "group {}/{} could not be listed ({}); the create will likely fail",
                        key.service_provider_id,
                        key.group_id,
                        g.error.as_deref().unwrap_or("no reason given")
                    ));
                }
                changes.push(c);
            }
        }
    }

    let mut unmanaged = Vec::new();
    for (key, g) in &current.groups {
        if let Some(e) = g.error.as_ref().filter(|_| !g.exists) {
            warnings.push(format!(
                "group {}/{} could not be listed: {e}",
                key.service_provider_id, key.group_id
            ));
        }
        for id in &g.listed {
            if desired_ids.contains(id.as_str()) || !opts.selection.matches(id) {
                continue;
            }
            if opts.prune {
                let before = g.hunt_groups.get(id).cloned();
                changes.push(Change {
                    action: Action::Delete,
                    service_provider_id: key.service_provider_id.clone(),
                    group_id: key.group_id.clone(),
                    service_user_id: id.clone(),
                    fields: before
                        .as_ref()
                        .map(|b| {
                            field_values(b)
                                .into_iter()
                                .map(|(path, old)| FieldChange {
                                    path: path.to_string(),
                                    old,
                                    new: Value::Null,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    before,
                    after: None,
                    agents: None,
                    warnings: Vec::new(),
                    password: false,
                });
            } else {
                unmanaged.push(UnmanagedHuntGroup {
                    service_provider_id: key.service_provider_id.clone(),
                    group_id: key.group_id.clone(),
                    service_user_id: id.clone(),
                });
            }
        }
    }

    changes.sort_by(|a, b| {
        (&a.service_provider_id, &a.group_id, &a.service_user_id).cmp(&(
            &b.service_provider_id,
            &b.group_id,
            &b.service_user_id,
        ))
    });
    unmanaged.sort();

    Plan {
        format_version: FORMAT_VERSION,
        fingerprint: fingerprint(current),
        prune: opts.prune,
        targets: opts.selection.targets().to_vec(),
        excludes: opts.selection.excludes().to_vec(),
        changes,
        unmanaged,
        scope: current.scope(),
        warnings,
        sources: Vec::new(),
        preflight: super::PreflightMode::NotRun,
        refusals: Vec::new(),
        cannot_restore: Vec::new(),
    }
}

fn create(d: &HuntGroup) -> Change {
    let mut fields: Vec<FieldChange> = field_values(d)
        .into_iter()
        .map(|(path, new)| FieldChange {
            path: path.to_string(),
            old: Value::Null,
            new,
        })
        .collect();
    let password = d.service_instance_profile.password.is_some();
    if password {
        // After the extension, where the schema puts it.
        let at = fields
            .iter()
            .position(|f| !f.path.starts_with("serviceInstanceProfile."))
            .unwrap_or(fields.len());
        let at = fields[..at]
            .iter()
            .position(|f| {
                [
                    paths::LANGUAGE,
                    paths::TIME_ZONE,
                    paths::ALIAS,
                    paths::PUI,
                    paths::CLID_PHONE,
                ]
                .contains(&f.path.as_str())
            })
            .unwrap_or(at);
        fields.insert(
            at,
            FieldChange {
                path: paths::PASSWORD.into(),
                old: Value::Null,
                new: json!(PASSWORD_NOTE),
            },
        );
    }
    Change {
        action: Action::Create,
        service_provider_id: d.service_provider_id.clone(),
        group_id: d.group_id.clone(),
        service_user_id: d.service_user_id.clone(),
        before: None,
        after: Some(d.clone()),
        fields,
        agents: None,
        warnings: Vec::new(),
        password,
    }
}

/// The managed fields of a hunt group with a value, in schema order, as shown in a plan
/// (creates list them as new values, deletes as old ones). The password is never listed.
pub fn field_values(hg: &HuntGroup) -> Vec<(&'static str, Value)> {
    let p = &hg.service_instance_profile;
    let mut out: Vec<(&'static str, Value)> = vec![
        (paths::NAME, json!(p.name)),
        (paths::CLID_LAST, json!(p.calling_line_id_last_name)),
        (paths::CLID_FIRST, json!(p.calling_line_id_first_name)),
    ];
    let opt = |out: &mut Vec<_>, path, f: &Field<String>| {
        if let Field::Value(v) = f {
            out.push((path, json!(v)));
        }
    };
    opt(&mut out, paths::HIRAGANA_LAST, &p.hiragana_last_name);
    opt(&mut out, paths::HIRAGANA_FIRST, &p.hiragana_first_name);
    opt(&mut out, paths::PHONE, &p.phone_number);
    opt(&mut out, paths::EXTENSION, &p.extension);
    opt(&mut out, paths::LANGUAGE, &p.language);
    opt(&mut out, paths::TIME_ZONE, &p.time_zone);
    if !p.alias.is_empty() {
        out.push((paths::ALIAS, json!(p.alias)));
    }
    opt(&mut out, paths::PUI, &p.public_user_identity);
    opt(&mut out, paths::CLID_PHONE, &p.calling_line_id_phone_number);
    out.push((paths::POLICY, json!(hg.policy)));
    out.push((paths::HUNT_AFTER_NO_ANSWER, json!(hg.hunt_after_no_answer)));
    out.push((paths::RINGS, json!(hg.no_answer_number_of_rings)));
    out.push((
        paths::FORWARD_AFTER_TIMEOUT,
        json!(hg.forward_after_timeout),
    ));
    out.push((paths::FORWARD_TIMEOUT, json!(hg.forward_timeout_seconds)));
    opt(&mut out, paths::FORWARD_TO, &hg.forward_to_phone_number);
    out.push((paths::AGENTS, json!(agent_ids(&hg.agents))));
    if hg.policy == Policy::Weighted && hg.agents.iter().any(|a| a.weight.is_some()) {
        let w: BTreeMap<&str, Option<u8>> = hg
            .agents
            .iter()
            .map(|a| (a.user_id.as_str(), a.weight))
            .collect();
        out.push((paths::WEIGHTS, json!(w)));
    }
    out.push((paths::CALL_WAITING, json!(hg.allow_call_waiting_for_agents)));
    out.push((
        paths::SYSTEM_CLID,
        json!(hg.use_system_hunt_group_clid_setting),
    ));
    out.push((
        paths::NAME_IN_CLID,
        json!(hg.include_hunt_group_name_in_clid),
    ));
    out.push((
        paths::NR_FORWARDING,
        json!(hg.enable_not_reachable_forwarding),
    ));
    opt(
        &mut out,
        paths::NR_FORWARD_TO,
        &hg.not_reachable_forward_to_phone_number,
    );
    out.push((paths::MAKE_BUSY, json!(hg.make_busy_when_not_reachable)));
    out.push((
        paths::MEMBERS_BUSY,
        json!(hg.allow_members_to_control_group_busy),
    ));
    out.push((paths::GROUP_BUSY, json!(hg.enable_group_busy)));
    out.push((
        paths::BUSY_TO_AGENT,
        json!(hg.apply_group_busy_when_terminating_to_agent),
    ));
    opt(&mut out, paths::NCOS, &hg.network_class_of_service);
    // Only when it is not the default, so plans of active hunt groups read as before.
    if !hg.is_active {
        out.push((paths::IS_ACTIVE, json!(false)));
    }
    out
}

fn agent_ids(agents: &[Agent]) -> Vec<&str> {
    agents.iter().map(|a| a.user_id.as_str()).collect()
}

/// How an optional text field may be cleared by a modify.
#[derive(Clone, Copy, PartialEq)]
enum Clear {
    /// `xsi:nil` is allowed.
    Nil,
    /// Not nillable in R25: a value on the server cannot be removed by a modify.
    Impossible,
}

struct Differ<'a> {
    fields: Vec<FieldChange>,
    warnings: Vec<String>,
    cc: Option<&'a str>,
}

impl Differ<'_> {
    fn plain<T: PartialEq + serde::Serialize>(&mut self, path: &str, d: &T, c: &T) {
        if d != c {
            self.fields.push(FieldChange {
                path: path.into(),
                old: json!(c),
                new: json!(d),
            });
        }
    }

    fn optional(
        &mut self,
        path: &str,
        d: &Field<String>,
        c: &Field<String>,
        number: bool,
        clear: Clear,
    ) {
        let same = |dv: &str, cv: &str| {
            if number {
                same_number(dv, cv, self.cc)
            } else {
                dv == cv
            }
        };
        match (d, c) {
            (Field::Unmanaged, _) => {}
            (Field::Value(dv), Field::Value(cv)) if same(dv, cv) => {}
            (Field::Value(dv), _) => self.fields.push(FieldChange {
                path: path.into(),
                old: json!(c.value()),
                new: json!(dv),
            }),
            (Field::Absent, Field::Value(cv)) => match clear {
                Clear::Nil => self.fields.push(FieldChange {
                    path: path.into(),
                    old: json!(cv),
                    new: Value::Null,
                }),
                Clear::Impossible => self.warnings.push(format!(
                    "{path} is {cv:?} on the server and the desired state asks for none, but \
                     BroadWorks R25 cannot clear it with a modify (not nillable): remove it by \
                     hand or give it a value"
                )),
            },
            (Field::Absent, _) => {}
        }
    }
}

/// True when two phone numbers (or SIP URIs) are the same number.
///
/// Both are normalised to E.164 with the hunt group's country code. When the server gave no
/// country code (it sends one only with a phone number), a national desired number still equals
/// an international current one that ends with it after a 1–3 digit country code: being liberal
/// in what is read, as PROTOCOL.md asks, rather than planning a change that apply cannot make
/// converge.
pub(crate) fn same_number(d: &str, c: &str, cc: Option<&str>) -> bool {
    let (dn, cn) = (e164(d, cc), e164(c, cc));
    if dn == cn {
        return true;
    }
    if cc.is_some() {
        return false;
    }
    let national = |s: &str| !s.is_empty() && s.chars().all(|ch| ch.is_ascii_digit());
    let international = |s: &str| s.strip_prefix('+').filter(|r| national(r)).map(str::len);
    match (international(&dn), international(&cn)) {
        (None, Some(len)) if national(&dn) => {
            cn.ends_with(dn.as_str()) && (1..=3).contains(&(len - dn.len().min(len)))
        }
        (Some(len), None) if national(&cn) => {
            dn.ends_with(cn.as_str()) && (1..=3).contains(&(len - cn.len().min(len)))
        }
        _ => false,
    }
}

fn update(d: &HuntGroup, c: &HuntGroup, cc: Option<&str>) -> Change {
    let mut x = Differ {
        fields: Vec::new(),
        warnings: Vec::new(),
        cc,
    };
    let (dp, cp) = (&d.service_instance_profile, &c.service_instance_profile);
    x.plain(paths::NAME, &dp.name, &cp.name);
    x.plain(
        paths::CLID_LAST,
        &dp.calling_line_id_last_name,
        &cp.calling_line_id_last_name,
    );
    x.plain(
        paths::CLID_FIRST,
        &dp.calling_line_id_first_name,
        &cp.calling_line_id_first_name,
    );
    use Clear::{Impossible, Nil};
    x.optional(
        paths::HIRAGANA_LAST,
        &dp.hiragana_last_name,
        &cp.hiragana_last_name,
        false,
        Impossible,
    );
    x.optional(
        paths::HIRAGANA_FIRST,
        &dp.hiragana_first_name,
        &cp.hiragana_first_name,
        false,
        Impossible,
    );
    x.optional(paths::PHONE, &dp.phone_number, &cp.phone_number, true, Nil);
    x.optional(paths::EXTENSION, &dp.extension, &cp.extension, false, Nil);
    x.optional(
        paths::LANGUAGE,
        &dp.language,
        &cp.language,
        false,
        Impossible,
    );
    x.optional(
        paths::TIME_ZONE,
        &dp.time_zone,
        &cp.time_zone,
        false,
        Impossible,
    );
    // Aliases are a set on the server: their order means nothing.
    let sorted = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    if sorted(&dp.alias) != sorted(&cp.alias) {
        x.fields.push(FieldChange {
            path: paths::ALIAS.into(),
            old: json!(cp.alias),
            new: json!(dp.alias),
        });
    }
    x.optional(
        paths::PUI,
        &dp.public_user_identity,
        &cp.public_user_identity,
        false,
        Nil,
    );
    x.optional(
        paths::CLID_PHONE,
        &dp.calling_line_id_phone_number,
        &cp.calling_line_id_phone_number,
        true,
        Nil,
    );
    x.plain(paths::POLICY, &d.policy, &c.policy);
    x.plain(
        paths::HUNT_AFTER_NO_ANSWER,
        &d.hunt_after_no_answer,
        &c.hunt_after_no_answer,
    );
    x.plain(
        paths::RINGS,
        &d.no_answer_number_of_rings,
        &c.no_answer_number_of_rings,
    );
    x.plain(
        paths::FORWARD_AFTER_TIMEOUT,
        &d.forward_after_timeout,
        &c.forward_after_timeout,
    );
    x.plain(
        paths::FORWARD_TIMEOUT,
        &d.forward_timeout_seconds,
        &c.forward_timeout_seconds,
    );
    x.optional(
        paths::FORWARD_TO,
        &d.forward_to_phone_number,
        &c.forward_to_phone_number,
        true,
        Nil,
    );
    let agents = agent_changes(d, c);
    if agents.list_changed() {
        x.fields.push(FieldChange {
            path: paths::AGENTS.into(),
            old: json!(agent_ids(&c.agents)),
            new: json!(agent_ids(&d.agents)),
        });
    }
    if !agents.weights.is_empty() {
        let old: BTreeMap<&str, Option<u8>> = agents
            .weights
            .iter()
            .map(|w| (w.user_id.as_str(), w.old))
            .collect();
        let new: BTreeMap<&str, u8> = agents
            .weights
            .iter()
            .map(|w| (w.user_id.as_str(), w.new))
            .collect();
        x.fields.push(FieldChange {
            path: paths::WEIGHTS.into(),
            old: json!(old),
            new: json!(new),
        });
    }
    x.plain(
        paths::CALL_WAITING,
        &d.allow_call_waiting_for_agents,
        &c.allow_call_waiting_for_agents,
    );
    x.plain(
        paths::SYSTEM_CLID,
        &d.use_system_hunt_group_clid_setting,
        &c.use_system_hunt_group_clid_setting,
    );
    x.plain(
        paths::NAME_IN_CLID,
        &d.include_hunt_group_name_in_clid,
        &c.include_hunt_group_name_in_clid,
    );
    x.plain(
        paths::NR_FORWARDING,
        &d.enable_not_reachable_forwarding,
        &c.enable_not_reachable_forwarding,
    );
    x.optional(
        paths::NR_FORWARD_TO,
        &d.not_reachable_forward_to_phone_number,
        &c.not_reachable_forward_to_phone_number,
        true,
        Nil,
    );
    x.plain(
        paths::MAKE_BUSY,
        &d.make_busy_when_not_reachable,
        &c.make_busy_when_not_reachable,
    );
    x.plain(
        paths::MEMBERS_BUSY,
        &d.allow_members_to_control_group_busy,
        &c.allow_members_to_control_group_busy,
    );
    x.plain(
        paths::GROUP_BUSY,
        &d.enable_group_busy,
        &c.enable_group_busy,
    );
    x.plain(
        paths::BUSY_TO_AGENT,
        &d.apply_group_busy_when_terminating_to_agent,
        &c.apply_group_busy_when_terminating_to_agent,
    );
    x.optional(
        paths::NCOS,
        &d.network_class_of_service,
        &c.network_class_of_service,
        false,
        Impossible,
    );
    x.plain(paths::IS_ACTIVE, &d.is_active, &c.is_active);

    let action = if x.fields.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    };
    let show_agents = agents.list_changed() || !agents.weights.is_empty();
    Change {
        action,
        service_provider_id: d.service_provider_id.clone(),
        group_id: d.group_id.clone(),
        service_user_id: d.service_user_id.clone(),
        before: Some(c.clone()),
        after: Some(merge(d, c)),
        fields: x.fields,
        agents: show_agents.then_some(agents),
        warnings: x.warnings,
        password: false,
    }
}

/// Hunt order matters only where the server hunts in list order.
fn order_matters(p: Policy) -> bool {
    matches!(p, Policy::Regular | Policy::Circular)
}

fn agent_changes(d: &HuntGroup, c: &HuntGroup) -> AgentChanges {
    let d_ids = agent_ids(&d.agents);
    let c_ids = agent_ids(&c.agents);
    let d_set: HashSet<&str> = d_ids.iter().copied().collect();
    let c_set: HashSet<&str> = c_ids.iter().copied().collect();
    let added: Vec<String> = d_ids
        .iter()
        .filter(|a| !c_set.contains(*a))
        .map(|a| a.to_string())
        .collect();
    let removed: Vec<String> = c_ids
        .iter()
        .filter(|a| !d_set.contains(*a))
        .map(|a| a.to_string())
        .collect();
    let mut moved = Vec::new();
    if order_matters(d.policy) {
        // Agents on both sides that are not on their longest common subsequence have moved.
        let common_d: Vec<&str> = d_ids
            .iter()
            .copied()
            .filter(|a| c_set.contains(a))
            .collect();
        let common_c: Vec<&str> = c_ids
            .iter()
            .copied()
            .filter(|a| d_set.contains(a))
            .collect();
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &common_c, &common_d);
        for op in ops {
            let (_, _, new) = op.as_tag_tuple();
            if !matches!(op.tag(), similar::DiffTag::Equal) {
                moved.extend(common_d[new].iter().map(|a| a.to_string()));
            }
        }
    }
    let mut weights = Vec::new();
    if d.policy == Policy::Weighted {
        for a in &d.agents {
            let Some(new) = a.weight else { continue };
            let old = c
                .agents
                .iter()
                .find(|x| x.user_id == a.user_id)
                .map(|x| x.weight.unwrap_or(0));
            // A new agent starts at weight 0 on the server.
            if old.unwrap_or(0) != new {
                weights.push(WeightChange {
                    user_id: a.user_id.clone(),
                    old,
                    new,
                });
            }
        }
    }
    AgentChanges {
        added,
        removed,
        moved,
        weights,
    }
}

/// The hunt group as it will be after the update: managed fields from the desired state
/// (except values R25 cannot clear), everything else as it is.
fn merge(d: &HuntGroup, c: &HuntGroup) -> HuntGroup {
    let keep = |df: &Field<String>, cf: &Field<String>, clearable: bool| match df {
        Field::Unmanaged => cf.clone(),
        Field::Absent if !clearable => cf.clone(),
        _ => df.clone(),
    };
    let (dp, cp) = (&d.service_instance_profile, &c.service_instance_profile);
    let mut out = d.clone();
    let p = &mut out.service_instance_profile;
    // Write-only and never sent on update.
    p.password = None;
    p.hiragana_last_name = keep(&dp.hiragana_last_name, &cp.hiragana_last_name, false);
    p.hiragana_first_name = keep(&dp.hiragana_first_name, &cp.hiragana_first_name, false);
    p.phone_number = keep(&dp.phone_number, &cp.phone_number, true);
    p.extension = keep(&dp.extension, &cp.extension, true);
    p.language = keep(&dp.language, &cp.language, false);
    p.time_zone = keep(&dp.time_zone, &cp.time_zone, false);
    p.public_user_identity = keep(&dp.public_user_identity, &cp.public_user_identity, true);
    p.calling_line_id_phone_number = keep(
        &dp.calling_line_id_phone_number,
        &cp.calling_line_id_phone_number,
        true,
    );
    out.forward_to_phone_number =
        keep(&d.forward_to_phone_number, &c.forward_to_phone_number, true);
    out.not_reachable_forward_to_phone_number = keep(
        &d.not_reachable_forward_to_phone_number,
        &c.not_reachable_forward_to_phone_number,
        true,
    );
    out.network_class_of_service = keep(
        &d.network_class_of_service,
        &c.network_class_of_service,
        false,
    );
    out.agents = d
        .agents
        .iter()
        .map(|a| Agent {
            user_id: a.user_id.clone(),
            weight: if d.policy == Policy::Weighted {
                a.weight.or_else(|| {
                    Some(
                        c.agents
                            .iter()
                            .find(|x| x.user_id == a.user_id)
                            .and_then(|x| x.weight)
                            .unwrap_or(0),
                    )
                })
            } else {
                None
            },
        })
        .collect();
    out
}

#[cfg(test)]
mod number_tests {
    use super::same_number;

    #[test]
    fn national_equals_international_only_with_a_plausible_country_code() {
        assert!(same_number("2025550110", "+12025550110", None));
        assert!(same_number("+1-2025550110", "2025550110", Some("1")));
        assert!(same_number("+12025550110", "2025550110", None));
        assert!(!same_number("2025550110", "+12025550111", None));
        assert!(!same_number("2025550110", "+12025550110", Some("44")));
        assert!(!same_number("550110", "+12025550110", None));
        assert!(!same_number("sip:a@b", "+12025550110", None));
    }
}
