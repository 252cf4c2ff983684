#!/bin/sh
# tests/cli/coverage.sh - no silent loss of characters (issue #13, item 6):
# a record whose fields hold characters no face of the font chain has
# (tests/fixtures/undrawable.xml: Phoenician in a note at line 43, a
# private-use character in the approver's name at line 74) gets one warning
# per field at its FILE:LINE from validate, score, report and batch; score
# counts them (text and JSON), the batch manifest has a warnings column
# (CSV and JSON, kept by manifest merge), and --strict turns them into
# errors with exit 13 and nothing written. The record's xml:lang becomes
# the catalog's /Lang (en when absent); a malformed one is refused.
#
# Needs qpdf and pdftotext; hb-shape (libharfbuzz-bin) for the check that
# the characters are really in no face; java with PDFBox 2 for Preflight
# (else those cases are skipped).

cd "$(dirname "$0")/../.." || exit 2

SUITE=coverage
. tests/lib.sh
suite_start qpdf pdftotext

U=tests/fixtures/undrawable.xml
S=samples/startup-sales-copilot.xml
FONTS=${READYAUDIT_FONT_DIR:-/usr/share/fonts}

# The two warnings, exactly, as every command says them for $U.
NOTE_MSG="note: U+10900 (𐤀), U+10901 (𐤁) have no glyph in the font chain; drawn as U+FFFD"
PUA=$(printf '\356\200\200') # U+E000
NAME_MSG="approver name: U+E000 ($PUA) has no glyph in the font chain; drawn as U+FFFD"
printf '%s:43: warning: %s\n%s:74: warning: %s\n' "$U" "$NOTE_MSG" "$U" "$NAME_MSG" >"$tmp/warnings"
printf '%s:43: error: %s\n%s:74: error: %s\n' "$U" "$NOTE_MSG" "$U" "$NAME_MSG" >"$tmp/errors"

# catalog_lang PDF: the catalog's /Lang as qpdf shows it ("(en)"), or "none".
catalog_lang() {
    root=$(qpdf --show-object=trailer "$1" 2>/dev/null | sed -n 's/.*\/Root \([0-9]*\) 0 R.*/\1/p')
    qpdf --show-object="$root" "$1" 2>/dev/null | sed -n 's/.*\/Lang \(([^)]*)\).*/\1/p' | grep . || echo none
}

begin "the fixture's characters are in no face of the chain (hb-shape gives glyph 0)"
if command -v hb-shape >/dev/null 2>&1; then
    awk '!/^#/ && NF == 3 { print $3 }' fonts/chain.txt | sort -u >"$tmp/faces"
    while read -r f; do
        file=${f%#*}
        idx=0
        case $f in *#*) idx=${f#*#} ;; esac
        for cp in U+E000 U+10900 U+10901; do
            g=$(hb-shape --no-glyph-names --no-positions --no-clusters --face-index "$idx" \
                --font-file "$FONTS/$file" --unicodes "$cp" 2>&1)
            [ "$g" = "[0]" ] || problem "$f has $cp: $g"
        done
    done <"$tmp/faces"
    [ -s "$tmp/faces" ] || problem "no faces in fonts/chain.txt"
    end
else
    skip "the fixture's characters are in no face of the chain" "no hb-shape (libharfbuzz-bin)"
fi

begin "validate: one warning per field, at its line; still valid"
run validate "$U"
expect_rc 0
cmp -s "$tmp/err" "$tmp/warnings" || problem "stderr:" "$(excerpt "$tmp/err" 10)" "expected:" "$(excerpt "$tmp/warnings")"
grep -q "^$U: valid (PDW-HELPBOT-UNDRAWABLE" "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out")"
end

begin "validate --strict: the warnings are errors, exit 13"
run validate --strict "$U"
expect_rc 13
cmp -s "$tmp/err" "$tmp/errors" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
[ -s "$tmp/out" ] && problem "stdout says:" "$(excerpt "$tmp/out")"
end

