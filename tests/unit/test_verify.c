/* test_verify.c - reading a report's integrity data back: a report made
 * here through the pipeline, the record it was made from and another one,
 * an attached record, and damaged or foreign files. */
#include "testutil.h"

#include "base/hash.h"
#include "base/io.h"
#include "base/version.h"
#include "pipeline/pipeline.h"
#include "pipeline/regenerate.h"
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
    /* Every input is named: no logo in the default template, the fonts,
     * the record's file name and the document date (its assessment date). */
    assert_string_equal(r.it.logo_sha256, RA_NO_LOGO);
    assert_true(ra_is_sha256_hex(r.it.fonts_sha256));
    assert_string_equal(r.it.record_file, "mini-ready.xml");
    assert_int_equal(r.it.created,
                     (int64_t)ra_date_days_between(19700101, v->plain.record->assessed_on) * 86400);
    char id[24];
    ra_report_id(&r.it, id);
    assert_string_equal(r.it.report_id, id);
    /* The ID covers the logo and the fonts digests too. */
    ra_integrity_t other = r.it;
    other.fonts_sha256[0] = other.fonts_sha256[0] == '0' ? '1' : '0';
    ra_report_id(&other, id);
    assert_string_not_equal(r.it.report_id, id);
    other = r.it;
    snprintf(other.logo_sha256, sizeof other.logo_sha256, "%s", r.it.fonts_sha256);
    ra_report_id(&other, id);
    assert_string_not_equal(r.it.report_id, id);
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

/* The Keywords' form of the integrity data reads back as written, a file
 * name with separators, '%' and non-ASCII letters included. */
static void test_format_parse(void **state)
{
    verify_t *v = *state;
    ra_verify_t r;
    assert_int_equal(ra_verify_report(v->plain.pdf.data, v->plain.pdf.len, &r), RA_OK);
    ra_integrity_t it = r.it, back;
    snprintf(it.record_file, sizeof it.record_file, "%s", "a b; tool=x%41 \xC3\xA9.xml");
    it.created = 1234567890;
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_puts(&b, "LLMOps; record-sha256=spoof; report-id=spoof; ");
    assert_int_equal(ra_integrity_format(&it, &b), RA_OK);
    assert_non_null(strstr(ra_buf_str(&b), "record-file=a%20b%3B%20tool%3Dx%2541%20%C3%A9.xml;"));
    assert_int_equal(ra_integrity_parse(ra_buf_str(&b), &back), RA_OK);
    assert_string_equal(back.report_id, it.report_id);
    assert_string_equal(back.record_sha256, it.record_sha256);
    assert_string_equal(back.checklist_sha256, it.checklist_sha256);
    assert_string_equal(back.template_sha256, it.template_sha256);
    assert_string_equal(back.logo_sha256, it.logo_sha256);
    assert_string_equal(back.fonts_sha256, it.fonts_sha256);
    assert_string_equal(back.record_file, it.record_file);
    assert_int_equal(back.created, it.created);
    assert_string_equal(back.tool, it.tool);
    /* A field that is malformed is not read as another. */
    ra_buf_clear(&b);
    ra_buf_puts(&b, "report-id=RA-1; record-sha256=zz; checklist-sha256=; tool=x");
    assert_int_equal(ra_integrity_parse(ra_buf_str(&b), &back), RA_ERR_INVALID);
    ra_buf_free(&b);
}

/* The previous record's digest (report --previous): written before the
 * record file, read back, and part of the report ID; absent, the ID is the
 * one of the five digests. */
