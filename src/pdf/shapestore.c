/* shapestore.c - the words earlier runs shaped, kept in the user's cache so
 * that a report from the shell need not shape its words again.
 *
 * Every report draws mostly the same words (the checklist's questions,
 * the template's labels), and shaping them is most of what a report costs
 * but for its layout. What a run kept of its documents' words
 * (ra_pdf_fonts_keep_shaping) is written to one file, and read by the next
 * run into the fonts' kept shaping, where documents look first.
 *
 * Only words are kept: runs of printable ASCII read left to right, which
 * the first face of a style draws (the chain is refused otherwise), so an
 * entry needs no other font file than those loaded with the chain. An
 * entry says what HarfBuzz gave for a word, and is believed only when:
 *   - the file's key is this run's: this readyaudit (the executable's
 *     device, inode, size and times, so a build with other shaping code
 *     reads none of it), this HarfBuzz, and the chain's digest (which
 *     names every font file's SHA-256);
 *   - the file's CRC-32 of its body is right (a damaged file is not
 *     read), and every entry is one a word could give: each glyph one of
 *     its face's, its cluster inside the word;
 *   - the file is the user's alone (base/usercache.h): whoever can write
 *     it decides which glyphs a report draws, as whoever can write the
 *     user's readyaudit could.
 * A file that fails any of these is not read, and the next report that
 * shapes a word writes a new one. The reports' bytes are the same with or
 * without the file.
 *
 * A keyed file (base/usercache.h) whose data, integers little-endian, is
 * the number of entries (4) and the entries. An entry:
 * face (1), length (1), glyph count (2), the word's bytes, and per glyph
 * its id (2), advance, x and y offsets (2 each, signed), cluster start and
 * end in the word (1 each) and flags (1: bit 0 first of its cluster, bit 1
 * alone in it). */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <stdlib.h>

#include "base/usercache.h"

#define STORE_HEADER "readyaudit shaped words 1\n"
#define STORE_MAX (4u << 20) /* bytes of the file, header and key included */
#define STORE_GLYPH 11       /* bytes of a glyph */

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

/* Parses the entry at p (end: the end of the entries) into *face, the
 * word w[0..*len) and glyphs g[0..*ng) (room for 255 * 2); returns the
 * bytes it takes, 0 when it is not one a word of fonts could give. */
static size_t parse_entry(const ra_pdf_fonts_t *fonts, const unsigned char *p,
                          const unsigned char *end, int *face, const char **w, size_t *len,
                          glyph_t *g, size_t *ng)
{
    if (end - p < 4)
        return 0;
    *face = p[0];
    *len = p[1];
    *ng = ra_le_get(p + 2, 2);
    *w = (const char *)p + 4;
    if (*face >= RA_FACE_COUNT || *len == 0 || *ng > 2 * *len ||
        (size_t)(end - p) < 4 + *len + *ng * STORE_GLYPH)
        return 0;
    for (size_t i = 0; i < *len; i++)
        if (p[4 + i] < 0x20 || p[4 + i] > 0x7E)
            return 0;
    int fi = fonts->chain[*face][0];
    const unsigned char *q = p + 4 + *len;
    for (size_t i = 0; i < *ng; i++, q += STORE_GLYPH) {
        g[i] = (glyph_t){.gid = ra_le_get(q, 2),
                         .font = fi,
                         .ax = (int16_t)ra_le_get(q + 2, 2),
                         .dx = (int16_t)ra_le_get(q + 4, 2),
                         .dy = (int16_t)ra_le_get(q + 6, 2),
                         .c0 = q[8],
                         .c1 = q[9],
                         .first = q[10] & 1,
                         .single = q[10] >> 1 & 1};
        if (g[i].gid >= fonts->font[fi].num_glyphs || g[i].c0 >= g[i].c1 || g[i].c1 > *len ||
            q[10] > 3)
            return 0;
    }
    return (size_t)(q - p);
}

/* How many words fonts keeps. */
static size_t words_kept(const ra_pdf_fonts_t *fonts)
{
    size_t n = 0;
    for (size_t i = 0; i < fonts->kept.nslots; i++)
        n += fonts->kept.slot[i].len && fonts->kept.slot[i].kind == SHAPED_WORD;
    return n;
}

