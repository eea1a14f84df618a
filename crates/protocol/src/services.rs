//! Typed OCI-P commands for what a hunt group's virtual user carries besides its instance
//! record: assigned user services, Call Forwarding Always / Busy / Not Reachable / Selective
//! (with criteria), Directory Number Hunting, and the reads that pre-flight them (group service
//! authorizations, visible schedules). R25 names throughout (see `notes/25-wire.md` for the
//! exact command versions); plain data shared by the client and the sandbox, as in
//! [`crate::messages`], whose `Request::Service` / `Response::Service` carry these.

use crate::messages::{Change, UserRow};
use crate::xml::XmlOut;
use serde::{Deserialize, Serialize};

#[path = "services_list.rs"]
mod list;

/// Every R25 `UserService` name, in the schema's order: what `serviceName` may hold.
pub const USER_SERVICES: &[&str] = list::USER_SERVICE_NAMES;

/// True when `name` is an R25 `UserService` enumeration value.
pub fn is_user_service(name: &str) -> bool {
    USER_SERVICES.contains(&name)
}

/// `UserService` names of the services with settings here.
pub mod service {
    /// Call Forwarding Always.
    pub const CALL_FORWARDING_ALWAYS: &str = "Call Forwarding Always";
    /// Call Forwarding Busy.
    pub const CALL_FORWARDING_BUSY: &str = "Call Forwarding Busy";
    /// Call Forwarding Not Reachable.
    pub const CALL_FORWARDING_NOT_REACHABLE: &str = "Call Forwarding Not Reachable";
    /// Call Forwarding Selective.
    pub const CALL_FORWARDING_SELECTIVE: &str = "Call Forwarding Selective";
    /// Directory Number Hunting.
    pub const DIRECTORY_NUMBER_HUNTING: &str = "Directory Number Hunting";
}

/// The three simple forwarding services, which share one shape of get and modify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ForwardingKind {
    /// Call Forwarding Always (the only one with `isRingSplashActive`).
    Always,
    /// Call Forwarding Busy.
    Busy,
    /// Call Forwarding Not Reachable.
    NotReachable,
}

impl ForwardingKind {
    /// All three, in the order the issue lists them.
    pub const ALL: [ForwardingKind; 3] = [
        ForwardingKind::Always,
        ForwardingKind::Busy,
        ForwardingKind::NotReachable,
    ];

    /// The `UserService` name of the service.
    pub fn service_name(self) -> &'static str {
        match self {
            ForwardingKind::Always => service::CALL_FORWARDING_ALWAYS,
            ForwardingKind::Busy => service::CALL_FORWARDING_BUSY,
            ForwardingKind::NotReachable => service::CALL_FORWARDING_NOT_REACHABLE,
        }
    }

    /// `UserCallForwarding…GetRequest`.
    pub fn get_request(self) -> &'static str {
        match self {
            ForwardingKind::Always => "UserCallForwardingAlwaysGetRequest",
            ForwardingKind::Busy => "UserCallForwardingBusyGetRequest",
            ForwardingKind::NotReachable => "UserCallForwardingNotReachableGetRequest",
        }
    }

    /// `UserCallForwarding…GetResponse`.
    pub fn get_response(self) -> &'static str {
        match self {
            ForwardingKind::Always => "UserCallForwardingAlwaysGetResponse",
            ForwardingKind::Busy => "UserCallForwardingBusyGetResponse",
            ForwardingKind::NotReachable => "UserCallForwardingNotReachableGetResponse",
        }
    }

    /// `UserCallForwarding…ModifyRequest`.
    pub fn modify_request(self) -> &'static str {
        match self {
            ForwardingKind::Always => "UserCallForwardingAlwaysModifyRequest",
            ForwardingKind::Busy => "UserCallForwardingBusyModifyRequest",
            ForwardingKind::NotReachable => "UserCallForwardingNotReachableModifyRequest",
        }
    }

    /// Whether the service has `isRingSplashActive` (Always only).
    pub fn has_ring_splash(self) -> bool {
        self == ForwardingKind::Always
    }
}

/// `UserCallForwarding…GetResponse`: a fresh service is inactive with no number.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardingSettings {
    /// isActive
    pub is_active: bool,
    /// forwardToPhoneNumber? (`OutgoingDNorSIPURI`, as the server keeps it)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_to_phone_number: Option<String>,
    /// isRingSplashActive (Always only; false for the others)
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_ring_splash_active: bool,
}

/// `UserCallForwarding…ModifyRequest`: elements left out keep their value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingModify {
    /// userId
    pub user_id: String,
    /// Which service.
    pub kind: ForwardingKind,
    /// isActive?
    pub is_active: Option<bool>,
    /// forwardToPhoneNumber? (nillable)
    pub forward_to_phone_number: Change<String>,
    /// isRingSplashActive? (Always only: never sent for the others)
    pub is_ring_splash_active: Option<bool>,
}

