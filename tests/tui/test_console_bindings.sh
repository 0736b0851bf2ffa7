#!/bin/bash
# The binding table and the tests agree: every binding that `gas console --list-bindings`
# prints is pressed, in one of its views, by some test under tests/tui (their `press
# SESSION VIEW KEY...` lines), so a new binding without a test fails here. Then the keys
# no journey needs: the views by number, p (pause), F5 (refresh now), and the dead-letter
# actions (Space, r, A).
SUITE=console_bindings
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/console_lib.sh"

gas setup >/dev/null
gas console --list-bindings > "$WORK/bindings"
expect "--list-bindings prints the table" test "$(wc -l < "$WORK/bindings")" -ge 30
missing=$(python3 - "$WORK/bindings" "$HERE"/test_*.sh <<'PY'
import re, shlex, sys
table = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
pressed = set()
for path in sys.argv[2:]:
    for line in open(path):
        m = re.match(r"\s*(?:.*;\s*)?press\s+(\S+)\s+(\S+)\s+(.*)", line)
        if not m:
            continue
        try:
            words = shlex.split(m.group(3), comments=True)
        except ValueError:
            continue
        for w in words:
            if w in (";", "&&", "||") or w.startswith("$"):
                break
            pressed.add((m.group(2), w))
for name, views, action, help_ in table:
    if not any((v, name) in pressed for v in views.split(",")):
        print("%s (%s: %s)" % (name, views, action))
print("checked %d bindings against %d presses" % (len(table), len(pressed)))
PY
)
expect "the check ran over the table and the tests" grep -qE '^checked [3-9][0-9] bindings against [0-9]{2,} presses' <<<"$missing"
missing=$(grep -v '^checked ' <<<"$missing")
expect "every binding is pressed by a test in one of its views" test -z "$missing"
[ -n "$missing" ] && echo "$missing" | sed 's/^/    not pressed: /'

# keys that only need to be seen to work (on a system made by gas setup: the console needs
# one)
gas setup >/dev/null
console c 80 24 GAS_CONSOLE_REFRESH=30
press c overview 2
expect "2: jobs" wait_screen '^GAS \[Jobs\]'
press c jobs 3
expect "3: users" wait_screen '^GAS \[Users\]'
press c users 4
expect "4: dead letters" wait_screen '^GAS \[Dead letters\]'
press c dead 5
expect "5: workers" wait_screen '^GAS \[Workers\]'
press c workers 1
expect "1: overview" wait_screen '^GAS \[Overview\]'
press c overview p
expect "p pauses" wait_screen '^GAS \[Overview\] PAUSED'
press c overview p
expect "p again resumes" wait_gone 'PAUSED'
sleep $((3 * T))
press c overview F5
expect "F5 refreshes now (the 30 s refresh would not)" wait_screen ' age 0\.[0-9]s'

# dead letters: three, from the archive pipeline (malformed); gasd then stopped so that the
# redriven letters stay on their queue
start_gasd
D1=$(gas send gas_archive 'not json 1')
D2=$(gas send gas_archive 'not json 2')
D3=$(gas send gas_archive 'not json 3')
dead() { gas status --json | python3 -c 'import json,sys; print(sum(q["dead"] for q in json.load(sys.stdin)["queues"]))'; }
for i in $(seq 1 $((100 * T))); do [ "$(dead)" = 3 ] && break; sleep 0.2; done
require "three dead letters" test "$(dead)" = 3
stop_gasd
press c overview 4 F5
require "the view lists them" wait_screen 'row 1/3 dead letters'
# sent in one second, their ids start alike (time-ordered): the MESSAGE column shows their
# ends, which tell them apart, and are what gas dlq redrive takes
expect "the first letter by its id's end" wait_screen "gas_archive +\.\.${D1: -8} "
expect "the second by its own" wait_screen "gas_archive +\.\.${D2: -8} "
press c dead Space
expect "Space marks the dead letter" wait_screen 'marked: 1'
press c dead r
expect "r with one mark: the question names it and its queue" \
  wait_screen '^letter [0-9a-f-]+ from gas_archive\? \(y/n\)'
expect "... after saying that, dead-lettered for its body (malformed), it comes back" \
  wait_screen '^It was dead-lettered for its body: unchanged, it comes back\. Redrive dead$'
answer c y
expect "the console says it was redriven" wait_screen 'dead letter [0-9a-f-]+ redriven'
expect "two dead letters left (gas status)" sh -c "for i in \$(seq 1 50); do [ \"\$($(declare -f dead); dead)\" = 2 ] && exit 0; sleep 0.2; done; exit 1"
press c dead F5
expect "the view shows two" wait_screen 'row 1/2 dead letters'
# two marked letters: the question names both by their ids' ends, as the list shows them
ends=$(gas dlq list --json | python3 -c 'import json,sys; print(" ".join(l["message_id"][-8:] for l in json.load(sys.stdin)))')
require "gas dlq list gives the two letters' ends" test "$(wc -w <<<"$ends")" = 2
press c dead Space
wait_screen 'marked: 1' > /dev/null
press c dead Space
expect "Space on the second: two marked" wait_screen 'marked: 2'
press c dead d
for e in $ends; do
  expect "d with two marks: the question names ..$e" wait_screen "Delete 2 marked dead letters \\(.*\\.\\.$e.*\\) for good\\? \\(y/n\\)"
done
answer c n
wait_gone '\(y/n\)' > /dev/null
expect "n: both kept (still two)" test "$(dead)" = 2
press c dead Escape
expect "Esc clears the marks" wait_gone 'marked: '
# d deletes the letter under the cursor for good, after a question that names it
cur=$(screen | grep -oE 'message [0-9a-f-]{36}' | head -1 | cut -d' ' -f2)
press c dead d
expect "d: the question names the letter and its queue, and says it is for good" \
  wait_screen "Delete dead letter $cur from gas_archive"
expect "... for good? (y/n), wrapped at 80 columns" wait_screen 'good\? \(y/n\)$'
answer c n
wait_gone '\(y/n\)' > /dev/null
expect "n: nothing deleted (still two)" test "$(dead)" = 2
press c dead d
wait_screen 'good\? \(y/n\)$' > /dev/null
answer c y
expect "y: the console says it was deleted" wait_screen "dead letter $cur deleted"
expect "one dead letter left (gas status)" sh -c "for i in \$(seq 1 50); do [ \"\$($(declare -f dead); dead)\" = 1 ] && exit 0; sleep 0.2; done; exit 1"
expect "... not the one deleted (gas dlq list)" sh -c "out=\$(gas dlq list) && ! printf '%s\\n' \"\$out\" | grep -qF -- '$cur'"
press c dead F5
expect "the view shows one" wait_screen 'row 1/1 dead letters'
press c dead A
expect "A asks, with the count, saying it comes back" \
  wait_screen '^It was dead-lettered for its body: unchanged, it comes back\. Redrive the 1 dead$'
answer c y
expect "A: redriven" wait_screen '1 dead letter redriven'
expect "no dead letter left" sh -c "for i in \$(seq 1 50); do [ \"\$($(declare -f dead); dead)\" = 0 ] && exit 0; sleep 0.2; done; exit 1"
finish_pipeline console_bindings
