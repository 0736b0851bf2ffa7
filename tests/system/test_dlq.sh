#!/bin/bash
# Dead letters carry the id gas send printed and why they were dead-lettered: a malformed
# message at once ("malformed json ..."), a message that keeps failing after
# queue_max_receives receives ("exceeded N receives; last error: ...", a notice whose SMTP
# server refuses); the gasd log uses the same id; redrive keeps it.
SUITE=dlq
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
export GAS_QUEUE_MAX_RECEIVES=2 GAS_QUEUE_VISIBILITY=5 GAS_JOB_LEASE=5
gas users add ann --email ann@example.org > /dev/null
dead_line() { gas dlq list 2>&1 | grep -F -- "$1"; }
not_listed() { # ID [QUEUE]: gas dlq list works and does not show ID
  local out; out=$(gas dlq list $2) || return 1; ! grep -qF -- "$1" <<<"$out"; }
wait_dead() { # ID: until gas dlq list shows it
  local i; for ((i = 0; i < 200 * T; i++)); do dead_line "$1" > /dev/null && return 0; sleep 0.1; done
  return 1; }

start_gasd
ID=$(gas send gas_job_requests '{"job_id": ')
ID2=$(gas send gas_job_requests 'not json either') # sent at once: its id starts as ID's
require "gas send prints a message id" test -n "$ID"
expect "malformed message dead-lettered" wait_dead "$ID"
expect "... and the second" wait_dead "$ID2"
line=$(dead_line "$ID")
if grep -qE "^gas_job_requests +$ID +1 .*malformed json at byte" <<<"$line"; then
  ok "dlq list: same id, the queue and the reason (malformed json)"
else bad "dlq list: same id, the queue and the reason" "$line"; fi
# the table's columns line up: every letter's body starts under the header's "body" (the
# reason column is as wide as the widest reason), and --json lists the same letters whole
cols=$(gas dlq list gas_job_requests | awk 'NR == 1 { h = index($0, "body") } NR > 1 { print (substr($0, h - 2, 8) == "  body: ") ? "aligned" : "ragged at line " NR ": " $0 }' | sort -u)
if [ "$cols" = aligned ]; then ok "dlq list: the bodies line up under the header's body column"
else bad "dlq list: the bodies line up under the header's body column" "$cols"; fi
js=$(gas dlq list --json 2>&1)
if python3 -c 'import json, sys; l = json.loads(sys.argv[1]); ids = [d["message_id"] for d in l]; sys.exit(not (sys.argv[2] in ids and sys.argv[3] in ids and all(d["reason"] for d in l if d["message_id"] in sys.argv[2:]) and any(d["body"] == "not json either" for d in l)))' "$js" "$ID" "$ID2"; then
  ok "dlq list --json: both letters, with reason and body whole"
else bad "dlq list --json: both letters, with reason and body whole" "$js"; fi
expect "gasd log names the same id" wait_log "message $ID moved to gas_job_requests_dlq: .*malformed json"
stop_gasd

# a notice that keeps failing (the SMTP server refuses connections): retried, then
# dead-lettered on its last receive with the last error; redriven to a worker that can
# send, it goes out under the same id
J=$(submit "$SAMPLES/free_1.vcf" ann)
start_gasd GAS_NOTIFY_VIA=smtp GAS_SMTP_URL=smtp://127.0.0.1:1
expect "job COMPLETED" wait_field "$J" job_status COMPLETED
R=$(gas send gas_notify "{\"job_id\": \"$J\"}")
expect "the replayed notice is dead-lettered after 2 receives" wait_dead "$R"
line=$(dead_line "$R")
if grep -qE "$R +[0-9]+ .*exceeded 2 receives; last error: .*(connect|refused|Couldn)" <<<"$line"; then
  ok "dlq list: exceeded receives with the last error"
else bad "dlq list: exceeded receives with the last error" "$line"; fi
expect "retries were logged with the same id" wait_log "message $R will be retried \(receive 1 of 2\)"
stop_gasd

# a job that keeps failing for a passing cause (here the disk short of min_free_bytes)
# when queue_max_receives (2) is at most max_attempts (3): on its request's last receive
# the job is FAILED, saying why, not left PENDING with its request dead-lettered
K=$(submit "$SAMPLES/free_1.vcf" ann)
start_gasd GAS_MIN_FREE_BYTES=1099511627776
expect "a job failing on every receive: FAILED on its request's last" wait_field "$K" job_status FAILED 60
check_out "... saying so, with the cause" 0 \
  "^error +gave up after 2 attempts \(its request's last receive, 2 of queue_max_receives\): .*min_free_bytes" gas show "$K"
