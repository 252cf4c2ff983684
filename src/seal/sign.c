/* sign.c - readyaudit sign: the signer's key and certificates (PEM, PKCS#12,
 * PKCS#11 through GnuTLS), the checks a signer must pass, the CMS (GnuTLS
 * PKCS#7 with the ESS signing-certificate-v2 attribute built here) and the
 * incremental update that puts it in the role's field. */
#include "seal/sign.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "base/io.h"
#include "seal/pdfread.h"
#include "seal/signature.h"
#include "seal/tls.h"
#include "seal/verify.h"

/* Key files, certificates and PIN files are small. */
#define KEY_FILE_MAX (1024u * 1024)

/* The /Contents placeholder: room for the CMS and a later timestamp token. */
#define CONTENTS_BASE 8192u
#define CONTENTS_MAX 32000u

/* The signer: its private key and its certificate first, then the chain. */
typedef struct {
    gnutls_privkey_t key;
    gnutls_x509_crt_t *certs;
    unsigned ncerts;
    bool pkcs11; /* gnutls_pkcs11_init was called */
} signer_t;

/* What the PIN callback gives and learns. */
typedef struct {
    char pin[256];
    bool have;
    bool wrong; /* the token said the PIN was wrong */
} pin_ctx_t;

/* A refusal or failure: the message to the sink, the reason to the caller. */
typedef struct {
    ra_diag_sink_t *sink;
    const char *name;
    ra_sign_refusal_t *refusal;
} ctx_t;

