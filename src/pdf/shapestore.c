/* shapestore.c - the words and texts earlier runs shaped, kept in the
 * user's cache so that a report from the shell need not shape them again.
 *
 * Every report draws mostly the same words (the checklist's questions,
 * the template's labels) and texts (names in other scripts, headings
 * with a dash), and shaping them is most of what a report costs but for
 * its layout. What a run shaped (ra_pdf_fonts_keep_shaped) is written to
 * one file with what the file held, and the next run reads it into the
 * fonts' stored shaping, where documents look first.
 *
 * Words are runs of printable ASCII read left to right, which the first
 * face of a style draws; texts are the rest that shape.c remembers whole,
 * each glyph of one of its style's faces (loaded as the file is read). An
 * entry says what shaping gave for its text, and is believed only when:
 *   - the file's key is this run's: this readyaudit (the executable's
 *     device, inode, size and times, so a build with other shaping code
 *     or another layout of its structures reads none of it), this
 *     HarfBuzz, and the chain's digest (which names every font file's
 *     SHA-256);
 *   - the file's CRC-32 of its body is right (a damaged file is not
 *     read), and every entry is one its text could give: each glyph one of
 *     its face's (its offsets and advance within 16 bits, as a font's
 *     units are), its cluster inside the text, a text's characters code
 *     points at increasing byte offsets inside it;
 *   - the file is the user's alone (base/usercache.h): whoever can write
 *     it decides which glyphs a report draws, as whoever can write the
 *     user's readyaudit could.
 * A file that fails any of these is not read, and the next report that
 * shapes a text writes a new one. The reports' bytes are the same with or
 * without the file. Texts whose shaping replaced characters are not
 * written: the report must say so each time.
 *
 * A keyed file (base/usercache.h) whose data is the shaping cache's own
 * structures (pdf_int.h), as the executable the key names lays them out,
 * so that a run uses the pools as they are read, checking them but
 * copying nothing: four counts (4 bytes each: entries, glyphs, characters,
 * text bytes), then the entries (shaped_t: a text's kind, face and place
 * in the pools; their hash is computed again), the glyphs (glyph_t), the
 * texts' characters then byte offsets (4 bytes each) and the texts'
 * bytes. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <stdlib.h>

#include "base/slots.h"
#include "base/usercache.h"

#define STORE_HEADER "readyaudit shaped words 3\n"
/* Bytes of the file, header and key included: what a few reports shaped.
 * A report reads the whole file and writes it again when it shaped what
 * the file does not hold, so this bounds what a report of a new record
 * costs; the file keeps what the last report used first, then the rest
 * while it fits (what reports use less often falls out). */
#define STORE_MAX (1u << 20)
/* Zero bytes that start the data, so that its structures are aligned in
 * the mapped file (its header and key before them). */
#define STORE_PAD ((8 - (sizeof STORE_HEADER - 1 + 32) % 8) % 8)

int ra_pdf__fonts_key(const ra_pdf_fonts_t *fonts, const char *header, unsigned char key[32])
{
    ra_sha256_ctx_t c;
    const char *hb = hb_version_string();
    if (!ra_usercache_key_begin(&c, header))
        return 0;
    ra_sha256_update(&c, hb, strlen(hb) + 1);
    ra_sha256_update(&c, fonts->sha256, 32);
    ra_sha256_final(&c, key);
    return 1;
}

/* The counts that start the file's data. */
typedef struct {
    uint32_t entries, glyphs, cps, bytes;
} counts_t;

/* Whether font file fi is one of face's, loaded (on first use) so that
 * its glyph count is known. */
static int face_font(const ra_pdf_fonts_t *fonts, int face, int fi)
{
    for (size_t i = 0; i < fonts->nchain[face]; i++)
        if (fonts->chain[face][i] == fi)
            return ra_pdf__font_ready(fonts, fi) == RA_OK;
    return 0;
}

/* Whether glyph g is one a text of face could give, clusters within chars
 * characters: of the face's first font for a word; every bit of it one
 * its fields say (as shape.c makes glyphs). */
static int glyph_ok(const ra_pdf_fonts_t *fonts, int face, int word, size_t chars, const glyph_t *g)
{
    /* The fields after the flags fill their bytes. */
    glyph_t n;
    memset(&n, 0, offsetof(glyph_t, ax));
    n.gid = g->gid;
    n.font = g->font;
    n.first = g->first;
    n.single = g->single;
    return memcmp(&n, g, offsetof(glyph_t, ax)) == 0 &&
           (word ? g->font == fonts->chain[face][0] : face_font(fonts, face, g->font)) &&
           g->gid < fonts->font[g->font].num_glyphs && g->c0 < g->c1 && g->c1 <= chars &&
           g->ax >= -32768 && g->ax <= 32767 && g->dx >= -32768 && g->dx <= 32767 &&
           g->dy >= -32768 && g->dy <= 32767;
}

