/* break.c - line break opportunities (UAX #14 via libunibreak, tailored for
 * report text) and hyphenation points (libhyphen dictionaries). */
#include "layout/break.h"

#include <hyphen.h>
#include <linebreak.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"

#define HYPH_WORD_MAX 96 /* longer words are not looked up (the dictionary's limit) */
#define HYPH_LEFT 2      /* characters kept before a hyphenation point */
#define HYPH_RIGHT 3     /* and after it */

/* --- Break opportunities --- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Returns 1 when s[0..len) starts with prefix, ASCII case-insensitively. */
static int starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != prefix[i])
            return 0;
    }
    return 1;
}

size_t ra_break_url(const char *s, size_t len)
{
    if (!starts_with(s, len, "http://") && !starts_with(s, len, "https://") &&
        !starts_with(s, len, "www."))
        return 0;
    size_t end = 0;
    while (end < len && !is_space(s[end]))
        end++;
    while (end > 0 && strchr(".,;:!?)'\"", s[end - 1]))
        end--;
    return end;
}

/* Within a URL u[0..n): breaks only after "/", ".", "?", "&" or "=", never
 * inside its "scheme://", nor at its end (the token's end decides). */
static void tailor_url(const char *u, size_t n, char *brk)
{
    const char *sep = memchr(u, ':', n);
    size_t body =
        sep && sep + 2 < u + n && sep[1] == '/' && sep[2] == '/' ? (size_t)(sep - u) + 3 : 0;
    for (size_t i = 0; i + 1 < n; i++) {
        char c = u[i];
        int after = i >= body && strchr("/.?&=", c) && u[i + 1] != '/';
        brk[i] = after ? RA_BREAK_ALLOW : RA_BREAK_NO;
    }
}

/* Within a token t[0..n) between spaces: keeps a short hyphen-joined one
 * whole, and applies the URL rule to URLs. */
static void tailor_token(const char *t, size_t n, char *brk)
{
    size_t url = ra_break_url(t, n);
    if (url > 0) {
        tailor_url(t, url, brk);
        return;
    }
    int hyphen = memchr(t, '-', n) != NULL;
    for (size_t i = 0; !hyphen && i + 2 < n; i++) /* U+2010 HYPHEN, U+2011 */
        hyphen = (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x80 &&
                 ((unsigned char)t[i + 2] == 0x90 || (unsigned char)t[i + 2] == 0x91);
    if (!hyphen || ra_utf8_count(t, n) > RA_BREAK_TOKEN_MAX)
        return;
    for (size_t i = 0; i + 1 < n; i++)
        if (brk[i] == RA_BREAK_ALLOW)
            brk[i] = RA_BREAK_NO;
}

void ra_break_find(const char *utf8, size_t len, const char *lang, char *brk)
{
    if (len == 0)
        return;
    set_linebreaks_utf8((const utf8_t *)utf8, len, lang, brk);
    for (size_t i = 0; i < len; i++)
        brk[i] = brk[i] == LINEBREAK_MUSTBREAK    ? RA_BREAK_MUST
                 : brk[i] == LINEBREAK_ALLOWBREAK ? RA_BREAK_ALLOW
                                                  : RA_BREAK_NO;
    /* The end of the text ends a line only when it is a line end. */
    char last = utf8[len - 1];
    if (last != '\n' && last != '\r' && brk[len - 1] == RA_BREAK_MUST)
        brk[len - 1] = RA_BREAK_NO;
    for (size_t i = 0; i < len;) {
        if (is_space(utf8[i])) {
            i++;
            continue;
        }
        size_t end = i;
        while (end < len && !is_space(utf8[end]))
            end++;
        tailor_token(utf8 + i, end - i, brk + i);
        i = end;
    }
}

/* --- Hyphenation --- */

struct ra_hyph_dict {
    char *file;
    HyphenDict *dict;
};

/* The dictionaries ra_hyph_file can name; each is loaded at most once and
 * stays where it is, so a pointer handed out stays good until ra_hyph_free. */
#define HYPH_FILES 2

struct ra_hyph {
    char *dir;
    ra_hyph_dict_t dicts[HYPH_FILES];
    size_t n;
};

ra_status_t ra_hyph_new(const char *dir, ra_hyph_t **out)
{
    *out = NULL;
    ra_hyph_t *h = calloc(1, sizeof *h);
    if (!h)
        return RA_ERR_NOMEM;
    h->dir = strdup(dir ? dir : RA_HYPH_DIR);
    if (!h->dir) {
        free(h);
        return RA_ERR_NOMEM;
    }
    *out = h;
    return RA_OK;
}

void ra_hyph_free(ra_hyph_t *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++) {
        hnj_hyphen_free(h->dicts[i].dict);
        free(h->dicts[i].file);
    }
    free(h->dir);
    free(h);
}

