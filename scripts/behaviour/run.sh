#!/usr/bin/env bash
# The platform behaves: real controllers reconcile each environment's dist/ in a cluster without
# kubelets (scripts/behaviour/cluster.sh: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, KWOK with three nodes in three zones). For each environment, on a fresh cluster:
#   1. creates the namespaces its objects use without rendering them (the platform provides them);
#   2. server-side applies dist/<env> wave by wave in Argo CD's order (scripts/behaviour/sync-order.ts),
#      failing on any warning, and waits after each wave until its workloads are ready and its PDBs
#      and HPAs reconciled, as Argo CD waits for a wave's health;
#   3. judges what the controllers made of it (scripts/behaviour/judge.ts): replicas ready, spread
#      over zones, PDBs and HPAs reconciled; lists the kinds nothing reconciles here;
#   4. prints a short report.
# dist/argocd holds only Argo CD's own objects (no Argo CD runs here) and is not applied.
#
# Usage: scripts/behaviour/run.sh [dist-dir]        (default: dist; or LGP_DIST_DIR)
# Environment:
#   LGP_BEHAVIOUR_ENVS="dev prod"  only these environments (default: every folder but argocd)
#   LGP_BEHAVIOUR_TIMEOUT=180      seconds to wait for each wave to settle
#   LGP_BEHAVIOUR_KEEP=1           keep the temp folder (logs, kubeconfigs, state) after the run
#   LGP_SKIP_BEHAVIOUR=1           skip entirely (prints why and exits 0); LGP_SKIP_CLUSTER=1 too
#   and those of scripts/behaviour/cluster.sh (LGP_TOOLS_CACHE, LGP_CRDS_DIR, LGP_PSA_DEFAULT, …).
# Hooks: every scripts/behaviour/hooks/*.sh is sourced and may define behaviour_hook_after_up <env>
# (e.g. start another controller with behaviour_start) and behaviour_hook_after_apply <env>; each
# returns non-zero to fail the environment. BEHAVIOUR_OBSERVE_FLAGS (an array) passes flags to
# observe.ts, e.g. (--rollouts-controller).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="${1:-${LGP_DIST_DIR:-dist}}"
TIMEOUT="${LGP_BEHAVIOUR_TIMEOUT:-180}"

say() { printf '[behaviour] %s\n' "$*"; }
fail() { say "ERROR: $*"; exit 1; }

if [[ "${LGP_SKIP_BEHAVIOUR:-}" == 1 ]]; then say "skipped (LGP_SKIP_BEHAVIOUR=1)"; exit 0; fi
# It runs the API server stage's tools too, which LGP_SKIP_CLUSTER=1 leaves uninstalled.
if [[ "${LGP_SKIP_CLUSTER:-}" == 1 ]]; then say "skipped (LGP_SKIP_CLUSTER=1: no etcd or kube-apiserver)"; exit 0; fi
# shellcheck source=scripts/behaviour/cluster.sh
source "$REPO/scripts/behaviour/cluster.sh"
behaviour_tools || exit 1
[[ -d "$DIST" ]] || fail "$DIST is not a folder; render it first (npm run synth) or pass the folder"
DIST="$(cd "$DIST" && pwd)"
if [[ -n "${LGP_BEHAVIOUR_ENVS:-}" ]]; then
  read -ra ENVS <<<"$LGP_BEHAVIOUR_ENVS"
else
  mapfile -t ENVS < <(find "$DIST" -mindepth 1 -maxdepth 1 -type d ! -name argocd -printf '%f\n' | sort)
