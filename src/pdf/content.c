/* content.c - page content: operators, text, outline forms, vector graphics, images. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <math.h>
#include <stdlib.h>

#include "base/text.h"
#include "pdf/image.h"

/* --- Content stream writing --- */

/* round(v), without a call for the values of a page (every glyph drawn
 * rounds its position): the whole part, then away from zero from half on;
 * 0 for -0.5 < v < 0 where round gives -0, which compares equal. */
static double round_half_away(double v)
{
    if (!(fabs(v) < 4503599627370496.0)) /* 2^52: no fraction; NaN */
        return round(v);
    double whole = (double)(long long)v, frac = v - whole; /* both exact */
    return frac >= 0.5 ? whole + 1 : frac <= -0.5 ? whole - 1 : whole;
}

/* Rounds v to the 3 decimals fmt_num writes. */
static double round3(double v)
{
    return (double)llround(v * 1000.0) / 1000.0;
}

/* Writes v in PDF number syntax with at most 3 decimals (C locale) at p,
 * which has room for 16 bytes; returns the end. */
static char *fmt_num(char *p, double v)
{
    char tmp[16], *q = tmp + sizeof tmp;
    if (!(v > -1e9 && v < 1e9)) /* NaN, infinities, absurd values */
        v = 0;
    /* A whole number (a TJ adjustment, most coordinates) is what rounding
     * to thousandths gives: its magnitude times 1000 is exact. */
    long long whole = (long long)v, m;
    unsigned frac = 0;
    unsigned long ip;
    if ((double)whole == v) {
        m = whole < 0 ? -whole : whole;
        ip = (unsigned long)m;
    } else {
        m = llround(fabs(v) * 1000.0);
        frac = (unsigned)(m % 1000);
        ip = (unsigned long)(m / 1000);
    }
    if (frac) { /* up to 3 decimals, no trailing zeros */
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        while (digits-- > 0) {
            *--q = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--q = '.';
    }
    do {
        *--q = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip > 0);
    if (v < 0 && m != 0)
        *--q = '-';
    size_t n = (size_t)(tmp + sizeof tmp - q);
    memcpy(p, q, n);
    return p + n;
}

/* Appends n numbers separated by spaces, then a space and op and "\n". */
ra_status_t ra_pdf__put_op(ra_buf_t *b, const double *v, int n, const char *op)
{
    size_t oplen = strlen(op);
    ra_status_t st = ra_buf_reserve(b, (size_t)n * 17 + oplen + 1);
    if (st != RA_OK)
        return st;
    char *p = b->data + b->len;
    for (int i = 0; i < n; i++) {
        p = fmt_num(p, v[i]);
        *p++ = ' ';
    }
    memcpy(p, op, oplen);
    p += oplen;
    *p++ = '\n';
    *p = '\0';
    b->len = (size_t)(p - b->data);
    return RA_OK;
}

/* Sets the fill colour unless it is already current on the page. */
static ra_status_t set_fill(page_t *pg, ra_rgb_t c)
{
    if (pg->has_fill && same_rgb(pg->fill, c))
        return RA_OK;
    pg->has_fill = 1;
    pg->fill = c;
    double v[3] = {unit(c.r), unit(c.g), unit(c.b)};
    return ra_pdf__put_op(&pg->content, v, 3, "rg");
}

/* Sets the stroke colour, line width and dash unless already current. */
static ra_status_t set_stroke(page_t *pg, ra_rgb_t c, double width, double dash)
{
    ra_status_t st = RA_OK;
    if (!pg->has_stroke || !same_rgb(pg->stroke, c)) {
        pg->has_stroke = 1;
        pg->stroke = c;
        double v[3] = {unit(c.r), unit(c.g), unit(c.b)};
        st = ra_pdf__put_op(&pg->content, v, 3, "RG");
    }
    if (st == RA_OK && pg->line_width != width) {
        pg->line_width = width;
        st = ra_pdf__put_op(&pg->content, &width, 1, "w");
    }
    if (st == RA_OK && (dash > 0 || pg->dashed)) {
        pg->dashed = dash > 0;
        if (dash > 0) {
            st = ra_buf_puts(&pg->content, "[");
            double d[2] = {dash, dash};
            if (st == RA_OK)
                st = ra_pdf__put_op(&pg->content, d, 2, "] 0 d");
        } else {
            st = ra_buf_puts(&pg->content, "[] 0 d\n");
        }
    }
    return st;
}

/* Leaves the text object, if any, so that paths may be drawn. */
ra_status_t ra_pdf__end_text(page_t *pg)
{
    if (!pg->in_text)
        return RA_OK;
    pg->in_text = 0;
    return ra_buf_puts(&pg->content, "ET\n");
}

/* --- Text --- */

/* The bytes that a literal string escapes, and what follows the
 * backslash; 0: written as they are. */
static const unsigned char str_escape[256] = {
    ['('] = '(', [')'] = ')', ['\\'] = '\\', ['\r'] = 'r', ['\n'] = 'n'};

/* Writing a text run's glyphs: TJ arrays of glyph ids (2-byte strings) with position
 * adjustments, split where the font, the rise or marked content changes. */
typedef struct {
    ra_pdf_t *pdf;
    page_t *pg;
    ra_buf_t *b;
    double size;
    int open;   /* inside "[" ... "] TJ" */
    int in_hex; /* inside "(" ... ")" of that array */
    double cur; /* where the PDF pen is, points from the run's start */
    double rise;
    size_t hexcount;
} tj_t;

/* Appends s[0..n) to b: in place when there is room (a glyph's few bytes,
 * most of a page's content), else by ra_buf_append. */
static ra_status_t put_bytes(ra_buf_t *b, const char *s, size_t n)
{
    if (b->failed || b->len + n >= b->cap)
        return ra_buf_append(b, s, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return RA_OK;
}

/* Closes the hex string and the array, if open. */
static ra_status_t tj_close(tj_t *t)
{
    ra_status_t st = RA_OK;
    if (t->in_hex)
        st = ra_buf_putc(t->b, ')');
    t->in_hex = 0;
    if (st == RA_OK && t->open)
        st = ra_buf_puts(t->b, "]TJ\n");
    t->open = 0;
    return st;
}

_Static_assert(CHAIN_FONTS_MAX <= 100, "a font's resource name /F<n> has at most two digits");

/* Sets font fi at the run's size unless it is current. */
static ra_status_t tj_font(tj_t *t, int fi)
{
    page_t *pg = t->pg;
    if (pg->font == fi && pg->font_size == t->size)
        return RA_OK;
    /* A font file is checked before its first glyph is drawn (a page's
     * font was, when it was set). */
    if (!t->pdf->fonts->font[fi].verified && ra_pdf__font_verify(t->pdf, fi) != RA_OK)
        return RA_ERR_FONT;
    ra_status_t st = tj_close(t);
    if (st == RA_OK && (st = ra_pdf__use_font(t->pdf, pg, fi)) == RA_OK) {
        pg->font = fi;
        pg->font_size = t->size;
        char name[16] = "/F";
        size_t k = 2;
        if (fi >= 10)
            name[k++] = (char)('0' + fi / 10);
        name[k++] = (char)('0' + fi % 10);
        name[k++] = ' ';
        if ((st = put_bytes(t->b, name, k)) == RA_OK)
            st = ra_pdf__put_op(t->b, &t->size, 1, "Tf");
    }
    return st;
}

/* Shows glyph gid of width w (1/1000 em, as in /W) at x points from the
 * run's start, rise points above the baseline. */
static ra_status_t tj_glyph(tj_t *t, uint32_t gid, double w, double x, double rise)
{
    ra_status_t st = RA_OK;
    /* Equal rises round equally: only a changed one is rounded (every glyph
     * comes here). */
    if (rise != t->rise && round3(rise) != round3(t->rise)) {
        if ((st = tj_close(t)) != RA_OK || (st = ra_pdf__put_op(t->b, &rise, 1, "Ts")) != RA_OK)
            return st;
        t->rise = rise;
    }
    /* At most "[", ")", an adjustment, "(" and two escaped bytes: written
     * in place after one reservation (a call only when the room is short). */
    if ((t->b->failed || t->b->len + 33 > t->b->cap) && (st = ra_buf_reserve(t->b, 32)) != RA_OK)
        return st;
    char *p = t->b->data + t->b->len;
    if (!t->open) {
        *p++ = '[';
        t->open = 1;
    }
    /* The adjustment moves the pen left by adj/1000 of the size; whole
     * thousandths, so that the rounding of /W's widths adds up to one
     * before it is corrected. */
    double adj = round_half_away((t->cur - x) * 1000.0 / t->size);
    if (adj != 0) {
        if (t->in_hex)
            *p++ = ')';
        t->in_hex = 0;
        p = fmt_num(p, adj);
        t->cur -= adj * t->size / 1000.0;
    }
    if (!t->in_hex || t->hexcount >= 4000) {
        if (t->in_hex)
            *p++ = ')';
        *p++ = '(';
        t->in_hex = 1;
        t->hexcount = 0;
    }
    for (int i = 0; i < 2; i++) {
        unsigned char c = (unsigned char)(i == 0 ? gid >> 8 : gid);
        if (str_escape[c]) {
            *p++ = '\\';
            c = str_escape[c];
        }
        *p++ = (char)c;
    }
    *p = '\0';
    t->b->len = (size_t)(p - t->b->data);
    t->hexcount++;
    t->cur += w * t->size / 1000.0;
    return RA_OK;
}

/* Starts marked content that extracts as cps[0..n) (/ActualText). */
static ra_status_t tj_actual(tj_t *t, const uint32_t *cps, size_t n)
{
    ra_status_t st = tj_close(t);
    if (st == RA_OK)
        st = ra_buf_puts(t->b, "/Span<</ActualText<FEFF");
    for (size_t i = 0; st == RA_OK && i < n; i++) {
        uint32_t cp = cps[i];
        if (cp >= 0x10000) {
            cp -= 0x10000;
            st = ra_buf_printf(t->b, "%04X%04X", 0xD800 | (cp >> 10), 0xDC00 | (cp & 0x3FF));
        } else {
            st = ra_buf_printf(t->b, "%04X", (unsigned)cp);
        }
    }
    if (st == RA_OK)
        st = ra_buf_puts(t->b, ">>>BDC\n");
    return st;
}

/* Moves to (x, y) (page coordinates) at angle: a relative move for
 * unrotated text (the origin kept is the rounded one written, so errors do
 * not add; straight down is T*, by the leading), a matrix otherwise. */
static ra_status_t text_origin(page_t *pg, double x, double y, double angle)
{
    ra_buf_t *b = &pg->content;
    ra_status_t st;
    if (angle == 0 && pg->plain) {
        double d[2] = {round3(x - pg->tx), round3(pg->h - y - pg->ty)};
        pg->tx += d[0];
        pg->ty += d[1];
        if (d[0] == 0 && d[1] < 0) {
            st = RA_OK;
            if (pg->leading != -d[1]) {
                pg->leading = -d[1];
                st = ra_pdf__put_op(b, &pg->leading, 1, "TL");
            }
            return st == RA_OK ? ra_buf_puts(b, "T*\n") : st;
        }
        if (d[0] == 0 && d[1] == 0)
            return RA_OK;
        return ra_pdf__put_op(b, d, 2, "Td");
    }
    double rad = angle * PI / 180.0;
    double c = angle ? cos(rad) : 1, s = angle ? sin(rad) : 0;
    double m[6] = {c, s, -s, c, round3(x), round3(pg->h - y)};
    pg->plain = angle == 0;
    pg->tx = m[4];
    pg->ty = m[5];
    return ra_pdf__put_op(b, m, 6, "Tm");
}

/* Reports the substitutions of the last shaping and counts them. */
static void report_subst(ra_pdf_t *pdf, ra_face_t face)
{
    const shaper_t *sh = pdf->shaper;
    for (size_t i = 0; i < sh->nsubst; i++)
        ra_pdf__report(pdf, face, sh->subst[i].cp, RA_UNICODE_REPLACEMENT, sh->subst[i].why);
    pdf->nmissing += sh->nsubst;
}

/* Appends the text run: shaped, then for each glyph its font (Tf when it
 * changed), its position (TJ adjustments, Ts for marks raised or lowered)
 * and, for clusters whose glyphs do not map one to one to their characters,
 * /ActualText. */
static ra_status_t draw_text(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                             double y, double angle, ra_dir_t dir, const char *utf8, size_t len)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    ra_status_t st;
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (ra_buf_text_failed(utf8)) /* text whose making ran out of memory */
        return keep(pdf, RA_ERR_NOMEM);
    face = face_ok(face);
    if (len == 0 || !(size > 0))
        return RA_OK;
    if ((st = ra_pdf__shape(pdf, face, dir, utf8, len)) != RA_OK)
        return keep(pdf, st);
    if ((st = ra_pdf__font_failed(pdf)) != RA_OK)
        return st;
    report_subst(pdf, face);
    shaper_t *sh = pdf->shaper;
    const ra_pdf_fonts_t *fonts = pdf->fonts;
    if (sh->ng == 0)
        return RA_OK;
    ra_buf_t *b = &pg->content;
    if (!pg->in_text) {
        if ((st = ra_buf_puts(b, "BT\n")) != RA_OK)
            return keep(pdf, st);
        pg->in_text = 1;
        pg->plain = 1; /* BT starts from the identity */
        pg->tx = pg->ty = 0;
    }
    if ((st = set_fill(pg, color)) != RA_OK || (st = text_origin(pg, x, y, angle)) != RA_OK)
        return keep(pdf, st);

    tj_t t = {pdf, pg, b, size, 0, 0, 0, 0, 0};
    double pen = 0, scale = 0;
    int scale_font = -1; /* the font scale is of */
    int actual = 0;      /* inside /ActualText marked content */
    for (size_t i = 0; i < sh->ng && st == RA_OK; i++) {
        const glyph_t *g = &sh->g[i];
        const font_t *ft = &fonts->font[g->font];
        if ((st = tj_font(&t, g->font)) != RA_OK)
            break;
        const uint32_t *cps = sh->cp + g->c0;
        size_t n = g->c1 - g->c0;
        double w;
        int same = ra_pdf__glyph_use(pdf, g->font, g->gid, cps, n, &w);
        if (same < 0) {
            st = RA_ERR_NOMEM;
            break;
        }
        if (g->first && (!g->single || !same)) {
            if ((st = tj_actual(&t, cps, n < 256 ? n : 256)) != RA_OK)
                break;
            actual = 1;
        }
        if (g->font != scale_font) {
            scale = size / ft->upem;
            scale_font = g->font;
        }
        st = tj_glyph(&t, g->gid, w, pen + g->dx * scale, g->dy * scale);
        pen += g->ax * scale;
        /* The cluster's marked content ends after its last glyph. */
        if (st == RA_OK && actual && (i + 1 == sh->ng || sh->g[i + 1].first)) {
            if ((st = tj_close(&t)) == RA_OK)
                st = ra_buf_puts(b, "EMC\n");
            actual = 0;
        }
    }
    if (st == RA_OK)
        st = tj_close(&t);
    if (st == RA_OK && t.rise != 0) { /* the rise is text state: back to 0 */
        double zero = 0;
        st = ra_pdf__put_op(b, &zero, 1, "Ts");
    }
    return keep(pdf, st);
}

ra_status_t ra_pdf_text(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                        double y, const char *utf8, size_t len)
{
    return draw_text(pdf, face, size, color, x, y, 0, RA_DIR_AUTO, utf8, len);
}

ra_status_t ra_pdf_text_dir(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                            double y, ra_dir_t dir, const char *utf8, size_t len)
{
    return draw_text(pdf, face, size, color, x, y, 0, dir, utf8, len);
}

ra_status_t ra_pdf_text_rotated(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color,
                                double x, double y, double angle, const char *utf8, size_t len)
{
    return draw_text(pdf, face, size, color, x, y, angle, RA_DIR_AUTO, utf8, len);
}

/* --- Glyph outline forms --- */

/* Creates shape sh's form XObject: its glyph outlines, filled or stroked,
 * on a page of its size; none when no glyph has an outline (spaces). */
static ra_status_t make_shape_form(ra_pdf_t *pdf, shape_t *sh)
{
    double rad = sh->angle * PI / 180.0;
    double ca = cos(rad), sa = sin(rad), pen = 0;
    double c[3] = {unit(sh->color.r), unit(sh->color.g), unit(sh->color.b)};
    ra_buf_t b = RA_BUF_INIT;
    ra_status_t st = ra_pdf__put_op(&b, c, 3, sh->stroke_width > 0 ? "RG" : "rg");
    if (st == RA_OK && sh->stroke_width > 0)
        st = ra_pdf__put_op(&b, &sh->stroke_width, 1, "w");
    size_t style_len = b.len;
    if (st == RA_OK && (st = ra_pdf__shape(pdf, sh->face, RA_DIR_AUTO, sh->text, sh->len)) == RA_OK)
        report_subst(pdf, sh->face);
    const shaper_t *shp = pdf->shaper;
    /* Outlines are the font's bytes drawn: its file is checked first, as
     * for text. */
    for (size_t i = 0; st == RA_OK && i < shp->ng; i++)
        if (!pdf->fonts->font[shp->g[i].font].verified)
            st = ra_pdf__font_verify(pdf, shp->g[i].font);
    for (size_t i = 0; st == RA_OK && i < shp->ng; i++) {
        const glyph_t *g = &shp->g[i];
        const font_t *f = &pdf->fonts->font[g->font];
        double s = sh->size / f->upem;
        double gx = pen + g->dx * s, gy = g->dy * s;
        /* Glyph units -> page: scale, move along the baseline, rotate. */
        xform_t m = {s * ca,
                     s * sa,
                     -s * sa,
                     s * ca,
                     sh->x + gx * ca - gy * sa,
                     sh->page_h - sh->y + gx * sa + gy * ca};
        st = ra_pdf__put_glyph(&b, f, g->gid, &m);
        pen += g->ax * s;
    }
    /* Paint only if some glyph had an outline (spaces have none). */
    if (st != RA_OK || b.len == style_len)
        goto done;
    if ((st = ra_buf_puts(&b, sh->stroke_width > 0 ? "S\n" : "f\n")) != RA_OK)
        goto done;
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    HPDF_Dict form = ra_pdf__new_stream(pdf);
    HPDF_Array bbox = HPDF_Array_New(mm);
    HPDF_Dict res = HPDF_Dict_New(mm);
    if (!form || !bbox || !res || pdf->err) {
        st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        goto done;
    }
    ra_pdf__mark_xobject(form);
    HPDF_STATUS hs = HPDF_Dict_AddName(form, "Type", "XObject");
    hs |= HPDF_Dict_AddName(form, "Subtype", "Form");
    hs |= HPDF_Array_AddReal(bbox, 0);
    hs |= HPDF_Array_AddReal(bbox, 0);
    hs |= HPDF_Array_AddReal(bbox, (HPDF_REAL)sh->page_w);
    hs |= HPDF_Array_AddReal(bbox, (HPDF_REAL)sh->page_h);
    hs |= HPDF_Dict_Add(form, "BBox", bbox);
    hs |= HPDF_Dict_Add(form, "Resources", res);
    if ((st = hp(pdf, hs)) != RA_OK ||
        (st = ra_pdf__stream_set(pdf, form, b.data, b.len, NULL)) != RA_OK)
        goto done;
    unsigned char digest[32];
    ra_sha256(b.data, b.len, digest);
    if ((st = keep(pdf, ra_buf_append(&pdf->xobject_digests, (const char *)digest, 32))) == RA_OK)
        sh->form = form;
done:
    ra_buf_free(&b);
    return keep(pdf, st);
}

ra_status_t ra_pdf_text_shape(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                              double y, double angle, double stroke_width, const char *utf8,
                              size_t len)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (ra_buf_text_failed(utf8))
        return keep(pdf, RA_ERR_NOMEM);
    if ((unsigned)face >= RA_FACE_COUNT)
        face = RA_FACE_REGULAR;
    if (len == 0 || !(size > 0))
        return RA_OK;
    if (!(stroke_width > 0))
        stroke_width = 0;
    /* The same shape on a page of the same size: the same form. */
    shape_t *sh = NULL;
    for (size_t i = 0; i < pdf->nshapes && !sh; i++) {
        shape_t *o = &pdf->shapes[i];
        if (o->face == face && o->size == size && same_rgb(o->color, color) && o->x == x &&
            o->y == y && o->angle == angle && o->stroke_width == stroke_width &&
            o->page_w == pg->w && o->page_h == pg->h && o->len == len &&
            memcmp(o->text, utf8, len) == 0)
            sh = o;
    }
    if (!sh) {
        if (RA_VEC_RESERVE(pdf->shapes, pdf->nshapes, pdf->cap_shapes, 2) != RA_OK)
            return keep(pdf, RA_ERR_NOMEM);
        char *text = malloc(len);
        if (!text)
            return keep(pdf, RA_ERR_NOMEM);
        memcpy(text, utf8, len);
        sh = &pdf->shapes[pdf->nshapes++];
        *sh =
            (shape_t){face, size, x, y, angle, stroke_width, pg->w, pg->h, color, text, len, NULL};
        ra_status_t st = make_shape_form(pdf, sh);
        if (st != RA_OK)
            return st; /* RA_ERR_FONT too, as for text */
    }
    if (!sh->form)
        return RA_OK;
    const char *name = HPDF_Page_GetXObjectName(pg->page, sh->form);
    if (!name || pdf->err)
        return hp(pdf, HPDF_INVALID_OBJECT);
    ra_status_t st = ra_pdf__end_text(pg);
    if (st == RA_OK)
        st = ra_buf_printf(&pg->content, "/%s Do\n", name);
    return keep(pdf, st);
}

