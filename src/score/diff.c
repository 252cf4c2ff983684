/* diff.c - compares two assessments of one system check by check. */
#include "score/diff.h"

#include <stdlib.h>
#include <string.h>

static const char *const change_names[] = {
    "regressed", "new-gap", "closed-gap", "improved", "added", "removed", "unchanged",
};
_Static_assert(sizeof change_names / sizeof *change_names == RA_CHANGE_COUNT,
               "change_names matches ra_change_t");

static const char *const item_names[] = {
    "completed", "slipped", "overdue", "expired", "new",
};
_Static_assert(sizeof item_names / sizeof *item_names == RA_ITEM_COUNT,
               "item_names matches ra_item_kind_t");

const char *ra_change_name(ra_change_t c)
{
    return c < RA_CHANGE_COUNT ? change_names[c] : "?";
}

const char *ra_item_kind_name(ra_item_kind_t k)
{
    return k < RA_ITEM_COUNT ? item_names[k] : "?";
}

const char *ra_approval_change_name(ra_approval_change_t c)
{
    return c == RA_APPROVAL_CHANGED ? "changed" : c == RA_APPROVAL_REMOVED ? "removed" : "added";
}

/* The rank of a scored check's status: not-assessed 0, fail 1, partial or
 * unevidenced pass 2, pass 3. */
static int rank(const ra_check_score_t *cs)
{
    switch (cs->status) {
    case RA_RESULT_PASS:
        return cs->unevidenced ? 2 : 3;
    case RA_RESULT_PARTIAL:
        return 2;
    case RA_RESULT_FAIL:
        return 1;
    default:
        return 0;
    }
}

/* The kind of change of one check (diff.h). */
static ra_change_t classify(const ra_check_score_t *o, const ra_check_score_t *n)
{
    if (!o->scored && !n->scored)
        return RA_CHANGE_UNCHANGED;
    if (!o->scored)
        return RA_CHANGE_ADDED;
    if (!n->scored)
        return RA_CHANGE_REMOVED;
    if (o->gap && !n->gap)
        return RA_CHANGE_CLOSED_GAP;
    if (!o->gap && n->gap)
        return RA_CHANGE_NEW_GAP;
    if (o->gap && rank(n) > rank(o))
        return RA_CHANGE_IMPROVED;
    if (o->gap && rank(n) < rank(o))
        return RA_CHANGE_REGRESSED;
    return RA_CHANGE_UNCHANGED;
}

/* Has the acceptance expired before the record's date? The rule of the
 * score's risk_expired, which the score sets only for a gap: a change of
 * acceptance is reported for any result that carries one. */
static bool expired(const ra_risk_t *r, const ra_record_t *rec)
{
    return r && r->expires < rec->assessed_on;
}

/* The state changes of a check's remediation and acceptance, appended to d->items. */
static void add_items(ra_diff_t *d, const ra_check_diff_t *c, ra_item_kind_t kind)
{
    const ra_result_t *o = c->old->result, *n = c->new_->result;
    const ra_remediation_t *om = o ? o->remediation : NULL, *nm = n ? n->remediation : NULL;
    const ra_risk_t *orisk = o ? o->risk : NULL, *nrisk = n ? n->risk : NULL;
    const ra_record_t *orec = d->old->record, *nrec = d->new_->record;
    bool hit = false;
    switch (kind) {
    case RA_ITEM_COMPLETED:
        hit = c->change == RA_CHANGE_CLOSED_GAP && om;
        break;
    case RA_ITEM_SLIPPED:
        hit = om && nm && c->new_->gap && nm->due > om->due;
        break;
    case RA_ITEM_OVERDUE:
        hit = c->new_->overdue && !c->old->overdue;
        break;
    case RA_ITEM_RISK_EXPIRED:
        hit = nrisk && expired(nrisk, nrec) && !(orisk && expired(orisk, orec));
        break;
    default:
        hit = nrisk && !expired(nrisk, nrec) &&
              !(orisk && orisk->date == nrisk->date && strcmp(orisk->by_key, nrisk->by_key) == 0);
        break;
    }
    if (hit)
        d->items[d->nitems++] = (ra_diff_item_t){kind, c->check, o, n};
}

