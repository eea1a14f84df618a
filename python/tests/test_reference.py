"""The reference page's two Python examples ("Create from CSV", "Create from Data"), with only the
import and the client lines changed, against the embedded sandbox."""

import copy
import pathlib

import pytest

import huntctl
from conftest import DATA, hunt_groups_on_server

REFERENCE_KEYS = {"index", "data", "command", "response", "success", "error"}

# The reference page's "Create from Data" list, verbatim.
hunt_groups_data = [
    {
        "operation": "hunt.group.create",
        "service_provider_id": "MyServiceProvider",
        "group_id": "SalesGroup",
        "service_user_id": "sales-hunt@company.com",
        "service_instance_profile": {
            "name": "Sales Hunt Group",
            "calling_line_id_last_name": "Sales",
            "calling_line_id_first_name": "Team",
            "alias": ["sales-team", "sales-hunt"]
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
            "bob.wilson@company.com"
        ]
    },
    {
        "operation": "hunt.group.create",
        "service_provider_id": "MyServiceProvider",
        "group_id": "SupportGroup",
        "service_user_id": "support-hunt@company.com",
        "service_instance_profile": {
            "name": "Support Hunt Group",
            "calling_line_id_last_name": "Support",
            "calling_line_id_first_name": "Team",
            "alias": ["support-team"]
        },
        "policy": "Circular",
        "hunt_after_no_answer": True,
        "no_answer_number_of_rings": 3,
        "agent_user_id": [
            "support1@company.com",
            "support2@company.com"
        ]
    }
]


def process(results, capsys):
    """The reference page's "Process results" loop, verbatim; returns what it printed."""
    for result in results:
        if result["success"]:
            print(f"✅ Created hunt group: {result['data']['serviceInstanceProfile']['name']}")
        else:
            print(f"❌ Failed to create hunt group: {result.get('error', 'Unknown error')}")
    return capsys.readouterr().out.splitlines()


def check_shape(results, ids):
    assert [r["index"] for r in results] == list(range(len(ids)))
    for r, want in zip(results, ids):
        assert REFERENCE_KEYS <= set(r), r
        assert r["data"]["serviceUserId"] == want
        assert r["error"] is None
        assert r["success"] is True
        assert isinstance(r["command"], list) and r["command"]


def check_created(sb):
    on_server = hunt_groups_on_server(sb)
    sales = on_server["sales-hunt@company.com"]
    assert sales["serviceInstanceProfile"]["name"] == "Sales Hunt Group"
    assert sales["serviceInstanceProfile"]["alias"] == ["sales-team", "sales-hunt"]
    assert [a["userId"] if isinstance(a, dict) else a for a in sales["agentUserId"]] == [
        "john.doe@company.com", "jane.smith@company.com", "bob.wilson@company.com"]
    support = on_server["support-hunt@company.com"]
    assert support["policy"] == "Circular"
    assert support["noAnswerNumberOfRings"] == 3


def test_create_from_data_dry_run_sends_nothing(sandbox, capsys):
    data = copy.deepcopy(hunt_groups_data)
    results = huntctl.create_hunt_groups_from_data(
        hunt_group_data=data,
        dry_run=True  # Set to True to validate without creating
    )
    check_shape(results, ["sales-hunt@company.com", "support-hunt@company.com"])
    assert all(r["response"] == "" for r in results)
    assert results[0]["command"] == ["GroupHuntGroupAddInstanceRequest20"]
    assert process(results, capsys) == [
        "✅ Created hunt group: Sales Hunt Group", "✅ Created hunt group: Support Hunt Group"]
    # Nothing reached the server, not even a login; the caller's dicts are untouched.
    assert sandbox.record() == ""
    assert data == hunt_groups_data


def test_create_from_data_creates_both(sandbox, capsys):
    results = huntctl.create_hunt_groups_from_data(
        hunt_group_data=hunt_groups_data,
        dry_run=False,  # Set to True to validate without creating
        url=sandbox.url, user="admin", password="admin",
    )
    check_shape(results, ["sales-hunt@company.com", "support-hunt@company.com"])
    assert [r["action"] for r in results] == ["create", "create"]
    assert all(r["response"] == "SuccessResponse" for r in results)
    assert process(results, capsys) == [
        "✅ Created hunt group: Sales Hunt Group", "✅ Created hunt group: Support Hunt Group"]
    assert "GroupHuntGroupAddInstanceRequest20" in sandbox.record()
    check_created(sandbox)
    # Running the script again changes nothing and still succeeds.
    again = huntctl.create_hunt_groups_from_data(hunt_groups_data, **sandbox.connection)
    assert [r["action"] for r in again] == ["no-op", "no-op"]
    assert all(r["success"] for r in again)


def test_create_from_csv_dry_run_and_real(sandbox, capsys):
    csv_path = DATA / "hunt_groups.csv"
    results = huntctl.create_hunt_groups_from_csv(csv_path=str(csv_path), dry_run=True)
    check_shape(results, ["sales-hunt@company.com", "support-hunt@company.com"])
    assert sandbox.record() == ""

    results = huntctl.create_hunt_groups_from_csv(
        csv_path=csv_path,
        dry_run=False,  # Set to True to validate without creating
        **sandbox.connection,
    )
    check_shape(results, ["sales-hunt@company.com", "support-hunt@company.com"])
    assert process(results, capsys) == [
        "✅ Created hunt group: Sales Hunt Group", "✅ Created hunt group: Support Hunt Group"]
    on_server = hunt_groups_on_server(sandbox)
    assert on_server["support-hunt@company.com"]["noAnswerNumberOfRings"] == 3
    # The CSV's empty agentUserId[2] cell is filtered out, as on the reference page.
    assert len(on_server["support-hunt@company.com"]["agentUserId"]) == 2


def test_existing_hunt_group_is_updated_to_match(seeded_sandbox):
    # The built-in seed has sales-hunt with another name and agents: it is brought in line.
    results = huntctl.create_hunt_groups_from_data(hunt_groups_data, **seeded_sandbox.connection)
    assert results[0]["action"] == "update" and results[0]["success"]
    on_server = hunt_groups_on_server(seeded_sandbox)
    assert on_server["sales-hunt@company.com"]["serviceInstanceProfile"]["name"] == "Sales Hunt Group"


def test_server_error_for_one_does_not_stop_the_other(sandbox):
    data = copy.deepcopy(hunt_groups_data)
    # An agent the server does not know: BroadWorks would refuse that hunt group only, so
    # pre-flight predicts it and it is not sent (as with `huntctl apply`).
    data[0]["agent_user_id"] = ["nobody@company.com"]
    results = huntctl.create_hunt_groups_from_data(data, **sandbox.connection)
    assert results[0]["success"] is False
    assert "4008" in results[0]["error"]
    assert results[0]["response"] == "" and results[0]["command"] == []
    assert "nobody@company.com" not in sandbox.record()
    assert results[1]["success"] is True
    assert set(hunt_groups_on_server(sandbox)) >= {"support-hunt@company.com"}
    assert "sales-hunt@company.com" not in hunt_groups_on_server(sandbox)
