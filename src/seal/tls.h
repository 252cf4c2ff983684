/* tls.h - GnuTLS, loaded when signing or checking a signature first needs it.
 *
 * The commands that never sign or check a signature (report, batch, score,
 * validate...) do not load and relocate GnuTLS and the libraries it brings
 * (p11-kit, libtasn1, libidn2, libunistring, Nettle's hogweed, GMP) at
 * start-up: about 1.2 ms of CPU of every process. sign.c and signature.c
 * include this header (it includes GnuTLS's own), which routes each
 * gnutls_ call they make through the library loaded by ra_tls_load. */
#ifndef RA_TLS_H
#define RA_TLS_H

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stddef.h>

#include "base/status.h"

/* The library and its soname (Debian 12: libgnutls30). */
#define RA_TLS_LIBRARY "libgnutls.so.30"

/* Every GnuTLS function readyaudit calls. */
#define RA_TLS_FUNCTIONS(X)                 \
    X(gnutls_pk_to_sign)                    \
    X(gnutls_pkcs11_add_provider)           \
    X(gnutls_pkcs11_deinit)                 \
    X(gnutls_pkcs11_init)                   \
    X(gnutls_pkcs11_set_pin_function)       \
    X(gnutls_pkcs12_deinit)                 \
    X(gnutls_pkcs12_import)                 \
    X(gnutls_pkcs12_init)                   \
    X(gnutls_pkcs12_simple_parse)           \
    X(gnutls_pkcs12_verify_mac)             \
    X(gnutls_pkcs7_add_attr)                \
    X(gnutls_pkcs7_attrs_deinit)            \
    X(gnutls_pkcs7_deinit)                  \
    X(gnutls_pkcs7_export2)                 \
    X(gnutls_pkcs7_get_attr)                \
    X(gnutls_pkcs7_get_crt_count)           \
    X(gnutls_pkcs7_get_crt_raw2)            \
    X(gnutls_pkcs7_get_signature_info)      \
    X(gnutls_pkcs7_import)                  \
    X(gnutls_pkcs7_init)                    \
    X(gnutls_pkcs7_set_crt)                 \
    X(gnutls_pkcs7_sign)                    \
    X(gnutls_pkcs7_signature_info_deinit)   \
    X(gnutls_pkcs7_verify)                  \
    X(gnutls_pkcs7_verify_direct)           \
    X(gnutls_privkey_deinit)                \
    X(gnutls_privkey_import_url)            \
    X(gnutls_privkey_import_x509)           \
    X(gnutls_privkey_init)                  \
    X(gnutls_privkey_set_pin_function)      \
    X(gnutls_privkey_sign_data)             \
    X(gnutls_pubkey_deinit)                 \
    X(gnutls_pubkey_get_pk_algorithm)       \
    X(gnutls_pubkey_import_x509)            \
    X(gnutls_pubkey_init)                   \
    X(gnutls_pubkey_verify_data2)           \
    X(gnutls_strerror)                      \
    X(gnutls_x509_crt_deinit)               \
    X(gnutls_x509_crt_export2)              \
    X(gnutls_x509_crt_get_activation_time)  \
    X(gnutls_x509_crt_get_dn)               \
    X(gnutls_x509_crt_get_dn_by_oid)        \
    X(gnutls_x509_crt_get_expiration_time)  \
    X(gnutls_x509_crt_get_key_usage)        \
    X(gnutls_x509_crt_get_raw_issuer_dn)    \
    X(gnutls_x509_crt_get_serial)           \
    X(gnutls_x509_crt_get_subject_alt_name) \
    X(gnutls_x509_crt_get_subject_key_id)   \
    X(gnutls_x509_crt_import)               \
    X(gnutls_x509_crt_import_url)           \
    X(gnutls_x509_crt_init)                 \
    X(gnutls_x509_crt_list_import2)         \
    X(gnutls_x509_privkey_deinit)           \
    X(gnutls_x509_privkey_import2)          \
    X(gnutls_x509_privkey_init)             \
    X(gnutls_x509_trust_list_add_trust_mem) \
    X(gnutls_x509_trust_list_deinit)        \
    X(gnutls_x509_trust_list_init)

/* The loaded library's functions, and its gnutls_free. */
typedef struct {
#define RA_TLS_FIELD(f) __typeof__(f) *f;
    RA_TLS_FUNCTIONS(RA_TLS_FIELD)
#undef RA_TLS_FIELD
    gnutls_free_function *free_fn;
} ra_tls_t;

/* Loads GnuTLS on the first call (later calls say how that went): RA_OK,
 * or RA_ERR_IO with why in why[0..n) (the library or a function missing). */
ra_status_t ra_tls_load(char *why, size_t n);

/* The loaded functions; only after ra_tls_load gave RA_OK. */
const ra_tls_t *ra_tls(void);

