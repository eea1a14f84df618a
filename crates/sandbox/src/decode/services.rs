//! The commands of a hunt group's virtual user beyond its instance: user service assignment,
//! Call Forwarding Always / Busy / Not Reachable / Selective (with criteria), Directory Number
//! Hunting, and the authorization and schedule lists, each checked against its R25 sequence.

use super::criteria::{criteria_values, exact_criterion, exact_department};
use super::sequence::{opt_tok, req_bool, tok, Seq};
use super::tree::Elem;
use super::types::{
    boolean, collapse, int, is_nil, not_nil, simple_text, token, DN, EMAIL, EXTENSION, FIRST_NAME,
    GROUP_ID, LAST_NAME, OUTGOING_DN_OR_URI, SEARCH_EXTENSION, SP_ID, USER_ID,
};
use super::violation::V;
use crate::messages::{Change, Request};
use crate::svc::{
    is_user_service, CallToNumber, CriteriaAdd, CriteriaModify, DnSelection, DnhModify,
    ForwardingKind, ForwardingListColumn, ForwardingListQuery, ForwardingListSearch,
    ForwardingListSort, ForwardingListSortKey, ForwardingModify, ForwardingService, FromDnCriteria,
    FromDnCriteriaModify, NumberSelection, ScheduleLevel, ScheduleRef, ScheduleType,
    SelectiveModify, ServiceRequest, CALL_TO_NUMBER_TYPES, MAX_PAGE_SIZE,
};

const CRITERIA_NAME: (usize, usize) = (1, 50);
const SCHEDULE_NAME: (usize, usize) = (1, 40);
const SERVICE_PACK_NAME: (usize, usize) = (1, 80);
/// `CriteriaFromDn/phoneNumber` and `CriteriaReplacementDNList/phoneNumber`: at most 12.
const MAX_FROM_DNS: usize = 12;

/// Decodes a command of this module (the dispatch table names which), by its `xsi:type`.
pub(super) fn decode_service(e: &Elem) -> Result<Request, V> {
    let raw = e.xsi_attr("type").unwrap_or_default();
    let ty = raw.rsplit(':').next().unwrap_or(raw).trim();
    by_type(ty, e).unwrap_or_else(|| {
        Err((
            "command".into(),
            format!("Invalid xsi:type qname: '{ty}' in element command"),
        ))
    })
}

/// Decodes a command of this module by its type; `None` when the type is not one.
fn by_type(ty: &str, e: &Elem) -> Option<Result<Request, V>> {
    let r = match ty {
        "UserServiceGetAssignmentListRequest" => {
            user_only(e).map(|user_id| ServiceRequest::GetAssignments { user_id })
        }
        "UserServiceAssignListRequest" => service_list(e, false),
        "UserServiceUnassignListRequest" => service_list(e, true),
        "UserCallForwardingSelectiveGetRequest16" => {
            user_only(e).map(|user_id| ServiceRequest::GetSelective { user_id })
        }
        "UserCallForwardingSelectiveModifyRequest" => modify_selective(e),
        "UserCallForwardingSelectiveGetCriteriaRequest21" => {
            user_and_criteria(e).map(|(user_id, criteria_name)| ServiceRequest::GetCriteria {
                user_id,
                criteria_name,
            })
        }
        "UserCallForwardingSelectiveDeleteCriteriaRequest" => {
            user_and_criteria(e).map(|(user_id, criteria_name)| ServiceRequest::DeleteCriteria {
                user_id,
                criteria_name,
            })
        }
        "UserCallForwardingSelectiveAddCriteriaRequest16" => add_criteria(e),
        "UserCallForwardingSelectiveModifyCriteriaRequest" => modify_criteria(e),
        "GroupDirectoryNumberHuntingGetRequest17sp1" => {
            service_user_only(e).map(|service_user_id| ServiceRequest::GetDnh { service_user_id })
        }
        "GroupDirectoryNumberHuntingGetAvailableUserListRequest" => service_user_only(e)
            .map(|service_user_id| ServiceRequest::DnhAvailableUsers { service_user_id }),
        "GroupDirectoryNumberHuntingModifyRequest" => modify_dnh(e),
        "GroupServiceGetAuthorizationListRequest" => group_only(e).map(
            |(service_provider_id, group_id)| ServiceRequest::GetAuthorizations {
                service_provider_id,
                group_id,
            },
        ),
        "UserScheduleGetListRequest17sp1" => user_schedules(e),
        "GroupScheduleGetListRequest17sp1" => group_schedules(e),
        "GroupUserCallForwardingSettingsGetListRequest" => forwarding_list(e),
        "GroupGetUserServiceAssignedUserListRequest" => assigned_users(e),
        other => {
            let kind = ForwardingKind::ALL
                .into_iter()
                .find(|k| k.get_request() == other || k.modify_request() == other)?;
            if kind.get_request() == other {
                user_only(e).map(|user_id| ServiceRequest::GetForwarding { user_id, kind })
            } else {
                modify_forwarding(e, kind)
            }
        }
    };
    Some(r.map(|s| Request::Service(Box::new(s))))
}

