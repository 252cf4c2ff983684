/* pdf_int.h - private to the PDF backend: its structs, shared helpers, internal calls. */
#ifndef RA_PDF_INT_H
#define RA_PDF_INT_H

#include <errno.h>
#include <hb.h>
#include <hpdf.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#ifdef RA_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#include "base/hash.h"
#include "base/text.h"
#include "base/usercache.h"
#include "base/vec.h"
#include "pdf/pdf.h"

#define FACE_FILE_MAX (64u << 20)  /* refuse font files above 64 MiB */
#define CHAIN_FILE_MAX (64u << 10) /* refuse a font chain file above 64 KiB */
#define CHAIN_FONTS_MAX 24         /* font files in a chain (a bit each per page) */
#define CHAIN_LEN_MAX 12           /* faces one style tries */
#define TOUNICODE_CPS_MAX 16       /* characters a glyph maps to in ToUnicode */
#define PAGE_CONTENT_INIT 8192     /* bytes first reserved for a page */
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

/* What fstat said of a font file when it was opened (fontcache.c). */
typedef struct {
    uint64_t dev, ino;
    int64_t size, mtime_ns, ctime_ns;
    int local; /* on a file system whose times only its kernel sets */
} font_stat_t;

/* A font file an earlier run read whole, and the SHA-256 it had. */
typedef struct {
    font_stat_t st;
    unsigned char sha256[32];
} fontcache_entry_t;

#define FONTCACHE_ENTRIES_MAX 64 /* entries kept, most recent first */

/* One font file of the chain (a face of a collection), opened once and
 * read through HarfBuzz: read-only once loaded, so that documents, and
 * processes forked after it was loaded, share it. The first face of each
 * style is loaded with the chain; the others (scripts and symbols most
 * reports never draw) when text first needs them (ra_pdf__font_ready). */
typedef struct {
    char *path;          /* owned */
    const char *name;    /* file name part of path */
    unsigned index;      /* face in a collection (.ttc), 0 otherwise */
    unsigned char *data; /* whole font file, mapped read-only; owned */
    size_t size;
    unsigned char sha256[32]; /* what the chain says the file's digest is */
    int verified;             /* the file's bytes were checked against sha256 */
    font_stat_t st;           /* the file as it was opened to be read */
    int loaded;               /* 1 loaded, -1 could not be (why says why), 0 not yet */
    int hb_damaged; /* an hb-subset plan failed for want of memory: its face is left alone */
    ra_buf_t why;   /* why it could not be loaded */
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;        /* scale = upem: positions in font units */
    hb_face_t *subset_face; /* face with hb-subset's accelerator (ra_pdf_fonts_prepare), or NULL */
    int cff;                /* CFF outlines: embedded as CIDFontType0C */
    unsigned upem, num_glyphs;
    int fixed_pitch, weight;
    double ascent, descent, cap_height, italic_angle; /* per 1 pt */
    int bbox[4];                                      /* head.xMin.. in 1/1000 em */
    ra_buf_t psname;                                  /* PostScript name */
} font_t;

/* A shaped glyph, in visual order. Units are the font's (upem per em). */
typedef struct {
    uint16_t gid;       /* below the face's glyph count, at most 65535 (font_load) */
    uint8_t font;       /* index into the chain's fonts (CHAIN_FONTS_MAX) */
    uint8_t first : 1;  /* the first glyph of its cluster */
    uint8_t single : 1; /* its cluster is this one glyph */
    int32_t ax, dx, dy; /* advance, offsets */
    uint32_t c0, c1;    /* its cluster: characters [c0, c1) of the cleaned text */
} glyph_t;
/* 24 bytes: every word remembered keeps its glyphs, and every glyph drawn
 * is copied from them. */
_Static_assert(sizeof(glyph_t) == 24, "a glyph in 24 bytes");
_Static_assert(CHAIN_FONTS_MAX <= 256, "a font index in a byte");

/* A substitution made while cleaning text: code point in, why. */
typedef struct {
    uint32_t cp;
    const char *why;
} subst_t;

