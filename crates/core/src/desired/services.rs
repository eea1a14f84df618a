//! The blocks of the hunt group's own user — `services`, `callForwardingAlways`,
//! `callForwardingBusy`, `callForwardingNotReachable`, `callForwardingSelective` (with its
//! criteria) and `directoryNumberHunting` — typed from what the YAML and CSV readers found
//! ([`Tree`]s), walking the model's tables ([`crate::model::services::SETTINGS`], [`CRITERION_FIELDS`]).

use super::diagnostics::{suggest, DiagnosticCode};
use super::raw::{Loc, Raw, RawBlock, Tree, Val, AGENT_ID_LEN};
use super::validate::{
    check_agent_id, duplicate_agent, has_domain, is_outgoing_dn, same_agent, Pending,
};
use crate::model::services::{
    Block, BlockValue, CallToNumber, Criterion, CriterionField, DnSelection, FromDn, Kind,
    NumberSelection, ScheduleLevel, ScheduleRef, SettingDef, UserBlocks, CRITERIA,
    CRITERION_FIELDS, SERVICES,
};
use huntctl_protocol::services::{is_user_service, CALL_TO_NUMBER_TYPES};

/// True for a hunt group key that names a block (either spelling).
pub fn is_block_key(k: &str) -> bool {
    k == SERVICES || Block::by_key(k).is_some()
}

/// The camelCase of a block key.
fn canonical(k: &str) -> &str {
    Block::by_key(k).map_or(k, |(b, _)| b.key())
}

/// Two spellings of one block key.
pub fn same_key(a: &str, b: &str) -> bool {
    canonical(a) == canonical(b)
}

/// Types the blocks of one hunt group. `Some(None)`: none given; `None`: problems (in `out`).
pub fn build(raw: &[RawBlock], out: &mut Vec<Pending>) -> Option<Option<Box<UserBlocks>>> {
    if raw.is_empty() {
        return Some(None);
    }
    let start = out.len();
    let mut u = UserBlocks::default();
    let mut services_loc = None;
    for b in raw {
        match Block::by_key(&b.key) {
            None => {
                services_loc = Some(b.tree.loc());
                u.services = services(&b.tree, out);
            }
            Some((block, _)) => {
                let Some(entries) = mapping(&b.tree, block.key(), out) else {
                    continue;
                };
                let mut values: Vec<BlockValue> = block.fresh();
                for (k, kloc, v) in entries {
                    if block == Block::Selective && k == CRITERIA {
                        u.criteria = criteria(v, out);
                        continue;
                    }
                    match SettingDef::find(block, k) {
                        Some((i, s, _)) => {
                            if let Some(x) = setting(s, v, out) {
                                values[i] = x;
                            }
                        }
                        None => out.push(unknown(block.key(), k, *kloc, keys_of(block))),
                    }
                }
                check_active_has_number(block, &values, &b.tree, out);
                if block == Block::Selective && u.criteria.is_none() {
                    u.criteria = Some(Vec::new());
                }
                u.blocks.insert(block, values);
            }
        }
    }
    if let (Some(listed), Some(loc)) = (&u.services, services_loc) {
        for b in raw {
            let Some((block, _)) = Block::by_key(&b.key) else {
                continue;
            };
            if !listed.iter().any(|s| s == block.service()) {
                out.push(
                    Pending::error(
                        DiagnosticCode::ServiceNotListed,
                        b.key_loc,
                        format!(
                            "{} needs the service `{}`, which `services` does not list",
                            block.key(),
                            block.service()
                        ),
                    )
                    .field(block.key())
                    .label("set here")
                    .related(loc, "services listed here")
                    .help(format!(
                        "add `{}` to services (or leave services out: the plan then assigns it)",
                        block.service()
                    )),
                );
            }
        }
    }
    (out.len() == start).then(|| Some(Box::new(u)))
}

fn keys_of(block: Block) -> Vec<&'static str> {
    let mut k: Vec<&str> = block.settings().map(|s| s.key).collect();
    if block == Block::Selective {
        k.push(CRITERIA);
    }
    k
}

fn unknown(owner: &str, k: &str, loc: Loc, known: Vec<&'static str>) -> Pending {
    let mut p = Pending::error(
        DiagnosticCode::UnknownField,
        loc,
        format!("unknown field `{owner}.{k}`"),
    )
    .field(format!("{owner}.{k}"))
    .label("unknown field");
    p = match suggest(k, known.iter().copied()) {
        Some(s) => p.help(format!("did you mean `{s}`?")),
        None => p.help(format!("{owner} takes {}", known.join(", "))),
    };
    p
}

