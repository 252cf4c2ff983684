/* test_signature.c - the PDF revision reader (hand-written files) and
 * ra_signatures_check over reports made here and signed with a test PKI
 * (tests/lib.sh make_test_pki): valid, trusted and untrusted signatures,
 * several in turn, a byte flipped in a signed range, a signature copied
 * from another report, and updates that do more than sign. */
#include "testutil.h"

#include <stdint.h>
#include <unistd.h>

#include "base/io.h"
#include "pipeline/pipeline.h"
#include "seal/pdfread.h"
#include "seal/sign.h"
#include "seal/signature.h"

/* 2026-11-18 11:06:40 UTC, inside the test PKI's validity. */
#define EPOCH 1795000000

typedef struct {
    fixture_t *f;
    ra_checklist_t *cl;
    ra_template_t *tpl;
    char pki[64];
    ra_buf_t ca;                 /* the test CA, PEM */
    ra_buf_t other_ca;           /* a CA that signed nothing here */
    ra_pipeline_result_t report; /* the regulated sample's report, five fields */
    ra_pipeline_result_t mvp;    /* another report, one field */
    ra_buf_t one, two;           /* report signed once (technical-owner), twice (+product-owner) */
} sig_t;

/* Signs pdf in role with the PEM key and certificate NAME of the test PKI. */
static ra_status_t sign_pem(sig_t *s, const ra_buf_t *pdf, const char *role, const char *name,
                            ra_buf_t *out)
{
    char key[128], cert[128];
    snprintf(key, sizeof key, "%s/%s.key", s->pki, name);
    snprintf(cert, sizeof cert, "%s/%s.pem", s->pki, name);
    ra_sign_options_t o = {.role = role,
                           .keys = {.key_path = key, .cert_path = cert},
                           .epoch_set = true,
                           .epoch = EPOCH};
    ra_sign_refusal_t why;
    return ra_sign_report(pdf->data, pdf->len, "report.pdf", &o, &s->f->cap.sink, out, &why);
}

static int report_of(sig_t *s, const char *path, ra_pipeline_result_t *out)
{
    ra_env_t env = {.datadir = ".", .sink = &s->f->cap.sink, .loader = s->f->loader};
    ra_pipeline_input_t in = {.checklist = s->cl, .tmpl = s->tpl, .record_path = path};
    return ra_pipeline_report(&env, &in, out) == RA_OK ? 0 : -1;
}

static int sig_setup(void **state)
{
    void *fs = NULL;
    if (fixture_setup(&fs) != 0)
        return -1;
    sig_t *s = calloc(1, sizeof *s);
    s->f = fs;
    snprintf(s->pki, sizeof s->pki, "/tmp/readyaudit-test-signature.%ld", (long)getpid());
    char cmd[256];
    snprintf(cmd, sizeof cmd, "sh -c '. tests/lib.sh && make_test_pki %s' >/dev/null 2>&1", s->pki);
    ra_diag_sink_t quiet = {0};
    char ca[128], other[128];
    snprintf(ca, sizeof ca, "%s/ca.pem", s->pki);
    snprintf(other, sizeof other, "%s/other-ca.pem", s->pki);
    if (system(cmd) != 0 || ra_read_file(ca, 1 << 20, &s->ca, &quiet) != RA_OK ||
        ra_read_file(other, 1 << 20, &s->other_ca, &quiet) != RA_OK) {
        fprintf(stderr, "make_test_pki failed: %s\n", cmd);
        return -1;
    }
    if (ra_load_checklist(s->f->loader, "templates/llmops-readiness.xml", &s->cl) != RA_OK ||
        ra_load_template(s->f->loader, "templates/default-report.xml", &s->tpl) != RA_OK ||
        report_of(s, "samples/regulated-credit-advisor.xml", &s->report) != 0 ||
        report_of(s, "samples/mvp-support-bot.xml", &s->mvp) != 0 ||
        sign_pem(s, &s->report.pdf, "technical-owner", "rsa", &s->one) != RA_OK ||
        sign_pem(s, &s->one, "product-owner", "ecdsa", &s->two) != RA_OK) {
        fprintf(stderr, "%s", ra_buf_str(&s->f->cap.text));
        return -1;
    }
    *state = s;
    return 0;
}

