/* style.c - the palette and the per-state colours, tints and labels, as
 * one table per enum. */
#include "report/style.h"

#include <stdio.h>

const ra_rgb_t RA_C_TEXT = {0.13, 0.13, 0.15};
const ra_rgb_t RA_C_MUTED = {0.40, 0.42, 0.45};
const ra_rgb_t RA_C_GOOD = {0.0, 0.447, 0.698}; /* Okabe-Ito blue */
const ra_rgb_t RA_C_WARN = {0.902, 0.624, 0.0}; /* Okabe-Ito orange */
const ra_rgb_t RA_C_BAD = {0.835, 0.369, 0.0};  /* Okabe-Ito vermillion */
const ra_rgb_t RA_C_NEUTRAL = {0.55, 0.56, 0.58};
const ra_rgb_t RA_C_GOOD_TINT = {0.85, 0.92, 0.97};
const ra_rgb_t RA_C_WARN_TINT = {0.99, 0.93, 0.80};
const ra_rgb_t RA_C_BAD_TINT = {0.98, 0.87, 0.80};
const ra_rgb_t RA_C_NEUTRAL_TINT = {0.93, 0.93, 0.94};
const ra_rgb_t RA_C_PANEL = {0.95, 0.96, 0.97};
const ra_rgb_t RA_C_HEAT_GOOD = {0.78, 0.87, 0.95};
const ra_rgb_t RA_C_HEAT_WARN = {0.99, 0.88, 0.66};
const ra_rgb_t RA_C_HEAT_BAD = {0.96, 0.74, 0.62};

/* How each verdict looks; out of range: as not ready. */
static const struct {
    const ra_rgb_t *color, *tint, *heat;
} verdict_style[] = {
    [RA_VERDICT_READY] = {&RA_C_GOOD, &RA_C_GOOD_TINT, &RA_C_HEAT_GOOD},
    [RA_VERDICT_CONDITIONAL] = {&RA_C_WARN, &RA_C_WARN_TINT, &RA_C_HEAT_WARN},
    [RA_VERDICT_NOT_READY] = {&RA_C_BAD, &RA_C_BAD_TINT, &RA_C_HEAT_BAD},
};
_Static_assert(sizeof verdict_style / sizeof verdict_style[0] == RA_VERDICT_COUNT,
               "one verdict_style row per ra_verdict_t");

/* How each sign-off state looks; out of range: as a draft. */
static const struct {
    const ra_rgb_t *color, *tint;
    const char *mark;
} signoff_style[] = {
    [RA_SIGNOFF_SIGNED] = {&RA_C_GOOD, &RA_C_GOOD_TINT, NULL},
    [RA_SIGNOFF_DRAFT] = {&RA_C_NEUTRAL, &RA_C_NEUTRAL_TINT, "DRAFT"},
    [RA_SIGNOFF_REJECTED] = {&RA_C_BAD, &RA_C_BAD_TINT, "REJECTED"},
    [RA_SIGNOFF_NOT_REQUIRED] = {&RA_C_NEUTRAL, &RA_C_NEUTRAL_TINT, NULL},
};
_Static_assert(sizeof signoff_style / sizeof signoff_style[0] == RA_SIGNOFF_COUNT,
               "one signoff_style row per ra_signoff_t");

/* How each state of a required role looks; out of range: as missing. */
static const struct {
    const char *label;
    const ra_rgb_t *tint;
} role_state_style[] = {
    [RA_ROLE_MET] = {"\xE2\x9C\x93 Met", &RA_C_GOOD_TINT},
    [RA_ROLE_MISSING] = {"\xE2\x80\x94 Missing", &RA_C_BAD_TINT},
    [RA_ROLE_REJECTED] = {"\xE2\x9C\x97 Rejected", &RA_C_BAD_TINT},
};
_Static_assert(sizeof role_state_style / sizeof role_state_style[0] == RA_ROLE_STATE_COUNT,
               "one role_state_style row per ra_role_state_t");

/* Results in running text. */
static const char *const status_words[] = {
    [RA_RESULT_PASS] = "pass",
    [RA_RESULT_PARTIAL] = "partial",
    [RA_RESULT_FAIL] = "fail",
    [RA_RESULT_NOT_APPLICABLE] = "not applicable",
    [RA_RESULT_NOT_ASSESSED] = "not assessed",
};
_Static_assert(sizeof status_words / sizeof status_words[0] == RA_RESULT_COUNT,
               "one status word per ra_result_status_t");

/* Returns v, or not ready when v is out of range. */
static ra_verdict_t verdict_in_range(ra_verdict_t v)
{
    return (unsigned)v < RA_VERDICT_COUNT ? v : RA_VERDICT_NOT_READY;
}

