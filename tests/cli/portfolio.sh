#!/bin/sh
# tests/cli/portfolio.sh - the portfolio summary (issue #15 items 4-5, #17
# item 3): built from aggregates of manifest rows, each system once with its
# trend, the defects a manager found fixed, and a bounded size.
#
# What it checks, with text from pdftotext:
#   - a three-quarter history of three systems (tests/fixtures/history/, made
#     by make-history.py) shows each trend exactly: scores computed by hand in
#     the comments below, previous -> latest with its delta, the regression's
#     new gap, the improved system, Ready beside a Rejected sign-off;
#   - the heat map marks each layer score by its own record's profile, with a
#     legend (Governance 75.0 of a startup record, ready 70, is at the ready
#     step; Cost 50.0 of a minimum-viable record, conditional 40, at the
#     conditional step, not below);
#   - "Most common gaps" counts only the systems where a check applies (the
#     demo pack's SEC-04 "4 of 4", RAG-02 "3 of 6" with one not applicable);
#   - rows carry record id, date and report file; the summary states its
#     generation date (SOURCE_DATE_EPOCH) and the manifest's path and SHA-256;
#   - `manifest summary` renders the same summary from a JSON or a CSV
#     manifest, byte-identical on a re-run, and refuses bad input with FILE:LINE;
#   - a generated manifest of 2,000 rows (tests/bench/gen_manifest.py): the
#     summary before its appendix is at most 12 pages, the appendix lists every
#     system once; its time and peak RSS are printed.
#
# Needs pdftotext, pdfinfo (poppler-utils), qpdf and python3; PDFBox Preflight
# as tests/cli/pdfa.sh finds it (else that case is skipped).

cd "$(dirname "$0")/../.." || exit 2

SUITE=portfolio
. tests/lib.sh
suite_start pdftotext pdfinfo qpdf

# SOURCE_DATE_EPOCH 1790000000 = 20,717 days and 51,200 s after 1970-01-01:
# 2026-09-21 14:13:20 UTC.
SOURCE_DATE_EPOCH=1790000000
export SOURCE_DATE_EPOCH
cd "$tmp" || exit 2
ROOT=$OLDPWD
RA_H=$ROOT/tests/fixtures/history

# has TEXT FILE: FILE (white space collapsed) contains TEXT (collapsed too).
has() {
    "$PY" - "$1" "$2" <<'PYEOF'
import sys
text = " ".join(open(sys.argv[2], encoding="utf-8").read().split())
sys.exit(0 if " ".join(sys.argv[1].split()) in text else 1)
PYEOF
}

# gap_count FILE CHECK: the "N of M" ending the row of CHECK in FILE.
gap_count() {
    awk -v c="$2" '{ sub(/^\f/, "") } $1 == c { print $(NF-2), $(NF-1), $NF; exit }' "$1"
}

# section FILE HEADING NEXT: the text of FILE from the line HEADING to the
# line NEXT (excluded; "-": to the end), page footers and breaks dropped.
section() {
    awk -v a="$2" -v b="$3" '{ sub(/^\f/, "") } $0 == a { on = 1 } $0 == b { on = 0 }
        on && !/^Portfolio summary · /' "$1"
}

begin "batch of the three-quarter history writes reports, manifest and summary"
run batch "$RA_H" -o pack --manifest pack/m.json --summary p.pdf -q
expect_rc 0
[ -s p.pdf ] || problem "no p.pdf"
pdftotext -layout p.pdf p.txt 2>/dev/null || problem "pdftotext failed"
qpdf --check p.pdf >qpdf.txt 2>&1 || problem "qpdf:" "$(excerpt qpdf.txt)"
end

begin "history: the opening counts records and systems, states the date and the manifest digest"
has "9 records of 3 systems assessed against LLMOps Production Readiness 1.1; 0 failed to load." p.txt ||
    problem "no '9 records of 3 systems' sentence:" "$(excerpt p.txt 8)"
has "Generated 2026-09-21 14:13 UTC by $("$RA" --version)." p.txt ||
    problem "no generation date from SOURCE_DATE_EPOCH"
