#!/bin/sh
# tests/cli.sh - end-to-end tests of the readyaudit command line.
#
# Run as `sh tests/cli.sh` from anywhere (tests/run.sh does); needs ./readyaudit
# built, python3 (JSON checks, character counts) and xmllint (JUnit checks).
# Quiet on success: each failed case prints "FAIL: case" and what was expected
# and what came out; the last line is always "cli: N passed, N failed, N skipped", and the
# exit status is 1 when a case failed.
#
# Inputs:
#   tests/malformed/NAME.xml       a record that breaks one rule (its name says
#                                  which); NAME.expected is the exact stderr of
#                                  `readyaudit validate tests/malformed/NAME.xml`,
#                                  whose exit code must be 3
#   tests/fixtures/mini-*.xml      valid records for tests/fixtures/mini-checklist.xml,
#                                  scored by hand below (DESIGN.md "Scoring")
#   samples/*.xml                  when present: each must validate and score
#
# Set V=1 to list every case as it runs.
#
# The .expected files hold readyaudit's wording for parser and schema errors
# (src/model/messages.c translates libxml2's). After a deliberate change of
# messages (or of libxml2), regenerate them and review the diff before
# committing:
#   for f in tests/malformed/*.xml; do ./readyaudit validate "$f" 2>"${f%.xml}.expected"; done

# $MINI and the command strings of some loops split into words on purpose.
# shellcheck disable=SC2086

cd "$(dirname "$0")/../.." || exit 2

MINI="--checklist tests/fixtures/mini-checklist.xml"
COND=tests/fixtures/mini-conditional.xml
READY=tests/fixtures/mini-ready.xml
NOTREADY=tests/fixtures/mini-not-ready.xml
# The warning every run over $COND prints: B-3 is a check of profile strict.
COND_WARN="$COND:31: warning: check 'B-3' belongs to profile 'strict', above 'basic': its result is not scored"
# The finding validate adds for $COND: A-2's remediation was due 2026-05-01,
# before the assessment on 2026-05-20 (its risk acceptance covers the gap).
COND_OVERDUE="$COND:22: warning: overdue-remediation: The remediation of A-2 (owner Jörg Müller) was due on 2026-05-01, before the assessment date 2026-05-20: it is overdue and covers nothing."

SUITE=cli
. tests/lib.sh
suite_start xmllint

# ------------------------------------------------------------------ harness

