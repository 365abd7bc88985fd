# shellcheck shell=bash
# canary-cluster.sh — the cluster under the behaviour canary (source it; do not run it).
#
#   canary_cluster_up WORK      the behaviour harness (scripts/behaviour/cluster.sh: etcd,
#                               kube-apiserver, kube-controller-manager, kube-scheduler, KWOK nodes
#                               that make pods Running/Ready, the CRDs); sets KUBECONFIG_FILE
#   canary_cluster_down         stops what canary_cluster_up started, by PID

CANARY_CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CANARY_CLUSTER_UP=0

canary_cluster_down() { if [[ "$CANARY_CLUSTER_UP" == 1 ]]; then behaviour_cluster_down; fi; }

_cc_wait() { # _cc_wait SECONDS PID CMD... — retry CMD every 0.5 s while PID lives
  local deadline=$((SECONDS + $1)) pid="$2"; shift 2
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}


canary_cluster_up() {
  local work="$1"
  # shellcheck source=scripts/behaviour/cluster.sh
  source "$CANARY_CLUSTER_DIR/cluster.sh"
  behaviour_tools || canary_die "the behaviour harness' tools are missing (bash .ci/install-tools.sh kubernetes etcd kube-control-plane kwok)"
  CANARY_CLUSTER_UP=1
  behaviour_cluster_up "$work" || canary_die "the behaviour cluster did not come up (logs in $work)"
  KUBECONFIG_FILE="$KUBECONFIG"
  canary_log "behaviour harness cluster up (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, KWOK nodes)"
}
