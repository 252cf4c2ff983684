/* seal.h - the last stage: writing an output file atomically. */
#ifndef RA_SEAL_H
#define RA_SEAL_H

#include <stddef.h>

#include "diag.h"
#include "status.h"

/* Writes len bytes to path through a temporary file in the same directory,
 * flushed to disk and renamed into place: readers see the old file or the
 * complete new one, never a part. On failure nothing is left behind and the
 * reason goes to sink. */
ra_status_t ra_write_atomic(const char *path, const void *data, size_t len, ra_diag_sink_t *sink);

#endif
