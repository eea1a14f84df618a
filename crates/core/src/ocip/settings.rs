//! Connection settings shared by every command that talks to a server.

use super::client_error::ClientError;
use crate::config::{Config, ConfigError, ServerConfig, SERVER_ENV};
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
    /// At most this many commands per second (`--max-rate`, `max-rate`); `None`: no cap.
    pub max_rate: Option<u32>,
    /// The named server of `huntctl.toml` these settings came from, if any.
    pub server: Option<ServerConfig>,
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
            max_rate: None,
            server: None,
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

/// What a front end gathered to connect, each piece optional:
/// [`ConnectionInput::resolve`] takes what is missing from the environment and checks and
/// bounds it all, once for every front end (CLI flags and Python keyword arguments alike).
#[derive(Debug, Clone, Default)]
pub struct ConnectionInput {
    /// Server URL; else `BROADWORKS_URL`.
    pub url: Option<String>,
    /// Administrator user id; else `BROADWORKS_USER`.
    pub user: Option<String>,
    /// Administrator password; else read from `password_file`; else `BROADWORKS_PASSWORD`.
    pub password: Option<Secret>,
    /// A file holding the password (see [`read_password_file`]).
    pub password_file: Option<PathBuf>,
    /// Extra CA certificate (PEM) to trust.
    pub ca_cert: Option<PathBuf>,
    /// Skip certificate verification.
    pub insecure: bool,
    /// Forced login flow.
    pub login: Option<LoginFlow>,
    /// Sessions used concurrently (default 4, at least 1, at most [`MAX_PARALLELISM`]).
    pub parallelism: Option<usize>,
    /// Commands per document (default and at most [`MAX_BATCH`], at least 1).
    pub batch_size: Option<usize>,
    /// Wait for a connection (default 10 s, at least 1 ms).
    pub connect_timeout: Option<Duration>,
    /// Wait for each reply (default 60 s, at least 1 ms).
    pub request_timeout: Option<Duration>,
    /// At most this many commands per second; else the server's `max-rate`; else no cap.
    pub max_rate: Option<u32>,
    /// The named server of `huntctl.toml` to use; else `HUNTCTL_SERVER`; else the file's
    /// `default-server`. Its settings fill in what is not given here or in `BROADWORKS_*`.
    pub server: Option<String>,
    /// Where to look for `huntctl.toml` (this directory, then its parents); `None`: nowhere
    /// (a front end passes the current directory).
    pub config_dir: Option<PathBuf>,
    /// The desired-state files and directories the connection is for: refused before anything
    /// else (the password command included) when outside the named server's `paths`.
    pub desired_paths: Vec<PathBuf>,
}

/// The most sessions huntctl opens at once: beyond it a server's per-administrator session
/// limit is the bottleneck, not round trips.
pub const MAX_PARALLELISM: usize = 64;

