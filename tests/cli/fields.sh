#!/bin/sh
# tests/fields.sh - the signature fields of the sign-off page (issue #11,
# item 3; README "Signature fields"), checked from outside with qpdf, poppler
# and PDFBox, as a signer (readyaudit sign, pdfsig, Acrobat) will find them.
#
# Run as `sh tests/fields.sh` from anywhere (tests/run.sh does); needs
# ./readyaudit built, python3, qpdf, pdftotext, pdfsig (poppler-utils) and,
# for the signing cases, certtool (gnutls-bin), certutil and pk12util
# (libnss3-tools); for Preflight, java and PDFBox 2 as tests/pdfa.sh says.
# Without those, their cases are skipped with a note. Quiet on success: each
# failed case prints "FAIL: case" and what came out; the last line is always
# "fields: N passed, N failed, N skipped". V=1 lists every case.
#
# What it checks: for every sample, the report's catalog has an indirect
# /AcroForm << /Fields [...] >> (no /SigFlags, no /NeedAppearances) whose
# fields are exactly the profile's required roles, in its order, each one
# object that is field and widget (/FT /Sig /T (role-id) /F 4, no /V), in
# the /Annots of its /P, the page of the "Signatures" bookmark, with an
# appearance form XObject whose /BBox is the /Rect's size, and placed on its
# signature line (its caption just below, the approver's name to its left),
# on A4 and on US Letter (the branded template);
# a profile with no required role gives no /AcroForm and no field; pdfsig
# lists every field as unsigned; poppler signs one (an NSS database made
# here by nss_signer_db, tests/lib.sh), after which pdfsig says the
# signature is valid and the rest unsigned, qpdf --check is clean, verify
# still matches, and Preflight says PDF/A-1b for the unsigned and the signed
# report.

cd "$(dirname "$0")/../.." || exit 2

SUITE=fields
. tests/lib.sh
suite_start qpdf pdftotext pdfinfo pdfsig

# ------------------------------------------------------------------ harness

