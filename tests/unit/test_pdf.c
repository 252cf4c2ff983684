/* test_pdf.c - cmocka unit tests for the PDF backend through pdf.h: a whole document saves,
 * same calls give the same bytes, exact text widths, images, errors and their messages. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "pdf/pdf.h"
#include "testutil.h"

/* The font chain of this checkout (tests run from its top directory). */
#define RA_TEST_FONT_CHAIN "fonts/chain.txt"

static const ra_rgb_t black = {0, 0, 0}, accent = {0.1, 0.2, 0.4};

/* Creates a document (fonts from the system's DejaVu) of conformance c. */
static ra_pdf_t *new_pdf(ra_pdf_conformance_t c)
{
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_pdf_t *pdf = NULL;
    o.conformance = c;
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
    return pdf;
}

/* Returns 1 when the bytes of s occur in b. */
static int has(const ra_buf_t *b, const char *s)
{
    return memmem(b->data, b->len, s, strlen(s)) != NULL;
}

/* Counts the occurrences of s in b. */
static int count(const ra_buf_t *b, const char *s)
{
    int n = 0;
    size_t len = strlen(s);
    for (const char *p = b->data, *end = b->data + b->len;
         (p = memmem(p, (size_t)(end - p), s, len)) != NULL; p += len)
        n++;
    return n;
}

/* Builds a two-page plain document with text, a rectangle, a line, a
 * circle, a link from page 1 to page 2, two bookmarks, page labels and an
 * attachment; title is the document title. */
static void build(const char *title, ra_buf_t *out)
{
    ra_pdf_t *pdf = new_pdf(RA_PDF_PLAIN);
    ra_pdf_info_t info = {.title = title, .author = "Audit team", .created = 1773273600};
    int top = -1;
    assert_int_equal(ra_pdf_set_info(pdf, &info), RA_OK);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_page_count(pdf), 2);
    assert_int_equal(ra_pdf_use_page(pdf, 0), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_BOLD, 18, black, 72, 100, "Readiness", 9), RA_OK);
    assert_int_equal(ra_pdf_rect(pdf, 72, 120, 200, 40, 4, &accent, NULL, 0), RA_OK);
    assert_int_equal(ra_pdf_line(pdf, 72, 170, 272, 170, 1, black, 0), RA_OK);
    assert_int_equal(ra_pdf_circle(pdf, 300, 300, 20, NULL, &accent, 2), RA_OK);
    assert_int_equal(ra_pdf_link(pdf, 72, 120, 200, 40, 1, 0), RA_OK);
    assert_int_equal(ra_pdf_use_page(pdf, 1), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 10, black, 72, 100, "Gaps", 4), RA_OK);
    assert_int_equal(ra_pdf_outline(pdf, -1, "Cover", 0, 0, &top), RA_OK);
    assert_int_equal(top, 0);
    assert_int_equal(ra_pdf_outline(pdf, top, "Gaps", 1, 90, NULL), RA_OK);
    assert_int_equal(ra_pdf_page_label(pdf, 0, RA_LABEL_ROMAN_LOWER, 1, NULL), RA_OK);
    assert_int_equal(
        ra_pdf_attach(pdf, "dir/record.xml", "application/xml", "The record", "<a/>\n", 5), RA_OK);
    assert_int_equal(ra_pdf_save(pdf, out), RA_OK);
    assert_string_equal(ra_pdf_errmsg(pdf), "");
    ra_pdf_free(pdf);
}

static void test_document_saves(void **state)
{
    (void)state;
    ra_buf_t out = RA_BUF_INIT;
    build("Report", &out);
    assert_memory_equal(out.data, "%PDF-1.4\n", 9);
    assert_memory_equal(out.data + out.len - 6, "%%EOF\n", 6);
    assert_int_equal(count(&out, "/Type /Page"), 3); /* two pages and /Pages */
    assert_int_equal(count(&out, "/Type /Pages"), 1);
    assert_true(has(&out, "/Count 2"));
    assert_int_equal(count(&out, "/Subtype /Link"), 1);
    /* Titles as UTF-16 text strings: the info dictionary's and the two
     * bookmarks' (libharu marks each item /Type /Outlines, as the root). */
    assert_int_equal(count(&out, "/Title <FEFF"), 3);
    assert_int_equal(count(&out, "/Type /Outlines"), 3);
    assert_true(has(&out, "/PageLabels"));
    assert_true(has(&out, "/S /r"));
    assert_true(has(&out, "/EmbeddedFiles"));
    assert_int_equal(count(&out, "/Type /Filespec"), 1);
    assert_true(has(&out, "/F (record.xml)"));
    /* Two faces used, each a Type0 font with its subset, one /ID. */
    assert_int_equal(count(&out, "/Subtype /Type0"), 2);
    assert_int_equal(count(&out, "/FontFile2"), 2);
    assert_int_equal(count(&out, "/ID ["), 1);
    /* A plain document claims no PDF/A conformance. */
    assert_false(has(&out, "pdfaid:part"));
    ra_buf_free(&out);
}

