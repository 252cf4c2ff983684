/* regenerate.h - verify by regeneration: rebuild a report from the inputs
 * its integrity data names, with the pipeline `report` uses, and compare
 * the bytes of its original revision; then say what any later incremental
 * update does.
 *
 * Each outcome is one value of ra_verdict_t; the command line maps them to
 * exit codes (README "Verifying a report"). */
#ifndef RA_REGENERATE_H
#define RA_REGENERATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/env.h"
#include "base/status.h"
#include "seal/integrity.h"
#include "seal/signature.h"
#include "seal/verify.h"

typedef enum {
    RA_VERIFY_MATCH = 0,       /* identical to the regeneration, nothing after it */
    RA_VERIFY_SIGNED,          /* identical, and every later update only adds a valid signature */
    RA_VERIFY_MODIFIED,        /* identical, but a later update does something else */
    RA_VERIFY_DAMAGED,         /* differs from the regeneration inside it, or is shorter */
    RA_VERIFY_RECORD_MISMATCH, /* the record is not the one the report states */
    RA_VERIFY_NOT_OURS,        /* no readyaudit integrity data */
    RA_VERIFY_OTHER_VERSION,   /* the record matches, but another readyaudit made it */
    RA_VERIFY_INPUT_MISSING,   /* an input named by digest is not here */
    RA_VERIFY_REWRITTEN,       /* rewritten by another PDF tool: bytes not comparable */
    RA_VERIFY_UNTRUSTED,       /* signed after issue, but a signature does not chain to --trust */
    RA_VERIFY_OUTCOME_COUNT
} ra_verify_outcome_t;

/* The outcome's name in JSON ("match", "signed", "modified", "damaged",
 * "record-mismatch", "not-readyaudit", "other-version", "input-missing",
 * "rewritten"). */
const char *ra_verify_outcome_name(ra_verify_outcome_t o);

/* What verify is given. Pointers are borrowed. */
typedef struct {
    const char *report_path; /* for messages */
    const char *pdf;         /* the report's bytes */
    size_t len;
    const char *record_path; /* the record given, or NULL: the embedded one */
    const char *record_data; /* its bytes, or NULL: read from record_path when needed */
    size_t record_len;
    const char *checklist_path; /* --checklist, or NULL: the shipped one found by digest */
    const char *template_path;  /* --template, or NULL: likewise */
    const char *previous_path;  /* --previous: the previous record a report compares with */
    const char *trust_pem;      /* --trust: the anchors' PEM text, or NULL */
} ra_regen_input_t;

/* A signature set beside the approval the record holds for its role
 * (copies: the record and checklist are gone when verify returns). */
typedef struct {
    char role_name[128];   /* the role's label, or "": the field names no required role */
    char approver[256];    /* the name in the record's approval deciding that role, or "" */
    bool approval_matches; /* the signer is that approver (e-mail, else name) */
} ra_sig_match_t;

/* Where an input came from. */
typedef enum { RA_FROM_NONE = 0, RA_FROM_GIVEN, RA_FROM_EMBEDDED, RA_FROM_DATADIR } ra_from_t;

/* What verify found; free with ra_regen_result_free. */
typedef struct {
    ra_verify_outcome_t outcome;
    ra_integrity_t it;      /* as the original revision states it */
    bool consistent;        /* its report ID derives from its digests */
    bool have_data;         /* integrity data was found */
    char record_sha256[65]; /* the record used (given or embedded), "" when none */
    ra_from_t record_from, checklist_from, template_from;
    ra_from_t previous_from; /* RA_FROM_GIVEN when --previous had the stated digest */
    ra_buf_t checklist_file, template_file; /* the files used */
    /* RA_VERIFY_INPUT_MISSING: which input ("record", "checklist",
     * "template", "logo", "fonts", "hyphenation dictionary list",
     * "previous record") and the digest the report states. */
    const char *missing;
    char missing_sha256[65];
    ra_compare_t cmp; /* when a regeneration was compared */
    bool compared;
    ra_buf_t detail;  /* the outcome in one or two sentences */
    ra_buf_t updates; /* what later updates do, when any */
    size_t nupdates;  /* incremental updates after the original revision */
    /* The signatures of later updates, when the original matched. */
    ra_sig_report_t sigs;
    ra_sig_match_t *match;   /* [sigs.nsigs] */
    size_t nroles;           /* roles the profile requires */
    size_t napproved;        /* of them, with a counting approval in the record */
    size_t nsigned;          /* of them, with a valid signature in their field */
    ra_buf_t unsigned_roles; /* the required roles without a valid signature, ", "-separated */
} ra_regen_result_t;

/* Verifies a report. Returns RA_OK when an outcome was reached (in
 * out->outcome), RA_ERR_NOMEM when memory ran out, RA_ERR_IO when the data
 * directory or a given file could not be read (said on env->sink). */
ra_status_t ra_pipeline_verify(const ra_env_t *env, const ra_regen_input_t *in,
                               ra_regen_result_t *out);

void ra_regen_result_free(ra_regen_result_t *r);

#endif
