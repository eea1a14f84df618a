//! The hunt group field table: every field declared once, with everything huntctl needs to
//! know about it.
//!
//! Like a Terraform provider's resource schema, each [`FieldDef`] says what the field is called
//! (the OCI-P camelCase and the reference page's snake_case), what values it takes, what it
//! defaults to or whether it is left unmanaged, how a desired and a current value compare,
//! whether an R25 modify can clear it, and which command carries it. The loaders, the
//! validator, the diff, the request builders, the codec, the export writers and the JSON Schema
//! all walk this table instead of naming fields, so a plain setting is added here and nowhere
//! else. The rows are in `GroupHuntGroupAddInstanceRequest20` order, which is also the order of
//! `GroupHuntGroupModifyInstanceRequest` and `GroupHuntGroupGetInstanceResponse20` (R25).
//!
//! The [`Slot`] of a row reaches the typed field of [`HuntGroup`], so code that must know a
//! field (agents, policy, numbers) still reads a typed struct, and generic code reads values.

use super::{same_number, Agent, Department, Field, HuntGroup, Policy, Secret};
use serde_json::Value as Json;

/// Which command carries a field on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// The hunt group's key (serviceProviderId, groupId, serviceUserId): never modified.
    Identity,
    /// `GroupHuntGroupAddInstanceRequest20`, `…ModifyInstanceRequest`, `…GetInstanceResponse20`.
    Instance,
    /// The instance list's "Is Active" column, written with
    /// `GroupHuntGroupModifyActiveInstanceListRequest` (never in Add or Modify before R22).
    ActiveList,
}

/// The value type of a field and its value rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Text with a length range; `bytes` counts UTF-8 bytes instead of characters.
    Text {
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// Count bytes (serviceProviderId, groupId).
        bytes: bool,
    },
    /// `xs:boolean`.
    Bool,
    /// A whole number in a range.
    Int {
        /// Minimum.
        min: u32,
        /// Maximum.
        max: u32,
    },
    /// `HuntPolicy`.
    Policy,
    /// A list of SIP aliases, each a SIPURI of 1–161 characters.
    Aliases {
        /// At most this many.
        max: usize,
    },
    /// The agents in hunt order, each with an optional weight 0–100.
    Agents,
    /// A password (1–60): write-only.
    Password,
    /// A `DepartmentKey` (group or enterprise department name, 1–50).
    Department,
}

/// A documented default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    /// A boolean.
    Bool(bool),
    /// A number.
    Int(u32),
    /// A text.
    Text(&'static str),
    /// A policy.
    Policy(Policy),
    /// An empty list.
    Empty,
}

/// What a field left out of the desired state means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// It must be given.
    Required,
    /// It takes the documented default; `null` is an error.
    Default(Default),
    /// It is unmanaged: never compared, never sent. `null` means "must be absent".
    Optional,
}

/// How a desired and a current value compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Equal values.
    Exact,
    /// Equal phone numbers: `+1-202…`, `+1202…` and the national form with the group's country
    /// code are the same number.
    E164,
    /// The same entries in any order (aliases).
    Set,
    /// The same agents, in order when the policy hunts in order; weights compared where managed.
    Agents,
    /// Never read back, never compared (passwords).
    WriteOnly,
}

/// A value rule beyond type and length, checked by the desired-state validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Nothing beyond the type.
    None,
    /// `name@domain` (user ids).
    UserId,
    /// An E.164 directory number (`+1-2025550100`).
    E164,
    /// Digits only (extensions).
    Digits,
    /// A number to dial (OCI-P `OutgoingDN`).
    OutgoingDn,
    /// A number to dial or a SIP URI `user@host` without `sip:` (`OutgoingDNorSIPURI`).
    OutgoingDnOrSipUri,
}

