//! The read-only listing commands a client plans with: hunt groups, groups, users, numbers
//! and departments of a group.

use super::criteria::{criteria, exact_criterion, exact_department, external_id_criteria};
use super::sequence::{opt_int, opt_tok, req_bool, tok, Seq};
use super::tree::Elem;
use super::types::{
    DEPARTMENT_NAME, DN, EMAIL, FIRST_NAME, GROUP_ID, GROUP_NAME, LAST_NAME, PERSON_ID,
    SEARCH_EXTENSION, SP_ID, USER_ID,
};
use super::violation::V;
use crate::messages::Request;

/// `GroupHuntGroupGetInstanceListRequest`.
pub(super) fn decode_get_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    // Valid but not modelled: the sandbox lists every hunt group of the group.
    opt_tok(&mut s, "groupDepartmentName", DEPARTMENT_NAME)?;
    s.end()?;
    Ok(Request::GetInstanceList {
        service_provider_id,
        group_id,
    })
}

/// `GroupGetListInServiceProviderRequest`. The optional size limit and search criteria are
/// checked against the schema but not modelled: the sandbox lists every group of the provider.
pub(super) fn decode_group_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    opt_int(&mut s, "responseSizeLimit", 1, i64::from(i32::MAX))?;
    criteria(&mut s, "searchCriteriaGroupId", GROUP_ID)?;
    criteria(&mut s, "searchCriteriaGroupName", GROUP_NAME)?;
    s.end()?;
    Ok(Request::GroupList {
        service_provider_id,
    })
}

/// `GroupHuntGroupGetAvailableUserListRequest`. The size limit and search criteria are checked
/// against the schema but not modelled: the sandbox lists every user of the group.
pub(super) fn decode_available_users(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    opt_int(&mut s, "responseSizeLimit", 1, i64::from(i32::MAX))?;
    criteria(&mut s, "searchCriteriaUserLastName", LAST_NAME)?;
    criteria(&mut s, "searchCriteriaUserFirstName", FIRST_NAME)?;
    exact_criterion(
        &mut s,
        "searchCriteriaExactUserDepartment",
        exact_department,
    )?;
    exact_criterion(&mut s, "searchCriteriaExactUserGroup", |x| {
        tok(x, "serviceProviderId", SP_ID)?;
        tok(x, "groupId", GROUP_ID).map(|_| ())
    })?;
    criteria(&mut s, "searchCriteriaUserId", USER_ID)?;
    criteria(&mut s, "searchCriteriaDn", DN)?;
    criteria(&mut s, "searchCriteriaExtension", SEARCH_EXTENSION)?;
    s.end()?;
    Ok(Request::AvailableUsers {
        service_provider_id,
        group_id,
    })
}

/// `GroupDnGetAvailableListRequest`.
pub(super) fn decode_available_dns(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    s.end()?;
    Ok(Request::AvailableDns {
        service_provider_id,
        group_id,
    })
}

/// `UserGetListInGroupRequest` (its group element is `GroupId` in R25). The size limit and
/// search criteria are checked against the schema but not modelled: every user is listed.
pub(super) fn decode_users_in_group(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "GroupId", GROUP_ID)?;
    opt_int(&mut s, "responseSizeLimit", 1, i64::from(i32::MAX))?;
    criteria(&mut s, "searchCriteriaUserLastName", LAST_NAME)?;
    criteria(&mut s, "searchCriteriaUserFirstName", FIRST_NAME)?;
    criteria(&mut s, "searchCriteriaDn", DN)?;
    criteria(&mut s, "searchCriteriaEmailAddress", EMAIL)?;
    exact_criterion(
        &mut s,
        "searchCriteriaExactUserDepartment",
        exact_department,
    )?;
    exact_criterion(&mut s, "searchCriteriaExactUserInTrunkGroup", |x| {
        req_bool(x, "userInTrunkGroup").map(|_| ())
    })?;
    criteria(&mut s, "searchCriteriaUserId", USER_ID)?;
    external_id_criteria(&mut s)?;
    exact_criterion(&mut s, "searchCriteriaExactUserPersonId", |x| {
        tok(x, "userPersonId", PERSON_ID).map(|_| ())
    })?;
    criteria(&mut s, "searchCriteriaExtension", SEARCH_EXTENSION)?;
    s.end()?;
    Ok(Request::UsersInGroup {
        service_provider_id,
        group_id,
    })
}

/// `GroupDepartmentGetListRequest18`.
pub(super) fn decode_department_list(e: &Elem) -> Result<Request, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    let include_enterprise = req_bool(&mut s, "includeEnterpriseDepartments")?;
    s.end()?;
    Ok(Request::DepartmentList {
        service_provider_id,
        group_id,
        include_enterprise,
    })
}
