/* font.c - the font chain (fonts/chain.txt) and the document's fonts: subsets, /W, ToUnicode,
 * CIDSet.
 *
 * The chain file lists, one a line, a style (regular, bold, italic, mono),
 * the SHA-256 of a font file and its name (relative to the font directory,
 * "#N" after it picks face N of a collection); a style's lines in order are
 * the faces its text tries. Every file is checked with the chain and mapped
 * once when text first needs it (the first face of each style at once);
 * HarfBuzz reads it and hb-subset cuts the glyphs a document drew from it.
 */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <errno.h>
#include <fcntl.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/text.h"

static const char *const style_name[RA_FACE_COUNT] = {"regular", "bold", "italic", "mono"};

/* --- Font files --- */

/* Sets f->psname to the face's PostScript name (name ID 6), reduced to
 * characters allowed in a PDF name; the file name when there is none. */
static ra_status_t face_psname(font_t *f)
{
    char name[128];
    unsigned len = sizeof name;
    len =
        hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, name)
            ? len
            : 0;
    ra_buf_clear(&f->psname);
    for (unsigned i = 0; i < len && i < sizeof name; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c > 0x20 && c < 0x7F && !strchr("()<>[]{}/%#", (int)c) &&
            ra_buf_putc(&f->psname, (char)c) != RA_OK)
            return RA_ERR_NOMEM;
    }
    for (const char *c = f->name; f->psname.len == 0 && *c && *c != '.'; c++)
        if (((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
             *c == '-') &&
            ra_buf_putc(&f->psname, *c) != RA_OK)
            return RA_ERR_NOMEM;
    if (f->psname.len == 0 && ra_buf_puts(&f->psname, "Font") != RA_OK)
        return RA_ERR_NOMEM;
    return RA_OK;
}

/* Returns table tag of f's face as bytes (*len), or NULL when absent. */
static const unsigned char *face_table(const font_t *f, hb_tag_t tag, unsigned *len)
{
    hb_blob_t *b = hb_face_reference_table(f->face, tag);
    const char *d = hb_blob_get_data(b, len);
    hb_blob_destroy(b); /* the data stays: it is the mapped file */
    return *len ? (const unsigned char *)d : NULL;
}

/* Checks f's bytes against the chain's digest, unless fonts (may be NULL)
 * remembers that an earlier run did (fontcache.c); appends why not to err. */
static ra_status_t font_check(ra_pdf_fonts_t *fonts, font_t *f, ra_buf_t *err)
{
    unsigned char d[32];
    if (f->verified)
        return RA_OK;
    if (fonts && ra_pdf__cache_knows(fonts, f)) {
        f->verified = 1;
        return RA_OK;
    }
    ra_sha256(f->data, f->size, d);
    if (memcmp(d, f->sha256, 32) != 0) {
        if (err) {
            char hex[65];
            for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", d[i]);
            ra_buf_printf(err, "%s: SHA-256 is %s, not the one the font chain lists", f->path, hex);
        }
        return RA_ERR_FONT;
    }
    f->verified = 1;
    if (fonts)
        ra_pdf__cache_note(fonts, f);
    return RA_OK;
}

/* Frees what font_load made, and when all, the path too. */
static void font_free(font_t *f, int all)
{
    /* hb-subset 6.0 can leave the source face inconsistent when an
     * allocation fails while it cuts a subset (even when it returns a
     * plan), and destroying the face then crashes: such a face (and what
     * it reads) is left to the end of the process. */
    if (f->hb_damaged) {
        f->font = NULL;
        f->subset_face = NULL;
        f->face = NULL;
        f->blob = NULL;
        f->data = NULL;
    }
    hb_font_destroy(f->font);
    hb_face_destroy(f->subset_face);
    hb_face_destroy(f->face);
    hb_blob_destroy(f->blob);
    if (f->data)
        munmap(f->data, f->size);
    f->font = NULL;
    f->subset_face = NULL;
    f->face = NULL;
    f->blob = NULL;
    f->data = NULL;
    f->loaded = 0;
    ra_buf_free(&f->psname);
    if (all) {
        free(f->path);
        f->path = NULL;
        ra_buf_free(&f->why);
    }
}

/* Opens the font file f->path, checks that it is a regular file of a
 * usable size and gives its descriptor (*fd, or closes it when fd is
 * NULL); appends a reason to err. */
