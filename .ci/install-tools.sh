#!/usr/bin/env bash
# Installs the ecosystem gates' tools on a fresh Debian machine (run as root) into a
# cache folder outside the repository, one folder per tool and version:
#   ${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}/<tool>-<version>/bin/
# A tool whose folder is complete is not rebuilt, so later runs take seconds.
# Sources: the Go module proxy, PyPI, Debian, and the upstream release sources committed in
# .ci/tool-sources/ (kube-linter, Polaris; checksummed). Nothing else is reachable here.
#
# Usage:  bash .ci/install-tools.sh [tool ...]        (default: every tool not skipped)
#         source "${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}/env.sh"
# Tools:  kubeconform kube-score kube-linter polaris checkov trivy promtool argo-rollouts
#         kubernetes (kube-apiserver + kubectl) etcd
#         kube-control-plane (kube-controller-manager + kube-scheduler) kwok
#         argocd (application-controller, repo-server, applicationset-controller; redis-server from Debian)
# Skips:  LGP_SKIP_SCAN=1       kubeconform kube-score kube-linter polaris checkov trivy promtool argo-rollouts
#         LGP_SKIP_CLUSTER=1    kubernetes etcd (the slow builds)
#         LGP_SKIP_BEHAVIOUR=1  kube-control-plane kwok argocd (npm run test:behaviour also needs the CLUSTER group)
#         LGP_SKIP_<TOOL>=1   one tool, e.g. LGP_SKIP_CHECKOV=1, LGP_SKIP_ARGO_ROLLOUTS=1, LGP_SKIP_ARGOCD=1
set -euo pipefail

# ---- Pinned versions: the only place a version is named -------------------------------
KUBECONFORM_VERSION=v0.8.0                 # github.com/yannh/kubeconform
KUBE_SCORE_VERSION=v1.20.0                 # github.com/zegl/kube-score
KUBE_LINTER_VERSION=v0.8.3                 # stackrox/kube-linter, built from .ci/tool-sources (the module proxy refuses it)
POLARIS_VERSION=10.2.2                     # FairwindsOps/polaris, built from .ci/tool-sources (tag v10.2.2, commit dafa0b74)
TRIVY_VERSION=v0.74.0                      # github.com/aquasecurity/trivy (trivy config, offline, embedded checks)
CHECKOV_VERSION=3.3.30                     # PyPI checkov
ARGO_ROLLOUTS_VERSION=v1.9.1               # github.com/argoproj/argo-rollouts (the CRDs in schemas/crds are v1.9.1)
KUBERNETES_VERSION=v1.35.4                 # k8s.io/kubernetes, supported range 1.32–1.35
ETCD_VERSION=v3.5.35                       # go.etcd.io/etcd/server/v3 (Debian's etcd-server is 3.4)
KWOK_VERSION=v0.8.0                        # sigs.k8s.io/kwok (fake nodes and pod lifecycles for test:behaviour)
ARGOCD_VERSION=v3.2.11+loopback            # github.com/argoproj/argo-cd/v3 (v3.2.12 as served does not build); +loopback: see install_argocd
# promtool comes from Debian's `prometheus` package at the distribution's version.
# ----------------------------------------------------------------------------------------

CACHE="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}"
# Go's module and build caches live beside the binaries (not in the repo, not in ~/go) so a
# cold run is really cold and a CI cache can exclude them: only <tool>-<version>/ matter.
GO_CACHE_ROOT="${LGP_GO_CACHE:-$CACHE/go}"
mkdir -p "$CACHE" "$GO_CACHE_ROOT"

export GOFLAGS=-mod=mod
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOMODCACHE="$GO_CACHE_ROOT/mod"
export GOCACHE="$GO_CACHE_ROOT/build"
export CGO_ENABLED=0
unset GOBIN

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

skipped() { # skipped <TOOL_ENV_SUFFIX> <group>
  local one="LGP_SKIP_$1" group="LGP_SKIP_$2"
  [[ "${!one:-}" == 1 || "${!group:-}" == 1 ]]
}

