#!/usr/bin/env bash
# test-signals.sh — `npm run test:signals`: the rendered canary analysis, recording rules and
# alerts, proven against two REAL LangGraph servers and a REAL Prometheus (issue 14, item 6).
#
#   1. venv with the pinned langgraph-cli[inmem] / langgraph-api (scripts/signals/lib.sh) and
#      Debian's prometheus (apt-get install when missing);
#   2. prepare.ts reads the rendered objects of one workflow (default dist/prod/support-agent):
#        PodMonitor        → one scrape job: the relabel_configs prometheus-operator generates
#                            for it + its relabelings verbatim, applied by Prometheus to two
#                            synthetic pods (stable0hash / canary0hash) built from the rendered
#                            pod template; a documented tail only points them at loopback;
#        PrometheusRules   → rule files, every time constant ÷ SIGNALS_TIME_DIVISOR (listed,
#                            everything else proven unchanged);
#        Rollout + AnalysisTemplates → each metric's query with the Rollout's args substituted
#                            (podTemplateHashValue Latest/Stable = the synthetic pods' hashes);
#   3. starts the two servers (127.0.0.1, free ports; the rendered container's literal env) and
#      Prometheus (127.0.0.1, 1 s scrape and rule evaluation);
#   4. run-scenarios.ts: relabelling check, then phases healthy / stable-unhealthy /
#      canary-failing / canary-slow / canary-quiet with fixed request counts, each judged through
#      the HTTP API with Argo's condition semantics; the streaming routes; every recording rule;
#   5. prints the table; exits 1 on any failed expectation. Stops everything by PID (trap).
#
# Usage: scripts/signals/test-signals.sh [--objects DIR]
# Env:   SIGNALS_OBJECTS_DIR (default dist/prod/support-agent), SIGNALS_TIME_DIVISOR (default 6),
#        SIGNALS_RUNS / SIGNALS_API_REQUESTS per role and phase (default 20), LG_KEEP_WORKDIRS=1.
# Bounds: server start <= 120 s, Prometheus ready <= 60 s, each request <= its phase budget,
#         the scenarios <= SIGNALS_DEADLINE seconds (default 420), then everything is stopped.
set -euo pipefail

# shellcheck source=scripts/signals/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap lg_cleanup EXIT
trap 'exit 130' INT TERM

OBJECTS="${SIGNALS_OBJECTS_DIR:-$SIGNALS_REPO_ROOT/dist/prod/support-agent}"
if [[ "${1:-}" == "--objects" && -n "${2:-}" ]]; then OBJECTS="$2"; elif [[ -n "${1:-}" ]]; then
  lg_die "unknown argument $1 (usage: $0 [--objects DIR])"
fi
DIVISOR="${SIGNALS_TIME_DIVISOR:-6}"
DEADLINE="${SIGNALS_DEADLINE:-420}"
t_start=$SECONDS

lg_ensure_venv
lg_ensure_prometheus
lg_log "$(prometheus --version 2>&1 | head -n 1)"
cd "$SIGNALS_REPO_ROOT"
[[ -x node_modules/.bin/tsx ]] || lg_die "node_modules/.bin/tsx missing: run npm ci first"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/signals-test.XXXXXX")"
LG_WORKDIRS+=("$WORK")
STABLE_PORT="$(lg_free_port)"
CANARY_PORT="$(lg_free_port)"
PROM_PORT="$(lg_free_port)"
while [[ "$CANARY_PORT" == "$STABLE_PORT" || "$PROM_PORT" == "$STABLE_PORT" || "$PROM_PORT" == "$CANARY_PORT" ]]; do
  CANARY_PORT="$(lg_free_port)"
  PROM_PORT="$(lg_free_port)"
done

lg_log "reading rendered objects in $OBJECTS"
node_modules/.bin/tsx scripts/signals/prepare.ts --objects "$OBJECTS" --out "$WORK" \
  --stable-port "$STABLE_PORT" --canary-port "$CANARY_PORT" --divisor "$DIVISOR"
promtool check config "$WORK/prometheus.yml" >"$WORK/promtool.log" 2>&1 || {
  cat "$WORK/promtool.log" >&2
  lg_die "promtool rejects the generated configuration or rules"
}

# The rendered container's literal env (prepare.ts wrote it), plus: STATS_INTERVAL_SECS=2 so the
# worker gauges refresh within a phase (server default 60 s; a time constant like the others).
mapfile -t RENDERED_ENV <"$WORK/server-env"
SERVER_ENV=("${RENDERED_ENV[@]}" STATS_INTERVAL_SECS=2)
lg_log "server env: ${SERVER_ENV[*]}"
export LG_CONFIG=langgraph.live.json
lg_start_server stable "$STABLE_PORT" 10 "${SERVER_ENV[@]}"
STABLE_PID=$LG_LAST_PID
lg_start_server canary "$CANARY_PORT" 10 "${SERVER_ENV[@]}"
CANARY_PID=$LG_LAST_PID
lg_wait_ok "$STABLE_PORT" "$STABLE_PID" 120 || lg_die "stable server did not answer /ok"
lg_wait_ok "$CANARY_PORT" "$CANARY_PID" 120 || lg_die "canary server did not answer /ok"
lg_start_prometheus "$WORK/prometheus.yml" "$WORK/data" "$PROM_PORT" "$WORK/prometheus.log"
t_ready=$SECONDS

# In the background with its own deadline so that a signal reaches the EXIT trap at once.
timeout --kill-after=10 "$DEADLINE" node_modules/.bin/tsx scripts/signals/run-scenarios.ts --plan "$WORK/plan.json" \
  --prometheus "http://127.0.0.1:$PROM_PORT" --stable "http://127.0.0.1:$STABLE_PORT" --canary "http://127.0.0.1:$CANARY_PORT" &
RUNNER=$!
LG_PIDS+=("$RUNNER")
status=0
wait "$RUNNER" || status=$?
lg_log "setup $((t_ready - t_start))s (venv install ${LG_INSTALL_SECONDS}s), scenarios $((SECONDS - t_ready))s, total $((SECONDS - t_start))s"
if ((status != 0)); then
  for pid in "$STABLE_PID" "$CANARY_PID"; do kill -0 "$pid" 2>/dev/null || lg_log "server pid $pid had exited"; done
  lg_log "FAILED (exit $status); keep the logs with LG_KEEP_WORKDIRS=1 (work dir $WORK)"
  exit 1
fi
lg_log "test:signals passed"
