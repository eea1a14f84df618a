"""Issue 26 from Python: secret references in data dicts, huntctl.toml's named servers via
``server=``, and connection errors that name their cause (the same core as the CLI)."""

import copy
import json
import pathlib

import pytest

import huntctl
from test_reference import hunt_groups_data


def test_data_dict_references_are_read_only_when_sent_and_never_shown(sandbox, monkeypatch):
    data = copy.deepcopy(hunt_groups_data)
    data[0]["service_instance_profile"]["password"] = {"env": "HG_PY_PASSWORD"}
    # Unset: a diagnostic at the reference's key path, and nothing is sent.
    with pytest.raises(huntctl.ValidationError) as info:
        huntctl.apply(data, auto_approve=True, **sandbox.connection)
    paths = {(d["path"], d["code"]) for d in info.value.diagnostics}
    assert ("data[0].service_instance_profile.password.env",
            "huntctl::secret_unavailable") in paths, paths
    assert sandbox.record() == ""
    monkeypatch.setenv("HG_PY_PASSWORD", "Py-Secret-6631")
    plan = huntctl.plan(data, **sandbox.connection)
    assert "(sensitive, from env HG_PY_PASSWORD)" in json.dumps(dict(plan))
    report = huntctl.apply(plan)
    assert report["summary"]["failed"] == 0
    # The sandbox journals each write before replying (the state file follows later).
    journal = pathlib.Path(str(sandbox.state_path) + ".journal").read_text()
    puts = [json.loads(line)["put"]["huntGroup"] for line in journal.splitlines()
            if '"put"' in line]
    first = next(h for h in puts if h["serviceUserId"] == data[0]["service_user_id"])
    assert first.get("passwordSet") is True
    assert "Py-Secret-6631" not in json.dumps(report) + json.dumps(dict(plan)) + sandbox.record()


def test_server_comes_from_huntctl_toml(sandbox, tmp_path, monkeypatch):
    (tmp_path / "lab").mkdir()
    (tmp_path / "huntctl.toml").write_text(
        f'[server.lab]\nurl = "{sandbox.url}"\nuser = "admin"\n'
        'password-env = "LAB_PW"\npaths = ["lab"]\n'
    )
    (tmp_path / "other.yaml").write_text("[]\n")
    monkeypatch.setenv("LAB_PW", sandbox.password)
    exported = huntctl.export("MyServiceProvider", server="lab")
    assert exported["group_ids"]
    before = sandbox.record()
    with pytest.raises(huntctl.ConnectError) as info:
        huntctl.plan("other.yaml", server="lab")
    assert 'other.yaml is not in the paths of server "lab"' in str(info.value)
    assert sandbox.record() == before
    with pytest.raises(huntctl.ConnectError) as info:
        huntctl.export("MyServiceProvider", server="nope")
    assert 'has no server "nope" (it has: lab)' in str(info.value)


def test_connection_errors_name_cause_and_fix_once():
    with huntctl.Sandbox(tls=True, record=False) as sb:
        tls = sb.tls_url[len("tls://"):]
        plain = sb.url[len("tcp://"):]
        cases = [
            (f"tcp://{tls}", f"use tls://{tls}"),
            (f"tls://{plain}", f"use tcp://{plain}"),
            (sb.tls_url, "pass ca_cert="),
        ]
        for url, fix in cases:
            with pytest.raises(huntctl.ConnectError) as info:
                huntctl.export("MyServiceProvider", url=url, user="admin", password=sb.password,
                               connect_timeout=5)
            text = str(info.value)
            assert fix in text, text
            assert text.count("cannot connect") == 1, text
            assert "check the user id and the password" not in text, text
