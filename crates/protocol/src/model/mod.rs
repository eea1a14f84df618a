//! The one hunt group type shared by desired state (files) and current state (BroadWorks).
//!
//! Desired and current state use the same types so that the diff compares like with like.
//! A field that the user may leave out without a documented default is a [`Field`]: left out
//! means *unmanaged* (never compared, never sent), `null` means *must be absent*.

use serde::{Deserialize, Serialize};
use std::fmt;

pub mod services;
pub mod table;

/// A value that may be managed, asked to be absent, or left alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    /// Left out of the desired state and without a default: huntctl never reads or writes it.
    #[default]
    Unmanaged,
    /// `null` in the desired state (or not set on the server): it must not be set.
    Absent,
    /// A concrete value.
    Value(T),
}

impl<T> Field<T> {
    /// True when the field is not `Unmanaged`.
    pub fn is_managed(&self) -> bool {
        !matches!(self, Field::Unmanaged)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Builds a managed field from an optional server value (`None` = absent).
    pub fn from_option(v: Option<T>) -> Self {
        match v {
            Some(v) => Field::Value(v),
            None => Field::Absent,
        }
    }
}

// Unmanaged fields are skipped by `#[serde(skip_serializing_if = "Field::is_unmanaged")]`;
// Absent serialises as null, so JSON output reads like the YAML the user wrote.
impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Field::from_option(Option::<T>::deserialize(d)?))
    }
}

impl<T> Field<T> {
    /// For `skip_serializing_if`.
    pub fn is_unmanaged(&self) -> bool {
        matches!(self, Field::Unmanaged)
    }
}

/// A secret (hunt group password): never printed, never serialised in clear.
///
/// It is either a value (a literal, or a reference already read) or a reference not yet read
/// ([`Secret::reference`]): desired state names where a password lives (`{env: NAME}`,
/// `{file: PATH}`) and it is read only when a write needs it, so the value is held in memory
/// for as short a time as the work allows and never copied into a plan.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret {
    value: Option<String>,
    source: Option<SecretSource>,
}

/// Where a referenced secret lives. Neither variant is secret itself: plans show it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretSource {
    /// An environment variable, by name.
    Env(String),
    /// A file (the path as it will be opened: relative ones are made relative to the
    /// desired-state file when it is loaded); its final line break is not part of the value.
    File(std::path::PathBuf),
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(n) => write!(f, "env {n}"),
            SecretSource::File(p) => write!(f, "file {}", p.display()),
        }
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret {
            value: Some(s.into()),
            source: None,
        }
    }

    /// A reference not read yet: [`Secret::expose`] gives nothing until
    /// [`Secret::with_value`] fills it in.
    pub fn reference(source: SecretSource) -> Self {
        Secret {
            value: None,
            source: Some(source),
        }
    }

    /// The same reference with the value read from it.
    pub fn with_value(&self, value: impl Into<String>) -> Self {
        Secret {
            value: Some(value.into()),
            source: self.source.clone(),
        }
    }

    /// Where it comes from, when it is a reference (read or not).
    pub fn source(&self) -> Option<&SecretSource> {
        self.source.as_ref()
    }

    /// True once there is a value to send (always for a literal).
    pub fn is_resolved(&self) -> bool {
        self.value.is_some()
    }

    /// The clear text, for the one place that must send it on the wire; empty for a reference
    /// not read yet (writers check [`Secret::is_resolved`] and never send one).
    pub fn expose(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }

    /// How plans show it: `(sensitive, from env NAME)` for a reference, else `literal`.
    pub fn note(&self, literal: &str) -> String {
        match &self.source {
            Some(s) => format!("(sensitive, from {s})"),
            None => literal.to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// What a secret looks like anywhere it is shown.
pub const MASK: &str = "(sensitive)";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(MASK)
    }
}

/// Hunt group call distribution policy (OCI-P `HuntPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Policy {
    /// Sequential hunting through the agents in order.
    #[default]
    Regular,
    /// Round-robin, starting after the last agent that answered.
    Circular,
    /// Ring all agents at once.
    Simultaneous,
    /// Distribute calls evenly.
    Uniform,
    /// Distribute calls by agent weight ("Weighted Call Distribution").
    Weighted,
}

impl Policy {
    /// Every policy, in the order the reference page lists them.
    pub const ALL: [Policy; 5] = [
        Policy::Regular,
        Policy::Circular,
        Policy::Simultaneous,
        Policy::Uniform,
        Policy::Weighted,
    ];

    /// The OCI-P enumeration value.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Regular => "Regular",
            Policy::Circular => "Circular",
            Policy::Simultaneous => "Simultaneous",
            Policy::Uniform => "Uniform",
            Policy::Weighted => "Weighted",
        }
    }

    /// Parses a policy in any case; the bulk-sheet label "Weighted Call Distribution" means Weighted.
    pub fn parse(s: &str) -> Option<Policy> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("Weighted Call Distribution") {
            return Some(Policy::Weighted);
        }
        Policy::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(t))
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One agent of a hunt group, in hunt order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    /// The agent's user id (`name@domain`).
    pub user_id: String,
    /// Weight 0–100 for Weighted groups; `None` leaves the weight unmanaged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u8>,
}

