/* signature.c - what each incremental update after the original revision
 * does, and the GnuTLS check of each signature it adds. */
#include "seal/signature.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/hash.h"
#include "seal/pdfread.h"
#include "seal/tls.h"

#define OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"

static void set_other(ra_sig_report_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Notes the first update that does something other than sign. */
static void set_other(ra_sig_report_t *r, const char *fmt, ...)
{
    if (!r->only_signatures)
        return;
    r->only_signatures = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->other, sizeof r->other, fmt, ap);
    va_end(ap);
}

/* Adds a reason to a signature's problem ("; " between reasons). */
static void add_problem(ra_sig_info_t *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_problem(ra_sig_info_t *s, const char *fmt, ...)
{
    size_t n = strlen(s->problem);
    if (n && n + 2 < sizeof s->problem) {
        memcpy(s->problem + n, "; ", 3);
        n += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->problem + n, sizeof s->problem - n, fmt, ap);
    va_end(ap);
}

/* Says what kind of object a dictionary is, for messages. */
static const char *describe(const ra_pdfv_t *v, bool stream, bool info)
{
    if (info)
        return "the Info dictionary";
    const ra_pdfv_t *type = ra_pdfv_get(v, "Type");
    if (ra_pdfv_is_name(type, "Page"))
        return "a page";
    if (ra_pdfv_is_name(type, "Pages"))
        return "the page tree";
    if (ra_pdfv_is_name(type, "Catalog"))
        return "the catalog";
    if (ra_pdfv_is_name(type, "Metadata"))
        return "the XMP metadata";
    if (ra_pdfv_is_name(type, "Annot") || (ra_pdfv_get(v, "Subtype") && ra_pdfv_get(v, "Rect")))
        return "an annotation";
    if (ra_pdfv_is_name(type, "Font") || ra_pdfv_is_name(type, "FontDescriptor"))
        return "a font";
    if (ra_pdfv_is_name(type, "XObject"))
        return "an image or form XObject";
    if (ra_pdfv_is_name(type, "Sig"))
        return "a signature";
    if (ra_pdfv_get(v, "FT"))
        return "a form field";
    if (stream)
        return "a content stream";
    if (v && v->kind == RA_PDFV_DICT)
        return "a dictionary";
    return "a value";
}

/* Are dictionaries a and b equal but for the keys in skip (NULL-terminated)? */
static bool equal_except(const ra_pdfv_t *a, const ra_pdfv_t *b, const char *const *skip)
{
    if (!a || !b || a->kind != RA_PDFV_DICT || b->kind != RA_PDFV_DICT)
        return false;
    for (int pass = 0; pass < 2; pass++) {
        const ra_pdfv_t *x = pass ? b : a, *y = pass ? a : b;
        for (size_t i = 0; i < x->n; i++) {
            bool skipped = false;
            for (const char *const *k = skip; *k; k++)
                skipped |= strcmp(x->keys[i], *k) == 0;
            if (!skipped && !ra_pdfv_equal(x->items[i], ra_pdfv_get(y, x->keys[i])))
                return false;
        }
    }
    return true;
}

/* Converts a PDF date "D:YYYYMMDDHHmmSS+HH'mm'" to ISO 8601 UTC and a time. */
static bool pdf_date(const char *s, char iso[32], time_t *t)
{
    if (strncmp(s, "D:", 2) == 0)
        s += 2;
    int f[6] = {0, 1, 1, 0, 0, 0};
    static const int width[6] = {4, 2, 2, 2, 2, 2};
    size_t i = 0;
    for (int k = 0; k < 6; k++) {
        int v = 0, d = 0;
        for (; d < width[k] && s[i] >= '0' && s[i] <= '9'; d++)
            v = v * 10 + (s[i++] - '0');
        if (d == 0 && k == 0)
            return false;
        if (d == 0)
            break;
        if (d != width[k])
            return false;
        f[k] = v;
    }
    long off = 0;
    if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        int hh = 0, mm = 0;
        if (s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' && s[i + 2] <= '9') {
            hh = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
            const char *m = s + i + 3;
            if (*m == '\'')
                m++;
            if (m[0] >= '0' && m[0] <= '9' && m[1] >= '0' && m[1] <= '9')
                mm = (m[0] - '0') * 10 + (m[1] - '0');
        }
        off = sign * (hh * 3600L + mm * 60L);
    }
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
        return false;
    struct tm tm = {.tm_year = f[0] - 1900,
                    .tm_mon = f[1] - 1,
                    .tm_mday = f[2],
                    .tm_hour = f[3],
                    .tm_min = f[4],
                    .tm_sec = f[5]};
    *t = timegm(&tm) - off;
    gmtime_r(t, &tm);
    if (tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0)
        return false;
    snprintf(iso, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(tm.tm_year + 1900) % 10000u,
             (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
             (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
    return true;
}

/* The length of the DER value at the start of p (n bytes), or 0. A BER
 * value of indefinite length (NSS writes those) is given whole: GnuTLS reads
 * up to its end-of-contents and ignores the zeros that pad /Contents. */
static size_t der_length(const unsigned char *p, size_t n)
{
    if (n < 2 || p[0] != 0x30)
        return 0;
    if (p[1] == 0x80)
        return n;
    if (p[1] < 0x80)
        return 2 + (size_t)p[1] <= n ? 2 + (size_t)p[1] : 0;
    size_t k = p[1] & 0x7f, len = 0;
    if (k == 0 || k > 4 || 2 + k > n)
        return 0;
    for (size_t i = 0; i < k; i++)
        len = len << 8 | p[2 + i];
    return 2 + k + len <= n ? 2 + k + len : 0;
}

/* The certificate of the CMS that signer info idx names (by issuer and serial or key id). */
static gnutls_x509_crt_t find_signer(gnutls_pkcs7_t p7, const gnutls_pkcs7_signature_info_st *si)
{
    int n = gnutls_pkcs7_get_crt_count(p7);
    for (int i = 0; i < n; i++) {
        gnutls_datum_t raw = {NULL, 0};
        gnutls_x509_crt_t crt = NULL;
        if (gnutls_pkcs7_get_crt_raw2(p7, (unsigned)i, &raw) < 0)
            continue;
        bool match = false;
        if (gnutls_x509_crt_init(&crt) >= 0 &&
            gnutls_x509_crt_import(crt, &raw, GNUTLS_X509_FMT_DER) >= 0) {
            gnutls_datum_t dn = {NULL, 0};
            unsigned char serial[64], kid[64];
            size_t ns = sizeof serial, nk = sizeof kid;
            if (si->issuer_dn.size && gnutls_x509_crt_get_raw_issuer_dn(crt, &dn) >= 0 &&
                gnutls_x509_crt_get_serial(crt, serial, &ns) >= 0)
                match = dn.size == si->issuer_dn.size &&
                        memcmp(dn.data, si->issuer_dn.data, dn.size) == 0 &&
                        ns == si->signer_serial.size &&
                        memcmp(serial, si->signer_serial.data, ns) == 0;
            if (!match && si->issuer_keyid.size &&
                gnutls_x509_crt_get_subject_key_id(crt, kid, &nk, NULL) >= 0)
                match = nk == si->issuer_keyid.size && memcmp(kid, si->issuer_keyid.data, nk) == 0;
            gnutls_free(dn.data);
        }
        gnutls_free(raw.data);
        if (match)
            return crt;
        gnutls_x509_crt_deinit(crt);
    }
    return NULL;
}

/* Name and e-mail of a certificate's subject. */
static void signer_names(gnutls_x509_crt_t crt, ra_sig_info_t *s)
{
    size_t n = sizeof s->signer;
    if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, s->signer, &n) < 0) {
        n = sizeof s->signer;
        if (gnutls_x509_crt_get_dn(crt, s->signer, &n) < 0)
            s->signer[0] = '\0';
    }
    n = sizeof s->email;
    if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_PKCS9_EMAIL, 0, 0, s->email, &n) >= 0)
        return;
    s->email[0] = '\0';
    for (unsigned i = 0; i < 16; i++) {
        char buf[256];
        size_t bn = sizeof buf;
        int type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &bn, NULL);
        if (type < 0)
            break;
        if (type == GNUTLS_SAN_RFC822NAME) {
            snprintf(s->email, sizeof s->email, "%s", buf);
            return;
        }
    }
}

