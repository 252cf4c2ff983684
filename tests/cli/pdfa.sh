#!/bin/sh
# tests/pdfa.sh - archival PDF: every report is PDF/A-1b, checked by Apache
# PDFBox Preflight, and --attach-source makes a report that embeds its record,
# says it is not PDF/A, and that verify checks.
#
# Run as `sh tests/pdfa.sh` from anywhere (tests/run.sh does); needs ./readyaudit
# built, python3, qpdf, pdfinfo, pdftotext, pdffonts, pdfdetach (qpdf,
# poppler-utils) and, for the Preflight cases, java with PDFBox 2 (Debian:
# default-jre-headless libpdfbox2-java libfontbox2-java libcommons-logging-java
# libactivation-java libjaxb-api-java). Without those the Preflight cases are
# skipped with a note; everything else still runs. Quiet on success: each
# failed case prints "FAIL: case" and what came out; the last line is always
# "pdfa: N passed, N failed, N skipped", and the exit status is 1 when a case failed.
# Set V=1 to list every case as it runs.
#
# What it checks: every samples/*.xml, the portfolio of `batch --summary`, a
# Letter report of the branded template and a record with XML-special, accented
# and non-BMP characters pass Preflight (one JVM for all, ~5 s); each has XMP
# with pdfaid part 1 / conformance B and the record digest, an sRGB
# GTS_PDFA1 output intent, a /ID of two equal 16-byte strings, PDF 1.4, no
# encryption, no attachment; two runs give the same bytes. With --attach-source:
# one attachment named as the record, byte for byte the record, no pdfaid, the
# integrity appendix says "Not PDF/A", verify says the embedded record matches,
# and a tampered one does not (exit 5); Preflight rejects it (a check that the
# validator is not a no-op).

cd "$(dirname "$0")/../.." || exit 2


SUITE=pdfa
. tests/lib.sh
suite_start qpdf pdfinfo pdftotext pdffonts pdfdetach

# Preflight: java and every jar, else its cases are skipped.
preflight_find

# ------------------------------------------------------------------ harness

# structure PDF [attached]: what qpdf's JSON shows of the archival parts, one
# problem per line (nothing when all is well): PDF 1.4, /ID two equal 16-byte
# strings, an output intent /S /GTS_PDFA1 with an RGB (/N 3) profile, an
# unfiltered /Type /Metadata /Subtype /XML stream, a /CIDSet in every CID font
# descriptor; and an EmbeddedFiles name tree only when "attached" is given.
structure() {
    qpdf --json --json-key=qpdf "$1" 2>&1 | "$PY" -c '
import json, sys
attached = len(sys.argv) > 1
try:
    q = json.load(sys.stdin)["qpdf"]
except Exception as e:
    sys.exit(print("qpdf --json failed:", e))
info, objs = q
def get(ref):
    return objs.get("obj:" + ref if isinstance(ref, str) else "", {})
def val(ref):
    return get(ref).get("value") or get(ref).get("stream", {}).get("dict", {})
if info.get("pdfversion") != "1.4":
    print("PDF version", info.get("pdfversion"), "not 1.4")
trailer = objs["trailer"]["value"]
ids = trailer.get("/ID")
if not (isinstance(ids, list) and len(ids) == 2 and ids[0] == ids[1]
        and len(ids[0]) == 2 + 32):
    print("trailer /ID is not two equal 16-byte strings:", ids)
if "/Encrypt" in trailer:
    print("trailer has /Encrypt")
root = val(trailer["/Root"])
intents = root.get("/OutputIntents") or []
if not any(i.get("/S") == "/GTS_PDFA1" and val(i.get("/DestOutputProfile")).get("/N") == 3
           for i in intents if isinstance(i, dict)):
    print("no /OutputIntents entry with /S /GTS_PDFA1 and an RGB profile:", intents)
meta = val(root.get("/Metadata"))
if meta.get("/Type") != "/Metadata" or meta.get("/Subtype") != "/XML" or "/Filter" in meta:
    print("/Metadata is not an unfiltered /Type /Metadata /Subtype /XML stream:", meta)
for k, o in objs.items():
    d = o.get("value") if isinstance(o.get("value"), dict) else {}
    if d.get("/Type") == "/FontDescriptor" and "/FontFile2" in d and "/CIDSet" not in d:
        print("font descriptor", k, "has no /CIDSet")
names = val(root["/Names"]) if isinstance(root.get("/Names"), str) else root.get("/Names", {})
has = "/EmbeddedFiles" in (names or {})
if has != attached:
    print("EmbeddedFiles name tree:", "present" if has else "absent")
' ${2:+attached}
}

# xmp PDF: the XMP packet as pdfinfo -meta prints it.
xmp() {
    pdfinfo -meta "$1" 2>/dev/null
}

# ---------------------------------------------------------------- renders

