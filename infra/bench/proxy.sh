#!/usr/bin/env bash
# Proxy benchmark: the backend directly, nginx, HAProxy and Caddy as reverse proxies, the stack's floor and the
# gateway, side by side on loopback.
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
# proxy (one worker, upstream keep-alive), HAProxy and Caddy (peers/: one thread each, upstream keep-alive, no
# logging), the stack's floor (yarp-floor/: Kestrel and YARP's forwarder with
# the node's runtime settings and no features; plain HTTP only, so not in (c)) and the gateway (Release build,
# temporary prefix, free ports, routes made through the Admin API with curl), then runs wrk against them, interleaved,
# for ROUNDS rounds, and prints the medians of RPS, p50 and p99 with the ratios of the gateway (and the floor) to
# each peer, and the gateway's peak RSS. With OPEN_LOOP=1, scenarios (a) and (d) then run open-loop/ (a fixed rate,
# half of nginx's measured maximum, latency from each request's intended send time) against every target, ROUNDS
# rounds interleaved, and print p50/p99/p99.9. Everything it starts is stopped on exit.
#
# Settings (environment): ROUNDS=3 DURATION=10s WARMUP=10s (the JIT tiers hot code up in the first seconds) CONNECTIONS=32 THREADS=1
#   TARGETS="direct nginx haproxy caddy yarp gateway"  BUILD=1 (dotnet build -c Release first; 0 to use the last build)
#   NODE_ARGS="..." (extra gateway settings, e.g. "--log_level notice"; not GATEWAY_*, which the gateway reads as settings)
#   A/B in one run: add "gateway2" to TARGETS, a second gateway started with GATEWAY2_ENV="VAR=value ..."
#   in its environment and GATEWAY2_DLL (default: the same build; point it at a copy of another build)
#   OPEN_LOOP=0 (1: the open-loop run) OPEN_LOOP_SCENARIOS="a d" OPEN_LOOP_FRACTION=0.5 (of nginx's median RPS)
#   OPEN_LOOP_RATE (a fixed rate instead, requests/s) OPEN_LOOP_CONNECTIONS=$CONNECTIONS
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BENCH="$ROOT/infra/bench"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
TARGETS=${TARGETS:-direct nginx haproxy caddy yarp gateway}
BUILD=${BUILD:-1}
NODE_ARGS=${NODE_ARGS:-}
GATEWAY_DLL="$ROOT/Gateway.Node/bin/Release/net10.0/gateway.dll"
GATEWAY2_DLL=${GATEWAY2_DLL:-$GATEWAY_DLL}
GATEWAY2_ENV=${GATEWAY2_ENV:-}
FLOOR_DLL="$ROOT/infra/bench/yarp-floor/bin/Release/net10.0/yarp-floor.dll"
OPEN_LOOP=${OPEN_LOOP:-0}
OPEN_LOOP_SCENARIOS=${OPEN_LOOP_SCENARIOS:-a d}
OPEN_LOOP_FRACTION=${OPEN_LOOP_FRACTION:-0.5}
OPEN_LOOP_RATE=${OPEN_LOOP_RATE:-}
OPEN_LOOP_CONNECTIONS=${OPEN_LOOP_CONNECTIONS:-$CONNECTIONS}
OPEN_LOOP_DLL="$ROOT/infra/bench/open-loop/bin/Release/net10.0/open-loop.dll"
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(a b c d e)
BENCH_KEY=bench-key

WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs"
declare -A GATEWAY_PIDS=() GW_PORT=() GW_TLS_PORT=()
FLOOR_PID="" HAPROXY_PID="" CADDY_PID=""

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

stop_pid() { # variable holding a pid
  local pid=${!1}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf -v "$1" '%s' ""
}

stop_peers() {
  stop_pid HAPROXY_PID
  stop_pid CADDY_PID
  stop_nginx "$WORK/proxy.pid"
}

