//! The data responses of the service commands ([`ServiceResponse`]), read as leniently as the
//! rest: tables by column heading, optional elements missing read as absent.

use super::{bad, parse_bool, user_rows, user_table_in, CodecError, Element, Table};
use huntctl_protocol::services::{
    Assignments, Authorizations, CallToNumber, CriteriaRow, CriteriaSettings, DnSelection,
    DnhSettings, ForwardingKind, ForwardingListRow, ForwardingSettings, FromDnCriteria,
    GroupServiceAuthorization, NumberSelection, ScheduleGlobalKey, ScheduleLevel, ScheduleRef,
    ScheduleType, SelectiveSettings, ServiceAssignment, ServiceAuthorization,
    ServicePackAssignment, ServiceResponse, UserServiceAuthorization,
    SERVICE_AUTHORIZATION_COLUMNS,
};

/// Decodes a service response by its `xsi:type`; `None` when the type is not one.
pub(super) fn decode_service(
    ty: &str,
    c: &Element<'_>,
) -> Option<Result<ServiceResponse, CodecError>> {
    Some(match ty {
        "UserServiceGetAssignmentListResponse" => assignments(c).map(ServiceResponse::Assignments),
        "UserCallForwardingSelectiveGetResponse16" => selective(c).map(ServiceResponse::Selective),
        "UserCallForwardingSelectiveGetCriteriaResponse21" => {
            criteria(c).map(ServiceResponse::Criteria)
        }
        "GroupDirectoryNumberHuntingGetResponse17sp1" => dnh(c).map(ServiceResponse::Dnh),
        "GroupDirectoryNumberHuntingGetAvailableUserListResponse" => {
            user_table_in(c, "userTable").map(ServiceResponse::DnhAvailableUsers)
        }
        "GroupServiceGetAuthorizationListResponse" => {
            authorizations(c).map(ServiceResponse::Authorizations)
        }
        "UserScheduleGetListResponse17sp1" => schedules(c).map(ServiceResponse::UserSchedules),
        "GroupScheduleGetListResponse17sp1" => schedules(c).map(ServiceResponse::GroupSchedules),
        "GroupUserCallForwardingSettingsGetListResponse" => {
            forwarding_list(c).map(ServiceResponse::ForwardingList)
        }
        "GroupGetUserServiceAssignedUserListResponse" => {
            user_table_in(c, "userListTable").map(ServiceResponse::AssignedUsers)
        }
        other => {
            let kind = ForwardingKind::ALL
                .into_iter()
                .find(|k| k.get_response() == other)?;
            forwarding(c).map(|f| ServiceResponse::Forwarding(kind, f))
        }
    })
}

fn req_bool(c: &Element<'_>, name: &str) -> Result<bool, CodecError> {
    let t = c.req_text(name)?;
    parse_bool(name, &t)
}

fn opt_bool(c: &Element<'_>, name: &str) -> Result<bool, CodecError> {
    match c.opt_text(name) {
        Some(t) => parse_bool(name, &t),
        None => Ok(false),
    }
}

fn opt_trimmed(c: &Element<'_>, name: &str) -> Option<String> {
    c.opt_text(name)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// A boolean cell; empty reads as false.
fn cell_bool(name: &str, v: &str) -> Result<bool, CodecError> {
    if v.trim().is_empty() {
        Ok(false)
    } else {
        parse_bool(name, v)
    }
}

fn table<'e, 'a>(c: &'e Element<'a>, name: &str) -> Result<Table<'e>, CodecError> {
    c.child(name)
        .map(Table::read)
        .ok_or_else(|| c.missing(name))
}

/// `userCallForwardingTable`: the user columns, "Is Active" and "Forwarding Address".
fn forwarding_list(c: &Element<'_>) -> Result<Vec<ForwardingListRow>, CodecError> {
    let t = table(c, "userCallForwardingTable")?;
    for heading in ["User Id", "Is Active"] {
        if t.column(heading).is_none() {
            return Err(c.missing(&format!("colHeading {heading}")));
        }
    }
    let (active, address) = (t.getter("Is Active"), t.getter("Forwarding Address"));
    t.rows
        .iter()
        .zip(user_rows(&t))
        .map(|(r, user)| {
            Ok(ForwardingListRow {
                user,
                is_active: cell_bool("Is Active", &active(r))?,
                forwarding_address: address(r).trim().to_string(),
            })
        })
        .collect()
}