static int sig_teardown(void **state)
{
    sig_t *s = *state;
    void *fs = s->f;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", s->pki);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", s->pki);
    ra_pipeline_result_free(&s->report);
    ra_pipeline_result_free(&s->mvp);
    ra_buf_free(&s->one);
    ra_buf_free(&s->two);
    ra_buf_free(&s->ca);
    ra_buf_free(&s->other_ca);
    ra_template_free(s->tpl);
    ra_checklist_free(s->cl);
    free(s);
    return fixture_teardown(&fs);
}

/* ---------------------------------------------------------------- pdfread */

/* A hand-written PDF of two revisions: values of every kind, the update's objects. */
static void test_pdfread(void **state)
{
    (void)state;
    ra_buf_t b = RA_BUF_INIT;
    size_t o1, o2, o3, x1, o2b, x2;
    ra_buf_puts(&b, "%PDF-1.4\n");
    o1 = b.len;
    ra_buf_puts(&b, "1 0 obj\n<< /Type /Catalog /AcroForm 2 0 R /N#20x 12 /R -1.5 /B true "
                    "/Z null /S (a\\(b\\)\\n\\101) /H <4142 43> /A [1 2 0 R [3]] >>\nendobj\n");
    o2 = b.len;
    ra_buf_puts(&b, "2 0 obj\n<< /Fields [] >>\nendobj\n");
    o3 = b.len;
    ra_buf_puts(&b, "3 0 obj\n<< /Length 3 >>\nstream\nabc\nendstream\nendobj\n");
    x1 = b.len;
    ra_buf_printf(&b,
                  "xref\n0 4\n0000000000 65535 f\r\n%010zu 00000 n\r\n%010zu 00000 n\r\n%010zu "
                  "00000 n\r\ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                  o1, o2, o3, x1);
    size_t end1 = b.len;
    o2b = b.len;
    ra_buf_puts(&b, "2 0 obj\n<< /Fields [] /SigFlags 3 >>\nendobj\n");
    x2 = b.len;
    ra_buf_printf(&b,
                  "xref\n2 1\n%010zu 00000 n\r\ntrailer\n<< /Size 4 /Root 1 0 R /Prev %zu "
                  ">>\nstartxref\n%zu\n%%%%EOF",
                  o2b, x1, x2);
    ra_pdfdoc_t *doc = NULL;
    char why[256];
    assert_int_equal(ra_pdfdoc_open(b.data, b.len, &doc, why), RA_OK);
    assert_int_equal(ra_pdfdoc_nrevisions(doc), 2);
    const ra_pdfrev_t *r0 = ra_pdfdoc_revision(doc, 0), *r1 = ra_pdfdoc_revision(doc, 1);
    assert_int_equal(r0->start, 0);
    assert_int_equal(r0->end, end1);
    assert_int_equal(r1->start, end1);
    assert_int_equal(r1->end, b.len);
    assert_int_equal(r1->n, 1);
    assert_int_equal(r1->items[0].num, 2);
    ra_pdfv_t *cat = NULL, *af = NULL, *af0 = NULL, *st = NULL;
    bool stream = true;
    assert_int_equal(ra_pdfdoc_object(doc, 1, 1, &cat, &stream, why), RA_OK);
    assert_false(stream);
    assert_true(ra_pdfv_is_name(ra_pdfv_get(cat, "Type"), "Catalog"));
    assert_int_equal(ra_pdfv_get(cat, "N x")->num, 12);
    assert_true(ra_pdfv_get(cat, "R")->real == -1.5);
    assert_true(ra_pdfv_get(cat, "B")->b);
    assert_int_equal(ra_pdfv_get(cat, "Z")->kind, RA_PDFV_NULL);
    ra_pdfv_t *s = ra_pdfv_get(cat, "S"), *h = ra_pdfv_get(cat, "H"), *a = ra_pdfv_get(cat, "A");
    assert_int_equal(s->len, 6);
    assert_memory_equal(s->s, "a(b)\nA", 6);
    assert_true(h->hex);
    assert_string_equal(h->s, "ABC");
    assert_int_equal(a->n, 3);
    assert_int_equal(a->items[1]->kind, RA_PDFV_REF);
    assert_int_equal(a->items[1]->num, 2);
    assert_int_equal(a->items[2]->items[0]->num, 3);
    /* Object 2 as of each revision. */
    af = ra_pdfdoc_resolve(doc, 1, ra_pdfv_get(cat, "AcroForm"));
    af0 = ra_pdfdoc_resolve(doc, 0, ra_pdfv_get(cat, "AcroForm"));
    assert_int_equal(ra_pdfv_get(af, "SigFlags")->num, 3);
    assert_null(ra_pdfv_get(af0, "SigFlags"));
    assert_false(ra_pdfv_equal(af, af0));
    assert_int_equal(ra_pdfdoc_object(doc, 1, 3, &st, &stream, why), RA_OK);
    assert_true(stream);
    /* Written back, a value reads the same. */
    ra_buf_t w = RA_BUF_INIT;
    assert_int_equal(ra_pdfv_write(&w, b.data, cat), RA_OK);
    assert_string_equal(ra_buf_str(&w),
                        "<< /Type /Catalog /AcroForm 2 0 R /N#20x 12 /R -1.5 /B true /Z null /S "
                        "<612862290A41> /H <414243> /A [ 1 2 0 R [ 3 ] ] >>");
    ra_buf_free(&w);
    ra_pdfdoc_free(doc);

    /* Damage: a /Prev that points forward, trailing bytes, a cut file. */
    ra_buf_t bad = RA_BUF_INIT;
    ra_buf_append(&bad, b.data, b.len);
    ra_buf_puts(&bad, "\ngarbage");
    assert_int_equal(ra_pdfdoc_open(bad.data, bad.len, &doc, why), RA_ERR_INVALID);
    assert_string_equal(why, "damaged: 7 bytes follow the last %%EOF");
    ra_buf_clear(&bad);
    ra_buf_append(&bad, b.data, b.len);
    ra_buf_puts(&bad, "\n\n");
    assert_int_equal(ra_pdfdoc_open(bad.data, bad.len, &doc, why), RA_ERR_INVALID);
    assert_string_equal(why, "damaged: 1 bytes follow the last %%EOF");
    assert_int_equal(ra_pdfdoc_open(b.data, end1 - 3, &doc, why), RA_ERR_INVALID);
    /* The second section's /Prev pointing at itself: a loop, refused. */
    ra_buf_clear(&bad);
    ra_buf_append(&bad, b.data, end1);
    ra_buf_printf(&bad,
                  "xref\n2 1\n%010zu 00000 n\r\ntrailer\n<< /Size 4 /Root 1 0 R /Prev %zu "
                  ">>\nstartxref\n%zu\n%%%%EOF",
                  o2, end1, end1);
    assert_int_equal(ra_pdfdoc_open(bad.data, bad.len, &doc, why), RA_ERR_INVALID);
    assert_non_null(strstr(why, "has a /Prev that does not point back"));
    ra_buf_free(&bad);
    ra_buf_free(&b);
}

/* Nesting deeper than the limit is refused, not recursed into. */
static void test_pdfread_depth(void **state)
{
    (void)state;
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_puts(&b, "%PDF-1.4\n");
    size_t o1 = b.len;
    ra_buf_puts(&b, "1 0 obj\n");
    for (int i = 0; i < 100; i++)
        ra_buf_putc(&b, '[');
    for (int i = 0; i < 100; i++)
        ra_buf_putc(&b, ']');
    ra_buf_puts(&b, "\nendobj\n");
    size_t x = b.len;
    ra_buf_printf(&b,
                  "xref\n0 2\n0000000000 65535 f\r\n%010zu 00000 n\r\ntrailer\n<< /Size 2 /Root 1 "
                  "0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                  o1, x);
    ra_pdfdoc_t *doc = NULL;
    char why[256];
    assert_int_equal(ra_pdfdoc_open(b.data, b.len, &doc, why), RA_OK);
    ra_pdfv_t *v = NULL;
    assert_int_equal(ra_pdfdoc_object(doc, 0, 1, &v, NULL, why), RA_ERR_INVALID);
    assert_non_null(strstr(why, "values nest deeper than 64"));
    ra_pdfdoc_free(doc);
    ra_buf_free(&b);
}

/* ----------------------------------------------------------- signatures */

/* An unsigned report: no update, nothing to say. */
static void test_unsigned(void **state)
{
    sig_t *s = *state;
    ra_sig_report_t r;
    assert_int_equal(
        ra_signatures_check(s->report.pdf.data, s->report.pdf.len, s->report.pdf.len, NULL, &r),
        RA_OK);
    assert_true(r.only_signatures);
    assert_int_equal(r.nsigs, 0);
    assert_string_equal(r.other, "");
    ra_sig_report_free(&r);
    /* An original length where no revision ends is an error. */
    assert_int_equal(ra_signatures_check(s->report.pdf.data, s->report.pdf.len, 100, NULL, &r),
                     RA_ERR_INVALID);
    assert_false(r.only_signatures);
    assert_string_equal(r.other,
                        "no revision of the file ends at byte 100, where the original one should");
    ra_sig_report_free(&r);
}

/* Two signers in turn: both valid, each covering its own revision, trusted by the CA. */
static void test_two_signers(void **state)
{
    sig_t *s = *state;
    ra_sig_report_t r;
    assert_int_equal(
        ra_signatures_check(s->two.data, s->two.len, s->report.pdf.len, ra_buf_str(&s->ca), &r),
        RA_OK);
    assert_true(r.only_signatures);
    assert_int_equal(r.nsigs, 2);
    const ra_sig_info_t *a = &r.sigs[0], *b = &r.sigs[1];
    assert_string_equal(a->field, "technical-owner");
    assert_string_equal(a->signer, "Alice Example");
    assert_string_equal(a->email, "alice@example.org");
    assert_string_equal(a->signed_at, "2026-11-18T11:06:40Z");
    assert_true(a->valid);
    assert_true(a->trusted);
    assert_true(a->cert_ok);
    assert_int_equal(a->revision_end, s->one.len);
    assert_string_equal(a->problem, "");
    assert_string_equal(b->field, "product-owner");
    assert_string_equal(b->signer, "Bob Example");
    assert_string_equal(b->email, "bob@example.org");
    assert_true(b->valid && b->trusted && b->cert_ok);
    assert_int_equal(b->revision_end, s->two.len);
    ra_sig_report_free(&r);
}

/* Without a trust anchor, or with another CA: valid, not trusted, and why. */
static void test_untrusted(void **state)
{
    sig_t *s = *state;
    ra_sig_report_t r;
    assert_int_equal(ra_signatures_check(s->one.data, s->one.len, s->report.pdf.len, NULL, &r),
                     RA_OK);
    assert_int_equal(r.nsigs, 1);
    assert_true(r.sigs[0].valid);
    assert_false(r.sigs[0].trusted);
    assert_true(r.sigs[0].cert_ok);
    assert_string_equal(r.sigs[0].problem, "no trust anchor was given, so it is not trusted");
    ra_sig_report_free(&r);
    assert_int_equal(ra_signatures_check(s->one.data, s->one.len, s->report.pdf.len,
                                         ra_buf_str(&s->other_ca), &r),
                     RA_OK);
    assert_true(r.sigs[0].valid);
    assert_false(r.sigs[0].trusted);
    assert_string_equal(r.sigs[0].problem, "the certificate does not chain to a trust anchor");
    ra_sig_report_free(&r);
}

/* A certificate that has expired since is judged at the signing time (/M). */
static void test_at_signing_time(void **state)
{
    sig_t *s = *state;
    char key[128], cert[128];
    snprintf(key, sizeof key, "%s/expired.key", s->pki);
    snprintf(cert, sizeof cert, "%s/expired.pem", s->pki);
    ra_sign_options_t o = {.role = "technical-owner",
                           .keys = {.key_path = key, .cert_path = cert},
                           .epoch_set = true,
                           .epoch = 1592000000}; /* 2020-06-12, while it was valid */
    ra_sign_refusal_t why;
    ra_buf_t b = RA_BUF_INIT;
    assert_int_equal(ra_sign_report(s->report.pdf.data, s->report.pdf.len, "report.pdf", &o,
                                    &s->f->cap.sink, &b, &why),
                     RA_OK);
    ra_sig_report_t r;
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, ra_buf_str(&s->ca), &r),
                     RA_OK);
    assert_int_equal(r.nsigs, 1);
    assert_string_equal(r.sigs[0].signer, "Eve Expired");
    assert_string_equal(r.sigs[0].signed_at, "2020-06-12T22:13:20Z");
    assert_true(r.sigs[0].valid);
    assert_true(r.sigs[0].trusted);
    assert_true(r.sigs[0].cert_ok);
    assert_string_equal(r.sigs[0].problem, "");
    ra_sig_report_free(&r);
    /* Signing now with it is refused. */
    o.epoch = EPOCH;
    capture_reset(&s->f->cap);
    assert_int_equal(ra_sign_report(s->report.pdf.data, s->report.pdf.len, "report.pdf", &o,
                                    &s->f->cap.sink, &b, &why),
                     RA_ERR_INVALID);
    assert_int_equal(why, RA_SIGN_CERT_TIME);
    capture_reset(&s->f->cap);
    ra_buf_free(&b);
}

