#!/bin/bash
# The list scrolls as less and htop do: a motion scrolls as little as keeps the cursor on
# the screen; after a sort, a flip or a resize the cursor keeps its line, and the list
# starts at its first row whenever the cursor's row is within the first page (rows above
# the cursor are never hidden needlessly).
SUITE=console_scroll
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
# 64 jobs named f01 .. f64 in the order submitted: newest first (AGE ^), f64 is row 1
for i in $(seq -w 1 64); do gas submit "$SAMPLES/free_1.vcf" --user ann --name "f$i.vcf" >/dev/null; done
console c 80 24
press c overview 2
require "64 jobs, the newest first" wait_screen 'row 1/64 jobs  sort: AGE asc'
row_is() { list_row "$1" | grep -q " $2\\.vcf"; } # row_is N NAME: the list's Nth line is job NAME
require "... f64 on the first line" wait_for row_is 1 f64

# the user's keys: g j j s s
press c jobs g j j
expect "g j j: row 3, on the third line" wait_for cursor_at 3
press c jobs s
expect "s: the same job, now row 62 of the flipped order" wait_screen 'row 62/64 jobs  sort: AGE desc'
expect "... on the screen, the list's end at its last line" wait_for row_is 19 f64
press c jobs s
expect "s again: row 3" wait_screen 'row 3/64 jobs  sort: AGE asc'
expect "... on the third line (not the first)" wait_for cursor_at 3
expect "... rows 1 and 2 above it (f64, f63)" wait_for eval "row_is 1 f64 && row_is 2 f63"

# another column: > sorts by FILE (f01 first), the cursor's job (f62) follows to row 62;
# s flips it to row 3: the list starts at row 1 again
press c jobs '>'
expect "> sorts by FILE: f62 is row 62" wait_screen 'row 62/64 jobs  sort: FILE asc'
press c jobs s
expect "s: row 3 of FILE desc" wait_screen 'row 3/64 jobs  sort: FILE desc'
expect "... on the third line" wait_for cursor_at 3
expect "... under f64 and f63" wait_for row_is 1 f64

# in the middle of the list: the cursor keeps its line across a flip and a sort
press c jobs g
for i in $(seq 30); do press c jobs j; done
wait_screen 'row 31/64 jobs' >/dev/null
for i in $(seq 10); do press c jobs k; done
expect "30 j then 10 k: row 21 (f44)" wait_screen 'row 21/64 jobs  sort: FILE desc'
expect "... on the ninth line (the list scrolled by 12)" wait_for eval "cursor_at 9 && row_is 9 f44"
press c jobs s
expect "s: f44 is row 44" wait_screen 'row 44/64 jobs  sort: FILE asc'
expect "... still on the ninth line" wait_for eval "cursor_at 9 && row_is 9 f44"
press c jobs '<'
expect "< sorts by AGE (newest first): f44 is row 21" wait_screen 'row 21/64 jobs  sort: AGE asc'
expect "... still on the ninth line" wait_for eval "cursor_at 9 && row_is 9 f44"
press c jobs s
expect "s: row 44" wait_screen 'row 44/64 jobs  sort: AGE desc'
expect "... still on the ninth line" wait_for eval "cursor_at 9 && row_is 9 f44"

# a resize far below the documented size and back: the rows above come back
press c jobs s g j j
wait_screen 'row 3/64 jobs  sort: AGE asc' >/dev/null
$TM resize-window -t c -x 20 -y 5
wait_screen '^row 3/64' >/dev/null
$TM resize-window -t c -x 80 -y 24
expect "20x5 and back to 80x24: row 3" wait_screen 'row 3/64 jobs  sort: AGE asc'
expect "... on the third line" wait_for cursor_at 3
expect "... under f64" wait_for row_is 1 f64
$TM resize-window -t c -x 50 -y 12
expect "50x12: row 3, on the third line (it fits)" wait_for cursor_at 3
$TM resize-window -t c -x 80 -y 24
expect "... and back" wait_for row_is 1 f64

# g: the newest job stays under the cursor as jobs arrive above it; Enter opens it
press c jobs g
expect "g: row 1" wait_screen 'row 1/64 jobs  sort: AGE asc'
A=$(gas submit "$SAMPLES/free_1.vcf" --user ann --name newA.vcf)
expect "a new job: the cursor stays on the first row" wait_screen 'row 1/65 jobs'
expect "... on the new job" wait_for eval "cursor_at 1 && row_is 1 newA"
B=$(gas submit "$SAMPLES/free_1.vcf" --user ann --name newB.vcf)
expect "another: still the first row" wait_screen 'row 1/66 jobs'
expect "... the newest job under the cursor" wait_for eval "cursor_at 1 && row_is 1 newB"
press c jobs Enter
expect "Enter opens the newest job" wait_screen "^job $B"
press c detail Escape
wait_screen 'row 1/66 jobs' >/dev/null
# after j k the cursor is on the first row too, but follows its job (as before)
press c jobs j k
wait_for eval "cursor_at 1 && row_is 1 newB"
C=$(gas submit "$SAMPLES/free_1.vcf" --user ann --name newC.vcf)
expect "j k then a new job: the cursor follows its job to row 2" wait_screen 'row 2/67 jobs'
expect "... newB" wait_for eval "cursor_at 2 && row_is 2 newB"
# oldest first, End: the last row, the newest job, as jobs arrive below it
press c jobs s
wait_screen 'sort: AGE desc' >/dev/null
press c jobs End
expect "End: the last row" wait_screen 'row 67/67 jobs  sort: AGE desc'
D=$(gas submit "$SAMPLES/free_1.vcf" --user ann --name newD.vcf)
expect "a new job: the cursor stays on the last row" wait_screen 'row 68/68 jobs'
expect "... on the new job" wait_for eval "cursor_at 19 && row_is 19 newD"
press c jobs Enter
expect "Enter opens it" wait_screen "^job $D"
press c detail Escape
finish_pipeline "$SUITE"
