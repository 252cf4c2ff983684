/* pdf.h - the PDF backend: the only module that calls libharu and HarfBuzz.
 *
 * Coordinates are in points with the origin at the TOP-LEFT corner of the
 * page and y growing downwards (the backend flips them for PDF). Text is
 * positioned by the left end of its baseline. Colours are opaque RGB 0..1.
 *
 * Text is UTF-8, drawn in every script: it is cleaned (tabs become spaces;
 * malformed UTF-8, control characters and non-characters become U+FFFD),
 * split by bidi level (FriBidi; the paragraph direction from the first
 * strong character unless given), script and font, and shaped with
 * HarfBuzz (kerning, ligatures, joining, reordering, marks). Each run takes
 * the first face of its style's font chain (fonts/chain.txt: DejaVu, Noto,
 * Noto CJK, Symbola) that has its characters; a character no face has is
 * drawn as U+FFFD and reported once per code point and document through the
 * glyph callback (ra_pdf_fonts_missing finds such characters beforehand). Measuring shapes the same
 * way, so widths match the page.
 *
 * Each font file drawn with is embedded as a subset made by hb-subset: a
 * Type0 font, Identity-H, whose CIDs are the font's glyph ids, over a
 * CIDFontType2 (TrueType; /CIDToGIDMap to the subset's glyphs) or a
 * CIDFontType0C (CFF), with /W from the font's advances and a ToUnicode map
 * giving every glyph drawn its characters; clusters that do not map one
 * glyph to their characters carry /ActualText, so text extracts intact
 * (pdftotext).
 *
 * Archival: by default the document is PDF/A-1b (ISO 19005-1, level B):
 * PDF 1.4, an XMP metadata stream (uncompressed) that repeats the document
 * information and claims pdfaid part 1 conformance B, an sRGB output intent
 * (an ICC v2 profile built in, 0.6 KB), a /CIDSet per font subset,
 * direct destinations, printable annotations, and a trailer /ID. With
 * RA_PDF_PLAIN the file has all of that except the claim, and may carry
 * embedded files (which PDF/A-1 forbids).
 *
 * Errors: the first error (libharu's or ours) is recorded and makes the
 * document unusable; every later call returns RA_ERR_PDF and
 * ra_pdf_errmsg() says what went wrong. Output is deterministic: same
 * calls, same bytes (no clock, no randomness; the /ID is a digest of the
 * metadata, the page content, the attachments and the images).
 */
#ifndef RA_PDF_H
#define RA_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"

/* Where the chain's font files are (Debian's font directory). */
#define RA_PDF_FONT_DIR "/usr/share/fonts"
/* The font chain used when the options name none. */
#ifdef RA_DATADIR
#define RA_PDF_FONT_CHAIN RA_DATADIR "/fonts/chain.txt"
#else
#define RA_PDF_FONT_CHAIN "/usr/local/share/readyaudit/fonts/chain.txt"
#endif

/* Page sizes in points. */
#define RA_PAGE_A4_W 595.276
#define RA_PAGE_A4_H 841.89
#define RA_PAGE_LETTER_W 612.0
#define RA_PAGE_LETTER_H 792.0

/* The four styles of text; each has its chain of faces (fonts/chain.txt),
 * first DejaVu Sans, Bold, Oblique and Sans Mono. */
typedef enum {
    RA_FACE_REGULAR = 0,
    RA_FACE_BOLD,
    RA_FACE_ITALIC,
    RA_FACE_MONO,
    RA_FACE_COUNT
} ra_face_t;

/* A paragraph's direction: from its first strong character (auto), or given. */
typedef enum { RA_DIR_AUTO = 0, RA_DIR_LTR, RA_DIR_RTL } ra_dir_t;

/* An opaque colour, components 0..1. */
typedef struct {
    double r, g, b;
} ra_rgb_t;

/* Receives one report per code point that could not be drawn as itself.
 * cp is the offending code point, or RA_UTF8_INVALID (text.h) for malformed
 * UTF-8 (reported once in all); face is the style it was drawn in; what
 * says why ("in no font of the chain", "control character", "invalid
 * UTF-8"). */
