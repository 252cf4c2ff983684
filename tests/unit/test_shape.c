/* test_shape.c - cmocka unit tests of itemisation (script and face per run)
 * and bidi visual order (shape.c, through ra_pdf_text_runs), and of the
 * coverage check (coverage.c, ra_pdf_fonts_missing), with the checkout's
 * font chain. Every expected run was worked out by hand from the chain's
 * order (fonts/chain.txt), the scripts of the characters and the Unicode
 * bidi algorithm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/text.h"
#include "pdf/pdf.h"

#ifndef RA_TEST_FONT_CHAIN
#define RA_TEST_FONT_CHAIN "fonts/chain.txt"
#endif

/* An expected run: its text (a piece of the input), script, font, level. */
typedef struct {
    const char *text;
    const char *script;
    const char *font;
    int level;
} want_t;

static int setup(void **state)
{
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_pdf_t *pdf = NULL;
    if (ra_pdf_new(&o, &pdf) != RA_OK)
        return -1;
    *state = pdf;
    return 0;
}

static int teardown(void **state)
{
    ra_pdf_free(*state);
    return 0;
}

/* Checks the runs of s in face and direction dir, in visual order. */
static void check_runs(const ra_pdf_t *pdf, ra_face_t face, ra_dir_t dir, const char *s,
                       const want_t *want, size_t nwant)
{
    ra_pdf_run_t runs[16];
    size_t n = ra_pdf_text_runs(pdf, face, dir, s, strlen(s), runs, 16);
    for (size_t i = 0; i < n && i < 16; i++)
        print_message("  run %zu: '%.*s' %s %s %d\n", i, (int)(runs[i].end - runs[i].start),
                      s + runs[i].start, runs[i].script, runs[i].font, runs[i].level);
    assert_int_equal(n, nwant);
    for (size_t i = 0; i < nwant; i++) {
        size_t len = runs[i].end - runs[i].start;
        assert_int_equal(len, strlen(want[i].text));
        assert_memory_equal(s + runs[i].start, want[i].text, len);
        assert_string_equal(runs[i].script, want[i].script);
        assert_string_equal(runs[i].font, want[i].font);
        assert_int_equal(runs[i].level, want[i].level);
    }
}

#define CHECK(pdf, face, dir, s, ...)                              \
    do {                                                           \
        const want_t w_[] = {__VA_ARGS__};                         \
        check_runs(pdf, face, dir, s, w_, sizeof w_ / sizeof *w_); \
    } while (0)

/* The mixed line: a left-to-right paragraph (its first strong
 * character is Latin) with an Arabic name drawn right to left (level 1) by
 * DejaVu Sans, which has Arabic and comes first; the space and bracket
 * after the name are at level 0 and go with the Latin that follows. */
static void test_owner_arabic_in_latin(void **state)
{
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "Owner: محمد العلي (Security)",
          {"Owner: ", "Latn", "DejaVuSans.ttf", 0}, {"محمد العلي", "Arab", "DejaVuSans.ttf", 1},
          {" (Security)", "Latn", "DejaVuSans.ttf", 0});
}

/* An Arabic paragraph with a Latin name inside: the paragraph is right to
 * left (level 1), the name at level 2; on the page from the left: the
 * bracketed word that ends the sentence, the name, then the first word. */
static void test_latin_in_arabic(void **state)
{
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "ملاحظة: Priya Raman (أمن)",
          {" (أمن)", "Arab", "DejaVuSans.ttf", 1}, {"Priya Raman", "Latn", "DejaVuSans.ttf", 2},
          {"ملاحظة: ", "Arab", "DejaVuSans.ttf", 1});
}

/* Chinese falls through DejaVu and the Indic, Thai, Arabic and Hebrew faces
 * to Noto Sans CJK; the space after it stays with it. */
static void test_chinese_and_latin(void **state)
{
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "王芳 and Priya",
          {"王芳 ", "Hani", "NotoSansCJK-Regular.ttc", 0},
          {"and Priya", "Latn", "DejaVuSans.ttf", 0});
}

/* Devanagari with its conjuncts and vowel signs is one run of Noto Sans
 * Devanagari (the marks stay with their bases); in bold, its bold face. */
static void test_devanagari(void **state)
{
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "अर्जुन शर्मा",
          {"अर्जुन शर्मा", "Deva", "NotoSansDevanagari-Regular.ttf", 0});
    CHECK(*state, RA_FACE_BOLD, RA_DIR_AUTO, "अर्जुन शर्मा",
          {"अर्जुन शर्मा", "Deva", "NotoSansDevanagari-Bold.ttf", 0});
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "नमस्ते Arjun",
          {"नमस्ते ", "Deva", "NotoSansDevanagari-Regular.ttf", 0},
          {"Arjun", "Latn", "DejaVuSans.ttf", 0});
}

/* Thai goes to Noto Sans Thai, an emoji to Symbola (a common character, in
 * the script of the run before it); Vietnamese with stacked diacritics is
 * Latin of DejaVu Sans; the italic chain starts with DejaVu Sans Oblique. */
