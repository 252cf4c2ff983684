/* sign.h - signing a report: a PAdES baseline B-B signature (CAdES detached,
 * SHA-256, ESS signing-certificate-v2, no signing-time) in a role's signature
 * field, added as an incremental update that leaves every earlier byte as it
 * was. Keys come from PEM files, a PKCS#12 file or a PKCS#11 token. */
#ifndef RA_SIGN_H
#define RA_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/status.h"

/* Why a signature was refused (each has its own exit code, README "Exit codes"). */
typedef enum {
    RA_SIGN_FINE = 0,
    RA_SIGN_NO_FIELD,     /* the role is not a signature field of this report */
    RA_SIGN_SIGNED,       /* the field is already signed */
    RA_SIGN_NOT_INTACT,   /* not an intact readyaudit report */
    RA_SIGN_KEY_MISMATCH, /* the key does not belong to the certificate */
    RA_SIGN_CERT_TIME,    /* the certificate has expired or is not yet valid */
    RA_SIGN_CERT_USAGE,   /* its key usage allows no signature */
    RA_SIGN_BAD_SECRET,   /* a wrong PIN or password */
    RA_SIGN_REFUSAL_COUNT
} ra_sign_refusal_t;

/* Where the key and certificates come from: exactly one of key_path (with
 * cert_path), p12_path or pkcs11_uri. Paths are files to read. */
typedef struct {
    const char *key_path, *cert_path, *chain_path;
    const char *p12_path, *password_path;
    const char *pkcs11_uri, *pin_path;
} ra_sign_keys_t;

typedef struct {
    const char *role;    /* the field's /T */
    ra_sign_keys_t keys; /* the signer */
    bool epoch_set;      /* the signing time (/M) is epoch, else now */
    int64_t epoch;
} ra_sign_options_t;

/* Signs the report of len bytes at pdf (named name in messages) in the
 * field of o->role, and puts the whole signed file in out (the report's
 * bytes, then the update). On refusal returns RA_ERR_INVALID with *refusal
 * set and says why on sink under name (or the key file's name); an unreadable
 * key file is RA_ERR_IO, a malformed one RA_ERR_INVALID with RA_SIGN_FINE. */
ra_status_t ra_sign_report(const char *pdf, size_t len, const char *name,
                           const ra_sign_options_t *o, ra_diag_sink_t *sink, ra_buf_t *out,
                           ra_sign_refusal_t *refusal);

/* Formats a time as a PDF date "D:YYYYMMDDHHmmSS+00'00'" (UTC). */
void ra_sign_pdf_date(int64_t t, char out[32]);

#endif
