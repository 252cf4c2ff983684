/* layout.c - content-independent layout engine: records blocks, then wraps,
 * paginates and draws them through pdf.h in ra_layout_finish. */
#include "layout/layout.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/slots.h"
#include "base/usercache.h"
#include "base/text.h"
#include "base/vec.h"
#include "layout/break.h"

#define EPS 0.001       /* tolerance when comparing positions */
#define TABLE_PAD_X 4.0 /* cell padding, points */
#define TABLE_PAD_Y 3.0
#define BULLET_INDENT 14.0
#define HEADING_DEPTH 3
#define FIRST_DEPTH_MAX 8 /* keep-with-next lookahead through headings */
#define BRK_UNKNOWN 3     /* in lo->brks: not computed yet */
/* No byte of UTF-8 text is drawn wider than this many em in the faces of
 * the chain (DejaVu's widest Latin letters are about 1 em, a CJK character
 * of 3 bytes 1 em): a segment of n bytes cannot be wider than n times it,
 * so segments that cannot be the widest are not measured. */
#define EM_PER_BYTE_MAX 1.2

/* What a recorded block is. */
typedef enum {
    K_HEADING,
    K_MARK,
    K_PARA,
    K_BULLETS,
    K_KV,
    K_TABLE,
    K_CUSTOM,
    K_PLACED,
    K_SPACE,
    K_RULE,
    K_BREAK,
    K_KEEP_BEGIN,
    K_KEEP_END,
    K_CONTENTS
} kind_t;

/* A string in the layout's text arena. */
typedef struct {
    size_t off, len;
} str_t;

/* A run of text of one face and colour. */
typedef struct {
    str_t text;
    ra_face_t face;
    ra_rgb_t color;
    int link;
    double size; /* 0: the block's size */
} span_t;

/* A paragraph, list item, grid or table cell: a range of spans. */
typedef struct {
    size_t span0, nspans;
    int has_fill;
    ra_rgb_t fill;
} cell_t;

typedef struct {
    str_t title;
    double width;
    ra_align_t align;
} col_t;

/* One recorded block; which fields matter depends on kind. */
typedef struct {
    kind_t kind;
    ra_style_t st;
    size_t cell0, ncells; /* para 1, bullets n, kv 2n, table rows*cols */
    size_t aux0, naux;    /* table columns */
    ra_table_style_t ts;
    int level;
    unsigned flags;
    int anchor;
    double num, height; /* kv label_frac, custom/space height */
    ra_layout_draw_fn fn;
    ra_layout_place_fn place;
    void *ctx;
    void (*free_ctx)(void *); /* frees a placed block's ctx */
    str_t s1;                 /* heading/mark title, contents title */
} block_t;

typedef struct {
    int placed;
    int bound; /* a heading or mark owns it */
    size_t page;
    double y;
} anchor_t;

/* A link rectangle waiting for its anchor's page. */
typedef struct {
    size_t page;
    double x, y, w, h;
    int anchor;
} link_t;

/* A contents entry and the row reserved for it. */
typedef struct {
    int level;
    str_t title;
    int anchor;
    int has_row;
    size_t row_page;
    double row_y;
} toc_t;

/* Text to wrap: resolved pointers, valid during one wrap. */
typedef struct {
    const char *s;
    size_t len;
    ra_face_t face;
    ra_rgb_t color;
    int link;
    double size;     /* 0: the wrapper's size */
    const char *brk; /* its break opportunities (ra_break_find), or NULL */
} wspan_t;

/* A piece of a wrapped line drawn with one text call. */
typedef struct {
    const char *s;
    size_t len;
    ra_face_t face;
    ra_rgb_t color;
    int link;
    double size;     /* 0: the line's size */
    const char *uri; /* the URL it is part of (a link to it), or NULL */
    size_t uri_len;
    double x, w;
} frag_t;

typedef struct {
    size_t frag0, nfrag;
    double w;
    ra_dir_t dir; /* of its paragraph: left to right or right to left */
} line_t;

/* A growable array. */
#define VEC(T)         \
    struct {           \
        T *v;          \
        size_t n, cap; \
    }

/* Wrapping state, reusable (no allocation once warm). */
typedef struct {
    const ra_pdf_t *pdf;
    double size;
    ra_dir_t dir;               /* of the paragraph being wrapped */
    const char *lang;           /* BCP 47 tag, for the break rules */
    const ra_hyph_dict_t *dict; /* hyphenation; NULL: none */
    ra_hyph_t *hyph;            /* where dict comes from when need_dict is set */
    int need_dict;              /* dict is to be loaded at first use */
    VEC(frag_t) frags;
    VEC(line_t) lines;
    VEC(char) brk; /* ra_break_find of the span being wrapped */
    VEC(char) pts; /* hyphenation points of a segment */
} wrapper_t;

struct ra_layout {
    ra_pdf_t *pdf;
    ra_layout_options_t opt;
    ra_buf_t text; /* arena for all copied strings */
    str_t watermark;
    VEC(block_t) blocks;
    VEC(span_t) spans;
    VEC(cell_t) cells;
    VEC(col_t) cols;
    VEC(anchor_t) anchors;
    VEC(link_t) links;
    VEC(char) brks; /* break opportunities of the text arena, BRK_UNKNOWN: not yet */
    VEC(toc_t) tocs;
    VEC(wspan_t) wspans;
    wrapper_t wr;
    int in_table, in_keep, finished;
    /* Placement cursor (during finish). */
    int dry;     /* measuring: draw nothing, never break pages */
    size_t page; /* current page, 0-based */
    size_t npages;
    double y;                       /* top of the free space */
    double top, bottom;             /* body limits */
    double left, width;             /* body column */
    int fresh;                      /* nothing placed on this page yet */
    int outline[HEADING_DEPTH + 1]; /* last bookmark id per level */
    ra_buf_t dump;
    ra_buf_t tmp;
    ra_hyph_t *own_hyph; /* when the options gave none */
    char lang[RA_LAYOUT_LANG_MAX + 1];
    const block_t *cw_block; /* the table whose column widths cw holds */
    double cw[RA_LAYOUT_MAX_COLUMNS];
};

/* --- Small helpers --- */

/* VEC_PUSH(vec): the address of a new last element of a VEC (uninitialised),
 * or NULL when out of memory. */
#define VEC_PUSH(vec) \
    (RA_VEC_RESERVE((vec).v, (vec).n, (vec).cap, 16) == RA_OK ? &(vec).v[(vec).n++] : NULL)

/* Copies s (NULL: empty) into the arena. */
static ra_status_t put_str(ra_layout_t *lo, const char *s, str_t *out)
{
    size_t len = s ? strlen(s) : 0;
    out->off = lo->text.len;
    out->len = len;
    ra_status_t st = ra_buf_append(&lo->text, s ? s : "", len);
    if (st == RA_OK)
        st = ra_buf_putc(&lo->text, '\0');
    return st;
}

/* Returns the arena text of s (valid until the next append). */
static const char *S(const ra_layout_t *lo, str_t s)
{
    return lo->text.data ? lo->text.data + s.off : "";
}

/* Appends v with 2 decimals, C locale, to b. */
static ra_status_t put_fixed(ra_buf_t *b, double v)
{
    char tmp[32], *p = tmp + sizeof tmp;
    if (!(v > -1e12 && v < 1e12))
        v = 0;
    long long m = llround(v * 100);
    int neg = m < 0;
    if (neg)
        m = -m;
    for (int i = 0; i < 2; i++, m /= 10)
        *--p = (char)('0' + m % 10);
    *--p = '.';
    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m > 0);
    if (neg)
        *--p = '-';
    return ra_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

static const char face_letter[RA_FACE_COUNT] = {'R', 'B', 'I', 'M'};

ra_rgb_t ra_rgb_tint(ra_rgb_t c, double t)
{
    ra_rgb_t r = {c.r + (1 - c.r) * t, c.g + (1 - c.g) * t, c.b + (1 - c.b) * t};
    return r;
}

static const ra_rgb_t white = {1, 1, 1};

/* --- Options and creation --- */

void ra_layout_options_default(ra_layout_options_t *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->page_width = RA_PAGE_A4_W;
    opt->page_height = RA_PAGE_A4_H;
    opt->margin_top = opt->margin_right = opt->margin_bottom = opt->margin_left = 56.69;
    opt->header_height = opt->footer_height = 24;
    opt->font_size = 10;
    opt->line_spacing = 1.35;
    opt->text_color = (ra_rgb_t){0.13, 0.15, 0.18};
    opt->muted = (ra_rgb_t){0.42, 0.45, 0.50};
    opt->accent = (ra_rgb_t){0.10, 0.24, 0.45};
}

ra_status_t ra_layout_new(ra_pdf_t *pdf, const ra_layout_options_t *opt, ra_layout_t **out)
{
    ra_layout_t *lo = calloc(1, sizeof *lo);
    *out = NULL;
    if (!lo)
        return RA_ERR_NOMEM;
    lo->pdf = pdf;
    if (opt)
        lo->opt = *opt;
    else
        ra_layout_options_default(&lo->opt);
    ra_layout_options_t *o = &lo->opt;
    if (!(o->font_size > 0))
        o->font_size = 10;
    if (!(o->line_spacing > 0))
        o->line_spacing = 1.35;
    double body_h =
        o->page_height - o->margin_top - o->margin_bottom - o->header_height - o->footer_height;
    double body_w = o->page_width - o->margin_left - o->margin_right;
    if (!(body_h >= 5 * o->font_size * o->line_spacing) || !(body_w >= 10 * o->font_size) ||
        o->header_height < 0 || o->footer_height < 0) {
        free(lo);
        return RA_ERR_INVALID;
    }
    lo->wr.pdf = pdf;
    strcpy(lo->lang, RA_LAYOUT_LANG);
    lo->wr.lang = lo->lang;
    lo->wr.hyph = o->hyph;
    lo->wr.need_dict = 1; /* loaded when a word first needs it */
    ra_status_t st = o->hyph ? RA_OK : ra_hyph_new(NULL, NULL, &lo->own_hyph);
    if (!o->hyph)
        lo->wr.hyph = lo->own_hyph;
    if (st == RA_OK)
        st = put_str(lo, o->watermark, &lo->watermark);
    o->watermark = NULL; /* the copy lives in the arena */
    if (st != RA_OK) {
        ra_layout_free(lo);
        return st;
    }
    *out = lo;
    return RA_OK;
}

void ra_layout_free(ra_layout_t *lo)
{
    if (!lo)
        return;
    ra_buf_free(&lo->text);
    for (size_t i = 0; i < lo->blocks.n; i++)
        if (lo->blocks.v[i].free_ctx)
            lo->blocks.v[i].free_ctx(lo->blocks.v[i].ctx);
    free(lo->blocks.v);
    free(lo->spans.v);
    free(lo->cells.v);
    free(lo->cols.v);
    free(lo->anchors.v);
    free(lo->links.v);
    free(lo->tocs.v);
    free(lo->wspans.v);
    free(lo->wr.frags.v);
    free(lo->wr.lines.v);
    free(lo->wr.brk.v);
    free(lo->wr.pts.v);
    free(lo->brks.v);
    ra_hyph_free(lo->own_hyph);
    ra_buf_free(&lo->dump);
    ra_buf_free(&lo->tmp);
    free(lo);
}

ra_status_t ra_layout_set_lang(ra_layout_t *lo, const char *lang)
{
    if (!lang || !*lang)
        lang = RA_LAYOUT_LANG;
    size_t n = strlen(lang);
    if (n > RA_LAYOUT_LANG_MAX)
        return RA_ERR_INVALID;
    /* The dictionary is loaded when a word first needs it: libhyphen takes
     * seconds over the German one, which most reports never use. */
    memcpy(lo->lang, lang, n + 1);
    lo->wr.dict = NULL;
    lo->wr.need_dict = 1;
    return RA_OK;
}

const char *ra_layout_lang(const ra_layout_t *lo)
{
    return lo->lang;
}

double ra_layout_body_width(const ra_layout_t *lo)
{
    return lo->opt.page_width - lo->opt.margin_left - lo->opt.margin_right;
}

ra_style_t ra_layout_style(const ra_layout_t *lo)
{
    ra_style_t st;
    memset(&st, 0, sizeof st);
    st.face = RA_FACE_REGULAR;
    st.size = lo->opt.font_size;
    st.color = lo->opt.text_color;
    st.align = RA_ALIGN_LEFT;
    st.space_after = 0.6 * lo->opt.font_size;
    return st;
}

ra_table_style_t ra_layout_table_style(const ra_layout_t *lo)
{
    ra_table_style_t ts;
    ts.font_size = lo->opt.font_size - 1;
    ts.header = 1;
    ts.zebra = 1;
    ts.grid = 1;
    return ts;
}

/* --- Recording blocks --- */

/* Checks that a block may be appended now (not finished, not in a table
 * unless in_table_ok). */
static ra_status_t can_append(const ra_layout_t *lo, int in_table_ok)
{
    if (lo->finished || (lo->in_table && !in_table_ok))
        return RA_ERR_INVALID;
    return RA_OK;
}

/* Appends a zeroed block of kind k; NULL when out of memory. */
static block_t *new_block(ra_layout_t *lo, kind_t k)
{
    block_t *b = VEC_PUSH(lo->blocks);
    if (!b)
        return NULL;
    memset(b, 0, sizeof *b);
    b->kind = k;
    b->st = ra_layout_style(lo);
    return b;
}