const char *ra_hyph_file(const char *lang)
{
    if (!lang)
        return NULL;
    char primary[4] = {0};
    size_t i = 0;
    for (; lang[i] && lang[i] != '-' && lang[i] != '_'; i++) {
        if (i >= 3)
            return NULL;
        char c = lang[i];
        primary[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    if (strcmp(primary, "en") == 0)
        return "hyph_en_US.dic";
    if (strcmp(primary, "de") == 0)
        return "hyph_de_DE.dic";
    return NULL;
}

ra_status_t ra_hyph_dict(ra_hyph_t *h, const char *lang, const ra_hyph_dict_t **dict)
{
    *dict = NULL;
    const char *file = ra_hyph_file(lang);
    if (!file)
        return RA_OK;
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->dicts[i].file, file) == 0) {
            *dict = &h->dicts[i];
            return RA_OK;
        }
    ra_status_t st = RA_ERR_NOMEM;
    ra_buf_t path = RA_BUF_INIT;
    char *name = NULL;
    if (h->n >= HYPH_FILES) /* ra_hyph_file names no more files than this */
        goto fail;
    if ((name = strdup(file)) == NULL || ra_buf_printf(&path, "%s/%s", h->dir, file) != RA_OK)
        goto fail;
    HyphenDict *d = hnj_hyphen_load(ra_buf_str(&path));
    if (!d) {
        st = RA_ERR_IO;
        goto fail;
    }
    h->dicts[h->n] = (ra_hyph_dict_t){name, d};
    *dict = &h->dicts[h->n++];
    ra_buf_free(&path);
    return RA_OK;
fail:
    free(name);
    ra_buf_free(&path);
    return st;
}

/* Returns 1 for a letter that hyphenation applies to: ASCII letters and
 * letters from U+00C0 on (not U+00D7, U+00F7). */
static int hyph_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && cp != RA_UTF8_INVALID);
}

/* Lower case for the dictionary: ASCII and Latin-1 capitals. */
static uint32_t hyph_lower(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
        return cp + 0x20;
    return cp;
}

/* Sets the points of one run of letters word[0..len) (pts already 0). */
static void hyph_word(const ra_hyph_dict_t *d, const char *word, size_t len, char *pts)
{
    /* The word as the dictionary spells it (UTF-8 or Latin-1, lower case),
     * and the byte of word that ends each of its characters. */
    char w[HYPH_WORD_MAX * 4 + 1], hy[HYPH_WORD_MAX * 4 + 5];
    size_t ends[HYPH_WORD_MAX * 4], nw = 0, nchars = 0;
    for (size_t pos = 0; pos < len;) {
        uint32_t cp = ra_utf8_decode(word, len, &pos);
        if (!hyph_letter(cp) || nchars >= HYPH_WORD_MAX)
            return;
        cp = hyph_lower(cp);
        nchars++;
        if (d->dict->utf8) {
            char enc[4];
            size_t k = ra_utf8_encode(cp, enc);
            for (size_t j = 0; j < k; j++) {
                ends[nw] = j + 1 == k ? pos - 1 : SIZE_MAX;
                w[nw++] = enc[j];
            }
        } else {
            if (cp > 0xFF)
                return;
            ends[nw] = pos - 1;
            w[nw++] = (char)cp;
        }
    }
    if (nchars < HYPH_LEFT + HYPH_RIGHT)
        return;
    w[nw] = '\0';
    char **rep = NULL;
    int *rpos = NULL, *cut = NULL;
    if (hnj_hyphen_hyphenate3(d->dict, w, (int)nw, hy, NULL, &rep, &rpos, &cut, HYPH_LEFT,
                              HYPH_RIGHT, HYPH_LEFT, HYPH_RIGHT) != 0)
        return;
    /* A point that needs a spelling change (old German "ck") is left out. */
    for (size_t i = 0; i + 1 < nw; i++)
        if ((hy[i] & 1) && ends[i] != SIZE_MAX && !(rep && rep[i]))
            pts[ends[i]] = 1;
    if (rep) {
        for (size_t i = 0; i < nw; i++)
            free(rep[i]);
        free(rep);
        free(rpos);
        free(cut);
    }
}

void ra_hyph_points(const ra_hyph_dict_t *d, const char *text, size_t len, char *pts)
{
    memset(pts, 0, len);
    if (!d)
        return;
    /* Runs of letters; a run next to a digit (an id, a digest) is skipped. */
    size_t pos = 0;
    int after_digit = 0;
    while (pos < len) {
        size_t start = pos;
        uint32_t cp = ra_utf8_decode(text, len, &pos);
        if (!hyph_letter(cp)) {
            after_digit = cp >= '0' && cp <= '9';
            continue;
        }
        size_t end = pos;
        uint32_t next = 0;
        while (end < len) {
            size_t at = end;
            next = ra_utf8_decode(text, len, &end);
            if (!hyph_letter(next)) {
                end = at;
                break;
            }
            next = 0;
        }
        if (!after_digit && !(next >= '0' && next <= '9'))
            hyph_word(d, text + start, end - start, pts + start);
        pos = end;
        after_digit = 0;
    }
}
