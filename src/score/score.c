/* score.c - the methodology of DESIGN.md "Scoring", as pure functions. */
#include "score/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "base/vec.h"

/* Name (JSON, CSV, the manifest) and label (the page) of each verdict. */
static const struct {
    const char *name, *label;
} verdicts[] = {
    [RA_VERDICT_READY] = {"ready", "Ready"},
    [RA_VERDICT_CONDITIONAL] = {"ready-with-conditions", "Ready with conditions"},
    [RA_VERDICT_NOT_READY] = {"not-ready", "Not ready"},
};
_Static_assert(sizeof verdicts / sizeof verdicts[0] == RA_VERDICT_COUNT,
               "one verdicts row per ra_verdict_t");

/* Name and label of each sign-off state. */
static const struct {
    const char *name, *label;
} signoffs[] = {
    [RA_SIGNOFF_SIGNED] = {"signed-off", "Signed off"},
    [RA_SIGNOFF_DRAFT] = {"draft", "Draft"},
    [RA_SIGNOFF_REJECTED] = {"rejected", "Rejected"},
    [RA_SIGNOFF_NOT_REQUIRED] = {"not-required", "Not required"},
};
_Static_assert(sizeof signoffs / sizeof signoffs[0] == RA_SIGNOFF_COUNT,
               "one signoffs row per ra_signoff_t");

static const char *const role_states[] = {
    [RA_ROLE_MET] = "met",
    [RA_ROLE_MISSING] = "missing",
    [RA_ROLE_REJECTED] = "rejected",
};
_Static_assert(sizeof role_states / sizeof role_states[0] == RA_ROLE_STATE_COUNT,
               "one role_states name per ra_role_state_t");

static const char *const rule_names[] = {
    [RA_RULE_APPROVAL_DATE] = "approval-date", [RA_RULE_VISIBLE_NAME] = "visible-name",
    [RA_RULE_DISTINCT] = "distinct-approvers", [RA_RULE_INDEPENDENT] = "independent-approvers",
    [RA_RULE_WINDOW] = "approval-window-days", [RA_RULE_MAX_NA] = "max-not-applicable",
    [RA_RULE_AUTHORITY] = "risk-authority",    [RA_RULE_TERM] = "risk-acceptance-max-days",
    [RA_RULE_SELF] = "self-acceptance",        [RA_RULE_OVERDUE] = "overdue-remediation",
    [RA_RULE_EXPIRED] = "expired-acceptance",
};
_Static_assert(sizeof rule_names / sizeof rule_names[0] == RA_RULE_COUNT,
               "one rule_names name per ra_rule_t");

const char *ra_rule_name(ra_rule_t r)
{
    return (unsigned)r < RA_RULE_COUNT ? rule_names[r] : "?";
}

const char *ra_verdict_name(ra_verdict_t v)
{
    return (unsigned)v < RA_VERDICT_COUNT ? verdicts[v].name : "?";
}

const char *ra_verdict_label(ra_verdict_t v)
{
    return (unsigned)v < RA_VERDICT_COUNT ? verdicts[v].label : "?";
}

const char *ra_signoff_name(ra_signoff_t s)
{
    return (unsigned)s < RA_SIGNOFF_COUNT ? signoffs[s].name : "?";
}

const char *ra_signoff_label(ra_signoff_t s)
{
    return (unsigned)s < RA_SIGNOFF_COUNT ? signoffs[s].label : "?";
}

const char *ra_role_state_name(ra_role_state_t s)
{
    return (unsigned)s < RA_ROLE_STATE_COUNT ? role_states[s] : "?";
}

ra_status_t ra_verdict_parse(const char *name, ra_verdict_t *out)
{
    for (int v = 0; v < RA_VERDICT_COUNT; v++)
        if (strcmp(name, verdicts[v].name) == 0) {
            *out = (ra_verdict_t)v;
            return RA_OK;
        }
    return RA_ERR_INVALID;
}