# run_env VAR=VALUE ARG...: the same with one more environment variable.
run_env() {
    run_var=$1
    shift
    env "$run_var" "$RA" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# visible FILE: the file with each CR shown as \r (CSV comparisons).
visible() {
    awk '{ gsub(/\r/, "\\r"); print }' "$1"
}

# expect_same WHAT EXPECTED-FILE ACTUAL-FILE: identical bytes, else a diff.
expect_same() {
    cmp -s "$2" "$3" && return
    visible "$2" >"$tmp/diff-want"
    visible "$3" >"$tmp/diff-got"
    problem "$1 differs (- expected, + actual):" \
        "$(diff -u "$tmp/diff-want" "$tmp/diff-got" | sed '1,2d' | head -n 40)"
}

# expect_err LINE...: stderr is exactly these lines.
expect_err() {
    printf '%s\n' "$@" >"$tmp/want"
    expect_same stderr "$tmp/want" "$tmp/err"
}

expect_err_empty() {
    [ -s "$tmp/err" ] && problem "stderr: expected nothing, got:" "$(excerpt "$tmp/err")"
    return 0
}

expect_out_empty() {
    [ -s "$tmp/out" ] && problem "stdout: expected nothing, got:" "$(excerpt "$tmp/out")"
    return 0
}

# expect_line FILE LINE: FILE (out or err) has this exact line.
expect_line() {
    grep -qxF -e "$2" "$tmp/$1" && return
    problem "$1: no line '$2'; got:" "$(excerpt "$tmp/$1" 12)"
}

# expect_first_line FILE LINE: FILE's first line is exactly this.
expect_first_line() {
    got=$(head -n 1 "$tmp/$1")
    [ "$got" = "$2" ] && return
    problem "$1: first line expected: $2" "                     got: $got"
}

# expect_absent TEXT: neither stdout nor stderr contains TEXT.
expect_absent() {
    if grep -qF -e "$1" "$tmp/out" "$tmp/err"; then
        problem "output contains '$1' (it must not):" "$(grep -hF -e "$1" "$tmp/out" "$tmp/err" | head -n 3)"
    fi
}

# expect_no_color: stdout has no ANSI escape sequences (it is not a terminal).
expect_no_color() {
    esc=$(printf '\033')
    grep -q "$esc" "$tmp/out" && problem "stdout has ANSI escapes though it is not a terminal"
    return 0
}

# expect_width FILE MAX: no line of FILE is longer than MAX characters (not bytes).
expect_width() {
    long=$("$PY" -c '
import sys
text = open(sys.argv[1], encoding="utf-8").read()
for n, line in enumerate(text.split("\n"), 1):
    if len(line) > int(sys.argv[2]):
        print("line %d has %d characters: %s" % (n, len(line), line))
' "$1" "$2" 2>&1)
    [ -n "$long" ] && problem "lines longer than $2 characters:" "$long"
    return 0
}

# The JSON checker: reads the document named by argv[1] and expectation lines
# from stdin, prints one line per unmet expectation. Lines:
#   PATH = VALUE      the value at PATH equals VALUE (a Python expression,
#                     with null/true/false; numbers compare within 1e-9)
#   len PATH = N      the array or object at PATH has N items
#   has PATH KEY...   the object at PATH has these keys (PATH "." is the root)
# PATH is KEY/KEY/...; inside an array a KEY is an index or the "id" (or
# "check", or "role") of an item.
cat >"$tmp/jcheck.py" <<'EOF'
import json, sys

try:
    doc = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as e:
    print("not JSON: %s" % e)
    sys.exit(1)

def get(path):
    cur = doc
    if path == ".":
        return cur
    for key in path.split("/"):
        if isinstance(cur, list):
            if key.isdigit():
                cur = cur[int(key)]
                continue
            hits = [x for x in cur if isinstance(x, dict) and key in (x.get("id"), x.get("check"), x.get("role"))]
            if len(hits) != 1:
                raise KeyError(key)
            cur = hits[0]
        elif isinstance(cur, dict):
            cur = cur[key]
        else:
            raise KeyError(key)
    return cur

def same(got, want):
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(got - want) <= 1e-9 * max(1.0, abs(want))
    return type(got) is type(want) and got == want

names = {"null": None, "true": True, "false": False, "__builtins__": {}}
bad = 0
for raw in sys.stdin:
    line = raw.strip()
    if not line or line.startswith("#"):
        continue
    try:
        if line.startswith("has "):
            words = line.split()
            obj = get(words[1])
            missing = [k for k in words[2:] if k not in obj]
            if missing:
                print("%s: missing keys %s" % (words[1], ", ".join(missing)))
                bad += 1
            continue
        path, _, want = line.partition(" = ")
        want = eval(want, names)
        if path.startswith("len "):
            path = path[4:]
            got = len(get(path))
            path = "len " + path
        else:
            got = get(path)
        if not same(got, want):
            print("%s: expected %s, got %s" % (path, json.dumps(want), json.dumps(got)))
            bad += 1
    except (KeyError, IndexError, TypeError) as e:
        print("%s: not found (%s)" % (line, e))
        bad += 1
sys.exit(1 if bad else 0)
EOF

# expect_json < EXPECTATIONS: stdout is JSON meeting the expectations.
expect_json() {
    res=$("$PY" "$tmp/jcheck.py" "$tmp/out" 2>&1) && return
    problem "JSON:" "$res"
}

# xpath EXPR: the string value of EXPR over stdout (JUnit XML).
xpath() {
    xmllint --xpath "$1" "$tmp/out" 2>/dev/null
}

# expect_xpath EXPR VALUE: the string value of EXPR over stdout is VALUE.
expect_xpath() {
    got=$(xpath "$1")
    [ "$got" = "$2" ] && return
    problem "xpath $1: expected '$2', got '$got'"
}

# expect_crlf: stdout is non-empty and every line of it ends in CR LF (RFC 4180).
expect_crlf() {
    if [ ! -s "$tmp/out" ]; then
        problem "CSV: stdout is empty"
        return
    fi
    bad=$(awk '!/\r$/ { print "line " NR " does not end in CR LF: " $0 }' "$tmp/out" | head -n 3)
    [ -n "$bad" ] && problem "$bad"
    [ "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n' ] ||
        problem "CSV: the last line is not terminated"
    return 0
}

# ------------------------------------------------------- malformed records

# Every record of the corpus: the exact diagnostics, exit code 3, nothing on
# stdout, and nothing read from the files the record points at.
passwd_line=$(head -n 1 /etc/passwd 2>/dev/null)
ncorpus=0
for f in tests/malformed/*.xml; do
    [ -e "$f" ] || continue
    ncorpus=$((ncorpus + 1))
    expected=${f%.xml}.expected
    begin "validate $f"
    if [ ! -f "$expected" ]; then
        problem "no $expected beside it"
    else
        run validate "$f"
        expect_rc 3
        expect_same stderr "$expected" "$tmp/err"
        expect_out_empty
        [ -n "$passwd_line" ] && expect_absent "$passwd_line"
    fi
    end

    # score goes through the same loader: same first diagnostic, same exit code.
    begin "score $f"
    if [ -f "$expected" ]; then
        run score "$f" --format json
        expect_rc 3
        expect_first_line err "$(head -n 1 "$expected")"
        expect_out_empty
        [ -n "$passwd_line" ] && expect_absent "$passwd_line"
    fi
    end
done

begin "the malformed corpus has at least 30 records"
[ "$ncorpus" -ge 30 ] || problem "expected at least 30 tests/malformed/*.xml, found $ncorpus"
end

# score reports errors it held back, as validate does (cap of 50 per file).
begin "score says how many errors it did not show"
run score tests/malformed/too-many-errors.xml
expect_rc 3
[ "$(grep -c ': error: ' "$tmp/err")" -eq 50 ] ||
    problem "expected 50 error lines, got $(grep -c ': error: ' "$tmp/err")"
expect_line err "tests/malformed/too-many-errors.xml: 10 more errors not shown"
end

# Limits, made at run time rather than stored: a 17 MiB file, a 70 000-byte
# note, 5000 nested elements.
head_xml() { # head_xml FILE: a mini-checklist record up to an open <result>
    cat >"$1" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<assessment xmlns="urn:readyaudit:assessment:1" id="LIMITS" checklist="mini" checklist-version="1" profile="basic">
  <system><name>N</name><organisation>O</organisation></system>
  <assessed-on>2026-01-01</assessed-on>
  <assessors><assessor name="A" role="R"/></assessors>
  <results>
    <result check="A-1" status="pass">
EOF
}

begin "validate a file over the 16 MiB limit"
head -c 17000000 /dev/zero | tr '\0' ' ' >"$tmp/huge.xml"
run validate "$tmp/huge.xml"
expect_rc 3
expect_err "$tmp/huge.xml: error: file is larger than the limit of 16777216 bytes"
rm -f "$tmp/huge.xml"
end

begin "validate a text over the 64 KiB limit"
head_xml "$tmp/long.xml"
{
    printf '      <note>'
    head -c 70000 /dev/zero | tr '\0' x
    printf '</note>\n    </result>\n  </results>\n</assessment>\n'
} >>"$tmp/long.xml"
run validate $MINI "$tmp/long.xml"
expect_rc 3
expect_err "$tmp/long.xml:8: error: text of 70000 bytes is longer than the limit of 65536 bytes"
end

begin "validate 5000 nested elements"
head_xml "$tmp/deep.xml"
{
    i=0
    while [ $i -lt 50 ]; do printf '<a><a><a><a><a><a><a><a><a><a>'; i=$((i + 1)); done
    i=0
    while [ $i -lt 50 ]; do printf '</a></a></a></a></a></a></a></a></a></a>'; i=$((i + 1)); done
    printf '\n    </result>\n  </results>\n</assessment>\n'
} >>"$tmp/deep.xml"
run validate $MINI "$tmp/deep.xml"
expect_rc 3
expect_first_line err "$tmp/deep.xml:8: error: elements are nested too deeply (the limit is 256 levels)"
end

# libxml2's duplicate-attribute check is quadratic: 100,000 attributes would
# take minutes, so they are refused before parsing.
# Reading by file name, libxml2 would inflate gzip silently (a small file can
# unpack to gigabytes); readyaudit reads the bytes itself and refuses them.
begin "validate a gzip-compressed record"
gzip -c samples/mvp-support-bot.xml >"$tmp/packed.xml"
run validate "$tmp/packed.xml"
expect_rc 3
expect_err "$tmp/packed.xml:1: error: file is gzip-compressed; readyaudit reads only uncompressed UTF-8 XML (decompress it first)"
end

# PDF/A-1 forbids transparency: a logo with an alpha channel is flattened
# onto the white page when the report is drawn. Every pixel is
# (0x10, 0x20, 0x30) at alpha 0x80; over white, (v * 128 + 255 * 127) / 255
# rounded: (135, 143, 151).
begin "report --template whose logo has an alpha channel"
mkdir -p "$tmp/alpha"
"$PY" -c "
import struct, sys, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
raw = b''.join(b'\\0' + b'\\x10\\x20\\x30\\x80' * 4 for _ in range(4))
sys.stdout.buffer.write(b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 6, 0, 0, 0))
                        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))" >"$tmp/alpha/alpha.png"
sed 's|src="example-logo.png"|src="alpha.png"|' templates/branded-report.xml >"$tmp/alpha/t.xml"
run report samples/mvp-support-bot.xml --template "$tmp/alpha/t.xml" -o "$tmp/alpha/out.pdf" -q
expect_rc 0
pdfimages -f 1 -l 1 "$tmp/alpha/out.pdf" "$tmp/alpha/img" 2>/dev/null
px=$(od -An -tu1 -j11 -N3 "$tmp/alpha/img-000.ppm" 2>/dev/null | tr -s ' ' | sed 's/^ //')
[ "$px" = "135 143 151" ] || problem "first pixel of the logo: '$px', expected '135 143 151'"
pdfimages -list "$tmp/alpha/out.pdf" | grep -q smask && problem "the logo has a soft mask"
end

# A JPEG logo is embedded as it is, whatever its file is called.
begin "report --template whose logo is a JPEG named .png"
mkdir -p "$tmp/jpeg"
cp tests/fixtures/images/rgb-progressive.jpg "$tmp/jpeg/logo.png"
sed 's|src="example-logo.png"|src="logo.png"|' templates/branded-report.xml >"$tmp/jpeg/t.xml"
run report samples/mvp-support-bot.xml --template "$tmp/jpeg/t.xml" -o "$tmp/jpeg/out.pdf" -q
expect_rc 0
pdfimages -list "$tmp/jpeg/out.pdf" | grep -q ' jpeg ' || problem "no JPEG image in the report"
end

# What is still refused when the template loads: a CMYK JPEG (its frame
# header patched to four components), a damaged PNG, a file that is no image.
begin "report --template whose logo is a CMYK JPEG"
mkdir -p "$tmp/cmyk"
"$PY" -c "
import sys
d = bytearray(open('tests/fixtures/images/rgb-baseline.jpg', 'rb').read())
i = d.index(b'\\xff\\xc0')
d[i + 9] = 4
sys.stdout.buffer.write(bytes(d))" >"$tmp/cmyk/logo.jpg"
sed 's|src="example-logo.png"|src="logo.jpg"|' templates/branded-report.xml >"$tmp/cmyk/t.xml"
run report samples/mvp-support-bot.xml --template "$tmp/cmyk/t.xml" -o "$tmp/cmyk/out.pdf"
expect_rc 3
expect_first_line err "$tmp/cmyk/t.xml:7: error: logo.jpg: logo JPEG is CMYK; save it as RGB or greyscale"
[ -e "$tmp/cmyk/out.pdf" ] && problem "a report was written"
end

begin "report --template whose logo PNG is damaged"
mkdir -p "$tmp/bad"
"$PY" -c "
import sys
d = bytearray(open('templates/example-logo.png', 'rb').read())
i = d.index(b'IDAT')
d[i + 20] ^= 0xff
sys.stdout.buffer.write(bytes(d))" >"$tmp/bad/logo.png"
sed 's|src="example-logo.png"|src="logo.png"|' templates/branded-report.xml >"$tmp/bad/t.xml"
run report samples/mvp-support-bot.xml --template "$tmp/bad/t.xml" -o "$tmp/bad/out.pdf"
expect_rc 3
expect_first_line err "$tmp/bad/t.xml:7: error: logo.png: logo PNG is damaged"
printf 'GIF89a' >"$tmp/bad/logo.png"
run report samples/mvp-support-bot.xml --template "$tmp/bad/t.xml" -o "$tmp/bad/out.pdf"
expect_rc 3
expect_first_line err "$tmp/bad/t.xml:7: error: logo.png: logo is not a PNG or JPEG file"
end

# A template's logo must stay inside the template's directory.
begin "report --template whose logo path leaves its directory"
mkdir -p "$tmp/tpl/sub"
cp templates/example-logo.png "$tmp/logo-outside.png"
sed 's|src="example-logo.png"|src="sub/../../logo-outside.png"|' templates/branded-report.xml >"$tmp/tpl/t.xml"
run report samples/mvp-support-bot.xml --template "$tmp/tpl/t.xml" -o "$tmp/tpl/out.pdf"
expect_rc 3
expect_first_line err "$tmp/tpl/t.xml:7: error: logo 'sub/../../logo-outside.png' is not a readable file inside the template's directory"
[ -e "$tmp/tpl/out.pdf" ] && problem "a report was written"
end

begin "validate an element with 100000 attributes"
python3 -c "
import sys
sys.stdout.write('<?xml version=\"1.0\"?>\n<assessment xmlns=\"urn:readyaudit:assessment:1\" '
                 + ' '.join('a%d=\"x\"' % i for i in range(100000)) + '/>\n')" >"$tmp/attrs.xml"
run validate "$tmp/attrs.xml"
expect_rc 3
expect_err "$tmp/attrs.xml:2: error: an element has more than 64 attributes (the limit)"
end

# -------------------------------------------- nothing outside the record is read

# A secret file in a temporary directory, and records that try to pull it in
# through every door XML has. Its content must never appear in any output.
token="READYAUDIT-CANARY-$$-7f3a"
secret="$tmp/secret.txt"
printf '%s\n' "$token" >"$secret"
printf '<!ENTITY leak SYSTEM "file://%s">\n' "$secret" >"$tmp/evil.dtd"
cat >"$tmp/evil.xsd" <<EOF
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:readyaudit:assessment:1">
  <xs:element name="$token"/>
</xs:schema>
EOF

# evil NAME DOCTYPE-LINES NAME-ELEMENT-CONTENT [ROOT-EXTRA-ATTRIBUTES]
evil() {
    {
        printf '<?xml version="1.0" encoding="UTF-8"?>\n'
        [ -n "$2" ] && printf '%s\n' "$2"
        printf '<assessment xmlns="urn:readyaudit:assessment:1" %s id="EVIL" checklist="llmops-readiness" checklist-version="1.1" profile="minimum-viable">\n' "$4"
        printf '  <system><name>%s</name><organisation>Acme</organisation></system>\n' "$3"
        printf '  <assessed-on>2026-11-20</assessed-on>\n'
        printf '  <assessors><assessor name="A" role="R"/></assessors>\n'
        printf '  <results/>\n</assessment>\n'
    } >"$tmp/$1.xml"
}
evil entity-absolute "<!DOCTYPE assessment [<!ENTITY leak SYSTEM \"file://$secret\">]>" '&leak;'
evil entity-relative '<!DOCTYPE assessment [<!ENTITY leak SYSTEM "secret.txt">]>' '&leak;'
evil entity-in-attribute "<!DOCTYPE assessment [<!ENTITY leak SYSTEM \"file://$secret\">]>" 'Chat' 'xml:lang="&leak;"'
evil parameter-entity "<!DOCTYPE assessment [<!ENTITY % p SYSTEM \"file://$tmp/evil.dtd\"> %p;]>" '&leak;'
evil external-dtd "<!DOCTYPE assessment SYSTEM \"file://$tmp/evil.dtd\">" '&leak;'
evil xinclude-text '' "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file://$secret\" parse=\"text\"/>"
evil xinclude-relative '' '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="secret.txt" parse="text"/>'

for name in entity-absolute entity-relative entity-in-attribute parameter-entity external-dtd \
    xinclude-text xinclude-relative; do
    for cmd in "validate" "score" "score --format json" "score --format junit"; do
        begin "$cmd of a record with $name (a local secret file) fails without reading it"
        run $cmd "$tmp/$name.xml"
        expect_rc 3
        expect_absent "$token"
        end
    done
done

# The schema is ours: an xsi:schemaLocation hint is not followed (and not an error).
evil schema-location '' 'Chat' \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:readyaudit:assessment:1 file://$tmp/evil.xsd\""
begin "validate ignores xsi:schemaLocation"
run validate "$tmp/schema-location.xml"
expect_rc 0
expect_absent "$token"
end

# A checklist given with --checklist is loaded just as carefully.
cat >"$tmp/evil-checklist.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE checklist [<!ENTITY leak SYSTEM "file://$secret">]>
<checklist xmlns="urn:readyaudit:checklist:1" id="mini" version="1" title="&leak;"/>
EOF
for cmd in "checklist" "validate $READY" "score $READY"; do
    begin "$cmd --checklist with an external entity fails without reading it"
    run $cmd --checklist "$tmp/evil-checklist.xml"
    expect_rc 3
    expect_absent "$token"
    expect_first_line err "$tmp/evil-checklist.xml:2: error: DOCTYPE declarations are not allowed (no DTDs or entities)"
    end
done

# ------------------------------------------------------------- validate

begin "validate valid records (warning for a check above the profile)"
run validate $MINI $COND $READY $NOTREADY
expect_rc 0
expect_err "$COND_WARN" "$COND_OVERDUE"
printf '%s\n' \
    "$COND: valid (MINI-COND, profile basic, 5 results)" \
    "$READY: valid (MINI-READY, profile basic, 4 results)" \
    "$NOTREADY: valid (MINI-NOT-READY, profile basic, 4 results)" >"$tmp/want"
expect_same stdout "$tmp/want" "$tmp/out"
end

begin "validate -q prints nothing on success"
run validate -q $MINI $READY $NOTREADY
expect_rc 0
expect_out_empty
expect_err_empty
end

begin "validate FILE -q (options after files)"
run validate $READY $MINI -q
expect_rc 0
expect_out_empty
end

begin "validate several files: one invalid gives 3, the valid one is still reported"
run validate tests/malformed/unknown-check.xml tests/malformed/bad-status.xml "$tmp/schema-location.xml"
expect_rc 3
expect_line out "$tmp/schema-location.xml: valid (EVIL, profile minimum-viable, 0 results)"
cat tests/malformed/unknown-check.expected tests/malformed/bad-status.expected >"$tmp/want"
expect_same stderr "$tmp/want" "$tmp/err"
end

begin "validate several files: a missing one makes it 4, whatever the order"
run validate "$tmp/no-such.xml" tests/malformed/bad-status.xml "$tmp/schema-location.xml"
expect_rc 4
expect_line err "$tmp/no-such.xml: error: cannot open: No such file or directory"
expect_line err "$(cat tests/malformed/bad-status.expected)"
expect_line out "$tmp/schema-location.xml: valid (EVIL, profile minimum-viable, 0 results)"
run validate tests/malformed/bad-status.xml "$tmp/no-such.xml"
expect_rc 4
end

begin "validate a record against the wrong checklist"
run validate $MINI "$tmp/schema-location.xml"
expect_rc 3
expect_first_line err "$tmp/schema-location.xml:2: error: record is for checklist 'llmops-readiness' version 1.1, but the checklist in use is 'mini' version 1 (choose another with --checklist)"
end

# ------------------------------------------------------------ usage errors

# usage CASE-NAME WANT-STDERR-FIRST-LINE ARG...: exit 2 and this first stderr line.
usage() {
    begin "usage: $1"
    want=$2
    shift 2
    run "$@"
    expect_rc 2
    expect_first_line err "$want"
    expect_out_empty
    end
}
usage "no command" "usage: readyaudit COMMAND [OPTIONS] [FILE...]"
usage "unknown command" "readyaudit: unknown command 'frobnicate'" frobnicate
usage "unknown option" "readyaudit score: unknown option '--bogus'" score --bogus $READY
usage "unknown short option" "readyaudit validate: unknown option '-x'" validate -x $READY
usage "missing argument" "readyaudit score: missing argument for '--format'" score $READY --format
usage "missing argument of --checklist" "readyaudit init: missing argument for '--checklist'" init --profile startup --checklist
usage "--fail-under abc" "readyaudit score: --fail-under wants a number from 0 to 100, not 'abc'" score --fail-under abc $READY
usage "--fail-under 101" "readyaudit score: --fail-under wants a number from 0 to 100, not '101'" score --fail-under 101 $READY
usage "--fail-under -5" "readyaudit score: --fail-under wants a number from 0 to 100, not '-5'" score --fail-under -5 $READY
usage "score with no file" "readyaudit score: expected one record, got 0" score --format json
usage "score with two files" "readyaudit score: expected one record, got 2" score $READY $NOTREADY
usage "validate with no file" "readyaudit validate: no record given" validate
usage "init without --profile" "readyaudit init: --profile is required" init
usage "init with a file argument" "readyaudit init: unexpected argument 'x.xml'" init --profile startup x.xml
usage "checklist with a file argument" "readyaudit checklist: unexpected argument 'x.xml'" checklist x.xml
usage "unknown --format" "readyaudit score: unknown format 'xml' (text, json, csv or junit)" score $READY --format xml
usage "unknown --profile (score)" "readyaudit score: unknown profile 'hobby' (checklist 'mini' has: basic, strict)" score $MINI $READY --profile hobby
usage "unknown --profile (init)" "readyaudit init: unknown profile 'hobby' (checklist 'llmops-readiness' has: minimum-viable, startup, enterprise, regulated)" init --profile hobby
usage "unknown --profile (checklist)" "readyaudit checklist: unknown profile 'hobby' (checklist 'llmops-readiness' has: minimum-viable, startup, enterprise, regulated)" checklist --profile hobby
usage "an option of another command, as -o X" "readyaudit validate: option '--output' does not apply to this command" validate -o out.txt $READY
usage "an option of another command, as --profile X" "readyaudit validate: option '--profile' does not apply to this command" validate --profile startup $READY

begin "usage: unknown command shows the usage"
run frobnicate
expect_line err "usage: readyaudit COMMAND [OPTIONS] [FILE...]"
end

# ------------------------------------------------------------ I/O errors

begin "missing file: exit 4, cannot open"
run validate "$tmp/no-such.xml"
expect_rc 4
expect_err "$tmp/no-such.xml: error: cannot open: No such file or directory"
expect_out_empty
end

begin "score of a missing file: exit 4, cannot open"
run score "$tmp/no-such.xml" --format json
expect_rc 4
expect_err "$tmp/no-such.xml: error: cannot open: No such file or directory"
expect_out_empty
end

begin "missing --checklist file: exit 4"
run checklist --checklist "$tmp/no-such-checklist.xml"
expect_rc 4
expect_err "$tmp/no-such-checklist.xml: error: cannot open: No such file or directory"
end

begin "a record given as --checklist: exit 3"
run checklist --checklist $READY
expect_rc 3
expect_err "$READY:5: error: root element is <assessment> in namespace urn:readyaudit:assessment:1; expected <checklist> in namespace urn:readyaudit:checklist:1"
end

begin "a directory given as a record: exit 4"
run validate tests
expect_rc 4
expect_err "tests: error: read error: Is a directory"
end


# ------------------------------------------------------- version and help

begin "--version"
run --version
expect_rc 0
grep -qx 'readyaudit [0-9][0-9.]*' "$tmp/out" || problem "stdout: expected 'readyaudit VERSION', got:" "$(excerpt "$tmp/out")"
expect_err_empty
end

begin "--help"
run --help
expect_rc 0
expect_line out "usage: readyaudit COMMAND [OPTIONS] [FILE...]"
for c in validate init checklist score; do
    grep -q "^  $c " "$tmp/out" || problem "--help does not list $c"
done
expect_err_empty
end

for c in validate init checklist score; do
    begin "$c --help"
    run "$c" --help
    expect_rc 0
    grep -q "^usage: readyaudit $c" "$tmp/out" || problem "stdout: no 'usage: readyaudit $c' line; got:" "$(excerpt "$tmp/out")"
    expect_line out "  --checklist FILE  use this checklist instead of the shipped one"
    expect_err_empty
    end
done

# -------------------------------------------------------- init and checklist

# init --profile P: a blank record that validates as it is, one result per check.
for pc in minimum-viable:12 startup:25 enterprise:40 regulated:50; do
    p=${pc%:*}
    n=${pc#*:}
    begin "init --profile $p validates with $n results"
    run init --profile "$p"
    expect_rc 0
    cp "$tmp/out" "$tmp/init-$p.xml"
    got=$(grep -c '<result ' "$tmp/init-$p.xml")
    [ "$got" -eq "$n" ] || problem "expected $n <result> elements, got $got"
    run validate "$tmp/init-$p.xml"
    expect_rc 0
    # Valid, and every placeholder init wrote is named at its line.
    expect_err \
        "$tmp/init-$p.xml:10: warning: placeholder: the record's id is still \"CHANGE-ME\", as readyaudit init wrote it; write its own id" \
        "$tmp/init-$p.xml:12: warning: placeholder: <name> in <system> is still \"System name\", as readyaudit init wrote it; write the system's name" \
        "$tmp/init-$p.xml:13: warning: placeholder: <organisation> in <system> is still \"Organisation\", as readyaudit init wrote it; write the organisation's name" \
        "$tmp/init-$p.xml:17: warning: placeholder: the assessor's name is still \"Assessor name\", as readyaudit init wrote it; write who assessed the system"
    expect_line out "$tmp/init-$p.xml: valid (CHANGE-ME, profile $p, $n results)"
    run score "$tmp/init-$p.xml" --format json
    expect_rc 0
    expect_json <<EOF
profile = "$p"
totals/applicable = $n
counts/not_assessed = $n
verdict = "not-ready"
signoff = "draft"
score = 0
EOF
    end
done

begin "init -o FILE writes the file; a second time it refuses to overwrite"
run init --profile startup -o "$tmp/new.xml"
expect_rc 0
expect_out_empty
[ "$(grep -c '<result ' "$tmp/new.xml" 2>/dev/null)" = 25 ] || problem "$tmp/new.xml: expected 25 results"
cp "$tmp/new.xml" "$tmp/new.before"
run init --profile regulated -o "$tmp/new.xml"
expect_rc 2
expect_err "readyaudit: cannot create $tmp/new.xml: File exists"
expect_same "$tmp/new.xml" "$tmp/new.before" "$tmp/new.xml"
end

begin "init -o in a missing directory: exit 4"
run init --profile startup -o "$tmp/no/such/dir.xml"
expect_rc 4
expect_err "readyaudit: cannot create $tmp/no/such/dir.xml: No such file or directory"
end

begin "init is reproducible under SOURCE_DATE_EPOCH"
run_env SOURCE_DATE_EPOCH=1779969600 init --profile enterprise
cp "$tmp/out" "$tmp/init-1"
expect_line out "  <assessed-on>2026-05-28</assessed-on>"
run_env SOURCE_DATE_EPOCH=1779969600 init --profile enterprise
expect_same "second run" "$tmp/init-1" "$tmp/out"
end

begin "init --checklist: a blank mini record"
run init $MINI --profile strict
expect_rc 0
cp "$tmp/out" "$tmp/init-mini.xml"
[ "$(grep -c '<result ' "$tmp/init-mini.xml")" -eq 7 ] || problem "expected 7 results"
run validate $MINI "$tmp/init-mini.xml"
expect_rc 0
end

# A full disk: every command that writes standard output says so and exits 4,
# with small outputs (flushed at exit) and large ones (flushed while writing:
# the blank regulated record has 50 checks).
# (The blank record filled in, so that no placeholder warning is printed.)
sed -e 's/"CHANGE-ME"/"FULL-1"/' -e 's/>System name</>Chat</' -e 's/>Organisation</>Acme</' \
    -e 's/"Assessor name"/"A. Auditor"/' "$tmp/init-regulated.xml" >"$tmp/filled-regulated.xml"
if [ -w /dev/full ]; then
    for cmd in "score $MINI $READY" "score $MINI $READY --format json" \
        "score $MINI $READY --format csv" "score $MINI $READY --format junit" \
        "score $tmp/filled-regulated.xml" "score $tmp/filled-regulated.xml --format json" \
        "score $tmp/filled-regulated.xml --format junit" \
        "validate $MINI $READY" "init --profile startup" "checklist"; do
        begin "$cmd > /dev/full: exit 4 and says so"
        "$RA" $cmd >/dev/full 2>"$tmp/err"
        rc=$?
        expect_rc 4
        expect_err "readyaudit: error writing standard output: No space left on device"
        end
    done
fi

# checklist [--profile P]: one line per check, then a count.
check_lines() {
    grep -cE '^[A-Z][A-Z0-9]*-[0-9]+ ' "$tmp/out"
}
begin "checklist lists 50 checks"
run checklist
expect_rc 0
[ "$(check_lines)" -eq 50 ] || problem "expected 50 check lines, got $(check_lines)"
expect_line out "50 checks in 8 layers"
expect_err_empty
end

for pc in minimum-viable:12 startup:25 enterprise:40 regulated:50; do
    p=${pc%:*}
    n=${pc#*:}
    begin "checklist --profile $p lists $n checks"
    run checklist --profile "$p"
    expect_rc 0
    [ "$(check_lines)" -eq "$n" ] || problem "expected $n check lines, got $(check_lines)"
    expect_line out "$n checks apply to profile $p"
    end
done

begin "checklist --checklist mini"
run checklist $MINI
expect_rc 0
expect_line out "mini 1: Mini checklist"
expect_line out "7 checks in 3 layers"
expect_line out "A-1        alpha          3 yes  basic           Check A-1"
end

# ---------------------------------------------------------------- score
#
# The mini checklist (tests/fixtures/mini-checklist.xml):
#   profile basic  rank 1, ready 70, conditional 50, no evidence required, sign-off: owner
#   profile strict rank 2, ready 80, conditional 60, evidence required,
#                  sign-off: owner + auditor, layer beta weighs 3
#   layer alpha (weight 1): A-1 w3 basic GATE, A-2 w1 basic, A-3 w2 strict
#   layer beta  (weight 2): B-1 w2 basic,      B-2 w1 basic, B-3 w3 strict
#   layer gamma (weight 1): G-1 w1 strict
#   bands: High >= 80, Medium >= 50, Low >= 0
# Credit: pass 1, partial 0.5, fail and not assessed 0; not-applicable leaves
# the denominator; under strict a pass without evidence earns 0.5.
# Layer score = 100 * sum(w * credit) / sum(w); maturity = sum(W * S) / sum(W).

# --- mini-conditional.xml, its own profile basic
# A-1 pass (evidence), A-2 partial (remediation due 2026-05-01, before the
# assessment date 2026-05-20: overdue), B-1 partial (remediation due 2026-09-30),
# B-2 not-applicable; B-3 pass is above basic (not applicable, a warning).
#   alpha = 100 * (3*1 + 1*0.5) / (3 + 1) = 350/4 = 87.5
#   beta  = 100 * (2*0.5) / 2 = 50            (B-2 out of the denominator)
#   gamma = n/a                                (no check of basic)
#   score = (1*87.5 + 2*50) / (1 + 2) = 187.5/3 = 62.5 -> Medium
#   verdict: gate passes; 62.5 < 70 but >= 50 and both gaps have a remediation
#            -> ready-with-conditions
#   sign-off: owner approved-with-conditions on 2026-05-21 >= 2026-05-20 -> signed-off
begin "score json: mini-conditional (basic)"
run score $MINI $COND --format json
expect_rc 0
expect_err "$COND_WARN"
expect_json <<'EOF'
has . assessment profile score band verdict signoff gates layers counts
assessment = "MINI-COND"
profile = "basic"
score = 62.5
score_display = "62.5"
band = "Medium"
verdict = "ready-with-conditions"
signoff = "signed-off"
len gates = 1
has gates/0 check status
gates/0/check = "A-1"
gates/0/status = "pass"
len layers = 3
has layers/0 id name score applicable gaps
layers/0/id = "alpha"
layers/0/name = "Layer alpha"
layers/alpha/score = 87.5
layers/alpha/applicable = 2
layers/alpha/gaps = 1
layers/beta/score = 50
layers/beta/weight = 2
layers/beta/applicable = 2
layers/beta/gaps = 1
layers/gamma/score = null
layers/gamma/applicable = 0
layers/gamma/gaps = 0
has counts pass partial fail not_applicable not_assessed
counts/pass = 1
counts/partial = 2
counts/fail = 0
counts/not_applicable = 1
counts/not_assessed = 0
totals/applicable = 4
totals/gaps = 2
totals/overdue = 1
checks/A-2/remediation/overdue = true
checks/B-1/remediation/overdue = false
checks/B-3/applicable = false
checks/B-3/credit = null
system/name = "Kundenservice-Assistent \"Lotse\", Zürich – Überprüfung der Qualitätsmaßnahmen für Ähnlichkeitssuche"
EOF
end

# --- mini-conditional.xml rescored with --profile strict
# Now A-3, B-3 and G-1 apply; evidence is required (A-1 and B-3 have some).
#   alpha = 100 * (3*1 + 1*0.5 + 2*0) / (3 + 1 + 2) = 350/6 = 175/3 = 58.33
#   beta  = 100 * (2*0.5 + 3*1) / (2 + 3) = 400/5 = 80      (B-2 not-applicable)
#   gamma = 100 * 0 / 1 = 0                                  (G-1 not assessed)
#   score = (1*175/3 + 3*80 + 1*0) / (1 + 3 + 1) = (175/3 + 240)/5 = 179/3 = 59.67 -> Medium
#   verdict: 59.67 < conditional 60 -> not-ready
#   sign-off: auditor has not approved -> draft
begin "score json: mini-conditional rescored --profile strict"
run score $MINI $COND --format json --profile strict
expect_rc 0
expect_json <<'EOF'
profile = "strict"
score = 179/3
score_display = "59.7"
band = "Medium"
verdict = "not-ready"
signoff = "draft"
layers/alpha/score = 175/3
layers/alpha/applicable = 3
layers/alpha/gaps = 2
layers/beta/score = 80
layers/beta/weight = 3
layers/beta/applicable = 3
layers/beta/gaps = 1
layers/gamma/score = 0
layers/gamma/applicable = 1
layers/gamma/gaps = 1
counts/pass = 2
counts/partial = 2
counts/fail = 0
counts/not_applicable = 1
counts/not_assessed = 2
signoff_roles/1/role = "auditor"
signoff_roles/1/state = "missing"
EOF
end

# --- mini-ready.xml, basic
# A-1 pass (no evidence, fine under basic), A-2 fail with a risk acceptance
# until 2026-12-31 (assessed 2026-06-15: unexpired), B-1 pass, B-2 pass.
#   alpha = 100 * (3*1 + 1*0) / 4 = 75
#   beta  = 100 * (2*1 + 1*1) / 3 = 100
#   score = (1*75 + 2*100) / 3 = 275/3 = 91.67 -> High
#   verdict: >= 70, the only gap (A-2) weighs 1 -> ready; owner approved -> signed-off
begin "score json: mini-ready (basic)"
run score $MINI $READY --format json
expect_rc 0
expect_err_empty
expect_json <<'EOF'
score = 275/3
score_display = "91.7"
band = "High"
verdict = "ready"
signoff = "signed-off"
layers/alpha/score = 75
layers/beta/score = 100
layers/gamma/score = null
counts/pass = 3
counts/fail = 1
counts/partial = 0
totals/gaps = 1
totals/risks_accepted = 1
checks/A-2/risk_acceptance/expired = false
system/unit = "Support"
EOF
end

# --- mini-ready.xml rescored with --profile strict (evidence required)
# A-1 and B-2 pass without evidence: unevidenced, 0.5 each; B-1 has evidence.
#   alpha = 100 * (3*0.5 + 1*0 + 2*0) / 6 = 150/6 = 25
#   beta  = 100 * (2*1 + 1*0.5 + 3*0) / 6 = 250/6 = 125/3 = 41.67
#   gamma = 0
#   score = (1*25 + 3*125/3 + 1*0) / 5 = (25 + 125)/5 = 30 -> Low
#   verdict: gate A-1 is an unevidenced pass -> not-ready
begin "score json: mini-ready rescored --profile strict (unevidenced gate)"
run score --profile strict $READY --format json $MINI
expect_rc 0
expect_json <<'EOF'
score = 30
band = "Low"
verdict = "not-ready"
signoff = "draft"
gates/A-1/status = "pass"
gates/A-1/unevidenced = true
gates/A-1/passed = false
layers/alpha/score = 25
layers/beta/score = 125/3
layers/gamma/score = 0
counts/pass = 1
counts/partial = 2
counts/unevidenced = 2
counts/fail = 1
counts/not_applicable = 0
counts/not_assessed = 3
EOF
end

# --- mini-not-ready.xml, basic
# A-1 (the gate) fails; A-2, B-1, B-2 pass.
#   alpha = 100 * (3*0 + 1*1) / 4 = 25;  beta = 100
#   score = (25 + 2*100) / 3 = 75 -> Medium, but the gate fails -> not-ready
#   sign-off: the owner rejected -> rejected
begin "score json: mini-not-ready (gate fails, rejected)"
run score $MINI $NOTREADY --format json
expect_rc 0
expect_json <<'EOF'
score = 75
band = "Medium"
verdict = "not-ready"
signoff = "rejected"
gates/A-1/status = "fail"
gates/A-1/passed = false
counts/pass = 3
counts/fail = 1
signoff_roles/owner/state = "rejected"
EOF
end

begin "score: options after the file give the same output as before it"
run score $MINI $READY --format json
cp "$tmp/out" "$tmp/after"
run score --format json $MINI $READY
expect_same "stdout" "$tmp/after" "$tmp/out"
run score $READY --format json $MINI
expect_same "stdout" "$tmp/after" "$tmp/out"
end

# --- CSV: RFC 4180, CRLF line ends, the unrounded score in its shortest exact
# form, a quoted field where it holds a comma or a quote (quotes doubled).
crlf() { # crlf LINE...: the lines, each ended by CR LF
    for l in "$@"; do printf '%s\r\n' "$l"; done
}
CSV_HEAD="assessment,profile,layer,name,weight,score,applicable,scored,gaps,band,verdict,signoff,findings"

# mini-conditional (basic): numbers as worked out above; scored = applicable
# minus not-applicable (beta: B-1 only); gamma has no score (empty field).
begin "score csv: mini-conditional (basic)"
run score $MINI $COND --format csv
expect_rc 0
crlf "$CSV_HEAD" \
    'MINI-COND,basic,alpha,Layer alpha,1,87.5,2,2,1,,,,' \
    'MINI-COND,basic,beta,Layer beta,2,50,2,1,1,,,,' \
    'MINI-COND,basic,gamma,Layer gamma,1,,0,0,0,,,,' \
    'MINI-COND,basic,overall,"Kundenservice-Assistent ""Lotse"", Zürich – Überprüfung der Qualitätsmaßnahmen für Ähnlichkeitssuche",,62.5,4,3,2,Medium,ready-with-conditions,signed-off,"overdue-remediation: The remediation of A-2 (owner Jörg Müller) was due on 2026-05-01, before the assessment date 2026-05-20: it is overdue and covers nothing."' \
    >"$tmp/want"
expect_same stdout "$tmp/want" "$tmp/out"
expect_crlf
end

# mini-ready rescored for strict: 25, 250/6 (shortest double 41.666666666666664), 0, 30.
begin "score csv: mini-ready --profile strict"
run score $MINI $READY --format csv --profile strict
expect_rc 0
crlf "$CSV_HEAD" \
    'MINI-READY,strict,alpha,Layer alpha,1,25,3,3,3,,,,' \
    'MINI-READY,strict,beta,Layer beta,3,41.666666666666664,3,3,2,,,,' \
    'MINI-READY,strict,gamma,Layer gamma,1,0,1,1,1,,,,' \
    'MINI-READY,strict,overall,Ready bot,,30,7,7,6,Low,not-ready,draft,' \
    >"$tmp/want"
expect_same stdout "$tmp/want" "$tmp/out"
end

# mini-not-ready rescored for strict: every pass is unevidenced (0.5).
#   alpha = 100 * (3*0 + 1*0.5 + 2*0) / 6 = 100/12 -> 8.333333333333334
#   beta  = 100 * (2*0.5 + 1*0.5 + 3*0) / 6 = 25;  gamma = 0
#   score = (100/12 + 3*25 + 0) / 5 = 16.67 (the double 16.666666666666664)
begin "score csv: mini-not-ready --profile strict"
run score $MINI $NOTREADY --format csv --profile strict
expect_rc 0
crlf "$CSV_HEAD" \
    'MINI-NOT-READY,strict,alpha,Layer alpha,1,8.333333333333334,3,3,3,,,,' \
    'MINI-NOT-READY,strict,beta,Layer beta,3,25,3,3,3,,,,' \
    'MINI-NOT-READY,strict,gamma,Layer gamma,1,0,1,1,1,,,,' \
    'MINI-NOT-READY,strict,overall,Gateless bot,,16.666666666666664,7,7,7,Low,not-ready,rejected,' \
    >"$tmp/want"
expect_same stdout "$tmp/want" "$tmp/out"
expect_crlf
end

# --- JUnit: one testsuite per layer with applicable checks, one testcase per
# applicable check, a failure per gap, skipped for not-applicable.
begin "score junit: mini-conditional (basic)"
# Four applicable checks (two gaps, B-2 not applicable) in two layer suites,
# plus a "Governance rules" suite with one failing case per finding: here the
# overdue remediation of A-2, so 4 + 1 = 5 cases and 2 + 1 = 3 failures.
run score $MINI $COND --format junit
expect_rc 0
xmllint --noout "$tmp/out" 2>"$tmp/xmlerr" || problem "not well-formed XML:" "$(excerpt "$tmp/xmlerr")"
expect_xpath 'count(/testsuites)' 1
expect_xpath 'string(/testsuites/@tests)' 5
expect_xpath 'string(/testsuites/@failures)' 3
expect_xpath 'string(/testsuites/@skipped)' 1
expect_xpath 'string(/testsuites/@errors)' 0
expect_xpath 'count(/testsuites/testsuite)' 3
expect_xpath 'string(/testsuites/testsuite[1]/@name)' 'Layer alpha'
expect_xpath 'string(/testsuites/testsuite[2]/@name)' 'Layer beta'
expect_xpath 'string(/testsuites/testsuite[3]/@name)' 'Governance rules'
expect_xpath 'count(//testcase)' 5
expect_xpath 'count(//testcase/failure)' 3
expect_xpath 'count(//testcase/skipped)' 1
expect_xpath 'sum(/testsuites/testsuite/@tests)' 5
expect_xpath 'sum(/testsuites/testsuite/@failures)' 3
expect_xpath 'string(//testcase[skipped]/@name)' 'B-2 Check B-2'
expect_xpath 'string(//testcase[skipped]/skipped/@message)' 'No B-2 component in this system.'
expect_xpath 'string(//testcase[@name="A-2 Check A-2"]/failure/@type)' partial
expect_xpath 'count(//testcase[@name="A-1 Check A-1"]/*)' 0
expect_xpath 'string(//testcase[@name="overdue-remediation A-2"]/failure/@type)' overdue-remediation
grep -q 'OVERDUE' "$tmp/out" || problem "the overdue remediation of A-2 is not marked OVERDUE"
end

begin "score junit: mini-conditional --profile strict"
# Seven applicable checks (four gaps, B-2 not applicable) in three layer
# suites, and the same overdue-remediation finding: 7 + 1 cases, 4 + 1 failures.
run score $MINI $COND --format junit --profile strict
expect_rc 0
expect_xpath 'string(/testsuites/@tests)' 8
expect_xpath 'string(/testsuites/@failures)' 5
expect_xpath 'string(/testsuites/@skipped)' 1
expect_xpath 'count(/testsuites/testsuite)' 4
expect_xpath 'count(//testcase)' 8
expect_xpath 'count(//testcase/failure)' 5
expect_xpath 'count(//testcase/skipped)' 1
expect_xpath 'string(/testsuites/testsuite[3]/@name)' 'Layer gamma'
expect_xpath 'string(/testsuites/testsuite[4]/@name)' 'Governance rules'
end

begin "score junit: mini-ready --profile strict (unevidenced gate)"
run score $MINI $READY --format junit --profile strict
expect_rc 0
expect_xpath 'string(/testsuites/@failures)' 6
expect_xpath 'count(//failure[@type="unevidenced"])' 2
expect_xpath 'string(//testcase[@name="A-1 Check A-1"]/failure/@message)' 'gate unevidenced (weight 3)'
end

# --- text
begin "score text: mini-conditional (basic)"
run score $MINI $COND
expect_rc 0
expect_line out "  Score     62.5 / 100  (Medium)   ready at 70, conditional at 50"
expect_line out "  Verdict   Ready with conditions"
expect_line out "  Sign-off  Signed off"
expect_line out "  Checks    4 applicable: 1 pass, 2 partial, 0 fail, 1 not applicable, 0 not assessed"
expect_line out "Record MINI-COND, assessed 2026-05-20"
expect_line out "Profile basic, checklist mini 1"
expect_no_color
expect_width "$tmp/out" 100
end

begin "score text: mini-conditional --profile strict"
run score $MINI $COND --profile strict
expect_rc 0
expect_line out "  Score     59.7 / 100  (Medium)   ready at 80, conditional at 60"
expect_line out "  Verdict   Not ready"
expect_line out "            Score 59.7 is below the conditional threshold 60."
expect_line out "  Sign-off  Draft  (auditor missing)"
expect_width "$tmp/out" 100
end

begin "score text: mini-ready --profile strict"
run score $MINI $READY --profile strict
expect_rc 0
expect_line out "  Score     30.0 / 100  (Low)   ready at 80, conditional at 60"
expect_line out "  Verdict   Not ready"
expect_line out "            Gate check A-1 (Check A-1) passes without the evidence this profile requires."
expect_width "$tmp/out" 100
end

begin "score text: mini-not-ready"
run score $MINI $NOTREADY
expect_rc 0
expect_line out "  Score     75.0 / 100  (Medium)   ready at 70, conditional at 50"
expect_line out "  Verdict   Not ready"
expect_line out "  Sign-off  Rejected  (owner rejected)"
expect_width "$tmp/out" 100
end

# The longest names the schemas allow must not widen the text past 100 columns:
# a 64-character record id, check ids longer than 8 characters, a 110-character
# check title (a copy of the mini checklist and of mini-ready with these).
long_title="A gate check whose title runs on and on, well past the width of a terminal line of text"
long_id=LONG-RECORD-ID-LONG-RECORD-ID-LONG-RECORD-ID-LONG-RECORD-ID-2026
sed -e 's/"A-1"/"ALPHA-GATE-CHECK-0001"/' -e "s/<title>Check A-1</<title>$long_title</" \
    -e 's/"A-2"/"ALPHA-SECOND-CHECK-WITH-A-LONG-ID"/' \
    tests/fixtures/mini-checklist.xml >"$tmp/long-checklist.xml"
sed -e 's/"A-1"/"ALPHA-GATE-CHECK-0001"/' -e 's/"A-2"/"ALPHA-SECOND-CHECK-WITH-A-LONG-ID"/' \
    -e "s/id=\"MINI-READY\"/id=\"$long_id\"/" $READY >"$tmp/long-record.xml"
begin "score text: the longest ids and titles stay within 100 columns"
run score --checklist "$tmp/long-checklist.xml" "$tmp/long-record.xml"
expect_rc 0
expect_line out "  Verdict   Ready"
expect_width "$tmp/out" 100
end

# --- --fail-under: 1 below N, 0 at or above N; a not-ready verdict always 1.
# fail_under RECORD N WANT-RC [WANT-STDERR-LINE]
fail_under() {
    begin "score $1 --fail-under $2 exits $3"
    run score $MINI "$1" --fail-under "$2" --format json
    expect_rc "$3"
    [ -s "$tmp/out" ] || problem "stdout: expected the JSON score, got nothing"
    if [ -n "${4-}" ]; then
        expect_line err "$4"
    elif [ "$1" != "$COND" ]; then
        expect_err_empty
    fi
    end
}
# mini-conditional scores exactly 62.5 (ready with conditions).
fail_under $COND 0 0
fail_under $COND 62 0
fail_under $COND 62.5 0
fail_under $COND 62.6 1 "$COND: not ready: score 62.5 is below --fail-under 62.6"
fail_under $COND 100 1 "$COND: not ready: score 62.5 is below --fail-under 100"
# mini-ready scores 275/3 = 91.666...: the unrounded score is compared. The
# message shows one decimal as the report does (91.7), two where one would
# round it up to the threshold it is below.
fail_under $READY 91.6 0
fail_under $READY 91.7 1 "$READY: not ready: score 91.66 is below --fail-under 91.7"
fail_under $READY 95 1 "$READY: not ready: score 91.7 is below --fail-under 95"
# mini-not-ready: verdict not ready, so even --fail-under 0 fails.
fail_under $NOTREADY 0 1 "$NOTREADY: not ready: the verdict is Not ready (Gate check A-1 (Check A-1) is not a pass (result: fail).)"

begin "score without --fail-under exits 0 even when not ready"
run score $MINI $NOTREADY
expect_rc 0
end

# ------------------------------------------------------------------ locale

# A comma-decimal locale must change nothing: the same bytes as under C.
loc=
for l in $(locale -a 2>/dev/null); do
    case $l in de_DE.UTF-8 | de_DE.utf8) loc=$l ;; esac
done
if [ -z "$loc" ] && command -v localedef >/dev/null 2>&1 &&
    [ -f /usr/share/i18n/locales/de_DE ] &&
    localedef -i de_DE -f UTF-8 "$tmp/de_DE.UTF-8" >/dev/null 2>&1; then
    # Not installed, but buildable into a private LOCPATH.
    loc=de_DE.UTF-8
    LOCPATH=$tmp
    export LOCPATH
fi
# The test means something only if that locale really writes 3,5.
if [ -n "$loc" ] && [ "$(LC_ALL=$loc locale -k decimal_point 2>/dev/null)" != 'decimal_point=","' ]; then
    loc=
fi
if [ -n "$loc" ]; then
    for fmt in json text csv junit; do
        begin "score --format $fmt under LC_ALL=$loc is the same as under C"
        run_env LC_ALL=C score $MINI $COND --format "$fmt" --profile strict
        cp "$tmp/out" "$tmp/out-c"
        run_env LC_ALL="$loc" score $MINI $COND --format "$fmt" --profile strict
        expect_rc 0
        expect_same "stdout under $loc" "$tmp/out-c" "$tmp/out"
        end
    done
    unset LOCPATH
else
    for fmt in json text csv junit; do
        skip "score --format $fmt under a comma-decimal locale" "no de_DE.UTF-8 locale (make deps installs it)"
    done
fi

# ----------------------------------------------------------------- samples

# Once samples/*.xml exist, each validates and scores in every format.
for f in samples/*.xml; do
    [ -e "$f" ] || continue
    begin "sample $f validates"
    run validate "$f"
    expect_rc 0
    grep -q "^$f: valid (" "$tmp/out" || problem "stdout: expected '$f: valid (...)', got:" "$(excerpt "$tmp/out")"
    end

    begin "sample $f scores as text"
    run score "$f"
    expect_rc 0
    grep -q '^  Verdict   ' "$tmp/out" || problem "no Verdict line"
    expect_width "$tmp/out" 100
    end

    begin "sample $f scores as json"
    run score "$f" --format json
    expect_rc 0
    expect_json <<'EOF'
has . assessment profile score band verdict signoff gates layers counts
has counts pass partial fail not_applicable not_assessed
len layers = 8
EOF
    end

    begin "sample $f scores as csv"
    run score "$f" --format csv
    expect_rc 0
    expect_crlf
    expect_first_line out "$CSV_HEAD$(printf '\r')"
    end

    begin "sample $f scores as junit"
    run score "$f" --format junit
    expect_rc 0
    xmllint --noout "$tmp/out" 2>"$tmp/xmlerr" || problem "not well-formed XML:" "$(excerpt "$tmp/xmlerr")"
    expect_xpath 'count(/testsuites)' 1
    end
done

# The methodology is written once: the README quotes what the program prints.
begin "README's methodology is what checklist --methodology prints"
run checklist --methodology
expect_rc 0
python3 - "$tmp/out" README.md >"$tmp/missing" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read().strip()
readme = open(sys.argv[2], encoding="utf-8").read()
for para in text.split("\n\n"):
    if para not in readme:
        print(para[:100])
PY
[ -s "$tmp/missing" ] && problem "paragraphs missing from README.md:" "$(excerpt "$tmp/missing")"
end

# ------------------------------------------------------------------ total

suite_end
