#!/bin/sh
# tests/cli/text.sh - text in every script (issue #13): the world-text record
# (tests/fixtures/world-text.xml: the regulated sample with people named in
# Chinese, Japanese, Korean, Thai, Hindi, Arabic, Hebrew and Vietnamese, an
# emoji and a long German compound in a note) renders with every font of the
# chain embedded as a subset, passes qpdf and PDFBox Preflight (PDF/A-1b),
# gives every name back through pdftotext, and grows by at most 150 KiB over
# the Latin report. The font chain's digests are checked: a changed or
# missing font file is an error, not a silent change; so are those of the
# hyphenation dictionaries (fonts/hyphen.txt).
#
# Needs qpdf, pdffonts and pdftotext (poppler-utils) and, for Preflight, java
# with PDFBox 2 as tests/cli/pdfa.sh does (else those cases are skipped).

cd "$(dirname "$0")/../.." || exit 2


SUITE=text
. tests/lib.sh
suite_start qpdf pdffonts pdftotext sha256sum

W=tests/fixtures/world-text.xml
L=samples/regulated-credit-advisor.xml
mkdir -p "$tmp/pdf"

begin "the world-text record renders"
run report "$W" -o "$tmp/pdf/world.pdf" -q
expect_rc 0
[ -s "$tmp/pdf/world.pdf" ] || problem "no PDF"
# No character of the record is drawn as a replacement.
grep 'no glyph' "$tmp/err" >/dev/null && problem "characters replaced:" "$(excerpt "$tmp/err" 10)"
end

begin "world-text: qpdf --check is clean"
qpdf --check "$tmp/pdf/world.pdf" >"$tmp/qpdf" 2>&1 || problem "qpdf:" "$(excerpt "$tmp/qpdf" 10)"
end

begin "world-text: pdffonts shows every font embedded as a subset with ToUnicode"
pdffonts "$tmp/pdf/world.pdf" >"$tmp/fonts" 2>&1
# name type... encoding emb sub uni object: every row yes yes yes.
bad=$(awk 'NR > 2 && !($(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes")' "$tmp/fonts")
[ -n "$bad" ] && problem "fonts not embedded as subsets with ToUnicode:" "$bad"
for face in DejaVuSans NotoSansDevanagari NotoSansThai NotoSansCJKsc; do
    grep -q "^[A-Z][A-Z][A-Z][A-Z][A-Z][A-Z]+$face" "$tmp/fonts" || problem "no subset of $face:" "$(cat "$tmp/fonts")"
done
grep -q 'CID Type 0C' "$tmp/fonts" || problem "Noto CJK is not embedded as CIDFontType0C"
grep -q 'CID TrueType' "$tmp/fonts" || problem "no CIDFontType2 font"
end

begin "world-text: pdftotext gives every name back exactly"
pdftotext "$tmp/pdf/world.pdf" "$tmp/world.txt"
# pdftotext writes right-to-left runs in logical order, inside U+202B ..
# U+202C marks: a reader's text once those are removed.
"$PY" - "$tmp/world.txt" <<'EOF' >"$tmp/res"
import sys
t = open(sys.argv[1], encoding="utf-8").read().replace("\u202b", "").replace("\u202c", "")
names = ["王芳", "山田太郎", "김민준", "สมชาย", "अर्जुन शर्मा", "محمد العلي", "דוד כהן",
         "Nguyễn Thị Ngọc Ánh", "🚀"]
for n in names:
    if n not in t:
        print("missing %r" % n)
# The long compound comes back whole once lines are joined.
if "Datenschutzfolgenabschätzungsverfahrensbeschreibung" not in t.replace("\n", ""):
    print("the German compound is not in the text")
# Approval headings: the name in its place among the Latin words.
for n in ["王芳", "محمد العلي"]:
    if not any(n in line and "Approved" in line for line in t.splitlines()):
        print("no approval heading line with %r" % n)
EOF
[ -s "$tmp/res" ] && problem "$(cat "$tmp/res")"
end

begin "world-text: the report grows by at most 150 KiB over the Latin one"
run report "$L" -o "$tmp/pdf/latin.pdf" -q
expect_rc 0
lw=$(wc -c <"$tmp/pdf/latin.pdf")
ww=$(wc -c <"$tmp/pdf/world.pdf")
[ $((ww - lw)) -le $((150 * 1024)) ] || problem "world $ww bytes, Latin $lw: grows by $((ww - lw))"
end

