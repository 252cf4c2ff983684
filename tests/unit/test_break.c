/* test_break.c - cmocka unit tests for break.c and the layout's use of it:
 * break opportunities (Latin, CJK, dates, ids, URLs, mandatory breaks),
 * hyphenation points (English, German), hyphenated wrapping, column widths
 * that keep statuses, dates and digests whole, and URL link annotations. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/hash.h"
#include "layout/break.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "testutil.h"

#ifndef RA_TEST_FONT_CHAIN
/* The font chain of this checkout (tests run from its top directory). */
#define RA_TEST_FONT_CHAIN "fonts/chain.txt"
#endif
/* And its list of the hyphenation dictionaries. */
#define RA_TEST_HYPH_LIST "fonts/hyphen.txt"

/* --- Helpers --- */

/* Returns s with "|" after each allowed break and "!" after each mandatory
 * one (a static buffer: one call at a time). */
static const char *marks(const char *s, const char *lang)
{
    static char out[1024];
    char brk[512];
    size_t n = strlen(s), k = 0;
    assert_true(n < sizeof brk);
    ra_break_find(s, n, lang, brk);
    for (size_t i = 0; i < n; i++) {
        out[k++] = s[i];
        if (brk[i] == RA_BREAK_ALLOW)
            out[k++] = '|';
        else if (brk[i] == RA_BREAK_MUST)
            out[k++] = '!';
    }
    out[k] = '\0';
    return out;
}

/* Returns word with "-" at each hyphenation point of lang's dictionary. */
static const char *hyphenated(ra_hyph_t *h, const char *lang, const char *word)
{
    static char out[512];
    char pts[256];
    const ra_hyph_dict_t *d;
    assert_int_equal(ra_hyph_dict(h, lang, &d), RA_OK);
    size_t n = strlen(word), k = 0;
    ra_hyph_points(d, word, n, pts);
    for (size_t i = 0; i < n; i++) {
        out[k++] = word[i];
        if (pts[i])
            out[k++] = '-';
    }
    out[k] = '\0';
    return out;
}

static ra_pdf_t *new_pdf(void)
{
    ra_pdf_options_t o = {.font_chain = RA_TEST_FONT_CHAIN};
    ra_pdf_t *pdf = NULL;
    assert_int_equal(ra_pdf_new(&o, &pdf), RA_OK);
    return pdf;
}

static double W(const ra_pdf_t *pdf, const char *s)
{
    return ra_pdf_text_width(pdf, RA_FACE_REGULAR, 10, s, strlen(s));
}

/* Wraps s at width (regular, 10 pt, hyphenated for lang) and compares. */
static void check_wrap(const ra_pdf_t *pdf, ra_hyph_t *h, const char *lang, const char *s,
                       double width, const char *expected)
{
    ra_buf_t out = RA_BUF_INIT;
    assert_int_equal(ra_layout_wrap_hyph(pdf, h, lang, RA_FACE_REGULAR, 10, width, s, &out), RA_OK);
    assert_string_equal(ra_buf_str(&out), expected);
    ra_buf_free(&out);
}

/* --- Break opportunities --- */

static void test_breaks_latin(void **state)
{
    (void)state;
    /* After spaces, after the hyphens of a long compound, not in short
     * hyphenated tokens, not at the end of the text. */
    assert_string_equal(marks("Pass (unevidenced) Not assessed", "en"),
                        "Pass |(unevidenced) |Not |assessed");
    assert_string_equal(marks("self-acceptance of record-level-governance-and-approval.", "en"),
                        "self-acceptance |of |record-|level-|governance-|and-|approval.");
    assert_string_equal(marks("", "en"), "");
}

static void test_breaks_dates_ids_digests(void **state)
{
    (void)state;
    /* The expiry date, a check id, a record id, a digest. */
    assert_string_equal(marks("until 2026-10-31 EXPIRED", "en"), "until |2026-10-31 |EXPIRED");
    assert_string_equal(marks("COST-04, ACME-CHAT-2026Q4", "en"), "COST-04, |ACME-CHAT-2026Q4");
    const char *digest = "74f5bdbcf3b3b359f90fe6285238637ed64480f9bae39571664a7d25c7c44421";
    assert_string_equal(marks(digest, "en"), digest);
    /* 24 characters with a hyphen stay whole; 25 may break. */
    assert_string_equal(marks("abcdefghijk-mnopqrstuvwx", "en"), "abcdefghijk-mnopqrstuvwx");
    assert_string_equal(marks("abcdefghijk-mnopqrstuvwxy", "en"), "abcdefghijk-|mnopqrstuvwxy");
}

