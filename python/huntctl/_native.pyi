"""Type stubs of the native module (PyO3). Use the wrappers in ``huntctl`` instead."""

from os import PathLike
from typing import Any, Dict, List, Optional, Tuple

__version__: str

class HuntctlError(Exception):
    """Base of every huntctl error."""

    diagnostics: List[Dict[str, Any]]

class ValidationError(HuntctlError):
    """The desired state is not valid; nothing was sent."""

class ConnectError(HuntctlError):
    """Connecting or logging in failed."""

class ServerError(HuntctlError):
    """Reading from the server failed (nothing was written)."""

class RefusedError(HuntctlError):
    """Refused before anything was sent: delete threshold, stale plan, no approval."""

class SandboxError(HuntctlError):
    """The embedded sandbox could not start."""

class PlanHandle:
    """A plan kept in Rust with its connection (for ``apply``)."""

class Sandbox:
    """The embedded OCI-P sandbox on free loopback ports (user ``admin``, password ``admin``).

    ``with Sandbox() as sb:`` starts it and stops it on exit."""

    def __init__(
        self,
        *,
        latency_ms: int = 0,
        seed: Optional[str | PathLike[str]] = None,
        state_path: Optional[str | PathLike[str]] = None,
        reset: bool = False,
        record: bool = True,
        tls: bool = False,
        soap: bool = False,
    ) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def __enter__(self) -> "Sandbox": ...
    def __exit__(self, *args: Any) -> bool: ...
    @property
    def url(self) -> str: ...
    @property
    def tls_url(self) -> Optional[str]: ...
    @property
    def soap_url(self) -> Optional[str]: ...
    @property
    def cert_pem(self) -> Optional[str]: ...
    @property
    def user(self) -> str: ...
    @property
    def password(self) -> str: ...
    @property
    def connection(self) -> Dict[str, str]: ...
    @property
    def state_path(self) -> str: ...
    @property
    def record_path(self) -> Optional[str]: ...
    def record(self) -> str: ...

def validate(source: Any, name: str = "data") -> Dict[str, Any]: ...
def plan(
    source: Any, name: str, conn: Dict[str, Any], target: Optional[List[str]],
    exclude: Optional[List[str]], prune: bool, preflight: bool,
) -> Tuple[Dict[str, Any], PlanHandle]: ...
def apply_plan(
    handle: PlanHandle, force: bool, delete_threshold: int, undo_out: Optional[str],
) -> Dict[str, Any]: ...
def apply(
    source: Any, name: str, conn: Dict[str, Any], target: Optional[List[str]],
    exclude: Optional[List[str]], prune: bool, preflight: bool, force: bool,
    delete_threshold: int, undo_out: Optional[str],
) -> Dict[str, Any]: ...
def export(service_provider: str, groups: List[str], conn: Dict[str, Any]) -> Dict[str, Any]: ...
def create_hunt_groups(source: Any, name: str, dry_run: bool, conn: Dict[str, Any]) -> List[Dict[str, Any]]: ...
def run_cli(argv: List[str]) -> int: ...
