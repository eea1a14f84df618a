"""A hunt group's user services as the public SDKs drive them (issue 25): assignment and its
authorization, Call Forwarding Always / Busy / Not Reachable / Selective with a criterion on the
group's `Business Hours`, Directory Number Hunting, and the authorization and schedule lists —
every command built and every reply parsed by mercury-ocip and mercury-ocip-fast, over TCP, TLS
and SOAP (fixture `peer`)."""

from __future__ import annotations

from test_peers import column, create, is_error, norm, one_group, summary

SP = "MyServiceProvider"
FORWARDING = ["Call Forwarding Always", "Call Forwarding Busy", "Call Forwarding Not Reachable"]
SELECTIVE = "Call Forwarding Selective"
DNH = "Directory Number Hunting"


def many(v) -> list:
    """A repeated element as the SDKs parse it: absent, one object, or a list."""
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def ok(r):
    assert not is_error(r), summary(r)
    return r


def hunt_group(peer, name: str) -> str:
    hid = f"{name}-{peer.tag}@company.com"
    [(created, err)] = create(peer, [one_group(
        peer.tag, service_user_id=hid, group_id="SalesGroup",
        agent_user_id=["john.doe@company.com", "jane.smith@company.com"])])
    assert created, summary(err)
    return hid


def test_assignment_and_simple_forwarding(peer):
    c = peer.commands
    hid = hunt_group(peer, "svc")
    r = peer.call(c.UserServiceAssignListRequest(
        user_id=hid, service_name=["Call Forwarding Always Secondary"]))
    assert is_error(r) and "[Error 4419]" in summary(r), summary(r)
    ok(peer.call(c.UserServiceAssignListRequest(user_id=hid, service_name=FORWARDING)))
    listed = ok(peer.call(c.UserServiceGetAssignmentListRequest(user_id=hid)))
    t = listed.user_services_assignment_table
    assert t.col_heading == ["Service Name", "Assigned"]
    assigned = dict(zip(column(t, "Service Name"), map(norm, column(t, "Assigned"))))
    assert all(assigned[s] == "true" for s in FORWARDING), assigned
    assert assigned[SELECTIVE] == "false", assigned

    fresh = ok(peer.call(c.UserCallForwardingAlwaysGetRequest(user_id=hid)))
    assert norm(fresh.is_active) == "false" and not fresh.forward_to_phone_number
    r = peer.call(c.UserCallForwardingAlwaysModifyRequest(user_id=hid, is_active=True))
    assert is_error(r) and "[Error 4422]" in summary(r), summary(r)
    ok(peer.call(c.UserCallForwardingAlwaysModifyRequest(
        user_id=hid, is_active=True, forward_to_phone_number="+1-2025551234",
        is_ring_splash_active=True)))
    on = ok(peer.call(c.UserCallForwardingAlwaysGetRequest(user_id=hid)))
    assert norm(on.is_active) == "true" and on.forward_to_phone_number == "+1-2025551234"
    assert norm(on.is_ring_splash_active) == "true"
    ok(peer.call(c.UserCallForwardingBusyModifyRequest(
        user_id=hid, is_active=True, forward_to_phone_number="2025559000")))
    busy = ok(peer.call(c.UserCallForwardingBusyGetRequest(user_id=hid)))
    assert norm(busy.is_active) == "true" and busy.forward_to_phone_number == "2025559000"
    ok(peer.call(c.UserCallForwardingNotReachableModifyRequest(
        user_id=hid, forward_to_phone_number="overflow@company.com")))
    nr = ok(peer.call(c.UserCallForwardingNotReachableGetRequest(user_id=hid)))
    assert norm(nr.is_active) == "false" and nr.forward_to_phone_number == "overflow@company.com"

    ok(peer.call(c.UserServiceUnassignListRequest(user_id=hid, service_name=["Call Forwarding Always"])))
    r = peer.call(c.UserCallForwardingAlwaysGetRequest(user_id=hid))
    assert is_error(r) and "[Error 4421]" in summary(r), summary(r)


