# shellcheck shell=bash
# Shared helpers for scripts/signals/*.sh: the pinned LangGraph server venv and
# starting/stopping real `langgraph dev` (in-memory runtime) instances on loopback.
#
# Source it; do not run it. Every server started here is recorded in LG_PIDS and
# stopped by PID by lg_cleanup (install it with `trap lg_cleanup EXIT`).
#
# Environment (all optional):
#   LGP_TOOLS_CACHE   cache root for the venv        (default /var/cache/langgraph-platform-tools)
#   LG_VENV           venv path                      (default $LGP_TOOLS_CACHE/langgraph-venv-$LG_API_VERSION)
#   LG_PYTHON         interpreter for the venv (>=3.11) (default python3)
#   LG_KEEP_WORKDIRS  1 keeps the per-server temp dirs (logs) after exit

# Direct pins. Every transitive package is pinned by scripts/signals/constraints.txt
# (a `pip freeze` of the venv these pins produced). Change them together.
LG_API_VERSION=0.16.7
LG_CLI_VERSION=0.4.40
LG_RUNTIME_INMEM_VERSION=0.36.7
LG_LANGGRAPH_VERSION=1.2.24

SIGNALS_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SIGNALS_REPO_ROOT="$(cd "$SIGNALS_SCRIPTS_DIR/../.." && pwd)"
SIGNALS_GRAPH_DIR="$SIGNALS_REPO_ROOT/test/signals/graph"
SIGNALS_CONSTRAINTS="$SIGNALS_SCRIPTS_DIR/constraints.txt"
LGP_TOOLS_CACHE="${LGP_TOOLS_CACHE:-/var/cache/langgraph-platform-tools}"
LG_VENV="${LG_VENV:-$LGP_TOOLS_CACHE/langgraph-venv-$LG_API_VERSION}"
LG_PYTHON="${LG_PYTHON:-python3}"

LG_PIDS=()
LG_WORKDIRS=()
LG_INSTALL_SECONDS=0 # 0 when an existing venv was reused

