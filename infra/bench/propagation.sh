#!/usr/bin/env bash
# Propagation benchmark: three gateway nodes on loopback (one PostgreSQL store, PostgreSQL membership).
# Makes N route writes (default 200) on node A, one after the other; after each 201, times how long
# until nodes B and C each have the route, and prints p50, p99 and max per node and for "both".
#
#   infra/bench/propagation.sh [WRITES]
#   PROBE=admin (default): B and C have it when their Admin API answers GET /routes/{name} with 200.
#   PROBE=proxy: B and C have it when their proxy answers the route's path with anything but 404
#                (needs the router; the route points at a service on a closed port, so expect 502).
#
# Starts its own PostgreSQL (initdb in a temp folder, as infra/test.sh does) unless BENCH_PG_PORT
# names one that already runs with a 'gateway' role. Needs root (runuser), python3, psql.
set -euo pipefail
cd "$(dirname "$0")/../.."
WRITES=${1:-200}
PROBE=${PROBE:-admin}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
STARTED_PG=0

log() { echo "[propagation] $*" >&2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$STARTED_PG" = 1 ]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
if [ -n "${BENCH_PG_PORT:-}" ]; then
  PG_PORT=$BENCH_PG_PORT
else
  PG_PORT=$(free_port)
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  mkdir -p "$WORK/pg" && chown postgres:postgres "$WORK/pg"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg" --auth=trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$WORK/pg -c fsync=off" start >/dev/null
  STARTED_PG=1
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE gateway LOGIN SUPERUSER" >/dev/null
fi
DB="bench_$(date +%s)_$$"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $DB OWNER gateway" >/dev/null

log "building (Release)"
dotnet build Gateway.Node -c Release -nologo -v quiet -o "$WORK/bin" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
GATEWAY=(dotnet "$WORK/bin/gateway.dll")

export GATEWAY_DATABASE=postgres GATEWAY_PG_HOST=127.0.0.1 GATEWAY_PG_PORT=$PG_PORT GATEWAY_PG_USER=gateway GATEWAY_PG_DATABASE=$DB
export GATEWAY_CLUSTER_MEMBERSHIP=postgres GATEWAY_CLUSTER_ID=$DB GATEWAY_SERVICE_ID=$DB
# The fallback poll is pushed out of the way: what arrives within the run was pushed.
export GATEWAY_DB_UPDATE_FREQUENCY=300 GATEWAY_LOG_LEVEL=warn
"${GATEWAY[@]}" migrations bootstrap >/dev/null

declare -A ADMIN PROXY STATUS
for node in A B C; do
  ADMIN[$node]=$(free_port); PROXY[$node]=$(free_port); STATUS[$node]=$(free_port)
  mkdir -p "$WORK/$node"
  "${GATEWAY[@]}" start --prefix "$WORK/$node" \
    --admin_listen "127.0.0.1:${ADMIN[$node]}" --proxy_listen "127.0.0.1:${PROXY[$node]}" \
    --status_listen "127.0.0.1:${STATUS[$node]}" --admin_gui_listen "127.0.0.1:$(free_port)" \
    --cluster_listen "127.0.0.1:$(free_port)" >"$WORK/$node.log" 2>&1 &
  PIDS+=($!)
done

log "waiting for three active silos"
for _ in $(seq 600); do
  active=0
  for node in A B C; do
    n=$(curl -s "127.0.0.1:${STATUS[$node]}/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["cluster"]["active"])' 2>/dev/null || echo 0)
    [ "$n" = 3 ] && active=$((active + 1))
  done
  [ "$active" = 3 ] && break
  sleep 0.1
done
[ "$active" = 3 ] || { log "the cluster did not form"; tail -n 20 "$WORK"/*.log; exit 1; }

log "$WRITES route writes on A, probe: $PROBE"
python3 - "$WRITES" "$PROBE" "${ADMIN[A]}" "${ADMIN[B]}" "${ADMIN[C]}" "${PROXY[B]}" "${PROXY[C]}" <<'PY'
import http.client, json, math, sys, threading, time, uuid

writes, probe = int(sys.argv[1]), sys.argv[2]
admin_a, admin_b, admin_c, proxy_b, proxy_c = map(int, sys.argv[3:8])

def connect(port):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=10)

def call(conn, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status

a = connect(admin_a)
status = call(a, "POST", "/services", {"name": "bench", "url": "http://127.0.0.1:9/"})
assert status == 201, f"creating the service answered {status}"

ports = {"B": admin_b, "C": admin_c} if probe == "admin" else {"B": proxy_b, "C": proxy_c}
probes = {node: connect(port) for node, port in ports.items()}
latencies = {"B": [], "C": [], "both": []}
run = uuid.uuid4().hex[:8]

def has_it(conn, name):
    if probe == "admin":
        return call(conn, "GET", f"/routes/{name}") == 200
    return call(conn, "GET", f"/{name}") != 404

for i in range(writes):
    name = f"bench-{run}-{i}"
    status = call(a, "POST", "/services/bench/routes", {"name": name, "paths": [f"/{name}"]})
    created = time.perf_counter()
    assert status == 201, f"write {i} answered {status}"
    seen = {}

    def wait(node):
        while not has_it(probes[node], name):
            if time.perf_counter() - created > 30:
                raise SystemExit(f"{node} did not get {name} within 30 s")
        seen[node] = (time.perf_counter() - created) * 1000

    threads = [threading.Thread(target=wait, args=(node,)) for node in probes]
    for t in threads: t.start()
    for t in threads: t.join()
    latencies["B"].append(seen["B"])
    latencies["C"].append(seen["C"])
    latencies["both"].append(max(seen["B"], seen["C"]))

def percentile(values, p):
    # Nearest rank: the smallest value with at least p% of the values at or below it.
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

print(f"propagation of {writes} route writes on A (probe: {probe}), ms from A's 201")
print(f"{'node':<6}{'p50':>10}{'p99':>10}{'max':>10}")
for node in ("B", "C", "both"):
    values = latencies[node]
    print(f"{node:<6}{percentile(values, 50):>10.2f}{percentile(values, 99):>10.2f}{max(values):>10.2f}")
PY
