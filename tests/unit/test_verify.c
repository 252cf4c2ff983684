/* test_verify.c - reading a report's integrity data back: a report made
 * here through the pipeline, the record it was made from and another one,
 * an attached record, and damaged or foreign files. */
#include "testutil.h"

#include "base/hash.h"
#include "base/io.h"
#include "base/version.h"
#include "pipeline/pipeline.h"
#include "seal/verify.h"

typedef struct {
    fixture_t *f;
    ra_template_t *tpl;
    ra_env_t env;
    ra_buf_t xml;                  /* mini-ready.xml */
    ra_pipeline_result_t plain;    /* its report */
    ra_pipeline_result_t attached; /* its report with the record attached */
} verify_t;

static int verify_setup(void **state)
{
    void *fs = NULL;
    if (fixture_setup(&fs) != 0)
        return -1;
    verify_t *v = calloc(1, sizeof *v);
    v->f = fs;
    v->env = (ra_env_t){.datadir = ".", .sink = &v->f->cap.sink, .loader = v->f->loader};
    ra_diag_sink_t quiet = {0};
    ra_pipeline_input_t in = {.checklist = v->f->cl,
                              .record_path = "tests/fixtures/mini-ready.xml"};
    if (ra_load_template(v->f->loader, "templates/default-report.xml", &v->tpl) != RA_OK ||
        ra_read_file(in.record_path, RA_MAX_FILE_BYTES, &v->xml, &quiet) != RA_OK)
        return -1;
    in.tmpl = v->tpl;
    in.record_data = v->xml.data;
    in.record_len = v->xml.len;
    if (ra_pipeline_report(&v->env, &in, &v->plain) != RA_OK)
        return -1;
    in.attach_source = true;
    if (ra_pipeline_report(&v->env, &in, &v->attached) != RA_OK)
        return -1;
    *state = v;
    return 0;
}

static int verify_teardown(void **state)
{
    verify_t *v = *state;
    void *fs = v->f;
    ra_pipeline_result_free(&v->plain);
    ra_pipeline_result_free(&v->attached);
    ra_template_free(v->tpl);
    ra_buf_free(&v->xml);
    free(v);
    return fixture_teardown(&fs);
}

/* The integrity data read back is what the report was made from. */
static void test_read_back(void **state)
{
    verify_t *v = *state;
    ra_verify_t r;
    /* Both reports were made without a warning (no glyph replaced). */
    assert_string_equal(ra_buf_str(&v->f->cap.text), "");
    capture_reset(&v->f->cap);
    assert_int_equal(ra_verify_report(v->plain.pdf.data, v->plain.pdf.len, &r), RA_OK);
    assert_true(r.consistent);
    assert_false(r.attached);
    unsigned char d[32];
    char hex[65];
    ra_sha256(v->xml.data, v->xml.len, d);
    ra_hex(d, 32, hex);
    assert_string_equal(r.it.record_sha256, hex);
    ra_hex(v->f->cl->sha256, 32, hex);
    assert_string_equal(r.it.checklist_sha256, hex);
    ra_hex(v->tpl->sha256, 32, hex);
    assert_string_equal(r.it.template_sha256, hex);
    assert_string_equal(r.it.tool, RA_TOOL);
    ra_integrity_t want;
    ra_integrity_make(v->plain.record->sha256, v->f->cl->sha256, v->tpl->sha256, RA_TOOL, &want);
    assert_string_equal(r.it.report_id, want.report_id);
    assert_int_equal(strlen(r.it.report_id), 19); /* "RA-" and 16 hex digits */
    assert_memory_equal(r.it.report_id, "RA-", 3);
}

/* The record it was made from matches; any other record, or one changed by a byte, does not. */
static void test_records(void **state)
{
    verify_t *v = *state;
    ra_verify_t r;
    char hex[65];
    assert_int_equal(ra_verify_report(v->plain.pdf.data, v->plain.pdf.len, &r), RA_OK);
    assert_int_equal(ra_verify_record(&r, v->xml.data, v->xml.len, hex), RA_OK);
    assert_string_equal(hex, r.it.record_sha256);

    ra_buf_t other = RA_BUF_INIT;
    build_record(&other, "mini", "1", "basic", "", "");
    assert_int_equal(ra_verify_record(&r, other.data, other.len, hex), RA_ERR_MISMATCH);
    assert_string_not_equal(hex, r.it.record_sha256);
    ra_buf_clear(&other);
    ra_buf_append(&other, v->xml.data, v->xml.len);
    ra_buf_putc(&other, '\n');
    assert_int_equal(ra_verify_record(&r, other.data, other.len, hex), RA_ERR_MISMATCH);
    ra_buf_free(&other);
}

