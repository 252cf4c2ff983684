#!/bin/sh
# tests/cli/history.sh - assessment history: the system key, `diff` in text
# and JSON, `report --previous` and `verify --previous`, on the two quarters
# of tests/fixtures/history-q1.xml and history-q2.xml (the comment in
# history-q1.xml lists every change between them). Quiet on success; the
# last line is "history: N passed, N failed, N skipped". Set V=1 to list cases.
#
# The expected values, by hand (minimum-viable profile, checklist 1.1; layer
# weights prompt 1, evaluation 1.25, observability 1.25, cost 1, rag 1,
# security 1.25, governance 1 (no check), deployment 1; check weights in
# brackets; credit pass 1, partial 0.5, fail 0):
#   Q1 prompt      PM-01 pass [3], PM-02 fail [2]      3/5     = 60
#      evaluation  EV-01 pass [3], EV-02 partial [2]   4/5     = 80
#      observab.   OBS-01 pass [3], OBS-02 pass [2]    5/5     = 100
#      cost        COST-01 partial [2]                 1/2     = 50
#      rag         RAG-01 not-applicable                       n/a
#      security    SEC-01 partial [2], SEC-02 pass [3] 4/5     = 80
#      deployment  DEP-01 pass [3], DEP-02 fail [2]    3/5     = 60
#      score (60 + 1.25*80 + 1.25*100 + 50 + 1.25*80 + 60) / 6.75 = 495/6.75
#            = 73.333...
#   Q2 prompt 80 (PM-02 partial), evaluation 100, observability 80 (OBS-02
#      partial), cost 0 (fail), rag 100, security 80, deployment 100 (DEP-02
#      not-applicable): (80 + 125 + 100 + 0 + 100 + 100 + 100) / 7.75
#            = 605/7.75 = 78.0645...
#   score_delta = 605/7.75 - 495/6.75 = 4.73118...; shown +4.7
#   layer deltas: prompt +20, evaluation +20, observability -20, cost -50,
#   rag null (no old score), security 0, governance null, deployment +40.

cd "$(dirname "$0")/../.." || exit 2
SUITE=history
. tests/lib.sh
suite_start pdftotext pdfinfo sha256sum cmp qpdf

Q1=tests/fixtures/history-q1.xml
Q2=tests/fixtures/history-q2.xml

# jq_py EXPR: evaluates a Python expression over the JSON in $tmp/out (as d).
jq_py() {
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/out" "$1"
}

# expect_json EXPR VALUE: the expression over $tmp/out prints VALUE.
expect_json() {
    got=$(jq_py "$1")
    [ "$got" = "$2" ] || problem "$1: expected $2, got $got"
}

# ------------------------------------------------------------------ diff

begin "diff prints every change between the two quarters, line by line"
run diff "$Q1" "$Q2"
expect_rc 0
cat >"$tmp/want" <<'EOF'
Pedalwise Help Assistant  Pedalwise Bike Hire Ltd
Old  PDW-HELPBOT-2025-12, assessed 2025-12-10, checklist 1.1: score 73.3 (Managed), Ready, Signed off
New  PDW-HELPBOT-2026-03, assessed 2026-03-12, checklist 1.1: score 78.1 (Managed), Ready, Signed off
Score delta  +4.7

  Layer                            Old     New   Delta
  Prompt management               60.0    80.0   +20.0
  Evaluation                      80.0   100.0   +20.0
  Observability                  100.0    80.0   -20.0
  Cost control                    50.0     0.0   -50.0
  RAG operations                   n/a   100.0     n/a
  Security                        80.0    80.0     0.0
  Governance                       n/a     n/a     n/a
  Deployment                      60.0   100.0   +40.0

Checks (12): 1 regressed, 1 new-gap, 1 closed-gap, 1 improved, 1 added, 1 removed, 6 unchanged
  regressed   COST-01  partial -> fail
  new-gap     OBS-02   pass -> partial
  closed-gap  EV-02    partial -> pass
  improved    PM-02    fail -> partial
  added       RAG-01   not-applicable -> pass
  removed     DEP-02   fail -> not-applicable

