#!/usr/bin/env python3
"""Bounded request driver for a real LangGraph server on loopback (stdlib only).

Used by scripts/signals/harvest-metrics.sh and live-check.sh. It only talks to
127.0.0.0/8 or ::1, every request has a timeout, every plan has a fixed request
count and a wall-clock deadline, and it stops by itself.

Subcommands:
  harvest   the fixed request list recorded in test/fixtures/signals/provenance.json
  traffic   N runs through POST /runs/wait (every K-th fails, optional sleep)
  provenance  write provenance.json from the harvest's records

The test graph (test/signals/graph/graph.py) keeps its input in thread state,
so every run sends both "fail" and "sleep_seconds" explicitly: a thread whose
last run failed would otherwise keep failing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import ipaddress
import json
import platform
import socket
import sys
import time
import urllib.parse

# Fixed ids keep the request list reproducible (the server generates thread/run ids).
ASSISTANT_ID = "00000000-0000-4000-8000-00000000a551"
UNKNOWN_THREAD_ID = "00000000-0000-4000-8000-00000000dead"
GRAPH_ID = "signals"


class Driver:
    def __init__(self, base_url: str, request_timeout: float, deadline_seconds: float):
        parsed = urllib.parse.urlparse(base_url)
        host = parsed.hostname or ""
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise SystemExit(f"refusing non-loopback target {base_url!r}: use 127.0.0.1")
        self.host = host
        self.port = parsed.port or 80
        self.request_timeout = request_timeout
        self.deadline = time.monotonic() + deadline_seconds
        self.records: list[dict] = []

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("driver deadline reached")
        return left

    def call(
        self,
        name: str,
        method: str,
        path: str,
        *,
        route: str | None = None,
        body: object | None = None,
        expect: int | None = 200,
        read_seconds: float | None = None,
        note: str = "",
    ) -> tuple[int, bytes]:
        """One request. read_seconds: read a long-lived response for that long, then hang up."""
        timeout = min(self.request_timeout, self._remaining())
        if read_seconds is not None:
            timeout = min(read_seconds, timeout)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = {"accept": "application/json, text/event-stream"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        started = time.monotonic()
        status, payload, hung_up = 0, b"", False
        try:
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            status = resp.status
            try:
                payload = resp.read()
            except (socket.timeout, TimeoutError):
                if read_seconds is None:
                    raise
                hung_up = True
        finally:
            conn.close()
        seconds = round(time.monotonic() - started, 3)
        text = payload.decode("utf-8", "replace")
        body_says = ""
        if '"__error__"' in text or "event: error" in text:
            body_says = "graph error reported in the body"
        record = {
            "name": name,
            "method": method,
            "route": route or path,
            "status": status,
            "expected_status": expect,
            "seconds": seconds,
        }
        if hung_up:
            record["client"] = f"hung up after {read_seconds}s (long-lived response)"
        if body_says:
            record["body"] = body_says
        if note:
            record["note"] = note
        self.records.append(record)
        if expect is not None and status != expect:
            raise SystemExit(f"{name}: {method} {path} -> {status}, expected {expect}: {text[:300]}")
        return status, payload


def run_input(*, fail: bool = False, sleep_seconds: float = 0.0) -> dict:
    return {"fail": fail, "sleep_seconds": sleep_seconds}


def plan_harvest(d: Driver) -> None:
    d.call("health", "GET", "/ok", note="filtered from metrics by the server (FILTERED_ROUTES)")
    d.call("info", "GET", "/info", note="filtered from metrics by the server (FILTERED_ROUTES)")
    d.call(
        "create assistant",
        "POST",
        "/assistants",
        body={"graph_id": GRAPH_ID, "assistant_id": ASSISTANT_ID, "if_exists": "do_nothing"},
    )
    _, raw = d.call("create thread", "POST", "/threads", body={})
    thread = json.loads(raw)["thread_id"]
    runs = f"/threads/{thread}/runs"
    d.call(
        "thread run, wait, success",
        "POST",
        f"{runs}/wait",
        route="/threads/{thread_id}/runs/wait",
        body={"assistant_id": ASSISTANT_ID, "input": run_input()},
    )
    d.call(
        "thread run, wait, graph raises",
        "POST",
        f"{runs}/wait",
        route="/threads/{thread_id}/runs/wait",
        body={"assistant_id": ASSISTANT_ID, "input": run_input(fail=True)},
        note="HTTP 200 with {'__error__': ...} in the body: a failed run is not an HTTP error",
    )
    d.call(
        "stateless run, wait, success",
        "POST",
        "/runs/wait",
        body={"assistant_id": ASSISTANT_ID, "input": run_input()},
    )
    d.call(
        "stateless run, stream, sleeps 2s",
        "POST",
        "/runs/stream",
        body={"assistant_id": ASSISTANT_ID, "input": run_input(sleep_seconds=2), "stream_mode": ["values"]},
    )
    d.call(
        "stateless run, stream, graph raises",
        "POST",
        "/runs/stream",
        body={"assistant_id": ASSISTANT_ID, "input": run_input(fail=True)},
        note="HTTP 200, SSE 'event: error'",
    )
    d.call(
        "thread run, stream, sleeps 1s",
        "POST",
        f"{runs}/stream",
        route="/threads/{thread_id}/runs/stream",
        body={"assistant_id": ASSISTANT_ID, "input": run_input(sleep_seconds=1)},
    )
    _, raw = d.call(
        "thread run, background, sleeps 1s",
        "POST",
        runs,
        route="/threads/{thread_id}/runs",
        body={"assistant_id": ASSISTANT_ID, "input": run_input(sleep_seconds=1)},
    )
    run_id = json.loads(raw)["run_id"]
    d.call(
        "join the background run",
        "GET",
        f"{runs}/{run_id}/join",
        route="/threads/{thread_id}/runs/{run_id}/join",
    )
    _, raw = d.call(
        "thread run, background, sleeps 1s (2)",
        "POST",
        runs,
        route="/threads/{thread_id}/runs",
        body={"assistant_id": ASSISTANT_ID, "input": run_input(sleep_seconds=1)},
    )
    run_id = json.loads(raw)["run_id"]
    d.call(
        "join-stream the background run",
        "GET",
        f"{runs}/{run_id}/stream",
        route="/threads/{thread_id}/runs/{run_id}/stream",
    )
    d.call(
        "thread stream, client hangs up after 1s",
        "GET",
        f"/threads/{thread}/stream",
        route="/threads/{thread_id}/stream",
        read_seconds=1.0,
        note="stays open until the client leaves",
    )
    d.call("thread state", "GET", f"/threads/{thread}/state", route="/threads/{thread_id}/state")
    d.call("search threads", "POST", "/threads/search", body={"limit": 5})
    d.call(
        "unknown thread",
        "GET",
        f"/threads/{UNKNOWN_THREAD_ID}",
        route="/threads/{thread_id}",
        expect=404,
    )
    d.call("unknown route", "GET", "/no/such/route", expect=404, note="matched no route")
    d.call(
        "run on an unknown assistant",
        "POST",
        "/runs/wait",
        body={"assistant_id": "no-such-graph", "input": run_input()},
        expect=422,
    )


def plan_traffic(d: Driver, count: int, fail_every: int, sleep_seconds: float) -> dict:
    failed_runs = 0
    for i in range(1, count + 1):
        fail = fail_every > 0 and i % fail_every == 0
        failed_runs += fail
        d.call(
            f"traffic {i}",
            "POST",
            "/runs/wait",
            body={"assistant_id": GRAPH_ID, "input": run_input(fail=fail, sleep_seconds=sleep_seconds)},
        )
    return {"requests": count, "failing_runs": failed_runs}


def cmd_provenance(args: argparse.Namespace) -> None:
    wanted = ("langgraph-api", "langgraph-cli", "langgraph-runtime-inmem", "langgraph")
    freeze = {}
    for line in open(args.freeze, encoding="utf-8"):
        if "==" in line:
            name, version = line.strip().split("==", 1)
            freeze[name.lower()] = version
    fixtures = []
    for spec in args.fixture:
        path, variant_json = spec.split("=", 1)
        variant = json.loads(variant_json)
        with open(path, "rb") as fh:
            content = fh.read()
        variant["file"] = path.split("test/fixtures/signals/", 1)[-1]
        variant["sha256"] = hashlib.sha256(content).hexdigest()
        if variant.get("requests_file"):
            with open(variant.pop("requests_file"), encoding="utf-8") as fh:
                variant["requests"] = json.load(fh)
        fixtures.append(variant)
    doc = {
        "what": "Raw /metrics exposition of the real LangGraph API server (in-memory runtime, "
        "`langgraph dev`) after a fixed request list against test/signals/graph.",
        "recorded_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "packages": {name: freeze.get(name) for name in wanted},
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "runtime_edition": "inmem",
        "command": args.command,
        "server_command": args.server_command,
        "server_env": args.server_env,
        "constraints": "scripts/signals/constraints.txt",
        "install_seconds": args.install_seconds,
        "harvest_seconds": args.harvest_seconds,
        "fixtures": fixtures,
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("harvest", "traffic"):
        s = sub.add_parser(name)
        s.add_argument("--base-url", required=True)
        s.add_argument("--out", required=True, help="JSON file for the request records")
        s.add_argument("--request-timeout", type=float, default=30.0)
        s.add_argument("--deadline", type=float, default=180.0, help="wall-clock seconds for the whole plan")
        if name == "traffic":
            s.add_argument("--count", type=int, required=True)
            s.add_argument("--fail-every", type=int, default=0, help="every K-th run raises (0 = never)")
            s.add_argument("--sleep-seconds", type=float, default=0.0)
    s = sub.add_parser("provenance")
    s.add_argument("--out", required=True)
    s.add_argument("--freeze", required=True)
    s.add_argument("--fixture", action="append", default=[], help="PATH=JSON describing one fixture")
    s.add_argument("--command", required=True)
    s.add_argument("--server-command", required=True)
    s.add_argument("--server-env", nargs="*", default=[])
    s.add_argument("--install-seconds", type=int, required=True)
    s.add_argument("--harvest-seconds", type=int, required=True)
    args = p.parse_args()

    if args.cmd == "provenance":
        cmd_provenance(args)
        return
    d = Driver(args.base_url, args.request_timeout, args.deadline)
    summary: dict = {}
    try:
        if args.cmd == "harvest":
            plan_harvest(d)
        else:
            summary = plan_traffic(d, args.count, args.fail_every, args.sleep_seconds)
    finally:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(d.records, fh, indent=2)
            fh.write("\n")
    if summary:
        print(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(main())
