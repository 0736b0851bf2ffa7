#!/bin/bash
# A new admin's first session (80x24, over SSH in tmux), replayed: the header names the
# gas.conf that was read; Users at 80 columns shows whole emails and tells UUID user ids
# apart (a short form; whole at 120+); at 50 columns the counts stay (ARCHIVED and
# FAILED); the hint bar holds only whole words and, read-only, no actions; the jobs
# filter finds a failed job by its error, and r on it says it will fail again.
SUITE=console_trial
. "$(dirname "$0")/console_lib.sh"

U1=0190f3a2-7b4c-7d1e-9a2b-3c4d5e6f7081
U2=0190f3a2-7b4c-7f00-8e11-aabbccdd0042
gas users add alice --email alice@example.org >/dev/null
gas users add "$U1" --email u1@example.org >/dev/null
gas users add "$U2" --email u2@example.org >/dev/null
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\tnot-a-number\t.\tA\tC\t.\t.\t.\n' > "$WORK/bad.vcf"
B=$(gas submit "$WORK/bad.vcf" --user alice | grep -oE '[0-9a-f-]{36}' | head -1)
gas submit "$SAMPLES/free_1.vcf" --user "$U1" >/dev/null
start_gasd
require "the bad job fails on its input" wait_field "$B" job_status FAILED 30
require "... its error says POS" sh -c "gas show $B | grep -q 'POS is not'"

# the console started where gas.conf is: the header names it (as gas config does)
mkdir -p "$WORK/site" && printf 'console_refresh = 1\n' > "$WORK/site/gas.conf"
cd "$WORK/site" || exit 2
require "gas config names ./gas.conf" sh -c "gas config | grep -q '^# config file: $WORK/site/gas.conf'"
console c 80 24
expect "the header names the config file read" wait_screen '^GAS \[Overview\] local .* config \./gas\.conf '
expect "a console just started counts the job that failed a moment ago (its fail_time)" \
  wait_screen 'THROUGHPUT +completed [0-9]+/min +failed [1-9][0-9]*/min'
expect "... not (no config file)" sh -c "! $TM capture-pane -p -t c | head -1 | grep -q 'no config file'"
cd "$WORK" || exit 2
# a system deep in a long path: the header drops the config file's name, then the start of
# the data directory, marked ".."; the words themselves are not cut
deep="$WORK/a/rather/deep/directory/tree/where/this/site/keeps/its/configuration"
mkdir -p "$deep" && printf 'console_refresh = 1\n' > "$deep/gas.conf"
GAS_DATA_DIR=$deep/state gas --config "$deep/gas.conf" users add deb --email deb@example.org >/dev/null
console d 80 24 GAS_DATA_DIR="$deep/state" -- --config "$deep/gas.conf"
expect "80 columns, a long path: the data directory's end, \"..\" before it; no cut word" \
  wait_screen '^GAS \[Overview\] local \.\..*/keeps/its/configuration/state +age [0-9.]+s$' d
$TM kill-session -t d

# Users at 80 columns: whole emails, UUID ids told apart
press c overview 3
require "users view" wait_screen 'row 1/3 users'
expect "80 columns: the email whole" wait_screen '^  alice +free .* alice@example\.org$'
expect "80 columns: RESTORING shown too (an upgrade's retrievals can take hours)" \
  wait_screen '^  USER. +ROLE +JOBS +ARCHIVED +FAILED +RESTORING +EMAIL$'
expect "80 columns: a UUID user id in a short form that tells it apart (1): head and tail, cut as in the jobs view" \
  wait_screen "^  0190f3a2-7\.\.7081 "
expect "... no id cut in the middle of nowhere: the two are different rows" \
  test "$(screen | grep -c '^  0190f3a2')" = 2
$TM resize-window -t c -x 130 -y 24
expect "130 columns: the whole UUIDs" wait_screen "^  $U1 " && wait_screen "^  $U2 " >/dev/null
$TM resize-window -t c -x 50 -y 12
expect "50 columns: USER ROLE JOBS ARCHIVED FAILED (the counts stay)" \
  wait_screen '^  USER.? +ROLE.? +JOBS.? +ARCHIVED.? +FAILED'
$TM resize-window -t c -x 80 -y 24

# the hint bar: whole words only, at 80 columns
hint_ok() { # the bottom line is made of whole hints, and fits
  screen | tail -1 | grep -qE '^(q quit|\? help|Esc back)(  (\? help|Enter details|Enter jobs|r retry|c cancel|u upgrade|d downgrade|r redrive|A redrive all|d delete|Space mark|/ filter|> sort|s flip|l log|y copy id|1-5 views))* *$'
}
press c users 2
wait_screen '^  ID +USER +STATUS +ARCHIVE' >/dev/null # drawn at 80 columns again
expect "80 columns: the jobs hint is whole words ($(screen | tail -1))" hint_ok
press c jobs 3
wait_screen '^  USER +ROLE +JOBS +ARCHIVED +FAILED +RESTORING +EMAIL' >/dev/null
expect "80 columns: the users hint is whole words ($(screen | tail -1))" hint_ok

# the filter finds a failed job by its error; r says it fails again
press c users 2
press c jobs /
typing c POS
press c jobs Enter
expect "/POS finds the job whose error says POS" wait_screen 'row 1/1 jobs +filter: POS'
expect "... it is the bad job" test "$(cursor_job)" = "${B:0:8}"
press c jobs r
expect "r on a job that failed on its input: the question says it will fail again" \
  wait_screen "Retry ${B:0:8} \(alice, bad.vcf\)\? It fails again unless the input changes \(y/n\)"
answer c n
expect "nothing changed" wait_field "$B" job_status FAILED 5

# read-only: no action in the hint bar
console ro 80 24 -- --read-only
press ro overview 2
wait_screen 'row 1/2 jobs' ro >/dev/null
expect "read-only: the hint bar offers no action" \
  sh -c "! $TM capture-pane -p -t ro | tail -1 | grep -qE 'retry|cancel|upgrade'"
expect "... but the rest (help, details, filter; no Space mark: marks are for actions)" \
  sh -c "$TM capture-pane -p -t ro | tail -1 | grep -qE '^q quit  \? help  Enter details  / filter'"
press ro jobs 3
wait_screen 'row 1/3 users' ro >/dev/null
expect "read-only users: no upgrade or downgrade hinted" \
  sh -c "! $TM capture-pane -p -t ro | tail -1 | grep -qE 'upgrade|downgrade'"
finish_pipeline console_trial
