/* report_front.c - the cover, the contents list and the one-page executive summary. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/load.h"
#include "format/format.h"
#include "report/report_int.h"

/* The assessors as "Name (role), Name (role)". */
static const char *assessor_list(report_t *r)
{
    ra_buf_clear(&r->tmp);
    for (size_t i = 0; i < r->rec->nassessors; i++)
        ra_buf_printf(&r->tmp, "%s%s (%s)", i ? ", " : "", r->rec->assessors[i].name,
                      r->rec->assessors[i].role);
    return ra_buf_str(&r->tmp);
}

/* The letterhead at the top of a cover with a logo: the template's logo,
 * LOGO_HEIGHT high, and beside it the issuer and the confidentiality label. */
#define LOGO_HEIGHT 40.0
#define LOGO_GAP 12.0 /* between the logo and the text */
#define LETTERHEAD_SIZE 9.0

typedef struct {
    const ra_template_t *t;
    const char *issuer, *confidentiality; /* NULL: logo only */
} letterhead_t;

/* Returns the logo's width and height in points at the letterhead's height,
 * narrowed (aspect ratio kept) to at most max_w. */
static void logo_size(const ra_template_t *t, double max_w, double *w, double *h)
{
    *h = LOGO_HEIGHT;
    *w = *h * t->logo_width / t->logo_height;
    if (*w > max_w) {
        *h *= max_w / *w;
        *w = max_w;
    }
}

/* Draws the letterhead into box: the logo at the top left, the texts (one
 * line each, already known to fit) beside it, centred on the logo. */
static ra_status_t draw_letterhead(void *ctx, ra_pdf_t *pdf, const ra_rect_t *box)
{
    const letterhead_t *lh = ctx;
    double w, h;
    logo_size(lh->t, box->w * 0.6, &w, &h);
    ra_status_t st = ra_pdf_image(pdf, lh->t->logo_png, lh->t->logo_len, box->x, box->y, w, h);
    if (st != RA_OK || !lh->issuer)
        return st;
    double line = LETTERHEAD_SIZE * 1.6, lines = lh->confidentiality ? 2 : 1;
    ra_rect_t text = {box->x + w + LOGO_GAP, box->y + (h - lines * line) / 2, box->w - w - LOGO_GAP,
                      line};
    st = ra_layout_draw_line(pdf, &text, RA_FACE_BOLD, LETTERHEAD_SIZE, RA_C_MUTED, RA_ALIGN_LEFT,
                             lh->issuer);
    text.y += line;
    if (st == RA_OK && lh->confidentiality)
        st = ra_layout_draw_line(pdf, &text, RA_FACE_REGULAR, LETTERHEAD_SIZE, RA_C_MUTED,
                                 RA_ALIGN_LEFT, lh->confidentiality);
    return st;
}

/* Appends the top of the cover: the issuer and the confidentiality label,
 * beside the template's logo when there is one (below it when they are too
 * long for one line each), then white space (less when the cover is busy). */
static ra_status_t cover_letterhead(report_t *r, const char *issuer, bool busy)
{
    const ra_template_t *t = r->in->tmpl;
    ra_layout_t *lo = r->lo;
    ra_status_t rc = RA_OK;
    bool beside = false;
    if (t->logo_png && t->logo_width && t->logo_height) {
        letterhead_t *lh = ra_arena_alloc(&r->arena, sizeof *lh);
        if (!lh)
            return RA_ERR_NOMEM;
        double body_w = ra_layout_body_width(lo), w, h;
        logo_size(t, body_w * 0.6, &w, &h);
        double room = body_w - w - LOGO_GAP;
        const char *conf = t->confidentiality;
        beside = ra_pdf_text_width(r->pdf, RA_FACE_BOLD, LETTERHEAD_SIZE, issuer, strlen(issuer)) <=
                     room &&
                 (!conf || ra_pdf_text_width(r->pdf, RA_FACE_REGULAR, LETTERHEAD_SIZE, conf,
                                             strlen(conf)) <= room);
        *lh = (letterhead_t){t, beside ? issuer : NULL, beside ? conf : NULL};
        rc = ra_layout_custom(lo, LOGO_HEIGHT, draw_letterhead, lh);
    }
    if (!beside) {
        ra_style_t small = ra_layout_style(lo);
        small.face = RA_FACE_BOLD;
        small.color = RA_C_MUTED;
        small.size = LETTERHEAD_SIZE;
        if (rc == RA_OK)
            rc = ra_layout_paragraph(lo, &small, issuer);
        if (rc == RA_OK && t->confidentiality) {
            small.face = RA_FACE_REGULAR;
            rc = ra_layout_paragraph(lo, &small, t->confidentiality);
        }
    }
    /* The letterhead is as tall as the two paragraphs and less white space
     * would be, so that the cover's details stay on the cover. */
    if (rc == RA_OK)
        rc = ra_layout_space(lo, (beside ? 24 : 36) - (busy ? 12 : 0));
    return rc;
}

