#!/bin/bash
# A note (yellow, under the header) is acknowledged by x as an alert is: two redriven dead
# letters that come back (they fail again) say so in a note; x hides it on every view
# until the situation changes (another redrive that comes back shows it again).
SUITE=console_notes
. "$(dirname "$0")/console_lib.sh"

start_gasd
require "gasd started" wait_log "started [0-9]+ pipeline threads"
console c 80 24
gas send gas_job_requests 'not json 1' >/dev/null
gas send gas_job_requests 'not json 2' >/dev/null
press c overview 4
require "two dead letters" wait_screen 'row 1/2 dead letters' c 30
expect "they grew: an alert" wait_screen '^ALERT: dead letters grew'
expect "... the hint bar offers x while there is one to acknowledge" wait_screen '^q quit  \? help  x ack  '
press c dead x
expect "x acknowledges the alert" wait_screen '1 alert acknowledged'
press c dead 1
expect "... then the hint bar no longer offers it" wait_screen '^q quit  \? help  1-5 views$'
press c overview 4
wait_screen '^GAS \[Dead letters\]' >/dev/null
# gasd stopped while they are redriven, so that the console sees them leave (a refresh
# between their leaving and their coming back) before gasd fails them again
stop_gasd
press c dead A
expect "A asks, saying both come back (malformed)" \
  wait_screen '^Both were dead-lettered for their bodies: they come back\. Redrive all 2 dead$'
answer c y
expect "both redriven" wait_screen '2 dead letters redriven'
expect "... none left" wait_screen 'row 0/0 dead letters'
start_gasd
note='^note: 2 redriven dead letters came back: they failed again \(4 shows why\)'
expect "they fail again and come back: a note" wait_screen "$note" c 30
expect "... not an alert" wait_gone '^ALERT' c 1
press c dead x
expect "x acknowledges the note" wait_screen 'the note acknowledged: hidden until what it says changes'
expect "... the note is gone" wait_gone '^note: '
for v in 1:Overview 2:Jobs 3:Users 5:Workers 4:'Dead letters'; do
  press c dead "${v%%:*}"
  wait_screen "^GAS \\[${v#*:}\\]" >/dev/null
  expect "... and stays gone (${v#*:})" sh -c "! $TM capture-pane -p -t c | grep -q '^note: '"
done
press c dead x
expect "x with nothing to acknowledge says so" wait_screen 'no alert or note to acknowledge'
# another redrive that comes back: the note again
stop_gasd
press c dead A
wait_screen '^letters\? \(y/n\)' >/dev/null
answer c y
expect "redriven again" wait_screen '2 dead letters redriven'
wait_screen 'row 0/0 dead letters' >/dev/null
start_gasd
expect "they come back again: the note is shown again" wait_screen "$note" c 30
# a redrive of one of them (the console started with none: its history's fewest is 0): it
# comes back, and that is a note about that one, not "dead letters grew"
press c dead x
wait_screen 'the note acknowledged' >/dev/null
stop_gasd
press c dead g
press c dead r
wait_screen '^letter [0-9a-f-]+ from gas_job_requests\? \(y/n\)' >/dev/null
answer c y
expect "one redriven" wait_screen 'dead letter [0-9a-f-]+ redriven'
expect "... one left" wait_screen 'row 1/1 dead letters'
start_gasd
expect "it comes back: a note that one came back" \
  wait_screen '^note: 1 redriven dead letter came back: it failed again \(4 shows why\)' c 30
expect "... no 'dead letters grew' alarm" sh -c "! $TM capture-pane -p -t c | grep -q 'ALERT.*dead letters grew'"
finish_pipeline "$SUITE"
