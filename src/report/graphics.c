/* graphics.c - bar chart, callout and gauge, placed by the layout engine
 * through ra_layout_block and drawn with its logged drawing functions. */
#include "report/graphics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/score.h"

#define EPS 0.001 /* tolerance when comparing positions, as the engine's */

static const ra_rgb_t white = {1, 1, 1};

/* Returns a copy of s (NULL: ""), or NULL when out of memory. */
static char *copy(const char *s)
{
    if (ra_buf_text_failed(s)) /* made by a buffer that ran out of memory */
        return NULL;
    return strdup(s ? s : "");
}

/* A value with one decimal, rounded as scores are everywhere (score.h). */
static ra_status_t fmt_one_decimal(ra_buf_t *b, double v)
{
    char text[16];
    ra_score_format(true, v, text);
    ra_buf_clear(b);
    return ra_buf_puts(b, text);
}

/* --- Bar chart --- */

typedef struct {
    ra_bar_t *bars; /* labels and value texts copied */
    size_t n;
    ra_threshold_t *th; /* labels copied */
    size_t nth;
} chart_t;

static void chart_free(void *ctx)
{
    chart_t *c = ctx;
    if (!c)
        return;
    for (size_t i = 0; c->bars && i < c->n; i++) {
        free((char *)c->bars[i].label);
        free((char *)c->bars[i].value_text);
    }
    for (size_t i = 0; c->th && i < c->nth; i++)
        free((char *)c->th[i].label);
    free(c->bars);
    free(c->th);
    free(c);
}

/* Draws the dashed threshold lines over the bars between top and bot, each
 * labelled above, labels moved right when they would run into the previous. */
static ra_status_t chart_thresholds(ra_layout_t *lo, const chart_t *c, double x0, double scale_w,
                                    double top, double bot, double size)
{
    ra_pdf_t *pdf = ra_layout_pdf(lo);
    ra_rect_t cur = ra_layout_cursor(lo);
    double last_end = -HUGE_VAL;
    size_t prev = (size_t)-1; /* thresholds go by (value, index) */
    for (size_t t = 0; t < c->nth; t++) {
        size_t next = (size_t)-1;
        for (size_t q = 0; q < c->nth; q++) {
            double vq = c->th[q].value;
            int after_prev = prev == (size_t)-1 || vq > c->th[prev].value ||
                             (vq == c->th[prev].value && q > prev);
            if (after_prev && (next == (size_t)-1 || vq < c->th[next].value))
                next = q;
        }
        if (next == (size_t)-1)
            break;
        prev = next;
        const ra_threshold_t *th = &c->th[next];
        double v = th->value < 0 ? 0 : th->value > 100 ? 100 : th->value;
        double tx = x0 + scale_w * v / 100.0;
        ra_status_t st = ra_layout_line(lo, tx, top - 2, tx, bot, 1.0, th->color, 3);
        if (st != RA_OK)
            return st;
        size_t len = strlen(th->label);
        double tw = ra_pdf_text_width(pdf, RA_FACE_BOLD, size - 1, th->label, len);
        double lx = tx - tw / 2;
        if (lx < last_end + 6)
            lx = last_end + 6;
        if (lx + tw > cur.x + cur.w)
            lx = cur.x + cur.w - tw;
        last_end = lx + tw;
        if ((st = ra_layout_text(lo, RA_FACE_BOLD, size - 1, th->color, lx,
                                 cur.y + ra_layout_baseline(lo, size - 1), th->label, len)) !=
            RA_OK)
            return st;
    }
    return RA_OK;
}

/* Places a bar chart: label column, bars on a 0..100 scale with value
 * texts, gridlines and dashed threshold lines; rows continue on the next
 * page only if the chart is taller than a page. */
