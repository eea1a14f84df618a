//! YAML desired state: reading (through `yaml_tree`, on saphyr's parser) and writing.
//!
//! A file is a list of hunt groups, or a mapping with `defaults:` (merged under every hunt group
//! of the file) and `huntGroups:`. Keys are OCI-P camelCase; the reference page's snake_case
//! spelling is accepted too.

use super::diagnostics::suggest;
use super::fields::{
    def, lookup_key, Kind, ListVal, Loc, Raw, RawAgent, RawGroup, Val, F, FIELDS, PROFILE,
    PROFILE_SNAKE,
};
use super::validate::Pending;
use super::yaml_tree::{parse, yaml11_reading, Entry, Node, Value};
use crate::model::{defaults, Field, HuntGroup};

/// The hunt groups of one YAML file, not yet typed, and the problems found in its structure.
#[derive(Debug, Default)]
pub struct YamlLoad {
    /// Hunt groups with `defaults:` merged in.
    pub groups: Vec<RawGroup>,
    /// Problems.
    pub pending: Vec<Pending>,
    /// Where password values are, for masking the text that snippets quote.
    pub secrets: Vec<(usize, usize)>,
}

fn span(n: &Node<'_>) -> Loc {
    Loc::Span {
        start: n.start,
        end: n.end.max(n.start),
    }
}

/// The first line of a node: a readable label for a whole mapping.
fn head(text: &str, n: &Node<'_>) -> Loc {
    let end = n.end.max(n.start).min(text.len());
    let end = text
        .get(n.start..end)
        .and_then(|t| t.find(['\n', '\r']))
        .map(|e| n.start + e)
        .unwrap_or(end);
    Loc::Span {
        start: n.start,
        end,
    }
}

fn raw(n: &Node<'_>) -> Raw {
    match &n.value {
        Value::Null => Raw::Null,
        Value::Bool(b) => Raw::Bool(*b),
        Value::Number { text, int } => Raw::Number {
            text: text.to_string(),
            int: *int,
        },
        // Text that a YAML 1.1 reader would take for a boolean or a number: the same file must
        // not mean two things, so it is refused wherever it is given.
        Value::Str { text, plain: true } => match yaml11_reading(text) {
            Some(reads_as) => Raw::Yaml11 {
                text: text.to_string(),
                reads_as,
            },
            None => Raw::Str(text.to_string()),
        },
        Value::Str { text, .. } => Raw::Str(text.to_string()),
        Value::Seq(_) => Raw::List,
        Value::Map(_) => Raw::Map,
    }
}

fn entries<'n, 'a>(n: &'n Node<'a>) -> &'n [Entry<'a>] {
    match &n.value {
        Value::Map(m) => m,
        _ => &[],
    }
}

struct Ctx {
    out: Vec<Pending>,
}

