/* ttf.c - the hand-written TrueType parser, glyph outlines and subsetter, one unit. */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- Font file parsing --- */

/* Finds table tag in the font's directory; returns 0 when absent. */
static int find_table(const font_t *f, const char *tag, table_t *t)
{
    uint16_t n = be16(f->data + 4);
    if (12 + 16 * (size_t)n > f->size)
        return 0;
    for (uint16_t i = 0; i < n; i++) {
        const unsigned char *r = f->data + 12 + 16 * (size_t)i;
        if (memcmp(r, tag, 4) != 0)
            continue;
        uint32_t off = be32(r + 8), len = be32(r + 12);
        if (off > f->size || len > f->size - off)
            return 0;
        t->off = off;
        t->len = len;
        return 1;
    }
    t->off = t->len = 0;
    return 0;
}

/* Returns the byte range of glyph g in glyf via loca; 0 if malformed. */
static int glyph_range(const font_t *f, uint32_t g, uint32_t *off, uint32_t *len)
{
    uint32_t a, b;
    if (g >= f->num_glyphs)
        return 0;
    if (f->loca_long) {
        if ((size_t)(g + 2) * 4 > f->loca.len)
            return 0;
        a = be32(f->data + f->loca.off + g * 4);
        b = be32(f->data + f->loca.off + g * 4 + 4);
    } else {
        if ((size_t)(g + 2) * 2 > f->loca.len)
            return 0;
        a = 2u * be16(f->data + f->loca.off + g * 2);
        b = 2u * be16(f->data + f->loca.off + g * 2 + 2);
    }
    if (a > b || b > f->glyf.len)
        return 0;
    *off = f->glyf.off + a;
    *len = b - a;
    return 1;
}

/* Fills f->gid from a cmap format 4 subtable at p (n bytes). */
static int cmap_format4(font_t *f, const unsigned char *p, size_t n)
{
    if (n < 14)
        return 0;
    size_t segs = be16(p + 6) / 2;
    if (16 + segs * 8 > n)
        return 0;
    const unsigned char *ends = p + 14, *starts = ends + segs * 2 + 2;
    const unsigned char *deltas = starts + segs * 2;
    const unsigned char *ranges = deltas + segs * 2;
    for (size_t s = 0; s < segs; s++) {
        uint32_t start = be16(starts + s * 2), end = be16(ends + s * 2);
        uint16_t delta = be16(deltas + s * 2), ro = be16(ranges + s * 2);
        for (uint32_t c = start; c <= end && c < 0xFFFF; c++) {
            uint32_t g;
            if (ro == 0) {
                g = (c + delta) & 0xFFFF;
            } else {
                size_t at = (size_t)(ranges - p) + s * 2 + ro + 2 * (c - start);
                if (at + 2 > n)
                    break;
                g = be16(p + at);
                if (g)
                    g = (g + delta) & 0xFFFF;
            }
            f->gid[c] = g < f->num_glyphs ? (uint16_t)g : 0;
        }
    }
    return 1;
}

/* Fills f->gid (BMP only) from a cmap format 12 subtable at p. */
static int cmap_format12(font_t *f, const unsigned char *p, size_t n)
{
    if (n < 16)
        return 0;
    uint32_t groups = be32(p + 12);
    if (groups > (n - 16) / 12)
        return 0;
    for (uint32_t i = 0; i < groups; i++) {
        const unsigned char *gp = p + 16 + (size_t)i * 12;
        uint32_t start = be32(gp), end = be32(gp + 4), g = be32(gp + 8);
        for (uint32_t c = start; c <= end && c < 0xFFFF; c++, g++)
            f->gid[c] = g < f->num_glyphs ? (uint16_t)g : 0;
    }
    return 1;
}

