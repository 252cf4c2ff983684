#!/bin/sh
# tests/cli/messages.sh - what a person filling in a record by hand is told
# (issue #16): messages in the record's terms, every mistake in one pass,
# placeholders of `init`, help texts against the man page, the score in
# messages, the progress bar's width, the schema location `init` writes.
#
# Run as `sh tests/cli/messages.sh` from anywhere (tests/run.sh does); needs
# ./readyaudit built, pdftotext, xmllint and script (util-linux, for a
# terminal). The exact wording of each schema and well-formedness message is
# in tests/malformed/*.expected, run by tests/cli/cli.sh.

cd "$(dirname "$0")/../.." || exit 2
SUITE=messages
. tests/lib.sh
suite_start pdftotext xmllint script

expect_err_is() { # expect_err_is LINE...: stderr is exactly these lines
    printf '%s\n' "$@" >"$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" ||
        problem "stderr differs (- expected, + actual):" "$(diff -u "$tmp/want" "$tmp/err" | tail -n +3)"
}

# ------------------------------------------------------------ no jargon

# libxml2's vocabulary must not reach the user, in any message of the corpus
# or of the commands that load records.
jargon="facet|atomic type|identity-constraint|key-sequence|\{urn:|xmlParse|StartTag|EntityRef|Element '"
begin "no libxml2 jargon in any expected message of the malformed corpus"
bad=$(grep -lE "$jargon" tests/malformed/*.expected)
[ -z "$bad" ] || problem "jargon in:" "$bad"
end

begin "no libxml2 jargon from validate, score or report over the whole corpus"
for f in tests/malformed/*.xml; do
    for cmd in validate "score --format json" "report -o $tmp/x.pdf"; do
        # shellcheck disable=SC2086
        "$RA" $cmd "$f" >/dev/null 2>>"$tmp/all-err"
    done
done
if grep -qE "$jargon" "$tmp/all-err"; then
    problem "jargon:" "$(grep -E "$jargon" "$tmp/all-err" | head -5)"
fi
[ ! -e "$tmp/x.pdf" ] || problem "a report was written for an invalid record"
end

# A custom checklist is read through the same translation: a reference to a
# role it does not define (libxml2 reports it with no node, at the end of the
# references' scope), and an attribute longer than its type allows (libxml2
# gives an attribute's value, its length and the maximum; an element's text,
# only the length and the maximum).
begin "checklist errors in its own terms: an undefined sign-off role, an id too long"
sed -e 's/<requires-signoff role="data-protection-officer"/<requires-signoff role="dpo"/' \
    -e 's/<role id="security-lead"/<role id="security-lead-of-the-whole-group-and-of-every-subsidiary-abroad-too"/' \
    templates/llmops-readiness.xml >"$tmp/bad-cl.xml"
run validate --checklist "$tmp/bad-cl.xml" samples/regulated-credit-advisor.xml
expect_rc 3
expect_err_is \
    "$tmp/bad-cl.xml:46: error: id of <role> in <roles> is 67 characters long; the most it may hold is 64" \
    "$tmp/bad-cl.xml:85: error: role \"security-lead\" of <requires-signoff> names no <role> of this file (no id=\"security-lead\" among them)" \
    "$tmp/bad-cl.xml:102: error: role \"security-lead\" of <requires-signoff> names no <role> of this file (no id=\"security-lead\" among them)" \
    "$tmp/bad-cl.xml:104: error: role \"dpo\" of <requires-signoff> names no <role> of this file (no id=\"dpo\" among them)"
grep -qE "$jargon" "$tmp/err" && problem "jargon:" "$(cat "$tmp/err")"
end

# --verbose: the message, then libxml2's own words as a note at the same line.
begin "validate --verbose adds libxml2's message as a note"
run validate --verbose tests/malformed/bad-status.xml
expect_rc 3
expect_err_is \
    "tests/malformed/bad-status.xml:8: error: status \"done\" of <result check=\"OBS-01\"> is not one of pass, partial, fail, not-applicable, not-assessed" \
    "tests/malformed/bad-status.xml:8: note: libxml2: Element 'result', attribute 'status': [facet 'enumeration'] The value 'done' is not an element of the set {'pass', 'partial', 'fail', 'not-applicable', 'not-assessed'}."
end

begin "score -v and report -v take --verbose too; well-formedness errors also get the note"
run score -v tests/malformed/unescaped-ampersand.xml
expect_rc 3
expect_err_is \
    "tests/malformed/unescaped-ampersand.xml:4: error: a \"&\" that starts no entity: an \"&\" in text must be written &amp;" \
    "tests/malformed/unescaped-ampersand.xml:4: note: libxml2: xmlParseEntityRef: no name"
run report -v tests/malformed/status-capitalised.xml -o "$tmp/v.pdf"
expect_rc 3
grep -q "note: libxml2: Element 'result', attribute 'status'" "$tmp/err" ||
    problem "report -v: no libxml2 note:" "$(cat "$tmp/err")"
run validate tests/malformed/status-capitalised.xml
grep -q "note:" "$tmp/err" && problem "without -v there is no note:" "$(cat "$tmp/err")"
end

# ------------------------------------------------- every mistake in one pass

begin "five mistakes of different kinds (and a sixth) in one run, in line order"
run validate tests/malformed/five-mistakes.xml
expect_rc 3
[ "$(grep -c ': error: ' "$tmp/err")" -eq 6 ] || problem "expected 6 errors:" "$(cat "$tmp/err")"
for want in 'values are lower case' '<note> must come before <remediation>' \
    "check 'SEC-01' is not-applicable but has no <justification>" \
    'result PM-01 is given twice (first at line 10)' "unknown check 'XYZ-99'" "approval role 'ceo'"; do
    grep -qF "$want" "$tmp/err" || problem "missing: $want"
done
lines=$(sed -n 's/^[^:]*:\([0-9]*\): .*/\1/p' "$tmp/err")
[ "$lines" = "$(printf '%s\n' "$lines" | sort -n)" ] || problem "not in line order:" "$lines"
end

# A schema error and a semantic error on one element: the element the
# schema rejected is not judged again (no "unknown check" for a check id the
# schema refused, no "no visible letter" for a missing name).
cat >"$tmp/overlap.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<assessment xmlns="urn:readyaudit:assessment:1" id="OV-1" checklist="llmops-readiness" checklist-version="1.1" profile="minimum-viable">
  <system><name>Chat</name><organisation>Acme</organisation></system>
  <assessed-on>2026-11-20</assessed-on>
  <assessors><assessor name="A. Auditor" role="Assessor"/></assessors>
  <results>
    <result check="bad id!" status="pass"/>
    <result check="SEC-01" status="not-applicable"/>
  </results>
  <sign-off>
    <approval role="technical-owner" decision="approved" date="2026-11-21">OK</approval>
  </sign-off>
</assessment>
EOF
begin "an element the schema rejected is reported once; the rest is still checked"
run validate "$tmp/overlap.xml"
expect_rc 3
expect_err_is \
    "$tmp/overlap.xml:7: error: check \"bad id!\" of <result> may hold only letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit" \
    "$tmp/overlap.xml:8: error: check 'SEC-01' is not-applicable but has no <justification>" \
    "$tmp/overlap.xml:11: error: <approval role=\"technical-owner\"> needs a name attribute"
end

# 30 bad statuses and 30 unknown checks, interleaved: 50 shown in line
# order, the count of the rest, exit 3.
{
    printf '<?xml version="1.0" encoding="UTF-8"?>\n'
    printf '<assessment xmlns="urn:readyaudit:assessment:1" id="CAP-1" checklist="llmops-readiness" checklist-version="1.1" profile="minimum-viable">\n'
    printf '  <system><name>Chat</name><organisation>Acme</organisation></system>\n'
    printf '  <assessed-on>2026-11-20</assessed-on>\n'
    printf '  <assessors><assessor name="A. Auditor" role="Assessor"/></assessors>\n  <results>\n'
    i=1
    while [ $i -le 30 ]; do
        printf '    <result check="BAD-%02d" status="Pass"/>\n    <result check="NOPE-%02d" status="pass"/>\n' $i $i
        i=$((i + 1))
    done
    printf '  </results>\n</assessment>\n'
} >"$tmp/cap.xml"
begin "a schema-invalid record with 60 mistakes: 50 in line order, then the count of the rest"
run validate "$tmp/cap.xml"
expect_rc 3
[ "$(grep -c ': error: ' "$tmp/err")" -eq 50 ] || problem "expected 50 errors, got $(grep -c ': error: ' "$tmp/err")"
lines=$(sed -n 's/^[^:]*:\([0-9]*\): error: .*/\1/p' "$tmp/err")
[ "$(printf '%s\n' "$lines" | head -1)" = 7 ] || problem "first error not at line 7"
[ "$(printf '%s\n' "$lines" | tail -1)" = 56 ] || problem "last error shown not at line 56"
[ "$lines" = "$(printf '%s\n' "$lines" | sort -n)" ] || problem "not in line order"
grep -qxF "$tmp/cap.xml: 10 more errors not shown" "$tmp/err" || problem "no count of the rest:" "$(tail -2 "$tmp/err")"
grep -q "status \"Pass\" of <result check=\"BAD-01\">" "$tmp/err" || problem "no schema error"
grep -q "unknown check 'NOPE-01'" "$tmp/err" || problem "no semantic error"
end

# ------------------------------------------------------------ placeholders

begin "init: valid, every placeholder warned about; report prints them and says so on its cover"
SOURCE_DATE_EPOCH=1779969600 "$RA" init --profile minimum-viable -o "$tmp/blank.xml" || problem "init failed"
run report "$tmp/blank.xml" -o "$tmp/blank.pdf"
expect_rc 0
[ "$(grep -c ': warning: placeholder: ' "$tmp/err")" -eq 4 ] || problem "expected 4 placeholder warnings:" "$(cat "$tmp/err")"
pdftotext -f 1 -l 1 "$tmp/blank.pdf" - | tr '\n' ' ' >"$tmp/cover.txt"
grep -q 'The record still holds 4 placeholders written by readyaudit init (such as "CHANGE-ME"): it is not filled in.' "$tmp/cover.txt" ||
    problem "cover does not say so:" "$(cat "$tmp/cover.txt")"
end

begin "a record filled in has no placeholder warning and nothing on its cover"
sed -e 's/"CHANGE-ME"/"FILLED-1"/' -e 's/>System name</>Chat</' -e 's/>Organisation</>Acme</' \
    -e 's/"Assessor name"/"A. Auditor"/' "$tmp/blank.xml" >"$tmp/filled.xml"
run report "$tmp/filled.xml" -o "$tmp/filled.pdf"
expect_rc 0
grep -q placeholder "$tmp/err" && problem "warned:" "$(cat "$tmp/err")"
pdftotext -f 1 -l 1 "$tmp/filled.pdf" - | grep -q placeholder && problem "the cover speaks of placeholders"
end

begin "one placeholder left: named at its line, and the cover counts one"
sed -e 's/"CHANGE-ME"/"FILLED-1"/' -e 's/>System name</>Chat</' -e 's/>Organisation</>Acme</' \
    "$tmp/blank.xml" >"$tmp/one.xml"
run validate "$tmp/one.xml"
expect_rc 0
expect_err_is "$tmp/one.xml:17: warning: placeholder: the assessor's name is still \"Assessor name\", as readyaudit init wrote it; write who assessed the system"
"$RA" report "$tmp/one.xml" -o "$tmp/one.pdf" >/dev/null 2>&1
pdftotext -f 1 -l 1 "$tmp/one.pdf" - | tr '\n' ' ' | grep -q 'holds 1 placeholder written by readyaudit init (such as "Assessor name")' ||
    problem "cover: $(pdftotext -f 1 -l 1 "$tmp/one.pdf" - | tr '\n' ' ')"
end

# ------------------------------------------------ the schema location of init

begin "init writes an xsi:schemaLocation at the installed schema, which validates the record"
loc=$(sed -n 's/.*xsi:schemaLocation="urn:readyaudit:assessment:1 file:\/\/\([^"]*\)".*/\1/p' "$tmp/blank.xml")
[ "$loc" = "$(cd "$READYAUDIT_DATADIR" && pwd -P)/schemas/assessment.xsd" ] || problem "schemaLocation: '$loc'"
[ -f "$loc" ] && xmllint --noout --schema "$loc" "$tmp/blank.xml" 2>/dev/null || problem "xmllint --schema $loc failed"
end

# readyaudit never follows a schemaLocation: not a local file (a FIFO would
# block the reader forever), not the network (a listener counts connections).
mkfifo "$tmp/trap.xsd"
"$PY" - "$tmp/port" "$tmp/connections" <<'EOF' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5); s.settimeout(0.5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
n, end = 0, time.time() + 30
while time.time() < end:
    try:
        c, _ = s.accept(); n += 1; c.close()
    except socket.timeout:
        pass
    open(sys.argv[2], "w").write(str(n))
    try:
        open(sys.argv[1] + ".stop").close(); break
    except OSError:
        pass
EOF
listener=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port" 2>/dev/null)
for target in "file://$tmp/trap.xsd" "http://127.0.0.1:$port/assessment.xsd"; do
    begin "a record whose xsi:schemaLocation is $target validates without touching it"
    sed "s|file://[^\"]*assessment.xsd|$target|" "$tmp/filled.xml" >"$tmp/loc.xml"
    grep -q "$target" "$tmp/loc.xml" || problem "the record does not point at $target"
    timeout 20 "$RA" validate "$tmp/loc.xml" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    expect_rc 0
    timeout 20 "$RA" report "$tmp/loc.xml" -o "$tmp/loc.pdf" >/dev/null 2>&1 || problem "report failed or hung"
    end
done
: >"$tmp/port.stop"
wait "$listener"
begin "no connection was made to the schemaLocation's server"
[ "$(cat "$tmp/connections" 2>/dev/null)" = 0 ] || problem "connections: $(cat "$tmp/connections" 2>/dev/null)"
end

# An editor shows each element's and attribute's xs:documentation as hover
# text: every one that is declared by name has some.
for x in schemas/*.xsd; do
    begin "$x documents every element and attribute it declares"
    undocumented='//*[local-name()="element" or local-name()="attribute"][@name][not(*[local-name()="annotation"]/*[local-name()="documentation"][normalize-space()])]/@name'
    n=$(xmllint --xpath "count($undocumented)" "$x" 2>/dev/null)
    [ "$n" = 0 ] || problem "undocumented:" "$(xmllint --xpath "$undocumented" "$x" 2>/dev/null)"
    end
done

# -------------------------------------------------- help against the man page

# Each command's options as --help lists them, and as the man page's OPTIONS
# section does (its "every command" options belong to every command).
help_options() {
    "$RA" "$1" --help | sed -n '/^options:/,$p' | sed -n 's/^  \(-[a-z], \)\{0,1\}\(--[a-z0-9-]*\).*/\2/p' | sort
}
man_options() {
    awk -v want="$1" '
        /^\.SH / { inopt = ($2 == "OPTIONS") }
        inopt && /^\.SS / { sub(/^\.SS /, ""); gsub(/"/, ""); section = $0; next }
        inopt && /^\.TP/ { tp = 1; next }
        inopt && tp {
            tp = 0
            if (section == want || section == "every command") {
                line = $0; gsub(/\\-/, "-", line)
                if (match(line, /--[a-z0-9-]+/)) print substr(line, RSTART, RLENGTH)
            }
        }' src/cli/readyaudit.1 | sort
}
commands=$("$RA" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
for c in $commands; do
    begin "$c --help lists the options the man page lists for it"
    section=$c
    h=$(help_options "$c")
    m=$(man_options "$section")
    [ -n "$h" ] || problem "no options in $c --help"
    [ "$h" = "$m" ] || problem "--help:" "$h" "man page:" "$m"
    end
done

begin "help texts say what each option does for its command"
"$RA" batch --help | grep -qxF '  -o, --output DIR  write one report per record into the directory DIR' || problem "batch -o"
"$RA" init --help | grep -qxF '  --profile P       list the checks of profile P (minimum-viable, startup, ...)' || problem "init --profile"
"$RA" score --help | grep -qxF "  --profile P       score for profile P instead of the record's own" || problem "score --profile"
"$RA" batch --help | grep -q 'instead of standard output' && problem "batch -o still speaks of standard output"
"$RA" init --help | grep -q 'score or list' && problem "init --profile still says score or list"
end

# ------------------------------------------------------- terminal output

# The progress bar under a pseudo-terminal of a given width: every update
# fits in one line (fewer columns than the terminal has).
progress_widths() { # progress_widths COLS [ENV...]: the longest progress update
    rm -rf "$tmp/pack"
    script -qec "stty cols $1 2>/dev/null; $2 $RA batch samples -o $tmp/pack -j2" /dev/null >"$tmp/tty" 2>&1
    tr '\r' '\n' <"$tmp/tty" | sed 's/\x1b\[K//g' | grep -E '^\[|^ ?[0-9]+/[0-9]+' |
        awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'
}
for cols in 100 60 40 24; do
    begin "batch progress bar fits a terminal of $cols columns"
    w=$(progress_widths $cols)
    [ "$w" -gt 0 ] || problem "no progress update seen:" "$(head -c 400 "$tmp/tty")"
    [ "$w" -lt "$cols" ] || problem "an update of $w columns on a $cols-column terminal"
    end
done
begin "below 60 columns the progress bar shortens its words"
progress_widths 40 >/dev/null
tr '\r' '\n' <"$tmp/tty" | grep -q 'ETA' && problem "ETA spelled out at 40 columns"
tr '\r' '\n' <"$tmp/tty" | grep -q ' failed' || problem "no failure count at 40 columns"
end
begin "a terminal that does not say its width: COLUMNS is used"
w=$(progress_widths 0 "COLUMNS=30")
[ "$w" -gt 0 ] && [ "$w" -lt 30 ] || problem "update of $w columns with COLUMNS=30"
end

begin "NO_COLOR: score's terminal output has no colour; without it, it has"
script -qec "$RA score samples/mvp-support-bot.xml" /dev/null >"$tmp/col" 2>&1
script -qec "NO_COLOR=1 $RA score samples/mvp-support-bot.xml" /dev/null >"$tmp/nocol" 2>&1
grep -q "$(printf '\033')\[[0-9;]*m" "$tmp/col" || problem "no colour on a terminal"
grep -q "$(printf '\033')\[[0-9;]*m" "$tmp/nocol" && problem "colour despite NO_COLOR"
end

# ------------------------------------- documents known to match their schema

# The user's cache (XDG_CACHE_HOME/readyaudit/valid-documents) remembers the
# checklists and templates that matched their schema, by the SHA-256 of
# their bytes and of the schema's and libxml2's version: the same bytes
# are not validated again. Records always are.
VD=$tmp/vd/readyaudit/valid-documents
sha() { sha256sum "$1" | cut -d' ' -f1; }

begin "validate notes the shipped checklist, by its digest and the schema's"
XDG_CACHE_HOME=$tmp/vd run validate -q samples/mvp-support-bot.xml
expect_rc 0
[ "$(head -n 1 "$VD")" = "readyaudit valid documents 1" ] || problem "header:" "$(head -n 1 "$VD")"
[ "$(sed -n 2p "$VD" | cut -d' ' -f1-2)" = "$(sha schemas/checklist.xsd) $(sha templates/llmops-readiness.xml)" ] ||
    problem "entry:" "$(cat "$VD")"
sed -n 2p "$VD" | grep -qE ' [0-9]+$' || problem "no libxml2 version:" "$(cat "$VD")"
[ "$(wc -l <"$VD")" = 2 ] || problem "not one entry:" "$(cat "$VD")"
[ "$(stat -c %a "$VD")" = 600 ] || problem "mode $(stat -c %a "$VD")"
XDG_CACHE_HOME=$tmp/vd run report samples/mvp-support-bot.xml -o "$tmp/vd.pdf" -q
expect_rc 0
[ "$(wc -l <"$VD")" = 3 ] || problem "the template not noted:" "$(cat "$VD")"
[ "$(sed -n 2p "$VD" | cut -d' ' -f1-2)" = "$(sha schemas/report-template.xsd) $(sha templates/default-report.xml)" ] ||
    problem "entry:" "$(cat "$VD")"
end

begin "a checklist changed since it was noted is validated again and refused"
cp templates/llmops-readiness.xml "$tmp/cl.xml"
XDG_CACHE_HOME=$tmp/vd run validate -q --checklist "$tmp/cl.xml" samples/mvp-support-bot.xml
expect_rc 0
sed -i '0,/<checklist /s//<checklist foo="1" /' "$tmp/cl.xml"
XDG_CACHE_HOME=$tmp/vd run validate -q --checklist "$tmp/cl.xml" samples/mvp-support-bot.xml
expect_rc 3
[ "$(cat "$tmp/err")" = "$tmp/cl.xml:32: error: <checklist> has no attribute foo (its attributes are id, version, title and supersedes)" ] ||
    problem "stderr:" "$(excerpt "$tmp/err")"
grep -q " $(sha "$tmp/cl.xml") " "$VD" && problem "the invalid bytes were noted"
end

begin "another schema: the checklist is validated again"
mkdir -p "$tmp/vdata"
cp -r templates fonts "$tmp/vdata/"
mkdir -p "$tmp/vdata/schemas"
cp schemas/*.xsd "$tmp/vdata/schemas/"
printf '<!-- a copy -->\n' >>"$tmp/vdata/schemas/checklist.xsd"
READYAUDIT_DATADIR=$tmp/vdata XDG_CACHE_HOME=$tmp/vd run validate -q samples/mvp-support-bot.xml
expect_rc 0
[ "$(sed -n 2p "$VD" | cut -d' ' -f1-2)" = "$(sha "$tmp/vdata/schemas/checklist.xsd") $(sha templates/llmops-readiness.xml)" ] ||
    problem "not noted under the new schema:" "$(cat "$VD")"
end

# Writing the user's cache vouches for bytes: an entry for the invalid
# checklist is believed (what the cache saves is that validation), but
# only from a cache that no one but the user may write.
begin "an entry is believed only from a cache file and directory no one else may write"
line="$(sha schemas/checklist.xsd) $(sha "$tmp/cl.xml") $(sed -n 2p "$VD" | cut -d' ' -f3)"
printf '%s\n' "$line" >>"$VD"
XDG_CACHE_HOME=$tmp/vd run validate -q --checklist "$tmp/cl.xml" samples/mvp-support-bot.xml
expect_rc 0
chmod g+w "$VD"
XDG_CACHE_HOME=$tmp/vd run validate -q --checklist "$tmp/cl.xml" samples/mvp-support-bot.xml
expect_rc 3
chmod g-w "$VD"
chmod o+w "$tmp/vd/readyaudit"
XDG_CACHE_HOME=$tmp/vd run validate -q --checklist "$tmp/cl.xml" samples/mvp-support-bot.xml
expect_rc 3
chmod o-w "$tmp/vd/readyaudit"
end

begin "the cache directory is made only under a directory of the user's (root with another's HOME)"
mkdir -p "$tmp/home"
HOME=$tmp/home XDG_CACHE_HOME= run validate -q samples/mvp-support-bot.xml
expect_rc 0
[ "$(stat -c %a "$tmp/home/.cache") $(stat -c %a "$tmp/home/.cache/readyaudit")" = "700 700" ] ||
    problem "not made for the user alone:" "$(ls -la "$tmp/home" "$tmp/home/.cache" 2>&1)"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$tmp/other"
    chown nobody "$tmp/other"
    HOME=$tmp/other XDG_CACHE_HOME= run validate -q samples/mvp-support-bot.xml
    expect_rc 0
    [ -z "$(ls -A "$tmp/other")" ] || problem "made in another user's home:" "$(ls -la "$tmp/other")"
fi
end

suite_end
