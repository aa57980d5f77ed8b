#!/usr/bin/env bash
# Starts a throw-away OpenLDAP server (Debian's slapd) for the ldap-auth tests: its own slapd.conf and mdb
# database under DIR, plain LDAP on 127.0.0.1:PORT, seeded with dc=example,dc=com and the users of ou=users
# (uid=einstein/password, uid=curie/radium). With LDAPS_PORT, also TLS: a CA made now (DIR/ca.pem, what a client
# trusts) signs the server's certificate (for IP 127.0.0.1 only, not localhost), served as StartTLS on PORT and LDAPS on LDAPS_PORT.
# Usage: infra/slapd.sh DIR PORT [LDAPS_PORT] (does nothing when PORT already answers LDAP). Stop it with:
# kill "$(cat DIR/slapd.pid)". Needs slapd, ldap-utils, openssl.
set -euo pipefail
DIR=$1
PORT=$2
LDAPS_PORT=${3:-}
SLAPD=$(command -v slapd || echo /usr/sbin/slapd)
if ldapsearch -x -H "ldap://127.0.0.1:$PORT" -b "" -s base >/dev/null 2>&1; then
  exit 0 # already up (a developer's earlier start)
fi
rm -rf "$DIR/data" && mkdir -p "$DIR/data"

LISTEN="ldap://127.0.0.1:$PORT/"
TLS_CONF=""
if [ -n "$LDAPS_PORT" ]; then
  # EC keys: made in milliseconds, so TLS costs the start-up nothing.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=Gateway test LDAP CA" \
    -keyout "$DIR/ca.key" -out "$DIR/ca.pem" >/dev/null 2>&1
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$DIR/key.pem" -out "$DIR/server.csr" >/dev/null 2>&1
  printf "subjectAltName=IP:127.0.0.1\n" >"$DIR/server.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" -set_serial 1 -days 2 \
    -extfile "$DIR/server.ext" -out "$DIR/cert.pem" >/dev/null 2>&1
  chmod 644 "$DIR/key.pem"
  TLS_CONF="TLSCertificateFile $DIR/cert.pem
TLSCertificateKeyFile $DIR/key.pem"
  LISTEN="$LISTEN ldaps://127.0.0.1:$LDAPS_PORT/"
fi

cat >"$DIR/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $DIR/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
$TLS_CONF
database mdb
maxsize 16777216
suffix "dc=example,dc=com"
rootdn "cn=admin,dc=example,dc=com"
rootpw admin
directory $DIR/data
CONF

"$SLAPD" -f "$DIR/slapd.conf" -h "$LISTEN"
for _ in $(seq 50); do
  ldapsearch -x -H "ldap://127.0.0.1:$PORT" -b "" -s base >/dev/null 2>&1 && break
  sleep 0.1
done

ldapadd -x -H "ldap://127.0.0.1:$PORT" -D "cn=admin,dc=example,dc=com" -w admin >/dev/null <<LDIF
dn: dc=example,dc=com
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=users,dc=example,dc=com
objectClass: organizationalUnit
ou: users

dn: uid=einstein,ou=users,dc=example,dc=com
objectClass: inetOrgPerson
uid: einstein
cn: Albert Einstein
sn: Einstein
userPassword: password

dn: uid=curie,ou=users,dc=example,dc=com
objectClass: inetOrgPerson
uid: curie
cn: Marie Curie
sn: Curie
userPassword: radium
LDIF
