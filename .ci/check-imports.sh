#!/usr/bin/env bash
# `npm run import` into a scratch folder must reproduce the committed imports/ byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npx tsx scripts/import-crds.ts --output "$tmp" > /dev/null
if diff -r imports "$tmp" > "$tmp.diff"; then echo "imports/ matches cdk8s import"; else
  echo "imports/ differs from a fresh cdk8s import (run npm run import and commit):"; head -40 "$tmp.diff"; exit 1; fi
