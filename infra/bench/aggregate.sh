#!/usr/bin/env bash
# Backend-for-frontend aggregation (issue 17, item 5): one aggregated call against three sequential client calls.
#
#   infra/bench/aggregate.sh
#
# Starts three loopback backends (fanout.py: JSON after DELAY_MS each) and a gateway of the current build (SQLite,
# temporary prefix, free ports) with a service and route per backend (/a, /b, /c) and a serviceless route /agg whose
# aggregate plugin calls the three. Then ROUNDS interleaved rounds, each DURATION with WORKERS closed-loop clients
# (fanout.py client: one keep-alive connection each): "aggregated" requests /agg, "sequential" requests /a, /b, /c one
# after the other, as a client without aggregation would. Prints the medians of the operations' p50 and p99, and the
# gateway's CPU per operation (user + system from /proc, over the round, less what it spends idle in as long) for both.
#
# Settings: ROUNDS=3 DURATION=10s WARMUP=5s WORKERS=4 DELAY_MS=20 BUILD=1 (0: the last Release build).
# Needs curl, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
DURATION=${DURATION%s}
WARMUP=${WARMUP:-5}
WARMUP=${WARMUP%s}
WORKERS=${WORKERS:-4}
DELAY_MS=${DELAY_MS:-20}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/logs"
BACKEND_PID=""

log() { echo "[aggregate] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

cleanup() {
  [ -n "$BACKEND_PID" ] && kill "$BACKEND_PID" 2>/dev/null || true
  cluster_cleanup
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build_gateway
PORTS=("$(free_port)" "$(free_port)" "$(free_port)")
python3 infra/bench/fanout.py backends "$DELAY_MS" "${PORTS[@]}" > "$WORK/logs/backends.log" 2>&1 &
BACKEND_PID=$!

ADMIN_PORT=$(free_port); PROXY_PORT=$(free_port)
"${GATEWAY[@]}" start --prefix "$WORK/gateway" --proxy_listen "127.0.0.1:$PROXY_PORT" --admin_listen "127.0.0.1:$ADMIN_PORT" \
  --status_listen "127.0.0.1:$(free_port)" --admin_gui_listen "127.0.0.1:$(free_port)" --cluster_listen "127.0.0.1:$(free_port)" \
  --log_level warn > "$WORK/logs/gateway.log" 2>&1 &
GATEWAY_PID=$!
CLUSTER_PIDS+=("$GATEWAY_PID")
for _ in $(seq 600); do
  curl -sf -o /dev/null "http://127.0.0.1:$ADMIN_PORT/status" && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { log "the gateway exited:"; tail -20 "$WORK/logs/gateway.log" >&2; exit 1; }
  sleep 0.1
done

admin() { curl -sf -o /dev/null -X POST "http://127.0.0.1:$ADMIN_PORT$1" -H 'Content-Type: application/json' -d "$2"; }
backends_json=""
NAMES=(a b c)
for i in 0 1 2; do
  name=${NAMES[$i]}
  admin /services "{\"name\":\"$name\",\"url\":\"http://127.0.0.1:${PORTS[$i]}/\"}"
  admin "/services/$name/routes" "{\"paths\":[\"/$name\"]}"
  backends_json+="${backends_json:+,}{\"name\":\"$name\",\"service\":\"$name\"}"
done
admin /routes '{"name":"agg","paths":["/agg"]}'
admin /routes/agg/plugins "{\"name\":\"aggregate\",\"config\":{\"backends\":[$backends_json]}}"
for _ in $(seq 50); do
  answer=$(curl -s "http://127.0.0.1:$PROXY_PORT/agg") || answer=""
  [[ $answer == *"\"${PORTS[2]}\""* ]] && break
  sleep 0.1
done
[[ $answer == *"\"${PORTS[0]}\""*"\"${PORTS[2]}\""* ]] || { log "/agg answered: $answer"; exit 1; }
log "/agg answers $answer"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$GATEWAY_PID/stat"; }
TICK=$(getconf CLK_TCK)
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

declare -A STEPS=([aggregated]=/agg [sequential]=/a,/b,/c) P50=() P99=() CPU=() OPS=() TICKS=()
for mode in aggregated sequential; do
  python3 infra/bench/fanout.py client "http://127.0.0.1:$PROXY_PORT" "$WARMUP" "$WORKERS" "${STEPS[$mode]}" > /dev/null
done
# What the gateway spends doing nothing (timers, the silo, the JIT's last tiering) over a round's length, measured
# before and after the rounds; the smaller is taken off each round's CPU.
idle_ticks() { local before; sleep 2; before=$(cpu_ticks); sleep "$DURATION"; echo $(( $(cpu_ticks) - before )); }
IDLE_BEFORE=$(idle_ticks)
UPTIME_BEFORE=$(uptime)
for round in $(seq "$ROUNDS"); do
  for mode in aggregated sequential; do
    before=$(cpu_ticks)
    result=$(python3 infra/bench/fanout.py client "http://127.0.0.1:$PROXY_PORT" "$DURATION" "$WORKERS" "${STEPS[$mode]}")
    after=$(cpu_ticks)
    [ "$(field "$result" errors)" = 0 ] || { log "round $round, $mode: failed operations: $result"; exit 1; }
    ops=$(field "$result" operations)
    log "round $round, $mode: $result, gateway CPU $((after - before)) ticks"
    P50[$mode]+=" $(field "$result" p50_ms)"; P99[$mode]+=" $(field "$result" p99_ms)"; TICKS[$mode]+=" $((after - before)):$ops"; OPS[$mode]+=" $ops"
  done
done
IDLE_AFTER=$(idle_ticks)
IDLE=$(( IDLE_BEFORE < IDLE_AFTER ? IDLE_BEFORE : IDLE_AFTER ))
log "idle: $IDLE_BEFORE ticks before the rounds, $IDLE_AFTER after, in ${DURATION}s each"
for mode in aggregated sequential; do
  for pair in ${TICKS[$mode]}; do
    CPU[$mode]+=" $(awk -v t="${pair%%:*}" -v idle="$IDLE" -v hz="$TICK" -v n="${pair##*:}" 'BEGIN { printf "%.1f", (t - idle) / hz * 1e6 / n }')"
  done
done

echo "date: $(date -u +%Y-%m-%d), machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); load before: $UPTIME_BEFORE"
echo "three backends each answering after $DELAY_MS ms; $WORKERS closed-loop clients; medians of $ROUNDS rounds of ${DURATION}s"
printf '| operation | operations | p50 ms | p99 ms | gateway CPU us/operation |\n|---|---|---|---|---|\n'
for mode in aggregated sequential; do
  printf '| %s | %s | %s | %s | %s |\n' "$mode (${STEPS[$mode]})" "$(echo "${OPS[$mode]}" | median)" "$(echo "${P50[$mode]}" | median)" \
    "$(echo "${P99[$mode]}" | median)" "$(echo "${CPU[$mode]}" | median)"
done
awk -v p50="$(echo "${P50[aggregated]}" | median)" -v d="$DELAY_MS" \
  'BEGIN { printf "aggregated p50 over the slowest backend (%d ms): %+.2f ms (target: within 3 ms)\n", d, p50 - d }'
