# Sourced by propagation.sh, ratelimit.sh and auth-flood.sh: PostgreSQL, three gateway nodes on loopback sharing it
# (store and membership), and the backend. The caller sets WORK (a temp folder), defines log(), and calls
# cluster_cleanup on exit (and stops the backend, "$WORK/backend.pid").
#
#   start_backend              -> BACKEND_PORT, BACKEND_TLS_PORT: nginx (nginx/backend.conf.in), logs in $WORK/logs
#   start_postgres DB_PREFIX   -> PG_PORT, DB (a fresh database); its own server unless BENCH_PG_PORT names one
#   build_gateway              -> GATEWAY (the command; BUILD=0 uses the last Release build, or BENCH_GATEWAY_DLL's)
#   start_three_nodes          -> ADMIN, PROXY, STATUS (ports by node A, B, C); waits for three active silos
#   cluster_cleanup            stops the nodes, and PostgreSQL when it started it

CLUSTER_PIDS=()
STARTED_PG=0
declare -A ADMIN PROXY STATUS

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cluster_cleanup() {
  for pid in "${CLUSTER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${CLUSTER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$STARTED_PG" = 1 ]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true; fi
}

start_backend() {
  BACKEND_PORT=$(free_port); BACKEND_TLS_PORT=$(free_port)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=localhost" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
  mkdir -p "$WORK/logs"
  sed -e "s#@WORK@#$WORK#g" -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@BACKEND_TLS_PORT@#$BACKEND_TLS_PORT#g" \
    "infra/bench/nginx/backend.conf.in" > "$WORK/backend.conf"
  nginx -p "$WORK" -c "$WORK/backend.conf" -e "$WORK/logs/backend-startup.log"
}

start_postgres() {
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
  DB="${1}_$(date +%s)_$$"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $DB OWNER gateway" >/dev/null
}

build_gateway() {
  if [ "${BUILD:-1}" = 1 ]; then
    log "building (Release)"
    dotnet build Gateway.Node -c Release -nologo -v quiet -o "$WORK/bin" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
    GATEWAY=(dotnet "$WORK/bin/gateway.dll")
  else
    GATEWAY=(dotnet "${BENCH_GATEWAY_DLL:-$(pwd)/Gateway.Node/bin/Release/net10.0/gateway.dll}")
  fi
}

# Bootstraps $DB, starts nodes A, B and C on it (extra GATEWAY_* settings come from the caller's environment)
# and waits until each sees three active silos.
start_three_nodes() {
  export GATEWAY_DATABASE=postgres GATEWAY_PG_HOST=127.0.0.1 GATEWAY_PG_PORT=$PG_PORT GATEWAY_PG_USER=gateway GATEWAY_PG_DATABASE=$DB
  export GATEWAY_CLUSTER_MEMBERSHIP=postgres GATEWAY_CLUSTER_ID=$DB GATEWAY_SERVICE_ID=$DB GATEWAY_LOG_LEVEL=${GATEWAY_LOG_LEVEL:-warn}
  "${GATEWAY[@]}" migrations bootstrap >/dev/null

  local node
  for node in A B C; do
    ADMIN[$node]=$(free_port); PROXY[$node]=$(free_port); STATUS[$node]=$(free_port)
    mkdir -p "$WORK/$node"
    "${GATEWAY[@]}" start --prefix "$WORK/$node" \
      --admin_listen "127.0.0.1:${ADMIN[$node]}" --proxy_listen "127.0.0.1:${PROXY[$node]}" \
      --status_listen "127.0.0.1:${STATUS[$node]}" --admin_gui_listen "127.0.0.1:$(free_port)" \
      --cluster_listen "127.0.0.1:$(free_port)" >"$WORK/$node.log" 2>&1 &
    CLUSTER_PIDS+=($!)
  done

  log "waiting for three active silos"
  local active=0 n
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
}
