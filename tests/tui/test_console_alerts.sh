#!/bin/bash
# What an admin must not misread, in a real terminal (tmux, 80x24 in colour, then 60x20):
# a gasd that could not start (a sources file that cannot load) is listed as failed, red,
# with why, in view 5 and in gas workers, and raises an alert, not a blue "stopped"; with
# two alarms at once (the failed worker, dead letters growing) the header shows the first
# after "ALERT 1 of 2:"; x acknowledges them (gone from the header, kept in gas top -b)
# until something new goes wrong (a new dead letter; not the redriven ones coming back). More dead letters than listed (the
# oldest 100 of a queue): the list says of how many, redrive all asks about every one and
# moves every one, gas dlq list says it listed 100 of them. Text cut at the screen's edge
# ends in "..": a cut number is never read as a whole one.
SUITE=console_alerts
. "$(dirname "$0")/console_lib.sh"
printf '[bad]\ntype = nonsense\n' > bad.conf
gas users add ann --email ann@example.org > /dev/null
start_gasd
require "a good gasd started" wait_log "started [0-9]+ pipeline threads"
console c 80 24
# 105 malformed requests: dead letters (the console sees them arrive)
for i in $(seq 105); do gas send gas_job_requests "not json $i" > /dev/null; done
dead105() { gas status | grep -qE '^gas_job_requests +0 +0 +0 +105'; }
for ((i = 0; i < 300 * T; i++)); do dead105 && break; sleep 0.1; done
require "the 105 dead letters are there" dead105
env GAS_ANNOT_SOURCES=$WORK/bad.conf gasd >> "$WORK/gasd.log" 2>&1
expect "a second gasd, whose sources cannot load, exits 1" test $? = 1
expect "two alarms: the failed worker's first, after how many more there are" \
  wait_screen '^ALERT 1 of 2: worker vm-[0-9]+ failed: the annotate pipeline could'
expect "overview: the failed worker, drawn red" drawn_with '([0-9;]*;)?31(;[0-9;]*)?' '  failed'
press c overview 5
expect "view 5: the worker is failed, not stopped" wait_screen '^  failed +vm-[0-9]+'
press c workers G
expect "... with its problem under the list" wait_screen '^problem: the annotate pipeline could not'
expect "gas workers says failed and why" \
  sh -c "gas workers | grep -qE '^vm-[0-9]+ +failed' && gas workers | grep -q 'problem on .*: the annotate pipeline could not start'"
press c workers x
expect "x: the alarms are acknowledged (the header is no longer red)" wait_gone '^ALERT:'
expect "... and says so" wait_screen '2 alerts acknowledged: hidden until something else goes wrong'
press c workers 1
expect "the overview lists every alert, acknowledged ones marked" \
  wait_screen '^ALERT \(acknowledged\) worker vm-[0-9]+ failed: the annotate pipeline'
expect "... the dead letters' too" wait_screen '^ALERT \(acknowledged\) dead letters grew'
press c overview 5
expect "gas top -b lists the failed worker" sh -c "gas top -b -n 1 | grep -q '^ALERT: worker vm-[0-9]* failed'"
# on a terminal, gas top alone is the console; --json (or -n, -d) is output for a script
$TM new-session -d -s t -x 80 -y 24 "env TERM=xterm-256color gas top; sleep 600"
expect "gas top on a terminal: the console" wait_screen '^GAS \[' t 15
press t overview q
$TM kill-session -t t
$TM new-session -d -s t -x 80 -y 24 "env TERM=xterm-256color gas top --json; echo rc=\$?; sleep 600"
expect "gas top --json on a terminal: the JSON, not the console" wait_screen '^\{"' t 15
expect "... and it exits 0" wait_screen '^rc=0' t 15
$TM kill-session -t t
# Ctrl-C ends the console as q does, the terminal restored, with the shell's status 130
$TM new-session -d -s t -x 80 -y 24 "env TERM=xterm-256color gas console; echo rc=\$?; sleep 600"
expect "a console to interrupt" wait_screen '^GAS \[' t 15
$TM send-keys -t t C-c
expect "Ctrl-C: the console ends with status 130" wait_screen '^rc=130' t 15
expect "... the terminal restored (the screen is the shell's again)" wait_gone '^GAS \[' t
$TM kill-session -t t

press c workers 4
expect "view 4: the list says how many there are" \
  wait_screen 'row 1/100 dead letters \(of 105: oldest 100 per queue\)'
# a filter that leaves out the row under the cursor puts it on the first match
press c dead G
wait_screen 'row 100/100 dead letters' > /dev/null
press c dead /
typing c "json 5"
press c dead Enter
expect "filtering from the bottom row: the cursor goes to the first match" \
  wait_screen 'row 1/11 dead letters .*filter: json 5 \(11 of 100\)'
