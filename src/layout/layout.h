/* layout.h - content-independent layout engine: blocks in, paginated pages out.
 *
 * Usage:
 *     ra_layout_options_t opt;
 *     ra_layout_options_default(&opt);          then adjust fields
 *     ra_layout_new(pdf, &opt, &lo);
 *     ra_layout_heading(lo, 1, "Summary", 0, &anchor); ... more blocks ...
 *     ra_layout_finish(lo);                      paginates and draws
 *     ra_pdf_save(pdf, &out);  ra_layout_free(lo);  ra_pdf_free(pdf);
 *
 * Blocks are recorded (their strings copied) as they are appended and laid
 * out only by ra_layout_finish, so forward links, the contents list and
 * "Page X of Y" need no second pass by the caller. The engine owns the
 * cursor, wrapping, pagination, keep-with-next of headings, table header
 * repetition, outline (bookmarks), links and the per-page header, footer
 * and watermark. Nothing it draws leaves the body area; header and footer
 * callbacks get their bands inside the margins.
 *
 * Coordinates are points, origin at the page's top-left corner, y down (as
 * in pdf.h). All text is UTF-8; a "\n" in paragraph-like text starts a new
 * line. Callback contexts must stay valid until ra_layout_finish returns.
 */
#ifndef RA_LAYOUT_H
#define RA_LAYOUT_H

#include <stddef.h>

#include "base/buf.h"
#include "pdf/pdf.h"
#include "base/status.h"
#include "layout/break.h"
#include "model/model.h"

/* The language text is broken and hyphenated for unless set otherwise
 * (ra_layout_set_lang), and the longest tag the layout keeps. */
#define RA_LAYOUT_LANG "en-US"
#define RA_LAYOUT_LANG_MAX RA_RECORD_LANG_MAX

typedef struct ra_layout ra_layout_t;

/* A rectangle: top-left corner (x, y), width w, height h. */
typedef struct {
    double x, y, w, h;
} ra_rect_t;

typedef enum { RA_ALIGN_LEFT = 0, RA_ALIGN_CENTER, RA_ALIGN_RIGHT } ra_align_t;

/* Draws a page's header or footer after layout. page is 0-based, count the
 * total number of pages; band is the header band (top margin edge down to
 * header_height) or the footer band (footer_height up from the bottom margin
 * edge). Return RA_OK or an error that ra_layout_finish passes on. */
typedef ra_status_t (*ra_layout_page_fn)(void *ctx, ra_pdf_t *pdf, size_t page, size_t count,
                                         const ra_rect_t *band);

/* Draws custom content into box (ra_layout_custom). */
typedef ra_status_t (*ra_layout_draw_fn)(void *ctx, ra_pdf_t *pdf, const ra_rect_t *box);

typedef struct {
    double page_width, page_height; /* RA_PAGE_A4_W x RA_PAGE_A4_H default */
    /* Nothing is ever drawn outside these margins. Defaults 20 mm (56.69). */
    double margin_top, margin_right, margin_bottom, margin_left;
    /* Bands inside the margins reserved for header/footer (default 24 pt);
     * the body is what remains. */
    double header_height, footer_height;
    double font_size;    /* base body size, default 10 */
    double line_spacing; /* baseline distance / font size, default 1.35 */
    ra_rgb_t text_color; /* body text, default near-black */
    ra_rgb_t muted;      /* secondary text and rules, default grey */
    ra_rgb_t accent;     /* headings, table headers, bars; default navy */
    /* Drawn on every page as large diagonal letter outlines in light grey
     * over the content (vector paths: not extracted as text, content stays
     * readable, no transparency); NULL or "": none. Copied. */
    const char *watermark;
    ra_layout_page_fn header, footer; /* NULL: none */
    void *page_ctx;                   /* passed to header and footer */
    /* Set: keep no dump (ra_layout_dump appends nothing), which saves a
     * formatted line per item drawn; for callers that never read it. */
    int no_dump;
    /* Hyphenation dictionaries, loaded once and shared by many layouts (a
     * batch); not owned, must outlive the layout. NULL: the layout loads
     * the one it needs itself. */
    ra_hyph_t *hyph;
    /* Break opportunities kept from earlier layouts (ra_layout_memo_keep),
     * looked up before any is computed; not owned, must outlive the
     * layout. NULL: none. */
    const struct ra_layout_memo *memo;
} ra_layout_options_t;

