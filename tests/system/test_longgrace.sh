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
finish_pipeline longgrace
