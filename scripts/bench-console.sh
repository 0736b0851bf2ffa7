#!/bin/bash
# make bench-console: the console with BENCH_JOBS (default 100000) jobs on the embedded
# backend: time and memory to collect a snapshot (gas top -b), the console's collect and
# draw times as it reports them, its peak RSS, and the bytes it writes to the terminal per
# idle refresh. The jobs are bulk-loaded into the local database (as an import would).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_JOBS:-100000}
W=$(mktemp -d)
TM="tmux -L gas-bench-$$"
trap '$TM kill-server 2>/dev/null; rm -rf "$W"' EXIT
export GAS_DATA_DIR=$W/data
G=$ROOT/bin/gas
"$G" setup >/dev/null
python3 - "$W/data/gas.db" "$N" <<'PY'
import json, sqlite3, sys, uuid, random
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2]); random.seed(1)
states = [("COMPLETED", "NONE")] * 6 + [("COMPLETED", "ARCHIVED"), ("PENDING", "NONE"), ("RUNNING", "NONE"), ("FAILED", "NONE")]
users = ["user%03d" % i for i in range(200)]
rows = []
for i in range(n):
    j = str(uuid.UUID(int=random.getrandbits(128), version=4)); u = random.choice(users); s, a = random.choice(states)
    item = {"job_id": j, "user_id": u, "input_file_name": "sample_%d.vcf" % i, "submit_time": 1795000000 + i,
            "job_status": s, "archive_state": a, "s3_inputs_bucket": "gas-inputs",
            "s3_key_input_file": "gas/%s/%s~sample_%d.vcf" % (u, j, i)}
    rows.append(("gas_annotations", j, u, json.dumps(item)))
db.executemany("INSERT INTO items(tbl, k, idx, body) VALUES (?, ?, ?, ?)", rows)
db.executemany("INSERT INTO items(tbl, k, idx, body) VALUES (?, ?, NULL, ?)",
               [("gas_users", u, json.dumps({"user_id": u, "role": "free_user", "email": u + "@example.org"})) for u in users])
db.commit()
PY
echo "console benchmark: $N jobs, 200 users"
/usr/bin/time -f "%e %M" -o "$W/t" "$G" top -b --json > /dev/null
read -r secs kb < "$W/t"
printf '  gas top -b (one full snapshot):  %.2f s, peak RSS %.1f MiB\n' "$secs" "$(echo "$kb / 1024" | bc -l)"
# refreshes after the first: only what changed since (the jobs table's change marks)
"$G" top -b -n 4 -d 0.5 | grep -oE 'collect [0-9]+ ms(, incremental)?' | tr '\n' ' ' |
  sed 's/^/  gas top -b -n 4 (full, then incremental): /; s/$/\n/'
$TM new-session -d -s c -x 120 -y 40 "env GAS_CONSOLE_REFRESH=2 $G console"
for i in $(seq 1 300); do $TM capture-pane -p -t c | grep -q "JOBS $N " && break; sleep 0.1; done
$TM send-keys -t c 2
for i in $(seq 1 100); do $TM capture-pane -p -t c | grep -q "row 1/$N jobs" && break; sleep 0.1; done
sleep 4.5
head=$($TM capture-pane -p -t c | head -1)
echo "  console, jobs view, idle: ${head#*  age }"
# some jobs change (as gasd would change them): the next refresh reads only those
for j in $("$G" jobs --status PENDING | awk 'NR > 1 && NR <= 21 {print $1}'); do "$G" cancel "$j" >/dev/null; done
sleep 4.5
head=$($TM capture-pane -p -t c | head -1)
echo "  console, jobs view, after 20 jobs changed: ${head#*  age }"
$TM send-keys -t c G
sleep 1.2
head=$($TM capture-pane -p -t c | head -1)
echo "  console, jobs view, at the last row (G): ${head#*  age }  $($TM capture-pane -p -t c | grep -oE 'row [0-9]+/[0-9]+ jobs')"
pid=$($TM list-panes -t c -F '#{pane_pid}')
cpu() { awk '{print $14 + $15}' /proc/"$pid"/stat; }
t0=$(cpu); sleep 20; t1=$(cpu)
echo "  idle console, jobs view, default refresh (2 s): $(echo "($t1 - $t0) / $(getconf CLK_TCK) / 20 * 100" | bc -l | xargs printf '%.1f')% of a core"
$TM send-keys -t c 1
sleep 2.5
$TM pipe-pane -t c -o "cat >> $W/bytes"
sleep 10.2
$TM pipe-pane -t c
bytes=$(stat -c %s "$W/bytes")
echo "  idle overview: $bytes bytes written in 10 s (~$((bytes / 10)) bytes per second)"
printf '  console peak RSS: %s\n' "$(grep VmHWM /proc/"$pid"/status | awk '{printf "%.1f MiB", $2/1024}')"
