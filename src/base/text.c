/* text.c - UTF-8 decoding and encoding helpers. */
#include "base/text.h"

uint32_t ra_utf8_decode(const char *s, size_t len, size_t *pos)
{
    const unsigned char *p = (const unsigned char *)s + *pos;
    size_t left = len - *pos;
    unsigned c = p[0];

    if (c < 0x80) {
        *pos += 1;
        return c;
    }
    /* Lead byte: sequence length and the valid range of the second byte
     * (which excludes overlongs, surrogates and values above U+10FFFF). */
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        *pos += 1;
        return RA_UTF8_INVALID;
    }
    for (size_t i = 1; i < n; i++) {
        unsigned b = i < left ? p[i] : 0;
        if (i >= left || b < lo || b > hi) {
            *pos += i; /* maximal ill-formed prefix */
            return RA_UTF8_INVALID;
        }
        cp = (cp << 6) | (b & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *pos += n;
    return cp;
}

size_t ra_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp <= 0x10FFFF) {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    return 0;
}

size_t ra_utf8_count(const char *s, size_t len)
{
    size_t n = 0, pos = 0;
    while (pos < len) {
        ra_utf8_decode(s, len, &pos);
        n++;
    }
    return n;
}