impl ConnectionInput {
    /// The settings, with the URL, user and password taken from `env` (a lookup of
    /// `BROADWORKS_URL`, `BROADWORKS_USER`, `BROADWORKS_PASSWORD`; pass `std::env::var`'s
    /// `ok()`) where not given. Empty values count as missing.
    ///
    /// With a named server of `huntctl.toml` ([`ConnectionInput::server`], `HUNTCTL_SERVER`
    /// or the file's `default-server`), each setting is taken from what is given here, else
    /// from its `BROADWORKS_*` variable, else from the server; `desired_paths` outside the
    /// server's `paths` are refused first, before its password is looked up.
    pub fn resolve(
        self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ConnectionSettings, ClientError> {
        let server = self.named_server(&env)?;
        if let Some(srv) = &server {
            srv.check_paths(&self.desired_paths)?;
        }
        let from = |f: fn(&ServerConfig) -> Option<String>| server.as_ref().and_then(f);
        let given =
            |v: Option<String>, var: &str| v.or_else(|| env(var)).filter(|s| !s.trim().is_empty());
        let url = given(self.url, "BROADWORKS_URL")
            .or_else(|| from(|s| s.url.clone()))
            .ok_or(ClientError::NoUrl)?;
        Endpoint::parse(&url)?;
        let user = given(self.user, "BROADWORKS_USER")
            .or_else(|| from(|s| s.user.clone()))
            .ok_or(ClientError::NoUser)?;
        let password = match (self.password, &self.password_file) {
            (Some(p), _) if !p.expose().is_empty() => p,
            (_, Some(path)) => Secret::new(read_password_file(path)?),
            _ => match env("BROADWORKS_PASSWORD").filter(|p| !p.is_empty()) {
                Some(p) => Secret::new(p),
                None => server
                    .as_ref()
                    .map(|s| s.password(&env))
                    .transpose()?
                    .flatten()
                    .ok_or(ClientError::NoPassword)?,
            },
        };
        let mut s = ConnectionSettings::new(url, user, password);
        let srv = server.clone().unwrap_or_default();
        s.ca_cert = self.ca_cert.or(srv.ca_cert);
        s.insecure = self.insecure;
        s.login = self.login.or(srv.login);
        s.max_rate = self.max_rate.or(srv.max_rate).filter(|n| *n > 0);
        let ms = Duration::from_millis(1);
        if let Some(n) = self.parallelism.or(srv.parallelism) {
            s.parallelism = n.clamp(1, MAX_PARALLELISM);
        }
        if let Some(n) = self.batch_size.or(srv.batch_size) {
            s.batch_size = n.clamp(1, MAX_BATCH);
        }
        if let Some(t) = self.connect_timeout.or(srv.connect_timeout) {
            s.connect_timeout = t.max(ms);
        }
        if let Some(t) = self.request_timeout.or(srv.request_timeout) {
            s.request_timeout = t.max(ms);
        }
        s.server = server;
        Ok(s)
    }

    /// The named server: the one asked for ([`ConnectionInput::server`], else
    /// `HUNTCTL_SERVER`), else the `default-server` of the `huntctl.toml` found, else none.
    pub fn named_server(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<ServerConfig>, ClientError> {
        let asked = match (&self.server, env(SERVER_ENV)) {
            (Some(n), _) => Some((n.clone(), "--server / server=")),
            (None, Some(n)) if !n.trim().is_empty() => Some((n, SERVER_ENV)),
            _ => None,
        };
        let config = match &self.config_dir {
            Some(dir) => Config::discover(dir)?,
            None => None,
        };
        let Some(config) = config else {
            return match asked {
                Some((name, how)) => Err(ConfigError::NoFile {
                    name,
                    how: how.to_string(),
                    dir: self.config_dir.clone().unwrap_or_default(),
                }
                .into()),
                None => Ok(None),
            };
        };
        match asked.map(|(n, _)| n).or(config.default_server.clone()) {
            Some(name) => Ok(Some(config.server(&name)?.clone())),
            None => Ok(None),
        }
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

    fn input() -> ConnectionInput {
        ConnectionInput {
            url: Some("tcp://bw.example.com".into()),
            user: Some("admin".into()),
            parallelism: Some(3),
            batch_size: Some(10),
            request_timeout: Some(Duration::from_secs(7)),
            ..ConnectionInput::default()
        }
    }

    #[test]
    fn password_from_argument_file_or_environment() {
        let env = |v: &'static str| move |k: &str| (k == "BROADWORKS_PASSWORD").then(|| v.into());
        let s = input().resolve(env("pw")).unwrap();
        assert_eq!(s.password.expose(), "pw");
        assert_eq!((s.parallelism, s.batch_size), (3, 10));
        assert_eq!(s.request_timeout, Duration::from_secs(7));
        assert!(matches!(
            input().resolve(|_| None),
            Err(ClientError::NoPassword)
        ));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret \r\n").unwrap();
        let mut a = input();
        a.password_file = Some(f);
        let s = a.clone().resolve(env("ignored")).unwrap();
        assert_eq!(s.password.expose(), "s3cret ");
        assert!(!format!("{s:?}").contains("s3cret"));
        a.password = Some(Secret::new("given"));
        assert_eq!(
            a.clone().resolve(|_| None).unwrap().password.expose(),
            "given"
        );
        a.url = None;
        let e = a.clone().resolve(|_| None).unwrap_err();
        assert!(matches!(e, ClientError::NoUrl));
        // The library names the variable, not a front end's flag.
        assert!(e.to_string().contains("BROADWORKS_URL") && !e.to_string().contains("--"));
        let from_env = a
            .resolve(|k| (k == "BROADWORKS_URL").then(|| "tls://h".into()))
            .unwrap();
        assert_eq!(from_env.url, "tls://h");
    }

    #[test]
    fn tuning_is_bounded_the_same_for_every_front_end() {
        let mut a = input();
        a.password = Some(Secret::new("pw"));
        a.parallelism = Some(0);
        a.batch_size = Some(99);
        a.connect_timeout = Some(Duration::ZERO);
        let s = a.resolve(|_| None).unwrap();
        assert_eq!((s.parallelism, s.batch_size), (1, MAX_BATCH));
        assert_eq!(s.connect_timeout, Duration::from_millis(1));
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
}
