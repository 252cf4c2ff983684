#!/bin/sh
# tests/batch.sh - `readyaudit batch`, its manifest and portfolio, resumed and
# interrupted runs, shards, `manifest merge` and `verify`.
#
# Run as `sh tests/batch.sh` from anywhere; needs ./readyaudit built, python3,
# qpdf, pdffonts, pdftotext (poppler-utils) and setsid (util-linux). Quiet on
# success: each failed case prints "FAIL: case" and what was expected and
# what came out; the last line is always "batch: N passed, N failed, N skipped", and the
# exit status is 1 when a case failed. Set V=1 to list every case as it runs.
#
# The batches run inside the temporary directory on relative paths (in/...,
# pack/...), so manifests and messages do not depend on where it is.
#
# Interrupted runs: a batch killed with SIGKILL cannot clean up, so a
# temporary file (.NAME.pdf.PID.XXXXXX, hidden, never at a report's name) of
# each record in flight may stay: at most one per worker. What must never
# happen is a .pdf that is not a complete report, or a re-run that does not
# account for every record.

cd "$(dirname "$0")/../.." || exit 2

JOBS=2
# Generated records of the kill test, and how many times it is killed.
NKILL_RECORDS=60
NKILLS=3

SUITE=batch
. tests/lib.sh
suite_start qpdf pdffonts pdftotext setsid
RA=$(cd "$(dirname "$RA")" && pwd)/$(basename "$RA")

# ------------------------------------------------------------------ harness

# The version string every manifest row names as its maker.
tool=$("$RA" --version)

# run ARG...: runs readyaudit in $tmp; stdout in $tmp/out, stderr in
# $tmp/err, status in $rc.
run() {
    (cd "$tmp" && "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
}



# expect_summary DONE SKIPPED FAILED: stdout's last line is the batch summary
# "N done, N skipped, N failed (N records...".
expect_summary() {
    got=$(tail -n 1 "$tmp/out")
    case $got in
    "$1 done, $2 skipped, $3 failed ("*) ;;
    *) problem "summary: expected '$1 done, $2 skipped, $3 failed (...', got '$got'" ;;
    esac
}

# check PROGRAM ARG...: runs a python checker from $tmp; its output lines are
# the problems.
check() {
    res=$(cd "$tmp" && "$PY" "$@" 2>&1) || [ -n "$res" ] || res="$1 failed"
    [ -n "$res" ] && problem "$res"
    return 0
}

# snapshot DIR FILE: name, inode, mtime and SHA-256 of every DIR/*.pdf.
snapshot() {
    "$PY" - "$1" >"$2" <<'EOF'
import glob, hashlib, os, sys
for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.pdf"))):
    st = os.stat(p)
    print(os.path.basename(p), st.st_ino, st.st_mtime_ns, hashlib.sha256(open(p, "rb").read()).hexdigest())
EOF
}

# changed BEFORE AFTER: names of the reports whose file changed.
changed() {
    awk 'NR == FNR { was[$1] = $0; next } was[$1] != $0 { print $1 }' "$1" "$2"
}

# pdf_checks PDF: qpdf --check clean, fonts embedded (none Type 3), pdftotext
# without a word on stderr (text into PDF.txt).
pdf_checks() {
    qpdf --check "$1" >"$tmp/qpdf" 2>&1 ||
        problem "qpdf --check $1 failed:" "$(grep -iv '^checking\|^PDF Version\|^File is' "$tmp/qpdf" | head -n 6)"
    if pdffonts "$1" >"$tmp/fonts" 2>&1; then
        [ "$(awk 'NR > 2' "$tmp/fonts" | grep -c .)" -gt 0 ] || problem "pdffonts lists no font"
        bad=$(awk 'NR > 2 && ($(NF - 4) != "yes" || /Type 3/)' "$tmp/fonts")
        [ -n "$bad" ] && problem "fonts not embedded or Type 3:" "$bad"
    else
        problem "pdffonts $1 failed:" "$(excerpt "$tmp/fonts")"
    fi
    pdftotext "$1" "$1.txt" 2>"$tmp/ptt-err" || problem "pdftotext $1 failed"
    [ -s "$tmp/ptt-err" ] && problem "pdftotext printed on stderr:" "$(excerpt "$tmp/ptt-err")"
    return 0
}

# ------------------------------------------------------------- checkers