Remediations and risk acceptances
  completed   EV-02    remediation by Tom Okafor (due 2026-02-28) done
  slipped     PM-02    remediation by Priya Raman due 2026-04-15, was 2026-02-15
  overdue     SEC-01   remediation by Marek Nowak was due 2026-03-01
  expired     PM-02    risk accepted by Tom Okafor expired 2026-03-01
  new         SEC-01   risk accepted by Priya Raman until 2026-06-30

Approvals
  changed     Priya Raman as technical-owner: approved-with-conditions -> approved
  removed     Tom Okafor as product-owner: approved
  added       Marek Nowak as security-lead: approved
EOF
cmp -s "$tmp/want" "$tmp/out" || problem "text differs:" "$(diff "$tmp/want" "$tmp/out")"
end

begin "diff --format json: scores, bands, verdicts, sign-off and the unrounded delta"
run diff "$Q1" "$Q2" --format json
expect_rc 0
expect_json 'd["old"]["assessment"], d["old"]["assessed_on"], d["old"]["band"], d["old"]["verdict"], d["old"]["signoff"]' "('PDW-HELPBOT-2025-12', '2025-12-10', 'Managed', 'ready', 'signed-off')"
expect_json 'd["new"]["assessment"], d["new"]["assessed_on"], d["new"]["band"], d["new"]["verdict"], d["new"]["signoff"]' "('PDW-HELPBOT-2026-03', '2026-03-12', 'Managed', 'ready', 'signed-off')"
expect_json 'abs(d["old"]["score"] - 495/6.75) < 1e-9' True
expect_json 'abs(d["new"]["score"] - 605/7.75) < 1e-9' True
expect_json 'abs(d["score_delta"] - (605/7.75 - 495/6.75)) < 1e-9' True
expect_json 'd["old"]["system"] == d["new"]["system"] == "id:PDW-HELPBOT", d["same_system"]' "(True, True)"
expect_json 'd["checklist"]' "{'id': 'llmops-readiness', 'version': '1.1', 'versions_differ': False}"
expect_json 'd["old"]["record_sha256"]' "$(sha256sum <"$Q1" | cut -c1-64)"
expect_json 'd["new"]["record_sha256"]' "$(sha256sum <"$Q2" | cut -c1-64)"
end

begin "diff --format json: each layer's old, new and delta, null where a side has no score"
run diff "$Q1" "$Q2" --format json
expect_json '[(l["id"], l["old"], l["new"], l["delta"]) for l in d["layers"]]' "[('prompt', 60.0, 80.0, 20.0), ('evaluation', 80.0, 100.0, 20.0), ('observability', 100.0, 80.0, -20.0), ('cost', 50.0, 0.0, -50.0), ('rag', None, 100.0, None), ('security', 80.0, 80.0, 0.0), ('governance', None, None, None), ('deployment', 60.0, 100.0, 40.0)]"
end

begin "diff --format json: every check of either side with its change and both statuses"
run diff "$Q1" "$Q2" --format json
expect_json '[(c["id"], c["change"], c["old"], c["new"]) for c in d["checks"]]' "[('PM-01', 'unchanged', 'pass', 'pass'), ('PM-02', 'improved', 'fail', 'partial'), ('EV-01', 'unchanged', 'pass', 'pass'), ('EV-02', 'closed-gap', 'partial', 'pass'), ('OBS-01', 'unchanged', 'pass', 'pass'), ('OBS-02', 'new-gap', 'pass', 'partial'), ('COST-01', 'regressed', 'partial', 'fail'), ('RAG-01', 'added', 'not-applicable', 'pass'), ('SEC-01', 'unchanged', 'partial', 'partial'), ('SEC-02', 'unchanged', 'pass', 'pass'), ('DEP-01', 'unchanged', 'pass', 'pass'), ('DEP-02', 'removed', 'fail', 'not-applicable')]"
expect_json 'd["counts"]' "{'regressed': 1, 'new-gap': 1, 'closed-gap': 1, 'improved': 1, 'added': 1, 'removed': 1, 'unchanged': 6}"
expect_json 'd["checks"][6]["layer"]' cost
end

