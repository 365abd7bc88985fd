#!/usr/bin/env bash
# canary.sh — `npm run test:behaviour:canary` (issue 17 items 3 and 5): a canary, end to end,
# decided by the REAL Argo Rollouts controller running the rendered AnalysisTemplates against a
# REAL Prometheus scraping REAL LangGraph servers; and the runbook's promote/abort/retry run as
# the owner group by impersonation.
#
#   1. releases: three copies of config/ with support-agent's version (and image digest) changed
#      (canary-release.ts), each rendered by `npm run synth -- --config <copy> --outdir <tmp>
#      --env prod`; dist/ itself is the release already running;
#   2. each rendered workflow folder through the ONE transformation (canary-transform.ts): time
#      constants ÷ CANARY_TIME_DIVISOR (pauses, analysis interval, PromQL ranges) and the
#      Prometheus address → loopback; every change printed, everything else proven unchanged;
#   3. the cluster (canary-cluster.sh: the behaviour harness), the workflow's
#      objects applied server-side, rollouts-controller v1.9.1 outside it (--kubeconfig, metrics
#      and healthz on loopback, Istio v1 VirtualServices);
#   4. two LangGraph servers and Prometheus from scripts/signals/lib.sh; Prometheus' scrape job is
#      the rendered PodMonitor (scripts/signals/prepare.ts), the two servers labelled with the
#      pod-template hashes the controller made (read from the API server at each release);
#   5. canary-run.ts: healthy, quiet (+ runbook as the owner group), bad; prints the report.
#
# Env: CANARY_TIME_DIVISOR (default 6), CANARY_DEADLINE (whole run, default 1500 s),
#      LG_KEEP_WORKDIRS=1 (keep logs), LGP_TOOLS_CACHE.
# Bounds: loopback only; every wait has a deadline; an EXIT trap stops every PID started here.
set -euo pipefail

