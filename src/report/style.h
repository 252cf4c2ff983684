/* style.h - the look the report and the portfolio summary share: the
 * palette, the colours and tints of verdicts, sign-offs and results, the
 * labels printed for them, and how dates and numbers appear on the page. */
#ifndef RA_STYLE_H
#define RA_STYLE_H

#include <stdbool.h>

#include "model/model.h"
#include "pdf/pdf.h"
#include "score/score.h"

/* The palette: Okabe-Ito hues, distinguishable with colour-blindness, and
 * status always printed as words too, so greyscale print loses nothing. */
extern const ra_rgb_t RA_C_TEXT, RA_C_MUTED, RA_C_GOOD, RA_C_WARN, RA_C_BAD, RA_C_NEUTRAL,
    RA_C_GOOD_TINT, RA_C_WARN_TINT, RA_C_BAD_TINT, RA_C_NEUTRAL_TINT, RA_C_PANEL;

/* The portfolio's table-cell tints (heat map, verdict counts and column):
 * the same hues, stronger than the report's tints, still light enough for
 * black text and distinct in grey. No score: RA_C_NEUTRAL_TINT. */
extern const ra_rgb_t RA_C_HEAT_GOOD, RA_C_HEAT_WARN, RA_C_HEAT_BAD;

/* Colour, tint and portfolio cell tint of a verdict. */
ra_rgb_t ra_style_verdict_color(ra_verdict_t v);
const ra_rgb_t *ra_style_verdict_tint(ra_verdict_t v);
const ra_rgb_t *ra_style_verdict_heat(ra_verdict_t v);

/* Colour and tint of a sign-off state, and the mark a report that is not
 * signed off carries on every page ("DRAFT", "REJECTED"; NULL: none). */
ra_rgb_t ra_style_signoff_color(ra_signoff_t s);
const ra_rgb_t *ra_style_signoff_tint(ra_signoff_t s);
const char *ra_style_signoff_mark(ra_signoff_t s);

/* Label ("✓ Met", "✗ Rejected", "— Missing") and tint of a required role's
 * state in the sign-off table. */
const char *ra_style_role_state_label(ra_role_state_t s);
const ra_rgb_t *ra_style_role_state_tint(ra_role_state_t s);

/* A finding of a governance rule in an auditor's words, one short phrase
 * without a full stop ("Approval by an assessor is not independent"); the
 * finding's own sentence says who and what. */
const char *ra_style_rule_phrase(ra_rule_t r);

/* Edge colour of an approval by its decision. */
ra_rgb_t ra_style_decision_color(ra_decision_t d);

/* Tint of a checked result: pass, partial (or unevidenced), fail, unscored. */
const ra_rgb_t *ra_style_status_tint(const ra_check_score_t *cs);

/* Colour of a score against the profile's thresholds (no score: neutral). */
ra_rgb_t ra_style_score_color(const ra_profile_t *p, bool has, double score);

/* Portfolio cell tint of a layer score by fixed steps: 80 and above, 60 to
 * 80, below 60; no score: neutral. */
const ra_rgb_t *ra_style_score_heat(bool has, double score);

/* The label of a checked result as printed: "Pass", "Partial",
 * "Pass (unevidenced)", "Fail", "Not applicable", "Not assessed". */
const char *ra_style_status_label(const ra_check_score_t *cs);

/* The same in running text: "partial", "not assessed", "unevidenced pass". */
const char *ra_style_status_word(const ra_check_score_t *cs);

/* A date as YYYY-MM-DD, "-" when absent; out holds 11 bytes. */
void ra_style_date(ra_date_t d, char out[11]);

#endif
