/* cmd_checklist.c - `readyaudit checklist`: the checks as a table, or the methodology. */
#include <stdio.h>

#include "cli/cli.h"
#include "base/buf.h"
#include "score/method.h"

int ra_cmd_checklist(ra_cli_t *cli)
{
    if (cli->opts.nargs > 0) {
        fprintf(stderr, "%s checklist: unexpected argument '%s'\n", cli->prog, cli->opts.args[0]);
        return RA_EXIT_USAGE;
    }
    ra_checklist_t *cl = NULL;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    size_t profile = 0;
    int all = !cli->opts.profile;
    if (st == RA_OK && !all)
        st = ra_cli_profile(cli, cl, cli->opts.profile, &profile);
    if (st != RA_OK) {
        ra_checklist_free(cl);
        return ra_cli_exit(cli, st);
    }
    if (cli->opts.methodology) {
        ra_buf_t text = RA_BUF_INIT;
        st = ra_method_text(cl, &text);
        if (st == RA_OK)
            printf("%s\n", ra_buf_str(&text));
        ra_buf_free(&text);
        ra_checklist_free(cl);
        return ra_cli_exit(cli, st);
    }
    int rank = all ? 0 : cl->profiles[profile].rank;
    size_t count = 0;
    printf("%s %s: %s\n", cl->id, cl->version, cl->title);
    printf("%-10s %-14s %1s %-4s %-15s %s\n", "ID", "LAYER", "W", "GATE", "PROFILE", "TITLE");
    for (size_t i = 0; i < cl->nchecks; i++) {
        const ra_check_t *ck = &cl->checks[i];
        if (!all && cl->profiles[ck->profile].rank > rank)
            continue;
        count++;
        printf("%-10s %-14s %d %-4s %-15s %s\n", ck->id, cl->layers[ck->layer].id, ck->weight,
               ck->gate ? "yes" : "", cl->profiles[ck->profile].id, ck->title);
    }
    if (all)
        printf("%zu checks in %zu layers\n", count, cl->nlayers);
    else
        printf("%zu checks apply to profile %s\n", count, cl->profiles[profile].id);
    ra_checklist_free(cl);
    return RA_EXIT_OK;
}
