/* test_layout.c - cmocka unit tests for text.c, pdf.c and layout.c: UTF-8,
 * measuring, wrap points, pagination, sanitising, ToUnicode, determinism. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <math.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "base/buf.h"
#include "layout/layout.h"
#include "report/graphics.h"
#include "pdf/pdf.h"
#include "base/text.h"
#include "pngutil.h"
#include "testutil.h"

#ifndef RA_TEST_FONT_CHAIN
/* The font chain of this checkout (tests run from its top directory). */
#define RA_TEST_FONT_CHAIN "fonts/chain.txt"
#endif

/* --- Fixtures and helpers --- */

/* Glyph reports captured by the tests. */
typedef struct {
    uint32_t cp[64];
    int n;
} reports_t;

static void capture(void *ctx, uint32_t cp, ra_face_t face, const char *what)
{
    reports_t *r = ctx;
    (void)face;
    assert_non_null(what);
    if (r->n < 64)
        r->cp[r->n] = cp;
    r->n++;
}

/* Creates a document whose glyph reports go to r. */
static ra_pdf_t *new_pdf(reports_t *r)
{
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_pdf_t *pdf = NULL;
    o.on_glyph = capture;
    o.glyph_ctx = r;
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
    return pdf;
}

static double W(const ra_pdf_t *pdf, const char *s)
{
    return ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, s, strlen(s));
}

/* Wraps s at width (regular, 10 pt) and compares with expected. */
static void check_wrap(const ra_pdf_t *pdf, const char *s, double width, const char *expected)
{
    ra_buf_t out = RA_BUF_INIT;
    assert_int_equal(ra_layout_wrap(pdf, RA_FACE_REGULAR, 10, width, s, &out), RA_OK);
    assert_string_equal(ra_buf_str(&out), expected);
    ra_buf_free(&out);
}

/* Saves pdf into out. */
static void save(ra_pdf_t *pdf, ra_buf_t *out)
{
    assert_int_equal(ra_pdf_save(pdf, out), RA_OK);
    assert_true(out->len > 100);
    assert_memory_equal(out->data, "%PDF-", 5);
}

/* Inflates every Flate stream of a PDF file and appends their contents,
 * separated by "\n--stream--\n", to all. */
static void inflate_streams(const ra_buf_t *pdf, ra_buf_t *all)
{
    const char *p = pdf->data, *end = pdf->data + pdf->len;
    while ((p = memmem(p, (size_t)(end - p), "stream", 6)) != NULL) {
        p += 6;
        if (p[-7] == 'd') /* "endstream" */
            continue;
        if (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
        z_stream z;
        memset(&z, 0, sizeof z);
        assert_int_equal(inflateInit(&z), Z_OK);
        z.next_in = (unsigned char *)p;
        z.avail_in = (unsigned)(end - p);
        unsigned char chunk[65536];
        int r;
        do {
            z.next_out = chunk;
            z.avail_out = sizeof chunk;
            r = inflate(&z, Z_NO_FLUSH);
            if (r != Z_OK && r != Z_STREAM_END)
                break;
            ra_buf_append(all, (char *)chunk, sizeof chunk - z.avail_out);
        } while (r == Z_OK);
        inflateEnd(&z);
        ra_buf_puts(all, "\n--stream--\n");
    }
}

/* The hyphenation dictionaries of this checkout, as its list pins them
 * (the layout's own default is the installed list); made by group_setup. */
static ra_hyph_t *test_hyph;

/* Layout options used by the pagination tests. */
static ra_layout_options_t test_options(void)
{
    ra_layout_options_t o;
    ra_layout_options_default(&o);
    o.hyph = test_hyph;
    return o;
}

/* Body limits of options o. */
static void body(const ra_layout_options_t *o, double *top, double *bottom, double *left,
                 double *right)
{
    *top = o->margin_top + o->header_height;
    *bottom = o->page_height - o->margin_bottom - o->footer_height;
    *left = o->margin_left;
    *right = o->page_width - o->margin_right;
}

/* Checks every text line of a dump: baseline inside the body, start at or
 * right of the left margin and measured end at or left of the right one. */
static void check_dump_inside(const ra_pdf_t *pdf, const ra_layout_options_t *o, const char *dump)
{
    double top, bottom, left, right;
    body(o, &top, &bottom, &left, &right);
    const char *line = dump;
    while (*line) {
        const char *nl = strchr(line, '\n');
        double x, y, size;
        char face;
        if (sscanf(line, "text %lf %lf %c %lf", &x, &y, &face, &size) == 4) {
            const char *q = strchr(line, '"');
            assert_non_null(q);
            const char *qe = nl ? nl - 1 : line + strlen(line) - 1;
            ra_face_t f = face == 'B'   ? RA_FACE_BOLD
                          : face == 'I' ? RA_FACE_ITALIC
                          : face == 'M' ? RA_FACE_MONO
                                        : RA_FACE_REGULAR;
            double w = ra_pdf_text_width(pdf, f, size, q + 1, (size_t)(qe - q - 1));
            assert_true(x >= left - 0.01);
            assert_true(x + w <= right + 0.02);
            assert_true(y - size >= top - 0.01);
            assert_true(y <= bottom + 0.01);
        }
        line = nl ? nl + 1 : line + strlen(line);
    }
}

/* Counts occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* --- text.c --- */

static void test_utf8_decode(void **state)
{
    (void)state;
    const char s[] = "A\xC3\xAB\xE2\x82\xAC\xF0\x9F\x98\x80";
    size_t pos = 0, len = sizeof s - 1;
    assert_int_equal(ra_utf8_decode(s, len, &pos), 'A');
    assert_int_equal(ra_utf8_decode(s, len, &pos), 0xEB);
    assert_int_equal(ra_utf8_decode(s, len, &pos), 0x20AC);
    assert_int_equal(ra_utf8_decode(s, len, &pos), 0x1F600);
    assert_int_equal(pos, len);
    /* Malformed: stray continuation, overlong, surrogate, truncated. */
    const char bad[] = "\x80\xC0\xAF\xED\xA0\x80\xE2\x82";
    size_t n = 0;
    pos = 0;
    while (pos < sizeof bad - 1) {
        assert_int_equal(ra_utf8_decode(bad, sizeof bad - 1, &pos), RA_UTF8_INVALID);
        n++;
    }
    assert_int_equal(n, 1 + 2 + 3 + 1); /* maximal subparts */
    char out[4];
    assert_int_equal(ra_utf8_encode(0x1F600, out), 4);
    assert_memory_equal(out, "\xF0\x9F\x98\x80", 4);
    assert_int_equal(ra_utf8_encode(0xD800, out), 0);
    assert_int_equal(ra_utf8_count(s, len), 4);
}

/* --- pdf.c measuring and sanitising --- */

static void test_width_additive(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    /* Kerning: "AV" is narrower than its letters apart; widths scale
     * with the size. */
    assert_true(W(pdf, "AV") < W(pdf, "A") + W(pdf, "V") - 0.5);
    assert_true(fabs(ra_pdf_text_width(pdf, RA_FACE_BOLD, 20, "Zoë", 4) -
                     2 * ra_pdf_text_width(pdf, RA_FACE_BOLD, 10, "Zoë", 4)) < 1e-9);
    /* A character no face has (private use) measures as its replacement;
     * CJK and emoji come from the chain's Noto CJK and Symbola. */
    assert_true(fabs(W(pdf, "\xEE\x80\x80") - W(pdf, "\xEF\xBF\xBD")) < 1e-9);
    assert_int_equal(
        ra_pdf_text_missing(pdf, RA_FACE_REGULAR, "\xF0\x9F\x9A\x80", 4, NULL, 0, NULL), 0);
    assert_true(fabs(W(pdf, "\xE6\xBC\xA2") - 10) < 1e-9); /* an ideograph is 1 em */
    assert_true(fabs(W(pdf, "\t") - W(pdf, " ")) < 1e-9);
    /* Mono is monospaced. */
    assert_true(fabs(ra_pdf_text_width(pdf, RA_FACE_MONO, 10, "iiii", 4) -
                     ra_pdf_text_width(pdf, RA_FACE_MONO, 10, "MMMM", 4)) < 1e-9);
    /* Fit: the longest prefix that fits, at least one character. */
    const char *s = "abcdefghij";
    size_t k = ra_pdf_text_fit(pdf, RA_FACE_REGULAR, 10, s, 10, W(pdf, "abcd"));
    assert_int_equal(k, 4);
    assert_int_equal(ra_pdf_text_fit(pdf, RA_FACE_REGULAR, 10, s, 10, 0.1), 1);
    assert_int_equal(ra_pdf_text_fit(pdf, RA_FACE_REGULAR, 10, "\xC3\xAB\xC3\xAB", 4, 0.1), 2);
    ra_pdf_free(pdf);
}

static void test_sanitize_and_report_once(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    const char *s = "a\xFF"
                    "b\xF0\x9F\x98\x80"
                    "c\x01"
                    "d\te\xE6\xBC\xA2\xEE\x80\x80";
    ra_buf_t out = RA_BUF_INIT;
    assert_int_equal(ra_pdf_sanitize(pdf, RA_FACE_REGULAR, s, strlen(s), &out), RA_OK);
    assert_string_equal(ra_buf_str(&out), "a\xEF\xBF\xBD"
                                          "b\xF0\x9F\x98\x80"
                                          "c\xEF\xBF\xBD"
                                          "d e\xE6\xBC\xA2\xEF\xBF\xBD");
    /* What no face can draw, counted for the caller's report. */
    uint32_t miss[4];
    size_t nmiss = 9;
    assert_int_equal(ra_pdf_text_missing(pdf, RA_FACE_REGULAR, s, strlen(s), miss, 4, &nmiss), 3);
    assert_int_equal(nmiss, 3);
    assert_int_equal(miss[0], RA_UTF8_INVALID);
    assert_int_equal(miss[1], 0x01);
    assert_int_equal(miss[2], 0xE000);
    assert_int_equal(r.n, 0); /* sanitising alone does not report */
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    ra_rgb_t black = {0, 0, 0};
    for (int i = 0; i < 3; i++) /* drawn three times, reported once */
        assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 10, black, 72, 72, s, strlen(s)), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_BOLD, 10, black, 72, 90, "\xFE", 1), RA_OK);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.cp[0], RA_UTF8_INVALID);
    assert_int_equal(r.cp[1], 0x01);
    assert_int_equal(r.cp[2], 0xE000);
    assert_int_equal(ra_pdf_missing_count(pdf), 10); /* 3 characters, 3 times, and \xFE */
    ra_buf_free(&out);
    ra_pdf_free(pdf);
}

