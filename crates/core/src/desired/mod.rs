//! Loading desired state from YAML and CSV files, with defaults and validation.
//!
//! ```no_run
//! use huntctl_core::desired;
//! let state = desired::load_paths(&["examples/huntgroups".into()]).map_err(|d| d.render(false));
//! ```
//!
//! Every file is read into format-neutral raw groups ([`raw`]), typed and checked by one
//! builder ([`validate::build`]), then checked across files (the same serviceUserId twice). All
//! problems of all files are returned together as [`Diagnostics`].

mod code;
mod csv;
mod data;
pub mod diagnostics;
mod lifecycle;
pub mod locate;
pub mod raw;
mod redact;
mod schema;
pub mod secret_ref;
pub mod services;
pub mod validate;
mod yaml;
mod yaml_tree;

pub use data::load_data;
pub use diagnostics::{Diagnostic, DiagnosticCode, Diagnostics, Location, Severity};
pub use schema::json_schema;

use crate::model::HuntGroup;
use diagnostics::line_col;
use miette::NamedSource;
use raw::Loc;
use secret_ref::SecretCheck;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use validate::Pending;

/// Hunt groups loaded from desired-state files: defaults applied, every rule checked.
#[derive(Debug, Clone, Default)]
pub struct DesiredState {
    /// The hunt groups, in file order (files sorted within a directory).
    pub hunt_groups: Vec<HuntGroup>,
    /// How many files were read.
    pub files: usize,
    /// Problems that did not stop the load (e.g. a skipped type-hint row).
    pub warnings: Vec<Diagnostic>,
    /// The files and directories it was loaded from (empty for text and data): a plan records
    /// them to locate its refusals and to read a saved plan's passwords again.
    pub sources: Vec<PathBuf>,
    /// The data it was loaded from ([`load_data`]: its name and value), to locate values in.
    data: Option<Arc<(String, serde_json::Value)>>,
    /// `ignore:`, `renamedFrom:` and `protect:`, and which hunt groups' agents control their
    /// group busy ([`crate::plan::lifecycle`]).
    pub lifecycle: crate::plan::Lifecycle,
}

impl DesiredState {
    /// Where the values of the hunt groups `ids` were written: file:line:col (CSV row and
    /// column) in the files it was loaded from, or key paths in the data. Reads the files
    /// again, so it costs nothing until asked.
    pub fn locate(&self, ids: &[&str]) -> locate::SourceMap {
        match &self.data {
            Some(d) => data::locate_data(&d.0, &d.1, ids),
            None => locate::locate(&self.sources, ids),
        }
    }

    /// The one-line summary `validate` prints: `3 hunt groups in 2 files are valid`.
    pub fn summary(&self) -> String {
        let n = self.hunt_groups.len();
        format!(
            "{n} hunt group{} in {} file{} {} valid",
            if n == 1 { "" } else { "s" },
            self.files,
            if self.files == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
        )
    }
}

/// The file formats huntctl reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `*.yaml`, `*.yml`.
    Yaml,
    /// `*.csv`.
    Csv,
}