/* Same calls, same bytes; another title, other bytes and another /ID. */
static void test_deterministic(void **state)
{
    (void)state;
    ra_buf_t a = RA_BUF_INIT, b = RA_BUF_INIT, c = RA_BUF_INIT;
    build("Report", &a);
    build("Report", &b);
    build("Report 2", &c);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    const char *ida = memmem(a.data, a.len, "/ID [", 5), *idc = memmem(c.data, c.len, "/ID [", 5);
    assert_non_null(ida);
    assert_non_null(idc);
    assert_true(memcmp(ida, idc, 40) != 0);
    ra_buf_free(&a);
    ra_buf_free(&b);
    ra_buf_free(&c);
}

/* DejaVu Sans advances as HarfBuzz shapes them (2048 units per em; what
 * `hb-shape DejaVuSans.ttf TEXT` prints): Hello 1540 1260 569 569 1253 =
 * 5191; W 2025; "Readiness 88.2%" 17564 in all; Mono i 1233; kerning makes
 * "AV" 1270 + 1401 where A alone is 1401. */
static void test_text_width(void **state)
{
    (void)state;
    ra_pdf_t *pdf = new_pdf(RA_PDF_PDFA_1B);
    /* 5191 / 2048 * 10 */
    assert_int_equal(llround(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, "Hello", 5) * 1000),
                     25347);
    /* 3 * 2025 / 2048 * 20 */
    assert_int_equal(llround(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 20, "WWW", 3) * 1000), 59326);
    /* 17564 / 2048 * 12 */
    assert_int_equal(
        llround(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 12, "Readiness 88.2%", 15) * 1000), 102914);
    /* Monospaced: every character 1233 units. */
    assert_int_equal(llround(ra_pdf_text_width(pdf, RA_FACE_MONO, 10, "iiii", 4) * 1000), 24082);
    /* Kerning: 2671 / 2048 * 10 for "AV", 2802 for "A" and "V" apart. */
    assert_int_equal(llround(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, "AV", 2) * 1000), 13042);
    assert_int_equal(llround(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, "A", 1) * 2000), 13682);
    /* The longest prefix of "Hello" within 15 pt at 10 pt: "Hel" is
     * 16.45, "He" 13.67. */
    assert_int_equal(ra_pdf_text_fit(pdf, RA_FACE_REGULAR, 10, "Hello", 5, 15), 2);
    ra_pdf_free(pdf);
}

/* Shaping is remembered (words of ASCII text, other texts whole): a text
 * measures, fits and cleans the same the first time, again, and after
 * thousands of other words. hb-shape DejaVuSans.ttf gives the URL 49815
 * units (46 glyphs, "e" before "x" kerned to 1224) and a space 651. */
