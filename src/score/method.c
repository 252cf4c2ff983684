/* method.c - the methodology prose, from the checklist's profiles, weights and bands. */
#include "score/method.h"

#include <math.h>
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

/* The smallest min-weight of p's risk-authority elements above floor; 0 when none. */
static int next_tier(const ra_profile_t *p, int floor)
{
    int next = 0;
    for (size_t i = 0; i < p->nauthorities; i++) {
        int w = p->authorities[i].min_weight;
        if (w > floor && (!next || w < next))
            next = w;
    }
    return next;
}

/* Appends who may accept which risks under p: one clause per tier, lowest first. */
static void authority_text(const ra_checklist_t *cl, const ra_profile_t *p, ra_buf_t *b)
{
    int tier = next_tier(p, 0);
    if (!tier) {
        ra_buf_puts(b, " Risk authority: a person in any role may accept a risk.");
        return;
    }
    ra_buf_puts(b, " Risk authority: a gap on a check of weight");
    for (bool first = true; tier; first = false) {
        int next = next_tier(p, tier);
        ra_buf_printf(b, "%s", first ? "" : "; one of weight");
        if (!next)
            ra_buf_printf(b, " %d or more", tier);
        else if (next == tier + 1)
            ra_buf_printf(b, " %d", tier);
        else
            ra_buf_printf(b, " %d to %d", tier, next - 1);
        ra_buf_puts(b, first ? " may be accepted only by the " : " only by the ");
        ra_profile_tier_roles(cl, p, tier, b);
        tier = next;
    }
    int lowest = next_tier(p, 0);
    if (lowest > 1)
        ra_buf_printf(b, "; one of weight below %d by any role", lowest);
    ra_buf_puts(b, " (risk-authority).");
}