/* Whether entry e of c is one its text could give (see the top), and the
 * file can hold it: texts whose shaping replaced characters are shaped
 * again each time, for the report to say so. */
static int entry_ok(const ra_pdf_fonts_t *fonts, const shape_cache_t *c, const shaped_t *e)
{
    int word = e->kind == SHAPED_WORD;
    if (e->kind < SHAPED_WORD || e->kind > SHAPED_TEXT + RA_DIR_RTL || e->face >= RA_FACE_COUNT ||
        e->len == 0 || e->len > (word ? 255 : SHAPE_CACHE_TEXT) || e->nsubst ||
        e->text > c->text.len || c->text.len - e->text < e->len || e->g > c->ng ||
        c->ng - e->g < e->ng || e->ng > 2 * e->len ||
        (word ? e->ncp != 0
              : e->ncp == 0 || e->ncp > e->len || e->cp > c->ncp ||
                    c->ncp - e->cp < 2 * (size_t)e->ncp + 1))
        return 0;
    const unsigned char *t = (const unsigned char *)c->text.data + e->text;
    for (size_t i = 0; word && i < e->len; i++)
        if (t[i] < 0x20 || t[i] > 0x7E)
            return 0;
    /* A text's characters, then their byte offsets: the first 0, each
     * after the one before, the last the text's length. */
    if (!word) {
        const uint32_t *cp = c->cp + e->cp, *at = cp + e->ncp;
        for (size_t i = 0; i < e->ncp; i++)
            if (cp[i] > 0x10FFFF || at[i] >= e->len || (i ? at[i] <= at[i - 1] : at[0] != 0))
                return 0;
        if (at[e->ncp] != e->len)
            return 0;
    }
    for (size_t i = 0; i < e->ng; i++)
        if (!glyph_ok(fonts, e->face, word, word ? e->len : e->ncp, &c->g[e->g + i]))
            return 0;
    return 1;
}

/* Where an array of n elements of size bytes at *at (then past it) is in
 * data[0..len): NULL when it does not fit. */
static const char *take(const char *data, size_t len, size_t *at, size_t n, size_t size)
{
    if (n > (len - *at) / size)
        return NULL;
    const char *p = data + *at;
    *at += n * size;
    return p;
}

void ra_pdf__store_read(ra_pdf_fonts_t *fonts, const char *path)
{
    unsigned char key[32];
    counts_t n;
    size_t len;
    shape_cache_t *c = &fonts->stored;
    const char *data =
        path && (fonts->store_path = strdup(path)) && ra_pdf__fonts_key(fonts, STORE_HEADER, key)
            ? ra_usercache_map_keyed(path, STORE_HEADER, key, STORE_MAX, &len, &c->owned)
            : NULL;
    static const char pad[8];
    if (!data || len < STORE_PAD + sizeof n || memcmp(data, pad, STORE_PAD) != 0) {
        ra_pdf__cache_free(c);
        return;
    }
    /* Read where they are (pointers into the mapping, which the cache
     * never writes), past the padding that aligns them. */
    size_t at = STORE_PAD;
    memcpy(&n, data + at, sizeof n);
    at += sizeof n;
    const shaped_t *entries = (const shaped_t *)take(data, len, &at, n.entries, sizeof(shaped_t));
    c->g = (glyph_t *)take(data, len, &at, n.glyphs, sizeof(glyph_t));
    c->cp = (uint32_t *)take(data, len, &at, n.cps, sizeof(uint32_t));
    c->text.data = (char *)take(data, len, &at, n.bytes, 1);
    c->ng = n.glyphs;
    c->ncp = n.cps;
    c->text.len = n.bytes;
    /* Believed whole or not at all; the table made at its size. */
    int ok = entries && c->g && c->cp && c->text.data && at == len &&
             ra_slots_make((void **)&c->slot, &c->nslots, n.entries, sizeof *c->slot,
                           SHAPE_CACHE_FIRST, SHAPE_CACHE_MAX);
    for (size_t i = 0; ok && i < n.entries; i++) {
        shaped_t e;
        memcpy(&e, &entries[i], sizeof e);
        ok = entry_ok(fonts, c, &e) && ra_pdf__cache_index(c, e);
    }
    if (!ok)
        ra_pdf__cache_free(c);
}

