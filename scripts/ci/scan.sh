#!/usr/bin/env bash
# Runs the ecosystem's own gates on every environment of a rendered-manifests folder:
#   kubeconform -strict (offline, our generated schemas), kube-linter (every built-in check less
#   the style and download-only ones, scripts/ci/kube-linter.yaml), kube-score, Polaris (its default
#   checks; any danger or a score below 100 fails), Checkov, trivy config (offline, embedded
#   checks), promtool (rule groups of PrometheusRules) and kubectl argo rollouts lint (files
#   holding a Rollout).
# Every finding, warnings and LOW severity included, fails; exceptions come only from
# config/waivers.yaml (each tool's own skip annotation, rendered by synth; for trivy an ignore
# file written here from the same list). All tools run on all environments before the script
# exits, then a table shows per tool and environment the version that ran, the status and how
# many exemptions the waiver list gave it (WAIVED: skip annotations, or trivy ignore-file paths;
# a PASS means no finding remained beyond them). A tool that is not
# installed fails its rows: nothing is reported as passing that did not run.
#
# Usage: scripts/ci/scan.sh [dist-dir] [schema-dir]
#   dist-dir    folder of environments, dist/<env>/...            (default: dist)
#   schema-dir  kubeconform JSON schemas, one file per kind/version, as written by
#               `npx tsx scripts/kubeconform-schemas.ts <dir>`   (default: generated into a temp dir)
# Environment:
#   LGP_TOOLS_CACHE          where .ci/install-tools.sh put the tools (its env.sh is sourced)
#   LGP_SKIP_<TOOL>=1        do not run one tool (KUBECONFORM, KUBE_LINTER, KUBE_SCORE, POLARIS,
#                            CHECKOV, TRIVY, PROMTOOL, ARGO_ROLLOUTS); reported as SKIPPED, and
#                            the scan fails (a gate that did not run did not pass)
#   LGP_ALLOW_UNAVAILABLE    developer machines only, default empty: tools that may be missing
#                            (e.g. "trivy"); reported as NOT RUN, and the scan still fails
#   LGP_KUBERNETES_TARGET    newest Kubernetes release the output must work on (default v1.35)
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIST="${1:-dist}"
SCHEMAS="${2:-}"
CACHE="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}"
TARGET="${LGP_KUBERNETES_TARGET:-v1.35}"
# shellcheck disable=SC1091
[[ -f "$CACHE/env.sh" ]] && source "$CACHE/env.sh"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

