/* subsetstore.c - the font programs earlier reports embedded, kept in the
 * user's cache so that a report drawn again need not subset them again.
 *
 * Cutting a face's subset with hb-subset and compressing it is most of
 * what finishing a document's fonts costs (about a tenth of a regulated
 * report), and a report made again from the same record, or from one
 * edited without a new character, draws the same glyphs of each face. The
 * subset is a function of the font file and the glyphs alone, so an entry
 * says, for one font file of the chain and a set of its glyphs, what the
 * document embeds: the new glyph id of each (for /CIDToGIDMap), the font
 * program as its stream holds it (compressed) and its length before
 * compression (/Length1). An entry is believed only when:
 *   - the file's key is this run's: this readyaudit (base/usercache.h),
 *     this HarfBuzz and the chain's digest (which names every font file's
 *     SHA-256);
 *   - the file's CRC-32 is right, and every entry fits the file: a font
 *     file of the chain, glyphs in increasing order, each length inside
 *     what is left;
 *   - the entry a document uses inflates to the length it says (its
 *     Adler-32 right): a damaged program is never embedded;
 *   - the file is the user's alone (base/usercache.h): whoever can write
 *     it decides which font program a report embeds, as whoever can write
 *     the user's readyaudit could.
 * A file that fails any of these is not read at all. The reports' bytes are
 * the same with or without the file.
 *
 * A keyed file (base/usercache.h) whose data is a count (4 bytes) and the
 * entries: the font file's index in the chain, the number of glyphs n, the
 * program's compressed and plain lengths (4 bytes each), the n glyph ids
 * (4 bytes each), their n new ids (2 bytes each) and the compressed
 * program. Integers are in this machine's order, as the key names this
 * executable. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <stdlib.h>

#include "base/usercache.h"

#define SUBSETS_HEADER "readyaudit font subsets 1\n"
/* Bytes of the file's data, and entries: a report of a new record cuts
 * its subsets and writes the whole file again, so this bounds what that
 * costs; the newest are kept (a few records' worth). */
#define SUBSETS_MAX (1u << 20)
#define SUBSETS_ENTRIES_MAX 16
#define SUBSETS_PLAIN_MAX (16u << 20) /* bytes of a program before compression */

typedef struct {
    uint32_t font, n, zlen, len1;
} subset_head_t;

/* The bytes of an entry of n glyphs and a program of zlen bytes. */
static size_t entry_size(size_t n, size_t zlen)
{
    return sizeof(subset_head_t) + 6 * n + zlen;
}

/* Reads the entry at data[*at..len) into h and moves *at past it; 0 when
 * it does not fit or is not one of fonts (see the top). */
static int entry_next(const ra_pdf_fonts_t *fonts, const char *data, size_t len, size_t *at,
                      subset_head_t *h)
{
    if (len - *at < sizeof *h)
        return 0;
    memcpy(h, data + *at, sizeof *h);
    if (h->font >= fonts->nfonts || h->n == 0 || h->n > 0x10000 || h->zlen == 0 || h->len1 == 0 ||
        h->len1 > SUBSETS_PLAIN_MAX || (len - *at - sizeof *h) / 6 < h->n ||
        len - *at - sizeof *h - 6 * (size_t)h->n < h->zlen)
        return 0;
    const char *gids = data + *at + sizeof *h;
    for (uint32_t i = 1; i < h->n; i++) {
        uint32_t a, b;
        memcpy(&a, gids + 4 * (i - 1), 4);
        memcpy(&b, gids + 4 * i, 4);
        if (b <= a)
            return 0;
    }
    *at += entry_size(h->n, h->zlen);
    return 1;
}

void ra_pdf__subsets_read(ra_pdf_fonts_t *fonts, const char *path)
{
    unsigned char key[32];
    size_t len;
    const char *data = path && (fonts->subsets_path = strdup(path)) &&
                               ra_pdf__fonts_key(fonts, SUBSETS_HEADER, key)
                           ? ra_usercache_map_keyed(path, SUBSETS_HEADER, key, SUBSETS_MAX, &len,
                                                    &fonts->subsets_map)
                           : NULL;
    uint32_t count;
    if (!data || len < sizeof count)
        goto bad;
    memcpy(&count, data, sizeof count);
    size_t at = sizeof count;
    subset_head_t h;
    for (uint32_t i = 0; i < count; i++)
        if (i >= SUBSETS_ENTRIES_MAX || !entry_next(fonts, data, len, &at, &h))
            goto bad;
    if (at != len)
        goto bad;
    fonts->subsets = data;
    fonts->subsets_len = len;
    return;
bad:
    ra_usercache_unmap(&fonts->subsets_map);
}

