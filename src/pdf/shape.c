/* shape.c - text as drawn: cleaning, bidi levels, itemisation over the font chain, shaping.
 *
 * A string becomes glyphs in five steps, the same for measuring and drawing:
 *   1. clean: decode UTF-8; tabs become spaces; malformed UTF-8, control
 *      characters and non-characters become U+FFFD (listed as substitutions);
 *   2. bidi: FriBidi's embedding levels for the paragraph (direction given,
 *      or from the first strong character); skipped for text with no
 *      right-to-left character in a left-to-right paragraph;
 *   3. script: HarfBuzz's script per character, common and inherited ones
 *      (spaces, digits, punctuation, marks) taking their neighbour's;
 *   4. font: per character the first face of the style's chain that has
 *      it; marks, joiners and variation selectors stay with their base,
 *      common characters with the run they are in when its face has them;
 *      a character no face has becomes U+FFFD of the first face;
 *   5. runs of one level, script and font are shaped by hb_shape, and the
 *      runs are put in visual order (bidi rule L2).
 * Glyph clusters keep the characters they stand for, for ToUnicode and
 * /ActualText (content.c).
 */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <fribidi.h>
#include <stdlib.h>

#include "base/hash.h"
#include "base/slots.h"
#include "base/text.h"

/* --- Scratch --- */

/* Makes room for n characters in every per-character array. */
static ra_status_t reserve_chars(shaper_t *sh, size_t n)
{
    if (n <= sh->cap)
        return RA_OK;
    size_t cap = sh->cap ? sh->cap : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *cp = realloc(sh->cp, cap * sizeof *cp);
    if (cp)
        sh->cp = cp;
    size_t *byte = realloc(sh->byte, (cap + 1) * sizeof *byte);
    if (byte)
        sh->byte = byte;
    int *font = realloc(sh->font, cap * sizeof *font);
    if (font)
        sh->font = font;
    int *script = realloc(sh->script, cap * sizeof *script);
    if (script)
        sh->script = script;
    uint8_t *level = realloc(sh->level, cap);
    if (level)
        sh->level = level;
    if (!cp || !byte || !font || !script || !level)
        return RA_ERR_NOMEM;
    sh->cap = cap;
    return RA_OK;
}

/* Makes room for n more glyphs. */
static ra_status_t glyph_room(shaper_t *sh, size_t n)
{
    while (sh->ng + n > sh->capg)
        if (ra_vec_reserve(&sh->g, sh->capg, &sh->capg, sizeof *sh->g, 64) != RA_OK)
            return RA_ERR_NOMEM;
    return RA_OK;
}

/* Appends a glyph slot; NULL when out of memory. */
static glyph_t *push_glyph(shaper_t *sh)
{
    if (RA_VEC_RESERVE(sh->g, sh->ng, sh->capg, 64) != RA_OK)
        return NULL;
    /* Every bit of a glyph is one its fields say (shapestore.c). */
    glyph_t *g = &sh->g[sh->ng++];
    memset(g, 0, sizeof *g);
    return g;
}

/* Lists a substitution. */
static ra_status_t push_subst(shaper_t *sh, uint32_t cp, const char *why)
{
    if (RA_VEC_RESERVE(sh->subst, sh->nsubst, sh->capsubst, 8) != RA_OK)
        return RA_ERR_NOMEM;
    sh->subst[sh->nsubst++] = (subst_t){cp, why};
    return RA_OK;
}

void ra_pdf__shaper_free(shaper_t *sh)
{
    if (!sh)
        return;
    free(sh->cp);
    free(sh->byte);
    free(sh->font);
    free(sh->script);
    free(sh->level);
    free(sh->g);
    free(sh->subst);
    free(sh->fribidi);
    free(sh->widths);
    free(sh->stored_used);
    ra_pdf__cache_free(&sh->cache);
    hb_buffer_destroy(sh->buf);
    free(sh);
}

void ra_pdf__cache_free(shape_cache_t *c)
{
    free(c->slot);
    if (c->owned.addr) { /* the pools are inside it */
        ra_usercache_unmap(&c->owned);
    } else {
        ra_buf_free(&c->text);
        free(c->g);
        free(c->cp);
        free(c->subst);
    }
    *c = (shape_cache_t){0};
}

/* --- Remembered shaping --- */

/* The table hash of kind, face and text. */
static uint32_t cache_hash(int kind, int face, const char *text, size_t len)
{
    return ra_table_hash((uint64_t)kind << 8 | (unsigned char)face, text, len);
}

/* Returns the entry for kind, face and text, or NULL. */
static const shaped_t *cache_find(const shape_cache_t *c, uint32_t h, int kind, int face,
                                  const char *text, size_t len)
{
    if (!c->nslots)
        return NULL;
    for (size_t i = h & (c->nslots - 1);; i = (i + 1) & (c->nslots - 1)) {
        const shaped_t *e = &c->slot[i];
        if (!e->len)
            return NULL;
        if (e->hash == h && e->len == len && e->kind == kind && e->face == face &&
            memcmp(c->text.data + e->text, text, len) == 0)
            return e;
    }
}

/* Returns the entry for kind, face and text among what earlier runs
 * shaped (shapestore.c), else what the fonts keep
 * (ra_pdf_fonts_keep_shaping), else what the document remembered, with
 * the cache it is in (*in), or NULL. */