begin "world-text: two runs give the same bytes"
run report "$W" -o "$tmp/world-again.pdf" -q
expect_rc 0
cmp -s "$tmp/pdf/world.pdf" "$tmp/world-again.pdf" || problem "two runs differ"
end

# ------------------------------------------------------------ the chain

mkdir -p "$tmp/chain"
begin "a font file whose digest differs from the chain is an error"
mkdir -p "$tmp/chain/fonts"
# Every line of DejaVu Sans says another digest.
sed 's/abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322/0000000000000000000000000000000000000000000000000000000000000000/' \
    fonts/chain.txt >"$tmp/chain/fonts/chain.txt"
cp -r schemas templates "$tmp/chain/"
READYAUDIT_DATADIR=$tmp/chain run report "$L" -o "$tmp/chain/out.pdf" -q
expect_rc 4
grep -q 'DejaVuSans.ttf: SHA-256 is abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322, not the one the font chain lists' "$tmp/err" ||
    problem "no digest error:" "$(excerpt "$tmp/err" 5)"
[ -e "$tmp/chain/out.pdf" ] && problem "a PDF was written"
end

# validate and score only ask which characters the faces have: they read
# no font file whole for its digest, and still find the characters no face
# has; a report drawing with the changed face is refused (above).
begin "validate and score do not check the digests; they still check the text"
READYAUDIT_DATADIR=$tmp/chain run validate "$L"
expect_rc 0
[ "$(cat "$tmp/out")" = "$L: valid (NWK-KREDITASSIST-2026-10, profile regulated, 50 results)" ] ||
    problem "stdout:" "$(excerpt "$tmp/out")"
# Its one warning is the governance rule's, as with the chain's own digests.
[ "$(cut -d: -f1-4 "$tmp/err")" = "$L:159: warning: self-acceptance" ] ||
    problem "stderr:" "$(excerpt "$tmp/err" 5)"
U=tests/fixtures/undrawable.xml
READYAUDIT_DATADIR=$tmp/chain run validate -q "$U"
expect_rc 0
[ "$(grep -c ': warning: .* have no glyph in the font chain\|: warning: .* has no glyph in the font chain' "$tmp/err")" = 2 ] ||
    problem "not the two coverage warnings:" "$(excerpt "$tmp/err" 5)"
READYAUDIT_DATADIR=$tmp/chain run score --strict "$U"
expect_rc 13
end

begin "a missing font file is an error naming it"
mkdir -p "$tmp/fontdir"
READYAUDIT_FONT_DIR=$tmp/fontdir run report "$L" -o "$tmp/fontdir/out.pdf" -q
expect_rc 4
grep -q "cannot open $tmp/fontdir/truetype/dejavu/DejaVuSans.ttf: No such file or directory" "$tmp/err" ||
    problem "no missing-font error:" "$(excerpt "$tmp/err" 5)"
end

# The faces after the first of each style are read when text first needs
# them: a missing one is still an error at once, one that cannot be read is
# an error of the report that needs it, and a Latin report reads none.
begin "a missing font file after the first faces is an error at once"
mkdir -p "$tmp/partial/truetype/noto"
cp -r /usr/share/fonts/truetype/dejavu /usr/share/fonts/truetype/ancient-scripts "$tmp/partial/truetype/"
ln -s /usr/share/fonts/opentype "$tmp/partial/opentype"
for f in /usr/share/fonts/truetype/noto/NotoSans*-*.ttf; do
    case $f in */NotoSansThai-Regular.ttf) ;; *) ln -s "$f" "$tmp/partial/truetype/noto/" ;; esac
done
READYAUDIT_FONT_DIR=$tmp/partial run report "$L" -o "$tmp/partial/out.pdf" -q
expect_rc 4
[ "$(cat "$tmp/err")" = "readyaudit: error: cannot set up the PDF: cannot open $tmp/partial/truetype/noto/NotoSansThai-Regular.ttf: No such file or directory" ] ||
    problem "not the missing-font error:" "$(excerpt "$tmp/err" 5)"
[ -e "$tmp/partial/out.pdf" ] && problem "a PDF was written"
end

