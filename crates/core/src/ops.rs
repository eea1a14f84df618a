//! The operations, once for every front end: [`validate()`], [`plan()`] (with pre-flight),
//! [`apply()`] (safety check, writes, undo), [`apply_saved`] (stale check, then [`apply()`]) and
//! [`export()`], each with one options struct.
//!
//! The command line and the Python package only turn their arguments into these structs and the
//! results into output: a behaviour one front end has and another lacks would be a bug here.
//! The operations are async over any [`Execute`] (the session pool, or a fake in tests);
//! [`runtime`] builds the one runtime the blocking front ends run them on.
//!
//! The CLI needs to act between the steps of an apply (show the plan, ask for confirmation),
//! so the steps are public too — [`verify_saved`], [`apply::check_safety`] — and the composed
//! operations call exactly those.

use crate::apply::{self, undo, GroupResult, Report, SafetyError};
use crate::desired::{self, DesiredState, Diagnostics};
use crate::export::{self as exp, ExportError, Skipped};
use crate::model::HuntGroup;
use crate::ocip::Execute;
use crate::plan::{self, preflight, Drift, FetchError, Plan, PlanFileError, Staleness, Summary};
use serde_json::{json, Value};
use std::path::PathBuf;

pub use crate::apply::{undo::UndoTarget, ApplyOptions};
pub use crate::export::ExportOptions;
pub use crate::plan::PlanOptions;

/// Why an operation stopped. Each says what is wrong in the library's terms; a front end may
/// add how to fix it with its own means (a flag, a keyword argument).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The desired state is not valid; nothing was sent.
    #[error("the desired state is not valid ({} error(s)): nothing was sent to the server", .0.error_count())]
    Invalid(Diagnostics),
    /// Reading the current state failed; nothing was written.
    #[error("cannot read the current state: {0}")]
    Read(#[from] FetchError),
    /// The plan was refused before anything was sent (a protected hunt group, the delete or
    /// update threshold).
    #[error(transparent)]
    Refused(#[from] SafetyError),
    /// The hunt groups a saved plan covers changed on the server since it was made; when the
    /// plan says what it expects (undo plans), which hunt groups and fields.
    #[error(
        "the plan is stale: the hunt groups it covers changed on the server since it was made{}",
        drift_text(.0)
    )]
    Stale(Vec<Drift>),
    /// A saved plan could not be read.
    #[error(transparent)]
    SavedPlan(#[from] PlanFileError),
    /// A saved plan creates hunt groups with a password (never saved) that its desired-state
    /// files no longer hold.
    #[error(
        "the plan creates {} with a password, which saved plans never hold, and {} do not hold it",
        .ids.join(", "),
        if .sources.is_empty() { "its desired-state files (none recorded)".to_string() }
        else { .sources.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ") }
    )]
    SecretsMissing {
        /// The hunt groups without their password.
        ids: Vec<String>,
        /// Where the plan says it came from.
        sources: Vec<PathBuf>,
    },
    /// A password's secret reference could not be read when the write needing it was about
    /// to be sent (it could be at load time): nothing was written.
    #[error("cannot read the password of {id}: {message}: nothing was written")]
    SecretUnreadable {
        /// The hunt group.
        id: String,
        /// Why (names the variable or file, never a value).
        message: String,
    },
    /// Export could not read the groups.
    #[error(transparent)]
    Export(#[from] ExportError),
}

fn drift_text(drift: &[Drift]) -> String {
    if drift.is_empty() {
        return String::new();
    }
    let all: Vec<String> = drift.iter().map(ToString::to_string).collect();
    format!(" ({})", all.join("; "))
}

/// Where desired state comes from: files and directories, or data in memory (the reference
/// page's dicts, as JSON values).
#[derive(Debug, Clone)]
pub enum Source {
    /// `*.yaml`, `*.yml` and `*.csv` files, or directories of them.
    Paths(Vec<PathBuf>),
    /// Data named `name` in diagnostics (`name[0].service_instance_profile.extension`).
    Data {
        /// How diagnostics name the data.
        name: String,
        /// A list of hunt groups, or a `defaults` / `huntGroups` mapping.
        value: Value,
    },
}

