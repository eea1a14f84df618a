//! After `huntctl apply`: writes the undo plan and says how to apply it.

use crate::apply::{check_safety, undo, ApplyOptions, Report};
use crate::ocip::Execute;
use crate::plan::Plan;
use std::path::Path;

/// Makes and saves the undo plan of an apply; returns the lines to print (nothing when the
/// apply changed nothing). A failure to make or save it is reported, never fatal: the apply
/// itself is done.
pub async fn write_undo<E: Execute>(
    exec: &E,
    plan: &Plan,
    report: &Report,
    out: Option<&Path>,
) -> Vec<String> {
    let undo = match undo::make_undo(exec, plan, report).await {
        Ok(Some(u)) => u,
        Ok(None) => return Vec::new(),
        Err(e) => {
            return vec![format!(
                "Undo: not written: cannot read the state after the apply: {e}"
            )]
        }
    };
    if undo.changes.is_empty() {
        return Vec::new();
    }
    let path = out.map_or_else(|| undo::default_path(report), Path::to_path_buf);
    let saved = match undo::save(&undo, &path, out.is_some()) {
        Ok(p) => p,
        Err(e) => return vec![format!("Undo: not written to {}: {e}", path.display())],
    };
    let s = undo.summary();
    let force = if check_safety(&undo, &ApplyOptions::default()).is_err() {
        " --force"
    } else {
        ""
    };
    let mut lines = vec![format!(
        "Undo: {} saved to {} ({} to create, {} to update, {} to delete). To reverse this apply: \
         huntctl apply --plan {}{force}",
        if undo.changes.len() == 1 {
            "1 change".to_string()
        } else {
            format!("{} changes", undo.changes.len())
        },
        saved.display(),
        s.create,
        s.update,
        s.delete,
        saved.display()
    )];
    for c in &undo.cannot_restore {
        lines.push(format!("Undo cannot restore: {c}"));
    }
    lines
}
