//! Connection settings shared by every command that talks to a server.

use super::client_error::ClientError;
use crate::model::Secret;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginFlow {
    /// AuthenticationRequest + LoginRequest14sp4 (nonce, signed password).
    Signed,
    /// LoginRequest22V5 (plain password; for TLS/HTTPS).
    Plain,
}

/// Where the server is, parsed from the URL's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `tcp://host:port` (default port 2208): plain OCI-P over TCP.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// `tls://host:port` (default port 2209): OCI-P over TLS.
    Tls {
        /// Host name or address (also the TLS server name).
        host: String,
        /// Port.
        port: u16,
    },
    /// `http://…` or `https://…`: OCI-P inside SOAP (processOCIMessage).
    Soap {
        /// The full endpoint URL.
        url: String,
        /// True for https.
        tls: bool,
    },
}

impl Endpoint {
    /// Parses a server URL: tcp://, tls://, http:// or https://.
    pub fn parse(url: &str) -> Result<Endpoint, ClientError> {
        let bad = |message: &str| ClientError::BadUrl {
            url: url.to_string(),
            message: message.to_string(),
        };
        let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
        let host = || {
            parsed
                .host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_string())
                .filter(|h| !h.is_empty())
                .ok_or_else(|| bad("no host"))
        };
        match parsed.scheme() {
            "tcp" => Ok(Endpoint::Tcp {
                host: host()?,
                port: parsed.port().unwrap_or(2208),
            }),
            "tls" => Ok(Endpoint::Tls {
                host: host()?,
                port: parsed.port().unwrap_or(2209),
            }),
            s @ ("http" | "https") => {
                host()?;
                Ok(Endpoint::Soap {
                    url: parsed.to_string(),
                    tls: s == "https",
                })
            }
            other => Err(bad(&format!(
                "unknown scheme {other:?}: use tcp://, tls://, http:// or https://"
            ))),
        }
    }

    /// True when the transport is encrypted (TLS or HTTPS).
    pub fn is_encrypted(&self) -> bool {
        matches!(
            self,
            Endpoint::Tls { .. } | Endpoint::Soap { tls: true, .. }
        )
    }

    /// The login flow used when none is forced: the plain password only over encryption.
    pub fn default_login(&self) -> LoginFlow {
        if self.is_encrypted() {
            LoginFlow::Plain
        } else {
            LoginFlow::Signed
        }
    }
}

/// Everything needed to open logged-in sessions.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    /// Server URL (see [`Endpoint::parse`]).
    pub url: String,
    /// Administrator user id.
    pub user: String,
    /// Administrator password (masked in Debug).
    pub password: Secret,
    /// Extra CA certificate (PEM) to trust.
    pub ca_cert: Option<PathBuf>,
    /// Skip certificate verification (warned about loudly).
    pub insecure: bool,
    /// Forced login flow; `None` chooses by transport.
    pub login: Option<LoginFlow>,
    /// Sessions used concurrently.
    pub parallelism: usize,
    /// Commands per document (1–15).
    pub batch_size: usize,
    /// Wait for a connection (and TLS handshake).
    pub connect_timeout: Duration,
    /// Wait for each reply.
    pub request_timeout: Duration,
    /// How often a read-only document is retried on a fresh session after a lost connection.
    pub read_retries: u32,
}

/// The schema allows at most this many commands in a document.
pub const MAX_BATCH: usize = 15;

impl ConnectionSettings {
    /// Settings with the CLI's defaults (4 sessions, 15 per document, 10 s / 60 s, 2 retries).
    pub fn new(url: impl Into<String>, user: impl Into<String>, password: Secret) -> Self {
        ConnectionSettings {
            url: url.into(),
            user: user.into(),
            password,
            ca_cert: None,
            insecure: false,
            login: None,
            parallelism: 4,
            batch_size: MAX_BATCH,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            read_retries: 2,
        }
    }

    /// The parsed URL.
    pub fn endpoint(&self) -> Result<Endpoint, ClientError> {
        Endpoint::parse(&self.url)
    }

    /// The login flow: forced, or chosen by transport.
    pub fn login_flow(&self) -> Result<LoginFlow, ClientError> {
        Ok(match self.login {
            Some(l) => l,
            None => self.endpoint()?.default_login(),
        })
    }
}

/// Reads a password file: the whole file, less one final line break (editors and `echo` add
/// one); an empty password is refused.
pub fn read_password_file(path: &Path) -> Result<String, ClientError> {
    let text = std::fs::read_to_string(path).map_err(|e| ClientError::PasswordFile {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    // Editors and `echo` add a final newline that is not part of the password.
    let p = text.strip_suffix('\n').unwrap_or(&text);
    let p = p.strip_suffix('\r').unwrap_or(p);
    if p.is_empty() {
        return Err(ClientError::PasswordFile {
            path: path.to_path_buf(),
            message: "the file is empty".into(),
        });
    }
    Ok(p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            Endpoint::parse("tcp://h").unwrap(),
            Endpoint::Tcp {
                host: "h".into(),
                port: 2208
            }
        );
        assert_eq!(
            Endpoint::parse("tls://h:1").unwrap(),
            Endpoint::Tls {
                host: "h".into(),
                port: 1
            }
        );
        let e = Endpoint::parse("https://h/webservice/services/ProvisioningService").unwrap();
        assert!(e.is_encrypted());
        assert_eq!(e.default_login(), LoginFlow::Plain);
        assert_eq!(
            Endpoint::parse("http://h/x").unwrap().default_login(),
            LoginFlow::Signed
        );
        assert!(Endpoint::parse("ftp://h").is_err());
        assert!(Endpoint::parse("nonsense").is_err());
    }
}
