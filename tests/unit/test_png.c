/* test_png.c - cmocka unit tests for image.c: every PNG and JPEG kind accepted, exact decoded
 * pixels of flattened and reduced images, exact messages of every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "base/buf.h"
#include "pdf/image.h"
#include "pngutil.h"
#include "testutil.h"

/* --- Building PNG files --- */

/* Builds a PNG of w x h, bit depth and colour type ctype, interlaced or not,
 * whose image data is rows (filter bytes included, compressed here),
 * with PLTE and tRNS chunks when given (len 0: none). */
static void make_png(ra_buf_t *b, uint32_t w, uint32_t h, int depth, int ctype, int interlace,
                     const void *rows, size_t nrows, const void *plte, size_t nplte,
                     const void *trns, size_t ntrns)
{
    unsigned char z[4096];
    uLongf zlen = sizeof z;
    assert_int_equal(compress(z, &zlen, rows, (uLong)nrows), Z_OK);
    unsigned char ihdr[13] = {(unsigned char)(w >> 24),
                              (unsigned char)(w >> 16),
                              (unsigned char)(w >> 8),
                              (unsigned char)w,
                              (unsigned char)(h >> 24),
                              (unsigned char)(h >> 16),
                              (unsigned char)(h >> 8),
                              (unsigned char)h,
                              (unsigned char)depth,
                              (unsigned char)ctype,
                              0,
                              0,
                              (unsigned char)interlace};
    ra_buf_clear(b);
    ra_buf_append(b, "\x89PNG\r\n\x1A\n", 8);
    png_chunk(b, "IHDR", ihdr, 13);
    if (nplte)
        png_chunk(b, "PLTE", plte, nplte);
    if (ntrns)
        png_chunk(b, "tRNS", trns, ntrns);
    png_chunk(b, "IDAT", z, zlen);
    png_chunk(b, "IEND", "", 0);
}

/* Reads data with pixels kept; asserts success and the size and kind. */
static void read_ok(const ra_buf_t *b, ra_image_t *img, ra_image_kind_t kind, uint32_t w,
                    uint32_t h, unsigned components, unsigned depth)
{
    ra_buf_t why = RA_BUF_INIT;
    assert_int_equal(ra_image_read(b->data, b->len, "logo", 1, img, &why), RA_OK);
    assert_string_equal(ra_buf_str(&why), "");
    assert_int_equal(img->kind, kind);
    assert_int_equal(img->width, w);
    assert_int_equal(img->height, h);
    assert_int_equal(img->components, components);
    assert_int_equal(img->depth, depth);
    ra_buf_free(&why);
}

/* Asserts that data[0..len) is refused with status st and message msg,
 * whether pixels are wanted or not. */
static void refused(const void *data, size_t len, ra_status_t st, const char *msg)
{
    for (int pixels = 0; pixels < 2; pixels++) {
        ra_image_t img;
        ra_buf_t why = RA_BUF_INIT;
        assert_int_equal(ra_image_read(data, len, "logo", pixels, &img, &why), st);
        assert_string_equal(ra_buf_str(&why), msg);
        assert_int_equal(img.data.len, 0);
        ra_buf_free(&why);
    }
}

/* --- PNGs embedded as they are --- */

/* Opaque PNGs of at most 8 bits, not interlaced, keep their IDAT data: the
 * zlib stream the file holds, byte for byte; greyscale at 1, 2, 4, 8 bits,
 * palette, RGB. */