/* Returns the index of a new anchor (ids are index + 1). */
static ra_status_t new_anchor(ra_layout_t *lo, int *id)
{
    anchor_t *a = VEC_PUSH(lo->anchors);
    if (!a)
        return RA_ERR_NOMEM;
    memset(a, 0, sizeof *a);
    *id = (int)lo->anchors.n;
    return RA_OK;
}

/* Appends a cell holding one span of text. */
static ra_status_t add_text_cell(ra_layout_t *lo, const char *text, ra_face_t face, double size,
                                 ra_rgb_t color, int link, const ra_rgb_t *fill)
{
    span_t *sp = VEC_PUSH(lo->spans);
    if (!sp)
        return RA_ERR_NOMEM;
    sp->face = (unsigned)face < RA_FACE_COUNT ? face : RA_FACE_REGULAR;
    sp->color = color;
    sp->link = link;
    sp->size = size > 0 && size < 1000 ? size : 0;
    ra_status_t st = put_str(lo, text, &sp->text);
    if (st != RA_OK)
        return st;
    cell_t *c = VEC_PUSH(lo->cells);
    if (!c)
        return RA_ERR_NOMEM;
    c->span0 = lo->spans.n - 1;
    c->nspans = 1;
    c->has_fill = fill != NULL;
    if (fill)
        c->fill = *fill;
    return RA_OK;
}

/* Completes a style given by the caller (NULL: body style). */
static ra_style_t style_or_default(const ra_layout_t *lo, const ra_style_t *st)
{
    ra_style_t s = st ? *st : ra_layout_style(lo);
    if (!(s.size > 0))
        s.size = lo->opt.font_size;
    if ((unsigned)s.face >= RA_FACE_COUNT)
        s.face = RA_FACE_REGULAR;
    if (!(s.space_after >= 0))
        s.space_after = 0;
    if (!(s.indent >= 0))
        s.indent = 0;
    return s;
}

/* Records a heading or mark. */
static ra_status_t add_heading(ra_layout_t *lo, kind_t k, int level, const char *text,
                               unsigned flags, int *anchor)
{
    ra_status_t st = can_append(lo, 0);
    int id;
    if (st != RA_OK)
        return st;
    if (k == K_HEADING && (level < 1 || level > HEADING_DEPTH))
        return RA_ERR_INVALID;
    /* A caller may bind a heading to an anchor reserved earlier, so that
     * links placed before the heading can point at it. */
    if (anchor && *anchor > 0 && (size_t)*anchor <= lo->anchors.n &&
        !lo->anchors.v[*anchor - 1].bound)
        id = *anchor;
    else if ((st = new_anchor(lo, &id)) != RA_OK)
        return st;
    lo->anchors.v[id - 1].bound = 1;
    block_t *b = new_block(lo, k);
    if (!b)
        return RA_ERR_NOMEM;
    b->level = text && level >= 1 && level <= HEADING_DEPTH ? level : 0;
    b->flags = flags;
    b->anchor = id;
    if ((st = put_str(lo, text, &b->s1)) != RA_OK)
        return st;
    if (b->level && !(flags & RA_HEADING_NO_TOC)) {
        toc_t *t = VEC_PUSH(lo->tocs);
        if (!t)
            return RA_ERR_NOMEM;
        memset(t, 0, sizeof *t);
        t->level = b->level;
        t->title = b->s1;
        t->anchor = id;
    }
    if (anchor)
        *anchor = id;
    return RA_OK;
}

ra_status_t ra_layout_anchor_new(ra_layout_t *lo, int *anchor)
{
    ra_status_t st = can_append(lo, 0);
    if (st == RA_OK)
        st = new_anchor(lo, anchor);
    return st;
}

ra_status_t ra_layout_heading(ra_layout_t *lo, int level, const char *text, unsigned flags,
                              int *anchor)
{
    return add_heading(lo, K_HEADING, level, text ? text : "", flags, anchor);
}

ra_status_t ra_layout_mark(ra_layout_t *lo, int level, const char *title, unsigned flags,
                           int *anchor)
{
    return add_heading(lo, K_MARK, title ? level : 0, title, flags, anchor);
}

/* Starts a block of text cells of kind k in style st (NULL: the default),
 * its cells beginning at the next cell; *out is the block. */
static ra_status_t begin_text_block(ra_layout_t *lo, kind_t k, const ra_style_t *st, block_t **out)
{
    ra_status_t s = can_append(lo, 0);
    if (s != RA_OK)
        return s;
    ra_style_t sty = style_or_default(lo, st);
    block_t *b = new_block(lo, k);
    if (!b)
        return RA_ERR_NOMEM;
    b->st = sty;
    b->cell0 = lo->cells.n;
    *out = b;
    return RA_OK;
}

ra_status_t ra_layout_paragraph(ra_layout_t *lo, const ra_style_t *st, const char *text)
{
    block_t *b;
    ra_status_t s = begin_text_block(lo, K_PARA, st, &b);
    if (s != RA_OK)
        return s;
    ra_style_t sty = b->st;
    b->ncells = 1;
    return add_text_cell(lo, text, sty.face, 0, sty.color, sty.link, NULL);
}

ra_status_t ra_layout_rich(ra_layout_t *lo, const ra_style_t *st, const ra_span_t *spans, size_t n)
{
    block_t *b;
    ra_status_t s = begin_text_block(lo, K_PARA, st, &b);
    if (s != RA_OK)
        return s;
    ra_style_t sty = b->st;
    b->ncells = 1;
    size_t first = lo->spans.n;
    for (size_t i = 0; i < n; i++) {
        span_t *sp = VEC_PUSH(lo->spans);
        if (!sp)
            return RA_ERR_NOMEM;
        sp->face = (unsigned)spans[i].face < RA_FACE_COUNT ? spans[i].face : RA_FACE_REGULAR;
        sp->color = spans[i].color ? *spans[i].color : sty.color;
        sp->link = spans[i].link ? spans[i].link : sty.link;
        sp->size = 0;
        if ((s = put_str(lo, spans[i].text, &sp->text)) != RA_OK)
            return s;
    }
    cell_t *c = VEC_PUSH(lo->cells);
    if (!c)
        return RA_ERR_NOMEM;
    memset(c, 0, sizeof *c);
    c->span0 = first;
    c->nspans = n;
    return RA_OK;
}

ra_status_t ra_layout_bullets(ra_layout_t *lo, const ra_style_t *st, const char *const *items,
                              size_t n)
{
    block_t *b;
    ra_status_t s = begin_text_block(lo, K_BULLETS, st, &b);
    if (s != RA_OK)
        return s;
    ra_style_t sty = b->st;
    b->ncells = n;
    for (size_t i = 0; i < n; i++)
        if ((s = add_text_cell(lo, items[i], sty.face, 0, sty.color, sty.link, NULL)) != RA_OK)
            return s;
    return RA_OK;
}

ra_status_t ra_layout_kv(ra_layout_t *lo, const ra_kv_t *rows, size_t n, double label_frac)
{
    ra_status_t s = can_append(lo, 0);
    if (s != RA_OK)
        return s;
    block_t *b = new_block(lo, K_KV);
    if (!b)
        return RA_ERR_NOMEM;
    b->num = label_frac > 0.05 && label_frac < 0.95 ? label_frac : 0.3;
    b->cell0 = lo->cells.n;
    b->ncells = 2 * n;
    for (size_t i = 0; i < n; i++)
        if ((s = add_text_cell(lo, rows[i].label, RA_FACE_BOLD, 0, lo->opt.muted, 0, NULL)) !=
                RA_OK ||
            (s = add_text_cell(lo, rows[i].value, rows[i].face, rows[i].size, lo->opt.text_color, 0,
                               NULL)) != RA_OK)
            return s;
    return RA_OK;
}

ra_status_t ra_layout_table_begin(ra_layout_t *lo, const ra_table_style_t *ts,
                                  const ra_column_t *cols, size_t ncols)
{
    ra_status_t s = can_append(lo, 0);
    if (s != RA_OK)
        return s;
    if (ncols == 0)
        return RA_ERR_INVALID;
    if (ncols > RA_LAYOUT_MAX_COLUMNS)
        return RA_ERR_LIMIT;
    block_t *b = new_block(lo, K_TABLE);
    if (!b)
        return RA_ERR_NOMEM;
    b->ts = ts ? *ts : ra_layout_table_style(lo);
    if (!(b->ts.font_size > 0))
        b->ts.font_size = lo->opt.font_size - 1;
    b->aux0 = lo->cols.n;
    b->naux = ncols;
    b->cell0 = lo->cells.n;
    for (size_t i = 0; i < ncols; i++) {
        col_t *c = VEC_PUSH(lo->cols);
        if (!c)
            return RA_ERR_NOMEM;
        c->width = cols[i].width > 0 ? cols[i].width : 1;
        c->align = cols[i].align;
        if ((s = put_str(lo, cols[i].title, &c->title)) != RA_OK)
            return s;
    }
    lo->in_table = 1;
    return RA_OK;
}

ra_status_t ra_layout_table_row(ra_layout_t *lo, const ra_cell_t *cells)
{
    if (lo->finished || !lo->in_table)
        return RA_ERR_INVALID;
    block_t *b = &lo->blocks.v[lo->blocks.n - 1];
    for (size_t i = 0; i < b->naux; i++) {
        ra_rgb_t color = cells[i].color ? *cells[i].color : lo->opt.text_color;
        ra_status_t s = add_text_cell(lo, cells[i].text, cells[i].face, cells[i].size, color,
                                      cells[i].link, cells[i].fill);
        if (s != RA_OK)
            return s;
    }
    b = &lo->blocks.v[lo->blocks.n - 1];
    b->ncells += b->naux;
    return RA_OK;
}

ra_status_t ra_layout_table_row_text(ra_layout_t *lo, const char *const *texts)
{
    if (lo->finished || !lo->in_table)
        return RA_ERR_INVALID;
    block_t *b = &lo->blocks.v[lo->blocks.n - 1];
    for (size_t i = 0; i < b->naux; i++) {
        ra_status_t s =
            add_text_cell(lo, texts[i], RA_FACE_REGULAR, 0, lo->opt.text_color, 0, NULL);
        if (s != RA_OK)
            return s;
    }
    b = &lo->blocks.v[lo->blocks.n - 1];
    b->ncells += b->naux;
    return RA_OK;
}

ra_status_t ra_layout_table_end(ra_layout_t *lo)
{
    if (lo->finished || !lo->in_table)
        return RA_ERR_INVALID;
    lo->in_table = 0;
    return RA_OK;
}

ra_status_t ra_layout_custom(ra_layout_t *lo, double height, ra_layout_draw_fn fn, void *ctx)
{
    ra_status_t s = can_append(lo, 0);
    if (s != RA_OK)
        return s;
    if (!fn || !(height > 0))
        return RA_ERR_INVALID;
    block_t *b = new_block(lo, K_CUSTOM);
    if (!b)
        return RA_ERR_NOMEM;
    b->height = height;
    b->fn = fn;
    b->ctx = ctx;
    return RA_OK;
}

ra_status_t ra_layout_block(ra_layout_t *lo, ra_layout_place_fn fn, void *ctx,
                            void (*free_ctx)(void *))
{
    ra_status_t s = can_append(lo, 0);
    block_t *b = s == RA_OK && fn ? new_block(lo, K_PLACED) : NULL;
    if (!b) {
        if (free_ctx)
            free_ctx(ctx);
        return s != RA_OK ? s : fn ? RA_ERR_NOMEM : RA_ERR_INVALID;
    }
    b->place = fn;
    b->ctx = ctx;
    b->free_ctx = free_ctx;
    return RA_OK;
}

/* Records a block that carries at most a height. */
static ra_status_t add_simple(ra_layout_t *lo, kind_t k, double height)
{
    ra_status_t s = can_append(lo, 0);
    if (s != RA_OK)
        return s;
    block_t *b = new_block(lo, k);
    if (!b)
        return RA_ERR_NOMEM;
    b->height = height;
    return RA_OK;
}

ra_status_t ra_layout_space(ra_layout_t *lo, double points)
{
    return add_simple(lo, K_SPACE, points > 0 ? points : 0);
}

ra_status_t ra_layout_rule(ra_layout_t *lo)
{
    return add_simple(lo, K_RULE, 0);
}

ra_status_t ra_layout_page_break(ra_layout_t *lo)
{
    return add_simple(lo, K_BREAK, 0);
}

ra_status_t ra_layout_keep_begin(ra_layout_t *lo)
{
    if (lo->in_keep)
        return RA_ERR_INVALID;
    ra_status_t s = add_simple(lo, K_KEEP_BEGIN, 0);
    if (s == RA_OK)
        lo->in_keep = 1;
    return s;
}

ra_status_t ra_layout_keep_end(ra_layout_t *lo)
{
    if (!lo->in_keep)
        return RA_ERR_INVALID;
    ra_status_t s = add_simple(lo, K_KEEP_END, 0);
    if (s == RA_OK)
        lo->in_keep = 0;
    return s;
}

ra_status_t ra_layout_contents(ra_layout_t *lo, const char *title, int max_level)
{
    ra_status_t s = can_append(lo, 0);
    if (s != RA_OK)
        return s;
    block_t *b = new_block(lo, K_CONTENTS);
    if (!b)
        return RA_ERR_NOMEM;
    b->level = max_level >= 2 ? 2 : 1;
    b->flags = title != NULL;
    return put_str(lo, title, &b->s1);
}

/* --- Wrapping --- */

