/* verify.h - reading a report back: its integrity data, the record it may
 * embed, and whether a record is the one it was made from. */
#ifndef RA_VERIFY_H
#define RA_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"
#include "seal/integrity.h"

/* The largest report verify and batch read back. */
#define RA_MAX_REPORT_BYTES (256u * 1024 * 1024)

/* What a report's bytes say about themselves. */
typedef struct {
    ra_integrity_t it;       /* as stated in the report */
    bool consistent;         /* the report ID derives from the digests it lists */
    bool attached;           /* the report embeds a record (--attach-source) */
    ra_status_t embedded_st; /* reading it: RA_OK, RA_ERR_INVALID damaged, RA_ERR_LIMIT too large */
    bool embedded_ok;        /* it was read and hashes to the stated record digest */
} ra_verify_t;

/* Reads a report's integrity data back from its original revision (the
 * bytes up to the first end-of-file marker: an appended update cannot
 * change what is read) and checks it against itself: the
 * report ID against the digests, an embedded record against its digest.
 * RA_ERR_INVALID when the bytes carry no integrity data (not a readyaudit
 * report, or its metadata was removed); RA_ERR_MISMATCH when the report ID
 * or the embedded record does not match; RA_ERR_NOMEM when memory ran out
 * (never read as "no data" or a mismatch); else RA_OK. *out is filled as far
 * as the report could be read. */
ra_status_t ra_verify_report(const char *pdf, size_t len, ra_verify_t *out);

/* Is this record, byte for byte, the one the report was made from? Puts the
 * record's digest in hex and returns RA_OK or RA_ERR_MISMATCH. */
ra_status_t ra_verify_record(const ra_verify_t *v, const char *record, size_t len, char hex[65]);

/* Finds and parses the integrity data in a PDF's bytes: the info
 * dictionary's Keywords, else the XMP properties (a tool that rewrites the
 * file may put the info dictionary in a compressed object stream).
 * RA_ERR_INVALID when there is none (not a readyaudit report), RA_ERR_NOMEM
 * when out of memory. Give it the original revision (ra_pdf_revision_end). */
ra_status_t ra_integrity_read(const char *pdf, size_t len, ra_integrity_t *out);

/* The length of a PDF's original revision: the offset just after the end of
 * line that follows the first "%%EOF" after a "startxref"; 0 when there is
 * none (the file was cut before its end). Linear in len. */
size_t ra_pdf_revision_end(const char *pdf, size_t len);

/* How a report's bytes compare with what readyaudit makes from its inputs. */
typedef struct {
    size_t original_len; /* the regeneration's length: the original revision */
    size_t file_len;
    bool identical;    /* the file's first original_len bytes are the regeneration */
    size_t first_diff; /* the first offset that differs, when not identical */
    bool truncated;    /* the file is shorter than the regeneration */
    /* Written by another PDF tool: what gives it away ("object streams",
     * "a cross-reference stream", "linearization", "QDF form", "another
     * PDF header"), or "" when nothing does. */
    char rewriter[48];
} ra_compare_t;

/* Compares the report's bytes with the regeneration, in one pass. */
void ra_report_compare(const char *pdf, size_t len, const char *regen, size_t rlen,
                       ra_compare_t *out);

/* Says what the incremental updates after the original revision do, in
 * terms of the original's objects ("replaces the Info dictionary (object 3);
 * adds object 198 (a dictionary)"), appended to out. Linear in len. */
ra_status_t ra_updates_describe(const char *pdf, size_t len, size_t original_len, ra_buf_t *out);

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