/* Checks the CMS of signature dictionary sd, added by revision rev, into s. */
static ra_status_t check_one(const char *pdf, const ra_pdfrev_t *rev, const ra_pdfv_t *sd,
                             const char *trust_pem, ra_sig_info_t *s)
{
    s->revision_end = rev->end;
    time_t when = 0;
    const ra_pdfv_t *m = ra_pdfv_get(sd, "M");
    bool have_time = m && m->kind == RA_PDFV_STRING && pdf_date(m->s, s->signed_at, &when);
    s->valid = true;
    /* The ranges: [0, a) and [b, end of its revision), the /Contents between. */
    const ra_pdfv_t *br = ra_pdfv_get(sd, "ByteRange");
    const ra_pdfv_t *contents = ra_pdfv_get(sd, "Contents");
    const ra_pdfv_t *sub = ra_pdfv_get(sd, "SubFilter");
    long long r[4] = {-1, -1, -1, -1};
    for (size_t i = 0; br && br->kind == RA_PDFV_ARRAY && br->n == 4 && i < 4; i++)
        if (br->items[i]->kind == RA_PDFV_INT)
            r[i] = br->items[i]->num;
    if (!contents || contents->kind != RA_PDFV_STRING || !contents->hex) {
        s->valid = false;
        add_problem(s, "it has no /Contents hex string");
        return RA_OK;
    }
    if (r[0] != 0 || r[1] != (long long)contents->start || r[2] != (long long)contents->end ||
        r[3] < 0 || (size_t)r[2] + (size_t)r[3] != rev->end) {
        s->valid = false;
        add_problem(s,
                    "its /ByteRange does not cover exactly its revision (bytes 0 to %zu but its "
                    "/Contents)",
                    rev->end);
        return RA_OK;
    }
    if (!ra_pdfv_is_name(sub, "ETSI.CAdES.detached") &&
        !ra_pdfv_is_name(sub, "adbe.pkcs7.detached")) {
        s->valid = false;
        add_problem(s, "its /SubFilter is not ETSI.CAdES.detached or adbe.pkcs7.detached");
        return RA_OK;
    }
    ra_buf_t data = RA_BUF_INIT;
    if (ra_buf_append(&data, pdf, (size_t)r[1]) != RA_OK ||
        ra_buf_append(&data, pdf + r[2], (size_t)r[3]) != RA_OK) {
        ra_buf_free(&data);
        return RA_ERR_NOMEM;
    }
    gnutls_datum_t content = {(unsigned char *)data.data, (unsigned)data.len};
    gnutls_datum_t der = {(unsigned char *)contents->s,
                          (unsigned)der_length((const unsigned char *)contents->s, contents->len)};
    gnutls_pkcs7_t p7 = NULL;
    gnutls_x509_crt_t signer = NULL;
    gnutls_x509_trust_list_t tl = NULL;
    gnutls_pkcs7_signature_info_st si;
    bool have_si = false;
    memset(&si, 0, sizeof si);
    /* What follows a definite-length CMS must be the placeholder's zeros:
     * nothing may hide in the unsigned /Contents. */
    for (size_t i = der.size; der.size && der.size < contents->len && i < contents->len; i++)
        if (contents->s[i] != '\0') {
            s->valid = false;
            add_problem(s, "its /Contents holds bytes after the CMS signature");
            goto done;
        }
    if (der.size == 0 || gnutls_pkcs7_init(&p7) < 0 ||
        gnutls_pkcs7_import(p7, &der, GNUTLS_X509_FMT_DER) < 0) {
        s->valid = false;
        add_problem(s, "its /Contents is not a CMS signature");
        goto done;
    }
    if (gnutls_pkcs7_get_signature_info(p7, 0, &si) < 0) {
        s->valid = false;
        add_problem(s, "its CMS has no signer");
        goto done;
    }
    have_si = true;
    signer = find_signer(p7, &si);
    if (!signer) {
        s->valid = false;
        add_problem(s, "its CMS does not carry the signer's certificate");
        goto done;
    }
    signer_names(signer, s);
    /* The signature itself; the certificate's dates are cert_ok's business, at /M. */
    if (gnutls_pkcs7_verify_direct(p7, signer, 0, &content,
                                   GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                       GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS) < 0) {
        s->valid = false;
        add_problem(s, "the signature does not match the signed bytes (they were changed, or it "
                       "was made for another file)");
    }
    /* signing-certificate-v2, when present, must name this certificate. */
    for (unsigned i = 0; s->valid; i++) {
        char *oid = NULL;
        gnutls_datum_t val = {NULL, 0};
        if (gnutls_pkcs7_get_attr(si.signed_attrs, i, &oid, &val, 0) < 0)
            break;
        if (strcmp(oid, OID_SIGNING_CERT_V2) == 0) {
            gnutls_datum_t cd = {NULL, 0};
            unsigned char h[34] = {0x04, 0x20};
            bool found = false;
            if (gnutls_x509_crt_export2(signer, GNUTLS_X509_FMT_DER, &cd) >= 0) {
                ra_sha256(cd.data, cd.size, h + 2);
                found = val.size >= 34 && memmem(val.data, val.size, h, 34) != NULL;
            }
            gnutls_free(cd.data);
            if (!found) {
                s->valid = false;
                add_problem(s, "its signing-certificate-v2 attribute names another certificate");
            }
        }
        gnutls_free(val.data);
    }
    /* The certificate at the signing time. */
    s->cert_ok = true;
    time_t act = gnutls_x509_crt_get_activation_time(signer);
    time_t exp = gnutls_x509_crt_get_expiration_time(signer);
    if (!have_time) {
        s->cert_ok = false;
        add_problem(s, "it has no signing time (/M)");
    } else if ((exp != (time_t)-1 && when > exp) || (act != (time_t)-1 && when < act)) {
        s->cert_ok = false;
        add_problem(s, "the certificate was not valid at the signing time %s", s->signed_at);
    }
    unsigned usage = 0;
    if (gnutls_x509_crt_get_key_usage(signer, &usage, NULL) >= 0 &&
        !(usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION))) {
        s->cert_ok = false;
        add_problem(s, "the certificate's key usage does not allow signing");
    }
    /* The chain to a trust anchor (times are cert_ok's business). */
    if (!trust_pem) {
        add_problem(s, "no trust anchor was given, so it is not trusted");
    } else {
        gnutls_datum_t ca = {(unsigned char *)trust_pem, (unsigned)strlen(trust_pem)};
        int added = -1;
        if (gnutls_x509_trust_list_init(&tl, 0) >= 0)
            added = gnutls_x509_trust_list_add_trust_mem(tl, &ca, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
        if (added <= 0)
            add_problem(s, "the trust anchors hold no certificate");
        else if (gnutls_pkcs7_verify(p7, tl, NULL, 0, 0, &content,
                                     GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                         GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS) >= 0)
            s->trusted = s->valid;
        else
            add_problem(s, "the certificate does not chain to a trust anchor");
    }
done:
    if (have_si)
        gnutls_pkcs7_signature_info_deinit(&si);
    gnutls_x509_crt_deinit(signer);
    gnutls_pkcs7_deinit(p7);
    if (tl)
        gnutls_x509_trust_list_deinit(tl, 1);
    ra_buf_free(&data);
    return RA_OK;
}

