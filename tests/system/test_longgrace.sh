#!/bin/bash
# A grace longer than the queue's delivery delay (on AWS: longer than 900 s) defers the
# archive message until it is due. Near the dead-letter limit the message is sent again,
# delayed, instead of being hidden once more: here the archive queue delivers at once and
# allows two receives, so the first receive is already the last one before the limit
# (gasd refuses max receives 1: job_lease must fit in (max receives - 1) x visibility);
# the job must be archived on time and nothing dead-lettered.
SUITE=longgrace
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
# the topology made with no delay and two receives before the dead-letter queue
GAS_ARCHIVE_GRACE=0 GAS_QUEUE_MAX_RECEIVES=2 gas users add ann --email ann@example.org >/dev/null
export GAS_ARCHIVE_GRACE=$((4 * T)) GAS_QUEUE_MAX_RECEIVES=2 GAS_QUEUE_VISIBILITY=5
start_gasd
J=$(submit "$SAMPLES/test.vcf" ann)
require "job COMPLETED" wait_field "$J" job_status COMPLETED
done_at=$(date +%s)
expect "archive message re-sent, delayed, not re-hidden" wait_log "re-sent as .*, delayed [0-9]+ s"
require "job ARCHIVED" wait_field "$J" archive_state ARCHIVED 30
expect "not before the grace period" test $(( $(date +%s) - done_at )) -ge $((3 * T))
expect "no dead letter on the archive queue" \
  sh -c "gas status --json | python3 -c 'import json,sys; d=json.load(sys.stdin); q=[x for x in d[\"queues\"] if x[\"name\"]==\"gas_archive\"][0]; sys.exit(q[\"dead\"] != 0)'"

# the other way round: the archive queue made with a longer delay than archive_grace is now
# (the key shortened, gas setup not run again) is said at gasd's start, with what to do
stop_gasd
GAS_ARCHIVE_GRACE=600 gas setup > /dev/null
GAS_ARCHIVE_GRACE=8 timeout 120 gasd --once > short.log 2>&1
check_out "a shortened archive_grace: gasd says the queue still delays 600 s, and to run gas setup" 0 \
  'queue gas_archive delays every message 600 s, longer than archive_grace \(8 s\).*run gas setup' cat short.log
GAS_ARCHIVE_GRACE=8 gas setup > /dev/null
GAS_ARCHIVE_GRACE=8 timeout 120 gasd --once > short2.log 2>&1
check "... after gas setup with it: no such warning" 1 grep -q 'delays every message' short2.log
finish_pipeline longgrace