/// Typed access to the field of [`HuntGroup`] a row describes.
#[derive(Clone, Copy)]
pub enum Slot {
    /// A `String` that is always set (identity, defaulted text).
    Str(fn(&HuntGroup) -> &String, fn(&mut HuntGroup) -> &mut String),
    /// An optional text.
    Text(
        fn(&HuntGroup) -> &Field<String>,
        fn(&mut HuntGroup) -> &mut Field<String>,
    ),
    /// A boolean.
    Bool(fn(&HuntGroup) -> &bool, fn(&mut HuntGroup) -> &mut bool),
    /// A number.
    Int(fn(&HuntGroup) -> &u32, fn(&mut HuntGroup) -> &mut u32),
    /// The policy.
    Policy(fn(&HuntGroup) -> &Policy, fn(&mut HuntGroup) -> &mut Policy),
    /// The aliases.
    Aliases(
        fn(&HuntGroup) -> &Vec<String>,
        fn(&mut HuntGroup) -> &mut Vec<String>,
    ),
    /// The agents.
    Agents(
        fn(&HuntGroup) -> &Vec<Agent>,
        fn(&mut HuntGroup) -> &mut Vec<Agent>,
    ),
    /// The password.
    Password(
        fn(&HuntGroup) -> &Option<Secret>,
        fn(&mut HuntGroup) -> &mut Option<Secret>,
    ),
    /// The department.
    Department(
        fn(&HuntGroup) -> &Field<Department>,
        fn(&mut HuntGroup) -> &mut Field<Department>,
    ),
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Slot")
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// camelCase path as in a CSV header (`serviceInstanceProfile.name`, `agentUserId`).
    pub path: &'static str,
    /// The reference page's snake_case leaf name (`calling_line_id_last_name`).
    pub snake: &'static str,
    /// One line for the README, the JSON Schema and `--help`.
    pub doc: &'static str,
    /// Value type and rule.
    pub ty: Ty,
    /// Required, defaulted or unmanaged when left out.
    pub presence: Presence,
    /// How desired and current compare.
    pub compare: Compare,
    /// Which command carries it.
    pub carrier: Carrier,
    /// The element in `GroupHuntGroupModifyInstanceRequest` (or its profile) when it is not the
    /// key: a list is replaced whole there (`sipAliasList`, `agentUserIdList`).
    pub modify_element: Option<&'static str>,
    /// Whether an R25 modify can clear it (`xsi:nil`); a field that cannot be cleared is left
    /// as it is with a plan warning when the desired state says `null`.
    pub clearable: bool,
    /// The value rule beyond type and length.
    pub rule: Rule,
    /// Typed access.
    pub slot: Slot,
}

/// The nested profile key in YAML and JSON, and the OCI-P element.
pub const PROFILE: &str = "serviceInstanceProfile";
/// snake_case of [`PROFILE`].
pub const PROFILE_SNAKE: &str = "service_instance_profile";
/// The profile prefix of dotted paths.
pub const PROFILE_PREFIX: &str = "serviceInstanceProfile.";

const fn text(min: usize, max: usize) -> Ty {
    Ty::Text {
        min,
        max,
        bytes: false,
    }
}

const fn plain(
    path: &'static str,
    snake: &'static str,
    doc: &'static str,
    ty: Ty,
    presence: Presence,
    slot: Slot,
) -> FieldDef {
    FieldDef {
        path,
        snake,
        doc,
        ty,
        presence,
        compare: Compare::Exact,
        carrier: Carrier::Instance,
        modify_element: None,
        clearable: false,
        rule: Rule::None,
        slot,
    }
}

const fn flag(
    path: &'static str,
    snake: &'static str,
    doc: &'static str,
    on: bool,
    slot: Slot,
) -> FieldDef {
    plain(
        path,
        snake,
        doc,
        Ty::Bool,
        Presence::Default(Default::Bool(on)),
        slot,
    )
}