typedef void (*ra_pdf_glyph_fn)(void *ctx, uint32_t cp, ra_face_t face, const char *what);

/* The font chain and its files, read once: a document made with them
 * (ra_pdf_options_t.fonts) reads no font file itself. Read-only once made
 * (but for the note that a file's digest was checked, and the shaping it
 * is given to keep), so documents, and processes forked after it was made,
 * share it. */
typedef struct ra_pdf_fonts ra_pdf_fonts_t;

/* What the document claims to conform to. */
typedef enum {
    RA_PDF_PDFA_1B = 0, /* PDF/A-1b; ra_pdf_attach is refused */
    RA_PDF_PLAIN        /* PDF 1.4, no PDF/A claim; attachments allowed */
} ra_pdf_conformance_t;

typedef struct {
    /* Directory the chain's relative file names are in; NULL:
     * RA_PDF_FONT_DIR. */
    const char *font_dir;
    /* The font chain file; NULL: RA_PDF_FONT_CHAIN. */
    const char *font_chain;
    /* Glyph substitution reports; NULL: none (ra_pdf_missing_count still
     * counts them; ra_pdf_fonts_missing finds them before drawing). */
    ra_pdf_glyph_fn on_glyph;
    void *glyph_ctx;
    /* PDF/A-1b (the zero value) or plain. */
    ra_pdf_conformance_t conformance;
    /* When not NULL, ra_pdf_new appends why it failed (e.g. "cannot open
     * /x/truetype/dejavu/DejaVuSans.ttf: No such file or directory"). */
    ra_buf_t *errmsg;
    /* Fonts loaded beforehand (ra_pdf_fonts_new), which must outlive the
     * document; font_dir and font_chain are then not used. NULL: the
     * document reads its own. */
    const ra_pdf_fonts_t *fonts;
    /* For ra_pdf_fonts_new: the first face of each style too is checked
     * against the chain's SHA-256 only when a document first draws with
     * it, as the other faces are. For fonts asked only which characters
     * they have (validate, score), which need not read every byte of four
     * files. */
    int check_on_draw;
    /* For ra_pdf_fonts_new: the file that remembers which font files
     * earlier runs of this user read whole and found as the chain lists
     * them (fontcache.c says when that is trusted), read and updated;
     * NULL: none, every face is read whole to be checked. */
    const char *verified_fonts;
    /* The user's cache file of words shaped by earlier runs (shapestore.c),
     * read into the fonts made (ra_pdf_fonts_new) and written by
     * ra_pdf_fonts_save_shaping; NULL: none. */
    const char *shaped_words;
    /* The user's cache file of font subsets embedded by earlier runs
     * (subsetstore.c), read into the fonts made and written by
     * ra_pdf_fonts_save_subsets; NULL: none. */
    const char *font_subsets;
} ra_pdf_options_t;

/* A property of the caller's own XMP schema (see ra_pdf_info_t). */
typedef struct {
    const char *name;        /* ASCII letters and digits: "reportId" */
    const char *value;       /* UTF-8 text */
    const char *description; /* what it means, for the PDF/A extension schema */
} ra_pdf_xmp_prop_t;

/* Document metadata. NULL strings are left out. */
typedef struct {
    const char *title;
    const char *author;
    const char *subject;
    const char *keywords;
    const char *creator;
    const char *producer; /* NULL: libharu's "Haru Free PDF Library 2.3.0" */
    /* The document's language, the catalog's /Lang: a BCP 47 tag ("en",
     * "de-CH"); NULL: none. */
    const char *lang;
    /* Creation (and modification) date, seconds since 1970-01-01 UTC,
     * written as UTC; negative: no date. Never taken from the clock. */
    int64_t created;
    /* Optional text properties in the caller's own XMP namespace, written
     * to the XMP metadata with the PDF/A extension schema that declares
     * them. xmp_prefix (ASCII letters) and xmp_namespace (a URI) are
     * required when nxmp_props > 0; xmp_schema names the schema. */
    const char *xmp_schema;
    const char *xmp_namespace;
    const char *xmp_prefix;
    const ra_pdf_xmp_prop_t *xmp_props;
    size_t nxmp_props;
} ra_pdf_info_t;