# fields PDF ROLES_JSON [spread]: one problem per line (nothing when all is
# well) about the AcroForm and the signature fields of PDF against the
# required roles ROLES_JSON (score --format json's signoff_roles); with
# "spread", fields may be on the pages after the Signatures heading too.
fields() {
    qpdf --json --json-key=qpdf --json-key=pages "$1" >"$tmp/q.json" 2>"$tmp/q.err" ||
        { echo "qpdf --json failed: $(head -n 3 "$tmp/q.err")"; return; }
    pdftotext -bbox "$1" "$tmp/bbox.html" 2>/dev/null
    "$PY" - "$tmp/q.json" "$2" "$1" "$tmp/bbox.html" "${3:-}" <<'EOF'
import html, json, re, sys
q = json.load(open(sys.argv[1]))
roles = json.loads(sys.argv[2])
raw = open(sys.argv[3], "rb").read()
words = []  # (page from 1, xMin, yMin, xMax, yMax, text)
page, height = 0, {}
for line in open(sys.argv[4], encoding="utf-8"):
    if "<page " in line:
        page += 1
        height[page] = float(re.search(r'height="([\d.]+)"', line).group(1))
    m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
    if m:
        words.append((page,) + tuple(float(m.group(i)) for i in range(1, 5)) + (html.unescape(m.group(5)),))
objs = q["qpdf"][1]
def ref(v):
    return isinstance(v, str) and re.fullmatch(r"\d+ 0 R", v) is not None
def get(r):
    o = objs.get("obj:" + r, {})
    return o.get("value") if "value" in o else o.get("stream", {}).get("dict")
root = get(objs["trailer"]["value"]["/Root"])
want = [r["role"] for r in roles]
if not want:
    if "/AcroForm" in root:
        print("no role is required, yet the catalog has /AcroForm")
    if b"/FT /Sig" in raw:
        print("no role is required, yet the file has a /FT /Sig field")
    sys.exit()
af = root.get("/AcroForm")
if not ref(af):
    sys.exit(print("/AcroForm is not an indirect object:", af))
form = get(af) or {}
for k in form:
    if k not in ("/Fields", "/DA", "/DR"):
        print("/AcroForm has", k)
fields = form.get("/Fields", [])
names = [(get(f) or {}).get("/T") for f in fields]
if names != ["u:" + w for w in want]:
    print("fields", names, "are not the required roles", want)
pages = {p["object"]: p for p in q["pages"]}
signatures = [p["pageposfrom1"] for p in q["pages"]
              if any(o.get("title") == "Signatures" for o in p.get("outlines", []))]
for i, f in enumerate(fields):
    d = get(f) if ref(f) else None
    if d is None:
        print("field", i, "is not an indirect object:", f)
        continue
    t = d.get("/T", "?")
    for k, v in (("/Type", "/Annot"), ("/Subtype", "/Widget"), ("/FT", "/Sig"), ("/F", 4)):
        if d.get(k) != v:
            print(t, k, d.get(k), "is not", v)
    if "/V" in d:
        print(t, "has a /V: it is signed")
    if t.startswith("u:") and b"/T (" + t[2:].encode() + b")" not in raw:
        print(t, "is not written as the literal string (%s)" % t[2:])
    p = pages.get(d.get("/P"))
    if p is None:
        print(t, "/P", d.get("/P"), "is not a page")
        continue
    spread = sys.argv[5] == "spread" and signatures and p["pageposfrom1"] >= signatures[0]
    if p["pageposfrom1"] not in signatures and not spread:
        print(t, "is on page", p["pageposfrom1"], "not on the page of the Signatures bookmark", signatures)
    if f not in (get(d["/P"]) or {}).get("/Annots", []):
        print(t, "is not in the /Annots of its page")
    x1, y1, x2, y2 = d.get("/Rect", [0, 0, 0, 0])
    ap = d.get("/AP", {}).get("/N")
    xo = get(ap) if ref(ap) else None
    if not xo or "stream" not in objs.get("obj:" + ap, {}) or xo.get("/Subtype") != "/Form":
        print(t, "/AP /N", ap, "is not a form XObject stream")
    elif [round(v, 3) for v in xo.get("/BBox", [])] != [0, 0, round(x2 - x1, 3), round(y2 - y1, 3)]:
        print(t, "/BBox", xo.get("/BBox"), "is not the size of /Rect", d.get("/Rect"))
    if not (x2 - x1 >= 100 and y2 - y1 >= 20):
        print(t, "/Rect", d.get("/Rect"), "is smaller than 100 by 20 points")
    # On its line: the caption "Signature (field ROLE)" just below the
    # field, the approver recorded for the role on the name rule to its left.
    ph = height.get(p["pageposfrom1"], 0)
    for w in words:
        if w[0] == p["pageposfrom1"] and w[5] == t[2:] + ")":
            if not (x1 <= w[1] < x2 and 0 < w[2] - (ph - y1) < 12):
                print(t, "caption at", w[1:5], "is not just below the field", d["/Rect"])
            break
    else:
        print(t, "has no caption 'Signature (field %s)' on its page" % t[2:])
    who = (roles[i].get("approver") or "").split()
    if who and i < len(want):
        if not any(w[0] == p["pageposfrom1"] and w[5] == who[-1] and w[3] < x1 and
                   -16 < w[4] - (ph - y1) < 1 for w in words):
            print(t, "the approver's name", " ".join(who), "is not on the field's line")
EOF
}

# roles FILE [ARG...]: the required roles of a record, as JSON.
roles() {
    "$RA" score "$@" --format json 2>/dev/null | "$PY" -c '
import json, sys
print(json.dumps(json.load(sys.stdin)["signoff_roles"]))'
}

# ------------------------------------------------------------------ fields

