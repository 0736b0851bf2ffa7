#!/bin/bash
# The list cursor is visible on every terminal: under TERM=xterm-256color, screen-256color,
# linux and vt100, and with NO_COLOR, the cursor row is drawn with attributes that differ
# from every other row (reverse video), and no cell anywhere has the same foreground and
# background colour.
SUITE=console_selection
. "$(dirname "$0")/console_lib.sh"

gas users add ann --email ann@example.org >/dev/null
for i in 1 2 3 4 5; do gas submit "$SAMPLES/free_1.vcf" --user ann >/dev/null; done
gas cancel "$(gas jobs | awk 'NR == 2 {print $1}')" >/dev/null # a FAILED (red) row too

# check_rows SESSION: the cursor row (3rd row of the list) alone is in reverse video, and
# no cell is drawn with equal foreground and background
check_rows() {
  $TM capture-pane -e -p -t "$1" | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
rows = lines[3:8]                  # the 5 job rows (header, alert, titles first)
def attrs(line):
    """every (reverse, fg, bg) state a visible character is drawn with"""
    rev, fg, bg, seen = False, None, None, set()
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
        if m.group(2) is not None:
            if m.group(2) != " " or rev:
                seen.add((rev, fg, bg))
            continue
        ps = [p for p in m.group(1).split(";")] if m.group(1) else ["0"]
        i = 0
        while i < len(ps):
            p = int(ps[i] or 0)
            if p == 0: rev, fg, bg = False, None, None
            elif p == 7: rev = True
            elif p == 27: rev = False
            elif 30 <= p <= 37 or 90 <= p <= 97: fg = p % 10 + (8 if p >= 90 else 0)
            elif 40 <= p <= 47 or 100 <= p <= 107: bg = p % 10 + (8 if p >= 100 else 0)
            elif p == 39: fg = None
            elif p == 49: bg = None
            elif p in (38, 48) and i + 2 < len(ps) and ps[i + 1] == "5":
                if p == 38: fg = int(ps[i + 2])
                else: bg = int(ps[i + 2])
                i += 2
            i += 1
    return seen
bad = []
for n, line in enumerate(lines):
    for rev, fg, bg in attrs(line):
        if fg is not None and fg == bg:
            bad.append("line %d: fg == bg == %s" % (n + 1, fg))
cur = [i for i, r in enumerate(rows) if any(a[0] for a in attrs(r))]
if cur != [2]:
    bad.append("reverse video on rows %s, wanted only the 3rd" % cur)
elif any(attrs(rows[2]) & attrs(r) for i, r in enumerate(rows) if i != 2):
    bad.append("the cursor row shares its attributes with another row")
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)
'
}

n=0
for term in xterm-256color screen-256color linux vt100 NO_COLOR; do
  n=$((n + 1)); s=s$n
  if [ "$term" = NO_COLOR ]; then console $s 80 24 NO_COLOR=1; else console $s 80 24 TERM=$term; fi
  press $s overview 2
  wait_screen 'row 1/5 jobs' $s >/dev/null
  press $s jobs j j
  expect "$term: the cursor moved to row 3" wait_screen 'row 3/5 jobs' $s
  expect "$term: only the cursor row is in reverse video; no fg == bg anywhere" check_rows $s
  $TM kill-session -t $s
done
finish_pipeline console_selection
