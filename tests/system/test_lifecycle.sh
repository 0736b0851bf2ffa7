#!/bin/bash
# A job's whole life on the embedded backend with a real gasd: submitted, completed,
# downloadable, archived after the grace period (hot copy gone, archive id recorded),
# upgrade, restored (Expedited; Standard when Expedited is refused), thawed, downloadable
# again with identical bytes. Premium results are never archived. An upgrade while an
# archive is in flight loses nothing.
SUITE=lifecycle
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2

gas users add ann --email ann@example.org --name Ann >/dev/null
gas users add pat --email pat@example.org --premium >/dev/null
# a bad link for the emails is refused, naming the key
check_out "notify_job_url without {job_id} is refused" 2 'notify_job_url "https://gas.example.org/x" is not a link to a job' \
  env GAS_NOTIFY_JOB_URL=https://gas.example.org/x gas status
start_gasd GAS_NOTIFY_JOB_URL='https://gas.example.org/annotations/{job_id}'
J=$(submit "$SAMPLES/free_1.vcf" ann)
P=$(submit "$SAMPLES/premium_2.vcf" pat)
printf '##fileformat=VCFv4.2\n##reference=chm13v2.0.fasta\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t1000000\t.\tA\tG\t.\t.\t.\n' > t2t.vcf
N=$(submit t2t.vcf pat) # T2T-CHM13: no sources for it, passed through unannotated
# 2 GRCh38 hotspots (BRAF V600E, KRAS G12), no header: too few to decide, so the default
# (GRCh37) is used and the warning says it may be GRCh38
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n7\t140753336\t.\tA\tT\t.\t.\t.\n12\t25245350\t.\tC\tT\t.\t.\t.\n' > panel2.vcf
W=$(submit panel2.vcf pat)
require "submit prints a job id" test ${#J} = 36

require "free job COMPLETED" wait_field "$J" job_status COMPLETED
expect "result downloadable" gas download "$J" -o first.vcf
expect "result is annotated VCF" grep -q '^##INFO=<ID=GENE' first.vcf
expect "count log readable" sh -c "gas log $J | grep -q '^total records: 1141'"
expect "email in the outbox" wait_file "$GAS_DATA_DIR/outbox/$J.eml"
expect "email addressed to the user" grep -q '^To: Ann <ann@example.org>' "$GAS_DATA_DIR/outbox/$J.eml"
expect "a free user's email gives the grace period" grep -q 'Free accounts keep results available for [0-9]* second' "$GAS_DATA_DIR/outbox/$J.eml"
expect "the email says when the job finished, in UTC" grep -qE 'finished on 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC' "$GAS_DATA_DIR/outbox/$J.eml"
expect "a premium user's email" wait_file "$GAS_DATA_DIR/outbox/$P.eml"
expect "... does not ask them to upgrade" sh -c "grep -q 'As a premium user you keep your results' '$GAS_DATA_DIR/outbox/$P.eml' && ! grep -q 'Upgrade to premium' '$GAS_DATA_DIR/outbox/$P.eml'"
expect "the email links the job's page in the web app (notify_job_url)" \
  grep -q "^Results and count log: https://gas.example.org/annotations/$J"$'\r'"\$" "$GAS_DATA_DIR/outbox/$J.eml"
expect "an unannotated result's email says so, and why" wait_file "$GAS_DATA_DIR/outbox/$N.eml"
expect "... (T2T-CHM13: no sources for it here)" \
  grep -q '^Note: the records were not annotated: T2T-CHM13 .*no annotation sources for T2T-CHM13' "$GAS_DATA_DIR/outbox/$N.eml"
expect "... an annotated one has no such note" sh -c "! grep -q '^Note:' '$GAS_DATA_DIR/outbox/$J.eml'"
expect "a result whose build may be wrong: its email" wait_file "$GAS_DATA_DIR/outbox/$W.eml"
expect "... says so: the default build assumed, the records lean to GRCh38" \
  grep -q "^Note: annotated as GRCh37, .*1 warning in the count log (gas log): the header does not say which genome build .*GRCh37 (the configured default) was assumed, but 2 of its 2 variant records are in GRCh38's exons" "$GAS_DATA_DIR/outbox/$W.eml"
# a header that lies (GRCh38's ##contig lengths over GRCh37 positions): gas jobs marks the job
{ printf '##fileformat=VCFv4.2\n##contig=<ID=7,length=159345973>\n##contig=<ID=12,length=133275309>\n##contig=<ID=17,length=83257441>\n'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n7\t55259515\t.\tT\tG\t.\t.\t.\n7\t140453136\t.\tA\tT\t.\t.\t.\n'
  printf '12\t25398284\t.\tC\tT\t.\t.\t.\n17\t7578406\t.\tC\tT\t.\t.\t.\n'; } > lie38.vcf
LI=$(gas submit lie38.vcf --user pat)
expect "GRCh38 lengths over GRCh37 positions: the job COMPLETED" wait_field "$LI" job_status COMPLETED
check_out "... gas jobs marks it (build in doubt)" 0 "^$LI .*lie38\.vcf \(build in doubt\)" gas jobs
require "job ARCHIVED after the grace period" wait_field "$J" archive_state ARCHIVED
expect "archive id recorded" test -n "$(field "$J" results_file_archive_id)"
check_out "... and when it went to cold storage, at or after its grace (gas show, UTC)" 0 \
  '^archive_time +[0-9]+ \([0-9-]+ [0-9:]+ UTC\)$' gas show "$J"
expect "... not before complete_time + archive_grace" \
  test "$(field "$J" archive_time)" -ge "$(($(field "$J" complete_time) + ${GAS_ARCHIVE_GRACE:-0}))"
out=$(gas download "$J" -o x.vcf 2>&1)
if [ $? = 1 ] && grep -q "archived: upgrade user ann to premium" <<<"$out"; then
  ok "hot copy gone: download says to upgrade"; else bad "hot copy gone" "$out"; fi
expect "display state asks for an upgrade" sh -c "gas show $J | grep -q 'display_state  *archived: upgrade to premium'"

expect "upgrade accepted" gas upgrade ann
expect "restore uses Expedited" wait_log "job $J RESTORING \(Expedited"
require "job thawed (archive_state NONE)" wait_field "$J" archive_state NONE
expect "restore_time recorded" test -n "$(field "$J" restore_time)"
expect "archive id dropped" test -z "$(field "$J" results_file_archive_id)"
expect "downloadable again" gas download "$J" -o again.vcf
expect "identical bytes after the round trip" cmp -s first.vcf again.vcf
expect "cold store exists" test -d "$GAS_DATA_DIR/cold/gas-archive"
cold=$(find "$GAS_DATA_DIR/cold" -type f | wc -l)
expect "cold copy deleted after thaw" test "$cold" = 0

expect "premium job COMPLETED" wait_field "$P" job_status COMPLETED
sleep $((3 * T))
expect "premium job never archived" test "$(field "$P" archive_state)" = NONE
expect "premium result downloadable" gas download "$P" -o p.vcf

# Standard when Expedited is refused for capacity
stop_gasd
gas users add sam --email sam@example.org >/dev/null
start_gasd GAS_COLD_EXPEDITED_UNAVAILABLE=true
S=$(submit "$SAMPLES/test.vcf" sam)
wait_field "$S" job_status COMPLETED && gas download "$S" -o s1.vcf
expect "second free job archived" wait_field "$S" archive_state ARCHIVED
gas upgrade sam >/dev/null
expect "Expedited refused: falls back to Standard" wait_log "job $S RESTORING \(Standard"
expect "thawed through Standard" wait_field "$S" archive_state NONE
expect "identical bytes through Standard" sh -c "gas download $S -o s2.vcf && cmp -s s1.vcf s2.vcf"

# upgrade_mid_archive USER POINT SAYS: a free user's job whose archive is paused at fault
# point POINT; the user upgrades then; gasd logs SAYS for the job, the job ends NONE and
# its result is the same bytes as before
upgrade_mid_archive() {
  local u=$1 point=$2 says=$3 j
  stop_gasd
  gas users add "$u" --email "$u@example.org" >/dev/null
  start_gasd GAS_FAULT=$point:sleep=3
  j=$(submit "$SAMPLES/free_2.vcf" "$u")
  wait_field "$j" job_status COMPLETED && gas download "$j" -o "$u.1.vcf"
  expect "$point: archive paused there" wait_log "job_id=$j fault point $point: pausing"
  gas upgrade "$u" >/dev/null
  expect "$point: upgraded then: $says" wait_log "job_id=$j $says"
  expect "$point: archive_state NONE" wait_field "$j" archive_state NONE 30
  expect "$point: nothing lost: same bytes" sh -c "gas download $j -o $u.2.vcf && cmp -s $u.1.vcf $u.2.vcf"
}
# right after the cold copy is made: the archive is abandoned, the result kept hot
upgrade_mid_archive una archive.after_upload "user upgraded during the archive: result kept hot"
# just after the archive passed its role check, while the hot copy is being deleted: the
# upgrade's restore passes the ARCHIVING job by, the archive finishes, sees the upgrade and
# asks for the job's restore; the result comes back whole (the hot copy is never deleted
# after a restore put it back)
upgrade_mid_archive vic archive.before_delete "user upgraded during the archive: restore requested"

stop_gasd
expect "gasd exits 0 on SIGTERM" test "$GASD_RC" = 0
expect "worker recorded as stopped" sh -c "gas status | grep -q ' stopped '"
# SIGHUP (the shell it was started from is gone): the same clean stop, and it says why
before=$(grep -c "started [0-9]* pipeline threads" "$WORK/gasd.log")
start_gasd
for ((i = 0; i < 300 * T; i++)); do
  [ "$(grep -c "started [0-9]* pipeline threads" "$WORK/gasd.log")" -gt "$before" ] && break
  sleep 0.1
done
kill -HUP "$GASD_PID"
wait "$GASD_PID"; rc=$?
expect "SIGHUP: gasd exits 0 (rc $rc)" test "$rc" = 0
expect "... logging the signal" wait_log "Hangup: stopping \(deadline"
expect "... recorded as stopped" sh -c "gas workers | grep -q ' stopped '"

# A job that runs longer than its lease (5 s) and its message's visibility (3 s): gasd
# renews both while the job is in flight, so a second worker started meanwhile neither
# gets the message again nor takes the job over.
start_gasd GAS_FAULT=annotate.running:sleep=12
LONG=$(submit "$SAMPLES/test.vcf" ann)
expect "long job running" wait_log "job_id=$LONG fault point annotate.running: pausing"
first=$GASD_PID
env GAS_LOG_LEVEL=info gasd >> "$WORK/gasd2.log" 2>&1 &
second=$!
expect "long job COMPLETED past its lease" wait_field "$LONG" job_status COMPLETED 60
expect "by its first worker" test "$(field "$LONG" worker_id)" = "$(hostname)-$first"
expect "in one attempt" test "$(field "$LONG" attempts)" = 1
expect "the second worker never got its request" \
  sh -c "! grep -q 'queue=gas_job_requests job_id=$LONG' '$WORK/gasd2.log'"
kill -TERM "$second"; wait "$second"
expect "second worker exits 0" test $? = 0
stop_gasd

# SIGTERM while a job runs past the shutdown deadline: the job is released, not lost
start_gasd GAS_FAULT=annotate.running:sleep=8 GAS_SHUTDOWN_DEADLINE=1
L=$(submit "$SAMPLES/test.vcf" ann)
expect "job running" wait_log "job_id=$L fault point annotate.running: pausing"
stop_gasd
expect "gasd exits 0 at the deadline" test "$GASD_RC" = 0
expect "job released at shutdown" wait_log "job $L released at shutdown"
expect "released job is PENDING again" test "$(field "$L" job_status)" = PENDING
# --once: handles what is queued (the released job, at once), then exits by itself
timeout 60 env GAS_LOG_LEVEL=warn gasd --once >> "$WORK/gasd.log" 2>&1
expect "gasd --once exits 0 when the queues are empty" test $? = 0
expect "released job COMPLETED by the next worker" test "$(field "$L" job_status)" = COMPLETED
# Two upgrades of one user, two gasd: each archived job is retrieved once (a retrieval is
# paid for on Glacier). Each retrieval takes 2 s (fault point) so the second worker takes
# the second upgrade while the first is still at it: a job is claimed before its
# retrieval is asked for, and the other worker leaves a claimed job alone.
gas users add dup --email dup@example.org >/dev/null
start_gasd
DJ=()
for i in 1 2 3 4; do DJ+=("$(submit "$SAMPLES/test.vcf" dup)"); done
for j in "${DJ[@]}"; do require "dup's job ${j:0:8} ARCHIVED" wait_field "$j" archive_state ARCHIVED 30; done
stop_gasd
: > "$WORK/gasd2.log"
start_gasd GAS_FAULT=restore.after_retrieve:sleep=2 GAS_LOG_LEVEL=info
env GAS_FAULT=restore.after_retrieve:sleep=2 GAS_LOG_LEVEL=info gasd >> "$WORK/gasd2.log" 2>&1 &
second=$!
expect "second worker up" sh -c "for i in \$(seq 1 $((200 * T))); do grep -q 'started [0-9]* pipeline threads' '$WORK/gasd2.log' && exit 0; sleep 0.1; done; exit 1"
check_out "upgrade: restore requested" 0 'restore' gas upgrade dup
check_out "upgrade again at once: requested again" 0 'restore' gas upgrade dup
for j in "${DJ[@]}"; do expect "dup's job ${j:0:8} thawed" wait_field "$j" archive_state NONE 60; done
kill -TERM "$second"; wait "$second"
stop_gasd
started=$(cat "$WORK/gasd.log" "$WORK/gasd2.log" | sed -nE 's/.*user dup: ([0-9]+) retrievals started.*/\1/p' | paste -sd+ | bc)
expect "the two workers started 4 retrievals in all, one per job (started: $started)" test "$started" = 4
check "... none asked for and then found the job moved on" 1 grep -q 'moved on meanwhile' "$WORK/gasd.log" "$WORK/gasd2.log"
for j in "${DJ[@]}"; do
  expect "job ${j:0:8}: one RESTORING" test "$(cat "$WORK/gasd.log" "$WORK/gasd2.log" | grep -c "job $j RESTORING (")" = 1
done
finish_pipeline lifecycle
