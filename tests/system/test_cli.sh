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
check_out "config keys documents every key" 0 'queue_max_receives +integer \[1..1000\]' gas config keys

check_out "setup creates the topology" 0 'topic  gas_job_results -> gas_archive \(delayed\)' \
  gas --config good.conf setup
check "setup is idempotent" 0 gasd --config good.conf --setup
mode_db=$(stat -c %a state/gas.db 2>/dev/null); mode_dir=$(stat -c %a state 2>/dev/null)
if [ "$mode_db" = 600 ] && [ "$mode_dir" = 700 ]; then ok "state files are private (db 600, dir 700)"
else bad "state files are private" "db mode $mode_db, dir mode $mode_dir"; fi
perm=$(find state -perm /077 | head -3)
if [ -z "$perm" ]; then ok "nothing under data_dir is group/other accessible"
else bad "nothing under data_dir is group/other accessible" "$perm"; fi

printf 'data_dir = /proc/forbidden/state\n' > nodir.conf
check_out "unusable data_dir is a clear error" 1 'mkdir /proc/forbidden' gas --config nodir.conf setup

finish cli