mkdir -p "$tmp/pdfa" "$tmp/again" "$tmp/pack" "$tmp/in"
nsamples=0
for f in samples/*.xml; do
    [ -f "$f" ] || continue
    nsamples=$((nsamples + 1))
    n=$(basename "$f" .xml)
    begin "report $f renders, twice the same bytes"
    run report "$f" -o "$tmp/pdfa/$n.pdf" -q
    expect_rc 0
    run report "$f" -o "$tmp/again/$n.pdf" -q
    expect_rc 0
    cmp -s "$tmp/pdfa/$n.pdf" "$tmp/again/$n.pdf" ||
        problem "two runs differ: $(cmp "$tmp/pdfa/$n.pdf" "$tmp/again/$n.pdf" 2>&1)"
    end
done
begin "there are samples"
[ "$nsamples" -ge 8 ] || problem "expected at least 8 samples/*.xml, found $nsamples"
end

begin "batch --summary writes the portfolio"
run batch samples -o "$tmp/pack" --force -q --summary "$tmp/pack/portfolio.pdf"
expect_rc 0
[ -s "$tmp/pack/portfolio.pdf" ] && cp "$tmp/pack/portfolio.pdf" "$tmp/pdfa/portfolio.pdf"
end

if [ -f templates/branded-report.xml ]; then
    begin "the branded template (Letter, logo) renders"
    run report samples/regulated-credit-advisor.xml --template templates/branded-report.xml \
        -o "$tmp/pdfa/branded.pdf" -q
    expect_rc 0
    end
fi

# Logos of every kind the image module flattens or passes through must keep
# the report PDF/A-1b: an RGBA PNG (flattened), a 16-bit interlaced grey
# PNG with tRNS (decoded), a progressive and a greyscale JPEG (DCTDecode).
mkdir -p "$tmp/logos"
"$PY" -c "
import struct, sys, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def png(ctype, depth, interlace, rows, extra=b''):
    return (b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 4, depth, ctype, 0, 0, interlace))
            + extra + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
rgba = b''.join(b'\\0' + bytes([255, 0, 0, 128, 0, 0, 255, 255] * 4) for _ in range(4))
open(sys.argv[1], 'wb').write(png(6, 8, 0, rgba))
# Adam7: pass (x0, y0, dx, dy) has ceil((8 - x0) / dx) columns of
# ceil((4 - y0) / dy) rows; an empty pass has no rows at all.
adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
rows = b''
for x0, y0, dx, dy in adam7:
    w, h = -(-(8 - x0) // dx), -(-(4 - y0) // dy)
    if w > 0 and h > 0:
        rows += (b'\\0' + b'\\x12\\x34' * w) * h
open(sys.argv[2], 'wb').write(png(0, 16, 1, rows, chunk(b'tRNS', b'\\x12\\x34')))
" "$tmp/logos/rgba.png" "$tmp/logos/grey16.png"
cp tests/fixtures/images/rgb-progressive.jpg tests/fixtures/images/grey-baseline.jpg "$tmp/logos/"
for logo in rgba.png grey16.png rgb-progressive.jpg grey-baseline.jpg; do
    begin "a report with the logo $logo renders"
    sed "s|src=\"example-logo.png\"|src=\"$logo\"|" templates/branded-report.xml >"$tmp/logos/t.xml"
    run report samples/mvp-support-bot.xml --template "$tmp/logos/t.xml" \
        -o "$tmp/pdfa/logo-${logo%.*}.pdf" -q
    expect_rc 0
    end
done

# A record whose metadata needs XML escaping, has accents and a character
# outside the BMP, and quotes "/Keywords (...)" (which the uncompressed XMP
# packet repeats: verify must still read the info dictionary's keywords).
SPECIAL="$tmp/in/special-chars.xml"
sed -e 's|<name>Pedalwise Help Assistant</name>|<name>R\&amp;D \&lt;"Q"\&gt; '"'"'Bot'"'"' Ünïcödé 😀</name>|' \
    -e 's|<organisation>Pedalwise Bike Hire Ltd</organisation>|<organisation>/Keywords (report-id=RA-0000000000000000; tool=spoof)</organisation>|' \
    samples/mvp-support-bot.xml >"$SPECIAL"
begin "a record with XML-special and non-BMP characters in its metadata renders"
run report "$SPECIAL" -o "$tmp/pdfa/special-chars.pdf" -q
expect_rc 0
xmp "$tmp/pdfa/special-chars.pdf" | grep -q 'R&amp;D &lt;&quot;Q&quot;&gt; &apos;Bot&apos; Ünïcödé 😀' ||
    problem "dc:title is not the escaped title:" "$(xmp "$tmp/pdfa/special-chars.pdf" | grep 'dc:title')"
end
begin "verify reads the info dictionary, not a title quoting /Keywords"
run verify "$tmp/pdfa/special-chars.pdf" "$SPECIAL"
expect_rc 0
grep -q '^MATCH' "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out" 12)"
end

# A report made with --previous: its XMP names the previous record too.
begin "a report made with --previous is PDF/A too, its XMP naming the previous record"
run report tests/fixtures/history-q2.xml --previous tests/fixtures/history-q1.xml \
    -o "$tmp/pdfa/previous.pdf" -q
expect_rc 0
prev=$(sha256sum <tests/fixtures/history-q1.xml | cut -c1-64)
xmp "$tmp/pdfa/previous.pdf" | grep -q "<ra:previousSha256>$prev</ra:previousSha256>" ||
    problem "no ra:previousSha256:" "$(xmp "$tmp/pdfa/previous.pdf" | grep 'ra:')"
xmp "$tmp/pdfa/special-chars.pdf" | grep -q 'previousSha256' && problem "ra:previousSha256 without --previous"
end

# -------------------------------------------------------------- structure

for pdf in "$tmp"/pdfa/*.pdf; do
    n=$(basename "$pdf" .pdf)
    begin "$n.pdf: PDF 1.4, /ID, sRGB output intent, XMP stream, CIDSet, not encrypted"
    s=$(structure "$pdf")
    [ -z "$s" ] || problem "$s"
    qpdf --is-encrypted "$pdf"
    enc=$?
    [ "$enc" -eq 2 ] || problem "qpdf --is-encrypted: exit $enc, expected 2 (not encrypted)"
    qpdf --check "$pdf" >"$tmp/qpdf" 2>&1 || problem "qpdf --check:" "$(excerpt "$tmp/qpdf")"
    pdffonts "$pdf" 2>/dev/null | awk 'NR > 2 && $(NF-4) != "yes"' >"$tmp/fonts"
    [ -s "$tmp/fonts" ] && problem "fonts not embedded:" "$(excerpt "$tmp/fonts")"
    pdftotext "$pdf" /dev/null 2>"$tmp/warn"
    [ -s "$tmp/warn" ] && problem "pdftotext warns:" "$(excerpt "$tmp/warn")"
    end

    begin "$n.pdf: pdfinfo -meta shows the XMP with pdfaid part 1, conformance B"
    xmp "$pdf" >"$tmp/xmp"
    grep -q '<pdfaid:part>1</pdfaid:part>' "$tmp/xmp" || problem "no pdfaid:part 1:" "$(excerpt "$tmp/xmp" 8)"
    grep -q '<pdfaid:conformance>B</pdfaid:conformance>' "$tmp/xmp" || problem "no pdfaid:conformance B"
    end

    begin "$n.pdf: no attachment"
    pdfdetach -list "$pdf" >"$tmp/list" 2>&1
    [ "$(head -n 1 "$tmp/list")" = "0 embedded files" ] || problem "pdfdetach -list:" "$(excerpt "$tmp/list")"
    end
done

for f in samples/*.xml "$SPECIAL"; do
    n=$(basename "$f" .xml)
    [ -f "$tmp/pdfa/$n.pdf" ] || continue
    begin "$n.pdf: the XMP carries the record digest and says PDF/A-1b in the appendix"
    want=$(sha256sum "$f" | cut -d' ' -f1)
    xmp "$tmp/pdfa/$n.pdf" | grep -q "<ra:recordSha256>$want</ra:recordSha256>" ||
        problem "no <ra:recordSha256>$want</ra:recordSha256> in the XMP"
    pdftotext "$tmp/pdfa/$n.pdf" - 2>/dev/null | grep -q '^PDF/A-1b$' ||
        problem "the integrity appendix does not say PDF/A-1b"
    end
done

# ------------------------------------------------------------ --attach-source

S=samples/mvp-support-bot.xml
A="$tmp/attached.pdf"
begin "--attach-source renders, twice the same bytes"
run report "$S" -o "$A" -q --attach-source
expect_rc 0
run report "$S" -o "$tmp/attached-again.pdf" -q --attach-source
expect_rc 0
cmp -s "$A" "$tmp/attached-again.pdf" || problem "two runs differ: $(cmp "$A" "$tmp/attached-again.pdf" 2>&1)"
s=$(structure "$A" attached)
[ -z "$s" ] || problem "$s"
qpdf --check "$A" >"$tmp/qpdf" 2>&1 || problem "qpdf --check:" "$(excerpt "$tmp/qpdf")"
end

begin "--attach-source: pdfdetach lists one file named as the record, byte for byte the record"
pdfdetach -list "$A" >"$tmp/list" 2>&1
printf '1 embedded files\n1: %s\n' "$(basename "$S")" >"$tmp/want"
cmp -s "$tmp/want" "$tmp/list" || problem "pdfdetach -list:" "$(excerpt "$tmp/list")"
mkdir -p "$tmp/detach"
pdfdetach -saveall -o "$tmp/detach" "$A" >"$tmp/out" 2>&1 || problem "pdfdetach -saveall failed:" "$(excerpt "$tmp/out")"
cmp -s "$S" "$tmp/detach/$(basename "$S")" || problem "the extracted file differs from $S"
end

begin "--attach-source: no PDF/A claim in the XMP, and the appendix says why"
xmp "$A" >"$tmp/xmp"
grep -q 'pdfaid' "$tmp/xmp" && problem "the XMP claims PDF/A:" "$(grep pdfaid "$tmp/xmp")"
grep -q '<ra:recordSha256>' "$tmp/xmp" || problem "the XMP lost the integrity data"
pdftotext "$A" - 2>/dev/null | tr '\n' ' ' >"$tmp/text"
grep -q 'Not PDF/A: the source record is attached (PDF/A-1 forbids *attachments)' "$tmp/text" ||
    problem "the integrity appendix does not say it is not PDF/A"
end

begin "--attach-source: verify regenerates from the embedded record"
run verify "$A"
expect_rc 0
grep -q '^record SHA-256: *[0-9a-f]\{64\}  (embedded in the report)$' "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out" 10)"
grep -q '^MATCH: ' "$tmp/out" || problem "no MATCH:" "$(excerpt "$tmp/out" 10)"
run verify "$A" "$S"
expect_rc 0
grep -q "^record SHA-256: *[0-9a-f]\{64\}  (given: $S)$" "$tmp/out" || problem "with the record, stdout:" "$(excerpt "$tmp/out" 10)"
grep -q '^MATCH: ' "$tmp/out" || problem "with the record, no MATCH:" "$(excerpt "$tmp/out" 10)"
end

begin "verify of a report without attachment says nothing of one"
run verify "$tmp/pdfa/mvp-support-bot.pdf" samples/mvp-support-bot.xml
expect_rc 0
grep -q 'embedded' "$tmp/out" && problem "stdout:" "$(excerpt "$tmp/out" 10)"
end

# Tampered: qpdf writes the streams decoded, then one byte of the embedded
# record changes (same length, so the file stays well-formed).
begin "verify says a tampered embedded record does not match (exit 5)"
qpdf --decode-level=all --compress-streams=n "$A" "$tmp/raw.pdf" 2>"$tmp/err" ||
    problem "qpdf failed:" "$(excerpt "$tmp/err")"
LC_ALL=C sed 's/<assessment /<assessmenT /' "$tmp/raw.pdf" >"$tmp/tampered.pdf"
cmp -s "$tmp/raw.pdf" "$tmp/tampered.pdf" && problem "found nothing to tamper with"
run verify "$tmp/tampered.pdf"
expect_rc 5
grep -q '^MISMATCH: the record embedded in the report is not the one whose digest it states (its SHA-256 is [0-9a-f]\{64\}).$' "$tmp/out" || problem "stdout:" "$(excerpt "$tmp/out" 10)"
end

# --------------------------------------------------------------- Preflight

if [ "$preflight" != yes ]; then
    for pdf in "$tmp"/pdfa/*.pdf "$A"; do
        skip "Preflight: $(basename "$pdf")" "$preflight (make deps installs it)"
    done
else
    # One JVM for the whole directory ("batch" mode); C1 only, as a short
    # run never profits from the optimising compiler. The attached report
    # goes in as a negative control.
    cp "$A" "$tmp/pdfa/zz-attached.pdf"
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
        org.apache.pdfbox.preflight.Validator_A1b batch "$tmp/pdfa" >"$tmp/preflight" 2>&1
    for pdf in "$tmp"/pdfa/*.pdf; do
        n=$(basename "$pdf")
        # This file's block: its "The file" line and the error lines after it.
        awk -v f="$n" '/^The file / { on = ($3 == f) } on && NF' "$tmp/preflight" >"$tmp/block"
        if [ "$n" = zz-attached.pdf ]; then
            begin "Preflight rejects the --attach-source report (embedded file, no pdfaid)"
            grep -q "^The file $n is not a valid PDF/A-1b file" "$tmp/block" ||
                problem "Preflight said:" "$(excerpt "$tmp/block" 10)"
            grep -q 'EmbeddedFile' "$tmp/block" || problem "no EmbeddedFile error:" "$(excerpt "$tmp/block" 10)"
        else
            begin "Preflight: $n is valid PDF/A-1b"
            grep -q "^The file $n is a valid PDF/A-1b file" "$tmp/block" ||
                problem "Preflight said:" "$(excerpt "$tmp/block" 20)" \
                    "$([ -s "$tmp/block" ] || excerpt "$tmp/preflight" 20)"
        fi
        end
    done
fi

suite_end
