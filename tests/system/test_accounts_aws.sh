#!/bin/bash
# A GAS deployment on AWS (moto_server) whose users live in its accounts database: a real
# PostgreSQL on 127.0.0.1 with password authentication, its connection in a Secrets
# Manager secret (username, password, host, port, as GAS keeps rds/accounts_database),
# gasd configured with accounts_secret + accounts_dbname and notify_via = ses. A free user
# who exists only in profiles: the job completes, SES sends the email from the verified
# sender, the result is archived, gas upgrade writes premium_user to profiles, the result
# is restored with identical bytes. The database stops under the running gasd: a job the
# web app submits completes, its email waits and goes out once the database is back, and it
# is archived. The password is rotated and the server restarted: gasd reads the secret
# again. Then an unverified sender: the job's notify_error and
# gasd's log say SES refused it, and the message is dead-lettered with that reason. The
# database password reaches no log and no output.
SUITE=accounts_aws
. "$(dirname "$0")/pipeline_lib.sh"
. "$(dirname "$0")/aws_names.sh"
. "$(dirname "$0")/pg_lib.sh"
cd "$WORK" || exit 2
moto_or_skip
[ "$T" = 1 ] && export GAS_ARCHIVE_GRACE=4 # time to download the result before it is archived
TOOL="python3 $GAS_ROOT/tests/system/aws_tool.py"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null GAS_AWS_ENDPOINT=$GAS_TEST_AWS_ENDPOINT
unset AWS_SESSION_TOKEN AWS_PROFILE
PG=$(mktemp -d "${TMPDIR:-/tmp}/gas-pg-XXXXXX")
trap 'stop_gasd; pg_stop "$PG"; rm -rf "$WORK" "$PG"' EXIT
PORT=$(pg_free_port)
PW="pw-$RANDOM$RANDOM-secret"
require "postgres started on 127.0.0.1:$PORT, profiles created" sh -c \
  ". '$GAS_ROOT/tests/system/pg_lib.sh'; pg_init '$PG' && pg_start '$PG' $PORT && pg_accounts '$PG'"
ANN=7a1c4a2e-7a3e-4f55-9d7a-1c2b3d4e5f61 PAT=8d0e2b44-1111-4a2b-8c3d-222233334445
pg_sql "$PG" "CREATE ROLE gasapp LOGIN PASSWORD '$PW'; GRANT SELECT, UPDATE ON profiles TO gasapp;
  INSERT INTO profiles (identity_id, name, email, institution) VALUES ('$ANN', 'Ann Free', 'ann@example.org', 'UChicago');
  INSERT INTO profiles (identity_id, name, email, role) VALUES ('$PAT', 'Pat Prem', 'pat@example.org', 'premium_user')"
run=$(printf '%04x%04x' $RANDOM $RANDOM)
$TOOL secret "rds/accounts_database-$run" \
  "{\"username\": \"gasapp\", \"password\": \"$PW\", \"host\": \"127.0.0.1\", \"port\": $PORT, \"engine\": \"postgres\"}"
SENDER="gas-$run@example.org"
$TOOL ses-verify "$SENDER"
aws_names "$run"
export GAS_BACKEND=aws GAS_WORK_DIR=$WORK GAS_USER_SOURCE=postgres \
  GAS_ACCOUNTS_SECRET=rds/accounts_database-$run GAS_ACCOUNTS_DBNAME=accounts \
  GAS_NOTIFY_VIA=ses GAS_SES_SENDER=$SENDER
check "bootstrap" 0 gas aws bootstrap
check_out "users list through the secret" 0 "^$ANN +free_user +Ann Free" gas users list
check_out "a wrong secret name is a clear error" 1 "secret rds/nope-$run: .*ResourceNotFound" \
  env GAS_ACCOUNTS_SECRET="rds/nope-$run" gas users list

start_gasd
J=$(submit "$SAMPLES/free_1.vcf" "$ANN")
require "free user's job COMPLETED" wait_field "$J" job_status COMPLETED
expect "result downloadable" gas download "$J" -o first.vcf
sent() { $TOOL ses-sent "$SENDER" | grep -c "^$1"$'\t'; }
wait_sent() { # TO N: until SES has sent N emails to TO from SENDER
  local i; for ((i = 0; i < 200 * T; i++)); do [ "$(sent "$1")" -ge "$2" ] && return 0; sleep 0.1; done
  echo "    SES sent $(sent "$1") emails to $1, waited for $2"; return 1
}
expect "SES sent the email to the address in profiles" wait_sent ann@example.org 1
expect "its subject names the file" \
  sh -c "$TOOL ses-sent '$SENDER' | grep -q 'ann@example.org.*free_1.vcf is complete'"
