/* verify.c - integrity data in the report's metadata, embedded records, and complete PDFs. */
#include "seal/verify.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/hash.h"
#include "model/load.h"

/* Copies the value of "key=" up to ';' or the end into out (size n). */
static int field(const char *text, const char *key, char *out, size_t n)
{
    const char *p = strstr(text, key);
    if (!p)
        return -1;
    p += strlen(key);
    size_t k = 0;
    while (*p && *p != ';' && k + 1 < n)
        out[k++] = *p++;
    out[k] = '\0';
    return k ? 0 : -1;
}

static int is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

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

ra_status_t ra_integrity_read(const char *pdf, size_t len, ra_integrity_t *it)
{
    memset(it, 0, sizeof *it);
    ra_buf_t kw = RA_BUF_INIT;
    ra_status_t st = keywords(pdf, len, &kw);
    const char *t = ra_buf_str(&kw);
    if (st == RA_OK &&
        (field(t, "report-id=", it->report_id, sizeof it->report_id) ||
         field(t, "record-sha256=", it->record_sha256, sizeof it->record_sha256) ||
         field(t, "checklist-sha256=", it->checklist_sha256, sizeof it->checklist_sha256) ||
         field(t, "template-sha256=", it->template_sha256, sizeof it->template_sha256) ||
         field(t, "tool=", it->tool, sizeof it->tool) || !is_hex64(it->record_sha256) ||
         !is_hex64(it->checklist_sha256) || !is_hex64(it->template_sha256)))
        st = RA_ERR_INVALID;
    ra_buf_free(&kw);
    return st;
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

/* Parses 64 hex digits into 32 bytes. */
static void unhex(const char *hex, unsigned char out[32])
{
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (unsigned char)v;
    }
}

ra_status_t ra_verify_report(const char *pdf, size_t len, ra_verify_t *out)
{
    memset(out, 0, sizeof *out);
    ra_status_t st = ra_integrity_read(pdf, len, &out->it);
    if (st != RA_OK) /* out of memory says nothing about the report */
        return st == RA_ERR_NOMEM ? st : RA_ERR_INVALID;
    unsigned char rec[32], cl[32], tpl[32];
    unhex(out->it.record_sha256, rec);
    unhex(out->it.checklist_sha256, cl);
    unhex(out->it.template_sha256, tpl);
    char id[24];
    ra_report_id_from(rec, cl, tpl, out->it.tool, id);
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
