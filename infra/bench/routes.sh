#!/usr/bin/env bash
# Routes benchmark (issue 20, item 1): RSS, start-up time and match latency of a node with 0 routes besides one,
# 1,000 regex routes, and 10,000 mixed routes, each loaded from a declarative file as a user would.
#
#   flock /tmp/bench.lock bash infra/bench/routes.sh
#   GATEWAY2_DLL=/path/to/other/build/gateway.dll ... # the same variants against another build, after this one
#
# Per build and variant: start-up is process start to the first proxied 200 (on /normal, a prefix route every regex
# route is tried before, as Kong orders them); RSS is VmRSS then, and after the latency run (VmHWM is the peak).
# Latency: wrk -c1 --latency for DURATION on a path matched by the table's last regex route (or /normal with no regex
# routes); the router's share is the p99 over the 0-route variant's in the same run.
#
# Settings (environment): DURATION=8s BUILD=1 (0: the last Release build) GATEWAY2_DLL
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-8s}
GATEWAY2_DLL=${GATEWAY2_DLL:-}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
log() { echo "[routes] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

cleanup() {
  cluster_cleanup
  [ ! -s "$WORK/backend.pid" ] || kill -QUIT "$(cat "$WORK/backend.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || apt-get install -y wrk nginx >/dev/null
start_backend

write_config() { # variant -> $WORK/<variant>.yml; prints the path the latency run requests
  local variant=$1 file="$WORK/$1.yml"
  python3 - "$variant" "$BACKEND_PORT" >"$file" <<'PY'
import sys
variant, port = sys.argv[1], sys.argv[2]
print('_format_version: "3.0"\nservices:\n- name: bench\n  url: http://127.0.0.1:%s\n  routes:' % port)
print('  - name: normal\n    paths: [/normal]')
if variant == "regex1000":
    for i in range(1000):
        print("  - name: rx-%d\n    paths: ['~/api/v%d/users/(?<id>\\d+)/orders/([a-z0-9-]+)$']" % (i, i))
elif variant == "mixed10000":
    for i in range(10000):
        kind = i % 10
        if kind < 4:
            print("  - name: p-%d\n    paths: [/svc%d/items]" % (i, i))
        elif kind < 7:
            print("  - name: h-%d\n    hosts: [h%d.example.test]\n    paths: [/]" % (i, i))
        elif kind < 9:
            print("  - name: rx-%d\n    paths: ['~/r%d/(\\d+)/([a-z]+)$']" % (i, i))
        else:
            print("  - name: m-%d\n    methods: [POST, PUT]\n    paths: [/m%d]" % (i, i))
PY
  case $variant in
    regex1000) echo "/api/v999/users/42/orders/abc-1" ;;
    mixed10000) echo "/r9998/42/abc" ;;
    *) echo "/normal" ;;
  esac
}

kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

measure() { # build-label command... ; reads VARIANT and TARGET
  local label=$1; shift
  local port admin status pid start ms
  port=$(free_port); admin=$(free_port); status=$(free_port)
  mkdir -p "$WORK/prefix-$port"
  start=$(date +%s%N)
  "$@" start --prefix "$WORK/prefix-$port" --database off --declarative_config "$WORK/$VARIANT.yml" \
    --proxy_listen "127.0.0.1:$port" --admin_listen "127.0.0.1:$admin" --status_listen "127.0.0.1:$status" \
    --admin_gui_listen off --cluster_listen "127.0.0.1:$(free_port)" \
    --log_level warn >"$WORK/logs/node-$port.log" 2>&1 &
  pid=$!
  CLUSTER_PIDS+=("$pid")
  local up=0
  for _ in $(seq 1200); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port/normal")" = 200 ]; then up=1; break; fi
    sleep 0.05
  done
  [ "$up" = 1 ] || { log "the node did not serve /normal:"; tail -20 "$WORK/logs/node-$port.log" >&2; exit 1; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  local rss_start status_code
  rss_start=$(kb "$pid" VmRSS)
  status_code=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port$TARGET")
  wrk -t1 -c1 -d"$DURATION" --latency "http://127.0.0.1:$port$TARGET" >"$WORK/wrk.out" 2>&1
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$VARIANT" "$ms" "$(mb "$rss_start")" \
    "$(mb "$(kb "$pid" VmRSS)")" "$(mb "$(kb "$pid" VmHWM)")" "$status_code" \
    "$(awk '$1 == "50%" { print $2 }' "$WORK/wrk.out")" "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.out")"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'CLUSTER_PIDS[-1]'
}

build_gateway
BUILDS=("this build|${GATEWAY[*]}")
[ -z "$GATEWAY2_DLL" ] || BUILDS+=("GATEWAY2_DLL|dotnet $GATEWAY2_DLL")

echo "wrk -t1 -c1 -d$DURATION --latency per variant; start-up = process start to the first proxied 200"
echo
echo "| build | routes | start-up ms | RSS at start MB | RSS after load MB | peak RSS MB | status | p50 | p99 |"
echo "|---|---|---:|---:|---:|---:|---|---:|---:|"
for VARIANT in none regex1000 mixed10000; do
  TARGET=$(write_config "$VARIANT")
  for build in "${BUILDS[@]}"; do
    # shellcheck disable=SC2086 # the command is words
    measure "${build%%|*}" ${build#*|}
  done
done
