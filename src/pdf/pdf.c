/* pdf.c - PDF backend over libharu 2.3.0: Unicode TrueType text, vector
 * drawing, links, bookmarks, metadata, attachments, PDF/A-1b, deterministic
 * in-memory save.
 *
 * libharu builds the document: pages, xref, annotations, outline, page
 * labels, info, compression and the file itself. Fonts and page content
 * are ours, written through libharu's object API, because libharu 2.3.0's
 * own path is wrong or slow for Unicode text:
 *   - its UTF-8 CID fonts carry a ToUnicode stream that is really its CID
 *     CMap ("begincidrange"), which poppler rejects, so extracted text is
 *     garbage; ours is a CMapType 2 map of the code points drawn;
 *   - HPDF_LoadTTFontFromFile + HPDF_GetFont cost ~2.5 ms a face (a lookup
 *     of all 65536 code points), HPDF_Page_ShowText ~4 us a call;
 *   - the embedded font keeps post, name and full loca/hmtx (~140 KB a
 *     face); we embed a subset with renumbered glyphs and no hinting (a
 *     few KB);
 *   - its UTF-8 encoder turns characters above U+FFFF into spaces and drops
 *     malformed bytes silently.
 * Text uses Type0 fonts with Identity-H encoding; the 2-byte code of a
 * character is its CID, which is its Unicode code point (as with libharu's
 * UTF-8 encoder; U+FFFD gets code 1); /CIDToGIDMap maps it to the subset's
 * glyph. Measuring uses the same cmap/hmtx parse, so widths are exactly
 * those in /W. Streams are compressed here (one compressor reused) and
 * their bytes stay ours: libharu reads them through callback streams as
 * it writes the file, straight into the caller's buffer. The four faces'
 * parsed fonts may be shared by documents (ra_pdf_fonts_t); text outlines
 * drawn again (a watermark on every page) are one form XObject.
 *
 * PDF/A-1b is ours too: libharu's HPDF_PDFA_SetPDFAConformance writes
 * /SubType, no XML escaping, an /ID from the clock, and its output intent
 * a "/DestOutputProfile " key with a trailing space. We write the XMP
 * packet (escaped, equal to the info dictionary), the sRGB output intent,
 * a /CIDSet per subset, direct destinations (Preflight cannot resolve
 * indirect ones) and an /ID that is a digest of the document. The sRGB
 * profile is built here too (build_srgb_icc), short enough for readers to
 * colour-manage quickly.
 */
#define _POSIX_C_SOURCE 200809L
#include "pdf/pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef RA_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "base/hash.h"
#include "base/text.h"

#define FACE_FILE_MAX (64u << 20) /* refuse font files above 64 MiB */
#define COMPOSITE_DEPTH_MAX 8     /* nesting limit for composite glyphs */
#define TJ_CHARS_MAX 8000         /* characters per string in content */
#define PAGE_CONTENT_INIT 8192    /* bytes first reserved for a page */
#define PI 3.14159265358979323846
/* Compression of every stream we write. zlib: level 3 costs 12% fewer
 * instructions than 6 for 2% more bytes on the demo report, and memLevel 7
 * (a 32K-entry hash) gives the same size as the default 8 and clears half
 * the memory at each reset. With libdeflate (built with
 * RA_HAVE_LIBDEFLATE), level 1 makes slightly smaller streams than zlib's
 * level 3 in half the instructions. */
#define STREAM_ZLEVEL 3
#define STREAM_ZMEM 7
#define STREAM_LIBDEFLATE_LEVEL 1

static const char *const default_font_file[RA_FACE_COUNT] = {
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSansMono.ttf"};

/* A table of the font file: offset and length. */
typedef struct {
    uint32_t off, len;
} table_t;

/* One font file and our lookup tables: read-only once loaded, so that
 * documents may share it (ra_pdf_fonts_t). */
typedef struct {
    char *path;          /* owned */
    const char *name;    /* file name part of path */
    unsigned char *data; /* whole font file, mapped read-only; owned */
    size_t size;
    table_t head, hhea, maxp, hmtx, loca, glyf, post, os2;
    uint16_t upem, num_glyphs, num_hmetrics, weight;
    int loca_long, fixed_pitch;
    double ascent, descent, cap_height, italic_angle; /* per 1 pt */
    uint16_t *gid;         /* [65536] code point -> glyph, 0: missing; owned */
    uint16_t *width;       /* [num_glyphs] advance in 1/1000 em; owned */
    uint32_t repl;         /* what missing characters become: U+FFFD or '?' */
    uint16_t ascii_w[128]; /* advance of printable ASCII as drawn, 1/1000 em */
    ra_buf_t psname;       /* PostScript name */
    ra_buf_t missing_what; /* "not in font X.ttf" */
} font_t;

/* The four faces' fonts, loaded once. */
struct ra_pdf_fonts {
    font_t font[RA_FACE_COUNT];
    int alias[RA_FACE_COUNT]; /* earlier face of the same file, or -1 */
};

/* One face in a document: its font, the code points drawn, its PDF
 * objects. */
typedef struct {
    const font_t *ft;
    uint8_t *used; /* [8192] bitset of code points drawn; owned */
    int alias;     /* earlier face loaded from the same file, or -1 */
    /* PDF objects, created on first use and completed by ra_pdf_save. */
    HPDF_Dict type0, cidfont, desc, file, map, tounicode, cidset;
} face_t;

/* A page: size (to flip y), our content stream, and the graphics state
 * last set in it so that unchanged fonts and colours are not repeated. */
typedef struct {
    HPDF_Page page;
    double w, h;
    ra_buf_t content;
    unsigned fonts; /* bit per face present in the page's resources */
    int in_text;    /* inside BT ... ET */
    int plain;      /* text line matrix is a translation to (tx, ty) */
    double tx, ty;
    int font; /* face last set with Tf, -1: none */
    double font_size;
    int has_fill, has_stroke, dashed;
    ra_rgb_t fill, stroke;
    double line_width; /* -1: not set */
    double leading;    /* TL, 0 at the start of a page as in PDF */
} page_t;

/* Text outlines drawn once as a form XObject and painted again wherever
 * the same shape is drawn on a page of the same size (a watermark). */
typedef struct {
    ra_face_t face;
    double size, x, y, angle, stroke_width, page_w, page_h;
    ra_rgb_t color;
    char *text; /* owned */
    size_t len;
    HPDF_Dict form; /* NULL: nothing to paint */
} shape_t;

/* The data of one stream, read by libharu as it writes the file. */
typedef struct {
    char *data; /* owned */
    size_t len, pos;
} blob_t;

/* The document information entries, in the order of the XMP packet. */
enum {
    INFO_TITLE,
    INFO_AUTHOR,
    INFO_SUBJECT,
    INFO_KEYWORDS,
    INFO_CREATOR,
    INFO_PRODUCER,
    INFO_COUNT
};

/* An embedded file: its name-tree key and file specification. */
typedef struct {
    ra_buf_t key_bytes;       /* the name as a UTF-16BE text string */
    HPDF_Dict spec;           /* /Type /Filespec */
    unsigned char sha256[32]; /* of the data, for the /ID */
} attach_t;

struct ra_pdf {
    HPDF_Doc doc;
    ra_pdf_conformance_t conformance;
    /* Info values as written (cleaned UTF-8), repeated in the XMP. */
    ra_buf_t info[INFO_COUNT];
    int has_info[INFO_COUNT];
    char xmp_date[64];   /* "2026-03-12T00:00:00Z", "": no date */
    ra_buf_t xmp_schema; /* the caller's extension schema (XML), or empty */
    ra_buf_t xmp_props;  /* the caller's properties (XML), or empty */
    HPDF_Dict metadata;  /* the XMP stream, created by the first save */
    HPDF_Array id;       /* the trailer's /ID */
    attach_t *att;
    size_t natt, cap_att;
    HPDF_Array att_names;     /* the EmbeddedFiles name tree's /Names */
    ra_buf_t xobject_digests; /* SHA-256 of each image and form, for /ID */
    shape_t *shapes;
    size_t nshapes, cap_shapes;
    blob_t **blobs; /* every stream's data */
    size_t nblobs, cap_blobs;
    ra_pdf_fonts_t *own_fonts; /* when the options gave none */
    face_t face[RA_FACE_COUNT];
    page_t *pages;
    size_t npages, cap_pages, cur;
    HPDF_Outline *outlines;
    size_t noutlines, cap_outlines;
    ra_pdf_glyph_fn on_glyph;
    void *glyph_ctx;
    uint8_t *reported; /* [0x110000/8] code points reported, lazily */
    int reported_invalid;
    HPDF_STATUS err, err_detail; /* first error */
    char errmsg[96];
#ifdef RA_HAVE_LIBDEFLATE
    struct libdeflate_compressor *z; /* reused for every stream */
#else
    z_stream z; /* reused for every stream (deflateReset) */
    int z_ready;
#endif
    ra_buf_t zout; /* compressed output, reused */
};

/* --- Errors --- */

/* libharu error handler: records the first error; never jumps. */
static void on_hpdf_error(HPDF_STATUS err, HPDF_STATUS detail, void *ud)
{
    ra_pdf_t *pdf = ud;
    if (pdf->err)
        return;
    pdf->err = err;
    pdf->err_detail = detail;
    snprintf(pdf->errmsg, sizeof pdf->errmsg, "libharu error 0x%04X (detail %u)", (unsigned)err,
             (unsigned)detail);
}

/* Records a failure of our own (first one wins) and returns RA_ERR_PDF. */
static ra_status_t fail_msg(ra_pdf_t *pdf, const char *msg)
{
    if (!pdf->err) {
        pdf->err = 1;
        snprintf(pdf->errmsg, sizeof pdf->errmsg, "%s", msg);
    }
    return RA_ERR_PDF;
}

/* Turns a libharu return code plus the recorded state into a status. */
static ra_status_t hp(ra_pdf_t *pdf, HPDF_STATUS st)
{
    if (st != HPDF_OK && !pdf->err)
        on_hpdf_error(st, 0, pdf);
    return pdf->err ? RA_ERR_PDF : RA_OK;
}

/* Records st (when not RA_OK) as the document's error and returns it. */
static ra_status_t keep(ra_pdf_t *pdf, ra_status_t st)
{
    if (st != RA_OK && !pdf->err)
        fail_msg(pdf, ra_strerror(st));
    return st;
}

/* --- Font file parsing --- */

/* Big-endian reads and writes of font data. */
static uint16_t be16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

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

static unsigned face_advance(const font_t *f, uint32_t cp);

/* Reads and parses one font file into f; appends a reason to err. */
static ra_status_t font_load(font_t *f, const char *path, ra_buf_t *err)
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
        f->ascii_w[c] = (uint16_t)face_advance(f, c);
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
static void font_free(font_t *f)
{
    free(f->path);
    if (f->data)
        munmap(f->data, f->size);
    free(f->gid);
    free(f->width);
    ra_buf_free(&f->psname);
    ra_buf_free(&f->missing_what);
}

/* --- Character mapping and measuring --- */

/* Maps a decoded code point to the one face f draws in its place; sets
 * *why (NULL when drawn as itself). */
static uint32_t face_map(const font_t *f, uint32_t cp, const char **why)
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
static unsigned face_advance(const font_t *f, uint32_t cp)
{
    const char *why;
    return f->width[f->gid[face_map(f, cp, &why)]];
}

/* The 2-byte code (= CID) of a drawn code point is the code point itself,
 * except U+FFFD, which gets code 1 (a control character, never drawn as
 * itself) so that /CIDToGIDMap stays short; ToUnicode maps it back. */
#define REPL_CODE 1u

/* Returns the code drawn for code point cp. */
static uint32_t code_of(uint32_t cp)
{
    return cp == RA_UNICODE_REPLACEMENT ? REPL_CODE : cp;
}

/* Returns the code point of code. */
static uint32_t cp_of(uint32_t code)
{
    return code == REPL_CODE ? RA_UNICODE_REPLACEMENT : code;
}

/* Returns the font of face (out-of-range faces are regular). */
static const font_t *face_of(const ra_pdf_t *pdf, ra_face_t face)
{
    if ((unsigned)face >= RA_FACE_COUNT)
        face = RA_FACE_REGULAR;
    return pdf->face[face].ft;
}

double ra_pdf_text_width(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                         size_t len)
{
    const font_t *f = face_of(pdf, face);
    unsigned long total = 0;
    size_t pos = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)utf8[pos];
        if (c >= 0x20 && c < 0x7F) { /* ASCII fast path */
            pos++;
            total += f->ascii_w[c];
            continue;
        }
        total += face_advance(f, ra_utf8_decode(utf8, len, &pos));
    }
    return (double)total * size / 1000.0;
}

size_t ra_pdf_text_fit(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                       size_t len, double max_width)
{
    const font_t *f = face_of(pdf, face);
    /* Compare in font units, with a hair of tolerance for rounding. */
    double limit = size > 0 ? max_width * 1000.0 / size + 1e-6 : 0;
    unsigned long total = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t next = pos;
        total += face_advance(f, ra_utf8_decode(utf8, len, &next));
        if ((double)total > limit)
            break;
        pos = next;
    }
    if (pos == 0 && len > 0) /* always progress by one code point */
        ra_utf8_decode(utf8, len, &pos);
    return pos;
}

void ra_pdf_font_metrics(const ra_pdf_t *pdf, ra_face_t face, double *ascent, double *descent)
{
    const font_t *f = face_of(pdf, face);
    if (ascent)
        *ascent = f->ascent;
    if (descent)
        *descent = f->descent;
}

ra_status_t ra_pdf_sanitize(const ra_pdf_t *pdf, ra_face_t face, const char *utf8, size_t len,
                            ra_buf_t *out)
{
    const font_t *f = face_of(pdf, face);
    size_t pos = 0;
    while (pos < len) {
        const char *why;
        char u[4];
        size_t run = pos; /* printable ASCII the face has: copied as is */
        while (run < len && (unsigned char)utf8[run] >= 0x20 && (unsigned char)utf8[run] < 0x7F &&
               f->gid[(unsigned char)utf8[run]])
            run++;
        if (run > pos) {
            ra_status_t st = ra_buf_append(out, utf8 + pos, run - pos);
            if (st != RA_OK)
                return st;
            pos = run;
            continue;
        }
        uint32_t cp = face_map(f, ra_utf8_decode(utf8, len, &pos), &why);
        ra_status_t st = ra_buf_append(out, u, ra_utf8_encode(cp, u));
        if (st != RA_OK)
            return st;
    }
    return ra_buf_reserve(out, 0);
}

