//! Replies of the service commands, element order and table columns as R25 documents them (AS
//! data mode: every column, in R25's order).

use crate::encode::{col, open_data, user_table, AVAILABLE_USER_COLUMNS};
use crate::svc::{
    Assignments, Authorizations, CriteriaRow, CriteriaSettings, DnhSettings, ForwardingListRow,
    ForwardingSettings, ScheduleGlobalKey, SelectiveSettings, ServiceAuthorization,
    ServiceResponse, ASSIGNED_USER_COLUMNS, FORWARDING_LIST_COLUMNS, SERVICE_AUTHORIZATION_COLUMNS,
};
use crate::xml::XmlOut;

/// `userServicesAssignmentTable` of `UserServiceGetAssignmentListResponse`.
pub const USER_SERVICE_ASSIGNMENT_COLUMNS: &[&str] = &["Service Name", "Assigned"];

/// `servicePacksAssignmentTable` of `UserServiceGetAssignmentListResponse`.
pub const SERVICE_PACK_ASSIGNMENT_COLUMNS: &[&str] =
    &["Service Pack Name", "Assigned", "Description"];

/// `criteriaTable` of `UserCallForwardingSelectiveGetResponse16` (the last three are AS mode).
pub const CRITERIA_COLUMNS: &[&str] = &[
    "Is Active",
    "Criteria Name",
    "Time Schedule",
    "Calls From",
    "Forward To",
    "Blacklisted",
    "Holiday Schedule",
    "Calls To Type",
    "Calls To Number",
    "Calls To Extension",
];

/// `servicePacksAuthorizationTable` of `GroupServiceGetAuthorizationListResponse`.
pub const SERVICE_PACK_AUTHORIZATION_COLUMNS: &[&str] = &[
    "Service Pack Name",
    "Authorized",
    "Assigned",
    "Limited",
    "Allocated",
    "Allowed",
    "Usage",
    "Description",
];

fn b(v: bool) -> &'static str {
    if v {
        "true"
    } else {
        "false"
    }
}

/// A table: its headings, then a row of cells each.
fn table<'a>(
    x: &mut XmlOut,
    name: &str,
    headings: &[&str],
    rows: impl Iterator<Item = Vec<&'a str>>,
) {
    x.open(name);
    for h in headings {
        x.text("colHeading", h);
    }
    for r in rows {
        x.open("row");
        for c in r {
            col(x, c);
        }
        x.close("row");
    }
    x.close(name);
}

/// Writes one service data response as a complete `<command>` element.
pub(crate) fn encode(x: &mut XmlOut, r: &ServiceResponse) {
    open_data(x, r.type_name());
    match r {
        ServiceResponse::Assignments(a) => assignments(x, a),
        ServiceResponse::Forwarding(kind, f) => forwarding(x, f, kind.has_ring_splash()),
        ServiceResponse::Selective(s) => selective(x, s),
        ServiceResponse::Criteria(c) => criteria(x, c),
        ServiceResponse::Dnh(d) => dnh(x, d),
        ServiceResponse::DnhAvailableUsers(rows) => {
            user_table(x, "userTable", rows, AVAILABLE_USER_COLUMNS)
        }
        ServiceResponse::Authorizations(a) => authorizations(x, a),
        ServiceResponse::UserSchedules(keys) | ServiceResponse::GroupSchedules(keys) => {
            schedule_keys(x, keys)
        }
        ServiceResponse::ForwardingList(rows) => forwarding_list(x, rows),
        ServiceResponse::AssignedUsers(rows) => {
            user_table(x, "userListTable", rows, ASSIGNED_USER_COLUMNS)
        }
    }
    x.close("command");
}

/// `userCallForwardingTable`, every column in R25's order.
fn forwarding_list(x: &mut XmlOut, rows: &[ForwardingListRow]) {
    table(
        x,
        "userCallForwardingTable",
        FORWARDING_LIST_COLUMNS,
        rows.iter().map(|r| {
            let u = &r.user;
            vec![
                u.user_id.as_str(),
                &u.last_name,
                &u.first_name,
                &u.hiragana_last_name,
                &u.hiragana_first_name,
                &u.phone_number,
                &u.extension,
                &u.department,
                &u.in_trunk_group,
                &u.email_address,
                b(r.is_active),
                &r.forwarding_address,
            ]
        }),
    );
}

