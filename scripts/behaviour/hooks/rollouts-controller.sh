# shellcheck shell=bash
# Hook of scripts/behaviour/run.sh: the Argo Rollouts controller (v1.9.1, the one the canary test
# runs: scripts/behaviour/canary.md) in every environment's cluster, outside it against the admin
# kubeconfig, metrics and healthz on loopback; so the canary environments' Rollouts make their
# pods (workloadRef) and observe.ts judges them and the HPAs over them (--rollouts-controller).
# Stopped with the cluster (behaviour_start records its PID).

_rollouts_controller_bin() {
  local cache="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}" d
  command -v rollouts-controller >/dev/null && return 0
  for d in "$cache"/argo-rollouts-*+controller-loopback/bin; do [[ -x "$d/rollouts-controller" ]] && PATH="$d:$PATH"; done
  command -v rollouts-controller >/dev/null
}

behaviour_hook_after_up() {
  local env="$1" metrics healthz i
  _rollouts_controller_bin || { behaviour_say "ERROR: rollouts-controller not found; run: bash .ci/install-tools.sh argo-rollouts"; return 1; }
  metrics=$(lgp_free_port); healthz=$(lgp_free_port)
  behaviour_kubectl create namespace argo-rollouts >/dev/null || return 1
  behaviour_start rollouts-controller "$BEHAVIOUR_WORK/rollouts-controller.log" env POD_NAMESPACE=argo-rollouts \
    rollouts-controller --kubeconfig "$KUBECONFIG" --istio-api-version v1 --metricsPort "$metrics" --healthzPort "$healthz" \
    --leader-elect=false --loglevel warn
  for i in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$healthz/healthz" >/dev/null 2>&1 && { behaviour_say "[$env] rollouts-controller v1.9.1 running (healthz 127.0.0.1:$healthz)"; return 0; }
    kill -0 "${BEHAVIOUR_PIDS[-1]}" 2>/dev/null || break
    sleep 0.5
  done
  tail -20 "$BEHAVIOUR_WORK/rollouts-controller.log"
  behaviour_say "ERROR: [$env] rollouts-controller did not become healthy"
  return 1
}

BEHAVIOUR_OBSERVE_FLAGS+=(--rollouts-controller)