say() { printf '%s\n' "$*"; }
[[ -d "$DIST" ]] || { say "scan: $DIST is not a folder; render it first (npm run synth)"; exit 2; }
DIST="$(cd "$DIST" && pwd)"
[[ -z "$SCHEMAS" || -d "$SCHEMAS" ]] && [[ -n "$SCHEMAS" ]] && SCHEMAS="$(cd "$SCHEMAS" && pwd)"
mapfile -t ENVS < <(find "$DIST" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
[[ ${#ENVS[@]} -gt 0 ]] || { say "scan: no environment folders in $DIST (expected $DIST/<env>/)"; exit 2; }

if [[ -z "$SCHEMAS" ]]; then
  SCHEMAS="$WORK/schemas"
  say "scan: generating kubeconform schemas into $SCHEMAS"
  (cd "$REPO" && npx tsx scripts/kubeconform-schemas.ts "$SCHEMAS" >/dev/null) \
    || { say "scan: schema generation failed (npx tsx scripts/kubeconform-schemas.ts)"; exit 2; }
fi
compgen -G "$SCHEMAS/*.json" >/dev/null \
  || { say "scan: no JSON schemas in $SCHEMAS; generate them: npx tsx scripts/kubeconform-schemas.ts $SCHEMAS"; exit 2; }

RESULTS=()   # "env|tool|STATUS|detail"
record() { RESULTS+=("$1|$2|$3|${4:-}"); }

# available <tool> <binary>: 0 = run it; otherwise records SKIPPED / NOT RUN / FAIL for every env.
available() {
  local tool="$1" bin="$2" suffix env
  suffix=$(tr 'a-z-' 'A-Z_' <<<"$tool")
  local skip="LGP_SKIP_$suffix"
  if [[ "${!skip:-}" == 1 ]]; then
    for env in "${ENVS[@]}"; do record "$env" "$tool" SKIPPED "$skip=1"; done
    say "── $tool: SKIPPED ($skip=1)"; return 1
  fi
  command -v "$bin" >/dev/null && return 0
  if [[ " ${LGP_ALLOW_UNAVAILABLE:-} " == *" $tool "* ]]; then
    local why="not installable on this machine"
    [[ -f "$CACHE/unavailable/$tool.txt" ]] && why=$(head -1 "$CACHE/unavailable/$tool.txt")
    for env in "${ENVS[@]}"; do record "$env" "$tool" "NOT RUN" "$why"; done
    say "── $tool: NOT RUN — $why"; return 1
  fi
  for env in "${ENVS[@]}"; do record "$env" "$tool" FAIL "$bin not installed"; done
  say "── $tool: FAIL — $bin is not on PATH; run: bash .ci/install-tools.sh $tool"; return 1
}

# gate <env> <tool> <command...>: runs one tool on one environment, shows its output, records
# PASS only for exit 0 with no finding line (the optional FINDINGS regex, matched on output).
FINDINGS=""
gate() {
  local env="$1" tool="$2"; shift 2
  local log="$WORK/$env.$tool.log" rc
  local shown="$*"; [[ ${#shown} -le 200 ]] || shown="${shown:0:200}… ($# args)"
  say "── $tool · $env: $shown"
  "$@" >"$log" 2>&1; rc=$?
  if [[ -n "$FILTER" ]]; then grep -E "$FILTER" "$log" || true; else cat "$log"; fi
  local found=0
  [[ -n "$FINDINGS" ]] && found=$(grep -cE "$FINDINGS" "$log")
  if [[ $rc == 0 && $found == 0 ]]; then
    record "$env" "$tool" PASS
  else
    record "$env" "$tool" FAIL "exit $rc${FINDINGS:+, $found finding lines}"
    say "   ✗ $tool failed for $env (exit $rc${FINDINGS:+, $found finding lines})"
  fi
}
FILTER=""

env_files() { find "$DIST/$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort; }

# 1. kubeconform: strict, offline; a kind without a schema is an error, not a skip.
if available kubeconform kubeconform; then
  for env in "${ENVS[@]}"; do
    gate "$env" kubeconform kubeconform -strict -summary -output text \
      -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$DIST/$env"
  done
fi

# 2. kube-linter: all built-in checks but schema-validation (see kube-linter.yaml).
if available kube-linter kube-linter; then
  for env in "${ENVS[@]}"; do
    gate "$env" kube-linter kube-linter lint --config "$REPO/scripts/ci/kube-linter.yaml" \
      --fail-if-no-objects-found "$DIST/$env"
  done
fi

# 3. kube-score: WARNING and CRITICAL both fail; only those lines are shown.
if available kube-score kube-score; then
  for env in "${ENVS[@]}"; do
    mapfile -t files < <(env_files "$env")
    FINDINGS='^\[(WARNING|CRITICAL)\]' FILTER='^\[(WARNING|CRITICAL)\]' \
      gate "$env" kube-score kube-score score --kubernetes-version "$TARGET" --output-format ci \
      --exit-one-on-warning "${files[@]}"
  done
fi

# 4. Polaris: its default checks; any danger fails, and so does any warning (the score drops
#    below 100). --only-show-failed-tests keeps the log to what needs a fix or a waiver.
if available polaris polaris; then
  for env in "${ENVS[@]}"; do
    gate "$env" polaris polaris audit --audit-path "$DIST/$env" --format pretty --only-show-failed-tests \
      --set-exit-code-on-danger --set-exit-code-below-score 100
  done
fi

# 5. Checkov: kubernetes framework only; --skip-download keeps it offline.
if available checkov checkov; then
  for env in "${ENVS[@]}"; do
    gate "$env" checkov checkov -d "$DIST/$env" --framework kubernetes --compact --quiet --skip-download
  done
fi

# 6. trivy config: the Kubernetes misconfiguration checks embedded in the binary, never updated
#    (--skip-check-update), no version or telemetry call, its cache in this run's temp folder.
#    Every severity fails, LOW included, as warnings do for the other tools. trivy reads no
#    per-object annotation for Kubernetes, so waivers reach it as an ignore file scoped to the
#    waived objects' files (scripts/ci/trivy-ignore.ts, from config/waivers.yaml).
if available trivy trivy; then
  for env in "${ENVS[@]}"; do
    ignore="$WORK/$env.trivyignore.yaml"
    if ! (cd "$REPO" && npx tsx scripts/ci/trivy-ignore.ts config "$env" "$DIST/$env" "$ignore") >"$WORK/$env.trivyignore.log" 2>&1; then
      if [[ ! -f "$REPO/config/environments/$env.yaml" ]]; then
        printf 'misconfigurations: []\n' >"$ignore"   # e.g. dist/argocd: no environment, no waivers
      else
        cat "$WORK/$env.trivyignore.log"; record "$env" trivy FAIL "trivy-ignore.ts failed"; say "   ✗ trivy: trivy-ignore.ts failed for $env"; continue
      fi
    fi
    gate "$env" trivy trivy config --quiet --skip-check-update --skip-version-check --disable-telemetry \
      --cache-dir "$WORK/trivy-cache" --misconfig-scanners kubernetes \
      --severity UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL --exit-code 1 --ignorefile "$ignore" "$DIST/$env"
  done
fi

# 7. promtool: the rule groups of every PrometheusRule, as plain rule files; lint problems fail.
if available promtool promtool; then
  for env in "${ENVS[@]}"; do
    if ! (cd "$REPO" && npx tsx scripts/ci/extract-rules.ts "$DIST/$env" "$WORK/rules/$env") >"$WORK/$env.rules" 2>&1; then
      cat "$WORK/$env.rules"
      record "$env" promtool FAIL "extract-rules.ts failed"; say "   ✗ promtool: extract-rules.ts failed for $env"; continue
    fi
    mapfile -t rule_files <"$WORK/$env.rules"
    if [[ ${#rule_files[@]} -eq 0 ]]; then
      record "$env" promtool "N/A" "no PrometheusRule"; say "── promtool · $env: no PrometheusRule"; continue
    fi
    gate "$env" promtool promtool check rules --lint=all --lint-fatal "${rule_files[@]}"
  done
fi

# 8. kubectl argo rollouts lint: each file holding a Rollout (services and traffic routing in
#    the same file are checked against it).
if available argo-rollouts kubectl-argo-rollouts; then
  for env in "${ENVS[@]}"; do
    mapfile -t rollout_files < <(env_files "$env" | xargs -r grep -lE '^kind:[[:space:]]*Rollout[[:space:]]*$' || true)
    if [[ ${#rollout_files[@]} -eq 0 ]]; then
      record "$env" argo-rollouts "N/A" "no Rollout"; say "── argo-rollouts · $env: no Rollout"; continue
    fi
    lint_all() { local f rc=0; for f in "$@"; do echo "# $f"; kubectl-argo-rollouts lint -f "$f" || rc=1; done; return $rc; }
    gate "$env" argo-rollouts lint_all "${rollout_files[@]}"
  done
fi

# version <tool>: the cache folder the binary runs from (<tool>-<pinned version>), else its path.
version_of() {
  local bin
  case "$1" in argo-rollouts) bin=kubectl-argo-rollouts ;; *) bin="$1" ;; esac
  bin=$(command -v "$bin" 2>/dev/null) || { echo -; return; }
  case "$bin" in "$CACHE"/*) bin="${bin#"$CACHE"/}"; echo "${bin%%/*}" ;; *) echo "$bin" ;; esac
}
# waived <env> <tool>: how many object exemptions from config/waivers.yaml the tool was given.
waived() {
  local dir="$DIST/$1"
  case "$2" in
    kube-linter) grep -rhoE '^    ignore-check\.kube-linter\.io/' "$dir" | wc -l ;;
    polaris) grep -rhoE '^    polaris\.fairwinds\.com/[A-Za-z0-9]+-exempt:' "$dir" | wc -l ;;
    checkov) grep -rhoE '^    checkov\.io/skip[0-9]+:' "$dir" | wc -l ;;
    kube-score) grep -rhE '^    kube-score/ignore:' "$dir" | sed 's/.*: //' | tr ',' '\n' | grep -c . ;;
    trivy) if [[ -f "$WORK/$1.trivyignore.yaml" ]]; then grep -cE '^ +- [^ ]+\.ya?ml$' "$WORK/$1.trivyignore.yaml" || true; else echo 0; fi ;;
    *) echo - ;;
  esac
}

# Summary: one row per tool and environment.
say ""
say "scan results ($DIST):"
printf '  %-14s %-16s %-26s %-8s %-7s %s\n' ENV TOOL VERSION STATUS WAIVED DETAIL
passed=0 failed=0 other=0   # other (SKIPPED, NOT RUN) fails too: a gate that did not run did not pass
for row in "${RESULTS[@]}"; do
  IFS='|' read -r env tool status detail <<<"$row"
  printf '  %-14s %-16s %-26s %-8s %-7s %s\n' "$env" "$tool" "$(version_of "$tool")" "$status" "$(waived "$env" "$tool")" "$detail"
  case "$status" in PASS|N/A) passed=$((passed + 1)) ;; FAIL) failed=$((failed + 1)) ;; *) other=$((other + 1)) ;; esac
done
if [[ $failed -gt 0 ]]; then
  say "scan: FAILED — $(for row in "${RESULTS[@]}"; do IFS='|' read -r env tool status _ <<<"$row"; [[ $status == FAIL ]] && printf '%s/%s ' "$tool" "$env"; done)"
fi
say "scan: $passed passed, $failed failed, $other not run"
[[ $failed -eq 0 && $other -eq 0 ]]
