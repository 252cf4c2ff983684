/* pdfread.c - revisions, cross-reference tables and objects of a PDF, read
 * forward once, each step bounded by the file and the limits of pdfread.h. */
#include "seal/pdfread.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

/* One entry of the index over every revision's entries. */
typedef struct {
    unsigned num;
    unsigned rev;
    const ra_pdfxref_t *e;
} indexed_t;

struct ra_pdfdoc {
    const char *data;
    size_t len;
    ra_arena_t arena;
    ra_pdfrev_t *revs;
    size_t nrevs;
    indexed_t *index; /* every entry, by object number then revision */
    size_t nindex;
};

static int indexed_cmp(const void *a, const void *b)
{
    const indexed_t *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return x->rev < y->rev ? -1 : x->rev > y->rev;
}

/* The parsing position and where failures are described. */
typedef struct {
    ra_pdfdoc_t *doc;
    const char *p; /* data */
    size_t len, pos;
    char *why;
    bool nomem;
} lex_t;

static void say(char why[256], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(char why[256], const char *fmt, ...)
{
    if (!why || why[0])
        return; /* the first reason is the one that counts */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, 256, fmt, ap);
    va_end(ap);
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(char c)
{
    return strchr("()<>[]{}/%", c) != NULL && c != '\0';
}

static bool is_regular(char c)
{
    return !is_ws(c) && !is_delim(c);
}

static void skip_ws(lex_t *lx)
{
    while (lx->pos < lx->len) {
        char c = lx->p[lx->pos];
        if (is_ws(c)) {
            lx->pos++;
        } else if (c == '%') {
            while (lx->pos < lx->len && lx->p[lx->pos] != '\n' && lx->p[lx->pos] != '\r')
                lx->pos++;
        } else {
            break;
        }
    }
}

/* Does the keyword kw stand at the position, as a whole token? */
static bool at_keyword(const lex_t *lx, const char *kw)
{
    size_t n = strlen(kw);
    return lx->pos + n <= lx->len && memcmp(lx->p + lx->pos, kw, n) == 0 &&
           (lx->pos + n == lx->len || !is_regular(lx->p[lx->pos + n]));
}

static ra_pdfv_t *new_value(lex_t *lx, ra_pdfv_kind_t kind, size_t start)
{
    ra_pdfv_t *v = ra_arena_alloc(&lx->doc->arena, sizeof *v);
    if (!v) {
        lx->nomem = true;
        return NULL;
    }
    v->kind = kind;
    v->start = start;
    v->s = "";
    return v;
}

/* Reads an unsigned integer token; false when there is none. */
static bool read_uint(lex_t *lx, unsigned long long max, unsigned long long *out)
{
    size_t q = lx->pos;
    unsigned long long v = 0;
    while (q < lx->len && lx->p[q] >= '0' && lx->p[q] <= '9') {
        v = v * 10 + (unsigned)(lx->p[q] - '0');
        if (v > max)
            return false;
        q++;
    }
    if (q == lx->pos || (q < lx->len && is_regular(lx->p[q])))
        return false;
    lx->pos = q;
    *out = v;
    return true;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static ra_pdfv_t *parse_value(lex_t *lx, int depth);

/* A literal string "(...)", a hex string "<...>" or a name "/..." into v->s. */
static bool parse_text(lex_t *lx, ra_pdfv_t *v)
{
    ra_buf_t b = RA_BUF_INIT;
    char c = lx->p[lx->pos++];
    bool ok = false;
    if (c == '/') {
        while (lx->pos < lx->len && is_regular(lx->p[lx->pos])) {
            char d = lx->p[lx->pos++];
            if (d == '#' && lx->pos + 1 < lx->len && hexval(lx->p[lx->pos]) >= 0 &&
                hexval(lx->p[lx->pos + 1]) >= 0) {
                d = (char)(hexval(lx->p[lx->pos]) * 16 + hexval(lx->p[lx->pos + 1]));
                lx->pos += 2;
            }
            ra_buf_putc(&b, d);
        }
        ok = true;
    } else if (c == '<') {
        int hi = -1;
        while (lx->pos < lx->len && lx->p[lx->pos] != '>') {
            char d = lx->p[lx->pos++];
            if (is_ws(d))
                continue;
            int h = hexval(d);
            if (h < 0) {
                say(lx->why, "a hex string at offset %zu holds '%c'", v->start, d);
                goto done;
            }
            if (hi < 0) {
                hi = h;
            } else {
                ra_buf_putc(&b, (char)(hi * 16 + h));
                hi = -1;
            }
        }
        if (lx->pos >= lx->len) {
            say(lx->why, "a hex string at offset %zu does not end", v->start);
            goto done;
        }
        lx->pos++;
        if (hi >= 0)
            ra_buf_putc(&b, (char)(hi * 16));
        v->hex = true;
        ok = true;
    } else {
        int nest = 1;
        while (lx->pos < lx->len) {
            char d = lx->p[lx->pos++];
            if (d == '(') {
                nest++;
            } else if (d == ')') {
                if (--nest == 0)
                    break;
            } else if (d == '\\' && lx->pos < lx->len) {
                char e = lx->p[lx->pos++];
                const char *from = "nrtbf", *to = "\n\r\t\b\f";
                const char *k = strchr(from, e);
                if (k && e) {
                    d = to[k - from];
                } else if (e >= '0' && e <= '7') {
                    int o = e - '0';
                    for (int i = 0; i < 2 && lx->pos < lx->len && lx->p[lx->pos] >= '0' &&
                                    lx->p[lx->pos] <= '7';
                         i++)
                        o = o * 8 + (lx->p[lx->pos++] - '0');
                    d = (char)o;
                } else if (e == '\r' || e == '\n') {
                    if (e == '\r' && lx->pos < lx->len && lx->p[lx->pos] == '\n')
                        lx->pos++;
                    continue;
                } else {
                    d = e;
                }
            }
            ra_buf_putc(&b, d);
        }
        if (nest != 0) {
            say(lx->why, "a string at offset %zu does not end", v->start);
            goto done;
        }
        ok = true;
    }
done:
    if (ok && ra_buf_failed(&b)) {
        lx->nomem = true;
        ok = false;
    }
    if (ok) {
        v->len = b.len;
        v->s = ra_arena_strndup(&lx->doc->arena, b.data ? b.data : "", b.len);
        if (!v->s) {
            lx->nomem = true;
            ok = false;
        }
    }
    ra_buf_free(&b);
    return ok;
}

/* A number: an integer, or a real with a '.'. */
static bool parse_number(lex_t *lx, ra_pdfv_t *v)
{
    size_t q = lx->pos;
    bool neg = false, dot = false, digits = false;
    if (q < lx->len && (lx->p[q] == '+' || lx->p[q] == '-'))
        neg = lx->p[q++] == '-';
    long long whole = 0;
    double real = 0, scale = 1;
    for (; q < lx->len; q++) {
        char c = lx->p[q];
        if (c == '.' && !dot) {
            dot = true;
        } else if (c >= '0' && c <= '9') {
            digits = true;
            if (dot) {
                scale /= 10;
                real += (c - '0') * scale;
            } else {
                if (whole > 100000000000000000LL) {
                    say(lx->why, "a number at offset %zu is too large", v->start);
                    return false;
                }
                whole = whole * 10 + (c - '0');
            }
        } else {
            break;
        }
    }
    if (!digits || (q < lx->len && is_regular(lx->p[q]))) {
        say(lx->why, "unexpected '%.*s' at offset %zu",
            (int)(q - lx->pos + 1 < 16 ? q - lx->pos + 1 : 16), lx->p + lx->pos, v->start);
        return false;
    }
    lx->pos = q;
    v->kind = dot ? RA_PDFV_REAL : RA_PDFV_INT;
    v->num = neg ? -whole : whole;
    v->real = (neg ? -1 : 1) * ((double)whole + real);
    return true;
}

/* Items of an array (until ']') or a dictionary (until '>>'). */
static bool parse_items(lex_t *lx, ra_pdfv_t *v, int depth)
{
    bool dict = v->kind == RA_PDFV_DICT;
    size_t cap = 0, n = 0;
    ra_pdfv_t **items = NULL;
    const char **keys = NULL;
    bool ok = false;
    for (;;) {
        skip_ws(lx);
        if (lx->pos >= lx->len) {
            say(lx->why, "%s at offset %zu does not end", dict ? "a dictionary" : "an array",
                v->start);
            goto done;
        }
        if (!dict && lx->p[lx->pos] == ']') {
            lx->pos++;
            break;
        }
        if (dict && lx->p[lx->pos] == '>') {
            if (lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '>') {
                lx->pos += 2;
                break;
            }
            say(lx->why, "a dictionary at offset %zu has a stray '>'", v->start);
            goto done;
        }
        if (n == cap) {
            if (n >= RA_PDFREAD_MAX_ITEMS) {
                say(lx->why, "%s at offset %zu has more than %d entries",
                    dict ? "a dictionary" : "an array", v->start, RA_PDFREAD_MAX_ITEMS);
                goto done;
            }
            cap = cap ? cap * 2 : 8;
            ra_pdfv_t **ni = realloc(items, cap * sizeof *ni);
            if (ni)
                items = ni;
            const char **nk = dict ? realloc(keys, cap * sizeof *nk) : NULL;
            if (nk)
                keys = nk;
            if (!ni || (dict && !nk)) {
                lx->nomem = true;
                goto done;
            }
        }
        if (dict) {
            if (lx->p[lx->pos] != '/') {
                say(lx->why, "a dictionary at offset %zu has a key that is not a name (offset %zu)",
                    v->start, lx->pos);
                goto done;
            }
            ra_pdfv_t key = {.start = lx->pos};
            if (!parse_text(lx, &key))
                goto done;
            keys[n] = key.s;
            skip_ws(lx);
        }
        ra_pdfv_t *item = parse_value(lx, depth + 1);
        if (!item)
            goto done;
        items[n++] = item;
    }
    v->n = n;
    v->items = ra_arena_alloc(&lx->doc->arena, (n ? n : 1) * sizeof *v->items);
    v->keys = dict ? ra_arena_alloc(&lx->doc->arena, (n ? n : 1) * sizeof *v->keys) : NULL;
    if (!v->items || (dict && !v->keys)) {
        lx->nomem = true;
        goto done;
    }
    if (n)
        memcpy(v->items, items, n * sizeof *items);
    if (dict && n)
        memcpy(v->keys, keys, n * sizeof *keys);
    ok = true;
done:
    free(items);
    free(keys);
    return ok;
}

/* One value at the position (after white space); NULL on failure. */
static ra_pdfv_t *parse_value(lex_t *lx, int depth)
{
    skip_ws(lx);
    if (lx->pos >= lx->len) {
        say(lx->why, "the file ends where a value was expected");
        return NULL;
    }
    if (depth > RA_PDFREAD_MAX_DEPTH) {
        say(lx->why, "values nest deeper than %d at offset %zu", RA_PDFREAD_MAX_DEPTH, lx->pos);
        return NULL;
    }
    size_t start = lx->pos;
    char c = lx->p[lx->pos];
    ra_pdfv_t *v = new_value(lx, RA_PDFV_NULL, start);
    if (!v)
        return NULL;
    bool ok;
    if (c == '/') {
        v->kind = RA_PDFV_NAME;
        ok = parse_text(lx, v);
    } else if (c == '(') {
        v->kind = RA_PDFV_STRING;
        ok = parse_text(lx, v);
    } else if (c == '<' && lx->pos + 1 < lx->len && lx->p[lx->pos + 1] == '<') {
        lx->pos += 2;
        v->kind = RA_PDFV_DICT;
        ok = parse_items(lx, v, depth);
    } else if (c == '<') {
        v->kind = RA_PDFV_STRING;
        ok = parse_text(lx, v);
    } else if (c == '[') {
        lx->pos++;
        v->kind = RA_PDFV_ARRAY;
        ok = parse_items(lx, v, depth);
    } else if (at_keyword(lx, "true") || at_keyword(lx, "false")) {
        v->kind = RA_PDFV_BOOL;
        v->b = c == 't';
        lx->pos += v->b ? 4 : 5;
        ok = true;
    } else if (at_keyword(lx, "null")) {
        lx->pos += 4;
        ok = true;
    } else {
        ok = parse_number(lx, v);
        /* "N G R" is a reference. */
        if (ok && v->kind == RA_PDFV_INT && v->num >= 0) {
            size_t save = lx->pos;
            unsigned long long gen;
            skip_ws(lx);
            if (read_uint(lx, 65535, &gen)) {
                skip_ws(lx);
                if (at_keyword(lx, "R") && v->num <= RA_PDFREAD_MAX_OBJECTS) {
                    lx->pos++;
                    v->kind = RA_PDFV_REF;
                    v->gen = (unsigned)gen;
                } else {
                    lx->pos = save;
                }
            } else {
                lx->pos = save;
            }
        }
    }
    if (!ok)
        return NULL;
    v->end = lx->pos;
    return v;
}

/* ------------------------------------------------------------ revisions */

static int entry_cmp(const void *a, const void *b)
{
    const ra_pdfxref_t *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

/* Reads the cross-reference section at off, its trailer and the
 * "startxref OFF %%EOF" after it, into rev. */
static ra_status_t read_section(ra_pdfdoc_t *doc, size_t off, ra_pdfrev_t *rev, char *why)
{
    lex_t lx = {.doc = doc, .p = doc->data, .len = doc->len, .pos = off, .why = why};
    if (!at_keyword(&lx, "xref")) {
        unsigned long long num, gen;
        if (read_uint(&lx, RA_PDFREAD_MAX_OBJECTS, &num) && (skip_ws(&lx), 1) &&
            read_uint(&lx, 65535, &gen) && (skip_ws(&lx), at_keyword(&lx, "obj")))
            say(why,
                "offset %zu holds a cross-reference stream (object %llu), which readyaudit does "
                "not read and PDF/A-1 forbids",
                off, num);
        else
            say(why, "no cross-reference table at offset %zu", off);
        return RA_ERR_INVALID;
    }
    lx.pos += 4;
    size_t cap = 0;
    rev->xref = off;
    for (;;) {
        skip_ws(&lx);
        if (at_keyword(&lx, "trailer"))
            break;
        unsigned long long first, count;
        if (!read_uint(&lx, RA_PDFREAD_MAX_OBJECTS, &first) || (skip_ws(&lx), 0) ||
            !read_uint(&lx, RA_PDFREAD_MAX_OBJECTS, &count) ||
            first + count > RA_PDFREAD_MAX_OBJECTS + 1) {
            say(why, "the cross-reference table at offset %zu is damaged near offset %zu", off,
                lx.pos);
            return RA_ERR_INVALID;
        }
        while (lx.pos < lx.len &&
               (lx.p[lx.pos] == ' ' || lx.p[lx.pos] == '\r' || lx.p[lx.pos] == '\n'))
            lx.pos++;
        /* Entries are 20 bytes each: "OOOOOOOOOO GGGGG n\r\n". */
        if (count > (lx.len - lx.pos) / 20) {
            say(why,
                "the cross-reference table at offset %zu lists more entries than the file holds",
                off);
            return RA_ERR_INVALID;
        }
        for (unsigned long long k = 0; k < count; k++) {
            const char *e = lx.p + lx.pos;
            bool good = e[10] == ' ' && e[16] == ' ' && (e[17] == 'n' || e[17] == 'f') &&
                        is_ws(e[18]) && is_ws(e[19]);
            size_t o = 0;
            unsigned g = 0;
            for (int i = 0; good && i < 10; i++)
                good = e[i] >= '0' && e[i] <= '9', o = o * 10 + (size_t)(e[i] - '0');
            for (int i = 11; good && i < 16; i++)
                good = e[i] >= '0' && e[i] <= '9', g = g * 10 + (unsigned)(e[i] - '0');
            if (!good) {
                say(why, "the cross-reference entry at offset %zu is damaged", lx.pos);
                return RA_ERR_INVALID;
            }
            if (rev->n == cap) {
                cap = cap ? cap * 2 : 64;
                ra_pdfxref_t *ni = realloc(rev->items, cap * sizeof *ni);
                if (!ni)
                    return RA_ERR_NOMEM;
                rev->items = ni;
            }
            bool used = e[17] == 'n';
            if (used && (o >= off || o < 8)) {
                say(why, "object %llu's cross-reference entry points outside the file's objects",
                    first + k);
                return RA_ERR_INVALID;
            }
            rev->items[rev->n++] = (ra_pdfxref_t){(unsigned)(first + k), g, o, used};
            lx.pos += 20;
        }
    }
    lx.pos += 7;
    rev->trailer = parse_value(&lx, 0);
    if (lx.nomem)
        return RA_ERR_NOMEM;
    if (!rev->trailer || rev->trailer->kind != RA_PDFV_DICT) {
        say(why, "the trailer at offset %zu is damaged", lx.pos);
        return RA_ERR_INVALID;
    }
    skip_ws(&lx);
    unsigned long long sx;
    if (!at_keyword(&lx, "startxref") || (lx.pos += 9, skip_ws(&lx), 0) ||
        !read_uint(&lx, lx.len, &sx) || sx != off) {
        say(why, "the trailer at offset %zu is not followed by 'startxref %zu'",
            rev->trailer->start, off);
        return RA_ERR_INVALID;
    }
    while (lx.pos < lx.len && is_ws(lx.p[lx.pos]) && lx.p[lx.pos] != '\0')
        lx.pos++;
    if (lx.pos + 5 > lx.len || memcmp(lx.p + lx.pos, "%%EOF", 5) != 0) {
        say(why, "no %%%%EOF after the cross-reference table at offset %zu", off);
        return RA_ERR_INVALID;
    }
    lx.pos += 5;
    if (lx.pos < lx.len && lx.p[lx.pos] == '\r')
        lx.pos++;
    if (lx.pos < lx.len && lx.p[lx.pos] == '\n')
        lx.pos++;
    rev->end = lx.pos;
    if (rev->n)
        qsort(rev->items, rev->n, sizeof *rev->items, entry_cmp);
    for (size_t i = 1; i < rev->n; i++)
        if (rev->items[i].num == rev->items[i - 1].num) {
            say(why, "the cross-reference table at offset %zu lists object %u twice", off,
                rev->items[i].num);
            return RA_ERR_INVALID;
        }
    if (ra_pdfv_get(rev->trailer, "XRefStm")) {
        say(why,
            "the trailer at offset %zu names a cross-reference stream (/XRefStm), which "
            "readyaudit does not read and PDF/A-1 forbids",
            rev->trailer->start);
        return RA_ERR_INVALID;
    }
    return RA_OK;
}

ra_status_t ra_pdfdoc_open(const char *data, size_t len, ra_pdfdoc_t **out, char why[256])
{
    why[0] = '\0';
    *out = NULL;
    if (len < 16 || memcmp(data, "%PDF-", 5) != 0) {
        say(why, "not a PDF: it does not start with %%PDF-");
        return RA_ERR_INVALID;
    }
    ra_pdfdoc_t *doc = calloc(1, sizeof *doc);
    if (!doc)
        return RA_ERR_NOMEM;
    doc->data = data;
    doc->len = len;
    ra_status_t st = RA_OK;
    /* The last "startxref" in the file's last KiB gives the newest section. */
    size_t from = len > 1024 ? len - 1024 : 0, sx = 0;
    bool found = false;
    for (size_t i = from; i + 9 <= len; i++)
        if (memcmp(data + i, "startxref", 9) == 0) {
            sx = i;
            found = true;
        }
    lex_t lx = {.doc = doc, .p = data, .len = len, .pos = sx + 9, .why = why};
    unsigned long long off = 0;
    if (!found || (skip_ws(&lx), !read_uint(&lx, len, &off))) {
        say(why, "incomplete or damaged: no 'startxref' at the end of the file");
        st = RA_ERR_INVALID;
        goto fail;
    }
    size_t cap = 0;
    for (;;) {
        if (doc->nrevs == RA_PDFREAD_MAX_REVISIONS) {
            say(why, "more than %d revisions", RA_PDFREAD_MAX_REVISIONS);
            st = RA_ERR_INVALID;
            goto fail;
        }
        if (doc->nrevs == cap) {
            cap = cap ? cap * 2 : 4;
            ra_pdfrev_t *nr = realloc(doc->revs, cap * sizeof *nr);
            if (!nr) {
                st = RA_ERR_NOMEM;
                goto fail;
            }
            doc->revs = nr;
        }
        ra_pdfrev_t *rev = &doc->revs[doc->nrevs++];
        memset(rev, 0, sizeof *rev);
        if ((st = read_section(doc, (size_t)off, rev, why)) != RA_OK)
            goto fail;
        ra_pdfv_t *prev = ra_pdfv_get(rev->trailer, "Prev");
        if (!prev)
            break;
        /* Each /Prev points strictly back: the chain ends, and reads each byte once. */
        if (prev->kind != RA_PDFV_INT || prev->num < 0 || (unsigned long long)prev->num >= off) {
            say(why, "the trailer at offset %zu has a /Prev that does not point back",
                rev->trailer->start);
            st = RA_ERR_INVALID;
            goto fail;
        }
        off = (unsigned long long)prev->num;
    }
    /* File order, the original first. */
    for (size_t i = 0; i < doc->nrevs / 2; i++) {
        ra_pdfrev_t t = doc->revs[i];
        doc->revs[i] = doc->revs[doc->nrevs - 1 - i];
        doc->revs[doc->nrevs - 1 - i] = t;
    }
    for (size_t i = 0; i < doc->nrevs; i++) {
        ra_pdfrev_t *r = &doc->revs[i];
        r->start = i ? doc->revs[i - 1].end : 0;
        if (r->xref < r->start) {
            say(why, "revision %zu's cross-reference table (offset %zu) lies inside revision %zu",
                i + 1, r->xref, i);
            st = RA_ERR_INVALID;
            goto fail;
        }
        for (size_t k = 0; k < r->n; k++)
            if (r->items[k].in_use && r->items[k].offset < r->start) {
                say(why, "object %u of revision %zu lies at offset %zu, inside an earlier revision",
                    r->items[k].num, i + 1, r->items[k].offset);
                st = RA_ERR_INVALID;
                goto fail;
            }
    }
    /* One index over all entries, so that finding an object as of a
     * revision costs a binary search however many revisions there are. */
    for (size_t i = 0; i < doc->nrevs; i++)
        doc->nindex += doc->revs[i].n;
    doc->index = malloc((doc->nindex ? doc->nindex : 1) * sizeof *doc->index);
    if (!doc->index) {
        st = RA_ERR_NOMEM;
        goto fail;
    }
    size_t k = 0;
    for (size_t i = 0; i < doc->nrevs; i++)
        for (size_t j = 0; j < doc->revs[i].n; j++)
            doc->index[k++] =
                (indexed_t){doc->revs[i].items[j].num, (unsigned)i, &doc->revs[i].items[j]};
    if (doc->nindex)
        qsort(doc->index, doc->nindex, sizeof *doc->index, indexed_cmp);
    if (doc->revs[doc->nrevs - 1].end != len) {
        say(why, "damaged: %zu bytes follow the last %%%%EOF", len - doc->revs[doc->nrevs - 1].end);
        st = RA_ERR_INVALID;
        goto fail;
    }
    *out = doc;
    return RA_OK;
fail:
    if (lx.nomem)
        st = RA_ERR_NOMEM;
    ra_pdfdoc_free(doc);
    return st;
}

void ra_pdfdoc_free(ra_pdfdoc_t *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->nrevs; i++)
        free(doc->revs[i].items);
    free(doc->revs);
    free(doc->index);
    ra_arena_free(&doc->arena);
    free(doc);
}

size_t ra_pdfdoc_nrevisions(const ra_pdfdoc_t *doc)
{
    return doc->nrevs;
}

const ra_pdfrev_t *ra_pdfdoc_revision(const ra_pdfdoc_t *doc, size_t i)
{
    return i < doc->nrevs ? &doc->revs[i] : NULL;
}

const char *ra_pdfdoc_data(const ra_pdfdoc_t *doc)
{
    return doc->data;
}

const ra_pdfxref_t *ra_pdfdoc_entry(const ra_pdfdoc_t *doc, size_t rev, unsigned num)
{
    /* The first index entry after (num, rev); the one before it, if it is
     * num's, is num as of rev. */
    size_t lo = 0, hi = doc->nindex;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const indexed_t *x = &doc->index[mid];
        if (x->num < num || (x->num == num && x->rev <= rev))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && doc->index[lo - 1].num == num ? doc->index[lo - 1].e : NULL;
}

ra_status_t ra_pdfdoc_object_at(ra_pdfdoc_t *doc, const ra_pdfxref_t *e, ra_pdfv_t **out,
                                bool *stream, char why[256])
{
    *out = NULL;
    if (stream)
        *stream = false;
    if (!e || !e->in_use)
        return RA_OK;
    lex_t lx = {.doc = doc, .p = doc->data, .len = doc->len, .pos = e->offset, .why = why};
    unsigned long long num, gen;
    if (!read_uint(&lx, RA_PDFREAD_MAX_OBJECTS, &num) || (skip_ws(&lx), 0) ||
        !read_uint(&lx, 65535, &gen) || (skip_ws(&lx), !at_keyword(&lx, "obj")) || num != e->num ||
        gen != e->gen) {
        say(why, "object %u is not at offset %zu, where the cross-reference table says", e->num,
            e->offset);
        return RA_ERR_INVALID;
    }
    lx.pos += 3;
    ra_pdfv_t *v = parse_value(&lx, 0);
    if (lx.nomem)
        return RA_ERR_NOMEM;
    if (!v) {
        char inner[256];
        snprintf(inner, sizeof inner, "%s", why);
        why[0] = '\0';
        say(why, "object %u (offset %zu) is damaged: %s", e->num, e->offset, inner);
        return RA_ERR_INVALID;
    }
    skip_ws(&lx);
    bool is_stream = at_keyword(&lx, "stream");
    if (!is_stream && !at_keyword(&lx, "endobj")) {
        say(why, "object %u (offset %zu) does not end with 'endobj'", e->num, e->offset);
        return RA_ERR_INVALID;
    }
    if (is_stream && v->kind != RA_PDFV_DICT) {
        say(why, "object %u (offset %zu) has a stream without a dictionary", e->num, e->offset);
        return RA_ERR_INVALID;
    }
    if (stream)
        *stream = is_stream;
    *out = v;
    return RA_OK;
}

ra_status_t ra_pdfdoc_object(ra_pdfdoc_t *doc, size_t rev, unsigned num, ra_pdfv_t **out,
                             bool *stream, char why[256])
{
    return ra_pdfdoc_object_at(doc, ra_pdfdoc_entry(doc, rev, num), out, stream, why);
}

ra_pdfv_t *ra_pdfdoc_resolve(ra_pdfdoc_t *doc, size_t rev, ra_pdfv_t *v)
{
    if (!v || v->kind != RA_PDFV_REF)
        return v;
    char why[256] = "";
    ra_pdfv_t *o = NULL;
    const ra_pdfxref_t *e = ra_pdfdoc_entry(doc, rev, (unsigned)v->num);
    if (!e || e->gen != v->gen || ra_pdfdoc_object_at(doc, e, &o, NULL, why) != RA_OK)
        return NULL;
    return o;
}

ra_pdfv_t *ra_pdfv_get(const ra_pdfv_t *d, const char *key)
{
    if (!d || d->kind != RA_PDFV_DICT)
        return NULL;
    for (size_t i = d->n; i-- > 0;) /* the last of a repeated key, as readers do */
        if (strcmp(d->keys[i], key) == 0)
            return d->items[i];
    return NULL;
}

bool ra_pdfv_is_name(const ra_pdfv_t *v, const char *nm)
{
    return v && v->kind == RA_PDFV_NAME && strcmp(v->s, nm) == 0;
}

bool ra_pdfv_equal(const ra_pdfv_t *a, const ra_pdfv_t *b)
{
    if (!a || !b)
        return a == b;
    bool num_a = a->kind == RA_PDFV_INT || a->kind == RA_PDFV_REAL;
    bool num_b = b->kind == RA_PDFV_INT || b->kind == RA_PDFV_REAL;
    if (num_a && num_b)
        return a->real == b->real;
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case RA_PDFV_NULL:
        return true;
    case RA_PDFV_BOOL:
        return a->b == b->b;
    case RA_PDFV_NAME:
        return strcmp(a->s, b->s) == 0;
    case RA_PDFV_STRING:
        return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    case RA_PDFV_REF:
        return a->num == b->num && a->gen == b->gen;
    case RA_PDFV_ARRAY:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++)
            if (!ra_pdfv_equal(a->items[i], b->items[i]))
                return false;
        return true;
    case RA_PDFV_DICT:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++)
            if (!ra_pdfv_equal(a->items[i], ra_pdfv_get(b, a->keys[i])))
                return false;
        return true;
    default:
        return false;
    }
}

