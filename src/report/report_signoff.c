/* report_signoff.c - the sign-off page: required roles met or missing, the
 * approvals with their conditions, and signature lines. */
#include <stdio.h>
#include <string.h>

#include "report/report_int.h"

/* Required roles: met, missing or rejected, and by whom. */
static ra_status_t roles_table(report_t *r)
{
    const ra_score_t *s = r->s;
    const ra_column_t cols[] = {
        {"Required role", 3, RA_ALIGN_LEFT}, {"State", 1.8, RA_ALIGN_LEFT},
        {"Approver", 3, RA_ALIGN_LEFT},      {"Decision", 2.6, RA_ALIGN_LEFT},
        {"Date", 1.7, RA_ALIGN_LEFT},
    };
    if (s->nroles == 0)
        return ra_layout_paragraph(r->lo, NULL, "The profile requires no role.");
    /* The approver cell has its own buffer: the date cell of the same row
     * uses report_fmt's scratch buffer, which a second call overwrites. */
    ra_buf_t who = RA_BUF_INIT;
    ra_status_t rc = ra_layout_table_begin(r->lo, NULL, cols, 5);
    for (size_t i = 0; i < s->nroles && rc == RA_OK; i++) {
        const ra_role_score_t *rs = &s->roles[i];
        const ra_approval_t *a = rs->approval;
        char date[11] = "-";
        if (a)
            ra_style_date(a->date, date);
        bool early = a && a->date < r->rec->assessed_on && rs->state != RA_ROLE_REJECTED;
        ra_buf_clear(&who);
        if (a)
            ra_buf_printf(&who, "%s%s", a->name,
                          rs->state == RA_ROLE_MISSING && !early ? " (not counted)" : "");
        ra_cell_t cells[] = {
            {rs->role->name, RA_FACE_BOLD, NULL, NULL, 0, 0},
            {ra_style_role_state_label(rs->state), RA_FACE_BOLD, NULL,
             ra_style_role_state_tint(rs->state), 0, 0},
            {a ? ra_buf_str(&who) : "-", RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {a ? ra_decision_label(a->decision) : "-", RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {early ? report_fmt(r, "%s (before the assessment: not counted)", date) : date,
             early ? RA_FACE_BOLD : RA_FACE_REGULAR, NULL, NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    ra_buf_free(&who);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

/* Every approval in the record, with its comment and conditions. */
static ra_status_t approvals_list(report_t *r)
{
    const ra_score_t *s = r->s;
    if (s->napprovals == 0)
        return ra_layout_paragraph(r->lo, NULL, "The record holds no approval.");
    ra_status_t rc = RA_OK;
    ra_buf_t head = RA_BUF_INIT, body = RA_BUF_INIT;
    for (size_t i = 0; i < s->napprovals && rc == RA_OK; i++) {
        const ra_approval_score_t *as = &s->approvals[i];
        const ra_approval_t *a = as->approval;
        long role = ra_checklist_find_role(r->cl, a->role);
        char date[11];
        ra_style_date(a->date, date);
        ra_buf_clear(&head);
        ra_buf_clear(&body);
        ra_buf_printf(&head, "%s \xE2\x80\x94 %s, %s, %s", ra_decision_label(a->decision), a->name,
                      role >= 0 ? r->cl->roles[role].name : a->role, date);
        if (*a->comment)
            ra_buf_printf(&body, "%s", a->comment);
        for (size_t k = 0; k < a->nconditions; k++)
            ra_buf_printf(&body, "%sCondition %zu: %s", body.len ? "\n" : "", k + 1,
                          a->conditions[k]);
        /* What the governance rules found about this approval, in words. */
        for (size_t k = 0; k < s->nfindings; k++) {
            const ra_finding_t *f = &s->findings[k];
            if (!f->check && f->line == a->line)
                ra_buf_printf(&body, "%sDoes not count (%s): %s", body.len ? "\n" : "",
                              ra_rule_name(f->rule), ra_buf_str(&f->text));
        }
        if (!as->required)
            ra_buf_printf(&body, "%sNot a role this profile requires.", body.len ? "\n" : "");
        if (!body.len)
            ra_buf_puts(&body, "No comment.");
        rc = ra_graphics_callout(r->lo, ra_buf_str(&head), ra_buf_str(&body), RA_C_PANEL,
                                 ra_style_decision_color(a->decision));
    }
    ra_buf_free(&head);
    ra_buf_free(&body);
    return rc;
}

/* Signature lines, one per required role: the role's name, then a rule
 * for the name (the approver the record holds, printed), one holding the
 * role's empty signature field (named by the role id, for any PDF signer)
 * and one for the date, each captioned. Nothing on the line is shortened:
 * it is the evidence of who signed for what, so a name, role or field id
 * too wide for its column takes more lines and the block grows. */
typedef struct {
    report_t *r;
    const ra_role_score_t *rs;
    /* Wrapped to their columns when the line is appended, lines separated
     * by "\n": the role's name, the approver's name (NULL: none), the
     * signature field's caption. */
    const char *role_name, *who, *field;
    int nrole, nwho, nfield;
} sigline_t;

/* The columns of a signature line, as fractions of its width: name,
 * signature field, date. */
static const double sig_cols[3][2] = {{0, 0.42}, {0.46, 0.76}, {0.80, 1.0}};

/* Sizes and steps of the texts on a signature line, in points. */
#define SIG_ROLE_SIZE 9.0
#define SIG_ROLE_STEP 12.0
#define SIG_NAME_SIZE 9.0
#define SIG_NAME_STEP 11.0
#define SIG_CAPTION_SIZE 7.0
#define SIG_CAPTION_STEP 8.0
/* The room between the role's name and the rules (three name lines fit),
 * and below the rules' captions. */
#define SIG_ROOM 34.0
#define SIG_BOTTOM 4.0
#define SIGFIELD_GAP 2.0
/* The field's top, below the top of the block's last line of role name. */
#define SIGFIELD_TOP 14.0

/* Wraps text to the given share of the body width; the lines (in the
 * report's arena) in *out and their count in *n. */
static ra_status_t sig_wrap(report_t *r, ra_face_t face, double size, double frac, const char *text,
                            const char **out, int *n)
{
    ra_buf_t b = RA_BUF_INIT;
    ra_status_t rc =
        ra_layout_wrap(r->pdf, face, size, frac * ra_layout_body_width(r->lo), text, &b);
    *out = rc == RA_OK ? ra_arena_strdup(&r->arena, ra_buf_str(&b)) : NULL;
    ra_buf_free(&b);
    if (rc == RA_OK && !*out)
        rc = RA_ERR_NOMEM;
    *n = 1;
    for (const char *p = rc == RA_OK ? *out : ""; *p; p++)
        *n += *p == '\n';
    return rc;
}

/* Where a signature line's rules are, below the top of its block. */
static double sig_rule_y(const sigline_t *sl)
{
    double room = sl->nwho * SIG_NAME_STEP + 1 > SIG_ROOM ? sl->nwho * SIG_NAME_STEP + 1 : SIG_ROOM;
    return sl->nrole * SIG_ROLE_STEP + room;
}

/* The height of a signature line's block. */
static double sig_height(const sigline_t *sl)
{
    return sig_rule_y(sl) + SIGFIELD_GAP + sl->nfield * SIG_CAPTION_STEP + SIG_BOTTOM;
}

static ra_status_t sig_prepare(report_t *r, sigline_t *sl)
{
    const ra_role_t *role = sl->rs->role;
    ra_status_t rc =
        sig_wrap(r, RA_FACE_BOLD, SIG_ROLE_SIZE, 1.0, role->name, &sl->role_name, &sl->nrole);
    if (rc == RA_OK)
        rc = sig_wrap(r, RA_FACE_REGULAR, SIG_CAPTION_SIZE, sig_cols[1][1] - sig_cols[1][0],
                      report_fmt(r, "Signature (field %s)", role->id), &sl->field, &sl->nfield);
    sl->who = NULL;
    sl->nwho = 1;
    if (rc == RA_OK && sl->rs->approval)
        rc = sig_wrap(r, RA_FACE_REGULAR, SIG_NAME_SIZE, sig_cols[0][1] - sig_cols[0][0],
                      sl->rs->approval->name, &sl->who, &sl->nwho);
    return rc;
}

/* Draws the lines of text (separated by "\n"), the first in a box of
 * height step at (x, y), each next one step lower. */
static ra_status_t sig_lines(ra_pdf_t *pdf, double x, double y, double w, double step,
                             ra_face_t face, double size, ra_rgb_t color, double box_h,
                             const char *text)
{
    ra_status_t rc = RA_OK;
    char line[1024];
    for (const char *p = text; rc == RA_OK; y += step) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        rc = ra_layout_draw_line(pdf, &(ra_rect_t){x, y, w, box_h}, face, size, color,
                                 RA_ALIGN_LEFT, line);
        if (!e)
            break;
        p = e + 1;
    }
    return rc;
}

static ra_status_t draw_signature(void *ctx, ra_pdf_t *pdf, const ra_rect_t *box)
{
    const sigline_t *sl = ctx;
    const ra_role_t *role = sl->rs->role;
    const double y = box->y + sig_rule_y(sl);
    const char *captions[3] = {"Name", sl->field, "Date"};
    ra_status_t rc = sig_lines(pdf, box->x, box->y, box->w, SIG_ROLE_STEP, RA_FACE_BOLD,
                               SIG_ROLE_SIZE, RA_C_TEXT, SIG_ROLE_STEP, sl->role_name);
    for (int i = 0; i < 3 && rc == RA_OK; i++) {
        double x0 = box->x + sig_cols[i][0] * box->w, x1 = box->x + sig_cols[i][1] * box->w;
        rc = ra_pdf_line(pdf, x0, y, x1, y, 0.6, RA_C_MUTED, 0);
        if (rc == RA_OK)
            rc = sig_lines(pdf, x0, y + SIGFIELD_GAP, x1 - x0, SIG_CAPTION_STEP, RA_FACE_REGULAR,
                           SIG_CAPTION_SIZE, RA_C_MUTED, 10, captions[i]);
        /* The approver's name stands on the name rule, its last line just
         * above it. */
        if (rc == RA_OK && i == 0 && sl->who)
            rc = sig_lines(pdf, x0, y - 13 - (sl->nwho - 1) * SIG_NAME_STEP, x1 - x0, SIG_NAME_STEP,
                           RA_FACE_REGULAR, SIG_NAME_SIZE, RA_C_TEXT, 12, sl->who);
        /* The field sits on its rule, from below the role's name down. */
        if (rc == RA_OK && i == 1) {
            double top = box->y + (sl->nrole - 1) * SIG_ROLE_STEP + SIGFIELD_TOP;
            rc = ra_pdf_sig_field(pdf, role->id, x0, top, x1 - x0, y - top);
        }
    }
    return rc;
}

/* Every finding of the governance rules: the auditor's phrase, the rule's
 * name and the finding's sentence. */
static ra_status_t findings_table(report_t *r)
{
    const ra_score_t *s = r->s;
    if (s->nfindings == 0)
        return ra_layout_paragraph(
            r->lo, NULL, "The governance rules of the checklist found nothing to report.");
    const ra_column_t cols[] = {{"Finding", 3.2, RA_ALIGN_LEFT}, {"Details", 6.8, RA_ALIGN_LEFT}};
    ra_status_t rc = ra_layout_table_begin(r->lo, NULL, cols, 2);
    ra_buf_t head = RA_BUF_INIT;
    for (size_t i = 0; i < s->nfindings && rc == RA_OK; i++) {
        const ra_finding_t *f = &s->findings[i];
        ra_buf_clear(&head);
        ra_buf_printf(&head, "%s (%s)", ra_style_rule_phrase(f->rule), ra_rule_name(f->rule));
        ra_cell_t cells[] = {
            {ra_buf_str(&head), RA_FACE_BOLD, NULL, NULL, 0, 0},
            {ra_buf_str(&f->text), RA_FACE_REGULAR, NULL, NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    ra_buf_free(&head);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

/* The rules an approval must meet, from the profile's policy. */
static void approval_rules(report_t *r, ra_buf_t *out)
{
    const ra_policy_t *pol = &r->s->profile->policy;
    char date[11];
    ra_style_date(r->rec->assessed_on, date);
    ra_buf_printf(out, "An approval counts when it is dated on or after the assessment date (%s)",
                  date);
    if (pol->approval_window_days > 0)
        ra_buf_printf(out, " and at most %d days after it", pol->approval_window_days);
    ra_buf_puts(out, ", by a person with a visible name");
    if (pol->independent_approvers)
        ra_buf_puts(out, " who is not an assessor of the record");
    ra_buf_puts(out,
                pol->distinct_approvers ? "; one person counts for one required role only" : "");
    ra_buf_puts(out, "; any rejection makes the assessment rejected.");
}

ra_status_t report_signoff(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_status_t rc = ra_layout_heading(r->lo, 1, "Sign-off", RA_HEADING_NEW_PAGE, NULL);
    ra_buf_t text = RA_BUF_INIT;
    if (s->signoff == RA_SIGNOFF_NOT_REQUIRED)
        ra_buf_printf(&text,
                      "Sign-off status: Not required. The %s profile requires no sign-off, so "
                      "this report is final without approvals and carries no DRAFT mark; any "
                      "approval the record holds is listed below for information. ",
                      s->profile->name);
    else {
        ra_buf_printf(
            &text, "Sign-off status: %s. The %s profile requires approval by %zu role%s. ",
            ra_signoff_label(s->signoff), s->profile->name, s->nroles, report_s(s->nroles));
        approval_rules(r, &text);
    }
    ra_buf_printf(&text,
                  " The verdict (%s) and the sign-off status are separate: one says whether the "
                  "system is ready, the other who has accepted that finding.",
                  ra_verdict_label(s->verdict));
    if (rc == RA_OK)
        rc = ra_layout_paragraph(r->lo, NULL, ra_buf_str(&text));
    ra_buf_free(&text);
    if (rc == RA_OK)
        rc = ra_layout_heading(r->lo, 3, "Required roles", RA_HEADING_NO_TOC, NULL);
    if (rc == RA_OK)
        rc = roles_table(r);
    if (rc == RA_OK)
        rc = ra_layout_heading(r->lo, 3, "Approvals recorded", RA_HEADING_NO_TOC, NULL);
    if (rc == RA_OK)
        rc = approvals_list(r);
    if (rc == RA_OK)
        rc = ra_layout_heading(r->lo, 3, "Findings of the governance rules", RA_HEADING_NO_TOC,
                               NULL);
    if (rc == RA_OK)
        rc = findings_table(r);
    /* The signature block stays on one page: a lone signature line on a
     * page of its own would invite a signature out of context. */
    if (rc == RA_OK)
        rc = ra_layout_keep_begin(r->lo);
    if (rc == RA_OK)
        rc = ra_layout_heading(r->lo, 3, "Signatures", RA_HEADING_NO_TOC, NULL);
    if (rc == RA_OK)
        rc = ra_layout_paragraph(r->lo, NULL,
                                 s->nroles
                                     ? "Each line holds an empty digital signature field named by "
                                       "the role's id, which readyaudit sign or any PDF signing "
                                       "tool fills; the line also takes a wet-ink or scanned "
                                       "counter-signature."
                                     : "The profile requires no signature.");
    /* The layout calls draw_signature at finish time: the lines live in
     * the report's arena until then. */
    sigline_t *lines = ra_arena_alloc(&r->arena, (s->nroles ? s->nroles : 1) * sizeof *lines);
    if (!lines)
        return RA_ERR_NOMEM;
    for (size_t i = 0; i < s->nroles && rc == RA_OK; i++) {
        lines[i] = (sigline_t){.r = r, .rs = &s->roles[i]};
        if ((rc = sig_prepare(r, &lines[i])) == RA_OK)
            rc = ra_layout_custom(r->lo, sig_height(&lines[i]), draw_signature, &lines[i]);
    }
    if (rc == RA_OK)
        rc = ra_layout_keep_end(r->lo);
    return rc;
}