/* Page label numbering styles (what a viewer shows as the page number). */
typedef enum {
    RA_LABEL_DECIMAL = 0,
    RA_LABEL_ROMAN_LOWER,
    RA_LABEL_ROMAN_UPPER,
    RA_LABEL_LETTERS_UPPER,
    RA_LABEL_STYLE_COUNT
} ra_label_style_t;

typedef struct ra_pdf ra_pdf_t;

/* Reads the font chain named by opt (font_chain, font_dir; errmsg as for
 * ra_pdf_new) and opens every file it lists, for documents to share. Each
 * style's first face is checked against the chain's SHA-256 now (unless
 * opt->check_on_draw), the others when first drawn with. Fails with RA_ERR_FONT when the chain is
 * malformed, a file is missing or unusable, or its digest differs
 * ("fonts/chain.txt:4: /usr/share/fonts/x.ttf: SHA-256 is 12ab..., the
 * chain says 34cd..."). The caller frees them with ra_pdf_fonts_free
 * after the last document. */
ra_status_t ra_pdf_fonts_new(const ra_pdf_options_t *opt, ra_pdf_fonts_t **out);
/* Frees fonts; NULL is fine. */
void ra_pdf_fonts_free(ra_pdf_fonts_t *fonts);
/* Gives the SHA-256 that identifies the fonts a report may embed: over the
 * chain file's bytes followed by each font file's SHA-256 in chain order
 * (the digests the chain lists, which every file is checked against before
 * it is drawn with), for the report's integrity data. */
void ra_pdf_fonts_sha256(const ra_pdf_fonts_t *fonts, unsigned char out[32]);
/* Readies the first face of each style for many documents (a batch, before
 * its workers are forked, so that they share it): what HarfBuzz otherwise
 * makes in each document on first use, and with subset hb-subset's
 * accelerator, which costs more than one document saves. The documents'
 * bytes are the same with or without it. */
void ra_pdf_fonts_prepare(const ra_pdf_fonts_t *fonts, int subset);
/* Keeps what document pdf (drawn with fonts) shaped and measured, for the
 * documents made with fonts after it: a batch keeps one report's before
 * its workers are forked, and they share it. Kept text is shaped again
 * by none of them, and their bytes are the same with or without it (what
 * is kept is what shaping gave). Nothing is kept of a document that failed
 * or ran out of memory; what fonts keeps is bounded as a document's own
 * caches are, and memory that runs out here keeps less. */
void ra_pdf_fonts_keep_shaping(ra_pdf_fonts_t *fonts, const ra_pdf_t *pdf);
/* As ra_pdf_fonts_keep_shaping, what was shaped alone, not the widths
 * measured (what ra_pdf_fonts_save_shaping writes). */
void ra_pdf_fonts_keep_shaped(ra_pdf_fonts_t *fonts, const ra_pdf_t *pdf);
/* Writes the words and texts fonts keeps to the user's cache file it was
 * made with (ra_pdf_options_t.shaped_words) when it keeps ones the file
 * does not hold, for later runs; a failure leaves the file as it was, and says
 * nothing. */
void ra_pdf_fonts_save_shaping(ra_pdf_fonts_t *fonts);
/* As ra_pdf_fonts_save_shaping, the font subsets documents cut that the
 * file (ra_pdf_options_t.font_subsets) does not hold, kept with what was
 * shaped (ra_pdf_fonts_keep_shaped). */
void ra_pdf_fonts_save_subsets(ra_pdf_fonts_t *fonts);
/* Returns how many shaped texts and words fonts keeps. */
size_t ra_pdf_fonts_kept(const ra_pdf_fonts_t *fonts);
/* Returns the fonts document pdf draws with (its own or the caller's). */
const ra_pdf_fonts_t *ra_pdf_fonts_of(const ra_pdf_t *pdf);