/* Does the approval list hold one by the same person in the same role? */
static const ra_approval_t *match(const ra_record_t *rec, const ra_approval_t *a)
{
    for (size_t i = 0; i < rec->napprovals; i++) {
        const ra_approval_t *b = &rec->approvals[i];
        if (strcmp(a->role, b->role) == 0 && a->name_key[0] &&
            strcmp(a->name_key, b->name_key) == 0)
            return b;
    }
    return NULL;
}

ra_status_t ra_diff_compute(const ra_score_t *old, const ra_score_t *new_, ra_diff_t **out)
{
    *out = NULL;
    if (old->checklist != new_->checklist || old->nchecks != new_->nchecks ||
        old->nlayers != new_->nlayers)
        return RA_ERR_INVALID;
    const ra_record_t *orec = old->record, *nrec = new_->record;
    ra_status_t st = RA_ERR_NOMEM;
    ra_diff_t *d = calloc(1, sizeof *d);
    if (!d)
        goto fail;
    d->old = old;
    d->new_ = new_;
    d->same_system = strcmp(ra_record_system_key(orec), ra_record_system_key(nrec)) == 0;
    d->versions_differ = strcmp(orec->checklist_version, nrec->checklist_version) != 0;
    d->has_delta = old->has_score && new_->has_score;
    d->score_delta = d->has_delta ? new_->score - old->score : 0;
    d->layers = calloc(old->nlayers ? old->nlayers : 1, sizeof *d->layers);
    d->checks = calloc(old->nchecks ? old->nchecks : 1, sizeof *d->checks);
    d->items = calloc(old->nchecks * RA_ITEM_COUNT + 1, sizeof *d->items);
    d->approvals = calloc(orec->napprovals + nrec->napprovals + 1, sizeof *d->approvals);
    if (!d->layers || !d->checks || !d->items || !d->approvals)
        goto fail;
    for (size_t i = 0; i < old->nlayers; i++) {
        const ra_layer_score_t *o = &old->layers[i], *n = &new_->layers[i];
        d->layers[i] = (ra_layer_diff_t){.layer = o->layer,
                                         .has_old = o->has_score,
                                         .has_new = n->has_score,
                                         .old = o->score,
                                         .new_ = n->score,
                                         .delta = n->score - o->score};
    }
    d->nlayers = old->nlayers;
    for (size_t i = 0; i < old->nchecks; i++) {
        const ra_check_score_t *o = &old->checks[i], *n = &new_->checks[i];
        if (!o->applicable && !n->applicable)
            continue;
        ra_check_diff_t *c = &d->checks[d->nchecks++];
        *c = (ra_check_diff_t){o->check, classify(o, n), o, n};
        d->counts[c->change]++;
    }
    for (int k = 0; k < RA_ITEM_COUNT; k++)
        for (size_t i = 0; i < d->nchecks; i++)
            add_items(d, &d->checks[i], (ra_item_kind_t)k);
    for (size_t i = 0; i < orec->napprovals; i++) {
        const ra_approval_t *a = &orec->approvals[i], *b = match(nrec, a);
        if (!b)
            d->approvals[d->napprovals++] = (ra_approval_diff_t){RA_APPROVAL_REMOVED, a, NULL};
        else if (a->decision != b->decision)
            d->approvals[d->napprovals++] = (ra_approval_diff_t){RA_APPROVAL_CHANGED, a, b};
    }
    for (size_t i = 0; i < nrec->napprovals; i++)
        if (!match(orec, &nrec->approvals[i]))
            d->approvals[d->napprovals++] =
                (ra_approval_diff_t){RA_APPROVAL_ADDED, NULL, &nrec->approvals[i]};
    *out = d;
    return RA_OK;
fail:
    ra_diff_free(d);
    return st;
}

void ra_diff_free(ra_diff_t *d)
{
    if (!d)
        return;
    free(d->layers);
    free(d->checks);
    free(d->items);
    free(d->approvals);
    free(d);
}
