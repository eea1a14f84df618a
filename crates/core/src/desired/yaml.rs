//! YAML desired state: reading (through `yaml_tree`, on saphyr's parser) and writing.
//!
//! A file is a list of hunt groups, or a mapping with `defaults:` (merged under every hunt group
//! of the file) and `huntGroups:`. Keys are OCI-P camelCase; the reference page's snake_case
//! spelling is accepted too.

use super::diagnostics::{suggest, DiagnosticCode};
use super::raw::{
    def, lookup_key, Ix, ListVal, Loc, Raw, RawAgent, RawBlock, RawDepartment, RawGroup, Tree, Val,
    DEPARTMENT_KEYS, IGNORE_KEY, OPERATION_KEY, PROFILE, PROFILE_SNAKE, PROTECT_KEY,
    RENAMED_FROM_KEY, RENAMED_FROM_SNAKE,
};
use super::secret_ref;
use super::validate::Pending;
use super::yaml_tree::{parse, yaml11_reading, Entry, Node, TreeError, Value};
use crate::model::table::{Carrier, FieldDef, Ty, ValueRef, FIELDS};
use crate::model::{Field, HuntGroup};
use crate::plan::Lifecycle;

/// The `seen` slot of the `operation` key, which is not a row of the table.
const OPERATION_SEEN: Ix = Ix::MAX;
/// The `seen` slots of the lifecycle keys, which are not rows of the table either.
const IGNORE_SEEN: Ix = Ix::MAX - 1;
const RENAMED_FROM_SEEN: Ix = Ix::MAX - 2;
const PROTECT_SEEN: Ix = Ix::MAX - 3;

/// The hunt groups of one YAML file, not yet typed, and the problems found in its structure.
#[derive(Debug, Default)]
pub struct YamlLoad {
    /// Hunt groups with `defaults:` merged in.
    pub groups: Vec<RawGroup>,
    /// Problems.
    pub pending: Vec<Pending>,
    /// Where password values are, for masking the text that snippets quote.
    pub secrets: Vec<(usize, usize)>,
    /// The `protect:` lists of the top level and of `defaults:`.
    pub protect: Vec<ListVal<Val>>,
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
    /// The `protect:` lists found (top level, `defaults:`).
    protect: Vec<ListVal<Val>>,
}

