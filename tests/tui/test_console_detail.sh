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
# a job with a warning: no build in its header, the default assumed
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t69511\t.\tA\tG\t.\t.\t.\n' > "$WORK/nobuild.vcf"
W=$(gas submit "$WORK/nobuild.vcf" --user ann | grep -oE '[0-9a-f-]{36}' | head -1)
# a FAILED job with a long file name (the question about it must still be read whole)
LONGNAME=a-very-long-file-name-for-the-sequencing-run-of-patient-0042-b.vcf
L=$(gas submit "$WORK/bad.vcf" --user ann --name "$LONGNAME" | grep -oE '[0-9a-f-]{36}' | head -1)
start_gasd GAS_ARCHIVE_GRACE=600
require "the good job completes" wait_field "$J" job_status COMPLETED 30
require "the bad job fails" wait_field "$B" job_status FAILED 30
require "the job with a warning completes" wait_field "$W" job_status COMPLETED 30
require "the job with a long name fails" wait_field "$L" job_status FAILED 30
# the detail's line count is fixed once the email went out (notify_time is its last field)
require "the good job's email went out" \
  sh -c "for i in \$(seq 1 $((150 * T))); do gas show $J | grep -q '^notify_time' && exit 0; sleep 0.2; done; exit 1"

console c 80 24
$TM set -s set-clipboard on
# a key this view does not take but others do: said, by its name in the help
press c overview Enter
expect "Enter in the overview: says it does nothing there, not silent" \
  wait_screen 'Enter does nothing in Overview: \? lists the keys'
press c overview NPage
expect "PgDn in the overview: the same" wait_screen 'PgDn does nothing in Overview'
# in the help the keys are on the screen already: it says how to go back instead
press c overview '?'
wait_screen 'keys \(j/k scroll' > /dev/null
press c help d
expect "a key the help does not take: says Esc or q goes back" wait_screen 'd does nothing in Help: Esc or q goes back'
press c help Escape
wait_gone 'keys \(j/k scroll' > /dev/null
press c overview 2
wait_screen 'row 1/4 jobs'
press c jobs /
typing c "${J:0:8}"
press c jobs Enter
expect "the jobs view's hint for the COMPLETED job under the cursor: details, no retry or cancel" \
  sh -c "for i in \$(seq 1 $((50 * T))); do $TM capture-pane -p -t c | tail -1 | grep -E '^q quit  \\? help  Enter details  u upgrade' | grep -qvE 'r retry|c cancel' && exit 0; sleep 0.1; done; exit 1"
press c jobs Enter
expect "Enter opens the job, full screen" wait_screen '^GAS \[Job detail\]'
expect "the job id" wait_screen "^job $J\$"
# the hint bar offers what this job can take: a COMPLETED job is neither retried nor
# cancelled (the keys still answer, saying why)
hint() { screen | tail -1; }
expect "the hint bar: back, help, upgrade (its owner is free), log ($(hint))" \
  sh -c "$TM capture-pane -p -t c | tail -1 | grep -qE '^\? help  Esc back  u upgrade  l log'"
expect "... no retry or cancel for a COMPLETED job" sh -c "! $TM capture-pane -p -t c | tail -1 | grep -qE 'r retry|c cancel'"
expect "its display state" wait_screen '^  display state +download$'
expect "submit_time in UTC with its age" wait_screen '^  submit_time +20[0-9-]+ [0-9:]+ UTC \([0-9]+s ago\)'
expect "submit_ms (gas submit's milliseconds) a time too" wait_screen '^  submit_ms +20[0-9-]+ [0-9:]+ UTC \([0-9]+s ago\)'
expect "complete_time in UTC with its age" wait_screen '^  complete_time +20[0-9-]+ [0-9:]+ UTC \('
expect "every attribute: the result key, whole, broken after its '~'" wait_screen "^  s3_key_result_file +gas/ann/$J~\$"
expect "... the file name whole on the next line" wait_screen "^ {20,}free_1\.annot\.vcf$"
press c detail C-d
expect "^d scrolls half a page" wait_screen 'lines 11-30/'
press c detail NPage
expect "PgDn: the next page" wait_screen 'lines 31-50/'
expect "the scroll indicator is a line of its own (nothing drawn over it)" \
  wait_screen '^lines 31-50/[0-9]+  \(j/k \^d/\^u PgDn/PgUp g/G scroll, / search\)$'
press c detail G
expect "G: the end, the count log's summary" wait_screen 'lines [0-9]+-([0-9]+)/\1( |$)'
expect "... hits per source" wait_screen '^  hits per source +genes 1141 \(100\.00%\), kg 0 \(0\.00%\)$'
expect "... location classes (the empty ones left out)" \
  wait_screen '^  location classes +\(of the 1140 variant records\), exonic 933 \(81\.84%\),$'