/* Whether z[0..zlen) is a zlib stream of exactly len bytes. */
static int inflates_to(const char *z, size_t zlen, size_t len)
{
    char *out = malloc(len);
    int ok = 0;
#ifdef RA_HAVE_LIBDEFLATE
    struct libdeflate_decompressor *d = out ? libdeflate_alloc_decompressor() : NULL;
    ok = d && libdeflate_zlib_decompress(d, z, zlen, out, len, NULL) == LIBDEFLATE_SUCCESS;
    libdeflate_free_decompressor(d);
#else
    uLongf got = len;
    ok = out && uncompress((Bytef *)out, &got, (const Bytef *)z, zlen) == Z_OK && got == len;
#endif
    free(out);
    return ok;
}

/* The entry among the checked ones in data[at..len) for the subset of font
 * file fi to the n glyph ids at gids (4 bytes each), its head in *h; or
 * NULL. */
static const char *entry_for(const char *data, size_t at, size_t len, uint32_t fi, const void *gids,
                             size_t n, subset_head_t *h)
{
    for (; at < len; at += entry_size(h->n, h->zlen)) {
        memcpy(h, data + at, sizeof *h);
        if (h->font == fi && h->n == n && memcmp(data + at + sizeof *h, gids, 4 * n) == 0)
            return data + at;
    }
    return NULL;
}

int ra_pdf__subset_find(const ra_pdf_fonts_t *fonts, int fi, const uint32_t *gids, size_t n,
                        uint16_t *newid, const char **z, size_t *zlen, size_t *len1)
{
    subset_head_t h;
    const char *e = fonts->subsets ? entry_for(fonts->subsets, sizeof(uint32_t), fonts->subsets_len,
                                               (uint32_t)fi, gids, n, &h)
                                   : NULL;
    const char *p = e ? e + sizeof h : NULL;
    if (!p || !inflates_to(p + 6 * n, h.zlen, h.len1))
        return 0;
    memcpy(newid, p + 4 * n, 2 * n);
    *z = p + 6 * n;
    *zlen = h.zlen;
    *len1 = h.len1;
    return 1;
}

void ra_pdf__subset_note(ra_pdf_t *pdf, int fi, const uint32_t *gids, size_t n,
                         const uint16_t *newid, const char *z, size_t zlen, size_t len1)
{
    ra_buf_t *b = &pdf->new_subsets;
    if (!pdf->fonts->subsets_path || n == 0 || n > 0x10000 || zlen == 0 || len1 == 0 ||
        zlen > SUBSETS_MAX || len1 > SUBSETS_PLAIN_MAX)
        return;
    subset_head_t h = {(uint32_t)fi, (uint32_t)n, (uint32_t)zlen, (uint32_t)len1};
    ra_buf_append(b, (const char *)&h, sizeof h);
    ra_buf_append(b, (const char *)gids, 4 * n);
    ra_buf_append(b, (const char *)newid, 2 * n);
    ra_buf_append(b, z, zlen);
}

void ra_pdf__subsets_keep(ra_pdf_fonts_t *fonts, const ra_pdf_t *pdf)
{
    const ra_buf_t *b = &pdf->new_subsets;
    if (b->len && !ra_buf_failed(b))
        ra_buf_append(&fonts->kept_subsets, b->data, b->len);
}

void ra_pdf_fonts_save_subsets(ra_pdf_fonts_t *fonts)
{
    /* Written when a run cut a subset the file does not hold: this run's,
     * then the file's that are not this run's too (one refused as it was
     * used), while they fit. */
    const ra_buf_t *kept = &fonts->kept_subsets;
    unsigned char key[32];
    if (!fonts->subsets_path || !kept->len || ra_buf_failed(kept) ||
        !ra_pdf__fonts_key(fonts, SUBSETS_HEADER, key))
        return;
    ra_buf_t out = RA_BUF_INIT;
    uint32_t count = 0;
    ra_buf_append(&out, (const char *)&count, sizeof count);
    const struct {
        const char *data;
        size_t at, len;
    } from[2] = {{kept->data, 0, kept->len},
                 {fonts->subsets, sizeof count, fonts->subsets ? fonts->subsets_len : 0}};
    for (int k = 0; k < 2; k++)
        for (size_t at = from[k].at; at < from[k].len && count < SUBSETS_ENTRIES_MAX;) {
            subset_head_t h, same;
            memcpy(&h, from[k].data + at, sizeof h);
            size_t size = entry_size(h.n, h.zlen);
            if (out.len + size <= SUBSETS_MAX &&
                !(k && entry_for(kept->data, 0, kept->len, h.font, from[k].data + at + sizeof h,
                                 h.n, &same))) {
                ra_buf_append(&out, from[k].data + at, size);
                count++;
            }
            at += size;
        }
    memcpy(out.data, &count, sizeof count);
    if (!ra_buf_failed(&out))
        ra_usercache_write_keyed(fonts->subsets_path, SUBSETS_HEADER, key,
                                 &(ra_usercache_part_t){out.data, out.len}, 1);
    ra_buf_free(&out);
}
