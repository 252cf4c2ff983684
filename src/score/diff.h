/* diff.h - what changed between two assessments of one system: scores,
 * layers, every check, remediations, risk acceptances and approvals.
 *
 * Pure: compares two scores made with the same checklist. The result points
 * into both scores (and their records and checklist), which must outlive it.
 * The kinds of change are defined in readyaudit(1), "diff". */
#ifndef RA_DIFF_H
#define RA_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "score/score.h"

/* How one check changed from the old record to the new. A side "scores" a
 * check when it applies to that record's profile and is not
 * not-applicable. Where both score it, statuses rank not-assessed < fail <
 * partial < pass (an unevidenced pass ranks as partial), and a gap is a
 * partial, fail, not-assessed or unevidenced pass (ra_check_score_t.gap). */
typedef enum {
    RA_CHANGE_REGRESSED,  /* a gap on both sides, of a lower rank in the new */
    RA_CHANGE_NEW_GAP,    /* not a gap in the old, a gap in the new */
    RA_CHANGE_CLOSED_GAP, /* a gap in the old, not in the new */
    RA_CHANGE_IMPROVED,   /* a gap on both sides, of a higher rank in the new */
    RA_CHANGE_ADDED,      /* scored by the new record only */
    RA_CHANGE_REMOVED,    /* scored by the old record only */
    RA_CHANGE_UNCHANGED,  /* anything else: same rank, or neither side scores it */
    RA_CHANGE_COUNT
} ra_change_t;

/* One check that applies to either record's profile. */
typedef struct {
    const ra_check_t *check;
    ra_change_t change;
    const ra_check_score_t *old, *new_; /* never NULL; see ->applicable */
} ra_check_diff_t;

typedef struct {
    const ra_layer_t *layer;
    bool has_old, has_new; /* a side without a score has no delta */
    double old, new_, delta;
} ra_layer_diff_t;

/* Remediations and risk acceptances whose state changed. */
typedef enum {
    RA_ITEM_COMPLETED,    /* remediation of a gap the new record closed */
    RA_ITEM_SLIPPED,      /* still a gap, due date later than in the old */
    RA_ITEM_OVERDUE,      /* a gap overdue in the new record and not in the old */
    RA_ITEM_RISK_EXPIRED, /* the new record's acceptance expired before its date, the old's had not
                           */
    RA_ITEM_RISK_NEW, /* an unexpired acceptance the old did not hold (none, or other acceptor or
                         date) */
    RA_ITEM_COUNT
} ra_item_kind_t;

typedef struct {
    ra_item_kind_t kind;
    const ra_check_t *check;
    const ra_result_t *old, *new_; /* the results; NULL where a side has none */
} ra_diff_item_t;

/* Approvals match by role and person (name key); unchanged ones are not listed. */
typedef enum { RA_APPROVAL_CHANGED, RA_APPROVAL_REMOVED, RA_APPROVAL_ADDED } ra_approval_change_t;

typedef struct {
    ra_approval_change_t change;
    const ra_approval_t *old, *new_; /* NULL for added / removed */
} ra_approval_diff_t;

typedef struct {
    const ra_score_t *old, *new_;
    bool same_system;        /* equal system keys (ra_record_system_key) */
    bool versions_differ;    /* the records name different checklist versions */
    bool has_delta;          /* both have a score */
    double score_delta;      /* new minus old, unrounded */
    ra_layer_diff_t *layers; /* every layer, checklist order */
    size_t nlayers;
    ra_check_diff_t *checks; /* checks applicable on either side, checklist order */
    size_t nchecks;
    size_t counts[RA_CHANGE_COUNT];
    ra_diff_item_t *items; /* by kind, then checklist order */
    size_t nitems;
    ra_approval_diff_t *approvals; /* changed and removed in old order, then added */
    size_t napprovals;
} ra_diff_t;

/* Compares two scores of the same checklist; RA_ERR_INVALID when their
 * checklists differ. On success *out is the caller's (ra_diff_free). */
ra_status_t ra_diff_compute(const ra_score_t *old, const ra_score_t *new_, ra_diff_t **out);
void ra_diff_free(ra_diff_t *d);

const char *ra_change_name(ra_change_t c);                   /* "regressed", "new-gap"... */
const char *ra_item_kind_name(ra_item_kind_t k);             /* "completed", "slipped", ... */
const char *ra_approval_change_name(ra_approval_change_t c); /* "changed", "removed", "added" */

#endif