/* Reports a substitution once per code point (once in all for malformed
 * UTF-8). */
static void report(ra_pdf_t *pdf, ra_face_t face, uint32_t cp, uint32_t drawn, const char *why)
{
    if (cp == RA_UTF8_INVALID) {
        if (pdf->reported_invalid)
            return;
        pdf->reported_invalid = 1;
    } else {
        if (!pdf->reported) {
            pdf->reported = calloc(0x110000 / 8, 1);
            if (!pdf->reported)
                return; /* out of memory: report again rather than never */
        }
        if (pdf->reported[cp >> 3] & (1u << (cp & 7)))
            return;
        pdf->reported[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }
    if (pdf->on_glyph) {
        pdf->on_glyph(pdf->glyph_ctx, cp, face, why);
        return;
    }
    if (cp == RA_UTF8_INVALID)
        fprintf(stderr, "readyaudit: warning: invalid UTF-8 drawn as U+%04X\n", (unsigned)drawn);
    else
        fprintf(stderr, "readyaudit: warning: U+%04X drawn as U+%04X: %s\n", (unsigned)cp,
                (unsigned)drawn, why);
}

/* --- Fonts shared by documents --- */

ra_status_t ra_pdf_fonts_new(const ra_pdf_options_t *opt, ra_pdf_fonts_t **out)
{
    static const ra_pdf_options_t none = {0};
    ra_status_t st = RA_OK;
    ra_buf_t path = RA_BUF_INIT;
    ra_pdf_fonts_t *fonts = calloc(1, sizeof *fonts);

    *out = NULL;
    if (!opt)
        opt = &none;
    if (!fonts)
        return RA_ERR_NOMEM;
    const char *dir = opt->font_dir ? opt->font_dir : RA_PDF_FONT_DIR;
    for (int i = 0; i < RA_FACE_COUNT && st == RA_OK; i++) {
        const char *file = opt->font_file[i] ? opt->font_file[i] : default_font_file[i];
        fonts->alias[i] = -1;
        ra_buf_clear(&path);
        st = file[0] == '/' ? ra_buf_puts(&path, file) : ra_buf_printf(&path, "%s/%s", dir, file);
        if (st == RA_OK)
            st = font_load(&fonts->font[i], ra_buf_str(&path), opt->errmsg);
        for (int j = 0; j < i && st == RA_OK; j++)
            if (strcmp(fonts->font[j].path, fonts->font[i].path) == 0) {
                fonts->alias[i] = j;
                break;
            }
    }
    ra_buf_free(&path);
    if (st != RA_OK) {
        ra_pdf_fonts_free(fonts);
        return st;
    }
    *out = fonts;
    return RA_OK;
}

void ra_pdf_fonts_free(ra_pdf_fonts_t *fonts)
{
    if (!fonts)
        return;
    for (int i = 0; i < RA_FACE_COUNT; i++)
        font_free(&fonts->font[i]);
    free(fonts);
}

/* --- Document --- */

ra_status_t ra_pdf_new(const ra_pdf_options_t *opt, ra_pdf_t **out)
{
    static const ra_pdf_options_t none = {0};
    ra_status_t st;
    ra_pdf_t *pdf = calloc(1, sizeof *pdf);

    *out = NULL;
    if (!opt)
        opt = &none;
    if (!pdf)
        return RA_ERR_NOMEM;
    pdf->on_glyph = opt->on_glyph;
    pdf->glyph_ctx = opt->glyph_ctx;
    pdf->conformance = opt->conformance == RA_PDF_PLAIN ? RA_PDF_PLAIN : RA_PDF_PDFA_1B;
    /* libharu's default producer, which the XMP packet must repeat. */
    pdf->has_info[INFO_PRODUCER] = 1;
    if ((st = ra_buf_puts(&pdf->info[INFO_PRODUCER], "Haru Free PDF Library " HPDF_VERSION_TEXT)) !=
        RA_OK)
        goto fail;

    const ra_pdf_fonts_t *fonts = opt->fonts;
    if (!fonts) {
        if ((st = ra_pdf_fonts_new(opt, &pdf->own_fonts)) != RA_OK)
            goto fail;
        fonts = pdf->own_fonts;
    }
    for (int i = 0; i < RA_FACE_COUNT; i++) {
        pdf->face[i].ft = &fonts->font[i];
        pdf->face[i].alias = fonts->alias[i];
        if (fonts->alias[i] < 0 && !(pdf->face[i].used = calloc(65536 / 8, 1))) {
            st = RA_ERR_NOMEM;
            goto fail;
        }
    }

    pdf->doc = HPDF_New(on_hpdf_error, pdf);
    if (!pdf->doc) {
        st = RA_ERR_NOMEM;
        goto fail;
    }
    /* Compression applies to streams created afterwards: set it first. */
    if ((st = hp(pdf, HPDF_SetCompressionMode(pdf->doc, HPDF_COMP_ALL))) != RA_OK)
        goto fail;
    /* XMP metadata needs PDF 1.4; PDF/A-1 allows no later version. */
    pdf->doc->pdf_version = HPDF_VER_14;
    *out = pdf;
    return RA_OK;

fail:
    if (opt->errmsg && st == RA_ERR_PDF)
        ra_buf_printf(opt->errmsg, "PDF library: %s", pdf->errmsg);
    ra_pdf_free(pdf);
    return st;
}

void ra_pdf_free(ra_pdf_t *pdf)
{
    if (!pdf)
        return;
    if (pdf->doc)
        HPDF_Free(pdf->doc);
#ifdef RA_HAVE_LIBDEFLATE
    if (pdf->z)
        libdeflate_free_compressor(pdf->z);
#else
    if (pdf->z_ready)
        deflateEnd(&pdf->z);
#endif
    for (int i = 0; i < RA_FACE_COUNT; i++)
        free(pdf->face[i].used);
    ra_pdf_fonts_free(pdf->own_fonts);
    for (size_t i = 0; i < pdf->npages; i++)
        ra_buf_free(&pdf->pages[i].content);
    free(pdf->pages);
    free(pdf->outlines);
    free(pdf->reported);
    for (int i = 0; i < INFO_COUNT; i++)
        ra_buf_free(&pdf->info[i]);
    ra_buf_free(&pdf->xmp_schema);
    ra_buf_free(&pdf->xmp_props);
    for (size_t i = 0; i < pdf->natt; i++)
        ra_buf_free(&pdf->att[i].key_bytes);
    free(pdf->att);
    ra_buf_free(&pdf->xobject_digests);
    for (size_t i = 0; i < pdf->nshapes; i++)
        free(pdf->shapes[i].text);
    free(pdf->shapes);
    for (size_t i = 0; i < pdf->nblobs; i++) {
        free(pdf->blobs[i]->data);
        free(pdf->blobs[i]);
    }
    free(pdf->blobs);
    ra_buf_free(&pdf->zout);
    free(pdf);
}

const char *ra_pdf_errmsg(const ra_pdf_t *pdf)
{
    return pdf->err ? pdf->errmsg : "";
}

/* Appends s to out as it is written to the document: malformed UTF-8
 * becomes U+FFFD, control characters spaces, and the noncharacters U+FFFE
 * and U+FFFF (not allowed in XML) U+FFFD, so that the info dictionary and
 * the XMP packet carry the same text. */
static ra_status_t clean_text(const char *s, ra_buf_t *out)
{
    size_t len = strlen(s), pos = 0;
    ra_status_t st = ra_buf_reserve(out, len);
    while (pos < len && st == RA_OK) {
        uint32_t cp = ra_utf8_decode(s, len, &pos);
        if (cp == RA_UTF8_INVALID || cp == 0xFFFE || cp == 0xFFFF)
            cp = RA_UNICODE_REPLACEMENT;
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            cp = ' ';
        char u[4];
        st = ra_buf_append(out, u, ra_utf8_encode(cp, u));
    }
    return st;
}

/* Appends UTF-8 s as a PDF text string's bytes: UTF-16BE with a byte
 * order mark; malformed UTF-8 becomes U+FFFD and control characters spaces
 * (no-ops on text that clean_text made). */
static ra_status_t utf16_text(const char *s, ra_buf_t *b)
{
    size_t len = strlen(s), pos = 0;
    ra_status_t st = ra_buf_append(b, "\xFE\xFF", 2);
    while (pos < len && st == RA_OK) {
        uint32_t cp = ra_utf8_decode(s, len, &pos);
        if (cp == RA_UTF8_INVALID)
            cp = RA_UNICODE_REPLACEMENT;
        else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            cp = ' ';
        unsigned char u[4];
        size_t n = 2;
        if (cp > 0xFFFF) { /* surrogate pair */
            uint32_t v = cp - 0x10000;
            put16(u, 0xD800 + (v >> 10));
            put16(u + 2, 0xDC00 + (v & 0x3FF));
            n = 4;
        } else {
            put16(u, cp);
        }
        st = ra_buf_append(b, (char *)u, n);
    }
    return st;
}

/* Creates a PDF text string object for UTF-8 s, written in hex (see
 * utf16_text). NULL on failure (error recorded). */
static HPDF_Binary text_string(ra_pdf_t *pdf, const char *s)
{
    ra_buf_t b = RA_BUF_INIT;
    HPDF_Binary bin = NULL;
    if (utf16_text(s, &b) == RA_OK)
        bin = HPDF_Binary_New(pdf->doc->mmgr, (HPDF_BYTE *)b.data, (HPDF_UINT)b.len);
    ra_buf_free(&b);
    if (!bin)
        hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    return bin;
}

/* Converts seconds since the epoch to a UTC calendar date. */
static HPDF_Date utc_date(int64_t t)
{
    HPDF_Date d;
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) {
        secs += 86400;
        days--;
    }
    /* Civil-from-days (proleptic Gregorian), era-based. */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    memset(&d, 0, sizeof d);
    d.year = (HPDF_INT)year;
    d.month = (HPDF_INT)month;
    d.day = (HPDF_INT)day;
    d.hour = (HPDF_INT)(secs / 3600);
    d.minutes = (HPDF_INT)(secs / 60 % 60);
    d.seconds = (HPDF_INT)(secs % 60);
    d.ind = 'Z';
    return d;
}

/* Appends s with the characters XML gives a meaning escaped. */
static ra_status_t xml_escape(ra_buf_t *out, const char *s)
{
    ra_status_t st = RA_OK;
    for (; *s && st == RA_OK; s++) {
        const char *e = *s == '&'    ? "&amp;"
                        : *s == '<'  ? "&lt;"
                        : *s == '>'  ? "&gt;"
                        : *s == '"'  ? "&quot;"
                        : *s == '\'' ? "&apos;"
                                     : NULL;
        st = e ? ra_buf_puts(out, e) : ra_buf_putc(out, *s);
    }
    return st;
}

/* Returns 1 when s is 1..64 ASCII letters and digits, a letter first: an
 * XML name that needs no checking beyond that. */
static int plain_name(const char *s)
{
    size_t n = 0;
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
        return 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') ||
              (s[n] >= '0' && s[n] <= '9')) ||
            n >= 64)
            return 0;
    return 1;
}

/* Renders the caller's XMP properties and the PDF/A extension schema that
 * declares them (PDF/A-1 accepts no undeclared property). */
static ra_status_t xmp_custom(ra_pdf_t *pdf, const ra_pdf_info_t *info)
{
    ra_buf_t *sc = &pdf->xmp_schema, *pr = &pdf->xmp_props, v = RA_BUF_INIT;
    ra_status_t st = RA_OK;
    ra_buf_clear(sc);
    ra_buf_clear(pr);
    if (info->nxmp_props == 0)
        return RA_OK;
    if (!plain_name(info->xmp_prefix) || !info->xmp_namespace || !*info->xmp_namespace)
        return fail_msg(pdf, "XMP properties need a prefix and a namespace");
    for (size_t i = 0; i < info->nxmp_props; i++)
        if (!plain_name(info->xmp_props[i].name))
            return fail_msg(pdf, "XMP property names must be ASCII letters "
                                 "and digits");
    const char *pfx = info->xmp_prefix;
    st = ra_buf_puts(sc, "<rdf:Description rdf:about=\"\"\n"
                         " xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/"
                         "extension/\"\n"
                         " xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/"
                         "schema#\"\n"
                         " xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/"
                         "property#\">\n"
                         "<pdfaExtension:schemas><rdf:Bag>\n"
                         "<rdf:li rdf:parseType=\"Resource\">\n"
                         "<pdfaSchema:schema>");
    if (st == RA_OK)
        st = xml_escape(sc, info->xmp_schema ? info->xmp_schema : pfx);
    if (st == RA_OK)
        st = ra_buf_puts(sc, "</pdfaSchema:schema>\n<pdfaSchema:namespaceURI>");
    if (st == RA_OK)
        st = xml_escape(sc, info->xmp_namespace);
    if (st == RA_OK)
        st = ra_buf_printf(sc,
                           "</pdfaSchema:namespaceURI>\n"
                           "<pdfaSchema:prefix>%s</pdfaSchema:prefix>\n"
                           "<pdfaSchema:property><rdf:Seq>\n",
                           pfx);
    if (st == RA_OK)
        st = ra_buf_printf(pr, "<rdf:Description rdf:about=\"\" xmlns:%s=\"", pfx);
    if (st == RA_OK)
        st = xml_escape(pr, info->xmp_namespace);
    if (st == RA_OK)
        st = ra_buf_puts(pr, "\">\n");
    for (size_t i = 0; i < info->nxmp_props && st == RA_OK; i++) {
        const ra_pdf_xmp_prop_t *p = &info->xmp_props[i];
        ra_buf_clear(&v);
        st = ra_buf_printf(sc,
                           "<rdf:li rdf:parseType=\"Resource\">"
                           "<pdfaProperty:name>%s</pdfaProperty:name>"
                           "<pdfaProperty:valueType>Text"
                           "</pdfaProperty:valueType>"
                           "<pdfaProperty:category>external"
                           "</pdfaProperty:category>"
                           "<pdfaProperty:description>",
                           p->name);
        if (st == RA_OK)
            st = clean_text(p->description ? p->description : p->name, &v);
        if (st == RA_OK)
            st = xml_escape(sc, ra_buf_str(&v));
        if (st == RA_OK)
            st = ra_buf_puts(sc, "</pdfaProperty:description></rdf:li>\n");
        ra_buf_clear(&v);
        if (st == RA_OK)
            st = clean_text(p->value ? p->value : "", &v);
        if (st == RA_OK)
            st = ra_buf_printf(pr, "<%s:%s>", pfx, p->name);
        if (st == RA_OK)
            st = xml_escape(pr, ra_buf_str(&v));
        if (st == RA_OK)
            st = ra_buf_printf(pr, "</%s:%s>\n", pfx, p->name);
    }
    if (st == RA_OK)
        st = ra_buf_puts(sc, "</rdf:Seq></pdfaSchema:property>\n</rdf:li>\n"
                             "</rdf:Bag></pdfaExtension:schemas>\n"
                             "</rdf:Description>\n");
    if (st == RA_OK)
        st = ra_buf_puts(pr, "</rdf:Description>\n");
    ra_buf_free(&v);
    return keep(pdf, st);
}

