//! Opening the connection every server-facing command shares: a session pool to BroadWorks,
//! or to an embedded sandbox started in-process (`--sandbox`).

use crate::cli::{self, ConnectionArgs};
use crate::error::{Error, Result};
use huntctl_core::model::Secret;
use huntctl_core::ocip::settings::{ConnectionInput, LoginFlow};
use huntctl_core::ocip::Pool;
use huntctl_sandbox::{self as sandbox, SandboxConfig, SandboxHandle};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The embedded sandbox's state file; `HUNTCTL_SANDBOX_STATE` overrides it (tests use their own).
pub fn embedded_state_path() -> PathBuf {
    std::env::var_os("HUNTCTL_SANDBOX_STATE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".huntctl/sandbox.json"))
}

/// The library's login flow for `--login`.
pub fn login_flow(flow: cli::LoginFlow) -> LoginFlow {
    match flow {
        cli::LoginFlow::Signed => LoginFlow::Signed,
        cli::LoginFlow::Plain => LoginFlow::Plain,
    }
}

/// The connection settings the flags give; the library fills in (and checks) the rest: the
/// URL and user from `BROADWORKS_URL` / `BROADWORKS_USER` (clap reads those too, for `--help`)
/// and the password from `--password-file` or `BROADWORKS_PASSWORD`, never from an argument.
pub fn connection_input(args: &ConnectionArgs) -> ConnectionInput {
    ConnectionInput {
        url: args.url.clone(),
        user: args.user.clone(),
        password: None,
        password_file: args.password_file.clone(),
        ca_cert: args.ca_cert.clone(),
        insecure: args.insecure,
        login: args.login.map(login_flow),
        parallelism: Some(usize::from(args.parallelism)),
        batch_size: Some(usize::from(args.batch_size)),
        connect_timeout: Some(Duration::from_secs(args.connect_timeout)),
        request_timeout: Some(Duration::from_secs(args.request_timeout)),
        max_rate: args.max_rate,
    }
}

/// Starts the embedded sandbox (state in [`embedded_state_path`]) and points `input` at it.
async fn start_embedded_sandbox(input: &mut ConnectionInput) -> Result<SandboxHandle> {
    let state = embedded_state_path();
    let config = SandboxConfig::embedded(state.clone());
    let (user, password) = (config.user.clone(), config.password.clone());
    let handle = sandbox::start(config).await?;
    let Some(addr) = handle.tcp_addr() else {
        handle.shutdown().await;
        return Err(Error::Usage(
            "the embedded sandbox has no TCP listener".into(),
        ));
    };
    eprintln!(
        "Using the embedded sandbox on tcp://{addr} (state: {})",
        state.display()
    );
    input.url = Some(format!("tcp://{addr}"));
    input.user = Some(user);
    input.password = Some(Secret::new(password));
    input.password_file = None;
    Ok(handle)
}

/// A logged-in pool, and the embedded sandbox it talks to when `--sandbox` was given.
pub struct Connection {
    /// The session pool (implements [`huntctl_core::ocip::Execute`]).
    pub pool: Pool,
    sandbox: Option<SandboxHandle>,
}

impl Connection {
    /// Starts the embedded sandbox when asked, then logs in.
    pub async fn open(args: &ConnectionArgs) -> Result<Connection> {
        let mut input = connection_input(args);
        let sandbox = if args.sandbox {
            let handle = start_embedded_sandbox(&mut input).await?;
            Some(handle)
        } else {
            None
        };
        let env = |k: &str| (!args.sandbox).then(|| std::env::var(k).ok()).flatten();
        let settings = match input.resolve(env) {
            Ok(s) => s,
            Err(e) => {
                if let Some(h) = sandbox {
                    h.shutdown().await;
                }
                return Err(e.into());
            }
        };
        if settings.insecure {
            eprintln!(
                "WARNING: --insecure: the server's TLS certificate is NOT verified. Anyone on the \
                 network path can impersonate the server and read the BroadWorks password."
            );
        }
        match Pool::connect(settings).await {
            Ok(pool) => Ok(Connection { pool, sandbox }),
            Err(e) => {
                if let Some(h) = sandbox {
                    h.shutdown().await;
                }
                Err(e.into())
            }
        }
    }

    /// Starts [`Connection::close`] on the runtime and returns at once, so that work which
    /// no longer needs the server (diff, rendering, output) overlaps the logout round trip.
    /// Call [`Closing::finish`] before the runtime is dropped, or the logouts may not be sent.
    pub fn close_in_background(self) -> Closing {
        Closing(tokio::spawn(self.close()))
    }

    /// Runs the plan operation on this connection, with a progress bar on a terminal.
    pub async fn plan(
        &self,
        desired: &huntctl_core::desired::DesiredState,
        opts: &huntctl_core::ops::PlanOptions,
    ) -> std::result::Result<huntctl_core::plan::Plan, huntctl_core::ops::Error> {
        let bar = self.progress("Reading hunt groups", desired.hunt_groups.len());
        let planned = huntctl_core::ops::plan(&self.pool, desired, opts).await;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        tracing::debug!("fetched");
        planned
    }

    /// Shows a progress bar on a terminal while `total` commands run; silent otherwise.
    pub fn progress(&self, message: &'static str, total: usize) -> Option<ProgressBar> {
        if !std::io::stderr().is_terminal() || total == 0 {
            return None;
        }
        let bar = ProgressBar::new(total as u64);
        // Under --max-rate the run takes as long as the cap says: the bar shows the cap and
        // its estimate, and ticks while documents wait for their turn.
        let template = match self.pool.max_rate() {
            Some(_) => "{msg} [{bar:30}] {pos}/{len} ({elapsed}, about {eta} left)",
            None => "{msg} [{bar:30}] {pos}/{len} ({elapsed})",
        };
        let style = ProgressStyle::with_template(template).map(|s| s.progress_chars("=> "));
        if let Ok(style) = style {
            bar.set_style(style);
        }
        match self.pool.max_rate() {
            Some(r) => {
                bar.set_message(format!("{message} (at most {r} commands/s)"));
                bar.enable_steady_tick(Duration::from_millis(200));
            }
            None => bar.set_message(message),
        }
        let b = bar.clone();
        self.pool
            .set_progress(Some(Arc::new(move |n| b.inc(n as u64))));
        Some(bar)
    }

    /// Logs out every session and stops the embedded sandbox.
    pub async fn close(self) {
        self.pool.set_progress(None);
        self.pool.close().await;
        if let Some(h) = self.sandbox {
            h.shutdown().await;
        }
    }
}

/// A connection being closed in the background (see [`Connection::close_in_background`]).
pub struct Closing(tokio::task::JoinHandle<()>);

impl Closing {
    /// Waits until every session has logged out and the embedded sandbox has stopped.
    pub async fn finish(self) {
        if let Err(e) = self.0.await {
            tracing::warn!("closing the connection failed: {e}");
        }
    }
}

/// True when output to stdout should be coloured: a terminal, and `NO_COLOR` not set.
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
