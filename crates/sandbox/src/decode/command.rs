//! One `<command>`: its `xsi:type` picks the decoder from [`COMMANDS`], the command is checked
//! against the R25 schema ([`crate::xsd`]), and what the decoder or the check finds wrong
//! becomes the command's [`SchemaViolation`], named after that type.

use super::hunt_group::{
    decode_active_list, decode_add, decode_modify, decode_weights, one_user_id,
};
use super::listings::{
    decode_available_dns, decode_available_users, decode_department_list, decode_get_list,
    decode_group_list, decode_users_in_group,
};
use super::login::{decode_authentication, decode_login14, decode_login22, decode_logout};
use super::services::decode_service;
use super::tree::Elem;
use super::violation::{SchemaViolation, V};
use crate::messages::Request;

/// Turns a schema-valid command into its request.
type Decoder = fn(&Elem) -> Result<Request, V>;

/// Every request type the sandbox serves, with its decoder: the one list of what it accepts.
/// Any other `xsi:type` is refused. The schema audit (tests/it) reads [`served_request_types`],
/// so a command added here is audited against R25 and xmllint without further ado.
const COMMANDS: &[(&str, Decoder)] = &[
    ("AuthenticationRequest", decode_authentication),
    ("LoginRequest14sp4", decode_login14),
    ("LoginRequest22V5", decode_login22),
    ("LogoutRequest", decode_logout),
    ("GroupHuntGroupGetInstanceListRequest", decode_get_list),
    ("GroupHuntGroupGetInstanceRequest20", |e| {
        one_user_id(e).map(|id| Request::GetInstance {
            service_user_id: id,
        })
    }),
    ("GroupHuntGroupDeleteInstanceRequest", |e| {
        one_user_id(e).map(|id| Request::DeleteInstance {
            service_user_id: id,
        })
    }),
    ("GroupHuntGroupAddInstanceRequest20", decode_add),
    ("GroupHuntGroupModifyInstanceRequest", decode_modify),
    (
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest",
        decode_weights,
    ),
    ("GroupGetListInServiceProviderRequest", decode_group_list),
    (
        "GroupHuntGroupGetAvailableUserListRequest",
        decode_available_users,
    ),
    ("GroupDnGetAvailableListRequest", decode_available_dns),
    ("UserGetListInGroupRequest", decode_users_in_group),
    (
        "GroupHuntGroupModifyActiveInstanceListRequest",
        decode_active_list,
    ),
    ("GroupDepartmentGetListRequest18", decode_department_list),
    (
        "UserModifyUserIdRequest",
        super::user::decode_modify_user_id,
    ),
    // A hunt group's user: services, forwarding, directory number hunting (decode/services.rs).
    ("UserServiceGetAssignmentListRequest", decode_service),
    ("UserServiceAssignListRequest", decode_service),
    ("UserServiceUnassignListRequest", decode_service),
    ("UserCallForwardingAlwaysGetRequest", decode_service),
    ("UserCallForwardingAlwaysModifyRequest", decode_service),
    ("UserCallForwardingBusyGetRequest", decode_service),
    ("UserCallForwardingBusyModifyRequest", decode_service),
    ("UserCallForwardingNotReachableGetRequest", decode_service),
    (
        "UserCallForwardingNotReachableModifyRequest",
        decode_service,
    ),
    ("UserCallForwardingSelectiveGetRequest16", decode_service),
    ("UserCallForwardingSelectiveModifyRequest", decode_service),
    (
        "UserCallForwardingSelectiveGetCriteriaRequest21",
        decode_service,
    ),
    (
        "UserCallForwardingSelectiveAddCriteriaRequest16",
        decode_service,
    ),
    (
        "UserCallForwardingSelectiveModifyCriteriaRequest",
        decode_service,
    ),
    (
        "UserCallForwardingSelectiveDeleteCriteriaRequest",
        decode_service,
    ),
    ("GroupDirectoryNumberHuntingGetRequest17sp1", decode_service),
    ("GroupDirectoryNumberHuntingModifyRequest", decode_service),
    (
        "GroupDirectoryNumberHuntingGetAvailableUserListRequest",
        decode_service,
    ),
    ("GroupServiceGetAuthorizationListRequest", decode_service),
    ("UserScheduleGetListRequest17sp1", decode_service),
    ("GroupScheduleGetListRequest17sp1", decode_service),
    (
        "GroupUserCallForwardingSettingsGetListRequest",
        decode_service,
    ),
    ("GroupGetUserServiceAssignedUserListRequest", decode_service),
];

/// The `xsi:type` of every request the sandbox serves, in its dispatch order.
pub fn served_request_types() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|(t, _)| *t)
}

/// Decodes one `<command>` element.
pub(super) fn decode_command(e: &Elem) -> Result<Request, SchemaViolation> {
    let raw_type = e.xsi_attr("type").ok_or_else(|| SchemaViolation {
        command_type: None,
        element: "command".into(),
        message: "xsi:type is missing".into(),
    })?;
    let ty = raw_type.rsplit(':').next().unwrap_or(raw_type).trim();
    let v = |(element, message): V| SchemaViolation {
        command_type: Some(ty.to_string()),
        element,
        message,
    };
    let Some((_, decode)) = COMMANDS.iter().find(|(t, _)| *t == ty) else {
        return Err(v((
            "command".into(),
            format!("Invalid xsi:type qname: '{ty}' in element command"),
        )));
    };
    crate::xsd::check_command(e).map_err(v)?;
    decode(e).map_err(v)
}
