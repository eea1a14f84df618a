//! The plan: desired × current → changes, and its renderers.
//!
//! The plan is plain data (serialisable for `plan --out` / `apply --plan`). [`fetch`] reads the
//! current state over OCI-P, [`diff`] compares it with the desired state, [`render`] prints it,
//! and [`to_create_requests`] / [`to_modify_request`] / [`to_delete_request`] turn a change into the
//! OCI-P commands that carry it out. Nothing here prints: the CLI chooses the renderer.

mod current;
mod diff;
mod fetch;
mod fetch_export;
mod fingerprint;
mod hunt_group_serde;
pub mod lifecycle;
pub mod preflight;
pub mod render;
mod requests;
mod saved;
mod select;
mod server;
pub mod services;
mod staleness;

pub use current::{from_details, CurrentState, GroupKey, GroupState};
pub(crate) use diff::diff_unsealed;
pub use diff::{diff, diff_one, field_values};
pub use fetch::{
    block_wants, fetch, fetch_plan_scope, fetch_scope, fetch_with, BlockWants, ExtraReads,
    FetchError,
};
pub use fetch_export::fetch_all_blocks;
pub use fingerprint::fingerprint;
pub use lifecycle::{Lifecycle, Protect};
pub use preflight::{read_and_plan, PreflightMode, Refusal};
pub use requests::{
    to_create_requests, to_delete_request, to_modify_request, to_rename_request, to_requests,
};
pub use saved::PlanFileError;
pub use select::{SelectError, Selection};
pub use server::ServerRecord;
pub use staleness::{Drift, StaleCheck, Staleness};

use crate::model::HuntGroup;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Version of the saved-plan and JSON output formats; bumped on incompatible changes.
pub const FORMAT_VERSION: u32 = 1;

/// How the password shows up in a plan: it is write-only, so it is never compared.
pub const PASSWORD_NOTE: &str = "(sensitive, not compared)";

/// True for the password's note: [`PASSWORD_NOTE`], or `(sensitive, from env NAME)` /
/// `(sensitive, from file PATH)` for a reference (labels, shown without quotes).
pub fn is_password_note(s: &str) -> bool {
    s == PASSWORD_NOTE || (s.starts_with("(sensitive, from ") && s.ends_with(')'))
}

/// Options that shape a plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Delete hunt groups that exist in a managed group but not in the desired state.
    pub prune: bool,
    /// Which serviceUserIds the plan looks at (targets and excludes).
    pub selection: Selection,
    /// Read what pre-flight needs (the group's users, free numbers, extensions, departments)
    /// and predict the server's refusals; on by default.
    pub preflight: bool,
    /// Fields to ignore, renames and protected hunt groups ([`lifecycle`]): `--ignore` here
    /// ([`Lifecycle::set_global_ignore`]); [`crate::ops::plan`] adds the desired state's.
    pub lifecycle: Lifecycle,
    /// The server the plan is made against, recorded in it ([`Plan::server`]).
    pub server: Option<ServerRecord>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            prune: false,
            selection: Selection::default(),
            preflight: true,
            lifecycle: Lifecycle::default(),
            server: None,
        }
    }
}

impl PlanOptions {
    /// Options from serviceUserId globs to take (`target`, empty = all) and to leave out
    /// (`exclude`), and whether to delete what is not desired (`prune`).
    pub fn new(
        target: &[String],
        exclude: &[String],
        prune: bool,
    ) -> Result<PlanOptions, SelectError> {
        Ok(PlanOptions {
            prune,
            selection: Selection::new(target, exclude)?,
            ..PlanOptions::default()
        })
    }
}

/// What a change does to one hunt group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The hunt group does not exist: add it.
    Create,
    /// The hunt group exists and differs: modify the changed fields.
    Update,
    /// The hunt group exists but is not desired (only with `--prune`).
    Delete,
    /// The hunt group matches the desired state.
    NoOp,
}

impl Action {
    /// The word used in summaries ("create", "update", "delete", "no-op").
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::NoOp => "no-op",
        }
    }

    /// The Terraform-like marker: `+`, `~`, `-`, or a space.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Delete => "-",
            Action::NoOp => " ",
        }
    }
}

/// One field that differs, by its OCI-P path (`serviceInstanceProfile.name`, `agentUserId`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Dotted OCI-P camelCase path.
    pub path: String,
    /// The current value (`null` when absent or when the hunt group does not exist).
    pub old: serde_json::Value,
    /// The desired value (`null` to clear, or on delete).
    pub new: serde_json::Value,
}

