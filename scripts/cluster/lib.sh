# shellcheck shell=bash
# Control-plane pieces shared by scripts/cluster/run.sh (an API server alone) and
# scripts/behaviour/cluster.sh (the whole control plane with KWOK nodes). Sourced, never run.
# Every function takes what it needs as arguments and reports failure by its exit status; the
# callers print and stop. Loopback only: every listener binds 127.0.0.1.

# lgp_stop_pid <pid>: SIGTERM, then SIGKILL if it is still running 10 s later.
lgp_stop_pid() {
  local pid="$1" i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  return 0
}

lgp_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# lgp_make_certs <dir> [<name>=<subject> ...]: a throwaway CA, the API server's certificate, the
# admin client (system:masters), the service-account key pair, and one client certificate
# <name>.crt/.key per extra argument (e.g. kcm=/CN=system:kube-controller-manager). openssl's
# output goes to <dir>.log.
lgp_make_certs() {
  local d="$1"; shift
  mkdir -p "$d"
  (
    set -e
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=lgp-ci-ca
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=kube-apiserver
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile server.ext -out server.crt
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    local pair name subject
    for pair in "admin=/O=system:masters/CN=lgp-ci-admin" "$@"; do
      name="${pair%%=*}" subject="${pair#*=}"
      openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subject"
      openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -extfile client.ext -out "$name.crt"
    done
    openssl genrsa -out sa.key 2048 && openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$d.log" 2>&1
}

# lgp_write_kubeconfig <file> <server-url> <pki-dir> <client-name>: a kubeconfig for one client.
lgp_write_kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: ci, cluster: {server: "$2", certificate-authority: "$3/ca.crt"}}]
users: [{name: $4, user: {client-certificate: "$3/$4.crt", client-key: "$3/$4.key"}}]
contexts: [{name: ci, context: {cluster: ci, user: $4}}]
current-context: ci
EOF
}

# lgp_write_admission_config <file> <level>: Pod Security admission with a cluster-wide default
# level and no exemptions.
lgp_write_admission_config() {
  cat >"$1" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: "$2"
        enforce-version: latest
        audit: "$2"
        audit-version: latest
        warn: "$2"
        warn-version: latest
      exemptions: {usernames: [], runtimeClasses: [], namespaces: []}
EOF
}

# lgp_start_etcd <data-dir> <log>: starts etcd on two free loopback ports and waits until it is
# healthy; sets LGP_ETCD_PORT and LGP_ETCD_PID (also when it fails, so the caller can stop it).
lgp_start_etcd() {
  local data="$1" log="$2" peer i
  LGP_ETCD_PORT=$(lgp_free_port); peer=$(lgp_free_port)
  etcd --name lgp-ci --data-dir "$data" \
    --listen-client-urls "http://127.0.0.1:$LGP_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$LGP_ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "lgp-ci=http://127.0.0.1:$peer" --listen-metrics-urls "" \
    --unsafe-no-fsync --log-level warn >"$log" 2>&1 &
  LGP_ETCD_PID=$!
  for i in $(seq 1 60); do
    curl -fsS "http://127.0.0.1:$LGP_ETCD_PORT/health" >/dev/null 2>&1 && return 0
    kill -0 "$LGP_ETCD_PID" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# lgp_apiserver_args <pki-dir> <etcd-port> <etcd-prefix> <secure-port> <admission-config> <cert-dir>:
# sets LGP_APISERVER_ARGS, the flags every test cluster's kube-apiserver runs with: RBAC, Pod
# Security admission by the given configuration, service-account tokens signed with <pki>/sa.key.
lgp_apiserver_args() {
  local pki="$1"
  LGP_APISERVER_ARGS=(
    --etcd-servers="http://127.0.0.1:$2" --etcd-prefix="$3"
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$4"
    --endpoint-reconciler-type=none
    --tls-cert-file="$pki/server.crt" --tls-private-key-file="$pki/server.key" --client-ca-file="$pki/ca.crt"
    --service-account-issuer=https://kubernetes.default.svc --api-audiences=https://kubernetes.default.svc
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key"
    --service-cluster-ip-range=10.96.0.0/16
    --authorization-mode=RBAC --allow-privileged=true
    --enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,Priority,ResourceQuota
    --admission-control-config-file="$5"
    --enable-priority-and-fairness=false --profiling=false
    --cert-dir="$6"
  )
}
