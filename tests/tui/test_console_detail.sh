#!/bin/bash
# Job detail: full screen and scrollable; every attribute with human times, the display
# state, the count log's summary (l: the whole log), the error of a FAILED job; y copies
# the id through OSC 52 (tmux with set-clipboard on keeps it); Esc and q go back, q quits
# only from a top-level view.
SUITE=console_detail
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
J=$(gas submit "$SAMPLES/free_1.vcf" --user ann | grep -oE '[0-9a-f-]{36}' | head -1)
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\tnot-a-number\t.\tA\tC\t.\t.\t.\n' > "$WORK/bad.vcf"
B=$(gas submit "$WORK/bad.vcf" --user ann | grep -oE '[0-9a-f-]{36}' | head -1)
start_gasd GAS_ARCHIVE_GRACE=600
require "the good job completes" wait_field "$J" job_status COMPLETED 30
require "the bad job fails" wait_field "$B" job_status FAILED 30

console c 80 24
$TM set -s set-clipboard on
press c overview 2
wait_screen 'row 1/2 jobs'
press c jobs /
typing c "${J:0:8}"
press c jobs Enter
press c jobs Enter
expect "Enter opens the job, full screen" wait_screen '^GAS \[Job detail\]'
expect "the job id" wait_screen "^job $J\$"
expect "its display state" wait_screen '^  display state +download$'
expect "submit_time in UTC with its age" wait_screen '^  submit_time +20[0-9-]+ [0-9:]+ UTC \([0-9]+s ago\)'
expect "complete_time in UTC with its age" wait_screen '^  complete_time +20[0-9-]+ [0-9:]+ UTC \('
expect "every attribute: the result key, whole (wrapped)" wait_screen "^  s3_key_result_file +gas/ann/$J~free_1.annot"
expect "... the rest on the next line" wait_screen "^ {20,}\.vcf$"
press c detail C-d
expect "^d scrolls half a page" wait_screen 'lines 11-30/'
press c detail NPage
expect "PgDn: the next page" wait_screen 'lines [0-9]+-([0-9]+)/\1( |$)'
expect "the count log's summary: totals" wait_screen '^  total records: 1141'
expect "... per source and classes" wait_screen '^  variant classes'
expect "... not the per-chromosome lines" wait_screen '\(1 chromosome line: l shows the whole log\)'
press c detail l
expect "l: the whole log" wait_screen '^  +MT +1141'
expect "... and says so" wait_screen '^the whole count log, following the job'
press c detail l
expect "l again: the summary" wait_screen "^the count log's summary"
expect "... without the chromosome lines" sh -c "! $TM capture-pane -p -t c | grep -qE '^ +MT +1141'"
press c detail y
expect "y: the console says the id went to the clipboard, and that a terminal may ignore it" \
  wait_screen "id sent to the clipboard by OSC 52 \(a terminal may ignore it\)"
expect "y: tmux received it (set-clipboard on)" sh -c "$TM show-buffer 2>/dev/null | grep -q '$J'"
press c detail '?'
expect "? from the detail: the help" wait_screen '^GAS \[Help\]'
press c help q
expect "q in the help: back to the detail, not quit" wait_screen '^GAS \[Job detail\]'
press c detail Escape
expect "Esc: back to the jobs view" wait_screen '^GAS \[Jobs\]'
press c jobs Escape
wait_screen 'row [12]/2 jobs'

# the FAILED job: its error in full; r / c / u from the detail name the job
press c jobs /
typing c "${B:0:8}"
press c jobs Enter Enter
expect "the FAILED job's detail" wait_screen "^job $B\$"
expect "its display state" wait_screen '^  display state +failed$'
expect "its error, in full" wait_screen '^  error +.*(line|POS|not)'
press c detail r
expect "r asks, naming the job, its user and file" wait_screen "Retry job $B \(ann, bad.vcf\)\? \(y/n\)"
answer c n
press c detail c
expect "c asks, naming the job" wait_screen "Cancel job $B \(ann, bad.vcf\)\?"
answer c n
press c detail u
expect "u asks, naming the owner" wait_screen "Upgrade user ann \(owner of job ${B:0:8}\) to premium\?"
answer c n
expect "nothing changed" wait_field "$B" job_status FAILED 5

# a small terminal: the detail scrolls
$TM resize-window -t c -x 50 -y 12
expect "50x12: the detail shows where it is" wait_screen 'lines 1-8/[0-9]+'
press c detail j
expect "j scrolls one line" wait_screen 'lines 2-9/'
press c detail G
expect "G: the end" wait_screen 'lines [0-9]+-([0-9]+)/\1( |$)'
press c detail g
expect "g: the top" wait_screen 'lines 1-8/'
press c detail q
expect "q in the detail goes back (the console still runs)" wait_screen '^GAS \[Jobs\]'
press c jobs q
expect "q in a top-level view quits" sh -c "for i in \$(seq 1 50); do $TM list-panes -t c -F '#{pane_current_command}' | grep -q '^gas$' || exit 0; sleep 0.1; done; exit 1"
finish_pipeline console_detail