ra_status_t ra_signoff_parse(const char *name, ra_signoff_t *out)
{
    for (int s = 0; s < RA_SIGNOFF_COUNT; s++)
        if (strcmp(name, signoffs[s].name) == 0) {
            *out = (ra_signoff_t)s;
            return RA_OK;
        }
    return RA_ERR_INVALID;
}

void ra_score_format(bool has_score, double score, char out[16])
{
    if (!has_score) {
        snprintf(out, 16, "n/a");
        return;
    }
    /* Round half away from zero on the tenths, without the locale. */
    if (score < 0)
        score = 0;
    if (score > 1000)
        score = 1000;
    int tenths = (int)floor(score * 10 + 0.5 + RA_SCORE_EPSILON);
    snprintf(out, 16, "%d.%d", tenths / 10 % 10000, tenths % 10);
}

/* The record's result for a check, or NULL (results indexed by check beforehand). */
static void index_results(const ra_checklist_t *cl, const ra_record_t *rec,
                          const ra_result_t **by_check)
{
    for (size_t i = 0; i < rec->nresults; i++) {
        long c = ra_checklist_find_check(cl, rec->results[i].check);
        if (c >= 0 && !by_check[c])
            by_check[c] = &rec->results[i];
    }
}

/* Records a finding; returns its text buffer to write into, or NULL when
 * out of memory (the score then says so through s->findings_cap == 0). */
static ra_buf_t *add_finding(ra_score_t *s, ra_rule_t rule, const char *check, long line)
{
    if (RA_VEC_RESERVE(s->findings, s->nfindings, s->findings_cap, 8) != RA_OK) {
        s->findings_lost = true;
        return NULL;
    }
    ra_finding_t *f = &s->findings[s->nfindings++];
    *f = (ra_finding_t){rule, check, line, RA_BUF_INIT};
    return &f->text;
}

#define FINDING(s, rule, check, line, ...)                         \
    do {                                                           \
        ra_buf_t *fb_ = add_finding((s), (rule), (check), (line)); \
        if (fb_)                                                   \
            ra_buf_printf(fb_, __VA_ARGS__);                       \
    } while (0)

/* Whether two people are the same: equal name keys (the model's *_key
 * fields), or equal e-mail addresses (ignoring ASCII case) when both give one. */
static bool same_person(const char *k1, const char *e1, const char *k2, const char *e2)
{
    if (e1 && e2 && *e1 && *e2 && strcasecmp(e1, e2) == 0)
        return true;
    return k1 && k2 && *k1 && strcmp(k1, k2) == 0;
}

/* The name of a role id for messages: its label, or the id itself. */
static const char *role_label(const ra_checklist_t *cl, const char *id)
{
    long r = id ? ra_checklist_find_role(cl, id) : -1;
    return r >= 0 ? cl->roles[r].name : id ? id : "?";
}

/* Whether a risk acceptance on a gap covers it, with a finding for each
 * rule that keeps it from doing so. */
