/* text.c - UTF-8 decoding and encoding helpers. */
#include "base/text.h"

#include <string.h>

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

/* ---- names and free text (see text.h for what is approximated) ---- */

/* Code point ranges, inclusive. */
typedef struct {
    uint32_t lo, hi;
} range_t;

static bool in_ranges(uint32_t cp, const range_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cp >= r[i].lo && cp <= r[i].hi)
            return true;
    return false;
}

#define NRANGES(a) (sizeof(a) / sizeof(a)[0])

/* General category Cf (Unicode 15), plus blank letters that render as nothing. */
static const range_t format_chars[] = {
    {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
    {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x115F, 0x1160},
    {0x180E, 0x180E},   {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},
    {0x2066, 0x206F},   {0x2800, 0x2800},   {0x3164, 0x3164},   {0xFEFF, 0xFEFF},
    {0xFFA0, 0xFFA0},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
    {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
    {0xE0020, 0xE007F},
};

/* White space (Unicode White_Space). */
static const range_t spaces[] = {
    {0x0009, 0x000D}, {0x0020, 0x0020}, {0x0085, 0x0085}, {0x00A0, 0x00A0}, {0x1680, 0x1680},
    {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

/* Non-ASCII code points that are never letters. */
static const range_t non_letters[] = {
    {0x0080, 0x00BF}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},    {0x0300, 0x036F}, {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x2000, 0x2BFF}, {0x3000, 0x303F},    {0xD800, 0xF8FF}, {0xFDD0, 0xFDEF},
    {0xFE00, 0xFE2F}, {0xFFF0, 0xFFFF}, {0xF0000, 0x10FFFF},
};

static bool is_format(uint32_t cp)
{
    return in_ranges(cp, format_chars, NRANGES(format_chars));
}

static bool is_space(uint32_t cp)
{
    return in_ranges(cp, spaces, NRANGES(spaces));
}

static bool is_letter(uint32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    return cp != RA_UTF8_INVALID && !is_format(cp) && !is_space(cp) &&
           !in_ranges(cp, non_letters, NRANGES(non_letters)) && (cp & 0xFFFE) != 0xFFFE;
}

static bool is_visible(uint32_t cp)
{
    return cp != RA_UTF8_INVALID && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
           !is_format(cp) && !is_space(cp);
}

bool ra_text_has_letter(const char *s)
{
    size_t len = s ? strlen(s) : 0, pos = 0;
    while (pos < len)
        if (is_letter(ra_utf8_decode(s, len, &pos)))
            return true;
    return false;
}

bool ra_text_has_visible(const char *s)
{
    size_t len = s ? strlen(s) : 0, pos = 0;
    while (pos < len)
        if (is_visible(ra_utf8_decode(s, len, &pos)))
            return true;
    return false;
}

size_t ra_text_words(const char *s)
{
    size_t len = s ? strlen(s) : 0, pos = 0, words = 0;
    bool counted = false;
    while (pos < len) {
        uint32_t cp = ra_utf8_decode(s, len, &pos);
        if (is_format(cp))
            continue;
        if (is_space(cp)) {
            counted = false;
            continue;
        }
        if (!counted && (is_letter(cp) || (cp >= '0' && cp <= '9'))) {
            words++;
            counted = true;
        }
    }
    return words;
}

/* The simple case folding of cp for ASCII, Latin-1, Latin Extended-A,
 * Greek and Cyrillic; other code points are returned unchanged. */
static uint32_t fold(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 0x20;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 0x20;
    if (cp == 0x178)
        return 0xFF;
    if (cp == 0x17F)
        return 's';
    if (cp == 0x130)
        return 'i';
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
        return cp | 1u;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return (cp & 1u) ? cp + 1 : cp;
    if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)
        return cp + 0x20;
    if (cp == 0x3C2)
        return 0x3C3; /* final sigma */
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    return cp;
}

/* Lower-case Latin letters composed from a base and one combining mark. */
static const struct {
    uint32_t base, mark, composed;
} compositions[] = {
    {'a', 0x300, 0xE0},  {'a', 0x301, 0xE1},  {'a', 0x302, 0xE2},  {'a', 0x303, 0xE3},
    {'a', 0x308, 0xE4},  {'a', 0x30A, 0xE5},  {'c', 0x327, 0xE7},  {'e', 0x300, 0xE8},
    {'e', 0x301, 0xE9},  {'e', 0x302, 0xEA},  {'e', 0x308, 0xEB},  {'i', 0x300, 0xEC},
    {'i', 0x301, 0xED},  {'i', 0x302, 0xEE},  {'i', 0x308, 0xEF},  {'n', 0x303, 0xF1},
    {'o', 0x300, 0xF2},  {'o', 0x301, 0xF3},  {'o', 0x302, 0xF4},  {'o', 0x303, 0xF5},
    {'o', 0x308, 0xF6},  {'u', 0x300, 0xF9},  {'u', 0x301, 0xFA},  {'u', 0x302, 0xFB},
    {'u', 0x308, 0xFC},  {'y', 0x301, 0xFD},  {'y', 0x308, 0xFF},  {'c', 0x301, 0x107},
    {'c', 0x30C, 0x10D}, {'d', 0x30C, 0x10F}, {'e', 0x30C, 0x11B}, {'g', 0x306, 0x11F},
    {'n', 0x301, 0x144}, {'n', 0x30C, 0x148}, {'r', 0x30C, 0x159}, {'s', 0x301, 0x15B},
    {'s', 0x327, 0x15F}, {'s', 0x30C, 0x161}, {'t', 0x30C, 0x165}, {'u', 0x30A, 0x16F},
    {'z', 0x301, 0x17A}, {'z', 0x30C, 0x17E}, {'l', 0x301, 0x13A}, {'a', 0x306, 0x103},
};

void ra_text_person_key(const char *s, ra_buf_t *out)
{
    size_t len = s ? strlen(s) : 0, pos = 0;
    uint32_t prev = 0; /* the folded code point waiting to be written, 0: none */
    bool space = false;
    char enc[4];
    while (pos <= len) {
        uint32_t cp = pos < len ? ra_utf8_decode(s, len, &pos) : 0;
        if (pos == len && cp == 0)
            pos++;
        if (cp && is_format(cp))
            continue;
        if (cp && is_space(cp)) {
            space = true;
            continue;
        }
        cp = cp ? fold(cp) : 0;
        if (prev && cp >= 0x300 && cp <= 0x36F) {
            bool done = false;
            for (size_t i = 0; i < sizeof compositions / sizeof compositions[0] && !done; i++)
                if (compositions[i].base == prev && compositions[i].mark == cp) {
                    prev = compositions[i].composed;
                    done = true;
                }
            if (done)
                continue;
        }
        if (prev) {
            size_t n = ra_utf8_encode(prev == RA_UTF8_INVALID ? RA_UNICODE_REPLACEMENT : prev, enc);
            ra_buf_append(out, enc, n);
        }
        if (cp && space && out->len) {
            ra_buf_append(out, " ", 1);
        }
        if (cp)
            space = false;
        prev = cp;
    }
}

bool ra_text_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int ra_text_line_fields(char *text, size_t len, size_t *pos, char **f, int max)
{
    if (*pos >= len)
        return -1;
    char *p = text + *pos, *eol = memchr(p, '\n', len - *pos);
    *pos = eol ? (size_t)(eol - text) + 1 : len;
    if (eol)
        *eol = '\0';
    int nf = 0;
    char *save = NULL;
    for (char *t = strtok_r(p, " \t\r", &save); t && nf < max; t = strtok_r(NULL, " \t\r", &save))
        f[nf++] = t;
    return nf;
}