fn wrong(path: &str, loc: Loc, expected: &str, found: &Tree) -> Pending {
    let found = match found {
        Tree::Leaf(v) => v.raw.describe(),
        Tree::List(..) => "a list".into(),
        Tree::Map(..) => "a mapping".into(),
    };
    Pending::error(
        DiagnosticCode::WrongType,
        loc,
        format!("{path} must be {expected}, found {found}"),
    )
    .field(path)
    .label(format!("expected {expected}"))
}

fn mapping<'t>(
    t: &'t Tree,
    path: &str,
    out: &mut Vec<Pending>,
) -> Option<&'t [(String, Loc, Tree)]> {
    match t {
        Tree::Map(entries, _) => Some(entries),
        _ => {
            out.push(
                wrong(path, t.loc(), "a mapping", t)
                    .help(format!("leave {path} out to leave it unmanaged")),
            );
            None
        }
    }
}

fn text(t: &Tree, path: &str, max: usize, out: &mut Vec<Pending>) -> Option<Option<String>> {
    let Tree::Leaf(v) = t else {
        out.push(wrong(path, t.loc(), "a text", t));
        return None;
    };
    let s = match &v.raw {
        Raw::Null => return Some(None),
        Raw::Str(s) | Raw::Cell(s) => s.trim().to_string(),
        Raw::Number { text, .. } => text.clone(),
        _ => {
            out.push(wrong(path, v.loc, "a text", t));
            return None;
        }
    };
    if s.is_empty() || s.chars().count() > max {
        out.push(
            Pending::error(
                DiagnosticCode::Length,
                v.loc,
                format!("{path} must be 1–{max} characters"),
            )
            .field(path)
            .label("here"),
        );
        return None;
    }
    Some(Some(s))
}

fn boolean(t: &Tree, path: &str, out: &mut Vec<Pending>) -> Option<bool> {
    match t {
        Tree::Leaf(Val {
            raw: Raw::Bool(b), ..
        }) => Some(*b),
        Tree::Leaf(Val {
            raw: Raw::Cell(c), ..
        }) if c.trim().eq_ignore_ascii_case("true") => Some(true),
        Tree::Leaf(Val {
            raw: Raw::Cell(c), ..
        }) if c.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => {
            out.push(wrong(path, t.loc(), "true or false", t));
            None
        }
    }
}

/// A number to forward to: `OutgoingDNorSIPURI` (1–161), or `null` for none.
fn number(t: &Tree, path: &str, out: &mut Vec<Pending>) -> Option<Option<String>> {
    let n = text(t, path, 161, out)?;
    if let Some(s) = &n {
        let ok = if s.contains('@') {
            has_domain(s) && !s.to_ascii_lowercase().starts_with("sip:")
        } else {
            is_outgoing_dn(s)
        };
        if !ok {
            out.push(
                Pending::error(
                    DiagnosticCode::BadValue,
                    t.loc(),
                    format!("{path} \"{s}\" is neither a phone number nor a SIP URI"),
                )
                .field(path)
                .label("here")
                .help("write a number (digits, +, *, #, -), e.g. +1-2025550100, or user@host"),
            );
            return None;
        }
    }
    Some(n)
}

fn setting(s: &SettingDef, t: &Tree, out: &mut Vec<Pending>) -> Option<BlockValue> {
    let path = s.path();
    match s.kind {
        Kind::Bool(_) => {
            if matches!(t, Tree::Leaf(Val { raw: Raw::Null, .. })) {
                out.push(
                    Pending::error(
                        DiagnosticCode::NullDefaulted,
                        t.loc(),
                        format!("{path} cannot be null"),
                    )
                    .field(&path)
                    .label("null here")
                    .help("leave it out for false, or write true or false"),
                );
                return None;
            }
            boolean(t, &path, out).map(BlockValue::Bool)
        }
        Kind::Number => number(t, &path, out).map(BlockValue::Number),
        Kind::UserIds => user_ids(t, &path, out).map(BlockValue::UserIds),
    }
}