/// `ScheduleLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ScheduleLevel {
    /// "Service Provider" (the enterprise's schedules).
    #[serde(rename = "Service Provider")]
    ServiceProvider,
    /// "Group".
    Group,
    /// "User".
    User,
}

impl ScheduleLevel {
    /// All three values.
    pub const ALL: [ScheduleLevel; 3] = [
        ScheduleLevel::ServiceProvider,
        ScheduleLevel::Group,
        ScheduleLevel::User,
    ];
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleLevel::ServiceProvider => "Service Provider",
            ScheduleLevel::Group => "Group",
            ScheduleLevel::User => "User",
        }
    }
    /// Parses the wire value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// `ScheduleType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ScheduleType {
    /// "Holiday".
    Holiday,
    /// "Time".
    Time,
}

impl ScheduleType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleType::Holiday => "Holiday",
            ScheduleType::Time => "Time",
        }
    }
    /// Parses the wire value.
    pub fn parse(s: &str) -> Option<Self> {
        [ScheduleType::Holiday, ScheduleType::Time]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// A criterion's `TimeSchedule` or `HolidaySchedule`: `type` (the level) then `name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleRef {
    /// `type`: the level the schedule is defined at.
    pub level: ScheduleLevel,
    /// `name`, 1–40.
    pub name: String,
}

impl ScheduleRef {
    /// Writes it as element `name` (`timeSchedule`, `holidaySchedule`): requests and replies
    /// write it alike.
    pub fn write_xml(&self, x: &mut XmlOut, name: &str) {
        x.open(name)
            .text("type", self.level.as_str())
            .text("name", &self.name)
            .close(name);
    }
}

/// `ScheduleGlobalKey`: a schedule as the schedule lists name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleGlobalKey {
    /// scheduleKey/scheduleName
    pub name: String,
    /// scheduleKey/scheduleType
    pub schedule_type: ScheduleType,
    /// scheduleLevel
    pub level: ScheduleLevel,
}

/// `CallForwardingSelectiveNumberSelection16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum NumberSelection {
    /// "Forward To Default Number" (the R25 default when left out of an add).
    #[default]
    #[serde(rename = "Forward To Default Number")]
    Default,
    /// "Forward To Specified Number".
    #[serde(rename = "Forward To Specified Number")]
    Specified,
    /// "Do not forward".
    #[serde(rename = "Do not forward")]
    DoNotForward,
}

impl NumberSelection {
    /// All three values.
    pub const ALL: [NumberSelection; 3] = [
        NumberSelection::Default,
        NumberSelection::Specified,
        NumberSelection::DoNotForward,
    ];
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberSelection::Default => "Forward To Default Number",
            NumberSelection::Specified => "Forward To Specified Number",
            NumberSelection::DoNotForward => "Do not forward",
        }
    }
    /// Parses the wire value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// `CriteriaDnSelection`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DnSelection {
    /// "Any".
    #[default]
    Any,
    /// "Specified Only".
    #[serde(rename = "Specified Only")]
    SpecifiedOnly,
}

impl DnSelection {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            DnSelection::Any => "Any",
            DnSelection::SpecifiedOnly => "Specified Only",
        }
    }
    /// Parses the wire value.
    pub fn parse(s: &str) -> Option<Self> {
        [DnSelection::Any, DnSelection::SpecifiedOnly]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// `CriteriaFromDn`: which callers the criterion applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FromDnCriteria {
    /// fromDnCriteriaSelection
    pub from_dn_criteria_selection: DnSelection,
    /// includeAnonymousCallers
    pub include_anonymous_callers: bool,
    /// includeUnavailableCallers
    pub include_unavailable_callers: bool,
    /// phoneNumber[0..12] (`DN`)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<String>,
}

impl FromDnCriteria {
    /// Writes it as `fromDnCriteria` (an add request and the criteria reply alike).
    pub fn write_xml(&self, x: &mut XmlOut) {
        x.open("fromDnCriteria")
            .text(
                "fromDnCriteriaSelection",
                self.from_dn_criteria_selection.as_str(),
            )
            .boolean("includeAnonymousCallers", self.include_anonymous_callers)
            .boolean(
                "includeUnavailableCallers",
                self.include_unavailable_callers,
            );
        for n in &self.phone_numbers {
            x.text("phoneNumber", n);
        }
        x.close("fromDnCriteria");
    }
}

/// `CriteriaFromDnModify`: elements left out keep their value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FromDnCriteriaModify {
    /// fromDnCriteriaSelection?
    pub from_dn_criteria_selection: Option<DnSelection>,
    /// includeAnonymousCallers?
    pub include_anonymous_callers: Option<bool>,
    /// includeUnavailableCallers?
    pub include_unavailable_callers: Option<bool>,
    /// phoneNumberList? (nillable: cleared)
    pub phone_number_list: Change<Vec<String>>,
}

/// `CallToNumber`: which of the user's numbers the call was made to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallToNumber {
    /// type (`CallToNumberType`: Primary, Alternate1–10, BroadWorks Mobility)
    #[serde(rename = "type")]
    pub number_type: String,
    /// number? (`DN`; used only for BroadWorks Mobility)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// extension? (not used by the forwarding commands)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

