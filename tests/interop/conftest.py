"""Fixtures of the interop suite: `huntctl sandbox` processes and the peer clients that drive them.

The suite runs the public Python OCI-P SDKs (mercury-ocip 1.3.0, mercury-ocip-fast 3.0.2) and a
bare zeep client against the sandbox binary named by HUNTCTL_BIN, over plain TCP, TLS and SOAP,
once without and once with `--latency-ms 20` (where reply-framing bugs show).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import queue
import signal
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mercury_ocip import requester as mo_requester
from mercury_ocip.commands import commands as mo_commands
import mercury_ocip_fast as fast
from mercury_ocip_fast.session import soap_session as fast_soap
from mercury_ocip_fast.session import tcp_session as fast_tcp

#: The administrator password the sandboxes accept: distinctive, so its absence from records and
#: logs can be checked (the user id "admin" could not be).
ADMIN_PASSWORD = "Interop-Admin-Pw-7Q"
#: A hunt group password the suite provisions; it must never come back anywhere.
HUNT_GROUP_PASSWORD = "HuntGroup-Pw-3Z"
#: Text of the Python `Field(...)` repr mercury-ocip 1.3.0 sends as plainTextPassword.
FIELD_REPR = "Field(name="

LATENCIES = [0, 20]

# ------------------------------------------------------------------------------------------------
# Every reply document the SDKs receive, exactly as their transport handed it to their parser.

REPLIES: list[tuple[str, str]] = []
_replies_lock = threading.Lock()


def _record(kind: str, reply):
    if isinstance(reply, str):
        with _replies_lock:
            REPLIES.append((kind, reply))
    return reply


def _wrap_sync(cls, kind):
    orig = cls.send_request

    def send_request(self, command):
        return _record(kind, orig(self, command))

    cls.send_request = send_request


def _wrap_async(cls, kind):
    orig = cls.send

    async def send(self, payload):
        return _record(kind, await orig(self, payload))

    cls.send = send


_wrap_sync(mo_requester.SyncTCPRequester, "mercury-ocip tcp/tls")
_wrap_sync(mo_requester.SyncSOAPRequester, "mercury-ocip soap")
_wrap_async(fast_tcp.TCPSessionAtom, "mercury-ocip-fast tcp/tls")
_wrap_async(fast_soap.SOAPSessionAtom, "mercury-ocip-fast soap")


def pytest_sessionfinish(session, exitstatus):
    """Hands every distinct reply to the Rust side (HUNTCTL_INTEROP_REPLIES), which checks them
    against the R25 schema: each in the bytes of the encoding its declaration names."""
    out = os.environ.get("HUNTCTL_INTEROP_REPLIES")
    if not out:
        return
    with open(out, "wb") as f:
        for reply in dict.fromkeys(r for _, r in REPLIES):
            latin1 = 'encoding="ISO-8859-1"' in reply.split("?>", 1)[0]
            f.write(reply.encode("iso-8859-1" if latin1 else "utf-8") + b"\n")


def check_reply(kind: str, reply: str) -> None:
    """A reply as a peer parses it: starts with the declaration and is one well-formed document."""
    assert reply.startswith("<?xml"), f"{kind}: reply does not start with <?xml: {reply[:80]!r}"
    ET.fromstring(reply)  # raises on any parse error


# ------------------------------------------------------------------------------------------------
# Sandboxes


@dataclasses.dataclass
class Sandbox:
    latency: int
    tcp_port: int
    tls_port: int
    soap_url: str
    cert: Path
    record: Path
    proc: subprocess.Popen
    log: list[str]


def _drain(stream, sink: list[str], lines: "queue.Queue[str] | None" = None) -> None:
    """Reads a pipe to its end (a full pipe would block the sandbox), keeping every line."""
    for line in stream:
        sink.append(line)
        if lines is not None:
            lines.put(line)


def trust(sb: "Sandbox") -> None:
    """Trusts this sandbox's self-signed certificate (--cert-out) for the TLS connections made
    next: both SDKs use `ssl.create_default_context()`, which reads SSL_CERT_FILE. One file per
    sandbox, not a bundle: every sandbox certificate has the same subject, and OpenSSL picks
    the first of a bundle by subject."""
    os.environ["SSL_CERT_FILE"] = str(sb.cert)


@pytest.fixture(scope="session", params=LATENCIES, ids=[f"latency{l}ms" for l in LATENCIES])
def sandbox(request, tmp_path_factory):
    binary = os.environ.get("HUNTCTL_BIN")
    if not binary:
        pytest.fail("HUNTCTL_BIN must name the huntctl binary to test")
    latency = request.param
    d = tmp_path_factory.mktemp(f"sandbox{latency}")
    cert, record = d / "cert.pem", d / "record.xml"
    proc = subprocess.Popen(
        [
            binary, "sandbox",
            "--listen", "127.0.0.1:0",
            "--tls-listen", "127.0.0.1:0",
            "--soap-listen", "127.0.0.1:0",
            "--cert-out", str(cert),
            "--state", str(d / "state.json"), "--reset",
            "--record", str(record),
            "--password", ADMIN_PASSWORD,
            "--latency-ms", str(latency),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Every log line the sandbox can write, so the secret check below sees them all.
        env={**os.environ, "RUST_LOG": "trace"},
    )
    log: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    drains = [
        threading.Thread(target=_drain, args=(proc.stdout, log, lines), daemon=True),
        threading.Thread(target=_drain, args=(proc.stderr, log), daemon=True),
    ]
    for t in drains:
        t.start()
    try:
        tcp = tls = soap = None
        while True:
            try:
                line = lines.get(timeout=30)
            except queue.Empty:
                pytest.fail(f"huntctl sandbox did not start: {''.join(log)}")
            if "listening on tcp://" in line:
                tcp = int(line.rsplit(":", 1)[1])
            elif "listening on tls://" in line:
                tls = int(line.rsplit(":", 1)[1])
            elif "listening on http://" in line:
                soap = line.split("listening on ", 1)[1].strip()
            elif "Ctrl-C stops" in line:
                break
        yield Sandbox(latency, tcp, tls, soap, cert, record, proc, log)
    finally:
        # Stopped whatever happened: Ctrl-C as a user would, then a kill if it hangs.
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for t in drains:
            t.join(timeout=5)
    everything = "".join(log)
    assert "huntctl sandbox stopped" in everything
    recorded = record.read_bytes().decode("iso-8859-1")
    assert "<BroadsoftDocument" in recorded, "the record holds the documents received"
    for secret in (ADMIN_PASSWORD, HUNT_GROUP_PASSWORD, FIELD_REPR, "LongSecret"):
        assert secret not in recorded, f"{secret!r} is in the --record file"
        assert secret not in everything, f"{secret!r} is in the sandbox's output"


# ------------------------------------------------------------------------------------------------
# Peers: one SDK over one transport, seen through one small interface.


def fixed_login14sp4():
    """mercury-ocip 1.3.0's LoginRequest14sp4 with the `@dataclass` it forgot.

    PEER BUG WORKAROUND: without the decorator the class's `field(...)` defaults stay class
    attributes, so its plain-TCP login sends `plainTextPassword` holding the repr of a Python
    `Field` object (~900 characters), which R25 (Password: 1-60 characters) refuses with 6004.
    The stock behaviour is checked in test_stock_mercury_ocip_tcp_login_is_refused_with_6004; every
    other plain-TCP check uses this corrected class so the rest of the suite can run.
    """
    broken = mo_commands.LoginRequest14sp4
    ns = {k: v for k, v in vars(broken).items() if k not in ("__dict__", "__weakref__")}
    return dataclasses.dataclass(kw_only=True)(type("LoginRequest14sp4", broken.__bases__, ns))


@contextlib.contextmanager
def patched_login14sp4():
    broken = mo_commands.LoginRequest14sp4
    mo_commands.LoginRequest14sp4 = fixed_login14sp4()
    try:
        yield
    finally:
        mo_commands.LoginRequest14sp4 = broken


class MercuryPeer:
    """mercury-ocip 1.3.0 (synchronous; one command per document)."""

    sdk = "mercury-ocip"

    def __init__(self, sb: Sandbox, transport: str):
        self.sb, self.transport = sb, transport
        self.commands = mo_commands
        self.client = self.connect()

    def connect(self):
        from mercury_ocip import Client

        if self.transport == "soap":
            return Client(host=self.sb.soap_url, username="admin", password=ADMIN_PASSWORD,
                          conn_type="SOAP")
        if self.transport == "tls":
            trust(self.sb)
            return Client(host="localhost", port=self.sb.tls_port, username="admin",
                          password=ADMIN_PASSWORD, conn_type="TCP", tls=True)
        with patched_login14sp4():
            return Client(host="127.0.0.1", port=self.sb.tcp_port, username="admin",
                          password=ADMIN_PASSWORD, conn_type="TCP", tls=False)

    def call(self, cmd):
        return self.client.command(cmd)

    def close(self):
        self.client.disconnect()


class FastPeer:
    """mercury-ocip-fast 3.0.2 (asyncio, a session pool, up to 15 commands per document)."""

    sdk = "mercury-ocip-fast"

    def __init__(self, sb: Sandbox, transport: str, pool_size: int = 3):
        from mercury_ocip_fast.commands import commands

        self.sb, self.transport = sb, transport
        self.commands = commands
        self.loop = asyncio.new_event_loop()
        if transport == "soap":
            kw = dict(host=sb.soap_url, atom_type=fast.SOAPSessionAtom,
                      session_config=fast.SOAPSessionSettings(), tls=True)
        elif transport == "tls":
            kw = dict(host="localhost", port=sb.tls_port, atom_type=fast.TCPSessionAtom,
                      session_config=fast.TCPSessionSettings(), tls=True)
        else:
            kw = dict(host="127.0.0.1", port=sb.tcp_port, atom_type=fast.TCPSessionAtom,
                      session_config=fast.TCPSessionSettings(), tls=False)
        self.client = self.run(fast.Client.create(
            username="admin", password=ADMIN_PASSWORD,
            pool_config=fast.SessionPoolSettings(max_size=pool_size), **kw))

    def run(self, coro):
        trust(self.sb)  # the pool may open (and handshake) a session during any call
        return self.loop.run_until_complete(coro)

    def call(self, cmd):
        return self.run(self.client.command(cmd))

    def close(self):
        self.run(self.client.close())
        self.loop.close()


PEERS = [
    (MercuryPeer, "tcp"), (MercuryPeer, "tls"), (MercuryPeer, "soap"),
    (FastPeer, "tcp"), (FastPeer, "tls"), (FastPeer, "soap"),
]


@pytest.fixture(scope="session", params=PEERS, ids=[f"{c.sdk}-{t}" for c, t in PEERS])
def peer(request, sandbox):
    cls, transport = request.param
    p = cls(sandbox, transport)
    p.tag = f"{'mo' if cls is MercuryPeer else 'fast'}-{transport}-l{sandbox.latency}"
    yield p
    p.close()
