//! What a desired state says about its hunt groups' lives beyond their fields, as Terraform's
//! `lifecycle` and `moved` blocks do: fields people change at run time that the plan leaves
//! alone (`ignore:`, `--ignore`, member-controlled group busy), renames (`renamedFrom:`) and
//! hunt groups that must never be deleted (`protect:`).
//!
//! The loader fills one [`Lifecycle`] per desired state; [`super::PlanOptions`] carries it to
//! the diff, and the protection rules also go into the plan, so that a saved plan or an undo
//! plan is held to them when it is applied later.

use crate::desired::diagnostics::suggest;
use crate::model::table::{self, FieldDef};
use globset::GlobBuilder;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Why a field of a hunt group is not compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Listed under `ignore:` (the hunt group's or its file's `defaults:`) or `--ignore`.
    Listed,
    /// `enableGroupBusy` while `allowMembersToControlGroupBusy` is on and the desired state does
    /// not write it: the agents own it.
    MembersControlGroupBusy,
}

impl Why {
    /// The words after a difference in a plan: `(ignored)`.
    pub fn note(self) -> &'static str {
        match self {
            Why::Listed => "(ignored)",
            Why::MembersControlGroupBusy => "(ignored: members control group busy)",
        }
    }
}

/// A hunt group to be renamed: its id before, and where `renamedFrom` was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// The old serviceUserId.
    pub from: String,
    /// `file:line:col` of the `renamedFrom` value, when it came from a file.
    pub location: Option<String>,
}

/// One `protect:` pattern and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Protect {
    /// A serviceUserId glob (`*`, case-insensitive, as `--target`).
    pub pattern: String,
    /// `file:line:col` of the pattern.
    pub location: String,
}

impl Protect {
    /// True when the pattern matches `service_user_id` (a pattern globset refuses matches
    /// nothing; the loader has already reported it).
    pub fn matches(&self, service_user_id: &str) -> bool {
        glob_matches(&self.pattern, service_user_id)
    }
}

/// True when the `*` glob `pattern` matches `id`, case-insensitively (as `--target`).
pub fn glob_matches(pattern: &str, id: &str) -> bool {
    GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(id))
}

/// Checks a `protect:` pattern: the reason globset refuses it, if it does.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    GlobBuilder::new(pattern)
        .build()
        .map(|_| ())
        .map_err(|e| e.kind().to_string())
}

/// The lifecycle rules of a desired state (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// serviceUserId → the paths its `ignore:` lists (with its file's `defaults:`).
    ignore: HashMap<String, Vec<&'static str>>,
    /// Hunt groups whose `enableGroupBusy` their agents control.
    members_busy: HashSet<String>,
    /// `--ignore`: every hunt group.
    global: Vec<&'static str>,
    /// New serviceUserId → the rename.
    renames: HashMap<String, Rename>,
    /// `protect:` patterns of every loaded file.
    protect: Vec<Protect>,
}

/// The ignored fields of one hunt group.
#[derive(Debug, Clone, Copy)]
pub struct Ignores<'a> {
    listed: &'a [&'static str],
    global: &'a [&'static str],
    members_busy: bool,
}

impl Ignores<'_> {
    /// Nothing is ignored (what a hunt group without lifecycle rules, or an undo, has).
    pub const NONE: Ignores<'static> = Ignores {
        listed: &[],
        global: &[],
        members_busy: false,
    };

    /// Why the field at `path` is ignored, if it is.
    pub fn why(&self, path: &str) -> Option<Why> {
        if self.listed.contains(&path) || self.global.contains(&path) {
            Some(Why::Listed)
        } else if self.members_busy && path == table::GROUP_BUSY {
            Some(Why::MembersControlGroupBusy)
        } else {
            None
        }
    }

    /// True when no field is ignored.
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty() && self.global.is_empty() && !self.members_busy
    }
}

impl Lifecycle {
    /// Records the `ignore:` paths of a hunt group.
    pub fn ignore(&mut self, service_user_id: &str, paths: Vec<&'static str>) {
        if !paths.is_empty() {
            self.ignore.insert(service_user_id.to_string(), paths);
        }
    }

    /// Records that the agents of a hunt group control its group busy.
    pub fn members_control_group_busy(&mut self, service_user_id: &str) {
        self.members_busy.insert(service_user_id.to_string());
    }

    /// Records a rename to `service_user_id`.
    pub fn rename(&mut self, service_user_id: &str, rename: Rename) {
        self.renames.insert(service_user_id.to_string(), rename);
    }

    /// Adds a `protect:` pattern.
    pub fn protect(&mut self, p: Protect) {
        self.protect.push(p);
    }

    /// Sets the `--ignore` paths (every hunt group).
    pub fn set_global_ignore(&mut self, paths: Vec<&'static str>) {
        self.global = paths;
    }

