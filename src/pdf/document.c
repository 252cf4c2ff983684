/* document.c - the PDF document: new and free, info, pages, links, bookmarks, page labels, save.
 *
 * The PDF backend over libharu 2.3.0: Unicode TrueType text, vector
 * drawing, links, bookmarks, metadata, attachments, PDF/A-1b, deterministic
 * in-memory save. Its files: document.c (this), content.c (operators, text,
 * graphics, images), font.c (the font chain and the document's font
 * objects, subsets by hb-subset), shape.c (bidi, itemisation and shaping
 * with FriBidi and HarfBuzz), image.c (PNG and JPEG decoding),
 * archival.c (XMP, output intent, /ID), attach.c (embedded files), form.c
 * (signature fields, the AcroForm) and hpdf_internals.c (the only file that reaches into libharu's
 * structs); pdf_int.h holds what they share.
 *
 * libharu builds the document: pages, xref, annotations, outline, page
 * labels, info, compression and the file itself. Fonts and page content
 * are ours, written through libharu's object API, because libharu 2.3.0's
 * own path is wrong or slow for Unicode text:
 *   - its UTF-8 CID fonts carry a ToUnicode stream that is really its CID
 *     CMap ("begincidrange"), which poppler rejects, so extracted text is
 *     garbage; ours is a CMapType 2 map of the code points drawn;
 *   - HPDF_LoadTTFontFromFile + HPDF_GetFont cost ~2.5 ms a face (a lookup
 *     of all 65536 code points), HPDF_Page_ShowText ~4 us a call;
 *   - the embedded font keeps post, name and full loca/hmtx (~140 KB a
 *     face); we embed a subset with renumbered glyphs and no hinting (a
 *     few KB);
 *   - its UTF-8 encoder turns characters above U+FFFF into spaces and drops
 *     malformed bytes silently.
 * Text uses Type0 fonts with Identity-H encoding; the 2-byte code of a
 * glyph is its CID, which is its glyph id in the font file; /CIDToGIDMap
 * maps it to the subset's glyph (TrueType). Measuring shapes as drawing
 * does, so widths are exactly those drawn. Streams are compressed here (one compressor reused) and
 * their bytes stay ours: libharu reads them through callback streams as
 * it writes the file, straight into the caller's buffer. The font chain
 * may be shared by documents (ra_pdf_fonts_t); text outlines
 * drawn again (a watermark on every page) are one form XObject.
 *
 * PDF/A-1b is ours too: libharu's HPDF_PDFA_SetPDFAConformance writes
 * /SubType, no XML escaping, an /ID from the clock, and its output intent
 * a "/DestOutputProfile " key with a trailing space. We write the XMP
 * packet (escaped, equal to the info dictionary), the sRGB output intent,
 * a /CIDSet per subset, direct destinations (Preflight cannot resolve
 * indirect ones) and an /ID that is a digest of the document. The sRGB
 * profile is built here too (build_srgb_icc), short enough for readers to
 * colour-manage quickly.
 */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <stdlib.h>

#include "base/cleanup.h"
#include "base/text.h"

/* --- Document --- */

/* libharu's allocator: a failure ends the process (see
 * ra_cleanup_out_of_memory) instead of returning NULL into libharu, which
 * follows null pointers on some of its out-of-memory paths (adding a page). */
static void *hpdf_alloc(HPDF_UINT size)
{
    void *p = malloc(size);
    if (!p)
        ra_cleanup_out_of_memory();
    return p;
}

static void hpdf_free(void *p)
{
    free(p);
}