impl Source {
    /// Loads and checks it: defaults applied, every rule checked, nothing sent anywhere.
    pub fn load(&self) -> Result<DesiredState, Diagnostics> {
        match self {
            Source::Paths(p) => desired::load_paths(p),
            Source::Data { name, value } => desired::load_data(name, value),
        }
    }

    /// The files, when it is files (recorded in plans: refusals are located in them, and a
    /// saved plan's passwords are read again from them).
    pub fn paths(&self) -> &[PathBuf] {
        match self {
            Source::Paths(p) => p,
            Source::Data { .. } => &[],
        }
    }
}

/// What [`validate`] checks.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// The desired state.
    pub source: Source,
}

/// The outcome of [`validate`]: the loaded state, or every problem found.
#[derive(Debug, Clone)]
pub struct Validation(pub Result<DesiredState, Diagnostics>);

impl Validation {
    /// True when there is no error (warnings may remain).
    pub fn is_valid(&self) -> bool {
        self.0.is_ok()
    }

    /// The document `huntctl validate --format json` prints and Python's `validate()` reads:
    /// `valid`, `errors`, `warnings`, `diagnostics`, and when valid `huntGroups`, `files` and
    /// `summary`.
    pub fn to_json(&self) -> Value {
        match &self.0 {
            Ok(state) => {
                let mut doc = desired::diagnostics::to_json(&state.warnings);
                if let Some(o) = doc.as_object_mut() {
                    o.insert("huntGroups".into(), state.hunt_groups.len().into());
                    o.insert("files".into(), state.files.into());
                    o.insert("summary".into(), state.summary().into());
                }
                doc
            }
            Err(d) => d.to_json(),
        }
    }
}

/// Loads and checks desired state offline: `huntctl validate`.
pub fn validate(opts: &ValidateOptions) -> Validation {
    Validation(opts.source.load())
}

/// Reads the current state of everything `desired` names (with the pre-flight reads unless
/// `opts.preflight` is off), diffs by the desired state's lifecycle rules (ignored fields,
/// renames) and `opts`' `--ignore`, predicts the server's refusals and locates each where it
/// was written (file:line:col, when the state came from files). Refused when it would delete
/// a protected hunt group. Nothing is written: `huntctl plan`.
pub async fn plan<E: Execute>(
    exec: &E,
    desired: &DesiredState,
    opts: &PlanOptions,
) -> Result<Plan, Error> {
    let opts = PlanOptions {
        lifecycle: opts.lifecycle.with_desired(&desired.lifecycle),
        ..opts.clone()
    };
    let mut plan = preflight::read_and_plan(exec, &desired.hunt_groups, &opts).await?;
    plan.sources = desired.sources.clone();
    preflight::locate_refusals(&mut plan.refusals, desired);
    // A plan that would delete a protected hunt group is refused as a whole, whatever
    // --prune and --force say: nothing of it is shown as if it could be applied.
    apply::check_protected(&plan)?;
    Ok(plan)
}

/// Puts back the passwords of a saved plan's creates (saved plans never hold them) from the
/// desired-state files it was made from. Nothing is sent; a no-op when none is missing.
pub fn restore_secrets(plan: &mut Plan) -> Result<(), Error> {
    if plan.missing_secrets().is_empty() {
        return Ok(());
    }
    let desired = desired::load_paths(&plan.sources).map_err(Error::Invalid)?;
    let ids = plan.restore_secrets(&desired.hunt_groups);
    if !ids.is_empty() {
        return Err(Error::SecretsMissing {
            ids,
            sources: plan.sources.clone(),
        });
    }
    Ok(())
}