static ra_status_t font_open(font_t *f, int *fd, ra_buf_t *err)
{
    struct stat sb;
    const char *path = f->path;
    int d = open(path, O_RDONLY | O_CLOEXEC);
    if (d < 0) {
        if (err)
            ra_buf_printf(err, "cannot open %s: %s", path, strerror(errno));
        return errno == ENOMEM ? RA_ERR_NOMEM : RA_ERR_FONT;
    }
    if (fstat(d, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 12 ||
        (uint64_t)sb.st_size > FACE_FILE_MAX) {
        if (err)
            ra_buf_printf(err, "%s is not a usable font file", path);
        close(d);
        return RA_ERR_FONT;
    }
    f->size = (size_t)sb.st_size;
    if (fd) { /* opened to be read: the stat the cache compares (fontcache.c) */
        ra_pdf__stat_of(&sb, d, &f->st);
        *fd = d;
    } else {
        close(d);
    }
    return RA_OK;
}

/* Maps face f->index of the font file f->path and reads it through
 * HarfBuzz; appends a reason to err. */
static ra_status_t font_load(font_t *f, ra_buf_t *err)
{
    int fd;
    const char *path = f->path;
    unsigned index = f->index;
    int faulty = 0; /* the file itself is wrong, whatever its digest */
    hb_watch_begin();
    ra_status_t st = font_open(f, &fd, err);
    if (st != RA_OK) {
        f->loaded = -1;
        return st;
    }
    st = RA_ERR_FONT;
    void *map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        if (err)
            ra_buf_printf(err, "cannot read %s: %s", path, strerror(errno));
        goto done;
    }
    f->data = map;
    f->blob = hb_blob_create((const char *)f->data, (unsigned)f->size, HB_MEMORY_MODE_READONLY,
                             NULL, NULL);
    unsigned count = hb_face_count(f->blob);
    if (index >= count) {
        if (err)
            ra_buf_printf(err, "%s has no face %u", path, index);
        if (count > 0) /* the file was read: not a failure of memory */
            faulty = 1;
        goto done;
    }
    f->face = hb_face_create(f->blob, index);
    f->font = hb_font_create(f->face);
    if (f->face == hb_face_get_empty() || f->font == hb_font_get_empty()) {
        st = RA_ERR_NOMEM;
        goto done;
    }
    f->upem = hb_face_get_upem(f->face);
    f->num_glyphs = hb_face_get_glyph_count(f->face);
    if (f->num_glyphs < 2 || f->num_glyphs > 65535 || f->upem < 16) {
        if (err)
            ra_buf_printf(err, "%s is not a usable font file", path);
        goto done;
    }
    unsigned len;
    f->cff = face_table(f, HB_TAG('C', 'F', 'F', ' '), &len) != NULL;
    if (!f->cff && !face_table(f, HB_TAG('g', 'l', 'y', 'f'), &len)) {
        if (err)
            ra_buf_printf(err, "%s has neither TrueType nor CFF outlines", path);
        goto done;
    }
    hb_font_extents_t ext;
    hb_font_get_h_extents(f->font, &ext);
    f->ascent = ext.ascender / (double)f->upem;
    f->descent = ext.descender / (double)f->upem;
    hb_position_t cap;
    f->cap_height = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap)
                        ? cap / (double)f->upem
                        : 0.7;
    const unsigned char *p;
    if ((p = face_table(f, HB_TAG('p', 'o', 's', 't'), &len)) && len >= 16) {
        f->italic_angle = (int32_t)be32(p + 4) / 65536.0;
        f->fixed_pitch = be32(p + 12) != 0;
    }
    f->weight = 400;
    if ((p = face_table(f, HB_TAG('O', 'S', '/', '2'), &len)) && len >= 6)
        f->weight = be16(p + 4);
    if ((p = face_table(f, HB_TAG('h', 'e', 'a', 'd'), &len)) && len >= 44)
        for (int i = 0; i < 4; i++)
            f->bbox[i] = (int)lround((int16_t)be16(p + 36 + 2 * i) * 1000.0 / f->upem);
    st = hb_watch_end(face_psname(f));
done:
    close(fd);
    /* HarfBuzz gives an empty blob, face or font when it runs out of
     * memory, which reads as a broken file; a file whose bytes are the ones
     * the chain lists is not broken, so its failure here is memory. */
    if (st == RA_ERR_FONT && !faulty && f->data && font_check(NULL, f, NULL) == RA_OK)
        st = RA_ERR_NOMEM;
    f->loaded = st == RA_OK ? 1 : -1;
    return st;
}

ra_status_t ra_pdf__font_ready(const ra_pdf_fonts_t *fonts, int fi)
{
    font_t *f = (font_t *)&fonts->font[fi];
    if (f->loaded == 0) {
        ra_buf_clear(&f->why);
        ra_status_t st = font_load(f, &f->why);
        /* Out of memory is not the file's fault: tried again next time. */
        if (st == RA_ERR_NOMEM) {
            font_free(f, 0);
            return st;
        }
    }
    return f->loaded == 1 ? RA_OK : RA_ERR_FONT;
}

ra_status_t ra_pdf__font_verify(ra_pdf_t *pdf, int fi)
{
    /* The note that the file was checked (and the cache's entry for it)
     * is the one thing a shared chain changes after it was made. */
    ra_pdf_fonts_t *fonts = (ra_pdf_fonts_t *)pdf->fonts;
    font_t *f = &fonts->font[fi];
    if (f->verified)
        return RA_OK;
    ra_buf_t why = RA_BUF_INIT;
    ra_status_t st = font_check(fonts, f, &why);
    if (st == RA_OK)
        ra_pdf__cache_save(fonts);
    if (st != RA_OK && !pdf->err) {
        pdf->err = 1;
        snprintf(pdf->errmsg, sizeof pdf->errmsg, "%s", ra_buf_str(&why));
    }
    ra_buf_free(&why);
    return st;
}

ra_status_t ra_pdf__font_failed(ra_pdf_t *pdf)
{
    const shaper_t *sh = pdf->shaper;
    if (!sh || !sh->font_failed)
        return RA_OK;
    if (!pdf->err) {
        pdf->err = 1;
        snprintf(pdf->errmsg, sizeof pdf->errmsg, "%s",
                 ra_buf_str(&pdf->fonts->font[sh->font_failed - 1].why));
    }
    return RA_ERR_FONT;
}

/* --- The chain --- */

/* Reads the regular file at path (at most CHAIN_FILE_MAX bytes) into text. */
static ra_status_t read_chain(const char *path, ra_buf_t *text, ra_buf_t *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat sb;
    ra_status_t st = RA_ERR_FONT;
    if (fd < 0) {
        ra_buf_printf(err, "cannot open the font chain %s: %s", path, strerror(errno));
        return errno == ENOMEM ? RA_ERR_NOMEM : RA_ERR_FONT;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > CHAIN_FILE_MAX) {
        ra_buf_printf(err, "the font chain %s is not a regular file of at most %u bytes", path,
                      CHAIN_FILE_MAX);
        goto done;
    }
    if ((st = ra_buf_reserve(text, (size_t)sb.st_size)) != RA_OK)
        goto done;
    ssize_t got;
    while ((got = read(fd, text->data + text->len, (size_t)sb.st_size - text->len)) > 0)
        text->len += (size_t)got;
    text->data[text->len] = '\0';
    if (got < 0) {
        ra_buf_printf(err, "cannot read the font chain %s: %s", path, strerror(errno));
        st = RA_ERR_FONT;
    }
done:
    close(fd);
    return st;
}