stop_gasd
expect "... its request not dead-lettered (nothing is left waiting)" not_listed "$K" gas_job_requests
start_gasd
gas dlq redrive gas_notify "$R" > redrive1.txt 2>&1
check_out "redrive one dead letter by its id" 0 '^1 message redriven' cat redrive1.txt
check "... with no note: its reason (the outbox could not be written) is not its body's" 1 grep -q 'note:' redrive1.txt
expect "the redriven notice sends the email" wait_file "$GAS_DATA_DIR/outbox/$J.eml" 30
expect "the dead letter is gone" not_listed "$R"
check_out "unknown message id is an error" 1 "no dead letter nope-not-there" gas dlq redrive gas_job_requests nope-not-there
check_out "a short unknown id: says how much of an id it takes (exit 2, a usage error)" 2 \
  "nope: a dead letter's id, or at least 6 characters of its start or end \(gas dlq list shows them\)" \
  gas dlq redrive gas_job_requests nope
expect "two letters sent at once share their ids' first 8 characters (time-ordered)" test "${ID:0:8}" = "${ID2:0:8}"
check_out "... so those are not enough to name one (exit 2, as an ambiguous job id): the queue and their ends said" 2 \
  "${ID:0:8} is the start or end of 2 dead letters' ids in gas_job_requests \\(\\.\\.${ID: -8} \\.\\.${ID2: -8}\\): give more of it" \
  gas dlq redrive gas_job_requests "${ID:0:8}"
check_out "a dead letter by the last 8 characters of its id, as the console shows them (..)" 0 \
  '^1 message redriven' gas dlq redrive gas_job_requests "..${ID2: -8}"
check_out "a dead letter by the first 13 characters of its id, no queue given: found in its queue" 0 \
  "^1 message redriven \\($ID\\)" gas dlq redrive "${ID:0:13}"
check_out "an id no queue holds, no queue given: said" 1 \
  'no queue and no dead letter 0123456789ab' gas dlq redrive 0123456789ab
check_out "a word that is no queue: the queues listed (exit 2)" 2 'no queue nope_q; the queues are: ' gas dlq redrive nope_q
check_out "... fewer than 6 are not taken as the start of an id" 2 "${ID:0:5}: a dead letter's id, or at least 6 characters" \
  gas dlq redrive gas_job_requests "${ID:0:5}"
# a dead letter no redrive can help, deleted for good: by its id with its queue, or by the
# end of it the console shows without one; the others stay
X1=$(gas send gas_job_requests "not json, to delete 1")
X2=$(gas send gas_job_requests "not json, to delete 2")
expect "a malformed request dead-lettered" wait_dead "$X1"
expect "... and another" wait_dead "$X2"
check_out "redrive of a letter dead for its body: redriven, with a note that it comes back" 0 \
  "^1 message redriven \\($X2\\)|gas dlq redrive: note: it was dead-lettered for its body \\(message body: malformed json at byte 0 .*\\): unchanged, it is dead-lettered again" \
  sh -c "gas dlq redrive '$X2' 2>&1 | paste -sd'|'"
expect "... and it is dead-lettered again" wait_dead "$X2"
X3=$(gas send gas_job_requests '{"job_id":"00000000-0000-4000-8000-00000000dead"}')
expect "a request for a job that does not exist dead-lettered" wait_dead "$X3"
check_out "... its redrive notes that it comes back (its body names no job)" 0 \
  "gas dlq redrive: note: it was dead-lettered for its body \\(no job 00000000-0000-4000-8000-00000000dead.*\\): unchanged, it is dead-lettered again" \
  sh -c "gas dlq redrive '$X3' 2>&1"
expect "... and it is dead-lettered again" wait_dead "$X3"
gas dlq delete gas_job_requests "$X3" >/dev/null
check_out "dlq delete QUEUE MESSAGE: deleted, saying which and from where" 0 \
  "^dead letter $X1 deleted from gas_job_requests$" gas dlq delete gas_job_requests "$X1"
expect "... gone from the list" not_listed "$X1"
expect "... the other still there" sh -c "gas dlq list | grep -qF -- '$X2'"
check_out "... deleted again: there is none (exit 1)" 1 "gas_job_requests has no dead letter $X1" \
  gas dlq delete gas_job_requests "$X1"
check_out "... in a queue that does not hold it: said (exit 1)" 1 "gas_notify has no dead letter" \
  gas dlq delete gas_notify "$X2"
check_out "dlq delete MESSAGE by the end the console shows (..), no queue given" 0 \
  "^dead letter $X2 deleted from gas_job_requests$" gas dlq delete "..${X2: -8}"
expect "... gone" not_listed "$X2"
check_out "dlq delete with no message: usage (exit 2)" 2 'usage: gas dlq delete \[QUEUE\] MESSAGE' gas dlq delete
# the dead-letter queue's own name, as gas status and gasd's log show it, names its letters
X3=$(gas send gas_job_requests "not json, by the dlq's name")
expect "one more dead-lettered" wait_dead "$X3"
check_out "dlq list QUEUE_dlq: that queue's dead letters" 0 "^gas_job_requests +$X3 " gas dlq list gas_job_requests_dlq
check_out "dlq delete QUEUE_dlq MESSAGE: deleted" 0 "^dead letter $X3 deleted from gas_job_requests$" \
  gas dlq delete gas_job_requests_dlq "$X3"
expect "... gone" not_listed "$X3"
check_out "dlq --help: each subcommand with what it does" 0 '^  delete +delete one dead letter for good' gas dlq --help
finish_pipeline dlq