impl Agent {
    /// An agent without a managed weight.
    pub fn new(user_id: impl Into<String>) -> Self {
        Agent {
            user_id: user_id.into(),
            weight: None,
        }
    }
}

/// A hunt group's department: a department of its group, or of its enterprise.
///
/// On the wire it is a `GroupDepartmentKey` or an `EnterpriseDepartmentKey`; the service
/// provider and group ids are the hunt group's own, so only the name and the level are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Department {
    /// The department's name, 1–50 characters.
    pub name: String,
    /// True for an enterprise (service provider) department.
    pub enterprise: bool,
}

impl Department {
    /// A department of the hunt group's group.
    pub fn group(name: impl Into<String>) -> Self {
        Department {
            name: name.into(),
            enterprise: false,
        }
    }

    /// A department of the hunt group's enterprise.
    pub fn enterprise(name: impl Into<String>) -> Self {
        Department {
            name: name.into(),
            enterprise: true,
        }
    }

    /// Reads the JSON a user writes in YAML: the name for a group department,
    /// `{"name": …, "enterprise": true}` for an enterprise one (the shape the field table
    /// writes).
    pub fn from_json(v: &serde_json::Value) -> Option<Self> {
        match v {
            serde_json::Value::String(s) => Some(Department::group(s.as_str())),
            serde_json::Value::Object(m) => Some(Department {
                name: m.get("name")?.as_str()?.to_string(),
                enterprise: m
                    .get("enterprise")
                    .map(|e| e.as_bool())
                    .unwrap_or(Some(false))?,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Department {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.enterprise {
            write!(f, "{} (enterprise)", self.name)
        } else {
            f.write_str(&self.name)
        }
    }
}

/// The hunt group's service instance profile. Its fields are described in [`table::FIELDS`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceInstanceProfile {
    /// Display name (default "Test Group Name").
    pub name: String,
    /// Caller-id last name (default "Last Name").
    pub calling_line_id_last_name: String,
    /// Caller-id first name (default "First Name").
    pub calling_line_id_first_name: String,
    /// Hiragana last name.
    pub hiragana_last_name: Field<String>,
    /// Hiragana first name.
    pub hiragana_first_name: Field<String>,
    /// Directory number, as written (compare with [`e164`]).
    pub phone_number: Field<String>,
    /// Extension, 2–20 digits.
    pub extension: Field<String>,
    /// Write-only: sent on create, never read back, never compared.
    pub password: Option<Secret>,
    /// Department (group or enterprise).
    pub department: Field<Department>,
    /// Language name as configured on the system.
    pub language: Field<String>,
    /// Time zone identifier, e.g. `America/New_York`.
    pub time_zone: Field<String>,
    /// SIP aliases, at most 3 (default: none).
    pub alias: Vec<String>,
    /// Public user identity (SIP URI).
    pub public_user_identity: Field<String>,
    /// Calling line id phone number.
    pub calling_line_id_phone_number: Field<String>,
}

/// A hunt group, desired or current. Identity is `service_user_id`. Each field is described
/// in [`table::FIELDS`], which the generic code walks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HuntGroup {
    /// Service provider (enterprise) id.
    pub service_provider_id: String,
    /// Group id.
    pub group_id: String,
    /// The hunt group's own user id (`name@domain`), unique in the system.
    pub service_user_id: String,
    /// Profile: names, numbers, aliases, …
    pub service_instance_profile: ServiceInstanceProfile,
    /// Call distribution policy (default Regular).
    pub policy: Policy,
    /// Hunt to the next agent after no answer (default true).
    pub hunt_after_no_answer: bool,
    /// Rings before hunting on, 1–20 (default 5).
    pub no_answer_number_of_rings: u32,
    /// Forward unanswered calls after a timeout (default false).
    pub forward_after_timeout: bool,
    /// That timeout, 0–7200 s (default 10).
    pub forward_timeout_seconds: u32,
    /// Where to forward after the timeout.
    pub forward_to_phone_number: Field<String>,
    /// Agents in hunt order.
    pub agents: Vec<Agent>,
    /// Allow call waiting for agents (default true).
    pub allow_call_waiting_for_agents: bool,
    /// Use the system CLID setting (default true).
    pub use_system_hunt_group_clid_setting: bool,
    /// Include the hunt group name in CLID (default true).
    pub include_hunt_group_name_in_clid: bool,
    /// Forward when not reachable (default false).
    pub enable_not_reachable_forwarding: bool,
    /// Where to forward when not reachable (number or SIP URI).
    pub not_reachable_forward_to_phone_number: Field<String>,
    /// Make busy when not reachable (default false).
    pub make_busy_when_not_reachable: bool,
    /// Allow members to control group busy (default false).
    pub allow_members_to_control_group_busy: bool,
    /// Group busy (default false).
    pub enable_group_busy: bool,
    /// Apply group busy when terminating to an agent (default false).
    pub apply_group_busy_when_terminating_to_agent: bool,
    /// Network class of service name.
    pub network_class_of_service: Field<String>,
    /// Whether the hunt group takes calls (default true).
    pub is_active: bool,
    /// The blocks of the hunt group's own user (services, forwarding, DNH); `None` when none
    /// is managed. Boxed: most hunt groups manage none, and plans hold 100,000 of them.
    pub blocks: Option<Box<services::UserBlocks>>,
}

impl Serialize for HuntGroup {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        table::serialize(self, s)
    }
}

impl HuntGroup {
    /// A hunt group with every documented default applied and every other field unmanaged.
    pub fn with_defaults(
        service_provider_id: impl Into<String>,
        group_id: impl Into<String>,
        service_user_id: impl Into<String>,
    ) -> Self {
        let mut h = HuntGroup {
            service_provider_id: service_provider_id.into(),
            group_id: group_id.into(),
            service_user_id: service_user_id.into(),
            ..HuntGroup::default()
        };
        for d in table::FIELDS {
            if let Some(v) = d.default_value() {
                // The table's defaults are typed like their slots (a unit test checks it).
                let _ = d.set(&mut h, Field::Value(v));
            }
        }
        h
    }
}

/// Normalises a phone number for comparison: `+1-2025550100` and `+12025550100` are both
/// `+12025550100`. A national number (no `+`) is joined to `country_code` when one is given.
/// SIP URIs and anything that is not a number are returned unchanged.
pub fn e164(number: &str, country_code: Option<&str>) -> String {
    let t = number.trim();
    let digits_only = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '-' | ' ' | '(' | ')' | '.'))
            .collect::<String>()
    };
    if let Some(rest) = t.strip_prefix('+') {
        let d = digits_only(rest);
        if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) {
            return format!("+{d}");
        }
        return t.to_string();
    }
    let d = digits_only(t);
    if d.is_empty() || !d.chars().all(|c| c.is_ascii_digit()) {
        return t.to_string();
    }
    match country_code {
        Some(cc) if !cc.is_empty() => format!("+{cc}{d}"),
        _ => d,
    }
}

