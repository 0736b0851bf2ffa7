#!/bin/bash
# make bench-pipeline: throughput and latency of the whole annotate pipeline on the
# embedded backend, with 1 and then 2 gasd processes (annotate_threads=2 each; and the drains
# again with 1 thread each: scale-out where a core is free).
#   drain:  N jobs are submitted first (once: each drain runs on a copy of that data
#           directory), then gasd starts; jobs/s = N / time to all COMPLETED
#   steady: N jobs are submitted one after another while gasd runs; latency per job =
#           the moment gasd logs it COMPLETED - the moment `gas submit` returned
#   engine: the same N inputs annotated in one process by the same engine and thread
#           count (gasd --bench-engine), no queues or tables: each drain's rate is also
#           given as a fraction of it; and of the same engine with its outputs synced to
#           the disk per batch of 100, as the pipeline's (engine+sync), the cost durability
#           alone adds (engine-only: three runs on tmpfs, the median; engine+sync: one,
#           on the data directory's file system)
# The input is a GAS sample (../shared/testdata/gas-samples/test.vcf), or a Debian-shipped
# VCF when ../shared is missing.   BENCH_JOBS (default 1000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_JOBS:-1000}        # steady: jobs submitted one after another
ND=${BENCH_DRAIN_JOBS:-3000} # drain: jobs queued first (a drain of 1000 took 0.6 s: too
                             # short to tell its rate from gasd's start and the noise)
LOAD0=$(cut -d" " -f1 /proc/loadavg)
IN=$ROOT/../shared/testdata/gas-samples/test.vcf
[ -f "$IN" ] || IN=$ROOT/build/sources/demo/hapmap_exome_chr22.vcf.gz
G=$ROOT/bin/gas
W=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$W"; }
trap cleanup EXIT
export GAS_ARCHIVE_GRACE=86400 GAS_QUEUE_WAIT=1 GAS_ANNOTATE_THREADS=2 GAS_LOG_LEVEL=info

completed() { "$G" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"]["COMPLETED"])'; }
# waits for N "job COMPLETED" lines in gasd's log, then checks with gas status that N
# jobs are COMPLETED: nothing lost. Sets t1 to when the last was COMPLETED, from the log's
# millisecond timestamps: neither the poll's period nor the check is timed, so it polls
# every half second (a grep of the growing log every 0.05 s took a tenth of this 2-core
# machine from the gasd it measured; a gas status and a python3 every 0.2 s, a fifth).
wait_all() {
  while [ "$(grep -c 'job COMPLETED' "$W/gasd.log" 2>/dev/null)" -lt "$1" ]; do sleep 0.5; done
  t1=$(grep 'job COMPLETED' "$W/gasd.log" | tail -1 | cut -d' ' -f1 |
    python3 -c 'import sys, datetime; print(datetime.datetime.strptime(sys.stdin.read().strip(), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp())')
  local c; c=$(completed)
  [ "$c" = "$1" ] || { echo "bench-pipeline: gasd logged $1 COMPLETED but gas status says $c" >&2; exit 1; }
}
start() { # start K: K gasd processes
  for ((k = 0; k < $1; k++)); do "$ROOT/bin/gasd" >> "$W/gasd.log" 2>&1 & pids+=($!); done
}
stop() { for p in "${pids[@]}"; do kill -TERM "$p"; wait "$p" || true; done; pids=(); }

echo "pipeline benchmark: drains of $ND jobs, steady runs of $N, of $(basename "$IN") ($(grep -vc '^#' "$IN" 2>/dev/null || echo ?) records), annotate_threads=2 per gasd (and 1, for the scale-out rows)"
# the engine-only rate is measured after the drains (its thousands of deleted scratch files
# would otherwise slow the file creations of the drain that follows: ext4 skips recently
# freed inodes); the rows wait in $W/rows until then
: > "$W/rows"
# the drains' queue: ND jobs submitted once into $W/queued, each drain on a copy of it
export GAS_DATA_DIR=$W/queued
"$G" users add bench --email bench@example.org >/dev/null
seq "$ND" | xargs -P 2 -I{} "$G" submit "$IN" --user bench >/dev/null # two at a time
cpu_idle() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
# drain PROCS THREADS: PROCS gasd with annotate_threads=THREADS drain a copy of the queue;
# a row "drain PROCS THREADS N t0 t1 idle%" (idle%: the machine's idle and iowait share
# while they ran: how much CPU was left for another gasd)
drain() {
  export GAS_DATA_DIR=$W/drain$1x$2
  cp -a "$W/queued" "$GAS_DATA_DIR"
  sync # the copy on the disk before gasd starts: not the drain's work
  : > "$W/gasd.log"
  local i0 i1
  i0=$(cpu_idle)
  t0=$(date +%s.%N)
  GAS_ANNOTATE_THREADS=$2 start "$1"
  wait_all "$ND" # sets t1
  i1=$(cpu_idle)
  stop
  echo "drain $1 $2 $ND $t0 $t1 $(awk -v a="$i0" -v b="$i1" 'BEGIN { split(a, x); split(b, y); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }')" >> "$W/rows"
}
for procs in 1 2; do
  drain $procs 2
  # steady
  export GAS_DATA_DIR=$W/steady$procs
  : > "$W/gasd.log"
  "$G" users add bench --email bench@example.org >/dev/null
  start $procs
  t0=$(date +%s.%N)
  for ((i = 0; i < N; i++)); do
    id=$("$G" submit "$IN" --user bench)
    echo "$id $(date +%s.%N)" >> "$W/submits"
  done
  wait_all "$N" # sets t1
  stop
  (python3 - "$W/submits" "$W/gasd.log" "$N" "$t0" "$t1" "$procs" <<'PY'
import sys, re, datetime
subs = {l.split()[0]: float(l.split()[1]) for l in open(sys.argv[1])}
lat = []
for line in open(sys.argv[2]):
    m = re.match(r'(\S+)Z \S+ +annotate: .*job_id=(\S+) job COMPLETED', line)
    if m and m.group(2) in subs:
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
        lat.append((t - subs[m.group(2)]) * 1000)
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float('nan')
n, t0, t1, procs = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
print("%-8s %-5s %-7s %10.1f %10.2f %9.0f %9.0f %9.0f" % ("steady", procs, 2, n / (t1 - t0), t1 - t0, pct(.5), pct(.9), pct(.99)))
PY
  ) >> "$W/rows"
  rm -f "$W/submits"
done
# scale-out where a core is free: one annotate thread per gasd, 1 then 2 gasd
drain 1 1
drain 2 1
# engine-only: three runs in a scratch directory on tmpfs (/dev/shm), their median used. On a
# disk file system the engine's own deleted scratch files slow every file it creates next
# (ext4 without a journal, as here, skips each recently freed inode: a second run was 3-5x
# slower than the first), which would make the engine look slower than it is and the
# pipeline's share of it larger. engine+sync: once, on the data directory's file system,
# where the pipeline writes (its syncs are what it measures).
SHM=/dev/shm; [ -d "$SHM" ] && [ -w "$SHM" ] || SHM=$W
E=$(mktemp -d "$SHM/gas-bench-engine-XXXXXX")
trap 'rm -rf "$E"; cleanup' EXIT
for k in 1 2 3; do
  GAS_DATA_DIR=$E "$ROOT/bin/gasd" --bench-engine "$ND" "$IN" | grep '^engine:' | tee -a "$W/engine.out"
done
GAS_DATA_DIR=$W/engine "$ROOT/bin/gasd" --bench-engine "$ND" "$IN" | grep '^engine+sync:' | tee -a "$W/engine.out"
rates() { sed -nE "s/^$1: .*: ([0-9.]+) jobs\/s.*/\1/p" "$W/engine.out" | sort -g; }
erate=$(rates engine | sed -n 2p)
drate=$(rates 'engine\+sync')
echo "engine-only: median of 3 runs on $SHM: $erate jobs/s ($(rates engine | paste -sd' ')); engine+sync (on the data directory's file system): $drate jobs/s"
printf '%-8s %-5s %-7s %10s %10s %9s %9s %9s %9s %9s %6s\n' mode gasd threads jobs/s seconds p50_ms p90_ms p99_ms of_engine of_synced idle%
awk -v e="$erate" -v d="$drate" '$1 == "drain" { n = $4; a = $5; b = $6
    of_e = $3 == 2 ? sprintf("%.2f", n/(b-a)/e) : "-"; of_d = $3 == 2 ? sprintf("%.2f", n/(b-a)/d) : "-"
    printf "%-8s %-5s %-7s %10.1f %10.2f %9s %9s %9s %9s %9s %6s\n", "drain", $2, $3, n/(b-a), b-a, "-", "-", "-", of_e, of_d, $7; next }
  { print }' "$W/rows"
