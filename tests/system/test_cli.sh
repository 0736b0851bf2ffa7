#!/bin/bash
# The gas and gasd programs as a user runs them: help, config errors that name the file
# and line, setup on the embedded backend with private files.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 2

check_out "gas --help lists commands" 0 '^  setup' gas --help
check_out "gas unknown command" 2 "unknown command 'frobnicate'" gas frobnicate
check_out "gas unknown option" 2 "unknown option --bogus" gas --bogus config
check_out "gasd --help" 0 'usage: gasd' gasd --help

printf 'backend = local\n\narchive_grace = soon\n' > bad.conf
check_out "bad config line names file:line" 2 '^gas: bad.conf:3: archive_grace wants an integer' \
  gas --config bad.conf config
check_out "gasd reports the same bad line" 2 'bad.conf:3: archive_grace' gasd --config bad.conf --dump-config
check_out "missing config file" 2 'nope.conf: No such file' gas --config nope.conf config
check_out "bad environment value is named" 2 'GAS_QUEUE_WAIT: queue_wait = 60 is out of range' \
  env GAS_QUEUE_WAIT=60 gas config
# a submit where there is no system (the wrong directory), with the users table: says
# where it looked, and leaves no empty system behind
mkdir -p elsewhere
check_out "submit with no system here: says where it looked" 1 '^gas submit: no GAS system at .*elsewhere/gas-data' \
  sh -c "cd elsewhere && gas submit '$SAMPLES/test.vcf' --user dave"
check "... and made none there" 0 test ! -e elsewhere/gas-data
printf 'backend = local\nrequests_queue = ../etc\n' > badq.conf
check_out "a queue name that SQS would refuse (a path) names its line" 2 \
  '^gas: badq.conf:2: requests_queue "../etc" is not a queue, topic or table name' gas --config badq.conf config

printf 'data_dir = %s/state\narchive_grace = 30\n' "$WORK" > good.conf
check_out "dump shows file values with their line" 0 'archive_grace = 30  # good.conf:2' \
  gas --config good.conf config
check_out "environment beats the file" 0 'archive_grace = 45  # GAS_ARCHIVE_GRACE' \
  env GAS_ARCHIVE_GRACE=45 gas --config good.conf config
check_out "secrets are not dumped" 0 'smtp_password = "\[redacted\]"' \
  env GAS_SMTP_PASSWORD=s3cr3t-pw gas --config good.conf config
dump=$(GAS_SMTP_PASSWORD=s3cr3t-pw gas --config good.conf config 2>&1); rc=$?
if [ "$rc" = 0 ] && grep -q '^smtp_password' <<<"$dump" && ! grep -q s3cr3t-pw <<<"$dump"; then
  ok "secret value never printed"; else bad "secret value never printed" "exit $rc" "$dump"; fi
dump=$(GAS_SMTP_URL='smtps://me:Sm7pPass@mail.example.org:465' gas --config good.conf config smtp_url 2>&1)
if grep -q '^smtp_url = "smtps://me:\*\+@mail.example.org:465"' <<<"$dump" && ! grep -q Sm7pPass <<<"$dump"; then
  ok "gas config KEY: a URL's password is not printed"; else bad "gas config KEY: a URL's password is not printed" "$dump"; fi
# what others could read or change is said at gasd's start
mkdir -p open-dir && chmod 777 open-dir
printf 'data_dir = %s/open-dir\nsmtp_password = x9secretx\n' "$WORK" > open.conf && chmod 644 open.conf
out=$(timeout 60 gasd --config open.conf --once 2>&1)
if grep -q 'open.conf holds secrets and others can read it (mode 644): chmod 600' <<<"$out" &&
  grep -q 'open-dir can be written by others (mode 777)' <<<"$out" && ! grep -q x9secretx <<<"$out"; then
  ok "gasd warns of a readable config with secrets and a world-writable data_dir"