fn user_ids(t: &Tree, path: &str, out: &mut Vec<Pending>) -> Option<Vec<String>> {
    let items = match t {
        Tree::Leaf(Val { raw: Raw::Null, .. }) => return Some(Vec::new()),
        Tree::List(items, _) => items,
        _ => {
            out.push(wrong(path, t.loc(), "a list of user ids", t));
            return None;
        }
    };
    let start = out.len();
    let mut ids: Vec<(String, Loc)> = Vec::new();
    for i in items {
        let Some(Some(id)) = text(i, path, AGENT_ID_LEN.1, out) else {
            continue;
        };
        if !check_agent_id(&id, i.loc(), path, out) {
            continue;
        }
        match ids.iter().find(|(x, _)| same_agent(x, &id)) {
            Some((_, first)) => out.push(duplicate_agent(&id, i.loc(), *first, path)),
            None => ids.push((id, i.loc())),
        }
    }
    (out.len() == start).then(|| ids.into_iter().map(|(id, _)| id).collect())
}

fn check_active_has_number(block: Block, values: &[BlockValue], t: &Tree, out: &mut Vec<Pending>) {
    if matches!(block, Block::Selective | Block::Dnh) {
        return;
    }
    if values.first() == Some(&BlockValue::Bool(true))
        && values.get(1) == Some(&BlockValue::Number(None))
    {
        out.push(
            Pending::error(
                DiagnosticCode::BadValue,
                t.loc(),
                format!(
                    "{} is active but has no forwardToPhoneNumber: BroadWorks refuses to \
                     activate forwarding without a number",
                    block.key()
                ),
            )
            .field(format!("{}.isActive", block.key()))
            .label("this block")
            .help("add forwardToPhoneNumber, or set isActive: false"),
        );
    }
}

fn services(t: &Tree, out: &mut Vec<Pending>) -> Option<Vec<String>> {
    let items = match t {
        Tree::List(items, _) => items,
        _ => {
            out.push(
                wrong(SERVICES, t.loc(), "a list of service names", t)
                    .help("write `services: []` for none, or leave it out to leave it unmanaged"),
            );
            return None;
        }
    };
    let start = out.len();
    let mut names: Vec<String> = Vec::new();
    for i in items {
        let Some(Some(name)) = text(i, SERVICES, 80, out) else {
            continue;
        };
        if !is_user_service(&name) {
            let known = huntctl_protocol::services::USER_SERVICES.iter().copied();
            let mut p = Pending::error(
                DiagnosticCode::BadValue,
                i.loc(),
                format!("\"{name}\" is not a BroadWorks R25 user service"),
            )
            .field(SERVICES)
            .label("unknown service");
            if let Some(s) = suggest(&name, known) {
                p = p.help(format!("did you mean `{s}`?"));
            }
            out.push(p);
        } else if names.contains(&name) {
            out.push(
                Pending::error(
                    DiagnosticCode::DuplicateKey,
                    i.loc(),
                    format!("service `{name}` is listed twice"),
                )
                .field(SERVICES)
                .label("second time")
                .help("list each service once"),
            );
        } else {
            names.push(name);
        }
    }
    (out.len() == start).then_some(names)
}

const CRITERIA_PATH: &str = "callForwardingSelective.criteria";

fn criteria(t: &Tree, out: &mut Vec<Pending>) -> Option<Vec<Criterion>> {
    let items = match t {
        Tree::Leaf(Val { raw: Raw::Null, .. }) => return Some(Vec::new()),
        Tree::List(items, _) => items,
        _ => {
            out.push(wrong(CRITERIA_PATH, t.loc(), "a list of criteria", t));
            return None;
        }
    };
    let start = out.len();
    let mut list: Vec<(Criterion, Loc)> = Vec::new();
    for i in items {
        let Some(c) = criterion(i, out) else { continue };
        if let Some((_, first)) = list.iter().find(|(x, _)| x.name == c.name) {
            out.push(
                Pending::error(
                    DiagnosticCode::DuplicateCriterion,
                    i.loc(),
                    format!("criterion `{}` is given twice", c.name),
                )
                .field(CRITERIA_PATH)
                .label("second time")
                .related(*first, "first time here")
                .help("criteria names are unique per user: rename or merge them"),
            );
            continue;
        }
        list.push((c, i.loc()));
    }
    (out.len() == start).then(|| list.into_iter().map(|(c, _)| c).collect())
}

