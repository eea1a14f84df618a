//! The R25 element tables of the hunt group commands: every element of the profile and of the
//! instance, its type, and how often it occurs in Add20, Modify and GetResponse20. The decoder
//! walks them to read a request and the encoder to write a reply, so both agree by construction.

use super::types::{
    DN, EXTENSION, LANGUAGE, NAME30, NCOS, OUTGOING_DN, OUTGOING_DN_OR_URI, SIP_URI, TIME_ZONE,
};

/// The simple or complex type of a hunt group element, as the sandbox reads R25.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// `xs:token` restricted to (min, max) characters.
    Token((usize, usize)),
    /// `xs:boolean`.
    Bool,
    /// `xs:int` in a range.
    Int(i64, i64),
    /// `HuntPolicy`.
    Policy,
    /// `Password` (a token whose value is never quoted).
    Password,
    /// `DepartmentKey`.
    Department,
    /// `SIPURI*` in Add and Get; `ReplacementSIPAliasList` (`sipAlias` items) in Modify.
    Aliases,
    /// `UserId*` in Add; `ReplacementUserIdList` (`userId` items) in Modify; `agentUserTable`
    /// in Get.
    Agents,
    /// Only in a Get reply, never stored from a request (countryCode, …).
    ReadOnly((usize, usize)),
}

/// How often an element occurs in one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occurs {
    /// Exactly once.
    One,
    /// At most once.
    Optional,
    /// At most once, and `xsi:nil` clears it (Modify only).
    Nillable,
    /// Not in this command.
    Never,
}

/// One element of a hunt group command's sequence: how Add20, Modify and GetResponse20 carry it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element {
    /// The element name in Add and Get.
    pub name: &'static str,
    /// The element name in Modify when it differs.
    pub modify_name: Option<&'static str>,
    /// The type.
    pub rule: Rule,
    /// In `GroupHuntGroupAddInstanceRequest20` / `ServiceInstanceAddProfile`.
    pub add: Occurs,
    /// In `GroupHuntGroupModifyInstanceRequest` / `ServiceInstanceModifyProfile`.
    pub modify: Occurs,
    /// In `GroupHuntGroupGetInstanceResponse20` / `ServiceInstanceReadProfile19sp1`.
    pub get: Occurs,
}

const fn el(name: &'static str, rule: Rule, add: Occurs, modify: Occurs, get: Occurs) -> Element {
    Element {
        name,
        modify_name: None,
        rule,
        add,
        modify,
        get,
    }
}

use Occurs::{Never, Nillable, One, Optional};

/// The sandbox's own reading of `ServiceInstanceAddProfile`, `ServiceInstanceModifyProfile` and
/// `ServiceInstanceReadProfile19sp1` (R25 `OCISchemaDataTypes.xsd`), kept apart from the
/// client's field table on purpose: the sandbox is a second opinion on the schema.
pub(crate) const PROFILE_ELEMENTS: &[Element] = &[
    el("name", Rule::Token(NAME30), One, Optional, One),
    el(
        "callingLineIdLastName",
        Rule::Token(NAME30),
        One,
        Optional,
        One,
    ),
    el(
        "callingLineIdFirstName",
        Rule::Token(NAME30),
        One,
        Optional,
        One,
    ),
    el(
        "hiraganaLastName",
        Rule::Token(NAME30),
        Optional,
        Optional,
        Optional,
    ),
    el(
        "hiraganaFirstName",
        Rule::Token(NAME30),
        Optional,
        Optional,
        Optional,
    ),
    el("phoneNumber", Rule::Token(DN), Optional, Nillable, Optional),
    el(
        "extension",
        Rule::Token(EXTENSION),
        Optional,
        Nillable,
        Optional,
    ),
    el(
        "countryCode",
        Rule::ReadOnly((1, 3)),
        Never,
        Never,
        Optional,
    ),
    el(
        "nationalPrefix",
        Rule::ReadOnly((1, 2)),
        Never,
        Never,
        Optional,
    ),
    el("password", Rule::Password, Optional, Optional, Never),
    el("department", Rule::Department, Optional, Nillable, Optional),
    el(
        "language",
        Rule::Token(LANGUAGE),
        Optional,
        Optional,
        Optional,
    ),
    el(
        "timeZone",
        Rule::Token(TIME_ZONE),
        Optional,
        Optional,
        Optional,
    ),
    el(
        "timeZoneDisplayName",
        Rule::ReadOnly((1, 127)),
        Never,
        Never,
        Optional,
    ),
    Element {
        modify_name: Some("sipAliasList"),
        ..el("alias", Rule::Aliases, Optional, Nillable, Optional)
    },
    el(
        "publicUserIdentity",
        Rule::Token(SIP_URI),
        Optional,
        Nillable,
        Optional,
    ),
    el(
        "callingLineIdPhoneNumber",
        Rule::Token(DN),
        Optional,
        Nillable,
        Optional,
    ),
];

/// The sandbox's own reading of the hunt group commands' sequences after the profile
/// (R25 `OCISchemaServiceHuntGroup.xsd`).
pub(crate) const INSTANCE_ELEMENTS: &[Element] = &[
    el("policy", Rule::Policy, One, Optional, One),
    el("huntAfterNoAnswer", Rule::Bool, One, Optional, One),
    el(
        "noAnswerNumberOfRings",
        Rule::Int(1, 20),
        One,
        Optional,
        One,
    ),
    el("forwardAfterTimeout", Rule::Bool, One, Optional, One),
    el(
        "forwardTimeoutSeconds",
        Rule::Int(0, 7200),
        One,
        Optional,
        One,
    ),
    el(
        "forwardToPhoneNumber",
        Rule::Token(OUTGOING_DN),
        Optional,
        Nillable,
        Optional,
    ),
    Element {
        modify_name: Some("agentUserIdList"),
        ..el("agentUserId", Rule::Agents, Optional, Nillable, One)
    },
    el("allowCallWaitingForAgents", Rule::Bool, One, Optional, One),
    el(
        "useSystemHuntGroupCLIDSetting",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el("includeHuntGroupNameInCLID", Rule::Bool, One, Optional, One),
    el(
        "enableNotReachableForwarding",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el(
        "notReachableForwardToPhoneNumber",
        Rule::Token(OUTGOING_DN_OR_URI),
        Optional,
        Nillable,
        Optional,
    ),
    el("makeBusyWhenNotReachable", Rule::Bool, One, Optional, One),
    el(
        "allowMembersToControlGroupBusy",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el("enableGroupBusy", Rule::Bool, One, Optional, One),
    el(
        "applyGroupBusyWhenTerminatingToAgent",
        Rule::Bool,
        One,
        Optional,
        One,
    ),
    el(
        "networkClassOfService",
        Rule::Token(NCOS),
        Optional,
        Optional,
        Optional,
    ),
];
