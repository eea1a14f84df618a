"""The Python front end runs the same plan and apply as the CLI: pre-flight, refusals, undo."""

import json
import os
import pathlib
import subprocess
import sys

import huntctl

#: One hunt group whose second agent does not exist in SalesGroup, and one that is fine.
DESIRED = """\
defaults:
  serviceProviderId: MyServiceProvider
  groupId: SalesGroup
huntGroups:
  - serviceUserId: py-refused@company.com
    serviceInstanceProfile: {name: Py Refused}
    agentUserId:
      - john.doe@company.com
      - nobody.here@company.com
  - serviceUserId: py-fine@company.com
    serviceInstanceProfile: {name: Py Fine}
    agentUserId: [jane.smith@company.com]
"""


def write_desired(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "hunt-groups.yaml"
    path.write_text(DESIRED)
    return path


def test_plan_runs_preflight_and_locates_the_refusal(seeded_sandbox, tmp_path):
    path = write_desired(tmp_path)
    plan = huntctl.plan(str(path), **seeded_sandbox.connection)
    assert plan["preflight"] == "checked"
    [refusal] = plan["refusals"]
    assert refusal["serviceUserId"] == "py-refused@company.com"
    assert refusal["value"] == "nobody.here@company.com"
    assert refusal["code"] == 4008
    # Where it was written: the file, line 9 (the agent's item), column 9.
    assert refusal["location"] == f"{path}:9:9"
    # Pre-flight reads, but writes nothing.
    assert "GroupHuntGroupAddInstanceRequest20" not in seeded_sandbox.record()
    # Turned off, it is not checked (as --no-preflight).
    off = huntctl.plan(str(path), preflight=False, **seeded_sandbox.connection)
    assert off["preflight"] != "checked" and off["refusals"] == []


def test_apply_does_not_send_a_predicted_refusal(seeded_sandbox, tmp_path):
    path = write_desired(tmp_path)
    report = huntctl.apply(str(path), auto_approve=True, undo_out=str(tmp_path / "undo.json"),
                           **seeded_sandbox.connection)
    results = {r["serviceUserId"]: r for r in report["results"]}
    refused = results["py-refused@company.com"]
    assert refused["outcome"] == "failed" and refused["success"] is False
    assert "4008" in refused["error"]
    assert results["py-fine@company.com"]["outcome"] == "created"
    # Nothing was sent for the refused hunt group: not one command names it.
    record = seeded_sandbox.record()
    assert "py-refused@company.com" not in record
    assert record.count("GroupHuntGroupAddInstanceRequest20") == 1


def test_an_apply_from_python_leaves_an_undo_the_cli_reverses(seeded_sandbox, tmp_path):
    path = write_desired(tmp_path)
    before = huntctl.export("MyServiceProvider", groups=["SalesGroup"],
                            **seeded_sandbox.connection)["yaml"]
    # The default place, under the working directory (the suite runs each test in tmp_path).
    report = huntctl.apply(str(path), auto_approve=True, **seeded_sandbox.connection)
    undo = report["undo"]
    assert undo["changes"] == 1 and undo["summary"]["delete"] == 1
    undo_path = pathlib.Path(undo["path"])
    assert undo_path.parts[:2] == (".huntctl", "undo") and undo_path.exists()
    # The undo records its server (URL and user id, never the password: "admin" here too).
    undo_doc = json.loads(undo_path.read_text())
    assert undo_doc.pop("server") == {"url": seeded_sandbox.url, "user": "admin"}
    assert "admin" not in json.dumps(undo_doc)
    # The CLI (the console script) applies it, and the server is as it was.
    exe = pathlib.Path(sys.executable).with_name("huntctl")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROADWORKS_")}
    env["BROADWORKS_PASSWORD"] = seeded_sandbox.password
    out = subprocess.run(
        [exe, "apply", "--plan", str(undo_path), "--auto-approve",
         "--url", seeded_sandbox.url, "--user", seeded_sandbox.user],
        capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "0 failed" in out.stdout and "1 deleted" in out.stdout
    after = huntctl.export("MyServiceProvider", groups=["SalesGroup"],
                           **seeded_sandbox.connection)["yaml"]
    assert after == before
    # Applied once, the undo is stale: the CLI refuses it a second time.
    again = subprocess.run(
        [exe, "apply", "--plan", str(undo_path), "--auto-approve",
         "--url", seeded_sandbox.url, "--user", seeded_sandbox.user],
        capture_output=True, text=True, env=env)
    assert again.returncode == 1 and "stale" in again.stderr


def test_a_plan_without_changes_leaves_no_undo(seeded_sandbox, tmp_path):
    path = write_desired(tmp_path)
    huntctl.apply(str(path), auto_approve=True, **seeded_sandbox.connection)
    report = huntctl.apply(str(path), auto_approve=True, **seeded_sandbox.connection)
    assert report["undo"] is None


def test_a_refusal_in_data_is_located_by_key_path(seeded_sandbox):
    data = [{
        "service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
        "service_user_id": "py-data@company.com",
        "service_instance_profile": {"name": "Py Data"},
        "agent_user_id": ["john.doe@company.com", "nobody.here@company.com"],
    }]
    plan = huntctl.plan(data, name="hunt_group_data", **seeded_sandbox.connection)
    [refusal] = plan["refusals"]
    assert refusal["code"] == 4008
    assert refusal["location"] == "hunt_group_data[0].agent_user_id[1]"


def test_forwarding_in_snake_case_dicts_is_planned_applied_and_located(seeded_sandbox):
    data = [{
        "service_provider_id": "MyServiceProvider", "group_id": "SalesGroup",
        "service_user_id": "py-forwarding@company.com",
        "service_instance_profile": {"name": "Py Forwarding"},
        "agent_user_id": ["john.doe@company.com"],
        "call_forwarding_busy": {"is_active": True, "forward_to_phone_number": "+1-2025550150"},
        "call_forwarding_selective": {"criteria": [{
            "name": "night", "time_schedule": {"name": "Support Hours", "level": "Group"}}]},
    }]
    plan = huntctl.plan(data, name="hunt_group_data", **seeded_sandbox.connection)
    [refusal] = plan["refusals"]
    assert refusal["code"] == 4426
    assert refusal["location"].startswith(
        "hunt_group_data[0].call_forwarding_selective.criteria[0]")
    del data[0]["call_forwarding_selective"]
    report = huntctl.apply(data, auto_approve=True, **seeded_sandbox.connection)
    [result] = [r for r in report["results"] if r["serviceUserId"] == "py-forwarding@company.com"]
    assert result["outcome"] == "created"
    assert {"block": "callForwardingBusy", "outcome": "done"} in result["blocks"]
    again = huntctl.plan(data, **seeded_sandbox.connection)
    assert again["summary"]["create"] == 0 and again["summary"]["update"] == 0