ra_status_t ra_pdf_set_info(ra_pdf_t *pdf, const ra_pdf_info_t *info)
{
    static const struct {
        HPDF_InfoType type;
        const char *key;
        size_t off;
    } fields[INFO_COUNT] = {
        [INFO_TITLE] = {HPDF_INFO_TITLE, "Title", offsetof(ra_pdf_info_t, title)},
        [INFO_AUTHOR] = {HPDF_INFO_AUTHOR, "Author", offsetof(ra_pdf_info_t, author)},
        [INFO_SUBJECT] = {HPDF_INFO_SUBJECT, "Subject", offsetof(ra_pdf_info_t, subject)},
        [INFO_KEYWORDS] = {HPDF_INFO_KEYWORDS, "Keywords", offsetof(ra_pdf_info_t, keywords)},
        [INFO_CREATOR] = {HPDF_INFO_CREATOR, "Creator", offsetof(ra_pdf_info_t, creator)},
        [INFO_PRODUCER] = {HPDF_INFO_PRODUCER, "Producer", offsetof(ra_pdf_info_t, producer)},
    };
    if (pdf->err)
        return RA_ERR_PDF;
    for (size_t i = 0; i < INFO_COUNT; i++) {
        const char *v = *(const char *const *)((const char *)info + fields[i].off);
        if (!v)
            continue;
        /* libharu creates the entry; we replace its value with a UTF-16
         * string (its own conversion drops characters above U+FFFF). */
        ra_buf_t *clean = &pdf->info[i];
        ra_buf_clear(clean);
        if (keep(pdf, clean_text(v, clean)) != RA_OK ||
            hp(pdf, HPDF_SetInfoAttr(pdf->doc, fields[i].type, " ")) != RA_OK)
            return RA_ERR_PDF;
        HPDF_Binary s = text_string(pdf, ra_buf_str(clean));
        if (!s || hp(pdf, HPDF_Dict_Add(pdf->doc->info, fields[i].key, s)) != RA_OK)
            return RA_ERR_PDF;
        pdf->has_info[i] = 1;
    }
    if (info->created >= 0) {
        /* Written by hand in one form for both: libharu's dates end in
         * "Z00'00'", which the XMP date would not match. */
        HPDF_Date d = utc_date(info->created);
        char pdfdate[64];
        if (d.year > 9999)
            return fail_msg(pdf, "document date after the year 9999");
        snprintf(pdfdate, sizeof pdfdate, "D:%04d%02d%02d%02d%02d%02dZ", d.year, d.month, d.day,
                 d.hour, d.minutes, d.seconds);
        snprintf(pdf->xmp_date, sizeof pdf->xmp_date, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year,
                 d.month, d.day, d.hour, d.minutes, d.seconds);
        HPDF_String c = HPDF_String_New(pdf->doc->mmgr, pdfdate, NULL);
        HPDF_String m = HPDF_String_New(pdf->doc->mmgr, pdfdate, NULL);
        if (!c || !m || hp(pdf, HPDF_Dict_Add(pdf->doc->info, "CreationDate", c)) != RA_OK ||
            hp(pdf, HPDF_Dict_Add(pdf->doc->info, "ModDate", m)) != RA_OK)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    return xmp_custom(pdf, info);
}

ra_status_t ra_pdf_add_page(ra_pdf_t *pdf, double width, double height)
{
    if (pdf->err)
        return RA_ERR_PDF;
    if (!(width >= 3 && width <= 14400 && height >= 3 && height <= 14400))
        return fail_msg(pdf, "page size out of range");
    if (pdf->npages == pdf->cap_pages) {
        size_t cap = pdf->cap_pages ? pdf->cap_pages * 2 : 16;
        page_t *p = realloc(pdf->pages, cap * sizeof *p);
        if (!p)
            return keep(pdf, RA_ERR_NOMEM);
        pdf->pages = p;
        pdf->cap_pages = cap;
    }
    HPDF_Page page = HPDF_AddPage(pdf->doc);
    if (!page)
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    if (hp(pdf, HPDF_Page_SetWidth(page, (HPDF_REAL)width)) != RA_OK ||
        hp(pdf, HPDF_Page_SetHeight(page, (HPDF_REAL)height)) != RA_OK)
        return RA_ERR_PDF;
    page_t *pg = &pdf->pages[pdf->npages];
    memset(pg, 0, sizeof *pg);
    pg->page = page;
    pg->w = width;
    pg->h = height;
    pg->font = -1;
    pg->line_width = -1;
    pdf->cur = pdf->npages++;
    /* Room for a typical page's content at once, not by doubling. */
    return keep(pdf, ra_buf_reserve(&pg->content, PAGE_CONTENT_INIT));
}

size_t ra_pdf_page_count(const ra_pdf_t *pdf)
{
    return pdf->npages;
}

ra_status_t ra_pdf_use_page(ra_pdf_t *pdf, size_t index)
{
    if (pdf->err)
        return RA_ERR_PDF;
    if (index >= pdf->npages)
        return fail_msg(pdf, "page index out of range");
    pdf->cur = index;
    return RA_OK;
}

/* Returns the current page, or NULL (error recorded) when there is none. */
static page_t *cur_page(ra_pdf_t *pdf)
{
    if (pdf->err)
        return NULL;
    if (pdf->npages == 0) {
        fail_msg(pdf, "drawing before the first page");
        return NULL;
    }
    return &pdf->pages[pdf->cur];
}

/* --- Content stream writing --- */

/* Rounds v to the 3 decimals fmt_num writes. */
static double round3(double v)
{
    return (double)llround(v * 1000.0) / 1000.0;
}

/* Writes v in PDF number syntax with at most 3 decimals (C locale) at p,
 * which has room for 16 bytes; returns the end. */
static char *fmt_num(char *p, double v)
{
    char tmp[16], *q = tmp + sizeof tmp;
    if (!(v > -1e9 && v < 1e9)) /* NaN, infinities, absurd values */
        v = 0;
    long long m = llround(fabs(v) * 1000.0);
    unsigned frac = (unsigned)(m % 1000);
    unsigned long ip = (unsigned long)(m / 1000);
    if (frac) { /* up to 3 decimals, no trailing zeros */
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        while (digits-- > 0) {
            *--q = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--q = '.';
    }
    do {
        *--q = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip > 0);
    if (v < 0 && m != 0)
        *--q = '-';
    size_t n = (size_t)(tmp + sizeof tmp - q);
    memcpy(p, q, n);
    return p + n;
}

/* Appends n numbers separated by spaces, then a space and op and "\n". */
static ra_status_t put_op(ra_buf_t *b, const double *v, int n, const char *op)
{
    size_t oplen = strlen(op);
    ra_status_t st = ra_buf_reserve(b, (size_t)n * 17 + oplen + 1);
    if (st != RA_OK)
        return st;
    char *p = b->data + b->len;
    for (int i = 0; i < n; i++) {
        p = fmt_num(p, v[i]);
        *p++ = ' ';
    }
    memcpy(p, op, oplen);
    p += oplen;
    *p++ = '\n';
    *p = '\0';
    b->len = (size_t)(p - b->data);
    return RA_OK;
}

/* Returns 1 when colours a and b are the same. */
static int same_rgb(ra_rgb_t a, ra_rgb_t b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* Clamps a colour component to 0..1. */
static double unit(double v)
{
    return v > 0 ? (v < 1 ? v : 1) : 0;
}

/* Sets the fill colour unless it is already current on the page. */
static ra_status_t set_fill(page_t *pg, ra_rgb_t c)
{
    if (pg->has_fill && same_rgb(pg->fill, c))
        return RA_OK;
    pg->has_fill = 1;
    pg->fill = c;
    double v[3] = {unit(c.r), unit(c.g), unit(c.b)};
    return put_op(&pg->content, v, 3, "rg");
}

/* Sets the stroke colour, line width and dash unless already current. */
static ra_status_t set_stroke(page_t *pg, ra_rgb_t c, double width, double dash)
{
    ra_status_t st = RA_OK;
    if (!pg->has_stroke || !same_rgb(pg->stroke, c)) {
        pg->has_stroke = 1;
        pg->stroke = c;
        double v[3] = {unit(c.r), unit(c.g), unit(c.b)};
        st = put_op(&pg->content, v, 3, "RG");
    }
    if (st == RA_OK && pg->line_width != width) {
        pg->line_width = width;
        st = put_op(&pg->content, &width, 1, "w");
    }
    if (st == RA_OK && (dash > 0 || pg->dashed)) {
        pg->dashed = dash > 0;
        if (dash > 0) {
            st = ra_buf_puts(&pg->content, "[");
            double d[2] = {dash, dash};
            if (st == RA_OK)
                st = put_op(&pg->content, d, 2, "] 0 d");
        } else {
            st = ra_buf_puts(&pg->content, "[] 0 d\n");
        }
    }
    return st;
}

/* Leaves the text object, if any, so that paths may be drawn. */
static ra_status_t end_text(page_t *pg)
{
    if (!pg->in_text)
        return RA_OK;
    pg->in_text = 0;
    return ra_buf_puts(&pg->content, "ET\n");
}

/* --- Fonts --- */

/* Returns the face that owns the PDF objects and usage bits for face. */
static face_t *owner_of(ra_pdf_t *pdf, ra_face_t face)
{
    face_t *f = &pdf->face[face];
    return f->alias >= 0 ? &pdf->face[f->alias] : f;
}

/* Creates a dictionary registered as an indirect object (NULL on error). */
static HPDF_Dict new_indirect(ra_pdf_t *pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->doc->mmgr);
    if (!d || hp(pdf, HPDF_Xref_Add(pdf->doc->xref, d)) != RA_OK)
        return NULL;
    return d;
}

/* Creates the PDF objects of face f on first use: Type0 font, CIDFontType2,
 * descriptor and the streams filled at save time. */
static ra_status_t ensure_font(ra_pdf_t *pdf, face_t *f)
{
    const font_t *ft = f->ft;
    HPDF_MMgr mm = pdf->doc->mmgr;
    HPDF_Xref xref = pdf->doc->xref;
    if (f->type0)
        return RA_OK;
    f->type0 = new_indirect(pdf);
    f->cidfont = new_indirect(pdf);
    f->desc = new_indirect(pdf);
    f->file = HPDF_DictStream_New(mm, xref);
    f->map = HPDF_DictStream_New(mm, xref);
    f->tounicode = HPDF_DictStream_New(mm, xref);
    HPDF_Array desc_fonts = HPDF_Array_New(mm);
    HPDF_Dict sysinfo = HPDF_Dict_New(mm);
    HPDF_Array bbox = HPDF_Array_New(mm);
    if (!f->type0 || !f->cidfont || !f->desc || !f->file || !f->map || !f->tounicode ||
        !desc_fonts || !sysinfo || !bbox || pdf->err)
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);

    HPDF_STATUS s = HPDF_OK;
    s |= HPDF_Dict_AddName(f->type0, "Type", "Font");
    s |= HPDF_Dict_AddName(f->type0, "Subtype", "Type0");
    s |= HPDF_Dict_AddName(f->type0, "Encoding", "Identity-H");
    s |= HPDF_Dict_Add(f->type0, "DescendantFonts", desc_fonts);
    s |= HPDF_Array_Add(desc_fonts, f->cidfont);
    s |= HPDF_Dict_Add(f->type0, "ToUnicode", f->tounicode);

    s |= HPDF_Dict_AddName(f->cidfont, "Type", "Font");
    s |= HPDF_Dict_AddName(f->cidfont, "Subtype", "CIDFontType2");
    s |= HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL));
    s |= HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL));
    s |= HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);
    s |= HPDF_Dict_Add(f->cidfont, "CIDSystemInfo", sysinfo);
    s |= HPDF_Dict_Add(f->cidfont, "FontDescriptor", f->desc);
    s |= HPDF_Dict_AddNumber(f->cidfont, "DW", ft->width[0]);
    s |= HPDF_Dict_Add(f->cidfont, "CIDToGIDMap", f->map);

    const unsigned char *head = ft->data + ft->head.off;
    for (int i = 0; i < 4; i++)
        s |= HPDF_Array_AddNumber(
            bbox, (HPDF_INT32)lround((int16_t)be16(head + 36 + 2 * i) * 1000.0 / ft->upem));
    /* Flags: symbolic (4; glyphs beyond the standard Latin set), plus
     * fixed pitch (1) and italic (64) where they apply. */
    HPDF_INT32 flags = 4 | (ft->fixed_pitch ? 1 : 0) | (ft->italic_angle != 0 ? 64 : 0);
    s |= HPDF_Dict_AddName(f->desc, "Type", "FontDescriptor");
    s |= HPDF_Dict_AddNumber(f->desc, "Flags", flags);
    s |= HPDF_Dict_Add(f->desc, "FontBBox", bbox);
    s |= HPDF_Dict_AddReal(f->desc, "ItalicAngle", (HPDF_REAL)ft->italic_angle);
    s |= HPDF_Dict_AddNumber(f->desc, "Ascent", (HPDF_INT32)lround(ft->ascent * 1000));
    s |= HPDF_Dict_AddNumber(f->desc, "Descent", (HPDF_INT32)lround(ft->descent * 1000));
    s |= HPDF_Dict_AddNumber(f->desc, "CapHeight", (HPDF_INT32)lround(ft->cap_height * 1000));
    s |= HPDF_Dict_AddNumber(f->desc, "StemV", ft->weight >= 600 ? 120 : 80);
    s |= HPDF_Dict_Add(f->desc, "FontFile2", f->file);
    return hp(pdf, s);
}

