/* format_diff.c - the text and JSON forms of `readyaudit diff`. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "format/format.h"
#include "base/hash.h"

void ra_format_system(const ra_record_t *rec, ra_buf_t *out)
{
    if (rec->system_id)
        ra_buf_printf(out, "system id %s", rec->system_id);
    else
        ra_buf_printf(out, "\"%s\" of \"%s\", no system id", rec->system_name, rec->organisation);
}

void ra_delta_format(bool has, double delta, char out[16])
{
    if (!has) {
        snprintf(out, 16, "n/a");
        return;
    }
    /* One decimal as the report rounds it; a delta that rounds to zero has no sign. */
    double r = round(delta * 10) / 10;
    if (r == 0)
        snprintf(out, 16, "0.0");
    else
        snprintf(out, 16, "%+.1f", r);
}

/* The status a side gives a check: its XML spelling, or NULL when the
 * check does not apply to that side's profile. */
static const char *side_status(const ra_check_score_t *cs)
{
    if (!cs->applicable)
        return NULL;
    return cs->unevidenced ? "pass-unevidenced" : ra_result_status_name(cs->status);
}

/* "Old  ID, assessed DATE: score S (BAND), VERDICT, SIGN-OFF". */
static void text_side(FILE *f, const char *label, const ra_score_t *s)
{
    char date[11], sc[16];
    ra_date_format(s->record->assessed_on, date);
    ra_score_format(s->has_score, s->score, sc);
    fprintf(f, "%s  %s, assessed %s, checklist %s: score %s (%s), %s, %s\n", label, s->record->id,
            date, s->record->checklist_version, sc, s->band && *s->band ? s->band : "no band",
            ra_verdict_label(s->verdict), ra_signoff_label(s->signoff));
}