/* --- Vector graphics --- */

/* Ends any text object and sets fill and stroke state for a path. */
static ra_status_t path_style(page_t *pg, const ra_rgb_t *fill, const ra_rgb_t *stroke,
                              double width, double dash)
{
    ra_status_t st = ra_pdf__end_text(pg);
    if (st == RA_OK && fill)
        st = set_fill(pg, *fill);
    if (st == RA_OK && stroke)
        st = set_stroke(pg, *stroke, width, dash);
    return st;
}

/* Paints the current path: fill, stroke or both. */
static ra_status_t path_paint(page_t *pg, const ra_rgb_t *fill, const ra_rgb_t *stroke)
{
    return ra_buf_puts(&pg->content, fill && stroke ? "B\n" : fill ? "f\n" : "S\n");
}

ra_status_t ra_pdf_line(ra_pdf_t *pdf, double x1, double y1, double x2, double y2, double width,
                        ra_rgb_t color, double dash)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    double a[2] = {x1, pg->h - y1}, b[2] = {x2, pg->h - y2};
    ra_status_t st = path_style(pg, NULL, &color, width, dash);
    if (st == RA_OK)
        st = ra_pdf__put_op(&pg->content, a, 2, "m");
    if (st == RA_OK)
        st = ra_pdf__put_op(&pg->content, b, 2, "l S");
    return keep(pdf, st);
}

