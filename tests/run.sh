#!/bin/sh
# Runs every test suite given (cmocka binaries and tests/cli/*.sh suites) and
# prints one closing line totalling them all: "N passed, N failed, N skipped".
# Suites print their own failures; V=1 shows everything.
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@" tests/cli/lint.sh tests/cli/cli.sh tests/cli/messages.sh tests/cli/governance.sh tests/cli/history.sh tests/cli/report.sh tests/cli/text.sh tests/cli/breaks.sh tests/cli/coverage.sh tests/cli/batch.sh tests/cli/index.sh tests/cli/portfolio.sh tests/cli/verify.sh tests/cli/pdfa.sh tests/cli/fields.sh tests/cli/sign.sh tests/cli/safety.sh; do
    [ -e "$t" ] || continue
    case "$t" in
    *.sh) sh "$t" >"$log" 2>&1 ;;
    *) CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1 ;;
    esac
    rc=$?
    # cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)" /
    # "[  SKIPPED ] N test(s)", once per group of a program (summed); our
    # shell suites: one closing "NAME: N passed, N failed, N skipped".
    total='^[a-z-]*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$'
    sum='{ n += $1 } END { if (NR) print n }'
    p=$(sed -n "s/^\[  PASSED  \] \([0-9]*\) test.*/\1/p" "$log" | awk "$sum")
    f=$(sed -n "s/^\[  FAILED  \] \([0-9]*\) test.*/\1/p" "$log" | awk "$sum")
    s=$(sed -n "s/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p" "$log" | awk "$sum")
    p=${p:-$(sed -n "s/$total/\1/p" "$log" | tail -1)}
    f=${f:-$(sed -n "s/$total/\2/p" "$log" | tail -1)}
    s=${s:-$(sed -n "s/$total/\3/p" "$log" | tail -1)}
    p=${p:-0}
    f=${f:-0}
    s=${s:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed or failed without saying so
    fi
    if [ "$f" -ne 0 ] || [ "${V:-0}" = 1 ]; then
        cat "$log"
    fi
    printf '%-24s %4d passed, %d failed, %d skipped\n' "$(basename "$t")" "$p" "$f" "$s"
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
