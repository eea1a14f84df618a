//! desired × current → [`Plan`].

use super::lifecycle::Ignores;
use super::{
    fingerprint, Action, AgentChanges, Change, CurrentState, FieldChange, GroupKey, GroupState,
    IgnoredField, Plan, PlanOptions, Refusal, StaleCheck, UnmanagedHuntGroup, WeightChange,
    FORMAT_VERSION, PASSWORD_NOTE,
};
use crate::model::table::{self, Carrier, Ty, ValueRef};
use crate::model::{Agent, Field, HuntGroup, Policy};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};

/// Paths of the fields that pre-flight and the renderers treat apart (table rows), and of the
/// weights, which are not a row of their own.
pub(crate) mod paths {
    /// The agents.
    pub const AGENTS: &str = "agentUserId";
    /// The directory number.
    pub const PHONE: &str = "serviceInstanceProfile.phoneNumber";
    /// The extension.
    pub const EXTENSION: &str = "serviceInstanceProfile.extension";
    /// The agents' weights (the weighted call distribution request), listed apart from the
    /// agents in plans.
    pub const WEIGHTS: &str = "agentWeight";
}

/// Compares the desired hunt groups with the current state and plans the changes.
///
/// Only hunt groups in `opts.selection` are planned. Hunt groups listed in a managed group but
/// not desired are deletes with `opts.prune`, else "not managed" footnotes. A desired hunt
/// group that was listed but not read (an inconsistent `current`) gets a plan warning and no
/// change rather than a guess.
pub fn diff(desired: &[HuntGroup], current: &CurrentState, opts: &PlanOptions) -> Plan {
    let mut plan = diff_unsealed(desired, current, opts);
    plan.fingerprint = fingerprint(current);
    plan
}

/// One desired hunt group against the one current hunt group read for it (`country_code`: the
/// code it was read with, for national numbers): what a plan would change, compared exactly as
/// [`diff`] compares. `None` when the diff has no entry for it (a selection left it out).
/// Used to judge a single hunt group read again: after a lost reply, or before an undo.
pub fn diff_one(
    desired: &HuntGroup,
    now: HuntGroup,
    country_code: Option<String>,
) -> Option<Change> {
    let id = now.service_user_id.clone();
    let mut state = GroupState {
        exists: true,
        listed: vec![id.clone()],
        ..GroupState::default()
    };
    if let Some(cc) = country_code {
        state.country_codes.insert(id.clone(), cc);
    }
    state.hunt_groups.insert(id, now);
    let mut current = CurrentState::new();
    current.groups.insert(GroupKey::of(desired), state);
    diff_unsealed(
        std::slice::from_ref(desired),
        &current,
        &PlanOptions::default(),
    )
    .changes
    .into_iter()
    .next()
}

