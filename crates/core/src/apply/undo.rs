//! Undo: after an apply that changed anything, a saved plan that reverses exactly what was done.
//!
//! The undo is an ordinary saved plan (`huntctl apply --plan FILE`): created → delete, updated →
//! modify back to the values read before the apply, deleted → create again with its agents,
//! weights and settings. It is made against the state read *just after* the apply, so its
//! fingerprint refuses it as stale once the server has moved on. Hunt groups that failed are
//! left out. What cannot be put back (a deleted hunt group's password, which is never readable)
//! is listed in [`Plan::cannot_restore`]. Like every saved plan it holds no secrets.

use super::{Outcome, Report};
use crate::model::HuntGroup;
use crate::ocip::Execute;
use crate::plan::{
    diff, fetch_scope, field_values, Action, Change, FetchError, FieldChange, Plan, PlanOptions,
    ScopeGroup,
};
use serde_json::Value;
use std::collections::BTreeMap;
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

/// Builds the undo plan of `plan` as carried out in `report`, reading the hunt groups it touched
/// again (one listing and one detail round trip). `None` when nothing was changed.
pub async fn make_undo<E: Execute>(
    exec: &E,
    plan: &Plan,
    report: &Report,
) -> Result<Option<Plan>, FetchError> {
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
        return Ok(None);
    }
    let mut scope: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (c, _) in &done {
        scope
            .entry((c.service_provider_id.clone(), c.group_id.clone()))
            .or_default()
            .push(c.service_user_id.clone());
    }
    let scope: Vec<ScopeGroup> = scope
        .into_iter()
        .map(|((sp, g), read)| ScopeGroup {
            service_provider_id: sp,
            group_id: g,
            existing: Vec::new(),
            read,
        })
        .collect();
    let after = fetch_scope(exec, &scope).await?;

    // What each touched hunt group was before: the desired state of the undo.
    let mut back: Vec<HuntGroup> = Vec::new();
    let mut cannot_restore = Vec::new();
    for (c, outcome) in &done {
        match outcome {
            Outcome::Updated | Outcome::Deleted => {
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
            _ => {}
        }
    }
    let mut undo = diff(&back, &after, &PlanOptions::default());
    undo.changes.retain(Change::is_write);
    for (c, outcome) in &done {
        if *outcome != Outcome::Created {
            continue;
        }
        let key = crate::plan::GroupKey::new(&c.service_provider_id, &c.group_id);
        let Some(now) = after.get(&key, &c.service_user_id).cloned() else {
            cannot_restore.push(format!(
                "{}: created, but no longer found on the server, so there is nothing to delete",
                c.service_user_id
            ));
            continue;
        };
        undo.changes.push(Change {
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
        });
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
    undo.warnings.push(format!(
        "undo plan of the apply started {}: it reverses what that apply did",
        super::report::rfc3339(report.started)
    ));
    undo.cannot_restore = cannot_restore;
    Ok(Some(undo))
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
    let text = undo.to_saved_json() + "\n";
    if overwrite {
        std::fs::write(path, &text)?;
        return Ok(path.to_path_buf());
    }
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
            Ok(mut f) => {
                use std::io::Write;
                f.write_all(text.as_bytes())?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{} and its numbered variants exist", path.display()),
    ))
}