/// A weight that changes (Weighted policy only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightChange {
    /// The agent.
    pub user_id: String,
    /// Current weight (`None` when the agent is new to the hunt group).
    pub old: Option<u8>,
    /// Desired weight.
    pub new: u8,
}

/// How the agent list changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentChanges {
    /// Agents that join, in desired order.
    pub added: Vec<String>,
    /// Agents that leave, in current order.
    pub removed: Vec<String>,
    /// Agents that stay but change their place in the hunt order.
    pub moved: Vec<String>,
    /// Weights that change.
    pub weights: Vec<WeightChange>,
}

impl AgentChanges {
    /// True when the list itself (membership or order) changes.
    pub fn list_changed(&self) -> bool {
        !(self.added.is_empty() && self.removed.is_empty() && self.moved.is_empty())
    }
}

/// The planned change for one hunt group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// What happens.
    pub action: Action,
    /// Service provider id.
    pub service_provider_id: String,
    /// Group id.
    pub group_id: String,
    /// The hunt group.
    pub service_user_id: String,
    /// The current hunt group (None on create).
    #[serde(with = "hunt_group_serde")]
    pub before: Option<HuntGroup>,
    /// The hunt group as it will be (None on delete): the desired state on create, the current
    /// state with the managed fields replaced on update. On create it carries the password in
    /// memory; a saved plan never holds it (see [`Plan::restore_secrets`]).
    #[serde(with = "hunt_group_serde")]
    pub after: Option<HuntGroup>,
    /// The fields that differ (on create: every managed field; on delete: every current field).
    pub fields: Vec<FieldChange>,
    /// Agent list details when agents or weights change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<AgentChanges>,
    /// Differences that no request can fix (e.g. a value R25 cannot clear by a modify).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The desired state sets a password (write-only: sent on create, never compared).
    #[serde(default)]
    pub password: bool,
    /// The hunt group's id before: the update renames it (`UserModifyUserIdRequest`) first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Differences on ignored fields: shown, never written, not counted as changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<IgnoredField>,
    /// Notes on the change that are not warnings (a rename already done, or from nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// A difference on an ignored field: what the plan shows and leaves alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IgnoredField {
    /// The field.
    #[serde(flatten)]
    pub field: FieldChange,
    /// Why it is ignored, as the plan says it (`(ignored)`).
    pub why: String,
}

impl Change {
    /// The changed field paths, in schema order.
    pub fn changed_paths(&self) -> Vec<&str> {
        self.fields.iter().map(|f| f.path.as_str()).collect()
    }

    /// True when the change writes to the server.
    pub fn is_write(&self) -> bool {
        self.action != Action::NoOp
    }
}

/// A hunt group that exists in a managed group but is not in the desired state.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnmanagedHuntGroup {
    /// Service provider id.
    pub service_provider_id: String,
    /// Group id.
    pub group_id: String,
    /// The hunt group.
    pub service_user_id: String,
}

/// What was read from one group, so that `apply --plan` can read exactly the same again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeGroup {
    /// Service provider id.
    pub service_provider_id: String,
    /// Group id.
    pub group_id: String,
    /// Every hunt group the group's listing showed (the base of the delete threshold).
    pub existing: Vec<String>,
    /// The hunt groups whose details were read.
    pub read: Vec<String>,
}

/// How many hunt groups each action touches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Creates.
    pub create: usize,
    /// Updates.
    pub update: usize,
    /// Deletes.
    pub delete: usize,
    /// Unchanged hunt groups.
    pub unchanged: usize,
}

