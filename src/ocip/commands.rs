//! Typed OCI-P commands and responses for hunt groups and login.
//!
//! These are plain data shared by the client (which writes requests and reads responses) and
//! the sandbox (which reads requests and writes responses). The wire format lives in the codec.

use crate::model::{Policy, Secret};

/// The three logout reasons the schema allows.
pub const LOGOUT_REASON_CLIENT: &str = "Client Logout";

/// One OCI-P request command.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `AuthenticationRequest`: asks for a nonce (plain TCP login flow).
    Authentication {
        /// Administrator user id.
        user_id: String,
    },
    /// `LoginRequest14sp4` with `hex(md5(nonce ":" hex(sha1(password))))`.
    Login14sp4 {
        /// Administrator user id.
        user_id: String,
        /// The signed password (a secret too: never logged).
        signed_password: Secret,
    },
    /// `LoginRequest22V5` with the plain password (TLS / HTTPS only).
    Login22V5 {
        /// Administrator user id.
        user_id: String,
        /// The password.
        password: Secret,
    },
    /// `LogoutRequest`.
    Logout {
        /// Administrator user id.
        user_id: String,
        /// One of the three allowed reasons, or none.
        reason: Option<String>,
    },
    /// `GroupHuntGroupGetInstanceListRequest`.
    GetInstanceList {
        /// Service provider id.
        service_provider_id: String,
        /// Group id.
        group_id: String,
    },
    /// `GroupHuntGroupGetInstanceRequest20`.
    GetInstance {
        /// The hunt group's user id.
        service_user_id: String,
    },
    /// `GroupHuntGroupAddInstanceRequest20`.
    AddInstance(Box<AddInstance>),
    /// `GroupHuntGroupModifyInstanceRequest`.
    ModifyInstance(Box<ModifyInstance>),
    /// `GroupHuntGroupModifyInstanceWeightedCallDistributionRequest`.
    ModifyWeights {
        /// The hunt group's user id.
        service_user_id: String,
        /// (agentUserId, weight 0–100); agents left out get weight 0.
        weights: Vec<(String, u8)>,
    },
    /// `GroupHuntGroupDeleteInstanceRequest`.
    DeleteInstance {
        /// The hunt group's user id.
        service_user_id: String,
    },
    /// `GroupGetListInServiceProviderRequest` (only serviceProviderId is sent).
    GroupList {
        /// Service provider id.
        service_provider_id: String,
    },
    /// `GroupHuntGroupGetAvailableUserListRequest` (no search criteria sent): the users that
    /// can be agents of the group's hunt groups.
    AvailableUsers {
        /// Service provider id.
        service_provider_id: String,
        /// Group id.
        group_id: String,
    },
    /// `GroupDnGetAvailableListRequest`: the group's numbers not assigned to anyone yet.
    AvailableDns {
        /// Service provider id.
        service_provider_id: String,
        /// Group id.
        group_id: String,
    },
    /// `UserGetListInGroupRequest` (no search criteria sent). R25 spells its group element
    /// `GroupId`, capital G; the codec writes it so.
    UsersInGroup {
        /// Service provider id.
        service_provider_id: String,
        /// Group id.
        group_id: String,
    },
    /// `GroupHuntGroupModifyActiveInstanceListRequest`: sets whether each hunt group takes
    /// calls, several hunt groups in one command.
    ModifyActiveList {
        /// (serviceUserId, isActive), in the order sent.
        activations: Vec<(String, bool)>,
    },
    /// `GroupDepartmentGetListRequest18`: the group's departments, and with
    /// `include_enterprise` those of its enterprise too.
    DepartmentList {
        /// Service provider id.
        service_provider_id: String,
        /// Group id.
        group_id: String,
        /// includeEnterpriseDepartments.
        include_enterprise: bool,
    },
}

