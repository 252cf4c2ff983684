/* font.c - the document's fonts: measuring, CID font objects, /W, ToUnicode, CIDSet. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <math.h>
#include <stdlib.h>

#include "base/text.h"

static const char *const default_font_file[RA_FACE_COUNT] = {
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSansMono.ttf"};

/* --- Measuring --- */

double ra_pdf_text_width(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                         size_t len)
{
    const font_t *f = face_of(pdf, face);
    unsigned long total = 0;
    size_t pos = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)utf8[pos];
        if (c >= 0x20 && c < 0x7F) { /* ASCII fast path */
            pos++;
            total += f->ascii_w[c];
            continue;
        }
        total += ra_pdf__face_advance(f, ra_utf8_decode(utf8, len, &pos));
    }
    return (double)total * size / 1000.0;
}

size_t ra_pdf_text_fit(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                       size_t len, double max_width)
{
    const font_t *f = face_of(pdf, face);
    /* Compare in font units, with a hair of tolerance for rounding. */
    double limit = size > 0 ? max_width * 1000.0 / size + 1e-6 : 0;
    unsigned long total = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t next = pos;
        total += ra_pdf__face_advance(f, ra_utf8_decode(utf8, len, &next));
        if ((double)total > limit)
            break;
        pos = next;
    }
    if (pos == 0 && len > 0) /* always progress by one code point */
        ra_utf8_decode(utf8, len, &pos);
    return pos;
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
    const font_t *f = face_of(pdf, face);
    size_t pos = 0;
    while (pos < len) {
        const char *why;
        char u[4];
        size_t run = pos; /* printable ASCII the face has: copied as is */
        while (run < len && (unsigned char)utf8[run] >= 0x20 && (unsigned char)utf8[run] < 0x7F &&
               f->gid[(unsigned char)utf8[run]])
            run++;
        if (run > pos) {
            ra_status_t st = ra_buf_append(out, utf8 + pos, run - pos);
            if (st != RA_OK)
                return st;
            pos = run;
            continue;
        }
        uint32_t cp = ra_pdf__face_map(f, ra_utf8_decode(utf8, len, &pos), &why);
        ra_status_t st = ra_buf_append(out, u, ra_utf8_encode(cp, u));
        if (st != RA_OK)
            return st;
    }
    return ra_buf_reserve(out, 0);
}

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
    if (pdf->on_glyph) {
        pdf->on_glyph(pdf->glyph_ctx, cp, face, why);
        return;
    }
    if (cp == RA_UTF8_INVALID)
        fprintf(stderr, "readyaudit: warning: invalid UTF-8 drawn as U+%04X\n", (unsigned)drawn);
    else
        fprintf(stderr, "readyaudit: warning: U+%04X drawn as U+%04X: %s\n", (unsigned)cp,
                (unsigned)drawn, why);
}

/* --- Fonts shared by documents --- */

ra_status_t ra_pdf_fonts_new(const ra_pdf_options_t *opt, ra_pdf_fonts_t **out)
{
    static const ra_pdf_options_t none = {0};
    ra_status_t st = RA_OK;
    ra_buf_t path = RA_BUF_INIT;
    ra_pdf_fonts_t *fonts = calloc(1, sizeof *fonts);

    *out = NULL;
    if (!opt)
        opt = &none;
    if (!fonts)
        return RA_ERR_NOMEM;
    const char *dir = opt->font_dir ? opt->font_dir : RA_PDF_FONT_DIR;
    for (int i = 0; i < RA_FACE_COUNT && st == RA_OK; i++) {
        const char *file = opt->font_file[i] ? opt->font_file[i] : default_font_file[i];
        fonts->alias[i] = -1;
        ra_buf_clear(&path);
        st = file[0] == '/' ? ra_buf_puts(&path, file) : ra_buf_printf(&path, "%s/%s", dir, file);
        if (st == RA_OK)
            st = ra_pdf__font_load(&fonts->font[i], ra_buf_str(&path), opt->errmsg);
        for (int j = 0; j < i && st == RA_OK; j++)
            if (strcmp(fonts->font[j].path, fonts->font[i].path) == 0) {
                fonts->alias[i] = j;
                break;
            }
    }
    ra_buf_free(&path);
    if (st != RA_OK) {
        ra_pdf_fonts_free(fonts);
        return st;
    }
    *out = fonts;
    return RA_OK;
}

