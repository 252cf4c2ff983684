/* test_pipeline.c - the whole pipeline as a library call, from a record's
 * bytes in memory and from its file: the score and verdict the report
 * command prints, identical PDF bytes on every run, exact statuses for
 * records that cannot be reported. Uses tests/fixtures/mini-*.xml. */
#include "testutil.h"

#include <math.h>

#include "base/io.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "pipeline/pipeline.h"
#include "seal/verify.h"

/* The mini checklist and the default template, and an environment over them. */
typedef struct {
    fixture_t *f;
    ra_template_t *tpl;
    ra_env_t env;
} pipe_t;

static int pipe_setup(void **state)
{
    void *fs = NULL;
    if (fixture_setup(&fs) != 0)
        return -1;
    pipe_t *p = calloc(1, sizeof *p);
    p->f = fs;
    if (ra_load_template(p->f->loader, "templates/default-report.xml", &p->tpl) != RA_OK)
        return -1;
    p->env = (ra_env_t){.datadir = ".", .sink = &p->f->cap.sink, .loader = p->f->loader};
    *state = p;
    return 0;
}

static int pipe_teardown(void **state)
{
    pipe_t *p = *state;
    void *fs = p->f;
    ra_template_free(p->tpl);
    free(p);
    return fixture_teardown(&fs);
}

/* Reads a fixture file into b. */
static void read_fixture(const char *path, ra_buf_t *b)
{
    ra_diag_sink_t quiet = {0};
    ra_buf_clear(b);
    assert_int_equal(ra_read_file(path, RA_MAX_FILE_BYTES, b, &quiet), RA_OK);
}

/* Runs the pipeline over bytes in memory, named path in diagnostics. */
static ra_status_t run_mem(pipe_t *p, const char *path, const ra_buf_t *bytes,
                           ra_pipeline_result_t *res)
{
    capture_reset(&p->f->cap);
    ra_pipeline_input_t in = {.checklist = p->f->cl,
                              .tmpl = p->tpl,
                              .record_path = path,
                              .record_data = bytes->data,
                              .record_len = bytes->len};
    return ra_pipeline_report(&p->env, &in, res);
}

/* mini-ready: `readyaudit report` prints "score 91.7, Ready, Signed off";
 * 275/3 exactly, and the same bytes twice. */
static void test_ready_from_memory(void **state)
{
    pipe_t *p = *state;
    ra_buf_t xml = RA_BUF_INIT;
    read_fixture("tests/fixtures/mini-ready.xml", &xml);
    ra_pipeline_result_t a = {0}, b = {0};
    assert_int_equal(run_mem(p, "tests/fixtures/mini-ready.xml", &xml, &a), RA_OK);
    assert_string_equal(a.record->id, "MINI-READY");
    assert_true(a.score->has_score);
    assert_true(fabs(a.score->score - 275.0 / 3) < 1e-9);
    char sc[16];
    ra_score_format(a.score->has_score, a.score->score, sc);
    assert_string_equal(sc, "91.7");
    assert_int_equal(a.score->verdict, RA_VERDICT_READY);
    assert_int_equal(a.score->signoff, RA_SIGNOFF_SIGNED);
    assert_string_equal(ra_verdict_label(a.score->verdict), "Ready");
    assert_string_equal(ra_signoff_label(a.score->signoff), "Signed off");
    assert_true(ra_pdf_complete(a.pdf.data, a.pdf.len));
    assert_int_equal(a.source.len, 0); /* given in memory: not read */

    assert_int_equal(run_mem(p, "tests/fixtures/mini-ready.xml", &xml, &b), RA_OK);
    assert_int_equal(a.pdf.len, b.pdf.len);
    assert_memory_equal(a.pdf.data, b.pdf.data, a.pdf.len);
    ra_pipeline_result_free(&a);
    ra_pipeline_result_free(&b);
    ra_buf_free(&xml);
}

/* The other two fixtures, as the report command prints them. */
static void test_conditional_and_not_ready(void **state)
{
    pipe_t *p = *state;
    ra_buf_t xml = RA_BUF_INIT;
    ra_pipeline_result_t r = {0};
    char sc[16];
    read_fixture("tests/fixtures/mini-conditional.xml", &xml);
    assert_int_equal(run_mem(p, "tests/fixtures/mini-conditional.xml", &xml, &r), RA_OK);
    ra_score_format(r.score->has_score, r.score->score, sc);
    assert_string_equal(sc, "62.5");
    assert_int_equal(r.score->verdict, RA_VERDICT_CONDITIONAL);
    assert_int_equal(r.score->signoff, RA_SIGNOFF_SIGNED);
    ra_pipeline_result_free(&r);
    read_fixture("tests/fixtures/mini-not-ready.xml", &xml);
    assert_int_equal(run_mem(p, "tests/fixtures/mini-not-ready.xml", &xml, &r), RA_OK);
    ra_score_format(r.score->has_score, r.score->score, sc);
    assert_string_equal(sc, "75.0");
    assert_int_equal(r.score->verdict, RA_VERDICT_NOT_READY);
    assert_int_equal(r.score->signoff, RA_SIGNOFF_REJECTED);
    ra_pipeline_result_free(&r);
    ra_buf_free(&xml);
}