expect "gasd logged SES's message id" wait_log "email for $J sent to ann@example.org by ses \(message id"
require "free user's job ARCHIVED" wait_field "$J" archive_state ARCHIVED 30
check_out "upgrade through gas: its one archived result asked back" 0 "is premium_user; restore of 1 archived result requested$" gas upgrade "$ANN"
expect "profiles.role is premium_user" \
  test "$(pg_sql "$PG" "SELECT role FROM profiles WHERE identity_id = '$ANN'")" = premium_user
require "restored (archive_state NONE)" wait_field "$J" archive_state NONE 30
expect "identical bytes after the round trip" \
  sh -c "gas download $J -o again.vcf && cmp -s first.vcf again.vcf"
expect "one email per job (no duplicate)" test "$(sent ann@example.org)" = 1
P=$(submit "$SAMPLES/test.vcf" "$PAT")
expect "premium user's job notified too" wait_sent pat@example.org 1

# the database stops under the running gasd; the web app (boto3) still submits a job
CAL=2c6e0c1a-3b2c-4d5e-8f90-a1b2c3d4e5f7
pg_sql "$PG" "INSERT INTO profiles (identity_id, name, email) VALUES ('$CAL', 'Cal Free', 'cal@example.org')"
pg_stop "$PG"
W=$($TOOL submit "jobs_$run" "req_$run" "in-$run" "$CAL" "$SAMPLES/test.vcf")
require "web-app job COMPLETED while the database is down" wait_field "$W" job_status COMPLETED
expect "notify waits and retries, the database's error in the log" \
  sh -c "for i in \$(seq 1 $((300 * T))); do [ \$(grep -c 'email for $W waits: accounts database: connection to server at \"127.0.0.1\"' '$WORK/gasd.log') -ge 2 ] && exit 0; sleep 0.1; done; exit 1"
expect "no email while the database is down" test "$(sent cal@example.org)" = 0
pg_start "$PG" "$PORT"
expect "emailed once the database is back" wait_sent cal@example.org 1
expect "archived once the database is back" wait_field "$W" archive_state ARCHIVED 30
expect "nothing dead-lettered (gas dlq list: the header only)" test "$(gas dlq list | wc -l)" = 1

# the password is rotated (the secret updated, as RDS rotation does) and the server
# restarts: gasd's next connection is refused, it reads the secret again and carries on
NEWPW="pw2-$RANDOM$RANDOM-secret"
pg_sql "$PG" "ALTER ROLE gasapp PASSWORD '$NEWPW'"
$TOOL put-secret "rds/accounts_database-$run" \
  "{\"username\": \"gasapp\", \"password\": \"$NEWPW\", \"host\": \"127.0.0.1\", \"port\": $PORT, \"engine\": \"postgres\"}"
pg_stop "$PG" && pg_start "$PG" "$PORT"
R=$($TOOL submit "jobs_$run" "req_$run" "in-$run" "$CAL" "$SAMPLES/test.vcf")
expect "a refused password makes gasd read the secret again" \
  wait_log "password authentication failed for user \"gasapp\": reading secret rds/accounts_database-$run again" 30
expect "the job after the rotation is emailed" wait_sent cal@example.org 2
expect "... and nothing dead-lettered" test "$(gas dlq list | wc -l)" = 1
stop_gasd

# an unverified sender: a clear error, not a silent drop
start_gasd GAS_SES_SENDER="nobody-$run@example.org"
K=$(submit "$SAMPLES/test.vcf" "$PAT")
require "job COMPLETED" wait_field "$K" job_status COMPLETED
expect "gasd says SES refused the unverified sender" \
  wait_log "email for $K to pat@example.org not sent: .*MessageRejected.*not verified"
expect "the job's notify_error says why" \
  sh -c "gas show $K | grep -q '^notify_error .*MessageRejected.*not verified nobody-$run@example.org'"
check_out "the message is in the notify dead-letter queue" 0 "$K" gas dlq list "notify_$run"
expect "no email recorded as sent" test -z "$(field "$K" notify_time)"
stop_gasd
expect "the database password reaches no log" sh -c "! grep -q -- '$PW' '$WORK/gasd.log'"
expect "the rotated password reaches no log" sh -c "! grep -q -- '$NEWPW' '$WORK/gasd.log'"
expect "the secret JSON reaches no log" sh -c "! grep -q 'engine' '$WORK/gasd.log'"
finish_pipeline accounts_aws
