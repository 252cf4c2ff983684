#!/bin/sh
# tests/cli/index.sh - the pack index (`batch --manifest pack.sqlite`): its
# schema queried with sqlite3, re-runs that trust it without reading a
# report, reports planted, replaced, touched or cut short since (each
# noticed), files that are not an index, and batches killed at several
# points that a re-run completes to the content of an uninterrupted run.
#
# Run as `sh tests/cli/index.sh`; needs ./readyaudit built, python3, sqlite3,
# strace and setsid. The last line is "index: N passed, N failed, N skipped".

cd "$(dirname "$0")/../.." || exit 2

SUITE=index
. tests/lib.sh
suite_start sqlite3 setsid
RA=$(cd "$(dirname "$RA")" && pwd)/$(basename "$RA")

run() {
    (cd "$tmp" && "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# q DB SQL: the rows sqlite3 gives, '|' between columns.
q() {
    sqlite3 "$tmp/$1" "$2"
}

expect_summary() {
    got=$(tail -n 1 "$tmp/out")
    case $got in
    "$1 done, $2 skipped, $3 failed ("*) ;;
    *) problem "summary: expected '$1 done, $2 skipped, $3 failed (...', got '$got'" ;;
    esac
}

# pdf_opens: the .pdf files of pack/ the last traced run opened (sorted).
pdf_opens() {
    sed -n 's|.*open[a-z]*(.*"\(pack/[^"]*\.pdf\)".*|\1|p' "$tmp/trace" | sort -u
}

# traced ARG...: runs readyaudit under strace (every process), opens to $tmp/trace.
traced() {
    (cd "$tmp" && ASAN_OPTIONS="$untraced_asan" strace -f -qq -e trace=open,openat -o "$tmp/trace" "$RA" "$@") >"$tmp/out" 2>"$tmp/err"
    rc=$?
}