static inline const shaped_t *remembered(const ra_pdf_t *pdf, uint32_t h, int kind, int face,
                                         const char *text, size_t len, const shape_cache_t **in)
{
    const shape_cache_t *order[3] = {&pdf->fonts->stored, &pdf->fonts->kept, &pdf->shaper->cache};
    for (int i = 0; i < 3; i++) {
        *in = order[i];
        const shaped_t *e = cache_find(*in, h, kind, face, text, len);
        if (e && i == 0) /* the file keeps what is used first */
            ra_slots_mark(&pdf->shaper->stored_used, (*in)->nslots, (size_t)(e - (*in)->slot));
        if (e)
            return e;
    }
    return NULL;
}

/* Makes room for n more elements of size bytes in the array *items of
 * count used and *cap capacity; 0 when out of memory. */
static int pool_room(void *items, size_t count, size_t *cap, size_t n, size_t size)
{
    if (count + n <= *cap)
        return 1;
    size_t want = *cap ? *cap : 256;
    while (want < count + n)
        want *= 2;
    if (want > UINT32_MAX)
        return 0;
    void *p = realloc(*(void **)items, want * size);
    if (!p)
        return 0;
    *(void **)items = p;
    *cap = want;
    return 1;
}

/* Returns a free slot for hash h, the table grown as it fills; NULL when it
 * is full or memory ran out (then nothing is remembered). */
_Static_assert(offsetof(shaped_t, len) == sizeof(uint32_t), "a table entry, as slots.h says");
static shaped_t *cache_slot(shape_cache_t *c, uint32_t h)
{
    if (!ra_slots_room((void **)&c->slot, &c->nslots, c->nused, sizeof *c->slot, SHAPE_CACHE_FIRST,
                       SHAPE_CACHE_MAX))
        return NULL;
    return ra_slots_free(c->slot, c->nslots, sizeof *c->slot, h);
}

/* Whether entries of ng glyphs and len bytes can be added to c without
 * passing its bounds. */
static int cache_fits(const shape_cache_t *c, size_t ng, size_t len)
{
    return c->ng + ng <= SHAPE_CACHE_GLYPHS && c->text.len + len <= SHAPE_CACHE_GLYPHS * 8 &&
           (c->nused + 1) * 4 <= SHAPE_CACHE_MAX * 3;
}

/* Adds to c the entry of kind, face and text (hash h) with glyphs
 * g[0..ng), characters and byte offsets cp[0..2 ncp + 1) (none for words;
 * cp NULL: left for the caller to fill) and substitutions
 * subst[0..nsubst); returns it, or NULL when it does not fit or memory ran
 * out. */
static shaped_t *cache_put(shape_cache_t *c, uint32_t h, int kind, int face, const char *text,
                           size_t len, const glyph_t *g, size_t ng, const uint32_t *cp, size_t ncp,
                           const subst_t *subst, size_t nsubst)
{
    size_t ncpall = ncp ? 2 * ncp + 1 : 0;
    shaped_t *e = NULL;
    if (cache_fits(c, ng, len) && pool_room(&c->g, c->ng, &c->capg, ng, sizeof *c->g) &&
        pool_room(&c->cp, c->ncp, &c->capcp, ncpall, sizeof *c->cp) &&
        pool_room(&c->subst, c->nsubst, &c->capsubst, nsubst, sizeof *c->subst) &&
        pool_room(&c->text.data, c->text.len, &c->text.cap, len + 1, 1))
        e = cache_slot(c, h);
    if (!e)
        return NULL;
    *e = (shaped_t){h,
                    (uint32_t)len,
                    (uint8_t)kind,
                    (uint8_t)face,
                    (uint32_t)c->text.len,
                    (uint32_t)c->ng,
                    (uint32_t)ng,
                    (uint32_t)c->ncp,
                    (uint32_t)ncp,
                    (uint32_t)c->nsubst,
                    (uint32_t)nsubst};
    memcpy(c->text.data + c->text.len, text, len);
    c->text.len += len;
    c->text.data[c->text.len] = '\0';
    if (ng) /* a pool may not be allocated yet */
        memcpy(c->g + c->ng, g, ng * sizeof *g);
    c->ng += ng;
    if (cp && ncpall)
        memcpy(c->cp + c->ncp, cp, ncpall * sizeof *cp);
    c->ncp += ncpall;
    if (nsubst)
        memcpy(c->subst + c->nsubst, subst, nsubst * sizeof *subst);
    c->nsubst += nsubst;
    c->nused++;
    return e;
}

/* Remembers glyphs g[0..ng) (and for texts, sh's characters and
 * substitutions) as what shaping text gave. Memory that runs out here
 * only means the text is shaped again next time. */
static void cache_add(shaper_t *sh, uint32_t h, int kind, int face, const char *text, size_t len,
                      const glyph_t *g, size_t ng, uint32_t c0)
{
    shape_cache_t *c = &sh->cache;
    int watched = errno; /* not a failure of the document's shaping (hb_watch) */
    size_t ncp = kind == SHAPED_WORD ? 0 : sh->ncp;
    /* Bounded: a long report (thousands of checks) starts again when the
     * table is full, and keeps what it met since. */
    if (!cache_fits(c, ng, len)) {
        memset(c->slot, 0, c->nslots * sizeof *c->slot);
        c->nused = c->ng = c->ncp = c->nsubst = c->text.len = 0;
    }
    shaped_t *e = cache_put(c, h, kind, face, text, len, g, ng, NULL, ncp, sh->subst,
                            kind == SHAPED_WORD ? 0 : sh->nsubst);
    for (size_t i = 0; e && i < ng; i++) {
        c->g[e->g + i].c0 -= c0;
        c->g[e->g + i].c1 -= c0;
    }
    /* Texts keep their characters, then their byte offsets. */
    for (size_t i = 0; e && i < ncp; i++)
        c->cp[e->cp + i] = sh->cp[i];
    for (size_t i = 0; e && ncp && i <= ncp; i++)
        c->cp[e->cp + ncp + i] = (uint32_t)sh->byte[i];
    errno = watched;
}

