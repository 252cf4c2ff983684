#!/bin/sh
# tests/cli/verify.sh - verify regenerates: every forgery and accident of
# issue #11 gets its own outcome, exit code and exact message; batch keeps
# only reports that are byte for byte what it would write; an auditor
# checks a pack over its manifest.
SUITE=verify
. tests/lib.sh
suite_start qpdf sha256sum

run() {
    (cd "$tmp" && "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# expect_last LINE: the last line of stdout is exactly LINE.
expect_last() {
    last=$(tail -n 1 "$tmp/out")
    [ "$last" = "$1" ] || problem "last line of stdout:" "  got:  $last" "  want: $1"
}

# json_field KEY: the value of a top-level key of the JSON on stdout.
json_field() {
    "$PY" -c 'import json, sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print(json.dumps(v) if not isinstance(v, str) else v)' "$tmp/out" "$1"
}

sha() { sha256sum <"$1" | cut -c1-64; }
size() { wc -c <"$1" | tr -d ' '; }

cp samples/regulated-credit-advisor.xml "$tmp/rec.xml"
cp samples/mvp-support-bot.xml "$tmp/other.xml"
run report -q rec.xml -o r.pdf
run report -q other.xml -o o.pdf
N=$(size "$tmp/r.pdf")
MATCH="MATCH: the report is byte for byte what readyaudit makes from these inputs."

# ------------------------------------------------------------ the genuine report

begin "verify a report against its record: MATCH, exit 0"
run verify r.pdf rec.xml
expect_rc 0
expect_last "$MATCH"
grep -q "^original revision: $N bytes regenerated, $N in the file$" "$tmp/out" ||
    problem "no original revision line:" "$(excerpt "$tmp/out" 14)"
grep -q "^checklist SHA-256: $(sha templates/llmops-readiness.xml)  (shipped: .*templates/llmops-readiness.xml)$" "$tmp/out" ||
    problem "the shipped checklist is not found by digest:" "$(excerpt "$tmp/out" 14)"
grep -q "^fonts SHA-256: *[0-9a-f]\{64\}$" "$tmp/out" || problem "no fonts digest:" "$(excerpt "$tmp/out" 14)"
[ -s "$tmp/err" ] && problem "stderr is not empty:" "$(excerpt "$tmp/err")"
end

begin "the record under another name and path still matches (the report names its file)"
mkdir "$tmp/elsewhere"
cp "$tmp/rec.xml" "$tmp/elsewhere/renamed.xml"
run verify r.pdf elsewhere/renamed.xml
expect_rc 0
expect_last "$MATCH"
end

begin "SOURCE_DATE_EPOCH: the report is regenerated with its own date"
(cd "$tmp" && SOURCE_DATE_EPOCH=1700000000 "$RA" report -q rec.xml -o dated.pdf)
run verify dated.pdf rec.xml
expect_rc 0
expect_last "$MATCH"
grep -q "^document date: *2023-11-14T22:13:20Z$" "$tmp/out" || problem "date:" "$(excerpt "$tmp/out" 14)"
end

begin "--format json: result match, exit 0"
run verify r.pdf rec.xml --format json
expect_rc 0
[ "$(json_field result)" = match ] || problem "result: $(json_field result)"
[ "$(json_field original_bytes)" = "$N" ] || problem "original_bytes: $(json_field original_bytes)"
[ "$(json_field signatures)" = "[]" ] || problem "signatures: $(json_field signatures)"
end

begin "appendix C lists every input digest"
pdftotext -layout "$tmp/r.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$tmp/text"
for label in "Record SHA-256" "Checklist SHA-256" "Template SHA-256" "Logo SHA-256 none (the template has no logo)" "Fonts SHA-256" "Hyphen SHA-256 $(sha fonts/hyphen.txt)" "Document date 2026-10-05 00:00:00 UTC" "Tool readyaudit"; do
    grep -q "$label" "$tmp/text" || problem "no '$label' in the report's text"
done
end

# ------------------------------------------------- forgeries and accidents

# An appended incremental update (1 KB) whose Info dictionary is the other
# report's: it claims the other record's digest with a consistent report ID.
"$PY" - "$tmp/r.pdf" "$tmp/o.pdf" "$tmp/appended.pdf" <<'EOF'
import re, sys
r, o = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
info = int(re.search(rb"/Info (\d+) 0 R", r[r.rindex(b"trailer"):]).group(1))
# The other report's integrity data (its report ID consistent), as the
# Keywords of a new Info dictionary.
kw = bytes.fromhex(re.search(rb"/Keywords <([0-9A-F]+)>", o).group(1).decode())[2:].decode("utf-16-be")
kw = kw[kw.index("report-id="):]
body = b"%d 0 obj\n<<\n/Keywords (%s)\n>>\nendobj\n" % (info, kw.encode())
body += b"%" + b"x" * (1024 - len(body) - 160) + b"\n"
prev = int(re.findall(rb"startxref\s+(\d+)", r)[-1])
size = int(re.search(rb"/Size (\d+)", r[r.rindex(b"trailer"):]).group(1))
xref = b"xref\n0 1\n0000000000 65535 f\r\n%d 1\n%010d 00000 n\r\n" % (info, len(r))
tail = b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
    size, info, prev, len(r) + len(body))
out = r + body + xref + tail
assert 900 < len(out) - len(r) <= 1100
open(sys.argv[3], "wb").write(out)
EOF
A=$(($(size "$tmp/appended.pdf") - N))
INFO=$(grep -a -o '/Info [0-9]* 0 R' "$tmp/r.pdf" | tail -n 1 | cut -d' ' -f2)
begin "a 1 KB update claiming another record's digest: modified after issue (exit 7), says it replaces the Info dictionary"
run verify appended.pdf rec.xml
expect_rc 7
expect_last "MODIFIED AFTER ISSUE: the original revision ($N bytes) is what readyaudit makes from these inputs, but what follows it ($A bytes, 1 incremental update) object $INFO (the Info dictionary) is replaced."
grep -q "^report ID: *$(grep -a -o 'RA-[0-9a-f]\{16\}' "$tmp/r.pdf" | head -n 1)$" "$tmp/out" ||
    problem "the report ID is not the original's:" "$(excerpt "$tmp/out" 3)"
grep -q "^appended.pdf: error: the original revision" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")"
end

begin "the same update against the record it claims: a record mismatch (exit 5), never MATCH"
run verify appended.pdf other.xml
expect_rc 5
expect_last "MISMATCH: other.xml is not the record this report was made from: its SHA-256 is $(sha "$tmp/other.xml"), the report states $(sha "$tmp/rec.xml")."
end

begin "the update in JSON: result modified, with what it changes"
run verify appended.pdf rec.xml --format json
expect_rc 7
[ "$(json_field result)" = modified ] || problem "result: $(json_field result)"
[ "$(json_field update_changes)" = "replaces the Info dictionary (object $INFO)" ] ||
    problem "update_changes: $(json_field update_changes)"
end

"$PY" - "$tmp/r.pdf" "$tmp" <<'EOF'
import re, sys
d, t = open(sys.argv[1], "rb").read(), sys.argv[2]
open(t + "/cut30.pdf", "wb").write(d[:-30])
open(t + "/half.pdf", "wb").write(d[:len(d) // 2])
# A byte inside the content stream of the first page.
page = re.search(rb"/Type /Page\n.*?/Contents (\d+) 0 R", d, re.S) or re.search(rb"/Contents (\d+) 0 R", d)
obj = d.index(b"\n%d 0 obj" % int(page.group(1)))
at = d.index(b"stream\n", obj) + 7 + 40
open(t + "/flip.pdf", "wb").write(d[:at] + bytes([d[at] ^ 0x01]) + d[at + 1:])
open(t + "/flip.at", "w").write(str(at))
EOF

begin "the last 30 bytes cut: damaged (exit 6), truncated N of M"
run verify cut30.pdf rec.xml
expect_rc 6
expect_last "DAMAGED: truncated: $((N - 30)) of $N bytes."
end

begin "cut in half: damaged (exit 6), truncated"
run verify half.pdf rec.xml
expect_rc 6
expect_last "DAMAGED: truncated: $((N / 2)) of $N bytes."
end

begin "a byte flipped inside a page's content stream: damaged (exit 6) at that offset"
run verify flip.pdf rec.xml
expect_rc 6
expect_last "DAMAGED: its bytes differ from the regenerated report from offset $(cat "$tmp/flip.at") (of $N)."
end

# A look-alike checklist: same id and version, the gate flags removed.
sed 's/ gate="true"//' templates/llmops-readiness.xml >"$tmp/lookalike.xml"
cp samples/not-ready-failed-gate.xml "$tmp/gate.xml"
begin "a look-alike checklist given for a report made with the shipped one: input missing (exit 10), both digests"
run report -q gate.xml -o gate.pdf
run verify gate.pdf gate.xml --checklist lookalike.xml
expect_rc 10
expect_last "INPUT MISSING: the checklist with SHA-256 $(sha templates/llmops-readiness.xml) is missing: lookalike.xml (--checklist) has SHA-256 $(sha "$tmp/lookalike.xml")."
end

begin "a report made with the look-alike: not MATCH without it (exit 10), MATCH only with it, and says so"
run report -q gate.xml -o fake.pdf --checklist lookalike.xml
grep -q 'gate' "$tmp/err" && problem "report: $(excerpt "$tmp/err")"
run verify fake.pdf gate.xml
expect_rc 10
expect_last "INPUT MISSING: the checklist with SHA-256 $(sha "$tmp/lookalike.xml") is missing: it is not a shipped one; give it with --checklist FILE."
grep -q "^checklist SHA-256: $(sha "$tmp/lookalike.xml")  (MISSING)$" "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out" 6)"
run verify fake.pdf gate.xml --checklist lookalike.xml
expect_rc 0
grep -q "^checklist SHA-256: $(sha "$tmp/lookalike.xml")  (given: lookalike.xml)$" "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out" 6)"
end

# The template's logo swapped for another picture.
mkdir "$tmp/brand"
cp templates/branded-report.xml templates/example-logo.png "$tmp/brand/"
begin "the template's logo swapped: another report ID, and the logo is the missing input (exit 10)"
run report -q rec.xml -o logo1.pdf --template brand/branded-report.xml
cp tests/fixtures/images/rgb-baseline.jpg "$tmp/brand/example-logo.png"
run report -q rec.xml -o logo2.pdf --template brand/branded-report.xml
id1=$(grep -a -o '<ra:reportId>[^<]*' "$tmp/logo1.pdf" | cut -d'>' -f2)
id2=$(grep -a -o '<ra:reportId>[^<]*' "$tmp/logo2.pdf" | cut -d'>' -f2)
[ -n "$id1" ] && [ "$id1" != "$id2" ] || problem "report IDs: '$id1' and '$id2'"
run verify logo2.pdf rec.xml
expect_rc 10
expect_last "INPUT MISSING: the logo with SHA-256 $(sha "$tmp/brand/example-logo.png") is missing: the template's logo $(pwd)/templates/example-logo.png has SHA-256 $(sha templates/example-logo.png)."
run verify logo1.pdf rec.xml --template brand/branded-report.xml
expect_rc 10
expect_last "INPUT MISSING: the logo with SHA-256 $(sha templates/example-logo.png) is missing: the template's logo $tmp/brand/example-logo.png has SHA-256 $(sha "$tmp/brand/example-logo.png")."
run verify logo2.pdf rec.xml --template brand/branded-report.xml
expect_rc 0
expect_last "$MATCH"
run verify logo1.pdf rec.xml
expect_rc 0
expect_last "$MATCH"
end

begin "other fonts here: the fonts are the missing input (exit 10)"
# A data directory whose font chain lacks its last regular face (Symbola).
mkdir -p "$tmp/data/fonts"
ln -s "$PWD/schemas" "$PWD/templates" "$tmp/data/"
grep -v 'Symbola' fonts/chain.txt >"$tmp/data/fonts/chain.txt"
(cd "$tmp" && READYAUDIT_DATADIR="$tmp/data" "$RA" verify r.pdf rec.xml) >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 10
grep -q "^INPUT MISSING: the fonts with SHA-256 [0-9a-f]\{64\} are missing: the font chain here ($tmp/data/fonts/chain.txt) gives SHA-256 [0-9a-f]\{64\}\.$" "$tmp/out" ||
    problem "stdout:" "$(tail -n 1 "$tmp/out")"
end

begin "other hyphenation dictionaries here: their list is the missing input (exit 10), both digests"
# A data directory whose dictionary list lacks the German dictionary.
mkdir -p "$tmp/hdata/fonts"
ln -s "$PWD/schemas" "$PWD/templates" "$tmp/hdata/"
ln -s "$PWD/fonts/chain.txt" "$tmp/hdata/fonts/"
grep -v 'hyph_de_DE' fonts/hyphen.txt >"$tmp/hdata/fonts/hyphen.txt"
(cd "$tmp" && READYAUDIT_DATADIR="$tmp/hdata" "$RA" verify r.pdf rec.xml) >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 10
expect_last "INPUT MISSING: the hyphenation dictionary list with SHA-256 $(sha fonts/hyphen.txt) is missing: the list here ($tmp/hdata/fonts/hyphen.txt) has SHA-256 $(sha "$tmp/hdata/fonts/hyphen.txt")."
grep -q "^hyphen SHA-256: *$(sha fonts/hyphen.txt)  (MISSING)$" "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out" 14)"
(cd "$tmp" && READYAUDIT_DATADIR="$tmp/hdata" "$RA" verify r.pdf rec.xml --format json) >"$tmp/out" 2>"$tmp/err"
[ "$(json_field missing)" = '{"input": "hyphenation dictionary list", "sha256": "'"$(sha fonts/hyphen.txt)"'"}' ] ||
    problem "json missing: $(json_field missing)"
