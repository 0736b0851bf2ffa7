#!/bin/bash
# A worker's problem an admin must see without reading gasd's log: the annotation sources
# are edited into a file that cannot load while gasd runs. gasd keeps annotating with the
# sources it had and records the problem with its heartbeat: the console's workers view
# colours the worker yellow with the problem in its PROBLEM column and, for the selected
# worker, whole under the list; the overview adds a line under the worker; gas workers and
# gas status print it, gas status --json has it. Fixing the file clears it everywhere.
SUITE=console_worker_problem
. "$(dirname "$0")/console_lib.sh"
printf 'MT\t0\t16569\tmito_region\n' > zones.bed
bgzip -f zones.bed && tabix -p bed zones.bed.gz
good() {
  printf '[zones]\ntype = region\nfile = %s/zones.bed.gz\nfield = ZONE\n' "$WORK" > sources.tmp
  mv sources.tmp sources.conf && touch -d '-5 seconds' sources.conf
}
export GAS_ANNOT_SOURCES=$WORK/sources.conf
good
gas users add ann --email ann@example.org >/dev/null
start_gasd
require "gasd started" wait_log "started [0-9]+ pipeline threads"
console c 80 24
expect "overview: the worker is alive" wait_screen '^  alive '
expect "... drawn green" drawn_with '([0-9;]*;)?32(;[0-9;]*)?' '  alive'
press c overview 5
expect "workers view: the worker is alive, no problem" wait_screen '^  alive '
expect "... and nothing under the list" sh -c "! $TM capture-pane -p -t c | grep -q '^problem:'"

printf '[zones]\ntype = nonsense\nfile = %s/zones.bed.gz\n' "$WORK" > sources.conf
touch -d '-5 seconds' sources.conf
J=$(gas submit "$SAMPLES/test.vcf" --user ann | grep -oE '[0-9a-f-]{36}' | head -1)
expect "the job is annotated all the same (the sources in use)" wait_field "$J" job_status COMPLETED 30
why='annotation sources changed but cannot be loaded \(.*sources.conf:2: type must be'
expect "80x24 workers view: the problem under the list" wait_screen "^problem: annotation sources" c 20
expect "... whole, on lines broken at spaces" sh -c "$TM capture-pane -p -t c | sed -n '/^problem:/,/^q quit/p' | head -n -1 | tr -s ' \n' '  ' | grep -qE '^problem: $why.*\); still using the ones loaded before \$'"
expect "... the PROBLEM column has its start" wait_screen '^  alive .*annotation sour'
press c workers 1
expect "overview: the problem line" wait_screen '^    problem: '
expect "... and the worker's line is yellow" drawn_with '([0-9;]*;)?33(;[0-9;]*)?' '  alive'
press c overview 5
expect "gas workers prints it" sh -c "gas workers | grep -qE 'problem on .*: $why'"
expect "gas status prints it" sh -c "gas status | grep -qE 'problem on .*: $why'"
expect "gas status --json has it" sh -c "gas status --json | python3 -c 'import json,sys; w=json.load(sys.stdin)[\"workers\"]; sys.exit(0 if any(\"cannot be loaded\" in x.get(\"problem\",\"\") for x in w) else 1)'"
press c workers 1
expect "overview: a problem line under the worker" wait_screen "^    problem: annotation sources changed"
press c overview 5
press c workers /
typing c "nonsense"
press c workers Enter
expect "the filter finds the worker by its problem's text" wait_screen 'filter: nonsense \(1 of 1\)'
press c workers Escape

good
K=$(gas submit "$SAMPLES/test.vcf" --user ann | grep -oE '[0-9a-f-]{36}' | head -1)
expect "fixed: the next job completes" wait_field "$K" job_status COMPLETED 30
expect "... with the fixed sources" sh -c "gas download $K -o k.vcf && grep -q 'ZONE=mito_region' k.vcf"
expect "... and the problem goes from the console" wait_gone '^problem:' c 20
expect "... and from gas workers" sh -c "! gas workers | grep -q 'problem on'"
stop_gasd
finish_pipeline "$SUITE"