/* Makes face usable on page pg: PDF objects and a /F<n> resource. */
static ra_status_t use_font(ra_pdf_t *pdf, page_t *pg, ra_face_t face)
{
    face_t *f = owner_of(pdf, face);
    int idx = (int)(f - pdf->face);
    if (pg->fonts & (1u << idx))
        return RA_OK;
    if (ensure_font(pdf, f) != RA_OK)
        return RA_ERR_PDF;
    HPDF_Dict res = HPDF_Dict_GetItem(pg->page, "Resources", HPDF_OCLASS_DICT);
    if (!res)
        return hp(pdf, HPDF_INVALID_PAGE);
    HPDF_Dict fonts = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
    if (!fonts) {
        fonts = HPDF_Dict_New(pdf->doc->mmgr);
        if (!fonts || hp(pdf, HPDF_Dict_Add(res, "Font", fonts)) != RA_OK)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    char name[4] = {'F', (char)('0' + idx), 0, 0};
    if (hp(pdf, HPDF_Dict_Add(fonts, name, f->type0)) != RA_OK)
        return RA_ERR_PDF;
    pg->fonts |= 1u << idx;
    return RA_OK;
}

/* --- Text --- */

/* The bytes that a literal string escapes, and what follows the
 * backslash; 0: written as they are. */
static const unsigned char str_escape[256] = {
    ['('] = '(', [')'] = ')', ['\\'] = '\\', ['\r'] = 'r', ['\n'] = 'n'};

/* Appends the text run: sets font, size and colour when they changed,
 * the text matrix, then the string as 2-byte codes (= code points, after
 * substitution), marking them used and reporting substitutions. */
static ra_status_t draw_text(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                             double y, double angle, const char *utf8, size_t len)
{
    page_t *pg = cur_page(pdf);
    ra_status_t st;
    if (!pg)
        return RA_ERR_PDF;
    if ((unsigned)face >= RA_FACE_COUNT)
        face = RA_FACE_REGULAR;
    if (len == 0 || !(size > 0))
        return RA_OK;
    if (use_font(pdf, pg, face) != RA_OK)
        return RA_ERR_PDF;
    face_t *f = &pdf->face[face], *owner = owner_of(pdf, face);
    ra_buf_t *b = &pg->content;

    if (!pg->in_text) {
        if ((st = ra_buf_puts(b, "BT\n")) != RA_OK)
            return keep(pdf, st);
        pg->in_text = 1;
        pg->plain = 1; /* BT starts from the identity */
        pg->tx = pg->ty = 0;
    }
    if (pg->font != (int)(owner - pdf->face) || pg->font_size != size) {
        pg->font = (int)(owner - pdf->face);
        pg->font_size = size;
        char name[4] = {'/', 'F', (char)('0' + pg->font), ' '};
        if ((st = ra_buf_append(b, name, 4)) != RA_OK || (st = put_op(b, &size, 1, "Tf")) != RA_OK)
            return keep(pdf, st);
    }
    if ((st = set_fill(pg, color)) != RA_OK)
        return keep(pdf, st);
    const char *show = "Tj";
    if (angle == 0 && pg->plain) {
        /* Move relative to the last line start (shorter than Tm); the
         * origin kept is the rounded one written, so errors do not add.
         * A move straight down is "next line" by the leading (TL), shown
         * with the ' operator: most lines of a paragraph or cell. */
        double d[2] = {round3(x - pg->tx), round3(pg->h - y - pg->ty)};
        pg->tx += d[0];
        pg->ty += d[1];
        if (d[0] == 0 && d[1] < 0) {
            if (pg->leading != -d[1]) {
                pg->leading = -d[1];
                st = put_op(b, &pg->leading, 1, "TL");
            }
            show = "'";
        } else {
            st = put_op(b, d, 2, "Td");
        }
    } else {
        double rad = angle * PI / 180.0;
        double c = angle ? cos(rad) : 1, s = angle ? sin(rad) : 0;
        double m[6] = {c, s, -s, c, round3(x), round3(pg->h - y)};
        pg->plain = angle == 0;
        pg->tx = m[4];
        pg->ty = m[5];
        st = put_op(b, m, 6, "Tm");
    }
    if (st != RA_OK)
        return keep(pdf, st);

    /* A literal string of 2-byte codes, big-endian, with the bytes that
     * are special in strings escaped: at most 4 bytes a character. */
    if ((st = ra_buf_reserve(b, 4 * len + 8)) != RA_OK)
        return keep(pdf, st);
    const font_t *ft = f->ft;
    uint8_t *used = owner->used;
    char *o = b->data + b->len;
    size_t pos = 0, run = 0;
    *o++ = '(';
    while (pos < len) {
        if (run == TJ_CHARS_MAX) { /* keep strings short; Tj continues */
            b->len = (size_t)(o - b->data);
            if ((st = ra_buf_putc(b, ')')) != RA_OK || (st = ra_buf_puts(b, show)) != RA_OK ||
                (st = ra_buf_puts(b, " (")) != RA_OK ||
                (st = ra_buf_reserve(b, 4 * (len - pos) + 16)) != RA_OK)
                return keep(pdf, st);
            o = b->data + b->len;
            run = 0;
            show = "Tj";
        }
        run++;
        unsigned char c = (unsigned char)utf8[pos];
        uint32_t code;
        if (c >= 0x20 && c < 0x7F && ft->gid[c]) { /* ASCII the face has */
            pos++;
            used[c >> 3] |= (uint8_t)(1u << (c & 7));
            *o++ = '\0';
            if (str_escape[c]) {
                *o++ = '\\';
                c = str_escape[c];
            }
            *o++ = (char)c;
            continue;
        }
        const char *why;
        uint32_t in = ra_utf8_decode(utf8, len, &pos);
        uint32_t cp = face_map(ft, in, &why);
        if (why)
            report(pdf, face, in, cp, why);
        code = code_of(cp);
        used[code >> 3] |= (uint8_t)(1u << (code & 7));
        unsigned char two[2] = {(unsigned char)(code >> 8), (unsigned char)code};
        for (int k = 0; k < 2; k++) {
            if (str_escape[two[k]]) {
                *o++ = '\\';
                two[k] = str_escape[two[k]];
            }
            *o++ = (char)two[k];
        }
    }
    *o++ = ')';
    b->len = (size_t)(o - b->data);
    b->data[b->len] = '\0';
    if ((st = ra_buf_puts(b, show)) == RA_OK)
        st = ra_buf_putc(b, '\n');
    return keep(pdf, st);
}

ra_status_t ra_pdf_text(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                        double y, const char *utf8, size_t len)
{
    return draw_text(pdf, face, size, color, x, y, 0, utf8, len);
}

ra_status_t ra_pdf_text_rotated(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color,
                                double x, double y, double angle, const char *utf8, size_t len)
{
    return draw_text(pdf, face, size, color, x, y, angle, utf8, len);
}

/* --- Glyph outlines --- */

/* Maps glyph-space points to PDF space: scale, rotate, translate. */
typedef struct {
    double a, b, c, d, e, f; /* x' = a x + c y + e, y' = b x + d y + f */
} xform_t;

/* Appends "x y op" for glyph point (x, y) under m. */
static ra_status_t put_pt(ra_buf_t *b, const xform_t *m, double x, double y, const char *op)
{
    double v[2] = {m->a * x + m->c * y + m->e, m->b * x + m->d * y + m->f};
    return put_op(b, v, 2, op);
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
    return put_op(b, v, 6, "c");
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
static ra_status_t put_glyph(ra_buf_t *b, const font_t *f, uint32_t g, const xform_t *m, int depth)
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
        ra_status_t st = put_glyph(b, f, comp, &k, depth + 1);
        if (st != RA_OK || !(flags & 0x20))
            return st;
    }
}

static ra_status_t stream_set(ra_pdf_t *pdf, HPDF_Dict s, HPDF_PageAttr page, const void *data,
                              size_t len, ra_sha256_ctx_t *digest);
static ra_status_t stream_put(ra_pdf_t *pdf, HPDF_Dict d, HPDF_PageAttr page, const void *data,
                              size_t len);

/* Creates shape sh's form XObject: its glyph outlines, filled or stroked,
 * on a page of its size; none when no glyph has an outline (spaces). */
static ra_status_t make_shape_form(ra_pdf_t *pdf, shape_t *sh)
{
    const font_t *f = pdf->face[sh->face].ft;
    double rad = sh->angle * PI / 180.0, s = sh->size / f->upem;
    double ca = cos(rad), sa = sin(rad), pen = 0;
    double c[3] = {unit(sh->color.r), unit(sh->color.g), unit(sh->color.b)};
    ra_buf_t b = RA_BUF_INIT;
    ra_status_t st = put_op(&b, c, 3, sh->stroke_width > 0 ? "RG" : "rg");
    if (st == RA_OK && sh->stroke_width > 0)
        st = put_op(&b, &sh->stroke_width, 1, "w");
    size_t style_len = b.len, pos = 0;
    while (pos < sh->len && st == RA_OK) {
        const char *why;
        uint32_t in = ra_utf8_decode(sh->text, sh->len, &pos);
        uint32_t cp = face_map(f, in, &why);
        if (why)
            report(pdf, sh->face, in, cp, why);
        uint16_t g = f->gid[cp];
        /* Glyph units -> page: scale, move along the baseline, rotate. */
        xform_t m = {s * ca, s * sa,           -s * sa,
                     s * ca, sh->x + pen * ca, sh->page_h - sh->y + pen * sa};
        st = put_glyph(&b, f, g, &m, 0);
        pen += f->width[g] * sh->size / 1000.0;
    }
    /* Paint only if some glyph had an outline (spaces have none). */
    if (st != RA_OK || b.len == style_len)
        goto done;
    if ((st = ra_buf_puts(&b, sh->stroke_width > 0 ? "S\n" : "f\n")) != RA_OK)
        goto done;
    HPDF_MMgr mm = pdf->doc->mmgr;
    HPDF_Dict form = HPDF_DictStream_New(mm, pdf->doc->xref);
    HPDF_Array bbox = HPDF_Array_New(mm);
    HPDF_Dict res = HPDF_Dict_New(mm);
    if (!form || !bbox || !res || pdf->err) {
        st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        goto done;
    }
    form->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    HPDF_STATUS hs = HPDF_Dict_AddName(form, "Type", "XObject");
    hs |= HPDF_Dict_AddName(form, "Subtype", "Form");
    hs |= HPDF_Array_AddReal(bbox, 0);
    hs |= HPDF_Array_AddReal(bbox, 0);
    hs |= HPDF_Array_AddReal(bbox, (HPDF_REAL)sh->page_w);
    hs |= HPDF_Array_AddReal(bbox, (HPDF_REAL)sh->page_h);
    hs |= HPDF_Dict_Add(form, "BBox", bbox);
    hs |= HPDF_Dict_Add(form, "Resources", res);
    if ((st = hp(pdf, hs)) != RA_OK ||
        (st = stream_set(pdf, form, NULL, b.data, b.len, NULL)) != RA_OK)
        goto done;
    unsigned char digest[32];
    ra_sha256(b.data, b.len, digest);
    if ((st = keep(pdf, ra_buf_append(&pdf->xobject_digests, (const char *)digest, 32))) == RA_OK)
        sh->form = form;
done:
    ra_buf_free(&b);
    return keep(pdf, st);
}

ra_status_t ra_pdf_text_shape(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                              double y, double angle, double stroke_width, const char *utf8,
                              size_t len)
{
    page_t *pg = cur_page(pdf);
    if (!pg)
        return RA_ERR_PDF;
    if ((unsigned)face >= RA_FACE_COUNT)
        face = RA_FACE_REGULAR;
    if (len == 0 || !(size > 0))
        return RA_OK;
    if (!(stroke_width > 0))
        stroke_width = 0;
    /* The same shape on a page of the same size: the same form. */
    shape_t *sh = NULL;
    for (size_t i = 0; i < pdf->nshapes && !sh; i++) {
        shape_t *o = &pdf->shapes[i];
        if (o->face == face && o->size == size && same_rgb(o->color, color) && o->x == x &&
            o->y == y && o->angle == angle && o->stroke_width == stroke_width &&
            o->page_w == pg->w && o->page_h == pg->h && o->len == len &&
            memcmp(o->text, utf8, len) == 0)
            sh = o;
    }
    if (!sh) {
        if (pdf->nshapes == pdf->cap_shapes) {
            size_t cap = pdf->cap_shapes ? pdf->cap_shapes * 2 : 2;
            shape_t *v = realloc(pdf->shapes, cap * sizeof *v);
            if (!v)
                return keep(pdf, RA_ERR_NOMEM);
            pdf->shapes = v;
            pdf->cap_shapes = cap;
        }
        char *text = malloc(len);
        if (!text)
            return keep(pdf, RA_ERR_NOMEM);
        memcpy(text, utf8, len);
        sh = &pdf->shapes[pdf->nshapes++];
        *sh =
            (shape_t){face, size, x, y, angle, stroke_width, pg->w, pg->h, color, text, len, NULL};
        if (make_shape_form(pdf, sh) != RA_OK)
            return RA_ERR_PDF;
    }
    if (!sh->form)
        return RA_OK;
    const char *name = HPDF_Page_GetXObjectName(pg->page, sh->form);
    if (!name || pdf->err)
        return hp(pdf, HPDF_INVALID_OBJECT);
    ra_status_t st = end_text(pg);
    if (st == RA_OK)
        st = ra_buf_printf(&pg->content, "/%s Do\n", name);
    return keep(pdf, st);
}

/* --- Vector graphics --- */

/* Ends any text object and sets fill and stroke state for a path. */
static ra_status_t path_style(page_t *pg, const ra_rgb_t *fill, const ra_rgb_t *stroke,
                              double width, double dash)
{
    ra_status_t st = end_text(pg);
    if (st == RA_OK && fill)
        st = set_fill(pg, *fill);
    if (st == RA_OK && stroke)
        st = set_stroke(pg, *stroke, width, dash);
    return st;
}