/* Reads the chain file at path into fonts, opening its files under dir;
 * the styles' first faces are checked against their digests unless
 * check_on_draw. */
static ra_status_t chain_load(ra_pdf_fonts_t *fonts, const char *path, const char *dir,
                              int check_on_draw, ra_buf_t *err)
{
    ra_buf_t text = RA_BUF_INIT, file = RA_BUF_INIT;
    ra_sha256_ctx_t ctx;
    ra_status_t st = read_chain(path, &text, err);
    if (st != RA_OK)
        goto done;
    ra_sha256_init(&ctx);
    ra_sha256_update(&ctx, text.data, text.len);
    long line = 0;
    char *f[4];
    size_t pos = 0;
    for (int nf; st == RA_OK && (nf = ra_text_line_fields(text.data, text.len, &pos, f, 4)) >= 0;) {
        line++;
        if (nf == 0 || f[0][0] == '#')
            continue;
        int style = -1;
        for (int s = 0; s < RA_FACE_COUNT; s++)
            if (strcmp(f[0], style_name[s]) == 0)
                style = s;
        unsigned char sha[32];
        if (nf != 3 || style < 0 || ra_unhex(f[1], sha, 32) != 0) {
            ra_buf_printf(err,
                          "%s:%ld: expected STYLE SHA-256 FILE (style regular, bold, "
                          "italic or mono; 64 lowercase hex digits)",
                          path, line);
            st = RA_ERR_FONT;
            break;
        }
        unsigned index = 0;
        char *hash = strrchr(f[2], '#');
        if (hash) {
            *hash = '\0';
            index = (unsigned)strtoul(hash + 1, NULL, 10);
        }
        ra_buf_clear(&file);
        st = f[2][0] == '/' ? ra_buf_puts(&file, f[2]) : ra_buf_printf(&file, "%s/%s", dir, f[2]);
        if (st != RA_OK)
            break;
        int fi = -1;
        for (size_t i = 0; i < fonts->nfonts && fi < 0; i++)
            if (strcmp(fonts->font[i].path, ra_buf_str(&file)) == 0 &&
                fonts->font[i].index == index)
                fi = (int)i;
        if (fi >= 0 && memcmp(fonts->font[fi].sha256, sha, 32) != 0) {
            ra_buf_printf(err, "%s:%ld: %s is listed before with another SHA-256", path, line,
                          ra_buf_str(&file));
            st = RA_ERR_FONT;
            break;
        }
        if (fi < 0) {
            if (fonts->nfonts == CHAIN_FONTS_MAX) {
                ra_buf_printf(err, "%s:%ld: more than %d font files", path, line, CHAIN_FONTS_MAX);
                st = RA_ERR_FONT;
                break;
            }
            font_t *ft = &fonts->font[fonts->nfonts++];
            memcpy(ft->sha256, sha, 32);
            ft->index = index;
            if (!(ft->path = strdup(ra_buf_str(&file)))) {
                st = RA_ERR_NOMEM;
                break;
            }
            const char *slash = strrchr(ft->path, '/');
            ft->name = slash ? slash + 1 : ft->path;
            /* Only looked at now: opened and read when first needed. */
            if ((st = font_open(ft, NULL, err)) != RA_OK)
                break;
            fi = (int)fonts->nfonts - 1;
        }
        if (fonts->nchain[style] == CHAIN_LEN_MAX) {
            ra_buf_printf(err, "%s:%ld: more than %d faces for %s", path, line, CHAIN_LEN_MAX,
                          style_name[style]);
            st = RA_ERR_FONT;
            break;
        }
        fonts->chain[style][fonts->nchain[style]++] = fi;
        ra_sha256_update(&ctx, sha, 32);
    }
    for (int s = 0; st == RA_OK && s < RA_FACE_COUNT; s++) {
        if (fonts->nchain[s] == 0) {
            ra_buf_printf(err, "%s: no %s face", path, style_name[s]);
            st = RA_ERR_FONT;
            break;
        }
        /* A style's first face draws its printable ASCII (the fast path of
         * shape.c) and gives its metrics; it is checked now, unless the
         * caller only asks which characters the faces have. */
        font_t *first = &fonts->font[fonts->chain[s][0]];
        if (!first->loaded && (st = font_load(first, err)) != RA_OK)
            break;
        hb_watch_begin(); /* the cmap is read on first use */
        for (uint32_t c = 0x20; c < 0x7F && st == RA_OK; c++) {
            hb_codepoint_t g;
            if (!hb_font_get_nominal_glyph(first->font, c, &g) || !g)
                st = hb_watch_end(RA_OK) != RA_OK ? RA_ERR_NOMEM : RA_ERR_FONT;
            if (st == RA_ERR_FONT)
                ra_buf_printf(err, "%s: the first %s face %s lacks U+%04X", path, style_name[s],
                              first->path, (unsigned)c);
        }
        if (st == RA_OK && !check_on_draw)
            st = font_check(fonts, first, err);
    }
    if (st == RA_OK)
        ra_sha256_final(&ctx, fonts->sha256);
    ra_pdf__cache_save(fonts);
done:
    ra_buf_free(&text);
    ra_buf_free(&file);
    return st;
}