/* Appends a cubic Bezier segment. */
static ra_status_t put_curve(ra_buf_t *b, double x1, double y1, double x2, double y2, double x3,
                             double y3)
{
    double v[6] = {x1, y1, x2, y2, x3, y3};
    return ra_pdf__put_op(b, v, 6, "c");
}

ra_status_t ra_pdf_rect(ra_pdf_t *pdf, double x, double y, double w, double h, double radius,
                        const ra_rgb_t *fill, const ra_rgb_t *stroke, double line_width)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (!(w > 0 && h > 0) || (!fill && !stroke))
        return RA_OK;
    ra_buf_t *b = &pg->content;
    ra_status_t st = path_style(pg, fill, stroke, line_width, 0);
    double top = pg->h - y, bottom = top - h;
    if (radius > w / 2)
        radius = w / 2;
    if (radius > h / 2)
        radius = h / 2;
    if (st == RA_OK && !(radius > 0)) {
        double v[4] = {x, bottom, w, h};
        st = ra_pdf__put_op(b, v, 4, "re");
    } else if (st == RA_OK) {
        /* Four sides and four quarter-circle Bezier corners. */
        double r = radius, k = r * 0.5523, x2 = x + w;
        double m[2] = {x + r, bottom}, l1[2] = {x2 - r, bottom}, l2[2] = {x2, top - r},
               l3[2] = {x + r, top}, l4[2] = {x, bottom + r};
        st = ra_pdf__put_op(b, m, 2, "m");
        if (st == RA_OK)
            st = ra_pdf__put_op(b, l1, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x2 - r + k, bottom, x2, bottom + r - k, x2, bottom + r);
        if (st == RA_OK)
            st = ra_pdf__put_op(b, l2, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x2, top - r + k, x2 - r + k, top, x2 - r, top);
        if (st == RA_OK)
            st = ra_pdf__put_op(b, l3, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x + r - k, top, x, top - r + k, x, top - r);
        if (st == RA_OK)
            st = ra_pdf__put_op(b, l4, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x, bottom + r - k, x + r - k, bottom, x + r, bottom);
        if (st == RA_OK)
            st = ra_buf_puts(b, "h\n");
    }
    if (st == RA_OK)
        st = path_paint(pg, fill, stroke);
    return keep(pdf, st);
}

