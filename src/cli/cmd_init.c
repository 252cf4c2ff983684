/* cmd_init.c - `readyaudit init`: a blank record listing every check of a profile. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

/* Writes s with the XML special characters escaped. */
static void xml_escape(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            putc(*s, f);
        }
}

/* Writes s inside an XML comment, where "--" may not appear. */
static void comment_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        putc(*s, f);
        if (*s == '-' && s[1] == '-')
            putc(' ', f);
    }
}

/* The file: URL of the assessment schema in the data directory (made
 * absolute), with every byte outside the unreserved set and "/" written %XX. */
static void schema_url(FILE *f, const char *datadir)
{
    char *dir = realpath(datadir, NULL);
    const char *d = dir ? dir : datadir;
    fputs("file://", f);
    for (const char *p = d; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("/-._~", c))
            putc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
    fputs("/schemas/assessment.xsd", f);
    free(dir);
}

/* Today's date, or SOURCE_DATE_EPOCH's, as YYYY-MM-DD. */
static void today(const ra_env_t *env, char out[11])
{
    time_t t = env->epoch_set ? (time_t)env->epoch : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int ra_cmd_init(ra_cli_t *cli)
{
    if (!cli->opts.profile) {
        fprintf(stderr, "%s init: --profile is required\nTry '%s init --help'.\n", cli->prog,
                cli->prog);
        return RA_EXIT_USAGE;
    }
    if (cli->opts.nargs > 0) {
        fprintf(stderr, "%s init: unexpected argument '%s'\n", cli->prog, cli->opts.args[0]);
        return RA_EXIT_USAGE;
    }
    ra_checklist_t *cl = NULL;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    size_t profile = 0;
    if (st == RA_OK)
        st = ra_cli_profile(cli, cl, cli->opts.profile, &profile);
    if (st != RA_OK) {
        ra_checklist_free(cl);
        return ra_cli_exit(cli, st);
    }
    FILE *f = stdout;
    const char *name = "standard output";
    if (cli->opts.output && strcmp(cli->opts.output, "-") != 0) {
        name = cli->opts.output;
        f = fopen(name, "wx");
        if (!f) {
            fprintf(stderr, "%s: cannot create %s: %s\n", cli->prog, name, strerror(errno));
            ra_checklist_free(cl);
            return errno == EEXIST ? RA_EXIT_USAGE : RA_EXIT_IO;
        }
    }
    const ra_profile_t *p = &cl->profiles[profile];
    size_t count = 0;
    for (size_t i = 0; i < cl->nchecks; i++)
        count += cl->profiles[cl->checks[i].profile].rank <= p->rank;
    char date[11];
    today(cli->env, date);

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Assessment record for checklist ");
    comment_text(f, cl->id);
    fprintf(f, " %s, profile ", cl->version);
    comment_text(f, p->id);
    fprintf(f,
            " (%zu checks).\n"
            "     For each result set status to pass, partial, fail or not-applicable; add\n"
            "     <evidence>, and for every gap a <remediation owner due> or a\n"
            "     <risk-acceptance>. Not-applicable needs a <justification>.\n"
            "     Check it with: readyaudit validate THIS-FILE -->\n",
            count);
    /* The schema's place, for editors that check and complete while typing;
     * readyaudit itself always uses its own copy and never follows it. */
    fprintf(f, "<assessment xmlns=\"urn:readyaudit:assessment:1\"\n"
               "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
               "    xsi:schemaLocation=\"urn:readyaudit:assessment:1 ");
    schema_url(f, cli->env->datadir);
    fprintf(f, "\"\n    id=\"" RA_PLACEHOLDER_ID "\" checklist=\"");
    xml_escape(f, cl->id);
    fprintf(f, "\" checklist-version=\"");
    xml_escape(f, cl->version);
    fprintf(f, "\" profile=\"");
    xml_escape(f, p->id);
    fprintf(f,
            "\">\n  <system>\n    <name>" RA_PLACEHOLDER_SYSTEM "</name>\n"
            "    <organisation>" RA_PLACEHOLDER_ORGANISATION "</organisation>\n  </system>\n"
            "  <assessed-on>%s</assessed-on>\n  <assessors>\n"
            "    <assessor name=\"" RA_PLACEHOLDER_ASSESSOR "\" role=\"Assessor\"/>\n"
            "  </assessors>\n"
            "  <results>\n",
            date);
    for (size_t r = 0; r < cl->nprofiles && cl->profiles[r].rank <= p->rank; r++) {
        fprintf(f, "    <!-- Profile ");
        comment_text(f, cl->profiles[r].name);
        fprintf(f, " -->\n");
        for (size_t i = 0; i < cl->nchecks; i++) {
            const ra_check_t *ck = &cl->checks[i];
            if (ck->profile != r)
                continue;
            fprintf(f, "    <!-- ");
            comment_text(f, ck->id);
            fprintf(f, " (");
            comment_text(f, cl->layers[ck->layer].name);
            fprintf(f, ", weight %d%s): ", ck->weight, ck->gate ? ", gate" : "");
            comment_text(f, ck->title);
            fprintf(f, " -->\n    <result check=\"");
            xml_escape(f, ck->id);
            fprintf(f, "\" status=\"not-assessed\"/>\n");
        }
    }
    fprintf(f, "  </results>\n  <sign-off>\n    <!-- <approval name=\"\" role=\"");
    if (p->nsignoff)
        comment_text(f, cl->roles[p->signoff_roles[0]].id);
    fprintf(f,
            "\" decision=\"approved\" date=\"%s\">comment</approval>\n"
            "         required roles:",
            date);
    for (size_t k = 0; k < p->nsignoff; k++) {
        putc(' ', f);
        comment_text(f, cl->roles[p->signoff_roles[k]].id);
    }
    fprintf(f, " -->\n  </sign-off>\n</assessment>\n");
    st = ra_cli_close(cli, f, name);
    if (st != RA_OK && f != stdout)
        remove(name);
    ra_checklist_free(cl);
    return ra_cli_exit(cli, st);
}
