#!/usr/bin/env bash
# Proxy benchmark: the backend directly, nginx proxy_pass, and the gateway, side by side on loopback.
#
#   infra/bench/proxy.sh [a] [b] [c] [d] [e]    (default: a b c d e)
#
# Scenarios: (a) one route, no plugins; (b) 1,000 routes mixing hosts, prefixes and regex paths, the
# load spread over 60 of them; (c) HTTPS (TLS terminated by each proxy, plain HTTP to the backend);
# (d) one route with key-auth and rate-limiting (local policy, a limit never reached), every request
# carrying the consumer's key (nginx and direct get the header too and ignore it); (e) one route with the
# opentelemetry plugin at sampling_rate 1.0 and tracing_instrumentations all, every span exported to the backend
# nginx (which answers 200 and discards); compare its CPU per request with (a)'s.
# For each scenario it starts a backend (nginx, fixed small body, keep-alive), nginx as a reverse
# proxy (one worker, upstream keep-alive), the stack's floor (yarp-floor/: Kestrel and YARP's forwarder with
# the node's runtime settings and no features; plain HTTP only, so not in (c)) and the gateway (Release build,
# temporary prefix, free ports, routes made through the Admin API with curl), then runs wrk against them, interleaved,
# for ROUNDS rounds, and prints the medians of RPS, p50 and p99 with the gateway/nginx and
# gateway/direct ratios, and the gateway's peak RSS. Everything it starts is stopped on exit.
#
# Settings (environment): ROUNDS=3 DURATION=10s WARMUP=10s (the JIT tiers hot code up in the first seconds) CONNECTIONS=32 THREADS=1
#   TARGETS="direct nginx yarp gateway"  BUILD=1 (dotnet build -c Release first; 0 to use the last build)
#   NODE_ARGS="..." (extra gateway settings, e.g. "--log_level notice"; not GATEWAY_*, which the gateway reads as settings)
#   A/B in one run: add "gateway2" to TARGETS, a second gateway started with GATEWAY2_ENV="VAR=value ..."
#   in its environment and GATEWAY2_DLL (default: the same build; point it at a copy of another build)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH="$ROOT/infra/bench"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
TARGETS=${TARGETS:-direct nginx yarp gateway}
BUILD=${BUILD:-1}
NODE_ARGS=${NODE_ARGS:-}
GATEWAY_DLL="$ROOT/Gateway.Node/bin/Release/net10.0/gateway.dll"
GATEWAY2_DLL=${GATEWAY2_DLL:-$GATEWAY_DLL}
GATEWAY2_ENV=${GATEWAY2_ENV:-}
FLOOR_DLL="$ROOT/infra/bench/yarp-floor/bin/Release/net10.0/yarp-floor.dll"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(a b c d e)
BENCH_KEY=bench-key

WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs"
declare -A GATEWAY_PIDS=() GW_PORT=() GW_TLS_PORT=()
FLOOR_PID=""

log() { echo "[bench] $*" >&2; }

stop_nginx() {
  local pidfile=$1 pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 0
  [ -n "$pid" ] || return 0
  kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}

stop_gateway() {
  local name
  for name in "${!GATEWAY_PIDS[@]}"; do
    kill -TERM "${GATEWAY_PIDS[$name]}" 2>/dev/null || true
    wait "${GATEWAY_PIDS[$name]}" 2>/dev/null || true
    unset "GATEWAY_PIDS[$name]"
  done
}

stop_floor() {
  [ -n "$FLOOR_PID" ] || return 0
  kill -TERM "$FLOOR_PID" 2>/dev/null || true
  wait "$FLOOR_PID" 2>/dev/null || true
  FLOOR_PID=""
}

