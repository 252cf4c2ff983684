/* model.c - names, lookups and dates over the checklist and record structs. */
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"

/* One table per enum, in enum order; the static asserts keep them in step. */
static const char *const result_names[] = {"pass", "partial", "fail", "not-applicable",
                                           "not-assessed"};
static const char *const result_labels[] = {"Pass", "Partial", "Fail", "Not applicable",
                                            "Not assessed"};
static const char *const evidence_names[] = {"link", "document", "ticket", "note"};
static const char *const decision_names[] = {"approved", "approved-with-conditions", "rejected"};
static const char *const decision_labels[] = {"Approved", "Approved with conditions", "Rejected"};
_Static_assert(sizeof result_names / sizeof *result_names == RA_RESULT_COUNT, "result names");
_Static_assert(sizeof result_labels / sizeof *result_labels == RA_RESULT_COUNT, "result labels");
_Static_assert(sizeof evidence_names / sizeof *evidence_names == RA_EVIDENCE_COUNT,
               "evidence kind names");
_Static_assert(sizeof decision_names / sizeof *decision_names == RA_DECISION_COUNT,
               "decision names");
_Static_assert(sizeof decision_labels / sizeof *decision_labels == RA_DECISION_COUNT,
               "decision labels");

/* Entry v of a table of n, or "?" out of range. */
static const char *entry(const char *const *table, unsigned n, unsigned v)
{
    return v < n ? table[v] : "?";
}

/* Index of s in a table of n, or -1. */
static int lookup(const char *const *table, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, table[i]) == 0)
            return i;
    return -1;
}

const char *ra_result_status_name(ra_result_status_t s)
{
    return entry(result_names, RA_RESULT_COUNT, s);
}

const char *ra_result_status_label(ra_result_status_t s)
{
    return entry(result_labels, RA_RESULT_COUNT, s);
}

const char *ra_evidence_kind_name(ra_evidence_kind_t k)
{
    return entry(evidence_names, RA_EVIDENCE_COUNT, k);
}

const char *ra_decision_name(ra_decision_t d)
{
    return entry(decision_names, RA_DECISION_COUNT, d);
}

const char *ra_decision_label(ra_decision_t d)
{
    return entry(decision_labels, RA_DECISION_COUNT, d);
}

int ra_result_status_parse(const char *s)
{
    return lookup(result_names, RA_RESULT_COUNT, s);
}

int ra_evidence_kind_parse(const char *s)
{
    return lookup(evidence_names, RA_EVIDENCE_COUNT, s);
}

int ra_decision_parse(const char *s)
{
    return lookup(decision_names, RA_DECISION_COUNT, s);
}

long ra_checklist_find_profile(const ra_checklist_t *cl, const char *id)
{
    for (size_t i = 0; i < cl->nprofiles; i++)
        if (strcmp(cl->profiles[i].id, id) == 0)
            return (long)i;
    return -1;
}

long ra_checklist_find_check(const ra_checklist_t *cl, const char *id)
{
    size_t lo = 0, hi = cl->nchecks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t k = cl->check_order[mid];
        int c = strcmp(cl->checks[k].id, id);
        if (c == 0)
            return (long)k;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long ra_checklist_find_role(const ra_checklist_t *cl, const char *id)
{
    for (size_t i = 0; i < cl->nroles; i++)
        if (strcmp(cl->roles[i].id, id) == 0)
            return (long)i;
    return -1;
}

const char *ra_checklist_band(const ra_checklist_t *cl, double score)
{
    for (size_t i = 0; i < cl->nbands; i++)
        if (score >= cl->bands[i].min)
            return cl->bands[i].label;
    return "";
}

double ra_checklist_layer_weight(const ra_checklist_t *cl, size_t profile, size_t layer)
{
    const ra_profile_t *p = &cl->profiles[profile];
    for (size_t i = 0; i < p->nweights; i++)
        if (p->weights[i].layer == layer)
            return p->weights[i].weight;
    return cl->layers[layer].weight;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

ra_date_t ra_date_parse(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    int v[3] = {0, 0, 0};
    const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < len[f]; i++) {
            char c = s[start[f] + i];
            if (c < '0' || c > '9')
                return 0;
            v[f] = v[f] * 10 + (c - '0');
        }
    int y = v[0], m = v[1], d = v[2];
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    int max = mdays[m - 1] + (m == 2 && is_leap(y));
    if (d > max)
        return 0;
    return y * 10000 + m * 100 + d;
}

void ra_date_format(ra_date_t d, char out[11])
{
    if (d <= 0) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 11, "%04d-%02d-%02d", d / 10000 % 10000, d / 100 % 100, d % 100);
}

