#!/bin/bash
# Runs every test suite: the unit test binaries, the backend conformance suite (on the
# local backend, and on AWS when GAS_TEST_AWS_ENDPOINT is set), and the system scripts.
# Each suite ends with "<suite>: N passed, N failed"; this ends with the totals.
#   GAS_BUILD=build/<variant>   which build to test (default build/release)
#   GAS_VALGRIND=1              run the binaries under valgrind's memcheck
#   GAS_FUZZ_SECONDS=N          also run each libFuzzer target for N seconds (make asan: 30)
#   tests/run.sh [FILTER]       only suites whose name contains FILTER
set -u
cd "$(dirname "$0")/.."
B=${GAS_BUILD:-build/release}
FILTER=${1:-}
# the programs and the test binaries of that build, made or brought up to date first (after
# a plain `make` the test binaries are missing; after an edit they are stale): quick when
# nothing changed. make check has made them already.
if [ "${GAS_RUN_NO_MAKE:-0}" != 1 ] && [[ "$B" == build/* ]]; then
  make -s VARIANT="${B#build/}" tests >/dev/null || { echo "tests/run.sh: make VARIANT=${B#build/} tests failed"; echo "total: 0 passed, 1 failed, 0 skipped"; exit 1; }
fi
export GAS_BIN=$PWD/$B/bin GAS_ROOT=$PWD
WRAP=()
if [ "${GAS_VALGRIND:-0}" = 1 ]; then
  WRAP=(valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect
        --errors-for-leak-kinds=definite,indirect --suppressions=$PWD/tests/valgrind.supp)
  export GAS_WRAP="${WRAP[*]}" GAS_SLOW=1
fi
# tsan: report and fail on the first race; asan: fail on leaks too
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="detect_leaks=1 abort_on_error=1 ${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 ${UBSAN_OPTIONS:-}"

passed=0 failed=0 skipped=0
declare -a failures=() timings=()
T0=$SECONDS
suite() { # name, command...
  local name=$1; shift
  [ -n "$FILTER" ] && [[ "$name" != *"$FILTER"* ]] && return
  echo "== $name"
  local t0=$SECONDS
  local log; log=$(mktemp)
  # a pipeline, not "> >(tee)": bash's wait can return before a process substitution has
  # written its last line, and a suite would read as having no summary (1 in ~150 under load)
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  # the failed checks' names go into the summary too: the end of a long log says what failed
  local which; which=$(grep -E '^(FAIL|not ok) ' "$log" | head -n 3 | cut -c 1-120 | paste -sd ';')
  # a check whose command does not exist (a helper the script's library lacks) ran nothing
  local missing; missing=$({ grep -E '^[^ ]*test_[a-z_0-9]+\.sh: line [0-9]+: .*: command not found$' "$log"
                           grep -E '^sh: [0-9]+: [^ ]+: not found$' "$log"; } | head -n 3 | paste -sd ';')
  rm -f "$log"
  timings+=("$((SECONDS - t0)) $name")
  if [ -n "$missing" ]; then
    echo "!! $name ran a command that does not exist: $missing"
    failed=$((failed + 1)); failures+=("$name (missing command: ${missing:0:160})")
  fi
  if [ -z "$line" ]; then
    if [ "$rc" = 127 ]; then
      echo "!! $name: its program was not found (exit 127): is $B built? (make VARIANT=${B#build/} tests)"
    else
      echo "!! $name exited $rc without a summary line (crash or hang?)"
    fi
    failed=$((failed + 1)); failures+=("$name (no summary, exit $rc)")
    return
  fi
  local p f
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.*passed, ([0-9]+) failed.*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f))
  if [[ "$line" =~ ([0-9]+)\ skipped ]]; then skipped=$((skipped + BASH_REMATCH[1])); fi
  [ "$f" -gt 0 ] && failures+=("$name ($f failed: ${which//;/; })")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "!! $name exited $rc after its summary (sanitizer, valgrind or leak report)"
    failed=$((failed + 1)); failures+=("$name (exit $rc)")
  fi
}

for t in "$B"/tests/test_*; do
  [ -x "$t" ] && suite "unit/$(basename "$t")" "${WRAP[@]}" "$t"
done
suite "conformance/local" env GAS_BACKEND=local "${WRAP[@]}" "$B/tests/conformance"
# AWS: against moto_server on 127.0.0.1 (.ci/run starts one; otherwise started here), with
# test credentials and the instance metadata service off (nothing leaves the machine)
MOTO_DIR=
if [ -z "${GAS_TEST_AWS_ENDPOINT:-}" ] && [ "${GAS_NO_AWS:-0}" != 1 ]; then
  MOTO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gas-moto-XXXXXX")
  if GAS_TEST_AWS_ENDPOINT=$(scripts/moto.sh start "$MOTO_DIR"); then
    export GAS_TEST_AWS_ENDPOINT
    trap 'scripts/moto.sh stop "$MOTO_DIR"; rm -rf "$MOTO_DIR"' EXIT
  else
    failed=$((failed + 1)); failures+=("moto_server did not start: no AWS tests ran")
  fi
fi
if [ -n "${GAS_TEST_AWS_ENDPOINT:-}" ]; then
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN= \
    AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_CONFIG_FILE=/dev/null
  unset AWS_SESSION_TOKEN AWS_PROFILE
  for mode in s3 glacier; do
    suite "conformance/aws-$mode" env GAS_BACKEND=aws GAS_AWS_ENDPOINT="$GAS_TEST_AWS_ENDPOINT" \
      GAS_COLD_MODE=$mode GAS_ARCHIVE_VAULT="conf-$mode-$$" "${WRAP[@]}" "$B/tests/conformance"
  done
else
  echo "!! GAS_NO_AWS=1: the AWS suites did not run"
fi
for s in tests/system/test_*.sh; do
  [ -f "$s" ] && suite "system/$(basename "$s" .sh)" bash "$s"
done
for s in tests/tui/test_*.sh; do
  [ -f "$s" ] && suite "tui/$(basename "$s" .sh)" bash "$s"
done

if [ -n "${GAS_FUZZ_SECONDS:-}" ]; then
  suite "fuzz" tests/fuzz/run.sh
fi

echo
# where the time goes (the suite is to stay under 15 minutes): the slowest suites
echo "time: $((SECONDS - T0)) s in all; the slowest suites:"
printf '%s\n' "${timings[@]}" | sort -rn | head -n 8 | awk '{ printf "  %5d s  %s\n", $1, $2 }'
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
