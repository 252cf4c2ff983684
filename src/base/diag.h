/* diag.h - diagnostics as values: severity, file, line, message, sent to one sink. */
#ifndef RA_DIAG_H
#define RA_DIAG_H

#include <stddef.h>

typedef enum { RA_DIAG_ERROR, RA_DIAG_WARNING, RA_DIAG_NOTE, RA_SEVERITY_COUNT } ra_severity_t;

typedef struct {
    ra_severity_t severity;
    const char *file; /* may be NULL */
    long line;        /* 0 when unknown */
    const char *message;
} ra_diag_t;

/* Receives each diagnostic; the strings live only for the call. */
typedef void (*ra_diag_fn)(void *ctx, const ra_diag_t *d);

/* Where diagnostics go, with counts and a cap on how many are passed on. */
typedef struct {
    ra_diag_fn fn;
    void *ctx;
    size_t errors, warnings;
    size_t cap; /* errors beyond this many are counted, not passed on; 0 = no cap */
    size_t suppressed;
} ra_diag_sink_t;

/* Reports one diagnostic with a printf-style message. */
void ra_diag(ra_diag_sink_t *sink, ra_severity_t sev, const char *file, long line, const char *fmt,
             ...) __attribute__((format(printf, 5, 6)));

/* A sink function printing "file:line: error: message" to the FILE* in ctx. */
void ra_diag_print(void *ctx, const ra_diag_t *d);

/* Name of a severity as printed ("error", "warning", "note"). */
const char *ra_severity_name(ra_severity_t sev);

#endif