static void score_risk(ra_score_t *s, ra_check_score_t *cs)
{
    const ra_result_t *r = cs->result;
    const ra_risk_t *k = r->risk;
    const ra_policy_t *pol = &s->profile->policy;
    ra_date_t on = s->record->assessed_on;
    char d1[11], d2[11];
    cs->risk_expired = !(k->expires >= on);
    cs->risk_unauthorised =
        !ra_profile_may_accept(s->checklist, s->profile, cs->check->weight, k->role);
    long term = k->date && k->expires ? ra_date_days_between(k->date, k->expires) : 0;
    cs->risk_too_long = pol->risk_acceptance_max_days > 0 && term > pol->risk_acceptance_max_days;
    bool named = ra_text_has_letter(k->by);
    cs->risk_accepted = !cs->risk_expired && !cs->risk_unauthorised && !cs->risk_too_long && named;
    if (cs->risk_expired) {
        ra_date_format(k->expires, d1);
        ra_date_format(on, d2);
        FINDING(s, RA_RULE_EXPIRED, cs->check->id, k->line,
                "The risk acceptance of %s by %s expired on %s, before the assessment date %s, "
                "and covers nothing.",
                cs->check->id, k->by, d1, d2);
    }
    if (cs->risk_unauthorised) {
        ra_buf_t who = RA_BUF_INIT;
        ra_profile_tier_roles(s->checklist, s->profile,
                              ra_profile_authority_tier(s->profile, cs->check->weight), &who);
        FINDING(s, RA_RULE_AUTHORITY, cs->check->id, k->line,
                "%s (%s) has no authority to accept the risk of %s (weight %d): only %s may, so "
                "the acceptance does not cover the gap.",
                k->by, role_label(s->checklist, k->role), cs->check->id, cs->check->weight,
                ra_buf_str(&who));
        ra_buf_free(&who);
    }
    if (cs->risk_too_long) {
        ra_date_format(k->date, d1);
        ra_date_format(k->expires, d2);
        FINDING(s, RA_RULE_TERM, cs->check->id, k->line,
                "The risk acceptance of %s runs %ld days (%s to %s), longer than the %d days "
                "the profile allows, so it does not cover the gap.",
                cs->check->id, term, d1, d2, pol->risk_acceptance_max_days);
    }
    if (!named)
        FINDING(s, RA_RULE_VISIBLE_NAME, cs->check->id, k->line,
                "The risk acceptance of %s names no visible acceptor and covers nothing.",
                cs->check->id);
    if (pol->present && r->remediation &&
        same_person(k->by_key, NULL, r->remediation->owner_key, NULL)) {
        cs->self_accepted = true;
        FINDING(s, RA_RULE_SELF, cs->check->id, k->line,
                "%s accepts the risk of %s and also owns its remediation: the acceptance "
                "is not independent of the fix.",
                k->by, cs->check->id);
    }
}

/* Whether a result holds at least one evidence item that is evidence. */
static bool has_evidence(const ra_result_t *r)
{
    for (size_t i = 0; i < r->nevidence; i++)
        if (ra_evidence_is_valid(&r->evidence[i]))
            return true;
    return false;
}

/* Credit, gap and coverage of one check. */
static void score_check(ra_score_t *s, ra_check_score_t *cs)
{
    const ra_result_t *r = cs->result;
    ra_date_t on = s->record->assessed_on;
    cs->status = r ? r->status : RA_RESULT_NOT_ASSESSED;
    if (!cs->applicable)
        return;
    cs->scored = cs->status != RA_RESULT_NOT_APPLICABLE;
    switch (cs->status) {
    case RA_RESULT_PASS:
        cs->credit = 1;
        if (s->profile->evidence_required && !has_evidence(r)) {
            cs->unevidenced = true;
            cs->credit = 0.5;
        }
        break;
    case RA_RESULT_PARTIAL:
        cs->credit = 0.5;
        break;
    default:
        cs->credit = 0;
        break;
    }
    cs->gap = cs->scored && cs->credit < 1;
    if (!cs->gap || !r)
        return;
    const ra_remediation_t *m = r->remediation;
    if (m && ra_text_has_letter(m->owner) && m->due) {
        cs->remediation = true;
        cs->overdue = m->due < on;
        if (cs->overdue) {
            char due[11], d[11];
            ra_date_format(m->due, due);
            ra_date_format(on, d);
            FINDING(s, RA_RULE_OVERDUE, cs->check->id, m->line,
                    "The remediation of %s (owner %s) was due on %s, before the assessment date "
                    "%s: it is overdue and covers nothing.",
                    cs->check->id, m->owner, due, d);
        }
    }
    if (r->risk)
        score_risk(s, cs);
    cs->covered = cs->risk_accepted || (cs->remediation && !cs->overdue);
}