impl Request {
    /// The `xsi:type` of the command element.
    pub fn type_name(&self) -> &'static str {
        match self {
            Request::Authentication { .. } => "AuthenticationRequest",
            Request::Login14sp4 { .. } => "LoginRequest14sp4",
            Request::Login22V5 { .. } => "LoginRequest22V5",
            Request::Logout { .. } => "LogoutRequest",
            Request::GetInstanceList { .. } => "GroupHuntGroupGetInstanceListRequest",
            Request::GetInstance { .. } => "GroupHuntGroupGetInstanceRequest20",
            Request::AddInstance(_) => "GroupHuntGroupAddInstanceRequest20",
            Request::ModifyInstance(_) => "GroupHuntGroupModifyInstanceRequest",
            Request::ModifyWeights { .. } => {
                "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest"
            }
            Request::DeleteInstance { .. } => "GroupHuntGroupDeleteInstanceRequest",
            Request::GroupList { .. } => "GroupGetListInServiceProviderRequest",
            Request::AvailableUsers { .. } => "GroupHuntGroupGetAvailableUserListRequest",
            Request::AvailableDns { .. } => "GroupDnGetAvailableListRequest",
            Request::UsersInGroup { .. } => "UserGetListInGroupRequest",
            Request::ModifyActiveList { .. } => "GroupHuntGroupModifyActiveInstanceListRequest",
            Request::DepartmentList { .. } => "GroupDepartmentGetListRequest18",
        }
    }

    /// True for commands that change server state (never retried blindly).
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Request::AddInstance(_)
                | Request::ModifyInstance(_)
                | Request::ModifyWeights { .. }
                | Request::DeleteInstance { .. }
                | Request::ModifyActiveList { .. }
        )
    }
}

/// `GroupDepartmentKey` (the only department key a hunt group of a group uses here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentKey {
    /// Service provider id.
    pub service_provider_id: String,
    /// Group id.
    pub group_id: String,
    /// Department name, 1–50.
    pub name: String,
}

/// `ServiceInstanceAddProfile`, in schema order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AddProfile {
    /// name
    pub name: String,
    /// callingLineIdLastName
    pub calling_line_id_last_name: String,
    /// callingLineIdFirstName
    pub calling_line_id_first_name: String,
    /// hiraganaLastName?
    pub hiragana_last_name: Option<String>,
    /// hiraganaFirstName?
    pub hiragana_first_name: Option<String>,
    /// phoneNumber?
    pub phone_number: Option<String>,
    /// extension?
    pub extension: Option<String>,
    /// password?
    pub password: Option<Secret>,
    /// department?
    pub department: Option<DepartmentKey>,
    /// language?
    pub language: Option<String>,
    /// timeZone?
    pub time_zone: Option<String>,
    /// alias{0,3}
    pub alias: Vec<String>,
    /// publicUserIdentity?
    pub public_user_identity: Option<String>,
    /// callingLineIdPhoneNumber?
    pub calling_line_id_phone_number: Option<String>,
}

/// `GroupHuntGroupAddInstanceRequest20`, in schema order.
#[derive(Debug, Clone, PartialEq)]
pub struct AddInstance {
    /// serviceProviderId
    pub service_provider_id: String,
    /// groupId
    pub group_id: String,
    /// serviceUserId
    pub service_user_id: String,
    /// serviceInstanceProfile
    pub profile: AddProfile,
    /// policy
    pub policy: Policy,
    /// huntAfterNoAnswer
    pub hunt_after_no_answer: bool,
    /// noAnswerNumberOfRings
    pub no_answer_number_of_rings: u32,
    /// forwardAfterTimeout
    pub forward_after_timeout: bool,
    /// forwardTimeoutSeconds
    pub forward_timeout_seconds: u32,
    /// forwardToPhoneNumber?
    pub forward_to_phone_number: Option<String>,
    /// agentUserId*
    pub agent_user_ids: Vec<String>,
    /// allowCallWaitingForAgents
    pub allow_call_waiting_for_agents: bool,
    /// useSystemHuntGroupCLIDSetting
    pub use_system_hunt_group_clid_setting: bool,
    /// includeHuntGroupNameInCLID
    pub include_hunt_group_name_in_clid: bool,
    /// enableNotReachableForwarding
    pub enable_not_reachable_forwarding: bool,
    /// notReachableForwardToPhoneNumber?
    pub not_reachable_forward_to_phone_number: Option<String>,
    /// makeBusyWhenNotReachable
    pub make_busy_when_not_reachable: bool,
    /// allowMembersToControlGroupBusy
    pub allow_members_to_control_group_busy: bool,
    /// enableGroupBusy
    pub enable_group_busy: bool,
    /// applyGroupBusyWhenTerminatingToAgent
    pub apply_group_busy_when_terminating_to_agent: bool,
    /// networkClassOfService?
    pub network_class_of_service: Option<String>,
}

/// A modify-request element: left out (unchanged), `xsi:nil` (cleared) or a new value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    /// Element absent: the server keeps its value.
    #[default]
    Keep,
    /// `xsi:nil="true"`: the server clears the value (only where the schema says nillable).
    Clear,
    /// The new value.
    Set(T),
}

impl<T> Change<T> {
    /// True when the element is left out.
    pub fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }
}