/* Returns s, or draft when s is out of range. */
static ra_signoff_t signoff_in_range(ra_signoff_t s)
{
    return (unsigned)s < RA_SIGNOFF_COUNT ? s : RA_SIGNOFF_DRAFT;
}

ra_rgb_t ra_style_verdict_color(ra_verdict_t v)
{
    return *verdict_style[verdict_in_range(v)].color;
}

const ra_rgb_t *ra_style_verdict_tint(ra_verdict_t v)
{
    return verdict_style[verdict_in_range(v)].tint;
}

const ra_rgb_t *ra_style_verdict_heat(ra_verdict_t v)
{
    return verdict_style[verdict_in_range(v)].heat;
}

ra_rgb_t ra_style_signoff_color(ra_signoff_t s)
{
    return *signoff_style[signoff_in_range(s)].color;
}

const ra_rgb_t *ra_style_signoff_tint(ra_signoff_t s)
{
    return signoff_style[signoff_in_range(s)].tint;
}

const char *ra_style_signoff_mark(ra_signoff_t s)
{
    return signoff_style[signoff_in_range(s)].mark;
}

const char *ra_style_role_state_label(ra_role_state_t s)
{
    return role_state_style[(unsigned)s < RA_ROLE_STATE_COUNT ? s : RA_ROLE_MISSING].label;
}

const ra_rgb_t *ra_style_role_state_tint(ra_role_state_t s)
{
    return role_state_style[(unsigned)s < RA_ROLE_STATE_COUNT ? s : RA_ROLE_MISSING].tint;
}

/* What each rule's finding means, as the summary and sign-off page say it. */
static const char *const rule_phrases[] = {
    [RA_RULE_APPROVAL_DATE] = "Approval dated before the assessment does not count",
    [RA_RULE_VISIBLE_NAME] = "Name without a visible letter does not count",
    [RA_RULE_DISTINCT] = "One person cannot hold two required roles",
    [RA_RULE_INDEPENDENT] = "Approval by an assessor is not independent",
    [RA_RULE_WINDOW] = "Approval outside the approval window does not count",
    [RA_RULE_MAX_NA] = "Too much of the checklist marked not applicable",
    [RA_RULE_AUTHORITY] = "Risk accepted without the authority to accept it",
    [RA_RULE_TERM] = "Risk accepted for longer than the profile allows",
    [RA_RULE_SELF] = "Risk accepted by the owner of its own remediation",
    [RA_RULE_OVERDUE] = "Overdue remediation covers nothing",
    [RA_RULE_EXPIRED] = "Expired risk acceptance covers nothing",
};
_Static_assert(sizeof rule_phrases / sizeof rule_phrases[0] == RA_RULE_COUNT,
               "one rule_phrases phrase per ra_rule_t");

const char *ra_style_rule_phrase(ra_rule_t r)
{
    return (unsigned)r < RA_RULE_COUNT ? rule_phrases[r] : "Finding";
}

ra_rgb_t ra_style_decision_color(ra_decision_t d)
{
    return d == RA_REJECTED ? RA_C_BAD : d == RA_APPROVED_WITH_CONDITIONS ? RA_C_WARN : RA_C_GOOD;
}

const ra_rgb_t *ra_style_status_tint(const ra_check_score_t *cs)
{
    if (!cs->scored)
        return &RA_C_NEUTRAL_TINT;
    if (cs->credit == 1)
        return &RA_C_GOOD_TINT;
    if (cs->credit > 0)
        return &RA_C_WARN_TINT;
    return &RA_C_BAD_TINT;
}

ra_rgb_t ra_style_score_color(const ra_profile_t *p, bool has, double score)
{
    if (!has)
        return RA_C_NEUTRAL;
    if (score >= p->ready - RA_SCORE_EPSILON)
        return RA_C_GOOD;
    if (score >= p->conditional - RA_SCORE_EPSILON)
        return RA_C_WARN;
    return RA_C_BAD;
}

const ra_rgb_t *ra_style_score_heat(bool has, double score)
{
    return !has          ? &RA_C_NEUTRAL_TINT
           : score >= 80 ? &RA_C_HEAT_GOOD
           : score >= 60 ? &RA_C_HEAT_WARN
                         : &RA_C_HEAT_BAD;
}

const char *ra_style_status_label(const ra_check_score_t *cs)
{
    if (cs->unevidenced)
        return "Pass (unevidenced)";
    return ra_result_status_label(cs->status);
}

const char *ra_style_status_word(const ra_check_score_t *cs)
{
    if (cs->unevidenced)
        return "unevidenced pass";
    return (unsigned)cs->status < RA_RESULT_COUNT ? status_words[cs->status] : "?";
}

void ra_style_date(ra_date_t d, char out[11])
{
    ra_date_format(d, out);
    if (!*out)
        snprintf(out, 11, "-");
}
