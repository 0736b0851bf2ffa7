#!/bin/bash
# Bad input gets a clear outcome and loses nothing: a malformed VCF fails its job with
# the line and reason; malformed, oversized, unknown and envelope-without-Message messages
# go to the dead-letter queue with their bodies intact, and can be redriven. A request
# published as str(dict) (a Python literal) is read without evaluating anything. A request
# wrapped in an SNS envelope (as AWS delivers it) is processed like a raw one.
SUITE=badinput
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2

gas users add bea --email bea@example.org >/dev/null
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\t.\tA\tG\t.\t.\t.\n1\tabc\t.\tA\tG\t.\t.\t.\n' > bad_pos.vcf
head -c 3000 /dev/urandom > junk.vcf
: > empty.vcf
check_out "submit: unknown user" 1 'no user nobody' gas submit bad_pos.vcf --user nobody
gas users add 3f2504e0-4f89-11d3-9a0c-0305e82c3301 --email uu@example.org > /dev/null
check_out "submit --user with the start of an id: refused, naming the whole id it may mean" 1 \
  'no user 3f2504e; did you mean 3f2504e0-4f89-11d3-9a0c-0305e82c3301\? \(gas submit takes a user.s whole id\)' \
  gas submit bad_pos.vcf --user 3f2504e
gas users add 3f2504e0-aaaa-41d3-9a0c-0305e82c3302 --email uu2@example.org > /dev/null
check_out "... the start of several ids: refused, not asked to give more of it" 1 \
  "no user 3f2504e \(the start of several users' ids; gas submit takes a user's whole id" \
  gas submit bad_pos.vcf --user 3f2504e
check "... no job made for either" 0 sh -c '! gas jobs | grep -q 3f2504e0'
check_out "submit: missing file, and why" 1 'cannot open missing.vcf: No such file or directory' gas submit missing.vcf --user bea
mkdir -p adir.vcf
check_out "submit: a directory, said so" 1 'adir.vcf is a directory, not a file' gas submit adir.vcf --user bea
check_out "show: unknown job" 1 'no job 00000000' gas show 00000000-0000-4000-8000-000000000000

# files a scientist may have that are not VCF text as GAS reads it: each says what it is
# and what to do (gas annotate, the same engine as gasd's)
printf '##fileformat=VCFv4.2\n##contig=<ID=1,length=249250621>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t100\t.\tA\tG\t.\t.\t.\n' > ok.vcf
python3 - <<'PY'
import bz2, lzma, zipfile
data = open("ok.vcf", "rb").read()
open("ok.vcf.bz2", "wb").write(bz2.compress(data))
open("ok.vcf.xz", "wb").write(lzma.compress(data))
with zipfile.ZipFile("ok.vcf.zip", "w") as z:
    z.writestr("ok.vcf", data)
