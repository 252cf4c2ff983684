/* image.c - PNG (through libpng) and JPEG images checked, decoded and flattened for PDF/A-1. */
#include "pdf/image.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* Big-endian reads of chunk and marker fields. */
static uint32_t get16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Appends "<what> <msg>" to why and returns st. */
static ra_status_t refuse(ra_buf_t *why, const char *what, const char *msg, ra_status_t st)
{
    if (why)
        ra_buf_printf(why, "%s %s", what, msg);
    return st;
}

/* --- PNG --- */

/* What the chunk walk learns before libpng decodes. */
typedef struct {
    uint32_t width, height;
    unsigned depth, ctype, interlace;
    int trns;
    const unsigned char *plte;
    size_t plte_len;
} png_head_t;

/* One decode: the input and the allocations to free after a longjmp. */
typedef struct {
    const unsigned char *p;
    size_t len, pos;
    unsigned char *row;
    unsigned char *pixels;
    png_bytep *rows;
} png_job_t;

/* libpng reader over memory; running out of data is an error. */
static void png_read_mem(png_structp png, png_bytep out, size_t n)
{
    png_job_t *job = png_get_io_ptr(png);
    if (n > job->len - job->pos)
        png_error(png, "truncated");
    memcpy(out, job->p + job->pos, n);
    job->pos += n;
}

/* libpng error handler: jumps back to ra_image_read (the message is not
 * shown: it is libpng's wording for what we call damaged). */
static void png_on_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

/* libpng warnings (bad ancillary chunks and the like) are not errors. */
static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Returns 1 when the IHDR bit depth and colour type go together. */
static int png_valid_depth(unsigned ctype, unsigned depth)
{
    switch (ctype) {
    case 0:
        return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:
        return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
        return depth == 8 || depth == 16;
    default:
        return 0;
    }
}

/* Walks the chunks of a PNG up to IEND: the header, the palette, whether
 * there is a tRNS chunk and image data. Returns NULL or what is wrong. */
static const char *png_walk(const unsigned char *p, size_t len, png_head_t *h)
{
    static const char *const damaged = "PNG is damaged (invalid header or missing chunks)";
    int idat = 0;
    memset(h, 0, sizeof *h);
    if (len < 8 + 25 || memcmp(p + 12, "IHDR", 4) != 0 || get32(p + 8) != 13)
        return damaged;
    const unsigned char *d = p + 16;
    h->width = get32(d);
    h->height = get32(d + 4);
    h->depth = d[8];
    h->ctype = d[9];
    h->interlace = d[12];
    for (size_t at = 8, ended = 0; !ended;) {
        if (len - at < 12 || get32(p + at) > len - at - 12)
            return "PNG is truncated";
        const unsigned char *type = p + at + 4;
        uint32_t n = get32(p + at);
        if (memcmp(type, "tRNS", 4) == 0)
            h->trns = 1;
        else if (memcmp(type, "PLTE", 4) == 0) {
            h->plte = p + at + 8;
            h->plte_len = n;
        }
        idat |= memcmp(type, "IDAT", 4) == 0;
        ended = memcmp(type, "IEND", 4) == 0;
        at += 12 + (size_t)n;
    }
    if (!png_valid_depth(h->ctype, h->depth) || d[10] != 0 || d[11] != 0 || h->interlace > 1 ||
        h->width == 0 || h->height == 0 || !idat || (h->ctype == 3 && !h->plte) ||
        (h->plte && (h->plte_len == 0 || h->plte_len % 3 != 0 || h->plte_len > 768)))
        return damaged;
    if (h->width > RA_IMAGE_MAX_SIDE || h->height > RA_IMAGE_MAX_SIDE)
        return "PNG is larger than the limit of 4096 x 4096 pixels";
    return NULL;
}

