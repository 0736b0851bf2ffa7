#!/bin/bash
# A GAS deployment's accounts database as the user source, on the local backend: a real
# PostgreSQL (Debian's postgresql-15, initdb into a temp dir, unix socket only), table
# profiles as GAS's web app makes it, gas and gasd configured with nothing but
# user_source = postgres and accounts_dsn. gas users list reads profiles; a free user's job
# completes, is notified at the profile's address and archived; gas upgrade writes
# premium_user (and updated) to profiles and the result is restored with identical bytes;
# the console's data (gas top --json) shows the users from profiles; a statement held up by
# a lock ends at its timeout. Then the database is
# stopped under the running gasd: the next job completes, notify and archive wait and
# retry with the database's error in the log (past the queues' receive limit), gas users list says what is wrong; once the
# database is back the job is notified and archived and nothing was dead-lettered.
SUITE=accounts
. "$(dirname "$0")/pipeline_lib.sh"
. "$(dirname "$0")/pg_lib.sh"
cd "$WORK" || exit 2
# a message is dead-lettered at its 4th receive: an outage longer than that loses nothing
export GAS_QUEUE_MAX_RECEIVES=3
[ "$T" = 1 ] && export GAS_ARCHIVE_GRACE=4 # time to download the result before it is archived
if [ ! -x "$PG_BIN/initdb" ]; then
  echo "FAIL $PG_BIN/initdb not found (scripts/install-deps.sh installs postgresql-15)"
  echo "accounts: 0 passed, 1 failed"
  exit 1
fi
PG=$(mktemp -d "${TMPDIR:-/tmp}/gas-pg-XXXXXX")
trap 'stop_gasd; pg_stop "$PG"; rm -rf "$WORK" "$PG"' EXIT
require "postgres started, profiles created" sh -c \
  ". '$GAS_ROOT/tests/system/pg_lib.sh'; pg_init '$PG' && pg_start '$PG' && pg_accounts '$PG'"
ANN=5c1c4a2e-7a3e-4f55-9d7a-1c2b3d4e5f60 PAT=9d0e2b44-1111-4a2b-8c3d-222233334444
CAL=0f6e0c1a-3b2c-4d5e-8f90-a1b2c3d4e5f6
pg_sql "$PG" "INSERT INTO profiles (identity_id, name, email, institution) VALUES
  ('$ANN', 'Ann Free', 'ann@example.org', 'UChicago'), ('$CAL', 'Cal Free', 'cal@example.org', 'MIT');
  INSERT INTO profiles (identity_id, name, email, role) VALUES ('$PAT', 'Pat Prem', 'pat@example.org', 'premium_user');
  UPDATE profiles SET created = '2024-01-01', updated = '2024-01-01'"
# the operator's config: a file in another directory, only the DSN
mkdir -p etc && cat > etc/gas.conf <<CONF
user_source = postgres
accounts_dsn = "host=$PG/sock dbname=accounts user=gas"
CONF
export GAS_CONFIG=$WORK/etc/gas.conf GAS_OUTBOX_DIR=$WORK/outbox
check "gas setup makes the system (jobs, queues) beside the accounts database" 0 gas setup

check_out "users list reads profiles" 0 "^$ANN +free_user +Ann Free +ann@example.org" gas users list
check_out "users list: premium from profiles" 0 "^$PAT +premium_user" gas users list
check_out "users add: users live in the accounts database" 1 "add them there" gas users add bob
check_out "upgrade of an unknown identity fails" 1 "no user 00000000-0000-4000-8000-000000000000" \
  gas upgrade 00000000-0000-4000-8000-000000000000
check_out "a role the server does not know: a clear error" 1 'accounts database: .*role "nosuch" does not exist' \
  env GAS_ACCOUNTS_DSN="host=$PG/sock dbname=accounts user=nosuch" gas users list
check_out "gas config hides the DSN" 0 'accounts_dsn = "\[redacted\]"' gas config

start_gasd
J=$(submit "$SAMPLES/free_1.vcf" "$ANN")
require "free user's job COMPLETED" wait_field "$J" job_status COMPLETED
expect "result downloadable" gas download "$J" -o first.vcf
expect "notified at the address in profiles" wait_file "outbox/$J.eml"
expect "email addressed from profiles" grep -q "^To: Ann Free <ann@example.org>" "outbox/$J.eml"
require "free user's job ARCHIVED" wait_field "$J" archive_state ARCHIVED 30
check_out "upgrade through gas: its one archived result asked back" 0 "is premium_user; restore of 1 archived result requested$" gas upgrade "$ANN"
expect "profiles.role is premium_user" \
  test "$(pg_sql "$PG" "SELECT role FROM profiles WHERE identity_id = '$ANN'")" = premium_user
expect "profiles.updated moved" \
  test "$(pg_sql "$PG" "SELECT updated > '2024-01-02' FROM profiles WHERE identity_id = '$ANN'")" = t
require "restored (archive_state NONE)" wait_field "$J" archive_state NONE 30
expect "identical bytes after the round trip" \
  sh -c "gas download $J -o again.vcf && cmp -s first.vcf again.vcf"
check_out "upgrade again: premium already" 0 "premium_user already" gas upgrade "$ANN"
check_out "console data: users from profiles with their jobs" 0 "^$ANN premium_user 1$" \
  sh -c "gas top -b -n 1 --json | python3 -c '