impl CallToNumber {
    /// Writes it as `callToNumber` (requests and replies alike).
    pub fn write_xml(&self, x: &mut XmlOut) {
        x.open("callToNumber")
            .text("type", &self.number_type)
            .opt("number", self.number.as_deref())
            .opt("extension", self.extension.as_deref())
            .close("callToNumber");
    }
}

/// The `CallToNumberType` values.
pub const CALL_TO_NUMBER_TYPES: &[&str] = &[
    "Primary",
    "Alternate1",
    "Alternate2",
    "Alternate3",
    "Alternate4",
    "Alternate5",
    "Alternate6",
    "Alternate7",
    "Alternate8",
    "Alternate9",
    "Alternate10",
    "BroadWorks Mobility",
];

/// A Call Forwarding Selective criterion's settings: what
/// `UserCallForwardingSelectiveAddCriteriaRequest16` sends (with the defaults filled in) and
/// `UserCallForwardingSelectiveGetCriteriaResponse21` returns. Whether it is active is not
/// here: R25 sets it with `criteriaActivation` and shows it in the criteria table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CriteriaSettings {
    /// timeSchedule? (none: every day, all day)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_schedule: Option<ScheduleRef>,
    /// holidaySchedule?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday_schedule: Option<ScheduleRef>,
    /// forwardToNumberSelection (optional in an add: "Forward To Default Number")
    pub forward_to_number_selection: NumberSelection,
    /// forwardToPhoneNumber?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_to_phone_number: Option<String>,
    /// fromDnCriteria
    pub from_dn_criteria: FromDnCriteria,
    /// callToNumber*
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub call_to_numbers: Vec<CallToNumber>,
}

/// `UserCallForwardingSelectiveAddCriteriaRequest16`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriteriaAdd {
    /// userId
    pub user_id: String,
    /// criteriaName (1–50, unique per user)
    pub criteria_name: String,
    /// The settings; `forward_to_number_selection` is `None` when left out.
    pub time_schedule: Option<ScheduleRef>,
    /// holidaySchedule?
    pub holiday_schedule: Option<ScheduleRef>,
    /// forwardToNumberSelection?
    pub forward_to_number_selection: Option<NumberSelection>,
    /// forwardToPhoneNumber?
    pub forward_to_phone_number: Option<String>,
    /// fromDnCriteria
    pub from_dn_criteria: FromDnCriteria,
    /// callToNumber*
    pub call_to_numbers: Vec<CallToNumber>,
}

/// `UserCallForwardingSelectiveModifyCriteriaRequest`: elements left out keep their value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriteriaModify {
    /// userId
    pub user_id: String,
    /// criteriaName: the criterion changed
    pub criteria_name: String,
    /// newCriteriaName? (a rename)
    pub new_criteria_name: Option<String>,
    /// timeSchedule? (nillable)
    pub time_schedule: Change<ScheduleRef>,
    /// holidaySchedule? (nillable)
    pub holiday_schedule: Change<ScheduleRef>,
    /// forwardToNumberSelection?
    pub forward_to_number_selection: Option<NumberSelection>,
    /// forwardToPhoneNumber? (nillable)
    pub forward_to_phone_number: Change<String>,
    /// fromDnCriteria?
    pub from_dn_criteria: Option<FromDnCriteriaModify>,
    /// callToNumberList? (nillable: cleared)
    pub call_to_number_list: Change<Vec<CallToNumber>>,
}

/// One row of the `criteriaTable` of `UserCallForwardingSelectiveGetResponse16` (columns
/// "Is Active", "Criteria Name", "Time Schedule", "Calls From", "Forward To", "Blacklisted",
/// "Holiday Schedule", "Calls To Type", "Calls To Number", "Calls To Extension"). The cells
/// other than the name and the booleans are display text; the criterion's settings are read
/// with `UserCallForwardingSelectiveGetCriteriaRequest21`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CriteriaRow {
    /// "Is Active"
    pub is_active: bool,
    /// "Criteria Name"
    pub name: String,
    /// "Time Schedule" (display text)
    pub time_schedule: String,
    /// "Calls From" (display text)
    pub calls_from: String,
    /// "Forward To" (display text)
    pub forward_to: String,
    /// "Blacklisted" (true for a "Do not forward" criterion)
    pub blacklisted: bool,
    /// "Holiday Schedule" (display text)
    pub holiday_schedule: String,
    /// "Calls To Type" (comma separated)
    pub calls_to_type: String,
    /// "Calls To Number" (comma separated)
    pub calls_to_number: String,
    /// "Calls To Extension" (comma separated)
    pub calls_to_extension: String,
}

/// `UserCallForwardingSelectiveGetResponse16`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelectiveSettings {
    /// isActive
    pub is_active: bool,
    /// defaultForwardToPhoneNumber?
    pub default_forward_to_phone_number: Option<String>,
    /// playRingReminder
    pub play_ring_reminder: bool,
    /// criteriaTable rows, in the order the criteria were added.
    pub criteria: Vec<CriteriaRow>,
}