/* Creates an empty document and reads the font chain unless opt->fonts
 * gives it; a font file is embedded, subsetted, only if text is drawn
 * with it. opt may be NULL. On failure *out is NULL and the status
 * is RA_ERR_FONT (font missing or unusable), RA_ERR_NOMEM or RA_ERR_PDF;
 * see opt->errmsg. The caller frees the document with ra_pdf_free. */
ra_status_t ra_pdf_new(const ra_pdf_options_t *opt, ra_pdf_t **out);
/* Frees the document and everything it owns; NULL is fine. */
void ra_pdf_free(ra_pdf_t *pdf);
/* Returns a description of the first error, or "" when none occurred. */
const char *ra_pdf_errmsg(const ra_pdf_t *pdf);

/* Sets the document information dictionary and the XMP metadata that
 * repeats it (copies the strings). Control characters become spaces and
 * malformed UTF-8 U+FFFD, in both alike. */
ra_status_t ra_pdf_set_info(ra_pdf_t *pdf, const ra_pdf_info_t *info);

/* Appends a page of the given size and makes it the current page. */
ra_status_t ra_pdf_add_page(ra_pdf_t *pdf, double width, double height);
/* Returns the number of pages. */
size_t ra_pdf_page_count(const ra_pdf_t *pdf);
/* Makes page index (0-based) the current page for the drawing calls. */
ra_status_t ra_pdf_use_page(ra_pdf_t *pdf, size_t index);

/* --- Text measurement (pure; no page needed) --- */

/* Returns the advance width in points of utf8[0..len) in face at size,
 * shaped and after substitution, exactly as drawn. */
double ra_pdf_text_width(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                         size_t len);
/* Returns the byte length of the longest prefix of utf8[0..len) that ends
 * on a cluster boundary (never inside a character and its marks) and is at
 * most max_width wide as shaped; at least one cluster when len > 0, so
 * that callers always progress. */
size_t ra_pdf_text_fit(const ra_pdf_t *pdf, ra_face_t face, double size, const char *utf8,
                       size_t len, double max_width);
/* Gives the face's ascender (positive) and descender (negative) for a
 * 1-point size (its chain's first font); multiply by the font size. */
void ra_pdf_font_metrics(const ra_pdf_t *pdf, ra_face_t face, double *ascent, double *descent);
/* Appends to out the text as it will be drawn in face (substitutions made,
 * tabs as spaces), in logical order. Does not report. */
ra_status_t ra_pdf_sanitize(const ra_pdf_t *pdf, ra_face_t face, const char *utf8, size_t len,
                            ra_buf_t *out);
/* Returns the direction of utf8[0..len) as a paragraph: that of its first
 * strong character (Unicode bidi rules P2, P3); RA_DIR_AUTO when it has
 * none. */
ra_dir_t ra_pdf_text_direction(const char *utf8, size_t len);
/* Returns how many characters of utf8[0..len) face cannot draw as
 * themselves (no face of its chain has them, control characters, malformed
 * UTF-8); stores the first max of them, distinct, in cps (malformed UTF-8
 * as RA_UTF8_INVALID) and their number in *ncps. Does not report. */
size_t ra_pdf_text_missing(const ra_pdf_t *pdf, ra_face_t face, const char *utf8, size_t len,
                           uint32_t *cps, size_t max, size_t *ncps);
/* Returns why cp is drawn as U+FFFD whatever the font ("control
 * character", "not a character", "invalid UTF-8" for RA_UTF8_INVALID), or
 * NULL; a tab is drawn as a space. */
const char *ra_pdf_unprintable(uint32_t cp);
/* Returns how many distinct characters of utf8[0..len) would not be drawn
 * as themselves in some style of fonts: no face of that style's chain has
 * them, or they are control characters, non-characters or malformed UTF-8
 * (RA_UTF8_INVALID), all of which the text functions draw as U+FFFD (a
 * mark or format character no face has is left out: it is not drawn).
 * Stores the first max of them in cps, in text order. Reads the faces'
 * character maps only as far as needed (a face is asked only for what the
 * faces before it lack): no document, no shaping, cheap for Latin text. */