else bad "gasd warns of a readable config with secrets and a world-writable data_dir" "$out"; fi
# an accounts DSN with a password is a secret; one without (peer or certificate auth) is not
printf 'data_dir = %s/dsn-dir\nuser_source = postgres\naccounts_dsn = host=/nonexistent dbname=accounts password=pw9x\n' "$WORK" > dsnpw.conf && chmod 644 dsnpw.conf
printf 'data_dir = %s/dsn-dir\nuser_source = postgres\naccounts_dsn = host=/nonexistent dbname=accounts\n' "$WORK" > dsn.conf && chmod 644 dsn.conf
out=$(timeout 60 gasd --config dsnpw.conf --once 2>&1)
if grep -q 'dsnpw.conf holds secrets and others can read it' <<<"$out" && ! grep -q pw9x <<<"$out"; then
  ok "a readable config whose accounts_dsn holds a password: warned (the password not shown)"
else bad "a readable config whose accounts_dsn holds a password: warned (the password not shown)" "$out"; fi
out=$(timeout 60 gasd --config dsn.conf --once 2>&1)
if ! grep -q 'holds secrets' <<<"$out"; then ok "... one without a password: not warned of secrets"
else bad "... one without a password: not warned of secrets" "$out"; fi
SAMPLES=$GAS_ROOT/../shared/testdata/gas-samples
mkfifo cfg.fifo
check_out "a FIFO as the config: an error, not a hang" 2 'cfg.fifo: is a FIFO, not a file' \
  timeout 20 gas --config cfg.fifo config
check_out "a device as the sources file: an error, not an endless read" 1 '/dev/zero: not a regular file' \
  timeout 20 gas annotate "$SAMPLES/test.vcf" -s /dev/zero -o zero.vcf
# a copy of gas away from its sources: the error names where it looked
mkdir -p elsewhere/bin && cp "$GAS_BIN/gas" elsewhere/bin/gas
check_out "gas copied away from its sources: says where it looked for them" 2 \
  "no annotation sources: none where GAS looks by default \(.*$WORK/elsewhere/bin/\.\./share/gas/<build>/sources.conf" \
  env -u GAS_ANNOT_SOURCES_DIR -u GAS_ANNOT_SOURCES -u GAS_SHARE elsewhere/bin/gas annotate "$SAMPLES/test.vcf" -o copy.vcf
cp "$SAMPLES/test.vcf" mine.vcf
check_out "annotate -o its own input: refused" 2 'mine.vcf is the input: the output would replace it' \
  gas annotate mine.vcf -o mine.vcf
check "... the input is untouched" 0 cmp -s mine.vcf "$SAMPLES/test.vcf"
# the output's name decides its compression when -O does not; -O against the name warns
gas annotate mine.vcf -o named.vcf.gz > /dev/null 2>&1
check "annotate -o x.vcf.gz writes bgzipped VCF (bgzip -t)" 0 bgzip -t named.vcf.gz
check_out "... that bcftools reads" 0 '^#CHROM' sh -c 'bcftools view -h named.vcf.gz'
check_out "... its count log named after the VCF" 0 '^total records: ' cat named.vcf.count.log
check_out "annotate -O v -o x.vcf.gz: warns that the name says compressed" 0 \
  'warning: -O v writes plain VCF to plain.vcf.gz, whose name says compressed' gas annotate mine.vcf -O v -o plain.vcf.gz
check_out "annotate -o x.vcf: plain text" 0 '^##fileformat=VCF' sh -c 'gas annotate mine.vcf -o plain.vcf >/dev/null 2>&1 && head -1 plain.vcf'
check_out "config keys documents every key" 0 'queue_max_receives +integer \[1..1000\]' gas config keys

check_out "setup creates the topology" 0 'topic  gas_job_results -> gas_archive \(delayed\)' \
  gas --config good.conf setup
