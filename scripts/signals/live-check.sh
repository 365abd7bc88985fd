#!/usr/bin/env bash
# live-check.sh — plumbing proof for issue 14 item 6: two real LangGraph servers, one real
# Prometheus, per-instance PromQL through Prometheus's HTTP API.
#
#   1. creates/reuses the pinned venv (scripts/signals/lib.sh) and uses Debian's
#      `prometheus` (installs it with apt-get when missing; if the package's service
#      starts on install, stops it and runs its own instance instead);
#   2. starts two `langgraph dev` servers (in-memory runtime, test/signals/graph) on
#      127.0.0.1:<free ports>: "stable" and "canary";
#   3. starts Prometheus on 127.0.0.1:<free port> with a temp config scraping both every
#      2 s, adding the static label rollouts_pod_template_hash="stable"/"canary" per
#      target (what the PodMonitor's relabelling of the pod label will produce);
#   4. sends bounded traffic: REQUESTS x POST /runs/wait to each; on the canary every
#      FAIL_EVERY-th run raises;
#   5. queries Prometheus and checks that lg_api_http_requests_total, summed by
#      rollouts_pod_template_hash, equals the requests each instance got, and that
#      lg_api_run_failed_after_retry_counter_total shows the canary's failed runs;
#   6. stops everything it started, by PID (trap on exit).
#
# The servers run with EXPOSE_INTERNAL_METRICS_PROMETHEUS=true (run outcome counters on
# /metrics; set LG_EXPOSE_INTERNAL=0 to scrape the default set and skip that check) and
# STATS_INTERVAL_SECS=2 (worker gauges refresh every 2 s instead of 60 s).
#
# Usage: scripts/signals/live-check.sh      env: REQUESTS (default 12), FAIL_EVERY (default 3)
# Bounds: each server start <= 120 s, traffic <= 120 s per instance, result wait <= 60 s.
set -euo pipefail

# shellcheck source=scripts/signals/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap lg_cleanup EXIT
trap 'exit 130' INT TERM

REQUESTS="${REQUESTS:-12}"
FAIL_EVERY="${FAIL_EVERY:-3}"
EXPOSE_INTERNAL="${LG_EXPOSE_INTERNAL:-1}"
((REQUESTS > 0 && REQUESTS <= 200)) || lg_die "REQUESTS=$REQUESTS: use 1..200"
t_start=$SECONDS

lg_ensure_venv
lg_ensure_prometheus
lg_log "$(prometheus --version 2>&1 | head -n 1)"

server_env=(STATS_INTERVAL_SECS=2)
[[ "$EXPOSE_INTERNAL" == 1 ]] && server_env+=(EXPOSE_INTERNAL_METRICS_PROMETHEUS=true)

declare -A PORT PID
for role in stable canary; do
  PORT[$role]="$(lg_free_port)"
  lg_start_server "live-$role" "${PORT[$role]}" 10 "${server_env[@]}"
  PID[$role]=$LG_LAST_PID
done
for role in stable canary; do
  lg_wait_ok "${PORT[$role]}" "${PID[$role]}" 120 || lg_die "$role server did not answer /ok (log: see above)"
done

PROM_DIR="$(mktemp -d "${TMPDIR:-/tmp}/signals-prometheus.XXXXXX")"
LG_WORKDIRS+=("$PROM_DIR")
PROM_PORT="$(lg_free_port)"
cat >"$PROM_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: langgraph-api
    metrics_path: /metrics
    static_configs:
      - targets: ['127.0.0.1:${PORT[stable]}']
        labels: { rollouts_pod_template_hash: stable }
      - targets: ['127.0.0.1:${PORT[canary]}']
        labels: { rollouts_pod_template_hash: canary }
EOF
promtool check config "$PROM_DIR/prometheus.yml" >/dev/null
lg_start_prometheus "$PROM_DIR/prometheus.yml" "$PROM_DIR/data" "$PROM_PORT" "$PROM_DIR/prometheus.log"

lg_log "traffic: $REQUESTS x POST /runs/wait per instance, canary run number k fails when k % ${FAIL_EVERY} == 0"
nice -n 10 "$LG_VENV/bin/python" "$SIGNALS_SCRIPTS_DIR/drive.py" traffic --base-url "http://127.0.0.1:${PORT[stable]}" \
  --out "$PROM_DIR/traffic-stable.json" --count "$REQUESTS" --deadline 120 &
stable_driver=$!
LG_PIDS+=("$stable_driver")
nice -n 10 "$LG_VENV/bin/python" "$SIGNALS_SCRIPTS_DIR/drive.py" traffic --base-url "http://127.0.0.1:${PORT[canary]}" \
  --out "$PROM_DIR/traffic-canary.json" --count "$REQUESTS" --fail-every "$FAIL_EVERY" --deadline 120 &
canary_driver=$!
LG_PIDS+=("$canary_driver")
wait "$stable_driver" || lg_die "stable traffic failed"
wait "$canary_driver" || lg_die "canary traffic failed"

failed_args=()
if [[ "$EXPOSE_INTERNAL" == 1 ]]; then
  failed_args=(--expect-failed-runs "canary=$((REQUESTS / FAIL_EVERY))")
fi
"$LG_VENV/bin/python" "$SIGNALS_SCRIPTS_DIR/prom_check.py" --url "http://127.0.0.1:$PROM_PORT" \
  --expect-requests "stable=$REQUESTS" "canary=$REQUESTS" "${failed_args[@]}" --timeout 60
lg_log "live check passed in $((SECONDS - t_start))s"