impl Format {
    /// The format of a file name, by extension (any case).
    pub fn of(name: &str) -> Option<Format> {
        let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// One input file during a load.
struct FileCtx {
    name: String,
    path: Option<PathBuf>,
    source: Option<Arc<NamedSource<String>>>,
    headers: Vec<String>,
}

impl FileCtx {
    fn text(&self) -> Option<&str> {
        self.source.as_ref().map(|s| s.inner().as_str())
    }

    /// Loads the text for snippets when a streamed CSV turns out to have problems.
    fn ensure_source(&mut self) {
        if self.source.is_some() {
            return;
        }
        if let Some(p) = &self.path {
            if let Ok(bytes) = std::fs::read(p) {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                self.source = Some(diagnostics::snippet_source(
                    &self.name,
                    redact::mask_passwords(&self.name, text),
                ));
            }
        }
    }

    fn resolve(&self, loc: Loc) -> Location {
        let mut l = Location {
            file: self.name.clone(),
            ..Location::default()
        };
        let text = self.text();
        let span = match loc {
            Loc::File => None,
            Loc::Span { start, end } => Some((start, end)),
            Loc::Cell { byte, row, col } => {
                l.row = Some(row as usize);
                l.column_header = self.headers.get(col as usize).cloned();
                text.and_then(|t| csv::cell_span(t, byte as usize, col as usize))
            }
            Loc::Row { byte, row } => {
                l.row = Some(row as usize);
                text.map(|t| csv::row_span(t, byte as usize))
            }
        };
        if let (Some((s, e)), Some(t)) = (span, text) {
            let (line, column) = line_col(t, s);
            l.line = line;
            l.column = column;
            l.span = Some((s, e.saturating_sub(s)));
        } else if let Loc::Row { row, .. } | Loc::Cell { row, .. } = loc {
            // Without the text, the row is the best line we have.
            l.line = row as usize;
        }
        l
    }
}

/// Everything gathered while loading, before diagnostics are resolved.
#[derive(Default)]
struct Loader {
    files: Vec<FileCtx>,
    pending: Vec<(usize, Pending)>,
    groups: Vec<HuntGroup>,
    origins: Vec<(usize, Loc)>,
    /// Locate mode ([`locate::locate`]): keep the field locations of some hunt groups.
    capture: Option<locate::Capture>,
    /// (index in `groups`, what it says beyond its fields), for the hunt groups that say any.
    metas: Vec<(usize, lifecycle::GroupMeta)>,
    /// `protect:` patterns: (file, pattern, where).
    protect: Vec<(usize, String, Loc)>,
}

impl Loader {
    fn add_file(&mut self, name: String, path: Option<PathBuf>) -> usize {
        self.files.push(FileCtx {
            name,
            path,
            source: None,
            headers: Vec::new(),
        });
        self.files.len() - 1
    }

    fn error(&mut self, file: usize, p: Pending) {
        self.pending.push((file, p));
    }

    fn load_yaml(&mut self, file: usize, text: String) {
        let load = yaml::read(&text);
        let name = &self.files[file].name;
        self.files[file].source = Some(diagnostics::snippet_source(
            name,
            redact::mask_yaml(text, &load.secrets),
        ));
        let mut out = load.pending;
        for (pattern, loc) in lifecycle::read_protect(&load.protect, &mut out) {
            self.protect.push((file, pattern, loc));
        }
        let mut secrets = SecretCheck::for_file(self.files[file].path.as_deref());
        // Each raw group's text is moved into its hunt group, and the rest freed as it goes.
        for mut raw in load.groups {
            let built = validate::build_taking(&mut raw, &mut out);
            let meta = lifecycle::read_group(&raw, built.as_ref(), &mut out);
            if let Some(g) =
                built.and_then(|mut g| secrets.settle(&mut g, &raw, &mut out).then_some(g))
            {
                if let Some(m) = meta {
                    self.metas.push((self.groups.len(), m));
                }
                // Locations stay in the raw group when its text is taken.
                if let Some(c) = self.capture.as_mut() {
                    c.offer(file, &g, &raw);
                }
                let loc = raw.origin();
                self.groups.push(g);
                self.origins.push((file, loc));
            }
        }
        self.pending.extend(out.into_iter().map(|p| (file, p)));
    }

    fn load_csv(&mut self, file: usize, input: impl std::io::BufRead, size: usize) {
        let mut sink = csv::Sink {
            groups: &mut self.groups,
            origins: &mut self.origins,
            metas: &mut self.metas,
            file,
            capture: self.capture.as_mut(),
            secrets: SecretCheck::for_file(self.files[file].path.as_deref()),
        };
        let load = csv::read(input, size, &mut sink);
        self.files[file].headers = load.headers;
        self.pending
            .extend(load.pending.into_iter().map(|p| (file, p)));
    }

    fn load_str(&mut self, name: &str, text: &str) {
        let file = self.add_file(name.to_string(), None);
        match Format::of(name) {
            Some(Format::Yaml) => self.load_yaml(file, text.to_string()),
            Some(Format::Csv) => {
                self.files[file].source = Some(diagnostics::snippet_source(
                    name,
                    redact::mask_passwords(name, text.to_string()),
                ));
                self.load_csv(file, text.as_bytes(), text.len());
            }
            None => self.error(file, unsupported(name)),
        }
    }

    fn load_file(&mut self, path: &Path) {
        let name = path.display().to_string();
        let file = self.add_file(name.clone(), Some(path.to_path_buf()));
        match Format::of(&name) {
            Some(Format::Yaml) => match std::fs::read(path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => self.load_yaml(file, text),
                    Err(_) => self.error(
                        file,
                        Pending::error(
                            DiagnosticCode::NotUtf8,
                            Loc::File,
                            "this file is not UTF-8",
                        )
                        .help("save it as UTF-8"),
                    ),
                },
                Err(e) => self.error(file, cannot_read(&e)),
            },
            Some(Format::Csv) => match std::fs::File::open(path) {
                Ok(f) => {
                    let size = f.metadata().map(|m| m.len() as usize).unwrap_or(0);
                    self.load_csv(file, std::io::BufReader::with_capacity(1 << 16, f), size);
                }
                Err(e) => self.error(file, cannot_read(&e)),
            },
            None => self.error(file, unsupported(&name)),
        }
    }

    fn load_path(&mut self, path: &Path) {
        if !path.is_dir() {
            if !path.exists() {
                let file = self.add_file(path.display().to_string(), None);
                self.error(
                    file,
                    Pending::error(
                        DiagnosticCode::NotFound,
                        Loc::File,
                        "no such file or directory",
                    ),
                );
                return;
            }
            self.load_file(path);
            return;
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && Format::of(&p.to_string_lossy()).is_some())
                .collect(),
            Err(e) => {
                let file = self.add_file(path.display().to_string(), None);
                self.error(file, cannot_read(&e));
                return;
            }
        };
        entries.sort();
        if entries.is_empty() {
            let file = self.add_file(path.display().to_string(), None);
            self.error(
                file,
                Pending::error(
                    DiagnosticCode::NoFiles,
                    Loc::File,
                    "this directory has no *.yaml, *.yml or *.csv files",
                )
                .help("directories are not searched recursively: name subdirectories explicitly"),
            );
        }
        for p in entries {
            self.load_file(&p);
        }
    }