impl Ctx {
    /// The text keys of a mapping; non-text and repeated keys are reported and skipped.
    fn keys<'n, 'a>(&mut self, map: &'n Node<'a>) -> Vec<(&'n str, &'n Entry<'a>)> {
        let mut keys: Vec<(&str, &Entry<'_>)> = Vec::new();
        for e in entries(map) {
            let Some(k) = e.key.key_text() else {
                self.out.push(
                    Pending::error("huntctl::bad_key", span(&e.key), "keys must be text")
                        .label("not a text key"),
                );
                continue;
            };
            if let Some((_, first)) = keys.iter().find(|(f, _)| *f == k) {
                self.out.push(
                    Pending::error(
                        "huntctl::duplicate_key",
                        span(&e.key),
                        format!("`{k}` is given twice in this mapping"),
                    )
                    .label("second time")
                    .related(span(&first.key), "first time here")
                    .help("keep one of them"),
                );
                continue;
            }
            keys.push((k, e));
        }
        keys
    }
}

/// Parses a YAML file into raw hunt groups.
pub fn read(text: &str) -> YamlLoad {
    let root = match parse(text) {
        Ok(root) => root,
        Err(e) => {
            let at = e.at.min(text.len());
            let end = text[at..]
                .chars()
                .next()
                .map(|c| at + c.len_utf8())
                .unwrap_or(at);
            let mut p = Pending::error(
                "huntctl::yaml_syntax",
                Loc::Span { start: at, end },
                format!("invalid YAML: {}", e.message),
            )
            .label("here");
            if let Some(h) = e.help {
                p = p.help(h);
            }
            return YamlLoad {
                groups: Vec::new(),
                pending: vec![p],
                secrets: Vec::new(),
            };
        }
    };
    let mut cx = Ctx { out: Vec::new() };
    let mut groups = Vec::new();
    let Some(mut root) = root else {
        cx.out.push(
            Pending::warning(
                "huntctl::empty_file",
                Loc::File,
                "this file has no hunt groups",
            )
            .help("write a list of hunt groups, or `defaults:` and `huntGroups:`"),
        );
        return YamlLoad {
            groups,
            pending: cx.out,
            secrets: Vec::new(),
        };
    };
    let secrets = super::redact::password_spans(&root);
    let root_loc = span(&root);
    match &root.value {
        Value::Null => cx.out.push(
            Pending::warning("huntctl::empty_file", Loc::File, "this file has no hunt groups")
                .help("write a list of hunt groups, or `defaults:` and `huntGroups:`"),
        ),
        Value::Seq(_) => {
            let items = match std::mem::replace(&mut root.value, Value::Null) {
                Value::Seq(items) => items,
                _ => Vec::new(),
            };
            list_of_groups(&mut cx, text, items, None, &mut groups);
        }
        Value::Map(_) => {
            let mut defaults: Option<RawGroup> = None;
            // Whether huntGroups holds a list (taken out of the tree once the keys are read).
            let mut list = false;
            let mut list_key: Option<(String, Loc)> = None;
            for (k, e) in cx.keys(&root) {
                let v = &e.value;
                let kloc = span(&e.key);
                match k {
                    "defaults" => {
                        let mut d = RawGroup {
                            loc: kloc,
                            ..RawGroup::default()
                        };
                        if v.is_map() {
                            group_fields(&mut cx, v, &mut d);
                        } else {
                            cx.out.push(
                                Pending::error(
                                    "huntctl::wrong_type",
                                    span(v),
                                    "defaults must be a mapping of hunt group fields",
                                )
                                .label("expected a mapping"),
                            );
                        }
                        defaults = Some(d);
                    }
                    "huntGroups" | "hunt_groups" => {
                        if let Some((first, floc)) = &list_key {
                            cx.out.push(
                                both_spellings(first, k, kloc, *floc).field("huntGroups"),
                            );
                            continue;
                        }
                        list_key = Some((k.to_string(), kloc));
                        match &v.value {
                            Value::Seq(_) => list = true,
                            Value::Null => list = false,
                            _ => cx.out.push(
                                Pending::error(
                                    "huntctl::wrong_type",
                                    span(v),
                                    "huntGroups must be a list of hunt groups",
                                )
                                .label("expected a list"),
                            ),
                        }
                    }
                    other => {
                        let mut p = Pending::error(
                            "huntctl::unknown_field",
                            kloc,
                            format!("unknown top-level key `{other}`"),
                        )
                        .label("not defaults or huntGroups");
                        p = if lookup_key(other, false).is_some() || other == PROFILE {
                            p.help("this looks like a hunt group field: put hunt groups in a list under `huntGroups:`, or shared values under `defaults:`")
                        } else if let Some(s) = suggest(other, ["defaults", "huntGroups"]) {
                            p.help(format!("did you mean `{s}`?"))
                        } else {
                            p.help("the top level holds `defaults:` and `huntGroups:`")
                        };
                        cx.out.push(p);
                    }
                }
            }
            match list_key.as_ref().filter(|_| list) {
                Some((key, _)) => {
                    // Each hunt group's nodes are freed once it is read, so the tree and the
                    // raw groups are not both whole in memory.
                    let items = match &mut root.value {
                        Value::Map(entries) => entries
                            .iter_mut()
                            .find(|e| e.key.key_text() == Some(key.as_str()))
                            .map(|e| std::mem::replace(&mut e.value.value, Value::Null)),
                        _ => None,
                    };
                    if let Some(Value::Seq(items)) = items {
                        list_of_groups(&mut cx, text, items, defaults.as_ref(), &mut groups);
                    }
                }
                None if list_key.is_none() => cx.out.push(
                    Pending::error(
                        "huntctl::no_hunt_groups",
                        head(text, &root),
                        "this file has no `huntGroups:` list",
                    )
                    .help("add `huntGroups:` with a list of hunt groups"),
                ),
                None => {}
            }
        }
        _ => cx.out.push(
            Pending::error(
                "huntctl::wrong_type",
                root_loc,
                "a desired-state YAML file holds a list of hunt groups or a mapping with `defaults:` and `huntGroups:`",
            )
            .label("neither a list nor a mapping"),
        ),
    }
    YamlLoad {
        groups,
        pending: cx.out,
        secrets,
    }
}

fn both_spellings(first: &str, second: &str, at: Loc, first_loc: Loc) -> Pending {
    Pending::error(
        "huntctl::both_spellings",
        at,
        format!("`{second}` is the same field as `{first}`, given twice"),
    )
    .label("second spelling")
    .related(first_loc, "first spelling here")
    .help("keep one spelling (camelCase is preferred)")
}

fn list_of_groups(
    cx: &mut Ctx,
    text: &str,
    items: Vec<Node<'_>>,
    defaults: Option<&RawGroup>,
    groups: &mut Vec<RawGroup>,
) {
    groups.reserve(items.len());
    for n in items {
        let n = &n;
        let loc = head(text, n);
        if !n.is_map() {
            cx.out.push(
                Pending::error(
                    "huntctl::wrong_type",
                    span(n),
                    format!(
                        "a hunt group must be a mapping of fields, found {}",
                        raw(n).describe()
                    ),
                )
                .label("expected a mapping"),
            );
            continue;
        }
        let mut g = RawGroup {
            loc,
            ..RawGroup::default()
        };
        group_fields(cx, n, &mut g);
        if let Some(d) = defaults {
            g.merge_defaults(d);
        }
        groups.push(g);
    }
}

/// Reads the fields of one hunt group (or of `defaults:`) into `g`.
fn group_fields(cx: &mut Ctx, node: &Node<'_>, g: &mut RawGroup) {
    // Which key spelled each field, for "same field spelled both ways".
    let mut seen: Vec<(F, String, Loc)> = Vec::new();
    let mut profile_seen: Option<(String, Loc)> = None;
    for (k, e) in cx.keys(node) {
        let kloc = span(&e.key);
        let val = &e.value;
        if k == PROFILE || k == PROFILE_SNAKE {
            if let Some((first, floc)) = &profile_seen {
                cx.out
                    .push(both_spellings(first, k, kloc, *floc).field(PROFILE));
            }
            profile_seen = Some((k.to_string(), kloc));
            match &val.value {
                Value::Map(_) => {
                    for (pk, pe) in cx.keys(val) {
                        field(cx, pk, &pe.value, span(&pe.key), true, g, &mut seen);
                    }
                }
                Value::Null => cx.out.push(
                    Pending::error(
                        "huntctl::null_defaulted",
                        span(val),
                        format!("{PROFILE} cannot be null: its name fields have defaults"),
                    )
                    .field(PROFILE)
                    .label("null here")
                    .help("leave serviceInstanceProfile out to get the defaults"),
                ),
                _ => cx.out.push(
                    Pending::error(
                        "huntctl::wrong_type",
                        span(val),
                        format!("{PROFILE} must be a mapping, found {}", raw(val).describe()),
                    )
                    .field(PROFILE)
                    .label("expected a mapping"),
                ),
            }
            continue;
        }
        field(cx, k, val, kloc, false, g, &mut seen);
    }
}

fn field(
    cx: &mut Ctx,
    k: &str,
    val: &Node<'_>,
    kloc: Loc,
    in_profile: bool,
    g: &mut RawGroup,
    seen: &mut Vec<(F, String, Loc)>,
) {
    let vloc = span(val);
    let Some((d, _snake)) = lookup_key(k, in_profile) else {
        cx.out.push(unknown_field(k, kloc, in_profile));
        return;
    };
    if let Some((_, first, floc)) = seen.iter().find(|(f, _, _)| *f == d.f) {
        cx.out
            .push(both_spellings(first, k, kloc, *floc).field(d.path));
        return;
    }
    seen.push((d.f, k.to_string(), kloc));
    match d.kind {
        Kind::Aliases => {
            g.alias = Some(match &val.value {
                Value::Null => ListVal::Null(vloc),
                Value::Seq(items) => ListVal::Items(
                    items
                        .iter()
                        .map(|n| Val {
                            raw: raw(n),
                            loc: span(n),
                        })
                        .collect(),
                    vloc,
                ),
                _ => ListVal::Wrong(Val {
                    raw: raw(val),
                    loc: vloc,
                }),
            });
        }
        Kind::Agents => {
            g.agents = Some(match &val.value {
                Value::Null => ListVal::Null(vloc),
                Value::Seq(items) => {
                    ListVal::Items(items.iter().filter_map(|n| agent(cx, n)).collect(), vloc)
                }
                _ => ListVal::Wrong(Val {
                    raw: raw(val),
                    loc: vloc,
                }),
            });
        }
        _ => g.values.push((
            d.f,
            Val {
                raw: raw(val),
                loc: vloc,
            },
        )),
    }
}

fn unknown_field(k: &str, kloc: Loc, in_profile: bool) -> Pending {
    let path = if in_profile {
        format!("{PROFILE}.{k}")
    } else {
        k.to_string()
    };
    let mut p = Pending::error(
        "huntctl::unknown_field",
        kloc,
        format!("unknown field `{path}`"),
    )
    .label("unknown field");
    if k == "<<" {
        return p.help("a merge key (`<<:`) takes a mapping or a list of mappings, e.g. `<<: *common` with `common: &common {...}`");
    }
    // A field put at the wrong level is a common slip: say where it belongs.
    if let Some((d, _)) = lookup_key(k, !in_profile) {
        let hint = if in_profile {
            format!(
                "`{}` belongs to the hunt group itself, not under {PROFILE}",
                d.key()
            )
        } else {
            format!("`{}` belongs under {PROFILE}:", d.key())
        };
        return p.help(hint);
    }
    let candidates = FIELDS
        .iter()
        .filter(|d| d.in_profile() == in_profile)
        .map(|d| d.key())
        .chain((!in_profile).then_some(PROFILE));
    p = match suggest(k, candidates) {
        Some(s) => p.help(format!("did you mean `{s}`?")),
        None => p.help("see schemas/huntgroups.schema.json for the fields"),
    };
    p
}

fn agent(cx: &mut Ctx, n: &Node<'_>) -> Option<RawAgent> {
    let loc = span(n);
    match &n.value {
        Value::Map(_) => {
            let mut a = RawAgent {
                user_id: None,
                weight: None,
                loc,
            };
            let mut seen_id: Option<(String, Loc)> = None;
            for (k, e) in cx.keys(n) {
                let kloc = span(&e.key);
                let val = Val {
                    raw: raw(&e.value),
                    loc: span(&e.value),
                };
                match k {
                    "userId" | "user_id" => {
                        if let Some((first, floc)) = &seen_id {
                            cx.out
                                .push(both_spellings(first, k, kloc, *floc).field("agentUserId"));
                        }
                        seen_id = Some((k.to_string(), kloc));
                        a.user_id = Some(val);
                    }
                    "weight" => a.weight = Some(val),
                    other => {
                        let mut p = Pending::error(
                            "huntctl::unknown_field",
                            kloc,
                            format!("unknown agent field `{other}`"),
                        )
                        .field("agentUserId")
                        .label("unknown field");
                        p = match suggest(other, ["userId", "weight"]) {
                            Some(s) => p.help(format!(
                                "did you mean `{s}`? An agent has userId and weight"
                            )),
                            None => p.help("an agent has userId and weight"),
                        };
                        cx.out.push(p);
                    }
                }
            }
            Some(a)
        }
        Value::Null => {
            cx.out.push(
                Pending::error("huntctl::wrong_type", loc, "an agent cannot be null")
                    .field("agentUserId")
                    .label("empty list item")
                    .help("remove the empty `-` item"),
            );
            None
        }
        _ => Some(RawAgent {
            user_id: Some(Val { raw: raw(n), loc }),
            weight: None,
            loc,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

fn scalar(s: &str) -> String {
    // saphyr's emitter knows which strings need quotes (`0100`, `true`, `null`, `yes`, `: `, …)
    // and writes text with line breaks or control characters double-quoted with escapes, so
    // every value stays on its line. Text a YAML 1.1 reader would take for a number (`1_000`,
    // `1:30`) is quoted too, so the file means the same to every reader.
    let force = yaml11_reading(s).is_some();
    let doc = saphyr::Yaml::Value(saphyr::Scalar::String(s.into()));
    let mut out = String::new();
    let mut emitter = saphyr::YamlEmitter::new(&mut out);
    emitter.quoted_value(force);
    match emitter.dump(&doc) {
        Ok(()) => out
            .strip_prefix("---\n")
            .unwrap_or(&out)
            .trim_end_matches('\n')
            .to_string(),
        Err(_) => serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}")),
    }
}

fn put(out: &mut String, indent: usize, key: &str, value: &str) {
    out.push_str(&" ".repeat(indent));
    out.push_str(key);
    out.push_str(": ");
    out.push_str(value);
    out.push('\n');
}

fn put_field(out: &mut String, indent: usize, key: &str, f: &Field<String>) {
    match f {
        Field::Unmanaged => {}
        Field::Absent => put(out, indent, key, "null"),
        Field::Value(v) => put(out, indent, key, &scalar(v)),
    }
}

fn put_bool(out: &mut String, indent: usize, f: F, v: bool, default: bool) {
    if v != default {
        put(out, indent, def(f).key(), if v { "true" } else { "false" });
    }
}

/// Which ids a hunt group entry spells out (the others are under `defaults:`).
#[derive(Clone, Copy)]
enum Ids {
    User,
    GroupAndUser,
    All,
}

fn write_group(out: &mut String, g: &HuntGroup, ids: Ids) {
    let first = |out: &mut String, key: &str, v: &str| {
        out.push_str("  - ");
        out.push_str(key);
        out.push_str(": ");
        out.push_str(v);
        out.push('\n');
    };
    match ids {
        Ids::All => {
            first(out, "serviceProviderId", &scalar(&g.service_provider_id));
            put(out, 4, "groupId", &scalar(&g.group_id));
            put(out, 4, "serviceUserId", &scalar(&g.service_user_id));
        }
        Ids::GroupAndUser => {
            first(out, "groupId", &scalar(&g.group_id));
            put(out, 4, "serviceUserId", &scalar(&g.service_user_id));
        }
        Ids::User => first(out, "serviceUserId", &scalar(&g.service_user_id)),
    }
    let p = &g.service_instance_profile;
    let mut prof = String::new();
    if p.name != defaults::NAME {
        put(&mut prof, 6, "name", &scalar(&p.name));
    }
    if p.calling_line_id_last_name != defaults::CALLING_LINE_ID_LAST_NAME {
        put(
            &mut prof,
            6,
            "callingLineIdLastName",
            &scalar(&p.calling_line_id_last_name),
        );
    }
    if p.calling_line_id_first_name != defaults::CALLING_LINE_ID_FIRST_NAME {
        put(
            &mut prof,
            6,
            "callingLineIdFirstName",
            &scalar(&p.calling_line_id_first_name),
        );
    }
    put_field(&mut prof, 6, "hiraganaLastName", &p.hiragana_last_name);
    put_field(&mut prof, 6, "hiraganaFirstName", &p.hiragana_first_name);
    put_field(&mut prof, 6, "phoneNumber", &p.phone_number);
    put_field(&mut prof, 6, "extension", &p.extension);
    if p.password.is_some() {
        // Never write the secret itself.
        prof.push_str("      # password: write-only, not written to files\n");
    }
    put_field(&mut prof, 6, "language", &p.language);
    put_field(&mut prof, 6, "timeZone", &p.time_zone);
    if !p.alias.is_empty() {
        let items: Vec<String> = p.alias.iter().map(|a| scalar(a)).collect();
        put(&mut prof, 6, "alias", &format!("[{}]", items.join(", ")));
    }
    put_field(&mut prof, 6, "publicUserIdentity", &p.public_user_identity);
    put_field(
        &mut prof,
        6,
        "callingLineIdPhoneNumber",
        &p.calling_line_id_phone_number,
    );
    if !prof.is_empty() {
        out.push_str("    serviceInstanceProfile:\n");
        out.push_str(&prof);
    }
    if g.policy != defaults::POLICY {
        put(out, 4, "policy", g.policy.as_str());
    }
    put_bool(
        out,
        4,
        F::HuntAfterNoAnswer,
        g.hunt_after_no_answer,
        defaults::HUNT_AFTER_NO_ANSWER,
    );
    if g.no_answer_number_of_rings != defaults::NO_ANSWER_NUMBER_OF_RINGS {
        put(
            out,
            4,
            "noAnswerNumberOfRings",
            &g.no_answer_number_of_rings.to_string(),
        );
    }
    put_bool(
        out,
        4,
        F::ForwardAfterTimeout,
        g.forward_after_timeout,
        defaults::FORWARD_AFTER_TIMEOUT,
    );
    if g.forward_timeout_seconds != defaults::FORWARD_TIMEOUT_SECONDS {
        put(
            out,
            4,
            "forwardTimeoutSeconds",
            &g.forward_timeout_seconds.to_string(),
        );
    }
    put_field(out, 4, "forwardToPhoneNumber", &g.forward_to_phone_number);
    let bools = [
        (
            F::AllowCallWaitingForAgents,
            g.allow_call_waiting_for_agents,
            defaults::ALLOW_CALL_WAITING_FOR_AGENTS,
        ),
        (
            F::UseSystemClid,
            g.use_system_hunt_group_clid_setting,
            defaults::USE_SYSTEM_HUNT_GROUP_CLID_SETTING,
        ),
        (
            F::IncludeNameInClid,
            g.include_hunt_group_name_in_clid,
            defaults::INCLUDE_HUNT_GROUP_NAME_IN_CLID,
        ),
        (
            F::EnableNotReachableForwarding,
            g.enable_not_reachable_forwarding,
            defaults::ENABLE_NOT_REACHABLE_FORWARDING,
        ),
    ];
    for (f, v, d) in bools {
        put_bool(out, 4, f, v, d);
    }
    put_field(
        out,
        4,
        "notReachableForwardToPhoneNumber",
        &g.not_reachable_forward_to_phone_number,
    );
    let bools = [
        (
            F::MakeBusyWhenNotReachable,
            g.make_busy_when_not_reachable,
            defaults::MAKE_BUSY_WHEN_NOT_REACHABLE,
        ),
        (
            F::AllowMembersToControlGroupBusy,
            g.allow_members_to_control_group_busy,
            defaults::ALLOW_MEMBERS_TO_CONTROL_GROUP_BUSY,
        ),
        (
            F::EnableGroupBusy,
            g.enable_group_busy,
            defaults::ENABLE_GROUP_BUSY,
        ),
        (
            F::ApplyGroupBusyWhenTerminatingToAgent,
            g.apply_group_busy_when_terminating_to_agent,
            defaults::APPLY_GROUP_BUSY_WHEN_TERMINATING_TO_AGENT,
        ),
    ];
    for (f, v, d) in bools {
        put_bool(out, 4, f, v, d);
    }
    put_field(out, 4, "networkClassOfService", &g.network_class_of_service);
    out.push_str("    agentUserId:\n");
    for a in &g.agents {
        match a.weight {
            None => {
                out.push_str("      - ");
                out.push_str(&scalar(&a.user_id));
                out.push('\n');
            }
            Some(w) => {
                out.push_str("      - userId: ");
                out.push_str(&scalar(&a.user_id));
                out.push_str(&format!("\n        weight: {w}\n"));
            }
        }
    }
}

/// The header `write` puts at the top of every file.
pub const HEADER: [&str; 2] = [
    "Written by huntctl. Values equal to the documented defaults are left out.",
    "Passwords are write-only: add `password:` under serviceInstanceProfile to set one on create.",
];

/// Writes hunt groups as YAML (see `super::to_yaml`).
pub fn write(groups: &[HuntGroup]) -> String {
    write_with_header(groups, &HEADER)
}

/// Writes hunt groups as YAML under the given comment lines (`#` is added).
pub fn write_with_header<S: AsRef<str>>(groups: &[HuntGroup], header: &[S]) -> String {
    let mut out = String::new();
    for line in header {
        for l in line.as_ref().lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for g in groups {
        let k = (g.service_provider_id.as_str(), g.group_id.as_str());
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let one_sp = keys
        .iter()
        .all(|(sp, _)| Some(*sp) == keys.first().map(|k| k.0));
    match keys.as_slice() {
        [(sp, grp)] => {
            out.push_str("defaults:\n");
            put(&mut out, 2, "serviceProviderId", &scalar(sp));
            put(&mut out, 2, "groupId", &scalar(grp));
            out.push_str("\nhuntGroups:\n");
            for g in groups {
                write_group(&mut out, g, Ids::User);
            }
        }
        [(sp, _), ..] if one_sp => {
            // One provider, several groups: the provider goes under defaults:, each hunt group
            // names its groupId. The order is kept, so loading gives back the same list.
            out.push_str("defaults:\n");
            put(&mut out, 2, "serviceProviderId", &scalar(sp));
            out.push_str("\nhuntGroups:\n");
            for g in groups {
                write_group(&mut out, g, Ids::GroupAndUser);
            }
        }
        _ => {
            // Several providers: a YAML file has one `defaults:`, so spell the ids out per group.
            out.push_str("huntGroups:\n");
            for g in groups {
                write_group(&mut out, g, Ids::All);
            }
        }
    }
    out
}
