#!/usr/bin/env bash
# Rate-limiting benchmark: three gateway nodes on loopback (one PostgreSQL store, PostgreSQL membership),
# an nginx backend, and Redis.
#
#   infra/bench/ratelimit.sh [LIMIT]          (default LIMIT=1000 per minute)
#
# 1. Admission: for each policy (local, cluster, redis) a route with rate-limiting minute=LIMIT
#    (limit_by ip, so every request shares one counter) gets wrk load on all three nodes at once for
#    ADMIT_DURATION, started early in a minute so the run stays inside one window. It prints how many
#    requests were admitted (2xx) in total and per node. Targets: cluster and redis admit exactly
#    LIMIT; local admits at most 3 x LIMIT (each node counts on its own).
#    Then issue 21's scenario, per policy: minute=100, limit_by ip, 300 requests round-robin over A, B, C
#    (request n to node n mod 3) from 24 concurrent clients (curl under xargs -P24), in one minute window;
#    prints how many answered 200, 429 and anything else. Target for cluster and redis: 100 / 200 / 0.
# 2. Latency: node A alone, wrk -c CONNECTIONS, ROUNDS interleaved rounds of DURATION on a route without plugins and on one route
#    per policy with a limit too high to reach; prints median RPS, p50, p99 and the p99 added over no plugin.
#
# Starts its own PostgreSQL and Redis on free loopback ports (stopped on exit), unless BENCH_PG_PORT /
# BENCH_REDIS_PORT name running ones. Needs root (runuser), wrk, nginx, curl, psql, redis-server, python3.
# Settings: ROUNDS=3 DURATION=10s ADMIT_DURATION=10s CONNECTIONS=32 ADMIT_CONNECTIONS=8 THREADS=1 BUILD=1
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
LIMIT=${1:-1000}
DURATION=${DURATION:-10s}
ADMIT_DURATION=${ADMIT_DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
ADMIT_CONNECTIONS=${ADMIT_CONNECTIONS:-8}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
STARTED_REDIS=0

log() { echo "[ratelimit] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

cleanup() {
  cluster_cleanup
  [ ! -s "$WORK/backend.pid" ] || kill -QUIT "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  [ "$STARTED_REDIS" = 0 ] || kill "$(cat "$WORK/redis.pid" 2>/dev/null)" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL, Redis, backend -------------------------------------------------------------------
start_postgres bench_rl

if [ -n "${BENCH_REDIS_PORT:-}" ]; then
  REDIS_PORT=$BENCH_REDIS_PORT
else
  REDIS_PORT=$(free_port)
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
  STARTED_REDIS=1
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

start_backend

# --- three nodes ----------------------------------------------------------------------------------
build_gateway
# The cluster policy's counter grains save their leased totals in the nodes' default Redis.
export GATEWAY_REDIS_HOST=127.0.0.1 GATEWAY_REDIS_PORT=$REDIS_PORT
start_three_nodes

ADMIN_A="http://127.0.0.1:${ADMIN[A]}"
post() { # path json
  local code
  code=$(curl -s -o "$WORK/post.out" -w '%{http_code}' -X POST "$ADMIN_A$1" -H 'Content-Type: application/json' -d "$2")
  [ "$code" = 201 ] || { log "POST $1 answered $code: $(cat "$WORK/post.out")"; exit 1; }
}
post /services "{\"name\":\"bench\",\"url\":\"http://127.0.0.1:$BACKEND_PORT\"}"
post /services/bench/routes '{"name":"plain","paths":["/plain"]}'
redis_conf="\"redis\":{\"host\":\"127.0.0.1\",\"port\":$REDIS_PORT}"
for policy in local cluster redis; do
  post /services/bench/routes "{\"name\":\"exact-$policy\",\"paths\":[\"/exact-$policy\"]}"
  post /routes/exact-$policy/plugins "{\"name\":\"rate-limiting\",\"config\":{\"minute\":100,\"limit_by\":\"ip\",\"policy\":\"$policy\",$redis_conf}}"
  post /services/bench/routes "{\"name\":\"admit-$policy\",\"paths\":[\"/admit-$policy\"]}"
  post /routes/admit-$policy/plugins "{\"name\":\"rate-limiting\",\"config\":{\"minute\":$LIMIT,\"limit_by\":\"ip\",\"policy\":\"$policy\",$redis_conf}}"
  post /services/bench/routes "{\"name\":\"fast-$policy\",\"paths\":[\"/fast-$policy\"]}"
  post /routes/fast-$policy/plugins "{\"name\":\"rate-limiting\",\"config\":{\"minute\":1000000000,\"limit_by\":\"ip\",\"policy\":\"$policy\",$redis_conf}}"
done

log "waiting until every node serves the routes"
for node in A B C; do
  for _ in $(seq 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:${PROXY[$node]}/fast-redis")" = 200 ] && break
    sleep 0.1
  done
done

# --- wrk ------------------------------------------------------------------------------------------
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
wrk_stats() { # file -> "requests non2xx rps p50 p99"
  local total non2xx rps p50 p99
  total=$(awk '/requests in/ { print $1 }' "$1")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$1")
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$1")
  p50=$(awk '$1 == "50%" { print $2 }' "$1"); p99=$(awk '$1 == "99%" { print $2 }' "$1")
  echo "${total:-0} ${non2xx:-0} ${rps:-0} $(to_ms "${p50:-0}") $(to_ms "${p99:-0}")"
}

wait_early_in_minute() { # so a run of ADMIT_DURATION stays inside one minute window
  local s
  s=$(date -u +%S); s=${s#0}
  if [ "$s" -gt 40 ]; then log "waiting $((61 - s)) s for the next minute"; sleep $((61 - s)); fi
}

REPORT="$WORK/report.md"
{
  echo "Rate-limiting benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, three nodes on loopback"
  echo
  echo "### Admission: minute=$LIMIT, limit_by ip, wrk -c$ADMIT_CONNECTIONS on each of the three nodes at once for $ADMIT_DURATION"
  echo
  echo "| policy | sent | admitted | A | B | C | target |"
  echo "|---|---:|---:|---:|---:|---:|---|"
} > "$REPORT"

for policy in local cluster redis; do
  wait_early_in_minute
  log "admission, $policy"
  WRKS=()
  for node in A B C; do
    wrk -t1 -c"$ADMIT_CONNECTIONS" -d"$ADMIT_DURATION" --latency "http://127.0.0.1:${PROXY[$node]}/admit-$policy" > "$WORK/admit-$policy-$node.out" 2>&1 &
    WRKS+=($!)
  done
  for pid in "${WRKS[@]}"; do wait "$pid" || true; done
  sent=0; admitted=0; per=()
  for node in A B C; do
    read -r total non2xx _ _ _ < <(wrk_stats "$WORK/admit-$policy-$node.out")
    sent=$((sent + total)); admitted=$((admitted + total - non2xx)); per+=($((total - non2xx)))
  done
  case $policy in local) target="<= $((3 * LIMIT))" ;; *) target="= $LIMIT" ;; esac
  echo "| $policy | $sent | $admitted | ${per[0]} | ${per[1]} | ${per[2]} | $target |" >> "$REPORT"
done

{
  echo
  echo "### Issue 21's scenario: minute=100, limit_by ip, 300 requests round-robin over A, B, C from 24 concurrent clients"
  echo
  echo "| policy | 200 | 429 | other | target |"
  echo "|---|---:|---:|---:|---|"
} >> "$REPORT"
for policy in local cluster redis; do
  wait_early_in_minute
  log "issue 21's scenario, $policy"
  nodes=(A B C)
  for n in $(seq 0 299); do echo "http://127.0.0.1:${PROXY[${nodes[$((n % 3))]}]}/exact-$policy"; done \
    | xargs -P 24 -n 1 curl -s -o /dev/null -w '%{http_code}\n' > "$WORK/exact-$policy.codes" || true
  ok=$(grep -c '^200$' "$WORK/exact-$policy.codes" || true); refused=$(grep -c '^429$' "$WORK/exact-$policy.codes" || true)
  case $policy in local) target="<= 300 (100 per node)" ;; *) target="100 / 200 / 0" ;; esac
  echo "| $policy | $ok | $refused | $((300 - ok - refused)) | $target |" >> "$REPORT"