/* A byte flipped in the original revision, or in the update's field: not valid. */
static void test_flipped(void **state)
{
    sig_t *s = *state;
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, s->one.data, s->one.len);
    char *cat = strstr(b.data, "/Type /Catalog");
    assert_non_null(cat);
    cat[1] = 't';
    ra_sig_report_t r;
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, NULL, &r), RA_OK);
    assert_int_equal(r.nsigs, 1);
    assert_false(r.sigs[0].valid);
    assert_string_equal(r.sigs[0].problem,
                        "the signature does not match the signed bytes (they were changed, or it "
                        "was made for another file); no trust anchor was given, so it is not "
                        "trusted");
    ra_sig_report_free(&r);
    /* Something in the unsigned zeros after the CMS in /Contents. */
    ra_buf_clear(&b);
    ra_buf_append(&b, s->one.data, s->one.len);
    char *hex = strstr(b.data + s->report.pdf.len, "/Contents <");
    assert_non_null(hex);
    hex[strcspn(hex, ">") - 1] = '7';
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, NULL, &r), RA_OK);
    assert_true(r.only_signatures);
    assert_false(r.sigs[0].valid);
    assert_string_equal(r.sigs[0].problem, "its /Contents holds bytes after the CMS signature");
    ra_sig_report_free(&r);
    /* In the update: the field's /F 4 becomes /F 5. */
    ra_buf_clear(&b);
    ra_buf_append(&b, s->one.data, s->one.len);
    char *f = strstr(b.data + s->report.pdf.len, "/F 4");
    assert_non_null(f);
    f[3] = '5';
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, NULL, &r), RA_OK);
    assert_false(r.only_signatures);
    assert_non_null(strstr(r.other, "(the signature field 'technical-owner') is changed beyond "
                                    "its /V"));
    ra_sig_report_free(&r);
    ra_buf_free(&b);
}

