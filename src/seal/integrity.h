/* integrity.h - what a report says it was made from: the digests of its
 * inputs, the tool, and the report ID derived from them. */
#ifndef RA_INTEGRITY_H
#define RA_INTEGRITY_H

#include "base/buf.h"
#include "base/status.h"

/* The XMP namespace of the integrity data (ra:reportId, ra:recordSha256,
 * ra:checklistSha256, ra:templateSha256, ra:tool). */
#define RA_XMP_NAMESPACE "urn:readyaudit:report:1"

/* What a report says it was made from, as text (digests in lowercase hex). */
typedef struct {
    char report_id[24];
    char record_sha256[65], checklist_sha256[65], template_sha256[65];
    char tool[64];
} ra_integrity_t;

/* The report ID: "RA-" and 16 hex digits of SHA-256 over the three input
 * digests (raw bytes) and the tool string. */
void ra_report_id_from(const unsigned char rec[32], const unsigned char cl[32],
                       const unsigned char tpl[32], const char *tool, char out[24]);

/* Fills it from the digests of record, checklist and template, made by tool. */
void ra_integrity_make(const unsigned char rec[32], const unsigned char cl[32],
                       const unsigned char tpl[32], const char *tool, ra_integrity_t *it);

/* Appends the integrity data as the report's Keywords carry it:
 * "report-id=...; record-sha256=...; checklist-sha256=...; template-sha256=...; tool=...". */
ra_status_t ra_integrity_format(const ra_integrity_t *it, ra_buf_t *out);

#endif
