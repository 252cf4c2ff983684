/* shapestore.c - the words and texts earlier runs shaped, kept in the
 * user's cache so that a report from the shell need not shape them again.
 *
 * Every report draws mostly the same words (the checklist's questions,
 * the template's labels) and texts (names in other scripts, headings
 * with a dash), and shaping them is most of what a report costs but for
 * its layout. What a run kept of its documents' shaping
 * (ra_pdf_fonts_keep_shaped) is written to one file, and read by the next
 * run into the fonts' kept shaping, where documents look first.
 *
 * Words are runs of printable ASCII read left to right, which the first
 * face of a style draws; texts are the rest that shape.c remembers whole,
 * each glyph of one of its style's faces (loaded as the file is read). An
 * entry says what shaping gave for its text, and is believed only when:
 *   - the file's key is this run's: this readyaudit (the executable's
 *     device, inode, size and times, so a build with other shaping code
 *     reads none of it), this HarfBuzz, and the chain's digest (which
 *     names every font file's SHA-256);
 *   - the file's CRC-32 of its body is right (a damaged file is not
 *     read), and every entry is one its text could give: each glyph one of
 *     its face's, its cluster inside the text, a text's characters code
 *     points at increasing byte offsets inside it;
 *   - the file is the user's alone (base/usercache.h): whoever can write
 *     it decides which glyphs a report draws, as whoever can write the
 *     user's readyaudit could.
 * A file that fails any of these is not read, and the next report that
 * shapes a text writes a new one. The reports' bytes are the same with or
 * without the file. Texts whose shaping replaced characters are not
 * written: the report must say so each time.
 *
 * A keyed file (base/usercache.h) whose data, integers little-endian, is
 * the number of entries (4) and the entries, each starting with its kind
 * (1: SHAPED_WORD, or SHAPED_TEXT plus the direction). A word then has
 * face (1), length (1), glyph count (2), the word's bytes, and per glyph
 * its id (2), advance, x and y offsets (2 each, signed), cluster start and
 * end in the word (1 each) and flags (1: bit 0 first of its cluster, bit 1
 * alone in it). A text has face (1), length (2), character count (2),
 * glyph count (2), the text's bytes, per character its code point (3) and
 * byte offset (2), and per glyph its font (1: index into the chain's
 * fonts), id (2), advance, x and y offsets (2 each, signed), cluster start
 * and end in the characters (2 each) and flags (1). */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <stdlib.h>

#include "base/usercache.h"

#define STORE_HEADER "readyaudit shaped words 2\n"
#define STORE_MAX (4u << 20) /* bytes of the file, header and key included */
#define WORD_GLYPH 11        /* bytes of a word's glyph */
#define TEXT_CHAR 5          /* bytes of a text's character */
#define TEXT_GLYPH 14        /* bytes of a text's glyph */

/* This run's key into key: the executable (base/usercache.h), HarfBuzz
 * and the chain; 0 when the executable cannot be told apart. */
static int store_key(const ra_pdf_fonts_t *fonts, unsigned char key[32])
{
    ra_sha256_ctx_t c;
    const char *hb = hb_version_string();
    if (!ra_usercache_key_begin(&c, STORE_HEADER))
        return 0;
    ra_sha256_update(&c, hb, strlen(hb) + 1);
    ra_sha256_update(&c, fonts->sha256, 32);
    ra_sha256_final(&c, key);
    return 1;
}

/* An entry as read: its text, glyphs and (texts) characters then byte
 * offsets, as the shaping cache keeps them. */
typedef struct {
    int kind, face;
    const char *text;
    size_t len, ng, ncp;
    glyph_t g[2 * SHAPE_CACHE_TEXT];
    uint32_t cp[2 * SHAPE_CACHE_TEXT + 1];
} entry_t;

/* Whether font file fi is one of face's, loaded (on first use) so that
 * its glyph count is known. */
static int face_font(const ra_pdf_fonts_t *fonts, int face, int fi)
{
    for (size_t i = 0; i < fonts->nchain[face]; i++)
        if (fonts->chain[face][i] == fi)
            return ra_pdf__font_ready(fonts, fi) == RA_OK;
    return 0;
}

/* Reads a glyph at q (a text's when text, else a word's of font fi) into
 * *g; 0 when it is not one of its face's or its cluster is not inside
 * chars characters. */