ra_status_t ra_pdf_fonts_new(const ra_pdf_options_t *opt, ra_pdf_fonts_t **out)
{
    static const ra_pdf_options_t none = {0};
    ra_buf_t scratch = RA_BUF_INIT;
    *out = NULL;
    if (!opt)
        opt = &none;
    ra_pdf_fonts_t *fonts = calloc(1, sizeof *fonts);
    if (!fonts)
        return RA_ERR_NOMEM;
    ra_pdf__cache_read(fonts, opt->verified_fonts);
    ra_status_t st = chain_load(fonts, opt->font_chain ? opt->font_chain : RA_PDF_FONT_CHAIN,
                                opt->font_dir ? opt->font_dir : RA_PDF_FONT_DIR, opt->check_on_draw,
                                opt->errmsg ? opt->errmsg : &scratch);
    ra_buf_free(&scratch);
    if (st != RA_OK) {
        ra_pdf_fonts_free(fonts);
        return st;
    }
    ra_pdf__store_read(fonts, opt->shaped_words);
    ra_pdf__subsets_read(fonts, opt->font_subsets);
    *out = fonts;
    return RA_OK;
}

void ra_pdf_fonts_free(ra_pdf_fonts_t *fonts)
{
    if (!fonts)
        return;
    for (size_t i = 0; i < fonts->nfonts; i++)
        font_free(&fonts->font[i], 1);
    ra_pdf__cache_free(&fonts->kept);
    ra_pdf__cache_free(&fonts->stored);
    free(fonts->kept_widths);
    free(fonts->cache_path);
    free(fonts->store_path);
    free(fonts->stored_used);
    ra_usercache_unmap(&fonts->subsets_map);
    free(fonts->subsets_path);
    ra_buf_free(&fonts->kept_subsets);
    free(fonts);
}

void ra_pdf_fonts_prepare(const ra_pdf_fonts_t *fonts, int subset)
{
    /* What HarfBuzz reads on first use: the shaping tables and plans of
     * left-to-right Latin text, and with subset, hb-subset's accelerator
     * (about 5 ms a face to make, about 0.4 ms a face saved per document). */
    hb_buffer_t *buf = hb_buffer_create();
    for (int s = 0; s < RA_FACE_COUNT; s++) {
        font_t *f = (font_t *)&fonts->font[fonts->chain[s][0]];
        if (f->loaded != 1)
            continue;
        hb_watch_begin();
        hb_buffer_clear_contents(buf);
        hb_buffer_add_utf8(buf, "Readiness: AV fi 1.0", -1, 0, -1);
        hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
        hb_buffer_set_script(buf, HB_SCRIPT_LATIN);
        hb_buffer_set_flags(buf, HB_BUFFER_FLAG_REMOVE_DEFAULT_IGNORABLES | HB_BUFFER_FLAG_BOT |
                                     HB_BUFFER_FLAG_EOT);
        hb_shape_full(f->font, buf, NULL, 0, NULL);
        if (subset && !f->subset_face) {
            hb_face_t *pre = hb_subset_preprocess(f->face);
            /* One that memory ran out for is not used: documents cut their
             * subsets from the face itself, as without it. */
            if (hb_watch_end(RA_OK) != RA_OK || hb_face_get_glyph_count(pre) != f->num_glyphs)
                hb_face_destroy(pre);
            else
                f->subset_face = pre;
        }
    }
    hb_buffer_destroy(buf);
}

void ra_pdf_fonts_sha256(const ra_pdf_fonts_t *fonts, unsigned char out[32])
{
    memcpy(out, fonts->sha256, 32);
}

const ra_pdf_fonts_t *ra_pdf_fonts_of(const ra_pdf_t *pdf)
{
    return pdf->fonts;
}

/* --- Reports --- */

/* Reports a substitution once per code point (once in all for malformed
 * UTF-8). */
