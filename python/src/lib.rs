//! `huntctl._native`: the Python binding of [`huntctl::api`]. Every rule, default, diagnostic,
//! plan and report comes from the Rust library; this module only converts arguments and
//! results between Python objects and the facade's types, and releases the GIL while it works.

use huntctl::api::{
    self, ApplyOptions, ConnectionInput, ConnectionSettings, PlanOptions, Secret, UndoTarget,
};
use huntctl_core::ocip::ClientError;
use huntctl_core::ops::{self, Source};
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

pyo3::create_exception!(
    _native,
    HuntctlError,
    PyException,
    "Base of every huntctl error; `.diagnostics` lists the desired-state problems (may be empty)."
);
pyo3::create_exception!(
    _native,
    ValidationError,
    HuntctlError,
    "The desired state is not valid; nothing was sent. `.diagnostics` says what and where."
);
pyo3::create_exception!(
    _native,
    ConnectError,
    HuntctlError,
    "Connecting or logging in to the server failed."
);
pyo3::create_exception!(
    _native,
    ServerError,
    HuntctlError,
    "Reading from the server failed (nothing was written)."
);
pyo3::create_exception!(
    _native,
    RefusedError,
    HuntctlError,
    "The plan was refused before anything was sent: delete threshold, stale plan, no approval."
);
pyo3::create_exception!(
    _native,
    SandboxError,
    HuntctlError,
    "The embedded sandbox could not start."
);

/// A huntctl error as a Python exception, with `.diagnostics` (a list of dicts) set. The
/// library says what is wrong; the hints name this front end's means (keyword arguments).
fn py_err(py: Python<'_>, e: api::Error) -> PyErr {
    use api::Error as E;
    let diagnostics = match &e {
        E::Op(ops::Error::Invalid(d)) => d.to_json()["diagnostics"].clone(),
        _ => Value::Array(Vec::new()),
    };
    let err = match &e {
        E::Op(ops::Error::Invalid(d)) => {
            let mut msg = e.to_string();
            for item in &d.items {
                msg.push_str(&format!("\n  {}: {}", item.location, item.message));
                if let Some(h) = &item.help {
                    msg.push_str(&format!(" (help: {h})"));
                }
            }
            ValidationError::new_err(msg)
        }
        E::Connect(c) => ConnectError::new_err(match c {
            ClientError::NoUrl => format!("{e} (pass url=)"),
            ClientError::NoUser => format!("{e} (pass user=)"),
            ClientError::NoPassword => format!("{e} (pass password=)"),
            ClientError::Certificate { .. } => format!(
                "{e} (pass ca_cert= with the PEM certificate of the CA that signed the server's \
                 certificate, or set ca-cert for the server in huntctl.toml)"
            ),
            _ => e.to_string(),
        }),
        E::Op(ops::Error::Read(_) | ops::Error::Export(_)) => ServerError::new_err(e.to_string()),
        E::Op(ops::Error::Refused(_)) => {
            RefusedError::new_err(format!("{e} (pass force=True if this is intended)"))
        }
        E::Op(ops::Error::Stale(_)) => {
            RefusedError::new_err(format!("{e}: call plan() again, review it, and apply it"))
        }
        E::Op(_) => RefusedError::new_err(e.to_string()),
        E::Sandbox(_) => SandboxError::new_err(e.to_string()),
        E::Options(_) => PyValueError::new_err(e.to_string()),
        E::Io(_) => HuntctlError::new_err(e.to_string()),
    };
    if let Ok(list) = pythonize::pythonize(py, &diagnostics) {
        let _ = err.value(py).setattr("diagnostics", list);
    }
    err
}

fn as_path(obj: &Bound<'_, PyAny>) -> Option<PathBuf> {
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__").unwrap_or(false) {
        obj.extract::<PathBuf>().ok()
    } else {
        None
    }
}