# The samples and one regulated record that fails a gate.
mkdir "$tmp/in"
cp samples/*.xml "$tmp/in/"
sed -e 's/id="NWK-KREDITASSIST-2026-10"/id="NWK-GATEFAIL-2026-10"/' \
    -e 's|<name>Kreditberater-Assistent (credit adviser assistant)</name>|<name>Gate-failing credit adviser</name>|' \
    -e 's|<result check="OBS-01" status="pass">|<result check="OBS-01" status="fail">|' \
    samples/regulated-credit-advisor.xml >"$tmp/in/regulated-gate-failed.xml"

# ------------------------------------------------------------- the schema

begin "batch --manifest pack.sqlite: one row per record, per layer score, per gap"
run batch -q in -o pack --manifest pack.sqlite
expect_rc 0
expect_eq "records" "$(q pack.sqlite 'select count(*) from records')" 9
expect_eq "layer scores (8 layers a record)" "$(q pack.sqlite 'select count(*) from layer_scores')" 72
expect_eq "gaps of the gate-failing record (11 partial + 2 fail)" \
    "$(q pack.sqlite "select count(*) from gaps where id = 'NWK-GATEFAIL-2026-10'")" 13
expect_eq "its failed gate is a gap" \
    "$(q pack.sqlite "select check_id from gaps where id = 'NWK-GATEFAIL-2026-10' and check_id = 'OBS-01'")" OBS-01
expect_eq "gaps column = rows of gaps" \
    "$(q pack.sqlite 'select count(*) from records r where gaps <> (select count(*) from gaps g where g.input = r.input)')" 0
expect_eq "the index says what it is" "$(q pack.sqlite "select value from pack_meta where key = 'format'")" \
    "readyaudit-pack-index 1"
end

begin "sqlite3: every regulated system that is not ready"
expect_eq "query" "$(q pack.sqlite "select system, organisation, round(score, 1), verdict from records where profile = 'regulated' and verdict = 'not-ready' order by system")" \
    "Gate-failing credit adviser|Nordwind Kreditbank AG|85.0|not-ready"
expect_eq "and the regulated ones in all" "$(q pack.sqlite "select id, verdict, signoff from records where profile = 'regulated' order by id")" \
    "NWK-GATEFAIL-2026-10|not-ready|signed-off
NWK-KREDITASSIST-2026-10|ready-with-conditions|signed-off"
end

begin "the layer scores are those of score --format json"
(cd "$tmp" && "$RA" score --format json in/regulated-credit-advisor.xml) >"$tmp/score.json"
q pack.sqlite "select layer, score from layer_scores where id = 'NWK-KREDITASSIST-2026-10' order by layer" >"$tmp/layers.txt"
res=$("$PY" - "$tmp/score.json" "$tmp/layers.txt" <<'EOF'
import json, sys
want = {l["id"]: l["score"] for l in json.load(open(sys.argv[1]))["layers"]}
got = {}
for line in open(sys.argv[2]):
    k, v = line.rstrip("\n").split("|")
    got[k] = float(v) if v else None
if set(got) != set(want) or any(abs(got[k] - want[k]) > 1e-9 for k in want if want[k] is not None):
    print("index %s, score %s" % (got, want))
EOF
)
[ -n "$res" ] && problem "$res"
end

begin "the rows hold what the CSV manifest says"
run batch -q in -o pack --manifest m.csv --force
expect_rc 0
q pack.sqlite "select input, id, status from records order by seq" >"$tmp/idx.txt"
"$PY" -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], newline="")): print("%s|%s|done" % (r["input"], r["id"]))' "$tmp/m.csv" >"$tmp/csv.txt"
sed 's/|skipped$/|done/' "$tmp/idx.txt" | cmp -s - "$tmp/csv.txt" || problem "index and CSV differ:" "$(diff "$tmp/idx.txt" "$tmp/csv.txt" | head -5)"
end

# --------------------------------------------------- the up-to-date check

if [ "$have_strace" = 1 ]; then
    begin "re-run: every report current by its stat, none opened"
    run batch -q in -o pack --manifest pack.sqlite
    traced batch in -o pack --manifest pack.sqlite
    expect_rc 0
    expect_summary 0 9 0
    expect_eq "reports opened" "$(pdf_opens)" ""
    end

    begin "touch: the report is read and checked the full way, kept, and its stat noted again"
    touch "$tmp/pack/PDW-HELPBOT-2026-03.pdf"
    traced batch in -o pack --manifest pack.sqlite
    expect_rc 0
    expect_summary 0 9 0
    expect_eq "reports opened" "$(pdf_opens)" "pack/PDW-HELPBOT-2026-03.pdf"
    want=$("$PY" -c 'import os,sys; print(os.stat(sys.argv[1]).st_mtime_ns)' "$tmp/pack/PDW-HELPBOT-2026-03.pdf")
    expect_eq "recorded mtime" "$(q pack.sqlite "select report_mtime_ns from records where id = 'PDW-HELPBOT-2026-03'")" "$want"
    traced batch in -o pack --manifest pack.sqlite
    expect_eq "reports opened on the next run" "$(pdf_opens)" ""
    end
else
    skip "re-run opens no report; touch is noticed" "strace cannot run here"
fi

sha() { sha256sum "$tmp/$1" | cut -d' ' -f1; }

begin "a report replaced with another record's report is rebuilt"
orig=$(sha pack/PDW-HELPBOT-2026-03.pdf)
cp "$tmp/pack/LHG-SHOPASSIST-2026-07.pdf" "$tmp/pack/PDW-HELPBOT-2026-03.pdf"
run batch in -o pack --manifest pack.sqlite
expect_rc 0
expect_summary 1 8 0
expect_eq "the report" "$(sha pack/PDW-HELPBOT-2026-03.pdf)" "$orig"
end

begin "a truncated report is rebuilt"
"$PY" -c 'import os,sys; os.truncate(sys.argv[1], os.path.getsize(sys.argv[1]) // 2)' "$tmp/pack/PDW-HELPBOT-2026-03.pdf"
run batch in -o pack --manifest pack.sqlite
expect_rc 0
expect_summary 1 8 0
expect_eq "the report" "$(sha pack/PDW-HELPBOT-2026-03.pdf)" "$orig"
end

begin "a forged PDF of the same size and mtime is not taken as current, nor replaced"
"$PY" - "$tmp/pack/PDW-HELPBOT-2026-03.pdf" <<'EOF'
import os, sys
p = sys.argv[1]
st = os.stat(p)
body = b"%PDF-1.4\n% forged\n"
open(p, "wb").write(body + b" " * (st.st_size - len(body)))
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
EOF
forged=$(sha pack/PDW-HELPBOT-2026-03.pdf)
run batch -q in -o pack --manifest pack.sqlite
expect_rc 4
expect_eq "stderr" "$(cat "$tmp/err")" \
    "in/mvp-support-bot.xml: pack/PDW-HELPBOT-2026-03.pdf: exists and is not a readyaudit report: not replaced (move it away, or use --force to replace it)"
expect_eq "the forged file" "$(sha pack/PDW-HELPBOT-2026-03.pdf)" "$forged"
expect_eq "its row" "$(q pack.sqlite "select status, output from records where input = 'in/mvp-support-bot.xml'")" "failed|"
run batch -q in -o pack --manifest pack.sqlite --force
expect_rc 0
expect_eq "after --force" "$(sha pack/PDW-HELPBOT-2026-03.pdf)" "$orig"
end

begin "an edited record is redone; a removed one leaves the index"
sed -i 's|</note>| (edited)</note>|' "$tmp/in/startup-sales-copilot.xml"
rm "$tmp/in/draft-unsigned.xml"
run batch in -o pack --manifest pack.sqlite
expect_rc 0
expect_summary 1 7 0
expect_eq "records" "$(q pack.sqlite 'select count(*) from records')" 8
expect_eq "rows of the removed record" "$(q pack.sqlite "select count(*) from records where input = 'in/draft-unsigned.xml'") $(q pack.sqlite "select count(*) from layer_scores where input = 'in/draft-unsigned.xml'") $(q pack.sqlite "select count(*) from gaps where input = 'in/draft-unsigned.xml'")" "0 0 0"
end

# ------------------------------------------------------------ --strict

# tests/fixtures/undrawable.xml has two fields no face draws (tests/cli/coverage.sh):
# warnings without --strict, errors and exit 13 with it.
mkdir "$tmp/st"
cp tests/fixtures/undrawable.xml "$tmp/st/a-undrawable.xml"
cp samples/startup-sales-copilot.xml "$tmp/st/b-clean.xml"
NOTE_MSG="note: U+10900 (𐤀), U+10901 (𐤁) have no glyph in the font chain; drawn as U+FFFD"
PUA=$(printf '\356\200\200') # U+E000
NAME_MSG="approver name: U+E000 ($PUA) has no glyph in the font chain; drawn as U+FFFD"

begin "--strict after a run without it: the index's rows are not taken, the record fails with 13"
run batch -q st -o spack --manifest s.sqlite
expect_rc 0
expect_eq "first run's rows" "$(q s.sqlite "select id, status from records order by seq")" \
    "PDW-HELPBOT-UNDRAWABLE|done
FHL-DEALCOPILOT-2026Q2|done"
run batch st -o spack --manifest s.sqlite --strict
expect_rc 13
expect_eq "stderr" "$(cat "$tmp/err")" \
    "st/a-undrawable.xml:43: error: $NOTE_MSG
st/a-undrawable.xml:74: error: $NAME_MSG"
expect_summary 0 1 1
expect_eq "rows" "$(q s.sqlite "select id, status, coalesce(output, '-'), error from records order by seq")" \
    "PDW-HELPBOT-UNDRAWABLE|failed|-|st/a-undrawable.xml:43: $NOTE_MSG
FHL-DEALCOPILOT-2026Q2|skipped|spack/FHL-DEALCOPILOT-2026Q2.pdf|"
run batch -q st -o spack --manifest s.sqlite --strict
expect_rc 13
end

begin "without --strict again: the rows made with it are not taken either; exit 0"
run batch st -o spack --manifest s.sqlite
expect_rc 0
expect_summary 0 2 0
expect_eq "rows" "$(q s.sqlite "select id, status from records order by seq")" \
    "PDW-HELPBOT-UNDRAWABLE|skipped
FHL-DEALCOPILOT-2026Q2|skipped"
end

# ---------------------------------------------- the dictionary list

# A data directory whose dictionary list differs (a comment more): every
# report states the list's digest, so the rows made with the shipped list
# are not taken and each report is remade.
mkdir -p "$tmp/hdata/fonts" "$tmp/hy"
ln -s "$PWD/schemas" "$PWD/templates" "$tmp/hdata/"
ln -s "$PWD/fonts/chain.txt" "$tmp/hdata/fonts/"
{ cat fonts/hyphen.txt; echo "# another list"; } >"$tmp/hdata/fonts/hyphen.txt"
cp samples/mvp-support-bot.xml "$tmp/hy/"
begin "another dictionary list: the index's rows are not taken, and the report states the new list's digest"
run batch -q hy -o hpack --manifest h.sqlite
expect_rc 0
(cd "$tmp" && READYAUDIT_DATADIR="$tmp/hdata" "$RA" batch hy -o hpack --manifest h.sqlite) >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0
expect_summary 1 0 0
want=$(sha256sum <"$tmp/hdata/fonts/hyphen.txt" | cut -c1-64)
grep -a -q "<ra:hyphenSha256>$want</ra:hyphenSha256>" "$tmp/hpack/PDW-HELPBOT-2026-03.pdf" ||
    problem "the report does not state the list it was made with ($want)"
end

if [ "$have_strace" = 1 ]; then
    begin "the stat recorded is the report's: a fresh run's reports are current by it next time"
    run batch -q st -o spack2 --manifest s2.sqlite
    expect_rc 0
    "$PY" - "$tmp" <<'EOF' >"$tmp/res" 2>&1
import os, sqlite3, sys
db = sqlite3.connect(os.path.join(sys.argv[1], "s2.sqlite"))
for out, size, mt, ct, ino, dev in db.execute("select output, report_size, report_mtime_ns,"
        " report_ctime_ns, report_ino, report_dev from records order by seq"):
    st = os.stat(os.path.join(sys.argv[1], out))
    got = (size, mt, ct, ino, dev)
    want = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
    if got != want:
        print("%s: recorded %r, stat %r" % (out, got, want))
EOF
    [ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
    traced batch st -o spack2 --manifest s2.sqlite
    expect_rc 0
    expect_summary 0 2 0
    expect_eq "reports opened" "$(sed -n 's|.*open[a-z]*(.*"\(spack2/[^"]*\.pdf\)".*|\1|p' "$tmp/trace")" ""
    end
else
    skip "the stat recorded is the report's" "strace cannot run here"
fi

# wait_until CMD...: polls CMD every 0.05 s, for at most 20 s.
wait_until() {
    i=0
    while ! "$@" 2>/dev/null && [ $i -lt 400 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

# swapped_in STATUS: while the traced batch ($pid) is held, replaces its
# report $R with another record's under a new inode; then its row has
# STATUS and no stat, and the next run rebuilds the report, which verifies.
swapped_in() {
    cp "$tmp/spack/PDW-HELPBOT-UNDRAWABLE.pdf" "$tmp/rpack/.planted"
    mv -f "$tmp/rpack/.planted" "$tmp/$R"
    wait "$pid"
    rc=$?
    expect_rc 0
    expect_eq "its row, no stat" "$(q r.sqlite "select status, coalesce(report_size, '-'), coalesce(report_ino, '-') from records")" "$1|-|-"
    run batch race -o rpack --manifest r.sqlite
    expect_rc 0
    expect_summary 1 0 0
    run verify "$R" race/startup-sales-copilot.xml
    expect_rc 0
}

if [ "$have_strace" = 1 ] && strace -qq -o /dev/null -e trace=rename -e inject=rename:delay_exit=1 true 2>/dev/null; then
    begin "a report swapped in after the rename: its stat is not noted, the next run rebuilds it"
    # The rename into place returns 2 s late (strace), while the report is
    # replaced with another record's report under a new inode.
    mkdir "$tmp/race"
    cp samples/startup-sales-copilot.xml "$tmp/race/"
    R=rpack/FHL-DEALCOPILOT-2026Q2.pdf
    (cd "$tmp" && ASAN_OPTIONS="$untraced_asan" strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 \
        -e inject=rename,renameat,renameat2:delay_exit=2000000 \
        "$RA" batch -q race -o rpack --manifest r.sqlite) >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_until test -e "$tmp/$R"
    swapped_in done
    end

    begin "a report swapped in after the worker compared it: its stat is not noted, the next run rebuilds it"
    # The report is touched, so a worker reads and compares it; once it has
    # sent its row, it tells the spawner it is free for another record, and
    # that waits 2 s (strace; getrusage is the first call of that step and
    # made by nothing else of a quiet batch), while the report is replaced
    # under a new inode.
    touch "$tmp/$R"
    rm -f "$tmp/log"
    (cd "$tmp" && ASAN_OPTIONS="$untraced_asan" strace -f -qq -o "$tmp/log" -e trace=getrusage \
        -e inject=getrusage:delay_enter=2000000 \
        "$RA" batch -q race -o rpack --manifest r.sqlite) >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_until grep -q getrusage "$tmp/log"
    swapped_in skipped
    end
else
    skip "reports swapped in after the rename or the compare" "strace cannot run or inject here"
fi

# ------------------------------------------------- files that are no index

begin "--manifest onto a file that is not an SQLite database: exit 4, left as it is"
echo "notes" >"$tmp/notes.sqlite"
run batch -q in -o pack2 --manifest notes.sqlite
expect_rc 4
expect_eq "stderr" "$(cat "$tmp/err")" "notes.sqlite: error: is not a readyaudit pack index: not replaced"
expect_eq "the file" "$(cat "$tmp/notes.sqlite")" "notes"
end

begin "--manifest onto another program's SQLite database: exit 4, left as it is"
sqlite3 "$tmp/other.sqlite" "create table t(a); insert into t values (42)"
run batch -q in -o pack2 --manifest other.sqlite
expect_rc 4
expect_eq "stderr" "$(cat "$tmp/err")" "other.sqlite: error: is an SQLite database but not a readyaudit pack index: not replaced"
expect_eq "its table" "$(q other.sqlite 'select a from t')" 42
expect_eq "its tables" "$(q other.sqlite "select name from sqlite_master")" t
end

# ------------------------------------------------ SQLite, loaded on first use

# Only a batch keeps an index: the dynamic linker lists each library it
# loads under LD_DEBUG=files, and SQLite is not among them for the others.
begin "report, validate and score do not load SQLite; batch does"
for c in "report in/mvp-support-bot.xml -o nolib.pdf -q" "validate -q in/mvp-support-bot.xml" \
    "score in/mvp-support-bot.xml"; do
    # shellcheck disable=SC2086
    (cd "$tmp" && LD_DEBUG=files "$RA" $c) >/dev/null 2>"$tmp/ld" || problem "$c failed:" "$(tail -n 3 "$tmp/ld")"
    grep -q 'file=libsqlite3\.so\.0 ' "$tmp/ld" && problem "$c loaded libsqlite3.so.0"
done
mkdir -p "$tmp/one"
cp samples/mvp-support-bot.xml "$tmp/one/"
(cd "$tmp" && LD_DEBUG=files "$RA" batch -q one -o libpack) >/dev/null 2>"$tmp/ld" ||
    problem "batch failed:" "$(tail -n 3 "$tmp/ld")"
grep -q 'file=libsqlite3\.so\.0 .*dynamically loaded' "$tmp/ld" || problem "batch did not load libsqlite3.so.0"
end

begin "an SQLite that cannot be used: batch says why (exit 4) and writes no report"
mkdir -p "$tmp/fakelib"
echo 'int not_sqlite(void) { return 0; }' >"$tmp/fakelib/f.c"
if cc -shared -fPIC -Wl,-soname,libsqlite3.so.0 -o "$tmp/fakelib/libsqlite3.so.0" "$tmp/fakelib/f.c" 2>"$tmp/err"; then
    LD_LIBRARY_PATH=$tmp/fakelib run batch -q one -o fakepack --manifest fake.sqlite
    expect_rc 4
    expect_eq "stderr" "$(cat "$tmp/err")" "fake.sqlite: error: pack index: libsqlite3.so.0 has no sqlite3_bind_double"
    [ -e "$tmp/fake.sqlite" ] && problem "an index was made"
    [ -n "$(ls "$tmp/fakepack" 2>/dev/null)" ] && problem "reports were written:" "$(ls "$tmp/fakepack")"
    # Without --manifest the index is a temporary one, named as such.
    LD_LIBRARY_PATH=$tmp/fakelib run batch -q one -o fakepack
    expect_rc 4
    expect_eq "stderr" "$(cat "$tmp/err")" "the batch's temporary index: error: pack index: libsqlite3.so.0 has no sqlite3_bind_double"
else
    problem "cannot build the stand-in library:" "$(cat "$tmp/err")"
fi
end

# ---------------------------------------------------------- kill -9 tests

# The content of an index that does not depend on when the run was made:
# every column but the run, the status (done or skipped), and the stat.
content() {
    sqlite3 "$1" "select seq, input, id, system, organisation, profile, score, band, verdict,
        signoff, gaps, overdue, expired_risks, input_sha256, output, output_sha256, error, tool,
        inputs_key, status = 'failed' from records order by seq;
        select input, id, layer, score from layer_scores order by input, layer;
        select input, id, check_id from gaps order by input, check_id"
}

mkdir "$tmp/many" "$tmp/ref" "$tmp/killed"
make_records "$tmp/many" 40 K
(cd "$tmp/ref" && "$RA" batch -q ../many -o pack -j 2 --manifest pack.sqlite) >"$tmp/out" 2>"$tmp/err"
content "$tmp/ref/pack.sqlite" >"$tmp/ref.txt"

for delay in 0.05 0.15 0.3 0.45; do
    begin "kill -9 of a batch after ${delay}s: the index is sound and a re-run completes it"
    (cd "$tmp/killed" && exec setsid "$RA" batch -q ../many -o pack -j 2 --manifest pack.sqlite) >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    sleep "$delay"
    kill -s KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ -f "$tmp/killed/pack.sqlite" ]; then
        expect_eq "integrity" "$(sqlite3 "$tmp/killed/pack.sqlite" 'pragma integrity_check')" ok
        # Killed before its tables were made, an index is empty; a re-run makes them.
        if [ "$(sqlite3 "$tmp/killed/pack.sqlite" "select count(*) from sqlite_master where name = 'records'")" = 1 ]; then
            n=$(sqlite3 "$tmp/killed/pack.sqlite" 'select count(*) from records')
            [ "$n" -le 40 ] || problem "$n rows after the kill"
            [ "${V:-0}" = 1 ] && echo "index: note: $n rows after the kill at ${delay}s"
        fi
    fi
    end
done

begin "after the kills, a re-run gives the index an uninterrupted run gives"
(cd "$tmp/killed" && "$RA" batch ../many -o pack -j 2 --manifest pack.sqlite) >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0
content "$tmp/killed/pack.sqlite" >"$tmp/killed.txt"
cmp -s "$tmp/ref.txt" "$tmp/killed.txt" || problem "the indexes differ:" "$(diff "$tmp/ref.txt" "$tmp/killed.txt" | head -6)"
expect_eq "rows" "$(sqlite3 "$tmp/killed/pack.sqlite" 'select count(*) from records')" 40
end

suite_end