/// `UserCallForwardingSelectiveModifyRequest`: elements left out keep their value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectiveModify {
    /// userId
    pub user_id: String,
    /// isActive?
    pub is_active: Option<bool>,
    /// defaultForwardToPhoneNumber? (nillable)
    pub default_forward_to_phone_number: Change<String>,
    /// playRingReminder?
    pub play_ring_reminder: Option<bool>,
    /// criteriaActivation*: (criteriaName, isActive)
    pub criteria_activation: Vec<(String, bool)>,
}

/// `GroupDirectoryNumberHuntingGetResponse17sp1`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DnhSettings {
    /// agentUserTable (columns as `GroupHuntGroupGetAvailableUserListResponse`'s userTable)
    pub agents: Vec<UserRow>,
    /// useTerminateCallToAgentFirst
    pub use_terminate_call_to_agent_first: bool,
    /// useOriginalAgentServicesForBusyAndNoAnswerCalls
    pub use_original_agent_services_for_busy_and_no_answer_calls: bool,
}

/// `GroupDirectoryNumberHuntingModifyRequest`: elements left out keep their value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnhModify {
    /// serviceUserId (the hunt group)
    pub service_user_id: String,
    /// agentUserIdList? (`ReplacementUserIdList`, nillable: no agents)
    pub agent_user_ids: Change<Vec<String>>,
    /// useTerminateCallToAgentFirst?
    pub use_terminate_call_to_agent_first: Option<bool>,
    /// useOriginalAgentServicesForBusyAndNoAnswerCalls?
    pub use_original_agent_services_for_busy_and_no_answer_calls: Option<bool>,
}

/// A row of `userServicesAssignmentTable` ("Service Name", "Assigned").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceAssignment {
    /// "Service Name"
    pub name: String,
    /// "Assigned"
    pub assigned: bool,
}

/// A row of `servicePacksAssignmentTable` ("Service Pack Name", "Assigned", "Description").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServicePackAssignment {
    /// "Service Pack Name"
    pub name: String,
    /// "Assigned"
    pub assigned: bool,
    /// "Description"
    pub description: String,
}

/// `UserServiceGetAssignmentListResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignments {
    /// servicePacksAssignmentTable
    pub service_packs: Vec<ServicePackAssignment>,
    /// userServicesAssignmentTable: the services the user may have, assigned or not.
    pub user_services: Vec<ServiceAssignment>,
}

impl Assignments {
    /// The names of the assigned user services.
    pub fn assigned(&self) -> impl Iterator<Item = &str> {
        self.user_services
            .iter()
            .filter(|s| s.assigned)
            .map(|s| s.name.as_str())
    }
}

/// The columns the user and group service authorization tables share ("Service Name",
/// "Authorized", "Assigned", "Limited", "Quantity", "Usage", "Licensed", "Allowed", in that
/// order, first in both). Cells the sandbox has no model for are kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceAuthorization {
    /// "Service Name"
    pub name: String,
    /// "Authorized"
    pub authorized: bool,
    /// "Assigned"
    pub assigned: bool,
    /// "Limited" ("Unlimited" or "Limited")
    pub limited: String,
    /// "Quantity"
    pub quantity: String,
    /// "Usage"
    pub usage: String,
    /// "Licensed"
    pub licensed: bool,
    /// "Allowed"
    pub allowed: String,
}

/// The headings [`ServiceAuthorization`] holds, in R25's order.
pub const SERVICE_AUTHORIZATION_COLUMNS: [&str; 8] = [
    "Service Name",
    "Authorized",
    "Assigned",
    "Limited",
    "Quantity",
    "Usage",
    "Licensed",
    "Allowed",
];

/// A row of `userServicesAuthorizationTable`: the shared columns, then "User Assignable" and
/// "Group Service Assignable".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserServiceAuthorization {
    /// The shared columns.
    pub service: ServiceAuthorization,
    /// "User Assignable"
    pub user_assignable: bool,
    /// "Group Service Assignable": whether it can be assigned to a group service's virtual
    /// user, such as a hunt group's.
    pub group_service_assignable: bool,
}

/// A row of `groupServicesAuthorizationTable`: the shared columns, then "Instance Count".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupServiceAuthorization {
    /// The shared columns.
    pub service: ServiceAuthorization,
    /// "Instance Count"
    pub instance_count: String,
}

/// `GroupServiceGetAuthorizationListResponse` (the service pack table is always empty here).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authorizations {
    /// groupServicesAuthorizationTable
    pub group_services: Vec<GroupServiceAuthorization>,
    /// userServicesAuthorizationTable
    pub user_services: Vec<UserServiceAuthorization>,
}

impl Authorizations {
    /// The names of the user services the group is authorized for.
    pub fn authorized_user_services(&self) -> impl Iterator<Item = &str> {
        self.user_services
            .iter()
            .filter(|s| s.service.authorized)
            .map(|s| s.service.name.as_str())
    }
}