begin "diff --format json: remediations completed, slipped, overdue; acceptances expired, new"
run diff "$Q1" "$Q2" --format json
expect_json 'd["remediations"]["completed"]' "[{'check': 'EV-02', 'owner': 'Tom Okafor', 'old_due': '2026-02-28', 'new_due': None}]"
expect_json 'd["remediations"]["slipped"]' "[{'check': 'PM-02', 'owner': 'Priya Raman', 'old_due': '2026-02-15', 'new_due': '2026-04-15'}]"
expect_json 'd["remediations"]["overdue"]' "[{'check': 'SEC-01', 'owner': 'Marek Nowak', 'old_due': '2026-03-01', 'new_due': '2026-03-01'}]"
expect_json 'd["risk_acceptances"]["expired"]' "[{'check': 'PM-02', 'by': 'Tom Okafor', 'role': 'product-owner', 'date': '2025-12-10', 'expires': '2026-03-01'}]"
expect_json 'd["risk_acceptances"]["new"]' "[{'check': 'SEC-01', 'by': 'Priya Raman', 'role': 'technical-owner', 'date': '2026-03-12', 'expires': '2026-06-30'}]"
end

begin "diff --format json: approvals changed, removed and added"
run diff "$Q1" "$Q2" --format json
expect_json '[(a["change"], a["name"], a["role"], a["old"], a["new"]) for a in d["approvals"]]' "[('changed', 'Priya Raman', 'technical-owner', 'approved-with-conditions', 'approved'), ('removed', 'Tom Okafor', 'product-owner', 'approved', None), ('added', 'Marek Nowak', 'security-lead', None, 'approved')]"
end

begin "diff of a record with itself: every check unchanged, delta 0"
run diff "$Q2" "$Q2" --format json
expect_rc 0
expect_json 'd["score_delta"], d["counts"]["unchanged"], len(d["checks"]), d["approvals"], d["remediations"]["slipped"]' "(0.0, 12, 12, [], [])"
run diff "$Q2" "$Q2"
grep -qxF 'Score delta  0.0' "$tmp/out" || problem "no 'Score delta  0.0' line:" "$(excerpt "$tmp/out")"
grep -qxF 'Checks (12): 0 regressed, 0 new-gap, 0 closed-gap, 0 improved, 0 added, 0 removed, 12 unchanged' "$tmp/out" || problem "counts line"
end

begin "diff warns when OLD is dated after NEW, and still compares"
run diff "$Q2" "$Q1" --format json
expect_rc 0
grep -qxF "$Q2:11: warning: OLD is dated after NEW (assessed 2026-03-12, NEW 2025-12-10): the changes read backwards" "$tmp/err" || problem "warning:" "$(excerpt "$tmp/err")"
expect_json 'round(d["score_delta"], 9) == round(495/6.75 - 605/7.75, 9), d["checks"][6]["change"]' "(True, 'improved')"
run diff "$Q1" "$Q2"
[ -s "$tmp/err" ] && problem "stderr for records in order:" "$(excerpt "$tmp/err")"
end

# ------------------------------------------------------------ system keys

begin "diff refuses records of different systems (exit 14) unless --force"
sed 's/<system id="PDW-HELPBOT">/<system id="PDW-OTHERBOT">/' "$Q1" >"$tmp/other.xml"
run diff "$tmp/other.xml" "$Q2"
expect_rc 14
[ -s "$tmp/out" ] && problem "something on standard output:" "$(excerpt "$tmp/out")"
grep -qxF "readyaudit diff: $tmp/other.xml and $Q2 are records of different systems (system id PDW-OTHERBOT; system id PDW-HELPBOT); --force compares them anyway" "$tmp/err" ||
    problem "message:" "$(excerpt "$tmp/err")"