size_t ra_pdf_fonts_missing(const ra_pdf_fonts_t *fonts, const char *utf8, size_t len,
                            uint32_t *cps, size_t max);
/* One run of text as drawn: characters of one bidi level, script and font
 * file, shaped together. */
typedef struct {
    size_t start, end; /* its characters: bytes [start, end) of the text */
    char script[5];    /* ISO 15924 tag of its script ("Arab", "Latn", "Zyyy") */
    const char *font;  /* its font file's name ("NotoSansArabic-Regular.ttf") */
    int level;         /* bidi embedding level: odd is drawn right to left */
} ra_pdf_run_t;

/* Itemises utf8[0..len) as ra_pdf_text draws it in face (paragraph
 * direction dir) and stores its first max runs, in visual order (left to
 * right on the page); returns how many runs it has (0 on failure). Does not
 * report. For tests and diagnostics of itemisation and bidi order. */
size_t ra_pdf_text_runs(const ra_pdf_t *pdf, ra_face_t face, ra_dir_t dir, const char *utf8,
                        size_t len, ra_pdf_run_t *runs, size_t max);
/* Returns how many characters the document drew as U+FFFD so far. */
size_t ra_pdf_missing_count(const ra_pdf_t *pdf);

/* --- Drawing on the current page --- */

/* Draws utf8[0..len) with its baseline starting at (x, y), its paragraph
 * direction from its first strong character. */
ra_status_t ra_pdf_text(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                        double y, const char *utf8, size_t len);
/* Like ra_pdf_text, as part of a paragraph of direction dir (auto: its own). */
ra_status_t ra_pdf_text_dir(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                            double y, ra_dir_t dir, const char *utf8, size_t len);
/* Like ra_pdf_text, rotated by angle degrees counter-clockwise about (x, y). */
ra_status_t ra_pdf_text_rotated(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color,
                                double x, double y, double angle, const char *utf8, size_t len);
/* Draws text as the vector outlines of its glyphs, filled (stroke_width 0)
 * or stroked with that line width, rotated as ra_pdf_text_rotated. It is
 * graphics, not text: not extracted, not searchable (for watermarks). The
 * outlines are a form XObject, written once and painted again wherever
 * the same shape is drawn on a page of the same size. */
ra_status_t ra_pdf_text_shape(ra_pdf_t *pdf, ra_face_t face, double size, ra_rgb_t color, double x,
                              double y, double angle, double stroke_width, const char *utf8,
                              size_t len);
/* Strokes a line of the given width; dash > 0 draws dashes of that length. */
ra_status_t ra_pdf_line(ra_pdf_t *pdf, double x1, double y1, double x2, double y2, double width,
                        ra_rgb_t color, double dash);
/* Draws a rectangle whose top-left corner is (x, y), with corner radius
 * (0: square); fill and/or stroke it (NULL: not), stroke of line_width. */
ra_status_t ra_pdf_rect(ra_pdf_t *pdf, double x, double y, double w, double h, double radius,
                        const ra_rgb_t *fill, const ra_rgb_t *stroke, double line_width);
/* Draws a circle centred on (cx, cy); fill and/or stroke as ra_pdf_rect. */
ra_status_t ra_pdf_circle(ra_pdf_t *pdf, double cx, double cy, double r, const ra_rgb_t *fill,
                          const ra_rgb_t *stroke, double line_width);
/* Strokes an arc of a circle centred on (cx, cy) from angle from_deg to
 * to_deg, degrees measured clockwise from 12 o'clock (0..360, from < to),
 * with the given line width and butt caps. */
ra_status_t ra_pdf_arc(ra_pdf_t *pdf, double cx, double cy, double r, double from_deg,
                       double to_deg, double width, ra_rgb_t color);