void ra_pdf_fonts_free(ra_pdf_fonts_t *fonts)
{
    if (!fonts)
        return;
    for (int i = 0; i < RA_FACE_COUNT; i++)
        ra_pdf__font_free(&fonts->font[i]);
    free(fonts);
}

void ra_pdf_fonts_sha256(const ra_pdf_fonts_t *fonts, unsigned char out[32])
{
    ra_sha256_ctx_t c;
    ra_sha256_init(&c);
    for (int i = 0; i < RA_FACE_COUNT; i++) {
        if (fonts->alias[i] >= 0)
            continue; /* the same file as an earlier face */
        const font_t *f = &fonts->font[i];
        unsigned char n[8];
        for (int k = 0; k < 8; k++)
            n[k] = (unsigned char)((uint64_t)f->size >> (56 - 8 * k));
        ra_sha256_update(&c, n, sizeof n);
        ra_sha256_update(&c, f->data, f->size);
    }
    ra_sha256_final(&c, out);
}

const ra_pdf_fonts_t *ra_pdf_fonts_of(const ra_pdf_t *pdf)
{
    return pdf->fonts;
}

/* --- Fonts --- */

/* Creates the PDF objects of face f on first use: Type0 font, CIDFontType2,
 * descriptor and the streams filled at save time. */
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
    f->map = ra_pdf__new_stream(pdf);
    f->tounicode = ra_pdf__new_stream(pdf);
    HPDF_Array desc_fonts = HPDF_Array_New(mm);
    HPDF_Dict sysinfo = HPDF_Dict_New(mm);
    HPDF_Array bbox = HPDF_Array_New(mm);
    if (!f->type0 || !f->cidfont || !f->desc || !f->file || !f->map || !f->tounicode ||
        !desc_fonts || !sysinfo || !bbox || pdf->err)
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
    s |= HPDF_Dict_AddName(f->cidfont, "Subtype", "CIDFontType2");
    s |= HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    s |= HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    s |= HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);
    s |= HPDF_Dict_Add(f->cidfont, "CIDSystemInfo", sysinfo);
    s |= HPDF_Dict_Add(f->cidfont, "FontDescriptor", f->desc);
    s |= HPDF_Dict_AddNumber(f->cidfont, "DW", ft->width[0]);
    s |= HPDF_Dict_Add(f->cidfont, "CIDToGIDMap", f->map);

    const unsigned char *head = ft->data + ft->head.off;
    for (int i = 0; i < 4; i++)
        s |= HPDF_Array_AddNumber(
            bbox, (HPDF_INT32)lround((int16_t)be16(head + 36 + 2 * i) * 1000.0 / ft->upem));
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
    s |= HPDF_Dict_Add(f->desc, "FontFile2", f->file);
    return hp(pdf, s);
}