ra_status_t ra_format_diff_text(FILE *f, const ra_diff_t *d)
{
    const ra_score_t *o = d->old, *n = d->new_;
    const ra_checklist_t *cl = n->checklist;
    char a[16], b[16], c[16];
    fprintf(f, "%s  %s\n", n->record->system_name, n->record->organisation);
    if (!d->same_system) {
        ra_buf_t os = RA_BUF_INIT, ns = RA_BUF_INIT;
        ra_format_system(o->record, &os);
        ra_format_system(n->record, &ns);
        fprintf(f, "Different systems (compared with --force): old %s; new %s\n", ra_buf_str(&os),
                ra_buf_str(&ns));
        ra_buf_free(&os);
        ra_buf_free(&ns);
    }
    text_side(f, "Old", o);
    text_side(f, "New", n);
    ra_delta_format(d->has_delta, d->score_delta, a);
    fprintf(f, "Score delta  %s\n", a);
    if (d->versions_differ)
        fprintf(f,
                "Checklist versions differ: old %s, new %s; compared check by check under %s "
                "%s\n",
                o->record->checklist_version, n->record->checklist_version, cl->id, cl->version);
    fprintf(f, "\n  %-28s %7s %7s %7s\n", "Layer", "Old", "New", "Delta");
    for (size_t i = 0; i < d->nlayers; i++) {
        const ra_layer_diff_t *l = &d->layers[i];
        ra_score_format(l->has_old, l->old, a);
        ra_score_format(l->has_new, l->new_, b);
        ra_delta_format(l->has_old && l->has_new, l->delta, c);
        fprintf(f, "  %-28s %7s %7s %7s\n", l->layer->name, a, b, c);
    }
    fprintf(f, "\nChecks (%zu):", d->nchecks);
    for (int k = 0; k < RA_CHANGE_COUNT; k++)
        fprintf(f, "%s %zu %s", k ? "," : "", d->counts[k], ra_change_name((ra_change_t)k));
    fputc('\n', f);
    for (int k = 0; k < RA_CHANGE_UNCHANGED; k++)
        for (size_t i = 0; i < d->nchecks; i++) {
            const ra_check_diff_t *x = &d->checks[i];
            if (x->change != (ra_change_t)k)
                continue;
            const char *os = side_status(x->old), *ns = side_status(x->new_);
            fprintf(f, "  %-11s %-8s %s -> %s\n", ra_change_name(x->change), x->check->id,
                    os ? os : "(not in profile)", ns ? ns : "(not in profile)");
        }
    if (d->nitems)
        fprintf(f, "\nRemediations and risk acceptances\n");
    for (size_t i = 0; i < d->nitems; i++) {
        const ra_diff_item_t *it = &d->items[i];
        char od[11] = "", nd[11] = "";
        switch (it->kind) {
        case RA_ITEM_COMPLETED:
            ra_date_format(it->old->remediation->due, od);
            fprintf(f, "  %-11s %-8s remediation by %s (due %s) done\n", "completed", it->check->id,
                    it->old->remediation->owner, od);
            break;
        case RA_ITEM_SLIPPED:
            ra_date_format(it->old->remediation->due, od);
            ra_date_format(it->new_->remediation->due, nd);
            fprintf(f, "  %-11s %-8s remediation by %s due %s, was %s\n", "slipped", it->check->id,
                    it->new_->remediation->owner, nd, od);
            break;
        case RA_ITEM_OVERDUE:
            ra_date_format(it->new_->remediation->due, nd);
            fprintf(f, "  %-11s %-8s remediation by %s was due %s\n", "overdue", it->check->id,
                    it->new_->remediation->owner, nd);
            break;
        case RA_ITEM_RISK_EXPIRED:
            ra_date_format(it->new_->risk->expires, nd);
            fprintf(f, "  %-11s %-8s risk accepted by %s expired %s\n", "expired", it->check->id,
                    it->new_->risk->by, nd);
            break;
        default:
            ra_date_format(it->new_->risk->expires, nd);
            fprintf(f, "  %-11s %-8s risk accepted by %s until %s\n", "new", it->check->id,
                    it->new_->risk->by, nd);
            break;
        }
    }
    if (d->napprovals)
        fprintf(f, "\nApprovals\n");
    for (size_t i = 0; i < d->napprovals; i++) {
        const ra_approval_diff_t *x = &d->approvals[i];
        const ra_approval_t *p = x->new_ ? x->new_ : x->old;
        fprintf(f, "  %-11s %s as %s: ", ra_approval_change_name(x->change), p->name, p->role);
        if (x->change == RA_APPROVAL_CHANGED)
            fprintf(f, "%s -> %s\n", ra_decision_name(x->old->decision),
                    ra_decision_name(x->new_->decision));
        else
            fprintf(f, "%s\n", ra_decision_name(p->decision));
    }
    return ferror(f) ? RA_ERR_IO : RA_OK;
}

static json_t *jdate(ra_date_t d)
{
    char s[11];
    ra_date_format(d, s);
    return d ? json_string(s) : json_null();
}

static json_t *jnum(bool has, double v)
{
    return has ? json_real(v) : json_null();
}

static json_t *jstatus(const ra_check_score_t *cs)
{
    const char *s = side_status(cs);
    return s ? json_string(s) : json_null();
}

/* One record's side of the comparison. */
static json_t *json_side(const ra_score_t *s)
{
    const ra_record_t *r = s->record;
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "assessment", r->id,
                     "system", ra_record_system_key(r), "system_name", r->system_name,
                     "assessed_on", jdate(r->assessed_on), "checklist_version",
                     r->checklist_version, "profile", s->profile->id, "record_sha256", "", "score",
                     jnum(s->has_score, s->score), "band",
                     s->band && *s->band ? json_string(s->band) : json_null(), "verdict",
                     ra_verdict_name(s->verdict), "signoff", ra_signoff_name(s->signoff));
}

/* The result's remediation due date, or null. */
static json_t *jdue(const ra_result_t *r)
{
    return r && r->remediation ? jdate(r->remediation->due) : json_null();
}