static void test_breaks_cjk(void **state)
{
    (void)state;
    /* Between ideographs and Hangul syllables; not before the full stop. */
    assert_string_equal(marks("王芳和山田太郎。김민준", "zh"), "王|芳|和|山|田|太|郎。|김|민|준");
}

static void test_breaks_mandatory(void **state)
{
    (void)state;
    assert_string_equal(marks("line one\nline two", "en"), "line |one\n!line |two");
    assert_string_equal(marks("a\r\nb", "en"), "a\r\n!b");
}

static void test_breaks_url(void **state)
{
    (void)state;
    /* After "/", ".", "?", "&", "=", never in "https://", not after its
     * last character (the "." after it ends the sentence). */
    assert_string_equal(
        marks("see https://example.com/evidence/runbook-v2.pdf?id=42&x=y. now", "en"),
        "see |https://example.|com/|evidence/|runbook-v2.|pdf?|id=|42&|x=|y. |now");
    assert_string_equal(marks("www.example.org/a/b", "en"), "www.|example.|org/|a/|b");
    assert_int_equal(ra_break_url("https://x.org/a).", 17), 15);
    assert_int_equal(ra_break_url("http://x y", 10), 8);
    assert_int_equal(ra_break_url("ftp://x", 7), 0);
    assert_int_equal(ra_break_url("HTTPS://X.ORG", 13), 13);
}

/* --- Hyphenation --- */

static void test_hyph_files(void **state)
{
    (void)state;
    assert_string_equal(ra_hyph_file("en-US"), "hyph_en_US.dic");
    assert_string_equal(ra_hyph_file("en"), "hyph_en_US.dic");
    assert_string_equal(ra_hyph_file("EN_gb"), "hyph_en_US.dic");
    assert_string_equal(ra_hyph_file("de"), "hyph_de_DE.dic");
    assert_string_equal(ra_hyph_file("de-CH"), "hyph_de_DE.dic");
    assert_null(ra_hyph_file("fr"));
    assert_null(ra_hyph_file("english"));
    assert_null(ra_hyph_file(NULL));
}

static void test_hyph_english(void **state)
{
    ra_hyph_t *h = *state; /* shared: German takes seconds to load */
    assert_string_equal(hyphenated(h, "en-US", "hyphenation"), "hy-phen-ation");
    assert_string_equal(hyphenated(h, "en", "accountability"), "ac-count-abil-ity");
    assert_string_equal(hyphenated(h, "en", "Observability"), "Ob-serv-abil-ity");
    /* Punctuation around a word; words next to digits (ids) get none. */
    assert_string_equal(hyphenated(h, "en", "(unevidenced),"), "(un-ev-i-denced),");
    assert_string_equal(hyphenated(h, "en", "a1accountability accountability2"),
                        "a1accountability accountability2");
    /* A language without a dictionary: no points, and no error. */
    const ra_hyph_dict_t *d;
    assert_int_equal(ra_hyph_dict(h, "fr", &d), RA_OK);
    assert_null(d);
    ra_hyph_free(NULL);
}

static void test_hyph_german(void **state)
{
    ra_hyph_t *h = *state; /* shared: German takes seconds to load */
    assert_string_equal(hyphenated(h, "de", "Datenschutzgrundverordnung"),
                        "Da-ten-schutz-grund-ver-ord-nung");
    /* Umlauts and ß (the dictionary is Latin-1; points map back to UTF-8). */
    assert_string_equal(hyphenated(h, "de-DE", "Qualitätssicherungsmaßnahmen"),
                        "Qua-li-täts-si-che-rungs-maß-nah-men");
    assert_string_equal(hyphenated(h, "de", "Übermäßig"), "Über-mä-ßig");
    /* Loaded once: the same dictionary for every German tag. */
    const ra_hyph_dict_t *a, *b;
    assert_int_equal(ra_hyph_dict(h, "de", &a), RA_OK);
    assert_int_equal(ra_hyph_dict(h, "de-AT", &b), RA_OK);
    assert_ptr_equal(a, b);
}