sum=$(sha256sum pack/m.json | cut -d' ' -f1)
has "Manifest: pack/m.json, SHA-256 $sum." p.txt || problem "no 'Manifest: pack/m.json, SHA-256 $sum.'"
end

# Pedalwise (minimum viable; layer weights 1, 1.25, 1.25, 1, 1, 1.25, -, 1 over
# prompt .. deployment, governance has no check, sum 7.75):
#   Q1 COST-01 fails: (80 + 125 + 100 + 0 + 100 + 100 + 60) / 7.75 = 565 / 7.75 = 72.90
#   Q2 the sample, cost 50: 615 / 7.75 = 79.35
#   Q3 PM-02 and DEP-02 pass, prompt and deployment 100: 675 / 7.75 = 87.10; +7.74
# Deal Desk (startup, every layer scored, sum 8.75), the sample 67.24:
#   Q2 SEC-01 (w2 of 7) fails: security 50 -> 21.43, 67.24 - 1.25 * 28.57 / 8.75 = 63.16
#   Q3 RAG-03 (w2 of 6) fails too: rag 50 -> 16.67, 63.16 - 33.33 / 8.75 = 59.35; -3.81
# Harbourview (startup): 88.16 in each quarter; the last sign-off is rejected.
begin "history: each system appears once in the appendix with its trend, previous -> latest"
section p.txt "Appendix: every system" - >app.txt
for want in \
    "Deal Desk Copilot (Fernhill CRM Ltd) FHL-DEALCOPILOT-Q3 2026-08-19 63.2 → 59.4 (−3.8)" \
    "67.2 → 63.2 → 59.4 Not ready / Signed off FHL-DEALCOPILOT-Q3.pdf" \
    "HVP-TENANTDESK-Q3 2026-08-10 88.2 → 88.2 (+0.0)" \
    "88.2 → 88.2 → 88.2 ! Ready / Rejected HVP-TENANTDESK-Q3.pdf" \
    "PDW-HELPBOT-Q3 2026-09-10 79.4 → 87.1 (+7.7)" \
    "72.9 → 79.4 → 87.1 Ready / Signed off PDW-HELPBOT-Q3.pdf"; do
    has "$want" app.txt || problem "the appendix lacks '$want':" "$(excerpt app.txt 20)"
done
for id in FHL-DEALCOPILOT-Q3 HVP-TENANTDESK-Q3 PDW-HELPBOT-Q3; do
    n=$(grep -c "$id " app.txt)
    [ "$n" -eq 1 ] || problem "$id is in $n appendix rows, expected 1"
    [ -s "pack/$id.pdf" ] || problem "the row's report pack/$id.pdf is not in the pack"
done
for id in PDW-HELPBOT-Q1 PDW-HELPBOT-Q2 HVP-TENANTDESK-Q1 FHL-DEALCOPILOT-Q1; do
    grep -q "$id" p.txt && problem "an earlier assessment ($id) is listed as a system"
done
end

begin "history: the regression names its new gap, the improvement its system"
section p.txt "Regressions since the previous assessment" "Layer scores" >reg.txt
has "Score down or a new gap since the previous assessment: 1 system." reg.txt ||
    problem "no count of regressed systems:" "$(excerpt reg.txt 10)"
has "Deal Desk Copilot FHL-DEALCOPILOT-Q2 FHL-DEALCOPILOT-Q3 RAG-03" reg.txt ||
    problem "the regression table does not name RAG-03 between Q2 and Q3:" "$(excerpt reg.txt 14)"
grep -q "PDW-HELPBOT\|HVP-TENANTDESK" reg.txt && problem "a system that did not regress is listed"
section p.txt "Most improved since the previous assessment" "Regressions since the previous assessment" >imp.txt
has "Score up since the previous assessment: 1 system." imp.txt || problem "no improved count"
has "PDW-HELPBOT-Q3 2026-09-10 79.4 → 87.1 (+7.7)" imp.txt || problem "Pedalwise is not the improved system"
grep -q "FHL-DEALCOPILOT\|HVP-TENANTDESK" imp.txt && problem "a system that did not improve is listed"
end