static ra_status_t refuse(ctx_t *c, ra_sign_refusal_t why, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static ra_status_t refuse(ctx_t *c, ra_sign_refusal_t why, const char *file, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ra_diag(c->sink, RA_DIAG_ERROR, file ? file : c->name, 0, "%s", msg);
    *c->refusal = why;
    return RA_ERR_INVALID;
}

void ra_sign_pdf_date(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 32, "D:%04u%02u%02u%02u%02u%02u+00'00'", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
             (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

/* Formats a time as YYYY-MM-DD for messages. */
static void day(time_t t, char out[16])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

/* Reads a secret from a file: its first line, without the end of line. */
static ra_status_t read_secret(ctx_t *c, const char *path, char out[256])
{
    ra_buf_t b = RA_BUF_INIT;
    ra_status_t st = ra_read_file(path, 4096, &b, c->sink);
    if (st == RA_OK) {
        size_t n = strcspn(ra_buf_str(&b), "\r\n");
        if (n >= 256) {
            ra_diag(c->sink, RA_DIAG_ERROR, path, 0, "the secret is longer than 255 bytes");
            st = RA_ERR_INVALID;
        } else {
            memcpy(out, b.data, n);
            out[n] = '\0';
        }
    }
    ra_buf_free(&b);
    return st;
}

/* Appends the certificates of a PEM file to the signer's list. */
static ra_status_t add_pem_certs(ctx_t *c, signer_t *s, const char *path)
{
    ra_buf_t b = RA_BUF_INIT;
    ra_status_t st = ra_read_file(path, KEY_FILE_MAX, &b, c->sink);
    if (st != RA_OK) {
        ra_buf_free(&b);
        return st;
    }
    gnutls_datum_t d = {(unsigned char *)b.data, (unsigned)b.len};
    gnutls_x509_crt_t *list = NULL;
    unsigned n = 0;
    int r = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);
    if (r < 0 || n == 0) {
        r = gnutls_x509_crt_list_import2(&list, &n, &d, GNUTLS_X509_FMT_DER, 0);
    }
    ra_buf_free(&b);
    if (r < 0 || n == 0) {
        ra_diag(c->sink, RA_DIAG_ERROR, path, 0, "not a certificate (PEM or DER): %s",
                gnutls_strerror(r));
        return RA_ERR_INVALID;
    }
    gnutls_x509_crt_t *all = realloc(s->certs, (s->ncerts + n) * sizeof *all);
    if (!all) {
        for (unsigned i = 0; i < n; i++)
            gnutls_x509_crt_deinit(list[i]);
        gnutls_free(list);
        return RA_ERR_NOMEM;
    }
    memcpy(all + s->ncerts, list, n * sizeof *list);
    s->certs = all;
    s->ncerts += n;
    gnutls_free(list);
    return RA_OK;
}

static ra_status_t load_pem(ctx_t *c, const ra_sign_keys_t *k, signer_t *s)
{
    ra_buf_t b = RA_BUF_INIT;
    ra_status_t st = ra_read_file(k->key_path, KEY_FILE_MAX, &b, c->sink);
    if (st != RA_OK) {
        ra_buf_free(&b);
        return st;
    }
    gnutls_x509_privkey_t xk = NULL;
    gnutls_datum_t d = {(unsigned char *)b.data, (unsigned)b.len};
    int r = gnutls_x509_privkey_init(&xk);
    if (r >= 0)
        r = gnutls_x509_privkey_import2(xk, &d, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
    if (r < 0)
        r = gnutls_x509_privkey_import2(xk, &d, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN);
    ra_buf_free(&b);
    if (r < 0) {
        gnutls_x509_privkey_deinit(xk);
        ra_diag(c->sink, RA_DIAG_ERROR, k->key_path, 0,
                "not an unencrypted private key (PEM or DER): %s", gnutls_strerror(r));
        return RA_ERR_INVALID;
    }
    if (gnutls_privkey_init(&s->key) < 0 ||
        gnutls_privkey_import_x509(s->key, xk, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0) {
        gnutls_x509_privkey_deinit(xk);
        return RA_ERR_NOMEM;
    }
    st = add_pem_certs(c, s, k->cert_path);
    if (st == RA_OK && k->chain_path)
        st = add_pem_certs(c, s, k->chain_path);
    return st;
}

static ra_status_t load_p12(ctx_t *c, const ra_sign_keys_t *k, signer_t *s)
{
    char pass[256] = "";
    ra_status_t st = k->password_path ? read_secret(c, k->password_path, pass) : RA_OK;
    ra_buf_t b = RA_BUF_INIT;
    if (st == RA_OK)
        st = ra_read_file(k->p12_path, KEY_FILE_MAX, &b, c->sink);
    if (st != RA_OK) {
        ra_buf_free(&b);
        return st;
    }
    gnutls_pkcs12_t p12 = NULL;
    gnutls_datum_t d = {(unsigned char *)b.data, (unsigned)b.len};
    int r = gnutls_pkcs12_init(&p12);
    if (r >= 0 && (r = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0)) < 0)
        r = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_PEM, 0);
    ra_buf_free(&b);
    if (r < 0) {
        gnutls_pkcs12_deinit(p12);
        ra_diag(c->sink, RA_DIAG_ERROR, k->p12_path, 0, "not a PKCS#12 file: %s",
                gnutls_strerror(r));
        return RA_ERR_INVALID;
    }
    r = gnutls_pkcs12_verify_mac(p12, pass);
    gnutls_x509_privkey_t xk = NULL;
    gnutls_x509_crt_t *chain = NULL, *extra = NULL;
    unsigned nchain = 0, nextra = 0;
    if (r >= 0 || r == GNUTLS_E_UNKNOWN_HASH_ALGORITHM)
        r = gnutls_pkcs12_simple_parse(p12, pass, &xk, &chain, &nchain, &extra, &nextra, NULL, 0);
    gnutls_pkcs12_deinit(p12);
    if (r == GNUTLS_E_MAC_VERIFY_FAILED || r == GNUTLS_E_DECRYPTION_FAILED)
        return refuse(c, RA_SIGN_BAD_SECRET, k->p12_path, "wrong password for this PKCS#12 file%s",
                      k->password_path ? "" : " (give it with --password-file)");
    if (r < 0 || !xk || nchain == 0) {
        gnutls_x509_privkey_deinit(xk);
        for (unsigned i = 0; i < nchain; i++)
            gnutls_x509_crt_deinit(chain[i]);
        for (unsigned i = 0; i < nextra; i++)
            gnutls_x509_crt_deinit(extra[i]);
        gnutls_free(chain);
        gnutls_free(extra);
        if (r >= 0 || r == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            return refuse(c, RA_SIGN_KEY_MISMATCH, k->p12_path,
                          "the PKCS#12 file holds no certificate for its private key");
        ra_diag(c->sink, RA_DIAG_ERROR, k->p12_path, 0, "cannot read the PKCS#12 file: %s",
                gnutls_strerror(r));
        return RA_ERR_INVALID;
    }
    s->certs = calloc(nchain + nextra, sizeof *s->certs);
    if (!s->certs || gnutls_privkey_init(&s->key) < 0 ||
        gnutls_privkey_import_x509(s->key, xk, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0) {
        gnutls_x509_privkey_deinit(xk);
        xk = NULL;
        st = RA_ERR_NOMEM;
    }
    for (unsigned i = 0; i < nchain; i++)
        s->certs &&st == RA_OK ? (void)(s->certs[s->ncerts++] = chain[i])
                               : gnutls_x509_crt_deinit(chain[i]);
    for (unsigned i = 0; i < nextra; i++)
        s->certs &&st == RA_OK ? (void)(s->certs[s->ncerts++] = extra[i])
                               : gnutls_x509_crt_deinit(extra[i]);
    gnutls_free(chain);
    gnutls_free(extra);
    return st;
}

static int pin_callback(void *userdata, int attempt, const char *token_url, const char *token_label,
                        unsigned int flags, char *pin, size_t pin_max)
{
    (void)token_url;
    (void)token_label;
    pin_ctx_t *p = userdata;
    if ((flags & GNUTLS_PIN_WRONG) || attempt > 0) {
        p->wrong = true;
        return GNUTLS_E_PKCS11_PIN_ERROR;
    }
    if (!p->have || strlen(p->pin) >= pin_max)
        return GNUTLS_E_PKCS11_PIN_ERROR;
    memcpy(pin, p->pin, strlen(p->pin) + 1);
    return 0;
}

/* Decodes %XX escapes of a URI attribute value of n bytes into out. */
static void pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        char hex[3] = {i + 2 < n ? s[i + 1] : 0, i + 2 < n ? s[i + 2] : 0, 0};
        char *end = NULL;
        long v = s[i] == '%' && hex[0] && hex[1] ? strtol(hex, &end, 16) : -1;
        if (v >= 0 && end == hex + 2) {
            out[k++] = (char)v;
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
}

/* Splits module-path=... out of a PKCS#11 URI: the module's path into module
 * (empty when the URI names none) and the URI without it into rest. */
static void split_module(const char *uri, char *module, size_t mcap, ra_buf_t *rest)
{
    module[0] = '\0';
    const char *q = strchr(uri, '?');
    if (!q) {
        ra_buf_puts(rest, uri);
        return;
    }
    ra_buf_append(rest, uri, (size_t)(q - uri));
    bool first = true;
    for (const char *a = q + 1; *a;) {
        size_t n = strcspn(a, "&");
        if (n > 12 && memcmp(a, "module-path=", 12) == 0) {
            pct_decode(a + 12, n - 12, module, mcap);
        } else if (n) {
            ra_buf_putc(rest, first ? '?' : '&');
            ra_buf_append(rest, a, n);
            first = false;
        }
        a += n;
        if (*a == '&')
            a++;
    }
}

static ra_status_t load_pkcs11(ctx_t *c, const ra_sign_keys_t *k, signer_t *s, pin_ctx_t *pin)
{
    ra_status_t st = RA_OK;
    if (k->pin_path) {
        if ((st = read_secret(c, k->pin_path, pin->pin)) != RA_OK)
            return st;
        pin->have = true;
    }
    char module[1024];
    ra_buf_t uri = RA_BUF_INIT, cert_uri = RA_BUF_INIT;
    split_module(k->pkcs11_uri, module, sizeof module, &uri);
    int r =
        gnutls_pkcs11_init(module[0] ? GNUTLS_PKCS11_FLAG_MANUAL : GNUTLS_PKCS11_FLAG_AUTO, NULL);
    s->pkcs11 = r >= 0;
    if (r >= 0 && module[0] && (r = gnutls_pkcs11_add_provider(module, NULL)) < 0) {
        ra_diag(c->sink, RA_DIAG_ERROR, c->name, 0, "cannot load the PKCS#11 module %s: %s", module,
                gnutls_strerror(r));
        st = RA_ERR_INVALID;
        goto done;
    }
    gnutls_pkcs11_set_pin_function(pin_callback, pin);
    if (r >= 0 && (r = gnutls_privkey_init(&s->key)) >= 0) {
        gnutls_privkey_set_pin_function(s->key, pin_callback, pin);
        r = gnutls_privkey_import_url(s->key, ra_buf_str(&uri), 0);
    }
    if (r < 0) {
        if (r == GNUTLS_E_PKCS11_PIN_ERROR || pin->wrong)
            st = refuse(c, RA_SIGN_BAD_SECRET, c->name, "wrong PIN for the PKCS#11 token%s",
                        k->pin_path ? "" : " (give it with --pin-file)");
        else {
            ra_diag(c->sink, RA_DIAG_ERROR, c->name, 0, "no private key at %s: %s", k->pkcs11_uri,
                    gnutls_strerror(r));
            st = RA_ERR_INVALID;
        }
        goto done;
    }
    if (k->cert_path) {
        st = add_pem_certs(c, s, k->cert_path);
    } else {
        /* The certificate beside the key on the token: the same URI, type=cert. */
        const char *u = ra_buf_str(&uri);
        const char *t = strstr(u, "type=private");
        if (t) {
            ra_buf_append(&cert_uri, u, (size_t)(t - u));
            ra_buf_puts(&cert_uri, "type=cert");
            ra_buf_puts(&cert_uri, t + 12);
        } else {
            size_t n = strcspn(u, "?");
            ra_buf_append(&cert_uri, u, n);
            ra_buf_puts(&cert_uri, ";type=cert");
            ra_buf_puts(&cert_uri, u + n);
        }
        gnutls_x509_crt_t crt = NULL;
        r = gnutls_x509_crt_init(&crt);
        if (r >= 0)
            r = gnutls_x509_crt_import_url(crt, ra_buf_str(&cert_uri),
                                           GNUTLS_PKCS11_OBJ_FLAG_LOGIN);
        if (r < 0) {
            gnutls_x509_crt_deinit(crt);
            if (r == GNUTLS_E_PKCS11_PIN_ERROR || pin->wrong) {
                st = refuse(c, RA_SIGN_BAD_SECRET, c->name, "wrong PIN for the PKCS#11 token%s",
                            k->pin_path ? "" : " (give it with --pin-file)");
            } else {
                ra_diag(c->sink, RA_DIAG_ERROR, c->name, 0,
                        "no certificate on the token at %s (give one with --cert): %s",
                        ra_buf_str(&cert_uri), gnutls_strerror(r));
                st = RA_ERR_INVALID;
            }
            goto done;
        }
        s->certs = calloc(1, sizeof *s->certs);
        if (!s->certs) {
            gnutls_x509_crt_deinit(crt);
            st = RA_ERR_NOMEM;
            goto done;
        }
        s->certs[s->ncerts++] = crt;
    }
done:
    ra_buf_free(&uri);
    ra_buf_free(&cert_uri);
    return st;
}

static void signer_free(signer_t *s)
{
    if (s->key)
        gnutls_privkey_deinit(s->key);
    for (unsigned i = 0; i < s->ncerts; i++)
        gnutls_x509_crt_deinit(s->certs[i]);
    free(s->certs);
    if (s->pkcs11)
        gnutls_pkcs11_deinit();
    memset(s, 0, sizeof *s);
}

/* The certificate's subject common name, or its whole DN. */
static void subject_name(gnutls_x509_crt_t crt, char *out, size_t cap)
{
    size_t n = cap;
    if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, out, &n) < 0) {
        n = cap;
        if (gnutls_x509_crt_get_dn(crt, out, &n) < 0)
            snprintf(out, cap, "(unnamed)");
    }
}

/* The signer's certificate must fit its key, be valid at t and allow signing. */
static ra_status_t check_signer(ctx_t *c, const ra_sign_keys_t *k, signer_t *s, pin_ctx_t *pin,
                                time_t t)
{
    const char *cert_file = k->cert_path ? k->cert_path : k->p12_path ? k->p12_path : c->name;
    gnutls_x509_crt_t crt = s->certs[0];
    char cn[256];
    subject_name(crt, cn, sizeof cn);
    /* The key fits the certificate when what it signs the certificate's key verifies. */
    static const unsigned char probe[] = "readyaudit: does this key fit its certificate?";
    gnutls_datum_t data = {(unsigned char *)probe, sizeof probe - 1}, sig = {NULL, 0};
    gnutls_pubkey_t pub = NULL;
    int r = gnutls_privkey_sign_data(s->key, GNUTLS_DIG_SHA256, 0, &data, &sig);
    if (r < 0) {
        if (r == GNUTLS_E_PKCS11_PIN_ERROR || pin->wrong)
            return refuse(c, RA_SIGN_BAD_SECRET, c->name, "wrong PIN for the PKCS#11 token%s",
                          k->pin_path ? "" : " (give it with --pin-file)");
        ra_diag(c->sink, RA_DIAG_ERROR, c->name, 0, "the private key cannot sign: %s",
                gnutls_strerror(r));
        return RA_ERR_INVALID;
    }
    bool fits = gnutls_pubkey_init(&pub) >= 0 && gnutls_pubkey_import_x509(pub, crt, 0) >= 0;
    if (fits) {
        int pk = gnutls_pubkey_get_pk_algorithm(pub, NULL);
        gnutls_sign_algorithm_t algo = gnutls_pk_to_sign(pk, GNUTLS_DIG_SHA256);
        fits = gnutls_pubkey_verify_data2(pub, algo, 0, &data, &sig) >= 0;
    }
    gnutls_free(sig.data);
    gnutls_pubkey_deinit(pub);
    if (!fits)
        return refuse(c, RA_SIGN_KEY_MISMATCH, cert_file,
                      "the private key does not match the certificate of '%s'", cn);
    time_t act = gnutls_x509_crt_get_activation_time(crt);
    time_t exp = gnutls_x509_crt_get_expiration_time(crt);
    char d1[16], d2[16];
    day(t, d2);
    if (exp != (time_t)-1 && t > exp) {
        day(exp, d1);
        return refuse(c, RA_SIGN_CERT_TIME, cert_file,
                      "the certificate of '%s' expired on %s (signing time %s)", cn, d1, d2);
    }
    if (act != (time_t)-1 && t < act) {
        day(act, d1);
        return refuse(c, RA_SIGN_CERT_TIME, cert_file,
                      "the certificate of '%s' is not valid before %s (signing time %s)", cn, d1,
                      d2);
    }
    unsigned usage = 0;
    r = gnutls_x509_crt_get_key_usage(crt, &usage, NULL);
    if (r >= 0 && !(usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)))
        return refuse(c, RA_SIGN_CERT_USAGE, cert_file,
                      "the certificate of '%s' does not allow signing: its key usage has neither "
                      "digitalSignature nor nonRepudiation",
                      cn);
    return RA_OK;
}

/* ------------------------------------------------------------------- CMS */

/* Appends a DER tag and length. */
static void der_head(ra_buf_t *b, unsigned char tag, size_t len)
{
    ra_buf_putc(b, (char)tag);
    if (len < 128) {
        ra_buf_putc(b, (char)len);
    } else {
        unsigned char l[8];
        int n = 0;
        for (size_t v = len; v; v >>= 8)
            l[n++] = (unsigned char)(v & 0xff);
        ra_buf_putc(b, (char)(0x80 | n));
        while (n-- > 0)
            ra_buf_putc(b, (char)l[n]);
    }
}

/* Appends tag, length and the content of inner. */
static void der_wrap(ra_buf_t *b, unsigned char tag, const ra_buf_t *inner)
{
    der_head(b, tag, inner->len);
    ra_buf_append(b, inner->data ? inner->data : "", inner->len);
}

/* SigningCertificateV2 (RFC 5035) for crt: SEQUENCE { SEQUENCE { ESSCertIDv2 {
 * certHash (SHA-256, the default algorithm, so no AlgorithmIdentifier),
 * issuerSerial { GeneralNames { [4] issuer Name }, serialNumber } } } }. */
static ra_status_t ess_signing_cert_v2(gnutls_x509_crt_t crt, ra_buf_t *out)
{
    gnutls_datum_t der = {NULL, 0}, issuer = {NULL, 0};
    unsigned char serial[64], hash[32];
    size_t nserial = sizeof serial;
    if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) < 0 ||
        gnutls_x509_crt_get_raw_issuer_dn(crt, &issuer) < 0 ||
        gnutls_x509_crt_get_serial(crt, serial, &nserial) < 0) {
        gnutls_free(der.data);
        gnutls_free(issuer.data);
        return RA_ERR_INVALID;
    }
    ra_sha256(der.data, der.size, hash);
    ra_buf_t dn = RA_BUF_INIT, names = RA_BUF_INIT, is = RA_BUF_INIT, id = RA_BUF_INIT,
             ids = RA_BUF_INIT, num = RA_BUF_INIT;
    /* [4] EXPLICIT Name: the issuer's DER inside a constructed context tag. */
    ra_buf_append(&dn, (const char *)issuer.data, issuer.size);
    ra_buf_t gn = RA_BUF_INIT;
    der_wrap(&gn, 0xA4, &dn);
    der_wrap(&names, 0x30, &gn);
    /* The serial as a positive INTEGER. */
    if (nserial && (serial[0] & 0x80))
        ra_buf_putc(&num, 0);
    ra_buf_append(&num, (const char *)serial, nserial);
    ra_buf_append(&is, names.data, names.len);
    der_wrap(&is, 0x02, &num);
    der_head(&id, 0x04, 32);
    ra_buf_append(&id, (const char *)hash, 32);
    der_wrap(&id, 0x30, &is);
    der_wrap(&ids, 0x30, &id);
    ra_buf_t seq = RA_BUF_INIT;
    der_wrap(&seq, 0x30, &ids);
    der_wrap(out, 0x30, &seq);
    gnutls_free(der.data);
    gnutls_free(issuer.data);
    bool failed = ra_buf_failed(&dn) || ra_buf_failed(&gn) || ra_buf_failed(&names) ||
                  ra_buf_failed(&is) || ra_buf_failed(&id) || ra_buf_failed(&ids) ||
                  ra_buf_failed(&seq) || ra_buf_failed(&num) || ra_buf_failed(out);
    ra_buf_free(&dn);
    ra_buf_free(&gn);
    ra_buf_free(&names);
    ra_buf_free(&is);
    ra_buf_free(&id);
    ra_buf_free(&ids);
    ra_buf_free(&seq);
    ra_buf_free(&num);
    return failed ? RA_ERR_NOMEM : RA_OK;
}