import json, sys
for u in json.load(sys.stdin)[\"users\"]:
    print(u[\"user_id\"], u[\"role\"], u.get(\"jobs\"))'"
wait_count() { # wait_count PATTERN N [SECONDS]: until gasd.log has N matching lines
  local i limit=$(( ${3:-30} * 10 * T ))
  for ((i = 0; i < limit; i++)); do
    [ "$(grep -cE -- "$1" "$WORK/gasd.log")" -ge "$2" ] && return 0
    sleep 0.1
  done
  echo "    gasd.log has $(grep -cE -- "$1" "$WORK/gasd.log") lines matching /$1/, waited for $2"
  return 1
}
# a statement held up by a lock ends at accounts_statement_timeout_ms, with a clear error
psql -X -q -h "$PG/sock" -p "$(cat "$PG/port")" -U gas -d accounts -c "SELECT 1 FROM profiles
  WHERE identity_id = '$PAT' FOR UPDATE; SELECT pg_sleep(60)" >/dev/null 2>&1 &
LOCKER=$!
held() { [ "$(pg_sql "$PG" "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()")" = 1 ]; }
for ((i = 0; i < 100 * T; i++)); do held && break; sleep 0.1; done
t0=$(date +%s%N)
check_out "a locked profile: downgrade ends at the statement timeout" 1 \
  "accounts database: canceling statement due to statement timeout" \
  env GAS_ACCOUNTS_STATEMENT_TIMEOUT_MS=300 gas downgrade "$PAT"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "... within seconds, not the lock's 60 s (${ms} ms)" test "$ms" -lt 10000
pg_sql "$PG" "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()" >/dev/null
wait "$LOCKER"
check_out "the lock gone, the profile is unchanged" 0 "^$PAT +premium_user" gas users list

# the database goes away under the running gasd (its pooled connections break)
pg_stop "$PG"
check_out "users list while the database is down says why" 1 \
  "users list: accounts database: connection to server on socket .* failed" gas users list
check_out "upgrade while the database is down fails clearly" 1 "accounts database: connection" \
  gas upgrade "$CAL"
check_out "submit while the database is down fails clearly" 1 "accounts database: connection" \
  gas submit "$SAMPLES/free_1.vcf" --user "$CAL"
gas send gas_restore "{\"user_id\": \"$ANN\"}" >/dev/null # a restore request reaches gasd
expect "restore waits and retries under the running gasd" \
  wait_count "restore: .*role of $ANN unknown: accounts database: connection" 2
stop_gasd
expect "gasd stops cleanly while the database is down (exit $GASD_RC)" test "$GASD_RC" = 0
# a job made while the database was up, taken by a gasd that starts while it is down
pg_start "$PG"
K=$(submit "$SAMPLES/free_1.vcf" "$CAL")
# the console's data (gas top, as the console collects it), read once while the database is up
gas top -b -n 300 -d 0.2 --json > top.jsonl 2>/dev/null &
TOP=$!
require "gas top read the data once" sh -c "for i in \$(seq 1 $((100 * T))); do [ -s top.jsonl ] && exit 0; sleep 0.1; done; exit 1"
pg_stop "$PG"
start_gasd
require "job COMPLETED while the database is down" wait_field "$K" job_status COMPLETED
# the accounts database down does not freeze the rest: jobs and queues stay current, the
# users as last read, the error said
cat > top_sees.py <<'PY'
import json, sys
k, cal = sys.argv[1], sys.argv[2]
first = None
for line in open("top.jsonl"):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    first = first or m  # read with the database up, the job not done
    if "users:" in m.get("error", "") and m["jobs"]["COMPLETED"] > first["jobs"]["COMPLETED"] \
            and any(u["user_id"] == cal for u in m["users"]):
        sys.exit(0)
sys.exit(1)
PY
expect "console data while the database is down: the job's COMPLETED counted, the users as last read, the error named" \
  sh -c "for i in \$(seq 1 $((100 * T))); do python3 top_sees.py '$K' '$CAL' && exit 0; sleep 0.2; done; exit 1"
kill "$TOP" 2>/dev/null; wait "$TOP" 2>/dev/null
expect "notify waits and retries past the receive limit, the database's error in the log" \
  wait_count "email for $K waits: accounts database: connection to server" 5 60
expect "archive waits for the role re-check" wait_log "archive: .*role of $CAL unknown: accounts database"
expect "not notified while down" test ! -e "outbox/$K.eml"
expect "not archived while down" test "$(field "$K" archive_state)" = NONE
pg_start "$PG"
expect "notified once the database is back" wait_file "outbox/$K.eml" 60
expect "archived once the database is back" wait_field "$K" archive_state ARCHIVED 60
check_out "nothing dead-lettered" 0 '"dead": 0' sh -c "gas status --json | python3 -c '
import json,sys; s=json.load(sys.stdin); print(\"\\\"dead\\\": %d\" % sum(q.get(\"dead\",0) for q in s[\"queues\"]))'"
check_out "users list works again" 0 "^$CAL +free_user" gas users list
expect "no password or DSN in the log" sh -c "! grep -q 'user=gas' '$WORK/gasd.log'"
finish_pipeline accounts
