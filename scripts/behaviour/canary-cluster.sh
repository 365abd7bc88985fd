# shellcheck shell=bash
# canary-cluster.sh — the cluster under the behaviour canary (source it; do not run it).
#
#   canary_cluster_up WORK      sets KUBECONFIG_FILE; every PID it starts is appended to CANARY_PIDS
#   canary_cluster_kind         prints "harness" or "stand-in"
#
# With the behaviour harness (scripts/behaviour/cluster.sh: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, KWOK nodes that make pods Running/Ready, the CRDs) the
# canary runs on it. Without it (the harness is built on another branch), a STAND-IN: etcd and
# kube-apiserver exactly as scripts/cluster/run.sh starts them (Pod Security on), the CRDs of
# schemas/crds, and in place of kube-controller-manager's ReplicaSet controller plus kubelets a
# loop that reports every ReplicaSet of the canary's namespace as fully ready (status only: no
# pods exist). The Rollouts controller reads nothing else of the pods, so the canary's steps,
# weights and analysis are the real controller's either way; the report says which one ran.

CANARY_CLUSTER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CANARY_CLUSTER_KIND=""

canary_cluster_kind() { echo "$CANARY_CLUSTER_KIND"; }

# Stops the harness' processes (the stand-in's are in CANARY_PIDS).
canary_cluster_down() { if [[ "$CANARY_CLUSTER_KIND" == harness ]]; then behaviour_cluster_down; fi; }

_cc_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

_cc_wait() { # _cc_wait SECONDS PID CMD... — retry CMD every 0.5 s while PID lives
  local deadline=$((SECONDS + $1)) pid="$2"; shift 2
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

_cc_standin_up() {
  local work="$1" d="$1/pki"
  for bin in etcd kube-apiserver kubectl openssl; do command -v "$bin" >/dev/null || canary_die "$bin not on PATH: bash .ci/install-tools.sh kubernetes etcd"; done
  mkdir -p "$d"
  (
    cd "$d" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=lgp-canary-ca
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=kube-apiserver
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile server.ext -out server.crt
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=lgp-canary-admin"
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile admin.ext -out admin.crt
    openssl genrsa -out sa.key 2048 && openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$work/pki.log" 2>&1 || canary_die "openssl failed (log $work/pki.log)"
  cat >"$work/admission.yaml" <<'EOF'
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults: {enforce: restricted, enforce-version: latest, audit: restricted, audit-version: latest, warn: restricted, warn-version: latest}
      exemptions: {usernames: [], runtimeClasses: [], namespaces: []}
EOF
  local etcd_port peer api_port
  etcd_port=$(_cc_free_port); peer=$(_cc_free_port); api_port=$(_cc_free_port)
  nice -n 10 etcd --name lgp-canary --data-dir "$work/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "lgp-canary=http://127.0.0.1:$peer" --listen-metrics-urls "" \
    --unsafe-no-fsync --log-level warn >"$work/etcd.log" 2>&1 &
  CANARY_PIDS+=($!)
  _cc_wait 60 "$!" curl -fsS "http://127.0.0.1:$etcd_port/health" || canary_die "etcd not healthy (log $work/etcd.log)"
  nice -n 10 kube-apiserver \
    --etcd-servers="http://127.0.0.1:$etcd_port" --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --endpoint-reconciler-type=none \
    --tls-cert-file="$d/server.crt" --tls-private-key-file="$d/server.key" --client-ca-file="$d/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc --api-audiences=https://kubernetes.default.svc \
    --service-account-key-file="$d/sa.pub" --service-account-signing-key-file="$d/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --authorization-mode=RBAC --allow-privileged=true \
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,Priority,ResourceQuota \
    --admission-control-config-file="$work/admission.yaml" \
    --enable-priority-and-fairness=false --profiling=false --cert-dir="$work/apiserver-certs" >"$work/kube-apiserver.log" 2>&1 &
  local api_pid=$!
  CANARY_PIDS+=("$api_pid")
  KUBECONFIG_FILE="$work/kubeconfig"
  cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: canary, cluster: {server: "https://127.0.0.1:$api_port", certificate-authority: "$d/ca.crt"}}]
users: [{name: admin, user: {client-certificate: "$d/admin.crt", client-key: "$d/admin.key"}}]
contexts: [{name: canary, context: {cluster: canary, user: admin}}]
current-context: canary
EOF
  _cc_wait 120 "$api_pid" kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw=/readyz || canary_die "kube-apiserver not ready (log $work/kube-apiserver.log)"
  canary_log "stand-in cluster: etcd 127.0.0.1:$etcd_port, kube-apiserver $(kube-apiserver --version | awk '{print $2}') 127.0.0.1:$api_port"
  kubectl --kubeconfig "$KUBECONFIG_FILE" apply --server-side --field-manager=lgp-canary -f "$CANARY_REPO/schemas/crds" >"$work/crds.log" 2>&1 || canary_die "CRDs refused (log $work/crds.log)"
  kubectl --kubeconfig "$KUBECONFIG_FILE" wait --for=condition=Established --timeout=120s crd --all >>"$work/crds.log" 2>&1 || canary_die "CRDs not established"
  canary_log "stand-in cluster: $(grep -c . "$work/crds.log") CRD lines applied and established"
}

# The stand-in for the ReplicaSet controller and kubelets, in NAMESPACE: every ReplicaSet whose
# status differs from its spec.replicas gets replicas/ready/available = spec.replicas.
canary_standin_replicasets() {
  local ns="$1" log="$2"
  (
    while true; do
      kubectl --kubeconfig "$KUBECONFIG_FILE" get rs -n "$ns" -o json 2>/dev/null |
        jq -r '.items[] | select((.status.availableReplicas // 0) != (.spec.replicas // 0) or (.status.observedGeneration // 0) != .metadata.generation)
               | "\(.metadata.name) \(.spec.replicas // 0) \(.metadata.generation)"' |
        while read -r name n gen; do
          kubectl --kubeconfig "$KUBECONFIG_FILE" patch rs "$name" -n "$ns" --subresource=status --type=merge \
            -p "{\"status\":{\"replicas\":$n,\"fullyLabeledReplicas\":$n,\"readyReplicas\":$n,\"availableReplicas\":$n,\"observedGeneration\":$gen}}" >/dev/null &&
            echo "$(date -u +%T) rs/$name ready $n/$n"
        done
      sleep 1
    done
  ) >"$log" 2>&1 &
  CANARY_PIDS+=($!)
}

canary_cluster_up() {
  local work="$1"
  if [[ -f "$CANARY_CLUSTER_DIR/cluster.sh" && "${CANARY_STANDIN:-0}" != 1 ]]; then
    CANARY_CLUSTER_KIND=harness
    # shellcheck source=scripts/behaviour/cluster.sh
    source "$CANARY_CLUSTER_DIR/cluster.sh"
    behaviour_tools || canary_die "the behaviour harness' tools are missing"
    behaviour_cluster_up "$work" || canary_die "the behaviour cluster did not come up (logs in $work)"
    KUBECONFIG_FILE="$KUBECONFIG"
    canary_log "behaviour harness cluster up (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, KWOK nodes)"
  else
    CANARY_CLUSTER_KIND=stand-in
    _cc_standin_up "$work"
  fi
}
