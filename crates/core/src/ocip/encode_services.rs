//! Client direction of the codec for [`ServiceRequest`]: the elements of each command in its
//! R25 `xs:sequence` order (the schema validator rejects any other order). The caller has
//! opened the `<command>` element.

use super::messages::Change;
use super::xml::XmlOut;
use huntctl_protocol::services::{ForwardingListQuery, ServiceRequest};

/// Writes the children of a service command.
pub(super) fn encode_service_request(x: &mut XmlOut, r: &ServiceRequest) {
    match r {
        ServiceRequest::GetAssignments { user_id }
        | ServiceRequest::GetForwarding { user_id, .. }
        | ServiceRequest::GetSelective { user_id } => {
            x.text("userId", user_id);
        }
        ServiceRequest::Assign { user_id, services }
        | ServiceRequest::Unassign { user_id, services } => {
            x.text("userId", user_id);
            for s in services {
                x.text("serviceName", s);
            }
        }
        ServiceRequest::ServicePacks {
            user_id,
            services,
            packs,
            ..
        } => {
            x.text("userId", user_id);
            for s in services {
                x.text("serviceName", s);
            }
            for p in packs {
                x.text("servicePackName", p);
            }
        }
        ServiceRequest::ModifyForwarding(m) => {
            x.text("userId", &m.user_id);
            if let Some(a) = m.is_active {
                x.boolean("isActive", a);
            }
            change(x, "forwardToPhoneNumber", &m.forward_to_phone_number);
            if m.kind.has_ring_splash() {
                if let Some(r) = m.is_ring_splash_active {
                    x.boolean("isRingSplashActive", r);
                }
            }
        }
        ServiceRequest::ModifySelective(m) => {
            x.text("userId", &m.user_id);
            if let Some(a) = m.is_active {
                x.boolean("isActive", a);
            }
            change(
                x,
                "defaultForwardToPhoneNumber",
                &m.default_forward_to_phone_number,
            );
            if let Some(p) = m.play_ring_reminder {
                x.boolean("playRingReminder", p);
            }
            for (name, active) in &m.criteria_activation {
                x.open("criteriaActivation")
                    .text("criteriaName", name)
                    .boolean("isActive", *active)
                    .close("criteriaActivation");
            }
        }
        ServiceRequest::GetCriteria {
            user_id,
            criteria_name,
        }
        | ServiceRequest::DeleteCriteria {
            user_id,
            criteria_name,
        } => {
            x.text("userId", user_id)
                .text("criteriaName", criteria_name);
        }
        ServiceRequest::AddCriteria(a) => {
            x.text("userId", &a.user_id)
                .text("criteriaName", &a.criteria_name);
            if let Some(s) = &a.time_schedule {
                s.write_xml(x, "timeSchedule");
            }
            if let Some(s) = &a.holiday_schedule {
                s.write_xml(x, "holidaySchedule");
            }
            if let Some(s) = a.forward_to_number_selection {
                x.text("forwardToNumberSelection", s.as_str());
            }
            x.opt("forwardToPhoneNumber", a.forward_to_phone_number.as_deref());
            a.from_dn_criteria.write_xml(x);
            for c in &a.call_to_numbers {
                c.write_xml(x);
            }
        }
        ServiceRequest::ModifyCriteria(m) => {
            x.text("userId", &m.user_id)
                .text("criteriaName", &m.criteria_name)
                .opt("newCriteriaName", m.new_criteria_name.as_deref());
            match &m.time_schedule {
                Change::Keep => {}
                Change::Clear => {
                    x.nil("timeSchedule");
                }
                Change::Set(s) => s.write_xml(x, "timeSchedule"),
            }
            match &m.holiday_schedule {
                Change::Keep => {}
                Change::Clear => {
                    x.nil("holidaySchedule");
                }
                Change::Set(s) => s.write_xml(x, "holidaySchedule"),
            }
            if let Some(s) = m.forward_to_number_selection {
                x.text("forwardToNumberSelection", s.as_str());
            }
            change(x, "forwardToPhoneNumber", &m.forward_to_phone_number);
            if let Some(f) = &m.from_dn_criteria {
                x.open("fromDnCriteria");
                if let Some(s) = f.from_dn_criteria_selection {
                    x.text("fromDnCriteriaSelection", s.as_str());
                }
                if let Some(b) = f.include_anonymous_callers {
                    x.boolean("includeAnonymousCallers", b);
                }
                if let Some(b) = f.include_unavailable_callers {
                    x.boolean("includeUnavailableCallers", b);
                }
                replacement_list(x, "phoneNumberList", &f.phone_number_list, |x, n| {
                    x.text("phoneNumber", n);
                });
                x.close("fromDnCriteria");
            }
            replacement_list(x, "callToNumberList", &m.call_to_number_list, |x, c| {
                c.write_xml(x);
            });
        }
        ServiceRequest::GetDnh { service_user_id }
        | ServiceRequest::DnhAvailableUsers { service_user_id } => {
            x.text("serviceUserId", service_user_id);
        }
        ServiceRequest::ModifyDnh(m) => {
            x.text("serviceUserId", &m.service_user_id);
            replacement_list(x, "agentUserIdList", &m.agent_user_ids, |x, u| {
                x.text("userId", u);
            });
            if let Some(b) = m.use_terminate_call_to_agent_first {
                x.boolean("useTerminateCallToAgentFirst", b);
            }
            if let Some(b) = m.use_original_agent_services_for_busy_and_no_answer_calls {
                x.boolean("useOriginalAgentServicesForBusyAndNoAnswerCalls", b);
            }
        }
        ServiceRequest::GetAuthorizations {
            service_provider_id,
            group_id,
        } => {
            x.text("serviceProviderId", service_provider_id)
                .text("groupId", group_id);
        }
        ServiceRequest::UserSchedules {
            user_id,
            schedule_type,
        } => {
            x.text("userId", user_id)
                .opt("scheduleType", schedule_type.map(|t| t.as_str()));
        }
        ServiceRequest::GroupSchedules {
            service_provider_id,
            group_id,
            schedule_type,
        } => {
            x.text("serviceProviderId", service_provider_id)
                .text("groupId", group_id)
                .opt("scheduleType", schedule_type.map(|t| t.as_str()));
        }
        ServiceRequest::ForwardingList(q) => forwarding_list(x, q),
        ServiceRequest::AssignedUsers {
            service_provider_id,
            group_id,
            name,
            pack,
        } => {
            x.text("serviceProviderId", service_provider_id)
                .text("groupId", group_id)
                .text(
                    if *pack {
                        "servicePackName"
                    } else {
                        "serviceName"
                    },
                    name,
                );
        }
    }
}

