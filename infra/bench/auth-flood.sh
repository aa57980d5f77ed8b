#!/usr/bin/env bash
# Authentication-flood benchmark (issue 21, item 3): a route without plugins measured with wrk while
# HOSTILE_CONNECTIONS clients send basic-auth requests with a wrong password for an existing user (bcrypt,
# cost 11) to another route, on the same node.
#
#   BASELINE_DLL=/path/to/old/net10.0/gateway.dll infra/bench/auth-flood.sh
#
# Hostile loads: none; "control" (no credentials: an immediate 401, what any HOSTILE_CONNECTIONS fast clients
# cost the normal route); "same" (one wrong password, every client); "distinct" (a new wrong password per request,
# so no cached verdict helps and the verification queue's bound is what holds). For each build (the baseline, when
# BASELINE_DLL names a copy of an earlier build's output folder, and the current one) it starts a gateway (temporary
# prefix, SQLite, free ports) with a backend nginx, makes the routes, the consumer and its credential through the
# Admin API, and runs ROUNDS interleaved rounds: for each load, the hostile wrk starts, then the normal wrk runs
# for DURATION. It prints the medians of the normal route's requests/s, p50 and p99, and the hostile answers by
# status, with the machine's load (uptime) before and after. Everything it starts is stopped on exit.
#
# Settings: ROUNDS=3 DURATION=10s WARMUP=5s NORMAL_CONNECTIONS=4 HOSTILE_CONNECTIONS=8 HOSTILE_DELAY_MS=0 (full
# speed; N: each hostile connection waits N ms between requests) BUILD=1 (0: the last Release build) BASELINE_DLL
# (unset: the current build alone). Needs wrk, nginx, curl, openssl, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
NORMAL_CONNECTIONS=${NORMAL_CONNECTIONS:-4}
HOSTILE_CONNECTIONS=${HOSTILE_CONNECTIONS:-8}
export HOSTILE_DELAY_MS=${HOSTILE_DELAY_MS:-0}
BASELINE_DLL=${BASELINE_DLL:-}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
declare -A GW_PIDS=() GW_PROXY=()

