/* format.h - the machine and terminal forms of a score: text, JSON, CSV, JUnit XML. */
#ifndef RA_FORMAT_H
#define RA_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

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

#endif
