//! The format-neutral raw input the YAML and CSV readers produce, keyed on the model's field
//! table ([`crate::model::table::FIELDS`]).
//!
//! Both readers turn a file into [`RawGroup`]s (values with their location, not yet typed); one
//! builder ([`super::validate::build`]) then applies defaults and checks every rule, so YAML and
//! CSV behave the same. Neither reader nor builder names a plain setting: they walk the table.

use crate::model::table::{self, FieldDef, Ty, FIELDS};

pub use crate::model::table::{PROFILE, PROFILE_PREFIX, PROFILE_SNAKE};

/// The reference sheet's `operation` column (and key): not a hunt group field, only checked.
pub const OPERATION_KEY: &str = "operation";
/// The only `operation` value accepted.
pub const OPERATION: &str = "hunt.group.create";
/// The CSV column that makes the department an enterprise department (TRUE/FALSE).
pub const DEPARTMENT_ENTERPRISE_COLUMN: &str = "serviceInstanceProfile.departmentIsEnterprise";
/// The keys of a department written as a mapping.
pub const DEPARTMENT_KEYS: [&str; 2] = ["name", "enterprise"];

/// The path of the hunt group's own id, which names it in diagnostics.
pub const SERVICE_USER_ID: &str = "serviceUserId";

/// The position of a row in [`FIELDS`]: compact, comparable, and `FIELDS[ix]` is the row.
pub type Ix = usize;

/// The row at `ix`.
pub fn def(ix: Ix) -> &'static FieldDef {
    &FIELDS[ix]
}

/// The position of `d` in [`FIELDS`] (rows are unique by path).
pub fn ix_of(d: &FieldDef) -> Ix {
    FIELDS.iter().position(|f| f.path == d.path).unwrap_or(0)
}

/// Looks up a YAML key at group level (`in_profile` false) or inside serviceInstanceProfile,
/// camelCase or snake_case. Returns the row's position and whether snake_case was used.
pub fn lookup_key(key: &str, in_profile: bool) -> Option<(Ix, bool)> {
    table::by_key(key, in_profile).map(|(d, snake)| (ix_of(d), snake))
}

/// Looks up a CSV header / dotted path (`serviceInstanceProfile.name`) exactly.
pub fn lookup_path(path: &str) -> Option<Ix> {
    FIELDS.iter().position(|d| d.path == path)
}

/// The length limits of a text-like field: (min, max, counts bytes).
pub fn text_limits(d: &FieldDef) -> Option<(usize, usize, bool)> {
    match d.ty {
        Ty::Text { min, max, bytes } => Some((min, max, bytes)),
        // OCI-P `Password`: 1–60 characters.
        Ty::Password => Some((1, 60, false)),
        // OCI-P `DepartmentName`: 1–50 characters.
        Ty::Department => Some((1, 50, false)),
        _ => None,
    }
}

/// The length limits of one alias (OCI-P `SIPURI`).
pub const ALIAS_LEN: (usize, usize) = (1, 161);
/// The length limits of an agent's user id (OCI-P `UserId`).
pub const AGENT_ID_LEN: (usize, usize) = (1, 161);
/// The range of an agent's weight.
pub const WEIGHT_RANGE: (u32, u32) = (0, 100);

/// True for fields whose value is one scalar (text, boolean, number, policy, password): the
/// ones [`RawGroup::values`] holds. Lists and the department have shapes of their own.
pub fn is_scalar(d: &FieldDef) -> bool {
    !matches!(d.ty, Ty::Aliases { .. } | Ty::Agents | Ty::Department)
}

/// A place in a file, compact so that 100,000 CSV rows stay cheap; resolved to a
/// [`super::diagnostics::Location`] only when a diagnostic needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Loc {
    /// The whole file.
    #[default]
    File,
    /// A byte range of a text file (YAML).
    Span {
        /// Start byte.
        start: usize,
        /// End byte (exclusive).
        end: usize,
    },
    /// A CSV cell: the record starts at byte `byte`, on spreadsheet row `row`; `col` is the
    /// column index (into the header).
    Cell {
        /// Byte offset of the record.
        byte: u64,
        /// Spreadsheet row (header = 1).
        row: u32,
        /// Column index.
        col: u32,
    },
    /// A whole CSV row.
    Row {
        /// Byte offset of the record.
        byte: u64,
        /// Spreadsheet row.
        row: u32,
    },
}

