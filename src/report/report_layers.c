/* report_layers.c - the layer overview table and one section per layer:
 * its checks with status and evidence, then its gaps and how they close. */
#include <stdio.h>
#include <string.h>

#include "report/report_int.h"

ra_status_t report_overview(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_status_t rc = ra_layout_heading(r->lo, 1, "Layer overview", RA_HEADING_NEW_PAGE, NULL);
    if (rc == RA_OK)
        rc = ra_layout_paragraph(r->lo, NULL,
                                 "Each layer is the gap between a prototype question and a "
                                 "production one. The score says how far this system answers the "
                                 "production question at its profile.");
    const ra_column_t cols[] = {
        {"Layer", 2.6, RA_ALIGN_LEFT},
        {"Prototype question", 3.2, RA_ALIGN_LEFT},
        {"Production question", 3.6, RA_ALIGN_LEFT},
        {"Score", 1.2, RA_ALIGN_RIGHT},
        {"Checks", 1.2, RA_ALIGN_RIGHT},
        {"Gaps", 1, RA_ALIGN_RIGHT},
    };
    if (rc == RA_OK)
        rc = ra_layout_table_begin(r->lo, NULL, cols, 6);
    for (size_t l = 0; l < s->nlayers && rc == RA_OK; l++) {
        const ra_layer_score_t *ls = &s->layers[l];
        char sc[16], n[16], g[16];
        ra_score_format(ls->has_score, ls->score, sc);
        snprintf(n, sizeof n, "%zu", ls->applicable);
        snprintf(g, sizeof g, "%zu", ls->gaps);
        ra_rgb_t col = ra_style_score_color(s->profile, ls->has_score, ls->score);
        ra_cell_t cells[] = {
            {ls->layer->name, RA_FACE_BOLD, NULL, NULL, r->layer_anchor[l], 0},
            {ls->layer->prototype_question, RA_FACE_ITALIC, &RA_C_MUTED, NULL, 0, 0},
            {ls->layer->production_question, RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {sc, RA_FACE_BOLD, &col, NULL, 0, 0},
            {n, RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {g, RA_FACE_REGULAR, NULL, NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

/* Evidence and notes of a result as one cell's text. */
static void evidence_text(const ra_result_t *res, ra_buf_t *b)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->nevidence; i++) {
        const ra_evidence_t *e = &res->evidence[i];
        ra_buf_printf(b, "%s[%s] %s%s%s", b->len ? "\n" : "", ra_evidence_kind_name(e->kind),
                      e->ref ? e->ref : "", e->ref && *e->text ? ": " : "", e->text);
    }
    if (res->note)
        ra_buf_printf(b, "%sNote: %s", b->len ? "\n" : "", res->note);
    if (res->justification)
        ra_buf_printf(b, "%sWhy not applicable: %s", b->len ? "\n" : "", res->justification);
}

/* The checks of one layer that apply to the profile. */
static ra_status_t layer_checks(report_t *r, const ra_layer_score_t *ls)
{
    const ra_column_t cols[] = {
        {"Check", 1.7, RA_ALIGN_LEFT},
        {"Requirement", 4.4, RA_ALIGN_LEFT},
        {"W", 0.5, RA_ALIGN_CENTER},
        {"Result", 1.8, RA_ALIGN_LEFT},
        {"Evidence and notes", 4.6, RA_ALIGN_LEFT},
    };
    ra_status_t rc = ra_layout_table_begin(r->lo, NULL, cols, 5);
    ra_buf_t req = RA_BUF_INIT, ev = RA_BUF_INIT;
    for (size_t i = 0; i < ls->layer->ncheck && rc == RA_OK; i++) {
        const ra_check_score_t *cs = &r->s->checks[ls->layer->first_check + i];
        if (!cs->applicable)
            continue;
        ra_buf_clear(&req);
        ra_buf_clear(&ev);
        ra_buf_printf(&req, "%s%s\n%s", cs->check->title, cs->check->gate ? " (gate)" : "",
                      cs->check->question);
        evidence_text(cs->result, &ev);
        if (!ev.len)
            ra_buf_puts(&ev, cs->status == RA_RESULT_NOT_ASSESSED ? "No result recorded" : "None");
        char w[4];
        snprintf(w, sizeof w, "%d", cs->check->weight);
        ra_cell_t cells[] = {
            {cs->check->id, RA_FACE_BOLD, NULL, NULL, 0, 0},
            {ra_buf_str(&req), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {w, RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {cs->unevidenced ? "Pass (unevidenced)" : ra_style_status_label(cs), RA_FACE_BOLD, NULL,
             ra_style_status_tint(cs), 0, 0},
            {ra_buf_str(&ev), RA_FACE_REGULAR, NULL, NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    ra_buf_free(&req);
    ra_buf_free(&ev);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

/* How a gap closes: its remediation and its risk acceptance, flagged. */
static void gap_plan(const ra_check_score_t *cs, ra_buf_t *b)
{
    const ra_result_t *res = cs->result;
    char d[11];
    if (res && res->remediation) {
        ra_style_date(res->remediation->due, d);
        ra_buf_printf(b, "Remediation: %s\nOwner: %s \xC2\xB7 due %s%s", res->remediation->text,
                      res->remediation->owner, d, cs->overdue ? " \xE2\x80\x94 OVERDUE" : "");
    } else
        ra_buf_printf(b, "No remediation recorded.%s%s",
                      cs->check->remediation ? " Suggested: " : "",
                      cs->check->remediation ? cs->check->remediation : "");
    if (res && res->risk) {
        ra_style_date(res->risk->expires, d);
        ra_buf_printf(b, "\nRisk accepted by %s (%s) until %s%s: %s", res->risk->by,
                      res->risk->role, d, cs->risk_expired ? " \xE2\x80\x94 EXPIRED" : "",
                      res->risk->text);
    }
}

/* The gaps of one layer: what is missing, and who closes it by when. */
static ra_status_t layer_gaps(report_t *r, const ra_layer_score_t *ls)
{
    ra_status_t rc =
        ra_layout_heading(r->lo, 3, report_fmt(r, "Gaps in %s (%zu)", ls->layer->name, ls->gaps),
                          RA_HEADING_NO_TOC | RA_HEADING_NO_OUTLINE, NULL);
    if (rc != RA_OK)
        return rc;
    if (ls->gaps == 0)
        return ra_layout_paragraph(r->lo, NULL,
                                   "None: every applicable check in this layer passes.");
    const ra_column_t cols[] = {
        {"Check", 1.7, RA_ALIGN_LEFT},
        {"What good looks like", 5, RA_ALIGN_LEFT},
        {"Plan", 5.3, RA_ALIGN_LEFT},
    };
    rc = ra_layout_table_begin(r->lo, NULL, cols, 3);
    ra_buf_t good = RA_BUF_INIT, plan = RA_BUF_INIT;
    for (size_t i = 0; i < ls->layer->ncheck && rc == RA_OK; i++) {
        const ra_check_score_t *cs = &r->s->checks[ls->layer->first_check + i];
        if (!cs->gap)
            continue;
        ra_buf_clear(&good);
        ra_buf_clear(&plan);
        ra_buf_printf(&good, "%s: %s", ra_style_status_label(cs), cs->check->guidance);
        gap_plan(cs, &plan);
        bool flagged = cs->overdue || cs->risk_expired;
        ra_cell_t cells[] = {
            {cs->check->id, RA_FACE_BOLD, NULL, NULL, 0, 0},
            {ra_buf_str(&good), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {ra_buf_str(&plan), RA_FACE_REGULAR, NULL, flagged ? &RA_C_BAD_TINT : NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    ra_buf_free(&good);
    ra_buf_free(&plan);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

ra_status_t report_layers(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_status_t rc = ra_layout_heading(r->lo, 1, "Findings by layer", RA_HEADING_NEW_PAGE, NULL);
    for (size_t l = 0; l < s->nlayers && rc == RA_OK; l++) {
        const ra_layer_score_t *ls = &s->layers[l];
        char sc[16];
        ra_score_format(ls->has_score, ls->score, sc);
        if (l > 0)
            rc = ra_layout_space(r->lo, 10);
        if (rc == RA_OK)
            rc = ra_layout_heading(r->lo, 2,
                                   report_fmt(r, "%s \xE2\x80\x94 %s", ls->layer->name, sc), 0,
                                   &r->layer_anchor[l]);
        if (rc != RA_OK)
            break;
        ra_style_t q = ra_layout_style(r->lo);
        q.face = RA_FACE_ITALIC;
        q.color = RA_C_MUTED;
        rc = ra_layout_paragraph(
            r->lo, &q,
            report_fmt(r,
                       "Prototype question: %s  Production question: %s  Layer weight %g; %zu "
                       "applicable check%s, %zu gap%s.",
                       ls->layer->prototype_question, ls->layer->production_question, ls->weight,
                       ls->applicable, report_s(ls->applicable), ls->gaps, report_s(ls->gaps)));
        if (rc != RA_OK)
            break;
        if (ls->applicable == 0) {
            rc = ra_layout_paragraph(r->lo, NULL,
                                     report_fmt(r,
                                                "No check of this layer applies "
                                                "to the %s profile.",
                                                s->profile->name));
            continue;
        }
        rc = layer_checks(r, ls);
        if (rc == RA_OK)
            rc = layer_gaps(r, ls);
    }
    return rc;
}
