/* score.h - the scoring methodology: pure functions from checklist + record to a result.
 *
 * No I/O and no global state. The result points into the checklist and the
 * record, which must outlive it. */
#ifndef RA_SCORE_H
#define RA_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "model/model.h"
#include "base/status.h"

/* Scores within this distance of a threshold count as equal to it, so that
 * decimal layer weights cannot tip a verdict by binary rounding. */
#define RA_SCORE_EPSILON 1e-9

typedef enum {
    RA_VERDICT_READY,
    RA_VERDICT_CONDITIONAL,
    RA_VERDICT_NOT_READY,
    RA_VERDICT_COUNT
} ra_verdict_t;
typedef enum {
    RA_SIGNOFF_SIGNED,
    RA_SIGNOFF_DRAFT,
    RA_SIGNOFF_REJECTED,
    RA_SIGNOFF_NOT_REQUIRED, /* the profile requires no role */
    RA_SIGNOFF_COUNT
} ra_signoff_t;
typedef enum {
    RA_ROLE_MET,
    RA_ROLE_MISSING,
    RA_ROLE_REJECTED,
    RA_ROLE_STATE_COUNT
} ra_role_state_t;

/* The rules whose findings the score reports (DESIGN.md "Governance
 * policy"); each has a name that every output prints with its finding. */
typedef enum {
    RA_RULE_APPROVAL_DATE, /* "approval-date": approved before the assessment */
    RA_RULE_VISIBLE_NAME,  /* "visible-name": a name without a visible letter */
    RA_RULE_DISTINCT,      /* "distinct-approvers" */
    RA_RULE_INDEPENDENT,   /* "independent-approvers" */
    RA_RULE_WINDOW,        /* "approval-window-days" */
    RA_RULE_MAX_NA,        /* "max-not-applicable" */
    RA_RULE_AUTHORITY,     /* "risk-authority" */
    RA_RULE_TERM,          /* "risk-acceptance-max-days" */
    RA_RULE_SELF,          /* "self-acceptance" */
    RA_RULE_OVERDUE,       /* "overdue-remediation" */
    RA_RULE_EXPIRED,       /* "expired-acceptance" */
    RA_RULE_COUNT
} ra_rule_t;

/* One finding of a rule: what it found, in words an auditor uses. */
typedef struct {
    ra_rule_t rule;
    const char *check; /* the check it concerns, or NULL */
    long line;         /* in the record, 0 when none */
    ra_buf_t text;     /* one sentence, without the rule's name */
} ra_finding_t;

/* One check of the checklist as scored for the record's profile. */
typedef struct {
    const ra_check_t *check;
    const ra_result_t *result; /* NULL when the record has none */
    ra_result_status_t status; /* as recorded; NOT_ASSESSED when there is no result */
    bool applicable;           /* the check belongs to the profile */
    bool scored;               /* applicable and not not-applicable: in the denominator */
    double credit;             /* 1, 0.5 or 0 */
    bool unevidenced;          /* a pass without evidence where evidence is required */
    bool gap;                  /* applicable and partial, fail, not assessed or unevidenced */
    bool remediation;          /* gap with a remediation (owner and due date) */
    bool overdue;              /* gap whose remediation is due before the assessment date */
    bool covered;              /* gap covered: accepted risk, or remediation not overdue */
    bool risk_accepted;        /* gap with a risk acceptance that covers it: unexpired on the
                                * assessment date, authorised and within its term */
    bool risk_expired;         /* gap with a risk acceptance that expired before it */
    bool risk_unauthorised;    /* gap whose acceptor's role may not accept it (risk-authority) */
    bool risk_too_long;        /* gap whose acceptance runs longer than the policy allows */
    bool self_accepted;        /* the acceptor owns the remediation of the same check */
} ra_check_score_t;

typedef struct {
    const ra_layer_t *layer;
    double weight;  /* under the profile (override or the layer's own) */
    bool has_score; /* false: no scored check, "n/a" */
    double score;   /* 0..100, unrounded */
    size_t applicable, scored, gaps;
} ra_layer_score_t;

/* A role the profile requires, and whether an approval satisfies it. */
typedef struct {
    const ra_role_t *role;
    ra_role_state_t state;
    const ra_approval_t *approval; /* the approval deciding the state, or NULL */
} ra_role_score_t;