/* With --attach-source the report carries the record, and it matches. */
static void test_attached(void **state)
{
    verify_t *v = *state;
    ra_verify_t r;
    assert_int_equal(ra_verify_report(v->attached.pdf.data, v->attached.pdf.len, &r), RA_OK);
    assert_true(r.attached);
    assert_int_equal(r.embedded_st, RA_OK);
    assert_true(r.embedded_ok);
    ra_buf_t got = RA_BUF_INIT;
    bool found = false;
    assert_int_equal(ra_embedded_read(v->attached.pdf.data, v->attached.pdf.len, RA_MAX_FILE_BYTES,
                                      &got, &found),
                     RA_OK);
    assert_true(found);
    assert_int_equal(got.len, v->xml.len);
    assert_memory_equal(got.data, v->xml.data, got.len);
    /* An attachment larger than the limit is refused. */
    assert_int_equal(ra_embedded_read(v->attached.pdf.data, v->attached.pdf.len, 100, &got, &found),
                     RA_ERR_LIMIT);
    ra_buf_free(&got);
}

/* Garbage and truncated files: no integrity data, an incomplete PDF. */
static void test_damaged(void **state)
{
    verify_t *v = *state;
    ra_verify_t r;
    const char junk[] = "%PDF-1.4\nthis is not a report\n%%EOF\n";
    assert_int_equal(ra_verify_report(junk, sizeof junk - 1, &r), RA_ERR_INVALID);
    assert_int_equal(ra_verify_report("", 0, &r), RA_ERR_INVALID);
    assert_int_equal(ra_verify_report(v->plain.pdf.data, 200, &r), RA_ERR_INVALID);
    assert_true(ra_pdf_complete(v->plain.pdf.data, v->plain.pdf.len));
    assert_false(ra_pdf_complete(v->plain.pdf.data, v->plain.pdf.len - 10));
    assert_false(ra_pdf_complete(junk, sizeof junk - 1));
}

/* Appends n copies of s to b. */
static void repeat(ra_buf_t *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ra_buf_puts(b, s);
}

/* Crafted files of several MiB full of candidate attachments that are not
 * ones (each match once cost a scan to the end of the file or 64 KiB
 * back): the result is still exact. A report with junk after it has no
 * attachment; junk before an attached report still finds and checks it. */
static void test_crafted_linear(void **state)
{
    verify_t *v = *state;
    ra_verify_t r;
    /* One "obj" and then 5 MiB of matches with no stream after them. */
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, v->plain.pdf.data, v->plain.pdf.len);
    ra_buf_puts(&b, "9 0 obj\n<<");
    repeat(&b, "/Type /EmbeddedFile ", (5u << 20) / 20 + 1);
    assert_true(b.len > (5u << 20));
    assert_int_equal(ra_verify_report(b.data, b.len, &r), RA_OK);
    assert_true(r.consistent);
    assert_false(r.attached);
    /* An "obj" every 60 KiB, each followed by matches: the backward scan. */
    ra_buf_clear(&b);
    for (int k = 0; k < 80; k++) {
        ra_buf_puts(&b, "9 0 obj\n");
        repeat(&b, "/Type /EmbeddedFile ", 3000);
    }
    size_t junk = b.len;
    ra_buf_append(&b, v->attached.pdf.data, v->attached.pdf.len);
    assert_true(junk > (4u << 20));
    assert_int_equal(ra_verify_report(b.data, b.len, &r), RA_OK);
    assert_true(r.attached);
    assert_true(r.embedded_ok);
    ra_buf_t rec = RA_BUF_INIT;
    bool found = false;
    assert_int_equal(ra_embedded_read(b.data, b.len, RA_MAX_FILE_BYTES, &rec, &found), RA_OK);
    assert_true(found);
    assert_int_equal(rec.len, v->xml.len);
    assert_memory_equal(rec.data, v->xml.data, rec.len);
    ra_buf_free(&rec);
    ra_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_back),      cmocka_unit_test(test_records),
        cmocka_unit_test(test_attached),       cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_crafted_linear),
    };
    return cmocka_run_group_tests(tests, verify_setup, verify_teardown);
}