static ra_status_t place_chart(void *ctx, ra_layout_t *lo)
{
    const chart_t *c = ctx;
    const ra_layout_options_t *o = ra_layout_options(lo);
    ra_pdf_t *pdf = ra_layout_pdf(lo);
    ra_rect_t cur = ra_layout_cursor(lo);
    double size = o->font_size - 1, lh = ra_layout_line_height(lo, size);
    double bar_h = 1.25 * size, row_h = bar_h + 0.8 * size;
    double label_w = 0.28 * cur.w, value_w = 4.2 * size;
    double x0 = cur.x + label_w + 6, scale_w = cur.w - label_w - 6 - value_w;
    double head = c->nth ? lh : 0, foot = lh + 4;
    ra_status_t st;
    ra_buf_t val = RA_BUF_INIT, lab = RA_BUF_INIT;

    /* Whole chart on one page when it fits on one. */
    double total = head + c->n * row_h + foot;
    if (total <= ra_layout_body_height(lo) && (st = ra_layout_ensure(lo, total)) != RA_OK)
        return st;
    size_t r = 0;
    while (r < c->n || r == 0) {
        size_t rows = c->n - r;
        double avail = ra_layout_cursor(lo).h - head - foot;
        if ((double)rows * row_h > avail + EPS) {
            rows = avail > row_h ? (size_t)((avail + EPS) / row_h) : 0;
            if (rows == 0 && !ra_layout_fresh(lo)) {
                if ((st = ra_layout_new_page(lo)) != RA_OK)
                    goto done;
                continue;
            }
            if (rows == 0)
                rows = 1;
        }
        double top = ra_layout_cursor(lo).y + head, bot = top + rows * row_h;
        ra_rgb_t grid = ra_rgb_tint(o->muted, 0.8);
        /* Gridlines and scale. */
        for (int g = 0; g <= 100; g += 20) {
            double gx = x0 + scale_w * g / 100.0;
            if ((st = ra_layout_line(lo, gx, top, gx, bot, 0.4, grid, 0)) != RA_OK)
                goto done;
            if ((st = fmt_one_decimal(&val, g)) != RA_OK)
                goto done;
            val.len -= 2; /* integers: drop ".0" */
            val.data[val.len] = '\0';
            double tw = ra_pdf_text_width(pdf, RA_FACE_REGULAR, size - 1, val.data, val.len);
            if ((st = ra_layout_text(lo, RA_FACE_REGULAR, size - 1, o->muted, gx - tw / 2,
                                     bot + ra_layout_baseline(lo, size - 1) + 2, val.data,
                                     val.len)) != RA_OK)
                goto done;
        }
        /* Labels and bars. */
        for (size_t k = 0; k < rows; k++) {
            const ra_bar_t *bar = &c->bars[r + k];
            double ry = top + k * row_h + (row_h - bar_h) / 2;
            double base = ry + bar_h / 2 + size * 0.35;
            size_t len = strlen(bar->label);
            const char *s =
                ra_layout_ellipsize(pdf, &lab, RA_FACE_REGULAR, size, label_w, bar->label, &len);
            if ((st = ra_layout_text(lo, RA_FACE_REGULAR, size, o->text_color, cur.x, base, s,
                                     len)) != RA_OK)
                goto done;
            double v = bar->value >= 0 ? (bar->value > 100 ? 100 : bar->value) : 0;
            if (v > 0 && (st = ra_layout_rect(lo, x0, ry, scale_w * v / 100.0, bar_h, 0, &bar->fill,
                                              NULL, 0)) != RA_OK)
                goto done;
        }
        if ((st = chart_thresholds(lo, c, x0, scale_w, top, bot, size)) != RA_OK)
            goto done;
        /* The previous assessment's values: a tick across each bar. */
        for (size_t k = 0; k < rows; k++) {
            const ra_bar_t *bar = &c->bars[r + k];
            if (!bar->has_previous)
                continue;
            double ry = top + k * row_h + (row_h - bar_h) / 2;
            double p = bar->previous < 0 ? 0 : bar->previous > 100 ? 100 : bar->previous;
            double px = x0 + scale_w * p / 100.0;
            if ((st = ra_layout_line(lo, px, ry - 2, px, ry + bar_h + 2, 1.6, o->text_color, 0)) !=
                RA_OK)
                goto done;
        }
        /* Values beside the bars, on a white ground over any line. */
        for (size_t k = 0; k < rows; k++) {
            const ra_bar_t *bar = &c->bars[r + k];
            double ry = top + k * row_h + (row_h - bar_h) / 2;
            double base = ry + bar_h / 2 + size * 0.35;
            int na = !(bar->value >= 0);
            double v = na ? 0 : bar->value > 100 ? 100 : bar->value;
            double bx = x0 + scale_w * v / 100.0 + 4;
            if (bar->value_text) {
                ra_buf_clear(&val);
                st = ra_buf_puts(&val, bar->value_text);
            } else if (na) {
                ra_buf_clear(&val);
                st = ra_buf_puts(&val, "n/a");
            } else {
                st = fmt_one_decimal(&val, bar->value);
            }
            ra_face_t face = na ? RA_FACE_ITALIC : RA_FACE_BOLD;
            double vw = ra_pdf_text_width(pdf, face, size, val.data, val.len);
            if (st != RA_OK ||
                (st = ra_layout_rect(lo, bx - 1.5, ry, vw + 3, bar_h, 0, &white, NULL, 0)) !=
                    RA_OK ||
                (st = ra_layout_text(lo, face, size, na ? o->muted : o->text_color, bx, base,
                                     val.data, val.len)) != RA_OK)
                goto done;
        }
        ra_layout_advance(lo, head + rows * row_h + foot);
        r += rows;
        if (r < c->n && (st = ra_layout_new_page(lo)) != RA_OK)
            goto done;
        if (c->n == 0)
            break;
    }
    ra_layout_gap(lo, 0.8 * o->font_size);
    st = RA_OK;
done:
    ra_buf_free(&val);
    ra_buf_free(&lab);
    return st;
}

