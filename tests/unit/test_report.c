/* test_report.c - the layout of whole reports: tests/golden/NAME.layout is the
 * layout's text dump (ra_layout_dump) of the report of samples/NAME.xml with
 * the default template, so that a change of the report's layout shows as a
 * readable diff, independent of libharu's bytes.
 *
 * Run from the top of the repository (tests/run.sh does). After a deliberate
 * change of the layout, regenerate the goldens and read the diff before
 * committing:
 *   make build/test_report && READYAUDIT_UPDATE_GOLDEN=1 build/test_report */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/load.h"
#include "report/report.h"
#include "testutil.h"

#ifndef RA_TEST_FONT_CHAIN
/* The font chain of this checkout (tests run from its top directory). */
#define RA_TEST_FONT_CHAIN "fonts/chain.txt"
#endif

/* Prints every diagnostic as "FILE:LINE: severity: message". */
static void print_diag(void *ctx, const ra_diag_t *d)
{
    (void)ctx;
    fprintf(stderr, "%s:%ld: %s: %s\n", d->file ? d->file : "-", d->line,
            ra_severity_name(d->severity), d->message);
}

/* Renders samples/NAME.xml with the shipped checklist and the default
 * template and stores the layout dump in dump. */
static void render_dump(const char *name, ra_buf_t *dump)
{
    ra_diag_sink_t sink = {.fn = print_diag};
    ra_loader_t *ld = NULL;
    ra_checklist_t *cl = NULL;
    ra_template_t *tpl = NULL;
    ra_record_t *rec = NULL;
    ra_score_t *s = NULL;
    ra_buf_t path = RA_BUF_INIT, pdf = RA_BUF_INIT;
    ra_buf_printf(&path, "samples/%s.xml", name);
    assert_int_equal(ra_loader_new(".", &sink, &ld), RA_OK);
    assert_int_equal(ra_load_checklist(ld, "templates/llmops-readiness.xml", &cl), RA_OK);
    assert_int_equal(ra_load_template(ld, "templates/default-report.xml", &tpl), RA_OK);
    assert_int_equal(ra_load_record(ld, ra_buf_str(&path), &rec), RA_OK);
    assert_int_equal(ra_record_check(cl, rec, &sink), RA_OK);
    long p = ra_checklist_find_profile(cl, rec->profile);
    assert_true(p >= 0);
    assert_int_equal(ra_score_compute(cl, rec, (size_t)p, &s), RA_OK);
    ra_report_input_t in = {
        .checklist = cl,
        .record = rec,
        .score = s,
        .tmpl = tpl,
        .font_dir = getenv("READYAUDIT_FONT_DIR"),
        .font_chain = RA_TEST_FONT_CHAIN,
        .hyph_list = "fonts/hyphen.txt",
        .sink = &sink,
        .layout_dump = dump,
    };
    assert_int_equal(ra_report_render(&in, &pdf), RA_OK);
    assert_int_equal(sink.errors + sink.warnings, 0);
    ra_buf_free(&pdf);
    ra_buf_free(&path);
    ra_score_free(s);
    ra_record_free(rec);
    ra_template_free(tpl);
    ra_checklist_free(cl);
    ra_loader_free(ld);
}

/* Compares the dump of NAME with tests/golden/NAME.layout (or rewrites the
 * golden when READYAUDIT_UPDATE_GOLDEN is set), naming the first line that
 * differs. */
static void check_golden(const char *name)
{
    ra_buf_t dump = RA_BUF_INIT, path = RA_BUF_INIT, want = RA_BUF_INIT;
    render_dump(name, &dump);
    assert_true(dump.len > 0);
    ra_buf_printf(&path, "tests/golden/%s.layout", name);
    const char *update = getenv("READYAUDIT_UPDATE_GOLDEN");
    if (update && *update) {
        FILE *out = fopen(ra_buf_str(&path), "wb");
        assert_non_null(out);
        assert_int_equal(fwrite(dump.data, 1, dump.len, out), dump.len);
        assert_int_equal(fclose(out), 0);
    }
    if (access(ra_buf_str(&path), R_OK) != 0)
        fail_msg("cannot read %s (see the top of tests/unit/test_report.c)", ra_buf_str(&path));
    read_whole(ra_buf_str(&path), &want);
    const char *a = ra_buf_str(&want), *b = ra_buf_str(&dump);
    size_t line = 1, i = 0;
    while (a[i] && a[i] == b[i])
        line += a[i++] == '\n';
    if (a[i] || b[i])
        fail_msg("%s differs from the layout at line %zu", ra_buf_str(&path), line);
    ra_buf_free(&dump);
    ra_buf_free(&path);
    ra_buf_free(&want);
}

static void golden_mvp_support_bot(void **state)
{
    (void)state;
    check_golden("mvp-support-bot");
}

static void golden_regulated_credit_advisor(void **state)
{
    (void)state;
    check_golden("regulated-credit-advisor");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_mvp_support_bot),
        cmocka_unit_test(golden_regulated_credit_advisor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