/* Layer scores as exact integer ratios: credits are halves and check
 * weights integers, so 100 * sum(2*w*credit) / sum(2*w) is one rounding. */
static void score_layers(ra_score_t *s, size_t profile)
{
    const ra_checklist_t *cl = s->checklist;
    double wsum = 0, acc = 0;
    for (size_t l = 0; l < cl->nlayers; l++) {
        ra_layer_score_t *ls = &s->layers[l];
        ls->layer = &cl->layers[l];
        ls->weight = ra_checklist_layer_weight(cl, profile, l);
        long num = 0, den = 0;
        for (size_t i = 0; i < ls->layer->ncheck; i++) {
            const ra_check_score_t *cs = &s->checks[ls->layer->first_check + i];
            ls->applicable += cs->applicable;
            ls->gaps += cs->gap;
            if (!cs->scored)
                continue;
            ls->scored++;
            num += (long)(2 * cs->credit) * cs->check->weight;
            den += 2L * cs->check->weight;
        }
        if (den > 0) {
            ls->has_score = true;
            ls->score = 100.0 * (double)num / (double)den;
            wsum += ls->weight;
            acc += ls->weight * ls->score;
        }
    }
    if (wsum > 0) {
        s->has_score = true;
        s->score = acc / wsum;
    }
}

/* Whether the approver of a is an assessor of the record. */
static bool by_assessor(const ra_record_t *rec, const ra_approval_t *a)
{
    for (size_t i = 0; i < rec->nassessors; i++)
        if (same_person(a->name_key, a->email, rec->assessors[i].name_key, rec->assessors[i].email))
            return true;
    return false;
}

/* Matching of people to required roles, one role per person (distinct-approvers). */
typedef struct {
    const ra_score_t *s;
    const size_t *person; /* per approval: index of the first approval by the same person */
    long *person_role;    /* per approval index of a person: the role it holds, or -1 */
    unsigned char *seen;  /* per person, in the current search */
    long *role_approval;  /* per required role: the approval that meets it, or -1 */
    bool distinct;
} match_t;

/* Whether approval i may meet required role k. */
static bool eligible(const match_t *m, size_t k, size_t i)
{
    const ra_approval_score_t *as = &m->s->approvals[i];
    const ra_approval_t *a = as->approval;
    return strcmp(a->role, m->s->roles[k].role->id) == 0 && a->decision != RA_REJECTED &&
           !as->early && !as->late && !as->assessor && !as->nameless;
}

/* Finds an approval for role k, moving other roles to other people when
 * needed (augmenting path); true when one was found. */
static bool match_role(match_t *m, size_t k)
{
    for (size_t i = 0; i < m->s->napprovals; i++) {
        if (!eligible(m, k, i))
            continue;
        if (!m->distinct) {
            m->role_approval[k] = (long)i;
            return true;
        }
        size_t p = m->person[i];
        if (m->seen[p])
            continue;
        m->seen[p] = 1;
        if (m->person_role[p] < 0 || match_role(m, (size_t)m->person_role[p])) {
            m->person_role[p] = (long)k;
            m->role_approval[k] = (long)i;
            return true;
        }
    }
    return false;
}

/* Findings for an approval of a required role that does not count. */
static void approval_findings(ra_score_t *s, const ra_approval_score_t *as)
{
    const ra_approval_t *a = as->approval;
    const ra_policy_t *pol = &s->profile->policy;
    const char *role = role_label(s->checklist, a->role);
    char d[11], on[11];
    ra_date_format(a->date, d);
    ra_date_format(s->record->assessed_on, on);
    if (as->nameless)
        FINDING(s, RA_RULE_VISIBLE_NAME, NULL, a->line,
                "The approval as %s names no visible approver and does not count.", role);
    if (as->early)
        FINDING(s, RA_RULE_APPROVAL_DATE, NULL, a->line,
                "The approval by %s as %s is dated %s, before the assessment date %s, and does "
                "not count.",
                a->name, role, d, on);
    if (as->late)
        FINDING(s, RA_RULE_WINDOW, NULL, a->line,
                "The approval by %s as %s is dated %s, %ld days after the assessment date, "
                "outside the %d-day approval window, and does not count.",
                a->name, role, d, ra_date_days_between(s->record->assessed_on, a->date),
                pol->approval_window_days);
    if (as->assessor)
        FINDING(s, RA_RULE_INDEPENDENT, NULL, a->line,
                "Approval by an assessor is not independent: %s approves as %s and is an "
                "assessor of the record, so the approval does not count.",
                a->name, role);
}