/* Copies entry e of src into dst (a cache that is not started again when
 * full); 0 when it does not fit or memory ran out. */
static int cache_copy(shape_cache_t *dst, const shape_cache_t *src, const shaped_t *e)
{
    return cache_put(dst, e->hash, e->kind, e->face, src->text.data + e->text, e->len,
                     src->g + e->g, e->ng, e->ncp ? src->cp + e->cp : NULL, e->ncp,
                     e->nsubst ? src->subst + e->subst : NULL, e->nsubst) != NULL;
}

int ra_pdf__cache_index(shape_cache_t *c, shaped_t e)
{
    e.hash = cache_hash(e.kind, e.face, c->text.data + e.text, e.len);
    e.subst = e.nsubst = 0;
    shaped_t *slot = cache_slot(c, e.hash);
    if (slot) {
        *slot = e;
        c->nused++;
    }
    return slot != NULL;
}

/* Keeps in fonts what document pdf shaped (not what it measured); 0 when
 * there is nothing to keep of it. */
static int keep_of(ra_pdf_fonts_t *fonts, const ra_pdf_t *pdf)
{
    const shaper_t *sh = pdf->shaper;
    /* A document that ran out of memory may have remembered what a failed
     * shaping gave (a word without its kerning): nothing of a document
     * that failed is kept. */
    if (pdf->fonts != fonts || !sh || sh->nomem || sh->font_failed || pdf->err)
        return 0;
    ra_slots_bits_or(&fonts->stored_used, sh->stored_used, fonts->stored.nslots);
    const shape_cache_t *c = &sh->cache;
    for (size_t i = 0; i < c->nslots; i++) {
        const shaped_t *e = &c->slot[i];
        if (e->len &&
            !cache_find(&fonts->kept, e->hash, e->kind, e->face, c->text.data + e->text, e->len))
            cache_copy(&fonts->kept, c, e);
    }
    return 1;
}

void ra_pdf_fonts_keep_shaped(ra_pdf_fonts_t *fonts, const ra_pdf_t *pdf)
{
    if (keep_of(fonts, pdf))
        ra_pdf__subsets_keep(fonts, pdf);
}

void ra_pdf_fonts_keep_shaping(ra_pdf_fonts_t *fonts, const ra_pdf_t *pdf)
{
    const shaper_t *sh = pdf->shaper;
    if (!keep_of(fonts, pdf))
        return;
    if (sh->widths && !fonts->kept_widths)
        fonts->kept_widths = calloc(WIDTH_CACHE_SIZE, sizeof *fonts->kept_widths);
    for (size_t i = 0; sh->widths && fonts->kept_widths && i < WIDTH_CACHE_SIZE; i++)
        if (sh->widths[i].len && !fonts->kept_widths[i].len)
            fonts->kept_widths[i] = sh->widths[i];
}

size_t ra_pdf_fonts_kept(const ra_pdf_fonts_t *fonts)
{
    return fonts->kept.nused;
}

/* --- Characters --- */

/* Returns why cp cannot be drawn as itself whatever the font, or NULL. */
static const char *unprintable(uint32_t cp)
{
    if (cp == RA_UTF8_INVALID)
        return "invalid UTF-8";
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return "control character";
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
        return "not a character";
    return NULL;
}

/* Returns 1 when cp goes with the character before it (a mark, a joiner,
 * a format character, a variation selector). */
static int attaches(hb_unicode_funcs_t *uf, uint32_t cp)
{
    if (cp < 0x300)
        return 0;
    switch (hb_unicode_general_category(uf, cp)) {
    case HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_FORMAT:
        return 1;
    default:
        return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
    }
}

/* Returns 1 when font file f has a glyph for cp. */
static int has_glyph(const font_t *f, uint32_t cp)
{
    hb_codepoint_t g;
    return hb_font_get_nominal_glyph(f->font, cp, &g) && g != 0;
}

/* Returns 1 when font file fi has a glyph for cp, loading it on first use;
 * a file that cannot be loaded has none, and the shaper notes it. */
static int chain_has_glyph(shaper_t *sh, const ra_pdf_fonts_t *fonts, int fi, uint32_t cp)
{
    int watched = errno; /* loading watches HarfBuzz on its own (hb_watch) */
    ra_status_t st = ra_pdf__font_ready(fonts, fi);
    if (watched == ENOMEM)
        errno = ENOMEM;
    if (st == RA_ERR_NOMEM)
        sh->nomem = 1;
    else if (st != RA_OK && !sh->font_failed)
        sh->font_failed = fi + 1;
    return st == RA_OK && has_glyph(&fonts->font[fi], cp);
}

/* --- Steps --- */

/* Step 1: decodes and cleans utf8 into sh->cp, sh->byte; returns 1 when
 * every character is ASCII. */
