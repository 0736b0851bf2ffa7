#!/bin/bash
# The whole life of a job on the AWS backend, against moto_server (GAS_TEST_AWS_ENDPOINT),
# in both cold modes: gas aws bootstrap (twice: idempotent), a real gasd, submit,
# COMPLETED, download (also through the presigned link of gas show), archived after the
# grace period (hot copy gone, archive in the archive bucket's GLACIER class or in the
# vault), upgrade, restored, thawed, identical bytes, cold copy gone. Interop with GAS's
# Python code through boto3: a job made the way GAS's web app makes it (put_item, then an
# SNS publish of the item) is processed, and boto3 finds the result keys and the archive
# id where GAS's pages look; an item archived by GAS's Python code into a Glacier vault
# (only results_file_archive_id) is restored on upgrade. The secret never reaches a log.
SUITE=aws
. "$(dirname "$0")/pipeline_lib.sh"
. "$(dirname "$0")/aws_names.sh"
cd "$WORK" || exit 2
moto_or_skip
TOOL="python3 $GAS_ROOT/tests/system/aws_tool.py"
SECRET="gas-test-secret-$RANDOM$RANDOM"
export AWS_ACCESS_KEY_ID=AKIDGASTEST AWS_SECRET_ACCESS_KEY=$SECRET AWS_EC2_METADATA_DISABLED=true \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE
export GAS_BACKEND=aws GAS_AWS_ENDPOINT=$GAS_TEST_AWS_ENDPOINT GAS_WORK_DIR=$WORK \
  GAS_OUTBOX_DIR=$WORK/outbox GAS_THAW_POLL_INTERVAL=1