# mcheck.py MANIFEST EXPECT OUTDIR STATUS OUTPUTS: the CSV manifest has a
# header and one row per line of EXPECT ("input<TAB>id", id "-" for a record
# that must fail); good rows have STATUS; with OUTPUTS=1 good rows name
# OUTDIR/ID.pdf and its SHA-256; failed rows have an error "input:LINE: ...";
# every row's tool is TOOL (readyaudit --version).
cat >"$tmp/mcheck.py" <<'EOF'
import csv, hashlib, io, os, sys

path, expect, outdir, status, outputs, tool = sys.argv[1:7]
raw = open(path, "rb").read()
text = raw.decode("utf-8")
lines = text.split("\n")
if lines and lines[-1] == "":
    lines.pop()
for n, l in enumerate(lines, 1):
    if not l.endswith("\r"):
        print("%s: line %d does not end in CR LF" % (path, n))
        break
rows = list(csv.DictReader(io.StringIO(text, newline="")))
columns = ["id", "system", "organisation", "profile", "score", "band", "verdict", "signoff",
           "gaps", "overdue", "expired_risks", "input", "input_sha256", "output",
           "output_sha256", "status", "error", "tool", "system_key", "assessed_on",
           "layer_scores", "gap_checks", "not_applicable", "overdue_owners", "expired_owners",
           "warnings"]
cols = next(csv.reader(io.StringIO(text, newline="")), [])
if cols != columns:
    print("%s: columns %s, expected %s" % (path, cols, columns))
    sys.exit(1)
want = dict(l.rstrip("\n").split("\t") for l in open(expect, encoding="utf-8") if l.strip())
if len(rows) != len(want):
    print("%s: %d rows, expected %d" % (path, len(rows), len(want)))
seen = {}
for r in rows:
    seen[r["input"]] = seen.get(r["input"], 0) + 1
for i in sorted(seen):
    if seen[i] > 1:
        print("%s: input %s has %d rows" % (path, i, seen[i]))
    if i not in want:
        print("%s: unexpected input %s" % (path, i))
for inp, rid in sorted(want.items()):
    got = [r for r in rows if r["input"] == inp]
    if not got:
        print("%s: no row for %s" % (path, inp))
        continue
    r = got[0]
    if r["tool"] != tool:
        print("%s: %s: tool %r, expected %r" % (path, inp, r["tool"], tool))
    if rid == "-":
        if r["status"] != "failed":
            print("%s: %s: status %r, expected 'failed'" % (path, inp, r["status"]))
        if not r["error"].startswith(inp + ":") or not r["error"][len(inp) + 1:].split(":")[0].isdigit():
            print("%s: %s: error does not start with '%s:LINE:': %r" % (path, inp, inp, r["error"]))
        continue
    if r["status"] != status:
        print("%s: %s: status %r, expected %r (error %r)" % (path, inp, r["status"], status, r["error"]))
    if r["id"] != rid:
        print("%s: %s: id %r, expected %r" % (path, inp, r["id"], rid))
    if r["error"]:
        print("%s: %s: error %r on a good record" % (path, inp, r["error"]))
    if r["input_sha256"] != hashlib.sha256(open(inp, "rb").read()).hexdigest():
        print("%s: %s: input_sha256 is not the input's SHA-256" % (path, inp))
    if outputs == "1":
        pdf = os.path.join(outdir, rid + ".pdf")
        if r["output"] != pdf:
            print("%s: %s: output %r, expected %r" % (path, inp, r["output"], pdf))
        elif not os.path.exists(pdf):
            print("%s: %s: output %s does not exist" % (path, inp, pdf))
        elif r["output_sha256"] != hashlib.sha256(open(pdf, "rb").read()).hexdigest():
            print("%s: %s: output_sha256 %r is not the SHA-256 of %s" % (path, inp, r["output_sha256"], pdf))
EOF

# same_rows.py CSV JSON: the JSON manifest parses and has the CSV's rows.
cat >"$tmp/same_rows.py" <<'EOF'
import csv, json, sys

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
try:
    doc = json.load(open(sys.argv[2], encoding="utf-8"))
except ValueError as e:
    print("%s: not JSON: %s" % (sys.argv[2], e))
    sys.exit(1)
if not isinstance(doc, list):
    print("%s: not a JSON array" % sys.argv[2])
    sys.exit(1)
if len(doc) != len(rows):
    print("%d rows in CSV, %d in JSON" % (len(rows), len(doc)))
