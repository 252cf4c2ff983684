/* score.c - the methodology of DESIGN.md "Scoring", as pure functions. */
#include "score/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Credit, gap and remediation state of one check. */
static void score_check(const ra_profile_t *p, ra_date_t on, ra_check_score_t *cs)
{
    const ra_result_t *r = cs->result;
    cs->status = r ? r->status : RA_RESULT_NOT_ASSESSED;
    if (!cs->applicable)
        return;
    cs->scored = cs->status != RA_RESULT_NOT_APPLICABLE;
    switch (cs->status) {
    case RA_RESULT_PASS:
        cs->credit = 1;
        if (p->evidence_required && r->nevidence == 0) {
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
    if (r->remediation && *r->remediation->owner && r->remediation->due) {
        cs->remediation = true;
        cs->overdue = r->remediation->due < on;
    }
    if (r->risk) {
        cs->risk_accepted = r->risk->expires >= on;
        cs->risk_expired = !cs->risk_accepted;
    }
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

/* Required roles and approvals: who signed, and whether it counts. */
static void score_signoff(ra_score_t *s)
{
    const ra_record_t *rec = s->record;
    const ra_checklist_t *cl = s->checklist;
    const ra_profile_t *p = s->profile;
    bool rejected = false;
    for (size_t i = 0; i < rec->napprovals; i++) {
        const ra_approval_t *a = &rec->approvals[i];
        ra_approval_score_t *as = &s->approvals[i];
        as->approval = a;
        as->early = a->date < rec->assessed_on;
        rejected |= a->decision == RA_REJECTED;
        for (size_t k = 0; k < p->nsignoff; k++)
            as->required |= strcmp(cl->roles[p->signoff_roles[k]].id, a->role) == 0;
    }
    bool all_met = true;
    for (size_t k = 0; k < p->nsignoff; k++) {
        ra_role_score_t *rs = &s->roles[k];
        rs->role = &cl->roles[p->signoff_roles[k]];
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
            if (!s->approvals[i].early && rs->state == RA_ROLE_MISSING) {
                rs->state = RA_ROLE_MET;
                rs->approval = a;
            } else if (!rs->approval) {
                rs->approval = a; /* an early approval, shown but not counted */
            }
        }
        all_met &= rs->state == RA_ROLE_MET;
    }
    s->signoff = rejected ? RA_SIGNOFF_REJECTED : all_met ? RA_SIGNOFF_SIGNED : RA_SIGNOFF_DRAFT;
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
    const ra_check_score_t *w3 = NULL, *open = NULL;
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (!cs->gap || cs->risk_accepted)
            continue;
        if (cs->check->weight == 3 && !w3)
            w3 = cs;
        if (!cs->remediation && !open)
            open = cs;
    }
    bool ready = s->score >= p->ready - RA_SCORE_EPSILON;
    bool cond = s->score >= p->conditional - RA_SCORE_EPSILON;
    if (ready && !w3) {
        s->verdict = RA_VERDICT_READY;
        ra_buf_printf(why,
                      "Score %s reaches the ready threshold %g, every gate passes and no "
                      "weight-3 gap is open without an accepted risk.",
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
        score_check(s->profile, rec->assessed_on, cs);
        if (!cs->applicable)
            continue;
        s->applicable++;
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
    score_layers(s, profile);
    s->band = s->has_score ? ra_checklist_band(cl, s->score) : "";
    score_signoff(s);
    decide_verdict(s);
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