CANARY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CANARY_REPO="$(cd "$CANARY_DIR/../.." && pwd)"
# shellcheck source=scripts/signals/lib.sh
source "$CANARY_REPO/scripts/signals/lib.sh"
canary_log() { printf '[canary %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
canary_die() { canary_log "ERROR: $*"; exit 1; }
CANARY_PIDS=()
canary_cleanup() {
  # Best effort, every step: errexit would leave the rest running at the first non-zero `wait`.
  set +e
  local i
  for ((i = ${#CANARY_PIDS[@]} - 1; i >= 0; i--)); do lg_stop_pid "${CANARY_PIDS[i]}"; done
  CANARY_PIDS=()
  lg_cleanup
  canary_cluster_down
}
trap canary_cleanup EXIT
trap 'exit 130' INT TERM
# shellcheck source=scripts/behaviour/canary-cluster.sh
source "$CANARY_DIR/canary-cluster.sh"

DIVISOR="${CANARY_TIME_DIVISOR:-6}"
DEADLINE="${CANARY_DEADLINE:-1500}"
ENV_NAME=prod
WORKFLOW=support-agent
t_start=$SECONDS

# ---- tools ------------------------------------------------------------------------------------
CACHE="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}"
# shellcheck disable=SC1091
[[ -f "$CACHE/env.sh" ]] && source "$CACHE/env.sh"
# env.sh names what the last install-tools run saw; another selection may have rewritten it.
if ! command -v rollouts-controller >/dev/null; then
  for d in "$CACHE"/argo-rollouts-*+controller-loopback/bin; do [[ -x "$d/rollouts-controller" ]] && PATH="$d:$PATH"; done
fi
command -v rollouts-controller >/dev/null || canary_die "rollouts-controller not on PATH: bash .ci/install-tools.sh argo-rollouts"
command -v kubectl-argo-rollouts >/dev/null || canary_die "kubectl-argo-rollouts not on PATH: bash .ci/install-tools.sh argo-rollouts"
command -v jq >/dev/null || canary_die "jq is required (apt-get install jq)"
lg_ensure_venv
lg_ensure_prometheus
cd "$CANARY_REPO"
TSX=node_modules/.bin/tsx
[[ -x $TSX ]] || canary_die "node_modules/.bin/tsx missing: run npm ci first"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/behaviour-canary.XXXXXX")"
LG_WORKDIRS+=("$WORK")
PROM_PORT=$(lg_free_port); STABLE_PORT=$(lg_free_port); CANARY_PORT=$(lg_free_port)
METRICS_PORT=$(lg_free_port); HEALTHZ_PORT=$(lg_free_port)
[[ $(printf '%s\n' "$PROM_PORT" "$STABLE_PORT" "$CANARY_PORT" "$METRICS_PORT" "$HEALTHZ_PORT" | sort -u | wc -l) == 5 ]] || canary_die "port collision; run again"
PROM_URL="http://127.0.0.1:$PROM_PORT"

# ---- 1+2. releases rendered from config, then transformed --------------------------------------
t0=$SECONDS
transform() { # transform <rendered workflow dir> <out dir> <label> [brief]
  local out
  out=$("$TSX" scripts/behaviour/canary-transform.ts --objects "$1" --out "$2" --divisor "$DIVISOR" \
    --prometheus "$PROM_URL" --changes-tsv "$2.changes.tsv") || canary_die "canary-transform.ts refused $1"
  if [[ -n "${4:-}" ]]; then canary_log "$3: $(sed -n 2p <<<"$out" | sed 's/^ *//; s/:$//')"; else canary_log "$3: $(sed '1!s/^/    /' <<<"$out")"; fi
}
transform "dist/$ENV_NAME/$WORKFLOW" "$WORK/objects-running" "running release (dist/$ENV_NAME/$WORKFLOW)"
base_version=$(sed -n 's/^    app.kubernetes.io\/version: //p' "dist/$ENV_NAME/$WORKFLOW/rollout-$WORKFLOW-api.yaml" | head -1)
[[ -n "$base_version" ]] || canary_die "cannot read the running version from dist/$ENV_NAME/$WORKFLOW"
declare -A RELEASE_VERSION=([healthy]="$base_version-canary.1" [quiet]="$base_version-canary.2" [bad]="$base_version-canary.3")
for name in healthy quiet bad; do
  "$TSX" scripts/behaviour/canary-release.ts --out "$WORK/config-$name" --workflow "$WORKFLOW" --version "${RELEASE_VERSION[$name]}"
  npm run -s synth -- --config "$WORK/config-$name" --outdir "$WORK/render-$name" --env "$ENV_NAME" -q ||
    canary_die "synth of release $name failed"
  transform "$WORK/render-$name/$ENV_NAME/$WORKFLOW" "$WORK/objects-$name" "release $name (version ${RELEASE_VERSION[$name]})" brief
done
# The releases differ from each other in the transformed Rollout/AnalysisTemplates only by what
# the version changes (labels, image): the transformation list is the same for each.
for name in healthy quiet bad; do
  cmp -s <(cut -f1,2,4,5 "$WORK/objects-running.changes.tsv") <(cut -f1,2,4,5 "$WORK/objects-$name.changes.tsv") ||
    canary_die "release $name got a different transformation than the running release"
done
t_render=$((SECONDS - t0))

# ---- 3. cluster, objects, controller -----------------------------------------------------------
t0=$SECONDS
canary_cluster_up "$WORK/cluster"
KC="$KUBECONFIG_FILE"
kc() { kubectl --kubeconfig "$KC" "$@"; }
# Namespaces first: the rendered ones, then those the objects use without rendering (the platform's,
# e.g. monitoring for the dashboard), created bare as scripts/cluster/run.sh does.
external=$("$TSX" scripts/cluster/namespaces-of.ts "$WORK/objects-running" "$WORK/namespaces.yaml") || canary_die "namespaces-of.ts failed"
kc apply --server-side --field-manager=lgp-canary -f "$WORK/namespaces.yaml" -o name >/dev/null
for ns in $external argo-rollouts; do kc get namespace "$ns" >/dev/null 2>&1 || kc create namespace "$ns" >/dev/null; done
# The environment's shared objects (the PriorityClass the pods name) before the workflow's.
[[ -d "dist/$ENV_NAME/_shared" ]] && kc apply --server-side --field-manager=lgp-canary -f "dist/$ENV_NAME/_shared" -o name >/dev/null
for ns in $(kc get namespaces -o jsonpath='{.items[*].metadata.name}'); do
  kc get serviceaccount default -n "$ns" >/dev/null 2>&1 || kc create serviceaccount default -n "$ns" >/dev/null
done
kc apply --server-side --field-manager=lgp-canary -f "$WORK/objects-running" -o name >"$WORK/applied.txt" 2>"$WORK/applied.err" ||
  { cat "$WORK/applied.err"; canary_die "the running release was refused"; }
grep -q Warning "$WORK/applied.err" && { cat "$WORK/applied.err"; canary_die "applied with warnings"; }
canary_log "applied $(wc -l <"$WORK/applied.txt") objects of dist/$ENV_NAME/$WORKFLOW (transformed) to the behaviour cluster"

POD_NAMESPACE=argo-rollouts nice -n 10 rollouts-controller --kubeconfig "$KC" --istio-api-version v1 \
  --metricsPort "$METRICS_PORT" --healthzPort "$HEALTHZ_PORT" --leader-elect=false --loglevel info \
  >"$WORK/rollouts-controller.log" 2>&1 &
CONTROLLER_PID=$!
CANARY_PIDS+=("$CONTROLLER_PID")
_cc_wait 60 "$CONTROLLER_PID" curl -fsS "http://127.0.0.1:$HEALTHZ_PORT/healthz" ||
  { tail -20 "$WORK/rollouts-controller.log"; canary_die "rollouts-controller not healthy"; }
canary_log "rollouts-controller (argo-rollouts v1.9.1) running (pid $CONTROLLER_PID), healthz 127.0.0.1:$HEALTHZ_PORT"
t_cluster=$((SECONDS - t0))

# ---- 4. servers and Prometheus -----------------------------------------------------------------
t0=$SECONDS
mkdir -p "$WORK/prom"
"$TSX" scripts/signals/prepare.ts --objects "dist/$ENV_NAME/$WORKFLOW" --out "$WORK/prom" --divisor "$DIVISOR" \
  --stable-port "$STABLE_PORT" --canary-port "$CANARY_PORT" >"$WORK/prepare.log"
mapfile -t SERVER_ENV <"$WORK/prom/server-env"
export LG_CONFIG=langgraph.live.json
lg_start_server stable "$STABLE_PORT" 10 "${SERVER_ENV[@]}" STATS_INTERVAL_SECS=2
STABLE_PID=$LG_LAST_PID
lg_start_server canary "$CANARY_PORT" 10 "${SERVER_ENV[@]}" STATS_INTERVAL_SECS=2
CANARY_PID=$LG_LAST_PID
lg_wait_ok "$STABLE_PORT" "$STABLE_PID" 120 || canary_die "stable server did not answer /ok"
lg_wait_ok "$CANARY_PORT" "$CANARY_PID" 120 || canary_die "canary server did not answer /ok"
lg_start_prometheus "$WORK/prom/prometheus.yml" "$WORK/prom-data" "$PROM_PORT" "$WORK/prometheus.log"
t_servers=$((SECONDS - t0))

# ---- 5. scenarios ------------------------------------------------------------------------------
t0=$SECONDS
owner_group=$(kc get rolebinding "$WORKFLOW-owner" -n "$WORKFLOW" -o jsonpath='{.subjects[?(@.kind=="Group")].name}')
[[ -n "$owner_group" ]] || canary_die "RoleBinding $WORKFLOW-owner names no group"
remaining=$((DEADLINE - (SECONDS - t_start)))
((remaining > 60)) || canary_die "no time left for the scenarios (CANARY_DEADLINE $DEADLINE)"
status=0
timeout --kill-after=10 "$remaining" "$TSX" scripts/behaviour/canary-run.ts --kubeconfig "$KC" --namespace "$WORKFLOW" \
  --rollout "$WORKFLOW-api" --prometheus "$PROM_URL" --prometheus-pid "$LG_PROM_PID" \
  --stable-port "$STABLE_PORT" --canary-port "$CANARY_PORT" --prepare-objects "dist/$ENV_NAME/$WORKFLOW" --prepare-out "$WORK/prom" \
  --divisor "$DIVISOR" --healthy "$WORK/objects-healthy" --quiet "$WORK/objects-quiet" --bad "$WORK/objects-bad" \
  --owner-group "$owner_group" --applicationset "dist/argocd/applicationset-langgraph-$ENV_NAME.yaml" &
RUNNER=$!
CANARY_PIDS+=("$RUNNER")
wait "$RUNNER" || status=$?
t_scenarios=$((SECONDS - t0))
grep -c 'level=error' "$WORK/rollouts-controller.log" >/dev/null &&
  canary_log "rollouts-controller logged $(grep -c 'level=error' "$WORK/rollouts-controller.log") error lines (log: $WORK/rollouts-controller.log)"
canary_log "timings: render+transform ${t_render}s, cluster+controller ${t_cluster}s, servers+Prometheus ${t_servers}s (venv install ${LG_INSTALL_SECONDS}s), scenarios ${t_scenarios}s, total $((SECONDS - t_start))s"
if ((status != 0)); then
  canary_log "FAILED (exit $status); keep the logs with LG_KEEP_WORKDIRS=1 (work dir $WORK)"
  exit 1
fi
canary_log "test:behaviour:canary passed"
