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
#include <stdint.h>

#include "base/buf.h"
#include "base/hash.h"

/* Most bytes of a cache file of lines: a larger one is not ours. */
#define RA_USERCACHE_MAX (16u << 10)

/* Sets *text to the entries of the cache file at path (after its first
 * line, which must be header, "\n" included); false, *text empty, when
 * there are none to trust or the file has more than max bytes. */
bool ra_usercache_read(const char *path, const char *header, size_t max, ra_buf_t *text);

/* Replaces the cache file at path with header and text[0..len), making
 * its directory (and that directory's parent) for the user alone where
 * they are missing under a directory of the user's; a failure leaves the
 * file as it was and says nothing. A file at path that is not a cache file
 * of readyaudit's (its first line begins "readyaudit ") is left as it is. */
void ra_usercache_write(const char *path, const char *header, const char *text, size_t len);

/* Keyed files: what this readyaudit computed from inputs the key names
 * (the words it shaped, the break opportunities it found). The body is the
 * key, the data and a CRC-32 of both, so a file written by another build
 * or another library, or damaged since, is not read at all. */

/* The n-byte little-endian integer at p (n at most 4), as keyed files
 * hold their integers; and v written so. */
static inline uint32_t ra_le_get(const void *p, int n)
{
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | ((const unsigned char *)p)[i];
    return v;
}
static inline void ra_le_put(void *p, uint32_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        ((unsigned char *)p)[i] = (unsigned char)v;
}

/* Starts a key with the file's header, this readyaudit's version and its
 * executable's device, inode, size and times (a build with other code
 * gives another key); the caller adds what else the data depends on and
 * ends it. False when the executable cannot be told apart. */
bool ra_usercache_key_begin(ra_sha256_ctx_t *c, const char *header);

/* A keyed file mapped into memory (ra_usercache_map_keyed). */
typedef struct {
    void *addr;
    size_t len;
} ra_usercache_map_t;

/* Maps the keyed file at path when it has at most max bytes, and its
 * header, key and CRC-32 are right: returns where its data starts (at the
 * header's length plus 32 from a page boundary) and sets *len, or NULL.
 * The file is read where it is, as the font files are: it is replaced by
 * a rename, never written in place (a program that wrote it in place
 * while it is mapped could as well change the user's readyaudit). */
const char *ra_usercache_map_keyed(const char *path, const char *header,
                                   const unsigned char key[32], size_t max, size_t *len,
                                   ra_usercache_map_t *map);
/* Unmaps what ra_usercache_map_keyed mapped, if anything. */
void ra_usercache_unmap(ra_usercache_map_t *map);

/* A piece of a keyed file's data, where it is. */
typedef struct {
    const void *data;
    size_t len;
} ra_usercache_part_t;
#define RA_USERCACHE_PARTS_MAX 8

/* Replaces the keyed file at path with header, key and data: the nparts
 * pieces parts say (at most RA_USERCACHE_PARTS_MAX), one after another, as
 * ra_usercache_write does (written from where they are, not copied). */
void ra_usercache_write_keyed(const char *path, const char *header, const unsigned char key[32],
                              const ra_usercache_part_t *parts, size_t nparts);

#endif