/* Appends the data of every IDAT chunk (a walked PNG) to out. */
static ra_status_t png_join_idat(const unsigned char *p, size_t len, ra_buf_t *out)
{
    ra_status_t st = RA_OK;
    for (size_t at = 8; at + 12 <= len && st == RA_OK;) {
        uint32_t n = get32(p + at);
        if (memcmp(p + at + 4, "IDAT", 4) == 0)
            st = ra_buf_append(out, (const char *)p + at + 8, n);
        if (memcmp(p + at + 4, "IEND", 4) == 0)
            break;
        at += 12 + (size_t)n;
    }
    return st;
}

/* Composites sample v with alpha a (both of maximum m, 255 or 65535) onto
 * white and scales the result to 8 bits, rounding to nearest (see
 * image.h). */
static unsigned char flatten(uint32_t v, uint32_t a, uint32_t m)
{
    uint64_t x = (uint64_t)v * a + (uint64_t)m * (m - a); /* times m, over white */
    /* out = round(x * 255 / (m * m)); m * m / 255 is m * (m / 255) exactly,
     * as 255 divides m (255 = 255 * 1, 65535 = 255 * 257). */
    uint64_t div = (uint64_t)m * (m / 255u);
    return (unsigned char)((x + div / 2) / div);
}

/* Converts decoded rows (channels 1-4 of depth 8 or 16, alpha last when
 * channels is 2 or 4) to 8-bit grey or RGB samples in out. */
static ra_status_t png_to_pixels(png_job_t *job, uint32_t w, uint32_t h, unsigned channels,
                                 unsigned depth, ra_buf_t *out)
{
    unsigned colours = channels >= 3 ? 3 : 1, alpha = channels == 2 || channels == 4;
    uint32_t m = depth == 16 ? 65535u : 255u;
    size_t n = (size_t)w * h * colours;
    ra_status_t st = ra_buf_reserve(out, n);
    if (st != RA_OK)
        return st;
    unsigned char *o = (unsigned char *)out->data;
    for (uint32_t y = 0; y < h; y++) {
        const unsigned char *r = job->rows[y];
        for (uint32_t x = 0; x < w; x++) {
            uint32_t s[4];
            for (unsigned c = 0; c < channels; c++)
                s[c] = depth == 16 ? get16(r + 2 * ((size_t)x * channels + c))
                                   : r[(size_t)x * channels + c];
            for (unsigned c = 0; c < colours; c++)
                *o++ = alpha         ? flatten(s[c], s[channels - 1], m)
                       : depth == 16 ? (unsigned char)((s[c] + 128) / 257)
                                     : (unsigned char)s[c];
        }
    }
    out->len = n;
    return RA_OK;
}

/* Decodes a walked PNG with libpng: rows one at a time when only checked
 * or embedded as it is (raw), the whole image, converted, when pixels are
 * wanted. Returns RA_OK, RA_ERR_INVALID (damaged) or RA_ERR_NOMEM. */
static ra_status_t png_decode(const unsigned char *p, size_t len, int raw, int pixels,
                              ra_image_t *img)
{
    /* On the heap, so that what is set after setjmp survives a longjmp. */
    png_job_t *job = calloc(1, sizeof *job);
    ra_status_t st = RA_ERR_NOMEM;
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_on_error, png_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!job || !png || !info)
        goto done;
    job->p = p;
    job->len = len;
    if (setjmp(png_jmpbuf(png))) {
        st = RA_ERR_INVALID;
        goto done;
    }
    /* libpng's own limits, against a header that lies: no side above ours,
     * no ancillary chunk above the file limit, few of them. */
    png_set_user_limits(png, RA_IMAGE_MAX_SIDE, RA_IMAGE_MAX_SIDE);
    png_set_chunk_malloc_max(png, RA_IMAGE_MAX_BYTES);
    png_set_chunk_cache_max(png, 256);
    png_set_read_fn(png, job, png_read_mem);
    png_read_info(png, info);
    uint32_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (!raw)
        png_set_expand(png); /* palette -> RGB, grey to 8 bits, tRNS -> alpha */
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if (raw || !pixels) {
        if (!(job->row = malloc(rowbytes))) {
            st = RA_ERR_NOMEM;
            goto done;
        }
        for (int pass = 0; pass < passes; pass++)
            for (uint32_t y = 0; y < h; y++)
                png_read_row(png, job->row, NULL);
        png_read_end(png, NULL);
        st = RA_OK;
        goto done;
    }
    job->pixels = malloc(rowbytes * h);
    job->rows = malloc(h * sizeof *job->rows);
    if (!job->pixels || !job->rows) {
        st = RA_ERR_NOMEM;
        goto done;
    }
    for (uint32_t y = 0; y < h; y++)
        job->rows[y] = job->pixels + rowbytes * y;
    png_read_image(png, job->rows);
    png_read_end(png, NULL);
    st = png_to_pixels(job, w, h, png_get_channels(png, info), png_get_bit_depth(png, info),
                       &img->data);
