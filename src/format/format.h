/* format.h - the machine and terminal forms of a score: text, JSON, CSV, JUnit XML. */
#ifndef RA_FORMAT_H
#define RA_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "score/diff.h"
#include "score/score.h"
#include "base/status.h"

/* A compact terminal summary, at most 100 columns; ANSI colour when color. */
ra_status_t ra_format_text(FILE *f, const ra_score_t *s, bool color);
/* Everything the score holds, as one JSON object (jansson). */
ra_status_t ra_format_json(FILE *f, const ra_score_t *s);
/* One row per layer plus an overall row, RFC 4180 quoting. */
ra_status_t ra_format_csv(FILE *f, const ra_score_t *s);
/* JUnit XML: a suite per layer, a case per applicable check (libxml2 writer). */
ra_status_t ra_format_junit(FILE *f, const ra_score_t *s);

/* `diff`: the comparison as terminal text (readyaudit(1) lists its lines). */
ra_status_t ra_format_diff_text(FILE *f, const ra_diff_t *d);
/* `diff --format json`: one JSON object (readyaudit(1) lists its fields). */
ra_status_t ra_format_diff_json(FILE *f, const ra_diff_t *d);
/* How a record names its system, in words: "system id X", or "\"NAME\" of
 * \"ORG\", no system id". */
void ra_format_system(const ra_record_t *rec, ra_buf_t *out);
/* A score delta with one decimal and its sign ("+4.7", "-50.0", "0.0"; "n/a" when !has). */
void ra_delta_format(bool has, double delta, char out[16]);

#endif
