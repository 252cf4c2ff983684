#!/bin/sh
# tests/cli/lint.sh - `make lint` (tests/lint.sh) passes on this tree and
# fails, with a plain message, on a copy with one deliberate fault each:
# a wrong include of libharu, libxml2, jansson or the command line's header
# in a stage that must not have it, a stage including a later stage, and a
# badly formatted file.
cd "$(dirname "$0")/../.." || exit 2
SUITE=lint
. tests/lib.sh
suite_start clang-format

# expect_line FILE LINE: FILE ($tmp/FILE) has this exact line.
expect_line() {
    grep -qxF -e "$2" "$tmp/$1" && return
    problem "$1: no line '$2'; got:" "$(excerpt "$tmp/$1" 12)"
}

# lint_copy NAME: a fresh copy of the sources in $tmp/NAME, for one fault.
lint_copy() {
    rm -rf "${tmp:?}/$1"
    mkdir -p "$tmp/$1"
    cp -r src tests .clang-format "$tmp/$1/"
}

# lint_run NAME: tests/lint.sh over $tmp/NAME; output in $tmp/out, status in $rc.
lint_run() {
    sh tests/lint.sh "$tmp/$1" >"$tmp/out" 2>&1
    rc=$?
}

begin "this tree passes make lint"
sh tests/lint.sh . >"$tmp/out" 2>&1
rc=$?
expect_rc 0
expect_line out "lint: ok"
end

# fault NAME FILE LINE-TO-ADD EXPECTED-MESSAGE: adds the line after the
# file's first #include and expects lint to name it.
fault() {
    begin "make lint fails on $1"
    lint_copy fault
    awk -v add="$3" '{ print } /^#include/ && !done { print add; done = 1 }' \
        "$tmp/fault/$2" >"$tmp/fault/$2.new" && mv "$tmp/fault/$2.new" "$tmp/fault/$2"
    lint_run fault
    expect_rc 1
    expect_line out "$4"
    end
}

fault "libharu in the scorer" src/score/score.c '#include <hpdf.h>' \
    "lint: src/score/score.c:3: #include <hpdf.h>: only the PDF backend (src/pdf/) may call libharu"
fault "libxml2 in the report" src/report/report.c '#include <libxml/tree.h>' \
    "lint: src/report/report.c:4: #include <libxml/tree.h>: only the loader (src/model/load.c) and the XML writers (src/format/format_data.c) may use libxml2"
fault "the CLI header in the layout engine" src/layout/layout.c '#include "cli/cli.h"' \
    "lint: src/layout/layout.c:4: #include \"cli/cli.h\": only the command line (src/cli/) may include its headers"
fault "jansson in the scorer's header" src/score/score.h '#include <jansson.h>' \
    "lint: src/score/score.h:9: #include <jansson.h>: only the JSON and manifest code (src/pack/manifest.c, src/format/format_data.c, src/format/format_diff.c, src/cli/cmd_verify.c) may use jansson"
fault "the report in the scorer (a stage reaching forward)" src/score/score.c '#include "report/report.h"' \
    "lint: src/score/score.c:3: #include \"report/report.h\": src/score/ may include only its own stage and those before it (base pdf model score format layout seal report pack pipeline cli)"
fault "the pipeline in the PDF backend" src/pdf/font.c '#include "pipeline/pipeline.h"' \
    "lint: src/pdf/font.c:13: #include \"pipeline/pipeline.h\": src/pdf/ may include only its own stage and those before it (base pdf model score format layout seal report pack pipeline cli)"

begin "make lint fails on a file that is not formatted"
lint_copy fmt
printf 'int  misformatted ( void ) { return 0 ; }\n' >>"$tmp/fmt/src/base/buf.c"
lint_run fmt
expect_rc 1
expect_line out "lint: src/base/buf.c is not formatted as .clang-format says; run: clang-format -i src/base/buf.c"
end

suite_end