run diff "$tmp/other.xml" "$Q2" --force
expect_rc 0
sed -n 2p "$tmp/out" | grep -qxF 'Different systems (compared with --force): old system id PDW-OTHERBOT; new system id PDW-HELPBOT' ||
    problem "no different-systems line:" "$(excerpt "$tmp/out")"
run diff "$tmp/other.xml" "$Q2" --force --format json
expect_json 'd["same_system"], d["old"]["system"], d["new"]["system"]' "(False, 'id:PDW-OTHERBOT', 'id:PDW-HELPBOT')"
end

begin "without a system id, organisation and name are the key, case-folded, white space collapsed"
# Both without id; the new one spells the names in other case and spacing.
sed 's/<system id="PDW-HELPBOT">/<system>/' "$Q1" >"$tmp/q1-noid.xml"
sed 's/<system id="PDW-HELPBOT">/<system>/; s|<name>Pedalwise Help Assistant</name>|<name>PEDALWISE  help   Assistant</name>|; s|<organisation>Pedalwise Bike Hire Ltd</organisation>|<organisation> pedalwise bike hire LTD </organisation>|' "$Q2" >"$tmp/q2-noid.xml"
run diff "$tmp/q1-noid.xml" "$tmp/q2-noid.xml" --format json
expect_rc 0
expect_json 'd["same_system"], d["old"]["system"], d["new"]["system"]' "(True, 'name:pedalwise bike hire ltd\tpedalwise help assistant', 'name:pedalwise bike hire ltd\tpedalwise help assistant')"
# An explicit id never equals a default key, even one spelling the same words.
run diff "$tmp/q1-noid.xml" "$Q2"
expect_rc 14
grep -qF '("Pedalwise Help Assistant" of "Pedalwise Bike Hire Ltd", no system id; system id PDW-HELPBOT)' "$tmp/err" ||
    problem "message:" "$(excerpt "$tmp/err")"
# Another organisation with the same system name is another system.
sed 's|<organisation>Pedalwise Bike Hire Ltd</organisation>|<organisation>Pedalwise Scooters Ltd</organisation>|' "$tmp/q1-noid.xml" >"$tmp/q1-org.xml"
run diff "$tmp/q1-org.xml" "$tmp/q2-noid.xml"
expect_rc 14
end

begin "a system id follows the record-id rules of the schema"
sed 's/<system id="PDW-HELPBOT">/<system id="has space">/' "$Q1" >"$tmp/badid.xml"
run validate "$tmp/badid.xml"
expect_rc 3
grep -q "^$tmp/badid.xml:[0-9]*: error: .*has space" "$tmp/err" || problem "no FILE:LINE error naming the id:" "$(excerpt "$tmp/err")"
end

# ------------------------------------------------------ checklist versions

begin "records of different checklist versions are compared check by check, and diff says so"
# The shipped checklist is 1.1 and supersedes 1.0: a 1.0 record is scored under 1.1.
sed 's/checklist-version="1.1"/checklist-version="1.0"/' "$Q1" >"$tmp/q1-v10.xml"
run diff "$tmp/q1-v10.xml" "$Q2"
expect_rc 0
sed -n 2p "$tmp/out" | grep -qxF 'Old  PDW-HELPBOT-2025-12, assessed 2025-12-10, checklist 1.0: score 73.3 (Managed), Ready, Signed off' || problem "old line:" "$(excerpt "$tmp/out")"
grep -qxF 'Checklist versions differ: old 1.0, new 1.1; compared check by check under llmops-readiness 1.1' "$tmp/out" || problem "no versions line"
grep -qF "$tmp/q1-v10.xml:28: warning: record is for checklist 'llmops-readiness' version 1.0, which version 1.1 supersedes" "$tmp/err" || problem "no superseded warning:" "$(excerpt "$tmp/err")"
run diff "$tmp/q1-v10.xml" "$Q2" --format json
expect_json 'd["checklist"]["versions_differ"], d["old"]["checklist_version"], d["new"]["checklist_version"], len(d["checks"]), d["counts"]["regressed"]' "(True, '1.0', '1.1', 12, 1)"
run diff "$Q1" "$Q2"
grep -q 'Checklist versions differ' "$tmp/out" && problem "versions line for one version"
end

