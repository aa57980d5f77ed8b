#!/usr/bin/env bash
# Starts a throw-away OpenLDAP server (Debian's slapd) for the ldap-auth tests: its own slapd.conf and mdb
# database under DIR, plain LDAP (and StartTLS, with a self-signed certificate) on 127.0.0.1:PORT, LDAPS on
# PORT+1, seeded with dc=example,dc=com and the users of ou=users (uid=einstein/password, uid=curie/radium).
# Usage: infra/slapd.sh DIR PORT (does nothing when PORT already answers LDAP). Stop it with: kill "$(cat DIR/slapd.pid)". Needs slapd, ldap-utils, openssl.
set -euo pipefail
DIR=$1
PORT=$2
SLAPD=$(command -v slapd || echo /usr/sbin/slapd)
if ldapsearch -x -H "ldap://127.0.0.1:$PORT" -b "" -s base >/dev/null 2>&1; then
  exit 0 # already up (a developer's earlier start)
fi
rm -rf "$DIR/data" && mkdir -p "$DIR/data"

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$DIR/key.pem" -out "$DIR/cert.pem" >/dev/null 2>&1
chmod 644 "$DIR/key.pem"

cat >"$DIR/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $DIR/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile $DIR/cert.pem
TLSCertificateKeyFile $DIR/key.pem
database mdb
maxsize 16777216
suffix "dc=example,dc=com"
rootdn "cn=admin,dc=example,dc=com"
rootpw admin
directory $DIR/data
CONF

"$SLAPD" -f "$DIR/slapd.conf" -h "ldap://127.0.0.1:$PORT/ ldaps://127.0.0.1:$((PORT + 1))/"
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