/* Starts a new line in w. */
static ra_status_t wr_new_line(wrapper_t *w)
{
    line_t *l = VEC_PUSH(w->lines);
    if (!l)
        return RA_ERR_NOMEM;
    l->frag0 = w->frags.n;
    l->nfrag = 0;
    l->w = 0;
    l->dir = w->dir;
    return RA_OK;
}

/* Adds text s[0..len) of span sp at x with width tw to the last line,
 * extending the previous fragment when it is the same span's adjacent
 * text (so that a line of one style is one text call); uri[0..ulen) is the
 * URL the text is part of (NULL: none). */
static ra_status_t wr_add(wrapper_t *w, const wspan_t *sp, const char *s, size_t len, double x,
                          double tw, const char *uri, size_t ulen)
{
    line_t *l = &w->lines.v[w->lines.n - 1];
    if (l->nfrag > 0) {
        frag_t *f = &w->frags.v[w->frags.n - 1];
        if (f->face == sp->face && f->link == sp->link && f->color.r == sp->color.r &&
            f->color.g == sp->color.g && f->color.b == sp->color.b && f->size == sp->size &&
            f->uri == uri && s >= f->s && s <= sp->s + sp->len && f->s >= sp->s &&
            f->s < sp->s + sp->len) {
            f->len = (size_t)(s + len - f->s);
            f->w = x + tw - f->x;
            l->w = x + tw;
            return RA_OK;
        }
    }
    frag_t *f = VEC_PUSH(w->frags);
    if (!f)
        return RA_ERR_NOMEM;
    f->s = s;
    f->len = len;
    f->face = sp->face;
    f->color = sp->color;
    f->link = sp->link;
    f->size = sp->size;
    f->uri = uri;
    f->uri_len = ulen;
    f->x = x;
    f->w = tw;
    l = &w->lines.v[w->lines.n - 1];
    l->nfrag++;
    l->w = x + tw;
    return RA_OK;
}

/* Returns the direction of the paragraph that starts at s[pos] of span i:
 * that of its first strong character, up to the next line end (bidi P2). */
static ra_dir_t para_dir(const wspan_t *spans, size_t n, size_t i, size_t pos)
{
    for (; i < n; i++, pos = 0) {
        const char *s = spans[i].s + pos;
        size_t len = spans[i].len - pos, end = 0;
        while (end < len && s[end] != '\n' && s[end] != '\r')
            end++;
        ra_dir_t d = ra_pdf_text_direction(s, end);
        if (d != RA_DIR_AUTO)
            return d;
        if (end < len)
            break;
    }
    return RA_DIR_LTR;
}

/* Makes room for need bytes in the byte array *v of capacity *cap. */
static ra_status_t bytes_reserve(char **v, size_t *cap, size_t need)
{
    while (*cap < need)
        if (ra_vec_reserve(v, *cap, cap, 1, need) != RA_OK)
            return RA_ERR_NOMEM;
    return RA_OK;
}

/* Computes the break opportunities of s[0..len) into w->brk. */
static ra_status_t wr_breaks(wrapper_t *w, const char *s, size_t len)
{
    if (bytes_reserve(&w->brk.v, &w->brk.cap, len + 1) != RA_OK)
        return RA_ERR_NOMEM;
    ra_break_find(s, len, w->lang, w->brk.v);
    return RA_OK;
}

/* Returns the end of the segment of s[0..len) that starts at pos: the text
 * up to the next space, line end or break opportunity (brk). */
static size_t seg_end(const char *s, size_t len, const char *brk, size_t pos)
{
    size_t e = pos;
    while (e < len && s[e] != ' ' && s[e] != '\n' && s[e] != '\r') {
        e++;
        if (brk[e - 1] != RA_BREAK_NO)
            break;
    }
    return e;
}

/* Returns how many bytes of s[0..len) go before a hyphen at the end of a
 * line of room width at size: the longest prefix ending on a hyphenation
 * point that fits with the hyphen; 0 when none does. */
static size_t hyphen_fit(wrapper_t *w, const wspan_t *sp, double size, const char *s, size_t len,
                         double room, ra_status_t *st)
{
    *st = RA_OK;
    if (w->need_dict) {
        w->need_dict = 0;
        if ((*st = ra_hyph_dict(w->hyph, w->lang, &w->dict)) != RA_OK)
            return 0;
    }
    if (!w->dict || len < 5)
        return 0;
    if (bytes_reserve(&w->pts.v, &w->pts.cap, len) != RA_OK) {
        *st = RA_ERR_NOMEM;
        return 0;
    }
    ra_hyph_points(w->dict, s, len, w->pts.v);
    double hw = ra_pdf_text_width(w->pdf, sp->face, size, "-", 1);
    for (size_t i = len - 1; i-- > 0;)
        if (w->pts.v[i] && ra_pdf_text_width(w->pdf, sp->face, size, s, i + 1) + hw <= room + EPS)
            return i + 1;
    return 0;
}

/* Wraps spans to width at w->size, appending lines to w->lines. Lines end
 * at the break opportunities of break.h (spaces, after hyphens, between
 * ideographs, the tailored rules for ids, dates and URLs) and at mandatory
 * breaks ("\n", "\r\n", "\r", U+2028...). A segment wider than a whole
 * line breaks at the last hyphenation point that fits, with a visible
 * hyphen, or where no point fits, between characters. */
static ra_status_t wrap_spans(wrapper_t *w, const wspan_t *spans, size_t n, double width)
{
    ra_status_t st;
    int open = 0;       /* a line is started */
    size_t pending = 0; /* spaces before the next word */
    double x = 0;

    w->dir = n ? para_dir(spans, n, 0, 0) : RA_DIR_LTR;
    for (size_t i = 0; i < n; i++) {
        const wspan_t *sp = &spans[i];
        const char *s = sp->s;
        size_t len = sp->len, pos = 0;
        double size = sp->size > 0 ? sp->size : w->size;
        double space_w = ra_pdf_text_width(w->pdf, sp->face, size, " ", 1);
        const char *url = NULL; /* the URL the text at pos is part of */
        size_t url_len = 0;
        if (!sp->brk && (st = wr_breaks(w, s, len)) != RA_OK)
            return st;
        const char *brk = sp->brk ? sp->brk : w->brk.v;
        while (pos < len) {
            char c = s[pos];
            if (c == '\n' || c == '\r') {
                if (!open && (st = wr_new_line(w)) != RA_OK)
                    return st;
                open = 0;
                pending = 0;
                x = 0;
                pos += (c == '\r' && pos + 1 < len && s[pos + 1] == '\n') ? 2 : 1;
                w->dir = para_dir(spans, n, i, pos);
                continue;
            }
            if (c == ' ') {
                pending++;
                pos++;
                continue;
            }
            if (pos == 0 || s[pos - 1] == ' ' || s[pos - 1] == '\n' || s[pos - 1] == '\r') {
                size_t u = ra_break_url(s + pos, len - pos);
                url = u ? s + pos : NULL;
                url_len = u;
            }
            const char *uri = url && s + pos < url + url_len ? url : NULL;
            size_t end = seg_end(s, len, brk, pos);
            double ww = ra_pdf_text_width(w->pdf, sp->face, size, s + pos, end - pos);
            double gap = open && x > 0 ? pending * space_w : 0;
            if (!open) {
                if ((st = wr_new_line(w)) != RA_OK)
                    return st;
                open = 1;
                x = 0;
                gap = 0;
            }
            if (x + gap + ww <= width + EPS) {
                if ((st = wr_add(w, sp, s + pos, end - pos, x + gap, ww, uri, url_len)) != RA_OK)
                    return st;
                x += gap + ww;
                pending = 0;
                pos = end;
                if (brk[end - 1] == RA_BREAK_MUST) { /* U+2028 and the like */
                    open = 0;
                    x = 0;
                }
                continue;
            }
            if (x > 0) { /* does not fit after others: next line */
                open = 0;
                pending = 0;
                continue;
            }
            /* Alone and too wide: up to a hyphenation point that fits,
             * with a hyphen; else as much as fits; the rest goes on. */
            size_t k = uri ? 0 : hyphen_fit(w, sp, size, s + pos, end - pos, width, &st);
            if (st != RA_OK)
                return st;
            if (k > 0) {
                double kw = ra_pdf_text_width(w->pdf, sp->face, size, s + pos, k);
                if ((st = wr_add(w, sp, s + pos, k, 0, kw, NULL, 0)) != RA_OK ||
                    (st = wr_add(w, sp, "-", 1, kw,
                                 ra_pdf_text_width(w->pdf, sp->face, size, "-", 1), NULL, 0)) !=
                        RA_OK)
                    return st;
            } else {
                k = ra_pdf_text_fit(w->pdf, sp->face, size, s + pos, end - pos, width);
                double kw = ra_pdf_text_width(w->pdf, sp->face, size, s + pos, k);
                if ((st = wr_add(w, sp, s + pos, k, 0, kw, uri, url_len)) != RA_OK)
                    return st;
            }
            pos += k;
            open = 0;
            pending = 0;
            x = 0;
        }
    }
    return RA_OK;
}

/* Stores in *out the width of the widest segment of spans at w->size (what
 * a column must hold for none of them to break inside), or floor when that
 * is wider: segments that cannot be wider are not measured. */
static ra_status_t widest_segment(wrapper_t *w, const wspan_t *spans, size_t n, double floor,
                                  double *out)
{
    double most = floor;
    for (size_t i = 0; i < n; i++) {
        const wspan_t *sp = &spans[i];
        double size = sp->size > 0 ? sp->size : w->size;
        ra_status_t st = sp->brk ? RA_OK : wr_breaks(w, sp->s, sp->len);
        if (st != RA_OK)
            return st;
        const char *brk = sp->brk ? sp->brk : w->brk.v;
        for (size_t pos = 0; pos < sp->len;) {
            char c = sp->s[pos];
            if (c == ' ' || c == '\n' || c == '\r') {
                pos++;
                continue;
            }
            size_t end = seg_end(sp->s, sp->len, brk, pos);
            if ((double)(end - pos) * EM_PER_BYTE_MAX * size > most) {
                double ww = ra_pdf_text_width(w->pdf, sp->face, size, sp->s + pos, end - pos);
                if (ww > most)
                    most = ww;
            }
            pos = end;
        }
    }
    *out = most;
    return RA_OK;
}

ra_status_t ra_layout_wrap(const ra_pdf_t *pdf, ra_face_t face, double size, double width,
                           const char *text, ra_buf_t *out)
{
    return ra_layout_wrap_hyph(pdf, NULL, NULL, face, size, width, text, out);
}

ra_status_t ra_layout_wrap_hyph(const ra_pdf_t *pdf, ra_hyph_t *hyph, const char *lang,
                                ra_face_t face, double size, double width, const char *text,
                                ra_buf_t *out)
{
    wrapper_t w;
    memset(&w, 0, sizeof w);
    w.pdf = pdf;
    w.size = size;
    w.lang = lang ? lang : RA_LAYOUT_LANG;
    w.hyph = hyph;
    w.need_dict = hyph != NULL;
    wspan_t sp = {text, strlen(text), face, {0, 0, 0}, 0, 0, NULL};
    ra_status_t st = wrap_spans(&w, &sp, 1, width);
    for (size_t i = 0; st == RA_OK && i < w.lines.n; i++) {
        const line_t *l = &w.lines.v[i];
        if (i > 0)
            st = ra_buf_putc(out, '\n');
        for (size_t j = 0; st == RA_OK && j < l->nfrag; j++) {
            const frag_t *f = &w.frags.v[l->frag0 + j];
            st = ra_buf_append(out, f->s, f->len);
        }
    }
    free(w.frags.v);
    free(w.lines.v);
    free(w.brk.v);
    free(w.pts.v);
    /* Terminated also when no line was appended to a buffer never used. */
    return st == RA_OK ? ra_buf_append(out, "", 0) : st;
}

/* --- Break opportunities kept for other layouts --- */

#define MEMO_FIRST 1024      /* slots of a new table, a power of two */
#define MEMO_SLOTS (1 << 15) /* most slots (at most 3/4 of them used) */
/* Most bytes kept, languages, texts and their breaks, and of the file: a
 * report reads the whole file and writes it again when it found what the
 * file does not hold, so this bounds what a report of a new record costs.
 * The file keeps what the last report used first, then the rest while it
 * fits (what reports use less often falls out). */
#define MEMO_BYTES (1u << 19)
#define MEMO_LANG_MAX 35 /* bytes of a language tag */

/* A text whose break opportunities were kept. */
typedef struct {
    uint32_t hash;
    uint32_t len; /* bytes of the text; 0: empty slot */
    uint32_t off; /* in bytes: the language, a NUL, the text, then its breaks */
} memo_entry_t;
_Static_assert(offsetof(memo_entry_t, len) == sizeof(uint32_t), "a table entry, as slots.h says");

/* Entries and the bytes they point into. */
typedef struct {
    memo_entry_t *slot; /* [nslots], open addressing */
    size_t nslots, nused;
    char *bytes;
    size_t len, cap;
} memo_table_t;

/* What the cache file holds (read-only, its bytes mapped where they are:
 * ra_layout_memo_read), then what layouts kept since. */
struct ra_layout_memo {
    memo_table_t file, own;
    ra_usercache_map_t map;
    uint8_t *file_used; /* a bit per slot of file: kept again, or NULL */
};

ra_status_t ra_layout_memo_new(ra_layout_memo_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? RA_OK : RA_ERR_NOMEM;
}