# -------------------------------------------------------------- misuse

begin "diff: a malformed OLD record gives FILE:LINE and exit 3, nothing on standard output"
printf '<?xml version="1.0"?>\n<assessment xmlns="urn:readyaudit:assessment:1">\n<system>\n</assessment>\n' >"$tmp/bad.xml"
run diff "$tmp/bad.xml" "$Q2"
expect_rc 3
[ -s "$tmp/out" ] && problem "standard output not empty"
grep -qxF "$tmp/bad.xml:4: error: </assessment> closes <system>, which was opened at line 3: a tag is misspelt or not closed" "$tmp/err" || problem "message:" "$(excerpt "$tmp/err")"
run diff "$Q1" "$tmp/bad.xml"
expect_rc 3
run diff "$Q1" "$tmp/missing.xml"
expect_rc 4
end

begin "diff: usage errors"
run diff "$Q1"
expect_rc 2
grep -qxF 'readyaudit diff: expected two records (OLD.xml NEW.xml), got 1' "$tmp/err" || problem "one record:" "$(excerpt "$tmp/err")"
run diff "$Q1" "$Q2" --format csv
expect_rc 2
grep -qxF "readyaudit diff: unknown format 'csv' (text or json)" "$tmp/err" || problem "format:" "$(excerpt "$tmp/err")"
run diff "$Q1" "$Q2" --profile startup
expect_rc 2
end

# ------------------------------------------------------- report --previous

begin "report --previous is deterministic: two runs give the same bytes"
run report "$Q2" --previous "$Q1" -o "$tmp/a.pdf"
expect_rc 0
grep -qxF "$tmp/a.pdf: score 78.1, Ready, Signed off" "$tmp/out" || problem "summary line:" "$(excerpt "$tmp/out")"
run report "$Q2" --previous "$Q1" -o "$tmp/b.pdf" -q
expect_rc 0
cmp -s "$tmp/a.pdf" "$tmp/b.pdf" || problem "two runs differ"
end

begin "report --previous: the section's text, regressions first"
pdftotext -layout "$tmp/a.pdf" "$tmp/a.txt"
sed -n '/^Changes since the previous assessment$/,/^Layer overview$/p' "$tmp/a.txt" | grep -v '^RA-\|^Pedalwise Help Assistant  ' | sed 's/ *$//' | grep -v '^$' >"$tmp/section"
cat >"$tmp/want" <<'EOF'
Changes since the previous assessment
Compared with the previous assessment PDW-HELPBOT-2025-12 of 2025-12-10
(history-q1.xml). Each check is compared as each record scores it at its own profile.
Previous score         73.3 / 100 (Managed), Ready, assessed 2025-12-10
Score now              78.1 / 100 (Managed), Ready, assessed 2026-03-12
Change                 +4.7 points
Sign-off               Signed off then, Signed off now
Approvals              Priya Raman as Technical owner: Approved with conditions then, Approved
                       now
                       Tom Okafor as Product owner: no longer approves (Approved)
                       Marek Nowak as Security lead: new approval (Approved)