begin "a condition is reported at its own line, not its approval's"
"$PY" - samples/accepted-risks-overdue.xml "$tmp/cond.xml" <<'EOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
old = "<condition>No new user groups onboarded"
assert s.count(old) == 1
open(sys.argv[2], "w", encoding="utf-8").write(s.replace(old, "<condition>No new \ue000 user groups onboarded"))
EOF
line=$(grep -n 'No new .* user groups' "$tmp/cond.xml" | cut -d: -f1)
[ "$line" = 185 ] || problem "the condition is at line $line, not 185"
run validate -q "$tmp/cond.xml"
expect_rc 0
printf '%s\n' "$tmp/cond.xml:185: warning: approval condition: U+E000 ($PUA) has no glyph in the font chain; drawn as U+FFFD" >"$tmp/want"
grep 'no glyph' "$tmp/err" >"$tmp/got"
cmp -s "$tmp/got" "$tmp/want" || problem "stderr:" "$(excerpt "$tmp/err")"
end

begin "a record every face draws gets no warning, also with --strict"
run validate --strict "$S" tests/fixtures/world-text.xml
expect_rc 0
grep 'no glyph' "$tmp/err" >/dev/null && problem "stderr:" "$(excerpt "$tmp/err")"
end

begin "score --format json: text_warnings 2 and the list with line, field, code points"
run score --format json "$U"
expect_rc 0
cmp -s "$tmp/err" "$tmp/warnings" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
"$PY" - "$tmp/out" <<'EOF' >"$tmp/res" 2>&1
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
want = [{"line": 43, "field": "note", "characters": 2, "code_points": ["U+10900", "U+10901"]},
        {"line": 74, "field": "approver name", "characters": 1, "code_points": ["U+E000"]}]
if d.get("text_warnings") != 2:
    print("text_warnings: %r" % d.get("text_warnings"))
if d.get("undrawable_text") != want:
    print("undrawable_text: %r" % d.get("undrawable_text"))
EOF
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

begin "score --format json of a clean record: text_warnings 0, an empty list"
run score --format json "$S"
expect_rc 0
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
if d.get("text_warnings") != 0 or d.get("undrawable_text") != []:
    print(d.get("text_warnings"), d.get("undrawable_text"))' "$tmp/out" >"$tmp/res" 2>&1
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

begin "without the fonts, validate and score say they could not check, once; JSON says null"
READYAUDIT_FONT_DIR=$tmp/nofonts run score --format json "$U" "$S"
expect_rc 2
READYAUDIT_FONT_DIR=$tmp/nofonts run validate "$U" "$S"
expect_rc 0
want="readyaudit: warning: cannot check the records' text against the font chain: cannot open $tmp/nofonts/truetype/dejavu/DejaVuSans.ttf: No such file or directory"
[ "$(cat "$tmp/err")" = "$want" ] || problem "stderr:" "$(excerpt "$tmp/err")"
READYAUDIT_FONT_DIR=$tmp/nofonts run score --format json "$U"
expect_rc 0
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
if d.get("text_warnings", 0) is not None or d.get("undrawable_text") != []:
    print(d.get("text_warnings"), d.get("undrawable_text"))' "$tmp/out" >"$tmp/res" 2>&1
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

begin "score (text): the fields are listed under their heading"
NO_COLOR=1 run score "$U"
expect_rc 0
printf '%s\n' "Text the fonts cannot draw (2 fields)" "  line 43  note: U+10900 U+10901" \
    "  line 74  approver name: U+E000" >"$tmp/want"
tail -n 3 "$tmp/out" >"$tmp/got"
cmp -s "$tmp/got" "$tmp/want" || problem "last lines:" "$(excerpt "$tmp/got")"
end

begin "score --strict: exit 13, nothing on standard output"
run score --strict --format json "$U"
expect_rc 13
cmp -s "$tmp/err" "$tmp/errors" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
[ -s "$tmp/out" ] && problem "stdout:" "$(excerpt "$tmp/out")"
end

