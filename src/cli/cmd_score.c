/* cmd_score.c - `readyaudit score`: load, check, score, print in the chosen format. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "format/format.h"
#include "base/number.h"
#include "score/score.h"

int ra_cmd_score(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs != 1) {
        fprintf(stderr, "%s score: expected one record, got %d\nTry '%s score --help'.\n",
                cli->prog, o->nargs, cli->prog);
        return RA_EXIT_USAGE;
    }
    const char *fmt = o->format ? o->format : "text";
    static const char *const formats[] = {"text", "json", "csv", "junit"};
    int which = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(fmt, formats[i]) == 0)
            which = i;
    if (which < 0) {
        fprintf(stderr, "%s score: unknown format '%s' (text, json, csv or junit)\n", cli->prog,
                fmt);
        return RA_EXIT_USAGE;
    }
    ra_checklist_t *cl = NULL;
    ra_record_t *rec = NULL;
    ra_score_t *s = NULL;
    size_t profile = 0;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK)
        st = ra_cli_record(cli, cl, o->args[0], &rec);
    if (st == RA_OK)
        st = ra_cli_profile(cli, cl, o->profile ? o->profile : rec->profile, &profile);
    if (st == RA_OK)
        st = ra_score_compute(cl, rec, profile, &s);
    if (st == RA_OK)
        st = ra_cli_check_text(cli, rec);
    if (st == RA_OK) {
        switch (which) {
        case 0: {
            const char *nc = getenv("NO_COLOR");
            st = ra_format_text(stdout, s, isatty(STDOUT_FILENO) && !(nc && *nc));
            break;
        }
        case 1:
            st = ra_format_json(stdout, s);
            break;
        case 2:
            st = ra_format_csv(stdout, s);
            break;
        default:
            st = ra_format_junit(stdout, s);
            break;
        }
        if (st == RA_OK)
            st = ra_cli_close(cli, stdout, "standard output");
        else if (st == RA_ERR_IO)
            fprintf(stderr, "%s: error writing standard output: %s\n", cli->prog,
                    strerror(errno ? errno : EIO));
    }
    int rc = ra_cli_exit(cli, st);
    if (st == RA_OK && o->fail_under >= 0) {
        bool below = !s->has_score || s->score < o->fail_under - RA_SCORE_EPSILON;
        /* The score as the report shows it, one decimal; two where one
         * would round it up to the threshold it is below. */
        char sc[32], n[32];
        ra_score_format(s->has_score, s->score, sc);
        ra_number_shortest(o->fail_under, n);
        if (below && s->has_score && atof(sc) >= o->fail_under)
            snprintf(sc, sizeof sc, "%.2f", floor(s->score * 100) / 100);
        if (below) {
            fprintf(stderr, "%s: not ready: score %s is below --fail-under %s\n", o->args[0],
                    s->has_score ? sc : "n/a", n);
            rc = RA_EXIT_NOT_READY;
        } else if (s->verdict == RA_VERDICT_NOT_READY) {
            fprintf(stderr, "%s: not ready: the verdict is Not ready (%s)\n", o->args[0],
                    ra_buf_str(&s->verdict_reason));
            rc = RA_EXIT_NOT_READY;
        }
    }
    ra_score_free(s);
    ra_record_free(rec);
    ra_checklist_free(cl);
    return rc;
}