void ra_pdf__report(ra_pdf_t *pdf, ra_face_t face, uint32_t cp, uint32_t drawn, const char *why)
{
    if (cp == RA_UTF8_INVALID) {
        if (pdf->reported_invalid)
            return;
        pdf->reported_invalid = 1;
    } else {
        if (!pdf->reported) {
            pdf->reported = calloc(0x110000 / 8, 1);
            if (!pdf->reported)
                return; /* out of memory: report again rather than never */
        }
        if (pdf->reported[cp >> 3] & (1u << (cp & 7)))
            return;
        pdf->reported[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }
    /* Without a callback nothing is said: the caller names the fields that
     * lose characters beforehand (ra_pdf_fonts_missing), and
     * ra_pdf_missing_count says how many were drawn as U+FFFD. */
    (void)drawn;
    if (pdf->on_glyph)
        pdf->on_glyph(pdf->glyph_ctx, cp, face, why);
}

/* --- The document's fonts --- */

/* Creates the PDF objects of font file fi on first use: Type0 font, CID
 * font, descriptor and the streams filled at save time. */
static ra_status_t ensure_font(ra_pdf_t *pdf, face_t *f)
{
    const font_t *ft = f->ft;
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    if (f->type0)
        return RA_OK;
    f->type0 = ra_pdf__new_indirect(pdf);
    f->cidfont = ra_pdf__new_indirect(pdf);
    f->desc = ra_pdf__new_indirect(pdf);
    f->file = ra_pdf__new_stream(pdf);
    f->map_stream = ft->cff ? NULL : ra_pdf__new_stream(pdf);
    f->tounicode = ra_pdf__new_stream(pdf);
    HPDF_Array desc_fonts = HPDF_Array_New(mm);
    HPDF_Dict sysinfo = HPDF_Dict_New(mm);
    HPDF_Array bbox = HPDF_Array_New(mm);
    if (!f->type0 || !f->cidfont || !f->desc || !f->file || (!ft->cff && !f->map_stream) ||
        !f->tounicode || !desc_fonts || !sysinfo || !bbox || pdf->err)
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);

    HPDF_STATUS s = HPDF_OK;
    s |= HPDF_Dict_AddName(f->type0, "Type", "Font");
    s |= HPDF_Dict_AddName(f->type0, "Subtype", "Type0");
    s |= HPDF_Dict_AddName(f->type0, "Encoding", "Identity-H");
    /* A direct object given to a failed add is freed: fill it, then add it. */
    s |= HPDF_Array_Add(desc_fonts, f->cidfont);
    s |= HPDF_Dict_Add(f->type0, "DescendantFonts", desc_fonts);
    s |= HPDF_Dict_Add(f->type0, "ToUnicode", f->tounicode);

    s |= HPDF_Dict_AddName(f->cidfont, "Type", "Font");
    s |= HPDF_Dict_AddName(f->cidfont, "Subtype", ft->cff ? "CIDFontType0" : "CIDFontType2");
    s |= HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    s |= HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    s |= HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);
    s |= HPDF_Dict_Add(f->cidfont, "CIDSystemInfo", sysinfo);
    s |= HPDF_Dict_Add(f->cidfont, "FontDescriptor", f->desc);
    s |= HPDF_Dict_AddNumber(
        f->cidfont, "DW",
        (HPDF_INT32)lround(hb_font_get_glyph_h_advance(ft->font, 0) * 1000.0 / ft->upem));
    if (!ft->cff)
        s |= HPDF_Dict_Add(f->cidfont, "CIDToGIDMap", f->map_stream);

    for (int i = 0; i < 4; i++)
        s |= HPDF_Array_AddNumber(bbox, ft->bbox[i]);
    /* Flags: symbolic (4; glyphs beyond the standard Latin set), plus
     * fixed pitch (1) and italic (64) where they apply. */
    HPDF_INT32 flags = 4 | (ft->fixed_pitch ? 1 : 0) | (ft->italic_angle != 0 ? 64 : 0);
    s |= HPDF_Dict_AddName(f->desc, "Type", "FontDescriptor");
    s |= HPDF_Dict_AddNumber(f->desc, "Flags", flags);
    s |= HPDF_Dict_Add(f->desc, "FontBBox", bbox);
    s |= HPDF_Dict_AddReal(f->desc, "ItalicAngle", (HPDF_REAL)ft->italic_angle);
    s |= HPDF_Dict_AddNumber(f->desc, "Ascent", (HPDF_INT32)lround(ft->ascent * 1000));
    s |= HPDF_Dict_AddNumber(f->desc, "Descent", (HPDF_INT32)lround(ft->descent * 1000));
    s |= HPDF_Dict_AddNumber(f->desc, "CapHeight", (HPDF_INT32)lround(ft->cap_height * 1000));
    s |= HPDF_Dict_AddNumber(f->desc, "StemV", ft->weight >= 600 ? 120 : 80);
    s |= HPDF_Dict_Add(f->desc, ft->cff ? "FontFile3" : "FontFile2", f->file);
    if (ft->cff)
        s |= HPDF_Dict_AddName(f->file, "Subtype", "CIDFontType0C");
    return hp(pdf, s);
}

/* Makes font file fi usable on page pg: PDF objects and a /F<n> resource. */
ra_status_t ra_pdf__use_font(ra_pdf_t *pdf, page_t *pg, int fi)
{
    face_t *f = &pdf->face[fi];
    if (pg->fonts & (1u << fi))
        return RA_OK;
    f->ft = &pdf->fonts->font[fi];
    if (!f->map && !(f->map = calloc(f->ft->num_glyphs, sizeof *f->map)))
        return keep(pdf, RA_ERR_NOMEM);
    if (ensure_font(pdf, f) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    HPDF_Dict res = HPDF_Dict_GetItem(pg->page, "Resources", HPDF_OCLASS_DICT);
    if (!res)
        return hp(pdf, HPDF_INVALID_PAGE);
    HPDF_Dict fonts = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
    if (!fonts) {
        fonts = HPDF_Dict_New(ra_pdf__mmgr(pdf));
        if (!fonts || hp(pdf, HPDF_Dict_Add(res, "Font", fonts)) != RA_OK)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    char name[8];
    snprintf(name, sizeof name, "F%d", fi);
    if (hp(pdf, HPDF_Dict_Add(fonts, name, f->type0)) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    pg->fonts |= 1u << fi;
    return RA_OK;
}

/* Returns the advance of glyph g of f in whole 1/1000 em. */
static int32_t glyph_width(const font_t *f, uint32_t g)
{
    return (int32_t)round(hb_font_get_glyph_h_advance(f->font, g) * 1000.0 / f->upem);
}

int ra_pdf__glyph_add(ra_pdf_t *pdf, int fi, uint32_t g, const uint32_t *cps, size_t n,
                      double *width)
{
    face_t *f = &pdf->face[fi];
    if (g >= f->ft->num_glyphs) {
        *width = glyph_width(f->ft, g);
        return 0;
    }
    if (n > TOUNICODE_CPS_MAX)
        n = TOUNICODE_CPS_MAX;
    /* The width is asked for every glyph drawn: the font's once per glyph. */
    size_t off = f->pool.len / 4;
    uint32_t nn = (uint32_t)n;
    int32_t w = glyph_width(f->ft, g);
    if (ra_buf_append(&f->pool, (const char *)&nn, 4) != RA_OK ||
        ra_buf_append(&f->pool, (const char *)&w, 4) != RA_OK ||
        ra_buf_append(&f->pool, (const char *)cps, n * 4) != RA_OK)
        return -1;
    f->map[g] = (uint32_t)off + 1;
    *width = w;
    return 1;
}

/* Writes "XXXX" for a 16-bit value at p; returns the end. */
static char *put_hex4(char *p, uint32_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    p[0] = hex[(v >> 12) & 15];
    p[1] = hex[(v >> 8) & 15];
    p[2] = hex[(v >> 4) & 15];
    p[3] = hex[v & 15];
    return p + 4;
}

/* Appends the UTF-16BE hex of code point cp. */
static char *put_utf16_hex(char *p, uint32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        p = put_hex4(p, 0xD800 | (cp >> 10));
        return put_hex4(p, 0xDC00 | (cp & 0x3FF));
    }
    return put_hex4(p, cp);
}

/* Builds the CMapType 2 ToUnicode map of face f's drawn glyphs (gids[0..n),
 * ascending): bfchar blocks of at most 100 entries, glyph id to its
 * characters as UTF-16BE. */
static ra_status_t build_tounicode(const face_t *f, const uint32_t *gids, size_t n, ra_buf_t *b)
{
    ra_status_t st = ra_buf_puts(b, "/CIDInit /ProcSet findresource begin\n"
                                    "12 dict begin\n"
                                    "begincmap\n"
                                    "/CIDSystemInfo << /Registry (Adobe) /Ordering "
                                    "(UCS) /Supplement 0 >> def\n"
                                    "/CMapName /Adobe-Identity-UCS def\n"
                                    "/CMapType 2 def\n"
                                    "1 begincodespacerange\n<0000> <FFFF>\n"
                                    "endcodespacerange\n");
    for (size_t i = 0; i < n && st == RA_OK; i += 100) {
        size_t k = n - i < 100 ? n - i : 100;
        st = ra_buf_printf(b, "%zu beginbfchar\n", k);
        for (size_t j = i; j < i + k && st == RA_OK; j++) {
            uint32_t cnt, cps[TOUNICODE_CPS_MAX];
            const char *at = f->pool.data + (size_t)(f->map[gids[j]] - 1) * 4;
            memcpy(&cnt, at, 4);
            memcpy(cps, at + 8, cnt * 4);
            if ((st = ra_buf_reserve(b, 16 + 8 * (size_t)cnt)) != RA_OK)
                break;
            char *p = b->data + b->len;
            *p++ = '<';
            p = put_hex4(p, gids[j]);
            *p++ = '>';
            *p++ = ' ';
            *p++ = '<';
            for (uint32_t c = 0; c < cnt; c++)
                p = put_utf16_hex(p, cps[c]);
            *p++ = '>';
            *p++ = '\n';
            b->len = (size_t)(p - b->data);
            b->data[b->len] = '\0';
        }
        if (st == RA_OK)
            st = ra_buf_puts(b, "endbfchar\n");
    }
    if (st == RA_OK)
        st = ra_buf_puts(b, "endcmap\n"
                            "CMapName currentdict /CMap defineresource pop\n"
                            "end\nend\n");
    return st;
}

/* Returns the subset tag: six capitals from a hash of the font name and
 * the glyphs used, so that equal subsets get equal tags. */
static void subset_tag(const font_t *f, const uint32_t *gids, size_t n, char tag[7])
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < f->psname.len; i++)
        h = (h ^ (unsigned char)f->psname.data[i]) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ gids[i]) * 16777619u;
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h = h / 26 * 2654435761u + (uint32_t)i;
    }
    tag[6] = '\0';
}