for n, (c, j) in enumerate(zip(rows, doc), 1):
    if sorted(c) != sorted(j):
        print("row %d: CSV columns %s, JSON keys %s" % (n, sorted(c), sorted(j)))
    for k, v in c.items():
        w = j.get(k)
        if w is None:
            ok = v == ""
        elif isinstance(w, bool):
            ok = v == str(w).lower()
        elif isinstance(w, (int, float)):
            try:
                ok = abs(float(v) - w) <= 1e-9 * max(1.0, abs(w))
            except ValueError:
                ok = False
        else:
            ok = v == w
        if not ok:
            print("row %d (%s): %s is %r in CSV, %r in JSON" % (n, c.get("input"), k, v, w))
EOF

# ------------------------------------------- a batch with two broken records

mkdir "$tmp/in"
cp samples/*.xml "$tmp/in/"
cp tests/malformed/not-well-formed.xml tests/malformed/bad-status.xml "$tmp/in/"
: >"$tmp/expect"
ngood=0
for f in "$tmp"/in/*.xml; do
    b=$(basename "$f")
    case $b in
    not-well-formed.xml | bad-status.xml) id=- ;;
    *)
        id=$("$RA" score "$f" --format json 2>/dev/null | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["assessment"])' 2>/dev/null)
        ngood=$((ngood + 1))
        ;;
    esac
    printf 'in/%s\t%s\n' "$b" "${id:--}" >>"$tmp/expect"
done
ntotal=$((ngood + 2))

begin "batch: $ngood good records and 2 broken ones, CSV manifest and portfolio"
run batch in -o pack --manifest pack/m.csv --summary pack/p.pdf
expect_rc 3
expect_summary "$ngood" 0 2
for b in not-well-formed.xml bad-status.xml; do
    grep -q "in/$b" "$tmp/err" || problem "stderr does not name in/$b:" "$(excerpt "$tmp/err")"
done
want=$(awk -F'\t' '$2 != "-" { print $2 ".pdf" }' "$tmp/expect" | sort)
got=$(cd "$tmp/pack" && for p in *.pdf; do [ "$p" = p.pdf ] || [ ! -e "$p" ] || echo "$p"; done | sort)
[ "$got" = "$want" ] || problem "reports in pack/: expected" "$want" "got" "$got"
end

begin "batch: the CSV manifest has a row per input, done or failed with file and line"
if [ -f "$tmp/pack/m.csv" ]; then
    check mcheck.py pack/m.csv expect pack "done" 1 "$tool"
    [ "$(grep -c . "$tmp/pack/m.csv")" -eq $((ntotal + 1)) ] ||
        problem "expected $ntotal rows and a header, got $(grep -c . "$tmp/pack/m.csv") lines"
else
    problem "no pack/m.csv"
fi
end

begin "batch: every report of the batch passes qpdf, pdffonts, pdftotext"
for p in "$tmp"/pack/*.pdf; do
    [ "$p" = "$tmp/pack/p.pdf" ] && continue
    pdf_checks "$p"
done
end

begin "batch: the portfolio is a clean PDF listing every system and failed input"
if [ -s "$tmp/pack/p.pdf" ]; then
    pdf_checks "$tmp/pack/p.pdf"
    : >"$tmp/names"
    for f in "$tmp"/in/*.xml; do
        "$RA" score "$f" --format json 2>/dev/null |
            "$PY" -c 'import json,sys; print(json.load(sys.stdin)["system"]["name"])' >>"$tmp/names" 2>/dev/null
    done
    printf 'in/not-well-formed.xml\nin/bad-status.xml\n' >>"$tmp/names"
    # Table cells may wrap anywhere: compare without white space.
    check - pack/p.pdf.txt names <<'EOF'
import sys
text = "".join(open(sys.argv[1], encoding="utf-8").read().split())
for name in open(sys.argv[2], encoding="utf-8"):
    name = name.strip()
    if name and "".join(name.split()) not in text:
        print("the portfolio does not list %r" % name)
EOF
    [ "$(grep -c . "$tmp/names")" -eq "$ntotal" ] || problem "expected $ntotal names, got $(grep -c . "$tmp/names")"
else
    problem "no portfolio at pack/p.pdf"
fi
end
snapshot "$tmp/pack" "$tmp/snap1"
mkdir "$tmp/first"
cp "$tmp"/pack/*.pdf "$tmp/first/"

# ------------------------------------------------------------ resumed runs

begin "re-run without --force: every good record skipped, reports untouched"
run batch in -o pack --manifest pack/m2.csv
expect_rc 3
expect_summary 0 "$ngood" 2
snapshot "$tmp/pack" "$tmp/snap2"
c=$(changed "$tmp/snap1" "$tmp/snap2")
[ -n "$c" ] && problem "reports changed by a run that should skip them:" "$c"
[ -f "$tmp/pack/m2.csv" ] && check mcheck.py pack/m2.csv expect pack skipped 0 "$tool"
end

# A resumed run's manifest describes the audit pack as it stands: a skipped
# record's report is still there, so its row names it and its digest.
begin "re-run without --force: skipped rows still name their report and its SHA-256"
[ -f "$tmp/pack/m2.csv" ] && check mcheck.py pack/m2.csv expect pack skipped 1 "$tool"
end

begin "re-run with --force: every good record redone; JSON manifest has the CSV's rows"
run batch in -o pack --force --manifest pack/m.json
expect_rc 3
expect_summary "$ngood" 0 2
snapshot "$tmp/pack" "$tmp/snap3"
n=$(changed "$tmp/snap2" "$tmp/snap3" | grep -c .)
[ "$n" -eq "$ngood" ] || problem "expected $ngood reports rewritten (new inode and mtime), got $n"
awk '{ print $1, $4 }' "$tmp/snap2" >"$tmp/h2"
awk '{ print $1, $4 }' "$tmp/snap3" >"$tmp/h3"
d=$(diff "$tmp/h2" "$tmp/h3")
[ -n "$d" ] && problem "a forced run changed the bytes of reports (name, SHA-256):" "$d"
if [ -f "$tmp/pack/m.json" ]; then
    check same_rows.py pack/m.csv pack/m.json
else
    problem "no pack/m.json"
fi
end

begin "one record edited (one byte of a note): only its report is redone"
"$PY" - "$tmp/in/mvp-support-bot.xml" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.index(b"<note>") + len(b"<note>")
b[i] = ord(b"X") if b[i] != ord(b"X") else ord(b"Y")
open(p, "wb").write(bytes(b))
EOF
run batch in -o pack
expect_rc 3
expect_summary 1 $((ngood - 1)) 2
snapshot "$tmp/pack" "$tmp/snap4"
c=$(changed "$tmp/snap3" "$tmp/snap4")
id=$(awk -F'\t' '$1 == "in/mvp-support-bot.xml" { print $2 }' "$tmp/expect")
[ "$c" = "$id.pdf" ] || problem "expected only $id.pdf redone, changed:" "${c:-(none)}"
end

# A report damaged after the fact (here cut in half) is not current: a
# resumed run must redo it rather than keep a broken file in the pack.
begin "a truncated report is redone on re-run, not skipped"
id=$(awk -F'\t' '$1 == "in/rejected-signoff.xml" { print $2 }' "$tmp/expect")
p=$tmp/pack/$id.pdf
size=$(wc -c <"$p")
head -c $((size / 2)) "$p" >"$tmp/half" && cat "$tmp/half" >"$p"
run batch in -o pack
expect_rc 3
expect_summary 1 $((ngood - 1)) 2
qpdf --check "$p" >/dev/null 2>&1 || problem "$id.pdf is still broken after the re-run"
end

# Two records with the same ID would be written to the same ID.pdf: the pack
# must not claim two reports where there is one file (either the second is
# refused as failed, or each gets its own file).
begin "two records with the same ID: no two manifest rows share one report"
mkdir "$tmp/dup"
cp samples/mvp-support-bot.xml "$tmp/dup/a.xml"
sed 's|<name>[^<]*</name>|<name>Another system, same ID</name>|' samples/mvp-support-bot.xml >"$tmp/dup/b.xml"
run batch dup -o dupout -j 1 --manifest dup.csv
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || problem "exit $rc, expected 0 or 3:" "$(excerpt "$tmp/err")"
check - dup.csv "$rc" <<'EOF'
import csv, hashlib, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
outs = [r["output"] for r in rows if r["output"]]
for o in sorted(set(outs)):
    if outs.count(o) > 1:
        print("%d rows name the same report %s: %s" % (outs.count(o), o,
              ", ".join("%s (%s)" % (r["input"], r["status"]) for r in rows if r["output"] == o)))
for r in rows:
    if r["output"] and hashlib.sha256(open(r["output"], "rb").read()).hexdigest() != r["output_sha256"]:
        print("%s: %s is not the report this row describes (SHA-256 differs)" % (r["input"], r["output"]))
failed = [r for r in rows if r["status"] == "failed"]
if failed and sys.argv[2] != "3":
    print("a row failed but the exit code is %s" % sys.argv[2])
EOF
end

# ------------------------------------------------------------- kill test

mkdir "$tmp/many"
make_records "$tmp/many" "$NKILL_RECORDS" K

# temps DIR: temporary files left in DIR.
temps() {
    find "$1" -name '.*.??????' -print 2>/dev/null | sort
}

# check_new_pdfs DIR: qpdf --check of each DIR/*.pdf not checked before (by
# name and inode: a report rewritten is a new file).
: >"$tmp/checked"
check_new_pdfs() {
    snapshot "$1" "$tmp/now"
    awk 'NR == FNR { seen[$1 " " $2] = 1; next } !(($1 " " $2) in seen) { print $1, $2 }' \
        "$tmp/checked" "$tmp/now" >"$tmp/new"
    while read -r name ino; do
        qpdf --check "$1/$name" >/dev/null 2>&1 || problem "$name is not a complete PDF"
        echo "$name $ino" >>"$tmp/checked"
    done <"$tmp/new"
}

: >"$tmp/temps"
k=1
first_kill_count=
while [ "$k" -le "$NKILLS" ]; do
    delay=$(awk -v s="$$$k" 'BEGIN { srand(s); printf "%.2f", 0.05 + rand() * 0.25 }')
    begin "kill -9 of a -j$JOBS batch after ${delay}s (kill $k of $NKILLS): no partial report"
    (cd "$tmp" && exec setsid "$RA" batch many -o kout -j "$JOBS" -q) >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    sleep "$delay"
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')
    if [ -n "$pgid" ] && [ "$pgid" = "$pid" ]; then
        kill -s KILL -- "-$pid" 2>/dev/null
    elif [ -n "$pgid" ]; then
        problem "the batch (pid $pid) is not the leader of its own process group ($pgid)"
        kill -s KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    # The workers die with the group; give the kernel a moment to take them.
    i=0
    while [ $i -lt 20 ] && ps -eo pgid=,stat= | awk -v p="$pid" '$1 == p && $2 !~ /^Z/' | grep -q .; do
        sleep 0.1
        i=$((i + 1))
    done
    check_new_pdfs "$tmp/kout"
    [ -z "$first_kill_count" ] && first_kill_count=$(grep -c . "$tmp/now")
    # New temporary files: at most one per worker (those of earlier kills stay).
    cp "$tmp/temps" "$tmp/temps-prev"
    temps "$tmp/kout" >"$tmp/temps"
    n=$(comm -13 "$tmp/temps-prev" "$tmp/temps" | grep -c .)
    [ "$n" -le "$JOBS" ] || problem "$n temporary files left, more than one per worker ($JOBS):" "$(comm -13 "$tmp/temps-prev" "$tmp/temps")"
    end
    k=$((k + 1))
done
done_before=$(grep -c . "$tmp/now")
if [ "${V:-0}" = 1 ] || [ "$first_kill_count" -ge "$NKILL_RECORDS" ]; then
    echo "batch: note: reports after the first kill $first_kill_count, after all $done_before, of $NKILL_RECORDS; temporary files left: $(grep -c . "$tmp/temps")"
fi

begin "after the kills a re-run completes: done + skipped = $NKILL_RECORDS"
temps "$tmp/kout" >"$tmp/temps-before"
run batch many -o kout -j "$JOBS" --manifest kout.csv
expect_rc 0
got=$(tail -n 1 "$tmp/out")
sum=$(printf '%s\n' "$got" | sed -n 's/^\([0-9]*\) done, \([0-9]*\) skipped, 0 failed (.*/\1 \2/p')
if [ -z "$sum" ]; then
    problem "summary: expected 'N done, N skipped, 0 failed (...', got '$got'"