/* Paints the current path: fill, stroke or both. */
static ra_status_t path_paint(page_t *pg, const ra_rgb_t *fill, const ra_rgb_t *stroke)
{
    return ra_buf_puts(&pg->content, fill && stroke ? "B\n" : fill ? "f\n" : "S\n");
}

ra_status_t ra_pdf_line(ra_pdf_t *pdf, double x1, double y1, double x2, double y2, double width,
                        ra_rgb_t color, double dash)
{
    page_t *pg = cur_page(pdf);
    if (!pg)
        return RA_ERR_PDF;
    double a[2] = {x1, pg->h - y1}, b[2] = {x2, pg->h - y2};
    ra_status_t st = path_style(pg, NULL, &color, width, dash);
    if (st == RA_OK)
        st = put_op(&pg->content, a, 2, "m");
    if (st == RA_OK)
        st = put_op(&pg->content, b, 2, "l S");
    return keep(pdf, st);
}

/* Appends a cubic Bezier segment. */
static ra_status_t put_curve(ra_buf_t *b, double x1, double y1, double x2, double y2, double x3,
                             double y3)
{
    double v[6] = {x1, y1, x2, y2, x3, y3};
    return put_op(b, v, 6, "c");
}

ra_status_t ra_pdf_rect(ra_pdf_t *pdf, double x, double y, double w, double h, double radius,
                        const ra_rgb_t *fill, const ra_rgb_t *stroke, double line_width)
{
    page_t *pg = cur_page(pdf);
    if (!pg)
        return RA_ERR_PDF;
    if (!(w > 0 && h > 0) || (!fill && !stroke))
        return RA_OK;
    ra_buf_t *b = &pg->content;
    ra_status_t st = path_style(pg, fill, stroke, line_width, 0);
    double top = pg->h - y, bottom = top - h;
    if (radius > w / 2)
        radius = w / 2;
    if (radius > h / 2)
        radius = h / 2;
    if (st == RA_OK && !(radius > 0)) {
        double v[4] = {x, bottom, w, h};
        st = put_op(b, v, 4, "re");
    } else if (st == RA_OK) {
        /* Four sides and four quarter-circle Bezier corners. */
        double r = radius, k = r * 0.5523, x2 = x + w;
        double m[2] = {x + r, bottom}, l1[2] = {x2 - r, bottom}, l2[2] = {x2, top - r},
               l3[2] = {x + r, top}, l4[2] = {x, bottom + r};
        st = put_op(b, m, 2, "m");
        if (st == RA_OK)
            st = put_op(b, l1, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x2 - r + k, bottom, x2, bottom + r - k, x2, bottom + r);
        if (st == RA_OK)
            st = put_op(b, l2, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x2, top - r + k, x2 - r + k, top, x2 - r, top);
        if (st == RA_OK)
            st = put_op(b, l3, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x + r - k, top, x, top - r + k, x, top - r);
        if (st == RA_OK)
            st = put_op(b, l4, 2, "l");
        if (st == RA_OK)
            st = put_curve(b, x, bottom + r - k, x + r - k, bottom, x + r, bottom);
        if (st == RA_OK)
            st = ra_buf_puts(b, "h\n");
    }
    if (st == RA_OK)
        st = path_paint(pg, fill, stroke);
    return keep(pdf, st);
}

/* Appends an arc path from a to b (radians, clockwise from 12 o'clock in
 * page terms) around (cx, pcy) in PDF space, starting with a moveto when
 * move is set; Bezier pieces of at most 90 degrees. */
static ra_status_t put_arc(ra_buf_t *buf, double cx, double pcy, double r, double a, double b,
                           int move)
{
    ra_status_t st = RA_OK;
    int n = (int)ceil((b - a) / (PI / 2) - 1e-9);
    if (n < 1)
        n = 1;
    double step = (b - a) / n, k = 4.0 / 3.0 * tan(step / 4) * r;
    if (move) {
        double m[2] = {cx + r * sin(a), pcy + r * cos(a)};
        st = put_op(buf, m, 2, "m");
    }
    for (int i = 0; i < n && st == RA_OK; i++, a += step) {
        double e = a + step;
        /* In PDF space the point at angle a is (cx + r sin a, cy + r cos a)
         * and the clockwise tangent (cos a, -sin a). */
        double x0 = cx + r * sin(a), y0 = pcy + r * cos(a);
        double x3 = cx + r * sin(e), y3 = pcy + r * cos(e);
        st = put_curve(buf, x0 + k * cos(a), y0 - k * sin(a), x3 - k * cos(e), y3 + k * sin(e), x3,
                       y3);
    }
    return st;
}

ra_status_t ra_pdf_circle(ra_pdf_t *pdf, double cx, double cy, double r, const ra_rgb_t *fill,
                          const ra_rgb_t *stroke, double line_width)
{
    page_t *pg = cur_page(pdf);
    if (!pg)
        return RA_ERR_PDF;
    if (!(r > 0) || (!fill && !stroke))
        return RA_OK;
    ra_status_t st = path_style(pg, fill, stroke, line_width, 0);
    if (st == RA_OK)
        st = put_arc(&pg->content, cx, pg->h - cy, r, 0, 2 * PI, 1);
    if (st == RA_OK)
        st = ra_buf_puts(&pg->content, "h\n");
    if (st == RA_OK)
        st = path_paint(pg, fill, stroke);
    return keep(pdf, st);
}

ra_status_t ra_pdf_arc(ra_pdf_t *pdf, double cx, double cy, double r, double from_deg,
                       double to_deg, double width, ra_rgb_t color)
{
    page_t *pg = cur_page(pdf);
    if (!pg)
        return RA_ERR_PDF;
    if (!(r > 0) || !(to_deg > from_deg))
        return RA_OK;
    if (to_deg - from_deg > 360)
        to_deg = from_deg + 360;
    ra_status_t st = path_style(pg, NULL, &color, width, 0);
    if (st == RA_OK)
        st = put_arc(&pg->content, cx, pg->h - cy, r, from_deg * PI / 180, to_deg * PI / 180, 1);
    if (st == RA_OK)
        st = ra_buf_puts(&pg->content, "S\n");
    return keep(pdf, st);
}

/* --- Images --- */

static HPDF_STATUS write_flate_key(HPDF_Dict dict, HPDF_Stream out);

/* Most pixels a side of an embedded image (PNG allows 2^31 - 1). */
#define IMAGE_SIDE_MAX 16384u

/* What png_parse learns from a PNG's chunks. */
typedef struct {
    uint32_t width, height;
    unsigned depth, ctype;     /* bits per sample, PNG colour type */
    const unsigned char *plte; /* palette entries (RGB), colour type 3 */
    size_t plte_len;           /* bytes */
} png_t;

/* Checks that png[0..len) is a PNG that can be embedded as it is: opaque
 * (colour type 0, 2 or 3 and no tRNS chunk), at most 8 bits a sample, not
 * interlaced; appends its image data (the IDAT chunks joined: one zlib
 * stream of PNG-predicted rows, which FlateDecode with /Predictor 15 reads)
 * to idat. Returns NULL, or why the image cannot be embedded. */
static const char *png_parse(const unsigned char *p, size_t len, png_t *png, ra_buf_t *idat)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    size_t at = 8;
    int ended = 0;
    memset(png, 0, sizeof *png);
    if (len < 8 + 25 || memcmp(p, sig, 8) != 0)
        return "image is not a PNG file";
    while (!ended) {
        if (len - at < 12)
            return "PNG image is truncated";
        uint32_t n = be32(p + at);
        const unsigned char *type = p + at + 4, *d = p + at + 8;
        if (n > len - at - 12)
            return "PNG image is truncated";
        if (at == 8) { /* IHDR comes first */
            if (memcmp(type, "IHDR", 4) != 0 || n != 13)
                return "PNG image has no header";
            png->width = be32(d);
            png->height = be32(d + 4);
            png->depth = d[8];
            png->ctype = d[9];
            if (png->width == 0 || png->height == 0 || png->width > IMAGE_SIDE_MAX ||
                png->height > IMAGE_SIDE_MAX)
                return "PNG image is empty or too large";
            if (png->ctype == 4 || png->ctype == 6)
                return "PNG image has transparency (alpha channel)";
            if (png->depth > 8)
                return "PNG image has 16-bit samples";
            if (d[12] != 0)
                return "PNG image is interlaced";
            int ok = d[10] == 0 && d[11] == 0 &&
                     (png->ctype == 0
                          ? png->depth == 1 || png->depth == 2 || png->depth == 4 || png->depth == 8
                      : png->ctype == 2 ? png->depth == 8
                      : png->ctype == 3
                          ? png->depth == 1 || png->depth == 2 || png->depth == 4 || png->depth == 8
                          : 0);
            if (!ok)
                return "PNG image header is invalid";
        } else if (memcmp(type, "tRNS", 4) == 0) {
            return "PNG image has transparency (tRNS chunk)";
        } else if (memcmp(type, "PLTE", 4) == 0) {
            if (n == 0 || n % 3 != 0 || n > 768)
                return "PNG image has an invalid palette";
            png->plte = d;
            png->plte_len = n;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            if (ra_buf_append(idat, (const char *)d, n) != RA_OK)
                return "out of memory";
        } else if (memcmp(type, "IEND", 4) == 0) {
            ended = 1;
        }
        at += 12 + (size_t)n;
    }
    if (idat->len == 0)
        return "PNG image has no image data";
    if (png->ctype == 3 && !png->plte)
        return "PNG image has no palette";
    return NULL;
}

ra_status_t ra_pdf_image_png(ra_pdf_t *pdf, const void *data, size_t len, double x, double y,
                             double w, double h)
{
    page_t *pg = cur_page(pdf);
    ra_buf_t idat = RA_BUF_INIT;
    png_t png;
    if (!pg)
        return RA_ERR_PDF;
    const char *why = png_parse(data, len, &png, &idat);
    if (why) {
        ra_buf_free(&idat);
        return fail_msg(pdf, why);
    }
    if (!(w > 0 && h > 0)) {
        ra_buf_free(&idat);
        return RA_OK;
    }
    /* The image XObject: the PNG's own compressed rows, undecoded. */
    HPDF_MMgr mm = pdf->doc->mmgr;
    HPDF_Dict img = HPDF_DictStream_New(mm, pdf->doc->xref);
    HPDF_Dict parms = HPDF_Dict_New(mm);
    if (!img || !parms || pdf->err) {
        ra_buf_free(&idat);
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    }
    img->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
    HPDF_STATUS s = HPDF_Dict_AddName(img, "Type", "XObject");
    s |= HPDF_Dict_AddName(img, "Subtype", "Image");
    s |= HPDF_Dict_AddNumber(img, "Width", (HPDF_INT32)png.width);
    s |= HPDF_Dict_AddNumber(img, "Height", (HPDF_INT32)png.height);
    s |= HPDF_Dict_AddNumber(img, "BitsPerComponent", (HPDF_INT32)png.depth);
    if (png.ctype == 3) { /* [/Indexed /DeviceRGB hival <palette>] */
        HPDF_Array cs = HPDF_Array_New(mm);
        HPDF_Binary lookup = HPDF_Binary_New(mm, (HPDF_BYTE *)png.plte, (HPDF_UINT)png.plte_len);
        if (!cs || !lookup) {
            ra_buf_free(&idat);
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        }
        s |= HPDF_Array_AddName(cs, "Indexed");
        s |= HPDF_Array_AddName(cs, "DeviceRGB");
        s |= HPDF_Array_AddNumber(cs, (HPDF_INT32)(png.plte_len / 3 - 1));
        s |= HPDF_Array_Add(cs, lookup);
        s |= HPDF_Dict_Add(img, "ColorSpace", cs);
    } else {
        s |= HPDF_Dict_AddName(img, "ColorSpace", png.ctype == 2 ? "DeviceRGB" : "DeviceGray");
    }
    s |= HPDF_Dict_AddNumber(parms, "Predictor", 15);
    s |= HPDF_Dict_AddNumber(parms, "Colors", png.ctype == 2 ? 3 : 1);
    s |= HPDF_Dict_AddNumber(parms, "BitsPerComponent", (HPDF_INT32)png.depth);
    s |= HPDF_Dict_AddNumber(parms, "Columns", (HPDF_INT32)png.width);
    s |= HPDF_Dict_Add(img, "DecodeParms", parms);
    if (hp(pdf, s) != RA_OK || stream_put(pdf, img, NULL, idat.data, idat.len) != RA_OK) {
        ra_buf_free(&idat);
        return RA_ERR_PDF;
    }
    ra_buf_free(&idat);
    img->write_fn = write_flate_key;
    /* The image's bytes go into the /ID like the page content. */
    unsigned char digest[32];
    ra_sha256(data, len, digest);
    ra_status_t st = keep(pdf, ra_buf_append(&pdf->xobject_digests, (const char *)digest, 32));
    if (st != RA_OK)
        return st;

    const char *name = HPDF_Page_GetXObjectName(pg->page, img);
    if (!name || pdf->err)
        return hp(pdf, HPDF_INVALID_OBJECT);
    /* Scale the unit square to the box; q/Q keeps the tracked state. */
    double m[6] = {w, 0, 0, h, x, pg->h - y - h};
    ra_buf_t *b = &pg->content;
    if ((st = end_text(pg)) == RA_OK && (st = ra_buf_puts(b, "q\n")) == RA_OK &&
        (st = put_op(b, m, 6, "cm")) == RA_OK)
        st = ra_buf_printf(b, "/%s Do\nQ\n", name);
    return keep(pdf, st);
}

/* --- Links and bookmarks --- */

/* Creates a destination [page /XYZ 0 top null] showing y (from the top)
 * of page target at the reader's zoom, as a direct object: libharu's are
 * indirect, which PDFBox's PDF/A validator fails to resolve. NULL on
 * error (recorded). */
static HPDF_Destination make_dest(ra_pdf_t *pdf, size_t target, double y)
{
    if (target >= pdf->npages) {
        fail_msg(pdf, "link or bookmark to a page that does not exist");
        return NULL;
    }
    page_t *t = &pdf->pages[target];
    HPDF_Array d = HPDF_Array_New(pdf->doc->mmgr);
    HPDF_Null null = HPDF_Null_New(pdf->doc->mmgr);
    if (!d || !null || pdf->err) {
        hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        return NULL;
    }
    /* What libharu's destination checks look for. */
    d->header.obj_class |= HPDF_OSUBCLASS_DESTINATION;
    double top = t->h - y;
    top = top < 0 ? 0 : top > t->h ? t->h : top;
    HPDF_STATUS s = HPDF_Array_Add(d, t->page);
    s |= HPDF_Array_AddName(d, "XYZ");
    s |= HPDF_Array_AddReal(d, 0);
    s |= HPDF_Array_AddReal(d, (HPDF_REAL)top);
    s |= HPDF_Array_Add(d, null);
    if (hp(pdf, s) != RA_OK)
        return NULL;
    return d;
}

