/* signature.h - checking the signatures of a report's incremental updates:
 * what each update does (only a signature, or something else), and for each
 * signature whether its CMS is valid, covers exactly its revision, chains to
 * a trust anchor, and whether its certificate allowed signing at /M. */
#ifndef RA_SIGNATURE_H
#define RA_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

typedef struct {
    char field[64];      /* the field's /T, the role id */
    char signer[256];    /* certificate subject CN (or the whole DN) */
    char email[256];     /* from the subject or subjectAltName, "" if none */
    char signed_at[32];  /* /M as ISO 8601, "" if none */
    bool valid;          /* CMS verifies, covers exactly its revision, digest matches */
    bool trusted;        /* chains to a --trust anchor (false without one) */
    bool cert_ok;        /* valid at /M, key usage allows signing */
    size_t revision_end; /* offset just after the %%EOF (and its end of line) of the revision it
                            signs */
    char problem[256];   /* why not valid/trusted/cert_ok, "" when all fine */
} ra_sig_info_t;

typedef struct {
    ra_sig_info_t *sigs;
    size_t nsigs;
    bool only_signatures; /* every update after original_len only adds a signature */
    char other[256];      /* when not: what the first other update does */
} ra_sig_report_t;

/* Reads every incremental update after the first original_len bytes (the
 * original revision, which the caller has compared) and checks each
 * signature; trust_pem may be NULL. trust_pem is the text of the trust
 * anchors (PEM certificates, the contents of --trust), not a path.
 *
 * RA_OK: *out describes the updates (no update: only_signatures, no sigs).
 * RA_ERR_INVALID: the file cannot be read as revisions (damaged, a
 * cross-reference stream, or no revision ends at original_len); other says
 * why, only_signatures is false. RA_ERR_NOMEM when out of memory. *out must
 * be freed with ra_sig_report_free in every case. */
ra_status_t ra_signatures_check(const char *pdf, size_t len, size_t original_len,
                                const char *trust_pem, ra_sig_report_t *out);
void ra_sig_report_free(ra_sig_report_t *r);

#endif
