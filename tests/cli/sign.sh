#!/bin/sh
# tests/sign.sh - readyaudit sign: PAdES B-B signatures in a report's
# signature fields, from each key source (PEM key and certificate, PKCS#12,
# a SoftHSM2 PKCS#11 token set up here), three signers in turn, and every
# refusal with its exact message and exit code.
#
# Run as `sh tests/cli/sign.sh` from anywhere (tests/run.sh does); needs
# ./readyaudit built, python3, certtool and p11tool (gnutls-bin), softhsm2-util
# (softhsm2), pdfsig (poppler-utils), qpdf, and for the Preflight cases java
# with PDFBox 2 (as tests/cli/pdfa.sh). Quiet on success; the last line is
# "sign: N passed, N failed, N skipped". V=1 lists every case.
#
# What it checks: each signature adds an incremental update that leaves
# every earlier byte as it was; pdfsig says every signature is valid and the
# last one covers the whole document; qpdf --check is clean and Preflight
# says PDF/A-1b after each signature; the CMS (openssl cms -print) has the
# content-type, message-digest and signing-certificate-v2 attributes and no
# signing-time; the same inputs and SOURCE_DATE_EPOCH give the same bytes;
# without -o the report is signed in place. Refused, each with its message
# and exit code: a role without a field (20), a signed field (21), a file
# that is not an intact readyaudit report (12: not ours, truncated, an
# update that changes a page, a cross-reference stream), a key that does not
# match its certificate (23), an expired certificate (24), one without
# digitalSignature (25), a wrong PKCS#12 password or PIN (26); and usage
# errors (2).

cd "$(dirname "$0")/../.." || exit 2

MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

SUITE=sign
. tests/lib.sh
suite_start certtool p11tool softhsm2-util pdfsig qpdf openssl

preflight_find

# Signing time 2026-11-18 11:06:40 UTC: reproducible, inside the test PKI's validity.
SOURCE_DATE_EPOCH=1795000000
export SOURCE_DATE_EPOCH
K=$tmp/pki
begin "the test PKI is made"
make_test_pki "$K" >"$tmp/pki.log" 2>&1 || problem "make_test_pki failed:" "$(excerpt "$tmp/pki.log" 10)"
end

# A SoftHSM2 token of our own holding Carol's key and certificate.
SOFTHSM2_CONF=$tmp/softhsm2.conf
export SOFTHSM2_CONF
mkdir -p "$tmp/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$tmp/tokens" >"$SOFTHSM2_CONF"
printf '1234\n' >"$tmp/pin"
printf '9999\n' >"$tmp/badpin"
printf 'not-the-password\n' >"$tmp/badpass"
URI="pkcs11:token=ratest;object=carol;type=private?module-path=$MODULE"
begin "a SoftHSM2 token holds Carol's key and certificate"
{
    softhsm2-util --init-token --free --label ratest --so-pin 12345678 --pin 1234 &&
        GNUTLS_PIN=1234 p11tool --provider "$MODULE" --login --write --label carol \
            --load-privkey "$K/carol.key" "pkcs11:token=ratest" &&
        GNUTLS_PIN=1234 p11tool --provider "$MODULE" --login --write --label carol \
            --load-certificate "$K/carol.pem" "pkcs11:token=ratest"
} >"$tmp/hsm.log" 2>&1 || problem "token setup failed:" "$(excerpt "$tmp/hsm.log" 10)"
end

# ------------------------------------------------------------------ helpers

# sigs PDF: pdfsig's view, one line per signature: "FIELD|CN|validation|total".
sigs() {
    pdfsig "$1" 2>&1 | awk '
        /^Signature #/ { if (f != "") print f "|" cn "|" v "|" t; f = ""; cn = ""; v = ""; t = "partial" }
        /Signature Field Name:/ { sub(/.*Name: /, ""); f = $0 }
        /Common Name:/ { sub(/.*Name: /, ""); cn = $0 }
        /Signature Validation:/ { sub(/.*Validation: /, ""); v = $0 }
        /Total document signed/ { t = "total" }
        /not signed/ { v = "unsigned" }
        END { if (f != "") print f "|" cn "|" v "|" t }'
}