/* The detached CMS over data: SHA-256, signed attributes content-type,
 * message-digest and signing-certificate-v2 (no signing-time), the signer's
 * certificate and its chain. */
static ra_status_t make_cms(ctx_t *c, signer_t *s, const gnutls_datum_t *data, gnutls_datum_t *out)
{
    gnutls_pkcs7_t p7 = NULL;
    gnutls_pkcs7_attrs_t attrs = NULL;
    ra_buf_t ess = RA_BUF_INIT;
    ra_status_t st = ess_signing_cert_v2(s->certs[0], &ess);
    int r = 0;
    if (st == RA_OK) {
        gnutls_datum_t e = {(unsigned char *)ess.data, (unsigned)ess.len};
        r = gnutls_pkcs7_add_attr(&attrs, "1.2.840.113549.1.9.16.2.47", &e, 0);
    }
    if (st == RA_OK && r >= 0)
        r = gnutls_pkcs7_init(&p7);
    if (st == RA_OK && r >= 0)
        r = gnutls_pkcs7_sign(p7, s->certs[0], s->key, data, attrs, NULL, GNUTLS_DIG_SHA256,
                              GNUTLS_PKCS7_INCLUDE_CERT);
    for (unsigned i = 1; st == RA_OK && r >= 0 && i < s->ncerts; i++)
        r = gnutls_pkcs7_set_crt(p7, s->certs[i]);
    if (st == RA_OK && r >= 0)
        r = gnutls_pkcs7_export2(p7, GNUTLS_X509_FMT_DER, out);
    if (st == RA_OK && r < 0) {
        ra_diag(c->sink, RA_DIAG_ERROR, c->name, 0, "the signature could not be made: %s",
                gnutls_strerror(r));
        st = r == GNUTLS_E_MEMORY_ERROR ? RA_ERR_NOMEM : RA_ERR_IO;
    }
    gnutls_pkcs7_attrs_deinit(attrs);
    gnutls_pkcs7_deinit(p7);
    ra_buf_free(&ess);
    return st;
}