ra_status_t ra_pdf_new(const ra_pdf_options_t *opt, ra_pdf_t **out)
{
    static const ra_pdf_options_t none = {0};
    ra_status_t st;
    ra_pdf_t *pdf = calloc(1, sizeof *pdf);

    *out = NULL;
    if (!opt)
        opt = &none;
    if (!pdf)
        return RA_ERR_NOMEM;
    pdf->on_glyph = opt->on_glyph;
    pdf->glyph_ctx = opt->glyph_ctx;
    pdf->conformance = opt->conformance == RA_PDF_PLAIN ? RA_PDF_PLAIN : RA_PDF_PDFA_1B;
    /* libharu's default producer, which the XMP packet must repeat. */
    pdf->has_info[INFO_PRODUCER] = 1;
    if ((st = ra_buf_puts(&pdf->info[INFO_PRODUCER], "Haru Free PDF Library " HPDF_VERSION_TEXT)) !=
        RA_OK)
        goto fail;

    const ra_pdf_fonts_t *fonts = opt->fonts;
    if (!fonts) {
        if ((st = ra_pdf_fonts_new(opt, &pdf->own_fonts)) != RA_OK)
            goto fail;
        fonts = pdf->own_fonts;
    }
    pdf->fonts = fonts;
    for (size_t i = 0; i < fonts->nfonts; i++)
        pdf->face[i].ft = &fonts->font[i];
    if (!(pdf->shaper = calloc(1, sizeof *pdf->shaper))) {
        st = RA_ERR_NOMEM;
        goto fail;
    }

    pdf->doc = HPDF_NewEx(on_hpdf_error, hpdf_alloc, hpdf_free, 0, pdf);
    if (!pdf->doc) {
        st = RA_ERR_NOMEM;
        goto fail;
    }
    /* Compression applies to streams created afterwards: set it first. */
    if ((st = hp(pdf, HPDF_SetCompressionMode(pdf->doc, HPDF_COMP_ALL))) != RA_OK)
        goto fail;
    /* XMP metadata needs PDF 1.4; PDF/A-1 allows no later version. */
    ra_pdf__use_pdf14(pdf);
    *out = pdf;
    return RA_OK;

fail:
    if (opt->errmsg && st == RA_ERR_PDF)
        ra_buf_printf(opt->errmsg, "PDF library: %s", pdf->errmsg);
    ra_pdf_free(pdf);
    return st;
}

void ra_pdf_free(ra_pdf_t *pdf)
{
    if (!pdf)
        return;
    if (pdf->doc)
        HPDF_Free(pdf->doc);
#ifdef RA_HAVE_LIBDEFLATE
    if (pdf->z)
        libdeflate_free_compressor(pdf->z);
#else
    if (pdf->z_ready)
        deflateEnd(&pdf->z);
#endif
    for (int i = 0; i < CHAIN_FONTS_MAX; i++) {
        free(pdf->face[i].map);
        ra_buf_free(&pdf->face[i].pool);
    }
    ra_pdf__shaper_free(pdf->shaper);
    ra_pdf_fonts_free(pdf->own_fonts);
    for (size_t i = 0; i < pdf->npages; i++)
        ra_buf_free(&pdf->pages[i].content);
    free(pdf->pages);
    free(pdf->outlines);
    free(pdf->reported);
    for (int i = 0; i < INFO_COUNT; i++)
        ra_buf_free(&pdf->info[i]);
    ra_buf_free(&pdf->xmp_schema);
    ra_buf_free(&pdf->xmp_props);
    for (size_t i = 0; i < pdf->natt; i++)
        ra_buf_free(&pdf->att[i].key_bytes);
    free(pdf->att);
    ra_buf_free(&pdf->xobject_digests);
    ra_buf_free(&pdf->field_names);
    for (size_t i = 0; i < pdf->nshapes; i++)
        free(pdf->shapes[i].text);
    free(pdf->shapes);
    for (size_t i = 0; i < pdf->nblobs; i++) {
        free(pdf->blobs[i]->data);
        free(pdf->blobs[i]);
    }
    free(pdf->blobs);
    ra_buf_free(&pdf->zout);
    ra_buf_free(&pdf->new_subsets);
    free(pdf);
}

const char *ra_pdf_errmsg(const ra_pdf_t *pdf)
{
    return pdf->err ? pdf->errmsg : "";
}

/* Appends s to out as it is written to the document: malformed UTF-8
 * becomes U+FFFD, control characters spaces, and the noncharacters U+FFFE
 * and U+FFFF (not allowed in XML) U+FFFD, so that the info dictionary and
 * the XMP packet carry the same text. */
