//! Turns a [`RawGroup`] into a [`HuntGroup`]: types every value, applies the defaults and checks
//! every value rule of PROTOCOL.md, collecting all problems instead of stopping at the first.

use super::diagnostics::{suggest, Severity};
use super::fields::{def, FieldDef, Kind, ListVal, Loc, Presence, Raw, RawAgent, RawGroup, Val, F};
use crate::model::{Agent, Field, HuntGroup, Policy, Secret};

/// A diagnostic before its location is resolved against the file text.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: &'static str,
    /// Message.
    pub message: String,
    /// camelCase field path.
    pub field: Option<String>,
    /// Where.
    pub loc: Loc,
    /// Snippet label.
    pub label: String,
    /// Help line.
    pub help: Option<String>,
    /// Other places: (file index or None for the same file, place, what is there).
    pub related: Vec<(Option<usize>, Loc, String)>,
}

impl Pending {
    /// An error at `loc`.
    pub fn error(code: &'static str, loc: Loc, message: impl Into<String>) -> Self {
        Pending {
            severity: Severity::Error,
            code,
            message: message.into(),
            field: None,
            loc,
            label: String::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// A warning at `loc`.
    pub fn warning(code: &'static str, loc: Loc, message: impl Into<String>) -> Self {
        Pending {
            severity: Severity::Warning,
            ..Pending::error(code, loc, message)
        }
    }

    /// Sets the field path.
    pub fn field(mut self, path: impl Into<String>) -> Self {
        self.field = Some(path.into());
        self
    }

    /// Sets the snippet label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related place in the same file.
    pub fn related(mut self, loc: Loc, what: impl Into<String>) -> Self {
        self.related.push((None, loc, what.into()));
        self
    }
}

/// Builds a hunt group from raw input, pushing every problem into `out`. Returns `None` when the
/// group has errors (all of them are reported).
pub fn build(raw: &RawGroup, out: &mut Vec<Pending>) -> Option<HuntGroup> {
    build_taking(&mut raw.clone(), out)
}

/// Like [`build`], but moves the text out of `raw` instead of copying it (its locations and
/// non-text values stay): the CSV reader builds 100,000 groups this way without a second
/// allocation per cell.
pub fn build_taking(raw: &mut RawGroup, out: &mut Vec<Pending>) -> Option<HuntGroup> {
    let start = out.len();
    let mut g = HuntGroup::with_defaults("", "", "");
    let mut have_required = [false; 3];

    for (f, v) in &mut raw.values {
        let d = def(*f);
        match d.kind {
            Kind::Operation => check_operation(v, out),
            Kind::Text { .. } => {
                let Some(t) = typed_text(d, v, out) else {
                    continue;
                };
                if let Some(s) = &t {
                    check_text_rules(d, s, v.loc, out);
                }
                set_text(&mut g, d, t, &mut have_required);
            }
            Kind::Bool => {
                if let Some(b) = typed_bool(d, v, out) {
                    set_bool(&mut g, *f, b);
                }
            }
            Kind::Int { min, max } => {
                if let Some(i) = typed_int(d, v, min, max, out) {
                    // The range check above bounds i to 0..=7200, so it fits.
                    let i = u32::try_from(i).unwrap_or_default();
                    match f {
                        F::NoAnswerNumberOfRings => g.no_answer_number_of_rings = i,
                        _ => g.forward_timeout_seconds = i,
                    }
                }
            }
            Kind::Policy => {
                if let Some(p) = typed_policy(d, v, out) {
                    g.policy = p;
                }
            }
            // Lists are carried separately in RawGroup.
            Kind::Aliases | Kind::Agents => {}
        }
    }

    if let Some(aliases) = &mut raw.alias {
        if let Some(a) = build_aliases(aliases, out) {
            g.service_instance_profile.alias = a;
        }
    }

    for (i, f) in [F::ServiceProviderId, F::GroupId, F::ServiceUserId]
        .into_iter()
        .enumerate()
    {
        if !have_required[i] && raw.get(f).is_none() {
            out.push(
                Pending::error(
                    "huntctl::missing_field",
                    raw.loc,
                    format!("{} is required", def(f).path),
                )
                .field(def(f).path)
                .label("this hunt group")
                .help(format!(
                    "add `{}:` to the hunt group (or to `defaults:` in YAML)",
                    def(f).path
                )),
            );
        }
    }

    match &mut raw.agents {
        None => out.push(
            Pending::error(
                "huntctl::no_agents",
                raw.loc,
                "a hunt group needs at least one agent (agentUserId)",
            )
            .field("agentUserId")
            .label("this hunt group has no agentUserId")
            .help("list the agents' user ids under agentUserId, in hunt order"),
        ),
        Some(list) => {
            if let Some(agents) = build_agents(list, g.policy, out) {
                g.agents = agents;
            }
        }
    }

    let failed = out[start..].iter().any(|p| p.severity == Severity::Error);
    (!failed).then_some(g)
}

fn check_operation(v: &Val, out: &mut Vec<Pending>) {
    let s = match &v.raw {
        Raw::Str(s) | Raw::Cell(s) => s.trim(),
        Raw::Null => return,
        other => {
            out.push(
                Pending::error(
                    "huntctl::bad_operation",
                    v.loc,
                    format!(
                        "operation must be `{}`, found {}",
                        super::fields::OPERATION,
                        other.describe()
                    ),
                )
                .field("operation"),
            );
            return;
        }
    };
    if s != super::fields::OPERATION {
        out.push(
            Pending::error(
                "huntctl::bad_operation",
                v.loc,
                format!(
                    "unsupported operation \"{s}\": only `{}` is supported",
                    super::fields::OPERATION
                ),
            )
            .field("operation")
            .label("unsupported operation")
            .help(format!(
                "huntctl files describe the desired state: write `{}` or leave the cell empty",
                super::fields::OPERATION
            )),
        );
    }
}

fn wrong_type(d: &FieldDef, v: &Val, expected: &str) -> Pending {
    Pending::error(
        "huntctl::wrong_type",
        v.loc,
        format!("{} must be {expected}, found {}", d.path, v.raw.describe()),
    )
    .field(d.path)
    .label(format!("expected {expected}"))
}

fn null_not_allowed(d: &FieldDef, v: &Val) -> Pending {
    match d.presence {
        Presence::Required => Pending::error(
            "huntctl::null_required",
            v.loc,
            format!("{} cannot be null, it is required", d.path),
        )
        .field(d.path)
        .label("null here")
        .help("give a value"),
        _ => Pending::error(
            "huntctl::null_defaulted",
            v.loc,
            format!("{} cannot be absent, it has a default", d.path),
        )
        .field(d.path)
        .label("null here")
        .help("leave the field out to get the default, or give a value"),
    }
}

/// `Some(None)` = absent (null), `Some(Some(s))` = text, `None` = error reported.
fn typed_text(d: &FieldDef, v: &mut Val, out: &mut Vec<Pending>) -> Option<Option<String>> {
    match &mut v.raw {
        Raw::Null => {
            if d.presence == Presence::Optional {
                Some(None)
            } else {
                out.push(null_not_allowed(d, v));
                None
            }
        }
        Raw::Str(s) | Raw::Cell(s) => Some(Some(std::mem::take(s))),
        Raw::Number { .. } | Raw::Yaml11 { .. } | Raw::Bool(_) => {
            out.push(wrong_type(d, v, "text").help(quote_it(&v.raw)));
            None
        }
        _ => {
            out.push(wrong_type(d, v, "text").help("quote the value"));
            None
        }
    }
}

/// How to write a scalar that YAML does not read as text, as text.
pub(super) fn quote_it(raw: &Raw) -> String {
    let written = match raw {
        Raw::Number { text, .. } | Raw::Yaml11 { text, .. } => text.clone(),
        Raw::Bool(b) => b.to_string(),
        _ => return "quote the value".into(),
    };
    let why = match raw {
        Raw::Number { text, .. } if text.starts_with('+') => {
            " (unquoted, YAML reads it as a number and drops the +)".to_string()
        }
        Raw::Number { text, .. }
            if text.len() > 1 && text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()) =>
        {
            " (unquoted, YAML reads it as a number without the leading zero; YAML 1.1 reads it as octal)".to_string()
        }
        Raw::Number { .. } => " (unquoted, YAML reads it as a number)".to_string(),
        Raw::Yaml11 { reads_as, .. } => {
            format!(" (unquoted, YAML 1.1 readers take it for {reads_as})")
        }
        _ => " (unquoted, YAML reads it as a boolean)".to_string(),
    };
    format!("quote it to keep it as text: \"{written}\"{why}")
}

fn typed_bool(d: &FieldDef, v: &Val, out: &mut Vec<Pending>) -> Option<bool> {
    // YAML 1.1's other spellings of booleans: text in YAML 1.2, so say what to write instead.
    let yaml11 = |s: &str| match s {
        "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => Some(true),
        "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => Some(false),
        _ => None,
    };
    let word = match &v.raw {
        Raw::Str(s) | Raw::Yaml11 { text: s, .. } => yaml11(s.trim()).map(|b| (s.trim(), b)),
        Raw::Cell(_) => None,
        _ => None,
    };
    if let Some((s, b)) = word {
        out.push(wrong_type(d, v, "true or false").help(format!(
            "write {b} (unquoted): `{s}` is a boolean only in YAML 1.1; huntctl reads YAML 1.2, where it is text"
        )));
        return None;
    }
    match &v.raw {
        Raw::Bool(b) => Some(*b),
        Raw::Cell(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Raw::Cell(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Raw::Null => {
            out.push(null_not_allowed(d, v));
            None
        }
        _ => {
            out.push(wrong_type(d, v, "true or false").help(
                "write true or false (any case in CSV; unquoted in YAML); leave it out for the default",
            ));
            None
        }
    }
}

fn typed_int(d: &FieldDef, v: &Val, min: i64, max: i64, out: &mut Vec<Pending>) -> Option<i64> {
    let i = match &v.raw {
        Raw::Number { int: Some(i), .. } => *i,
        Raw::Cell(s) => match s.trim().parse::<i64>() {
            Ok(i) => i,
            Err(_) => {
                out.push(
                    wrong_type(d, v, "a whole number")
                        .help(format!("write a whole number from {min} to {max}")),
                );
                return None;
            }
        },
        Raw::Null => {
            out.push(null_not_allowed(d, v));
            return None;
        }
        _ => {
            out.push(
                wrong_type(d, v, "a whole number")
                    .help(format!("write a whole number from {min} to {max}")),
            );
            return None;
        }
    };
    if i < min || i > max {
        out.push(
            Pending::error(
                "huntctl::out_of_range",
                v.loc,
                format!("{} must be from {min} to {max}, found {i}", d.path),
            )
            .field(d.path)
            .label(format!("not in {min}–{max}")),
        );
        return None;
    }
    Some(i)
}

fn typed_policy(d: &FieldDef, v: &Val, out: &mut Vec<Pending>) -> Option<Policy> {
    let s = match &v.raw {
        Raw::Str(s) | Raw::Cell(s) => s,
        Raw::Null => {
            out.push(null_not_allowed(d, v));
            return None;
        }
        _ => {
            out.push(wrong_type(d, v, "a policy name"));
            return None;
        }
    };
    if let Some(p) = Policy::parse(s) {
        return Some(p);
    }
    let names = Policy::ALL.map(Policy::as_str);
    let mut p = Pending::error(
        "huntctl::unknown_policy",
        v.loc,
        format!("unknown policy \"{s}\""),
    )
    .field("policy")
    .label("not a policy");
    p = match suggest(
        s,
        names.iter().copied().chain(["Weighted Call Distribution"]),
    ) {
        Some(best) => p.help(format!(
            "did you mean `{best}`? The policies are {}",
            names.join(", ")
        )),
        None => p.help(format!("the policies are {}", names.join(", "))),
    };
    out.push(p);
    None
}

fn text_len(d: &FieldDef, s: &str) -> Option<(usize, usize, usize, &'static str)> {
    if let Kind::Text { min, max, bytes } = d.kind {
        let n = if bytes { s.len() } else { s.chars().count() };
        let unit = if bytes { "bytes" } else { "characters" };
        return Some((n, min, max, unit));
    }
    None
}

fn check_text_rules(d: &FieldDef, s: &str, loc: Loc, out: &mut Vec<Pending>) {
    if let Some((n, min, max, unit)) = text_len(d, s) {
        if n < min || n > max {
            let msg = if n == 0 {
                format!("{} cannot be empty", d.path)
            } else {
                format!(
                    "{} must be {min}–{max} {unit} long, found {n} {unit}",
                    d.path
                )
            };
            out.push(
                Pending::error("huntctl::length", loc, msg)
                    .field(d.path)
                    .label(format!("{n} {unit}"))
                    .help(if n == 0 && d.presence == Presence::Optional {
                        "leave the field out to leave it unmanaged, or write null to clear it"
                            .to_string()
                    } else {
                        format!("the limit is {max} {unit} (OCI-P schema)")
                    }),
            );
            return;
        }
    }
    let problem: Option<(String, String)> = match d.f {
        F::ServiceUserId => (!has_domain(s)).then(|| {
            (
                format!("serviceUserId \"{s}\" needs a domain (name@domain)"),
                "hunt groups are virtual users: BroadWorks requires `name@domain`".to_string(),
            )
        }),
        F::PhoneNumber | F::ClidPhoneNumber => (!is_e164(s)).then(|| {
            (
                format!("{} \"{s}\" is not an E.164 phone number", d.path),
                "write digits with an optional leading + and country code, e.g. +1-2025550100"
                    .to_string(),
            )
        }),
        F::Extension => (!s.chars().all(|c| c.is_ascii_digit())).then(|| {
            (
                format!("extension \"{s}\" must contain digits only"),
                "an extension is 2–20 digits, e.g. 0100".to_string(),
            )
        }),
        F::ForwardToPhoneNumber => (!is_outgoing_dn(s)).then(|| {
            (
                format!("forwardToPhoneNumber \"{s}\" is not a phone number"),
                "write a number to dial: digits, +, *, # and - only".to_string(),
            )
        }),
        F::NotReachableForwardToPhoneNumber => {
            if s.to_ascii_lowercase().starts_with("sip:") {
                Some((
                    format!("notReachableForwardToPhoneNumber \"{s}\" must not start with sip:"),
                    "write the SIP URI as user@host, without `sip:`".to_string(),
                ))
            } else if s.contains('@') {
                (!has_domain(s)).then(|| {
                    (
                        format!("notReachableForwardToPhoneNumber \"{s}\" is not a SIP URI"),
                        "a SIP URI is user@host with exactly one @".to_string(),
                    )
                })
            } else {
                (!is_outgoing_dn(s)).then(|| {
                    (
                        format!(
                            "notReachableForwardToPhoneNumber \"{s}\" is neither a phone number nor a SIP URI"
                        ),
                        "write a number (digits, +, *, #, -) or user@host".to_string(),
                    )
                })
            }
        }
        _ => None,
    };
    if let Some((msg, help)) = problem {
        out.push(
            Pending::error("huntctl::bad_value", loc, msg)
                .field(d.path)
                .label("invalid value")
                .help(help),
        );
    }
}

/// `name@domain` with exactly one `@` and both sides non-empty.
pub fn has_domain(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), None) if !a.is_empty() && !b.is_empty() && !b.contains(char::is_whitespace)
    )
}

