//! Opening the connection every server-facing command shares: a session pool to BroadWorks,
//! or to an embedded sandbox started in-process (`--sandbox`).

use crate::cli::ConnectionArgs;
use crate::model::Secret;
use crate::ocip::{ConnectionSettings, Pool};
use crate::sandbox::{self, SandboxConfig, SandboxHandle};
use indicatif::{ProgressBar, ProgressStyle};
use is_terminal::IsTerminal;
use miette::{miette, IntoDiagnostic};
use std::path::PathBuf;
use std::sync::Arc;

/// The embedded sandbox's state file; `HUNTCTL_SANDBOX_STATE` overrides it (tests use their own).
pub fn embedded_state_path() -> PathBuf {
    std::env::var_os("HUNTCTL_SANDBOX_STATE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".huntctl/sandbox.json"))
}

/// A logged-in pool, and the embedded sandbox it talks to when `--sandbox` was given.
pub struct Connection {
    /// The session pool (implements [`crate::ocip::Execute`]).
    pub pool: Pool,
    sandbox: Option<SandboxHandle>,
}

impl Connection {
    /// Starts the embedded sandbox when asked, then logs in.
    pub async fn open(args: &ConnectionArgs) -> miette::Result<Connection> {
        let (settings, sandbox) = if args.sandbox {
            let state = embedded_state_path();
            let config = SandboxConfig::embedded(state.clone());
            let (user, password) = (config.user.clone(), config.password.clone());
            let handle = sandbox::start(config)
                .await
                .map_err(|e| miette!("cannot start the embedded sandbox: {e}"))?;
            let addr = handle
                .tcp_addr()
                .ok_or_else(|| miette!("the embedded sandbox has no TCP listener"))?;
            eprintln!(
                "Using the embedded sandbox on tcp://{addr} (state: {})",
                state.display()
            );
            let mut s =
                ConnectionSettings::new(format!("tcp://{addr}"), user, Secret::new(password));
            s.parallelism = usize::from(args.parallelism).max(1);
            s.batch_size = usize::from(args.batch_size).clamp(1, 15);
            s.connect_timeout = std::time::Duration::from_secs(args.connect_timeout.max(1));
            s.request_timeout = std::time::Duration::from_secs(args.request_timeout.max(1));
            s.login = args.login;
            (s, Some(handle))
        } else {
            (ConnectionSettings::from_args(args)?, None)
        };
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

    /// Shows a progress bar on a terminal while `total` commands run; silent otherwise.
    pub fn progress(&self, message: &'static str, total: usize) -> Option<ProgressBar> {
        if !std::io::stderr().is_terminal() || total == 0 {
            return None;
        }
        let bar = ProgressBar::new(total as u64);
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({elapsed})")
            .map(|s| s.progress_chars("=> "));
        if let Ok(style) = style {
            bar.set_style(style);
        }
        bar.set_message(message);
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

/// A tokio runtime for one command.
pub fn runtime() -> miette::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .into_diagnostic()
}

/// True when output to stdout should be coloured: a terminal, and `NO_COLOR` not set.
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
