#!/bin/bash
# Worker reliability (issue 12): refused submits leave nothing behind, --once, scratch
# cleaning after kill -9, SIGTERM releases jobs at every phase.
SUITE=reliability
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
gas users add rel --email rel@example.org >/dev/null
gas setup >/dev/null 2>&1
inputs() { find "$GAS_DATA_DIR/objects/gas-inputs" -type f 2>/dev/null | wc -l; }

# a submit whose job the table refuses (here: SQLite answers "disk is full" through a
# trigger) fails and leaves no input object behind
before=$(inputs)
sqlite3 "$GAS_DATA_DIR/gas.db" "CREATE TRIGGER full BEFORE INSERT ON items WHEN NEW.tbl = 'gas_annotations'
  BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
check_out "refused submit: fails with the reason" 1 "disk is full" gas submit "$SAMPLES/test.vcf" --user rel
expect "refused submit: no input object left ($(inputs) before: $before)" test "$(inputs)" = "$before"
sqlite3 "$GAS_DATA_DIR/gas.db" "DROP TRIGGER full;"
J=$(submit "$SAMPLES/test.vcf" rel)
expect "the next submit stores its input" test "$(inputs)" = "$((before + 1))"

start_gasd
require "job COMPLETED" wait_field "$J" job_status COMPLETED 30
stop_gasd

# --once with a grace over SQS's 900 s delay limit: the archive message is deferred (not
# due for 1000 s); --once completes the job, reports the deferred message and exits
J2=$(submit "$SAMPLES/test.vcf" rel)
t0=$(date +%s)
timeout 120 env GAS_ARCHIVE_GRACE=1000 gasd --once > once.log 2>&1
rc=$?
cat once.log >> "$WORK/gasd.log"
expect "--once: exits 0 by itself with an archive deferred (exit $rc, $(( $(date +%s) - t0 )) s)" test "$rc" = 0
expect "--once: the job it found is COMPLETED" test "$(field "$J2" job_status)" = COMPLETED
expect "--once: the deferred archive message is reported" \
  grep -qE -- "--once: archive: [1-9][0-9]* deferred or in flight" once.log
expect "--once: the job is not archived (not due)" test "$(field "$J2" archive_state)" = NONE

# scratch: gasd killed (SIGKILL) while staging the result upload leaves its work directory
# and a staged file; the next gasd removes them, plus files of other dead processes and
# files older than scratch_max_age, and keeps those of live processes
bytes() { find "$GAS_DATA_DIR/work" "$GAS_DATA_DIR/tmp" -type f -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
J3=$(submit "$SAMPLES/free_2.vcf" rel)
start_gasd GAS_FAULT=objects.staged
expect "scratch: gasd died while staging the upload" crashed_gasd
left=$(bytes)
expect "scratch: the crash left bytes behind ($left)" test "$left" -gt 0
host=$(hostname); host=${host:0:63}
echo x > "$GAS_DATA_DIR/tmp/00000000-0000-4000-8000-000000000000.$host-4194999"   # a dead pid
echo x > "$GAS_DATA_DIR/tmp/old-unowned" && touch -d '3 days ago' "$GAS_DATA_DIR/tmp/old-unowned"
echo live > "$GAS_DATA_DIR/tmp/11111111-0000-4000-8000-000000000000.$host-$$"          # this shell
# a pid reused (pids wrap at 32768): a live process that started after the file was written
sleep 600 & reused=$!
echo x > "$GAS_DATA_DIR/tmp/22222222-0000-4000-8000-000000000000.$host-$reused" &&
  touch -d '1 hour ago' "$GAS_DATA_DIR/tmp/22222222-0000-4000-8000-000000000000.$host-$reused"
# a zombie (SIGKILLed, not yet reaped by its parent) writes nothing more: its fresh file goes
python3 -c 'import os, sys, time
pid = os.fork()
if pid == 0: os._exit(0)
print(pid, flush=True); time.sleep(600)' > zombie.pid & zparent=$!
for ((i = 0; i < 100; i++)); do
  zombie=$(cat zombie.pid 2>/dev/null)
  [ -n "$zombie" ] && grep -q ') Z ' "/proc/$zombie/stat" 2>/dev/null && break
  sleep 0.1
done
expect "scratch: a zombie process to own a file ($zombie)" grep -q ') Z ' "/proc/$zombie/stat"
echo x > "$GAS_DATA_DIR/tmp/33333333-0000-4000-8000-000000000000.$host-$zombie"
mkdir -p "$GAS_DATA_DIR/outbox" && echo x > "$GAS_DATA_DIR/outbox/.j.eml.tmp.AbC123" &&
  touch -d '3 days ago' "$GAS_DATA_DIR/outbox/.j.eml.tmp.AbC123"
start_gasd
expect "scratch: the job still COMPLETES" wait_field "$J3" job_status COMPLETED 30
stop_gasd
expect "scratch: a live process's file is kept" test -f "$GAS_DATA_DIR/tmp/11111111-0000-4000-8000-000000000000.$host-$$"
expect "scratch: a file whose pid now belongs to a younger process is removed" \
  test ! -e "$GAS_DATA_DIR/tmp/22222222-0000-4000-8000-000000000000.$host-$reused"
expect "scratch: a file of a zombie process is removed" \
  test ! -e "$GAS_DATA_DIR/tmp/33333333-0000-4000-8000-000000000000.$host-$zombie"
kill "$reused" "$zparent" 2>/dev/null; wait "$reused" "$zparent" 2>/dev/null
rm -f "$GAS_DATA_DIR/tmp/11111111-0000-4000-8000-000000000000.$host-$$"
left=$(bytes)
expect "scratch: 0 bytes left in work/ and tmp/ after the next start ($left)" test "$left" = 0
expect "scratch: old outbox temporary removed" test ! -e "$GAS_DATA_DIR/outbox/.j.eml.tmp.AbC123"
expect "scratch: the removal is logged" grep -q "scratch: removed" "$WORK/gasd.log"

# causes kept: a permanent failure (a record the engine cannot read) fails the job at its
# first attempt with the reason; a passing one (no space left in the work directory) is
# retried and ends "gave up after 3 attempts: <the cause>"; gas show shows it (a name too
# long for a file is refused by gas submit itself: test_badinput)
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t-5\t.\tA\tG\t.\t.\t.\n' > negpos.vcf
J4=$(gas submit negpos.vcf --user rel)
start_gasd
expect "permanent failure: FAILED" wait_field "$J4" job_status FAILED 30
expect "permanent failure: after 1 attempt ($(field "$J4" attempts))" test "$(field "$J4" attempts)" = 1
check_out "permanent failure: gas show gives the cause" 0 "^error +.*line 3: POS" gas show "$J4"
stop_gasd
# a job item without an input file (written by hand): FAILED at its first attempt
sqlite3 "$GAS_DATA_DIR/gas.db" "INSERT INTO items(tbl, k, idx, body) VALUES('gas_annotations',
  'noinput-1', 'rel', '{\"job_id\":\"noinput-1\",\"user_id\":\"rel\",\"job_status\":\"PENDING\"}')"
