//! The Markdown view, for a pull-request comment: a summary table, then a collapsible
//! `<details>` section per hunt group, never longer than [`MARKDOWN_LIMIT`] characters.

use super::{body, summary_line, Mark};
use crate::plan::{Action, Change, Plan};
use crate::text::escape_controls;

/// GitHub's limit for a comment body, in characters.
pub const MARKDOWN_LIMIT: usize = 65_536;

// Room kept for the truncation notice, so the result never exceeds the limit.
const NOTICE_RESERVE: usize = 400;

/// A value in Markdown's HTML: control characters escaped ([`escape_controls`]), then `&<>`.
fn html(s: &str) -> String {
    escape_controls(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn cell(s: &str) -> String {
    html(s).replace('|', "\\|")
}

/// A code fence longer than any backtick run in `text`, so values cannot close it.
fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

fn what(c: &Change) -> String {
    match c.action {
        Action::Create => format!("{} fields", c.fields.len()),
        Action::Delete => "whole hunt group".to_string(),
        _ => {
            let mut s = c
                .fields
                .iter()
                .map(|f| format!("`{}`", f.path))
                .collect::<Vec<_>>()
                .join(", ");
            if !c.warnings.is_empty() {
                if !s.is_empty() {
                    s.push_str(", ");
                }
                s.push_str(&format!("{} warning(s)", c.warnings.len()));
            }
            s
        }
    }
}

fn details(c: &Change) -> String {
    let mut lines = String::new();
    for (m, indent, line) in body(c, true) {
        let sym = match m {
            Mark::Add => "+",
            Mark::Remove => "-",
            Mark::Change => "~",
            Mark::Warn => "!",
            Mark::Same => " ",
        };
        // The mark stays in the first column so GitHub highlights the diff.
        let pad = "    ".repeat(indent);
        lines.push_str(&format!("{sym} {pad}{}\n", escape_controls(&line)));
    }
    let f = fence(&lines);
    format!(
        "<details><summary>{} <code>{}</code> ({} / {})</summary>\n\n{f}diff\n{lines}{f}\n\n</details>\n\n",
        c.action.as_str(),
        html(&c.service_user_id),
        html(&c.service_provider_id),
        html(&c.group_id),
    )
}

/// The plan as Markdown, truncated with a visible notice to stay within [`MARKDOWN_LIMIT`].
pub fn markdown(plan: &Plan) -> String {
    let s = plan.summary();
    let mut blocks: Vec<String> = Vec::new();
    let mut head = format!("### huntctl plan\n\n**{}**", summary_line(plan));
    if s.unchanged > 0 {
        head.push_str(&format!(" ({} unchanged)", s.unchanged));
    }
    head.push_str("\n\n");
    blocks.push(head);
    for (line, at) in super::preflight_lines(plan) {
        let mut b = format!("> **{}**", html(&line));
        if let Some(at) = at {
            b.push_str(&format!("<br>\n> {}", html(&at)));
        }
        b.push_str("\n\n");
        blocks.push(b);
    }
    for c in &plan.cannot_restore {
        blocks.push(format!("> **Cannot restore:** {}\n\n", html(c)));
    }
    for w in &plan.warnings {
        blocks.push(format!("> **Warning:** {}\n\n", html(w)));
    }
    let listed: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp || !c.warnings.is_empty())
        .collect();
    if !listed.is_empty() {
        blocks.push("| Action | Hunt group | Group | Changes |\n|---|---|---|---|\n".into());
        for c in &listed {
            blocks.push(format!(
                "| {} | `{}` | {} / {} | {} |\n",
                c.action.as_str(),
                cell(&c.service_user_id),
                cell(&c.service_provider_id),
                cell(&c.group_id),
                what(c)
            ));
        }
        blocks.push("\n".into());
    }
    if !plan.unmanaged.is_empty() {
        let mut b = format!(
            "Not managed ({}; left alone, `--prune` would delete them): ",
            plan.unmanaged.len()
        );
        b.push_str(
            &plan
                .unmanaged
                .iter()
                .map(|u| format!("`{}`", u.service_user_id))
                .collect::<Vec<_>>()
                .join(", "),
        );
        b.push_str("\n\n");
        blocks.push(b);
    }
    for c in &listed {
        blocks.push(details(c));
    }
    let unchanged: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::NoOp && c.warnings.is_empty())
        .collect();
    if !unchanged.is_empty() {
        let mut b = format!(
            "<details><summary>{} unchanged</summary>\n\n",
            unchanged.len()
        );
        for c in unchanged {
            b.push_str(&format!("- `{}`\n", html(&c.service_user_id)));
        }
        b.push_str("\n</details>\n");
        blocks.push(b);
    }

    let budget = MARKDOWN_LIMIT - NOTICE_RESERVE;
    let mut out = String::new();
    let mut used = 0;
    let total = blocks.len();
    for (i, b) in blocks.into_iter().enumerate() {
        let n = b.chars().count();
        if used + n > budget {
            out.push_str(&format!(
                "\n> **Truncated:** this plan is longer than a pull-request comment allows \
                 ({MARKDOWN_LIMIT} characters); {} of {total} sections are not shown. Run \
                 `huntctl plan` for the whole plan.\n",
                total - i
            ));
            return out;
        }
        used += n;
        out.push_str(&b);
    }
    out
}
