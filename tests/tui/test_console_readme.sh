#!/bin/bash
# README's console section lists exactly the keys of the binding table (the table that
# drives the console's dispatch, `?` and --list-bindings): the block between its markers is
# what tests/tui/readme_keys.py makes of `gas console --list-bindings`.
SUITE=console_readme
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../system/lib.sh"
README=$HERE/../../README.md

gas console --list-bindings > "$WORK/bindings" 2>&1
check "gas console --list-bindings works" 0 test -s "$WORK/bindings"
python3 "$HERE/readme_keys.py" < "$WORK/bindings" > "$WORK/want"
sed -n '/^<!-- keys: generated/,/^<!-- \/keys -->/p' "$README" > "$WORK/have"
check "README has the generated key block" 0 grep -q '^| `q` | every view | quit |$' "$WORK/have"
if diff -u "$WORK/have" "$WORK/want" > "$WORK/diff"; then
  ok "README's key list is the binding table"
else
  bad "README's key list is the binding table (run: gas console --list-bindings | tests/tui/readme_keys.py --write README.md)" \
    "$(head -20 "$WORK/diff")"
fi
rows=$(grep -c '^| `' "$WORK/have")
check "every binding has a row ($rows rows for $(wc -l < "$WORK/bindings") bindings)" 0 \
  test "$rows" -ge 25
# the README's prose names keys the console has, not the old ones
for old in '`S`' '`R`' 'Space refreshes'; do
  check "README's console section does not mention $old" 1 \
    sh -c "sed -n '/^## The console/,/^## Annotation/p' '$README' | grep -qF -- '$old'"
done
finish console_readme