/* Break opportunities that layouts found, kept for the layouts after them:
 * they depend only on the text and its language, and a batch keeps its
 * specimen report's before the workers are forked, so that none of them
 * computes the checklist's again. Bounded (1 MiB); not thread-safe. */
typedef struct ra_layout_memo ra_layout_memo_t;
/* Creates an empty memo. Free with ra_layout_memo_free. */
ra_status_t ra_layout_memo_new(ra_layout_memo_t **out);
/* Frees m; NULL is fine. */
void ra_layout_memo_free(ra_layout_memo_t *m);
/* Keeps in m the break opportunities lo found for the texts of its table
 * cells and headers (as many as fit; memory that runs out keeps fewer). */
void ra_layout_memo_keep(ra_layout_memo_t *m, const ra_layout_t *lo);
/* Returns how many texts m keeps the break opportunities of. */
size_t ra_layout_memo_count(const ra_layout_memo_t *m);
/* Keeps in m (empty) the break opportunities the user's cache file at path holds
 * (a keyed file, base/usercache.h: believed only for this readyaudit and
 * libunibreak, whole, when every value is one ra_break_find gives); a file
 * that is not right is not read. path NULL: none. */
void ra_layout_memo_read(ra_layout_memo_t *m, const char *path);
/* Writes what m keeps to the cache file at path when it keeps texts the
 * file did not hold (read or written by m); a failure leaves the file as
 * it was, and says nothing. */
void ra_layout_memo_save(ra_layout_memo_t *m, const char *path);

/* Fills opt with the defaults (A4, 20 mm margins, 10 pt, navy accent). */
void ra_layout_options_default(ra_layout_options_t *opt);

/* Creates a layout drawing into pdf (not owned; must outlive it). Copies
 * opt. Free with ra_layout_free. */
ra_status_t ra_layout_new(ra_pdf_t *pdf, const ra_layout_options_t *opt, ra_layout_t **out);
/* Frees the layout and its recorded blocks; NULL is fine. */
void ra_layout_free(ra_layout_t *lo);

/* --- Text styles --- */

/* Style of paragraph-like blocks. Get the defaults with ra_layout_style. */
typedef struct {
    ra_face_t face;     /* default RA_FACE_REGULAR */
    double size;        /* default the base font size */
    ra_rgb_t color;     /* default text_color */
    ra_align_t align;   /* default left */
    double indent;      /* extra left indent in points, default 0 */
    double space_after; /* gap below the block in points, default 0.6 em */
    int link;           /* anchor to link the text to; 0: none */
} ra_style_t;

/* Sets the language of the text (a BCP 47 tag, e.g. "de" or "en-GB"; NULL
 * or "": RA_LAYOUT_LANG), which chooses the hyphenation dictionary
 * (break.h, ra_hyph_file; a language without one is not hyphenated) and
 * libunibreak's tailoring. The dictionary is loaded when a word first
 * needs it (a file that cannot be loaded fails that layout call with
 * RA_ERR_IO). RA_ERR_INVALID for a tag longer than RA_LAYOUT_LANG_MAX; the
 * setting is then unchanged. */
ra_status_t ra_layout_set_lang(ra_layout_t *lo, const char *lang);
/* Returns the language set (RA_LAYOUT_LANG by default). */
const char *ra_layout_lang(const ra_layout_t *lo);

/* Returns the width of the body column: the page less its left and right
 * margins (what a custom block's box is wide). */
double ra_layout_body_width(const ra_layout_t *lo);

/* Returns the body text style of lo. */
ra_style_t ra_layout_style(const ra_layout_t *lo);

/* One run of text inside a paragraph (ra_layout_rich). */
typedef struct {
    const char *text;      /* UTF-8; copied */
    ra_face_t face;        /* this run's face */
    const ra_rgb_t *color; /* NULL: the paragraph's colour */
    int link;              /* anchor, 0: none */
} ra_span_t;

/* --- Blocks, appended in reading order. Strings are copied. --- */

/* Heading flags. */
enum {
    RA_HEADING_NEW_PAGE = 1,   /* start a new page (unless already at top) */
    RA_HEADING_NO_TOC = 2,     /* leave out of the contents list */
    RA_HEADING_NO_OUTLINE = 4, /* no bookmark */
};

/* Reserves an anchor for a heading or mark appended later (passed to it in
 * *anchor), so that links appended before the heading can point at it.
 * Links to an anchor that is never bound are dropped. */