# A chain whose second regular face is a face the file does not have.
mkdir -p "$tmp/lazy/fonts"
cp -r schemas templates "$tmp/lazy/"
{
    grep '^regular .*DejaVuSans.ttf$' fonts/chain.txt
    echo "regular  0f5db4f1749979d961019838b160bec74abdf7f9eca69553fe1aa856bbff49a4 truetype/dejavu/DejaVuSansMono.ttf#3"
    grep -v '^regular .*DejaVuSans.ttf$' fonts/chain.txt
} >"$tmp/lazy/fonts/chain.txt"
cp fonts/hyphen.txt "$tmp/lazy/fonts/"
begin "a font file text needs that cannot be read is an error of that report"
READYAUDIT_DATADIR=$tmp/lazy run report "$W" -o "$tmp/lazy/world.pdf" -q
expect_rc 4
[ "$(cat "$tmp/err")" = "readyaudit: error: cannot render the report: font error: /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf has no face 3" ] ||
    problem "not the font error:" "$(excerpt "$tmp/err" 5)"
[ -e "$tmp/lazy/world.pdf" ] && problem "a PDF was written"
end

begin "a Latin report reads only the first face of each style"
READYAUDIT_DATADIR=$tmp/lazy run report "$L" -o "$tmp/lazy/latin.pdf" -q
expect_rc 0
[ -s "$tmp/lazy/latin.pdf" ] || problem "no PDF"
end

# ------------------------------------------------- fonts checked before

# The user's cache (XDG_CACHE_HOME/readyaudit/verified-fonts) remembers
# the font files a report read whole and found as the chain lists them,
# by device, inode, size and times; src/pdf/fontcache.c says when it is
# trusted. A face changed since is read and refused as without it.
F=/usr/share/fonts/truetype/dejavu
FIRST="DejaVuSans.ttf DejaVuSans-Bold.ttf DejaVuSans-Oblique.ttf DejaVuSansMono.ttf"
XC=$tmp/xdg/readyaudit/verified-fonts

# entry FILE DIGEST: the line the cache holds for FILE as it is now.
entry() {
    stat -L -c '%d %i %s %.9Y %.9Z' "$1" | sed 's/\.//g' | tr '\n' ' '
    echo "$2"
}
digest_of() {
    grep " truetype/dejavu/$1\$" fonts/chain.txt | head -n 1 | awk '{print $2}'
}

begin "a report notes the four first faces in the user's cache, the user's alone"
XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/cached.pdf" -q
expect_rc 0
[ "$(stat -c %a "$tmp/xdg/readyaudit")" = 700 ] || problem "directory mode $(stat -c %a "$tmp/xdg/readyaudit")"
[ "$(stat -c %a "$XC")" = 600 ] || problem "file mode $(stat -c %a "$XC")"
[ "$(head -n 1 "$XC")" = "readyaudit verified fonts 1" ] || problem "header:" "$(head -n 1 "$XC")"
for f in $FIRST; do
    grep -qxF "$(entry "$F/$f" "$(digest_of "$f")")" "$XC" || problem "no entry for $f:" "$(cat "$XC")"
done
[ "$(wc -l <"$XC")" = 5 ] || problem "not 4 entries:" "$(cat "$XC")"
end

begin "with the cache read, the same report bytes; a cache that cannot be written is no error"
XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/cached2.pdf" -q
expect_rc 0
HOME=/nonexistent XDG_CACHE_HOME= run report "$L" -o "$tmp/pdf/nocache.pdf" -q
expect_rc 0
: >"$tmp/afile"
XDG_CACHE_HOME=$tmp/afile run report "$L" -o "$tmp/pdf/unwritable.pdf" -q
expect_rc 0
[ -s "$tmp/err" ] && problem "stderr:" "$(excerpt "$tmp/err" 5)"
for p in cached cached2 unwritable; do
    cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/$p.pdf" || problem "$p.pdf differs from the report made without a cache"
done
end

# A font directory of the chain's files, the first faces copied (the other
# files linked), as READYAUDIT_FONT_DIR.
mkdir -p "$tmp/own/truetype/dejavu"
for d in noto ancient-scripts; do ln -s "/usr/share/fonts/truetype/$d" "$tmp/own/truetype/$d"; done
ln -s /usr/share/fonts/opentype "$tmp/own/opentype"
for f in $FIRST; do cp "$F/$f" "$tmp/own/truetype/dejavu/"; done
OWN=$tmp/own/truetype/dejavu

begin "a face changed less than 3 s before it was read is not noted (its times could stay)"
rm -rf "$tmp/xdg"
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/fresh.pdf" -q
expect_rc 0
for f in $FIRST; do
    ino=$(stat -c %i "$OWN/$f")
    grep -q "^[0-9]* $ino " "$XC" 2>/dev/null && problem "$f noted while fresh"
