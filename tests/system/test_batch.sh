#!/bin/bash
# Batched completion: jobs received together (on this embedded backend up to 100: ten
# receives of 10, SQS's limit) are claimed together, annotated one by one, then stored and COMPLETED together
# (one sync of their files, one of the database). Each job must get its own result and
# count log: several inputs in one batch, every result byte-identical to `gas annotate` of
# its input, every count log naming its input, every notice written; every request deleted
# (in groups of 10) once its job is COMPLETED.
SUITE=batch
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
gas users add bat --email bat@example.org >/dev/null
inputs=(test free_1 premium_2)
: > jobs.txt
# queued before gasd starts: the batches grow as gasd learns the time per job (1, 1, 3, ...;
# up to as many as take about a second) to more than one receive's 10
for ((i = 0; i < 60; i++)); do
  n=${inputs[i % 3]}
  echo "$(submit "$SAMPLES/$n.vcf" bat) $n" >> jobs.txt
done
start_gasd GAS_ANNOTATE_THREADS=1 GAS_ARCHIVE_GRACE=3600
expect "a batch of several jobs stored together" wait_log "batch: storing and completing [0-9]+ jobs together" 60
while read -r j n; do wait_field "$j" job_status COMPLETED 60 || break; done < jobs.txt
most=$(grep -oE "storing and completing [0-9]+ jobs" "$WORK/gasd.log" | grep -oE "[0-9]+" | sort -n | tail -1)
if [ -n "${GAS_SLOW:-}" ]; then # under valgrind a job takes a good part of a second
  skip "... a batch of more than one receive's 10 (jobs too slow under valgrind: $most at most)"
else
  expect "... a batch of more than one receive's 10 ($most jobs)" test "${most:-0}" -gt 10
fi
requests_left() { gas status --json | python3 -c 'import json,sys
q = [q for q in json.load(sys.stdin)["queues"] if q["name"] == "gas_job_requests"][0]
print(q["visible"] + q["in_flight"] + q["delayed"])'; }
left=$(requests_left) # the deletes follow the COMPLETEDs: waited for, up to 20 s
for ((k = 0; k < 200 && left != 0; k++)); do sleep 0.1; left=$(requests_left); done
expect "... every request deleted once its job is COMPLETED ($left left)" test "$left" = 0
stop_gasd
same=0 logs=0 mails=0
for n in "${inputs[@]}"; do gas annotate "$SAMPLES/$n.vcf" -o "want-$n.vcf" >/dev/null 2>&1; done
while read -r j n; do
  gas download "$j" -o got.vcf 2>/dev/null && cmp -s got.vcf "want-$n.vcf" && same=$((same + 1))
  gas log "$j" 2>/dev/null | grep -q "$n.vcf" && logs=$((logs + 1))
  [ -s "$GAS_DATA_DIR/outbox/$j.eml" ] && mails=$((mails + 1))
done < jobs.txt
expect "60 jobs COMPLETED, each result byte-identical to gas annotate of its input ($same)" test "$same" = 60
expect "each count log names its own input ($logs)" test "$logs" = 60
expect "each notice written ($mails)" test "$mails" = 60
expect "the work directory holds no job's files afterwards" \
  test -z "$(find "$GAS_DATA_DIR/work" -type f 2>/dev/null)"

# copies of a job's request (the reconciler's resend after a crash, a redelivery) while
# it is queued or running: one attempt, one completion, one email; no copy makes another
# attempt (three would fail the job: max_attempts) or tells the job was taken over
: > "$WORK/gasd.log"
# (16 jobs first, so that the batches have grown to 10 when D and its copies come: they
# are received together; on the build before this fix D ended FAILED with attempts 4)
: > jobs2.txt
for ((i = 0; i < 16; i++)); do submit "$SAMPLES/test.vcf" bat >> jobs2.txt; done
D=$(submit "$SAMPLES/test.vcf" bat); echo "$D" >> jobs2.txt
body=$(sqlite3 "$GAS_DATA_DIR/gas.db" "SELECT body FROM messages WHERE body LIKE '%$D%' LIMIT 1")
for c in 1 2 3; do gas send gas_job_requests "$body" >/dev/null; done
for ((i = 0; i < 4; i++)); do submit "$SAMPLES/test.vcf" bat >> jobs2.txt; done
start_gasd GAS_ANNOTATE_THREADS=1 GAS_ARCHIVE_GRACE=3600
n=0; while read -r j; do wait_field "$j" job_status COMPLETED 60 && n=$((n + 1)); done < jobs2.txt
expect "all 21 COMPLETED, the one with 3 copies of its request too ($n)" test "$n" = 21
wait_file "$GAS_DATA_DIR/outbox/$D.eml" 20 >/dev/null
stop_gasd
check_out "... in one attempt" 0 '^attempts +1$' gas show "$D"
expect "... completed once ($(grep -c "job_id=$D job COMPLETED" "$WORK/gasd.log"))" \
  test "$(grep -c "job_id=$D job COMPLETED" "$WORK/gasd.log")" = 1
expect "... emailed once ($(grep -c "email for $D written" "$WORK/gasd.log"))" \
  test "$(grep -c "email for $D written" "$WORK/gasd.log")" = 1
check "... and never said to be taken over" 1 grep -q "taken over" "$WORK/gasd.log"
finish_pipeline "$SUITE"
