/* coverage.c - which characters of a text the font chain cannot draw, asked
 * before a document is made (so that every command can say which field of
 * a record loses what). */
#include "pdf/pdf_int.h"

#include "base/text.h"

int ra_pdf__font_has(const ra_pdf_fonts_t *fonts, int fi, uint32_t cp)
{
    hb_codepoint_t g;
    /* A face is read when a character first needs it; one that cannot be
     * read draws nothing (the report that needs it fails on it). */
    if (ra_pdf__font_ready(fonts, fi) != RA_OK)
        return 0;
    return hb_font_get_nominal_glyph(fonts->font[fi].font, cp, &g) && g != 0;
}

/* Whether style s of fonts draws cp as itself (what itemise in shape.c does). */
static int style_draws(const ra_pdf_fonts_t *fonts, int s, uint32_t cp)
{
    for (size_t k = 0; k < fonts->nchain[s]; k++)
        if (ra_pdf__font_has(fonts, fonts->chain[s][k], cp))
            return 1;
    /* A mark or format character no face has is hidden, not replaced. */
    return ra_pdf__attaches(cp);
}

size_t ra_pdf_fonts_missing(const ra_pdf_fonts_t *fonts, const char *utf8, size_t len,
                            uint32_t *cps, size_t max)
{
    size_t n = 0, stored = 0, pos = 0;
    /* Distinct code points past the stored ones are told apart by a
     * small table of those seen: a field rarely holds many. */
    uint32_t seen[64];
    size_t nseen = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)utf8[pos];
        if (c >= 0x20 && c < 0x7F) { /* every style's first face has printable ASCII */
            pos++;
            continue;
        }
        uint32_t cp = ra_utf8_decode(utf8, len, &pos);
        if (cp == '\t')
            continue; /* drawn as a space */
        int bad = ra_pdf_unprintable(cp) != NULL;
        for (int s = 0; !bad && s < RA_FACE_COUNT; s++)
            bad = !style_draws(fonts, s, cp);
        if (!bad || cp == RA_UNICODE_REPLACEMENT)
            continue;
        size_t j = 0;
        while (j < nseen && seen[j] != cp)
            j++;
        if (j < nseen)
            continue;
        if (nseen < sizeof seen / sizeof *seen)
            seen[nseen++] = cp;
        n++;
        if (stored < max)
            cps[stored++] = cp;
    }
    return n;
}
