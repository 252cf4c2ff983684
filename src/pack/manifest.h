/* manifest.h - the audit pack's index: one row per record of a batch, as
 * JSON objects (jansson) written to CSV or JSON, and merged across shards. */
#ifndef RA_MANIFEST_H
#define RA_MANIFEST_H

#include <jansson.h>

#include "cli/cli.h"
#include "base/diag.h"
#include "base/status.h"

/* The manifest's columns, in order. */
extern const char *const ra_manifest_columns[];
extern const size_t ra_manifest_ncolumns;

/* Builds the row of one record: from its outcome when it loaded (oc may be
 * NULL), its status, and the first error message ("" when none). */
json_t *ra_manifest_row(const char *input, const ra_outcome_t *oc, ra_status_t st,
                        const char *error);

/* Writes rows to path as JSON (".json") or CSV (anything else), atomically. */
ra_status_t ra_manifest_write(const char *path, json_t *const *rows, size_t n,
                              ra_diag_sink_t *sink);

/* Reads a manifest written by ra_manifest_write (CSV or JSON) and appends
 * its rows to the array. */
ra_status_t ra_manifest_read(const char *path, json_t *rows, ra_diag_sink_t *sink);

/* Writes the portfolio summary PDF over the rows of a batch. */
ra_status_t ra_portfolio_write(ra_cli_t *cli, const ra_checklist_t *cl, const char *path,
                               json_t *const *rows, size_t n);

int ra_cmd_manifest(ra_cli_t *cli);

#endif