done

{
  echo
  echo "### Latency on node A: wrk -t$THREADS -c$CONNECTIONS, $ROUNDS interleaved rounds of $DURATION, medians; limit never reached"
  echo
  echo "| route | requests/s | p50 ms | p99 ms | p99 added ms |"
  echo "|---|---:|---:|---:|---:|"
} >> "$REPORT"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ROUTES=(plain fast-local fast-cluster fast-redis)
declare -A RPS=() P50=() P99=()
for route in "${ROUTES[@]}"; do
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "http://127.0.0.1:${PROXY[A]}/$route" > /dev/null 2>&1 || true
done
for round in $(seq "$ROUNDS"); do
  for route in "${ROUTES[@]}"; do
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:${PROXY[A]}/$route" > "$WORK/lat.out" 2>&1 || true
    read -r total non2xx rps p50 p99 < <(wrk_stats "$WORK/lat.out")
    [ "$non2xx" = 0 ] || log "$route: $non2xx non-2xx answers"
    log "round $round /$route: $rps req/s, p50 $p50 ms, p99 $p99 ms"
    RPS[$route]+=" $rps"; P50[$route]+=" $p50"; P99[$route]+=" $p99"
  done
done
base99=$(echo "${P99[plain]}" | median)
for route in "${ROUTES[@]}"; do
  p99=$(echo "${P99[$route]}" | median)
  added=$(awk -v a="$p99" -v b="$base99" 'BEGIN { printf "%.3f", a - b }')
  echo "| /$route | $(echo "${RPS[$route]}" | median | awk '{ printf "%.0f", $1 }') | $(echo "${P50[$route]}" | median) | $p99 | $added |" >> "$REPORT"
done

cat "$REPORT"