# ensure <name> <version> <binary...> -- <install function>
# Runs the install function into a temporary folder and moves it into place only when
# every named binary exists, so an interrupted build never looks complete.
ensure() {
  local name="$1" version="$2"; shift 2
  local bins=() fn
  while [[ "$1" != -- ]]; do bins+=("$1"); shift; done
  shift; fn="$1"
  local dir="$CACHE/$name-$version" ok=1 b
  for b in "${bins[@]}"; do [[ -x "$dir/bin/$b" ]] || ok=0; done
  if [[ $ok == 1 ]]; then
    log "$name $version: cached in $dir"
  else
    local tmp="$dir.partial" start=$SECONDS
    rm -rf "$tmp" && mkdir -p "$tmp/bin"
    log "$name $version: installing into $dir"
    "$fn" "$tmp" "$version"
    for b in "${bins[@]}"; do [[ -x "$tmp/bin/$b" ]] || die "$name: $b was not built"; done
    rm -rf "$dir" && mv "$tmp" "$dir"
    local took=$((SECONDS - start))
    log "$name $version: installed in ${took}s"
    printf '%s\t%s\t%ss\t%s\n' "$(date -u +%FT%TZ)" "$name-$version" "$took" "$(nproc) cores" >>"$CACHE/timings.log"
  fi
}

# go_install <dest> <module/pkg@version>: plain `go install` for modules without replaces.
go_install() { GOBIN="$1/bin" go install "$2"; }

# go_module_copy <module@version> <dest>: a writable copy of a module's source, for modules
# whose go.mod has replace directives (which `go install mod@version` refuses).
go_module_copy() {
  local json dir
  if ! json=$(go mod download -json "$1"); then
    # The error is in the JSON on stdout; show it as the go command would.
    sed -n 's/^[[:space:]]*"Error": "\(.*\)"$/go: \1/p' <<<"$json" >&2
    die "go mod download $1 failed"
  fi
  dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
  [[ -d "$dir" ]] || die "go mod download $1 gave no source folder"
  cp -r "$dir" "$2" && chmod -R u+w "$2"
}

install_kubeconform() { go_install "$1" "github.com/yannh/kubeconform/cmd/kubeconform@$2"; }
install_kube_score()  { go_install "$1" "github.com/zegl/kube-score/cmd/kube-score@$2"; }

# kube-linter and Polaris: the module proxy refuses both modules, so they are built from their
# upstream release sources, committed in .ci/tool-sources/ with checksums (their dependencies are
# served). The GitHub workflow downloads the official release binaries at the same versions.
SOURCES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tool-sources"
# build_from_archive <dest> <archive> <folder> <package> <binary> <ldflags>
build_from_archive() {
  local src; src=$(mktemp -d)
  (cd "$SOURCES" && sha256sum --check --strict --quiet <(grep " $2\$" SHA256SUMS)) \
    || die "$2: checksum does not match .ci/tool-sources/SHA256SUMS"
  tar -xzf "$SOURCES/$2" -C "$src"
  (cd "$src/$3" && go build -trimpath -ldflags "-s -w $6" -o "$1/bin/$5" "$4")
  rm -rf "$src"
}
install_kube_linter() {
  build_from_archive "$1" "kube-linter-${2#v}.tar.gz" "kube-linter-${2#v}" ./cmd/kube-linter kube-linter \
    "-X golang.stackrox.io/kube-linter/internal/version.version=$2"
}
install_polaris() {
  build_from_archive "$1" "polaris-$2.tar.gz" "polaris-$2" . polaris \
    "-X main.Version=$2 -X main.Commit=dafa0b74fc09a9505849b0a6f8c78f1c364d0112"
}
# trivy needs Go's json v2 experiment to build (its own release builds set it too), and reports
# its version only when stamped, as its goreleaser.yml does (else `trivy --version` says "dev").
install_trivy() {
  GOEXPERIMENT=jsonv2 GOBIN="$1/bin" go install -trimpath \
    -ldflags "-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=${2#v}" "github.com/aquasecurity/trivy/cmd/trivy@$2"
}

