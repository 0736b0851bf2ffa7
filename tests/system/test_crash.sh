#!/bin/bash
# Crash safety: gasd kills itself (SIGKILL, as kill -9 or a power cut would) at named
# points inside each pipeline (GAS_FAULT); a fresh gasd must then finish the work: no
# result lost, no job stuck, and never a hot copy deleted without a recorded archive.
SUITE=crash
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2

hot() { # 0 if the job's result file is in hot storage
  local key; key=$(field "$1" s3_key_result_file)
  [ -n "$key" ] && [ -f "$GAS_DATA_DIR/objects/gas-results/$key" ]
}
invariant() { # a missing hot copy must have its archive recorded (or its cold copy's id)
  if hot "$1" || [ -n "$(field "$1" results_file_archive_id)" ] ||
    [ -n "$(field "$1" archive_pending_id)" ]; then return 0; fi
  echo "    job $1: hot copy gone and no archive id"; return 1
}
n=0
new_user() { n=$((n + 1)); u=u$n; gas users add "$u" --email "$u@example.org" >/dev/null; }

# crash while annotating: the job still completes, and its result is still published
for point in annotate.before_run annotate.after_upload annotate.completing annotate.before_publish; do
  new_user
  start_gasd GAS_FAULT=$point
  J=$(submit "$SAMPLES/free_1.vcf" "$u")
  expect "$point: gasd died there" crashed_gasd
  expect "$point: job not lost" test -n "$(field "$J" job_status)"
  start_gasd
  expect "$point: job COMPLETED after restart" wait_field "$J" job_status COMPLETED 30
  expect "$point: result published (archived later)" wait_field "$J" archive_state ARCHIVED 30
  expect "$point: result intact in cold storage" invariant "$J"
  stop_gasd
done

# a job whose every attempt dies with its worker: after max_attempts (3) it ends FAILED,
# saying so rather than with an empty cause
new_user
J=$(submit "$SAMPLES/free_1.vcf" "$u")
for k in 1 2 3; do
  start_gasd GAS_FAULT=annotate.before_run
  expect "attempt $k: gasd died mid-job" crashed_gasd
done
start_gasd
expect "the 4th claim gives up: FAILED" wait_field "$J" job_status FAILED 30
check_out "... saying every attempt's worker stopped mid-job" 0 \
  '^error +gave up after 3 attempts: none ended \(each time the worker running it stopped mid-job' gas show "$J"
stop_gasd

# crash while archiving: the hot copy survives until the archive is recorded
for point in archive.after_upload archive.before_delete archive.after_delete archive.after_record; do
  new_user
  start_gasd GAS_FAULT=$point
  J=$(submit "$SAMPLES/free_2.vcf" "$u")
  wait_field "$J" job_status COMPLETED 30 && gas download "$J" -o "orig-$point.vcf"
  expect "$point: gasd died there" crashed_gasd
  expect "$point: hot copy or recorded archive" invariant "$J"
  start_gasd
  expect "$point: ARCHIVED after restart" wait_field "$J" archive_state ARCHIVED 30
  gone=1; for ((i = 0; i < 100 * T; i++)); do hot "$J" || { gone=0; break; }; sleep 0.1; done
  expect "$point: hot copy deleted once recorded" test "$gone" = 0
  gas upgrade "$u" >/dev/null
  expect "$point: restorable" wait_field "$J" archive_state NONE 30
  expect "$point: identical bytes" sh -c "gas download $J -o back.vcf && cmp -s orig-$point.vcf back.vcf"
  stop_gasd
done

# upgraded while the cold copy is made, killed once the archive is abandoned (the copy's id
# parked): the redelivered message deletes that copy, and the result stays hot
new_user
start_gasd GAS_FAULT="archive.after_upload:sleep=$((15 * T)),archive.after_abandon"
J=$(submit "$SAMPLES/free_2.vcf" "$u")
wait_field "$J" job_status COMPLETED 30 && gas download "$J" -o orig-abandon.vcf
require "abandon: the archive paused with its cold copy made" wait_log "fault point archive.after_upload: pausing" 60
gas upgrade "$u" >/dev/null
expect "abandon: gasd died there" crashed_gasd
expect "abandon: NONE, the cold copy's id parked" \
  sh -c "[ \"\$(gas show $J | awk '\$1 == \"archive_state\" || \$1 == \"cold_cleanup_id\" {print \$1}' | tr '\n' ' ')\" = 'archive_state cold_cleanup_id ' ]"
expect "abandon: the copy is there to delete" test "$(find "$GAS_DATA_DIR/cold" -type f | wc -l)" -gt "$(gas jobs --status ARCHIVED | awk 'NR > 1' | wc -l)"
start_gasd
cleared() { [ -z "$(field "$J" cold_cleanup_id)" ]; }
for ((i = 0; i < 300 * T; i++)); do cleared && break; sleep 0.1; done
expect "abandon: the parked copy deleted on redelivery, its id cleared" cleared
expect "abandon: the result still hot" sh -c "gas download $J -o back.vcf && cmp -s orig-abandon.vcf back.vcf"
stop_gasd

# crash while restoring or thawing: the restore still completes
for point in restore.after_retrieve thaw.after_fetch thaw.before_cold_delete; do
  new_user
  start_gasd
  J=$(submit "$SAMPLES/test.vcf" "$u")
  wait_field "$J" job_status COMPLETED 30 && gas download "$J" -o "orig-$point.vcf"
  wait_field "$J" archive_state ARCHIVED 30
  stop_gasd
  start_gasd GAS_FAULT=$point
  gas upgrade "$u" >/dev/null
  expect "$point: gasd died there" crashed_gasd
  expect "$point: hot copy or recorded archive" invariant "$J"
  start_gasd
  expect "$point: thawed after restart" wait_field "$J" archive_state NONE 30
  expect "$point: identical bytes" sh -c "gas download $J -o back.vcf && cmp -s orig-$point.vcf back.vcf"
  stop_gasd
done
cold=$(find "$GAS_DATA_DIR/cold" -type f | wc -l)
archived=$(gas jobs --status ARCHIVED | awk 'NR > 1' | wc -l)
expect "one cold copy per ARCHIVED job, none left by thaws ($cold for $archived)" test "$cold" = "$archived"
stuck=$(gas jobs | awk 'NR > 1 && ($3 == "PENDING" || $3 == "RUNNING" || ($4 != "NONE" && $4 != "ARCHIVED"))' | wc -l)
expect "no job stuck in a transitional state" test "$stuck" = 0
expect "every job accounted for (one per user: $n)" test "$(gas jobs | awk 'NR > 1' | wc -l)" = "$n"
finish_pipeline crash
