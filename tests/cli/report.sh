#!/bin/sh
# tests/report.sh - the PDF report, checked from outside with the tools an
# auditor has (DESIGN.md "The report", "Quality bars").
#
# Run as `sh tests/report.sh` from anywhere (tests/run.sh does); needs
# ./readyaudit built, python3, and qpdf, pdffonts, pdftotext, pdfinfo
# (packages qpdf and poppler-utils). Quiet on success: each failed case prints
# "FAIL: case" and what was expected and what came out; the last line is
# always "report: N passed, N failed, N skipped", and the exit status is 1 when a case
# failed. Set V=1 to list every case as it runs.
#
# What it checks, for every samples/*.xml: the report renders; qpdf finds no
# error; every font is embedded and none is Type 3; pdftotext extracts the
# facts `readyaudit score --format json` states (system, score, verdict,
# sign-off, gap check IDs, approvers) without a warning; every page has
# "Page X of Y" and, when not signed off, DRAFT or REJECTED; the outline has
# every layer; re-runs are byte-identical; output is atomic. Then a stress
# record made at run time (long texts, 300 evidence items, scripts and
# characters the font lacks, PDF syntax in text) must render inside the margins.
#
# Golden text: tests/golden/NAME.txt is `pdftotext -layout` of the report of
# samples/NAME.xml (poppler-utils 22.12, Debian 12). After a deliberate change
# of the report, regenerate them and read the diff before committing:
#   for n in mvp-support-bot regulated-credit-advisor; do ./readyaudit report samples/$n.xml -o /tmp/$n.pdf -q && pdftotext -layout /tmp/$n.pdf tests/golden/$n.txt; done

cd "$(dirname "$0")/../.." || exit 2

GOLDEN="mvp-support-bot regulated-credit-advisor"
# The layout's margins (src/layout/layout.h: 20 mm) and how far a glyph box may
# stray past them (pdftotext rounds boxes).
MARGIN=56.69
SLACK=0.5

SUITE=report
. tests/lib.sh
suite_start qpdf pdffonts pdftotext pdfinfo

# ------------------------------------------------------------------ harness

expect_err_empty() {
    [ -s "$tmp/err" ] && problem "stderr: expected nothing, got:" "$(excerpt "$tmp/err")"
    return 0
}

# pdf_checks PDF: qpdf --check is clean; every font is embedded, none Type 3;
# pdftotext extracts the text (into PDF.txt) without a word on stderr.
pdf_checks() {
    if ! qpdf --check "$1" >"$tmp/qpdf" 2>&1; then
        problem "qpdf --check $1 failed:" "$(grep -v '^checking\|^PDF Version\|^File is not\|^File is linear' "$tmp/qpdf" | head -n 8)"
    fi
    if ! pdffonts "$1" >"$tmp/fonts" 2>&1; then
        problem "pdffonts $1 failed:" "$(excerpt "$tmp/fonts")"
    else
        # name type... encoding emb sub uni objnum gen: emb is field NF-4.
        nfonts=$(awk 'NR > 2' "$tmp/fonts" | grep -c .)
        [ "$nfonts" -gt 0 ] || problem "pdffonts lists no font at all"
        bad=$(awk 'NR > 2 && ($(NF - 4) != "yes" || /Type 3/)' "$tmp/fonts")
        [ -n "$bad" ] && problem "fonts not embedded or Type 3:" "$(sed -n 1p "$tmp/fonts")" "$bad"
    fi
    pdftotext "$1" "$1.txt" 2>"$tmp/ptt-err" || problem "pdftotext $1 failed"
    [ -s "$tmp/ptt-err" ] && problem "pdftotext printed on stderr:" "$(excerpt "$tmp/ptt-err")"
    return 0
}

# page_count PDF: the number of pages pdfinfo reports.
page_count() {
    pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'
}

# pages PDF: the text of each page into PDF.pN.txt; $npages.
pages() {
    npages=$(page_count "$1")
    npages=${npages:-0}
    i=1
    while [ "$i" -le "$npages" ]; do
        pdftotext -f "$i" -l "$i" "$1" "$1.p$i.txt" 2>/dev/null
        i=$((i + 1))
    done
}

# layout_page PDF N: the `pdftotext -layout` text of page N on stdout.
layout_page() {
    pdftotext -layout -f "$2" -l "$2" "$1" - 2>/dev/null
}

