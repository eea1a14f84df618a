//! The library facade: everything a program (or the Python package) needs, blocking, in one place.
//!
//! - **Desired state**: [`load_paths`] reads YAML/CSV files and directories; [`load_data`]
//!   reads JSON-like data in memory (the reference page's "Create from Data" dicts, snake_case
//!   or camelCase keys) with the same defaults, rules and diagnostics as files, located by key
//!   path (`hunt_group_data[1].service_instance_profile.name`) instead of line and column.
//!   [`validation_json`] is the document `huntctl validate --format json` prints.
//! - **A server**: [`Client::connect`] logs in (URL, user, password as a [`Secret`]);
//!   [`Client::plan`], [`Client::apply`], [`Client::apply_planned`] and [`Client::export`] do
//!   what the commands of the same name do, and return the values whose JSON the CLI prints
//!   with `--format json` ([`plan_json`], [`report_json`]).
//! - **The reference page's bulk operation**: [`create_hunt_groups`] returns its result list
//!   (`index`, `data`, `command`, `response`, `success`, `error`).
//! - **A sandbox**: [`Sandbox::start`] runs the embedded OCI-P sandbox on a free loopback port.
//! - **The CLI itself**: [`run_cli`] runs `huntctl` on given arguments and returns the exit code.
//!
//! End to end against the sandbox (its seed already holds `sales-hunt@company.com`):
//!
//! ```
//! use huntctl::api::{self, Client, Sandbox, SandboxOptions};
//! use serde_json::json;
//!
//! let sandbox = Sandbox::start(SandboxOptions::default())?;
//! let data = json!([{
//!     "operation": "hunt.group.create",
//!     "service_provider_id": "MyServiceProvider",
//!     "group_id": "SalesGroup",
//!     "service_user_id": "docs-hunt@company.com",
//!     "service_instance_profile": {"name": "Docs Hunt Group"},
//!     "agent_user_id": ["john.doe@company.com"]
//! }]);
//! let desired = api::load_data("hunt_group_data", &data).map_err(|d| d.to_string())?;
//! let client = Client::connect(sandbox.settings())?;
//! let plan = client.plan(&desired.hunt_groups, &api::PlanOptions::default())?;
//! assert_eq!(plan.summary().create, 1);
//! let report = client.apply(&plan, &api::ApplyOptions::default())?;
//! assert_eq!(report.failed(), 0);
//! // Planning again finds nothing to do.
//! assert!(!client.plan(&desired.hunt_groups, &api::PlanOptions::default())?.has_changes());
//! client.close();
//! sandbox.stop();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::apply::{self, SafetyError};
use crate::desired::{self, Diagnostic, Location};
use crate::export::{self, ExportError};
use crate::ocip::{ClientError, Pool};
use crate::plan::{self, FetchError};
use crate::sandbox::{self as sb, SandboxConfig, SandboxError, SandboxHandle};
use serde_json::Value;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::apply::{ApplyOptions, GroupResult, Outcome, Report};
pub use crate::desired::{DesiredState, Diagnostics};
pub use crate::export::Skipped;
pub use crate::model::{HuntGroup, Secret};
pub use crate::ocip::settings::MAX_BATCH;
pub use crate::ocip::ConnectionSettings;
pub use crate::plan::{Plan, PlanOptions, Selection};