done:
    png_destroy_read_struct(&png, &info, NULL);
    if (job) {
        free(job->row);
        free(job->pixels);
        free(job->rows);
        free(job);
    }
    return st;
}

/* Checks a PNG and fills img: raw when it can be embedded as it is. */
static ra_status_t png_read(const unsigned char *p, size_t len, const char *what, int pixels,
                            ra_image_t *img, ra_buf_t *why)
{
    png_head_t h;
    const char *bad = png_walk(p, len, &h);
    if (bad)
        return refuse(why, what, bad, strstr(bad, "limit") ? RA_ERR_LIMIT : RA_ERR_INVALID);
    int raw = h.ctype != 4 && h.ctype != 6 && !h.trns && h.depth <= 8 && h.interlace == 0;
    ra_status_t st = png_decode(p, len, raw, pixels, img);
    if (st == RA_ERR_NOMEM)
        return refuse(why, what, "could not be decoded: out of memory", st);
    if (st != RA_OK)
        return refuse(why, what, "PNG is damaged", st);
    img->width = h.width;
    img->height = h.height;
    if (raw) {
        img->kind = RA_IMAGE_PNG_RAW;
        img->components = h.ctype == 2 ? 3 : 1;
        img->depth = h.depth;
        if (h.ctype == 3) {
            img->palette = h.plte;
            img->palette_len = h.plte_len;
        }
        if (pixels && (st = png_join_idat(p, len, &img->data)) != RA_OK)
            return refuse(why, what, "could not be decoded: out of memory", st);
    } else {
        img->kind = RA_IMAGE_PIXELS;
        img->components = h.ctype == 2 || h.ctype == 3 || h.ctype == 6 ? 3 : 1;
        img->depth = 8;
    }
    return RA_OK;
}

/* --- JPEG --- */

/* Walks the markers of a JPEG file up to EOI, the entropy-coded data
 * included, reading the frame header (SOF) and the Adobe marker. Embedded
 * as it is, so only what PDF's DCTDecode reads is accepted. */