/* Builds f->gid from the best Unicode cmap subtable. */
static int parse_cmap(font_t *f)
{
    table_t t;
    if (!find_table(f, "cmap", &t) || t.len < 4)
        return 0;
    const unsigned char *c = f->data + t.off;
    uint16_t n = be16(c + 2);
    const unsigned char *best = NULL;
    int best_rank = 0;
    for (uint16_t i = 0; i < n && 4 + 8 * (size_t)i + 8 <= t.len; i++) {
        const unsigned char *r = c + 4 + 8 * (size_t)i;
        uint16_t plat = be16(r), enc = be16(r + 2);
        uint32_t off = be32(r + 4);
        if (off + 2 > t.len)
            continue;
        uint16_t fmt = be16(c + off);
        int rank = 0;
        if (plat == 3 && enc == 10 && fmt == 12)
            rank = 4;
        else if (plat == 3 && enc == 1 && fmt == 4)
            rank = 3;
        else if (plat == 0 && fmt == 12)
            rank = 2;
        else if (plat == 0 && fmt == 4)
            rank = 1;
        if (rank > best_rank) {
            best_rank = rank;
            best = c + off;
        }
    }
    if (!best)
        return 0;
    size_t left = t.len - (size_t)(best - c);
    if (be16(best) == 12)
        return cmap_format12(f, best, left);
    return cmap_format4(f, best, left);
}

/* Sets f->psname to the font's PostScript name (name ID 6), reduced to
 * characters allowed in a PDF name; the file name when there is none. */
