#!/bin/bash
# gasd dropped into a running GAS deployment, against moto_server (GAS_TEST_AWS_ENDPOINT):
# boto3 writes items and publishes messages in every shape GAS's Python code (web app,
# archive and restore scripts) leaves behind, and gasd completes, archives, restores and
# thaws each of them with identical bytes, leaving the item as that deployment's web app
# reads it (read back with boto3).
#   python: fractional submit_time (time.time()) published as str(dict), a numeric-string
#   submit_time, an item archived by the deployment without archive_state, result key and
#   bucket, a retrieval started outside gasd whose description is the S3 result key, a
#   result restored by another tool (archive id gone), notices that match nothing.
#   renamed: the deployment's own table with user_id-index, the archive id in
#   result_archive_id and a boolean archived its job page reads; its own queues and bucket
#   kept as they were by bootstrap (visibility, delay, access policy, its redrive policy;
#   no public access block put on its bucket), only missing dead letters added; the web
#   app's per-job restore request after an upgrade, on its thaw topic, restores that job.
SUITE=aws_dropin
. "$(dirname "$0")/pipeline_lib.sh"
. "$(dirname "$0")/aws_names.sh"
cd "$WORK" || exit 2
moto_or_skip
TOOL="python3 $GAS_ROOT/tests/system/aws_tool.py"
export AWS_ACCESS_KEY_ID=AKIDGASTEST AWS_SECRET_ACCESS_KEY=dropin-secret AWS_EC2_METADATA_DISABLED=true \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE
export GAS_BACKEND=aws GAS_AWS_ENDPOINT=$GAS_TEST_AWS_ENDPOINT GAS_WORK_DIR=$WORK \
  GAS_OUTBOX_DIR=$WORK/outbox GAS_THAW_POLL_INTERVAL=1 GAS_COLD_MODE=glacier

resources() { # a fresh set of names for one scenario
  run=$(printf '%04x%04x' $RANDOM $RANDOM)
  aws_names "$run"
}
item() { $TOOL item-json "jobs_$run" "$1"; }
# attr JSON NAME: one attribute of an item-json line ("-" when absent)
attr() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], "-"))' "$1" "$2"; }
same_bytes() { gas download "$1" -o "$WORK/dl-$1" 2>/dev/null && cmp -s "$WORK/dl-$1" "$2"; }
wait_dlq() { # wait_dlq QUEUE PATTERN
  local i
  for ((i = 0; i < 150 * T; i++)); do
    gas dlq list "$1" 2>/dev/null | grep -qE -- "$2" && return 0
    sleep 0.2
  done
  echo "    no dead letter in $1 matching /$2/:"; gas dlq list "$1" 2>&1 | sed 's/^/    | /'
  return 1
}