/* --- pdf.c output --- */

/* Counts occurrences of needle[0..nl) in the bytes of b (which may hold
 * NULs). */
static int bcountn(const ra_buf_t *b, const char *needle, size_t nl)
{
    int n = 0;
    const char *p = b->data, *end = b->data + b->len;
    while (p < end && (p = memmem(p, (size_t)(end - p), needle, nl)) != NULL) {
        n++;
        p++;
    }
    return n;
}

static int bcount(const ra_buf_t *b, const char *needle)
{
    return bcountn(b, needle, strlen(needle));
}

/* Noto Sans CJK draws U+002D HYPHEN-MINUS and U+2011 NON-BREAKING HYPHEN
 * with one glyph (id 14; both are common characters, so between
 * ideographs they go with the CJK run). ToUnicode maps the glyph to the
 * character it was first drawn for; drawn again for that character it
 * needs nothing more, drawn for the other one it is marked /ActualText. */
static void test_glyph_of_two_characters(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    /* 中-中‑中 */
    const char *s = "\xE4\xB8\xAD-\xE4\xB8\xAD\xE2\x80\x91\xE4\xB8\xAD";
    ra_rgb_t black = {0, 0, 0};
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 12, black, 72, 72, s, strlen(s)), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 12, black, 72, 90, s, strlen(s)), RA_OK);
    ra_buf_t file = RA_BUF_INIT, all = RA_BUF_INIT;
    save(pdf, &file);
    inflate_streams(&file, &all);
    /* The non-breaking hyphen of each line, and nothing else. */
    assert_int_equal(bcount(&all, "/Span<</ActualText<FEFF2011>>>BDC\n"), 2);
    assert_int_equal(bcount(&all, "BDC\n"), 2);
    assert_int_equal(bcount(&all, "EMC\n"), 2);
    ra_buf_free(&file);
    ra_buf_free(&all);
    ra_pdf_free(pdf);
}

