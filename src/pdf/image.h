/* image.h - PNG and JPEG images for embedding in a PDF/A-1 file: checks, decodes, flattens.
 *
 * One decoder and one set of limits for the template loader (which checks a
 * logo when the template loads) and the PDF backend (which embeds it); it
 * does not depend on libharu.
 *
 * What it accepts, by content (never by file name):
 *   - PNG, every colour type and depth, interlaced or not, through libpng.
 *     An opaque PNG of at most 8 bits a sample, not interlaced, is embedded
 *     as it is (RA_IMAGE_PNG_RAW: its IDAT data with PNG predictors, so
 *     the bytes stay those of the file). Any other PNG is decoded
 *     (RA_IMAGE_PIXELS): 16-bit samples reduced to 8 bits, interlacing
 *     undone, and transparency (an alpha channel or a tRNS chunk), which
 *     PDF/A-1 forbids, flattened onto the page colour, white (the backend
 *     paints no page background).
 *   - JPEG (baseline, extended or progressive; greyscale or RGB; 8-bit),
 *     embedded as it is (RA_IMAGE_JPEG, DCTDecode).
 * Refused: anything else, files above RA_IMAGE_MAX_BYTES, images above
 * RA_IMAGE_MAX_SIDE pixels a side, damaged or truncated files, CMYK and
 * 12-bit JPEGs, JPEGs coded in ways PDF cannot hold (lossless,
 * arithmetic).
 *
 * Flattening, per pixel and per colour sample v with alpha a, both of
 * maximum m (255 or 65535), over white:
 *     out = round((v * a + m * (m - a)) * 255 / (m * m))
 * in exact integer arithmetic, halves rounding up (they cannot occur: the
 * divisor is odd). Without alpha, a 16-bit sample becomes
 * round(v * 255 / 65535) = (v + 128) / 257 (integer division).
 * E.g. RGBA 8-bit (255, 0, 0, 128) becomes (255, 127, 127): the green is
 * (0 * 128 + 255 * 127) / 255 = 127 exactly.
 */
#ifndef RA_IMAGE_H
#define RA_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"

/* Limits: bytes of an image file, pixels a side. */
#define RA_IMAGE_MAX_BYTES (2u << 20)
#define RA_IMAGE_MAX_SIDE 4096u

/* How the image is embedded. */
typedef enum {
    RA_IMAGE_PNG_RAW, /* data: the PNG's IDAT chunks joined (Flate, /Predictor 15) */
    RA_IMAGE_PIXELS,  /* data: 8-bit samples, rows top to bottom, no padding */
    RA_IMAGE_JPEG     /* data: empty; the file's bytes are embedded (DCTDecode) */
} ra_image_kind_t;

/* A checked image. */
typedef struct {
    ra_image_kind_t kind;
    uint32_t width, height;
    unsigned components; /* 1 grey (or palette index), 3 RGB */
    unsigned depth;      /* bits per sample as embedded: 1, 2, 4 or 8 */
    /* RA_IMAGE_PNG_RAW with a palette: the PLTE entries (RGB), else NULL
     * (points into the caller's data). */
    const unsigned char *palette;
    size_t palette_len; /* bytes */
    /* RA_IMAGE_JPEG: 1 when the samples are RGB, not YCbCr (Adobe marker,
     * transform 0). */
    int jpeg_rgb;
    ra_buf_t data; /* owned; see kind */
} ra_image_t;

/* Checks and, when it must, decodes the image data[0..len). what names the
 * image in messages ("logo"). On success fills *img (the caller frees it
 * with ra_image_free) and returns RA_OK; otherwise appends to why a message
 * starting with what ("logo PNG is truncated") and returns RA_ERR_INVALID,
 * RA_ERR_LIMIT (too large) or RA_ERR_NOMEM. With pixels 0 the image is
 * checked the same way (every PNG row decoded) but nothing is kept
 * (img->data stays empty): what the loader needs. */
ra_status_t ra_image_read(const void *data, size_t len, const char *what, int pixels,
                          ra_image_t *img, ra_buf_t *why);
/* Frees what ra_image_read allocated; a zeroed image is fine. */
void ra_image_free(ra_image_t *img);

#endif