/* Appends an arc path from a to b (radians, clockwise from 12 o'clock in
 * page terms) around (cx, pcy) in PDF space, starting with a moveto when
 * move is set; Bezier pieces of at most 90 degrees. */
static ra_status_t put_arc(ra_buf_t *buf, double cx, double pcy, double r, double a, double b,
                           int move)
{
    ra_status_t st = RA_OK;
    int n = (int)ceil((b - a) / (PI / 2) - 1e-9);
    if (n < 1)
        n = 1;
    double step = (b - a) / n, k = 4.0 / 3.0 * tan(step / 4) * r;
    if (move) {
        double m[2] = {cx + r * sin(a), pcy + r * cos(a)};
        st = ra_pdf__put_op(buf, m, 2, "m");
    }
    for (int i = 0; i < n && st == RA_OK; i++, a += step) {
        double e = a + step;
        /* In PDF space the point at angle a is (cx + r sin a, cy + r cos a)
         * and the clockwise tangent (cos a, -sin a). */
        double x0 = cx + r * sin(a), y0 = pcy + r * cos(a);
        double x3 = cx + r * sin(e), y3 = pcy + r * cos(e);
        st = put_curve(buf, x0 + k * cos(a), y0 - k * sin(a), x3 - k * cos(e), y3 + k * sin(e), x3,
                       y3);
    }
    return st;
}

