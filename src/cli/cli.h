/* cli.h - what the subcommands share: options, exit codes, the loaded inputs. */
#ifndef RA_CLI_H
#define RA_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "base/diag.h"
#include "base/env.h"
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
    RA_EXIT_MISMATCH = 5,  /* verify: the record is not the one the report states */
    /* verify's other outcomes (README "Verifying a report") */
    RA_EXIT_DAMAGED = 6,        /* differs from its regeneration, or truncated */
    RA_EXIT_MODIFIED = 7,       /* an update after the original does more than sign */
    RA_EXIT_NOT_OURS = 8,       /* no readyaudit integrity data */
    RA_EXIT_OTHER_VERSION = 9,  /* made by another version: cannot be regenerated here */
    RA_EXIT_INPUT_MISSING = 10, /* a checklist, template, logo, fonts or record not found */
    RA_EXIT_REWRITTEN = 11,     /* rewritten by another PDF tool: bytes not comparable */
    RA_EXIT_UNTRUSTED = 12,     /* signed after issue, but not chained to --trust */
    RA_EXIT_GLYPHS = 13,        /* --strict: text of the record the font chain cannot draw */
    RA_EXIT_OTHER_SYSTEM = 14,  /* diff: the records are of different systems (no --force) */
    /* sign: why a signature was refused, one code each (ra_sign_refusal_t). */
    RA_EXIT_SIGN_NO_FIELD = 20,     /* the role is not a signature field of the report */
    RA_EXIT_SIGN_SIGNED = 21,       /* the field is already signed */
    RA_EXIT_SIGN_NOT_INTACT = 22,   /* not an intact readyaudit report */
    RA_EXIT_SIGN_KEY_MISMATCH = 23, /* the key does not match the certificate */
    RA_EXIT_SIGN_CERT_TIME = 24,    /* the certificate expired or is not yet valid */
    RA_EXIT_SIGN_CERT_USAGE = 25,   /* its key usage does not allow signing */
    RA_EXIT_SIGN_BAD_SECRET = 26,   /* a wrong PIN or password */
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
    bool verbose;               /* -v: libxml2's own words with each XML error */
    bool attach_source;         /* --attach-source */
    bool methodology;           /* --methodology */
    bool force;                 /* --force */
    bool strict;                /* --strict: text the fonts cannot draw is an error */
    unsigned jobs;              /* -j, 0: one per core */
    const char *shard;          /* --shard K/N */
    const char *manifest;       /* --manifest */
    const char *summary;        /* --summary */
    const char *role;           /* sign: --role */
    const char *key, *cert;     /* sign: --key, --cert */
    const char *chain;          /* sign: --chain */
    const char *p12;            /* sign: --p12 */
    const char *trust;          /* verify: --trust */
    const char *previous;       /* report, verify: --previous */
    const char *password_file;  /* sign: --password-file */
    const char *pkcs11;         /* sign: --pkcs11 URI */
    const char *pin_file;       /* sign: --pin-file */
    char **args;                /* positional arguments */
    int nargs;
} ra_opts_t;

/* One run of one subcommand: its name, options and the process environment. */
typedef struct {
    const char *prog;
    const char *command; /* the subcommand's name */
    ra_opts_t opts;
    ra_env_t *env;   /* made once in main.c */
    bool said_nomem; /* an "out of memory" error was printed (ra_cli_diag) */
    /* The font chain for ra_cli_check_text, read on first use (freed by main). */
    struct ra_pdf_fonts *fonts;
    bool fonts_tried;
} ra_cli_t;

/* The command line's diagnostics sink (ctx: the ra_cli_t): prints to
 * stderr, noting an out-of-memory error so that it is said once. */
void ra_cli_diag(void *ctx, const ra_diag_t *d);

/* Maps a status to its exit code. */
int ra_exit_code(ra_status_t st);

/* ra_exit_code for the end of a subcommand: out of memory, which no stage
 * reports itself, is said here ("PROG CMD: out of memory"), exit 4. */
int ra_cli_exit(ra_cli_t *cli, ra_status_t st);

/* The file the user named, or the shipped one of that name in the data
 * directory's templates/ (formatted into buf, which the caller frees). */
const char *ra_cli_data_file(const ra_cli_t *cli, const char *given, const char *name,
                             ra_buf_t *buf);

/* Loads the checklist named by --checklist (or the shipped one). */
ra_status_t ra_cli_checklist(ra_cli_t *cli, ra_checklist_t **out);

/* Resolves --profile (or the record's own profile when NULL); reports unknown ones. */
ra_status_t ra_cli_profile(ra_cli_t *cli, const ra_checklist_t *cl, const char *id, size_t *out);

/* Prints how many errors the sink held back for file, if any, and resets its counts. */
void ra_cli_flush(ra_cli_t *cli, const char *file);

/* Loads a record and runs the semantic checks. */
ra_status_t ra_cli_record(ra_cli_t *cli, const ra_checklist_t *cl, const char *path,
                          ra_record_t **out);

/* Checks the text of rec against the font chain (ra_report_check_text; the
 * chain read once, on first use, into cli->fonts): one warning per field
 * that loses characters, an error with --strict (RA_ERR_GLYPHS). When the
 * chain cannot be read, says so once as a warning and checks nothing. */
ra_status_t ra_cli_check_text(ra_cli_t *cli, ra_record_t *rec);

/* Closes a stream, reporting a failed write; returns RA_ERR_IO on failure. */
ra_status_t ra_cli_close(ra_cli_t *cli, FILE *f, const char *name);

/* Loads --template or the shipped default report template. */
ra_status_t ra_cli_template(ra_cli_t *cli, ra_template_t **out);

/* A file a run reads (an input) or writes (an output), named by its role
 * ("record", "checklist", "--summary", ...) in messages. */
typedef struct {
    const char *role;
    const char *path;
    bool output;
} ra_cli_file_t;

/* Before anything is written: refuses a run (RA_ERR_USAGE, said on stderr
 * naming both paths) in which an output is one of the inputs or another
 * output, compared by device and inode after following symlinks. Files
 * that cannot be found are left to the reads and writes to report. */
ra_status_t ra_cli_check_clashes(ra_cli_t *cli, const ra_cli_file_t *files, size_t n);

/* Is path "-" or the file standard output is? */
bool ra_cli_is_stdout(const char *path);

int ra_cmd_validate(ra_cli_t *cli);
int ra_cmd_init(ra_cli_t *cli);
int ra_cmd_checklist(ra_cli_t *cli);
int ra_cmd_score(ra_cli_t *cli);
int ra_cmd_report(ra_cli_t *cli);
int ra_cmd_batch(ra_cli_t *cli);
int ra_cmd_verify(ra_cli_t *cli);
int ra_cmd_manifest(ra_cli_t *cli);
int ra_cmd_sign(ra_cli_t *cli);
int ra_cmd_diff(ra_cli_t *cli);

#endif
