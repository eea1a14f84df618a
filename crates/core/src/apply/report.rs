//! The result of an apply: one entry per hunt group, a summary line, and a JSON report.

use crate::model::HuntGroup;
use crate::ocip::messages::OciError;
use crate::plan::{Action, Change};
use serde::Serialize;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Version of the JSON report document; bumped on incompatible changes.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// How a hunt group ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Added.
    Created,
    /// Modified.
    Updated,
    /// Deleted.
    Deleted,
    /// Nothing to do: it already matched.
    Unchanged,
    /// Not (or not completely) done; see the error and note.
    Failed,
}

impl Outcome {
    /// The word used in reports ("created", …).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Deleted => "deleted",
            Outcome::Unchanged => "unchanged",
            Outcome::Failed => "failed",
        }
    }

    /// True for every outcome but [`Outcome::Failed`].
    pub fn is_success(self) -> bool {
        self != Outcome::Failed
    }
}

/// Why a hunt group failed: the server's `ErrorResponse`, or a transport problem (no code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupError {
    /// The OCI-P error code (`[Error NNNN]`), when the server answered with one.
    pub code: Option<u32>,
    /// The summary.
    pub summary: String,
    /// The detail, when given.
    pub detail: Option<String>,
}

impl GroupError {
    /// From an `ErrorResponse`.
    pub fn from_oci(e: &OciError) -> GroupError {
        GroupError {
            code: e.code,
            summary: e.summary.clone(),
            detail: e.detail.as_ref().map(|d| d.trim().to_string()),
        }
    }

    /// A failure without a server error (not sent, connection lost, …).
    pub fn plain(summary: &str) -> GroupError {
        GroupError {
            code: None,
            summary: summary.to_string(),
            detail: None,
        }
    }
}

impl std::fmt::Display for GroupError {
    /// The server's summary and detail, control characters escaped: a server's text is never
    /// printed as it came.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::text::escape_controls;
        f.write_str(&escape_controls(&self.summary))?;
        if let Some(d) = self.detail.as_deref().filter(|d| !d.is_empty()) {
            write!(f, " ({})", escape_controls(d))?;
        }
        Ok(())
    }
}

/// The result for one hunt group of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    /// Position of the hunt group in [`crate::plan::Plan::changes`].
    pub index: usize,
    /// The hunt group.
    pub service_user_id: String,
    /// What the plan said to do.
    pub action: Action,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it failed.
    pub error: Option<GroupError>,
    /// What happened beyond the outcome ("created, confirmed after reconnect", what was done
    /// before a later command failed, …).
    pub note: Option<String>,
    /// The `xsi:type` of every command sent for it, in order.
    pub commands: Vec<String>,
    /// The type of the last reply (`SuccessResponse`, `ErrorResponse`; empty when none came).
    pub response: String,
    /// Time from its first command to its result, in milliseconds (batched with others).
    pub duration_ms: u64,
    /// The hunt group as planned (the desired state; the current one for a delete). Its
    /// password, if any, is a [`crate::model::Secret`] and always shows masked.
    pub data: HuntGroup,
    /// How each block of the hunt group's user ended (services, forwarding, criteria, DNH),
    /// in the order they were (to be) written; empty when the plan writes none.
    pub blocks: Vec<super::BlockOutcome>,
}

impl GroupResult {
    /// A result with nothing sent yet.
    pub fn new(index: usize, change: &Change, outcome: Outcome) -> GroupResult {
        let data = change
            .after
            .clone()
            .or_else(|| change.before.clone())
            .unwrap_or_else(|| {
                // A delete of a hunt group that was listed but not read: identity only.
                HuntGroup::with_defaults(
                    &change.service_provider_id,
                    &change.group_id,
                    &change.service_user_id,
                )
            });
        GroupResult {
            index,
            service_user_id: change.service_user_id.clone(),
            action: change.action,
            outcome,
            error: None,
            note: None,
            commands: Vec::new(),
            response: String::new(),
            duration_ms: 0,
            data,
            blocks: Vec::new(),
        }
    }