# prefix OLD NEW: is OLD, byte for byte, the start of NEW?
prefix() {
    n=$(wc -c <"$1")
    [ "$(wc -c <"$2")" -gt "$n" ] && cmp -s -n "$n" "$1" "$2"
}

# checks OLD NEW: NEW keeps OLD's bytes and is clean for qpdf.
checks() {
    prefix "$1" "$2" || problem "$(basename "$2") does not start with the bytes of $(basename "$1")"
    qpdf --check "$2" >"$tmp/qpdf" 2>&1 || problem "qpdf --check:" "$(excerpt "$tmp/qpdf")"
    grep -qi 'warning\|error:' "$tmp/qpdf" && problem "qpdf warns:" "$(excerpt "$tmp/qpdf")"
    return 0
}

# ---------------------------------------------------------------- signing

mkdir -p "$tmp/pf"
R=$tmp/report.pdf
begin "a regulated report has the five role fields, unsigned"
run report samples/regulated-credit-advisor.xml -o "$R" -q
expect_rc 0
sigs "$R" >"$tmp/got"
printf '%s\n' "technical-owner||unsigned|partial" "product-owner||unsigned|partial" \
    "security-lead||unsigned|partial" "compliance-officer||unsigned|partial" \
    "data-protection-officer||unsigned|partial" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/got" || problem "pdfsig:" "$(excerpt "$tmp/got" 8)"
end

S1=$tmp/s1.pdf
begin "sign with a PEM key and certificate (RSA)"
run sign "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" -o "$S1"
expect_rc 0
[ "$(cat "$tmp/out")" = "$S1: signed the field 'technical-owner'" ] || problem "stdout:" "$(excerpt "$tmp/out")"
checks "$R" "$S1"
sigs "$S1" | head -n 1 >"$tmp/got"
echo "technical-owner|Alice Example|Signature is Valid.|total" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/got" || problem "pdfsig:" "$(excerpt "$tmp/got")"
cp "$S1" "$tmp/pf/1-pem.pdf"
end

# GnuTLS is loaded only by what signs or checks a signature: the dynamic
# linker lists each library it loads under LD_DEBUG=files.
begin "report and score do not load GnuTLS; sign and verify of a signed report do"
for c in "report samples/mvp-support-bot.xml -o $tmp/nolib.pdf -q" "score samples/mvp-support-bot.xml" \
    "verify $R samples/regulated-credit-advisor.xml"; do
    # shellcheck disable=SC2086
    LD_DEBUG=files "$RA" $c >/dev/null 2>"$tmp/ld" || [ $? -lt 2 ] || problem "$c failed:" "$(excerpt "$tmp/ld")"
    grep -q 'file=libgnutls\.so\.30 ' "$tmp/ld" && problem "$c loaded libgnutls.so.30"
done
LD_DEBUG=files "$RA" sign "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" \
    -o "$tmp/lib.pdf" -q >/dev/null 2>"$tmp/ld" || problem "sign failed:" "$(excerpt "$tmp/ld")"
grep -q 'file=libgnutls\.so\.30 .*dynamically loaded' "$tmp/ld" || problem "sign did not load libgnutls.so.30"
LD_DEBUG=files "$RA" verify "$S1" samples/regulated-credit-advisor.xml >/dev/null 2>"$tmp/ld"
grep -q 'file=libgnutls\.so\.30 .*dynamically loaded' "$tmp/ld" || problem "verify of a signed report did not load libgnutls.so.30"
end

begin "a GnuTLS that cannot be used: sign says why (exit 4) and writes nothing"
mkdir -p "$tmp/fakelib"
echo 'int not_gnutls(void) { return 0; }' >"$tmp/fakelib/f.c"
if cc -shared -fPIC -Wl,-soname,libgnutls.so.30 -o "$tmp/fakelib/libgnutls.so.30" "$tmp/fakelib/f.c" 2>"$tmp/err"; then
    LD_LIBRARY_PATH=$tmp/fakelib run sign "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" -o "$tmp/nogt.pdf"
    expect_rc 4
    [ "$(cat "$tmp/err")" = "$R: error: cannot sign: libgnutls.so.30 has no gnutls_pk_to_sign" ] ||
        problem "stderr:" "$(excerpt "$tmp/err")"
    [ -e "$tmp/nogt.pdf" ] && problem "a file was written"