void ra_layout_memo_free(ra_layout_memo_t *m)
{
    if (!m)
        return;
    free(m->file.slot);
    ra_usercache_unmap(&m->map);
    free(m->own.slot);
    free(m->own.bytes);
    free(m->file_used);
    free(m);
}

/* The table hash of the language, then the text. */
static uint32_t memo_hash(const char *lang, const char *text, size_t len)
{
    return ra_table_hash(ra_table_hash(0, lang, strlen(lang)), text, len);
}

/* Returns the slot of lang and text in t: its entry, or the empty slot
 * where it would go; NULL when t has no table. */
static memo_entry_t *memo_slot(const memo_table_t *t, uint32_t h, const char *lang,
                               const char *text, size_t len)
{
    if (!t->nslots)
        return NULL;
    size_t nl = strlen(lang) + 1;
    for (size_t i = h & (t->nslots - 1);; i = (i + 1) & (t->nslots - 1)) {
        memo_entry_t *e = &t->slot[i];
        if (!e->len || (e->hash == h && e->len == len && memcmp(t->bytes + e->off, lang, nl) == 0 &&
                        memcmp(t->bytes + e->off + nl, text, len) == 0))
            return e;
    }
}

/* Returns the kept break opportunities of text in lang (hash h): what
 * the file holds, else what layouts kept since; NULL when neither has
 * them. */
static const char *memo_lookup(const ra_layout_memo_t *m, uint32_t h, const char *lang,
                               const char *text, size_t len)
{
    const memo_table_t *order[2] = {&m->file, &m->own};
    for (int i = 0; i < 2; i++) {
        const memo_entry_t *e = memo_slot(order[i], h, lang, text, len);
        if (e && e->len)
            return order[i]->bytes + e->off + strlen(lang) + 1 + len;
    }
    return NULL;
}

/* memo_lookup, the hash computed here. */
static const char *memo_find(const ra_layout_memo_t *m, const char *lang, const char *text,
                             size_t len)
{
    return memo_lookup(m, memo_hash(lang, text, len), lang, text, len);
}

/* Keeps brk[0..len), the break opportunities of text in lang, in m (when
 * it is not full and memory does not run out). */
static void memo_add(ra_layout_memo_t *m, const char *lang, const char *text, size_t len,
                     const char *brk)
{
    uint32_t h = memo_hash(lang, text, len);
    const memo_entry_t *in_file = memo_slot(&m->file, h, lang, text, len);
    if (in_file && in_file->len) { /* kept already, and used again */
        ra_slots_mark(&m->file_used, m->file.nslots, (size_t)(in_file - m->file.slot));
        return;
    }
    const memo_entry_t *in_own = memo_slot(&m->own, h, lang, text, len);
    if (in_own && in_own->len)
        return; /* kept already */
    memo_table_t *t = &m->own;
    size_t nl = strlen(lang) + 1, need = t->len + nl + 2 * len;
    if (need > MEMO_BYTES)
        return;
    if (need > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < need)
            cap *= 2;
        char *p = realloc(t->bytes, cap);
        if (!p)
            return;
        t->bytes = p;
        t->cap = cap;
    }
    if (!ra_slots_room((void **)&t->slot, &t->nslots, t->nused, sizeof *t->slot, MEMO_FIRST,
                       MEMO_SLOTS))
        return;
    memo_entry_t *e = ra_slots_free(t->slot, t->nslots, sizeof *t->slot, h);
    memcpy(t->bytes + t->len, lang, nl);
    memcpy(t->bytes + t->len + nl, text, len);
    memcpy(t->bytes + t->len + nl + len, brk, len);
    *e = (memo_entry_t){h, (uint32_t)len, (uint32_t)t->len};
    t->len = need;
    t->nused++;
}

/* Keeps in m the break opportunities lo found for its arena string t. */
static void memo_keep_str(ra_layout_memo_t *m, const ra_layout_t *lo, str_t t)
{
    if (t.len > 0 && t.off + t.len <= lo->brks.n && lo->brks.v[t.off] != BRK_UNKNOWN)
        memo_add(m, lo->lang, S(lo, t), t.len, lo->brks.v + t.off);
}

void ra_layout_memo_keep(ra_layout_memo_t *m, const ra_layout_t *lo)
{
    for (size_t i = 0; i < lo->spans.n; i++)
        memo_keep_str(m, lo, lo->spans.v[i].text);
    /* Table headers and headings are wrapped as cells of their own. */
    for (size_t i = 0; i < lo->cols.n; i++)
        memo_keep_str(m, lo, lo->cols.v[i].title);
    for (size_t i = 0; i < lo->blocks.n; i++)
        if (lo->blocks.v[i].kind == K_HEADING)
            memo_keep_str(m, lo, lo->blocks.v[i].s1);
}

size_t ra_layout_memo_count(const ra_layout_memo_t *m)
{
    return m->file.nused + m->own.nused;
}

/* The cache file: a keyed file whose data is the number of entries and
 * of bytes (4 each, as this build lays them out: the key names the
 * executable), per entry its text's length and offset (4 each), then the
 * bytes: per entry the language, a NUL, the text and its break
 * opportunities. It is mapped, and the bytes are used where they are. */
#define MEMO_HEADER "readyaudit break opportunities 2\n"

/* This run's key: the executable and libunibreak. */
static bool memo_key(unsigned char key[32])
{
    ra_sha256_ctx_t c;
    if (!ra_usercache_key_begin(&c, MEMO_HEADER))
        return false;
    int version = ra_break_engine_version();
    ra_sha256_update(&c, &version, sizeof version);
    ra_sha256_final(&c, key);
    return true;
}

/* Whether the entry of a text of len bytes at off in bytes[0..n) is one
 * ra_break_find could give: a language tag, then the text and as many
 * break values, none inside a character. */
static bool memo_ok(const char *bytes, size_t n, size_t off, size_t len)
{
    if (len == 0 || off >= n)
        return false;
    const char *lang = bytes + off, *nul = memchr(lang, '\0', n - off);
    size_t nl = nul ? (size_t)(nul - lang) : 0;
    if (nl == 0 || nl > MEMO_LANG_MAX || (n - off - nl - 1) / 2 < len)
        return false;
    for (size_t i = 0; i < nl; i++)
        if (lang[i] <= 0x20 || lang[i] > 0x7E)
            return false;
    const char *text = nul + 1, *brk = text + len;
    _Static_assert(RA_BREAK_NO == 0 && RA_BREAK_ALLOW == 1 && RA_BREAK_MUST == 2,
                   "break values are the two low bits");
    size_t i = 0;
    /* Eight at a time (every entry of the file is checked as it is read):
     * no value above 2 (no bit above the two low ones, not both), none but
     * 0 before a continuation byte. */
    for (; i + 9 <= len; i += 8) {
        uint64_t v, t;
        memcpy(&v, brk + i, 8);
        memcpy(&t, text + i + 1, 8); /* the byte after each */
        uint64_t set = (v | v >> 1) & 0x0101010101010101u;
        uint64_t cont = (t & ~(t << 1)) >> 7 & 0x0101010101010101u; /* 10xxxxxx */
        if ((v & 0xFCFCFCFCFCFCFCFCu) || (v & v >> 1 & 0x0101010101010101u) || (set & cont))
            return false;
    }
    for (; i < len; i++) {
        unsigned char v = (unsigned char)brk[i];
        if (v > RA_BREAK_MUST || (v && i + 1 < len && (text[i + 1] & 0xC0) == 0x80))
            return false;
    }
    return true;
}

void ra_layout_memo_read(ra_layout_memo_t *m, const char *path)
{
    unsigned char key[32];
    uint32_t n[2];
    size_t len;
    const char *data = path && memo_key(key) ? ra_usercache_map_keyed(path, MEMO_HEADER, key,
                                                                      MEMO_BYTES, &len, &m->map)
                                             : NULL;
    if (!data || len < sizeof n) {
        ra_usercache_unmap(&m->map);
        return;
    }
    memcpy(n, data, sizeof n);
    size_t at = sizeof n;
    memo_table_t *t = &m->file;
    /* Believed whole or not at all; its bytes read where they are (the
     * table never adds to them), the table made at its size. */
    bool ok =
        n[0] <= (len - at) / 8 && n[1] == len - at - (size_t)n[0] * 8 &&
        ra_slots_make((void **)&t->slot, &t->nslots, n[0], sizeof *t->slot, MEMO_FIRST, MEMO_SLOTS);
    t->bytes = ok ? (char *)data + at + (size_t)n[0] * 8 : NULL;
    t->len = ok ? n[1] : 0;
    for (size_t i = 0; ok && i < n[0]; i++) {
        uint32_t e[2];
        memcpy(e, data + at + i * 8, sizeof e);
        ok = memo_ok(t->bytes, t->len, e[1], e[0]);
        if (ok) {
            const char *lang = t->bytes + e[1];
            uint32_t h = memo_hash(lang, lang + strlen(lang) + 1, e[0]);
            *(memo_entry_t *)ra_slots_free(t->slot, t->nslots, sizeof *t->slot, h) =
                (memo_entry_t){h, e[0], e[1]};
            t->nused++;
        }
    }
    if (!ok) {
        free(t->slot);
        *t = (memo_table_t){0};
        ra_usercache_unmap(&m->map);
    }
}

/* Appends the entries of t that the file can hold (while it can: *size
 * is its bytes so far) to out and their bytes to bytes; counts them in *n.
 * checked: t's entries were checked as the file was read. used (a bit per
 * slot, or NULL for none) says which were kept again: those are put when
 * want_used, the others when not. */
static void memo_put(const memo_table_t *t, bool checked, const uint8_t *used, bool want_used,
                     size_t *size, ra_buf_t *out, ra_buf_t *bytes, uint32_t *n)
{
    for (size_t i = 0; i < t->nslots; i++) {
        const memo_entry_t *e = &t->slot[i];
        if (!e->len || ra_slots_marked(used, i) != want_used ||
            !(checked || memo_ok(t->bytes, t->len, e->off, e->len)))
            continue;
        size_t rec = strlen(t->bytes + e->off) + 1 + 2 * (size_t)e->len;
        if (*size + 8 + rec > MEMO_BYTES || !ra_slots_hold(*n + 1, MEMO_SLOTS))
            continue;
        uint32_t x[2] = {e->len, (uint32_t)bytes->len};
        ra_buf_append(out, (const char *)x, sizeof x);
        ra_buf_append(bytes, t->bytes + e->off, rec);
        *size += 8 + rec;
        (*n)++;
    }
}

void ra_layout_memo_save(ra_layout_memo_t *m, const char *path)
{
    unsigned char key[32];
    if (!path || !m->own.nused || !memo_key(key))
        return;
    ra_buf_t b = RA_BUF_INIT, bytes = RA_BUF_INIT;
    uint32_t n[2] = {0, 0};
    size_t size = sizeof MEMO_HEADER - 1 + 32 + sizeof n + 4;
    ra_buf_append(&b, (const char *)n, sizeof n);
    /* What this run found first, then what it used of the file, then the
     * rest; written when some of the first fits. */
    memo_put(&m->own, false, NULL, false, &size, &b, &bytes, &n[0]);
    bool news = n[0] > 0;
    memo_put(&m->file, true, m->file_used, true, &size, &b, &bytes, &n[0]);
    memo_put(&m->file, true, m->file_used, false, &size, &b, &bytes, &n[0]);
    n[1] = (uint32_t)bytes.len;
    if (news && !ra_buf_failed(&b) && !ra_buf_failed(&bytes)) {
        memcpy(b.data, n, sizeof n);
        ra_usercache_part_t parts[] = {{b.data, b.len}, {bytes.data, bytes.len}};
        ra_usercache_write_keyed(path, MEMO_HEADER, key, parts, 2);
    }
    ra_buf_free(&b);
    ra_buf_free(&bytes);
}

/* Returns the break opportunities of the arena string t, computed once per
 * layout (they depend only on the text and the language) unless kept in
 * the options' memo; NULL when out of memory. */
static const char *str_breaks(ra_layout_t *lo, str_t t)
{
    size_t need = t.off + t.len;
    if (lo->brks.n < need) {
        if (bytes_reserve(&lo->brks.v, &lo->brks.cap, need) != RA_OK)
            return NULL;
        memset(lo->brks.v + lo->brks.n, BRK_UNKNOWN, need - lo->brks.n);
        lo->brks.n = need;
    }
    if (t.len > 0 && lo->brks.v[t.off] == BRK_UNKNOWN) {
        const char *kept = lo->opt.memo ? memo_find(lo->opt.memo, lo->lang, S(lo, t), t.len) : NULL;
        if (kept)
            memcpy(lo->brks.v + t.off, kept, t.len);
        else
            ra_break_find(S(lo, t), t.len, lo->lang, lo->brks.v + t.off);
    }
    return lo->brks.v + t.off;
}

/* Sets lo->wspans to the spans of cell c with their break opportunities. */
static ra_status_t cell_wspans(ra_layout_t *lo, const cell_t *c)
{
    lo->wspans.n = 0;
    for (size_t i = 0; i < c->nspans; i++) {
        const span_t *sp = &lo->spans.v[c->span0 + i];
        wspan_t *w = VEC_PUSH(lo->wspans);
        if (!w || str_breaks(lo, sp->text) == NULL)
            return RA_ERR_NOMEM;
        *w =
            (wspan_t){S(lo, sp->text), sp->text.len, sp->face, sp->color, sp->link, sp->size, NULL};
    }
    /* Pointed at once all are computed: a later span's may move the table. */
    for (size_t i = 0; i < c->nspans; i++)
        lo->wspans.v[i].brk = lo->brks.v + lo->spans.v[c->span0 + i].text.off;
    return RA_OK;
}