begin "report: one warning per field, no per-code-point lines; the PDF shows U+FFFD"
run report "$U" -o "$tmp/u.pdf" -q
expect_rc 0
cmp -s "$tmp/err" "$tmp/warnings" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
qpdf --check "$tmp/u.pdf" >"$tmp/qpdf" 2>&1 || problem "qpdf:" "$(excerpt "$tmp/qpdf")"
pdftotext "$tmp/u.pdf" "$tmp/u.txt"
grep -q "^Approved — Priya �Raman, Technical owner, 2026-03-13$" "$tmp/u.txt" ||
    problem "the approver's line is not 'Approved — Priya �Raman, ...':" "$(grep -n Raman "$tmp/u.txt" | head -n 3)"
grep -q "^Note: Logs � kept � for 90 days �$" "$tmp/u.txt" || problem "the note does not show U+FFFD in place"
end

begin "report --strict: exit 13, the errors and why, no file written or replaced"
run report --strict "$U" -o "$tmp/strict.pdf"
expect_rc 13
{
    cat "$tmp/errors"
    echo "$U: error: --strict: 2 fields hold text the font chain cannot draw; no report written"
} >"$tmp/want"
cmp -s "$tmp/err" "$tmp/want" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
[ -e "$tmp/strict.pdf" ] && problem "a file was written"
echo keep >"$tmp/old.pdf"
run report --strict "$U" -o "$tmp/old.pdf" -q
expect_rc 13
[ "$(cat "$tmp/old.pdf")" = keep ] || problem "the existing file was replaced"
ls "$tmp" | grep -v '^\(old\|u\)\.pdf$' | grep '\.pdf' >/dev/null && problem "temporary files left:" "$(ls "$tmp")"
end

begin "report --strict of a record every face draws: written, exit 0"
run report --strict "$S" -o "$tmp/s.pdf" -q
expect_rc 0
[ -s "$tmp/s.pdf" ] || problem "no PDF"
end

# The changes section prints the previous record's names, owners and
# acceptors: $U as the previous record of mvp-support-bot (the same system,
# the same date) is checked as a record is, at its own path.
M=samples/mvp-support-bot.xml
begin "report --previous: the previous record's text is checked, its warnings at its own path"
run report "$M" --previous "$U" -o "$tmp/p.pdf" -q
expect_rc 0
cmp -s "$tmp/err" "$tmp/warnings" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
[ -s "$tmp/p.pdf" ] || problem "no PDF"
end

begin "report --strict --previous: a previous record with undrawable text is refused, exit 13, no file"
run report --strict "$M" --previous "$U" -o "$tmp/ps.pdf"
expect_rc 13
{
    cat "$tmp/errors"
    echo "$U: error: --strict: 2 fields hold text the font chain cannot draw; no report written"
} >"$tmp/want"
cmp -s "$tmp/err" "$tmp/want" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
[ -e "$tmp/ps.pdf" ] && problem "a file was written"
end

mkdir -p "$tmp/in"
cp "$U" "$tmp/in/a-undrawable.xml"
cp "$S" "$tmp/in/b-clean.xml"
A=$tmp/in/a-undrawable.xml

begin "batch: the warnings printed as report prints them; manifest warnings 2 and 0 (CSV)"
run batch "$tmp/in" -o "$tmp/out1" --manifest "$tmp/m.csv" -j 2 -q
expect_rc 0
printf '%s:43: warning: %s\n%s:74: warning: %s\n' "$A" "$NOTE_MSG" "$A" "$NAME_MSG" >"$tmp/want"
cmp -s "$tmp/err" "$tmp/want" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
"$PY" - "$tmp/m.csv" <<'EOF' >"$tmp/res" 2>&1
import csv, sys
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""))}
want = {"PDW-HELPBOT-UNDRAWABLE": ("done", "2"), "FHL-DEALCOPILOT-2026Q2": ("done", "0")}
got = {k: (r["status"], r["warnings"]) for k, r in rows.items()}
if got != want:
    print("status, warnings: %r" % got)
EOF
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