// Rows are identified by their path (a table row is never duplicated: a unit test checks it).
impl PartialEq for FieldDef {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl FieldDef {
    const fn compare(mut self, c: Compare) -> Self {
        self.compare = c;
        self
    }
    const fn clearable(mut self) -> Self {
        self.clearable = true;
        self
    }
    const fn carrier(mut self, c: Carrier) -> Self {
        self.carrier = c;
        self
    }
    const fn modify_as(mut self, element: &'static str) -> Self {
        self.modify_element = Some(element);
        self
    }
    const fn rule(mut self, r: Rule) -> Self {
        self.rule = r;
        self
    }
}

macro_rules! slot {
    ($kind:ident, $($f:ident).+) => {
        Slot::$kind(|h| &h.$($f).+, |h| &mut h.$($f).+)
    };
}

/// Every field, in OCI-P `GroupHuntGroupAddInstanceRequest20` order; `isActive` last (it is
/// carried by its own command).
pub const FIELDS: &[FieldDef] = &[
    plain(
        "serviceProviderId",
        "service_provider_id",
        "Service provider (enterprise) id.",
        Ty::Text {
            min: 1,
            max: 30,
            bytes: true,
        },
        Presence::Required,
        slot!(Str, service_provider_id),
    )
    .carrier(Carrier::Identity),
    plain(
        "groupId",
        "group_id",
        "Group id.",
        Ty::Text {
            min: 1,
            max: 30,
            bytes: true,
        },
        Presence::Required,
        slot!(Str, group_id),
    )
    .carrier(Carrier::Identity),
    plain(
        "serviceUserId",
        "service_user_id",
        "The hunt group's own user id (name@domain), unique in the system.",
        text(1, 161),
        Presence::Required,
        slot!(Str, service_user_id),
    )
    .rule(Rule::UserId)
    .carrier(Carrier::Identity),
    plain(
        "serviceInstanceProfile.name",
        "name",
        "Display name.",
        text(1, 30),
        Presence::Default(Default::Text("Test Group Name")),
        slot!(Str, service_instance_profile.name),
    ),
    // The reference page's 31-character defaults for the two caller-id names are over the
    // schema's limit of 30; these are the reference implementation's values (see README).
    plain(
        "serviceInstanceProfile.callingLineIdLastName",
        "calling_line_id_last_name",
        "Caller-id last name.",
        text(1, 30),
        Presence::Default(Default::Text("Last Name")),
        slot!(Str, service_instance_profile.calling_line_id_last_name),
    ),
    plain(
        "serviceInstanceProfile.callingLineIdFirstName",
        "calling_line_id_first_name",
        "Caller-id first name.",
        text(1, 30),
        Presence::Default(Default::Text("First Name")),
        slot!(Str, service_instance_profile.calling_line_id_first_name),
    ),
    plain(
        "serviceInstanceProfile.hiraganaLastName",
        "hiragana_last_name",
        "Hiragana last name.",
        text(1, 30),
        Presence::Optional,
        slot!(Text, service_instance_profile.hiragana_last_name),
    ),
    plain(
        "serviceInstanceProfile.hiraganaFirstName",
        "hiragana_first_name",
        "Hiragana first name.",
        text(1, 30),
        Presence::Optional,
        slot!(Text, service_instance_profile.hiragana_first_name),
    ),
    plain(
        "serviceInstanceProfile.phoneNumber",
        "phone_number",
        "Directory number, E.164 (+1-2025550100) or national.",
        text(1, 23),
        Presence::Optional,
        slot!(Text, service_instance_profile.phone_number),
    )
    .rule(Rule::E164)
    .compare(Compare::E164)
    .clearable(),
    plain(
        "serviceInstanceProfile.extension",
        "extension",
        "Extension, 2–20 digits.",
        text(2, 20),
        Presence::Optional,
        slot!(Text, service_instance_profile.extension),
    )
    .rule(Rule::Digits)
    .clearable(),
    plain(
        "serviceInstanceProfile.password",
        "password",
        "Hunt group password: sent on create, never read back, never shown.",
        Ty::Password,
        Presence::Optional,
        slot!(Password, service_instance_profile.password),
    )
    .compare(Compare::WriteOnly),
    plain(
        "serviceInstanceProfile.department",
        "department",
        "Department: a group department's name, or {name, enterprise: true}.",
        Ty::Department,
        Presence::Optional,
        slot!(Department, service_instance_profile.department),
    )
    .clearable(),
    plain(
        "serviceInstanceProfile.language",
        "language",
        "Language, as configured on the system.",
        text(1, 40),
        Presence::Optional,
        slot!(Text, service_instance_profile.language),
    ),
    plain(
        "serviceInstanceProfile.timeZone",
        "time_zone",
        "Time zone identifier, e.g. America/New_York.",
        text(1, 127),
        Presence::Optional,
        slot!(Text, service_instance_profile.time_zone),
    ),
    plain(
        "serviceInstanceProfile.alias",
        "alias",
        "SIP aliases, at most 3.",
        Ty::Aliases { max: 3 },
        Presence::Default(Default::Empty),
        slot!(Aliases, service_instance_profile.alias),
    )
    .compare(Compare::Set)
    .modify_as("sipAliasList")
    .clearable(),
    plain(
        "serviceInstanceProfile.publicUserIdentity",
        "public_user_identity",
        "Public user identity (SIP URI).",
        text(1, 161),
        Presence::Optional,
        slot!(Text, service_instance_profile.public_user_identity),
    )
    .clearable(),
    plain(
        "serviceInstanceProfile.callingLineIdPhoneNumber",
        "calling_line_id_phone_number",
        "Calling line id phone number.",
        text(1, 23),
        Presence::Optional,
        slot!(Text, service_instance_profile.calling_line_id_phone_number),
    )
    .rule(Rule::E164)
    .compare(Compare::E164)
    .clearable(),
    plain(
        "policy",
        "policy",
        "Call distribution: Regular, Circular, Simultaneous, Uniform or Weighted.",
        Ty::Policy,
        Presence::Default(Default::Policy(Policy::Regular)),
        slot!(Policy, policy),
    ),
    flag(
        "huntAfterNoAnswer",
        "hunt_after_no_answer",
        "Hunt to the next agent after no answer.",
        true,
        slot!(Bool, hunt_after_no_answer),
    ),
    plain(
        "noAnswerNumberOfRings",
        "no_answer_number_of_rings",
        "Rings before hunting on, 1–20.",
        Ty::Int { min: 1, max: 20 },
        Presence::Default(Default::Int(5)),
        slot!(Int, no_answer_number_of_rings),
    ),
    flag(
        "forwardAfterTimeout",
        "forward_after_timeout",
        "Forward unanswered calls after a timeout.",
        false,
        slot!(Bool, forward_after_timeout),
    ),
    plain(
        "forwardTimeoutSeconds",
        "forward_timeout_seconds",
        "That timeout, 0–7200 seconds.",
        Ty::Int { min: 0, max: 7200 },
        Presence::Default(Default::Int(10)),
        slot!(Int, forward_timeout_seconds),
    ),
    plain(
        "forwardToPhoneNumber",
        "forward_to_phone_number",
        "Where to forward after the timeout.",
        text(1, 30),
        Presence::Optional,
        slot!(Text, forward_to_phone_number),
    )
    .rule(Rule::OutgoingDn)
    .compare(Compare::E164)
    .clearable(),
    plain(
        "agentUserId",
        "agent_user_id",
        "Agents in hunt order: user ids, or {userId, weight} for Weighted.",
        Ty::Agents,
        Presence::Required,
        slot!(Agents, agents),
    )
    .compare(Compare::Agents)
    .modify_as("agentUserIdList")
    .clearable(),
    flag(
        "allowCallWaitingForAgents",
        "allow_call_waiting_for_agents",
        "Allow call waiting for agents.",
        true,
        slot!(Bool, allow_call_waiting_for_agents),
    ),
    flag(
        "useSystemHuntGroupCLIDSetting",
        "use_system_hunt_group_clid_setting",
        "Use the system's hunt group caller-id setting.",
        true,
        slot!(Bool, use_system_hunt_group_clid_setting),
    ),
    flag(
        "includeHuntGroupNameInCLID",
        "include_hunt_group_name_in_clid",
        "Include the hunt group name in the caller id.",
        true,
        slot!(Bool, include_hunt_group_name_in_clid),
    ),
    flag(
        "enableNotReachableForwarding",
        "enable_not_reachable_forwarding",
        "Forward calls when the hunt group is not reachable.",
        false,
        slot!(Bool, enable_not_reachable_forwarding),
    ),
    plain(
        "notReachableForwardToPhoneNumber",
        "not_reachable_forward_to_phone_number",
        "Where to forward when not reachable (number or SIP URI).",
        text(1, 161),
        Presence::Optional,
        slot!(Text, not_reachable_forward_to_phone_number),
    )
    .rule(Rule::OutgoingDnOrSipUri)
    .compare(Compare::E164)
    .clearable(),
    flag(
        "makeBusyWhenNotReachable",
        "make_busy_when_not_reachable",
        "Make the hunt group busy when not reachable.",
        false,
        slot!(Bool, make_busy_when_not_reachable),
    ),
    flag(
        "allowMembersToControlGroupBusy",
        "allow_members_to_control_group_busy",
        "Allow agents to turn group busy on and off.",
        false,
        slot!(Bool, allow_members_to_control_group_busy),
    ),
    flag(
        "enableGroupBusy",
        "enable_group_busy",
        "Group busy.",
        false,
        slot!(Bool, enable_group_busy),
    ),
    flag(
        "applyGroupBusyWhenTerminatingToAgent",
        "apply_group_busy_when_terminating_to_agent",
        "Apply group busy also to calls straight to an agent.",
        false,
        slot!(Bool, apply_group_busy_when_terminating_to_agent),
    ),
    plain(
        "networkClassOfService",
        "network_class_of_service",
        "Network class of service name.",
        text(1, 40),
        Presence::Optional,
        slot!(Text, network_class_of_service),
    ),
    flag(
        "isActive",
        "is_active",
        "Whether the hunt group takes calls.",
        true,
        slot!(Bool, is_active),
    )
    .carrier(Carrier::ActiveList),
];

/// A field's value, borrowed from a hunt group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// Text.
    Text(&'a str),
    /// A boolean.
    Bool(bool),
    /// A number.
    Int(u32),
    /// A policy.
    Policy(Policy),
    /// Aliases.
    Aliases(&'a [String]),
    /// Agents.
    Agents(&'a [Agent]),
    /// A password.
    Password(&'a Secret),
    /// A department.
    Department(&'a Department),
}

/// A field's value, owned: what a decoder or a modify produces.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A number.
    Int(u32),
    /// A policy.
    Policy(Policy),
    /// Aliases.
    Aliases(Vec<String>),
    /// Agents.
    Agents(Vec<Agent>),
    /// A password.
    Password(Secret),
    /// A department.
    Department(Department),
}

impl ValueRef<'_> {
    /// An owned copy.
    pub fn to_owned(self) -> Value {
        match self {
            ValueRef::Text(s) => Value::Text(s.to_string()),
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Int(n) => Value::Int(n),
            ValueRef::Policy(p) => Value::Policy(p),
            ValueRef::Aliases(a) => Value::Aliases(a.to_vec()),
            ValueRef::Agents(a) => Value::Agents(a.to_vec()),
            ValueRef::Password(s) => Value::Password(s.clone()),
            ValueRef::Department(d) => Value::Department(d.clone()),
        }
    }

    /// The value as JSON, as plans, undo files and `--json` show it (a password is masked).
    pub fn to_json(self) -> Json {
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    /// The text of a scalar value as it goes in an XML element or a CSV cell; `None` for lists,
    /// departments and passwords, which each have their own shape.
    pub fn scalar_text(self) -> Option<std::borrow::Cow<'static, str>> {
        use std::borrow::Cow;
        match self {
            ValueRef::Text(s) => Some(Cow::Owned(s.to_string())),
            ValueRef::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
            ValueRef::Int(n) => Some(Cow::Owned(n.to_string())),
            ValueRef::Policy(p) => Some(Cow::Borrowed(p.as_str())),
            _ => None,
        }
    }
}

// Written straight to the serializer: a plan of 100,000 hunt groups serialises millions of
// values, and a JSON tree per value first cost 20 MB of peak memory in the 10,000 plan bench.
impl serde::Serialize for ValueRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match *self {
            ValueRef::Text(t) => s.serialize_str(t),
            ValueRef::Bool(b) => s.serialize_bool(b),
            ValueRef::Int(n) => s.serialize_u32(n),
            ValueRef::Policy(p) => s.serialize_str(p.as_str()),
            ValueRef::Aliases(a) => a.serialize(s),
            ValueRef::Agents(a) => a.serialize(s),
            ValueRef::Password(p) => p.serialize(s),
            ValueRef::Department(d) if d.enterprise => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("name", &d.name)?;
                m.serialize_entry("enterprise", &true)?;
                m.end()
            }
            ValueRef::Department(d) => s.serialize_str(&d.name),
        }
    }
}

