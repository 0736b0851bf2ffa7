#!/bin/bash
# gasd --metrics: an operator's Prometheus scrapes http://127.0.0.1:PORT/metrics during a
# run; the numbers agree with `gas status --json` and with what was submitted.
SUITE=metrics
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
# archive grace long enough that results wait in the delayed archive queue while we look:
# from the start, as the queues are made (by the first command) with its delay
export GAS_ARCHIVE_GRACE=600

gas users add mia --email mia@example.org >/dev/null
check_out "a bad address is a usage error (exit 2), said before anything starts" 2 'metrics_addr is "127.0.0.1:x": give \[HOST:\]PORT' \
  gasd --once --metrics 127.0.0.1:x
check_out "... so is a port over 65535, and GAS_METRICS_ADDR's" 2 'metrics_addr is "nope"' env GAS_METRICS_ADDR=nope gasd --once
check_out "... and no worker is left behind as failed" 0 '^0$' sh -c 'gas workers --json | python3 -c "import json,sys; print(len([w for w in json.load(sys.stdin) if w.get(\"state\") == \"failed\"]))"'
check_out "gasd --help names --metrics" 0 '--metrics \[HOST:\]PORT' gasd --help

start_gasd GAS_METRICS_ADDR=0
require "gasd says where its metrics are" wait_log 'metrics at http://127\.0\.0\.1:[0-9]+/metrics'
url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/metrics' "$WORK/gasd.log" | tail -1)
records=0
# the last job's request is sent in the second after its item was written (submit_time is
# that item's whole second): a late second half, and the publish paused a second
late_half() { local i; for ((i = 0; i < 100; i++)); do
  [ "$(date +%N | cut -c1)" -ge 5 ] && return 0; sleep 0.05; done; return 1; }
for f in test free_1 premium_2; do
  fault=
  [ "$f" = premium_2 ] && late_half && fault=app.publish:sleep=1
  date +%s.%N > "$f.t0" # before the submission: no job's latency can be longer than from here
  GAS_FAULT=$fault gas submit "$SAMPLES/$f.vcf" --user mia > "$f.id"
  records=$((records + $(grep -vc '^#' "$SAMPLES/$f.vcf")))
done
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\tx\t.\tA\tG\t.\t.\t.\n' > bad.vcf
gas submit bad.vcf --user mia > bad.id
gas send gas_job_requests 'not a message' >/dev/null
for f in test free_1 premium_2; do
  expect "$f.vcf COMPLETED" wait_field "$(cat "$f.id")" job_status COMPLETED
done
expect "bad.vcf FAILED" wait_field "$(cat bad.id)" job_status FAILED
expect "the malformed message is dead-lettered" wait_log 'moved to gas_job_requests_dlq'

