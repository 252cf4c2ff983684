#!/bin/sh
# tests/cli/safety.sh - outputs never destroy inputs, writes as trusted tools
# make them, exit codes by kind of failure, and the small hardening cases of
# issue 14: each case is one misuse, with the exact exit code and message.
#
# Special files are tried on FIFOs and symlinks in $tmp first; the device
# cases write to /dev/null and /dev/full only after checking that they are
# character devices, and check again that they still are.

cd "$(dirname "$0")/../.." || exit 2

SUITE=safety
. tests/lib.sh
suite_start mkfifo
RA=$(cd "$(dirname "$RA")" && pwd)/$(basename "$RA")

# run ARG...: readyaudit in $tmp (relative paths in messages).
run() {
    (cd "$tmp" && "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# expect_err LINE...: stderr is exactly these lines.
expect_err() {
    printf '%s\n' "$@" >"$tmp/want"
    cmp -s "$tmp/want" "$tmp/err" ||
        problem "stderr differs (- expected, + actual):" "$(diff -u "$tmp/want" "$tmp/err" | sed '1,2d')"
}

# expect_same_file A B: A is byte for byte B (an input that must be intact).
expect_same_file() {
    cmp -s "$1" "$2" || problem "$1 changed (it must be intact)"
}

# expect_absent_file PATH: nothing was written at PATH.
expect_absent_file() {
    [ -e "$1" ] && problem "$1 exists (nothing may be written)"
    return 0
}

# expect_pdf PATH: PATH is a regular file holding a complete PDF.
expect_pdf() {
    [ -f "$1" ] && [ ! -L "$1" ] || problem "$1 is not a regular file"
    head -c 5 "$1" 2>/dev/null | grep -q '^%PDF-' || problem "$1 is not a PDF"
    tail -c 6 "$1" 2>/dev/null | grep -q '%%EOF' || problem "$1 is not a complete PDF"
}

# no_debris DIR: no temporary file is left in DIR.
no_debris() {
    left=$(find "$1" -name '.*.XXXXXX' -o -name '.*.pdf.*' -o -name '.*.csv.*' -o -name '.*.xml.*' | head -n 3)
    [ -n "$left" ] && problem "temporary files left:" "$left"
    return 0
}

# is_chardev PATH: PATH is a character device.
is_chardev() {
    [ -c "$1" ] && [ ! -L "$1" ]
}

rec=samples/mvp-support-bot.xml
cp "$rec" "$tmp/rec.xml"
cp "$rec" "$tmp/rec.orig"
cp templates/llmops-readiness.xml "$tmp/cl.xml"
cp templates/default-report.xml "$tmp/tpl.xml"
mkdir "$tmp/in"
cp samples/mvp-support-bot.xml samples/startup-sales-copilot.xml "$tmp/in/"
cp -r "$tmp/in" "$tmp/in.orig"

# ------------------------------------------------ 1. inputs are sacred

begin "report rec.xml -o rec.xml: usage error, the record intact"
run report rec.xml -o rec.xml
expect_rc 2
expect_err "readyaudit report: -o rec.xml is the same file as the record rec.xml; nothing was written"
expect_same_file "$tmp/rec.xml" "$tmp/rec.orig"
end

begin "report -o ./rec.xml (another spelling): the same file"
run report rec.xml -o ./rec.xml
expect_rc 2
expect_err "readyaudit report: -o ./rec.xml is the same file as the record rec.xml; nothing was written"
expect_same_file "$tmp/rec.xml" "$tmp/rec.orig"
end

begin "report -o onto a hard link of the record"
ln "$tmp/rec.xml" "$tmp/hard.pdf"
run report rec.xml -o hard.pdf
expect_rc 2
expect_err "readyaudit report: -o hard.pdf is the same file as the record rec.xml; nothing was written"
expect_same_file "$tmp/rec.xml" "$tmp/rec.orig"
rm -f "$tmp/hard.pdf"
end

begin "report -o onto a symlink to the record"
ln -s rec.xml "$tmp/link.pdf"
run report rec.xml -o link.pdf
expect_rc 2
expect_err "readyaudit report: -o link.pdf is the same file as the record rec.xml; nothing was written"
expect_same_file "$tmp/rec.xml" "$tmp/rec.orig"
[ -L "$tmp/link.pdf" ] || problem "the symlink was replaced"
rm -f "$tmp/link.pdf"
end

begin "report -o onto the --checklist file"
cp "$tmp/cl.xml" "$tmp/cl.orig"
run report rec.xml --checklist cl.xml -o cl.xml
expect_rc 2
expect_err "readyaudit report: -o cl.xml is the same file as the checklist cl.xml; nothing was written"
expect_same_file "$tmp/cl.xml" "$tmp/cl.orig"
end

begin "report -o onto the --template file"
cp "$tmp/tpl.xml" "$tmp/tpl.orig"
run report rec.xml --template tpl.xml -o tpl.xml
expect_rc 2
expect_err "readyaudit report: -o tpl.xml is the same file as the template tpl.xml; nothing was written"
expect_same_file "$tmp/tpl.xml" "$tmp/tpl.orig"
end

begin "report -o onto the template's logo"
mkdir "$tmp/brand"
cp templates/branded-report.xml "$tmp/brand/"
logo=$(sed -n 's/.*<logo[^>]*src="\([^"]*\)".*/\1/p' templates/branded-report.xml | head -n 1)
if [ -n "$logo" ] && [ -f "templates/$logo" ]; then
    cp "templates/$logo" "$tmp/brand/$logo"
    cp "templates/$logo" "$tmp/logo.orig"
    run report rec.xml --template brand/branded-report.xml -o "brand/$logo"
    expect_rc 2
    expect_err "readyaudit report: -o brand/$logo is the same file as the template's logo $tmp/brand/$logo; nothing was written"
    expect_same_file "$tmp/brand/$logo" "$tmp/logo.orig"
else
    problem "templates/branded-report.xml names no logo file"
fi
end

begin "report -o onto the shipped checklist (no --checklist)"
run report rec.xml -o "$(pwd)/templates/llmops-readiness.xml"
expect_rc 2
expect_err "readyaudit report: -o $(pwd)/templates/llmops-readiness.xml is the same file as the checklist $(pwd)/templates/llmops-readiness.xml; nothing was written"
end

begin "batch --manifest onto an input record"
run batch in -o pack --manifest in/mvp-support-bot.xml
expect_rc 2
expect_err "readyaudit batch: --manifest in/mvp-support-bot.xml is the same file as the record in/mvp-support-bot.xml; nothing was written"
expect_same_file "$tmp/in/mvp-support-bot.xml" "$tmp/in.orig/mvp-support-bot.xml"
expect_absent_file "$tmp/pack"
end

begin "batch --summary onto an input record"
run batch in -o pack --summary in/startup-sales-copilot.xml
expect_rc 2
expect_err "readyaudit batch: --summary in/startup-sales-copilot.xml is the same file as the record in/startup-sales-copilot.xml; nothing was written"
expect_same_file "$tmp/in/startup-sales-copilot.xml" "$tmp/in.orig/startup-sales-copilot.xml"
expect_absent_file "$tmp/pack"
end

begin "batch --summary and --manifest one file"
run batch in -o pack --summary pack/x --manifest pack/x
expect_rc 2
expect_err "readyaudit batch: --summary pack/x is the same file as --manifest pack/x; nothing was written"
expect_absent_file "$tmp/pack"
end

begin "batch --summary pack/portfolio.pdf with a record whose id is portfolio"
mkdir "$tmp/inp"
sed 's/id="PDW-HELPBOT-2026-03"/id="portfolio"/' samples/mvp-support-bot.xml >"$tmp/inp/p.xml"
cp samples/startup-sales-copilot.xml "$tmp/inp/"
run batch inp -o packp --summary packp/portfolio.pdf --manifest packp/m.csv
expect_rc 2
expect_err "inp/p.xml: its report packp/portfolio.pdf is the same file as --summary packp/portfolio.pdf; it was not written, nor the manifest and the summary"
expect_absent_file "$tmp/packp/portfolio.pdf"
expect_absent_file "$tmp/packp/m.csv"
expect_pdf "$tmp/packp/FHL-DEALCOPILOT-2026Q2.pdf"
no_debris "$tmp/packp"
end

begin "batch: an earlier report named like the summary is not overwritten on re-run"
run batch inp -o packq
cp "$tmp/packq/portfolio.pdf" "$tmp/portfolio.orig"
run batch inp -o packq --summary packq/portfolio.pdf
expect_rc 2
expect_err "inp/p.xml: its report packq/portfolio.pdf is the same file as --summary packq/portfolio.pdf; it was not written, nor the manifest and the summary"
expect_same_file "$tmp/packq/portfolio.pdf" "$tmp/portfolio.orig"
end

begin "manifest merge -o onto one of its inputs"
run batch in -o packm --manifest m1.csv
cp "$tmp/m1.csv" "$tmp/m1.orig"
run manifest merge m1.csv -o m1.csv
expect_rc 2
expect_err "readyaudit manifest: -o m1.csv is the same file as the manifest m1.csv; nothing was written"
expect_same_file "$tmp/m1.csv" "$tmp/m1.orig"
end

# ------------------------------------------------ 2. write like trusted tools

begin "report -o '': usage error"
run report rec.xml -o ""
expect_rc 2
expect_err "readyaudit report: -o wants a file name, not an empty string" "Try 'readyaudit report --help'."
end

begin "batch --manifest '': usage error"
run batch in -o packe --manifest ""
expect_rc 2
expect_err "readyaudit batch: --manifest wants a file name, not an empty string" "Try 'readyaudit batch --help'."
expect_absent_file "$tmp/packe"
end

begin "report -o -: the PDF on standard output, no file named -"
run report rec.xml -o -
expect_rc 0
expect_absent_file "$tmp/-"
cp "$tmp/out" "$tmp/stdout.pdf"
expect_pdf "$tmp/stdout.pdf"
run report rec.xml -o same.pdf
cmp -s "$tmp/stdout.pdf" "$tmp/same.pdf" || problem "-o - differs from -o FILE"
end

begin "report -o FILE keeps a replaced file's mode (0600 stays 0600)"
run report rec.xml -o mode.pdf
chmod 600 "$tmp/mode.pdf"
run report rec.xml -o mode.pdf
expect_rc 0
m=$(stat -c %a "$tmp/mode.pdf")
[ "$m" = 600 ] || problem "mode after replacing: expected 600, got $m"
chmod 640 "$tmp/mode.pdf"
run report rec.xml -o mode.pdf
m=$(stat -c %a "$tmp/mode.pdf")
[ "$m" = 640 ] || problem "mode after replacing: expected 640, got $m"
no_debris "$tmp"
end

begin "report -o FILE: a new file gets 0666 under the umask"
(umask 027 && cd "$tmp" && "$RA" report -q rec.xml -o new027.pdf)
m=$(stat -c %a "$tmp/new027.pdf")
[ "$m" = 640 ] || problem "mode of a new file under umask 027: expected 640, got $m"
end

begin "report -o a symlink to a regular file: written through, the link stays"
run report rec.xml -o target.pdf
: >"$tmp/target.pdf"
ln -s target.pdf "$tmp/via.pdf"
run report rec.xml -o via.pdf
expect_rc 0
[ -L "$tmp/via.pdf" ] || problem "the symlink was replaced by a file"
expect_pdf "$tmp/target.pdf"
end

begin "report -o a FIFO: written into it, not replaced"
mkfifo "$tmp/fifo.pdf"
(cat "$tmp/fifo.pdf" >"$tmp/fifo.got") &
reader=$!
run report -q rec.xml -o fifo.pdf
wait "$reader"
expect_rc 0
[ -p "$tmp/fifo.pdf" ] || problem "the FIFO was replaced"
expect_pdf "$tmp/fifo.got"
end

begin "report -o a symlink to /proc/self/fd/1: the PDF on standard output"
ln -s /proc/self/fd/1 "$tmp/fd1.pdf"
run report -q rec.xml -o fd1.pdf
expect_rc 0
[ -L "$tmp/fd1.pdf" ] || problem "the symlink was replaced"
cp "$tmp/out" "$tmp/fd1.got"
expect_pdf "$tmp/fd1.got"
end

begin "report -o /dev/stdout: the PDF on standard output, nothing else there"
run report rec.xml -o /dev/stdout
expect_rc 0
cp "$tmp/out" "$tmp/devstdout.got"
cmp -s "$tmp/devstdout.got" "$tmp/stdout.pdf" || problem "standard output is not exactly the report"
end

if is_chardev /dev/null; then
    begin "report -o /dev/null: written, the device stays a device"
    run report rec.xml -o /dev/null
    expect_rc 0
    is_chardev /dev/null || problem "/dev/null is no longer a character device"
    end
else
    skip "report -o /dev/null" "/dev/null is not a character device here"
fi

if is_chardev /dev/full; then
    begin "report -o /dev/full: No space left on device, exit 4"
    run report rec.xml -o /dev/full
    expect_rc 4
    expect_err "/dev/full: error: cannot write: No space left on device"
    is_chardev /dev/full || problem "/dev/full is no longer a character device"
    end
else
    skip "report -o /dev/full" "/dev/full is not a character device here"
fi

# ------------------------------------------------ 7. exit codes by kind

mkdir "$tmp/inbad"
cp samples/mvp-support-bot.xml "$tmp/inbad/"
printf '<assessment>\n' >"$tmp/inbad/broken.xml"

begin "batch: an invalid record is exit 3"
run batch -q inbad -o packbad
expect_rc 3
end

begin "batch -o onto a file: exit 4, Not a directory"
: >"$tmp/afile"
run batch -q in -o afile
expect_rc 4
expect_err "afile: error: cannot use as the output directory: Not a directory"
end

begin "batch -o under a missing directory: exit 4"
run batch -q in -o missing/pack
expect_rc 4
expect_err "missing/pack: error: cannot create directory: No such file or directory"
end

begin "batch --manifest on a full device: exit 4"
if is_chardev /dev/full; then
    run batch -q in -o packfull --manifest /dev/full
    expect_rc 4
    expect_err "/dev/full: error: cannot write: No space left on device"
    is_chardev /dev/full || problem "/dev/full is no longer a character device"
fi
end

begin "batch --manifest in a missing directory: exit 4"
run batch -q in -o packnd --manifest nodir/m.csv
expect_rc 4
expect_err "nodir/m.csv: error: cannot create a temporary file beside it: No such file or directory"
end

# A full and a read-only file system need a tmpfs mount (root, and a
# kernel that lets this process mount).
mkdir "$tmp/mnt"
if mount -t tmpfs -o size=64k tmpfs "$tmp/mnt" 2>/dev/null; then
    begin "batch into a full file system: exit 4, No space left on device"
    run batch -q in -o mnt/pack
    expect_rc 4
    expect_line_count=$(grep -c ': cannot write: No space left on device$' "$tmp/err")
    [ "$expect_line_count" -eq 2 ] || problem "expected 2 'No space left on device' lines:" "$(excerpt "$tmp/err")"
    no_debris "$tmp/mnt"
    end

    begin "batch into a full file system with an invalid record too: exit 4 wins"
    rm -rf "$tmp/mnt/pack"
    run batch -q inbad -o mnt/pack
    expect_rc 4
    grep -q '^inbad/broken.xml:' "$tmp/err" || problem "the invalid record is not reported:" "$(excerpt "$tmp/err")"
    end
    umount "$tmp/mnt"
    mount -t tmpfs -o ro tmpfs "$tmp/mnt"
    begin "batch into a read-only directory: exit 4, Read-only file system"
    run batch -q in -o mnt
    expect_rc 4
    n=$(grep -c ': cannot create a temporary file beside it: Read-only file system$' "$tmp/err")
    [ "$n" -eq 2 ] || problem "expected 2 'Read-only file system' lines:" "$(excerpt "$tmp/err")"
    end
    umount "$tmp/mnt"
else
    skip "batch into a full file system" "cannot mount a tmpfs here (not root?)"
    skip "batch into a full file system with an invalid record" "cannot mount a tmpfs here"
    skip "batch into a read-only directory" "cannot mount a tmpfs here (root ignores permissions)"
fi

# ------------------------------------------------ 8. the small ones

# run_epoch VALUE ARG...: readyaudit with SOURCE_DATE_EPOCH=VALUE.
run_epoch() {
    v=$1
    shift
    (cd "$tmp" && SOURCE_DATE_EPOCH=$v "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

DIGITS="must be a whole number of seconds since 1970-01-01 00:00:00 UTC (digits only)"
for v in abc 12x -1 1.5 " 7"; do
    begin "SOURCE_DATE_EPOCH='$v': report refuses it, nothing written"
    run_epoch "$v" report rec.xml -o epoch.pdf
    expect_rc 2
    expect_err "readyaudit report: SOURCE_DATE_EPOCH '$v' $DIGITS"
    expect_absent_file "$tmp/epoch.pdf"
    end
done

begin "SOURCE_DATE_EPOCH garbage: init refuses it (it wrote 1970)"
run_epoch garbage init --profile startup
expect_rc 2
expect_err "readyaudit init: SOURCE_DATE_EPOCH 'garbage' $DIGITS"
[ -s "$tmp/out" ] && problem "init wrote a record"
end

begin "SOURCE_DATE_EPOCH garbage: batch refuses it before anything is written"
run_epoch 12x batch in -o packepoch
expect_rc 2
expect_err "readyaudit batch: SOURCE_DATE_EPOCH '12x' $DIGITS"
expect_absent_file "$tmp/packepoch"
end

LATE="is after the year 9999 (the largest value is 253402300799)"
begin "SOURCE_DATE_EPOCH beyond 9999: report refuses it with a message (it exited 4 silently)"
run_epoch 253402300800 report rec.xml -o epoch.pdf
expect_rc 2
expect_err "readyaudit report: SOURCE_DATE_EPOCH '253402300800' $LATE"
expect_absent_file "$tmp/epoch.pdf"
end

begin "SOURCE_DATE_EPOCH beyond 9999: init refuses it (it wrote an invalid date)"
run_epoch 99999999999999999999 init --profile startup
expect_rc 2
expect_err "readyaudit init: SOURCE_DATE_EPOCH '99999999999999999999' $LATE"
end

begin "SOURCE_DATE_EPOCH at the end of 9999: init writes 9999-12-31, a valid record"
run_epoch 253402300799 init --profile startup -o late.xml
expect_rc 0
grep -q '<assessed-on>9999-12-31</assessed-on>' "$tmp/late.xml" || problem "no 9999-12-31 date in the record"
run validate late.xml
expect_rc 0
run_epoch 253402300799 report -q rec.xml -o late.pdf
expect_rc 0
expect_pdf "$tmp/late.pdf"
end

begin "SOURCE_DATE_EPOCH garbage does not concern score or validate"
run_epoch garbage score rec.xml
expect_rc 0
run_epoch garbage validate -q rec.xml
expect_rc 0
end

begin "SOURCE_DATE_EPOCH empty is unset"
run_epoch "" report -q rec.xml -o empty-epoch.pdf
expect_rc 0
run report -q rec.xml -o no-epoch.pdf
cmp -s "$tmp/empty-epoch.pdf" "$tmp/no-epoch.pdf" || problem "an empty SOURCE_DATE_EPOCH changed the report"
end

# Spreadsheet formulas in the manifest: cells from records (system,
# organisation) and from paths start with =, +, -, @ or a tab.
mkdir "$tmp/inf"
sed -e 's|<name>Pedalwise Help Assistant</name>|<name>=HYPERLINK("http://evil.example","x")</name>|' \
    -e 's|<organisation>Pedalwise Bike Hire Ltd</organisation>|<organisation>@SUM(A1:A9)</organisation>|' \
    samples/mvp-support-bot.xml >"$tmp/inf/a.xml"
sed -e 's|<name>[^<]*</name>|<name>-2+3</name>|' \
    -e 's|<organisation>[^<]*</organisation>|<organisation>+cmd</organisation>|' \
    samples/startup-sales-copilot.xml >"$tmp/inf/b.xml"
cp samples/enterprise-claims-assistant.xml "$tmp/inf/c.xml"

# csv_cells FILE: the system, organisation and score cells of each row, as
# Python's csv module reads them (repr, one row a line).
csv_cells() {
    "$PY" -c '
import csv, sys
for row in list(csv.DictReader(open(sys.argv[1], newline="")))[:3]:
    print(repr((row["system"], row["organisation"], row["score"] != "" and float(row["score"]) > 0)))
' "$1"
}

FORMULA_ROWS="('\\'=HYPERLINK(\"http://evil.example\",\"x\")', \"'@SUM(A1:A9)\", True)
(\"'-2+3\", \"'+cmd\", True)
('ClaimAssist', 'Halden Mutual Insurance', True)"

begin "manifest CSV: formula cells prefixed with ', numbers untouched"
run batch -q inf -o packf --manifest f.csv
expect_rc 0
got=$(csv_cells "$tmp/f.csv")
[ "$got" = "$FORMULA_ROWS" ] || problem "cells:" "$got" "expected:" "$FORMULA_ROWS"
grep -q '^PDW-HELPBOT-2026-03,' "$tmp/f.csv" || problem "the id cell changed"
end

begin "manifest merge JSON -> CSV: the same escaping"
run batch -q inf -o packf --manifest f.json
run manifest merge -q f.json -o fj.csv
expect_rc 0
got=$(csv_cells "$tmp/fj.csv")
[ "$got" = "$FORMULA_ROWS" ] || problem "cells:" "$got" "expected:" "$FORMULA_ROWS"
grep -q '"system": "=HYPERLINK' "$tmp/f.json" || problem "the JSON manifest must keep the text as it is"
end

begin "manifest merge CSV -> CSV: no second prefix, byte-identical"
run manifest merge -q f.csv -o ff.csv
expect_rc 0
cmp -s "$tmp/f.csv" "$tmp/ff.csv" || problem "merging one CSV manifest changed it:" "$(diff "$tmp/f.csv" "$tmp/ff.csv" | head -n 6)"
end

begin "manifest CSV: an input path that starts with =, @ or a tab is prefixed too"
tab=$(printf '\t')
cp "$tmp/inf/c.xml" "$tmp/=c.xml"
cp "$tmp/inf/c.xml" "$tmp/${tab}c.xml"
run batch -q =c.xml -o packg --manifest g1.csv
run batch -q "${tab}c.xml" -o packg --manifest g2.csv --force
"$PY" -c '
import csv, sys
for f in sys.argv[1:]:
    print(list(csv.DictReader(open(f, newline="")))[0]["input"])' "$tmp/g1.csv" "$tmp/g2.csv" >"$tmp/inputs"
printf '%s\n' "'=c.xml" "'${tab}c.xml" | cmp -s - "$tmp/inputs" || problem "input cells:" "$(cat "$tmp/inputs")"
end

# Inputs that are not regular files: a FIFO with no writer hung the run.
mkfifo "$tmp/fifo.xml"
mkdir "$tmp/infifo"
cp samples/mvp-support-bot.xml "$tmp/infifo/"
ln -s ../fifo.xml "$tmp/infifo/zz.xml"

begin "report on a FIFO record: refused at once, exit 4"
run report fifo.xml -o fifo-rec.pdf
expect_rc 4
expect_err "fifo.xml: error: cannot read: not a regular file (a FIFO)"
expect_absent_file "$tmp/fifo-rec.pdf"
end

begin "validate on a FIFO: refused at once"
run validate fifo.xml
expect_rc 4
expect_err "fifo.xml: error: cannot read: not a regular file (a FIFO)"
end

begin "batch with a FIFO given: that input fails, the others are done, exit 4"
run batch -q fifo.xml infifo/mvp-support-bot.xml -o packfifo
expect_rc 4
expect_err "fifo.xml: cannot read: not a regular file (a FIFO)"
expect_pdf "$tmp/packfifo/PDW-HELPBOT-2026-03.pdf"
end

begin "batch over a directory with a symlink to a FIFO: refused, not waited on"
run batch -q infifo -o packfifo2
expect_rc 4
expect_err "infifo/zz.xml: cannot read: not a regular file (a FIFO)"
end

begin "--checklist a FIFO: refused at once"
run score rec.xml --checklist fifo.xml
expect_rc 4
expect_err "fifo.xml: error: cannot read: not a regular file (a FIFO)"
end

begin "a checklist over the check limit: the error is printed once"
"$PY" - "$tmp/many.xml" <<'PYEOF'
import re, sys
s = open("templates/llmops-readiness.xml").read()
m = re.search(r'(<check [^>]*id="([^"]+)"[^>]*>)(.*?)(</check>)', s, re.S)
chk = m.group(1) + re.sub(r'>([^<]{20,})<', '>x<', m.group(3)) + m.group(4)
copies = "".join(chk.replace('id="%s"' % m.group(2), 'id="X-%05d"' % i) for i in range(20001))
open(sys.argv[1], "w").write(s[:m.end()] + copies + s[m.end():])
PYEOF
run score rec.xml --checklist many.xml
expect_rc 3
line=$(grep -n '<layers' templates/llmops-readiness.xml | head -n 1 | cut -d: -f1)
expect_err "many.xml:$line: error: 20051 checks is more than the limit of 20000"
end

begin "verify on a crafted 5 MiB report: damaged, and fast (it took 15 s when quadratic)"
run report -q rec.xml -o crafted.pdf
size=$(wc -c <"$tmp/crafted.pdf")
"$PY" -c '
import sys
f = open(sys.argv[1], "ab")
f.write(b"9 0 obj\n<<" + b"/Type /EmbeddedFile " * (5 * 1024 * 1024 // 20 + 1))
' "$tmp/crafted.pdf"
run verify crafted.pdf rec.xml
expect_rc 6
grep -q "^DAMAGED: the original revision ($size bytes) is what readyaudit makes from these inputs, but the file ends inside what follows it (5242910 bytes, no end-of-file marker at its end): truncated or damaged (incomplete or damaged: no 'startxref' at the end of the file)\.$" "$tmp/out" ||
    problem "no DAMAGED line:" "$(excerpt "$tmp/out" 12)"
end

# ------------------------------------------------ 5. shards and merges

mkdir -p "$tmp/recs/sub"
cp samples/mvp-support-bot.xml samples/startup-sales-copilot.xml samples/draft-unsigned.xml "$tmp/recs/"
cp samples/enterprise-claims-assistant.xml samples/rejected-signoff.xml samples/regulated-credit-advisor.xml "$tmp/recs/sub/"

# ids CSV...: the id column of manifests, sorted.
ids() {
    "$PY" -c '
import csv, sys
ids = []
for f in sys.argv[1:]:
    ids += [r["id"] for r in csv.DictReader(open(f, newline=""))]
print(" ".join(sorted(ids)))' "$@"
}
ALL_IDS=$(grep -ho ' id="[^"]*"' samples/mvp-support-bot.xml samples/startup-sales-copilot.xml samples/draft-unsigned.xml samples/enterprise-claims-assistant.xml samples/rejected-signoff.xml samples/regulated-credit-advisor.xml |
    sed -n 's/ id="\(.*\)"/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')

for spelling in "recs/ recs" "./recs recs/" "recs $tmp/recs"; do
    set -- $spelling
    begin "shards: --shard 1/2 over '$1' and 2/2 over '$2' cover every record once"
    rm -rf "$tmp/sh" "$tmp/sh1.csv" "$tmp/sh2.csv"
    run batch -q "$1" --shard 1/2 -o sh --manifest sh1.csv
    run batch -q "$2" --shard 2/2 -o sh --manifest sh2.csv
    got=$(ids "$tmp/sh1.csv" "$tmp/sh2.csv")
    [ "$got" = "$ALL_IDS" ] || problem "ids of both shards:" "  $got" "expected:" "  $ALL_IDS"
    run manifest merge -q sh1.csv sh2.csv -o shm.csv
    expect_rc 0
    end
done

begin "shards: 'recs/' and 'recs' give the same input paths"
run batch -q recs/ -o shp1 --manifest shp1.csv
run batch -q recs -o shp2 --manifest shp2.csv
cut -d, -f12 "$tmp/shp1.csv" >"$tmp/shp1.in"
cut -d, -f12 "$tmp/shp2.csv" >"$tmp/shp2.in"
cmp -s "$tmp/shp1.in" "$tmp/shp2.in" || problem "input columns differ:" "$(diff "$tmp/shp1.in" "$tmp/shp2.in" | head -n 4)"
grep -q '//' "$tmp/shp1.in" && problem "a doubled slash in an input path"
end

begin "manifest merge: one record in two manifests is refused with FILE:LINE"
cp "$tmp/shp1.csv" "$tmp/dup.csv"
run manifest merge shp1.csv dup.csv -o dupm.csv
expect_rc 3
first=$(sed -n 2p "$tmp/shp1.csv" | cut -d, -f1)
n=$(wc -l <"$tmp/err")
[ "$n" -eq 6 ] || problem "expected 6 error lines, got $n:" "$(excerpt "$tmp/err" 8)"
grep -qxF "dup.csv:2: error: record id '$first' is also in the row at shp1.csv:2; a record may appear once" "$tmp/err" ||
    problem "no FILE:LINE error for the duplicate '$first':" "$(excerpt "$tmp/err" 8)"
expect_absent_file "$tmp/dupm.csv"
end

begin "manifest merge: a JSON row that is not an object is refused with FILE:LINE"
printf '[\n  1\n]\n' >"$tmp/notobj.json"
run manifest merge notobj.json -o nm.csv
expect_rc 3
expect_err "notobj.json:2: error: row 1 is not an object"
expect_absent_file "$tmp/nm.csv"
end

begin "manifest merge: a JSON row missing a column, or with a nested value, is refused"
run batch -q recs -o shj --manifest shj.json
"$PY" -c '
import json, sys
rows = json.load(open(sys.argv[1]))
del rows[1]["system"]
json.dump(rows, open(sys.argv[2], "w"), indent=2)
rows = json.load(open(sys.argv[1]))
rows[2]["score"] = {"x": 1}
json.dump(rows, open(sys.argv[3], "w"), indent=2)
' "$tmp/shj.json" "$tmp/missing.json" "$tmp/nested.json"
line=$(grep -n '^  {' "$tmp/missing.json" | sed -n 2p | cut -d: -f1)
run manifest merge missing.json -o mm.csv
expect_rc 3
expect_err "missing.json:$line: error: row 2 has no column 'system'"
line=$(grep -n '^  {' "$tmp/nested.json" | sed -n 3p | cut -d: -f1)
run manifest merge nested.json -o mm.csv
expect_rc 3
expect_err "nested.json:$line: error: row 3: column 'score' is not a string, a number or null"
expect_absent_file "$tmp/mm.csv"
end

begin "manifest merge: a malformed CSV row after a multi-line cell is named by its own line"
"$PY" -c '
import sys
lines = open(sys.argv[1], newline="").read().split("\r\n")
lines[1] = lines[1].replace(",done,", ",done,", 1)
cells = lines[1].split(",")
cells[16] = "\"two\nlines\""
lines[1] = ",".join(cells)
lines.insert(2, "too,few")
open(sys.argv[2], "w", newline="").write("\r\n".join(lines))
' "$tmp/shp1.csv" "$tmp/bad.csv"
run manifest merge bad.csv -o bm.csv
expect_rc 3
expect_err "bad.csv:4: error: row has 2 fields, expected 26"
end

# Pack versions: each row names the readyaudit that made it (tool); merge
# joins rows of one version only.
# csv_cut IN OUT empty|old: IN with the second row's tool emptied, or with
# only the columns before tool (a manifest from before rows named their maker).
csv_cut() {
    "$PY" -c '
import csv, io, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
if sys.argv[3] == "empty":
    rows[2][17] = ""
else:
    rows = [r[:17] for r in rows]
out = io.StringIO(newline="")
csv.writer(out, lineterminator="\r\n").writerows(rows)
open(sys.argv[2], "w", newline="").write(out.getvalue())
' "$1" "$2" "$3"
}
tool=$("$RA" --version)
begin "manifest rows name their maker: the tool column in CSV, the key in JSON"
[ "$(head -n 1 "$tmp/shp1.csv" | tr -d '\r' | awk -F, '{ print $18 }')" = tool ] ||
    problem "the CSV header's 18th column (after error) is not tool:" "$(head -n 1 "$tmp/shp1.csv")"
n=$("$PY" -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
print(sum(1 for r in rows if r[17] == sys.argv[2]) if all(len(r) == len(rows[0]) for r in rows) else -1)
' "$tmp/shp1.csv" "$tool")
[ "$n" -eq "$(tail -n +2 "$tmp/shp1.csv" | grep -c .)" ] || problem "not every CSV row has tool '$tool'"
n=$(grep -c "^    \"tool\": \"$tool\"" "$tmp/shj.json")
[ "$n" -eq "$(grep -c '^  {' "$tmp/shj.json")" ] || problem "not every JSON row has tool '$tool'"
end

begin "manifest merge: manifests of two versions are refused with FILE:LINE"
"$PY" -c '
import sys
lines = open(sys.argv[1], newline="").read().split("\r\n")
open(sys.argv[2], "w", newline="").write("\r\n".join(lines[:2] + [""]))
import csv, io
rows = list(csv.reader(io.StringIO("\r\n".join([lines[0]] + lines[2:]), newline="")))
for r in rows[1:]:
    r[17] = "readyaudit 0.0.9"
out = io.StringIO(newline="")
csv.writer(out, lineterminator="\r\n").writerows(rows)
open(sys.argv[3], "w", newline="").write(out.getvalue())
' "$tmp/shp1.csv" "$tmp/v1.csv" "$tmp/v0.csv"
run manifest merge v1.csv v0.csv -o vm.csv
expect_rc 3
expect_err "v0.csv:2: error: the row was made by 'readyaudit 0.0.9', the row at v1.csv:2 by '$tool'; manifests of different readyaudit versions are not merged"
expect_absent_file "$tmp/vm.csv"
end

begin "manifest merge: a JSON row without a tool, or with an empty one in CSV, is refused"
"$PY" -c '
import json, sys
rows = json.load(open(sys.argv[1]))
del rows[1]["tool"]
json.dump(rows, open(sys.argv[2], "w"), indent=2)
' "$tmp/shj.json" "$tmp/notool.json"
line=$(grep -n '^  {' "$tmp/notool.json" | sed -n 2p | cut -d: -f1)
run manifest merge notool.json -o vm.csv
expect_rc 3
expect_err "notool.json:$line: error: the row does not say which readyaudit made it (no 'tool')"
csv_cut "$tmp/shp1.csv" "$tmp/emptytool.csv" empty
run manifest merge emptytool.csv -o vm.csv
expect_rc 3
expect_err "emptytool.csv:3: error: the row does not say which readyaudit made it (no 'tool')"
expect_absent_file "$tmp/vm.csv"
end

begin "manifest merge: a manifest of the columns before tool is refused, line 1"
csv_cut "$tmp/shp1.csv" "$tmp/old.csv" old
run manifest merge old.csv shp1.csv -o vm.csv
expect_rc 3
expect_err "old.csv:1: error: no 'tool' column: the manifest does not say which readyaudit made its rows"
expect_absent_file "$tmp/vm.csv"
end

# ------------------------------------------------ 6. out of memory

# A preloaded allocator that fails every allocation of FAIL_ALLOC_AT bytes
# or more: a record of 3 MB then cannot be read into memory, and an
# attached one cannot be inflated, while everything else runs as usual.
cat >"$tmp/failbig.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static size_t at(void)
{
    const char *s = getenv("FAIL_ALLOC_AT");
    return s ? (size_t)strtoull(s, NULL, 10) : (size_t)-1;
}
void *malloc(size_t n)
{
    if (n >= at()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(n);
}
void *calloc(size_t k, size_t n)
{
    if (n && k >= at() / n) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(k, n);
}
void *realloc(void *p, size_t n)
{
    if (n >= at()) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(p, n);
}
CEOF
if grep -q __asan_init "$RA" 2>/dev/null; then
    skip "out of memory cases" "a sanitizer build keeps its own allocator (no preloaded one)"
elif command -v cc >/dev/null 2>&1 && cc -shared -fPIC -O1 -o "$tmp/failbig.so" "$tmp/failbig.c" 2>/dev/null; then
    "$PY" -c '
import sys
s = open("samples/mvp-support-bot.xml").read()
open(sys.argv[1], "w").write(s.replace("<assessed-on>", "<!-- " + "x" * 3000000 + " -->\n  <assessed-on>", 1))
' "$tmp/big.xml"
    mkdir "$tmp/inbig"
    cp "$tmp/big.xml" "$tmp/inbig/"
    run report -q big.xml --attach-source -o big.pdf

    # run_oom ARG...: readyaudit with big allocations failing.
    run_oom() {
        (cd "$tmp" && FAIL_ALLOC_AT=2000000 LD_PRELOAD="$tmp/failbig.so" "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
        rc=$?
    }

    begin "out of memory reading a record: exit 4 'out of memory' (it said nothing)"
    run_oom report big.xml -o oom.pdf
    expect_rc 4
    expect_err "readyaudit report: out of memory"
    expect_absent_file "$tmp/oom.pdf"
    end

    begin "out of memory in validate and score: exit 4 'out of memory'"
    run_oom validate big.xml
    expect_rc 4
    expect_err "readyaudit validate: out of memory"
    run_oom score big.xml
    expect_rc 4
    expect_err "readyaudit score: out of memory"
    end

    begin "out of memory inflating an attached record: exit 4, not a false MISMATCH"
    run_oom verify big.pdf big.xml
    expect_rc 4
    expect_err "readyaudit verify: out of memory"
    grep -q MISMATCH "$tmp/out" && problem "verify said MISMATCH"
    end

    begin "out of memory in a batch worker: that record fails with 'out of memory', exit 4"
    run_oom batch -q inbig -o packoom --manifest packoom.csv
    expect_rc 4
    expect_err "inbig/big.xml: out of memory"
    grep -q ',failed,out of memory' "$tmp/packoom.csv" || problem "the manifest row does not say out of memory:" "$(excerpt "$tmp/packoom.csv")"
    end
else
    skip "out of memory cases" "no C compiler to build the failing allocator"
fi

# ------------------------------------------------ 4. one batch per OUTDIR

if command -v flock >/dev/null 2>&1; then
    begin "batch into a directory another batch holds: fails at once, exit 4, nothing written"
    mkdir "$tmp/locked"
    rm -f "$tmp/held"
    (flock "$tmp/locked" sh -c "touch '$tmp/held'; while [ -e '$tmp/held' ]; do sleep 0.1; done") &
    holder=$!
    while [ ! -e "$tmp/held" ]; do sleep 0.05; done
    run batch -q in -o locked --manifest locked/m.csv
    expect_rc 4
    expect_err "locked: error: another batch is writing into this directory; run again when it has finished"
    [ -n "$(ls -A "$tmp/locked")" ] && problem "files were written:" "$(ls -A "$tmp/locked")"
    rm -f "$tmp/held"
    wait "$holder"
    run batch -q in -o locked --manifest locked/m.csv
    expect_rc 0
    expect_pdf "$tmp/locked/PDW-HELPBOT-2026-03.pdf"
    end
else
    skip "batch into a locked directory" "no flock(1) here"
fi

# ------------------------------------------------ 3. signals and debris

begin "ulimit -f: 'File too large', exit 4, not killed by SIGXFSZ; nothing left"
echo old >"$tmp/fsz.pdf"
(cd "$tmp" && sh -c "ulimit -f 8; exec '$RA' report rec.xml -o fsz.pdf") >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 4
expect_err "fsz.pdf: error: cannot write: File too large"
[ "$(cat "$tmp/fsz.pdf")" = old ] || problem "the previous fsz.pdf was changed"
no_debris "$tmp"
end

begin "batch under ulimit -f: each record fails with 'File too large', exit 4"
(cd "$tmp" && sh -c "ulimit -f 8; exec '$RA' batch -q in -o packfsz") >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 4
n=$(grep -c ': cannot write: File too large$' "$tmp/err")
[ "$n" -eq 2 ] || problem "expected 2 'File too large' lines:" "$(excerpt "$tmp/err")"
no_debris "$tmp/packfsz"
end

# A preloaded write that stalls the first write into a temporary file
# (after touching $SLOW_MARK.PID), so that a signal arrives while the
# temporary file exists.
cat >"$tmp/slow.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static int tmpfd = -1;
int mkstemp(char *t)
{
    int (*real)(char *) = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
    return tmpfd = real(t);
}
ssize_t write(int fd, const void *b, size_t n)
{
    ssize_t (*real)(int, const void *, size_t) =
        (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    const char *mark = getenv("SLOW_MARK");
    if (fd == tmpfd && mark) {
        char path[4096];
        tmpfd = -1;
        snprintf(path, sizeof path, "%s.%ld", mark, (long)getpid());
        close(open(path, O_WRONLY | O_CREAT, 0644));
        sleep(30);
    }
    return real(fd, b, n);
}
CEOF

# marks N: waits until N processes stalled with their temporary file.
marks() {
    i=0
    while [ "$(ls "$tmp"/mark.* 2>/dev/null | wc -l)" -lt "$1" ] && [ $i -lt 400 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

if grep -q __asan_init "$RA" 2>/dev/null; then
    skip "signal cases" "a sanitizer build (preloading is refused)"
elif command -v cc >/dev/null 2>&1 && cc -shared -fPIC -O1 -o "$tmp/slow.so" "$tmp/slow.c" -ldl 2>/dev/null; then
    for sig in TERM INT HUP; do
        case $sig in TERM) code=143 ;; INT) code=130 ;; HUP) code=129 ;; esac
        begin "SIG$sig while report writes: its temporary file removed, exit $code, the old file intact"
        rm -f "$tmp"/mark.*
        echo old >"$tmp/sig.pdf"
        # A background job of sh starts with SIGINT ignored, which readyaudit
        # keeps (as under nohup): start it with the default action.
        (cd "$tmp" && SLOW_MARK="$tmp/mark" LD_PRELOAD="$tmp/slow.so" exec "$PY" -c '
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$RA" report rec.xml -o sig.pdf) 2>"$tmp/err" &
        pid=$!
        marks 1
        [ -n "$(ls -A "$tmp" | grep '^\.sig\.pdf\.')" ] || problem "no temporary file while writing"
        kill -"$sig" "$pid"
        wait "$pid"
        rc=$?
        expect_rc "$code"
        [ "$(cat "$tmp/sig.pdf")" = old ] || problem "sig.pdf was changed"
        no_debris "$tmp"
        end
    done

    begin "SIGTERM to a batch: passed to its workers, every temporary file removed, exit 143, no manifest"
    rm -f "$tmp"/mark.*
    (cd "$tmp" && SLOW_MARK="$tmp/mark" LD_PRELOAD="$tmp/slow.so" exec "$RA" batch -q -j2 in -o packsig --manifest packsig/m.csv) 2>"$tmp/err" &
    pid=$!
    marks 2
    n=$(ls -A "$tmp/packsig" | grep -c '^\..*\.pdf\.[0-9]*\.......$')
    [ "$n" -eq 2 ] || problem "expected 2 temporary files while the workers write, got $n"
    kill -TERM "$pid"
    wait "$pid"
    rc=$?
    expect_rc 143
    [ -n "$(ls -A "$tmp/packsig")" ] && problem "files left in the pack:" "$(ls -A "$tmp/packsig")"
    pgrep -f "$tmp/readyaudit batch" >/dev/null && problem "workers still running"
    end

    begin "kill -9 while writing leaves a temporary file; the next batch removes it, not a live one's"
    rm -f "$tmp"/mark.*
    mkdir "$tmp/packkill"
    (cd "$tmp" && SLOW_MARK="$tmp/mark" LD_PRELOAD="$tmp/slow.so" exec "$RA" report rec.xml -o packkill/PDW-HELPBOT-2026-03.pdf) 2>"$tmp/err" &
    pid=$!
    marks 1
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    n=$(ls -A "$tmp/packkill" | grep -c "^\.PDW-HELPBOT-2026-03\.pdf\.$pid\.......\$")
    [ "$n" -eq 1 ] || problem "expected the killed writer's temporary file, got:" "$(ls -A "$tmp/packkill")"
    : >"$tmp/packkill/.keep.pdf.$$.AbCdEf" # a live writer's (this shell's pid)
    run batch -q in -o packkill
    expect_rc 0
    left=$(ls -A "$tmp/packkill" | grep '^\.')
    [ "$left" = ".keep.pdf.$$.AbCdEf" ] || problem "hidden files after the batch (only the live one may stay):" "$left"
    expect_pdf "$tmp/packkill/PDW-HELPBOT-2026-03.pdf"
    end

    # A signal that comes while a temporary file is being created is
    # delivered as mkstemp returns: it left the file behind when it came
    # before the file was tracked (found by the random signals below).
    # The shim sends it at exactly that moment.
    cat >"$tmp/sigat.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
int mkstemp(char *t)
{
    int (*real)(char *) = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
    int fd = real(t);
    if (getenv("SIG_AT_MKSTEMP"))
        kill(getpid(), SIGTERM);
    return fd;
}
pid_t fork(void)
{
    pid_t (*real)(void) = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");
    pid_t pid = real();
    if (pid == 0 && getenv("SIG_AT_FORK"))
        kill(getpid(), SIGTERM);
    return pid;
}
CEOF
    if cc -shared -fPIC -O1 -o "$tmp/sigat.so" "$tmp/sigat.c" -ldl 2>/dev/null; then
        begin "SIGTERM as the temporary file is created: it is removed too, exit 143"
        mkdir "$tmp/packat"
        (cd "$tmp" && SIG_AT_MKSTEMP=1 LD_PRELOAD="$tmp/sigat.so" exec "$RA" report rec.xml -o packat/r.pdf) >"$tmp/out" 2>"$tmp/err"
        rc=$?
        expect_rc 143
        left=$(ls -A "$tmp/packat")
        [ -n "$left" ] && problem "files left:" "$left"
        end

        begin "SIGTERM to a worker as it is forked: the worker ends (it went on with its record)"
        (cd "$tmp" && SIG_AT_FORK=1 LD_PRELOAD="$tmp/sigat.so" exec "$RA" batch -q -j1 in -o packat --manifest packat/m.csv) >"$tmp/out" 2>"$tmp/err"
        rc=$?
        expect_rc 4
        n=$(grep -c ': worker killed by signal 15$' "$tmp/err")
        [ "$n" -eq 2 ] || problem "expected 2 'worker killed by signal 15' lines:" "$(excerpt "$tmp/err")"
        [ -n "$(find "$tmp/packat" -name '*.pdf')" ] && problem "reports written:" "$(ls -A "$tmp/packat")"
        [ -n "$(find "$tmp/packat" -name '.*')" ] && problem "files left:" "$(ls -A "$tmp/packat")"
        end
    else
        skip "signal at mkstemp and fork" "the shim does not build"
    fi
else
    skip "signal cases" "no C compiler to build the stalling write"
fi

# ------------------------------------------- 3. signals at random moments

# A -j2 batch with a manifest over SIGN_RECORDS generated records is sent
# SIGTERM, SIGINT or SIGHUP at a seeded random moment (SIG_SEED, printed
# when a round fails), SIGN_ROUNDS times, each round with --force so that
# every round rewrites reports. After each: the conventional status (or 0
# when it finished first), no temporary file left, every report complete
# (verify reads it back). Then kill -9 of the whole process group, and a
# plain re-run that sweeps what that left and completes the pack, with a
# manifest whose digests are the files on disk.
SIGN_RECORDS=30
SIGN_ROUNDS=15
SIG_SEED=${SIG_SEED:-14}
mkdir "$tmp/sigrecs"
make_records "$tmp/sigrecs" "$SIGN_RECORDS" S

# sig_start ARG...: readyaudit ARG... in $tmp in the background, as the
# leader of its own process group and with SIGINT at its default action
# (a background job of sh starts with it ignored); its pid in $pid.
sig_start() {
    (cd "$tmp" && exec "$PY" -c '
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$RA" "$@") >"$tmp/out" 2>"$tmp/err" &
    pid=$!
}

# sig_reports_complete DIR: readyaudit verify regenerates every report in
# DIR not checked before (by name and inode: a rewritten report is new)
# from its record in sigrecs/ and finds it byte for byte complete.
: >"$tmp/sigchecked"
sig_reports_complete() {
    for f in "$1"/*.pdf; do
        [ -e "$f" ] || continue
        key="$(basename "$f") $(stat -c %i "$f")"
        grep -qxF "$key" "$tmp/sigchecked" && continue
        rec=$(grep -l "id=\"$(basename "$f" .pdf)\"" "$tmp/sigrecs"/*.xml | head -n 1)
        "$RA" verify "$f" "$rec" >/dev/null 2>"$tmp/verr" || problem "$(basename "$f") is not a complete report:" "$(excerpt "$tmp/verr" 2)"
        echo "$key" >>"$tmp/sigchecked"
    done
}

# sig_temps DIR: the temporary files (.NAME.PID.XXXXXX) in DIR.
sig_temps() {
    find "$1" -name '.*.[0-9]*.??????' 2>/dev/null | sort
}

r=1
finished=0
while [ "$r" -le "$SIGN_ROUNDS" ]; do
    case $((r % 3)) in 1) sig=TERM code=143 ;; 2) sig=INT code=130 ;; 0) sig=HUP code=129 ;; esac
    delay=$(awk -v s="$SIG_SEED" -v r="$r" 'BEGIN { srand(s * 1000 + r); printf "%.3f", 0.02 + rand() * 0.45 }')
    begin "SIG$sig to a -j2 batch after ${delay}s (round $r of $SIGN_ROUNDS, SIG_SEED=$SIG_SEED): exit $code or 0, no debris, every report complete"
    sig_start batch -q -j2 --force sigrecs -o sigpack --manifest sigpack/m.csv
    sleep "$delay"
    kill -"$sig" "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
    rc=$?
    if [ "$rc" -eq 0 ]; then
        finished=$((finished + 1))
    elif [ "$rc" -ne "$code" ]; then
        problem "exit $rc, expected $code (or 0 when it finished first):" "$(excerpt "$tmp/err")"
    fi
    # The workers are gone with the batch: nothing of its group runs on.
    # A worker or spawner that ends after the batch is reparented and
    # reaped by init, which on a loaded machine takes a moment: the group
    # has 10 s to empty, zombies included.
    i=0
    while [ $i -lt 200 ] && ps -eo pgid= | awk -v p="$pid" '$1 == p' | grep -q .; do
        sleep 0.05
        i=$((i + 1))
    done
    [ $i -lt 200 ] || problem "processes of the batch still there 10 s after it ended:" \
        "$(ps -eo pid=,ppid=,pgid=,stat=,etimes=,args= | awk -v p="$pid" '$3 == p')"
    left=$(sig_temps "$tmp/sigpack")
    [ -n "$left" ] && problem "temporary files left (the batch was pid $pid, exit $rc):" "$left"
    sig_reports_complete "$tmp/sigpack"
    end
    r=$((r + 1))
done
[ "${V:-0}" = 1 ] && echo "safety: note: $finished of $SIGN_ROUNDS signalled batches finished first"

# sig_rerun_complete: a plain re-run accounts for every record, exit 0,
# and its manifest's digests are the reports on disk.
sig_rerun_complete() {
    run batch -q -j2 sigrecs -o sigpack --manifest sigpack/m.csv
    expect_rc 0
    left=$(sig_temps "$tmp/sigpack")
    [ -n "$left" ] && problem "temporary files left after the re-run:" "$left"
    res=$(cd "$tmp" && "$PY" - sigpack/m.csv "$SIGN_RECORDS" <<'EOF'
import csv, hashlib, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
if len(rows) != int(sys.argv[2]):
    print("%d manifest rows, expected %s" % (len(rows), sys.argv[2]))
for r in rows:
    if r["status"] not in ("done", "skipped"):
        print("%s: status %s (%s)" % (r["input"], r["status"], r["error"]))
        continue
    got = hashlib.sha256(open(r["output"], "rb").read()).hexdigest()
    if got != r["output_sha256"]:
        print("%s: manifest says %s, the file is %s" % (r["output"], r["output_sha256"], got))
EOF
)
    [ -n "$res" ] && problem "$res"
    n=$(find "$tmp/sigpack" -name '*.pdf' ! -name '.*' | grep -c .)
    [ "$n" -eq "$SIGN_RECORDS" ] || problem "$n reports in the pack, expected $SIGN_RECORDS"
    sig_reports_complete "$tmp/sigpack"
}

begin "after the signalled rounds a plain re-run completes the pack; the manifest's digests are the files"
sig_rerun_complete
end

# kill -9 rarely finds a temporary file at a random moment (a worker's
# lives a few milliseconds): with the stalling write, when it builds, the
# group is killed while both workers hold one.
begin "kill -9 of a batch's process group, then a re-run: what it left is swept, the pack complete"
rm -f "$tmp"/mark.*
if [ -f "$tmp/slow.so" ]; then
    SLOW_MARK="$tmp/mark" LD_PRELOAD="$tmp/slow.so" sig_start batch -q -j2 --force sigrecs -o sigpack --manifest sigpack/m.csv
    marks 2
else
    sig_start batch -q -j2 --force sigrecs -o sigpack --manifest sigpack/m.csv
    sleep "$(awk -v s="$SIG_SEED" 'BEGIN { srand(s); printf "%.3f", 0.1 + rand() * 0.3 }')"
fi
kill -s KILL -- "-$pid" 2>/dev/null || problem "the batch (pid $pid) is not the leader of a process group"
wait "$pid" 2>/dev/null
i=0
while [ $i -lt 50 ] && [ -n "$(ps -eo pgid=,stat= | awk -v p="$pid" '$1 == p && $2 !~ /^Z/')" ]; do
    sleep 0.05
    i=$((i + 1))
done
# What it may leave: a temporary file per worker (renamed or unlinked by
# nobody), never more.
n=$(sig_temps "$tmp/sigpack" | grep -c .)
[ "$n" -le 2 ] || problem "$n temporary files after kill -9, more than one per worker (2):" "$(sig_temps "$tmp/sigpack")"
[ -f "$tmp/slow.so" ] && [ "$n" -ne 2 ] && problem "$n temporary files after kill -9 of two stalled workers, expected 2:" "$(ls -A "$tmp/sigpack" | grep '^\.')"
[ "${V:-0}" = 1 ] && echo "safety: note: kill -9 left $n temporary files"
sig_reports_complete "$tmp/sigpack"
sig_rerun_complete
end

# The writer of a temporary file killed with its batch is a zombie until
# init reaps it, which some inits never do: kill(pid, 0) still found it, and
# its file was never swept (found by the kill -9 round above on a VM). A
# writer that ended and is not reaped, held by a parent that stays.
begin "a temporary file whose writer is a zombie (not reaped) is swept by the next batch"
mkdir "$tmp/zpack"
"$PY" -c '
import os, sys, time
pid = os.fork()
if pid == 0:
    open("%s/.Z.pdf.%d.AbCdEf" % (sys.argv[1], os.getpid()), "w").close()
    os._exit(0)
print(pid, flush=True)
time.sleep(30)
' "$tmp/zpack" >"$tmp/zpid" &
zparent=$!
i=0
while [ $i -lt 100 ] && ! ps -o stat= -p "$(cat "$tmp/zpid" 2>/dev/null)" 2>/dev/null | grep -q '^Z'; do
    sleep 0.05
    i=$((i + 1))
done
zpid=$(cat "$tmp/zpid")
ps -o stat= -p "$zpid" | grep -q '^Z' || problem "the writer $zpid did not become a zombie"
run batch -q in -o zpack
expect_rc 0
left=$(ls -A "$tmp/zpack" | grep '^\.')
[ -n "$left" ] && problem "the zombie's temporary file was not swept:" "$left"
kill "$zparent" 2>/dev/null
wait "$zparent" 2>/dev/null
end

# ------------------------------------------------ 9. every I/O failure point

# A preloaded shim that makes the Nth write (to a file or pipe, not to
# standard streams), fsync or rename of each process fail (FAULT_AT=N;
# write with ENOSPC, the others with EIO). Each run must end cleanly: exit
# 4 with the reason, the outputs of the previous run byte for byte as they
# were (the same inputs give the same bytes), no temporary file left.
cat >"$tmp/fault.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
static long at = -2, count;
static int hit(void)
{
    if (at == -2) {
        const char *s = getenv("FAULT_AT");
        at = s ? atol(s) : -1;
    }
    return ++count == at;
}
ssize_t write(int fd, const void *b, size_t n)
{
    ssize_t (*real)(int, const void *, size_t) =
        (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (fd > 2 && hit()) {
        errno = ENOSPC;
        return -1;
    }
    return real(fd, b, n);
}
int fsync(int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    if (hit()) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}
int rename(const char *a, const char *b)
{
    int (*real)(const char *, const char *) =
        (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    if (hit()) {
        errno = EIO;
        return -1;
    }
    return real(a, b);
}
CEOF

# fault_scan NAME DIR ARG...: runs readyaudit ARG... with FAULT_AT=1, 2, ...
# until a run succeeds, checking DIR (the outputs) after each failed one
# against its state before; sets $points to the number of failure points.
fault_scan() {
    name=$1
    dir=$2
    shift 2
    (cd "$tmp" && find "$dir" -type f | sort | xargs sha256sum) >"$tmp/fault.before"
    points=0
    N=1
    while [ "$N" -le 500 ]; do
        (cd "$tmp" && FAULT_AT=$N LD_PRELOAD="$tmp/fault.so" exec "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 0 ] && break
        points=$((points + 1))
        [ "$rc" -eq 4 ] || problem "$name, failure point $N: exit $rc, expected 4:" "$(excerpt "$tmp/err")"
        grep -q 'No space left on device\|Input/output error\|and no result' "$tmp/err" ||
            problem "$name, failure point $N: no reason given:" "$(excerpt "$tmp/err")"
        (cd "$tmp" && find "$dir" -type f | sort | xargs sha256sum) >"$tmp/fault.after"
        cmp -s "$tmp/fault.before" "$tmp/fault.after" ||
            problem "$name, failure point $N: the previous outputs changed:" "$(diff "$tmp/fault.before" "$tmp/fault.after" | head -n 4)"
        left=$(find "$tmp/$dir" -name '.*.[0-9]*.??????' | head -n 3)
        [ -n "$left" ] && problem "$name, failure point $N: temporary files left:" "$left"
        N=$((N + 1))
    done
    [ "$rc" -eq 0 ] || problem "$name: still failing after 500 failure points"
    return 0
}

if grep -q __asan_init "$RA" 2>/dev/null; then
    skip "failure points" "a sanitizer build (preloading is refused)"
elif command -v cc >/dev/null 2>&1 && cc -shared -fPIC -O1 -o "$tmp/fault.so" "$tmp/fault.c" -ldl 2>/dev/null; then
    begin "report: every write, fsync and rename failure ends cleanly"
    mkdir "$tmp/fr"
    run report -q rec.xml -o fr/r.pdf
    fault_scan report fr report -q rec.xml -o fr/r.pdf
    echo "report: $points failure points" >>"$tmp/fault.points"
    [ "$points" -ge 3 ] || problem "report: only $points failure points (write, fsync and rename at least)"
    end

    begin "batch with manifest and summary: every write, fsync and rename failure ends cleanly"
    # -j2, so each of the two records has a worker of its own, which counts
    # its writes from where the spawner's count stood, as the batch does:
    # the Nth write of every process fails in the same run. (At -j1 one
    # worker runs both records, and its Nth write can fall in the second
    # record alone: that record fails and is said to, which changes the
    # manifest as a failed record should.)
    run batch -q -j2 in -o fb --manifest fb/m.csv --summary fb/s.pdf
    fault_scan batch fb batch -q -j2 --force in -o fb --manifest fb/m.csv --summary fb/s.pdf
    echo "batch: $points failure points" >>"$tmp/fault.points"
    [ "$points" -ge 6 ] || problem "batch: only $points failure points"
    end

    begin "manifest merge: every write, fsync and rename failure ends cleanly"
    mkdir "$tmp/fm"
    run manifest merge -q fb/m.csv -o fm/merged.csv
    fault_scan merge fm manifest merge -q fb/m.csv -o fm/merged.csv
    echo "merge: $points failure points" >>"$tmp/fault.points"
    end
    [ "${V:-0}" = 1 ] && cat "$tmp/fault.points"
else
    skip "failure points" "no C compiler to build the failing shim"
fi

# ------------------------------------------------ 9. every allocation failure point

# A preloaded allocator that makes the Nth allocation of each process fail
# (OOM_AT=N), counting only from the end of start-up: readyaudit calls
# ra_test_started(), which this shim defines, once the schemas, fonts and
# checklist are loaded (base/env.h); under a failing allocator libxml2
# 2.9.14 corrupts its own heap while parsing a schema. A failure touches
# $OOM_MARK.PID; a crash writes its stack to $OOM_MARK.crash.PID.
cat >"$tmp/oom.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static long at = -1, count;
static int armed;
static char crash[4096];
static void on_crash(int sig)
{
    void *frames[64];
    int fd = open(crash, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    backtrace_symbols_fd(frames, backtrace(frames, 64), fd);
    signal(sig, SIG_DFL);
    raise(sig);
}
void ra_test_started(void)
{
    const char *s = getenv("OOM_AT"), *mark = getenv("OOM_MARK");
    at = s ? atol(s) : -1;
    if (mark) {
        void *frames[1];
        backtrace(frames, 1); /* loads libgcc before any allocation fails */
        snprintf(crash, sizeof crash, "%s.crash.%ld", mark, (long)getpid());
        signal(SIGSEGV, on_crash);
        signal(SIGABRT, on_crash);
        signal(SIGBUS, on_crash);
    }
    armed = 1;
}
static int hit(void)
{
    if (!armed || ++count != at)
        return 0;
    char path[4096];
    snprintf(path, sizeof path, "%s.%ld", getenv("OOM_MARK"), (long)getpid());
    armed = 0;
    close(open(path, O_WRONLY | O_CREAT, 0644));
    armed = 1;
    errno = ENOMEM;
    return 1;
}
void *malloc(size_t n) { return hit() ? NULL : __libc_malloc(n); }
void *calloc(size_t k, size_t n) { return hit() ? NULL : __libc_calloc(k, n); }
void *realloc(void *p, size_t n) { return hit() ? NULL : __libc_realloc(p, n); }
CEOF

# oom_scan NAME DIR ARG...: runs readyaudit ARG... with OOM_AT=N for N = 1 +
# (OOM_SEED mod STEP), then every STEP-th allocation (OOM_STEP, else
# $oom_step; OOM_STEP=1 takes every point) until no allocation fails,
# checking after each run: no crash, exit 4 with "out of memory" ($oom_lines
# "one": exactly one line saying it; "each": every line of stderr says it),
# or success with the outputs unchanged; the files of DIR named $oom_keep as
# they were; no temporary file. DIR is put back after a run that changed it.
# Sets $points and $absorbed.
oom_scan() {
    name=$1
    dir=$2
    shift 2
    step=${OOM_STEP:-$oom_step}
    (cd "$tmp" && find "$dir" -type f | sort | xargs sha256sum) >"$tmp/oom.before"
    (cd "$tmp" && find "$dir" -type f -name "$oom_keep" | sort | xargs sha256sum) >"$tmp/oom.keep"
    rm -rf "$tmp/oom.saved" && cp -a "$tmp/$dir" "$tmp/oom.saved"
    points=0 absorbed=0
    N=$((1 + ${OOM_SEED:-0} % step))
    while [ "$N" -le 100000 ]; do
        rm -f "$tmp"/oommark.*
        (cd "$tmp" && OOM_MARK="$tmp/oommark" OOM_AT=$N LD_PRELOAD="$tmp/oom.so" exec "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
        rc=$?
        ls "$tmp"/oommark.* >/dev/null 2>&1 || break
        points=$((points + 1))
        (cd "$tmp" && find "$dir" -type f | sort | xargs sha256sum) >"$tmp/oom.after"
        if [ "$rc" -ge 128 ]; then
            problem "$name, allocation $N: crashed (exit $rc):" "$(cat "$tmp"/oommark.crash.* 2>/dev/null | head -n 8)"
        elif [ "$rc" -eq 0 ]; then
            cmp -s "$tmp/oom.before" "$tmp/oom.after" || absorbed=$((absorbed + 1))
        else
            [ "$rc" -eq 4 ] || problem "$name, allocation $N: exit $rc, expected 4:" "$(excerpt "$tmp/err")"
            said=$(grep -c 'out of memory' "$tmp/err")
            if [ "$oom_lines" = each ]; then
                [ "$said" -ge 1 ] && [ "$said" -eq "$(wc -l <"$tmp/err")" ]
            else
                [ "$said" -eq 1 ]
            fi || problem "$name, allocation $N: not $oom_lines 'out of memory' line:" "$(excerpt "$tmp/err")"
            (cd "$tmp" && sha256sum -c --quiet oom.keep >/dev/null 2>&1) ||
                problem "$name, allocation $N: the previous outputs changed"
        fi
        left=$(find "$tmp/$dir" -name '.*.[0-9]*.??????' | head -n 3)
        [ -n "$left" ] && problem "$name, allocation $N: temporary files left:" "$left"
        if ! cmp -s "$tmp/oom.before" "$tmp/oom.after"; then
            rm -rf "${tmp:?}/$dir" && cp -a "$tmp/oom.saved" "$tmp/$dir"
        fi
        N=$((N + step))
    done
    [ "$points" -gt 0 ] || problem "$name: no allocation failed (is ra_test_started called?)"
    echo "$name: $points allocation failure points (step $step, seed ${OOM_SEED:-0}), $absorbed absorbed with other output" >>"$tmp/oom.points"
    return 0
}

# Every 25th point of report, batch and verify (a regeneration), over the
# mini fixture (about 10 s); OOM_STEP=1 sweeps every point, OOM_SEED moves
# the sample, OOM_SWEEP=0 leaves it out.
if [ "${OOM_SWEEP:-1}" = 0 ]; then
    skip "allocation failure points" "OOM_SWEEP=0"
elif grep -q __asan_init "$RA" 2>/dev/null; then
    skip "allocation failure points" "a sanitizer build (preloading is refused)"
elif command -v cc >/dev/null 2>&1 && cc -shared -fPIC -O1 -o "$tmp/oom.so" "$tmp/oom.c" 2>/dev/null; then
    cp tests/fixtures/mini-checklist.xml tests/fixtures/mini-ready.xml tests/fixtures/mini-not-ready.xml "$tmp/"
    mkdir "$tmp/minin"
    cp tests/fixtures/mini-ready.xml tests/fixtures/mini-not-ready.xml "$tmp/minin/"
    begin "report: every allocation failure after start-up ends cleanly"
    mkdir "$tmp/or"
    run report -q --checklist mini-checklist.xml mini-ready.xml -o or/r.pdf
    oom_step=25 oom_keep='*' oom_lines=one
    oom_scan report or report -q --checklist mini-checklist.xml mini-ready.xml -o or/r.pdf
    end
    begin "batch with manifest and summary: every allocation failure ends cleanly"
    run batch -q -j1 --checklist mini-checklist.xml minin -o ob --manifest ob/m.csv --summary ob/s.pdf
    # A worker that fails is a row of the manifest (which describes the files
    # on disk) and a line of its own: the reports made before must stay.
    oom_step=25 oom_keep='MINI-*.pdf' oom_lines=each
    oom_scan batch ob batch -q -j1 --force --checklist mini-checklist.xml minin -o ob --manifest ob/m.csv --summary ob/s.pdf
    end
    begin "verify: every allocation failure of a regeneration ends cleanly"
    mkdir "$tmp/ov"
    run report -q --attach-source --checklist mini-checklist.xml mini-ready.xml -o ov/r.pdf
    oom_step=25 oom_keep='*' oom_lines=one
    oom_scan verify ov verify --checklist mini-checklist.xml ov/r.pdf mini-ready.xml
    end
    while read -r line; do
        case $line in *", 0 absorbed"*) ;; *) echo "SKIP: $line" ;; esac
    done <"$tmp/oom.points"
    [ "${V:-0}" = 1 ] && cat "$tmp/oom.points"
else
    skip "allocation failure points" "no C compiler to build the failing allocator"
fi

suite_end