/* One approval of the record and whether it counts. */
typedef struct {
    const ra_approval_t *approval;
    bool early;     /* dated before the assessment: does not count */
    bool late;      /* dated after the profile's approval window: does not count */
    bool assessor;  /* by an assessor where approvers must be independent: does not count */
    bool nameless;  /* by a name without a visible letter: does not count */
    bool duplicate; /* by a person who holds another required role (distinct-approvers) */
    bool counts;    /* decides a required role (met) */
    bool required;  /* its role is one the profile requires */
} ra_approval_score_t;

typedef struct {
    size_t pass, partial, fail, not_applicable, not_assessed, unevidenced;
} ra_counts_t;

typedef struct {
    const ra_checklist_t *checklist;
    const ra_record_t *record;
    const ra_profile_t *profile;
    ra_check_score_t *checks; /* every check of the checklist, in checklist order */
    size_t nchecks;
    ra_layer_score_t *layers; /* every layer, in checklist order */
    size_t nlayers;
    bool has_score;
    double score; /* maturity score, unrounded */
    const char *band;
    ra_verdict_t verdict;
    ra_buf_t verdict_reason; /* one sentence saying why */
    ra_signoff_t signoff;
    ra_role_score_t *roles; /* the profile's required roles */
    size_t nroles;
    ra_approval_score_t *approvals; /* the record's approvals, in record order */
    size_t napprovals;
    ra_counts_t counts; /* over applicable checks; an unevidenced pass counts as partial */
    size_t applicable, gaps, gates, gates_passed, overdue, risks_accepted, risks_expired;
    long applicable_weight, not_applicable_weight; /* sums of check weights */
    bool not_applicable_over_cap;                  /* above the policy's max-not-applicable */
    ra_finding_t *findings; /* every finding of the rules, in the order they were made */
    size_t nfindings, findings_cap;
    bool findings_lost; /* a finding could not be recorded (out of memory) */
} ra_score_t;

/* Scores rec against cl at the profile with the given index (usually the
 * record's own). On success *out is owned by the caller (ra_score_free). */
ra_status_t ra_score_compute(const ra_checklist_t *cl, const ra_record_t *rec, size_t profile,
                             ra_score_t **out);
void ra_score_free(ra_score_t *s);

/* One rung of the profile ladder: the record scored at one profile. */
typedef struct {
    const ra_profile_t *profile;
    size_t applicable, gaps;
    bool has_score;
    double score; /* unrounded */
    ra_verdict_t verdict;
} ra_rung_t;

/* The profile ladder: scores rec at every profile of cl, in checklist
 * order, into cl->nprofiles rungs. On success *out is a malloc'd array
 * owned by the caller (free). */
ra_status_t ra_score_ladder(const ra_checklist_t *cl, const ra_record_t *rec, ra_rung_t **out);

/* Fills idx with the indexes (into s->checks) of the gaps in priority order:
 * gates first, then weight descending, then checklist order. Returns how many
 * were written (at most max). */
size_t ra_score_gaps_by_priority(const ra_score_t *s, size_t *idx, size_t max);

const char *ra_verdict_name(ra_verdict_t v);  /* "ready", "ready-with-conditions", "not-ready" */
const char *ra_verdict_label(ra_verdict_t v); /* "Ready", "Ready with conditions", "Not ready" */
const char *ra_signoff_name(ra_signoff_t s); /* "signed-off", "draft", "rejected", "not-required" */
const char *
ra_signoff_label(ra_signoff_t s); /* "Signed off", "Draft", "Rejected", "Not required" */
const char *ra_role_state_name(ra_role_state_t s); /* "met", "missing", "rejected" */
const char *ra_rule_name(ra_rule_t r);             /* "distinct-approvers"... */

/* Stores the verdict or sign-off state named name (as ra_verdict_name,
 * ra_signoff_name write it) in *out; RA_ERR_INVALID for any other name. */
ra_status_t ra_verdict_parse(const char *name, ra_verdict_t *out);
ra_status_t ra_signoff_parse(const char *name, ra_signoff_t *out);

/* Formats a score with one decimal, locale-independent ("72.5"; "n/a" when absent). */
void ra_score_format(bool has_score, double score, char out[16]);

#endif