# notify done (nothing visible or in flight) so that the queues are at rest while we compare
notify_busy() { gas status --json | python3 -c 'import json,sys
q = [x for x in json.load(sys.stdin)["queues"] if x["name"] == "gas_notify"][0]
sys.exit(0 if q["visible"] + q["in_flight"] == 0 else 1)'; }
wait_rest() { local i; for ((i = 0; i < 200 * T; i++)); do notify_busy && return 0; sleep 0.1; done; return 1; }
expect "the notify queue comes to rest" wait_rest
metric() { # metric NAME{LABELS}: its value in the last scrape
  awk -v k="$1" '$1 == k {print $2; found = 1} END {exit !found}' scraped.txt
}
require "scraped with curl" sh -c "curl -fsS --max-time 10 '$url' > scraped.txt"
check_out "served as Prometheus text" 0 '^# TYPE gas_job_latency_seconds histogram' cat scraped.txt
check_out "annotate: 4 messages done (3 COMPLETED, 1 FAILED job)" 0 '^4$' \
  metric 'gas_messages_done_total{pipeline="annotate"}'
check_out "annotate: 1 dead letter (the malformed message)" 0 '^1$' \
  metric 'gas_dead_letters_total{pipeline="annotate"}'
check_out "latency histogram counts the 3 completed jobs" 0 '^3$' metric 'gas_job_latency_seconds_count'
check_out "jobs ended COMPLETED: 3" 0 '^3$' metric 'gas_jobs_ended_total{status="COMPLETED"}'
check_out "jobs ended FAILED: 1 (bad.vcf), as gas status counts it" 0 '^1$' \
  metric 'gas_jobs_ended_total{status="FAILED"}'
check_out "+Inf bucket equals the count" 0 '^3$' metric 'gas_job_latency_seconds_bucket{le="+Inf"}'
# latency is measured from the submission to the millisecond (the item's submit_time is whole
# seconds): the 3 jobs' sum is at most the time from before each submit to its COMPLETED log
# line (ms), plus 5 ms each for the rounding
bound=$(for f in test free_1 premium_2; do
  done_at=$(grep "job_id=$(cat "$f.id") job COMPLETED" "$WORK/gasd.log" | head -1 | cut -c 1-23)
  echo "$(date -d "${done_at}Z" +%s.%N) $(cat "$f.t0")"; done | awk '{s += $1 - $2 + 0.005} END {printf "%.3f", s}')
lat=$(metric gas_job_latency_seconds_sum)
expect "latency from the submission to the millisecond (sum $lat s, at most $bound s)" \
  awk -v a="$lat" -v b="$bound" 'BEGIN {exit !(a <= b && b > 0)}'
check_out "records annotated: $records, as the inputs have" 0 "^$records\$" \
  metric 'gas_annotation_records_total'
gas status --json > status.json
for q in gas_job_requests gas_archive gas_notify; do
  for s in visible in_flight delayed dead; do
    want=$(python3 -c 'import json,sys; print([x[sys.argv[2]] for x in json.load(open(sys.argv[1]))["queues"] if x["name"]==sys.argv[3]][0])' status.json "$s" "$q")
    got=$(metric "gas_queue_messages{queue=\"$q\",state=\"$s\"}")
    if [ "$got" = "$want" ]; then ok "$q $s: $got, as gas status --json says"
    else bad "$q $s: metrics say '$got', gas status --json says '$want'"; fi
  done
done
# (delayed by the subscription; or, once its delay passed, as under valgrind, deferred by
# the archive pipeline until their grace ends: hidden, in flight)
waiting=$(( $(metric 'gas_queue_messages{queue="gas_archive",state="delayed"}') +
  $(metric 'gas_queue_messages{queue="gas_archive",state="in_flight"}') ))
expect "the 3 results wait in the archive queue ($waiting delayed or deferred)" test "$waiting" = 3
# free space where gasd writes: data_dir's file system as df sees it (other processes
# write meanwhile: within 256 MiB), and work_dir's (data_dir/work here)
ddir=$(gas config | sed -n 's/^data_dir = "\(.*\)".*/\1/p')
avail=$(df -B1 --output=avail "$ddir" | tail -1 | tr -d ' ')
dfree=$(metric 'gas_filesystem_free_bytes{dir="data_dir"}')
expect "data_dir's free bytes as df says ($dfree, df $avail)" \
  awk -v a="$avail" -v b="${dfree:-0}" 'BEGIN {d = a - b; if (d < 0) d = -d; exit !(b > 0 && d < 268435456)}'
check_out "work_dir's too, with its file system's size" 0 '^ok$' sh -c \
  "awk '\$1 == \"gas_filesystem_free_bytes{dir=\\\"work_dir\\\"}\" {f = \$2} \$1 == \"gas_filesystem_size_bytes{dir=\\\"work_dir\\\"}\" {s = \$2} END {if (f > 0 && s >= f) print \"ok\"}' scraped.txt"
check_out "the workers as the table has them: 1 alive" 0 '^1$' metric 'gas_workers{state="alive"}'
check_out "no receive or heartbeat errors" 0 '^0 0$' \
  sh -c "echo \$(awk '\$1 == \"gas_receive_errors_total{pipeline=\\\"annotate\\\"}\" || \$1 == \"gas_heartbeat_errors_total\" {print \$2}' scraped.txt)"
hb=$(metric gas_last_heartbeat_timestamp_seconds)
expect "the last heartbeat's time is recent ($hb)" test $(( $(date +%s) - ${hb:-0} )) -lt 30
rps=$(metric gas_annotation_records_per_second)
expect "records per second of the engine is a rate above 0 ($rps)" awk -v v="$rps" 'BEGIN {exit !(v > 0)}'
check_out "HEAD /metrics: 200, as GET" 0 '^200 0$' curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$url"
check_out "another path is 404" 0 '404' curl -s -o /dev/null -w '%{http_code}' "${url%/metrics}/nothing"
check_out "a POST is refused (405)" 0 '405' curl -s -o /dev/null -w '%{http_code}' -X POST "$url"
# a second gasd asked for the same port: exits 1 saying so, and is listed as failed with
# why (not alive or lost, nor a clean stop)
port=$(sed -E 's|.*:([0-9]+)/metrics|\1|' <<<"$url")
timeout 60 gasd --metrics "127.0.0.1:$port" > second.log 2>&1
expect "a second gasd on the same port exits 1" test $? = 1
expect "... saying the address is in use" grep -q 'Address already in use' second.log
second=$(grep -oE 'worker=[^ ]+' second.log | head -1 | cut -d= -f2)
expect "... and gas workers shows it failed, not alive, lost or stopped ($second)" \
  sh -c "gas workers --all | grep -F '$second' | grep -q ' failed '"
expect "... with why" sh -c "gas workers --all | grep -q 'problem on $second: could not start: .*in use'"
# a client that connects and sends nothing does not stop the next scrape for long
exec 7<>"/dev/tcp/127.0.0.1/$(sed -E 's|.*:([0-9]+)/metrics|\1|' <<<"$url")"
check "a silent client does not block the next scrape" 0 curl -fsS --max-time 10 -o /dev/null "$url"
exec 7>&-
# nor do 40 of them at once (more than the endpoint holds: the oldest make room): the
# scrape is answered while they wait, well before their 2 s each would add up
python3 - "$port" > idle.out 2>&1 <<'PY' &
import socket, sys, time
s = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(40)]
print("open", flush=True)
time.sleep(15)
PY
IDLE=$!
for ((i = 0; i < 100 * T; i++)); do grep -q open idle.out && break; sleep 0.1; done
t0=$(date +%s%N)
curl -fsS --max-time 10 -o /dev/null "$url"; crc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect "40 idle connections: the scrape is answered (curl $crc, ${ms} ms; served one at a time, 2 s each, it was not)" \
  test "$crc" = 0