fn user_only(e: &Elem) -> Result<String, V> {
    let mut s = Seq::new(e, "")?;
    let id = tok(&mut s, "userId", USER_ID)?;
    s.end()?;
    Ok(id)
}

fn service_user_only(e: &Elem) -> Result<String, V> {
    let mut s = Seq::new(e, "")?;
    let id = tok(&mut s, "serviceUserId", USER_ID)?;
    s.end()?;
    Ok(id)
}

fn group_only(e: &Elem) -> Result<(String, String), V> {
    let mut s = Seq::new(e, "")?;
    let sp = tok(&mut s, "serviceProviderId", SP_ID)?;
    let g = tok(&mut s, "groupId", GROUP_ID)?;
    s.end()?;
    Ok((sp, g))
}

fn user_and_criteria(e: &Elem) -> Result<(String, String), V> {
    let mut s = Seq::new(e, "")?;
    let id = tok(&mut s, "userId", USER_ID)?;
    let name = tok(&mut s, "criteriaName", CRITERIA_NAME)?;
    s.end()?;
    Ok((id, name))
}

/// An enumeration value: the token must be one of `values`.
fn enumerated(e: &Elem, path: &str, values: &[&str]) -> Result<String, V> {
    let v = collapse(simple_text(e, path)?);
    if values.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err((
            path.into(),
            format!(
                "value '{v}' is not one of the enumeration {}",
                values.join(", ")
            ),
        ))
    }
}

/// A `UserService` value: one of R25's user service names.
fn user_service(e: &Elem, path: &str) -> Result<String, V> {
    let v = collapse(simple_text(e, path)?);
    if is_user_service(&v) {
        Ok(v)
    } else {
        Err((
            path.into(),
            format!("value '{v}' is not one of the enumeration of UserService"),
        ))
    }
}

/// `serviceName*` (`UserService`) then `servicePackName*`. Service packs are valid but the
/// sandbox has none: a request naming one becomes [`ServiceRequest::ServicePacks`], which the
/// store refuses as a pack that does not exist.
fn service_list(e: &Elem, unassign: bool) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let mut services = Vec::new();
    for k in s.many("serviceName", None)? {
        services.push(user_service(k, &s.p("serviceName"))?);
    }
    let mut packs = Vec::new();
    for p in s.many("servicePackName", None)? {
        packs.push(token(
            p,
            &s.p("servicePackName"),
            SERVICE_PACK_NAME.0,
            SERVICE_PACK_NAME.1,
        )?);
    }
    s.end()?;
    Ok(match (packs.is_empty(), unassign) {
        (true, false) => ServiceRequest::Assign { user_id, services },
        (true, true) => ServiceRequest::Unassign { user_id, services },
        (false, _) => ServiceRequest::ServicePacks {
            user_id,
            services,
            packs,
            unassign,
        },
    })
}

/// An optional `xs:boolean` child.
fn opt_bool(s: &mut Seq<'_>, name: &str) -> Result<Option<bool>, V> {
    match s.opt(name) {
        Some(e) => boolean(e, &s.p(name)).map(Some),
        None => Ok(None),
    }
}