lg_log() { printf '[signals %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
lg_die() { lg_log "ERROR: $*"; exit 1; }

lg_pip_requirements() {
  printf '%s\n' "langgraph-cli[inmem]==$LG_CLI_VERSION" "langgraph-api==$LG_API_VERSION" \
    "langgraph-runtime-inmem==$LG_RUNTIME_INMEM_VERSION" "langgraph==$LG_LANGGRAPH_VERSION"
}

# Create the venv, or reuse it when its stamp matches the pins and constraints.
lg_ensure_venv() {
  local stamp="$LG_VENV/.signals-stamp" want
  want="$( { lg_pip_requirements; grep -v "^#" "$SIGNALS_CONSTRAINTS"; } | sha256sum | cut -d' ' -f1)"
  if [[ -x "$LG_VENV/bin/langgraph" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    lg_log "reusing venv $LG_VENV"
    return 0
  fi
  "$LG_PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' ||
    lg_die "$LG_PYTHON is $("$LG_PYTHON" --version 2>&1); langgraph-api needs Python >= 3.11 (set LG_PYTHON)"
  local t0=$SECONDS
  lg_log "installing $(lg_pip_requirements | tr '\n' ' ')into $LG_VENV"
  mkdir -p "$(dirname "$LG_VENV")"
  # Only ever remove a directory that is a venv (a previous, stale install of ours).
  if [[ -e "$LG_VENV" ]]; then
    [[ -f "$LG_VENV/pyvenv.cfg" ]] || lg_die "$LG_VENV exists and is not a venv; set LG_VENV elsewhere"
    rm -rf "$LG_VENV"
  fi
  nice -n 10 "$LG_PYTHON" -m venv "$LG_VENV"
  # shellcheck disable=SC2046
  nice -n 10 "$LG_VENV/bin/pip" install --quiet --disable-pip-version-check \
    -c "$SIGNALS_CONSTRAINTS" $(lg_pip_requirements) ||
    lg_die "pip install failed (see output above)"
  echo "$want" >"$stamp"
  LG_INSTALL_SECONDS=$((SECONDS - t0))
  lg_log "venv ready in ${LG_INSTALL_SECONDS}s"
}

# A free TCP port on 127.0.0.1 (tiny race window; the caller retries on failure).
lg_free_port() {
  "$LG_VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# lg_server_argv PORT N_JOBS — sets LG_SERVER_ARGV to the exact server command line.
# LG_CONFIG picks the langgraph config in test/signals/graph (default langgraph.json; the live
# signals test uses langgraph.live.json, which adds test-only delay and 500 hooks: live_api.py).
lg_server_argv() {
  LG_SERVER_ARGV=("$LG_VENV/bin/langgraph" dev --host 127.0.0.1 --port "$1" --no-browser --no-reload
    --n-jobs-per-worker "$2" --config "${LG_CONFIG:-langgraph.json}")
}

# Environment that keeps the dev server offline: no LangSmith tracing, no
# license/metadata beacon (needs a key; none is set), no CLI analytics, no PyPI
# version check, no Datadog exporter.
LG_OFFLINE_ENV=(
  LANGGRAPH_CLI_NO_ANALYTICS=1
  LANGGRAPH_NO_VERSION_CHECK=true
  LANGSMITH_TRACING=false
  LANGCHAIN_TRACING_V2=false
  LANGSMITH_API_KEY=
  LANGCHAIN_API_KEY=
  LANGSMITH_CONTROL_PLANE_API_KEY=
  LANGGRAPH_CLOUD_LICENSE_KEY=
  LSD_DD_API_KEY=
  LANGGRAPH_METRICS_ENABLED=false
)

# lg_start_server NAME PORT N_JOBS [VAR=value ...]
# Starts `langgraph dev` in a temp copy of the test graph (the in-memory runtime
# writes .langgraph_api/ into its working directory). Sets LG_LAST_PID and
# LG_LAST_LOG. Extra VAR=value pairs are added to the server's environment.
lg_start_server() {
  local name="$1" port="$2" jobs="$3"
  shift 3
  local workdir
  workdir="$(mktemp -d "${TMPDIR:-/tmp}/signals-$name.XXXXXX")"
  LG_WORKDIRS+=("$workdir")
  cp "$SIGNALS_GRAPH_DIR"/*.py "$SIGNALS_GRAPH_DIR"/*.json "$workdir/"
  LG_LAST_LOG="$workdir/server.log"
  lg_server_argv "$port" "$jobs"
  (cd "$workdir" && exec env "${LG_OFFLINE_ENV[@]}" "$@" nice -n 10 "${LG_SERVER_ARGV[@]}") \
    >"$LG_LAST_LOG" 2>&1 &
  LG_LAST_PID=$!
  LG_PIDS+=("$LG_LAST_PID")
  lg_log "started $name (pid $LG_LAST_PID) on 127.0.0.1:$port, log $LG_LAST_LOG"
}

# lg_wait_ok PORT PID [TIMEOUT_S] — wait for GET /ok == 200 while PID lives.
lg_wait_ok() {
  local port="$1" pid="$2" timeout="${3:-120}" t0=$SECONDS
  while ((SECONDS - t0 < timeout)); do
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/ok")" == 200 ]]; then
      lg_log "127.0.0.1:$port /ok after $((SECONDS - t0))s"
      return 0
    fi
    sleep 0.5
  done
  return 1
}

# lg_stop_pid PID — TERM, wait up to 20 s, then KILL. Only the given PID.
lg_stop_pid() {
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.5
  done
  lg_log "pid $pid ignored TERM for 20s; sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Debian's prometheus (and promtool) on PATH: installs the package with apt-get when missing. If
# the package starts its own service on install, stops it: the callers run their own instance.
lg_ensure_prometheus() {
  if command -v prometheus >/dev/null && command -v promtool >/dev/null; then return 0; fi
  lg_log "prometheus not found; installing Debian's package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q prometheus >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q prometheus >/dev/null; } ||
    lg_die "apt-get install prometheus failed"
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]] && systemctl is-active --quiet prometheus; then
    lg_log "stopping the prometheus service the package started"
    systemctl stop prometheus
  elif [[ -x /etc/init.d/prometheus ]] && /etc/init.d/prometheus status >/dev/null 2>&1; then
    lg_log "stopping the prometheus service the package started"
    /etc/init.d/prometheus stop >/dev/null 2>&1 || true
  fi
  command -v prometheus >/dev/null || lg_die "prometheus still not on PATH after apt-get install"
}

# lg_start_prometheus CONFIG DATA_DIR PORT LOG — own Prometheus on 127.0.0.1:PORT, recorded in
# LG_PIDS; waits up to 60 s for /-/ready. Sets LG_PROM_PID.
lg_start_prometheus() {
  local config="$1" data="$2" port="$3" log="$4" i
  nice -n 10 prometheus --config.file="$config" --storage.tsdb.path="$data" --storage.tsdb.retention.time=1h \
    --web.listen-address="127.0.0.1:$port" >"$log" 2>&1 &
  LG_PROM_PID=$!
  LG_PIDS+=("$LG_PROM_PID")
  lg_log "started prometheus (pid $LG_PROM_PID) on 127.0.0.1:$port"
  for i in $(seq 1 120); do
    kill -0 "$LG_PROM_PID" 2>/dev/null || { tail -n 20 "$log" >&2; lg_die "prometheus exited"; }
    [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/-/ready")" == 200 ]] && return 0
    sleep 0.5
  done
  lg_die "prometheus not ready after 60s (log: $log)"
}

# Stops what was started, newest first (drivers, then Prometheus, then servers).
lg_cleanup() {
  local i dir
  for ((i = ${#LG_PIDS[@]} - 1; i >= 0; i--)); do lg_stop_pid "${LG_PIDS[i]}"; done
  LG_PIDS=()
  if [[ "${LG_KEEP_WORKDIRS:-0}" != 1 ]]; then
    for dir in "${LG_WORKDIRS[@]}"; do rm -rf "$dir"; done
  fi
  LG_WORKDIRS=()
}