ra_status_t ra_pdf__clean_text(const char *s, ra_buf_t *out)
{
    size_t len = strlen(s), pos = 0;
    /* Appending s itself first passes on a failed buffer's text (buf.h). */
    ra_status_t st = ra_buf_append(out, s, 0);
    if (st == RA_OK)
        st = ra_buf_reserve(out, len);
    while (pos < len && st == RA_OK) {
        uint32_t cp = ra_utf8_decode(s, len, &pos);
        if (cp == RA_UTF8_INVALID || cp == 0xFFFE || cp == 0xFFFF)
            cp = RA_UNICODE_REPLACEMENT;
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            cp = ' ';
        char u[4];
        st = ra_buf_append(out, u, ra_utf8_encode(cp, u));
    }
    return st;
}

/* Appends UTF-8 s as a PDF text string's bytes: UTF-16BE with a byte
 * order mark; malformed UTF-8 becomes U+FFFD and control characters spaces
 * (no-ops on text that clean_text made). */
ra_status_t ra_pdf__utf16_text(const char *s, ra_buf_t *b)
{
    size_t len = strlen(s), pos = 0;
    ra_status_t st = ra_buf_append(b, "\xFE\xFF", 2);
    while (pos < len && st == RA_OK) {
        uint32_t cp = ra_utf8_decode(s, len, &pos);
        if (cp == RA_UTF8_INVALID)
            cp = RA_UNICODE_REPLACEMENT;
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            cp = ' ';
        unsigned char u[4];
        size_t n = 2;
        if (cp > 0xFFFF) { /* surrogate pair */
            uint32_t v = cp - 0x10000;
            put16(u, 0xD800 + (v >> 10));
            put16(u + 2, 0xDC00 + (v & 0x3FF));
            n = 4;
        } else {
            put16(u, cp);
        }
        st = ra_buf_append(b, (char *)u, n);
    }
    return st;
}

/* Creates a PDF text string object for UTF-8 s, written in hex (see
 * utf16_text). NULL on failure (error recorded). */
HPDF_Binary ra_pdf__text_string(ra_pdf_t *pdf, const char *s)
{
    ra_buf_t b = RA_BUF_INIT;
    HPDF_Binary bin = NULL;
    if (ra_pdf__utf16_text(s, &b) == RA_OK)
        bin = HPDF_Binary_New(ra_pdf__mmgr(pdf), (HPDF_BYTE *)b.data, (HPDF_UINT)b.len);
    ra_buf_free(&b);
    if (!bin)
        hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    return bin;
}

/* Converts seconds since the epoch to a UTC calendar date. */
static HPDF_Date utc_date(int64_t t)
{
    HPDF_Date d;
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    /* Civil-from-days (proleptic Gregorian), era-based. */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    memset(&d, 0, sizeof d);
    d.year = (HPDF_INT)year;
    d.month = (HPDF_INT)month;
    d.day = (HPDF_INT)day;
    d.hour = (HPDF_INT)(secs / 3600);
    d.minutes = (HPDF_INT)(secs / 60 % 60);
    d.seconds = (HPDF_INT)(secs % 60);
    d.ind = 'Z';
    return d;
}

