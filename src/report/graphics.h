/* graphics.h - the report's graphics as layout blocks: a bar chart with
 * threshold lines, a callout panel and a score gauge. Drawn on top of the
 * layout engine (ra_layout_block), which knows nothing about them.
 *
 * Strings and arrays passed in are copied; the layout owns the copies. */
#ifndef RA_GRAPHICS_H
#define RA_GRAPHICS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "layout/layout.h"
#include "pdf/pdf.h"

typedef struct {
    const char *label;      /* left of the bar, ellipsised if too long */
    double value;           /* 0..100; negative or NaN: "n/a", no bar */
    const char *value_text; /* printed beside the bar; NULL: one decimal */
    ra_rgb_t fill;
    bool has_previous; /* mark previous on the bar: an earlier assessment's value */
    double previous;   /* 0..100 */
} ra_bar_t;

typedef struct {
    double value;      /* 0..100 */
    const char *label; /* e.g. "ready 80", printed above the line */
    ra_rgb_t color;
} ra_threshold_t;

/* Appends a horizontal bar chart (scale 0..100, gridlines every 20) with
 * dashed vertical threshold lines; a bar with a previous value has a dark
 * tick across it there. Kept on one page when it fits on one. */
ra_status_t ra_graphics_bar_chart(ra_layout_t *lo, const ra_bar_t *bars, size_t n,
                                  const ra_threshold_t *th, size_t nth);

/* Appends a filled panel with a bold title (may be NULL) and wrapped text
 * and an edge bar on the left in edge colour. Kept on one page when it fits. */
ra_status_t ra_graphics_callout(ra_layout_t *lo, const char *title, const char *text, ra_rgb_t fill,
                                ra_rgb_t edge);

/* Appends a score gauge: a ring of the given diameter with an arc for
 * value (0..100, NaN: none), number (e.g. "72.5") in its centre and an
 * optional caption below, placed by align. */
ra_status_t ra_graphics_gauge(ra_layout_t *lo, double value, const char *number,
                              const char *caption, ra_rgb_t color, double diameter,
                              ra_align_t align);

/* Draws the gauge of ra_graphics_gauge (without caption) centred on
 * (cx, cy) straight away; for header/footer and custom callbacks. */
ra_status_t ra_graphics_draw_gauge(ra_pdf_t *pdf, double cx, double cy, double r, double value,
                                   const char *number, ra_rgb_t color);

#endif