static void test_hyph_missing_dictionary(void **state)
{
    (void)state;
    ra_hyph_t *h;
    const ra_hyph_dict_t *d = (const ra_hyph_dict_t *)1;
    assert_int_equal(ra_hyph_new("/nonexistent", RA_TEST_HYPH_LIST, &h), RA_OK);
    assert_int_equal(ra_hyph_dict(h, "en", &d), RA_ERR_IO);
    assert_null(d);
    assert_string_equal(ra_hyph_error(h),
                        "cannot use the hyphenation dictionary /nonexistent/hyph_en_US.dic: "
                        "cannot open: No such file or directory (Debian packages hyphen-en-us, "
                        "hyphen-de)");
    /* A language without a dictionary needs none, nor the list. */
    assert_int_equal(ra_hyph_dict(h, "fr", &d), RA_OK);
    assert_null(d);
    assert_string_equal(ra_hyph_error(h), "");
    ra_hyph_free(h);
}

/* --- Pinning: the dictionary list --- */

/* A scratch directory for dictionaries and lists, made once per test. */
static char scratch[64];

static void make_scratch(void)
{
    snprintf(scratch, sizeof scratch, "/tmp/ra-test-hyph.XXXXXX");
    assert_non_null(mkdtemp(scratch));
}

/* Writes len bytes of data to scratch/name. */
static void put_file(const char *name, const void *data, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void remove_scratch(const char *const *names)
{
    char path[128];
    for (; *names; names++) {
        snprintf(path, sizeof path, "%s/%s", scratch, *names);
        unlink(path);
    }
    rmdir(scratch);
}

/* The digest ra_hyph_sha256 gives is the list file's own SHA-256. */
static void test_hyph_list_digest(void **state)
{
    (void)state;
    ra_buf_t list = RA_BUF_INIT;
    read_whole(RA_TEST_HYPH_LIST, &list);
    unsigned char want[32], got[32];
    ra_sha256(list.data, list.len, want);
    ra_hyph_t *h;
    assert_int_equal(ra_hyph_new(NULL, RA_TEST_HYPH_LIST, &h), RA_OK);
    assert_int_equal(ra_hyph_sha256(h, got), RA_OK);
    assert_memory_equal(got, want, 32);
    ra_hyph_free(h);
    ra_buf_free(&list);
}

/* A copy of the English dictionary with one byte changed is refused before
 * libhyphen reads it, with both digests; the true copy beside it is taken. */
static void test_hyph_changed_dictionary(void **state)
{
    (void)state;
    ra_buf_t dic = RA_BUF_INIT;
    read_whole(RA_HYPH_DIR "/hyph_en_US.dic", &dic);
    unsigned char good[32], bad[32];
    char good_hex[65], bad_hex[65];
    ra_sha256(dic.data, dic.len, good);
    ra_hex(good, 32, good_hex);
    make_scratch();
    ra_buf_t list = RA_BUF_INIT;
    ra_buf_printf(&list, "# pinned\n\n%s  hyph_en_US.dic\n", good_hex);
    put_file("list.txt", list.data, list.len);
    dic.data[dic.len / 2] ^= 1;
    ra_sha256(dic.data, dic.len, bad);
    ra_hex(bad, 32, bad_hex);
    put_file("hyph_en_US.dic", dic.data, dic.len);

    char list_path[128];
    snprintf(list_path, sizeof list_path, "%s/list.txt", scratch);
    ra_hyph_t *h;
    const ra_hyph_dict_t *d = (const ra_hyph_dict_t *)1;
    assert_int_equal(ra_hyph_new(scratch, list_path, &h), RA_OK);
    assert_int_equal(ra_hyph_dict(h, "en", &d), RA_ERR_IO);
    assert_null(d);
    ra_buf_t want = RA_BUF_INIT;
    ra_buf_printf(&want,
                  "cannot use the hyphenation dictionary %s/hyph_en_US.dic: its SHA-256 is %s, "
                  "not %s, the one %s lists",
                  scratch, bad_hex, good_hex, list_path);
    assert_string_equal(ra_hyph_error(h), ra_buf_str(&want));
    /* Put right, the same set loads it (a failure is not remembered). */
    dic.data[dic.len / 2] ^= 1;
    put_file("hyph_en_US.dic", dic.data, dic.len);
    assert_int_equal(ra_hyph_dict(h, "en", &d), RA_OK);
    assert_non_null(d);
    assert_string_equal(ra_hyph_error(h), "");
    /* The German dictionary is not on this list: an error, not unhyphenated text. */
    assert_int_equal(ra_hyph_dict(h, "de", &d), RA_ERR_IO);
    ra_buf_clear(&want);
    ra_buf_printf(&want,
                  "cannot use the hyphenation dictionary %s/hyph_de_DE.dic: %s does not list it",
                  scratch, list_path);
    assert_string_equal(ra_hyph_error(h), ra_buf_str(&want));
    ra_hyph_free(h);
    remove_scratch((const char *const[]){"list.txt", "hyph_en_US.dic", NULL});
    ra_buf_free(&want);
    ra_buf_free(&list);
    ra_buf_free(&dic);
}

/* A malformed or missing list is an error naming the list and the line. */
static void test_hyph_bad_list(void **state)
{
    (void)state;
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"# one digit short\n"
         "546b4c007d82b3bc9b3a691a3048eaae86741a162cd4e64a41fdebe147e5e47  hyph_en_US.dic\n",
         ":2: expected SHA-256 FILE (64 lowercase hex digits, then the name of a file of the "
         "dictionary directory)"},
        {"546B4C007D82B3BC9B3A691A3048EAAE86741A162CD4E64A41FDEBE147E5E473  hyph_en_US.dic\n",
         ":1: expected SHA-256 FILE (64 lowercase hex digits, then the name of a file of the "
         "dictionary directory)"},
        {"546b4c007d82b3bc9b3a691a3048eaae86741a162cd4e64a41fdebe147e5e473  ../hyph_en_US.dic\n",
         ":1: expected SHA-256 FILE (64 lowercase hex digits, then the name of a file of the "
         "dictionary directory)"},
        {"546b4c007d82b3bc9b3a691a3048eaae86741a162cd4e64a41fdebe147e5e473  hyph_en_US.dic x\n",
         ":1: expected SHA-256 FILE (64 lowercase hex digits, then the name of a file of the "
         "dictionary directory)"},
        {"546b4c007d82b3bc9b3a691a3048eaae86741a162cd4e64a41fdebe147e5e473  hyph_en_US.dic\n"
         "2e2f5ffea6bc53f67ffe8c076921c7b1b34a2ec2b9ec57a4608374bb65a1a1e1  hyph_en_US.dic\n",
         ":2: hyph_en_US.dic is listed twice"},
    };
    make_scratch();
    char list_path[128];
    snprintf(list_path, sizeof list_path, "%s/list.txt", scratch);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        put_file("list.txt", cases[i].text, strlen(cases[i].text));
        ra_hyph_t *h;
        unsigned char d[32];
        assert_int_equal(ra_hyph_new(NULL, list_path, &h), RA_OK);
        assert_int_equal(ra_hyph_sha256(h, d), RA_ERR_IO);
        ra_buf_t want = RA_BUF_INIT;
        ra_buf_printf(&want, "%s%s", list_path, cases[i].why);
        assert_string_equal(ra_hyph_error(h), ra_buf_str(&want));
        ra_buf_free(&want);
        ra_hyph_free(h);
    }
    remove_scratch((const char *const[]){"list.txt", NULL});
    ra_hyph_t *h;
    unsigned char d[32];
    assert_int_equal(ra_hyph_new(NULL, "/nonexistent/hyphen.txt", &h), RA_OK);
    assert_int_equal(ra_hyph_sha256(h, d), RA_ERR_IO);
    assert_string_equal(ra_hyph_error(h), "cannot read the hyphenation dictionary list "
                                          "/nonexistent/hyphen.txt: cannot open: No such file or "
                                          "directory");
    const ra_hyph_dict_t *dict;
    assert_int_equal(ra_hyph_dict(h, "en", &dict), RA_ERR_IO);
    ra_hyph_free(h);
}