impl Ctx {
    /// The text keys of a mapping; non-text and repeated keys are reported and skipped.
    fn keys<'n, 'a>(&mut self, map: &'n Node<'a>) -> Vec<(&'n str, &'n Entry<'a>)> {
        let mut keys: Vec<(&str, &Entry<'_>)> = Vec::new();
        for e in entries(map) {
            let Some(k) = e.key.key_text() else {
                self.out.push(
                    Pending::error(DiagnosticCode::BadKey, span(&e.key), "keys must be text")
                        .label("not a text key"),
                );
                continue;
            };
            if let Some((_, first)) = keys.iter().find(|(f, _)| *f == k) {
                self.out.push(
                    Pending::error(
                        DiagnosticCode::DuplicateKey,
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
        Ok(Some(root)) => root,
        Ok(None) => return YamlLoad::problem(empty_file()),
        Err(e) => return YamlLoad::problem(syntax_error(text, e)),
    };
    let secrets = super::redact::password_spans(&root);
    let mut cx = Ctx {
        out: Vec::new(),
        protect: Vec::new(),
    };
    let mut groups = Vec::new();
    read_root(&mut cx, text, root, &mut groups);
    YamlLoad {
        groups,
        pending: cx.out,
        secrets,
        protect: cx.protect,
    }
}

impl YamlLoad {
    /// A file that yields nothing but one problem.
    fn problem(p: Pending) -> Self {
        YamlLoad {
            pending: vec![p],
            ..YamlLoad::default()
        }
    }
}

/// The parser's error, shown at the character where it stopped.
fn syntax_error(text: &str, e: TreeError) -> Pending {
    let at = e.at.min(text.len());
    let end = text[at..]
        .chars()
        .next()
        .map(|c| at + c.len_utf8())
        .unwrap_or(at);
    let p = Pending::error(
        DiagnosticCode::YamlSyntax,
        Loc::Span { start: at, end },
        format!("invalid YAML: {}", e.message),
    )
    .label("here");
    match e.help {
        Some(h) => p.help(h),
        None => p,
    }
}

fn empty_file() -> Pending {
    Pending::warning(
        DiagnosticCode::EmptyFile,
        Loc::File,
        "this file has no hunt groups",
    )
    .help("write a list of hunt groups, or `defaults:` and `huntGroups:`")
}

/// Reads the document's root: a list of hunt groups, or a mapping with `defaults:` and
/// `huntGroups:`.
fn read_root(cx: &mut Ctx, text: &str, root: Node<'_>, groups: &mut Vec<RawGroup>) {
    match root.value {
        Value::Null => cx.out.push(empty_file()),
        Value::Seq(items) => list_of_groups(cx, text, items, None, groups),
        Value::Map(_) => read_top_mapping(cx, text, root, groups),
        _ => cx.out.push(
            Pending::error(
                DiagnosticCode::WrongType,
                span(&root),
                "a desired-state YAML file holds a list of hunt groups or a mapping with `defaults:` and `huntGroups:`",
            )
            .label("neither a list nor a mapping"),
        ),
    }
}

/// What the keys of a top-level mapping hold, read before its hunt groups are.
#[derive(Default)]
struct TopLevel {
    /// `defaults:`, to merge under every hunt group.
    defaults: Option<RawGroup>,
    /// The key that spelled `huntGroups:` (either spelling), and where.
    list_key: Option<(String, Loc)>,
    /// Whether that key holds a list (it may be null, or of the wrong type).
    has_list: bool,
}

/// A mapping with `defaults:` and `huntGroups:`: the keys first (so that `defaults:` applies
/// wherever it is written), then the hunt groups.
fn read_top_mapping(cx: &mut Ctx, text: &str, mut root: Node<'_>, groups: &mut Vec<RawGroup>) {
    let top = top_level_keys(cx, &root);
    match top.list_key.as_ref().filter(|_| top.has_list) {
        Some((key, _)) => {
            if let Some(items) = take_list(&mut root, key) {
                list_of_groups(cx, text, items, top.defaults.as_ref(), groups);
            }
        }
        None if top.list_key.is_none() => cx.out.push(
            Pending::error(
                DiagnosticCode::NoHuntGroups,
                head(text, &root),
                "this file has no `huntGroups:` list",
            )
            .help("add `huntGroups:` with a list of hunt groups"),
        ),
        None => {}
    }
}

/// Reads `defaults:` and reports everything else at the top level but the hunt group list,
/// which is only found here (and taken out of the tree later, by [`take_list`]).
fn top_level_keys(cx: &mut Ctx, root: &Node<'_>) -> TopLevel {
    let mut top = TopLevel::default();
    for (k, e) in cx.keys(root) {
        let v = &e.value;
        let kloc = span(&e.key);
        match k {
            "defaults" => top.defaults = Some(defaults(cx, v, kloc)),
            "huntGroups" | "hunt_groups" => {
                if let Some((first, floc)) = &top.list_key {
                    cx.out
                        .push(both_spellings(first, k, kloc, *floc).field("huntGroups"));
                    continue;
                }
                top.list_key = Some((k.to_string(), kloc));
                match &v.value {
                    Value::Seq(_) => top.has_list = true,
                    Value::Null => top.has_list = false,
                    _ => cx.out.push(
                        Pending::error(
                            DiagnosticCode::WrongType,
                            span(v),
                            "huntGroups must be a list of hunt groups",
                        )
                        .label("expected a list"),
                    ),
                }
            }
            PROTECT_KEY => cx.protect.push(scalar_list(v)),
            other => cx.out.push(unknown_top_level_key(other, kloc)),
        }
    }
    top
}

/// A list of scalars (aliases, `ignore:`, `protect:`): `null`, the items, or a value that is
/// not a list.
fn scalar_list(val: &Node<'_>) -> ListVal<Val> {
    let vloc = span(val);
    match &val.value {
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
    }
}

/// `defaults:` as a raw group; when it is not a mapping, that is reported and the defaults are
/// empty.
fn defaults(cx: &mut Ctx, v: &Node<'_>, kloc: Loc) -> RawGroup {
    let mut d = RawGroup {
        loc: kloc,
        ..RawGroup::default()
    };
    if v.is_map() {
        group_fields(cx, v, &mut d);
        if let Some(p) = d.protect.take() {
            cx.protect.push(p);
        }
        if let Some(r) = d.renamed_from.take() {
            cx.out.push(
                Pending::error(
                    DiagnosticCode::BadRename,
                    r.loc,
                    "renamedFrom names the old id of one hunt group: it cannot go under defaults:",
                )
                .field(RENAMED_FROM_KEY)
                .label("under defaults")
                .help("put `renamedFrom: <old id>` on the renamed hunt group itself"),
            );
        }
    } else {
        cx.out.push(
            Pending::error(
                DiagnosticCode::WrongType,
                span(v),
                "defaults must be a mapping of hunt group fields",
            )
            .label("expected a mapping"),
        );
    }
    d
}

fn unknown_top_level_key(key: &str, kloc: Loc) -> Pending {
    let p = Pending::error(
        DiagnosticCode::UnknownField,
        kloc,
        format!("unknown top-level key `{key}`"),
    )
    .label("not defaults, huntGroups or protect");
    if lookup_key(key, false).is_some() || key == PROFILE || key == OPERATION_KEY {
        p.help("this looks like a hunt group field: put hunt groups in a list under `huntGroups:`, or shared values under `defaults:`")
    } else if let Some(s) = suggest(key, ["defaults", "huntGroups", PROTECT_KEY]) {
        p.help(format!("did you mean `{s}`?"))
    } else {
        p.help("the top level holds `defaults:`, `huntGroups:` and `protect:`")
    }
}

/// Takes the list under the top-level `key` out of the tree: each hunt group's nodes are then
/// freed once it is read, so the tree and the raw groups are not both whole in memory.
fn take_list<'a>(root: &mut Node<'a>, key: &str) -> Option<Vec<Node<'a>>> {
    let Value::Map(entries) = &mut root.value else {
        return None;
    };
    let entry = entries.iter_mut().find(|e| e.key.key_text() == Some(key))?;
    match std::mem::replace(&mut entry.value.value, Value::Null) {
        Value::Seq(items) => Some(items),
        _ => None,
    }
}

fn both_spellings(first: &str, second: &str, at: Loc, first_loc: Loc) -> Pending {
    Pending::error(
        DiagnosticCode::BothSpellings,
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
                    DiagnosticCode::WrongType,
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
        if let Some(p) = g.protect.take() {
            cx.out.push(
                Pending::error(
                    DiagnosticCode::BadProtect,
                    p.loc(),
                    "protect: lists the hunt groups of all loaded files that must never be \
                     deleted: it goes at the top level of a file or under defaults:, not in a \
                     hunt group",
                )
                .field(PROTECT_KEY)
                .label("in a hunt group")
                .help("move it to the top level: `protect: [main-line@example.com]`"),
            );
        }
        if let Some(d) = defaults {
            g.merge_defaults(d);
        }
        groups.push(g);
    }
}

/// Reads the fields of one hunt group (or of `defaults:`) into `g`.
fn group_fields(cx: &mut Ctx, node: &Node<'_>, g: &mut RawGroup) {
    // Which key spelled each field, for "same field spelled both ways".
    let mut seen: Vec<(Ix, String, Loc)> = Vec::new();
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
                        DiagnosticCode::NullDefaulted,
                        span(val),
                        format!("{PROFILE} cannot be null: its name fields have defaults"),
                    )
                    .field(PROFILE)
                    .label("null here")
                    .help("leave serviceInstanceProfile out to get the defaults"),
                ),
                _ => cx.out.push(
                    Pending::error(
                        DiagnosticCode::WrongType,
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
    seen: &mut Vec<(Ix, String, Loc)>,
) {
    let vloc = span(val);
    if !in_profile && lifecycle_key(cx, k, val, kloc, g, seen) {
        return;
    }
    if !in_profile && k == OPERATION_KEY {
        if seen.iter().any(|(f, _, _)| *f == OPERATION_SEEN) {
            return;
        }
        seen.push((OPERATION_SEEN, k.to_string(), kloc));
        g.operation = Some(Val {
            raw: raw(val),
            loc: vloc,
        });
        return;
    }
    if !in_profile && super::services::is_block_key(k) {
        if let Some(first) = g
            .blocks
            .iter()
            .find(|b| super::services::same_key(&b.key, k))
        {
            let floc = first.key_loc;
            let first = first.key.clone();
            cx.out.push(both_spellings(&first, k, kloc, floc).field(k));
            return;
        }
        let tree = tree(cx, val);
        g.blocks.push(RawBlock {
            key: k.to_string(),
            key_loc: kloc,
            tree,
        });
        return;
    }
    let Some((ix, _snake)) = lookup_key(k, in_profile) else {
        cx.out.push(unknown_field(k, kloc, in_profile));
        return;
    };
    let d = def(ix);
    if let Some((_, first, floc)) = seen.iter().find(|(f, _, _)| *f == ix) {
        cx.out
            .push(both_spellings(first, k, kloc, *floc).field(d.path));
        return;
    }
    seen.push((ix, k.to_string(), kloc));
    match d.ty {
        Ty::Department => g.department = Some(department(cx, val, d.path)),
        Ty::Aliases { .. } => g.alias = Some(scalar_list(val)),
        Ty::Password if val.is_map() => g.values.push((
            ix,
            Val {
                raw: secret_reference(cx, val, d.path),
                loc: vloc,
            },
        )),
        Ty::Agents => {
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
            ix,
            Val {
                raw: raw(val),
                loc: vloc,
            },
        )),
    }
}

/// Reads `ignore:`, `renamedFrom:` (either spelling) and `protect:` into `g`; false for any
/// other key.
fn lifecycle_key(
    cx: &mut Ctx,
    k: &str,
    val: &Node<'_>,
    kloc: Loc,
    g: &mut RawGroup,
    seen: &mut Vec<(Ix, String, Loc)>,
) -> bool {
    let slot = match k {
        IGNORE_KEY => IGNORE_SEEN,
        RENAMED_FROM_KEY | RENAMED_FROM_SNAKE => RENAMED_FROM_SEEN,
        PROTECT_KEY => PROTECT_SEEN,
        _ => return false,
    };
    if let Some((_, first, floc)) = seen.iter().find(|(f, _, _)| *f == slot) {
        cx.out.push(both_spellings(first, k, kloc, *floc).field(k));
        return true;
    }
    seen.push((slot, k.to_string(), kloc));
    match slot {
        IGNORE_SEEN => g.ignore = Some(scalar_list(val)),
        PROTECT_SEEN => g.protect = Some(scalar_list(val)),
        _ => {
            g.renamed_from = Some(Val {
                raw: raw(val),
                loc: span(val),
            })
        }
    }
    true
}

/// A node as a located tree (keys checked as everywhere: text, not repeated).
fn tree(cx: &mut Ctx, n: &Node<'_>) -> Tree {
    match &n.value {
        Value::Seq(items) => Tree::List(items.iter().map(|i| tree(cx, i)).collect(), span(n)),
        Value::Map(_) => {
            let entries = cx
                .keys(n)
                .into_iter()
                .map(|(k, e)| (k.to_string(), span(&e.key), tree(cx, &e.value)))
                .collect();
            Tree::Map(entries, span(n))
        }
        _ => Tree::Leaf(Val {
            raw: raw(n),
            loc: span(n),
        }),
    }
}

fn unknown_field(k: &str, kloc: Loc, in_profile: bool) -> Pending {
    let path = if in_profile {
        format!("{PROFILE}.{k}")
    } else {
        k.to_string()
    };
    let mut p = Pending::error(
        DiagnosticCode::UnknownField,
        kloc,
        format!("unknown field `{path}`"),
    )
    .label("unknown field");
    if k == "<<" {
        return p.help("a merge key (`<<:`) takes a mapping or a list of mappings, e.g. `<<: *common` with `common: &common {...}`");
    }
    // A field put at the wrong level is a common slip: say where it belongs.
    if let Some((ix, _)) = lookup_key(k, !in_profile) {
        let d = def(ix);
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
        .chain((!in_profile).then_some(PROFILE))
        .chain((!in_profile).then_some(OPERATION_KEY))
        .chain(
            [IGNORE_KEY, RENAMED_FROM_KEY, PROTECT_KEY]
                .into_iter()
                .filter(|_| !in_profile),
        );
    p = match suggest(k, candidates) {
        Some(s) => p.help(format!("did you mean `{s}`?")),
        None => p.help("see schemas/huntgroups.schema.json for the fields"),
    };
    p
}

/// A password written as where it lives: `{env: NAME}` or `{file: PATH}` (see
/// [`secret_ref`]). A malformed one is reported here and read as `null`.
fn secret_reference(cx: &mut Ctx, n: &Node<'_>, path: &'static str) -> Raw {
    let keys = cx.keys(n);
    let found = match keys.as_slice() {
        [(k, e)] => match &e.value.value {
            Value::Str { text, .. } => secret_ref::source(k, text),
            _ => Err(format!("the `{k}` of a secret reference must be text")),
        },
        [] => Err("an empty mapping is not a secret reference".into()),
        _ => Err("a secret reference has exactly one key, `env` or `file`".into()),
    };
    match found {
        Ok(src) => Raw::Reference(src),
        Err(message) => {
            cx.out
                .push(secret_ref::bad_reference(span(n), path, message));
            Raw::Null
        }
    }
}

/// A department: a name, `null`, or `{name, enterprise}` (other keys are refused).
fn department(cx: &mut Ctx, n: &Node<'_>, path: &'static str) -> RawDepartment {
    let loc = span(n);
    if !n.is_map() {
        return RawDepartment {
            name: Some(Val { raw: raw(n), loc }),
            enterprise: None,
            mapping: false,
            loc,
        };
    }
    let mut d = RawDepartment {
        name: None,
        enterprise: None,
        mapping: true,
        loc,
    };
    for (k, e) in cx.keys(n) {
        let val = Val {
            raw: raw(&e.value),
            loc: span(&e.value),
        };
        match k {
            "name" => d.name = Some(val),
            "enterprise" => d.enterprise = Some(val),
            other => {
                let mut p = Pending::error(
                    DiagnosticCode::UnknownField,
                    span(&e.key),
                    format!("unknown department field `{other}`"),
                )
                .field(path)
                .label("unknown field");
                let what = "a department is a name, or {name: Sales, enterprise: true} for an enterprise department";
                p = match suggest(other, DEPARTMENT_KEYS) {
                    Some(s) => p.help(format!("did you mean `{s}`? {what}")),
                    None => p.help(what),
                };
                cx.out.push(p);
            }
        }
    }
    d
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
                            DiagnosticCode::UnknownField,
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
                Pending::error(DiagnosticCode::WrongType, loc, "an agent cannot be null")
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

/// Writes field `d` of `g` unless it holds its default or is unmanaged; `Absent` is `null`.
fn put_value(out: &mut String, indent: usize, d: &FieldDef, g: &HuntGroup) {
    if d.is_default(g) {
        return;
    }
    let v = match d.get(g) {
        Field::Unmanaged => return,
        Field::Absent => return put(out, indent, d.key(), "null"),
        Field::Value(v) => v,
    };
    let text = match v {
        ValueRef::Password(_) => {
            // Never write the secret itself.
            out.push_str(&" ".repeat(indent));
            out.push_str("# ");
            out.push_str(d.key());
            out.push_str(": write-only, not written to files\n");
            return;
        }
        ValueRef::Text(t) => scalar(t),
        ValueRef::Aliases(a) => {
            let items: Vec<String> = a.iter().map(|a| scalar(a)).collect();
            format!("[{}]", items.join(", "))
        }
        ValueRef::Department(dep) if dep.enterprise => {
            format!("{{name: {}, enterprise: true}}", scalar(&dep.name))
        }
        ValueRef::Department(dep) => scalar(&dep.name),
        // Written as a block by the caller.
        ValueRef::Agents(_) => return,
        other => other.scalar_text().unwrap_or_default().into_owned(),
    };
    put(out, indent, d.key(), &text);
}

/// Which ids a hunt group entry spells out (the others are under `defaults:`).
#[derive(Clone, Copy)]
enum Ids {
    User,
    GroupAndUser,
    All,
}

fn write_group(out: &mut String, g: &HuntGroup, ids: Ids, l: &Lifecycle) {
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
    if let Some(r) = l.rename_of(&g.service_user_id) {
        put(out, 4, RENAMED_FROM_KEY, &scalar(&r.from));
    }
    let mut prof = String::new();
    for d in FIELDS.iter().filter(|d| d.in_profile()) {
        put_value(&mut prof, 6, d, g);
    }
    if !prof.is_empty() {
        out.push_str("    ");
        out.push_str(PROFILE);
        out.push_str(":\n");
        out.push_str(&prof);
    }
    // Agents go last: the longest part of an entry reads best at its end.
    let settings = FIELDS
        .iter()
        .filter(|d| !d.in_profile() && d.carrier != Carrier::Identity);
    for d in settings.clone().filter(|d| d.ty != Ty::Agents) {
        put_value(out, 4, d, g);
    }
    let ignore = l.listed_ignores(&g.service_user_id);
    if !ignore.is_empty() {
        let items: Vec<String> = ignore.iter().map(|p| scalar(p)).collect();
        put(out, 4, IGNORE_KEY, &format!("[{}]", items.join(", ")));
    }
    for d in settings.filter(|d| d.ty == Ty::Agents) {
        out.push_str("    ");
        out.push_str(d.key());
        out.push_str(":\n");
    }
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
    if let Some(b) = g.blocks.as_deref() {
        super::services::write_yaml(out, 4, b, &|s| scalar(s));
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
    write_all(groups, header, &Lifecycle::default())
}

/// [`write_with_header`] with the desired state's `ignore:`, `renamedFrom:` and `protect:`
/// (`huntctl convert` keeps them; export has none to write).
pub fn write_all<S: AsRef<str>>(groups: &[HuntGroup], header: &[S], lc: &Lifecycle) -> String {
    let mut out = String::new();
    for line in header {
        for l in line.as_ref().lines() {
            out.push_str("# ");
            out.push_str(&crate::text::escape_controls(l));
            out.push('\n');
        }
    }
    if !lc.protections().is_empty() {
        out.push_str(PROTECT_KEY);
        out.push_str(":\n");
        for p in lc.protections() {
            out.push_str("  - ");
            out.push_str(&scalar(&p.pattern));
            out.push('\n');
        }
        out.push('\n');
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
                write_group(&mut out, g, Ids::User, lc);
            }
        }
        [(sp, _), ..] if one_sp => {
            // One provider, several groups: the provider goes under defaults:, each hunt group
            // names its groupId. The order is kept, so loading gives back the same list.
            out.push_str("defaults:\n");
            put(&mut out, 2, "serviceProviderId", &scalar(sp));
            out.push_str("\nhuntGroups:\n");
            for g in groups {
                write_group(&mut out, g, Ids::GroupAndUser, lc);
            }
        }
        _ => {
            // Several providers: a YAML file has one `defaults:`, so spell the ids out per group.
            out.push_str("huntGroups:\n");
            for g in groups {
                write_group(&mut out, g, Ids::All, lc);
            }
        }
    }
    out
}
