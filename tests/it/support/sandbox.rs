//! The one way to start a sandbox: [`SandboxOpts`], then [`SandboxOpts::start`] (in this
//! process, on a runtime of its own: a [`Sandbox`] that stops when dropped) or
//! [`SandboxOpts::spawn`] (`huntctl sandbox` as a child process: a [`ChildSandbox`]).
//!
//! Its files (state, record, seed, certificate) are `sandbox-*` in a temp dir of its own or
//! in the test's ([`SandboxOpts::in_dir`]); that dir is also the working directory of the
//! `huntctl` runs it makes ([`Sandbox::run`], [`Sandbox::huntctl`]), so what huntctl writes
//! beside its inputs (undo plans in `.huntctl/undo/`) stays there.

use super::run::{huntctl, Huntctl, Out};
use huntctl::sandbox::state::{self, HuntGroupState, SandboxState};
use huntctl::sandbox::{self as sb, FaultRule, SandboxConfig, SandboxHandle};
use std::future::Future;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::thread::JoinHandle;
use std::time::Duration;

/// How huntctl reaches the sandbox: [`Sandbox::url`] is of this transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Tcp,
    Soap,
}

/// Both transports, for tests that run over each.
pub const BOTH: [Via; 2] = [Via::Tcp, Via::Soap];

/// One hunt group of a sandbox state.
pub fn find_hg(state: &SandboxState, id: &str) -> Option<HuntGroupState> {
    state
        .service_providers
        .iter()
        .flat_map(|sp| &sp.groups)
        .flat_map(|g| &g.hunt_groups)
        .find(|h| h.service_user_id == id)
        .cloned()
}

/// How to run a sandbox: the built-in seed, plain TCP on a free loopback port, `admin`/`admin`,
/// no record, no latency, no faults, in a temp dir of its own, unless said otherwise.
#[derive(Debug, Clone)]
pub struct SandboxOpts {
    dir: Option<PathBuf>,
    seed: Option<serde_json::Value>,
    via: Via,
    tls: bool,
    port: u16,
    password: String,
    latency: Duration,
    record: bool,
    faults: Vec<String>,
    compact_every: Option<u64>,
    reset: bool,
    log: Option<String>,
}

impl Default for SandboxOpts {
    fn default() -> SandboxOpts {
        SandboxOpts {
            dir: None,
            seed: None,
            via: Via::Tcp,
            tls: false,
            port: 0,
            password: "admin".into(),
            latency: Duration::ZERO,
            record: false,
            faults: Vec::new(),
            compact_every: None,
            reset: false,
            log: None,
        }
    }
}

impl SandboxOpts {
    pub fn new() -> SandboxOpts {
        SandboxOpts::default()
    }

    /// Its files go in `dir` (the test's temp dir), not in a temp dir of its own.
    pub fn in_dir(mut self, dir: &Path) -> SandboxOpts {
        self.dir = Some(dir.to_path_buf());
        self
    }

    /// Starts from `seed` (a [`SandboxState`] or its JSON) instead of the built-in seed.
    pub fn seed(mut self, seed: &impl serde::Serialize) -> SandboxOpts {
        self.seed = Some(serde_json::to_value(seed).expect("the seed is JSON"));
        self
    }

    /// Also listens for SOAP when `via` is [`Via::Soap`]; [`Sandbox::url`] is then its URL.
    pub fn via(mut self, via: Via) -> SandboxOpts {
        self.via = via;
        self
    }

    /// Also listens for TLS (self-signed certificate).
    pub fn tls(mut self) -> SandboxOpts {
        self.tls = true;
        self
    }

    /// The plain TCP port (to restart a child on the same URL); free one by default.
    pub fn port(mut self, port: u16) -> SandboxOpts {
        self.port = port;
        self
    }

    /// The administrator password it accepts (user `admin`).
    pub fn password(mut self, password: &str) -> SandboxOpts {
        self.password = password.into();
        self
    }