cleanup() {
  stop_floor
  stop_peers
  stop_gateway
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
[[ " $TARGETS " != *" haproxy "* ]] || command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
[[ " $TARGETS " != *" caddy "* ]] || command -v caddy >/dev/null 2>&1 || need+=(caddy)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get install -y "${need[@]}" >/dev/null
fi

# --- ports, CPU ticks ------------------------------------------------------------------------------
# shellcheck source=local.sh
. "$BENCH/local.sh"
next_port BACKEND_PORT; next_port BACKEND_TLS_PORT; next_port NGINX_PORT; next_port NGINX_TLS_PORT; next_port FLOOR_PORT
next_port HAPROXY_PORT; next_port HAPROXY_TLS_PORT; next_port CADDY_PORT; next_port CADDY_TLS_PORT

# One ECDSA P-256 certificate for the backend and every proxy, the same key type as the gateway's default one.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
cat "$WORK/cert.pem" "$WORK/key.pem" > "$WORK/cert-key.pem" # HAProxy reads both from one file

render() { # template output [ROUTES-file [HOST_SERVERS-file]]
  sed -e "s#@WORK@#$WORK#g" -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@BACKEND_TLS_PORT@#$BACKEND_TLS_PORT#g" \
      -e "s#@NGINX_PORT@#$NGINX_PORT#g" -e "s#@NGINX_TLS_PORT@#$NGINX_TLS_PORT#g" \
      -e "s#@HAPROXY_PORT@#$HAPROXY_PORT#g" -e "s#@HAPROXY_TLS_PORT@#$HAPROXY_TLS_PORT#g" \
      -e "s#@CADDY_PORT@#$CADDY_PORT#g" -e "s#@CADDY_TLS_PORT@#$CADDY_TLS_PORT#g" "$1" > "$2.tmp"
  if [ $# -gt 2 ]; then
    awk -v routes="$3" -v servers="${4:-/dev/null}" '
      /^@ROUTES@$/ { while ((getline line < routes) > 0) print line; close(routes); next }
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

# -> $WORK/routes.nginx and servers.nginx, routes.haproxy (with hosts.map, prefixes.map, regex.map), routes.caddy,
# requests.txt
write_routes() { # scenario
  : > "$WORK/routes.nginx"; : > "$WORK/servers.nginx"; : > "$WORK/requests.txt"
  : > "$WORK/hosts.map"; : > "$WORK/prefixes.map"; : > "$WORK/regex.map"; : > "$WORK/routes.caddy"
  if [ "$1" != b ]; then
    echo "    location / { proxy_pass http://backend; }" > "$WORK/routes.nginx"
    echo "  default_backend backend" > "$WORK/routes.haproxy"
    echo "  import upstream" > "$WORK/routes.caddy"
    return
  fi
  local i
  for ((i = 0; i < ROUTE_COUNT; i++)); do
    case $(route_kind $i) in
      0) printf '  server {\n    listen 127.0.0.1:%s;\n    server_name host-%d.bench.test;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location / { proxy_pass http://backend; }\n  }\n' "$NGINX_PORT" "$i" >> "$WORK/servers.nginx"
         echo "host-$i.bench.test r$i" >> "$WORK/hosts.map"
         printf '  @r%d host host-%d.bench.test\n' "$i" "$i" >> "$WORK/routes.caddy" ;;
      1) echo "    location /prefix-$i/ { proxy_pass http://backend; }" >> "$WORK/routes.nginx"
         echo "/prefix-$i/ r$i" >> "$WORK/prefixes.map"
         printf '  @r%d path /prefix-%d/*\n' "$i" "$i" >> "$WORK/routes.caddy" ;;
      2) echo "    location ~ ^/regex-$i/[0-9]+\$ { proxy_pass http://backend; }" >> "$WORK/routes.nginx"
         echo "^/regex-$i/[0-9]+\$ r$i" >> "$WORK/regex.map"
         printf '  @r%d path_regexp ^/regex-%d/[0-9]+$\n' "$i" "$i" >> "$WORK/routes.caddy" ;;
    esac
    printf '  handle @r%d {\n    import upstream\n  }\n' "$i" >> "$WORK/routes.caddy"
  done
  printf '  handle {\n    respond 404\n  }\n' >> "$WORK/routes.caddy"
  # HAProxy's way for many routes: maps (a tree for exact hosts, a list for prefixes and regexes), each naming its
  # route; a request no map names gets a 404, as from nginx.
  cat > "$WORK/routes.haproxy" <<EOF
  http-request set-var(txn.route) req.hdr(host),field(1,:),lower,map_str($WORK/hosts.map)
  http-request set-var(txn.route) path,map_beg($WORK/prefixes.map) unless { var(txn.route) -m found }
  http-request set-var(txn.route) path,map_reg($WORK/regex.map) unless { var(txn.route) -m found }
  use_backend backend if { var(txn.route) -m found }
  default_backend not_found
EOF
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

wait_listening() { # name pid port log: until the port answers, or the process has exited
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$3/" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  log "$1 did not start:"; tail -5 "$4" >&2; return 1
}

start_haproxy() { # scenario
  render "$BENCH/peers/haproxy.cfg.in" "$WORK/haproxy.cfg" "$WORK/routes.haproxy"
  haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/logs/haproxy-$1.log" 2>&1 &
  HAPROXY_PID=$!
  wait_listening haproxy "$HAPROXY_PID" "$HAPROXY_PORT" "$WORK/logs/haproxy-$1.log" || { HAPROXY_PID=""; return 1; }
}

start_caddy() { # scenario; GOMAXPROCS=1: one thread runs Go code at a time, as nginx's one worker
  render "$BENCH/peers/Caddyfile.in" "$WORK/Caddyfile" "$WORK/routes.caddy"
  mkdir -p "$WORK/caddy"
  GOMAXPROCS=1 XDG_DATA_HOME="$WORK/caddy" XDG_CONFIG_HOME="$WORK/caddy" \
    caddy run --config "$WORK/Caddyfile" --adapter caddyfile > "$WORK/logs/caddy-$1.log" 2>&1 &
  CADDY_PID=$!
  wait_listening caddy "$CADDY_PID" "$CADDY_PORT" "$WORK/logs/caddy-$1.log" || { CADDY_PID=""; return 1; }
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
    haproxy) port=$HAPROXY_PORT; [ "$2" != c ] || port=$HAPROXY_TLS_PORT ;;
    caddy) port=$CADDY_PORT; [ "$2" != c ] || port=$CADDY_TLS_PORT ;;
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
# HAProxy, Caddy, the floor or the gateway. On a machine shared with wrk (and anything else), CPU per request is steadier than RPS.
target_pids() { # target
  case $1 in
    direct) ps --ppid "$(cat "$WORK/backend.pid" 2>/dev/null || echo 1)" -o pid= 2>/dev/null ;;
    nginx) ps --ppid "$(cat "$WORK/proxy.pid" 2>/dev/null || echo 1)" -o pid= 2>/dev/null ;;
    haproxy) echo "$HAPROXY_PID" ;;
    caddy) echo "$CADDY_PID" ;;
    gateway|gateway2) echo "${GATEWAY_PIDS[$1]:-}" ;;
    yarp) echo "$FLOOR_PID" ;;
  esac
}