    /// The desired state's rules with these `--ignore` paths: what a plan of it runs by.
    pub fn with_desired(&self, desired: &Lifecycle) -> Lifecycle {
        let mut l = desired.clone();
        l.global.clone_from(&self.global);
        l
    }

    /// The ignored fields of a hunt group.
    pub fn ignores(&self, service_user_id: &str) -> Ignores<'_> {
        Ignores {
            listed: self
                .ignore
                .get(service_user_id)
                .map_or(&[][..], Vec::as_slice),
            global: &self.global,
            members_busy: self.members_busy.contains(service_user_id),
        }
    }

    /// The paths a hunt group's `ignore:` lists (with its file's `defaults:`), as a writer
    /// writes them back; not the implicit member-controlled group busy nor `--ignore`.
    pub fn listed_ignores(&self, service_user_id: &str) -> &[&'static str] {
        self.ignore
            .get(service_user_id)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The rename to `service_user_id`, if one is asked for.
    pub fn rename_of(&self, service_user_id: &str) -> Option<&Rename> {
        self.renames.get(service_user_id)
    }

    /// The old ids of every rename.
    pub fn renamed_from(&self) -> impl Iterator<Item = &str> {
        self.renames.values().map(|r| r.from.as_str())
    }

    /// The `protect:` patterns.
    pub fn protections(&self) -> &[Protect] {
        &self.protect
    }
}

/// A path given to `ignore:` or `--ignore` that names no field that may be ignored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct IgnorePathError {
    /// The path as given.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Resolves one `ignore:` / `--ignore` path (camelCase or snake_case) to its table row; the
/// error says why it cannot be ignored, with a "did you mean" for a misspelling.
pub fn ignore_path(path: &str) -> Result<&'static FieldDef, IgnorePathError> {
    let err = |message: String| IgnorePathError {
        path: path.to_string(),
        message,
    };
    match table::by_ignore_path(path) {
        Some(d) if d.ignorable() => Ok(d),
        Some(d) => Err(err(format!(
            "{} identifies the hunt group and cannot be ignored (to rename a hunt group, give \
             the new id and `renamedFrom: <old id>`)",
            d.path
        ))),
        None => {
            let candidates = table::fields().filter(|d| d.ignorable()).map(|d| d.path);
            let hint = match suggest(path.trim(), candidates) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "ignore takes field paths such as isActive, enableGroupBusy, \
                         agentUserId or serviceInstanceProfile.name"
                    .to_string(),
            };
            Err(err(format!("`{path}` is not a hunt group field: {hint}")))
        }
    }
}

/// Resolves the `--ignore` paths (see [`ignore_path`]), each once.
pub fn ignore_paths(paths: &[String]) -> Result<Vec<&'static str>, IgnorePathError> {
    let mut out: Vec<&'static str> = Vec::new();
    for p in paths {
        let d = ignore_path(p)?;
        if !out.contains(&d.path) {
            out.push(d.path);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_in_both_spellings_and_keys_are_refused() {
        assert_eq!(ignore_path("isActive").map(|d| d.path), Ok("isActive"));
        assert_eq!(ignore_path("is_active").map(|d| d.path), Ok("isActive"));
        assert_eq!(
            ignore_path("service_instance_profile.name").map(|d| d.path),
            Ok("serviceInstanceProfile.name")
        );
        let e = ignore_path("serviceUserId").unwrap_err();
        assert!(e.message.contains("cannot be ignored"), "{e}");
        let e = ignore_path("isActiv").unwrap_err();
        assert!(e.message.contains("did you mean `isActive`?"), "{e}");
    }

    #[test]
    fn member_controlled_busy_is_ignored_only_where_recorded() {
        let mut l = Lifecycle::default();
        l.members_control_group_busy("a@x");
        l.ignore("b@x", vec!["isActive"]);
        assert_eq!(
            l.ignores("a@x").why("enableGroupBusy"),
            Some(Why::MembersControlGroupBusy)
        );
        assert_eq!(l.ignores("b@x").why("enableGroupBusy"), None);
        assert_eq!(l.ignores("b@x").why("isActive"), Some(Why::Listed));
        assert!(l.ignores("c@x").is_empty());
        l.set_global_ignore(vec!["policy"]);
        assert_eq!(l.ignores("c@x").why("policy"), Some(Why::Listed));
    }

    #[test]
    fn protect_patterns_match_like_targets() {
        let p = Protect {
            pattern: "MAIN-*".into(),
            location: "f.yaml:1:1".into(),
        };
        assert!(p.matches("main-line@x"));
        assert!(!p.matches("sales@x"));
        assert!(check_pattern("a[b").is_err());
    }
}