void ra_checklist_free(ra_checklist_t *cl)
{
    if (!cl)
        return;
    ra_arena_free(&cl->arena);
    free(cl);
}

const char *ra_section_name(ra_section_t s)
{
    static const char *const names[] = {"cover",       "summary",  "contents", "overview",
                                        "layers",      "actions",  "risks",    "signoff",
                                        "methodology", "evidence", "integrity"};
    _Static_assert(sizeof names / sizeof *names == RA_SECTION_COUNT, "section names");
    return (unsigned)s < RA_SECTION_COUNT ? names[s] : "?";
}

void ra_template_free(ra_template_t *t)
{
    if (!t)
        return;
    ra_arena_free(&t->arena);
    free(t);
}

void ra_record_free(ra_record_t *rec)
{
    if (!rec)
        return;
    ra_arena_free(&rec->arena);
    free(rec);
}

/* Whether s starts with an absolute http or https URL that names a host. */
static bool is_web_url(const char *s)
{
    size_t n = 0;
    if (strncasecmp(s, "https://", 8) == 0)
        n = 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        n = 7;
    else
        return false;
    return s[n] && s[n] != '/' && s[n] != '?' && s[n] != '#' && s[n] != ' ';
}

bool ra_evidence_is_valid(const ra_evidence_t *e)
{
    switch (e->kind) {
    case RA_EVIDENCE_LINK:
        return e->ref && is_web_url(e->ref);
    case RA_EVIDENCE_DOCUMENT:
    case RA_EVIDENCE_TICKET:
        return e->ref && ra_text_has_visible(e->ref);
    default:
        return ra_text_words(e->text) >= 3;
    }
}

int ra_profile_authority_tier(const ra_profile_t *p, int weight)
{
    int tier = 0;
    for (size_t i = 0; i < p->nauthorities; i++)
        if (p->authorities[i].min_weight <= weight && p->authorities[i].min_weight > tier)
            tier = p->authorities[i].min_weight;
    return tier;
}

bool ra_profile_may_accept(const ra_checklist_t *cl, const ra_profile_t *p, int weight,
                           const char *role)
{
    int tier = ra_profile_authority_tier(p, weight);
    if (!tier)
        return true;
    for (size_t i = 0; i < p->nauthorities; i++)
        if (p->authorities[i].min_weight == tier && role &&
            strcmp(cl->roles[p->authorities[i].role].id, role) == 0)
            return true;
    return false;
}

bool ra_checklist_supersedes(const ra_checklist_t *cl, const char *version)
{
    for (size_t i = 0; i < cl->nsupersedes; i++)
        if (strcmp(cl->supersedes[i], version) == 0)
            return true;
    return false;
}

/* Days since a fixed epoch of a proleptic Gregorian date (civil-from-days inverse). */
static long day_number(ra_date_t d)
{
    long y = d / 10000, m = d / 100 % 100, day = d % 100;
    if (m <= 2)
        y--;
    long era = y / 400, yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe;
}

long ra_date_days_between(ra_date_t a, ra_date_t b)
{
    return day_number(b) - day_number(a);
}

void ra_profile_tier_roles(const ra_checklist_t *cl, const ra_profile_t *p, int tier, ra_buf_t *b)
{
    size_t total = 0, n = 0;
    for (size_t i = 0; i < p->nauthorities; i++)
        total += p->authorities[i].min_weight == tier;
    for (size_t i = 0; i < p->nauthorities; i++)
        if (p->authorities[i].min_weight == tier) {
            n++;
            ra_buf_printf(b, "%s%s",
                          n == 1       ? ""
                          : n == total ? " or "
                                       : ", ",
                          cl->roles[p->authorities[i].role].name);
        }
}

const char *ra_record_system_key(const ra_record_t *rec)
{
    return rec && rec->system_key ? rec->system_key : "";
}

void ra_system_key_by_name(const char *organisation, const char *name, ra_buf_t *out)
{
    ra_buf_puts(out, "name:");
    ra_text_person_key(organisation, out);
    ra_buf_putc(out, '\t');
    ra_text_person_key(name, out);
}
