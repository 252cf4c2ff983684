/* env.h - what the process knows, made once by the command line and passed
 * to the library: where the data and fonts are, the reproducible date, where
 * diagnostics go, and what was loaded once for many reports. */
#ifndef RA_ENV_H
#define RA_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/status.h"

struct ra_loader;      /* model/load.h */
struct ra_pdf_fonts;   /* pdf/pdf.h */
struct ra_hyph;        /* layout/break.h */
struct ra_layout_memo; /* layout/layout.h */

/* All pointers are borrowed: the maker of the environment owns them. */
typedef struct {
    const char *datadir;    /* holds schemas/ and templates/ */
    const char *font_dir;   /* READYAUDIT_FONT_DIR, or NULL: the default fonts */
    const char *font_chain; /* the font chain file, or NULL: datadir/fonts/chain.txt */
    const char *hyph_dir;   /* READYAUDIT_HYPH_DIR, or NULL: the default dictionaries */
    const char *hyph_list;  /* the dictionary list, or NULL: datadir/fonts/hyphen.txt */
    /* The user's cache of font files found as the chain lists them
     * (ra_pdf_options_t.verified_fonts), or NULL: none. */
    const char *verified_fonts;
    /* The user's cache of words shaped by earlier reports
     * (ra_pdf_options_t.shaped_words), and of the break opportunities they
     * found (ra_layout_memo_read): set for report alone, else NULL. */
    const char *shaped_words;
    const char *break_memo;
    /* The user's cache of font subsets reports embedded
     * (ra_pdf_options_t.font_subsets): set for report alone, else NULL. */
    const char *font_subsets;
    /* SOURCE_DATE_EPOCH, read once (ra_env_set_epoch). */
    bool epoch_set; /* set, not empty, and valid: the document date of reports */
    int64_t epoch;  /* its value, 0 when not set */
    ra_diag_sink_t *sink;
    struct ra_loader *loader;         /* reports to sink */
    const struct ra_pdf_fonts *fonts; /* read once for many reports (batch), or NULL */
    /* Hyphenation dictionaries, each loaded once for many reports, or NULL:
     * each report loads its own. */
    struct ra_hyph *hyph;
    /* Break opportunities kept from a batch's specimen report, or NULL. */
    const struct ra_layout_memo *breaks;
} ra_env_t;

/* Parses a SOURCE_DATE_EPOCH value into env as the reproducible-builds
 * specification asks: NULL or empty is unset; otherwise only decimal digits,
 * at most 253402300799 (the end of 9999). Anything else is RA_ERR_USAGE, the
 * epoch left unset and *why saying what is wrong (a static string). */
ra_status_t ra_env_set_epoch(ra_env_t *env, const char *value, const char **why);

/* Stores in *out the font chain file of env: env->font_chain, else
 * datadir/fonts/chain.txt (made in tmp), else NULL (the PDF default). */
ra_status_t ra_env_font_chain(const ra_env_t *env, ra_buf_t *tmp, const char **out);

/* Stores in *out the hyphenation dictionary list of env: env->hyph_list,
 * else datadir/fonts/hyphen.txt (made in tmp), else NULL (the layout's
 * default). */
ra_status_t ra_env_hyph_list(const ra_env_t *env, ra_buf_t *tmp, const char **out);

/* Says that start-up is over (schemas, fonts and checklist are loaded): calls
 * ra_test_started(), when something loaded into the process defines it (the
 * test suite's preloaded allocator, which then starts failing allocations),
 * and does nothing otherwise. */
void ra_env_started(void);

#endif