/// Why a facade call failed. Desired-state problems carry every [`Diagnostics`] item.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The desired state is not valid; nothing was sent.
    #[error("{0}: nothing was sent to the server")]
    Invalid(Diagnostics),
    /// An option is not usable (a bad `target` pattern, …).
    #[error("{0}")]
    Options(String),
    /// Connecting or logging in failed.
    #[error("cannot connect: {0}")]
    Connect(#[from] ClientError),
    /// Reading the current state failed; nothing was written.
    #[error("cannot read the current state: {0}")]
    Read(#[from] FetchError),
    /// The plan was refused before anything was sent (the delete threshold).
    #[error("{0}")]
    Safety(#[from] SafetyError),
    /// The hunt groups a planned change covers changed on the server since it was planned.
    #[error("the plan is stale: the hunt groups it covers changed on the server since it was made; plan again")]
    Stale,
    /// Export could not read the groups.
    #[error("{0}")]
    Export(#[from] ExportError),
    /// The sandbox could not start.
    #[error("cannot start the sandbox: {0}")]
    Sandbox(#[from] SandboxError),
    /// The runtime or a file could not be set up.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Runs the `huntctl` command line on `args` (the first is the program name) and returns its
/// exit code: what the binary does, for embedding it (the Python console script uses this).
///
/// ```
/// assert_eq!(huntctl::api::run_cli(["huntctl", "validate", "examples/reference/full.csv"]), 0);
/// assert_eq!(huntctl::api::run_cli(["huntctl", "--no-such-flag"]), 2);
/// ```
pub fn run_cli<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    use clap::Parser;
    let cli = match crate::cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that print to stdout and exit 0.
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    init_logging(cli.verbose);
    tracing::debug!("started");
    match crate::commands::run(cli) {
        Ok(code) => exit_code_value(code),
        Err(report) => {
            eprintln!("{report:?}");
            1
        }
    }
}

/// The number inside an `ExitCode` (std keeps it opaque; the codes are 0–255).
fn exit_code_value(code: std::process::ExitCode) -> u8 {
    (0..=u8::MAX)
        .find(|&c| std::process::ExitCode::from(c) == code)
        .unwrap_or(1)
}

/// `-v` / `RUST_LOG` select the level; logs go to stderr so stdout stays machine-readable.
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "huntctl=info",
        _ => "huntctl=debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// Loads desired-state files and directories, as `huntctl validate`/`plan` do.
///
/// ```
/// let state = huntctl::api::load_paths(&["examples/reference/full.csv"]).unwrap();
/// assert_eq!(state.hunt_groups.len(), 2);
/// ```
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<DesiredState, Diagnostics> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    desired::load_paths(&paths)
}

/// Loads hunt groups given as JSON-like data: a list of hunt groups (the reference page's
/// dicts: `operation`, snake_case or camelCase keys, nested `service_instance_profile`), or a
/// mapping with `defaults` and `huntGroups`, exactly as a YAML file would hold them. The same
/// defaults, rules and diagnostics apply; a diagnostic's location names `name` and the key path
/// of the value (`Location::path`, e.g. `hunt_group_data[0].service_instance_profile.extension`).
///
/// ```
/// use serde_json::json;
/// let bad = json!([{"service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
///                   "service_user_id": "x@company.com",
///                   "service_instance_profile": {"extension": "12a"},
///                   "agent_user_id": ["john.doe@company.com"]}]);
/// let d = huntctl::api::load_data("hunt_group_data", &bad).unwrap_err();
/// let path = d.items[0].location.path.as_deref();
/// assert_eq!(path, Some("hunt_group_data[0].service_instance_profile.extension"));
/// ```
pub fn load_data(name: &str, data: &Value) -> Result<DesiredState, Diagnostics> {
    let mut doc = YamlDoc::default();
    doc.value(data, name, 0, None);
    // The loader picks the format by extension; the data never was a file.
    let file = format!("{name}.yaml");
    let fix = |items: Vec<Diagnostic>| -> Vec<Diagnostic> {
        items
            .into_iter()
            .map(|d| doc.relocate(d, &file, name))
            .collect()
    };
    match desired::load_str(&file, &doc.text) {
        Ok(mut state) => {
            state.warnings = fix(std::mem::take(&mut state.warnings));
            state.files = 0;
            Ok(state)
        }
        Err(d) => Err(Diagnostics {
            items: fix(d.items),
        }),
    }
}

/// What one line of the generated YAML holds.
#[derive(Debug, Default)]
struct LineInfo {
    /// The key path of the key or item on this line.
    path: String,
    /// The key written on this line, if any.
    key: Option<String>,
    /// When this line also starts a mapping that is a list item (`- "key": …`), that item's
    /// path: a problem with the whole item is reported here too.
    item: Option<String>,
}

/// JSON-like data written as block YAML, one key or item per line, every string in JSON
/// quotes (a valid YAML double-quoted scalar), remembering the key path of each line.
#[derive(Debug, Default)]
struct YamlDoc {
    text: String,
    lines: Vec<LineInfo>,
}

impl YamlDoc {
    fn scalar(v: &Value) -> String {
        match v {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => Value::String(s.clone()).to_string(),
            Value::Array(a) if a.is_empty() => "[]".into(),
            Value::Object(o) if o.is_empty() => "{}".into(),
            _ => String::new(),
        }
    }

    fn is_block(v: &Value) -> bool {
        matches!(v, Value::Array(a) if !a.is_empty())
            || matches!(v, Value::Object(o) if !o.is_empty())
    }

    fn push_line(&mut self, text: &str, info: LineInfo) {
        self.text.push_str(text);
        self.text.push('\n');
        self.lines.push(info);
    }

    /// Writes `v` (at `path`) indented by `indent`; `prefix` is a pending `- ` for a list item.
    fn value(&mut self, v: &Value, path: &str, indent: usize, item: Option<&str>) {
        let pad = " ".repeat(indent);
        match v {
            Value::Array(a) if !a.is_empty() => {
                for (i, x) in a.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    if Self::is_block(x) {
                        if let Value::Object(_) = x {
                            self.value(x, &p, indent + 2, Some(&p));
                        } else {
                            self.push_line(
                                &format!("{pad}-"),
                                LineInfo {
                                    path: p.clone(),
                                    ..LineInfo::default()
                                },
                            );
                            self.value(x, &p, indent + 2, None);
                        }
                    } else {
                        let line = format!("{pad}- {}", Self::scalar(x));
                        self.push_line(
                            &line,
                            LineInfo {
                                path: p,
                                ..LineInfo::default()
                            },
                        );
                    }
                }
            }
            Value::Object(o) if !o.is_empty() => {
                for (n, (k, x)) in o.iter().enumerate() {
                    let p = format!("{path}.{k}");
                    let first_of_item = n == 0 && item.is_some();
                    let lead = if first_of_item {
                        format!("{}- ", " ".repeat(indent.saturating_sub(2)))
                    } else {
                        pad.clone()
                    };
                    let key = Value::String(k.clone()).to_string();
                    let info = LineInfo {
                        path: p.clone(),
                        key: Some(k.clone()),
                        item: first_of_item.then(|| item.unwrap_or_default().to_string()),
                    };
                    if Self::is_block(x) {
                        self.push_line(&format!("{lead}{key}:"), info);
                        // A list under a key may sit at the key's own indentation; nesting it
                        // deeper is valid YAML too and keeps every parser happy.
                        self.value(x, &p, indent + 2, None);
                    } else {
                        self.push_line(&format!("{lead}{key}: {}", Self::scalar(x)), info);
                    }
                }
            }
            _ => {
                let line = format!("{pad}{}", Self::scalar(v));
                self.push_line(
                    &line,
                    LineInfo {
                        path: path.to_string(),
                        ..LineInfo::default()
                    },
                );
            }
        }
    }

    /// The key path of a location in the generated text.
    fn path_of(&self, loc: &Location, field: Option<&str>, name: &str) -> String {
        let Some(info) = loc.line.checked_sub(1).and_then(|i| self.lines.get(i)) else {
            return name.to_string();
        };
        // A problem of the whole list item (a missing field) points at its first line: report
        // the item, unless the problem is about the key that happens to be written there.
        if let (Some(item), Some(key)) = (&info.item, &info.key) {
            let norm = |s: &str| s.to_ascii_lowercase().replace('_', "");
            let about_key = field
                .and_then(|f| f.rsplit('.').next())
                .is_some_and(|f| norm(f) == norm(key));
            if !about_key {
                return item.clone();
            }
        }
        info.path.clone()
    }

    fn relocate_location(&self, loc: &Location, field: Option<&str>, name: &str) -> Location {
        Location {
            file: name.to_string(),
            path: Some(self.path_of(loc, field, name)),
            ..Location::default()
        }
    }

    /// The diagnostic with its locations in the generated text replaced by key paths (and no
    /// snippet: the text is not the user's).
    fn relocate(&self, mut d: Diagnostic, file: &str, name: &str) -> Diagnostic {
        if d.location.file != file {
            return d;
        }
        let loc = self.relocate_location(&d.location, d.field.as_deref(), name);
        let related = std::mem::take(&mut d.related);
        d = d.at(loc, None);
        for r in related {
            let rl = self.relocate_location(&r.location, None, name);
            d = d.with_related(r.message, rl, None);
        }
        d
    }
}

/// The document `huntctl validate --format json` prints for a load result: `valid`, `errors`,
/// `warnings`, `diagnostics`, and when valid `huntGroups`, `files` and `summary`.
pub fn validation_json(result: &Result<DesiredState, Diagnostics>) -> Value {
    match result {
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

/// The plan document `huntctl plan --format json` prints.
pub fn plan_json(plan: &Plan) -> Value {
    serde_json::from_str(&plan::render::json(plan)).unwrap_or(Value::Null)
}

/// The report document `huntctl apply --format json` prints.
pub fn report_json(report: &Report) -> Value {
    serde_json::from_str(&report.to_json()).unwrap_or(Value::Null)
}

/// The hunt groups an export read, as desired state, and those it could not express.
#[derive(Debug, Clone)]
pub struct Export {
    /// The group ids read.
    pub group_ids: Vec<String>,
    /// The hunt groups, as the smallest desired state that reproduces them.
    pub hunt_groups: Vec<HuntGroup>,
    /// Hunt groups left out, and why.
    pub skipped: Vec<Skipped>,
}

impl Export {
    /// The export as desired-state YAML (what `huntctl export` writes).
    pub fn to_yaml(&self) -> String {
        desired::to_yaml(&self.hunt_groups)
    }
    /// The export as the reference bulk-sheet CSV.
    pub fn to_csv(&self) -> String {
        desired::to_csv(&self.hunt_groups)
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// A logged-in connection to BroadWorks (or a sandbox): a session pool on its own runtime.
/// Every method blocks until done. Dropping it logs out.
pub struct Client {
    rt: tokio::runtime::Runtime,
    pool: Option<Pool>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

impl Client {
    /// Connects and logs in with `settings` (see [`ConnectionSettings::new`]; the password is a
    /// [`Secret`], masked in every Debug and error).
    pub fn connect(settings: ConnectionSettings) -> Result<Client, Error> {
        let rt = runtime()?;
        let pool = rt.block_on(Pool::connect(settings))?;
        Ok(Client {
            rt,
            pool: Some(pool),
        })
    }

    fn pool(&self) -> &Pool {
        // Only `close` takes the pool, and it consumes the client.
        self.pool.as_ref().unwrap_or_else(|| unreachable!())
    }

    /// Reads the current state of everything `desired` names and diffs: `huntctl plan`.
    pub fn plan(&self, desired: &[HuntGroup], opts: &PlanOptions) -> Result<Plan, Error> {
        let current = self.rt.block_on(plan::fetch(self.pool(), desired, opts))?;
        Ok(plan::diff(desired, &current, opts))
    }

    /// Carries out a plan just made with [`Client::plan`] on this client: the safety check,
    /// then every write; one hunt group's failure never stops the others.
    pub fn apply(&self, plan: &Plan, opts: &ApplyOptions) -> Result<Report, Error> {
        apply::check_safety(plan, opts)?;
        Ok(self
            .rt
            .block_on(apply::apply(self.pool(), plan, &|_: &GroupResult| {})))
    }

    /// Carries out a plan made earlier (maybe on another connection), as `apply --plan` does:
    /// first reads again what the plan read and refuses with [`Error::Stale`] if it changed.
    pub fn apply_planned(&self, plan: &Plan, opts: &ApplyOptions) -> Result<Report, Error> {
        let current = self
            .rt
            .block_on(plan::fetch_scope(self.pool(), &plan.scope))?;
        if plan.is_stale(&current) {
            return Err(Error::Stale);
        }
        self.apply(plan, opts)
    }

    /// Reads the hunt groups of the named groups of a service provider (every group it has
    /// when `groups` is empty): `huntctl export`.
    pub fn export(&self, service_provider: &str, groups: &[String]) -> Result<Export, Error> {
        let pool = self.pool();
        let (group_ids, current) = self.rt.block_on(async {
            let ids = if groups.is_empty() {
                export::list_groups(pool, service_provider).await?
            } else {
                groups.to_vec()
            };
            let current = export::fetch(pool, service_provider, &ids).await?;
            Ok::<_, ExportError>((ids, current))
        })?;
        let (hunt_groups, skipped) =
            export::check(current.into_iter().map(export::for_export).collect());
        Ok(Export {
            group_ids,
            hunt_groups,
            skipped,
        })
    }

    /// Logs out every session.
    pub fn close(mut self) {
        if let Some(pool) = self.pool.take() {
            self.rt.block_on(pool.close());
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take() {
            self.rt.block_on(pool.close());
        }
    }
}

/// The reference page's bulk operation (`create_hunt_group_from_data` / `_from_csv`) on
/// loaded desired state: one result per hunt group, in input order, with the reference keys
/// `index`, `data` (the hunt group with its defaults, camelCase, password masked), `command`
/// (the OCI-P command types sent), `response` (the last reply's type; `""` when nothing was
/// sent), `success`, `error` (text or null), and huntctl's `serviceUserId`, `action`
/// (`create`, `update`, `no-op`; null in a dry run), `outcome` and `note`.
///
/// With `client` None (a dry run) nothing is sent and `command` lists what creating the hunt
/// group takes. Otherwise the hunt groups are planned and applied: missing ones are created,
/// differing ones updated to match (nothing else in their groups is touched).
///
/// ```
/// use huntctl::api::{self, Client, Sandbox, SandboxOptions};
/// let data = serde_json::json!([{"service_provider_id": "MyServiceProvider",
///     "group_id": "SupportGroup", "service_user_id": "doc-support@company.com",
///     "agent_user_id": ["support1@company.com"]}]);
/// let state = api::load_data("hunt_group_data", &data).unwrap();
/// let dry = api::create_hunt_groups(&state, None)?;
/// assert_eq!(dry[0]["command"][0], "GroupHuntGroupAddInstanceRequest20");
///
/// let sandbox = Sandbox::start(SandboxOptions::default())?;
/// let client = Client::connect(sandbox.settings())?;
/// let results = api::create_hunt_groups(&state, Some(&client))?;
/// assert_eq!((results[0]["success"].as_bool(), results[0]["action"].as_str()),
///            (Some(true), Some("create")));
/// # Ok::<(), api::Error>(())
/// ```
pub fn create_hunt_groups(
    desired: &DesiredState,
    client: Option<&Client>,
) -> Result<Vec<Value>, Error> {
    let Some(client) = client else {
        return Ok(desired
            .hunt_groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let commands: Vec<&str> = plan::to_create_requests(g)
                    .iter()
                    .map(|r| r.type_name())
                    .collect();
                serde_json::json!({
                    "index": i,
                    "data": g,
                    "command": commands,
                    "response": "",
                    "success": true,
                    "error": null,
                    "serviceUserId": g.service_user_id,
                    "action": null,
                    "outcome": "validated",
                    "note": "dry run: valid, nothing was sent",
                })
            })
            .collect());
    };
    let plan = client.plan(&desired.hunt_groups, &PlanOptions::default())?;
    let report = client.apply(&plan, &ApplyOptions::default())?;
    let by_id: std::collections::HashMap<String, &GroupResult> = report
        .results
        .iter()
        .map(|r| (r.service_user_id.to_ascii_lowercase(), r))
        .collect();
    Ok(desired
        .hunt_groups
        .iter()
        .enumerate()
        .map(
            |(i, g)| match by_id.get(&g.service_user_id.to_ascii_lowercase()) {
                Some(r) => {
                    let mut v = r.to_json_value();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("index".into(), i.into());
                    }
                    v
                }
                // Every desired hunt group is in the plan; this is a bug, reported, not hidden.
                None => serde_json::json!({
                    "index": i, "data": g, "command": [], "response": "", "success": false,
                    "error": "not in the plan (huntctl bug)", "serviceUserId": g.service_user_id,
                    "action": null, "outcome": "failed", "note": null,
                }),
            },
        )
        .collect())
}

/// How to run a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// State file; None: `state.json` in a temporary directory removed on stop.
    pub state_path: Option<PathBuf>,
    /// A state file to start from instead of the built-in seed (see `huntctl sandbox --help`).
    pub seed: Option<PathBuf>,
    /// Start from the seed even when the state file exists.
    pub reset: bool,
    /// Delay before each reply.
    pub latency: Duration,
    /// Record every received document (passwords masked) to [`Sandbox::record_path`].
    pub record: bool,
    /// Also listen for OCI-P over TLS (self-signed certificate, [`Sandbox::cert_pem`]).
    pub tls: bool,
    /// Also listen for SOAP over HTTP.
    pub soap: bool,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            state_path: None,
            seed: None,
            reset: false,
            latency: Duration::ZERO,
            record: true,
            tls: false,
            soap: false,
        }
    }
}

/// The embedded sandbox on free loopback ports (user `admin`, password `admin`), on its own
/// runtime: it serves while the caller does other work. Stopped on drop.
pub struct Sandbox {
    rt: tokio::runtime::Runtime,
    handle: Option<SandboxHandle>,
    url: String,
    state_path: PathBuf,
    record_path: Option<PathBuf>,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("url", &self.url).finish()
    }
}

impl Sandbox {
    /// The administrator the sandbox accepts.
    pub const USER: &'static str = "admin";

    /// Starts it.
    pub fn start(opts: SandboxOptions) -> Result<Sandbox, Error> {
        let dir = tempfile::Builder::new()
            .prefix("huntctl-sandbox")
            .tempdir()?;
        let state_path = opts
            .state_path
            .clone()
            .unwrap_or_else(|| dir.path().join("state.json"));
        let record_path = opts.record.then(|| dir.path().join("record.xml"));
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let mut config = SandboxConfig::embedded(state_path.clone());
        config.seed = opts.seed.clone();
        config.reset = opts.reset;
        config.latency = opts.latency;
        config.record = record_path.clone();
        config.tls_listen = opts.tls.then_some(loopback);
        config.soap_listen = opts.soap.then_some(loopback);
        let rt = runtime()?;
        let handle = rt.block_on(sb::start(config))?;
        let addr = handle
            .tcp_addr()
            .ok_or_else(|| Error::Options("the sandbox has no TCP listener".into()))?;
        Ok(Sandbox {
            rt,
            handle: Some(handle),
            url: format!("tcp://{addr}"),
            state_path,
            record_path,
            _dir: dir,
        })
    }

    fn handle(&self) -> &SandboxHandle {
        // Only `stop`/drop take the handle.
        self.handle.as_ref().unwrap_or_else(|| unreachable!())
    }

    /// `tcp://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// `tls://127.0.0.1:PORT` when TLS is on.
    pub fn tls_url(&self) -> Option<String> {
        self.handle().tls_addr().map(|a| format!("tls://{a}"))
    }
    /// The SOAP endpoint when SOAP is on.
    pub fn soap_url(&self) -> Option<String> {
        self.handle().soap_url()
    }
    /// The TLS certificate (PEM) when TLS is on.
    pub fn cert_pem(&self) -> Option<String> {
        self.handle().cert_pem()
    }
    /// The administrator password the sandbox accepts.
    pub fn password(&self) -> Secret {
        Secret::new("admin")
    }
    /// The state file (JSON).
    pub fn state_path(&self) -> &Path {
        &self.state_path
    }
    /// The file every received document is appended to, when recording.
    pub fn record_path(&self) -> Option<&Path> {
        self.record_path.as_deref()
    }
    /// Connection settings for this sandbox.
    pub fn settings(&self) -> ConnectionSettings {
        ConnectionSettings::new(self.url.clone(), Self::USER, self.password())
    }

    /// Stops it and writes the state a last time.
    pub fn stop(mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}