/* A remembered width: most words a document measures, it measures again. */
#define WIDTH_CACHE_SIZE 4096 /* entries, a power of two */
#define WIDTH_CACHE_TEXT 30   /* longest text remembered, bytes */
typedef struct {
    double width; /* per point of size */
    uint32_t hash;
    uint8_t face, len; /* len 0: empty slot */
    char text[WIDTH_CACHE_TEXT];
} width_entry_t;

/* Remembered shaping: reports repeat their words (shaped one by one in
 * left-to-right ASCII text) and their running headers and footers, and
 * shaping is most of the cost of text. An entry is what shaping its text
 * gave, so a text comes out the same whether it was remembered or not. */
#define SHAPE_CACHE_FIRST 1024       /* slots of a new table, a power of two */
#define SHAPE_CACHE_MAX (1 << 14)    /* most slots; a full table starts again */
#define SHAPE_CACHE_GLYPHS (1 << 16) /* most glyphs kept (1.5 MiB), then it starts again */
#define SHAPE_CACHE_WORD 255         /* longest word remembered, bytes */
#define SHAPE_CACHE_TEXT 1024        /* longest other text remembered, bytes */
typedef struct {
    uint32_t hash;
    uint32_t len;           /* bytes of its text; 0: empty slot */
    uint8_t kind, face;     /* SHAPED_WORD or SHAPED_TEXT (and its direction) */
    uint32_t text;          /* its bytes: offset in the cache's text pool */
    uint32_t g, ng;         /* its glyphs (c0, c1 from its first character) */
    uint32_t cp, ncp;       /* texts: cleaned characters and their byte offsets */
    uint32_t subst, nsubst; /* texts: substitutions made */
} shaped_t;
enum { SHAPED_WORD = 1, SHAPED_TEXT = 2 }; /* SHAPED_TEXT + direction */

typedef struct {
    shaped_t *slot; /* [nslots], open addressing */
    size_t nslots, nused;
    ra_buf_t text; /* the entries' bytes */
    glyph_t *g;    /* the entries' glyphs */
    size_t ng, capg;
    uint32_t *cp; /* texts' characters, then their byte offsets (ncp + 1) */
    size_t ncp, capcp;
    subst_t *subst; /* texts' substitutions */
    size_t nsubst, capsubst;
    /* Mapped: the file the pools are inside (what earlier runs shaped, in
     * the user's cache: shapestore.c), read-only; the cache unmaps it and
     * never grows its pools. */
    ra_usercache_map_t owned;
} shape_cache_t;

/* The chain: every font file, and per style the faces it tries in order. */
struct ra_pdf_fonts {
    font_t font[CHAIN_FONTS_MAX];
    size_t nfonts;
    int chain[RA_FACE_COUNT][CHAIN_LEN_MAX]; /* indices into font[] */
    size_t nchain[RA_FACE_COUNT];
    unsigned char sha256[32]; /* chain file and fonts (ra_pdf_fonts_sha256) */
    /* The files earlier runs checked (fontcache.c): the cache file, or NULL
     * for none; its entries; whether one was added since it was read. */
    char *cache_path;
    fontcache_entry_t seen[FONTCACHE_ENTRIES_MAX];
    size_t nseen;
    int cache_dirty;
    /* What documents shaped and measured, kept for the documents after
     * them (ra_pdf_fonts_keep_shaping): read-only but while it is kept, so
     * that processes forked afterwards share its pages. A document looks
     * here after stored (below), then in its own caches. */
    shape_cache_t kept;
    width_entry_t *kept_widths; /* [WIDTH_CACHE_SIZE], or NULL */
    /* What earlier runs shaped (shapestore.c), read-only: documents look
     * here first; and the cache file, or NULL. */
    shape_cache_t stored;
    char *store_path;
    /* A bit per slot of stored: the entries kept documents used
     * (ra_pdf_fonts_keep_shaped), written first; or NULL. */
    uint8_t *stored_used;
    /* The font programs earlier runs embedded (subsetstore.c), read-only:
     * the file's data, mapped, or NULL; the file, or NULL; and the entries
     * documents cut since, in the file's layout, for ra_pdf_fonts_save_subsets. */
    const char *subsets;
    size_t subsets_len;
    ra_usercache_map_t subsets_map;
    char *subsets_path;
    ra_buf_t kept_subsets;
};

