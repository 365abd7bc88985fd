#!/usr/bin/env python3
"""Queries a Prometheus on loopback through its HTTP API and checks per-instance values.

Used by scripts/signals/live-check.sh (stdlib only). Every query is printed with
its result; the script exits 1 when a checked value differs from the expected one.

  prom_check.py --url http://127.0.0.1:PORT --expect-requests stable=15 canary=15 \
                [--expect-failed-runs canary=5] [--timeout 60]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import sys
import time
import urllib.parse
import urllib.request

HASH = "rollouts_pod_template_hash"


def query(base: str, promql: str) -> list[dict]:
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
    with urllib.request.urlopen(url, timeout=10) as resp:
        body = json.load(resp)
    if body.get("status") != "success":
        raise RuntimeError(f"query failed: {promql}: {body}")
    return body["data"]["result"]


def by_hash(result: list[dict]) -> dict[str, float]:
    return {r["metric"].get(HASH, "<none>"): float(r["value"][1]) for r in result}


def parse_expect(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        out[key] = float(value)
    return out


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--expect-requests", nargs="+", required=True, help="HASH=N: POST /runs/wait 200s per instance")
    p.add_argument("--expect-failed-runs", nargs="*", default=[], help="HASH=N: failed runs per instance")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the scrapes to catch up")
    args = p.parse_args()
    host = urllib.parse.urlparse(args.url).hostname or ""
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing non-loopback Prometheus {args.url!r}")

    want_requests = parse_expect(args.expect_requests)
    want_failed = parse_expect(args.expect_failed_runs)
    q_requests = f'sum by ({HASH}, instance) (lg_api_http_requests_total{{method="POST", path="/runs/wait", status="200"}})'
    q_failed = f"sum by ({HASH}) (lg_api_run_failed_after_retry_counter_total)"

    # The counters settle once Prometheus has scraped after the last request.
    deadline = time.monotonic() + args.timeout
    while True:
        got_requests = by_hash(query(args.url, q_requests))
        got_failed = by_hash(query(args.url, q_failed)) if want_failed else {}
        settled = got_requests == want_requests and all(got_failed.get(k, 0.0) == v for k, v in want_failed.items())
        if settled or time.monotonic() > deadline:
            break
        time.sleep(2)

    shown = {
        "up": f'up{{job="langgraph-api"}}',
        "requests per instance": q_requests,
        "canary only": f'sum by ({HASH}) (lg_api_http_requests_total{{{HASH}="canary"}})',
        "request rate per instance (1m)": f"sum by ({HASH}) (rate(lg_api_http_requests_total[1m]))",
        "p95 ms of POST /runs/wait per instance (1m)": (
            f'histogram_quantile(0.95, sum by (le, {HASH}) (rate(lg_api_http_requests_latency_bucket{{method="POST", path="/runs/wait"}}[1m])))'
        ),
        "failed runs per instance": q_failed,
        "workers_max per instance": f"max by ({HASH}) (lg_api_workers_max)",
    }
    for title, promql in shown.items():
        result = query(args.url, promql)
        print(f"# {title}\n{promql}")
        for r in result:
            print(f"  {json.dumps(r['metric'], sort_keys=True)} => {r['value'][1]}")
        if not result:
            print("  (empty)")

    ok = True
    if got_requests != want_requests:
        print(f"FAIL requests per instance: got {got_requests}, want {want_requests}")
        ok = False
    for key, value in want_failed.items():
        if got_failed.get(key, 0.0) != value:
            print(f"FAIL failed runs for {key}: got {got_failed.get(key)}, want {value}")
            ok = False
    print("PASS per-instance values match the traffic sent" if ok else "live check FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