ra_status_t ra_layout_anchor_new(ra_layout_t *lo, int *anchor);

/* Appends a heading of level 1..3 (bold; 2, 1.4, 1.15 times the base size;
 * levels 1..2 in the accent colour, level 1 underlined). It gets a bookmark
 * nested by level and, for levels 1..2, an entry in the contents list. It
 * never ends a page: it moves to the next page with the first line or row
 * of the following block (with all of a lead-in paragraph of up to three
 * lines, and the first line or row after that). When anchor is not NULL:
 * if *anchor is an anchor reserved with ra_layout_anchor_new and not yet
 * bound, the heading takes it; otherwise a new anchor (> 0) is stored there. */
ra_status_t ra_layout_heading(ra_layout_t *lo, int level, const char *text, unsigned flags,
                              int *anchor);

/* Appends an invisible mark at the current position and stores a new anchor
 * in *anchor. With a title and level 1..3 it also adds a bookmark (and a
 * contents entry unless flags has RA_HEADING_NO_TOC), as a heading would;
 * title NULL: anchor only. */
ra_status_t ra_layout_mark(ra_layout_t *lo, int level, const char *title, unsigned flags,
                           int *anchor);

/* Mixes colour c towards white by t (0: c, 1: white). */
ra_rgb_t ra_rgb_tint(ra_rgb_t c, double t);

/* Appends a wrapped paragraph; st NULL: body style. Lines break where
 * break.h allows (spaces, after hyphens, between ideographs; never inside
 * a date, an id, a short hyphenated token; URLs after "/" or "."); a word
 * wider than the line is hyphenated (ra_layout_set_lang), and breaks
 * between characters only where no hyphenation point fits. A URL becomes a
 * link to itself on every line it takes. */
ra_status_t ra_layout_paragraph(ra_layout_t *lo, const ra_style_t *st, const char *text);

/* Appends a paragraph of mixed runs (bold inside regular, links...). st
 * gives size, colour, alignment, indent and spacing; the runs' faces. */
ra_status_t ra_layout_rich(ra_layout_t *lo, const ra_style_t *st, const ra_span_t *spans, size_t n);

/* Appends a bullet list of n items, each wrapped with a hanging indent. */
ra_status_t ra_layout_bullets(ra_layout_t *lo, const ra_style_t *st, const char *const *items,
                              size_t n);

/* One row of a key-value grid. */
typedef struct {
    const char *label; /* drawn bold in muted colour */
    const char *value; /* wrapped; "\n" honoured */
    ra_face_t face;    /* of the value; default regular (0) */
    double size;       /* of the value; 0: the base size */
} ra_kv_t;

/* Appends a two-column grid: labels in the first label_frac of the width
 * (0: 0.3), values wrapped beside them. The grid moves whole to the next
 * page if it fits on one; otherwise rows move whole (split only if taller
 * than a page). */
ra_status_t ra_layout_kv(ra_layout_t *lo, const ra_kv_t *rows, size_t n, double label_frac);

/* --- Tables --- */

typedef struct {
    const char *title; /* header text; copied */
    double width;      /* relative width (any positive scale) */
    ra_align_t align;  /* of header and cells */
} ra_column_t;

typedef struct {
    const char *text;      /* wrapped; "\n" honoured; NULL: empty */
    ra_face_t face;        /* default regular (0) */
    const ra_rgb_t *color; /* NULL: text colour */
    const ra_rgb_t *fill;  /* NULL: none (or the zebra stripe) */
    int link;              /* anchor, 0: none */
    double size;           /* 0: the table's font size */
} ra_cell_t;

typedef struct {
    double font_size; /* default base size - 1 */
    int header;       /* draw the header row (repeated on every page); 1 */
    int zebra;        /* light stripes on every other row; 1 */
    int grid;         /* thin horizontal rules between rows; 1 */
} ra_table_style_t;

/* Returns the default table style. */
ra_table_style_t ra_layout_table_style(const ra_layout_t *lo);

/* Table column widths: a column is at least as wide as the widest
 * unbreakable segment of its cells and header (break.h), so no word, date,
 * id or digest in it is split, and a cell of at most RA_LAYOUT_SHORT_CELL
 * characters on one line (a status, a verdict, a date, a name) stays on
 * one line; what such columns need beyond their share of the relative
 * widths is taken from the others in proportion. When short cells cannot
 * all stay whole, words still do; when not even the words fit (a very long
 * word), columns of monospaced text (digests) keep their width and only
 * the columns that would like the most are cut, to one common width. */