cleanup() {
  stop_floor
  stop_gateway
  stop_nginx "$WORK/proxy.pid"
  stop_nginx "$WORK/backend.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -----------------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get install -y "${need[@]}" >/dev/null
fi

# --- ports, CPU ticks ------------------------------------------------------------------------------
# shellcheck source=local.sh
. "$BENCH/local.sh"
next_port BACKEND_PORT; next_port BACKEND_TLS_PORT; next_port NGINX_PORT; next_port NGINX_TLS_PORT; next_port FLOOR_PORT

# One ECDSA P-256 certificate for the backend and nginx, the same key type as the gateway's default one.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

render() { # template output [ROUTES-file HOST_SERVERS-file]
  sed -e "s#@WORK@#$WORK#g" -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@BACKEND_TLS_PORT@#$BACKEND_TLS_PORT#g" \
      -e "s#@NGINX_PORT@#$NGINX_PORT#g" -e "s#@NGINX_TLS_PORT@#$NGINX_TLS_PORT#g" "$1" > "$2.tmp"
  if [ $# -gt 2 ]; then
    awk -v routes="$3" -v servers="$4" '
      /^@ROUTES@$/ { while ((getline line < routes) > 0) print line; next }
      /^@HOST_SERVERS@$/ { while ((getline line < servers) > 0) print line; next }
      { print }' "$2.tmp" > "$2"
    rm -f "$2.tmp"
  else
    mv "$2.tmp" "$2"
  fi
}

start_nginx() { # name conf
  nginx -p "$WORK" -c "$2" -e "$WORK/logs/$1-startup.log"
  for _ in $(seq 50); do [ -s "$WORK/$1.pid" ] && return; sleep 0.1; done
  log "nginx ($1) did not start"; cat "$WORK/logs/$1-startup.log" "$WORK/$1-error.log" >&2 2>/dev/null || true; exit 1
}

# --- routes of each scenario ----------------------------------------------------------------------
ROUTE_COUNT=1000
route_kind() { echo $(( $1 % 3 )); } # 0 host, 1 prefix, 2 regex

write_routes() { # scenario -> $WORK/routes.nginx, $WORK/servers.nginx, $WORK/requests.txt
  : > "$WORK/routes.nginx"; : > "$WORK/servers.nginx"; : > "$WORK/requests.txt"
  if [ "$1" != b ]; then
    echo "    location / { proxy_pass http://backend; }" > "$WORK/routes.nginx"
    return
  fi
  local i
  for ((i = 0; i < ROUTE_COUNT; i++)); do
    case $(route_kind $i) in
      0) printf '  server {\n    listen 127.0.0.1:%s;\n    server_name host-%d.bench.test;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location / { proxy_pass http://backend; }\n  }\n' "$NGINX_PORT" "$i" >> "$WORK/servers.nginx" ;;
      1) echo "    location /prefix-$i/ { proxy_pass http://backend; }" >> "$WORK/routes.nginx" ;;
      2) echo "    location ~ ^/regex-$i/[0-9]+\$ { proxy_pass http://backend; }" >> "$WORK/routes.nginx" ;;
    esac
  done
  # 60 requests spread over the whole table, all three kinds.
  for ((i = 7; i < ROUTE_COUNT; i += 16)); do
    case $(route_kind $i) in
      0) echo "/item host-$i.bench.test" ;;
      1) echo "/prefix-$i/item -" ;;
      2) echo "/regex-$i/12345 -" ;;
    esac
  done >> "$WORK/requests.txt"
}

gateway_routes() { # scenario admin-port: one service to the backend, then the scenario's routes
  local admin="http://127.0.0.1:$2" config="$WORK/routes.curl" i body
  curl -sf -o /dev/null -X POST "$admin/services" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench\",\"url\":\"http://127.0.0.1:$BACKEND_PORT\"}"
  if [ "$1" != b ]; then
    curl -sf -o /dev/null -X POST "$admin/services/bench/routes" -H 'Content-Type: application/json' -d '{"name":"root","paths":["/"]}'
    [ "$1" != d ] || gateway_plugins_d "$admin"
    [ "$1" != e ] || gateway_plugins_e "$admin"
    return
  fi
  : > "$config"
  for ((i = 0; i < ROUTE_COUNT; i++)); do
    case $(route_kind $i) in
      0) body="{\"name\":\"r$i\",\"hosts\":[\"host-$i.bench.test\"]}" ;;
      1) body="{\"name\":\"r$i\",\"paths\":[\"/prefix-$i/\"]}" ;;
      2) body="{\"name\":\"r$i\",\"paths\":[\"~/regex-$i/[0-9]+\$\"]}" ;;
    esac
    [ $i -eq 0 ] || echo "next" >> "$config"
    printf 'url = "%s/services/bench/routes"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
      "$admin" "${body//\"/\\\"}" >> "$config"
  done
  local failed
  failed=$(curl -s -K "$config" | grep -vc '^201$' || true)
  [ "$failed" -eq 0 ] || { log "gateway: $failed of $ROUTE_COUNT routes were refused"; exit 1; }
}