void ra_pdf__store_read(ra_pdf_fonts_t *fonts, const char *path)
{
    ra_buf_t b = RA_BUF_INIT;
    unsigned char key[32];
    if (!path || !(fonts->store_path = strdup(path)) || !store_key(fonts, key) ||
        !ra_usercache_read_keyed(path, STORE_HEADER, key, STORE_MAX, &b) || b.len < 4)
        goto done;
    const unsigned char *p = (const unsigned char *)b.data, *end = p + b.len;
    uint32_t n = ra_le_get(p, 4);
    p += 4;
    /* Kept as read, the fonts being new (nothing kept yet): a bad entry
     * empties what was kept again, so that a file is believed whole or not
     * at all. Room for the most the file could hold is made at once (pages
     * never written are not taken). */
    ra_pdf__cache_reserve(&fonts->kept, n, b.len / STORE_GLYPH, b.len);
    glyph_t g[2 * 255];
    int room = 1;
    for (uint32_t i = 0; i < n && p; i++) {
        int face;
        const char *w;
        size_t len, ng, took = parse_entry(fonts, p, end, &face, &w, &len, g, &ng);
        p = took ? p + took : NULL;
        /* Full, or out of memory: fewer words kept, the rest still checked. */
        room = p && room && ra_pdf__cache_keep_word(&fonts->kept, face, w, len, g, ng);
    }
    if (p != end)
        ra_pdf__cache_free(&fonts->kept);
    fonts->store_words = fonts->kept.nused; /* words alone, from the file */
done:
    ra_buf_free(&b);
}

void ra_pdf_fonts_save_shaping(ra_pdf_fonts_t *fonts)
{
    const shape_cache_t *c = &fonts->kept;
    unsigned char key[32];
    size_t words = words_kept(fonts);
    if (!fonts->store_path || words <= fonts->store_words || !store_key(fonts, key))
        return;
    ra_buf_t b = RA_BUF_INIT;
    ra_buf_append(&b, "\0\0\0\0", 4); /* the count */
    uint32_t n = 0;
    glyph_t check[2 * 255];
    for (size_t i = 0; i < c->nslots && !ra_buf_failed(&b); i++) {
        const shaped_t *e = &c->slot[i];
        const glyph_t *g = c->g + e->g;
        size_t size = 4 + e->len + e->ng * STORE_GLYPH;
        if (!e->len || e->kind != SHAPED_WORD || e->len > 255 || e->ng > 2 * e->len ||
            sizeof STORE_HEADER - 1 + 32 + b.len + size + 4 > STORE_MAX ||
            ra_buf_reserve(&b, size) != RA_OK)
            continue;
        unsigned char *p = (unsigned char *)b.data + b.len;
        p[0] = e->face;
        p[1] = (unsigned char)e->len;
        ra_le_put(p + 2, e->ng, 2);
        memcpy(p + 4, c->text.data + e->text, e->len);
        for (size_t k = 0; k < e->ng; k++) {
            unsigned char *q = p + 4 + e->len + k * STORE_GLYPH;
            ra_le_put(q, g[k].gid, 2);
            ra_le_put(q + 2, (uint32_t)g[k].ax, 2);
            ra_le_put(q + 4, (uint32_t)g[k].dx, 2);
            ra_le_put(q + 6, (uint32_t)g[k].dy, 2);
            q[8] = (unsigned char)g[k].c0;
            q[9] = (unsigned char)g[k].c1;
            q[10] = (unsigned char)((g[k].first ? 1 : 0) | (g[k].single ? 2 : 0));
        }
        /* Written only as it will be read back: the same glyphs (16 bits
         * each of id, advance and offsets), of the face's first font. */
        int face;
        const char *w;
        size_t len, ng;
        int ok = parse_entry(fonts, p, p + size, &face, &w, &len, check, &ng) == size;
        for (size_t k = 0; ok && k < ng; k++)
            ok = g[k].gid == check[k].gid && g[k].font == check[k].font && g[k].ax == check[k].ax &&
                 g[k].dx == check[k].dx && g[k].dy == check[k].dy && g[k].c0 == check[k].c0 &&
                 g[k].c1 == check[k].c1 && !g[k].first == !check[k].first &&
                 !g[k].single == !check[k].single;
        if (ok) {
            b.len += size;
            n++;
        }
    }
    if (!ra_buf_failed(&b)) {
        ra_le_put((unsigned char *)b.data, n, 4);
        ra_usercache_write_keyed(fonts->store_path, STORE_HEADER, key, b.data, b.len);
    }
    fonts->store_words = words;
    ra_buf_free(&b);
}