/// `ServiceInstanceModifyProfile`, in schema order. Non-nillable elements are `Option`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModifyProfile {
    /// name?
    pub name: Option<String>,
    /// callingLineIdLastName?
    pub calling_line_id_last_name: Option<String>,
    /// callingLineIdFirstName?
    pub calling_line_id_first_name: Option<String>,
    /// hiraganaLastName?
    pub hiragana_last_name: Option<String>,
    /// hiraganaFirstName?
    pub hiragana_first_name: Option<String>,
    /// phoneNumber? nillable
    pub phone_number: Change<String>,
    /// extension? nillable
    pub extension: Change<String>,
    /// password?
    pub password: Option<Secret>,
    /// department? nillable
    pub department: Change<DepartmentKey>,
    /// language?
    pub language: Option<String>,
    /// timeZone?
    pub time_zone: Option<String>,
    /// sipAliasList? nillable: `Set` replaces the whole list (1..3 sipAlias).
    pub sip_alias_list: Change<Vec<String>>,
    /// publicUserIdentity? nillable
    pub public_user_identity: Change<String>,
    /// callingLineIdPhoneNumber? nillable
    pub calling_line_id_phone_number: Change<String>,
}

impl ModifyProfile {
    /// True when no element would be written (the profile element is then left out).
    pub fn is_empty(&self) -> bool {
        *self == ModifyProfile::default()
    }
}

/// `GroupHuntGroupModifyInstanceRequest`, in schema order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModifyInstance {
    /// serviceUserId
    pub service_user_id: String,
    /// serviceInstanceProfile? (left out when empty)
    pub profile: ModifyProfile,
    /// policy?
    pub policy: Option<Policy>,
    /// huntAfterNoAnswer?
    pub hunt_after_no_answer: Option<bool>,
    /// noAnswerNumberOfRings?
    pub no_answer_number_of_rings: Option<u32>,
    /// forwardAfterTimeout?
    pub forward_after_timeout: Option<bool>,
    /// forwardTimeoutSeconds?
    pub forward_timeout_seconds: Option<u32>,
    /// forwardToPhoneNumber? nillable
    pub forward_to_phone_number: Change<String>,
    /// agentUserIdList? nillable: `Set` replaces the whole list.
    pub agent_user_id_list: Change<Vec<String>>,
    /// allowCallWaitingForAgents?
    pub allow_call_waiting_for_agents: Option<bool>,
    /// useSystemHuntGroupCLIDSetting?
    pub use_system_hunt_group_clid_setting: Option<bool>,
    /// includeHuntGroupNameInCLID?
    pub include_hunt_group_name_in_clid: Option<bool>,
    /// enableNotReachableForwarding?
    pub enable_not_reachable_forwarding: Option<bool>,
    /// notReachableForwardToPhoneNumber? nillable
    pub not_reachable_forward_to_phone_number: Change<String>,
    /// makeBusyWhenNotReachable?
    pub make_busy_when_not_reachable: Option<bool>,
    /// allowMembersToControlGroupBusy?
    pub allow_members_to_control_group_busy: Option<bool>,
    /// enableGroupBusy?
    pub enable_group_busy: Option<bool>,
    /// applyGroupBusyWhenTerminatingToAgent?
    pub apply_group_busy_when_terminating_to_agent: Option<bool>,
    /// networkClassOfService? (not nillable in R25: it cannot be cleared by a modify)
    pub network_class_of_service: Option<String>,
}

/// What `LoginResponse14sp4` / `LoginResponse22V5` tell about the session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoginInfo {
    /// loginType (System, Provisioning, ServiceProvider, Group, User).
    pub login_type: String,
    /// locale, e.g. en_US.
    pub locale: String,
    /// encoding the server prefers, e.g. ISO-8859-1.
    pub encoding: String,
    /// isEnterprise.
    pub is_enterprise: bool,
    /// passwordExpiresDays (14sp4; optional in 22V5).
    pub password_expires_days: Option<i64>,
    /// userDomain.
    pub user_domain: String,
}

/// One row of `huntGroupTable` (read by column heading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceListEntry {
    /// "Service User Id"
    pub service_user_id: String,
    /// "Name"
    pub name: String,
    /// "Phone Number" (empty when none)
    pub phone_number: String,
    /// "Extension"
    pub extension: String,
    /// "Department"
    pub department: String,
    /// "Is Active"
    pub is_active: bool,
    /// "Policy" (as sent; not parsed so an unknown value never fails a listing)
    pub policy: String,
}

