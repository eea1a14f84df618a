//! The field table shared by the YAML and CSV readers, and the format-neutral raw input they produce.
//!
//! Both readers turn a file into [`RawGroup`]s (values with their location, not yet typed); one
//! builder (`validate.rs`) then applies defaults and checks every rule, so YAML and CSV behave
//! the same.

/// Every field a hunt group may carry (the reference page's columns plus the agents' weights).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum F {
    /// `operation` (must be hunt.group.create).
    Operation,
    /// serviceProviderId
    ServiceProviderId,
    /// groupId
    GroupId,
    /// serviceUserId
    ServiceUserId,
    /// serviceInstanceProfile.name
    Name,
    /// serviceInstanceProfile.callingLineIdLastName
    ClidLastName,
    /// serviceInstanceProfile.callingLineIdFirstName
    ClidFirstName,
    /// serviceInstanceProfile.hiraganaLastName
    HiraganaLastName,
    /// serviceInstanceProfile.hiraganaFirstName
    HiraganaFirstName,
    /// serviceInstanceProfile.phoneNumber
    PhoneNumber,
    /// serviceInstanceProfile.extension
    Extension,
    /// serviceInstanceProfile.password
    Password,
    /// serviceInstanceProfile.language
    Language,
    /// serviceInstanceProfile.timeZone
    TimeZone,
    /// serviceInstanceProfile.alias
    Alias,
    /// serviceInstanceProfile.publicUserIdentity
    PublicUserIdentity,
    /// serviceInstanceProfile.callingLineIdPhoneNumber
    ClidPhoneNumber,
    /// policy
    Policy,
    /// huntAfterNoAnswer
    HuntAfterNoAnswer,
    /// noAnswerNumberOfRings
    NoAnswerNumberOfRings,
    /// forwardAfterTimeout
    ForwardAfterTimeout,
    /// forwardTimeoutSeconds
    ForwardTimeoutSeconds,
    /// forwardToPhoneNumber
    ForwardToPhoneNumber,
    /// agentUserId
    Agents,
    /// allowCallWaitingForAgents
    AllowCallWaitingForAgents,
    /// useSystemHuntGroupCLIDSetting
    UseSystemClid,
    /// includeHuntGroupNameInCLID
    IncludeNameInClid,
    /// enableNotReachableForwarding
    EnableNotReachableForwarding,
    /// notReachableForwardToPhoneNumber
    NotReachableForwardToPhoneNumber,
    /// makeBusyWhenNotReachable
    MakeBusyWhenNotReachable,
    /// allowMembersToControlGroupBusy
    AllowMembersToControlGroupBusy,
    /// enableGroupBusy
    EnableGroupBusy,
    /// applyGroupBusyWhenTerminatingToAgent
    ApplyGroupBusyWhenTerminatingToAgent,
    /// networkClassOfService
    NetworkClassOfService,
}

/// The value type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text with a length range; `bytes` counts UTF-8 bytes instead of characters.
    Text {
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// Count bytes (serviceProviderId, groupId).
        bytes: bool,
    },
    /// true / false.
    Bool,
    /// Whole number in a range.
    Int {
        /// Minimum.
        min: i64,
        /// Maximum.
        max: i64,
    },
    /// A `Policy` name.
    Policy,
    /// A list of aliases.
    Aliases,
    /// A list of agents.
    Agents,
    /// The `operation` column.
    Operation,
}

/// Whether a left-out field is required, defaulted or unmanaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Must be given (serviceProviderId, groupId, serviceUserId).
    Required,
    /// Has a documented default; `null` is an error.
    Defaulted,
    /// No default: left out = unmanaged, `null` = absent.
    Optional,
}

/// One row of the field table.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Which field.
    pub f: F,
    /// camelCase path as in the CSV header (`serviceInstanceProfile.name`, `agentUserId`).
    pub path: &'static str,
    /// The reference page's snake_case leaf name (`calling_line_id_last_name`).
    pub snake: &'static str,
    /// Value type.
    pub kind: Kind,
    /// Required / defaulted / optional.
    pub presence: Presence,
}

const fn text(min: usize, max: usize) -> Kind {
    Kind::Text {
        min,
        max,
        bytes: false,
    }
}

macro_rules! def {
    ($f:ident, $path:literal, $snake:literal, $kind:expr, $p:ident) => {
        FieldDef {
            f: F::$f,
            path: $path,
            snake: $snake,
            kind: $kind,
            presence: Presence::$p,
        }
    };
}

