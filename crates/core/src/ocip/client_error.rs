//! Errors of the OCI-P client that stop a command (bad settings, no connection, failed login).

use std::path::PathBuf;

/// Why the client could not get going. Never carries a password.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ClientError {
    /// No server URL was given, and `BROADWORKS_URL` is not set.
    #[error("no server URL: none was given and BROADWORKS_URL is not set")]
    NoUrl,
    /// No user was given, and `BROADWORKS_USER` is not set.
    #[error("no user: none was given and BROADWORKS_USER is not set")]
    NoUser,
    /// No password was given, and `BROADWORKS_PASSWORD` is not set (or empty).
    #[error("no password: none was given and BROADWORKS_PASSWORD is not set")]
    NoPassword,
    /// The password file cannot be read.
    #[error("cannot read the password file {}: {message}", path.display())]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// `huntctl.toml`, or the named server in it, cannot be used.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// The URL is not usable.
    #[error("invalid server URL {url:?}: {message}")]
    #[diagnostic(help(
        "examples: tcp://host:2208, tls://host:2209, https://host/webservice/services/ProvisioningService"
    ))]
    BadUrl {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// TLS could not be set up (certificates).
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// No connection to the server.
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The server URL.
        url: String,
        /// Why.
        message: String,
    },
    /// The server's TLS certificate is not signed by a trusted CA: the fix is the CA's
    /// certificate (`--ca-cert`, `ca-cert` in huntctl.toml, Python's `ca_cert=`).
    #[error("cannot connect to {url}: {message}")]
    Certificate {
        /// The server URL.
        url: String,
        /// The cause and the fix, in one sentence.
        message: String,
    },
    /// The server refused the login.
    #[error("login as {user:?} failed: {message}")]
    #[diagnostic(help("check the user id and the password"))]
    Login {
        /// The administrator user id.
        user: String,
        /// The server's message (or what went wrong on the way).
        message: String,
        /// The OCI-P error code, when the server sent one.
        code: Option<u32>,
    },
}
