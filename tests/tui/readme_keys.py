#!/usr/bin/env python3
"""README's console key table, made from `gas console --list-bindings` (the binding table).

  gas console --list-bindings | tests/tui/readme_keys.py            prints the block
  gas console --list-bindings | tests/tui/readme_keys.py --write README.md
                                                                      replaces it in README.md
test_console_readme.sh checks that README.md holds exactly what this prints."""
import sys

BEGIN = "<!-- keys: generated from `gas console --list-bindings` by tests/tui/readme_keys.py -->"
END = "<!-- /keys -->"
LABELS = {"NPage": "PgDn", "PPage": "PgUp", "C-d": "^d", "C-u": "^u", "BTab": "S-Tab",
          "Escape": "Esc"}
TOP = ["overview", "jobs", "users", "dead", "workers"]
LISTS = ["jobs", "users", "dead", "workers"]
ALL = TOP + ["detail", "help"]
NAMES = {"dead": "dead letters", "detail": "job detail"}


def where(views):
    v = views.split(",")
    if set(v) == set(ALL):
        return "everywhere"
    parts, rest = [], list(v)
    for group, name in ((TOP, "every view"), (LISTS, "lists")):
        if set(group) <= set(rest):
            parts.append(name)
            rest = [x for x in rest if x not in group]
            break
    return ", ".join(parts + [NAMES.get(x, x) for x in rest])


def block(lines):
    rows = [l.rstrip("\n").split("\t") for l in lines if l.strip()]
    out = [BEGIN, "", "| keys | where | what |", "|---|---|---|"]
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and (rows[j][1], rows[j][3]) == (rows[i][1], rows[i][3]):
            j += 1
        keys = " ".join("`%s`" % LABELS.get(r[0], r[0]).replace("|", "\\|") for r in rows[i:j])
        out.append("| %s | %s | %s |" % (keys, where(rows[i][1]), rows[i][3]))
        i = j
    return "\n".join(out + ["", END])


def main():
    text = block(sys.stdin.readlines())
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        readme = open(sys.argv[2]).read()
        a, b = readme.index(BEGIN), readme.index(END) + len(END)
        open(sys.argv[2], "w").write(readme[:a] + text + readme[b:])
    else:
        print(text)


main()