else
    problem "cannot build the stand-in library:" "$(excerpt "$tmp/err")"
fi
end

begin "the CMS: content-type, message-digest, signing-certificate-v2, no signing-time, SHA-256"
"$PY" - "$S1" "$tmp/cms.der" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
i = d.rfind(b"/Contents <") + 11
h = d[i:d.index(b">", i)].decode()
n = int(h[4:8], 16) + 4 if h[2:4] == "82" else 0
open(sys.argv[2], "wb").write(bytes.fromhex(h[: 2 * n]))
EOF
openssl cms -inform DER -in "$tmp/cms.der" -cmsout -print >"$tmp/cms.txt" 2>&1 || problem "openssl cms:" "$(excerpt "$tmp/cms.txt")"
sed -n 's/^ *object: \([A-Za-z0-9-]*\) (1.2.840.113549.1.9.*/\1/p' "$tmp/cms.txt" >"$tmp/got"
printf '%s\n' contentType messageDigest id-smime-aa-signingCertificateV2 >"$tmp/want"
cmp -s "$tmp/want" "$tmp/got" || problem "signed attributes:" "$(excerpt "$tmp/got")"
grep -q 'signingTime' "$tmp/cms.txt" && problem "the CMS has a signing-time attribute"
grep -q 'eContent: <ABSENT>' "$tmp/cms.txt" || problem "the CMS is not detached"
grep -q 'algorithm: sha256' "$tmp/cms.txt" || problem "no SHA-256 digest algorithm"
end

begin "the signature dictionary: ETSI.CAdES.detached, /M from SOURCE_DATE_EPOCH, /SigFlags 3"
LC_ALL=C grep -a -q "/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange \[0 " "$S1" ||
    problem "no signature dictionary as expected"
LC_ALL=C grep -a -q "/M (D:20261118110640+00'00')" "$S1" || problem "no /M (D:20261118110640+00'00')"
LC_ALL=C grep -a -q "/SigFlags 3" "$S1" || problem "no /SigFlags 3"
end

begin "the same inputs and SOURCE_DATE_EPOCH sign to the same bytes"
run sign "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" -o "$tmp/again.pdf" -q
expect_rc 0
cmp -s "$S1" "$tmp/again.pdf" || problem "two signatures differ: $(cmp "$S1" "$tmp/again.pdf" 2>&1)"
[ -s "$tmp/out" ] && problem "-q printed:" "$(excerpt "$tmp/out")"
end

begin "-o - writes the signed report to standard output, and nothing else"
"$RA" sign "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" -o - >"$tmp/stdout.pdf" 2>"$tmp/err"
rc=$?
expect_rc 0
cmp -s "$S1" "$tmp/stdout.pdf" || problem "standard output is not the signed report"
[ -s "$tmp/err" ] && problem "stderr:" "$(excerpt "$tmp/err")"
end

S2=$tmp/s2.pdf
begin "a second signer, in place, with a PKCS#12 file (ECDSA)"
cp "$S1" "$S2"
run sign "$S2" --role product-owner --p12 "$K/ecdsa.p12" --password-file "$K/p12.pass"
expect_rc 0
checks "$S1" "$S2"
sigs "$S2" | head -n 2 >"$tmp/got"
printf '%s\n' "technical-owner|Alice Example|Signature is Valid.|partial" \
    "product-owner|Bob Example|Signature is Valid.|total" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/got" || problem "pdfsig:" "$(excerpt "$tmp/got")"
ls -a "$tmp" | grep -q '^\.s2\.pdf\.' && problem "a temporary file was left behind"
cp "$S2" "$tmp/pf/2-p12.pdf"
end

S3=$tmp/s3.pdf
begin "a third signer with a key on a PKCS#11 token (SoftHSM2)"
run sign "$S2" --role security-lead --pkcs11 "$URI" --pin-file "$tmp/pin" -o "$S3"
expect_rc 0
checks "$S2" "$S3"
sigs "$S3" | head -n 3 >"$tmp/got"
printf '%s\n' "technical-owner|Alice Example|Signature is Valid.|partial" \
    "product-owner|Bob Example|Signature is Valid.|partial" \
    "security-lead|Carol Example|Signature is Valid.|total" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/got" || problem "pdfsig:" "$(excerpt "$tmp/got" 5)"