ra_status_t ra_pdf_circle(ra_pdf_t *pdf, double cx, double cy, double r, const ra_rgb_t *fill,
                          const ra_rgb_t *stroke, double line_width)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (!(r > 0) || (!fill && !stroke))
        return RA_OK;
    ra_status_t st = path_style(pg, fill, stroke, line_width, 0);
    if (st == RA_OK)
        st = put_arc(&pg->content, cx, pg->h - cy, r, 0, 2 * PI, 1);
    if (st == RA_OK)
        st = ra_buf_puts(&pg->content, "h\n");
    if (st == RA_OK)
        st = path_paint(pg, fill, stroke);
    return keep(pdf, st);
}

ra_status_t ra_pdf_arc(ra_pdf_t *pdf, double cx, double cy, double r, double from_deg,
                       double to_deg, double width, ra_rgb_t color)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    if (!(r > 0) || !(to_deg > from_deg))
        return RA_OK;
    if (to_deg - from_deg > 360)
        to_deg = from_deg + 360;
    ra_status_t st = path_style(pg, NULL, &color, width, 0);
    if (st == RA_OK)
        st = put_arc(&pg->content, cx, pg->h - cy, r, from_deg * PI / 180, to_deg * PI / 180, 1);
    if (st == RA_OK)
        st = ra_buf_puts(&pg->content, "S\n");
    return keep(pdf, st);
}