    /// The peer SDK's result entry (`index`, `data`, `command`, `response`, `success`,
    /// `error`) plus huntctl's keys.
    pub fn to_json_value(&self) -> Value {
        let mut v = json!({
            "index": self.index,
            "serviceUserId": self.service_user_id,
            "action": self.action.as_str(),
            "outcome": self.outcome.as_str(),
            "success": self.outcome.is_success(),
            "data": self.data,
            "command": self.commands,
            "response": self.response,
            "error": self.error.as_ref().map(ToString::to_string),
            "errorCode": self.error.as_ref().and_then(|e| e.code),
            "errorSummary": self.error.as_ref().map(|e| e.summary.clone()),
            "errorDetail": self.error.as_ref().and_then(|e| e.detail.clone()),
            "note": self.note,
            "duration_ms": self.duration_ms,
        });
        // Only where the plan wrote blocks: reports of instance-only applies stay as they were.
        if let (false, Some(m)) = (self.blocks.is_empty(), v.as_object_mut()) {
            m.insert("blocks".into(), json!(self.blocks));
        }
        v
    }
}

/// The whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// One result per hunt group of the plan, in plan order.
    pub results: Vec<GroupResult>,
    /// When the run started.
    pub started: SystemTime,
    /// How long it took.
    pub duration: Duration,
}

impl Report {
    /// How many hunt groups ended with `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.results.iter().filter(|r| r.outcome == outcome).count()
    }

    /// How many hunt groups failed.
    pub fn failed(&self) -> usize {
        self.count(Outcome::Failed)
    }

    /// The exit code of `huntctl apply`: 1 if anything failed, else 0.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.failed() > 0)
    }

    /// `Apply complete: 3 created, 1 updated, 0 deleted, 1 failed.`
    pub fn summary_line(&self) -> String {
        format!(
            "Apply complete: {} created, {} updated, {} deleted, {} failed.",
            self.count(Outcome::Created),
            self.count(Outcome::Updated),
            self.count(Outcome::Deleted),
            self.failed()
        )
    }

    /// One line for a hunt group as it finishes, e.g. `+ sales@x.com: created (12 ms)` or
    /// `! sales@x.com: create failed: [Error 4500] … (12 ms)`.
    pub fn render_line(r: &GroupResult) -> String {
        let symbol = match r.outcome {
            Outcome::Created => "+",
            Outcome::Updated => "~",
            Outcome::Deleted => "-",
            Outcome::Unchanged => " ",
            Outcome::Failed => "!",
        };
        let mut line = format!("{symbol} {}: ", r.service_user_id);
        if r.outcome == Outcome::Failed {
            line.push_str(r.action.as_str());
            line.push_str(" failed");
            if let Some(e) = &r.error {
                line.push_str(": ");
                line.push_str(&e.to_string());
            }
            if let Some(n) = &r.note {
                line.push_str("; ");
                line.push_str(n);
            }
        } else {
            // A note on success already says what happened ("created, confirmed after …").
            line.push_str(r.note.as_deref().unwrap_or(r.outcome.as_str()));
        }
        if !r.blocks.is_empty() {
            let blocks: Vec<String> = r
                .blocks
                .iter()
                .map(|b| format!("{} {}", b.block, b.outcome))
                .collect();
            line.push_str(&format!(" [{}]", blocks.join(", ")));
        }
        if !r.commands.is_empty() {
            line.push_str(&format!(" ({} ms)", r.duration_ms));
        }
        // The id, the server's error text and the notes are values from files or the server.
        crate::text::escape_controls(&line).into_owned()
    }

    /// The JSON report (`--report FILE`, `--format json`): a versioned document whose
    /// `results` hold one entry per hunt group with the peer SDK's keys. Passwords are masked.
    pub fn to_json_value(&self) -> Value {
        json!({
            "format_version": REPORT_FORMAT_VERSION,
            "started": rfc3339(self.started),
            "duration_ms": u64::try_from(self.duration.as_millis()).unwrap_or(u64::MAX),
            "summary": {
                "created": self.count(Outcome::Created),
                "updated": self.count(Outcome::Updated),
                "deleted": self.count(Outcome::Deleted),
                "unchanged": self.count(Outcome::Unchanged),
                "failed": self.failed(),
            },
            "results": self.results.iter().map(GroupResult::to_json_value).collect::<Vec<_>>(),
        })
    }

    /// [`Report::to_json_value`] as pretty text.
    pub fn to_json(&self) -> String {
        // Plain JSON values with string keys always serialise.
        serde_json::to_string_pretty(&self.to_json_value()).unwrap_or_default()
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC), without a date-time crate.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_709_210_096_789);
        assert_eq!(rfc3339(t), "2024-02-29T12:34:56.789Z");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(t), "2000-02-29T00:00:00.000Z");
    }
}