/// A path, a list of paths, or data (a list of hunt group dicts, or a `defaults`/`huntGroups`
/// mapping).
fn source(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Source> {
    if let Some(p) = as_path(obj) {
        return Ok(Source::Paths(vec![p]));
    }
    let items: Option<Vec<Bound<'_, PyAny>>> = if obj.is_instance_of::<PyList>() {
        Some(obj.cast::<PyList>()?.iter().collect())
    } else if obj.is_instance_of::<PyTuple>() {
        Some(obj.cast::<PyTuple>()?.iter().collect())
    } else {
        None
    };
    if let Some(items) = &items {
        let paths: Vec<PathBuf> = items.iter().filter_map(as_path).collect();
        if !items.is_empty() && paths.len() == items.len() {
            return Ok(Source::Paths(paths));
        }
    }
    let value: Value = pythonize::depythonize(obj).map_err(|e| {
        PyTypeError::new_err(format!(
            "expected a path, a list of paths, or hunt group data (dicts, lists, str, int, bool, \
             None): {e}"
        ))
    })?;
    Ok(Source::Data {
        name: name.to_string(),
        value,
    })
}

fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    pythonize::pythonize(py, v)
        .map(Bound::unbind)
        .map_err(|e| HuntctlError::new_err(format!("cannot convert the result: {e}")))
}

/// The connection keyword arguments, checked the way the CLI checks its flags.
#[derive(Clone)]
struct Conn(ConnectionSettings);

/// The connection keyword arguments of every call that talks to a server: one dict from Python
/// (`huntctl._conn`), so the native functions do not repeat them one by one.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct ConnArgs {
    url: Option<String>,
    user: Option<String>,
    password: Option<String>,
    ca_cert: Option<PathBuf>,
    insecure: bool,
    parallelism: Option<usize>,
    batch_size: Option<usize>,
    connect_timeout: Option<f64>,
    request_timeout: Option<f64>,
    max_rate: Option<u32>,
    server: Option<String>,
}

/// The settings of `a`, the rest from `BROADWORKS_*` and the named server of the
/// `huntctl.toml` found from the working directory up (`server=`, `HUNTCTL_SERVER` or its
/// `default-server`), exactly as the CLI resolves them; `desired` (the source's files) are
/// refused when outside that server's `paths`.
fn settings(py: Python<'_>, a: ConnArgs, desired: &[PathBuf]) -> PyResult<Conn> {
    let secs = |s: Option<f64>, what: &str| {
        s.map(|s| {
            Duration::try_from_secs_f64(s.max(0.0))
                .map_err(|_| PyValueError::new_err(format!("{what} must be a number of seconds")))
        })
        .transpose()
    };
    let input = ConnectionInput {
        url: a.url,
        user: a.user,
        password: a.password.map(Secret::new),
        ca_cert: a.ca_cert,
        insecure: a.insecure,
        parallelism: a.parallelism,
        batch_size: a.batch_size,
        connect_timeout: secs(a.connect_timeout, "connect_timeout")?,
        request_timeout: secs(a.request_timeout, "request_timeout")?,
        max_rate: a.max_rate,
        server: a.server,
        config_dir: std::env::current_dir().ok(),
        desired_paths: desired.to_vec(),
        ..ConnectionInput::default()
    };
    input
        .resolve(|k| std::env::var(k).ok())
        .map(Conn)
        .map_err(|e| py_err(py, api::Error::Connect(e)))
}

fn plan_options(
    target: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    prune: bool,
    preflight: bool,
) -> PyResult<PlanOptions> {
    let mut opts = PlanOptions::new(
        &target.unwrap_or_default(),
        &exclude.unwrap_or_default(),
        prune,
    )
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    opts.preflight = preflight;
    Ok(opts)
}

fn apply_options(force: bool, delete_threshold: u8, undo_out: Option<PathBuf>) -> ApplyOptions {
    ApplyOptions {
        force,
        delete_threshold_percent: delete_threshold,
        undo: UndoTarget::from(undo_out),
        ..ApplyOptions::default()
    }
}

