#!/bin/bash
# Small terminals and prompts: at 80x24 the jobs list shows id (short), user, status,
# archive, age and file; at 50x12 every view is usable and the help scrolls to its last
# key; a y/n question and the filter prompt keep the data refreshing underneath and
# survive a resize; below that size (20x5) nothing is drawn over the status line.
SUITE=console_small
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
for i in $(seq 1 29); do gas submit "$SAMPLES/free_1.vcf" --user ann >/dev/null; done
# a user named by an accounts database's UUID, with a long file name
U=3f2504e0-4f89-41d3-9a0c-0305e82c3301
gas users add "$U" --email uuid@example.org >/dev/null
cp "$SAMPLES/free_1.vcf" a_rather_long_sample_name_2026.vcf
gas submit a_rather_long_sample_name_2026.vcf --user "$U" >/dev/null
console c 80 24
press c overview 2
require "jobs view" wait_screen 'row 1/30 jobs'
# gas jobs: the status column lines up whatever the users' ids (ann and a UUID)
cols=$(gas jobs | awk 'NR > 1 {print index($0, " PENDING ")}' | sort -u | wc -l)
check "gas jobs: one status column for short and UUID users" 0 test "$cols" = 1
expect "80x24: id, user, status, archive, age, file" wait_screen '^  ID +USER +STATUS +ARCHIVE +AGE.? FILE'
expect "80x24: the id in its short form" wait_screen '^  [0-9a-f]{8} ann +PENDING +NONE +[0-9]+s free_1.vcf'
expect "80x24: the hint names the main keys and q (and x: 30 jobs wait, no worker alive)" wait_screen '^q quit  \? help  x ack  Enter details  r retry'
press c jobs /
typing c "long_sample"
press c jobs Enter
expect "80x24: a UUID user cut as head..tail, its file's end kept" \
  wait_screen '^  [0-9a-f]{8} 3f2504e\.\.301 +PENDING +NONE +[0-9]+s +a_rather_long_sampl\.\._2026\.vcf'
press c jobs Escape
# the user as the screen shows it (head..tail), or the start of it with *, filters
press c jobs /
typing c "user=3f2504e..301"
press c jobs Enter
expect "80x24: user=HEAD..TAIL (as shown) keeps that user's jobs" wait_screen 'filter: user=3f2504e\.\.301 \(1 of 30\)'
press c jobs Escape
press c jobs /
typing c "user=3f25*"
press c jobs Enter
expect "80x24: user=PREFIX* keeps them too" wait_screen 'filter: user=3f25\* \(1 of 30\)'
press c jobs Escape
press c jobs g

$TM resize-window -t c -x 50 -y 12
for v in 1:Overview:QUEUE 2:Jobs:'ID +USER +STATUS' 3:Users:'USER.? +ROLE' 4:'Dead letters':'QUEUE +MESSAGE' 5:Workers:'STATE.? +WORKER'; do
  IFS=: read -r key name cols <<<"$v"
  press c overview "$key"
  expect "50x12: $name has its header" wait_screen "^GAS \\[$name\\]"
  expect "50x12: $name shows its columns" wait_screen "$cols"
  expect "50x12: $name keeps its hint line" sh -c "$TM capture-pane -p -t c | tail -1 | grep -q '^q quit'"
done
press c workers 2
wait_screen 'row 1/30 jobs'
press c jobs PPage
press c jobs NPage
expect "50x12: PgDn moves a page of rows" wait_screen 'row (8|9|10)/30 jobs'
press c jobs PPage
expect "50x12: PgUp back" wait_screen 'row 1/30 jobs'
press c jobs C-d
expect "50x12: ^d half a page" wait_screen 'row [3-5]/30 jobs'
press c jobs C-u
expect "50x12: ^u back" wait_screen 'row 1/30 jobs'
press c jobs Down Down Up
expect "50x12: Down Down Up" wait_screen 'row 2/30 jobs'
press c jobs '?'
expect "50x12: help shows where it is" wait_screen '^lines 1-[0-9]+/[0-9]+'
press c help End
expect "50x12: help scrolls to its last key (End)" wait_screen 'F5 +refresh now'
press c help Home
expect "Home: back to the first key" wait_screen '^ q +quit'
press c help NPage
expect "PgDn in the help" wait_gone '^ q +quit'
press c help Escape
expect "Esc: back from the help" wait_screen '^GAS \[Jobs\]'