/* Adds to unicodes every character the cmap of ft maps to one of
 * gids[0..n) (glyph 0 aside); returns 1 when each of those glyphs is the
 * nominal glyph of a character, 0 when one is not (a ligature, a
 * contextual form) or memory ran out. */
static int cmap_preimage(const font_t *ft, const uint32_t *gids, size_t n, hb_set_t *unicodes)
{
    for (size_t i = 0; i < n; i++)
        if (gids[i] >= ft->num_glyphs) /* no character maps to it */
            return 0;
    /* Per glyph of the face: 0 not drawn, 1 drawn, 2 drawn and reached. */
    uint8_t *state = calloc(ft->num_glyphs, 1);
    hb_set_t *all = hb_set_create();
    size_t drawn = 0, reached = 0;
    for (size_t i = 0; state && i < n; i++)
        if (gids[i] && !state[gids[i]]) {
            state[gids[i]] = 1;
            drawn++;
        }
    if (state)
        hb_face_collect_unicodes(ft->face, all);
    /* Looked up 256 at a time; a lookup stops at a character the cmap
     * does not map. */
    hb_codepoint_t cps[256], gs[256], last = HB_SET_VALUE_INVALID;
    for (unsigned m; state && (m = hb_set_next_many(all, last, cps, 256)) > 0; last = cps[m - 1])
        for (unsigned i = 0; i < m; i++) {
            unsigned got = hb_font_get_nominal_glyphs(ft->font, m - i, cps + i, sizeof *cps, gs + i,
                                                      sizeof *gs);
            for (unsigned k = i; k < i + got; k++)
                if (gs[k] && gs[k] < ft->num_glyphs && state[gs[k]]) {
                    hb_set_add(unicodes, cps[k]);
                    reached += state[gs[k]] == 1;
                    state[gs[k]] = 2;
                }
            i += got; /* cps[i] is not mapped */
        }
    int ok = state && hb_set_allocation_successful(all) && hb_set_allocation_successful(unicodes) &&
             reached == drawn;
    free(state);
    hb_set_destroy(all);
    return ok;
}

/* Subsets f's font to glyph 0 and gids[0..n) with hb-subset: appends the
 * font program (TrueType, or the bare CFF table) to out and sets newid[g]
 * for each glyph g kept. */