cp "$S3" "$tmp/pf/3-pkcs11.pdf"
end

begin "--chain puts the CA certificate in the CMS"
run sign "$S3" --role compliance-officer --key "$K/rsa.key" --cert "$K/rsa.pem" --chain "$K/ca.pem" \
    -o "$tmp/s4.pdf" -q
expect_rc 0
checks "$S3" "$tmp/s4.pdf"
sigs "$tmp/s4.pdf" | sed -n 4p >"$tmp/got"
echo "compliance-officer|Alice Example|Signature is Valid.|total" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/got" || problem "pdfsig:" "$(excerpt "$tmp/got")"
cp "$tmp/s4.pdf" "$tmp/pf/4-chain.pdf"
end

# ------------------------------------------------- verify checks signatures

# A record whose first three approvers are the test PKI's signers (Alice by
# e-mail, Bob and Carol by name), signed by each with another key source.
"$PY" - samples/regulated-credit-advisor.xml "$tmp/abc.xml" <<'PYEOF'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
s = s.replace('name="Łukasz Kowalczyk" role="technical-owner"',
              'name="A. Example" email="alice@example.org" role="technical-owner"')
s = s.replace('name="Zoë Müller" role="product-owner"', 'name="Bob Example" role="product-owner"')
s = s.replace('name="Дмитрий Соколов" role="security-lead"', 'name="carol  EXAMPLE" role="security-lead"')
open(sys.argv[2], "w", encoding="utf-8").write(s)
PYEOF
V0=$tmp/v0.pdf
V3=$tmp/v3.pdf
run report "$tmp/abc.xml" -o "$V0" -q
run sign "$V0" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" -o "$tmp/v1.pdf" -q
run sign "$tmp/v1.pdf" --role product-owner --p12 "$K/ecdsa.p12" --password-file "$K/p12.pass" -o "$tmp/v2.pdf" -q
run sign "$tmp/v2.pdf" --role security-lead --pkcs11 "$URI" --pin-file "$tmp/pin" -o "$V3" -q

begin "verify --trust of a report signed by three approvers with three key sources: signed after issue, every role matched (exit 0)"
run verify --trust "$K/ca.pem" "$V3" "$tmp/abc.xml"
expect_rc 0
for want in \
    "signature 1:       technical-owner (Technical owner), signed by Alice Example <alice@example.org>, at 2026-11-18T11:06:40Z" \
    "signature 2:       product-owner (Product owner), signed by Bob Example <bob@example.org>, at 2026-11-18T11:06:40Z" \
    "signature 3:       security-lead (Security lead), signed by Carol Example <carol@example.org>, at 2026-11-18T11:06:40Z" \
    "                   valid; certificate allowed signing at that time; trusted; matches the approval of A. Example" \
    "                   valid; certificate allowed signing at that time; trusted; matches the approval of Bob Example" \
    "                   valid; certificate allowed signing at that time; trusted; matches the approval of carol EXAMPLE" \
    "sign-off:          approvals recorded 5 of 5, digitally signed 3 of 5; unsigned: compliance-officer, data-protection-officer" \
    "SIGNED AFTER ISSUE: the original revision is what readyaudit makes from these inputs; 3 valid signatures follow it, each chained to --trust, and nothing else."; do
    grep -qxF -- "$want" "$tmp/out" || problem "no line '$want' in:" "$(excerpt "$tmp/out" 30)"
done
end

begin "verify --format json: result signed, signatures with field, role, signer, valid, trusted, approval_matches"
run verify --trust "$K/ca.pem" --format json "$V3" "$tmp/abc.xml"
expect_rc 0
"$PY" - "$tmp/out" <<'PYEOF' || problem "json:" "$(excerpt "$tmp/out" 40)"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["result"] == "signed", v["result"]
got = [(s["field"], s["role"], s["signer"], s["valid"], s["trusted"], s["approval_matches"]) for s in v["signatures"]]
assert got == [("technical-owner", "technical-owner", "Alice Example", True, True, True),
               ("product-owner", "product-owner", "Bob Example", True, True, True),
               ("security-lead", "security-lead", "Carol Example", True, True, True)], got
assert v["signoff"] == {"required": 5, "approved": 5, "signed": 3,
                        "unsigned": "compliance-officer, data-protection-officer"}, v["signoff"]
