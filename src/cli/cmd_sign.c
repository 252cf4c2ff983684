/* cmd_sign.c - `readyaudit sign`: a PAdES signature in a role's field, as an
 * incremental update, written atomically (in place without -o). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/env.h"
#include "base/io.h"
#include "seal/sign.h"
#include "seal/verify.h"

/* The exit code of each refusal (README "Exit codes"). */
static const int refusal_exit[] = {
    [RA_SIGN_FINE] = RA_EXIT_INVALID,
    [RA_SIGN_NO_FIELD] = RA_EXIT_SIGN_NO_FIELD,
    [RA_SIGN_SIGNED] = RA_EXIT_SIGN_SIGNED,
    [RA_SIGN_NOT_INTACT] = RA_EXIT_SIGN_NOT_INTACT,
    [RA_SIGN_KEY_MISMATCH] = RA_EXIT_SIGN_KEY_MISMATCH,
    [RA_SIGN_CERT_TIME] = RA_EXIT_SIGN_CERT_TIME,
    [RA_SIGN_CERT_USAGE] = RA_EXIT_SIGN_CERT_USAGE,
    [RA_SIGN_BAD_SECRET] = RA_EXIT_SIGN_BAD_SECRET,
};

_Static_assert(sizeof refusal_exit / sizeof refusal_exit[0] == RA_SIGN_REFUSAL_COUNT,
               "refusal_exit must list every ra_sign_refusal_t");

/* Says a usage error and returns its exit code. */
static int usage(ra_cli_t *cli, const char *msg)
{
    fprintf(stderr, "%s sign: %s\nTry '%s sign --help'.\n", cli->prog, msg, cli->prog);
    return RA_EXIT_USAGE;
}

int ra_cmd_sign(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs != 1)
        return usage(cli, "expected one report, REPORT.pdf");
    if (!o->role)
        return usage(cli, "--role ROLE is required (the signature field to sign)");
    int sources = !!o->key + !!o->p12 + !!o->pkcs11;
    if (sources != 1)
        return usage(cli, sources ? "give only one of --key, --p12 and --pkcs11"
                                  : "give a key: --key KEY.pem --cert CERT.pem, --p12 FILE.p12 "
                                    "or --pkcs11 URI");
    if (o->key && !o->cert)
        return usage(cli, "--key needs --cert CERT.pem");
    if (o->p12 && o->cert)
        return usage(cli, "--cert does not apply to --p12 (the file holds the certificate)");
    if (o->chain && !o->key)
        return usage(cli, "--chain applies only to --key");
    if (o->password_file && !o->p12)
        return usage(cli, "--password-file applies only to --p12");
    if (o->pin_file && !o->pkcs11)
        return usage(cli, "--pin-file applies only to --pkcs11");
    const char *report = o->args[0];
    const char *target = o->output ? o->output : report;
    /* The output may be the report itself (in place), but none of the key files. */
    ra_cli_file_t files[] = {
        {"-o", target, true},
        {"--key", o->key, false},
        {"--cert", o->cert, false},
        {"--chain", o->chain, false},
        {"--p12", o->p12, false},
        {"--password-file", o->password_file, false},
        {"--pin-file", o->pin_file, false},
    };
    if (strcmp(target, "-") != 0 &&
        ra_cli_check_clashes(cli, files, sizeof files / sizeof *files) != RA_OK)
        return RA_EXIT_USAGE;
    ra_env_started();
    ra_buf_t in = RA_BUF_INIT, out = RA_BUF_INIT;
    ra_status_t st = ra_read_file(report, RA_MAX_REPORT_BYTES, &in, cli->env->sink);
    ra_sign_refusal_t refusal = RA_SIGN_FINE;
    if (st == RA_OK) {
        ra_sign_options_t so = {
            .role = o->role,
            .keys = {o->key, o->cert, o->chain, o->p12, o->password_file, o->pkcs11, o->pin_file},
            .epoch_set = cli->env->epoch_set,
            .epoch = cli->env->epoch,
        };
        st = ra_sign_report(in.data, in.len, report, &so, cli->env->sink, &out, &refusal);
    }
    if (st == RA_OK)
        st = ra_write_atomic(target, out.data, out.len, cli->env->sink);
    if (st == RA_OK && !o->quiet && !ra_cli_is_stdout(target))
        printf("%s: signed the field '%s'\n", target, o->role);
    ra_buf_free(&in);
    ra_buf_free(&out);
    if (st == RA_ERR_INVALID)
        return refusal_exit[refusal];
    return ra_cli_exit(cli, st);
}