static ra_status_t clean(shaper_t *sh, const char *utf8, size_t len, int *ascii)
{
    ra_status_t st = reserve_chars(sh, len + 1);
    size_t pos = 0, n = 0;
    *ascii = 1;
    if (st != RA_OK)
        return st; /* the arrays may be shorter than len */
    while (st == RA_OK && pos < len) {
        sh->byte[n] = pos;
        unsigned char c = (unsigned char)utf8[pos];
        uint32_t cp;
        if (c >= 0x20 && c < 0x7F) {
            cp = c;
            pos++;
        } else {
            cp = ra_utf8_decode(utf8, len, &pos);
            const char *why = cp == '\t' ? NULL : unprintable(cp);
            if (cp == '\t')
                cp = ' ';
            if (why) {
                st = push_subst(sh, cp, why);
                cp = RA_UNICODE_REPLACEMENT;
            }
            if (cp >= 0x80)
                *ascii = 0;
        }
        sh->cp[n++] = cp;
    }
    sh->byte[n] = len;
    sh->ncp = n;
    return st;
}

/* Step 2: the embedding levels of the paragraph into sh->level. */
static ra_status_t bidi_levels(shaper_t *sh, ra_dir_t dir, int ascii)
{
    size_t n = sh->ncp;
    int any_rtl = 0;
    for (size_t i = 0; i < n && !ascii && !any_rtl; i++)
        any_rtl = sh->cp[i] >= 0x590;
    if (!any_rtl && dir != RA_DIR_RTL) {
        memset(sh->level, 0, n);
        return RA_OK;
    }
    size_t need = n * (sizeof(FriBidiCharType) + sizeof(FriBidiBracketType) + sizeof(FriBidiLevel));
    if (need > sh->fribidi_cap) {
        void *p = realloc(sh->fribidi, need);
        if (!p)
            return RA_ERR_NOMEM;
        sh->fribidi = p;
        sh->fribidi_cap = need;
    }
    FriBidiCharType *types = sh->fribidi;
    FriBidiBracketType *brackets = (FriBidiBracketType *)(types + n);
    FriBidiLevel *levels = (FriBidiLevel *)(brackets + n);
    FriBidiParType base = dir == RA_DIR_RTL   ? FRIBIDI_PAR_RTL
                          : dir == RA_DIR_LTR ? FRIBIDI_PAR_LTR
                                              : FRIBIDI_PAR_ON;
    fribidi_get_bidi_types(sh->cp, (FriBidiStrIndex)n, types);
    fribidi_get_bracket_types(sh->cp, (FriBidiStrIndex)n, types, brackets);
    if (!fribidi_get_par_embedding_levels_ex(types, brackets, (FriBidiStrIndex)n, &base, levels))
        return RA_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        sh->level[i] = (uint8_t)levels[i];
    return RA_OK;
}

/* Steps 3 and 4: script and font per character; missing characters become
 * U+FFFD of the first face. */
static ra_status_t itemise(const ra_pdf_t *pdf, shaper_t *sh, ra_face_t face, int ascii)
{
    const ra_pdf_fonts_t *fonts = pdf->fonts;
    const int *chain = fonts->chain[face];
    size_t nchain = fonts->nchain[face], n = sh->ncp;
    const font_t *first = &fonts->font[chain[0]];
    if (ascii) { /* the first face has printable ASCII (checked at load) */
        for (size_t i = 0; i < n; i++) {
            sh->font[i] = chain[0];
            sh->script[i] = HB_SCRIPT_LATIN;
        }
        return RA_OK;
    }
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    int prev = -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = sh->cp[i];
        int fi = -1;
        hb_script_t sc = hb_unicode_script(uf, cp);
        int weak = sc == HB_SCRIPT_COMMON || sc == HB_SCRIPT_INHERITED || attaches(uf, cp);
        if (prev >= 0 && weak && (attaches(uf, cp) || has_glyph(&fonts->font[prev], cp)))
            fi = prev; /* marks stay with their base, common characters with their run */
        for (size_t k = 0; fi < 0 && k < nchain; k++)
            if (chain_has_glyph(sh, fonts, chain[k], cp))
                fi = chain[k];
        if (fi < 0 && attaches(uf, cp) && cp != RA_UNICODE_REPLACEMENT) {
            fi = prev >= 0 ? prev : chain[0]; /* an ignorable HarfBuzz hides */
        } else if (fi < 0) {
            if (cp != RA_UNICODE_REPLACEMENT) {
                ra_status_t st = push_subst(sh, cp, "in no font of the chain");
                if (st != RA_OK)
                    return st;
            }
            sh->cp[i] = has_glyph(first, RA_UNICODE_REPLACEMENT) ? RA_UNICODE_REPLACEMENT : '?';
            fi = chain[0];
            sc = HB_SCRIPT_COMMON;
        }
        sh->font[i] = fi;
        sh->script[i] = weak ? HB_SCRIPT_COMMON : (int)sc;
        prev = fi;
    }
    /* Common characters take the script before them in their bidi run (or
     * after, at its start): the space and bracket of "محمد (Security)"
     * that follow the Arabic at the left-to-right level go with the Latin. */
    int last = HB_SCRIPT_COMMON;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && sh->level[i] != sh->level[i - 1])
            last = HB_SCRIPT_COMMON;
        if (sh->script[i] != HB_SCRIPT_COMMON)
            last = sh->script[i];
        else
            sh->script[i] = last;
    }
    for (size_t i = n; i-- > 0;) {
        if (sh->script[i] != HB_SCRIPT_COMMON)
            last = sh->script[i];
        else
            sh->script[i] = last;
    }
    return RA_OK;
}