gas send gas_job_requests '{"job_id":"noinput-1","user_id":"rel"}' >/dev/null
start_gasd
expect "no input file: FAILED" wait_field noinput-1 job_status FAILED 20
check_out "no input file: the reason shown" 0 "^error +job item has no input file" gas show noinput-1
stop_gasd
mnt=$WORK/smallfs; mkdir -p "$mnt"
if mount -t tmpfs -o size=16k tmpfs "$mnt" 2>/dev/null; then
  J5=$(submit "$SAMPLES/free_2.vcf" rel)
  # (min_free_bytes off: the write itself meets the full disk; test_badinput checks the
  # stop before it)
  start_gasd GAS_WORK_DIR="$mnt" GAS_MAX_ATTEMPTS=3 GAS_MIN_FREE_BYTES=0
  expect "full disk: FAILED after the retries" wait_field "$J5" job_status FAILED 60
  check_out "full disk: the cause kept (gave up after 3 attempts: ...No space left on device)" 0 \
    "^error +gave up after 3 attempts: .*No space left on device" gas show "$J5"
  stop_gasd
  umount "$mnt"
else
  echo "skip full disk: cannot mount a small tmpfs here"
fi

# SIGTERM at each phase of a job: gasd exits 0 within shutdown_deadline (3 s here), the
# job is released (PENDING, attempt given back; or COMPLETED with its result message
# visible again), and a fresh gasd completes and publishes it in under 10 s
phase() { # NAME FAULT LOGPATTERN WANT_STATE
  local name=$1 fault=$2 pat=$3 want=$4 u=sig$1
  gas users add "$u" --email "$u@example.org" >/dev/null
  local j; j=$(submit "$SAMPLES/premium_3.vcf" "$u")
  : > "$WORK/phase.log"
  env GAS_FAULT="$fault" GAS_SHUTDOWN_DEADLINE=3 GAS_QUEUE_VISIBILITY=60 GAS_JOB_LEASE=120 \
    gasd >> "$WORK/phase.log" 2>&1 &
  local pid=$!
  for ((i = 0; i < 300; i++)); do grep -qE -- "$pat" "$WORK/phase.log" && break; sleep 0.1; done
  if [ "$name" = annotate ]; then # RUNNING: a lease and a watch deadline, shown as times
    check_out "gas show: a RUNNING job's lease_until as a UTC time" 0 \
      '^lease_until +[0-9]+ \([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC\)$' gas show "$j"
    check_out "gas show: its watch_until too" 0 \
      '^watch_until +[0-9]+ \([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC\)$' gas show "$j"
  fi
  kill -TERM $pid
  local t0; t0=$(date +%s.%N)
  wait $pid; local rc=$?
  local took; took=$(echo "$(date +%s.%N) - $t0" | bc)
  cat "$WORK/phase.log" >> "$WORK/gasd.log"
  expect "SIGTERM during $name: gasd exits 0 (rc $rc) within the deadline (${took} s)" \
    sh -c "[ $rc = 0 ] && [ \$(echo '$took < 5' | bc) = 1 ]"
  expect "SIGTERM during $name: job $want after the stop ($(field "$j" job_status))" \
    test "$(field "$j" job_status)" = "$want"
  start_gasd GAS_QUEUE_VISIBILITY=60 GAS_JOB_LEASE=120
  t0=$(date +%s.%N)
  wait_field "$j" job_status COMPLETED 10 && wait_file "$GAS_DATA_DIR/outbox/$j.eml" 10
  local ok=$?
  took=$(echo "$(date +%s.%N) - $t0" | bc)
  expect "SIGTERM during $name: a fresh gasd completes and publishes it in ${took} s (< 10)" \
    sh -c "[ $ok = 0 ] && [ \$(echo '$took < 10' | bc) = 1 ]"
  [ "$want" = PENDING ] &&
    expect "SIGTERM during $name: attempt given back (attempts $(field "$j" attempts))" \
      test "$(field "$j" attempts)" = 1
  stop_gasd
}
# (no fetch phase here: the local backend's input is read in place, not copied; the AWS
# suite's download phase covers a fetch cut short)
phase annotate annotate.running:sleep=30 "fault point annotate.running" PENDING
phase upload objects.put_chunk:sleep=0.2 "fault point objects.put_chunk" PENDING
phase publish annotate.before_publish:sleep=30 "fault point annotate.before_publish" COMPLETED