ra_status_t report_cover(report_t *r)
{
    const ra_template_t *t = r->in->tmpl;
    const ra_record_t *rec = r->rec;
    const ra_score_t *s = r->s;
    ra_layout_t *lo = r->lo;
    ra_style_t st = ra_layout_style(lo);
    ra_status_t rc = RA_OK;

    /* A cover that also names late items and approvals that do not count
     * has less white space, so that its details stay on the cover. */
    size_t placeholders = ra_record_placeholders(rec, NULL);
    bool busy = s->overdue || s->risks_expired || placeholders;
    for (size_t i = 0; i < s->nfindings; i++)
        busy |= !s->findings[i].check && report_approval_at(r, s->findings[i].line);
    rc = cover_letterhead(r, t->organisation ? t->organisation : rec->organisation, busy);

    ra_style_t kicker = st;
    kicker.size = 12;
    kicker.color = RA_C_MUTED;
    if (rc == RA_OK)
        rc = ra_layout_paragraph(lo, &kicker, r->cl->title);
    if (rc == RA_OK)
        rc = ra_layout_mark(lo, 1, "Cover", RA_HEADING_NO_TOC, NULL);
    ra_style_t title = st;
    title.face = RA_FACE_BOLD;
    /* A long system name must not push the cover's details onto a page of
     * their own. */
    size_t name_len = strlen(rec->system_name);
    title.size = name_len > 120 ? 14 : name_len > 60 ? 18 : 26;
    title.space_after = 6;
    if (rc == RA_OK)
        rc = ra_layout_paragraph(lo, &title, rec->system_name);
    ra_style_t sub = st;
    sub.size = 13;
    if (rc == RA_OK)
        rc = ra_layout_paragraph(lo, &sub,
                                 rec->unit
                                     ? report_fmt(r, "%s \xC2\xB7 %s", rec->organisation, rec->unit)
                                     : rec->organisation);
    if (rc == RA_OK)
        rc = ra_layout_space(lo, busy ? 8 : 18);

    /* Score gauge and verdict, the two things a reader looks for first. */
    char caption[128];
    snprintf(caption, sizeof caption, "Maturity score \xC2\xB7 %s", s->has_score ? s->band : "n/a");
    /* With --previous, the change since then beside the score. */
    const ra_diff_t *d = r->in->diff;
    if (d) {
        char delta[16], date[11];
        ra_delta_format(d->has_delta, d->score_delta, delta);
        ra_style_date(d->old->record->assessed_on, date);
        size_t len = strlen(caption);
        snprintf(caption + len, sizeof caption - len, " \xC2\xB7 %s since %s", delta, date);
    }
    if (rc == RA_OK)
        rc = ra_graphics_gauge(lo, s->has_score ? s->score : NAN, r->score_text, caption,
                               ra_style_score_color(s->profile, s->has_score, s->score), 130,
                               RA_ALIGN_LEFT);
    if (rc == RA_OK)
        rc = ra_layout_space(lo, 12);
    /* The verdict's reason, then what is late: overdue remediations and
     * expired acceptances cover nothing, so the cover names them. */
    ra_buf_t why = RA_BUF_INIT;
    ra_buf_puts(&why, ra_buf_str(&s->verdict_reason));
    if (s->overdue || s->risks_expired) {
        ra_buf_puts(&why, "\n");
        report_overdue_text(r, &why);
    }
    if (rc == RA_OK)
        rc = ra_graphics_callout(lo, report_fmt(r, "Verdict: %s", ra_verdict_label(s->verdict)),
                                 ra_buf_str(&why), *ra_style_verdict_tint(s->verdict),
                                 ra_style_verdict_color(s->verdict));
    ra_buf_free(&why);
    size_t met = 0;
    for (size_t i = 0; i < s->nroles; i++)
        met += s->roles[i].state == RA_ROLE_MET;
    if (rc == RA_OK) {
        ra_buf_t text = RA_BUF_INIT;
        if (s->signoff == RA_SIGNOFF_NOT_REQUIRED)
            ra_buf_printf(&text,
                          "The %s profile requires no sign-off, so this report is final "
                          "without approvals.",
                          s->profile->name);
        else
            ra_buf_printf(&text,
                          "%zu of %zu required approvals recorded on or after the assessment "
                          "date.",
                          met, s->nroles);
        if (s->signoff == RA_SIGNOFF_DRAFT)
            ra_buf_puts(&text, " Until every required role approves, this report is a draft.");
        else if (s->signoff == RA_SIGNOFF_REJECTED)
            ra_buf_puts(&text, " An approver rejected the assessment.");
        /* Approvals the rules do not count, in words: why the roles are unmet. */
        for (size_t i = 0; i < s->nfindings; i++) {
            const ra_finding_t *f = &s->findings[i];
            if (f->check || !report_approval_at(r, f->line))
                continue;
            ra_buf_printf(&text, " %s: ", ra_style_rule_phrase(f->rule));
            report_finding_subject(r, f, &text);
            ra_buf_puts(&text, ".");
        }
        rc = ra_graphics_callout(lo, report_fmt(r, "Sign-off: %s", ra_signoff_label(s->signoff)),
                                 ra_buf_str(&text), *ra_style_signoff_tint(s->signoff),
                                 ra_style_signoff_color(s->signoff));
        ra_buf_free(&text);
    }
    if (rc == RA_OK)
        rc = ra_layout_space(lo, 12);

    char date[11];
    ra_style_date(rec->assessed_on, date);
    ra_buf_t assessors = RA_BUF_INIT;
    ra_buf_puts(&assessors, assessor_list(r));
    ra_kv_t rows[] = {
        {"Profile", report_fmt(r, "%s (%s)", s->profile->name, s->profile->id), 0, 0},
        {"Assessed on", date, 0, 0},
        {"Assessors", ra_buf_str(&assessors), 0, 0},
        {"Record ID", rec->id, 0, 0},
        {"Checklist", NULL, 0, 0},
        {"Report ID", r->integrity.report_id, 0, 0},
    };
    ra_buf_t prof = RA_BUF_INIT, cl = RA_BUF_INIT;
    ra_buf_puts(&prof, rows[0].value);
    rows[0].value = ra_buf_str(&prof);
    ra_buf_printf(&cl, "%s %s (%s)", r->cl->title, r->cl->version, r->cl->id);
    rows[4].value = ra_buf_str(&cl);
    if (rc == RA_OK)
        rc = ra_layout_kv(lo, rows, sizeof rows / sizeof *rows, 0.25);
    /* A record still holding what `init` wrote is not finished: say so. */
    if (rc == RA_OK && placeholders) {
        ra_style_t warn = st;
        warn.size = 10;
        warn.face = RA_FACE_BOLD;
        warn.color = RA_C_BAD;
        rc = ra_layout_space(lo, 8);
        if (rc == RA_OK)
            rc = ra_layout_paragraph(
                lo, &warn,
                report_fmt(r,
                           "The record still holds %zu placeholder%s written by readyaudit init "
                           "(such as \"%s\"): it is not filled in.",
                           placeholders, placeholders == 1 ? "" : "s",
                           strcmp(rec->id, RA_PLACEHOLDER_ID) == 0 ? RA_PLACEHOLDER_ID
                           : strcmp(rec->system_name, RA_PLACEHOLDER_SYSTEM) == 0
                               ? RA_PLACEHOLDER_SYSTEM
                           : strcmp(rec->organisation, RA_PLACEHOLDER_ORGANISATION) == 0
                               ? RA_PLACEHOLDER_ORGANISATION
                               : RA_PLACEHOLDER_ASSESSOR));
    }
    ra_buf_free(&assessors);
    ra_buf_free(&prof);
    ra_buf_free(&cl);
    return rc;
}

