//! Everything that stops a `huntctl` command, rendered in one place with its exit code.
//!
//! The library's errors say what is wrong in its own terms; this is where the command line adds
//! how to fix it with its flags (`--force`, `--url`, …). Desired-state errors render with every
//! diagnostic (file, line, column, snippet) followed by one summary line.

use huntctl_core::config::ConfigError;
use huntctl_core::ocip::ClientError;
use huntctl_core::ops;
use huntctl_sandbox::SandboxError;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operation of the library failed.
    #[error(transparent)]
    Op(#[from] ops::Error),
    /// A saved plan no longer matches the server (and, when the plan can tell, where).
    #[error(
        "saved plan is stale: the hunt groups it covers changed on the server since {} was made{}",
        .0.display(),
        .1.iter().map(|d| format!("\n  {d}")).collect::<String>()
    )]
    StalePlan(PathBuf, Vec<huntctl_core::plan::Drift>),
    /// Connecting or logging in failed (or the connection settings are incomplete).
    #[error(transparent)]
    Connect(#[from] ClientError),
    /// The embedded sandbox could not start.
    #[error("cannot start the embedded sandbox: {0}")]
    Sandbox(#[from] SandboxError),
    /// An argument is not usable (a bad pattern or address, a file name against its format).
    #[error("{0}")]
    Usage(String),
    /// The output (files or stdout) could not be written.
    #[error("{0}")]
    Output(String),
    /// Apply needs a confirmation that cannot be asked for.
    #[error(
        "refusing to apply without confirmation: not on a terminal and --auto-approve was not given"
    )]
    NoTerminal,
    /// A file or the terminal could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl Error {
    /// An I/O error while doing `what`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io {
            what: what.into(),
            source,
        }
    }

    /// The process exit code: 1 for every error (2 is clap's, for a command line it cannot
    /// parse, and `plan --detailed-exitcode`'s "there are changes").
    pub fn exit_code(&self) -> u8 {
        1
    }

    /// How to fix it on the command line, when there is something to say.
    pub fn help(&self) -> Option<String> {
        let text = match self {
            Error::Op(ops::Error::Refused(_)) => {
                "re-run with --force (or raise --delete-threshold) if this is intended"
            }
            Error::Op(ops::Error::SecretsMissing { .. }) => {
                "put the passwords back in the desired-state files, or plan again and apply the new plan"
            }
            Error::StalePlan(_, drift) if drift.is_empty() => {
                "run `huntctl plan --out` again, review it, and apply the new plan"
            }
            Error::StalePlan(..) => {
                "those hunt groups changed after the plan was made (an undo no longer describes \
                 what to reverse): plan the state you want from your files instead"
            }
            Error::Connect(ClientError::NoUrl) => {
                "pass --url or set BROADWORKS_URL, name a server of huntctl.toml with --server \
                 (or HUNTCTL_SERVER), or use --sandbox"
            }
            Error::Connect(ClientError::Certificate { .. }) => {
                "pass --ca-cert FILE with the PEM certificate of the CA that signed the server's \
                 certificate, or set ca-cert = \"FILE\" for the server in huntctl.toml"
            }
            Error::Connect(ClientError::Config(ConfigError::OutsidePaths { .. })) => {
                "use the server these files belong to (--server NAME), or add their directory to \
                 this server's paths in huntctl.toml"
            }
            Error::Connect(ClientError::Config(ConfigError::PasswordCommand { .. })) => {
                "run the command yourself to see why it fails (its output is never shown here)"
            }
            Error::Connect(ClientError::Config(ConfigError::Invalid { .. })) => {
                "huntctl.toml's keys: default-server, and [server.NAME] with url, user, \
                 password-env, password-command, password-file, ca-cert, login, paths, \
                 parallelism, batch-size, max-rate, connect-timeout, request-timeout \
                 (schemas/huntctl.schema.json)"
            }
            Error::Connect(ClientError::NoUser) => "pass --user or set BROADWORKS_USER",
            Error::Connect(ClientError::NoPassword) => {
                "set BROADWORKS_PASSWORD or pass --password-file FILE; the password is never \
                 taken from the command line, where `ps` would show it"
            }
            Error::Connect(ClientError::Login { .. }) => {
                "check the user id and the password (BROADWORKS_PASSWORD or --password-file)"
            }
            Error::Connect(ClientError::BadUrl { .. }) => {
                "examples: tcp://host:2208, tls://host:2209, \
                 https://host/webservice/services/ProvisioningService"
            }
            Error::Connect(ClientError::Tls(_)) => {
                "trust the server's CA with --ca-cert FILE (PEM)"
            }
            Error::NoTerminal => "pass --auto-approve in pipelines, after reviewing the plan",
            _ => return None,
        };
        Some(text.to_string())
    }

    /// The text printed on stderr.
    pub fn render(&self) -> String {
        if let Error::Op(ops::Error::Invalid(d)) = self {
            return format!(
                "{}{} error(s): desired state is not valid; nothing was sent to the server\n",
                d.render(stderr_color()),
                d.error_count()
            );
        }
        // The message may quote a server's text or a file's value: escaped, never raw.
        let mut out = format!(
            "Error: {}\n",
            huntctl_core::text::escape_controls(&self.to_string())
        );
        if let Some(h) = self.help() {
            out.push_str(&format!(
                "  help: {}\n",
                huntctl_core::text::escape_controls(&h)
            ));
        }
        out
    }
}

/// True when stderr should be coloured: a terminal, and `NO_COLOR` not set.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// What a command returns: its exit code, or the error that stopped it.
pub type Result<T, E = Error> = std::result::Result<T, E>;
