#!/usr/bin/env bash
# Admin API reads with RBAC off and on (issue 15, item 12): what the cached token check costs.
#
#   infra/bench/admin-rbac.sh
#
# Starts two nodes of the current build (temporary prefixes, SQLite, free loopback ports): one with enforce_rbac off,
# one with enforce_rbac on whose fresh database seeds kong_admin (super-admin) from GATEWAY_PASSWORD. Each gets 100
# services through its Admin API. Then ROUNDS interleaved rounds of wrk GET /services?size=100 for DURATION on each
# (the RBAC node with Kong-Admin-Token: only the first request runs bcrypt; the rest hit the verification cache).
# Prints the medians of requests/s and p99 per node and the on/off ratio, with the machine's load before and after.
#
# Settings: ROUNDS=3 DURATION=10s WARMUP=3s CONNECTIONS=4 BUILD=1 (0: the last Release build). Needs wrk, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-4}
TOKEN=bench-rbac-token
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
declare -A PIDS=() ADMIN=() HEADER=()

log() { echo "[admin-rbac] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need=()
for tool in wrk curl; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
[ ${#need[@]} -eq 0 ] || { log "installing ${need[*]}"; apt-get install -y "${need[@]}" >/dev/null; }
mkdir -p "$WORK/logs"
build_gateway

start_node() { # name enforce_rbac
  local name=$1 prefix="$WORK/$1"
  ADMIN[$name]=$(free_port)
  HEADER[$name]=$([ "$2" = off ] && echo "X-Bench: off" || echo "Kong-Admin-Token: $TOKEN")
  mkdir -p "$prefix"
  GATEWAY_PASSWORD=$TOKEN dotnet "${GATEWAY[1]}" start --prefix "$prefix" --enforce_rbac "$2" \
    --proxy_listen "127.0.0.1:$(free_port)" --admin_listen "127.0.0.1:${ADMIN[$name]}" --status_listen "127.0.0.1:$(free_port)" \
    --admin_gui_listen "127.0.0.1:$(free_port)" --cluster_listen "127.0.0.1:$(free_port)" --log_level warn > "$WORK/logs/$name.log" 2>&1 &
  PIDS[$name]=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null -H "${HEADER[$name]}" "http://127.0.0.1:${ADMIN[$name]}/status" && break
    kill -0 "${PIDS[$name]}" 2>/dev/null || { log "$name exited:"; tail -20 "$WORK/logs/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  for i in $(seq 100); do
    curl -sf -o /dev/null -X POST "http://127.0.0.1:${ADMIN[$name]}/services" -H "${HEADER[$name]}" \
      -H 'Content-Type: application/json' -d "{\"name\":\"s$i\",\"url\":\"http://127.0.0.1:9/\"}" || { log "$name: POST /services refused"; exit 1; }
  done
  [ "$2" = off ] || [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ADMIN[$name]}/services")" = 401 ] \
    || { log "$name: a request without a token was not refused"; exit 1; }
  wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -H "${HEADER[$name]}" "http://127.0.0.1:${ADMIN[$name]}/services?size=100" > /dev/null 2>&1 || true
}

start_node off off
start_node on on

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

declare -A RPS=() P99=()
UPTIME_BEFORE=$(uptime)
for round in $(seq "$ROUNDS"); do
  for name in off on; do
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "${HEADER[$name]}" "http://127.0.0.1:${ADMIN[$name]}/services?size=100" > "$WORK/wrk.out" 2>&1 || true
    if grep -q "Non-2xx" "$WORK/wrk.out"; then log "$name: some answers were not 200"; cat "$WORK/wrk.out" >&2; exit 1; fi
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.out")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.out")")
    log "round $round, rbac $name: $rps req/s, p99 $p99 ms"
    RPS[$name]+=" $rps"; P99[$name]+=" $p99"
  done
done

off=$(echo "${RPS[off]}" | median); on=$(echo "${RPS[on]}" | median)
echo "load before: $UPTIME_BEFORE"
echo "load after:  $(uptime)"
printf '| enforce_rbac | GET /services?size=100 req/s | p99 ms |\n|---|---|---|\n'
printf '| off | %s | %s |\n' "$off" "$(echo "${P99[off]}" | median)"
printf '| on (cached token) | %s | %s |\n' "$on" "$(echo "${P99[on]}" | median)"
awk -v on="$on" -v off="$off" 'BEGIN { printf "on/off: %.3f (cost %.1f%%)\n", on / off, (1 - on / off) * 100 }'