static void test_tounicode_cmap(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    /* Glyph ids as `hb-shape` gives them: DejaVu Sans Z 61, ë 173, Ł 259,
     * A 36, the "ffi" ligature 5044; Noto Sans Devanagari shapes अर्जुन as
     * 9 | 32 69 181 (the cluster र्जु) | 44; Symbola's 🚀 is 8902. */
    const char *s = "Zo\xC3\xAB \xC5\x81ukasz ABC office";
    const char *hi = "\xE0\xA4\x85\xE0\xA4\xB0\xE0\xA5\x8D\xE0\xA4\x9C\xE0\xA5\x81\xE0\xA4\xA8";
    ra_rgb_t black = {0, 0, 0};
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 12, black, 72, 72, s, strlen(s)), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 12, black, 72, 90, hi, strlen(hi)), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 12, black, 72, 108, "\xF0\x9F\x9A\x80", 4),
                     RA_OK);
    ra_buf_t file = RA_BUF_INIT, all = RA_BUF_INIT;
    save(pdf, &file);
    inflate_streams(&file, &all);
    /* Streams are binary (font, CIDToGIDMap): search with memmem. */
    const char *cmap = memmem(all.data, all.len, "begincmap", 9);
    assert_non_null(cmap);
    assert_null(memmem(all.data, all.len, "begincidrange", 13));
    assert_non_null(strstr(cmap, "/CMapType 2 def"));
    assert_non_null(strstr(cmap, "/Ordering (UCS)"));
    /* One map per font file drawn with: DejaVu, Noto Devanagari, Symbola. */
    assert_int_equal(bcount(&all, "begincmap"), 3);
    /* Glyph id (= CID) to its characters; the ligature to all three. */
    assert_non_null(memmem(all.data, all.len, "<003D> <005A>", 13));
    assert_non_null(memmem(all.data, all.len, "<00AD> <00EB>", 13));
    assert_non_null(memmem(all.data, all.len, "<0103> <0141>", 13));
    assert_non_null(memmem(all.data, all.len, "<0024> <0041>", 13));
    assert_non_null(memmem(all.data, all.len, "<13B4> <006600660069>", 21));
    assert_non_null(memmem(all.data, all.len, "<22C6> <D83DDE80>", 17)); /* UTF-16 */
    /* No glyph maps to U+0000, U+FEFF or U+FFFE. */
    assert_null(memmem(all.data, all.len, "> <0000", 7));
    assert_null(memmem(all.data, all.len, "> <FEFF", 7));
    assert_null(memmem(all.data, all.len, "> <FFFE", 7));
    /* The content shows 2-byte glyph ids, kerned with TJ. */
    assert_non_null(memmem(all.data, all.len, "[(\0=\0R", 7));
    /* The reordered cluster carries its characters as /ActualText. */
    assert_non_null(
        memmem(all.data, all.len, "/Span<</ActualText<FEFF0930094D091C0941>>>BDC\n", 46));
    assert_int_equal(bcount(&all, "BDC\n"), bcount(&all, "EMC\n"));
    /* Fonts are Type0/Identity-H with an embedded subset. */
    assert_non_null(memmem(file.data, file.len, "/Identity-H", 11));
    assert_non_null(memmem(file.data, file.len, "/FontFile2", 10));
    ra_buf_free(&file);
    ra_buf_free(&all);
    ra_pdf_free(pdf);
}

/* Bidi: the paragraph direction from the first strong character; right to
 * left runs drawn right to left. DejaVu Sans glyphs (hb-shape): a 68, b 69,
 * space 3, ! 4, Hebrew alef 1319, bet 1320, gimel 1321. */
static void test_bidi_order(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    assert_int_equal(ra_pdf_text_direction("abc", 3), RA_DIR_LTR);
    assert_int_equal(ra_pdf_text_direction("12 \xD7\x90", 5), RA_DIR_RTL);
    assert_int_equal(ra_pdf_text_direction("12 - (3)", 8), RA_DIR_AUTO);
    assert_int_equal(ra_pdf_text_direction("\xD9\x85 abc", 6), RA_DIR_RTL);
    ra_rgb_t black = {0, 0, 0};
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    /* "ab אבג": a, b, space, then gimel, bet, alef from left to right. */
    const char *mixed = "ab \xD7\x90\xD7\x91\xD7\x92";
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 12, black, 72, 72, mixed, strlen(mixed)),
                     RA_OK);
    /* "ab!" in a right-to-left paragraph: the "!" goes to the left. */
    assert_int_equal(ra_pdf_text_dir(pdf, RA_FACE_REGULAR, 12, black, 72, 90, RA_DIR_RTL, "ab!", 3),
                     RA_OK);
    assert_int_equal(
        ra_pdf_text_dir(pdf, RA_FACE_REGULAR, 12, black, 72, 108, RA_DIR_LTR, "ab!", 3), RA_OK);
    ra_buf_t file = RA_BUF_INIT, all = RA_BUF_INIT;
    save(pdf, &file);
    inflate_streams(&file, &all);
    /* 2-byte glyph ids; ( and ) escaped in the string. */
    /* (The 1 and -1 take up the rounding of /W's widths.) */
    assert_non_null(memmem(all.data, all.len, "[(\0D\0E\0\x03)1(\x05\\))-1(\x05\\(\x05')]TJ", 27));
    assert_non_null(memmem(all.data, all.len, "[(\0\x04\0D\0E)]TJ", 12));
    assert_non_null(memmem(all.data, all.len, "[(\0D\0E\0\x04)]TJ", 12));
    ra_buf_free(&file);
    ra_buf_free(&all);
    ra_pdf_free(pdf);
}

/* Builds a small document with every feature into out. */
static void build_doc(ra_buf_t *out)
{
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    ra_layout_options_t o = test_options();
    o.watermark = "DRAFT";
    ra_pdf_info_t info = {.title = "Zoë 😀",
                          .author = "Łukasz",
                          .subject = "s",
                          .keywords = "k",
                          .creator = "c",
                          .created = 0};
    assert_int_equal(ra_pdf_set_info(pdf, &info), RA_OK);
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    int a;
    assert_int_equal(ra_layout_contents(lo, "Contents", 2), RA_OK);
    assert_int_equal(ra_layout_heading(lo, 1, "Ελένη", 0, &a), RA_OK);
    assert_int_equal(ra_layout_paragraph(lo, NULL, "Дмитрий"), RA_OK);
    ra_bar_t bar = {.label = "x", .value = 50, .fill = {0, 0, 1}};
    ra_threshold_t th = {60, "ready", {0, 1, 0}};
    assert_int_equal(ra_graphics_bar_chart(lo, &bar, 1, &th, 1), RA_OK);
    assert_int_equal(ra_graphics_gauge(lo, 40, "40", "score", bar.fill, 60, RA_ALIGN_LEFT), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    save(pdf, out);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

static void test_deterministic(void **state)
{
    (void)state;
    ra_buf_t a = RA_BUF_INIT, b = RA_BUF_INIT;
    build_doc(&a);
    build_doc(&b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    /* The /ID is a digest of the document, not of the clock (pdf.c). */
    assert_non_null(memmem(a.data, a.len, "/ID [", 5));
    ra_buf_free(&a);
    ra_buf_free(&b);
}

static void test_locale_independent(void **state)
{
    (void)state;
    ra_buf_t a = RA_BUF_INIT, b = RA_BUF_INIT;
    build_doc(&a);
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        ra_buf_free(&a);
        skip(); /* no comma-decimal locale installed */
    }
    build_doc(&b);
    setlocale(LC_NUMERIC, "C");
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    ra_buf_free(&a);
    ra_buf_free(&b);
}

static void test_save_twice(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_rgb_t black = {0, 0, 0};
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, 0, 10, black, 72, 72, "one", 3), RA_OK);
    ra_buf_t a = RA_BUF_INIT, b = RA_BUF_INIT;
    save(pdf, &a);
    save(pdf, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    ra_buf_free(&a);
    ra_buf_free(&b);
    ra_pdf_free(pdf);
}

static void test_errors(void **state)
{
    (void)state;
    ra_buf_t err = RA_BUF_INIT;
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_pdf_t *pdf = (ra_pdf_t *)1;
    o.font_dir = "/nonexistent";
    o.errmsg = &err;
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_ERR_FONT);
    assert_null(pdf);
    assert_non_null(strstr(ra_buf_str(&err), "/nonexistent/truetype/dejavu/DejaVuSans.ttf"));
    ra_buf_free(&err);

    reports_t r = {0};
    pdf = new_pdf(&r);
    ra_rgb_t black = {0, 0, 0};
    /* Drawing before a page is an error, and errors are sticky. */
    assert_int_equal(ra_pdf_text(pdf, 0, 10, black, 0, 0, "x", 1), RA_ERR_PDF);
    assert_true(strlen(ra_pdf_errmsg(pdf)) > 0);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_ERR_PDF);
    ra_buf_t out = RA_BUF_INIT;
    assert_int_equal(ra_pdf_save(pdf, &out), RA_ERR_PDF);
    ra_buf_free(&out);
    ra_pdf_free(pdf);
}