# a gasd killed (kill -9) mid-job: once it is lost (no heartbeat for 3 of its intervals),
# another gasd takes its job over at once, not after its lease (55 s here) has passed
: > "$WORK/gasd.log"
K=$(submit "$SAMPLES/test.vcf" rel)
start_gasd GAS_HEARTBEAT_INTERVAL=1 GAS_JOB_LEASE=55 GAS_FAULT=annotate.running:sleep=60
require "kill -9: gasd is in the job" wait_log "fault point annotate.running: pausing" 60
dead=$(gas workers | awk '$2 == "alive" {print $1; exit}')
kill -9 "$GASD_PID"; wait "$GASD_PID" 2>/dev/null; GASD_PID=
start_gasd GAS_HEARTBEAT_INTERVAL=1 GAS_JOB_LEASE=55
expect "kill -9: another gasd completes the job before its 55 s lease passes" wait_field "$K" job_status COMPLETED 45
check_out "... having taken it over from the lost worker" 0 \
  "job_id=$K job taken over from worker $dead, which is lost \(no heartbeat for [0-9]+ s; its lease had [0-9]+ s left\)" cat "$WORK/gasd.log"
check_out "... after the reconciler sent its request again" 0 "job $K RUNNING on worker $dead, lost" cat "$WORK/gasd.log"
check_out "... its second attempt" 0 '^attempts +2$' gas show "$K"
stop_gasd

# a gasd frozen (SIGSTOP) mid-job is lost too: another takes the job over and completes
# it; when the frozen one resumes, it finds the job taken over and leaves it: one result,
# one email, the result the same as gas annotate's
: > "$WORK/gasd.log"
gas users add relp --email relp@example.org --premium >/dev/null # results stay hot
Z=$(submit "$SAMPLES/test.vcf" relp)
env GAS_HEARTBEAT_INTERVAL=1 GAS_JOB_LEASE=55 GAS_FAULT=annotate.running:sleep=6 gasd >> "$WORK/gasd.log" 2>&1 &
A=$!
require "SIGSTOP: gasd is in the job" wait_log "fault point annotate.running: pausing" 60
kill -STOP "$A"
start_gasd GAS_HEARTBEAT_INTERVAL=1 GAS_JOB_LEASE=55
expect "SIGSTOP: another gasd completes the job" wait_field "$Z" job_status COMPLETED 90
kill -CONT "$A"
expect "SIGCONT: the frozen gasd resumes and leaves the job to the other" \
  wait_log "job_id=$Z job was taken over by another worker; leaving it to them" 60
kill -TERM "$A"; wait "$A"; rc=$?
expect "... and stops cleanly (exit $rc)" test "$rc" = 0
stop_gasd
check_out "... the job is COMPLETED" 0 '^job_status +COMPLETED$' gas show "$Z"
gas annotate "$SAMPLES/test.vcf" -o want.vcf >/dev/null 2>&1
gas download "$Z" -o got.vcf >/dev/null 2>&1
expect "... its result is gas annotate's" cmp -s got.vcf want.vcf
expect "... one email" test "$(ls "$GAS_DATA_DIR/outbox" | grep -c "^$Z.eml")" = 1

finish_pipeline "$SUITE"