/// Every field, in OCI-P `GroupHuntGroupAddInstanceRequest20` order.
pub const FIELDS: &[FieldDef] = &[
    def!(
        Operation,
        "operation",
        "operation",
        Kind::Operation,
        Optional
    ),
    def!(
        ServiceProviderId,
        "serviceProviderId",
        "service_provider_id",
        Kind::Text {
            min: 1,
            max: 30,
            bytes: true
        },
        Required
    ),
    def!(
        GroupId,
        "groupId",
        "group_id",
        Kind::Text {
            min: 1,
            max: 30,
            bytes: true
        },
        Required
    ),
    def!(
        ServiceUserId,
        "serviceUserId",
        "service_user_id",
        text(1, 161),
        Required
    ),
    def!(
        Name,
        "serviceInstanceProfile.name",
        "name",
        text(1, 30),
        Defaulted
    ),
    def!(
        ClidLastName,
        "serviceInstanceProfile.callingLineIdLastName",
        "calling_line_id_last_name",
        text(1, 30),
        Defaulted
    ),
    def!(
        ClidFirstName,
        "serviceInstanceProfile.callingLineIdFirstName",
        "calling_line_id_first_name",
        text(1, 30),
        Defaulted
    ),
    def!(
        HiraganaLastName,
        "serviceInstanceProfile.hiraganaLastName",
        "hiragana_last_name",
        text(1, 30),
        Optional
    ),
    def!(
        HiraganaFirstName,
        "serviceInstanceProfile.hiraganaFirstName",
        "hiragana_first_name",
        text(1, 30),
        Optional
    ),
    def!(
        PhoneNumber,
        "serviceInstanceProfile.phoneNumber",
        "phone_number",
        text(1, 23),
        Optional
    ),
    def!(
        Extension,
        "serviceInstanceProfile.extension",
        "extension",
        text(2, 20),
        Optional
    ),
    def!(
        Password,
        "serviceInstanceProfile.password",
        "password",
        text(1, 60),
        Optional
    ),
    def!(
        Language,
        "serviceInstanceProfile.language",
        "language",
        text(1, 40),
        Optional
    ),
    def!(
        TimeZone,
        "serviceInstanceProfile.timeZone",
        "time_zone",
        text(1, 127),
        Optional
    ),
    def!(
        Alias,
        "serviceInstanceProfile.alias",
        "alias",
        Kind::Aliases,
        Defaulted
    ),
    def!(
        PublicUserIdentity,
        "serviceInstanceProfile.publicUserIdentity",
        "public_user_identity",
        text(1, 161),
        Optional
    ),
    def!(
        ClidPhoneNumber,
        "serviceInstanceProfile.callingLineIdPhoneNumber",
        "calling_line_id_phone_number",
        text(1, 23),
        Optional
    ),
    def!(Policy, "policy", "policy", Kind::Policy, Defaulted),
    def!(
        HuntAfterNoAnswer,
        "huntAfterNoAnswer",
        "hunt_after_no_answer",
        Kind::Bool,
        Defaulted
    ),
    def!(
        NoAnswerNumberOfRings,
        "noAnswerNumberOfRings",
        "no_answer_number_of_rings",
        Kind::Int { min: 1, max: 20 },
        Defaulted
    ),
    def!(
        ForwardAfterTimeout,
        "forwardAfterTimeout",
        "forward_after_timeout",
        Kind::Bool,
        Defaulted
    ),
    def!(
        ForwardTimeoutSeconds,
        "forwardTimeoutSeconds",
        "forward_timeout_seconds",
        Kind::Int { min: 0, max: 7200 },
        Defaulted
    ),
    def!(
        ForwardToPhoneNumber,
        "forwardToPhoneNumber",
        "forward_to_phone_number",
        text(1, 30),
        Optional
    ),
    def!(
        Agents,
        "agentUserId",
        "agent_user_id",
        Kind::Agents,
        Required
    ),
    def!(
        AllowCallWaitingForAgents,
        "allowCallWaitingForAgents",
        "allow_call_waiting_for_agents",
        Kind::Bool,
        Defaulted
    ),
    def!(
        UseSystemClid,
        "useSystemHuntGroupCLIDSetting",
        "use_system_hunt_group_clid_setting",
        Kind::Bool,
        Defaulted
    ),
    def!(
        IncludeNameInClid,
        "includeHuntGroupNameInCLID",
        "include_hunt_group_name_in_clid",
        Kind::Bool,
        Defaulted
    ),
    def!(
        EnableNotReachableForwarding,
        "enableNotReachableForwarding",
        "enable_not_reachable_forwarding",
        Kind::Bool,
        Defaulted
    ),
    def!(
        NotReachableForwardToPhoneNumber,
        "notReachableForwardToPhoneNumber",
        "not_reachable_forward_to_phone_number",
        text(1, 161),
        Optional
    ),
    def!(
        MakeBusyWhenNotReachable,
        "makeBusyWhenNotReachable",
        "make_busy_when_not_reachable",
        Kind::Bool,
        Defaulted
    ),
    def!(
        AllowMembersToControlGroupBusy,
        "allowMembersToControlGroupBusy",
        "allow_members_to_control_group_busy",
        Kind::Bool,
        Defaulted
    ),
    def!(
        EnableGroupBusy,
        "enableGroupBusy",
        "enable_group_busy",
        Kind::Bool,
        Defaulted
    ),
    def!(
        ApplyGroupBusyWhenTerminatingToAgent,
        "applyGroupBusyWhenTerminatingToAgent",
        "apply_group_busy_when_terminating_to_agent",
        Kind::Bool,
        Defaulted
    ),
    def!(
        NetworkClassOfService,
        "networkClassOfService",
        "network_class_of_service",
        text(1, 40),
        Optional
    ),
];