fn assignments(x: &mut XmlOut, a: &Assignments) {
    table(
        x,
        "servicePacksAssignmentTable",
        SERVICE_PACK_ASSIGNMENT_COLUMNS,
        a.service_packs
            .iter()
            .map(|p| vec![p.name.as_str(), b(p.assigned), &p.description]),
    );
    table(
        x,
        "userServicesAssignmentTable",
        USER_SERVICE_ASSIGNMENT_COLUMNS,
        a.user_services
            .iter()
            .map(|s| vec![s.name.as_str(), b(s.assigned)]),
    );
}

fn forwarding(x: &mut XmlOut, f: &ForwardingSettings, ring_splash: bool) {
    x.boolean("isActive", f.is_active)
        .opt("forwardToPhoneNumber", f.forward_to_phone_number.as_deref());
    if ring_splash {
        x.boolean("isRingSplashActive", f.is_ring_splash_active);
    }
}

fn selective(x: &mut XmlOut, s: &SelectiveSettings) {
    x.boolean("isActive", s.is_active)
        .opt(
            "defaultForwardToPhoneNumber",
            s.default_forward_to_phone_number.as_deref(),
        )
        .boolean("playRingReminder", s.play_ring_reminder);
    table(
        x,
        "criteriaTable",
        CRITERIA_COLUMNS,
        s.criteria.iter().map(|c: &CriteriaRow| {
            vec![
                b(c.is_active),
                c.name.as_str(),
                &c.time_schedule,
                &c.calls_from,
                &c.forward_to,
                b(c.blacklisted),
                &c.holiday_schedule,
                &c.calls_to_type,
                &c.calls_to_number,
                &c.calls_to_extension,
            ]
        }),
    );
}

fn criteria(x: &mut XmlOut, c: &CriteriaSettings) {
    if let Some(s) = &c.time_schedule {
        s.write_xml(x, "timeSchedule");
    }
    if let Some(s) = &c.holiday_schedule {
        s.write_xml(x, "holidaySchedule");
    }
    x.text(
        "forwardToNumberSelection",
        c.forward_to_number_selection.as_str(),
    )
    .opt("forwardToPhoneNumber", c.forward_to_phone_number.as_deref());
    c.from_dn_criteria.write_xml(x);
    for n in &c.call_to_numbers {
        n.write_xml(x);
    }
}

fn dnh(x: &mut XmlOut, d: &DnhSettings) {
    user_table(x, "agentUserTable", &d.agents, AVAILABLE_USER_COLUMNS);
    x.boolean(
        "useTerminateCallToAgentFirst",
        d.use_terminate_call_to_agent_first,
    )
    .boolean(
        "useOriginalAgentServicesForBusyAndNoAnswerCalls",
        d.use_original_agent_services_for_busy_and_no_answer_calls,
    );
}

fn authorizations(x: &mut XmlOut, a: &Authorizations) {
    table(
        x,
        "servicePacksAuthorizationTable",
        SERVICE_PACK_AUTHORIZATION_COLUMNS,
        std::iter::empty(),
    );
    table(
        x,
        "groupServicesAuthorizationTable",
        &[&SERVICE_AUTHORIZATION_COLUMNS[..], &["Instance Count"]].concat(),
        a.group_services.iter().map(|g| {
            let mut row = authorization_cells(&g.service);
            row.push(&g.instance_count);
            row
        }),
    );
    table(
        x,
        "userServicesAuthorizationTable",
        &[
            &SERVICE_AUTHORIZATION_COLUMNS[..],
            &["User Assignable", "Group Service Assignable"],
        ]
        .concat(),
        a.user_services.iter().map(|u| {
            let mut row = authorization_cells(&u.service);
            row.extend([b(u.user_assignable), b(u.group_service_assignable)]);
            row
        }),
    );
}

/// The cells of the columns both authorization tables start with.
fn authorization_cells(s: &ServiceAuthorization) -> Vec<&str> {
    vec![
        s.name.as_str(),
        b(s.authorized),
        b(s.assigned),
        &s.limited,
        &s.quantity,
        &s.usage,
        b(s.licensed),
        &s.allowed,
    ]
}

fn schedule_keys(x: &mut XmlOut, keys: &[ScheduleGlobalKey]) {
    for k in keys {
        x.open("scheduleGlobalKey")
            .open("scheduleKey")
            .text("scheduleName", &k.name)
            .text("scheduleType", k.schedule_type.as_str())
            .close("scheduleKey")
            .text("scheduleLevel", k.level.as_str())
            .close("scheduleGlobalKey");
    }
}