static void test_remembered_shaping(void **state)
{
    (void)state;
    ra_pdf_t *pdf = new_pdf(RA_PDF_PDFA_1B);
    const char *url = "https://observe.example.org/dashboards/latency"; /* 46 bytes */
    const char *hello = "Hello Hello Hello Hello Hello Hello";          /* 35 bytes */
    /* A control character and a right-to-left word: cleaned and shaped whole. */
    const char *mixed = "Owner:\x01 \xd9\x85\xd8\xad\xd9\x85\xd8\xaf (Security)";
    /* A word longer than any remembered (300 "i" and " i" in Mono). */
    char longword[303];
    memset(longword, 'i', 300);
    memcpy(longword + 300, " i", 3);
    /* Texts longer than a remembered width are summed from their words'
     * glyphs once every word is remembered: the very same double as when
     * they were shaped. */
    double first[3] = {0};
    for (int round = 0; round < 3; round++) {
        double got[3] = {ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, url, 46),
                         ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, hello, 35),
                         ra_pdf_text_width(pdf, RA_FACE_MONO, 10, longword, 302)};
        /* 49815 / 2048 * 10 */
        assert_int_equal(llround(got[0] * 1000), 243237);
        /* (6 * 5191 + 5 * 651) / 2048 * 10 */
        assert_int_equal(llround(got[1] * 1000), 167974);
        /* 302 * 1233 / 2048 * 10 */
        assert_int_equal(llround(got[2] * 1000), 1818193);
        for (int k = 0; k < 3; k++) {
            if (round == 0)
                first[k] = got[k];
            assert_memory_equal(&got[k], &first[k], sizeof got[k]);
        }
        /* The longest prefix within 80 pt: "Hello Hello Hell" is 15622 units,
         * 76.28 pt; "Hello Hello Hello" 16875, 82.40 pt. */
        assert_int_equal(ra_pdf_text_fit(pdf, RA_FACE_REGULAR, 10, hello, 35, 80), 16);
        ra_buf_t clean = RA_BUF_INIT;
        assert_int_equal(ra_pdf_sanitize(pdf, RA_FACE_REGULAR, mixed, strlen(mixed), &clean),
                         RA_OK);
        assert_string_equal(ra_buf_str(&clean),
                            "Owner:\xef\xbf\xbd \xd9\x85\xd8\xad\xd9\x85\xd8\xaf (Security)");
        ra_buf_free(&clean);
        uint32_t cps[4];
        size_t ncps = 0;
        assert_int_equal(
            ra_pdf_text_missing(pdf, RA_FACE_REGULAR, mixed, strlen(mixed), cps, 4, &ncps), 1);
        assert_int_equal(ncps, 1);
        assert_int_equal(cps[0], 1);
        /* Thousands of other words (and texts) in between. */
        for (int i = 0; round == 1 && i < 5000; i++) {
            char w[64];
            int n = snprintf(w, sizeof w, "word%d and \xc3\xbc%d, the %d-th text", i, i, i);
            assert_true(ra_pdf_text_width(pdf, RA_FACE_BOLD, 9, w, (size_t)n) > 0);
        }
    }
    ra_pdf_free(pdf);
}

/* A text measured in the direction found and drawn left to right is
 * remembered once when it shapes the same either way (no character from
 * U+0590 on); a text with a right-to-left character, once per direction. */
static void test_remembered_direction(void **state)
{
    (void)state;
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_pdf_fonts_t *fonts = NULL;
    assert_int_equal(ra_pdf_fonts_new(&o, &fonts), RA_OK);
    o.fonts = fonts;
    static const char *const texts[] = {"Zo\xc3\xab M\xc3\xbcller",
                                        "Owner: \xd9\x85\xd8\xad\xd9\x85\xd8\xaf"};
    for (int t = 0; t < 2; t++) {
        ra_pdf_t *pdf = NULL;
        assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
        assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
        size_t len = strlen(texts[t]);
        assert_true(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, texts[t], len) > 0);
        assert_int_equal(
            ra_pdf_text_dir(pdf, RA_FACE_REGULAR, 10, black, 72, 100, RA_DIR_LTR, texts[t], len),
            RA_OK);
        size_t before = ra_pdf_fonts_kept(fonts);
        ra_pdf_fonts_keep_shaping(fonts, pdf);
        assert_int_equal(ra_pdf_fonts_kept(fonts) - before, t == 0 ? 1 : 2);
        ra_pdf_free(pdf);
    }
    ra_pdf_fonts_free(fonts);
}

/* Reads a file of tests/fixtures/images into b. */
static void fixture(const char *name, ra_buf_t *b)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/images/%s", name);
    read_whole(path, b);
}

/* A JPEG is embedded byte for byte with /DCTDecode; a damaged one is an
 * error with the image module's message. */
static void test_image_jpeg(void **state)
{
    (void)state;
    ra_buf_t jpg = RA_BUF_INIT, out = RA_BUF_INIT;
    fixture("rgb-progressive.jpg", &jpg);
    ra_pdf_t *pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_image(pdf, jpg.data, jpg.len, 72, 72, 120, 80), RA_OK);
    assert_int_equal(ra_pdf_save(pdf, &out), RA_OK);
    assert_true(has(&out, "/Filter /DCTDecode"));
    assert_true(has(&out, "/Width 12"));
    assert_true(has(&out, "/Height 8"));
    assert_true(has(&out, "/ColorSpace /DeviceRGB"));
    assert_non_null(memmem(out.data, out.len, jpg.data, jpg.len));
    ra_pdf_free(pdf);

    pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_image(pdf, jpg.data, jpg.len / 2, 72, 72, 120, 80), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "image JPEG is truncated");
    ra_pdf_free(pdf);
    ra_buf_free(&jpg);
    ra_buf_free(&out);
}