    fn check_duplicates(&mut self) {
        // Sort indices by id instead of hashing copies of 100,000 ids: a few hundred KB.
        // User ids compare case-insensitively (ASCII, as BroadWorks ids are).
        let key = |i: u32| {
            self.groups[i as usize]
                .service_user_id
                .bytes()
                .map(|b| b.to_ascii_lowercase())
        };
        let mut order: Vec<u32> = (0..self.groups.len() as u32).collect();
        // Stable: within equal ids the first definition comes first.
        order.sort_by(|&a, &b| key(a).cmp(key(b)));
        let mut found = Vec::new();
        let mut run_start = 0;
        for k in 1..order.len() {
            if key(order[k]).eq(key(order[run_start])) {
                found.push((order[run_start] as usize, order[k] as usize));
            } else {
                run_start = k;
            }
        }
        // Report in file order.
        found.sort_by_key(|&(_, second)| second);
        for (j, i) in found {
            let (f1, l1) = self.origins[j];
            let (f2, l2) = self.origins[i];
            let mut p = Pending::error(
                DiagnosticCode::DuplicateHuntGroup,
                l2,
                format!(
                    "hunt group {} is defined twice",
                    self.groups[i].service_user_id
                ),
            )
            .field("serviceUserId")
            .label("defined again here")
            .help("a serviceUserId identifies one hunt group: keep one definition");
            p.related.push((Some(f1), l1, "first defined here".into()));
            self.pending.push((f2, p));
        }
    }