begin "batch --strict: the record fails (no report, failed in the manifest), exit 13 (JSON)"
run batch "$tmp/in" -o "$tmp/out2" --manifest "$tmp/m.json" --strict -j 2 -q
expect_rc 13
printf '%s:43: error: %s\n%s:74: error: %s\n' "$A" "$NOTE_MSG" "$A" "$NAME_MSG" >"$tmp/want"
cmp -s "$tmp/err" "$tmp/want" || problem "stderr:" "$(excerpt "$tmp/err" 10)"
[ -e "$tmp/out2/PDW-HELPBOT-UNDRAWABLE.pdf" ] && problem "the refused record's report was written"
[ -s "$tmp/out2/FHL-DEALCOPILOT-2026Q2.pdf" ] || problem "the clean record's report is missing"
"$PY" - "$tmp/m.json" "$A" "$NOTE_MSG" <<'EOF' >"$tmp/res" 2>&1
import json, sys
rows = {r["id"]: r for r in json.load(open(sys.argv[1], encoding="utf-8"))}
u, c = rows["PDW-HELPBOT-UNDRAWABLE"], rows["FHL-DEALCOPILOT-2026Q2"]
if (u["status"], u["warnings"], u["output"]) != ("failed", 2, None):
    print("undrawable row: %r" % ((u["status"], u["warnings"], u["output"]),))
if u["error"] != "%s:43: %s" % (sys.argv[2], sys.argv[3]):
    print("error: %r" % u["error"])
if (c["status"], c["warnings"]) != ("done", 0):
    print("clean row: %r" % ((c["status"], c["warnings"]),))
EOF
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

begin "manifest merge keeps the warnings column (CSV and JSON in, CSV out)"
run manifest merge "$tmp/m.csv" -o "$tmp/merged.csv" -q
expect_rc 0
"$PY" - "$tmp/merged.csv" <<'EOF' >"$tmp/res" 2>&1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
got = sorted((r["id"], r["warnings"]) for r in rows)
if got != [("FHL-DEALCOPILOT-2026Q2", "0"), ("PDW-HELPBOT-UNDRAWABLE", "2")]:
    print("ids, warnings: %r" % got)
EOF
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

begin "manifest merge of a JSON manifest keeps the warnings (JSON out)"
run manifest merge "$tmp/m.json" -o "$tmp/merged.json" -q
expect_rc 0
"$PY" -c '
import json, sys
got = sorted((r["id"], r["warnings"]) for r in json.load(open(sys.argv[1], encoding="utf-8")))
if got != [("FHL-DEALCOPILOT-2026Q2", 0), ("PDW-HELPBOT-UNDRAWABLE", 2)]:
    print("ids, warnings: %r" % got)' "$tmp/merged.json" >"$tmp/res" 2>&1
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

# ------------------------------------------------------------- xml:lang

mkdir -p "$tmp/pdfa"
"$PY" - "$S" "$tmp" <<'EOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
root = '<assessment xmlns="urn:readyaudit:assessment:1"'
assert root in s
for name, lang in (("de-ch", "de-CH"), ("zh", "zh-Hant-TW"), ("variant", "de-CH-1996"),
                   ("private", "x-internal"), ("ext", "en-a-bbb-x-a-ccc"),
                   ("underscore", "en_US"), ("empty", ""), ("one", "e"), ("long", "englishlanguage"),
                   ("dash", "en-"), ("twoscripts", "zh-Hant-Hans-TW-x"),
                   # Well-formed, 35 and 36 characters long.
                   ("max", "en-a-bbbbbbbb-x-cccccccc-dddd-eeeee"),
                   ("over", "en-a-bbbbbbbb-x-cccccccc-dddd-eeeeee")):
    open("%s/lang-%s.xml" % (sys.argv[2], name), "w", encoding="utf-8").write(
        s.replace(root, '<assessment xml:lang="%s" xmlns="urn:readyaudit:assessment:1"' % lang, 1))
EOF
ROOT_LINE=$(grep -n 'profile=' "$S" | head -n 1 | cut -d: -f1)

