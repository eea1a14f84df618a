//! Undo: after an apply that changed anything, a saved plan that reverses exactly what was done.
//!
//! The undo is an ordinary saved plan (`huntctl apply --plan FILE`): created → delete, updated →
//! modify back to the values read before the apply, deleted → create again with its agents,
//! weights and settings. It is made without reading anything: what the apply left each hunt
//! group as is the plan's after-state (the desired values, compared as the diff compares them),
//! and the undo records it as what it expects ([`StaleCheck::ExpectedState`]): applied later,
//! it reads those hunt groups and refuses, naming the hunt group and the field, when one of
//! them is no longer so. Hunt groups that failed are left out. What cannot be put back (a
//! deleted hunt group's password, which is never readable) is listed in
//! [`Plan::cannot_restore`]. Like every saved plan it holds no secrets.

use super::{Outcome, Report};
use crate::model::HuntGroup;
use crate::plan::lifecycle::Rename;
use crate::plan::{
    diff_unsealed, field_values, Action, Change, CurrentState, FieldChange, GroupKey, Plan,
    PlanOptions, StaleCheck,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The directory undo plans go to unless another file is named ([`UndoTarget::File`]).
pub const UNDO_DIR: &str = ".huntctl/undo";

/// Where the undo plan of an apply goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum UndoTarget {
    /// [`UNDO_DIR`]`/<UTC timestamp>.json` under the working directory, never overwriting.
    #[default]
    Default,
    /// This file (replaced when it exists).
    File(PathBuf),
    /// No undo plan is made.
    Off,
}

impl From<Option<PathBuf>> for UndoTarget {
    /// A file the user named, or the default place (`--undo-out`, Python's `undo_out=`).
    fn from(file: Option<PathBuf>) -> Self {
        file.map_or(UndoTarget::Default, UndoTarget::File)
    }
}

/// Builds the undo plan of `plan` as carried out in `report`, from the plan alone (no read:
/// the apply's round trips are the writes'). `None` when nothing was changed.
pub fn make_undo(plan: &Plan, report: &Report) -> Option<Plan> {
    let done: Vec<(&Change, Outcome)> = report
        .results
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                Outcome::Created | Outcome::Updated | Outcome::Deleted
            )
        })
        .filter_map(|r| plan.changes.get(r.index).map(|c| (c, r.outcome)))
        .collect();
    if done.is_empty() {
        return None;
    }
    let mut after = expected_after(plan, &done);
    let (back, mut cannot_restore) = before_states(&done);
    // A rename is undone by renaming back: the old id is renamed from the new one.
    let mut opts = PlanOptions::default();
    for (c, _) in &done {
        if let Some(old) = &c.renamed_from {
            let back_from = Rename {
                from: c.service_user_id.clone(),
                location: None,
            };
            opts.lifecycle.rename(old, back_from);
        }
    }
    // No fingerprint: nothing was read, and the undo is checked by what it expects.
    let mut undo = diff_unsealed(&back, &after, &opts);
    undo.changes.retain(Change::is_write);
    for (c, outcome) in &done {
        if *outcome == Outcome::Created {
            // The expected state is already in `after`: taken, not cloned again.
            let key = GroupKey::new(&c.service_provider_id, &c.group_id);
            let now = after
                .groups
                .get_mut(&key)
                .and_then(|g| g.hunt_groups.remove(&c.service_user_id));
            match now {
                Some(now) => undo.changes.push(delete_of(c, now)),
                None => cannot_restore.push(format!(
                    "{}: created, but the plan holds no state of it to delete",
                    c.service_user_id
                )),
            }
        }
    }
    undo.changes.sort_by(|a, b| {
        (&a.service_provider_id, &a.group_id, &a.service_user_id).cmp(&(
            &b.service_provider_id,
            &b.group_id,
            &b.service_user_id,
        ))
    });
    undo.prune = undo.changes.iter().any(|c| c.action == Action::Delete);
    // The other hunt groups of these groups are not the undo's business.
    undo.unmanaged.clear();
    // Each change's `before` is what the apply left; the check compares those, not a
    // fingerprint of a read (none was made). Older huntctl versions compare this marker with a
    // fingerprint, which it never equals: they refuse the file rather than misapply it.
    undo.fingerprint = EXPECTED_STATE_FINGERPRINT.to_string();
    undo.stale_check = StaleCheck::ExpectedState;
    undo.warnings.push(format!(
        "undo plan of the apply started {}: it reverses what that apply did",
        super::report::rfc3339(report.started)
    ));
    undo.cannot_restore = cannot_restore;
    // Held to the same protection: an undo that deletes a protected hunt group is refused.
    undo.protect.clone_from(&plan.protect);
    Some(undo)
}

/// The fingerprint field of an undo plan checked by expected state (see [`make_undo`]).
pub const EXPECTED_STATE_FINGERPRINT: &str = "expected-state";

/// What the apply left a created or updated hunt group as: the plan's after-state (on create
/// the desired state, whose unmanaged fields are not compared; on update the state read with
/// the managed fields replaced), without the write-only password.
fn expected(c: &Change) -> Option<HuntGroup> {
    let mut h = c.after.clone()?;
    h.service_instance_profile.password = None;
    Some(h)
}