/// A plan made by `plan()`: kept in Rust with the connection it was made on (the password
/// never crosses into Python), for `apply(plan)`.
#[pyclass(module = "huntctl._native", frozen)]
struct PlanHandle {
    plan: api::Plan,
    conn: Conn,
}

#[pymethods]
impl PlanHandle {
    fn __repr__(&self) -> String {
        let s = self.plan.summary();
        format!(
            "<huntctl plan: {} to create, {} to update, {} to delete, {} unchanged>",
            s.create, s.update, s.delete, s.unchanged
        )
    }
}

/// validate(source, name) -> the `huntctl validate --format json` document.
#[pyfunction]
#[pyo3(signature = (source, name = "data"))]
fn validate(py: Python<'_>, source: &Bound<'_, PyAny>, name: &str) -> PyResult<Py<PyAny>> {
    let src = self::source(source, name)?;
    let doc = py.detach(|| api::validate(src).to_json());
    to_py(py, &doc)
}

/// plan(...) -> (plan document, PlanHandle): `huntctl plan`, pre-flight included.
#[pyfunction]
#[pyo3(signature = (source, name, conn, target, exclude, prune, preflight))]
#[allow(clippy::too_many_arguments)]
fn plan(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    name: &str,
    conn: ConnArgs,
    target: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    prune: bool,
    preflight: bool,
) -> PyResult<(Py<PyAny>, PlanHandle)> {
    let src = self::source(source, name)?;
    let conn = settings(py, conn, src.paths())?;
    let opts = plan_options(target, exclude, prune, preflight)?;
    let made = py.detach(|| -> Result<api::Plan, api::Error> {
        let desired = src.load()?;
        let client = api::Client::connect(conn.0.clone())?;
        let plan = client.plan(&desired, &opts);
        client.close();
        plan
    });
    let plan = made.map_err(|e| py_err(py, e))?;
    let doc = to_py(py, &api::plan_json(&plan))?;
    Ok((doc, PlanHandle { plan, conn }))
}

/// apply_plan(handle, force, delete_threshold, undo_out) -> report document: a reviewed plan,
/// refused when the server moved since it was made (`huntctl apply --plan`).
#[pyfunction]
#[pyo3(signature = (handle, force, delete_threshold, undo_out))]
fn apply_plan(
    py: Python<'_>,
    handle: &Bound<'_, PlanHandle>,
    force: bool,
    delete_threshold: u8,
    undo_out: Option<PathBuf>,
) -> PyResult<Py<PyAny>> {
    let h = handle.get();
    let opts = apply_options(force, delete_threshold, undo_out);
    let applied = py.detach(|| -> Result<api::Applied, api::Error> {
        let client = api::Client::connect(h.conn.0.clone())?;
        let r = client.apply_saved(&h.plan, &opts);
        client.close();
        r
    });
    let applied = applied.map_err(|e| py_err(py, e))?;
    to_py(py, &applied.to_json_value())
}

/// apply(...) from paths or data: plan (pre-flight included) and apply on one connection
/// -> report document (`huntctl apply --auto-approve`).
#[pyfunction]
#[pyo3(signature = (source, name, conn, target, exclude, prune, preflight,
                    force, delete_threshold, undo_out))]
#[allow(clippy::too_many_arguments)]
fn apply(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    name: &str,
    conn: ConnArgs,
    target: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    prune: bool,
    preflight: bool,
    force: bool,
    delete_threshold: u8,
    undo_out: Option<PathBuf>,
) -> PyResult<Py<PyAny>> {
    let src = self::source(source, name)?;
    let conn = settings(py, conn, src.paths())?;
    let opts = plan_options(target, exclude, prune, preflight)?;
    let apply_opts = apply_options(force, delete_threshold, undo_out);
    let applied = py.detach(|| -> Result<api::Applied, api::Error> {
        let desired = src.load()?;
        let client = api::Client::connect(conn.0)?;
        let r = client
            .plan(&desired, &opts)
            .and_then(|plan| client.apply(&plan, &apply_opts));
        client.close();
        r
    });
    let applied = applied.map_err(|e| py_err(py, e))?;
    to_py(py, &applied.to_json_value())
}

