#!/bin/bash
# A web app's per-job restore requests (GAS deployments: after an upgrade the web app
# itself sets the role and sends one message per archived job). The course's naming puts
# them on its "thaw" queue ({job_id, user_id, results_file_archive_id, ...}) or on a
# restore queue without a user_id ({'results_file_archive_id': ..., 'job_id': ...}, a
# Python dict): gasd restores that job (and only it) when its user is premium. A request
# for a free user's job, or naming another user than the job's, is dead-lettered with the
# reason; one for a job restored already is done with. Bytes survive the round trip.
SUITE=restore_requests
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
dead() { gas dlq list 2>/dev/null | grep -F -- "$1"; }
wait_dead() { # QUEUE TEXT: until gas dlq list shows a dead letter of QUEUE with TEXT
  local i; for ((i = 0; i < 200 * T; i++)); do dead "$2" | grep -q "^$1 " && return 0; sleep 0.1; done
  echo "    no dead letter on $1 with: $2"; gas dlq list | sed 's/^/    | /'; return 1; }

gas users add ann --email ann@example.org > /dev/null
gas users add bob --email bob@example.org > /dev/null
start_gasd
J1=$(submit "$SAMPLES/free_1.vcf" ann)
J2=$(submit "$SAMPLES/test.vcf" ann)
J3=$(submit "$SAMPLES/test.vcf" bob)
require "three jobs submitted" test -n "$J1" -a -n "$J2" -a -n "$J3"
for j in "$J1" "$J2" "$J3"; do require "job ${j:0:8} COMPLETED" wait_field "$j" job_status COMPLETED; done
gas download "$J1" -o first.vcf > /dev/null
for j in "$J1" "$J2" "$J3"; do require "job ${j:0:8} ARCHIVED" wait_field "$j" archive_state ARCHIVED; done
A1=$(field "$J1" results_file_archive_id)
# the web app upgrades ann in its own accounts: the role changes, and gasd's restore queue
# gets nothing (gas upgrade's own message is sent to another queue here)
check_out "ann upgraded (role only)" 0 "premium" env GAS_RESTORE_TOPIC=webapp GAS_RESTORE_QUEUE=webapp gas upgrade ann

# course style: the per-job request on the thaw queue
gas send gas_thaw "{\"job_id\": \"$J1\", \"user_id\": \"ann\", \"results_file_archive_id\": \"$A1\", \"thaw_status\": \"STARTED\"}" > /dev/null
expect "thaw queue: a request to restore one job is taken as one" wait_log "a request to restore job $J1 \(not a retrieval\): taken as a restore request"
require "thaw queue: that job is restored" wait_field "$J1" archive_state NONE
expect "... with the bytes it had" sh -c "gas download $J1 -o again.vcf && cmp -s first.vcf again.vcf"
expect "... and only that job" test "$(field "$J2" archive_state)" = ARCHIVED

# a request without a user_id, as a Python dict, on the restore queue
gas send gas_restore "{'results_file_archive_id': '$(field "$J2" results_file_archive_id)', 'job_id': '$J2'}" > /dev/null
require "restore queue: {job_id} restores that job" wait_field "$J2" archive_state NONE

# bob is free: his job's request is kept, dead-lettered with the reason
gas send gas_thaw "{\"job_id\": \"$J3\", \"user_id\": \"bob\"}" > /dev/null
expect "a free user's job: dead-lettered, saying why" \
  wait_dead gas_thaw "user bob is not premium in gasd's user source (table)"
gas send gas_restore "{\"job_id\": \"$J3\", \"user_id\": \"ann\"}" > /dev/null
expect "a request naming another user than the job's: dead-lettered" \
  wait_dead gas_restore "names user ann; the job is bob's"
expect "bob's job stays ARCHIVED" test "$(field "$J3" archive_state)" = ARCHIVED

# a second request for a job restored already: done with, not dead-lettered
gas send gas_thaw "{\"job_id\": \"$J1\", \"user_id\": \"ann\"}" > /dev/null
expect "a request for a restored job is done with" wait_log "job $J1 is COMPLETED/NONE: nothing to restore"
expect "... not dead-lettered" test "$(gas dlq list | awk 'NR > 1' | wc -l)" = 2
finish_pipeline restore_requests
