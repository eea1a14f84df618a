//! One `<command>`: its `xsi:type` picks the decoder, and what the decoder finds wrong becomes
//! the command's [`SchemaViolation`], named after that type.

use super::hunt_group::{
    decode_active_list, decode_add, decode_modify, decode_weights, one_user_id,
};
use super::listings::{
    decode_available_dns, decode_available_users, decode_department_list, decode_get_list,
    decode_group_list, decode_users_in_group,
};
use super::login::{decode_authentication, decode_login14, decode_login22, decode_logout};
use super::tree::Elem;
use super::violation::SchemaViolation;
use crate::messages::Request;

/// Decodes one `<command>` element.
pub(super) fn decode_command(e: &Elem) -> Result<Request, SchemaViolation> {
    let raw_type = e.xsi_attr("type").ok_or_else(|| SchemaViolation {
        command_type: None,
        element: "command".into(),
        message: "xsi:type is missing".into(),
    })?;
    let ty = raw_type.rsplit(':').next().unwrap_or(raw_type).trim();
    let v = |element: String, message: String| SchemaViolation {
        command_type: Some(ty.to_string()),
        element,
        message,
    };
    let r = match ty {
        "AuthenticationRequest" => decode_authentication(e),
        "LoginRequest14sp4" => decode_login14(e),
        "LoginRequest22V5" => decode_login22(e),
        "LogoutRequest" => decode_logout(e),
        "GroupHuntGroupGetInstanceListRequest" => decode_get_list(e),
        "GroupHuntGroupGetInstanceRequest20" => one_user_id(e).map(|id| Request::GetInstance {
            service_user_id: id,
        }),
        "GroupHuntGroupDeleteInstanceRequest" => one_user_id(e).map(|id| Request::DeleteInstance {
            service_user_id: id,
        }),
        "GroupHuntGroupAddInstanceRequest20" => decode_add(e),
        "GroupHuntGroupModifyInstanceRequest" => decode_modify(e),
        "GroupHuntGroupModifyInstanceWeightedCallDistributionRequest" => decode_weights(e),
        "GroupGetListInServiceProviderRequest" => decode_group_list(e),
        "GroupHuntGroupGetAvailableUserListRequest" => decode_available_users(e),
        "GroupDnGetAvailableListRequest" => decode_available_dns(e),
        "UserGetListInGroupRequest" => decode_users_in_group(e),
        "GroupHuntGroupModifyActiveInstanceListRequest" => decode_active_list(e),
        "GroupDepartmentGetListRequest18" => decode_department_list(e),
        other => match super::services::decode_service(other, e) {
            Some(r) => r,
            None => {
                return Err(v(
                    "command".into(),
                    format!("Invalid xsi:type qname: '{other}' in element command"),
                ))
            }
        },
    };
    r.map_err(|(element, message)| v(element, message))
}
