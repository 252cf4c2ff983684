/* integrity.c - the report ID and the integrity data a report states. */
#include "seal/integrity.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"

bool ra_is_sha256_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return false;
    return n == 64;
}

/* Parses 64 hex digits into 32 bytes; anything else gives zeros. */
static void unhex(const char *hex, unsigned char out[32])
{
    memset(out, 0, 32);
    if (!ra_is_sha256_hex(hex))
        return;
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (unsigned char)v;
    }
}

void ra_report_id(const ra_integrity_t *it, char out[24])
{
    /* Hashed as it goes: a buffer that could not grow would give a wrong ID.
     * Reports of readyaudit 0.1.0 name no logo and no fonts, and those
     * before 0.4.0 no dictionary list: their ID is over the digests they
     * name, so that verify can tell them apart from altered metadata and
     * say they come from another version. */
    const char *digests[7] = {it->record_sha256, it->checklist_sha256, it->template_sha256};
    size_t n = 3;
    if (it->logo_sha256[0] || it->fonts_sha256[0]) {
        digests[n++] = it->logo_sha256;
        digests[n++] = it->fonts_sha256;
    }
    if (it->hyphen_sha256[0])
        digests[n++] = it->hyphen_sha256;
    if (it->previous_sha256[0])
        digests[n++] = it->previous_sha256;
    ra_sha256_ctx_t c;
    ra_sha256_init(&c);
    for (size_t i = 0; i < n; i++) {
        unsigned char d[32];
        unhex(digests[i], d); /* RA_NO_LOGO: zeros */
        ra_sha256_update(&c, d, 32);
    }
    ra_sha256_update(&c, it->tool, strlen(it->tool));
    unsigned char digest[32];
    ra_sha256_final(&c, digest);
    char hex[17];
    ra_hex(digest, 8, hex);
    snprintf(out, 24, "RA-%s", hex);
}

void ra_integrity_make(const ra_integrity_inputs_t *in, ra_integrity_t *it)
{
    memset(it, 0, sizeof *it);
    ra_hex(in->record, 32, it->record_sha256);
    ra_hex(in->checklist, 32, it->checklist_sha256);
    ra_hex(in->tmpl, 32, it->template_sha256);
    if (in->logo)
        ra_hex(in->logo, 32, it->logo_sha256);
    else
        snprintf(it->logo_sha256, sizeof it->logo_sha256, "%s", RA_NO_LOGO);
    ra_hex(in->fonts, 32, it->fonts_sha256);
    if (in->hyphen)
        ra_hex(in->hyphen, 32, it->hyphen_sha256);
    if (in->previous)
        ra_hex(in->previous, 32, it->previous_sha256);
    const char *path = in->record_path ? in->record_path : "record";
    const char *base = strrchr(path, '/');
    snprintf(it->record_file, sizeof it->record_file, "%s", base ? base + 1 : path);
    if (in->previous) {
        const char *prev = in->previous_path ? in->previous_path : "previous record";
        const char *pb = strrchr(prev, '/');
        snprintf(it->previous_file, sizeof it->previous_file, "%s", pb ? pb + 1 : prev);
    }
    it->created = in->created;
    snprintf(it->tool, sizeof it->tool, "%s", in->tool);
    ra_report_id(it, it->report_id);
}

static bool plain_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* Appends a file name, percent-encoded outside [A-Za-z0-9._-]. */
static void put_file(ra_buf_t *out, const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (plain_byte(*p))
            ra_buf_putc(out, (char)*p);
        else
            ra_buf_printf(out, "%%%02X", *p);
}

ra_status_t ra_integrity_format(const ra_integrity_t *it, ra_buf_t *out)
{
    ra_buf_printf(out,
                  "report-id=%s; record-sha256=%s; checklist-sha256=%s; template-sha256=%s; "
                  "logo-sha256=%s; fonts-sha256=%s; ",
                  it->report_id, it->record_sha256, it->checklist_sha256, it->template_sha256,
                  it->logo_sha256, it->fonts_sha256);
    if (it->hyphen_sha256[0])
        ra_buf_printf(out, "hyphen-sha256=%s; ", it->hyphen_sha256);
    if (it->previous_sha256[0])
        ra_buf_printf(out, "previous-sha256=%s; ", it->previous_sha256);
    ra_buf_puts(out, "record-file=");
    put_file(out, it->record_file);
    if (it->previous_file[0]) {
        ra_buf_puts(out, "; previous-file=");
        put_file(out, it->previous_file);
    }
    return ra_buf_printf(out, "; created=%" PRId64 "; tool=%s", it->created, it->tool);
}