end

# A German record's report hyphenates with hyph_de_DE.dic (about 3 s of
# libhyphen to load, twice: the report and its regeneration).
cp tests/fixtures/german-compounds.xml "$tmp/de.xml"
run report -q de.xml -o de.pdf
begin "a German report (xml:lang=\"de\") verifies MATCH, naming the dictionary list"
run verify de.pdf de.xml
expect_rc 0
expect_last "$MATCH"
grep -q "^hyphen SHA-256: *$(sha fonts/hyphen.txt)$" "$tmp/out" || problem "no list digest:" "$(excerpt "$tmp/out" 14)"
pdftotext -layout "$tmp/de.pdf" - 2>/dev/null | grep -q ' Datenschutzfolgenab-$' || problem "no word of it is hyphenated"
end

begin "the same list but a changed German dictionary here: the list's dictionaries are the missing input (exit 10)"
mkdir "$tmp/hyphdir"
cp /usr/share/hyphen/hyph_en_US.dic /usr/share/hyphen/hyph_de_DE.dic "$tmp/hyphdir/"
printf '%%' >>"$tmp/hyphdir/hyph_de_DE.dic"
(cd "$tmp" && READYAUDIT_HYPH_DIR="$tmp/hyphdir" "$RA" verify de.pdf de.xml) >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 10
expect_last "INPUT MISSING: a hyphenation dictionary that the list with SHA-256 $(sha fonts/hyphen.txt) pins is missing: cannot use the hyphenation dictionary $tmp/hyphdir/hyph_de_DE.dic: its SHA-256 is $(sha "$tmp/hyphdir/hyph_de_DE.dic"), not $(sha /usr/share/hyphen/hyph_de_DE.dic), the one $PWD/fonts/hyphen.txt lists."
# Said once, by the outcome, not again by the regeneration.
[ "$(wc -l <"$tmp/err")" -eq 1 ] || problem "stderr:" "$(excerpt "$tmp/err")"
end

