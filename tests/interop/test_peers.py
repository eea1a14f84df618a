"""The public Python OCI-P SDKs against `huntctl sandbox`: TCP, TLS and SOAP, with and without
latency. Each check runs for every SDK x transport (fixture `peer`) on both sandboxes."""

from __future__ import annotations

import asyncio
import threading

import pytest

from conftest import (
    ADMIN_PASSWORD,
    FIELD_REPR,
    HUNT_GROUP_PASSWORD,
    REPLIES,
    FastPeer,
    MercuryPeer,
    check_reply,
)

SP = "MyServiceProvider"

# The defaults of the reference page ("Create Hunt Groups", mercury-ocip's bulk operation), as
# mercury-ocip 1.3.0 applies them; FastPeer, which has no bulk operation, applies the same.
DEFAULTS = {
    "policy": "Regular",
    "hunt_after_no_answer": True,
    "no_answer_number_of_rings": 5,
    "forward_after_timeout": False,
    "forward_timeout_seconds": 10,
    "allow_call_waiting_for_agents": True,
    "use_system_hunt_group_clid_setting": True,
    "include_hunt_group_name_in_clid": True,
    "enable_not_reachable_forwarding": False,
    "make_busy_when_not_reachable": False,
    "allow_members_to_control_group_busy": False,
    "enable_group_busy": False,
    "apply_group_busy_when_terminating_to_agent": False,
}
SETTINGS = list(DEFAULTS)
PROFILE = ["name", "calling_line_id_last_name", "calling_line_id_first_name", "alias"]


@pytest.fixture(autouse=True)
def every_reply_parses():
    """Zero parse errors: every reply an SDK received during the test starts with the
    declaration and is exactly one well-formed document."""
    start = len(REPLIES)
    yield
    for kind, reply in REPLIES[start:]:
        check_reply(kind, reply)


def page_data(tag: str) -> list[dict]:
    """The reference page's two hunt groups (its `create_hunt_group_from_data` example), with ids
    made unique per run and a few settings away from their defaults."""
    return [
        {
            "operation": "hunt.group.create",
            "service_provider_id": SP,
            "group_id": "SalesGroup",
            "service_user_id": f"sales-{tag}@company.com",
            "service_instance_profile": {
                "name": "Sales Hunt Group",
                "calling_line_id_last_name": "Sales",
                "calling_line_id_first_name": "Team",
                "alias": [f"sales-team-{tag}@company.com", f"sales-hunt-{tag}@company.com"],
                "password": HUNT_GROUP_PASSWORD,
            },
            "policy": "Regular",
            "hunt_after_no_answer": True,
            "no_answer_number_of_rings": 5,
            "forward_after_timeout": False,
            "forward_timeout_seconds": 10,
            "allow_call_waiting_for_agents": True,
            "agent_user_id": [
                "john.doe@company.com",
                "jane.smith@company.com",
                "bob.wilson@company.com",
            ],
        },
        {
            "operation": "hunt.group.create",
            "service_provider_id": SP,
            "group_id": "SupportGroup",
            "service_user_id": f"support-{tag}@company.com",
            "service_instance_profile": {
                "name": "Support Hunt Group",
                "calling_line_id_last_name": "Support",
                "calling_line_id_first_name": "Team",
                "alias": [f"support-team-{tag}@company.com"],
            },
            "policy": "Circular",
            "hunt_after_no_answer": True,
            "no_answer_number_of_rings": 3,
            "forward_after_timeout": True,
            "forward_timeout_seconds": 120,
            "allow_call_waiting_for_agents": False,
            "use_system_hunt_group_clid_setting": False,
            "include_hunt_group_name_in_clid": False,
            "make_busy_when_not_reachable": True,
            "enable_group_busy": True,
            "agent_user_id": ["support2@company.com", "support1@company.com"],
        },
    ]


def one_group(tag: str, **over) -> dict:
    g = page_data(tag)[1]
    g["service_user_id"] = f"extra-{tag}@company.com"
    g["service_instance_profile"]["alias"] = []
    g.update(over)
    return g


def is_error(r) -> bool:
    return type(r).__name__ == "ErrorResponse"