    fn finish(mut self) -> Result<DesiredState, Diagnostics> {
        self.check_duplicates();
        let origins = &self.origins;
        lifecycle::check_renames(
            &self.groups,
            &self.metas,
            &|i| origins[i],
            &mut self.pending,
        );
        let mut touched: Vec<usize> = self.pending.iter().map(|(f, _)| *f).collect();
        for (_, p) in &self.pending {
            touched.extend(p.related.iter().filter_map(|(f, _, _)| *f));
        }
        touched.sort_unstable();
        touched.dedup();
        for f in touched {
            self.files[f].ensure_source();
        }
        // Diagnostics in file order, then in the order they were found.
        self.pending.sort_by_key(|(f, _)| *f);
        let items: Vec<Diagnostic> = self
            .pending
            .iter()
            .map(|(f, p)| {
                let ctx = &self.files[*f];
                let mut d = Diagnostic::new(p.severity, p.code, p.message.clone())
                    .at(ctx.resolve(p.loc), ctx.source.clone());
                d.field.clone_from(&p.field);
                d.label.clone_from(&p.label);
                d.help.clone_from(&p.help);
                for (rf, rl, what) in &p.related {
                    let rctx = &self.files[rf.unwrap_or(*f)];
                    d = d.with_related(what.clone(), rctx.resolve(*rl), rctx.source.clone());
                }
                d
            })
            .collect();
        let files = self
            .files
            .iter()
            .filter(|f| f.path.is_some() || f.source.is_some())
            .count();
        if items.iter().any(Diagnostic::is_error) {
            return Err(Diagnostics { items });
        }
        let lifecycle = self.lifecycle();
        Ok(DesiredState {
            hunt_groups: self.groups,
            files,
            warnings: items,
            sources: Vec::new(),
            data: None,
            lifecycle,
        })
    }

    /// The lifecycle rules gathered, their places resolved to `file:line:col`.
    fn lifecycle(&self) -> crate::plan::Lifecycle {
        use crate::plan::lifecycle::{Protect, Rename};
        let mut l = crate::plan::Lifecycle::default();
        for (i, m) in &self.metas {
            let id = &self.groups[*i].service_user_id;
            l.ignore(id, m.ignore.clone());
            if m.members_busy {
                l.members_control_group_busy(id);
            }
            if let Some((from, loc)) = &m.renamed_from {
                let file = self.origins[*i].0;
                let location = Some(self.files[file].resolve(*loc).to_string());
                l.rename(
                    id,
                    Rename {
                        from: from.clone(),
                        location,
                    },
                );
            }
        }
        for (file, pattern, loc) in &self.protect {
            l.protect(Protect {
                pattern: pattern.clone(),
                location: self.files[*file].resolve(*loc).to_string(),
            });
        }
        l
    }
}

fn unsupported(name: &str) -> Pending {
    Pending::error(
        DiagnosticCode::UnsupportedFile,
        Loc::File,
        format!("cannot tell the format of {name}"),
    )
    .help("desired-state files end in .yaml, .yml or .csv")
}

fn cannot_read(e: &std::io::Error) -> Pending {
    Pending::error(
        DiagnosticCode::CannotRead,
        Loc::File,
        format!("cannot read: {e}"),
    )
}

/// Loads files and directories (all `*.yaml`, `*.yml`, `*.csv` directly inside, sorted).
/// Returns every problem of every file when anything is wrong.
pub fn load_paths(paths: &[PathBuf]) -> Result<DesiredState, Diagnostics> {
    let mut l = Loader::default();
    for p in paths {
        l.load_path(p);
    }
    let mut state = l.finish()?;
    state.sources = paths.to_vec();
    Ok(state)
}

/// Loads one document given as text; `name`'s extension selects YAML or CSV.
pub fn load_str(name: &str, text: &str) -> Result<DesiredState, Diagnostics> {
    let mut l = Loader::default();
    l.load_str(name, text);
    l.finish()
}

/// Loads several named documents together (so duplicates across them are found).
pub fn load_strs(docs: &[(&str, &str)]) -> Result<DesiredState, Diagnostics> {
    let mut l = Loader::default();
    for (name, text) in docs {
        l.load_str(name, text);
    }
    l.finish()
}

/// Checks hunt groups built in code (the reference page's "create from data") with the same
/// rules as files. Diagnostics name the hunt group by its position and serviceUserId.
pub fn validate(groups: &[HuntGroup]) -> Result<(), Diagnostics> {
    let mut l = Loader::default();
    for (i, g) in groups.iter().enumerate() {
        let file = l.add_file(
            format!("hunt group #{} ({})", i + 1, g.service_user_id),
            None,
        );
        let raw = raw_from_group(g);
        let mut out = Vec::new();
        if let Some(built) = validate::build(&raw, &mut out) {
            l.groups.push(built);
            l.origins.push((file, Loc::File));
        }
        l.pending.extend(out.into_iter().map(|p| (file, p)));
    }
    l.finish().map(|_| ())
}

