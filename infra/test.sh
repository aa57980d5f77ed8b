#!/usr/bin/env bash
# Runs the whole test suite. Installs (apt-get, as root) and starts on loopback what the tests need
# when it is absent: PostgreSQL, Redis and OpenLDAP's slapd (infra/slapd.sh) from Debian's packages. Stops what it started on exit.
# TEST_FILTER=... runs only the tests a dotnet test --filter expression picks.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${TEST_PG_PORT:-55432}
REDIS_PORT=${TEST_REDIS_PORT:-56379}
LDAP_PORT=${TEST_LDAP_PORT:-56389}
LDAPS_PORT=${TEST_LDAPS_PORT:-$((LDAP_PORT + 1))}
WORK=$(mktemp -d /tmp/gateway-test.XXXXXX)
chmod 755 "$WORK"
STARTED=()

log() { echo "[test.sh] $*"; }

cleanup() {
  for what in "${STARTED[@]}"; do
    case "$what" in
      postgres) runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true ;;
      redis) kill "$(cat "$WORK/redis.pid" 2>/dev/null)" 2>/dev/null || true ;;
      slapd) kill "$(cat "$WORK/ldap/slapd.pid" 2>/dev/null)" 2>/dev/null || true ;;
    esac
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

need_packages=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_packages+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need_packages+=(redis-server)
[ -x /usr/sbin/slapd ] || need_packages+=(slapd)
command -v ldapadd >/dev/null 2>&1 || need_packages+=(ldap-utils)
command -v openssl >/dev/null 2>&1 || need_packages+=(openssl)
# System.DirectoryServices.Protocols (ldap-auth) loads OpenLDAP's client library.
ls /usr/lib/*/libldap-2.5.so.0 >/dev/null 2>&1 || need_packages+=(libldap-2.5-0)
if [ ${#need_packages[@]} -gt 0 ]; then
  log "installing ${need_packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # slapd's own configuration is not wanted: infra/slapd.sh gives it one of its own.
  echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
fi
PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")

if ! pg_isready -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; then
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  mkdir -p "$WORK/pg" && chown postgres:postgres "$WORK/pg"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pg" --auth=trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg" -w -l "$WORK/pg/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$WORK/pg -c fsync=off" start >/dev/null
  STARTED+=(postgres)
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE ROLE gateway LOGIN SUPERUSER" >/dev/null
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE gateway OWNER gateway" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
  STARTED+=(redis)
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

if ! ldapsearch -x -H "ldap://127.0.0.1:$LDAP_PORT" -b "" -s base >/dev/null 2>&1; then
  log "starting slapd on 127.0.0.1:$LDAP_PORT (LDAPS on $LDAPS_PORT, its CA in $WORK/ldap/ca.pem)"
  bash infra/slapd.sh "$WORK/ldap" "$LDAP_PORT" "$LDAPS_PORT"
  STARTED+=(slapd)
fi

export TEST_PG_HOST=127.0.0.1 TEST_PG_PORT=$PG_PORT TEST_PG_USER=gateway TEST_PG_DATABASE=gateway
export TEST_REDIS_HOST=127.0.0.1 TEST_REDIS_PORT=$REDIS_PORT
# A slapd already up (a developer's earlier start) keeps its CA where TEST_LDAP_CA says.
export TEST_LDAP_HOST=127.0.0.1 TEST_LDAP_PORT=$LDAP_PORT TEST_LDAPS_PORT=$LDAPS_PORT TEST_LDAP_BASE_DN=ou=users,dc=example,dc=com
export TEST_LDAP_CA=${TEST_LDAP_CA:-$WORK/ldap/ca.pem}

log "building"
if ! dotnet build Gateway.sln -c Release -nologo -v quiet >"$WORK/build.log" 2>&1; then
  cat "$WORK/build.log"
  echo "0 passed, 1 failed"
  exit 1
fi
log "running the tests"
set +e
dotnet test Gateway.sln -c Release --no-build -nologo ${TEST_FILTER:+--filter "$TEST_FILTER"} --logger "console;verbosity=normal" 2>&1 | tee "$WORK/test.log"
status=${PIPESTATUS[0]}
set -e
# dotnet test's closing summary: "Total tests: N", then "Passed: N", "Failed: N", "Skipped: N" when non-zero.
count() { grep -Eo "^ +$1: +[0-9]+" "$WORK/test.log" | grep -Eo "[0-9]+" | tail -n 1 || true; }
passed=$(count Passed)
failed=$(count Failed)
skipped=$(count Skipped)
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
