#!/usr/bin/env bash
# Hostile-regex benchmark (issue 21, item 2): 20 hostile regex routes, 4 clients sending requests that hit them,
# and one client on a normal route whose latency (p50, p99) is what this measures.
#
#   infra/bench/hostile-regex.sh
#   GATEWAY2_DLL=/path/to/other/build/gateway.dll infra/bench/hostile-regex.sh   # the same load against another build
#
# Each build is a node with database = off and one declarative file (the same for every build): a service on an
# nginx backend, the route /normal, and two sets of 20 hostile routes:
#   lookahead: ~/b(?=b)(b+)+$, the issue's route, hit with /bbb...b! (30 b's): on the backtracking engine each route
#              takes its 50 ms match timeout. The Admin API now refuses it; in a file read at start-up it stays
#              readable and never matches.
#   nested:    ~/c(c+)+$, which every build accepts, hit with /ccc...c! (4,000 c's): exponential for a
#              backtracking engine, linear for the non-backtracking one.
# Per build and per case (quiet, lookahead, nested): the 4 hostile clients (wrk -c4) start, then the normal client
# (wrk -c1 --latency) runs for DURATION; then both stop. Builds run one after the other, never at once.
#
# Settings (environment): DURATION=10s HOSTILE_CLIENTS=4  BUILD=1 (dotnet build -c Release first; 0 to use the
#   last build)  GATEWAY2_DLL (a second build's gateway.dll, measured after the first; e.g. a copy of
#   Gateway.Node/bin/Release/net10.0 made before a change)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10s}
HOSTILE_CLIENTS=${HOSTILE_CLIENTS:-4}
GATEWAY2_DLL=${GATEWAY2_DLL:-}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
log() { echo "[hostile-regex] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

cleanup() {
  cluster_cleanup
  [ ! -s "$WORK/backend.pid" ] || kill -QUIT "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || apt-get install -y wrk nginx >/dev/null

# --- the backend: proxy.sh's nginx backend ------------------------------------------------------------
BACKEND_PORT=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=localhost" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
sed -e "s#@WORK@#$WORK#g" -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@BACKEND_TLS_PORT@#$(free_port)#g" \
  infra/bench/nginx/backend.conf.in > "$WORK/backend.conf"
mkdir -p "$WORK/logs"
nginx -p "$WORK" -c "$WORK/backend.conf" -e "$WORK/logs/backend-startup.log"

# --- the config -------------------------------------------------------------------------------------
{
  echo '_format_version: "3.0"'
  echo 'services:'
  echo '- name: bench'
  echo "  url: http://127.0.0.1:$BACKEND_PORT"
  echo '  routes:'
  echo '  - name: normal'
  echo '    paths: [/normal]'
  for i in $(seq 0 19); do
    echo "  - name: lookahead-$i"
    echo "    paths: ['~/b(?=b)(b+)+\$']"
    echo "  - name: nested-$i"
    echo "    paths: ['~/c(c+)+\$']"
  done
} > "$WORK/kong.yml"
LOOKAHEAD_PATH="/$(printf 'b%.0s' $(seq 30))!"
NESTED_PATH="/$(printf 'c%.0s' $(seq 4000))!"

build_gateway
BUILDS=("this build|${GATEWAY[*]}")
[ -z "$GATEWAY2_DLL" ] || BUILDS+=("GATEWAY2_DLL|dotnet $GATEWAY2_DLL")

start_node() { # command... -> PROXY_PORT; the node runs until cluster_cleanup or stop_node
  PROXY_PORT=$(free_port)
  local admin status
  admin=$(free_port); status=$(free_port)
  mkdir -p "$WORK/prefix-$PROXY_PORT"
  "$@" start --prefix "$WORK/prefix-$PROXY_PORT" --database off --declarative_config "$WORK/kong.yml" \
    --proxy_listen "127.0.0.1:$PROXY_PORT" --admin_listen "127.0.0.1:$admin" --status_listen "127.0.0.1:$status" \
    --admin_gui_listen "127.0.0.1:$(free_port)" --cluster_listen "127.0.0.1:$(free_port)" \
    --log_level warn >"$WORK/logs/node-$PROXY_PORT.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$PROXY_PORT/normal")" = 200 ] && return 0
    sleep 0.1
  done
  log "the node did not serve /normal:"; tail -20 "$WORK/logs/node-$PROXY_PORT.log" >&2; exit 1
}

stop_node() {
  local pid=${CLUSTER_PIDS[-1]}
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'CLUSTER_PIDS[-1]'
}

wrk_field() { # wrk-output field -> the value in ms (latency percentiles), per second (rate) or count
  python3 - "$1" "$2" <<'PY'
import re, sys
text, field = open(sys.argv[1]).read(), sys.argv[2]
units = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
if field in ("50%", "99%"):
    m = re.search(r"^\s*" + re.escape(field) + r"\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    print(f"{float(m.group(1)) * units[m.group(2)]:.2f}" if m else "n/a")
elif field == "rate":
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    print(f"{float(m.group(1)):.1f}" if m else "0")
else:
    m = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", text, re.M)
    print(m.group(1) if m else "0")
PY
}

measure() { # hostile-path-or-empty label -> one table row
  local hostile_pid="" base="127.0.0.1:$PROXY_PORT" seconds=${DURATION%s}
  if [ -n "$1" ]; then
    wrk -t1 -c"$HOSTILE_CLIENTS" -d"$((seconds + 2))s" --timeout 30s "http://$base$1" >"$WORK/hostile.out" 2>&1 &
    hostile_pid=$!
    sleep 1
  fi
  wrk -t1 -c1 -d"$DURATION" --latency --timeout 30s "http://$base/normal" >"$WORK/normal.out" 2>&1 || true
  local hostile_rate=- hostile_status=-
  if [ -n "$hostile_pid" ]; then
    wait "$hostile_pid" || true
    hostile_rate=$(wrk_field "$WORK/hostile.out" rate)
    hostile_status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "http://$base$1" || echo 000)
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$BUILD_NAME" "$2" \
    "$(wrk_field "$WORK/normal.out" 50%)" "$(wrk_field "$WORK/normal.out" 99%)" "$(wrk_field "$WORK/normal.out" rate)" \
    "$hostile_rate" "$hostile_status"
}

echo "Hostile-regex benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "20 hostile routes per case, $HOSTILE_CLIENTS hostile clients, one normal client for $DURATION"
echo
echo "| build | hostile load | normal p50 ms | normal p99 ms | normal req/s | hostile req/s | hostile answer |"
echo "|---|---|---:|---:|---:|---:|---:|"
for entry in "${BUILDS[@]}"; do
  BUILD_NAME=${entry%%|*}
  # shellcheck disable=SC2206
  command=(${entry#*|})
  log "$BUILD_NAME: starting"
  start_node "${command[@]}"
  wrk -t1 -c1 -d3s "http://127.0.0.1:$PROXY_PORT/normal" >/dev/null 2>&1 || true
  measure "" "none"
  measure "$LOOKAHEAD_PATH" "lookahead ~/b(?=b)(b+)+\$"
  measure "$NESTED_PATH" "nested ~/c(c+)+\$, 4,000-char path"
  stop_node
done
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
