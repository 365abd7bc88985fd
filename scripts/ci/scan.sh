#!/usr/bin/env bash
# Runs the ecosystem's own gates on every environment of a rendered-manifests folder:
#   kubeconform -strict (offline, our generated schemas), kube-linter (every built-in check less
#   the style and download-only ones, scripts/ci/kube-linter.yaml), kube-score, Polaris (its default
#   checks; any danger or a score below 100 fails), Checkov, trivy config (offline, embedded
#   checks), promtool (rule groups of PrometheusRules) and kubectl argo rollouts lint (files
#   holding a Rollout).
# Every finding, warnings and LOW severity included, fails; exceptions come only from
# config/waivers.yaml (each tool's own skip annotation, rendered by synth; for trivy an ignore
# file written here from the same list). No waiver may be stale: each scanner with exemptions in
# an environment runs once more there on a copy without them, and every waived object must have a
# finding of the waived check (scripts/ci/stale-scanner-waivers.ts). All tools run on all
# environments before the script exits, then a table shows per tool and environment the version
# that ran, the status, CHECKS (how many checks the tool ran, from its own output; what each tool's
# number means is said at its section below and in README.md, "CI"), FINDINGS (unwaived findings;
# 0 for a PASS) and WAIVED (exemptions the waiver list gave it: skip annotations, or trivy
# ignore-file paths). A tool that is not installed fails its rows: nothing is reported as passing
# that did not run.
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