done
end

sleep 3
begin "a face changed in place after it was noted is read again and refused"
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/own.pdf" -q
expect_rc 0
grep -qxF "$(entry "$OWN/DejaVuSans.ttf" "$(digest_of DejaVuSans.ttf)")" "$XC" || problem "not noted:" "$(cat "$XC")"
cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/own.pdf" || problem "the report of the copies differs"
# One byte of the glyph data changed, the size and the modification time kept.
printf 'X' | dd of="$OWN/DejaVuSans.ttf" bs=1 seek=400000 conv=notrunc 2>/dev/null
touch -r "$F/DejaVuSans.ttf" "$OWN/DejaVuSans.ttf"
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/changed.pdf" -q
expect_rc 4
grep -q "$OWN/DejaVuSans.ttf: SHA-256 is [0-9a-f]*, not the one the font chain lists" "$tmp/err" ||
    problem "not the digest error:" "$(excerpt "$tmp/err" 5)"
[ -e "$tmp/pdf/changed.pdf" ] && problem "a PDF was written"
end

begin "a face replaced by another file (a new inode, the same size and times) is refused"
cp "$F/DejaVuSans.ttf" "$OWN/DejaVuSans.ttf"
touch -r "$F/DejaVuSans.ttf" "$OWN/DejaVuSans.ttf"
sleep 3
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/own2.pdf" -q
expect_rc 0
cp "$OWN/DejaVuSans.ttf" "$tmp/changed.ttf"
printf 'X' | dd of="$tmp/changed.ttf" bs=1 seek=400000 conv=notrunc 2>/dev/null
touch -r "$F/DejaVuSans.ttf" "$tmp/changed.ttf"
mv "$tmp/changed.ttf" "$OWN/DejaVuSans.ttf"
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/replaced.pdf" -q
expect_rc 4
grep -q "$OWN/DejaVuSans.ttf: SHA-256 is [0-9a-f]*, not the one the font chain lists" "$tmp/err" ||
    problem "not the digest error:" "$(excerpt "$tmp/err" 5)"
end

# Writing the user's cache vouches for a file: an entry for the changed
# face as it is now is believed (what the cache saves is that check), but
# only from a cache that no one but the user may write.
begin "an entry is believed only from a cache file and directory no one else may write"
entry "$OWN/DejaVuSans.ttf" "$(digest_of DejaVuSans.ttf)" >>"$XC"
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/vouched.pdf" -q
expect_rc 0
chmod g+w "$XC"
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/groupfile.pdf" -q
expect_rc 4
chmod g-w "$XC"
chmod o+w "$tmp/xdg/readyaudit"
READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/otherdir.pdf" -q
expect_rc 4
chmod o-w "$tmp/xdg/readyaudit"
if [ "$(id -u)" = 0 ]; then
    chown nobody "$XC"
    READYAUDIT_FONT_DIR=$tmp/own XDG_CACHE_HOME=$tmp/xdg run report "$L" -o "$tmp/pdf/notmine.pdf" -q
    expect_rc 4
    chown root "$XC"
fi
grep -q "$OWN/DejaVuSans.ttf: SHA-256 is [0-9a-f]*, not the one the font chain lists" "$tmp/err" ||
    problem "not the digest error:" "$(excerpt "$tmp/err" 5)"
# ------------------------------------------- what earlier reports computed

# The user's cache keeps the words a report shaped (shaped-words), the
# break opportunities it found (break-opportunities) and the font subsets
# it embedded (font-subsets) for the next report; src/pdf/shapestore.c,
# src/layout/layout.c and src/pdf/subsetstore.c say when each is believed.
# tests/cli/cachefile.py reads and alters them.
cf() { python3 tests/cli/cachefile.py "$@"; }

