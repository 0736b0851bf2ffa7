# Helpers for the pipeline system tests: a private data dir, short timings, gasd started
# and stopped for real, and polling on what `gas show` says.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SAMPLES=${GAS_ROOT:-$PWD}/../shared/testdata/gas-samples
if [ ! -f "$SAMPLES/free_1.vcf" ]; then
  echo "FAIL $SAMPLES/free_1.vcf not found: these tests need ../shared beside the project"
  finish "${SUITE:-pipeline}"
  exit 1
fi
export GAS_DATA_DIR=$WORK/data GAS_ARCHIVE_GRACE=2 GAS_COLD_EXPEDITED_DELAY=1 \
  GAS_COLD_STANDARD_DELAY=2 GAS_QUEUE_WAIT=1 GAS_THAW_POLL_INTERVAL=1 GAS_QUEUE_VISIBILITY=3 \
  GAS_JOB_LEASE=5 GAS_HEARTBEAT_INTERVAL=1 GAS_SHUTDOWN_DEADLINE=10 GAS_QUEUE_MAX_RECEIVES=20
GASD_PID=
# slower under valgrind: waits stretch, and the grace outlasts a valgrind-wrapped download
T=${GAS_SLOW:+4}; T=${T:-1}
[ "$T" != 1 ] && export GAS_ARCHIVE_GRACE=10

start_gasd() { # [VAR=value ...]: gasd in the background, its log appended to gasd.log
  env "$@" gasd >> "$WORK/gasd.log" 2>&1 &
  GASD_PID=$!
}
stop_gasd() { # SIGTERM; sets GASD_RC
  [ -n "$GASD_PID" ] || return 0
  kill -TERM "$GASD_PID" 2>/dev/null
  wait "$GASD_PID"; GASD_RC=$?
  GASD_PID=
}
crashed_gasd() { # waits for gasd to die by itself; 0 if it was killed by SIGKILL
  local i
  for ((i = 0; i < 200 * T; i++)); do
    kill -0 "$GASD_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$GASD_PID" 2>/dev/null; then # never got there: stopped, and said so
    echo "    gasd did not die by itself in $((20 * T)) s (its fault point was not reached)"
    kill -9 "$GASD_PID"; wait "$GASD_PID"; GASD_PID=; return 1
  fi
  wait "$GASD_PID"; local rc=$?
  GASD_PID=
  [ "$rc" = 137 ]
}
trap 'stop_gasd; rm -rf "$WORK"' EXIT
# gasd under a sanitizer reports into its log: any report fails the suite
finish_pipeline() {
  stop_gasd
  if grep -qE 'Sanitizer|runtime error:|Invalid read|definitely lost' "$WORK/gasd.log" 2>/dev/null; then
    bad "gasd ran clean (sanitizer report in its log)"
    grep -E -A12 'Sanitizer|runtime error:' "$WORK/gasd.log" | head -40 | sed 's/^/    | /'
  else
    ok "gasd ran clean (no sanitizer report in its log)"
  fi
  finish "$1"
}

field() { gas show "$1" 2>/dev/null | awk -v k="$2" '$1==k {print $2; exit}'; }
# wait_field JOB FIELD VALUE [SECONDS]: polls until the job's FIELD is VALUE
wait_field() {
  local i limit=$(( ${4:-20} * 10 * T ))
  for ((i = 0; i < limit; i++)); do
    [ "$(field "$1" "$2")" = "$3" ] && return 0
    sleep 0.1
  done
  echo "    job $1: $2 is '$(field "$1" "$2")', waited for '$3'"
  return 1
}
wait_log() { # wait_log PATTERN [SECONDS]: until gasd.log has a matching line
  local i limit=$(( ${2:-20} * 10 * T ))
  for ((i = 0; i < limit; i++)); do
    grep -qE -- "$1" "$WORK/gasd.log" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "    gasd.log has no line matching /$1/"
  return 1
}
wait_file() { # wait_file PATH [SECONDS]
  local i limit=$(( ${2:-20} * 10 * T ))
  for ((i = 0; i < limit; i++)); do [ -e "$1" ] && return 0; sleep 0.1; done
  echo "    no file $1"; return 1
}
expect() { # expect NAME CMD...: ok if the command succeeds
  local name=$1; shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
require() { # require NAME CMD...: like expect, but the rest cannot run without it
  local name=$1; shift
  if "$@"; then ok "$name"; return 0; fi
  bad "$name (the remaining checks need it: stopping)"
  tail -20 "$WORK/gasd.log" | sed 's/^/    | /'
  finish "${SUITE:-pipeline}"
  exit 1
}
submit() { gas submit "$1" --user "$2"; }
