"""ignore, renamed_from, protect, the update threshold and max_rate through the package."""

import copy

import pytest

import huntctl
from test_reference import hunt_groups_data

SALES = "sales-hunt@company.com"


def sales_only(**extra):
    g = copy.deepcopy(hunt_groups_data[0])
    g.update(extra)
    return [g]


def test_ignore_keeps_a_run_time_switch_and_max_rate_connects(sandbox):
    report = huntctl.apply(sales_only(), auto_approve=True, **sandbox.connection)
    assert report["summary"]["failed"] == 0
    # Another administrator turns the hunt group off; the data's ignore leaves it so.
    changed = sales_only(is_active=False)
    plan = huntctl.plan(changed, **sandbox.connection)
    assert plan["has_changes"] is True
    huntctl.apply(changed, auto_approve=True, **sandbox.connection)
    for data, kw in ((sales_only(ignore=["is_active"]), {}), (sales_only(), {"ignore": ["isActive"]})):
        plan = huntctl.plan(data, max_rate=50, **kw, **sandbox.connection)
        assert plan["has_changes"] is False, plan
        [change] = [c for c in plan["changes"] if c["serviceUserId"] == SALES]
        assert change["changedFields"] == []
        assert change["ignored"][0]["path"] == "isActive"
        assert change["ignored"][0]["why"] == "(ignored)"
    with pytest.raises(ValueError, match="did you mean `isActive`"):
        huntctl.plan(sales_only(), ignore=["isActiv"], **sandbox.connection)


def test_renamed_from_renames_in_place(sandbox):
    huntctl.apply(sales_only(), auto_approve=True, **sandbox.connection)
    new = "sales-renamed@company.com"
    data = sales_only(service_user_id=new, renamed_from=SALES)
    plan = huntctl.plan(data, **sandbox.connection)
    [change] = [c for c in plan["changes"] if c["serviceUserId"] == new]
    assert change["action"] == "update" and change["renamedFrom"] == SALES
    report = huntctl.apply(plan)
    assert report["summary"]["failed"] == 0
    assert sandbox.record().count('xsi:type="UserModifyUserIdRequest"') == 1
    assert huntctl.plan(data, **sandbox.connection)["has_changes"] is False


def test_protect_and_the_update_threshold_refuse(sandbox):
    huntctl.apply(hunt_groups_data, auto_approve=True, **sandbox.connection)
    data = {"protect": ["SALES-VIP-*"], "huntGroups": sales_only()}
    with pytest.raises(huntctl.RefusedError, match="protected hunt group sales-vip-hunt"):
        huntctl.apply(data, auto_approve=True, prune=True, force=True, **sandbox.connection)
    bad = {"protect": True, "huntGroups": sales_only()}
    with pytest.raises(huntctl.ValidationError) as e:
        huntctl.plan(bad, **sandbox.connection)
    assert "protect must be a list" in str(e.value)
    # 1 of 2 existing is under the 10 the threshold needs; update_threshold is accepted.
    report = huntctl.apply(sales_only(policy="Circular"), auto_approve=True,
                           update_threshold=10, **sandbox.connection)
    assert report["summary"]["failed"] == 0