/* Required roles and approvals: who signed, and whether it counts. */
static ra_status_t score_signoff(ra_score_t *s)
{
    const ra_record_t *rec = s->record;
    const ra_checklist_t *cl = s->checklist;
    const ra_profile_t *p = s->profile;
    const ra_policy_t *pol = &p->policy;
    size_t n = rec->napprovals ? rec->napprovals : 1;
    match_t m = {s, NULL, NULL, NULL, NULL, pol->distinct_approvers};
    size_t *person = calloc(n, sizeof *person);
    m.person_role = malloc(n * sizeof *m.person_role);
    m.seen = calloc(n, 1);
    m.role_approval = malloc((s->nroles ? s->nroles : 1) * sizeof *m.role_approval);
    m.person = person;
    if (!person || !m.person_role || !m.seen || !m.role_approval) {
        free(person);
        free(m.person_role);
        free(m.seen);
        free(m.role_approval);
        return RA_ERR_NOMEM;
    }
    bool rejected = false;
    for (size_t i = 0; i < rec->napprovals; i++) {
        const ra_approval_t *a = &rec->approvals[i];
        ra_approval_score_t *as = &s->approvals[i];
        as->approval = a;
        as->early = a->date < rec->assessed_on;
        as->late = !as->early && pol->approval_window_days > 0 &&
                   ra_date_days_between(rec->assessed_on, a->date) > pol->approval_window_days;
        as->nameless = !ra_text_has_letter(a->name);
        as->assessor = pol->independent_approvers && by_assessor(rec, a);
        rejected |= a->decision == RA_REJECTED;
        for (size_t k = 0; k < p->nsignoff; k++)
            as->required |= strcmp(cl->roles[p->signoff_roles[k]].id, a->role) == 0;
        person[i] = i;
        for (size_t j = 0; j < i && person[i] == i; j++)
            if (same_person(a->name_key, a->email, rec->approvals[j].name_key,
                            rec->approvals[j].email))
                person[i] = person[j];
        m.person_role[i] = -1;
    }
    for (size_t k = 0; k < p->nsignoff; k++) {
        s->roles[k].role = &cl->roles[p->signoff_roles[k]];
        m.role_approval[k] = -1;
    }
    for (size_t k = 0; k < p->nsignoff; k++) {
        memset(m.seen, 0, n);
        match_role(&m, k);
    }
    bool all_met = true;
    for (size_t k = 0; k < p->nsignoff; k++) {
        ra_role_score_t *rs = &s->roles[k];
        rs->state = RA_ROLE_MISSING;
        for (size_t i = 0; i < rec->napprovals; i++) {
            const ra_approval_t *a = &rec->approvals[i];
            if (strcmp(a->role, rs->role->id) != 0)
                continue;
            if (a->decision == RA_REJECTED) {
                rs->state = RA_ROLE_REJECTED;
                rs->approval = a;
                break;
            }
            if (!rs->approval)
                rs->approval = a; /* shown even when it does not count */
        }
        if (rs->state != RA_ROLE_REJECTED && m.role_approval[k] >= 0) {
            rs->state = RA_ROLE_MET;
            rs->approval = &rec->approvals[m.role_approval[k]];
            s->approvals[m.role_approval[k]].counts = true;
        }
        all_met &= rs->state == RA_ROLE_MET;
    }
    /* Why each approval of a required role that decides nothing does not count. */
    for (size_t i = 0; i < rec->napprovals; i++) {
        ra_approval_score_t *as = &s->approvals[i];
        if (!as->required || as->counts || as->approval->decision == RA_REJECTED)
            continue;
        approval_findings(s, as);
        bool fine = !as->early && !as->late && !as->assessor && !as->nameless;
        size_t pi = person[i];
        if (!fine || !m.distinct || m.person_role[pi] < 0)
            continue;
        const char *held = s->roles[m.person_role[pi]].role->name;
        if (strcmp(s->roles[m.person_role[pi]].role->id, as->approval->role) == 0)
            continue; /* a second approval in the role the person already holds */
        as->duplicate = true;
        FINDING(s, RA_RULE_DISTINCT, NULL, as->approval->line,
                "One person cannot hold two required roles: %s already approves as %s, so the "
                "approval as %s does not count.",
                as->approval->name, held, role_label(cl, as->approval->role));
    }
    free(person);
    free(m.person_role);
    free(m.seen);
    free(m.role_approval);
    s->signoff = rejected           ? RA_SIGNOFF_REJECTED
                 : p->nsignoff == 0 ? RA_SIGNOFF_NOT_REQUIRED
                 : all_met          ? RA_SIGNOFF_SIGNED
                                    : RA_SIGNOFF_DRAFT;
    return RA_OK;
}