/// The nested profile key in YAML and its snake spelling.
pub const PROFILE: &str = "serviceInstanceProfile";
/// snake_case of [`PROFILE`].
pub const PROFILE_SNAKE: &str = "service_instance_profile";
/// The profile prefix of dotted paths.
pub const PROFILE_PREFIX: &str = "serviceInstanceProfile.";
/// The only `operation` value accepted.
pub const OPERATION: &str = "hunt.group.create";

/// The definition of a field.
pub fn def(f: F) -> &'static FieldDef {
    // FIELDS lists every variant once; the fallback is unreachable but keeps this total.
    FIELDS.iter().find(|d| d.f == f).unwrap_or(&FIELDS[0])
}

impl FieldDef {
    /// True for fields inside serviceInstanceProfile.
    pub fn in_profile(&self) -> bool {
        self.path.starts_with(PROFILE_PREFIX)
    }

    /// The camelCase key as written in YAML (last path segment).
    pub fn key(&self) -> &'static str {
        self.path.strip_prefix(PROFILE_PREFIX).unwrap_or(self.path)
    }
}

/// Looks up a YAML key at group level (`in_profile` false) or inside serviceInstanceProfile.
/// Returns the field and whether the snake_case spelling was used.
pub fn lookup_key(key: &str, in_profile: bool) -> Option<(&'static FieldDef, bool)> {
    FIELDS
        .iter()
        .filter(|d| d.in_profile() == in_profile)
        .find_map(|d| {
            if d.key() == key {
                Some((d, false))
            } else if d.snake == key && d.snake != d.key() {
                Some((d, true))
            } else {
                None
            }
        })
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

/// One agent as written: a plain id or `{userId, weight}` (CSV: agentUserId[N] / agentWeight[N]).
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

/// A hunt group as read from one file entry (or CSV row), before typing and defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawGroup {
    /// The whole entry (YAML list item / CSV row).
    pub loc: Loc,
    /// Scalar fields, at most one per field.
    pub values: Vec<(F, Val)>,
    /// Aliases, if given.
    pub alias: Option<ListVal<Val>>,
    /// Agents, if given.
    pub agents: Option<ListVal<RawAgent>>,
}

impl RawGroup {
    /// The scalar value of a field, if given.
    pub fn get(&self, f: F) -> Option<&Val> {
        self.values.iter().find(|(g, _)| *g == f).map(|(_, v)| v)
    }

    /// Fills in every field this group leaves out from `defaults` (the YAML `defaults:` block).
    pub fn merge_defaults(&mut self, defaults: &RawGroup) {
        for (f, v) in &defaults.values {
            if self.get(*f).is_none() {
                self.values.push((*f, v.clone()));
            }
        }
        if self.alias.is_none() {
            self.alias.clone_from(&defaults.alias);
        }
        if self.agents.is_none() {
            self.agents.clone_from(&defaults.agents);
        }
    }
}

/// Looks up a CSV header / dotted path (`serviceInstanceProfile.name`) exactly.
pub fn lookup_path(path: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|d| d.path == path)
}