check "setup is idempotent" 0 gasd --config good.conf --setup
out=$(GAS_USER_SOURCE=postgres GAS_ACCOUNTS_DSN='postgresql://gas:PGSECRETuri1@[::1/accounts' gas --config good.conf users list 2>&1)
if grep -q 'accounts_dsn' <<<"$out" && ! grep -q PGSECRETuri1 <<<"$out"; then
  ok "a malformed accounts DSN: the error names it, not its password"
else bad "a malformed accounts DSN: the error names it, not its password" "$out"; fi
mode_db=$(stat -c %a state/gas.db 2>/dev/null); mode_dir=$(stat -c %a state 2>/dev/null)
if [ "$mode_db" = 600 ] && [ "$mode_dir" = 700 ]; then ok "state files are private (db 600, dir 700)"
else bad "state files are private" "db mode $mode_db, dir mode $mode_dir"; fi
perm=$(find state -perm /077 | head -3)
if [ -z "$perm" ]; then ok "nothing under data_dir is group/other accessible"
else bad "nothing under data_dir is group/other accessible" "$perm"; fi

printf 'data_dir = /proc/forbidden/state\n' > nodir.conf
check_out "unusable data_dir is a clear error" 1 'mkdir /proc/forbidden' gas --config nodir.conf setup

# ---- the command line as an admin types it: options anywhere, unknown ones refused
unset GAS_CONFIG GAS_DATA_DIR
export XDG_CONFIG_HOME=$WORK/xdg
check_out "gas --version" 0 '^gas [0-9]+\.[0-9]+' gas --version
check_out "gasd --version" 0 '^gasd [0-9]+\.[0-9]+' gasd --version
# the engine version --version names is the one results carry (a methods section quotes it)
ev=$(gas --version | sed -nE 's/.*annotation engine ([0-9.]+).*/\1/p')
gas annotate "$SAMPLES/test.vcf" -o ver.vcf > /dev/null 2>&1
check_out "gas --version names the engine version written in results' ##GAS_annotation" 0 \
  "^##GAS_annotation=<engine=gas,version=${ev:-none}," grep '^##GAS_annotation' ver.vcf