ra_status_t report_contents(report_t *r)
{
    ra_status_t rc = ra_layout_page_break(r->lo);
    if (rc == RA_OK && r->in->tmpl->introduction) {
        rc = ra_layout_heading(r->lo, 2, "About this report",
                               RA_HEADING_NO_TOC | RA_HEADING_NO_OUTLINE, NULL);
        if (rc == RA_OK)
            rc = ra_layout_paragraph(r->lo, NULL, r->in->tmpl->introduction);
    }
    if (rc == RA_OK)
        rc = ra_layout_contents(r->lo, "Contents", 2);
    return rc;
}

/* The table style of the one-page summary: a point smaller than elsewhere. */
static ra_table_style_t compact(const report_t *r)
{
    ra_table_style_t ts = ra_layout_table_style(r->lo);
    ts.font_size = 8;
    return ts;
}

/* The profile ladder (r->ladder): the record's score and verdict at every
 * profile, its own profile highlighted. */
static ra_status_t profile_ladder(report_t *r)
{
    const ra_column_t cols[] = {
        {"Profile", 3, RA_ALIGN_LEFT},     {"Checks", 1.3, RA_ALIGN_RIGHT},
        {"Ready at", 1.3, RA_ALIGN_RIGHT}, {"Score", 1.2, RA_ALIGN_RIGHT},
        {"Gaps", 1, RA_ALIGN_RIGHT},       {"Verdict", 3, RA_ALIGN_LEFT},
    };
    ra_table_style_t ts = compact(r);
    ra_status_t rc = ra_layout_table_begin(r->lo, &ts, cols, 6);
    for (size_t p = 0; p < r->cl->nprofiles && rc == RA_OK; p++) {
        const ra_rung_t *rung = &r->ladder[p];
        bool own = rung->profile == r->s->profile;
        char sc[16], n[16], ready[16], gaps[16];
        ra_score_format(rung->has_score, rung->score, sc);
        snprintf(n, sizeof n, "%zu", rung->applicable);
        snprintf(ready, sizeof ready, "%g", rung->profile->ready);
        snprintf(gaps, sizeof gaps, "%zu", rung->gaps);
        ra_face_t face = own ? RA_FACE_BOLD : RA_FACE_REGULAR;
        const ra_rgb_t *fill = own ? &RA_C_PANEL : NULL;
        ra_cell_t cells[] = {
            {report_fmt(r, "%s%s", rung->profile->name, own ? " (assessed)" : ""), face, NULL, fill,
             0, 0},
            {n, face, NULL, fill, 0, 0},
            {ready, face, NULL, fill, 0, 0},
            {sc, face, NULL, fill, 0, 0},
            {gaps, face, NULL, fill, 0, 0},
            {ra_verdict_label(rung->verdict), RA_FACE_BOLD, NULL,
             ra_style_verdict_tint(rung->verdict), 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

/* The chart's heading with --previous: what its ticks mark. */
static const char *previous_caption(report_t *r)
{
    char date[11];
    ra_style_date(r->in->diff->old->record->assessed_on, date);
    return report_fmt(r,
                      "Layer scores against the thresholds; ticks mark the previous assessment "
                      "(%s)",
                      date);
}

/* The layer chart against the profile's thresholds. */
static ra_status_t layer_chart(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_bar_t *bars = calloc(s->nlayers ? s->nlayers : 1, sizeof *bars);
    char(*vals)[48] = calloc(s->nlayers ? s->nlayers : 1, sizeof *vals);
    const ra_diff_t *d = r->in->diff;
    ra_status_t rc = RA_ERR_NOMEM;
    if (bars && vals) {
        for (size_t l = 0; l < s->nlayers; l++) {
            const ra_layer_score_t *ls = &s->layers[l];
            ra_score_format(ls->has_score, ls->score, vals[l]);
            /* With --previous: the previous score marked on the bar and named beside it. */
            if (d && d->layers[l].has_old) {
                char was[16];
                ra_score_format(true, d->layers[l].old, was);
                size_t len = strlen(vals[l]);
                snprintf(vals[l] + len, sizeof vals[l] - len, " (was %s)", was);
                bars[l].has_previous = true;
                bars[l].previous = d->layers[l].old;
            }
            bars[l].label = ls->layer->name;
            bars[l].value = ls->has_score ? ls->score : -1;
            bars[l].value_text = vals[l];
            bars[l].fill = ra_style_score_color(s->profile, ls->has_score, ls->score);
        }
        char ready[32], cond[32];
        snprintf(ready, sizeof ready, "ready %g", s->profile->ready);
        snprintf(cond, sizeof cond, "conditional %g", s->profile->conditional);
        ra_threshold_t th[] = {{s->profile->conditional, cond, RA_C_WARN},
                               {s->profile->ready, ready, RA_C_GOOD}};
        rc = ra_graphics_bar_chart(r->lo, bars, s->nlayers, th, 2);
    }
    free(bars);
    free(vals);
    return rc;
}

/* The top gaps, most important first. */
static ra_status_t top_gaps(report_t *r, size_t max)
{
    size_t *idx = calloc(max, sizeof *idx);
    if (!idx)
        return RA_ERR_NOMEM;
    size_t n = ra_score_gaps_by_priority(r->s, idx, max);
    ra_status_t rc = RA_OK;
    if (n == 0) {
        rc = ra_layout_paragraph(r->lo, NULL, "No gaps: every applicable check passes.");
        free(idx);
        return rc;
    }
    const ra_column_t cols[] = {{"Check", 1.7, RA_ALIGN_LEFT},
                                {"Gap", 5.7, RA_ALIGN_LEFT},
                                {"Result", 2.0, RA_ALIGN_LEFT},
                                {"Plan", 4.3, RA_ALIGN_LEFT}};
    ra_table_style_t ts = compact(r);
    rc = ra_layout_table_begin(r->lo, &ts, cols, 4);
    for (size_t i = 0; i < n && rc == RA_OK; i++) {
        const ra_check_score_t *cs = &r->s->checks[idx[i]];
        ra_buf_t plan = RA_BUF_INIT;
        if (cs->risk_accepted) {
            char d[11];
            ra_style_date(cs->result->risk->expires, d);
            ra_buf_printf(&plan, "Risk accepted to %s", d);
        } else if (cs->remediation) {
            char d[11];
            ra_style_date(cs->result->remediation->due, d);
            ra_buf_printf(&plan, "Due %s%s, %s", d, cs->overdue ? " (OVERDUE)" : "",
                          cs->result->remediation->owner);
        } else
            ra_buf_puts(&plan, "No plan recorded");
        ra_cell_t cells[] = {
            {cs->check->id, RA_FACE_BOLD, NULL, NULL, r->layer_anchor[cs->check->layer], 0},
            {cs->check->title, RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {cs->unevidenced ? "Unevidenced" : ra_style_status_label(cs), RA_FACE_REGULAR, NULL,
             ra_style_status_tint(cs), 0, 0},
            {ra_buf_str(&plan), cs->overdue ? RA_FACE_BOLD : RA_FACE_REGULAR,
             cs->overdue ? &RA_C_BAD : NULL, NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
        ra_buf_free(&plan);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    free(idx);
    return rc;
}

/* Appends the findings of the governance rules other than overdue and
 * expired (report_overdue_text names those), grouped by rule in the
 * auditor's words:
 * "Approval by an assessor is not independent: Ann Lee as Owner." */
static void summary_findings(report_t *r, ra_buf_t *out)
{
    const ra_score_t *s = r->s;
    ra_buf_t who = RA_BUF_INIT;
    for (int rule = 0; rule < RA_RULE_COUNT; rule++) {
        if (rule == RA_RULE_OVERDUE || rule == RA_RULE_EXPIRED)
            continue;
        size_t n = 0;
        for (size_t i = 0; i < s->nfindings; i++) {
            const ra_finding_t *f = &s->findings[i];
            if ((int)f->rule != rule)
                continue;
            ra_buf_clear(&who);
            report_finding_subject(r, f, &who);
            if (n == 0)
                ra_buf_printf(out, "%s%s%s", out->len ? " " : "", ra_style_rule_phrase(f->rule),
                              who.len ? ": " : "");
            else if (who.len)
                ra_buf_puts(out, ", ");
            ra_buf_puts(out, ra_buf_str(&who));
            n++;
        }
        if (n)
            ra_buf_puts(out, ".");
    }
    ra_buf_free(&who);
}

ra_status_t report_summary(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_layout_t *lo = r->lo;
    ra_status_t rc = ra_layout_heading(lo, 1, "Executive summary", RA_HEADING_NEW_PAGE, NULL);

    ra_buf_t verdict = RA_BUF_INIT;
    ra_buf_printf(&verdict, "%s. %s", ra_verdict_label(s->verdict), ra_buf_str(&s->verdict_reason));
    ra_buf_t counts = RA_BUF_INIT;
    ra_buf_printf(
        &counts,
        "%zu applicable: %zu pass, %zu partial%s, %zu fail, %zu not applicable, "
        "%zu not assessed. %zu gap%s, %zu overdue, %zu accepted risk%s%s.",
        s->applicable, s->counts.pass, s->counts.partial,
        s->counts.unevidenced ? report_fmt(r, " (%zu unevidenced)", s->counts.unevidenced) : "",
        s->counts.fail, s->counts.not_applicable, s->counts.not_assessed, s->gaps,
        report_s(s->gaps), s->overdue, s->risks_accepted, s->risks_accepted == 1 ? "" : "s",
        s->risks_expired ? report_fmt(r, ", %zu expired", s->risks_expired) : "");
    ra_buf_t score = RA_BUF_INIT;
    ra_buf_printf(&score, "%s / 100 (%s); ready at %g, conditional at %g", r->score_text,
                  s->has_score ? s->band : "n/a", s->profile->ready, s->profile->conditional);
    ra_kv_t rows[] = {
        {"Maturity score", ra_buf_str(&score), 0, 0},
        {"Verdict", ra_buf_str(&verdict), 0, 0},
        {"Sign-off",
         s->signoff == RA_SIGNOFF_NOT_REQUIRED ? "Not required: the profile requires no sign-off"
                                               : ra_signoff_label(s->signoff),
         0, 0},
        {"Gates", NULL, 0, 0},
        {"Checks", ra_buf_str(&counts), 0, 0},
    };
    /* The gates in one line: each with a tick or a cross and, when not met, why. */
    ra_buf_t gates = RA_BUF_INIT;
    ra_buf_printf(&gates, "%zu of %zu met:", s->gates_passed, s->gates);
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (cs->applicable && cs->check->gate)
            ra_buf_printf(&gates, " %s %s%s%s%s", cs->credit == 1 ? "\xE2\x9C\x93" : "\xE2\x9C\x97",
                          cs->check->id, cs->credit == 1 ? "" : " (",
                          cs->credit == 1 ? "" : ra_style_status_label(cs),
                          cs->credit == 1 ? "" : ")");
    }
    rows[3].value = ra_buf_str(&gates);
    if (rc == RA_OK)
        rc = ra_layout_kv(lo, rows, sizeof rows / sizeof *rows, 0.2);
    ra_buf_free(&verdict);
    ra_buf_free(&counts);
    ra_buf_free(&score);
    ra_buf_free(&gates);

    /* What is late and what the governance rules found, in words, small
     * enough that the summary stays on one page. */
    ra_buf_t notes = RA_BUF_INIT;
    report_overdue_text(r, &notes);
    summary_findings(r, &notes);
    if (rc == RA_OK && notes.len) {
        ra_style_t small = ra_layout_style(lo);
        small.size = 8;
        small.color = RA_C_BAD;
        rc = ra_layout_space(lo, 2);
        if (rc == RA_OK)
            rc = ra_layout_paragraph(lo, &small, ra_buf_str(&notes));
    }
    ra_buf_free(&notes);
    if (rc == RA_OK)
        rc = ra_layout_heading(
            lo, 3, r->in->diff ? previous_caption(r) : "Layer scores against the thresholds",
            RA_HEADING_NO_TOC, NULL);
    if (rc == RA_OK)
        rc = layer_chart(r);
    if (rc == RA_OK)
        rc = ra_layout_heading(
            lo, 3,
            s->gaps > 3 ? report_fmt(r, "Top 3 of %zu gaps (all in the action plan)", s->gaps)
                        : "Gaps",
            RA_HEADING_NO_TOC, NULL);
    if (rc == RA_OK)
        rc = top_gaps(r, 3);
    if (rc == RA_OK)
        rc = ra_layout_heading(lo, 3, "Profile ladder: this record at every profile",
                               RA_HEADING_NO_TOC, NULL);
    if (rc == RA_OK)
        rc = profile_ladder(r);
    return rc;
}