/* The CMS of one report's signature pasted into another's placeholder: not valid. */
static void test_copied(void **state)
{
    sig_t *s = *state;
    ra_buf_t mvp = RA_BUF_INIT;
    assert_int_equal(sign_pem(s, &s->mvp.pdf, "technical-owner", "rsa", &mvp), RA_OK);
    const char *from = strstr(mvp.data + s->mvp.pdf.len, "/Contents <");
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, s->one.data, s->one.len);
    char *to = strstr(b.data + s->report.pdf.len, "/Contents <");
    assert_non_null(from);
    assert_non_null(to);
    size_t n = strcspn(from, ">");
    assert_int_equal(n, strcspn(to, ">")); /* the same signer, the same room */
    memcpy(to, from, n);
    ra_sig_report_t r;
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, ra_buf_str(&s->ca), &r),
                     RA_OK);
    assert_true(r.only_signatures);
    assert_int_equal(r.nsigs, 1);
    assert_false(r.sigs[0].valid);
    assert_false(r.sigs[0].trusted);
    assert_string_equal(r.sigs[0].signer, "Alice Example");
    assert_non_null(strstr(r.sigs[0].problem, "the signature does not match the signed bytes"));
    ra_sig_report_free(&r);
    ra_buf_free(&b);
    ra_buf_free(&mvp);
}