def test_selective_criteria_on_business_hours(peer):
    c = peer.commands
    hid = hunt_group(peer, "cfs")
    ok(peer.call(c.UserServiceAssignListRequest(user_id=hid, service_name=[SELECTIVE])))
    any_caller = c.CriteriaFromDn(from_dn_criteria_selection="Any", include_anonymous_callers=False,
                                  include_unavailable_callers=False)
    ok(peer.call(c.UserCallForwardingSelectiveAddCriteriaRequest16(
        user_id=hid, criteria_name="after-hours",
        time_schedule=c.TimeSchedule(type="Group", name="Business Hours"),
        forward_to_number_selection="Forward To Specified Number",
        forward_to_phone_number="2025559999", from_dn_criteria=any_caller)))
    r = peer.call(c.UserCallForwardingSelectiveAddCriteriaRequest16(
        user_id=hid, criteria_name="support",
        time_schedule=c.TimeSchedule(type="Group", name="Support Hours"),
        forward_to_number_selection="Forward To Specified Number",
        forward_to_phone_number="2025559999", from_dn_criteria=any_caller))
    assert is_error(r) and "[Error 4426]" in summary(r), summary(r)
    ok(peer.call(c.UserCallForwardingSelectiveModifyCriteriaRequest(
        user_id=hid, criteria_name="after-hours", forward_to_phone_number="2025558888")))
    got = ok(peer.call(c.UserCallForwardingSelectiveGetCriteriaRequest21(
        user_id=hid, criteria_name="after-hours")))
    assert got.time_schedule.name == "Business Hours" and got.time_schedule.type == "Group"
    assert got.forward_to_phone_number == "2025558888"
    assert got.forward_to_number_selection == "Forward To Specified Number"
    ok(peer.call(c.UserCallForwardingSelectiveModifyRequest(
        user_id=hid, is_active=True, default_forward_to_phone_number="2025557777",
        criteria_activation=[c.CriteriaActivation(criteria_name="after-hours", is_active=False)])))
    s = ok(peer.call(c.UserCallForwardingSelectiveGetRequest16(user_id=hid)))
    assert norm(s.is_active) == "true" and s.default_forward_to_phone_number == "2025557777"
    t = s.criteria_table
    assert t.col_heading == [
        "Is Active", "Criteria Name", "Time Schedule", "Calls From", "Forward To", "Blacklisted",
        "Holiday Schedule", "Calls To Type", "Calls To Number", "Calls To Extension"]
    assert column(t, "Criteria Name") == ["after-hours"]
    assert list(map(norm, column(t, "Is Active"))) == ["false"]
    ok(peer.call(c.UserCallForwardingSelectiveDeleteCriteriaRequest(
        user_id=hid, criteria_name="after-hours")))
    r = peer.call(c.UserCallForwardingSelectiveGetCriteriaRequest21(
        user_id=hid, criteria_name="after-hours"))
    assert is_error(r) and "[Error 4425]" in summary(r), summary(r)


def test_directory_number_hunting_and_the_preflight_lists(peer):
    c = peer.commands
    hid = hunt_group(peer, "dnh")
    ok(peer.call(c.UserServiceAssignListRequest(user_id=hid, service_name=[DNH])))
    r = peer.call(c.GroupDirectoryNumberHuntingModifyRequest(
        service_user_id=hid,
        agent_user_id_list=c.ReplacementUserIdList(user_id=["bob.wilson@company.com"])))
    assert is_error(r) and "[Error 4428]" in summary(r), summary(r)
    ok(peer.call(c.GroupDirectoryNumberHuntingModifyRequest(
        service_user_id=hid,
        agent_user_id_list=c.ReplacementUserIdList(user_id=["jane.smith@company.com"]),
        use_terminate_call_to_agent_first=True)))
    d = ok(peer.call(c.GroupDirectoryNumberHuntingGetRequest17sp1(service_user_id=hid)))
    assert column(d.agent_user_table, "User Id") == ["jane.smith@company.com"]
    assert norm(d.use_terminate_call_to_agent_first) == "true"
    assert norm(d.use_original_agent_services_for_busy_and_no_answer_calls) == "false"
    avail = ok(peer.call(c.GroupDirectoryNumberHuntingGetAvailableUserListRequest(
        service_user_id=hid)))
    assert "john.doe@company.com" in column(avail.user_table, "User Id")
    # Unassigning clears the agents: jane hunts through no hunt group again (the sandboxes
    # are shared by every peer, and an agent is in one directory number hunting at most).
    ok(peer.call(c.UserServiceUnassignListRequest(user_id=hid, service_name=[DNH])))
    other = hunt_group(peer, "dnh2")
    ok(peer.call(c.UserServiceAssignListRequest(user_id=other, service_name=[DNH])))
    ok(peer.call(c.GroupDirectoryNumberHuntingModifyRequest(
        service_user_id=other,
        agent_user_id_list=c.ReplacementUserIdList(user_id=["jane.smith@company.com"]))))
    ok(peer.call(c.UserServiceUnassignListRequest(user_id=other, service_name=[DNH])))

    auth = ok(peer.call(c.GroupServiceGetAuthorizationListRequest(
        service_provider_id=SP, group_id="SalesGroup")))
    u = auth.user_services_authorization_table
    assert u.col_heading == [
        "Service Name", "Authorized", "Assigned", "Limited", "Quantity", "Usage", "Licensed",
        "Allowed", "User Assignable", "Group Service Assignable"]
    authorized = dict(zip(column(u, "Service Name"), map(norm, column(u, "Authorized"))))
    assert authorized[DNH] == "true" and authorized["Call Forwarding Always Secondary"] == "false"

    def keys(r):
        return [(k.schedule_key.schedule_name, k.schedule_key.schedule_type, k.schedule_level)
                for k in many(r.schedule_global_key)]

    mine = ok(peer.call(c.UserScheduleGetListRequest17sp1(user_id=hid)))
    assert ("Business Hours", "Time", "Group") in keys(mine), keys(mine)
    assert ("Holidays", "Holiday", "Group") in keys(mine), keys(mine)
    group = ok(peer.call(c.GroupScheduleGetListRequest17sp1(
        service_provider_id=SP, group_id="SupportGroup", schedule_type="Time")))
    assert keys(group) == [("Support Hours", "Time", "Group")], keys(group)


