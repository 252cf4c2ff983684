#!/bin/sh
# tests/lint.sh [ROOT] - what `make lint` checks in the tree at ROOT (default:
# this checkout): every C file is formatted as .clang-format says, and each
# library's headers are included only by the stage that owns it. Prints one
# line per problem and exits 1 when there is one; prints "lint: ok" otherwise.
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
bad=0

# Who may include what: HEADER-PATTERN|FILES-ALLOWED (shell patterns)|WHY.
# libharu stays in the PDF backend, libxml2 in the loader and the XML
# writers, the command line's header in the command line, jansson in the
# JSON and manifest code, GnuTLS in the signature code (src/seal/),
# libunibreak and libhyphen in the line breaker.
rules='<hpdf|src/pdf/*|only the PDF backend (src/pdf/) may call libharu
<libxml/|src/model/load.c src/model/messages.c src/model/messages.h src/format/format_data.c|only the loader (src/model/load.c) and the XML writers (src/format/format_data.c) may use libxml2
"cli/|src/cli/*|only the command line (src/cli/) may include its headers
<jansson|src/pack/manifest.c src/format/format_data.c src/format/format_diff.c src/cli/cmd_verify.c|only the JSON and manifest code (src/pack/manifest.c, src/format/format_data.c, src/format/format_diff.c, src/cli/cmd_verify.c) may use jansson
<hb|src/pdf/*|only the PDF backend (src/pdf/) may use HarfBuzz
<fribidi|src/pdf/shape.c|only the shaper (src/pdf/shape.c) may use FriBidi
<gnutls/|src/seal/*|only the signature code (src/seal/) may use GnuTLS
<linebreak|src/layout/break.c|only the line breaker (src/layout/break.c) may use libunibreak
<hyphen|src/layout/break.c|only the line breaker (src/layout/break.c) may use libhyphen
<libdeflate|src/pdf/* src/base/usercache.c|only the PDF backend (src/pdf/) and the CRC-32 of cache files (src/base/usercache.c) may use libdeflate
<sqlite3|src/pack/index.c src/pack/sqlite.h src/pack/sqlite.c|only the pack index (src/pack/index.c, and src/pack/sqlite.c that loads SQLite for it) may use SQLite'

if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
    echo "lint: $CLANG_FORMAT not found (make deps installs it)"
    exit 1
fi
files=$(find src tests -name '*.[ch]' | sort)
# One clang-format run over every file; it names each file that differs.
# shellcheck disable=SC2086
unformatted=$("$CLANG_FORMAT" --dry-run -Werror $files 2>&1 |
    sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*clang-format-violations.*/\1/p' | sort -u)
for f in $unformatted; do
    echo "lint: $f is not formatted as .clang-format says; run: clang-format -i $f"
    bad=1
done

# The stages in the order they may include each other: a file of one stage
# includes only headers of its own stage and of stages before it (README,
# "Layout of the repository").
stages="base pdf model score format layout seal report pack pipeline cli"
rank() {
    i=0
    for s in $stages; do
        i=$((i + 1))
        [ "$s" = "$1" ] && echo "$i" && return
    done
    echo 0
}

for f in $files; do
    case $f in tests/*) continue ;; esac
    stage=${f#src/}
    stage=${stage%%/*}
    own=$(rank "$stage")
    if [ "$own" = 0 ]; then
        echo "lint: $f: src/$stage/ is not a stage of the layout ($stages)"
        bad=1
        continue
    fi
    for used in $(sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z]*\)/.*|\1|p' "$f" | sort -u); do
        [ "$(rank "$used")" -le "$own" ] && [ "$(rank "$used")" != 0 ] && continue
        grep -n "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"$used/" "$f" | while IFS=: read -r line text; do
            echo "lint: $f:$line: $text: src/$stage/ may include only its own stage and those before it ($stages)"
        done
        bad=1
    done
    printf '%s\n' "$rules" | while IFS='|' read -r header allowed why; do
        allowed_here=0
        for a in $allowed; do
            # shellcheck disable=SC2254
            case $f in $a) allowed_here=1 ;; esac
        done
        [ "$allowed_here" = 1 ] && continue
        grep -n "^[[:space:]]*#[[:space:]]*include[[:space:]]*$header" "$f" |
            while IFS=: read -r line text; do
                echo "lint: $f:$line: $(printf '%s' "$text" | sed 's/^[[:space:]]*//'): $why"
            done
    done | grep . && bad=1
done

[ "$bad" = 0 ] && echo "lint: ok"
exit "$bad"