# --- report -------------------------------------------------------------------------------------
med() { echo "${1:-}" | median; } # "values..."

report_ratios() { # the floor's and each gateway's ratios to every peer of the scenario, from RPS, P99, CPU
  local target peer shown=0
  for target in yarp gateway gateway2; do
    [ -n "${RPS[$target]:-}" ] || continue
    if [ "$shown" = 0 ]; then
      echo "| ratio | RPS | p99 | CPU/request |"
      echo "|---|---:|---:|---:|"
      shown=1
    fi
    for peer in nginx haproxy caddy yarp direct; do
      [ "$peer" != "$target" ] && [ -n "${RPS[$peer]:-}" ] || continue
      echo "| $target/$peer | $(ratio "$(med "${RPS[$target]}")" "$(med "${RPS[$peer]}")") | $(ratio "$(med "${P99[$target]}")" "$(med "${P99[$peer]}")") | $(ratio "$(med "${CPU[$target]}")" "$(med "${CPU[$peer]}")") |"
    done
  done
  if [ "$shown" = 0 ]; then echo "(the floor and the gateway were left out: see the log above)"; echo; return; fi
  echo
  for target in gateway gateway2; do
    [ -z "${RSS[$target]:-}" ] || echo "$target peak RSS: ${RSS[$target]}  "
  done
  echo
}

