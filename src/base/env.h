/* env.h - what the process knows, made once by the command line and passed
 * to the library: where the data and fonts are, the reproducible date, where
 * diagnostics go, and what was loaded once for many reports. */
#ifndef RA_ENV_H
#define RA_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"

struct ra_loader;    /* model/load.h */
struct ra_pdf_fonts; /* pdf/pdf.h */

/* All pointers are borrowed: the maker of the environment owns them. */
typedef struct {
    const char *datadir;  /* holds schemas/ and templates/ */
    const char *font_dir; /* READYAUDIT_FONT_DIR, or NULL: the default fonts */
    /* SOURCE_DATE_EPOCH, read once (ra_env_set_epoch). */
    bool epoch_set;   /* set and not empty */
    bool epoch_valid; /* and all digits, not negative: a report's document date */
    int64_t epoch;    /* its value (of the leading digits when not valid) */
    ra_diag_sink_t *sink;
    struct ra_loader *loader;         /* reports to sink */
    const struct ra_pdf_fonts *fonts; /* read once for many reports (batch), or NULL */
} ra_env_t;

/* Parses a SOURCE_DATE_EPOCH value (NULL when unset) into env. */
void ra_env_set_epoch(ra_env_t *env, const char *value);

#endif
