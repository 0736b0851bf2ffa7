#!/bin/bash
# Column headers and cells as a user reads them: in the users view a count is a number
# under its column's name (not "2 FAILED" under FAILED), and in every list view, at 50, 80
# and 160 columns, the sort mark after a title keeps a space before the next title
# (not "ARCHIVED^FAILED"); a list sorted by a column a narrower screen drops says so.
SUITE=console_columns
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
gas users add bob --email bob@example.org >/dev/null
# ann: two FAILED jobs (cancelled); bob: one result being restored (a long retrieval)
for i in 1 2; do gas cancel "$(gas submit "$SAMPLES/free_1.vcf" --user ann)" >/dev/null; done
B=$(gas submit "$SAMPLES/free_1.vcf" --user bob)
start_gasd GAS_COLD_EXPEDITED_DELAY=600 GAS_COLD_STANDARD_DELAY=600
require "bob's job archived" wait_field "$B" archive_state ARCHIVED 40
gas upgrade bob >/dev/null
require "bob's job restoring" wait_field "$B" archive_state RESTORING 20

console c 80 24
press c overview 3
require "users view" wait_screen 'row 1/2 users'
expect "80 columns: the counts under their titles" \
  wait_screen '^  USER. +ROLE +JOBS +ARCHIVED +FAILED +RESTORING +EMAIL$'
expect "ann: 2 failed, as a number" wait_screen '^  ann +free +2 +0 +2 +- ann@example\.org$'
expect "bob: 1 restoring, as a number" wait_screen '^  bob +premium +1 +0 +- +1 bob@example\.org$'
expect "... no cell repeats its column's name" \
  sh -c "! $TM capture-pane -p -t c | grep -E '^  (ann|bob) ' | grep -qE 'FAILED|RESTORING'"
expect "... each count ends where its title does" sh -c "$TM capture-pane -p -t c | awk '
  /^  USER/ { f = index(\$0, \"FAILED\") + 5; r = index(\$0, \"RESTORING\") + 8 }
  /^  ann / { ok += substr(\$0, f, 1) == \"2\" } /^  bob / { ok += substr(\$0, r, 1) == \"1\" }
  END { exit ok != 2 }'"
# the filter still finds them by the column's name
press c users /
typing c failed
press c users Enter
expect "/failed: the user with failed jobs" wait_screen 'row 1/1 users +filter: failed'
expect "... ann" cursor_has '^  ann '
press c users /
typing c restoring
press c users Enter
expect "/restoring: the user whose results are being restored" wait_screen 'row 1/1 users +filter: restoring'
expect "... bob" cursor_has '^  bob '
press c users Escape
wait_screen 'row [12]/2 users' >/dev/null

# every column of every list, at three widths: the mark is right after its title and a
# space (or the line's end) follows it
sort_line() { screen | grep -oE 'sort: [A-Z ]+ (asc|desc)( \(column hidden\))?'; }
mark_ok() { screen | sed -n 3p | grep -qE '[A-Z][v^]( |$)' && ! screen | sed -n 3p | grep -qE '[v^][^ ]'; }
for size in 80x24 160x30 50x12; do
  $TM resize-window -t c -x "${size%x*}" -y "${size#*x}"
  for v in 2:jobs:Jobs 3:users:Users 4:dead:'Dead letters' 5:workers:Workers; do
    IFS=: read -r key view name <<<"$v"
    press c "$view" "$key"
    wait_screen "^GAS \\[$name\\]" >/dev/null
    wait_for sort_line >/dev/null
    first=$(sort_line) bad=
    for ((n = 0; n < 12; n++)); do
      if ! wait_for mark_ok; then bad="$bad $(sort_line): $(screen | sed -n 3p)"; fi
      was=$(sort_line)
      press c "$view" '>'
      wait_for eval '[ "$(sort_line)" != "$was" ]'
      [ "$(sort_line)" = "$first" ] && break
    done
    expect "$size $view: every sorted column's mark keeps a space before the next title${bad:+ (}${bad}${bad:+)}" test -z "$bad"
    expect "$size $view: > went round every column shown, back to the first ($first)" test "$(sort_line)" = "$first"
  done
done

# a column a narrower screen drops: the status line says the list is sorted by it
$TM resize-window -t c -x 80 -y 24
press c workers 5
expect "workers sorted by PID at 80 columns" sort_by workers PID
expect "... marked in the header" wait_screen '^  STATE +WORKER +PID[v^] '
$TM resize-window -t c -x 50 -y 12
expect "50x12: PID is not shown; the status line says the sort's column is hidden" \
  wait_screen 'sort: PID (asc|desc) \(column hidden\)'
expect "... no mark in the header" sh -c "! $TM capture-pane -p -t c | sed -n 3p | grep -qE '[v^]'"
$TM resize-window -t c -x 80 -y 24
expect "back at 80 columns: shown, not said hidden" wait_screen '^  STATE +WORKER +PID[v^] '
expect "... the status line as before" wait_gone 'column hidden'
finish_pipeline "$SUITE"
