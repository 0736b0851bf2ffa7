#!/bin/bash
# Chaos: two gasd share the local backend while jobs are submitted, results archived and
# users upgraded (restored); every 1-4 s one gasd is killed with SIGKILL and started
# again. Then one clean gasd finishes everything and every user is upgraded. Asserted:
# 0 jobs not COMPLETED, 0 stuck (nothing RUNNING/ARCHIVING/RESTORING, nothing in the due
# index), every result byte-identical to a fresh `gas annotate` of its input, 0 dead
# letters, 0 orphan objects (inputs, results, logs, cold copies) and 0 scratch bytes.
# GAS_CHAOS_SECONDS (default 30) sets how long the kills go on (make check: bounded).
SUITE=chaos
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
SECONDS_CHAOS=${GAS_CHAOS_SECONDS:-30}
export GAS_MAX_ATTEMPTS=50 GAS_RECONCILE_INTERVAL=1 GAS_SHUTDOWN_DEADLINE=5
gas setup >/dev/null 2>&1
INPUTS=("$SAMPLES/free_1.vcf" "$SAMPLES/free_2.vcf" "$SAMPLES/test.vcf" "$SAMPLES/premium_1.vcf")
for i in 0 1 2 3; do gas annotate "${INPUTS[$i]}" -o "want-$i.vcf" >/dev/null 2>&1; done
for u in c1 c2 c3 c4; do gas users add $u --email $u@example.org >/dev/null; done

pids=(0 0)
spawn() { env "$@" gasd >> "$WORK/gasd.log" 2>&1 & echo $!; }
pids[0]=$(spawn); pids[1]=$(spawn)
: > jobs.txt
submitter() {
  local n=0
  while [ ! -e stop-submits ]; do
    local i=$((n % 4)) u=c$((n % 4 + 1))
    local j; j=$(gas submit "${INPUTS[$i]}" --user $u 2>/dev/null) && echo "$j $i" >> jobs.txt
    n=$((n + 1)); sleep 0.$((RANDOM % 5 + 1))
  done
}
submitter &
sub=$!
kills=0 t_end=$(( $(date +%s) + SECONDS_CHAOS )) upgraded=0
while [ "$(date +%s)" -lt "$t_end" ]; do
  sleep $((RANDOM % 4 + 1))
  k=$((RANDOM % 2))
  kill -9 "${pids[$k]}" 2>/dev/null && kills=$((kills + 1))
  wait "${pids[$k]}" 2>/dev/null
  pids[$k]=$(spawn)
  # halfway: upgrade c3 (its archived results are restored while the kills go on)
  if [ $upgraded = 0 ] && [ "$(date +%s)" -ge $((t_end - SECONDS_CHAOS / 2)) ]; then
    gas upgrade c3 >/dev/null 2>&1; upgraded=1
  fi
done
touch stop-submits; wait $sub
for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
njobs=$(wc -l < jobs.txt)
db() { sqlite3 "$GAS_DATA_DIR/gas.db" "$1"; }
states=$(db "SELECT group_concat(s || ' ' || n, ', ') FROM (SELECT json_extract(body,
  '$.job_status') || '/' || coalesce(json_extract(body, '$.archive_state'), 'NONE') AS s,
  count(*) AS n FROM items WHERE tbl = 'gas_annotations' GROUP BY s)")
echo "    chaos: $njobs jobs submitted, $kills gasd killed with SIGKILL in $SECONDS_CHAOS s;"
echo "    at the last kill: $states"
expect "chaos: jobs were submitted ($njobs) and gasd killed ($kills)" test "$njobs" -gt 5 -a "$kills" -gt 3

# one clean gasd; every user upgraded: every result comes back hot
start_gasd
for u in c1 c2 c3 c4; do gas upgrade $u >/dev/null 2>&1; done
unsettled() { # jobs not COMPLETED, or not back in hot storage
  db "SELECT count(*) FROM items WHERE tbl = 'gas_annotations' AND
      (json_extract(body, '$.job_status') IS NOT 'COMPLETED' OR
       coalesce(json_extract(body, '$.archive_state'), 'NONE') IS NOT 'NONE')"
}
settled() {
  [ "$(unsettled)" = 0 ] &&
    [ "$(db "SELECT count(*) FROM items WHERE tbl = 'gas_annotations'")" -ge "$njobs" ]
}
for ((i = 0; i < 1200; i++)); do settled && break; sleep 0.5; done
# the archive messages of jobs completed before the upgrades may still arrive: let them
sleep 3; for ((i = 0; i < 600; i++)); do settled && break; sleep 0.5; done
stop_gasd
expect "every job COMPLETED and hot ($(unsettled) not)" settled
expect "0 stuck: nothing in the due index ($(db "SELECT count(*) FROM items WHERE w IS NOT NULL"))" \
  test "$(db "SELECT count(*) FROM items WHERE w IS NOT NULL")" = 0
same=0 differ=0
while read -r j i; do
  if gas download "$j" -o got.vcf 2>/dev/null && cmp -s got.vcf "want-$i.vcf"; then
    same=$((same + 1))
  else
    differ=$((differ + 1)); echo "    job $j: result differs from gas annotate of input $i"
  fi
done < jobs.txt
expect "every result byte-identical to gas annotate ($same same, $differ not)" test "$differ" = 0 -a "$same" = "$njobs"
dead=$(db "SELECT count(*) FROM messages WHERE queue LIKE '%_dlq'")
expect "0 dead letters ($dead)" test "$dead" = 0
count() { find "$GAS_DATA_DIR/$1" -type f 2>/dev/null | wc -l; }
expect "0 orphan inputs ($(count objects/gas-inputs) for $njobs jobs)" test "$(count objects/gas-inputs)" = "$njobs"
# per job: the result, its count log and the count log as JSON
expect "0 orphan results or logs ($(count objects/gas-results) for $njobs jobs)" \
  test "$(count objects/gas-results)" = $((3 * njobs))
expect "0 orphan cold copies ($(count cold))" test "$(count cold)" = 0
bytes=$(find "$GAS_DATA_DIR/work" "$GAS_DATA_DIR/tmp" -type f -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}')
expect "0 scratch bytes left ($bytes)" test "$bytes" = 0

finish_pipeline "$SUITE"