gateway_plugins_d() { # admin-url: a consumer with a key, key-auth and rate-limiting (local) on the route
  local path body path_body
  for path_body in \
    "/consumers|{\"username\":\"bench\"}" \
    "/consumers/bench/key-auth|{\"key\":\"$BENCH_KEY\"}" \
    "/routes/root/plugins|{\"name\":\"key-auth\"}" \
    "/routes/root/plugins|{\"name\":\"rate-limiting\",\"config\":{\"minute\":1000000000,\"policy\":\"local\"}}"; do
    path=${path_body%%|*}; body=${path_body#*|}
    curl -sf -o /dev/null -X POST "$1$path" -H 'Content-Type: application/json' -d "$body" \
      || { log "gateway: POST $path $body was refused (is key-auth in this build?)"; return 1; }
  done
}

gateway_plugins_e() { # admin-url: opentelemetry on the route, every trace sampled, spans to the backend (which discards them)
  local body="{\"name\":\"opentelemetry\",\"config\":{\"traces_endpoint\":\"http://127.0.0.1:$BACKEND_PORT/v1/traces\",\"sampling_rate\":1,\"http_response_header_for_traceid\":\"X-Trace-Id\"}}"
  curl -sf -o /dev/null -X POST "$1/routes/root/plugins" -H 'Content-Type: application/json' -d "$body" \
    || { log "gateway: the opentelemetry plugin was refused (is it in this build?)"; return 1; }
}

start_gateway() { # scenario name (gateway or gateway2)
  local name=${2:-gateway} dll=$GATEWAY_DLL env=()
  if [ "$name" = gateway2 ]; then
    dll=$GATEWAY2_DLL
    # shellcheck disable=SC2206
    env=($GATEWAY2_ENV)
  fi
  [ -f "$dll" ] || { log "$name: $dll is missing (BUILD=1 builds it)"; return 1; }
  local gw_port gw_tls gw_admin gw_status gw_gui gw_cluster
  next_port gw_port; next_port gw_tls; next_port gw_admin; next_port gw_status; next_port gw_gui; next_port gw_cluster
  GW_PORT[$name]=$gw_port; GW_TLS_PORT[$name]=$gw_tls
  local prefix="$WORK/$name-$1" scenario_args=()
  mkdir -p "$prefix"
  [ "$1" != e ] || scenario_args=(--tracing_instrumentations all)
  # shellcheck disable=SC2086
  env "${env[@]}" dotnet "$dll" start --prefix "$prefix" \
    --proxy_listen "127.0.0.1:$gw_port, 127.0.0.1:$gw_tls http2 ssl" \
    --admin_listen "127.0.0.1:$gw_admin" --status_listen "127.0.0.1:$gw_status" \
    --admin_gui_listen "127.0.0.1:$gw_gui" --cluster_listen "127.0.0.1:$gw_cluster" \
    --log_level warn "${scenario_args[@]}" $NODE_ARGS > "$WORK/logs/$name-$1.log" 2>&1 &
  GATEWAY_PIDS[$name]=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$gw_admin/status" && break
    kill -0 "${GATEWAY_PIDS[$name]}" 2>/dev/null || { log "$name exited:"; tail -20 "$WORK/logs/$name-$1.log" >&2; unset "GATEWAY_PIDS[$name]"; return 1; }
    sleep 0.1
  done
  gateway_routes "$1" "$gw_admin" || return 1
  if [ "$1" = d ]; then
    # Without a key the gateway must refuse: otherwise key-auth does not run in this build.
    local code=000
    for _ in $(seq 50); do
      code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gw_port/") || code=000
      [ "$code" = 401 ] && break
      sleep 0.1
    done
    [ "$code" = 401 ] || { log "$name: a request without a key answered $code, not 401 (key-auth not running)"; return 1; }
  fi
  if [ "$1" = e ]; then
    # A traced request names its trace: otherwise the plugin does not run in this build.
    local traced=""
    for _ in $(seq 50); do
      traced=$(curl -s -D - -o /dev/null "http://127.0.0.1:$gw_port/" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-trace-id" { print $2 }')
      [ -n "$traced" ] && break
      sleep 0.1
    done
    [ -n "$traced" ] || { log "$name: no X-Trace-Id on the answer (opentelemetry not running)"; return 1; }
  fi
}

start_floor() { # scenario: the stack's floor, forwarding every request to the backend
  [ "$1" != c ] || { log "yarp: plain HTTP only, not in (c)"; return 1; }
  [ -f "$FLOOR_DLL" ] || { log "yarp: $FLOOR_DLL is missing (BUILD=1 builds it)"; return 1; }
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet "$FLOOR_DLL" "$FLOOR_PORT" "http://127.0.0.1:$BACKEND_PORT" > "$WORK/logs/yarp-$1.log" 2>&1 &
  FLOOR_PID=$!
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$FLOOR_PORT/" && return 0
    kill -0 "$FLOOR_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "yarp did not start:"; tail -5 "$WORK/logs/yarp-$1.log" >&2; FLOOR_PID=""; return 1
}

# --- wrk ------------------------------------------------------------------------------------------
to_ms() { # 1.23ms | 456.00us | 1.02s -> milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

url_of() { # target scenario -> URL
  local port scheme=http
  case $1 in
    direct) port=$BACKEND_PORT; [ "$2" != c ] || port=$BACKEND_TLS_PORT ;;
    nginx) port=$NGINX_PORT; [ "$2" != c ] || port=$NGINX_TLS_PORT ;;
    gateway|gateway2) port=${GW_PORT[$1]}; [ "$2" != c ] || port=${GW_TLS_PORT[$1]} ;;
    yarp) port=$FLOOR_PORT ;;
  esac
  [ "$2" != c ] || scheme=https
  echo "$scheme://127.0.0.1:$port"
}

