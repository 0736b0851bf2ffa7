#!/bin/bash
# The real console in a real terminal (tmux: send-keys, capture-pane) against the
# embedded backend, with gasd running where the test needs it.
SUITE=console
. "$(dirname "$0")/../system/pipeline_lib.sh"
cd "$WORK" || exit 2
TM="tmux -L gas-test-$$"
trap 'stop_gasd; $TM kill-server 2>/dev/null; rm -rf "$WORK"' EXIT
screen() { $TM capture-pane -p -t "${1:-c}"; }
keys() { $TM send-keys -t c "$@"; }
wait_screen() { # wait_screen PATTERN [SESSION] [SECONDS]: until the screen shows PATTERN
  local i limit=$(( ${3:-10} * 10 * T ))
  for ((i = 0; i < limit; i++)); do
    screen "${2:-c}" | grep -qE -- "$1" && return 0
    sleep 0.1
  done
  echo "    screen never showed /$1/:"; screen "${2:-c}" | sed 's/^/    | /'; return 1
}
console() { # console SESSION WIDTH HEIGHT [ENV=... ] [-- ARGS]: gas console in a tmux session
  local s=$1 w=$2 h=$3; shift 3
  local envs=() args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift && args=("$@")
  $TM new-session -d -s "$s" -x "$w" -y "$h" \
    "env GAS_CONSOLE_REFRESH=1 TERM=xterm-256color ${envs[*]} gas console ${args[*]}; sleep 60"
}

gas users add ann --email ann@example.org >/dev/null
gas users add pat --email pat@example.org --premium >/dev/null
for f in free_1 free_2 test; do gas submit "$SAMPLES/$f.vcf" --user ann >/dev/null; done
console c 100 30
require "console starts on the overview" wait_screen '^GAS \[Overview\] local '
visible=$(gas status --json | python3 -c 'import json,sys; print([q["visible"] for q in json.load(sys.stdin)["queues"] if q["name"]=="gas_job_requests"][0])')
expect "backend has 3 queued requests" test "$visible" = 3
expect "overview shows the same queue depth" wait_screen 'gas_job_requests +3 +0 +0 +0'
expect "overview shows job counts" wait_screen 'JOBS 3 +PENDING 3'

keys 2
expect "jobs view lists the jobs" wait_screen 'row [0-9]+/3 jobs'
keys / f r e e _
expect "filter is incremental: narrows while typing" wait_screen 'filter: free_ \(2 of 3\)'
keys 2 Enter
expect "filter narrows to one job" wait_screen 'filter: free_2 \(1 of 3\)'
expect "the filtered job is shown" sh -c "$TM capture-pane -p -t c | grep -q 'free_2.vcf'"
expect "the others are not" sh -c "! $TM capture-pane -p -t c | grep -q 'test.vcf'"
keys /
keys Escape
expect "Esc clears the filter" wait_screen 'row [0-9]+/3 jobs'
has_color() { $TM capture-pane -e -p -t "$1" | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|38;5|9[0-7])m'; }
expect "PENDING rows are colored (the check below can fail)" has_color c

console nc 100 30 NO_COLOR=1
wait_screen '^GAS \[' nc
keys2() { $TM send-keys -t nc "$@"; }
keys2 2
wait_screen 'row [0-9]+/3 jobs' nc
if has_color nc; then bad "NO_COLOR: no color escapes"; else ok "NO_COLOR: no color escapes"; fi
$TM kill-session -t nc

console ro 100 30 -- --read-only
wait_screen 'READ-ONLY' ro
$TM send-keys -t ro 3 u
expect "read-only refuses actions" wait_screen 'read-only console: actions are refused' ro
expect "role unchanged" sh -c "gas users list | grep -q '^ann  *free_user'"
$TM kill-session -t ro

# upgrade from the console: the user's archived job is restored
start_gasd
J=$(gas jobs --user ann | awk '$NF=="test.vcf"{print $1}')
require "job archived by gasd" wait_field "$J" archive_state ARCHIVED 30
keys 3
expect "users view" wait_screen 'ann +free_user'
keys g u
expect "upgrade asks first" wait_screen 'Upgrade user ann to premium'
keys y
expect "upgrade done, saying what it restores" wait_screen 'user ann upgraded to premium: restore of [1-9][0-9]* archived results? requested'
expect "the user's job is restored" wait_field "$J" archive_state NONE 30
expect "restore went through RESTORING" wait_log "job $J RESTORING"

