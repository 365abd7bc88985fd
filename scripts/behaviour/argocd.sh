#!/usr/bin/env bash
# Argo CD syncs dist/<env> through the rendered ApplicationSet and AppProject, in the cluster without
# kubelets of scripts/behaviour/cluster.sh. For each environment (LGP_ARGOCD_ENVS, default every one:
# staging with automated sync and canaries; prod with manual sync and canaries; dev with automated
# sync, rolling updates and the Gateway API entry):
#   1. commits dist/<env> to a fresh local git repository (branch main, the rendered targetRevision);
#   2. rewrites the environment's ApplicationSet and AppProject for it (scripts/behaviour/argocd-local.ts:
#      repo URL → file://<repository>, destination server → https://kubernetes.default.svc, every change
#      printed, any other difference refused) and applies them;
#   3. runs Argo CD v3.2 outside the cluster on loopback: redis, repo-server, application-controller,
#      applicationset-controller; and the Argo Rollouts controller when its binary is cached;
#   4. for Applications that sync by hand (prod, automatedSync false): proves Argo CD compares them and
#      applies nothing (OutOfSync, no sync operation), then syncs each as `argocd app sync` does (the
#      sync operation the API server writes on the Application: the resolved revision, the
#      Application's sync options and retry, no prune; no argocd-server runs here);
#      waits until every generated Application is Synced and its sync succeeded (Healthy too when the
#      Rollouts controller runs), then judges (scripts/behaviour/argocd-report.ts): every rendered object
#      applied, in ascending sync waves; the Rollouts' health by Argo CD's built-in check;
#   5. hard-refreshes every Application: each must stay Synced with no sync started since (no drift);
#      commits a release (one image digest) and, for a manual Application, syncs it by hand again once
#      it shows OutOfSync at the release; proves the Application stays Synced while the Rollouts
#      controller moves the weights (without that controller: rewrites a canary VirtualService's route weights as the Rollouts controller's Istio traffic
#      routing does (spec.http[<route>].route[].weight, stable 90 / canary 10) and proves the Application
#      stays Synced after a hard refresh and the weights are not reverted by self-heal (ignoreDifferences +
#      RespectIgnoreDifferences); then, as a control, changes a field that is not ignored and proves
#      Argo CD notices it (self-heal restores it);
#   6. prints a report: per Application sync, health, sync time, waves in applied order.
#
# Usage: scripts/behaviour/argocd.sh [dist-dir]                (default: dist)
# Environment:
#   LGP_ARGOCD_ENVS="staging"      environments (default: "staging prod dev")
#   LGP_ARGOCD_TIMEOUT=300         seconds to wait for the Applications to sync
#   LGP_ARGOCD_ROLLOUTS=0          do not run the Rollouts controller even when it is cached
#   LGP_BEHAVIOUR_KEEP=1           keep the temp folder (logs, repository, Applications' JSON)
#   LGP_SKIP_ARGOCD=1, LGP_SKIP_BEHAVIOUR=1, LGP_SKIP_CLUSTER=1   skip (prints why, exits 0)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="${1:-${LGP_DIST_DIR:-dist}}"
TIMEOUT="${LGP_ARGOCD_TIMEOUT:-300}"

say() { printf '[argocd] %s\n' "$*"; }
fail() { say "ERROR: $*"; exit 1; }

for skip in LGP_SKIP_ARGOCD LGP_SKIP_BEHAVIOUR LGP_SKIP_CLUSTER; do
  if [[ "${!skip:-}" == 1 ]]; then say "skipped ($skip=1)"; exit 0; fi
done
# shellcheck source=scripts/behaviour/cluster.sh
source "$REPO/scripts/behaviour/cluster.sh"
behaviour_tools || exit 1
CACHE="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}"
for bin in argocd-application-controller argocd-repo-server argocd-applicationset-controller redis-server; do
  command -v "$bin" >/dev/null && continue
  for d in "$CACHE"/argocd-*/bin; do [[ -x "$d/$bin" ]] && PATH="$d:$PATH"; done
done
for bin in argocd-application-controller argocd-repo-server argocd-applicationset-controller redis-server git; do
  command -v "$bin" >/dev/null || fail "$bin is not on PATH; run: bash .ci/install-tools.sh argocd"
done
# The Rollouts controller, when a build serving only on loopback is cached (the canary stage's tool).
ROLLOUTS_CONTROLLER=""
if [[ "${LGP_ARGOCD_ROLLOUTS:-1}" == 1 ]]; then
  ROLLOUTS_CONTROLLER=$(command -v rollouts-controller || ls -d "$CACHE"/argo-rollouts-*loopback*/bin/rollouts-controller 2>/dev/null | tail -1)
