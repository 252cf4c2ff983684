#!/bin/sh
# tests/cli/breaks.sh - line breaking in the reports (issue #13, item 5): no
# sample report (nor the world-text record's) splits a date, a check id or a
# SHA-256 digest across lines; every digest the integrity appendix prints is
# on one line; the issue's cases are whole (the risk register's expiry date,
# "Pass (unevidenced)", the record's SHA-256, URLs, which break only after
# "/", ".", "?", "&" or "="); every URL of a record's evidence is a Link
# annotation opening exactly that URL; the reports stay PDF/A-1b.
#
# Text comes from pdftotext -raw (lines in drawing order, so a cell's lines
# follow each other); tests/cli/splitcheck.py finds the splits.
#
# Needs pdftotext (poppler-utils), qpdf and, for Preflight, java with PDFBox
# 2 as tests/cli/pdfa.sh does (else that case is skipped).

cd "$(dirname "$0")/../.." || exit 2

SUITE=breaks
. tests/lib.sh
suite_start pdftotext qpdf

mkdir -p "$tmp/pdf"
records="samples/*.xml tests/fixtures/world-text.xml"

begin "every sample and the world-text record render"
for f in $records; do
    b=$(basename "$f" .xml)
    run report "$f" -o "$tmp/pdf/$b.pdf" -q
    expect_rc 0
    pdftotext -raw "$tmp/pdf/$b.pdf" "$tmp/pdf/$b.raw" 2>"$tmp/err" || problem "$b: pdftotext failed"
    pdftotext -layout "$tmp/pdf/$b.pdf" "$tmp/pdf/$b.txt" 2>"$tmp/err" || problem "$b: pdftotext failed"
done
end

begin "no date, check id or digest is split across lines"
"$PY" tests/cli/splitcheck.py "$tmp"/pdf/*.raw >"$tmp/splits" 2>&1 ||
    problem "splits:" "$(excerpt "$tmp/splits" 20)"
end

begin "the splitter finds a split date, id and digest (its own check)"
printf 'until 2026-10-3\n1 EXPIRED\nsee COST-\n04 and 74f5bdbcf3b3b359f90fe628523863\n7ed64480f9bae39571664a7d25c7c44421\nhyphen-\nated 2026-10-31 whole\n' >"$tmp/split.raw"
"$PY" tests/cli/splitcheck.py "$tmp/split.raw" >"$tmp/out" 2>&1
[ $? -eq 1 ] || problem "splitcheck.py did not fail"
[ "$(grep -c split "$tmp/out")" -eq 3 ] || problem "expected 3 splits:" "$(excerpt "$tmp/out")"
grep -q '(date 2026-10-31)' "$tmp/out" || problem "date not found:" "$(excerpt "$tmp/out")"
grep -q '(check id COST-04)' "$tmp/out" || problem "id not found:" "$(excerpt "$tmp/out")"
grep -q '(digest 74f5bdbcf3b3b359f90fe6285238637ed64480f9bae39571664a7d25c7c44421)' "$tmp/out" ||
    problem "digest not found:" "$(excerpt "$tmp/out")"
end

begin "each record's SHA-256 and the checklist's are whole on one line of the integrity appendix"
cl=$(sha256sum templates/llmops-readiness.xml | awk '{print $1}')
for f in $records; do
    b=$(basename "$f" .xml)
    d=$(sha256sum "$f" | awk '{print $1}')
    grep -q "^Record SHA-256 *$d\$" "$tmp/pdf/$b.txt" || problem "$b: no line \"Record SHA-256 $d\""
    grep -q "^Checklist SHA-256 *$cl\$" "$tmp/pdf/$b.txt" ||
        problem "$b: no line \"Checklist SHA-256 $cl\""
    # Every 64-digit digest of the report is whole on its line.
    n=$(grep -Eo '[0-9a-f]{64}' "$tmp/pdf/$b.raw" | wc -l)
    [ "$n" -ge 4 ] || problem "$b: only $n whole digests"
done
end

begin "issue case: the risk register's expiry date is whole, EXPIRED after it"
grep -q 'SEC-04 .*2026-05-12 2026-10-31 EXPIRED' "$tmp/pdf/accepted-risks-overdue.txt" ||
    problem "no risk register row \"SEC-04 ... 2026-05-12 2026-10-31 EXPIRED\":" \
        "$(grep -n 'EXPIRED' "$tmp/pdf/accepted-risks-overdue.txt" | head -n 5)"
grep -q '2026-10-3$' "$tmp/pdf/accepted-risks-overdue.raw" && problem "a line ends in 2026-10-3"
end

begin "issue case: status cells read \"Pass (unevidenced)\" on one line"
n=$(grep -c 'Pass (unevidenced)' "$tmp/pdf/draft-unsigned.raw")
[ "$n" -ge 3 ] || problem "\"Pass (unevidenced)\" on $n lines, expected at least 3"
grep -Eq '(unevidenc|\(unevi-?|Pass)$' "$tmp/pdf/draft-unsigned.raw" &&
    problem "a status broken at the end of a line:" "$(grep -En '(unevidenc|\(unevi-?|Pass)$' "$tmp/pdf/draft-unsigned.raw" | head -n 3)"
end

# The URLs of a record's link evidence.
urls() {
    sed -n 's/.*<evidence kind="link" ref="\(http[^"]*\)".*/\1/p' "$1" | sed 's/&amp;/\&/g' | sort -u
}

