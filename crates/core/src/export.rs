//! Current state → desired-state files, for adopting hunt groups that already exist.
//!
//! [`fetch`] reads every hunt group of the named groups over OCI-P (through any
//! [`Execute`]), [`for_export`] turns the current state into the smallest desired state that
//! reproduces it, and [`render`] / [`write_output`] write YAML or bulk-sheet CSV, to stdout,
//! one file, or one file per group. `huntctl convert` shares the writing half.

use crate::desired;
use crate::model::{table, Field, HuntGroup, Policy};
use crate::ocip::messages::{Request, Response};
use crate::ocip::Execute;
use crate::plan::{self, Lifecycle, PlanOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The file formats export and convert write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Desired-state YAML (`defaults:` + `huntGroups:`).
    #[default]
    Yaml,
    /// The reference bulk-sheet CSV.
    Csv,
}

impl Format {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Csv => "csv",
        }
    }
}

/// Why an export could not read the server.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ExportError {
    /// Reading failed (no answer, refused, unexpected reply).
    #[error(transparent)]
    Fetch(#[from] plan::FetchError),
    /// The server could not list the hunt groups of a group (e.g. it does not exist).
    #[error("cannot list the hunt groups of {service_provider_id} / {group_id}: {reason}")]
    Group {
        /// Service provider id.
        service_provider_id: String,
        /// Group id.
        group_id: String,
        /// The server's error.
        reason: String,
    },
    /// The server could not list the groups of the service provider (e.g. it does not exist).
    #[error("cannot list the groups of service provider {service_provider_id}: {reason}")]
    Provider {
        /// Service provider id.
        service_provider_id: String,
        /// The server's error.
        reason: String,
    },
}

/// The note every export carries: BroadWorks never returns hunt group passwords.
pub const PASSWORD_NOTE: &str = "Passwords cannot be read from BroadWorks, so none are exported: \
add `password:` under serviceInstanceProfile (CSV: serviceInstanceProfile.password) only to set one when a hunt group is created.";

/// Reads every hunt group of `groups` (in `service_provider_id`), sorted by group then
/// serviceUserId, as current state ([`plan::from_details`]: every optional field Value or Absent).
pub async fn fetch<E: Execute>(
    exec: &E,
    service_provider_id: &str,
    groups: &[String],
) -> Result<Vec<HuntGroup>, ExportError> {
    // plan::fetch reads the groups its desired list names and, with prune, every hunt group
    // listed there: one placeholder per group asks for exactly "everything in these groups".
    let wanted: BTreeSet<&str> = groups.iter().map(String::as_str).collect();
    let placeholders: Vec<HuntGroup> = wanted
        .iter()
        .map(|g| HuntGroup::with_defaults(service_provider_id, *g, ""))
        .collect();
    // Every hunt group's user is read for every block it uses, so an adopted system keeps its
    // routing (the groups say which hunt groups use which: `plan::fetch_all_blocks`).
    let opts = PlanOptions {
        prune: true,
        ..PlanOptions::default()
    };
    let current = plan::fetch_all_blocks(exec, &placeholders, &opts).await?;
    let mut out = Vec::new();
    for (key, state) in current.groups {
        if !state.exists {
            return Err(ExportError::Group {
                service_provider_id: key.service_provider_id,
                group_id: key.group_id,
                reason: state.error.unwrap_or_else(|| "not found".into()),
            });
        }
        out.extend(state.hunt_groups.into_values().map(|mut h| {
            h.blocks = h
                .blocks
                .as_deref()
                .and_then(crate::desired::services::for_export);
            h
        }));
    }
    Ok(out)
}

/// What an export reads: hunt groups of a service provider's groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// The service provider.
    pub service_provider_id: String,
    /// Its groups to read; empty = every group the server lists for the service provider.
    pub groups: Vec<String>,
}