fi

[[ -d "$DIST" ]] || fail "$DIST is not a folder; render it first (npm run synth)"
DIST="$(cd "$DIST" && pwd)"
read -ra ENVS <<<"${LGP_ARGOCD_ENVS:-staging prod dev}"

WORK="$(mktemp -d /tmp/lgp-argocd.XXXXXX)"
cleanup() {
  behaviour_cluster_down
  if [[ "${LGP_BEHAVIOUR_KEEP:-}" == 1 ]]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tsx() { (cd "$REPO" && npx tsx "$@"); }
k() { behaviour_kubectl "$@"; }

# wait_for <what> <seconds> <command...>: polls every 2 s; the Argo CD processes must stay up.
wait_for() {
  local what="$1" seconds="$2" end=$((SECONDS + $2)) i; shift 2
  while ((SECONDS < end)); do
    "$@" >/dev/null 2>&1 && return 0
    for i in "${!BEHAVIOUR_NAMES[@]}"; do
      kill -0 "${BEHAVIOUR_PIDS[i]}" 2>/dev/null || { say "ERROR: ${BEHAVIOUR_NAMES[i]} exited"; return 1; }
    done
    sleep 2
  done
  say "ERROR: $what not true after ${seconds}s"; return 1
}

# start_argocd <workdir>: redis, repo-server, application-controller, applicationset-controller, all
# on 127.0.0.1, Argo CD's settings in namespace argocd.
start_argocd() {
  local w="$1" redis repo rmetrics cmetrics amet aprobe ahook
  redis=$(lgp_free_port) repo=$(lgp_free_port) rmetrics=$(lgp_free_port) cmetrics=$(lgp_free_port)
  amet=$(lgp_free_port) aprobe=$(lgp_free_port) ahook=$(lgp_free_port)
  k create namespace argocd >/dev/null || return 1
  # The settings Argo CD reads at start: argocd-cm (defaults), argocd-secret (a random server key; no
  # API server runs), argocd-rbac-cm (empty). Labelled part-of argocd, as its informers select.
  k apply --server-side --field-manager="$BEHAVIOUR_FIELD_MANAGER" -f - >/dev/null <<EOF || return 1
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: argocd-cm, namespace: argocd, labels: {app.kubernetes.io/part-of: argocd}}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: argocd-rbac-cm, namespace: argocd, labels: {app.kubernetes.io/part-of: argocd}}}
- apiVersion: v1
  kind: Secret
  metadata: {name: argocd-secret, namespace: argocd, labels: {app.kubernetes.io/part-of: argocd}}
  stringData: {server.secretkey: "$(openssl rand -hex 32)"}
EOF
  behaviour_start redis "$w/redis.log" redis-server --bind 127.0.0.1 --port "$redis" --save '' --appendonly no \
    --protected-mode yes --dir "$w"
  mkdir -p "$w/tmp" "$w/plugins"
  # No GnuPG (no signature verification is configured), the repositories' temp folder and the
  # credential helper's socket in the workdir instead of /tmp and /app. ARGOCD_FAKE_IN_CLUSTER: the
  # in-cluster destination (https://kubernetes.default.svc) uses $KUBECONFIG instead of a pod's
  # service-account token, as `argocd --core` does (pkg/apis/application/v1alpha1/types.go).
  local env=(env TMPDIR="$w/tmp" KUBECONFIG="$KUBECONFIG" ARGOCD_FAKE_IN_CLUSTER=true ARGOCD_GPG_ENABLED=false ARGOCD_ASK_PASS_SOCK="$w/askpass.sock"
    ARGOCD_PLUGINSOCKFILEPATH="$w/plugins" ARGOCD_GNUPGHOME="$w/gnupg")
  behaviour_start argocd-repo-server "$w/repo-server.log" "${env[@]}" argocd-repo-server --address 127.0.0.1 --port "$repo" \
    --metrics-address 127.0.0.1 --metrics-port "$rmetrics" --disable-tls --redis "127.0.0.1:$redis" --loglevel info
  behaviour_start argocd-application-controller "$w/application-controller.log" "${env[@]}" argocd-application-controller \
    --kubeconfig "$KUBECONFIG" --namespace argocd --repo-server "127.0.0.1:$repo" --repo-server-plaintext \
    --redis "127.0.0.1:$redis" --metrics-port "$cmetrics" --status-processors 4 --operation-processors 4 --loglevel info \
    --persist-resource-health
  behaviour_start argocd-applicationset-controller "$w/applicationset-controller.log" "${env[@]}" argocd-applicationset-controller \
    --kubeconfig "$KUBECONFIG" --namespace argocd --argocd-repo-server "127.0.0.1:$repo" --repo-server-plaintext \
    --metrics-addr "127.0.0.1:$amet" --probe-addr "127.0.0.1:$aprobe" --webhook-addr "127.0.0.1:$ahook" --loglevel info
  wait_for "repo-server healthy" 120 curl -fsS "http://127.0.0.1:$rmetrics/healthz" || return 1
  wait_for "application-controller healthy" 120 curl -fsS "http://127.0.0.1:$cmetrics/healthz" || return 1
  wait_for "applicationset-controller serving" 120 curl -fsS -o /dev/null "http://127.0.0.1:$amet/metrics" || return 1
  say "Argo CD $(argocd version --client --short 2>/dev/null | awk '{print $2}') up on 127.0.0.1: repo-server :$repo, redis :$redis, controller metrics :$cmetrics, applicationset metrics :$amet"
}

