#!/usr/bin/env bash
# Admin API writes with the audit log off and on (issue 14, item 9), on SQLite and PostgreSQL, and the proxy's
# requests/s with it off and on (the proxy path does no audit work).
#
#   infra/bench/admin-audit.sh
#
# Starts four nodes of the current build on loopback (temporary prefixes, free ports): SQLite and PostgreSQL (a fresh
# database each, on its own server unless BENCH_PG_PORT names one), each with audit_log off and on. Then ROUNDS
# interleaved rounds of wrk POST /consumers (a new consumer per request, admin-writes.lua) for DURATION on each:
# every write with the audit log on commits its object record in the write's transaction and queues its request
# record. Then, on the first store's two nodes, ROUNDS rounds of wrk GET through the proxy to an nginx backend.
# Prints the medians of writes/s, p99 and CPU per write (the node's, and on PostgreSQL the database server's: on a
# machine shared with wrk and anything else, CPU per write is steadier than writes/s) per node, the on/off ratios,
# and the proxy's requests/s off and on.
#
# Settings: ROUNDS=3 DURATION=10s WARMUP=3s CONNECTIONS=4 PROXY_CONNECTIONS=32 BUILD=1 (0: the last Release build),
# STORES="sqlite postgres", AUDIT_ARGS (extra settings for the audit-on nodes, e.g. "--audit_log_ignore_methods POST").
# Needs wrk, curl, nginx, python3, PostgreSQL's binaries (psql, initdb).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
CONNECTIONS=${CONNECTIONS:-4}
PROXY_CONNECTIONS=${PROXY_CONNECTIONS:-32}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
STORES=${STORES:-sqlite postgres}
read -r -a NODES <<< "$(for store in $STORES; do printf '%s-off %s-on ' "$store" "$store"; done)"
declare -A PIDS=() NODE_ADMIN=() NODE_PROXY=()