impl Value {
    /// Borrows the value.
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Text(s) => ValueRef::Text(s),
            Value::Bool(b) => ValueRef::Bool(*b),
            Value::Int(n) => ValueRef::Int(*n),
            Value::Policy(p) => ValueRef::Policy(*p),
            Value::Aliases(a) => ValueRef::Aliases(a),
            Value::Agents(a) => ValueRef::Agents(a),
            Value::Password(s) => ValueRef::Password(s),
            Value::Department(d) => ValueRef::Department(d),
        }
    }
}

/// A value of the wrong type for a field: a bug in the caller, reported rather than panicking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongType {
    /// The field's path.
    pub path: &'static str,
}

impl std::fmt::Display for WrongType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a value of the wrong type for {}", self.path)
    }
}

impl std::error::Error for WrongType {}

impl FieldDef {
    /// True for fields inside serviceInstanceProfile.
    pub fn in_profile(&self) -> bool {
        self.path.starts_with(PROFILE_PREFIX)
    }

    /// The camelCase key as written in YAML and as the OCI-P element (last path segment).
    pub fn key(&self) -> &'static str {
        self.path.strip_prefix(PROFILE_PREFIX).unwrap_or(self.path)
    }

    /// The element of `GroupHuntGroupModifyInstanceRequest` (or its profile).
    pub fn modify_key(&self) -> &'static str {
        self.modify_element.unwrap_or(self.key())
    }

    /// True for the settings a hunt group carries in the instance commands, i.e. everything
    /// but its key and what travels in a command of its own.
    pub fn is_setting(&self) -> bool {
        self.carrier == Carrier::Instance
    }

    /// The documented default, if any.
    pub fn default_value(&self) -> Option<Value> {
        match self.presence {
            Presence::Default(d) => Some(match d {
                Default::Bool(b) => Value::Bool(b),
                Default::Int(n) => Value::Int(n),
                Default::Text(t) => Value::Text(t.to_string()),
                Default::Policy(p) => Value::Policy(p),
                Default::Empty => match self.ty {
                    Ty::Agents => Value::Agents(Vec::new()),
                    _ => Value::Aliases(Vec::new()),
                },
            }),
            _ => None,
        }
    }

    /// The field's value in `h`: `Unmanaged` when left out, `Absent` when it must not be set.
    /// Always-present fields (identity, defaulted values, lists) are always a `Value`.
    pub fn get<'a>(&self, h: &'a HuntGroup) -> Field<ValueRef<'a>> {
        match self.slot {
            Slot::Str(get, _) => Field::Value(ValueRef::Text(get(h))),
            Slot::Text(get, _) => match get(h) {
                Field::Value(s) => Field::Value(ValueRef::Text(s)),
                Field::Absent => Field::Absent,
                Field::Unmanaged => Field::Unmanaged,
            },
            Slot::Bool(get, _) => Field::Value(ValueRef::Bool(*get(h))),
            Slot::Int(get, _) => Field::Value(ValueRef::Int(*get(h))),
            Slot::Policy(get, _) => Field::Value(ValueRef::Policy(*get(h))),
            Slot::Aliases(get, _) => Field::Value(ValueRef::Aliases(get(h))),
            Slot::Agents(get, _) => Field::Value(ValueRef::Agents(get(h))),
            Slot::Password(get, _) => match get(h) {
                Some(s) => Field::Value(ValueRef::Password(s)),
                None => Field::Unmanaged,
            },
            Slot::Department(get, _) => match get(h) {
                Field::Value(d) => Field::Value(ValueRef::Department(d)),
                Field::Absent => Field::Absent,
                Field::Unmanaged => Field::Unmanaged,
            },
        }
    }

    /// Sets the field in `h`. `Absent` and `Unmanaged` empty a list and reset another
    /// always-present field to its documented default (identity fields have none: an error).
    pub fn set(&self, h: &mut HuntGroup, v: Field<Value>) -> Result<(), WrongType> {
        let wrong = WrongType { path: self.path };
        let v = match v {
            Field::Value(v) => Field::Value(v),
            other => match (&self.slot, self.default_value()) {
                (Slot::Text(..) | Slot::Department(..) | Slot::Password(..), _) => match other {
                    Field::Absent => Field::Absent,
                    _ => Field::Unmanaged,
                },
                // A list with nothing in it is the list's only "absent".
                (Slot::Aliases(..), _) => Field::Value(Value::Aliases(Vec::new())),
                (Slot::Agents(..), _) => Field::Value(Value::Agents(Vec::new())),
                (_, Some(d)) => Field::Value(d),
                (_, None) => return Err(wrong),
            },
        };
        match (self.slot, v) {
            (Slot::Str(_, set), Field::Value(Value::Text(s))) => *set(h) = s,
            (Slot::Text(_, set), Field::Value(Value::Text(s))) => *set(h) = Field::Value(s),
            (Slot::Text(_, set), Field::Absent) => *set(h) = Field::Absent,
            (Slot::Text(_, set), Field::Unmanaged) => *set(h) = Field::Unmanaged,
            (Slot::Bool(_, set), Field::Value(Value::Bool(b))) => *set(h) = b,
            (Slot::Int(_, set), Field::Value(Value::Int(n))) => *set(h) = n,
            (Slot::Policy(_, set), Field::Value(Value::Policy(p))) => *set(h) = p,
            (Slot::Aliases(_, set), Field::Value(Value::Aliases(a))) => *set(h) = a,
            (Slot::Agents(_, set), Field::Value(Value::Agents(a))) => *set(h) = a,
            (Slot::Password(_, set), Field::Value(Value::Password(s))) => *set(h) = Some(s),
            (Slot::Password(_, set), _) => *set(h) = None,
            (Slot::Department(_, set), Field::Value(Value::Department(d))) => {
                *set(h) = Field::Value(d)
            }
            (Slot::Department(_, set), Field::Absent) => *set(h) = Field::Absent,
            (Slot::Department(_, set), Field::Unmanaged) => *set(h) = Field::Unmanaged,
            _ => return Err(wrong),
        }
        Ok(())
    }

    /// True when `h` holds this field's documented default (export leaves such fields out).
    pub fn is_default(&self, h: &HuntGroup) -> bool {
        match (self.default_value(), self.get(h)) {
            (Some(d), Field::Value(v)) => d.as_ref() == v,
            _ => false,
        }
    }

    /// Parses the text of a scalar element or cell (`true`, `5`, `Circular`, a name) into this
    /// field's type. Lists, departments and passwords have shapes of their own and are refused.
    pub fn parse_scalar(&self, s: &str) -> Result<Value, String> {
        match self.ty {
            Ty::Text { .. } => Ok(Value::Text(s.to_string())),
            Ty::Bool => match s.trim() {
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                other => Err(format!("expected true or false, found \"{other}\"")),
            },
            Ty::Int { .. } => s
                .trim()
                .parse::<u32>()
                .map(Value::Int)
                .map_err(|_| format!("expected a whole number, found \"{}\"", s.trim())),
            Ty::Policy => Policy::parse(s)
                .map(Value::Policy)
                .ok_or_else(|| format!("expected a hunt policy, found \"{}\"", s.trim())),
            _ => Err(format!("{} is not a single value", self.path)),
        }
    }
}

