//! Reading `ignore:`, `renamedFrom:` and `protect:` ([`crate::plan::lifecycle`]): each value
//! checked where it is written, then the checks across hunt groups (a rename from another
//! desired hunt group's id, two renames from one id) once every file is read.

use super::diagnostics::DiagnosticCode;
use super::raw::{ListVal, Loc, Raw, RawGroup, Val, IGNORE_KEY, PROTECT_KEY, RENAMED_FROM_KEY};
use super::validate::Pending;
use crate::model::table;
use crate::model::HuntGroup;
use crate::plan::lifecycle::{check_pattern, ignore_path};

/// What one hunt group says beyond its fields; only kept when it says something.
#[derive(Debug, Clone, Default)]
pub(super) struct GroupMeta {
    /// The fields `ignore:` lists, each once.
    pub ignore: Vec<&'static str>,
    /// `renamedFrom` and where it is written.
    pub renamed_from: Option<(String, Loc)>,
    /// `allowMembersToControlGroupBusy` is on and `enableGroupBusy` is not written.
    pub members_busy: bool,
}

impl GroupMeta {
    fn is_empty(&self) -> bool {
        self.ignore.is_empty() && self.renamed_from.is_none() && !self.members_busy
    }
}

/// The text of a scalar written as text (a YAML string or a CSV cell).
fn text_of(v: &Val) -> Option<&str> {
    match &v.raw {
        Raw::Str(s) | Raw::Cell(s) => Some(s.as_str()),
        _ => None,
    }
}

/// Checks the lifecycle keys of one raw hunt group, reporting every problem into `out`;
/// returns what `g` (the hunt group, when it built) keeps of them.
pub(super) fn read_group(
    raw: &RawGroup,
    g: Option<&HuntGroup>,
    out: &mut Vec<Pending>,
) -> Option<GroupMeta> {
    let mut meta = GroupMeta::default();
    match &raw.ignore {
        None | Some(ListVal::Null(_)) => {}
        Some(ListVal::Wrong(v)) => out.push(
            Pending::error(
                DiagnosticCode::BadIgnore,
                v.loc,
                format!(
                    "ignore must be a list of field paths, found {}",
                    v.raw.describe()
                ),
            )
            .field(IGNORE_KEY)
            .label("expected a list")
            .help("write `ignore: [isActive, enableGroupBusy]`"),
        ),
        Some(ListVal::Items(items, _)) => {
            for v in items {
                let Some(path) = text_of(v) else {
                    out.push(
                        Pending::error(
                            DiagnosticCode::BadIgnore,
                            v.loc,
                            format!(
                                "an ignore entry must be a field path, found {}",
                                v.raw.describe()
                            ),
                        )
                        .field(IGNORE_KEY)
                        .label("not a field path"),
                    );
                    continue;
                };
                match ignore_path(path) {
                    Ok(d) if !meta.ignore.contains(&d.path) => meta.ignore.push(d.path),
                    Ok(_) => {}
                    Err(e) => out.push(
                        Pending::error(DiagnosticCode::BadIgnore, v.loc, e.message)
                            .field(IGNORE_KEY)
                            .label("cannot be ignored"),
                    ),
                }
            }
        }
    }
    if let Some(v) = &raw.renamed_from {
        meta.renamed_from = renamed_from(g.map(|g| g.service_user_id.as_str()), v, out);
    }
    let written = |path: &str| raw.get_path(path).is_some();
    meta.members_busy =
        g.is_some_and(|g| g.allow_members_to_control_group_busy) && !written(table::GROUP_BUSY);
    (g.is_some() && !meta.is_empty()).then_some(meta)
}

/// Checks one `renamedFrom`: a user id other than the hunt group's own.
fn renamed_from(own: Option<&str>, v: &Val, out: &mut Vec<Pending>) -> Option<(String, Loc)> {
    let bad = |message: String, label: &str| {
        Pending::error(DiagnosticCode::BadRename, v.loc, message)
            .field(RENAMED_FROM_KEY)
            .label(label)
    };
    let Some(from) = text_of(v).map(str::trim) else {
        out.push(
            bad(
                format!(
                    "renamedFrom must be the old serviceUserId, found {}",
                    v.raw.describe()
                ),
                "expected a user id",
            )
            .help("write `renamedFrom: old-name@example.com`"),
        );
        return None;
    };
    if !matches!(from.split_once('@'), Some((u, d)) if !u.is_empty() && !d.is_empty()) {
        out.push(
            bad(
                format!("renamedFrom \"{from}\" is not a user id (name@domain)"),
                "expected name@domain",
            )
            .help("give the hunt group's old serviceUserId, with its domain"),
        );
        return None;
    }
    if own.is_some_and(|id| id.trim().eq_ignore_ascii_case(from)) {
        out.push(
            bad(
                format!("renamedFrom is the hunt group's own id ({from})"),
                "same as serviceUserId",
            )
            .help(
                "renamedFrom names the id the hunt group had before: drop it, or give the old id",
            ),
        );
        return None;
    }
    Some((from.to_string(), v.loc))
}

