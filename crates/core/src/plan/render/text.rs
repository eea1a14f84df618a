//! The Terraform-like text view.

use super::{body, headline, summary_line, Mark};
use crate::plan::{Action, Plan};
use crate::text::escape_controls;
use owo_colors::OwoColorize;

/// A line of the view, its values escaped ([`escape_controls`]) before any colour is added.
fn paint(s: &str, mark: Mark, color: bool) -> String {
    let s = &*escape_controls(s);
    if !color {
        return s.to_string();
    }
    match mark {
        Mark::Add => s.green().to_string(),
        Mark::Remove => s.red().to_string(),
        Mark::Change | Mark::Warn => s.yellow().to_string(),
        Mark::Same => s.to_string(),
    }
}

fn action_mark(a: Action) -> Mark {
    match a {
        Action::Create => Mark::Add,
        Action::Update => Mark::Change,
        Action::Delete => Mark::Remove,
        Action::NoOp => Mark::Same,
    }
}

/// The plan as text; `color` adds ANSI colours (the caller decides: terminal, `NO_COLOR`).
pub fn text(plan: &Plan, color: bool) -> String {
    let mut out = String::new();
    let mut group: Option<(&str, &str)> = None;
    for c in &plan.changes {
        let g = (c.service_provider_id.as_str(), c.group_id.as_str());
        if group != Some(g) {
            if group.is_some() {
                out.push('\n');
            }
            let title = escape_controls(&format!("{} / {}", g.0, g.1)).into_owned();
            out.push_str(&if color {
                title.bold().to_string()
            } else {
                title
            });
            out.push('\n');
            group = Some(g);
        }
        let head = headline(c);
        let mark = action_mark(c.action);
        if c.action == Action::NoOp && c.warnings.is_empty() {
            let line = format!("  {}", escape_controls(&head));
            out.push_str(&if color {
                line.dimmed().to_string()
            } else {
                line
            });
            out.push('\n');
            continue;
        }
        out.push_str(&format!("  {}\n", paint(&head, mark, color)));
        for r in plan.refusals_of(&c.service_user_id) {
            let line = format!("✗ would be refused: {} (apply will not send it)", r.reason);
            out.push_str(&format!("      {}\n", paint(&line, Mark::Warn, color)));
        }
        for (m, indent, line) in body(c, false) {
            let sym = match m {
                Mark::Add => "+",
                Mark::Remove => "-",
                Mark::Change => "~",
                Mark::Warn => "!",
                Mark::Same => " ",
            };
            let pad = "    ".repeat(indent);
            out.push_str(&format!(
                "      {pad}{}\n",
                paint(&format!("{sym} {line}"), m, color)
            ));
        }
    }
    if !plan.changes.is_empty() {
        out.push('\n');
    }
    if !plan.unmanaged.is_empty() {
        let n = plan.unmanaged.len();
        out.push_str(&format!(
            "Not managed: {n} hunt group{} in managed groups {} not in the desired state and \
             {} left alone (--prune would delete {}):\n",
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "it" } else { "them" },
        ));
        for u in &plan.unmanaged {
            let line = format!(
                "  {} ({} / {})",
                u.service_user_id, u.service_provider_id, u.group_id
            );
            out.push_str(&escape_controls(&line));
            out.push('\n');
        }
        out.push('\n');
    }
    let pre = super::preflight_lines(plan);
    for (line, at) in &pre {
        out.push_str(&paint(line, Mark::Warn, color));
        out.push('\n');
        if let Some(at) = at {
            out.push_str(&format!("    {}\n", escape_controls(at)));
        }
    }
    if !pre.is_empty() {
        out.push('\n');
    }
    for c in &plan.cannot_restore {
        out.push_str(&paint(&format!("Cannot restore: {c}"), Mark::Warn, color));
        out.push('\n');
    }
    if !plan.cannot_restore.is_empty() {
        out.push('\n');
    }
    for w in &plan.warnings {
        out.push_str(&paint(&format!("Warning: {w}"), Mark::Warn, color));
        out.push('\n');
    }
    if !plan.warnings.is_empty() {
        out.push('\n');
    }
    let summary = summary_line(plan);
    out.push_str(&if color {
        summary.bold().to_string()
    } else {
        summary
    });
    out.push('\n');
    out
}