begin "history: Ready beside a Rejected sign-off is listed and marked"
section p.txt "Ready beside a Rejected sign-off" "Systems most in need of attention" >rej.txt
has "Verdict Ready but the sign-off rejected (marked ! and shaded wherever listed): 1 system." rej.txt ||
    problem "no Ready-but-Rejected count:" "$(excerpt rej.txt 6)"
has "88.2 → 88.2 → 88.2 ! Ready / Rejected HVP-TENANTDESK-Q3.pdf" rej.txt || problem "Harbourview is not listed"
[ "$(grep -c '^ *! \|  ! ' p.txt)" -ge 3 ] || problem "the ! mark is not on Harbourview's rows everywhere"
end

begin "heat map: each score is marked by the thresholds of its own record's profile"
section p.txt "Layer scores" "Most common gaps" >heat.txt
has "Startup ready 70, conditional 50" heat.txt || problem "the legend does not give the thresholds"
has "blue ● at or above its ready threshold, orange ◐ at or above its conditional threshold, red ○ below it" heat.txt ||
    problem "no legend of the marks"
"$PY" - heat.txt <<'PYEOF' >heat.out
import re, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    cells = re.split(r"\s{2,}", line.strip())
    if len(cells) == 9:
        rows[cells[0]] = cells[1:]
# L7 Governance of Deal Desk (startup, ready 70): 75.0 is at the ready step.
if rows.get("Deal Desk Copilot", [None] * 8)[6] != "75.0 ●":
    print("Deal Desk Governance:", rows.get("Deal Desk Copilot"))
# L4 Cost of Pedalwise (minimum viable, conditional 40): 50.0 is conditional.
if rows.get("Pedalwise Help Assistant", [None] * 8)[3] != "50.0 ◐":
    print("Pedalwise Cost:", rows.get("Pedalwise Help Assistant"))
# L5 RAG of Deal Desk: 16.7 is below the conditional 50.
if rows.get("Deal Desk Copilot", [None] * 8)[4] != "16.7 ○":
    print("Deal Desk RAG:", rows.get("Deal Desk Copilot"))
PYEOF
[ -s heat.out ] && problem "heat-map cells:" "$(cat heat.out)"
# Counted per layer over all systems: cost is 66.7 (startup, conditional),
# 50.0 (minimum viable, conditional), 83.3 (startup, ready).
has "Cost control 1 2 0 0" heat.txt || problem "the cost row of the step counts is not 1 2 0 0"
end

begin "most common gaps: a check counts only where it applies"
section p.txt "Most common gaps" "Overdue and expired items by owner" >gaps.txt
# PM-03 is a startup check: Pedalwise (minimum viable) is not counted.
[ "$(gap_count gaps.txt PM-03)" = "2 of 2" ] || problem "PM-03 is not '2 of 2':" "$(excerpt gaps.txt 12)"
[ "$(gap_count gaps.txt SEC-01)" = "2 of 3" ] || problem "SEC-01 is not '2 of 3'"
end

begin "the demo pack: SEC-04 is a gap in 4 of the 4 systems where it applies"
run batch "$ROOT/samples" -o demo --summary demo.pdf -q
expect_rc 0
pdftotext -layout demo.pdf demo.txt 2>/dev/null
[ "$(gap_count demo.txt SEC-04)" = "4 of 4" ] || problem "SEC-04 is not '4 of 4'"
# RAG-02 (startup) applies to the 7 startup-or-higher samples, less the one
# marking the RAG layer not applicable (draft-unsigned): 6.
[ "$(gap_count demo.txt RAG-02)" = "3 of 6" ] || problem "RAG-02 is not '3 of 6'"
has "Manifest: none was written with this summary." demo.txt || problem "no sentence saying there is no manifest"
end