/* Builds a 4 x 2 PNG of colour type ctype (0 grey, 2 RGB, 6 RGBA), 8 bits,
 * with a tRNS chunk when trns is set. */
static void make_png(ra_buf_t *b, int ctype, int trns)
{
    int chans = ctype == 6 ? 4 : ctype == 2 ? 3 : 1;
    unsigned char raw[2 * (1 + 4 * 4)], z[256];
    size_t rowlen = 1 + 4 * (size_t)chans, n = 0;
    for (int y = 0; y < 2; y++) {
        raw[n++] = 0; /* filter: none */
        for (size_t i = 1; i < rowlen; i++)
            raw[n++] = (unsigned char)(40 * y + 9 * i);
    }
    uLongf zlen = sizeof z;
    assert_int_equal(compress(z, &zlen, raw, n), Z_OK);
    unsigned char ihdr[13] = {0, 0, 0, 4, 0, 0, 0, 2, 8, (unsigned char)ctype, 0, 0, 0};
    ra_buf_append(b, "\x89PNG\r\n\x1A\n", 8);
    png_chunk(b, "IHDR", ihdr, 13);
    if (trns)
        png_chunk(b, "tRNS", "\0\1\0\2\0\3", 6);
    png_chunk(b, "IDAT", z, zlen);
    png_chunk(b, "IEND", "", 0);
}

static void test_image_png(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_buf_t png = RA_BUF_INIT, out = RA_BUF_INIT;
    make_png(&png, 2, 0);
    ra_pdf_t *pdf = new_pdf(&r);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_image(pdf, png.data, png.len, 72, 72, 80, 40), RA_OK);
    save(pdf, &out);
    /* An image XObject with the PNG's own data and predictors, named in
     * the page's resources and painted by the page. */
    assert_non_null(memmem(out.data, out.len, "/Subtype /Image", 15));
    assert_non_null(memmem(out.data, out.len, "/Type /XObject", 14));
    assert_non_null(memmem(out.data, out.len, "/ColorSpace /DeviceRGB", 22));
    assert_non_null(memmem(out.data, out.len, "/Predictor 15", 13));
    assert_non_null(memmem(out.data, out.len, "/XObject <<", 11));
    assert_null(memmem(out.data, out.len, "/SMask", 6));
    ra_buf_t all = RA_BUF_INIT;
    inflate_streams(&out, &all);
    /* 80 x 40 points at x 72, from the top 72 + 40 down: y = 841.89 - 112. */
    assert_non_null(strstr(ra_buf_str(&all), "q\n80 0 0 40 72 729.89 cm\n/X1 Do\nQ\n"));
    ra_buf_free(&all);
    ra_buf_free(&out);
    ra_pdf_free(pdf);

    /* Transparency, which PDF/A-1 forbids, is flattened: alpha or tRNS
     * give decoded RGB pixels, no soft mask, no PNG predictors. */
    for (int k = 0; k < 2; k++) {
        ra_buf_clear(&png);
        ra_buf_clear(&out);
        make_png(&png, k ? 2 : 6, k);
        pdf = new_pdf(&r);
        assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
        assert_int_equal(ra_pdf_image(pdf, png.data, png.len, 0, 0, 8, 4), RA_OK);
        save(pdf, &out);
        assert_non_null(memmem(out.data, out.len, "/ColorSpace /DeviceRGB", 22));
        assert_null(memmem(out.data, out.len, "/Predictor", 10));
        assert_null(memmem(out.data, out.len, "/SMask", 6));
        ra_pdf_free(pdf);
    }
    ra_buf_free(&out);
    /* Bytes that are neither PNG nor JPEG are refused. */
    pdf = new_pdf(&r);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_image(pdf, "GIF89a", 6, 0, 0, 8, 4), RA_ERR_PDF);
    assert_string_equal(ra_pdf_errmsg(pdf), "image is not a PNG or JPEG file");
    ra_pdf_free(pdf);
    ra_buf_free(&png);
}

/* Builds a two-page document with text in every face, with the given
 * fonts (NULL: the document reads its own), into out. */
static void build_with_fonts(const ra_pdf_fonts_t *fonts, ra_buf_t *out)
{
    reports_t r = {0};
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_pdf_t *pdf = NULL;
    o.on_glyph = capture;
    o.glyph_ctx = &r;
    o.fonts = fonts;
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
    ra_rgb_t black = {0, 0, 0};
    for (int page = 0; page < 2; page++) {
        assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
        for (int f = 0; f < RA_FACE_COUNT; f++)
            assert_int_equal(
                ra_pdf_text(pdf, (ra_face_t)f, 10, black, 72, 72 + 20 * f, "Zoë Łukasz ✓", 15),
                RA_OK);
    }
    save(pdf, out);
    ra_pdf_free(pdf);
}

static void test_shared_fonts(void **state)
{
    (void)state;
    ra_pdf_fonts_t *fonts = NULL;
    ra_buf_t own = RA_BUF_INIT, a = RA_BUF_INIT, b = RA_BUF_INIT;
    ra_pdf_options_t fo = {.font_chain = RA_TEST_FONT_CHAIN};
    assert_int_equal(ra_pdf_fonts_new(&fo, &fonts), RA_OK);
    build_with_fonts(NULL, &own);
    /* Documents made with fonts loaded once are the same bytes, and the
     * fonts stay usable for the next document. */
    build_with_fonts(fonts, &a);
    build_with_fonts(fonts, &b);
    assert_int_equal(own.len, a.len);
    assert_memory_equal(own.data, a.data, a.len);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    ra_pdf_fonts_free(fonts);
    ra_pdf_fonts_free(NULL);
    /* A missing font file fails as ra_pdf_new does. */
    ra_buf_t err = RA_BUF_INIT;
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    o.font_dir = "/nonexistent";
    o.errmsg = &err;
    fonts = (ra_pdf_fonts_t *)1;
    assert_int_equal(ra_pdf_fonts_new(&o, &fonts), RA_ERR_FONT);
    assert_null(fonts);
    assert_non_null(strstr(ra_buf_str(&err), "/nonexistent/truetype/dejavu/DejaVuSans.ttf"));
    ra_buf_free(&err);
    ra_buf_free(&own);
    ra_buf_free(&a);
    ra_buf_free(&b);
}

/* Texts measured and drawn by test_kept_shaping: words, a text other than
 * ASCII (shaped whole), right to left, and one longer than the widths
 * remembered (shaped word by word). */
static const char *const kept_texts[] = {
    "alpha",        "beta gamma",
    "Zoë Łukasz ✓", "Owner: محمد العلي",
    "2026-10-31",   "a sentence that is longer than the thirty bytes whose width is remembered"};