Checks that changed
6 of 12 checks changed: 1 regressed, 1 new gap, 1 closed gap, 1 improved, 1 added, 1
removed.
EOF
head -14 "$tmp/section" >"$tmp/head"
cmp -s "$tmp/want" "$tmp/head" || problem "head of the section:" "$(diff "$tmp/want" "$tmp/head")"
# The changed checks in order: regressed, new gap, closed gap, improved, added, removed.
order=$(grep -o '^\(Regressed\|New gap\|Closed gap\|Improved\|Added\|Removed\) *[A-Z]*-[0-9]*' "$tmp/section" | sed 's/  */ /g' | tr '\n' ',')
[ "$order" = "Regressed COST-01,New gap OBS-02,Closed gap EV-02,Improved PM-02,Added RAG-01,Removed DEP-02," ] || problem "order: $order"
grep -q '^Regressed *COST-01 *Token usage and cost recorded per *Partial *Fail$' "$tmp/section" || problem "COST-01 row"
grep -q '^Added *RAG-01 *Retrieved context logged with each *Not applicable *Pass$' "$tmp/section" || problem "RAG-01 row"
grep -q '^Removed *DEP-02 *Deployments automated from version *Fail *Not applicable$' "$tmp/section" || problem "DEP-02 row"
grep -q '^Slipped *PM-02 *Priya Raman *Due 2026-04-15, previously 2026-02-15\.$' "$tmp/section" || problem "slipped row"
grep -q '^Now overdue *SEC-01 *Marek Nowak *Was due 2026-03-01, before this assessment;$' "$tmp/section" || problem "overdue row"
grep -q '^Risk expired *PM-02 *Tom Okafor *The acceptance expired on 2026-03-01 and covers$' "$tmp/section" || problem "expired row"
grep -q '^Completed *EV-02 *Tom Okafor *Gap closed; the remediation was due 2026-02-28\.$' "$tmp/section" || problem "completed row"
grep -q '^Risk accepted *SEC-01 *Priya Raman *Accepted on 2026-03-12, until 2026-06-30\.$' "$tmp/section" || problem "new acceptance row"
# The whole section fits on its one page.
pdftotext -layout -f 3 -l 3 "$tmp/a.pdf" - | grep -q '^Risk accepted  *SEC-01' || problem "the section runs past page 3"
pdftotext -f 4 -l 4 "$tmp/a.pdf" - | grep -qxF 'Layer overview' || problem "page 4 is not the layer overview"
end

begin "report --previous: the section follows the executive summary, in the contents too"
pdftotext -f 3 -l 3 "$tmp/a.pdf" - | grep -qxF 'Changes since the previous assessment' || problem "not on page 3"
pdftotext -f 2 -l 2 "$tmp/a.pdf" - | grep -qxF 'Executive summary' || problem "summary not on page 2"
grep -q '^Changes since the previous assessment  *3$' "$tmp/a.txt" || problem "not in the contents"
end

begin "report --previous: the cover shows the delta, the chart each previous layer score"
pdftotext -f 1 -l 1 "$tmp/a.pdf" - | grep -qxF 'Maturity score · Managed · +4.7 since 2025-12-10' || problem "cover delta"
pdftotext -layout -f 2 -l 2 "$tmp/a.pdf" "$tmp/p2.txt"
grep -q 'Layer scores against the thresholds; ticks mark the previous assessment' "$tmp/p2.txt" || problem "chart heading"
for l in 'Prompt management .*80\.0 (was 60\.0)' 'Evaluation .*100\.0 (was 80\.0)' 'Observability .*80\.0 (was 100\.0)' \
    'Cost control .*0\.0 (was 50\.0)' 'Security .*80\.0 (was 80\.0)' 'Deployment .*100\.0 (was 60\.0)'; do
    grep -q "$l" "$tmp/p2.txt" || problem "chart: no $l"
done
# RAG had no score before: no "was"; Governance has none on either side.
grep 'RAG operations' "$tmp/p2.txt" | grep -q 'was' && problem "RAG operations has a previous score"
end