begin "issue case: URLs break only after / . ? & = and come back whole"
for f in samples/regulated-credit-advisor.xml samples/accepted-risks-overdue.xml; do
    b=$(basename "$f" .xml)
    urls "$f" >"$tmp/urls"
    [ -s "$tmp/urls" ] || problem "$b: no link evidence"
    "$PY" - "$tmp/pdf/$b.raw" "$tmp/urls" >"$tmp/out" 2>&1 <<'EOF' || problem "$b:" "$(excerpt "$tmp/out" 10)"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
bad = split = 0
for url in open(sys.argv[2], encoding="utf-8").read().split():
    seen = 0
    for i, line in enumerate(lines):
        words = line.split()
        if any(w.rstrip(":,;") == url for w in words):
            seen += 1  # whole on one line
            continue
        if not words or not words[-1].startswith("http") or not url.startswith(words[-1]):
            continue
        # The URL from the last word of this line on, over the next lines.
        got, pieces, k = words[-1], [words[-1]], i
        while got != url and k + 1 < len(lines) and lines[k + 1].split():
            nxt = lines[k + 1].split()[0].rstrip(":,;")
            if not url.startswith(got + nxt):
                break
            got, k = got + nxt, k + 1
            pieces.append(nxt)
        if got != url:
            continue
        seen += 1
        split += len(pieces) > 1
        for p in pieces[:-1]:
            if p[-1] not in "/.?&=":
                print("%s broken after %r" % (url, p))
                bad = 1
    if not seen:
        print("%s not found whole in the text" % url)
        bad = 1
if not split:
    print("no URL spans lines: nothing was checked")
    bad = 1
sys.exit(bad)
EOF
done
end

begin "every link URL of a record is a Link annotation with that /URI, printable, no JavaScript"
for f in samples/regulated-credit-advisor.xml samples/accepted-risks-overdue.xml; do
    b=$(basename "$f" .xml)
    urls "$f" >"$tmp/urls"
    qpdf --json "$tmp/pdf/$b.pdf" >"$tmp/json" 2>"$tmp/err" || problem "$b: qpdf --json failed"
    "$PY" - "$tmp/json" "$tmp/urls" >"$tmp/out" 2>&1 <<'EOF' || problem "$b:" "$(excerpt "$tmp/out" 10)"
import json, sys
j = json.load(open(sys.argv[1]))
objs = j["qpdf"][1] if "qpdf" in j else j["objects"]
want = set(open(sys.argv[2], encoding="utf-8").read().split())
got, bad = set(), 0
for key, obj in objs.items():
    v = obj.get("value", obj) if isinstance(obj, dict) else obj
    if not isinstance(v, dict) or v.get("/Subtype") != "/Link" or "/A" not in v:
        continue
    a = v["/A"]
    if a.get("/S") != "/URI" or v.get("/F") != 4:
        print("%s: not a printable URI link: %s" % (key, v))
        bad = 1
    uri = a.get("/URI", "")
    got.add(uri[2:] if uri.startswith("u:") else uri)
    if "/JS" in a or a.get("/S") == "/JavaScript":
        print("%s: JavaScript" % key)
        bad = 1
for u in sorted(want - got):
    print("no link to %s" % u)
    bad = 1
for u in sorted(got - want):
    print("link to %s, which the record does not cite" % u)
    bad = 1
sys.exit(bad)
EOF
done
end

begin "reports with links pass qpdf --check"
for b in regulated-credit-advisor accepted-risks-overdue world-text; do
    qpdf --check "$tmp/pdf/$b.pdf" >"$tmp/qpdf" 2>&1 || problem "$b: qpdf:" "$(excerpt "$tmp/qpdf" 10)"
done
end

preflight_find
if [ "$preflight" != yes ]; then
    skip "a report with URL links passes PDFBox Preflight (PDF/A-1b)" "$preflight"
else
    begin "a report with URL links passes PDFBox Preflight (PDF/A-1b)"
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
        org.apache.pdfbox.preflight.Validator_A1b "$tmp/pdf/regulated-credit-advisor.pdf" >"$tmp/preflight" 2>&1
    grep -q "is a valid PDF/A-1b file" "$tmp/preflight" || problem "Preflight said:" "$(excerpt "$tmp/preflight" 15)"
    end
fi

suite_end