else
    # shellcheck disable=SC2086
    set -- $sum
    [ $(($1 + $2)) -eq "$NKILL_RECORDS" ] || problem "done $1 + skipped $2 is not $NKILL_RECORDS"
    [ "$1" -eq $((NKILL_RECORDS - done_before)) ] ||
        problem "done $1, but $((NKILL_RECORDS - done_before)) reports were missing (the others complete)"
fi
n=$(find "$tmp/kout" -name '*.pdf' ! -name '.*' | grep -c .)
[ "$n" -eq "$NKILL_RECORDS" ] || problem "expected $NKILL_RECORDS reports, found $n"
check_new_pdfs "$tmp/kout"
temps "$tmp/kout" >"$tmp/temps-after"
d=$(comm -13 "$tmp/temps-before" "$tmp/temps-after")
[ -n "$d" ] && problem "the completed run left temporary files:" "$d"
end

# ----------------------------------------------------------------- shards

# The unsharded manifest of the same inputs, made fresh (in/ has one edited
# record since the first run).
run batch in -o full --manifest full.csv -q

for N in 1 2 3; do
    begin "--shard K/$N for K=1..$N covers every input exactly once"
    K=1
    ms=
    while [ "$K" -le "$N" ]; do
        run batch in --shard "$K/$N" -o "s$N" --manifest "s$N/m$K.csv" -q
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
            problem "--shard $K/$N: exit $rc:" "$(excerpt "$tmp/err")"
        elif [ -f "$tmp/s$N/m$K.csv" ]; then
            # 3 exactly when the shard holds a broken record.
            nf=$(grep -c ',failed,' "$tmp/s$N/m$K.csv")
            want=0
            [ "$nf" -gt 0 ] && want=3
            [ "$rc" -eq "$want" ] || problem "--shard $K/$N: exit $rc with $nf failed rows, expected $want"
        fi
        ms="$ms s$N/m$K.csv"
        K=$((K + 1))
    done
    # shellcheck disable=SC2086
    check - "$ntotal" $ms <<'EOF'