kill "$IDLE" 2>/dev/null; wait "$IDLE" 2>/dev/null
stop_gasd
expect "gasd stops cleanly with the endpoint open" test "$GASD_RC" = 0
check "the endpoint is gone after gasd stops" 7 curl -sS --max-time 5 "$url"
# a backlog nobody takes (a gasd that annotates nothing): the oldest request's age grows
served() { grep -c 'metrics at http' "$WORK/gasd.log"; }
before=$(served)
start_gasd GAS_ANNOTATE_THREADS=0 GAS_METRICS_ADDR=0
for ((i = 0; i < 200 * T; i++)); do [ "$(served)" -gt "$before" ] && break; sleep 0.1; done
require "a gasd that annotates nothing serves metrics" test "$(served)" -gt "$before"
url2=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/metrics' "$WORK/gasd.log" | tail -1)
sent=$(date +%s.%N)
gas submit "$SAMPLES/test.vcf" --user mia > waiting.id
age() { curl -fsS --max-time 10 "$url2" | awk '$1 == "gas_queue_oldest_message_age_seconds{queue=\"gas_job_requests\"}" {print $2}'; }
for ((i = 0; i < 100 * T; i++)); do a=$(age); awk -v a="${a:-0}" 'BEGIN {exit !(a >= 1)}' && break; sleep 0.1; done
bound=$(awk -v s="$sent" -v n="$(date +%s.%N)" 'BEGIN {printf "%.3f", n - s}')
expect "the waiting request's age grows past 1 s, and no more than since its submit ($a <= $bound)" \
  awk -v a="${a:-0}" -v b="$bound" 'BEGIN {exit !(a >= 1 && a <= b)}'
check_out "an empty queue's age is 0" 0 '^0\.000$' \
  sh -c "curl -fsS --max-time 10 '$url2' | awk '\$1 == \"gas_queue_oldest_message_age_seconds{queue=\\\"gas_notify\\\"}\" {print \$2}'"
stop_gasd
finish_pipeline metrics
