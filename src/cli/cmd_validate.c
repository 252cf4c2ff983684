/* cmd_validate.c - `readyaudit validate`: schema and semantic checks of records. */
#include <stdio.h>

#include "cli/cli.h"
#include "score/score.h"

int ra_cmd_validate(ra_cli_t *cli)
{
    if (cli->opts.nargs < 1) {
        fprintf(stderr, "%s validate: no record given\nTry '%s validate --help'.\n", cli->prog,
                cli->prog);
        return RA_EXIT_USAGE;
    }
    ra_checklist_t *cl = NULL;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    if (st != RA_OK)
        return ra_cli_exit(cli, st);
    int rc = RA_EXIT_OK;
    for (int i = 0; i < cli->opts.nargs; i++) {
        const char *path = cli->opts.args[i];
        ra_record_t *rec = NULL;
        st = ra_cli_record(cli, cl, path, &rec);
        /* The governance rules' findings, as warnings that name the rule. */
        long profile = st == RA_OK ? ra_checklist_find_profile(cl, rec->profile) : -1;
        ra_score_t *s = NULL;
        if (profile >= 0 && (st = ra_score_compute(cl, rec, (size_t)profile, &s)) == RA_OK) {
            for (size_t k = 0; k < s->nfindings; k++)
                ra_diag(cli->env->sink, RA_DIAG_WARNING, path,
                        s->findings[k].line ? s->findings[k].line : rec->line, "%s: %s",
                        ra_rule_name(s->findings[k].rule), ra_buf_str(&s->findings[k].text));
            ra_cli_flush(cli, path);
        }
        ra_score_free(s);
        if (st == RA_OK)
            st = ra_cli_check_text(cli, rec);
        if (st == RA_OK && !cli->opts.quiet)
            printf("%s: valid (%s, profile %s, %zu results)\n", path, rec->id, rec->profile,
                   rec->nresults);
        ra_record_free(rec);
        int code = ra_cli_exit(cli, st);
        if (code > rc)
            rc = code;
    }
    ra_checklist_free(cl);
    return rc;
}
