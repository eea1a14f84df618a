#!/usr/bin/env python3
"""Creating N hunt groups from Python: huntctl's package vs the reference SDK (mercury-ocip 1.3.0,
`agent.bulk.create_hunt_group_from_data`), the same data against the same embedded sandbox, both
over OCI-P/TLS with the same reply latency. Prints both times next to their round-trip floors.

    python3.12 -m venv /tmp/venv-bench && . /tmp/venv-bench/bin/activate
    pip install . mercury-ocip==1.3.0        # from the repository root (a release build)
    python bench/python_bulk.py              # --count 500 --latency-ms 20

mercury-ocip needs Python >= 3.12; without it only huntctl's figure is printed. Its plain-TCP
login is broken in 1.3.0 (it sends a bad plainTextPassword), so it is driven over TLS, trusting the
sandbox's self-signed certificate through SSL_CERT_FILE; huntctl uses TLS too, for the same wire.
Each run gets a fresh sandbox from the built-in seed (whose SalesGroup has the agents used here).
"""

import argparse
import copy
import os
import pathlib
import sys
import tempfile
import time

import huntctl


def data(count):
    """The reference page's dict shape, `count` times, in SalesGroup."""
    return [
        {
            "operation": "hunt.group.create",
            "service_provider_id": "MyServiceProvider",
            "group_id": "SalesGroup",
            "service_user_id": f"bench-{i:04}@company.com",
            "service_instance_profile": {
                "name": f"Bench Hunt {i}",
                "calling_line_id_last_name": "Bench",
                "calling_line_id_first_name": f"Group {i}",
            },
            "policy": "Regular" if i % 2 else "Circular",
            "no_answer_number_of_rings": 1 + i % 20,
            "agent_user_id": ["john.doe@company.com", "jane.smith@company.com"],
        }
        for i in range(count)
    ]


def created(sb, count):
    """How many bench hunt groups the server has (read back with huntctl.export)."""
    out = huntctl.export("MyServiceProvider", groups=["SalesGroup"], **sb.connection)
    return sum(1 for g in out["hunt_groups"] if g["serviceUserId"].startswith("bench-"))


def tls_parts(sb):
    port = int(sb.tls_url.rsplit(":", 1)[1])
    cert = pathlib.Path(tempfile.mkdtemp()) / "sandbox.pem"
    cert.write_text(sb.cert_pem)
    return port, cert


def run_huntctl(args):
    with huntctl.Sandbox(latency_ms=args.latency_ms, tls=True, record=False) as sb:
        port, cert = tls_parts(sb)
        rows = data(args.count)
        t = time.perf_counter()
        results = huntctl.create_hunt_groups_from_data(
            rows, url=f"tls://localhost:{port}", user="admin", password="admin", ca_cert=str(cert))
        elapsed = time.perf_counter() - t
        ok = sum(1 for r in results if r["success"])
        return elapsed, ok, created(sb, args.count)


def run_mercury(args):
    from mercury_ocip import Client
    from mercury_ocip.agent import Agent

    with huntctl.Sandbox(latency_ms=args.latency_ms, tls=True, record=False) as sb:
        port, cert = tls_parts(sb)
        os.environ["SSL_CERT_FILE"] = str(cert)
        rows = data(args.count)
        t = time.perf_counter()
        client = Client(host="localhost", port=port, username="admin", password="admin",
                        conn_type="TCP", tls=True)
        agent = Agent.get_instance(client)
        results = agent.bulk.create_hunt_group_from_data(hunt_group_data=copy.deepcopy(rows),
                                                         dry_run=False)
        elapsed = time.perf_counter() - t
        ok = sum(1 for r in results if r["success"])
        return elapsed, ok, created(sb, args.count)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--latency-ms", type=int, default=20)
    args = p.parse_args()
    rtt = args.latency_ms / 1000
    # huntctl: login (2 documents), one instance-list read, then ceil(N/15) documents of 15
    # commands spread over 4 sessions; the reference SDK: one document per command, in turn.
    floor_huntctl = rtt * (2 + 1 + -(-args.count // (15 * 4)))
    floor_mercury = rtt * (1 + args.count)
    print(f"{args.count} hunt groups, sandbox latency {args.latency_ms} ms per reply, OCI-P/TLS")

    t, ok, on_server = run_huntctl(args)
    print(f"huntctl {huntctl.__version__:<14} {t:7.2f} s  ({ok} succeeded, {on_server} on the "
          f"server; round-trip floor {floor_huntctl:.2f} s)")
    try:
        import mercury_ocip  # noqa: F401
    except ImportError:
        print("mercury-ocip     not installed (pip install mercury-ocip==1.3.0, Python >= 3.12)")
        return 0
    m, ok, on_server = run_mercury(args)
    print(f"mercury-ocip 1.3.0     {m:7.2f} s  ({ok} succeeded, {on_server} on the server; "
          f"round-trip floor {floor_mercury:.2f} s)")
    if ok < on_server:
        print("  (mercury-ocip counts a hunt group as failed when it cannot parse the reply, e.g. a\n"
              "   sandbox that writes a reply's trailing newline apart from it; the server state\n"
              "   above is what was created)")
    print(f"huntctl is {m / t:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
