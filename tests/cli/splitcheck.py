#!/usr/bin/env python3
"""tests/cli/splitcheck.py TEXT... - finds dates, check ids and digests that a
report's text (pdftotext -raw: lines in drawing order) splits across lines.

For each pair of consecutive lines it joins the last word of the first with
the first word of the second (also without a trailing hyphen, for words
hyphenated at the end of a line); a date (YYYY-MM-DD), check id (PM-01) or
64-digit hex digest that appears in the join but in neither word alone was
split. Prints FILE:LINE: split "A" / "B" (pattern) for each and exits 1 when
there is one."""
import re
import sys

PATTERNS = [
    ("date", re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")),
    ("check id", re.compile(r"\b[A-Z]+-[0-9]{2}\b")),
    ("digest", re.compile(r"[0-9a-f]{64}")),
]


def found(rx, s):
    return {m.group(0) for m in rx.finditer(s)}


def main(paths):
    bad = 0
    for path in paths:
        lines = open(path, encoding="utf-8").read().split("\n")
        for i in range(len(lines) - 1):
            a, b = lines[i].split(), lines[i + 1].split()
            if not a or not b:
                continue
            tail, head = a[-1], b[0]
            joins = [tail + head]
            if tail.endswith("-"):
                joins.append(tail[:-1] + head)
            for name, rx in PATTERNS:
                alone = found(rx, tail) | found(rx, head)
                for j in joins:
                    for m in found(rx, j) - alone:
                        # A match only if it spans the join point.
                        print('%s:%d: split "%s" / "%s" (%s %s)' % (path, i + 1, tail, head, name, m))
                        bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
