/* verify.c - integrity data in the report's metadata, embedded records, and complete PDFs. */
#include "seal/verify.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/hash.h"
#include "model/load.h"

/* Decodes the PDF string after "/Keywords" (literal, or hex UTF-16BE) as ASCII.
 * Only the hex form counts when the file has an XMP packet: readyaudit writes
 * info strings in hex, and the packet, uncompressed, may quote "/Keywords (...)"
 * in a title, but never a '<', which XML escapes. */
static ra_status_t keywords(const char *pdf, size_t len, ra_buf_t *out)
{
    const char *end = pdf + len;
    const char *key = NULL;
    int hex_only = memmem(pdf, len, "<?xpacket", 9) != NULL;
    for (const char *p = pdf; p + 9 < end; p++) {
        p = memchr(p, '/', (size_t)(end - p));
        if (!p || p + 9 >= end)
            break;
        if (memcmp(p, "/Keywords", 9) != 0)
            continue;
        const char *v = p + 9;
        while (v < end && (*v == ' ' || *v == '\r' || *v == '\n'))
            v++;
        if (!hex_only || (v < end && *v == '<'))
            key = p + 9; /* the last one wins, as in an incremental update */
    }
    if (!key)
        return RA_ERR_INVALID;
    const char *p = key;
    while (p < end && (*p == ' ' || *p == '\r' || *p == '\n'))
        p++;
    if (p < end && *p == '(') {
        int depth = 1;
        for (p++; p < end && depth > 0 && out->len < 4096; p++) {
            if (*p == '\\' && p + 1 < end) {
                ra_buf_putc(out, *++p);
                continue;
            }
            if (*p == '(')
                depth++;
            else if (*p == ')' && --depth == 0)
                break;
            ra_buf_putc(out, *p);
        }
        return ra_buf_failed(out) ? RA_ERR_NOMEM : RA_OK; /* not "no data" */
    }
    if (p < end && *p == '<') {
        /* UTF-16BE with a byte-order mark: keep the low bytes. */
        unsigned v = 0;
        int nib = 0, byte = 0;
        for (p++; p < end && *p != '>' && out->len < 4096; p++) {
            int d = *p >= '0' && *p <= '9'   ? *p - '0'
                    : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                    : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                                             : -1;
            if (d < 0)
                continue;
            v = v * 16 + (unsigned)d;
            if (++nib == 2) {
                if (byte++ % 2 == 1 && byte > 2)
                    ra_buf_putc(out, (char)v);
                v = 0;
                nib = 0;
            }
        }
        return ra_buf_failed(out) ? RA_ERR_NOMEM : RA_OK; /* not "no data" */
    }
    return RA_ERR_INVALID;
}

/* The XMP properties of the integrity data, in the order and under the
 * names of the Keywords (ra_integrity_format). */
static const struct {
    const char *xmp, *key;
} xmp_fields[] = {
    {"reportId", "report-id"},
    {"recordSha256", "record-sha256"},
    {"checklistSha256", "checklist-sha256"},
    {"templateSha256", "template-sha256"},
    {"logoSha256", "logo-sha256"},
    {"fontsSha256", "fonts-sha256"},
    {"hyphenSha256", "hyphen-sha256"},     /* from readyaudit 0.4.0 on */
    {"previousSha256", "previous-sha256"}, /* only in a report made with --previous */
    {"recordFile", "record-file"},
    {"previousFile", "previous-file"}, /* only in a report made with --previous */
    {"created", "created"},
    {"tool", "tool"},
};

/* Rebuilds the Keywords' form of the integrity data from the XMP packet's
 * ra: properties (XML entities undone, the file name percent-encoded). */