#define NKEPT (sizeof kept_texts / sizeof *kept_texts)

/* What a document shaped and measured, kept with its fonts, gives the
 * documents after it the same widths and the same bytes; nothing is kept
 * of a document that failed, nor of one drawn with other fonts. */
static void test_kept_shaping(void **state)
{
    (void)state;
    ra_pdf_fonts_t *fonts = NULL, *other = NULL;
    ra_pdf_options_t fo = {.font_chain = RA_TEST_FONT_CHAIN};
    assert_int_equal(ra_pdf_fonts_new(&fo, &fonts), RA_OK);
    assert_int_equal(ra_pdf_fonts_new(&fo, &other), RA_OK);
    ra_buf_t before = RA_BUF_INIT, after = RA_BUF_INIT;
    build_with_fonts(fonts, &before);
    assert_int_equal(ra_pdf_fonts_kept(fonts), 0);

    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN, .fonts = fonts};
    ra_pdf_t *pdf = NULL;
    ra_rgb_t black = {0, 0, 0};
    double w[NKEPT];
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    for (size_t i = 0; i < NKEPT; i++) {
        w[i] = W(pdf, kept_texts[i]);
        assert_true(w[i] > 0);
        for (int f = 0; f < RA_FACE_COUNT; f++)
            assert_int_equal(ra_pdf_text(pdf, (ra_face_t)f, 10, black, 72, 72 + 12 * i,
                                         kept_texts[i], strlen(kept_texts[i])),
                             RA_OK);
    }
    /* build_with_fonts's text, the same in every face. */
    for (int f = 0; f < RA_FACE_COUNT; f++)
        assert_int_equal(ra_pdf_text(pdf, (ra_face_t)f, 10, black, 72, 300, "Zoë Łukasz ✓", 15),
                         RA_OK);
    ra_pdf_fonts_keep_shaping(fonts, pdf);
    size_t kept = ra_pdf_fonts_kept(fonts);
    assert_true(kept > 0);
    /* Kept again: nothing is kept twice. */
    ra_pdf_fonts_keep_shaping(fonts, pdf);
    assert_int_equal(ra_pdf_fonts_kept(fonts), kept);
    ra_pdf_free(pdf);

    /* A later document measures the same, and draws the same bytes. */
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
    for (size_t i = 0; i < NKEPT; i++)
        assert_true(W(pdf, kept_texts[i]) == w[i]);
    ra_pdf_free(pdf);
    build_with_fonts(fonts, &after);
    assert_int_equal(before.len, after.len);
    assert_memory_equal(before.data, after.data, after.len);

    /* A document drawn with other fonts is not kept in these. */
    o.fonts = other;
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
    for (size_t i = 0; i < NKEPT; i++)
        assert_true(W(pdf, kept_texts[i]) == w[i]);
    ra_pdf_fonts_keep_shaping(fonts, pdf);
    assert_int_equal(ra_pdf_fonts_kept(fonts), kept);
    /* Nor is one that failed (text with no page), in its own. */
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 10, black, 72, 72, "x", 1), RA_ERR_PDF);
    ra_pdf_fonts_keep_shaping(other, pdf);
    assert_int_equal(ra_pdf_fonts_kept(other), 0);
    ra_pdf_free(pdf);
    ra_pdf_fonts_free(fonts);
    ra_pdf_fonts_free(other);
    ra_buf_free(&before);
    ra_buf_free(&after);
}

/* Writes the four first faces of the chain to dir/chain.txt with their
 * listed digests, the regular one read from dir/DejaVuSans.ttf: a copy of
 * the real file with its last byte changed when modify. */
static void modified_chain(const char *dir, int modify)
{
    char path[512];
    ra_buf_t font = RA_BUF_INIT;
    read_whole("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", &font);
    assert_true(font.len > 1000);
    if (modify)
        font.data[font.len - 1] ^= 1;
    snprintf(path, sizeof path, "%s/DejaVuSans.ttf", dir);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(font.data, 1, font.len, out), font.len);
    assert_int_equal(fclose(out), 0);
    ra_buf_free(&font);
    snprintf(path, sizeof path, "%s/chain.txt", dir);
    out = fopen(path, "w");
    assert_non_null(out);
    fprintf(out,
            "regular abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322 %s/"
            "DejaVuSans.ttf\n"
            "bold 0d977336a6d5fba34eab8e3199eb218327161b5143749f802982c2bc34df0c96 "
            "truetype/dejavu/DejaVuSans-Bold.ttf\n"
            "italic eef1a593cc0a4654f147fd1aa9a11e7d327eb8be6f3a35099182db6aeb5d28fe "
            "truetype/dejavu/DejaVuSans-Oblique.ttf\n"
            "mono 0f5db4f1749979d961019838b160bec74abdf7f9eca69553fe1aa856bbff49a4 "
            "truetype/dejavu/DejaVuSansMono.ttf\n",
            dir);
    assert_int_equal(fclose(out), 0);
}

static void test_fonts_checked_on_draw(void **state)
{
    (void)state;
    char dir[] = "/tmp/ra-test-fonts-XXXXXX", chain[600];
    assert_non_null(mkdtemp(dir));
    snprintf(chain, sizeof chain, "%s/chain.txt", dir);
    modified_chain(dir, 1);
    const char *want = "/DejaVuSans.ttf: SHA-256 is ";
    const char *mismatch = ", not the one the font chain lists";
    ra_rgb_t black = {0, 0, 0};

    /* Checked at once: the modified face is refused by ra_pdf_fonts_new. */
    ra_buf_t err = RA_BUF_INIT;
    ra_pdf_fonts_t *fonts = NULL;
    ra_pdf_options_t fo = {.font_chain = chain, .errmsg = &err};
    assert_int_equal(ra_pdf_fonts_new(&fo, &fonts), RA_ERR_FONT);
    assert_null(fonts);
    assert_non_null(strstr(ra_buf_str(&err), want));
    assert_non_null(strstr(ra_buf_str(&err), mismatch));

    /* Checked on draw: the fonts load and say which characters they have,
     * and every document that draws with the face is refused with the same
     * words: as text, and as outlines. */
    fo.check_on_draw = 1;
    assert_int_equal(ra_pdf_fonts_new(&fo, &fonts), RA_OK);
    uint32_t cps[4];
    size_t ncps = 9;
    ra_pdf_options_t po = {.fonts = fonts};
    ra_pdf_t *pdf = NULL;
    assert_int_equal(ra_pdf_new(&po, &pdf), RA_OK);
    assert_int_equal(ra_pdf_text_missing(pdf, RA_FACE_REGULAR, "Readiness", 9, cps, 4, &ncps), 0);
    assert_int_equal(ncps, 0);
    assert_true(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, "Readiness", 9) > 30);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 10, black, 72, 72, "Readiness", 9),
                     RA_ERR_FONT);
    assert_non_null(strstr(ra_pdf_errmsg(pdf), want));
    assert_non_null(strstr(ra_pdf_errmsg(pdf), mismatch));
    ra_buf_t out = RA_BUF_INIT;
    assert_int_not_equal(ra_pdf_save(pdf, &out), RA_OK);
    ra_pdf_free(pdf);
    assert_int_equal(ra_pdf_new(&po, &pdf), RA_OK);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_text_shape(pdf, RA_FACE_REGULAR, 40, black, 72, 300, 45, 0, "DRAFT", 5),
                     RA_ERR_FONT);
    assert_non_null(strstr(ra_pdf_errmsg(pdf), mismatch));
    ra_pdf_free(pdf);
    /* A face whose file is as listed is drawn as before. */
    assert_int_equal(ra_pdf_new(&po, &pdf), RA_OK);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_BOLD, 10, black, 72, 72, "Readiness", 9), RA_OK);
    assert_int_equal(ra_pdf_save(pdf, &out), RA_OK);
    assert_true(out.len > 1000);
    ra_pdf_free(pdf);
    ra_pdf_fonts_free(fonts);

    /* The same file unmodified draws either way. */
    modified_chain(dir, 0);
    assert_int_equal(ra_pdf_fonts_new(&fo, &fonts), RA_OK);
    po.fonts = fonts;
    assert_int_equal(ra_pdf_new(&po, &pdf), RA_OK);
    assert_int_equal(ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H), RA_OK);
    assert_int_equal(ra_pdf_text(pdf, RA_FACE_REGULAR, 10, black, 72, 72, "Readiness", 9), RA_OK);
    assert_int_equal(ra_pdf_text_shape(pdf, RA_FACE_REGULAR, 40, black, 72, 300, 45, 0, "DRAFT", 5),
                     RA_OK);
    ra_buf_clear(&out);
    assert_int_equal(ra_pdf_save(pdf, &out), RA_OK);
    ra_pdf_free(pdf);
    ra_pdf_fonts_free(fonts);

    char path[700];
    snprintf(path, sizeof path, "%s/DejaVuSans.ttf", dir);
    unlink(path);
    unlink(chain);
    rmdir(dir);
    ra_buf_free(&out);
    ra_buf_free(&err);
}