/* Wraps cell c of lo at size to width; its lines are appended to lo->wr
 * from *line0 on (the caller clears lo->wr between uses). */
static ra_status_t wrap_cell(ra_layout_t *lo, const cell_t *c, double size, double width,
                             size_t *line0, size_t *nlines)
{
    ra_status_t st = cell_wspans(lo, c);
    if (st != RA_OK)
        return st;
    lo->wr.size = size;
    *line0 = lo->wr.lines.n;
    st = wrap_spans(&lo->wr, lo->wspans.v, lo->wspans.n, width > 1 ? width : 1);
    *nlines = lo->wr.lines.n - *line0;
    return st;
}

/* Forgets all wrapped lines. */
static void wr_clear(ra_layout_t *lo)
{
    lo->wr.lines.n = 0;
    lo->wr.frags.n = 0;
}

/* --- Drawing (logged to the dump; nothing when measuring) --- */

/* Logs a text item to the dump: "text x y F size \"text as drawn\"". */
static ra_status_t log_text(ra_layout_t *lo, ra_face_t face, double size, double x, double y,
                            const char *s, size_t len)
{
    ra_buf_t *d = &lo->dump;
    ra_status_t st = ra_buf_puts(d, "text ");
    if (st == RA_OK)
        st = put_fixed(d, x);
    if (st == RA_OK)
        st = ra_buf_putc(d, ' ');
    if (st == RA_OK)
        st = put_fixed(d, y);
    char fl[3] = {' ', face_letter[face], ' '};
    if (st == RA_OK)
        st = ra_buf_append(d, fl, 3);
    if (st == RA_OK)
        st = put_fixed(d, size);
    if (st == RA_OK)
        st = ra_buf_puts(d, " \"");
    if (st == RA_OK) {
        ra_buf_clear(&lo->tmp);
        st = ra_pdf_sanitize(lo->pdf, face, s, len, &lo->tmp);
    }
    for (size_t i = 0; st == RA_OK && i < lo->tmp.len; i++) {
        char c = lo->tmp.data[i];
        if (c == '"' || c == '\\')
            st = ra_buf_putc(d, '\\');
        if (st == RA_OK)
            st = ra_buf_putc(d, c);
    }
    if (st == RA_OK)
        st = ra_buf_puts(d, "\"\n");
    return st;
}

/* Logs and draws text with its baseline at (x, y). */
static ra_status_t lo_text_dir(ra_layout_t *lo, ra_face_t face, double size, ra_rgb_t color,
                               double x, double y, ra_dir_t dir, const char *s, size_t len)
{
    if (ra_buf_text_failed(s)) /* a buffer that could not grow made s */
        return RA_ERR_NOMEM;
    if (lo->dry || len == 0)
        return RA_OK;
    ra_status_t st = lo->opt.no_dump ? RA_OK : log_text(lo, face, size, x, y, s, len);
    if (st != RA_OK)
        return st;
    return ra_pdf_text_dir(lo->pdf, face, size, color, x, y, dir, s, len);
}

/* Logs and draws text, its direction its own. */
static ra_status_t lo_text(ra_layout_t *lo, ra_face_t face, double size, ra_rgb_t color, double x,
                           double y, const char *s, size_t len)
{
    return lo_text_dir(lo, face, size, color, x, y, RA_DIR_AUTO, s, len);
}

/* Logs "kind x y w h" style items with n numbers and a suffix. */
static ra_status_t log_item(ra_layout_t *lo, const char *kind, const double *v, int n,
                            const char *suffix)
{
    if (lo->opt.no_dump)
        return RA_OK;
    ra_status_t st = ra_buf_puts(&lo->dump, kind);
    for (int i = 0; i < n && st == RA_OK; i++) {
        st = ra_buf_putc(&lo->dump, ' ');
        if (st == RA_OK)
            st = put_fixed(&lo->dump, v[i]);
    }
    if (st == RA_OK && suffix)
        st = ra_buf_printf(&lo->dump, " %s", suffix);
    if (st == RA_OK)
        st = ra_buf_putc(&lo->dump, '\n');
    return st;
}

/* Logs "page N" (1-based): the items after it are on that page. */
static ra_status_t log_page(ra_layout_t *lo, size_t page)
{
    return lo->opt.no_dump ? RA_OK : ra_buf_printf(&lo->dump, "page %zu\n", page);
}

/* Logs and draws a rectangle. */
static ra_status_t lo_rect(ra_layout_t *lo, double x, double y, double w, double h, double radius,
                           const ra_rgb_t *fill, const ra_rgb_t *stroke, double lw)
{
    if (lo->dry)
        return RA_OK;
    double v[4] = {x, y, w, h};
    ra_status_t st = log_item(lo, "rect", v, 4,
                              fill && stroke ? "fill+stroke"
                              : fill         ? "fill"
                                             : "stroke");
    if (st != RA_OK)
        return st;
    return ra_pdf_rect(lo->pdf, x, y, w, h, radius, fill, stroke, lw);
}

/* Logs and draws a line. */
static ra_status_t lo_line(ra_layout_t *lo, double x1, double y1, double x2, double y2, double lw,
                           ra_rgb_t color, double dash)
{
    if (lo->dry)
        return RA_OK;
    double v[4] = {x1, y1, x2, y2};
    ra_status_t st = log_item(lo, "line", v, 4, dash > 0 ? "dashed" : NULL);
    if (st != RA_OK)
        return st;
    return ra_pdf_line(lo->pdf, x1, y1, x2, y2, lw, color, dash);
}

/* Records a link rectangle on the current page to anchor. */
static ra_status_t lo_link(ra_layout_t *lo, double x, double y, double w, double h, int anchor)
{
    if (lo->dry || anchor <= 0)
        return RA_OK;
    link_t *l = VEC_PUSH(lo->links);
    if (!l)
        return RA_ERR_NOMEM;
    l->page = lo->page;
    l->x = x;
    l->y = y;
    l->w = w;
    l->h = h;
    l->anchor = anchor;
    double v[4] = {x, y, w, h};
    return log_item(lo, "link", v, 4, NULL);
}

/* Makes (x, y, w, h) on the current page a link to the URL u[0..n) ("www."
 * ones open as "http://www."), logged as "uri x y w h URL". */
static ra_status_t lo_uri(ra_layout_t *lo, double x, double y, double w, double h, const char *u,
                          size_t n)
{
    if (lo->dry)
        return RA_OK;
    ra_buf_clear(&lo->tmp);
    if (n >= 4 && (u[0] == 'w' || u[0] == 'W'))
        ra_buf_puts(&lo->tmp, "http://");
    ra_buf_append(&lo->tmp, u, n);
    if (ra_buf_failed(&lo->tmp))
        return RA_ERR_NOMEM;
    double v[4] = {x, y, w, h};
    ra_status_t st = log_item(lo, "uri", v, 4, ra_buf_str(&lo->tmp));
    if (st != RA_OK)
        return st;
    return ra_pdf_uri_link(lo->pdf, x, y, w, h, lo->tmp.data, lo->tmp.len);
}

/* --- Pages and cursor --- */

/* Draws the watermark on the current page: outlined letters (vector
 * paths, so not extracted as text), diagonal, centred in the body, as large
 * as fits (at most 110 pt), light grey over the content, which stays
 * readable through the thin strokes. */
static ra_status_t draw_watermark(ra_layout_t *lo)
{
    const char *s = S(lo, lo->watermark);
    size_t len = lo->watermark.len;
    if (len == 0)
        return RA_OK;
    double bw = lo->width, bh = lo->bottom - lo->top;
    double a = atan2(bh, bw), ca = cos(a), sa = sin(a);
    double asc, desc;
    ra_pdf_font_metrics(lo->pdf, RA_FACE_BOLD, &asc, &desc);
    double w1 = ra_pdf_text_width(lo->pdf, RA_FACE_BOLD, 1, s, len);
    double h1 = asc - desc;
    /* Rotated box of a w x h text: (w cos + h sin) x (w sin + h cos). */
    double size = 110;
    double fit_w = 0.9 * bw / (w1 * ca + h1 * sa);
    double fit_h = 0.9 * bh / (w1 * sa + h1 * ca);
    if (fit_w < size)
        size = fit_w;
    if (fit_h < size)
        size = fit_h;
    double w = w1 * size, mid = size * (asc + desc) / 2;
    double cx = lo->left + bw / 2, cy = lo->top + bh / 2;
    double x = cx - w / 2 * ca + mid * sa, y = cy + w / 2 * sa + mid * ca;
    ra_rgb_t grey = {0.70, 0.70, 0.72};
    ra_status_t st = log_item(lo, "watermark", (double[]){x, y, size}, 3, NULL);
    if (st != RA_OK)
        return st;
    return ra_pdf_text_shape(lo->pdf, RA_FACE_BOLD, size, grey, x, y,
                             a * 180 / 3.14159265358979323846, 1.6, s, len);
}

/* Starts a new page (unless measuring) and puts the cursor at its top. */
static ra_status_t new_page(ra_layout_t *lo)
{
    ra_status_t st;
    lo->y = lo->top;
    lo->fresh = 1;
    if (lo->dry)
        return RA_OK;
    if ((st = ra_pdf_add_page(lo->pdf, lo->opt.page_width, lo->opt.page_height)) != RA_OK)
        return st;
    lo->page = ra_pdf_page_count(lo->pdf) - 1;
    lo->npages++;
    return log_page(lo, lo->npages);
}

/* Returns the space left on the page. */
static double room(const ra_layout_t *lo)
{
    return lo->bottom - lo->y;
}

/* Returns the body height of a page. */
static double body_height(const ra_layout_t *lo)
{
    return lo->bottom - lo->top;
}

/* Moves to a new page when h does not fit below the cursor (a fresh page
 * takes anything: the caller splits what is taller than a page). */
static ra_status_t ensure(ra_layout_t *lo, double h)
{
    if (lo->fresh || lo->y + h <= lo->bottom + EPS)
        return RA_OK;
    return new_page(lo);
}

/* Moves the cursor down by h after placing something. */
static void advance(ra_layout_t *lo, double h)
{
    lo->y += h;
    lo->fresh = 0;
}

/* Adds vertical space, dropped at the top of a page. */
static void gap(ra_layout_t *lo, double h)
{
    if (lo->fresh)
        return;
    lo->y += h;
    if (lo->y > lo->bottom)
        lo->y = lo->bottom;
}

/* --- Placing text lines --- */

/* Returns the line height at size. */
static double line_h(const ra_layout_t *lo, double size)
{
    return size * lo->opt.line_spacing;
}

/* Returns the baseline offset from a line's top at size. */
static double baseline(const ra_layout_t *lo, double size)
{
    double asc, desc;
    ra_pdf_font_metrics(lo->pdf, RA_FACE_REGULAR, &asc, &desc);
    return (line_h(lo, size) - (asc - desc) * size) / 2 + asc * size;
}

/* Draws wrapped line li with its top at y in a column at x of width w. A
 * line of a right-to-left paragraph is aligned right where others are
 * aligned left, and its pieces go from right to left. */
static ra_status_t draw_line_at(ra_layout_t *lo, size_t li, double x, double y, double w,
                                double size, ra_align_t align)
{
    const line_t *l = &lo->wr.lines.v[li];
    int rtl = l->dir == RA_DIR_RTL;
    if (rtl && align == RA_ALIGN_LEFT)
        align = RA_ALIGN_RIGHT;
    double shift = align == RA_ALIGN_RIGHT    ? w - l->w
                   : align == RA_ALIGN_CENTER ? (w - l->w) / 2
                                              : 0;
    if (shift < 0)
        shift = 0;
    double base = y + baseline(lo, size);
    for (size_t j = 0; j < l->nfrag; j++) {
        const frag_t *f = &lo->wr.frags.v[l->frag0 + j];
        double fx = x + shift + (rtl ? l->w - f->x - f->w : f->x);
        double fs = f->size > 0 ? f->size : size;
        ra_status_t st = lo_text_dir(lo, f->face, fs, f->color, fx, base, l->dir, f->s, f->len);
        if (st == RA_OK && f->link)
            st = lo_link(lo, fx, y, f->w, line_h(lo, size), f->link);
        if (st == RA_OK && f->uri)
            st = lo_uri(lo, fx, y, f->w, line_h(lo, size), f->uri, f->uri_len);
        if (st != RA_OK)
            return st;
    }
    return RA_OK;
}

/* Places lines [l0, l0+n) one below the other in the body column at
 * indent, breaking pages between lines. */
static ra_status_t place_lines(ra_layout_t *lo, size_t l0, size_t n, double indent, double size,
                               ra_align_t align)
{
    double lh = line_h(lo, size);
    for (size_t i = 0; i < n; i++) {
        ra_status_t st = ensure(lo, lh);
        if (st == RA_OK)
            st =
                draw_line_at(lo, l0 + i, lo->left + indent, lo->y, lo->width - indent, size, align);
        if (st != RA_OK)
            return st;
        advance(lo, lh);
    }
    return RA_OK;
}

/* --- Block placement --- */

/* Size, face and spacing of a heading level. */
static void heading_style(const ra_layout_t *lo, int level, double *size, double *before,
                          double *after)
{
    double b = lo->opt.font_size;
    double sizes[] = {b, 2.0 * b, 1.4 * b, 1.15 * b};
    double bef[] = {0, 1.4 * b, 1.2 * b, 0.9 * b};
    double aft[] = {0, 0.9 * b, 0.5 * b, 0.35 * b};
    if (level < 0 || level > HEADING_DEPTH)
        level = 0;
    *size = sizes[level];
    *before = bef[level];
    *after = aft[level];
}