// By hand: a row says a hunt group is active unless it says otherwise (the decoder reads a
// missing "Is Active" cell the same way), so a default row must not deactivate anything.
impl Default for InstanceListEntry {
    fn default() -> Self {
        InstanceListEntry {
            service_user_id: String::new(),
            name: String::new(),
            phone_number: String::new(),
            extension: String::new(),
            department: String::new(),
            is_active: true,
            policy: String::new(),
        }
    }
}

/// One row of `groupTable` in `GroupGetListInServiceProviderResponse` (read by column heading).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupListEntry {
    /// "Group Id"
    pub group_id: String,
    /// "Group Name" (empty when none)
    pub group_name: String,
    /// "User Limit" (None when empty or not a number: a listing never fails on it)
    pub user_limit: Option<u32>,
}

/// One row of a `userTable`: `GroupHuntGroupGetAvailableUserListResponse` (columns "User Id",
/// "Last Name", "First Name", "Hiragana Last Name", "Hiragana First Name", "Phone Number",
/// "Extension", "Department", "Email Address") or `UserGetListInGroupResponse` (those plus
/// "Phone Number Activated", "In Trunk Group", "Country Code", "National Prefix"). Read by column
/// heading; a column the response does not have reads as empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserRow {
    /// "User Id"
    pub user_id: String,
    /// "Last Name"
    pub last_name: String,
    /// "First Name"
    pub first_name: String,
    /// "Hiragana Last Name"
    pub hiragana_last_name: String,
    /// "Hiragana First Name"
    pub hiragana_first_name: String,
    /// "Phone Number" (empty when none)
    pub phone_number: String,
    /// "Extension" (empty when none)
    pub extension: String,
    /// "Department" (empty when none)
    pub department: String,
    /// "Email Address"
    pub email_address: String,
    /// "Phone Number Activated" (user list only; as sent)
    pub phone_number_activated: String,
    /// "In Trunk Group" (user list only; as sent)
    pub in_trunk_group: String,
    /// "Country Code" (user list only)
    pub country_code: String,
    /// "National Prefix" (user list only)
    pub national_prefix: String,
}

/// One row of `departmentTable` in `GroupDepartmentGetListResponse18` (read by column heading).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DepartmentRow {
    /// "Is Enterprise Department"
    pub is_enterprise: bool,
    /// "Department Name"
    pub name: String,
    /// "Full Path Name" (the name with its parent departments, as the server writes it)
    pub full_path_name: String,
    /// "Calling Line Id Name" (empty when none)
    pub calling_line_id_name: String,
    /// "Calling Line Id Phone Number" (empty when none)
    pub calling_line_id_phone_number: String,
}

/// One row of `agentUserTable` (read by column heading).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AgentRow {
    /// "User Id"
    pub user_id: String,
    /// "Last Name"
    pub last_name: String,
    /// "First Name"
    pub first_name: String,
    /// "Hiragana Last Name"
    pub hiragana_last_name: String,
    /// "Hiragana First Name"
    pub hiragana_first_name: String,
    /// "Weight" (0 when empty)
    pub weight: u8,
    /// "Phone Number"
    pub phone_number: String,
    /// "Extension"
    pub extension: String,
    /// "Department"
    pub department: String,
    /// "Email Address"
    pub email_address: String,
}

/// `ServiceInstanceReadProfile19sp1` (no password; adds countryCode etc.).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadProfile {
    /// name
    pub name: String,
    /// callingLineIdLastName
    pub calling_line_id_last_name: String,
    /// callingLineIdFirstName
    pub calling_line_id_first_name: String,
    /// hiraganaLastName?
    pub hiragana_last_name: Option<String>,
    /// hiraganaFirstName?
    pub hiragana_first_name: Option<String>,
    /// phoneNumber? (national form on real servers)
    pub phone_number: Option<String>,
    /// extension?
    pub extension: Option<String>,
    /// countryCode?
    pub country_code: Option<String>,
    /// nationalPrefix?
    pub national_prefix: Option<String>,
    /// department?
    pub department: Option<DepartmentKey>,
    /// language?
    pub language: Option<String>,
    /// timeZone?
    pub time_zone: Option<String>,
    /// timeZoneDisplayName?
    pub time_zone_display_name: Option<String>,
    /// alias{0,3}
    pub alias: Vec<String>,
    /// publicUserIdentity?
    pub public_user_identity: Option<String>,
    /// callingLineIdPhoneNumber?
    pub calling_line_id_phone_number: Option<String>,
}

