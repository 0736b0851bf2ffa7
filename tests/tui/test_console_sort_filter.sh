#!/bin/bash
# Journey: sort the jobs by status and reach the top and the bottom; the filter `fail`
# (lower case: smartcase) finds the FAILED jobs in the jobs, users and dead letters views,
# highlighted; n / N go to the rows that match the last filter; Esc clears it.
SUITE=console_sort_filter
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
gas users add bob --email bob@example.org >/dev/null
for i in $(seq 1 12); do
  gas submit "$SAMPLES/free_1.vcf" --user "$([ "$i" -le 6 ] && echo ann || echo bob)" >/dev/null
done
# ann's jobs FAILED (cancelled), bob's PENDING
for j in $(gas jobs --user ann | awk 'NR > 1 {print $1}'); do gas cancel "$j" >/dev/null; done
F=$(gas jobs --user ann | awk 'NR == 2 {print $1}')

console c 80 24
expect "6 jobs cancelled this minute: no failures per minute (a cancel is no failure)" \
  wait_screen '^THROUGHPUT  completed 0/min  failed 0/min'
press c overview 2
require "jobs listed" wait_screen 'row 1/12 jobs'
press c jobs '<' '<'
expect "< twice: sorted by STATUS, ascending, shown in the header" wait_screen ' STATUS\^ '
expect "the list says how it is sorted" wait_screen 'sort: STATUS asc'
press c jobs G
expect "G: the last row" wait_screen 'row 12/12 jobs'
expect "at the bottom: a FAILED job" cursor_has FAILED
press c jobs g
expect "g: the first row" wait_screen 'row 1/12 jobs'
expect "at the top: a PENDING job" cursor_has PENDING
first=$(cursor_job)
press c jobs s
expect "s flips the order" wait_screen ' STATUSv '
expect "the cursor follows its row to the bottom" wait_screen 'row 12/12 jobs'
expect "... the same job" test "$(cursor_job)" = "$first"
press c jobs Home
expect "Home: the first row" wait_screen 'row 1/12 jobs'
expect "flipped: FAILED at the top" cursor_has FAILED
press c jobs End
expect "End: the last row" wait_screen 'row 12/12 jobs'
expect "flipped: PENDING at the bottom" cursor_has PENDING
press c jobs F6
expect "F6: the next column (ARCHIVE)" wait_screen ' ARCHIVEv '
press c jobs '>' '>'
expect "> goes on (AGE, then FILE: the hidden CHANGED column is skipped at 80 columns)" wait_screen ' FILEv'

# the filter: upper case is case-sensitive; a filter that matches nothing says so; a
# column=value filter
press c jobs /
expect "/ opens the filter prompt" wait_screen '^/ +\(Enter keeps, Esc clears\)'
typing c FAIL
expect "upper case: case-sensitive, still matches" wait_screen 'filter: FAIL \(6 of 12\)'
typing c x
expect "a filter that matches nothing says so" wait_screen 'row 0/0 jobs'
press c jobs Escape
expect "Esc in the prompt clears the filter" wait_screen 'row [0-9]+/12 jobs'
press c jobs /
typing c status=none
expect "/status=none: the archive state too, as gas jobs --status (all 12 are NONE)" wait_screen 'filter: status=none \(12 of 12\)'
press c jobs Escape
wait_screen 'row [0-9]+/12 jobs' >/dev/null
# lower case matches FAILED; every other row is gone; matches highlighted
press c jobs /
typing c fail
expect "filter narrows as it is typed" wait_screen 'filter: fail \(6 of 12\)'
press c jobs Enter
expect "Enter keeps the filter" wait_screen 'row [1-6]/6 jobs +filter: fail'
expect "only FAILED jobs listed (rows: below the header, alert and titles)" sh -c "! $TM capture-pane -p -t c | sed 1,3d | grep -q PENDING"
expect "matches highlighted (underlined)" has_underlined FAIL
press c jobs Escape
wait_screen 'row [0-9]+/12 jobs' >/dev/null
press c jobs g
expect "back at the top" wait_screen 'row 1/12 jobs'
press c jobs '<' '<' '<'
wait_screen 'STATUS[v^] ' >/dev/null # the three < done: sorted by STATUS
# sorted by STATUS descending: FAILED first; flip to ascending: PENDING first
screen | grep -q 'STATUSv' && press c jobs s
wait_screen ' STATUS\^ '
press c jobs g
press c jobs n
expect "n: the next row matching the last filter (fail) is a FAILED job" \
  cursor_has FAILED
expect "n skipped the PENDING rows" wait_screen 'row 7/12 jobs'
press c jobs N
expect "N: the previous match (wraps to the last FAILED job)" wait_screen 'row 12/12 jobs'
press c jobs /
typing c fail
press c jobs Enter
wait_screen 'filter: fail'
press c jobs Escape
expect "Esc clears a kept filter" wait_screen 'row [0-9]+/12 jobs  sort'