/// An E.164 directory number as users write it: optional `+`, 1–15 digits, `-`, spaces, dots
/// and parentheses allowed between them.
pub fn is_e164(s: &str) -> bool {
    let rest = s.trim().strip_prefix('+').unwrap_or(s.trim());
    let mut digits = 0;
    for c in rest.chars() {
        match c {
            '0'..='9' => digits += 1,
            '-' | ' ' | '.' | '(' | ')' => {}
            _ => return false,
        }
    }
    (1..=15).contains(&digits)
}

/// A number to dial (OCI-P `OutgoingDN`): digits with `+`, `*`, `#` and separators.
pub fn is_outgoing_dn(s: &str) -> bool {
    let t = s.trim();
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '+' | '*' | '#' | '-' | ' ' | '(' | ')' | '.')
        })
}

fn set_text(g: &mut HuntGroup, d: &FieldDef, t: Option<String>, have_required: &mut [bool; 3]) {
    let p = &mut g.service_instance_profile;
    let slot = match d.f {
        F::ServiceProviderId | F::GroupId | F::ServiceUserId => {
            let Some(s) = t else {
                // typed_text already reported the null.
                return;
            };
            let (slot, i) = match d.f {
                F::ServiceProviderId => (&mut g.service_provider_id, 0),
                F::GroupId => (&mut g.group_id, 1),
                _ => (&mut g.service_user_id, 2),
            };
            *slot = s;
            have_required[i] = true;
            return;
        }
        F::Name | F::ClidLastName | F::ClidFirstName => {
            let Some(s) = t else { return };
            match d.f {
                F::Name => p.name = s,
                F::ClidLastName => p.calling_line_id_last_name = s,
                _ => p.calling_line_id_first_name = s,
            }
            return;
        }
        F::HiraganaLastName => &mut p.hiragana_last_name,
        F::HiraganaFirstName => &mut p.hiragana_first_name,
        F::PhoneNumber => &mut p.phone_number,
        F::Extension => &mut p.extension,
        F::Password => {
            // Write-only: null and left out both mean "do not send one".
            p.password = t.map(Secret::new);
            return;
        }
        F::Language => &mut p.language,
        F::TimeZone => &mut p.time_zone,
        F::PublicUserIdentity => &mut p.public_user_identity,
        F::ClidPhoneNumber => &mut p.calling_line_id_phone_number,
        F::ForwardToPhoneNumber => &mut g.forward_to_phone_number,
        F::NotReachableForwardToPhoneNumber => &mut g.not_reachable_forward_to_phone_number,
        F::NetworkClassOfService => &mut g.network_class_of_service,
        _ => return,
    };
    *slot = Field::from_option(t);
}