PYEOF
end

begin "without --trust: signed after issue, each signature 'not trusted' (exit 0)"
run verify "$V3" "$tmp/abc.xml"
expect_rc 0
grep -q '^SIGNED AFTER ISSUE: .*3 valid signatures follow it (not checked against a trust anchor: no --trust), and nothing else\.$' "$tmp/out" ||
    problem "stdout:" "$(excerpt "$tmp/out" 30)"
[ "$(grep -c '; not trusted; matches the approval of' "$tmp/out")" -eq 3 ] || problem "stdout:" "$(excerpt "$tmp/out" 30)"
end

begin "--trust with a CA that signed none of them: signed, not trusted (exit 12)"
run verify --trust "$K/other-ca.pem" "$V3" "$tmp/abc.xml"
expect_rc 12
grep -q '^SIGNED, NOT TRUSTED: .*but the signature in field technical-owner does not chain to --trust' "$tmp/out" ||
    problem "stdout:" "$(excerpt "$tmp/out" 30)"
end

begin "signed by someone other than the recorded approver: signed, and the line says it does not match"
run verify --trust "$K/ca.pem" "$S3" samples/regulated-credit-advisor.xml
expect_rc 0
grep -qxF "                   valid; certificate allowed signing at that time; trusted; DOES NOT match the approval of Łukasz Kowalczyk" "$tmp/out" ||
    problem "stdout:" "$(excerpt "$tmp/out" 30)"
end

begin "a byte flipped inside the second signature's signed range: not MATCH nor SIGNED"
n1=$(wc -c <"$tmp/v1.pdf")
"$PY" - "$V3" "$tmp/flip.pdf" "$((n1 + 40))" <<'PYEOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[int(sys.argv[3])] ^= 0x01
open(sys.argv[2], "wb").write(b)
PYEOF
run verify --trust "$K/ca.pem" "$tmp/flip.pdf" "$tmp/abc.xml"
case $rc in 6 | 7) ;; *) problem "exit $rc, expected 7 (or 6)" ;; esac
grep -q '^MATCH\|^SIGNED' "$tmp/out" && problem "a flipped byte still verifies:" "$(excerpt "$tmp/out" 30)"
end

begin "an update that replaces a page after signing: modified after issue (exit 7), and says so"
"$PY" - "$V3" "$tmp/page.pdf" <<'PYEOF'
import re, sys
b = open(sys.argv[1], "rb").read()
m = re.search(rb"\n(\d+) 0 obj\s*<<\s*/Type /Page\b", b)
num = int(m.group(1))
prev = int(b[b.rfind(b"startxref") + 9:].split()[0])
off = len(b)
body = b"%d 0 obj\n<< /Type /Page /MediaBox [0 0 595 842] >>\nendobj\n" % num
xoff = off + len(body)
xref = b"xref\n%d 1\n%010d 00000 n \n" % (num, off)
# The last trailer again (its /Root, /Info and /ID), with /Prev pointing back.
last = b[b.rfind(b"trailer"):b.rfind(b"startxref")]
last = re.sub(rb"/Prev \d+", b"/Prev %d" % prev, last)
trailer = last + b"startxref\n%d\n%%%%EOF\n" % xoff
open(sys.argv[2], "wb").write(b + body + xref + trailer)
PYEOF
run verify --trust "$K/ca.pem" "$tmp/page.pdf" "$tmp/abc.xml"
expect_rc 7
grep -q '^MODIFIED AFTER ISSUE: .*a page' "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out" 30)"
end

begin "a signed report missing its last 30 bytes: damaged (exit 6), truncated"
head -c -30 "$V3" >"$tmp/cut.pdf"
run verify --trust "$K/ca.pem" "$tmp/cut.pdf" "$tmp/abc.xml"
expect_rc 6
grep -q '^DAMAGED: the original revision ([0-9]* bytes) is what readyaudit makes from these inputs, but the file ends inside what follows it' "$tmp/out" ||
    problem "stdout:" "$(excerpt "$tmp/out" 30)"
end