/* A signature an update adds, and the field that takes it as /V. */
typedef struct {
    unsigned num;
    ra_pdfv_t *dict;
    const char *field; /* NULL until a field names it */
} added_sig_t;

/* Checks revision i (an update): what each of its objects is, then its signatures. */
static ra_status_t check_update(ra_pdfdoc_t *doc, size_t i, const char *trust_pem,
                                ra_sig_report_t *out)
{
    const ra_pdfrev_t *rev = ra_pdfdoc_revision(doc, i);
    const ra_pdfrev_t *prev = ra_pdfdoc_revision(doc, i - 1);
    const char *pdf = ra_pdfdoc_data(doc);
    char why[256] = "";
    /* The trailer keeps its catalog and Info dictionary. */
    static const char *const keys[] = {"Root", "Info", "Encrypt"};
    for (size_t k = 0; k < 3; k++)
        if (!ra_pdfv_equal(ra_pdfv_get(rev->trailer, keys[k]), ra_pdfv_get(prev->trailer, keys[k])))
            set_other(out, "the update ending at byte %zu changes the trailer's /%s", rev->end,
                      keys[k]);
    ra_pdfv_t *root = ra_pdfdoc_resolve(doc, i - 1, ra_pdfv_get(prev->trailer, "Root"));
    ra_pdfv_t *af_ref = ra_pdfv_get(root, "AcroForm");
    ra_pdfv_t *info_ref = ra_pdfv_get(prev->trailer, "Info");
    added_sig_t *sigs = calloc(rev->n ? rev->n : 1, sizeof *sigs);
    ra_pdfv_t **fields = calloc(rev->n ? rev->n : 1, sizeof *fields);
    size_t nsigs = 0, nfields = 0;
    ra_status_t st = sigs && fields ? RA_OK : RA_ERR_NOMEM;
    /* Forms an update may add: the appearance streams its fields name. */
    unsigned *forms = calloc(rev->n ? rev->n : 1, sizeof *forms);
    unsigned *old_ap = calloc(rev->n ? rev->n : 1, sizeof *old_ap);
    size_t nforms = 0, nold = 0;
    if (!forms || !old_ap)
        st = RA_ERR_NOMEM;
    for (size_t k = 0; st == RA_OK && k < rev->n; k++) {
        const ra_pdfxref_t *e = &rev->items[k];
        if (!e->in_use) {
            if (e->num != 0)
                set_other(out, "object %u is deleted", e->num);
            continue;
        }
        ra_pdfv_t *now = NULL, *before = NULL;
        bool stream = false, before_stream = false;
        st = ra_pdfdoc_object_at(doc, e, &now, &stream, why);
        if (st == RA_OK)
            st = ra_pdfdoc_object(doc, i - 1, e->num, &before, &before_stream, why);
        if (st == RA_ERR_INVALID) {
            set_other(out, "%s", why);
            st = RA_OK;
            continue;
        }
        if (st != RA_OK)
            break;
        bool is_info = info_ref && info_ref->kind == RA_PDFV_REF && info_ref->num == e->num;
        const char *what =
            describe(before ? before : now, before ? before_stream : stream, is_info);
        if (!before && ra_pdfv_is_name(ra_pdfv_get(now, "Type"), "Sig") && !stream) {
            sigs[nsigs++] = (added_sig_t){e->num, now, NULL};
            continue;
        }
        if (before && af_ref && af_ref->kind == RA_PDFV_REF && af_ref->num == e->num) {
            static const char *const skip[] = {"SigFlags", NULL};
            if (!equal_except(before, now, skip) || stream)
                set_other(out, "object %u (the AcroForm) is changed beyond its /SigFlags", e->num);
            continue;
        }
        if (before && ra_pdfv_is_name(ra_pdfv_get(before, "FT"), "Sig") && !before_stream) {
            /* A signer may also give the widget a new appearance (/AP, /AS)
             * and a modification date (/M), as poppler does. */
            static const char *const skip[] = {"V", "AP", "AS", "M", NULL};
            const ra_pdfv_t *t = ra_pdfv_get(before, "T");
            if (ra_pdfv_get(before, "V"))
                set_other(out, "object %u (the signature field '%s', already signed) is replaced",
                          e->num, t && t->kind == RA_PDFV_STRING ? t->s : "");
            else if (!equal_except(before, now, skip) || stream || !ra_pdfv_get(now, "V"))
                set_other(out, "object %u (the signature field '%s') is changed beyond its /V",
                          e->num, t && t->kind == RA_PDFV_STRING ? t->s : "");
            else
                fields[nfields++] = now;
            /* Its old appearance stream may be replaced too. */
            const ra_pdfv_t *n = ra_pdfv_get(ra_pdfv_get(before, "AP"), "N");
            if (n && n->kind == RA_PDFV_REF && nold < rev->n)
                old_ap[nold++] = (unsigned)n->num;
            continue;
        }
        if (stream && ra_pdfv_is_name(ra_pdfv_get(now, "Subtype"), "Form") &&
            (!before || before_stream)) {
            forms[nforms++] = e->num; /* allowed if a signed field's /AP names it */
            continue;
        }
        set_other(out, "object %u (%s) is %s", e->num, what, before ? "replaced" : "added");
    }
    /* Each new signature is the /V of exactly one field the update signs. */
    for (size_t f = 0; st == RA_OK && f < nfields; f++) {
        const ra_pdfv_t *v = ra_pdfv_get(fields[f], "V");
        const ra_pdfv_t *t = ra_pdfv_get(fields[f], "T");
        added_sig_t *hit = NULL;
        for (size_t k = 0; k < nsigs; k++)
            if (v->kind == RA_PDFV_REF && v->num == sigs[k].num && !sigs[k].field)
                hit = &sigs[k];
        if (!hit) {
            set_other(out, "the signature field '%s' is given a /V that is not a new signature",
                      t && t->kind == RA_PDFV_STRING ? t->s : "");
            continue;
        }
        hit->field = t && t->kind == RA_PDFV_STRING ? t->s : "";
        /* Its appearance stream, if replaced, may be one of the update's forms. */
        const ra_pdfv_t *n = ra_pdfv_get(ra_pdfv_get(fields[f], "AP"), "N");
        for (size_t k = 0; n && n->kind == RA_PDFV_REF && k < nforms; k++)
            if (forms[k] == n->num)
                forms[k] = 0;
    }
    for (size_t k = 0; k < nforms; k++)
        for (size_t j = 0; forms[k] && j < nold; j++)
            if (old_ap[j] == forms[k])
                forms[k] = 0;
    for (size_t k = 0; k < nforms; k++)
        if (forms[k])
            set_other(out, "object %u (a form XObject) is %s", forms[k],
                      ra_pdfdoc_entry(doc, i - 1, forms[k]) ? "replaced" : "added");
    if (st == RA_OK && nsigs == 0)
        set_other(out, "the update ending at byte %zu adds no signature", rev->end);
    for (size_t k = 0; st == RA_OK && k < nsigs; k++) {
        if (!sigs[k].field) {
            set_other(out, "object %u (a signature) is not the value of any field", sigs[k].num);
            continue;
        }
        ra_sig_info_t *grown = realloc(out->sigs, (out->nsigs + 1) * sizeof *grown);
        if (!grown) {
            st = RA_ERR_NOMEM;
            break;
        }
        out->sigs = grown;
        ra_sig_info_t *s = &out->sigs[out->nsigs++];
        memset(s, 0, sizeof *s);
        snprintf(s->field, sizeof s->field, "%s", sigs[k].field);
        st = check_one(pdf, rev, sigs[k].dict, trust_pem, s);
    }
    free(sigs);
    free(fields);
    free(forms);
    free(old_ap);
    return st;
}