static ra_status_t face_psname(font_t *f)
{
    table_t t;
    const unsigned char *best = NULL;
    size_t best_len = 0;
    int best_wide = 0;
    if (find_table(f, "name", &t) && t.len >= 6) {
        const unsigned char *n = f->data + t.off;
        uint16_t count = be16(n + 2), strings = be16(n + 4);
        for (uint16_t i = 0; i < count && 6 + 12 * (size_t)(i + 1) <= t.len; i++) {
            const unsigned char *r = n + 6 + 12 * (size_t)i;
            uint16_t plat = be16(r), id = be16(r + 6);
            size_t len = be16(r + 8), off = (size_t)strings + be16(r + 10);
            if (id != 6 || off + len > t.len || (plat != 1 && plat != 3))
                continue;
            best = n + off;
            best_len = len;
            best_wide = plat == 3;
            if (plat == 3)
                break;
        }
    }
    ra_buf_clear(&f->psname);
    for (size_t i = 0; best && i < best_len; i += best_wide ? 2 : 1) {
        unsigned c = best_wide ? (i + 1 < best_len ? best[i + 1] : 0) : best[i];
        if (best_wide && best[i] != 0)
            continue;
        if (c > 0x20 && c < 0x7F && !strchr("()<>[]{}/%#", (int)c))
            if (ra_buf_putc(&f->psname, (char)c) != RA_OK)
                return RA_ERR_NOMEM;
    }
    for (const char *c = f->name; f->psname.len == 0 && *c && *c != '.'; c++)
        if (((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
             *c == '-') &&
            ra_buf_putc(&f->psname, *c) != RA_OK)
            return RA_ERR_NOMEM;
    if (f->psname.len == 0 && ra_buf_puts(&f->psname, "Font") != RA_OK)
        return RA_ERR_NOMEM;
    return RA_OK;
}

/* Reads and parses one font file into f; appends a reason to err. */
ra_status_t ra_pdf__font_load(font_t *f, const char *path, ra_buf_t *err)
{
    ra_status_t st = RA_ERR_FONT;
    int fd = -1;

    size_t plen = strlen(path);
    f->path = malloc(plen + 1);
    if (!f->path)
        return RA_ERR_NOMEM;
    memcpy(f->path, path, plen + 1);
    const char *slash = strrchr(f->path, '/');
    f->name = slash ? slash + 1 : f->path;

    /* Mapped, not read: only the tables and glyphs used are paged in. */
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (err)
            ra_buf_printf(err, "cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 12 ||
        (unsigned long long)sb.st_size > FACE_FILE_MAX)
        goto bad_font;
    f->size = (size_t)sb.st_size;
    void *map = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        goto bad_read;
    f->data = map;
    close(fd);
    fd = -1;

    uint32_t ver = be32(f->data);
    if (ver != 0x00010000 && ver != 0x74727565) /* TrueType outlines only */
        goto bad_font;
    if (!find_table(f, "head", &f->head) || f->head.len < 54 || !find_table(f, "hhea", &f->hhea) ||
        f->hhea.len < 36 || !find_table(f, "maxp", &f->maxp) || f->maxp.len < 6 ||
        !find_table(f, "hmtx", &f->hmtx) || !find_table(f, "loca", &f->loca) ||
        !find_table(f, "glyf", &f->glyf))
        goto bad_font;
    find_table(f, "post", &f->post);
    find_table(f, "OS/2", &f->os2);

    const unsigned char *head = f->data + f->head.off;
    const unsigned char *hhea = f->data + f->hhea.off;
    f->upem = be16(head + 18);
    f->loca_long = be16(head + 50) != 0;
    f->num_glyphs = be16(f->data + f->maxp.off + 4);
    f->num_hmetrics = be16(hhea + 34);
    if (f->upem < 16 || f->num_glyphs == 0 || f->num_hmetrics == 0 ||
        f->num_hmetrics > f->num_glyphs || (size_t)f->num_hmetrics * 4 > f->hmtx.len)
        goto bad_font;
    f->ascent = (int16_t)be16(hhea + 4) / (double)f->upem;
    f->descent = (int16_t)be16(hhea + 6) / (double)f->upem;
    f->cap_height = 0.7;
    if (f->os2.len >= 90 && be16(f->data + f->os2.off) >= 2)
        f->cap_height = (int16_t)be16(f->data + f->os2.off + 88) / (double)f->upem;

    f->italic_angle = 0;
    f->fixed_pitch = 0;
    if (f->post.len >= 16) {
        const unsigned char *post = f->data + f->post.off;
        f->italic_angle = (int32_t)be32(post + 4) / 65536.0;
        f->fixed_pitch = be32(post + 12) != 0;
    }
    f->weight = 400;
    if (f->os2.len >= 6)
        f->weight = be16(f->data + f->os2.off + 4);
    if ((st = face_psname(f)) != RA_OK)
        goto fail;
    st = RA_ERR_FONT;

    f->gid = calloc(65536, sizeof *f->gid);
    f->width = malloc(f->num_glyphs * sizeof *f->width);
    if (!f->gid || !f->width) {
        st = RA_ERR_NOMEM;
        goto fail;
    }
    for (uint32_t g = 0; g < f->num_glyphs; g++) {
        uint32_t m = g < f->num_hmetrics ? g : f->num_hmetrics - 1u;
        uint32_t adv = be16(f->data + f->hmtx.off + m * 4);
        f->width[g] = (uint16_t)((adv * 1000u + f->upem / 2) / f->upem);
    }
    if (!parse_cmap(f))
        goto bad_font;
    f->repl = f->gid[RA_UNICODE_REPLACEMENT] ? RA_UNICODE_REPLACEMENT : '?';
    for (uint32_t c = 0x20; c < 0x7F; c++)
        f->ascii_w[c] = (uint16_t)ra_pdf__face_advance(f, c);
    if (ra_buf_printf(&f->missing_what, "not in font %s", f->name) != RA_OK) {
        st = RA_ERR_NOMEM;
        goto fail;
    }
    return RA_OK;

bad_read:
    if (err)
        ra_buf_printf(err, "cannot read %s", path);
    goto fail;
bad_font:
    if (err)
        ra_buf_printf(err, "%s: not a usable TrueType font", path);
fail:
    if (fd >= 0)
        close(fd);
    return st;
}

/* Frees what font_load allocated. */
void ra_pdf__font_free(font_t *f)
{
    free(f->path);
    if (f->data)
        munmap(f->data, f->size);
    free(f->gid);
    free(f->width);
    ra_buf_free(&f->psname);
    ra_buf_free(&f->missing_what);
}

/* Maps a decoded code point to the one face f draws in its place; sets
 * *why (NULL when drawn as itself). */
uint32_t ra_pdf__face_map(const font_t *f, uint32_t cp, const char **why)
{
    *why = NULL;
    if (cp == '\t')
        return ' ';
    if (cp == RA_UTF8_INVALID) {
        *why = "invalid UTF-8";
        return f->repl;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
        *why = "control character";
        return f->repl;
    }
    if (cp > 0xFFFF) {
        *why = "outside the Basic Multilingual Plane";
        return f->repl;
    }
    if (!f->gid[cp]) {
        *why = ra_buf_str(&f->missing_what);
        return f->repl;
    }
    return cp;
}

/* Returns the width in 1/1000 em of decoded code point cp. */
unsigned ra_pdf__face_advance(const font_t *f, uint32_t cp)
{
    const char *why;
    return f->width[f->gid[ra_pdf__face_map(f, cp, &why)]];
}

/* --- Glyph outlines --- */

/* Appends "x y op" for glyph point (x, y) under m. */
static ra_status_t put_pt(ra_buf_t *b, const xform_t *m, double x, double y, const char *op)
{
    double v[2] = {m->a * x + m->c * y + m->e, m->b * x + m->d * y + m->f};
    return ra_pdf__put_op(b, v, 2, op);
}

/* Appends the quadratic Bezier p0-c-p2 (glyph space) as a cubic. */
static ra_status_t put_quad(ra_buf_t *b, const xform_t *m, double x0, double y0, double cx,
                            double cy, double x2, double y2)
{
    double x1 = x0 + 2.0 / 3 * (cx - x0), y1 = y0 + 2.0 / 3 * (cy - y0);
    double x3 = x2 + 2.0 / 3 * (cx - x2), y3 = y2 + 2.0 / 3 * (cy - y2);
    double v[6] = {m->a * x1 + m->c * y1 + m->e, m->b * x1 + m->d * y1 + m->f,
                   m->a * x3 + m->c * y3 + m->e, m->b * x3 + m->d * y3 + m->f,
                   m->a * x2 + m->c * y2 + m->e, m->b * x2 + m->d * y2 + m->f};
    return ra_pdf__put_op(b, v, 6, "c");
}

/* Appends the path of a simple glyph's contours (data p, len n). */
static ra_status_t put_simple_glyph(ra_buf_t *b, const xform_t *m, const unsigned char *p, size_t n)
{
    int16_t ncont = (int16_t)be16(p);
    size_t at = 10 + 2 * (size_t)ncont;
    if (at + 2 > n)
        return RA_OK;
    uint16_t npts = (uint16_t)(be16(p + at - 2) + 1);
    at += 2 + be16(p + at); /* skip instructions */
    unsigned char *flags = malloc(npts);
    int32_t *xs = malloc(npts * sizeof *xs), *ys = malloc(npts * sizeof *ys);
    ra_status_t st = RA_ERR_NOMEM;
    if (!flags || !xs || !ys)
        goto done;
    st = RA_OK;
    for (uint16_t i = 0; i < npts;) { /* flags, with repeats */
        if (at >= n)
            goto done;
        unsigned char f = p[at++];
        unsigned rep = 0;
        if (f & 8) {
            if (at >= n)
                goto done;
            rep = p[at++];
        }
        for (unsigned r = 0; r <= rep && i < npts; r++)
            flags[i++] = f;
    }
    for (int axis = 0; axis < 2; axis++) { /* x deltas, then y deltas */
        int32_t v = 0, *out = axis ? ys : xs;
        unsigned shrt = axis ? 4 : 2, same = axis ? 32 : 16;
        for (uint16_t i = 0; i < npts; i++) {
            if (flags[i] & shrt) {
                if (at >= n)
                    goto done;
                v += (flags[i] & same) ? p[at] : -(int32_t)p[at];
                at++;
            } else if (!(flags[i] & same)) {
                if (at + 2 > n)
                    goto done;
                v += (int16_t)be16(p + at);
                at += 2;
            }
            out[i] = v;
        }
    }
    /* Contours: on-curve points joined by lines, off-curve points as
     * quadratic controls (two in a row imply an on-curve midpoint). */
    uint16_t start = 0;
    for (int16_t c = 0; c < ncont && st == RA_OK; c++) {
        uint16_t end = be16(p + 10 + 2 * c);
        if (end < start || end >= npts)
            break;
        uint16_t cnt = (uint16_t)(end - start + 1), first = 0;
        while (first < cnt && !(flags[start + first] & 1))
            first++;
        double sx, sy;
        if (first == cnt) { /* all off-curve: start between the first two */
            sx = (xs[start] + xs[start + (cnt > 1)]) / 2.0;
            sy = (ys[start] + ys[start + (cnt > 1)]) / 2.0;
            first = 0;
        } else {
            sx = xs[start + first];
            sy = ys[start + first];
            first++;
        }
        double px = sx, py = sy, cx = 0, cy = 0;
        int ctrl = 0;
        st = put_pt(b, m, sx, sy, "m");
        for (uint16_t k = 0; k < cnt && st == RA_OK; k++) {
            uint16_t i = (uint16_t)(start + (first + k) % cnt);
            double x = xs[i], y = ys[i];
            if (flags[i] & 1) {
                st = ctrl ? put_quad(b, m, px, py, cx, cy, x, y) : put_pt(b, m, x, y, "l");
                ctrl = 0;
                px = x;
                py = y;
            } else if (ctrl) {
                double mx = (cx + x) / 2, my = (cy + y) / 2;
                st = put_quad(b, m, px, py, cx, cy, mx, my);
                px = mx;
                py = my;
                cx = x;
                cy = y;
            } else {
                cx = x;
                cy = y;
                ctrl = 1;
            }
        }
        if (st == RA_OK && ctrl)
            st = put_quad(b, m, px, py, cx, cy, sx, sy);
        if (st == RA_OK)
            st = ra_buf_puts(b, "h\n");
        start = (uint16_t)(end + 1);
    }
done:
    free(flags);
    free(xs);
    free(ys);
    return st;
}

/* Appends the outline path of glyph g under m (composites recursively). */
ra_status_t ra_pdf__put_glyph(ra_buf_t *b, const font_t *f, uint32_t g, const xform_t *m, int depth)
{
    uint32_t off, len;
    if (depth > COMPOSITE_DEPTH_MAX || !glyph_range(f, g, &off, &len) || len < 10)
        return RA_OK;
    const unsigned char *p = f->data + off, *end = p + len;
    if ((int16_t)be16(p) >= 0)
        return put_simple_glyph(b, m, p, len);
    p += 10;
    for (;;) {
        if (p + 4 > end)
            return RA_OK;
        uint16_t flags = be16(p), comp = be16(p + 2);
        double dx = 0, dy = 0, sa = 1, sb = 0, sc = 0, sd = 1;
        p += 4;
        if (flags & 1) { /* 16-bit arguments */
            if (p + 4 > end)
                return RA_OK;
            dx = (int16_t)be16(p);
            dy = (int16_t)be16(p + 2);
            p += 4;
        } else {
            if (p + 2 > end)
                return RA_OK;
            dx = (int8_t)p[0];
            dy = (int8_t)p[1];
            p += 2;
        }
        if (!(flags & 2)) /* point matching: not supported, no offset */
            dx = dy = 0;
        if (flags & 8) {
            if (p + 2 > end)
                return RA_OK;
            sa = sd = (int16_t)be16(p) / 16384.0;
            p += 2;
        } else if (flags & 0x40) {
            if (p + 4 > end)
                return RA_OK;
            sa = (int16_t)be16(p) / 16384.0;
            sd = (int16_t)be16(p + 2) / 16384.0;
            p += 4;
        } else if (flags & 0x80) {
            if (p + 8 > end)
                return RA_OK;
            sa = (int16_t)be16(p) / 16384.0;
            sb = (int16_t)be16(p + 2) / 16384.0;
            sc = (int16_t)be16(p + 4) / 16384.0;
            sd = (int16_t)be16(p + 6) / 16384.0;
            p += 8;
        }
        /* Component space -> glyph space (scale, then offset) -> m. */
        xform_t k = {m->a * sa + m->c * sb,        m->b * sa + m->d * sb,
                     m->a * sc + m->c * sd,        m->b * sc + m->d * sd,
                     m->a * dx + m->c * dy + m->e, m->b * dx + m->d * dy + m->f};
        ra_status_t st = ra_pdf__put_glyph(b, f, comp, &k, depth + 1);
        if (st != RA_OK || !(flags & 0x20))
            return st;
    }
}

/* Appends n bytes of font data at off (bounds already checked). */
static ra_status_t copy_table(ra_buf_t *b, const font_t *f, table_t t)
{
    return ra_buf_append(b, (const char *)f->data + t.off, t.len);
}

/* Bytes of one component record of a composite glyph, from its flags:
 * flags and glyph id, two arguments of 1 or 2 bytes, then a scale, an x/y
 * scale or a 2x2 matrix. */
static size_t component_size(uint16_t flags)
{
    size_t n = 4 + ((flags & 0x0001) ? 4 : 2);
    if (flags & 0x0008)
        n += 2;
    else if (flags & 0x0040)
        n += 4;
    else if (flags & 0x0080)
        n += 8;
    return n;
}

/* Marks glyph g and, for composite glyphs, its components in keep. */
static void keep_glyph(const font_t *f, uint8_t *keep, uint32_t g, int depth)
{
    uint32_t off, len;
    if (g >= f->num_glyphs || keep[g] || depth > COMPOSITE_DEPTH_MAX)
        return;
    keep[g] = 1;
    if (!glyph_range(f, g, &off, &len) || len < 10)
        return;
    const unsigned char *p = f->data + off, *end = p + len;
    if ((int16_t)be16(p) >= 0)
        return;
    p += 10;
    for (;;) {
        if (p + 4 > end)
            return;
        uint16_t flags = be16(p);
        keep_glyph(f, keep, be16(p + 2), depth + 1);
        p += component_size(flags);
        if (!(flags & 0x0020))
            return;
    }
}

/* Rewrites the component glyph ids of a composite glyph copied to p. */
static void remap_composite(unsigned char *p, size_t len, const uint16_t *newid)
{
    unsigned char *end = p + len;
    if (len < 10 || (int16_t)be16(p) >= 0)
        return;
    p += 10;
    for (;;) {
        if (p + 4 > end)
            return;
        uint16_t flags = be16(p);
        put16(p + 2, newid[be16(p + 2)]);
        p += component_size(flags);
        if (!(flags & 0x0020))
            return;
    }
}

/* Appends glyph data p[0..len) to out without its hinting instructions,
 * the component glyph ids of a composite glyph renumbered through newid.
 * A glyph too malformed to take apart is copied as it is. */
static ra_status_t put_glyph_unhinted(ra_buf_t *out, const unsigned char *p, size_t len,
                                      const uint16_t *newid)
{
    size_t at = out->len, keep_len = len;
    ra_status_t st;
    if (len >= 12 && (int16_t)be16(p) >= 0) {
        /* Simple: header, contour ends, instructions (dropped), then the
         * flags and coordinates. */
        size_t ins = 10 + 2 * (size_t)be16(p);
        if (ins + 2 <= len && ins + 2 + be16(p + ins) <= len) {
            size_t skip = be16(p + ins);
            if ((st = ra_buf_append(out, (const char *)p, ins)) != RA_OK ||
                (st = ra_buf_append(out, "\0\0", 2)) != RA_OK)
                return st;
            return ra_buf_append(out, (const char *)p + ins + 2 + skip, len - ins - 2 - skip);
        }
    } else if (len >= 10) {
        /* Composite: the components, then instructions if the last one
         * says so (dropped, and the flag cleared). */
        size_t q = 10, last = 0;
        uint16_t flags = 0;
        do {
            if (q + 4 > len)
                break;
            flags = be16(p + q);
            last = q;
            q += component_size(flags);
        } while (flags & 0x0020);
        if (!(flags & 0x0020) && q <= len)
            keep_len = q;
        if ((st = ra_buf_append(out, (const char *)p, keep_len)) != RA_OK)
            return st;
        unsigned char *c = (unsigned char *)out->data + at;
        if (keep_len < len)
            put16(c + last, be16(c + last) & ~0x0100u);
        remap_composite(c, keep_len, newid);
        return RA_OK;
    }
    return ra_buf_append(out, (const char *)p, len);
}

/* Sums a table as big-endian 32-bit words (zero-padded). */
static uint32_t table_sum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i;
    for (i = 0; i + 4 <= len; i += 4)
        sum += be32(p + i);
    if (i < len) {
        unsigned char last[4] = {0, 0, 0, 0};
        memcpy(last, p + i, len - i);
        sum += be32(last);
    }
    return sum;
}