static ra_status_t jpeg_read(const unsigned char *p, size_t len, const char *what, ra_image_t *img,
                             ra_buf_t *why)
{
    int sof = 0, sos = 0, adobe_transform = -1;
    size_t at = 2;
    for (;;) {
        if (at + 2 > len)
            return refuse(why, what, "JPEG is truncated", RA_ERR_INVALID);
        if (p[at] != 0xFF)
            return refuse(why, what, "JPEG is damaged", RA_ERR_INVALID);
        while (at + 2 < len && p[at + 1] == 0xFF) /* fill bytes */
            at++;
        unsigned m = p[at + 1];
        at += 2;
        if (m == 0xD9) /* EOI */
            break;
        if ((m >= 0xD0 && m <= 0xD7) || m == 0x01)
            continue;
        if (at + 2 > len)
            return refuse(why, what, "JPEG is truncated", RA_ERR_INVALID);
        size_t seg = get16(p + at);
        if (seg < 2 || m == 0xD8 || m == 0x00)
            return refuse(why, what, "JPEG is damaged", RA_ERR_INVALID);
        if (seg > len - at)
            return refuse(why, what, "JPEG is truncated", RA_ERR_INVALID);
        const unsigned char *d = p + at + 2;
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            if (m != 0xC0 && m != 0xC1 && m != 0xC2)
                return refuse(why, what,
                              "JPEG is lossless or arithmetic-coded, which PDF cannot hold; save "
                              "it as a baseline or progressive JPEG",
                              RA_ERR_INVALID);
            if (sof || seg < 8)
                return refuse(why, what, "JPEG is damaged", RA_ERR_INVALID);
            sof = 1;
            img->depth = d[0];
            img->height = get16(d + 1);
            img->width = get16(d + 3);
            img->components = d[5];
            if (img->depth == 12)
                return refuse(why, what,
                              "JPEG has 12-bit samples, which PDF/A-1 cannot hold; save it with 8 "
                              "bits per sample",
                              RA_ERR_INVALID);
            if (img->components == 4)
                return refuse(why, what, "JPEG is CMYK; save it as RGB or greyscale",
                              RA_ERR_INVALID);
            if (img->depth != 8 || (img->components != 1 && img->components != 3) ||
                seg != 8 + 3 * (size_t)img->components || img->width == 0 || img->height == 0)
                return refuse(why, what, "JPEG is damaged", RA_ERR_INVALID);
            if (img->width > RA_IMAGE_MAX_SIDE || img->height > RA_IMAGE_MAX_SIDE)
                return refuse(why, what, "JPEG is larger than the limit of 4096 x 4096 pixels",
                              RA_ERR_LIMIT);
        } else if (m == 0xEE && seg >= 14 && memcmp(d, "Adobe", 5) == 0) {
            adobe_transform = d[11];
        }
        at += seg;
        if (m != 0xDA)
            continue;
        if (!sof)
            return refuse(why, what, "JPEG is damaged", RA_ERR_INVALID);
        sos = 1;
        /* Entropy-coded data: up to the next marker that is not a
         * stuffed 0xFF00 or a restart marker. */
        while (at < len) {
            if (p[at] != 0xFF) {
                at++;
                continue;
            }
            if (at + 1 >= len)
                break;
            unsigned n = p[at + 1];
            if (n == 0x00 || (n >= 0xD0 && n <= 0xD7) || n == 0xFF)
                at += n == 0xFF ? 1 : 2;
            else
                break;
        }
    }
    if (!sof || !sos)
        return refuse(why, what, "JPEG is damaged", RA_ERR_INVALID);
    img->kind = RA_IMAGE_JPEG;
    img->jpeg_rgb = img->components == 3 && adobe_transform == 0;
    return RA_OK;
}

/* --- Either --- */

ra_status_t ra_image_read(const void *data, size_t len, const char *what, int pixels,
                          ra_image_t *img, ra_buf_t *why)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    const unsigned char *p = data;
    memset(img, 0, sizeof *img);
    img->data = (ra_buf_t)RA_BUF_INIT;
    if (len > RA_IMAGE_MAX_BYTES) {
        if (why)
            ra_buf_printf(why, "%s is larger than the limit of %u bytes", what, RA_IMAGE_MAX_BYTES);
        return RA_ERR_LIMIT;
    }
    ra_status_t st;
    if (len >= 8 && memcmp(p, png_sig, 8) == 0)
        st = png_read(p, len, what, pixels, img, why);
    else if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        st = jpeg_read(p, len, what, img, why);
    else
        st = refuse(why, what, "is not a PNG or JPEG file", RA_ERR_INVALID);
    if (st != RA_OK)
        ra_image_free(img);
    return st;
}

void ra_image_free(ra_image_t *img)
{
    if (!img)
        return;
    ra_buf_free(&img->data);
    memset(img, 0, sizeof *img);
}