/// The plan with the secret references its creates send read ([`desired::secret_ref::read`]),
/// or `None` when it has none to read.
fn read_secrets(plan: &Plan) -> Result<Option<Plan>, Error> {
    let unread = |c: &plan::Change| {
        c.after
            .as_ref()
            .and_then(|a| a.service_instance_profile.password.as_ref())
            .is_some_and(|p| !p.is_resolved())
    };
    if !plan.changes.iter().any(unread) {
        return Ok(None);
    }
    let mut out = plan.clone();
    for c in out.changes.iter_mut().filter(|c| unread(c)) {
        let Some(p) = c
            .after
            .as_mut()
            .map(|a| &mut a.service_instance_profile.password)
        else {
            continue;
        };
        if let Some(secret) = p.as_ref() {
            let value =
                desired::secret_ref::read(secret).map_err(|message| Error::SecretUnreadable {
                    id: c.service_user_id.clone(),
                    message,
                })?;
            *p = Some(value);
        }
    }
    Ok(Some(out))
}

/// Checks a plan made earlier before it is applied: [`restore_secrets`], then reads again
/// what the plan read and refuses it with [`Error::Stale`] when the server has moved since.
pub async fn verify_saved<E: Execute>(exec: &E, plan: &mut Plan) -> Result<(), Error> {
    restore_secrets(plan)?;
    let current = plan::fetch_plan_scope(exec, plan).await?;
    match plan.staleness(&current) {
        Staleness::Fresh => Ok(()),
        Staleness::Fingerprint => Err(Error::Stale(Vec::new())),
        Staleness::Drift(d) => Err(Error::Stale(d)),
    }
}

/// What became of the undo plan of an apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Undo {
    /// The apply changed nothing (or undo was off): there is nothing to undo.
    None,
    /// Saved.
    Saved {
        /// The file.
        path: PathBuf,
        /// Its changes, per action.
        summary: Summary,
        /// How many changes it holds.
        changes: usize,
        /// True when applying it needs the delete threshold lifted (it deletes many).
        needs_force: bool,
        /// What it cannot put back (a deleted hunt group's password), one sentence each.
        cannot_restore: Vec<String>,
    },
    /// It could not be made or saved; the apply itself is done.
    Failed(String),
}

impl Undo {
    /// The undo part of the JSON report: `null`, or `path`, `changes`, `summary`,
    /// `needsForce`, `cannotRestore`, or `error`.
    pub fn to_json(&self) -> Value {
        match self {
            Undo::None => Value::Null,
            Undo::Saved {
                path,
                summary,
                changes,
                needs_force,
                cannot_restore,
            } => json!({
                "path": path.display().to_string(),
                "changes": changes,
                "summary": {"create": summary.create, "update": summary.update, "delete": summary.delete},
                "needsForce": needs_force,
                "cannotRestore": cannot_restore,
            }),
            Undo::Failed(e) => json!({ "error": e }),
        }
    }
}

/// What [`apply()`] did: a result per hunt group, and the undo plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// One result per hunt group of the plan.
    pub report: Report,
    /// The plan that reverses it.
    pub undo: Undo,
}

impl Applied {
    /// The JSON report (`--report FILE`, `--format json`, Python's `apply()`): the report's
    /// document with `undo` added.
    pub fn to_json_value(&self) -> Value {
        let mut doc = self.report.to_json_value();
        if let Some(o) = doc.as_object_mut() {
            o.insert("undo".into(), self.undo.to_json());
        }
        doc
    }

    /// [`Applied::to_json_value`] as pretty text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }

    /// An apply of a plan without changes: nothing sent, nothing to undo.
    pub fn nothing() -> Applied {
        Applied {
            report: Report {
                results: Vec::new(),
                started: std::time::SystemTime::now(),
                duration: std::time::Duration::ZERO,
            },
            undo: Undo::None,
        }
    }
}