/// The state the apply left its groups in, as the undo's diff needs it: every created or
/// updated hunt group as [`expected`], deleted ones gone, and each group's listing (the
/// delete threshold's base) as it was read, plus the creates and less the deletes.
fn expected_after(plan: &Plan, done: &[(&Change, Outcome)]) -> CurrentState {
    let mut after = CurrentState::new();
    let mut listed: BTreeMap<GroupKey, BTreeSet<String>> = BTreeMap::new();
    for (c, _) in done {
        let key = GroupKey::new(&c.service_provider_id, &c.group_id);
        listed.entry(key).or_insert_with_key(|k| {
            plan.scope
                .iter()
                .find(|g| {
                    g.service_provider_id == k.service_provider_id && g.group_id == k.group_id
                })
                .map(|g| g.existing.iter().cloned().collect())
                .unwrap_or_default()
        });
    }
    for (c, outcome) in done {
        let key = GroupKey::new(&c.service_provider_id, &c.group_id);
        let ids = listed.entry(key.clone()).or_default();
        if *outcome == Outcome::Deleted {
            ids.remove(&c.service_user_id);
            continue;
        }
        ids.insert(c.service_user_id.clone());
        if let Some(old) = &c.renamed_from {
            ids.remove(old);
        }
        if let Some(h) = expected(c) {
            // Straight into the map: CurrentState::insert keeps a sorted listing by inserting
            // into a Vec, quadratic for the 10,000 creates of one group.
            let g = after.groups.entry(key).or_default();
            g.hunt_groups.insert(c.service_user_id.clone(), h);
        }
    }
    for (key, ids) in listed {
        let g = after.groups.entry(key).or_default();
        g.exists = true;
        g.listed = ids.into_iter().collect();
    }
    after
}

/// What each updated or deleted hunt group was before: the desired state of the undo.
fn before_states(done: &[(&Change, Outcome)]) -> (Vec<HuntGroup>, Vec<String>) {
    let mut back: Vec<HuntGroup> = Vec::new();
    let mut cannot_restore = Vec::new();
    for (c, outcome) in done {
        if !matches!(outcome, Outcome::Updated | Outcome::Deleted) {
            continue;
        }
        let Some(before) = c.before.clone() else {
            cannot_restore.push(format!(
                "{}: its state before the apply was not read, so it cannot be put back",
                c.service_user_id
            ));
            continue;
        };
        if *outcome == Outcome::Deleted {
            cannot_restore.push(format!(
                "{}: recreated without a password (a hunt group's password is never \
                 readable); set it again if it had one",
                c.service_user_id
            ));
        }
        back.push(HuntGroup {
            service_instance_profile: crate::model::ServiceInstanceProfile {
                password: None,
                ..before.service_instance_profile
            },
            ..before
        });
    }
    (back, cannot_restore)
}

/// The undo's delete of a hunt group the apply created, expecting it as the apply left it.
fn delete_of(c: &Change, now: HuntGroup) -> Change {
    Change {
        action: Action::Delete,
        service_provider_id: c.service_provider_id.clone(),
        group_id: c.group_id.clone(),
        service_user_id: c.service_user_id.clone(),
        fields: field_values(&now)
            .into_iter()
            .map(|(path, old)| FieldChange {
                path: path.to_string(),
                old,
                new: Value::Null,
            })
            .collect(),
        before: Some(now),
        after: None,
        agents: None,
        warnings: Vec::new(),
        password: false,
        renamed_from: None,
        ignored: Vec::new(),
        notes: Vec::new(),
    }
}

/// The default undo file: `.huntctl/undo/<UTC timestamp>.json` (colons left out of the name).
pub fn default_path(report: &Report) -> PathBuf {
    let stamp = super::report::rfc3339(report.started).replace(':', "");
    Path::new(UNDO_DIR).join(format!("{stamp}.json"))
}

/// Writes the undo plan to `path` (creating its directory). With `overwrite` (a file named by
/// the user) the file is replaced; otherwise an existing file is never touched and a second
/// apply in the same millisecond gets `-2`, `-3`, … appended.
pub fn save(undo: &Plan, path: &Path, overwrite: bool) -> std::io::Result<PathBuf> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let (file, saved) = if overwrite {
        (std::fs::File::create(path)?, path.to_path_buf())
    } else {
        create_new_numbered(path)?
    };
    // Compact and streamed: an undo of 10,000 creates is tens of megabytes, and it is written
    // after the last write, so every millisecond here is added to the apply. It is reviewed
    // through `apply --plan`, which renders it, not read as text.
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut w, undo).map_err(std::io::Error::other)?;
    use std::io::Write;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(saved)
}

/// Creates `path`, or when it exists `<stem>-2.json`, `-3`, … (never replacing a file).
fn create_new_numbered(path: &Path) -> std::io::Result<(std::fs::File, PathBuf)> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "undo".into());
    for n in 1..1000 {
        let candidate = if n == 1 {
            path.to_path_buf()
        } else {
            path.with_file_name(format!("{stem}-{n}.json"))
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(f) => return Ok((f, candidate)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{} and its numbered variants exist", path.display()),
    ))
}