# Open loop: every active target at one fixed rate (half of nginx's median RPS in this scenario unless
# OPEN_LOOP_RATE is set), ROUNDS interleaved rounds of DURATION, latency from each request's intended send time.
run_open_loop() { # scenario
  local rate seconds target round out headers=() p50 p99 p999 achieved errors
  rate=${OPEN_LOOP_RATE:-$(awk -v r="$(med "${RPS[nginx]:-}")" -v f="$OPEN_LOOP_FRACTION" 'BEGIN { printf "%.0f", r * f }')}
  [ "${rate:-0}" -gt 0 ] || { log "open loop: no nginx RPS to take half of (add nginx to TARGETS or set OPEN_LOOP_RATE)"; return; }
  [ -f "$OPEN_LOOP_DLL" ] || { log "open loop: $OPEN_LOOP_DLL is missing (BUILD=1 builds it)"; return; }
  seconds=$(awk -v ms="$(to_ms "$DURATION")" 'BEGIN { printf "%.1f", ms / 1000 }')
  [ "$1" != d ] || headers=(--header "apikey: $BENCH_KEY")
  declare -A OL50=() OL99=() OL999=() OLRATE=() OLERR=()
  kv() { echo "$out" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
  for round in $(seq "$ROUNDS"); do
    for target in "${active[@]}"; do
      out=$(dotnet "$OPEN_LOOP_DLL" --url "$(url_of "$target" "$1")/" --rate "$rate" --connections "$OPEN_LOOP_CONNECTIONS" \
        --seconds "$seconds" "${headers[@]}" 2>"$WORK/open-loop.err") || true
      p50=$(kv p50_ms); p99=$(kv p99_ms); p999=$(kv p999_ms); achieved=$(kv rate); errors=$(kv errors)
      [ -n "$p99" ] || { log "open loop $target failed:"; cat "$WORK/open-loop.err" >&2; errors=-1; }
      log "open loop round $round $target: $achieved of $rate req/s, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, errors $errors"
      OL50[$target]+=" $p50"; OL99[$target]+=" $p99"; OL999[$target]+=" $p999"; OLRATE[$target]+=" $achieved"
      OLERR[$target]=$(( ${OLERR[$target]:-0} + ${errors:-0} ))
    done
  done
  local source="$OPEN_LOOP_FRACTION of nginx's median RPS above"
  [ -z "$OPEN_LOOP_RATE" ] || source=OPEN_LOOP_RATE
  echo "Open loop at $rate requests/s ($source), $OPEN_LOOP_CONNECTIONS connections, $ROUNDS interleaved rounds of $DURATION after 1 s unmeasured, medians; latency from each request's intended send time:"
  echo
  echo "| target | requests/s | p50 ms | p99 ms | p99.9 ms | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for target in "${active[@]}"; do
    echo "| $target | $(med "${OLRATE[$target]}" | awk '{ printf "%.0f", $1 }') | $(med "${OL50[$target]}") | $(med "${OL99[$target]}") | $(med "${OL999[$target]}") | ${OLERR[$target]} |"
  done
  echo
  for target in yarp gateway gateway2; do
    [ -n "${OL99[$target]:-}" ] && [ -n "${OL99[nginx]:-}" ] || continue
    echo "$target p99 - nginx p99: $(awk -v a="$(med "${OL99[$target]}")" -v b="$(med "${OL99[nginx]}")" 'BEGIN { printf "%+.3f ms", a - b }')  "
  done
  echo
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

if [ "$OPEN_LOOP" = 1 ] && { [ "$BUILD" = 1 ] || [ ! -f "$OPEN_LOOP_DLL" ]; }; then
  log "building open-loop (Release)"
  dotnet build "$BENCH/open-loop" -c Release 2>&1 | grep -E " error |Build succeeded" >&2 || true
fi

render "$BENCH/nginx/backend.conf.in" "$WORK/backend.conf"
start_nginx backend "$WORK/backend.conf"

peer_versions() {
  [[ " $TARGETS " != *" haproxy "* ]] || echo -n "; HAProxy $(haproxy -v 2>/dev/null | awk 'NR == 1 { print $3 }'), nbthread 1"
  [[ " $TARGETS " != *" caddy "* ]] || echo -n "; Caddy $(caddy version 2>/dev/null | awk '{ print $1 }'), GOMAXPROCS=1"
}

MACHINE="$(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
REPORT="$WORK/report.md"
{
  echo "Proxy benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $MACHINE, $(uname -sr)"
  echo "wrk -t$THREADS -c$CONNECTIONS, $ROUNDS interleaved rounds of $DURATION (after a $WARMUP warm-up), medians; nginx $(nginx -v 2>&1 | sed 's#.*/##'), 1 worker$(peer_versions)"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)  "
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
    if [ "$target" = haproxy ] && ! start_haproxy "$scenario"; then
      log "haproxy: not started, left out"
      continue
    fi
    if [ "$target" = caddy ] && ! start_caddy "$scenario"; then
      log "caddy: not started, left out"
      continue
    fi
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
    report_ratios
    [ "$OPEN_LOOP" != 1 ] || [[ " $OPEN_LOOP_SCENARIOS " != *" $scenario "* ]] || run_open_loop "$scenario"
  } >> "$REPORT"
  unset RPS P50 P99 CPU ERR RSS

  stop_gateway
  stop_floor
  stop_peers
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine moves every figure, the ratios least)" >> "$REPORT"
cat "$REPORT"