static ra_status_t place_block(ra_layout_t *lo, size_t i);

/* Measures blocks [i, end) placed from the top of an endless page. */
static ra_status_t measure(ra_layout_t *lo, size_t i, size_t end, double *h)
{
    int dry = lo->dry, fresh = lo->fresh;
    double y = lo->y, bottom = lo->bottom;
    size_t wl = lo->wr.lines.n, wf = lo->wr.frags.n;
    ra_status_t st = RA_OK;
    lo->dry = 1;
    lo->fresh = 0; /* spacing counts as it would after other content */
    lo->y = 0;
    lo->bottom = HUGE_VAL;
    for (; i < end && st == RA_OK; i++)
        st = place_block(lo, i);
    *h = lo->y;
    lo->dry = dry;
    lo->fresh = fresh;
    lo->y = y;
    lo->bottom = bottom;
    lo->wr.lines.n = wl;
    lo->wr.frags.n = wf;
    return st;
}

static ra_status_t table_row_lines(ra_layout_t *lo, const block_t *b, size_t row, double *colw,
                                   size_t *l0, size_t *nl, double *h);

/* Measures the least that must follow a heading on its page: the first
 * line or row of block i (more for blocks that are never split). */
static ra_status_t first_height(ra_layout_t *lo, size_t i, int depth, double *h)
{
    *h = 0;
    if (i >= lo->blocks.n || depth > FIRST_DEPTH_MAX)
        return RA_OK;
    const block_t *b = &lo->blocks.v[i];
    ra_status_t st = RA_OK;
    double more = 0;
    switch (b->kind) {
    case K_MARK:
    case K_KEEP_END:
        return first_height(lo, i + 1, depth + 1, h);
    case K_BREAK:
    case K_CONTENTS:
        return RA_OK;
    case K_SPACE:
    case K_RULE:
    case K_KEEP_BEGIN:
    case K_HEADING:
        st = measure(lo, i, i + 1, h);
        if (st == RA_OK)
            st = first_height(lo, i + 1, depth + 1, &more);
        *h += more;
        return st;
    case K_PARA: {
        /* A short paragraph (a lead-in of up to three lines) stays whole
         * with the heading, and with the first line or row after it. */
        size_t l0, nl;
        st = wrap_cell(lo, &lo->cells.v[b->cell0], b->st.size, lo->width - b->st.indent, &l0, &nl);
        wr_clear(lo);
        if (st != RA_OK)
            return st;
        if (nl > 3) {
            *h = line_h(lo, b->st.size);
            return RA_OK;
        }
        st = first_height(lo, i + 1, depth + 1, &more);
        *h = (double)nl * line_h(lo, b->st.size) + b->st.space_after + more;
        return st;
    }
    case K_BULLETS:
        *h = line_h(lo, b->st.size);
        return RA_OK;
    case K_KV:
    case K_TABLE: {
        if (b->ncells == 0)
            return RA_OK;
        size_t wl = lo->wr.lines.n, wf = lo->wr.frags.n;
        size_t l0[RA_LAYOUT_MAX_COLUMNS], nl[RA_LAYOUT_MAX_COLUMNS];
        double colw[RA_LAYOUT_MAX_COLUMNS], rh = 0;
        st = table_row_lines(lo, b, 0, colw, l0, nl, &rh);
        lo->wr.lines.n = wl;
        lo->wr.frags.n = wf;
        if (b->kind == K_TABLE && b->ts.header)
            rh *= 2; /* header about as tall as a row */
        *h = rh;
        return st;
    }
    default:
        return measure(lo, i, i + 1, h);
    }
}

/* Wraps heading b's text (bold, accent colour) into the wrapper. */
static ra_status_t wrap_heading(ra_layout_t *lo, const block_t *b, double size, size_t *l0,
                                size_t *nl)
{
    span_t *tmp = VEC_PUSH(lo->spans);
    if (!tmp)
        return RA_ERR_NOMEM;
    tmp->text = b->s1;
    tmp->face = RA_FACE_BOLD;
    tmp->color = b->level == 3 ? lo->opt.text_color : lo->opt.accent;
    tmp->link = 0;
    tmp->size = 0;
    cell_t cell = {lo->spans.n - 1, 1, 0, {0, 0, 0}};
    ra_status_t st = wrap_cell(lo, &cell, size, lo->width, l0, nl);
    lo->spans.n--;
    return st;
}

/* Places a heading or mark: anchor, bookmark, and for headings the text
 * kept together with what follows. */
static ra_status_t place_heading(ra_layout_t *lo, size_t i)
{
    const block_t *b = &lo->blocks.v[i];
    ra_status_t st;
    double size = lo->opt.font_size, before = 0, after = 0;
    size_t l0 = 0, nl = 0;

    if (b->kind == K_HEADING) {
        if ((b->flags & RA_HEADING_NEW_PAGE) && !lo->fresh && !lo->dry &&
            (st = new_page(lo)) != RA_OK)
            return st;
        heading_style(lo, b->level, &size, &before, &after);
        if ((st = wrap_heading(lo, b, size, &l0, &nl)) != RA_OK)
            return st;
        double own = nl * line_h(lo, size) + (b->level == 1 ? 6 : 0);
        /* Keep with next: the heading moves if it and the first line or
         * row of what follows do not fit. Measuring what follows reuses
         * the wrapper, so the heading is wrapped again afterwards. */
        if (!lo->dry && !lo->fresh) {
            double next = 0;
            wr_clear(lo);
            if ((st = first_height(lo, i + 1, 0, &next)) != RA_OK)
                return st;
            if (lo->y + before + own + after + next > lo->bottom + EPS &&
                own + after + next <= body_height(lo) && (st = new_page(lo)) != RA_OK)
                return st;
            if ((st = wrap_heading(lo, b, size, &l0, &nl)) != RA_OK)
                return st;
        }
        gap(lo, before);
    }
    /* The anchor and bookmark point at the heading's top. */
    if (!lo->dry) {
        anchor_t *a = &lo->anchors.v[b->anchor - 1];
        a->placed = 1;
        a->page = lo->page;
        a->y = lo->y;
        if (b->level > 0 && !(b->flags & RA_HEADING_NO_OUTLINE)) {
            int parent = -1;
            for (int k = b->level - 1; k >= 1; k--)
                if (lo->outline[k] >= 0) {
                    parent = lo->outline[k];
                    break;
                }
            int id;
            if ((st = ra_pdf_outline(lo->pdf, parent, S(lo, b->s1), lo->page, lo->y, &id)) != RA_OK)
                return st;
            lo->outline[b->level] = id;
            for (int k = b->level + 1; k <= HEADING_DEPTH; k++)
                lo->outline[k] = -1;
        }
    }
    if (b->kind != K_HEADING)
        return RA_OK;
    if ((st = place_lines(lo, l0, nl, 0, size, RA_ALIGN_LEFT)) != RA_OK)
        return st;
    if (b->level == 1) {
        st = lo_line(lo, lo->left, lo->y + 2, lo->left + lo->width, lo->y + 2, 1.2, lo->opt.accent,
                     0);
        advance(lo, 6);
    }
    wr_clear(lo);
    gap(lo, after);
    return st;
}

/* Places a paragraph. */
static ra_status_t place_para(ra_layout_t *lo, const block_t *b)
{
    size_t l0, nl;
    ra_status_t st =
        wrap_cell(lo, &lo->cells.v[b->cell0], b->st.size, lo->width - b->st.indent, &l0, &nl);
    if (st == RA_OK)
        st = place_lines(lo, l0, nl, b->st.indent, b->st.size, b->st.align);
    wr_clear(lo);
    gap(lo, b->st.space_after);
    return st;
}

/* Places a bullet list: a bullet, then the item wrapped beside it. */
static ra_status_t place_bullets(ra_layout_t *lo, const block_t *b)
{
    double size = b->st.size, lh = line_h(lo, size);
    double indent = b->st.indent + BULLET_INDENT;
    for (size_t i = 0; i < b->ncells; i++) {
        size_t l0, nl;
        ra_status_t st =
            wrap_cell(lo, &lo->cells.v[b->cell0 + i], size, lo->width - indent, &l0, &nl);
        if (st != RA_OK)
            return st;
        for (size_t k = 0; k < nl || k == 0; k++) {
            if ((st = ensure(lo, lh)) != RA_OK)
                return st;
            if (k == 0)
                st = lo_text(lo, RA_FACE_REGULAR, size, lo->opt.accent, lo->left + b->st.indent + 3,
                             lo->y + baseline(lo, size), "\xE2\x80\xA2", 3);
            if (st == RA_OK && k < nl)
                st = draw_line_at(lo, l0 + k, lo->left + indent, lo->y, lo->width - indent, size,
                                  RA_ALIGN_LEFT);
            if (st != RA_OK)
                return st;
            advance(lo, lh);
        }
        wr_clear(lo);
        if (i + 1 < b->ncells)
            gap(lo, 0.25 * size);
    }
    gap(lo, b->st.space_after);
    return RA_OK;
}

/* Table font size (kv grids use the base size). */
static double table_size(const ra_layout_t *lo, const block_t *b);

/* Stores in *word the width cell c needs at size for no word of it to
 * break (its widest unbreakable segment, widest_segment; floor_word when
 * that is wider), and in *whole what it needs to stay on one line when it
 * is a short one-line cell (at most RA_LAYOUT_SHORT_CELL characters: a
 * status, a verdict, a date, a name), else *word; padding included. */
static ra_status_t cell_min_width(ra_layout_t *lo, const cell_t *c, double size, double floor_word,
                                  double *word, double *whole)
{
    if (cell_wspans(lo, c) != RA_OK)
        return RA_ERR_NOMEM;
    size_t chars = 0;
    int multiline = 0;
    for (size_t i = 0; i < lo->wspans.n; i++) {
        const wspan_t *w = &lo->wspans.v[i];
        chars += ra_utf8_count(w->s, w->len);
        multiline |= memchr(w->s, '\n', w->len) != NULL || memchr(w->s, '\r', w->len) != NULL;
    }
    lo->wr.size = size;
    ra_status_t st =
        widest_segment(&lo->wr, lo->wspans.v, lo->wspans.n, floor_word - 2 * TABLE_PAD_X, word);
    *whole = *word;
    if (st == RA_OK && chars <= RA_LAYOUT_SHORT_CELL && !multiline) {
        double all = 0;
        for (size_t i = 0; i < lo->wspans.n; i++) {
            const wspan_t *w = &lo->wspans.v[i];
            all += ra_pdf_text_width(lo->pdf, w->face, w->size > 0 ? w->size : size, w->s, w->len);
        }
        if (all > *whole)
            *whole = all;
    }
    *word += 2 * TABLE_PAD_X;
    *whole += 2 * TABLE_PAD_X;
    return st;
}

/* The width of a column that needs word and would like want at level. */
static double level_width(double word, double want, double level)
{
    double w = want < level ? want : level;
    return w > word ? w : word;
}

/* Fills colw with widths over total: each column its share of the relative
 * widths rel, but never less than need; what columns below it need is
 * taken from the others in proportion (sum of need at most total). */
static void share_widths(const double *rel, const double *need, size_t n, double total,
                         double *colw)
{
    int fixed[RA_LAYOUT_MAX_COLUMNS] = {0};
    for (int again = 1; again;) {
        again = 0;
        double left = total, share = 0;
        for (size_t c = 0; c < n; c++)
            if (fixed[c])
                left -= need[c];
            else
                share += rel[c];
        for (size_t c = 0; c < n; c++) {
            colw[c] = fixed[c] ? need[c] : share > 0 ? left * rel[c] / share : 0;
            if (!fixed[c] && colw[c] < need[c] - EPS) {
                fixed[c] = 1;
                again = 1;
            }
        }
    }
}

/* Column widths of a table (or the two kv columns) over the body,
 * computed once per table: each column gets its share of the relative
 * widths but never less than its cells need to keep their words and short
 * cells whole (taken from the others in proportion); when short cells
 * cannot all stay whole, words still do and each column gets what it would
 * like up to a common level; when not even the words fit,
 * columns of monospaced text (digests) keep their width and the columns
 * that would like the most are cut to one common width. */
