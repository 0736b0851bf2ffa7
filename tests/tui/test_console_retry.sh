#!/bin/bash
# Journey: with 30 jobs the admin moves to the 7th row and retries it: exactly that job is
# retried; then marks 3 failed jobs and retries them together; cancels one from the list.
SUITE=console_retry
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
gas users add bob --email bob@example.org >/dev/null
for i in $(seq 1 30); do
  gas submit "$SAMPLES/free_1.vcf" --user "$([ $((i % 2)) = 0 ] && echo ann || echo bob)" >/dev/null
done
for j in $(gas jobs | awk 'NR > 1 {print $1}'); do gas cancel "$j" >/dev/null; done
failed() { gas jobs --status FAILED | awk 'NR > 1' | wc -l; }
require "30 FAILED jobs to start with" test "$(failed)" = 30

console c 80 24
press c overview 2
require "jobs view lists 30 jobs" wait_screen 'row 1/30 jobs'
press c jobs j j j j j j
expect "6 x j: the cursor is on row 7" wait_screen 'row 7/30 jobs'
row7=$(screen | sed -n 10p | awk '{print $1}') # header, alert, column titles, rows 1..
expect "the cursor line is the 7th row ($row7)" test "$(cursor_job)" = "$row7"
sleep $((2 * T)) # two refreshes: the cursor stays where it was moved
expect "after refreshes the cursor is still on row 7" wait_screen 'row 7/30 jobs'
expect "after refreshes the cursor is still on the same job" test "$(cursor_job)" = "$row7"
J=$(full_id "$row7")
press c jobs r
expect "retry asks first, naming the job, its user and file" \
  wait_screen "Retry job $J \((ann|bob), free_1.vcf\)\? \(y/n\)"
answer c y
expect "the console says the job was retried" wait_screen "job $J retried"
expect "exactly that job is PENDING (gas show)" wait_field "$J" job_status PENDING 10
expect "every other job is still FAILED" test "$(failed)" = 29
for i in $(seq 1 $((50 * T))); do cursor_has PENDING && break; sleep 0.1; done
expect "the console shows it PENDING" cursor_has PENDING
press c jobs r
expect "r on the now PENDING job: the question says a second request would be sent" \
  wait_screen "Retry ${J:0:8} \((ann|bob), free_1.vcf\)\? It is PENDING: sends another request \(y/n\)"
answer c n
expect "n: the question goes, nothing sent" wait_gone 'It is PENDING: sends another request' c 5

# marks: Space marks and moves on; r retries the marked jobs after one question
press c jobs g
wait_screen 'row 1/30 jobs'
marked=()
for i in 1 2 3; do
  id=$(cursor_job); [ "$(status_of "$(full_id "$id")")" = FAILED ] || { press c jobs j; id=$(cursor_job); }
  marked+=("$(full_id "$id")"); press c jobs Space
  wait_screen "marked: $i" c 5 >/dev/null
done
expect "three rows marked" wait_screen 'marked: 3'
expect "marked rows carry a star" test "$(screen | grep -c '^\* ')" -ge 2
press c jobs r
expect "one question for the 3 marked jobs" wait_screen 'Retry 3 marked jobs\? \(y/n\)'
answer c y
expect "the console says 3 jobs were retried" wait_screen '3 jobs retried'
for j in "${marked[@]}"; do expect "marked job ${j:0:8} is PENDING" wait_field "$j" job_status PENDING 10; done
expect "26 jobs are still FAILED" test "$(failed)" = 26
expect "the marks are cleared after the action" wait_gone 'marked: '

# cancel from the list: a FAILED job is refused in one line; the PENDING job is asked
F=$(gas jobs --status FAILED | awk 'NR == 2 {print $1}')
press c jobs /
typing c "${F:0:8}"
press c jobs Enter
wait_screen "row 1/1 jobs +filter: ${F:0:8}" >/dev/null
press c jobs c
expect "c on a FAILED job: refused (only a PENDING job can be cancelled), nothing asked" \
  wait_screen "^${F:0:8}: the job is FAILED: only a PENDING job can be cancelled"
press c jobs /
typing c "${J:0:8}"
press c jobs Enter
wait_screen "row 1/1 jobs +filter: ${J:0:8}" >/dev/null
press c jobs c
expect "cancel asks first, naming the job" wait_screen "Cancel job $J \((ann|bob), free_1.vcf\)\? \(y/n\)"
answer c n
expect "n: nothing changed" wait_screen 'answered no: nothing changed'

# cancel of marked jobs, one PENDING (J) and one FAILED (F): the question says the FAILED one
# stays as it is; after y, the PENDING one is cancelled and the line says so in a line
for id in "${J:0:8}" "${F:0:8}"; do
  press c jobs /
  typing c "$id"
  press c jobs Enter
  wait_screen "row 1/1 jobs +filter: $id" >/dev/null
  press c jobs Space
done
expect "J and F marked" wait_screen 'marked: 2'
press c jobs c
expect "the question says the FAILED one is not PENDING and stays" \
  wait_screen 'Cancel 2 marked jobs\? 1 is not PENDING and stays as it is \(y/n\)'
answer c y
expect "... y: one cancelled, one left, said in one line" \
  wait_screen '^1 job cancelled; 1 left as it was \(not PENDING\)'