#define RA_LAYOUT_SHORT_CELL 24

/* Most columns a table may have. */
#define RA_LAYOUT_MAX_COLUMNS 64

/* Starts a table of ncols columns, 1..RA_LAYOUT_MAX_COLUMNS (else
 * RA_ERR_INVALID / RA_ERR_LIMIT; ts NULL: default style). Between
 * begin and end only rows may be appended. A row that does not fit moves
 * to the next page, the header repeated above it; a row taller than a page
 * is split between lines as a last resort. */
ra_status_t ra_layout_table_begin(ra_layout_t *lo, const ra_table_style_t *ts,
                                  const ra_column_t *cols, size_t ncols);
/* Appends a row of ncols cells. */
ra_status_t ra_layout_table_row(ra_layout_t *lo, const ra_cell_t *cells);
/* Appends a row of ncols plain texts (NULL: empty cell). */
ra_status_t ra_layout_table_row_text(ra_layout_t *lo, const char *const *texts);
/* Ends the table. */
ra_status_t ra_layout_table_end(ra_layout_t *lo);

/* Draws one line of text vertically centred in box, aligned, shortened
 * with "..." (U+2026) if wider than the box; for header/footer callbacks. */
ra_status_t ra_layout_draw_line(ra_pdf_t *pdf, const ra_rect_t *box, ra_face_t face, double size,
                                ra_rgb_t color, ra_align_t align, const char *text);

/* Appends a block of the given height across the body width, drawn by fn
 * at finish time. Moves to the next page if it does not fit. */
ra_status_t ra_layout_custom(ra_layout_t *lo, double height, ra_layout_draw_fn fn, void *ctx);

/* --- Blocks placed by the caller (charts, panels: src/report/graphics.h) --- */

/* Places a caller's block at the cursor during ra_layout_finish, with the
 * functions below. The engine also calls it to measure the block (to keep
 * it with a heading or in a keep group); then ra_layout_drawing is 0, the
 * draw functions draw nothing and pages never end. */
typedef ra_status_t (*ra_layout_place_fn)(void *ctx, ra_layout_t *lo);

/* Appends a block placed by fn. The layout owns ctx: it calls free_ctx
 * (NULL: none) on it when it is freed, also when this call fails. */
ra_status_t ra_layout_block(ra_layout_t *lo, ra_layout_place_fn fn, void *ctx,
                            void (*free_ctx)(void *));

/* For place functions: the body column (x, w), the cursor (y) and the room
 * left below it on the page (h). */
ra_rect_t ra_layout_cursor(const ra_layout_t *lo);
/* Returns 1 when nothing is placed on the page yet, else 0. */
int ra_layout_fresh(const ra_layout_t *lo);
/* Returns 1 when the block is drawn, 0 when it is only measured. */
int ra_layout_drawing(const ra_layout_t *lo);
/* Returns the height of the body of a page. */
double ra_layout_body_height(const ra_layout_t *lo);
/* Returns the options the layout was made with (colours, base size). */
const ra_layout_options_t *ra_layout_options(const ra_layout_t *lo);
/* Returns the PDF the layout draws into (for its text widths and metrics). */
ra_pdf_t *ra_layout_pdf(const ra_layout_t *lo);
/* Returns the height of a line of text at size. */
double ra_layout_line_height(const ra_layout_t *lo, double size);
/* Returns the baseline's offset from the top of a line at size. */
double ra_layout_baseline(const ra_layout_t *lo, double size);
/* Starts a new page unless h fits below the cursor or the page is fresh. */
ra_status_t ra_layout_ensure(ra_layout_t *lo, double h);
/* Starts a new page and puts the cursor at its top. */
ra_status_t ra_layout_new_page(ra_layout_t *lo);
/* Moves the cursor down by h after placing something. */
void ra_layout_advance(ra_layout_t *lo, double h);
/* Adds vertical space below what was placed (none at the top of a page). */
void ra_layout_gap(ra_layout_t *lo, double h);
/* Draw and log in the dump (nothing while measuring): text of len bytes
 * with its baseline at (x, y); a rectangle (pdf.h ra_pdf_rect); a line
 * (ra_pdf_line). */
