/* cmd_manifest.c - `readyaudit manifest merge`: the manifests of sharded
 * batches as one; `readyaudit manifest summary`: the portfolio summary of a
 * manifest, read one row at a time. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "pack/manifest.h"
#include "pack/portfolio.h"

/* Feeds a row read to the portfolio (ra_manifest_each's fn). */
static ra_status_t feed(void *ctx, ra_manifest_row_t *row)
{
    ra_status_t st = ra_portfolio_add(ctx, row);
    ra_manifest_row_free(row);
    return st;
}

/* The portfolio summary of one manifest (its rows with their detail). */
static int summary(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    ra_cli_file_t files[] = {{"-o", o->output, true}, {"the manifest", o->args[1], false}};
    if (ra_cli_check_clashes(cli, files, 2) != RA_OK)
        return RA_EXIT_USAGE;
    ra_checklist_t *cl = NULL;
    ra_portfolio_t *p = NULL;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK && !(p = ra_portfolio_new(cli->env, cl)))
        st = RA_ERR_NOMEM;
    if (st == RA_OK)
        st = ra_manifest_each(o->args[1], feed, p, cli->env->sink);
    if (st == RA_OK)
        st = ra_portfolio_set_manifest(p, o->args[1]);
    if (st == RA_OK)
        st = ra_portfolio_write(p, o->output);
    if (st == RA_OK && !o->quiet)
        printf("%s: the portfolio summary of %s\n", o->output, o->args[1]);
    ra_portfolio_free(p);
    ra_checklist_free(cl);
    return ra_cli_exit(cli, st);
}

int ra_cmd_manifest(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    bool merge = o->nargs >= 2 && strcmp(o->args[0], "merge") == 0;
    bool sum = o->nargs == 2 && strcmp(o->args[0], "summary") == 0;
    if ((!merge && !sum) || !o->output || (sum && ra_cli_is_stdout(o->output))) {
        fprintf(stderr,
                "%s manifest: usage: %s manifest merge MANIFEST... -o OUT.csv|OUT.json\n"
                "       %s manifest summary MANIFEST -o PORTFOLIO.pdf\n",
                cli->prog, cli->prog, cli->prog);
        return RA_EXIT_USAGE;
    }
    if (sum)
        return summary(cli);
    /* The merged manifest may not be written over one it reads. */
    ra_cli_file_t files[o->nargs];
    files[0] = (ra_cli_file_t){"-o", o->output, true};
    for (int i = 1; i < o->nargs; i++)
        files[i] = (ra_cli_file_t){"the manifest", o->args[i], false};
    if (strcmp(o->output, "-") != 0 && ra_cli_check_clashes(cli, files, (size_t)o->nargs) != RA_OK)
        return RA_EXIT_USAGE;
    size_t n = 0;
    ra_status_t st = ra_manifest_merge((const char *const *)o->args + 1, (size_t)o->nargs - 1,
                                       o->output, &n, cli->env->sink);
    if (st == RA_OK && !o->quiet && !ra_cli_is_stdout(o->output))
        printf("%s: %zu rows from %d manifests\n", o->output, n, o->nargs - 1);
    return ra_cli_exit(cli, st);
}