static ra_status_t column_widths(ra_layout_t *lo, const block_t *b, double *colw, size_t *ncols)
{
    size_t n = b->kind == K_KV ? 2 : b->naux;
    *ncols = n;
    if (lo->cw_block == b) {
        memcpy(colw, lo->cw, n * sizeof *colw);
        return RA_OK;
    }
    double rel[RA_LAYOUT_MAX_COLUMNS], word[RA_LAYOUT_MAX_COLUMNS], whole[RA_LAYOUT_MAX_COLUMNS];
    double size = table_size(lo, b), W = lo->width, rel_sum = 0;
    int mono[RA_LAYOUT_MAX_COLUMNS] = {0};
    for (size_t c = 0; c < n; c++) {
        rel[c] = b->kind == K_KV ? (c == 0 ? b->num : 1 - b->num) : lo->cols.v[b->aux0 + c].width;
        rel_sum += rel[c];
        word[c] = 0;
        if (b->kind == K_TABLE) {
            str_t title = lo->cols.v[b->aux0 + c].title;
            wspan_t w = {S(lo, title), title.len, RA_FACE_BOLD, white, 0, 0, str_breaks(lo, title)};
            lo->wr.size = size;
            ra_status_t st = widest_segment(&lo->wr, &w, 1, 0, &word[c]);
            if (st != RA_OK)
                return st;
            word[c] += 2 * TABLE_PAD_X;
        }
        whole[c] = word[c];
    }
    for (size_t i = 0; i < b->ncells; i++) {
        const cell_t *cell = &lo->cells.v[b->cell0 + i];
        double cw, ch;
        ra_status_t st = cell_min_width(lo, cell, size, word[i % n], &cw, &ch);
        if (st != RA_OK)
            return st;
        if (cw > word[i % n])
            word[i % n] = cw;
        if (ch > whole[i % n])
            whole[i % n] = ch;
        if (cell->nspans > 0 && lo->spans.v[cell->span0].face == RA_FACE_MONO &&
            lo->spans.v[cell->span0].text.len > 1)
            mono[i % n] = 1;
    }
    double sum_whole = 0, sum_word = 0, sum_mono = 0, want[RA_LAYOUT_MAX_COLUMNS];
    for (size_t c = 0; c < n; c++) {
        sum_whole += whole[c];
        sum_word += word[c];
        sum_mono += mono[c] ? word[c] : 0;
        want[c] = whole[c] > W * rel[c] / rel_sum ? whole[c] : W * rel[c] / rel_sum;
    }
    if (sum_whole <= W) {
        share_widths(rel, whole, n, W, colw);
    } else if (sum_word <= W) {
        /* Short cells cannot all stay on one line: every column gets what
         * its words need, and what it would like (its short cells whole,
         * or its share) up to a common level, the level at which the
         * columns fill the width (found by bisection; the sum grows with
         * the level from sum_word to the sum of want). */
        double lo_level = 0, hi_level = 0;
        for (size_t c = 0; c < n; c++)
            hi_level = want[c] > hi_level ? want[c] : hi_level;
        for (int k = 0; k < 60; k++) {
            double mid = (lo_level + hi_level) / 2, sum = 0;
            for (size_t c = 0; c < n; c++)
                sum += level_width(word[c], want[c], mid);
            if (sum > W)
                hi_level = mid;
            else
                lo_level = mid;
        }
        for (size_t c = 0; c < n; c++)
            colw[c] = level_width(word[c], want[c], lo_level);
    } else {
        /* Not even the words fit (a very long word): columns of monospaced
         * text (digests) keep their width when the others can share what is
         * left; of the others, those that would like the most are cut to
         * one common width, so that only they break their words. */
        int keep = sum_mono < W && sum_mono < sum_word;
        int cut[RA_LAYOUT_MAX_COLUMNS];
        size_t ncut = 0;
        for (size_t c = 0; c < n; c++) {
            cut[c] = !(keep && mono[c]);
            ncut += (size_t)cut[c];
        }
        double level = 0;
        for (int again = 1; again && ncut > 0;) {
            again = 0;
            double left = W;
            for (size_t c = 0; c < n; c++)
                left -= cut[c] ? 0 : (keep && mono[c] ? word[c] : want[c]);
            level = left / (double)ncut;
            for (size_t c = 0; c < n; c++)
                if (cut[c] && want[c] <= level) {
                    cut[c] = 0;
                    ncut--;
                    again = 1;
                }
        }
        for (size_t c = 0; c < n; c++)
            colw[c] = cut[c] ? level : keep && mono[c] ? word[c] : want[c];
    }
    lo->cw_block = b;
    memcpy(lo->cw, colw, n * sizeof *colw);
    return RA_OK;
}

/* Table font size (kv grids use the base size). */
static double table_size(const ra_layout_t *lo, const block_t *b)
{
    return b->kind == K_KV ? lo->opt.font_size : b->ts.font_size;
}

/* Wraps row of table (or kv grid) b into its columns: colw gets the
 * column widths, l0/nl each cell's lines, *h the row height. */
static ra_status_t table_row_lines(ra_layout_t *lo, const block_t *b, size_t row, double *colw,
                                   size_t *l0, size_t *nl, double *h)
{
    size_t ncols;
    double size = table_size(lo, b), most = 1;
    ra_status_t cst = column_widths(lo, b, colw, &ncols);
    if (cst != RA_OK)
        return cst;
    for (size_t c = 0; c < ncols; c++) {
        const cell_t *cell = &lo->cells.v[b->cell0 + row * ncols + c];
        ra_status_t st = wrap_cell(lo, cell, size, colw[c] - 2 * TABLE_PAD_X, &l0[c], &nl[c]);
        if (st != RA_OK)
            return st;
        if (nl[c] > most)
            most = (double)nl[c];
    }
    *h = most * line_h(lo, size) + 2 * TABLE_PAD_Y;
    return RA_OK;
}

/* Draws a table's header row at the cursor. */
static ra_status_t draw_table_header(ra_layout_t *lo, const block_t *b, const double *colw,
                                     double *h)
{
    size_t ncols = b->naux, l0[RA_LAYOUT_MAX_COLUMNS], nl[RA_LAYOUT_MAX_COLUMNS];
    double size = b->ts.font_size, most = 1, x = lo->left;
    ra_status_t st;
    size_t wl = lo->wr.lines.n, wf = lo->wr.frags.n;
    for (size_t c = 0; c < ncols; c++) {
        span_t *sp = VEC_PUSH(lo->spans);
        if (!sp)
            return RA_ERR_NOMEM;
        sp->text = lo->cols.v[b->aux0 + c].title;
        sp->face = RA_FACE_BOLD;
        sp->color = white;
        sp->link = 0;
        sp->size = 0;
        cell_t cell = {lo->spans.n - 1, 1, 0, {0, 0, 0}};
        st = wrap_cell(lo, &cell, size, colw[c] - 2 * TABLE_PAD_X, &l0[c], &nl[c]);
        lo->spans.n--;
        if (st != RA_OK)
            return st;
        if (nl[c] > most)
            most = (double)nl[c];
    }
    *h = most * line_h(lo, size) + 2 * TABLE_PAD_Y;
    if ((st = ensure(lo, *h)) != RA_OK)
        return st;
    if ((st = lo_rect(lo, lo->left, lo->y, lo->width, *h, 0, &lo->opt.accent, NULL, 0)) != RA_OK)
        return st;
    for (size_t c = 0; c < ncols; c++) {
        ra_align_t al = lo->cols.v[b->aux0 + c].align;
        for (size_t k = 0; k < nl[c]; k++)
            if ((st = draw_line_at(lo, l0[c] + k, x + TABLE_PAD_X,
                                   lo->y + TABLE_PAD_Y + k * line_h(lo, size),
                                   colw[c] - 2 * TABLE_PAD_X, size, al)) != RA_OK)
                return st;
        x += colw[c];
    }
    lo->wr.lines.n = wl;
    lo->wr.frags.n = wf;
    advance(lo, *h);
    return RA_OK;
}

/* Places a table or key-value grid: rows move whole to the next page
 * (header repeated); a row taller than a page is split between lines. */
static ra_status_t place_table(ra_layout_t *lo, const block_t *b)
{
    double colw[RA_LAYOUT_MAX_COLUMNS];
    size_t ncols, l0[RA_LAYOUT_MAX_COLUMNS], nl[RA_LAYOUT_MAX_COLUMNS];
    int header = b->kind == K_TABLE && b->ts.header;
    double size = table_size(lo, b), lh = line_h(lo, size);
    ra_status_t st;

    if ((st = column_widths(lo, b, colw, &ncols)) != RA_OK)
        return st;
    size_t nrows = ncols ? b->ncells / ncols : 0;
    double header_h = 0;
    /* A key-value grid is one record: it moves whole when it fits on a
     * page. */
    if (b->kind == K_KV && !lo->dry && !lo->fresh && nrows > 1) {
        double h = 0;
        size_t here = (size_t)(b - lo->blocks.v);
        if ((st = measure(lo, here, here + 1, &h)) != RA_OK)
            return st;
        h -= 0.8 * lo->opt.font_size; /* the gap after it may overhang */
        if (lo->y + h > lo->bottom + EPS && h <= body_height(lo) && (st = new_page(lo)) != RA_OK)
            return st;
    }
    if (header && nrows == 0) /* an empty table still shows its header */
        return draw_table_header(lo, b, colw, &header_h);
    int need_header = header;
    for (size_t r = 0; r < nrows; r++) {
        double rh;
        if ((st = table_row_lines(lo, b, r, colw, l0, nl, &rh)) != RA_OK)
            return st;
        /* The row moves to a new page when it does not fit (with the
         * header when that is still to be drawn). */
        /* A header not drawn yet counts about as tall as the row. */
        double need = rh + (need_header ? (header_h > 0 ? header_h : rh) : 0);
        if (lo->y + need > lo->bottom + EPS && !lo->fresh) {
            if ((st = new_page(lo)) != RA_OK)
                return st;
            need_header = header;
        }
        if (need_header) {
            if ((st = draw_table_header(lo, b, colw, &header_h)) != RA_OK)
                return st;
            need_header = 0;
        }
        /* Draw the row, continuing on further pages if it is taller than
         * what is left of a fresh page. */
        size_t done = 0, most = 0;
        for (size_t c = 0; c < ncols; c++)
            if (nl[c] > most)
                most = nl[c];
        do {
            size_t fit = most - done;
            double avail = room(lo) - 2 * TABLE_PAD_Y;
            if ((double)fit * lh > avail + EPS) {
                fit = avail > lh ? (size_t)((avail + EPS) / lh) : 0;
                if (fit == 0) {
                    if ((st = new_page(lo)) != RA_OK)
                        return st;
                    if (header && (st = draw_table_header(lo, b, colw, &header_h)) != RA_OK)
                        return st;
                    continue;
                }
            }
            double h = (most == 0 ? 1 : (double)fit) * lh + 2 * TABLE_PAD_Y;
            double x = lo->left;
            int stripe = b->kind == K_TABLE && b->ts.zebra && r % 2 == 1;
            ra_rgb_t zebra = {0.955, 0.963, 0.975};
            if (stripe &&
                (st = lo_rect(lo, lo->left, lo->y, lo->width, h, 0, &zebra, NULL, 0)) != RA_OK)
                return st;
            for (size_t c = 0; c < ncols; c++) {
                const cell_t *cell = &lo->cells.v[b->cell0 + r * ncols + c];
                ra_align_t al = b->kind == K_TABLE ? lo->cols.v[b->aux0 + c].align : RA_ALIGN_LEFT;
                if (cell->has_fill &&
                    (st = lo_rect(lo, x, lo->y, colw[c], h, 0, &cell->fill, NULL, 0)) != RA_OK)
                    return st;
                for (size_t k = done; k < done + fit && k < nl[c]; k++)
                    if ((st = draw_line_at(lo, l0[c] + k, x + TABLE_PAD_X,
                                           lo->y + TABLE_PAD_Y + (double)(k - done) * lh,
                                           colw[c] - 2 * TABLE_PAD_X, size, al)) != RA_OK)
                        return st;
                x += colw[c];
            }
            if ((b->kind == K_KV || b->ts.grid) &&
                (st = lo_line(lo, lo->left, lo->y + h, lo->left + lo->width, lo->y + h, 0.5,
                              ra_rgb_tint(lo->opt.muted, 0.7), 0)) != RA_OK)
                return st;
            advance(lo, h);
            done += fit;
            if (done < most) {
                if ((st = new_page(lo)) != RA_OK)
                    return st;
                if (header && (st = draw_table_header(lo, b, colw, &header_h)) != RA_OK)
                    return st;
            }
        } while (done < most);
        wr_clear(lo);
    }
    gap(lo, 0.8 * lo->opt.font_size);
    return RA_OK;
}

/* ra_layout_ellipsize, which also sets *fits to the width of s when s
 * fits as it is (else to -1: the callers measure what it gives), so that
 * a line of a header or footer is not measured twice. */
static const char *ellipsize(const ra_pdf_t *pdf, ra_buf_t *tmp, ra_face_t face, double size,
                             double width, const char *s, size_t *len, double *fits)
{
    static const char dots[] = "\xE2\x80\xA6";
    ra_buf_clear(tmp);
    double whole = ra_pdf_text_width(pdf, face, size, s, *len);
    *fits = -1;
    if (whole <= width + EPS) {
        *fits = whole;
        return s;
    }
    double dw = ra_pdf_text_width(pdf, face, size, dots, 3);
    size_t k = width > dw ? ra_pdf_text_fit(pdf, face, size, s, *len, width - dw) : 0;
    if (width <= dw || ra_pdf_text_width(pdf, face, size, s, k) + dw > width + EPS)
        k = 0;
    while (k > 0 && s[k - 1] == ' ')
        k--;
    /* Out of memory: the failed-buffer text, which drawing it refuses. */
    if (ra_buf_append(tmp, s, k) != RA_OK || ra_buf_append(tmp, dots, 3) != RA_OK) {
        *len = 0;
        return ra_buf_str(tmp);
    }
    *len = tmp->len;
    return tmp->data;
}

const char *ra_layout_ellipsize(const ra_pdf_t *pdf, ra_buf_t *tmp, ra_face_t face, double size,
                                double width, const char *s, size_t *len)
{
    double fits;
    return ellipsize(pdf, tmp, face, size, width, s, len, &fits);
}