ra_status_t ra_layout_text(ra_layout_t *lo, ra_face_t face, double size, ra_rgb_t color, double x,
                           double y, const char *s, size_t len);
ra_status_t ra_layout_rect(ra_layout_t *lo, double x, double y, double w, double h, double radius,
                           const ra_rgb_t *fill, const ra_rgb_t *stroke, double lw);
ra_status_t ra_layout_line(ra_layout_t *lo, double x1, double y1, double x2, double y2, double lw,
                           ra_rgb_t color, double dash);
/* Logs "kind v[0] .. v[n-1] suffix" in the dump for something drawn
 * straight into the PDF (suffix may be NULL; nothing while measuring). */
ra_status_t ra_layout_log(ra_layout_t *lo, const char *kind, const double *v, int n,
                          const char *suffix);
/* Returns s[0..*len) shortened with U+2026 to fit width: s itself when it
 * fits, else a copy in tmp; *len is set to the result's length. Out of
 * memory: tmp's failed-buffer text, which drawing refuses (base/buf.h). */
const char *ra_layout_ellipsize(const ra_pdf_t *pdf, ra_buf_t *tmp, ra_face_t face, double size,
                                double width, const char *s, size_t *len);

/* --- Flow control --- */

/* Appends vertical space (dropped at the top of a page). */
ra_status_t ra_layout_space(ra_layout_t *lo, double points);
/* Appends a thin horizontal rule in the muted colour. */
ra_status_t ra_layout_rule(ra_layout_t *lo);
/* Forces a new page (no effect at the top of a page). */
ra_status_t ra_layout_page_break(ra_layout_t *lo);
/* Blocks between keep_begin and keep_end go on one page if they fit on
 * one. Groups do not nest. */
ra_status_t ra_layout_keep_begin(ra_layout_t *lo);
ra_status_t ra_layout_keep_end(ra_layout_t *lo);

/* Appends a contents list titled title (NULL: none) of the headings of
 * levels 1..max_level (1 or 2) that follow or precede it, each with its
 * page number (1-based, as "Page X of Y") and a link to the heading. */
ra_status_t ra_layout_contents(ra_layout_t *lo, const char *title, int max_level);

/* --- Finishing and inspection --- */

/* Lays out every block, draws pages, watermark, header and footer, links,
 * bookmarks. Call once; afterwards no block may be appended. */
ra_status_t ra_layout_finish(ra_layout_t *lo);

/* Returns the number of pages after ra_layout_finish (0 before). */
size_t ra_layout_page_count(const ra_layout_t *lo);

/* Stores the 0-based page of anchor after ra_layout_finish. */
ra_status_t ra_layout_anchor_page(const ra_layout_t *lo, int anchor, size_t *page);

/* Appends a text dump of the laid-out pages to out, for golden tests:
 *     page 1
 *     text 56.69 80.12 B 18.00 "Executive summary"
 *     rect 56.69 100.00 481.89 20.00 fill
 * one line per drawn item in drawing order (text: x, y of the baseline
 * start, face R/B/I/M, size, text as drawn; rect/line/link/custom/toc-row/
 * watermark and what place functions log: geometry; uri: the rectangle of
 * a line of a URL, then the URL it opens), numbers with 2 decimals in C style. A
 * "page N" line (1-based) applies to the items after it; contents entries
 * and watermarks, drawn once all pages exist, come last under their own
 * "page N" lines. Header and footer callbacks' drawing is not included.
 * Empty when the options had no_dump set. */
ra_status_t ra_layout_dump(const ra_layout_t *lo, ra_buf_t *out);

/* Wraps text to width in face at size as paragraphs are wrapped (without
 * hyphenation: a word wider than the line breaks between characters) and
 * appends the lines to out separated by "\n" (no trailing one). */
ra_status_t ra_layout_wrap(const ra_pdf_t *pdf, ra_face_t face, double size, double width,
                           const char *text, ra_buf_t *out);
/* Like ra_layout_wrap, for text in language lang (NULL: RA_LAYOUT_LANG),
 * hyphenating a word wider than the line with the dictionaries of hyph
 * (NULL: none): it breaks at its last hyphenation point that fits, and the
 * line ends with "-". */
ra_status_t ra_layout_wrap_hyph(const ra_pdf_t *pdf, ra_hyph_t *hyph, const char *lang,
                                ra_face_t face, double size, double width, const char *text,
                                ra_buf_t *out);

#endif
