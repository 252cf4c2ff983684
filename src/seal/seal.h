/* seal.h - the last stage: writing an output file atomically. */
#ifndef RA_SEAL_H
#define RA_SEAL_H

#include <stddef.h>

#include "base/diag.h"
#include "base/status.h"

/* Writes len bytes to path through a temporary file in the same directory,
 * flushed to disk and renamed into place: readers see the old file or the
 * complete new one, never a part. On failure nothing is left behind and the
 * reason goes to sink. */
ra_status_t ra_write_atomic(const char *path, const void *data, size_t len, ra_diag_sink_t *sink);

/* The first half of ra_write_atomic: writes a temporary file beside path
 * (flushed to disk when durable) and stores its name in *tmp (the caller
 * frees it), for a caller that decides later whether to rename it into
 * place (ra_commit) or discard it (unlink). A caller writing many files may
 * skip the flush of each and sync the file system once at the end. */
ra_status_t ra_write_temp(const char *path, const void *data, size_t len, int durable,
                          ra_diag_sink_t *sink, char **tmp);

/* Renames a temporary file into place; on failure removes it. */
ra_status_t ra_commit(const char *tmp, const char *path, ra_diag_sink_t *sink);

/* Do these bytes look like a complete PDF: "%PDF-" at the start, "%%EOF"
 * at the end and a startxref offset pointing at a cross-reference? */
int ra_pdf_complete(const char *pdf, size_t len);

#endif