/// An optional nillable child: left out (kept), nil (cleared), or a value read by `read`.
fn nillable<T>(
    s: &mut Seq<'_>,
    name: &str,
    read: impl FnOnce(&Elem, &str) -> Result<T, V>,
) -> Result<Change<T>, V> {
    match s.opt(name) {
        None => Ok(Change::Keep),
        Some(e) => {
            let path = s.p(name);
            if is_nil(e, &path)? {
                Ok(Change::Clear)
            } else {
                read(e, &path).map(Change::Set)
            }
        }
    }
}

/// An optional nillable token child.
fn nillable_tok(
    s: &mut Seq<'_>,
    name: &str,
    (min, max): (usize, usize),
) -> Result<Change<String>, V> {
    nillable(s, name, |e, path| token(e, path, min, max))
}

/// An optional nillable replacement list (`ReplacementCallToNumberList`,
/// `ReplacementUserIdList`, `CriteriaReplacementDNList`): left out, nil (cleared), or one to
/// `max` `item` children, each read by `read`.
fn replacement_list<T>(
    s: &mut Seq<'_>,
    name: &str,
    item: &str,
    max: Option<usize>,
    read: impl Fn(&Elem, &str) -> Result<T, V>,
) -> Result<Change<Vec<T>>, V> {
    nillable(s, name, |l, path| {
        let mut x = Seq::new(l, path)?;
        let items = x.many(item, max)?;
        if items.is_empty() {
            return Err((x.p(item), "missing required element (at least one)".into()));
        }
        let v = items
            .into_iter()
            .map(|i| read(i, &x.p(item)))
            .collect::<Result<Vec<T>, V>>()?;
        x.end()?;
        Ok(v)
    })
}

fn modify_forwarding(e: &Elem, kind: ForwardingKind) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let is_active = opt_bool(&mut s, "isActive")?;
    let forward_to_phone_number = nillable_tok(&mut s, "forwardToPhoneNumber", OUTGOING_DN_OR_URI)?;
    let is_ring_splash_active = if kind.has_ring_splash() {
        opt_bool(&mut s, "isRingSplashActive")?
    } else {
        None
    };
    s.end()?;
    Ok(ServiceRequest::ModifyForwarding(ForwardingModify {
        user_id,
        kind,
        is_active,
        forward_to_phone_number,
        is_ring_splash_active,
    }))
}

fn modify_selective(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let is_active = opt_bool(&mut s, "isActive")?;
    let default_forward_to_phone_number =
        nillable_tok(&mut s, "defaultForwardToPhoneNumber", OUTGOING_DN_OR_URI)?;
    let play_ring_reminder = opt_bool(&mut s, "playRingReminder")?;
    let mut criteria_activation = Vec::new();
    for a in s.many("criteriaActivation", None)? {
        let path = s.p("criteriaActivation");
        not_nil(a, &path)?;
        let mut x = Seq::new(a, &path)?;
        let name = tok(&mut x, "criteriaName", CRITERIA_NAME)?;
        let active = req_bool(&mut x, "isActive")?;
        x.end()?;
        criteria_activation.push((name, active));
    }
    s.end()?;
    Ok(ServiceRequest::ModifySelective(SelectiveModify {
        user_id,
        is_active,
        default_forward_to_phone_number,
        play_ring_reminder,
        criteria_activation,
    }))
}

/// `TimeSchedule` / `HolidaySchedule`: type (a `ScheduleLevel`), name.
fn schedule(e: &Elem, path: &str) -> Result<ScheduleRef, V> {
    let mut s = Seq::new(e, path)?;
    let t = s.req("type")?;
    let levels: Vec<&str> = ScheduleLevel::ALL.iter().map(|l| l.as_str()).collect();
    let level = enumerated(t, &s.p("type"), &levels)?;
    let name = tok(&mut s, "name", SCHEDULE_NAME)?;
    s.end()?;
    Ok(ScheduleRef {
        level: ScheduleLevel::parse(&level).unwrap_or(ScheduleLevel::Group),
        name,
    })
}