mkdir -p "$tmp/r"
n=0
for f in samples/*.xml; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    b=$(basename "$f" .xml)
    begin "$b.pdf: one unsigned /FT /Sig field per required role, in order, on its signature line"
    run report "$f" -o "$tmp/r/$b.pdf" -q
    expect_rc 0
    r=$(roles "$f")
    [ "$(printf '%s' "$r" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" -ge 1 ] ||
        problem "score --format json lists no required role for $f"
    s=$(fields "$tmp/r/$b.pdf" "$r")
    [ -z "$s" ] || problem "$s"
    end
done
begin "a US Letter report (the branded template): the fields on their lines"
run report samples/enterprise-claims-assistant.xml --template templates/branded-report.xml \
    -o "$tmp/branded.pdf" -q
expect_rc 0
s=$(fields "$tmp/branded.pdf" "$(roles samples/enterprise-claims-assistant.xml)")
[ -z "$s" ] || problem "$s"
pdfinfo "$tmp/branded.pdf" 2>/dev/null | grep -q '^Page size: *612 x 792' || problem "not a Letter page"
end

begin "every sample rendered"
[ "$n" -ge 8 ] || problem "expected at least 8 samples, found $n"
end

# The field list of the samples, spelled out: a check of the harness too.
begin "the regulated and mvp samples: exactly these fields"
for b in regulated-credit-advisor mvp-support-bot; do
    qpdf --json --json-key=qpdf "$tmp/r/$b.pdf" | "$PY" -c '
import json, sys
objs = json.load(sys.stdin)["qpdf"][1]
print(" ".join(o["value"]["/T"][2:] for o in objs.values()
               if isinstance(o.get("value"), dict) and o["value"].get("/FT") == "/Sig"))' >"$tmp/names"
    case $b in
    regulated*) want="technical-owner product-owner security-lead compliance-officer data-protection-officer" ;;
    *) want="technical-owner" ;;
    esac
    [ "$(cat "$tmp/names")" = "$want" ] || problem "$b: fields $(cat "$tmp/names"), expected $want"
done
end

# A profile that requires no role: the mini checklist without its basic
# profile's role.
begin "a profile with no required role: no /AcroForm, no field"
sed 's|<requires-signoff role="owner"/>||' tests/fixtures/mini-checklist.xml >"$tmp/free.xml"
run report --checklist "$tmp/free.xml" tests/fixtures/mini-ready.xml -o "$tmp/free.pdf" -q
expect_rc 0
r=$(roles --checklist "$tmp/free.xml" tests/fixtures/mini-ready.xml)
[ "$r" = "[]" ] || problem "the profile requires roles: $r"
s=$(fields "$tmp/free.pdf" "$r")
[ -z "$s" ] || problem "$s"
grep -aq '/AcroForm' "$tmp/free.pdf" && problem "the file mentions /AcroForm"
end

# Roles that are not the shipped ones: the mini checklist's strict profile.
begin "the mini checklist's strict profile: fields owner, auditor"
sed 's|profile="basic"|profile="strict"|' tests/fixtures/mini-ready.xml >"$tmp/strict-rec.xml"
run report --checklist tests/fixtures/mini-checklist.xml "$tmp/strict-rec.xml" -o "$tmp/strict.pdf" -q
expect_rc 0
r=$(roles --checklist tests/fixtures/mini-checklist.xml "$tmp/strict-rec.xml")
printf '%s' "$r" | grep -q '"owner".*"auditor"' || problem "roles: $r"
s=$(fields "$tmp/strict.pdf" "$r")
[ -z "$s" ] || problem "$s"
end

# More signature lines than a page holds: the block breaks, and every
# field stays on its own line, on the page that line is on. (A 64-character
# id does not fit its caption, which is shortened with an ellipsis.)
begin "16 required roles with 64-character ids: 16 fields over two pages, each on its line"
"$PY" - tests/fixtures/mini-checklist.xml "$tmp/many.xml" <<'EOF'
import sys
cl = open(sys.argv[1], encoding="utf-8").read()
ids = ["role-%02d-" % i + "x" * 56 for i in range(15)]
cl = cl.replace('<role id="auditor" name="Auditor"/>', '<role id="auditor" name="Auditor"/>' +
                "".join('<role id="%s" name="Role %d"/>' % (r, i) for i, r in enumerate(ids)))
cl = cl.replace('<requires-signoff role="owner"/>\n    </profile>', '<requires-signoff role="owner"/>' +
                "".join('<requires-signoff role="%s"/>' % r for r in ids) + "\n    </profile>", 1)
open(sys.argv[2], "w", encoding="utf-8").write(cl)
EOF
run report --checklist "$tmp/many.xml" tests/fixtures/mini-ready.xml -o "$tmp/many.pdf" -q
expect_rc 0
r=$(roles --checklist "$tmp/many.xml" tests/fixtures/mini-ready.xml)
[ "$(printf '%s' "$r" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 16 ] ||
    problem "expected 16 required roles: $r"
s=$(fields "$tmp/many.pdf" "$r" spread 2>&1 | grep -v 'x has no caption')
[ -z "$s" ] || problem "$s"
[ "$(pdfsig "$tmp/many.pdf" 2>/dev/null | grep -c '^  The signature form field is not signed.$')" = 16 ] ||
    problem "pdfsig does not list 16 unsigned fields"
qpdf --check "$tmp/many.pdf" >"$tmp/qpdf" 2>&1 || problem "qpdf --check:" "$(excerpt "$tmp/qpdf")"
end

# ------------------------------------------------------------------ pdfsig

R=$tmp/r/regulated-credit-advisor.pdf
begin "pdfsig lists the five fields, each unsigned"
pdfsig "$R" >"$tmp/sig" 2>"$tmp/sig.err"
{
    echo "Digital Signature Info of: $R"
    i=1
    for role in technical-owner product-owner security-lead compliance-officer data-protection-officer; do
        printf 'Signature #%d:\n  - Signature Field Name: %s\n  The signature form field is not signed.\n' $i $role
        i=$((i + 1))
    done
} >"$tmp/want"
cmp -s "$tmp/want" "$tmp/sig" || problem "pdfsig said:" "$(diff "$tmp/want" "$tmp/sig" | head -n 12)"
end

begin "qpdf --check: the report with fields is clean"
qpdf --check "$R" >"$tmp/qpdf" 2>&1 || problem "qpdf --check:" "$(excerpt "$tmp/qpdf")"
end

signing=yes
for t in certtool certutil pk12util; do
    command -v $t >/dev/null 2>&1 || signing="no $t (gnutls-bin, libnss3-tools)"
done
S=$tmp/signed.pdf
if [ "$signing" != yes ]; then
    skip "pdfsig -sign fills the technical-owner field" "$signing"
else
    begin "pdfsig -sign fills the technical-owner field: valid, trusted, the others unsigned"
    if ! nss_signer_db "$tmp/pki" ada "Ada Signer" ada@example.org; then
        problem "nss_signer_db failed:" "$(excerpt "$tmp/pki/log" 8)"
    else
        pdfsig -sign technical-owner -nick ada -nssdir "sql:$tmp/pki/nss" "$R" "$S" >"$tmp/out" 2>&1 ||
            problem "pdfsig -sign failed:" "$(excerpt "$tmp/out")"
        pdfsig -nssdir "sql:$tmp/pki/nss" "$S" >"$tmp/sig" 2>/dev/null
        sed -n '2,/^Signature #2/p' "$tmp/sig" >"$tmp/first"
        for want in "  - Signature Field Name: technical-owner" \
            "  - Signer Certificate Common Name: Ada Signer" \
            "  - Signature Validation: Signature is Valid." \
            "  - Certificate Validation: Certificate is Trusted." \
            "  - Total document signed"; do
            grep -qxF -- "$want" "$tmp/first" || problem "no line '$want' in:" "$(excerpt "$tmp/first" 12)"
        done
        [ "$(grep -c 'The signature form field is not signed.' "$tmp/sig")" -eq 4 ] ||
            problem "expected the 4 other fields unsigned:" "$(excerpt "$tmp/sig" 30)"
        cmp -s "$R" "$S" 2>/dev/null && problem "the signed file is the unsigned one"
        head -c "$(wc -c <"$R")" "$S" | cmp -s - "$R" || problem "the signature rewrote the original bytes"
        qpdf --check "$S" >"$tmp/qpdf" 2>&1 || problem "qpdf --check of the signed report:" "$(excerpt "$tmp/qpdf")"
        run verify "$S" samples/regulated-credit-advisor.xml
        grep -q '^SIGNED AFTER ISSUE: the original revision is what readyaudit makes from these inputs; 1 valid signature follows it' "$tmp/out" ||
            problem "verify of the signed report:" "$(excerpt "$tmp/out" 14)"
    fi
    end
fi

# --------------------------------------------------------------- Preflight

preflight_find
mkdir -p "$tmp/pf"
cp "$R" "$tmp/pf/unsigned.pdf"
[ -s "$S" ] && cp "$S" "$tmp/pf/signed.pdf"
if [ "$preflight" != yes ]; then
    skip "Preflight of the reports with fields" "$preflight"
else
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
        org.apache.pdfbox.preflight.Validator_A1b batch "$tmp/pf" >"$tmp/preflight" 2>&1
    for pdf in "$tmp"/pf/*.pdf; do
        n=$(basename "$pdf")
        begin "Preflight: $n (five signature fields) is valid PDF/A-1b"
        grep -q "^The file $n is a valid PDF/A-1b file" "$tmp/preflight" ||
            problem "Preflight said:" "$(excerpt "$tmp/preflight" 20)"
        end
    done
fi

suite_end
