#!/bin/bash
# Batched completion: jobs received together are annotated one by one, then stored and
# COMPLETED together (one sync of their files, one of the database). Each job must get
# its own result and count log: several inputs in one batch, every result byte-identical
# to `gas annotate` of its input, every count log naming its input, every notice written.
SUITE=batch
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
gas users add bat --email bat@example.org >/dev/null
inputs=(test free_1 premium_2)
: > jobs.txt
for ((i = 0; i < 12; i++)); do # queued before gasd starts: received 10 and 2
  n=${inputs[i % 3]}
  echo "$(submit "$SAMPLES/$n.vcf" bat) $n" >> jobs.txt
done
start_gasd GAS_ANNOTATE_THREADS=1 GAS_ARCHIVE_GRACE=3600
expect "a batch of several jobs stored together" wait_log "batch: storing and completing [0-9]+ jobs together" 60
while read -r j n; do wait_field "$j" job_status COMPLETED 60 || break; done < jobs.txt
stop_gasd
same=0 logs=0 mails=0
for n in "${inputs[@]}"; do gas annotate "$SAMPLES/$n.vcf" -o "want-$n.vcf" >/dev/null 2>&1; done
while read -r j n; do
  gas download "$j" -o got.vcf 2>/dev/null && cmp -s got.vcf "want-$n.vcf" && same=$((same + 1))
  gas log "$j" 2>/dev/null | grep -q "$n.vcf" && logs=$((logs + 1))
  [ -s "$GAS_DATA_DIR/outbox/$j.eml" ] && mails=$((mails + 1))
done < jobs.txt
expect "12 jobs COMPLETED, each result byte-identical to gas annotate of its input ($same)" test "$same" = 12
expect "each count log names its own input ($logs)" test "$logs" = 12
expect "each notice written ($mails)" test "$mails" = 12
expect "the work directory holds no job's files afterwards" \
  test -z "$(find "$GAS_DATA_DIR/work" -type f 2>/dev/null)"

# SIGTERM while a batch's jobs are claimed together and only the first is running: the
# first ends, the others are given back at once (PENDING, attempt returned, message
# visible), not left RUNNING under a lease for another gasd to wait out
: > jobs2.txt
for ((i = 0; i < 6; i++)); do submit "$SAMPLES/test.vcf" bat >> jobs2.txt; done
: > "$WORK/gasd.log"
start_gasd GAS_ANNOTATE_THREADS=1 GAS_ARCHIVE_GRACE=3600 GAS_FAULT=annotate.claimed:sleep=4
expect "a batch of several jobs claimed together" wait_log "fault point annotate.claimed: pausing" 60
stop_gasd
expect "gasd stops cleanly (exit 0)" test "$GASD_RC" = 0
running=$(while read -r j; do field "$j" job_status; done < jobs2.txt | grep -c RUNNING)
expect "no job left RUNNING ($running)" test "$running" = 0
check_out "the unreached ones were given back" 0 'job given back, PENDING: its batch ended before its turn \(gasd stopping\)' cat "$WORK/gasd.log"
pend=$(while read -r j; do [ "$(field "$j" job_status)" = PENDING ] && field "$j" attempts; done < jobs2.txt | sort -u | tr '\n' ' ')
expect "a given-back job has its attempt returned (attempts: ${pend:-none})" test -z "$(tr -d ' 0' <<<"$pend")"
start_gasd GAS_ANNOTATE_THREADS=1 GAS_ARCHIVE_GRACE=3600
n=0; while read -r j; do wait_field "$j" job_status COMPLETED 60 && n=$((n + 1)); done < jobs2.txt
expect "a second gasd completes all 6 at once, without waiting out a lease ($n)" test "$n" = 6
stop_gasd
finish_pipeline "$SUITE"