/* Reading the file gives the very bytes that reading it into memory gives. */
static void test_file_and_memory_agree(void **state)
{
    pipe_t *p = *state;
    ra_buf_t xml = RA_BUF_INIT;
    read_fixture("tests/fixtures/mini-ready.xml", &xml);
    ra_pipeline_result_t mem = {0}, file = {0};
    assert_int_equal(run_mem(p, "tests/fixtures/mini-ready.xml", &xml, &mem), RA_OK);
    ra_pipeline_input_t in = {
        .checklist = p->f->cl, .tmpl = p->tpl, .record_path = "tests/fixtures/mini-ready.xml"};
    assert_int_equal(ra_pipeline_report(&p->env, &in, &file), RA_OK);
    assert_int_equal(file.source.len, xml.len); /* read once, kept */
    assert_int_equal(mem.pdf.len, file.pdf.len);
    assert_memory_equal(mem.pdf.data, file.pdf.data, mem.pdf.len);
    ra_pipeline_result_free(&mem);
    ra_pipeline_result_free(&file);
    ra_buf_free(&xml);
}

/* A batch's warm-up (ra_pipeline_warm): the specimen of the mini checklist
 * and of the shipped one is reported, quietly, and what its report shaped
 * and broke is kept; a report after it is the same bytes as before it.
 * Fonts that are not the environment's are refused. */
static void test_warm(void **state)
{
    pipe_t *p = *state;
    ra_pdf_fonts_t *fonts = NULL, *cold = NULL;
    ra_layout_memo_t *breaks = NULL;
    ra_checklist_t *shipped = NULL;
    assert_int_equal(ra_pipeline_fonts_new(&p->env, &fonts, NULL), RA_OK);
    assert_int_equal(ra_pipeline_fonts_new(&p->env, &cold, NULL), RA_OK);
    assert_int_equal(ra_layout_memo_new(&breaks), RA_OK);
    ra_env_t env = p->env;
    env.fonts = fonts;
    assert_int_equal(ra_pipeline_warm(&env, cold, breaks, p->f->cl, p->tpl), RA_ERR_USAGE);
    assert_int_equal(ra_pdf_fonts_kept(cold), 0);

    ra_buf_t xml = RA_BUF_INIT;
    read_fixture("tests/fixtures/mini-ready.xml", &xml);
    ra_pipeline_input_t in = {.checklist = p->f->cl,
                              .tmpl = p->tpl,
                              .record_path = "tests/fixtures/mini-ready.xml",
                              .record_data = xml.data,
                              .record_len = xml.len};
    ra_pipeline_result_t before = {0}, after = {0};
    assert_int_equal(ra_pipeline_report(&env, &in, &before), RA_OK);

    capture_reset(&p->f->cap);
    assert_int_equal(ra_pipeline_warm(&env, fonts, breaks, p->f->cl, p->tpl), RA_OK);
    assert_string_equal(ra_buf_str(&p->f->cap.text), "");
    size_t kept = ra_pdf_fonts_kept(fonts), nbreaks = ra_layout_memo_count(breaks);
    assert_true(kept > 0);
    assert_true(nbreaks > 0);
    /* The shipped checklist's specimen adds its 50 checks' text. */
    assert_int_equal(ra_load_checklist(p->f->loader, "templates/llmops-readiness.xml", &shipped),
                     RA_OK);
    assert_int_equal(ra_pipeline_warm(&env, fonts, breaks, shipped, p->tpl), RA_OK);
    assert_string_equal(ra_buf_str(&p->f->cap.text), "");
    assert_int_equal(p->f->cap.sink.errors + p->f->cap.sink.warnings, 0);
    assert_true(ra_pdf_fonts_kept(fonts) > kept);
    assert_true(ra_layout_memo_count(breaks) > nbreaks);

    env.breaks = breaks;
    assert_int_equal(ra_pipeline_report(&env, &in, &after), RA_OK);
    assert_int_equal(after.pdf.len, before.pdf.len);
    assert_memory_equal(after.pdf.data, before.pdf.data, before.pdf.len);
    ra_pipeline_result_free(&before);
    ra_pipeline_result_free(&after);
    ra_buf_free(&xml);
    ra_checklist_free(shipped);
    ra_layout_memo_free(breaks);
    ra_pdf_fonts_free(cold);
    ra_pdf_fonts_free(fonts);
}

/* SOURCE_DATE_EPOCH, when set, changes the document date and so the bytes;
 * a malformed one is refused and leaves the date alone. */