/// `CallForwardingService`: the forwarding services a group's settings list can be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ForwardingService {
    /// Call Forwarding Always.
    Always,
    /// Call Forwarding Always Secondary.
    AlwaysSecondary,
    /// Call Forwarding Busy.
    Busy,
    /// Call Forwarding No Answer.
    NoAnswer,
    /// Call Forwarding Not Reachable.
    NotReachable,
    /// Call Forwarding Selective (the list gives its default forwarding address).
    Selective,
}

impl ForwardingService {
    /// Every value, in the schema's order.
    pub const ALL: [ForwardingService; 6] = [
        ForwardingService::Always,
        ForwardingService::AlwaysSecondary,
        ForwardingService::Busy,
        ForwardingService::NoAnswer,
        ForwardingService::NotReachable,
        ForwardingService::Selective,
    ];

    /// The enumeration value (also the `UserService` name).
    pub fn as_str(self) -> &'static str {
        match self {
            ForwardingService::Always => service::CALL_FORWARDING_ALWAYS,
            ForwardingService::AlwaysSecondary => "Call Forwarding Always Secondary",
            ForwardingService::Busy => service::CALL_FORWARDING_BUSY,
            ForwardingService::NoAnswer => "Call Forwarding No Answer",
            ForwardingService::NotReachable => service::CALL_FORWARDING_NOT_REACHABLE,
            ForwardingService::Selective => service::CALL_FORWARDING_SELECTIVE,
        }
    }

    /// The value named `s`, if it is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The simple forwarding service it is (Always, Busy, Not Reachable), if it is one.
    pub fn kind(self) -> Option<ForwardingKind> {
        ForwardingKind::ALL
            .into_iter()
            .find(|k| ForwardingService::from(*k) == self)
    }
}

impl From<ForwardingKind> for ForwardingService {
    fn from(k: ForwardingKind) -> Self {
        match k {
            ForwardingKind::Always => ForwardingService::Always,
            ForwardingKind::Busy => ForwardingService::Busy,
            ForwardingKind::NotReachable => ForwardingService::NotReachable,
        }
    }
}

/// The column a group's forwarding settings list is sorted by (the request's required choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardingListSortKey {
    /// `sortByUserLastName`
    LastName,
    /// `sortByUserFirstName`
    FirstName,
    /// `sortByUserDepartment`
    Department,
    /// `sortByDn`
    Dn,
    /// `sortByExtension`
    Extension,
    /// `sortByForwardedToNumber`
    ForwardedToNumber,
}

impl ForwardingListSortKey {
    /// Every key with its element name, in the schema's order.
    pub const ALL: [(ForwardingListSortKey, &'static str); 6] = [
        (ForwardingListSortKey::LastName, "sortByUserLastName"),
        (ForwardingListSortKey::FirstName, "sortByUserFirstName"),
        (ForwardingListSortKey::Department, "sortByUserDepartment"),
        (ForwardingListSortKey::Dn, "sortByDn"),
        (ForwardingListSortKey::Extension, "sortByExtension"),
        (
            ForwardingListSortKey::ForwardedToNumber,
            "sortByForwardedToNumber",
        ),
    ];

    /// The element name of the choice.
    pub fn element(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("sortByUserLastName", |(_, e)| e)
    }
}

/// `SortCriteria`: a key with its direction and case sensitivity (both default to true).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForwardingListSort {
    /// Which column.
    pub key: ForwardingListSortKey,
    /// isAscending
    pub is_ascending: bool,
    /// isCaseSensitive
    pub is_case_sensitive: bool,
}

/// `SearchMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    /// "Starts With"
    StartsWith,
    /// "Contains"
    Contains,
    /// "Equal To"
    EqualTo,
}

impl SearchMode {
    /// Every mode with its enumeration value.
    pub const ALL: [(SearchMode, &'static str); 3] = [
        (SearchMode::StartsWith, "Starts With"),
        (SearchMode::Contains, "Contains"),
        (SearchMode::EqualTo, "Equal To"),
    ];

    /// The enumeration value.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(m, _)| *m == self)
            .map_or("Equal To", |(_, s)| s)
    }

    /// True when `cell` matches `value` in this mode.
    pub fn matches(self, cell: &str, value: &str, case_insensitive: bool) -> bool {
        let (c, v) = if case_insensitive {
            (cell.to_lowercase(), value.to_lowercase())
        } else {
            (cell.to_string(), value.to_string())
        };
        match self {
            SearchMode::StartsWith => c.starts_with(&v),
            SearchMode::Contains => c.contains(&v),
            SearchMode::EqualTo => c == v,
        }
    }
}

/// The column a string search criterion of the forwarding settings list looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardingListColumn {
    /// `searchCriteriaUserLastName`
    LastName,
    /// `searchCriteriaUserFirstName`
    FirstName,
    /// `searchCriteriaUserId`
    UserId,
    /// `searchCriteriaDn`
    Dn,
    /// `searchCriteriaExtension`
    Extension,
    /// `searchCriteriaEmailAddress`
    EmailAddress,
    /// `searchCriteriaForwardedToNumber`
    ForwardedToNumber,
}

