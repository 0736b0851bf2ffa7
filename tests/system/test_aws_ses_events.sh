#!/bin/bash
# SES bounces and complaints on AWS (moto_server): gas aws bootstrap makes the SES events
# topic and queue and points the sender's Bounce and Complaint notifications at the topic; gasd (notify_via = ses, ses_events_threads = 1) sends a job's email,
# records SES's message id on the job (notify_message_id); SES's Bounce notification,
# published to the events topic as SES publishes it (boto3 sns.publish of the SES JSON),
# becomes the job's notify_error with the bounce reason (gas show) and an error line in
# gasd's log naming job and address. The same for a Complaint matched by message id only
# (no tag: the scan). A Delivery is acked; an event that matches no job is dead-lettered
# with its reason.
SUITE=aws_ses_events
. "$(dirname "$0")/pipeline_lib.sh"
. "$(dirname "$0")/aws_names.sh"
cd "$WORK" || exit 2
moto_or_skip
TOOL="python3 $GAS_ROOT/tests/system/aws_tool.py"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null GAS_AWS_ENDPOINT=$GAS_TEST_AWS_ENDPOINT
unset AWS_SESSION_TOKEN AWS_PROFILE
trap 'stop_gasd; rm -rf "$WORK"' EXIT
run=$(printf '%04x%04x' $RANDOM $RANDOM)
SENDER="gas-$run@example.org"
$TOOL ses-verify "$SENDER"
aws_names "$run"
export GAS_BACKEND=aws GAS_WORK_DIR=$WORK GAS_NOTIFY_VIA=ses GAS_SES_SENDER=$SENDER \
  GAS_SES_EVENTS_THREADS=1 GAS_ARCHIVE_GRACE=3600
gas aws bootstrap > bootstrap.out 2>&1
expect "bootstrap makes the SES events topic and queue" grep -q "^topic  ses_$run -> ses_$run" bootstrap.out
expect "bootstrap points the sender's bounces and complaints at it" \
  grep -q "^ses    $SENDER: Bounce, Complaint -> topic ses_$run" bootstrap.out
# (moto 5.2 accepts SetIdentityNotificationTopic but its GetIdentityNotificationAttributes
# does not report the topics, so the bootstrap line is what can be checked here)
gas users add ann --email ann@example.org >/dev/null
gas users add bob --email bob@example.org >/dev/null
start_gasd
J=$(submit "$SAMPLES/test.vcf" ann)
K=$(submit "$SAMPLES/test.vcf" bob)
require "ann's job COMPLETED" wait_field "$J" job_status COMPLETED
require "bob's job COMPLETED" wait_field "$K" job_status COMPLETED
require "notified by SES" wait_log "email for $K sent to bob@example.org by ses"
wait_log "email for $J sent to ann@example.org by ses" >/dev/null
MID=$(field "$J" notify_message_id)
MIDK=$(field "$K" notify_message_id)
expect "SES's message id recorded on the job (gas show)" test -n "$MID" -a -n "$MIDK"
expect "... the one gasd logged" grep -q "email for $J sent to ann@example.org by ses (message id $MID)" gasd.log

# a Bounce, tagged with the job id as SendEmail sent it
$TOOL ses-event "ses_$run" Bounce "$MID" "$J" ann@example.org
expect "gasd logs the bounce at error level, naming job and address" \
  wait_log "error +ses_events:.*email for job $J to ann@example.org bounced \(Permanent/General\): smtp; 550 5.1.1 user unknown"
expect "gas show: notify_error with the bounce reason" \
  sh -c "gas show $J | grep -q '^notify_error .*bounced (Permanent/General): smtp; 550 5.1.1 user unknown'"
expect "the email is not sent again (one to ann)" \
  test "$($TOOL ses-sent "$SENDER" | grep -c '^ann@example.org')" = 1

# a Complaint without tags (identity notifications carry none): matched by message id
$TOOL ses-event "ses_$run" Complaint "$MIDK" "" bob@example.org
expect "a complaint matched by message id" \
  wait_log "error +ses_events:.*email for job $K to bob@example.org complaint: bob@example.org marked the email as abuse"
expect "gas show: notify_error says complaint" \
  sh -c "gas show $K | grep -q '^notify_error .*complaint: bob@example.org'"

# a Delivery is acked; an unknown message id and an unknown job are dead-lettered
$TOOL ses-event "ses_$run" Delivery "$MID" "$J" ann@example.org
expect "a Delivery is acked" wait_log "SES Delivery for message $MID: nothing to record"
$TOOL ses-event "ses_$run" Bounce "no-such-message-$run" "" zed@example.org
$TOOL ses-event "ses_$run" Bounce "m2-$run" "no-such-job-$run" zed@example.org
expect "the unmatched bounce is logged" wait_log "SES Bounce for message no-such-message-$run .*matches no job"
dlq() { gas dlq list "ses_$run" 2>&1; }
wait_dlq() { # PATTERN: until the events dead-letter queue lists a matching line
  local i; for ((i = 0; i < 300 * T; i++)); do dlq | grep -q -- "$1" && return 0; sleep 0.1; done
  dlq | sed 's/^/    /'; return 1
}
expect "unmatched by message id: dead-lettered with its reason" \
  wait_dlq "matches no job (no gas_job_id tag, no job with its message id)"
expect "a tag naming no job: dead-lettered with its reason" wait_dlq "matches no job: no job no-such-job-$run"
# listing receives them (SQS cannot peek): the count shown is the one they were
# dead-lettered with, not raised by each look (the console looks every few seconds)
rcv() { gas dlq list "ses_$run" | awk 'NR > 1 {print $3}' | sort | paste -sd ' '; }
r1=$(rcv); r2=$(rcv); r3=$(rcv)
expect "listing dead letters again does not raise their receive counts ($r1 / $r2 / $r3)" \
  test "$r1" = "1 1" -a "$r2" = "$r1" -a "$r3" = "$r1"
expect "nothing else dead-lettered (notify)" test "$(gas dlq list "notify_$run" | wc -l)" = 1
# the admin sees the events queue and its dead letters where they look: gas status (and
# the console's overview, from the same snapshot) counts them with the others
expect "gas status lists the SES events queue with its 2 dead letters" \
  sh -c "gas status | grep -qE '^ses_$run +[0-9]+ +[0-9]+ +[0-9]+ +2\$'"
expect "... as does gas status --json" sh -c "gas status --json | python3 -c 'import json,sys; q=[q for q in json.load(sys.stdin)[\"queues\"] if q[\"name\"] == \"ses_$run\"]; sys.exit(not (q and q[0][\"dead\"] == 2))'"
stop_gasd
expect "gasd stopped cleanly" test "$GASD_RC" = 0
finish_pipeline aws_ses_events