/// Carries out a plan made on this server: refuses it when it deletes past the threshold
/// ([`apply::check_safety`]), sends every write (a change pre-flight predicted the server to
/// refuse is not sent: it is reported failed with the predicted code), and saves the undo plan.
/// One hunt group's failure never stops the others. `on_result` sees each hunt group as it
/// finishes: `huntctl apply`.
pub async fn apply<E: Execute>(
    exec: &E,
    plan: &Plan,
    opts: &ApplyOptions,
    on_result: &(dyn Fn(&GroupResult) + Sync),
) -> Result<Applied, Error> {
    apply::check_safety(plan, opts)?;
    // Secret references are read now, when a write needs them, into a copy of the plan that
    // lives only as long as the writes.
    let read = read_secrets(plan)?;
    let with_secrets = read.as_ref().unwrap_or(plan);
    // A plan without changes sends nothing, and reports every hunt group unchanged.
    let report = apply::apply(exec, with_secrets, on_result).await;
    drop(read);
    // Made from the plan and the report alone: no read after the writes.
    let undo = save_undo(plan, &report, &opts.undo);
    Ok(Applied { report, undo })
}

/// Carries out a plan made earlier (saved, or on another connection): [`verify_saved`], then
/// [`apply()`]: `huntctl apply --plan FILE`.
pub async fn apply_saved<E: Execute>(
    exec: &E,
    plan: &mut Plan,
    opts: &ApplyOptions,
    on_result: &(dyn Fn(&GroupResult) + Sync),
) -> Result<Applied, Error> {
    verify_saved(exec, plan).await?;
    apply(exec, plan, opts, on_result).await
}

/// Makes and saves the undo plan of an apply. A failure is reported, never fatal: the apply
/// itself is done.
fn save_undo(plan: &Plan, report: &Report, target: &UndoTarget) -> Undo {
    let (path, overwrite) = match target {
        UndoTarget::Off => return Undo::None,
        UndoTarget::Default => (undo::default_path(report), false),
        UndoTarget::File(p) => (p.clone(), true),
    };
    let mut made = match undo::make_undo(plan, report) {
        Some(u) if !u.changes.is_empty() => u,
        _ => return Undo::None,
    };
    // The undo goes to the server the apply went to.
    made.server.clone_from(&plan.server);
    tracing::debug!(changes = made.changes.len(), "undo made");
    let saved = undo::save(&made, &path, overwrite);
    tracing::debug!("undo saved");
    match saved {
        Ok(path) => Undo::Saved {
            path,
            summary: made.summary(),
            changes: made.changes.len(),
            needs_force: apply::check_safety(&made, &ApplyOptions::default()).is_err(),
            cannot_restore: made.cannot_restore.clone(),
        },
        Err(e) => Undo::Failed(format!("cannot write {}: {e}", path.display())),
    }
}

/// What [`export()`] read: the hunt groups as the smallest desired state that reproduces them.
#[derive(Debug, Clone)]
pub struct Export {
    /// The group ids read.
    pub group_ids: Vec<String>,
    /// How many hunt groups were read.
    pub read: usize,
    /// The hunt groups that can be written as desired state.
    pub hunt_groups: Vec<HuntGroup>,
    /// Hunt groups left out, and why.
    pub skipped: Vec<Skipped>,
}

impl Export {
    /// The export as desired-state YAML, with `header` as comment lines.
    pub fn to_yaml(&self, header: &[String]) -> String {
        desired::to_yaml_with_header(&self.hunt_groups, header)
    }

    /// The export as the reference bulk-sheet CSV (which has no comments).
    pub fn to_csv(&self) -> String {
        desired::to_csv(&self.hunt_groups)
    }
}

/// Reads the hunt groups of a service provider's groups (every group it has when none are
/// named) and turns them into desired state: `huntctl export`.
pub async fn export<E: Execute>(exec: &E, opts: &ExportOptions) -> Result<Export, Error> {
    let (group_ids, current) = exp::read(exec, opts).await?;
    let read = current.len();
    let (hunt_groups, skipped) = exp::check(current.into_iter().map(exp::for_export).collect());
    Ok(Export {
        group_ids,
        read,
        hunt_groups,
        skipped,
    })
}

/// The tokio runtime the blocking front ends run operations on (two workers: the work is
/// waiting on the network, and the machine may have two cores).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