# Three controllers do not run here: External Secrets, KEDA and a Gateway API controller (Istio's).
# Argo CD's built-in health checks of their objects (ExternalSecret, ScaledObject: Progressing until
# the Ready condition; Gateway until Programmed; HTTPRoute until its parents have conditions) would
# hold a sync at wave -1 or an Application at Progressing forever. These stand-ins write the status
# Argo CD reads (status subresource only; no Secret or HPA is written, no pod here reads one, KEDA's
# scaling is not exercised): Ready=True; and for the Gateway API, the status gateway-status.js
# derives, which accepts a route only where the Gateway API's attachment rules admit it.
start_operator_standins() {
  local w="$1"
  behaviour_start operator-standins "$w/operator-standins.log" bash -c '
    while sleep 2; do
      for kind in externalsecrets scaledobjects; do
        kubectl --kubeconfig "$1" get "$kind" -A -o jsonpath="{range .items[*]}{.metadata.namespace} {.metadata.name} {.status.conditions[?(@.type==\"Ready\")].status}{\"\n\"}{end}" |
        while read -r ns name ready; do
          [[ -n "$name" && "$ready" != True ]] || continue
          kubectl --kubeconfig "$1" patch "$kind" -n "$ns" "$name" --subresource=status --type=merge -p "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"StandIn\",\"message\":\"stand-in: the operator does not run here\",\"lastTransitionTime\":\"$(date -u +%FT%TZ)\"}]}}" && echo "$(date -u +%T) Ready: $kind $ns/$name"
        done
      done
      kubectl --kubeconfig "$1" get gateways.gateway.networking.k8s.io,httproutes.gateway.networking.k8s.io,namespaces -A -o json |
      node "$2" | while read -r resource ns name patch; do
        kubectl --kubeconfig "$1" patch "$resource" -n "$ns" "$name" --subresource=status --type=merge -p "$patch" >/dev/null \
          && echo "$(date -u +%T) status: $resource $ns/$name $patch"
      done
    done' _ "$KUBECONFIG" "$REPO/scripts/behaviour/gateway-status.js"
}

start_rollouts() {
  local w="$1" metrics healthz
  metrics=$(lgp_free_port) healthz=$(lgp_free_port)
  k create namespace argo-rollouts >/dev/null || return 1
  behaviour_start rollouts-controller "$w/rollouts-controller.log" env POD_NAMESPACE=argo-rollouts "$ROLLOUTS_CONTROLLER" \
    --kubeconfig "$KUBECONFIG" --istio-api-version v1 --metricsPort "$metrics" --healthzPort "$healthz" --leader-elect=false
  wait_for "rollouts-controller healthy" 120 curl -fsS "http://127.0.0.1:$healthz/healthz" || return 1
  say "Argo Rollouts controller ($ROLLOUTS_CONTROLLER) up, healthz 127.0.0.1:$healthz"
}

# apps_settled <file> <count> <healthy 0|1>: every Application Synced, its sync Succeeded (and Healthy).
apps_settled() {
  k get applications -n argocd -o json >"$1.tmp" && mv "$1.tmp" "$1" || return 1
  node -e '
    const apps = require(process.argv[1]).items;
    const ok = apps.length === Number(process.argv[2]) && apps.every((a) =>
      a.status?.sync?.status === "Synced" && a.status?.operationState?.phase === "Succeeded"
      && (process.argv[3] !== "1" || a.status?.health?.status === "Healthy"));
    process.exit(ok ? 0 : 1);' "$1" "$2" "$3"
}