static void test_subset_has_no_hinting(void **state)
{
    (void)state;
    ra_buf_t file = RA_BUF_INIT, all = RA_BUF_INIT;
    build_with_fonts(NULL, &file);
    inflate_streams(&file, &all);
    /* The embedded subsets keep their outlines (glyf) and metrics but no
     * hinting programs. */
    assert_non_null(memmem(all.data, all.len, "glyf", 4));
    assert_non_null(memmem(all.data, all.len, "hmtx", 4));
    assert_null(memmem(all.data, all.len, "fpgm", 4));
    assert_null(memmem(all.data, all.len, "prep", 4));
    assert_null(memmem(all.data, all.len, "cvt ", 4));
    ra_buf_free(&file);
    ra_buf_free(&all);
}

static void test_watermark_is_one_form(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    ra_layout_options_t o = test_options();
    o.watermark = "DRAFT";
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ra_layout_paragraph(lo, NULL, "First line\nsecond line\nthird"), RA_OK);
        if (i < 2)
            assert_int_equal(ra_layout_page_break(lo), RA_OK);
    }
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    assert_int_equal(ra_layout_page_count(lo), 3);
    ra_buf_t file = RA_BUF_INIT, all = RA_BUF_INIT;
    save(pdf, &file);
    inflate_streams(&file, &all);
    /* The outlines are drawn once, as a form every page paints. */
    assert_int_equal(bcount(&file, "/Subtype /Form"), 1);
    assert_int_equal(bcount(&all, " Do\n"), 3);
    /* Lines below one another: the leading is set and T* moves to them. */
    assert_true(bcount(&all, " TL\n") >= 1);
    assert_true(bcount(&all, "T*\n") >= 6);
    ra_buf_free(&file);
    ra_buf_free(&all);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

/* --- layout.c wrapping --- */

static void test_wrap_break_points(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    const char *s = "alpha beta gamma delta";
    double w3 = W(pdf, "alpha beta gamma");
    check_wrap(pdf, s, w3, "alpha beta gamma\ndelta");
    check_wrap(pdf, s, w3 - 0.01, "alpha beta\ngamma delta");
    check_wrap(pdf, s, W(pdf, s), s);
    /* No line, or one empty line: still a terminated string (regression:
     * a fresh buffer was left unterminated). */
    check_wrap(pdf, "   ", 100, "");
    check_wrap(pdf, "\n", 100, "");
    /* One word a line when the line is as wide as the widest word. */
    double widest = W(pdf, "gamma");
    assert_true(widest >= W(pdf, "alpha") && widest >= W(pdf, "delta"));
    check_wrap(pdf, s, widest, "alpha\nbeta\ngamma\ndelta");
    /* Runs of spaces separate words and vanish at line ends. */
    check_wrap(pdf, "a  b   c", W(pdf, "a  b"), "a  b\nc");
    /* Explicit newlines, blank lines, CRLF. */
    check_wrap(pdf, "one\n\ntwo\r\nthree", 500, "one\n\ntwo\nthree");
    /* Unicode words measure like any other. */
    double wz = W(pdf, "Zoë Müller,");
    check_wrap(pdf, "Zoë Müller, Łukasz, Ελένη, Дмитрий", wz,
               "Zoë Müller,\nŁukasz,\nΕλένη,\nДмитрий");
    ra_pdf_free(pdf);
}

/* Checks that wrapping word (n chars) at width gives maximal lines that
 * never exceed width and together are the word. */
static void check_long_word(const ra_pdf_t *pdf, size_t n, double width)
{
    char *word = malloc(n + 1);
    assert_non_null(word);
    for (size_t i = 0; i < n; i++)
        word[i] = (char)('a' + (i * 7) % 26);
    word[n] = '\0';
    ra_buf_t out = RA_BUF_INIT, joined = RA_BUF_INIT;
    assert_int_equal(ra_layout_wrap(pdf, RA_FACE_REGULAR, 10, width, word, &out), RA_OK);
    const char *line = ra_buf_str(&out);
    size_t lines = 0;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        double lw = ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, line, len);
        assert_true(lw <= width + 1e-6);
        if (nl) /* not the last: one more character would not fit */
            assert_true(ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, line, len + 1) > width);
        ra_buf_append(&joined, line, len);
        lines++;
        line = nl ? nl + 1 : line + len;
    }
    assert_string_equal(ra_buf_str(&joined), word);
    assert_true(lines > 1);
    ra_buf_free(&out);
    ra_buf_free(&joined);
    free(word);
}

static void test_wrap_long_words(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    check_long_word(pdf, 400, 120);
    check_long_word(pdf, 10000, 481.9);
    /* A long word after a short one starts on its own line. */
    ra_buf_t out = RA_BUF_INIT;
    assert_int_equal(ra_layout_wrap(pdf, RA_FACE_REGULAR, 10, W(pdf, "abc"), "x abcdefgh", &out),
                     RA_OK);
    assert_string_equal(ra_buf_str(&out), "x\nabc\ndef\ngh");
    ra_buf_free(&out);
    ra_pdf_free(pdf);
}

/* Lays out, in lang, a table whose narrow first column holds a quotation
 * that UAX #14 breaks differently in English and German, looking up memo
 * m (NULL: none), into dump; keeps its break opportunities in keep unless
 * NULL. */