begin "a signature copied from another report: not MATCH nor SIGNED"
"$PY" - "$R" "$S1" "$V0" "$tmp/copied.pdf" <<'PYEOF'
import sys
r, s1, v0 = (open(p, "rb").read() for p in sys.argv[1:4])
open(sys.argv[4], "wb").write(v0 + s1[len(r):])
PYEOF
run verify --trust "$K/ca.pem" "$tmp/copied.pdf" "$tmp/abc.xml"
case $rc in 6 | 7) ;; *) problem "exit $rc, expected 7 or 6" ;; esac
grep -q '^MATCH\|^SIGNED' "$tmp/out" && problem "a copied signature verifies:" "$(excerpt "$tmp/out" 30)"
end

# Poppler's signer (NSS) fills one field; readyaudit accepts its update as a
# signature and signs the next field after it.
if ! command -v certutil >/dev/null 2>&1 || ! command -v pk12util >/dev/null 2>&1; then
    skip "pdfsig -sign, then readyaudit sign" "no certutil/pk12util (libnss3-tools)"
else
    begin "pdfsig -sign fills technical-owner; readyaudit signs product-owner after it"
    if ! nss_signer_db "$tmp/nss" ada "Ada Signer" ada@example.org; then
        problem "nss_signer_db failed:" "$(excerpt "$tmp/nss/log" 8)"
    else
        printf 'test\n' >"$tmp/nss/pass"
        pdfsig -sign technical-owner -nick ada -nssdir "sql:$tmp/nss/nss" "$R" "$tmp/pop.pdf" \
            >"$tmp/pop.log" 2>&1 || problem "pdfsig -sign failed:" "$(excerpt "$tmp/pop.log")"
        unset SOURCE_DATE_EPOCH # the NSS certificate is valid for 30 days from now
        run sign "$tmp/pop.pdf" --role product-owner --p12 "$tmp/nss/ada.p12" \
            --password-file "$tmp/nss/pass" -o "$tmp/pop2.pdf"
        SOURCE_DATE_EPOCH=1795000000
        export SOURCE_DATE_EPOCH
        expect_rc 0
        checks "$tmp/pop.pdf" "$tmp/pop2.pdf"
        sigs "$tmp/pop2.pdf" | head -n 2 >"$tmp/got"
        printf '%s\n' "technical-owner|Ada Signer|Signature is Valid.|partial" \
            "product-owner|Ada Signer|Signature is Valid.|total" >"$tmp/want"
        cmp -s "$tmp/want" "$tmp/got" || problem "pdfsig:" "$(excerpt "$tmp/got")"
        cp "$tmp/pop2.pdf" "$tmp/pf/5-poppler-then-readyaudit.pdf"
        run verify "$tmp/pop.pdf" samples/regulated-credit-advisor.xml
        expect_rc 0
        grep -q '^SIGNED AFTER ISSUE: .* 1 valid signature follows it' "$tmp/out" ||
            problem "verify of poppler's signature:" "$(excerpt "$tmp/out" 20)"
    fi
    end
fi

# --------------------------------------------------------------- refusals

# refused CASE RC MESSAGE ARGS...: sign ARGS exits RC with MESSAGE on stderr
# and writes nothing to its -o ($tmp/refused.pdf).
refused() {
    begin "$1"
    want_rc=$2 want_msg=$3
    shift 3
    rm -f "$tmp/refused.pdf"
    run sign "$@" -o "$tmp/refused.pdf"
    expect_rc "$want_rc"
    printf '%s\n' "$want_msg" >"$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")" "expected:" "$(excerpt "$tmp/want")"
    [ -e "$tmp/refused.pdf" ] && problem "an output was written"
    end
}

refused "a role that is not a field of the report: exit 20" 20 \
    "$R: error: no signature field 'auditor' in this report (its fields: technical-owner, product-owner, security-lead, compliance-officer, data-protection-officer)" \
    "$R" --role auditor --key "$K/rsa.key" --cert "$K/rsa.pem"
run report samples/mvp-support-bot.xml -o "$tmp/mvp.pdf" -q
refused "a role of another report's profile: exit 20" 20 \
    "$tmp/mvp.pdf: error: no signature field 'data-protection-officer' in this report (its fields: technical-owner)" \
    "$tmp/mvp.pdf" --role data-protection-officer --key "$K/rsa.key" --cert "$K/rsa.pem"
