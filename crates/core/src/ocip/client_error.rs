//! Errors of the OCI-P client that stop a command (bad settings, no connection, failed login).

use std::path::PathBuf;

/// Why the client could not get going. Never carries a password.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ClientError {
    /// No server URL.
    #[error("no server URL: pass --url or set BROADWORKS_URL (or use --sandbox)")]
    NoUrl,
    /// No user.
    #[error("no user: pass --user or set BROADWORKS_USER")]
    NoUser,
    /// No password.
    #[error("no password: set BROADWORKS_PASSWORD or pass --password-file FILE")]
    #[diagnostic(help(
        "the password is never taken from the command line, where `ps` would show it"
    ))]
    NoPassword,
    /// The password file cannot be read.
    #[error("cannot read the password file {}: {message}", path.display())]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
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
    /// The server refused the login.
    #[error("login as {user:?} failed: {message}")]
    #[diagnostic(help(
        "check the user id and the password (BROADWORKS_PASSWORD or --password-file)"
    ))]
    Login {
        /// The administrator user id.
        user: String,
        /// The server's message (or what went wrong on the way).
        message: String,
        /// The OCI-P error code, when the server sent one.
        code: Option<u32>,
    },
}