def create(peer, rows: list[dict]) -> list[tuple[bool, object]]:
    """Creates hunt groups the peer's way; one (success, ErrorResponse-or-None) per row."""
    if isinstance(peer, MercuryPeer):
        from mercury_ocip.agent import Agent

        # PEER DESIGN: Agent is a process-wide singleton bound to the first client it is given;
        # each peer of this suite needs one bound to its own client.
        Agent._Agent__instance = None
        agent = Agent.get_instance(peer.client)
        results = agent.bulk.create_hunt_group_from_data(
            hunt_group_data=[dict(r) for r in rows], dry_run=False
        )
        out = []
        for r in results:
            assert "error" not in r or r["error"] is None, f"the SDK failed, not the server: {r}"
            out.append((r["success"], r if not r["success"] else None))
        return out
    c = peer.commands
    cmds = []
    for row in rows:
        fields = {**DEFAULTS, **{k: v for k, v in row.items() if k != "operation"}}
        fields["service_instance_profile"] = c.ServiceInstanceAddProfile(
            **fields["service_instance_profile"]
        )
        cmds.append(c.GroupHuntGroupAddInstanceRequest20(**fields))
    responses = peer.call(cmds)
    return [(not is_error(r), r if is_error(r) else None) for r in responses]


def summary(err) -> str:
    if isinstance(err, dict):  # a mercury-ocip bulk result
        return f"{err['response']} {err.get('detail') or ''}"
    return f"{err.summary} {err.detail or ''}"