# heading_page PDF HEADING: the first page (of $npages) that has HEADING as a
# line of its own; a contents line carries its page number, so it does not
# count. Prints nothing when no page has it.
heading_page() {
    hp=1
    while [ "$hp" -le "$npages" ]; do
        if layout_page "$1" "$hp" | grep -qxF "$2"; then
            echo "$hp"
            return 0
        fi
        hp=$((hp + 1))
    done
}

# flat FILE: its text with every run of white space made one space, so a
# sentence that wraps still matches.
flat() {
    tr -s ' \t\n' '   ' <"$1"
}

# expect_flat FILE TEXT: FILE, flattened, contains TEXT.
expect_flat() {
    flat "$1" | grep -qF "$2" || problem "$1 lacks: $2" "$(flat "$1" | head -c 600)"
}

# The content checker: argv = score JSON, report text, outline JSON, layer IDs
# of `readyaudit checklist` (one a line), then MODE; prints one line per unmet
# expectation. Text is compared with runs of white space made one space, so a
# name that wraps still counts as present.
cat >"$tmp/content.py" <<'EOF'
import json, re, sys

score = json.load(open(sys.argv[1], encoding="utf-8"))
raw = open(sys.argv[2], encoding="utf-8").read()
text = " ".join(raw.split())
outline = json.load(open(sys.argv[3], encoding="utf-8")).get("outlines", [])
layer_ids = [l.strip() for l in open(sys.argv[4], encoding="utf-8") if l.strip()]

VERDICT = {"ready": "Ready", "ready-with-conditions": "Ready with conditions", "not-ready": "Not ready"}
SIGNOFF = {"signed-off": "Signed off", "draft": "Draft", "rejected": "Rejected"}

def need(what, pattern):
    if not re.search(pattern, text):
        print("text lacks %s (/%s/)" % (what, pattern))

def has(what, s):
    s = " ".join(s.split())
    if s not in text:
        print("text lacks %s: %r" % (what, s))

has("the system name", score["system"]["name"])
has("the organisation", score["system"]["organisation"])
has("the record ID", score["assessment"])
need("the score " + score["score_display"], r"(?<![\d.])" + re.escape(score["score_display"]) + r"(?![\d])")
label = VERDICT.get(score["verdict"], "?" + score["verdict"])
need("the verdict '%s'" % label, r"Verdict:?\s+" + re.escape(label) + r"(?!\s+with\b)")
label = SIGNOFF.get(score["signoff"], "?" + score["signoff"])
need("the sign-off '%s'" % label, r"Sign-off:?\s+(status:\s+)?" + re.escape(label))
for c in score["checks"]:
    if c.get("gap"):
        need("gap " + c["id"], r"(?<![\w-])" + re.escape(c["id"]) + r"(?![\w-])")
for a in score["approvals"]:
    has("approver", a["name"])

# The outline: every layer of the checklist, and the sections DESIGN.md names.
titles = []
def walk(items):
    for o in items:
        titles.append((o.get("title", ""), o.get("destpageposfrom1")))
        walk(o.get("kids", []))
walk(outline)
names = {l["id"]: l["name"] for l in score["layers"]}
if sorted(names) != sorted(layer_ids):
    print("score JSON layers %s differ from the checklist's %s" % (sorted(names), sorted(layer_ids)))
for lid in layer_ids:
    name = names.get(lid, lid)
    hits = [t for t in titles if t[0].startswith(name)]
    if not hits:
        print("outline has no entry for layer '%s'; titles: %s" % (name, [t[0] for t in titles]))
        continue
    page = hits[0][1]
    try:
        ptext = " ".join(open("%s.p%d.txt" % (sys.argv[5], page), encoding="utf-8").read().split())
    except (OSError, TypeError):
        ptext = ""
    if name not in ptext:
        print("outline entry '%s' points to page %s, which does not show it" % (hits[0][0], page))
for section in ("executive summary", "layer overview", "action plan", "accepted-risk register",
                "sign-off", "methodology", "evidence index", "document integrity"):
    if not any(section in t[0].lower() for t in titles):
        print("outline has no '%s' entry" % section)
EOF

# --------------------------------------------------------- every sample

# The layer IDs of the checklist table (rows start with a check ID).
"$RA" checklist 2>/dev/null | awk '/^[A-Z][A-Z0-9]*-[0-9]+ / { print $2 }' | sort -u >"$tmp/layer-ids"
[ -s "$tmp/layer-ids" ] || echo "report: note: 'readyaudit checklist' listed no layers"

