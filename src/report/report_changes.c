/* report_changes.c - "Changes since the previous assessment" (report
 * --previous): the previous score and date, the delta, the approvals that
 * changed, the checks that changed (regressions first), and remediations
 * and acceptances whose state changed. */
#include <stdio.h>
#include <string.h>

#include "format/format.h"
#include "report/report_int.h"

/* The section's words for each kind of change, in diff.h's order. */
static const char *const change_labels[] = {
    "Regressed", "New gap", "Closed gap", "Improved", "Added", "Removed", "Unchanged",
};
_Static_assert(sizeof change_labels / sizeof *change_labels == RA_CHANGE_COUNT,
               "change_labels matches ra_change_t");

/* The same in running text. */
static const char *const change_words[] = {
    "regressed", "new gap", "closed gap", "improved", "added", "removed", "unchanged",
};

/* A check's status on one side, as the report words it. */
static const char *side_label(const ra_check_score_t *cs)
{
    return cs->applicable ? ra_style_status_label(cs) : "Not in profile";
}

/* Appends to out, one line each, the approvals added, removed or with
 * another decision; "Unchanged" when there are none. */
static void approval_lines(const report_t *r, ra_buf_t *out)
{
    const ra_diff_t *d = r->in->diff;
    if (d->napprovals == 0)
        ra_buf_puts(out, "Unchanged");
    for (size_t i = 0; i < d->napprovals; i++) {
        const ra_approval_diff_t *x = &d->approvals[i];
        const ra_approval_t *p = x->new_ ? x->new_ : x->old;
        long role = ra_checklist_find_role(r->cl, p->role);
        const char *rn = role >= 0 ? r->cl->roles[role].name : p->role;
        ra_buf_printf(out, "%s%s as %s: ", i ? "\n" : "", p->name, rn);
        if (x->change == RA_APPROVAL_CHANGED)
            ra_buf_printf(out, "%s then, %s now", ra_decision_label(x->old->decision),
                          ra_decision_label(x->new_->decision));
        else
            ra_buf_printf(out, "%s (%s)",
                          x->change == RA_APPROVAL_ADDED ? "new approval" : "no longer approves",
                          ra_decision_label(p->decision));
    }
}

/* The opening paragraph and the before / now key-value rows. */
static ra_status_t changes_head(report_t *r)
{
    const ra_diff_t *d = r->in->diff;
    const ra_score_t *o = d->old;
    char date[11], was[16], delta[16];
    ra_style_date(o->record->assessed_on, date);
    ra_score_format(o->has_score, o->score, was);
    ra_delta_format(d->has_delta, d->score_delta, delta);
    const char *base = strrchr(o->record->path, '/');
    ra_buf_t intro = RA_BUF_INIT;
    ra_buf_printf(&intro,
                  "Compared with the previous assessment %s of %s (%s). Each check is compared "
                  "as each record scores it at its own profile.",
                  o->record->id, date, base ? base + 1 : o->record->path);
    if (d->versions_differ)
        ra_buf_printf(&intro,
                      " The records answer different checklist versions (%s then, %s now); "
                      "both are scored check by check under %s %s.",
                      o->record->checklist_version, r->rec->checklist_version, r->cl->id,
                      r->cl->version);
    ra_status_t rc = ra_layout_paragraph(r->lo, NULL, ra_buf_str(&intro));
    ra_buf_t prev = RA_BUF_INIT, now = RA_BUF_INIT, dv = RA_BUF_INIT, sg = RA_BUF_INIT;
    ra_buf_printf(&prev, "%s / 100 (%s), %s, assessed %s", was, o->has_score ? o->band : "n/a",
                  ra_verdict_label(o->verdict), date);
    ra_style_date(r->rec->assessed_on, date);
    ra_buf_printf(&now, "%s / 100 (%s), %s, assessed %s", r->score_text,
                  r->s->has_score ? r->s->band : "n/a", ra_verdict_label(r->s->verdict), date);
    ra_buf_printf(&dv, "%s points", delta);
    ra_buf_printf(&sg, "%s then, %s now", ra_signoff_label(o->signoff),
                  ra_signoff_label(r->s->signoff));
    ra_buf_t ap = RA_BUF_INIT;
    approval_lines(r, &ap);
    ra_kv_t rows[] = {
        {"Previous score", ra_buf_str(&prev), 0, 0}, {"Score now", ra_buf_str(&now), 0, 0},
        {"Change", ra_buf_str(&dv), 0, 0},           {"Sign-off", ra_buf_str(&sg), 0, 0},
        {"Approvals", ra_buf_str(&ap), 0, 0},
    };
    if (rc == RA_OK)
        rc = ra_layout_kv(r->lo, rows, sizeof rows / sizeof *rows, 0.2);
    ra_buf_free(&intro);
    ra_buf_free(&prev);
    ra_buf_free(&now);
    ra_buf_free(&dv);
    ra_buf_free(&sg);
    ra_buf_free(&ap);
    return rc;
}

