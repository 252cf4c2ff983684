/* model.h - plain C structs for a checklist (catalog) and an assessment record.
 *
 * The loader fills these from XML and frees the tree; nothing downstream sees
 * libxml2. Every string is UTF-8 with whitespace runs collapsed, owned by the
 * document's arena; optional strings are NULL when absent. Every element keeps
 * the line it came from so later stages can report FILE:LINE. */
#ifndef RA_MODEL_H
#define RA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"

/* The longest xml:lang a record may give: what the layout stage takes for the
 * document's language (RA_LAYOUT_LANG_MAX is this one). */
#define RA_RECORD_LANG_MAX 35

/* A calendar date as YYYYMMDD (20261120); 0 when absent. Compare as integers. */
typedef int ra_date_t;

typedef struct {
    const char *framework, *clause;
} ra_ref_t;

typedef struct {
    const char *id, *title, *question, *guidance, *remediation;
    size_t layer;   /* index into ra_checklist_t.layers */
    size_t profile; /* index into ra_checklist_t.profiles of the first profile it applies to */
    int weight;     /* 1, 2 or 3 */
    bool gate;
    ra_ref_t *refs;
    size_t nrefs;
    long line;
} ra_check_t;

typedef struct {
    const char *id, *name;
    double weight;
    const char *prototype_question, *production_question;
    size_t first_check, ncheck; /* the layer's checks: checks[first_check .. +ncheck) */
    long line;
} ra_layer_t;

typedef struct {
    size_t layer; /* index into layers */
    double weight;
} ra_layer_weight_t;

/* A profile's governance policy (its <policy> element); every rule is off
 * when the element is absent (DESIGN.md "Governance policy"). */
typedef struct {
    bool present;               /* the profile has a <policy> element */
    bool distinct_approvers;    /* one person counts for one required role only */
    bool independent_approvers; /* an assessor does not count as an approver */
    int approval_window_days; /* approvals later than this after the assessment do not count; 0: no
                                 window */
    bool has_max_not_applicable;  /* max_not_applicable is set */
    double max_not_applicable;    /* highest share (0..1) of applicable weight that may be not
                                     applicable */
    int risk_acceptance_max_days; /* longest term (expires - date) of an acceptance; 0: no limit */
    long line;
} ra_policy_t;

/* A <risk-authority>: role may accept a gap on a check of weight >= min_weight,
 * up to the next higher min-weight of the profile, which lists its own roles. */
typedef struct {
    int min_weight;
    size_t role; /* index into roles */
    long line;
} ra_risk_authority_t;

typedef struct {
    const char *id, *name, *description;
    int rank;
    double ready, conditional;
    bool evidence_required;
    size_t *signoff_roles; /* indexes into roles */
    size_t nsignoff;
    ra_layer_weight_t *weights; /* overrides of layer weights */
    size_t nweights;
    ra_policy_t policy;
    ra_risk_authority_t *authorities; /* who may accept which risks; none: anyone */
    size_t nauthorities;
    long line;
} ra_profile_t;

typedef struct {
    const char *id, *name;
} ra_role_t;

typedef struct {
    double min;
    const char *label;
} ra_band_t;

/* A checklist. Profiles are sorted by rank; checks are in document order,
 * grouped by layer; bands are sorted by descending min. */
typedef struct {
    ra_arena_t arena;
    const char *path;
    unsigned char sha256[32]; /* of the file's bytes */
    const char *id, *version, *title, *description;
    const char **supersedes; /* earlier versions whose records this one still scores */
    size_t nsupersedes;
    ra_role_t *roles;
    size_t nroles;
    ra_profile_t *profiles;
    size_t nprofiles;
    ra_layer_t *layers;
    size_t nlayers;
    ra_check_t *checks;
    size_t nchecks;
    ra_band_t *bands;
    size_t nbands;
    size_t *check_order; /* indexes of checks sorted by id, for lookups */
} ra_checklist_t;

typedef enum {
    RA_RESULT_PASS,
    RA_RESULT_PARTIAL,
    RA_RESULT_FAIL,
    RA_RESULT_NOT_APPLICABLE,
    RA_RESULT_NOT_ASSESSED, /* explicit "not-assessed", or no result at all */
    RA_RESULT_COUNT
} ra_result_status_t;

typedef enum {
    RA_EVIDENCE_LINK,
    RA_EVIDENCE_DOCUMENT,
    RA_EVIDENCE_TICKET,
    RA_EVIDENCE_NOTE,
    RA_EVIDENCE_COUNT
} ra_evidence_kind_t;