begin "manifest summary renders the batch's summary from the JSON and the CSV manifest, byte-identical"
run manifest summary pack/m.json -o s1.pdf -q
expect_rc 0
run manifest summary pack/m.json -o s2.pdf -q
cmp -s s1.pdf s2.pdf || problem "two summaries of one manifest differ"
cmp -s s1.pdf p.pdf || problem "manifest summary differs from batch --summary"
run batch "$RA_H" -o pack --manifest pack/m.csv -q
run manifest summary pack/m.csv -o c.pdf -q
expect_rc 0
pdftotext -layout c.pdf c.txt 2>/dev/null
grep -v "^Manifest: \|^[0-9a-f]\{64\}\.$" c.txt >c1.txt
grep -v "^Manifest: \|^[0-9a-f]\{64\}\.$" p.txt >p1.txt
cmp -s c1.txt p1.txt || problem "the CSV manifest's summary says something else:" "$(diff p1.txt c1.txt | head -8)"
end

# A row that failed keeps the verdict its record would have had, but no report
# stands behind it: undrawable.xml is refused by --strict (a Ready record of
# Pedalwise, PDW-HELPBOT-UNDRAWABLE), and the Deal Desk sample twice under one
# id is refused for both. Only mvp-support-bot (Pedalwise, PDW-HELPBOT-2026-03,
# 79.4) is assessed: 1 system, 3 failed, and neither refused id is a system's
# latest assessment anywhere.
begin "batch --strict: refused rows and duplicate ids count only among failures"
mkdir fin
cp "$ROOT/tests/fixtures/undrawable.xml" "$ROOT/samples/mvp-support-bot.xml" "$ROOT/samples/startup-sales-copilot.xml" fin/
cp "$ROOT/samples/startup-sales-copilot.xml" fin/zz-copy.xml
run batch fin -o fpack --manifest fpack/m.json --summary f.pdf --strict -q
expect_rc 13
pdftotext -layout f.pdf f.txt 2>/dev/null || problem "no summary f.pdf"
has "4 records of 1 systems assessed against LLMOps Production Readiness 1.1; 3 failed to load." f.txt ||
    problem "the opening does not count 1 system and 3 failed:" "$(excerpt f.txt 3)"
grep -q "Records that failed to load  *3$" f.txt || problem "the overview does not count 3 failed records"
section f.txt "Records that failed" "Appendix: every system" >ffail.txt
# Every section but the failures' names neither refused record.
grep -vxF -f ffail.txt f.txt >fother.txt
grep -q "PDW-HELPBOT-UNDRAWABLE" fother.txt && problem "the refused record is shown as an assessment"
grep -q "Deal Desk Copilot\|FHL-DEALCOPILOT" fother.txt && problem "the duplicate id is shown as an assessment"
section f.txt "Appendix: every system" - >fapp.txt
has "PDW-HELPBOT-2026-03 2026-03-12 79.4 (first)" fapp.txt || problem "the assessed system is not listed:" "$(excerpt fapp.txt 8)"
for want in \
    "fin/undrawable.xml fin/undrawable.xml:43: note: U+10900" \
    "fin/startup-sales-copilot.xml fin/startup-sales-copilot.xml: record id 'FHL-DEALCOPILOT-2026Q2' is also the id of fin/zz-copy.xml" \
    "fin/zz-copy.xml fin/zz-copy.xml: record id 'FHL-DEALCOPILOT-2026Q2' is also the id of fin/startup-sales-copilot.xml"; do
    has "$want" ffail.txt || problem "the failures lack '$want':" "$(excerpt ffail.txt 14)"
done
end

# A row without system_key (a manifest of an earlier readyaudit, or edited)
# takes the key its record would have had: "name:", the organisation's key,
# a tab and the name's key, case-folded with white space collapsed. So the
# first Deal Desk row, its key dropped and its names recased and spaced, is
# still the system the two rows with a key are.
begin "manifest summary: a row without system_key is the system its record's key names"
"$PY" - pack/m.json nokey.json <<'PYEOF'
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
for r in rows:
    if r["id"] == "FHL-DEALCOPILOT-Q1":
        del r["system_key"]
        r["system"] = "deal desk  COPILOT"
        r["organisation"] = "Fernhill crm LTD"