static ra_status_t from_xmp(const char *pdf, size_t len, ra_buf_t *out)
{
    const char *end = pdf + len;
    bool any = false;
    for (size_t i = 0; i < sizeof xmp_fields / sizeof *xmp_fields; i++) {
        char open[40], close[40];
        snprintf(open, sizeof open, "<ra:%s>", xmp_fields[i].xmp);
        snprintf(close, sizeof close, "</ra:%s>", xmp_fields[i].xmp);
        const char *p = memmem(pdf, len, open, strlen(open));
        if (!p)
            continue;
        p += strlen(open);
        const char *q = memmem(p, (size_t)(end - p), close, strlen(close));
        if (!q || q - p > 1024)
            continue;
        any = true;
        ra_buf_printf(out, "%s%s=", out->len ? "; " : "", xmp_fields[i].key);
        bool file = strcmp(xmp_fields[i].key, "record-file") == 0 ||
                    strcmp(xmp_fields[i].key, "previous-file") == 0;
        for (const char *c = p; c < q; c++) {
            unsigned char ch = (unsigned char)*c;
            static const struct {
                const char *ent;
                char ch;
            } ents[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
            for (size_t e = 0; ch == '&' && e < sizeof ents / sizeof *ents; e++) {
                size_t n = strlen(ents[e].ent);
                if ((size_t)(q - c) >= n && memcmp(c, ents[e].ent, n) == 0) {
                    ch = (unsigned char)ents[e].ch;
                    c += n - 1;
                    break;
                }
            }
            bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                         (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
            if (file && !plain)
                ra_buf_printf(out, "%%%02X", ch);
            else if (ch != ';')
                ra_buf_putc(out, (char)ch);
        }
    }
    if (ra_buf_failed(out))
        return RA_ERR_NOMEM;
    return any ? RA_OK : RA_ERR_INVALID;
}

ra_status_t ra_integrity_read(const char *pdf, size_t len, ra_integrity_t *it)
{
    memset(it, 0, sizeof *it);
    ra_buf_t kw = RA_BUF_INIT;
    ra_status_t st = keywords(pdf, len, &kw);
    if (st == RA_OK)
        st = ra_integrity_parse(ra_buf_str(&kw), it);
    if (st == RA_ERR_INVALID) {
        ra_buf_clear(&kw);
        st = from_xmp(pdf, len, &kw);
        if (st == RA_OK)
            st = ra_integrity_parse(ra_buf_str(&kw), it);
    }
    ra_buf_free(&kw);
    return st;
}

size_t ra_pdf_revision_end(const char *pdf, size_t len)
{
    const char *end = pdf + len;
    const char *sx = memmem(pdf, len, "startxref", 9);
    if (!sx)
        return 0;
    const char *eof = memmem(sx, (size_t)(end - sx), "%%EOF", 5);
    if (!eof)
        return 0;
    const char *p = eof + 5;
    if (p < end && *p == '\r')
        p++;
    if (p < end && *p == '\n')
        p++;
    return (size_t)(p - pdf);
}

void ra_report_compare(const char *pdf, size_t len, const char *regen, size_t rlen,
                       ra_compare_t *out)
{
    memset(out, 0, sizeof *out);
    out->original_len = rlen;
    out->file_len = len;
    size_t n = len < rlen ? len : rlen, i = 0;
    /* Word by word, then the byte. */
    while (i + 8 <= n && memcmp(pdf + i, regen + i, 8) == 0)
        i += 8;
    while (i < n && pdf[i] == regen[i])
        i++;
    out->first_diff = i;
    out->truncated = len < rlen;
    out->identical = i == rlen;
    if (out->identical)
        return;
    /* What readyaudit (libharu) never writes, but other tools do. */
    static const struct {
        const char *mark, *what;
    } marks[] = {
        {"%QDF-", "QDF form"},
        {"/Linearized", "linearization"},
        {"/ObjStm", "object streams"},
        {"/Type /XRef", "a cross-reference stream"},
        {"/Type/XRef", "a cross-reference stream"},
    };
    for (size_t m = 0; m < sizeof marks / sizeof *marks; m++)
        if (memmem(pdf, len, marks[m].mark, strlen(marks[m].mark))) {
            snprintf(out->rewriter, sizeof out->rewriter, "%s", marks[m].what);
            return;
        }
    /* The header's first two lines: "%PDF-1.x" and the binary comment. */
    const char *nl = rlen > 9 ? memchr(regen + 9, '\n', rlen - 9) : NULL;
    size_t header = nl ? (size_t)(nl - regen) + 1 : 0;
    if (i < header && len != rlen)
        snprintf(out->rewriter, sizeof out->rewriter, "%s", "another PDF header");
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Returns the start of keyword kw (a whole word) in [p, end), or NULL. */
static const char *find_word(const char *p, const char *end, const char *kw)
{
    size_t n = strlen(kw);
    while (p < end) {
        const char *q = memmem(p, (size_t)(end - p), kw, n);
        if (!q)
            return NULL;
        if ((q == p || !is_letter(q[-1])) && (q + n == end || !is_letter(q[n])))
            return q;
        p = q + 1;
    }
    return NULL;
}

/* Reads the non-negative integer after key (e.g. "/Size") in [p, end); -1 if
 * absent, not a direct number, or above max. */
static long long direct_number(const char *p, const char *end, const char *key, long long max)
{
    const char *k = memmem(p, (size_t)(end - p), key, strlen(key));
    if (!k)
        return -1;
    k += strlen(key);
    while (k < end && (*k == ' ' || *k == '\r' || *k == '\n'))
        k++;
    long long v = 0;
    const char *d = k;
    while (d < end && *d >= '0' && *d <= '9' && v <= max)
        v = v * 10 + (*d++ - '0');
    if (d == k || v > max)
        return -1;
    /* "5 0 R" is a reference, not the number 5. */
    const char *r = d;
    while (r < end && *r == ' ')
        r++;
    if (r < end && *r >= '0' && *r <= '9')
        return -1;
    return v;
}

/* One forward pass over a PDF for ra_embedded_read, so that its cost is
 * linear in the file's size however many candidate matches a crafted file
 * holds: what lies between the last "obj" and the scanning position, and
 * the next "stream" and "endobj" words after it, each found once. */
typedef struct {
    const char *at;   /* scanned up to here */
    const char *obj;  /* end of the last "obj" before at, or NULL */
    const char *open; /* the first "<<" between obj and at, or NULL */
    bool closed;      /* a "stream" or "endobj" word between obj and at */
    /* find_word(from, end, word) for from <= at, remembered while it lies
     * at or after the scanning position. */
    const char *from_stream, *next_stream;
    const char *from_endobj, *next_endobj;
} scan_t;

/* Is the word of n bytes at q whole within [lo, hi) (as find_word sees it)? */
static int whole_in(const char *q, size_t n, const char *lo, const char *hi)
{
    return (q == lo || !is_letter(q[-1])) && (q + n == hi || !is_letter(q[n]));
}

/* Advances the scan to t, which starts with '/' (so no word crosses it). */
static void scan_to(scan_t *sc, const char *t)
{
    for (const char *q = sc->at; q < t; q++) {
        size_t left = (size_t)(t - q);
        if (left >= 3 && memcmp(q, "obj", 3) == 0) {
            sc->obj = q + 3;
            sc->open = NULL;
            sc->closed = false;
            continue;
        }
        if (!sc->obj || q < sc->obj)
            continue;
        if (!sc->open && left >= 2 && q[0] == '<' && q[1] == '<')
            sc->open = q;
        if (!sc->closed &&
            ((left >= 6 && memcmp(q, "stream", 6) == 0 && whole_in(q, 6, sc->obj, t)) ||
             (left >= 6 && memcmp(q, "endobj", 6) == 0 && whole_in(q, 6, sc->obj, t))))
            sc->closed = true;
    }
    if (t > sc->at)
        sc->at = t;
}

/* find_word(t, end, word), from the memo when it still answers for t. */
static const char *next_word(const char **from, const char **next, const char *t, const char *end,
                             const char *word)
{
    if (!*from || (*next && *next < t)) {
        *from = t;
        *next = find_word(t, end, word);
    }
    return *next;
}

ra_status_t ra_embedded_read(const char *pdf, size_t len, size_t max, ra_buf_t *out, bool *found)
{
    static const char type[] = "/Type /EmbeddedFile";
    const char *end = pdf + len;
    *found = false;
    scan_t sc = {.at = pdf};
    for (const char *p = pdf; p < end;) {
        const char *t = memmem(p, (size_t)(end - p), type, sizeof type - 1);
        if (!t)
            break;
        p = t + 1;
        const char *after = t + sizeof type - 1;
        if (after < end && !strchr(" \r\n/>", *after))
            continue; /* "/EmbeddedFiles" or the like */
        /* The match must sit in an object's dictionary: the last "obj"
         * before it (within 64 KiB) with no stream or object boundary in
         * between (not in a stream's text, such as the XMP packet). */
        scan_to(&sc, t);
        const char *obj = sc.obj && t - sc.obj < 65536 ? sc.obj : NULL;
        if (!obj || sc.closed)
            continue;
        const char *open = sc.open;
        if (!open)
            continue;
        const char *kw = next_word(&sc.from_stream, &sc.next_stream, t, end, "stream");
        const char *eo = next_word(&sc.from_endobj, &sc.next_endobj, t, end, "endobj");
        if (!kw || (eo && eo < kw))
            continue;
        *found = true;
        long long size = direct_number(open, kw, "/Size", (long long)max);
        int flate = memmem(open, (size_t)(kw - open), "/FlateDecode", 12) != NULL;
        const char *data = kw + 6;
        if (data < end && *data == '\r')
            data++;
        if (data < end && *data == '\n')
            data++;
        ra_buf_clear(out);
        if (!flate) {
            long long n = direct_number(open, kw, "/Length", (long long)max);
            if (n < 0 || n > end - data)
                return RA_ERR_INVALID;
            return ra_buf_append(out, data, (size_t)n);
        }
        /* Inflate until the end of the zlib stream, at most max bytes. */
        z_stream z;
        memset(&z, 0, sizeof z);
        if (inflateInit(&z) != Z_OK)
            return RA_ERR_NOMEM;
        z.next_in = (Bytef *)data;
        z.avail_in = (uInt)((size_t)(end - data) < 0x7FFFFFFF ? (size_t)(end - data) : 0x7FFFFFFF);
        ra_status_t st = RA_OK;
        int zr = Z_OK;
        while (zr == Z_OK && st == RA_OK) {
            if (out->len >= max) {
                st = RA_ERR_LIMIT;
                break;
            }
            size_t room = max - out->len < 65536 ? max - out->len : 65536;
            if ((st = ra_buf_reserve(out, room)) != RA_OK)
                break;
            z.next_out = (Bytef *)out->data + out->len;
            z.avail_out = (uInt)room;
            zr = inflate(&z, Z_NO_FLUSH);
            out->len += room - z.avail_out;
            out->data[out->len] = '\0';
        }
        inflateEnd(&z);
        if (st == RA_OK && zr != Z_STREAM_END)
            st = RA_ERR_INVALID;
        if (st == RA_OK && size >= 0 && (size_t)size != out->len)
            st = RA_ERR_INVALID;
        return st;
    }
    return RA_OK;
}

int ra_pdf_complete(const char *pdf, size_t len)
{
    if (len < 16 || memcmp(pdf, "%PDF-", 5) != 0)
        return 0;
    /* The file ends "startxref\nOFFSET\n%%EOF" and OFFSET holds "xref". */
    size_t from = len > 64 ? len - 64 : 0;
    const char *sx = memmem(pdf + from, len - from, "startxref", 9);
    if (!sx || !memmem(sx, (size_t)(pdf + len - sx), "%%EOF", 5))
        return 0;
    char num[24] = {0};
    size_t k = 0;
    for (const char *p = sx + 9; p < pdf + len && k + 1 < sizeof num; p++)
        if (*p >= '0' && *p <= '9')
            num[k++] = *p;
        else if (k)
            break;
    unsigned long long off = strtoull(num, NULL, 10);
    return k && off > 0 && off + 4 <= len && memcmp(pdf + off, "xref", 4) == 0;
}

ra_status_t ra_verify_report(const char *pdf, size_t len, ra_verify_t *out)
{
    memset(out, 0, sizeof *out);
    /* The original revision only: what an appended update says is not read. */
    size_t orig = ra_pdf_revision_end(pdf, len);
    if (orig)
        len = orig;
    ra_status_t st = ra_integrity_read(pdf, len, &out->it);
    if (st != RA_OK) /* out of memory says nothing about the report */
        return st == RA_ERR_NOMEM ? st : RA_ERR_INVALID;
    char id[24];
    ra_report_id(&out->it, id);
    out->consistent = strcmp(id, out->it.report_id) == 0;
    /* A report made with --attach-source carries the record itself; a
     * damaged or oversized attachment does not match either. */
    ra_buf_t embedded = RA_BUF_INIT;
    out->embedded_st = ra_embedded_read(pdf, len, RA_MAX_FILE_BYTES, &embedded, &out->attached);
    if (out->attached && out->embedded_st == RA_OK) {
        unsigned char d[32];
        char hex[65];
        ra_sha256(embedded.data, embedded.len, d);
        ra_hex(d, 32, hex);
        out->embedded_ok = strcmp(hex, out->it.record_sha256) == 0;
    }
    ra_buf_free(&embedded);
    /* Running out of memory while inflating says nothing about the report. */
    if (out->attached && out->embedded_st == RA_ERR_NOMEM)
        return RA_ERR_NOMEM;
    return !out->consistent || (out->attached && !out->embedded_ok) ? RA_ERR_MISMATCH : RA_OK;
}

ra_status_t ra_verify_record(const ra_verify_t *v, const char *record, size_t len, char hex[65])
{
    unsigned char got[32];
    ra_sha256(record, len, got);
    ra_hex(got, 32, hex);
    return strcmp(hex, v->it.record_sha256) == 0 ? RA_OK : RA_ERR_MISMATCH;
}

/* --- What later incremental updates do --- */

/* What an object of the original revision is, for saying what an update
 * replaces. */
typedef enum {
    ROLE_NONE = 0,
    ROLE_CATALOG,
    ROLE_INFO,
    ROLE_PAGES,
    ROLE_PAGE,
    ROLE_CONTENT,
    ROLE_METADATA,
    ROLE_FORM,
    ROLE_SIG_FIELD,
    ROLE_ANNOT,
    ROLE_FONT,
    ROLE_EMBEDDED
} role_t;

/* What replacing an object of each role does, as the update list says it
 * (pages and their content add the page number). */
static const char *const role_change[] = {
    [ROLE_CATALOG] = "replaces the document catalog",
    [ROLE_INFO] = "replaces the Info dictionary",
    [ROLE_PAGES] = "replaces the page tree",
    [ROLE_PAGE] = "changes page",
    [ROLE_CONTENT] = "changes the content of page",
    [ROLE_METADATA] = "replaces the XMP metadata",
    [ROLE_FORM] = "changes the form",
    [ROLE_SIG_FIELD] = "changes a signature field",
    [ROLE_ANNOT] = "changes an annotation",
    [ROLE_FONT] = "changes a font",
    [ROLE_EMBEDDED] = "replaces the embedded record",
};

typedef struct {
    unsigned char role;
    unsigned page; /* ROLE_PAGE, ROLE_CONTENT: 1-based */
} obj_role_t;

/* The number after key ("/Root 1 0 R" -> 1) in [p, end), or -1. */
static long ref_after(const char *p, const char *end, const char *key)
{
    const char *k = memmem(p, (size_t)(end - p), key, strlen(key));
    if (!k)
        return -1;
    k += strlen(key);
    while (k < end && (*k == ' ' || *k == '\r' || *k == '\n'))
        k++;
    long v = 0;
    const char *d = k;
    while (d < end && *d >= '0' && *d <= '9' && v < 100000000)
        v = v * 10 + (*d++ - '0');
    return d == k ? -1 : v;
}

/* Does [p, end) hold "/Type /NAME" (NAME whole)? */
static bool has_type(const char *p, const char *end, const char *name)
{
    char key[40];
    for (int sp = 0; sp < 2; sp++) {
        snprintf(key, sizeof key, sp ? "/Type/%s" : "/Type /%s", name);
        size_t n = strlen(key);
        for (const char *q = p; q < end && (q = memmem(q, (size_t)(end - q), key, n)) != NULL; q++)
            if (q + n == end || !is_letter(q[n]))
                return true;
    }
    return false;
}

/* The head of an object: from its start to its "stream" or "endobj", at
 * most 4 KiB (only the original revision, which readyaudit wrote, and the
 * update's objects one at a time are looked at this way). */
static const char *obj_head_end(const char *p, const char *end)
{
    const char *lim = end - p > 4096 ? p + 4096 : end;
    const char *s = memmem(p, (size_t)(lim - p), "stream", 6);
    const char *e = memmem(p, (size_t)(lim - p), "endobj", 6);
    if (s && (!e || s < e))
        return s;
    return e ? e : lim;
}

/* Reads the original revision's cross-reference table and gives each
 * object its role. */
static ra_status_t original_roles(const char *pdf, size_t orig, obj_role_t **out, size_t *n,
                                  long *info, long *root)
{
    const char *end = pdf + orig;
    *out = NULL;
    *n = 0;
    const char *tr = NULL;
    for (const char *p = pdf; (p = memmem(p, (size_t)(end - p), "trailer", 7)) != NULL; p++)
        tr = p;
    if (!tr)
        return RA_OK;
    *info = ref_after(tr, end, "/Info");
    *root = ref_after(tr, end, "/Root");
    long size = ref_after(tr, end, "/Size");
    const char *x = NULL;
    for (const char *p = pdf; (p = memmem(p, (size_t)(tr - p), "\nxref", 5)) != NULL; p++)
        x = p + 1;
    if (size <= 0 || size > 10000000 || !x)
        return RA_OK;
    obj_role_t *roles = calloc((size_t)size, sizeof *roles);
    long *offs = calloc((size_t)size, sizeof *offs);
    if (!roles || !offs) {
        free(roles);
        free(offs);
        return RA_ERR_NOMEM;
    }
    /* "xref" then subsections "FIRST COUNT" of 20-byte entries. */
    const char *p = x + 4;
    while (p < tr) {
        while (p < tr && (*p == ' ' || *p == '\r' || *p == '\n'))
            p++;
        char *e;
        long first = strtol(p, &e, 10);
        if (e == p)
            break;
        p = e;
        long count = strtol(p, &e, 10);
        if (e == p || first < 0 || count < 0)
            break;
        p = e;
        while (p < tr && (*p == ' ' || *p == '\r' || *p == '\n'))
            p++;
        for (long i = 0; i < count && p + 18 <= tr; i++, p += 20) {
            long off = strtol(p, NULL, 10);
            if (first + i < size && p[17] == 'n')
                offs[first + i] = off;
        }
    }
    unsigned page = 0;
    for (long i = 1; i < size; i++) {
        if (offs[i] <= 0 || (size_t)offs[i] >= orig)
            continue;
        const char *o = pdf + offs[i], *h = obj_head_end(o, end);
        obj_role_t *r = &roles[i];
        if (i == *root) {
            r->role = ROLE_CATALOG;
            long form = ref_after(o, h, "/AcroForm");
            if (form > 0 && form < size && !roles[form].role)
                roles[form].role = ROLE_FORM;
        } else if (i == *info)
            r->role = ROLE_INFO;
        else if (has_type(o, h, "Pages"))
            r->role = ROLE_PAGES;
        else if (has_type(o, h, "Page")) {
            r->role = ROLE_PAGE;
            r->page = ++page;
            long c = ref_after(o, h, "/Contents");
            if (c > 0 && c < size) {
                roles[c].role = ROLE_CONTENT;
                roles[c].page = page;
            }
        } else if (has_type(o, h, "Metadata"))
            r->role = ROLE_METADATA;
        else if (memmem(o, (size_t)(h - o), "/FT /Sig", 8))
            r->role = ROLE_SIG_FIELD;
        else if (has_type(o, h, "Annot"))
            r->role = ROLE_ANNOT;
        else if (has_type(o, h, "Font") || has_type(o, h, "FontDescriptor"))
            r->role = ROLE_FONT;
        else if (has_type(o, h, "EmbeddedFile"))
            r->role = ROLE_EMBEDDED;
        else if (r->role == ROLE_NONE && memmem(o, (size_t)(h - o), "/FT /Sig", 8))
            r->role = ROLE_SIG_FIELD;
    }
    free(offs);
    *out = roles;
    *n = (size_t)size;
    return RA_OK;
}

/* What a new object is, from its head. */
static const char *new_kind(const char *o, const char *h)
{
    if (has_type(o, h, "Sig"))
        return "a signature";
    if (has_type(o, h, "Page"))
        return "a page";
    if (has_type(o, h, "Annot"))
        return "an annotation";
    if (has_type(o, h, "XObject"))
        return "an image or form";
    if (has_type(o, h, "EmbeddedFile"))
        return "an embedded file";
    if (h - o >= 6 && memcmp(h, "stream", 6) == 0)
        return "a stream";
    return memmem(o, (size_t)(h - o), "<<", 2) ? "a dictionary" : "an object";
}

ra_status_t ra_updates_describe(const char *pdf, size_t len, size_t orig, ra_buf_t *out)
{
    obj_role_t *roles = NULL;
    size_t nroles = 0;
    long info = -1, root = -1;
    ra_status_t st = original_roles(pdf, orig, &roles, &nroles, &info, &root);
    if (st != RA_OK)
        return st;
    const char *end = pdf + len;
    size_t said = 0, more = 0;
    /* One pass: each " obj" of the update, its number before it, its head
     * after it, and the search goes on after its "endobj". */
    for (const char *p = pdf + orig; p < end && st == RA_OK;) {
        const char *k = memmem(p, (size_t)(end - p), " obj", 4);
        if (!k)
            break;
        const char *q = k;
        while (q > p && q[-1] >= '0' && q[-1] <= '9')
            q--; /* the generation */
        const char *g = q;
        if (q > p && q[-1] == ' ')
            q--;
        while (q > p && q[-1] >= '0' && q[-1] <= '9')
            q--;
        long num = q < g ? strtol(q, NULL, 10) : -1;
        const char *body = k + 4, *h = obj_head_end(body, end);
        const char *eo = memmem(body, (size_t)(end - body), "endobj", 6);
        p = eo ? eo + 6 : end;
        if (num <= 0 || g == k)
            continue;
        if (said >= 8) {
            more++;
            continue;
        }
        const char *sep = said++ ? "; " : "";
        if ((size_t)num < nroles) {
            const obj_role_t *r = &roles[num];
            if (r->role == ROLE_NONE)
                st = ra_buf_printf(out, "%sreplaces object %ld", sep, num);
            else if (r->role == ROLE_PAGE || r->role == ROLE_CONTENT)
                st = ra_buf_printf(out, "%s%s %u (object %ld)", sep, role_change[r->role], r->page,
                                   num);
            else
                st = ra_buf_printf(out, "%s%s (object %ld)", sep, role_change[r->role], num);
        } else {
            st = ra_buf_printf(out, "%sadds object %ld (%s)", sep, num, new_kind(body, h));
        }
    }
    if (st == RA_OK && more)
        st = ra_buf_printf(out, "; and %zu more object%s", more, more == 1 ? "" : "s");
    /* The update's trailer may point the document elsewhere. */
    const char *tr = NULL;
    for (const char *p = pdf + orig;
         st == RA_OK && p < end && (p = memmem(p, (size_t)(end - p), "trailer", 7)) != NULL; p++)
        tr = p;
    if (st == RA_OK && tr) {
        long ni = ref_after(tr, end, "/Info"), nr = ref_after(tr, end, "/Root");
        if (ni >= 0 && ni != info)
            st = ra_buf_printf(out, "%spoints the Info dictionary at object %ld",
                               out->len ? "; " : "", ni);
        if (st == RA_OK && nr >= 0 && nr != root)
            st = ra_buf_printf(out, "%spoints the document catalog at object %ld",
                               out->len ? "; " : "", nr);
    }
    if (st == RA_OK && !out->len)
        st = ra_buf_puts(out, tr ? "is an update that changes no object"
                                 : "is not an incremental update (bytes after the end of file)");
    free(roles);
    return st;
}
