#!/bin/sh
# tests/cli/governance.sh - the moves of issue 12, each tried on a copy of a
# sample, with the verdict, sign-off and message it must now give
# (DESIGN.md "Scoring" and "Governance policy"). Quiet on success; the last
# line is "governance: N passed, N failed, N skipped". Set V=1 to list cases.

cd "$(dirname "$0")/../.." || exit 2
SUITE=governance
. tests/lib.sh
suite_start

# edit SAMPLE OUT PYTHON: writes OUT, a copy of samples/SAMPLE.xml with the
# Python statements applied to the string s (re is imported).
edit() {
    "$PY" - "samples/$1.xml" "$2" "$3" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
exec(sys.argv[3])
open(sys.argv[2], "w", encoding="utf-8").write(s)
PY
}

# field FILE KEY: one top-level field of a JSON score.
field() {
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

# rules FILE: the rule names of a JSON score's findings, one per line.
rules() {
    "$PY" -c 'import json,sys; [print(f["rule"]) for f in json.load(open(sys.argv[1]))["findings"]]' "$1"
}

# messages FILE: the findings of a JSON score as "rule: message" lines.
messages() {
    "$PY" -c 'import json,sys; [print(f["rule"] + ": " + f["message"]) for f in json.load(open(sys.argv[1]))["findings"]]' "$1" >"$tmp/msgs"
}

# expect_score VERDICT SIGNOFF: the JSON score in $tmp/out says so.
expect_score() {
    v=$(field "$tmp/out" verdict)
    so=$(field "$tmp/out" signoff)
    [ "$v" = "$1" ] || problem "verdict: expected $1, got $v ($(field "$tmp/out" verdict_reason))"
    [ "$so" = "$2" ] || problem "signoff: expected $2, got $so"
}

expect_in() { # FILE TEXT
    grep -qF -- "$2" "$1" || problem "expected in $(basename "$1"): $2" "$(excerpt "$1" 8)"
}

ENT=enterprise-claims-assistant
REG=regulated-credit-advisor

# Empty evidence notes everywhere: an evidence item needs a reference or a
# text, so the record is invalid (exit 3), each item named with its line.
# Before: 92.4, Ready, 0 unevidenced.
begin "empty evidence notes are validation errors (enterprise)"
edit $ENT "$tmp/e.xml" 's = re.sub(r"<evidence [^>]*?(/>|>.*?</evidence>)", "<evidence kind=\"note\"/>", s, flags=re.S)'
run validate "$tmp/e.xml"
expect_rc 3
expect_in "$tmp/err" "e.xml:30: error: evidence-reference: note evidence for 'PM-01' needs a text of at least three words"
end

# The same on the regulated record (before: 50.0 / Not ready became 100.0 / Ready).
begin "empty evidence notes are validation errors (regulated)"
edit $REG "$tmp/e2.xml" 's = re.sub(r"<evidence [^>]*?(/>|>.*?</evidence>)", "<evidence kind=\"note\"/>", s, flags=re.S)'
run score "$tmp/e2.xml" --format json
expect_rc 3
expect_in "$tmp/err" "error: evidence-reference: note evidence for"
end

# A link must be an absolute http(s) URL; a ticket needs its id.
begin "a link without a URL is not evidence"
edit $ENT "$tmp/l.xml" 's = s.replace("kind=\"link\" ref=\"https://", "kind=\"link\" ref=\"see ", 1)'
run validate "$tmp/l.xml"
expect_rc 3
expect_in "$tmp/err" "error: evidence-reference: link evidence for"
expect_in "$tmp/err" "needs an absolute http or https URL in ref"
end

# One person ("Jane Doe") approves as all five required roles of the
# regulated profile: distinct-approvers counts her once (technical owner),
# the other four roles are unmet, so the record is a draft. Before: Signed off.
begin "one person in all five roles: Draft, distinct-approvers"
edit $REG "$tmp/j.xml" 's = re.sub(r"(<approval name=)\"[^\"]*\"", "\\1\"Jane Doe\"", s)'
run score "$tmp/j.xml" --format json
expect_rc 0
expect_score ready-with-conditions draft
[ "$(rules "$tmp/out" | grep -c '^distinct-approvers$')" = 4 ] || problem "expected 4 distinct-approvers findings" "$(rules "$tmp/out")"
messages "$tmp/out"
expect_in "$tmp/msgs" "One person cannot hold two required roles: Jane Doe already approves as Technical owner, so the approval as Product owner does not count."
end

# The same person spelt differently (case, spaces, a zero-width space) is
# still one person: names compare folded.
begin "one person under different spellings is still one person"
edit $REG "$tmp/j2.xml" 'names = iter(["Jane Doe", "JANE  DOE", "jane do\u200be", "Jane Doe ", "jAnE dOe"]); s = re.sub(r"(<approval name=)\"[^\"]*\"", lambda m: m.group(1) + "\"" + next(names) + "\"", s)'
run score "$tmp/j2.xml" --format json
expect_score ready-with-conditions draft
[ "$(rules "$tmp/out" | grep -c '^distinct-approvers$')" = 4 ] || problem "expected 4 distinct-approvers findings" "$(rules "$tmp/out")"
end

# The sole assessor approves as all five roles: not independent (and not distinct).
begin "the assessor approves as every role: Draft, independent-approvers"
edit $REG "$tmp/a.xml" 's = re.sub(r"(<approval name=)\"[^\"]*\"", "\\1\"Søren Ødegård\"", s)'
run score "$tmp/a.xml" --format json
expect_score ready-with-conditions draft
[ "$(rules "$tmp/out" | grep -c '^independent-approvers$')" = 5 ] || problem "expected 5 independent-approvers findings" "$(rules "$tmp/out")"
messages "$tmp/out"
expect_in "$tmp/msgs" "Approval by an assessor is not independent: Søren Ødegård approves as Technical owner"
end

# Approver names made only of U+200B: no visible letter, a validation error.
begin "approver names of zero-width spaces are validation errors"
edit $REG "$tmp/z.xml" 's = re.sub(r"(<approval name=)\"[^\"]*\"", "\\1\"\u200b\u200b\"", s)'
run validate "$tmp/z.xml"
expect_rc 3
expect_in "$tmp/err" "z.xml:217: error: visible-name: the approver's name has no visible letter"
end

# Approvals three years after the assessment (2026-10-05 -> 2029-10-06 is
# 1097 days, more than the 90-day window): none counts, Draft.
begin "approvals three years late: Draft, approval-window-days"
edit $REG "$tmp/w.xml" 's = re.sub(r"date=\"2026-10-0(\d)\">", "date=\"2029-10-0\\1\">", s)'
run score "$tmp/w.xml" --format json
expect_score ready-with-conditions draft
[ "$(rules "$tmp/out" | grep -c '^approval-window-days$')" = 5 ] || problem "expected 5 approval-window-days findings" "$(rules "$tmp/out")"
messages "$tmp/out"
expect_in "$tmp/msgs" "The approval by Łukasz Kowalczyk as Technical owner is dated 2029-10-06, 1097 days after the assessment date, outside the 90-day approval window, and does not count."
end

begin "approvals dated 2999: Draft"
edit $REG "$tmp/w2.xml" 's = re.sub(r"date=\"2026-10-0(\d)\">", "date=\"2999-10-0\\1\">", s)'
run score "$tmp/w2.xml" --format json
expect_score ready-with-conditions draft
end

# A failed weight-3 check (SEC-04) whose risk "Summer Intern" accepts as
# product owner until 9999-12-31, with no remediation: the term (2026-09-10
# to 9999-12-31, 2913150 days) exceeds the enterprise cap of 365 days, so
# the acceptance covers nothing; the gap has no plan -> Not ready.
# Before: Ready.
begin "risk accepted until 9999 by an intern: Not ready, risk-acceptance-max-days"
edit $ENT "$tmp/r.xml" 's = re.sub(r"<risk-acceptance by=\"[^\"]*\" role=\"[^\"]*\" date=\"2026-09-10\" expires=\"[^\"]*\"", "<risk-acceptance by=\"Summer Intern\" role=\"product-owner\" date=\"2026-09-10\" expires=\"9999-12-31\"", s); s = re.sub(r"(<result check=\"SEC-04\".*?)<remediation .*?</remediation>", r"\1", s, flags=re.S)'
run score "$tmp/r.xml" --format json
expect_score not-ready signed-off
rules "$tmp/out" | grep -qx risk-acceptance-max-days || problem "no risk-acceptance-max-days finding" "$(rules "$tmp/out")"
expect_in "$tmp/out" "Gap SEC-04 is not covered: its risk acceptance runs longer than the profile allows."
end

# At the regulated profile only the security lead or the compliance officer
# may accept a weight-3 risk: the intern as product owner has no authority.
begin "weight-3 risk accepted by a product owner at regulated: risk-authority"
edit $REG "$tmp/r2.xml" 's = re.sub(r"<risk-acceptance by=\"[^\"]*\" role=\"security-lead\"", "<risk-acceptance by=\"Summer Intern\" role=\"product-owner\"", s); s = re.sub(r"(<result check=\"SEC-04\".*?)<remediation .*?</remediation>", r"\1", s, flags=re.S)'
run score "$tmp/r2.xml" --format json
expect_score not-ready signed-off
rules "$tmp/out" | grep -qx risk-authority || problem "no risk-authority finding" "$(rules "$tmp/out")"
messages "$tmp/out"
expect_in "$tmp/msgs" "Summer Intern (Product owner) has no authority to accept the risk of SEC-04 (weight 3): only Security lead or Compliance officer may"
end

# 47 of 50 checks not applicable with the justification "x": refused.
begin "not applicable with the justification x is a validation error"
edit $REG "$tmp/n.xml" 'gates = {"EV-01", "OBS-01", "DEP-01"}; s = re.sub(r"<result check=\"([A-Z]+-\d+)\" status=\"[a-z-]+\">.*?</result>", lambda m: m.group(0) if m.group(1) in gates else "<result check=\"%s\" status=\"not-applicable\"><justification>x</justification></result>" % m.group(1), s, flags=re.S)'
run validate "$tmp/n.xml"
expect_rc 3
expect_in "$tmp/err" "error: justification: the not-applicable justification of 'PM-01' (\"x\") must say why in at least three words"
end

# The same with a justification of three words: 47 checks not applicable;
# the applicable weight is 105, of which the gates EV-01, OBS-01, DEP-01
# (weight 3 each) stay: 96 of 105 = 91.4% > the regulated cap of 10%.
begin "47 of 50 not applicable: Not ready, max-not-applicable"
edit $REG "$tmp/n2.xml" 'gates = {"EV-01", "OBS-01", "DEP-01"}; s = re.sub(r"<result check=\"([A-Z]+-\d+)\" status=\"[a-z-]+\">.*?</result>", lambda m: m.group(0) if m.group(1) in gates else "<result check=\"%s\" status=\"not-applicable\"><justification>Not used here.</justification></result>" % m.group(1), s, flags=re.S)'
run score "$tmp/n2.xml" --format json
expect_score not-ready signed-off
expect_in "$tmp/out" "47 of 50 applicable checks are not applicable, 91.4% of the applicable weight, above the profile's cap of 10.0% (max-not-applicable)."
end

# Every remediation removed: the gaps without an accepted risk are no longer
# covered, and Ready needs what Ready with conditions needs. Before: Ready.
begin "every remediation removed: Not ready"
edit $ENT "$tmp/m.xml" 's = re.sub(r"<remediation .*?</remediation>", "", s, flags=re.S)'
run score "$tmp/m.xml" --format json
expect_score not-ready signed-off
expect_in "$tmp/out" "has neither a remediation plan (owner and due date) nor an unexpired risk acceptance."
end

# Overdue remediations and an expired acceptance on a weight-3 gap: the
# sample itself. Before: Ready with conditions.
begin "overdue remediations and an expired acceptance: Not ready"
run score samples/accepted-risks-overdue.xml --format json
expect_score not-ready draft
[ "$(rules "$tmp/out" | grep -c '^overdue-remediation$')" = 3 ] || problem "expected 3 overdue-remediation findings"
rules "$tmp/out" | grep -qx expired-acceptance || problem "no expired-acceptance finding"
run score samples/accepted-risks-overdue.xml --format csv
expect_in "$tmp/out" "overdue-remediation: The remediation of EV-05 (owner Olusegun Adeyemi) was due on 2026-10-31"
run score samples/accepted-risks-overdue.xml --format junit
expect_in "$tmp/out" 'type="expired-acceptance"'
end

# A profile that requires no role and a record with no approvals: Not required.
begin "no role required, no approval: not-required"
sed 's|<requires-signoff role="owner"/>||' tests/fixtures/mini-checklist.xml >"$tmp/free.xml"
sed 's|<approval [^>]*>[^<]*</approval>||' tests/fixtures/mini-ready.xml >"$tmp/free-rec.xml"
run score --checklist "$tmp/free.xml" "$tmp/free-rec.xml" --format json
expect_rc 0
expect_score ready not-required
end

# A record written for checklist 1.0 still scores, with a warning.
begin "a record for checklist 1.0 scores with a warning"
edit mvp-support-bot "$tmp/old.xml" 's = s.replace("checklist-version=\"1.1\"", "checklist-version=\"1.0\"")'
run score "$tmp/old.xml" --format json
expect_rc 0
expect_score ready signed-off
expect_in "$tmp/err" "warning: record is for checklist 'llmops-readiness' version 1.0, which version 1.1 supersedes"
end

# The text form says an acceptance is void even when the gap also has a
# (here overdue) remediation; before, only the remediation was shown.
begin "score text: a void acceptance beside an overdue remediation says both"
run score samples/accepted-risks-overdue.xml
expect_rc 0
grep -q '^  SEC-04 .* void, due 2026-10-15 OVERDUE$' "$tmp/out" ||
    problem "SEC-04's line does not say void and overdue:" "$(grep SEC-04 "$tmp/out")"
grep -q '^  OBS-05 .* due 2026-09-30 OVERDUE$' "$tmp/out" ||
    problem "OBS-05's line changed:" "$(grep OBS-05 "$tmp/out")"
end

suite_end