def norm(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return v


def column(table, heading: str) -> list:
    # Columns are found by heading, never by position (the schema says so).
    i = table.col_heading.index(heading)
    return [row.col[i] for row in table.row]


def get(peer, service_user_id: str):
    return peer.call(peer.commands.GroupHuntGroupGetInstanceRequest20(service_user_id=service_user_id))


# ------------------------------------------------------------------------------------------------


def test_login_and_list(peer):
    r = peer.call(peer.commands.GroupHuntGroupGetInstanceListRequest(
        service_provider_id=SP, group_id="SalesGroup"))
    assert not is_error(r), summary(r)
    ids = column(r.hunt_group_table, "Service User Id")
    assert "sales-hunt@company.com" in ids and "sales-vip-hunt@company.com" in ids
    assert column(r.hunt_group_table, "Name")[ids.index("sales-hunt@company.com")] == "Sales Hunt"


def test_bulk_create_from_data_then_every_field_reads_back(peer):
    rows = page_data(peer.tag)
    results = create(peer, rows)
    assert [ok for ok, _ in results] == [True, True], [summary(e) for _, e in results if e]
    listed = peer.call(peer.commands.GroupHuntGroupGetInstanceListRequest(
        service_provider_id=SP, group_id="SalesGroup"))
    assert rows[0]["service_user_id"] in column(listed.hunt_group_table, "Service User Id")
    for row in rows:
        got = get(peer, row["service_user_id"])
        assert not is_error(got), summary(got)
        want = {**DEFAULTS, **row}
        for f in SETTINGS:
            assert norm(getattr(got, f)) == norm(want[f]), f"{row['service_user_id']}: {f}"
        p = got.service_instance_profile
        for f in PROFILE:
            have = getattr(p, f)
            if f == "alias":
                have = [] if have is None else ([have] if isinstance(have, str) else list(have))
            assert have == row["service_instance_profile"][f], f"{row['service_user_id']}: {f}"
        t = got.agent_user_table
        assert column(t, "User Id") == row["agent_user_id"]
        # The columns only an AS returns (R25, GroupHuntGroupGetInstanceResponse20), in order
        # after the common ten, with the agent's group and numbering plan in them.
        assert t.col_heading[10:] == [
            "Is Phone Number Activated", "Country Code", "National Prefix", "Department Name",
            "Department Type", "Parent Department", "Parent Department Type", "Group Id",
            "Group Name"]
        n = len(row["agent_user_id"])
        assert column(t, "Group Id") == [row["group_id"]] * n
        assert column(t, "Group Name") == [row["group_id"]] * n
        assert column(t, "Country Code") == ["1"] * n
        assert column(t, "National Prefix") == ["1"] * n


def test_preflight_reads_parse_with_the_r25_columns(peer):
    # huntctl's pre-flight reads (issue 16), as each SDK builds and parses them.
    c = peer.commands
    users = peer.call(c.GroupHuntGroupGetAvailableUserListRequest(
        service_provider_id=SP, group_id="SalesGroup"))
    assert not is_error(users), summary(users)
    assert users.user_table.col_heading == [
        "User Id", "Last Name", "First Name", "Hiragana Last Name", "Hiragana First Name",
        "Phone Number", "Extension", "Department", "Email Address"]
    assert "john.doe@company.com" in column(users.user_table, "User Id")
    dns = peer.call(c.GroupDnGetAvailableListRequest(service_provider_id=SP, group_id="SalesGroup"))
    assert not is_error(dns), summary(dns)
    numbers = dns.phone_number if isinstance(dns.phone_number, list) else [dns.phone_number]
    assert numbers and "2025550100" not in numbers, numbers  # sales-hunt holds 2025550100
    listed = peer.call(c.UserGetListInGroupRequest(service_provider_id=SP, group_id="SalesGroup"))
    assert not is_error(listed), summary(listed)
    ids = column(listed.user_table, "User Id")
    assert column(listed.user_table, "Extension")[ids.index("john.doe@company.com")] == "1001"
    assert set(column(listed.user_table, "Country Code")) == {"1"}


def active_column(peer, group: str) -> dict:
    r = peer.call(peer.commands.GroupHuntGroupGetInstanceListRequest(
        service_provider_id=SP, group_id=group))
    assert not is_error(r), summary(r)
    t = r.hunt_group_table
    return dict(zip(column(t, "Service User Id"), map(norm, column(t, "Is Active"))))


def test_active_list_toggles_is_active_all_or_nothing(peer):
    # huntctl's isActive (issue 15): GroupHuntGroupModifyActiveInstanceListRequest as each SDK
    # builds it, seen in the instance list's "Is Active" column.
    c = peer.commands
    hid = f"act-{peer.tag}@company.com"
    [(ok, err)] = create(peer, [one_group(peer.tag, service_user_id=hid)])
    assert ok, summary(err)
    assert active_column(peer, "SupportGroup")[hid] == "true"

    def set_active(*pairs):
        return peer.call(c.GroupHuntGroupModifyActiveInstanceListRequest(service_activation=[
            c.ServiceActivation(service_user_id=i, is_active=a) for i, a in pairs]))

    r = set_active((hid, False))
    assert not is_error(r), summary(r)
    assert active_column(peer, "SupportGroup")[hid] == "false"
    # One unknown hunt group refuses the whole command: hid stays inactive.
    r = set_active((hid, True), (f"nobody-{peer.tag}@company.com", True))
    assert is_error(r) and "[Error 4008]" in summary(r), summary(r)
    assert active_column(peer, "SupportGroup")[hid] == "false"
    r = set_active((hid, True))
    assert not is_error(r), summary(r)
    assert active_column(peer, "SupportGroup")[hid] == "true"


def test_department_list_parses_with_the_r25_columns(peer):
    r = peer.call(peer.commands.GroupDepartmentGetListRequest18(
        service_provider_id=SP, group_id="SalesGroup", include_enterprise_departments=True))
    assert not is_error(r), summary(r)
    t = r.department_table
    assert t.col_heading == ["Is Enterprise Department", "Department Name", "Full Path Name",
                             "Calling Line Id Name", "Calling Line Id Phone Number"]
    assert column(t, "Department Name") == ["Sales", "Corporate", "Operations"]
    assert list(map(norm, column(t, "Is Enterprise Department"))) == ["false", "true", "true"]


def test_unknown_agent_is_refused_with_4008(peer):
    [(ok, err)] = create(peer, [one_group(peer.tag, agent_user_id=["nobody@company.com"])])
    assert not ok
    assert "[Error 4008]" in summary(err), summary(err)


def test_duplicate_is_refused(peer):
    row = one_group(peer.tag, service_user_id=f"dup-{peer.tag}@company.com")
    [(ok, _)] = create(peer, [row])
    assert ok
    [(ok, err)] = create(peer, [row])
    # No public source shows the code for an existing id: only "refused" is checked.
    assert not ok and "[Error" in summary(err), summary(err)


def test_weighted_call_distribution_is_refused_by_schema_validation(peer):
    # The reference page's label for the policy; the schema's enumeration value is "Weighted".
    row = one_group(peer.tag, service_user_id=f"wcd-{peer.tag}@company.com",
                    policy="Weighted Call Distribution")
    [(ok, err)] = create(peer, [row])
    assert not ok
    assert "[Error 6004]" in summary(err) and "policy" in summary(err), summary(err)
    assert is_error(get(peer, row["service_user_id"])), "nothing was created"


def test_hunt_group_password_is_never_echoed(peer):
    secret = "LongSecret" * 7  # 70 characters: R25 allows 1-60
    row = one_group(peer.tag, service_user_id=f"pw-{peer.tag}@company.com")
    row["service_instance_profile"]["password"] = secret
    [(ok, err)] = create(peer, [row])
    assert not ok
    text = summary(err)
    assert "[Error 6004]" in text and "password" in text, text
    assert "LongSecret" not in text


SEEDED = {
    "sales-hunt@company.com": "Sales Hunt",
    "sales-vip-hunt@company.com": "Sales VIP Line",
    "support-hunt@company.com": "Support Hunt Group",
    "support-legacy-hunt@company.com": "Support Legacy",
    "nobody@company.com": None,
}


def expect_in_order(responses, ids):
    assert len(responses) == len(ids)
    for r, i in zip(responses, ids):
        if SEEDED[i] is None:
            assert is_error(r) and "[Error 4008]" in r.summary, i
        else:
            assert not is_error(r) and r.service_instance_profile.name == SEEDED[i], i


def test_fifteen_command_documents_over_a_pool(peer):
    ids = [list(SEEDED)[n % len(SEEDED)] for n in range(15)]
    if isinstance(peer, FastPeer):
        get_ = peer.commands.GroupHuntGroupGetInstanceRequest20

        async def three_at_once():
            return await asyncio.gather(
                *(peer.client.command([get_(service_user_id=i) for i in ids]) for _ in range(3))
            )

        for responses in peer.run(three_at_once()):
            expect_in_order(responses, ids)
        # 45 commands: the SDK cuts them into three 15-command documents.
        expect_in_order(peer.call([get_(service_user_id=i) for i in ids * 3]), ids * 3)
        return
    # mercury-ocip 1.3.0 has neither a pool nor multi-command documents (its requester keeps the
    # first command of what it is given): three clients, each its own logged-in connection, send
    # the 15 commands one document each, concurrently.
    clients = [MercuryPeer(peer.sb, peer.transport) for _ in range(3)]
    results: dict[int, list] = {}

    def work(n, c):
        results[n] = [c.call(c.commands.GroupHuntGroupGetInstanceRequest20(service_user_id=i))
                      for i in ids]

    threads = [threading.Thread(target=work, args=(n, c)) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for c in clients:
        c.close()
    assert sorted(results) == [0, 1, 2]
    for responses in results.values():
        expect_in_order(responses, ids)


def test_hundred_consecutive_replies_each_start_with_the_declaration(peer):
    start = len(REPLIES)
    for _ in range(100):
        r = get(peer, "support-hunt@company.com")
        assert not is_error(r) and r.service_instance_profile.name == "Support Hunt Group"
    mine = REPLIES[start:]
    assert len(mine) >= 100
    assert all(reply.startswith("<?xml") for _, reply in mine)


# ------------------------------------------------------------------------------------------------


def test_stock_mercury_ocip_tcp_login_is_refused_with_6004(sandbox):
    """mercury-ocip 1.3.0 as shipped, over plain TCP: its broken LoginRequest14sp4 (see
    conftest.fixed_login14sp4) is refused with 6004, and the detail does not echo its value."""
    from mercury_ocip import Client
    from mercury_ocip.exceptions import MError

    start = len(REPLIES)
    with pytest.raises(MError, match=r"\[Error 6004\]"):
        Client(host="127.0.0.1", port=sandbox.tcp_port, username="admin",
               password=ADMIN_PASSWORD, conn_type="TCP", tls=False)
    login_reply = REPLIES[-1][1]
    assert len(REPLIES) - start == 2, "AuthenticationRequest, then the refused login"
    assert "[Error 6004]" in login_reply and "plainTextPassword" in login_reply, login_reply
    assert FIELD_REPR not in login_reply and "default=" not in login_reply, login_reply


def oci(session: str, *commands: str) -> str:
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?><BroadsoftDocument protocol="OCI" xmlns="C"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<sessionId xmlns="">{session}</sessionId>{"".join(commands)}</BroadsoftDocument>'
    )


def test_zeep_client_built_from_the_wsdl_logs_in_and_gets_a_hunt_group(sandbox):
    import lxml.etree
    import zeep
    import zeep.exceptions

    port = sandbox.soap_url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[1]
    # Fetched through another name: the service address follows the URL the WSDL came from.
    url = f"http://localhost:{port}/webservice/services/ProvisioningService"
    client = zeep.Client(f"{url}?wsdl")
    assert client.service._binding_options["address"] == url
    get_ = ('<command xsi:type="GroupHuntGroupGetInstanceRequest20" xmlns="">'
            "<serviceUserId>sales-vip-hunt@company.com</serviceUserId></command>")
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.service.processOCIMessage(oci("zeep-1", get_))
    assert fault.value.message == "INVALID_REQUEST"
    assert fault.value.code == "soapenv:Server.generalException" or fault.value.code.endswith(
        "Server.generalException"), fault.value.code
    detail = lxml.etree.tostring(fault.value.detail, encoding="unicode")
    assert "Cannot process any request before user is logged in." in detail, detail
    login = ('<command xsi:type="LoginRequest22V5" xmlns=""><userId>admin</userId>'
             f"<password>{ADMIN_PASSWORD}</password></command>")
    reply = client.service.processOCIMessage(oci("zeep-1", login))
    REPLIES.append(("zeep soap", reply))
    check_reply("zeep soap", reply)
    assert 'xsi:type="LoginResponse22V5"' in reply, reply
    reply = client.service.processOCIMessage(oci("zeep-1", get_))
    REPLIES.append(("zeep soap", reply))
    check_reply("zeep soap", reply)
    assert "<name>Sales VIP Line</name>" in reply and "<policy>Simultaneous</policy>" in reply