/* --- Wrapping --- */

static void test_wrap_hyphenates(void **state)
{
    ra_hyph_t *h = *state; /* shared: German takes seconds to load */
    ra_pdf_t *pdf = new_pdf();
    /* The last point that fits with its hyphen. */
    check_wrap(pdf, h, "de", "Datenschutzgrundverordnung", W(pdf, "Datenschutzgrund-"),
               "Datenschutzgrund-\nverordnung");
    check_wrap(pdf, h, "de", "Datenschutzgrundverordnung", W(pdf, "Datenschutzgrund-") - 0.5,
               "Datenschutz-\ngrundverordnung");
    check_wrap(pdf, h, "en", "accountability", W(pdf, "account-"), "account-\nability");
    /* Words that fit on a line of their own are not hyphenated. */
    check_wrap(pdf, h, "en", "the accountability", W(pdf, "accountability"), "the\naccountability");
    /* Without a dictionary (ra_layout_wrap), or where no point fits (a
     * digest), the word breaks between characters. */
    ra_buf_t out = RA_BUF_INIT;
    assert_int_equal(
        ra_layout_wrap(pdf, RA_FACE_REGULAR, 10, W(pdf, "account"), "accountability", &out), RA_OK);
    assert_string_equal(ra_buf_str(&out), "account\nability");
    ra_buf_free(&out);
    check_wrap(pdf, h, "en", "0123456789abcdef", W(pdf, "01234567"), "01234567\n89abcdef");
    /* Dates and ids go whole to the next line. */
    check_wrap(pdf, h, "en", "until 2026-10-31 EXPIRED", W(pdf, "until 2026-10-3"),
               "until\n2026-10-31\nEXPIRED");
    check_wrap(pdf, h, "en", "see COST-04", W(pdf, "see COST-0"), "see\nCOST-04");
    /* CJK breaks between ideographs. */
    check_wrap(pdf, h, "zh", "王芳和山田太郎", W(pdf, "王芳和"), "王芳和\n山田太\n郎");
    /* A URL breaks after "/" and ".". */
    check_wrap(pdf, h, "en", "https://example.org/evidence/runbook.pdf",
               W(pdf, "https://example.org/evid"), "https://example.org/\nevidence/runbook.pdf");
    check_wrap(pdf, h, "en", "https://example.org/evidence/runbook.pdf", W(pdf, "evidence/runbook"),
               "https://example.\norg/evidence/\nrunbook.pdf");
    ra_pdf_free(pdf);
}

