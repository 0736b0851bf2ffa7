#!/bin/bash
# Emails by SMTP (a real SMTP server, tests/system/smtp_sink.py): the completed job's
# email reaches the server with the user's address and the input's name; and when two
# workers each hold a copy of the job's notify message at once (the second copy arrives
# while the first worker is still mid-send), exactly one email goes out: the second
# worker finds the first's claim and looks again later.
SUITE=notify_smtp
. "$(dirname "$0")/pipeline_lib.sh"
cd "$WORK" || exit 2
mkdir -p mail
python3 "$GAS_ROOT/tests/system/smtp_sink.py" "$WORK/mail" --hold "$WORK/release" > sink.out 2> sink.err &
SINK=$!
trap 'stop_gasd; [ -n "$G2" ] && kill -TERM $G2 2>/dev/null && wait $G2; kill $SINK 2>/dev/null; wait $SINK 2>/dev/null; rm -rf "$WORK"' EXIT
for ((i = 0; i < 100 * T; i++)); do grep -q '^listening' sink.out && break; sleep 0.1; done
PORT=$(awk '/^listening/ {print $2}' sink.out)
require "the SMTP server is listening" test -n "$PORT"
export GAS_NOTIFY_VIA=smtp GAS_SMTP_URL=smtp://127.0.0.1:$PORT GAS_NOTIFY_THREADS=1 \
  GAS_SMTP_FROM=gas@example.org
gas users add ann --email ann@example.org --name "Ann Lee" > /dev/null
J=$(submit "$SAMPLES/free_1.vcf" ann)
require "submitted" test -n "$J"
start_gasd
expect "job COMPLETED" wait_field "$J" job_status COMPLETED
require "the first worker is mid-send (the server holds its DATA)" wait_file mail/sending.1 30
C=$(gas send gas_notify "{\"job_id\": \"$J\"}")
require "a copy of the notify message is queued" test -n "$C"
env gasd >> "$WORK/gasd2.log" 2>&1 &
G2=$!
for ((i = 0; i < 300 * T; i++)); do
  grep -q "email for $J: another worker is sending it" gasd2.log gasd.log && break; sleep 0.1
done
if grep -q "email for $J: another worker is sending it" gasd2.log gasd.log; then
  ok "the copy's worker finds the email claimed and leaves it"
else bad "the copy's worker finds the email claimed and leaves it" "$(tail -5 gasd2.log)"; fi
touch release
for ((i = 0; i < 300 * T; i++)); do [ -n "$(field "$J" notify_time)" ] && break; sleep 0.1; done
require "the job records its email (notify_time)" test -n "$(field "$J" notify_time)"
# both copies settled: the first worker's send logged, the copy deferred or (wrongly) sent
for ((i = 0; i < 300 * T; i++)); do
  grep -q "email for $J sent to" gasd.log \
    && grep -qE "email for $J(: another worker is sending it| sent to)" gasd2.log && break
  sleep 0.1
done
expect "the server received the email" test -f mail/1.eml
n=$(ls mail | grep -c '^sending\.')  # (before the other users' emails below)
if [ "$n" = 1 ] && [ ! -e mail/2.eml ]; then ok "exactly one email was sent"
else bad "exactly one email was sent" "$(ls mail)"; fi
if grep -q '^X-Rcpt: ann@example.org' mail/1.eml && grep -q '^Subject: GAS: your annotation job for free_1.vcf is complete' mail/1.eml \
  && grep -q "Hello Ann Lee" mail/1.eml && grep -q "$J" mail/1.eml; then
  ok "the email: to the user's address, names the input and the job"
else bad "the email: to the user's address, names the input and the job" "$(head -12 mail/1.eml)"; fi
check_out "gas show has no leftover claim" 0 "notify_time" gas show "$J"
if gas show "$J" | grep -q notify_claim; then bad "the claim is removed once the email is out"
else ok "the claim is removed once the email is out"; fi
# a user's name is theirs to choose: CR/LF in it (gas users add refuses them; a web app's
# accounts database need not) cannot forge headers (Bcc, Subject), and a non-ASCII name
# goes as an RFC 2047 encoded word
gas users add eve --email eve@example.org --name Eve > /dev/null
sqlite3 "$GAS_DATA_DIR/gas.db" "UPDATE items SET body = json_set(body, '\$.name', 'Eve' || char(13, 10) || 'Bcc: victim@evil.example' || char(13, 10) || 'Subject: PWN') WHERE k = 'eve'"
gas users add zoe --email zoe@example.org --name 'Zoë Brontë' > /dev/null
E=$(submit "$SAMPLES/test.vcf" eve)
Z=$(submit "$SAMPLES/test.vcf" zoe)
for ((i = 0; i < 300 * T; i++)); do
  [ -n "$(field "$E" notify_time)" ] && [ -n "$(field "$Z" notify_time)" ] && break; sleep 0.1
done
me=$(grep -l "$E" mail/*.eml | head -1)
mz=$(grep -l "$Z" mail/*.eml | head -1)
if [ -n "$me" ] && ! grep -qi '^Bcc:' "$me" && [ "$(grep -c '^Subject:' "$me")" = 1 ] &&
  grep -q '^To: "Eve  Bcc: victim@evil.example  Subject: PWN" <eve@example.org>' "$me"; then
  ok "a name with CR/LF: no forged header, one To: line"
else bad "a name with CR/LF: no forged header, one To: line" "$(head -8 "$me" 2>/dev/null)"; fi
if [ -n "$mz" ] && grep -q '^To: =?UTF-8?B?Wm/DqyBCcm9udMOr?= <zoe@example.org>' "$mz"; then
  ok "a non-ASCII name: an RFC 2047 encoded word"
else bad "a non-ASCII name: an RFC 2047 encoded word" "$(grep '^To:' "$mz" 2>/dev/null)"; fi
kill -TERM $G2; wait $G2; rc=$?; G2=
expect "the second gasd stops cleanly" test "$rc" = 0
cat gasd2.log >> gasd.log
finish_pipeline notify_smtp
