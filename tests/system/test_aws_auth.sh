#!/bin/bash
# Signatures checked for real: a moto_server of its own in authentication mode
# (INITIAL_NO_AUTH_ACTION_COUNT: the first calls make an IAM user, every later one must be
# signed by a known key). With that user's key, bootstrap (STS, DynamoDB, SQS, SNS, S3),
# submit and a gasd --once run all pass moto's SigV4 verification; with a wrong secret or
# an unknown key id every command is refused with the service's error and request id,
# and the secret is never printed.
SUITE=aws_auth
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
if [ "${GAS_NO_AWS:-0}" = 1 ]; then
  echo "skip: GAS_NO_AWS=1"; echo "aws_auth: 0 passed, 0 failed, 1 skipped"; exit 0
fi
MOTO=$WORK/moto
trap 'stop_gasd; "$GAS_ROOT/scripts/moto.sh" stop "$MOTO"; rm -rf "$WORK"' EXIT
# 3 unauthenticated calls: create_user, put_user_policy, create_access_key
if ! EP=$("$GAS_ROOT/scripts/moto.sh" start "$MOTO" INITIAL_NO_AUTH_ACTION_COUNT=3); then
  bad "moto_server in authentication mode started"; finish aws_auth; exit 1
fi
export AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE
read -r KEY SECRET < <(AWS_ACCESS_KEY_ID=bootstrap AWS_SECRET_ACCESS_KEY=bootstrap \
  GAS_AWS_ENDPOINT=$EP python3 "$GAS_ROOT/tests/system/aws_tool.py" iam-user gas-admin)
require "an IAM user with an access key" test -n "$SECRET"
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET GAS_BACKEND=aws GAS_AWS_ENDPOINT=$EP \
  GAS_WORK_DIR=$WORK GAS_OUTBOX_DIR=$WORK/outbox

check_out "the right key: bootstrap passes every service's signature check" 0 \
  "bootstrap complete" gas aws bootstrap
gas users add ann --email ann@example.org >/dev/null
J=$(submit "$SAMPLES/test.vcf" ann)
expect "the right key: submit" test ${#J} = 36
timeout 120 env GAS_QUEUE_WAIT=1 gasd --once >> "$WORK/gasd.log" 2>&1
expect "the right key: gasd --once exits 0" test $? = 0
expect "the right key: the job COMPLETED" test "$(field "$J" job_status)" = COMPLETED

out=$(AWS_SECRET_ACCESS_KEY="wrong$SECRET" gas aws bootstrap 2>&1); rc=$?
if [ $rc = 1 ] && grep -q "HTTP 403 SignatureDoesNotMatch" <<<"$out" && grep -q "request id" <<<"$out"; then
  ok "a wrong secret: bootstrap refused (SignatureDoesNotMatch, with the request id)"
else bad "a wrong secret: bootstrap refused" "exit $rc" "$out"; fi
expect "a wrong secret: the secret is not printed" sh -c "! grep -q -- '$SECRET' <<'EOF'
$out
EOF"
check_out "a wrong secret: gas jobs refused" 1 "SignatureDoesNotMatch" \
  env AWS_SECRET_ACCESS_KEY="wrong$SECRET" gas jobs
check_out "a wrong secret: gasd refuses to start" 1 "SignatureDoesNotMatch" \
  env AWS_SECRET_ACCESS_KEY="wrong$SECRET" gasd --once
check_out "an unknown key id: refused" 1 "HTTP 403 (InvalidClientTokenId|UnrecognizedClient|InvalidAccessKeyId)" \
  env AWS_ACCESS_KEY_ID=AKIAUNKNOWNUNKNOWN00 gas jobs
expect "no secret in gasd's log" sh -c "! grep -q -- '$SECRET' '$WORK/gasd.log'"
finish_pipeline aws_auth