fi
[[ ${#ENVS[@]} -gt 0 ]] || fail "no environment folders in $DIST (expected $DIST/<env>/)"

behaviour_hook_after_up() { return 0; }
behaviour_hook_after_apply() { return 0; }
BEHAVIOUR_OBSERVE_FLAGS=()
for hook in "$REPO"/scripts/behaviour/hooks/*.sh; do
  # shellcheck disable=SC1090
  [[ -f "$hook" ]] && source "$hook"
done

WORK="$(mktemp -d /tmp/lgp-behaviour.XXXXXX)"
cleanup() {
  behaviour_cluster_down
  if [[ "${LGP_BEHAVIOUR_KEEP:-}" == 1 ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tsx() { (cd "$REPO" && npx tsx "$@"); }

# apply_checked <label> <out> <kubectl args...>: fails on a non-zero exit and on any warning.
apply_checked() {
  local label="$1" out="$2"; shift 2
  behaviour_kubectl "$@" >"$out" 2>"$out.err"
  local rc=$? warnings; warnings=$(grep -c 'Warning:' "$out.err")
  [[ $rc == 0 && $warnings == 0 ]] && return 0
  sed 's/^/    /' "$out.err"; say "    ✗ $label: exit $rc, $warnings warning(s)"; return 1
}

# run_env <env>: sets PHASES and RESULT for the summary; returns non-zero on failure.
run_env() {
  local env="$1" dir="$DIST/$1" w="$WORK/$1" ok=0 t
  PHASES="" RESULT=""
  mkdir -p "$w"
  t=$SECONDS
  behaviour_cluster_up "$w/cluster" || return 1
  behaviour_hook_after_up "$env" || return 1
  PHASES+="up $((SECONDS - t))s"

  t=$SECONDS
  local external ns
  external=$(tsx scripts/cluster/namespaces-of.ts "$dir" "$w/namespaces.yaml") || { say "[$env] namespaces-of.ts failed"; return 1; }
  for ns in $external; do
    apply_checked "namespace $ns" "$w/ns-$ns" create namespace "$ns" || ok=1
  done
  [[ -z "$external" ]] || say "[$env] created namespaces the objects use but dist/ does not render: $(echo $external)"
  local waves; waves=$(tsx scripts/behaviour/sync-order.ts "$dir" "$w/waves") || { say "[$env] sync-order.ts failed"; return 1; }
  local file wave count kinds applied=0
  while read -r file wave count kinds; do
    apply_checked "wave $wave" "$w/applied.$wave" apply --server-side --field-manager="$BEHAVIOUR_FIELD_MANAGER" \
      --request-timeout=120s -o name -f "$file" || ok=1
    applied=$((applied + $(wc -l <"$w/applied.$wave")))
    say "[$env] wave $wave: applied $(wc -l <"$w/applied.$wave")/$count ($kinds)"
    tsx scripts/behaviour/observe.ts "$env" "$w/waves" "$KUBECONFIG" --wait-only --timeout "$TIMEOUT" "${BEHAVIOUR_OBSERVE_FLAGS[@]}" \
      | sed "s/settled in/wave $wave settled in/" || ok=1
  done <<<"$waves"
  behaviour_hook_after_apply "$env" || ok=1
  PHASES+=", apply+settle $((SECONDS - t))s"

  t=$SECONDS
  tsx scripts/behaviour/observe.ts "$env" "$w/waves" "$KUBECONFIG" --timeout "$TIMEOUT" --json "$w/judgement.json" \
    "${BEHAVIOUR_OBSERVE_FLAGS[@]}" | tee "$w/report.txt" || ok=1
  PHASES+=", judge $((SECONDS - t))s"
  RESULT=$(node -e '
    const j = require(process.argv[1]);
    const n = (xs) => `${xs.filter((x) => x.ok).length}/${xs.length}`;
    const zones = Object.entries(j.podsPerZone).map(([z, c]) => `${z}=${c}`).join(" ");
    console.log(`${process.argv[2]} objects, workloads ${n(j.workloads)}, PDBs ${n(j.pdbs)}, HPAs ${n(j.hpas)}, pods ${zones}`);
  ' "$w/judgement.json" "$applied" 2>/dev/null || echo "$applied objects, no judgement")

  t=$SECONDS
  behaviour_cluster_down
  PHASES+=", down $((SECONDS - t))s"
  return $ok
}

say "dist: $DIST (${ENVS[*]}); workdir $WORK"
ROWS=() failed=()
for env in "${ENVS[@]}"; do
  started=$SECONDS
  if run_env "$env"; then status=PASS; else status=FAIL; failed+=("$env"); behaviour_cluster_down; fi
  ROWS+=("$(printf '  %-8s %-4s %4ss  %s\n  %-8s %-4s        (%s)' "$env" "$status" $((SECONDS - started)) "$RESULT" "" "" "$PHASES")")
done

echo
rollouts="does not run, so Rollout pods do not exist"
[[ " ${BEHAVIOUR_OBSERVE_FLAGS[*]} " == *" --rollouts-controller "* ]] && rollouts="runs"
say "behaviour report (ready = Running and Ready by KWOK's stages: no container runs; the Rollouts controller $rollouts; no metrics-server, so cpu HPAs report FailedGetResourceMetric):"
printf '%s\n' "${ROWS[@]}"
[[ ${#failed[@]} -eq 0 ]] || fail "the platform did not behave in: ${failed[*]} (details above; LGP_BEHAVIOUR_KEEP=1 keeps the logs)"
say "every environment reconciled"