begin "no xml:lang: the catalog's /Lang is (en)"
run report "$S" -o "$tmp/pdfa/lang-none.pdf" -q
expect_rc 0
l=$(catalog_lang "$tmp/pdfa/lang-none.pdf")
[ "$l" = "(en)" ] || problem "/Lang: $l"
end

begin "xml:lang=\"de-CH\": the catalog's /Lang is (de-CH)"
run report "$tmp/lang-de-ch.xml" -o "$tmp/pdfa/lang-de-ch.pdf" -q
expect_rc 0
l=$(catalog_lang "$tmp/pdfa/lang-de-ch.pdf")
[ "$l" = "(de-CH)" ] || problem "/Lang: $l"
end

begin "well-formed language tags are taken (zh-Hant-TW, de-CH-1996, x-internal, en-a-bbb-x-a-ccc)"
run validate -q "$tmp/lang-zh.xml" "$tmp/lang-variant.xml" "$tmp/lang-private.xml" "$tmp/lang-ext.xml"
expect_rc 0
[ -s "$tmp/err" ] && problem "stderr:" "$(excerpt "$tmp/err")"
end

begin "xml:lang of 35 characters (the most /Lang keeps here) is taken, and is the catalog's /Lang"
run report "$tmp/lang-max.xml" -o "$tmp/max.pdf" -q
expect_rc 0
[ -s "$tmp/err" ] && problem "stderr:" "$(excerpt "$tmp/err")"
l=$(catalog_lang "$tmp/max.pdf")
[ "$l" = "(en-a-bbbbbbbb-x-cccccccc-dddd-eeeee)" ] || problem "/Lang: $l"
end

# A well-formed tag the layout could not keep was an "invalid input" failure
# of the render; the loader refuses it with FILE:LINE.
begin "xml:lang of 36 characters is refused with FILE:LINE, exit 3, in validate and report"
tag=en-a-bbbbbbbb-x-cccccccc-dddd-eeeeee
want="$tmp/lang-over.xml:$ROOT_LINE: error: xml:lang '$tag' is 36 characters long; a document's language has at most 35"
run validate "$tmp/lang-over.xml"
expect_rc 3
grep -qxF "$want" "$tmp/err" || problem "validate stderr:" "$(excerpt "$tmp/err")" "expected:" "  $want"
run report "$tmp/lang-over.xml" -o "$tmp/bad.pdf" -q
expect_rc 3
printf '%s\n' "$want" | cmp -s - "$tmp/err" || problem "report stderr:" "$(excerpt "$tmp/err")" "expected:" "  $want"
[ -e "$tmp/bad.pdf" ] && problem "a report was written"
end

for bad in underscore:en_US empty: one:e long:englishlanguage dash:en- twoscripts:zh-Hant-Hans-TW-x; do
    name=${bad%%:*}
    tag=${bad#*:}
    begin "xml:lang=\"$tag\" is refused with FILE:LINE, exit 3"
    run report "$tmp/lang-$name.xml" -o "$tmp/bad.pdf" -q
    expect_rc 3
    want="$tmp/lang-$name.xml:$ROOT_LINE: error: xml:lang '$tag' is not a BCP 47 language tag (such as en, de-CH or zh-Hant-TW)"
    grep -qxF "$want" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")" "expected:" "  $want"
    [ -e "$tmp/bad.pdf" ] && problem "a report was written"
    end
done

preflight_find
if [ "$preflight" != yes ]; then
    skip "Preflight: the reports with /Lang are PDF/A-1b" "$preflight (make deps installs it)"
else
    begin "Preflight: the reports with /Lang (en) and (de-CH) are valid PDF/A-1b"
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
        org.apache.pdfbox.preflight.Validator_A1b batch "$tmp/pdfa" >"$tmp/preflight" 2>&1
    for n in lang-none.pdf lang-de-ch.pdf; do
        grep -q "^The file $n is a valid PDF/A-1b file" "$tmp/preflight" ||
            problem "Preflight on $n said:" "$(excerpt "$tmp/preflight" 20)"
    done
    end
fi

suite_end