fn criterion(t: &Tree, out: &mut Vec<Pending>) -> Option<Criterion> {
    let entries = mapping(t, CRITERIA_PATH, out)?;
    let Some((_, _, name)) = entries.iter().find(|(k, ..)| k == "name") else {
        out.push(
            Pending::error(
                DiagnosticCode::MissingField,
                t.loc(),
                "a criterion needs a name",
            )
            .field(CRITERIA_PATH)
            .label("this criterion")
            .help("criteria are keyed by name: add `name: after-hours`"),
        );
        return None;
    };
    let name = text(name, &format!("{CRITERIA_PATH}.name"), 50, out)??;
    let start = out.len();
    let mut c = Criterion::new(&name);
    let base = format!("{CRITERIA_PATH}[{name}]");
    for (k, kloc, v) in entries {
        if k == "name" {
            continue;
        }
        let Some(f) = CriterionField::find(k) else {
            let known = std::iter::once("name").chain(CRITERION_FIELDS.iter().map(|f| f.key));
            out.push(unknown(&base, k, *kloc, known.collect()));
            continue;
        };
        let path = format!("{base}.{}", f.key);
        match f.key {
            "isActive" => c.is_active = boolean(v, &path, out).unwrap_or(true),
            "timeSchedule" => c.time_schedule = schedule(v, &path, out).flatten(),
            "holidaySchedule" => c.holiday_schedule = schedule(v, &path, out).flatten(),
            "forwardToNumberSelection" => {
                if let Some(s) = choice(v, &path, &NumberSelection::ALL.map(|x| x.as_str()), out) {
                    c.forward_to_number_selection = NumberSelection::parse(s).unwrap_or_default();
                }
            }
            "forwardToPhoneNumber" => c.forward_to_phone_number = number(v, &path, out).flatten(),
            "fromDnCriteria" => {
                if let Some(f) = from_dn(v, &path, out) {
                    c.from_dn_criteria = f;
                }
            }
            _ => {
                if let Some(list) = call_to(v, &path, out) {
                    c.call_to_number = list;
                }
            }
        }
    }
    if c.forward_to_number_selection == NumberSelection::Specified
        && c.forward_to_phone_number.is_none()
    {
        out.push(
            Pending::error(
                DiagnosticCode::MissingField,
                t.loc(),
                format!("{base} forwards to a specified number but gives no forwardToPhoneNumber"),
            )
            .field(format!("{base}.forwardToPhoneNumber"))
            .label("this criterion")
            .help("add forwardToPhoneNumber, or use Forward To Default Number"),
        );
    }
    (out.len() == start).then_some(c)
}

fn choice<'a>(
    t: &Tree,
    path: &str,
    allowed: &[&'a str],
    out: &mut Vec<Pending>,
) -> Option<&'a str> {
    let s = text(t, path, 80, out)??;
    match allowed.iter().find(|a| a.eq_ignore_ascii_case(&s)) {
        Some(a) => Some(a),
        None => {
            out.push(
                Pending::error(
                    DiagnosticCode::BadValue,
                    t.loc(),
                    format!("{path} \"{s}\" is not one of: {}", allowed.join(", ")),
                )
                .field(path)
                .label("here"),
            );
            None
        }
    }
}

fn schedule(t: &Tree, path: &str, out: &mut Vec<Pending>) -> Option<Option<ScheduleRef>> {
    if matches!(t, Tree::Leaf(Val { raw: Raw::Null, .. })) {
        return Some(None);
    }
    let entries = mapping(t, path, out)?;
    let (mut name, mut level) = (None, None);
    for (k, kloc, v) in entries {
        match k.as_str() {
            "name" => name = text(v, &format!("{path}.name"), 40, out).flatten(),
            "level" | "type" => {
                let names = ScheduleLevel::ALL.map(ScheduleLevel::as_str);
                level =
                    choice(v, &format!("{path}.level"), &names, out).and_then(ScheduleLevel::parse);
            }
            _ => out.push(unknown(path, k, *kloc, vec!["name", "level"])),
        }
    }
    match (name, level) {
        (Some(name), Some(level)) => Some(Some(ScheduleRef { level, name })),
        _ => {
            out.push(
                Pending::error(
                    DiagnosticCode::MissingField,
                    t.loc(),
                    format!("{path} needs a name and a level"),
                )
                .field(path)
                .label("here")
                .help("write `{name: Business Hours, level: Group}` (level: Group, Service Provider or User)"),
            );
            None
        }
    }
}