static void test_png_raw(void **state)
{
    (void)state;
    static const struct {
        int depth, ctype;
        unsigned components;
    } kinds[] = {{1, 0, 1}, {2, 0, 1}, {4, 0, 1}, {8, 0, 1}, {8, 3, 1}, {4, 3, 1}, {8, 2, 3}};
    static const unsigned char plte[6] = {255, 0, 0, 0, 0, 255};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        /* 8 x 2 pixels: rows of 1 + 8 * components * depth / 8 bytes. */
        unsigned char rows[2 * (1 + 24)];
        size_t rowlen = 1 + (8 * kinds[k].components * (size_t)kinds[k].depth + 7) / 8;
        memset(rows, 0, sizeof rows);
        for (size_t i = 0; i < 2 * rowlen; i++)
            if (i % rowlen)
                rows[i] = kinds[k].ctype == 3 ? (kinds[k].depth == 8 ? 1 : 0x10) : (unsigned char)i;
        ra_buf_t b = RA_BUF_INIT;
        int pal = kinds[k].ctype == 3;
        make_png(&b, 8, 2, kinds[k].depth, kinds[k].ctype, 0, rows, 2 * rowlen, plte, pal ? 6 : 0,
                 NULL, 0);
        ra_image_t img;
        read_ok(&b, &img, RA_IMAGE_PNG_RAW, 8, 2, kinds[k].components, (unsigned)kinds[k].depth);
        /* The IDAT chunk's data starts after signature (8), IHDR (25), PLTE
         * (18 when there is one) and the IDAT length and type (8). */
        size_t idat = 8 + 25 + (pal ? 18 : 0) + 8;
        assert_int_equal(img.data.len, b.len - idat - 4 - 12);
        assert_memory_equal(img.data.data, b.data + idat, img.data.len);
        if (pal) {
            assert_int_equal(img.palette_len, 6);
            assert_memory_equal(img.palette, plte, 6);
        } else {
            assert_null(img.palette);
        }
        ra_image_free(&img);

        /* Checked only (the loader): no data kept. */
        ra_buf_t why = RA_BUF_INIT;
        assert_int_equal(ra_image_read(b.data, b.len, "logo", 0, &img, &why), RA_OK);
        assert_int_equal(img.data.len, 0);
        ra_image_free(&img);
        ra_buf_free(&b);
        ra_buf_free(&why);
    }
}

/* --- PNGs decoded --- */

/* Reads b's pixels, expecting w x h of components, and compares them. */
static void check_pixels(const ra_buf_t *b, uint32_t w, uint32_t h, unsigned components,
                         const unsigned char *want)
{
    ra_image_t img;
    read_ok(b, &img, RA_IMAGE_PIXELS, w, h, components, 8);
    assert_int_equal(img.data.len, (size_t)w * h * components);
    assert_memory_equal(img.data.data, want, img.data.len);
    assert_null(img.palette);
    ra_image_free(&img);
}

/* RGBA, 8 bits, flattened onto white: out = round((v * a + 255 * (255 - a)) / 255).
 *   (255, 0, 0, 128)   -> R (255 * 128 + 255 * 127) / 255 = 255, G = B = 255 * 127 / 255 = 127
 *   (0, 0, 0, 0)       -> white (255, 255, 255)
 *   (10, 20, 30, 255)  -> as it is (10, 20, 30)
 *   (10, 20, 30, 100)  -> R (1000 + 39525) / 255 = 158.92 -> 159,
 *                         G (2000 + 39525) / 255 = 162.84 -> 163,
 *                         B (3000 + 39525) / 255 = 166.76 -> 167 */
static void test_png_rgba(void **state)
{
    (void)state;
    static const unsigned char rows[] = {0,  255, 0,  0,   128, 0,  0,  0,  0,
                                         10, 20,  30, 255, 10,  20, 30, 100};
    static const unsigned char want[] = {255, 127, 127, 255, 255, 255, 10, 20, 30, 159, 163, 167};
    ra_buf_t b = RA_BUF_INIT;
    make_png(&b, 4, 1, 8, 6, 0, rows, sizeof rows, NULL, 0, NULL, 0);
    check_pixels(&b, 4, 1, 3, want);
    ra_buf_free(&b);
}

/* Grey + alpha, 8 bits: (100, 0) -> 255; (100, 255) -> 100;
 * (0, 128) -> 255 * 127 / 255 = 127; (10, 100) -> (1000 + 39525) / 255 = 158.92 -> 159. */
static void test_png_grey_alpha(void **state)
{
    (void)state;
    static const unsigned char rows[] = {0, 100, 0, 100, 255, 0, 128, 10, 100};
    static const unsigned char want[] = {255, 100, 127, 159};
    ra_buf_t b = RA_BUF_INIT;
    make_png(&b, 4, 1, 8, 4, 0, rows, sizeof rows, NULL, 0, NULL, 0);
    check_pixels(&b, 4, 1, 1, want);
    ra_buf_free(&b);
}