/* The first error is kept, with its message, and every later call fails. */
static void test_errors(void **state)
{
    (void)state;
    ra_pdf_t *pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 10, black, 0, 0, "x", 1), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "drawing before the first page");
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_ERR_PDF);
    ra_buf_t out = RA_BUF_INIT;
    assert_int_equal(ra_pdf_save(pdf, &out), RA_ERR_PDF);
    assert_int_equal(out.len, 0);
    ra_pdf_free(pdf);

    pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_attach(pdf, "a.xml", "application/xml", NULL, "x", 1), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "PDF/A-1 forbids embedded files");
    ra_pdf_free(pdf);

    pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_add_page(pdf, 2, 2), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "page size out of range");
    ra_pdf_free(pdf);

    pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_link(pdf, 0, 0, 10, 10, 1, 0), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "link or bookmark to a page that does not exist");
    ra_pdf_free(pdf);

    pdf = new_pdf(RA_PDF_PLAIN);
    assert_int_equal(ra_pdf_attach(pdf, "a.xml", "application xml", NULL, "x", 1), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "attachment MIME type is not type/subtype");
    ra_pdf_free(pdf);

    /* A font directory that does not exist: no document, and why. */
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_buf_t why = RA_BUF_INIT;
    o.font_dir = "/nonexistent";
    o.errmsg = &why;
    pdf = (ra_pdf_t *)&o; /* must be reset to NULL */
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_ERR_FONT);
    assert_null(pdf);
    assert_string_equal(
        ra_buf_str(&why),
        "cannot open /nonexistent/truetype/dejavu/DejaVuSans.ttf: No such file or directory");
    ra_buf_free(&why);
}

/* Returns the /ID of a saved file, as written ("" when none). */
static void trailer_id(const ra_buf_t *b, char out[128])
{
    const char *p = memmem(b->data, b->len, "/ID [", 5);
    size_t n = 0;
    while (p && n < 127 && p[n] && p[n] != ']')
        n++;
    memcpy(out, p ? p : "", n);
    out[n] = '\0';
}

/* Signature fields: one object each, field and widget, with an appearance
 * of the rectangle's size, in the page's /Annots and in the /Fields of an
 * indirect /AcroForm in call order; none of it without a field. */
