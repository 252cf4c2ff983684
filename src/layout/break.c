/* break.c - line break opportunities (UAX #14 via libunibreak, tailored for
 * report text) and hyphenation points (libhyphen dictionaries). */
#include "layout/break.h"

#include <errno.h>
#include <hyphen.h>
#include <linebreak.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/hash.h"
#include "base/io.h"
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

int ra_break_engine_version(void)
{
    return linebreak_version;
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

#define HYPH_LIST_MAX (64u * 1024)        /* bytes of a dictionary list */
#define HYPH_PINS_MAX 16                  /* dictionaries a list may name */
#define HYPH_DICT_MAX (16u * 1024 * 1024) /* bytes of a dictionary (German's is about 1 MiB) */

struct ra_hyph_dict {
    char *file;
    HyphenDict *dict;
};

/* A line of the dictionary list: a file name and the digest its bytes must have. */
typedef struct {
    const char *file; /* points into the list's text */
    unsigned char sha256[32];
} pin_t;

/* The dictionaries ra_hyph_file can name; each is loaded at most once and
 * stays where it is, so a pointer handed out stays good until ra_hyph_free. */
#define HYPH_FILES 2

struct ra_hyph {
    char *dir, *list;
    ra_hyph_dict_t dicts[HYPH_FILES];
    size_t n;
    /* The list, once read: its text (cut into names), digest and lines. */
    int list_read;
    ra_buf_t list_text;
    unsigned char list_sha256[32];
    pin_t pins[HYPH_PINS_MAX];
    size_t npins;
    ra_buf_t err; /* why the last call that failed did */
};

ra_status_t ra_hyph_new(const char *dir, const char *list, ra_hyph_t **out)
{
    *out = NULL;
    ra_hyph_t *h = calloc(1, sizeof *h);
    if (!h)
        return RA_ERR_NOMEM;
    h->dir = strdup(dir ? dir : RA_HYPH_DIR);
    h->list = strdup(list ? list : RA_HYPH_LIST);
    if (!h->dir || !h->list) {
        ra_hyph_free(h);
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
    ra_buf_free(&h->list_text);
    ra_buf_free(&h->err);
    free(h->dir);
    free(h->list);
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

const char *ra_hyph_error(const ra_hyph_t *h)
{
    return ra_buf_str(&h->err);
}

/* A sink that keeps the message of the last error (ra_read_file's). */
static void keep_message(void *ctx, const ra_diag_t *d)
{
    ra_buf_t *b = ctx;
    ra_buf_clear(b);
    ra_buf_puts(b, d->message);
}

/* Reads path (at most max bytes) into data; on failure puts what went
 * wrong ("cannot open: No such file or directory") in why. */
static ra_status_t read_bytes(const char *path, size_t max, ra_buf_t *data, ra_buf_t *why)
{
    ra_diag_sink_t sink = {.fn = keep_message, .ctx = why};
    ra_status_t st = ra_read_file(path, max, data, &sink);
    if (st == RA_ERR_LIMIT)
        st = RA_ERR_IO;
    return st;
}

/* Reads h's list once: its digest, then each "SHA-256 FILE" line. */
static ra_status_t list_read(ra_hyph_t *h)
{
    if (h->list_read)
        return RA_OK;
    ra_buf_t why = RA_BUF_INIT;
    ra_buf_clear(&h->list_text);
    h->npins = 0;
    ra_status_t st = read_bytes(h->list, HYPH_LIST_MAX, &h->list_text, &why);
    if (st == RA_ERR_IO)
        ra_buf_printf(&h->err, "cannot read the hyphenation dictionary list %s: %s", h->list,
                      ra_buf_str(&why));
    ra_buf_free(&why);
    if (st != RA_OK)
        return st;
    ra_sha256(h->list_text.data, h->list_text.len, h->list_sha256);
    long line = 0;
    char *f[3];
    size_t pos = 0;
    for (int nf;
         (nf = ra_text_line_fields(h->list_text.data, h->list_text.len, &pos, f, 3)) >= 0;) {
        line++;
        if (nf == 0 || f[0][0] == '#')
            continue;
        pin_t pin = {0};
        if (nf != 2 || ra_unhex(f[0], pin.sha256, 32) != 0 || strchr(f[1], '/')) {
            ra_buf_printf(&h->err,
                          "%s:%ld: expected SHA-256 FILE (64 lowercase hex digits, then the "
                          "name of a file of the dictionary directory)",
                          h->list, line);
            return RA_ERR_IO;
        }
        pin.file = f[1];
        for (size_t i = 0; i < h->npins; i++)
            if (strcmp(h->pins[i].file, pin.file) == 0) {
                ra_buf_printf(&h->err, "%s:%ld: %s is listed twice", h->list, line, pin.file);
                return RA_ERR_IO;
            }
        if (h->npins == HYPH_PINS_MAX) {
            ra_buf_printf(&h->err, "%s:%ld: more than %d dictionaries", h->list, line,
                          HYPH_PINS_MAX);
            return RA_ERR_IO;
        }
        h->pins[h->npins++] = pin;
    }
    h->list_read = 1;
    return RA_OK;
}

ra_status_t ra_hyph_sha256(ra_hyph_t *h, unsigned char out[32])
{
    ra_buf_clear(&h->err);
    ra_status_t st = list_read(h);
    if (st == RA_OK)
        memcpy(out, h->list_sha256, 32);
    return ra_buf_failed(&h->err) ? RA_ERR_NOMEM : st;
}

/* Loads the dictionary file of h's directory, once its bytes are the ones the
 * list pins: libhyphen reads the bytes that were checked, not the file
 * again, so a file replaced in between cannot slip through. */
static ra_status_t dict_load(ra_hyph_t *h, const char *file, HyphenDict **out)
{
    *out = NULL;
    ra_status_t st = list_read(h);
    if (st != RA_OK)
        return st;
    ra_buf_t path = RA_BUF_INIT, data = RA_BUF_INIT, why = RA_BUF_INIT;
    const pin_t *pin = NULL;
    for (size_t i = 0; i < h->npins && !pin; i++)
        if (strcmp(h->pins[i].file, file) == 0)
            pin = &h->pins[i];
    if ((st = ra_buf_printf(&path, "%s/%s", h->dir, file)) != RA_OK)
        goto done;
    if (!pin) {
        ra_buf_printf(&h->err, "cannot use the hyphenation dictionary %s: %s does not list it",
                      ra_buf_str(&path), h->list);
        st = RA_ERR_IO;
        goto done;
    }
    if ((st = read_bytes(ra_buf_str(&path), HYPH_DICT_MAX, &data, &why)) != RA_OK) {
        if (st == RA_ERR_IO)
            ra_buf_printf(&h->err,
                          "cannot use the hyphenation dictionary %s: %s (Debian packages "
                          "hyphen-en-us, hyphen-de)",
                          ra_buf_str(&path), ra_buf_str(&why));
        goto done;
    }
    unsigned char d[32];
    ra_sha256(data.data, data.len, d);
    if (memcmp(d, pin->sha256, 32) != 0) {
        char got[65], want[65];
        ra_hex(d, 32, got);
        ra_hex(pin->sha256, 32, want);
        ra_buf_printf(&h->err,
                      "cannot use the hyphenation dictionary %s: its SHA-256 is %s, not %s, "
                      "the one %s lists",
                      ra_buf_str(&path), got, want, h->list);
        st = RA_ERR_IO;
        goto done;
    }
    FILE *f = data.len ? fmemopen(data.data, data.len, "r") : NULL;
    if (!f) {
        st = data.len && errno == ENOMEM ? RA_ERR_NOMEM : RA_ERR_IO;
        if (st == RA_ERR_IO)
            ra_buf_printf(&h->err, "cannot use the hyphenation dictionary %s: it is empty",
                          ra_buf_str(&path));
        goto done;
    }
    *out = hnj_hyphen_load_file(f);
    fclose(f);
    /* The bytes are the ones the list pins, so they are a dictionary: a
     * failure here is libhyphen's memory. */
    st = *out ? RA_OK : RA_ERR_NOMEM;
done:
    ra_buf_free(&path);
    ra_buf_free(&data);
    ra_buf_free(&why);
    return st;
}

ra_status_t ra_hyph_dict(ra_hyph_t *h, const char *lang, const ra_hyph_dict_t **dict)
{
    *dict = NULL;
    ra_buf_clear(&h->err);
    const char *file = ra_hyph_file(lang);
    if (!file)
        return RA_OK;
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->dicts[i].file, file) == 0) {
            *dict = &h->dicts[i];
            return RA_OK;
        }
    if (h->n >= HYPH_FILES) /* ra_hyph_file names no more files than this */
        return RA_ERR_NOMEM;
    char *name = strdup(file);
    if (!name)
        return RA_ERR_NOMEM;
    HyphenDict *d;
    ra_status_t st = dict_load(h, file, &d);
    if (st != RA_OK) {
        free(name);
        return ra_buf_failed(&h->err) ? RA_ERR_NOMEM : st;
    }
    h->dicts[h->n] = (ra_hyph_dict_t){name, d};
    *dict = &h->dicts[h->n++];
    return RA_OK;
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