/// The whole plan: plain data, read by the renderers and the applier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Fingerprint of the current state the plan was made against ([`fingerprint`]).
    pub fingerprint: String,
    /// Whether deletes were asked for.
    pub prune: bool,
    /// The `--target` globs.
    #[serde(default)]
    pub targets: Vec<String>,
    /// The `--exclude` globs.
    #[serde(default)]
    pub excludes: Vec<String>,
    /// One entry per hunt group in the selection, ordered by (sp, group, serviceUserId).
    pub changes: Vec<Change>,
    /// Hunt groups in managed groups that are not desired (and not deleted: no `--prune`).
    pub unmanaged: Vec<UnmanagedHuntGroup>,
    /// What was read, per group, for re-reading before a saved plan is applied.
    pub scope: Vec<ScopeGroup>,
    /// Plan-wide notes (e.g. a group that could not be listed).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The desired-state files the plan came from (set by the caller; informative, and where
    /// `apply --plan` can re-read write-only secrets from).
    #[serde(default)]
    pub sources: Vec<PathBuf>,
    /// Whether pre-flight predicted the server's refusals ([`preflight`]).
    #[serde(default)]
    pub preflight: PreflightMode,
    /// Changes the server is predicted to refuse: `apply` does not send them.
    #[serde(default)]
    pub refusals: Vec<Refusal>,
    /// What the plan cannot put back (undo plans: e.g. a recreated hunt group's password).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cannot_restore: Vec<String>,
    /// The `protect:` patterns of the desired state: a plan deleting a hunt group one matches
    /// is refused, saved or not, and its undo plan inherits them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protect: Vec<Protect>,
    /// How `apply --plan` checks that the plan still fits the server ([`Plan::staleness`]).
    #[serde(default, skip_serializing_if = "StaleCheck::is_fingerprint")]
    pub stale_check: StaleCheck,
    /// The server it was made against ([`PlanOptions::server`]; undo plans inherit it):
    /// `apply --plan` goes there when no server is given and refuses another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerRecord>,
}

impl Plan {
    /// Counts per action.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.create += 1,
                Action::Update => s.update += 1,
                Action::Delete => s.delete += 1,
                Action::NoOp => s.unchanged += 1,
            }
        }
        s
    }

    /// True when apply would write anything (what `--detailed-exitcode` reports as 2).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(Change::is_write)
    }

    /// The exit code of `huntctl plan`: 1 when pre-flight predicts a refusal (the pull-request
    /// check fails), 2 when there are changes and `--detailed-exitcode` was given (a drift
    /// detector), else 0.
    pub fn exit_code(&self, detailed_exitcode: bool) -> u8 {
        if !self.refusals.is_empty() {
            1
        } else if detailed_exitcode && self.has_changes() {
            2
        } else {
            0
        }
    }

    /// The changes that write (creates, updates, deletes), in plan order.
    pub fn writes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.is_write())
    }

    /// The predicted refusals of one hunt group.
    pub fn refusals_of<'a>(
        &'a self,
        service_user_id: &'a str,
    ) -> impl Iterator<Item = &'a Refusal> {
        self.refusals
            .iter()
            .filter(move |r| r.service_user_id == service_user_id)
    }

    /// The deletes of hunt groups a `protect:` pattern matches, with the first such pattern.
    pub fn protected_deletes(&self) -> Vec<(&str, &Protect)> {
        self.changes
            .iter()
            .filter(|c| c.action == Action::Delete)
            .filter_map(|c| {
                self.protect
                    .iter()
                    .find(|p| p.matches(&c.service_user_id))
                    .map(|p| (c.service_user_id.as_str(), p))
            })
            .collect()
    }

    /// Hunt groups that existed in the managed groups when the plan was made (delete threshold base).
    pub fn existing_hunt_groups(&self) -> usize {
        self.scope.iter().map(|g| g.existing.len()).sum()
    }

    /// The serviceUserIds of creates that need a password the plan does not hold (a saved plan
    /// never stores secrets: they must be restored with [`Plan::restore_secrets`]).
    pub fn missing_secrets(&self) -> Vec<&str> {
        self.changes
            .iter()
            .filter(|c| c.action == Action::Create && c.password)
            .filter(|c| {
                c.after
                    .as_ref()
                    .is_none_or(|a| a.service_instance_profile.password.is_none())
            })
            .map(|c| c.service_user_id.as_str())
            .collect()
    }

    /// Puts the write-only passwords of `desired` back into the creates of a loaded plan.
    /// Returns the ids still missing one.
    pub fn restore_secrets(&mut self, desired: &[HuntGroup]) -> Vec<String> {
        for c in &mut self.changes {
            if c.action != Action::Create || !c.password {
                continue;
            }
            let found = desired
                .iter()
                .find(|d| d.service_user_id == c.service_user_id)
                .and_then(|d| d.service_instance_profile.password.clone());
            if let (Some(after), Some(pw)) = (c.after.as_mut(), found) {
                after.service_instance_profile.password = Some(pw);
            }
        }
        self.missing_secrets()
            .into_iter()
            .map(str::to_string)
            .collect()
    }
}
