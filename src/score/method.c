/* method.c - the methodology prose, from the checklist's profiles, weights and bands. */
#include "score/method.h"

#include <stdio.h>

#include "base/number.h"
#include "score/score.h"

/* Number of checks that apply at a profile (its own and those below it). */
static size_t checks_at(const ra_checklist_t *cl, size_t p)
{
    size_t n = 0;
    for (size_t i = 0; i < cl->nchecks; i++)
        n += cl->profiles[cl->checks[i].profile].rank <= cl->profiles[p].rank;
    return n;
}

ra_status_t ra_method_text(const ra_checklist_t *cl, ra_buf_t *b)
{
    char num[32];
    ra_buf_printf(b, "Applicable checks. A record is scored at its profile. The checks that "
                     "apply are those of that profile and of every profile ranked below it:");
    for (size_t p = 0; p < cl->nprofiles; p++)
        ra_buf_printf(b, "%s %s (rank %d) %zu", p ? ";" : "", cl->profiles[p].name,
                      cl->profiles[p].rank, checks_at(cl, p));
    ra_buf_printf(b, " checks.\n\n");

    ra_buf_puts(b, "Credit. Each applicable check earns credit from its result: pass 1, partial "
                   "0.5, fail 0, and 0 when the record has no result for it (not assessed). A "
                   "not-applicable check leaves the calculation; it needs a justification, and a "
                   "gate check cannot be not applicable.");
    size_t nev = 0;
    for (size_t p = 0; p < cl->nprofiles; p++)
        if (cl->profiles[p].evidence_required)
            ra_buf_printf(b, "%s%s", nev++ ? ", " : " Where the profile requires evidence (",
                          cl->profiles[p].name);
    if (nev)
        ra_buf_puts(b, "), a pass without any evidence item is credited 0.5 and counts as a gap, "
                       "marked unevidenced.");
    ra_buf_puts(b, "\n\n");

    ra_buf_puts(b, "Layer score. S = 100 \xC3\x97 \xCE\xA3(w \xC3\x97 credit) / \xCE\xA3w over the "
                   "layer's applicable checks that are not not-applicable, where w is the check's "
                   "weight (1, 2 or 3). A layer with no such check has no score (n/a) and leaves "
                   "the mean.\n\n");

    ra_buf_puts(b, "Maturity score. M = \xCE\xA3(W \xC3\x97 S) / \xCE\xA3W over the layers that "
                   "have a score, where W is the layer's weight:");
    for (size_t l = 0; l < cl->nlayers; l++) {
        ra_number_shortest(cl->layers[l].weight, num);
        ra_buf_printf(b, "%s %s %s", l ? "," : "", cl->layers[l].name, num);
    }
    for (size_t p = 0; p < cl->nprofiles; p++) {
        const ra_profile_t *pr = &cl->profiles[p];
        if (pr->nweights)
            ra_buf_printf(b, "; at the %s profile", pr->name);
        for (size_t k = 0; k < pr->nweights; k++) {
            ra_number_shortest(pr->weights[k].weight, num);
            ra_buf_printf(b, "%s %s %s", k ? "," : "", cl->layers[pr->weights[k].layer].name, num);
        }
    }
    ra_buf_printf(b, ". The report shows M with one decimal, halves rounded up; JSON output "
                     "carries the unrounded value. Thresholds compare the unrounded value, and a "
                     "value within 10^-9 of a threshold counts as equal to it.\n\n");

    ra_buf_puts(b, "Band. The highest band whose minimum the score reaches:");
    for (size_t i = 0; i < cl->nbands; i++) {
        ra_number_shortest(cl->bands[i].min, num);
        ra_buf_printf(b, "%s %s from %s", i ? ";" : "", cl->bands[i].label, num);
    }
    ra_buf_puts(b, ".\n\n");

    ra_buf_puts(b, "Gaps. A gap is an applicable check that is partial, fail, not assessed or "
                   "unevidenced. The assessment date is the reference for every date: a "
                   "remediation is overdue when it is due before it, and a risk acceptance is "
                   "unexpired when it expires on or after it.\n\n");

    ra_buf_puts(b, "Verdict. Not ready if any gate check");
    size_t ng = 0;
    for (size_t i = 0; i < cl->nchecks; i++)
        if (cl->checks[i].gate)
            ra_buf_printf(b, "%s%s", ng++ ? ", " : " (", cl->checks[i].id);
    ra_buf_printf(b,
                  "%s is not a credited pass. Otherwise Ready if M reaches the profile's ready "
                  "threshold and every weight-3 gap carries an unexpired risk acceptance; "
                  "otherwise Ready with conditions if M reaches the conditional threshold and "
                  "every gap has a remediation (owner and due date) or an unexpired risk "
                  "acceptance; otherwise Not ready. Thresholds (ready / conditional):",
                  ng ? ")" : "");
    for (size_t p = 0; p < cl->nprofiles; p++)
        ra_buf_printf(b, "%s %s %g / %g", p ? ";" : "", cl->profiles[p].name, cl->profiles[p].ready,
                      cl->profiles[p].conditional);
    ra_buf_puts(b, ".\n\n");

    ra_buf_puts(b, "Sign-off. Rejected if any approval is a rejection; otherwise Signed off when "
                   "every role the profile requires has an approval, with or without conditions, "
                   "dated on or after the assessment date; otherwise Draft. Required roles:");
    for (size_t p = 0; p < cl->nprofiles; p++) {
        const ra_profile_t *pr = &cl->profiles[p];
        ra_buf_printf(b, "%s %s:", p ? ";" : "", pr->name);
        for (size_t k = 0; k < pr->nsignoff; k++)
            ra_buf_printf(b, "%s %s", k ? "," : "", cl->roles[pr->signoff_roles[k]].name);
        if (!pr->nsignoff)
            ra_buf_puts(b, " none");
    }
    ra_buf_puts(b, ". A report that is not signed off carries a DRAFT (or REJECTED) mark on every "
                   "page.");
    return b->data ? RA_OK : RA_ERR_NOMEM;
}