fn opt_schedule(s: &mut Seq<'_>, name: &str) -> Result<Option<ScheduleRef>, V> {
    match s.opt(name) {
        None => Ok(None),
        Some(e) => {
            let path = s.p(name);
            not_nil(e, &path)?;
            schedule(e, &path).map(Some)
        }
    }
}

fn nillable_schedule(s: &mut Seq<'_>, name: &str) -> Result<Change<ScheduleRef>, V> {
    nillable(s, name, schedule)
}

fn number_selection(s: &mut Seq<'_>) -> Result<Option<NumberSelection>, V> {
    let name = "forwardToNumberSelection";
    match s.opt(name) {
        None => Ok(None),
        Some(e) => {
            let values: Vec<&str> = NumberSelection::ALL.iter().map(|v| v.as_str()).collect();
            let v = enumerated(e, &s.p(name), &values)?;
            Ok(NumberSelection::parse(&v))
        }
    }
}

fn dn_selection(e: &Elem, path: &str) -> Result<DnSelection, V> {
    let v = enumerated(e, path, &["Any", "Specified Only"])?;
    Ok(DnSelection::parse(&v).unwrap_or_default())
}

/// `CriteriaFromDn` (add): every element but the numbers required.
fn from_dn(e: &Elem, path: &str) -> Result<FromDnCriteria, V> {
    not_nil(e, path)?;
    let mut s = Seq::new(e, path)?;
    let sel = s.req("fromDnCriteriaSelection")?;
    let from_dn_criteria_selection = dn_selection(sel, &s.p("fromDnCriteriaSelection"))?;
    let include_anonymous_callers = req_bool(&mut s, "includeAnonymousCallers")?;
    let include_unavailable_callers = req_bool(&mut s, "includeUnavailableCallers")?;
    let mut phone_numbers = Vec::new();
    for n in s.many("phoneNumber", Some(MAX_FROM_DNS))? {
        phone_numbers.push(token(n, &s.p("phoneNumber"), DN.0, DN.1)?);
    }
    s.end()?;
    Ok(FromDnCriteria {
        from_dn_criteria_selection,
        include_anonymous_callers,
        include_unavailable_callers,
        phone_numbers,
    })
}

/// `CriteriaFromDnModify`: every element optional; `phoneNumberList` nillable.
fn from_dn_modify(e: &Elem, path: &str) -> Result<FromDnCriteriaModify, V> {
    not_nil(e, path)?;
    let mut s = Seq::new(e, path)?;
    let from_dn_criteria_selection = match s.opt("fromDnCriteriaSelection") {
        Some(x) => Some(dn_selection(x, &s.p("fromDnCriteriaSelection"))?),
        None => None,
    };
    let include_anonymous_callers = opt_bool(&mut s, "includeAnonymousCallers")?;
    let include_unavailable_callers = opt_bool(&mut s, "includeUnavailableCallers")?;
    let phone_number_list = replacement_list(
        &mut s,
        "phoneNumberList",
        "phoneNumber",
        Some(MAX_FROM_DNS),
        |n, p| token(n, p, DN.0, DN.1),
    )?;
    s.end()?;
    Ok(FromDnCriteriaModify {
        from_dn_criteria_selection,
        include_anonymous_callers,
        include_unavailable_callers,
        phone_number_list,
    })
}

/// `CallToNumber`: type, number?, extension?.
fn call_to_number(e: &Elem, path: &str) -> Result<CallToNumber, V> {
    not_nil(e, path)?;
    let mut s = Seq::new(e, path)?;
    let t = s.req("type")?;
    let number_type = enumerated(t, &s.p("type"), CALL_TO_NUMBER_TYPES)?;
    let number = opt_tok(&mut s, "number", DN)?;
    let extension = opt_tok(&mut s, "extension", EXTENSION)?;
    s.end()?;
    Ok(CallToNumber {
        number_type,
        number,
        extension,
    })
}

