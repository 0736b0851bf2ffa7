#!/bin/bash
# Worker reliability on the AWS backend (moto_server, GAS_TEST_AWS_ENDPOINT): bootstrap adds
# the due index to a jobs table made without it; a job whose worker died and whose request
# was purged is finished through the due index (GSI) by the reconciler; SIGTERM aborts an
# S3 download and an S3 upload in progress (curl's progress callback) and releases the job
# at once, and a fresh gasd completes it in under 10 s.
SUITE=aws_reliability
. "$(dirname "$0")/pipeline_lib.sh"
. "$(dirname "$0")/aws_names.sh"
cd "$WORK" || exit 2
moto_or_skip
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE
run=$(printf '%04x%04x' $RANDOM $RANDOM)
aws_names "$run"
export GAS_BACKEND=aws GAS_AWS_ENDPOINT=$GAS_TEST_AWS_ENDPOINT GAS_WORK_DIR=$WORK \
  GAS_OUTBOX_DIR=$WORK/outbox GAS_COLD_MODE=s3 GAS_RECONCILE_INTERVAL=1 \
  GAS_ARCHIVE_GRACE=3600
boto='import boto3, os
ep = os.environ["GAS_AWS_ENDPOINT"]
d = boto3.client("dynamodb", endpoint_url=ep, region_name="us-east-1")
s = boto3.client("sqs", endpoint_url=ep, region_name="us-east-1")'

# a jobs table as GAS's Python deployment made it: only user_id_index
python3 -c "$boto
d.create_table(TableName='jobs_$run', BillingMode='PAY_PER_REQUEST',
  AttributeDefinitions=[{'AttributeName': a, 'AttributeType': 'S'} for a in ('job_id', 'user_id')],
  KeySchema=[{'AttributeName': 'job_id', 'KeyType': 'HASH'}],
  GlobalSecondaryIndexes=[{'IndexName': 'user_id_index', 'Projection': {'ProjectionType': 'ALL'},
    'KeySchema': [{'AttributeName': 'user_id', 'KeyType': 'HASH'}]}])"
check "bootstrap over a table made without the due index" 0 gas aws bootstrap
indexes=$(python3 -c "$boto
print(' '.join(g['IndexName'] for g in d.describe_table(TableName='jobs_$run')['Table']['GlobalSecondaryIndexes']))")
expect "the due index was added ($indexes)" grep -q watch_index <<<"$indexes"
gas users add ann --email ann@example.org >/dev/null

# the reconciler: worker killed mid-job, request purged; the GSI finds the job
J=$(submit "$SAMPLES/free_1.vcf" ann)
start_gasd GAS_FAULT=annotate.running
expect "reconciler: gasd died mid-job" crashed_gasd
python3 -c "$boto
s.purge_queue(QueueUrl=s.get_queue_url(QueueName='req_$run')['QueueUrl'])"
expect "reconciler: RUNNING, request purged" test "$(field "$J" job_status)" = RUNNING
start_gasd
# (past its lease, or its worker lost a few heartbeats after it died: whichever comes first)
expect "reconciler: COMPLETED through the due index" wait_field "$J" job_status COMPLETED 40
expect "reconciler: logged" wait_log "job $J RUNNING (past its deadline|on worker [^ ]+, lost)" 5
stop_gasd

# SIGTERM aborts a transfer in progress (capped at 100 kB/s: premium_3.vcf takes ~28 s)
phase() { # NAME FAULTPOINT
  local j; j=$(submit "$SAMPLES/premium_3.vcf" ann)
  : > "$WORK/phase.log"
  env GAS_FAULT="$2:sleep=0.01" GAS_AWS_MAX_BYTES_PER_S=100000 GAS_SHUTDOWN_DEADLINE=20 \
    GAS_JOB_LEASE=120 GAS_QUEUE_VISIBILITY=60 gasd >> "$WORK/phase.log" 2>&1 &
  local pid=$!
  for ((i = 0; i < 600; i++)); do grep -q "fault point $2" "$WORK/phase.log" && break; sleep 0.1; done
  sleep 1 # the transfer is under way
  local t0; t0=$(date +%s.%N)
  kill -TERM $pid; wait $pid; local rc=$?
  local took; took=$(echo "$(date +%s.%N) - $t0" | bc)
  cat "$WORK/phase.log" >> "$WORK/gasd.log"
  expect "SIGTERM during the S3 $1: exit 0 in ${took} s (< 5, deadline 20)" \
    sh -c "[ $rc = 0 ] && [ \$(echo '$took < 5' | bc) = 1 ]"
  expect "SIGTERM during the S3 $1: job PENDING ($(field "$j" job_status))" \
    test "$(field "$j" job_status)" = PENDING
  start_gasd GAS_JOB_LEASE=120 GAS_QUEUE_VISIBILITY=60
  t0=$(date +%s.%N)
  wait_field "$j" job_status COMPLETED 10; local ok=$?
  took=$(echo "$(date +%s.%N) - $t0" | bc)
  expect "SIGTERM during the S3 $1: a fresh gasd completes it in ${took} s (< 10)" test $ok = 0
  stop_gasd
}
phase download annotate.fetch
phase upload annotate.upload

# AWS unreachable at start (many instances starting at once get throttled the same way):
# gasd tries again for a minute, saying so, and a SIGTERM meanwhile stops it
: > "$WORK/start.log"
env GAS_AWS_ENDPOINT=http://127.0.0.1:1 gasd >> "$WORK/start.log" 2>&1 &
sp=$!
expect "unreachable at start: gasd says it tries again" sh -c "for i in \$(seq 1 $((300 * T))); do grep -q 'starting: .*trying again in 2 s' '$WORK/start.log' && exit 0; sleep 0.1; done; exit 1"
kill -TERM "$sp"; wait "$sp"; src=$?
expect "... and SIGTERM stops it (exit $src, not 0: it never started)" test "$src" = 1
finish_pipeline "$SUITE"