refused "a field already signed: exit 21" 21 \
    "$S2: error: the signature field 'product-owner' is already signed" \
    "$S2" --role product-owner --key "$K/rsa.key" --cert "$K/rsa.pem"
refused "a key that does not match its certificate: exit 23" 23 \
    "$K/ecdsa.pem: error: the private key does not match the certificate of 'Bob Example'" \
    "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/ecdsa.pem"
refused "an expired certificate: exit 24" 24 \
    "$K/expired.pem: error: the certificate of 'Eve Expired' expired on 2021-01-01 (signing time 2026-11-18)" \
    "$R" --role technical-owner --key "$K/expired.key" --cert "$K/expired.pem"
SOURCE_DATE_EPOCH=1500000000 refused "a certificate not yet valid: exit 24" 24 \
    "$K/rsa.pem: error: the certificate of 'Alice Example' is not valid before 2020-01-01 (signing time 2017-07-14)" \
    "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem"
refused "a certificate without digitalSignature: exit 25" 25 \
    "$K/nosign.pem: error: the certificate of 'Nora Nosign' does not allow signing: its key usage has neither digitalSignature nor nonRepudiation" \
    "$R" --role technical-owner --key "$K/nosign.key" --cert "$K/nosign.pem"
refused "a wrong PKCS#12 password: exit 26" 26 \
    "$K/ecdsa.p12: error: wrong password for this PKCS#12 file" \
    "$R" --role technical-owner --p12 "$K/ecdsa.p12" --password-file "$tmp/badpass"
refused "a wrong PIN: exit 26" 26 \
    "$R: error: wrong PIN for the PKCS#11 token" \
    "$R" --role technical-owner --pkcs11 "$URI" --pin-file "$tmp/badpin"

# Not intact: a PDF that is not ours, a cut one, one changed after signing.
qpdf --empty "$tmp/foreign.pdf"
refused "a PDF that is not a readyaudit report: exit 22" 22 \
    "$tmp/foreign.pdf: error: not an intact readyaudit report: it has no readyaudit integrity data" \
    "$tmp/foreign.pdf" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem"
head -c 20000 "$S1" >"$tmp/cut.pdf"
refused "a truncated report: exit 22" 22 \
    "$tmp/cut.pdf: error: not an intact readyaudit report: incomplete or damaged: no 'startxref' at the end of the file" \
    "$tmp/cut.pdf" --role product-owner --key "$K/rsa.key" --cert "$K/rsa.pem"
qpdf --object-streams=generate "$R" "$tmp/objstm.pdf"
refused "a report rewritten with a cross-reference stream: exit 22" 22 \
    "$tmp/objstm.pdf: error: not an intact readyaudit report: offset $(tail -n 2 "$tmp/objstm.pdf" | head -n 1) holds a cross-reference stream (object $(qpdf --show-xref "$tmp/objstm.pdf" >/dev/null 2>&1; "$PY" -c "
import re, sys
d = open(sys.argv[1], 'rb').read()
off = int(d.rsplit(b'startxref', 1)[1].split()[0])
print(int(re.match(rb'(\d+)', d[off:]).group(1)))" "$tmp/objstm.pdf")), which readyaudit does not read and PDF/A-1 forbids" \
    "$tmp/objstm.pdf" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem"

# An update after the signature that replaces the first page's dictionary.
"$PY" - "$S1" "$tmp/changed.pdf" <<'EOF'
import re, sys
d = open(sys.argv[1], "rb").read()
prev = int(d.rsplit(b"startxref", 1)[1].split()[0])
kids = re.search(rb"/Type /Pages\s*/Kids \[ (\d+) 0 R", d)
num = int(kids.group(1))
body = re.search(rb"\n%d 0 obj\n(<<.*?>>)\nendobj" % num, d, re.S).group(1)
size = int(re.findall(rb"/Size (\d+)", d)[-1])
root = re.findall(rb"/Root (\d+ 0 R)", d)[-1]
info = re.findall(rb"/Info (\d+ 0 R)", d)[-1]
ids = re.findall(rb"/ID \[[^\]]*\]", d)[-1]
off = len(d)
upd = b"%d 0 obj\n" % num + body.replace(b"/Type /Page", b"/Type /Page /Rotate 90", 1) + b"\nendobj\n"
xref = off + len(upd)
upd += b"xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %s /Info %s %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
    num, off, size, root, info, ids, prev, xref)
