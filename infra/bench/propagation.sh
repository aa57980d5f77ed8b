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
log() { echo "[propagation] $*" >&2; }

# shellcheck source=cluster.sh
. infra/bench/cluster.sh

cleanup() {
  cluster_cleanup
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres bench
build_gateway
# The fallback poll is pushed out of the way: what arrives within the run was pushed.
export GATEWAY_DB_UPDATE_FREQUENCY=300
start_three_nodes

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