# a question survives a resize, and the data keeps refreshing under it (asked of one of
# ann's jobs: the cursor moved off the UUID user's, whose question is longer)
if cursor_has ' 3f2504e'; then
  press c jobs j
  for ((i = 0; i < 50 * T; i++)); do cursor_has ' ann ' && break; sleep 0.1; done
fi
J=$(full_id "$(cursor_job)")
press c jobs c
expect "the question is asked" wait_screen "Cancel job"
$TM resize-window -t c -x 80 -y 24
expect "a resize keeps the question" wait_screen "Cancel job $J \(ann, free_1.vcf\)\? \(y/n\)"
sleep $((3 * T))
age=$(screen | head -1 | sed -E 's/.* age ([0-9.]+)s.*/\1/')
expect "the data refreshes under the question (age $age s)" awk -v a="$age" 'BEGIN{exit !(a < 2)}'
answer c y
expect "the answer still works after the resize" wait_field "$J" job_status FAILED 10
press c jobs /
typing c free
$TM resize-window -t c -x 60 -y 16
expect "a resize keeps the filter prompt" wait_screen '^/free +\(Enter keeps'
sleep $((3 * T))
age=$(screen | head -1 | sed -E 's/.* age ([0-9.]+)s.*/\1/')
expect "the data refreshes under the filter prompt (age $age s)" awk -v a="$age" 'BEGIN{exit !(a < 2)}'
press c jobs Enter
expect "the filter is kept (the 29 free_1.vcf jobs)" wait_screen 'filter: free \(29 of 30\)'
# a question too long even for two lines (a UUID user, a long file name, 60 columns): the
# second line loses its middle, marked "..", and keeps the end: the ? and (y/n)
press c jobs /
typing c "long_sample"
press c jobs Enter
wait_screen 'row 1/1 jobs +filter: long_sample' >/dev/null
press c jobs c
expect "a long question: its first line" wait_screen '^Cancel job [0-9a-f-]{36}$'
expect "... its second cut in the middle, ending with the ? and (y/n)" \
  wait_screen '^\(3f2504e0-4f89-.*\.\..*_2026\.vcf\)\? \(y/n\)$'
answer c n

# a file name longer than a row keeps (100 characters; rows keep 63 for 100,000 jobs in
# memory): its start and its true end around "..", at 200 columns as at 80; the filter finds
# a word near its end
LONG=a_very_long_file_name_for_testing_column_truncation_in_the_console_view_of_jobs_with_a_tail_x.vcf
gas submit "$SAMPLES/free_1.vcf" --user ann --name "$LONG" >/dev/null
$TM resize-window -t c -x 200 -y 24
press c jobs Escape
press c jobs /
typing c "a_tail_x"
press c jobs Enter
expect "a word near a long name's end finds its job" wait_screen 'row 1/1 jobs +filter: a_tail_x'
expect "200 columns: the long name's start and end around '..' (63 characters)" \
  wait_screen " ${LONG:0:41}\\.\\.${LONG: -20}\$"
$TM resize-window -t c -x 80 -y 24
expect "80 columns: its start and its end (.vcf) around '..'" wait_screen ' a_very_long_file_[a-z_]*\.\.[a-z_]*_x\.vcf$'
# ... and a word from the middle the row cuts out (the filter reads the name whole)
press c jobs /
typing c "truncation_in_the_console"
press c jobs Enter
expect "a word from a long name's cut middle finds its job" \
  wait_screen 'row 1/1 jobs +filter: truncation_in_the_console'