    /// A delay before every reply.
    pub fn latency(mut self, latency: Duration) -> SandboxOpts {
        self.latency = latency;
        self
    }

    /// Records every received document ([`Sandbox::record`]).
    pub fn record(mut self) -> SandboxOpts {
        self.record = true;
        self
    }

    /// Fault rules, in `huntctl sandbox --fault` syntax.
    pub fn faults(mut self, rules: &[&str]) -> SandboxOpts {
        self.faults = rules.iter().map(|r| r.to_string()).collect();
        self
    }

    /// Rewrites the state file once the journal holds this many bytes.
    pub fn compact_every(mut self, bytes: u64) -> SandboxOpts {
        self.compact_every = Some(bytes);
        self
    }

    /// Replaces an existing state file with the seed (`--reset`).
    pub fn reset(mut self) -> SandboxOpts {
        self.reset = true;
        self
    }

    /// A child's `RUST_LOG` (its log lines are in what [`ChildSandbox::interrupt`] returns).
    pub fn log(mut self, filter: &str) -> SandboxOpts {
        self.log = Some(filter.into());
        self
    }

    /// The directory (a new temp dir when none was given, kept alive by the returned guard),
    /// with the seed written into it.
    fn prepare(&self) -> (Option<tempfile::TempDir>, Files) {
        let (tmp, dir) = match &self.dir {
            Some(d) => (None, d.clone()),
            None => {
                let t = tempfile::tempdir().expect("a temp dir for the sandbox");
                let d = t.path().to_path_buf();
                (Some(t), d)
            }
        };
        let files = Files::in_dir(&dir);
        if let Some(seed) = &self.seed {
            let json = serde_json::to_vec_pretty(seed).expect("the seed serialises");
            std::fs::write(&files.seed, json).expect("the seed file is written");
        }
        (tmp, files)
    }

    fn config(&self, files: &Files) -> SandboxConfig {
        let loopback = |port| Some(SocketAddr::from(([127, 0, 0, 1], port)));
        let mut c = SandboxConfig::embedded(files.state.clone());
        c.tcp_listen = loopback(self.port);
        c.tls_listen = if self.tls { loopback(0) } else { None };
        c.soap_listen = if self.via == Via::Soap {
            loopback(0)
        } else {
            None
        };
        c.seed = self.seed.as_ref().map(|_| files.seed.clone());
        c.reset = self.reset;
        c.password = self.password.clone();
        c.latency = self.latency;
        c.record = self.record.then(|| files.record.clone());
        c.faults = parse_faults(&self.faults);
        c.compact_every = self.compact_every;
        c
    }

    /// Starts it in this process, on a runtime of its own (tests may be async or not).
    pub fn start(self) -> Sandbox {
        assert!(self.log.is_none(), "log() is for a child sandbox");
        let (tmp, files) = self.prepare();
        let config = self.config(&files);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the sandbox");
        let mut s = Sandbox {
            _tmp: tmp,
            files,
            config,
            via: self.via,
            rt: Some(rt),
            handle: None,
            url: String::new(),
        };
        s.launch();
        s
    }