def test_group_forwarding_settings_list(peer):
    """The one read a plan makes per group for Busy / Not Reachable forwarding: paged, sorted,
    searched, hunt groups' users included only on request."""
    c = peer.commands
    hid = hunt_group(peer, "cflist")
    ok(peer.call(c.UserServiceAssignListRequest(
        user_id=hid, service_name=["Call Forwarding Busy"])))
    ok(peer.call(c.UserCallForwardingBusyModifyRequest(
        user_id=hid, is_active=True, forward_to_phone_number="+1-2025550150")))

    def listing(start=1, size=100, virtual=True, **search):
        return ok(peer.call(c.GroupUserCallForwardingSettingsGetListRequest(
            service_provider_id=SP, group_id="SalesGroup",
            call_forwarding_service="Call Forwarding Busy",
            response_paging_control=c.ResponsePagingControl(
                response_start_index=start, response_page_size=size),
            sort_by_user_last_name=c.SortByUserLastName(is_ascending=True, is_case_sensitive=True),
            include_virtual_users=True if virtual else None,
            **search)))

    mine = [c.SearchCriteriaUserId(mode="Equal To", value=hid, is_case_insensitive=True)]
    r = listing(search_criteria_user_id=mine)
    t = r.user_call_forwarding_table
    assert t.col_heading == [
        "User Id", "Last Name", "First Name", "Hiragana Last Name", "Hiragana First Name",
        "Phone Number", "Extension", "Department", "In Trunk Group", "Email Address",
        "Is Active", "Forwarding Address"]
    assert column(t, "User Id") == [hid]
    assert [norm(v) for v in column(t, "Is Active")] == ["true"]
    assert column(t, "Forwarding Address") == ["+1-2025550150"]
    # Only ordinary users without includeVirtualUsers: the hunt group's user is not among them.
    plain = listing(virtual=False, search_criteria_user_id=mine)
    assert column(plain.user_call_forwarding_table, "User Id") == []
    # Pages of one row walk the whole list once, in the sort order.
    every = column(listing().user_call_forwarding_table, "User Id")
    assert hid in every
    paged = []
    for i in range(1, len(every) + 2):
        paged += column(listing(start=i, size=1).user_call_forwarding_table, "User Id")
    assert paged == every
    r = peer.call(c.GroupUserCallForwardingSettingsGetListRequest(
        service_provider_id=SP, group_id="SalesGroup",
        call_forwarding_service="Call Forwarding Busy",
        response_paging_control=c.ResponsePagingControl(
            response_start_index=1, response_page_size=2001),
        sort_by_user_last_name=c.SortByUserLastName(is_ascending=True, is_case_sensitive=True)))
    assert is_error(r), summary(r)
    ok(peer.call(c.UserServiceUnassignListRequest(
        user_id=hid, service_name=["Call Forwarding Busy"])))


def test_assigned_user_list(peer):
    """The group read an export makes per service in use: who has it, hunt groups' users
    included."""
    c = peer.commands
    hid = hunt_group(peer, "assigned")

    def users():
        r = ok(peer.call(c.GroupGetUserServiceAssignedUserListRequest(
            service_provider_id=SP, group_id="SalesGroup", service_name="Privacy")))
        t = r.user_list_table
        assert t.col_heading == [
            "User Id", "Last Name", "First Name", "Department", "Phone Number",
            "Email Address", "Hiragana Last Name", "Hiragana First Name", "Extension"]
        return column(t, "User Id")

    assert hid not in users()
    ok(peer.call(c.UserServiceAssignListRequest(user_id=hid, service_name=["Privacy"])))
    assert hid in users()
    ok(peer.call(c.UserServiceUnassignListRequest(user_id=hid, service_name=["Privacy"])))
    assert hid not in users()
    r = peer.call(c.GroupGetUserServiceAssignedUserListRequest(
        service_provider_id=SP, group_id="SalesGroup", service_pack_name="Gold"))
    assert is_error(r) and "[Error 4431]" in summary(r), summary(r)
