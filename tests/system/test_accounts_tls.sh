#!/bin/bash
# The accounts database over TLS with certificate verification, as gas reaches RDS: a real
# PostgreSQL with ssl = on and a server certificate for "localhost" from a private CA.
# sslmode=verify-full with accounts_sslrootcert = that CA connects; a bundle of another CA
# or a host name the certificate does not name is refused with a clear error (exit 1,
# "certificate"); a remote host without verification is refused before connecting.
SUITE=accounts_tls
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
cd "$WORK" || exit 2
PG=$(mktemp -d "${TMPDIR:-/tmp}/gas-pg-XXXXXX")
trap 'pg_stop "$PG"; rm -rf "$WORK" "$PG"' EXIT
ca() { # NAME: a CA key and certificate
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.pem" -days 2 \
    -subj "/CN=$1" >/dev/null 2>&1
}
ca ca && ca otherca
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost \
  >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost\n' > san.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.crt \
  -days 2 -extfile san.ext >/dev/null 2>&1
check "certificates made" 0 test -s server.crt
pg_init "$PG"
cp server.crt server.key "$PG/data/"
[ "$(id -u)" = 0 ] && chown postgres "$PG/data/server.crt" "$PG/data/server.key"
chmod 600 "$PG/data/server.key"
PORT=$(pg_free_port)
PW="pw-$RANDOM$RANDOM"
check "postgres with ssl = on started" 0 env PG_OPTS="-c ssl=on" bash -c \
  ". '$GAS_ROOT/tests/system/pg_lib.sh'; pg_start '$PG' $PORT && pg_accounts '$PG'"
pg_sql "$PG" "CREATE ROLE gasapp LOGIN PASSWORD '$PW'; GRANT SELECT, UPDATE ON profiles TO gasapp;
  INSERT INTO profiles (identity_id, name, email) VALUES ('3b1c4a2e-7a3e-4f55-9d7a-1c2b3d4e5f6a', 'Tia', 'tia@example.org')"
export GAS_DATA_DIR=$WORK/data GAS_USER_SOURCE=postgres
gas setup >/dev/null || bad "gas setup" "could not create the system"
DSN="host=localhost port=$PORT dbname=accounts user=gasapp password=$PW sslmode=verify-full"
check_out "verify-full with the server's CA connects" 0 "^3b1c4a2e-.* free_user +Tia" \
  env GAS_ACCOUNTS_DSN="$DSN" GAS_ACCOUNTS_SSLROOTCERT="$WORK/ca.pem" gas users list
check_out "another CA's bundle is refused" 1 "accounts database: .*certificate verify failed" \
  env GAS_ACCOUNTS_DSN="$DSN" GAS_ACCOUNTS_SSLROOTCERT="$WORK/otherca.pem" gas users list
check_out "a host the certificate does not name is refused" 1 \
  "accounts database: .*server certificate for \"localhost\".* does not match host name \"127.0.0.1\"" \
  env GAS_ACCOUNTS_DSN="${DSN/host=localhost/host=127.0.0.1}" GAS_ACCOUNTS_SSLROOTCERT="$WORK/ca.pem" \
  gas users list
check_out "a remote host without verification is refused before connecting (config error)" 2 \
  "sslmode=prefer does not verify the server; use verify-full" \
  env GAS_ACCOUNTS_DSN="host=db.example.org dbname=accounts sslmode=prefer" gas users list
out=$(env GAS_ACCOUNTS_DSN="$DSN" GAS_ACCOUNTS_SSLROOTCERT="$WORK/otherca.pem" gas users list 2>&1)
check "the password is in no error" 1 grep -q -- "$PW" <<<"$out"
check "the DSN is never shown by gas config" 1 sh -c \
  "GAS_ACCOUNTS_DSN='$DSN' gas config | grep -q -- '$PW'"
finish accounts_tls