    /// Starts `huntctl sandbox` as a child process and waits until it listens.
    pub fn spawn(self) -> ChildSandbox {
        let (tmp, files) = self.prepare();
        let mut args: Vec<String> = vec!["sandbox".into(), "--listen".into()];
        args.push(format!("127.0.0.1:{}", self.port));
        let path = |p: &Path| p.to_str().expect("a UTF-8 temp path").to_string();
        args.extend(["--state".into(), path(&files.state)]);
        args.extend(["--password".into(), self.password.clone()]);
        if self.seed.is_some() {
            args.extend(["--seed".into(), path(&files.seed)]);
        }
        if self.record {
            args.extend(["--record".into(), path(&files.record)]);
        }
        if self.tls {
            args.extend(["--tls-listen".into(), "127.0.0.1:0".into()]);
            args.extend(["--cert-out".into(), path(&files.cert)]);
        }
        if self.via == Via::Soap {
            args.extend(["--soap-listen".into(), "127.0.0.1:0".into()]);
        }
        if !self.latency.is_zero() {
            args.extend(["--latency-ms".into(), self.latency.as_millis().to_string()]);
        }
        for rule in &self.faults {
            args.extend(["--fault".into(), rule.clone()]);
        }
        if let Some(n) = self.compact_every {
            args.extend(["--compact-every".into(), n.to_string()]);
        }
        if self.reset {
            args.push("--reset".into());
        }
        let mut run = huntctl(files.dir());
        if let Some(filter) = &self.log {
            run = run.env("RUST_LOG", filter);
        }
        let mut child = run.spawn(&args, Stdio::piped(), Stdio::piped());
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let stderr = child.stderr.take().expect("piped stderr");
        let err = std::thread::spawn(move || read_all(stderr));
        // The banner: one "listening on" line per transport, then the state line.
        let (mut banner, mut tcp, mut tls, mut soap) = (String::new(), None, None, None);
        while !banner.contains("Ctrl-C stops") {
            let mut line = String::new();
            let n = stdout.read_line(&mut line).expect("the sandbox's stdout");
            if n == 0 {
                let _ = child.wait();
                panic!(
                    "the sandbox exited:\n{banner}{}",
                    err.join().unwrap_or_default()
                );
            }
            let addr = |scheme: &str| {
                line.trim()
                    .strip_prefix(&format!("huntctl sandbox listening on {scheme}://"))
                    .map(str::to_string)
            };
            tcp = tcp.or_else(|| addr("tcp"));
            tls = tls.or_else(|| addr("tls"));
            soap = soap.or_else(|| {
                let url = line
                    .trim()
                    .strip_prefix("huntctl sandbox listening on http://")?;
                Some(format!("http://{url}"))
            });
            banner += &line;
        }
        assert!(
            banner.starts_with("huntctl sandbox listening on tcp://"),
            "{banner}"
        );
        // Keep reading its stdout: a full pipe, or a closed one, would stop the child.
        let out = std::thread::spawn(move || banner + &read_all(stdout));
        let tcp = tcp.expect("a TCP address in the banner");
        let url = match self.via {
            Via::Tcp => format!("tcp://{tcp}"),
            Via::Soap => soap.expect("a SOAP URL in the banner"),
        };
        ChildSandbox {
            _tmp: tmp,
            files,
            child,
            output: Some((out, err)),
            url,
            tcp,
            tls,
        }
    }
}

fn parse_faults(rules: &[impl AsRef<str>]) -> Vec<FaultRule> {
    rules
        .iter()
        .map(|r| {
            let r = r.as_ref();
            FaultRule::parse(r).unwrap_or_else(|e| panic!("fault rule {r}: {e}"))
        })
        .collect()
}

fn read_all(mut r: impl Read) -> String {
    let mut s = String::new();
    let _ = r.read_to_string(&mut s);
    s
}

/// Where a sandbox keeps its files.
#[derive(Debug, Clone)]
struct Files {
    state: PathBuf,
    record: PathBuf,
    seed: PathBuf,
    cert: PathBuf,
}

impl Files {
    fn in_dir(dir: &Path) -> Files {
        Files {
            state: dir.join("sandbox-state.json"),
            record: dir.join("sandbox-record.xml"),
            seed: dir.join("sandbox-seed.json"),
            cert: dir.join("sandbox-cert.pem"),
        }
    }

    fn dir(&self) -> &Path {
        self.state.parent().expect("the state file is in a dir")
    }

    fn state(&self) -> SandboxState {
        state::load(&self.state).unwrap_or_else(|e| panic!("sandbox state: {e}"))
    }

    /// The record from byte `from` on (empty when nothing was recorded).
    fn record_since(&self, from: usize) -> String {
        let b = std::fs::read(&self.record).unwrap_or_default();
        String::from_utf8_lossy(b.get(from..).unwrap_or_default()).into_owned()
    }
}