expect "... top genes" wait_screen '^  top genes +MT-ND5 123, MT-CYB 117, MT-CO1 85'
expect "... variant classes, saying what they count (ALT alleles, not records)" \
  wait_screen '^  variant classes +\(ALT alleles: 1172\), SNV 1148 \(97\.95%\),'
expect "... no warning for GAS's partial kg having nothing here: a fact of the source" \
  sh -c "! $TM capture-pane -p -t c | grep -qE '^  warning '"
expect "... not the per-chromosome lines" wait_screen '\(1 chromosome, contig names: l shows the whole log\)'
expect "... nor the sources file's path" sh -c "! $TM capture-pane -p -t c | grep -q 'sources.conf'"
at=$(screen | sed -nE 's|^lines ([0-9]+)-.*|\1|p')
press c detail C-u
expect "^u: half a page up (10 lines at 80x24)" wait_screen "lines $((at - 10))-$((at + 9))/"
expect "the summary: the genome build and how it was chosen" \
  wait_screen '^  genome build +GRCh37, not stated in the header'
expect "... the sources with their versions" wait_screen '^  source kg +1000 Genomes sites'
expect "... totals" wait_screen '^  total records +1141$'
expect "... and how many are in known sources, and where the partial kg has data" \
  wait_screen '^  in known sources +0 \(0\.00%\), kg covers only 20:1000226-3999849,$'