impl ForwardingListColumn {
    /// Every string criterion with its element name, in the schema's order.
    pub const ALL: [(ForwardingListColumn, &'static str); 7] = [
        (ForwardingListColumn::LastName, "searchCriteriaUserLastName"),
        (
            ForwardingListColumn::FirstName,
            "searchCriteriaUserFirstName",
        ),
        (ForwardingListColumn::UserId, "searchCriteriaUserId"),
        (ForwardingListColumn::Dn, "searchCriteriaDn"),
        (ForwardingListColumn::Extension, "searchCriteriaExtension"),
        (
            ForwardingListColumn::EmailAddress,
            "searchCriteriaEmailAddress",
        ),
        (
            ForwardingListColumn::ForwardedToNumber,
            "searchCriteriaForwardedToNumber",
        ),
    ];

    /// The element name of the criterion.
    pub fn element(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(c, _)| *c == self)
            .map_or("searchCriteriaUserId", |(_, e)| e)
    }
}

/// One string search criterion: rows whose column matches are kept (all criteria must match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingListSearch {
    /// The column.
    pub column: ForwardingListColumn,
    /// mode
    pub mode: SearchMode,
    /// value
    pub value: String,
    /// isCaseInsensitive
    pub is_case_insensitive: bool,
}

/// `GroupUserCallForwardingSettingsGetListRequest`: one read for the settings of a forwarding
/// service of every user of a group that has it assigned, hunt groups' users included with
/// `includeVirtualUsers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingListQuery {
    /// serviceProviderId
    pub service_provider_id: String,
    /// groupId
    pub group_id: String,
    /// callForwardingService
    pub service: ForwardingService,
    /// responsePagingControl/responseStartIndex (1-based)
    pub start_index: u32,
    /// responsePagingControl/responsePageSize (1–2000)
    pub page_size: u32,
    /// The sort choice.
    pub sort: ForwardingListSort,
    /// includeVirtualUsers (fixed true when present; absent: ordinary users only)
    pub include_virtual_users: bool,
    /// The string search criteria, in the schema's order.
    pub search: Vec<ForwardingListSearch>,
    /// searchCriteriaExactUserDepartment: the department's name (its key's level is not
    /// compared).
    pub exact_department: Option<String>,
    /// searchCriteriaExactUserInTrunkGroup
    pub exact_in_trunk_group: Option<bool>,
}

/// The largest `responsePageSize` R25 allows.
pub const MAX_PAGE_SIZE: u32 = 2000;

/// A row of `userCallForwardingTable` ("User Id", "Last Name", "First Name",
/// "Hiragana Last Name", "Hiragana First Name", "Phone Number", "Extension", "Department",
/// "In Trunk Group", "Email Address", "Is Active", "Forwarding Address").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardingListRow {
    /// The user columns ("Phone Number" in E.164, "In Trunk Group" as sent).
    pub user: UserRow,
    /// "Is Active"
    pub is_active: bool,
    /// "Forwarding Address" (for Selective, its default forwarding address); empty when none.
    pub forwarding_address: String,
}

/// The headings of `userListTable` of `GroupGetUserServiceAssignedUserListResponse`, in
/// R25's order (not the order of the other user tables).
pub const ASSIGNED_USER_COLUMNS: &[&str] = &[
    "User Id",
    "Last Name",
    "First Name",
    "Department",
    "Phone Number",
    "Email Address",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Extension",
];

/// The headings of `userCallForwardingTable`, in R25's order.
pub const FORWARDING_LIST_COLUMNS: &[&str] = &[
    "User Id",
    "Last Name",
    "First Name",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Phone Number",
    "Extension",
    "Department",
    "In Trunk Group",
    "Email Address",
    "Is Active",
    "Forwarding Address",
];