/// Compares two values of one field by its [`Compare`] rule (`cc`: the group's country code,
/// for national numbers). Agents are compared by the diff, which knows the policy.
pub fn same_value(cmp: Compare, a: ValueRef<'_>, b: ValueRef<'_>, cc: Option<&str>) -> bool {
    match (cmp, a, b) {
        (Compare::E164, ValueRef::Text(x), ValueRef::Text(y)) => same_number(x, y, cc),
        (Compare::Set, ValueRef::Aliases(x), ValueRef::Aliases(y)) => {
            let mut x: Vec<&str> = x.iter().map(|s| s.trim()).collect();
            let mut y: Vec<&str> = y.iter().map(|s| s.trim()).collect();
            x.sort_unstable();
            y.sort_unstable();
            x == y
        }
        (Compare::WriteOnly, ..) => true,
        (_, x, y) => x == y,
    }
}

/// The field agents switch at run time when the hunt group lets them
/// ([`MEMBERS_CONTROL_GROUP_BUSY`]): with that on and this left out of the desired state, it is
/// treated as ignored (set on create, never reverted).
pub const GROUP_BUSY: &str = "enableGroupBusy";
/// `allowMembersToControlGroupBusy`: agents may turn [`GROUP_BUSY`] on and off with a feature
/// access code.
pub const MEMBERS_CONTROL_GROUP_BUSY: &str = "allowMembersToControlGroupBusy";