ra_status_t ra_format_diff_json(FILE *f, const ra_diff_t *d)
{
    json_t *root = json_object();
    json_t *old = json_side(d->old), *nw = json_side(d->new_);
    char hex[65];
    ra_hex(d->old->record->sha256, 32, hex);
    json_object_set_new(old, "record_sha256", json_string(hex));
    ra_hex(d->new_->record->sha256, 32, hex);
    json_object_set_new(nw, "record_sha256", json_string(hex));
    json_object_set_new(root, "old", old);
    json_object_set_new(root, "new", nw);
    json_object_set_new(root, "same_system", json_boolean(d->same_system));
    json_object_set_new(root, "checklist",
                        json_pack("{s:s, s:s, s:b}", "id", d->new_->checklist->id, "version",
                                  d->new_->checklist->version, "versions_differ",
                                  d->versions_differ));
    json_object_set_new(root, "score_delta", jnum(d->has_delta, d->score_delta));
    json_t *layers = json_array();
    for (size_t i = 0; i < d->nlayers; i++) {
        const ra_layer_diff_t *l = &d->layers[i];
        json_array_append_new(layers,
                              json_pack("{s:s, s:o, s:o, s:o}", "id", l->layer->id, "old",
                                        jnum(l->has_old, l->old), "new", jnum(l->has_new, l->new_),
                                        "delta", jnum(l->has_old && l->has_new, l->delta)));
    }
    json_object_set_new(root, "layers", layers);
    json_t *counts = json_object();
    for (int k = 0; k < RA_CHANGE_COUNT; k++)
        json_object_set_new(counts, ra_change_name((ra_change_t)k),
                            json_integer((json_int_t)d->counts[k]));
    json_object_set_new(root, "counts", counts);
    json_t *checks = json_array();
    for (size_t i = 0; i < d->nchecks; i++) {
        const ra_check_diff_t *x = &d->checks[i];
        json_array_append_new(checks,
                              json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", x->check->id, "layer",
                                        d->new_->checklist->layers[x->check->layer].id, "change",
                                        ra_change_name(x->change), "old", jstatus(x->old), "new",
                                        jstatus(x->new_)));
    }
    json_object_set_new(root, "checks", checks);
    json_t *rem = json_pack("{s:[], s:[], s:[]}", "completed", "slipped", "overdue");
    json_t *risks = json_pack("{s:[], s:[]}", "expired", "new");
    for (size_t i = 0; i < d->nitems; i++) {
        const ra_diff_item_t *it = &d->items[i];
        const char *name = ra_item_kind_name(it->kind);
        if (it->kind <= RA_ITEM_OVERDUE) {
            const ra_remediation_t *m =
                it->new_ && it->new_->remediation ? it->new_->remediation : it->old->remediation;
            json_array_append_new(json_object_get(rem, name),
                                  json_pack("{s:s, s:s, s:o, s:o}", "check", it->check->id, "owner",
                                            m->owner, "old_due", jdue(it->old), "new_due",
                                            jdue(it->new_)));
        } else {
            const ra_risk_t *r = it->new_->risk;
            json_array_append_new(json_object_get(risks, name),
                                  json_pack("{s:s, s:s, s:s, s:o, s:o}", "check", it->check->id,
                                            "by", r->by, "role", r->role, "date", jdate(r->date),
                                            "expires", jdate(r->expires)));
        }
    }
    json_object_set_new(root, "remediations", rem);
    json_object_set_new(root, "risk_acceptances", risks);
    json_t *apps = json_array();
    for (size_t i = 0; i < d->napprovals; i++) {
        const ra_approval_diff_t *x = &d->approvals[i];
        const ra_approval_t *p = x->new_ ? x->new_ : x->old;
        json_array_append_new(
            apps,
            json_pack("{s:s, s:s, s:s, s:o, s:o}", "change", ra_approval_change_name(x->change),
                      "name", p->name, "role", p->role, "old",
                      x->old ? json_string(ra_decision_name(x->old->decision)) : json_null(), "new",
                      x->new_ ? json_string(ra_decision_name(x->new_->decision)) : json_null()));
    }
    json_object_set_new(root, "approvals", apps);
    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0)
        return RA_ERR_IO;
    fputc('\n', f);
    return ferror(f) ? RA_ERR_IO : RA_OK;
}