/// Reads the groups `opts` names, or with none named every group the server lists for the
/// service provider. Returns the group ids read and their hunt groups (see [`fetch`]).
pub async fn read<E: Execute>(
    exec: &E,
    opts: &ExportOptions,
) -> Result<(Vec<String>, Vec<HuntGroup>), ExportError> {
    let groups = if opts.groups.is_empty() {
        list_groups(exec, &opts.service_provider_id).await?
    } else {
        opts.groups.clone()
    };
    let current = fetch(exec, &opts.service_provider_id, &groups).await?;
    Ok((groups, current))
}

/// Lists the ids of every group of `service_provider_id` (`GroupGetListInServiceProviderRequest`),
/// sorted and without duplicates, for an export that names no group.
pub async fn list_groups<E: Execute>(
    exec: &E,
    service_provider_id: &str,
) -> Result<Vec<String>, ExportError> {
    let command = "GroupGetListInServiceProviderRequest";
    let subject = service_provider_id.to_string();
    let mut results = exec
        .execute(vec![Request::GroupList {
            service_provider_id: service_provider_id.to_string(),
        }])
        .await;
    if results.len() != 1 {
        return Err(plan::FetchError::Count {
            expected: 1,
            got: results.len(),
        }
        .into());
    }
    match results.remove(0) {
        Ok(Response::GroupList(rows)) => {
            let ids: BTreeSet<String> = rows
                .into_iter()
                .map(|r| r.group_id)
                .filter(|id| !id.is_empty())
                .collect();
            Ok(ids.into_iter().collect())
        }
        Ok(Response::Error(e)) => Err(ExportError::Provider {
            service_provider_id: subject,
            reason: e.to_string(),
        }),
        Ok(other) => Err(plan::FetchError::Unexpected {
            command,
            subject,
            got: other.type_name(),
        }
        .into()),
        Err(failure) => Err(plan::FetchError::Failed {
            command,
            subject,
            failure,
        }
        .into()),
    }
}

/// The smallest desired state that reproduces a current hunt group: fields that are not set
/// on the server are left out (unmanaged) rather than written as `null`, and weights only
/// appear for Weighted groups. Default values are left out later, by the writers.
pub fn for_export(mut g: HuntGroup) -> HuntGroup {
    for d in table::FIELDS {
        let unset = matches!(d.get(&g), Field::Absent);
        // Write-only values are never read back: there is nothing to export.
        if unset || d.compare == table::Compare::WriteOnly {
            // Resetting to Unmanaged has the row's own type: it cannot fail.
            let _ = d.set(&mut g, Field::Unmanaged);
        }
    }
    if g.policy != Policy::Weighted {
        for a in &mut g.agents {
            a.weight = None;
        }
    }
    g
}

/// A hunt group that cannot be written as desired state, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The hunt group.
    pub service_user_id: String,
    /// The rules it breaks (e.g. "a hunt group needs at least one agent").
    pub reasons: Vec<String>,
}

/// Splits exported hunt groups into those the desired-state rules accept and those they do
/// not (BroadWorks can hold a hunt group without agents; a desired state cannot), so the
/// files written always load and `plan` leaves the skipped ones alone.
pub fn check(groups: Vec<HuntGroup>) -> (Vec<HuntGroup>, Vec<Skipped>) {
    let mut ok = Vec::with_capacity(groups.len());
    let mut skipped = Vec::new();
    for g in groups {
        match desired::validate(std::slice::from_ref(&g)) {
            Ok(()) => ok.push(g),
            Err(d) => {
                let mut reasons: Vec<String> = d
                    .items
                    .iter()
                    .filter(|i| i.is_error())
                    .map(|i| match &i.field {
                        Some(f) if !i.message.contains(f.as_str()) => {
                            format!("{f}: {}", i.message)
                        }
                        _ => i.message.clone(),
                    })
                    .collect();
                reasons.dedup();
                skipped.push(Skipped {
                    service_user_id: g.service_user_id,
                    reasons,
                });
            }
        }
    }
    (ok, skipped)
}