# users: ann has FAILED jobs, bob has not
press c jobs 3
expect "users view" wait_screen 'row 1/2 users'
sort_by users JOBS
expect "users sorted by JOBS: the mark inside its column, a space before ARCHIVED" wait_screen ' JOBS[v^] +ARCHIVED'
press c users /
typing c fail
press c users Enter
expect "users: filter fail lists the user with FAILED jobs" wait_screen 'row 1/1 users +filter: fail'
expect "users: it is ann, with her FAILED count" wait_screen '^  ann +free +6 +0 +6 +- '
expect "users: bob is filtered out" sh -c "! $TM capture-pane -p -t c | grep -q '^  bob '"
press c users Escape
expect "users: Esc clears" wait_screen 'row [0-9]/2 users'
# Enter on a user: its jobs; Esc goes back to the users; after a trip through other
# views, Esc in the jobs view only clears the user= filter
press c users g
press c users Enter
expect "Enter on a user: the jobs view, filtered on that user" wait_screen '^GAS \[Jobs\].*|filter: user=ann'
expect "... filter user=ann" wait_screen 'filter: user=ann'
press c jobs Escape
expect "... Esc: back to the users" wait_screen '^GAS \[Users\]'
press c users Enter
wait_screen 'filter: user=ann' > /dev/null
press c jobs 1
press c overview 2
press c jobs Escape
expect "after other views, Esc clears the user filter and stays in the jobs" wait_gone 'filter: user=ann'
expect "... in the jobs view" wait_screen '^GAS \[Jobs\]'

# n looks for the last filter the list had: the user's jobs listed from the users view
# (user=bob), then a filter typed (the list narrowed as it was typed) and cleared by Esc
press c jobs 3
press c users g j
wait_screen 'row 2/2 users' >/dev/null
press c users Enter
wait_screen 'filter: user=bob' >/dev/null
press c jobs Escape
wait_screen '^GAS \[Users\]' >/dev/null
press c users 2
press c jobs G
wait_screen 'row 12/12 jobs' >/dev/null
press c jobs n
expect "n after bob's jobs were listed and left: round to bob's first job (row 1)" wait_screen 'row 1/12 jobs'
expect "... bob's, PENDING (not the older filter fail)" cursor_has ' bob +PENDING'
nine=$(list_row 9 | awk '{print $1}')
press c jobs /
typing c "$nine"
expect "/${nine} typed: the list narrows to that job" wait_screen "filter: $nine \\(1 of 12\\)"
press c jobs Escape
wait_screen 'row [0-9]+/12 jobs  sort' >/dev/null
press c jobs g n
expect "n after /$nine and Esc: that job (row 9), not bob's next nor a FAILED one" wait_screen 'row 9/12 jobs'
expect "... $nine" test "$(cursor_job)" = "$nine"

# a job cancelled under the filter `pending` leaves the list: the cursor stays in its
# place, on the PENDING job that took it (not back at the top)
press c jobs /
typing c pending
press c jobs Enter
expect "filter pending: bob's 6 jobs" wait_screen 'row [1-6]/6 jobs +filter: pending'
press c jobs g j j
expect "the third PENDING job" wait_screen 'row 3/6 jobs +filter: pending'
third=$(cursor_job)
press c jobs c
expect "c asks to cancel the job under the cursor" wait_screen "Cancel job ${third:0:8}"
answer c y
expect "cancelled, the list shrinks to 5" wait_screen 'row [1-5]/5 jobs +filter: pending'
expect "... the cursor stays on the third row" wait_screen 'row 3/5 jobs +filter: pending'
expect "... on a PENDING job" cursor_has PENDING
expect "... not the cancelled one" test "$(cursor_job)" != "$third"
press c jobs Escape
expect "Esc clears the filter" wait_screen 'row [0-9]+/12 jobs  sort'

# dead letters: one names a FAILED job (the archive pipeline refuses it), one is garbage
start_gasd
gas send gas_archive "{\"job_id\": \"$F\"}" >/dev/null
gas send gas_archive 'not json' >/dev/null
press c users 4
expect "dead letters view shows both" wait_screen 'row [0-9]/2 dead letters' c 30
expect "a dead letter shows its job's status" wait_screen 'gas_archive .* FAILED'
ids=$(gas dlq list gas_archive | awk 'NR > 1 {print $2}' | sort | tr '\n' ' ')
press c dead g
first=$(screen | grep -oE '^message [0-9a-f-]{36}' | awk '{print $2}')
press c dead j
wait_screen 'row 2/2 dead letters' >/dev/null
second=$(screen | grep -oE '^message [0-9a-f-]{36}' | awk '{print $2}')
expect "under the list: the letter's id (the same as gas dlq list), its reason and body" \
  test "$(printf '%s\n' "$first" "$second" | sort | tr '\n' ' ')" = "$ids"
