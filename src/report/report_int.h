/* report_int.h - what the report's section modules share: the context they
 * write into, the palette, and small formatting helpers. Private to report*.c. */
#ifndef RA_REPORT_INT_H
#define RA_REPORT_INT_H

#include "base/arena.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "report/graphics.h"
#include "report/report.h"

/* One report in the making. Sections append blocks to lo. */
typedef struct {
    const ra_report_input_t *in;
    const ra_checklist_t *cl;
    const ra_record_t *rec;
    const ra_score_t *s;
    ra_pdf_t *pdf;
    ra_layout_t *lo;
    ra_integrity_t integrity;
    char score_text[16];
    int *layer_anchor; /* per layer: anchor of its section (0: none) */
    ra_buf_t tmp;      /* scratch for formatting; sections clear it before use */
    ra_arena_t arena;  /* what callbacks need until the layout is finished */
} report_t;

/* The palette: Okabe-Ito hues, distinguishable with colour-blindness, and
 * status always printed as words too, so greyscale print loses nothing. */
extern const ra_rgb_t RA_C_TEXT, RA_C_MUTED, RA_C_GOOD, RA_C_WARN, RA_C_BAD, RA_C_NEUTRAL,
    RA_C_GOOD_TINT, RA_C_WARN_TINT, RA_C_BAD_TINT, RA_C_NEUTRAL_TINT, RA_C_PANEL;

/* Colour and tint of a verdict, a result, a score against thresholds. */
ra_rgb_t report_verdict_color(ra_verdict_t v);
const ra_rgb_t *report_verdict_tint(ra_verdict_t v);
const ra_rgb_t *report_status_tint(const ra_check_score_t *cs);
ra_rgb_t report_score_color(const ra_profile_t *p, bool has, double score);

/* The label of a checked result as printed: "Pass", "Partial",
 * "Pass (unevidenced)", "Fail", "Not applicable", "Not assessed". */
const char *report_status_label(const ra_check_score_t *cs);

/* The same in running text: "partial", "not assessed", "unevidenced pass". */
const char *report_status_word(const ra_check_score_t *cs);

/* "s" unless n is 1, for plurals in running text. */
const char *report_s(size_t n);

/* A date as YYYY-MM-DD in a static-free way: out holds 11 bytes. */
void report_date(ra_date_t d, char out[11]);

/* printf into the scratch buffer (cleared first); returns its text, valid
 * until the next call. */
const char *report_fmt(report_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sections, in their default order. Each appends its blocks. */
ra_status_t report_cover(report_t *r);
ra_status_t report_contents(report_t *r);
ra_status_t report_summary(report_t *r);
ra_status_t report_overview(report_t *r);
ra_status_t report_layers(report_t *r);
ra_status_t report_actions(report_t *r);
ra_status_t report_risks(report_t *r);
ra_status_t report_signoff(report_t *r);
ra_status_t report_methodology(report_t *r);
ra_status_t report_evidence(report_t *r);
ra_status_t report_integrity(report_t *r);

#endif
