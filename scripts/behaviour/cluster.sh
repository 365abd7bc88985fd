# shellcheck shell=bash
# A Kubernetes cluster without kubelets, on loopback, for behaviour tests. Sourced, never run:
#
#   source scripts/behaviour/cluster.sh
#   behaviour_tools || exit 1            # puts the cached binaries on PATH, checks them
#   behaviour_cluster_up "$workdir"      # exports KUBECONFIG; BEHAVIOUR_PIDS lists what it started
#   ...kubectl...
#   behaviour_cluster_down               # stops them by PID, newest first
#
# What runs: etcd; kube-apiserver with the flags of the API server stage (scripts/cluster/lib.sh:
# RBAC, Pod Security admission with a `restricted` default, no exemptions); kube-controller-manager
# (per-controller service-account credentials signed with the API server's key, HPA sync every
# LGP_BEHAVIOUR_HPA_SYNC, leader election off); kube-scheduler; KWOK, which owns three fake nodes
# (label type=kwok) and takes their pods through KWOK's default stages (scripts/behaviour/kwok-stages.yaml:
# scheduled → Running and Ready; no container runs). The CRDs of schemas/crds are installed server-side.
#
# Nodes (BEHAVIOUR_NODES): one per zone, lgp-zone-a/b/c in zone-a/b/c of region lgp-test; zone-c's
# node is spot (karpenter.sh/capacity-type=spot, the label src/constructs/scheduling.ts selects by),
# the others on-demand. The spot node is labelled, not tainted: with one node per zone a taint would
# leave every workload that does not tolerate it two zones, and zone spread could not be judged.
# Each node has 64 cpu, 256Gi memory, 500Gi ephemeral storage and 110 pods allocatable.
# Storage: no driver provisions volumes here, so BEHAVIOUR_VOLUMES PersistentVolumes (50Gi,
# ReadWriteOnce, no storage class, hostPath that nothing mounts) are created up front, as a static
# provisioner would; the controller-manager's binder binds claims (a StatefulSet's) to them.
#
# Environment:
#   LGP_TOOLS_CACHE            where .ci/install-tools.sh put the binaries
#   LGP_CRDS_DIR               CRDs to install (default: <repo>/schemas/crds)
#   LGP_PSA_DEFAULT            Pod Security level for unlabelled namespaces (default: restricted)
#   LGP_BEHAVIOUR_HPA_SYNC     kube-controller-manager --horizontal-pod-autoscaler-sync-period (default: 5s)

BEHAVIOUR_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/cluster/lib.sh
source "$BEHAVIOUR_REPO/scripts/cluster/lib.sh"

BEHAVIOUR_FIELD_MANAGER=langgraph-platform-ci
BEHAVIOUR_PIDS=()
BEHAVIOUR_NAMES=()
BEHAVIOUR_WORK=""
BEHAVIOUR_NODES=(lgp-zone-a lgp-zone-b lgp-zone-c)
BEHAVIOUR_VOLUMES=12

behaviour_say() { printf '[behaviour] %s\n' "$*"; }