/* Every check that changed, regressions first, then new gaps, closed
 * gaps, improvements, added and removed checks. */
static ra_status_t changes_checks(report_t *r)
{
    const ra_diff_t *d = r->in->diff;
    size_t changed = d->nchecks - d->counts[RA_CHANGE_UNCHANGED];
    ra_status_t rc = ra_layout_heading(r->lo, 2, "Checks that changed", 0, NULL);
    ra_buf_t line = RA_BUF_INIT;
    if (changed == 0) {
        ra_buf_printf(&line, "None of the %zu check%s changed.", d->nchecks, report_s(d->nchecks));
    } else {
        ra_buf_printf(&line, "%zu of %zu check%s changed:", changed, d->nchecks,
                      report_s(d->nchecks));
        for (int k = 0; k < RA_CHANGE_UNCHANGED; k++)
            ra_buf_printf(&line, "%s %zu %s", k ? "," : "", d->counts[k], change_words[k]);
        ra_buf_puts(&line, ".");
    }
    if (rc == RA_OK)
        rc = ra_layout_paragraph(r->lo, NULL, ra_buf_str(&line));
    ra_buf_free(&line);
    if (rc != RA_OK || changed == 0)
        return rc;
    const ra_column_t cols[] = {
        {"Change", 1.9, RA_ALIGN_LEFT}, {"Check", 1.5, RA_ALIGN_LEFT},
        {"Title", 4.8, RA_ALIGN_LEFT},  {"Before", 2.2, RA_ALIGN_LEFT},
        {"Now", 2.2, RA_ALIGN_LEFT},
    };
    rc = ra_layout_table_begin(r->lo, NULL, cols, 5);
    for (int k = 0; k < RA_CHANGE_UNCHANGED && rc == RA_OK; k++)
        for (size_t i = 0; i < d->nchecks && rc == RA_OK; i++) {
            const ra_check_diff_t *x = &d->checks[i];
            if (x->change != (ra_change_t)k)
                continue;
            bool bad = k == RA_CHANGE_REGRESSED || k == RA_CHANGE_NEW_GAP;
            bool good = k == RA_CHANGE_CLOSED_GAP || k == RA_CHANGE_IMPROVED;
            ra_cell_t cells[] = {
                {change_labels[k], RA_FACE_BOLD, NULL,
                 bad    ? &RA_C_BAD_TINT
                 : good ? &RA_C_GOOD_TINT
                        : &RA_C_NEUTRAL_TINT,
                 0, 0},
                {x->check->id, RA_FACE_BOLD, NULL, NULL, 0, 0},
                {x->check->title, RA_FACE_REGULAR, NULL, NULL, 0, 0},
                {side_label(x->old), RA_FACE_REGULAR, NULL, NULL, 0, 0},
                {side_label(x->new_), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            };
            rc = ra_layout_table_row(r->lo, cells);
        }
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

/* Remediations completed, slipped or now overdue; acceptances expired or new. */
static ra_status_t changes_items(report_t *r)
{
    const ra_diff_t *d = r->in->diff;
    ra_status_t rc = ra_layout_heading(r->lo, 2, "Remediations and accepted risks", 0, NULL);
    if (rc != RA_OK)
        return rc;
    if (d->nitems == 0)
        return ra_layout_paragraph(r->lo, NULL,
                                   "No remediation was completed, slipped or became overdue, and "
                                   "no risk acceptance expired or was added.");
    /* Slipped remediations first: they are what a committee asks about. */
    static const ra_item_kind_t order[] = {RA_ITEM_SLIPPED, RA_ITEM_OVERDUE, RA_ITEM_RISK_EXPIRED,
                                           RA_ITEM_COMPLETED, RA_ITEM_RISK_NEW};
    static const char *const labels[] = {
        [RA_ITEM_COMPLETED] = "Completed",    [RA_ITEM_SLIPPED] = "Slipped",
        [RA_ITEM_OVERDUE] = "Now overdue",    [RA_ITEM_RISK_EXPIRED] = "Risk expired",
        [RA_ITEM_RISK_NEW] = "Risk accepted",
    };
    const ra_column_t cols[] = {
        {"Change", 2.2, RA_ALIGN_LEFT},
        {"Check", 1.5, RA_ALIGN_LEFT},
        {"Who", 2.6, RA_ALIGN_LEFT},
        {"Detail", 6.3, RA_ALIGN_LEFT},
    };
    rc = ra_layout_table_begin(r->lo, NULL, cols, 4);
    ra_buf_t detail = RA_BUF_INIT;
    for (size_t k = 0; k < sizeof order / sizeof *order && rc == RA_OK; k++)
        for (size_t i = 0; i < d->nitems && rc == RA_OK; i++) {
            const ra_diff_item_t *it = &d->items[i];
            if (it->kind != order[k])
                continue;
            char a[11] = "", b[11] = "";
            const char *who = "";
            ra_buf_clear(&detail);
            switch (it->kind) {
            case RA_ITEM_COMPLETED:
                ra_style_date(it->old->remediation->due, a);
                who = it->old->remediation->owner;
                ra_buf_printf(&detail, "Gap closed; the remediation was due %s.", a);
                break;
            case RA_ITEM_SLIPPED:
                ra_style_date(it->old->remediation->due, a);
                ra_style_date(it->new_->remediation->due, b);
                who = it->new_->remediation->owner;
                ra_buf_printf(&detail, "Due %s, previously %s.", b, a);
                break;
            case RA_ITEM_OVERDUE:
                ra_style_date(it->new_->remediation->due, b);
                who = it->new_->remediation->owner;
                ra_buf_printf(&detail, "Was due %s, before this assessment; covers nothing.", b);
                break;
            case RA_ITEM_RISK_EXPIRED:
                ra_style_date(it->new_->risk->expires, b);
                who = it->new_->risk->by;
                ra_buf_printf(&detail, "The acceptance expired on %s and covers nothing.", b);
                break;
            default:
                ra_style_date(it->new_->risk->date, a);
                ra_style_date(it->new_->risk->expires, b);
                who = it->new_->risk->by;
                ra_buf_printf(&detail, "Accepted on %s, until %s.", a, b);
                break;
            }
            bool bad = it->kind == RA_ITEM_SLIPPED || it->kind == RA_ITEM_OVERDUE ||
                       it->kind == RA_ITEM_RISK_EXPIRED;
            ra_cell_t cells[] = {
                {labels[it->kind], RA_FACE_BOLD, NULL,
                 bad                             ? &RA_C_BAD_TINT
                 : it->kind == RA_ITEM_COMPLETED ? &RA_C_GOOD_TINT
                                                 : &RA_C_NEUTRAL_TINT,
                 0, 0},
                {it->check->id, RA_FACE_BOLD, NULL, NULL, 0, 0},
                {who, RA_FACE_REGULAR, NULL, NULL, 0, 0},
                {ra_buf_str(&detail), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            };
            rc = ra_layout_table_row(r->lo, cells);
        }
    ra_buf_free(&detail);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

ra_status_t report_changes(report_t *r)
{
    ra_status_t rc = ra_layout_heading(r->lo, 1, "Changes since the previous assessment",
                                       RA_HEADING_NEW_PAGE, NULL);
    if (rc == RA_OK)
        rc = changes_head(r);
    if (rc == RA_OK)
        rc = changes_checks(r);
    if (rc == RA_OK)
        rc = changes_items(r);
    return rc;
}
