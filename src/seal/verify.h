/* verify.h - the integrity data a report carries, written and read back. */
#ifndef RA_VERIFY_H
#define RA_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"

/* The XMP namespace of the integrity data (ra:reportId, ra:recordSha256,
 * ra:checklistSha256, ra:templateSha256, ra:tool). */
#define RA_XMP_NAMESPACE "urn:readyaudit:report:1"

/* What a report says it was made from. */
typedef struct {
    char report_id[24];
    char record_sha256[65], checklist_sha256[65], template_sha256[65];
    char tool[64];
} ra_integrity_t;

/* The report ID: "RA-" and 16 hex digits of SHA-256 over the three input
 * digests (raw bytes) and the tool string. */
void ra_report_id_from(const unsigned char rec[32], const unsigned char cl[32],
                       const unsigned char tpl[32], const char *tool, char out[24]);

/* Appends the integrity data as the report's Keywords carry it:
 * "report-id=...; record-sha256=...; checklist-sha256=...; template-sha256=...; tool=...". */
ra_status_t ra_integrity_format(const ra_integrity_t *it, ra_buf_t *out);

/* Finds and parses the integrity data in a PDF's bytes. RA_ERR_INVALID when
 * there is none (not a readyaudit report). */
ra_status_t ra_integrity_read(const char *pdf, size_t len, ra_integrity_t *out);

/* Finds the first embedded file (a /Type /EmbeddedFile stream, Flate or
 * unfiltered) in a PDF's bytes, sets *found, and puts its content in out
 * (cleared first). RA_OK with *found false when there is none;
 * RA_ERR_INVALID when it is damaged or its size differs from its
 * /Params /Size; RA_ERR_LIMIT when it exceeds max bytes. */
ra_status_t ra_embedded_read(const char *pdf, size_t len, size_t max, ra_buf_t *out, bool *found);

/* Do these bytes look like a complete PDF: "%PDF-" at the start, "%%EOF"
 * at the end and a startxref offset pointing at a cross-reference? */
int ra_pdf_complete(const char *pdf, size_t len);

#endif