/* One font file in a document: the glyphs drawn with it, what each maps
 * to in ToUnicode, its PDF objects. */
typedef struct {
    const font_t *ft;
    uint32_t *map; /* [num_glyphs] 0: not drawn; else 1 + offset in pool; owned */
    ra_buf_t pool; /* per drawn glyph: count, width (ra_pdf__glyph_use), then that many code
                      points (uint32) */
    /* PDF objects, created on first use and completed by ra_pdf_save. */
    HPDF_Dict type0, cidfont, desc, file, map_stream, tounicode, cidset;
} face_t;

/* Shaping scratch and result, reused by every call of one document. */
typedef struct {
    uint32_t *cp;    /* cleaned code points, logical order */
    size_t *byte;    /* [ncp + 1] byte offset of each in the input */
    int *font;       /* face per character */
    int *script;     /* hb_script_t per character */
    uint8_t *level;  /* bidi embedding level per character */
    size_t ncp, cap; /* characters and capacity of the arrays above */
    glyph_t *g;
    size_t ng, capg;
    subst_t *subst;
    size_t nsubst, capsubst;
    hb_buffer_t *buf;
    void *fribidi; /* scratch for FriBidi's arrays */
    size_t fribidi_cap;
    width_entry_t *widths; /* [WIDTH_CACHE_SIZE], made on first use */
    shape_cache_t cache;   /* shaped words and texts */
    /* A bit per slot of the fonts' stored shaping (shapestore.c): the
     * entries this document used, made on first use. */
    uint8_t *stored_used;
    int nomem; /* memory ran out while shaping: the document is out of memory (see hb_watch) */
    int font_failed; /* 1 + the font file text needed that could not be loaded; 0: none */
} shaper_t;

/* HarfBuzz has no allocation hooks, and where an allocation fails inside
 * it (a table loaded on first use, a shape plan) it mostly carries on with
 * empty data: text without kerning, or without glyphs, and no error. But
 * malloc sets errno to ENOMEM when it fails, and HarfBuzz makes no other
 * call that sets errno: a run of HarfBuzz calls begun with errno cleared
 * ran out of memory exactly when errno is ENOMEM after it. */
static inline void hb_watch_begin(void)
{
    errno = 0;
}

static inline ra_status_t hb_watch_end(ra_status_t st)
{
    return st == RA_OK && errno == ENOMEM ? RA_ERR_NOMEM : st;
}

/* A page: size (to flip y), our content stream, and the graphics state
 * last set in it so that unchanged fonts and colours are not repeated. */
typedef struct {
    HPDF_Page page;
    double w, h;
    ra_buf_t content;
    uint32_t fonts; /* bit per font file present in the page's resources */
    int in_text;    /* inside BT ... ET */
    int plain;      /* text line matrix is a translation to (tx, ty) */
    double tx, ty;
    int font; /* font file last set with Tf, -1: none */
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
    HPDF_Dict acroform;       /* the catalog's /AcroForm, with the first field */
    HPDF_Array fields;        /* its /Fields */
    ra_buf_t field_names;     /* "\n" + each field's name + "\n" */
    shape_t *shapes;
    size_t nshapes, cap_shapes;
    blob_t **blobs; /* every stream's data */
    size_t nblobs, cap_blobs;
    ra_pdf_fonts_t *own_fonts;    /* when the options gave none */
    const ra_pdf_fonts_t *fonts;  /* the chain: own_fonts or the caller's */
    face_t face[CHAIN_FONTS_MAX]; /* per font file of the chain */
    shaper_t *shaper;             /* scratch of the text functions; owned */
    page_t *pages;
    size_t npages, cap_pages, cur;
    HPDF_Outline *outlines;
    size_t noutlines, cap_outlines;
    ra_pdf_glyph_fn on_glyph;
    void *glyph_ctx;
    uint8_t *reported; /* [0x110000/8] code points reported, lazily */
    size_t nmissing;   /* characters drawn as U+FFFD, in all */
    int reported_invalid;
    HPDF_STATUS err, err_detail; /* first error */
    char errmsg[192];
#ifdef RA_HAVE_LIBDEFLATE
    struct libdeflate_compressor *z; /* reused for every stream */
#else
    z_stream z; /* reused for every stream (deflateReset) */
    int z_ready;
#endif
    ra_buf_t zout; /* compressed output, reused: the last stream's */
    /* The font programs this document cut that subsetstore.c did not hold,
     * in its file's layout (ra_pdf__subset_note). */
    ra_buf_t new_subsets;
};