static void test_sig_fields(void **state)
{
    (void)state;
    ra_buf_t out = RA_BUF_INIT, again = RA_BUF_INIT, other = RA_BUF_INIT;
    for (int run = 0; run < 3; run++) {
        ra_pdf_t *pdf = new_pdf(RA_PDF_PDFA_1B);
        assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
        assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 10, black, 72, 72, "Sign", 4), RA_OK);
        assert_int_equal(
            ra_pdf_sig_field(pdf, run == 2 ? "other-owner" : "technical-owner", 100, 200, 150, 32),
            RA_OK);
        assert_int_equal(ra_pdf_sig_field(pdf, "product_owner", 100, 300, 150.3, 32.1), RA_OK);
        assert_int_equal(ra_pdf_save(pdf, run == 0 ? &out : run == 1 ? &again : &other), RA_OK);
        ra_pdf_free(pdf);
    }
    assert_int_equal(out.len, again.len);
    assert_memory_equal(out.data, again.data, out.len);
    /* Quarter points: 841.89 - 200 = 641.89 is written 642. */
    assert_true(has(&out, "/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (technical-owner)\n/F 4\n"
                          "/Rect [ 100 610 250 642 ]\n/P "));
    assert_true(has(&out, "/T (product_owner)\n/F 4\n/Rect [ 100 509.75 250.25 542 ]\n/P "));
    assert_true(has(&out, "/Subtype /Form\n/BBox [ 0 0 150 32 ]\n"));
    assert_true(has(&out, "/Subtype /Form\n/BBox [ 0 0 150.25 32.25 ]\n"));
    assert_int_equal(count(&out, "/FT /Sig"), 2);
    assert_int_equal(count(&out, "/AP <<\n/N "), 2);
    assert_false(has(&out, "/SigFlags"));
    assert_false(has(&out, "/NeedAppearances"));
    assert_false(has(&out, "/V "));
    /* /AcroForm N 0 R, and object N is << /Fields [ a 0 R b 0 R ] >>, the
     * two widgets in order, both in the page's /Annots. */
    const char *af = memmem(out.data, out.len, "/AcroForm ", 10);
    assert_non_null(af);
    char *end;
    long n = strtol(af + 10, &end, 10);
    assert_true(n > 0 && strncmp(end, " 0 R\n", 5) == 0);
    char obj[64];
    snprintf(obj, sizeof obj, "\n%ld 0 obj\n<<\n/Fields [ ", n);
    const char *fl = memmem(out.data, out.len, obj, strlen(obj));
    assert_non_null(fl);
    long f1 = strtol(fl + strlen(obj), &end, 10);
    assert_true(strncmp(end, " 0 R ", 5) == 0);
    long f2 = strtol(end + 5, &end, 10);
    assert_true(strncmp(end, " 0 R ]\n>>", 9) == 0);
    snprintf(obj, sizeof obj, "\n%ld 0 obj\n<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (t",
             f1);
    assert_true(has(&out, obj));
    snprintf(obj, sizeof obj, "\n%ld 0 obj\n<<\n/Type /Annot\n/Subtype /Widget\n/FT /Sig\n/T (p",
             f2);
    assert_true(has(&out, obj));
    snprintf(obj, sizeof obj, "/Annots [ %ld 0 R %ld 0 R ]", f1, f2);
    assert_true(has(&out, obj));
    /* The field's name is part of the document's /ID. */
    char id1[128], id2[128];
    trailer_id(&out, id1);
    trailer_id(&other, id2);
    assert_true(strlen(id1) > 10);
    assert_string_not_equal(id1, id2);
    ra_buf_free(&out);
    ra_buf_free(&again);
    ra_buf_free(&other);

    /* No field: no /AcroForm. */
    ra_pdf_t *pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_save(pdf, &out), RA_OK);
    assert_false(has(&out, "/AcroForm"));
    assert_false(has(&out, "/Widget"));
    ra_pdf_free(pdf);
    ra_buf_free(&out);

    /* What is refused, and why. */
    static const struct {
        const char *name;
        double x, y, w, h;
        const char *why;
    } bad[] = {
        {"a.b", 10, 10, 50, 20, "signature field name is not 1 to 64 letters, digits, '-' or '_'"},
        {"", 10, 10, 50, 20, "signature field name is not 1 to 64 letters, digits, '-' or '_'"},
        {"a(b)", 10, 10, 50, 20, "signature field name is not 1 to 64 letters, digits, '-' or '_'"},
        {"x1234567890123456789012345678901234567890123456789012345678901234", 10, 10, 50, 20,
         "signature field name is not 1 to 64 letters, digits, '-' or '_'"},
        {"owner", 580, 10, 50, 20, "signature field outside its page"},
        {"owner", 10, 10, 0.5, 20, "signature field outside its page"},
        {"owner", 10, 830, 50, 20, "signature field outside its page"},
        {"dup", 10, 10, 50, 20, "two signature fields with the same name"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        pdf = new_pdf(RA_PDF_PDFA_1B);
        assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
        if (strcmp(bad[i].name, "dup") == 0)
            assert_int_equal(ra_pdf_sig_field(pdf, "dup", 10, 100, 50, 20), RA_OK);
        assert_int_equal(ra_pdf_sig_field(pdf, bad[i].name, bad[i].x, bad[i].y, bad[i].w, bad[i].h),
                         RA_ERR_PDF);
        assert_string_equal(ra_pdf_errmsg(pdf), bad[i].why);
        ra_pdf_free(pdf);
    }
    /* 64 characters is the longest name; "dup" is a prefix, not a duplicate,
     * of "dup-2". */
    pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(
        ra_pdf_sig_field(pdf, "x123456789012345678901234567890123456789012345678901234567890123",
                         10, 10, 50, 20),
        RA_OK);
    assert_int_equal(ra_pdf_sig_field(pdf, "dup-2", 10, 100, 50, 20), RA_OK);
    assert_int_equal(ra_pdf_sig_field(pdf, "dup", 10, 200, 50, 20), RA_OK);
    ra_pdf_free(pdf);
    pdf = new_pdf(RA_PDF_PDFA_1B);
    assert_int_equal(ra_pdf_sig_field(pdf, "owner", 10, 10, 50, 20), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "drawing before the first page");
    ra_pdf_free(pdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_saves),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_remembered_shaping),
        cmocka_unit_test(test_remembered_direction),
        cmocka_unit_test(test_image_jpeg),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_sig_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