/* Appends the paragraph on profile p's governance policy. */
static void policy_text(const ra_checklist_t *cl, const ra_profile_t *p, ra_buf_t *b)
{
    const ra_policy_t *pol = &p->policy;
    char num[32];
    ra_buf_printf(b, "\n\nPolicy of the %s profile.", p->name);
    if (pol->distinct_approvers)
        ra_buf_puts(b, " Distinct approvers: one person counts for one required role only "
                       "(distinct-approvers).");
    else
        ra_buf_puts(b, " One person may approve in more than one required role.");
    if (pol->independent_approvers)
        ra_buf_puts(b, " Independent approvers: an approval by an assessor of the record does not "
                       "count (independent-approvers).");
    else
        ra_buf_puts(b, " An assessor of the record may also approve.");
    if (pol->approval_window_days > 0)
        ra_buf_printf(b,
                      " Approval window: an approval counts only when it is dated at most %d days "
                      "after the assessment date (approval-window-days).",
                      pol->approval_window_days);
    else
        ra_buf_puts(b, " Approvals have no window after the assessment date.");
    if (pol->has_max_not_applicable) {
        /* 100 * 0.1 is 10.000000000000002 in binary: print the percentage the checklist meant. */
        ra_number_shortest(round(100.0 * pol->max_not_applicable * 1e6) / 1e6, num);
        ra_buf_printf(b,
                      " Not applicable: when more than %s%% of the applicable weight is not "
                      "applicable, the record is Not ready (max-not-applicable).",
                      num);
    } else
        ra_buf_puts(b, " Not applicable: no cap on the share of not-applicable checks.");
    authority_text(cl, p, b);
    if (pol->risk_acceptance_max_days > 0)
        ra_buf_printf(b,
                      " Term: a risk acceptance may run at most %d days from the date it was "
                      "given to its expiry (risk-acceptance-max-days).",
                      pol->risk_acceptance_max_days);
    else
        ra_buf_puts(b, " A risk acceptance may run for any term.");
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

    ra_buf_puts(b,
                "Credit. Each applicable check earns credit from its result: pass 1, partial "
                "0.5, fail 0, and 0 when the record has no result for it (not assessed). A "
                "not-applicable check leaves the calculation; it needs a justification that says "
                "why in at least three words (so \"x\", \"n/a\" or \"-\" is refused: "
                "justification), and a gate check cannot be not applicable.");
    size_t nev = 0;
    for (size_t p = 0; p < cl->nprofiles; p++)
        if (cl->profiles[p].evidence_required)
            ra_buf_printf(b, "%s%s", nev++ ? ", " : " Where the profile requires evidence (",
                          cl->profiles[p].name);
    if (nev)
        ra_buf_puts(b, "), a pass without an evidence item that is evidence is credited 0.5 and "
                       "counts as a gap, "
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

    ra_buf_puts(b, "Evidence. An evidence item is evidence only when it says where to look: a "
                   "link needs an absolute http or https URL, a document its name and a ticket its "
                   "id, and a note needs a text of at least three words. An item without them is "
                   "a validation error (evidence-reference).\n\n");

    ra_buf_puts(b, "People. Every name of a person (assessor, approver, remediation owner, risk "
                   "acceptor) must hold a visible letter once white space and format characters "
                   "such as U+200B are removed (visible-name). Two entries name the same person "
                   "when their names are equal after Unicode normalisation (NFC), case folding "
                   "and collapsing white space, or when both give the same e-mail address, "
                   "ignoring case.\n\n");

    ra_buf_puts(b,
                "Gaps. A gap is an applicable check that is partial, fail, not assessed or "
                "unevidenced. The assessment date is the reference for every date: a "
                "remediation is overdue when it is due before it, and a risk acceptance is "
                "unexpired when it expires on or after it. A gap is covered by a risk "
                "acceptance that is unexpired, named, authorised and within its term under the "
                "profile's policy, or by a remediation with an owner and a due date that is not "
                "yet past. An overdue remediation covers nothing (overdue-remediation), nor does "
                "an expired acceptance (expired-acceptance); both are named on the cover and "
                "the summary. Under a profile with a policy, an acceptance by the owner of "
                "the same check's remediation is flagged as self-acceptance (self-acceptance) "
                "but still covers the gap.\n\n");

    bool capped = false;
    for (size_t p = 0; p < cl->nprofiles; p++)
        capped |= cl->profiles[p].policy.has_max_not_applicable;
    ra_buf_puts(b, "Verdict. Not ready if any gate check");
    size_t ng = 0;
    for (size_t i = 0; i < cl->nchecks; i++)
        if (cl->checks[i].gate)
            ra_buf_printf(b, "%s%s", ng++ ? ", " : " (", cl->checks[i].id);
    ra_buf_printf(b,
                  "%s is not a credited pass%s. Otherwise Ready "
                  "if M reaches the profile's ready threshold, every gap is covered and every "
                  "weight-3 gap is covered by a risk acceptance; otherwise Ready with conditions "
                  "if M reaches the conditional threshold and every gap is covered; otherwise Not "
                  "ready. Ready therefore needs everything Ready with conditions needs. Thresholds "
                  "(ready / conditional):",
                  ng ? ")" : "",
                  capped ? ", or if more of the applicable weight is not applicable than the "
                           "profile's cap allows (max-not-applicable)"
                         : "");
    for (size_t p = 0; p < cl->nprofiles; p++)
        ra_buf_printf(b, "%s %s %g / %g", p ? ";" : "", cl->profiles[p].name, cl->profiles[p].ready,
                      cl->profiles[p].conditional);
    ra_buf_puts(b, ".\n\n");

    ra_buf_puts(b, "Sign-off. The status is one of signed-off, draft, rejected or not-required. "
                   "Rejected if any approval is a rejection; otherwise Not required when the "
                   "profile requires no role; otherwise Signed off when every role the profile "
                   "requires has an approval that counts, with or without conditions; otherwise "
                   "Draft. An approval counts when it is dated on or after the assessment date "
                   "(approval-date), names a person with a visible letter (visible-name) and keeps "
                   "the profile's policy. Required roles:");
    for (size_t p = 0; p < cl->nprofiles; p++) {
        const ra_profile_t *pr = &cl->profiles[p];
        ra_buf_printf(b, "%s %s:", p ? ";" : "", pr->name);
        for (size_t k = 0; k < pr->nsignoff; k++)
            ra_buf_printf(b, "%s %s", k ? "," : "", cl->roles[pr->signoff_roles[k]].name);
        if (!pr->nsignoff)
            ra_buf_puts(b, " none");
    }
    ra_buf_puts(b, ". A report that is not signed off carries a DRAFT (or REJECTED) mark on every "
                   "page, unless its profile requires no sign-off.");

    for (size_t p = 0; p < cl->nprofiles; p++)
        if (cl->profiles[p].policy.present || cl->profiles[p].nauthorities)
            policy_text(cl, &cl->profiles[p], b);
    return b->data && !ra_buf_failed(b) ? RA_OK : RA_ERR_NOMEM;
}