begin "report --previous: the previous record's digest is in the integrity data"
want=$(sha256sum <"$Q1" | cut -c1-64)
pdfinfo "$tmp/a.pdf" | grep -q "; previous-sha256=$want; record-file=history-q2.xml; previous-file=history-q1.xml; created=" || problem "keywords:" "$(pdfinfo "$tmp/a.pdf" | grep Keywords)"
pdfinfo -meta "$tmp/a.pdf" | grep -q "<ra:previousFile>history-q1.xml</ra:previousFile>" || problem "no ra:previousFile in the XMP"
grep -q "^Previous record  *PDW-HELPBOT-2025-12 (history-q1.xml)$" "$tmp/a.txt" || problem "appendix row"
grep -q "readyaudit verify REPORT.pdf history-q2.xml --previous history-q1.xml" "$tmp/a.txt" || problem "how to verify"
run report "$Q2" -o "$tmp/plain.pdf" -q
pdfinfo "$tmp/plain.pdf" | grep -q 'previous-sha256\|previous-file' && problem "a report without --previous names a previous record"
pdftotext -layout "$tmp/plain.pdf" - | grep -q '^ *Previous record' && problem "a report without --previous has a Previous record row"
pdftotext -layout "$tmp/plain.pdf" - | grep -q '^ *Fonts SHA-256' || problem "the appendix lost the row before Previous record"
pdftotext -layout "$tmp/plain.pdf" - | grep -q '^ *Document date' || problem "the appendix lost the row after Previous record"
pdftotext "$tmp/plain.pdf" - | grep -q 'Changes since the previous assessment\|was 60.0\|since 2025-12-10' && problem "a report without --previous shows changes"
# The report ID derives from the previous record too.
id_a=$(pdfinfo "$tmp/a.pdf" | sed -n 's/.*report-id=\([^;]*\);.*/\1/p')
id_p=$(pdfinfo "$tmp/plain.pdf" | sed -n 's/.*report-id=\([^;]*\);.*/\1/p')
[ -n "$id_a" ] && [ "$id_a" != "$id_p" ] || problem "report IDs: $id_a and $id_p"
end

begin "report --previous with the record itself: nothing changed, said in words"
run report "$Q2" --previous "$Q2" -o "$tmp/same.pdf" -q
expect_rc 0
pdftotext -layout -f 3 -l 3 "$tmp/same.pdf" "$tmp/same.txt"
for l in 'Change                 0.0 points' 'Approvals              Unchanged' 'None of the 12 checks changed.' \
    'No remediation was completed, slipped or became overdue, and no risk acceptance expired or'; do
    grep -qxF "$l" "$tmp/same.txt" || problem "no line: $l"
done
pdftotext -f 1 -l 1 "$tmp/same.pdf" - | grep -qxF 'Maturity score · Managed · 0.0 since 2026-03-12' || problem "cover delta"
end

begin "report --previous warns when the previous record is dated after the record"
run report "$Q1" --previous "$Q2" -o "$tmp/back.pdf" -q
expect_rc 0
grep -qxF "$Q2:11: warning: the previous record is dated after this one (assessed 2026-03-12, this one 2025-12-10): the changes read backwards" "$tmp/err" || problem "warning:" "$(excerpt "$tmp/err")"
end

begin "report --previous: a malformed previous record gives FILE:LINE, exit 3, no file"
run report "$Q2" --previous "$tmp/bad.xml" -o "$tmp/c.pdf"
expect_rc 3
[ -e "$tmp/c.pdf" ] && problem "a report was written"
grep -qxF "$tmp/bad.xml:4: error: </assessment> closes <system>, which was opened at line 3: a tag is misspelt or not closed" "$tmp/err" || problem "message:" "$(excerpt "$tmp/err")"
end

begin "report --previous: a record of another system is refused, exit 3, no file"
run report "$Q2" --previous "$tmp/other.xml" -o "$tmp/c.pdf"
expect_rc 3
[ -e "$tmp/c.pdf" ] && problem "a report was written"
grep -qxF "$tmp/other.xml:28: error: the previous record is of another system (system id PDW-OTHERBOT; this record: system id PDW-HELPBOT): --previous wants an earlier assessment of the same system" "$tmp/err" || problem "message:" "$(excerpt "$tmp/err")"
end