/* Builds a TrueType subset of f holding glyph 0 and the glyphs of codes
 * (plus components), renumbered in original order; fills newid[old glyph]
 * (0 for dropped glyphs) and appends the font to out. The subset has no
 * hinting (no cvt, fpgm, prep, no glyph instructions): that was over half
 * its bytes, and viewers rasterise embedded fonts at every size and
 * resolution, mostly auto-hinting or ignoring TrueType instructions. */
ra_status_t ra_pdf__build_subset(const font_t *f, const uint32_t *codes, size_t ncodes,
                                 uint16_t *newid, ra_buf_t *out)
{
    enum { T_OS2, T_GLYF, T_HEAD, T_HHEA, T_HMTX, T_LOCA, T_MAXP, T_POST, T_COUNT };
    static const char tags[T_COUNT][5] = {"OS/2", "glyf", "head", "hhea",
                                          "hmtx", "loca", "maxp", "post"};
    ra_buf_t t[T_COUNT];
    ra_status_t st = RA_ERR_NOMEM;
    uint8_t *keep = calloc(f->num_glyphs, 1);
    uint32_t n = 0;

    for (int i = 0; i < T_COUNT; i++)
        t[i] = (ra_buf_t)RA_BUF_INIT;
    if (!keep)
        goto done;
    keep_glyph(f, keep, 0, 0);
    for (size_t i = 0; i < ncodes; i++)
        keep_glyph(f, keep, f->gid[cp_of(codes[i])], 0);
    for (uint32_t g = 0; g < f->num_glyphs; g++)
        newid[g] = keep[g] ? (uint16_t)n++ : 0;

    /* glyf, loca (long offsets) and hmtx for the kept glyphs. */
    unsigned char b4[4];
    for (uint32_t g = 0; g < f->num_glyphs; g++) {
        if (!keep[g])
            continue;
        uint32_t off = 0, len = 0;
        put32(b4, (uint32_t)t[T_GLYF].len);
        if ((st = ra_buf_append(&t[T_LOCA], (char *)b4, 4)) != RA_OK)
            goto done;
        if (glyph_range(f, g, &off, &len) && len > 0) {
            if ((st = put_glyph_unhinted(&t[T_GLYF], f->data + off, len, newid)) != RA_OK)
                goto done;
            while (t[T_GLYF].len % 4)
                if ((st = ra_buf_putc(&t[T_GLYF], 0)) != RA_OK)
                    goto done;
        }
        uint32_t m = g < f->num_hmetrics ? g : f->num_hmetrics - 1u;
        put16(b4, be16(f->data + f->hmtx.off + m * 4));
        /* Left side bearing: from the long metric or the trailing array. */
        size_t lsb_at = g < f->num_hmetrics
                            ? (size_t)g * 4 + 2
                            : (size_t)f->num_hmetrics * 4 + (size_t)(g - f->num_hmetrics) * 2;
        uint16_t lsb = lsb_at + 2 <= f->hmtx.len ? be16(f->data + f->hmtx.off + lsb_at) : 0;
        put16(b4 + 2, lsb);
        if ((st = ra_buf_append(&t[T_HMTX], (char *)b4, 4)) != RA_OK)
            goto done;
    }
    put32(b4, (uint32_t)t[T_GLYF].len);
    if ((st = ra_buf_append(&t[T_LOCA], (char *)b4, 4)) != RA_OK)
        goto done;

    /* Fixed tables copied with their counts updated. */
    if ((st = copy_table(&t[T_HEAD], f, f->head)) != RA_OK ||
        (st = copy_table(&t[T_HHEA], f, f->hhea)) != RA_OK ||
        (st = copy_table(&t[T_MAXP], f, f->maxp)) != RA_OK ||
        (st = copy_table(&t[T_OS2], f, f->os2)) != RA_OK)
        goto done;
    put32((unsigned char *)t[T_HEAD].data + 8, 0);  /* checkSumAdjustment */
    put16((unsigned char *)t[T_HEAD].data + 50, 1); /* long loca */
    put16((unsigned char *)t[T_HHEA].data + 34, n);
    put16((unsigned char *)t[T_MAXP].data + 4, n);
    /* post format 3 (no glyph names), metrics kept from the original. */
    unsigned char post[32] = {0, 3, 0, 0};
    if (f->post.len >= 16)
        memcpy(post + 4, f->data + f->post.off + 4, 12);
    if ((st = ra_buf_append(&t[T_POST], (char *)post, sizeof post)) != RA_OK)
        goto done;

    /* Directory, then tables (sorted by tag, 4-byte aligned). */
    int ntab = 0;
    for (int i = 0; i < T_COUNT; i++)
        ntab += t[i].len > 0;
    int es = 0;
    while ((2 << es) <= ntab)
        es++;
    unsigned char hdr[12];
    put32(hdr, 0x00010000);
    put16(hdr + 4, (uint32_t)ntab);
    put16(hdr + 6, (1u << es) * 16);
    put16(hdr + 8, (uint32_t)es);
    put16(hdr + 10, (uint32_t)ntab * 16 - (1u << es) * 16);
    size_t base = out->len;
    if ((st = ra_buf_append(out, (char *)hdr, 12)) != RA_OK)
        goto done;
    size_t off = 12 + 16 * (size_t)ntab;
    for (int i = 0; i < T_COUNT; i++) {
        if (!t[i].len)
            continue;
        unsigned char rec[16];
        memcpy(rec, tags[i], 4);
        put32(rec + 4, table_sum((unsigned char *)t[i].data, t[i].len));
        put32(rec + 8, (uint32_t)off);
        put32(rec + 12, (uint32_t)t[i].len);
        if ((st = ra_buf_append(out, (char *)rec, 16)) != RA_OK)
            goto done;
        off += (t[i].len + 3) & ~(size_t)3;
    }
    for (int i = 0; i < T_COUNT; i++) {
        if (!t[i].len)
            continue;
        if ((st = ra_buf_append(out, t[i].data, t[i].len)) != RA_OK)
            goto done;
        while ((out->len - base) % 4)
            if ((st = ra_buf_putc(out, 0)) != RA_OK)
                goto done;
    }
    /* head.checkSumAdjustment makes the whole font sum to 0xB1B0AFBA. */
    uint32_t sum = table_sum((unsigned char *)out->data + base, out->len - base);
    size_t head_at = 12 + 16 * (size_t)ntab;
    for (int i = 0; i < T_HEAD; i++)
        if (t[i].len)
            head_at += (t[i].len + 3) & ~(size_t)3;
    put32((unsigned char *)out->data + base + head_at + 8, 0xB1B0AFBAu - sum);
    st = RA_OK;
done:
    for (int i = 0; i < T_COUNT; i++)
        ra_buf_free(&t[i]);
    free(keep);
    return st;
}