/* The verdict rules, in order, with the sentence that explains the outcome. */
static void decide_verdict(ra_score_t *s)
{
    const ra_profile_t *p = s->profile;
    ra_buf_t *why = &s->verdict_reason;
    char sc[16];
    ra_score_format(s->has_score, s->score, sc);

    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (cs->applicable && cs->check->gate && cs->credit < 1) {
            s->verdict = RA_VERDICT_NOT_READY;
            if (cs->unevidenced)
                ra_buf_printf(why,
                              "Gate check %s (%s) passes without the evidence this profile "
                              "requires.",
                              cs->check->id, cs->check->title);
            else
                ra_buf_printf(why, "Gate check %s (%s) is not a pass (result: %s).", cs->check->id,
                              cs->check->title, ra_result_status_name(cs->status));
            return;
        }
    }
    if (!s->has_score) {
        s->verdict = RA_VERDICT_NOT_READY;
        ra_buf_puts(why, "No applicable check was scored.");
        return;
    }
    if (s->not_applicable_over_cap) {
        char share[16], cap[16];
        ra_score_format(
            true, 100.0 * (double)s->not_applicable_weight / (double)s->applicable_weight, share);
        ra_score_format(true, 100.0 * p->policy.max_not_applicable, cap);
        s->verdict = RA_VERDICT_NOT_READY;
        ra_buf_printf(why,
                      "%zu of %zu applicable checks are not applicable, %s%% of the applicable "
                      "weight, above the profile's cap of %s%% (max-not-applicable).",
                      s->counts.not_applicable, s->applicable, share, cap);
        return;
    }
    /* Ready needs everything Ready with conditions needs: no uncovered gap. */
    const ra_check_score_t *w3 = NULL, *open = NULL;
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (!cs->gap || cs->risk_accepted)
            continue;
        if (cs->check->weight == 3 && !w3)
            w3 = cs;
        if (!cs->covered && !open)
            open = cs;
    }
    bool ready = s->score >= p->ready - RA_SCORE_EPSILON;
    bool cond = s->score >= p->conditional - RA_SCORE_EPSILON;
    if (ready && !w3 && !open) {
        s->verdict = RA_VERDICT_READY;
        ra_buf_printf(why,
                      "Score %s reaches the ready threshold %g, every gate passes, every gap "
                      "is covered and every weight-3 gap carries an accepted risk.",
                      sc, p->ready);
        return;
    }
    if (cond && !open) {
        s->verdict = RA_VERDICT_CONDITIONAL;
        if (ready)
            ra_buf_printf(why,
                          "Score %s reaches the ready threshold %g, but weight-3 gap %s "
                          "has no unexpired risk acceptance; every gap has a remediation "
                          "plan or an accepted risk.",
                          sc, p->ready, w3->check->id);
        else
            ra_buf_printf(why,
                          "Score %s is below the ready threshold %g but reaches the "
                          "conditional threshold %g, and every gap has a remediation plan "
                          "or an accepted risk.",
                          sc, p->ready, p->conditional);
        return;
    }
    s->verdict = RA_VERDICT_NOT_READY;
    if (!cond)
        ra_buf_printf(why, "Score %s is below the conditional threshold %g.", sc, p->conditional);
    else if (open->overdue && !open->result->risk)
        ra_buf_printf(why,
                      "Gap %s is not covered: its remediation is overdue (an overdue "
                      "remediation covers nothing) and it has no risk acceptance.",
                      open->check->id);
    else if (open->result && open->result->risk && (!open->remediation || open->overdue))
        ra_buf_printf(why, "Gap %s is not covered: its risk acceptance %s%s.", open->check->id,
                      open->risk_expired        ? "has expired"
                      : open->risk_unauthorised ? "was given without the authority to accept it"
                      : open->risk_too_long     ? "runs longer than the profile allows"
                                                : "names no visible acceptor",
                      open->overdue ? " and its remediation is overdue" : "");
    else
        ra_buf_printf(why,
                      "Gap %s has neither a remediation plan (owner and due date) nor an "
                      "unexpired risk acceptance.",
                      open->check->id);
}