ra_status_t ra_pdf_link(ra_pdf_t *pdf, double x, double y, double w, double h, size_t target,
                        double target_y)
{
    page_t *pg = cur_page(pdf);
    if (!pg)
        return RA_ERR_PDF;
    HPDF_Destination d = make_dest(pdf, target, target_y);
    if (!d)
        return RA_ERR_PDF;
    HPDF_Rect r = {(HPDF_REAL)x, (HPDF_REAL)(pg->h - y - h), (HPDF_REAL)(x + w),
                   (HPDF_REAL)(pg->h - y)};
    HPDF_Annotation a = HPDF_Page_CreateLinkAnnot(pg->page, r, d);
    if (!a || pdf->err)
        return hp(pdf, HPDF_INVALID_ANNOTATION);
    /* No border; print flag (PDF/A wants /F 4 on annotations). */
    if (hp(pdf, HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0)) != RA_OK ||
        hp(pdf, HPDF_Dict_AddNumber(a, "F", 4)) != RA_OK)
        return RA_ERR_PDF;
    return RA_OK;
}

ra_status_t ra_pdf_outline(ra_pdf_t *pdf, int parent, const char *title, size_t page, double y,
                           int *id)
{
    if (pdf->err)
        return RA_ERR_PDF;
    if (parent >= (int)pdf->noutlines)
        return fail_msg(pdf, "bookmark parent does not exist");
    if (pdf->noutlines == pdf->cap_outlines) {
        size_t cap = pdf->cap_outlines ? pdf->cap_outlines * 2 : 32;
        HPDF_Outline *o = realloc(pdf->outlines, cap * sizeof *o);
        if (!o)
            return keep(pdf, RA_ERR_NOMEM);
        pdf->outlines = o;
        pdf->cap_outlines = cap;
    }
    HPDF_Outline o =
        HPDF_CreateOutline(pdf->doc, parent < 0 ? NULL : pdf->outlines[parent], " ", NULL);
    if (!o || pdf->err)
        return hp(pdf, HPDF_INVALID_OUTLINE);
    HPDF_Binary t = text_string(pdf, title ? title : "");
    if (!t || hp(pdf, HPDF_Dict_Add(o, "Title", t)) != RA_OK)
        return RA_ERR_PDF;
    HPDF_Destination d = make_dest(pdf, page, y);
    if (!d)
        return RA_ERR_PDF;
    if (hp(pdf, HPDF_Outline_SetDestination(o, d)) != RA_OK ||
        hp(pdf, HPDF_Outline_SetOpened(o, parent < 0)) != RA_OK)
        return RA_ERR_PDF;
    if (id)
        *id = (int)pdf->noutlines;
    pdf->outlines[pdf->noutlines++] = o;
    return RA_OK;
}

ra_status_t ra_pdf_page_label(ra_pdf_t *pdf, size_t first, ra_label_style_t style, unsigned start,
                              const char *prefix)
{
    static const HPDF_PageNumStyle styles[] = {
        HPDF_PAGE_NUM_STYLE_DECIMAL, HPDF_PAGE_NUM_STYLE_LOWER_ROMAN,
        HPDF_PAGE_NUM_STYLE_UPPER_ROMAN, HPDF_PAGE_NUM_STYLE_UPPER_LETTERS};
    if (pdf->err)
        return RA_ERR_PDF;
    if ((unsigned)style > RA_LABEL_LETTERS_UPPER)
        style = RA_LABEL_DECIMAL;
    if (prefix)
        for (const char *c = prefix; *c; c++)
            if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7E)
                return fail_msg(pdf, "page label prefix must be ASCII");
    return hp(pdf, HPDF_AddPageLabel(pdf->doc, (HPDF_UINT)first, styles[style], start ? start : 1,
                                     prefix));
}

/* --- Save: font subset, /W, /CIDToGIDMap, /ToUnicode, content --- */

/* libharu hook run while a stream dictionary is written, after its keys:
 * declares the compression we applied (libharu drops a /Filter key of a
 * stream it does not compress itself). */
static HPDF_STATUS write_flate_key(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* --- Stream data ---
 *
 * The data of every stream we write stays in our memory: the stream
 * dictionary's libharu memory stream is replaced by a callback reader over
 * a blob, which libharu reads when it writes the file. So the bytes are
 * not copied, a byte at a time, into and out of libharu's 4 KiB chunks. */

/* Reads the next bytes of a blob; HPDF_STREAM_EOF with the last ones. */
static HPDF_STATUS blob_read(HPDF_Stream s, HPDF_BYTE *ptr, HPDF_UINT *siz)
{
    blob_t *b = s->attr;
    size_t n = b->len - b->pos < *siz ? b->len - b->pos : *siz;
    if (n)
        memcpy(ptr, b->data + b->pos, n);
    b->pos += n;
    *siz = (HPDF_UINT)n;
    return b->pos == b->len ? HPDF_STREAM_EOF : HPDF_OK;
}

static HPDF_STATUS blob_seek(HPDF_Stream s, HPDF_INT pos, HPDF_WhenceMode mode)
{
    blob_t *b = s->attr;
    long long at = mode == HPDF_SEEK_CUR   ? (long long)b->pos + pos
                   : mode == HPDF_SEEK_END ? (long long)b->len - pos
                                           : pos;
    if (at < 0 || at > (long long)b->len)
        return HPDF_SetError(s->error, HPDF_STREAM_EOF, 0);
    b->pos = (size_t)at;
    return HPDF_OK;
}

static HPDF_INT32 blob_tell(HPDF_Stream s)
{
    return (HPDF_INT32)((blob_t *)s->attr)->pos;
}

static HPDF_UINT32 blob_size(HPDF_Stream s)
{
    return (HPDF_UINT32)((blob_t *)s->attr)->len;
}

/* Makes data[0..len) (copied) the data of stream dictionary d, written
 * as it is; on the first call for d, its memory stream is replaced (for a
 * page's contents, also the page's pointer to it). */
static ra_status_t stream_put(ra_pdf_t *pdf, HPDF_Dict d, HPDF_PageAttr page, const void *data,
                              size_t len)
{
    blob_t *b = NULL;
    if (len > 0x7FFFFFFF)
        return fail_msg(pdf, "stream larger than 2 GiB");
    if (d->stream && d->stream->read_fn == blob_read) {
        b = d->stream->attr;
    } else {
        if (pdf->nblobs == pdf->cap_blobs) {
            size_t cap = pdf->cap_blobs ? pdf->cap_blobs * 2 : 64;
            blob_t **v = realloc(pdf->blobs, cap * sizeof *v);
            if (!v)
                return keep(pdf, RA_ERR_NOMEM);
            pdf->blobs = v;
            pdf->cap_blobs = cap;
        }
        if (!(b = calloc(1, sizeof *b)))
            return keep(pdf, RA_ERR_NOMEM);
        pdf->blobs[pdf->nblobs++] = b;
        HPDF_Stream rs =
            HPDF_CallbackReader_New(pdf->doc->mmgr, blob_read, blob_seek, blob_tell, blob_size, b);
        if (!rs)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        HPDF_Stream old = d->stream;
        d->stream = rs;
        if (page && page->stream == old)
            page->stream = rs;
        HPDF_Stream_Free(old);
    }
    char *copy = len ? malloc(len) : NULL;
    if (len && !copy)
        return keep(pdf, RA_ERR_NOMEM);
    if (len)
        memcpy(copy, data, len);
    free(b->data);
    b->data = copy;
    b->len = len;
    b->pos = 0;
    d->filter = HPDF_STREAM_FILTER_NONE;
    d->write_fn = NULL;
    return RA_OK;
}

/* Replaces the data of stream dictionary s with data[0..len), which we
 * compress ourselves (see STREAM_ZLEVEL). When digest is not NULL, the
 * compressed bytes (as they are in the file) are added to it. page: see
 * stream_put. */
static ra_status_t stream_set(ra_pdf_t *pdf, HPDF_Dict s, HPDF_PageAttr page, const void *data,
                              size_t len, ra_sha256_ctx_t *digest)
{
    if (len == 0)
        return stream_put(pdf, s, page, "", 0);
    ra_buf_t *z = &pdf->zout;
    size_t zlen;
#ifdef RA_HAVE_LIBDEFLATE
    if (!pdf->z && !(pdf->z = libdeflate_alloc_compressor(STREAM_LIBDEFLATE_LEVEL)))
        return keep(pdf, RA_ERR_NOMEM);
    size_t bound = libdeflate_zlib_compress_bound(pdf->z, len);
    ra_buf_clear(z);
    if (ra_buf_reserve(z, bound) != RA_OK)
        return keep(pdf, RA_ERR_NOMEM);
    zlen = libdeflate_zlib_compress(pdf->z, data, len, z->data, bound);
    if (zlen == 0)
        return fail_msg(pdf, "compression failed");
#else
    if (!pdf->z_ready) {
        if (deflateInit2(&pdf->z, STREAM_ZLEVEL, Z_DEFLATED, 15, STREAM_ZMEM, Z_DEFAULT_STRATEGY) !=
            Z_OK)
            return fail_msg(pdf, "zlib initialisation failed");
        pdf->z_ready = 1;
    } else if (deflateReset(&pdf->z) != Z_OK) {
        return fail_msg(pdf, "zlib reset failed");
    }
    uLong bound = deflateBound(&pdf->z, (uLong)len);
    ra_buf_clear(z);
    if (ra_buf_reserve(z, bound) != RA_OK)
        return keep(pdf, RA_ERR_NOMEM);
    pdf->z.next_in = (Bytef *)data;
    pdf->z.avail_in = (uInt)len;
    pdf->z.next_out = (Bytef *)z->data;
    pdf->z.avail_out = (uInt)bound;
    if (deflate(&pdf->z, Z_FINISH) != Z_STREAM_END)
        return fail_msg(pdf, "zlib compression failed");
    zlen = pdf->z.total_out;
#endif
    if (digest)
        ra_sha256_update(digest, z->data, zlen);
    ra_status_t st = stream_put(pdf, s, page, z->data, zlen);
    if (st == RA_OK)
        s->write_fn = write_flate_key;
    return st;
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
static ra_status_t build_subset(const font_t *f, const uint32_t *codes, size_t ncodes,
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

/* Writes "<XXXX>" for a 16-bit value at p; returns the end. */
static char *put_hex4(char *p, uint32_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    p[0] = '<';
    p[1] = hex[(v >> 12) & 15];
    p[2] = hex[(v >> 8) & 15];
    p[3] = hex[(v >> 4) & 15];
    p[4] = hex[v & 15];
    p[5] = '>';
    return p + 6;
}

/* Writes n entries as bfrange (ranges: first and last code of a run that
 * maps to itself) or bfchar (singles: code and code point) blocks of at
 * most 100 entries. */
static ra_status_t put_bf_blocks(ra_buf_t *b, const uint32_t (*runs)[2], size_t n, int ranges)
{
    ra_status_t st = RA_OK;
    for (size_t i = 0; i < n && st == RA_OK; i += 100) {
        size_t k = n - i < 100 ? n - i : 100;
        st = ra_buf_printf(b, "%zu %s\n", k, ranges ? "beginbfrange" : "beginbfchar");
        if (st == RA_OK)
            st = ra_buf_reserve(b, k * 21);
        if (st != RA_OK)
            break;
        char *p = b->data + b->len;
        for (size_t j = i; j < i + k; j++) {
            /* a range: first, last, first; a single: code, code point */
            p = put_hex4(p, runs[j][0]);
            *p++ = ' ';
            p = put_hex4(p, runs[j][1]);
            if (ranges) {
                *p++ = ' ';
                p = put_hex4(p, runs[j][0]);
            }
            *p++ = '\n';
        }
        b->len = (size_t)(p - b->data);
        b->data[b->len] = '\0';
        st = ra_buf_puts(b, ranges ? "endbfrange\n" : "endbfchar\n");
    }
    return st;
}

/* Builds a CMapType 2 ToUnicode map of the used codes: runs of
 * consecutive codes within one high byte as bfrange, single codes as
 * bfchar. */
static ra_status_t build_tounicode(const uint32_t *codes, size_t n, ra_buf_t *b)
{
    ra_status_t st = RA_ERR_NOMEM;
    uint32_t(*runs)[2] = malloc((n + 1) * sizeof *runs);
    uint32_t(*singles)[2] = malloc((n + 1) * sizeof *singles);
    size_t nr = 0, ns = 0;

    if (!runs || !singles)
        goto done;
    for (size_t i = 0; i < n; i++) {
        uint32_t code = codes[i];
        size_t j = i;
        /* A run: consecutive codes, one high byte, each its own code point. */
        while (j + 1 < n && codes[j + 1] == codes[j] + 1 && (codes[j + 1] & 0xFF) != 0 &&
               cp_of(codes[j + 1]) == codes[j + 1] && cp_of(code) == code)
            j++;
        if (j > i) {
            runs[nr][0] = code;
            runs[nr++][1] = codes[j];
        } else {
            singles[ns][0] = code;
            singles[ns++][1] = cp_of(code);
        }
        i = j;
    }
    if ((st = ra_buf_puts(b, "/CIDInit /ProcSet findresource begin\n"
                             "12 dict begin\n"
                             "begincmap\n"
                             "/CIDSystemInfo << /Registry (Adobe) /Ordering "
                             "(UCS) /Supplement 0 >> def\n"
                             "/CMapName /Adobe-Identity-UCS def\n"
                             "/CMapType 2 def\n"
                             "1 begincodespacerange\n<0000> <FFFF>\n"
                             "endcodespacerange\n")) != RA_OK ||
        (st = put_bf_blocks(b, (const uint32_t(*)[2])runs, nr, 1)) != RA_OK ||
        (st = put_bf_blocks(b, (const uint32_t(*)[2])singles, ns, 0)) != RA_OK)
        goto done;
    st = ra_buf_puts(b, "endcmap\n"
                        "CMapName currentdict /CMap defineresource pop\n"
                        "end\nend\n");
done:
    free(runs);
    free(singles);
    return st;
}

/* Returns the subset tag: six capitals from a hash of the font name and
 * the codes used, so that equal subsets get equal tags. */
static void subset_tag(const font_t *f, const uint32_t *codes, size_t n, char tag[7])
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < f->psname.len; i++)
        h = (h ^ (unsigned char)f->psname.data[i]) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ codes[i]) * 16777619u;
    for (int i = 0; i < 6; i++) {
        tag[i] = (char)('A' + h % 26);
        h = h / 26 * 2654435761u + (uint32_t)i;
    }
    tag[6] = '\0';
}

