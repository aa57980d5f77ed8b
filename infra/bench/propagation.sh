#!/usr/bin/env bash
# Propagation benchmark: three gateway nodes on loopback (one PostgreSQL store, PostgreSQL membership).
# Makes N route writes (default 200) on node A, one after the other; after each 201, times how long
# until nodes B and C each have the route, and prints p50, p99 and max per node and for "both".
#
#   infra/bench/propagation.sh [WRITES]
#   PROBE=admin (default): B and C have it when their Admin API answers GET /routes/{name} with 200.
#   PROBE=proxy: B and C have it when their proxy answers the route's path with anything but 404
#                (needs the router; the route points at a service on a closed port, so expect 502).
#   ROUTES=1000: routes written before the run, so each write rebuilds a router of that size.
#   LOAD=1: the proxy benchmark's load meanwhile: wrk (CONNECTIONS=32 over B and C) through B and C to an
#           nginx backend (a fixed small body, keep-alive), started after the routes, stopped after the run.
#   STAGES=1: the nodes log at debug, and each write's refresh on B and C is broken into stages (lock wait,
#             change-log read, rows re-read, snapshot build and swap, router build, GC pauses) from their
#             "config version ... live" lines, lined up by the write's start; prints each stage's p50/p99/max
#             and the slowest writes' breakdown. Cheap: the timings cost one level check when off.
#
# Starts its own PostgreSQL (initdb in a temp folder, as infra/test.sh does) unless BENCH_PG_PORT
# names one that already runs with a 'gateway' role. Needs root (runuser), python3, psql.
set -euo pipefail
cd "$(dirname "$0")/../.."
WRITES=${1:-200}
PROBE=${PROBE:-admin}
ROUTES=${ROUTES:-0}
LOAD=${LOAD:-0}
STAGES=${STAGES:-0}
CONNECTIONS=${CONNECTIONS:-32}
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
log() { echo "[propagation] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

WRK_PIDS=()
cleanup() {
  for pid in "${WRK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$WORK/backend.pid" ]; then kill "$(cat "$WORK/backend.pid")" 2>/dev/null || true; fi
  cluster_cleanup
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres bench
build_gateway
# The fallback poll is pushed out of the way: what arrives within the run was pushed.
export GATEWAY_DB_UPDATE_FREQUENCY=300
if [ "$STAGES" = 1 ]; then export GATEWAY_LOG_LEVEL=debug; fi
start_three_nodes

if [ "$ROUTES" -gt 0 ]; then
  log "writing $ROUTES routes first"
  python3 - "$ROUTES" "${ADMIN[A]}" <<'PY'
import http.client, json, sys
routes, port = int(sys.argv[1]), int(sys.argv[2])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
def post(path, body):
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    response = conn.getresponse(); response.read()
    assert response.status == 201, f"POST {path} answered {response.status}"
post("/services", {"name": "present", "url": "http://127.0.0.1:9/"})
for i in range(routes):
    post("/services/present/routes", {"name": f"present-{i}", "paths": [f"/present-{i}"]})
PY
fi

if [ "$LOAD" = 1 ]; then
  BACKEND_PORT=$(free_port)
  cat > "$WORK/backend.conf" <<CONF
worker_processes 1;
pid $WORK/backend.pid;
error_log $WORK/backend-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$BACKEND_PORT; default_type text/plain; location / { return 200 "hello from the backend\n"; } }
}
CONF
  nginx -p "$WORK" -c "$WORK/backend.conf" -e "$WORK/backend-startup.log"
  curl -sf -o /dev/null -X POST "127.0.0.1:${ADMIN[A]}/services" -d name=load -d "url=http://127.0.0.1:$BACKEND_PORT/"
  curl -sf -o /dev/null -X POST "127.0.0.1:${ADMIN[A]}/services/load/routes" -d name=load -d "paths[]=/load"
  sleep 1
  for node in B C; do
    wrk -t1 -c$((CONNECTIONS / 2)) -d3600s "http://127.0.0.1:${PROXY[$node]}/load" >"$WORK/wrk-$node.log" 2>&1 &
    WRK_PIDS+=($!)
  done
  log "wrk load through B and C ($CONNECTIONS connections)"
  sleep 5
fi

log "$WRITES route writes on A, probe: $PROBE, $ROUTES routes present, load: $LOAD; $(uptime | sed 's/.*load/load/')"
python3 - "$WRITES" "$PROBE" "${ADMIN[A]}" "${ADMIN[B]}" "${ADMIN[C]}" "${PROXY[B]}" "${PROXY[C]}" "$STAGES" "$WORK/B.log" "$WORK/C.log" <<'PY'
import http.client, json, math, re, sys, threading, time, uuid

writes, probe = int(sys.argv[1]), sys.argv[2]
admin_a, admin_b, admin_c, proxy_b, proxy_c = map(int, sys.argv[3:8])
stages, logs = sys.argv[8] == "1", {"B": sys.argv[9], "C": sys.argv[10]}

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

sent_at = []  # CLOCK_MONOTONIC ns when each write was sent: the nodes' Stopwatch ticks on Linux
for i in range(writes):
    name = f"bench-{run}-{i}"
    sent_at.append(time.monotonic_ns())
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

if stages:
    # Each node's refreshes in the order they went live; a write's is the first one that went live after it was sent.
    pattern = re.compile(r"config version (\d+) live ([\d.]+) ms after it was asked for: lock wait ([\d.]+) ms, change log ([\d.]+) ms "
                         r"\((\d+) changes\), rows ([\d.]+) ms, snapshot build and swap ([\d.]+) ms \(router ([\d.]+) ms\), "
                         r"GC pauses ([\d.]+) ms \[asked (\d+), live (\d+)\]")
    columns = ["push", "total", "lock wait", "change log", "changes", "rows", "build+swap", "router", "gc pauses"]
    per_write = {}
    for node, path in logs.items():
        refreshes = [(int(m.group(11)), int(m.group(10)), [float(x) for x in m.groups()[1:9]])
                     for m in map(pattern.search, open(path, errors="replace")) if m]
        for i, sent in enumerate(sent_at):
            mine = next((r for r in refreshes if r[0] > sent), None)
            if mine:
                live, asked, values = mine
                # push: from the write's start on A to the push's arrival here (A's write and commit included).
                per_write.setdefault(i, {})[node] = [(asked - sent) / 1e6] + values
    print("stages on B and C per write, ms ('push': from the write's start on A to the push's arrival; 'total': from the push to live)")
    print(f"{'stage':<12}{'p50':>10}{'p99':>10}{'max':>10}")
    for k, column in enumerate(columns):
        values = [v[k] for w in per_write.values() for v in w.values()]
        if values:
            print(f"{column:<12}{percentile(values, 50):>10.2f}{percentile(values, 99):>10.2f}{max(values):>10.2f}")
    slowest = sorted(range(writes), key=lambda i: -latencies["both"][i])[:max(3, writes // 100)]
    print("slowest writes (both), their stages on B / C:")
    for i in slowest:
        parts = " | ".join(f"{node}: " + " ".join(f"{c}={v:.1f}" for c, v in zip(columns, vals))
                           for node, vals in sorted(per_write.get(i, {}).items()))
        print(f"  write {i}: {latencies['both'][i]:.1f} ms  {parts}")
PY