/* Places a custom block; its height is clamped to a page. */
static ra_status_t place_custom(ra_layout_t *lo, const block_t *b)
{
    double h = b->height < body_height(lo) ? b->height : body_height(lo);
    ra_status_t st = ensure(lo, h);
    if (st != RA_OK)
        return st;
    if (!lo->dry) {
        ra_rect_t r = {lo->left, lo->y, lo->width, h};
        double v[4] = {r.x, r.y, r.w, r.h};
        if ((st = log_item(lo, "custom", v, 4, NULL)) != RA_OK ||
            (st = b->fn(b->ctx, lo->pdf, &r)) != RA_OK)
            return st;
    }
    advance(lo, h);
    gap(lo, 0.6 * lo->opt.font_size);
    return RA_OK;
}

/* Reserves the contents list: an optional title and one row per entry,
 * filled in by draw_contents once page numbers are known. */
static ra_status_t place_contents(ra_layout_t *lo, const block_t *b)
{
    double size = lo->opt.font_size, lh = line_h(lo, size) * 1.15;
    ra_status_t st;
    if (b->flags) { /* has a title */
        double ts = 1.4 * size, tlh = line_h(lo, ts);
        size_t len = b->s1.len;
        const char *t =
            ra_layout_ellipsize(lo->pdf, &lo->tmp, RA_FACE_BOLD, ts, lo->width, S(lo, b->s1), &len);
        ra_buf_t copy = RA_BUF_INIT;
        if ((st = ensure(lo, tlh + lh)) != RA_OK || (st = ra_buf_append(&copy, t, len)) != RA_OK)
            return st;
        st = lo_text(lo, RA_FACE_BOLD, ts, lo->opt.accent, lo->left, lo->y + baseline(lo, ts),
                     copy.data, len);
        ra_buf_free(&copy);
        if (st != RA_OK)
            return st;
        advance(lo, tlh + 0.5 * size);
    }
    for (size_t i = 0; i < lo->tocs.n; i++) {
        toc_t *t = &lo->tocs.v[i];
        if (t->level > b->level)
            continue;
        if ((st = ensure(lo, lh)) != RA_OK)
            return st;
        if (!lo->dry) {
            t->has_row = 1;
            t->row_page = lo->page;
            t->row_y = lo->y;
            double v[4] = {lo->left, lo->y, lo->width, lh};
            if ((st = log_item(lo, "toc-row", v, 4, NULL)) != RA_OK)
                return st;
        }
        advance(lo, lh);
    }
    gap(lo, size);
    return RA_OK;
}

/* Fills the reserved contents rows: title, dotted leader, page number,
 * the whole row a link to the heading. */
static ra_status_t draw_contents(ra_layout_t *lo)
{
    double size = lo->opt.font_size, lh = line_h(lo, size) * 1.15;
    ra_buf_t num = RA_BUF_INIT, title = RA_BUF_INIT;
    ra_status_t st = RA_OK;
    size_t logged = (size_t)-1;
    for (size_t i = 0; i < lo->tocs.n && st == RA_OK; i++) {
        const toc_t *t = &lo->tocs.v[i];
        if (!t->has_row)
            continue;
        if (t->row_page != logged) { /* the dump says which page again */
            logged = t->row_page;
            if ((st = log_page(lo, t->row_page + 1)) != RA_OK)
                break;
        }
        const anchor_t *a = &lo->anchors.v[t->anchor - 1];
        ra_face_t face = t->level == 1 ? RA_FACE_BOLD : RA_FACE_REGULAR;
        double indent = t->level == 1 ? 0 : 16;
        double base = t->row_y + (lh - line_h(lo, size)) / 2 + baseline(lo, size);
        ra_buf_clear(&num);
        if ((st = ra_buf_printf(&num, "%zu", a->page + 1)) != RA_OK ||
            (st = ra_pdf_use_page(lo->pdf, t->row_page)) != RA_OK)
            break;
        double nw = ra_pdf_text_width(lo->pdf, face, size, num.data, num.len);
        double avail = lo->width - indent - nw - 24;
        size_t len = t->title.len;
        double tw;
        const char *s = ellipsize(lo->pdf, &lo->tmp, face, size, avail, S(lo, t->title), &len, &tw);
        ra_buf_clear(&title);
        if ((st = ra_buf_append(&title, s, len)) != RA_OK)
            break;
        if (tw < 0)
            tw = ra_pdf_text_width(lo->pdf, face, size, title.data, len);
        lo->page = t->row_page;
        if ((st = lo_text(lo, face, size, lo->opt.text_color, lo->left + indent, base, title.data,
                          len)) != RA_OK ||
            (st = lo_text(lo, face, size, lo->opt.text_color, lo->left + lo->width - nw, base,
                          num.data, num.len)) != RA_OK)
            break;
        double lx = lo->left + indent + tw + 6, rx = lo->left + lo->width - nw - 6;
        if (rx > lx && (st = lo_line(lo, lx, base, rx, base, 0.6, ra_rgb_tint(lo->opt.muted, 0.4),
                                     1.5)) != RA_OK)
            break;
        st = lo_link(lo, lo->left, t->row_y, lo->width, lh, t->anchor);
    }
    ra_buf_free(&num);
    ra_buf_free(&title);
    return st;
}

/* Places block i at the cursor. */
static ra_status_t place_block(ra_layout_t *lo, size_t i)
{
    const block_t *b = &lo->blocks.v[i];
    switch (b->kind) {
    case K_HEADING:
    case K_MARK:
        return place_heading(lo, i);
    case K_PARA:
        return place_para(lo, b);
    case K_BULLETS:
        return place_bullets(lo, b);
    case K_KV:
    case K_TABLE:
        return place_table(lo, b);
    case K_CUSTOM:
        return place_custom(lo, b);
    case K_PLACED:
        return b->place(b->ctx, lo);
    case K_CONTENTS:
        return place_contents(lo, b);
    case K_SPACE:
        if (!lo->fresh && lo->y + b->height > lo->bottom)
            return new_page(lo);
        gap(lo, b->height);
        return RA_OK;
    case K_RULE: {
        double size = lo->opt.font_size;
        ra_status_t st = ensure(lo, size);
        if (st == RA_OK)
            st = lo_line(lo, lo->left, lo->y + size / 2, lo->left + lo->width, lo->y + size / 2,
                         0.6, ra_rgb_tint(lo->opt.muted, 0.5), 0);
        advance(lo, size);
        return st;
    }
    case K_BREAK:
        if (lo->fresh || lo->dry)
            return RA_OK;
        return new_page(lo);
    case K_KEEP_BEGIN: {
        size_t end = i + 1;
        while (end < lo->blocks.n && lo->blocks.v[end].kind != K_KEEP_END)
            end++;
        if (lo->dry || lo->fresh)
            return RA_OK;
        double h;
        ra_status_t st = measure(lo, i + 1, end, &h);
        if (st == RA_OK && lo->y + h > lo->bottom + EPS && h <= body_height(lo))
            st = new_page(lo);
        return st;
    }
    case K_KEEP_END:
        return RA_OK;
    }
    return RA_OK;
}

/* --- Finishing --- */

ra_status_t ra_layout_finish(ra_layout_t *lo)
{
    ra_status_t st;
    const ra_layout_options_t *o = &lo->opt;
    if (lo->finished || lo->in_table)
        return RA_ERR_INVALID;
    lo->finished = 1;
    lo->top = o->margin_top + o->header_height;
    lo->bottom = o->page_height - o->margin_bottom - o->footer_height;
    lo->left = o->margin_left;
    lo->width = o->page_width - o->margin_left - o->margin_right;
    for (int k = 0; k <= HEADING_DEPTH; k++)
        lo->outline[k] = -1;
    if ((st = new_page(lo)) != RA_OK)
        return st;
    size_t first_page = lo->page;
    for (size_t i = 0; i < lo->blocks.n; i++)
        if ((st = place_block(lo, i)) != RA_OK)
            return st;
    if ((st = draw_contents(lo)) != RA_OK)
        return st;
    /* Links, now that every anchor has a page. */
    for (size_t i = 0; i < lo->links.n; i++) {
        const link_t *l = &lo->links.v[i];
        if (l->anchor < 1 || (size_t)l->anchor > lo->anchors.n)
            return RA_ERR_INVALID;
        if (!lo->anchors.v[l->anchor - 1].placed)
            continue; /* reserved but never bound: nowhere to go */
        const anchor_t *a = &lo->anchors.v[l->anchor - 1];
        if ((st = ra_pdf_use_page(lo->pdf, l->page)) != RA_OK ||
            (st = ra_pdf_link(lo->pdf, l->x, l->y, l->w, l->h, a->page, a->y)) != RA_OK)
            return st;
    }
    /* Watermark over each page's content, logged after all pages. */
    for (size_t p = 0; p < lo->npages && lo->watermark.len; p++) {
        if ((st = ra_pdf_use_page(lo->pdf, first_page + p)) != RA_OK ||
            (st = log_page(lo, p + 1)) != RA_OK || (st = draw_watermark(lo)) != RA_OK)
            return st;
    }
    /* Header and footer bands, each page knowing the page count. */
    ra_rect_t hb = {o->margin_left, o->margin_top, lo->width, o->header_height};
    ra_rect_t fb = {o->margin_left, lo->bottom, lo->width, o->footer_height};
    for (size_t p = 0; p < lo->npages; p++) {
        if ((st = ra_pdf_use_page(lo->pdf, first_page + p)) != RA_OK)
            return st;
        if (o->header && o->header_height > 0 &&
            (st = o->header(o->page_ctx, lo->pdf, p, lo->npages, &hb)) != RA_OK)
            return st;
        if (o->footer && o->footer_height > 0 &&
            (st = o->footer(o->page_ctx, lo->pdf, p, lo->npages, &fb)) != RA_OK)
            return st;
    }
    return RA_OK;
}

size_t ra_layout_page_count(const ra_layout_t *lo)
{
    return lo->npages;
}

ra_status_t ra_layout_anchor_page(const ra_layout_t *lo, int anchor, size_t *page)
{
    if (anchor < 1 || (size_t)anchor > lo->anchors.n || !lo->anchors.v[anchor - 1].placed)
        return RA_ERR_INVALID;
    *page = lo->anchors.v[anchor - 1].page;
    return RA_OK;
}

ra_status_t ra_layout_dump(const ra_layout_t *lo, ra_buf_t *out)
{
    return ra_buf_append(out, ra_buf_str(&lo->dump), lo->dump.len);
}

ra_status_t ra_layout_draw_line(ra_pdf_t *pdf, const ra_rect_t *box, ra_face_t face, double size,
                                ra_rgb_t color, ra_align_t align, const char *text)
{
    ra_buf_t tmp = RA_BUF_INIT;
    size_t len = strlen(text);
    /* ellipsize returns text itself when it fits, else a copy in tmp */
    double w;
    const char *s = ellipsize(pdf, &tmp, face, size, box->w, text, &len, &w);
    if (w < 0)
        w = ra_pdf_text_width(pdf, face, size, s, len);
    double asc, desc;
    ra_pdf_font_metrics(pdf, face, &asc, &desc);
    double x = align == RA_ALIGN_RIGHT    ? box->x + box->w - w
               : align == RA_ALIGN_CENTER ? box->x + (box->w - w) / 2
                                          : box->x;
    double y = box->y + box->h / 2 + (asc + desc) / 2 * size;
    ra_status_t st = ra_pdf_text(pdf, face, size, color, x, y, s, len);
    ra_buf_free(&tmp);
    return st;
}

/* --- For place functions (ra_layout_block) --- */

ra_rect_t ra_layout_cursor(const ra_layout_t *lo)
{
    return (ra_rect_t){lo->left, lo->y, lo->width, room(lo)};
}

int ra_layout_fresh(const ra_layout_t *lo)
{
    return lo->fresh;
}

int ra_layout_drawing(const ra_layout_t *lo)
{
    return !lo->dry;
}

double ra_layout_body_height(const ra_layout_t *lo)
{
    return body_height(lo);
}

const ra_layout_options_t *ra_layout_options(const ra_layout_t *lo)
{
    return &lo->opt;
}

ra_pdf_t *ra_layout_pdf(const ra_layout_t *lo)
{
    return lo->pdf;
}

double ra_layout_line_height(const ra_layout_t *lo, double size)
{
    return line_h(lo, size);
}

double ra_layout_baseline(const ra_layout_t *lo, double size)
{
    return baseline(lo, size);
}

ra_status_t ra_layout_ensure(ra_layout_t *lo, double h)
{
    return ensure(lo, h);
}

ra_status_t ra_layout_new_page(ra_layout_t *lo)
{
    return new_page(lo);
}

void ra_layout_advance(ra_layout_t *lo, double h)
{
    advance(lo, h);
}

void ra_layout_gap(ra_layout_t *lo, double h)
{
    gap(lo, h);
}

ra_status_t ra_layout_text(ra_layout_t *lo, ra_face_t face, double size, ra_rgb_t color, double x,
                           double y, const char *s, size_t len)
{
    return lo_text(lo, face, size, color, x, y, s, len);
}

ra_status_t ra_layout_rect(ra_layout_t *lo, double x, double y, double w, double h, double radius,
                           const ra_rgb_t *fill, const ra_rgb_t *stroke, double lw)
{
    return lo_rect(lo, x, y, w, h, radius, fill, stroke, lw);
}

ra_status_t ra_layout_line(ra_layout_t *lo, double x1, double y1, double x2, double y2, double lw,
                           ra_rgb_t color, double dash)
{
    return lo_line(lo, x1, y1, x2, y2, lw, color, dash);
}

ra_status_t ra_layout_log(ra_layout_t *lo, const char *kind, const double *v, int n,
                          const char *suffix)
{
    return lo->dry ? RA_OK : log_item(lo, kind, v, n, suffix);
}