/* RGB, 16 bits, reduced to 8: (v + 128) / 257, i.e. round(v * 255 / 65535).
 *   0xFFFF -> 255, 0x8000 (32768 / 257 = 127.502) -> 128, 0 -> 0,
 *   0x1234 (4660 / 257 = 18.13) -> 18, 0x00FF (0.99) -> 1, 0x7F80 (127.004) -> 127 */
static void test_png_rgb16(void **state)
{
    (void)state;
    static const unsigned char rows[] = {0,    0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00,
                                         0x12, 0x34, 0x00, 0xFF, 0x7F, 0x80};
    static const unsigned char want[] = {255, 128, 0, 18, 1, 127};
    ra_buf_t b = RA_BUF_INIT;
    make_png(&b, 2, 1, 16, 2, 0, rows, sizeof rows, NULL, 0, NULL, 0);
    check_pixels(&b, 2, 1, 3, want);
    ra_buf_free(&b);
}

/* RGBA, 16 bits: (0xFFFF, 0, 0, 0x8000) -> R 65535 * 65535 / (65535 * 257) = 255,
 * G = B = 65535 * 32767 / (65535 * 257) = 127.498 -> 127: (255, 127, 127). */
static void test_png_rgba16(void **state)
{
    (void)state;
    static const unsigned char rows[] = {0, 0xFF, 0xFF, 0, 0, 0, 0, 0x80, 0};
    static const unsigned char want[] = {255, 127, 127};
    ra_buf_t b = RA_BUF_INIT;
    make_png(&b, 1, 1, 16, 6, 0, rows, sizeof rows, NULL, 0, NULL, 0);
    check_pixels(&b, 1, 1, 3, want);
    ra_buf_free(&b);
}

/* tRNS: the colour it names is transparent (white), the rest opaque.
 *   RGB (10, 20, 30) transparent: (10, 20, 30) -> (255, 255, 255), (40, 50, 60) stays.
 *   Palette entry 0 (255, 0, 0) at alpha 128 -> (255, 127, 127); entry 1 (0, 0, 255) opaque.
 *   Grey 2-bit, value 0 transparent: 0 -> 255, 1 -> 85, 2 -> 170, 3 -> 255 (x * 255 / 3). */
static void test_png_trns(void **state)
{
    (void)state;
    ra_buf_t b = RA_BUF_INIT;
    static const unsigned char rgb[] = {0, 10, 20, 30, 40, 50, 60};
    static const unsigned char rgb_trns[] = {0, 10, 0, 20, 0, 30};
    static const unsigned char rgb_want[] = {255, 255, 255, 40, 50, 60};
    make_png(&b, 2, 1, 8, 2, 0, rgb, sizeof rgb, NULL, 0, rgb_trns, sizeof rgb_trns);
    check_pixels(&b, 2, 1, 3, rgb_want);

    static const unsigned char pal[] = {0, 0, 1};
    static const unsigned char plte[] = {255, 0, 0, 0, 0, 255};
    static const unsigned char pal_trns[] = {128};
    static const unsigned char pal_want[] = {255, 127, 127, 0, 0, 255};
    make_png(&b, 2, 1, 8, 3, 0, pal, sizeof pal, plte, sizeof plte, pal_trns, 1);
    check_pixels(&b, 2, 1, 3, pal_want);

    static const unsigned char grey[] = {0, 0x1B}; /* 00 01 10 11 */
    static const unsigned char grey_trns[] = {0, 0};
    static const unsigned char grey_want[] = {255, 85, 170, 255};
    make_png(&b, 4, 1, 2, 0, 0, grey, sizeof grey, NULL, 0, grey_trns, 2);
    check_pixels(&b, 4, 1, 1, grey_want);
    ra_buf_free(&b);
}

/* Interlaced (Adam7) RGB, 8 bits, 5 x 3: decoded into the plain rows. The
 * passes (x0, y0, dx, dy) take the pixels in the order the PNG spec says. */