/* --- Errors --- */

/* libharu error handler: records the first error; never jumps. */
static inline void on_hpdf_error(HPDF_STATUS err, HPDF_STATUS detail, void *ud)
{
    ra_pdf_t *pdf = ud;
    if (pdf->err)
        return;
    pdf->err = err;
    pdf->err_detail = detail;
    snprintf(pdf->errmsg, sizeof pdf->errmsg, "libharu error 0x%04X (detail %u)", (unsigned)err,
             (unsigned)detail);
    /* Out of memory is said by the status (pdf_err_status), without a code. */
    if (err == HPDF_FAILD_TO_ALLOC_MEM)
        pdf->errmsg[0] = '\0';
}

/* Records a failure of our own (first one wins) and returns RA_ERR_PDF. */
static inline ra_status_t fail_msg(ra_pdf_t *pdf, const char *msg)
{
    if (!pdf->err) {
        pdf->err = 1;
        snprintf(pdf->errmsg, sizeof pdf->errmsg, "%s", msg);
    }
    return RA_ERR_PDF;
}

/* The status of the document's recorded error. */
static inline ra_status_t pdf_err_status(const ra_pdf_t *pdf)
{
    return pdf->err == HPDF_FAILD_TO_ALLOC_MEM ? RA_ERR_NOMEM : RA_ERR_PDF;
}

/* Turns a libharu return code plus the recorded state into a status. */
static inline ra_status_t hp(ra_pdf_t *pdf, HPDF_STATUS st)
{
    if (st != HPDF_OK && !pdf->err)
        on_hpdf_error(st, 0, pdf);
    return pdf->err ? pdf_err_status(pdf) : RA_OK;
}

/* Records st (when not RA_OK) as the document's error and returns it. */
static inline ra_status_t keep(ra_pdf_t *pdf, ra_status_t st)
{
    /* Out of memory stays out of memory for every later call (pdf_err_status). */
    if (st == RA_ERR_NOMEM && !pdf->err) {
        pdf->err = HPDF_FAILD_TO_ALLOC_MEM;
        pdf->errmsg[0] = '\0';
    } else if (st != RA_OK && !pdf->err)
        fail_msg(pdf, ra_strerror(st));
    return st;
}

/* --- Big-endian reads and writes (font data, ICC, UTF-16) --- */

static inline uint16_t be16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static inline void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}
/* --- Fonts --- */

/* Returns the style's face (out-of-range faces are regular). */
static inline ra_face_t face_ok(ra_face_t face)
{
    return (unsigned)face >= RA_FACE_COUNT ? RA_FACE_REGULAR : face;
}

/* Returns the first font file of face's chain (its metrics are the face's). */
static inline const font_t *face_of(const ra_pdf_t *pdf, ra_face_t face)
{
    return &pdf->fonts->font[pdf->fonts->chain[face_ok(face)][0]];
}

/* --- Colours --- */

