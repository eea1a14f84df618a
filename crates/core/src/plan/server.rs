//! The server a plan was made against, recorded in saved plans and undo plans so that
//! `apply --plan` goes to that server when none is given, and refuses (sending nothing) when a
//! different one is. Never holds a secret: a name, a URL and a user id, or a sandbox's state
//! file.

use crate::ocip::settings::ConnectionSettings;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// Which server: a named server of `huntctl.toml` (with its URL and user), a URL and user, or
/// the embedded sandbox and its state file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerRecord {
    /// The `[server.NAME]` of `huntctl.toml`, when the plan was made through one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The server URL (not for the embedded sandbox, whose port changes every run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The administrator user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The embedded sandbox's state file (absolute), when the plan was made with `--sandbox`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<PathBuf>,
}

impl ServerRecord {
    /// The server `settings` connect to.
    pub fn of(settings: &ConnectionSettings) -> ServerRecord {
        ServerRecord {
            name: settings.server.as_ref().map(|s| s.name.clone()),
            url: Some(settings.url.trim().to_string()),
            user: Some(settings.user.clone()),
            sandbox: None,
        }
    }

    /// The embedded sandbox keeping its state in `state`.
    pub fn sandbox(state: &Path) -> ServerRecord {
        ServerRecord {
            sandbox: Some(std::path::absolute(state).unwrap_or_else(|_| state.to_path_buf())),
            ..ServerRecord::default()
        }
    }

    /// True when both name the same server: the same sandbox state file, or the same URL
    /// (scheme and host compared without case, a final `/` ignored) and user.
    pub fn same_as(&self, other: &ServerRecord) -> bool {
        match (&self.sandbox, &other.sandbox) {
            (Some(a), Some(b)) => same_file(a, b),
            (None, None) => {
                let url = |r: &ServerRecord| {
                    r.url
                        .as_deref()
                        .map(|u| u.trim().trim_end_matches('/').to_ascii_lowercase())
                };
                let user = |r: &ServerRecord| r.user.as_deref().map(str::to_ascii_lowercase);
                url(self) == url(other) && user(self) == user(other)
            }
            _ => false,
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    real(a) == real(b)
}

/// The path with symbolic links resolved where it exists, and `.` / `..` resolved by name
/// where it does not (a sandbox's state file may not have been written yet).
fn real(p: &Path) -> PathBuf {
    if let Ok(r) = std::fs::canonicalize(p) {
        return r;
    }
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl fmt::Display for ServerRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(state) = &self.sandbox {
            return write!(f, "the embedded sandbox (state {})", state.display());
        }
        if let Some(n) = &self.name {
            write!(f, "server {n:?} (")?;
        }
        write!(
            f,
            "{} as {}",
            self.url.as_deref().unwrap_or("?"),
            self.user.as_deref().unwrap_or("?")
        )?;
        if self.name.is_some() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(u: &str, user: &str) -> ServerRecord {
        ServerRecord {
            url: Some(u.into()),
            user: Some(user.into()),
            ..ServerRecord::default()
        }
    }

    #[test]
    fn the_same_server_is_recognised_and_another_is_not() {
        let a = url("tls://BW.example.net:2209/", "admin");
        assert!(a.same_as(&url("tls://bw.example.net:2209", "ADMIN")));
        assert!(!a.same_as(&url("tls://bw.example.net:2210", "admin")));
        assert!(!a.same_as(&url("tls://bw.example.net:2209", "other")));
        let dir = tempfile::tempdir().unwrap();
        let s = ServerRecord::sandbox(&dir.path().join("s.json"));
        assert!(s.same_as(&ServerRecord::sandbox(&dir.path().join("x/../s.json"))));
        assert!(!s.same_as(&ServerRecord::sandbox(&dir.path().join("t.json"))));
        assert!(!s.same_as(&a));
        let named = ServerRecord {
            name: Some("lab".into()),
            ..a.clone()
        };
        assert_eq!(
            named.to_string(),
            "server \"lab\" (tls://BW.example.net:2209/ as admin)"
        );
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.starts_with("{\"sandbox\":"), "{json}");
    }
}