fn assignments(c: &Element<'_>) -> Result<Assignments, CodecError> {
    let packs = table(c, "servicePacksAssignmentTable")?;
    let (pname, passigned, pdesc) = (
        packs.getter("Service Pack Name"),
        packs.getter("Assigned"),
        packs.getter("Description"),
    );
    let service_packs = packs
        .rows
        .iter()
        .map(|r| {
            Ok(ServicePackAssignment {
                name: pname(r),
                assigned: cell_bool("Assigned", &passigned(r))?,
                description: pdesc(r),
            })
        })
        .collect::<Result<_, CodecError>>()?;
    let users = table(c, "userServicesAssignmentTable")?;
    if users.column("Service Name").is_none() {
        return Err(c.missing("colHeading Service Name"));
    }
    let (name, assigned) = (users.getter("Service Name"), users.getter("Assigned"));
    let user_services = users
        .rows
        .iter()
        .map(|r| {
            Ok(ServiceAssignment {
                name: name(r).trim().to_string(),
                assigned: cell_bool("Assigned", &assigned(r))?,
            })
        })
        .collect::<Result<_, CodecError>>()?;
    Ok(Assignments {
        service_packs,
        user_services,
    })
}

fn forwarding(c: &Element<'_>) -> Result<ForwardingSettings, CodecError> {
    Ok(ForwardingSettings {
        is_active: req_bool(c, "isActive")?,
        forward_to_phone_number: opt_trimmed(c, "forwardToPhoneNumber"),
        is_ring_splash_active: opt_bool(c, "isRingSplashActive")?,
    })
}

fn selective(c: &Element<'_>) -> Result<SelectiveSettings, CodecError> {
    let t = table(c, "criteriaTable")?;
    if t.column("Criteria Name").is_none() {
        return Err(c.missing("colHeading Criteria Name"));
    }
    let g = |h: &str| t.getter(h);
    let (active, name, time, from, to, black, holiday, ctype, cnum, cext) = (
        g("Is Active"),
        g("Criteria Name"),
        g("Time Schedule"),
        g("Calls From"),
        g("Forward To"),
        g("Blacklisted"),
        g("Holiday Schedule"),
        g("Calls To Type"),
        g("Calls To Number"),
        g("Calls To Extension"),
    );
    let criteria = t
        .rows
        .iter()
        .map(|r| {
            Ok(CriteriaRow {
                is_active: cell_bool("Is Active", &active(r))?,
                name: name(r),
                time_schedule: time(r),
                calls_from: from(r),
                forward_to: to(r),
                blacklisted: cell_bool("Blacklisted", &black(r))?,
                holiday_schedule: holiday(r),
                calls_to_type: ctype(r),
                calls_to_number: cnum(r),
                calls_to_extension: cext(r),
            })
        })
        .collect::<Result<_, CodecError>>()?;
    Ok(SelectiveSettings {
        is_active: req_bool(c, "isActive")?,
        default_forward_to_phone_number: opt_trimmed(c, "defaultForwardToPhoneNumber"),
        play_ring_reminder: opt_bool(c, "playRingReminder")?,
        criteria,
    })
}

fn schedule_ref(c: &Element<'_>, name: &str) -> Result<Option<ScheduleRef>, CodecError> {
    let Some(s) = c.child(name).filter(|s| !s.nil) else {
        return Ok(None);
    };
    let level = s.req_text("type")?;
    Ok(Some(ScheduleRef {
        level: ScheduleLevel::parse(level.trim()).ok_or_else(|| bad("type", &level))?,
        name: s.req_text("name")?.trim().to_string(),
    }))
}