/// export(...) -> {group_ids, hunt_groups, skipped, yaml, csv}.
#[pyfunction]
#[pyo3(signature = (service_provider, groups, conn))]
fn export(
    py: Python<'_>,
    service_provider: String,
    groups: Vec<String>,
    conn: ConnArgs,
) -> PyResult<Py<PyAny>> {
    let conn = settings(py, conn, &[])?;
    let exported = py.detach(|| -> Result<api::Export, api::Error> {
        let client = api::Client::connect(conn.0)?;
        let r = client.export(&service_provider, &groups);
        client.close();
        r
    });
    let e = exported.map_err(|e| py_err(py, e))?;
    let doc = serde_json::json!({
        "group_ids": e.group_ids,
        "hunt_groups": e.hunt_groups,
        "skipped": e.skipped.iter().map(|s| serde_json::json!({
            "serviceUserId": s.service_user_id, "reasons": s.reasons,
        })).collect::<Vec<_>>(),
        "yaml": e.to_yaml(&[]),
        "csv": e.to_csv(),
    });
    to_py(py, &doc)
}

/// create_hunt_groups(...) -> the reference page's result list.
#[pyfunction]
#[pyo3(signature = (source, name, dry_run, conn))]
fn create_hunt_groups(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    name: &str,
    dry_run: bool,
    conn: ConnArgs,
) -> PyResult<Py<PyAny>> {
    let src = self::source(source, name)?;
    // A dry run makes no connection at all, so it needs no server settings.
    let conn = if dry_run {
        None
    } else {
        Some(settings(py, conn, src.paths())?)
    };
    let results = py.detach(|| -> Result<Vec<Value>, api::Error> {
        let desired = src.load()?;
        match conn {
            None => api::create_hunt_groups(&desired, None),
            Some(c) => {
                let client = api::Client::connect(c.0)?;
                let r = api::create_hunt_groups(&desired, Some(&client));
                client.close();
                r
            }
        }
    });
    let results = results.map_err(|e| py_err(py, e))?;
    to_py(py, &Value::Array(results))
}

/// run_cli(argv) -> exit code: the `huntctl` command line (the console script), the very code
/// the binary runs.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> i32 {
    i32::from(py.detach(|| huntctl::commands::main(argv)))
}

/// The embedded sandbox: an OCI-P server on free loopback ports (user `admin`, password
/// `admin`). Use it as a context manager; it stops on exit.
#[pyclass(module = "huntctl._native", name = "Sandbox", frozen)]
struct PySandbox {
    opts: api::SandboxOptions,
    running: Mutex<Option<api::Sandbox>>,
}

impl PySandbox {
    fn with<T>(&self, f: impl FnOnce(&api::Sandbox) -> T) -> PyResult<T> {
        let guard = self
            .running
            .lock()
            .map_err(|_| HuntctlError::new_err("the sandbox lock is poisoned"))?;
        match guard.as_ref() {
            Some(s) => Ok(f(s)),
            None => Err(HuntctlError::new_err(
                "the sandbox is not running: use `with Sandbox() as sb:` or call start()",
            )),
        }
    }
}