scenario() { # MODE: one run with its own resources
  local mode=$1 run; run=$(printf '%04x%04x' $RANDOM $RANDOM)
  aws_names "$run"
  export GAS_COLD_MODE=$mode
  echo "-- cold_mode $mode (resources *$run)"
  check_out "$mode: bootstrap prints what it made" 0 "cold   cold-$run" gas aws bootstrap
  check_out "$mode: bootstrap again is idempotent" 0 "bootstrap complete" gas aws bootstrap
  check_out "$mode: the wrong region: the error says where it looked and what may be wrong" 1 \
    "no table (jobs|users|workers)_$run in eu-west-3 at $GAS_TEST_AWS_ENDPOINT \(a mistyped aws_region or name\? a new deployment: gas aws bootstrap makes it\)" \
    env GAS_AWS_REGION=eu-west-3 gas jobs
  gas users add ann --email ann@example.org >/dev/null
  gas users add pat --email pat@example.org --premium >/dev/null
  start_gasd
  local J P K
  J=$(submit "$SAMPLES/free_1.vcf" ann)
  P=$(submit "$SAMPLES/test.vcf" pat)
  require "$mode: free job COMPLETED" wait_field "$J" job_status COMPLETED
  expect "$mode: gasd warns that emails stay in the outbox on this machine" \
    wait_log "emails are only written to $WORK/outbox on this machine \(notify_via auto, no smtp_url\)"
  expect "$mode: result downloadable" gas download "$J" -o "$mode-first.vcf"
  expect "$mode: result annotated" grep -q '^##INFO=<ID=GENE' "$mode-first.vcf"
  expect "$mode: count log readable" sh -c "gas log $J | grep -q '^total records: 1141'"
  local url; url=$(field "$J" download_url)
  expect "$mode: gas show gives a presigned link" grep -q 'X-Amz-Signature=' <<<"$url"
  expect "$mode: the link downloads the same bytes" \
    sh -c "curl -sf -o '$mode-link.vcf' '$url' && cmp -s '$mode-first.vcf' '$mode-link.vcf'"
  K=$(field "$J" s3_key_result_file)
  require "$mode: job ARCHIVED after the grace period" wait_field "$J" archive_state ARCHIVED 30
  local aid; aid=$(field "$J" results_file_archive_id)
  expect "$mode: archive id recorded" test -n "$aid"
  expect "$mode: hot copy gone" sh -c "! $TOOL exists out-$run '$K'"
  if [ "$mode" = s3 ]; then
    expect "s3: archive in the archive bucket, class GLACIER" \
      test "$($TOOL storage-class "cold-$run" "$aid")" = GLACIER
  fi
  expect "$mode: upgrade accepted" gas upgrade ann
  expect "$mode: restore uses Expedited" wait_log "job $J RESTORING \(Expedited"
  require "$mode: job thawed (archive_state NONE)" wait_field "$J" archive_state NONE 30
  expect "$mode: identical bytes after the round trip" \
    sh -c "gas download $J -o '$mode-again.vcf' && cmp -s '$mode-first.vcf' '$mode-again.vcf'"
  expect "$mode: archive id dropped" test -z "$(field "$J" results_file_archive_id)"
  if [ "$mode" = s3 ]; then
    expect "s3: cold copy deleted after thaw" sh -c "! $TOOL exists cold-$run '$aid'"
  fi
  expect "$mode: premium job COMPLETED" wait_field "$P" job_status COMPLETED
  expect "$mode: premium job never archived" test "$(field "$P" archive_state)" = NONE

  if [ "$mode" = s3 ]; then # a job made by GAS's web app
    local W; W=$($TOOL submit "jobs_$run" "req_$run" "in-$run" ann "$SAMPLES/test.vcf")
    require "interop: web-app job COMPLETED by gasd" wait_field "$W" job_status COMPLETED
    local rk lk
    rk=$($TOOL item "jobs_$run" "$W" s3_key_result_file)
    lk=$($TOOL item "jobs_$run" "$W" s3_key_log_file)
    expect "interop: boto3 reads the result key GAS's pages use" \
      test "$rk" = "gas/ann/$W~test.annot.vcf"
    expect "interop: boto3 reads the log key" test "$lk" = "gas/ann/$W~test.vcf.count.log"
    expect "interop: boto3 finds the result object" $TOOL exists "out-$run" "$rk"
    expect "interop: boto3 reads job_status COMPLETED" \
      test "$($TOOL item "jobs_$run" "$W" job_status)" = COMPLETED
    expect "interop: complete_time is a number" \
      sh -c "$TOOL item jobs_$run $W complete_time | grep -qE '^[0-9]+$'"
    gas downgrade ann >/dev/null
    W2=$($TOOL submit "jobs_$run" "req_$run" "in-$run" ann "$SAMPLES/test.vcf")
    wait_field "$W2" job_status COMPLETED >/dev/null
    expect "interop: archived job's archive id where GAS's pages look" \
      sh -c "for i in \$(seq 60); do $TOOL item jobs_$run $W2 results_file_archive_id && exit 0; sleep 0.5; done; exit 1"
  else # a result archived by GAS's Python code into the vault
    gas users add leo --email leo@example.org >/dev/null
    local L; L=$($TOOL legacy "jobs_$run" "cold-$run" "out-$run" leo "$SAMPLES/test.vcf")
    expect "interop: legacy item shows as archived" \
      sh -c "gas show $L | grep -q 'display_state  *archived: upgrade to premium'"
    gas upgrade leo >/dev/null
    require "interop: legacy archive restored on upgrade" wait_field "$L" archive_state NONE 30
    expect "interop: restored bytes are what GAS's code archived" \
      sh -c "gas download $L -o legacy.vcf && cmp -s legacy.vcf '$SAMPLES/test.vcf'"
  fi
  if [ "$mode" = s3 ]; then # dead letters on SQS keep the id gas send printed, with the reason
    local D; D=$(gas send "req_$run" '{"job_id": ')
    expect "sqs: malformed message dead-lettered" \
      sh -c "for i in \$(seq 100); do gas dlq list req_$run | grep -q '$D' && exit 0; sleep 0.3; done; exit 1"
    expect "sqs: dlq list shows the id gas send printed and why" \
      sh -c "gas dlq list req_$run | grep -qE '^req_$run +$D +[0-9]+ .*malformed json at byte'"
    expect "sqs: the gasd log uses the same id" wait_log "message $D moved to req_${run}_dlq"
    check_out "sqs: redrive by that id" 0 '^1 message redriven' gas dlq redrive "req_$run" "$D"
    expect "sqs: handled again under the same id" \
      sh -c "for i in \$(seq 100); do [ \$(grep -c 'message $D moved' '$WORK/gasd.log') -ge 2 ] && exit 0; sleep 0.3; done; exit 1"
    check_out "sqs: a dead letter deleted for good by its id" 0 "^dead letter $D deleted from req_$run\$" \
      gas dlq delete "req_$run" "$D"
    expect "sqs: ... gone from the dead-letter queue" sh -c "out=\$(gas dlq list req_$run) && ! printf '%s\\n' \"\$out\" | grep -qF -- '$D'"
  fi
  stop_gasd
  expect "$mode: gasd exits 0 on SIGTERM" test "$GASD_RC" = 0
}

scenario s3
scenario glacier
expect "the secret access key is in no log" sh -c "! grep -rq -- '$SECRET' '$WORK/gasd.log'"
expect "gasd logged its AWS requests' failures with request ids, if any" \
  sh -c "! grep -E 'HTTP [0-9]+' '$WORK/gasd.log' | grep -qv 'request id'"
finish_pipeline aws