/// `GroupUserCallForwardingSettingsGetListRequest`, in its sequence order.
fn forwarding_list(x: &mut XmlOut, q: &ForwardingListQuery) {
    x.text("serviceProviderId", &q.service_provider_id)
        .text("groupId", &q.group_id)
        .text("callForwardingService", q.service.as_str())
        .open("responsePagingControl")
        .number("responseStartIndex", q.start_index)
        .number("responsePageSize", q.page_size)
        .close("responsePagingControl");
    let sort = q.sort.key.element();
    x.open(sort)
        .boolean("isAscending", q.sort.is_ascending)
        .boolean("isCaseSensitive", q.sort.is_case_sensitive)
        .close(sort);
    if q.include_virtual_users {
        x.boolean("includeVirtualUsers", true);
    }
    let criteria = |x: &mut XmlOut, col: huntctl_protocol::services::ForwardingListColumn| {
        for c in q.search.iter().filter(|c| c.column == col) {
            let name = col.element();
            x.open(name)
                .text("mode", c.mode.as_str())
                .text("value", &c.value)
                .boolean("isCaseInsensitive", c.is_case_insensitive)
                .close(name);
        }
    };
    use huntctl_protocol::services::ForwardingListColumn as C;
    for col in [
        C::LastName,
        C::FirstName,
        C::UserId,
        C::Dn,
        C::Extension,
        C::EmailAddress,
    ] {
        criteria(x, col);
    }
    if let Some(d) = &q.exact_department {
        x.open("searchCriteriaExactUserDepartment")
            .open_with("departmentKey", "xsi:type=\"GroupDepartmentKey\"")
            .text("serviceProviderId", &q.service_provider_id)
            .text("groupId", &q.group_id)
            .text("name", d)
            .close("departmentKey")
            .close("searchCriteriaExactUserDepartment");
    }
    if let Some(t) = q.exact_in_trunk_group {
        x.open("searchCriteriaExactUserInTrunkGroup")
            .boolean("userInTrunkGroup", t)
            .close("searchCriteriaExactUserInTrunkGroup");
    }
    criteria(x, C::ForwardedToNumber);
}

/// A nillable replacement list of a modify (`phoneNumberList`, `callToNumberList`,
/// `agentUserIdList`): left out, or `xsi:nil` to clear it (an empty one too: R25 wants at
/// least one item in a list that is sent), or its items, each written by `item`.
fn replacement_list<T>(
    x: &mut XmlOut,
    name: &str,
    list: &Change<Vec<T>>,
    item: impl Fn(&mut XmlOut, &T),
) {
    match list {
        Change::Keep => {}
        Change::Clear => {
            x.nil(name);
        }
        Change::Set(v) if v.is_empty() => {
            x.nil(name);
        }
        Change::Set(v) => {
            x.open(name);
            for i in v {
                item(x, i);
            }
            x.close(name);
        }
    }
}

/// A nillable simple element of a modify: left out, `xsi:nil`, or the value.
fn change(x: &mut XmlOut, name: &str, c: &Change<String>) {
    match c {
        Change::Keep => {}
        Change::Clear => {
            x.nil(name);
        }
        Change::Set(v) => {
            x.text(name, v);
        }
    }
}