ra_status_t ra_graphics_bar_chart(ra_layout_t *lo, const ra_bar_t *bars, size_t n,
                                  const ra_threshold_t *th, size_t nth)
{
    chart_t *c = calloc(1, sizeof *c);
    if (!c)
        return RA_ERR_NOMEM;
    c->bars = calloc(n ? n : 1, sizeof *c->bars);
    c->th = calloc(nth ? nth : 1, sizeof *c->th);
    if (!c->bars || !c->th) {
        chart_free(c);
        return RA_ERR_NOMEM;
    }
    c->n = n;
    c->nth = nth;
    ra_status_t st = RA_OK;
    for (size_t i = 0; i < n; i++) {
        c->bars[i] = bars[i];
        c->bars[i].label = copy(bars[i].label);
        c->bars[i].value_text = bars[i].value_text ? copy(bars[i].value_text) : NULL;
        if (!c->bars[i].label || (bars[i].value_text && !c->bars[i].value_text))
            st = RA_ERR_NOMEM;
    }
    for (size_t i = 0; i < nth; i++) {
        c->th[i] = th[i];
        if (!(c->th[i].label = copy(th[i].label)))
            st = RA_ERR_NOMEM;
    }
    if (st != RA_OK) {
        chart_free(c);
        return st;
    }
    return ra_layout_block(lo, place_chart, c, chart_free);
}

/* --- Callout --- */

typedef struct {
    char *title, *text;
    ra_rgb_t fill, edge, text_color;
} callout_t;

static void callout_free(void *ctx)
{
    callout_t *c = ctx;
    if (!c)
        return;
    free(c->title);
    free(c->text);
    free(c);
}

/* Wraps text as the engine wraps a paragraph into out, one line per "\n"
 * (ra_layout_wrap), and returns how many lines that is: a text of spaces
 * alone has none, an empty line of its own comes from a line break. */
static ra_status_t wrap(const ra_pdf_t *pdf, ra_face_t face, double size, double width,
                        const char *text, ra_buf_t *out, size_t *n)
{
    ra_buf_clear(out);
    ra_status_t st = ra_layout_wrap(pdf, face, size, width > 1 ? width : 1, text, out);
    *n = 0;
    if (st != RA_OK)
        return st;
    if (out->len == 0) {
        *n = strpbrk(text, "\r\n") != NULL;
        return RA_OK;
    }
    *n = 1;
    for (size_t i = 0; i < out->len; i++)
        *n += out->data[i] == '\n';
    return RA_OK;
}

/* Returns the line at *p in wrapped text and its length, and moves *p to
 * the next line. */
static const char *next_line(const char **p, size_t *len)
{
    const char *s = *p, *nl = strchr(s, '\n');
    *len = nl ? (size_t)(nl - s) : strlen(s);
    *p = nl ? nl + 1 : s + *len;
    return s;
}