/* Makes face usable on page pg: PDF objects and a /F<n> resource. */
ra_status_t ra_pdf__use_font(ra_pdf_t *pdf, page_t *pg, ra_face_t face)
{
    face_t *f = owner_of(pdf, face);
    int idx = (int)(f - pdf->face);
    if (pg->fonts & (1u << idx))
        return RA_OK;
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
    char name[4] = {'F', (char)('0' + idx), 0, 0};
    if (hp(pdf, HPDF_Dict_Add(fonts, name, f->type0)) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    pg->fonts |= 1u << idx;
    return RA_OK;
}

/* Writes "<XXXX>" for a 16-bit value at p; returns the end. */
static char *put_hex4(char *p, uint32_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    p[0] = '<';
    p[1] = hex[(v >> 12) & 15];
    p[2] = hex[(v >> 8) & 15];
    p[3] = hex[(v >> 4) & 15];
    p[4] = hex[v & 15];
    p[5] = '>';
    return p + 6;
}

/* Writes n entries as bfrange (ranges: first and last code of a run that
 * maps to itself) or bfchar (singles: code and code point) blocks of at
 * most 100 entries. */
static ra_status_t put_bf_blocks(ra_buf_t *b, const uint32_t (*runs)[2], size_t n, int ranges)
{
    ra_status_t st = RA_OK;
    for (size_t i = 0; i < n && st == RA_OK; i += 100) {
        size_t k = n - i < 100 ? n - i : 100;
        st = ra_buf_printf(b, "%zu %s\n", k, ranges ? "beginbfrange" : "beginbfchar");
        if (st == RA_OK)
            st = ra_buf_reserve(b, k * 21);
        if (st != RA_OK)
            break;
        char *p = b->data + b->len;
        for (size_t j = i; j < i + k; j++) {
            /* a range: first, last, first; a single: code, code point */
            p = put_hex4(p, runs[j][0]);
            *p++ = ' ';
            p = put_hex4(p, runs[j][1]);
            if (ranges) {
                *p++ = ' ';
                p = put_hex4(p, runs[j][0]);
            }
            *p++ = '\n';
        }
        b->len = (size_t)(p - b->data);
        b->data[b->len] = '\0';
        st = ra_buf_puts(b, ranges ? "endbfrange\n" : "endbfchar\n");
    }
    return st;
}

/* Builds a CMapType 2 ToUnicode map of the used codes: runs of
 * consecutive codes within one high byte as bfrange, single codes as
 * bfchar. */
static ra_status_t build_tounicode(const uint32_t *codes, size_t n, ra_buf_t *b)
{
    ra_status_t st = RA_ERR_NOMEM;
    uint32_t(*runs)[2] = malloc((n + 1) * sizeof *runs);
    uint32_t(*singles)[2] = malloc((n + 1) * sizeof *singles);
    size_t nr = 0, ns = 0;

    if (!runs || !singles)
        goto done;
    for (size_t i = 0; i < n; i++) {
        uint32_t code = codes[i];
        size_t j = i;
        /* A run: consecutive codes, one high byte, each its own code point. */
        while (j + 1 < n && codes[j + 1] == codes[j] + 1 && (codes[j + 1] & 0xFF) != 0 &&
               cp_of(codes[j + 1]) == codes[j + 1] && cp_of(code) == code)
            j++;
        if (j > i) {
            runs[nr][0] = code;
            runs[nr++][1] = codes[j];
        } else {
            singles[ns][0] = code;
            singles[ns++][1] = cp_of(code);
        }
        i = j;
    }
    if ((st = ra_buf_puts(b, "/CIDInit /ProcSet findresource begin\n"
                             "12 dict begin\n"
                             "begincmap\n"
                             "/CIDSystemInfo << /Registry (Adobe) /Ordering "
                             "(UCS) /Supplement 0 >> def\n"
                             "/CMapName /Adobe-Identity-UCS def\n"
                             "/CMapType 2 def\n"
                             "1 begincodespacerange\n<0000> <FFFF>\n"
                             "endcodespacerange\n")) != RA_OK ||
        (st = put_bf_blocks(b, (const uint32_t(*)[2])runs, nr, 1)) != RA_OK ||
        (st = put_bf_blocks(b, (const uint32_t(*)[2])singles, ns, 0)) != RA_OK)
        goto done;
    st = ra_buf_puts(b, "endcmap\n"
                        "CMapName currentdict /CMap defineresource pop\n"
                        "end\nend\n");
done:
    free(runs);
    free(singles);
    return st;
}

/* Returns the subset tag: six capitals from a hash of the font name and
 * the codes used, so that equal subsets get equal tags. */
static void subset_tag(const font_t *f, const uint32_t *codes, size_t n, char tag[7])
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < f->psname.len; i++)
        h = (h ^ (unsigned char)f->psname.data[i]) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ codes[i]) * 16777619u;
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h = h / 26 * 2654435761u + (uint32_t)i;
    }
    tag[6] = '\0';
}