ra_status_t ra_signatures_check(const char *pdf, size_t len, size_t original_len,
                                const char *trust_pem, ra_sig_report_t *out)
{
    memset(out, 0, sizeof *out);
    out->only_signatures = true;
    ra_pdfdoc_t *doc = NULL;
    char why[256];
    ra_status_t st = ra_pdfdoc_open(pdf, len, &doc, why);
    if (st != RA_OK) {
        set_other(out, "%s", st == RA_ERR_NOMEM ? "out of memory" : why);
        return st;
    }
    size_t first = 0, n = ra_pdfdoc_nrevisions(doc);
    while (first < n && ra_pdfdoc_revision(doc, first)->end < original_len)
        first++;
    if (first == n || ra_pdfdoc_revision(doc, first)->end != original_len) {
        set_other(out, "no revision of the file ends at byte %zu, where the original one should",
                  original_len);
        ra_pdfdoc_free(doc);
        return RA_ERR_INVALID;
    }
    /* GnuTLS is loaded when there is an update to check. */
    if (first + 1 < n && ra_tls_load(why, sizeof why) != RA_OK) {
        set_other(out, "cannot check the signatures: %s", why);
        st = RA_ERR_IO;
    }
    for (size_t i = first + 1; st == RA_OK && i < n; i++)
        st = check_update(doc, i, trust_pem, out);
    ra_pdfdoc_free(doc);
    return st;
}

void ra_sig_report_free(ra_sig_report_t *r)
{
    if (!r)
        return;
    free(r->sigs);
    r->sigs = NULL;
    r->nsigs = 0;
}