#[pymethods]
impl PySandbox {
    #[new]
    #[pyo3(signature = (*, latency_ms = 0, seed = None, state_path = None, reset = false,
                        record = true, tls = false, soap = false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        latency_ms: u64,
        seed: Option<PathBuf>,
        state_path: Option<PathBuf>,
        reset: bool,
        record: bool,
        tls: bool,
        soap: bool,
    ) -> Self {
        PySandbox {
            opts: api::SandboxOptions {
                state_path,
                seed,
                reset,
                latency: Duration::from_millis(latency_ms),
                record,
                tls,
                soap,
            },
            running: Mutex::new(None),
        }
    }

    /// Starts it (a no-op when running).
    fn start(&self, py: Python<'_>) -> PyResult<()> {
        let mut guard = self
            .running
            .lock()
            .map_err(|_| HuntctlError::new_err("the sandbox lock is poisoned"))?;
        if guard.is_none() {
            let opts = self.opts.clone();
            let s = py
                .detach(|| api::Sandbox::start(opts))
                .map_err(|e| py_err(py, e))?;
            *guard = Some(s);
        }
        Ok(())
    }

    /// Stops it and writes its state a last time.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .running
            .lock()
            .map_err(|_| HuntctlError::new_err("the sandbox lock is poisoned"))?
            .take();
        if let Some(s) = taken {
            py.detach(|| s.stop());
        }
        Ok(())
    }

    fn __enter__(slf: Bound<'_, Self>) -> PyResult<Bound<'_, Self>> {
        slf.get().start(slf.py())?;
        Ok(slf)
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, py: Python<'_>, _args: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.stop(py)?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        match self.with(|s| s.url().to_string()) {
            Ok(url) => format!("<huntctl.Sandbox {url}>"),
            Err(_) => "<huntctl.Sandbox (stopped)>".into(),
        }
    }

    /// `tcp://127.0.0.1:PORT`.
    #[getter]
    fn url(&self) -> PyResult<String> {
        self.with(|s| s.url().to_string())
    }
    /// `tls://127.0.0.1:PORT` (with `tls=True`).
    #[getter]
    fn tls_url(&self) -> PyResult<Option<String>> {
        self.with(api::Sandbox::tls_url)
    }
    /// The SOAP endpoint (with `soap=True`).
    #[getter]
    fn soap_url(&self) -> PyResult<Option<String>> {
        self.with(api::Sandbox::soap_url)
    }
    /// The self-signed TLS certificate, PEM (with `tls=True`).
    #[getter]
    fn cert_pem(&self) -> PyResult<Option<String>> {
        self.with(api::Sandbox::cert_pem)
    }
    /// The administrator user id (`admin`).
    #[getter]
    fn user(&self) -> &'static str {
        api::Sandbox::USER
    }
    /// The administrator password (`admin`: a sandbox's, not a secret).
    #[getter]
    fn password(&self) -> PyResult<String> {
        self.with(|s| s.password().expose().to_string())
    }
    /// `{"url", "user", "password"}`, to pass on: `huntctl.plan(data, **sb.connection)`.
    #[getter]
    fn connection<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("url", self.url()?)?;
        d.set_item("user", self.user())?;
        d.set_item("password", self.password()?)?;
        Ok(d)
    }
    /// The state file (JSON).
    #[getter]
    fn state_path(&self) -> PyResult<PathBuf> {
        self.with(|s| s.state_path().to_path_buf())
    }
    /// The file every received document is appended to (with `record=True`).
    #[getter]
    fn record_path(&self) -> PyResult<Option<PathBuf>> {
        self.with(|s| s.record_path().map(PathBuf::from))
    }
    /// Everything received so far (passwords masked); "" when nothing was.
    fn record(&self) -> PyResult<String> {
        let path = self.record_path()?;
        Ok(path
            .and_then(|p| std::fs::read_to_string(p).ok())
            .unwrap_or_default())
    }
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("HuntctlError", py.get_type::<HuntctlError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add("ConnectError", py.get_type::<ConnectError>())?;
    m.add("ServerError", py.get_type::<ServerError>())?;
    m.add("RefusedError", py.get_type::<RefusedError>())?;
    m.add("SandboxError", py.get_type::<SandboxError>())?;
    m.add_class::<PySandbox>()?;
    m.add_class::<PlanHandle>()?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(apply, m)?)?;
    m.add_function(wrap_pyfunction!(apply_plan, m)?)?;
    m.add_function(wrap_pyfunction!(export, m)?)?;
    m.add_function(wrap_pyfunction!(create_hunt_groups, m)?)?;
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    Ok(())
}
