/* load.h - reading checklists and records safely: bytes -> libxml2 -> XSD -> model structs.
 *
 * libxml2 stays in this module. Files are read here (never by libxml2, which
 * would inflate gzip and follow URLs), parsed from memory without a base URL,
 * any DOCTYPE is rejected before its declarations are processed, external
 * entities are refused, and the document is validated against a schema
 * loaded once from the data directory. Every problem goes to the sink as
 * FILE:LINE: message. */
#ifndef RA_LOAD_H
#define RA_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/diag.h"
#include "model/model.h"
#include "base/status.h"

/* Documented input limits (README "Limits"). */
#define RA_MAX_FILE_BYTES (16u * 1024 * 1024) /* one record or checklist file */
#define RA_MAX_TEXT_BYTES (64u * 1024)        /* one text field or attribute */
#define RA_MAX_ITEMS 20000u   /* results, checks, evidence items of one result, approvals */
#define RA_MAX_ATTRIBUTES 64u /* attributes of one element */
/* Element nesting is limited to 256 levels by libxml2 itself. */

typedef struct ra_loader ra_loader_t;

/* Creates a loader that finds its schemas in datadir/schemas and reports to
 * sink (which must outlive the loader). Free with ra_loader_free. */
ra_status_t ra_loader_new(const char *datadir, ra_diag_sink_t *sink, ra_loader_t **out);
void ra_loader_free(ra_loader_t *ld);
/* With verbose, each parser and schema error is followed by a note giving
 * libxml2's own message ("libxml2: ..."). */
void ra_loader_set_verbose(ra_loader_t *ld, bool verbose);
/* Names the user's cache file of checklists and templates that matched
 * their schema (load.c); NULL: none, each is validated. */
ra_status_t ra_loader_set_cache(ra_loader_t *ld, const char *path);
/* Loads every schema now rather than on first use (for a parent about to
 * fork workers, which then share them instead of each parsing them). */
ra_status_t ra_loader_preload(ra_loader_t *ld);
/* Loads now the schema of records, the one a command still needs once its
 * checklist and template are loaded (report): theirs are loaded only when
 * they are validated, which the cache of documents that matched before
 * may spare. */
ra_status_t ra_loader_preload_records(ra_loader_t *ld);

/* Loads and XSD-validates a checklist, and checks its own consistency.
 * On success *out is owned by the caller (ra_checklist_free). */
ra_status_t ra_load_checklist(ra_loader_t *ld, const char *path, ra_checklist_t **out);

/* Loads and XSD-validates an assessment record (no semantic checks: see
 * ra_record_check). name is used in diagnostics. On success *out is owned
 * by the caller (ra_record_free). */
ra_status_t ra_load_record(ra_loader_t *ld, const char *path, ra_record_t **out);
ra_status_t ra_load_record_mem(ra_loader_t *ld, const char *name, const char *data, size_t len,
                               ra_record_t **out);

/* Loads a record and checks it against cl (ra_record_check; cl may be NULL
 * for none), reporting every mistake it can find in one pass, in line
 * order: the schema's errors, and what the checks find in the parts of a
 * record that the schema rejected elsewhere (an element the schema rejected
 * is not judged again). Warnings come with them. Well-formedness errors
 * stop it before the schema. On success *out is owned by the caller
 * (ra_record_free); on failure *out is NULL. */
ra_status_t ra_load_record_checked(ra_loader_t *ld, const ra_checklist_t *cl, const char *path,
                                   ra_record_t **out);
ra_status_t ra_load_record_checked_mem(ra_loader_t *ld, const ra_checklist_t *cl, const char *name,
                                       const char *data, size_t len, ra_record_t **out);

/* Loads and XSD-validates a report template; a logo must be a regular file
 * inside the template's directory. On success *out is owned by the caller
 * (ra_template_free). */
ra_status_t ra_load_template(ra_loader_t *ld, const char *path, ra_template_t **out);

/* Semantic checks of a record against a checklist: ids, profile, roles,
 * dates, justifications; and a warning for each placeholder of `init` still
 * in it. Returns RA_ERR_INVALID when any error was reported. */
ra_status_t ra_record_check(const ra_checklist_t *cl, const ra_record_t *rec, ra_diag_sink_t *sink);

/* The placeholders `readyaudit init` writes for the user to replace. */
#define RA_PLACEHOLDER_ID "CHANGE-ME"
#define RA_PLACEHOLDER_SYSTEM "System name"
#define RA_PLACEHOLDER_ORGANISATION "Organisation"
#define RA_PLACEHOLDER_ASSESSOR "Assessor name"

/* Counts the placeholders of `init` a record still holds, and when sink is
 * not NULL warns about each ("placeholder: ..."), at its line. */
size_t ra_record_placeholders(const ra_record_t *rec, ra_diag_sink_t *sink);

#endif