impl FieldDef {
    /// Whether `ignore:` may name the field: every field but the hunt group's key. An ignored
    /// field is set on create and never compared or written after; a key that is not compared
    /// would make another hunt group of it (renames are `renamedFrom`).
    pub fn ignorable(&self) -> bool {
        self.carrier != Carrier::Identity
    }

    /// The field's path spelled in snake_case (`service_instance_profile.name`), as Python
    /// data names it in `ignore`.
    pub fn snake_path(&self) -> String {
        if self.in_profile() {
            format!("{PROFILE_SNAKE}.{}", self.snake)
        } else {
            self.snake.to_string()
        }
    }
}

/// Looks up a path as `ignore:` and `--ignore` name a field: the camelCase path
/// (`serviceInstanceProfile.name`, `isActive`) or its snake_case spelling.
pub fn by_ignore_path(path: &str) -> Option<&'static FieldDef> {
    let p = path.trim();
    FIELDS.iter().find(|d| d.path == p || d.snake_path() == p)
}

/// Every row, for iteration.
pub fn fields() -> impl Iterator<Item = &'static FieldDef> {
    FIELDS.iter()
}

/// The settings carried by the instance commands, in schema order.
pub fn settings() -> impl Iterator<Item = &'static FieldDef> {
    FIELDS.iter().filter(|d| d.is_setting())
}

