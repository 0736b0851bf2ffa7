# Shell test helpers for tests/system: source it, call `check NAME CMD...` or
# `check_out NAME PATTERN CMD...`, then `finish SUITE` (prints "SUITE: N passed, N failed").
# GAS_BIN (set by tests/run.sh) names the binaries; GAS_WRAP wraps them (valgrind).
: "${GAS_BIN:=$PWD/build/release/bin}"
_p=0 _f=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gas-sys-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# gas and gasd as commands on PATH (so that `env X=1 gas ...` works too), wrapped if asked
mkdir -p "$WORK/.bin" "$WORK/.san"
_wrap=${GAS_WRAP:-}
[ -n "$_wrap" ] && _wrap="$_wrap --log-file=$WORK/.san/valgrind.%p"
for _b in gas gasd; do
  printf '#!/bin/sh\nexec %s "%s/%s" "$@"\n' "$_wrap" "$GAS_BIN" "$_b" > "$WORK/.bin/$_b"
  chmod +x "$WORK/.bin/$_b"
done
export PATH="$WORK/.bin:$PATH"
# no config file of the machine's user (gas looks in ${XDG_CONFIG_HOME:-~/.config}/gas)
export XDG_CONFIG_HOME=$WORK/.xdg
ok()   { _p=$((_p + 1)); echo "ok   $1"; }
bad()  { _f=$((_f + 1)); echo "FAIL $1"; shift; [ $# -gt 0 ] && printf '    %s\n' "$@"; }
skip() { _s=$((_s + 1)); echo "skip $1"; } # a check this run cannot make: counted as skipped
# check NAME WANT_EXIT CMD...: the command exits with WANT_EXIT
check() {
  local name=$1 want=$2; shift 2
  local out; out=$("$@" 2>&1); local rc=$?
  if [ "$rc" = "$want" ]; then ok "$name"; else bad "$name" "exit $rc, expected $want" "$out"; fi
}
# check_out NAME WANT_EXIT PATTERN CMD...: exits WANT_EXIT and prints a line matching PATTERN
check_out() {
  local name=$1 want=$2 pat=$3; shift 3
  local out; out=$("$@" 2>&1); local rc=$?
  if [ "$rc" = "$want" ] && grep -qE -- "$pat" <<<"$out"; then ok "$name"
  else bad "$name" "exit $rc (expected $want), output lacks /$pat/:" "$out"; fi
}
# every process these tests start writes sanitizer reports here; any report fails the suite
mkdir -p "$WORK/.san"
export ASAN_OPTIONS="${ASAN_OPTIONS:-} log_path=$WORK/.san/asan"
export TSAN_OPTIONS="${TSAN_OPTIONS:-} log_path=$WORK/.san/tsan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-} log_path=$WORK/.san/ubsan"
finish() {
  if [ -n "$(find "$WORK/.san" -type f -size +0 2>/dev/null)" ]; then
    bad "no sanitizer or valgrind report from any process" \
      "$(find "$WORK/.san" -type f -size +0 -exec head -c 3000 {} + | head -40)"
  else
    ok "no sanitizer or valgrind report from any process"
  fi
  echo "$1: $_p passed, $_f failed${_s:+, $_s skipped}"; [ "$_f" = 0 ]
}
