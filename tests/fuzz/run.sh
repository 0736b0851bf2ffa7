#!/bin/bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for
# GAS_FUZZ_SECONDS (default 30) from its seed corpus; ends with "fuzz: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
secs=${GAS_FUZZ_SECONDS:-30}
out=build/fuzz
mkdir -p "$out"
flags="-g -O1 -std=c17 -D_GNU_SOURCE -Iinclude -fsanitize=fuzzer,address,undefined $(pkg-config --cflags htslib libcjson sqlite3 libcurl libxml-2.0 libpq)"
libs="$(pkg-config --libs htslib libcjson sqlite3 openssl libcurl libxml-2.0 libpq) -lm -pthread"
passed=0 failed=0
for t in tests/fuzz/fuzz_*.c; do
  name=$(basename "$t" .c)
  if ! clang $flags -o "$out/$name" "$t" common/*.c common/*/*.c $libs 2>"$out/$name.build.log"; then
    echo "FAIL $name: does not build"; cat "$out/$name.build.log"; failed=$((failed + 1)); continue
  fi
  corpus=$out/corpus-${name#fuzz_}
  mkdir -p "$corpus"
  cp tests/fuzz/corpus/${name#fuzz_}/* "$corpus"/ 2>/dev/null
  if "$out/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=4096 \
       -artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1; then
    echo "ok   $name ($(grep -o 'Done [0-9]* runs' "$out/$name.log" | tail -1), no finding)"
    passed=$((passed + 1))
  else
    echo "FAIL $name: see $out/$name.log"; tail -30 "$out/$name.log"; failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