/* Appends to out the entries of c that the file can hold (while it can:
 * *size is its bytes so far), their glyphs, characters and bytes to g, cp
 * and text, each where the file will have it; adds to *n how many.
 * checked: c's entries were checked as it was read. used (a bit per slot,
 * or NULL for none) says which a kept document used: those are put when
 * want_used, the others when not. */
static void put_entries(const ra_pdf_fonts_t *fonts, const shape_cache_t *c, int checked,
                        const uint8_t *used, int want_used, size_t *size, ra_buf_t *out,
                        ra_buf_t *g, ra_buf_t *cp, ra_buf_t *text, uint32_t *n)
{
    for (size_t i = 0; i < c->nslots; i++) {
        const shaped_t *e = &c->slot[i];
        size_t ncp = e->ncp ? 2 * (size_t)e->ncp + 1 : 0;
        size_t more = sizeof *e + e->ng * sizeof(glyph_t) + ncp * sizeof(uint32_t) + e->len;
        if (!e->len || ra_slots_marked(used, i) != want_used ||
            !(checked || entry_ok(fonts, c, e)) || *size + more > STORE_MAX ||
            !ra_slots_hold(*n + 1, SHAPE_CACHE_MAX))
            continue;
        shaped_t x;
        memset(&x, 0, sizeof x);
        x.len = e->len;
        x.kind = e->kind;
        x.face = e->face;
        x.text = (uint32_t)text->len;
        x.g = (uint32_t)(g->len / sizeof(glyph_t));
        x.ng = e->ng;
        x.cp = (uint32_t)(cp->len / sizeof(uint32_t));
        x.ncp = e->ncp;
        ra_buf_append(out, (const char *)&x, sizeof x);
        if (e->ng)
            ra_buf_append(g, (const char *)(c->g + e->g), e->ng * sizeof(glyph_t));
        if (ncp)
            ra_buf_append(cp, (const char *)(c->cp + e->cp), ncp * sizeof(uint32_t));
        ra_buf_append(text, c->text.data + e->text, e->len);
        *size += more;
        (*n)++;
    }
}

void ra_pdf_fonts_save_shaping(ra_pdf_fonts_t *fonts)
{
    /* Written when a run shaped what the file does not hold (which the
     * fonts keep apart from what it read): that first, then what it used
     * of the file, then the rest. */
    const shape_cache_t *kept = &fonts->kept;
    int news = 0;
    for (size_t i = 0; i < kept->nslots && !news; i++)
        news = kept->slot[i].len && entry_ok(fonts, kept, &kept->slot[i]);
    unsigned char key[32];
    if (!fonts->store_path || !news || !ra_pdf__fonts_key(fonts, STORE_HEADER, key))
        return;
    ra_buf_t b = RA_BUF_INIT, g = RA_BUF_INIT, cp = RA_BUF_INIT, text = RA_BUF_INIT;
    counts_t n = {0};
    size_t size = sizeof STORE_HEADER - 1 + 32 + STORE_PAD + sizeof n + 4;
    ra_buf_append(&b, "\0\0\0\0\0\0\0", STORE_PAD);
    ra_buf_append(&b, (const char *)&n, sizeof n);
    put_entries(fonts, kept, 0, NULL, 0, &size, &b, &g, &cp, &text, &n.entries);
    news = n.entries > 0; /* they fit */
    put_entries(fonts, &fonts->stored, 1, fonts->stored_used, 1, &size, &b, &g, &cp, &text,
                &n.entries);
    put_entries(fonts, &fonts->stored, 1, fonts->stored_used, 0, &size, &b, &g, &cp, &text,
                &n.entries);
    n.glyphs = (uint32_t)(g.len / sizeof(glyph_t));
    n.cps = (uint32_t)(cp.len / sizeof(uint32_t));
    n.bytes = (uint32_t)text.len;
    if (news && !ra_buf_failed(&b) && !ra_buf_failed(&g) && !ra_buf_failed(&cp) &&
        !ra_buf_failed(&text)) {
        memcpy(b.data + STORE_PAD, &n, sizeof n);
        ra_usercache_part_t parts[] = {
            {b.data, b.len}, {g.data, g.len}, {cp.data, cp.len}, {text.data, text.len}};
        ra_usercache_write_keyed(fonts->store_path, STORE_HEADER, key, parts, 4);
    }
    ra_buf_free(&b);
    ra_buf_free(&g);
    ra_buf_free(&cp);
    ra_buf_free(&text);
}