/// True when two phone numbers (or SIP URIs) are the same number.
///
/// Both are normalised to E.164 with the hunt group's country code. When the server gave no
/// country code (it sends one only with a phone number), a national desired number still equals
/// an international current one that ends with it after a 1–3 digit country code: being liberal
/// in what is read, as PROTOCOL.md asks, rather than planning a change that apply cannot make
/// converge.
pub fn same_number(d: &str, c: &str, cc: Option<&str>) -> bool {
    let (dn, cn) = (e164(d, cc), e164(c, cc));
    if dn == cn {
        return true;
    }
    if cc.is_some() {
        return false;
    }
    let national = |s: &str| !s.is_empty() && s.chars().all(|ch| ch.is_ascii_digit());
    let international = |s: &str| s.strip_prefix('+').filter(|r| national(r)).map(str::len);
    match (international(&dn), international(&cn)) {
        (None, Some(len)) if national(&dn) => {
            cn.ends_with(dn.as_str()) && (1..=3).contains(&(len - dn.len().min(len)))
        }
        (Some(len), None) if national(&cn) => {
            dn.ends_with(cn.as_str()) && (1..=3).contains(&(len - cn.len().min(len)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164_forms_are_equal() {
        assert_eq!(e164("+1-2025550100", None), "+12025550100");
        assert_eq!(e164("+12025550100", None), "+12025550100");
        assert_eq!(e164("2025550100", Some("1")), "+12025550100");
        assert_eq!(e164("sip:x@y.com", None), "sip:x@y.com");
        assert_eq!(e164("2025550100", None), "2025550100");
    }

    #[test]
    fn national_equals_international_only_with_a_plausible_country_code() {
        assert!(same_number("2025550110", "+12025550110", None));
        assert!(same_number("+1-2025550110", "2025550110", Some("1")));
        assert!(same_number("+12025550110", "2025550110", None));
        assert!(!same_number("2025550110", "+12025550111", None));
        assert!(!same_number("2025550110", "+12025550110", Some("44")));
        assert!(!same_number("550110", "+12025550110", None));
        assert!(!same_number("sip:a@b", "+12025550110", None));
    }

    #[test]
    fn policy_parse() {
        assert_eq!(
            Policy::parse("weighted call distribution"),
            Some(Policy::Weighted)
        );
        assert_eq!(Policy::parse("CIRCULAR"), Some(Policy::Circular));
        assert_eq!(Policy::parse("round robin"), None);
    }

    #[test]
    fn secret_is_masked() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "(sensitive) (sensitive)");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"(sensitive)\"");
        let r = Secret::reference(SecretSource::Env("BW_PW".into()));
        assert!(!r.is_resolved() && r.expose().is_empty());
        let read = r.with_value("hunter2");
        assert_eq!(
            (read.expose(), format!("{read:?}")),
            ("hunter2", MASK.into())
        );
        assert_eq!(read.note("x"), "(sensitive, from env BW_PW)");
        assert_eq!(s.note("x"), "x");
    }
}