install_checkov() {
  python3 -m venv "$1/venv" || die "python3 -m venv failed: apt-get install python3-venv"
  "$1/venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$2"
  # A venv's scripts carry its absolute path in their shebang, and this one is built in a
  # .partial folder and then moved: call the venv's interpreter explicitly instead.
  cat >"$1/bin/checkov" <<'SH'
#!/bin/sh
venv="$(dirname "$(readlink -f "$0")")/../venv"
exec "$venv/bin/python3" "$venv/bin/checkov" "$@"
SH
  chmod +x "$1/bin/checkov"
}

install_promtool() {
  if ! command -v promtool >/dev/null; then
    local sudo=""; [[ $EUID -eq 0 ]] || sudo="sudo"   # GitHub's runners are not root
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  fi
  ln -s "$(command -v promtool)" "$1/bin/promtool"
  # Debian starts the prometheus service on install; the gates need only the binary.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
}

# argo-rollouts' go.mod has replace directives, so `go install` refuses it. The kubectl plugin
# (runbook commands) and the controller (the behaviour test's canary, scripts/behaviour/canary.sh)
# from one module copy. The controller's metrics and healthz servers listen on 0.0.0.0 with no flag
# to change it; the tests run everything on loopback, so the copy is patched to 127.0.0.1 (the only
# source change; the build fails if the line is not found). "+controller-loopback" in the cache key
# rebuilds a cache folder from before the controller was added.
install_argo_rollouts() {
  local src; src=$(mktemp -d)
  go_module_copy "github.com/argoproj/argo-rollouts@${2%%+*}" "$src/module"
  local file="$src/module/controller/controller.go"
  grep -q '^[[:space:]]*listenAddr[[:space:]]*= "0.0.0.0:%d"$' "$file" || die "argo-rollouts: listenAddr line not found in controller/controller.go"
  sed -i 's/^\([[:space:]]*listenAddr[[:space:]]*= \)"0.0.0.0:%d"$/\1"127.0.0.1:%d"/' "$file"
  (cd "$src/module" && go build -trimpath -o "$1/bin/kubectl-argo-rollouts" ./cmd/kubectl-argo-rollouts \
    && go build -trimpath -o "$1/bin/rollouts-controller" ./cmd/rollouts-controller)
  rm -rf "$src"
}

