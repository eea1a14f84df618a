//! `huntctl.toml`: named servers, found in the current directory or its parents (as Cargo finds
//! its manifest), so that a directory of desired state is tied to the server it belongs to and
//! command lines stop repeating the URL, user and tuning.
//!
//! ```toml
//! default-server = "lab"
//! [server.lab]
//! url = "tls://bw-lab.example.net:2209"
//! user = "admin@lab"
//! password-env = "BW_LAB_PASSWORD"
//! paths = ["hunt-groups/lab"]
//! ```
//!
//! Parsed with the `toml` crate (serde, `deny_unknown_fields`): its errors carry the byte span
//! of the offending key, which becomes file:line:col. Settings are only read here;
//! [`crate::ocip::settings::ConnectionInput::resolve`] merges them under the flags and the
//! `BROADWORKS_*` variables, once for every front end.

use crate::model::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// The file's name.
pub const FILE_NAME: &str = "huntctl.toml";

/// The environment variable that picks a server when `--server` / `server=` is not given.
pub const SERVER_ENV: &str = "HUNTCTL_SERVER";

/// Why `huntctl.toml` or a server of it cannot be used. Never carries a password, nor the
/// output of a password command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read {}: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The file is not valid: bad TOML, an unknown key, a value of the wrong type.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Line (1-based).
        line: usize,
        /// Column (1-based, in characters).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A server was asked for, but no `huntctl.toml` was found.
    #[error(
        "server {name:?} was asked for ({how}), but there is no {FILE_NAME} in {} or its parents",
        dir.display()
    )]
    NoFile {
        /// The server's name.
        name: String,
        /// Where the name came from (`--server`, `HUNTCTL_SERVER`).
        how: String,
        /// Where the search started.
        dir: PathBuf,
    },
    /// The file names no server of that name.
    #[error("{} has no server {name:?} (it has: {})", path.display(), if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownServer {
        /// The file.
        path: PathBuf,
        /// The name asked for.
        name: String,
        /// The servers it has.
        known: Vec<String>,
    },
    /// The server's `password-env` variable is not set.
    #[error("server {server:?}: the environment variable {var} (its password-env) is not set")]
    PasswordEnv {
        /// The server.
        server: String,
        /// The variable.
        var: String,
    },
    /// The server's `password-command` could not be run or failed. Its output is never
    /// shown: a password manager may print the secret with its error.
    #[error("server {server:?}: its password-command ({program}) {what}")]
    PasswordCommand {
        /// The server.
        server: String,
        /// The program (the command's first word only).
        program: String,
        /// "exited with status 1", "could not be started: …", "printed nothing".
        what: String,
    },
    /// The server's `password-file` cannot be read.
    #[error("server {server:?}: cannot read its password-file {}: {message}", path.display())]
    PasswordFile {
        /// The server.
        server: String,
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A desired-state file lies outside the server's `paths`.
    #[error(
        "{} is not in the paths of server {server:?} ({}): refusing it before connecting",
        file.display(),
        paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    OutsidePaths {
        /// The desired-state file or directory.
        file: PathBuf,
        /// The server.
        server: String,
        /// Its paths (as resolved against the file's directory).
        paths: Vec<PathBuf>,
    },
}

/// `huntctl.toml` as written. Keys are kebab-case; unknown ones are refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    default_server: Option<String>,
    #[serde(default)]
    server: BTreeMap<String, toml::Spanned<RawServer>>,
}

/// One `[server.NAME]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawServer {
    url: Option<String>,
    user: Option<String>,
    password_env: Option<String>,
    password_command: Option<Vec<String>>,
    password_file: Option<PathBuf>,
    ca_cert: Option<PathBuf>,
    login: Option<String>,
    paths: Option<Vec<PathBuf>>,
    parallelism: Option<toml::Spanned<i64>>,
    batch_size: Option<toml::Spanned<i64>>,
    max_rate: Option<toml::Spanned<i64>>,
    connect_timeout: Option<toml::Spanned<Seconds>>,
    request_timeout: Option<toml::Spanned<Seconds>>,
}