check_target() { # url scenario: every request the scenario sends must answer 200
  local line path host code
  if [ "$2" != b ]; then
    code=$(curl -sk -o /dev/null -w '%{http_code}' -H "apikey: $BENCH_KEY" "$1/") || code=000
    [ "$code" = 200 ] || { echo "$code"; return 1; }
    return 0
  fi
  while read -r path host; do
    if [ "$host" = - ]; then code=$(curl -sk -o /dev/null -w '%{http_code}' "$1$path") || code=000
    else code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Host: $host" "$1$path") || code=000; fi
    [ "$code" = 200 ] || { echo "$code on $path ($host)"; return 1; }
  done < "$WORK/requests.txt"
}

run_wrk() { # url scenario duration -> "rps p50 p99 errors requests"
  local out="$WORK/wrk.out" script=()
  [ "$2" != b ] || script=(-s "$BENCH/requests.lua")
  [ "$2" != d ] || script=(-H "apikey: $BENCH_KEY")
  WRK_REQUESTS="$WORK/requests.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency "${script[@]}" "$1/" > "$out" 2>&1 || true
  local rps p50 p99 non2xx sockerr requests
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sockerr=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")
  requests=$(awk '/requests in/ { print $1 }' "$out")
  if [ -z "$rps" ] || [ -z "$p99" ]; then log "wrk failed:"; cat "$out" >&2; echo "0 0 0 -1 0"; return; fi
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") $(( ${non2xx:-0} + ${sockerr:-0} )) ${requests:-0}"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

# CPU a target's own processes spent (clock ticks, user + system): the backend's or proxy's nginx workers,
# or the gateway. On a machine shared with wrk (and anything else), CPU per request is steadier than RPS.
target_pids() { # target
  case $1 in
    direct) ps --ppid "$(cat "$WORK/backend.pid" 2>/dev/null || echo 1)" -o pid= 2>/dev/null ;;
    nginx) ps --ppid "$(cat "$WORK/proxy.pid" 2>/dev/null || echo 1)" -o pid= 2>/dev/null ;;
    gateway|gateway2) echo "${GATEWAY_PIDS[$1]:-}" ;;
    yarp) echo "$FLOOR_PID" ;;
  esac
}

# --- run ------------------------------------------------------------------------------------------
if [ "$BUILD" = 1 ] && [[ " $TARGETS " == *" gateway "* ]]; then
  log "building the gateway (Release)"
  dotnet build "$ROOT/Gateway.Node" -c Release 2>&1 | grep -E " error |Build succeeded" >&2 || true
fi
if [ "$BUILD" = 1 ] && [[ " $TARGETS " == *" yarp "* ]]; then
  log "building yarp-floor (Release)"
  dotnet build "$BENCH/yarp-floor" -c Release 2>&1 | grep -E " error |Build succeeded" >&2 || true
fi

render "$BENCH/nginx/backend.conf.in" "$WORK/backend.conf"
start_nginx backend "$WORK/backend.conf"

MACHINE="$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
REPORT="$WORK/report.md"
{
  echo "Proxy benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $MACHINE, $(uname -sr)"
  echo "wrk -t$THREADS -c$CONNECTIONS, $ROUNDS interleaved rounds of $DURATION (after a $WARMUP warm-up), medians; nginx $(nginx -v 2>&1 | sed 's#.*/##'), 1 worker"
  [[ " $TARGETS " != *" gateway2 "* ]] || echo "gateway2: $GATEWAY2_DLL with ${GATEWAY2_ENV:-no extra environment}  "
  echo
} > "$REPORT"

declare -A TITLE=([a]="(a) one route, no plugins" [b]="(b) 1,000 routes: hosts, prefixes, regex" [c]="(c) HTTPS, one route"
  [d]="(d) one route, key-auth + rate-limiting (local)" [e]="(e) one route, opentelemetry (every request traced and exported)")
