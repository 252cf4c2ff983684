/* pngutil.h - building PNG files in unit tests, chunk by chunk. Header-only. */
#ifndef RA_PNGUTIL_H
#define RA_PNGUTIL_H

#include <stddef.h>
#include <zlib.h>

#include "base/buf.h"

/* Appends a PNG chunk (length, type, data, CRC) to b. */
static void png_chunk(ra_buf_t *b, const char *type, const void *data, size_t len)
{
    unsigned char n[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
                          (unsigned char)(len >> 8), (unsigned char)len};
    ra_buf_append(b, (const char *)n, 4);
    size_t at = b->len;
    ra_buf_append(b, type, 4);
    ra_buf_append(b, data, len);
    unsigned long crc = crc32(0, (const unsigned char *)b->data + at, (uInt)(len + 4));
    unsigned char c[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16),
                          (unsigned char)(crc >> 8), (unsigned char)crc};
    ra_buf_append(b, (const char *)c, 4);
}

#endif