static ra_status_t shape_run_in(const ra_pdf_t *pdf, shaper_t *sh, size_t start, size_t end,
                                int isolated);

/* Shapes characters [start, end) with the whole text as context. */
static ra_status_t shape_run(const ra_pdf_t *pdf, shaper_t *sh, size_t start, size_t end)
{
    return shape_run_in(pdf, sh, start, end, 0);
}

/* Shapes characters [start, end) (one font, script and level), with the
 * text around them as context unless isolated, and appends their glyphs in
 * visual order. */
static ra_status_t shape_run_in(const ra_pdf_t *pdf, shaper_t *sh, size_t start, size_t end,
                                int isolated)
{
    const font_t *f = &pdf->fonts->font[sh->font[start]];
    int rtl = sh->level[start] & 1;
    hb_buffer_t *buf = sh->buf;
    hb_buffer_clear_contents(buf);
    if (isolated)
        hb_buffer_add_codepoints(buf, sh->cp + start, (int)(end - start), 0, (int)(end - start));
    else
        hb_buffer_add_codepoints(buf, sh->cp, (int)sh->ncp, (unsigned)start, (int)(end - start));
    hb_buffer_set_direction(buf, rtl ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, (hb_script_t)sh->script[start]);
    hb_buffer_set_flags(buf, HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES |
                                 (start == 0 ? HB_BUFFER_FLAG_BOT : 0) |
                                 (end == sh->ncp ? HB_BUFFER_FLAG_EOT : 0));
    if (!hb_shape_full(f->font, buf, NULL, 0, NULL) || !hb_buffer_allocation_successful(buf))
        return RA_ERR_NOMEM;
    unsigned n;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    size_t g0 = sh->ng;
    for (unsigned i = 0; i < n; i++) {
        glyph_t *g = push_glyph(sh);
        if (!g)
            return RA_ERR_NOMEM;
        g->gid = (uint16_t)info[i].codepoint; /* below the face's glyph count */
        g->font = (uint8_t)sh->font[start];
        g->ax = pos[i].x_advance;
        g->dx = pos[i].x_offset;
        g->dy = pos[i].y_offset;
        g->c0 = info[i].cluster + (isolated ? (uint32_t)start : 0);
    }
    /* A cluster's characters end where the next cluster in logical order
     * starts: clusters ascend in a left-to-right run, descend in a
     * right-to-left one. */
    glyph_t *gs = sh->g + g0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t c = gs[i].c0, e = (uint32_t)end;
        if (!rtl) {
            for (unsigned j = i + 1; j < n; j++)
                if (gs[j].c0 != c) {
                    e = gs[j].c0;
                    break;
                }
        } else {
            for (unsigned j = i; j-- > 0;)
                if (gs[j].c0 != c) {
                    e = gs[j].c0;
                    break;
                }
        }
        gs[i].c1 = e > c ? e : c + 1;
        gs[i].first = i == 0 || gs[i - 1].c0 != c;
    }
    for (unsigned i = 0; i < n; i++)
        gs[i].single = gs[i].first && (i + 1 == n || gs[i + 1].c0 != gs[i].c0);
    return RA_OK;
}

/* A run of characters of one level, script and font. */
typedef struct {
    size_t start, end;
    uint8_t level;
} run_t;

/* Step 5: runs in visual order (L2: from the highest level down to the
 * lowest odd one, reverse every sequence of runs at that level or above),
 * each shaped. */
static ra_status_t shape_runs(const ra_pdf_t *pdf, shaper_t *sh)
{
    size_t n = sh->ncp, nruns = 0;
    run_t small[16], *runs = small;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || sh->font[i] != sh->font[i - 1] || sh->script[i] != sh->script[i - 1] ||
            sh->level[i] != sh->level[i - 1])
            nruns++;
    if (nruns > sizeof small / sizeof *small && !(runs = malloc(nruns * sizeof *runs)))
        return RA_ERR_NOMEM;
    size_t r = 0;
    uint8_t maxl = 0, minodd = 255;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || sh->font[i] != sh->font[i - 1] || sh->script[i] != sh->script[i - 1] ||
            sh->level[i] != sh->level[i - 1]) {
            runs[r].start = i;
            runs[r].level = sh->level[i];
            if (r > 0)
                runs[r - 1].end = i;
            r++;
            if (sh->level[i] > maxl)
                maxl = sh->level[i];
            if ((sh->level[i] & 1) && sh->level[i] < minodd)
                minodd = sh->level[i];
        }
    }
    if (nruns)
        runs[nruns - 1].end = n;
    for (unsigned l = maxl; l >= minodd && l > 0; l--)
        for (size_t i = 0; i < nruns;) {
            if (runs[i].level < l) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < nruns && runs[j].level >= l)
                j++;
            for (size_t a = i, b = j - 1; a < b; a++, b--) {
                run_t t = runs[a];
                runs[a] = runs[b];
                runs[b] = t;
            }
            i = j;
        }
    ra_status_t st = RA_OK;
    for (size_t i = 0; i < nruns && st == RA_OK; i++)
        st = shape_run(pdf, sh, runs[i].start, runs[i].end);
    if (runs != small)
        free(runs);
    return st;
}

/* Step 5 for left-to-right ASCII text: words and runs of spaces shaped on
 * their own, each remembered. bytes is the text when it is sh's characters
 * (printable ASCII), else NULL. */