begin "report --previous: the output may not be the previous record"
cp "$Q1" "$tmp/q1.xml"
run report "$Q2" --previous "$tmp/q1.xml" -o "$tmp/q1.xml"
expect_rc 2
cmp -s "$Q1" "$tmp/q1.xml" || problem "the previous record was overwritten"
end

# ------------------------------------------------------- verify --previous

begin "verify: MATCH with --previous, INPUT MISSING (10) without it or with another file"
run verify "$tmp/a.pdf" "$Q2" --previous "$Q1"
expect_rc 0
grep -q '^MATCH: ' "$tmp/out" || problem "no MATCH:" "$(excerpt "$tmp/out")"
grep -qxF "previous SHA-256:  $want  (given: $Q1)" "$tmp/out" || problem "no previous line:" "$(excerpt "$tmp/out")"
run verify "$tmp/a.pdf" "$Q2" --previous "$Q1" --format json
expect_rc 0
expect_json 'd["result"], d["inputs"]["previous_record"]' "('match', {'sha256': '$want', 'source': 'given', 'file': '$Q1'})"
run verify "$tmp/a.pdf" "$Q2"
expect_rc 10
grep -qxF "previous SHA-256:  $want  (MISSING)" "$tmp/out" || problem "no MISSING line:" "$(excerpt "$tmp/out")"
grep -qxF "$tmp/a.pdf: error: the previous record with SHA-256 $want is missing: the report compares with it; give it with --previous FILE" "$tmp/err" || problem "message:" "$(excerpt "$tmp/err")"
run verify "$tmp/a.pdf" "$Q2" --previous "$Q2"
expect_rc 10
grep -qxF "$tmp/a.pdf: error: the previous record with SHA-256 $want is missing: $Q2 (--previous) has SHA-256 $(sha256sum <"$Q2" | cut -c1-64)" "$tmp/err" || problem "message:" "$(excerpt "$tmp/err")"
run verify "$tmp/a.pdf" "$Q2" --format json
expect_rc 10
expect_json 'd["result"], d["missing"]["input"], d["missing"]["sha256"]' "('input-missing', 'previous record', '$want')"
end

# The report prints the previous record's file name; the integrity data keeps
# it, so the previous record under another name (the same bytes) still
# rebuilds the same report.
begin "verify: MATCH with the previous record renamed (its digest is what counts)"
mkdir -p "$tmp/renamed"
cp "$Q1" "$tmp/renamed/last-quarter.xml"
run verify "$tmp/a.pdf" "$Q2" --previous "$tmp/renamed/last-quarter.xml"
expect_rc 0
grep -q '^MATCH: ' "$tmp/out" || problem "no MATCH:" "$(excerpt "$tmp/out")" "$(excerpt "$tmp/err")"
grep -qxF "previous SHA-256:  $want  (given: $tmp/renamed/last-quarter.xml)" "$tmp/out" || problem "no previous line:" "$(excerpt "$tmp/out")"
end

begin "verify: a report made with --previous and rewritten by qpdf is REWRITTEN (11), not DAMAGED"
# qpdf moves the info dictionary into an object stream: the integrity data,
# the previous digest included, is read back from the XMP.
qpdf --object-streams=generate "$tmp/a.pdf" "$tmp/rewritten.pdf"
run verify "$tmp/rewritten.pdf" "$Q2" --previous "$Q1"
expect_rc 11
grep -q '^REWRITTEN: ' "$tmp/out" || problem "not REWRITTEN:" "$(excerpt "$tmp/out")"
end

begin "verify: a report made without --previous needs none and ignores one given"
run verify "$tmp/plain.pdf" "$Q2"
expect_rc 0
grep -q 'previous' "$tmp/out" && problem "a previous line for a report without one"
run verify "$tmp/plain.pdf" "$Q2" --previous "$Q1"
expect_rc 0
run verify "$tmp/plain.pdf" "$Q2" --format json
expect_json '"previous_record" in d["inputs"]' False
end

suite_end