static int parse_glyph(const ra_pdf_fonts_t *fonts, int face, int fi, const unsigned char *q,
                       int text, size_t chars, glyph_t *g)
{
    if (text && !face_font(fonts, face, fi = q[0]))
        return 0;
    q += text;
    int w = text ? 2 : 1; /* bytes of a cluster bound */
    *g = (glyph_t){.gid = ra_le_get(q, 2),
                   .font = (uint8_t)fi,
                   .ax = (int16_t)ra_le_get(q + 2, 2),
                   .dx = (int16_t)ra_le_get(q + 4, 2),
                   .dy = (int16_t)ra_le_get(q + 6, 2),
                   .c0 = ra_le_get(q + 8, w),
                   .c1 = ra_le_get(q + 8 + w, w),
                   .first = q[8 + 2 * w] & 1,
                   .single = q[8 + 2 * w] >> 1 & 1};
    return g->gid < fonts->font[fi].num_glyphs && g->c0 < g->c1 && g->c1 <= chars &&
           q[8 + 2 * w] <= 3;
}

/* Parses the entry at p (end: the end of the entries) into *e; returns the
 * bytes it takes, 0 when it is not one a text of fonts could give. */
static size_t parse_entry(const ra_pdf_fonts_t *fonts, const unsigned char *p,
                          const unsigned char *end, entry_t *e)
{
    size_t room = (size_t)(end - p);
    if (room < 5)
        return 0;
    e->kind = p[0];
    e->face = p[1];
    int text = e->kind != SHAPED_WORD;
    if (text && (room < 8 || e->kind > SHAPED_TEXT + RA_DIR_RTL))
        return 0;
    e->len = text ? ra_le_get(p + 2, 2) : p[2];
    e->ncp = text ? ra_le_get(p + 4, 2) : 0;
    e->ng = text ? ra_le_get(p + 6, 2) : ra_le_get(p + 3, 2);
    const unsigned char *q = p + (text ? 8 : 5);
    e->text = (const char *)q;
    size_t chars = text ? e->ncp : e->len, gsize = text ? TEXT_GLYPH : WORD_GLYPH;
    if (e->kind < SHAPED_WORD || e->face >= RA_FACE_COUNT || e->len == 0 || e->ng > 2 * e->len ||
        e->len > SHAPE_CACHE_TEXT || (text ? e->ncp == 0 || e->ncp > e->len : e->len > 255) ||
        (size_t)(end - q) < e->len + e->ncp * TEXT_CHAR + e->ng * gsize)
        return 0;
    for (size_t i = 0; !text && i < e->len; i++)
        if (q[i] < 0x20 || q[i] > 0x7E)
            return 0;
    q += e->len;
    /* A text's characters, then their byte offsets: the first 0, each
     * after the one before, the last the text's length. */
    for (size_t i = 0; i < e->ncp; i++, q += TEXT_CHAR) {
        e->cp[i] = ra_le_get(q, 3);
        e->cp[e->ncp + i] = ra_le_get(q + 3, 2);
        if (e->cp[i] > 0x10FFFF || e->cp[e->ncp + i] >= e->len ||
            (i ? e->cp[e->ncp + i] <= e->cp[e->ncp + i - 1] : e->cp[e->ncp] != 0))
            return 0;
    }
    e->cp[2 * e->ncp] = (uint32_t)e->len;
    int fi = fonts->chain[e->face][0];
    for (size_t i = 0; i < e->ng; i++, q += gsize)
        if (!parse_glyph(fonts, e->face, fi, q, text, chars, &e->g[i]))
            return 0;
    return (size_t)(q - p);
}

/* Whether the file can hold entry x: texts whose shaping replaced
 * characters are shaped again each time, for the report to say so. */
static int storable(const shaped_t *x)
{
    return x->len && !x->nsubst && x->len <= (x->kind == SHAPED_WORD ? 255 : SHAPE_CACHE_TEXT) &&
           x->ng <= 2 * x->len;
}

/* How many entries of c the file can hold. */
static size_t storable_count(const shape_cache_t *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nslots; i++)
        n += storable(&c->slot[i]);
    return n;
}

/* Appends entry x of c to b as the file has it, when it is one the file
 * can hold and reads back the same; 1 when it was appended. */
