/* usercache.h - small files in the user's cache directory that remember
 * what earlier runs found (font files as the chain lists them, documents
 * that matched their schema), each a header line and entries, one a line.
 *
 * Whoever can write such a file vouches for what it says, so one is read
 * only when it and its directory belong to the user running readyaudit and
 * no one else may write them; such a writer could as well change the
 * user's readyaudit. A file that cannot be read or written is no error:
 * the caller does the work it would have saved. */
#ifndef RA_USERCACHE_H
#define RA_USERCACHE_H

#include <stdbool.h>

#include "base/buf.h"

/* Most bytes of a cache file of lines: a larger one is not ours. */
#define RA_USERCACHE_MAX (16u << 10)

/* Sets *text to the entries of the cache file at path (after its first
 * line, which must be header, "\n" included); false, *text empty, when
 * there are none to trust or the file has more than max bytes. */
bool ra_usercache_read(const char *path, const char *header, size_t max, ra_buf_t *text);

/* Replaces the cache file at path with header and text[0..len), making
 * its directory (and that directory's parent) for the user alone where
 * they are missing under a directory of the user's; a failure leaves the
 * file as it was and says nothing. */
void ra_usercache_write(const char *path, const char *header, const char *text, size_t len);

#endif