/* --- Images --- */

/* Adds the image XObject of img (read from data[0..len)) to the document:
 * a PNG embedded as it is keeps its compressed rows (FlateDecode with PNG
 * predictors), decoded pixels are compressed here, a JPEG is embedded as
 * it is (DCTDecode). NULL on error (recorded). */
static HPDF_Dict image_xobject(ra_pdf_t *pdf, const ra_image_t *img, const void *data, size_t len)
{
    HPDF_MMgr mm = ra_pdf__mmgr(pdf);
    HPDF_Dict xo = ra_pdf__new_stream(pdf);
    HPDF_Dict parms = img->kind == RA_IMAGE_PNG_RAW || img->jpeg_rgb ? HPDF_Dict_New(mm) : NULL;
    if (!xo || (!parms && (img->kind == RA_IMAGE_PNG_RAW || img->jpeg_rgb)) || pdf->err) {
        hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        return NULL;
    }
    ra_pdf__mark_xobject(xo);
    HPDF_STATUS s = HPDF_Dict_AddName(xo, "Type", "XObject");
    s |= HPDF_Dict_AddName(xo, "Subtype", "Image");
    s |= HPDF_Dict_AddNumber(xo, "Width", (HPDF_INT32)img->width);
    s |= HPDF_Dict_AddNumber(xo, "Height", (HPDF_INT32)img->height);
    s |= HPDF_Dict_AddNumber(xo, "BitsPerComponent", (HPDF_INT32)img->depth);
    if (img->palette) { /* [/Indexed /DeviceRGB hival <palette>] */
        HPDF_Array cs = HPDF_Array_New(mm);
        HPDF_Binary lookup =
            HPDF_Binary_New(mm, (HPDF_BYTE *)img->palette, (HPDF_UINT)img->palette_len);
        if (!cs || !lookup) {
            hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
            return NULL;
        }
        s |= HPDF_Array_AddName(cs, "Indexed");
        s |= HPDF_Array_AddName(cs, "DeviceRGB");
        s |= HPDF_Array_AddNumber(cs, (HPDF_INT32)(img->palette_len / 3 - 1));
        s |= HPDF_Array_Add(cs, lookup);
        s |= HPDF_Dict_Add(xo, "ColorSpace", cs);
    } else {
        s |= HPDF_Dict_AddName(xo, "ColorSpace", img->components == 3 ? "DeviceRGB" : "DeviceGray");
    }
    if (img->kind == RA_IMAGE_PNG_RAW) {
        s |= HPDF_Dict_AddNumber(parms, "Predictor", 15);
        s |= HPDF_Dict_AddNumber(parms, "Colors", (HPDF_INT32)img->components);
        s |= HPDF_Dict_AddNumber(parms, "BitsPerComponent", (HPDF_INT32)img->depth);
        s |= HPDF_Dict_AddNumber(parms, "Columns", (HPDF_INT32)img->width);
        s |= HPDF_Dict_Add(xo, "DecodeParms", parms);
    } else if (img->jpeg_rgb) { /* RGB samples, not YCbCr (Adobe marker) */
        s |= HPDF_Dict_AddNumber(parms, "ColorTransform", 0);
        s |= HPDF_Dict_Add(xo, "DecodeParms", parms);
    }
    if (hp(pdf, s) != RA_OK)
        return NULL;
    ra_status_t st;
    switch (img->kind) {
    case RA_IMAGE_PNG_RAW: /* the PNG's own compressed rows, undecoded */
        st = ra_pdf__stream_put(pdf, xo, img->data.data, img->data.len);
        if (st == RA_OK)
            ra_pdf__mark_flate(xo);
        break;
    case RA_IMAGE_PIXELS:
        st = ra_pdf__stream_set(pdf, xo, img->data.data, img->data.len, NULL);
        break;
    default: /* RA_IMAGE_JPEG: the file itself */
        st = ra_pdf__stream_put(pdf, xo, data, len);
        if (st == RA_OK)
            ra_pdf__mark_dct(xo);
        break;
    }
    return st == RA_OK ? xo : NULL;
}