/* Returns 1 when colours a and b are the same. */
static inline int same_rgb(ra_rgb_t a, ra_rgb_t b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* Clamps a colour component to 0..1. */
static inline double unit(double v)
{
    return v > 0 ? (v < 1 ? v : 1) : 0;
}

/* Maps glyph-space points to PDF space: scale, rotate, translate. */
typedef struct {
    double a, b, c, d, e, f; /* x' = a x + c y + e, y' = b x + d y + f */
} xform_t;

/* --- font.c: the chain and the document's fonts --- */

/* Checks font file fi's bytes against the chain's digest, once per process;
 * records the error in pdf when they differ. */
ra_status_t ra_pdf__font_verify(ra_pdf_t *pdf, int fi);
/* Reports a substitution once per code point. */
void ra_pdf__report(ra_pdf_t *pdf, ra_face_t face, uint32_t cp, uint32_t drawn, const char *why);
/* --- Files checked before (fontcache.c) --- */

struct stat;
/* Fills out from fstat's sb of the file open at fd. */
void ra_pdf__stat_of(const struct stat *sb, int fd, font_stat_t *out);
/* Reads the cache file at path (NULL: none) into fonts; one that is not
 * the user's alone, or not a cache, is left unread. */
void ra_pdf__cache_read(ra_pdf_fonts_t *fonts, const char *path);
/* Whether an earlier run read f, as it is now, and found the SHA-256 the
 * chain lists for it. */
int ra_pdf__cache_knows(const ra_pdf_fonts_t *fonts, const font_t *f);
/* Notes that f was read whole just now and had the digest the chain lists
 * (when it may be remembered: see fontcache.c). */
void ra_pdf__cache_note(ra_pdf_fonts_t *fonts, const font_t *f);
/* Writes the cache file when an entry was noted since it was read; a
 * failure leaves it as it was, and says nothing. */
void ra_pdf__cache_save(ra_pdf_fonts_t *fonts);

/* Makes font file fi usable on page pg: PDF objects and a /F<n> resource. */
ra_status_t ra_pdf__use_font(ra_pdf_t *pdf, page_t *pg, int fi);
/* Notes in font file fi's glyph g (in its pool, see face_t) what
 * ra_pdf__glyph_use notes on the glyph's first use; for a glyph past the
 * face's count, only gives its width. */
int ra_pdf__glyph_add(ra_pdf_t *pdf, int fi, uint32_t g, const uint32_t *cps, size_t n,
                      double *width);
/* Notes that glyph g of font file fi is drawn for cps[0..n) and sets
 * *width to its advance in whole 1/1000 em (as /W says it); returns 1
 * when its ToUnicode entry says exactly that, 0 when it says something else
 * (the caller then marks the text with /ActualText), -1 out of memory.
 * Inline: every glyph drawn comes here, and most were drawn before. */
static inline int ra_pdf__glyph_use(ra_pdf_t *pdf, int fi, uint32_t g, const uint32_t *cps,
                                    size_t n, double *width)
{
    const face_t *f = &pdf->face[fi];
    if (g >= f->ft->num_glyphs || !f->map[g])
        return ra_pdf__glyph_add(pdf, fi, g, cps, n, width);
    if (n > TOUNICODE_CPS_MAX)
        n = TOUNICODE_CPS_MAX;
    const char *at = f->pool.data + (size_t)(f->map[g] - 1) * 4;
    uint32_t have, one;
    int32_t w;
    memcpy(&have, at, 4); /* count, width, then that many characters */
    memcpy(&w, at + 4, 4);
    *width = w;
    if (have != n)
        return 0;
    if (n == 1) { /* most glyphs: compared without a call */
        memcpy(&one, at + 8, 4);
        return one == cps[0];
    }
    return memcmp(at + 8, cps, n * 4) == 0;
}
/* Completes the objects of every font file drawn with. */
ra_status_t ra_pdf__finish_fonts(ra_pdf_t *pdf);
/* Appends the outline path of glyph g of font fi under m. */
ra_status_t ra_pdf__put_glyph(ra_buf_t *b, const font_t *f, uint32_t g, const xform_t *m);

/* --- shape.c: cleaning, itemisation, bidi, shaping --- */

/* Shapes utf8[0..len) in face with paragraph direction dir into
 * pdf->shaper (glyphs in visual order, substitutions listed). */
ra_status_t ra_pdf__shape(const ra_pdf_t *pdf, ra_face_t face, ra_dir_t dir, const char *utf8,
                          size_t len);
/* Frees the scratch. */
void ra_pdf__shaper_free(shaper_t *sh);
/* Frees what a cache of shaping holds and empties it. */
void ra_pdf__cache_free(shape_cache_t *c);
/* Adds entry e, whose text, glyphs and characters are in c's pools, to
 * c's table (its hash computed here, no substitutions); 0 when the table
 * is full or memory ran out. */
int ra_pdf__cache_index(shape_cache_t *c, shaped_t e);

/* --- shapestore.c: words and texts shaped by earlier runs --- */

/* Keeps in fonts the shaping the user's cache file at path (NULL: none)
 * holds for this run, and remembers path for ra_pdf_fonts_save_shaping. */
void ra_pdf__store_read(ra_pdf_fonts_t *fonts, const char *path);
/* This run's key for the keyed file with header of what is computed from
 * fonts (words shaped, subsets cut): the executable (base/usercache.h),
 * HarfBuzz and the chain's digest; 0 when the executable cannot be told
 * apart. */
int ra_pdf__fonts_key(const ra_pdf_fonts_t *fonts, const char *header, unsigned char key[32]);
/* --- subsetstore.c: font programs embedded by earlier runs --- */

/* Keeps in fonts the subsets the user's cache file at path (NULL: none)
 * holds for this run, and remembers path for ra_pdf_fonts_save_subsets. */
void ra_pdf__subsets_read(ra_pdf_fonts_t *fonts, const char *path);
/* Finds what fonts holds for the subset of font file fi to gids[0..n)
 * (increasing): sets newid[0..n), the compressed program z[0..*zlen) and
 * its length before compression *len1, and returns 1; else 0. */
int ra_pdf__subset_find(const ra_pdf_fonts_t *fonts, int fi, const uint32_t *gids, size_t n,
                        uint16_t *newid, const char **z, size_t *zlen, size_t *len1);
/* Notes in pdf the subset it cut (as ra_pdf__subset_find gives it) when
 * its fonts have a file to write it to. */
void ra_pdf__subset_note(ra_pdf_t *pdf, int fi, const uint32_t *gids, size_t n,
                         const uint16_t *newid, const char *z, size_t zlen, size_t len1);
/* Keeps in fonts the subsets document pdf noted (ra_pdf_fonts_keep_shaped). */
void ra_pdf__subsets_keep(ra_pdf_fonts_t *fonts, const ra_pdf_t *pdf);

/* Loads font file fi of fonts on its first use (the chain is shared, and
 * this is one of the two notes it takes after it was made); RA_OK when it
 * is usable, else its failure, said in its why. */
ra_status_t ra_pdf__font_ready(const ra_pdf_fonts_t *fonts, int fi);
/* When text needed a font file that could not be loaded, records why as
 * the document's error and returns RA_ERR_FONT; else RA_OK. */
ra_status_t ra_pdf__font_failed(ra_pdf_t *pdf);

/* Whether cp goes with the character before it (mark, joiner, format
 * character, variation selector): drawn with its base's face, or hidden. */
int ra_pdf__attaches(uint32_t cp);

/* --- coverage.c: what the chain cannot draw --- */

/* Whether font file fi of fonts has a glyph for cp: the one place the
 * coverage check reads a face. */
int ra_pdf__font_has(const ra_pdf_fonts_t *fonts, int fi, uint32_t cp);

/* --- content.c: content streams --- */

/* Appends n numbers separated by spaces, then a space and op and "\n". */
ra_status_t ra_pdf__put_op(ra_buf_t *b, const double *v, int n, const char *op);
/* Leaves the text object, if any, so that paths may be drawn. */
ra_status_t ra_pdf__end_text(page_t *pg);

/* --- document.c --- */

/* Returns the current page, or NULL (error recorded) when there is none. */
page_t *ra_pdf__cur_page(ra_pdf_t *pdf);
/* Appends s to out as it is written to the document (see document.c). */
ra_status_t ra_pdf__clean_text(const char *s, ra_buf_t *out);
/* Appends UTF-8 s as a PDF text string's bytes: UTF-16BE with a BOM. */
ra_status_t ra_pdf__utf16_text(const char *s, ra_buf_t *b);
/* Creates a PDF text string object for UTF-8 s; NULL on failure. */
HPDF_Binary ra_pdf__text_string(ra_pdf_t *pdf, const char *s);

/* --- archival.c --- */

/* Renders the caller's XMP properties and their extension schema. */
ra_status_t ra_pdf__xmp_custom(ra_pdf_t *pdf, const ra_pdf_info_t *info);
/* Writes the XMP stream, the output intent (once) and the /ID. */
ra_status_t ra_pdf__finish_archival(ra_pdf_t *pdf, const unsigned char content_digest[32]);

/* --- attach.c --- */

/* Lists the attachments in the catalog's EmbeddedFiles name tree. */
ra_status_t ra_pdf__finish_attachments(ra_pdf_t *pdf);

/* --- hpdf_internals.c: the only file that reaches into libharu's structs --- */

/* The document's memory manager, catalog, info and trailer dictionaries. */
HPDF_MMgr ra_pdf__mmgr(const ra_pdf_t *pdf);
HPDF_Dict ra_pdf__catalog(const ra_pdf_t *pdf);
HPDF_Dict ra_pdf__info(const ra_pdf_t *pdf);
HPDF_Dict ra_pdf__trailer(const ra_pdf_t *pdf);
/* Sets the PDF version written to 1.4. */
void ra_pdf__use_pdf14(ra_pdf_t *pdf);
/* Creates a dictionary registered as an indirect object (NULL on error). */
HPDF_Dict ra_pdf__new_indirect(ra_pdf_t *pdf);
/* Creates a stream dictionary in the document (NULL on error). */
HPDF_Dict ra_pdf__new_stream(ra_pdf_t *pdf);
/* Marks dictionary d as an XObject, array a as a destination (what
 * libharu's own checks look for). */
void ra_pdf__mark_xobject(HPDF_Dict d);
void ra_pdf__mark_destination(HPDF_Array a);
/* Declares /Filter /FlateDecode for data we compressed ourselves. */
void ra_pdf__mark_flate(HPDF_Dict d);
/* Declares /Filter /DCTDecode for a JPEG's bytes, embedded as they are. */
void ra_pdf__mark_dct(HPDF_Dict d);
/* Makes data[0..len) (copied) the data of stream dictionary d, as it is. */
ra_status_t ra_pdf__stream_put(ra_pdf_t *pdf, HPDF_Dict d, const void *data, size_t len);
/* Makes z[0..len), compressed as ra_pdf__stream_set compresses, the data
 * of stream dictionary s. */
ra_status_t ra_pdf__stream_set_deflated(ra_pdf_t *pdf, HPDF_Dict s, const void *z, size_t len);
/* Makes data[0..len), compressed here, the data of stream dictionary s;
 * adds the compressed bytes to digest when not NULL. The compressed bytes
 * are left in pdf->zout. */
ra_status_t ra_pdf__stream_set(ra_pdf_t *pdf, HPDF_Dict s, const void *data, size_t len,
                               ra_sha256_ctx_t *digest);
/* Makes data[0..len), compressed, the content stream of page. */
ra_status_t ra_pdf__page_content_set(ra_pdf_t *pdf, HPDF_Page page, const void *data, size_t len,
                                     ra_sha256_ctx_t *digest);
/* Writes the whole file through libharu straight into out. */
ra_status_t ra_pdf__write(ra_pdf_t *pdf, ra_buf_t *out);

#endif
