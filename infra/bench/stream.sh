#!/usr/bin/env bash
# Stream (TCP) proxying benchmark: an echo server directly, nginx's stream module, and the gateway's stream_listen,
# side by side on loopback, measured by stream-load/ (one small .NET tool: the echo server and the load generator).
#
#   infra/bench/stream.sh
#   ROUNDS=3 DURATION=10 TARGETS="direct nginx" infra/bench/stream.sh
#
# Two loads per target: (1) echo throughput, THROUGHPUT_CONNECTIONS connections each streaming a checked pattern
# through and reading the echo back (MB/s of echoed bytes, bounded by MAX_MB per run); (2) connection rate,
# CONNRATE_CONCURRENCY workers each connecting, sending 8 bytes, reading them back and closing (connections/s and
# each connection's p50/p99). Each target is checked to echo first (left out with a note if not), warmed up, then
# the loads run interleaved over the targets for ROUNDS rounds. The report gives the medians, the proxy's CPU
# (user + system, from /proc) per MB and per connection, the gateway/nginx and gateway/direct ratios and the
# gateway's peak RSS (VmHWM), as markdown for the README's performance section. Everything it starts is stopped on exit.
#
# Settings (environment): ROUNDS=2 DURATION=10 WARMUP=3 (seconds) THROUGHPUT_CONNECTIONS=16 CHUNK=16384 MAX_MB=65536
#   CONNRATE_CONCURRENCY=32 TARGETS="direct nginx gateway" BUILD=1 (dotnet build -c Release first; 0: the last builds)
#   NODE_ARGS="..." (extra gateway settings). nginx, its stream module (libnginx-mod-stream) and curl are installed
#   with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH="$ROOT/infra/bench"

ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
THROUGHPUT_CONNECTIONS=${THROUGHPUT_CONNECTIONS:-16}
CHUNK=${CHUNK:-16384}
MAX_MB=${MAX_MB:-65536}
CONNRATE_CONCURRENCY=${CONNRATE_CONCURRENCY:-32}
TARGETS=${TARGETS:-direct nginx gateway}
BUILD=${BUILD:-1}
NODE_ARGS=${NODE_ARGS:-}
GATEWAY_DLL="$ROOT/Gateway.Node/bin/Release/net10.0/gateway.dll"
LOAD_DLL="$BENCH/stream-load/bin/Release/net10.0/stream-load.dll"
NGINX_STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so