python_deployment() {
  resources
  echo "-- a deployment with GAS's names (resources *$run)"
  gas aws bootstrap >/dev/null || { bad "bootstrap"; return; }
  # the check before the switch (migrate.md): gas status on a deployment whose queues are
  # there but not yet gasd's workers table: the rest as read, what is missing, exit 0
  $TOOL drop-table "workers_$run"
  check_out "gas status without gasd's workers table: exit 0, the rest read, and what bootstrap makes" 0 \
    "^note: no workers table yet: gas aws bootstrap makes it" gas status
  gas aws bootstrap >/dev/null || { bad "bootstrap again"; return; }
  gas users add ann --email ann@example.org >/dev/null
  gas users add pat --email pat@example.org --premium >/dev/null
  gas users add leo --email leo@example.org >/dev/null
  start_gasd GAS_ARCHIVE_THREADS=0 # the result is downloaded before it can be archived
  # the web app: submit_time = time.time(), the item published as str(dict)
  local W before after
  W=$($TOOL deploy-submit "jobs_$run" "req_$run" "in-$run" ann "$SAMPLES/test.vcf" pylit)
  before=$(attr "$(item "$W")" submit_time)
  require "python: fractional submit_time, python-literal body: COMPLETED" \
    wait_field "$W" job_status COMPLETED 30
  gas download "$W" -o "$WORK/first.vcf" >/dev/null 2>&1
  expect "python: result annotated" grep -q '^##INFO=<ID=GENE' "$WORK/first.vcf"
  stop_gasd
  start_gasd
  require "python: archived after the grace period" wait_field "$W" archive_state ARCHIVED 30
  after=$(item "$W")
  expect "python: submit_time kept as written ($before)" test "$(attr "$after" submit_time)" = "$before"
  expect "python: submit_time is a fraction" grep -q '\.' <<<"$before"
  expect "python: gas jobs shows when it was submitted" \
    sh -c "gas jobs --user ann | grep '^$W' | grep -qE ' [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} '"
  expect "python: archive id where the web app looks" test "$(attr "$after" results_file_archive_id)" != -
  expect "python: hot copy gone" sh -c "! $TOOL exists out-$run 'gas/ann/$W~test.annot.vcf'"
  # another tool restores it and drops the archive id: shown as downloadable again
  $TOOL restore-elsewhere "jobs_$run" "$W" "out-$run" "gas/ann/$W~test.annot.vcf" "$WORK/first.vcf"
  expect "python: restored by another tool: gas show says download" \
    sh -c "gas show $W | grep -q 'display_state  *download'"
  expect "python: and the download works" same_bytes "$W" "$WORK/first.vcf"
  expect "python: gas jobs lists it as NONE" \
    sh -c "gas jobs --user ann | grep '^$W' | grep -q ' COMPLETED  *NONE '"

  # a numeric-string submit_time
  local S
  S=$($TOOL deploy-submit "jobs_$run" "req_$run" "in-$run" pat "$SAMPLES/test.vcf" strtime)
  expect "python: string submit_time: COMPLETED" wait_field "$S" job_status COMPLETED 30
  expect "python: string submit_time kept a string" \
    python3 -c 'import json,sys; sys.exit(not isinstance(json.loads(sys.argv[1])["submit_time"], str))' \
    "$(item "$S")"

  # archived by the deployment's script: no archive_state, no result key nor bucket
  local L LA
  read -r L LA <<<"$($TOOL deploy-archived "jobs_$run" "cold-$run" "in-$run" leo "$SAMPLES/test.vcf" nokeys)"
  expect "python: script-archived item shows as archived" \
    sh -c "gas show $L | grep -q 'display_state  *archived: upgrade to premium'"
  $TOOL deploy-archived "jobs_$run" "cold-$run" "in-$run" leo "$SAMPLES/test.vcf" broken >/dev/null
  gas upgrade leo >/dev/null
  require "python: script-archived result restored on upgrade" wait_field "$L" archive_state NONE 40
  expect "python: an item gasd cannot read is logged, not skipped silently" \
    wait_log 'an item gasd cannot read \(submit_time "yesterday" is not a number\)'
  expect "python: and counted" wait_log "user leo: 1 retrievals started, 0 left to another worker, 0 failed, 1 items unreadable"
  expect "python: restored bytes are what the script archived" same_bytes "$L" "$SAMPLES/test.vcf"
  after=$(item "$L")
  expect "python: result key written back where the web app looks" \
    test "$(attr "$after" s3_key_result_file)" = "gas/leo/$L~test.annot.vcf"
  expect "python: result bucket written back" test "$(attr "$after" s3_results_bucket)" = "out-$run"
  expect "python: archive id dropped" test "$(attr "$after" results_file_archive_id)" = -
  expect "python: complete_time still the fraction the script wrote" \
    grep -q '\.' <<<"$(attr "$after" complete_time)"

  # a retrieval the deployment's restore script started, description = the S3 result key
  local F FA
  read -r F FA <<<"$($TOOL deploy-archived "jobs_$run" "cold-$run" "in-$run" pat "$SAMPLES/test.vcf" nokeys)"
  $TOOL deploy-retrieve "cold-$run" "$FA" "gas/pat/$F~test.annot.vcf" "thaw_$run" >/dev/null
  expect "python: foreign retrieval adopted" wait_log "started outside gasd adopted" 40
  require "python: foreign retrieval thawed" wait_field "$F" archive_state NONE 40
  expect "python: foreign retrieval: identical bytes" same_bytes "$F" "$SAMPLES/test.vcf"

  # notices that match nothing: dead-lettered with the reason, never dropped silently
  $TOOL notice "thaw_$run" "no-such-archive" "gas/ann/no-such-job~x.annot.vcf"
  expect "python: notice for an unknown job dead-lettered with why" wait_dlq "thaw_$run" "no job no-such-job"
  local O OA
  read -r O OA <<<"$($TOOL deploy-archived "jobs_$run" "cold-$run" "in-$run" ann "$SAMPLES/test.vcf" nokeys)"
  $TOOL notice "thaw_$run" "another-archive" "{\"job_id\": \"$O\"}"
  expect "python: notice for another archive dead-lettered with why" \
    wait_dlq "thaw_$run" "about archive another-archive: not adopted"
  expect "python: that job is still archived" \
    sh -c "gas show $O | grep -q 'display_state  *archived: upgrade to premium'"
  expect "python: and its item untouched (no archive_state added)" \
    test "$(attr "$(item "$O")" archive_state)" = -
  stop_gasd
  expect "python: gasd exits 0" test "$GASD_RC" = 0
}