fn set_bool(g: &mut HuntGroup, f: F, b: bool) {
    match f {
        F::HuntAfterNoAnswer => g.hunt_after_no_answer = b,
        F::ForwardAfterTimeout => g.forward_after_timeout = b,
        F::AllowCallWaitingForAgents => g.allow_call_waiting_for_agents = b,
        F::UseSystemClid => g.use_system_hunt_group_clid_setting = b,
        F::IncludeNameInClid => g.include_hunt_group_name_in_clid = b,
        F::EnableNotReachableForwarding => g.enable_not_reachable_forwarding = b,
        F::MakeBusyWhenNotReachable => g.make_busy_when_not_reachable = b,
        F::AllowMembersToControlGroupBusy => g.allow_members_to_control_group_busy = b,
        F::EnableGroupBusy => g.enable_group_busy = b,
        F::ApplyGroupBusyWhenTerminatingToAgent => g.apply_group_busy_when_terminating_to_agent = b,
        _ => {}
    }
}

fn build_aliases(list: &mut ListVal<Val>, out: &mut Vec<Pending>) -> Option<Vec<String>> {
    const PATH: &str = "serviceInstanceProfile.alias";
    let (items, loc) = match list {
        ListVal::Null(loc) => {
            out.push(
                Pending::error(
                    "huntctl::null_defaulted",
                    *loc,
                    format!("{PATH} cannot be absent, it has a default"),
                )
                .field(PATH)
                .label("null here")
                .help("write [] for no aliases, or leave the field out"),
            );
            return None;
        }
        ListVal::Wrong(v) => {
            out.push(
                Pending::error(
                    "huntctl::wrong_type",
                    v.loc,
                    format!("{PATH} must be a list, found {}", v.raw.describe()),
                )
                .field(PATH)
                .label("expected a list")
                .help("write the aliases as a list: alias: [sales-team@company.com]"),
            );
            return None;
        }
        ListVal::Items(items, loc) => (items, *loc),
    };
    let mut ok = true;
    let mut result = Vec::with_capacity(items.len());
    for v in items.iter_mut() {
        match &mut v.raw {
            Raw::Str(s) | Raw::Cell(s) => {
                let n = s.chars().count();
                if n == 0 || n > 161 {
                    out.push(
                        Pending::error(
                            "huntctl::length",
                            v.loc,
                            format!("an alias must be 1–161 characters long, found {n}"),
                        )
                        .field(PATH)
                        .label(format!("{n} characters")),
                    );
                    ok = false;
                } else {
                    result.push(std::mem::take(s));
                }
            }
            other => {
                out.push(
                    Pending::error(
                        "huntctl::wrong_type",
                        v.loc,
                        format!("an alias must be text, found {}", other.describe()),
                    )
                    .field(PATH)
                    .label("expected text")
                    .help(quote_it(other)),
                );
                ok = false;
            }
        }
    }
    if items.len() > 3 {
        let at = items.get(3).map(|v| v.loc).unwrap_or(loc);
        out.push(
            Pending::error(
                "huntctl::too_many_aliases",
                at,
                format!("at most 3 aliases are allowed, found {}", items.len()),
            )
            .field(PATH)
            .label("fourth alias")
            .help("BroadWorks keeps up to 3 SIP aliases per hunt group"),
        );
        ok = false;
    }
    ok.then_some(result)
}