/// Looks up a dotted path (`serviceInstanceProfile.name`, `policy`) exactly.
pub fn by_path(path: &str) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|d| d.path == path)
}

/// Looks up a key at hunt group level (`in_profile` false) or inside serviceInstanceProfile,
/// in camelCase or the reference page's snake_case. Returns the row and whether the snake_case
/// spelling was used.
pub fn by_key(key: &str, in_profile: bool) -> Option<(&'static FieldDef, bool)> {
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

/// Looks up an element of an instance command (Add, Modify or Get reply) by name, in the
/// profile or at the top level.
pub fn by_element(element: &str, in_profile: bool) -> Option<&'static FieldDef> {
    FIELDS.iter().find(|d| {
        d.in_profile() == in_profile
            && d.carrier != Carrier::ActiveList
            && (d.key() == element || d.modify_element == Some(element))
    })
}

/// The hunt group as JSON (see [`HuntGroup`]'s `Serialize`, which writes the same shape in
/// table order).
pub fn to_json(h: &HuntGroup) -> Json {
    serde_json::to_value(h).unwrap_or(Json::Null)
}

/// Writes a hunt group in table order with the profile nested: the shape of plans, undo
/// files, `--json` output and the sandbox's state. Unmanaged fields are left out, `Absent` is
/// `null`, the password is masked.
pub(super) fn serialize<S: serde::Serializer>(h: &HuntGroup, s: S) -> Result<S::Ok, S::Error> {
    serialize_with(h, true, &[], s)
}

/// [`HuntGroup`]'s JSON shape without its enterprise and group (when `with_group` is false:
/// where it is stored says them) and with `extra` flags at the end: the sandbox's state and
/// journal, written straight to the file.
pub fn serialize_with<S: serde::Serializer>(
    h: &HuntGroup,
    with_group: bool,
    extra: &[(&str, bool)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    struct Profile<'a>(&'a HuntGroup);
    impl serde::Serialize for Profile<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(None)?;
            for d in FIELDS.iter().filter(|d| d.in_profile()) {
                entry(&mut m, d, self.0)?;
            }
            m.end()
        }
    }
    fn entry<M: SerializeMap>(m: &mut M, d: &FieldDef, h: &HuntGroup) -> Result<(), M::Error> {
        match d.get(h) {
            Field::Unmanaged => Ok(()),
            Field::Absent => m.serialize_entry(d.key(), &()),
            Field::Value(v) => m.serialize_entry(d.key(), &v),
        }
    }
    let mut m = s.serialize_map(None)?;
    let mut profile_written = false;
    for d in FIELDS {
        if d.in_profile() {
            if !profile_written {
                m.serialize_entry(PROFILE, &Profile(h))?;
                profile_written = true;
            }
        } else if with_group || d.carrier != Carrier::Identity || d.key() == "serviceUserId" {
            entry(&mut m, d, h)?;
        }
    }
    if let Some(b) = &h.blocks {
        for (k, v) in b.to_json() {
            m.serialize_entry(k, &v)?;
        }
    }
    for (k, v) in extra {
        m.serialize_entry(k, v)?;
    }
    m.end()
}

/// Reads a hunt group back from [`to_json`]'s shape. A left-out field takes its default (or
/// stays unmanaged), `null` is `Absent`. Profile fields are also found at the top level, the
/// sandbox's older flat state files. The password is never read back: a saved plan only holds
/// the mask, and sending the mask as a password would be a silent disaster.
pub fn from_json(v: &Json) -> Result<HuntGroup, String> {
    let top = v
        .as_object()
        .ok_or_else(|| "a hunt group must be a JSON object".to_string())?;
    let profile = top.get(PROFILE).and_then(Json::as_object);
    let mut h = HuntGroup::with_defaults("", "", "");
    for d in FIELDS {
        if matches!(d.ty, Ty::Password) {
            continue;
        }
        let found = if d.in_profile() {
            profile
                .and_then(|p| p.get(d.key()))
                .or_else(|| top.get(d.key()))
        } else {
            top.get(d.key())
        };
        let Some(found) = found else {
            if d.presence == Presence::Required && d.carrier == Carrier::Identity {
                return Err(format!("{} is missing", d.path));
            }
            continue;
        };
        let value = if found.is_null() {
            Field::Absent
        } else {
            Field::Value(value_from_json(d, found)?)
        };
        d.set(&mut h, value).map_err(|e| e.to_string())?;
    }
    h.blocks = super::services::UserBlocks::from_json(top)?.map(Box::new);
    Ok(h)
}

