#!/bin/bash
# Health: the header turns red with the reason when work is queued and no worker is alive,
# when dead letters grow, and when a worker is lost (kill -9: on this host its process is
# seen gone at once; elsewhere, no heartbeat for 3 intervals); a killed worker is listed as lost (red), a cleanly stopped one as stopped;
# once a new worker is alive the lost one is a note (still listed), not an alarm.
SUITE=console_health
. "$(dirname "$0")/console_lib.sh"
BEAT=$GAS_HEARTBEAT_INTERVAL # 1 s (pipeline_lib.sh)

gas users add ann --email ann@example.org >/dev/null
J=$(gas submit "$SAMPLES/free_1.vcf" --user ann | grep -oE '[0-9a-f-]{36}' | head -1)
console c 80 24
expect "queued work and no worker: the alert says so" \
  wait_screen '^ALERT: 1 job PENDING and no worker alive'
expect "the header line is red (white on red)" drawn_with '([0-9;]*;)?41(;[0-9;]*)?' 'GAS \['
start_gasd
expect "a worker comes: the alert goes" wait_gone '^ALERT' c 30
expect "the job completed" wait_field "$J" job_status COMPLETED 30
press c overview 5
expect "workers view: the worker is alive" wait_screen '^  alive '

gas send gas_archive 'not json' >/dev/null
expect "dead letters grow: the alert says so" wait_screen '^ALERT: dead letters grew by 1 to 1' c 20
press c workers x
expect "x: the alert is dismissed" wait_gone '^ALERT: dead letters' c 10
gas send gas_archive 'not json either' >/dev/null
expect "one more after x: a new alert, by the one that came (not since the window's start)" \
  wait_screen '^ALERT: dead letters grew by 1 to 2' c 20

alive_pid=$GASD_PID
t0=$(date +%s.%N)
kill -9 "$alive_pid"
crashed_gasd
expect "kill -9: the lost-worker alert comes" wait_screen '^ALERT( 1 of [0-9]+)?: worker .* lost: its process [0-9]+ is gone from this host' c 20
t1=$(date +%s.%N)
limit=$(echo "(3 * $BEAT + 2 * 1 + 1) * $T" | bc)
expect "... within 3 heartbeat intervals (+ the console's refresh): $(echo "$t1 - $t0" | bc) s <= $limit s" \
  awk -v a="$t0" -v b="$t1" -v l="$limit" 'BEGIN{exit !(b - a <= l)}'
expect "the killed worker is listed as lost" wait_screen '^  lost '
expect "gas top -b (the console's model, for scripts) has the same alert" \
  sh -c "gas top -b | grep -qE '^ALERT: worker .* lost'"
expect "gas top -b: the second refresh reads only what changed" \
  sh -c "gas top -b -n 2 -d 0.2 | grep -c 'incremental' | grep -qx 1"
press c workers Tab
expect "Tab: from the last view round to the overview" wait_screen '^GAS \[Overview\]'
# the header's alert is cut to its line at 80 columns; the overview's is whole, wrapped
expect "the overview's alert list: the lost worker's alert whole, over two lines at 80x24" \
  wait_screen '^       crashed; last heartbeat [0-9]+s ago\)$'
expect "lost is red (overview)" drawn_with '31' '  lost '
press c overview BTab
expect "S-Tab: back to the workers" wait_screen '^GAS \[Workers\]'

start_gasd
expect "a new worker: two listed" wait_screen 'row [12]/2 workers'
expect "the lost worker, since replaced: a note, not an alarm" \
  wait_screen 'note: worker vm-[0-9]+ lost, replaced' c 20
expect "... no alarm about the worker (only the dead letter's)" \
  sh -c "! $TM capture-pane -p -t c | grep -q '^ALERT: worker'"
press c workers g
wait_screen 'row 1/2 workers' >/dev/null
expect "... the lost worker is still listed, red" drawn_with '31' '  lost '
press c workers G
wait_screen 'row 2/2 workers' >/dev/null
expect "gas top -b says the same" \
  sh -c "gas top -b | grep -qE '^note: worker .* replaced \(gas workers prune clears this; last heartbeat [0-9]+s ago; 1 alive\)' && ! gas top -b | grep -q '^ALERT: worker'"
# the cursor kept on the first row (g): the worker stopped next sorts last, off the cursor
press c workers g
wait_screen 'row 1/2 workers' >/dev/null
stop_gasd
expect "SIGTERM: the worker is listed as stopped" wait_screen '^  stopped ' c 20
expect "stopped is dim (blue)" drawn_with '34' '  stopped '
expect "sorted by state: the lost worker (needs a look) above the stopped one" \
  sh -c "$TM capture-pane -p -t c | grep -E '^ *(lost|stopped) ' | head -1 | grep -q lost"
press c workers 1
expect "overview counts the workers by state" wait_screen 'WORKERS  0 alive  1 lost  1 stopped'
finish_pipeline console_health