/* Places a callout: filled panel, edge bar, title and text. */
static ra_status_t place_callout(void *ctx, ra_layout_t *lo)
{
    const callout_t *c = ctx;
    const ra_layout_options_t *o = ra_layout_options(lo);
    const ra_pdf_t *pdf = ra_layout_pdf(lo);
    double pad = 10, edge = 4, size = o->font_size;
    double tsize = 1.15 * size, inner = ra_layout_cursor(lo).w - 2 * pad - edge;
    ra_buf_t title = RA_BUF_INIT, text = RA_BUF_INIT;
    size_t tn = 0, xn = 0;
    ra_status_t st = RA_OK;
    if (*c->title)
        st = wrap(pdf, RA_FACE_BOLD, tsize, inner, c->title, &title, &tn);
    if (st == RA_OK)
        st = wrap(pdf, RA_FACE_REGULAR, size, inner, c->text, &text, &xn);
    const char *tp = ra_buf_str(&title), *xp = ra_buf_str(&text);
    double tlh = ra_layout_line_height(lo, tsize), lh = ra_layout_line_height(lo, size);
    double title_h = tn * tlh + (tn ? 2 : 0);
    double total = 2 * pad + title_h + xn * lh;
    if (st == RA_OK && total <= ra_layout_body_height(lo))
        st = ra_layout_ensure(lo, total);
    /* Panel segments: normally one; more if taller than a page. */
    size_t done = 0, title_done = 0;
    while (st == RA_OK && (title_done < tn || done < xn || (tn == 0 && xn == 0 && !done))) {
        double avail = ra_layout_cursor(lo).h - 2 * pad;
        size_t tfit = 0, fit = 0;
        double h = 0;
        while (title_done + tfit < tn && h + tlh <= avail + EPS) {
            tfit++;
            h += tlh;
        }
        if (tfit && title_done + tfit == tn)
            h += 2;
        while (title_done + tfit == tn && done + fit < xn && h + lh <= avail + EPS) {
            fit++;
            h += lh;
        }
        if (tfit == 0 && fit == 0 && (tn || xn)) {
            /* Nothing fits on a fresh page: cannot happen with sane page sizes. */
            st = ra_layout_fresh(lo) ? RA_ERR_LIMIT : ra_layout_new_page(lo);
            continue;
        }
        ra_rect_t cur = ra_layout_cursor(lo);
        double panel_h = h + 2 * pad, x = cur.x + edge + pad, ty = cur.y + pad;
        if ((st = ra_layout_rect(lo, cur.x, cur.y, cur.w, panel_h, 0, &c->fill, NULL, 0)) !=
                RA_OK ||
            (st = ra_layout_rect(lo, cur.x, cur.y, edge, panel_h, 0, &c->edge, NULL, 0)) != RA_OK)
            break;
        for (size_t k = 0; k < tfit && st == RA_OK; k++, ty += tlh) {
            size_t len;
            const char *s = next_line(&tp, &len);
            st = ra_layout_text(lo, RA_FACE_BOLD, tsize, c->edge, x,
                                ty + ra_layout_baseline(lo, tsize), s, len);
        }
        if (tfit && title_done + tfit == tn)
            ty += 2;
        for (size_t k = 0; k < fit && st == RA_OK; k++, ty += lh) {
            size_t len;
            const char *s = next_line(&xp, &len);
            st = ra_layout_text(lo, RA_FACE_REGULAR, size, c->text_color, x,
                                ty + ra_layout_baseline(lo, size), s, len);
        }
        if (st != RA_OK)
            break;
        title_done += tfit;
        done += fit;
        ra_layout_advance(lo, panel_h);
        if (tn == 0 && xn == 0)
            break;
        if (title_done < tn || done < xn)
            st = ra_layout_new_page(lo);
    }
    if (st == RA_OK)
        ra_layout_gap(lo, 0.8 * size);
    ra_buf_free(&title);
    ra_buf_free(&text);
    return st;
}

ra_status_t ra_graphics_callout(ra_layout_t *lo, const char *title, const char *text, ra_rgb_t fill,
                                ra_rgb_t edge)
{
    callout_t *c = calloc(1, sizeof *c);
    if (!c)
        return RA_ERR_NOMEM;
    c->title = copy(title);
    c->text = copy(text);
    c->fill = fill;
    c->edge = edge;
    c->text_color = ra_layout_options(lo)->text_color;
    if (!c->title || !c->text) {
        callout_free(c);
        return RA_ERR_NOMEM;
    }
    return ra_layout_block(lo, place_callout, c, callout_free);
}

/* --- Gauge --- */

typedef struct {
    double value, diameter;
    char *number, *caption;
    ra_rgb_t color;
    ra_align_t align;
} gauge_t;

