//! Connection settings shared by every command that talks to a server.

use super::client_error::ClientError;
use crate::cli::{ConnectionArgs, LoginFlow};
use crate::model::Secret;
use std::path::{Path, PathBuf};
use std::time::Duration;

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

    /// Builds settings from the command line; the password comes from `--password-file` or
    /// `BROADWORKS_PASSWORD`, never from an argument. Prints a warning for `--insecure`.
    pub fn from_args(args: &ConnectionArgs) -> Result<Self, ClientError> {
        let s = Self::from_args_with_env(args, std::env::var("BROADWORKS_PASSWORD").ok())?;
        if s.insecure {
            eprintln!(
                "WARNING: --insecure: the server's TLS certificate is NOT verified. Anyone on the \
                 network path can impersonate the server and read the BroadWorks password."
            );
        }
        Ok(s)
    }

    /// [`from_args`](Self::from_args) with the password variable passed in (testable).
    pub fn from_args_with_env(
        args: &ConnectionArgs,
        env_password: Option<String>,
    ) -> Result<Self, ClientError> {
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
            login: args.login,
            parallelism: usize::from(args.parallelism).max(1),
            batch_size: usize::from(args.batch_size).clamp(1, MAX_BATCH),
            connect_timeout: Duration::from_secs(args.connect_timeout.max(1)),
            request_timeout: Duration::from_secs(args.request_timeout.max(1)),
            ..ConnectionSettings::new(url, user, Secret::new(password))
        })
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

fn read_password_file(path: &Path) -> Result<String, ClientError> {
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

    #[test]
    fn password_from_env_or_file() {
        let s = ConnectionSettings::from_args_with_env(&args(), Some("pw".into())).unwrap();
        assert_eq!(s.password.expose(), "pw");
        assert_eq!((s.parallelism, s.batch_size), (3, 10));
        assert_eq!(s.request_timeout, Duration::from_secs(7));
        assert!(matches!(
            ConnectionSettings::from_args_with_env(&args(), None),
            Err(ClientError::NoPassword)
        ));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret \r\n").unwrap();
        let mut a = args();
        a.password_file = Some(f);
        let s = ConnectionSettings::from_args_with_env(&a, Some("ignored".into())).unwrap();
        assert_eq!(s.password.expose(), "s3cret ");
        assert!(!format!("{s:?}").contains("s3cret"));
        a.url = None;
        let e = ConnectionSettings::from_args_with_env(&a, None).unwrap_err();
        assert!(e.to_string().contains("--url"));
    }
}