/// The raw form of a built hunt group, so that [`validate`] runs the one set of rules.
fn raw_from_group(g: &HuntGroup) -> raw::RawGroup {
    use crate::model::table::{ValueRef, FIELDS};
    use crate::model::Field;
    use raw::{ListVal, Raw, RawAgent, RawDepartment, RawGroup, Val};
    let val = |raw: Raw| Val {
        raw,
        loc: Loc::File,
    };
    let text = |s: &str| val(Raw::Str(s.to_string()));
    let num = |n: u32| {
        val(Raw::Number {
            text: n.to_string(),
            int: Some(i64::from(n)),
        })
    };
    let mut raw = RawGroup {
        loc: Loc::File,
        ..RawGroup::default()
    };
    for (ix, d) in FIELDS.iter().enumerate() {
        let v = match d.get(g) {
            Field::Unmanaged => continue,
            Field::Absent if d.ty == crate::model::table::Ty::Department => {
                raw.department = Some(RawDepartment {
                    name: Some(val(Raw::Null)),
                    enterprise: None,
                    mapping: false,
                    loc: Loc::File,
                });
                continue;
            }
            Field::Absent => {
                raw.values.push((ix, val(Raw::Null)));
                continue;
            }
            Field::Value(v) => v,
        };
        let scalar = match v {
            ValueRef::Text(s) => text(s),
            ValueRef::Password(s) => text(s.expose()),
            ValueRef::Bool(b) => val(Raw::Bool(b)),
            ValueRef::Int(n) => num(n),
            ValueRef::Policy(p) => text(p.as_str()),
            ValueRef::Aliases(a) => {
                raw.alias = Some(ListVal::Items(
                    a.iter().map(|a| text(a)).collect(),
                    Loc::File,
                ));
                continue;
            }
            ValueRef::Agents(agents) => {
                raw.agents = Some(ListVal::Items(
                    agents
                        .iter()
                        .map(|a| RawAgent {
                            user_id: Some(text(&a.user_id)),
                            weight: a.weight.map(|w| num(u32::from(w))),
                            loc: Loc::File,
                        })
                        .collect(),
                    Loc::File,
                ));
                continue;
            }
            ValueRef::Department(dep) => {
                raw.department = Some(RawDepartment {
                    name: Some(text(&dep.name)),
                    enterprise: Some(val(Raw::Bool(dep.enterprise))),
                    mapping: true,
                    loc: Loc::File,
                });
                continue;
            }
        };
        raw.values.push((ix, scalar));
    }
    raw
}

/// Writes hunt groups as desired-state YAML: `defaults:` holds serviceProviderId and groupId
/// when they are shared, values equal to the documented defaults and unmanaged fields are left
/// out, absent fields are written as `null`, passwords never.
pub fn to_yaml(groups: &[HuntGroup]) -> String {
    yaml::write(groups)
}

/// [`to_yaml`] under other comment lines (`#` added to each line) instead of the usual header,
/// e.g. the notes of an export ([`crate::export`]).
pub fn to_yaml_with_header<S: AsRef<str>>(groups: &[HuntGroup], header: &[S]) -> String {
    yaml::write_with_header(groups, header)
}

/// Writes hunt groups back, as YAML (under `header` comment lines) or CSV, with its
/// `ignore:`, `renamedFrom:` and (YAML only: CSV has no place for them) `protect:`:
/// `huntctl convert`.
pub fn write_state<S: AsRef<str>>(
    groups: &[HuntGroup],
    lifecycle: &crate::plan::Lifecycle,
    csv: bool,
    header: &[S],
) -> String {
    if csv {
        csv::write_all(groups, lifecycle)
    } else {
        yaml::write_all(groups, header, lifecycle)
    }
}

/// The comment lines [`to_yaml`] starts with.
pub const YAML_HEADER: [&str; 2] = yaml::HEADER;

/// Writes hunt groups in the reference bulk-sheet CSV format: the template's columns in its
/// order (`operation`, `serviceInstanceProfile.alias[N]`, `agentUserId[N]`), then
/// `agentWeight[N]` when any weight is set, then the fields the template lacks (department,
/// isActive, …) when any hunt group holds a value other than the default. Passwords are never
/// written.
pub fn to_csv(groups: &[HuntGroup]) -> String {
    csv::write(groups)
}
