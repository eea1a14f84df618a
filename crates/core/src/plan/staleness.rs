//! Whether a plan made earlier still fits the server (`apply --plan`): by the fingerprint of
//! the state it was made against, or, for plans made without a read (undo plans), by the state
//! each change expects its hunt group in.

use super::{diff_one, Action, Change, CurrentState, GroupKey, Plan};
use serde::{Deserialize, Serialize};

/// How a plan made earlier is checked against the state read again before it is applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaleCheck {
    /// The state read again must have [`Plan::fingerprint`] (plans made by `plan`).
    #[default]
    Fingerprint,
    /// Each change's `before` is the state its hunt group must be in (`None`: absent),
    /// compared as the diff compares desired with current state (undo plans).
    ExpectedState,
}

impl StaleCheck {
    /// True for the default, which saved plans leave out.
    pub fn is_fingerprint(&self) -> bool {
        *self == StaleCheck::Fingerprint
    }
}

/// A hunt group that is not as a plan made earlier expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The hunt group.
    pub service_user_id: String,
    /// How it differs: the fields, or that it is gone or there.
    pub what: String,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.service_user_id, self.what)
    }
}

/// Why a plan made earlier no longer fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staleness {
    /// It fits: it may be applied.
    Fresh,
    /// The state read differs from the fingerprint (which cannot say where).
    Fingerprint,
    /// These hunt groups are not as the plan expects.
    Drift(Vec<Drift>),
}

impl Plan {
    /// Checks `current` (read again with [`super::fetch_scope`] over [`Plan::scope`]) against
    /// what the plan was made for ([`Plan::stale_check`]).
    pub fn staleness(&self, current: &CurrentState) -> Staleness {
        match self.stale_check {
            StaleCheck::Fingerprint if super::fingerprint(current) == self.fingerprint => {
                Staleness::Fresh
            }
            StaleCheck::Fingerprint => Staleness::Fingerprint,
            StaleCheck::ExpectedState => {
                let drift: Vec<Drift> = self
                    .changes
                    .iter()
                    .filter_map(|c| drift_of(c, current))
                    .collect();
                if drift.is_empty() {
                    Staleness::Fresh
                } else {
                    Staleness::Drift(drift)
                }
            }
        }
    }

    /// True when `current` is not the state the plan was made for ([`Plan::staleness`]).
    pub fn is_stale(&self, current: &CurrentState) -> bool {
        self.staleness(current) != Staleness::Fresh
    }
}

/// How the hunt group of `c` differs from the state `c.before` expects, if it does.
fn drift_of(c: &Change, current: &CurrentState) -> Option<Drift> {
    let key = GroupKey::new(&c.service_provider_id, &c.group_id);
    // A rename finds its hunt group under the id it has before.
    let id = c.renamed_from.as_deref().unwrap_or(&c.service_user_id);
    let now = current.get(&key, id);
    let what = match (&c.before, now) {
        (None, None) => return None,
        (None, Some(_)) => "exists, and the plan expects it absent".to_string(),
        (Some(_), None) => "no longer exists".to_string(),
        (Some(expected), Some(now)) => {
            let cc = current
                .groups
                .get(&key)
                .and_then(|g| g.country_codes.get(id))
                .cloned();
            let change = diff_one(expected, now.clone(), cc)?;
            if change.action == Action::NoOp {
                return None;
            }
            let mut fields: Vec<String> = change
                .changed_paths()
                .into_iter()
                .map(String::from)
                .collect();
            if let Some(a) = &change.agents {
                if a.list_changed() && !fields.iter().any(|f| f == "agentUserId") {
                    fields.push("agentUserId".into());
                }
                if !a.weights.is_empty() && !fields.iter().any(|f| f == "agentWeight") {
                    fields.push("agentWeight".into());
                }
            }
            if fields.is_empty() {
                "differs from what the plan expects".to_string()
            } else {
                format!("{} changed since", fields.join(", "))
            }
        }
    };
    Some(Drift {
        service_user_id: c.service_user_id.clone(),
        what,
    })
}