ra_status_t ra_score_compute(const ra_checklist_t *cl, const ra_record_t *rec, size_t profile,
                             ra_score_t **out)
{
    *out = NULL;
    if (profile >= cl->nprofiles)
        return RA_ERR_INVALID;
    unsigned long buf_failures = ra_buf_failures();
    ra_score_t *s = calloc(1, sizeof *s);
    const ra_result_t **by_check = calloc(cl->nchecks ? cl->nchecks : 1, sizeof *by_check);
    if (!s || !by_check)
        goto nomem;
    s->checklist = cl;
    s->record = rec;
    s->profile = &cl->profiles[profile];
    s->nchecks = cl->nchecks;
    s->nlayers = cl->nlayers;
    s->nroles = s->profile->nsignoff;
    s->napprovals = rec->napprovals;
    s->checks = calloc(s->nchecks ? s->nchecks : 1, sizeof *s->checks);
    s->layers = calloc(s->nlayers ? s->nlayers : 1, sizeof *s->layers);
    s->roles = calloc(s->nroles ? s->nroles : 1, sizeof *s->roles);
    s->approvals = calloc(s->napprovals ? s->napprovals : 1, sizeof *s->approvals);
    if (!s->checks || !s->layers || !s->roles || !s->approvals)
        goto nomem;

    index_results(cl, rec, by_check);
    int rank = s->profile->rank;
    for (size_t i = 0; i < cl->nchecks; i++) {
        ra_check_score_t *cs = &s->checks[i];
        cs->check = &cl->checks[i];
        cs->result = by_check[i];
        cs->applicable = cl->profiles[cs->check->profile].rank <= rank;
        score_check(s, cs);
        if (!cs->applicable)
            continue;
        s->applicable++;
        s->applicable_weight += cs->check->weight;
        if (cs->status == RA_RESULT_NOT_APPLICABLE)
            s->not_applicable_weight += cs->check->weight;
        s->gaps += cs->gap;
        s->overdue += cs->overdue;
        s->risks_accepted += cs->risk_accepted;
        s->risks_expired += cs->risk_expired;
        if (cs->check->gate) {
            s->gates++;
            s->gates_passed += cs->credit == 1;
        }
        switch (cs->status) {
        case RA_RESULT_PASS:
            if (cs->unevidenced) {
                s->counts.partial++;
                s->counts.unevidenced++;
            } else
                s->counts.pass++;
            break;
        case RA_RESULT_PARTIAL:
            s->counts.partial++;
            break;
        case RA_RESULT_FAIL:
            s->counts.fail++;
            break;
        case RA_RESULT_NOT_APPLICABLE:
            s->counts.not_applicable++;
            break;
        default:
            s->counts.not_assessed++;
            break;
        }
    }
    free(by_check);
    by_check = NULL;
    score_layers(s, profile);
    s->band = s->has_score ? ra_checklist_band(cl, s->score) : "";
    const ra_policy_t *pol = &s->profile->policy;
    if (pol->has_max_not_applicable && s->applicable_weight > 0 &&
        (double)s->not_applicable_weight >
            pol->max_not_applicable * (double)s->applicable_weight + RA_SCORE_EPSILON) {
        char share[16], cap[16];
        s->not_applicable_over_cap = true;
        ra_score_format(
            true, 100.0 * (double)s->not_applicable_weight / (double)s->applicable_weight, share);
        ra_score_format(true, 100.0 * pol->max_not_applicable, cap);
        FINDING(s, RA_RULE_MAX_NA, NULL, 0,
                "Not applicable: %zu of %zu applicable checks, weight %ld of %ld (%s%%), above "
                "the cap of %s%% of the applicable weight; the record is Not ready.",
                s->counts.not_applicable, s->applicable, s->not_applicable_weight,
                s->applicable_weight, share, cap);
    }
    if (score_signoff(s) != RA_OK)
        goto nomem;
    decide_verdict(s);
    /* The sentences are built by unchecked appends; a failed one is out of
     * memory here rather than a finding missing from every output. */
    if (s->findings_lost || ra_buf_failures() != buf_failures)
        goto nomem;
    *out = s;
    return RA_OK;
nomem:
    free(by_check);
    ra_score_free(s);
    return RA_ERR_NOMEM;
}