/// The commands of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceRequest {
    /// `UserServiceGetAssignmentListRequest`.
    GetAssignments {
        /// userId
        user_id: String,
    },
    /// `UserServiceAssignListRequest` (service packs are not modelled).
    Assign {
        /// userId
        user_id: String,
        /// serviceName*
        services: Vec<String>,
    },
    /// `UserServiceUnassignListRequest`.
    Unassign {
        /// userId
        user_id: String,
        /// serviceName*
        services: Vec<String>,
    },
    /// `UserServiceAssignListRequest` / `UserServiceUnassignListRequest` naming service packs
    /// (with or without services): the sandbox has no service packs, so it refuses these.
    ServicePacks {
        /// userId
        user_id: String,
        /// serviceName*
        services: Vec<String>,
        /// servicePackName*
        packs: Vec<String>,
        /// An unassign rather than an assign.
        unassign: bool,
    },
    /// `UserCallForwarding{Always,Busy,NotReachable}GetRequest`.
    GetForwarding {
        /// userId
        user_id: String,
        /// Which service.
        kind: ForwardingKind,
    },
    /// `UserCallForwarding{Always,Busy,NotReachable}ModifyRequest`.
    ModifyForwarding(ForwardingModify),
    /// `UserCallForwardingSelectiveGetRequest16`.
    GetSelective {
        /// userId
        user_id: String,
    },
    /// `UserCallForwardingSelectiveModifyRequest`.
    ModifySelective(SelectiveModify),
    /// `UserCallForwardingSelectiveGetCriteriaRequest21`.
    GetCriteria {
        /// userId
        user_id: String,
        /// criteriaName
        criteria_name: String,
    },
    /// `UserCallForwardingSelectiveAddCriteriaRequest16`.
    AddCriteria(CriteriaAdd),
    /// `UserCallForwardingSelectiveModifyCriteriaRequest`.
    ModifyCriteria(CriteriaModify),
    /// `UserCallForwardingSelectiveDeleteCriteriaRequest`.
    DeleteCriteria {
        /// userId
        user_id: String,
        /// criteriaName
        criteria_name: String,
    },
    /// `GroupDirectoryNumberHuntingGetRequest17sp1`.
    GetDnh {
        /// serviceUserId (the hunt group)
        service_user_id: String,
    },
    /// `GroupDirectoryNumberHuntingModifyRequest`.
    ModifyDnh(DnhModify),
    /// `GroupDirectoryNumberHuntingGetAvailableUserListRequest`: the hunt group's agents not
    /// in another hunt group's directory number hunting.
    DnhAvailableUsers {
        /// serviceUserId (the hunt group)
        service_user_id: String,
    },
    /// `GroupServiceGetAuthorizationListRequest`.
    GetAuthorizations {
        /// serviceProviderId
        service_provider_id: String,
        /// groupId
        group_id: String,
    },
    /// `UserScheduleGetListRequest17sp1`: the schedules the user can see, at every level.
    UserSchedules {
        /// userId
        user_id: String,
        /// scheduleType? (a filter)
        schedule_type: Option<ScheduleType>,
    },
    /// `GroupUserCallForwardingSettingsGetListRequest`.
    ForwardingList(ForwardingListQuery),
    /// `GroupGetUserServiceAssignedUserListRequest`: the group's users (hunt groups' users
    /// among them) that have a user service, or a service pack, assigned.
    AssignedUsers {
        /// serviceProviderId
        service_provider_id: String,
        /// groupId
        group_id: String,
        /// serviceName, or servicePackName with `pack`.
        name: String,
        /// The choice's servicePackName rather than serviceName.
        pack: bool,
    },
    /// `GroupScheduleGetListRequest17sp1`: the group's and its enterprise's schedules.
    GroupSchedules {
        /// serviceProviderId
        service_provider_id: String,
        /// groupId
        group_id: String,
        /// scheduleType? (a filter)
        schedule_type: Option<ScheduleType>,
    },
}

