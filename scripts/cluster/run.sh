#!/usr/bin/env bash
# A real API server accepts every rendered object: starts etcd and kube-apiserver on loopback,
# installs the CRDs from schemas/crds (server-side: several exceed the client-side annotation
# limit), then for each environment dist/<env>:
#   1. applies its Namespace objects and creates the namespaces it uses without rendering them;
#   2. server-side applies every object, first with --dry-run=server, then for real;
#   3. server-side dry-runs a Pod built from every pod template (the Rollout's included, which
#      Pod Security never checks on its own) and fails on any rejection or warning, e.g.
#      "would violate PodSecurity";
#   4. proves the people RBAC (scripts/cluster/rbac-check.ts): impersonating the owner and on-call
#      groups of every workflow namespace, runs each command docs/runbooks.md gives them (the
#      kubectl-argo-rollouts plugin included) and proves Secrets, exec, port-forward, debug
#      containers and anything cluster-wide are denied.
#   5. for one environment (prod), proves `npm run diff -- --live`: no noise against what step 2
#      applied, then exactly an older render's changes (scripts/cluster/live-diff-check.ts).
# Each environment gets its own API server over its own etcd prefix: environments are separate
# clusters, and one's objects must not meet another's. Pod Security defaults to `restricted`
# for every namespace (a namespace's own labels still win), so no template escapes a check.
#
# Usage: scripts/cluster/run.sh [dist-dir]        (default: dist; or LGP_DIST_DIR)
# Environment:
#   LGP_CRDS_DIR        CRDs to install (default: <repo>/schemas/crds)
#   LGP_TOOLS_CACHE     where .ci/install-tools.sh put etcd, kube-apiserver, kubectl
#   LGP_PSA_DEFAULT     Pod Security level for namespaces without labels (default: restricted)
#   LGP_CLUSTER_KEEP=1  keep the temp folder (logs, certs, generated pods) after the run
#   LGP_SKIP_CLUSTER=1  skip entirely (prints why and exits 0)
#   LGP_SKIP_RBAC=1     skip step 4 (e.g. without the kubectl-argo-rollouts plugin)
#   LGP_LIVE_DIFF_ENV   environment of step 5, the `npm run diff -- --live` proof (default: prod);
#   LGP_SKIP_LIVE_DIFF=1 skips it; LGP_LIVE_DIFF_CAPTURE=<dir> records its objects (test/fixtures/live-diff)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="${1:-${LGP_DIST_DIR:-dist}}"
CRDS="$(realpath -m "${LGP_CRDS_DIR:-$REPO/schemas/crds}")"
CACHE="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}"
PSA_DEFAULT="${LGP_PSA_DEFAULT:-restricted}"
FIELD_MANAGER=langgraph-platform-ci

say() { printf '[cluster] %s\n' "$*"; }
fail() { say "ERROR: $*"; exit 1; }

if [[ "${LGP_SKIP_CLUSTER:-}" == 1 ]]; then say "skipped (LGP_SKIP_CLUSTER=1)"; exit 0; fi
# shellcheck disable=SC1091
[[ -f "$CACHE/env.sh" ]] && source "$CACHE/env.sh"
for bin in etcd kube-apiserver kubectl openssl curl; do
  command -v "$bin" >/dev/null || fail "$bin is not on PATH; run: bash .ci/install-tools.sh kubernetes etcd"
done
# The RBAC proof runs the real `kubectl argo rollouts` plugin (built for lint by install-tools).
if [[ "${LGP_SKIP_RBAC:-}" != 1 ]] && ! command -v kubectl-argo-rollouts >/dev/null; then
  for d in "$CACHE"/argo-rollouts-*/bin; do [[ -x "$d/kubectl-argo-rollouts" ]] && PATH="$d:$PATH"; done
  command -v kubectl-argo-rollouts >/dev/null || fail "kubectl-argo-rollouts is not on PATH; run: bash .ci/install-tools.sh argo-rollouts (or LGP_SKIP_RBAC=1)"