/* ------------------------------------------------------------ the report */

/* The report must be ours, whole, and changed since issue only by valid signatures. */
static ra_status_t check_intact(ctx_t *c, const char *pdf, size_t len, ra_pdfdoc_t **doc)
{
    char why[256];
    ra_status_t st = ra_pdfdoc_open(pdf, len, doc, why);
    if (st == RA_ERR_NOMEM)
        return st;
    if (st != RA_OK)
        return refuse(c, RA_SIGN_NOT_INTACT, NULL, "not an intact readyaudit report: %s", why);
    ra_verify_t v;
    st = ra_verify_report(pdf, ra_pdfdoc_revision(*doc, 0)->end, &v);
    if (st == RA_ERR_NOMEM)
        return st;
    if (st == RA_ERR_INVALID)
        return refuse(c, RA_SIGN_NOT_INTACT, NULL,
                      "not an intact readyaudit report: it has no readyaudit integrity data");
    if (st != RA_OK)
        return refuse(c, RA_SIGN_NOT_INTACT, NULL,
                      "not an intact readyaudit report: its integrity data is inconsistent (the "
                      "report ID does not derive from the digests it lists)");
    ra_sig_report_t rep;
    st = ra_signatures_check(pdf, len, ra_pdfdoc_revision(*doc, 0)->end, NULL, &rep);
    if (st == RA_ERR_NOMEM)
        return st;
    if (st != RA_OK) {
        ra_sig_report_free(&rep);
        return refuse(c, RA_SIGN_NOT_INTACT, NULL, "not an intact readyaudit report: %s",
                      rep.other[0] ? rep.other : "its updates cannot be read");
    }
    if (!rep.only_signatures)
        st = refuse(c, RA_SIGN_NOT_INTACT, NULL,
                    "not an intact readyaudit report: changed after issue by an update that is "
                    "not a signature (%s)",
                    rep.other);
    for (size_t i = 0; st == RA_OK && i < rep.nsigs; i++)
        if (!rep.sigs[i].valid)
            st = refuse(c, RA_SIGN_NOT_INTACT, NULL,
                        "not an intact readyaudit report: the signature in field '%s' is not "
                        "valid (%s)",
                        rep.sigs[i].field, rep.sigs[i].problem);
    ra_sig_report_free(&rep);
    return st;
}