app_field() { k get application -n argocd "$1" -o "jsonpath=$2"; }

# sync_by_hand <app> <revision>: what `argocd app sync <app>` has the API server write (server/application
# /application.go, Sync): a sync operation on the Application at the resolved revision, with the
# Application's own sync options and retry, no prune, initiated by a user; the application-controller
# then runs it. No argocd-server runs here, so the operation is written directly.
sync_by_hand() {
  local app="$1" revision="$2"
  k get application -n argocd "$app" -o json | node -e '
    const a = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const policy = a.spec.syncPolicy ?? {};
    const operation = {
      initiatedBy: { username: "lgp-ci" },
      sync: { revision: process.argv[1], prune: false, ...(policy.syncOptions ? { syncOptions: policy.syncOptions } : {}) },
      ...(policy.retry ? { retry: policy.retry } : {}),
    };
    process.stdout.write(JSON.stringify({ operation }));' "$revision" >"$WORK/sync-$app.json" || return 1
  k patch application -n argocd "$app" --type merge --patch-file "$WORK/sync-$app.json" >/dev/null
}

# hard_refresh <app> <what>: Argo CD compares the Application again from scratch; returns once it
# has (its refresh annotation gone and a newer reconciledAt). reconciledAt has whole seconds, and a
# reconciliation the controller started by itself (on a watched object's change) may have set it a
# moment ago: the annotation is set more than a second after it is read, so the reconciliation it
# asks for cannot carry the same time (it did once in CI, and the wait ran out).
hard_refresh() {
  local app="$1" what="$2" before
  before=$(app_field "$app" '{.status.reconciledAt}')
  sleep 1.1
  k annotate application -n argocd "$app" argocd.argoproj.io/refresh=hard --overwrite >/dev/null
  wait_for "$what" 120 bash -c '[[ -z "$(kubectl --kubeconfig "$1" get application -n argocd "$2" -o jsonpath="{.metadata.annotations.argocd\.argoproj\.io/refresh}")" && "$(kubectl --kubeconfig "$1" get application -n argocd "$2" -o jsonpath="{.status.reconciledAt}")" != "$3" ]]' _ "$KUBECONFIG" "$app" "$before" || return 1
}

# no_drift <env>: each Application compared again from scratch (hard refresh) must still be Synced, and
# no sync may have started since (self-heal would start one on drift): a field the API server stores
# differently from the rendered one would show here (dev's HTTPRoutes and Postgres StatefulSets did,
# until the defaults the API server adds were rendered).
no_drift() {
  local env="$1" app started
  for app in $(k get applications -n argocd -o jsonpath='{.items[*].metadata.name}'); do
    started=$(app_field "$app" '{.status.operationState.startedAt}')
    hard_refresh "$app" "$app refreshed" || return 1
    sleep 5
    local now; now=$(app_field "$app" '{.status.sync.status} {.status.operationState.startedAt}')
    if [[ "$now" != "Synced $started" ]]; then
      say "[$env] ERROR: $app drifted after a hard refresh ($now; last sync started $started); out of sync:"
      k get application -n argocd "$app" -o json | node -e '
        for (const r of JSON.parse(require("fs").readFileSync(0, "utf8")).status.resources ?? []) if (r.status !== "Synced") console.log(`    ${r.kind} ${r.namespace ?? ""}/${r.name}: ${r.status}`);'
      return 1
    fi
  done
  say "[$env] no drift: every Application still Synced after a hard refresh, no sync started since"
}

# manual_apps_wait <file> <names...>: each named Application compared (a sync status at a revision) and
# left alone: OutOfSync, no operation ever started.
manual_apps_wait() {
  local file="$1"; shift
  k get applications -n argocd -o json >"$file" || return 1
  node -e '
    const apps = new Map(require(process.argv[1]).items.map((a) => [a.metadata.name, a]));
    const ok = process.argv.slice(2).every((n) => { const a = apps.get(n);
      return a?.status?.sync?.revision && a.status.sync.status === "OutOfSync" && !a.status.operationState && !a.operation; });
    process.exit(ok ? 0 : 1);' "$file" "$@"
}