press c dead A
expect "A under a filter: the letters it shows, not all 105" \
  wait_screen '^All 11 were dead-lettered for their bodies: they come back\. Redrive the 11 dead$'
expect "... the question's end" wait_screen '^letters the filter shows \(of 100 listed\)\? \(y/n\)'
answer c n
expect "... answered no: nothing moved" wait_screen 'answered no: nothing changed'
press c dead Escape
out=$(gas dlq list 2>&1 > /dev/null)
if grep -q 'gas_job_requests has 105 dead letters: the oldest 100 are listed' <<<"$out"; then
  ok "gas dlq list says it listed 100 of the 105"
else bad "gas dlq list says it listed 100 of the 105" "$out"; fi
press c dead A
expect "redrive all asks about every dead letter" \
  wait_screen '105 dead letters \(100 of them listed\)\? \(y/n\)'
expect "... first saying the listed ones were dead-lettered for their bodies" \
  wait_screen '^All 100 listed were dead-lettered for their bodies: they come back\. Redrive all$'
answer c y
expect "... and moves every one" wait_screen '105 dead letters redriven'
# they fail again and come back: that is no new trouble (the count fell from 105), said
# in a note and not as "dead letters grew"
expect "the redriven letters back (they fail again): a note, not an alarm" \
  wait_screen 'redriven dead letters came back: they failed again \(4 shows why\)' c 30
for ((i = 0; i < 300 * T; i++)); do dead105 && break; sleep 0.1; done
require "... all 105 back" dead105
if screen c | grep -q 'ALERT.*dead letters grew'; then bad "... no 'dead letters grew' alarm" "$(screen c | grep ALERT)"
else ok "... no 'dead letters grew' alarm"; fi
gas send gas_job_requests "not json 106" > /dev/null
expect "a new dead letter past those after the acknowledgement: alarmed again" \
  wait_screen '^ALERT: dead letters grew by 1 to 106' c 30

# / in the overview: the jobs view with its filter prompt (finding a job from anywhere)
press c dead 1
press c overview /
expect "/ in the overview: the jobs view, filtering" wait_screen '^/ +\(Enter keeps, Esc clears\)|^/.*Enter keeps'
expect "... in view 2" wait_screen '^GAS \[Jobs\]'
press c jobs Escape

# 60x20: the workers' lines fit, with their counts (the id column as wide as the ids); at
# 40 columns a line cut at the edge ends in ".."
$TM resize-window -t c -x 60 -y 20
press c dead 1
expect "60 columns: a worker's line whole, to its failed count" \
  wait_screen '^  (alive|failed) +[^ ]+ +beat +[0-9.]+[a-z]+  msgs [0-9]+  failed [0-9]+$'
$TM resize-window -t c -x 40 -y 30
expect "40 columns: a worker line cut at the edge ends in '..'" wait_screen '^  (alive|failed) .*\.\.$'
if screen c | grep -E '^  (alive|failed) ' | grep -vE '\.\.$' | grep -qE 'msgs [0-9]+ *$'; then
  bad "no worker line ends in a cut number" "$(screen c | grep -E '^  (alive|failed) ')"
else ok "no worker line ends in a cut number"; fi

# no worker alive: jobs PENDING is an alert; acknowledged, it comes back when the work
# waiting has doubled (not at every job)
$TM resize-window -t c -x 80 -y 24
press c dead 1
stop_gasd
gas submit "$SAMPLES/test.vcf" --user ann > /dev/null
expect "no worker alive, a job PENDING: alerted" wait_screen '^ALERT: .*1 job PENDING and no worker alive'
press c overview x
expect "x: acknowledged" wait_gone '^ALERT: .*PENDING and no worker alive'
gas submit "$SAMPLES/test.vcf" --user ann > /dev/null
gas submit "$SAMPLES/test.vcf" --user ann > /dev/null
expect "the waiting work doubled (3 jobs): alerted again" \
  wait_screen '^ALERT: .*3 jobs PENDING and no worker alive'
# 4 jobs, acknowledged; one cancelled: the work shrank, no new alarm (the 3 jobs left were
# acknowledged as 4)
J4=$(gas submit "$SAMPLES/test.vcf" --user ann)
expect "4 jobs PENDING: alerted" wait_screen '^ALERT: .*4 jobs PENDING and no worker alive'
press c overview x
expect "x: acknowledged" wait_screen '^ALERT \(acknowledged\) 4 jobs PENDING and no worker alive'
gas cancel "$J4" > /dev/null
expect "one cancelled: still acknowledged (3 jobs)" \
  wait_screen '^ALERT \(acknowledged\) 3 jobs PENDING and no worker alive'
if screen c | grep -q '^ALERT: '; then bad "... no alarm in red" "$(screen c | grep '^ALERT')"
else ok "... no alarm in red"; fi
finish_pipeline "$SUITE"
