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