void ra_score_free(ra_score_t *s)
{
    if (!s)
        return;
    free(s->checks);
    free(s->layers);
    free(s->roles);
    free(s->approvals);
    for (size_t i = 0; i < s->nfindings; i++)
        ra_buf_free(&s->findings[i].text);
    free(s->findings);
    ra_buf_free(&s->verdict_reason);
    free(s);
}

ra_status_t ra_score_ladder(const ra_checklist_t *cl, const ra_record_t *rec, ra_rung_t **out)
{
    ra_rung_t *rungs = calloc(cl->nprofiles ? cl->nprofiles : 1, sizeof *rungs);
    ra_status_t st = rungs ? RA_OK : RA_ERR_NOMEM;
    for (size_t p = 0; p < cl->nprofiles && st == RA_OK; p++) {
        ra_score_t *s = NULL;
        if ((st = ra_score_compute(cl, rec, p, &s)) != RA_OK)
            break;
        rungs[p] =
            (ra_rung_t){s->profile, s->applicable, s->gaps, s->has_score, s->score, s->verdict};
        ra_score_free(s);
    }
    if (st != RA_OK) {
        free(rungs);
        rungs = NULL;
    }
    *out = rungs;
    return st;
}

/* Rank of a gap for ordering: gates first, then heavier checks. */
static int gap_rank(const ra_check_score_t *cs)
{
    return (cs->check->gate ? 10 : 0) + cs->check->weight;
}

size_t ra_score_gaps_by_priority(const ra_score_t *s, size_t *idx, size_t max)
{
    size_t n = 0;
    for (int rank = 13; rank >= 0 && n < max; rank--)
        for (size_t i = 0; i < s->nchecks && n < max; i++)
            if (s->checks[i].gap && gap_rank(&s->checks[i]) == rank)
                idx[n++] = i;
    return n;
}