ra_status_t ra_pdf_set_info(ra_pdf_t *pdf, const ra_pdf_info_t *info)
{
    static const struct {
        HPDF_InfoType type;
        const char *key;
        size_t off;
    } fields[INFO_COUNT] = {
        [INFO_TITLE] = {HPDF_INFO_TITLE, "Title", offsetof(ra_pdf_info_t, title)},
        [INFO_AUTHOR] = {HPDF_INFO_AUTHOR, "Author", offsetof(ra_pdf_info_t, author)},
        [INFO_SUBJECT] = {HPDF_INFO_SUBJECT, "Subject", offsetof(ra_pdf_info_t, subject)},
        [INFO_KEYWORDS] = {HPDF_INFO_KEYWORDS, "Keywords", offsetof(ra_pdf_info_t, keywords)},
        [INFO_CREATOR] = {HPDF_INFO_CREATOR, "Creator", offsetof(ra_pdf_info_t, creator)},
        [INFO_PRODUCER] = {HPDF_INFO_PRODUCER, "Producer", offsetof(ra_pdf_info_t, producer)},
    };
    if (pdf->err)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    for (size_t i = 0; i < INFO_COUNT; i++) {
        const char *v = *(const char *const *)((const char *)info + fields[i].off);
        if (!v)
            continue;
        /* libharu creates the entry; we replace its value with a UTF-16
         * string (its own conversion drops characters above U+FFFF). */
        ra_buf_t *clean = &pdf->info[i];
        ra_buf_clear(clean);
        if (keep(pdf, ra_pdf__clean_text(v, clean)) != RA_OK ||
            hp(pdf, HPDF_SetInfoAttr(pdf->doc, fields[i].type, " ")) != RA_OK)
            return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
        HPDF_Binary s = ra_pdf__text_string(pdf, ra_buf_str(clean));
        if (!s || hp(pdf, HPDF_Dict_Add(ra_pdf__info(pdf), fields[i].key, s)) != RA_OK)
            return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
        pdf->has_info[i] = 1;
    }
    if (info->created >= 0) {
        /* Written by hand in one form for both: libharu's dates end in
         * "Z00'00'", which the XMP date would not match. */
        HPDF_Date d = utc_date(info->created);
        char pdfdate[64];
        if (d.year > 9999)
            return fail_msg(pdf, "document date after the year 9999");
        snprintf(pdfdate, sizeof pdfdate, "D:%04d%02d%02d%02d%02d%02dZ", d.year, d.month, d.day,
                 d.hour, d.minutes, d.seconds);
        snprintf(pdf->xmp_date, sizeof pdf->xmp_date, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year,
                 d.month, d.day, d.hour, d.minutes, d.seconds);
        HPDF_String c = HPDF_String_New(ra_pdf__mmgr(pdf), pdfdate, NULL);
        HPDF_String m = HPDF_String_New(ra_pdf__mmgr(pdf), pdfdate, NULL);
        if (!c || !m || hp(pdf, HPDF_Dict_Add(ra_pdf__info(pdf), "CreationDate", c)) != RA_OK ||
            hp(pdf, HPDF_Dict_Add(ra_pdf__info(pdf), "ModDate", m)) != RA_OK)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    if (info->lang) {
        /* A language tag is ASCII letters, digits and hyphens (BCP 47). */
        size_t n = strlen(info->lang);
        if (n == 0 || n > 64 ||
            strspn(info->lang, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789-") != n)
            return fail_msg(pdf, "the document language is not a language tag");
        HPDF_String lang = HPDF_String_New(ra_pdf__mmgr(pdf), info->lang, NULL);
        if (!lang || hp(pdf, HPDF_Dict_Add(ra_pdf__catalog(pdf), "Lang", lang)) != RA_OK)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    return ra_pdf__xmp_custom(pdf, info);
}

ra_status_t ra_pdf_add_page(ra_pdf_t *pdf, double width, double height)
{
    if (pdf->err)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (!(width >= 3 && width <= 14400 && height >= 3 && height <= 14400))
        return fail_msg(pdf, "page size out of range");
    if (RA_VEC_RESERVE(pdf->pages, pdf->npages, pdf->cap_pages, 16) != RA_OK)
        return keep(pdf, RA_ERR_NOMEM);
    HPDF_Page page = HPDF_AddPage(pdf->doc);
    if (!page)
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    if (hp(pdf, HPDF_Page_SetWidth(page, (HPDF_REAL)width)) != RA_OK ||
        hp(pdf, HPDF_Page_SetHeight(page, (HPDF_REAL)height)) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    page_t *pg = &pdf->pages[pdf->npages];
    memset(pg, 0, sizeof *pg);
    pg->page = page;
    pg->w = width;
    pg->h = height;
    pg->font = -1;
    pg->line_width = -1;
    pdf->cur = pdf->npages++;
    /* Room for a typical page's content at once, not by doubling. */
    return keep(pdf, ra_buf_reserve(&pg->content, PAGE_CONTENT_INIT));
}

size_t ra_pdf_page_count(const ra_pdf_t *pdf)
{
    return pdf->npages;
}

ra_status_t ra_pdf_use_page(ra_pdf_t *pdf, size_t index)
{
    if (pdf->err)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (index >= pdf->npages)
        return fail_msg(pdf, "page index out of range");
    pdf->cur = index;
    return RA_OK;
}

/* Returns the current page, or NULL (error recorded) when there is none. */
page_t *ra_pdf__cur_page(ra_pdf_t *pdf)
{
    if (pdf->err)
        return NULL;
    if (pdf->npages == 0) {
        fail_msg(pdf, "drawing before the first page");
        return NULL;
    }
    return &pdf->pages[pdf->cur];
}

/* --- Links and bookmarks --- */

/* Creates a destination [page /XYZ 0 top null] showing y (from the top)
 * of page target at the reader's zoom, as a direct object: libharu's are
 * indirect, which PDFBox's PDF/A validator fails to resolve. NULL on
 * error (recorded). */
static HPDF_Destination make_dest(ra_pdf_t *pdf, size_t target, double y)
{
    if (target >= pdf->npages) {
        fail_msg(pdf, "link or bookmark to a page that does not exist");
        return NULL;
    }
    page_t *t = &pdf->pages[target];
    HPDF_Array d = HPDF_Array_New(ra_pdf__mmgr(pdf));
    HPDF_Null null = HPDF_Null_New(ra_pdf__mmgr(pdf));
    if (!d || !null || pdf->err) {
        hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        return NULL;
    }
    /* What libharu's destination checks look for. */
    ra_pdf__mark_destination(d);
    double top = t->h - y;
    top = top < 0 ? 0 : top > t->h ? t->h : top;
    HPDF_STATUS s = HPDF_Array_Add(d, t->page);
    s |= HPDF_Array_AddName(d, "XYZ");
    s |= HPDF_Array_AddReal(d, 0);
    s |= HPDF_Array_AddReal(d, (HPDF_REAL)top);
    s |= HPDF_Array_Add(d, null);
    if (hp(pdf, s) != RA_OK)
        return NULL;
    return d;
}

ra_status_t ra_pdf_link(ra_pdf_t *pdf, double x, double y, double w, double h, size_t target,
                        double target_y)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    HPDF_Destination d = make_dest(pdf, target, target_y);
    if (!d)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    HPDF_Rect r = {(HPDF_REAL)x, (HPDF_REAL)(pg->h - y - h), (HPDF_REAL)(x + w),
                   (HPDF_REAL)(pg->h - y)};
    HPDF_Annotation a = HPDF_Page_CreateLinkAnnot(pg->page, r, d);
    if (!a || pdf->err)
        return hp(pdf, HPDF_INVALID_ANNOTATION);
    /* No border; print flag (PDF/A wants /F 4 on annotations). */
    if (hp(pdf, HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0)) != RA_OK ||
        hp(pdf, HPDF_Dict_AddNumber(a, "F", 4)) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    return RA_OK;
}

ra_status_t ra_pdf_uri_link(ra_pdf_t *pdf, double x, double y, double w, double h, const char *uri,
                            size_t len)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    /* A URI is ASCII: other bytes, spaces and controls are %-escaped. */
    ra_buf_t u = RA_BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)uri[i];
        if (c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", c))
            ra_buf_printf(&u, "%%%02X", c);
        else
            ra_buf_putc(&u, (char)c);
    }
    if (ra_buf_failed(&u)) {
        ra_buf_free(&u);
        return keep(pdf, RA_ERR_NOMEM);
    }
    HPDF_Rect r = {(HPDF_REAL)x, (HPDF_REAL)(pg->h - y - h), (HPDF_REAL)(x + w),
                   (HPDF_REAL)(pg->h - y)};
    HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(pg->page, r, ra_buf_str(&u));
    ra_buf_free(&u);
    if (!a || pdf->err)
        return hp(pdf, HPDF_INVALID_ANNOTATION);
    /* No border; print flag (PDF/A wants /F 4 on annotations). */
    if (hp(pdf, HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0)) != RA_OK ||
        hp(pdf, HPDF_Dict_AddNumber(a, "F", 4)) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    return RA_OK;
}

ra_status_t ra_pdf_outline(ra_pdf_t *pdf, int parent, const char *title, size_t page, double y,
                           int *id)
{
    if (pdf->err)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (parent >= (int)pdf->noutlines)
        return fail_msg(pdf, "bookmark parent does not exist");
    if (RA_VEC_RESERVE(pdf->outlines, pdf->noutlines, pdf->cap_outlines, 32) != RA_OK)
        return keep(pdf, RA_ERR_NOMEM);
    HPDF_Outline o =
        HPDF_CreateOutline(pdf->doc, parent < 0 ? NULL : pdf->outlines[parent], " ", NULL);
    if (!o || pdf->err)
        return hp(pdf, HPDF_INVALID_OUTLINE);
    HPDF_Binary t = ra_pdf__text_string(pdf, title ? title : "");
    if (!t || hp(pdf, HPDF_Dict_Add(o, "Title", t)) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    HPDF_Destination d = make_dest(pdf, page, y);
    if (!d)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (hp(pdf, HPDF_Outline_SetDestination(o, d)) != RA_OK ||
        hp(pdf, HPDF_Outline_SetOpened(o, parent < 0)) != RA_OK)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (id)
        *id = (int)pdf->noutlines;
    pdf->outlines[pdf->noutlines++] = o;
    return RA_OK;
}

ra_status_t ra_pdf_page_label(ra_pdf_t *pdf, size_t first, ra_label_style_t style, unsigned start,
                              const char *prefix)
{
    static const HPDF_PageNumStyle styles[] = {
        HPDF_PAGE_NUM_STYLE_DECIMAL, HPDF_PAGE_NUM_STYLE_LOWER_ROMAN,
        HPDF_PAGE_NUM_STYLE_UPPER_ROMAN, HPDF_PAGE_NUM_STYLE_UPPER_LETTERS};
    _Static_assert(sizeof styles / sizeof *styles == RA_LABEL_STYLE_COUNT,
                   "a libharu style for every ra_label_style_t");
    if (pdf->err)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if ((unsigned)style >= RA_LABEL_STYLE_COUNT)
        style = RA_LABEL_DECIMAL;
    if (prefix)
        for (const char *c = prefix; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7E)
                return fail_msg(pdf, "page label prefix must be ASCII");
    return hp(pdf, HPDF_AddPageLabel(pdf->doc, (HPDF_UINT)first, styles[style], start ? start : 1,
                                     prefix));
}

/* Returns whether a buffer of the document lost an append to out of memory. */
static int bufs_failed(const ra_pdf_t *pdf)
{
    int failed = ra_buf_failed(&pdf->xmp_schema) || ra_buf_failed(&pdf->xmp_props) ||
                 ra_buf_failed(&pdf->xobject_digests) || ra_buf_failed(&pdf->zout) ||
                 ra_buf_failed(&pdf->field_names);
    for (size_t i = 0; i < INFO_COUNT; i++)
        failed |= ra_buf_failed(&pdf->info[i]);
    for (size_t i = 0; i < pdf->natt; i++)
        failed |= ra_buf_failed(&pdf->att[i].key_bytes);
    for (size_t i = 0; i < pdf->npages; i++)
        failed |= ra_buf_failed(&pdf->pages[i].content);
    return failed;
}

ra_status_t ra_pdf_save(ra_pdf_t *pdf, ra_buf_t *out)
{
    ra_status_t st;
    if (pdf->err)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (bufs_failed(pdf) || (pdf->shaper && pdf->shaper->nomem))
        return keep(pdf, RA_ERR_NOMEM);
    if ((st = ra_pdf__font_failed(pdf)) != RA_OK)
        return st;
    if (pdf->npages == 0 && (st = ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H)) != RA_OK)
        return st;
    if ((st = ra_pdf__finish_fonts(pdf)) != RA_OK)
        return st;
    /* Page content: close an open text object, then hand libharu the bytes
     * (replacing what an earlier save wrote); the compressed bytes go into
     * the /ID. */
    unsigned char content_digest[32];
    ra_sha256_ctx_t ctx;
    ra_sha256_init(&ctx);
    for (size_t i = 0; i < pdf->npages; i++) {
        page_t *pg = &pdf->pages[i];
        if ((st = keep(pdf, ra_pdf__end_text(pg))) != RA_OK ||
            (st = ra_pdf__page_content_set(pdf, pg->page, pg->content.data, pg->content.len,
                                           &ctx)) != RA_OK)
            return st;
    }
    ra_sha256_final(&ctx, content_digest);
    if ((st = ra_pdf__finish_attachments(pdf)) != RA_OK ||
        (st = ra_pdf__finish_archival(pdf, content_digest)) != RA_OK)
        return st;
    if ((st = ra_pdf__write(pdf, out)) == RA_OK && (bufs_failed(pdf) || ra_buf_failed(out)))
        st = keep(pdf, RA_ERR_NOMEM);
    return st;
}