static ra_status_t make_subset(const font_t *ft, const uint32_t *gids, size_t n, uint16_t *newid,
                               ra_buf_t *out)
{
    static const hb_tag_t drop[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('k', 'e', 'r', 'n'), HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'),
        HB_TAG('M', 'A', 'T', 'H'), HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'),
        HB_TAG('V', 'O', 'R', 'G'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('h', 'd', 'm', 'x'),
        HB_TAG('L', 'T', 'S', 'H'), HB_TAG('V', 'D', 'M', 'X'), HB_TAG('g', 'a', 's', 'p'),
        HB_TAG('F', 'F', 'T', 'M'), HB_TAG('m', 'e', 't', 'a')};
    ra_status_t st = RA_ERR_NOMEM;
    hb_subset_plan_t *plan = NULL;
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return RA_ERR_NOMEM;
    /* Given glyphs, hb-subset 6.0 reads the whole cmap into a hash map to
     * find the characters they stand for (most of a plan's cost); given
     * those characters instead, it looks each up, and cuts the same
     * subset. So the characters are given when they reach every glyph,
     * unless the face has hb-subset's accelerator, which maps glyphs to
     * characters itself. */
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_t *us = hb_subset_input_unicode_set(in);
    if (ft->subset_face || !cmap_preimage(ft, gids, n, us)) {
        hb_set_clear(us);
        hb_set_add(gs, 0);
        for (size_t i = 0; i < n; i++)
            hb_set_add(gs, gids[i]);
    }
    hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof *drop; i++)
        hb_set_add(tables, drop[i]);
    hb_set_clear(hb_subset_input_set(in, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG));
    /* A set that could not grow would silently leave glyphs out. */
    if (!hb_set_allocation_successful(gs) || !hb_set_allocation_successful(us) ||
        !hb_set_allocation_successful(tables))
        goto done; /* RA_ERR_NOMEM */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING |
                                      (ft->cff ? HB_SUBSET_FLAGS_DESUBROUTINIZE : 0));
    if (!(plan = hb_subset_plan_create_or_fail(ft->subset_face ? ft->subset_face : ft->face, in)))
        goto done; /* RA_ERR_NOMEM */
    const hb_map_t *map = hb_subset_plan_old_to_new_glyph_mapping(plan);
    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t g = hb_map_get(map, gids[i]);
        newid[i] = g == HB_MAP_VALUE_INVALID ? 0 : (uint16_t)g;
    }
    if (!(sub = hb_subset_plan_execute_or_fail(plan)))
        goto done;
    blob = ft->cff ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '))
                   : hb_face_reference_blob(sub);
    unsigned len;
    const char *data = hb_blob_get_data(blob, &len);
    st = len ? ra_buf_append(out, data, len) : RA_ERR_NOMEM;
done:
    /* hb-subset fails for want of memory: the font was checked against the
     * chain's digest before any of its glyphs was drawn, so it is a font
     * hb-subset cuts (an empty result included). */
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(in);
    if (st != RA_OK || errno == ENOMEM)
        ((font_t *)ft)->hb_damaged = 1; /* see font_free */
    return st;
}

/* Completes the objects of face f (font file fi): BaseFont, the subset,
 * /W, /CIDToGIDMap, /CIDSet and /ToUnicode for the glyphs drawn. CIDs are
 * the font's own glyph ids (for the CID-keyed CFF of Noto CJK, its CIDs). */
static ra_status_t finish_face(ra_pdf_t *pdf, int fi, face_t *f)
{
    const font_t *ft = f->ft;
    ra_status_t st;
    ra_buf_t b = RA_BUF_INIT;
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    size_t n = 0;
    uint32_t *gids = malloc(ft->num_glyphs * sizeof *gids);
    uint16_t *newid = malloc(ft->num_glyphs * sizeof *newid);
    if (!gids || !newid) {
        st = keep(pdf, RA_ERR_NOMEM);
        goto done;
    }
    for (uint32_t g = 0; g < ft->num_glyphs; g++)
        if (f->map[g])
            gids[n++] = g;

    char tag[7];
    subset_tag(ft, gids, n, tag);
    if ((st = keep(pdf, ra_buf_printf(&b, "%s+%s", tag, ra_buf_str(&ft->psname)))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->type0, "BaseFont", b.data))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->cidfont, "BaseFont", b.data))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->desc, "FontName", b.data))) != RA_OK)
        goto done;

    /* The font program: as an earlier run embedded it, else cut now. */
    const char *z;
    size_t zlen, len1;
    if (ra_pdf__subset_find(pdf->fonts, fi, gids, n, newid, &z, &zlen, &len1)) {
        st = ra_pdf__stream_set_deflated(pdf, f->file, z, zlen);
    } else {
        ra_buf_clear(&b);
        hb_watch_begin();
        if ((st = hb_watch_end(make_subset(ft, gids, n, newid, &b))) != RA_OK) {
            st = keep(pdf, st);
            goto done;
        }
        len1 = b.len;
        if ((st = ra_pdf__stream_set(pdf, f->file, b.data, b.len, NULL)) == RA_OK)
            ra_pdf__subset_note(pdf, fi, gids, n, newid, pdf->zout.data, pdf->zout.len, len1);
    }
    if (st != RA_OK ||
        (!ft->cff &&
         (st = hp(pdf, HPDF_Dict_AddNumber(f->file, "Length1", (HPDF_UINT32)len1))) != RA_OK))
        goto done;

    uint32_t max = n ? gids[n - 1] : 0;
    /* CIDToGIDMap (TrueType): two bytes per CID up to the highest one used. */
    if (!ft->cff) {
        ra_buf_clear(&b);
        if ((st = keep(pdf, ra_buf_reserve(&b, 2 * (size_t)(max + 1)))) != RA_OK)
            goto done;
        memset(b.data, 0, 2 * (size_t)(max + 1));
        for (size_t i = 0; i < n; i++) {
            b.data[2 * gids[i]] = (char)(newid[i] >> 8);
            b.data[2 * gids[i] + 1] = (char)newid[i];
        }
        b.len = 2 * (size_t)(max + 1);
        if ((st = ra_pdf__stream_set(pdf, f->map_stream, b.data, b.len, NULL)) != RA_OK)
            goto done;
    }

    /* CIDSet (PDF/A-1 wants one for a subset): a bit per CID present,
     * the most significant bit of the first byte for CID 0 (.notdef). */
    if (!f->cidset) {
        f->cidset = ra_pdf__new_stream(pdf);
        if (!f->cidset || (st = hp(pdf, HPDF_Dict_Add(f->desc, "CIDSet", f->cidset))) != RA_OK) {
            st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
            goto done;
        }
    }
    ra_buf_clear(&b);
    if ((st = keep(pdf, ra_buf_reserve(&b, max / 8 + 1))) != RA_OK)
        goto done;
    memset(b.data, 0, max / 8 + 1);
    b.data[0] = (char)0x80;
    for (size_t i = 0; i < n; i++)
        b.data[gids[i] / 8] |= (char)(0x80u >> (gids[i] % 8));
    b.len = max / 8 + 1;
    if ((st = ra_pdf__stream_set(pdf, f->cidset, b.data, b.len, NULL)) != RA_OK)
        goto done;

    /* W: [first [w w ...] first [w ...] ...] for runs of used CIDs. */
    HPDF_Array w = HPDF_Array_New(mm);
    if (!w || (st = hp(pdf, HPDF_Dict_Add(f->cidfont, "W", w))) != RA_OK) {
        st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        goto done;
    }
    HPDF_Array run = NULL;
    HPDF_STATUS s = HPDF_OK;
    for (size_t i = 0; i < n && s == HPDF_OK; i++) {
        uint32_t g = gids[i];
        if (i > 0 && g != gids[i - 1] + 1)
            run = NULL;
        if (!run) {
            run = HPDF_Array_New(mm);
            if (!run) {
                s = HPDF_FAILD_TO_ALLOC_MEM;
                break;
            }
            s |= HPDF_Array_AddNumber(w, (HPDF_INT32)g);
            s |= HPDF_Array_Add(w, run);
        }
        s |= HPDF_Array_AddNumber(
            run, (HPDF_INT32)lround(hb_font_get_glyph_h_advance(ft->font, g) * 1000.0 / ft->upem));
    }
    if ((st = hp(pdf, s)) != RA_OK)
        goto done;

    /* ToUnicode. */
    ra_buf_clear(&b);
    if ((st = keep(pdf, build_tounicode(f, gids, n, &b))) != RA_OK)
        goto done;
    st = ra_pdf__stream_set(pdf, f->tounicode, b.data, b.len, NULL);