static ra_status_t shape_ascii(const ra_pdf_t *pdf, shaper_t *sh, ra_face_t face, const char *bytes)
{
    size_t n = sh->ncp;
    char copy[SHAPE_CACHE_WORD];
    for (size_t a = 0, b; a < n; a = b) {
        int space = sh->cp[a] == ' ';
        for (b = a + 1; b < n && (sh->cp[b] == ' ') == space; b++)
            ;
        size_t len = b - a;
        if (len > SHAPE_CACHE_WORD) {
            ra_status_t st = shape_run_in(pdf, sh, a, b, 1);
            if (st != RA_OK)
                return st;
            continue;
        }
        const char *text = bytes ? bytes + a : copy;
        for (size_t i = 0; !bytes && i < len; i++)
            copy[i] = (char)sh->cp[a + i];
        uint32_t h = cache_hash(SHAPED_WORD, face, text, len);
        const shape_cache_t *in;
        const shaped_t *e = remembered(pdf, h, SHAPED_WORD, face, text, len, &in);
        if (e) {
            if (glyph_room(sh, e->ng) != RA_OK)
                return RA_ERR_NOMEM;
            glyph_t *g = sh->g + sh->ng;
            memcpy(g, in->g + e->g, e->ng * sizeof *g);
            for (unsigned i = 0; i < e->ng; i++) {
                g[i].font = (uint8_t)sh->font[a];
                g[i].c0 += (uint32_t)a;
                g[i].c1 += (uint32_t)a;
            }
            sh->ng += e->ng;
            continue;
        }
        size_t g0 = sh->ng;
        ra_status_t st = shape_run_in(pdf, sh, a, b, 1);
        if (st != RA_OK)
            return st;
        cache_add(sh, h, SHAPED_WORD, face, text, len, sh->g + g0, sh->ng - g0, (uint32_t)a);
    }
    return RA_OK;
}

/* Whether utf8[0..len) is printable ASCII: characters that are their
 * bytes, which need no cleaning. */
static int printable_ascii(const char *utf8, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)utf8[i] < 0x20 || (unsigned char)utf8[i] >= 0x7F)
            return 0;
    return 1;
}

/* Whether the levels of utf8[0..len) are all 0 whether the paragraph is
 * read left to right or its direction is found (bidi_levels): clean gives
 * no U+FFFD for it and none of its characters is one of U+0590 or after. */
static int left_to_right_only(const char *utf8, size_t len)
{
    for (size_t pos = 0; pos < len;) {
        uint32_t cp = ra_utf8_decode(utf8, len, &pos);
        if (cp >= 0x590 || (cp != '\t' && unprintable(cp)))
            return 0;
    }
    return 1;
}

/* Steps 1 to 4 for printable ASCII read left to right, as clean,
 * bidi_levels and itemise give them: each byte its character, at level 0,
 * in Latin script and the style's first face. */
static ra_status_t plain_chars(const ra_pdf_t *pdf, shaper_t *sh, ra_face_t face, const char *utf8,
                               size_t len)
{
    ra_status_t st = reserve_chars(sh, len + 1);
    if (st != RA_OK)
        return st;
    int first = pdf->fonts->chain[face][0];
    for (size_t i = 0; i < len; i++) {
        sh->cp[i] = (unsigned char)utf8[i];
        sh->byte[i] = i;
        sh->font[i] = first;
        sh->script[i] = HB_SCRIPT_LATIN;
    }
    memset(sh->level, 0, len);
    sh->byte[len] = len;
    sh->ncp = len;
    return RA_OK;
}

/* Gives sh what shaping the text of e (an entry of c) gave. */
static ra_status_t shape_again(shaper_t *sh, const shape_cache_t *c, const shaped_t *e)
{
    ra_status_t st = reserve_chars(sh, (size_t)e->ncp + 1);
    for (size_t i = 0; st == RA_OK && i < e->ncp; i++)
        sh->cp[i] = c->cp[e->cp + i];
    for (size_t i = 0; st == RA_OK && i <= e->ncp; i++)
        sh->byte[i] = c->cp[e->cp + e->ncp + i];
    sh->ncp = st == RA_OK ? e->ncp : 0;
    for (size_t i = 0; st == RA_OK && i < e->ng; i++) {
        glyph_t *g = push_glyph(sh);
        if (!g)
            return RA_ERR_NOMEM;
        *g = c->g[e->g + i];
    }
    for (size_t i = 0; st == RA_OK && i < e->nsubst; i++)
        st = push_subst(sh, c->subst[e->subst + i].cp, c->subst[e->subst + i].why);
    return st;
}

