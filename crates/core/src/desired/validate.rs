//! Turns a [`RawGroup`] into a [`HuntGroup`]: types every value, applies the defaults and checks
//! every value rule of PROTOCOL.md, collecting all problems instead of stopping at the first.

use super::diagnostics::{suggest, DiagnosticCode, Severity};
use super::raw::{
    def, is_scalar, text_limits, ListVal, Loc, Raw, RawAgent, RawDepartment, RawGroup, Val,
    AGENT_ID_LEN, ALIAS_LEN, DEPARTMENT_ENTERPRISE_COLUMN, OPERATION, OPERATION_KEY, WEIGHT_RANGE,
};
use crate::model::table::{FieldDef, Presence, Rule, Ty, Value, FIELDS};
use crate::model::{Agent, Department, Field, HuntGroup, Policy, Secret};

/// The agent list's path, as diagnostics name it.
const AGENTS: &str = "agentUserId";
/// An agent weight's path, as diagnostics and the CSV columns name it.
const WEIGHT: &str = "agentWeight";

/// A diagnostic before its location is resolved against the file text.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem it is.
    pub code: DiagnosticCode,
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
    pub fn error(code: DiagnosticCode, loc: Loc, message: impl Into<String>) -> Self {
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
    pub fn warning(code: DiagnosticCode, loc: Loc, message: impl Into<String>) -> Self {
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

    if let Some(v) = &raw.operation {
        check_operation(v, out);
    }
    for (ix, v) in &mut raw.values {
        let d = def(*ix);
        if let Some(value) = typed_scalar(d, v, out) {
            // Typed by the row's own type: a mismatch would be a bug, not bad input.
            let _ = d.set(&mut g, value);
        }
    }

    if let Some(aliases) = &mut raw.alias {
        if let Some(a) = build_aliases(aliases, out) {
            g.service_instance_profile.alias = a;
        }
    }
    if let Some(blocks) = super::services::build(&raw.blocks, out) {
        g.blocks = blocks;
    }
    if let Some(dept) = &mut raw.department {
        if let Some(value) = build_department(dept, out) {
            for d in FIELDS.iter().filter(|d| d.ty == Ty::Department) {
                let _ = d.set(&mut g, value.clone());
            }
        }
    }

    for (ix, d) in FIELDS.iter().enumerate() {
        if d.presence == Presence::Required && is_scalar(d) && raw.get(ix).is_none() {
            out.push(
                Pending::error(
                    DiagnosticCode::MissingField,
                    raw.loc,
                    format!("{} is required", d.path),
                )
                .field(d.path)
                .label("this hunt group")
                .help(format!(
                    "add `{}:` to the hunt group (or to `defaults:` in YAML)",
                    d.path
                )),
            );
        }
    }

    match &mut raw.agents {
        None => out.push(
            Pending::error(
                DiagnosticCode::NoAgents,
                raw.loc,
                "a hunt group needs at least one agent (agentUserId)",
            )
            .field(AGENTS)
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

/// Types one scalar value by its row: `None` when a problem was reported.
fn typed_scalar(d: &FieldDef, v: &mut Val, out: &mut Vec<Pending>) -> Option<Field<Value>> {
    if d.ty == Ty::Password {
        if let Some(r) = super::secret_ref::typed(d, v, out) {
            return r.map(|s| Field::Value(Value::Password(s)));
        }
    }
    match d.ty {
        Ty::Text { .. } | Ty::Password => {
            let t = typed_text(d, v, out)?;
            if let Some(s) = &t {
                if !check_text_rules(d, s, v.loc, out) {
                    return None;
                }
            }
            Some(match (t, d.ty) {
                (Some(s), Ty::Password) => Field::Value(Value::Password(Secret::new(s))),
                (Some(s), _) => Field::Value(Value::Text(s)),
                (None, _) => Field::Absent,
            })
        }
        Ty::Bool => typed_bool(d, v, out).map(|b| Field::Value(Value::Bool(b))),
        Ty::Int { min, max } => typed_int(d, v, i64::from(min), i64::from(max), out)
            // The range check bounds it to the row's u32 range.
            .and_then(|i| u32::try_from(i).ok())
            .map(|i| Field::Value(Value::Int(i))),
        Ty::Policy => typed_policy(d, v, out).map(|p| Field::Value(Value::Policy(p))),
        // Lists and the department are carried separately in RawGroup.
        Ty::Aliases { .. } | Ty::Agents | Ty::Department => None,
    }
}

/// The department: `Some(Absent)` for null, `None` when a problem was reported.
fn build_department(dept: &mut RawDepartment, out: &mut Vec<Pending>) -> Option<Field<Value>> {
    let d = FIELDS.iter().find(|d| d.ty == Ty::Department)?;
    let Some(name) = &mut dept.name else {
        let (msg, help) = if dept.mapping {
            (
                format!("{} needs a name", d.path),
                "write `department: {name: Sales, enterprise: true}`, or just `department: Sales` for a group department".to_string(),
            )
        } else {
            (
                format!(
                    "{DEPARTMENT_ENTERPRISE_COLUMN} is given but {} is empty",
                    d.path
                ),
                format!(
                    "fill in the department's name in {}, or clear {DEPARTMENT_ENTERPRISE_COLUMN}",
                    d.path
                ),
            )
        };
        out.push(
            Pending::error(DiagnosticCode::MissingField, dept.loc, msg)
                .field(d.path)
                .label("department without a name")
                .help(help),
        );
        return None;
    };
    let enterprise = match &dept.enterprise {
        None => false,
        Some(ev) => {
            let flag = FieldDef {
                path: if dept.mapping {
                    "serviceInstanceProfile.department.enterprise"
                } else {
                    DEPARTMENT_ENTERPRISE_COLUMN
                },
                ..*d
            };
            typed_bool(&flag, ev, out)?
        }
    };
    if name.raw == Raw::Null {
        if dept.mapping || dept.enterprise.is_some() {
            out.push(
                Pending::error(
                    DiagnosticCode::BadValue,
                    name.loc,
                    format!("{} has a null name", d.path),
                )
                .field(d.path)
                .label("null here")
                .help("write `department: null` (CSV: a null department cell and no enterprise flag) for no department, or give its name"),
            );
            return None;
        }
        return Some(Field::Absent);
    }
    if matches!(name.raw, Raw::List | Raw::Map) {
        out.push(wrong_type(d, name, "a department name").help(
            "write the name (a department of the group), or {name: Sales, enterprise: true}",
        ));
        return None;
    }
    let s = typed_text(d, name, out)??;
    if !check_text_rules(d, &s, name.loc, out) {
        return None;
    }
    Some(Field::Value(Value::Department(Department {
        name: s,
        enterprise,
    })))
}

fn check_operation(v: &Val, out: &mut Vec<Pending>) {
    let s = match &v.raw {
        Raw::Str(s) | Raw::Cell(s) => s.trim(),
        Raw::Null => return,
        other => {
            out.push(
                Pending::error(
                    DiagnosticCode::BadOperation,
                    v.loc,
                    format!(
                        "operation must be `{OPERATION}`, found {}",
                        other.describe()
                    ),
                )
                .field(OPERATION_KEY),
            );
            return;
        }
    };
    if s != OPERATION {
        out.push(
            Pending::error(
                DiagnosticCode::BadOperation,
                v.loc,
                format!("unsupported operation \"{s}\": only `{OPERATION}` is supported"),
            )
            .field(OPERATION_KEY)
            .label("unsupported operation")
            .help(format!(
                "huntctl files describe the desired state: write `{OPERATION}` or leave the cell empty"
            )),
        );
    }
}

fn wrong_type(d: &FieldDef, v: &Val, expected: &str) -> Pending {
    Pending::error(
        DiagnosticCode::WrongType,
        v.loc,
        format!("{} must be {expected}, found {}", d.path, v.raw.describe()),
    )
    .field(d.path)
    .label(format!("expected {expected}"))
}

fn null_not_allowed(d: &FieldDef, v: &Val) -> Pending {
    match d.presence {
        Presence::Required => Pending::error(
            DiagnosticCode::NullRequired,
            v.loc,
            format!("{} cannot be null, it is required", d.path),
        )
        .field(d.path)
        .label("null here")
        .help("give a value"),
        _ => Pending::error(
            DiagnosticCode::NullDefaulted,
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
        Raw::Str(s) | Raw::Cell(s) => {
            if !xml_text(d.path, s, v.loc, out) {
                return None;
            }
            Some(Some(std::mem::take(s)))
        }
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

/// Refuses a text holding a character XML 1.0 cannot carry (no OCI-P document can hold it);
/// false when a problem was reported. The value itself is not quoted: the character is named.
fn xml_text(path: &str, s: &str, loc: Loc, out: &mut Vec<Pending>) -> bool {
    let Some((at, c)) = crate::text::first_non_xml_char(s) else {
        return true;
    };
    out.push(
        Pending::error(
            DiagnosticCode::BadCharacter,
            loc,
            format!(
                "{path} holds the character {} (character {} of the value), which XML cannot carry",
                crate::text::code_point(c),
                at + 1
            ),
        )
        .field(path)
        .label("not sendable over OCI-P")
        .help("remove the character: BroadWorks refuses any request that holds it"),
    );
    false
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
                DiagnosticCode::OutOfRange,
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
        DiagnosticCode::UnknownPolicy,
        v.loc,
        format!("unknown policy \"{s}\""),
    )
    .field(d.path)
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
    let (min, max, bytes) = text_limits(d)?;
    let n = if bytes { s.len() } else { s.chars().count() };
    let unit = if bytes { "bytes" } else { "characters" };
    Some((n, min, max, unit))
}

/// Checks a text's length and the row's [`Rule`]; false when a problem was reported.
fn check_text_rules(d: &FieldDef, s: &str, loc: Loc, out: &mut Vec<Pending>) -> bool {
    if !check_length(d, s, loc, out) {
        return false;
    }
    let Some((msg, help)) = rule_problem(d, s) else {
        return true;
    };
    out.push(
        Pending::error(DiagnosticCode::BadValue, loc, msg)
            .field(d.path)
            .label("invalid value")
            .help(help),
    );
    false
}

/// Checks a text's length against its OCI-P type; false when a problem was reported.
fn check_length(d: &FieldDef, s: &str, loc: Loc, out: &mut Vec<Pending>) -> bool {
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
                Pending::error(DiagnosticCode::Length, loc, msg)
                    .field(d.path)
                    .label(format!("{n} {unit}"))
                    .help(if n == 0 && d.presence == Presence::Optional {
                        "leave the field out to leave it unmanaged, or write null to clear it"
                            .to_string()
                    } else {
                        format!("the limit is {max} {unit} (OCI-P schema)")
                    }),
            );
            return false;
        }
    }
    true
}

/// What is wrong with a text by the row's [`Rule`]: the message and the help line.
fn rule_problem(d: &FieldDef, s: &str) -> Option<(String, String)> {
    let key = d.key();
    match d.rule {
        Rule::None => None,
        Rule::UserId => (!has_domain(s)).then(|| {
            (
                format!("{key} \"{s}\" needs a domain (name@domain)"),
                "hunt groups are virtual users: BroadWorks requires `name@domain`".to_string(),
            )
        }),
        Rule::E164 => (!is_e164(s)).then(|| {
            (
                format!("{} \"{s}\" is not an E.164 phone number", d.path),
                "write digits with an optional leading + and country code, e.g. +1-2025550100"
                    .to_string(),
            )
        }),
        Rule::Digits => (!s.chars().all(|c| c.is_ascii_digit())).then(|| {
            let (min, max, _) = text_limits(d).unwrap_or((1, 1, false));
            (
                format!("{key} \"{s}\" must contain digits only"),
                format!("an {key} is {min}–{max} digits, e.g. 0100"),
            )
        }),
        Rule::OutgoingDn => (!is_outgoing_dn(s)).then(|| {
            (
                format!("{key} \"{s}\" is not a phone number"),
                "write a number to dial: digits, +, *, # and - only".to_string(),
            )
        }),
        Rule::OutgoingDnOrSipUri => {
            if s.to_ascii_lowercase().starts_with("sip:") {
                Some((
                    format!("{key} \"{s}\" must not start with sip:"),
                    "write the SIP URI as user@host, without `sip:`".to_string(),
                ))
            } else if s.contains('@') {
                (!has_domain(s)).then(|| {
                    (
                        format!("{key} \"{s}\" is not a SIP URI"),
                        "a SIP URI is user@host with exactly one @".to_string(),
                    )
                })
            } else {
                (!is_outgoing_dn(s)).then(|| {
                    (
                        format!("{key} \"{s}\" is neither a phone number nor a SIP URI"),
                        "write a number (digits, +, *, #, -) or user@host".to_string(),
                    )
                })
            }
        }
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

fn build_aliases(list: &mut ListVal<Val>, out: &mut Vec<Pending>) -> Option<Vec<String>> {
    const PATH: &str = "serviceInstanceProfile.alias";
    let (items, loc) = match list {
        ListVal::Null(loc) => {
            out.push(
                Pending::error(
                    DiagnosticCode::NullDefaulted,
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
                    DiagnosticCode::WrongType,
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
                let (lo, hi) = ALIAS_LEN;
                if !xml_text(PATH, s, v.loc, out) {
                    ok = false;
                } else if n < lo || n > hi {
                    out.push(
                        Pending::error(
                            DiagnosticCode::Length,
                            v.loc,
                            format!("an alias must be {lo}–{hi} characters long, found {n}"),
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
                        DiagnosticCode::WrongType,
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
    let max = FIELDS
        .iter()
        .find_map(|d| match d.ty {
            Ty::Aliases { max } => Some(max),
            _ => None,
        })
        .unwrap_or(3);
    if items.len() > max {
        let at = items.get(max).map(|v| v.loc).unwrap_or(loc);
        out.push(
            Pending::error(
                DiagnosticCode::TooManyAliases,
                at,
                format!("at most {max} aliases are allowed, found {}", items.len()),
            )
            .field(PATH)
            .label("fourth alias")
            .help(format!(
                "BroadWorks keeps up to {max} SIP aliases per hunt group"
            )),
        );
        ok = false;
    }
    ok.then_some(result)
}

/// The agents, in hunt order: `None` when anything about them was reported.
fn build_agents(
    list: &mut ListVal<RawAgent>,
    policy: Policy,
    out: &mut Vec<Pending>,
) -> Option<Vec<Agent>> {
    let items = agent_items(list, out)?;
    let mut ok = true;
    let mut agents: Vec<Agent> = Vec::with_capacity(items.len());
    // (index into `agents`, location): ids are compared in place, not copied.
    let mut seen: Vec<(usize, Loc)> = Vec::with_capacity(items.len());
    for a in items.iter_mut() {
        let Some(uv) = &mut a.user_id else {
            out.push(
                Pending::error(
                    DiagnosticCode::MissingField,
                    a.loc,
                    "this agent has no userId",
                )
                .field(AGENTS)
                .label("agent without userId")
                .help("write the agent as a user id, or as {userId: name@domain, weight: 50}"),
            );
            ok = false;
            continue;
        };
        let Some(id) = agent_id(uv, out) else {
            ok = false;
            continue;
        };
        if !check_agent_id(&id, uv.loc, AGENTS, out) {
            ok = false;
        }
        match seen
            .iter()
            .find(|(k, _)| same_agent(&agents[*k].user_id, &id))
        {
            Some((_, first)) => {
                out.push(duplicate_agent(&id, uv.loc, *first, AGENTS));
                ok = false;
            }
            None => seen.push((agents.len(), uv.loc)),
        }
        let weight = match &a.weight {
            None => None,
            Some(wv) => {
                let w = weighted(wv, policy, out);
                ok &= w.is_some();
                w
            }
        };
        // Pushed even when something is wrong with it, so that later duplicates are found.
        agents.push(Agent {
            user_id: id,
            weight,
        });
    }
    ok.then_some(agents)
}

/// The entries of an agent list that is a list with at least one entry; otherwise what is
/// wrong is reported.
fn agent_items<'l>(
    list: &'l mut ListVal<RawAgent>,
    out: &mut Vec<Pending>,
) -> Option<&'l mut Vec<RawAgent>> {
    match list {
        ListVal::Null(loc) => {
            out.push(
                Pending::error(
                    DiagnosticCode::NoAgents,
                    *loc,
                    "agentUserId cannot be null: a hunt group needs at least one agent",
                )
                .field(AGENTS)
                .label("null here")
                .help("list the agents' user ids under agentUserId, in hunt order"),
            );
            None
        }
        ListVal::Wrong(v) => {
            out.push(
                Pending::error(
                    DiagnosticCode::WrongType,
                    v.loc,
                    format!("agentUserId must be a list, found {}", v.raw.describe()),
                )
                .field(AGENTS)
                .label("expected a list")
                .help("write the agents as a list, one user id (or {userId, weight}) per item"),
            );
            None
        }
        ListVal::Items(items, loc) if items.is_empty() => {
            out.push(
                Pending::error(
                    DiagnosticCode::NoAgents,
                    *loc,
                    "a hunt group needs at least one agent (agentUserId)",
                )
                .field(AGENTS)
                .label("no agents")
                .help("list the agents' user ids under agentUserId, in hunt order"),
            );
            None
        }
        ListVal::Items(items, _) => Some(items),
    }
}

/// An agent's user id, moved out of `uv`: `None` when it is not text (reported).
fn agent_id(uv: &mut Val, out: &mut Vec<Pending>) -> Option<String> {
    match &mut uv.raw {
        Raw::Str(s) | Raw::Cell(s) => xml_text(AGENTS, s, uv.loc, out).then(|| std::mem::take(s)),
        other => {
            out.push(
                Pending::error(
                    DiagnosticCode::WrongType,
                    uv.loc,
                    format!("an agent user id must be text, found {}", other.describe()),
                )
                .field(AGENTS)
                .label("expected a user id")
                .help(quote_it(other)),
            );
            None
        }
    }
}

/// Checks an agent's user id (in `field`: `agentUserId`, or a block's list of agents): its
/// length, then its domain. False when a problem was reported.
pub(super) fn check_agent_id(id: &str, loc: Loc, field: &str, out: &mut Vec<Pending>) -> bool {
    let n = id.chars().count();
    let (lo, hi) = AGENT_ID_LEN;
    if n > hi {
        out.push(
            Pending::error(
                DiagnosticCode::Length,
                loc,
                format!("an agent user id must be {lo}–{hi} characters long, found {n}"),
            )
            .field(field)
            .label(format!("{n} characters")),
        );
        return false;
    }
    if !has_domain(id) {
        out.push(
            Pending::error(
                DiagnosticCode::BadValue,
                loc,
                format!("agent user id \"{id}\" needs a domain (name@domain)"),
            )
            .field(field)
            .label("no @domain")
            .help("write the agent's full user id, e.g. john.doe@company.com"),
        );
        return false;
    }
    true
}

/// An agent listed a second time (at `at`; first at `first`) in `field`.
pub(super) fn duplicate_agent(id: &str, at: Loc, first: Loc, field: &str) -> Pending {
    Pending::error(
        DiagnosticCode::DuplicateAgent,
        at,
        format!("agent \"{id}\" is listed twice in this hunt group"),
    )
    .field(field)
    .label("second time")
    .related(first, "first listed here")
    .help("an agent can appear only once; remove one of them")
}

/// Agent ids compare case-insensitively (`to_lowercase`); ASCII ids, the usual case, are
/// compared without allocating.
pub(super) fn same_agent(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn weighted(wv: &Val, policy: Policy, out: &mut Vec<Pending>) -> Option<u8> {
    const PATH: &str = WEIGHT;
    let (lo, hi) = (i64::from(WEIGHT_RANGE.0), i64::from(WEIGHT_RANGE.1));
    let w = match &wv.raw {
        Raw::Number { int: Some(i), .. } => *i,
        Raw::Cell(s) if s.trim().parse::<i64>().is_ok() => s.trim().parse::<i64>().unwrap_or(-1),
        other => {
            out.push(
                Pending::error(
                    DiagnosticCode::WrongType,
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
    if !(lo..=hi).contains(&w) {
        out.push(
            Pending::error(
                DiagnosticCode::OutOfRange,
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
                DiagnosticCode::WeightNotWeighted,
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
