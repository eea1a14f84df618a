//! Opening the connection every server-facing command shares: a session pool to BroadWorks,
//! or to an embedded sandbox started in-process (`--sandbox`).

use crate::cli::{self, ConnectionArgs};
use crate::model::Secret;
use crate::ocip::settings::{read_password_file, Endpoint, LoginFlow, MAX_BATCH};
use crate::ocip::{ClientError, ConnectionSettings, Pool};
use crate::sandbox::{self, SandboxConfig, SandboxHandle};
use indicatif::{ProgressBar, ProgressStyle};
use miette::{miette, IntoDiagnostic};
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

/// Builds connection settings from the command line; the password comes from `--password-file`
/// or `BROADWORKS_PASSWORD`, never from an argument. Prints a warning for `--insecure`.
pub fn connection_settings(args: &ConnectionArgs) -> Result<ConnectionSettings, ClientError> {
    let s = connection_settings_with_env(args, std::env::var("BROADWORKS_PASSWORD").ok())?;
    if s.insecure {
        eprintln!(
            "WARNING: --insecure: the server's TLS certificate is NOT verified. Anyone on the \
             network path can impersonate the server and read the BroadWorks password."
        );
    }
    Ok(s)
}

/// [`connection_settings`] with the password variable passed in (testable).
pub fn connection_settings_with_env(
    args: &ConnectionArgs,
    env_password: Option<String>,
) -> Result<ConnectionSettings, ClientError> {
    let url = args
        .url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .ok_or(ClientError::NoUrl)?;
    Endpoint::parse(&url)?;
    let user = args
        .user
        .clone()
        .filter(|u| !u.trim().is_empty())
        .ok_or(ClientError::NoUser)?;
    let password = match &args.password_file {
        Some(path) => read_password_file(path)?,
        None => env_password
            .filter(|p| !p.is_empty())
            .ok_or(ClientError::NoPassword)?,
    };
    Ok(ConnectionSettings {
        ca_cert: args.ca_cert.clone(),
        insecure: args.insecure,
        login: args.login.map(login_flow),
        parallelism: usize::from(args.parallelism).max(1),
        batch_size: usize::from(args.batch_size).clamp(1, MAX_BATCH),
        connect_timeout: Duration::from_secs(args.connect_timeout.max(1)),
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        ..ConnectionSettings::new(url, user, Secret::new(password))
    })
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
            s.connect_timeout = Duration::from_secs(args.connect_timeout.max(1));
            s.request_timeout = Duration::from_secs(args.request_timeout.max(1));
            s.login = args.login.map(login_flow);
            (s, Some(handle))
        } else {
            (connection_settings(args)?, None)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> ConnectionArgs {
        ConnectionArgs {
            url: Some("tcp://bw.example.com".into()),
            user: Some("admin".into()),
            password_file: None,
            sandbox: false,
            ca_cert: None,
            insecure: false,
            login: None,
            parallelism: 3,
            batch_size: 10,
            connect_timeout: 5,
            request_timeout: 7,
        }
    }

    #[test]
    fn password_from_env_or_file() {
        let s = connection_settings_with_env(&args(), Some("pw".into())).unwrap();
        assert_eq!(s.password.expose(), "pw");
        assert_eq!((s.parallelism, s.batch_size), (3, 10));
        assert_eq!(s.request_timeout, Duration::from_secs(7));
        assert!(matches!(
            connection_settings_with_env(&args(), None),
            Err(ClientError::NoPassword)
        ));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret \r\n").unwrap();
        let mut a = args();
        a.password_file = Some(f);
        let s = connection_settings_with_env(&a, Some("ignored".into())).unwrap();
        assert_eq!(s.password.expose(), "s3cret ");
        assert!(!format!("{s:?}").contains("s3cret"));
        a.url = None;
        let e = connection_settings_with_env(&a, None).unwrap_err();
        assert!(e.to_string().contains("--url"));
    }
}
