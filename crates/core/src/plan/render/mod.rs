//! Renderers: each reads a [`Plan`] and returns the whole output as a string.
//!
//! Text for people at a terminal, JSON for machines, Markdown for pull-request comments; all
//! fed by the same plan data.

mod json;
mod markdown;
mod text;

use super::{Action, AgentChanges, Change, Plan};
use serde_json::Value;

pub use json::json;
pub use markdown::{markdown, MARKDOWN_LIMIT};
pub use text::text;

/// `Plan: 2 to create, 1 to update, 0 to delete.` or the no-change sentence.
pub fn summary_line(plan: &Plan) -> String {
    let s = plan.summary();
    let mut line = if plan.has_changes() {
        format!(
            "Plan: {} to create, {} to update, {} to delete.",
            s.create, s.update, s.delete
        )
    } else {
        "No changes. Hunt groups match the desired state.".to_string()
    };
    let refused = refused_count(plan);
    if refused > 0 {
        line.push_str(&format!(
            " {refused} hunt group{} would be refused by the server and will not be sent.",
            if refused == 1 { "" } else { "s" }
        ));
    }
    line
}

/// How many hunt groups have at least one predicted refusal.
pub fn refused_count(plan: &Plan) -> usize {
    let mut ids: Vec<&str> = plan
        .refusals
        .iter()
        .map(|r| r.service_user_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The pre-flight section as plain lines (shared by text and Markdown): the `--no-preflight`
/// notice, or one headline per refusal with where the value was written. Empty when pre-flight
/// ran and predicts nothing.
pub fn preflight_lines(plan: &Plan) -> Vec<(String, Option<String>)> {
    match plan.preflight {
        super::PreflightMode::Off => vec![(PREFLIGHT_OFF.to_string(), None)],
        _ => plan
            .refusals
            .iter()
            .map(|r| {
                let at = r
                    .location
                    .as_ref()
                    .map(|l| format!("at {l} ({} = {})", r.field, r.value));
                (r.headline(), at)
            })
            .collect(),
    }
}

/// What a plan says when `--no-preflight` turned the pre-flight reads off.
pub const PREFLIGHT_OFF: &str = "Pre-flight: off (--no-preflight): refusals by the server \
     (unknown agents, numbers or extensions in use, ids taken, unknown departments) are not \
     predicted.";

/// A value as shown in a plan: strings quoted, `null` as `(none)`, lists inline.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Null => "(none)".to_string(),
        // The password note is a label, not a value: shown without quotes.
        Value::String(s) if super::is_password_note(s) => s.clone(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// A body line: its mark, its nesting level and its text.
pub(crate) type Line = (Mark, usize, String);

/// One line of a change's body, marked like a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// Added or new value.
    Add,
    /// Removed or old value.
    Remove,
    /// Changed in place.
    Change,
    /// Context.
    Same,
    /// A warning.
    Warn,
}

/// The body of a change as marked lines (shared by text and Markdown). `split_updates` shows
/// an update as a `-` old and a `+` new line (for diff-highlighted Markdown) instead of
/// `~ path: old → new`.
pub(crate) fn body(change: &Change, split_updates: bool) -> Vec<Line> {
    let mut out = Vec::new();
    for f in &change.fields {
        match change.action {
            Action::Create => out.push((Mark::Add, 0, format!("{} = {}", f.path, show(&f.new)))),
            Action::Delete => out.push((Mark::Remove, 0, format!("{} = {}", f.path, show(&f.old)))),
            Action::Update | Action::NoOp => {
                if f.path == super::diff::paths::AGENTS {
                    agent_lines(change, change.agents.as_ref(), split_updates, &mut out);
                } else if f.path == super::diff::paths::WEIGHTS {
                    for w in change.agents.iter().flat_map(|a| &a.weights) {
                        let old = w.old.map_or("(none)".to_string(), |o| o.to_string());
                        let path = format!("{}[{}]", f.path, w.user_id);
                        push_update(&mut out, &path, &old, &w.new.to_string(), split_updates);
                    }
                } else {
                    push_update(
                        &mut out,
                        &f.path,
                        &show(&f.old),
                        &show(&f.new),
                        split_updates,
                    );
                }
            }
        }
    }
    for w in &change.warnings {
        out.push((Mark::Warn, 0, format!("warning: {w}")));
    }
    out
}

fn push_update(out: &mut Vec<Line>, path: &str, old: &str, new: &str, split: bool) {
    if split {
        out.push((Mark::Remove, 0, format!("{path} = {old}")));
        out.push((Mark::Add, 0, format!("{path} = {new}")));
    } else {
        out.push((Mark::Change, 0, format!("{path}: {old} → {new}")));
    }
}

fn agent_lines(change: &Change, agents: Option<&AgentChanges>, split: bool, out: &mut Vec<Line>) {
    let ids = |hg: Option<&crate::model::HuntGroup>| -> Vec<String> {
        hg.map(|h| h.agents.iter().map(|a| a.user_id.clone()).collect())
            .unwrap_or_default()
    };
    let old = ids(change.before.as_ref());
    let new = ids(change.after.as_ref());
    out.push((
        if split { Mark::Same } else { Mark::Change },
        0,
        format!("{}:", super::diff::paths::AGENTS),
    ));
    let old_refs: Vec<&str> = old.iter().map(String::as_str).collect();
    let new_refs: Vec<&str> = new.iter().map(String::as_str).collect();
    let d = similar::TextDiff::from_slices(&old_refs, &new_refs);
    for c in d.iter_all_changes() {
        let mark = match c.tag() {
            similar::ChangeTag::Delete => Mark::Remove,
            similar::ChangeTag::Insert => Mark::Add,
            similar::ChangeTag::Equal => Mark::Same,
        };
        out.push((mark, 1, c.value().to_string()));
    }
    if let Some(a) = agents {
        let mut notes = Vec::new();
        for (label, list) in [
            ("added", &a.added),
            ("removed", &a.removed),
            ("moved", &a.moved),
        ] {
            if !list.is_empty() {
                notes.push(format!("{label}: {}", list.join(", ")));
            }
        }
        if !notes.is_empty() {
            out.push((Mark::Same, 1, format!("({})", notes.join("; "))));
        }
    }
}

/// The heading of a change: `+ id will be created` etc.
pub(crate) fn headline(change: &Change) -> String {
    let what = match change.action {
        Action::Create => "will be created",
        Action::Update => "will be updated in place",
        Action::Delete => "will be deleted",
        Action::NoOp if change.warnings.is_empty() => "is unchanged",
        Action::NoOp => "has no change that can be applied",
    };
    format!(
        "{} {} {what}",
        change.action.symbol(),
        change.service_user_id
    )
}
