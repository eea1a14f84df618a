//! Fault injection rules, for tests of how clients cope with a misbehaving server.
//!
//! Syntax (one rule per `--fault`):
//! - `close-after=N`: the document holding the N-th counted command is carried out (and
//!   persisted), then the connection closes without a reply: "write sent, reply lost".
//! - `drop-before=N`: the document holding the N-th counted command is not carried out; the
//!   connection closes on receiving it.
//! - `stall-after=N`: the document holding the N-th counted command is never answered nor
//!   carried out; the connection stays open (the client must time out).
//! - `malformed-after=N`: that document is carried out, and the reply is not well-formed XML.
//! - `wrong-count-after=N`: that document is carried out, and the reply holds one response too few.
//! - `error=GLOB:CODE`: every command whose serviceUserId matches GLOB is answered with
//!   `[Error CODE] Injected fault` without being carried out (fires every time).
//! - `write-error=GLOB:CODE`: the same for write commands only (reads of those hunt groups
//!   still work, so a client can plan and then see some writes of a batch refused).
//!
//! An active-list request (several hunt groups in one command) matches when any of its hunt
//! groups does, and is then refused whole, as BroadWorks refuses it for one bad hunt group.
//!
//! Counted commands are hunt group commands (login, authentication and logout are not counted),
//! summed over all connections since start, starting at 1. Each numbered rule fires once.
//! `KIND=write:N` counts only write commands (add, modify, weights, delete) instead, so a test
//! can aim at the N-th write whatever reads a client makes first.

use std::sync::atomic::{AtomicBool, Ordering};

/// What a numbered rule does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Run the document, then close without replying.
    CloseAfter,
    /// Close on receiving the document, without running it.
    DropBefore,
    /// Never answer the document (and do not run it).
    StallAfter,
    /// Run the document, reply with malformed XML.
    MalformedAfter,
    /// Run the document, reply with one response too few.
    WrongCountAfter,
}

/// One fault rule.
#[derive(Debug)]
pub enum FaultRule {
    /// A rule that fires once, on the document holding the N-th counted command.
    At {
        /// What happens.
        kind: FaultKind,
        /// The command number (1-based).
        n: u64,
        /// Count only write commands (`KIND=write:N`).
        writes_only: bool,
        /// Set once it fired.
        fired: AtomicBool,
    },
    /// Commands whose serviceUserId matches answer with this error code.
    Error {
        /// The pattern as written.
        pattern: String,
        /// The compiled pattern.
        glob: globset::GlobMatcher,
        /// The error code.
        code: u32,
        /// Only write commands (`write-error=`).
        writes_only: bool,
    },
}

impl Clone for FaultRule {
    fn clone(&self) -> Self {
        match self {
            FaultRule::At {
                kind,
                n,
                writes_only,
                fired,
            } => FaultRule::At {
                kind: *kind,
                n: *n,
                writes_only: *writes_only,
                fired: AtomicBool::new(fired.load(Ordering::SeqCst)),
            },
            FaultRule::Error {
                pattern,
                glob,
                code,
                writes_only,
            } => FaultRule::Error {
                pattern: pattern.clone(),
                glob: glob.clone(),
                code: *code,
                writes_only: *writes_only,
            },
        }
    }
}

