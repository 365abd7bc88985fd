#!/usr/bin/env bash
# The library as another team uses it: pack this repository (prepack builds lib/), install the
# tarball into a copy of examples/own-app together with cdk8s, cdk8s-plus-27 and constructs from
# the npm registry, compile the app with tsc and run it with node (no tsx) for every workflow of
# every environment, and byte-compare its files with the committed dist/<env>/<workflow>/ (what
# `npm run synth` renders from the same config). Then a waiver naming nothing must make the app's
# gate refuse, writing nothing. Needs the network (npm install); `npm test` does not run it.
#   bash .ci/example.sh            (from a checkout with node_modules installed: npm ci)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/lgp-example.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$root"

echo "--- npm pack (builds lib/ first)"
tarball="$work/$(npm pack --json --pack-destination "$work" | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].filename))')"
echo "packed $(basename "$tarball"): $(tar -tzf "$tarball" | wc -l) files"
# Only the library ships: its JavaScript and declarations, the gate's schemas, the docs.
unexpected="$(tar -tzf "$tarball" | grep -Ev '^package/(package\.json|README\.md|LICENSE|CHANGELOG\.md|lib/(src|imports)/.*\.(js|d\.ts)|schemas/(README\.md|sources\.json|kubernetes/.*\.json|crds/.*\.yaml))$' || true)"
if [[ -n "$unexpected" ]]; then echo "the tarball holds files it should not:"; head -20 <<<"$unexpected"; exit 1; fi

echo "--- install into a fresh copy of examples/own-app"
app="$work/own-app"
mkdir -p "$app"
cp examples/own-app/package.json examples/own-app/tsconfig.json examples/own-app/main.ts examples/own-app/minimal.ts "$app/"
cd "$app"
npm install --no-audit --no-fund --loglevel=error "$tarball"
[[ ! -e node_modules/tsx ]] || { echo "tsx is installed in the example; it must run on plain node"; exit 1; }

echo "--- tsc, then node"
npx --no-install tsc -p .
pairs=0
for envdir in "$root"/dist/*/; do
  env="$(basename "$envdir")"
  [[ "$env" == argocd ]] && continue
  for wfdir in "$envdir"*/; do
    wf="$(basename "$wfdir")"
    [[ "$wf" == _shared ]] && continue
    node build/main.js --config "$root/config" --env "$env" --workflow "$wf" --outdir out
    if ! diff -r "$root/dist/$env/$wf" "out/$env/$wf" >"$work/diff.txt"; then
      echo "own-app's $env/$wf differs from the committed dist/$env/$wf:"; head -40 "$work/diff.txt"; exit 1
    fi
    pairs=$((pairs + 1))
  done
done
(( pairs > 0 )) || { echo "no dist/<env>/<workflow> folders to compare with"; exit 1; }
echo "own-app's output equals dist/ byte for byte for $pairs environment/workflow pairs"

echo "--- minimal.ts: one LangGraphWorkflow from the essentials passes the gate"
node build/minimal.js --outdir minimal-out
ls minimal-out/*.yaml >/dev/null || { echo "minimal.ts wrote no manifests"; exit 1; }
for kind in Deployment Service HorizontalPodAutoscaler PodDisruptionBudget NetworkPolicy PodMonitor PrometheusRule ExternalSecret; do
  grep -q "^kind: $kind$" minimal-out/*.yaml || { echo "minimal.ts rendered no $kind"; exit 1; }
done
set +e
node build/minimal.js --image registry.example.com/agents/bot:latest --outdir latest-out 2>"$work/latest.txt"
code=$?
set -e
if [[ $code -ne 1 ]] || ! grep -q 'uses the "latest" tag' "$work/latest.txt" || [[ -e latest-out ]]; then
  echo "expected a :latest image to be refused at synth (exit 1, nothing written); got exit $code:"; cat "$work/latest.txt"; exit 1
fi
echo "minimal.ts: passed the gate; a :latest image refused at synth, nothing written"

echo "--- the gate refuses, and nothing is written"
cp -r "$root/config" "$work/bad-config"
cat >>"$work/bad-config/waivers.yaml" <<'YAML'
  - rule: policy/single-replica
    kind: Deployment
    name: support-agent-gone
    reason: names an object that is not rendered, so the gate must report it as stale.
YAML
set +e
node build/main.js --config "$work/bad-config" --env prod --workflow support-agent --outdir refused 2>"$work/refused.txt"
code=$?
set -e
if [[ $code -ne 1 ]] || ! grep -q 'waiver/stale' "$work/refused.txt" || [[ -e refused ]]; then
  echo "expected exit 1, a waiver/stale violation and no output folder; got exit $code:"; cat "$work/refused.txt"; exit 1
fi
echo "refused as expected (exit 1, waiver/stale, nothing written)"