/// One field's value from JSON, typed by the table.
pub fn value_from_json(d: &FieldDef, v: &Json) -> Result<Value, String> {
    let bad = || format!("{}: unexpected value {v}", d.path);
    Ok(match d.ty {
        Ty::Text { .. } => Value::Text(v.as_str().ok_or_else(bad)?.to_string()),
        Ty::Bool => Value::Bool(v.as_bool().ok_or_else(bad)?),
        Ty::Int { .. } => Value::Int(
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(bad)?,
        ),
        Ty::Policy => Value::Policy(v.as_str().and_then(Policy::parse).ok_or_else(bad)?),
        Ty::Aliases { .. } => Value::Aliases(serde_json::from_value(v.clone()).map_err(|_| bad())?),
        Ty::Agents => Value::Agents(serde_json::from_value(v.clone()).map_err(|_| bad())?),
        Ty::Password => return Err(bad()),
        Ty::Department => Value::Department(Department::from_json(v).ok_or_else(bad)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_is_unique_and_every_key_resolves() {
        for (i, d) in FIELDS.iter().enumerate() {
            assert!(
                FIELDS[i + 1..]
                    .iter()
                    .all(|o| o.path != d.path && o.snake != d.snake),
                "{} twice",
                d.path
            );
            assert_eq!(
                by_key(d.key(), d.in_profile()).map(|(f, _)| f.path),
                Some(d.path)
            );
            assert_eq!(
                by_key(d.snake, d.in_profile()).map(|(f, _)| f.path),
                Some(d.path)
            );
            assert_eq!(by_path(d.path).map(|f| f.path), Some(d.path));
        }
    }

    #[test]
    fn a_default_hunt_group_holds_every_default() {
        let h = HuntGroup::with_defaults("sp", "g", "hg@x");
        for d in FIELDS {
            match d.presence {
                Presence::Default(_) => assert!(d.is_default(&h), "{}", d.path),
                Presence::Optional => assert_eq!(d.get(&h), Field::Unmanaged, "{}", d.path),
                Presence::Required => {}
            }
        }
    }

    #[test]
    fn json_round_trips_every_field_but_the_password() {
        let mut h = HuntGroup::with_defaults("sp", "g", "hg@x");
        for d in FIELDS {
            let v = match d.ty {
                Ty::Text { .. } => Value::Text(format!("v-{}", d.snake)),
                Ty::Bool => Value::Bool(!matches!(d.default_value(), Some(Value::Bool(true)))),
                Ty::Int { max, .. } => Value::Int(max),
                Ty::Policy => Value::Policy(Policy::Weighted),
                Ty::Aliases { .. } => Value::Aliases(vec!["sip:a@b".into()]),
                Ty::Agents => Value::Agents(vec![Agent {
                    user_id: "a@b".into(),
                    weight: Some(7),
                }]),
                Ty::Password => Value::Password(Secret::new("hunter2")),
                Ty::Department => Value::Department(Department::enterprise("Sales")),
            };
            d.set(&mut h, Field::Value(v)).unwrap();
            assert!(
                !d.is_default(&h) || d.presence == Presence::Required,
                "{}",
                d.path
            );
        }
        let j = to_json(&h);
        assert!(!j.to_string().contains("hunter2"));
        let back = from_json(&j).unwrap();
        let mut expect = h.clone();
        expect.service_instance_profile.password = None;
        assert_eq!(back, expect);
    }

    #[test]
    fn absent_empties_a_list_and_keeps_identity_required() {
        let mut h = HuntGroup::with_defaults("sp", "g", "hg@x");
        h.agents = vec![Agent::new("a@b")];
        let agents = by_path("agentUserId").unwrap();
        agents.set(&mut h, Field::Absent).unwrap();
        assert!(h.agents.is_empty());
        let id = by_path("serviceUserId").unwrap();
        assert!(id.set(&mut h, Field::Absent).is_err());
        assert_eq!(h.service_user_id, "hg@x");
    }

    #[test]
    fn wrong_types_are_refused_not_stored() {
        let mut h = HuntGroup::with_defaults("sp", "g", "hg@x");
        let d = FIELDS.iter().find(|d| d.ty == Ty::Bool).unwrap();
        assert!(d.set(&mut h, Field::Value(Value::Int(3))).is_err());
        assert!(d.parse_scalar("maybe").is_err());
    }
}
