#!/bin/bash
# Autoscaling signals on AWS (moto_server): gasd puts BacklogPerInstance, RequestsVisible,
# JobsDonePerMinute and JobsFailedPerMinute into CloudWatch, signed with our signer; an
# Auto Scaling policy (or boto3, here) reads them with ListMetrics / GetMetricData. A backlog
# of 6 requests with one live worker that annotates nothing reads 6 per instance; once a
# worker drains it, the backlog reads 0, and the job counters' Sum is the jobs it ended: 6
# COMPLETED, and 1 FAILED (a malformed VCF; a malformed message is no job and not counted).
SUITE=cloudwatch
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
  GAS_OUTBOX_DIR=$WORK/outbox GAS_CLOUDWATCH_INTERVAL=1 GAS_CLOUDWATCH_NAMESPACE=GAS-$run \
  GAS_ARCHIVE_GRACE=600
check "bootstrap" 0 gas aws bootstrap
gas users add ann --email ann@example.org >/dev/null
for i in 1 2 3 4 5 6; do gas submit "$SAMPLES/test.vcf" --user ann > "job$i"; done

# cw STAT METRIC: the latest datapoint of METRIC (dimension QueueName=req_$run) in the
# last 10 minutes, by GetMetricData at 1-minute periods; "none" when there is none
cat > cw.py <<'PY'
import datetime, os, sys
import boto3
ns, queue, stat, metric = sys.argv[1:5]
cw = boto3.client("cloudwatch", endpoint_url=os.environ["GAS_AWS_ENDPOINT"], region_name="us-east-1")
if metric == "list":
    names = sorted({m["MetricName"] for m in cw.list_metrics(Namespace=ns)["Metrics"]
                    if {"Name": "QueueName", "Value": queue} in m["Dimensions"]})
    print(" ".join(names)); sys.exit(0)
now = datetime.datetime.now(datetime.timezone.utc)
period = 600 if stat == "Sum" else 60  # Sum: over the whole run
r = cw.get_metric_data(
    MetricDataQueries=[{"Id": "m", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": ns, "MetricName": metric,
                   "Dimensions": [{"Name": "QueueName", "Value": queue}]},
        "Period": period, "Stat": stat}}],
    StartTime=now - datetime.timedelta(minutes=10), EndTime=now + datetime.timedelta(minutes=1))
v = r["MetricDataResults"][0]["Values"]
print("%g" % v[0] if v else "none")
PY
cw() { python3 cw.py "GAS-$run" "req_$run" "$@"; }
wait_cw() { # wait_cw STAT METRIC TEST VALUE: until the datapoint passes `test VALUE`
  local i v
  for ((i = 0; i < 300 * T; i++)); do
    v=$(cw "$1" "$2" 2>/dev/null)
    [ "$v" != none ] && [ -n "$v" ] && awk -v v="$v" -v w="$4" "BEGIN {exit !(v $3 w)}" && return 0
    sleep 0.1
  done
  echo "    $2 ($1) is '$v', waited for $3 $4"
  return 1
}

# a worker that annotates nothing: the backlog stays
start_gasd GAS_ANNOTATE_THREADS=0
require "gasd publishes to CloudWatch" wait_log 'cloudwatch: backlog per instance every 1 s'
expect "RequestsVisible reads the 6 queued requests" wait_cw Maximum RequestsVisible == 6
expect "BacklogPerInstance reads 6 per live worker" wait_cw Maximum BacklogPerInstance == 6
check_out "ListMetrics lists the four metrics" 0 \
  '^BacklogPerInstance JobsDonePerMinute JobsFailedPerMinute RequestsVisible$' cw x list
stop_gasd
expect "gasd stops cleanly" test "$GASD_RC" = 0

# a second live worker halves it; then a worker that annotates drains it
GASD1=
env GAS_ANNOTATE_THREADS=0 gasd >> "$WORK/gasd2.log" 2>&1 & GASD1=$!
start_gasd GAS_ANNOTATE_THREADS=0
expect "two live workers: 3 per instance" wait_cw Minimum BacklogPerInstance == 3
stop_gasd
kill -TERM "$GASD1"; wait "$GASD1"
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\tx\t.\tA\tG\t.\t.\t.\n' > bad.vcf
gas submit bad.vcf --user ann > badjob
gas send "req_$run" 'not a message' > /dev/null
start_gasd
for i in 1 2 3 4 5 6; do
  expect "job $i COMPLETED" wait_field "$(cat "job$i")" job_status COMPLETED 60
done
expect "drained: the backlog reads 0" wait_cw Minimum BacklogPerInstance == 0
expect "jobs done per minute is above 0 while it drains" wait_cw Maximum JobsDonePerMinute '>' 0
expect "the malformed VCF's job FAILED" wait_field "$(cat badjob)" job_status FAILED
expect "JobsDonePerMinute sums to the 6 jobs COMPLETED" wait_cw Sum JobsDonePerMinute == 6
expect "JobsFailedPerMinute sums to the 1 job FAILED (not the malformed message)" \
  wait_cw Sum JobsFailedPerMinute == 1
finish_pipeline cloudwatch