RESULTS=()   # "env|tool|STATUS|detail|checks|findings"
# record <env> <tool> <status> [detail] [checks] [findings]
record() { RESULTS+=("$1|$2|$3|${4:-}|${5:--}|${6:--}"); }

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
# PASS only for exit 0 with no finding. COUNT names a function that reads the log and prints
# "<checks> <findings>" (the tool's own counts; see the CHECKS column below).
COUNT=""
gate() {
  local env="$1" tool="$2"; shift 2
  local log="$WORK/$env.$tool.log" rc checks=- found=0
  local shown="$*"; [[ ${#shown} -le 200 ]] || shown="${shown:0:200}… ($# args)"
  say "── $tool · $env: $shown"
  "$@" >"$log" 2>&1; rc=$?
  cat "$log"
  [[ -n "$COUNT" ]] && read -r checks found < <("$COUNT" "$log")
  if [[ $rc == 0 && $found == 0 ]]; then
    record "$env" "$tool" PASS "" "$checks" 0
  else
    record "$env" "$tool" FAIL "exit $rc, $found findings" "$checks" "$found"
    say "   ✗ $tool failed for $env (exit $rc, $found findings)"
  fi
}

# scanner <env> <tool> <dir> <tag> <command...>: runs a scanner whose stdout is its JSON report on
# <dir>, normalizes it (scripts/ci/scanner-findings.ts, into $WORK/<env>.<tool><tag>.findings.json)
# and prints its findings; sets RC (the tool's exit code; 99 if its report was unreadable),
# N_CHECKS and N_FINDINGS.
scanner() {
  local env="$1" tool="$2" dir="$3" tag="$4"; shift 4
  local base="$WORK/$env.$tool$tag"
  "$@" >"$base.json" 2>"$base.err"; RC=$?
  if ! (cd "$REPO" && npx tsx scripts/ci/scanner-findings.ts "$tool" "$base.json" "$dir") >"$base.findings.json" 2>"$base.norm.err"; then
    cat "$base.err" "$base.norm.err"; say "   (its report: $(head -c 300 "$base.json"))"
    N_CHECKS=- N_FINDINGS=-; RC=99; return
  fi
  read -r N_CHECKS N_FINDINGS < <(node -e 'const r=require(process.argv[1]); console.log(r.checks, r.findings.length)' "$base.findings.json")
  [[ $RC == 0 ]] || cat "$base.err"
  node -e 'for (const f of require(process.argv[1]).findings) console.log(`   ${f.check}  ${f.kind} ${f.name}: ${f.message}`)' "$base.findings.json"
}

# scan_gate <env> <tool> <command-fn> [ignore-args...]: the gate run of a JSON-reporting scanner
# (<command-fn> <dir> runs it on a folder), then the stale-waiver pass: when the waiver list gives
# the tool any exemption in this environment, the tool runs once more on a copy of dist/<env>
# without its skip annotations (trivy: without its ignore file), and every waived object must have
# a finding of the waived check there (scripts/ci/stale-scanner-waivers.ts).
scan_gate() {
  local env="$1" tool="$2" fn="$3"; shift 3
  say "── $tool · $env: $("$fn" --show "$DIST/$env" "$@")"
  scanner "$env" "$tool" "$DIST/$env" "" "$fn" "$DIST/$env" "$@"
  local status=PASS detail="" checks="$N_CHECKS" found="$N_FINDINGS"
  if [[ $RC != 0 || $found != 0 ]]; then status=FAIL detail="exit $RC, $found findings"; say "   ✗ $tool failed for $env ($detail)"; fi
  if [[ $(waived "$env" "$tool") -gt 0 ]]; then
    local bare="$WORK/bare/$env.$tool"
    if ! (cd "$REPO" && npx tsx scripts/ci/stale-scanner-waivers.ts config "$env" "$tool" "$DIST/$env" --bare-copy "$bare") >/dev/null 2>"$WORK/$env.$tool.bare.err"; then
      cat "$WORK/$env.$tool.bare.err"; status=FAIL detail="${detail:+$detail; }stale-waiver pass failed"
    else
      say "   stale-waiver pass: $tool on a copy of $DIST/$env without its waivers"
      scanner "$env" "$tool" "$bare" ".bare" "$fn" "$bare" >/dev/null
      if [[ $RC == 99 ]]; then
        status=FAIL detail="${detail:+$detail; }unreadable report without waivers"
      elif ! (cd "$REPO" && npx tsx scripts/ci/stale-scanner-waivers.ts config "$env" "$tool" "$DIST/$env" "$WORK/$env.$tool.bare.findings.json") >"$WORK/$env.$tool.stale" 2>&1; then
        sed 's/^/   ✗ /' "$WORK/$env.$tool.stale"
        status=FAIL detail="${detail:+$detail; }$(grep -c 'is stale' "$WORK/$env.$tool.stale") stale waivers"
      fi
    fi
  fi
  record "$env" "$tool" "$status" "$detail" "$checks" "$found"
}

env_files() { find "$DIST/$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort; }

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

# 1. kubeconform: strict, offline; a kind without a schema is an error, not a skip.
#    CHECKS: objects validated; FINDINGS: invalid objects and errors (its summary line).
count_kubeconform() {
  sed -nE 's/^Summary: ([0-9]+) resources? found.*Invalid: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/p' "$1" \
    | awk '{ print $1, $2 + $3; f = 1 } END { if (!f) print "- 1" }'
}
if available kubeconform kubeconform; then
  for env in "${ENVS[@]}"; do
    COUNT=count_kubeconform gate "$env" kubeconform kubeconform -strict -summary -output text \
      -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$DIST/$env"
  done
fi

# 2. kube-linter: all built-in checks but schema-validation (see kube-linter.yaml).
if available kube-linter kube-linter; then
  run_kube_linter() {
    local show=""; [[ $1 == --show ]] && { show=1; shift; }
    local cmd=(kube-linter lint --config "$REPO/scripts/ci/kube-linter.yaml" --format json --fail-if-no-objects-found "$1")
    if [[ -n $show ]]; then echo "${cmd[*]}"; else "${cmd[@]}"; fi
  }
  for env in "${ENVS[@]}"; do scan_gate "$env" kube-linter run_kube_linter; done
fi

# 3. kube-score: WARNING and CRITICAL both fail.
if available kube-score kube-score; then
  run_kube_score() {
    local show=""; [[ $1 == --show ]] && { show=1; shift; }
    local files; mapfile -t files < <(find "$1" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
    local cmd=(kube-score score --kubernetes-version "$TARGET" --output-format json --exit-one-on-warning)
    if [[ -n $show ]]; then echo "${cmd[*]} <the ${#files[@]} files of $1>"; else "${cmd[@]}" "${files[@]}"; fi
  }
  for env in "${ENVS[@]}"; do scan_gate "$env" kube-score run_kube_score; done
fi

# 4. Polaris: its default checks; any danger fails, and so does any warning (the score drops
#    below 100).
if available polaris polaris; then
  run_polaris() {
    local show=""; [[ $1 == --show ]] && { show=1; shift; }
    local cmd=(polaris audit --audit-path "$1" --format json --set-exit-code-on-danger --set-exit-code-below-score 100)
    if [[ -n $show ]]; then echo "${cmd[*]}"; else "${cmd[@]}"; fi
  }
  for env in "${ENVS[@]}"; do scan_gate "$env" polaris run_polaris; done
fi

# 5. Checkov: kubernetes framework only; --skip-download keeps it offline. (Its JSON report lists
#    passed checks only without --quiet: they are what CHECKS counts.)
if available checkov checkov; then
  run_checkov() {
    local show=""; [[ $1 == --show ]] && { show=1; shift; }
    local cmd=(checkov -d "$1" --framework kubernetes --skip-download --output json)
    if [[ -n $show ]]; then echo "${cmd[*]}"; else "${cmd[@]}"; fi
  }
  for env in "${ENVS[@]}"; do scan_gate "$env" checkov run_checkov; done
fi

# 6. trivy config: the Kubernetes misconfiguration checks embedded in the binary, never updated
#    (--skip-check-update), no version or telemetry call, its cache in this run's temp folder.
#    Every severity fails, LOW included, as warnings do for the other tools. trivy reads no
#    per-object annotation for Kubernetes, so waivers reach it as an ignore file scoped to the
#    waived objects' files (scripts/ci/trivy-ignore.ts, from config/waivers.yaml).
if available trivy trivy; then
  run_trivy() {
    local show=""; [[ $1 == --show ]] && { show=1; shift; }
    local cmd=(trivy config --quiet --skip-check-update --skip-version-check --disable-telemetry
      --cache-dir "$WORK/trivy-cache" --misconfig-scanners kubernetes
      --severity UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL --exit-code 1 --format json "${@:2}" "$1")
    if [[ -n $show ]]; then echo "${cmd[*]}"; else "${cmd[@]}"; fi
  }
  for env in "${ENVS[@]}"; do
    ignore="$WORK/$env.trivyignore.yaml"
    if ! (cd "$REPO" && npx tsx scripts/ci/trivy-ignore.ts config "$env" "$DIST/$env" "$ignore") >"$WORK/$env.trivyignore.log" 2>&1; then
      if [[ ! -f "$REPO/config/environments/$env.yaml" ]]; then
        printf 'misconfigurations: []\n' >"$ignore"   # e.g. dist/argocd: no environment, no waivers
      else
        cat "$WORK/$env.trivyignore.log"; record "$env" trivy FAIL "trivy-ignore.ts failed"; say "   ✗ trivy: trivy-ignore.ts failed for $env"; continue
      fi
    fi
    scan_gate "$env" trivy run_trivy --ignorefile "$ignore"
  done
fi

# 7. promtool: the rule groups of every PrometheusRule, as plain rule files; lint problems fail.
#    CHECKS: rules checked (its "SUCCESS: N rules found" lines); FINDINGS: rule files that failed.
count_promtool() {
  awk '/SUCCESS: [0-9]+ rules? found/ { n += $2 } /FAILED/ { f++ } END { print n + 0, f + 0 }' "$1"
}
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
    COUNT=count_promtool gate "$env" promtool promtool check rules --lint=all --lint-fatal "${rule_files[@]}"
  done
fi

# 8. kubectl argo rollouts lint: each file holding a Rollout (services and traffic routing in
#    the same file are checked against it). CHECKS: Rollout files linted; FINDINGS: files that failed.
count_rollouts() { echo "$(grep -c '^# ' "$1") $(grep -c '^✗ lint failed: ' "$1")"; }
if available argo-rollouts kubectl-argo-rollouts; then
  for env in "${ENVS[@]}"; do
    mapfile -t rollout_files < <(env_files "$env" | xargs -r grep -lE '^kind:[[:space:]]*Rollout[[:space:]]*$' || true)
    if [[ ${#rollout_files[@]} -eq 0 ]]; then
      record "$env" argo-rollouts "N/A" "no Rollout"; say "── argo-rollouts · $env: no Rollout"; continue
    fi
    lint_all() { local f rc=0; for f in "$@"; do echo "# $f"; kubectl-argo-rollouts lint -f "$f" || { rc=1; echo "✗ lint failed: $f"; }; done; return $rc; }
    COUNT=count_rollouts gate "$env" argo-rollouts lint_all "${rollout_files[@]}"
  done
fi

# Summary: one row per tool and environment.
say ""
say "scan results ($DIST):"
printf '  %-14s %-16s %-26s %-8s %-7s %-9s %-7s %s\n' ENV TOOL VERSION STATUS CHECKS FINDINGS WAIVED DETAIL
passed=0 failed=0 other=0   # other (SKIPPED, NOT RUN) fails too: a gate that did not run did not pass
for row in "${RESULTS[@]}"; do
  IFS='|' read -r env tool status detail checks found <<<"$row"
  printf '  %-14s %-16s %-26s %-8s %-7s %-9s %-7s %s\n' "$env" "$tool" "$(version_of "$tool")" "$status" "$checks" "$found" "$(waived "$env" "$tool")" "$detail"
  case "$status" in PASS|N/A) passed=$((passed + 1)) ;; FAIL) failed=$((failed + 1)) ;; *) other=$((other + 1)) ;; esac
done
if [[ $failed -gt 0 ]]; then
  say "scan: FAILED — $(for row in "${RESULTS[@]}"; do IFS='|' read -r env tool status _ <<<"$row"; [[ $status == FAIL ]] && printf '%s/%s ' "$tool" "$env"; done)"
fi
say "scan: $passed passed, $failed failed, $other not run"
[[ $failed -eq 0 && $other -eq 0 ]]
