#!/bin/bash
# gas workers: a gasd killed with SIGKILL shows as lost, one stopped with SIGTERM as
# stopped; gone workers drop off gas status after worker_forget; prune removes them.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 2
unset GAS_CONFIG GAS_DATA_DIR GAS_HEARTBEAT_INTERVAL
printf 'data_dir = state\nheartbeat_interval = 1\nqueue_wait = 1\n' > gas.conf
gas setup > /dev/null || { bad "setup"; finish workers; }
# state_of ID: the state column of gas workers for that worker
state_of() { gas workers | awk -v id="$1" '$1 == id {print $2}'; }
waitstate() { # ID STATE: up to 30 s
  for _ in $(seq 1 150); do [ "$(state_of "$1")" = "$2" ] && return 0; sleep 0.2; done; return 1; }
gasd 2> gasd1.log & P1=$!
gasd 2> gasd2.log & P2=$!
W1=$(hostname)-$P1; W2=$(hostname)-$P2
if waitstate "$W1" alive && waitstate "$W2" alive; then ok "two gasd are alive"
else bad "two gasd are alive" "$(gas workers 2>&1)"; fi
kill -9 $P1; wait $P1 2>/dev/null; killed=$(date +%s)
kill -TERM $P2; wait $P2; rc=$?
[ "$rc" = 0 ] && ok "SIGTERM: gasd exits 0" || bad "SIGTERM: gasd exits 0" "exit $rc"
if waitstate "$W2" stopped; then ok "SIGTERM'd gasd shows as stopped"
else bad "SIGTERM'd gasd shows as stopped" "$(gas workers 2>&1)"; fi
check_out "kill -9'd gasd on this host: lost at the first look (its process is gone), not after 3 missed heartbeats" 0 \
  "^$W1 +lost " gas workers
if waitstate "$W1" lost; then ok "kill -9'd gasd shows as lost"
else bad "kill -9'd gasd shows as lost" "$(gas workers 2>&1)"; fi
took=$(( $(date +%s) - killed ))
# heartbeat_interval 1: lost after 3 s without a beat (10 s allows for a busy machine)
[ "$took" -le 10 ] && ok "lost within 3 heartbeat intervals (${took} s)" || bad "lost within 3 heartbeat intervals" "took $took s"
check_out "gas status names the lost worker" 0 "^$W1 +lost" gas status
check_out "... and raises the console's alert for it (none alive replaced it)" 0 \
  "^ALERT: worker $W1 lost: its process $P1 is gone from this host \(killed or crashed" gas status
check_out "... gas status --json lists it" 0 "\"alerts\": \[\"worker $W1 lost: its process" gas status --json
check_out "gas workers --json has the state" 0 "\"state\":[[:space:]]*\"lost\"" gas workers --json
sleep 1.1 # both heartbeats are now over 1 s old
out=$(GAS_WORKER_FORGET=1 gas status 2>&1)
if ! grep -q "$W1\|$W2" <<<"$out"; then ok "gone workers drop off gas status after worker_forget"
else bad "gone workers drop off gas status after worker_forget" "$out"; fi
check_out "gas workers --all still lists forgotten ones" 0 "^$W2 +stopped" \
  env GAS_WORKER_FORGET=1 gas workers --all
gasd 2> gasd3.log & P3=$!; W3=$(hostname)-$P3
waitstate "$W3" alive || bad "third gasd alive" "$(gas workers 2>&1)"
check_out "a new gasd alive: the lost one is a note in gas status, not an alert" 0 \
  "^note: worker $W1 lost, replaced \(gas workers prune clears this; last heartbeat .* ago; 1 alive\)" gas status
check "... no alert left" 1 sh -c 'gas status | grep -q "^ALERT"'
check_out "prune removes the gone workers" 0 '^2 gone workers removed' gas workers prune
out=$(gas workers 2>&1)
if grep -q "^$W3 \+alive" <<<"$out" && ! grep -q "$W1\|$W2" <<<"$out"; then
  ok "prune keeps the alive worker"; else bad "prune keeps the alive worker" "$out"; fi
kill -TERM $P3; wait $P3
# two gasd lost, none alive: the alert names the latest and counts the other
gasd 2> gasd4.log & P4=$!
gasd 2> gasd5.log & P5=$!
W4=$(hostname)-$P4; W5=$(hostname)-$P5
waitstate "$W4" alive && waitstate "$W5" alive || bad "two more gasd alive" "$(gas workers 2>&1)"
kill -9 $P4 $P5; wait $P4 $P5 2>/dev/null
waitstate "$W4" lost && waitstate "$W5" lost || bad "both lost" "$(gas workers 2>&1)"
check_out "two lost workers: the alert names one and counts the other" 0 \
  "^ALERT: worker ($W4|$W5) lost: .*, and 1 more lost\$" gas status
finish workers
