# aws_names RUN: exports a private set of AWS resource names (tables, buckets, vault, topics,
# queues) suffixed with RUN, so that tests and benchmarks sharing one moto_server never see
# each other's resources. Sourced by the AWS system tests and scripts/bench-pipeline-aws.sh.
aws_names() {
  local r=$1
  export GAS_JOBS_TABLE=jobs_$r GAS_USERS_TABLE=users_$r GAS_WORKERS_TABLE=workers_$r \
    GAS_INPUTS_BUCKET=in-$r GAS_RESULTS_BUCKET=out-$r GAS_ARCHIVE_VAULT=cold-$r \
    GAS_REQUESTS_TOPIC=req_$r GAS_RESULTS_TOPIC=res_$r GAS_RESTORE_TOPIC=rst_$r \
    GAS_THAW_TOPIC=thaw_$r GAS_REQUESTS_QUEUE=req_$r GAS_NOTIFY_QUEUE=notify_$r \
    GAS_ARCHIVE_QUEUE=archive_$r GAS_RESTORE_QUEUE=rst_$r GAS_THAW_QUEUE=thaw_$r \
    GAS_SES_EVENTS_TOPIC=ses_$r GAS_SES_EVENTS_QUEUE=ses_$r
}

# moto_or_skip: ends the calling test as skipped (counted, with the reason) when no
# moto_server is named by GAS_TEST_AWS_ENDPOINT; uses the test's SUITE name.
moto_or_skip() {
  [ -n "${GAS_TEST_AWS_ENDPOINT:-}" ] && return 0
  echo "skip: GAS_TEST_AWS_ENDPOINT is not set (tests/run.sh and .ci/run start moto_server)"
  echo "$SUITE: 0 passed, 0 failed, 1 skipped"
  exit 0
}