[ -z "$GATEWAY2_ENV" ] || log "gateway2 environment: $GATEWAY2_ENV"
for scenario in "${SCENARIOS[@]}"; do
  [ -n "${TITLE[$scenario]:-}" ] || { log "unknown scenario '$scenario' (a, b, c, d or e)"; exit 2; }
  log "scenario ${TITLE[$scenario]}"
  write_routes "$scenario"
  render "$BENCH/nginx/proxy.conf.in" "$WORK/proxy.conf" "$WORK/routes.nginx" "$WORK/servers.nginx"
  start_nginx proxy "$WORK/proxy.conf"

  active=()
  for target in $TARGETS; do
    if [[ $target == gateway* ]] && ! start_gateway "$scenario" "$target"; then
      log "$target: not started, left out"
      continue
    fi
    if [ "$target" = yarp ] && ! start_floor "$scenario"; then
      log "yarp: not started, left out"
      continue
    fi
    url=$(url_of "$target" "$scenario")
    if ! why=$(check_target "$url" "$scenario"); then
      log "$target: answers $why instead of 200 at $url, left out"
      continue
    fi
    run_wrk "$url" "$scenario" "$WARMUP" > /dev/null
    active+=("$target")
  done

  declare -A RPS=() P50=() P99=() CPU=() ERR=()
  for round in $(seq "$ROUNDS"); do
    for target in "${active[@]}"; do
      pids=$(target_pids "$target" | tr '\n' ' ')
      # shellcheck disable=SC2086
      before=$(cpu_ticks $pids)
      read -r rps p50 p99 errors requests < <(run_wrk "$(url_of "$target" "$scenario")" "$scenario" "$DURATION")
      # shellcheck disable=SC2086
      after=$(cpu_ticks $pids)
      cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print 0 }')
      log "round $round $target: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, errors $errors, CPU ${cpu} us/request"
      RPS[$target]+=" $rps"; P50[$target]+=" $p50"; P99[$target]+=" $p99"; CPU[$target]+=" $cpu"; ERR[$target]=$(( ${ERR[$target]:-0} + errors ))
    done
  done

  declare -A RSS=()
  for target in "${!GATEWAY_PIDS[@]}"; do
    [ -r "/proc/${GATEWAY_PIDS[$target]}/status" ] || continue
    RSS[$target]=$(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/${GATEWAY_PIDS[$target]}/status")
  done

  {
    echo "### ${TITLE[$scenario]}"
    echo
    echo "| target | requests/s | p50 ms | p99 ms | CPU us/request | errors |"
    echo "|---|---:|---:|---:|---:|---:|"
    for target in "${active[@]}"; do
      echo "| $target | $(echo "${RPS[$target]}" | median | awk '{ printf "%.0f", $1 }') | $(echo "${P50[$target]}" | median) | $(echo "${P99[$target]}" | median) | $(echo "${CPU[$target]}" | median) | ${ERR[$target]} |"
    done
    echo
    shown=0
    for target in yarp gateway gateway2; do
      [ -n "${RPS[$target]:-}" ] || continue
      shown=1
      g=$(echo "${RPS[$target]}" | median); g99=$(echo "${P99[$target]}" | median)
      [ -z "${RPS[nginx]:-}" ] || echo "$target/nginx: RPS $(ratio "$g" "$(echo "${RPS[nginx]}" | median)"), p99 $(ratio "$g99" "$(echo "${P99[nginx]}" | median)"), CPU/request $(ratio "$(echo "${CPU[$target]}" | median)" "$(echo "${CPU[nginx]}" | median)")  "
      [ "$target" = yarp ] || [ -z "${RPS[yarp]:-}" ] || echo "$target/yarp: RPS $(ratio "$g" "$(echo "${RPS[yarp]}" | median)"), CPU/request $(ratio "$(echo "${CPU[$target]}" | median)" "$(echo "${CPU[yarp]}" | median)")  "
      [ -z "${RPS[direct]:-}" ] || echo "$target/direct: RPS $(ratio "$g" "$(echo "${RPS[direct]}" | median)"), p99 $(ratio "$g99" "$(echo "${P99[direct]}" | median)")  "
      [ -z "${RSS[$target]:-}" ] || echo "$target peak RSS: ${RSS[$target]}  "
    done
    [ "$shown" = 1 ] || echo "(the proxies were left out: see the log above)"
    echo
  } >> "$REPORT"
  unset RPS P50 P99 CPU ERR RSS

  stop_gateway
  stop_floor
  stop_nginx "$WORK/proxy.pid"
done

cat "$REPORT"