/// An untyped input value as the reader found it.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// `null` (YAML null, CSV `null`).
    Null,
    /// A YAML boolean.
    Bool(bool),
    /// A YAML number, with the text as written (so `0100` stays `0100` in a text field).
    Number {
        /// The source text.
        text: String,
        /// Its value when it is a whole number.
        int: Option<i64>,
    },
    /// A YAML string.
    Str(String),
    /// An unquoted YAML scalar that YAML 1.2 reads as text but YAML 1.1 as something else
    /// (`yes` → true, `1_000` → 1000): refused wherever it is given, so a file means one thing.
    Yaml11 {
        /// The scalar as written.
        text: String,
        /// What a YAML 1.1 reader makes of it ("the boolean true", "a number").
        reads_as: &'static str,
    },
    /// A CSV cell (typed by the field: `TRUE` is a boolean in a boolean column).
    Cell(String),
    /// A YAML list where a single value was expected.
    List,
    /// A YAML mapping where a single value was expected.
    Map,
    /// A secret reference (`{env: NAME}`, `{file: PATH}`, CSV `env:NAME`), in a password.
    Reference(crate::model::SecretSource),
}

impl Raw {
    /// How the value is described in "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match self {
            Raw::Null => "null".into(),
            Raw::Bool(b) => format!("the boolean {b}"),
            Raw::Number { text, .. } => format!("the number {text}"),
            Raw::Str(s) | Raw::Cell(s) => format!("the text \"{s}\""),
            Raw::Yaml11 { text, reads_as } => {
                format!("`{text}` (text in YAML 1.2, {reads_as} in YAML 1.1)")
            }
            Raw::List => "a list".into(),
            Raw::Map => "a mapping".into(),
            Raw::Reference(src) => format!("a reference to {src}"),
        }
    }
}

/// A value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Val {
    /// The value.
    pub raw: Raw,
    /// Where the value is.
    pub loc: Loc,
}

/// One agent as written: a plain id or `{userId, weight}` (CSV: `agentUserId[N]` / `agentWeight[N]`).
#[derive(Debug, Clone, PartialEq)]
pub struct RawAgent {
    /// The user id, if given.
    pub user_id: Option<Val>,
    /// The weight, if given.
    pub weight: Option<Val>,
    /// The whole entry.
    pub loc: Loc,
}

/// A list field (aliases, agents): `null`, a list, or something else.
#[derive(Debug, Clone, PartialEq)]
pub enum ListVal<T> {
    /// `null`.
    Null(Loc),
    /// The items and where the list is.
    Items(Vec<T>, Loc),
    /// Not a list at all (e.g. a string); the Raw describes it.
    Wrong(Val),
}

/// A department as written: a name (`department: Sales`, a CSV cell), `null`, or the mapping
/// `{name, enterprise}`; in CSV the enterprise flag is a column of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDepartment {
    /// The name (or `null`, or a value of the wrong type), if given.
    pub name: Option<Val>,
    /// The enterprise flag, if given.
    pub enterprise: Option<Val>,
    /// Written as a mapping (where `name` is required).
    pub mapping: bool,
    /// The whole value.
    pub loc: Loc,
}

/// A hunt group as read from one file entry (or CSV row), before typing and defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawGroup {
    /// The whole entry (YAML list item / CSV row).
    pub loc: Loc,
    /// Scalar fields ([`is_scalar`]), at most one per field, by position in [`FIELDS`].
    pub values: Vec<(Ix, Val)>,
    /// The `operation` column or key, if given.
    pub operation: Option<Val>,
    /// Aliases, if given.
    pub alias: Option<ListVal<Val>>,
    /// Agents, if given.
    pub agents: Option<ListVal<RawAgent>>,
    /// The department, if given.
    pub department: Option<RawDepartment>,
    /// `ignore:` (a YAML list, or the CSV `ignore` cell split at `;`), with its file's
    /// `defaults:` merged in.
    pub ignore: Option<ListVal<Val>>,
    /// `renamedFrom:` (never taken from `defaults:`: it names one hunt group).
    pub renamed_from: Option<Val>,
    /// `protect:` as written in this mapping: it applies at the top level and under
    /// `defaults:` only.
    pub protect: Option<ListVal<Val>>,
    /// The blocks of the hunt group's user (`services`, forwarding, DNH), as written; typed by
    /// [`super::services::build`].
    pub blocks: Vec<RawBlock>,
}