/// `GroupHuntGroupGetInstanceResponse20`, in schema order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceDetails {
    /// serviceInstanceProfile
    pub profile: ReadProfile,
    /// policy
    pub policy: Policy,
    /// huntAfterNoAnswer
    pub hunt_after_no_answer: bool,
    /// noAnswerNumberOfRings
    pub no_answer_number_of_rings: u32,
    /// forwardAfterTimeout
    pub forward_after_timeout: bool,
    /// forwardTimeoutSeconds
    pub forward_timeout_seconds: u32,
    /// forwardToPhoneNumber?
    pub forward_to_phone_number: Option<String>,
    /// agentUserTable, rows in hunt order
    pub agents: Vec<AgentRow>,
    /// allowCallWaitingForAgents
    pub allow_call_waiting_for_agents: bool,
    /// useSystemHuntGroupCLIDSetting
    pub use_system_hunt_group_clid_setting: bool,
    /// includeHuntGroupNameInCLID
    pub include_hunt_group_name_in_clid: bool,
    /// enableNotReachableForwarding
    pub enable_not_reachable_forwarding: bool,
    /// notReachableForwardToPhoneNumber?
    pub not_reachable_forward_to_phone_number: Option<String>,
    /// makeBusyWhenNotReachable
    pub make_busy_when_not_reachable: bool,
    /// allowMembersToControlGroupBusy
    pub allow_members_to_control_group_busy: bool,
    /// enableGroupBusy
    pub enable_group_busy: bool,
    /// applyGroupBusyWhenTerminatingToAgent
    pub apply_group_busy_when_terminating_to_agent: bool,
    /// networkClassOfService?
    pub network_class_of_service: Option<String>,
}

/// An `ErrorResponse`, typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OciError {
    /// The code parsed from `[Error NNNN]` in the summary (or `errorCode` when sent).
    pub code: Option<u32>,
    /// summary
    pub summary: String,
    /// summaryEnglish
    pub summary_english: String,
    /// detail (often CDATA)
    pub detail: Option<String>,
}

impl std::fmt::Display for OciError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary)?;
        if let Some(d) = &self.detail {
            write!(f, " ({})", d.trim())?;
        }
        Ok(())
    }
}

/// One OCI-P response command.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// `AuthenticationResponse`.
    Authentication {
        /// userId
        user_id: String,
        /// nonce
        nonce: String,
        /// passwordAlgorithm (MD5)
        password_algorithm: String,
    },
    /// `LoginResponse14sp4`.
    Login14sp4(LoginInfo),
    /// `LoginResponse22V5`.
    Login22V5(LoginInfo),
    /// `c:SuccessResponse`.
    Success,
    /// `c:ErrorResponse`.
    Error(OciError),
    /// `GroupHuntGroupGetInstanceListResponse`.
    InstanceList(Vec<InstanceListEntry>),
    /// `GroupHuntGroupGetInstanceResponse20`.
    Instance(Box<InstanceDetails>),
    /// `GroupGetListInServiceProviderResponse`.
    GroupList(Vec<GroupListEntry>),
    /// `GroupHuntGroupGetAvailableUserListResponse`.
    AvailableUsers(Vec<UserRow>),
    /// `GroupDnGetAvailableListResponse`: the numbers, as the server wrote them.
    AvailableDns(Vec<String>),
    /// `UserGetListInGroupResponse`.
    UsersInGroup(Vec<UserRow>),
    /// `GroupDepartmentGetListResponse18`.
    DepartmentList(Vec<DepartmentRow>),
}

impl Response {
    /// The `xsi:type` of the command element (without the `c:` prefix).
    pub fn type_name(&self) -> &'static str {
        match self {
            Response::Authentication { .. } => "AuthenticationResponse",
            Response::Login14sp4(_) => "LoginResponse14sp4",
            Response::Login22V5(_) => "LoginResponse22V5",
            Response::Success => "SuccessResponse",
            Response::Error(_) => "ErrorResponse",
            Response::InstanceList(_) => "GroupHuntGroupGetInstanceListResponse",
            Response::Instance(_) => "GroupHuntGroupGetInstanceResponse20",
            Response::GroupList(_) => "GroupGetListInServiceProviderResponse",
            Response::AvailableUsers(_) => "GroupHuntGroupGetAvailableUserListResponse",
            Response::AvailableDns(_) => "GroupDnGetAvailableListResponse",
            Response::UsersInGroup(_) => "UserGetListInGroupResponse",
            Response::DepartmentList(_) => "GroupDepartmentGetListResponse18",
        }
    }
}