static int put_entry(ra_buf_t *b, const ra_pdf_fonts_t *fonts, const shape_cache_t *c,
                     const shaped_t *x, entry_t *check)
{
    int text = x->kind != SHAPED_WORD;
    size_t head = text ? 8 : 5,
           size = head + x->len + x->ncp * TEXT_CHAR + x->ng * (text ? TEXT_GLYPH : WORD_GLYPH);
    if (!storable(x) || sizeof STORE_HEADER - 1 + 32 + b->len + size + 4 > STORE_MAX ||
        ra_buf_reserve(b, size) != RA_OK)
        return 0;
    const glyph_t *g = c->g + x->g;
    const uint32_t *cp = c->cp + x->cp;
    unsigned char *p = (unsigned char *)b->data + b->len, *q = p + head;
    p[0] = x->kind;
    p[1] = x->face;
    if (text) {
        ra_le_put(p + 2, x->len, 2);
        ra_le_put(p + 4, x->ncp, 2);
        ra_le_put(p + 6, x->ng, 2);
    } else {
        p[2] = (unsigned char)x->len;
        ra_le_put(p + 3, x->ng, 2);
    }
    memcpy(q, c->text.data + x->text, x->len);
    q += x->len;
    for (size_t k = 0; k < x->ncp; k++, q += TEXT_CHAR) {
        ra_le_put(q, cp[k], 3);
        ra_le_put(q + 3, cp[x->ncp + k], 2);
    }
    int w = text ? 2 : 1;
    for (size_t k = 0; k < x->ng; k++) {
        if (text)
            *q++ = g[k].font;
        ra_le_put(q, g[k].gid, 2);
        ra_le_put(q + 2, (uint32_t)g[k].ax, 2);
        ra_le_put(q + 4, (uint32_t)g[k].dx, 2);
        ra_le_put(q + 6, (uint32_t)g[k].dy, 2);
        ra_le_put(q + 8, g[k].c0, w);
        ra_le_put(q + 8 + w, g[k].c1, w);
        q[8 + 2 * w] = (unsigned char)((g[k].first ? 1 : 0) | (g[k].single ? 2 : 0));
        q += 9 + 2 * w;
    }
    /* Written only as it will be read back: the same glyphs (16 bits each
     * of id, advance and offsets) and characters. */
    int ok = parse_entry(fonts, p, p + size, check) == size &&
             memcmp(cp, check->cp, (x->ncp ? 2 * x->ncp + 1 : 0) * sizeof *cp) == 0;
    for (size_t k = 0; ok && k < x->ng; k++)
        ok = g[k].gid == check->g[k].gid && g[k].font == check->g[k].font &&
             g[k].ax == check->g[k].ax && g[k].dx == check->g[k].dx && g[k].dy == check->g[k].dy &&
             g[k].c0 == check->g[k].c0 && g[k].c1 == check->g[k].c1 &&
             !g[k].first == !check->g[k].first && !g[k].single == !check->g[k].single;
    if (ok)
        b->len += size;
    return ok;
}

void ra_pdf__store_read(ra_pdf_fonts_t *fonts, const char *path)
{
    ra_buf_t b = RA_BUF_INIT;
    unsigned char key[32];
    entry_t *e = NULL;
    if (!path || !(fonts->store_path = strdup(path)) || !store_key(fonts, key) ||
        !ra_usercache_read_keyed(path, STORE_HEADER, key, STORE_MAX, &b) || b.len < 4 ||
        !(e = malloc(sizeof *e)))
        goto done;
    const unsigned char *p = (const unsigned char *)b.data, *end = p + b.len;
    uint32_t n = ra_le_get(p, 4);
    p += 4;
    /* Kept as read, the fonts being new (nothing kept yet): a bad entry
     * empties what was kept again, so that a file is believed whole or not
     * at all. Room for the most the file could hold is made at once (pages
     * never written are not taken). */
    ra_pdf__cache_reserve(&fonts->kept, n, b.len / WORD_GLYPH, b.len);
    int room = 1;
    for (uint32_t i = 0; i < n && p; i++) {
        size_t took = parse_entry(fonts, p, end, e);
        p = took ? p + took : NULL;
        /* Full, or out of memory: fewer kept, the rest still checked. */
        room = p && room &&
               ra_pdf__cache_keep(&fonts->kept, e->kind, e->face, e->text, e->len, e->g, e->ng,
                                  e->ncp ? e->cp : NULL, e->ncp);
    }
    if (p != end)
        ra_pdf__cache_free(&fonts->kept);
    fonts->store_entries = fonts->kept.nused; /* from the file alone, all storable */
done:
    free(e);
    ra_buf_free(&b);
}

void ra_pdf_fonts_save_shaping(ra_pdf_fonts_t *fonts)
{
    const shape_cache_t *c = &fonts->kept;
    unsigned char key[32];
    size_t entries = storable_count(c);
    if (!fonts->store_path || entries <= fonts->store_entries || !store_key(fonts, key))
        return;
    ra_buf_t b = RA_BUF_INIT;
    entry_t *check = malloc(sizeof *check);
    ra_buf_append(&b, "\0\0\0\0", 4); /* the count */
    uint32_t n = 0;
    for (size_t i = 0; check && i < c->nslots && !ra_buf_failed(&b); i++)
        n += put_entry(&b, fonts, c, &c->slot[i], check);
    if (check && !ra_buf_failed(&b)) {
        ra_le_put((unsigned char *)b.data, n, 4);
        ra_usercache_write_keyed(fonts->store_path, STORE_HEADER, key, b.data, b.len);
    }
    fonts->store_entries = entries;
    free(check);
    ra_buf_free(&b);
}