/* Appends an update to b that replaces object num with body. */
static void append_update(ra_buf_t *b, unsigned num, const char *body)
{
    ra_pdfdoc_t *doc = NULL;
    char why[256];
    assert_int_equal(ra_pdfdoc_open(b->data, b->len, &doc, why), RA_OK);
    const ra_pdfrev_t *last = ra_pdfdoc_revision(doc, ra_pdfdoc_nrevisions(doc) - 1);
    ra_buf_t trailer = RA_BUF_INIT;
    ra_pdfv_write(&trailer, b->data, last->trailer);
    size_t prev = last->xref;
    ra_pdfdoc_free(doc);
    size_t off = b->len;
    ra_buf_printf(b, "%u 0 obj\n%s\nendobj\n", num, body);
    size_t x = b->len;
    /* The trailer as it was, with /Prev set to the last section. */
    char *p = strstr(trailer.data, " /Prev ");
    if (p)
        *p = '\0';
    else
        trailer.data[trailer.len - 3] = '\0';
    ra_buf_printf(
        b, "xref\n%u 1\n%010zu 00000 n\r\ntrailer\n%s /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", num,
        off, trailer.data, prev, x);
    ra_buf_free(&trailer);
}

/* After signing, an update that changes a page is "other", and says so. */
static void test_page_changed(void **state)
{
    sig_t *s = *state;
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, s->one.data, s->one.len);
    ra_pdfdoc_t *doc = NULL;
    char why[256];
    assert_int_equal(ra_pdfdoc_open(b.data, b.len, &doc, why), RA_OK);
    ra_pdfv_t *root =
        ra_pdfdoc_resolve(doc, 1, ra_pdfv_get(ra_pdfdoc_revision(doc, 1)->trailer, "Root"));
    ra_pdfv_t *pages = ra_pdfdoc_resolve(doc, 1, ra_pdfv_get(root, "Pages"));
    ra_pdfv_t *kid = ra_pdfv_get(pages, "Kids")->items[0];
    unsigned num = (unsigned)kid->num;
    ra_pdfv_t *page = ra_pdfdoc_resolve(doc, 1, kid);
    ra_buf_t body = RA_BUF_INIT;
    ra_pdfv_write(&body, b.data, page);
    ra_pdfdoc_free(doc);
    body.data[body.len - 2] = '\0';
    ra_buf_t changed = RA_BUF_INIT;
    ra_buf_printf(&changed, "%s/Rotate 90 >>", body.data);
    append_update(&b, num, changed.data);
    ra_sig_report_t r;
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, NULL, &r), RA_OK);
    assert_false(r.only_signatures);
    char want[64];
    snprintf(want, sizeof want, "object %u (a page) is replaced", num);
    assert_string_equal(r.other, want);
    assert_int_equal(r.nsigs, 1);
    assert_true(r.sigs[0].valid); /* it still covers its own revision */
    assert_int_equal(r.sigs[0].revision_end, s->one.len);
    ra_sig_report_free(&r);
    /* Signing such a report is refused. */
    ra_buf_t out = RA_BUF_INIT;
    capture_reset(&s->f->cap);
    assert_int_equal(sign_pem(s, &b, "product-owner", "rsa", &out), RA_ERR_INVALID);
    assert_non_null(strstr(ra_buf_str(&s->f->cap.text), "changed after issue by an update"));
    capture_reset(&s->f->cap);
    ra_buf_free(&out);
    ra_buf_free(&changed);
    ra_buf_free(&body);
    ra_buf_free(&b);
}