static void memo_layout(const char *lang, const ra_layout_memo_t *m, ra_layout_memo_t *keep,
                        ra_buf_t *dump)
{
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_options_t o = test_options();
    o.memo = m;
    ra_layout_t *lo;
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    assert_int_equal(ra_layout_set_lang(lo, lang), RA_OK);
    ra_column_t cols[] = {{"Q", 1, RA_ALIGN_LEFT}, {"Rest", 30, RA_ALIGN_LEFT}};
    assert_int_equal(ra_layout_table_begin(lo, NULL, cols, 2), RA_OK);
    /* The second column's text is long: the first shrinks to its widest
     * segment between break opportunities, "“y”" in English and "x “y”"
     * in German. */
    const char *rest = "the rest of the row, long enough to take all the width there is: "
                       "the rest of the row, long enough to take all the width there is: "
                       "the rest of the row, long enough to take all the width there is";
    const char *rows[][2] = {{"x \u201Cy\u201D z", rest}, {"a", rest}};
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(ra_layout_table_row_text(lo, rows[i]), RA_OK);
    assert_int_equal(ra_layout_table_end(lo), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    ra_buf_clear(dump);
    assert_int_equal(ra_layout_dump(lo, dump), RA_OK);
    if (keep)
        ra_layout_memo_keep(keep, lo);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

/* Break opportunities kept from one layout give the layouts after them the
 * same lines, and only in the language they were found for: "x “y” z" may
 * break before its opening quote in English, not in German. */
static void test_memo_breaks(void **state)
{
    (void)state;
    ra_layout_memo_t *m = NULL;
    ra_buf_t en = RA_BUF_INIT, en_memo = RA_BUF_INIT, de = RA_BUF_INIT, de_memo = RA_BUF_INIT;
    assert_int_equal(ra_layout_memo_new(&m), RA_OK);
    memo_layout("en-US", NULL, m, &en);
    /* The rows' three different texts and the two headers. */
    assert_int_equal(ra_layout_memo_count(m), 5);
    memo_layout("en-US", m, m, &en_memo);
    assert_int_equal(ra_layout_memo_count(m), 5);
    assert_string_equal(ra_buf_str(&en_memo), ra_buf_str(&en));
    memo_layout("de", NULL, NULL, &de);
    assert_string_not_equal(ra_buf_str(&de), ra_buf_str(&en));
    memo_layout("de", m, NULL, &de_memo);
    assert_string_equal(ra_buf_str(&de_memo), ra_buf_str(&de));
    ra_layout_memo_free(m);
    ra_layout_memo_free(NULL);
    ra_buf_free(&en);
    ra_buf_free(&en_memo);
    ra_buf_free(&de);
    ra_buf_free(&de_memo);
}

/* --- layout.c pagination --- */

/* Returns the 1-based page of the first dump line containing needle after
 * position from, or 0. */
static int page_of(const char *dump, const char *needle)
{
    const char *hit = strstr(dump, needle);
    if (!hit)
        return 0;
    int page = 0;
    for (const char *p = dump; p < hit; p++)
        if (strncmp(p, "page ", 5) == 0 && (p == dump || p[-1] == '\n'))
            page = atoi(p + 5);
    return page;
}

static void test_table_row_moves_header_repeats(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    ra_layout_options_t o = test_options();
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    ra_column_t cols[] = {{"HdrA", 1, RA_ALIGN_LEFT}, {"HdrB", 3, RA_ALIGN_RIGHT}};
    assert_int_equal(ra_layout_table_begin(lo, NULL, cols, 2), RA_OK);
    char a[32], b[600];
    for (int i = 0; i < 60; i++) {
        snprintf(a, sizeof a, "row%02d", i);
        /* Every 7th row is tall: six lines of text. */
        snprintf(b, sizeof b, "%s", i % 7 == 6 ? "l1\nl2\nl3\nl4\nl5\nl6" : "short");
        const char *row[] = {a, b};
        assert_int_equal(ra_layout_table_row_text(lo, row), RA_OK);
    }
    assert_int_equal(ra_layout_table_end(lo), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    size_t pages = ra_layout_page_count(lo);
    assert_true(pages >= 2);
    ra_buf_t dump = RA_BUF_INIT;
    assert_int_equal(ra_layout_dump(lo, &dump), RA_OK);
    const char *d = ra_buf_str(&dump);
    /* The header is drawn once per page the table spans. */
    assert_int_equal(count(d, "\"HdrA\""), (int)pages);
    /* No row is split: each tall row's six lines share a page. */
    for (int i = 6; i < 60; i += 7) {
        snprintf(a, sizeof a, "\"row%02d\"", i);
        int p = page_of(d, a);
        assert_true(p > 0);
        const char *at = strstr(d, a);
        const char *l6 = strstr(at, "\"l6\"");
        assert_non_null(l6);
        for (const char *q = at; q < l6; q++)
            assert_false(strncmp(q, "\npage ", 6) == 0);
    }
    /* Each page after the first begins with the header row. */
    const char *p = d;
    while ((p = strstr(p + 1, "\npage ")) != NULL) {
        const char *next_text = strstr(p, "text ");
        assert_non_null(next_text);
        assert_true(strstr(next_text, "\"HdrA\"") == strchr(next_text, '"'));
    }
    check_dump_inside(pdf, &o, d);
    ra_buf_free(&dump);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

static void test_row_taller_than_page_splits(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    ra_layout_options_t o = test_options();
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    ra_buf_t tall = RA_BUF_INIT;
    for (int i = 0; i < 150; i++)
        ra_buf_printf(&tall, "line %d\n", i);
    ra_column_t cols[] = {{"K", 1, RA_ALIGN_LEFT}, {"V", 3, RA_ALIGN_LEFT}};
    assert_int_equal(ra_layout_table_begin(lo, NULL, cols, 2), RA_OK);
    const char *row[] = {"k", ra_buf_str(&tall)};
    assert_int_equal(ra_layout_table_row_text(lo, row), RA_OK);
    assert_int_equal(ra_layout_table_end(lo), RA_OK);
    /* A 10,000-character word in a paragraph, too. */
    char *word = malloc(10001);
    memset(word, 'w', 10000);
    word[10000] = '\0';
    assert_int_equal(ra_layout_paragraph(lo, NULL, word), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    assert_true(ra_layout_page_count(lo) >= 3);
    ra_buf_t dump = RA_BUF_INIT;
    ra_layout_dump(lo, &dump);
    const char *d = ra_buf_str(&dump);
    assert_non_null(strstr(d, "\"line 0\""));
    assert_non_null(strstr(d, "\"line 149\""));
    assert_true(page_of(d, "\"line 149\"") > page_of(d, "\"line 0\""));
    check_dump_inside(pdf, &o, d);
    free(word);
    ra_buf_free(&tall);
    ra_buf_free(&dump);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

static void test_heading_keeps_with_next(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    ra_layout_options_t o = test_options();
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    /* Fill the first page to within a line of its end. */
    double top, bottom, left, right;
    body(&o, &top, &bottom, &left, &right);
    ra_style_t st = ra_layout_style(lo);
    st.space_after = 0;
    double lh = st.size * o.line_spacing;
    int lines = (int)((bottom - top) / lh) - 1;
    for (int i = 0; i < lines; i++)
        assert_int_equal(ra_layout_paragraph(lo, &st, "filler"), RA_OK);
    int h, first;
    assert_int_equal(ra_layout_heading(lo, 2, "Kept heading", 0, &h), RA_OK);
    assert_int_equal(ra_layout_mark(lo, 0, NULL, 0, &first), RA_OK);
    assert_int_equal(ra_layout_paragraph(lo, NULL, "Its first line"), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    size_t ph, pf;
    assert_int_equal(ra_layout_anchor_page(lo, h, &ph), RA_OK);
    assert_int_equal(ra_layout_anchor_page(lo, first, &pf), RA_OK);
    assert_int_equal(ph, 1);
    assert_int_equal(pf, 1);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

static void test_contents_and_outline(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    ra_layout_options_t o = test_options();
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    assert_int_equal(ra_layout_contents(lo, "Contents", 2), RA_OK);
    int a1, a2, a3;
    assert_int_equal(ra_layout_heading(lo, 1, "First", RA_HEADING_NEW_PAGE, &a1), RA_OK);
    assert_int_equal(ra_layout_heading(lo, 2, "Second", 0, &a2), RA_OK);
    assert_int_equal(ra_layout_paragraph(lo, NULL, "text"), RA_OK);
    assert_int_equal(ra_layout_heading(lo, 1, "Third", RA_HEADING_NEW_PAGE, &a3), RA_OK);
    assert_int_equal(ra_layout_paragraph(lo, NULL, "text"), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    assert_int_equal(ra_layout_page_count(lo), 3);
    size_t p;
    assert_int_equal(ra_layout_anchor_page(lo, a3, &p), RA_OK);
    assert_int_equal(p, 2);
    ra_buf_t dump = RA_BUF_INIT;
    ra_layout_dump(lo, &dump);
    const char *d = ra_buf_str(&dump);
    /* Rows reserved on page 1, filled at the end (dumped last, under
     * their page) with titles and page numbers. */
    const char *fill = strstr(strstr(d, "toc-row"), "\npage 1\n");
    assert_non_null(fill);
    assert_non_null(strstr(fill, "\"Third\""));
    assert_non_null(strstr(fill, "\"3\""));
    assert_int_equal(count(d, "toc-row"), 3);
    assert_int_equal(count(d, "\nlink "), 3);
    ra_buf_t file = RA_BUF_INIT;
    save(pdf, &file);
    assert_non_null(memmem(file.data, file.len, "/Outlines", 9));
    assert_non_null(memmem(file.data, file.len, "/Link", 5));
    ra_buf_free(&file);
    ra_buf_free(&dump);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

/* A link appended before its heading reaches it through a reserved anchor;
 * a reserved anchor never bound yields no link. */
static void test_forward_anchor(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    ra_layout_options_t o = test_options();
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    int later = 0, never = 0;
    assert_int_equal(ra_layout_anchor_new(lo, &later), RA_OK);
    assert_int_equal(ra_layout_anchor_new(lo, &never), RA_OK);
    assert_true(later > 0 && never > 0 && later != never);
    ra_style_t st = ra_layout_style(lo);
    st.link = later;
    assert_int_equal(ra_layout_paragraph(lo, &st, "see below"), RA_OK);
    st.link = never;
    assert_int_equal(ra_layout_paragraph(lo, &st, "nowhere"), RA_OK);
    int bound = later;
    assert_int_equal(ra_layout_heading(lo, 1, "Target", RA_HEADING_NEW_PAGE, &bound), RA_OK);
    assert_int_equal(bound, later);
    /* Binding the same anchor twice gives the second heading a new one. */
    int again = later;
    assert_int_equal(ra_layout_heading(lo, 2, "Other", 0, &again), RA_OK);
    assert_true(again != later);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    size_t p;
    assert_int_equal(ra_layout_anchor_page(lo, later, &p), RA_OK);
    assert_int_equal(p, 1);
    assert_int_not_equal(ra_layout_anchor_page(lo, never, &p), RA_OK);
    ra_buf_t file = RA_BUF_INIT;
    save(pdf, &file);
    size_t links = 0;
    for (const char *q = file.data; (q = memmem(q, file.len - (size_t)(q - file.data), "/Link", 5));
         q += 5)
        links++;
    assert_int_equal(links, 1);
    ra_buf_free(&file);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

static void test_api_misuse(void **state)
{
    (void)state;
    reports_t r = {0};
    ra_pdf_t *pdf = new_pdf(&r);
    ra_layout_t *lo;
    assert_int_equal(ra_layout_new(pdf, NULL, &lo), RA_OK);
    const char *row[] = {"x"};
    assert_int_equal(ra_layout_table_row_text(lo, row), RA_ERR_INVALID);
    assert_int_equal(ra_layout_heading(lo, 4, "x", 0, NULL), RA_ERR_INVALID);
    ra_column_t col = {"c", 1, RA_ALIGN_LEFT};
    assert_int_equal(ra_layout_table_begin(lo, NULL, &col, 1), RA_OK);
    assert_int_equal(ra_layout_paragraph(lo, NULL, "x"), RA_ERR_INVALID);
    assert_int_equal(ra_layout_finish(lo), RA_ERR_INVALID);
    assert_int_equal(ra_layout_table_end(lo), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    assert_int_equal(ra_layout_paragraph(lo, NULL, "late"), RA_ERR_INVALID);
    assert_int_equal(ra_layout_finish(lo), RA_ERR_INVALID);
    ra_layout_free(lo);
    ra_layout_free(NULL);
    ra_pdf_free(pdf);
    ra_pdf_free(NULL);
}

static int group_setup(void **state)
{
    (void)state;
    return ra_hyph_new(NULL, "fonts/hyphen.txt", &test_hyph) == RA_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    ra_hyph_free(test_hyph);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_width_additive),
        cmocka_unit_test(test_sanitize_and_report_once),
        cmocka_unit_test(test_tounicode_cmap),
        cmocka_unit_test(test_glyph_of_two_characters),
        cmocka_unit_test(test_bidi_order),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_save_twice),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_image_png),
        cmocka_unit_test(test_shared_fonts),
        cmocka_unit_test(test_kept_shaping),
        cmocka_unit_test(test_memo_breaks),
        cmocka_unit_test(test_fonts_checked_on_draw),
        cmocka_unit_test(test_subset_has_no_hinting),
        cmocka_unit_test(test_watermark_is_one_form),
        cmocka_unit_test(test_wrap_break_points),
        cmocka_unit_test(test_wrap_long_words),
        cmocka_unit_test(test_table_row_moves_header_repeats),
        cmocka_unit_test(test_row_taller_than_page_splits),
        cmocka_unit_test(test_heading_keeps_with_next),
        cmocka_unit_test(test_contents_and_outline),
        cmocka_unit_test(test_forward_anchor),
        cmocka_unit_test(test_api_misuse),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