fi
[[ -d "$DIST" ]] || fail "$DIST is not a folder; render it first (npm run synth) or pass the folder"
DIST="$(cd "$DIST" && pwd)"
[[ -d "$CRDS" ]] || fail "CRD folder $CRDS not found; set LGP_CRDS_DIR"
mapfile -t ENVS < <(find "$DIST" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
[[ ${#ENVS[@]} -gt 0 ]] || fail "no environment folders in $DIST (expected $DIST/<env>/)"

WORK="$(mktemp -d /tmp/lgp-cluster.XXXXXX)"
PIDS=()
# shellcheck source=scripts/cluster/lib.sh
source "$REPO/scripts/cluster/lib.sh"
stop_pid() { lgp_stop_pid "$@"; }
cleanup() {
  # Newest first: an API server shuts down cleanly only while its etcd still answers.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  if [[ "${LGP_CLUSTER_KEEP:-}" == 1 ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- certificates: a throwaway CA, the server's certificate, an admin client, SA keys ------
make_certs() { lgp_make_certs "$WORK/pki" || { cat "$WORK/pki.log"; fail "openssl failed"; }; }

# Pod Security admission with a cluster-wide default level and no exemptions.
write_admission_config() { lgp_write_admission_config "$WORK/admission.yaml" "$PSA_DEFAULT"; }

start_etcd() {
  local ok=0
  lgp_start_etcd "$WORK/etcd" "$WORK/etcd.log" || ok=1
  PIDS+=("$LGP_ETCD_PID"); ETCD_PORT=$LGP_ETCD_PORT
  [[ $ok == 0 ]] && { say "etcd $(etcd --version | head -1 | awk '{print $3}') ready on 127.0.0.1:$ETCD_PORT"; return 0; }
  tail -20 "$WORK/etcd.log"; fail "etcd did not become healthy"
}

# start_apiserver <env>: a fresh API server whose data lives under its own etcd prefix.
APISERVER_PID=""
start_apiserver() {
  local env="$1" port; port=$(lgp_free_port)
  local pki="$WORK/pki" log="$WORK/kube-apiserver.$env.log"
  lgp_apiserver_args "$pki" "$ETCD_PORT" "/registry-$env" "$port" "$WORK/admission.yaml" "$WORK/apiserver-certs"
  kube-apiserver "${LGP_APISERVER_ARGS[@]}" >"$log" 2>&1 &
  APISERVER_PID=$!; PIDS+=("$APISERVER_PID")
  lgp_write_kubeconfig "$WORK/kubeconfig" "https://127.0.0.1:$port" "$pki" admin
  local i
  for i in $(seq 1 240); do
    k get --raw=/readyz >/dev/null 2>&1 && { say "[$env] kube-apiserver $(kube-apiserver --version | awk '{print $2}') ready on 127.0.0.1:$port ($((i / 2))s)"; return 0; }
    kill -0 "$APISERVER_PID" 2>/dev/null || break
    sleep 0.5
  done
  tail -30 "$log"; say "[$env] kube-apiserver did not become ready"; return 1
}

stop_apiserver() {
  [[ -n "$APISERVER_PID" ]] || return 0
  stop_pid "$APISERVER_PID"; APISERVER_PID=""
}

k() { kubectl --kubeconfig "$WORK/kubeconfig" --cache-dir "$WORK/kubectl-cache" "$@"; }

# checked <label> <out-file> <kubectl args...>: runs kubectl, keeps stdout in out-file, shows
# stderr; fails on a non-zero exit and on any warning (PodSecurity's "would violate" among them).
checked() {
  local label="$1" out="$2"; shift 2
  local err="$out.err" rc
  k "$@" >"$out" 2>"$err"; rc=$?
  local warnings; warnings=$(grep -c 'Warning:' "$err")
  if [[ $rc != 0 || $warnings != 0 ]]; then
    sed 's/^/    /' "$err"
    say "    ✗ $label: exit $rc, $warnings warning(s)"
    return 1
  fi
  return 0
}

install_crds() {
  local out="$WORK/crds.$1"
  checked "install CRDs" "$out" apply --server-side --field-manager="$FIELD_MANAGER" -f "$CRDS" || return 1
  checked "CRDs established" "$out.wait" wait --for=condition=Established --timeout=120s crd --all || return 1
  say "[$1] $(wc -l <"$out") CRDs installed and established"
}

# run_env <env>: sets OBJECTS, NAMESPACES, PODS, SKIPPED for the summary; returns non-zero on
# failure. After a failed step the later steps still run, so one run shows every problem.
run_env() {
  local env="$1"
  local dir="$DIST/$env" w="$WORK/$env" ok=0; mkdir -p "$w"
  OBJECTS=0 NAMESPACES=0 PODS=0 SKIPPED=0 RBAC=-
  start_apiserver "$env" || return 1
  install_crds "$env" || return 1
  local apply=(apply --server-side --field-manager="$FIELD_MANAGER" -o name)

  # 1. Namespaces: rendered ones first (dry-run, then real); used-but-not-rendered ones bare.
  local external
  external=$(cd "$REPO" && npx tsx scripts/cluster/namespaces-of.ts "$dir" "$w/namespaces.yaml") || { say "[$env] namespaces-of.ts failed"; return 1; }
  if [[ -s "$w/namespaces.yaml" ]]; then
    checked "namespaces (dry-run)" "$w/ns-dry" "${apply[@]}" --dry-run=server -f "$w/namespaces.yaml" || ok=1
    checked "namespaces" "$w/ns" "${apply[@]}" -f "$w/namespaces.yaml" || ok=1
    NAMESPACES=$(wc -l <"$w/ns")
  fi
  local ns
  for ns in $external; do
    checked "namespace $ns" "$w/ns-ext" create namespace "$ns" || ok=1
    say "[$env] created namespace $ns (used by objects, not rendered: the platform provides it)"
  done
  # No controller-manager runs here, so nothing creates each namespace's `default` ServiceAccount.
  for ns in $(k get namespaces -o jsonpath='{.items[*].metadata.name}'); do
    k get serviceaccount default -n "$ns" >/dev/null 2>&1 || k create serviceaccount default -n "$ns" >/dev/null
  done

  # 2. Every object: dry-run first, then for real.
  checked "apply --dry-run=server" "$w/dry" "${apply[@]}" --dry-run=server -R -f "$dir" || ok=1
  say "[$env] dry-run accepted $(wc -l <"$w/dry") objects"
  checked "apply" "$w/applied" "${apply[@]}" -R -f "$dir" || ok=1
  OBJECTS=$(wc -l <"$w/applied")
  say "[$env] applied $OBJECTS objects"

  # 3. A Pod from every pod template, judged by admission (Pod Security included).
  if (cd "$REPO" && npx tsx scripts/cluster/pods-from-templates.ts "$dir") >"$w/pods.yaml" 2>"$w/pods.skipped"; then
    SKIPPED=$(grep -c '^skipped ' "$w/pods.skipped")
    [[ $SKIPPED == 0 ]] || sed "s/^/[cluster] [$env] /" "$w/pods.skipped"
    local generated; generated=$(grep -c '^{' "$w/pods.yaml")   # one JSON Pod per line
    if [[ $generated -gt 0 ]]; then
      checked "pod templates (dry-run)" "$w/pods" create --dry-run=server -o name -f "$w/pods.yaml" || ok=1
      PODS=$(wc -l <"$w/pods")
    fi
    say "[$env] $PODS of $generated pod templates admitted as Pods"
  else
    cat "$w/pods.skipped"; say "[$env] pods-from-templates.ts failed"; ok=1
  fi

  # 4. People RBAC: the runbook's commands as each group, and what they must never do.
  RBAC=skipped
  if [[ "${LGP_SKIP_RBAC:-}" != 1 ]]; then
    if (cd "$REPO" && npx tsx scripts/cluster/rbac-check.ts "$env" "$dir" "$WORK/kubeconfig" "$w/pods.yaml"); then
      RBAC=pass
    else
      RBAC=FAIL; ok=1
    fi
  fi
  # 5. `npm run diff -- --live` against this server, for one environment (scripts/cluster/live-diff-check.ts).
  if [[ "$env" == "${LGP_LIVE_DIFF_ENV:-prod}" && "${LGP_SKIP_LIVE_DIFF:-}" != 1 ]]; then
    (cd "$REPO" && npx tsx scripts/cluster/live-diff-check.ts "$env" "$dir" "$WORK/kubeconfig" ci "$FIELD_MANAGER" "$w/live-diff") || ok=1
  fi
  stop_apiserver
  return $ok
}

say "dist: $DIST (${ENVS[*]}); CRDs: $CRDS; Pod Security default: $PSA_DEFAULT"
make_certs
write_admission_config
start_etcd

ROWS=() failed=()
for env in "${ENVS[@]}"; do
  started=$SECONDS
  if run_env "$env"; then status=PASS; else status=FAIL; failed+=("$env"); stop_apiserver; fi
  ROWS+=("$(printf '  %-12s %-6s %8s %11s %14s %8s %7s %6ss' "$env" "$status" "$OBJECTS" "$NAMESPACES" "$PODS" "$SKIPPED" "$RBAC" $((SECONDS - started)))")
done

echo
say "results (objects applied = every rendered object accepted by server-side apply):"
printf '  %-12s %-6s %8s %11s %14s %8s %7s %7s\n' ENV STATUS OBJECTS NAMESPACES "PODS ADMITTED" SKIPPED RBAC TIME
printf '%s\n' "${ROWS[@]}"
[[ ${#failed[@]} -eq 0 ]] || fail "the API server rejected objects or pod templates, or the RBAC proof failed, in: ${failed[*]}"
say "every environment accepted"