/* Copies the value of "key=" (searched from seg on) up to ';' or the end
 * into out (size n); -1 when absent, empty or too long. */
static int field(const char *seg, const char *key, char *out, size_t n)
{
    const char *p = strstr(seg, key);
    if (!p)
        return -1;
    p += strlen(key);
    size_t k = 0;
    while (*p && *p != ';') {
        if (k + 1 >= n)
            return -1;
        out[k++] = *p++;
    }
    out[k] = '\0';
    return k ? 0 : -1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Undoes the percent-encoding of a file name in place; -1 if malformed. */
static int unpercent(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '%') {
            *w++ = *r;
            continue;
        }
        int hi = hexval(r[1]), lo = hi >= 0 ? hexval(r[2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            return -1;
        *w++ = (char)(hi * 16 + lo);
        r += 2;
    }
    *w = '\0';
    return 0;
}

ra_status_t ra_integrity_parse(const char *text, ra_integrity_t *it)
{
    memset(it, 0, sizeof *it);
    /* The integrity data ends the keywords: what comes before (the record's
     * id, say) cannot stand in for a field. */
    const char *seg = NULL;
    for (const char *p = text; (p = strstr(p, "report-id=")) != NULL; p++)
        seg = p;
    if (!seg)
        return RA_ERR_INVALID;
    char created[24];
    if (field(seg, "report-id=", it->report_id, sizeof it->report_id) ||
        field(seg, "record-sha256=", it->record_sha256, sizeof it->record_sha256) ||
        field(seg, "checklist-sha256=", it->checklist_sha256, sizeof it->checklist_sha256) ||
        field(seg, "template-sha256=", it->template_sha256, sizeof it->template_sha256) ||
        field(seg, "tool=", it->tool, sizeof it->tool) || !ra_is_sha256_hex(it->record_sha256) ||
        !ra_is_sha256_hex(it->checklist_sha256) || !ra_is_sha256_hex(it->template_sha256))
        return RA_ERR_INVALID;
    /* Fields a report of an earlier readyaudit lacks: left empty. */
    if (field(seg, "logo-sha256=", it->logo_sha256, sizeof it->logo_sha256) == 0 &&
        !ra_is_sha256_hex(it->logo_sha256) && strcmp(it->logo_sha256, RA_NO_LOGO) != 0)
        return RA_ERR_INVALID;
    if (field(seg, "fonts-sha256=", it->fonts_sha256, sizeof it->fonts_sha256) == 0 &&
        !ra_is_sha256_hex(it->fonts_sha256))
        return RA_ERR_INVALID;
    if (field(seg, "hyphen-sha256=", it->hyphen_sha256, sizeof it->hyphen_sha256) == 0 &&
        !ra_is_sha256_hex(it->hyphen_sha256))
        return RA_ERR_INVALID;
    if (field(seg, "previous-sha256=", it->previous_sha256, sizeof it->previous_sha256) == 0 &&
        !ra_is_sha256_hex(it->previous_sha256))
        return RA_ERR_INVALID;
    if (field(seg, "record-file=", it->record_file, sizeof it->record_file) == 0 &&
        unpercent(it->record_file) != 0)
        return RA_ERR_INVALID;
    if (field(seg, "previous-file=", it->previous_file, sizeof it->previous_file) == 0 &&
        unpercent(it->previous_file) != 0)
        return RA_ERR_INVALID;
    if (field(seg, "created=", created, sizeof created) == 0) {
        char *end;
        long long v = strtoll(created, &end, 10);
        if (*end || end == created)
            return RA_ERR_INVALID;
        it->created = v;
    }
    return RA_OK;
}
