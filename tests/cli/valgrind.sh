#!/bin/sh
# tests/valgrind.sh BINARY - every sample through validate, score (all
# formats), report, batch and verify under valgrind memcheck. Passes only
# with zero errors and zero definitely or indirectly lost bytes. Ends with
# "valgrind: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 2
ra=${1:-./readyaudit}
command -v valgrind >/dev/null || { echo "valgrind: not installed"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The user's cache starts empty: the first runs write it, the later ones read it.
XDG_CACHE_HOME=$tmp/cache
export XDG_CACHE_HOME
pass=0
fail=0
vg() {
    name=$1
    shift
    if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --trace-children=no "$ra" "$@" >/dev/null 2>"$tmp/log"; then
        pass=$((pass + 1))
    else
        rc=$?
        # Exit codes of the program itself (not 99) are not memcheck's business.
        if [ "$rc" -ne 99 ] && ! grep -q '^==' "$tmp/log"; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1))
            echo "FAIL: $name (exit $rc)"
            sed 's/^/    /' "$tmp/log" | head -40
        fi
    fi
}
for f in samples/*.xml; do
    b=$(basename "$f" .xml)
    vg "validate $b" validate "$f"
    for fmt in text json csv junit; do
        vg "score $fmt $b" score --format "$fmt" "$f"
    done
    vg "report $b" report "$f" -o "$tmp/$b.pdf"
    vg "verify $b" verify "$tmp/$b.pdf" "$f"
done
for f in tests/malformed/*.xml; do
    vg "validate $(basename "$f")" validate "$f"
done
vg "batch" batch -j2 samples tests/malformed/unknown-check.xml -o "$tmp/pack" \
    --manifest "$tmp/pack/m.json" --summary "$tmp/pack/p.pdf"
echo "valgrind: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