/* The field named role among the AcroForm's fields, as of the newest revision. */
typedef struct {
    ra_pdfv_t *acroform;
    unsigned acroform_num, acroform_gen;
    ra_pdfv_t *field;
    unsigned field_num, field_gen;
} found_t;

static ra_status_t find_field(ctx_t *c, ra_pdfdoc_t *doc, const char *role, found_t *f)
{
    size_t last = ra_pdfdoc_nrevisions(doc) - 1;
    const ra_pdfrev_t *rev = ra_pdfdoc_revision(doc, last);
    ra_pdfv_t *root = ra_pdfdoc_resolve(doc, last, ra_pdfv_get(rev->trailer, "Root"));
    ra_pdfv_t *ref = ra_pdfv_get(root, "AcroForm");
    ra_pdfv_t *af = ref && ref->kind == RA_PDFV_REF ? ra_pdfdoc_resolve(doc, last, ref) : NULL;
    ra_pdfv_t *fields = ra_pdfdoc_resolve(doc, last, ra_pdfv_get(af, "Fields"));
    if (!root || !af || af->kind != RA_PDFV_DICT || !fields || fields->kind != RA_PDFV_ARRAY)
        return refuse(c, RA_SIGN_NO_FIELD, NULL,
                      "no signature field '%s': this report has no signature fields", role);
    ra_buf_t names = RA_BUF_INIT;
    f->acroform = af;
    f->acroform_num = (unsigned)ref->num;
    f->acroform_gen = ref->gen;
    for (size_t i = 0; i < fields->n; i++) {
        ra_pdfv_t *fr = fields->items[i];
        ra_pdfv_t *fd = fr->kind == RA_PDFV_REF ? ra_pdfdoc_resolve(doc, last, fr) : NULL;
        ra_pdfv_t *t = ra_pdfv_get(fd, "T");
        if (!t || t->kind != RA_PDFV_STRING || !ra_pdfv_is_name(ra_pdfv_get(fd, "FT"), "Sig"))
            continue;
        ra_buf_printf(&names, "%s%s", names.len ? ", " : "", t->s);
        if (strlen(t->s) == t->len && strcmp(t->s, role) == 0 && !f->field) {
            f->field = fd;
            f->field_num = (unsigned)fr->num;
            f->field_gen = fr->gen;
        }
    }
    ra_status_t st = RA_OK;
    if (ra_buf_failed(&names))
        st = RA_ERR_NOMEM;
    else if (!f->field)
        st =
            refuse(c, RA_SIGN_NO_FIELD, NULL, "no signature field '%s' in this report (%s%s)", role,
                   names.len ? "its fields: " : "it has no signature fields", ra_buf_str(&names));
    else if (ra_pdfv_get(f->field, "V"))
        st = refuse(c, RA_SIGN_SIGNED, NULL, "the signature field '%s' is already signed", role);
    ra_buf_free(&names);
    return st;
}

