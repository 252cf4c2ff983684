/* manifest.h - the audit pack's index: one row per record of a batch,
 * written to CSV or JSON, read back, and merged across shards.
 *
 * Rows are opaque; their columns are read by name. */
#ifndef RA_MANIFEST_H
#define RA_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/env.h"
#include "base/status.h"
#include "model/model.h"
#include "score/score.h"

/* The manifest's columns, in order. */
extern const char *const ra_manifest_columns[];
extern const size_t ra_manifest_ncolumns;

typedef struct ra_manifest_row ra_manifest_row_t;
typedef struct ra_manifest_rows ra_manifest_rows_t;

/* What became of one input of a batch. All pointers are borrowed. */
typedef struct {
    const char *input;
    const ra_record_t *record;          /* NULL when it did not load */
    const ra_score_t *score;            /* NULL when it was not scored */
    const char *output;                 /* the report's path, NULL when there is none */
    const unsigned char *output_sha256; /* the report's digest, with output */
    bool skipped;                       /* the report was already up to date */
    ra_status_t status;
    const char *error; /* the first error message, "" when none */
    /* Lines the batch prints for this input (warnings), NULL or "" when none;
     * kept in the row (key "messages", not a column) until printed. */
    const char *messages;
} ra_manifest_entry_t;

/* Builds the row of one input, with what the portfolio needs (system key,
 * date, per-layer scores, gaps, not-applicable checks, owners of overdue
 * and expired items). NULL when out of memory. Free with ra_manifest_row_free. */
ra_manifest_row_t *ra_manifest_row_new(const ra_manifest_entry_t *e);
void ra_manifest_row_free(ra_manifest_row_t *row);

/* The row as one line of JSON (the caller frees it), and back: a batch
 * worker sends its row to the parent this way. decode gives NULL when the
 * text is not a row. */
char *ra_manifest_row_encode(const ra_manifest_row_t *row);
ra_manifest_row_t *ra_manifest_row_decode(const char *text);

/* A column's value: a string (NULL when null or not a string), a number
 * (false when there is none; *out is then 0), an integer (0 when none). A
 * string that is a plain decimal number (CSV) reads as a number too. */
const char *ra_manifest_row_str(const ra_manifest_row_t *row, const char *column);
bool ra_manifest_row_number(const ra_manifest_row_t *row, const char *column, double *out);
long long ra_manifest_row_int(const ra_manifest_row_t *row, const char *column);

/* The score of a layer, from the layer_scores column (false when it has none). */
bool ra_manifest_row_layer(const ra_manifest_row_t *row, const char *layer, double *out);
/* The row's layer scores in checklist order: the id of the i-th (NULL past
 * the last), its score in *out, and whether it has one. */
const char *ra_manifest_row_layer_at(const ra_manifest_row_t *row, size_t i, double *out,
                                     bool *has);
/* The i-th gap of the row (a check id, not NUL-terminated) in *id: its
 * length, 0 past the last. */
size_t ra_manifest_row_gap(const ra_manifest_row_t *row, size_t i, const char **id);

/* Marks the row failed with message msg: no output, no output digest.
 * RA_ERR_NOMEM when memory ran out: the row then has no status at all
 * (never still "done"). */
ra_status_t ra_manifest_row_fail(ra_manifest_row_t *row, const char *msg);

/* Takes the row's messages (see ra_manifest_entry_t), NULL when none; the
 * caller frees them. */
char *ra_manifest_row_take_messages(ra_manifest_row_t *row);

/* Marks a row of a report found up to date: status "skipped", no error.
 * RA_ERR_NOMEM when memory ran out (the row is then unchanged). */
ra_status_t ra_manifest_row_skip(ra_manifest_row_t *row);

/* Writes rows (NULL entries give empty rows) to path as JSON (".json") or
 * CSV (anything else), atomically. */
ra_status_t ra_manifest_write(const char *path, ra_manifest_row_t *const *rows, size_t n,
                              ra_diag_sink_t *sink);

/* A manifest written one row at a time, in bounded memory, with the
 * guarantees of ra_manifest_write: add each row (NULL gives an empty row),
 * then commit (which frees the writer) or free it (which discards the file). */
typedef struct ra_manifest_writer ra_manifest_writer_t;
ra_status_t ra_manifest_writer_new(const char *path, ra_diag_sink_t *sink,
                                   ra_manifest_writer_t **out);
ra_status_t ra_manifest_writer_add(ra_manifest_writer_t *w, const ra_manifest_row_t *row);
ra_status_t ra_manifest_writer_commit(ra_manifest_writer_t *w);
void ra_manifest_writer_free(ra_manifest_writer_t *w);

/* Rows read back from manifests. */
ra_manifest_rows_t *ra_manifest_rows_new(void);
void ra_manifest_rows_free(ra_manifest_rows_t *rows);
size_t ra_manifest_rows_count(const ra_manifest_rows_t *rows);
ra_manifest_row_t *ra_manifest_rows_get(const ra_manifest_rows_t *rows, size_t i);

/* Reads a manifest written by ra_manifest_write (CSV or JSON) and appends
 * its rows. A CSV manifest's values all read back as strings. */
ra_status_t ra_manifest_read(const char *path, ra_manifest_rows_t *rows, ra_diag_sink_t *sink);

/* Reads the manifest at path (CSV or JSON) one row at a time, in bounded
 * memory whatever its size, and hands each row to fn, which owns it (and
 * frees it with ra_manifest_row_free); a status other than RA_OK from fn
 * ends the reading with that status. Rows are checked as merge checks
 * them; a failure is said at FILE:LINE. */
typedef ra_status_t (*ra_manifest_row_fn)(void *ctx, ra_manifest_row_t *row);
ra_status_t ra_manifest_each(const char *path, ra_manifest_row_fn fn, void *ctx,
                             ra_diag_sink_t *sink);

/* Reads the manifests at paths and writes their rows, sorted by input path
 * (so merging shards in any order gives the same file), to out; *count
 * is the number of rows. */
ra_status_t ra_manifest_merge(const char *const *paths, size_t n, const char *out, size_t *count,
                              ra_diag_sink_t *sink);

#endif