for how in "" "--object-streams=generate" "--linearize" "--qdf"; do
    case $how in
    "") what="another PDF header" ;;
    --object-streams=generate) what="object streams" ;;
    --linearize) what="linearization" ;;
    --qdf) what="QDF form" ;;
    esac
    begin "rewritten by qpdf ${how:-(no option)}: rewritten (exit 11), never MATCH nor damaged"
    # shellcheck disable=SC2086
    qpdf $how "$tmp/r.pdf" "$tmp/q.pdf" 2>"$tmp/err" || problem "qpdf: $(excerpt "$tmp/err")"
    run verify q.pdf rec.xml
    expect_rc 11
    expect_last "REWRITTEN: rewritten by another PDF tool ($what): its bytes cannot be compared with what readyaudit makes; the record digest matches."
    end
done

# Another version's report: the tool string edited everywhere it is stated
# and the report ID recomputed as an attacker would (same lengths).
"$PY" - "$tmp/r.pdf" "$tmp/version.pdf" <<'EOF'
import hashlib, re, sys
d = open(sys.argv[1], "rb").read()
m = re.search(rb"/Keywords <([0-9A-F]+)>", d)
kw = bytes.fromhex(m.group(1).decode())[2:].decode("utf-16-be")
f = dict(p.split("=", 1) for p in kw.split("; ") if "=" in p)
old_tool, new_tool = f["tool"], "readyaudit 0.0.9"
assert len(old_tool) == len(new_tool)
raw = b"".join(bytes(32) if f[k] == "none" else bytes.fromhex(f[k])
               for k in ("record-sha256", "checklist-sha256", "template-sha256", "logo-sha256", "fonts-sha256",
                         "hyphen-sha256"))