fn criteria(c: &Element<'_>) -> Result<CriteriaSettings, CodecError> {
    let sel = c.req_text("forwardToNumberSelection")?;
    let f = c
        .child("fromDnCriteria")
        .ok_or_else(|| c.missing("fromDnCriteria"))?;
    let dsel = f.req_text("fromDnCriteriaSelection")?;
    Ok(CriteriaSettings {
        time_schedule: schedule_ref(c, "timeSchedule")?,
        holiday_schedule: schedule_ref(c, "holidaySchedule")?,
        forward_to_number_selection: NumberSelection::parse(sel.trim())
            .ok_or_else(|| bad("forwardToNumberSelection", &sel))?,
        forward_to_phone_number: opt_trimmed(c, "forwardToPhoneNumber"),
        from_dn_criteria: FromDnCriteria {
            from_dn_criteria_selection: DnSelection::parse(dsel.trim())
                .ok_or_else(|| bad("fromDnCriteriaSelection", &dsel))?,
            include_anonymous_callers: req_bool(f, "includeAnonymousCallers")?,
            include_unavailable_callers: req_bool(f, "includeUnavailableCallers")?,
            phone_numbers: f
                .children("phoneNumber")
                .map(|n| n.text.trim().to_string())
                .collect(),
        },
        call_to_numbers: c
            .children("callToNumber")
            .map(|n| {
                Ok(CallToNumber {
                    number_type: n.req_text("type")?.trim().to_string(),
                    number: opt_trimmed(n, "number"),
                    extension: opt_trimmed(n, "extension"),
                })
            })
            .collect::<Result<_, CodecError>>()?,
    })
}

fn dnh(c: &Element<'_>) -> Result<DnhSettings, CodecError> {
    Ok(DnhSettings {
        agents: user_table_in(c, "agentUserTable")?,
        use_terminate_call_to_agent_first: req_bool(c, "useTerminateCallToAgentFirst")?,
        use_original_agent_services_for_busy_and_no_answer_calls: req_bool(
            c,
            "useOriginalAgentServicesForBusyAndNoAnswerCalls",
        )?,
    })
}

fn authorizations(c: &Element<'_>) -> Result<Authorizations, CodecError> {
    let g = table(c, "groupServicesAuthorizationTable")?;
    let common = authorization_columns(&g);
    let count = g.getter("Instance Count");
    let group_services = g
        .rows
        .iter()
        .map(|r| {
            Ok(GroupServiceAuthorization {
                service: authorization_row(&common, r)?,
                instance_count: count(r),
            })
        })
        .collect::<Result<_, CodecError>>()?;
    let u = table(c, "userServicesAuthorizationTable")?;
    if u.column("Service Name").is_none() {
        return Err(c.missing("colHeading Service Name"));
    }
    let common = authorization_columns(&u);
    let (ua, gsa) = (
        u.getter("User Assignable"),
        u.getter("Group Service Assignable"),
    );
    let user_services = u
        .rows
        .iter()
        .map(|r| {
            Ok(UserServiceAuthorization {
                service: authorization_row(&common, r)?,
                user_assignable: cell_bool("User Assignable", &ua(r))?,
                group_service_assignable: cell_bool("Group Service Assignable", &gsa(r))?,
            })
        })
        .collect::<Result<_, CodecError>>()?;
    Ok(Authorizations {
        group_services,
        user_services,
    })
}

/// Where each column both authorization tables start with is, in
/// [`SERVICE_AUTHORIZATION_COLUMNS`] order (by heading, as every table is read).
fn authorization_columns(t: &Table<'_>) -> [Option<usize>; 8] {
    SERVICE_AUTHORIZATION_COLUMNS.map(|h| t.column(h))
}

/// The shared columns of one authorization row.
fn authorization_row(
    at: &[Option<usize>; 8],
    r: &[&str],
) -> Result<ServiceAuthorization, CodecError> {
    let cell = |i: usize| {
        at[i]
            .and_then(|c| r.get(c))
            .map(|s| s.to_string())
            .unwrap_or_default()
    };
    Ok(ServiceAuthorization {
        name: cell(0).trim().to_string(),
        authorized: cell_bool("Authorized", &cell(1))?,
        assigned: cell_bool("Assigned", &cell(2))?,
        limited: cell(3),
        quantity: cell(4),
        usage: cell(5),
        licensed: cell_bool("Licensed", &cell(6))?,
        allowed: cell(7),
    })
}

fn schedules(c: &Element<'_>) -> Result<Vec<ScheduleGlobalKey>, CodecError> {
    c.children("scheduleGlobalKey")
        .map(|k| {
            let key = k
                .child("scheduleKey")
                .ok_or_else(|| k.missing("scheduleKey"))?;
            let t = key.req_text("scheduleType")?;
            let level = k.req_text("scheduleLevel")?;
            Ok(ScheduleGlobalKey {
                name: key.req_text("scheduleName")?.trim().to_string(),
                schedule_type: ScheduleType::parse(t.trim())
                    .ok_or_else(|| bad("scheduleType", &t))?,
                level: ScheduleLevel::parse(level.trim())
                    .ok_or_else(|| bad("scheduleLevel", &level))?,
            })
        })
        .collect()
}
