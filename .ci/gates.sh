#!/usr/bin/env bash
# The ecosystem gates on rendered manifests, for .ci/run: installs the tools (cached by
# version outside the repository), generates the kubeconform schemas with the project's own
# code, runs every scanner on every environment, then the real API server. Both stages run
# even if the first fails; the exit status is non-zero if either did.
#
# Usage: bash .ci/gates.sh [dist-dir]          (default: dist; render it first)
# Environment: see .ci/install-tools.sh, scripts/ci/scan.sh and scripts/cluster/run.sh. Every
#   tool must install and run; a tool that did not run fails the scan.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$(realpath -m "${1:-dist}")"
[[ -d "$DIST" ]] || { echo "gates: $DIST does not exist; render it first (npm run synth)"; exit 1; }
CACHE="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}"

started=$SECONDS
bash "$REPO/.ci/install-tools.sh" >/dev/null || { echo "gates: installing the tools failed"; exit 1; }
echo "gates: tools ready in $((SECONDS - started))s"
# shellcheck disable=SC1091
source "$CACHE/env.sh"

status=0
if [[ "${LGP_SKIP_SCAN:-}" == 1 ]]; then
  echo "gates: scanners skipped (LGP_SKIP_SCAN=1): gates that did not run did not pass"; status=1
else
  schemas="$(mktemp -d)"
  (cd "$REPO" && npx tsx scripts/kubeconform-schemas.ts "$schemas" >/dev/null) || { echo "gates: schema generation failed"; status=1; }
  bash "$REPO/scripts/ci/scan.sh" "$DIST" "$schemas" || status=1
  rm -rf "$schemas"
fi
(cd "$REPO" && bash scripts/cluster/run.sh "$DIST") || status=1
echo "gates: done in $((SECONDS - started))s"
exit $status