/// Writes hunt groups in `format`. `note` lines are added as YAML comments at the top (CSV has
/// no comments: the bulk-sheet format stays exactly the template's, so notes go elsewhere).
pub fn render(groups: &[HuntGroup], format: Format, note: &[String]) -> String {
    render_with(groups, format, note, &Lifecycle::default())
}

/// [`render`] with the `ignore:`, `renamedFrom:` and `protect:` of a loaded desired state
/// (`huntctl convert`; an export has none: what people change at run time is theirs to list).
pub fn render_with(
    groups: &[HuntGroup],
    format: Format,
    note: &[String],
    lc: &Lifecycle,
) -> String {
    desired::write_state(groups, lc, format == Format::Csv, note)
}

/// The format a file name asks for by its extension, if any.
pub fn format_of(path: &Path) -> Option<Format> {
    match desired::Format::of(&path.to_string_lossy())? {
        desired::Format::Yaml => Some(Format::Yaml),
        desired::Format::Csv => Some(Format::Csv),
    }
}

/// Where output goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// One file.
    File(PathBuf),
    /// One file per (service provider, group) in this directory.
    Dir(PathBuf),
}

impl Output {
    /// `-o PATH`: a directory when it exists as one or ends with `/`, else a file; no `-o`: stdout.
    pub fn from_arg(path: Option<&Path>) -> Output {
        match path {
            None => Output::Stdout,
            Some(p) if p.as_os_str() == "-" => Output::Stdout,
            Some(p) if p.is_dir() || ends_with_separator(p) => Output::Dir(p.to_path_buf()),
            Some(p) => Output::File(p.to_path_buf()),
        }
    }
}

fn ends_with_separator(p: &Path) -> bool {
    let s = p.to_string_lossy();
    s.ends_with('/') || s.ends_with(std::path::MAIN_SEPARATOR)
}

/// Keeps a file name portable: anything but letters, digits, `.`, `-` and `_` becomes `_`.
fn safe_name(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let t = t.trim_start_matches('.').to_string();
    if t.is_empty() {
        "group".into()
    } else {
        t
    }
}

/// Splits hunt groups into one file per (service provider, group), in first-seen order:
/// `GROUP.ext` when every hunt group has the same service provider, `SP__GROUP.ext` otherwise.
/// Names that would collide (after making them portable) get a numeric suffix.
pub fn split_files(groups: &[HuntGroup], format: Format) -> Vec<(String, Vec<HuntGroup>)> {
    // One pass with an index: a scan of every hunt group per group was O(groups × hunt
    // groups), 10^8 steps at 100,000 hunt groups in 1,000 groups.
    let mut keys: Vec<(&str, &str)> = Vec::new();
    let mut members: Vec<Vec<HuntGroup>> = Vec::new();
    let mut index: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    for g in groups {
        let k = (g.service_provider_id.as_str(), g.group_id.as_str());
        let i = *index.entry(k).or_insert_with(|| {
            keys.push(k);
            members.push(Vec::new());
            keys.len() - 1
        });
        members[i].push(g.clone());
    }
    let one_sp = keys
        .iter()
        .all(|(sp, _)| Some(*sp) == keys.first().map(|k| k.0));
    let mut used: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(keys.len());
    for ((sp, grp), members) in keys.into_iter().zip(members) {
        let base = if one_sp {
            safe_name(grp)
        } else {
            format!("{}__{}", safe_name(sp), safe_name(grp))
        };
        let mut name = format!("{base}.{}", format.extension());
        let mut n = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{base}-{n}.{}", format.extension());
            n += 1;
        }
        out.push((name, members));
    }
    out
}

/// Writes `groups` to `output`; returns the files written (none for stdout).
/// Refuses a file whose extension names the other format, so `-o x.csv` never holds YAML.
pub fn write_output(
    groups: &[HuntGroup],
    format: Format,
    note: &[String],
    output: &Output,
) -> Result<Vec<PathBuf>, String> {
    write_output_with(groups, format, note, output, &Lifecycle::default())
}