/// Runs the future `make` returns on `rt`, from a thread of its own: the caller may be an
/// async test, whose thread must not block on another runtime.
fn block_on<T: Send, F: Future<Output = T>>(
    rt: &tokio::runtime::Runtime,
    make: impl FnOnce() -> F + Send,
) -> T {
    std::thread::scope(|s| {
        s.spawn(|| rt.block_on(make()))
            .join()
            .expect("the sandbox's runtime thread")
    })
}

/// A sandbox running in this process; stops (writing its state a last time) when dropped.
pub struct Sandbox {
    _tmp: Option<tempfile::TempDir>,
    files: Files,
    config: SandboxConfig,
    via: Via,
    rt: Option<tokio::runtime::Runtime>,
    handle: Option<SandboxHandle>,
    url: String,
}

impl Sandbox {
    fn launch(&mut self) {
        let rt = self.rt.as_ref().expect("the sandbox's runtime");
        let c = self.config.clone();
        let h = block_on(rt, move || sb::start(c)).expect("the sandbox starts");
        self.url = match self.via {
            Via::Tcp => format!("tcp://{}", h.tcp_addr().expect("a TCP listener")),
            Via::Soap => h.soap_url().expect("a SOAP listener"),
        };
        self.handle = Some(h);
    }

    /// The running server, for tests that speak OCI-P to it themselves.
    pub fn handle(&self) -> &SandboxHandle {
        self.handle.as_ref().expect("the sandbox is running")
    }

    /// The URL huntctl is given: `tcp://…`, or the SOAP URL for [`Via::Soap`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `tls://…` ([`SandboxOpts::tls`]).
    pub fn tls_url(&self) -> String {
        format!(
            "tls://{}",
            self.handle().tls_addr().expect("a TLS listener")
        )
    }

    /// Its self-signed certificate (PEM, [`SandboxOpts::tls`]).
    pub fn cert_pem(&self) -> String {
        self.handle().cert_pem().expect("a TLS listener")
    }

    /// The administrator password it accepts.
    pub fn password(&self) -> &str {
        &self.config.password
    }

    /// Sends `requests` as another tool would (a change "by another route"): the library's
    /// pool, logged in as the administrator, on a runtime of its own; one result a request.
    pub fn send(
        &self,
        requests: Vec<huntctl::ocip::messages::Request>,
    ) -> Vec<Result<huntctl::ocip::messages::Response, huntctl::ocip::CommandFailure>> {
        use huntctl::ocip::{ConnectionSettings, Execute, Pool};
        let settings = ConnectionSettings::new(
            self.url(),
            "admin",
            huntctl::model::Secret::new(self.password()),
        );
        super::block_on(async {
            let pool = Pool::connect(settings)
                .await
                .expect("log in to the sandbox");
            let out = pool.execute(requests).await;
            pool.close().await;
            out
        })
    }

    /// Its directory: where its files are, and the working directory of its huntctl runs.
    pub fn dir(&self) -> &Path {
        self.files.dir()
    }