impl ServiceRequest {
    /// The `xsi:type` of the command element.
    pub fn type_name(&self) -> &'static str {
        match self {
            ServiceRequest::GetAssignments { .. } => "UserServiceGetAssignmentListRequest",
            ServiceRequest::Assign { .. } => "UserServiceAssignListRequest",
            ServiceRequest::Unassign { .. } => "UserServiceUnassignListRequest",
            ServiceRequest::ServicePacks {
                unassign: false, ..
            } => "UserServiceAssignListRequest",
            ServiceRequest::ServicePacks { unassign: true, .. } => "UserServiceUnassignListRequest",
            ServiceRequest::GetForwarding { kind, .. } => kind.get_request(),
            ServiceRequest::ModifyForwarding(m) => m.kind.modify_request(),
            ServiceRequest::GetSelective { .. } => "UserCallForwardingSelectiveGetRequest16",
            ServiceRequest::ModifySelective(_) => "UserCallForwardingSelectiveModifyRequest",
            ServiceRequest::GetCriteria { .. } => "UserCallForwardingSelectiveGetCriteriaRequest21",
            ServiceRequest::AddCriteria(_) => "UserCallForwardingSelectiveAddCriteriaRequest16",
            ServiceRequest::ModifyCriteria(_) => "UserCallForwardingSelectiveModifyCriteriaRequest",
            ServiceRequest::DeleteCriteria { .. } => {
                "UserCallForwardingSelectiveDeleteCriteriaRequest"
            }
            ServiceRequest::GetDnh { .. } => "GroupDirectoryNumberHuntingGetRequest17sp1",
            ServiceRequest::ModifyDnh(_) => "GroupDirectoryNumberHuntingModifyRequest",
            ServiceRequest::DnhAvailableUsers { .. } => {
                "GroupDirectoryNumberHuntingGetAvailableUserListRequest"
            }
            ServiceRequest::GetAuthorizations { .. } => "GroupServiceGetAuthorizationListRequest",
            ServiceRequest::UserSchedules { .. } => "UserScheduleGetListRequest17sp1",
            ServiceRequest::GroupSchedules { .. } => "GroupScheduleGetListRequest17sp1",
            ServiceRequest::ForwardingList(_) => "GroupUserCallForwardingSettingsGetListRequest",
            ServiceRequest::AssignedUsers { .. } => "GroupGetUserServiceAssignedUserListRequest",
        }
    }

    /// True for commands that change server state.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            ServiceRequest::Assign { .. }
                | ServiceRequest::Unassign { .. }
                | ServiceRequest::ServicePacks { .. }
                | ServiceRequest::ModifyForwarding(_)
                | ServiceRequest::ModifySelective(_)
                | ServiceRequest::AddCriteria(_)
                | ServiceRequest::ModifyCriteria(_)
                | ServiceRequest::DeleteCriteria { .. }
                | ServiceRequest::ModifyDnh(_)
        )
    }

    /// The user (or hunt group) the command is about, when it is about one.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            ServiceRequest::GetAssignments { user_id }
            | ServiceRequest::Assign { user_id, .. }
            | ServiceRequest::Unassign { user_id, .. }
            | ServiceRequest::ServicePacks { user_id, .. }
            | ServiceRequest::GetForwarding { user_id, .. }
            | ServiceRequest::GetSelective { user_id }
            | ServiceRequest::GetCriteria { user_id, .. }
            | ServiceRequest::DeleteCriteria { user_id, .. }
            | ServiceRequest::UserSchedules { user_id, .. } => Some(user_id),
            ServiceRequest::ModifyForwarding(m) => Some(&m.user_id),
            ServiceRequest::ModifySelective(m) => Some(&m.user_id),
            ServiceRequest::AddCriteria(a) => Some(&a.user_id),
            ServiceRequest::ModifyCriteria(m) => Some(&m.user_id),
            ServiceRequest::GetDnh { service_user_id }
            | ServiceRequest::DnhAvailableUsers { service_user_id } => Some(service_user_id),
            ServiceRequest::ModifyDnh(m) => Some(&m.service_user_id),
            ServiceRequest::GetAuthorizations { .. }
            | ServiceRequest::GroupSchedules { .. }
            | ServiceRequest::ForwardingList(_)
            | ServiceRequest::AssignedUsers { .. } => None,
        }
    }
}

/// The data responses of this module's commands (writes answer `SuccessResponse`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceResponse {
    /// `UserServiceGetAssignmentListResponse`.
    Assignments(Assignments),
    /// `UserCallForwarding{Always,Busy,NotReachable}GetResponse`.
    Forwarding(ForwardingKind, ForwardingSettings),
    /// `UserCallForwardingSelectiveGetResponse16`.
    Selective(SelectiveSettings),
    /// `UserCallForwardingSelectiveGetCriteriaResponse21`.
    Criteria(CriteriaSettings),
    /// `GroupDirectoryNumberHuntingGetResponse17sp1`.
    Dnh(DnhSettings),
    /// `GroupDirectoryNumberHuntingGetAvailableUserListResponse`.
    DnhAvailableUsers(Vec<UserRow>),
    /// `GroupServiceGetAuthorizationListResponse`.
    Authorizations(Authorizations),
    /// `UserScheduleGetListResponse17sp1`.
    UserSchedules(Vec<ScheduleGlobalKey>),
    /// `GroupScheduleGetListResponse17sp1`.
    GroupSchedules(Vec<ScheduleGlobalKey>),
    /// `GroupUserCallForwardingSettingsGetListResponse`: one page.
    ForwardingList(Vec<ForwardingListRow>),
    /// `GroupGetUserServiceAssignedUserListResponse`: `userListTable`.
    AssignedUsers(Vec<UserRow>),
}

impl ServiceResponse {
    /// The `xsi:type` of the command element.
    pub fn type_name(&self) -> &'static str {
        match self {
            ServiceResponse::Assignments(_) => "UserServiceGetAssignmentListResponse",
            ServiceResponse::Forwarding(kind, _) => kind.get_response(),
            ServiceResponse::Selective(_) => "UserCallForwardingSelectiveGetResponse16",
            ServiceResponse::Criteria(_) => "UserCallForwardingSelectiveGetCriteriaResponse21",
            ServiceResponse::Dnh(_) => "GroupDirectoryNumberHuntingGetResponse17sp1",
            ServiceResponse::DnhAvailableUsers(_) => {
                "GroupDirectoryNumberHuntingGetAvailableUserListResponse"
            }
            ServiceResponse::Authorizations(_) => "GroupServiceGetAuthorizationListResponse",
            ServiceResponse::UserSchedules(_) => "UserScheduleGetListResponse17sp1",
            ServiceResponse::GroupSchedules(_) => "GroupScheduleGetListResponse17sp1",
            ServiceResponse::ForwardingList(_) => "GroupUserCallForwardingSettingsGetListResponse",
            ServiceResponse::AssignedUsers(_) => "GroupGetUserServiceAssignedUserListResponse",
        }
    }
}