expect "... the whole reason" wait_screen '^reason  [a-z]'
expect "... the body" wait_screen '^body    ({"job_id"|not json)'
press c dead /
typing c fail
press c dead Enter
expect "dead letters: filter fail finds the FAILED job's letter" wait_screen 'row 1/1 dead letters +filter: fail'
press c dead Escape
expect "dead letters: Esc clears" wait_screen 'row [0-9]/2 dead letters'
expect "dead letters sorted by JOB STATUS (a title as wide as its column)" sort_by dead 'JOB STATUS'
expect "... the header marks it in the gap after the title, not over its end" wait_screen ' JOB STATUS[v^]'
# the reason: the filter finds a word of it; the pane below shows it whole; a wide screen
# gives the REASON column its width
press c dead /
typing c malformed
press c dead Enter
expect "dead letters: /malformed finds the letter by its reason" \
  wait_screen 'row 1/1 dead letters +filter: malformed'
expect "... the pane shows the reason in full" \
  wait_screen '^reason  message body: malformed json at byte 0 \(8 bytes, starts: not json\)$'
$TM resize-window -t c -x 200 -y 24
expect "200 columns: the REASON column is not cut" \
  wait_screen '^  gas_archive .* 1 message body: malformed json at byte 0 \(8 bytes, starts: not json\) +not json$'
$TM resize-window -t c -x 80 -y 24
press c dead Escape
wait_screen 'row [0-9]/2 dead letters' >/dev/null
# sorted by JOB STATUS, the rows group as the column reads: two "-" (no job named), two
# "(no job)" (named, not there), the FAILED job's (both kinds without a job had sorted
# as one, interleaved)
# sent so that their ids (time-ordered) interleave the two kinds: a sort that took them as
# one key would list them in that order, -, (no job), -, (no job)
gas send gas_archive '{"job_id": "no-such-job-1"}' >/dev/null
gas send gas_archive 'still not json' >/dev/null
gas send gas_archive '{"job_id": "no-such-job-2"}' >/dev/null
expect "five dead letters" wait_screen 'row [0-9]/5 dead letters' c 30
jstatus_col() { screen | awk 'index($0, "JOB STATUS") { at = index($0, "JOB STATUS") } /^  gas_archive/ && at { s = substr($0, at, 10); gsub(/ +$/, "", s); print s }'; }
grouped() { local col; col=$(jstatus_col); [ "$(wc -l <<<"$col")" = 5 ] && [ "$(uniq <<<"$col" | wc -l)" = "$(sort -u <<<"$col" | wc -l)" ]; }
expect "sorted by JOB STATUS: the rows grouped as the column reads ($(jstatus_col | tr '\n' ','))" grouped
press c dead s
expect "... and flipped ($(jstatus_col | tr '\n' ','))" grouped
# a filter on a column this view does not have: said, with the columns it has
press c dead /
typing c 'stauts=failed'
press c dead Enter
expect "a filter on no column of the view: said, naming the columns" \
  wait_screen '^no column stauts \(columns: queue, message, age, job, job status'
press c dead Escape
# "status" names the JOB STATUS column (its last word), as job_status does
press c dead /
typing c 'status=failed'
press c dead Enter
expect "status=failed in dead letters: the JOB STATUS column" wait_screen 'row 1/1 dead letters +filter: status=failed'
press c dead Escape
# n looks for this view's last filter, not another view's (the workers view had none)
press c dead 5
press c workers n
expect "n in a view with no filter yet: says so (not the dead letters' filter)" wait_screen 'no filter yet: / starts one'
press c workers 4

# a FAILED job retried: PENDING (or done) now; its note of the earlier failure is not on
# screen, so /fail no longer finds it: the FAILED jobs only
R=$(gas jobs --user ann --status FAILED | awk 'NR == 2 {print $1}')
[ "$R" = "$F" ] && R=$(gas jobs --user ann --status FAILED | awk 'NR == 3 {print $1}')
gas retry "$R" > /dev/null
press c dead 2
press c jobs /
typing c fail
press c jobs Enter
nf=$(gas jobs --status FAILED | awk 'NR > 1' | wc -l)
expect "/fail after a retry: the $nf FAILED jobs" wait_screen "filter: fail \\($nf of 12\\)"
expect "... not the retried one (${R:0:8})" sh -c "! $TM capture-pane -p -t c | grep -q '^  ${R:0:8} '"
finish_pipeline console_sort_filter