    /// A path in its directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    /// Writes a file (a desired state) into its directory.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p
    }

    /// The state file.
    pub fn state_path(&self) -> &Path {
        &self.files.state
    }

    /// The persisted state (the sandbox writes it before replying to any write).
    pub fn state(&self) -> SandboxState {
        self.files.state()
    }

    /// One hunt group as the sandbox holds it.
    pub fn hg(&self, id: &str) -> Option<HuntGroupState> {
        find_hg(&self.state(), id)
    }

    /// The record file ([`SandboxOpts::record`]).
    pub fn record_path(&self) -> &Path {
        &self.files.record
    }

    /// Every document recorded so far.
    pub fn record(&self) -> String {
        self.record_since(0)
    }

    /// The record's length in bytes (0 when nothing was recorded).
    pub fn record_len(&self) -> usize {
        std::fs::metadata(&self.files.record).map_or(0, |m| m.len() as usize)
    }

    /// What was recorded from byte `from` on.
    pub fn record_since(&self, from: usize) -> String {
        self.files.record_since(from)
    }

    /// Stops it; it then holds everything in its state file (and no journal).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let (Some(rt), Some(h)) = (&self.rt, self.handle.take()) {
            block_on(rt, move || h.shutdown());
        }
    }

    /// Stops it and starts it again on the same files, with `faults` instead of its rules.
    pub fn restart(&mut self, faults: &[&str]) {
        self.shutdown();
        self.config.faults = parse_faults(faults);
        self.launch();
    }

    /// The binary, in its directory, with its login in the environment (no URL).
    pub fn huntctl(&self) -> Huntctl {
        huntctl(self.dir()).login(&self.config.user, self.password())
    }

    /// The binary in its directory with its URL and login in the environment, as a CI job
    /// runs it.
    pub fn connected(&self) -> Huntctl {
        self.huntctl().env("BROADWORKS_URL", self.url())
    }

    /// `huntctl SUB --url URL --user admin ARGS…` in its directory (the password in the
    /// environment).
    pub fn run(&self, sub: &str, args: &[&str]) -> Out {
        let mut all = vec![sub, "--url", self.url(), "--user", &self.config.user];
        all.extend_from_slice(args);
        self.huntctl().run(all)
    }

    pub fn plan(&self, args: &[&str]) -> Out {
        self.run("plan", args)
    }

    pub fn apply(&self, args: &[&str]) -> Out {
        self.run("apply", args)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
        // A runtime may not be dropped on an async test's thread either.
        if let Some(rt) = self.rt.take() {
            std::thread::scope(|s| {
                s.spawn(move || drop(rt));
            });
        }
    }
}

/// `huntctl sandbox` running as a child process; killed (SIGKILL) if still running when
/// dropped.
pub struct ChildSandbox {
    _tmp: Option<tempfile::TempDir>,
    files: Files,
    child: Child,
    /// The threads reading its stdout (from the banner on) and its stderr.
    output: Option<(JoinHandle<String>, JoinHandle<String>)>,
    tcp: String,
    tls: Option<String>,
    url: String,
}

impl ChildSandbox {
    /// The URL huntctl is given: `tcp://…`, or the SOAP URL for [`Via::Soap`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its plain TCP address.
    pub fn tcp_addr(&self) -> &str {
        &self.tcp
    }

    /// Its TLS address ([`SandboxOpts::tls`]).
    pub fn tls_addr(&self) -> &str {
        self.tls.as_deref().expect("a TLS listener")
    }

    /// The certificate it wrote (`--cert-out`).
    pub fn cert_pem(&self) -> String {
        std::fs::read_to_string(&self.files.cert).expect("the sandbox wrote its certificate")
    }

    /// The state file.
    pub fn state_path(&self) -> &Path {
        &self.files.state
    }

    /// The record file ([`SandboxOpts::record`]).
    pub fn record_path(&self) -> &Path {
        &self.files.record
    }

    /// Like a crash: SIGKILL, no shutdown.
    pub fn kill(mut self) {
        self.child.kill().expect("the sandbox is killed");
        self.wait();
    }

    /// SIGINT, as Ctrl-C: it stops cleanly. Returns everything it printed (stdout, stderr).
    pub fn interrupt(mut self) -> String {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid");
        // SAFETY: kill(2) with the id of our own child, which has not been waited for.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "SIGINT");
        self.wait()
    }

    fn wait(&mut self) -> String {
        let _ = self.child.wait();
        match self.output.take() {
            Some((out, err)) => out.join().unwrap_or_default() + &err.join().unwrap_or_default(),
            None => String::new(),
        }
    }
}

impl Drop for ChildSandbox {
    fn drop(&mut self) {
        if self.output.is_some() {
            let _ = self.child.kill();
            self.wait();
        }
    }
}
