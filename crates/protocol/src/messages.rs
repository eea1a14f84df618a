//! Typed OCI-P commands and responses for hunt groups and login.
//!
//! These are plain data shared by the client (which writes requests and reads responses) and
//! the sandbox (which reads requests and writes responses). The wire format lives in the codec.

use crate::model::table::{FieldDef, Value};
use crate::model::{Department, HuntGroup, Secret};
use crate::services::{ServiceRequest, ServiceResponse};
use crate::xml::XmlOut;

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
    /// `UserModifyUserIdRequest` (R25 `OCISchemaUser.xsd`): gives a real or virtual user (a
    /// hunt group) a new user id in place; everything it holds stays, the old id is free after.
    ModifyUserId {
        /// The user id now.
        user_id: String,
        /// The user id it gets.
        new_user_id: String,
    },
    /// A command about a hunt group's user services, forwarding, directory number hunting,
    /// or what pre-flights them (see [`crate::services`]).
    Service(Box<ServiceRequest>),
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
            Request::ModifyUserId { .. } => "UserModifyUserIdRequest",
            Request::Service(s) => s.type_name(),
        }
    }

    /// The one user (a hunt group, or the user of a service command) the command is about,
    /// when it is about one: what a fault rule aims at, what a write journals, what a
    /// pre-flight read's reply belongs to. An active-list request names many: none here.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Request::GetInstance { service_user_id }
            | Request::DeleteInstance { service_user_id }
            | Request::ModifyWeights {
                service_user_id, ..
            } => Some(service_user_id),
            Request::AddInstance(a) => Some(&a.hunt_group.service_user_id),
            Request::ModifyInstance(m) => Some(&m.service_user_id),
            Request::ModifyUserId { user_id, .. } => Some(user_id),
            Request::Service(s) => s.user_id(),
            _ => None,
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
                | Request::ModifyUserId { .. }
        ) || matches!(self, Request::Service(s) if s.is_write())
    }
}

/// A `DepartmentKey` as sent: `GroupDepartmentKey` (with a group id) or
/// `EnterpriseDepartmentKey` (without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentKey {
    /// Service provider id.
    pub service_provider_id: String,
    /// Group id; `None` for an enterprise department.
    pub group_id: Option<String>,
    /// Department name, 1–50.
    pub name: String,
}

impl DepartmentKey {
    /// Writes the key as element `name`. `DepartmentKey` is abstract in the schema, so the
    /// concrete type is named with `xsi:type`; requests and replies write it alike.
    pub fn write_xml(&self, x: &mut XmlOut, name: &str) {
        match &self.group_id {
            Some(g) => {
                x.open_with(name, "xsi:type=\"GroupDepartmentKey\"")
                    .text("serviceProviderId", &self.service_provider_id)
                    .text("groupId", g);
            }
            None => {
                x.open_with(name, "xsi:type=\"EnterpriseDepartmentKey\"")
                    .text("serviceProviderId", &self.service_provider_id);
            }
        }
        x.text("name", &self.name).close(name);
    }

    /// The key of a hunt group's department, in the hunt group's own enterprise and group.
    pub fn of(h: &HuntGroup, d: &Department) -> Self {
        DepartmentKey {
            service_provider_id: h.service_provider_id.clone(),
            group_id: (!d.enterprise).then(|| h.group_id.clone()),
            name: d.name.clone(),
        }
    }

    /// The department the key names, without its owner.
    pub fn department(&self) -> Department {
        Department {
            name: self.name.clone(),
            enterprise: self.group_id.is_none(),
        }
    }
}

/// `GroupHuntGroupAddInstanceRequest20`: a hunt group's key and every setting the table says the
/// instance commands carry, written in the table's (= the schema's) order. Unmanaged optional
/// fields are left out; on the server side, a left-out optional element reads as `Absent`.
#[derive(Debug, Clone, PartialEq)]
pub struct AddInstance {
    /// The hunt group; fields carried by other commands (isActive) are not sent.
    pub hunt_group: HuntGroup,
    /// The department key exactly as received (server side), for checking its owner; the
    /// client leaves it `None` and derives the key from the hunt group.
    pub department_key: Option<DepartmentKey>,
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

/// One changed setting of a modify.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The table row.
    pub field: &'static FieldDef,
    /// Cleared or set (never `Keep`: kept settings are simply not listed).
    pub change: Change<Value>,
}

/// `GroupHuntGroupModifyInstanceRequest`: the changed settings, in table (= schema) order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModifyInstance {
    /// serviceUserId
    pub service_user_id: String,
    /// The hunt group's enterprise and group, for a department key (never sent on their own).
    pub service_provider_id: String,
    /// See `service_provider_id`.
    pub group_id: String,
    /// The changed settings.
    pub settings: Vec<Setting>,
    /// The department key exactly as received (server side); see [`AddInstance`].
    pub department_key: Option<DepartmentKey>,
}

impl ModifyInstance {
    /// The change of one field, if listed.
    pub fn get(&self, field: &FieldDef) -> Option<&Change<Value>> {
        self.settings
            .iter()
            .find(|s| s.field.path == field.path)
            .map(|s| &s.change)
    }
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

/// The column headings of `agentUserTable` in `GroupHuntGroupGetInstanceResponse20` as R25
/// documents them for an Application Server (AS data mode), in R25's order: the ten every
/// server returns, then the nine only an AS returns (from "Is Phone Number Activated").
pub const AGENT_COLUMNS: [&str; 19] = [
    "User Id",
    "Last Name",
    "First Name",
    "Hiragana Last Name",
    "Hiragana First Name",
    "Weight",
    "Phone Number",
    "Extension",
    "Department",
    "Email Address",
    "Is Phone Number Activated",
    "Country Code",
    "National Prefix",
    "Department Name",
    "Department Type",
    "Parent Department",
    "Parent Department Type",
    "Group Id",
    "Group Name",
];

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
    /// "Is Phone Number Activated" (AS data mode; as sent)
    pub is_phone_number_activated: String,
    /// "Country Code" (AS data mode)
    pub country_code: String,
    /// "National Prefix" (AS data mode)
    pub national_prefix: String,
    /// "Department Name" (AS data mode)
    pub department_name: String,
    /// "Department Type" (AS data mode: "Group" or "Enterprise")
    pub department_type: String,
    /// "Parent Department" (AS data mode)
    pub parent_department: String,
    /// "Parent Department Type" (AS data mode)
    pub parent_department_type: String,
    /// "Group Id" (AS data mode): the agent's group
    pub group_id: String,
    /// "Group Name" (AS data mode)
    pub group_name: String,
}

/// `GroupHuntGroupGetInstanceResponse20`: every setting read, plus what only a read carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceDetails {
    /// The settings, in a hunt group whose key the caller fills in; optional elements the
    /// reply leaves out are `Absent`, numbers are as the server wrote them. Its agents are
    /// not used: the agents are `agents`.
    pub hunt_group: HuntGroup,
    /// agentUserTable, rows in hunt order, with their weights: the hunt group's agents.
    pub agents: Vec<AgentRow>,
    /// countryCode? (the profile's numbers are national on real servers)
    pub country_code: Option<String>,
    /// nationalPrefix?
    pub national_prefix: Option<String>,
    /// timeZoneDisplayName?
    pub time_zone_display_name: Option<String>,
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
    /// A data response of [`crate::services`].
    Service(Box<ServiceResponse>),
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
            Response::Service(s) => s.type_name(),
        }
    }
}