/// [`diff`] without the fingerprint (left empty): for a plan checked another way (undo plans,
/// [`super::StaleCheck::ExpectedState`]), whose `current` was never read, hashing it is waste.
pub(crate) fn diff_unsealed(
    desired: &[HuntGroup],
    current: &CurrentState,
    opts: &PlanOptions,
) -> Plan {
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let mut refusals = Vec::new();
    // The old ids of renames are the desired state's too: never pruned, never "not managed".
    let desired_ids: HashSet<&str> = desired
        .iter()
        .map(|d| d.service_user_id.as_str())
        .chain(opts.lifecycle.renamed_from())
        .collect();

    for d in desired {
        if !opts.selection.matches(&d.service_user_id) {
            continue;
        }
        let key = GroupKey::of(d);
        let group = current.groups.get(&key);
        let ignores = opts.lifecycle.ignores(&d.service_user_id);
        let cc_of = |id: &str| {
            group
                .and_then(|g| g.country_codes.get(id))
                .map(String::as_str)
        };
        if let Some(r) = opts.lifecycle.rename_of(&d.service_user_id) {
            let found = |id: &str| group.and_then(|g| g.hunt_groups.get(id));
            match (found(&d.service_user_id), found(&r.from)) {
                (None, Some(old)) => {
                    changes.push(rename(d, old, cc_of(&r.from), ignores));
                    continue;
                }
                (Some(_), Some(_)) => {
                    refusals.push(Refusal::both_ids_exist(d, r));
                }
                (Some(_), None) => {}
                (None, None) => {}
            }
        }
        match group.and_then(|g| g.hunt_groups.get(&d.service_user_id)) {
            Some(c) => {
                let mut change = update(d, c, cc_of(&d.service_user_id), ignores);
                if let Some(r) = opts.lifecycle.rename_of(&d.service_user_id) {
                    if group.is_some_and(|g| !g.hunt_groups.contains_key(&r.from)) {
                        change.notes.push(format!(
                            "renamed from {}: done already ({} no longer exists); the \
                             renamedFrom can be dropped",
                            r.from, r.from
                        ));
                    }
                }
                changes.push(change);
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
                if let Some(r) = opts.lifecycle.rename_of(&d.service_user_id) {
                    c.notes.push(format!(
                        "renamed from {}, which does not exist in {}/{}: created instead",
                        r.from, key.service_provider_id, key.group_id
                    ));
                }
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
                    renamed_from: None,
                    ignored: Vec::new(),
                    notes: Vec::new(),
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
        fingerprint: String::new(),
        prune: opts.prune,
        targets: opts.selection.targets().to_vec(),
        excludes: opts.selection.excludes().to_vec(),
        changes,
        unmanaged,
        scope: current.scope(),
        warnings,
        sources: Vec::new(),
        preflight: super::PreflightMode::NotRun,
        refusals,
        cannot_restore: Vec::new(),
        protect: opts.lifecycle.protections().to_vec(),
        stale_check: StaleCheck::Fingerprint,
        server: opts.server.clone(),
    }
}

fn create(d: &HuntGroup) -> Change {
    let mut fields: Vec<FieldChange> = values(d, true)
        .into_iter()
        .map(|(path, new)| FieldChange {
            path: path.to_string(),
            old: Value::Null,
            new,
        })
        .collect();
    let mut after = d.clone();
    after.blocks = blocks_diff(d, None, None, &mut fields);
    Change {
        action: Action::Create,
        service_provider_id: d.service_provider_id.clone(),
        group_id: d.group_id.clone(),
        service_user_id: d.service_user_id.clone(),
        before: None,
        after: Some(after),
        fields,
        agents: None,
        warnings: Vec::new(),
        password: d.service_instance_profile.password.is_some(),
        renamed_from: None,
        ignored: Vec::new(),
        notes: Vec::new(),
    }
}

/// The managed fields of a hunt group with a value, in schema order, as shown in a plan
/// (creates list them as new values, deletes as old ones). The password is never listed.
pub fn field_values(hg: &HuntGroup) -> Vec<(&'static str, Value)> {
    values(hg, false)
}

/// [`field_values`], with a note in the password's place when `password_note` and one is set.
fn values(hg: &HuntGroup, password_note: bool) -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    for f in table::fields().filter(|f| f.carrier != Carrier::Identity) {
        match (f.ty, f.get(hg)) {
            (Ty::Password, Field::Value(v)) if password_note => {
                // A reference says where the value comes from; the value is never shown.
                let note = match v {
                    ValueRef::Password(s) => s.note(PASSWORD_NOTE),
                    _ => PASSWORD_NOTE.to_string(),
                };
                out.push((f.path, json!(note)));
            }
            (Ty::Password, _) => {}
            (Ty::Agents, _) => {
                out.push((f.path, json!(agent_ids(&hg.agents))));
                if hg.policy == Policy::Weighted && hg.agents.iter().any(|a| a.weight.is_some()) {
                    let w: BTreeMap<&str, Option<u8>> = hg
                        .agents
                        .iter()
                        .map(|a| (a.user_id.as_str(), a.weight))
                        .collect();
                    out.push((paths::WEIGHTS, json!(w)));
                }
            }
            (Ty::Aliases { .. }, Field::Value(ValueRef::Aliases([]))) => {}
            (_, Field::Value(v)) => out.push((f.path, v.to_json())),
            (_, Field::Absent | Field::Unmanaged) => {}
        }
    }
    out
}

fn agent_ids(agents: &[Agent]) -> Vec<&str> {
    agents.iter().map(|a| a.user_id.as_str()).collect()
}

fn json_of(v: &Field<ValueRef<'_>>) -> Value {
    match v {
        Field::Value(v) => v.to_json(),
        _ => Value::Null,
    }
}

/// The rename of `old` to the desired hunt group: an update (with any field changes) that
/// sends `UserModifyUserIdRequest` first, even when no field changes.
fn rename(d: &HuntGroup, old: &HuntGroup, cc: Option<&str>, ignores: Ignores<'_>) -> Change {
    let mut change = update(d, old, cc, ignores);
    change.action = Action::Update;
    change.renamed_from = Some(old.service_user_id.clone());
    change
}

fn update(d: &HuntGroup, c: &HuntGroup, cc: Option<&str>, ignores: Ignores<'_>) -> Change {
    let mut fields = Vec::new();
    let mut warnings = Vec::new();
    let mut ignored: Vec<IgnoredField> = Vec::new();
    let agents = agent_changes(d, c);
    for f in table::fields().filter(|f| f.carrier != Carrier::Identity) {
        // An ignored field's difference is shown apart and never written.
        let out = match ignores.why(f.path) {
            Some(why) => {
                let mut shown = Vec::new();
                // No warning either: nothing will be written to it.
                field_change(f, d, c, cc, &agents, &mut shown, &mut Vec::new());
                ignored.extend(shown.into_iter().map(|field| IgnoredField {
                    field,
                    why: why.note().to_string(),
                }));
                continue;
            }
            None => &mut fields,
        };
        field_change(f, d, c, cc, &agents, out, &mut warnings);
    }
    let blocks_after = blocks_diff(d, c.blocks.as_deref(), cc, &mut fields);

    let action = if fields.is_empty() {
        Action::NoOp
    } else {
        Action::Update
    };
    let agents_ignored = ignores.why(paths::AGENTS).is_some();
    let show_agents = !agents_ignored && (agents.list_changed() || !agents.weights.is_empty());
    Change {
        action,
        service_provider_id: d.service_provider_id.clone(),
        group_id: d.group_id.clone(),
        service_user_id: d.service_user_id.clone(),
        before: Some(c.clone()),
        after: Some(HuntGroup {
            blocks: blocks_after,
            ..merge(d, c, ignores)
        }),
        fields,
        agents: show_agents.then_some(agents),
        warnings,
        password: false,
        renamed_from: None,
        ignored,
        notes: Vec::new(),
    }
}

/// The difference of one field, if any, into `fields` (or a warning when R25 cannot make it).
fn field_change(
    f: &table::FieldDef,
    d: &HuntGroup,
    c: &HuntGroup,
    cc: Option<&str>,
    agents: &AgentChanges,
    fields: &mut Vec<FieldChange>,
    warnings: &mut Vec<String>,
) {
    {
        match f.ty {
            Ty::Password => return,
            Ty::Agents => {
                if agents.list_changed() {
                    fields.push(FieldChange {
                        path: f.path.into(),
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
                    fields.push(FieldChange {
                        path: paths::WEIGHTS.into(),
                        old: json!(old),
                        new: json!(new),
                    });
                }
                return;
            }
            _ => {}
        }
        let (dv, cv) = (f.get(d), f.get(c));
        match (&dv, &cv) {
            (Field::Unmanaged, _) => {}
            (Field::Value(a), Field::Value(b)) if table::same_value(f.compare, *a, *b, cc) => {}
            (Field::Value(a), _) => fields.push(FieldChange {
                path: f.path.into(),
                old: json_of(&cv),
                new: a.to_json(),
            }),
            (Field::Absent, Field::Value(b)) if f.clearable => fields.push(FieldChange {
                path: f.path.into(),
                old: b.to_json(),
                new: Value::Null,
            }),
            (Field::Absent, Field::Value(b)) => warnings.push(format!(
                "{} is {} on the server and the desired state asks for none, but \
                 BroadWorks R25 cannot clear it with a modify (not nillable): remove it by \
                 hand or give it a value",
                f.path,
                b.to_json()
            )),
            (Field::Absent, _) => {}
        }
    }
}

/// The block changes of `d` against the current blocks `c` (`None`: not read, or a create),
/// added to `fields`; returns the blocks as they will be (`None` when `d` manages none).
fn blocks_diff(
    d: &HuntGroup,
    c: Option<&crate::model::services::UserBlocks>,
    cc: Option<&str>,
    fields: &mut Vec<FieldChange>,
) -> Option<Box<crate::model::services::UserBlocks>> {
    let (more, after) = super::services::diff(d.blocks.as_deref()?, c, cc);
    fields.extend(more);
    Some(Box::new(after))
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
fn merge(d: &HuntGroup, c: &HuntGroup, ignores: Ignores<'_>) -> HuntGroup {
    let mut out = d.clone();
    // Write-only and never sent on update.
    out.service_instance_profile.password = None;
    for f in table::fields().filter(|f| f.carrier != Carrier::Identity) {
        let keep_current = ignores.why(f.path).is_some()
            || match f.get(d) {
                Field::Unmanaged => true,
                Field::Absent => !f.clearable,
                Field::Value(_) => false,
            };
        if keep_current && f.ty != Ty::Password {
            let current = match f.get(c) {
                Field::Value(v) => Field::Value(v.to_owned()),
                Field::Absent => Field::Absent,
                Field::Unmanaged => Field::Unmanaged,
            };
            // Both hunt groups hold the same typed field: setting it cannot fail.
            let _ = f.set(&mut out, current);
        }
    }
    if ignores.why(paths::AGENTS).is_some() {
        out.agents.clone_from(&c.agents);
        return out;
    }
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