old_id = f["report-id"]
new_id = "RA-" + hashlib.sha256(raw + new_tool.encode()).hexdigest()[:16]
old_raw = "RA-" + hashlib.sha256(raw + old_tool.encode()).hexdigest()[:16]
assert old_raw == old_id, (old_raw, old_id)  # the ID is what the design says it is
new_kw = kw.replace(old_id, new_id).replace("tool=" + old_tool, "tool=" + new_tool)
hexkw = ("\ufeff" + new_kw).encode("utf-16-be").hex().upper().encode()
d = d[:m.start(1)] + hexkw + d[m.end(1):]
d = d.replace(b"<ra:tool>" + old_tool.encode(), b"<ra:tool>" + new_tool.encode())
d = d.replace(b"<ra:reportId>" + old_id.encode(), b"<ra:reportId>" + new_id.encode())
open(sys.argv[2], "wb").write(d)
EOF
begin "made by another version (tool string and report ID edited consistently): other version (exit 9)"
run verify version.pdf rec.xml
expect_rc 9
expect_last "OTHER VERSION: made by another version of readyaudit (readyaudit 0.0.9; this is $("$RA" --version | head -n 1)): the record digest matches, but the report cannot be regenerated byte for byte here."
end

# tests/fixtures/mini-ready-0.1.0.pdf was made by readyaudit 0.1.0 (commit
# afacc73), whose integrity data names record, checklist and template only:
# another version, not altered metadata.
begin "a report of readyaudit 0.1.0: other version (exit 9), not damaged"
cp tests/fixtures/mini-checklist.xml tests/fixtures/mini-ready-0.1.0.pdf tests/fixtures/mini-ready.xml tests/fixtures/mini-not-ready.xml "$tmp/"
run verify --checklist mini-checklist.xml mini-ready-0.1.0.pdf mini-ready.xml
expect_rc 9
expect_last "OTHER VERSION: made by another version of readyaudit (readyaudit 0.1.0; this is $("$RA" --version | head -n 1)): the record digest matches, but the report cannot be regenerated byte for byte here."
run verify --checklist mini-checklist.xml mini-ready-0.1.0.pdf mini-not-ready.xml
expect_rc 5
end

