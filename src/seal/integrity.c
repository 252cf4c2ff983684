/* integrity.c - the report ID and the integrity data a report states. */
#include "seal/integrity.h"

#include <stdio.h>
#include <string.h>

#include "base/hash.h"

void ra_report_id_from(const unsigned char rec[32], const unsigned char cl[32],
                       const unsigned char tpl[32], const char *tool, char out[24])
{
    /* Hashed as it goes: a buffer that could not grow would give a wrong ID. */
    ra_sha256_ctx_t c;
    ra_sha256_init(&c);
    ra_sha256_update(&c, rec, 32);
    ra_sha256_update(&c, cl, 32);
    ra_sha256_update(&c, tpl, 32);
    ra_sha256_update(&c, tool, strlen(tool));
    unsigned char digest[32];
    ra_sha256_final(&c, digest);
    char hex[17];
    ra_hex(digest, 8, hex);
    snprintf(out, 24, "RA-%s", hex);
}

void ra_integrity_make(const unsigned char rec[32], const unsigned char cl[32],
                       const unsigned char tpl[32], const char *tool, ra_integrity_t *it)
{
    memset(it, 0, sizeof *it);
    ra_hex(rec, 32, it->record_sha256);
    ra_hex(cl, 32, it->checklist_sha256);
    ra_hex(tpl, 32, it->template_sha256);
    snprintf(it->tool, sizeof it->tool, "%s", tool);
    ra_report_id_from(rec, cl, tpl, it->tool, it->report_id);
}

ra_status_t ra_integrity_format(const ra_integrity_t *it, ra_buf_t *out)
{
    return ra_buf_printf(out,
                         "report-id=%s; record-sha256=%s; checklist-sha256=%s; "
                         "template-sha256=%s; tool=%s",
                         it->report_id, it->record_sha256, it->checklist_sha256,
                         it->template_sha256, it->tool);
}