# weights_stay_synced <env> <w>: the VirtualService of a canary Rollout gets weights 90/10 as the
# Rollouts controller writes them; the Application must stay Synced and keep them.
weights_stay_synced() {
  local env="$1" w="$2" rollout ns vs route app idx
  read -r ns rollout vs route < <(k get rollouts -A -o json | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8")).items.find((x) => x.spec?.strategy?.canary?.trafficRouting?.istio);
    if (r) { const v = r.spec.strategy.canary.trafficRouting.istio.virtualService;
      console.log(r.metadata.namespace, r.metadata.name, v.name, (v.routes ?? [""])[0]); }')
  [[ -n "${vs:-}" ]] || { say "[$env] no Rollout with Istio traffic routing: weights not exercised"; return 0; }
  app=$(k get virtualservice -n "$ns" "$vs" -o jsonpath='{.metadata.annotations.argocd\.argoproj\.io/tracking-id}' | cut -d: -f1)
  idx=$(k get virtualservice -n "$ns" "$vs" -o json | node -e '
    const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(v.spec.http.findIndex((h) => h.name === process.argv[1]));' "$route")
  [[ -n "$app" && "$idx" -ge 0 ]] || { say "[$env] ERROR: VirtualService $ns/$vs: no tracking id or no route $route"; return 1; }
  # As the Rollouts controller's Istio traffic routing (rollout/trafficrouting/istio): an update of
  # spec.http[i].route[j].weight, stable first, canary second.
  k patch virtualservice -n "$ns" "$vs" --type=json --field-manager=argo-rollouts \
    -p "[{\"op\":\"replace\",\"path\":\"/spec/http/$idx/route/0/weight\",\"value\":90},{\"op\":\"replace\",\"path\":\"/spec/http/$idx/route/1/weight\",\"value\":10}]" >/dev/null || return 1
  hard_refresh "$app" "$app refreshed after the weight change" || return 1
  sleep 10   # a self-heal would start within its 2 s backoff
  local sync weights
  sync=$(app_field "$app" '{.status.sync.status}')
  weights=$(k get virtualservice -n "$ns" "$vs" -o "jsonpath={.spec.http[$idx].route[*].weight}")
  say "[$env] weights of VirtualService $ns/$vs route $route set to 90/10 (as Rollouts does): $app is $sync after a hard refresh, weights now $weights"
  [[ "$sync" == Synced && "$weights" == "90 10" ]] || { say "[$env] ERROR: $app did not stay Synced with the weights kept"; return 1; }

  # The control: a rendered field that is not ignored (the stable destination's port) must be seen as
  # drift: OutOfSync, or already restored by self-heal (whose backoff may be minutes; if it restored
  # it, that sync must have kept the weights: RespectIgnoreDifferences). A field no rendered object
  # sets would not do: Argo CD's server-side diff compares only what it applies.
  local port; port=$(k get virtualservice -n "$ns" "$vs" -o "jsonpath={.spec.http[$idx].route[0].destination.port.number}")
  k patch virtualservice -n "$ns" "$vs" --type=json --field-manager=lgp-control \
    -p "[{\"op\":\"replace\",\"path\":\"/spec/http/$idx/route/0/destination/port/number\",\"value\":$((port + 1))}]" >/dev/null || return 1
  k annotate application -n argocd "$app" argocd.argoproj.io/refresh=hard --overwrite >/dev/null
  if wait_for "drift seen after the control change" 120 bash -c '
      [[ "$(kubectl --kubeconfig "$1" get application -n argocd "$2" -o jsonpath="{.status.sync.status}")" == OutOfSync ||
         "$(kubectl --kubeconfig "$1" get virtualservice -n "$3" "$4" -o jsonpath="{.spec.http[$5].route[0].destination.port.number}")" == "$6" ]]' \
      _ "$KUBECONFIG" "$app" "$ns" "$vs" "$idx" "$port"; then
    local now; now=$(k get virtualservice -n "$ns" "$vs" -o "jsonpath={.spec.http[$idx].route[0].destination.port.number}")
    weights=$(k get virtualservice -n "$ns" "$vs" -o "jsonpath={.spec.http[$idx].route[*].weight}")
    if [[ "$now" == "$port" ]]; then
      say "[$env] control: the stable destination's port changed to $((port + 1)) was restored to $port by self-heal; weights after that sync $weights"
      [[ "$weights" == "90 10" ]] || { say "[$env] ERROR: the self-heal sync reset the weights: RespectIgnoreDifferences did not hold"; return 1; }
    else
      say "[$env] control: the stable destination's port changed to $((port + 1)) made $app OutOfSync (self-heal pending its backoff)"
    fi
  else
    say "[$env] ERROR: the control change was not noticed: the Synced above proves nothing"; return 1
  fi
}

# release_stays_synced <env> <w>: with the Rollouts controller running, a release: a second commit of
# the repository changes one line, the image digest of the canary Rollout's workloadRef Deployment (a
# test-only edit of the clone, not of dist/; the canary stage releases through config). Argo CD syncs
# it, the Rollouts controller starts the canary and writes the VirtualService weights of its first
# setWeight step; the Application must stay Synced while they differ from the rendered ones.
release_stays_synced() {
  local env="$1" w="$2" ns rollout vs route deploy app idx file
  read -r ns rollout vs route deploy < <(k get rollouts -A -o json | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8")).items.find((x) => x.spec?.strategy?.canary?.trafficRouting?.istio && x.spec.workloadRef);
    if (r) { const v = r.spec.strategy.canary.trafficRouting.istio.virtualService;
      console.log(r.metadata.namespace, r.metadata.name, v.name, (v.routes ?? [""])[0], r.spec.workloadRef.name); }')
  [[ -n "${deploy:-}" ]] || { say "[$env] no canary Rollout with Istio traffic routing and a workloadRef: weights not exercised"; return 0; }
  app=$(k get rollout -n "$ns" "$rollout" -o jsonpath='{.metadata.annotations.argocd\.argoproj\.io/tracking-id}' | cut -d: -f1)
  idx=$(k get virtualservice -n "$ns" "$vs" -o json | node -e '
    const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(v.spec.http.findIndex((h) => h.name === process.argv[1]));' "$route")
  local rendered; rendered=$(k get virtualservice -n "$ns" "$vs" -o "jsonpath={.spec.http[$idx].route[*].weight}")
  file=$(grep -l "^  name: $deploy\$" "$w/repo/dist/$env"/*/deployment-*.yaml | head -1)
  [[ -n "$app" && "$idx" -ge 0 && -n "$file" ]] || { say "[$env] ERROR: Rollout $ns/$rollout: no tracking id, route $route or Deployment file"; return 1; }
  local digest; digest=$(printf 'lgp-argocd-release' | sha256sum | cut -d' ' -f1)
  sed -i -E "s/^( +image: [^@]+@sha256:)[0-9a-f]{64}\$/\1$digest/" "$file"
  local changed; changed=$(git -C "$w/repo" diff --numstat | awk '{a += $1; d += $2; n++} END {print n" "a" "d}')
  [[ "$changed" == "1 1 1" ]] || { say "[$env] ERROR: the release edit changed '$changed' (files added deleted), not one line"; return 1; }
  git -C "$w/repo" -c user.name=lgp-ci -c user.email=ci@localhost commit -qam "release: $deploy image digest" || return 1
  local t=$SECONDS
  k annotate application -n argocd "$app" argocd.argoproj.io/refresh=hard --overwrite >/dev/null
  say "[$env] release committed ($(git -C "$w/repo" rev-parse --short HEAD): $(basename "$file") image digest)"
  if [[ "$MANUAL_APPS" == *" $app "* ]]; then
    local release; release=$(git -C "$w/repo" rev-parse HEAD)
    wait_for "$app OutOfSync at the release" 120 bash -c '[[ "$(kubectl --kubeconfig "$1" get application -n argocd "$2" -o jsonpath="{.status.sync.status} {.status.sync.revision}")" == "OutOfSync $3" ]]' _ "$KUBECONFIG" "$app" "$release" || return 1
    say "[$env] $app (manual sync) is OutOfSync at the release and waits; syncing it by hand"
    sync_by_hand "$app" "$release" || return 1
  fi
  say "[$env] waiting for the Rollouts controller to move the weights of $ns/$vs (rendered: $rendered)"
  wait_for "the canary's first weights in $ns/$vs" 240 \
    bash -c '[[ "$(kubectl --kubeconfig "$1" get virtualservice -n "$2" "$3" -o jsonpath="{.spec.http[$4].route[*].weight}")" != "$5" ]]' _ "$KUBECONFIG" "$ns" "$vs" "$idx" "$rendered" || return 1
  local weights managers; weights=$(k get virtualservice -n "$ns" "$vs" -o "jsonpath={.spec.http[$idx].route[*].weight}")
  managers=$(k get virtualservice -n "$ns" "$vs" --show-managed-fields -o jsonpath='{.metadata.managedFields[*].manager}')
  say "[$env] after $((SECONDS - t))s the weights are $weights (field managers: $managers); Rollout $(k get rollout -n "$ns" "$rollout" -o jsonpath='{.status.phase}, step {.status.currentStepIndex}')"
  # Argo CD compares again (hard refresh) while the canary holds its weights; sample a few times.
  local i sync revision
  revision=$(git -C "$w/repo" rev-parse HEAD)
  for i in 1 2 3; do
    hard_refresh "$app" "$app refreshed" || return 1
    sync=$(app_field "$app" '{.status.sync.status} {.status.sync.revision} {.status.health.status}')
    weights=$(k get virtualservice -n "$ns" "$vs" -o "jsonpath={.spec.http[$idx].route[*].weight}")
    say "[$env]   refresh $i: $app ${sync/$revision/at the release}; weights $weights"
    [[ "${sync%% *}" == Synced && "$sync" == *"$revision"* ]] || { say "[$env] ERROR: $app is not Synced at the release while the canary runs"; return 1; }
    [[ "$weights" != "$rendered" ]] || { say "[$env] the canary ended or aborted (weights back to $rendered); stopping the samples"; break; }
    sleep 5
  done
  say "[$env] $app stayed Synced while the Rollouts controller held the canary weights (ignoreDifferences on .spec.http[].route[].weight, RespectIgnoreDifferences=true)"

  # The control: without the rendered VirtualService ignoreDifferences entry (removed from the
  # ApplicationSet's template, which the applicationset-controller copies into the Application), the
  # same weights must be seen as drift: the Application goes OutOfSync or self-heal starts a sync.
  [[ "$weights" != "$rendered" ]] || { say "[$env] control skipped: the canary no longer holds its weights"; return 0; }
  local entry started set
  set=$(k get application -n argocd "$app" -o jsonpath='{.metadata.ownerReferences[0].name}')
  entry=$(k get applicationset -n argocd "$set" -o json | node -e '
    const a = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(a.spec.template.spec.ignoreDifferences.findIndex((d) => d.kind === "VirtualService"));')
  started=$(app_field "$app" '{.status.operationState.startedAt}')
  k patch applicationset -n argocd "$set" --type=json -p "[{\"op\":\"remove\",\"path\":\"/spec/template/spec/ignoreDifferences/$entry\"}]" >/dev/null || return 1
  wait_for "the ignoreDifferences entry gone from $app" 60 bash -c '! kubectl --kubeconfig "$1" get application -n argocd "$2" -o jsonpath="{.spec.ignoreDifferences[*].kind}" | grep -q VirtualService' _ "$KUBECONFIG" "$app" || return 1
  k annotate application -n argocd "$app" argocd.argoproj.io/refresh=hard --overwrite >/dev/null
  if wait_for "drift seen without the ignoreDifferences entry" 90 bash -c '
      s=$(kubectl --kubeconfig "$1" get application -n argocd "$2" -o jsonpath="{.status.sync.status} {.status.operationState.startedAt}")
      [[ "${s%% *}" == OutOfSync || "${s#* }" != "$3" ]]' _ "$KUBECONFIG" "$app" "$started"; then
    say "[$env] control: without the VirtualService ignoreDifferences entry $app saw the weights as drift ($(app_field "$app" '{.status.sync.status}, last sync started {.status.operationState.startedAt}')): the entry is what keeps it Synced"
  else
    say "[$env] ERROR: without the ignoreDifferences entry the weights were not seen as drift: the Synced above proves nothing"; return 1
  fi
}

run_env() {
  local env="$1" w="$WORK/$1" t count
  mkdir -p "$w"
  t=$SECONDS
  behaviour_cluster_up "$w/cluster" || return 1
  local up=$((SECONDS - t))

  # The repository Argo CD reads: dist/<env> at the rendered path, one commit on main.
  mkdir -p "$w/repo/dist" && cp -r "$DIST/$env" "$w/repo/dist/$env"
  git -C "$w/repo" init -q -b main && git -C "$w/repo" add -A \
    && git -C "$w/repo" -c user.name=lgp-ci -c user.email=ci@localhost commit -q -m "dist/$env" || { say "[$env] git failed"; return 1; }
  say "[$env] repository file://$w/repo at $(git -C "$w/repo" rev-parse --short HEAD): $(git -C "$w/repo" ls-files | wc -l) files of dist/$env"
  say "[$env] the rendered ApplicationSet and AppProject, rewritten (every change):"
  tsx scripts/behaviour/argocd-local.ts "$DIST/argocd" "$env" "file://$w/repo" "$w/argocd.json" || return 1
  count=$(node -e 'const l = require(process.argv[1]).items.find((o) => o.kind === "ApplicationSet");
    console.log(l.spec.generators.reduce((n, g) => n + (g.list?.elements?.length ?? 0), 0));' "$w/argocd.json")

  # Applications that sync by hand (prod renders automatedSync: false): synced below as a person does.
  local manual; manual=$(node -e 'const l = require(process.argv[1]).items.find((o) => o.kind === "ApplicationSet");
    console.log(l.spec.generators.flatMap((g) => g.list?.elements ?? []).filter((e) => e.automatedSync !== true).map((e) => e.name).join(" "));' "$w/argocd.json")
  MANUAL_APPS=" $manual "

  local external ns
  external=$(tsx scripts/cluster/namespaces-of.ts "$DIST/$env" "$w/namespaces.yaml") || return 1
  for ns in $external; do k create namespace "$ns" >/dev/null || return 1; done
  [[ -z "$external" ]] || say "[$env] created the namespaces dist/$env uses but does not render: $(echo $external)"
  start_argocd "$w" || return 1
  start_operator_standins "$w"
  local healthy=0
  if [[ -n "$ROLLOUTS_CONTROLLER" ]]; then start_rollouts "$w" && healthy=1 || return 1; fi

  # Every sync operation, from a watch: a later one can replace the first in the status at once.
  behaviour_start argocd-operations "$w/operations.log" node "$REPO/scripts/behaviour/record-operations.js" "$w/operations.json" "$KUBECONFIG"
  t=$SECONDS
  k apply --server-side --field-manager="$BEHAVIOUR_FIELD_MANAGER" -f "$w/argocd.json" -o name >"$w/argocd.applied" 2>"$w/argocd.err" \
    && ! grep -q 'Warning:' "$w/argocd.err" || { cat "$w/argocd.err"; say "[$env] applying the ApplicationSet failed"; return 1; }
  say "[$env] applied $(tr '\n' ' ' <"$w/argocd.applied")— waiting for $count Applications to sync (≤ ${TIMEOUT}s)"
  if [[ -n "$manual" ]]; then
    local app head; head=$(git -C "$w/repo" rev-parse HEAD)
    # The applicationset-controller creates them; Argo CD compares each and must apply nothing.
    wait_for "the manual-sync Applications compared and left OutOfSync" 120 manual_apps_wait "$w/manual.json" $manual || return 1
    sleep 10
    manual_apps_wait "$w/manual.json" $manual || { say "[$env] ERROR: a manual-sync Application started a sync nobody asked for"; return 1; }
    say "[$env] manual sync: $(echo $manual | wc -w) Applications compared, OutOfSync, nothing applied 10s later; syncing each by hand at $(git -C "$w/repo" rev-parse --short HEAD)"
    for app in $manual; do sync_by_hand "$app" "$head" || return 1; done
  fi
  local ok=0
  wait_for "every Application Synced$( ((healthy)) && echo " and Healthy")" "$TIMEOUT" apps_settled "$w/applications.json" "$count" "$healthy" || ok=1
  local synced=$((SECONDS - t))
  k get applications -n argocd -o json >"$w/applications.json"
  say "[$env] Applications after ${synced}s (cluster up in ${up}s; sync times are Argo CD's own operation times):"
  tsx scripts/behaviour/argocd-report.ts "$w/applications.json" "$w/repo" --operations "$w/operations.json" $( ((healthy)) && echo --healthy) || ok=1
  ((healthy)) || say "[$env] the Rollouts controller does not run (not cached, or LGP_ARGOCD_ROLLOUTS=0): Rollouts stay Progressing by Argo CD's health check, so health is reported, not required"
  [[ $ok != 0 ]] || no_drift "$env" || ok=1
  if [[ $ok == 0 ]]; then
    if ((healthy)); then release_stays_synced "$env" "$w" || ok=1; else weights_stay_synced "$env" "$w" || ok=1; fi
  fi
  if [[ $ok != 0 ]]; then
    say "[$env] last lines of the application-controller's log:"; tail -15 "$w/application-controller.log" | sed 's/^/    /'
  fi
  behaviour_cluster_down
  return $ok
}

say "dist: $DIST (${ENVS[*]}); workdir $WORK"
failed=()
for env in "${ENVS[@]}"; do
  [[ -d "$DIST/$env" ]] || fail "$DIST/$env does not exist"
  started=$SECONDS
  if run_env "$env"; then say "[$env] PASS in $((SECONDS - started))s"; else failed+=("$env"); behaviour_cluster_down; say "[$env] FAIL after $((SECONDS - started))s"; fi
done
[[ ${#failed[@]} -eq 0 ]] || fail "Argo CD did not sync: ${failed[*]} (LGP_BEHAVIOUR_KEEP=1 keeps the logs)"
say "Argo CD synced every environment"
