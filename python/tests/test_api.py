"""plan / apply / export and the console script, against the embedded sandbox."""

import os
import pathlib
import subprocess
import sys

import pytest

import huntctl
from test_reference import hunt_groups_data

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_plan_then_apply_the_reviewed_plan(sandbox):
    plan = huntctl.plan(hunt_groups_data, **sandbox.connection)
    assert isinstance(plan, dict) and plan["has_changes"] is True
    assert plan["summary"]["create"] == 2
    assert sandbox.record().count("GroupHuntGroupAddInstanceRequest20") == 0
    report = huntctl.apply(plan)
    assert report["summary"]["created"] == 2 and report["summary"]["failed"] == 0
    assert {r["serviceUserId"] for r in report["results"]} == {
        "sales-hunt@company.com", "support-hunt@company.com"}
    assert huntctl.plan(hunt_groups_data, **sandbox.connection)["has_changes"] is False


def test_a_stale_plan_is_refused(sandbox):
    plan = huntctl.plan(hunt_groups_data, **sandbox.connection)
    huntctl.apply(hunt_groups_data[:1], auto_approve=True, **sandbox.connection)
    with pytest.raises(huntctl.RefusedError, match="stale"):
        huntctl.apply(plan)


def test_apply_without_approval_is_refused(sandbox):
    with pytest.raises(huntctl.RefusedError, match="auto_approve"):
        huntctl.apply(hunt_groups_data, **sandbox.connection)
    assert sandbox.record() == ""


def test_plan_and_apply_from_files(seeded_sandbox):
    files = str(ROOT / "examples" / "huntgroups")
    plan = huntctl.plan(files, **seeded_sandbox.connection)
    assert plan["summary"]["create"] >= 1
    report = huntctl.apply([files], auto_approve=True, **seeded_sandbox.connection)
    assert report["summary"]["failed"] == 0
    assert huntctl.plan(files, **seeded_sandbox.connection)["has_changes"] is False


def test_export_reads_what_was_created(sandbox):
    huntctl.create_hunt_groups_from_data(hunt_groups_data, **sandbox.connection)
    out = huntctl.export("MyServiceProvider", groups=["SupportGroup"], **sandbox.connection)
    assert out["group_ids"] == ["SupportGroup"]
    assert "support-hunt@company.com" in out["yaml"]
    assert out["csv"].startswith("operation,")
    # Every group of the provider when none is named.
    assert "SalesGroup" in huntctl.export("MyServiceProvider", **sandbox.connection)["group_ids"]


def test_connection_options_are_checked():
    with pytest.raises(TypeError, match="colour"):
        huntctl.plan(hunt_groups_data, url="tcp://127.0.0.1:1", user="a", password="b", colour=1)
    with pytest.raises(huntctl.ConnectError):
        huntctl.plan(hunt_groups_data, url="tcp://127.0.0.1:1", user="a", password="b",
                     connect_timeout=1)


def test_sandbox_properties():
    sb = huntctl.Sandbox(tls=True)
    assert "stopped" in repr(sb)
    with pytest.raises(huntctl.HuntctlError):
        sb.url
    with sb:
        assert sb.url.startswith("tcp://127.0.0.1:")
        assert sb.tls_url.startswith("tls://127.0.0.1:")
        assert "BEGIN CERTIFICATE" in sb.cert_pem
        assert pathlib.Path(sb.state_path).exists()
        assert sb.connection == {"url": sb.url, "user": "admin", "password": "admin"}
        assert "admin" not in repr(sb)
    assert "stopped" in repr(sb)


def test_console_script_is_the_cli():
    exe = pathlib.Path(sys.executable).with_name("huntctl")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("huntctl ")
    bad = subprocess.run([exe, "validate", str(ROOT / "tests/bad-inputs/boolean-as-text.yaml")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "boolean-as-text.yaml" in bad.stderr
    ok = subprocess.run([exe, "validate", "--format", "json",
                         str(ROOT / "examples/reference/full.csv")],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and '"valid": true' in ok.stdout
    assert subprocess.run([exe, "no-such-command"], capture_output=True).returncode == 2


def test_typed_package():
    pkg = pathlib.Path(huntctl.__file__).parent
    assert (pkg / "py.typed").exists() and (pkg / "_native.pyi").exists()
    assert huntctl.__version__
    for f in (huntctl.validate, huntctl.plan, huntctl.apply, huntctl.export,
              huntctl.create_hunt_groups_from_data, huntctl.create_hunt_groups_from_csv):
        assert f.__doc__