done:
    free(gids);
    free(newid);
    ra_buf_free(&b);
    return st;
}

ra_status_t ra_pdf__finish_fonts(ra_pdf_t *pdf)
{
    for (size_t i = 0; i < pdf->fonts->nfonts; i++) {
        face_t *f = &pdf->face[i];
        ra_status_t st;
        if (f->type0 && (st = finish_face(pdf, (int)i, f)) != RA_OK)
            return st;
    }
    return RA_OK;
}

/* --- Glyph outlines --- */

/* Where hb_font_get_glyph_shape draws: the path and its transformation. */
typedef struct {
    ra_buf_t *b;
    const xform_t *m;
    ra_status_t st;
} outline_t;

/* Appends "x y ..." of n glyph-space points under m, then op. */
static void put_pts(outline_t *o, const float *xy, int n, const char *op)
{
    double v[6];
    for (int i = 0; i < n; i++) {
        v[2 * i] = o->m->a * xy[2 * i] + o->m->c * xy[2 * i + 1] + o->m->e;
        v[2 * i + 1] = o->m->b * xy[2 * i] + o->m->d * xy[2 * i + 1] + o->m->f;
    }
    if (o->st == RA_OK)
        o->st = ra_pdf__put_op(o->b, v, 2 * n, op);
}

static void draw_move(hb_draw_funcs_t *df, void *data, hb_draw_state_t *ds, float x, float y,
                      void *ud)
{
    (void)df, (void)ds, (void)ud;
    float p[2] = {x, y};
    put_pts(data, p, 1, "m");
}

static void draw_line(hb_draw_funcs_t *df, void *data, hb_draw_state_t *ds, float x, float y,
                      void *ud)
{
    (void)df, (void)ds, (void)ud;
    float p[2] = {x, y};
    put_pts(data, p, 1, "l");
}

static void draw_quad(hb_draw_funcs_t *df, void *data, hb_draw_state_t *ds, float cx, float cy,
                      float x, float y, void *ud)
{
    (void)df, (void)ud;
    /* The quadratic p0-c-p2 as a cubic. */
    float x0 = ds->current_x, y0 = ds->current_y;
    float p[6] = {x0 + 2.0f / 3 * (cx - x0),
                  y0 + 2.0f / 3 * (cy - y0),
                  x + 2.0f / 3 * (cx - x),
                  y + 2.0f / 3 * (cy - y),
                  x,
                  y};
    put_pts(data, p, 3, "c");
}

static void draw_cubic(hb_draw_funcs_t *df, void *data, hb_draw_state_t *ds, float c1x, float c1y,
                       float c2x, float c2y, float x, float y, void *ud)
{
    (void)df, (void)ds, (void)ud;
    float p[6] = {c1x, c1y, c2x, c2y, x, y};
    put_pts(data, p, 3, "c");
}

static void draw_close(hb_draw_funcs_t *df, void *data, hb_draw_state_t *ds, void *ud)
{
    (void)df, (void)ds, (void)ud;
    outline_t *o = data;
    if (o->st == RA_OK)
        o->st = ra_buf_puts(o->b, "h\n");
}

ra_status_t ra_pdf__put_glyph(ra_buf_t *b, const font_t *f, uint32_t g, const xform_t *m)
{
    hb_watch_begin();
    hb_draw_funcs_t *df = hb_draw_funcs_create();
    hb_draw_funcs_set_move_to_func(df, draw_move, NULL, NULL);
    hb_draw_funcs_set_line_to_func(df, draw_line, NULL, NULL);
    hb_draw_funcs_set_quadratic_to_func(df, draw_quad, NULL, NULL);
    hb_draw_funcs_set_cubic_to_func(df, draw_cubic, NULL, NULL);
    hb_draw_funcs_set_close_path_func(df, draw_close, NULL, NULL);
    outline_t o = {b, m, RA_OK};
    hb_font_get_glyph_shape(f->font, g, df, &o);
    hb_draw_funcs_destroy(df);
    return hb_watch_end(o.st);
}