/// Seconds as TOML writes them: `10` or `2.5`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
enum Seconds {
    Whole(i64),
    Fraction(f64),
}

/// Every key of a `[server.NAME]` table (schemas/huntctl.schema.json lists the same).
pub const SERVER_KEYS: [&str; 13] = [
    "url",
    "user",
    "password-env",
    "password-command",
    "password-file",
    "ca-cert",
    "login",
    "paths",
    "parallelism",
    "batch-size",
    "max-rate",
    "connect-timeout",
    "request-timeout",
];

/// Where a server's password comes from (at most one of them is given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// `password-env`: an environment variable.
    Env(String),
    /// `password-command`: a program and its arguments, run without a shell.
    Command(Vec<String>),
    /// `password-file`: a file (relative to `huntctl.toml`), less its final line break.
    File(PathBuf),
}

/// One named server of `huntctl.toml`. Relative paths are already resolved against the
/// file's directory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServerConfig {
    /// Its name (`[server.NAME]`).
    pub name: String,
    /// `url`.
    pub url: Option<String>,
    /// `user`.
    pub user: Option<String>,
    /// `password-env`, `password-command` or `password-file`.
    pub password: Option<PasswordSource>,
    /// `ca-cert`.
    pub ca_cert: Option<PathBuf>,
    /// `login`: `"signed"` or `"plain"`.
    pub login: Option<crate::ocip::settings::LoginFlow>,
    /// `paths`: the desired state that belongs to it (empty: no restriction).
    pub paths: Vec<PathBuf>,
    /// `parallelism`.
    pub parallelism: Option<usize>,
    /// `batch-size`.
    pub batch_size: Option<usize>,
    /// `max-rate`: commands per second.
    pub max_rate: Option<u32>,
    /// `connect-timeout`, seconds.
    pub connect_timeout: Option<std::time::Duration>,
    /// `request-timeout`, seconds.
    pub request_timeout: Option<std::time::Duration>,
}

/// A loaded `huntctl.toml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The file.
    pub path: PathBuf,
    /// `default-server`.
    pub default_server: Option<String>,
    /// The servers, by name.
    pub servers: BTreeMap<String, ServerConfig>,
}

/// Line and column (1-based, columns in characters) of byte `at` of `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

impl Config {
    /// The `huntctl.toml` in `dir` or its nearest parent that has one.
    pub fn find(dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .map(|d| d.join(FILE_NAME))
            .find(|p| p.is_file())
    }

    /// [`Config::find`], then [`Config::load`].
    pub fn discover(dir: &Path) -> Result<Option<Config>, ConfigError> {
        Config::find(dir).map(|p| Config::load(&p)).transpose()
    }