# long values wrap at spaces: every word of the build note is whole on some line
pages=$(for k in g NPage NPage; do press c detail $k; sleep 0.3; screen; done)
note=$(gas show "$J" | sed -n 's/^annotation_note  *//p')
broken=$(for w in $(tr -c 'A-Za-z0-9_\n' ' ' <<<"$note"); do
  [ ${#w} -ge 4 ] && ! grep -qw -- "$w" <<<"$pages" && echo "$w"; done)
expect "long values wrap at spaces, never inside a word (${broken:-none broken})" \
  test -n "$note" -a -z "$broken"
press c detail l
expect "l: the whole log" wait_screen '^  +MT +1141'
expect "... and says so" wait_screen '^the whole count log, following the job'
expect "the whole log at 80x24: at its end (following)" wait_screen 'lines [0-9]+-([0-9]+)/\1( |$)'
press c detail g
expect "g: its top" wait_screen 'lines 1-[0-9]+/'
expect "the console refreshes (the detail's ages change)" wait_redraws 2
expect "... and it stays there across refreshes (g stops following)" wait_screen 'lines 1-[0-9]+/' c 1
press c detail j
expect "j: one line down" wait_screen 'lines 2-[0-9]+/'
wait_redraws 2
expect "... and it stays there" wait_screen 'lines 2-[0-9]+/' c 1
press c detail G
expect "G: the end again" wait_screen 'lines [0-9]+-([0-9]+)/\1( |$)'
# / searches the text as less does: the view moves to the first line with it as it is
# typed, Enter keeps it (drawn in reverse), n / N go on, Esc goes back
press c detail g
wait_screen 'lines 1-[0-9]+/' > /dev/null
press c detail /
typing c "variant c"
expect "/: the search prompt" wait_screen '^/variant c +\(Enter keeps, Esc clears\)'
answer c Enter
expect "Enter: at the first line with it, saying how many have it" \
  wait_screen '^/variant c: line [0-9]+, 1 line with it$'
at=$(screen | sed -nE 's|^/variant c: line ([0-9]+),.*|\1|p')
expect "... which is the top line now" wait_screen "^lines $at-[0-9]+/"
expect "... the text drawn in reverse video" drawn_with '([0-9;]*;)?7(;[0-9;]*)?' 'variant c'
was=$(screen c | sed -nE 's/^lines ([0-9]+)-.*/\1/p')
press c detail /
typing c "Variant"
answer c Enter
expect "smartcase: an upper-case letter matches case" wait_screen '^Variant: not found$'
expect "... not found: the view is back where the search started (as less)" wait_screen "^lines $was-[0-9]+/"
press c detail /
typing c "Ti/Tv"
answer c Enter
expect "a second search: further down" wait_screen '^/Ti/Tv: line [0-9]+, 1 line with it$'
press c detail n
expect "n: round to the line again (the only one), saying it went round" \
  wait_screen '^/Ti/Tv: line [0-9]+, 1 line with it \(from the top\)$'
press c detail /
typing c "SNV"
expect "... as it is typed" wait_screen '^/SNV +\('
answer c Escape
expect "Esc: the search goes, back where it started" wait_screen '^lines [0-9]+-[0-9]+/' c 1
press c detail N
expect "N: the last search kept (Ti/Tv), backwards" wait_screen '^/Ti/Tv: line [0-9]+, 1 line with it'
press c detail G
press c detail l
expect "l again: the summary" wait_screen "^the count log's summary"
expect "... without the chromosome lines" sh -c "! $TM capture-pane -p -t c | grep -qE '^ +MT +1141'"
# the line n / N went to stands out from the other matches (bold, its match underlined as
# well as reversed), also at the end of the text, where n cannot scroll it to the top
# match_rows current|other: the screen's rows with the current match / with another one
match_rows() {
  screen_e | W=$1 perl -ne 'my ($cur, $oth) = (0, 0);
    while (/\e\[([0-9;]*)m/g) { my %p = map { $_ => 1 } split /;/, $1;
      if ($p{7}) { $p{4} ? $cur++ : $oth++ } }
    print "$.\n" if ($ENV{W} eq "current" ? $cur : $oth)'
}
# current_is_line: the one current row is the line the status line names
current_is_line() {
  local scr at top
  scr=$(screen c)
  at=$(sed -nE 's|^/genes: line ([0-9]+), .*|\1|p' <<<"$scr")
  top=$(sed -nE 's|^lines ([0-9]+)-.*|\1|p' <<<"$scr")
  [ -n "$at" ] && [ -n "$top" ] && [ "$(match_rows current)" = "$((at - top + 3))" ]
}
press c detail G
wait_screen 'lines [0-9]+-([0-9]+)/\1( |$)' >/dev/null
end=$(screen c | sed -nE 's|^lines ([0-9]+)-.*|\1|p')
press c detail /
typing c genes
answer c Enter
expect "/genes at the end: found, the view stays at the end" wait_screen "^lines $end-"
expect "... the line it went to is the one drawn as current" wait_for current_is_line
expect "... the other matches on screen are drawn as matches, not as current" \
  test "$(match_rows other | wc -l)" -ge 1
first=$(match_rows current)
press c detail n
expect "n: the next line (the view cannot scroll further)" wait_for eval '[ "$(match_rows current)" != "$first" ]'
expect "... the line n went to is drawn as current" wait_for current_is_line
expect "... only that one" test "$(match_rows current | wc -l)" = 1
expect "... the one before is an other match now" wait_for eval 'match_rows other | grep -qx "$first"'
expect "... still at the end" wait_screen "^lines $end-"
press c detail N
expect "N: back to the first" wait_for eval '[ "$(match_rows current)" = "$first" ]'
press c detail y
expect "y: the console says the id went to the clipboard, and that a terminal may ignore it" \
  wait_screen "id sent to the clipboard by OSC 52 \(a terminal may ignore it\)"
expect "y: tmux received it (set-clipboard on)" sh -c "$TM show-buffer 2>/dev/null | grep -q '$J'"
press c detail '?'
expect "? from the detail: the help" wait_screen '^GAS \[Help\]'
last=$(screen c | sed -nE 's|^lines 1-([0-9]+)/[0-9]+$|\1|p')
press c help NPage
expect "PgDn in the help: the line after the last shown (${last:-?}) at the top, none skipped" \
  wait_screen "^lines $((last + 1))-[0-9]+/"
press c help g
press c help q
expect "q in the help: back to the detail, not quit" wait_screen '^GAS \[Job detail\]'
press c detail Escape
expect "Esc: back to the jobs view" wait_screen '^GAS \[Jobs\]'
# the admin's journey: Enter, ?, Esc, then Esc (and again q): out of the detail each time
press c jobs Enter
wait_screen '^GAS \[Job detail\]' >/dev/null
press c detail '?'
wait_screen '^GAS \[Help\]' >/dev/null
press c help Escape
expect "Esc in the help opened from the detail: back to the detail" wait_screen '^GAS \[Job detail\]'
press c detail Escape
expect "... then Esc: back to the jobs (not trapped in the detail)" wait_screen '^GAS \[Jobs\]'
# Tab and S-Tab go round the views from the detail and the help too (the help lists them
# for every view): from the view the detail was opened from (the jobs)
press c jobs Enter
wait_screen '^GAS \[Job detail\]' >/dev/null
press c detail Tab
expect "Tab in the detail: the view after the jobs (users)" wait_screen '^GAS \[Users\]'
expect "... not 'Tab does nothing'" sh -c "! $TM capture-pane -p -t c | grep -q 'does nothing'"
press c users 2
wait_screen '^GAS \[Jobs\]' >/dev/null
press c jobs Enter
wait_screen '^GAS \[Job detail\]' >/dev/null
press c detail BTab
expect "S-Tab in the detail: the view before the jobs (overview)" wait_screen '^GAS \[Overview\]'
press c overview 2
wait_screen '^GAS \[Jobs\]' >/dev/null
press c jobs Enter
wait_screen '^GAS \[Job detail\]' >/dev/null
press c detail '?'
wait_screen '^GAS \[Help\]' >/dev/null
expect "the help says Tab is for every view and the detail" \
  sh -c "for i in \$(seq 1 $((50 * T))); do $TM capture-pane -p -t c | grep -qE '^ Tab +next view +\[everywhere\]' && exit 0; sleep 0.1; done; exit 1"
press c help Tab
expect "Tab in the help opened from the detail: the view after the jobs" wait_screen '^GAS \[Users\]'
press c users '?'
wait_screen '^GAS \[Help\]' >/dev/null
press c help BTab
expect "S-Tab in the help opened from the users: the jobs" wait_screen '^GAS \[Jobs\]'
press c jobs Enter
wait_screen '^GAS \[Job detail\]' >/dev/null
press c detail '?'
wait_screen '^GAS \[Help\]' >/dev/null
press c help q
wait_screen '^GAS \[Job detail\]' >/dev/null
press c detail q
expect "... ? q q: back to the jobs too" wait_screen '^GAS \[Jobs\]'
press c jobs Escape
wait_screen 'row [1-4]/4 jobs'
# n in the list looks for the list's last filter (J's id), not the detail's last search
press c jobs g n
for _ in $(seq 1 50); do [ "$(cursor_job)" = "${J:0:8}" ] && break; sleep 0.1; done
expect "n in the list: the list's last filter (${J:0:8}), not the detail's search (Ti/Tv)" \
  test "$(cursor_job)" = "${J:0:8}"
expect "... no 'no row matches Ti/Tv'" sh -c "! $TM capture-pane -p -t c | grep -q 'no row matches Ti/Tv'"

# the FAILED job: its error in full; r / c / u from the detail name the job
press c jobs /
typing c "${B:0:8}"
press c jobs Enter Enter
expect "the FAILED job's detail" wait_screen "^job $B\$"
expect "its display state" wait_screen '^  display state +failed$'
expect "the hint bar offers r retry for a FAILED job ($(hint))" \
  sh -c "$TM capture-pane -p -t c | tail -1 | grep -qE '^\? help  Esc back  r retry  u upgrade'"
expect "... and no cancel" sh -c "! $TM capture-pane -p -t c | tail -1 | grep -q 'c cancel'"
expect "its error, in full" wait_screen '^  error +.*(line|POS|not)'
expect "no count log: it says so (not the log of the job seen before)" \
  wait_screen '^  \(none: the job failed, see its error\)$'
expect "... no line of the other job's log" \
  sh -c "! $TM capture-pane -p -t c | grep -qE 'free_1\.vcf|total records|hits per source'"
press c detail r
expect "r asks, naming the job, its user and file; its input failed: it fails again" \
  wait_screen "Retry ${B:0:8} \(ann, bad.vcf\)\? It fails again unless the input changes \(y/n\)"
answer c n
press c detail c
expect "c on a FAILED job: refused, in one line (only a PENDING job can be cancelled)" \
  wait_screen "^${B:0:8}: the job is FAILED: only a PENDING job can be cancelled"
expect "... no question asked" sh -c "! $TM capture-pane -p -t c | grep -q 'Cancel job'"
press c detail u
expect "u asks, naming the owner" wait_screen "Upgrade user ann \(owner of job ${B:0:8}\) to premium\?"
answer c n
expect "nothing changed" wait_field "$B" job_status FAILED 5

# a job with a warning: the warning in words, in the summary
press c detail Escape
wait_screen '^GAS \[Jobs\]' >/dev/null
press c jobs /
typing c "${W:0:8}"
press c jobs Enter Enter
expect "the job with a warning: its detail" wait_screen "^job $W\$"
press c detail G
expect "... the warning, in words" \
  wait_screen '^  warning +the header does not say which genome build'
press c detail g

# a long file name in a question at 80 columns: the name loses its middle, the question
# wraps at its spaces and its end (what the answer does) is whole
press c detail Escape
wait_screen '^GAS \[Jobs\]' >/dev/null
press c jobs /
typing c "${L:0:8}"
press c jobs Enter Enter
expect "the long-named job's detail" wait_screen "^job $L\$"
press c detail r
expect "r: the question wraps at a space, its end whole: the input changes (y/n)" \
  wait_screen '^(It fails again unless )?the input changes \(y/n\)$'
expect "... the file name cut in its middle" \
  wait_screen "^Retry ${L:0:8} \(ann, a-very-long-[a-z-]*\.\.[a-z-]*-0042-b\.vcf\)\? It fails"
answer c n
wait_field "$L" job_status FAILED 5 >/dev/null

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