static void gauge_free(void *ctx)
{
    gauge_t *g = ctx;
    if (!g)
        return;
    free(g->number);
    free(g->caption);
    free(g);
}

ra_status_t ra_graphics_draw_gauge(ra_pdf_t *pdf, double cx, double cy, double r, double value,
                                   const char *number, ra_rgb_t color)
{
    double ring = r * 0.16;
    ra_rgb_t track = {0.9, 0.91, 0.93};
    ra_status_t st = ra_pdf_circle(pdf, cx, cy, r - ring / 2, NULL, &track, ring);
    if (st == RA_OK && value > 0) {
        double v = value > 100 ? 100 : value;
        st = ra_pdf_arc(pdf, cx, cy, r - ring / 2, 0, v * 3.6, ring, color);
    }
    if (st == RA_OK && number && *number) {
        double size = r * 0.52;
        size_t len = strlen(number);
        double w = ra_pdf_text_width(pdf, RA_FACE_BOLD, size, number, len);
        double maxw = 2 * (r - ring) * 0.85;
        if (w > maxw) {
            size *= maxw / w;
            w = maxw;
        }
        st = ra_pdf_text(pdf, RA_FACE_BOLD, size, color, cx - w / 2, cy + size * 0.36, number, len);
    }
    return st;
}

/* Places a gauge block: ring with number, caption centred below. */
static ra_status_t place_gauge(void *ctx, ra_layout_t *lo)
{
    const gauge_t *g = ctx;
    ra_pdf_t *pdf = ra_layout_pdf(lo);
    double d = g->diameter, size = ra_layout_options(lo)->font_size;
    double lh = ra_layout_line_height(lo, size), body_h = ra_layout_body_height(lo);
    if (d > body_h - 2 * lh)
        d = body_h - 2 * lh;
    if (d > ra_layout_cursor(lo).w)
        d = ra_layout_cursor(lo).w;
    double cap = *g->caption ? lh + 2 : 0;
    ra_status_t st = ra_layout_ensure(lo, d + cap);
    if (st != RA_OK)
        return st;
    ra_rect_t cur = ra_layout_cursor(lo);
    double cx = g->align == RA_ALIGN_CENTER  ? cur.x + cur.w / 2
                : g->align == RA_ALIGN_RIGHT ? cur.x + cur.w - d / 2
                                             : cur.x + d / 2;
    if (ra_layout_drawing(lo)) {
        double v[4] = {cx - d / 2, cur.y, d, d};
        if ((st = ra_layout_log(lo, "gauge", v, 4, g->number)) != RA_OK ||
            (st = ra_graphics_draw_gauge(pdf, cx, cur.y + d / 2, d / 2, g->value, g->number,
                                         g->color)) != RA_OK)
            return st;
    }
    if (*g->caption) {
        ra_buf_t tmp = RA_BUF_INIT;
        size_t len = strlen(g->caption);
        const char *s =
            ra_layout_ellipsize(pdf, &tmp, RA_FACE_REGULAR, size, cur.w, g->caption, &len);
        double w = ra_pdf_text_width(pdf, RA_FACE_REGULAR, size, s, len);
        double x = cx - w / 2;
        if (x < cur.x)
            x = cur.x;
        if (x + w > cur.x + cur.w)
            x = cur.x + cur.w - w;
        st = ra_layout_text(lo, RA_FACE_REGULAR, size, ra_layout_options(lo)->muted, x,
                            cur.y + d + 2 + ra_layout_baseline(lo, size), s, len);
        ra_buf_free(&tmp);
        if (st != RA_OK)
            return st;
    }
    ra_layout_advance(lo, d + cap);
    ra_layout_gap(lo, 0.8 * size);
    return RA_OK;
}

ra_status_t ra_graphics_gauge(ra_layout_t *lo, double value, const char *number,
                              const char *caption, ra_rgb_t color, double diameter,
                              ra_align_t align)
{
    gauge_t *g = calloc(1, sizeof *g);
    if (!g)
        return RA_ERR_NOMEM;
    g->value = value;
    g->diameter = diameter > 10 ? diameter : 10;
    g->color = color;
    g->align = align;
    g->number = copy(number);
    g->caption = copy(caption);
    if (!g->number || !g->caption) {
        gauge_free(g);
        return RA_ERR_NOMEM;
    }
    return ra_layout_block(lo, place_gauge, g, gauge_free);
}