static void write_name(ra_buf_t *out, const char *s)
{
    ra_buf_putc(out, '/');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x21 || *p > 0x7e || *p == '#' || is_delim((char)*p))
            ra_buf_printf(out, "#%02X", *p);
        else
            ra_buf_putc(out, (char)*p);
}

ra_status_t ra_pdfv_write(ra_buf_t *out, const char *data, const ra_pdfv_t *v)
{
    switch (v->kind) {
    case RA_PDFV_NULL:
        ra_buf_puts(out, "null");
        break;
    case RA_PDFV_BOOL:
        ra_buf_puts(out, v->b ? "true" : "false");
        break;
    case RA_PDFV_INT:
    case RA_PDFV_REAL:
        ra_buf_append(out, data + v->start, v->end - v->start);
        break;
    case RA_PDFV_NAME:
        write_name(out, v->s);
        break;
    case RA_PDFV_STRING: {
        bool plain = !v->hex;
        for (size_t i = 0; plain && i < v->len; i++)
            plain = v->s[i] >= 0x20 && v->s[i] <= 0x7e;
        ra_buf_putc(out, plain ? '(' : '<');
        for (size_t i = 0; i < v->len; i++) {
            if (!plain)
                ra_buf_printf(out, "%02X", (unsigned char)v->s[i]);
            else if (v->s[i] == '(' || v->s[i] == ')' || v->s[i] == '\\')
                ra_buf_printf(out, "\\%c", v->s[i]);
            else
                ra_buf_putc(out, v->s[i]);
        }
        ra_buf_putc(out, plain ? ')' : '>');
        break;
    }
    case RA_PDFV_ARRAY:
        ra_buf_putc(out, '[');
        for (size_t i = 0; i < v->n; i++) {
            ra_buf_putc(out, ' ');
            ra_pdfv_write(out, data, v->items[i]);
        }
        ra_buf_puts(out, " ]");
        break;
    case RA_PDFV_DICT:
        ra_buf_puts(out, "<<");
        for (size_t i = 0; i < v->n; i++) {
            ra_buf_putc(out, ' ');
            write_name(out, v->keys[i]);
            ra_buf_putc(out, ' ');
            ra_pdfv_write(out, data, v->items[i]);
        }
        ra_buf_puts(out, " >>");
        break;
    case RA_PDFV_REF:
        ra_buf_printf(out, "%lld %u R", v->num, v->gen);
        break;
    }
    return ra_buf_failed(out) ? RA_ERR_NOMEM : RA_OK;
}
