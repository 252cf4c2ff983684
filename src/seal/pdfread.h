/* pdfread.h - a small, bounded, linear reader of a PDF's revisions: classic
 * cross-reference tables and trailers chained by /Prev, indirect objects,
 * dictionaries, arrays, strings. Enough to find the catalog, the AcroForm,
 * its fields and each incremental update's objects; cross-reference streams
 * (which PDF/A-1 forbids) are refused with a precise message. */
#ifndef RA_PDFREAD_H
#define RA_PDFREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"

/* Limits against hostile files. */
#define RA_PDFREAD_MAX_DEPTH 64        /* nesting of arrays and dictionaries */
#define RA_PDFREAD_MAX_REVISIONS 1024  /* cross-reference sections */
#define RA_PDFREAD_MAX_OBJECTS 8388607 /* /Size (the PDF 1.4 limit) */
#define RA_PDFREAD_MAX_ITEMS 1000000   /* entries of one array or dictionary */

typedef enum {
    RA_PDFV_NULL,
    RA_PDFV_BOOL,
    RA_PDFV_INT,
    RA_PDFV_REAL,
    RA_PDFV_NAME,   /* s: the name without '/', #xx decoded */
    RA_PDFV_STRING, /* s, len: the decoded bytes; hex says how it was written */
    RA_PDFV_ARRAY,  /* items, n */
    RA_PDFV_DICT,   /* keys (names without '/'), items, n */
    RA_PDFV_REF     /* num, gen */
} ra_pdfv_kind_t;

/* A parsed value. Owned by the document that parsed it (ra_pdfdoc_free). */
typedef struct ra_pdfv {
    ra_pdfv_kind_t kind;
    size_t start, end; /* its bytes in the file: [start, end) */
    bool b;            /* BOOL */
    long long num;     /* INT; REF: the object number */
    unsigned gen;      /* REF */
    double real;       /* REAL (and INT) */
    bool hex;          /* STRING written as <...> */
    const char *s;     /* NAME, STRING: NUL-terminated */
    size_t len;        /* STRING: bytes in s */
    const char **keys; /* DICT */
    struct ra_pdfv **items;
    size_t n;
} ra_pdfv_t;

/* One cross-reference entry of a revision. */
typedef struct {
    unsigned num, gen;
    size_t offset; /* of "NUM GEN obj" when in use */
    bool in_use;
} ra_pdfxref_t;

/* One revision: the original file or an incremental update. */
typedef struct {
    size_t start;        /* 0, or the end of the revision before it */
    size_t xref;         /* offset of its "xref" keyword */
    size_t end;          /* just after its "%%EOF" and the end-of-line after it */
    ra_pdfv_t *trailer;  /* its trailer dictionary */
    ra_pdfxref_t *items; /* its entries, by object number */
    size_t n;
} ra_pdfrev_t;

typedef struct ra_pdfdoc ra_pdfdoc_t;

/* Reads the revisions of the len bytes at data (borrowed: they must outlive
 * the document). RA_ERR_INVALID with why (a sentence) when the file is not a
 * complete PDF with classic cross-reference tables, RA_ERR_NOMEM when out of
 * memory. The revisions are in file order, the original first; each starts
 * where the one before it ends and the last ends at the end of the file. */
ra_status_t ra_pdfdoc_open(const char *data, size_t len, ra_pdfdoc_t **out, char why[256]);
void ra_pdfdoc_free(ra_pdfdoc_t *doc);

size_t ra_pdfdoc_nrevisions(const ra_pdfdoc_t *doc);
const ra_pdfrev_t *ra_pdfdoc_revision(const ra_pdfdoc_t *doc, size_t i);
const char *ra_pdfdoc_data(const ra_pdfdoc_t *doc);

/* The entry for object num as of revision rev (its own or an earlier
 * revision's), or NULL when no revision up to rev has one. */
const ra_pdfxref_t *ra_pdfdoc_entry(const ra_pdfdoc_t *doc, size_t rev, unsigned num);

/* Parses object num as of revision rev into *out (NULL for a free or
 * missing object); *stream tells whether a stream follows its dictionary
 * (may be NULL). RA_ERR_INVALID with why when it is damaged. */
ra_status_t ra_pdfdoc_object(ra_pdfdoc_t *doc, size_t rev, unsigned num, ra_pdfv_t **out,
                             bool *stream, char why[256]);

/* Parses the indirect object whose entry is e ("NUM GEN obj ... endobj"). */
ra_status_t ra_pdfdoc_object_at(ra_pdfdoc_t *doc, const ra_pdfxref_t *e, ra_pdfv_t **out,
                                bool *stream, char why[256]);

/* Follows v when it is a reference (as of revision rev); else returns v.
 * NULL for a missing or damaged object. */
ra_pdfv_t *ra_pdfdoc_resolve(ra_pdfdoc_t *doc, size_t rev, ra_pdfv_t *v);

/* The value of key (without '/') in dictionary d, or NULL. */
ra_pdfv_t *ra_pdfv_get(const ra_pdfv_t *d, const char *key);
/* Is v the name nm (without '/')? */
bool ra_pdfv_is_name(const ra_pdfv_t *v, const char *nm);
/* Are a and b the same value (references compared as references)? */
bool ra_pdfv_equal(const ra_pdfv_t *a, const ra_pdfv_t *b);

/* Appends v in PDF syntax (numbers as they were written in data). */
ra_status_t ra_pdfv_write(ra_buf_t *out, const char *data, const ra_pdfv_t *v);

#endif