static void test_thai_emoji_vietnamese(void **state)
{
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "สมชาย 🚀 ok",
          {"สมชาย ", "Thai", "NotoSansThai-Regular.ttf", 0}, {"🚀 ", "Thai", "Symbola_hint.ttf", 0},
          {"ok", "Latn", "DejaVuSans.ttf", 0});
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "Nguyễn Thị Ngọc Ánh",
          {"Nguyễn Thị Ngọc Ánh", "Latn", "DejaVuSans.ttf", 0});
    CHECK(*state, RA_FACE_ITALIC, RA_DIR_AUTO, "Nguyễn",
          {"Nguyễn", "Latn", "DejaVuSans-Oblique.ttf", 0});
}

/* Hebrew alone is a right-to-left paragraph of one run (level 1); in a
 * Latin paragraph, digits after Hebrew take level 2 (rules W7, I1) and are
 * put left of it (L2): "abc 123 42 <Hebrew> xyz" on the page. */
static void test_hebrew_and_numbers(void **state)
{
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "דוד כהן",
          {"דוד כהן", "Hebr", "DejaVuSans.ttf", 1});
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "abc 123 דוד כהן 42 xyz",
          {"abc 123 ", "Latn", "DejaVuSans.ttf", 0}, {"42", "Latn", "DejaVuSans.ttf", 2},
          {"דוד כהן ", "Hebr", "DejaVuSans.ttf", 1}, {" xyz", "Latn", "DejaVuSans.ttf", 0});
}

/* A paragraph direction given overrides the first strong character: Latin
 * in a right-to-left paragraph is at level 2. */
static void test_given_direction(void **state)
{
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_RTL, "Priya", {"Priya", "Latn", "DejaVuSans.ttf", 2});
    CHECK(*state, RA_FACE_REGULAR, RA_DIR_LTR, "דוד", {"דוד", "Hebr", "DejaVuSans.ttf", 1});
    assert_int_equal(ra_pdf_text_direction("123 דוד abc", strlen("123 דוד abc")), RA_DIR_RTL);
    assert_int_equal(ra_pdf_text_direction("(42) Owner", 10), RA_DIR_LTR);
    assert_int_equal(ra_pdf_text_direction("(42) ...", 8), RA_DIR_AUTO);
}

/* ASCII, the fast path: one Latin run of the style's first face. */
static void test_ascii(void **state)
{
    CHECK(*state, RA_FACE_MONO, RA_DIR_AUTO, "COST-04 due 2026-10-31",
          {"COST-04 due 2026-10-31", "Latn", "DejaVuSansMono.ttf", 0});
    ra_pdf_run_t r[1];
    assert_int_equal(ra_pdf_text_runs(*state, RA_FACE_REGULAR, RA_DIR_AUTO, "", 0, r, 1), 0);
}

/* The coverage check: characters of no face of any style's chain, each
 * once, in text order; control characters and non-characters too; not
 * what the chain draws, not an unknown mark (hidden, not replaced), not
 * U+FFFD itself. */
static void test_fonts_missing(void **state)
{
    const ra_pdf_fonts_t *fonts = ra_pdf_fonts_of(*state);
    uint32_t cps[4];
    const char *drawn = "Owner: محمد العلي, 王芳, अर्जुन, สมชาย, דוד, 🚀, Nguyễn, Straße";
    assert_int_equal(ra_pdf_fonts_missing(fonts, drawn, strlen(drawn), cps, 4), 0);
    const char *s =
        "a\xee\x80\x80 b \xf0\x90\xa4\x80 \xee\x80\x80 \xc2\x85 \xef\xbf\xbe \xef\xbf\xbd";
    assert_int_equal(ra_pdf_fonts_missing(fonts, s, strlen(s), cps, 4), 4);
    assert_int_equal(cps[0], 0xE000);
    assert_int_equal(cps[1], 0x10900);
    assert_int_equal(cps[2], 0x85);
    assert_int_equal(cps[3], 0xFFFE);
    /* Counted past the ones stored. */
    assert_int_equal(ra_pdf_fonts_missing(fonts, s, strlen(s), cps, 1), 4);
    assert_int_equal(cps[0], 0xE000);
    /* A tab is drawn as a space; a combining mark no face has is hidden. */
    assert_int_equal(ra_pdf_fonts_missing(fonts, "a\tb", 3, cps, 4), 0);
    /* U+1AC0, a combining mark that no face has (hb-shape: glyph 0 in all). */
    assert_int_equal(ra_pdf_fonts_missing(fonts, "x\xe1\xab\x80", 4, cps, 4), 0);
    assert_string_equal(ra_pdf_unprintable(0x85), "control character");
    assert_string_equal(ra_pdf_unprintable(0xFDD0), "not a character");
    assert_null(ra_pdf_unprintable('\t'));
    assert_null(ra_pdf_unprintable(0xE000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_owner_arabic_in_latin), cmocka_unit_test(test_latin_in_arabic),
        cmocka_unit_test(test_chinese_and_latin),     cmocka_unit_test(test_devanagari),
        cmocka_unit_test(test_thai_emoji_vietnamese), cmocka_unit_test(test_hebrew_and_numbers),
        cmocka_unit_test(test_given_direction),       cmocka_unit_test(test_ascii),
        cmocka_unit_test(test_fonts_missing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