/// [`write_output`] with the lifecycle rules of a loaded desired state ([`render_with`]).
pub fn write_output_with(
    groups: &[HuntGroup],
    format: Format,
    note: &[String],
    output: &Output,
    lc: &Lifecycle,
) -> Result<Vec<PathBuf>, String> {
    let render = |groups: &[HuntGroup], format: Format, note: &[String]| {
        render_with(groups, format, note, lc)
    };
    match output {
        Output::Stdout => {
            use std::io::Write;
            let text = render(groups, format, note);
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))?;
            Ok(Vec::new())
        }
        Output::File(path) => {
            if let Some(f) = format_of(path) {
                if f != format {
                    return Err(format!(
                        "{} ends in .{} but the format is {}: choose the format with --format/--to {}",
                        path.display(),
                        f.extension(),
                        format.extension(),
                        f.extension()
                    ));
                }
            }
            write_file(path, &render(groups, format, note))?;
            Ok(vec![path.clone()])
        }
        Output::Dir(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let mut written = Vec::new();
            for (name, members) in split_files(groups, format) {
                let path = dir.join(name);
                write_file(&path, &render(&members, format, note))?;
                written.push(path);
            }
            Ok(written)
        }
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Agent;

    #[test]
    fn absent_fields_become_unmanaged_and_weights_only_for_weighted() {
        let mut g = HuntGroup::with_defaults("SP", "G", "hg@x.com");
        let optional: Vec<&table::FieldDef> = table::FIELDS
            .iter()
            .filter(|d| d.presence == table::Presence::Optional)
            .collect();
        assert!(optional.len() > 5);
        for d in &optional {
            d.set(&mut g, Field::Absent).unwrap();
        }
        g.service_instance_profile.extension = Field::Value("0100".into());
        g.agents = vec![Agent {
            user_id: "a@x.com".into(),
            weight: Some(3),
        }];
        let e = for_export(g.clone());
        for d in optional.iter().filter(|d| d.key() != "extension") {
            assert_eq!(d.get(&e), Field::Unmanaged, "{}", d.path);
        }
        assert_eq!(
            e.service_instance_profile.extension,
            Field::Value("0100".into())
        );
        assert_eq!(e.agents[0].weight, None);
        g.policy = Policy::Weighted;
        assert_eq!(for_export(g).agents[0].weight, Some(3));
    }

    #[test]
    fn split_names_are_portable_and_unique() {
        let a = HuntGroup::with_defaults("SP", "Sales/EU", "a@x.com");
        let b = HuntGroup::with_defaults("SP", "Sales EU", "b@x.com");
        let c = HuntGroup::with_defaults("SP", "Sales/EU", "c@x.com");
        let files = split_files(&[a, b, c], Format::Csv);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Sales_EU.csv", "Sales_EU-2.csv"]);
        assert_eq!(files[0].1.len(), 2);
        let d = HuntGroup::with_defaults("Other", "G", "d@x.com");
        let e = HuntGroup::with_defaults("SP", "G", "e@x.com");
        let names: Vec<String> = split_files(&[d, e], Format::Yaml)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["Other__G.yaml", "SP__G.yaml"]);
    }

    #[test]
    fn output_kinds() {
        assert_eq!(Output::from_arg(None), Output::Stdout);
        assert_eq!(Output::from_arg(Some(Path::new("-"))), Output::Stdout);
        assert_eq!(
            Output::from_arg(Some(Path::new("out/"))),
            Output::Dir("out/".into())
        );
        assert_eq!(
            Output::from_arg(Some(Path::new("x.yaml"))),
            Output::File("x.yaml".into())
        );
        let err = write_output(
            &[],
            Format::Yaml,
            &[],
            &Output::File("/nonexistent-dir-huntctl/x.csv".into()),
        );
        assert!(err.is_err_and(|e| e.contains("--format/--to csv")));
    }
}