ra_status_t ra_pdf__shape(const ra_pdf_t *pdf, ra_face_t face, ra_dir_t dir, const char *utf8,
                          size_t len)
{
    shaper_t *sh = pdf->shaper;
    int ascii;
    face = face_ok(face);
    sh->ng = 0;
    sh->nsubst = 0;
    ra_status_t st = RA_OK;
    hb_watch_begin();
    if (!sh->buf) {
        sh->buf = hb_buffer_create();
        if (!hb_buffer_allocation_successful(sh->buf))
            st = RA_ERR_NOMEM;
    }
    /* Text other than plain ASCII read left to right (which is remembered
     * word by word) is remembered whole: the running header and footer of
     * every page, names in other scripts. */
    int plain = dir != RA_DIR_RTL && printable_ascii(utf8, len);
    int whole = !plain && len <= SHAPE_CACHE_TEXT;
    /* A layout draws left to right what it measured in the direction
     * found: for a text that shapes the same either way, one entry. */
    if (whole && dir == RA_DIR_LTR && left_to_right_only(utf8, len))
        dir = RA_DIR_AUTO;
    uint32_t h = whole ? cache_hash(SHAPED_TEXT + (int)dir, face, utf8, len) : 0;
    const shape_cache_t *in = NULL;
    const shaped_t *e =
        whole ? remembered(pdf, h, SHAPED_TEXT + (int)dir, face, utf8, len, &in) : NULL;
    if (st == RA_OK && e) {
        st = shape_again(sh, in, e);
    } else if (plain) {
        if (st == RA_OK)
            st = plain_chars(pdf, sh, face, utf8, len);
        if (st == RA_OK)
            st = shape_ascii(pdf, sh, face, utf8);
    } else {
        if (st == RA_OK)
            st = clean(sh, utf8, len, &ascii);
        if (st == RA_OK)
            st = bidi_levels(sh, dir, ascii);
        if (st == RA_OK)
            st = itemise(pdf, sh, face, ascii);
        if (st == RA_OK)
            st =
                ascii && dir != RA_DIR_RTL ? shape_ascii(pdf, sh, face, NULL) : shape_runs(pdf, sh);
        if (st == RA_OK && whole && !(ascii && dir != RA_DIR_RTL) && !sh->font_failed &&
            errno != ENOMEM)
            cache_add(sh, h, SHAPED_TEXT + (int)dir, face, utf8, len, sh->g, sh->ng, 0);
    }
    /* Sticky: a width measured as 0 or a glyph lost must fail the document. */
    if ((st = hb_watch_end(st)) == RA_ERR_NOMEM)
        sh->nomem = 1;
    return st;
}

/* --- Measuring --- */

/* Returns the width of printable ASCII utf8[0..len) in face, per point of
 * size, when every word of it was shaped before: the sum of its glyphs'
 * advances in the order shaped_width adds them; -1 when a word was not. */
static double remembered_width(const ra_pdf_t *pdf, ra_face_t face, const char *utf8, size_t len)
{
    double total = 0, upem = pdf->fonts->font[pdf->fonts->chain[face][0]].upem;
    for (size_t a = 0, b; a < len; a = b) {
        int space = utf8[a] == ' ';
        for (b = a + 1; b < len && (utf8[b] == ' ') == space; b++)
            ;
        if (b - a > SHAPE_CACHE_WORD)
            return -1;
        const shape_cache_t *in;
        const shaped_t *e = remembered(pdf, cache_hash(SHAPED_WORD, face, utf8 + a, b - a),
                                       SHAPED_WORD, face, utf8 + a, b - a, &in);
        if (!e)
            return -1;
        for (unsigned i = 0; i < e->ng; i++)
            total += (double)in->g[e->g + i].ax / upem;
    }
    return total;
}

/* Returns the shaped width of utf8[0..len) in face, per point of size. */
static double shaped_width(const ra_pdf_t *pdf, ra_face_t face, const char *utf8, size_t len)
{
    double known = printable_ascii(utf8, len) ? remembered_width(pdf, face, utf8, len) : -1;
    if (known >= 0)
        return known;
    if (ra_pdf__shape(pdf, face, RA_DIR_AUTO, utf8, len) != RA_OK)
        return 0;
    const shaper_t *sh = pdf->shaper;
    double total = 0;
    for (size_t i = 0; i < sh->ng; i++)
        total += (double)sh->g[i].ax / pdf->fonts->font[sh->g[i].font].upem;
    return total;
}

/* Whether width entry e is the one of utf8[0..len) in face (hash h). */
static int width_is(const width_entry_t *e, uint32_t h, ra_face_t face, const char *utf8,
                    size_t len)
{
    return e->len == len && e->hash == h && e->face == face && memcmp(e->text, utf8, len) == 0;
}

double ra_pdf_text_width(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                         size_t len)
{
    if (len == 0)
        return 0;
    face = face_ok(face);
    if (len > WIDTH_CACHE_TEXT)
        return shaped_width(pdf, face, utf8, len) * size;
    /* Short texts (words, labels) are remembered: hashed with their face. */
    shaper_t *sh = pdf->shaper;
    if (!sh->widths && !(sh->widths = calloc(WIDTH_CACHE_SIZE, sizeof *sh->widths))) {
        sh->nomem = 1; /* the document fails at save */
        return 0;
    }
    uint32_t h = ra_table_hash((unsigned char)face, utf8, len);
    size_t at = h & (WIDTH_CACHE_SIZE - 1);
    const width_entry_t *k = pdf->fonts->kept_widths;
    if (k && width_is(&k[at], h, face, utf8, len))
        return k[at].width * size;
    width_entry_t *e = &sh->widths[at];
    if (width_is(e, h, face, utf8, len))
        return e->width * size;
    double w = shaped_width(pdf, face, utf8, len);
    e->width = w;
    e->hash = h;
    e->face = (uint8_t)face;
    e->len = (uint8_t)len;
    memcpy(e->text, utf8, len);
    return w * size;
}

