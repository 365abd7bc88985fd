#!/usr/bin/env bash
# harvest-metrics.sh — record the real LangGraph server's /metrics into committed fixtures.
#
# What it does (issue 14, item 5):
#   1. creates or reuses a venv with pinned langgraph-cli[inmem] / langgraph-api /
#      langgraph-runtime-inmem / langgraph (scripts/signals/lib.sh pins them,
#      scripts/signals/constraints.txt pins everything else), outside the repo under
#      ${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}/langgraph-venv-<api version>;
#   2. starts `langgraph dev` (in-memory runtime: no Postgres, Redis, Docker, license
#      or LangSmith key) on 127.0.0.1:<free port> with the deterministic graph in
#      test/signals/graph, fully offline (see LG_OFFLINE_ENV in lib.sh);
#   3. waits for GET /ok, drives the fixed, bounded request list of
#      scripts/signals/drive.py `harvest` (create assistant/thread, runs/wait success and
#      graph failure, a sleeping /runs/stream, join, join-stream, thread stream, 404s, 422);
#   4. scrapes GET /metrics (Prometheus text) and GET /metrics?format=json, stops the
#      server by PID;
#   5. repeats 2-4 with EXPOSE_INTERNAL_METRICS_PROMETHEUS=true (the server's switch
#      that also exposes its non-UI metrics on /metrics), unless --default-only;
#   6. writes, only when every request answered as expected:
#        test/fixtures/signals/langgraph-api-metrics.prom           (default /metrics)
#        test/fixtures/signals/langgraph-api-metrics.json           (default /metrics?format=json)
#        test/fixtures/signals/langgraph-api-metrics.internal.prom  (EXPOSE_INTERNAL_METRICS_PROMETHEUS=true)
#        test/fixtures/signals/provenance.json                      (versions, date, commands, requests)
#
# Usage: scripts/signals/harvest-metrics.sh [--default-only]
# Needs: python3 >= 3.11 (or LG_PYTHON), curl, PyPI reachable on first run.
# Bounds: server start <= 120 s, each request <= 30 s, each request plan <= 180 s.
set -euo pipefail

# shellcheck source=scripts/signals/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap lg_cleanup EXIT
trap 'exit 130' INT TERM

VARIANTS=(default internal)
if [[ "${1:-}" == "--default-only" ]]; then VARIANTS=(default); elif [[ -n "${1:-}" ]]; then
  lg_die "unknown argument $1 (usage: $0 [--default-only])"
fi

FIXTURES="$SIGNALS_REPO_ROOT/test/fixtures/signals"
N_JOBS=10 # the server's own default for N_JOBS_PER_WORKER outside `langgraph dev`
OUT="$(mktemp -d "${TMPDIR:-/tmp}/signals-harvest.XXXXXX")"
LG_WORKDIRS+=("$OUT")
t_start=$SECONDS

lg_ensure_venv
"$LG_VENV/bin/pip" freeze --disable-pip-version-check >"$OUT/freeze.txt"

harvest_one() {
  local variant="$1" port pid base
  local -a extra_env=()
  [[ "$variant" == internal ]] && extra_env=(EXPOSE_INTERNAL_METRICS_PROMETHEUS=true)
  port="$(lg_free_port)"
  lg_start_server "harvest-$variant" "$port" "$N_JOBS" "${extra_env[@]}"
  pid=$LG_LAST_PID
  base="http://127.0.0.1:$port"
  if ! lg_wait_ok "$port" "$pid" 120; then
    tail -n 40 "$LG_LAST_LOG" >&2
    lg_die "server $variant did not answer /ok within 120s"
  fi
  # In the background so that a signal reaches the EXIT trap at once.
  nice -n 10 "$LG_VENV/bin/python" "$SIGNALS_SCRIPTS_DIR/drive.py" harvest \
    --base-url "$base" --out "$OUT/requests-$variant.json" --request-timeout 30 --deadline 180 &
  LG_PIDS+=($!)
  wait $! || { tail -n 40 "$LG_LAST_LOG" >&2; lg_die "request plan failed against the $variant server"; }
  curl -sf -m 10 "$base/metrics" -o "$OUT/metrics-$variant.prom" || lg_die "scrape of $base/metrics failed"
  curl -sf -m 10 "$base/metrics?format=json" -o "$OUT/metrics-$variant.json" ||
    lg_die "scrape of $base/metrics?format=json failed"
  lg_stop_pid "$pid"
  grep -q '^lg_api_http_requests_total{' "$OUT/metrics-$variant.prom" ||
    lg_die "$variant scrape has no lg_api_http_requests_total sample; refusing to write fixtures"
  lg_log "$variant: $(grep -c '^lg_api_' "$OUT/metrics-$variant.prom") lg_api_* samples"
}

for v in "${VARIANTS[@]}"; do harvest_one "$v"; done
harvest_seconds=$((SECONDS - t_start - LG_INSTALL_SECONDS))

lg_server_argv '<free port>' "$N_JOBS"
mkdir -p "$FIXTURES"
cp "$OUT/metrics-default.prom" "$FIXTURES/langgraph-api-metrics.prom"
cp "$OUT/metrics-default.json" "$FIXTURES/langgraph-api-metrics.json"
fixture_args=(
  --fixture "$FIXTURES/langgraph-api-metrics.prom={\"variant\":\"default\",\"endpoint\":\"GET /metrics\",\"requests_file\":\"$OUT/requests-default.json\"}"
  --fixture "$FIXTURES/langgraph-api-metrics.json={\"variant\":\"default\",\"endpoint\":\"GET /metrics?format=json\",\"note\":\"same server and requests as langgraph-api-metrics.prom\"}"
)
if [[ " ${VARIANTS[*]} " == *" internal "* ]]; then
  cp "$OUT/metrics-internal.prom" "$FIXTURES/langgraph-api-metrics.internal.prom"
  fixture_args+=(--fixture "$FIXTURES/langgraph-api-metrics.internal.prom={\"variant\":\"internal\",\"endpoint\":\"GET /metrics\",\"server_env_extra\":[\"EXPOSE_INTERNAL_METRICS_PROMETHEUS=true\"],\"requests_file\":\"$OUT/requests-internal.json\"}")
fi
"$LG_VENV/bin/python" "$SIGNALS_SCRIPTS_DIR/drive.py" provenance \
  --out "$FIXTURES/provenance.json" --freeze "$OUT/freeze.txt" "${fixture_args[@]}" \
  --command "scripts/signals/harvest-metrics.sh${1:+ $1}" \
  --server-command "(cwd: temp copy of test/signals/graph) ${LG_SERVER_ARGV[*]/#$LG_VENV/<venv>}" \
  --server-env "${LG_OFFLINE_ENV[@]}" \
  --install-seconds "$LG_INSTALL_SECONDS" --harvest-seconds "$harvest_seconds"
lg_log "wrote $(cd "$SIGNALS_REPO_ROOT" && ls test/fixtures/signals/langgraph-api-metrics* test/fixtures/signals/provenance.json | tr '\n' ' ')in ${harvest_seconds}s (install ${LG_INSTALL_SECONDS}s)"
