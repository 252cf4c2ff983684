/* cmd_diff.c - `readyaudit diff`: what changed between two assessments of one system. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "format/format.h"
#include "pipeline/pipeline.h"
#include "score/diff.h"

/* Loads and scores one record at its own profile, as report does. */
static ra_status_t load_scored(ra_cli_t *cli, const ra_checklist_t *cl, const char *path,
                               ra_buf_t *source, ra_record_t **rec, ra_score_t **s)
{
    ra_status_t st = ra_pipeline_score_one(cli->env, cl, path, NULL, 0, source, rec, s);
    ra_cli_flush(cli, path);
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
    ra_buf_t osrc = RA_BUF_INIT, nsrc = RA_BUF_INIT;
    int rc;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK)
        st = load_scored(cli, cl, o->args[0], &osrc, &orec, &os);
    if (st == RA_OK)
        st = load_scored(cli, cl, o->args[1], &nsrc, &nrec, &ns);
    if (st == RA_OK)
        st = ra_diff_compute(os, ns, &d);
    if (st == RA_OK)
        ra_pipeline_warn_order(cli->env->sink, o->args[0], orec, nrec, "OLD", "NEW");
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
    ra_buf_free(&nsrc);
    ra_buf_free(&osrc);
    ra_checklist_free(cl);
    return rc;
}