/// A value of any shape, with the place of every part: how the blocks of the hunt group's user
/// are read (YAML mappings, or CSV's dotted columns put together).
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    /// A scalar (or `null`).
    Leaf(Val),
    /// A list and where it is.
    List(Vec<Tree>, Loc),
    /// A mapping: (key as written, where the key is, value), and where the mapping is.
    Map(Vec<(String, Loc, Tree)>, Loc),
}

impl Tree {
    /// Where the value is.
    pub fn loc(&self) -> Loc {
        match self {
            Tree::Leaf(v) => v.loc,
            Tree::List(_, l) | Tree::Map(_, l) => *l,
        }
    }
}

/// One block as written: its key (either spelling), where the key is, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct RawBlock {
    /// The key as written (`callForwardingAlways`, `services`, `call_forwarding_busy`).
    pub key: String,
    /// Where the key is.
    pub key_loc: Loc,
    /// The value.
    pub tree: Tree,
}

/// The key of the fields a plan leaves alone.
pub const IGNORE_KEY: &str = "ignore";
/// The key of a rename's old id; [`RENAMED_FROM_SNAKE`] is its snake_case spelling.
pub const RENAMED_FROM_KEY: &str = "renamedFrom";
/// snake_case of [`RENAMED_FROM_KEY`].
pub const RENAMED_FROM_SNAKE: &str = "renamed_from";
/// The key of the serviceUserId patterns that are never deleted.
pub const PROTECT_KEY: &str = "protect";

impl RawGroup {
    /// The scalar value of the field at `ix`, if given.
    pub fn get(&self, ix: Ix) -> Option<&Val> {
        self.values.iter().find(|(g, _)| *g == ix).map(|(_, v)| v)
    }

    /// The scalar value of a field found by its path, if given.
    pub fn get_path(&self, path: &str) -> Option<&Val> {
        lookup_path(path).and_then(|ix| self.get(ix))
    }

    /// Where the hunt group is named: its serviceUserId, else the whole entry.
    pub fn origin(&self) -> Loc {
        self.get_path(SERVICE_USER_ID)
            .map(|v| v.loc)
            .unwrap_or(self.loc)
    }

    /// Where the value of the field `d` was written, whatever its shape.
    pub fn loc_of(&self, d: &FieldDef) -> Option<Loc> {
        match d.ty {
            Ty::Aliases { .. } => self.alias.as_ref().map(ListVal::loc),
            Ty::Agents => self.agents.as_ref().map(ListVal::loc),
            Ty::Department => self.department.as_ref().map(|x| x.loc),
            _ => self.get(ix_of(d)).map(|v| v.loc),
        }
    }

    /// Fills in every field this group leaves out from `defaults` (the YAML `defaults:` block).
    pub fn merge_defaults(&mut self, defaults: &RawGroup) {
        for (f, v) in &defaults.values {
            if self.get(*f).is_none() {
                self.values.push((*f, v.clone()));
            }
        }
        if self.operation.is_none() {
            self.operation.clone_from(&defaults.operation);
        }
        if self.alias.is_none() {
            self.alias.clone_from(&defaults.alias);
        }
        if self.agents.is_none() {
            self.agents.clone_from(&defaults.agents);
        }
        if self.department.is_none() {
            self.department.clone_from(&defaults.department);
        }
        // ignore: merged (the defaults' paths and the hunt group's own), not replaced.
        self.ignore = match (self.ignore.take(), &defaults.ignore) {
            (None, d) => d.clone(),
            (Some(ListVal::Items(mut own, loc)), Some(ListVal::Items(d, _))) => {
                own.extend(d.iter().cloned());
                Some(ListVal::Items(own, loc))
            }
            (own, _) => own,
        };
        for b in &defaults.blocks {
            if !self
                .blocks
                .iter()
                .any(|x| super::services::same_key(&x.key, &b.key))
            {
                self.blocks.push(b.clone());
            }
        }
    }
}

impl<T> ListVal<T> {
    /// Where the list (or the value in its place) is.
    pub fn loc(&self) -> Loc {
        match self {
            ListVal::Null(l) | ListVal::Items(_, l) => *l,
            ListVal::Wrong(v) => v.loc,
        }
    }
}
