/* coverage.c - the record's text against the font chain, before the report
 * is laid out: one diagnostic per field that loses characters. */
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/vec.h"
#include "pdf/pdf.h"
#include "report/report.h"

/* The walk over a record's fields: what was found so far. */
typedef struct {
    const ra_pdf_fonts_t *fonts;
    ra_record_t *rec;
    ra_diag_sink_t *sink;
    bool strict;
    ra_text_warning_t *v;
    size_t n, cap;
    ra_status_t st;
} check_t;

/* Appends how code point cp is named in a message: "U+E000 (x)", with
 * what it is instead of itself where it would not show. */
static void put_cp(ra_buf_t *b, uint32_t cp)
{
    const char *why = ra_pdf_unprintable(cp);
    if (cp == RA_UTF8_INVALID) {
        ra_buf_puts(b, why);
        return;
    }
    ra_buf_printf(b, "U+%04X (", (unsigned)cp);
    if (why) {
        ra_buf_puts(b, why);
    } else {
        char u[4];
        ra_buf_append(b, u, ra_utf8_encode(cp, u));
    }
    ra_buf_putc(b, ')');
}

/* Checks one field's text; lists it and says so when it loses characters. */
static void field(check_t *c, const char *what, long line, const char *text)
{
    if (!text || c->st == RA_ERR_NOMEM)
        return;
    uint32_t cps[RA_TEXT_CPS_MAX];
    size_t n = ra_pdf_fonts_missing(c->fonts, text, strlen(text), cps, RA_TEXT_CPS_MAX);
    if (n == 0)
        return;
    if (RA_VEC_RESERVE(c->v, c->n, c->cap, 8) != RA_OK) {
        c->st = RA_ERR_NOMEM;
        return;
    }
    ra_text_warning_t *w = &c->v[c->n++];
    size_t shown = n < RA_TEXT_CPS_MAX ? n : RA_TEXT_CPS_MAX;
    *w = (ra_text_warning_t){.field = what, .line = line ? line : c->rec->line, .ncps = n};
    memcpy(w->cps, cps, shown * sizeof *cps);
    ra_buf_t msg = RA_BUF_INIT;
    ra_buf_printf(&msg, "%s: ", what);
    for (size_t i = 0; i < shown; i++) {
        if (i)
            ra_buf_puts(&msg, ", ");
        put_cp(&msg, cps[i]);
    }
    if (n > shown)
        ra_buf_printf(&msg, " and %zu more", n - shown);
    ra_buf_printf(&msg, " %s no glyph in the font chain; drawn as U+FFFD", n == 1 ? "has" : "have");
    if (ra_buf_failed(&msg))
        c->st = RA_ERR_NOMEM;
    else if (c->sink)
        ra_diag(c->sink, c->strict ? RA_DIAG_ERROR : RA_DIAG_WARNING, c->rec->path, w->line, "%s",
                ra_buf_str(&msg));
    ra_buf_free(&msg);
}

ra_status_t ra_report_check_text(const ra_pdf_fonts_t *fonts, ra_record_t *rec,
                                 ra_diag_sink_t *sink, bool strict)
{
    check_t c = {.fonts = fonts, .rec = rec, .sink = sink, .strict = strict};
    /* In record order, as the lines of the diagnostics go. */
    field(&c, "record id", rec->line, rec->id);
    field(&c, "system name", rec->system_name_line, rec->system_name);
    field(&c, "organisation", rec->organisation_line, rec->organisation);
    field(&c, "unit", rec->unit_line, rec->unit);
    for (size_t i = 0; i < rec->nassessors; i++) {
        const ra_assessor_t *a = &rec->assessors[i];
        field(&c, "assessor name", a->line, a->name);
        field(&c, "assessor role", a->line, a->role);
    }
    for (size_t i = 0; i < rec->nresults; i++) {
        const ra_result_t *r = &rec->results[i];
        for (size_t k = 0; k < r->nevidence; k++) {
            field(&c, "evidence reference", r->evidence[k].line, r->evidence[k].ref);
            field(&c, "evidence text", r->evidence[k].line, r->evidence[k].text);
        }
        /* The record's own order of note, justification, remediation and
         * risk acceptance may differ; each says its own line. */
        field(&c, "note", r->note_line, r->note);
        field(&c, "justification", r->justification_line, r->justification);
        if (r->remediation) {
            field(&c, "remediation owner", r->remediation->line, r->remediation->owner);
            field(&c, "remediation text", r->remediation->line, r->remediation->text);
        }
        if (r->risk) {
            field(&c, "risk acceptor name", r->risk->line, r->risk->by);
            field(&c, "risk acceptance justification", r->risk->line, r->risk->text);
        }
    }
    for (size_t i = 0; i < rec->napprovals; i++) {
        const ra_approval_t *a = &rec->approvals[i];
        field(&c, "approver name", a->line, a->name);
        field(&c, "approval comment", a->line, a->comment);
        for (size_t k = 0; k < a->nconditions; k++)
            field(&c, "approval condition", a->condition_lines[k], a->conditions[k]);
    }
    ra_status_t st = c.st;
    if (st == RA_OK && c.n) {
        rec->text_warnings = ra_arena_alloc(&rec->arena, c.n * sizeof *c.v);
        if (rec->text_warnings) {
            memcpy(rec->text_warnings, c.v, c.n * sizeof *c.v);
            rec->ntext_warnings = c.n;
        } else {
            st = RA_ERR_NOMEM;
        }
    }
    free(c.v);
    rec->text_checked = st == RA_OK;
    if (st == RA_OK && strict && rec->ntext_warnings)
        st = RA_ERR_GLYPHS;
    return st;
}
