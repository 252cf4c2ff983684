/* status.h - the one status enum every fallible readyaudit function returns. */
#ifndef RA_STATUS_H
#define RA_STATUS_H

typedef enum {
    RA_OK = 0,
    RA_ERR_NOMEM,    /* out of memory */
    RA_ERR_USAGE,    /* bad command line */
    RA_ERR_IO,       /* a file could not be read or written */
    RA_ERR_PARSE,    /* input is not well-formed XML */
    RA_ERR_SCHEMA,   /* input does not match its XSD */
    RA_ERR_INVALID,  /* input breaks a semantic rule */
    RA_ERR_LIMIT,    /* input exceeds a documented limit */
    RA_ERR_PDF,      /* the PDF library reported an error */
    RA_ERR_FONT,     /* a font could not be found or loaded */
    RA_ERR_MISMATCH, /* verify: record and report disagree */
    RA_ERR_GLYPHS,   /* --strict: the record holds text the font chain cannot draw */
    RA_STATUS_COUNT
} ra_status_t;

/* Returns a short English description of a status; never NULL. */
const char *ra_strerror(ra_status_t st);

#endif
