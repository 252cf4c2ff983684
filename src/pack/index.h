/* index.h - the pack index: an SQLite database that holds the rows of a
 * batch on disk as they arrive (committed in small groups), so that memory does
 * not grow with the batch, a killed batch leaves an index a re-run
 * completes, and a team can query a pack with sqlite3. The schema is in
 * README.md ("The pack index") and readyaudit(1).
 *
 * A run of a batch puts each input's row under its position (seq) in the
 * run's sorted inputs; rows of inputs the run did not reach (a record
 * removed since, or a run that was killed) go at ra_index_end_run. */
#ifndef RA_INDEX_H
#define RA_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "base/diag.h"
#include "base/status.h"
#include "pack/manifest.h"

typedef struct ra_index ra_index_t;

/* What stat said of a report just after it was put in place: a report
 * whose stat still says this (and whose record and inputs are the same)
 * is current without being read, as git's index does it. */
typedef struct {
    long long size, mtime_ns, ctime_ns, ino, dev;
} ra_index_stat_t;

/* Fills st for the file at path; false when it cannot be stat'ed or is not
 * a regular file. */
bool ra_index_stat(const char *path, ra_index_stat_t *st);

/* Fills st from what stat or fstat said (sb). */
void ra_index_stat_from(const struct stat *sb, ra_index_stat_t *st);

/* Whether a and b are the same stat, field for field. */
bool ra_index_stat_same(const ra_index_stat_t *a, const ra_index_stat_t *b);

/* Opens (creating it when absent) the index at path, or, with path NULL, a
 * temporary one that goes when it is freed; starts a run whose reports are
 * made from inputs_key (a digest of everything but the record that feeds a
 * report). A file that is not a pack index is refused and left as it is
 * (RA_ERR_IO, as a file at a report's name that is not a report). */
ra_status_t ra_index_open(const char *path, const char *inputs_key, ra_diag_sink_t *sink,
                          ra_index_t **out);
void ra_index_free(ra_index_t *idx);

/* Stores the row of the input at position seq of this run, with its
 * layer scores and gaps (kept as they are with same_detail, for a row read
 * back from the index), replacing what was there for the input; stat is
 * that of its report (NULL when it has none). Rows are committed in groups
 * (at most 64 rows or 0.1 s apart); ra_index_end_run, ra_index_each and
 * ra_index_free commit the pending ones. */
ra_status_t ra_index_put(ra_index_t *idx, size_t seq, const ra_manifest_row_t *row,
                         const ra_index_stat_t *stat, bool same_detail);

/* The row stored for an input, by its path, from this run or an earlier
 * one, with the stat of its report; *row is NULL when there is none, or
 * when it was made from other inputs (another key or tool). The caller
 * frees the row. */
ra_status_t ra_index_find(ra_index_t *idx, const char *input, ra_manifest_row_t **row,
                          ra_index_stat_t *stat, bool *has_stat);

/* The row this run stored at position seq (NULL when none). */
ra_status_t ra_index_get(ra_index_t *idx, size_t seq, ra_manifest_row_t **row);

/* Ends the run: the rows of inputs it did not store go. */
ra_status_t ra_index_end_run(ra_index_t *idx);

/* Calls fn with each row of this run, in input order, one at a time (the
 * row is freed after the call); stops at the first status that is not
 * RA_OK and returns it. */
typedef ra_status_t (*ra_index_fn)(void *ctx, const ra_manifest_row_t *row);
ra_status_t ra_index_each(ra_index_t *idx, ra_index_fn fn, void *ctx);

/* Writes this run's rows as a CSV or JSON manifest (by path's extension), in
 * bounded memory. */
ra_status_t ra_index_write_manifest(ra_index_t *idx, const char *path, ra_diag_sink_t *sink);

#endif