expect "... J is FAILED now (cancelled)" wait_field "$J" job_status FAILED 10
expect "... the marks are cleared" wait_gone 'marked: '
press c jobs Escape

# a job that failed on its input, marked with a cancelled one: the one question says so,
# on two lines when it does not fit one at 80 columns, ending with (y/n)
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\tten\t.\tA\tG\t.\t.\t.\n' > bad_pos.vcf
B=$(gas submit bad_pos.vcf --user ann)
start_gasd
require "the malformed input FAILED" wait_field "$B" job_status FAILED 30
stop_gasd
press c jobs Escape
for id in "${B:0:8}" "${F:0:8}"; do
  press c jobs /
  typing c "$id"
  press c jobs Enter
  wait_screen "row 1/1 jobs +filter: $id" >/dev/null
  # the console's own read shows it FAILED (its model refreshes apart from the table)
  require "the console shows ${id} FAILED" wait_screen "^ +$id +[a-z]+ +FAILED "
  press c jobs Space
done
expect "two marked" wait_screen 'marked: 2'
press c jobs r
expect "the question says one failed on its input and fails again" \
  wait_screen '^Retry 2 marked jobs\? 1 failed on its input and fails again unless it$'
expect "... (y/n) on its last line" wait_screen '^changes \(y/n\)$'
answer c n
expect "n: nothing retried" test "$(status_of "$B")" = FAILED
# and a COMPLETED job marked with them: the question says both what fails again and what
# stays as it is, over its lines, and n leaves all three as they were
C=$(gas jobs --status COMPLETED | awk 'NR == 2 {print $1}')
require "a COMPLETED job to mark" test -n "$C"
press c jobs /
typing c "${C:0:8}"
press c jobs Enter
require "the console shows ${C:0:8} COMPLETED" wait_screen "^ +${C:0:8} +[a-z]+ +COMPLETED "
press c jobs Space
expect "three marked" wait_screen 'marked: 3'
press c jobs r
expect "the question: 1 fails again on its input, 1 stays as it is (not FAILED or PENDING)" \
  sh -c "$TM capture-pane -p -J -t c | tr -s ' \n' ' ' | grep -qF 'Retry 3 marked jobs? 1 failed on its input and fails again unless it changes; 1 is not FAILED or PENDING and stays as it is (y/n)'"
answer c n
expect "n: the three as they were" \
  test "$(status_of "$B") $(status_of "$F") $(status_of "$C")" = "FAILED FAILED COMPLETED"
# only jobs the retry does not apply to marked: it says so and asks nothing
press c jobs Escape
press c jobs Escape
expect "Escape twice: filter and marks cleared" wait_gone 'marked: '
C2=$(gas jobs --status COMPLETED | awk 'NR == 3 {print $1}')
for id in "${C:0:8}" "${C2:0:8}"; do
  press c jobs /
  typing c "$id"
  press c jobs Enter
  require "the console shows $id COMPLETED" wait_screen "^ +$id +[a-z]+ +COMPLETED "
  press c jobs Space
done
expect "two COMPLETED marked" wait_screen 'marked: 2'
press c jobs r
expect "r: none of them can be retried, and no question" \
  wait_screen '^none of the 2 marked jobs is FAILED or PENDING: nothing to retry'
expect "... no (y/n) asked" sh -c "! $TM capture-pane -p -t c | grep -q '(y/n)'"
press c jobs Escape
press c jobs Escape

# the line under the list at 60 columns: the error cut to fit, ending with the hint
$TM resize-window -t c -x 60 -y 24
press c jobs Escape
press c jobs /
typing c "${B:0:8}"
press c jobs Enter
err=$(gas show "$B" | awk '$1 == "error" {sub(/^error +/, ""); print}')
expect "60 columns: the failed job's line shows the start of its error and ends with the hint" \
  wait_screen "^${B:0:8} failed: line 3: POS .*\\.\\. \\(Enter: all of it\\)\$"
press c jobs Enter
expect "Enter: the detail shows the error whole (its last word: ${err##* })" \
  sh -c "$TM capture-pane -p -J -t c | tr -s ' \n' ' ' | grep -qF -- '${err##* }'"
press c detail l
expect "l on a failed job: there is no count log, and why (not 'following')" \
  wait_screen 'no count log: the job failed \(its error is above\)'
press c detail Escape
$TM resize-window -t c -x 80 -y 24
# the list keeps its height as the cursor moves from a COMPLETED job to the FAILED one
# (the line under it is kept while any job could use it)
listed() { screen | grep -cE '^  [0-9a-f]{8} '; }
press c jobs Escape
wait_gone 'filter:' >/dev/null
press c jobs /
typing c COMPLETED
press c jobs Enter
wait_screen 'filter: COMPLETED' >/dev/null
press c jobs Escape
wait_gone 'filter:' >/dev/null
on_completed=$(listed)
expect "(the cursor on a COMPLETED job)" cursor_has COMPLETED
press c jobs /
typing c "${B:0:8}"
press c jobs Enter
wait_screen 'filter: ' >/dev/null
press c jobs Escape
wait_gone 'filter:' >/dev/null
expect "(the cursor on the FAILED job)" cursor_has FAILED
expect "the list keeps its height between a COMPLETED job and a FAILED one ($on_completed rows)" \
  test "$(listed)" = "$on_completed"
finish_pipeline console_retry