/* Completes face f's objects: BaseFont, FontFile2 (subset), /W,
 * /CIDToGIDMap and /ToUnicode for the code points drawn. */
static ra_status_t finish_face(ra_pdf_t *pdf, face_t *f)
{
    const font_t *ft = f->ft;
    ra_status_t st;
    ra_buf_t b = RA_BUF_INIT;
    HPDF_MMgr mm = pdf->doc->mmgr;
    uint16_t *newid = calloc(ft->num_glyphs, sizeof *newid);
    if (!newid)
        return keep(pdf, RA_ERR_NOMEM);

    /* The codes drawn, ascending. */
    size_t n = 0;
    uint32_t *codes = malloc(65536 * sizeof *codes);
    if (!codes) {
        free(newid);
        return keep(pdf, RA_ERR_NOMEM);
    }
    for (uint32_t byte = 0; byte < 65536 / 8; byte++)
        for (uint32_t bit = 0; f->used[byte] && bit < 8; bit++)
            if (f->used[byte] & (1u << bit))
                codes[n++] = byte * 8 + bit;

    char tag[7];
    subset_tag(ft, codes, n, tag);
    if ((st = keep(pdf, ra_buf_printf(&b, "%s+%s", tag, ra_buf_str(&ft->psname)))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->type0, "BaseFont", b.data))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->cidfont, "BaseFont", b.data))) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddName(f->desc, "FontName", b.data))) != RA_OK)
        goto done;

    /* FontFile2. */
    ra_buf_clear(&b);
    if ((st = keep(pdf, build_subset(ft, codes, n, newid, &b))) != RA_OK ||
        (st = stream_set(pdf, f->file, NULL, b.data, b.len, NULL)) != RA_OK ||
        (st = hp(pdf, HPDF_Dict_AddNumber(f->file, "Length1", (HPDF_UINT32)b.len))) != RA_OK)
        goto done;

    /* CIDToGIDMap: two bytes per CID up to the highest one used. */
    uint32_t max = n ? codes[n - 1] : 0;
    ra_buf_clear(&b);
    if ((st = keep(pdf, ra_buf_reserve(&b, 2 * (size_t)(max + 1)))) != RA_OK)
        goto done;
    memset(b.data, 0, 2 * (size_t)(max + 1));
    for (size_t i = 0; i < n; i++) {
        uint16_t g = newid[ft->gid[cp_of(codes[i])]];
        b.data[2 * codes[i]] = (char)(g >> 8);
        b.data[2 * codes[i] + 1] = (char)g;
    }
    b.len = 2 * (size_t)(max + 1);
    if ((st = stream_set(pdf, f->map, NULL, b.data, b.len, NULL)) != RA_OK)
        goto done;

    /* CIDSet (PDF/A-1 wants one for a subset): a bit per CID present,
     * the most significant bit of the first byte for CID 0 (.notdef). */
    if (!f->cidset) {
        f->cidset = HPDF_DictStream_New(mm, pdf->doc->xref);
        if (!f->cidset || (st = hp(pdf, HPDF_Dict_Add(f->desc, "CIDSet", f->cidset))) != RA_OK) {
            st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
            goto done;
        }
    }
    ra_buf_clear(&b);
    if ((st = keep(pdf, ra_buf_reserve(&b, max / 8 + 1))) != RA_OK)
        goto done;
    memset(b.data, 0, max / 8 + 1);
    b.data[0] = (char)0x80;
    for (size_t i = 0; i < n; i++)
        b.data[codes[i] / 8] |= (char)(0x80u >> (codes[i] % 8));
    b.len = max / 8 + 1;
    if ((st = stream_set(pdf, f->cidset, NULL, b.data, b.len, NULL)) != RA_OK)
        goto done;

    /* W: [first [w w ...] first [w ...] ...] for runs of used CIDs. */
    HPDF_Array w = HPDF_Array_New(mm);
    if (!w || (st = hp(pdf, HPDF_Dict_Add(f->cidfont, "W", w))) != RA_OK) {
        st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        goto done;
    }
    HPDF_Array run = NULL;
    HPDF_STATUS s = HPDF_OK;
    for (size_t i = 0; i < n && s == HPDF_OK; i++) {
        uint32_t code = codes[i];
        if (i > 0 && code != codes[i - 1] + 1)
            run = NULL;
        if (!run) {
            run = HPDF_Array_New(mm);
            if (!run) {
                s = HPDF_FAILD_TO_ALLOC_MEM;
                break;
            }
            s |= HPDF_Array_AddNumber(w, (HPDF_INT32)code);
            s |= HPDF_Array_Add(w, run);
        }
        s |= HPDF_Array_AddNumber(run, ft->width[ft->gid[cp_of(code)]]);
    }
    if ((st = hp(pdf, s)) != RA_OK)
        goto done;

    /* ToUnicode. */
    ra_buf_clear(&b);
    if ((st = keep(pdf, build_tounicode(codes, n, &b))) != RA_OK)
        goto done;
    st = stream_set(pdf, f->tounicode, NULL, b.data, b.len, NULL);
done:
    free(codes);
    free(newid);
    ra_buf_free(&b);
    return st;
}

/* --- Attachments --- */

/* Returns 1 when mime is a plausible MIME type: printable ASCII with one
 * '/', no spaces, short enough for a PDF name. */
static int plain_mime(const char *mime)
{
    size_t n = 0, slashes = 0;
    for (; mime && mime[n]; n++) {
        unsigned char c = (unsigned char)mime[n];
        if (c <= 0x20 || c >= 0x7F || n >= 100)
            return 0;
        slashes += c == '/';
    }
    return n > 0 && slashes == 1;
}

ra_status_t ra_pdf_attach(ra_pdf_t *pdf, const char *name, const char *mime, const char *desc,
                          const void *data, size_t len)
{
    HPDF_MMgr mm;
    ra_buf_t clean = RA_BUF_INIT, ascii = RA_BUF_INIT;
    ra_status_t st;
    if (pdf->err)
        return RA_ERR_PDF;
    mm = pdf->doc->mmgr;
    if (pdf->conformance == RA_PDF_PDFA_1B)
        return fail_msg(pdf, "PDF/A-1 forbids embedded files");
    if (!plain_mime(mime))
        return fail_msg(pdf, "attachment MIME type is not type/subtype");
    if (len > 0x7FFFFFFF)
        return fail_msg(pdf, "attachment larger than 2 GiB");
    const char *base = name ? strrchr(name, '/') : NULL;
    base = base ? base + 1 : name ? name : "";
    if (!*base)
        return fail_msg(pdf, "attachment without a file name");
    if ((st = keep(pdf, clean_text(base, &clean))) != RA_OK)
        goto done;
    /* /F for old readers: the name in ASCII; /UF: in full. */
    for (const char *c = ra_buf_str(&clean); *c && st == RA_OK; c++)
        st = ra_buf_putc(&ascii, (*c > 0x20 && *c < 0x7F && *c != '\\') ? *c : '_');
    /* The name tree's key: the UTF-16BE text string of /UF. */
    ra_buf_t key = RA_BUF_INIT;
    if (st == RA_OK)
        st = utf16_text(ra_buf_str(&clean), &key);
    if ((st = keep(pdf, st)) != RA_OK)
        goto done;
    for (size_t i = 0; i < pdf->natt; i++)
        if (pdf->att[i].key_bytes.len == key.len &&
            memcmp(pdf->att[i].key_bytes.data, key.data, key.len) == 0) {
            ra_buf_free(&key);
            st = fail_msg(pdf, "two attachments with the same name");
            goto done;
        }
    if (pdf->natt == pdf->cap_att) {
        size_t cap = pdf->cap_att ? pdf->cap_att * 2 : 4;
        attach_t *a = realloc(pdf->att, cap * sizeof *a);
        if (!a) {
            ra_buf_free(&key);
            st = keep(pdf, RA_ERR_NOMEM);
            goto done;
        }
        pdf->att = a;
        pdf->cap_att = cap;
    }
    attach_t *a = &pdf->att[pdf->natt++];
    memset(a, 0, sizeof *a);
    a->key_bytes = key; /* owned by the attachment from here */
    ra_sha256(data, len, a->sha256);

    /* The embedded file stream: type, size and MD5 checksum, no dates. */
    unsigned char md5[16];
    ra_md5(data, len, md5);
    HPDF_Dict file = HPDF_DictStream_New(mm, pdf->doc->xref);
    HPDF_Dict params = HPDF_Dict_New(mm);
    HPDF_Dict ef = HPDF_Dict_New(mm);
    HPDF_Binary sum = HPDF_Binary_New(mm, md5, sizeof md5);
    HPDF_String f = HPDF_String_New(mm, ra_buf_str(&ascii), NULL);
    HPDF_Binary uf = HPDF_Binary_New(mm, (HPDF_BYTE *)key.data, (HPDF_UINT)key.len);
    a->spec = new_indirect(pdf);
    HPDF_Binary d = desc ? text_string(pdf, desc) : NULL;
    if (!file || !params || !ef || !sum || !f || !uf || !a->spec || (desc && !d) || pdf->err)
        goto fail;
    HPDF_STATUS s = HPDF_Dict_AddName(file, "Type", "EmbeddedFile");
    s |= HPDF_Dict_AddName(file, "Subtype", mime);
    s |= HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)len);
    s |= HPDF_Dict_Add(params, "CheckSum", sum);
    s |= HPDF_Dict_Add(file, "Params", params);
    s |= HPDF_Dict_Add(ef, "F", file);
    s |= HPDF_Dict_AddName(a->spec, "Type", "Filespec");
    s |= HPDF_Dict_Add(a->spec, "F", f);
    s |= HPDF_Dict_Add(a->spec, "UF", uf);
    s |= HPDF_Dict_Add(a->spec, "EF", ef);
    if (d)
        s |= HPDF_Dict_Add(a->spec, "Desc", d);
    if ((st = hp(pdf, s)) == RA_OK)
        st = stream_set(pdf, file, NULL, data, len, NULL);
    goto done;
fail:
    st = hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
done:
    ra_buf_free(&clean);
    ra_buf_free(&ascii);
    return st;
}