/* Appends dictionary d without the keys in skip (NULL-terminated) and
 * with extra before its closing ">>". */
static void write_dict_except(ra_buf_t *out, const char *data, const ra_pdfv_t *d,
                              const char *const *skip, const char *extra)
{
    ra_buf_puts(out, "<<");
    for (size_t i = 0; i < d->n; i++) {
        bool drop = false;
        for (const char *const *k = skip; *k; k++)
            drop |= strcmp(d->keys[i], *k) == 0;
        if (drop)
            continue;
        ra_pdfv_t key = {.kind = RA_PDFV_NAME, .s = d->keys[i]};
        ra_buf_putc(out, ' ');
        ra_pdfv_write(out, data, &key);
        ra_buf_putc(out, ' ');
        ra_pdfv_write(out, data, d->items[i]);
    }
    ra_buf_printf(out, " %s >>", extra);
}

/* One object of the update: its number and where it starts. */
typedef struct {
    unsigned num, gen;
    size_t offset;
} written_t;

static int written_cmp(const void *a, const void *b)
{
    const written_t *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

ra_status_t ra_sign_report(const char *pdf, size_t len, const char *name,
                           const ra_sign_options_t *o, ra_diag_sink_t *sink, ra_buf_t *out,
                           ra_sign_refusal_t *refusal)
{
    *refusal = RA_SIGN_FINE;
    char why[256];
    if (ra_tls_load(why, sizeof why) != RA_OK) {
        ra_diag(sink, RA_DIAG_ERROR, name, 0, "cannot sign: %s", why);
        return RA_ERR_IO;
    }
    ctx_t c = {sink, name, refusal};
    ra_pdfdoc_t *doc = NULL;
    signer_t s = {0};
    pin_ctx_t pin = {{0}, false, false};
    gnutls_datum_t cms = {NULL, 0};
    ra_buf_t signed_bytes = RA_BUF_INIT;
    found_t f = {0};
    ra_status_t st = check_intact(&c, pdf, len, &doc);
    if (st == RA_OK)
        st = find_field(&c, doc, o->role, &f);
    /* The signer. */
    const ra_sign_keys_t *k = &o->keys;
    if (st == RA_OK)
        st = k->p12_path     ? load_p12(&c, k, &s)
             : k->pkcs11_uri ? load_pkcs11(&c, k, &s, &pin)
                             : load_pem(&c, k, &s);
    time_t t = o->epoch_set ? (time_t)o->epoch : time(NULL);
    if (st == RA_OK)
        st = check_signer(&c, k, &s, &pin, t);
    if (st != RA_OK)
        goto done;

    /* The update: the signature, the field with /V, the AcroForm with /SigFlags. */
    size_t last = ra_pdfdoc_nrevisions(doc) - 1;
    const ra_pdfrev_t *rev = ra_pdfdoc_revision(doc, last);
    ra_pdfv_t *size = ra_pdfv_get(rev->trailer, "Size");
    if (!size || size->kind != RA_PDFV_INT || size->num < 1 ||
        size->num >= RA_PDFREAD_MAX_OBJECTS) {
        st = refuse(&c, RA_SIGN_NOT_INTACT, NULL,
                    "not an intact readyaudit report: its trailer has no valid /Size");
        goto done;
    }
    unsigned signum = (unsigned)size->num;
    size_t certs_len = 0;
    for (unsigned i = 0; i < s.ncerts; i++) {
        gnutls_datum_t d = {NULL, 0};
        if (gnutls_x509_crt_export2(s.certs[i], GNUTLS_X509_FMT_DER, &d) >= 0)
            certs_len += d.size;
        gnutls_free(d.data);
    }
    size_t room = CONTENTS_BASE + 2 * certs_len;
    room = room > CONTENTS_MAX ? CONTENTS_MAX : (room + 1023) / 1024 * 1024;
    char mdate[32];
    ra_sign_pdf_date((int64_t)t, mdate);

    ra_buf_clear(out);
    ra_buf_append(out, pdf, len);
    if (len && pdf[len - 1] != '\n' && pdf[len - 1] != '\r')
        ra_buf_putc(out, '\n');
    written_t objs[3];
    objs[0] = (written_t){signum, 0, out->len};
    ra_buf_printf(out,
                  "%u 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
                  "/ByteRange ",
                  signum);
    size_t br = out->len;
    static const char br_blank[] = "[0 0000000000 0000000000 0000000000]";
    ra_buf_puts(out, br_blank);
    ra_buf_puts(out, " /Contents ");
    size_t a = out->len;
    ra_buf_putc(out, '<');
    for (size_t i = 0; i < 2 * room; i++)
        ra_buf_putc(out, '0');
    ra_buf_putc(out, '>');
    size_t b = out->len;
    ra_buf_printf(out, " /M (%s) >>\nendobj\n", mdate);

    objs[1] = (written_t){f.field_num, f.field_gen, out->len};
    ra_buf_printf(out, "%u %u obj\n", f.field_num, f.field_gen);
    char extra[48];
    snprintf(extra, sizeof extra, "/V %u 0 R", signum);
    static const char *const skip_v[] = {"V", NULL};
    write_dict_except(out, pdf, f.field, skip_v, extra);
    ra_buf_puts(out, "\nendobj\n");

    objs[2] = (written_t){f.acroform_num, f.acroform_gen, out->len};
    ra_buf_printf(out, "%u %u obj\n", f.acroform_num, f.acroform_gen);
    static const char *const skip_flags[] = {"SigFlags", NULL};
    write_dict_except(out, pdf, f.acroform, skip_flags, "/SigFlags 3");
    ra_buf_puts(out, "\nendobj\n");

    /* A classic cross-reference section, one subsection per run of numbers. */
    qsort(objs, 3, sizeof *objs, written_cmp);
    size_t xref = out->len;
    ra_buf_puts(out, "xref\n");
    for (size_t i = 0; i < 3;) {
        size_t j = i + 1;
        while (j < 3 && objs[j].num == objs[j - 1].num + 1)
            j++;
        ra_buf_printf(out, "%u %zu\n", objs[i].num, j - i);
        for (; i < j; i++)
            ra_buf_printf(out, "%010zu %05u n\r\n", objs[i].offset, objs[i].gen);
    }
    ra_buf_puts(out, "trailer\n");
    static const char *const skip_trailer[] = {"Size", "Prev", "XRefStm", NULL};
    char tail[80];
    snprintf(tail, sizeof tail, "/Size %u /Prev %zu", signum + 1, rev->xref);
    write_dict_except(out, pdf, rev->trailer, skip_trailer, tail);
    ra_buf_printf(out, "\nstartxref\n%zu\n%%%%EOF\n", xref);
    if (ra_buf_failed(out)) {
        st = RA_ERR_NOMEM;
        goto done;
    }

    /* The signed ranges: everything but the /Contents hex string. */
    char range[sizeof br_blank + 16];
    int n = snprintf(range, sizeof range, "[0 %zu %zu %zu]", a, b, out->len - b);
    memset(out->data + br, ' ', sizeof br_blank - 1);
    memcpy(out->data + br, range, (size_t)n);
    if (ra_buf_append(&signed_bytes, out->data, a) != RA_OK ||
        ra_buf_append(&signed_bytes, out->data + b, out->len - b) != RA_OK) {
        st = RA_ERR_NOMEM;
        goto done;
    }
    gnutls_datum_t data = {(unsigned char *)signed_bytes.data, (unsigned)signed_bytes.len};
    if ((st = make_cms(&c, &s, &data, &cms)) != RA_OK)
        goto done;
    if (cms.size > room) {
        ra_diag(sink, RA_DIAG_ERROR, name, 0,
                "the signature (%u bytes) does not fit its placeholder (%zu bytes)", cms.size,
                room);
        st = RA_ERR_IO;
        goto done;
    }
    static const char digits[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < cms.size; i++) {
        out->data[a + 1 + 2 * i] = digits[cms.data[i] >> 4];
        out->data[a + 2 + 2 * i] = digits[cms.data[i] & 15];
    }
done:
    gnutls_free(cms.data);
    ra_buf_free(&signed_bytes);
    signer_free(&s);
    ra_pdfdoc_free(doc);
    memset(pin.pin, 0, sizeof pin.pin);
    return st;
}