fn build_agents(
    list: &mut ListVal<RawAgent>,
    policy: Policy,
    out: &mut Vec<Pending>,
) -> Option<Vec<Agent>> {
    const PATH: &str = "agentUserId";
    let (items, loc) = match list {
        ListVal::Null(loc) => {
            out.push(
                Pending::error(
                    "huntctl::no_agents",
                    *loc,
                    "agentUserId cannot be null: a hunt group needs at least one agent",
                )
                .field(PATH)
                .label("null here")
                .help("list the agents' user ids under agentUserId, in hunt order"),
            );
            return None;
        }
        ListVal::Wrong(v) => {
            out.push(
                Pending::error(
                    "huntctl::wrong_type",
                    v.loc,
                    format!("agentUserId must be a list, found {}", v.raw.describe()),
                )
                .field(PATH)
                .label("expected a list")
                .help("write the agents as a list, one user id (or {userId, weight}) per item"),
            );
            return None;
        }
        ListVal::Items(items, loc) => (items, *loc),
    };
    if items.is_empty() {
        out.push(
            Pending::error(
                "huntctl::no_agents",
                loc,
                "a hunt group needs at least one agent (agentUserId)",
            )
            .field(PATH)
            .label("no agents")
            .help("list the agents' user ids under agentUserId, in hunt order"),
        );
        return None;
    }
    let mut ok = true;
    let mut agents: Vec<Agent> = Vec::with_capacity(items.len());
    // (index into `agents`, location): ids are compared in place, not copied.
    let mut seen: Vec<(usize, Loc)> = Vec::with_capacity(items.len());
    for a in items.iter_mut() {
        let Some(uv) = &mut a.user_id else {
            out.push(
                Pending::error("huntctl::missing_field", a.loc, "this agent has no userId")
                    .field(PATH)
                    .label("agent without userId")
                    .help("write the agent as a user id, or as {userId: name@domain, weight: 50}"),
            );
            ok = false;
            continue;
        };
        let id = match &mut uv.raw {
            Raw::Str(s) | Raw::Cell(s) => std::mem::take(s),
            other => {
                out.push(
                    Pending::error(
                        "huntctl::wrong_type",
                        uv.loc,
                        format!("an agent user id must be text, found {}", other.describe()),
                    )
                    .field(PATH)
                    .label("expected a user id")
                    .help(quote_it(other)),
                );
                ok = false;
                continue;
            }
        };
        let n = id.chars().count();
        if n > 161 {
            out.push(
                Pending::error(
                    "huntctl::length",
                    uv.loc,
                    format!("an agent user id must be 1–161 characters long, found {n}"),
                )
                .field(PATH)
                .label(format!("{n} characters")),
            );
            ok = false;
        } else if !has_domain(&id) {
            out.push(
                Pending::error(
                    "huntctl::bad_value",
                    uv.loc,
                    format!("agent user id \"{id}\" needs a domain (name@domain)"),
                )
                .field(PATH)
                .label("no @domain")
                .help("write the agent's full user id, e.g. john.doe@company.com"),
            );
            ok = false;
        }
        if let Some((_, first)) = seen
            .iter()
            .find(|(k, _)| same_agent(&agents[*k].user_id, &id))
        {
            out.push(
                Pending::error(
                    "huntctl::duplicate_agent",
                    uv.loc,
                    format!("agent \"{id}\" is listed twice in this hunt group"),
                )
                .field(PATH)
                .label("second time")
                .related(*first, "first listed here")
                .help("an agent can appear only once; remove one of them"),
            );
            ok = false;
        } else {
            seen.push((agents.len(), uv.loc));
        }
        let weight = match &a.weight {
            None => None,
            Some(wv) => weighted(wv, policy, out),
        };
        if a.weight.is_some() && weight.is_none() {
            ok = false;
        }
        agents.push(Agent {
            user_id: id,
            weight,
        });
    }
    ok.then_some(agents)
}