    /// Reads and checks the file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Config::parse(path, &text)
    }

    /// Checks the text of the file at `path` (relative paths in it are resolved against the
    /// file's directory).
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let invalid = |at: usize, message: String| {
            let (line, column) = line_col(text, at);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            invalid(at, e.message().trim().to_string())
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut servers = BTreeMap::new();
        for (name, s) in raw.server {
            let server = ServerConfig::from_raw(&name, s, base, &invalid)?;
            servers.insert(name, server);
        }
        if let Some(d) = &raw.default_server {
            if !servers.contains_key(d) {
                let at = text.find("default-server").unwrap_or(0);
                return Err(invalid(
                    at,
                    format!(
                        "default-server {d:?} names no [server.{d}] table (the file has: {})",
                        servers.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        Ok(Config {
            path: path.to_path_buf(),
            default_server: raw.default_server,
            servers,
        })
    }

    /// The server named `name`.
    pub fn server(&self, name: &str) -> Result<&ServerConfig, ConfigError> {
        self.servers
            .get(name)
            .ok_or_else(|| ConfigError::UnknownServer {
                path: self.path.clone(),
                name: name.to_string(),
                known: self.servers.keys().cloned().collect(),
            })
    }
}

impl ServerConfig {
    fn from_raw(
        name: &str,
        s: toml::Spanned<RawServer>,
        base: &Path,
        invalid: &dyn Fn(usize, String) -> ConfigError,
    ) -> Result<ServerConfig, ConfigError> {
        // Problems of the table as a whole are reported at its start.
        let at = s.span().start;
        let s = s.into_inner();
        let rel = |p: PathBuf| if p.is_relative() { base.join(p) } else { p };
        let count = |v: Option<toml::Spanned<i64>>, key: &str, max: i64| {
            v.map(|v| {
                let n = *v.get_ref();
                if (1..=max).contains(&n) {
                    Ok(n)
                } else {
                    Err(invalid(
                        v.span().start,
                        format!("{key} must be a whole number from 1 to {max}, not {n}"),
                    ))
                }
            })
            .transpose()
        };
        let secs = |v: Option<toml::Spanned<Seconds>>, key: &str| {
            v.map(|v| {
                let n = match *v.get_ref() {
                    Seconds::Whole(n) => n as f64,
                    Seconds::Fraction(f) => f,
                };
                std::time::Duration::try_from_secs_f64(n)
                    .ok()
                    .filter(|d| !d.is_zero())
                    .ok_or_else(|| {
                        invalid(
                            v.span().start,
                            format!("{key} must be a positive number of seconds, not {n}"),
                        )
                    })
            })
            .transpose()
        };
        let given = [
            s.password_env.is_some(),
            s.password_command.is_some(),
            s.password_file.is_some(),
        ];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(invalid(
                at,
                format!(
                    "server {name:?} gives more than one of password-env, password-command and \
                     password-file: keep one"
                ),
            ));
        }
        let password = match (s.password_env, s.password_command, s.password_file) {
            (Some(v), _, _) => Some(PasswordSource::Env(v)),
            (_, Some(c), _) if c.first().is_none_or(|p| p.trim().is_empty()) => {
                return Err(invalid(
                    at,
                    format!("server {name:?}: password-command needs at least the program to run"),
                ))
            }
            (_, Some(c), _) => Some(PasswordSource::Command(c)),
            (_, _, Some(f)) => Some(PasswordSource::File(rel(f))),
            _ => None,
        };
        let login = match s.login.as_deref() {
            None => None,
            Some("signed") => Some(crate::ocip::settings::LoginFlow::Signed),
            Some("plain") => Some(crate::ocip::settings::LoginFlow::Plain),
            Some(other) => {
                return Err(invalid(
                    at,
                    format!(
                        "server {name:?}: login must be \"signed\" or \"plain\", not {other:?}"
                    ),
                ))
            }
        };
        Ok(ServerConfig {
            name: name.to_string(),
            url: s.url,
            user: s.user,
            password,
            ca_cert: s.ca_cert.map(rel),
            login,
            paths: s.paths.unwrap_or_default().into_iter().map(rel).collect(),
            parallelism: count(s.parallelism, "parallelism", 64)?.map(|n| n as usize),
            batch_size: count(s.batch_size, "batch-size", 15)?.map(|n| n as usize),
            max_rate: count(s.max_rate, "max-rate", i64::from(u32::MAX))?.map(|n| n as u32),
            connect_timeout: secs(s.connect_timeout, "connect-timeout")?,
            request_timeout: secs(s.request_timeout, "request-timeout")?,
        })
    }

    /// The server's password, from its `password-env`, `password-command` or `password-file`
    /// (`None` when it names none). A command runs without a shell; what it prints on stdout,
    /// less one final line break, is the password. Its stderr goes to the terminal when there
    /// is one (a password manager may ask for a passphrase there) and is discarded otherwise,
    /// so that nothing it prints reaches a CI log; it is never captured.
    pub fn password(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Secret>, ConfigError> {
        let strip = |s: &str| {
            let s = s.strip_suffix('\n').unwrap_or(s);
            s.strip_suffix('\r').unwrap_or(s).to_string()
        };
        let Some(src) = &self.password else {
            return Ok(None);
        };
        match src {
            PasswordSource::Env(var) => env(var)
                .filter(|v| !v.is_empty())
                .map(|v| Some(Secret::new(v)))
                .ok_or_else(|| ConfigError::PasswordEnv {
                    server: self.name.clone(),
                    var: var.clone(),
                }),
            PasswordSource::File(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|e| ConfigError::PasswordFile {
                        server: self.name.clone(),
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                Ok(Some(Secret::new(strip(&text))))
            }
            PasswordSource::Command(argv) => {
                let program = argv.first().cloned().unwrap_or_default();
                let failed = |what: String| ConfigError::PasswordCommand {
                    server: self.name.clone(),
                    program: program.clone(),
                    what,
                };
                let out = std::process::Command::new(&program)
                    .args(&argv[1..])
                    .stdin(std::process::Stdio::inherit())
                    .stderr(if std::io::stderr().is_terminal() {
                        std::process::Stdio::inherit()
                    } else {
                        std::process::Stdio::null()
                    })
                    .output()
                    .map_err(|e| failed(format!("could not be started: {e}")))?;
                if !out.status.success() {
                    return Err(failed(match out.status.code() {
                        Some(c) => format!("exited with status {c}"),
                        None => "was killed by a signal".to_string(),
                    }));
                }
                let text = String::from_utf8(out.stdout)
                    .map_err(|_| failed("printed something that is not UTF-8".into()))?;
                let p = strip(&text);
                if p.is_empty() {
                    return Err(failed("printed nothing".into()));
                }
                Ok(Some(Secret::new(p)))
            }
        }
    }

    /// Refuses every path of `files` that lies outside this server's `paths` (none refused
    /// when it has no `paths`). Compared after resolving `.`, `..` and symbolic links, so
    /// `hunt-groups/lab/../prod` is prod's.
    pub fn check_paths(&self, files: &[PathBuf]) -> Result<(), ConfigError> {
        if self.paths.is_empty() {
            return Ok(());
        }
        let allowed: Vec<PathBuf> = self.paths.iter().map(|p| real(p)).collect();
        for f in files {
            let file = real(f);
            if !allowed.iter().any(|a| file.starts_with(a)) {
                return Err(ConfigError::OutsidePaths {
                    file: f.clone(),
                    server: self.name.clone(),
                    paths: self.paths.clone(),
                });
            }
        }
        Ok(())
    }
}

/// `p` with symbolic links, `.` and `..` resolved: canonical when it exists, else its
/// directory canonical and its name appended (an export's output file not written yet), else
/// made absolute as written.
fn real(p: &Path) -> PathBuf {
    if let Ok(r) = std::fs::canonicalize(p) {
        return r;
    }
    let parent = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(parent), p.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/etc/x/huntctl.toml"), text)
    }

    #[test]
    fn the_issues_example_parses() {
        let c = parse(
            r#"default-server = "lab"
[server.lab]
url = "tls://bw-lab.example.net:2209"
user = "admin@lab"
password-env = "BW_LAB_PASSWORD"          # or password-command = ["pass", "show", "bw/lab"]
paths = ["hunt-groups/lab"]               # desired state that belongs to this server
[server.prod]
url = "https://bw.example.net/webservice/services/ProvisioningService"
user = "huntctl@prod"
password-command = ["vault", "kv", "get", "-field=password", "secret/bw/prod"]
paths = ["hunt-groups/prod"]
parallelism = 8
max-rate = 200                            # commands per second (the --max-rate cap)
"#,
        )
        .unwrap();
        assert_eq!(c.default_server.as_deref(), Some("lab"));
        let lab = c.server("lab").unwrap();
        assert_eq!(lab.paths, vec![PathBuf::from("/etc/x/hunt-groups/lab")]);
        assert_eq!(
            lab.password,
            Some(PasswordSource::Env("BW_LAB_PASSWORD".into()))
        );
        let prod = c.server("prod").unwrap();
        assert_eq!((prod.parallelism, prod.max_rate), (Some(8), Some(200)));
        assert!(matches!(prod.password, Some(PasswordSource::Command(ref c)) if c[0] == "vault"));
        let e = c.server("staging").unwrap_err().to_string();
        assert!(
            e.contains("no server \"staging\"") && e.contains("lab, prod"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_have_their_line_and_column() {
        let e = parse("[server.lab]\nurl = \"tcp://h\"\n  pasword-env = \"X\"\n").unwrap_err();
        let ConfigError::Invalid {
            line,
            column,
            message,
            ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!((*line, *column), (3, 3), "{e}");
        assert!(message.contains("pasword-env"), "{message}");
        assert!(
            e.to_string().starts_with("/etc/x/huntctl.toml:3:3: "),
            "{e}"
        );
        let e = parse("[server.lab]\nparallelism = 0\n").unwrap_err();
        assert!(
            matches!(
                e,
                ConfigError::Invalid {
                    line: 2,
                    column: 15,
                    ..
                }
            ),
            "{e}"
        );
        let e = parse("default-server = \"nope\"\n[server.lab]\n").unwrap_err();
        assert!(e.to_string().contains("names no [server.nope]"), "{e}");
        assert!(parse("[server.lab]\nurl = 3\n").is_err());
    }

    #[test]
    fn every_server_key_is_read() {
        let sample = |k: &str| match k {
            "password-command" | "paths" => "[\"x\"]",
            "login" => "\"plain\"",
            "parallelism" | "batch-size" | "max-rate" | "connect-timeout" => "3",
            "request-timeout" => "2.5",
            _ => "\"x\"",
        };
        for k in SERVER_KEYS {
            let text = format!("[server.s]\n{k} = {}\n", sample(k));
            let c = parse(&text).unwrap_or_else(|e| panic!("{k}: {e}"));
            assert_ne!(
                c.servers["s"],
                ServerConfig {
                    name: "s".into(),
                    ..ServerConfig::default()
                },
                "{k}"
            );
        }
        let c = parse("[server.s]\nrequest-timeout = 2.5\nconnect-timeout = 3\n").unwrap();
        let s = &c.servers["s"];
        assert_eq!(
            s.request_timeout,
            Some(std::time::Duration::from_millis(2500))
        );
        assert_eq!(s.connect_timeout, Some(std::time::Duration::from_secs(3)));
    }

    #[test]
    fn a_failing_password_command_names_its_status_not_its_output() {
        let c = parse(
            "[server.lab]\npassword-command = [\"sh\", \"-c\", \"echo hunter2; echo hunter3 >&2; exit 3\"]\n",
        )
        .unwrap();
        let e = c.server("lab").unwrap().password(&|_| None).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("\"lab\"") && text.contains("status 3"),
            "{text}"
        );
        assert!(!text.contains("hunter"), "{text}");
        let ok = parse("[server.lab]\npassword-command = [\"echo\", \"s3cret\"]\n").unwrap();
        let pw = ok.server("lab").unwrap().password(&|_| None).unwrap();
        assert_eq!(
            pw.map(|p| p.expose().to_string()).as_deref(),
            Some("s3cret")
        );
    }

    #[test]
    fn paths_refuse_files_outside_them() {
        let dir = tempfile::tempdir().unwrap();
        for d in ["lab", "prod"] {
            std::fs::create_dir(dir.path().join(d)).unwrap();
        }
        let text = "[server.lab]\npaths = [\"lab\"]\n";
        let c = Config::parse(&dir.path().join(FILE_NAME), text).unwrap();
        let lab = c.server("lab").unwrap();
        assert!(lab.check_paths(&[dir.path().join("lab/a.yaml")]).is_ok());
        let sneaky = dir.path().join("lab/../prod");
        let e = lab.check_paths(&[sneaky]).unwrap_err();
        assert!(matches!(e, ConfigError::OutsidePaths { .. }), "{e}");
        assert!(e.to_string().contains("server \"lab\""), "{e}");
    }
}
