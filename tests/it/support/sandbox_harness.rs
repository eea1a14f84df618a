//! A sandbox running in the test process, and the real `huntctl` binary run against it over
//! the wire: the harness of the end-to-end and the pre-flight/undo tests (`#[path]`-included).
//!
//! Every run has the sandbox's temp dir as its working directory, so what huntctl writes
//! beside the files it is given (undo files in `.huntctl/undo/`) stays in that dir.

use huntctl::sandbox::state::{HuntGroupState, SandboxState};
use huntctl::sandbox::{self, FaultRule, SandboxConfig, SandboxHandle};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How the child binary reaches the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Tcp,
    Soap,
}

/// Both transports, for tests that run over each.
pub const BOTH: [Via; 2] = [Via::Tcp, Via::Soap];

/// What a `huntctl` run produced.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs the binary in `cwd` with `args` and `env`, stdin closed (not a terminal), without the
/// caller's BroadWorks connection settings and colours.
pub fn huntctl_in(cwd: &Path, args: &[String], env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_huntctl"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("BROADWORKS_URL")
        .env_remove("BROADWORKS_USER")
        .env_remove("BROADWORKS_PASSWORD")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

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

fn loopback() -> Option<SocketAddr> {
    Some(SocketAddr::from(([127, 0, 0, 1], 0)))
}

/// A sandbox running in this process, its temp dir, and a way to run `huntctl` against it.
pub struct Sb {
    rt: tokio::runtime::Runtime,
    handle: Option<SandboxHandle>,
    dir: tempfile::TempDir,
    via: Via,
}

impl Sb {
    /// A sandbox seeded with `seed`, reached over `via`.
    pub fn new(seed: &SandboxState, via: Via) -> Sb {
        Sb::with(seed, via, &[], Duration::ZERO)
    }

    /// [`Sb::new`] with fault rules (`huntctl sandbox --fault` syntax) and added latency.
    pub fn with(seed: &SandboxState, via: Via, faults: &[&str], latency: Duration) -> Sb {
        let dir = tempfile::tempdir().unwrap();
        let seed_path = dir.path().join("seed.json");
        std::fs::write(&seed_path, serde_json::to_vec_pretty(seed).unwrap()).unwrap();
        let mut config = SandboxConfig::embedded(dir.path().join("state.json"));
        config.seed = Some(seed_path);
        config.tcp_listen = loopback();
        config.soap_listen = if via == Via::Soap { loopback() } else { None };
        config.record = Some(dir.path().join("record.xml"));
        config.latency = latency;
        config.faults = faults
            .iter()
            .map(|f| FaultRule::parse(f).unwrap())
            .collect();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.block_on(sandbox::start(config)).unwrap();
        Sb {
            rt,
            handle: Some(handle),
            dir,
            via,
        }
    }

    /// The URL the binary is given.
    pub fn url(&self) -> String {
        let h = self.handle.as_ref().unwrap();
        match self.via {
            Via::Tcp => format!("tcp://{}", h.tcp_addr().unwrap()),
            Via::Soap => h.soap_url().unwrap(),
        }
    }

    /// A path in the temp dir.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a desired-state file into the temp dir.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Runs `huntctl SUB --url … --user admin ARGS…` in the temp dir.
    pub fn run(&self, sub: &str, args: &[&str]) -> Out {
        let mut all = vec![
            sub.to_string(),
            "--url".into(),
            self.url(),
            "--user".into(),
            "admin".into(),
        ];
        all.extend(args.iter().map(|s| s.to_string()));
        huntctl_in(self.dir.path(), &all, &[("BROADWORKS_PASSWORD", "admin")])
    }

    pub fn plan(&self, args: &[&str]) -> Out {
        self.run("plan", args)
    }

    pub fn apply(&self, args: &[&str]) -> Out {
        self.run("apply", args)
    }

    /// The persisted state (the sandbox writes it before replying to any write).
    pub fn state(&self) -> SandboxState {
        sandbox::state::load(&self.path("state.json")).unwrap()
    }

    /// One hunt group as the sandbox holds it.
    pub fn hg(&self, id: &str) -> Option<HuntGroupState> {
        find_hg(&self.state(), id)
    }

    /// The recorded traffic (`--record`).
    pub fn record(&self) -> String {
        std::fs::read_to_string(self.path("record.xml")).unwrap_or_default()
    }
}

impl Drop for Sb {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}