WORK=$(mktemp -d /tmp/gateway-stream-bench.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs"
ECHO_PID="" GATEWAY_PID=""

log() { echo "[stream-bench] $*" >&2; }

cleanup() {
  local pid
  for pid in $GATEWAY_PID $ECHO_PID; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pid=$(cat "$WORK/stream.pid" 2>/dev/null) || pid=""
  if [ -n "$pid" ]; then
    kill -QUIT "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -----------------------------------------------------------------------------------------
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
[ -f "$NGINX_STREAM_MODULE" ] || need+=(libnginx-mod-stream)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get install -y "${need[@]}" >/dev/null
fi

if [ "$BUILD" = 1 ]; then
  log "building stream-load (Release)"
  dotnet build "$BENCH/stream-load" -c Release -nologo -v quiet 2>&1 | grep -E " error " >&2 || true
  if [[ " $TARGETS " == *" gateway "* ]]; then
    log "building the gateway (Release)"
    dotnet build "$ROOT/Gateway.Node" -c Release -nologo -v quiet 2>&1 | grep -E " error " >&2 || true
  fi
fi
[ -f "$LOAD_DLL" ] || { log "$LOAD_DLL is missing (BUILD=1 builds it)"; exit 1; }

# --- ports, CPU ticks ------------------------------------------------------------------------------
# shellcheck source=local.sh
. "$BENCH/local.sh"
next_port ECHO_PORT; next_port NGINX_PORT; next_port GW_STREAM_PORT

# The tool's continuations on the epoll threads, as the node runs its own (it sets this itself).
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
load() { dotnet "$LOAD_DLL" "$@" 2>&1 || true; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; } # name < result line -> value

# --- the echo server, nginx and the gateway ------------------------------------------------------------
dotnet "$LOAD_DLL" echo --port "$ECHO_PORT" > "$WORK/logs/echo.log" 2>&1 &
ECHO_PID=$!
for _ in $(seq 100); do grep -q '^echo port=' "$WORK/logs/echo.log" && break; sleep 0.1; done
grep -q '^echo port=' "$WORK/logs/echo.log" || { log "the echo server did not start:"; cat "$WORK/logs/echo.log" >&2; exit 1; }

sed -e "s#@WORK@#$WORK#g" -e "s#@ECHO_PORT@#$ECHO_PORT#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" \
  "$BENCH/nginx/stream.conf.in" > "$WORK/stream.conf"

start_nginx() {
  nginx -p "$WORK" -c "$WORK/stream.conf" -e "$WORK/logs/nginx-startup.log" || true
  for _ in $(seq 50); do [ -s "$WORK/stream.pid" ] && return 0; sleep 0.1; done
  log "nginx did not start:"; cat "$WORK/logs/nginx-startup.log" "$WORK/stream-error.log" >&2 2>/dev/null || true
  return 1
}

admin_post() { # admin-url path body
  local code
  code=$(curl -s -o "$WORK/logs/admin-answer.json" -w '%{http_code}' -X POST "$1$2" -H 'Content-Type: application/json' -d "$3") || code=000
  [ "$code" = 201 ] || { log "gateway: POST $2 $3 answered $code: $(cat "$WORK/logs/admin-answer.json" 2>/dev/null)"; return 1; }
}

start_gateway() { # a node on SQLite in a temporary prefix; the echo service and a tcp route on its stream_listen
  [ -f "$GATEWAY_DLL" ] || { log "gateway: $GATEWAY_DLL is missing (BUILD=1 builds it)"; return 1; }
  local gw_port gw_admin gw_status gw_gui gw_cluster
  next_port gw_port; next_port gw_admin; next_port gw_status; next_port gw_gui; next_port gw_cluster
  mkdir -p "$WORK/gateway"
  # shellcheck disable=SC2086
  dotnet "$GATEWAY_DLL" start --prefix "$WORK/gateway" \
    --proxy_listen "127.0.0.1:$gw_port" --stream_listen "127.0.0.1:$GW_STREAM_PORT" \
    --admin_listen "127.0.0.1:$gw_admin" --status_listen "127.0.0.1:$gw_status" \
    --admin_gui_listen "127.0.0.1:$gw_gui" --cluster_listen "127.0.0.1:$gw_cluster" \
    --log_level warn $NODE_ARGS > "$WORK/logs/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$gw_admin/status" && break
    kill -0 "$GATEWAY_PID" 2>/dev/null || { log "gateway exited:"; tail -5 "$WORK/logs/gateway.log" >&2; GATEWAY_PID=""; return 1; }
    sleep 0.1
  done
  admin_post "http://127.0.0.1:$gw_admin" /services "{\"name\":\"echo\",\"url\":\"tcp://127.0.0.1:$ECHO_PORT\"}" || return 1
  admin_post "http://127.0.0.1:$gw_admin" /routes \
    "{\"name\":\"echo\",\"protocols\":[\"tcp\"],\"destinations\":[{\"port\":$GW_STREAM_PORT}],\"service\":{\"name\":\"echo\"}}" || return 1
}

target_port() { case $1 in direct) echo "$ECHO_PORT" ;; nginx) echo "$NGINX_PORT" ;; gateway) echo "$GW_STREAM_PORT" ;; esac; }

check_target() { # target: a few connections must echo (a fresh route may take a moment to reach the proxy)
  local result=""
  for _ in $(seq 20); do
    result=$(load connrate --target "127.0.0.1:$(target_port "$1")" --concurrency 1 --seconds 0.5)
    [ "$(field errors <<< "$result")" = 0 ] && [ "$(field connections <<< "$result")" -gt 0 ] && return 0
    sleep 0.25
  done
  echo "${result:-no result}"
  return 1
}

# The proxy's own processes, whose CPU is counted: nginx's worker, the gateway; none for direct.
target_pids() {
  case $1 in
    nginx) ps --ppid "$(cat "$WORK/stream.pid" 2>/dev/null || echo 1)" -o pid= 2>/dev/null ;;
    gateway) echo "$GATEWAY_PID" ;;
  esac
}

run_load() { # kind target seconds -> result line
  case $1 in
    throughput) load throughput --target "127.0.0.1:$(target_port "$2")" --concurrency "$THROUGHPUT_CONNECTIONS" --seconds "$3" --chunk "$CHUNK" --max-mb "$MAX_MB" ;;
    connrate) load connrate --target "127.0.0.1:$(target_port "$2")" --concurrency "$CONNRATE_CONCURRENCY" --seconds "$3" ;;
  esac
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# --- run ------------------------------------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
active=()
for target in $TARGETS; do
  case $target in
    direct) ;;
    nginx) start_nginx || { log "nginx: not started, left out"; continue; } ;;
    gateway) start_gateway || { log "gateway: not started, left out"; continue; } ;;
    *) log "unknown target '$target' (direct, nginx or gateway)"; exit 2 ;;
  esac
  if ! why=$(check_target "$target"); then
    log "$target: does not echo on 127.0.0.1:$(target_port "$target") ($why), left out"
    continue
  fi
  for kind in throughput connrate; do run_load "$kind" "$target" "$WARMUP" > /dev/null; done
  active+=("$target")