renamed_deployment() {
  resources
  echo "-- a deployment with its own names (resources *$run)"
  # the table with provisioned capacity, as the AWS console makes them
  $TOOL deploy-table "jobs_$run" user_id-index provisioned
  $TOOL deploy-queues "req_$run" "thaw_$run" "in-$run"
  export GAS_JOBS_INDEX=user_id-index GAS_JOB_ARCHIVED_FLAG=archived \
    GAS_JOB_ATTRIBUTES=results_file_archive_id=result_archive_id
  local boot qa
  boot=$(gas aws bootstrap 2>&1) || { bad "bootstrap on the deployment's table" "$boot"; return; }
  expect "renamed: bootstrap says it kept the deployment's queue" \
    grep -q "^queue  req_$run (exists: its settings left as they are" <<<"$boot"
  expect "renamed: ... and its bucket" grep -q "^bucket in-$run (exists: left as it is)" <<<"$boot"
  expect "renamed: the due index added to the provisioned table with its capacity (DynamoDB refuses one without)" \
    test "$($TOOL index-capacity "jobs_$run" watch_index)" = "5 3"
  qa=$($TOOL queue-attrs "req_$run")
  expect "renamed: its queue keeps its visibility and delay" \
    python3 -c 'import json,sys; a=json.loads(sys.argv[1]); sys.exit(not (a["VisibilityTimeout"] == "45" and a["DelaySeconds"] == "3"))' "$qa"
  expect "renamed: ... and gets dead letters (it had none)" \
    python3 -c 'import json,sys; sys.exit("req_'"$run"'_dlq" not in json.loads(sys.argv[1]).get("RedrivePolicy", ""))' "$qa"
  # (moto drops a queue's access policy when a redrive policy is set, so the access
  # policy is checked on the queue that had a redrive policy of its own)
  qa=$($TOOL queue-attrs "thaw_$run")
  expect "renamed: a queue with its own redrive policy and access policy keeps both" \
    python3 -c 'import json,sys; a=json.loads(sys.argv[1]); sys.exit(not ("thaw_'"$run"'_errors" in a.get("RedrivePolicy", "") and "deployment-own" in a.get("Policy", "")))' "$qa"
  expect "renamed: no public access block put on the deployment's bucket" test "$($TOOL public-block "in-$run")" = none
  expect "renamed: gasd's own bucket is private" grep -q BlockPublicAcls <<<"$($TOOL public-block "out-$run")"
  gas users add ann --email ann@example.org >/dev/null
  gas users add leo --email leo@example.org >/dev/null
  start_gasd GAS_ARCHIVE_THREADS=0 # the result is downloaded before it can be archived
  local W it
  W=$($TOOL deploy-submit "jobs_$run" "req_$run" "in-$run" ann "$SAMPLES/test.vcf" pylit)
  require "renamed: web-app job COMPLETED" wait_field "$W" job_status COMPLETED 30
  gas download "$W" -o "$WORK/renamed-first.vcf" >/dev/null 2>&1
  expect "renamed: result annotated" grep -q '^##INFO=<ID=GENE' "$WORK/renamed-first.vcf"
  stop_gasd
  # a new gasd whose first work is an archive into the Glacier vault, its work_dir not
  # made yet (a switch-over picking up the deployment's archive messages)
  start_gasd GAS_WORK_DIR="$WORK/fresh-work-$run" GAS_ANNOTATE_THREADS=0
  require "renamed: archived" wait_field "$W" archive_state ARCHIVED 30
  expect "renamed: ... by a gasd whose work_dir did not exist" test -d "$WORK/fresh-work-$run"
  it=$(item "$W")
  expect "renamed: archive id in result_archive_id" test "$(attr "$it" result_archive_id)" != -
  expect "renamed: not in results_file_archive_id" test "$(attr "$it" results_file_archive_id)" = -
  expect "renamed: archived = true for the job page" test "$(attr "$it" archived)" = True
  expect "renamed: gas list finds the job through user_id-index" \
    sh -c "gas jobs --user ann 2>&1 | grep -q '${W:0:8}'"
  gas upgrade ann >/dev/null
  require "renamed: restored on upgrade" wait_field "$W" archive_state NONE 40
  it=$(item "$W")
  expect "renamed: archived = false after the thaw" test "$(attr "$it" archived)" = False
  expect "renamed: result_archive_id dropped" test "$(attr "$it" result_archive_id)" = -
  expect "renamed: identical bytes" same_bytes "$W" "$WORK/renamed-first.vcf"
  local L LA
  read -r L LA <<<"$($TOOL deploy-archived "jobs_$run" "cold-$run" "out-$run" leo "$SAMPLES/test.vcf" renamed)"
  expect "renamed: script-archived item shows as archived" \
    sh -c "gas show $L | grep -q 'display_state  *archived: upgrade to premium'"
  # the web app upgrades leo itself (the role; gas upgrade's message is not gasd's here)
  # and sends one restore request per archived job to its thaw topic, as a course web app
  env GAS_RESTORE_TOPIC=webapp_$run GAS_RESTORE_QUEUE=webapp_$run gas upgrade leo >/dev/null
  $TOOL web-restore "thaw_$run" "$L" leo "$LA"
  expect "renamed: the web app's per-job request is taken as a restore" \
    wait_log "a request to restore job $L \(not a retrieval\): taken as a restore request"
  require "renamed: script-archived result restored" wait_field "$L" archive_state NONE 40
  expect "renamed: its bytes" same_bytes "$L" "$SAMPLES/test.vcf"
  expect "renamed: its archived flag false" test "$(attr "$(item "$L")" archived)" = False
  stop_gasd
  expect "renamed: gasd exits 0" test "$GASD_RC" = 0
  unset GAS_JOBS_INDEX GAS_JOB_ARCHIVED_FLAG GAS_JOB_ATTRIBUTES
}

# a deployment's archive queue delays every message longer than archive_grace: results
# would be archived later than the config says, and bootstrap and gasd say so
late_archive_queue() {
  resources
  $TOOL delayed-queue "arch_$run" 300
  local boot
  boot=$(env GAS_ARCHIVE_QUEUE="arch_$run" GAS_ARCHIVE_GRACE=30 gas aws bootstrap 2>&1)
  expect "late archive queue: bootstrap warns that results are archived after 300 s, not 30" \
    grep -q "^warning: queue arch_$run delays every message 300 s, longer than archive_grace (30 s)" <<<"$boot"
  env GAS_ARCHIVE_QUEUE="arch_$run" GAS_ARCHIVE_GRACE=30 GAS_ANNOTATE_THREADS=0 \
    timeout 60 gasd --once > late.log 2>&1
  expect "late archive queue: gasd warns at start too" \
    grep -q "warn .*queue arch_$run delays every message 300 s.*set the queue's DelaySeconds to 30" late.log
}

python_deployment
renamed_deployment
late_archive_queue
finish_pipeline aws_dropin