/// Checks the `protect:` lists of a file: each a list of serviceUserId patterns. Returns the
/// patterns with where each is written.
pub(super) fn read_protect(lists: &[ListVal<Val>], out: &mut Vec<Pending>) -> Vec<(String, Loc)> {
    let mut found = Vec::new();
    for l in lists {
        match l {
            ListVal::Null(_) => {}
            ListVal::Wrong(v) => out.push(
                Pending::error(
                    DiagnosticCode::BadProtect,
                    v.loc,
                    format!(
                        "protect must be a list of serviceUserId patterns, found {}",
                        v.raw.describe()
                    ),
                )
                .field(PROTECT_KEY)
                .label("expected a list")
                .help("write `protect: [main-line@example.com, \"reception-*\"]`"),
            ),
            ListVal::Items(items, _) => {
                for v in items {
                    let pattern = text_of(v).map(str::trim).filter(|p| !p.is_empty());
                    let problem = match pattern {
                        None => Some(format!(
                            "a protect entry must be a serviceUserId pattern, found {}",
                            v.raw.describe()
                        )),
                        Some(p) => check_pattern(p).err().map(|e| {
                            format!("protect pattern \"{p}\" is not a valid pattern: {e}")
                        }),
                    };
                    match (problem, pattern) {
                        (None, Some(p)) => found.push((p.to_string(), v.loc)),
                        (m, _) => out.push(
                            Pending::error(
                                DiagnosticCode::BadProtect,
                                v.loc,
                                m.unwrap_or_default(),
                            )
                            .field(PROTECT_KEY)
                            .label("not a pattern")
                            .help(
                                "patterns are serviceUserIds with `*` wildcards, as --target takes",
                            ),
                        ),
                    }
                }
            }
        }
    }
    found
}

/// The checks across hunt groups: `renamedFrom` naming another desired hunt group, and two
/// hunt groups renamed from one id. `metas` are (group index, meta) in load order; `at`
/// gives a group's file and where it is named.
pub(super) fn check_renames(
    groups: &[HuntGroup],
    metas: &[(usize, GroupMeta)],
    at: &dyn Fn(usize) -> (usize, Loc),
    out: &mut Vec<(usize, Pending)>,
) {
    let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, g) in groups.iter().enumerate() {
        ids.entry(g.service_user_id.to_ascii_lowercase())
            .or_insert(i);
    }
    let mut firsts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (k, (gi, m)) in metas.iter().enumerate() {
        let Some((from, loc)) = &m.renamed_from else {
            continue;
        };
        let (file, _) = at(*gi);
        let key = from.to_ascii_lowercase();
        if let Some(&other) = ids.get(&key) {
            let (ofile, oloc) = at(other);
            let mut p = Pending::error(
                DiagnosticCode::BadRename,
                *loc,
                format!(
                    "renamedFrom {from} is another hunt group of the desired state: a rename \
                     would take it away"
                ),
            )
            .field(RENAMED_FROM_KEY)
            .label("another desired hunt group")
            .help("drop the renamedFrom, or remove the other hunt group from the desired state");
            p.related
                .push((Some(ofile), oloc, "that hunt group".into()));
            out.push((file, p));
            continue;
        }
        match firsts.get(&key) {
            Some(&first) => {
                let (ffile, _) = at(metas[first].0);
                let floc = metas[first]
                    .1
                    .renamed_from
                    .as_ref()
                    .map_or(Loc::File, |r| r.1);
                let mut p = Pending::error(
                    DiagnosticCode::BadRename,
                    *loc,
                    format!("two hunt groups are renamed from {from}"),
                )
                .field(RENAMED_FROM_KEY)
                .label("renamed from it again")
                .help("one hunt group can take the old id's place: keep one renamedFrom");
                p.related
                    .push((Some(ffile), floc, "renamed from it first here".into()));
                out.push((file, p));
            }
            None => {
                firsts.insert(key, k);
            }
        }
    }
}