# computed KIND NAME WORD DAMAGE...: the tests of cache file NAME
# (cachefile.py KIND), forging its entries for WORD where a forged entry
# must show, and damaging it each way DAMAGE says (cachefile.py).
computed() {
    kind=$1 name=$2 word=$3
    shift 3
    C=$tmp/cc-$kind/readyaudit/$name
    begin "a report keeps its $kind in $name in the user's cache, the user's alone"
    XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-1.pdf" -q
    expect_rc 0
    [ "$(stat -c %a "$C" 2>/dev/null)" = 600 ] || problem "no file, or mode $(stat -c %a "$C" 2>/dev/null)"
    cf "$kind" list "$C" >"$tmp/$kind.list" || problem "not a file of $kind"
    end

    begin "the next report reads its $kind: the same bytes, and the file is not written again"
    ino=$(stat -c %i "$C")
    XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-2.pdf" -q
    expect_rc 0
    for p in "$kind-1" "$kind-2"; do
        cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/$p.pdf" || problem "$p.pdf differs from the report made without a cache"
    done
    [ "$(stat -c %i "$C")" = "$ino" ] || problem "the file was written again"
    end

    # What the file says is what the report draws (the cache saves
    # computing it): a forged entry shows, but only from a file no one but
    # the user may write.
    cp "$C" "$tmp/$kind.good"
    forged() { cp "$tmp/$kind.good" "$C" && cf "$kind" forge "$C" "$word"; }
    begin "an entry of $name is believed only from a file and directory no one else may write"
    forged
    XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-forged.pdf" -q
    expect_rc 0
    cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/$kind-forged.pdf" && problem "the forged entry did not show"
    forged && chmod g+w "$C"
    XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-group.pdf" -q
    expect_rc 0
    cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/$kind-group.pdf" || problem "read from a file the group may write"
    forged && chmod 600 "$C" && chmod o+w "${C%/*}"
    XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-dir.pdf" -q
    expect_rc 0
    chmod o-w "${C%/*}"
    cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/$kind-dir.pdf" || problem "read from a directory others may write"
    if [ "$(id -u)" = 0 ]; then
        forged && chown nobody "$C"
        XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-notmine.pdf" -q
        expect_rc 0
        cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/$kind-notmine.pdf" || problem "read from another user's file"
    fi
    end

    # A batch's workers share what its specimen report computed instead.
    begin "a batch reads no $name: its report is the one made without a cache"
    forged
    XDG_CACHE_HOME=$tmp/cc-$kind run batch "$L" -o "$tmp/pack-$kind" -q
    expect_rc 0
    cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pack-$kind/NWK-KREDITASSIST-2026-10.pdf" ||
        problem "the batch's report differs:" "$(ls "$tmp/pack-$kind")"
    end

    # A match must rest on the inputs and the installed readyaudit alone.
    begin "verify reads no $name: a genuine report matches with a forged file present"
    forged
    cp "$tmp/pdf/nocache.pdf" "$tmp/genuine-$kind.pdf"
    XDG_CACHE_HOME=$tmp/cc-$kind run verify "$tmp/genuine-$kind.pdf" "$L"
    expect_rc 0
    grep -q "^MATCH: " "$tmp/out" || problem "not a match:" "$(tail -n 1 "$tmp/out")"
    end

    # healed WHAT: a report made with the file as it is now is the one
    # made without a cache, and writes the file again as it was.
    healed() {
        XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-healed.pdf" -q
        expect_rc 0
        cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/$kind-healed.pdf" || problem "$1: the file was read"
        cmp -s "$tmp/$kind.good" "$C" || problem "$1: not written again as it was"
    }

    # Each damage is made to a file whose entries for the word are forged
    # too: a file read in part would show them.
    begin "a damaged $name, or one of another run, is not read at all; the next report writes a good one"
    for how in "$@"; do
        forged && cf "$kind" damage "$C" "$how" || problem "$how: could not damage the file"
        healed "$how"
    done
    end

    # A crash can leave a file cut short (it is renamed into place without
    # fsync): what is left of one of ours is replaced.
    begin "a $name cut short, down to an empty file, is written again whole"
    for cut in 0 6 20; do
        head -c $cut "$tmp/$kind.good" >"$C"
        healed "cut to $cut bytes"
    done
    end

    # A report is never lost to a cache file written over it.
    begin "a report written where $name goes is never replaced by it"
    O=$tmp/cc-out-$kind/readyaudit/$name
    mkdir -p "${O%/*}" && chmod 700 "${O%/*}" "${O%/*/*}"
    for i in 1 2; do
        XDG_CACHE_HOME=$tmp/cc-out-$kind run report "$L" -o "$O" -q
        expect_rc 0
        cmp -s "$tmp/pdf/nocache.pdf" "$O" || problem "run $i: the report there is gone:" "$(head -c 40 "$O" | tr -c '[:print:]' .)"
    done
    end

    # Bytes changed at random (seeded), the CRC made right: whatever the
    # checks let through is drawn, but a report is always made whole.
    begin "$name changed at random, its CRC made right: a whole report every time"
    for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
        cp "$tmp/$kind.good" "$C" && cf "$kind" mutate "$C" "$seed"
        XDG_CACHE_HOME=$tmp/cc-$kind run report "$L" -o "$tmp/pdf/$kind-m$seed.pdf" -q
        expect_rc 0
        [ -s "$tmp/err" ] && problem "seed $seed: stderr:" "$(excerpt "$tmp/err" 3)"
        qpdf --check "$tmp/pdf/$kind-m$seed.pdf" >/dev/null 2>&1 || problem "seed $seed: qpdf --check fails"
    done
    end
}