log() { echo "[admin-audit] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh
# shellcheck source=local.sh
. infra/bench/local.sh

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$WORK/backend.pid" ] && kill "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  cluster_cleanup
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need=()
for tool in wrk curl nginx; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
[ ${#need[@]} -eq 0 ] || { log "installing ${need[*]}"; apt-get install -y "${need[@]}" >/dev/null; }
mkdir -p "$WORK/logs"
build_gateway
start_backend

start_node() { # name: <store>-<audit>
  local name=$1 store=${1%-*} audit=${1#*-} prefix="$WORK/$1"
  local -a db=(--database sqlite)
  if [ "$store" = postgres ]; then
    start_postgres "audit_bench_$audit"
    BENCH_PG_PORT=$PG_PORT # the second database on the same server
    db=(--database postgres --pg_host 127.0.0.1 --pg_port "$PG_PORT" --pg_user gateway --pg_database "$DB")
    "${GATEWAY[@]}" migrations bootstrap "${db[@]}" --prefix "$prefix" > "$WORK/logs/$name-bootstrap.log" 2>&1
  fi
  NODE_ADMIN[$name]=$(free_port); NODE_PROXY[$name]=$(free_port)
  mkdir -p "$prefix"
  local -a extra=()
  [ "$audit" = on ] && read -r -a extra <<< "${AUDIT_ARGS:-}"
  "${GATEWAY[@]}" start --prefix "$prefix" "${db[@]}" --audit_log "$audit" "${extra[@]}" --cluster_id "bench_$$_${name/-/_}" \
    --proxy_listen "127.0.0.1:${NODE_PROXY[$name]}" --admin_listen "127.0.0.1:${NODE_ADMIN[$name]}" --status_listen "127.0.0.1:$(free_port)" \
    --admin_gui_listen "127.0.0.1:$(free_port)" --cluster_listen "127.0.0.1:$(free_port)" --log_level warn > "$WORK/logs/$name.log" 2>&1 &
  PIDS[$name]=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:${NODE_ADMIN[$name]}/status" && break
    kill -0 "${PIDS[$name]}" 2>/dev/null || { log "$name exited:"; tail -20 "$WORK/logs/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  local audited
  audited=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${NODE_ADMIN[$name]}/audit/requests")
  [ "$audited" = "$([ "$audit" = on ] && echo 200 || echo 404)" ] || { log "$name: GET /audit/requests answered $audited"; exit 1; }
  curl -sf -o /dev/null -X POST "http://127.0.0.1:${NODE_ADMIN[$name]}/services" -H 'Content-Type: application/json' \
    -d "{\"name\":\"backend\",\"url\":\"http://127.0.0.1:$BACKEND_PORT/\"}"
  curl -sf -o /dev/null -X POST "http://127.0.0.1:${NODE_ADMIN[$name]}/services/backend/routes" -H 'Content-Type: application/json' \
    -d '{"name":"bench","paths":["/bench"]}'
  wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s infra/bench/admin-writes.lua "http://127.0.0.1:${NODE_ADMIN[$name]}" > /dev/null 2>&1 || true
}

for name in "${NODES[@]}"; do start_node "$name"; done

to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# The database server's processes (its postmaster's children) for a node on PostgreSQL, when this run started it.
pg_pids() { # store
  [ "$1" = postgres ] && [ "$STARTED_PG" = 1 ] && ps --ppid "$(head -n 1 "$WORK/pg/postmaster.pid")" -o pid= 2>/dev/null || true
}
per_request() { awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print 0 }'; }

run_wrk() { # label, node name, then wrk arguments
  local label=$1 pid=${PIDS[$2]} store=${2%-*} node_before pg_before requests; shift 2
  node_before=$(cpu_ticks "$pid"); pg_before=$(cpu_ticks $(pg_pids "$store"))
  wrk -t1 -d"$DURATION" --latency "$@" > "$WORK/wrk.out" 2>&1 || true
  if grep -q "Non-2xx" "$WORK/wrk.out"; then log "$label: some answers were not 2xx"; cat "$WORK/wrk.out" >&2; exit 1; fi
  requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk.out")
  RPS_NOW=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.out")
  P99_NOW=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.out")")
  NODE_CPU_NOW=$(per_request $(( $(cpu_ticks "$pid") - node_before )) "$requests")
  PG_CPU_NOW=$(per_request $(( $(cpu_ticks $(pg_pids "$store")) - pg_before )) "$requests")
  log "$label: $RPS_NOW req/s, p99 $P99_NOW ms, CPU per request: node $NODE_CPU_NOW us, database $PG_CPU_NOW us"
}

declare -A RPS=() P99=() NODE_CPU=() PG_CPU=() PROXY_RPS=()
UPTIME_BEFORE=$(uptime)
for round in $(seq "$ROUNDS"); do
  for name in "${NODES[@]}"; do
    run_wrk "round $round, $name writes" "$name" -c"$CONNECTIONS" -s infra/bench/admin-writes.lua "http://127.0.0.1:${NODE_ADMIN[$name]}"
    RPS[$name]+=" $RPS_NOW"; P99[$name]+=" $P99_NOW"; NODE_CPU[$name]+=" $NODE_CPU_NOW"; PG_CPU[$name]+=" $PG_CPU_NOW"
  done
done
PROXY_STORE=${STORES%% *}
for round in $(seq "$ROUNDS"); do
  for name in "$PROXY_STORE-off" "$PROXY_STORE-on"; do
    run_wrk "round $round, $name proxy" "$name" -c"$PROXY_CONNECTIONS" "http://127.0.0.1:${NODE_PROXY[$name]}/bench"
    PROXY_RPS[$name]+=" $RPS_NOW"
  done
done

echo "load before: $UPTIME_BEFORE"
echo "load after:  $(uptime)"
printf '| store | audit_log | POST /consumers writes/s | p99 ms | node CPU us/write | database CPU us/write |\n|---|---|---|---|---|---|\n'
for name in "${NODES[@]}"; do
  printf '| %s | %s | %s | %s | %s | %s |\n' "${name%-*}" "${name#*-}" "$(echo "${RPS[$name]}" | median)" "$(echo "${P99[$name]}" | median)" \
    "$(echo "${NODE_CPU[$name]}" | median)" "$(echo "${PG_CPU[$name]}" | median)"
done
for store in $STORES; do
  awk -v on="$(echo "${RPS[$store-on]}" | median)" -v off="$(echo "${RPS[$store-off]}" | median)" -v s="$store" \
    'BEGIN { printf "%s writes on/off: %.3f (%.1f%% fewer writes/s)\n", s, on / off, (1 - on / off) * 100 }'
  awk -v on="$(echo "${NODE_CPU[$store-on]}" | median)" -v off="$(echo "${NODE_CPU[$store-off]}" | median)" \
    -v pon="$(echo "${PG_CPU[$store-on]}" | median)" -v poff="$(echo "${PG_CPU[$store-off]}" | median)" -v s="$store" \
    'BEGIN { printf "%s CPU per write on/off: node %.3f, node + database %.3f\n", s, on / off, (on + pon) / (off + poff) }'
done
awk -v on="$(echo "${PROXY_RPS[$PROXY_STORE-on]}" | median)" -v off="$(echo "${PROXY_RPS[$PROXY_STORE-off]}" | median)" -v s="$PROXY_STORE" \
  'BEGIN { printf "proxy GET /bench req/s (%s nodes): audit off %.0f, on %.0f (on/off %.3f)\n", s, off, on, on / off }'