/* Orders attachments by name-tree key (byte order, as name trees are). */
static int attach_cmp(const void *a, const void *b)
{
    const ra_buf_t *x = &((const attach_t *)a)->key_bytes;
    const ra_buf_t *y = &((const attach_t *)b)->key_bytes;
    int c = memcmp(x->data, y->data, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Lists the attachments in the catalog's EmbeddedFiles name tree (one
 * leaf, keys sorted), rebuilt on every save. */
static ra_status_t finish_attachments(ra_pdf_t *pdf)
{
    HPDF_MMgr mm = pdf->doc->mmgr;
    HPDF_STATUS s = HPDF_OK;
    if (pdf->natt == 0)
        return RA_OK;
    if (!pdf->att_names) {
        HPDF_Dict names = HPDF_Dict_New(mm), tree = HPDF_Dict_New(mm);
        pdf->att_names = HPDF_Array_New(mm);
        if (!names || !tree || !pdf->att_names || pdf->err)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        s |= HPDF_Dict_Add(pdf->doc->catalog, "Names", names);
        s |= HPDF_Dict_Add(names, "EmbeddedFiles", tree);
        s |= HPDF_Dict_Add(tree, "Names", pdf->att_names);
        if (hp(pdf, s) != RA_OK)
            return RA_ERR_PDF;
    }
    qsort(pdf->att, pdf->natt, sizeof *pdf->att, attach_cmp);
    HPDF_Array_Clear(pdf->att_names);
    for (size_t i = 0; i < pdf->natt && s == HPDF_OK; i++) {
        attach_t *a = &pdf->att[i];
        HPDF_Binary key =
            HPDF_Binary_New(mm, (HPDF_BYTE *)a->key_bytes.data, (HPDF_UINT)a->key_bytes.len);
        if (!key)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        s |= HPDF_Array_Add(pdf->att_names, key);
        s |= HPDF_Array_Add(pdf->att_names, a->spec);
    }
    return hp(pdf, s);
}

/* --- Archival metadata: XMP, output intent, /ID --- */

/* Appends the XMP packet: the info dictionary's values (dc:title,
 * dc:creator, dc:description, xmp:CreatorTool and dates, pdf:Keywords and
 * pdf:Producer), the PDF/A identification and the caller's properties. */
static ra_status_t build_xmp(const ra_pdf_t *pdf, ra_buf_t *x)
{
    static const struct {
        int field;
        const char *open, *close;
    } dc[] = {
        {INFO_TITLE, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">",
         "</rdf:li></rdf:Alt></dc:title>\n"},
        {INFO_AUTHOR, "<dc:creator><rdf:Seq><rdf:li>", "</rdf:li></rdf:Seq></dc:creator>\n"},
        {INFO_SUBJECT, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">",
         "</rdf:li></rdf:Alt></dc:description>\n"},
        {INFO_CREATOR, "<xmp:CreatorTool>", "</xmp:CreatorTool>\n"},
        {INFO_KEYWORDS, "<pdf:Keywords>", "</pdf:Keywords>\n"},
        {INFO_PRODUCER, "<pdf:Producer>", "</pdf:Producer>\n"},
    };
    ra_status_t st = ra_buf_puts(x, "<?xpacket begin=\"\xEF\xBB\xBF\""
                                    " id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                                    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                                    "<rdf:RDF\n"
                                    " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                                    "<rdf:Description rdf:about=\"\"\n"
                                    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                                    " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                                    " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                                    "<dc:format>application/pdf</dc:format>\n");
    for (size_t i = 0; i < sizeof dc / sizeof dc[0] && st == RA_OK; i++) {
        if (!pdf->has_info[dc[i].field])
            continue;
        st = ra_buf_puts(x, dc[i].open);
        if (st == RA_OK)
            st = xml_escape(x, ra_buf_str(&pdf->info[dc[i].field]));
        if (st == RA_OK)
            st = ra_buf_puts(x, dc[i].close);
    }
    if (st == RA_OK && pdf->xmp_date[0])
        st = ra_buf_printf(x,
                           "<xmp:CreateDate>%s</xmp:CreateDate>\n"
                           "<xmp:ModifyDate>%s</xmp:ModifyDate>\n",
                           pdf->xmp_date, pdf->xmp_date);
    if (st == RA_OK)
        st = ra_buf_puts(x, "</rdf:Description>\n");
    if (st == RA_OK && pdf->conformance == RA_PDF_PDFA_1B)
        st = ra_buf_puts(x, "<rdf:Description rdf:about=\"\"\n"
                            " xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/"
                            "id/\">\n"
                            "<pdfaid:part>1</pdfaid:part>\n"
                            "<pdfaid:conformance>B</pdfaid:conformance>\n"
                            "</rdf:Description>\n");
    if (st == RA_OK)
        st = ra_buf_append(x, pdf->xmp_schema.data, pdf->xmp_schema.len);
    if (st == RA_OK)
        st = ra_buf_append(x, pdf->xmp_props.data, pdf->xmp_props.len);
    if (st == RA_OK)
        st = ra_buf_puts(x, "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
    return st;
}

/* Number of points of the ICC profile's tone curves: enough for sRGB to
 * within 1e-4 with linear interpolation, and few, because a reader that
 * colour-manages inverts the curves per page at a cost proportional to
 * their length (poppler with lcms2 spent 50 ms a page on the 1024-point
 * curves of Debian's sRGB.icc). */
#define ICC_TRC_POINTS 64

/* Appends an ICC tag header: type signature and four reserved bytes. */
static ra_status_t icc_type(ra_buf_t *b, const char *sig)
{
    ra_status_t st = ra_buf_append(b, sig, 4);
    return st == RA_OK ? ra_buf_append(b, "\0\0\0\0", 4) : st;
}

/* Appends a big-endian 32-bit word. */
static ra_status_t icc_u32(ra_buf_t *b, uint32_t v)
{
    unsigned char w[4];
    put32(w, v);
    return ra_buf_append(b, (char *)w, 4);
}

/* Appends an XYZType of the given tristimulus values (s15Fixed16). */
static ra_status_t icc_xyz(ra_buf_t *b, double x, double y, double z)
{
    ra_status_t st = icc_type(b, "XYZ ");
    double v[3] = {x, y, z};
    for (int i = 0; i < 3 && st == RA_OK; i++)
        st = icc_u32(b, (uint32_t)(int32_t)lround(v[i] * 65536.0));
    return st;
}

/* Builds the output intent's profile: sRGB (IEC 61966-2.1) as an ICC
 * version 2.1 RGB display profile, the primaries adapted to D50 (Bradford)
 * as the PCS requires, the tone curve sampled at ICC_TRC_POINTS points and
 * shared by the three channels. Our own, so no profile file is needed. */
static ra_status_t build_srgb_icc(ra_buf_t *b)
{
    static const char desc[] = "sRGB IEC61966-2.1";
    static const char cprt[] = "No copyright, use freely";
    enum { NTAGS = 9, HDR = 128 + 4 + 12 * NTAGS };
    /* Tag data, in order: desc, cprt, wtpt, rXYZ, gXYZ, bXYZ, TRC. */
    ra_buf_t d = RA_BUF_INIT;
    uint32_t off[7], len[7];
    ra_status_t st = RA_OK;
    for (int t = 0; t < 7 && st == RA_OK; t++) {
        off[t] = HDR + (uint32_t)d.len;
        switch (t) {
        case 0: /* textDescriptionType: ASCII, empty Unicode and Script */
            st = icc_type(&d, "desc");
            if (st == RA_OK)
                st = icc_u32(&d, sizeof desc);
            if (st == RA_OK)
                st = ra_buf_append(&d, desc, sizeof desc);
            for (int k = 0; k < 4 + 4 + 2 + 1 + 67 && st == RA_OK; k++)
                st = ra_buf_putc(&d, 0);
            break;
        case 1:
            st = icc_type(&d, "text");
            if (st == RA_OK)
                st = ra_buf_append(&d, cprt, sizeof cprt);
            break;
        case 2: /* media white point: D50, as the colorants are adapted */
            st = icc_xyz(&d, 0.9642, 1.0, 0.8249);
            break;
        case 3:
            st = icc_xyz(&d, 0.4360747, 0.2225045, 0.0139322);
            break;
        case 4:
            st = icc_xyz(&d, 0.3850649, 0.7168786, 0.0971045);
            break;
        case 5:
            st = icc_xyz(&d, 0.1430804, 0.0606169, 0.7141733);
            break;
        case 6: /* the sRGB transfer function, encoded value -> linear */
            st = icc_type(&d, "curv");
            if (st == RA_OK)
                st = icc_u32(&d, ICC_TRC_POINTS);
            for (int i = 0; i < ICC_TRC_POINTS && st == RA_OK; i++) {
                double v = (double)i / (ICC_TRC_POINTS - 1);
                double lin = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
                unsigned char e[2];
                put16(e, (uint32_t)lround(lin * 65535.0));
                st = ra_buf_append(&d, (char *)e, 2);
            }
            break;
        }
        len[t] = HDR + (uint32_t)d.len - off[t];
        while (st == RA_OK && d.len % 4)
            st = ra_buf_putc(&d, 0);
    }
    /* Header: size, version 2.1, display class, RGB data, XYZ PCS, a fixed
     * date, 'acsp', perceptual intent, the D50 illuminant. */
    unsigned char h[128];
    memset(h, 0, sizeof h);
    put32(h, (uint32_t)(HDR + d.len));
    put32(h + 8, 0x02100000);
    memcpy(h + 12, "mntrRGB XYZ ", 12);
    put16(h + 24, 2026);
    put16(h + 26, 1);
    put16(h + 28, 1);
    memcpy(h + 36, "acsp", 4);
    put32(h + 68, 0x0000F6D6);
    put32(h + 72, 0x00010000);
    put32(h + 76, 0x0000D32D);
    static const struct {
        char sig[5];
        int data;
    } tags[NTAGS] = {{"desc", 0}, {"cprt", 1}, {"wtpt", 2}, {"rXYZ", 3}, {"gXYZ", 4},
                     {"bXYZ", 5}, {"rTRC", 6}, {"gTRC", 6}, {"bTRC", 6}};
    if (st == RA_OK)
        st = ra_buf_append(b, (char *)h, sizeof h);
    if (st == RA_OK)
        st = icc_u32(b, NTAGS);
    for (int i = 0; i < NTAGS && st == RA_OK; i++) {
        st = ra_buf_append(b, tags[i].sig, 4);
        if (st == RA_OK)
            st = icc_u32(b, off[tags[i].data]);
        if (st == RA_OK)
            st = icc_u32(b, len[tags[i].data]);
    }
    if (st == RA_OK)
        st = ra_buf_append(b, d.data, d.len);
    ra_buf_free(&d);
    return st;
}

/* Adds the sRGB output intent (the colours the pages use are DeviceRGB,
 * which PDF/A accepts only with an RGB output intent). */
static ra_status_t add_output_intent(ra_pdf_t *pdf)
{
    HPDF_MMgr mm = pdf->doc->mmgr;
    HPDF_Dict icc = HPDF_DictStream_New(mm, pdf->doc->xref);
    HPDF_Dict intent = HPDF_Dict_New(mm);
    HPDF_Array intents = HPDF_Array_New(mm);
    if (!icc || !intent || !intents || pdf->err)
        return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
    const char *id = "sRGB IEC61966-2.1";
    HPDF_STATUS s = HPDF_Dict_AddNumber(icc, "N", 3);
    s |= HPDF_Dict_AddName(intent, "Type", "OutputIntent");
    s |= HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
    s |= HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(mm, id, NULL));
    s |= HPDF_Dict_Add(intent, "RegistryName", HPDF_String_New(mm, "http://www.color.org", NULL));
    s |= HPDF_Dict_Add(intent, "Info", HPDF_String_New(mm, id, NULL));
    s |= HPDF_Dict_Add(intent, "DestOutputProfile", icc);
    s |= HPDF_Array_Add(intents, intent);
    s |= HPDF_Dict_Add(pdf->doc->catalog, "OutputIntents", intents);
    if (hp(pdf, s) != RA_OK)
        return RA_ERR_PDF;
    ra_buf_t prof = RA_BUF_INIT;
    ra_status_t st = keep(pdf, build_srgb_icc(&prof));
    if (st == RA_OK)
        st = stream_set(pdf, icc, NULL, prof.data, prof.len, NULL);
    ra_buf_free(&prof);
    return st;
}

/* Writes the XMP metadata stream (uncompressed, as PDF/A requires), the
 * output intent (once) and the /ID: twice the first 16 bytes of SHA-256
 * over the XMP packet, the digest of the compressed page content and the
 * attachments' and images' digests, so
 * that the same document gets the same ID and a different one another. */
static ra_status_t finish_archival(ra_pdf_t *pdf, const unsigned char content_digest[32])
{
    HPDF_MMgr mm = pdf->doc->mmgr;
    ra_buf_t x = RA_BUF_INIT;
    ra_status_t st;
    if (!pdf->metadata) {
        pdf->metadata = HPDF_DictStream_New(mm, pdf->doc->xref);
        pdf->id = HPDF_Array_New(mm);
        if (!pdf->metadata || !pdf->id || pdf->err)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        HPDF_STATUS s = HPDF_Dict_AddName(pdf->metadata, "Type", "Metadata");
        s |= HPDF_Dict_AddName(pdf->metadata, "Subtype", "XML");
        s |= HPDF_Dict_Add(pdf->doc->catalog, "Metadata", pdf->metadata);
        s |= HPDF_Dict_Add(pdf->doc->trailer, "ID", pdf->id);
        if (hp(pdf, s) != RA_OK || add_output_intent(pdf) != RA_OK)
            return RA_ERR_PDF;
    }
    if ((st = keep(pdf, build_xmp(pdf, &x))) != RA_OK)
        goto done;
    if ((st = stream_put(pdf, pdf->metadata, NULL, x.data, x.len)) != RA_OK)
        goto done;

    unsigned char digest[32];
    ra_sha256_ctx_t ctx;
    ra_sha256_init(&ctx);
    ra_sha256_update(&ctx, x.data, x.len);
    ra_sha256_update(&ctx, content_digest, 32);
    for (size_t i = 0; i < pdf->natt; i++)
        ra_sha256_update(&ctx, pdf->att[i].sha256, 32);
    ra_sha256_update(&ctx, pdf->xobject_digests.data, pdf->xobject_digests.len);
    ra_sha256_final(&ctx, digest);
    HPDF_Array_Clear(pdf->id);
    st = hp(pdf, HPDF_Array_Add(pdf->id, HPDF_Binary_New(mm, digest, 16)) |
                     HPDF_Array_Add(pdf->id, HPDF_Binary_New(mm, digest, 16)));
done:
    ra_buf_free(&x);
    return st;
}

/* libharu's output: appends to the ra_buf_t in the stream's attr. */
static HPDF_STATUS out_write(HPDF_Stream s, const HPDF_BYTE *ptr, HPDF_UINT siz)
{
    ra_buf_t *b = s->attr;
    if (b->cap - b->len <= siz && ra_buf_reserve(b, siz) != RA_OK)
        return HPDF_SetError(s->error, HPDF_FAILD_TO_ALLOC_MEM, 0);
    memcpy(b->data + b->len, ptr, siz);
    b->len += siz;
    b->data[b->len] = '\0';
    return HPDF_OK;
}

ra_status_t ra_pdf_save(ra_pdf_t *pdf, ra_buf_t *out)
{
    ra_status_t st;
    if (pdf->err)
        return RA_ERR_PDF;
    if (pdf->npages == 0 && (st = ra_pdf_add_page(pdf, RA_PAGE_A4_W, RA_PAGE_A4_H)) != RA_OK)
        return st;
    for (int i = 0; i < RA_FACE_COUNT; i++) {
        face_t *f = &pdf->face[i];
        if (f->type0 && (st = finish_face(pdf, f)) != RA_OK)
            return st;
    }
    /* Page content: close an open text object, then hand libharu the bytes
     * (replacing what an earlier save wrote); the compressed bytes go into
     * the /ID. */
    unsigned char content_digest[32];
    ra_sha256_ctx_t ctx;
    ra_sha256_init(&ctx);
    for (size_t i = 0; i < pdf->npages; i++) {
        page_t *pg = &pdf->pages[i];
        HPDF_PageAttr pa = pg->page->attr;
        if ((st = keep(pdf, end_text(pg))) != RA_OK ||
            (st = stream_set(pdf, pa->contents, pa, pg->content.data, pg->content.len, &ctx)) !=
                RA_OK)
            return st;
    }
    ra_sha256_final(&ctx, content_digest);
    if ((st = finish_attachments(pdf)) != RA_OK ||
        (st = finish_archival(pdf, content_digest)) != RA_OK)
        return st;
    /* libharu writes the file straight into out through a callback
     * writer in place of its memory stream; the offsets in the xref are
     * counted from the stream's size, so it starts from 0. */
    HPDF_Doc doc = pdf->doc;
    if (!doc->stream || doc->stream->write_fn != out_write) {
        HPDF_Stream w = HPDF_CallbackWriter_New(doc->mmgr, out_write, NULL);
        if (!w)
            return hp(pdf, HPDF_FAILD_TO_ALLOC_MEM);
        HPDF_Stream_Free(doc->stream);
        doc->stream = w;
    }
    size_t start = out->len, bytes = 0;
    for (size_t i = 0; i < pdf->nblobs; i++)
        bytes += pdf->blobs[i]->len;
    if ((st = keep(pdf, ra_buf_reserve(out, bytes + 65536))) != RA_OK)
        return st;
    doc->stream->attr = out;
    doc->stream->size = 0;
    if (hp(pdf, HPDF_SaveToStream(doc)) != RA_OK) {
        out->len = start;
        out->data[start] = '\0';
        return RA_ERR_PDF;
    }
    return RA_OK;
}