# k8s.io/kubernetes' go.mod replaces every k8s.io/* staging module with ./staging/src/...,
# folders that its module zip leaves out. A wrapper module requires and replaces each of
# them at the matching v0.Y.Z so the commands build from the module proxy.
k8s_wrapper_build() { # k8s_wrapper_build <dest> <version> <command...>
  local dest="$1" version="$2" staging="v0.${2#v1.}" work kmod cmd
  shift 2
  work=$(mktemp -d)
  kmod=$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  local mods; mods=$(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$kmod")
  [[ -n "$mods" ]] || die "no staging replaces found in $kmod"
  {
    echo "module lgp.local/kubernetes-build"
    echo "go $(sed -n 's/^go //p' "$kmod")"
    echo "require k8s.io/kubernetes $version"
    for m in $mods; do echo "require $m $staging"; done
    for m in $mods; do echo "replace $m => $m $staging"; done
  } >"$work/go.mod"
  local minor="${version#v1.}"; minor="${minor%%.*}"
  local ld=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  for cmd in "$@"; do
    (cd "$work" && go build -trimpath -ldflags "-s -w$ld" -o "$dest/bin/$cmd" "k8s.io/kubernetes/cmd/$cmd") || { rm -rf "$work"; return 1; }
  done
  rm -rf "$work"
}
install_kubernetes() { k8s_wrapper_build "$1" "$2" kube-apiserver kubectl; }
# The rest of the control plane for npm run test:behaviour, a tool of its own so that the
# kubernetes-<version> folder the API server stage uses stays valid (same module, warm caches).
install_kube_control_plane() { k8s_wrapper_build "$1" "$2" kube-controller-manager kube-scheduler; }

# KWOK: fake nodes, and pods taken through their lifecycle by stages, without a kubelet. Its go.mod
# has no replace directives (its version is in its source, pkg/consts).
install_kwok() {
  GOBIN="$1/bin" go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$2"
}

# etcd's server module replaces its sibling modules with relative paths as well; the same
# wrapper trick builds its main package (server/main.go) as `etcd`.
install_etcd() {
  local dest="$1" version="$2" work
  work=$(mktemp -d)
  printf 'module lgp.local/etcd-build\n\ngo 1.22\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$version" >"$work/go.mod"
  (cd "$work" && go build -trimpath -ldflags "-s -w" -o "$dest/bin/etcd" go.etcd.io/etcd/server/v3)
  rm -rf "$work"
}

# Argo CD: one multi-call binary that dispatches on its name (cmd/main.go), so each component is a
# symlink to it. Its go.mod has replace directives, hence the module copy. One line is patched (the
# "+loopback" of the version): the application controller binds its metrics server to 0.0.0.0 with no
# flag to change it (controller/appcontroller.go), and test:argocd serves nothing beyond loopback.
# Argo CD keeps its cache in redis, which Debian packages (at the distribution's version, like
# promtool); the service the package starts is stopped, test:argocd starts its own on loopback.
ARGOCD_COMPONENTS="argocd-application-controller argocd-repo-server argocd-applicationset-controller"
install_argocd() {
  local src c version="${2%%+*}"; src=$(mktemp -d)
  go_module_copy "github.com/argoproj/argo-cd/v3@$version" "$src/module"
  local file="$src/module/controller/appcontroller.go"
  grep -q 'metricsAddr := fmt.Sprintf("0.0.0.0:%d", metricsPort)' "$file" || { rm -rf "$src"; die "argocd: the metrics address line to patch is gone from $file"; }
  sed -i 's/metricsAddr := fmt.Sprintf("0.0.0.0:%d", metricsPort)/metricsAddr := fmt.Sprintf("127.0.0.1:%d", metricsPort)/' "$file"
  (cd "$src/module" && go build -trimpath -ldflags "-s -w -X github.com/argoproj/argo-cd/v3/common.version=${version#v}" \
    -o "$1/bin/argocd" ./cmd) || { rm -rf "$src"; return 1; }
  rm -rf "$src"
  for c in $ARGOCD_COMPONENTS; do ln -s argocd "$1/bin/$c"; done
  if ! command -v redis-server >/dev/null; then
    local sudo=""; [[ $EUID -eq 0 ]] || sudo="sudo"   # GitHub's runners are not root
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  fi
  ln -s "$(command -v redis-server)" "$1/bin/redis-server"
  if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
    systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
}

command -v go >/dev/null || die "go is required (Debian: apt-get install golang-go; GitHub: actions/setup-go)"

# name | version | binaries | install function | skip group
TOOLS=(
  "kubeconform|$KUBECONFORM_VERSION|kubeconform|install_kubeconform|SCAN"
  "kube-score|$KUBE_SCORE_VERSION|kube-score|install_kube_score|SCAN"
  "kube-linter|$KUBE_LINTER_VERSION|kube-linter|install_kube_linter|SCAN"
  "polaris|$POLARIS_VERSION|polaris|install_polaris|SCAN"
  "checkov|$CHECKOV_VERSION|checkov|install_checkov|SCAN"
  "trivy|$TRIVY_VERSION|trivy|install_trivy|SCAN"
  "promtool|debian|promtool|install_promtool|SCAN"
  "argo-rollouts|$ARGO_ROLLOUTS_VERSION+controller-loopback|kubectl-argo-rollouts rollouts-controller|install_argo_rollouts|SCAN"
  "kubernetes|$KUBERNETES_VERSION|kube-apiserver kubectl|install_kubernetes|CLUSTER"
  "etcd|$ETCD_VERSION|etcd|install_etcd|CLUSTER"
  "kube-control-plane|$KUBERNETES_VERSION|kube-controller-manager kube-scheduler|install_kube_control_plane|BEHAVIOUR"
  "kwok|$KWOK_VERSION|kwok|install_kwok|BEHAVIOUR"
  "argocd|$ARGOCD_VERSION|argocd $ARGOCD_COMPONENTS redis-server|install_argocd|BEHAVIOUR"
)
# LGP_ALLOW_UNAVAILABLE (developer machines only; empty by default and in CI): a failed install of
# a listed tool is recorded in $CACHE/unavailable/<tool>.txt (the exact error) instead of failing
# this script, so the other tools still install; scripts/ci/scan.sh then reports that tool as
# NOT RUN with that reason, and still fails.
allowed_unavailable() { [[ " ${LGP_ALLOW_UNAVAILABLE:-} " == *" $1 "* ]]; }

want() { [[ $# -eq 0 ]] && return 0; local w; for w in "${REQUESTED[@]}"; do [[ "$w" == "$1" ]] && return 0; done; return 1; }
REQUESTED=("$@")
for arg in "${REQUESTED[@]}"; do
  printf '%s\n' "${TOOLS[@]}" | grep -q "^$arg|" || die "unknown tool '$arg'; known: $(printf '%s\n' "${TOOLS[@]}" | cut -d'|' -f1 | tr '\n' ' ')"
done

mkdir -p "$CACHE/unavailable"
failed=()
for row in "${TOOLS[@]}"; do
  IFS='|' read -r name version bins fn group <<<"$row"
  if [[ ${#REQUESTED[@]} -gt 0 ]] && ! want "$name"; then continue; fi
  suffix=$(tr 'a-z-' 'A-Z_' <<<"$name")
  if skipped "$suffix" "$group"; then log "$name: skipped (LGP_SKIP_$suffix or LGP_SKIP_$group)"; continue; fi
  # errexit is off inside an `if` condition, so run the install in its own subshell with it on;
  # its messages are shown as they come (less Go's "downloading" lines) and kept for the report.
  set +e
  # shellcheck disable=SC2086 # bins is a space-separated list
  (set -e; ensure "$name" "$version" $bins -- "$fn") 2>&1 | grep --line-buffered -v '^go: downloading' | tee "$CACHE/unavailable/.$name.err" >&2
  rc=${PIPESTATUS[0]}; set -e
  [[ $rc == 0 ]] || rm -rf "$CACHE/$name-$version.partial"
  if [[ $rc == 0 ]]; then
    rm -f "$CACHE/unavailable/$name.txt"
  elif allowed_unavailable "$name"; then
    err="$CACHE/unavailable/.$name.err"
    if grep -q '403 Forbidden' "$err"; then
      reason="the Go module proxy refuses $(grep -m1 -o 'go: [^@ ]*@' "$err" | sed 's/^go: //; s/@$//' || true) (403 Forbidden)"
    else
      reason=$(grep -v '^\[install-tools\]' "$err" | tail -1 || true)
      [[ -n "$reason" ]] || reason=$(tail -1 "$err")
    fi
    # Line 1 is the reason scan.sh shows; the error output follows.
    { echo "$reason"; tail -5 "$err"; } >"$CACHE/unavailable/$name.txt"
    log "WARNING: $name $version unavailable here (allowed by LGP_ALLOW_UNAVAILABLE): $reason"
  else
    failed+=("$name")
  fi
  rm -f "$CACHE/unavailable/.$name.err"
done

# env.sh puts every tool installed at its pinned version on PATH (whatever this run built).
dirs=()
for row in "${TOOLS[@]}"; do
  IFS='|' read -r name version bins _ _ <<<"$row"
  complete=1
  for b in $bins; do [[ -x "$CACHE/$name-$version/bin/$b" ]] || complete=0; done
  [[ $complete == 1 ]] && dirs+=("$CACHE/$name-$version/bin")
done
line="export PATH=\"$(IFS=:; echo "${dirs[*]:-}")\${PATH:+:\$PATH}\""
printf '%s\n' "$line" >"$CACHE/env.sh"
echo "$line"
[[ ${#failed[@]} -eq 0 ]] || die "failed to install: ${failed[*]}"