fn add_criteria(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let criteria_name = tok(&mut s, "criteriaName", CRITERIA_NAME)?;
    let time_schedule = opt_schedule(&mut s, "timeSchedule")?;
    let holiday_schedule = opt_schedule(&mut s, "holidaySchedule")?;
    let forward_to_number_selection = number_selection(&mut s)?;
    let forward_to_phone_number = opt_tok(&mut s, "forwardToPhoneNumber", OUTGOING_DN_OR_URI)?;
    let f = s.req("fromDnCriteria")?;
    let from_dn_criteria = from_dn(f, "fromDnCriteria")?;
    let mut call_to_numbers = Vec::new();
    for c in s.many("callToNumber", None)? {
        call_to_numbers.push(call_to_number(c, "callToNumber")?);
    }
    s.end()?;
    Ok(ServiceRequest::AddCriteria(CriteriaAdd {
        user_id,
        criteria_name,
        time_schedule,
        holiday_schedule,
        forward_to_number_selection,
        forward_to_phone_number,
        from_dn_criteria,
        call_to_numbers,
    }))
}

fn modify_criteria(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let criteria_name = tok(&mut s, "criteriaName", CRITERIA_NAME)?;
    let new_criteria_name = opt_tok(&mut s, "newCriteriaName", CRITERIA_NAME)?;
    let time_schedule = nillable_schedule(&mut s, "timeSchedule")?;
    let holiday_schedule = nillable_schedule(&mut s, "holidaySchedule")?;
    let forward_to_number_selection = number_selection(&mut s)?;
    let forward_to_phone_number = nillable_tok(&mut s, "forwardToPhoneNumber", OUTGOING_DN_OR_URI)?;
    let from_dn_criteria = match s.opt("fromDnCriteria") {
        Some(f) => Some(from_dn_modify(f, "fromDnCriteria")?),
        None => None,
    };
    let call_to_number_list = replacement_list(
        &mut s,
        "callToNumberList",
        "callToNumber",
        None,
        call_to_number,
    )?;
    s.end()?;
    Ok(ServiceRequest::ModifyCriteria(CriteriaModify {
        user_id,
        criteria_name,
        new_criteria_name,
        time_schedule,
        holiday_schedule,
        forward_to_number_selection,
        forward_to_phone_number,
        from_dn_criteria,
        call_to_number_list,
    }))
}

fn modify_dnh(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let service_user_id = tok(&mut s, "serviceUserId", USER_ID)?;
    let agent_user_ids = replacement_list(&mut s, "agentUserIdList", "userId", None, |u, p| {
        token(u, p, USER_ID.0, USER_ID.1)
    })?;
    let use_terminate_call_to_agent_first = opt_bool(&mut s, "useTerminateCallToAgentFirst")?;
    let use_original_agent_services_for_busy_and_no_answer_calls =
        opt_bool(&mut s, "useOriginalAgentServicesForBusyAndNoAnswerCalls")?;
    s.end()?;
    Ok(ServiceRequest::ModifyDnh(DnhModify {
        service_user_id,
        agent_user_ids,
        use_terminate_call_to_agent_first,
        use_original_agent_services_for_busy_and_no_answer_calls,
    }))
}

fn schedule_type(s: &mut Seq<'_>) -> Result<Option<ScheduleType>, V> {
    match s.opt("scheduleType") {
        None => Ok(None),
        Some(e) => {
            let v = enumerated(e, &s.p("scheduleType"), &["Holiday", "Time"])?;
            Ok(ScheduleType::parse(&v))
        }
    }
}

fn user_schedules(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let user_id = tok(&mut s, "userId", USER_ID)?;
    let schedule_type = schedule_type(&mut s)?;
    s.end()?;
    Ok(ServiceRequest::UserSchedules {
        user_id,
        schedule_type,
    })
}

fn group_schedules(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    let schedule_type = schedule_type(&mut s)?;
    s.end()?;
    Ok(ServiceRequest::GroupSchedules {
        service_provider_id,
        group_id,
        schedule_type,
    })
}

