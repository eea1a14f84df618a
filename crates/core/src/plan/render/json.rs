//! The versioned JSON view, for machines (CI).

use crate::plan::{Plan, Summary, UnmanagedHuntGroup, FORMAT_VERSION};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeView<'a> {
    action: &'static str,
    service_user_id: &'a str,
    service_provider_id: &'a str,
    group_id: &'a str,
    changed_fields: Vec<&'a str>,
    fields: &'a [crate::plan::FieldChange],
    #[serde(skip_serializing_if = "Option::is_none")]
    agents: Option<&'a crate::plan::AgentChanges>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    renamed_from: Option<&'a str>,
    #[serde(skip_serializing_if = "<[crate::plan::IgnoredField]>::is_empty")]
    ignored: &'a [crate::plan::IgnoredField],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    before: Option<&'a crate::model::HuntGroup>,
    after: Option<&'a crate::model::HuntGroup>,
}

#[derive(Serialize)]
struct Document<'a> {
    format_version: u32,
    summary: Summary,
    has_changes: bool,
    fingerprint: &'a str,
    prune: bool,
    changes: Vec<ChangeView<'a>>,
    unmanaged: &'a [UnmanagedHuntGroup],
    warnings: &'a [String],
    preflight: crate::plan::PreflightMode,
    refusals: &'a [crate::plan::Refusal],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    cannot_restore: &'a [String],
}

/// The plan as a JSON document (`format_version`, per change the action, serviceUserId,
/// before/after with secrets masked and the changed field paths).
pub fn json(plan: &Plan) -> String {
    let doc = Document {
        format_version: FORMAT_VERSION,
        summary: plan.summary(),
        has_changes: plan.has_changes(),
        fingerprint: &plan.fingerprint,
        prune: plan.prune,
        changes: plan
            .changes
            .iter()
            .map(|c| ChangeView {
                action: c.action.as_str(),
                service_user_id: &c.service_user_id,
                service_provider_id: &c.service_provider_id,
                group_id: &c.group_id,
                changed_fields: c.changed_paths(),
                fields: &c.fields,
                agents: c.agents.as_ref(),
                warnings: &c.warnings,
                renamed_from: c.renamed_from.as_deref(),
                ignored: &c.ignored,
                notes: &c.notes,
                before: c.before.as_ref(),
                after: c.after.as_ref(),
            })
            .collect(),
        unmanaged: &plan.unmanaged,
        warnings: &plan.warnings,
        preflight: plan.preflight,
        refusals: &plan.refusals,
        cannot_restore: &plan.cannot_restore,
    };
    // Plain data with string keys: serialising cannot fail.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