echo "(drain: N jobs queued first, then gasd started: its own rate; steady: one gas submit after another while gasd runs, bounded by the submitter; threads: annotate_threads per gasd; p50/p90/p99: gas submit returned -> gasd logged the job COMPLETED; of_engine: drain rate / the engine-only rate of one process with the same annotate_threads (2), whose outputs never reach the disk; of_synced: drain rate / the same engine with its outputs synced per batch as the pipeline's, the floor durability sets: a COMPLETED job's result must survive a power loss; idle%: the machine's idle and iowait share during the drain)"
# issue 13's targets, from this run's figures
echo "== targets (this run; load average at the start: $LOAD0 on $(nproc) cores)"
awk -v e="$erate" -v d="$drate" '$1 == "drain" { r[$2 "x" $3] = $4 / ($6 - $5); idle[$2 "x" $3] = $7 }
  function verdict(ok) { return ok ? "met" : "NOT MET" }
  END {
    if ("1x2" in r) printf " 1 gasd: %.0f jobs/s (target: at least 150): %s\n", r["1x2"], verdict(r["1x2"] >= 150)
    if (("1x2" in r) && ("2x2" in r)) {
      printf " 2 gasd: %.0f jobs/s, %.2fx one gasd (target: a second gasd adds throughput, taken as at least 1.05x: less is within run-to-run noise here): %s\n", r["2x2"], r["2x2"] / r["1x2"], verdict(r["2x2"] >= 1.05 * r["1x2"])
      printf "   one gasd left %s%% of the machine idle: what a second could use\n", idle["1x2"] }
    if (("1x1" in r) && ("2x1" in r))
      printf " 2 gasd where a core is free (annotate_threads=1 each): %.0f jobs/s, %.2fx one gasd (%s%% idle with one): %s\n", r["2x1"], r["2x1"] / r["1x1"], idle["1x1"], verdict(r["2x1"] >= 1.05 * r["1x1"])
    if ("1x2" in r) {
      printf " 1 gasd / engine-only: %.2f (target: at least 0.5): %s\n", r["1x2"] / e, verdict(r["1x2"] / e >= 0.5)
      printf "   engine+sync / engine-only: %.2f here: what durability alone leaves (outputs synced per batch);\n", d / e
      printf "   1 gasd / engine+sync: %.2f\n", r["1x2"] / d } }' "$W/rows"
case "$LOAD0" in [0-1].*) ;; *) echo " (the machine was busy when the run started: rates and ratios are less reliable)";; esac
# the AWS half: requests per job over a job's whole life, on moto_server
if [ "${BENCH_NO_AWS:-0}" != 1 ]; then
  echo
  "$ROOT/scripts/bench-pipeline-aws.sh"
fi