open("bom.vcf", "wb").write(b"\xef\xbb\xbf" + data)
open("cr.vcf", "wb").write(data.replace(b"\n", b"\r"))
open("spaces.vcf", "wb").write(data.replace(b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO", b"#CHROM POS ID REF ALT QUAL FILTER INFO"))
PY
check_out "bzip2 input: named, and how to recompress it" 1 'is bzip2-compressed: .*bzcat FILE \| bgzip' gas annotate ok.vcf.bz2 -o o.vcf
check_out "xz input: named" 1 'is xz-compressed' gas annotate ok.vcf.xz -o o.vcf
check_out "zip archive: named" 1 'a zip archive, not a VCF file: unzip it' gas annotate ok.vcf.zip -o o.vcf
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n17\t41276044abc\t.\tA\tG\t.\t.\t.\n' > posjunk.vcf
check_out "POS with letters after its digits: said as it is (not 'too many digits')" 1 \
  'line 3: POS is not a non-negative integer: "41276044abc"' gas annotate posjunk.vcf -o o.vcf
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n17  41276044  .  A  G  .  .  .\n' > spaces_rec.vcf
check_out "a record with spaces for tabs: the error says that may be why" 1 \
  'line 3: expected at least 8 tab-separated columns, found 1 \(the line has spaces where the VCF needs tabs\?\)' \
  gas annotate spaces_rec.vcf -o o.vcf
check_out "a UTF-8 byte-order mark is passed over" 0 '^gas annotate: 1 record,' gas annotate bom.vcf -o o.vcf
check_out "CR-only line endings: named, and how to convert" 1 'lines end with CR only' gas annotate cr.vcf -o o.vcf
check_out "#CHROM with spaces: says so" 1 'line 3: malformed #CHROM header line: its columns are separated by spaces, not tabs' gas annotate spaces.vcf -o o.vcf

start_gasd GAS_MAX_MESSAGE_BYTES=2048
B=$(gas submit bad_pos.vcf --user bea)
check_out "gas submit refuses binary junk itself, nothing submitted" 1 'junk.vcf is not a VCF file: it must start with ##fileformat=VCF' \
  gas submit junk.vcf --user bea
check_out "... and an empty file" 1 'empty.vcf is empty: not a VCF file; nothing submitted' gas submit empty.vcf --user bea
# what the worker would refuse at once is refused before a job exists, as gas annotate
# says it: another compression, or no VCF once decompressed
check_out "... an xz file, named as gas annotate names it" 1 \
  'ok.vcf.xz is xz-compressed: .*xzcat FILE \| bgzip.*; nothing submitted' gas submit ok.vcf.xz --user bea
check_out "... a zip archive" 1 'ok.vcf.zip is a zip archive, not a VCF file: unzip it; nothing submitted' \
  gas submit ok.vcf.zip --user bea
printf 'sample\tvalue\nNA12878\t3\n' | gzip > regions.vcf.gz # a gzipped table
check_out "... a gzipped file that is no VCF once decompressed" 1 \
  'regions.vcf.gz is not a VCF file: it must start with ##fileformat=VCF once decompressed; nothing submitted' \
  gas submit regions.vcf.gz --user bea
gzip < /dev/null > nothing.vcf.gz
check_out "... a gzipped empty file" 1 'nothing.vcf.gz is empty once decompressed' gas submit nothing.vcf.gz --user bea
gzip -k ok.vcf && bgzip -c ok.vcf > ok.bgz.vcf.gz
check "... gzip and bgzip VCFs are taken" 0 sh -c 'gas submit ok.vcf.gz --user bea && gas submit ok.bgz.vcf.gz --user bea'
check "... none of the refused made a job" 0 sh -c '! gas jobs --user bea | grep -qE "ok\.vcf\.(xz|zip)|regions|nothing\.vcf"'
# as a web app's uploads would come (--force): the worker fails each with its reason
K=$(gas submit junk.vcf --user bea --force)
E=$(gas submit empty.vcf --user bea --force)
expect "malformed VCF: job FAILED" wait_field "$B" job_status FAILED
check_out "malformed VCF: reason names the line" 0 'error .*line 4: POS is not a non-negative integer' gas show "$B"
check_out "download of a FAILED job says why there is no result" 1 \
  "job $B FAILED: no result \(line 4: POS is not" gas download "$B" -o none.vcf
check_out "... and when it failed (UTC)" 0 '^fail_time +[0-9]+ \([0-9-]+ [0-9:]+ UTC\)$' gas show "$B"
check_out "gas log tells why it failed" 1 'FAILED: .*line 4' gas log "$B"
expect "binary junk: job FAILED" wait_field "$K" job_status FAILED
check_out "binary junk: clear reason" 0 'error .*(binary data|not a VCF)' gas show "$K"
wait_field "$E" job_status FAILED >/dev/null
# the worker counts the jobs that failed among its failures (gas workers, gas top, the
# console), not among the messages it handled
failed_count() { gas workers | awk '$2 == "alive" {print $5; exit}'; }
for ((i = 0; i < 100 * T; i++)); do [ "$(failed_count)" = 3 ] && break; sleep 0.2; done # at its next heartbeat
expect "gas workers counts the 3 failed jobs as the worker's failures ($(failed_count))" test "$(failed_count)" = 3
expect "empty file: job FAILED" wait_field "$E" job_status FAILED
check_out "empty file: clear reason" 0 'error .*empty input' gas show "$E"
# a user without an email address: said when added; their job's email is recorded as not
# sent (gas show's notify_error), not as sent
check_out "users add without --email: a note that GAS cannot tell them" 0 \
  'note: nomail has no email address: GAS cannot tell them when their jobs finish or fail' \
  sh -c 'gas users add nomail 2>&1'
NM=$(gas submit ok.vcf --user nomail)
expect "... their job COMPLETED" wait_field "$NM" job_status COMPLETED
for ((i = 0; i < 100 * T; i++)); do [ -n "$(field "$NM" notify_error)" ] && break; sleep 0.1; done
check_out "... its email recorded as not sent, and why" 0 '^notify_error +no email sent: user nomail has no usable email address$' gas show "$NM"
check "... not as sent (no notify_time)" 1 sh -c "gas show '$NM' | grep -q '^notify_time'"
# the user is told by email that the job failed, and why (not left to find it in the web app)
expect "the FAILED job's user gets an email (outbox: JOB.failed.eml)" wait_file "$GAS_DATA_DIR/outbox/$B.failed.eml"
check_out "... whose subject says it failed" 0 '^Subject: GAS: your annotation job for bad_pos.vcf failed$' \
  sh -c "tr -d '\r' < '$GAS_DATA_DIR/outbox/$B.failed.eml'"
check_out "... giving the reason, and that the file is the cause" 0 \
  '^Why: line 4: POS is not a non-negative integer.*|^The file itself is the cause: correct it and submit it again' \
  sh -c "grep -E '^(Why|The file)' '$GAS_DATA_DIR/outbox/$B.failed.eml' | tr '\r' ' ' | paste -sd'|'"
mid1=$(grep -m1 '^Message-ID:' "$GAS_DATA_DIR/outbox/$B.failed.eml")
out=$(gas retry "$B" 2>&1)
if [ $? = 0 ] && grep -q 'is PENDING, request sent' <<<"$out" &&
  grep -qE '^gas retry: note: it failed on its input \(.*line 4: .*\): it fails again unless the input changes$' <<<"$out"; then
  ok "retry puts a FAILED job back, noting that its input failed and will again"
else bad "retry puts a FAILED job back, noting that its input failed and will again" "$out"; fi
expect "retried job fails again, with its reason" wait_field "$B" job_status FAILED
new_mail() { grep -m1 '^Message-ID:' "$GAS_DATA_DIR/outbox/$B.failed.eml" | grep -vqF "$mid1"; }
for ((i = 0; i < 100 * T; i++)); do new_mail && break; sleep 0.1; done
expect "... and its user is told again (the retry cleared the first email's record)" new_mail

big=$(printf '{"job_id":"%s","pad":"%s"}' x "$(head -c 3000 /dev/zero | tr '\0' a)")
gas send gas_job_requests '{"job_id":"00000000-0000-4000-8000-000000000000"}' >/dev/null
gas send gas_job_requests 'not json {' >/dev/null
gas send gas_job_requests "$big" >/dev/null
gas send gas_job_requests '{"Type":"Notification","TopicArn":"arn:aws:sns:x","MessageId":"m1"}' >/dev/null
gas send gas_thaw '{"foo":1}' >/dev/null
gas send gas_restore $'{\n  "user": "bea"\n}' >/dev/null # pretty-printed: several lines
gas send gas_job_requests "{'job_id': __import__('os').system('touch pwned')}" >/dev/null
expect "unknown job id dead-lettered" wait_log "moved to gas_job_requests_dlq: no job 00000000"
expect "malformed JSON dead-lettered" wait_log "moved to gas_job_requests_dlq: message body: malformed json"
expect "oversized message dead-lettered" wait_log "moved to gas_job_requests_dlq: message body: json document of [0-9]+ bytes is over the 2048"
expect "envelope without Message dead-lettered" wait_log "moved to gas_job_requests_dlq: sns envelope .* without a Message"
expect "unknown thaw shape dead-lettered" wait_log "moved to gas_thaw_dlq: thaw message is neither"
expect "restore without user_id dead-lettered" wait_log "moved to gas_restore_dlq: restore message has neither a user_id nor a job_id"
expect "python code in a dict dead-lettered, not run" wait_log "moved to gas_job_requests_dlq: message body: malformed python literal: not a Python literal at byte 11 .body is neither JSON nor a python dict: \\{'job_id': __import__"
expect "nothing was evaluated" test ! -e pwned
gas dlq list > dlq.txt
expect "dead letter keeps its malformed body" grep -q 'not json {' dlq.txt
expect "dead letter keeps its body (thaw)" grep -q '"foo":1' dlq.txt
expect "7 dead letters" test "$(gas dlq list | awk 'NR > 1' | wc -l)" = 7
expect "a body of several lines is listed on one line" grep -qE '^gas_restore .* body: \{   "user": "bea" \}$' dlq.txt
check_out "status shows the dead letters" 0 'gas_job_requests +0 +0 +0 +5' gas status

# a request wrapped in an SNS envelope, as SNS -> SQS delivers it, is processed: the job is
# created through a side topic (so no raw request reaches gasd), then its request is
# delivered in an envelope on the real queue
W=$(GAS_REQUESTS_TOPIC=side_topic GAS_REQUESTS_QUEUE=side_queue gas submit "$SAMPLES/test.vcf" --user bea)
gas show "$W" --json | python3 -c '
import json, sys
item = json.load(sys.stdin); item.pop("display_state")
print(json.dumps({"Type": "Notification", "MessageId": "m-2", "Message": json.dumps(item),
                  "TopicArn": "arn:aws:sns:us-east-1:123456789012:gas_job_requests",
                  "Timestamp": "2026-11-22T12:00:00.000Z", "SignatureVersion": "1"}))' > envelope.json
gas send gas_job_requests - < envelope.json >/dev/null
expect "enveloped request processed: COMPLETED" wait_field "$W" job_status COMPLETED
# a web app that publishes str(dict) of the item (Python literal: single quotes, True, None)
P=$(GAS_REQUESTS_TOPIC=side_topic GAS_REQUESTS_QUEUE=side_queue gas submit "$SAMPLES/free_1.vcf" --user bea)
gas show "$P" --json | python3 -c '
import json, sys
item = json.load(sys.stdin); item.pop("display_state"); item["legacy_flag"] = True; item["none"] = None
print(str(item))' > pyliteral.txt
gas send gas_job_requests - < pyliteral.txt >/dev/null
expect "python-literal request processed: COMPLETED" wait_field "$P" job_status COMPLETED
stop_gasd
expect "gasd stops cleanly" test "$GASD_RC" = 0
check_out "retry of a COMPLETED job is refused" 1 "only FAILED or PENDING jobs are retried" gas retry "$W"
expect "COMPLETED job stays COMPLETED after a refused retry" test "$(field "$W" job_status)" = COMPLETED

# hostile inputs that are small on the wire: bounded work and output
# 5,000 whole-chromosome deletions (a 500-byte gzip): each lists at most 50 genes and
# GENE_N says how many it covers, so the result stays a few MB (it was 600 MB)
python3 - <<'PY'
import gzip
rec = "1\t1\t.\tN\t<DEL>\t.\t.\tEND=249250621\n"
hdr = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
open("amp.vcf.gz", "wb").write(gzip.compress((hdr + rec * 5000).encode()))
# a header of 70 MiB of comments (70 kB gzipped) before its #CHROM line
c = "##comment=" + "x" * 1000 + "\n"
open("hdr.vcf.gz", "wb").write(gzip.compress(("##fileformat=VCFv4.2\n" + c * 72000 + hdr).encode()))
# 100,000 records alternating between two of 100,000 declared contigs
with open("ctg.vcf", "w") as f:
    f.write("##fileformat=VCFv4.2\n")
    f.write("".join("##contig=<ID=c%d,length=1000>\n" % i for i in range(100000)))
    f.write(hdr)
    f.write("".join("c%d\t%d\t.\tA\tG\t.\t.\t.\n" % (99998 + i % 2, 1 + i // 2) for i in range(100000)))
PY
start_gasd
A=$(gas submit amp.vcf.gz --user bea)
H=$(gas submit hdr.vcf.gz --user bea)
C=$(gas submit ctg.vcf --user bea)
expect "5,000 whole-chromosome deletions: COMPLETED" wait_field "$A" job_status COMPLETED 60
gas download "$A" -o amp.out.vcf > /dev/null 2>&1
size=$(stat -c %s amp.out.vcf 2>/dev/null || echo 0)
if [ "$size" -gt 0 ] && [ "$size" -lt 20000000 ]; then ok "... its result is $size bytes (under 20 MB)"
else bad "... its result is under 20 MB" "$size bytes"; fi
expect "... each record: 50 genes listed, GENE_N the whole count" \
  sh -c "grep -v '^#' amp.out.vcf | head -1 | grep -qE 'GENE=([^,;]+,){49}[^,;]+;GENE_N=[0-9]{4};'"
check_out "... GENE_N is declared" 0 '^##INFO=<ID=GENE_N,Number=1,Type=Integer' cat amp.out.vcf
expect "a 70 MiB header: FAILED" wait_field "$H" job_status FAILED 60
check_out "... saying why" 0 'the header is over 64 MiB before its #CHROM line' gas show "$H"
expect "100,000 records over 100,000 declared contigs: COMPLETED" wait_field "$C" job_status COMPLETED 120
stop_gasd

# an input over max_input_bytes, and one deleted from storage before gasd ran: each job
# FAILED saying which
S=$(gas submit ok.vcf --user bea)
G=$(gas submit ok.vcf --user bea --name gone.vcf)
rm "$GAS_DATA_DIR/objects/gas-inputs/$(field "$G" s3_key_input_file)"
start_gasd GAS_MAX_INPUT_BYTES=100
expect "an input over max_input_bytes: FAILED" wait_field "$S" job_status FAILED
size=$(stat -c %s ok.vcf)
check_out "... saying so" 0 "input of $size bytes is over the 100 byte limit" gas show "$S"
expect "an input deleted from storage: FAILED" wait_field "$G" job_status FAILED
check_out "... saying so, by its name" 0 'the input file gone.vcf is missing from storage \(deleted\?\)' gas show "$G"
stop_gasd

# a small .gz that expands to far more (a "zip bomb" of records: its result would grow as
# much): FAILED past max_input_expanded_bytes; and a disk short of min_free_bytes stops a
# job before its result fills it
{ printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
  yes $'1\t69511\t.\tA\tG\t50\tPASS\tDP=10' | head -n 1500000; } | gzip -9 > bomb.vcf.gz
Z=$(gas submit bomb.vcf.gz --user bea)
start_gasd GAS_MAX_INPUT_EXPANDED_BYTES=8000000
expect "a $(stat -c %s bomb.vcf.gz)-byte .gz of 42 MB records: FAILED" wait_field "$Z" job_status FAILED 60
check_out "... at once, saying it is over max_input_expanded_bytes once decompressed" 0 \
  '^error +line [0-9]+: the input is larger than 8000000 bytes once decompressed \(the max_input_expanded_bytes setting\)' gas show "$Z"
# 28-byte records: the 8,000,000th byte is in line 2 + 8000000 / 28 = 285716 (the block
# the limit falls in counted up to it, not the block's first line)
bl=$(gas show "$Z" | sed -n 's/^error \{1,\}line \([0-9]*\):.*/\1/p')
check "... the line named is where the limit falls ($bl, about 285716)" 0 test "${bl:-0}" -ge 285700 -a "${bl:-0}" -le 285720
expect "... no result left" test -z "$(field "$Z" s3_key_result_file)"
stop_gasd
F=$(gas submit ok.vcf --user bea)
start_gasd GAS_MIN_FREE_BYTES=1099511627776
expect "a job while the disk has less than min_free_bytes free: FAILED" wait_field "$F" job_status FAILED 60
check_out "... saying so" 0 '^error .*stopped: the disk holding the result has [0-9]+ MiB free, less than the min_free_bytes setting \(1048576 MiB\)' gas show "$F"
expect "... no result left" test -z "$(field "$F" s3_key_result_file)"
expect "... its user is told by email" wait_file "$GAS_DATA_DIR/outbox/$F.failed.eml"
check_out "... that the service could not finish it, not the file" 0 "This was not your file's fault: the service could not finish" \
  sh -c "tr -d '\r' < '$GAS_DATA_DIR/outbox/$F.failed.eml' | paste -sd' '"
check "... without the administrators' details (a setting's name, a line number)" 1 \
  grep -qE 'min_free_bytes|line [0-9]' "$GAS_DATA_DIR/outbox/$F.failed.eml"
stop_gasd

# text from users and producers never drives the terminal or forges a log line: a job id
# with an escape sequence and a newline, a contig named with one
esc=$(printf '\033')
start_gasd
X=$(gas send gas_notify "{\"job_id\": \"zz${esc}[2J\\n2026-11-30T21:30:00.000Z info  annotate: FORGED\"}")
expect "a job id with control characters: dead-lettered" wait_log "message $X moved to gas_notify_dlq"
expect "... gasd's log has no escape byte and no forged line" \
  sh -c "! grep -q \"\$(printf '\\033')\" '$WORK/gasd.log' && ! grep -q '^2026-11-30T21:30:00.000Z info  annotate: FORGED' '$WORK/gasd.log'"
expect "... nor does gas dlq list" sh -c "gas dlq list gas_notify | grep -F -- '$X' | grep -qv \"\$(printf '\\033')\""
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr\033]0;PWNED\007\t100\t.\tA\tG\t.\t.\t.\n' > escname.vcf
Y=$(gas submit escname.vcf --user bea)
expect "a contig named with an escape sequence: COMPLETED" wait_field "$Y" job_status COMPLETED 30
expect "... gas log shows it without the escape" sh -c "gas log $Y | grep -q 'chr?\]0;PWNED?' && ! gas log $Y | grep -q \"\$(printf '\\033')\""
# an attribute with an escape sequence and a line break (as another program could write
# it into the table): gas show prints it on its line, the control characters as '?'
sqlite3 "$GAS_DATA_DIR/gas.db" "UPDATE items SET body = json_set(body, '\$.annotation_note', 'x' || char(27) || ']0;PWNED' || char(7) || char(10) || 'forged_line 1') WHERE k = '$Y'"
expect "gas show: an attribute's escape sequence and line break shown as '?'" \
  sh -c "gas show $Y | grep -q '^annotation_note  *x?\]0;PWNED??forged_line 1\$' && ! gas show $Y | grep -q \"\$(printf '\\033')\" && ! gas show $Y | grep -q '^forged_line'"
# users whose name or email the tables could not give back, or that would drive a terminal
check_out "users add: a 100,000-byte name is refused" 2 'a name is at most 256 bytes' \
  gas users add mal1 --name "$(head -c 100000 /dev/zero | tr '\0' N)"
check_out "users add: a name with an escape sequence is refused" 2 'without control characters' \
  gas users add mal2 --name "Mal$(printf '\033')]0;owned$(printf '\007')ory"
check_out "users add: a 3,000-byte email is refused" 2 'is not an email address .*at most 254 bytes' \
  gas users add mal3 --email "$(head -c 3000 /dev/zero | tr '\0' a)@x.com"
check_out "users add: an id with a trailing space is refused" 2 'is not a user id' gas users add 'mal4 '
check_out "users add: an id with a zero-width space is refused" 2 'is not a user id' gas users add $'mal\u200b5'
expect "... and none of them was added" sh -c "! gas users list | grep -q '^mal'"
stop_gasd
gas dlq redrive gas_notify > /dev/null

# file names that cannot be keys and names everywhere: not UTF-8, over 200 bytes
cp "$SAMPLES/test.vcf" "$(printf 'bad\377name.vcf')"
check_out "submit: a file name that is not UTF-8 is refused, with what to do" 2 'is not UTF-8 text: give another with --name NAME' \
  gas submit "$(printf 'bad\377name.vcf')" --user bea
check_out "submit: a file name over 200 bytes is refused" 2 'is over 200 bytes' \
  gas submit "$SAMPLES/test.vcf" --user bea --name "$(printf 'n%.0s' $(seq 220)).vcf"
check_out "submit: a file name with a tab is refused, naming the file name (not the user)" 2 \
  'the file name ".*" cannot be part of an object key .*: give another with --name NAME' \
  gas submit "$SAMPLES/test.vcf" --user bea --name "$(printf 'tab\tname.vcf')"
# a file that grows while it is uploaded (copies slowed by a fault point): nothing submitted
{ printf '##fileformat=VCFv4.2\n'; head -c 299979 /dev/zero | tr '\0' 'x'; } > growing.vcf
njobs=$(gas jobs --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
GAS_FAULT=objects.put_chunk:sleep=0.3 gas submit growing.vcf --user bea > grow.out 2>&1 &
gp=$!
for ((i = 0; i < 200 * T; i++)); do
  find "$GAS_DATA_DIR/tmp" -type f 2>/dev/null | grep -q . && break; sleep 0.05 # being staged
done
echo more >> growing.vcf
wait $gp; grc=$?
if [ "$grc" = 2 ] && grep -q 'growing.vcf changed while it was uploaded (300000 bytes before, 300005 after): nothing submitted' grow.out; then
  ok "a file changed during its upload: refused, saying so"
else bad "a file changed during its upload: refused, saying so" "exit $grc" "$(cat grow.out)"; fi
check "... no job was made" 0 test "$(gas jobs --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$njobs"

check_out "redrive moves dead letters back" 0 '^5 messages redriven' gas dlq redrive gas_job_requests
check_out "requests dead-letter queue now empty" 0 'gas_job_requests +[0-9]+ +0 +0 +0' gas status

# a damaged database (a copy of this one, its pages past the first two overwritten): gasd
# stops at once, saying what to do, and does not go on (or wait) over it; gas says so too
cp -a "$GAS_DATA_DIR" damaged
sqlite3 damaged/gas.db 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
pages=$(( $(stat -c %s damaged/gas.db) / 4096 - 2 ))
head -c $((pages * 4096)) /dev/zero | tr '\0' '\377' | dd of=damaged/gas.db bs=4096 seek=2 conv=notrunc status=none
t0=$(date +%s)
GAS_DATA_DIR=$WORK/damaged timeout 60 gasd --once > damaged.log 2>&1; drc=$?
expect "a damaged database: gasd --once exits 1 (not a hang: exit $drc, $(( $(date +%s) - t0 )) s)" test "$drc" = 1
expect "... saying the database is damaged and what to do" \
  grep -q "error gasd: .*the database .*damaged/gas.db is damaged (.*malformed.*): stop every gas and gasd on it, keep a copy" damaged.log
check_out "gas on the damaged database: says so too" 1 'is damaged .*recover' env GAS_DATA_DIR="$WORK/damaged" gas jobs
finish_pipeline badinput
