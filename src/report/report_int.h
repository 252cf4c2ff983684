/* report_int.h - what the report's section modules share: the context they
 * write into and small formatting helpers (the palette and labels are in
 * style.h). Private to report*.c. */
#ifndef RA_REPORT_INT_H
#define RA_REPORT_INT_H

#include "base/arena.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "report/graphics.h"
#include "report/report.h"
#include "report/style.h"

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
    ra_rung_t *ladder; /* the record at every profile (ra_score_ladder) */
    ra_buf_t tmp;      /* scratch for formatting; sections clear it before use */
    ra_arena_t arena;  /* what callbacks need until the layout is finished */
} report_t;

/* "s" unless n is 1, for plurals in running text. */
const char *report_s(size_t n);

/* printf into the scratch buffer (cleared first); returns its text, valid
 * until the next call. */
const char *report_fmt(report_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends to out whom or what finding f concerns: the check ("SEC-04"), or
 * the approver and role of the approval on its line ("Ann Lee as Owner");
 * nothing when it concerns the whole record. */
void report_finding_subject(const report_t *r, const ra_finding_t *f, ra_buf_t *out);

/* The approval score of the approval on the record's line, or NULL. */
const ra_approval_score_t *report_approval_at(const report_t *r, long line);

/* Appends to out, in words, the remediations that are overdue and the risk
 * acceptances that have expired (each covers nothing), with check and date;
 * nothing when there are none. */
void report_overdue_text(const report_t *r, ra_buf_t *out);

/* Sections, in their default order. Each appends its blocks. */
ra_status_t report_cover(report_t *r);
ra_status_t report_contents(report_t *r);
ra_status_t report_summary(report_t *r);
/* report --previous only (in->diff): what changed since the previous assessment. */
ra_status_t report_changes(report_t *r);
ra_status_t report_overview(report_t *r);
ra_status_t report_layers(report_t *r);
ra_status_t report_actions(report_t *r);
ra_status_t report_risks(report_t *r);
ra_status_t report_signoff(report_t *r);
ra_status_t report_methodology(report_t *r);
ra_status_t report_evidence(report_t *r);
ra_status_t report_integrity(report_t *r);

#endif