/* A new annotation added after signing is "other" too. */
static void test_added_object(void **state)
{
    sig_t *s = *state;
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, s->one.data, s->one.len);
    append_update(&b, 900, "<< /Type /Annot /Subtype /Text /Rect [ 0 0 1 1 ] >>");
    ra_sig_report_t r;
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, NULL, &r), RA_OK);
    assert_false(r.only_signatures);
    assert_string_equal(r.other, "object 900 (an annotation) is added");
    ra_sig_report_free(&r);
    /* An update that rewrites the AcroForm as it was adds no signature. */
    ra_buf_clear(&b);
    ra_buf_append(&b, s->one.data, s->one.len);
    ra_pdfdoc_t *doc = NULL;
    char why[256];
    assert_int_equal(ra_pdfdoc_open(b.data, b.len, &doc, why), RA_OK);
    ra_pdfv_t *root =
        ra_pdfdoc_resolve(doc, 1, ra_pdfv_get(ra_pdfdoc_revision(doc, 1)->trailer, "Root"));
    ra_pdfv_t *ref = ra_pdfv_get(root, "AcroForm");
    ra_buf_t body = RA_BUF_INIT;
    ra_pdfv_write(&body, b.data, ra_pdfdoc_resolve(doc, 1, ref));
    unsigned num = (unsigned)ref->num;
    ra_pdfdoc_free(doc);
    size_t end = b.len;
    append_update(&b, num, body.data);
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, NULL, &r), RA_OK);
    assert_false(r.only_signatures);
    char want[80];
    snprintf(want, sizeof want, "the update ending at byte %zu adds no signature", b.len);
    assert_string_equal(r.other, want);
    assert_true(b.len > end);
    ra_sig_report_free(&r);
    ra_buf_free(&body);
    ra_buf_free(&b);
}

