"""Bad input raises with diagnostics and sends nothing; secrets stay out of reprs and errors."""

import copy

import pytest

import huntctl
from test_reference import hunt_groups_data


def bad_data():
    data = copy.deepcopy(hunt_groups_data)
    data[1]["no_answer_number_of_rings"] = 42
    data[1]["service_instance_profile"]["nmae"] = "typo"
    del data[0]["service_user_id"]
    return data


@pytest.mark.parametrize("dry_run", [True, False])
def test_bad_data_raises_with_key_paths_and_sends_nothing(sandbox, dry_run):
    with pytest.raises(huntctl.ValidationError) as info:
        huntctl.create_hunt_groups_from_data(bad_data(), dry_run=dry_run, **sandbox.connection)
    err = info.value
    assert isinstance(err, huntctl.HuntctlError)
    where = {(d["path"], d["code"]) for d in err.diagnostics}
    assert ("hunt_group_data[1].no_answer_number_of_rings", "huntctl::out_of_range") in where
    assert ("hunt_group_data[1].service_instance_profile.nmae", "huntctl::unknown_field") in where
    assert ("hunt_group_data[0]", "huntctl::missing_field") in where
    assert all(d["severity"] == "error" and d["message"] for d in err.diagnostics)
    assert "hunt_group_data[1].no_answer_number_of_rings" in str(err)
    assert "nothing was sent" in str(err)
    assert sandbox.record() == ""


def test_bad_csv_names_row_and_column(sandbox, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "operation,serviceProviderId,groupId,serviceUserId,noAnswerNumberOfRings,agentUserId[0]\n"
        "hunt.group.create,MyServiceProvider,SalesGroup,x@company.com,lots,john.doe@company.com\n"
    )
    with pytest.raises(huntctl.ValidationError) as info:
        huntctl.create_hunt_groups_from_csv(csv, **sandbox.connection)
    d = info.value.diagnostics[0]
    assert d["file"] == str(csv) and d["row"] == 2
    assert d["columnHeader"] == "noAnswerNumberOfRings"
    assert sandbox.record() == ""


def test_validate_returns_diagnostics_without_raising():
    assert huntctl.validate(hunt_groups_data) == []
    diags = huntctl.validate(bad_data())
    assert {d["path"] for d in diags} >= {"data[1].no_answer_number_of_rings"}
    assert huntctl.validate("examples-that-do-not-exist.yaml")[0]["code"] == "huntctl::not_found"


def test_password_never_shows(sandbox):
    data = copy.deepcopy(hunt_groups_data)
    data[0]["service_instance_profile"]["password"] = "Hunter2-group-secret"
    results = huntctl.create_hunt_groups_from_data(data, dry_run=True)
    assert "Hunter2-group-secret" not in repr(results)
    p = huntctl.plan(data, url=sandbox.url, user="admin", password="admin")
    assert "admin" not in repr(p._handle) and "Hunter2" not in repr(p) + str(dict(p))
    with pytest.raises(huntctl.ConnectError) as info:
        huntctl.plan(data, url=sandbox.url, user="admin", password="Wrong-admin-pass")
    assert "Wrong-admin-pass" not in str(info.value) + repr(info.value)
    data[1]["no_answer_number_of_rings"] = 99
    with pytest.raises(huntctl.ValidationError) as info:
        huntctl.create_hunt_groups_from_data(data, **sandbox.connection)
    assert "Hunter2-group-secret" not in str(info.value) + repr(info.value.diagnostics)
    assert "Hunter2-group-secret" not in sandbox.record()


def test_not_data_is_a_type_error():
    with pytest.raises(TypeError):
        huntctl.validate([object()])


def test_text_xml_cannot_carry_is_refused_at_its_key_path_and_nothing_is_sent(sandbox):
    # A BEL in a name, a SOH in an id, a NUL in a caller-id name (issue 23): no OCI-P document
    # can hold them, so they are refused offline, named, never printed.
    data = copy.deepcopy(hunt_groups_data)
    data[0]["service_instance_profile"]["name"] = "Bell\u0007Group"
    data[1]["service_user_id"] = "ctl\u0001x@company.com"
    data[1]["service_instance_profile"]["calling_line_id_last_name"] = "A\u0000B"
    with pytest.raises(huntctl.ValidationError) as info:
        huntctl.create_hunt_groups_from_data(data, **sandbox.connection)
    where = {(d["path"], d["code"]) for d in info.value.diagnostics}
    assert ("hunt_group_data[0].service_instance_profile.name", "huntctl::bad_character") in where
    assert ("hunt_group_data[1].service_user_id", "huntctl::bad_character") in where
    assert (
        "hunt_group_data[1].service_instance_profile.calling_line_id_last_name",
        "huntctl::bad_character",
    ) in where
    assert "U+0007" in str(info.value) and "\u0007" not in str(info.value)
    assert sandbox.record() == ""