/* Draws the PNG or JPEG image data[0..len) (told apart by content) scaled
 * into the rectangle whose top-left corner is (x, y), w by h points, as an
 * image XObject. An opaque PNG of at most 8 bits a sample, not interlaced,
 * is embedded as it is (Flate with PNG predictors); any other PNG is
 * decoded, 16-bit samples reduced to 8 bits and transparency flattened
 * onto the white page (PDF/A-1 forbids transparency); a greyscale or RGB
 * 8-bit JPEG (baseline or progressive) is embedded as it is (DCTDecode).
 * The limits and refusals are those of image.h (2 MiB, 4096 pixels a side,
 * no CMYK or 12-bit JPEG); a refused image is an error (ra_pdf_errmsg says
 * why, e.g. "image PNG is damaged"). Each call embeds the image once more;
 * its digest goes into the /ID. The data is copied. */
ra_status_t ra_pdf_image(ra_pdf_t *pdf, const void *data, size_t len, double x, double y, double w,
                         double h);
/* Makes the rectangle (x, y, w, h) on the current page a borderless link to
 * the point y (from the top) of page target (0-based, must exist). */
ra_status_t ra_pdf_link(ra_pdf_t *pdf, double x, double y, double w, double h, size_t target,
                        double target_y);

/* Makes the rectangle (x, y, w, h) on the current page a borderless,
 * printable link (/F 4) that opens uri[0..len) (a URI action; bytes
 * outside printable ASCII are written %XX). */
ra_status_t ra_pdf_uri_link(ra_pdf_t *pdf, double x, double y, double w, double h, const char *uri,
                            size_t len);

/* --- Interactive form --- */

/* Puts an empty (unsigned) signature field named name on the current page
 * in the rectangle whose top-left corner is (x, y), w by h points (at
 * least 1 by 1; rounded to 1/4 pt): one indirect object that is both the
 * field and its widget (/FT /Sig /T (name) /F 4 /Rect /P), with an
 * appearance form XObject whose /BBox is the rectangle's size and which
 * draws a thin grey frame; it joins the page's /Annots and, in call
 * order, the /Fields of the catalog's /AcroForm, an indirect object
 * created with the first field (no /SigFlags, no /NeedAppearances: a
 * signer adds /SigFlags 3 when it signs). name is the field's partial
 * name: 1 to 64 ASCII letters, digits, '-' or '_', and no two fields of a
 * document share one (else RA_ERR_PDF). A document without fields has no
 * /AcroForm. */
ra_status_t ra_pdf_sig_field(ra_pdf_t *pdf, const char *name, double x, double y, double w,
                             double h);

/* --- Document structure --- */

/* Embeds data[0..len) as a file attachment named name (UTF-8; its base
 * name is used), of MIME type mime (e.g. "application/xml"), described by
 * desc (NULL: none), listed in the document's EmbeddedFiles name tree.
 * Stored Flate-compressed with /Params /Size and /CheckSum (MD5) and no
 * dates. Refused (RA_ERR_PDF) in a PDF/A document. Copies the data. */
ra_status_t ra_pdf_attach(ra_pdf_t *pdf, const char *name, const char *mime, const char *desc,
                          const void *data, size_t len);

/* Adds a bookmark titled title (UTF-8) pointing to y on page (0-based);
 * parent is the id of an earlier bookmark or -1 for the top level. Stores
 * its id (>= 0) in *id when id is not NULL. Entries open collapsed except
 * at the top level. */
ra_status_t ra_pdf_outline(ra_pdf_t *pdf, int parent, const char *title, size_t page, double y,
                           int *id);
/* From page first (0-based) on, labels pages prefix + number in style,
 * counting from start (>= 1). prefix (NULL: none) must be ASCII. */
ra_status_t ra_pdf_page_label(ra_pdf_t *pdf, size_t first, ra_label_style_t style, unsigned start,
                              const char *prefix);

/* Appends the complete PDF file to out (the caller writes it to disk).
 * Writes the ToUnicode maps, glyph widths, CIDToGIDMap and CIDSet for the
 * code points actually drawn; compressed (Flate); then the XMP metadata,
 * the output intent and the /ID. May be called more than once; the
 * document stays usable. */
ra_status_t ra_pdf_save(ra_pdf_t *pdf, ra_buf_t *out);

#endif
