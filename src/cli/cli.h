/* cli.h - what the subcommands share: options, exit codes, the loaded inputs. */
#ifndef RA_CLI_H
#define RA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/diag.h"
#include "model/load.h"
#include "model/model.h"
#include "score/score.h"
#include "base/status.h"

/* Exit codes (README "Exit codes"). */
enum {
    RA_EXIT_OK = 0,        /* success */
    RA_EXIT_NOT_READY = 1, /* ran, but a gate that was asked for failed (--fail-under, not ready) */
    RA_EXIT_USAGE = 2,     /* bad command line */
    RA_EXIT_INVALID = 3,   /* invalid input: malformed, schema or semantic errors, limits */
    RA_EXIT_IO = 4,        /* a file could not be read or written, or the PDF failed */
    RA_EXIT_MISMATCH = 5,  /* verify: the report does not match the record */
};

/* Parsed command line of one subcommand. */
typedef struct {
    const char *checklist_path; /* --checklist, or the shipped one */
    const char *profile;        /* --profile */
    const char *format;         /* --format */
    const char *output;         /* -o */
    const char *template_path;  /* --template */
    double fail_under;          /* --fail-under, or -1 */
    bool quiet;                 /* -q */
    bool attach_source;         /* --attach-source */
    bool methodology;           /* --methodology */
    bool force;                 /* --force */
    unsigned jobs;              /* -j, 0: one per core */
    const char *shard;          /* --shard K/N */
    const char *manifest;       /* --manifest */
    const char *summary;        /* --summary */
    char **args;                /* positional arguments */
    int nargs;
} ra_opts_t;

/* Process-wide context of one run: the data directory, diagnostics, loader. */
typedef struct {
    const char *prog;
    const char *command; /* the subcommand's name */
    char *datadir;
    ra_diag_sink_t sink;
    ra_loader_t *loader;
    ra_opts_t opts;
    /* Fonts read once for many reports (batch), or NULL: each report
     * reads its own. Not owned. */
    const struct ra_pdf_fonts *fonts;
} ra_cli_t;

/* Maps a status to its exit code. */
int ra_exit_code(ra_status_t st);

/* The file the user named, or the shipped one of that name in the data
 * directory's templates/ (formatted into buf, which the caller frees). */
const char *ra_cli_data_file(const ra_cli_t *cli, const char *given, const char *name,
                             ra_buf_t *buf);

/* Loads the checklist named by --checklist (or the shipped one). */
ra_status_t ra_cli_checklist(ra_cli_t *cli, ra_checklist_t **out);

/* Resolves --profile (or the record's own profile when NULL); reports unknown ones. */
ra_status_t ra_cli_profile(ra_cli_t *cli, const ra_checklist_t *cl, const char *id, size_t *out);

/* Loads a record and runs the semantic checks. */
ra_status_t ra_cli_record(ra_cli_t *cli, const ra_checklist_t *cl, const char *path,
                          ra_record_t **out);

/* Closes a stream, reporting a failed write; returns RA_ERR_IO on failure. */
ra_status_t ra_cli_close(ra_cli_t *cli, FILE *f, const char *name);

/* What one report run produced, for the caller (batch manifests). */
typedef struct ra_outcome ra_outcome_t;
struct ra_outcome {
    ra_record_t *record; /* owned; NULL when the record did not load */
    ra_score_t *score;   /* owned */
    char *output_path;   /* owned; set once written */
    unsigned char output_sha256[32];
    bool skipped;       /* the output was up to date */
    bool hash_output;   /* fill output_sha256 (batch manifests) */
    bool defer_commit;  /* leave the report, not yet flushed to disk, in temp_path for
                           the caller to commit and sync */
    char *temp_path;    /* owned; with defer_commit, the written temporary file */
    const char *outdir; /* where to write <record id>.pdf when no path is given */
    /* Returns true when the output at path is up to date and need not be
     * made; it then fills output_sha256 when hash_output is set. */
    bool (*skip_current)(ra_outcome_t *oc, const char *path);
    void *ctx;
};

/* Frees what an outcome owns and empties it. */
void ra_outcome_clear(ra_outcome_t *oc);

/* Loads --template or the shipped default report template. */
ra_status_t ra_cli_template(ra_cli_t *cli, ra_template_t **out);

/* Loads, checks and scores a record and writes its report to out_path (or,
 * when NULL, to oc->outdir/<record id>.pdf). oc may be NULL for a single run. */
ra_status_t ra_cli_report(ra_cli_t *cli, const ra_checklist_t *cl, const ra_template_t *tpl,
                          const char *record_path, const char *out_path, ra_outcome_t *oc);

int ra_cmd_validate(ra_cli_t *cli);
int ra_cmd_init(ra_cli_t *cli);
int ra_cmd_checklist(ra_cli_t *cli);
int ra_cmd_score(ra_cli_t *cli);
int ra_cmd_report(ra_cli_t *cli);
int ra_cmd_batch(ra_cli_t *cli);
int ra_cmd_verify(ra_cli_t *cli);
int ra_cmd_manifest(ra_cli_t *cli);

#endif
