/* verify.c - integrity data in the report's metadata, and `readyaudit verify`. */
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "load.h"

void ra_report_id_from(const unsigned char rec[32], const unsigned char cl[32],
                       const unsigned char tpl[32], const char *tool, char out[24])
{
    ra_buf_t m = RA_BUF_INIT;
    ra_buf_append(&m, (const char *)rec, 32);
    ra_buf_append(&m, (const char *)cl, 32);
    ra_buf_append(&m, (const char *)tpl, 32);
    ra_buf_puts(&m, tool);
    unsigned char digest[32];
    ra_sha256(m.data, m.len, digest);
    ra_buf_free(&m);
    char hex[17];
    ra_hex(digest, 8, hex);
    snprintf(out, 24, "RA-%s", hex);
}

ra_status_t ra_integrity_format(const ra_integrity_t *it, ra_buf_t *out)
{
    return ra_buf_printf(out, "report-id=%s; record-sha256=%s; checklist-sha256=%s; "
                              "template-sha256=%s; tool=%s",
                         it->report_id, it->record_sha256, it->checklist_sha256,
                         it->template_sha256, it->tool);
}

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

/* Decodes the PDF string after "/Keywords" (literal, or hex UTF-16BE) as ASCII. */
static ra_status_t keywords(const char *pdf, size_t len, ra_buf_t *out)
{
    const char *end = pdf + len;
    const char *key = NULL;
    for (const char *p = pdf; p + 9 < end; p++) {
        p = memchr(p, '/', (size_t)(end - p));
        if (!p || p + 9 >= end)
            break;
        if (memcmp(p, "/Keywords", 9) == 0)
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
        return RA_OK;
    }
    if (p < end && *p == '<') {
        /* UTF-16BE with a byte-order mark: keep the low bytes. */
        unsigned v = 0;
        int nib = 0, byte = 0;
        for (p++; p < end && *p != '>' && out->len < 4096; p++) {
            int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                    : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
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
        return RA_OK;
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

ra_status_t ra_integrity_read_file(const char *path, ra_integrity_t *out)
{
    ra_diag_sink_t quiet = {0};
    ra_buf_t data = RA_BUF_INIT;
    ra_status_t st = ra_read_file(path, 256u * 1024 * 1024, &data, &quiet);
    if (st == RA_OK)
        st = ra_integrity_read(data.data, data.len, out);
    ra_buf_free(&data);
    return st;
}
