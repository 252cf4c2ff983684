/* integrity.h - what a report says it was made from: the digests of every
 * input (record, checklist, template, logo, fonts, hyphenation dictionary
 * list), the tool, the record's file name and the document date, and the
 * report ID derived from them. */
#ifndef RA_INTEGRITY_H
#define RA_INTEGRITY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"

/* The XMP namespace of the integrity data (ra:reportId, ra:recordSha256,
 * ra:checklistSha256, ra:templateSha256, ra:logoSha256, ra:fontsSha256,
 * ra:hyphenSha256, ra:recordFile, ra:created, ra:tool; ra:previousSha256
 * and ra:previousFile with --previous). */
#define RA_XMP_NAMESPACE "urn:readyaudit:report:1"

/* logo_sha256 of a template without a logo. */
#define RA_NO_LOGO "none"

/* The longest record file name the integrity data carries (bytes, UTF-8). */
#define RA_RECORD_FILE_MAX 255

/* What a report says it was made from, as text (digests in lowercase hex). */
typedef struct {
    char report_id[24];
    char record_sha256[65], checklist_sha256[65], template_sha256[65];
    char logo_sha256[65]; /* 64 hex digits, or RA_NO_LOGO */
    char fonts_sha256[65];
    char hyphen_sha256[65];   /* of the hyphenation dictionary list; "" in a report before 0.4.0 */
    char previous_sha256[65]; /* of the previous record (report --previous), "" when none */
    char record_file[RA_RECORD_FILE_MAX + 1]; /* the record's file name, as the report prints it */
    char previous_file[RA_RECORD_FILE_MAX + 1]; /* the previous record's, "" when none */
    int64_t created;                            /* the document date, seconds since 1970 UTC */
    char tool[64];
} ra_integrity_t;

/* What a report is made from, as bytes: digests (logo NULL for none), the
 * tool string, the record's file name (its last path component is kept)
 * and the document date. */
typedef struct {
    const unsigned char *record, *checklist, *tmpl, *logo, *fonts; /* [32] each */
    const unsigned char *hyphen;   /* [32]: the hyphenation dictionary list */
    const unsigned char *previous; /* [32], or NULL: made without --previous */
    const char *tool;
    const char *record_path;
    const char *previous_path; /* with previous: its last path component is kept */
    int64_t created;
} ra_integrity_inputs_t;

/* The report ID: "RA-" and 16 hex digits of SHA-256 over the digests of
 * record, checklist, template, logo (32 zero bytes for none), fonts and
 * hyphenation dictionary list (raw bytes), then the previous record's when
 * there is one, and the tool string. The digests a report of an earlier
 * readyaudit does not state are left out, so its ID still derives from
 * what it states. Digests that are not hex give a fixed wrong ID. */
void ra_report_id(const ra_integrity_t *it, char out[24]);

/* Fills it from the inputs; the report ID derives from them. */
void ra_integrity_make(const ra_integrity_inputs_t *in, ra_integrity_t *it);

/* Appends the integrity data as the report's Keywords carry it:
 * "report-id=...; record-sha256=...; checklist-sha256=...; template-sha256=...;
 * logo-sha256=...; fonts-sha256=...; hyphen-sha256=...; [previous-sha256=...; ]record-file=...;
 * [previous-file=...; ]created=...; tool=..." (previous-sha256 and previous-file only for a
 * report made with --previous) (file names percent-encoded outside [A-Za-z0-9._-]). */
ra_status_t ra_integrity_format(const ra_integrity_t *it, ra_buf_t *out);

/* Parses what ra_integrity_format wrote (text may hold more before it).
 * RA_ERR_INVALID when a field is missing or malformed. */
ra_status_t ra_integrity_parse(const char *text, ra_integrity_t *it);

/* Is s 64 lowercase hex digits? */
bool ra_is_sha256_hex(const char *s);

#endif
