"""huntctl for Python: Cisco BroadWorks hunt groups as code, driven from scripts and notebooks.

The engine is the huntctl Rust library (the native module ``huntctl._native``): every default,
rule, diagnostic, plan and report is the one the ``huntctl`` command line uses. This module only
names the arguments.

Desired state is given as a path (``str`` or ``os.PathLike``), a list of paths (YAML/CSV files
and directories), or data: a list of hunt group dicts as on the reference page ("Create from
Data": ``operation``, snake_case or camelCase keys, nested ``service_instance_profile``), or a
mapping with ``defaults`` and ``huntGroups`` as in a YAML file. Problems in data are located by
key path (``hunt_group_data[1].service_instance_profile.name``).

Quick start against the embedded sandbox::

    import huntctl
    with huntctl.Sandbox() as sb:
        results = huntctl.create_hunt_groups_from_data(hunt_groups_data, **sb.connection)

The password is only ever passed on to the Rust side: it is not stored in Python objects, and
it never appears in reprs, exceptions or logs.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _native
from ._native import (
    ConnectError,
    HuntctlError,
    RefusedError,
    Sandbox,
    SandboxError,
    ServerError,
    ValidationError,
)

__version__: str = _native.__version__

__all__ = [
    "ConnectError",
    "HuntctlError",
    "Plan",
    "RefusedError",
    "Sandbox",
    "SandboxError",
    "ServerError",
    "ValidationError",
    "apply",
    "create_hunt_groups_from_csv",
    "create_hunt_groups_from_data",
    "export",
    "main",
    "plan",
    "validate",
]

PathLike = Union[str, "os.PathLike[str]"]
#: Paths, or hunt group data (the reference page's dicts).
Source = Union[PathLike, Sequence[PathLike], Sequence[Mapping[str, Any]], Mapping[str, Any]]

# None: from huntctl.toml's server when it names one, else the CLI's default (4 sessions,
# 15 commands per document, 10 s / 60 s).
_DEFAULTS = dict(
    ca_cert=None,
    insecure=False,
    parallelism=None,
    batch_size=None,
    connect_timeout=None,
    request_timeout=None,
    max_rate=None,
    server=None,
)


def _conn(kw: Dict[str, Any], url: Optional[str], user: Optional[str],
          password: Optional[str]) -> Dict[str, Any]:
    """The connection settings the native functions take, as one dict."""
    out = dict(_DEFAULTS)
    for k in list(kw):
        if k in out:
            out[k] = kw.pop(k)
    if kw:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(kw))}")
    out.update(url=url, user=user, password=password)
    return out


class Plan(dict):
    """The plan document (``huntctl plan --format json``) as a dict, which ``apply()`` carries
    out after checking that the server did not change since. It keeps the connection it was
    made on inside the native module (the password is not readable from Python)."""

    def __init__(self, doc: Dict[str, Any], handle: Any) -> None:
        super().__init__(doc)
        self._handle = handle

    def __repr__(self) -> str:
        return repr(self._handle)


def validate(source: Source, *, name: str = "data") -> List[Dict[str, Any]]:
    """Checks desired state offline, as ``huntctl validate``. Returns the diagnostics (dicts
    with ``severity``, ``code``, ``message``, ``file``, ``line``, ``column``, and ``path`` for
    data, ``row``/``columnHeader`` for CSV, ``field``, ``help``): empty when all is valid.
    Never raises for invalid input; ``any(d["severity"] == "error" for d in result)`` tells."""
    return _native.validate(source, name)["diagnostics"]


def plan(
    source: Source,
    *,
    url: Optional[str] = None,
    user: Optional[str] = None,
    password: Optional[str] = None,
    target: Optional[Sequence[str]] = None,
    exclude: Optional[Sequence[str]] = None,
    prune: bool = False,
    preflight: bool = True,
    name: str = "data",
    **options: Any,
) -> Plan:
    """Reads the server and diffs it with the desired state, as ``huntctl plan``; nothing is
    written. Returns the JSON plan (``summary``, ``has_changes``, ``changes``, ...), with
    ``refusals``: the changes the server is predicted to refuse (pre-flight; each with its
    ``code`` and, for files, the ``location`` file:line:col where the value was written).
    ``preflight=False`` skips those reads, as ``--no-preflight`` does.

    ``url``/``user``/``password`` default to ``BROADWORKS_URL``/``_USER``/``_PASSWORD``, then
    to the named server of ``huntctl.toml`` (found from the working directory up).
    ``options``: ``server`` (a ``[server.NAME]`` of huntctl.toml; else ``HUNTCTL_SERVER``, else
    its ``default-server``), ``ca_cert``, ``insecure``, ``parallelism``, ``batch_size``,
    ``max_rate`` (commands per second), ``connect_timeout``, ``request_timeout`` (seconds). Raises ``ValidationError`` (with
    ``.diagnostics``) before connecting when the desired state is not valid."""
    doc, handle = _native.plan(
        source, name, _conn(options, url, user, password),
        list(target) if target else None, list(exclude) if exclude else None, prune, preflight,
    )
    return Plan(doc, handle)


def apply(
    plan_or_source: Union[Plan, Source],
    *,
    auto_approve: bool = False,
    url: Optional[str] = None,
    user: Optional[str] = None,
    password: Optional[str] = None,
    target: Optional[Sequence[str]] = None,
    exclude: Optional[Sequence[str]] = None,
    prune: bool = False,
    preflight: bool = True,
    force: bool = False,
    delete_threshold: int = 30,
    undo_out: Optional[PathLike] = None,
    name: str = "data",
    **options: Any,
) -> Dict[str, Any]:
    """Carries out changes, as ``huntctl apply``, and returns the JSON report (``summary``,
    ``results`` with one entry per hunt group: ``index``, ``data``, ``command``, ``response``,
    ``success``, ``error``, ``action``, ``outcome``, ...). One hunt group's failure never stops
    the others; check ``report["summary"]["failed"]``.

    Given a ``Plan`` from ``plan()`` (reviewed), applies it on the connection it was made on,
    refusing with ``RefusedError`` if the server changed since. Given paths or data, plans and
    applies in one go, which needs ``auto_approve=True`` (like ``--auto-approve``). ``force``
    and ``delete_threshold`` are the CLI's safety switches for deletes (``prune=True``).

    A change pre-flight predicts the server to refuse is not sent: its result is ``failed``
    with the predicted code. The undo plan (a saved plan reversing what was done, for
    ``huntctl apply --plan``) is written to ``undo_out``, by default
    ``.huntctl/undo/<UTC timestamp>.json`` under the working directory; the report's ``undo``
    says where (``undo["path"]``), or is ``None`` when nothing changed."""
    undo = os.fspath(undo_out) if undo_out is not None else None
    if isinstance(plan_or_source, Plan):
        return _native.apply_plan(plan_or_source._handle, force, delete_threshold, undo)
    if not auto_approve:
        raise RefusedError(
            "refusing to apply without approval: pass auto_approve=True, or call plan(), "
            "review it, and apply(plan)"
        )
    return _native.apply(
        plan_or_source, name, _conn(options, url, user, password),
        list(target) if target else None, list(exclude) if exclude else None, prune, preflight,
        force, delete_threshold, undo,
    )


def export(
    service_provider: str,
    *,
    groups: Optional[Sequence[str]] = None,
    url: Optional[str] = None,
    user: Optional[str] = None,
    password: Optional[str] = None,
    **options: Any,
) -> Dict[str, Any]:
    """Reads the hunt groups of a service provider's groups (all its groups when ``groups``
    is not given), as ``huntctl export``. Returns ``group_ids``, ``hunt_groups`` (the smallest
    desired state that reproduces them, camelCase dicts), ``skipped`` (those it cannot
    express, with reasons), and the same as desired-state ``yaml`` and bulk-sheet ``csv``
    text. Passwords cannot be read from BroadWorks, so none are exported."""
    return _native.export(
        service_provider, list(groups or []), _conn(options, url, user, password)
    )


def create_hunt_groups_from_data(
    hunt_group_data: Union[Sequence[Mapping[str, Any]], Mapping[str, Any]],
    *,
    dry_run: bool = False,
    url: Optional[str] = None,
    user: Optional[str] = None,
    password: Optional[str] = None,
    **options: Any,
) -> List[Dict[str, Any]]:
    """The reference page's ``agent.bulk.create_hunt_group_from_data``, run by huntctl.

    Takes the reference page's dicts and returns one result per hunt group, in input order:
    ``index``, ``data`` (the hunt group with its defaults, camelCase, password masked),
    ``command`` (the OCI-P command types sent), ``response`` (the last reply's type, ``""``
    when nothing was sent), ``success``, ``error`` (text or ``None``), plus ``serviceUserId``,
    ``action`` (``create``/``update``/``no-op``), ``outcome`` and ``note``.

    The whole input is validated first: a problem raises ``ValidationError`` (its
    ``.diagnostics`` name ``hunt_group_data[i].key``) and nothing is sent. With
    ``dry_run=True`` that is all: no connection is made. Otherwise each hunt group is created,
    or updated to match when it already exists (so a re-run is safe); a server error for one
    never stops the others. Your dicts are not modified."""
    return _create(hunt_group_data, "hunt_group_data", dry_run, url, user, password, options)


def create_hunt_groups_from_csv(
    csv_path: PathLike,
    *,
    dry_run: bool = False,
    url: Optional[str] = None,
    user: Optional[str] = None,
    password: Optional[str] = None,
    **options: Any,
) -> List[Dict[str, Any]]:
    """The reference page's ``agent.bulk.create_hunt_group_from_csv``: the bulk sheet
    (``operation``, ``serviceInstanceProfile.name``, ``agentUserId[N]``, ...) read by huntctl's
    CSV loader (problems name the row and column), then as
    :func:`create_hunt_groups_from_data`."""
    return _create(os.fspath(csv_path), "csv", dry_run, url, user, password, options)


def _create(source: Any, name: str, dry_run: bool, url: Optional[str], user: Optional[str],
            password: Optional[str], options: Dict[str, Any]) -> List[Dict[str, Any]]:
    return _native.create_hunt_groups(source, name, dry_run, _conn(options, url, user, password))


def main() -> None:
    """The ``huntctl`` console script: the Rust command line, with its output and exit codes."""
    sys.exit(_native.run_cli(["huntctl", *sys.argv[1:]]))