static void test_format_previous(void **state)
{
    verify_t *v = *state;
    ra_verify_t r;
    assert_int_equal(ra_verify_report(v->plain.pdf.data, v->plain.pdf.len, &r), RA_OK);
    ra_integrity_t it = r.it, back;
    assert_string_equal(it.previous_sha256, "");
    char plain_id[24];
    ra_report_id(&it, plain_id);
    assert_string_equal(plain_id, it.report_id);
    memset(it.previous_sha256, 'a', 64);
    it.previous_sha256[64] = '\0';
    snprintf(it.previous_file, sizeof it.previous_file, "%s", "last quarter;\xC3\xA9.xml");
    ra_report_id(&it, it.report_id);
    assert_string_not_equal(it.report_id, plain_id);
    ra_buf_t b = RA_BUF_INIT;
    assert_int_equal(ra_integrity_format(&it, &b), RA_OK);
    assert_non_null(strstr(ra_buf_str(&b), "; previous-sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                           "aaaaaaaaaaaaaaaaaaaaaaaaaaaa; record-file="));
    assert_int_equal(ra_integrity_parse(ra_buf_str(&b), &back), RA_OK);
    /* Its file name after the record's, percent-encoded the same way. */
    assert_non_null(
        strstr(ra_buf_str(&b), "; previous-file=last%20quarter%3B%C3%A9.xml; created="));
    assert_string_equal(back.previous_sha256, it.previous_sha256);
    assert_string_equal(back.previous_file, it.previous_file);
    assert_string_equal(back.report_id, it.report_id);
    char id[24];
    ra_report_id(&back, id);
    assert_string_equal(id, it.report_id);
    /* A previous digest that is not 64 hex digits is malformed. */
    ra_buf_clear(&b);
    it.previous_sha256[3] = 'X';
    assert_int_equal(ra_integrity_format(&it, &b), RA_OK);
    assert_int_equal(ra_integrity_parse(ra_buf_str(&b), &back), RA_ERR_INVALID);
    ra_buf_free(&b);
}

/* Runs ra_pipeline_verify over pdf with the mini checklist given. */
static ra_verify_outcome_t regen(verify_t *v, const char *pdf, size_t len, const char *record,
                                 size_t rlen, ra_regen_result_t *out)
{
    ra_regen_input_t in = {.report_path = "r.pdf",
                           .pdf = pdf,
                           .len = len,
                           .record_path = record ? "given.xml" : NULL,
                           .record_data = record,
                           .record_len = rlen,
                           .checklist_path = "tests/fixtures/mini-checklist.xml"};
    ra_regen_result_free(out);
    assert_int_equal(ra_pipeline_verify(&v->env, &in, out), RA_OK);
    return out->outcome;
}

/* Regeneration: the report matches; a flipped byte, a cut file, an
 * appended update and another record each give their own outcome. */
static void test_regenerate(void **state)
{
    verify_t *v = *state;
    ra_regen_result_t r = {0};
    const ra_buf_t *pdf = &v->plain.pdf;
    assert_int_equal(regen(v, pdf->data, pdf->len, v->xml.data, v->xml.len, &r), RA_VERIFY_MATCH);
    assert_true(r.cmp.identical);
    assert_int_equal(r.cmp.original_len, pdf->len);
    assert_int_equal(r.checklist_from, RA_FROM_GIVEN);
    assert_int_equal(r.template_from, RA_FROM_DATADIR);
    assert_string_equal(ra_buf_str(&r.template_file), "./templates/default-report.xml");
    /* Attached: the embedded record is used. */
    assert_int_equal(regen(v, v->attached.pdf.data, v->attached.pdf.len, NULL, 0, &r),
                     RA_VERIFY_MATCH);
    assert_int_equal(r.record_from, RA_FROM_EMBEDDED);
    /* Not attached and no record: the record is the missing input. */
    assert_int_equal(regen(v, pdf->data, pdf->len, NULL, 0, &r), RA_VERIFY_INPUT_MISSING);
    assert_string_equal(r.missing, "record");
    assert_string_equal(r.missing_sha256, r.it.record_sha256);

    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, pdf->data, pdf->len);
    size_t at = pdf->len / 2;
    b.data[at] ^= 0x20;
    assert_int_equal(regen(v, b.data, b.len, v->xml.data, v->xml.len, &r), RA_VERIFY_DAMAGED);
    assert_int_equal(r.cmp.first_diff, at);
    assert_false(r.cmp.truncated);
    b.data[at] ^= 0x20;
    assert_int_equal(regen(v, b.data, b.len - 30, v->xml.data, v->xml.len, &r), RA_VERIFY_DAMAGED);
    assert_true(r.cmp.truncated);
    char want[80];
    snprintf(want, sizeof want, "truncated: %zu of %zu bytes", pdf->len - 30, pdf->len);
    assert_string_equal(ra_buf_str(&r.detail), want);

    /* An update that replaces the Info dictionary: modified after issue. */
    ra_buf_puts(&b, "3 0 obj\n<< /Keywords (report-id=RA-0) >>\nendobj\n7 0 obj\n<< >>\nendobj\n"
                    "9999 0 obj\n<< /Type /Annot >>\nendobj\n"
                    "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Info 3 0 R >>\nstartxref\n1\n"
                    "%%EOF\n");
    assert_int_equal(regen(v, b.data, b.len, v->xml.data, v->xml.len, &r), RA_VERIFY_MODIFIED);
    assert_int_equal(r.nupdates, 1);
    assert_non_null(strstr(ra_buf_str(&r.updates), "replaces the Info dictionary (object 3)"));
    assert_non_null(strstr(ra_buf_str(&r.updates), "adds object 9999 (an annotation)"));

    /* Another record: a mismatch, before anything is regenerated. */
    ra_buf_t other = RA_BUF_INIT;
    ra_buf_append(&other, v->xml.data, v->xml.len);
    ra_buf_putc(&other, '\n');
    assert_int_equal(regen(v, pdf->data, pdf->len, other.data, other.len, &r),
                     RA_VERIFY_RECORD_MISMATCH);
    assert_false(r.compared);
    /* Not ours. */
    assert_int_equal(regen(v, "%PDF-1.4\n%%EOF\n", 15, NULL, 0, &r), RA_VERIFY_NOT_OURS);
    ra_buf_free(&other);
    ra_buf_free(&b);
    ra_regen_result_free(&r);
}

/* The shipped checklist is not the one the report names: without
 * --checklist the checklist is missing, and says its digest. */
static void test_regenerate_missing(void **state)
{
    verify_t *v = *state;
    ra_regen_result_t r = {0};
    ra_regen_input_t in = {.report_path = "r.pdf",
                           .pdf = v->plain.pdf.data,
                           .len = v->plain.pdf.len,
                           .record_path = "given.xml",
                           .record_data = v->xml.data,
                           .record_len = v->xml.len};
    assert_int_equal(ra_pipeline_verify(&v->env, &in, &r), RA_OK);
    assert_int_equal(r.outcome, RA_VERIFY_INPUT_MISSING);
    assert_string_equal(r.missing, "checklist");
    char hex[65];
    ra_hex(v->f->cl->sha256, 32, hex);
    assert_string_equal(r.missing_sha256, hex);
    /* A look-alike given with --checklist: missing too, with both digests. */
    in.checklist_path = "templates/llmops-readiness.xml";
    ra_regen_result_free(&r);
    assert_int_equal(ra_pipeline_verify(&v->env, &in, &r), RA_OK);
    assert_int_equal(r.outcome, RA_VERIFY_INPUT_MISSING);
    assert_non_null(strstr(ra_buf_str(&r.detail), "(--checklist) has SHA-256"));
    ra_regen_result_free(&r);
}

/* 5 MiB of " obj" after a report: describing the updates stays linear
 * (this is a bench, not a timed test: it must merely finish). */
static void test_updates_linear(void **state)
{
    verify_t *v = *state;
    ra_buf_t b = RA_BUF_INIT, out = RA_BUF_INIT;
    ra_buf_append(&b, v->plain.pdf.data, v->plain.pdf.len);
    repeat(&b, "1 0 obj trailer /Info 1 ", (5u << 20) / 24);
    assert_int_equal(ra_updates_describe(b.data, b.len, v->plain.pdf.len, &out), RA_OK);
    assert_non_null(strstr(ra_buf_str(&out), "replaces the document catalog (object 1)"));
    ra_buf_free(&out);
    ra_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_back),          cmocka_unit_test(test_records),
        cmocka_unit_test(test_attached),           cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_crafted_linear),     cmocka_unit_test(test_format_parse),
        cmocka_unit_test(test_format_previous),    cmocka_unit_test(test_regenerate),
        cmocka_unit_test(test_regenerate_missing), cmocka_unit_test(test_updates_linear),
    };
    return cmocka_run_group_tests(tests, verify_setup, verify_teardown);
}