# behaviour_tools: the cached tools on PATH (env.sh, then each tool's newest cached folder, since a
# later install-tools run of another selection rewrites env.sh), and every binary present.
behaviour_tools() {
  local cache="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}" bin d
  # shellcheck disable=SC1091
  [[ -f "$cache/env.sh" ]] && source "$cache/env.sh"
  for bin in etcd kube-apiserver kubectl kube-controller-manager kube-scheduler kwok; do
    command -v "$bin" >/dev/null && continue
    for d in "$cache"/*/bin; do [[ -x "$d/$bin" ]] && PATH="$d:$PATH"; done
  done
  local missing=()
  for bin in etcd kube-apiserver kubectl kube-controller-manager kube-scheduler kwok openssl curl python3; do
    command -v "$bin" >/dev/null || missing+=("$bin")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  behaviour_say "ERROR: not on PATH: ${missing[*]}; run: bash .ci/install-tools.sh kubernetes etcd kube-control-plane kwok"
  return 1
}

# behaviour_kubectl <args...>: kubectl against the cluster, as its admin.
behaviour_kubectl() { kubectl --kubeconfig "$BEHAVIOUR_WORK/admin.kubeconfig" --cache-dir "$BEHAVIOUR_WORK/kubectl-cache" "$@"; }

# behaviour_start <name> <log> <command...>: starts one more process in the background (a controller
# of a later test, too); behaviour_cluster_down stops it with the rest. Its PID: ${BEHAVIOUR_PIDS[-1]}.
behaviour_start() {
  local name="$1" log="$2"; shift 2
  "$@" >"$log" 2>&1 &
  BEHAVIOUR_PIDS+=($!); BEHAVIOUR_NAMES+=("$name")
}

# _behaviour_wait <what> <seconds> <pid> <command...>: polls the command every 0.5 s until it
# succeeds; fails if the process exits or the time runs out.
_behaviour_wait() {
  local what="$1" seconds="$2" pid="$3" i; shift 3
  for ((i = 0; i < seconds * 2; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { behaviour_say "ERROR: $what exited"; return 1; }
    sleep 0.5
  done
  behaviour_say "ERROR: $what not ready after ${seconds}s"; return 1
}

_behaviour_healthz() { curl -fsk "https://127.0.0.1:$1/healthz"; }

_behaviour_fail() { # _behaviour_fail <message> <log>
  behaviour_say "ERROR: $1 (last lines of $2):"; tail -20 "$2" | sed 's/^/    /'; return 1
}

# behaviour_write_nodes <file>: the three fake nodes.
behaviour_write_nodes() {
  local i name zone capacity
  : >"$1"
  for i in 0 1 2; do
    name="${BEHAVIOUR_NODES[i]}" zone="zone-${name##*-}" capacity=on-demand
    [[ $i == 2 ]] && capacity=spot
    cat >>"$1" <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels:
    type: kwok
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    node.kubernetes.io/instance-type: kwok-64x256
    topology.kubernetes.io/region: lgp-test
    topology.kubernetes.io/zone: $zone
    karpenter.sh/capacity-type: $capacity
status:
  allocatable: {cpu: "64", memory: 256Gi, ephemeral-storage: 500Gi, pods: "110"}
  capacity: {cpu: "64", memory: 256Gi, ephemeral-storage: 500Gi, pods: "110"}
EOF
  done
}

# behaviour_write_volumes <file>: the statically provisioned PersistentVolumes.
behaviour_write_volumes() {
  local i
  : >"$1"
  for ((i = 1; i <= BEHAVIOUR_VOLUMES; i++)); do
    cat >>"$1" <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: lgp-volume-$i, labels: {type: kwok}}
spec:
  capacity: {storage: 50Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  hostPath: {path: /nonexistent/lgp-volume-$i}
EOF
  done
}

# behaviour_cluster_up <workdir>: starts the cluster in <workdir> (created; logs, certificates and
# kubeconfigs stay there), installs the CRDs, registers the nodes and waits until they are Ready.
# Exports KUBECONFIG (the admin's). On failure returns non-zero; call behaviour_cluster_down anyway.
behaviour_cluster_up() {
  BEHAVIOUR_WORK="$(mkdir -p "$1" && cd "$1" && pwd)"
  local w="$BEHAVIOUR_WORK" pki="$BEHAVIOUR_WORK/pki" t0=$SECONDS
  local crds; crds="$(realpath -m "${LGP_CRDS_DIR:-$BEHAVIOUR_REPO/schemas/crds}")"
  lgp_make_certs "$pki" kcm=/CN=system:kube-controller-manager scheduler=/CN=system:kube-scheduler \
    kwok=/O=system:masters/CN=lgp-ci-kwok || { cat "$pki.log"; behaviour_say "ERROR: openssl failed"; return 1; }
  lgp_write_admission_config "$w/admission.yaml" "${LGP_PSA_DEFAULT:-restricted}"

  local ok=0
  lgp_start_etcd "$w/etcd" "$w/etcd.log" || ok=1
  BEHAVIOUR_PIDS+=("$LGP_ETCD_PID"); BEHAVIOUR_NAMES+=(etcd)
  [[ $ok == 0 ]] || { _behaviour_fail "etcd did not become healthy" "$w/etcd.log"; return 1; }

  local port; port=$(lgp_free_port)
  local server="https://127.0.0.1:$port" c
  lgp_apiserver_args "$pki" "$LGP_ETCD_PORT" /registry "$port" "$w/admission.yaml" "$w/apiserver-certs"
  behaviour_start kube-apiserver "$w/kube-apiserver.log" kube-apiserver "${LGP_APISERVER_ARGS[@]}"
  for c in admin kcm scheduler kwok; do lgp_write_kubeconfig "$w/$c.kubeconfig" "$server" "$pki" "$c"; done
  export KUBECONFIG="$w/admin.kubeconfig"
  _behaviour_wait kube-apiserver 180 "${BEHAVIOUR_PIDS[-1]}" behaviour_kubectl get --raw=/readyz \
    || { _behaviour_fail "kube-apiserver did not become ready" "$w/kube-apiserver.log"; return 1; }
  behaviour_say "kube-apiserver $(kube-apiserver --version | awk '{print $2}') ready on 127.0.0.1:$port (etcd on $LGP_ETCD_PORT)"

  # CRDs before the controller-manager: its discovery cache is filled once and refreshed only every
  # 30 s, so an HPA over a Rollout read before that refresh fails with "no matches for kind".
  # And before KWOK, so the RBAC and the objects applied later find their kinds.
  behaviour_kubectl apply --server-side --field-manager="$BEHAVIOUR_FIELD_MANAGER" -f "$crds" >"$w/crds.out" 2>"$w/crds.err" \
    && behaviour_kubectl wait --for=condition=Established --timeout=120s crd --all >/dev/null 2>>"$w/crds.err" \
    || { _behaviour_fail "installing the CRDs of $crds failed" "$w/crds.err"; return 1; }
  if grep -q 'Warning:' "$w/crds.err"; then _behaviour_fail "the CRDs were applied with warnings" "$w/crds.err"; return 1; fi
  behaviour_say "$(wc -l <"$w/crds.out") CRDs installed and established"

  # The controllers: every default one (nodeipam is off by default without --allocate-node-cidrs).
  local kcm_port; kcm_port=$(lgp_free_port)
  behaviour_start kube-controller-manager "$w/kube-controller-manager.log" kube-controller-manager \
    --kubeconfig="$w/kcm.kubeconfig" \
    --authentication-kubeconfig="$w/admin.kubeconfig" --authorization-kubeconfig="$w/admin.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --cert-dir="$w/kcm-certs" \
    --use-service-account-credentials=true --service-account-private-key-file="$pki/sa.key" \
    --root-ca-file="$pki/ca.crt" --cluster-name=lgp-behaviour --leader-elect=false \
    --horizontal-pod-autoscaler-sync-period="${LGP_BEHAVIOUR_HPA_SYNC:-5s}" \
    --controllers='*' --profiling=false
  local kcm_pid="${BEHAVIOUR_PIDS[-1]}"
  local sched_port; sched_port=$(lgp_free_port)
  behaviour_start kube-scheduler "$w/kube-scheduler.log" kube-scheduler \
    --kubeconfig="$w/scheduler.kubeconfig" \
    --authentication-kubeconfig="$w/admin.kubeconfig" --authorization-kubeconfig="$w/admin.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$sched_port" --cert-dir="$w/scheduler-certs" \
    --leader-elect=false --profiling=false
  _behaviour_wait kube-controller-manager 120 "$kcm_pid" _behaviour_healthz "$kcm_port" \
    || { _behaviour_fail "kube-controller-manager did not become healthy" "$w/kube-controller-manager.log"; return 1; }
  _behaviour_wait kube-scheduler 120 "${BEHAVIOUR_PIDS[-1]}" _behaviour_healthz "$sched_port" \
    || { _behaviour_fail "kube-scheduler did not become healthy" "$w/kube-scheduler.log"; return 1; }
  behaviour_say "kube-controller-manager (127.0.0.1:$kcm_port) and kube-scheduler (127.0.0.1:$sched_port) healthy"

  local kwok_port; kwok_port=$(lgp_free_port)
  behaviour_start kwok "$w/kwok.log" kwok --kubeconfig="$w/kwok.kubeconfig" \
    --config="$BEHAVIOUR_REPO/scripts/behaviour/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-label-selector=type=kwok \
    --server-address="127.0.0.1:$kwok_port" --node-ip=127.0.0.1 --cidr=10.244.0.0/16 \
    --node-lease-duration-seconds=40
  behaviour_write_nodes "$w/nodes.yaml"
  behaviour_write_volumes "$w/volumes.yaml"
  behaviour_kubectl apply -f "$w/nodes.yaml" -f "$w/volumes.yaml" >/dev/null 2>"$w/nodes.err" \
    || { _behaviour_fail "registering the nodes and volumes failed" "$w/nodes.err"; return 1; }
  _behaviour_wait "KWOK's nodes" 120 "${BEHAVIOUR_PIDS[-1]}" \
    behaviour_kubectl wait --for=condition=Ready --timeout=1s node -l type=kwok \
    || { _behaviour_fail "the nodes did not become Ready" "$w/kwok.log"; return 1; }
  # The controller-manager is serving once the default namespace has its ServiceAccount.
  _behaviour_wait "the service-account controller" 60 "$kcm_pid" \
    behaviour_kubectl get serviceaccount default -n default \
    || { _behaviour_fail "kube-controller-manager made no default ServiceAccount" "$w/kube-controller-manager.log"; return 1; }
  behaviour_say "kwok $(kwok --version 2>/dev/null | awk '{print $3; exit}') manages ${#BEHAVIOUR_NODES[@]} Ready nodes ($(behaviour_kubectl get nodes -L topology.kubernetes.io/zone,karpenter.sh/capacity-type --no-headers | awk '{printf "%s%s %s/%s", sep, $1, $(NF-1), $NF; sep=", "}')); up in $((SECONDS - t0))s"
}

# behaviour_cluster_down: stops everything behaviour_cluster_up started, newest first (an API server
# shuts down cleanly only while its etcd still answers). Safe to call twice.
behaviour_cluster_down() {
  local i
  for ((i = ${#BEHAVIOUR_PIDS[@]} - 1; i >= 0; i--)); do lgp_stop_pid "${BEHAVIOUR_PIDS[i]}"; done
  BEHAVIOUR_PIDS=(); BEHAVIOUR_NAMES=()
}
