//! Opening the connection every server-facing command shares: a session pool to BroadWorks,
//! or to an embedded sandbox started in-process (`--sandbox`).

use crate::cli::{self, ConnectionArgs};
use crate::error::{Error, Result};
use huntctl_core::model::Secret;
use huntctl_core::ocip::settings::{ConnectionInput, ConnectionSettings, LoginFlow};
use huntctl_core::ocip::Pool;
use huntctl_core::plan::{Plan, ServerRecord};
use huntctl_sandbox::{self as sandbox, SandboxConfig, SandboxHandle};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
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
/// URL and user from `BROADWORKS_URL` / `BROADWORKS_USER` (clap reads those too, for `--help`),
/// the password from `--password-file` or `BROADWORKS_PASSWORD`, never from an argument, and
/// what is still missing from the named server of `huntctl.toml` (looked for from the current
/// directory up). `desired` are the desired-state paths the command works on: refused when
/// outside that server's `paths`.
pub fn connection_input(args: &ConnectionArgs, desired: &[PathBuf]) -> ConnectionInput {
    ConnectionInput {
        url: args.url.clone(),
        user: args.user.clone(),
        password: None,
        password_file: args.password_file.clone(),
        ca_cert: args.ca_cert.clone(),
        insecure: args.insecure,
        login: args.login.map(login_flow),
        parallelism: args.parallelism.map(usize::from),
        batch_size: args.batch_size.map(usize::from),
        connect_timeout: args.connect_timeout.map(Duration::from_secs),
        request_timeout: args.request_timeout.map(Duration::from_secs),
        max_rate: None,
        server: args.server.clone(),
        config_dir: std::env::current_dir().ok(),
        desired_paths: desired.to_vec(),
    }
}

/// Starts the embedded sandbox keeping its state in `state` and returns the settings that
/// reach it.
async fn start_embedded_sandbox(
    state: &Path,
    args: &ConnectionArgs,
) -> Result<(SandboxHandle, ConnectionSettings)> {
    let config = SandboxConfig::embedded(state.to_path_buf());
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
    let mut input = connection_input(args, &[]);
    input.url = Some(format!("tcp://{addr}"));
    input.user = Some(user);
    input.password = Some(Secret::new(password));
    input.password_file = None;
    input.server = None;
    input.config_dir = None;
    match input.resolve(|_| None) {
        Ok(s) => Ok((handle, s)),
        Err(e) => {
            handle.shutdown().await;
            Err(e.into())
        }
    }
}

/// Where a command is about to connect, resolved (and checked) before anything is sent.
pub struct Target {
    /// The server, as plans record it.
    pub record: ServerRecord,
    how: How,
    args: ConnectionArgs,
}

enum How {
    /// The embedded sandbox, with this state file.
    Sandbox(PathBuf),
    /// A server.
    Server(Box<ConnectionSettings>),
}

/// Why `apply --plan` refuses the server it was given.
fn other_server(plan: &ServerRecord, given: &ServerRecord) -> Error {
    Error::Usage(format!(
        "the plan was made against {plan}, but {given} was given: refusing it, nothing was sent \
         (leave out --url, --server, --sandbox and HUNTCTL_SERVER / BROADWORKS_URL to apply it \
         where it was made, or plan again against this server)"
    ))
}

impl Target {
    /// The server the arguments name (the embedded sandbox with `--sandbox`).
    pub fn resolve(args: &ConnectionArgs, desired: &[PathBuf]) -> Result<Target> {
        Target::from_input(args, connection_input(args, desired))
    }

    fn from_input(args: &ConnectionArgs, input: ConnectionInput) -> Result<Target> {
        if args.sandbox {
            let state = embedded_state_path();
            return Ok(Target {
                record: ServerRecord::sandbox(&state),
                how: How::Sandbox(state),
                args: args.clone(),
            });
        }
        let settings = input.resolve(|k| std::env::var(k).ok())?;
        Ok(Target {
            record: ServerRecord::of(&settings),
            how: How::Server(Box::new(settings)),
            args: args.clone(),
        })
    }

    /// The server for a saved plan: the one it records when the arguments name none, else
    /// the one they name, refused when it is not the plan's.
    pub fn for_saved(args: &ConnectionArgs, plan: &Plan) -> Result<Target> {
        let Some(rec) = &plan.server else {
            return Target::resolve(args, &plan.sources);
        };
        let target = if args.names_server() {
            Target::resolve(args, &plan.sources)?
        } else if let Some(state) = &rec.sandbox {
            Target {
                record: rec.clone(),
                how: How::Sandbox(state.clone()),
                args: args.clone(),
            }
        } else {
            let mut input = connection_input(args, &plan.sources);
            match &rec.name {
                Some(name) => input.server = Some(name.clone()),
                None => {
                    // A plan made by URL: huntctl.toml's default server is not this one.
                    input.url.clone_from(&rec.url);
                    input.user = input.user.or_else(|| rec.user.clone());
                    input.config_dir = None;
                }
            }
            Target::from_input(args, input)?
        };
        if !target.record.same_as(rec) {
            return Err(other_server(rec, &target.record));
        }
        Ok(target)
    }

    /// Starts the embedded sandbox when that is the target, then logs in.
    pub async fn connect(self) -> Result<Connection> {
        let (sandbox, settings) = match self.how {
            How::Sandbox(state) => {
                let (h, s) = start_embedded_sandbox(&state, &self.args).await?;
                (Some(h), s)
            }
            How::Server(s) => (None, *s),
        };
        if settings.insecure {
            eprintln!(
                "WARNING: --insecure: the server's TLS certificate is NOT verified. Anyone on the \
                 network path can impersonate the server and read the BroadWorks password."
            );
        }
        match Pool::connect(settings).await {
            Ok(pool) => Ok(Connection {
                pool,
                sandbox,
                record: self.record,
            }),
            Err(e) => {
                if let Some(h) = sandbox {
                    h.shutdown().await;
                }
                Err(e.into())
            }
        }
    }
}

/// A logged-in pool, and the embedded sandbox it talks to when `--sandbox` was given.
pub struct Connection {
    /// The session pool (implements [`huntctl_core::ocip::Execute`]).
    pub pool: Pool,
    sandbox: Option<SandboxHandle>,
    /// The server, as plans record it.
    pub record: ServerRecord,
}

impl Connection {
    /// Resolves the target ([`Target::resolve`]: `desired` are checked against a named
    /// server's `paths` first), starts the embedded sandbox when asked, then logs in.
    pub async fn open(args: &ConnectionArgs, desired: &[PathBuf]) -> Result<Connection> {
        Target::resolve(args, desired)?.connect().await
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
        let opts = huntctl_core::ops::PlanOptions {
            server: Some(self.record.clone()),
            ..opts.clone()
        };
        let planned = huntctl_core::ops::plan(&self.pool, desired, &opts).await;
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

/// True when output to stdout should be coloured: a terminal, and `NO_COLOR` not set.
pub fn stdout_color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