/* Many revisions: each object is found as of each one (through one index). */
static void test_many_revisions(void **state)
{
    sig_t *s = *state;
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, s->one.data, s->one.len);
    size_t offsets[201];
    for (int i = 0; i < 200; i++) {
        offsets[i] = b.len;
        append_update(&b, 7000, i % 2 ? "<< /Odd true >>" : "<< /Odd false >>");
    }
    ra_pdfdoc_t *doc = NULL;
    char why[256];
    assert_int_equal(ra_pdfdoc_open(b.data, b.len, &doc, why), RA_OK);
    assert_int_equal(ra_pdfdoc_nrevisions(doc), 202);
    assert_null(ra_pdfdoc_entry(doc, 1, 7000));
    for (size_t r = 2; r < 202; r++) {
        const ra_pdfxref_t *e = ra_pdfdoc_entry(doc, r, 7000);
        assert_non_null(e);
        assert_int_equal(e->offset, offsets[r - 2]);
    }
    /* Objects of the original are still found as of the last revision. */
    const ra_pdfxref_t *cat = ra_pdfdoc_entry(doc, 201, 1);
    assert_non_null(cat);
    assert_true(cat->offset < s->report.pdf.len);
    ra_pdfdoc_free(doc);
    ra_sig_report_t r;
    assert_int_equal(ra_signatures_check(b.data, b.len, s->report.pdf.len, NULL, &r), RA_OK);
    assert_false(r.only_signatures);
    assert_string_equal(r.other, "object 7000 (a dictionary) is added");
    assert_int_equal(r.nsigs, 1);
    assert_true(r.sigs[0].valid);
    ra_sig_report_free(&r);
    ra_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pdfread),        cmocka_unit_test(test_pdfread_depth),
        cmocka_unit_test(test_unsigned),       cmocka_unit_test(test_two_signers),
        cmocka_unit_test(test_untrusted),      cmocka_unit_test(test_flipped),
        cmocka_unit_test(test_copied),         cmocka_unit_test(test_page_changed),
        cmocka_unit_test(test_added_object),   cmocka_unit_test(test_at_signing_time),
        cmocka_unit_test(test_many_revisions),
    };
    return cmocka_run_group_tests(tests, sig_setup, sig_teardown);
}
