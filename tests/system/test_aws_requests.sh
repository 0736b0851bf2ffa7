#!/bin/bash
# What a gas command costs on AWS (moto_server, GAS_TEST_AWS_ENDPOINT), counted by the HTTP
# layer (GAS_REQUEST_COUNTS): a command asks only for what it uses, so `gas submit` is the
# user read, the input upload, the item and the publish (plus STS once for the topic's ARN
# unless aws_account_id is configured), never a check of every table, topic and queue.
# A conditional update that fails reads nothing more (the item comes with the failure),
# and gas show/cancel read the job once. Resources are still checked, by their first use: a misnamed topic, table or queue fails
# with a message naming it, and a submit that cannot publish leaves no job behind.
SUITE=aws_requests
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aws_names.sh"
cd "$WORK" || exit 2
moto_or_skip
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE
run=$(printf '%04x%04x' $RANDOM $RANDOM)
aws_names "$run"
export GAS_BACKEND=aws GAS_AWS_ENDPOINT=$GAS_TEST_AWS_ENDPOINT GAS_WORK_DIR=$WORK
IN=$GAS_ROOT/../shared/testdata/gas-samples/test.vcf
[ -f "$IN" ] || { printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n22\t100\t.\tA\tG\t.\t.\t.\n' > in.vcf; IN=$WORK/in.vcf; }
check "bootstrap" 0 gas aws bootstrap
check "a user" 0 gas users add ann --email ann@example.org

# counted CMD...: runs CMD with a fresh count file; prints the total, then the operations
counted() {
  rm -f counts
  env GAS_REQUEST_COUNTS="$WORK/counts" "$@" > out 2>&1
  echo $? > rc
}
total() { awk -F'\t' '{t += $3} END {print t + 0}' counts; }
ops() { awk -F'\t' '{printf "%s %s %s; ", $1, $2, $3}' counts; }
jobs_now() { gas jobs --json --limit 1000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
at_most() { # NAME N: the last counted command succeeded with at most N requests
  local t; t=$(total)
  if [ "$(cat rc)" = 0 ] && [ "$t" -le "$2" ]; then ok "$1 ($t requests: $(ops))"
  else bad "$1" "exit $(cat rc), $t requests: $(ops)" "$(cat out)"; fi
}

counted gas submit "$IN" --user ann
at_most "gas submit: at most 5 requests" 5
expect_none() { # NAME PATTERN: no counted operation matches
  if grep -qE "$2" counts; then bad "$1" "$(ops)"; else ok "$1"; fi
}
expect_none "gas submit checks no table, topic or queue" \
  'DescribeTable|GetTopicAttributes|GetQueueUrl|GetQueueAttributes'
counted env GAS_AWS_ACCOUNT_ID=123456789012 gas submit "$IN" --user ann
at_most "gas submit with aws_account_id: at most 4 requests (no STS)" 4
counted gas upgrade ann
at_most "gas upgrade: at most 4 requests (role, STS, publish, the user's jobs to count the archived)" 4
counted gas jobs
at_most "gas jobs: at most 2 requests" 2
J=$(gas jobs --json --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["job_id"])')
counted gas show "$J"
at_most "gas show: one read of the job" 1
check "a PENDING job cancelled" 0 gas cancel "$J"
counted gas cancel "$J"
if [ "$(cat rc)" = 1 ] && [ "$(total)" -le 1 ] && grep -q "is FAILED: only a PENDING job can be cancelled" out; then
  ok "gas cancel of a FAILED job: refused after its one read, naming its status ($(ops))"
else bad "gas cancel of a FAILED job: refused after its one read, naming its status" "exit $(cat rc), $(ops)" "$(cat out)"; fi

n=$(jobs_now)
check_out "a misnamed requests topic: submit fails naming it" 1 "no topic nope_topic_$run" \
  env GAS_REQUESTS_TOPIC=nope_topic_$run gas submit "$IN" --user ann
check "... and leaves no job behind" 0 test "$(jobs_now)" = "$n"
check_out "a misnamed jobs table: submit fails naming it" 1 "no table nope_jobs_$run" \
  env GAS_JOBS_TABLE=nope_jobs_$run gas submit "$IN" --user ann
check_out "a misnamed users table: named, not taken for a missing user" 1 \
  "no table nope_users_$run" env GAS_USERS_TABLE=nope_users_$run gas submit "$IN" --user ann
check_out "a misnamed jobs table: gas show names the table, not the job" 1 \
  "no table nope_jobs_$run" env GAS_JOBS_TABLE=nope_jobs_$run gas show "$J"
check_out "a misnamed restore topic: gas upgrade fails naming it" 1 "no topic nope_rst_$run" \
  env GAS_RESTORE_TOPIC=nope_rst_$run gas upgrade ann
check_out "a misnamed queue: gas status fails naming it" 1 "no queue nope_q_$run" \
  env GAS_NOTIFY_QUEUE=nope_q_$run gas status
# gasd checks everything once at start
check_out "gasd: a misnamed topic stops it at start, named" 1 "no topic nope_res_$run" \
  env GAS_RESULTS_TOPIC=nope_res_$run gasd --once
check_out "gasd: a misnamed table stops it at start, named" 1 "no table nope_w_$run" \
  env GAS_WORKERS_TABLE=nope_w_$run gasd --once
finish "$SUITE"
