/* cmd_diff.c - `readyaudit diff`: what changed between two assessments of one system. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "format/format.h"
#include "score/diff.h"

/* Loads and scores one record at its own profile. */
static ra_status_t load_scored(ra_cli_t *cli, const ra_checklist_t *cl, const char *path,
                               ra_record_t **rec, ra_score_t **s)
{
    size_t profile = 0;
    ra_status_t st = ra_cli_record(cli, cl, path, rec);
    if (st == RA_OK)
        st = ra_cli_profile(cli, cl, (*rec)->profile, &profile);
    if (st == RA_OK)
        st = ra_score_compute(cl, *rec, profile, s);
    return st;
}

int ra_cmd_diff(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs != 2) {
        fprintf(stderr,
                "%s diff: expected two records (OLD.xml NEW.xml), got %d\nTry '%s diff --help'.\n",
                cli->prog, o->nargs, cli->prog);
        return RA_EXIT_USAGE;
    }
    const char *fmt = o->format ? o->format : "text";
    bool json = strcmp(fmt, "json") == 0;
    if (!json && strcmp(fmt, "text") != 0) {
        fprintf(stderr, "%s diff: unknown format '%s' (text or json)\n", cli->prog, fmt);
        return RA_EXIT_USAGE;
    }
    ra_checklist_t *cl = NULL;
    ra_record_t *orec = NULL, *nrec = NULL;
    ra_score_t *os = NULL, *ns = NULL;
    ra_diff_t *d = NULL;
    int rc;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK)
        st = load_scored(cli, cl, o->args[0], &orec, &os);
    if (st == RA_OK)
        st = load_scored(cli, cl, o->args[1], &nrec, &ns);
    if (st == RA_OK)
        st = ra_diff_compute(os, ns, &d);
    if (st == RA_OK && orec->assessed_on > nrec->assessed_on) {
        char a[11], b[11];
        ra_date_format(orec->assessed_on, a);
        ra_date_format(nrec->assessed_on, b);
        ra_diag(cli->env->sink, RA_DIAG_WARNING, o->args[0], orec->line,
                "OLD is dated after NEW (assessed %s, NEW %s): the changes read backwards", a, b);
    }
    if (st == RA_OK && !d->same_system && !o->force) {
        ra_buf_t a = RA_BUF_INIT, b = RA_BUF_INIT;
        ra_format_system(orec, &a);
        ra_format_system(nrec, &b);
        fprintf(stderr,
                "%s diff: %s and %s are records of different systems (%s; %s); --force "
                "compares them anyway\n",
                cli->prog, o->args[0], o->args[1], ra_buf_str(&a), ra_buf_str(&b));
        ra_buf_free(&a);
        ra_buf_free(&b);
        rc = RA_EXIT_OTHER_SYSTEM;
        goto done;
    }
    if (st == RA_OK) {
        st = json ? ra_format_diff_json(stdout, d) : ra_format_diff_text(stdout, d);
        if (st == RA_OK)
            st = ra_cli_close(cli, stdout, "standard output");
        else if (st == RA_ERR_IO)
            fprintf(stderr, "%s: error writing standard output: %s\n", cli->prog,
                    strerror(errno ? errno : EIO));
    }
    rc = ra_cli_exit(cli, st);
done:
    ra_diff_free(d);
    ra_score_free(ns);
    ra_score_free(os);
    ra_record_free(nrec);
    ra_record_free(orec);
    ra_checklist_free(cl);
    return rc;
}