/* Completes face f's objects: BaseFont, FontFile2 (subset), /W,
 * /CIDToGIDMap and /ToUnicode for the code points drawn. */
ra_status_t ra_pdf__finish_face(ra_pdf_t *pdf, face_t *f)
{
    const font_t *ft = f->ft;
    ra_status_t st;
    ra_buf_t b = RA_BUF_INIT;
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    uint16_t *newid = calloc(ft->num_glyphs, sizeof *newid);
    if (!newid)
        return keep(pdf, RA_ERR_NOMEM);

    /* The codes drawn, ascending. */
    size_t n = 0;
    uint32_t *codes = malloc(65536 * sizeof *codes);
    if (!codes) {
        free(newid);
        return keep(pdf, RA_ERR_NOMEM);
    }
    for (uint32_t byte = 0; byte < 65536 / 8; byte++)
        for (uint32_t bit = 0; f->used[byte] && bit < 8; bit++)
            if (f->used[byte] & (1u << bit))
                codes[n++] = byte * 8 + bit;

    char tag[7];
    subset_tag(ft, codes, n, tag);
    if ((st = keep(pdf, ra_buf_printf(&b, "%s+%s", tag, ra_buf_str(&ft->psname)))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->type0, "BaseFont", b.data))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->cidfont, "BaseFont", b.data))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->desc, "FontName", b.data))) != RA_OK)
        goto done;

    /* FontFile2. */
    ra_buf_clear(&b);
    if ((st = keep(pdf, ra_pdf__build_subset(ft, codes, n, newid, &b))) != RA_OK ||
        (st = ra_pdf__stream_set(pdf, f->file, b.data, b.len, NULL)) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddNumber(f->file, "Length1", (HPDF_UINT32)b.len))) != RA_OK)
        goto done;

    /* CIDToGIDMap: two bytes per CID up to the highest one used. */
    uint32_t max = n ? codes[n - 1] : 0;
    ra_buf_clear(&b);
    if ((st = keep(pdf, ra_buf_reserve(&b, 2 * (size_t)(max + 1)))) != RA_OK)
        goto done;
    memset(b.data, 0, 2 * (size_t)(max + 1));
    for (size_t i = 0; i < n; i++) {
        uint16_t g = newid[ft->gid[cp_of(codes[i])]];
        b.data[2 * codes[i]] = (char)(g >> 8);
        b.data[2 * codes[i] + 1] = (char)g;
    }
    b.len = 2 * (size_t)(max + 1);
    if ((st = ra_pdf__stream_set(pdf, f->map, b.data, b.len, NULL)) != RA_OK)
        goto done;

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
        b.data[codes[i] / 8] |= (char)(0x80u >> (codes[i] % 8));
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
        uint32_t code = codes[i];
        if (i > 0 && code != codes[i - 1] + 1)
            run = NULL;
        if (!run) {
            run = HPDF_Array_New(mm);
            if (!run) {
                s = HPDF_FAILD_TO_ALLOC_MEM;
                break;
            }
            s |= HPDF_Array_AddNumber(w, (HPDF_INT32)code);
            s |= HPDF_Array_Add(w, run);
        }
        s |= HPDF_Array_AddNumber(run, ft->width[ft->gid[cp_of(code)]]);
    }
    if ((st = hp(pdf, s)) != RA_OK)
        goto done;

    /* ToUnicode. */
    ra_buf_clear(&b);
    if ((st = keep(pdf, build_tounicode(codes, n, &b))) != RA_OK)
        goto done;
    st = ra_pdf__stream_set(pdf, f->tounicode, b.data, b.len, NULL);
done:
    free(codes);
    free(newid);
    ra_buf_free(&b);
    return st;
}