open(sys.argv[2], "wb").write(d + upd)
EOF
page=$("$PY" -c "
import re; d = open('$S1', 'rb').read(); print(re.search(rb'/Type /Pages\s*/Kids \[ (\d+) 0 R', d).group(1).decode())")
refused "a report whose page was changed after signing: exit 22" 22 \
    "$tmp/changed.pdf: error: not an intact readyaudit report: changed after issue by an update that is not a signature (object $page (a page) is replaced)" \
    "$tmp/changed.pdf" --role product-owner --key "$K/rsa.key" --cert "$K/rsa.pem"

# A byte of the signed range flipped (in the original revision's text, the Producer).
"$PY" - "$S1" "$tmp/flipped.pdf" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"/Type /Catalog")
d[i + 1] = ord("t")
open(sys.argv[2], "wb").write(bytes(d))
EOF
refused "a signed report with a byte flipped: exit 22" 22 \
    "$tmp/flipped.pdf: error: not an intact readyaudit report: the signature in field 'technical-owner' is not valid (the signature does not match the signed bytes (they were changed, or it was made for another file); no trust anchor was given, so it is not trusted)" \
    "$tmp/flipped.pdf" --role product-owner --key "$K/rsa.key" --cert "$K/rsa.pem"

# ------------------------------------------------------------ usage errors

usage_case() {
    begin "usage: $1"
    want_msg=$2
    shift 2
    run sign "$@"
    expect_rc 2
    printf '%s\n' "$want_msg" "Try 'readyaudit sign --help'." >"$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")"
    end
}
usage_case "no --role" "readyaudit sign: --role ROLE is required (the signature field to sign)" \
    "$R" --key "$K/rsa.key" --cert "$K/rsa.pem"
usage_case "no key" "readyaudit sign: give a key: --key KEY.pem --cert CERT.pem, --p12 FILE.p12 or --pkcs11 URI" \
    "$R" --role technical-owner
usage_case "two key sources" "readyaudit sign: give only one of --key, --p12 and --pkcs11" \
    "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" --p12 "$K/ecdsa.p12"
usage_case "--key without --cert" "readyaudit sign: --key needs --cert CERT.pem" \
    "$R" --role technical-owner --key "$K/rsa.key"
usage_case "no report" "readyaudit sign: expected one report, REPORT.pdf" --role technical-owner \
    --key "$K/rsa.key" --cert "$K/rsa.pem"
begin "sign --help lists every option of sign"
run sign --help
expect_rc 0
for opt in "--role ROLE" "--key FILE" "--cert FILE" "--chain FILE" "--p12 FILE" "--password-file F" \
    "--pkcs11 URI" "--pin-file F" "-o, --output FILE write the signed report to FILE (default: sign in place)"; do
    grep -q -e "^  $opt" "$tmp/out" || problem "no '$opt' in:" "$(excerpt "$tmp/out" 20)"
done
grep -q 'instead of standard output' "$tmp/out" && problem "-o is described as for other commands"
end

begin "usage: -o naming the key file"
run sign "$R" --role technical-owner --key "$K/rsa.key" --cert "$K/rsa.pem" -o "$K/rsa.key"
expect_rc 2
grep -q "is the same file as --key" "$tmp/err" || problem "stderr:" "$(excerpt "$tmp/err")"
end

# --------------------------------------------------------------- Preflight

if [ "$preflight" != yes ]; then
    skip "Preflight of the signed reports" "$preflight (make deps installs it)"
else
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
        org.apache.pdfbox.preflight.Validator_A1b batch "$tmp/pf" >"$tmp/preflight" 2>&1
    for pdf in "$tmp"/pf/*.pdf; do
        n=$(basename "$pdf")
        begin "Preflight: $n is valid PDF/A-1b"
        awk -v f="$n" '/^The file / { on = ($3 == f) } on && NF' "$tmp/preflight" >"$tmp/block"
        grep -q "^The file $n is a valid PDF/A-1b file" "$tmp/block" ||
            problem "Preflight said:" "$(excerpt "$tmp/block" 20)" "$([ -s "$tmp/block" ] || excerpt "$tmp/preflight" 20)"
        end
    done
fi

suite_end