# tests/fixtures/mini-ready-0.3.0.pdf was made by readyaudit 0.3.0 (commit
# 979d822), whose integrity data names no hyphenation dictionary list.
begin "a report of readyaudit 0.3.0: other version (exit 9), not damaged nor a mismatch"
cp tests/fixtures/mini-ready-0.3.0.pdf "$tmp/"
run verify --checklist mini-checklist.xml mini-ready-0.3.0.pdf mini-ready.xml
expect_rc 9
expect_last "OTHER VERSION: made by another version of readyaudit (readyaudit 0.3.0; this is $("$RA" --version | head -n 1)): the record digest matches, but the report cannot be regenerated byte for byte here."
grep -q "^hyphen SHA-256:" "$tmp/out" && problem "a list digest is shown for a report that names none"
run verify --checklist mini-checklist.xml mini-ready-0.3.0.pdf mini-not-ready.xml
expect_rc 5
end

# tests/fixtures/world-text-0.4.0.pdf was made by readyaudit 0.4.0 as it
# was released (commit 0db9f64, SOURCE_DATE_EPOCH=1790000000) from
# tests/fixtures/world-text.xml, whose text (Latin, Greek, Cyrillic,
# Arabic and Hebrew right to left, Devanagari, Thai, CJK and symbols) draws
# with nine faces of the chain: while the version stays 0.4.0, the bytes of
# what this readyaudit makes must not change (its shaping, line breaking and
# font subsets included), or every report already filed would stop
# verifying.
begin "a report that readyaudit 0.4.0 made when released still matches, in nine faces and eight scripts"
cp tests/fixtures/world-text-0.4.0.pdf tests/fixtures/world-text.xml "$tmp/"
if "$RA" --version | head -n 1 | grep -qx "readyaudit 0.4.0"; then
    run verify world-text-0.4.0.pdf world-text.xml
    expect_rc 0
    expect_last "MATCH: the report is byte for byte what readyaudit makes from these inputs."