nsamples=0
for f in samples/*.xml; do
    [ -e "$f" ] || continue
    nsamples=$((nsamples + 1))
    n=$(basename "$f" .xml)
    pdf=$tmp/$n.pdf

    begin "report $f"
    run report "$f" -o "$pdf"
    expect_rc 0
    expect_err_empty
    [ -s "$pdf" ] || problem "no PDF at $pdf"
    end
    [ -s "$pdf" ] || continue

    begin "$n.pdf: qpdf --check, fonts embedded, pdftotext without warnings"
    pdf_checks "$pdf"
    end

    "$RA" score "$f" --format json >"$tmp/$n.json" 2>/dev/null
    qpdf --json --json-key=outlines "$pdf" >"$tmp/$n.outline.json" 2>"$tmp/err" ||
        echo '{}' >"$tmp/$n.outline.json"
    pages "$pdf"

    begin "$n.pdf: text states the record's facts; outline has every layer"
    res=$("$PY" "$tmp/content.py" "$tmp/$n.json" "$pdf.txt" "$tmp/$n.outline.json" \
        "$tmp/layer-ids" "$pdf" 2>&1)
    [ -n "$res" ] && problem "$res"
    end

    begin "$n.pdf: every page says 'Page X of Y'"
    [ "$npages" -gt 0 ] || problem "pdfinfo reports no pages"
    bad=
    i=1
    while [ "$i" -le "$npages" ]; do
        grep -qE "Page $i of $npages([^0-9]|\$)" "$pdf.p$i.txt" || bad="$bad $i"
        i=$((i + 1))
    done
    [ -n "$bad" ] && problem "pages without 'Page N of $npages':$bad"
    end

    signoff=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["signoff"])' "$tmp/$n.json" 2>/dev/null)
    case $signoff in
    draft) mark=DRAFT ;;
    rejected) mark=REJECTED ;;
    *) mark= ;;
    esac
    # The mark is a line of its own (the methodology appendix names both
    # words in a sentence, which does not count).
    if [ -n "$mark" ]; then
        begin "$n.pdf ($signoff): $mark on every page"
        bad=
        i=1
        while [ "$i" -le "$npages" ]; do
            grep -qxE "[[:space:]]*${mark}[[:space:]]*" "$pdf.p$i.txt" || bad="$bad $i"
            i=$((i + 1))
        done
        [ -n "$bad" ] && problem "pages without $mark:$bad"
        end
    else
        begin "$n.pdf ($signoff): no DRAFT or REJECTED mark"
        bad=
        i=1
        while [ "$i" -le "$npages" ]; do
            grep -qxE '[[:space:]]*(DRAFT|REJECTED)[[:space:]]*' "$pdf.p$i.txt" && bad="$bad $i"
            i=$((i + 1))
        done
        [ -n "$bad" ] && problem "a signed-off report has DRAFT or REJECTED on pages:$bad"
        end
    fi

    # The executive summary is one page: its heading and the last row of
    # the profile ladder, its last block, are on the same page.
    begin "$n.pdf: the executive summary stays on one page"
    sp=$(heading_page "$pdf" "Executive summary")
    if [ -z "$sp" ]; then
        problem "no page has the heading 'Executive summary'"
    else
        layout_page "$pdf" "$sp" >"$tmp/summary.txt"
        grep -q '^Profile ladder' "$tmp/summary.txt" || problem "page $sp lacks the profile ladder"
        grep -qE '^ *Regulated( \(assessed\))? +[0-9]+ ' "$tmp/summary.txt" ||
            problem "the ladder's last row (Regulated) is not on the summary page $sp"
    fi
    end

    begin "$n.pdf: a second run (another file name) gives the same bytes"
    run report "$f" -o "$tmp/$n-again.pdf" -q
    expect_rc 0
    cmp -s "$pdf" "$tmp/$n-again.pdf" || problem "$pdf and $tmp/$n-again.pdf differ: $(cmp "$pdf" "$tmp/$n-again.pdf" 2>&1)"
    end
    rm -f "$tmp/$n-again.pdf" "$pdf".p*.txt
done

begin "there are samples to render"
[ "$nsamples" -ge 8 ] || problem "expected at least 8 samples/*.xml, found $nsamples"
end

# ------------------------------------------------------ reproducible dates

S=samples/mvp-support-bot.xml
begin "without SOURCE_DATE_EPOCH the document date is the assessment date"
run report "$S" -o "$tmp/d0.pdf" -q
expect_rc 0
want=$("$RA" score "$S" --format json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["assessed_on"])')T00:00:00Z
got=$(pdfinfo -isodates "$tmp/d0.pdf" 2>/dev/null | awk '/^CreationDate:/ { print $2 }')
[ "$got" = "$want" ] || problem "CreationDate: expected $want, got '$got'"
end

begin "with SOURCE_DATE_EPOCH two runs give the same bytes, dated from it"
SOURCE_DATE_EPOCH=1700000000 "$RA" report "$S" -o "$tmp/d1.pdf" -q 2>"$tmp/err"
rc=$?
expect_rc 0
SOURCE_DATE_EPOCH=1700000000 "$RA" report "$S" -o "$tmp/d2.pdf" -q 2>"$tmp/err"
rc=$?
expect_rc 0
cmp -s "$tmp/d1.pdf" "$tmp/d2.pdf" || problem "two runs differ: $(cmp "$tmp/d1.pdf" "$tmp/d2.pdf" 2>&1)"
got=$(pdfinfo -isodates "$tmp/d1.pdf" 2>/dev/null | awk '/^CreationDate:/ { print $2 }')
[ "$got" = "2023-11-14T22:13:20Z" ] || problem "CreationDate: expected 2023-11-14T22:13:20Z, got '$got'"
end
rm -f "$tmp"/d?.pdf

# ------------------------------------------------------------ atomic output

# leftovers DIR: temporary files (.NAME.XXXXXX) left in DIR.
leftovers() {
    find "$1" -name '.*.??????' -print 2>/dev/null
}

begin "an invalid record leaves no file at the target and no temporary file"
mkdir "$tmp/atomic"
run report tests/malformed/bad-status.xml -o "$tmp/atomic/out.pdf"
expect_rc 3
[ -e "$tmp/atomic/out.pdf" ] && problem "a file exists at the target"
[ -n "$(leftovers "$tmp/atomic")" ] && problem "temporary files left:" "$(leftovers "$tmp/atomic")"
end

begin "-o into a missing directory: exit 4, nothing created"
run report "$S" -o "$tmp/atomic/no-such-dir/out.pdf"
expect_rc 4
[ -e "$tmp/atomic/no-such-dir" ] && problem "the missing directory was created"
grep -q 'no-such-dir/out.pdf' "$tmp/err" || problem "stderr does not name the target:" "$(excerpt "$tmp/err")"
[ -n "$(leftovers "$tmp/atomic")" ] && problem "temporary files left:" "$(leftovers "$tmp/atomic")"
end

begin "a failing run leaves an existing target untouched"
printf 'an older report\n' >"$tmp/atomic/keep.pdf"
cp "$tmp/atomic/keep.pdf" "$tmp/keep.orig"
run report tests/malformed/not-well-formed.xml -o "$tmp/atomic/keep.pdf"
expect_rc 3
cmp -s "$tmp/keep.orig" "$tmp/atomic/keep.pdf" || problem "the existing target was changed"
[ -n "$(leftovers "$tmp/atomic")" ] && problem "temporary files left:" "$(leftovers "$tmp/atomic")"
end

begin "a target that cannot be replaced (a directory): exit 4, no temporary file"
mkdir "$tmp/atomic/dir.pdf"
: >"$tmp/atomic/dir.pdf/inside"
run report "$S" -o "$tmp/atomic/dir.pdf"
expect_rc 4
[ -f "$tmp/atomic/dir.pdf/inside" ] || problem "the directory's content was touched"
[ -n "$(leftovers "$tmp/atomic")" ] && problem "temporary files left:" "$(leftovers "$tmp/atomic")"
end

begin "a successful run replaces an existing target"
run report "$S" -o "$tmp/atomic/keep.pdf" -q
expect_rc 0
cmp -s "$tmp/keep.orig" "$tmp/atomic/keep.pdf" && problem "the target was not replaced"
[ "$(head -c 5 "$tmp/atomic/keep.pdf")" = "%PDF-" ] || problem "the target is not a PDF"
[ -n "$(leftovers "$tmp/atomic")" ] && problem "temporary files left:" "$(leftovers "$tmp/atomic")"
end

# Killed at random moments while replacing a report, a run leaves either the
# old file or the complete new one: never a part of either.
begin "a report killed at random moments leaves the old or the new file"
mkdir -p "$tmp/kill"
NEW=samples/regulated-credit-advisor.xml
"$RA" report -q samples/mvp-support-bot.xml -o "$tmp/kill/old.pdf" &&
    "$RA" report -q "$NEW" -o "$tmp/kill/new.pdf" || problem "could not make the two reports"
# The kills spread over 0 to 1.5 times what one run takes on this machine
# now (at least 100 ms), so that some land before the rename and some after.
t0=$(date +%s%N)
"$RA" report -q "$NEW" -o "$tmp/kill/timed.pdf"
span=$(( ($(date +%s%N) - t0) * 3 / 2 / 1000000 ))
[ "$span" -ge 100 ] || span=100
i=0
seen_old=0
seen_new=0
while [ $i -lt 20 ]; do
    cp "$tmp/kill/old.pdf" "$tmp/kill/target.pdf"
    "$RA" report -q "$NEW" -o "$tmp/kill/target.pdf" &
    pid=$!
    ms=$(( ((i * 37) % 20) * span / 19 ))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if cmp -s "$tmp/kill/target.pdf" "$tmp/kill/old.pdf"; then
        seen_old=$((seen_old + 1))
    elif cmp -s "$tmp/kill/target.pdf" "$tmp/kill/new.pdf"; then
        seen_new=$((seen_new + 1))
    else
        problem "after a kill at try $i the target is neither the old nor the new report"
    fi
    i=$((i + 1))
done
[ $((seen_old + seen_new)) -eq 20 ] || problem "old $seen_old + new $seen_new is not 20"
# Kills from 0 to 1.5 times a run land both before and after the rename.
[ "$seen_old" -gt 0 ] && [ "$seen_new" -gt 0 ] ||
    problem "the kills did not land on both sides of the rename (old $seen_old, new $seen_new)"
end

# ------------------------------------------------------------------ stress

# A regulated record made heavy: 2,000-character notes, 300 evidence items on
# one result, a 400- and a 10,000-character word, long names, RTL override, combining marks,
# emoji, CJK, C1 controls and other characters XML allows, PDF syntax in text,
# lines of white space.
cat >"$tmp/stress.py" <<'EOF'
import re, sys

src, dst = sys.argv[1], sys.argv[2]
x = open(src, encoding="utf-8").read()

EMOJI = "\U0001F600"
PRIVATE = "\uE000\U0010FFFD"
RTL = "\u202Eevil\u202C"
COMBINING = "Z\u0351\u0324\u0308a\u0301\u0300\u0302l\u0336g\u0337o\u0338"
CJK = "\u4E2D\u6587\u6D4B\u8BD5\u3001\u65E5\u672C\u8A9E"
CONTROLS = "\u0085\u0080\u009F\u007F\u200B\u200D\u2028\uFEFF\uFFFD"
PDF_SYNTAX = ") >> endstream endobj (\\) \\\\ %%EOF /Type /Page << >> [ ] trailer"
WORD = "W" * 50 + "".join(chr(0x61 + i % 26) for i in range(350))
WORD10K = "".join(chr(0x41 + i % 26) for i in range(10000))
LONG_NAME = "Maximiliane-Alexandra Wolkenstein-Trostberg-Ødegård-Παπαδοπούλου-Соколова"

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")

def note(n):
    s = "Stress note: %s, %s, %s, %s, %s, %s, %s. " % (RTL, COMBINING, CJK, EMOJI, PRIVATE, CONTROLS, PDF_SYNTAX)
    while len(s) < n:
        s += "lorem ipsum dolor sit amet "
    return s[:n]

def sub(pattern, repl, flags=0, count=1):
    global x
    x, k = re.subn(pattern, repl, x, count=count, flags=flags)
    if not k:
        sys.exit("stress: the base record has no match for %r" % pattern)

sub(r"<name>[^<]*</name>", lambda m: "<name>%s</name>" % esc(
    "Stress %s %s %s %s system with a rather long name that goes on and on" % (COMBINING, CJK, EMOJI, RTL)))
sub(r'(<approval name=")[^"]*"', lambda m: m.group(1) + esc("Łukasz " + LONG_NAME) + '"')
sub(r'(<result check="PM-01" status="pass">)', lambda m: m.group(1) + "".join(
    '\n      <evidence kind="note">Evidence item %d: %s</evidence>'
    % (i, esc(PDF_SYNTAX if i % 3 == 0 else "log export " + CJK)) for i in range(300)))
sub(r'(<result check="PM-06" status="partial">.*?<note>)[^<]*(</note>)',
    lambda m: m.group(1) + esc(note(2000)) + " " + WORD + " " + WORD10K +
    "\n   \n\t\t\n      \n&#9;&#13;&#10; end" + m.group(2),
    flags=re.S)
sub(r"<note>((?!Stress note)[^<])*</note>", lambda m: "<note>%s</note>" % esc(note(2000)), count=0)
sub(r'(<remediation owner=")[^"]*(" due="[^"]*">)([^<]*)',
    lambda m: m.group(1) + esc(LONG_NAME) + m.group(2) + m.group(3) + " " + WORD[:200] + "\n \n \n")
open(dst, "w", encoding="utf-8").write(x)
EOF

stress=$tmp/stress.xml
begin "stress record: generated and valid"
"$PY" "$tmp/stress.py" samples/regulated-credit-advisor.xml "$stress" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0
if [ "$rc" -eq 0 ]; then
    run validate "$stress"
    expect_rc 0
fi
end

if [ -s "$stress" ]; then
    begin "stress record: renders, qpdf clean, fonts embedded"
    run report "$stress" -o "$tmp/stress.pdf" -q
    expect_rc 0
    if [ -s "$tmp/stress.pdf" ]; then
        pdf_checks "$tmp/stress.pdf"
        "$PY" -c '
import sys
t = " ".join(open(sys.argv[1], encoding="utf-8").read().split())
for s in (") >> endstream endobj", "Evidence item 299", "Stress note"):
    if s not in t:
        print("text lacks %r" % s)
' "$tmp/stress.pdf.txt" >"$tmp/res" 2>&1
        [ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
    else
        problem "no PDF"
    fi
    end

    begin "stress record: each field that loses characters is reported once, at its line"
    cp "$tmp/err" "$tmp/stress-err"
    res=$("$PY" - "$stress" "$tmp/stress-err" <<'EOF'
import re, sys
rec = open(sys.argv[1], encoding="utf-8").read()
err = open(sys.argv[2], encoding="utf-8").read().splitlines()
# Fields holding U+E000: text nodes and attribute values.
want = len(re.findall(r'>[^<]*\ue000', rec)) + len(re.findall(r'="[^"]*\ue000', rec))
said = [l for l in err if "U+E000" in l]
if len(said) != want:
    print("U+E000 is in %d fields, said %d times" % (want, len(said)))
seen = set()
for l in said:
    m = re.match(r'^.*/stress\.xml:(\d+): warning: ([a-z ]+): .* no glyph in the font chain; drawn as U\+FFFD$', l)
    if not m:
        print("not FILE:LINE: warning: FIELD: ...: %r" % l[:160])
        continue
    if m.groups() in seen:
        print("line %s, %s said twice" % m.groups())
    seen.add(m.groups())
    if "U+10FFFD" not in l:
        print("U+10FFFD, in the same fields, is not said with it: %r" % l[:160])