import csv, sys
total, paths = int(sys.argv[1]), sys.argv[2:]
seen = []
for p in paths:
    try:
        seen += [r["input"] for r in csv.DictReader(open(p, encoding="utf-8", newline=""))]
    except OSError as e:
        print("%s: %s" % (p, e))
dups = sorted(set(i for i in seen if seen.count(i) > 1))
if dups:
    print("inputs in more than one shard: %s" % dups)
full = sorted(r["input"] for r in csv.DictReader(open("full.csv", encoding="utf-8", newline="")))
if sorted(set(seen)) != full:
    print("shards cover %s\n  expected %s" % (sorted(set(seen)), full))
if len(full) != total:
    print("the unsharded manifest has %d rows, expected %d" % (len(full), total))
EOF
    end

    begin "manifest merge of the $N shard manifests equals the unsharded manifest"
    # shellcheck disable=SC2086
    run manifest merge $ms -o "merged$N.csv"
    expect_rc 0
    check - "merged$N.csv" full.csv <<'EOF'
import csv, os, sys
def rows(p):
    out = []
    for r in csv.DictReader(open(p, encoding="utf-8", newline="")):
        r["output"] = os.path.basename(r["output"])  # the directories differ
        out.append(sorted(r.items()))
    return sorted(out)
a, b = rows(sys.argv[1]), rows(sys.argv[2])
if a != b:
    print("%s has %d rows, %s %d" % (sys.argv[1], len(a), sys.argv[2], len(b)))
    for x, y in zip(a, b):
        if x != y:
            print("first difference:\n  merged %s\n  full   %s" % (dict(x), dict(y)))
            break
