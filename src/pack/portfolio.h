/* portfolio.h - the portfolio summary of an audit pack, built from rows fed
 * one at a time into bounded aggregates: counts per verdict, sign-off,
 * profile, layer and check, and per system a short history (its last
 * RA_PORTFOLIO_HISTORY assessments). No row is kept. */
#ifndef RA_PORTFOLIO_H
#define RA_PORTFOLIO_H

#include "base/env.h"
#include "base/status.h"
#include "model/model.h"
#include "pack/manifest.h"

/* Assessments of one system kept for its trend; older ones are counted only. */
#define RA_PORTFOLIO_HISTORY 8

/* Systems the appendix lists one by one; above this, it says that the full
 * list is the manifest. */
#define RA_PORTFOLIO_APPENDIX_MAX 1000

typedef struct ra_portfolio ra_portfolio_t;

/* A portfolio over checklist cl (borrowed; it must outlive the portfolio),
 * with env's fonts, sink and SOURCE_DATE_EPOCH. NULL when out of memory. */
ra_portfolio_t *ra_portfolio_new(const ra_env_t *env, const ra_checklist_t *cl);
void ra_portfolio_free(ra_portfolio_t *p);

/* Adds one row (borrowed; nothing of it is kept by reference), in any
 * order; a NULL row is skipped. RA_ERR_NOMEM when memory ran out. */
ra_status_t ra_portfolio_add(ra_portfolio_t *p, const ra_manifest_row_t *row);

/* Names the manifest that lists the same rows (its bytes final): the
 * summary prints its path and SHA-256. RA_ERR_IO when it cannot be read. */
ra_status_t ra_portfolio_set_manifest(ra_portfolio_t *p, const char *path);

/* Lays out the summary and writes it to path atomically. */
ra_status_t ra_portfolio_write(ra_portfolio_t *p, const char *path);

#endif
