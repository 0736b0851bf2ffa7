# A private PostgreSQL server for the accounts-database tests (Debian's postgresql-15):
# initdb into a temp dir, pg_ctl start listening on a unix socket in that dir (and, with a
# port, on 127.0.0.1:PORT with password auth), as the postgres user when run as root.
# pg_start DIR [PORT]; pg_stop DIR; pg_sql DIR SQL (as the cluster's superuser "gas").
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
_pg_as() { (cd / && if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi); }
pg_init() { # DIR
  mkdir -p "$1/sock" && chmod 755 "$1"
  [ "$(id -u)" = 0 ] && chown -R postgres "$1"
  _pg_as "$PG_BIN/initdb" -D "$1/data" -U gas --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --no-sync >"$1/initdb.log" 2>&1
}
pg_start() { # DIR [PORT]; PG_OPTS: more server options
  local listen="''" port=${2:-5432}
  [ -n "${2:-}" ] && listen="127.0.0.1"
  echo "$port" > "$1/port"
  _pg_as "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/pg.log" -w -t 60 \
    -o "-k $1/sock -p $port -c listen_addresses=$listen -c fsync=off ${PG_OPTS:-}" start >/dev/null
}
pg_stop() { # DIR: fast shutdown (sessions are cut, as when RDS restarts)
  _pg_as "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w -t 60 stop >/dev/null 2>&1
}
pg_sql() { # DIR SQL...: runs on database accounts; prints tuples only, unaligned
  local d=$1; shift
  psql -X -q -v ON_ERROR_STOP=1 -At -h "$d/sock" -p "$(cat "$d/port")" -U gas -d accounts -c "$*"
}
pg_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The accounts database of a GAS deployment: table profiles as GAS's web app makes it.
pg_accounts() { # DIR
  psql -X -q -v ON_ERROR_STOP=1 -h "$1/sock" -p "$(cat "$1/port")" -U gas -d postgres -c "CREATE DATABASE accounts" &&
    pg_sql "$1" "CREATE TABLE profiles (identity_id UUID PRIMARY KEY, name VARCHAR(256),
      email VARCHAR(256), institution VARCHAR(256), role VARCHAR(32) DEFAULT 'free_user',
      created TIMESTAMP WITH TIME ZONE DEFAULT now(), updated TIMESTAMP WITH TIME ZONE DEFAULT now())"
}