check_out "gas help CMD is gas CMD --help" 0 '^usage: gas jobs' gas help jobs
# every command in gas --help answers --help with its own usage, exit 0
cmds=$(gas --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {n = substr($0, 3, 16); sub(/ +$/, "", n); print n} /^$/ && on {exit}')
[ "$(wc -l <<<"$cmds")" -ge 20 ] && ok "gas --help lists 20+ commands" || bad "gas --help lists 20+ commands" "$cmds"
while read -r c; do
  # shellcheck disable=SC2086
  check_out "gas $c --help" 0 "^usage: gas $c" gas $c --help
done <<<"$cmds"
check_out "--help before the command" 0 '^usage: gas status' gas --help status
check_out "group without a subcommand" 2 '^usage: gas users add' gas users
check_out "group --help" 0 'gas users list' gas users --help
check_out "unknown subcommand" 2 "unknown subcommand 'frob'" gas dlq frob
check_out "unknown option after the command" 2 '^gas status: unknown option --bogus' gas status --bogus
check_out "... with the usage line" 2 '^usage: gas status \[--json\]' gas status --bogus
check_out "option the command lacks" 2 'unknown option --json' gas users add bob --json
check_out "extra argument" 2 "unexpected argument 'extra'" gas users list --json extra
check_out "missing argument" 2 'gas show: missing JOB' gas show
check_out "missing required option" 2 '\-\-output is required' gas download abcdef
check_out "option without its value" 2 '\-\-user needs a value' gas jobs --user
check_out "flag given a value" 2 '\-\-json=yes takes no value' gas status --json=yes
check_out "--json before a command without it" 2 'unknown option --json' gas --json retry abcdef

# ---- where the system is: nothing there is an error that says where it looked
mkdir -p empty && cd empty || exit 2
check_out "no system: read command fails" 1 "no GAS system at $WORK/empty/gas-data" gas status
check_out "no system: says where it looked" 1 "looked for \./gas\.conf, $WORK/xdg/gas/gas\.conf, /etc/gas/gas\.conf" gas jobs
check "no system: gas users list fails" 1 gas users list
check "no system: gas workers fails" 1 gas workers
if [ ! -e gas-data ]; then ok "read commands create nothing"; else bad "read commands create nothing" "$(ls -la)"; fi
cd "$WORK" || exit 2
# gasd on a data_dir with no system (new, or a mistyped path) says so, where it starts one
check_out "gasd on a data_dir with no system warns where it starts a new one" 0 \
  "warn +gasd: .*no GAS system at $WORK/typo/data: starting a new, empty one there" \
  env GAS_DATA_DIR="$WORK/typo/data" GAS_QUEUE_WAIT=0 timeout 60 gasd --once

# gasd --bench-engine (make bench-pipeline's baseline): both rates, for the jobs asked, and
# its scratch outputs removed from the data directory's work directory afterwards
out=$(GAS_DATA_DIR="$WORK/bench" GAS_ANNOTATE_THREADS=2 timeout 120 gasd --bench-engine 25 \
  "$GAS_ROOT/tests/fuzz/corpus/annot/build37_gatk.vcf" 2>&1); rc=$?
if [ $rc = 0 ] && grep -qE '^engine: 25 jobs in [0-9.]+ s: [0-9.]+ jobs/s \(annotate_threads=2\)$' <<<"$out" &&
  grep -qE '^engine\+sync: 25 jobs in [0-9.]+ s: [0-9.]+ jobs/s \(outputs synced per batch of 100\)$' <<<"$out"; then
  ok "gasd --bench-engine gives the engine-only and the synced rates"
else bad "gasd --bench-engine gives the engine-only and the synced rates" "exit $rc" "$out"; fi
left=$(find "$WORK/bench/work" -type f 2>/dev/null)
[ -z "$left" ] && ok "gasd --bench-engine leaves no outputs behind" || bad "gasd --bench-engine leaves no outputs behind" "$left"
check_out "gasd --bench-engine refuses a bad count" 2 'takes a number of jobs' gasd --bench-engine 0 x.vcf

# a system in site/ named by site/gas.conf with a relative data_dir
mkdir -p site elsewhere
printf 'data_dir = state\nqueue_wait = 1\n' > site/gas.conf
(cd site && gas setup > /dev/null) && ok "setup from the config's directory" || bad "setup from the config's directory"
[ -f site/state/gas.db ] && ok "data_dir is relative to gas.conf" || bad "data_dir is relative to gas.conf" "$(find site)"
cd elsewhere || exit 2
check_out "--config after the command" 0 '^gas_job_requests' gas status --config ../site/gas.conf
check_out "--config before the command" 0 '^gas_job_requests' gas --config ../site/gas.conf status
check_out "--config=FILE" 0 '^gas_job_requests' gas status --config=../site/gas.conf
check_out "GAS_CONFIG" 0 '^gas_job_requests' env GAS_CONFIG=../site/gas.conf gas status
check_out "gas status first says which system it reads: the data_dir and config, from here" 0 \
  "^system: local $WORK/site/state config $WORK/site/gas.conf\$" gas status --config ../site/gas.conf
check_out "... and in its JSON" 0 "^$WORK/site/state $WORK/site/gas.conf\$" sh -c \
  "gas status --json --config ../site/gas.conf | python3 -c 'import json,sys; s=json.load(sys.stdin)[\"system\"]; print(s[\"data_dir\"], s[\"config\"])'"
check_out "gas config names the file" 0 "^# config file: $WORK/site/gas.conf" gas config --config ../site/gas.conf
check_out "relative data_dir shown resolved" 0 "^data_dir = \"$WORK/site/state\"  # \.\./site/gas\.conf:1" \
  gas config --config ../site/gas.conf
if [ ! -e state ] && [ ! -e gas-data ]; then ok "nothing created in the current directory"
else bad "nothing created in the current directory" "$(ls -la)"; fi
check_out "users add creates a system" 0 'user ann added' gas users add ann --config ../site/gas.conf
check_out "./gas.conf is found" 0 '^ann ' sh -c 'cd ../site && gas users list'
mkdir -p "$XDG_CONFIG_HOME/gas"
printf 'data_dir = ../../site/state\n' > "$XDG_CONFIG_HOME/gas/gas.conf"
check_out "XDG gas.conf is found, its data_dir relative to it" 0 '^ann ' gas users list
check_out "GAS_CONFIG naming a missing file says so" 2 'config file /nonexistent/gas.conf: No such file or directory \(named by GAS_CONFIG\)' \
  env GAS_CONFIG=/nonexistent/gas.conf gas status
mkdir -p tilde && printf 'data_dir = ~/gas-state\n' > tilde/gas.conf
check_out "data_dir = ~/...: the home directory, not a directory named ~" 0 "^data_dir = \"$WORK/home/gas-state\"" \
  sh -c "cd tilde && HOME=$WORK/home gas config | grep '^data_dir'"
check "... and no directory named ~ made" 1 test -e tilde/~
printf 'queue_wait = 1\ndata_dir = $HOME/state\n' > tilde/gas.conf
check_out "data_dir = \$HOME/...: refused, naming the line" 2 'gas.conf:2: data_dir is "\$HOME/state": variables and ~user are not expanded' \
  sh -c 'cd tilde && gas config'
mkdir -p idle && printf 'data_dir = state\n' > idle/gas.conf
(cd idle && gas users add ida --email ida@example.org >/dev/null && gas submit "$GAS_ROOT/../shared/testdata/gas-samples/test.vcf" --user ida >/dev/null)
check_out "gas status with a job and no gasd: the console's alert, saying what to do" 0 \
  '^ALERT: 1 job PENDING and no worker alive: start gasd$' sh -c 'cd idle && gas status'
check_out "gas top -b: the alert first, under its heading" 0 '^ALERT: 1 job PENDING and no worker alive$' \
  sh -c 'cd idle && gas top -b | sed -n 2p'
check_out "gas top -b -d alone: a sample every SECONDS until stopped (as top -b -d), numbered" 0 '^3$' \
  sh -c 'cd idle && timeout 60 gas top -b -d 0.2 | grep -m3 -E "^--- gas top, .* \([0-9]+\)$" | wc -l'
check_out "gas top -b alone: one sample" 0 '^1$' sh -c 'cd idle && timeout 60 gas top -b | grep -c "^--- gas top"'
# a throttled or unreachable topic (fault point): gas submit sends the request again for
# about 15 s; still failing, it takes the job and its input back: nothing waits PENDING
check_out "publish failing twice: submitted all the same" 0 '^[0-9a-f-]{36}$' \
  sh -c "cd idle && GAS_FAULT=app.publish:fail=2 gas submit '$GAS_ROOT/../shared/testdata/gas-samples/test.vcf' --user ida 2>/dev/null"
check_out "publish failing for good: nothing submitted, saying so" 1 'its request could not be sent, so nothing was submitted; submit it again' \
  sh -c "cd idle && GAS_FAULT=app.publish:fail=9 gas submit '$GAS_ROOT/../shared/testdata/gas-samples/test.vcf' --user ida"
check_out "... no job left PENDING (2 jobs: the first and the one that went through)" 0 '^2$' \
  sh -c "cd idle && gas jobs --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'"
check_out "... and no input object left behind (2 inputs)" 0 '^2$' sh -c "find idle/state/objects/gas-inputs -type f | wc -l"
check_out "gas console without a terminal: refused at once (exit 2), pointing to gas top -b" 2 \
  'gas console: needs a terminal \(its input is not one\); for the same figures in a script: gas top -b' \
  timeout 10 gas console --config ../site/gas.conf < /dev/null
check_out "dlq list of an unknown queue lists the queues" 2 'no queue nope; the queues are: gas_job_requests' \
  gas dlq list nope --config ../site/gas.conf
check_out "--json anywhere" 0 '"user_id":[[:space:]]*"ann"' gas --json users list
check_out "downgrade a free user: says nothing changed" 0 '^user ann is free_user already: nothing changed$' \
  gas downgrade ann
check_out "upgrade with nothing archived: says there is nothing to restore" 0 \
  '^user ann is premium_user; nothing archived to restore$' gas upgrade ann
check_out "upgrade again: premium already, nothing to restore" 0 \
  '^user ann is premium_user already; nothing archived to restore$' gas upgrade ann
check_out "downgrade: which results stay hot, and that those of the last grace period do not" 0 \
  '^user ann is free_user; results completed while premium stay available, but for those completed in the last [0-9]+ s \(their archive check is still due\)' \
  gas downgrade ann

# ---- job ids: unique prefixes, newest first, JSON
VCF=${GAS_ROOT:-$PWD/..}/build/sources/demo/hapmap_exome_chr22.vcf.gz
J1=$(gas submit "$VCF" --user ann); J2=$(gas submit "$VCF" --user ann --name second.vcf.gz)
if [ ${#J1} = 36 ] && [ ${#J2} = 36 ]; then ok "submit prints job ids"; else bad "submit prints job ids" "$J1 $J2"; fi
check_out "show by an 8-character prefix" 0 "^job_id +$J1" gas show "${J1:0:8}"
check_out "show: submit_ms as its time too, to the millisecond" 0 '^submit_ms +[0-9]{13} \(20[0-9-]+ [0-9:]+\.[0-9]{3} UTC\)' gas show "$J1"
check_out "show by a 6-character prefix" 0 "^job_id +$J1" gas show "${J1:0:6}"
check_out "prefix in capitals" 0 "^job_id +$J1" gas show "$(tr a-f A-F <<<"${J1:0:8}")"
check_out "5 characters are too few" 2 'prefix needs 6 characters' gas show "${J1:0:5}"
check_out "unknown prefix" 1 'no job 000000' gas show 000000
# a third job sharing J1's first 8 characters, submitted later (written as GAS writes jobs)
alt=f000; [ "${J1:9:1}" = f ] && alt=e000 # so that J1's first 10 characters are unique
J3=${J1:0:8}-$alt-4000-8000-000000000003
python3 - "$WORK/site/state/gas.db" "$J1" "$J3" <<'PY'
import json, sqlite3, sys
db, src, new = sys.argv[1:]
c = sqlite3.connect(db)
body = json.loads(c.execute("SELECT body FROM items WHERE tbl='gas_annotations' AND k=?", (src,)).fetchone()[0])
body["job_id"] = new; body["submit_time"] += 100
c.execute("INSERT INTO items(tbl, k, idx, body) VALUES('gas_annotations', ?, ?, ?)", (new, body["user_id"], json.dumps(body)))
c.commit()
PY
check_out "ambiguous prefix is a usage error" 2 "prefix ${J1:0:8} is ambiguous: 2 jobs match" gas show "${J1:0:8}"
check_out "ambiguous prefix lists the matches" 2 "^  $J3 " gas log "${J1:0:8}"
check_out "a longer prefix decides" 0 "^job_id +$J1" gas show "${J1:0:10}"
order=$(gas jobs | awk 'NR > 1 {print $1}' | tr '\n' ' ')
# J1 and J2 are most often in one second: gas submit's milliseconds order them
[ "$order" = "$J3 $J2 $J1 " ] && ok "gas jobs: newest first (within a second too)" || bad "gas jobs: newest first (within a second too)" "$order"
check_out "gas jobs --limit 1: the newest" 0 "^$J3" sh -c 'gas jobs -n 1 | tail -n 1'
check_out "gas jobs --status in lower case" 0 "^$J1" gas jobs --status pending
check_out "gas jobs --status bad" 2 'status takes PENDING' gas jobs --status nope
check_out "gas jobs --user with a typo: no such user, not an empty list" 1 'gas jobs: no user nobody' gas jobs --user nobody
keys() { python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(" ".join(sorted(k for k in d if k != "download_url")))'; }
kj=$(gas jobs --json -u ann -n 1 | keys); ks=$(gas show "$J3" --json | keys)
if [ -n "$kj" ] && [ "$kj" = "$ks" ]; then ok "gas jobs --json: the fields of gas show --json"
else bad "gas jobs --json: the fields of gas show --json" "jobs: $kj" "show: $ks"; fi
n=$(gas jobs --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[ "$n" = 3 ] && ok "gas jobs --json is one array of every job" || bad "gas jobs --json is one array" "$n"
# a UUID user id by its start, or by the console's cut of it ("head..tail"), as admins copy them
U1=3f2504e0-4f89-41d3-9a0c-0305e82c3301 U2=3f2504e0-aaaa-41d3-9a0c-0305e82c3302
gas users add $U1 --email u1@example.org >/dev/null && gas users add $U2 --email u2@example.org >/dev/null
JU=$(gas submit "$GAS_ROOT/../shared/testdata/gas-samples/test.vcf" --user $U1)
check_out "gas jobs --user by the start of a user's id: that user's jobs" 0 "^$JU +$U1 " gas jobs --user 3f2504e0-4f
check_out "... saying which user it took (on stderr)" 0 "user $U1 \\(the one id that 3f2504e0-4f names\\)" sh -c "gas jobs --user 3f2504e0-4f 2>&1 >/dev/null"
check_out "gas jobs --user by the console's cut id" 0 "^$JU " gas jobs --user 3f2504e0..c3301
check_out "gas jobs --user by a start two ids share: named, not guessed" 2 "ambiguous: 2 users' ids match \\($U1, $U2\\)" gas jobs --user 3f2504e0
check_out "gas jobs --user by a start no id has" 1 'no user 3f2504e0-zz' gas jobs --user 3f2504e0-zz
check_out "gas jobs --json: indented by two spaces, \"key\": value (no tabs)" 0 '^    "job_id": "' gas jobs --json
for cmd in "jobs --json" "show $J1 --json" "status --json" "workers --json" "log $J1 --json"; do
  # shellcheck disable=SC2086
  check "gas $cmd: no tab in its layout" 1 sh -c "gas $cmd 2>/dev/null | grep -q \"\$(printf '\\t')\""
done
check_out "cancel by prefix" 0 "^job $J2 cancelled" gas cancel "${J2:0:7}"
check_out "log by prefix says why it failed" 1 'FAILED: cancelled by an administrator' gas log "${J2:0:7}"
check_out "retry by prefix" 0 "^job $J2 is PENDING" gas retry "${J2:0:7}"
check_out "download by prefix: not completed" 1 'no result yet' gas download "${J2:0:7}" -o out.vcf
# a job that failed on its input, retried and cancelled before a worker took it: the cancel
# keeps why it had failed, and the next retry still warns that it fails again
python3 - "$WORK/site/state/gas.db" "$J1" <<'PY'
import json, sqlite3, sys
db, k = sys.argv[1:]
c = sqlite3.connect(db)
b = json.loads(c.execute("SELECT body FROM items WHERE tbl='gas_annotations' AND k=?", (k,)).fetchone()[0])
b.update(job_status="FAILED", error="line 3: POS is not a non-negative integer: \"11,856,378\"", fail_time=b["submit_time"])
c.execute("UPDATE items SET body=? WHERE tbl='gas_annotations' AND k=?", (json.dumps(b), k))
c.commit()
PY
check_out "retry of an input failure notes that it fails again" 0 \
  'note: it failed on its input \(line 3: POS is not a non-negative integer: "11,856,378"\)' gas retry "$J1"
check_out "... PENDING, saying why it had failed" 0 \
  '^error +retried by an administrator; it had failed: line 3: POS is not a non-negative integer' gas show "$J1"
check "... cancelled" 0 gas cancel "$J1"
check_out "... the cancel keeps why it had failed" 1 \
  'FAILED: cancelled by an administrator; it had failed: line 3: POS is not a non-negative integer' gas log "$J1"
check_out "... retried again: still noted that it fails again" 0 \
  'note: it failed on its input \(line 3: POS is not a non-negative integer: "11,856,378"\)' gas retry "$J1"
# cancelled once more, its requests still queued: the worker that takes one says why it drops it
check "... cancelled again" 0 gas cancel "$J1"
check_out "cancel of a FAILED job: refused, naming its status (as the console does)" 1 \
  "job $J1 is FAILED: only a PENDING job can be cancelled" gas cancel "$J1"
check_out "gas jobs --status failed: why each failed, in an error column" 0 \
  "^$J1 +ann +FAILED +NONE +[0-9: -]+ +hapmap_exome_chr22.vcf.gz +cancelled by an administrator; it had failed: line 3" \
  gas jobs --status failed
check_out "... headed error" 0 '^job +user +status +archive +submitted \(UTC\) +file +error$' gas jobs --status failed
check_out "gasd drops a cancelled job's request, saying so" 0 \
  "message [^ ]+: its job is FAILED \(cancelled by an administrator[;)].*: nothing to do" \
  sh -c 'timeout 120 gasd --once 2>&1'
# a FAILED job with a file name longer than the file column: the name keeps its start and
# end, and every row's error starts under the header's "error"
LONG=malformed_sample_whose_name_is_far_longer_than_the_file_column_of_gas_jobs.vcf
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\tabc\t.\tA\tG\t.\t.\t.\n' > "$LONG"
JL=$(gas submit "$LONG" --user ann --force)
timeout 120 gasd --once > /dev/null 2>&1
check_out "gas jobs --status failed: a long file name is cut in its middle" 0 \
  "^$JL +ann +FAILED +NONE +[0-9: -]+ +malformed_sample_[a-z_]*\\.\\.[a-z_]*jobs\\.vcf +line 3: POS is not" \
  gas jobs --status failed
check "... every error starts under the header's" 0 python3 - <<PY
import subprocess, sys
out = subprocess.run(["gas", "jobs", "--status", "failed"], capture_output=True, text=True).stdout.splitlines()
col = out[0].index("error")
bad = [l for l in out[1:] if l[col - 2:col] != "  " or l[col] == " "]
sys.exit(1 if bad or len(out) < 3 else 0)
PY

# ---- a process stopped while it holds the database's write lock (a gasd frozen by SIGSTOP
# mid-transaction): the command that cannot write says who holds it
cat > hold_lock.py <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(120)
PY
python3 hold_lock.py "$WORK/site/state/gas.db" "$WORK/locked" &
holder=$!
for ((i = 0; i < 100; i++)); do [ -e "$WORK/locked" ] && break; sleep 0.1; done
kill -STOP $holder
check_out "the write lock's holder, stopped, is named" 1 \
  "database is locked; its write lock is held by pid $holder \(python3, stopped: SIGSTOP or a debugger; kill -CONT it\)" \
  env GAS_DB_BUSY_TIMEOUT_MS=300 gas submit "$VCF" --user ann
kill -CONT $holder; kill $holder; wait $holder 2>/dev/null

# a BCF whose header htslib finds fault with (1000 Genomes' INFO ID cse-hiseq has a hyphen):
# gas submit prints the job id and nothing else (htslib's [W::bcf_hrec_check] line was shown)
{ printf '##fileformat=VCFv4.2\n##contig=<ID=22,length=51304566>\n'
  printf '##INFO=<ID=cse-hiseq,Number=0,Type=Flag,Description="in the hiseq set">\n'
  printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n22\t16050075\t.\tA\tG\t.\tPASS\tcse-hiseq\n'; } |
  bcftools view -Ob -o hyphen.bcf 2>/dev/null
check_out "gas submit of a BCF htslib warns about: the job id alone, no htslib line" 0 '^[0-9a-f-]{36}$' \
  sh -c 'gas submit hyphen.bcf --user ann 2>&1'

finish cli