# validate and score ask only which characters the faces have.
T="validate and score open neither file of what reports computed"
if [ "$have_strace" = 1 ]; then
    begin "$T"
    for cmd in validate score; do
        XDG_CACHE_HOME=$tmp/cc-words strace -f -qq -e trace=open,openat -o "$tmp/trace" "$RA" $cmd "$L" >/dev/null 2>&1
        grep -q "regulated-credit-advisor.xml" "$tmp/trace" || problem "$cmd did not run:" "$(excerpt "$tmp/trace" 3)"
        grep -E 'shaped-words|break-opportunities|font-subsets' "$tmp/trace" && problem "$cmd opened it"
    done
    end
else
    skip "$T" "strace cannot run here"
fi

computed words shaped-words Readiness flip cut key count tail gid cluster flags byte length \
    kind font char offset tcluster
begin "words and texts are kept with their face: the cover's verdict, a decision in bold, names in other letters"
for w in "0 Readiness" "0 Approved" "1 Approved" "0 Zoë Müller" "0 Дмитрий Соколов" "0 Ελένη Παπαδοπούλου"; do
    grep -qxF "$w" "$tmp/words.list" || problem "no entry '$w'"
done
grep -v '^[0-3] ' "$tmp/words.list" | head -n 3 | grep . && problem "an entry that is not of a face"
end

# A text shaped whole (not printable ASCII) is read from the file too:
# forged, it shows; the file's other checks are the words' (above).
begin "a name in other letters is drawn as shaped-words says, from the user's file"
C=$tmp/cc-words/readyaudit/shaped-words
cp "$tmp/words.good" "$C" && cf words forge "$C" "Zoë Müller" || problem "could not forge the name"
XDG_CACHE_HOME=$tmp/cc-words run report "$L" -o "$tmp/pdf/words-text.pdf" -q
expect_rc 0
cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/words-text.pdf" && problem "the forged text did not show"
# Its glyphs are forged, not its characters: it still extracts as itself.
pdftotext "$tmp/pdf/words-text.pdf" - | grep -q "Zoë Müller" || problem "the name does not extract"
cp "$tmp/words.good" "$C"
end

computed breaks break-opportunities Remediation: flip cut key count tail value inside lang length
begin "break opportunities are kept for the record's language, headings and text in other scripts too"
grep -qxF "en-US Prompt management" "$tmp/breaks.list" || problem "no entry for a layer's name"
grep -qxF "en-US Executive summary" "$tmp/breaks.list" || problem "no entry for a heading"
grep -q "^en-US .*Owner: Ελένη Παπαδοπούλου" "$tmp/breaks.list" || problem "no entry for a Greek owner's name"
end

