//! Secret references: a hunt group password written as where it lives instead of its value.
//!
//! YAML `password: {env: NAME}` / `password: {file: PATH}`, CSV `env:NAME` / `file:PATH` in the
//! password cell, and the same mapping in Python data. A file path is relative to the
//! desired-state file. At load time a reference is only *checked* (the variable is set, the
//! file can be read) so that a missing one is a diagnostic at its file:line:col before anything
//! is sent; the value is read by [`read`] only when a write needs it (a create), and never
//! stored in a plan, an undo file or a report.

use super::diagnostics::DiagnosticCode;
use super::raw::{lookup_path, Loc, Raw, RawGroup, Val};
use super::validate::Pending;
use crate::model::table::{Ty, ValueRef, FIELDS};
use crate::model::{Field, HuntGroup, Secret, SecretSource};
use std::path::{Path, PathBuf};

/// The keys of a reference written as a mapping, and the prefixes of a CSV cell.
pub const ENV: &str = "env";
/// See [`ENV`].
pub const FILE: &str = "file";

/// The help every malformed reference carries.
pub const FORMS: &str = "write `{env: NAME}` or `{file: PATH}` in YAML (CSV: `env:NAME` or \
                         `file:PATH`); a file path is relative to the desired-state file";

/// The source named by `kind` (`env` or `file`) and `target`; an error message when it
/// cannot name one.
pub fn source(kind: &str, target: &str) -> Result<SecretSource, String> {
    let target = target.trim();
    match kind {
        ENV if target.is_empty() => Err("the variable's name is empty".into()),
        ENV if target.contains(['=', '\0']) => Err(format!(
            "`{target}` cannot be an environment variable's name"
        )),
        ENV => Ok(SecretSource::Env(target.to_string())),
        FILE if target.is_empty() => Err("the file's path is empty".into()),
        FILE => Ok(SecretSource::File(PathBuf::from(target))),
        other => Err(format!("unknown reference `{other}`")),
    }
}

/// A CSV password cell that is a reference (`env:NAME`, `file:PATH`): `None` for a literal.
pub fn parse_cell(cell: &str) -> Option<Result<SecretSource, String>> {
    let (kind, target) = cell.split_once(':')?;
    matches!(kind, ENV | FILE).then(|| source(kind, target))
}

/// Reads the value of a reference (a literal is returned as it is). A file loses one final
/// line break; an unset or empty variable, or an unreadable or empty file, is an error that
/// names the reference and never the value.
pub fn read(secret: &Secret) -> Result<Secret, String> {
    let Some(src) = secret.source() else {
        return Ok(secret.clone());
    };
    match src {
        SecretSource::Env(name) => match std::env::var(name) {
            Ok(v) if !v.is_empty() => Ok(secret.with_value(v)),
            Ok(_) => Err(format!("the environment variable {name} is empty")),
            Err(std::env::VarError::NotPresent) => {
                Err(format!("the environment variable {name} is not set"))
            }
            Err(std::env::VarError::NotUnicode(_)) => Err(format!(
                "the environment variable {name} is not valid Unicode"
            )),
        },
        SecretSource::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let v = text.strip_suffix('\n').unwrap_or(&text);
            let v = v.strip_suffix('\r').unwrap_or(v);
            if v.is_empty() {
                return Err(format!("{} is empty", path.display()));
            }
            Ok(secret.with_value(v))
        }
    }
}

/// Checks that a reference can be read, without keeping the value.
fn check(secret: &Secret) -> Result<(), String> {
    read(secret).map(drop)
}

/// The load-time pass over each built hunt group of one file: makes file references relative
/// to the file, checks every reference, and warns once per file about a password in clear.
#[derive(Debug, Default)]
pub struct SecretCheck {
    /// The desired-state file's directory (none for data and text).
    base: Option<PathBuf>,
    warned_clear: bool,
}

impl SecretCheck {
    /// The pass for the file at `path` (`None` for data or text: paths stay as written).
    pub fn for_file(path: Option<&Path>) -> Self {
        SecretCheck {
            base: path.and_then(Path::parent).map(Path::to_path_buf),
            warned_clear: false,
        }
    }

    /// Settles the password of `g` (built from `raw`): `false` when a reference cannot be read
    /// (an error is pushed at the reference).
    pub fn settle(&mut self, g: &mut HuntGroup, raw: &RawGroup, out: &mut Vec<Pending>) -> bool {
        let Some(d) = FIELDS.iter().find(|d| d.ty == Ty::Password) else {
            return true;
        };
        let secret = match d.get(g) {
            Field::Value(ValueRef::Password(s)) => s.clone(),
            _ => return true,
        };
        let loc = lookup_path(d.path)
            .and_then(|ix| raw.get(ix))
            .map_or(raw.loc, |v| v.loc);
        let Some(src) = secret.source() else {
            if !self.warned_clear {
                self.warned_clear = true;
                out.push(
                    Pending::warning(
                        DiagnosticCode::PasswordInClear,
                        loc,
                        "a hunt group password is written in clear in this file",
                    )
                    .field(d.path)
                    .label("in clear")
                    .help(format!(
                        "keep it out of git: {FORMS} (this warning is given once per file)"
                    )),
                );
            }
            return true;
        };
        let secret = match (src, &self.base) {
            (SecretSource::File(p), Some(base)) if p.is_relative() => {
                let s = Secret::reference(SecretSource::File(base.join(p)));
                let _ = d.set(
                    g,
                    Field::Value(crate::model::table::Value::Password(s.clone())),
                );
                s
            }
            _ => secret,
        };
        match check(&secret) {
            Ok(()) => true,
            Err(message) => {
                let help = match secret.source() {
                    Some(SecretSource::Env(n)) => format!(
                        "set {n} in the environment huntctl runs in (CI: a masked secret \
                         variable), or point the password at a file with `{{file: PATH}}`"
                    ),
                    _ => "create the file (its one line is the password), or fix the path: \
                          it is relative to the desired-state file"
                        .to_string(),
                };
                out.push(
                    Pending::error(DiagnosticCode::SecretUnavailable, loc, message)
                        .field(d.path)
                        .label("this password's reference")
                        .help(help),
                );
                false
            }
        }
    }
}

/// A password cell or value that is a malformed reference.
pub fn bad_reference(loc: Loc, path: &str, message: String) -> Pending {
    Pending::error(DiagnosticCode::BadSecretRef, loc, message)
        .field(path)
        .label("not a secret reference")
        .help(FORMS)
}

/// Types a password value that is a reference: `None` when it is not one (a literal, null, a
/// wrong type: typed as text), `Some(None)` when a malformed one was reported.
pub fn typed(
    d: &crate::model::table::FieldDef,
    v: &Val,
    out: &mut Vec<Pending>,
) -> Option<Option<Secret>> {
    let src = match &v.raw {
        Raw::Reference(src) => Ok(src.clone()),
        Raw::Cell(cell) => parse_cell(cell)?,
        _ => return None,
    };
    Some(match src {
        Ok(src) => Some(Secret::reference(src)),
        Err(message) => {
            out.push(bad_reference(v.loc, d.path, message));
            None
        }
    })
}
