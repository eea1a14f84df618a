"""Fixtures of the huntctl package suite: embedded sandboxes started through the package itself.

Run by `cargo test --test python` (tests/python.rs) from the venv `.ci/run` makes, or by hand:
`.venv-python/bin/python -m pytest python/tests`.
"""

import json
import pathlib

import pytest

import huntctl

DATA = pathlib.Path(__file__).parent / "data"

#: The reference page's two hunt groups; the built-in seed already holds them, so the
#: "creates both" checks start from a seed without them (its users and numbers stay).
REFERENCE_IDS = {"sales-hunt@company.com", "support-hunt@company.com"}


@pytest.fixture(autouse=True)
def in_a_temporary_directory(tmp_path, monkeypatch):
    """Every test runs in its own directory: apply writes undo plans under the working
    directory (.huntctl/undo/), and a test run must leave nothing in the checkout."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def seed_without_reference_groups(tmp_path_factory) -> pathlib.Path:
    """The built-in seed minus the reference page's two hunt groups."""
    with huntctl.Sandbox(record=False) as sb:
        state = json.loads(pathlib.Path(sb.state_path).read_text())
    for sp in state["serviceProviders"]:
        for g in sp["groups"]:
            g["huntGroups"] = [
                h for h in g.get("huntGroups", []) if h["serviceUserId"] not in REFERENCE_IDS
            ]
    path = tmp_path_factory.mktemp("seed") / "seed.json"
    path.write_text(json.dumps(state))
    return path


@pytest.fixture
def sandbox(seed_without_reference_groups):
    """A fresh sandbox whose groups have the reference page's agents but not its hunt groups."""
    with huntctl.Sandbox(seed=seed_without_reference_groups) as sb:
        yield sb


@pytest.fixture
def seeded_sandbox():
    """A fresh sandbox with the built-in seed."""
    with huntctl.Sandbox() as sb:
        yield sb


def hunt_groups_on_server(sb, groups=("SalesGroup", "SupportGroup")):
    """serviceUserId -> hunt group as the server has it (read with export)."""
    exported = huntctl.export("MyServiceProvider", groups=list(groups), **sb.connection)
    return {g["serviceUserId"]: g for g in exported["hunt_groups"]}