EOF
)
    [ -n "$res" ] && problem "$res" "$(excerpt "$tmp/stress-err" 5)"
    # The chain draws emoji and CJK: not reported.
    n=$(grep -c 'U+1F600\|U+4E2D' "$tmp/stress-err")
    [ "$n" -eq 0 ] || problem "U+1F600 or U+4E2D is reported $n times: the chain has them"
    grep -i 'warning' "$tmp/stress-err" >/dev/null || problem "no warning line on stderr"
    other=$(grep -v ': warning: ' "$tmp/stress-err" | head -n 5)
    [ -n "$other" ] && problem "stderr has lines that are not warnings:" "$other"
    end

    begin "stress record: a second run gives the same bytes"
    run report "$stress" -o "$tmp/stress-again.pdf" -q
    expect_rc 0
    cmp -s "$tmp/stress.pdf" "$tmp/stress-again.pdf" || problem "two runs differ: $(cmp "$tmp/stress.pdf" "$tmp/stress-again.pdf" 2>&1)"
    end

    begin "stress record: every word lies inside the page margins"
    if [ -s "$tmp/stress.pdf" ] && pdftotext -bbox "$tmp/stress.pdf" "$tmp/bbox.html" 2>/dev/null; then
        res=$("$PY" - "$tmp/bbox.html" "$MARGIN" "$SLACK" <<'EOF'
import re, sys
# The <head> may hold surrogates (poppler writes UTF-16 pairs of the title
# as two characters): read loosely.
doc = open(sys.argv[1], encoding="utf-8", errors="replace").read()
margin, slack = float(sys.argv[2]), float(sys.argv[3])
bad = words = 0
for page_no, page in enumerate(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', doc, re.S), 1):
    w, h = float(page.group(1)), float(page.group(2))
    for m in re.finditer(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>', page.group(3)):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        words += 1
        if x0 < margin - slack or x1 > w - margin + slack or y0 < margin - slack or y1 > h - margin + slack:
            bad += 1
            if bad <= 8:
                print("page %d: %r at x %.1f-%.1f, y %.1f-%.1f (page %.1f x %.1f)" % (page_no, m.group(5)[:40], x0, x1, y0, y1, w, h))
if words < 1000:
    print("only %d words found" % words)
if bad:
    print("%d of %d words outside the %.2f pt margins" % (bad, words, margin))
EOF
        )
        [ -n "$res" ] && problem "$res"
    else
        problem "pdftotext -bbox failed"
    fi
    end
fi

# ------------------------------------------------------------ golden text

# The findings of the governance rules in an auditor's words: for
# accepted-risks-overdue (three overdue remediations, an expired acceptance,
# an assessor approving) the summary names the overdue and expired items,
# and the sign-off page says why the assessor's approval does not count.
pdf=$tmp/accepted-risks-overdue.pdf
if [ -s "$pdf" ]; then
    npages=$(page_count "$pdf")
    begin "accepted-risks-overdue.pdf: the summary names overdue remediations and the expired acceptance"
    sp=$(heading_page "$pdf" "Executive summary")
    layout_page "$pdf" "${sp:-0}" >"$tmp/summary.txt"
    expect_flat "$tmp/summary.txt" "Overdue remediations, covering nothing: EV-05 due 2026-10-31, OBS-05 due 2026-09-30, SEC-04 due 2026-10-15."
    expect_flat "$tmp/summary.txt" "Expired risk acceptance, covering nothing: SEC-04 on 2026-10-31."
    end

    begin "accepted-risks-overdue.pdf: the sign-off page names the independent-approvers finding"
    op=$(heading_page "$pdf" "Sign-off")
    layout_page "$pdf" "${op:-0}" >"$tmp/signoff.txt"
    expect_flat "$tmp/signoff.txt" "Does not count (independent-approvers): Approval by an assessor is not independent: Olusegun Adeyemi approves as Technical owner and is an assessor of the record, so the approval does not count."
    end
fi

# A profile that requires no role (the mini checklist without its basic
# profile's role) and a record with no approval: sign-off Not required, the
# report says so and carries no DRAFT mark.
begin "no role required: the report says sign-off is not required, no DRAFT mark"
sed 's|<requires-signoff role="owner"/>||' tests/fixtures/mini-checklist.xml >"$tmp/free.xml"
sed 's|<approval [^>]*>[^<]*</approval>||' tests/fixtures/mini-ready.xml >"$tmp/free-rec.xml"
run report --checklist "$tmp/free.xml" "$tmp/free-rec.xml" -o "$tmp/free.pdf" -q
expect_rc 0
if [ -s "$tmp/free.pdf" ]; then
    npages=$(page_count "$tmp/free.pdf")
    pdftotext -layout "$tmp/free.pdf" "$tmp/free.txt" 2>/dev/null
    grep -qxE '[[:space:]]*(DRAFT|REJECTED)[[:space:]]*' "$tmp/free.txt" && problem "the report has a DRAFT or REJECTED mark"
    grep -q 'DRAFT *Page\|REJECTED *Page' "$tmp/free.txt" && problem "a footer has a DRAFT or REJECTED mark"
    layout_page "$tmp/free.pdf" 1 >"$tmp/cover.txt"
    expect_flat "$tmp/cover.txt" "Sign-off: Not required"
    expect_flat "$tmp/cover.txt" "The Basic profile requires no sign-off, so this report is final without approvals."
    op=$(heading_page "$tmp/free.pdf" "Sign-off")
    layout_page "$tmp/free.pdf" "${op:-0}" >"$tmp/signoff.txt"
    expect_flat "$tmp/signoff.txt" "Sign-off status: Not required. The Basic profile requires no sign-off, so this report is final without approvals and carries no DRAFT mark"
    expect_flat "$tmp/signoff.txt" "The profile requires no role."
    expect_flat "$tmp/signoff.txt" "The profile requires no signature."
else
    problem "no PDF at $tmp/free.pdf"
fi
end

# The signature lines are the evidence of who signs for what: a long
# approver's name, role name or role id takes more lines, never an ellipsis.
# The longest the schemas allow: a name of 200 characters, a role's name of
# 120, a role id of 64.
begin "signature lines: the longest name, role name and role id are printed whole"
long_id=data-protection-officer-for-the-european-economic-area-and-uk-ch
long_role="Data protection officer for the European Economic Area, the United Kingdom and Switzerland, appointed under Art. 37 GDPR"
long_name="Maria Josefina Alejandra Guadalupe de los Ángeles Fernández de Córdoba y Figueroa Montenegro Villalobos Santisteban Ximénez de Cisneros Altamirano Bustamante Castellanos Echeverría y Goicoechea Zúñiga"
[ ${#long_id} -eq 64 ] || problem "the role id is ${#long_id} characters, not 64"
[ "$(printf %s "$long_name" | python3 -c 'import sys; print(len(sys.stdin.read()))')" -eq 200 ] ||
    problem "the name is not 200 characters"
sed -e "s|\"data-protection-officer\" name=\"Data protection officer\"|\"$long_id\" name=\"$long_role\"|" \
    -e "s|role=\"data-protection-officer\"|role=\"$long_id\"|" templates/llmops-readiness.xml >"$tmp/long-cl.xml"
sed -e "s|name=\"Ayşe Yılmaz\" role=\"data-protection-officer\"|name=\"$long_name\" role=\"$long_id\"|" \
    samples/regulated-credit-advisor.xml >"$tmp/long-rec.xml"
grep -q "$long_id" "$tmp/long-cl.xml" && grep -q "$long_id" "$tmp/long-rec.xml" ||
    problem "the long role id did not reach the checklist and the record"
run report --checklist "$tmp/long-cl.xml" "$tmp/long-rec.xml" -o "$tmp/long.pdf" -q
expect_rc 0
if [ -s "$tmp/long.pdf" ]; then
    npages=$(page_count "$tmp/long.pdf")
    sp=1
    while [ "$sp" -le "$npages" ] && ! layout_page "$tmp/long.pdf" "$sp" | grep -q "Signature (field"; do
        sp=$((sp + 1))
    done
    # In drawing order each text's lines follow one another; white space
    # is dropped on both sides, as a wrapped line ends where a space was.
    # The footer (its digest shortened on purpose) is left out.
    pdftotext -raw -f "$sp" -l "$sp" "$tmp/long.pdf" - 2>/dev/null |
        grep -v ' Page [0-9]* of [0-9]*$' | tr -d ' \n' >"$tmp/sig.txt"
    for want in "$long_name" "$long_role" "Signature (field $long_id)"; do
        grep -qF "$(printf %s "$want" | tr -d ' ')" "$tmp/sig.txt" ||
            problem "the signature page (page $sp) lacks, whole: $want" "$(head -c 600 "$tmp/sig.txt")"
    done
    grep -q "…" "$tmp/sig.txt" && problem "the signature page shortens a text with an ellipsis"
else
    problem "no PDF at $tmp/long.pdf"
fi
end

for n in $GOLDEN; do
    begin "golden text: pdftotext -layout of samples/$n.xml equals tests/golden/$n.txt"
    if [ ! -f "tests/golden/$n.txt" ]; then
        problem "no tests/golden/$n.txt (see the header of tests/report.sh to make it)"
    else
        run report "samples/$n.xml" -o "$tmp/golden.pdf" -q
        expect_rc 0
        pdftotext -layout "$tmp/golden.pdf" "$tmp/golden.txt" 2>/dev/null
        if ! cmp -s "tests/golden/$n.txt" "$tmp/golden.txt"; then
            problem "the text differs (- golden, + now; regenerate as the header of tests/report.sh says if the change is meant):" \
                "$(diff -u "tests/golden/$n.txt" "$tmp/golden.txt" | sed '1,2d' | head -n 40)"
        fi
    fi
    end
done

# ------------------------------------------------------------------ total

suite_end
