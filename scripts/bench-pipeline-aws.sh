#!/bin/bash
# The AWS half of make bench-pipeline: N jobs' whole life on moto_server (submit, annotate,
# notify, archive, upgrade -> restore, thaw) with one gasd; prints jobs/s of the annotate
# drain and the AWS requests per job by service and operation (every attempt, counted by the
# HTTP layer of each gas and gasd process: GAS_REQUEST_COUNTS). The polling done by this
# script to wait is not counted. moto is no measure of AWS's latency: the request counts
# are the figure that carries over.
#   BENCH_AWS_JOBS (default 50); GAS_TEST_AWS_ENDPOINT to use a running moto_server
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_AWS_JOBS:-50}
IN=$ROOT/../shared/testdata/gas-samples/test.vcf
[ -f "$IN" ] || IN=$ROOT/build/sources/demo/hapmap_exome_chr22.vcf.gz
G=$ROOT/bin/gas
. "$ROOT/tests/system/aws_names.sh"
W=$(mktemp -d)
MOTO=
gasd_pid=
cleanup() {
  [ -n "$gasd_pid" ] && kill -TERM "$gasd_pid" 2>/dev/null && wait "$gasd_pid" 2>/dev/null
  [ -n "$MOTO" ] && "$ROOT/scripts/moto.sh" stop "$MOTO"
  rm -rf "$W"
}
trap cleanup EXIT
if [ -z "${GAS_TEST_AWS_ENDPOINT:-}" ]; then
  MOTO=$W/moto
  mkdir -p "$MOTO"
  GAS_TEST_AWS_ENDPOINT=$("$ROOT/scripts/moto.sh" start "$MOTO")
fi
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
unset AWS_SESSION_TOKEN AWS_PROFILE
r=$(printf '%04x%04x' $RANDOM $RANDOM)
aws_names "$r"
export GAS_BACKEND=aws GAS_AWS_ENDPOINT=$GAS_TEST_AWS_ENDPOINT GAS_WORK_DIR=$W \
  GAS_OUTBOX_DIR=$W/outbox GAS_ARCHIVE_GRACE=5 GAS_THAW_POLL_INTERVAL=1 GAS_QUEUE_WAIT=1 \
  GAS_ANNOTATE_THREADS=2 GAS_CLOUDWATCH_INTERVAL=0 GAS_LOG_LEVEL=warn
"$G" aws bootstrap >/dev/null
"$G" users add bench --email bench@example.org >/dev/null
C=$W/counts.gas # gas commands (submit, upgrade); gasd's go to $W/counts.gasd
count() { env GAS_REQUEST_COUNTS="$C" "$@"; }
for ((i = 0; i < N; i++)); do count "$G" submit "$IN" --user bench >/dev/null; done
jobs_in() { # jobs_in FIELD VALUE: how many jobs have it (not counted)
  "$G" jobs --json --limit 100000 | python3 -c '
import json, sys; k, v = sys.argv[1:3]
print(sum(1 for j in json.load(sys.stdin) if str(j.get(k)) == v))' "$1" "$2"
}
wait_for() { # wait_for FIELD VALUE [SECONDS]
  local t=$((SECONDS + ${3:-600}))
  while [ "$(jobs_in "$1" "$2")" -lt "$N" ]; do
    [ $SECONDS -gt $t ] && { echo "bench-pipeline-aws: timed out waiting for $1=$2" >&2; exit 1; }
    sleep 0.5
  done
}
t0=$(date +%s.%N)
env GAS_REQUEST_COUNTS="$W/counts.gasd" "$ROOT/bin/gasd" >> "$W/gasd.log" 2>&1 &
gasd_pid=$!
wait_for job_status COMPLETED
t1=$(date +%s.%N)
wait_for archive_state ARCHIVED
count "$G" upgrade bench >/dev/null
wait_for archive_state NONE
sleep 1 # the last thaw's cold delete and ack
kill -TERM "$gasd_pid"
wait "$gasd_pid" || true
gasd_pid=
echo "pipeline on moto: $N jobs of $(basename "$IN"), one gasd (annotate_threads=2), whole life"
awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN {printf "annotate drain: %.1f jobs/s (%.2f s)\n", n / (b - a), b - a}'
table() { # FILE TITLE: requests per job by service and operation
  awk -F'\t' -v n="$N" -v title="$2" '{c[$1 "\t" $2] += $3; s[$1] += $3; t += $3}
    END {
      printf "%s: %.2f AWS requests per job\n", title, t / n
      m = asorti(c, k)
      for (i = 1; i <= m; i++) {
        split(k[i], x, "\t")
        printf "  %-11s %-24s %8.2f\n", x[1], x[2], c[k[i]] / n
      }
      m = asorti(s, v); line = "  by service:"
      for (i = 1; i <= m; i++) line = line sprintf(" %s %.2f", v[i], s[v[i]] / n)
      print line
    }' "$1"
}
table "$W/counts.gasd" "gasd (annotate, notify, archive, restore, thaw)"
table "$C" "gas submit + gas upgrade (GAS's web app does these itself: about 3 per submit)"