EOF
    end
done

begin "manifest merge: shards in any order give the same bytes; JSON output parses"
run manifest merge s3/m3.csv s3/m1.csv s3/m2.csv -o merged3r.csv
expect_rc 0
cmp -s "$tmp/merged3.csv" "$tmp/merged3r.csv" || problem "merging in another order gives another file"
run manifest merge s3/m1.csv s3/m2.csv s3/m3.csv -o merged3.json
expect_rc 0
check same_rows.py merged3.csv merged3.json
end

for s in 0/2 3/2 x 1/0 2/2x; do
    begin "--shard $s: usage error, nothing created"
    run batch in --shard "$s" -o "bad-shard" -q
    expect_rc 2
    grep -q -- '--shard' "$tmp/err" || problem "stderr does not mention --shard:" "$(excerpt "$tmp/err")"
    [ -e "$tmp/bad-shard" ] && problem "the output directory was created"
    end
done

# ----------------------------------------------------------------- verify

for f in samples/*.xml; do
    [ -e "$f" ] || continue
    b=$(basename "$f")
    id=$(awk -F'\t' -v i="in/$b" '$1 == i { print $2 }' "$tmp/expect")
    begin "verify the batch report of $f against the record"
    if [ ! -f "$tmp/first/$id.pdf" ]; then
        problem "no report first/$id.pdf from the first batch"
    else
        "$RA" verify "$tmp/first/$id.pdf" "$f" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        expect_rc 0
        grep -q '^MATCH' "$tmp/out" || problem "stdout has no MATCH line:" "$(excerpt "$tmp/out" 10)"
    fi
    end
done

S=samples/startup-sales-copilot.xml
SID=$(awk -F'\t' '$1 == "in/startup-sales-copilot.xml" { print $2 }' "$tmp/expect")
SPDF=$tmp/first/$SID.pdf

begin "verify without a record: integrity data shown, the record missing (exit 10)"
run verify "$SPDF"
expect_rc 10
grep -q "^report ID: *RA-" "$tmp/out" || problem "stdout shows no report ID:" "$(excerpt "$tmp/out" 10)"
grep -q "^INPUT MISSING: the record is missing: the report embeds none; give the record with SHA-256 $(sha256sum <"$S" | cut -c1-64) (startup-sales-copilot.xml) as the second argument.$" "$tmp/out" ||
    problem "stdout does not say the record is missing:" "$(excerpt "$tmp/out" 12)"
end

begin "verify against a record with one character changed: exit 5, MISMATCH"
"$PY" -c '
import sys
b = open(sys.argv[1], "rb").read()
i = b.index(b"<name>") + len(b"<name>")
open(sys.argv[2], "wb").write(b[:i] + b"#" + b[i + 1:])
' "$S" "$tmp/changed.xml"
if cmp -s "$S" "$tmp/changed.xml"; then
    problem "could not change the record"
else
    run verify "$SPDF" changed.xml
    expect_rc 5
    grep -q '^MISMATCH' "$tmp/out" || problem "stdout has no MISMATCH line:" "$(excerpt "$tmp/out" 10)"
fi
end

qpdf --empty "$tmp/empty.pdf" 2>/dev/null
for p in pack/p.pdf empty.pdf in/mvp-support-bot.xml; do
    begin "verify $p (not a readyaudit report): exit 8 with a clear message"
    if [ -e "$tmp/$p" ]; then
        run verify "$p" "$S"
        expect_rc 8
        grep -q "$p" "$tmp/err" || problem "stderr does not name $p:" "$(excerpt "$tmp/err")"
        grep -qi 'not a readyaudit report\|no readyaudit integrity' "$tmp/err" ||
            problem "stderr does not say it is not a readyaudit report:" "$(excerpt "$tmp/err")"
        grep -q '^MATCH' "$tmp/out" && problem "it printed MATCH"
    else
        problem "no $p to verify"
    fi
    end
done

begin "verify a missing report: exit 4"
run verify no-such.pdf "$S"
expect_rc 4
end

# Edits one hex digit of record-sha256 in the Info dictionary's Keywords
# (UTF-16BE hex or literal, as qpdf --qdf writes it), keeping the length.
cat >"$tmp/tamper.py" <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
def flip(s):
    i = s.index("record-sha256=") + len("record-sha256=")
    return s[:i] + ("1" if s[i] != "1" else "2") + s[i + 1:]
m = re.search(rb"/Keywords\s*<([0-9A-Fa-f\s]+)>", data)
if m:
    h = bytes.fromhex(m.group(1).decode().replace("\n", "").replace(" ", ""))
    enc = "utf-16-be"
    if h.startswith(b"\xfe\xff"):
        new = b"\xfe\xff" + flip(h[2:].decode(enc)).encode(enc)
    else:
        new = flip(h.decode("latin-1")).encode("latin-1")
    out = data[:m.start(1)] + new.hex().encode() + data[m.end(1):]
else:
    m = re.search(rb"/Keywords\s*\((.*?)\)", data, re.S)
    if not m:
        sys.exit("no /Keywords in " + sys.argv[1])
    out = data[:m.start(1)] + flip(m.group(1).decode("latin-1")).encode("latin-1") + data[m.end(1):]
if out == data or len(out) != len(data):
    sys.exit("could not edit the Keywords")
open(sys.argv[2], "wb").write(out)
EOF

begin "verify a report whose Keywords were edited: exit 6, metadata altered"
if qpdf --qdf --object-streams=disable "$SPDF" "$tmp/qdf.pdf" 2>"$tmp/err" &&
    "$PY" "$tmp/tamper.py" "$tmp/qdf.pdf" "$tmp/qdf2.pdf" 2>"$tmp/err" &&
    fix-qdf "$tmp/qdf2.pdf" >"$tmp/tampered.pdf" 2>"$tmp/err"; then
    for rec in "" "$S"; do
        run verify tampered.pdf $rec
        expect_rc 6
        grep -qi 'altered' "$tmp/err" || problem "verify tampered.pdf $rec: stderr does not say the metadata was altered:" "$(excerpt "$tmp/err")"
        grep -q '^MATCH' "$tmp/out" && problem "verify tampered.pdf $rec printed MATCH"
    done
else
    problem "could not make the tampered report:" "$(excerpt "$tmp/err")"
fi
end

# ----------------------------------------------- a batch readies its fonts

# From 16 records a batch readies hb-subset's accelerator before forking
# its workers, and each worker runs record after record: each report is
# still byte for byte the one `report` makes.
mkdir "$tmp/ready-in"
n=0
for f in samples/*.xml samples/*.xml tests/fixtures/world-text.xml; do
    n=$((n + 1))
    "$PY" -c 'import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r"(<assessment\b[^>]*?\sid=\")[^\"]*", lambda m: m.group(1) + sys.argv[2], s, count=1)
open(sys.argv[3], "w", encoding="utf-8").write(s)' "$f" "MANY-$n" "$tmp/ready-in/r$n.xml"
done
begin "a batch of $n records: every report is the one \`report\` makes"
run batch ready-in -o ready-out -j 2
expect_rc 0
for i in $(seq 1 $n); do
    if [ ! -f "$tmp/ready-out/MANY-$i.pdf" ]; then
        problem "no report ready-out/MANY-$i.pdf"
        continue
    fi
    "$RA" report -q "$tmp/ready-in/r$i.xml" -o "$tmp/ready-one.pdf" 2>>"$tmp/err" ||
        problem "report r$i.xml failed:" "$(excerpt "$tmp/err")"
    cmp -s "$tmp/ready-out/MANY-$i.pdf" "$tmp/ready-one.pdf" ||
        problem "the batch report of r$i.xml differs from report's"
done
end

# ------------------------------------------------- workers run many records

# workers_of DIR ARG...: runs `batch DIR -o DIR.out -j1 ARG...` under strace
# and sets $workers to the number of processes the spawner forked.
workers_of() {
    d=$1
    shift
    (cd "$tmp" && ASAN_OPTIONS="$untraced_asan" strace -f -qq -o "$tmp/forks" \
        -e trace=clone,clone3,fork,vfork "$RA" batch -q -j1 "$d" -o "$d.out" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
    # Processes, not threads; the first one the batch forks is the spawner.
    # strace pads the pid column to 5 places ("1054  clone(...").
    workers=$(($(grep -v CLONE_THREAD "$tmp/forks" | grep -c '^[0-9][0-9]* *\(clone\|clone3\|fork\|vfork\)(') - 1))
}

# gen_same N DIR: N copies of the minimum-viable sample, ids W-001...
gen_same() {
    mkdir -p "$tmp/$2"
    for i in $(seq -w 1 "$1"); do
        sed "s/id=\"PDW-HELPBOT-2026-03\"/id=\"W-$i\"/" samples/mvp-support-bot.xml >"$tmp/$2/r$i.xml"
    done
}

if [ "$have_strace" = 1 ]; then
    begin "a -j1 batch of 5 records runs them in one worker"
    gen_same 5 w5
    workers_of w5
    expect_rc 0
    expect_eq "workers" "$workers" 1
    expect_eq "reports" "$(ls "$tmp/w5.out" | wc -l)" 5
    end

    begin "a record that fails ends its worker: the next record runs in a new one"
    gen_same 5 wf
    printf '<broken' >"$tmp/wf/r2.xml"
    workers_of wf
    expect_rc 3
    expect_eq "workers" "$workers" 2
    expect_eq "reports" "$(ls "$tmp/wf.out" | tr '\n' ' ')" "W-1.pdf W-3.pdf W-4.pdf W-5.pdf "
    end

    begin "a worker ends after 100 records: 101 records take two"
    gen_same 101 w101
    workers_of w101
    expect_rc 0
    expect_eq "workers" "$workers" 2
    expect_eq "reports" "$(ls "$tmp/w101.out" | wc -l)" 101
    end
else
    skip "workers that run many records" "strace cannot run here"
fi

# ------------------------------------------------------------------ total

suite_end