static void test_epoch(void **state)
{
    pipe_t *p = *state;
    ra_buf_t xml = RA_BUF_INIT;
    const char *why = NULL;
    read_fixture("tests/fixtures/mini-ready.xml", &xml);
    ra_pipeline_result_t plain = {0}, bad = {0}, set = {0};
    assert_int_equal(run_mem(p, "r.xml", &xml, &plain), RA_OK);
    assert_int_equal(ra_env_set_epoch(&p->env, "12x", &why), RA_ERR_USAGE);
    assert_string_equal(why, "must be a whole number of seconds since 1970-01-01 00:00:00 UTC "
                             "(digits only)");
    assert_false(p->env.epoch_set);
    assert_int_equal(p->env.epoch, 0);
    assert_int_equal(run_mem(p, "r.xml", &xml, &bad), RA_OK);
    assert_int_equal(ra_env_set_epoch(&p->env, "1700000000", &why), RA_OK);
    assert_null(why);
    assert_true(p->env.epoch_set);
    assert_int_equal(p->env.epoch, 1700000000);
    assert_int_equal(run_mem(p, "r.xml", &xml, &set), RA_OK);
    assert_int_equal(ra_env_set_epoch(&p->env, NULL, &why), RA_OK);
    assert_false(p->env.epoch_set);
    assert_int_equal(ra_env_set_epoch(&p->env, "", &why), RA_OK);
    assert_false(p->env.epoch_set);
    assert_int_equal(plain.pdf.len, bad.pdf.len);
    assert_memory_equal(plain.pdf.data, bad.pdf.data, plain.pdf.len);
    assert_true(plain.pdf.len != set.pdf.len ||
                memcmp(plain.pdf.data, set.pdf.data, plain.pdf.len) != 0);
    ra_pipeline_result_free(&plain);
    ra_pipeline_result_free(&bad);
    ra_pipeline_result_free(&set);
    ra_buf_free(&xml);
}

/* Every malformed SOURCE_DATE_EPOCH is refused with its reason; the edges
 * of the valid range are kept exactly. */
static void test_epoch_values(void **state)
{
    (void)state;
    ra_env_t env = {0};
    const char *why = NULL;
    static const char *const bad[] = {"abc", "-1", "+5", " 5", "5 ", "1.5", "0x10", "1e9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(ra_env_set_epoch(&env, bad[i], &why), RA_ERR_USAGE);
        assert_string_equal(why, "must be a whole number of seconds since 1970-01-01 00:00:00 "
                                 "UTC (digits only)");
        assert_false(env.epoch_set);
    }
    static const char *const late[] = {"253402300800", "99999999999999999999999999"};
    for (size_t i = 0; i < sizeof late / sizeof *late; i++) {
        assert_int_equal(ra_env_set_epoch(&env, late[i], &why), RA_ERR_USAGE);
        assert_string_equal(why, "is after the year 9999 (the largest value is 253402300799)");
        assert_false(env.epoch_set);
    }
    assert_int_equal(ra_env_set_epoch(&env, "253402300799", &why), RA_OK);
    assert_int_equal(env.epoch, INT64_C(253402300799));
    assert_int_equal(ra_env_set_epoch(&env, "0", &why), RA_OK);
    assert_true(env.epoch_set);
    assert_int_equal(env.epoch, 0);
}

/* Records that cannot be reported: the exact status, the diagnostics, and
 * nothing left in the result. */
static void test_invalid_records(void **state)
{
    pipe_t *p = *state;
    ra_pipeline_result_t r = {0};
    ra_buf_t xml = RA_BUF_INIT;
    ra_buf_puts(&xml, "<assessment");
    assert_int_equal(run_mem(p, "broken.xml", &xml, &r), RA_ERR_PARSE);
    assert_null(r.record);
    assert_null(r.score);
    assert_int_equal(r.pdf.len, 0);

    /* A gate check cannot be not-applicable: a semantic error. */
    build_record(&xml, "mini", "1", "basic",
                 "<result check=\"A-1\" status=\"not-applicable\"><justification>does not "
                 "apply here</justification></result>\n",
                 "");
    assert_int_equal(run_mem(p, "gate.xml", &xml, &r), RA_ERR_INVALID);
    assert_null(r.record);
    assert_non_null(strstr(ra_buf_str(&p->f->cap.text), "A-1"));

    /* An unknown status breaks the schema. */
    build_record(&xml, "mini", "1", "basic", "<result check=\"A-1\" status=\"done\"/>\n", "");
    assert_int_equal(run_mem(p, "status.xml", &xml, &r), RA_ERR_SCHEMA);
    assert_null(r.record);

    ra_pipeline_input_t in = {
        .checklist = p->f->cl, .tmpl = p->tpl, .record_path = "tests/fixtures/no-such.xml"};
    capture_reset(&p->f->cap);
    assert_int_equal(ra_pipeline_report(&p->env, &in, &r), RA_ERR_IO);
    assert_string_equal(ra_buf_str(&p->f->cap.text),
                        "0: error: cannot open: No such file or directory\n");
    ra_pipeline_result_free(&r);
    ra_buf_free(&xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ready_from_memory),
        cmocka_unit_test(test_conditional_and_not_ready),
        cmocka_unit_test(test_file_and_memory_agree),
        cmocka_unit_test(test_epoch),
        cmocka_unit_test(test_epoch_values),
        cmocka_unit_test(test_invalid_records),
        cmocka_unit_test(test_warm),
    };
    return cmocka_run_group_tests(tests, pipe_setup, pipe_teardown);
}