typedef struct {
    ra_evidence_kind_t kind;
    const char *ref;    /* optional */
    const char *sha256; /* optional, lower-case hex */
    const char *text;   /* may be "" */
    long line;
} ra_evidence_t;

/* A person's name comes with its key (ra_text_person_key): two people are
 * the same when their keys are equal and not empty. */
typedef struct {
    const char *owner, *owner_key;
    ra_date_t due;
    const char *text;
    long line;
} ra_remediation_t;

typedef struct {
    const char *by, *by_key, *role; /* role: a role id of the checklist */
    ra_date_t date, expires;
    const char *text;
    long line;
} ra_risk_t;

typedef struct {
    const char *check;
    ra_result_status_t status;
    ra_evidence_t *evidence;
    size_t nevidence;
    const char *note, *justification; /* optional */
    long note_line, justification_line;
    ra_remediation_t *remediation; /* optional */
    ra_risk_t *risk;               /* optional */
    long line;
} ra_result_t;

typedef struct {
    const char *name, *name_key, *role, *email; /* email optional */
    long line;
} ra_assessor_t;

typedef enum {
    RA_APPROVED,
    RA_APPROVED_WITH_CONDITIONS,
    RA_REJECTED,
    RA_DECISION_COUNT
} ra_decision_t;

typedef struct {
    const char *name, *name_key, *role; /* role: a role id of the checklist */
    const char *email;                  /* optional */
    ra_decision_t decision;
    ra_date_t date;
    const char *comment; /* may be "" */
    const char **conditions;
    long *condition_lines; /* [nconditions] the line of each <condition> */
    size_t nconditions;
    long line;
} ra_approval_t;

/* A text field of a record holding characters that no face of the font
 * chain can draw (report/report.h, ra_report_check_text, finds them). */
#define RA_TEXT_CPS_MAX 8
typedef struct {
    const char *field; /* what it is, "approver name" (static) */
    long line;         /* of its element */
    size_t ncps;       /* distinct such characters; the first RA_TEXT_CPS_MAX in cps */
    uint32_t cps[RA_TEXT_CPS_MAX];
} ra_text_warning_t;

typedef struct {
    ra_arena_t arena;
    const char *path;
    unsigned char sha256[32]; /* of the file's bytes */
    size_t size;              /* bytes */
    const char *lang; /* xml:lang of the root, a BCP 47 tag of at most RA_RECORD_LANG_MAX bytes;
                         NULL when absent */
    const char *id, *checklist_id, *checklist_version, *profile;
    const char *system_name, *organisation, *unit, *description;
    long system_name_line, organisation_line; /* of <name> and <organisation>, 0 when absent */
    long unit_line;
    const char *system_id; /* <system id="">, optional */
    /* The system's identity across assessments: "id:" and system_id when
     * it is given, else "name:", the organisation's key, a tab and the
     * name's key (ra_text_person_key: case-folded, white space collapsed,
     * so neither holds a tab). Two records are of one system when their
     * keys are equal; an explicit id and a default never collide. Never
     * NULL after a load; in the arena. Read it with ra_record_system_key. */
    const char *system_key;
    ra_date_t assessed_on;
    ra_assessor_t *assessors;
    size_t nassessors;
    ra_result_t *results;
    size_t nresults;
    ra_approval_t *approvals;
    size_t napprovals;
    long line; /* of the root element */
    /* The fields the font chain cannot draw, in record order (in the
     * arena); text_checked says whether they were looked for. */
    ra_text_warning_t *text_warnings;
    size_t ntext_warnings;
    bool text_checked;
} ra_record_t;

/* Report sections, in their default order. */
typedef enum {
    RA_SECTION_COVER,
    RA_SECTION_SUMMARY,
    RA_SECTION_CONTENTS,
    RA_SECTION_OVERVIEW,
    RA_SECTION_LAYERS,
    RA_SECTION_ACTIONS,
    RA_SECTION_RISKS,
    RA_SECTION_SIGNOFF,
    RA_SECTION_METHODOLOGY,
    RA_SECTION_EVIDENCE,
    RA_SECTION_INTEGRITY,
    RA_SECTION_COUNT
} ra_section_t;

typedef enum { RA_PAGE_A4, RA_PAGE_LETTER } ra_page_size_t;