else
    skip "this readyaudit is not 0.4.0: the fixture is another version's"
fi
end

begin "not a readyaudit report: exit 8"
qpdf --empty "$tmp/empty.pdf"
run verify empty.pdf rec.xml
expect_rc 8
expect_last "NOT A READYAUDIT REPORT: no readyaudit integrity data found: not a readyaudit report, or its metadata was removed."
grep -q "^empty.pdf: error: no readyaudit integrity data found" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")"
run verify empty.pdf rec.xml --format json
[ "$(json_field result)" = not-readyaudit ] || problem "json result: $(json_field result)"
end

begin "--format other: a usage error (exit 2)"
run verify r.pdf rec.xml --format csv
expect_rc 2
grep -q "unknown format 'csv' (text or json)" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")"
end

# ------------------------------------------------------------------ batch

mkdir "$tmp/in"
cp samples/mvp-support-bot.xml samples/startup-sales-copilot.xml samples/draft-unsigned.xml "$tmp/in/"
run batch -q in -o pack --manifest pack/m.csv
MVP=pack/PDW-HELPBOT-2026-03.pdf
ST=pack/$(sed -n 's/.* id="\([^"]*\)".*/\1/p' samples/startup-sales-copilot.xml | head -n 1).pdf
DR=pack/$(sed -n 's/.* id="\([^"]*\)".*/\1/p' samples/draft-unsigned.xml | head -n 1).pdf
begin "batch: the reports of a first run are there"
expect_rc 0
for f in "$MVP" "$ST" "$DR"; do [ -f "$tmp/$f" ] || problem "no $f"; done
end

cp "$tmp/$MVP" "$tmp/mvp.good"
cp "$tmp/$DR" "$tmp/draft.good"
touch -d '2001-01-01 00:00:00' "$tmp/$DR"
qpdf --empty "$tmp/$ST"
cp "$tmp/$ST" "$tmp/planted.pdf"
"$PY" -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 3] ^= 0x04
open(sys.argv[1], "wb").write(d)' "$tmp/$MVP"
begin "batch over a planted and a corrupted PDF: the corrupted one is rebuilt, the planted one refused (exit 4), the current one kept"
run batch in -o pack --manifest pack/m.csv
expect_rc 4
grep -q "^in/startup-sales-copilot.xml: $ST: exists and is not a readyaudit report: not replaced (move it away, or use --force to replace it)$" "$tmp/err" ||
    problem "stderr does not refuse the planted file:" "$(excerpt "$tmp/err")"
cmp -s "$tmp/$ST" "$tmp/planted.pdf" || problem "the planted file was overwritten"
cmp -s "$tmp/$MVP" "$tmp/mvp.good" || problem "the corrupted report was not rebuilt"
[ "$(stat -c %Y "$tmp/$DR")" = "$(date -d '2001-01-01 00:00:00' +%s)" ] || problem "the current report was rewritten (mtime changed)"
cmp -s "$tmp/$DR" "$tmp/draft.good" || problem "the current report changed"
grep -q "1 done, 1 skipped, 1 failed" "$tmp/err" "$tmp/out" || problem "summary:" "$(excerpt "$tmp/err")"
grep -q ",$(sha "$tmp/$MVP"),done," "$tmp/pack/m.csv" || problem "the manifest lacks the rebuilt report's digest:" "$(excerpt "$tmp/pack/m.csv")"
end

begin "batch --force replaces the planted file"
run batch -q --force in -o pack --manifest pack/m.csv
expect_rc 0
run verify "$ST" in/startup-sales-copilot.xml
expect_rc 0
end

# ----------------------------------------- how an auditor checks a pack

begin "an auditor verifies every report of a manifest against its record: all MATCH"
(cd "$tmp" && "$PY" -c '
import csv, sys
for row in csv.DictReader(open("pack/m.csv")):
    print(row["output"], row["input"])' | while read -r pdf rec; do
    "$RA" verify "$pdf" "$rec" >/dev/null 2>&1 || echo "$pdf: exit $?"
done) >"$tmp/audit"
[ -s "$tmp/audit" ] && problem "not every report matches:" "$(excerpt "$tmp/audit")"
[ "$(grep -c . "$tmp/pack/m.csv")" = 4 ] || problem "manifest rows:" "$(excerpt "$tmp/pack/m.csv")"
end

suite_end