ra_status_t ra_pdf_image(ra_pdf_t *pdf, const void *data, size_t len, double x, double y, double w,
                         double h)
{
    page_t *pg = ra_pdf__cur_page(pdf);
    ra_image_t img;
    ra_buf_t why = RA_BUF_INIT;
    if (!pg)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    ra_status_t st = ra_image_read(data, len, "image", 1, &img, &why);
    if (st != RA_OK) {
        fail_msg(pdf, ra_buf_str(&why));
        ra_buf_free(&why);
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    }
    if (!(w > 0 && h > 0)) {
        ra_image_free(&img);
        return RA_OK;
    }
    HPDF_Dict xo = image_xobject(pdf, &img, data, len);
    ra_image_free(&img);
    if (!xo)
        return pdf->err ? pdf_err_status(pdf) : RA_ERR_PDF;
    /* The image's bytes go into the /ID like the page content. */
    unsigned char digest[32];
    ra_sha256(data, len, digest);
    st = keep(pdf, ra_buf_append(&pdf->xobject_digests, (const char *)digest, 32));
    if (st != RA_OK)
        return st;

    const char *name = HPDF_Page_GetXObjectName(pg->page, xo);
    if (!name || pdf->err)
        return hp(pdf, HPDF_INVALID_OBJECT);
    /* Scale the unit square to the box; q/Q keeps the tracked state. */
    double m[6] = {w, 0, 0, h, x, pg->h - y - h};
    ra_buf_t *b = &pg->content;
    if ((st = ra_pdf__end_text(pg)) == RA_OK && (st = ra_buf_puts(b, "q\n")) == RA_OK &&
        (st = ra_pdf__put_op(b, m, 6, "cm")) == RA_OK)
        st = ra_buf_printf(b, "/%s Do\nQ\n", name);
    return keep(pdf, st);
}