# pause: the data stops refreshing and says so
keys p
expect "pause shows PAUSED" wait_screen 'PAUSED'
sleep 2.2
age=$(screen | head -1 | sed -E 's/.* age ([0-9.]+)s.*/\1/')
expect "paused data grows old (age $age s)" awk -v a="$age" 'BEGIN{exit !(a >= 2)}'
keys p
expect "resume: fresh data again" wait_screen ' age 0\.[0-9]s'

# the backend fails under the console (its items table disappears for a few seconds): the
# last good data stays up with its growing age and the backend's error, keys still work
console un 100 30
wait_screen 'JOBS 3 ' un
python3 - "$GAS_DATA_DIR/gas.db" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("ALTER TABLE items RENAME TO items_away")
time.sleep(5)
db.execute("ALTER TABLE items_away RENAME TO items"); db.close()
PY
breaker=$!
expect "backend failing: the error is shown" wait_screen 'backend error: .*no such table' un 8
expect "backend failing: the last good data stays up" wait_screen 'JOBS 3 ' un 2
$TM send-keys -t un 2
expect "backend failing: the console still answers keys" wait_screen '\[Jobs\]' un 3
sleep 1.5
age=$(screen un | head -1 | sed -E 's/.* age ([0-9.]+)s.*/\1/')
expect "backend failing: data age grows ($age s)" awk -v a="$age" 'BEGIN{exit !(a >= 2)}'
wait "$breaker"
expect "backend back: the error clears" sh -c "for i in \$(seq 1 60); do $TM capture-pane -p -t un | grep -q 'backend error' || exit 0; sleep 0.1; done; exit 1"
$TM kill-session -t un

# on AWS the backend becomes unreachable for real (its moto_server stops): the network
# error is shown, the data ages, and the HTTP layer's retry lines stay off the screen
if [ "${GAS_NO_AWS:-0}" != 1 ] && EP=$("$GAS_ROOT/scripts/moto.sh" start "$WORK/moto"); then
  trap 'stop_gasd; $TM kill-server 2>/dev/null; "$GAS_ROOT/scripts/moto.sh" stop "$WORK/moto"; rm -rf "$WORK"' EXIT
  AWSENV=(GAS_BACKEND=aws GAS_AWS_ENDPOINT=$EP AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
          AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/dev/null GAS_AWS_RETRY_BASE_MS=50
          GAS_CONSOLE_LOG=$WORK/console-aws.log)
  env "${AWSENV[@]}" gas aws bootstrap >/dev/null
  env "${AWSENV[@]}" gas users add ann --email ann@example.org >/dev/null
  console aw 100 30 "${AWSENV[@]}"
  expect "aws: console starts" wait_screen '^GAS \[Overview\] aws ' aw
  expect "aws: users counted" wait_screen '^USERS 1' aw
  "$GAS_ROOT/scripts/moto.sh" stop "$WORK/moto"
  expect "aws unreachable: the network error is shown" \
    wait_screen "backend error: .*(Couldn't connect|connect)" aw 15
  expect "aws unreachable: the last good data stays up" wait_screen '^USERS 1' aw 2
  sleep 1.5
  age=$(screen aw | head -1 | sed -E 's/.* age ([0-9.]+)s.*/\1/')
  expect "aws unreachable: data age grows ($age s)" awk -v a="$age" 'BEGIN{exit !(a >= 2)}'
  expect "aws unreachable: no log line on the screen" sh -c "! $TM capture-pane -p -t aw | grep -q 'retrying'"
  expect "aws unreachable: retries logged to console_log" grep -q 'retrying' "$WORK/console-aws.log"
  $TM send-keys -t aw q
else
  [ "${GAS_NO_AWS:-0}" = 1 ] || bad "moto_server started for the AWS console case"
fi

# resizing keeps the screen whole
$TM resize-window -t c -x 50 -y 12
sleep 0.5
expect "tiny terminal: header still there" wait_screen '^GAS \['
$TM resize-window -t c -x 100 -y 30
sleep 0.5
expect "resized back: one header line" test "$(screen | grep -c '^GAS \[')" = 1
expect "resized back: footer at the bottom" sh -c "$TM capture-pane -p -t c | tail -1 | grep -qE '(\\? help|upgraded)'"
expect "resized back: nothing past the header is stale" test "$(screen | grep -c '^USERS ')" -le 1

keys q
sleep 0.5
expect "q quits" sh -c "! $TM list-panes -t c -F '#{pane_current_command}' | grep -q '^gas$'"
finish_pipeline console