/* A report template: branding, texts and section order. */
typedef struct {
    ra_arena_t arena;
    const char *path;
    unsigned char sha256[32]; /* of the file's bytes */
    const char *id, *version;
    const char *organisation; /* NULL: the record's */
    const char *logo_path; /* resolved path of an image inside the template's directory, or NULL */
    /* The logo file's bytes (in the arena) when logo_path is set: a PNG or
     * JPEG the loader checked with the renderer's image module
     * (src/pdf/image.h), and its size in pixels. */
    const unsigned char *logo_png;
    size_t logo_len;
    unsigned logo_width, logo_height;
    double accent[3]; /* RGB 0..1 */
    ra_page_size_t page_size;
    const char *confidentiality;             /* optional */
    const char *introduction;                /* optional */
    const char *disclaimer;                  /* optional */
    ra_section_t sections[RA_SECTION_COUNT]; /* in order */
    size_t nsections;
} ra_template_t;

/* The id of a section as written in templates ("cover", "summary"...). */
const char *ra_section_name(ra_section_t s);

/* The spelling used in XML for a result status ("pass", "not-applicable"...). */
const char *ra_result_status_name(ra_result_status_t s);
/* A human label ("Pass", "Not applicable"...). */
const char *ra_result_status_label(ra_result_status_t s);
const char *ra_evidence_kind_name(ra_evidence_kind_t k);
const char *ra_decision_name(ra_decision_t d);
const char *ra_decision_label(ra_decision_t d);
/* The value whose XML spelling is s, or -1 (NULL or unknown: the XSD lets
 * only known values through, so -1 means a value the schema rejected). */
int ra_result_status_parse(const char *s);
int ra_evidence_kind_parse(const char *s);
int ra_decision_parse(const char *s);

/* Finds a profile by id; returns its index or -1. */
long ra_checklist_find_profile(const ra_checklist_t *cl, const char *id);
/* Finds a check by id; returns its index or -1 (binary search: checks are indexed). */
long ra_checklist_find_check(const ra_checklist_t *cl, const char *id);
/* Finds a role by id; returns its index or -1. */
long ra_checklist_find_role(const ra_checklist_t *cl, const char *id);
/* The label of the band that a score falls in ("" when no band applies). */
const char *ra_checklist_band(const ra_checklist_t *cl, double score);
/* The weight of a layer under a profile (its override, or the layer's own). */
double ra_checklist_layer_weight(const ra_checklist_t *cl, size_t profile, size_t layer);

/* Whether an evidence item is evidence: a link has an absolute http or
 * https URL, a document or ticket a visible reference, a note a text of at
 * least three words. */
bool ra_evidence_is_valid(const ra_evidence_t *e);
/* The risk-authority tier of a check weight: the highest min-weight of the
 * profile's risk-authority elements that the weight reaches; 0 when none
 * does (anyone may accept). */
int ra_profile_authority_tier(const ra_profile_t *p, int weight);
/* Whether a risk with this role may be accepted on a check of this weight:
 * the role is listed in the weight's tier, or the weight has no tier. */
bool ra_profile_may_accept(const ra_checklist_t *cl, const ra_profile_t *p, int weight,
                           const char *role);
/* Appends "A, B or C" to b: the names of the roles in profile p's
 * risk-authority tier (as ra_profile_authority_tier gives it). */
void ra_profile_tier_roles(const ra_checklist_t *cl, const ra_profile_t *p, int tier, ra_buf_t *b);
/* Whether version is one the checklist supersedes (its records still score). */
bool ra_checklist_supersedes(const ra_checklist_t *cl, const char *version);
/* Days from a to b (b - a), both real dates. */
long ra_date_days_between(ra_date_t a, ra_date_t b);

/* The record's system key (ra_record_t.system_key); "" when it has none. */
const char *ra_record_system_key(const ra_record_t *rec);
/* Appends the system key of a system without an id: "name:", the key of
 * organisation, a tab and the key of name (ra_record_t.system_key). */
void ra_system_key_by_name(const char *organisation, const char *name, ra_buf_t *out);

/* Parses "YYYY-MM-DD" into a date; returns 0 unless it is a real calendar date. */
ra_date_t ra_date_parse(const char *s);
/* Writes a date as "YYYY-MM-DD" into out (11 bytes); "" for 0. */
void ra_date_format(ra_date_t d, char out[11]);

void ra_checklist_free(ra_checklist_t *cl);
void ra_record_free(ra_record_t *rec);
void ra_template_free(ra_template_t *t);

#endif