/// `GroupUserCallForwardingSettingsGetListRequest`: paging, the sort choice, whether hunt
/// groups' (virtual) users are included, and the search criteria, all modelled.
fn forwarding_list(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    let path = s.p("callForwardingService");
    let names = ForwardingService::ALL.map(ForwardingService::as_str);
    let v = enumerated(s.req("callForwardingService")?, &path, &names)?;
    let service = ForwardingService::parse(&v).ok_or((path, format!("value '{v}'")))?;
    let paging_path = s.p("responsePagingControl");
    let paging = s.req("responsePagingControl")?;
    not_nil(paging, &paging_path)?;
    let mut p = Seq::new(paging, &paging_path)?;
    let start = p.req("responseStartIndex")?;
    let start_index = int(start, &p.p("responseStartIndex"), 1, i64::from(i32::MAX))? as u32;
    let size = p.req("responsePageSize")?;
    let page_size = int(size, &p.p("responsePageSize"), 1, i64::from(MAX_PAGE_SIZE))? as u32;
    p.end()?;
    let mut sort = None;
    for (key, name) in ForwardingListSortKey::ALL {
        if let Some(el) = s.opt(name) {
            let path = s.p(name);
            not_nil(el, &path)?;
            let mut x = Seq::new(el, &path)?;
            let is_ascending = req_bool(&mut x, "isAscending")?;
            let is_case_sensitive = req_bool(&mut x, "isCaseSensitive")?;
            x.end()?;
            sort = Some(ForwardingListSort {
                key,
                is_ascending,
                is_case_sensitive,
            });
            break;
        }
    }
    let sort = sort.ok_or_else(|| {
        (
            s.p("sortByUserLastName"),
            "one of the sort elements is required".to_string(),
        )
    })?;
    let include_virtual_users = match s.opt("includeVirtualUsers") {
        Some(el) => boolean(el, &s.p("includeVirtualUsers"))?,
        None => false,
    };
    let mut search = Vec::new();
    let mut strings = |s: &mut Seq<'_>, column: ForwardingListColumn, len| {
        let found = criteria_values(s, column.element(), len)?;
        search.extend(found.into_iter().map(|(mode, value, is_case_insensitive)| {
            ForwardingListSearch {
                column,
                mode,
                value,
                is_case_insensitive,
            }
        }));
        Ok::<(), V>(())
    };
    strings(&mut s, ForwardingListColumn::LastName, LAST_NAME)?;
    strings(&mut s, ForwardingListColumn::FirstName, FIRST_NAME)?;
    strings(&mut s, ForwardingListColumn::UserId, USER_ID)?;
    strings(&mut s, ForwardingListColumn::Dn, DN)?;
    strings(&mut s, ForwardingListColumn::Extension, SEARCH_EXTENSION)?;
    strings(&mut s, ForwardingListColumn::EmailAddress, EMAIL)?;
    let exact_department = exact_criterion(
        &mut s,
        "searchCriteriaExactUserDepartment",
        exact_department,
    )?
    .map(|key| key.name);
    let exact_in_trunk_group =
        exact_criterion(&mut s, "searchCriteriaExactUserInTrunkGroup", |x| {
            req_bool(x, "userInTrunkGroup")
        })?;
    strings(&mut s, ForwardingListColumn::ForwardedToNumber, DN)?;
    s.end()?;
    Ok(ServiceRequest::ForwardingList(ForwardingListQuery {
        service_provider_id,
        group_id,
        service,
        start_index,
        page_size,
        sort,
        include_virtual_users,
        search,
        exact_department,
        exact_in_trunk_group,
    }))
}

/// `GroupGetUserServiceAssignedUserListRequest`: a group and the choice of a user service or a
/// service pack.
fn assigned_users(e: &Elem) -> Result<ServiceRequest, V> {
    let mut s = Seq::new(e, "")?;
    let service_provider_id = tok(&mut s, "serviceProviderId", SP_ID)?;
    let group_id = tok(&mut s, "groupId", GROUP_ID)?;
    let (name, pack) = if let Some(el) = s.opt("serviceName") {
        (user_service(el, &s.p("serviceName"))?, false)
    } else {
        (tok(&mut s, "servicePackName", SERVICE_PACK_NAME)?, true)
    };
    s.end()?;
    Ok(ServiceRequest::AssignedUsers {
        service_provider_id,
        group_id,
        name,
        pack,
    })
}