impl FaultRule {
    /// Parses a rule such as `close-after=3` or `error=*-vip@*:4008`.
    pub fn parse(s: &str) -> Result<FaultRule, String> {
        let (key, value) = s
            .split_once('=')
            .ok_or_else(|| format!("fault rule {s:?}: expected KIND=VALUE"))?;
        let kind = match key.trim() {
            "close-after" => FaultKind::CloseAfter,
            "drop-before" => FaultKind::DropBefore,
            "stall-after" => FaultKind::StallAfter,
            "malformed-after" => FaultKind::MalformedAfter,
            "wrong-count-after" => FaultKind::WrongCountAfter,
            "error" | "write-error" => {
                let (pattern, code) = value
                    .rsplit_once(':')
                    .ok_or_else(|| format!("fault rule {s:?}: expected error=GLOB:CODE"))?;
                let code: u32 = code
                    .trim()
                    .parse()
                    .map_err(|_| format!("fault rule {s:?}: {code:?} is not an error code"))?;
                let glob = globset::Glob::new(pattern)
                    .map_err(|e| format!("fault rule {s:?}: {e}"))?
                    .compile_matcher();
                return Ok(FaultRule::Error {
                    pattern: pattern.to_string(),
                    glob,
                    code,
                    writes_only: key.trim() == "write-error",
                });
            }
            other => {
                return Err(format!(
                    "fault rule {s:?}: unknown kind {other:?} (close-after, drop-before, stall-after, malformed-after, wrong-count-after, error, write-error)"
                ))
            }
        };
        let (writes_only, count) = match value.trim().strip_prefix("write:") {
            Some(rest) => (true, rest),
            None => (false, value.trim()),
        };
        let n: u64 = count
            .trim()
            .parse()
            .map_err(|_| format!("fault rule {s:?}: {value:?} is not a command count"))?;
        if n == 0 {
            return Err(format!("fault rule {s:?}: commands are counted from 1"));
        }
        Ok(FaultRule::At {
            kind,
            n,
            writes_only,
            fired: AtomicBool::new(false),
        })
    }

    /// For a document holding counted commands `first..=last` and, among them, write
    /// commands `writes` (first, last; `None` when it holds no write), the kind of this rule
    /// if it fires now (marking it fired).
    pub(crate) fn fire(
        &self,
        (first, last): (u64, u64),
        writes: Option<(u64, u64)>,
    ) -> Option<FaultKind> {
        let within =
            |n: u64, range: Option<(u64, u64)>| range.is_some_and(|(a, b)| a <= n && n <= b);
        match self {
            FaultRule::At {
                kind,
                n,
                writes_only,
                fired,
            } if within(
                *n,
                if *writes_only {
                    writes
                } else {
                    Some((first, last))
                },
            ) =>
            {
                fired
                    .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                    .ok()
                    .map(|_| *kind)
            }
            _ => None,
        }
    }

    /// The injected error code for a command about `service_user_id` (a write command when
    /// `is_write`), if this rule matches.
    pub(crate) fn error_for(&self, service_user_id: &str, is_write: bool) -> Option<u32> {
        match self {
            FaultRule::Error {
                glob,
                code,
                writes_only,
                ..
            } if glob.is_match(service_user_id) && (is_write || !writes_only) => Some(*code),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rules() {
        assert!(matches!(
            FaultRule::parse("close-after=3"),
            Ok(FaultRule::At {
                kind: FaultKind::CloseAfter,
                n: 3,
                ..
            })
        ));
        let e = FaultRule::parse("error=*-vip@*:4008").unwrap();
        assert_eq!(e.error_for("sales-vip@company.com", false), Some(4008));
        assert_eq!(e.error_for("sales@company.com", true), None);
        let w = FaultRule::parse("write-error=*-vip@*:4500").unwrap();
        assert_eq!(w.error_for("sales-vip@company.com", true), Some(4500));
        assert_eq!(w.error_for("sales-vip@company.com", false), None);
        assert!(FaultRule::parse("close-after=0").is_err());
        assert!(FaultRule::parse("explode=1").is_err());
        assert!(FaultRule::parse("error=x").is_err());
    }

    #[test]
    fn fires_once() {
        let r = FaultRule::parse("stall-after=2").unwrap();
        assert_eq!(r.fire((3, 4), None), None);
        assert_eq!(r.fire((1, 2), None), Some(FaultKind::StallAfter));
        assert_eq!(r.fire((1, 2), None), None);
    }

    #[test]
    fn write_rules_count_only_writes() {
        let r = FaultRule::parse("close-after=write:3").unwrap();
        // Commands 1..=5 of which none are writes: the 3rd command is not the 3rd write.
        assert_eq!(r.fire((1, 5), None), None);
        assert_eq!(r.fire((6, 7), Some((1, 2))), None);
        assert_eq!(r.fire((8, 22), Some((3, 17))), Some(FaultKind::CloseAfter));
        assert_eq!(r.fire((8, 22), Some((3, 17))), None);
        assert!(FaultRule::parse("close-after=write:0").is_err());
        assert!(FaultRule::parse("close-after=write:x").is_err());
    }
}