/// Agent ids compare case-insensitively (`to_lowercase`); ASCII ids, the usual case, are
/// compared without allocating.
fn same_agent(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn weighted(wv: &Val, policy: Policy, out: &mut Vec<Pending>) -> Option<u8> {
    const PATH: &str = "agentWeight";
    let w = match &wv.raw {
        Raw::Number { int: Some(i), .. } => *i,
        Raw::Cell(s) if s.trim().parse::<i64>().is_ok() => s.trim().parse::<i64>().unwrap_or(-1),
        other => {
            out.push(
                Pending::error(
                    "huntctl::wrong_type",
                    wv.loc,
                    format!(
                        "an agent weight must be a whole number from 0 to 100, found {}",
                        other.describe()
                    ),
                )
                .field(PATH)
                .label("expected 0–100"),
            );
            return None;
        }
    };
    if !(0..=100).contains(&w) {
        out.push(
            Pending::error(
                "huntctl::out_of_range",
                wv.loc,
                format!("an agent weight must be from 0 to 100, found {w}"),
            )
            .field(PATH)
            .label("not in 0–100"),
        );
        return None;
    }
    if policy != Policy::Weighted {
        out.push(
            Pending::error(
                "huntctl::weight_not_weighted",
                wv.loc,
                format!("agent weights apply only to Weighted hunt groups, this one is {policy}"),
            )
            .field(PATH)
            .label("weight given here")
            .help("set `policy: Weighted`, or remove the weights"),
        );
        return None;
    }
    u8::try_from(w).ok()
}
