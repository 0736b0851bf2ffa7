#!/bin/bash
# The reconciler: a job whose worker died and whose message is gone (dead-lettered or
# lost) still finishes, in each watched state (RUNNING, ARCHIVING, RESTORING), because
# gasd finds it in the due index once its deadline passes and sends its work again; and
# a config that would dead-letter a crashed worker's request is refused at start.
SUITE=reconcile
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
export GAS_RECONCILE_INTERVAL=1
gas setup >/dev/null 2>&1
drop() { # drop QUEUE: every message of the queue gone, as if dead-lettered and purged
  sqlite3 "$GAS_DATA_DIR/gas.db" "DELETE FROM messages WHERE queue = '$1';"
}

check_out "config refused: job_lease 30 > (5 - 1) x 5, naming the rule" 2 \
  "job_lease <= \(queue_max_receives - 1\) x queue_visibility" \
  env GAS_JOB_LEASE=30 GAS_QUEUE_VISIBILITY=5 GAS_QUEUE_MAX_RECEIVES=5 gasd --once

# RUNNING: the worker dies mid-job, its request is gone
gas users add r1 --email r1@example.org >/dev/null
J=$(submit "$SAMPLES/free_1.vcf" r1)
start_gasd GAS_FAULT=annotate.running
expect "RUNNING: gasd died mid-job" crashed_gasd
drop gas_job_requests
expect "RUNNING: the job is RUNNING with no request left" test "$(field "$J" job_status)" = RUNNING
start_gasd
# (its worker is lost a few heartbeats after it died: that, or the lease passing, whichever
# comes first here, makes the reconciler send the request again)
expect "RUNNING: COMPLETED once the lease passed or its worker was lost" wait_field "$J" job_status COMPLETED 30
expect "RUNNING: the reconciler said so" wait_log "job $J RUNNING (past its deadline|on worker [^ ]+, lost)" 5
wait_field "$J" archive_state ARCHIVED 30 # its archive done: the next crash is J2's
stop_gasd

# ARCHIVING: the worker dies after the cold copy, the archive message is gone
J2=$(submit "$SAMPLES/test.vcf" r1)
start_gasd GAS_FAULT=archive.after_upload
wait_field "$J2" job_status COMPLETED 30
expect "ARCHIVING: gasd died mid-archive" crashed_gasd
drop gas_archive
expect "ARCHIVING: the job is ARCHIVING with no message left" test "$(field "$J2" archive_state)" = ARCHIVING
start_gasd
expect "ARCHIVING: ARCHIVED once the deadline passed" wait_field "$J2" archive_state ARCHIVED 30
stop_gasd

# RESTORING: the worker dies while thawing, the thaw messages are gone
gas upgrade r1 >/dev/null
start_gasd GAS_FAULT=thaw.after_fetch
expect "RESTORING: gasd died mid-thaw" crashed_gasd
drop gas_thaw
expect "RESTORING: the job is RESTORING with no message left" test "$(field "$J2" archive_state)" = RESTORING
start_gasd
expect "RESTORING: restored (NONE) once the deadline passed" wait_field "$J2" archive_state NONE 40
stop_gasd
expect "no dead letters" test "$(sqlite3 "$GAS_DATA_DIR/gas.db" "SELECT count(*) FROM messages WHERE queue LIKE '%dlq'")" = 0
expect "no job left in the due index" test "$(sqlite3 "$GAS_DATA_DIR/gas.db" "SELECT count(*) FROM items WHERE w IS NOT NULL")" = 0

finish_pipeline "$SUITE"