#ifndef RA_TLS_LOADER
#define gnutls_pk_to_sign (ra_tls()->gnutls_pk_to_sign)
#define gnutls_pkcs11_add_provider (ra_tls()->gnutls_pkcs11_add_provider)
#define gnutls_pkcs11_deinit (ra_tls()->gnutls_pkcs11_deinit)
#define gnutls_pkcs11_init (ra_tls()->gnutls_pkcs11_init)
#define gnutls_pkcs11_set_pin_function (ra_tls()->gnutls_pkcs11_set_pin_function)
#define gnutls_pkcs12_deinit (ra_tls()->gnutls_pkcs12_deinit)
#define gnutls_pkcs12_import (ra_tls()->gnutls_pkcs12_import)
#define gnutls_pkcs12_init (ra_tls()->gnutls_pkcs12_init)
#define gnutls_pkcs12_simple_parse (ra_tls()->gnutls_pkcs12_simple_parse)
#define gnutls_pkcs12_verify_mac (ra_tls()->gnutls_pkcs12_verify_mac)
#define gnutls_pkcs7_add_attr (ra_tls()->gnutls_pkcs7_add_attr)
#define gnutls_pkcs7_attrs_deinit (ra_tls()->gnutls_pkcs7_attrs_deinit)
#define gnutls_pkcs7_deinit (ra_tls()->gnutls_pkcs7_deinit)
#define gnutls_pkcs7_export2 (ra_tls()->gnutls_pkcs7_export2)
#define gnutls_pkcs7_get_attr (ra_tls()->gnutls_pkcs7_get_attr)
#define gnutls_pkcs7_get_crt_count (ra_tls()->gnutls_pkcs7_get_crt_count)
#define gnutls_pkcs7_get_crt_raw2 (ra_tls()->gnutls_pkcs7_get_crt_raw2)
#define gnutls_pkcs7_get_signature_info (ra_tls()->gnutls_pkcs7_get_signature_info)
#define gnutls_pkcs7_import (ra_tls()->gnutls_pkcs7_import)
#define gnutls_pkcs7_init (ra_tls()->gnutls_pkcs7_init)
#define gnutls_pkcs7_set_crt (ra_tls()->gnutls_pkcs7_set_crt)
#define gnutls_pkcs7_sign (ra_tls()->gnutls_pkcs7_sign)
#define gnutls_pkcs7_signature_info_deinit (ra_tls()->gnutls_pkcs7_signature_info_deinit)
#define gnutls_pkcs7_verify (ra_tls()->gnutls_pkcs7_verify)
#define gnutls_pkcs7_verify_direct (ra_tls()->gnutls_pkcs7_verify_direct)
#define gnutls_privkey_deinit (ra_tls()->gnutls_privkey_deinit)
#define gnutls_privkey_import_url (ra_tls()->gnutls_privkey_import_url)
#define gnutls_privkey_import_x509 (ra_tls()->gnutls_privkey_import_x509)
#define gnutls_privkey_init (ra_tls()->gnutls_privkey_init)
#define gnutls_privkey_set_pin_function (ra_tls()->gnutls_privkey_set_pin_function)
#define gnutls_privkey_sign_data (ra_tls()->gnutls_privkey_sign_data)
#define gnutls_pubkey_deinit (ra_tls()->gnutls_pubkey_deinit)
#define gnutls_pubkey_get_pk_algorithm (ra_tls()->gnutls_pubkey_get_pk_algorithm)
#define gnutls_pubkey_import_x509 (ra_tls()->gnutls_pubkey_import_x509)
#define gnutls_pubkey_init (ra_tls()->gnutls_pubkey_init)
#define gnutls_pubkey_verify_data2 (ra_tls()->gnutls_pubkey_verify_data2)
#define gnutls_strerror (ra_tls()->gnutls_strerror)
#define gnutls_x509_crt_deinit (ra_tls()->gnutls_x509_crt_deinit)
#define gnutls_x509_crt_export2 (ra_tls()->gnutls_x509_crt_export2)
#define gnutls_x509_crt_get_activation_time (ra_tls()->gnutls_x509_crt_get_activation_time)
#define gnutls_x509_crt_get_dn (ra_tls()->gnutls_x509_crt_get_dn)
#define gnutls_x509_crt_get_dn_by_oid (ra_tls()->gnutls_x509_crt_get_dn_by_oid)
#define gnutls_x509_crt_get_expiration_time (ra_tls()->gnutls_x509_crt_get_expiration_time)
#define gnutls_x509_crt_get_key_usage (ra_tls()->gnutls_x509_crt_get_key_usage)
#define gnutls_x509_crt_get_raw_issuer_dn (ra_tls()->gnutls_x509_crt_get_raw_issuer_dn)
#define gnutls_x509_crt_get_serial (ra_tls()->gnutls_x509_crt_get_serial)
#define gnutls_x509_crt_get_subject_alt_name (ra_tls()->gnutls_x509_crt_get_subject_alt_name)
#define gnutls_x509_crt_get_subject_key_id (ra_tls()->gnutls_x509_crt_get_subject_key_id)
#define gnutls_x509_crt_import (ra_tls()->gnutls_x509_crt_import)
#define gnutls_x509_crt_import_url (ra_tls()->gnutls_x509_crt_import_url)
#define gnutls_x509_crt_init (ra_tls()->gnutls_x509_crt_init)
#define gnutls_x509_crt_list_import2 (ra_tls()->gnutls_x509_crt_list_import2)
#define gnutls_x509_privkey_deinit (ra_tls()->gnutls_x509_privkey_deinit)
#define gnutls_x509_privkey_import2 (ra_tls()->gnutls_x509_privkey_import2)
#define gnutls_x509_privkey_init (ra_tls()->gnutls_x509_privkey_init)
#define gnutls_x509_trust_list_add_trust_mem (ra_tls()->gnutls_x509_trust_list_add_trust_mem)
#define gnutls_x509_trust_list_deinit (ra_tls()->gnutls_x509_trust_list_deinit)
#define gnutls_x509_trust_list_init (ra_tls()->gnutls_x509_trust_list_init)
#define gnutls_free (*ra_tls()->free_fn)
#endif

#endif