# A report of a record no earlier one drew writes both files again, whole
# and bounded: what it computed first, then what it used of the file,
# then the rest while it fits, so that the checklist's words stay and a
# record's own fall out. before LIST A B: A's line comes before B's.
before() {
    a=$(grep -nxF "$2" "$1" | cut -d: -f1) b=$(grep -nxF "$3" "$1" | cut -d: -f1)
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}
begin "another record's report writes what it computed first, then what it used of the file, then the rest"
W=tests/fixtures/world-text.xml
for f in words:shaped-words breaks:break-opportunities; do
    kind=${f%%:*} C=$tmp/cc-${f%%:*}/readyaudit/${f#*:}
    cp "$tmp/$kind.good" "$C"
    XDG_CACHE_HOME=$tmp/cc-$kind run report "$W" -o "$tmp/pdf/$kind-world.pdf" -q
    expect_rc 0
    cf "$kind" list "$C" >"$tmp/$kind-2.list"
    # Where the first entry the first record's file held is: none of the
    # second record's own after it.
    old=$(grep -nxF -f "$tmp/$kind.list" "$tmp/$kind-2.list" | head -n 1 | cut -d: -f1)
    own=$(grep -nvxF -f "$tmp/$kind.list" "$tmp/$kind-2.list" | tail -n 1 | cut -d: -f1)
    [ -n "$old" ] && [ -n "$own" ] && [ "$own" -lt "$old" ] ||
        problem "$kind: an entry of the second record's own (line $own) after the file's (line $old)"
done
before "$tmp/words-2.list" "0 Readiness" "0 Zoë Müller" ||
    problem "words: a word both records draw is not before one only the first draws"
before "$tmp/breaks-2.list" "en-US Executive summary" "$(grep -m1 '^en-US .*Owner: Ελένη Παπαδοπούλου' "$tmp/breaks.list")" ||
    problem "breaks: a heading both records have is not before a text only the first has"
cmp -s "$tmp/pdf/words-world.pdf" "$tmp/pdf/breaks-world.pdf" || problem "the second record's reports differ"
end

# The forged entry maps every glyph of the chain's first font file to glyph 1.
computed subsets font-subsets 0 flip cut key count tail font order glyphs zlen program
begin "font subsets are kept per font file, another record's before the ones the file held"
# The regulated sample draws four faces of DejaVu (the chain's files 0, 9,
# 17 and 18: regular, bold, oblique and mono).
[ "$(cut -d' ' -f1 "$tmp/subsets.list" | tr '\n' ' ')" = "0 9 17 18 " ] ||
    problem "not the four faces:" "$(cat "$tmp/subsets.list")"
C=$tmp/cc-subsets/readyaudit/font-subsets
cp "$tmp/subsets.good" "$C"
XDG_CACHE_HOME=$tmp/cc-subsets run report "$W" -o "$tmp/pdf/subsets-world.pdf" -q
expect_rc 0
HOME=/nonexistent XDG_CACHE_HOME= run report "$W" -o "$tmp/pdf/world-nocache.pdf" -q
expect_rc 0
cmp -s "$tmp/pdf/world-nocache.pdf" "$tmp/pdf/subsets-world.pdf" || problem "the second record's report differs"
cf subsets list "$C" >"$tmp/subsets-2.list"
[ "$(wc -l <"$tmp/subsets-2.list")" -gt 4 ] || problem "no entry of the second record:" "$(cat "$tmp/subsets-2.list")"
tail -n 4 "$tmp/subsets-2.list" | cmp -s - "$tmp/subsets.list" || problem "the first record's entries are not last"
XDG_CACHE_HOME=$tmp/cc-subsets run report "$L" -o "$tmp/pdf/subsets-again.pdf" -q
expect_rc 0
cmp -s "$tmp/pdf/nocache.pdf" "$tmp/pdf/subsets-again.pdf" || problem "the first record's report differs"
end

begin "font-subsets holds at most 16 entries, the last report's first"
for s in mvp-support-bot enterprise-claims-assistant startup-sales-copilot; do
    XDG_CACHE_HOME=$tmp/cc-subsets run report "samples/$s.xml" -o "$tmp/pdf/subsets-$s.pdf" -q
    expect_rc 0
done
cf subsets list "$C" >"$tmp/subsets-3.list"
[ "$(wc -l <"$tmp/subsets-3.list")" -eq 16 ] || problem "not 16 entries:" "$(wc -l <"$tmp/subsets-3.list")"
HOME=/nonexistent XDG_CACHE_HOME=$tmp/cc-subsets-alone run report samples/startup-sales-copilot.xml -o "$tmp/pdf/subsets-alone.pdf" -q
expect_rc 0
cf subsets list "$tmp/cc-subsets-alone/readyaudit/font-subsets" >"$tmp/subsets-alone.list"
head -n "$(wc -l <"$tmp/subsets-alone.list")" "$tmp/subsets-3.list" | cmp -s - "$tmp/subsets-alone.list" ||
    problem "the last report's entries are not first:" "$(head -n 4 "$tmp/subsets-3.list")"
cmp -s "$tmp/pdf/subsets-startup-sales-copilot.pdf" "$tmp/pdf/subsets-alone.pdf" || problem "the last report differs"
end

# ------------------------------------------------ the hyphenation dictionaries

# fonts/hyphen.txt pins each dictionary by its SHA-256 as the chain pins the
# fonts: the German fixture's report needs hyph_de_DE.dic.
G=tests/fixtures/german-compounds.xml
mkdir -p "$tmp/hyph"
begin "a German record's report hyphenates its compounds with the German dictionary"
run report "$G" -o "$tmp/hyph/de.pdf" -q
expect_rc 0
# (make asan: LeakSanitizer's note on libhyphen's own leak is no diagnostic.)
grep -E ': (error|warning):' "$tmp/err" >/dev/null && problem "stderr:" "$(excerpt "$tmp/err" 5)"
pdftotext -layout "$tmp/hyph/de.pdf" - 2>/dev/null | grep -q ' Datenschutzfolgenab-$' ||
    problem "no compound hyphenated at a point of the German dictionary"
end

# A copy of the dictionaries, the German one with one byte changed.
cp /usr/share/hyphen/hyph_en_US.dic /usr/share/hyphen/hyph_de_DE.dic "$tmp/hyph/"
"$PY" - "$tmp/hyph/hyph_de_DE.dic" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[len(d) // 2] ^= 1
open(sys.argv[1], "wb").write(d)
EOF
good=$(sha256sum </usr/share/hyphen/hyph_de_DE.dic | cut -c1-64)
bad=$(sha256sum <"$tmp/hyph/hyph_de_DE.dic" | cut -c1-64)
begin "a dictionary whose digest differs from the list is refused, naming it and both digests (exit 4)"
READYAUDIT_HYPH_DIR=$tmp/hyph run report "$G" -o "$tmp/hyph/out.pdf" -q
expect_rc 4
[ "$(cat "$tmp/err")" = "readyaudit: error: cannot use the hyphenation dictionary $tmp/hyph/hyph_de_DE.dic: its SHA-256 is $bad, not $good, the one $PWD/fonts/hyphen.txt lists" ] ||
    problem "not the dictionary error:" "$(excerpt "$tmp/err" 5)"
[ -e "$tmp/hyph/out.pdf" ] && problem "a PDF was written"
end

begin "batch: the record whose dictionary differs fails with that error; the other's report is written"
READYAUDIT_HYPH_DIR=$tmp/hyph run batch -q "$G" samples/mvp-support-bot.xml -o "$tmp/hyph/pack"
expect_rc 4
grep -q "cannot use the hyphenation dictionary $tmp/hyph/hyph_de_DE.dic: its SHA-256 is $bad, not $good, the one $PWD/fonts/hyphen.txt lists" "$tmp/err" ||
    problem "not the dictionary error:" "$(excerpt "$tmp/err" 5)"
[ -e "$tmp/hyph/pack/PDW-HELPBOT-DE.pdf" ] && problem "the German report was written"
[ -s "$tmp/hyph/pack/PDW-HELPBOT-2026-03.pdf" ] || problem "the English report is missing"
end

begin "an English report needs only the English dictionary: the changed German one is not read"
READYAUDIT_HYPH_DIR=$tmp/hyph run report samples/mvp-support-bot.xml -o "$tmp/hyph/en.pdf" -q
expect_rc 0
[ -s "$tmp/hyph/en.pdf" ] || problem "no PDF"
end

begin "without the dictionary list no report is made (exit 4), and the error names it"
mkdir -p "$tmp/nolist/fonts"
ln -s "$PWD/schemas" "$PWD/templates" "$tmp/nolist/"
cp fonts/chain.txt "$tmp/nolist/fonts/"
READYAUDIT_DATADIR=$tmp/nolist run report samples/mvp-support-bot.xml -o "$tmp/nolist/out.pdf" -q
expect_rc 4
[ "$(cat "$tmp/err")" = "readyaudit: error: cannot read the hyphenation dictionary list $tmp/nolist/fonts/hyphen.txt: cannot open: No such file or directory" ] ||
    problem "not the list error:" "$(excerpt "$tmp/err" 5)"
[ -e "$tmp/nolist/out.pdf" ] && problem "a PDF was written"
end

# ------------------------------------------------------------ Preflight

preflight_find
if [ "$preflight" != yes ]; then
    skip "world-text: PDFBox Preflight says PDF/A-1b" "$preflight"
else
    begin "world-text: PDFBox Preflight says PDF/A-1b"
    java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" \
        org.apache.pdfbox.preflight.Validator_A1b "$tmp/pdf/world.pdf" >"$tmp/preflight" 2>&1
    grep -q "is a valid PDF/A-1b file" "$tmp/preflight" || problem "Preflight said:" "$(excerpt "$tmp/preflight" 15)"
    end
fi

suite_end