log() { echo "[auth-flood] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

cleanup() {
  for pid in "${GW_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${GW_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ ! -s "$WORK/backend.pid" ] || kill -QUIT "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need=()
for tool in wrk nginx curl openssl; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
[ ${#need[@]} -eq 0 ] || { log "installing ${need[*]}"; apt-get install -y "${need[@]}" >/dev/null; }

# --- backend --------------------------------------------------------------------------------------
start_backend

# --- gateways -------------------------------------------------------------------------------------
build_gateway
TARGETS=()
declare -A DLL=()
if [ -n "$BASELINE_DLL" ]; then
  [ -f "$BASELINE_DLL" ] || { log "BASELINE_DLL $BASELINE_DLL is missing"; exit 1; }
  TARGETS+=(baseline); DLL[baseline]=$BASELINE_DLL
fi
TARGETS+=(current); DLL[current]=${GATEWAY[1]}

expect() { # url expected-status [header]
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' ${3:+-H "$3"} "$1") || code=000
  [ "$code" = "$2" ] || { log "$1 answered $code, not $2"; return 1; }
}

start_gateway() { # name
  local name=$1 admin status prefix="$WORK/$1"
  GW_PROXY[$name]=$(free_port); admin=$(free_port); status=$(free_port)
  mkdir -p "$prefix"
  dotnet "${DLL[$name]}" start --prefix "$prefix" --proxy_listen "127.0.0.1:${GW_PROXY[$name]}" \
    --admin_listen "127.0.0.1:$admin" --status_listen "127.0.0.1:$status" \
    --admin_gui_listen "127.0.0.1:$(free_port)" --cluster_listen "127.0.0.1:$(free_port)" \
    --log_level warn > "$WORK/logs/$name.log" 2>&1 &
  GW_PIDS[$name]=$!
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$admin/status" && break
    kill -0 "${GW_PIDS[$name]}" 2>/dev/null || { log "$name exited:"; tail -20 "$WORK/logs/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  local path_body path body
  for path_body in \
    "/services|{\"name\":\"bench\",\"url\":\"http://127.0.0.1:$BACKEND_PORT\"}" \
    "/services/bench/routes|{\"name\":\"plain\",\"paths\":[\"/plain\"]}" \
    "/services/bench/routes|{\"name\":\"auth\",\"paths\":[\"/auth\"]}" \
    "/routes/auth/plugins|{\"name\":\"basic-auth\"}" \
    "/consumers|{\"username\":\"bench\"}" \
    "/consumers/bench/basic-auth|{\"username\":\"bench-user\",\"password\":\"right\"}"; do
    path=${path_body%%|*}; body=${path_body#*|}
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$admin$path" -H 'Content-Type: application/json' -d "$body" \
      || { log "$name: POST $path was refused"; exit 1; }
  done
  local url="http://127.0.0.1:${GW_PROXY[$name]}"
  for _ in $(seq 50); do expect "$url/plain" 200 2>/dev/null && break; sleep 0.1; done
  expect "$url/plain" 200
  expect "$url/auth" 200 "Authorization: Basic $(printf 'bench-user:right' | base64)"
  expect "$url/auth" 401 "Authorization: Basic $(printf 'bench-user:wrong' | base64)"
  wrk -t1 -c"$NORMAL_CONNECTIONS" -d"$WARMUP" "$url/plain" > /dev/null 2>&1 || true
}

for target in "${TARGETS[@]}"; do log "starting $target (${DLL[$target]})"; start_gateway "$target"; done

# --- rounds ---------------------------------------------------------------------------------------
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
seconds() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /m$/) n *= 60; print n }'; }

LOADS=(none control same distinct)
declare -A RPS=() P50=() P99=() ERRORS=() HOSTILE=()
UPTIME_BEFORE=$(uptime)
hostile_seconds=$(( $(seconds "$DURATION") + 2 ))
for round in $(seq "$ROUNDS"); do
  for load in "${LOADS[@]}"; do
    for target in "${TARGETS[@]}"; do
      url="http://127.0.0.1:${GW_PROXY[$target]}"
      hostile_pid=""
      if [ "$load" != none ]; then
        AUTH_MODE=$load wrk -t1 -c"$HOSTILE_CONNECTIONS" -d"${hostile_seconds}s" -s "$ROOT/infra/bench/auth-flood.lua" "$url" \
          > "$WORK/hostile.out" 2>&1 &
        hostile_pid=$!
        sleep 1
      fi
      wrk -t1 -c"$NORMAL_CONNECTIONS" -d"$DURATION" --latency "$url/plain" > "$WORK/normal.out" 2>&1 || true
      [ -z "$hostile_pid" ] || wait "$hostile_pid" || true
      rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/normal.out")
      p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/normal.out")")
      p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/normal.out")")
      errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$WORK/normal.out")
      hostile="-"
      if [ -n "$hostile_pid" ]; then
        hostile=$(awk '/^status / { sub(":", "", $2); printf "%s%s=%s", sep, $2, $3; sep = " " }' "$WORK/hostile.out")
        hostile="${hostile:-none answered} in ${hostile_seconds}s"
      fi
      log "round $round, $target, hostile $load: normal $rps req/s, p50 $p50 ms, p99 $p99 ms, $errors errors; hostile answers: $hostile"
      RPS[$target-$load]+=" ${rps:-0}"; P50[$target-$load]+=" $p50"; P99[$target-$load]+=" $p99"
      ERRORS[$target-$load]=$(( ${ERRORS[$target-$load]:-0} + errors )); HOSTILE[$target-$load]+="${HOSTILE[$target-$load]:+; }$hostile"
    done
  done
done
UPTIME_AFTER=$(uptime)

echo "Authentication flood, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; wrk -t1 -c$NORMAL_CONNECTIONS on /plain for $DURATION while"
pace="at full speed"; [ "$HOSTILE_DELAY_MS" = 0 ] || pace="with $HOSTILE_DELAY_MS ms between a connection's requests"
echo "wrk -t1 -c$HOSTILE_CONNECTIONS sends wrong basic-auth passwords for an existing user to /auth $pace; medians of $ROUNDS interleaved rounds."
echo "Load before: ${UPTIME_BEFORE#*load average: }; after: ${UPTIME_AFTER#*load average: }"
echo
echo "| build | hostile passwords | normal req/s | p50 ms | p99 ms | normal errors | hostile answers by status, per round |"
echo "|---|---|---:|---:|---:|---:|---|"
for load in "${LOADS[@]}"; do
  for target in "${TARGETS[@]}"; do
    echo "| $target | $load | $(echo "${RPS[$target-$load]}" | median | awk '{ printf "%.0f", $1 }') | $(echo "${P50[$target-$load]}" | median) | $(echo "${P99[$target-$load]}" | median) | ${ERRORS[$target-$load]} | ${HOSTILE[$target-$load]} |"
  done
done