json.dump(rows, open(sys.argv[2], "w", encoding="utf-8"), indent=2)
PYEOF
run manifest summary nokey.json -o nokey.pdf -q
expect_rc 0
pdftotext -layout nokey.pdf nokey.txt 2>/dev/null || problem "no nokey.pdf"
has "9 records of 3 systems assessed" nokey.txt || problem "not 3 systems:" "$(excerpt nokey.txt 3)"
section nokey.txt "Appendix: every system" - >nokey-app.txt
has "67.2 → 63.2 → 59.4 Not ready / Signed off FHL-DEALCOPILOT-Q3.pdf" nokey-app.txt ||
    problem "Deal Desk's trend does not include the row without a key:" "$(excerpt nokey-app.txt 12)"
end

begin "manifest summary: bad input is an error at FILE:LINE, no PDF"
printf '[\n  {"id": "A"}\n]\n' >bad.json
run manifest summary bad.json -o bad.pdf
expect_rc 3
grep -qx "bad.json:2: error: row 1 has no column 'system'" "$tmp/err" ||
    problem "stderr:" "$(excerpt "$tmp/err")"
printf '[\n  {"id": "A",\n' >cut.json
run manifest summary cut.json -o bad.pdf
expect_rc 3
grep -qx "cut.json:3: error: not a manifest: string or '}' expected near end of file" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")"
run manifest summary missing.json -o bad.pdf
expect_rc 4
grep -q "^missing.json: error: cannot open: No such file or directory" "$tmp/err" ||
    problem "stderr:" "$(excerpt "$tmp/err")"
[ -e bad.pdf ] && problem "a PDF was written"
run manifest summary pack/m.json
expect_rc 2
run manifest summary pack/m.json -o pack/m.json
expect_rc 2
end

begin "2,000 generated rows: at most 12 pages before the appendix, every system in it once"
"$PY" "$ROOT/tests/bench/gen_manifest.py" 2000 big.json --tool "$("$RA" --version)"
start=$("$PY" -c 'import time; print(time.time())')
/usr/bin/time -f "%e %M" -o big.time "$RA" manifest summary big.json -o big.pdf -q 2>big.err
rc=$?
expect_rc 0
pages=$(pdfinfo big.pdf 2>/dev/null | awk '/^Pages:/ { print $2 }')
pdftotext -layout big.pdf big.txt 2>/dev/null
app=$("$PY" - big.pdf <<'PYEOF'
import subprocess, sys
for p in range(1, 200):
    t = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", sys.argv[1], "-"],
                       capture_output=True, text=True).stdout
    if "Appendix: every system" in t:
        print(p)
        break
PYEOF
)
[ -n "$app" ] && [ "$app" -le 13 ] || problem "the appendix starts on page '${app:-none}' of $pages, expected 13 at most"
# 2,000 rows: every seventh failed (285), the others 500 systems in 4 quarters.
has "2000 records of 500 systems" big.txt || problem "no '2000 records of 500 systems'"
n=$(grep -c "^Generated system [0-9]* (Org [0-9]*) *GEN-" "big.txt")
section big.txt "Appendix: every system" - | grep -c "GEN-[0-9]*-Q[0-9] *20" >big.n
[ "$(cat big.n)" -eq 500 ] || problem "the appendix has $(cat big.n) rows, expected 500"
[ "$n" -ge 500 ] || problem "only $n system rows in all"
read -r secs kib <big.time 2>/dev/null
echo "portfolio of 2,000 rows: $pages pages (appendix from page $app), ${secs:-?} s, peak RSS $(( ${kib:-0} / 1024 )) MiB"
end

preflight_find
if [ "$preflight" != yes ]; then
    skip "the history's portfolio: PDFBox Preflight says PDF/A-1b" "$preflight"
else
    begin "the history's portfolio: PDFBox Preflight says PDF/A-1b"
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
        org.apache.pdfbox.preflight.Validator_A1b p.pdf >preflight.txt 2>&1
    grep -q "is a valid PDF/A-1b file" preflight.txt || problem "Preflight said:" "$(excerpt preflight.txt 15)"
    end
fi

suite_end