done
[ ${#active[@]} -gt 0 ] || { log "no target echoes"; exit 1; }

declare -A MBPS=() CPS=() P50=() P99=() CPU_MB=() CPU_CONN=() ERR=()
for round in $(seq "$ROUNDS"); do
  for kind in throughput connrate; do
    for target in "${active[@]}"; do
      pids=$(target_pids "$target" | tr '\n' ' ')
      # shellcheck disable=SC2086
      before=$(cpu_ticks $pids)
      result=$(run_load "$kind" "$target" "$DURATION")
      # shellcheck disable=SC2086
      after=$(cpu_ticks $pids)
      errors=$(field errors <<< "$result"); errors=${errors:--1}
      [ "$errors" = 0 ] || log "round $round $target $kind: ${result:-no result}"
      ERR[$target]=$(( ${ERR[$target]:-0} + errors ))
      if [ "$kind" = throughput ]; then
        mbps=$(field mb_per_s <<< "$result")
        cpu=$(awk -v t=$((after - before)) -v b="$(field bytes <<< "$result")" -v hz="$CLK_TCK" 'BEGIN { if (b > 0) printf "%.1f", t / hz * 1e6 / (b / 1e6); else print 0 }')
        MBPS[$target]+=" ${mbps:-0}"; CPU_MB[$target]+=" $cpu"
        log "round $round $target throughput: ${mbps:-0} MB/s, CPU ${cpu} us/MB, errors $errors"
      else
        cps=$(field conn_per_s <<< "$result"); p50=$(field p50_ms <<< "$result"); p99=$(field p99_ms <<< "$result")
        cpu=$(awk -v t=$((after - before)) -v n="$(field connections <<< "$result")" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print 0 }')
        CPS[$target]+=" ${cps:-0}"; P50[$target]+=" ${p50:-0}"; P99[$target]+=" ${p99:-0}"; CPU_CONN[$target]+=" $cpu"
        log "round $round $target connrate: ${cps:-0} connections/s, p50 ${p50:-0} ms, p99 ${p99:-0} ms, CPU ${cpu} us/connection, errors $errors"
      fi
    done
  done
done

RSS=""
[ -z "$GATEWAY_PID" ] || [ ! -r "/proc/$GATEWAY_PID/status" ] || RSS=$(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$GATEWAY_PID/status")

MACHINE="$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
cpu_cell() { if [ "$1" = direct ]; then echo "-"; else median | awk '{ printf "%.1f", $1 }'; fi; }
{
  echo "Stream proxying benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $MACHINE, $(uname -sr); load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after"
  echo "stream-load on loopback: throughput $THROUGHPUT_CONNECTIONS connections x $CHUNK-byte writes, connection rate $CONNRATE_CONCURRENCY workers x 8 bytes;"
  echo "$ROUNDS interleaved rounds of ${DURATION}s (after a ${WARMUP}s warm-up), medians; nginx $(nginx -v 2>&1 | sed 's#.*/##') stream module, 1 worker; CPU is the proxy's own"
  echo
  echo "| target | echo MB/s | CPU us/MB | connections/s | connection p50 ms | p99 ms | CPU us/connection | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for target in "${active[@]}"; do
    echo "| $target | $(echo "${MBPS[$target]}" | median | awk '{ printf "%.0f", $1 }') | $(echo "${CPU_MB[$target]}" | cpu_cell "$target") | $(echo "${CPS[$target]}" | median | awk '{ printf "%.0f", $1 }') | $(echo "${P50[$target]}" | median) | $(echo "${P99[$target]}" | median) | $(echo "${CPU_CONN[$target]}" | cpu_cell "$target") | ${ERR[$target]} |"
  done
  echo
  if [ -n "${MBPS[gateway]:-}" ]; then
    g=$(echo "${MBPS[gateway]}" | median); gc=$(echo "${CPS[gateway]}" | median)
    [ -z "${MBPS[nginx]:-}" ] || echo "gateway/nginx: MB/s $(ratio "$g" "$(echo "${MBPS[nginx]}" | median)"), connections/s $(ratio "$gc" "$(echo "${CPS[nginx]}" | median)"), CPU/MB $(ratio "$(echo "${CPU_MB[gateway]}" | median)" "$(echo "${CPU_MB[nginx]}" | median)"), CPU/connection $(ratio "$(echo "${CPU_CONN[gateway]}" | median)" "$(echo "${CPU_CONN[nginx]}" | median)")  "
    [ -z "${MBPS[direct]:-}" ] || echo "gateway/direct: MB/s $(ratio "$g" "$(echo "${MBPS[direct]}" | median)"), connections/s $(ratio "$gc" "$(echo "${CPS[direct]}" | median)")  "
    [ -z "$RSS" ] || echo "gateway peak RSS: $RSS  "
  else
    echo "(the gateway was left out: see the log above)"
  fi
  if [ -n "${MBPS[nginx]:-}" ] && [ -n "${MBPS[direct]:-}" ]; then
    echo "nginx/direct: MB/s $(ratio "$(echo "${MBPS[nginx]}" | median)" "$(echo "${MBPS[direct]}" | median)"), connections/s $(ratio "$(echo "${CPS[nginx]}" | median)" "$(echo "${CPS[direct]}" | median)")  "
  fi
}