/* --- Tables and links through the layout --- */

/* Lays out one table and returns its dump (caller frees). */
static void table_dump(const ra_column_t *cols, size_t ncols, const ra_cell_t *cells, size_t nrows,
                       ra_buf_t *dump, ra_buf_t *file)
{
    ra_pdf_t *pdf = new_pdf();
    ra_layout_t *lo;
    ra_layout_options_t o;
    ra_layout_options_default(&o);
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    assert_int_equal(ra_layout_table_begin(lo, NULL, cols, ncols), RA_OK);
    for (size_t r = 0; r < nrows; r++)
        assert_int_equal(ra_layout_table_row(lo, cells + r * ncols), RA_OK);
    assert_int_equal(ra_layout_table_end(lo), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    assert_int_equal(ra_layout_dump(lo, dump), RA_OK);
    if (file)
        assert_int_equal(ra_pdf_save(pdf, file), RA_OK);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

static void test_columns_keep_statuses_and_digests(void **state)
{
    (void)state;
    const char *digest = "74f5bdbcf3b3b359f90fe6285238637ed64480f9bae39571664a7d25c7c44421";
    /* Relative widths that would give the status 4% and the digest 20%. */
    ra_column_t cols[] = {{"Check", 1, RA_ALIGN_LEFT},
                          {"Result", 1, RA_ALIGN_LEFT},
                          {"Notes", 14, RA_ALIGN_LEFT},
                          {"SHA-256", 4, RA_ALIGN_LEFT}};
    ra_cell_t cells[] = {
        {"EV-06", RA_FACE_BOLD, NULL, NULL, 0, 0},
        {"Pass (unevidenced)", RA_FACE_BOLD, NULL, NULL, 0, 0},
        {"Expires 2026-10-31; the assessor was shown the dashboard but no export was attached.",
         RA_FACE_REGULAR, NULL, NULL, 0, 0},
        {digest, RA_FACE_MONO, NULL, NULL, 0, 6},
    };
    ra_buf_t dump = RA_BUF_INIT;
    table_dump(cols, 4, cells, 1, &dump, NULL);
    const char *d = ra_buf_str(&dump);
    assert_non_null(strstr(d, " B 9.00 \"EV-06\""));
    assert_non_null(strstr(d, " B 9.00 \"Pass (unevidenced)\""));
    assert_non_null(strstr(d, " R 9.00 \"Expires\"\n"));
    assert_non_null(strstr(d, " R 9.00 \"2026-10-31; the\"\n"));
    char want[100];
    snprintf(want, sizeof want, " M 6.00 \"%s\"", digest);
    assert_non_null(strstr(d, want));
    ra_buf_free(&dump);
}

static void test_columns_too_many_short_cells(void **state)
{
    (void)state;
    /* The portfolio's systems table: its short cells cannot all stay on
     * one line, but no word, score or hyphenated name breaks. */
    ra_column_t cols[] = {{"System", 2.6, RA_ALIGN_LEFT},  {"Organisation", 2.2, RA_ALIGN_LEFT},
                          {"Profile", 1.6, RA_ALIGN_LEFT}, {"Score", 0.9, RA_ALIGN_RIGHT},
                          {"Verdict", 1.7, RA_ALIGN_LEFT}, {"Sign-off", 1.2, RA_ALIGN_LEFT},
                          {"Gaps", 0.7, RA_ALIGN_RIGHT}};
    ra_cell_t cells[] = {
        {"Kreditberater-Assistent (credit adviser assistant)", RA_FACE_BOLD, NULL, NULL, 0, 0},
        {"Vantor Engineering Group", RA_FACE_REGULAR, NULL, NULL, 0, 0},
        {"Minimum viable", RA_FACE_REGULAR, NULL, NULL, 0, 0},
        {"54.9", RA_FACE_BOLD, NULL, NULL, 0, 0},
        {"Ready with conditions", RA_FACE_BOLD, NULL, NULL, 0, 0},
        {"Signed off", RA_FACE_REGULAR, NULL, NULL, 0, 0},
        {"22", RA_FACE_REGULAR, NULL, NULL, 0, 0},
    };
    ra_buf_t dump = RA_BUF_INIT;
    table_dump(cols, 7, cells, 1, &dump, NULL);
    const char *d = ra_buf_str(&dump);
    const char *whole[] = {"\"System\"",    "\"Organisation\"", "\"Sign-off\"",
                           "\"54.9\"",      "\"22\"",           "\"Kreditberater-Assistent\"",
                           "\"Engineering", "conditions\""};
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (!strstr(d, whole[i]))
            fail_msg("%s is not drawn whole:\n%s", whole[i], d);
    ra_buf_free(&dump);
}

static void test_url_links(void **state)
{
    (void)state;
    ra_column_t cols[] = {{"Check", 1, RA_ALIGN_LEFT}, {"Reference", 1, RA_ALIGN_LEFT}};
    ra_cell_t cells[] = {
        {"GOV-01", RA_FACE_BOLD, NULL, NULL, 0, 0},
        {"[link] https://grc.example.org/register/entries/KI-017/history: register entry",
         RA_FACE_REGULAR, NULL, NULL, 0, 0},
    };
    ra_buf_t dump = RA_BUF_INIT, file = RA_BUF_INIT;
    table_dump(cols, 2, cells, 1, &dump, &file);
    /* One link per line the URL takes, each to the whole URL, none to the
     * text around it. */
    const char *d = ra_buf_str(&dump), *p = d;
    size_t links = 0;
    while ((p = strstr(p, "\nuri ")) != NULL) {
        const char *eol = strchr(p + 1, '\n');
        const char *url = " https://grc.example.org/register/entries/KI-017/history\n";
        assert_true((size_t)(eol + 1 - p) > strlen(url));
        assert_memory_equal(eol + 1 - strlen(url), url, strlen(url));
        links++;
        p = eol;
    }
    assert_int_equal(links, 2);
    assert_non_null(strstr(d, "\"https://grc.example.org/register/entries/\"\nuri "));
    assert_non_null(strstr(d, "\"KI-017/history:\"\nuri "));
    /* In the file: Link annotations with a URI action (libharu writes "/"
     * in strings as \057). */
    const char *uri = "/URI (https:\\057\\057grc.example.org\\057register\\057entries\\057KI-017"
                      "\\057history)";
    assert_non_null(memmem(file.data, file.len, uri, strlen(uri)));
    assert_non_null(memmem(file.data, file.len, "/S /URI", 7));
    ra_buf_free(&dump);
    ra_buf_free(&file);
}

static void test_layout_lang(void **state)
{
    ra_hyph_t *h = *state; /* shared: German takes seconds to load */
    ra_pdf_t *pdf = new_pdf();
    ra_layout_t *lo;
    ra_layout_options_t o;
    ra_layout_options_default(&o);
    o.hyph = h;
    assert_int_equal(ra_layout_new(pdf, &o, &lo), RA_OK);
    assert_string_equal(ra_layout_lang(lo), "en-US");
    assert_int_equal(ra_layout_set_lang(lo, "de"), RA_OK);
    assert_string_equal(ra_layout_lang(lo), "de");
    assert_int_equal(ra_layout_set_lang(lo, "x-0123456789012345678901234567890123"),
                     RA_ERR_INVALID);
    assert_string_equal(ra_layout_lang(lo), "de");
    /* German compounds in columns too narrow for them are hyphenated. */
    ra_column_t cols[] = {{"A", 1, RA_ALIGN_LEFT},
                          {"B", 1, RA_ALIGN_LEFT},
                          {"C", 1, RA_ALIGN_LEFT},
                          {"D", 1, RA_ALIGN_LEFT},
                          {"E", 1, RA_ALIGN_LEFT}};
    assert_int_equal(ra_layout_table_begin(lo, NULL, cols, 5), RA_OK);
    const char *w = "Qualitätssicherungsmaßnahmen";
    const char *row[] = {w, w, w, w, w};
    assert_int_equal(ra_layout_table_row_text(lo, row), RA_OK);
    assert_int_equal(ra_layout_table_end(lo), RA_OK);
    assert_int_equal(ra_layout_finish(lo), RA_OK);
    ra_buf_t dump = RA_BUF_INIT;
    assert_int_equal(ra_layout_dump(lo, &dump), RA_OK);
    /* At its last point that fits, the hyphen drawn after it. */
    const char *d = ra_buf_str(&dump);
    assert_non_null(strstr(d, "text 60.69 111.03 R 9.00 \"Qualitätssiche\"\n"
                              "text 124.63 111.03 R 9.00 \"-\"\n"
                              "text 60.69 123.18 R 9.00 \"rungsmaßnahmen\"\n"));
    ra_buf_free(&dump);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
}

/* One set of dictionaries for the suite (the state of every test). */
static int group_setup(void **state)
{
    ra_hyph_t *h;
    if (ra_hyph_new(NULL, RA_TEST_HYPH_LIST, &h) != RA_OK)
        return -1;
    *state = h;
    return 0;
}

static int group_teardown(void **state)
{
    ra_hyph_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_breaks_latin),
        cmocka_unit_test(test_breaks_dates_ids_digests),
        cmocka_unit_test(test_breaks_cjk),
        cmocka_unit_test(test_breaks_mandatory),
        cmocka_unit_test(test_breaks_url),
        cmocka_unit_test(test_hyph_files),
        cmocka_unit_test(test_hyph_english),
        cmocka_unit_test(test_hyph_german),
        cmocka_unit_test(test_hyph_missing_dictionary),
        cmocka_unit_test(test_hyph_list_digest),
        cmocka_unit_test(test_hyph_changed_dictionary),
        cmocka_unit_test(test_hyph_bad_list),
        cmocka_unit_test(test_wrap_hyphenates),
        cmocka_unit_test(test_columns_keep_statuses_and_digests),
        cmocka_unit_test(test_columns_too_many_short_cells),
        cmocka_unit_test(test_url_links),
        cmocka_unit_test(test_layout_lang),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