static void test_png_interlaced(void **state)
{
    (void)state;
    static const int adam7[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                    {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
    enum { W = 5, H = 3 };
    unsigned char px[H][W][3], rows[512];
    size_t n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 3; c++)
                px[y][x][c] = (unsigned char)(16 * y + 3 * x + c);
    for (int p = 0; p < 7; p++) {
        int x0 = adam7[p][0], y0 = adam7[p][1], dx = adam7[p][2], dy = adam7[p][3];
        if (x0 >= W || y0 >= H)
            continue; /* an empty pass has no rows */
        for (int y = y0; y < H; y += dy) {
            rows[n++] = 0;
            for (int x = x0; x < W; x += dx)
                for (int c = 0; c < 3; c++)
                    rows[n++] = px[y][x][c];
        }
    }
    ra_buf_t b = RA_BUF_INIT;
    make_png(&b, W, H, 8, 2, 1, rows, n, NULL, 0, NULL, 0);
    check_pixels(&b, W, H, 3, &px[0][0][0]);
    ra_buf_free(&b);
}

/* --- JPEG --- */

/* Reads a file of tests/fixtures/images into b. */
static void fixture(const char *name, ra_buf_t *b)
{
    char path[256];
    snprintf(path, sizeof path, "tests/fixtures/images/%s", name);
    ra_buf_clear(b);
    read_whole(path, b);
}

/* Baseline and progressive, RGB and greyscale: 12 x 8, embedded as they
 * are (no data of ours), YCbCr (no Adobe marker). */
static void test_jpeg(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        unsigned components;
    } kinds[] = {{"rgb-baseline.jpg", 3}, {"rgb-progressive.jpg", 3}, {"grey-baseline.jpg", 1}};
    ra_buf_t b = RA_BUF_INIT;
    for (size_t k = 0; k < 3; k++) {
        ra_image_t img;
        fixture(kinds[k].file, &b);
        read_ok(&b, &img, RA_IMAGE_JPEG, 12, 8, kinds[k].components, 8);
        assert_int_equal(img.data.len, 0);
        assert_int_equal(img.jpeg_rgb, 0);
        ra_image_free(&img);
    }
    ra_buf_free(&b);
}

/* Returns the offset of the first SOF0 or SOF2 marker of a JPEG. */
static size_t sof_at(const ra_buf_t *b)
{
    for (size_t i = 0; i + 1 < b->len; i++)
        if ((unsigned char)b->data[i] == 0xFF &&
            ((unsigned char)b->data[i + 1] == 0xC0 || (unsigned char)b->data[i + 1] == 0xC2))
            return i;
    fail();
    return 0;
}

/* What is refused in a JPEG: CMYK, 12 bits, lossless, too large,
 * truncated, a file with no frame header. */
static void test_jpeg_refused(void **state)
{
    (void)state;
    ra_buf_t b = RA_BUF_INIT;
    fixture("rgb-baseline.jpg", &b);
    size_t sof = sof_at(&b);

    b.data[sof + 9] = 4; /* components */
    refused(b.data, b.len, RA_ERR_INVALID, "logo JPEG is CMYK; save it as RGB or greyscale");
    b.data[sof + 9] = 3;
    b.data[sof + 4] = 12; /* precision */
    refused(b.data, b.len, RA_ERR_INVALID,
            "logo JPEG has 12-bit samples, which PDF/A-1 cannot hold; save it with 8 bits per "
            "sample");
    b.data[sof + 4] = 8;
    b.data[sof + 1] = (char)0xC3; /* lossless */
    refused(b.data, b.len, RA_ERR_INVALID,
            "logo JPEG is lossless or arithmetic-coded, which PDF cannot hold; save it as a "
            "baseline or progressive JPEG");
    b.data[sof + 1] = (char)0xC0;
    b.data[sof + 7] = 0x13; /* width 0x1388 = 5000 */
    b.data[sof + 8] = (char)0x88;
    refused(b.data, b.len, RA_ERR_LIMIT,
            "logo JPEG is larger than the limit of 4096 x 4096 pixels");
    b.data[sof + 7] = 0;
    b.data[sof + 8] = 12;

    /* Cut in the scan data, or inside a segment. */
    refused(b.data, b.len - 40, RA_ERR_INVALID, "logo JPEG is truncated");
    refused(b.data, sof + 5, RA_ERR_INVALID, "logo JPEG is truncated");
    /* SOI then EOI: no frame. */
    refused("\xFF\xD8\xFF\xD9", 4, RA_ERR_INVALID, "logo JPEG is damaged");
    ra_buf_free(&b);
}