expect "... the row shows the cut name" wait_screen ' a_very_long_file_[a-z_]*\.\.[a-z_]*_x\.vcf$'
# a file name with spaces keeps its end (its extension) too
gas submit "$SAMPLES/free_1.vcf" --user ann --name "broken columns file with spaces from the lab 2026.vcf" >/dev/null
press c jobs /
typing c "spaces from"
press c jobs Enter
expect "a long file name with spaces: its start and its end (2026.vcf) around '..'" \
  wait_screen ' broken columns[a-z ]*\.\.[a-z ]*2026\.vcf$'
press c jobs /
typing c "a_tail_x"
press c jobs Enter
$TM resize-window -t c -x 60 -y 24
expect "60 columns: ARCHIVE gives way, FILE keeps its room" wait_screen '^  ID +USER +STATUS +AGE.? FILE'
expect "... 20 characters of the long name: 'a_very_long_.._x.vcf'" wait_screen ' a_very_long_[a-z_]*\.\.[a-z_]*_x\.vcf$'
$TM resize-window -t c -x 50 -y 24
expect "50 columns: USER takes 8, FILE keeps 14" wait_screen '^  ID {7}USER {5}STATUS +AGE.? FILE$'
expect "... 14 characters of the long name" wait_screen ' ann +PENDING +[0-9]+[smhd] a_very_[a-z_]*\.\.[a-z_.]*vcf$'
$TM resize-window -t c -x 80 -y 24
press c jobs Escape

# a short, narrow overview: the job counts wrap rather than lose FAILED, and the workers'
# line stays (the throughput and users lines give way first)
for size in 50x12 50x15; do
  $TM resize-window -t c -x "${size%x*}" -y "${size#*x}"
  press c jobs 1
  expect "$size overview: the job counts, FAILED among them" wait_screen '^(JOBS [0-9]+ .*|  .*)FAILED [0-9]+'
  expect "$size overview: the workers' line" wait_screen '^WORKERS +[0-9]+ alive'
  expect "$size overview: the hint line last" \
    sh -c "for i in \$(seq 50); do $TM capture-pane -p -t c | tail -1 | grep -q '^q quit' && exit 0; sleep 0.1; done; exit 1"
done
# below the documented size (20x5): a list has room for its titles and its status line
# only, and the status line is all there is on its line (no row drawn under it left a
# character after it: "row 3/32 jobsn"), at every view's refresh
$TM resize-window -t c -x 80 -y 24
press c overview 2
press c jobs g j j
wait_screen 'row 3/[0-9]+ jobs' >/dev/null
$TM resize-window -t c -x 20 -y 5
status_alone() { [ "$(screen | sed -n 4p | sed 's/ *$//')" = "$1" ]; }
n=$(gas jobs | awk 'NR > 1' | wc -l)
expect "20x5 jobs: the status line alone (row 3/$n jobs)" wait_for status_alone "row 3/$n jobs"
press c jobs F5
expect "... after a refresh too" wait_for status_alone "row 3/$n jobs"
press c jobs 3
expect "20x5 users: the status line alone" wait_for status_alone "row 1/2 users"
press c users 5
expect "20x5 workers: the status line alone" wait_for status_alone "row 0/0 workers"
$TM resize-window -t c -x 80 -y 24
press c workers 2
expect "80x24 again: the rows are back, row 3 on the third line" wait_for cursor_at 3

# a deployment's queue names (migrate.md: kwong_job_requests, 18 characters): cut to the
# QUEUE column marked "..", never shown as a name that does not exist
console k 80 24 GAS_REQUESTS_QUEUE=kwong_job_requests
expect "a queue name longer than its column: cut and marked '..'" wait_screen '^kwong_job_..uests +[0-9]+ ' k
expect "... not cut silently (kwong_job_request)" sh -c "! $TM capture-pane -p -t k | grep -q '^kwong_job_request '"
finish_pipeline console_small