fn from_dn(t: &Tree, path: &str, out: &mut Vec<Pending>) -> Option<FromDn> {
    let entries = mapping(t, path, out)?;
    let mut f = FromDn::default();
    for (k, kloc, v) in entries {
        let p = format!("{path}.{k}");
        match k.as_str() {
            "fromDnCriteriaSelection" | "from_dn_criteria_selection" => {
                let names = [DnSelection::Any, DnSelection::SpecifiedOnly].map(|x| x.as_str());
                if let Some(s) = choice(v, &p, &names, out) {
                    f.from_dn_criteria_selection = DnSelection::parse(s).unwrap_or_default();
                }
            }
            "includeAnonymousCallers" | "include_anonymous_callers" => {
                f.include_anonymous_callers = boolean(v, &p, out).unwrap_or(false)
            }
            "includeUnavailableCallers" | "include_unavailable_callers" => {
                f.include_unavailable_callers = boolean(v, &p, out).unwrap_or(false)
            }
            "phoneNumber" | "phone_number" => match v {
                Tree::List(items, _) if items.len() <= 12 => {
                    f.phone_number = items
                        .iter()
                        .filter_map(|i| number(i, &p, out).flatten())
                        .collect()
                }
                _ => out.push(wrong(&p, v.loc(), "a list of at most 12 numbers", v)),
            },
            _ => out.push(unknown(
                path,
                k,
                *kloc,
                vec![
                    "fromDnCriteriaSelection",
                    "includeAnonymousCallers",
                    "includeUnavailableCallers",
                    "phoneNumber",
                ],
            )),
        }
    }
    Some(f)
}

fn call_to(t: &Tree, path: &str, out: &mut Vec<Pending>) -> Option<Vec<CallToNumber>> {
    let items = match t {
        Tree::Leaf(Val { raw: Raw::Null, .. }) => return Some(Vec::new()),
        Tree::List(items, _) => items,
        _ => {
            out.push(wrong(
                path,
                t.loc(),
                "a list of {type, number, extension}",
                t,
            ));
            return None;
        }
    };
    let mut list = Vec::new();
    for i in items {
        let entries = mapping(i, path, out)?;
        let mut c = CallToNumber {
            number_type: String::new(),
            number: None,
            extension: None,
        };
        for (k, kloc, v) in entries {
            let p = format!("{path}.{k}");
            match k.as_str() {
                "type" => c.number_type = choice(v, &p, CALL_TO_NUMBER_TYPES, out)?.to_string(),
                "number" => c.number = text(v, &p, 23, out)?,
                "extension" => c.extension = text(v, &p, 20, out)?,
                _ => out.push(unknown(path, k, *kloc, vec!["type", "number", "extension"])),
            }
        }
        if c.number_type.is_empty() {
            out.push(
                Pending::error(
                    DiagnosticCode::MissingField,
                    i.loc(),
                    format!("{path} needs a type"),
                )
                .field(path)
                .label("here")
                .help("type is Primary or Alternate1…Alternate10"),
            );
            return None;
        }
        list.push(c);
    }
    Some(list)
}

