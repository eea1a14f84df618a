//! The library facade: everything a program (or the Python package) needs, blocking, in one
//! place. Every call runs the same operation as the command of the same name
//! (`huntctl_core::ops`): there is no second copy of any flow here.
//!
//! - **Desired state**: [`load_paths`] reads YAML/CSV files and directories; [`load_data`]
//!   reads JSON-like data in memory (the reference page's "Create from Data" dicts, snake_case
//!   or camelCase keys) with the same defaults, rules and diagnostics as files, located by key
//!   path (`hunt_group_data[1].service_instance_profile.name`) instead of line and column.
//!   [`validate`] returns what `huntctl validate --format json` prints.
//! - **A server**: [`Client::connect`] logs in (URL, user, password as a [`Secret`]);
//!   [`Client::plan`] (with pre-flight), [`Client::apply`] (safety check, writes, undo plan),
//!   [`Client::apply_saved`] (stale check first) and [`Client::export`] do what the commands
//!   do, and return the values whose JSON the CLI prints with `--format json` ([`plan_json`],
//!   [`Applied::to_json_value`]).
//! - **The reference page's bulk operation**: [`create_hunt_groups`] returns its result list
//!   (`index`, `data`, `command`, `response`, `success`, `error`).
//! - **A sandbox**: [`Sandbox::start`] runs the embedded OCI-P sandbox on a free loopback port.
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
//! let plan = client.plan(&desired, &api::PlanOptions::default())?;
//! assert_eq!(plan.summary().create, 1);
//! let undo = tempfile::tempdir()?.keep().join("undo.json");
//! let opts = api::ApplyOptions { undo: api::UndoTarget::File(undo.clone()), ..Default::default() };
//! let applied = client.apply(&plan, &opts)?;
//! assert_eq!(applied.report.failed(), 0);
//! assert!(matches!(applied.undo, api::Undo::Saved { ref path, .. } if *path == undo));
//! // Planning again finds nothing to do.
//! assert!(!client.plan(&desired, &api::PlanOptions::default())?.has_changes());
//! client.close();
//! sandbox.stop();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use huntctl_core::ocip::{ClientError, Pool};
use huntctl_core::ops::{self, Source};
use huntctl_core::plan;
use huntctl_sandbox::{self as sb, SandboxConfig, SandboxError, SandboxHandle};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use huntctl_core::apply::{GroupResult, Outcome, Report};
pub use huntctl_core::desired::{load_data, DesiredState, Diagnostics};
pub use huntctl_core::export::Skipped;
pub use huntctl_core::model::{HuntGroup, Secret};
pub use huntctl_core::ocip::settings::{ConnectionInput, MAX_BATCH};
pub use huntctl_core::ocip::ConnectionSettings;
pub use huntctl_core::ops::{
    Applied, ApplyOptions, Export, PlanOptions, Undo, UndoTarget, Validation,
};
pub use huntctl_core::plan::{Plan, Selection};

/// Why a facade call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operation failed: invalid desired state, a failed read, a refused or stale plan.
    #[error(transparent)]
    Op(#[from] ops::Error),
    /// An option is not usable (a bad `target` pattern, …).
    #[error("{0}")]
    Options(String),
    /// Connecting or logging in failed.
    #[error(transparent)]
    Connect(#[from] ClientError),
    /// The sandbox could not start.
    #[error("cannot start the sandbox: {0}")]
    Sandbox(#[from] SandboxError),
    /// The runtime or a file could not be set up.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Error {
        Error::Op(ops::Error::Invalid(d))
    }
}

/// Loads desired-state files and directories, as `huntctl validate`/`plan` do.
///
/// ```
/// let state = huntctl::api::load_paths(&["examples/reference/full.csv"]).unwrap();
/// assert_eq!(state.hunt_groups.len(), 2);
/// ```
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> Result<DesiredState, Diagnostics> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
    huntctl_core::desired::load_paths(&paths)
}

/// Checks desired state offline, as `huntctl validate` does; [`Validation::to_json`] is the
/// document `huntctl validate --format json` prints.
pub fn validate(source: Source) -> Validation {
    ops::validate(&ops::ValidateOptions { source })
}

/// The plan document `huntctl plan --format json` prints.
pub fn plan_json(plan: &Plan) -> Value {
    serde_json::from_str(&plan::render::json(plan)).unwrap_or(Value::Null)
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
    /// Connects and logs in with `settings` (see [`ConnectionSettings::new`] and
    /// [`ConnectionInput::resolve`]; the password is a [`Secret`], masked in every Debug and
    /// error).
    pub fn connect(settings: ConnectionSettings) -> Result<Client, Error> {
        let rt = ops::runtime()?;
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

    /// Reads the current state of everything `desired` names, diffs and runs pre-flight (unless
    /// `opts.preflight` is off): `huntctl plan` ([`ops::plan`]).
    pub fn plan(&self, desired: &DesiredState, opts: &PlanOptions) -> Result<Plan, Error> {
        // The plan records this connection's server unless the caller names one.
        let opts = PlanOptions {
            server: opts
                .server
                .clone()
                .or_else(|| Some(plan::ServerRecord::of(self.pool().settings()))),
            ..opts.clone()
        };
        Ok(self.rt.block_on(ops::plan(self.pool(), desired, &opts))?)
    }

    /// Carries out a plan just made with [`Client::plan`] on this server: the safety check,
    /// every write (changes pre-flight predicted to be refused are not sent), the undo plan;
    /// one hunt group's failure never stops the others: `huntctl apply` ([`ops::apply`]).
    pub fn apply(&self, plan: &Plan, opts: &ApplyOptions) -> Result<Applied, Error> {
        let nothing = |_: &GroupResult| {};
        Ok(self
            .rt
            .block_on(ops::apply(self.pool(), plan, opts, &nothing))?)
    }

    /// Carries out a plan made earlier (saved, or on another connection), as `apply --plan`
    /// does: refused with [`ops::Error::Stale`] when the server moved since ([`ops::apply_saved`]).
    pub fn apply_saved(&self, plan: &Plan, opts: &ApplyOptions) -> Result<Applied, Error> {
        let mut plan = plan.clone();
        let nothing = |_: &GroupResult| {};
        Ok(self
            .rt
            .block_on(ops::apply_saved(self.pool(), &mut plan, opts, &nothing))?)
    }

    /// Reads the hunt groups of the named groups of a service provider (every group it has
    /// when `groups` is empty): `huntctl export` ([`ops::export`]).
    pub fn export(&self, service_provider: &str, groups: &[String]) -> Result<Export, Error> {
        let opts = ops::ExportOptions {
            service_provider_id: service_provider.to_string(),
            groups: groups.to_vec(),
        };
        Ok(self.rt.block_on(ops::export(self.pool(), &opts))?)
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
    let plan = client.plan(desired, &PlanOptions::default())?;
    // The reference page's function has no undo; it is an apply like any other otherwise.
    let opts = ApplyOptions {
        undo: UndoTarget::Off,
        ..ApplyOptions::default()
    };
    let report = client.apply(&plan, &opts)?.report;
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
        let rt = ops::runtime()?;
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
