/* report_actions.c - the action plan (every gap by due date) and the
 * accepted-risk register. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"

/* Sort key of a gap in the action plan: planned gaps by due date, then the
 * unplanned ones; ties in checklist order. */
typedef struct {
    ra_date_t due; /* INT32_MAX-ish when unplanned */
    size_t index;
} action_t;

static int cmp_action(const void *a, const void *b)
{
    const action_t *x = a, *y = b;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

ra_status_t report_actions(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_status_t rc = ra_layout_heading(r->lo, 1, "Action plan", RA_HEADING_NEW_PAGE, NULL);
    if (rc != RA_OK)
        return rc;
    if (s->gaps == 0)
        return ra_layout_paragraph(r->lo, NULL, "No actions: there are no gaps.");
    action_t *acts = calloc(s->gaps, sizeof *acts);
    if (!acts)
        return RA_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < s->nchecks && n < s->gaps; i++)
        if (s->checks[i].gap)
            acts[n++] = (action_t){
                s->checks[i].remediation ? s->checks[i].result->remediation->due : 99999999, i};
    qsort(acts, n, sizeof *acts, cmp_action);
    char date[11];
    ra_style_date(r->rec->assessed_on, date);
    rc = ra_layout_paragraph(r->lo, NULL,
                             report_fmt(r,
                                        "Every gap, the earliest due first; gaps without a "
                                        "remediation plan come last. Overdue means due before "
                                        "the assessment date, %s.",
                                        date));
    const ra_column_t cols[] = {
        {"Due", 1.7, RA_ALIGN_LEFT},    {"Check", 1.7, RA_ALIGN_LEFT},
        {"Action", 5.2, RA_ALIGN_LEFT}, {"Owner", 2.2, RA_ALIGN_LEFT},
        {"State", 1.9, RA_ALIGN_LEFT},
    };
    if (rc == RA_OK)
        rc = ra_layout_table_begin(r->lo, NULL, cols, 5);
    ra_buf_t action = RA_BUF_INIT;
    for (size_t k = 0; k < n && rc == RA_OK; k++) {
        const ra_check_score_t *cs = &s->checks[acts[k].index];
        const ra_remediation_t *m = cs->remediation ? cs->result->remediation : NULL;
        char due[11] = "-";
        if (m)
            ra_style_date(m->due, due);
        ra_buf_clear(&action);
        ra_buf_printf(&action, "%s (%s)\n%s", cs->check->title, ra_style_status_word(cs),
                      m                        ? m->text
                      : cs->check->remediation ? cs->check->remediation
                                               : "");
        const char *state = cs->overdue         ? "OVERDUE"
                            : cs->risk_accepted ? "Risk accepted"
                            : m                 ? "Open"
                                                : "No plan";
        const ra_rgb_t *tint = cs->overdue || (!m && !cs->risk_accepted) ? &RA_C_BAD_TINT
                               : cs->risk_accepted                       ? &RA_C_NEUTRAL_TINT
                                                                         : NULL;
        ra_cell_t cells[] = {
            {due, RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {cs->check->id, RA_FACE_BOLD, NULL, NULL, 0, 0},
            {ra_buf_str(&action), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {m ? m->owner : "-", RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {state, RA_FACE_BOLD, NULL, tint, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    ra_buf_free(&action);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    free(acts);
    return rc;
}

ra_status_t report_risks(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_status_t rc = ra_layout_heading(r->lo, 1, "Accepted-risk register", 0, NULL);
    if (rc != RA_OK)
        return rc;
    size_t n = 0;
    for (size_t i = 0; i < s->nchecks; i++)
        n += s->checks[i].applicable && s->checks[i].result && s->checks[i].result->risk;
    if (n == 0)
        return ra_layout_paragraph(r->lo, NULL, "No risk has been formally accepted.");
    rc = ra_layout_paragraph(r->lo, NULL,
                             "Risks formally accepted instead of being fixed. An acceptance "
                             "counts while it has not expired on the assessment date.");
    const ra_column_t cols[] = {
        {"Check", 1.7, RA_ALIGN_LEFT},       {"Accepted by", 2.6, RA_ALIGN_LEFT},
        {"Given", 1.7, RA_ALIGN_LEFT},       {"Expires", 1.7, RA_ALIGN_LEFT},
        {"Justification", 5, RA_ALIGN_LEFT},
    };
    if (rc == RA_OK)
        rc = ra_layout_table_begin(r->lo, NULL, cols, 5);
    ra_buf_t who = RA_BUF_INIT;
    for (size_t i = 0; i < s->nchecks && rc == RA_OK; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (!cs->applicable || !cs->result || !cs->result->risk)
            continue;
        const ra_risk_t *k = cs->result->risk;
        long role = ra_checklist_find_role(r->cl, k->role);
        ra_buf_clear(&who);
        ra_buf_printf(&who, "%s\n%s", k->by, role >= 0 ? r->cl->roles[role].name : k->role);
        char given[11], exp[11];
        ra_style_date(k->date, given);
        ra_style_date(k->expires, exp);
        bool expired = k->expires < r->rec->assessed_on;
        ra_cell_t cells[] = {
            {cs->check->id, RA_FACE_BOLD, NULL, NULL, 0, 0},
            {ra_buf_str(&who), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {given, RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {expired ? report_fmt(r, "%s EXPIRED", exp) : exp,
             expired ? RA_FACE_BOLD : RA_FACE_REGULAR, NULL, expired ? &RA_C_BAD_TINT : NULL, 0, 0},
            {k->text, RA_FACE_REGULAR, NULL, NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    ra_buf_free(&who);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}