/* --- Refusals common to both, and PNG refusals --- */

static void test_refused(void **state)
{
    (void)state;
    refused("GIF89a\1\0\1\0", 10, RA_ERR_INVALID, "logo is not a PNG or JPEG file");
    refused("", 0, RA_ERR_INVALID, "logo is not a PNG or JPEG file");

    /* Above the file limit (2 MiB), whatever the bytes. */
    char *big = calloc(RA_IMAGE_MAX_BYTES + 1, 1);
    assert_non_null(big);
    refused(big, RA_IMAGE_MAX_BYTES + 1, RA_ERR_LIMIT,
            "logo is larger than the limit of 2097152 bytes");
    free(big);

    ra_buf_t b = RA_BUF_INIT;
    static const unsigned char row[] = {0, 1, 2, 3};
    /* 4097 pixels wide: refused from the header, before any decoding. */
    make_png(&b, 4097, 1, 8, 0, 0, row, sizeof row, NULL, 0, NULL, 0);
    refused(b.data, b.len, RA_ERR_LIMIT, "logo PNG is larger than the limit of 4096 x 4096 pixels");
    /* RGB at 4 bits does not exist. */
    make_png(&b, 1, 1, 4, 2, 0, row, sizeof row, NULL, 0, NULL, 0);
    refused(b.data, b.len, RA_ERR_INVALID,
            "logo PNG is damaged (invalid header or missing chunks)");
    /* A palette image without a palette. */
    make_png(&b, 3, 1, 8, 3, 0, row, sizeof row, NULL, 0, NULL, 0);
    refused(b.data, b.len, RA_ERR_INVALID,
            "logo PNG is damaged (invalid header or missing chunks)");
    /* Two rows declared, one given: not enough image data. */
    make_png(&b, 3, 2, 8, 0, 0, row, sizeof row, NULL, 0, NULL, 0);
    refused(b.data, b.len, RA_ERR_INVALID, "logo PNG is damaged");
    /* A row with filter type 7. */
    static const unsigned char bad_filter[] = {7, 1, 2, 3};
    make_png(&b, 3, 1, 8, 0, 0, bad_filter, sizeof bad_filter, NULL, 0, NULL, 0);
    refused(b.data, b.len, RA_ERR_INVALID, "logo PNG is damaged");
    /* A byte of the image data changed: its CRC no longer matches. */
    make_png(&b, 3, 1, 8, 0, 0, row, sizeof row, NULL, 0, NULL, 0);
    b.data[8 + 25 + 8] ^= 0x01;
    refused(b.data, b.len, RA_ERR_INVALID, "logo PNG is damaged");
    /* Cut before IEND. */
    make_png(&b, 3, 1, 8, 0, 0, row, sizeof row, NULL, 0, NULL, 0);
    refused(b.data, b.len - 6, RA_ERR_INVALID, "logo PNG is truncated");
    /* The same damage in an RGBA image, which is decoded, not passed through. */
    static const unsigned char rgba[] = {0, 1, 2, 3, 4};
    make_png(&b, 1, 2, 8, 6, 0, rgba, sizeof rgba, NULL, 0, NULL, 0);
    refused(b.data, b.len, RA_ERR_INVALID, "logo PNG is damaged");
    ra_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_raw),        cmocka_unit_test(test_png_rgba),
        cmocka_unit_test(test_png_grey_alpha), cmocka_unit_test(test_png_rgb16),
        cmocka_unit_test(test_png_rgba16),     cmocka_unit_test(test_png_trns),
        cmocka_unit_test(test_png_interlaced), cmocka_unit_test(test_jpeg),
        cmocka_unit_test(test_jpeg_refused),   cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