/// Where each value of the blocks was written, by the path plans and pre-flight name it:
/// `services[Call Forwarding Busy]`, `directoryNumberHunting.agentUserId[alice@example.com]`,
/// `callForwardingSelective.criteria[after-hours].timeSchedule`, and each block's key.
pub fn locations(raw: &[RawBlock]) -> Vec<(String, Loc)> {
    let mut out = Vec::new();
    for b in raw {
        let key = canonical(&b.key).to_string();
        out.push((key.clone(), b.key_loc));
        match (&b.tree, Block::by_key(&b.key)) {
            (Tree::List(items, _), None) => {
                for i in items {
                    if let Tree::Leaf(Val {
                        raw: Raw::Str(s) | Raw::Cell(s),
                        loc,
                    }) = i
                    {
                        out.push((format!("{SERVICES}[{}]", s.trim()), *loc));
                    }
                }
            }
            (Tree::Map(entries, _), Some((block, _))) => {
                for (k, kloc, v) in entries {
                    let leaf = SettingDef::find(block, k).map_or(k.as_str(), |(_, s, _)| s.key);
                    out.push((format!("{key}.{leaf}"), *kloc));
                    match v {
                        Tree::List(items, _) if k == CRITERIA => {
                            criteria_locations(items, &mut out)
                        }
                        Tree::List(items, _) => {
                            for i in items {
                                if let Tree::Leaf(Val {
                                    raw: Raw::Str(s) | Raw::Cell(s),
                                    loc,
                                }) = i
                                {
                                    out.push((format!("{key}.{leaf}[{}]", s.trim()), *loc));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn criteria_locations(items: &[Tree], out: &mut Vec<(String, Loc)>) {
    for i in items {
        let Tree::Map(entries, loc) = i else { continue };
        let Some(name) = entries.iter().find_map(|(k, _, v)| match (k.as_str(), v) {
            (
                "name",
                Tree::Leaf(Val {
                    raw: Raw::Str(s), ..
                }),
            ) => Some(s.trim().to_string()),
            _ => None,
        }) else {
            continue;
        };
        let base = format!("{CRITERIA_PATH}[{name}]");
        out.push((base.clone(), *loc));
        for (k, _, v) in entries {
            if let Some(f) = CriterionField::find(k) {
                // A schedule is located at its name, the value pre-flight refuses.
                let at = match v {
                    Tree::Map(e, _) => e
                        .iter()
                        .find(|(k, ..)| k == "name")
                        .map_or(v.loc(), |(_, _, n)| n.loc()),
                    _ => v.loc(),
                };
                out.push((format!("{base}.{}", f.key), at));
            }
        }
    }
}

/// Writes the blocks of `blocks` as YAML under a hunt group entry (`indent`: the entry's key
/// column), leaving out what equals its default: a fresh service's setting, a criterion's R25
/// default. `scalar` quotes text as the rest of the writer does.
pub fn write_yaml(
    out: &mut String,
    indent: usize,
    blocks: &UserBlocks,
    scalar: &dyn Fn(&str) -> String,
) {
    use serde_json::Value as Json;
    let default_criterion = serde_json::to_value(Criterion::new("")).unwrap_or(Json::Null);
    for (key, mut v) in blocks.to_json() {
        if let (Some((block, _)), Json::Object(m)) = (Block::by_key(key), &mut v) {
            for s in block.settings() {
                if m.get(s.key) == Some(&s.fresh().to_json()) {
                    m.remove(s.key);
                }
            }
            if let Some(Json::Array(list)) = m.get_mut(CRITERIA) {
                for c in list.iter_mut().filter_map(Json::as_object_mut) {
                    c.retain(|k, v| k == "name" || default_criterion.get(k) != Some(v));
                }
                if list.is_empty() {
                    m.remove(CRITERIA);
                }
            }
        }
        put_json(out, indent, key, &v, scalar);
    }
}

fn put_json(
    out: &mut String,
    indent: usize,
    key: &str,
    v: &serde_json::Value,
    scalar: &dyn Fn(&str) -> String,
) {
    use serde_json::Value as Json;
    let pad = " ".repeat(indent);
    let flat = |v: &Json| match v {
        Json::String(s) => Some(scalar(s)),
        Json::Null => Some("null".into()),
        Json::Bool(_) | Json::Number(_) => Some(v.to_string()),
        Json::Array(a) if a.is_empty() => Some("[]".into()),
        Json::Object(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    };
    if let Some(s) = flat(v) {
        out.push_str(&format!("{pad}{key}: {s}\n"));
        return;
    }
    match v {
        Json::Array(items) if items.iter().all(|i| flat(i).is_some()) => {
            let items: Vec<String> = items.iter().filter_map(flat).collect();
            out.push_str(&format!("{pad}{key}: [{}]\n", items.join(", ")));
        }
        Json::Array(items) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for i in items {
                let mut item = String::new();
                match i {
                    Json::Object(m) => {
                        for (k, v) in m {
                            put_json(&mut item, indent + 4, k, v, scalar);
                        }
                    }
                    other => item.push_str(&format!(
                        "{}{}\n",
                        " ".repeat(indent + 4),
                        flat(other).unwrap_or_default()
                    )),
                }
                // The first line of an item goes after its dash.
                let body = item.get(indent + 4..).unwrap_or_default();
                out.push_str(&format!("{pad}  - {body}"));
            }
        }
        Json::Object(m) => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, v) in m {
                put_json(out, indent + 2, k, v, scalar);
            }
        }
        _ => {}
    }
}

/// The blocks an export writes for a hunt group read with every block: the services assigned
/// (when any), and each block whose service is assigned and whose state is not a fresh
/// service's. `None` when that leaves nothing.
pub fn for_export(read: &UserBlocks) -> Option<Box<UserBlocks>> {
    let assigned = read.services.clone().unwrap_or_default();
    let mut out = UserBlocks {
        services: (!assigned.is_empty()).then(|| assigned.clone()),
        ..UserBlocks::default()
    };
    for (b, values) in &read.blocks {
        if !assigned.iter().any(|s| s == b.service()) {
            continue;
        }
        let criteria = read.criteria.as_deref().unwrap_or_default();
        let fresh = *values == b.fresh() && (*b != Block::Selective || criteria.is_empty());
        if fresh {
            continue;
        }
        out.blocks.insert(*b, values.clone());
        if *b == Block::Selective {
            out.criteria = Some(criteria.to_vec());
        }
    }
    (!out.is_empty()).then(|| Box::new(out))
}

/// The row in [`crate::model::services::SETTINGS`] of a CSV column
/// (`callForwardingBusy.forwardToPhoneNumber`); criteria and DNH have no columns.
pub fn csv_setting(header: &str) -> Option<usize> {
    crate::model::services::SETTINGS
        .iter()
        .position(|s| s.block.in_csv() && s.path() == header)
}

/// The block cells of one CSV row, put together into blocks once the row is read.
#[derive(Debug, Default)]
pub struct CsvCells {
    /// `services[N]` cells.
    pub services: Vec<(u32, Val)>,
    /// Setting cells: the row in SETTINGS, the header, the value.
    pub settings: Vec<(usize, String, Val)>,
}

impl CsvCells {
    /// The row's blocks: `services` when any `services[N]` cell is filled in, and each block
    /// with at least one filled-in setting (a CSV leaves the others, and criteria and DNH,
    /// unmanaged).
    pub fn into_blocks(mut self, row: Loc) -> Vec<RawBlock> {
        let mut out = Vec::new();
        if !self.services.is_empty() {
            self.services.sort_by_key(|(n, _)| *n);
            let loc = self.services[0].1.loc;
            out.push(RawBlock {
                key: SERVICES.to_string(),
                key_loc: loc,
                tree: Tree::List(
                    self.services
                        .into_iter()
                        .map(|(_, v)| Tree::Leaf(v))
                        .collect(),
                    row,
                ),
            });
        }
        for block in Block::ALL {
            let entries: Vec<(String, Loc, Tree)> = self
                .settings
                .iter()
                .filter(|(i, ..)| crate::model::services::SETTINGS[*i].block == block)
                .map(|(i, _, v)| {
                    let key = crate::model::services::SETTINGS[*i].key.to_string();
                    (key, v.loc, Tree::Leaf(v.clone()))
                })
                .collect();
            if let Some((_, loc, _)) = entries.first() {
                let loc = *loc;
                out.push(RawBlock {
                    key: block.key().to_string(),
                    key_loc: loc,
                    tree: Tree::Map(entries, loc),
                });
            }
        }
        out
    }
}

/// The JSON Schema properties of the blocks, added to a hunt group's: walked from the tables.
pub fn schema_properties(props: &mut serde_json::Map<String, serde_json::Value>) {
    use crate::model::services::SETTINGS;
    use serde_json::json;
    props.insert(
        SERVICES.into(),
        json!({"type": "array", "uniqueItems": true,
            "items": {"enum": huntctl_protocol::services::USER_SERVICES},
            "description": "The user services assigned to the hunt group's user (R25 UserService \
                names), as a set: assigned and unassigned to match. Left out: the blocks below \
                assign the services they need and nothing is unassigned."}),
    );
    for block in Block::ALL {
        let mut p = serde_json::Map::new();
        for s in SETTINGS.iter().filter(|s| s.block == block) {
            let ty = match s.kind {
                Kind::Bool(d) => json!({"type": "boolean", "default": d}),
                Kind::Number => {
                    json!({"type": ["string", "null"], "minLength": 1, "maxLength": 161})
                }
                Kind::UserIds => json!({"type": ["array", "null"],
                    "items": {"type": "string", "pattern": "^[^@]+@[^@]+$"}}),
            };
            let mut v = ty;
            v["description"] = json!(s.doc);
            p.insert(s.key.into(), v);
            if s.snake != s.key {
                p.insert(
                    s.snake.into(),
                    json!({"$ref": format!(
                    "#/$defs/group/properties/{}/properties/{}", block.key(), s.key)}),
                );
            }
        }
        if block == Block::Selective {
            let mut c = serde_json::Map::new();
            c.insert(
                "name".into(),
                json!({"type": "string", "minLength": 1, "maxLength": 50,
                    "description": "The criterion's name: criteria are a set keyed by it."}),
            );
            for f in CRITERION_FIELDS {
                let mut v = (f.schema)();
                v["description"] = json!(f.doc);
                c.insert(f.key.into(), v.clone());
                if f.snake != f.key {
                    c.insert(f.snake.into(), v);
                }
            }
            p.insert(
                CRITERIA.into(),
                json!({"type": ["array", "null"], "items": {"type": "object",
                    "additionalProperties": false, "required": ["name"], "properties": c},
                    "description": "The criteria, by name: added, modified and deleted to match."}),
            );
        }
        let obj = json!({"type": "object", "additionalProperties": false, "properties": p,
            "description": format!("{} Given, it is the whole desired state of the block \
                (left-out settings take a fresh service's values); left out, unmanaged. Needs \
                the service {}.{}", block.doc(), block.service(),
                if block.in_csv() { "" } else { " YAML only." })});
        props.insert(block.key().into(), obj);
        props.insert(
            block.snake().into(),
            json!({"$ref": format!("#/$defs/group/properties/{}", block.key())}),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::{load_data, load_str, to_csv, to_yaml};
    use crate::model::services::{Block, BlockValue};
    use serde_json::json;

    const YAML: &str = "- serviceProviderId: MyServiceProvider
  groupId: SalesGroup
  serviceUserId: hg@company.com
  agentUserId: [a@company.com, b@company.com]
  services: [Call Forwarding Busy, Call Forwarding Selective, Directory Number Hunting]
  callForwardingBusy: {isActive: true, forwardToPhoneNumber: '+1-2025550150'}
  callForwardingSelective:
    playRingReminder: true
    criteria:
      - name: after-hours
        timeSchedule: {name: Business Hours, level: Group}
        holidaySchedule: {name: Company Holidays, level: Service Provider}
        forwardToNumberSelection: Forward To Specified Number
        forwardToPhoneNumber: '+1-2025550170'
        fromDnCriteria: {fromDnCriteriaSelection: Specified Only, phoneNumber: ['2025550111']}
        callToNumber: [{type: Primary}]
      - {name: vip, isActive: false}
  directoryNumberHunting:
    agentUserId: [a@company.com]
    useTerminateCallToAgentFirst: true
";

    #[test]
    fn yaml_blocks_load_and_write_back_the_same() {
        let a = load_str("a.yaml", YAML).unwrap().hunt_groups;
        let b = a[0].blocks.as_deref().unwrap();
        assert_eq!(
            b.value(Block::Busy, "forwardToPhoneNumber"),
            Some(&BlockValue::Number(Some("+1-2025550150".into())))
        );
        let criteria = b.criteria.as_deref().unwrap();
        assert_eq!(criteria.len(), 2);
        assert!(!criteria[1].is_active);
        let written = to_yaml(&a);
        let again = load_str("b.yaml", &written).unwrap().hunt_groups;
        assert_eq!(again, a, "{written}");
    }

    #[test]
    fn csv_keeps_the_flat_blocks_and_leaves_criteria_and_dnh_unmanaged() {
        let a = load_str("a.yaml", YAML).unwrap().hunt_groups;
        let csv = to_csv(&a);
        assert!(csv.contains("callForwardingBusy.isActive"), "{csv}");
        assert!(csv.contains("services[2]"), "{csv}");
        assert!(!csv.contains("directoryNumberHunting"), "{csv}");
        let back = load_str("b.csv", &csv).unwrap().hunt_groups;
        let b = back[0].blocks.as_deref().unwrap();
        let orig = a[0].blocks.as_deref().unwrap();
        assert_eq!(b.services, orig.services);
        assert_eq!(b.blocks.get(&Block::Busy), orig.blocks.get(&Block::Busy));
        assert!(!b.blocks.contains_key(&Block::Dnh));
    }

    #[test]
    fn python_dicts_take_snake_case_keys() {
        let data = json!([{"service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
            "service_user_id": "hg@company.com", "agent_user_id": ["a@company.com"],
            "call_forwarding_always": {"is_active": true, "forward_to_phone_number": "+12025550100"},
            "call_forwarding_selective": {"criteria": [{"name": "x", "is_active": false,
                "time_schedule": {"name": "Business Hours", "level": "Group"}}]}}]);
        let s = load_data("hunt_group_data", &data).unwrap();
        let b = s.hunt_groups[0].blocks.as_deref().unwrap();
        assert_eq!(
            b.value(Block::Always, "isActive"),
            Some(&BlockValue::Bool(true))
        );
        assert!(!b.criteria.as_deref().unwrap()[0].is_active);
        let bad = json!([{"service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
            "service_user_id": "hg@company.com", "agent_user_id": ["a@company.com"],
            "call_forwarding_busy": {"is_active": "yes"}}]);
        let d = load_data("hunt_group_data", &bad).unwrap_err();
        assert_eq!(
            d.items[0].location.path.as_deref(),
            Some("hunt_group_data[0].call_forwarding_busy.is_active")
        );
    }
}