size_t ra_pdf_text_fit(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                       size_t len, double max_width)
{
    if (len == 0)
        return 0;
    if (ra_pdf__shape(pdf, face, RA_DIR_AUTO, utf8, len) != RA_OK)
        return len;
    shaper_t *sh = pdf->shaper;
    /* Each cluster's advance goes to its first character (in the font
     * array, free now), then the longest prefix of whole clusters fits. */
    double *adv = calloc(sh->ncp + 1, sizeof *adv);
    if (!adv) {
        sh->nomem = 1; /* "all fits" would be a wrong layout: the document fails at save */
        return len;
    }
    uint8_t *start = sh->level; /* reused: 1 where a cluster starts */
    memset(start, 0, sh->ncp);
    for (size_t i = 0; i < sh->ng; i++) {
        const glyph_t *g = &sh->g[i];
        if (g->c0 < sh->ncp) {
            adv[g->c0] += (double)g->ax * size / pdf->fonts->font[g->font].upem;
            start[g->c0] = 1;
        }
    }
    double total = 0, limit = max_width + 1e-6;
    size_t fit = 0; /* characters */
    for (size_t i = 0; i < sh->ncp; i++) {
        total += adv[i];
        if (i + 1 == sh->ncp || start[i + 1]) { /* a cluster ends after i */
            if (total > limit)
                break;
            fit = i + 1;
        }
    }
    if (fit == 0) { /* always progress by one cluster */
        fit = 1;
        while (fit < sh->ncp && !start[fit])
            fit++;
    }
    free(adv);
    return sh->byte[fit];
}

void ra_pdf_font_metrics(const ra_pdf_t *pdf, ra_face_t face, double *ascent, double *descent)
{
    const font_t *f = face_of(pdf, face);
    if (ascent)
        *ascent = f->ascent;
    if (descent)
        *descent = f->descent;
}

ra_status_t ra_pdf_sanitize(const ra_pdf_t *pdf, ra_face_t face, const char *utf8, size_t len,
                            ra_buf_t *out)
{
    ra_status_t st = ra_pdf__shape(pdf, face, RA_DIR_AUTO, utf8, len);
    const shaper_t *sh = pdf->shaper;
    for (size_t i = 0; st == RA_OK && i < sh->ncp; i++) {
        char u[4];
        st = ra_buf_append(out, u, ra_utf8_encode(sh->cp[i], u));
    }
    return st == RA_OK ? ra_buf_reserve(out, 0) : st;
}

size_t ra_pdf_text_missing(const ra_pdf_t *pdf, ra_face_t face, const char *utf8, size_t len,
                           uint32_t *cps, size_t max, size_t *ncps)
{
    size_t k = 0;
    if (ra_pdf__shape(pdf, face, RA_DIR_AUTO, utf8, len) != RA_OK) {
        if (ncps)
            *ncps = 0;
        return 0;
    }
    const shaper_t *sh = pdf->shaper;
    for (size_t i = 0; i < sh->nsubst; i++) {
        size_t j = 0;
        while (j < k && cps[j] != sh->subst[i].cp)
            j++;
        if (j == k && k < max)
            cps[k++] = sh->subst[i].cp;
    }
    if (ncps)
        *ncps = k;
    return sh->nsubst;
}

size_t ra_pdf_missing_count(const ra_pdf_t *pdf)
{
    return pdf->nmissing;
}

ra_dir_t ra_pdf_text_direction(const char *utf8, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)utf8[pos];
        if (c < 0x80) {
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                return RA_DIR_LTR;
            pos++;
            continue;
        }
        uint32_t cp = ra_utf8_decode(utf8, len, &pos);
        if (cp == RA_UTF8_INVALID)
            continue;
        FriBidiCharType t = fribidi_get_bidi_type(cp);
        if (FRIBIDI_IS_STRONG(t) && FRIBIDI_IS_LETTER(t))
            return FRIBIDI_IS_RTL(t) ? RA_DIR_RTL : RA_DIR_LTR;
    }
    return RA_DIR_AUTO;
}

const char *ra_pdf_unprintable(uint32_t cp)
{
    return cp == '\t' ? NULL : unprintable(cp);
}

int ra_pdf__attaches(uint32_t cp)
{
    return attaches(hb_unicode_funcs_get_default(), cp);
}

size_t ra_pdf_text_runs(const ra_pdf_t *pdf, ra_face_t face, ra_dir_t dir, const char *utf8,
                        size_t len, ra_pdf_run_t *runs, size_t max)
{
    if (ra_pdf__shape(pdf, face, dir, utf8, len) != RA_OK)
        return 0;
    const shaper_t *sh = pdf->shaper;
    size_t n = 0;
    ra_pdf_run_t cur = {0};
    int key_font = -1, key_script = 0, key_level = -1;
    /* Glyphs are in visual order; a run is a stretch of them whose
     * characters share level, script and font. */
    for (size_t i = 0; i <= sh->ng; i++) {
        const glyph_t *g = i < sh->ng ? &sh->g[i] : NULL;
        uint32_t c = g ? g->c0 : 0;
        int same =
            g && g->font == key_font && sh->script[c] == key_script && sh->level[c] == key_level;
        if (same) {
            cur.start = sh->byte[c] < cur.start ? sh->byte[c] : cur.start;
            cur.end = sh->byte[g->c1] > cur.end ? sh->byte[g->c1] : cur.end;
            continue;
        }
        if (key_font >= 0) {
            if (n < max)
                runs[n] = cur;
            n++;
        }
        if (!g)
            break;
        key_font = g->font;
        key_script = sh->script[c];
        key_level = sh->level[c];
        cur.start = sh->byte[c];
        cur.end = sh->byte[g->c1];
        hb_tag_to_string(hb_script_to_iso15924_tag((hb_script_t)key_script), cur.script);
        cur.script[4] = '\0';
        cur.font = pdf->fonts->font[key_font].name;
        cur.level = key_level;
    }
    return n;
}
