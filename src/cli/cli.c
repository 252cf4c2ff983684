/* cli.c - helpers the subcommands share, and the validate, init and checklist commands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/io.h"
#include "score/method.h"

int ra_exit_code(ra_status_t st)
{
    switch (st) {
    case RA_OK:
        return RA_EXIT_OK;
    case RA_ERR_USAGE:
        return RA_EXIT_USAGE;
    case RA_ERR_PARSE:
    case RA_ERR_SCHEMA:
    case RA_ERR_INVALID:
    case RA_ERR_LIMIT:
        return RA_EXIT_INVALID;
    case RA_ERR_MISMATCH:
        return RA_EXIT_MISMATCH;
    default:
        return RA_EXIT_IO;
    }
}

const char *ra_cli_data_file(const ra_cli_t *cli, const char *given, const char *name,
                             ra_buf_t *buf)
{
    if (given)
        return given;
    ra_buf_clear(buf);
    ra_buf_printf(buf, "%s/templates/%s", cli->env->datadir, name);
    return ra_buf_str(buf);
}

ra_status_t ra_cli_checklist(ra_cli_t *cli, ra_checklist_t **out)
{
    ra_buf_t buf = RA_BUF_INIT;
    ra_status_t st = ra_load_checklist(
        cli->env->loader,
        ra_cli_data_file(cli, cli->opts.checklist_path, "llmops-readiness.xml", &buf), out);
    ra_buf_free(&buf);
    return st;
}

ra_status_t ra_cli_profile(ra_cli_t *cli, const ra_checklist_t *cl, const char *id, size_t *out)
{
    long p = ra_checklist_find_profile(cl, id);
    if (p >= 0) {
        *out = (size_t)p;
        return RA_OK;
    }
    ra_buf_t ids = RA_BUF_INIT;
    for (size_t i = 0; i < cl->nprofiles; i++)
        ra_buf_printf(&ids, "%s%s", i ? ", " : "", cl->profiles[i].id);
    fprintf(stderr, "%s %s: unknown profile '%s' (checklist '%s' has: %s)\nTry '%s %s --help'.\n",
            cli->prog, cli->command, id, cl->id, ra_buf_str(&ids), cli->prog, cli->command);
    ra_buf_free(&ids);
    return RA_ERR_USAGE;
}

ra_status_t ra_cli_template(ra_cli_t *cli, ra_template_t **out)
{
    ra_buf_t buf = RA_BUF_INIT;
    ra_status_t st = ra_load_template(
        cli->env->loader,
        ra_cli_data_file(cli, cli->opts.template_path, "default-report.xml", &buf), out);
    ra_buf_free(&buf);
    return st;
}

void ra_cli_flush(ra_cli_t *cli, const char *file)
{
    if (cli->env->sink->suppressed)
        fprintf(stderr, "%s: %zu more errors not shown\n", file, cli->env->sink->suppressed);
    cli->env->sink->errors = cli->env->sink->warnings = cli->env->sink->suppressed = 0;
}

ra_status_t ra_cli_record(ra_cli_t *cli, const ra_checklist_t *cl, const char *path,
                          ra_record_t **out)
{
    ra_record_t *rec = NULL;
    ra_status_t st = ra_load_record(cli->env->loader, path, &rec);
    if (st == RA_OK)
        st = ra_record_check(cl, rec, cli->env->sink);
    ra_cli_flush(cli, path);
    if (st != RA_OK) {
        ra_record_free(rec);
        rec = NULL;
    }
    *out = rec;
    return st;
}

ra_status_t ra_cli_close(ra_cli_t *cli, FILE *f, const char *name)
{
    if (ra_close_stream(f) != RA_OK) {
        fprintf(stderr, "%s: error writing %s: %s\n", cli->prog, name, strerror(errno));
        return RA_ERR_IO;
    }
    return RA_OK;
}

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
        return ra_exit_code(st);
    int rc = RA_EXIT_OK;
    for (int i = 0; i < cli->opts.nargs; i++) {
        const char *path = cli->opts.args[i];
        ra_record_t *rec = NULL;
        st = ra_cli_record(cli, cl, path, &rec);
        if (st == RA_OK && !cli->opts.quiet)
            printf("%s: valid (%s, profile %s, %zu results)\n", path, rec->id, rec->profile,
                   rec->nresults);
        ra_record_free(rec);
        int code = ra_exit_code(st);
        if (code > rc)
            rc = code;
    }
    ra_checklist_free(cl);
    return rc;
}

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
        return ra_exit_code(st);
    }
    FILE *f = stdout;
    const char *name = "standard output";
    if (cli->opts.output) {
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
    fprintf(f, "<assessment xmlns=\"urn:readyaudit:assessment:1\" id=\"CHANGE-ME\" checklist=\"");
    xml_escape(f, cl->id);
    fprintf(f, "\" checklist-version=\"");
    xml_escape(f, cl->version);
    fprintf(f, "\" profile=\"");
    xml_escape(f, p->id);
    fprintf(f,
            "\">\n  <system>\n    <name>System name</name>\n"
            "    <organisation>Organisation</organisation>\n  </system>\n"
            "  <assessed-on>%s</assessed-on>\n  <assessors>\n"
            "    <assessor name=\"Assessor name\" role=\"Assessor\"/>\n  </assessors>\n"
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
    return ra_exit_code(st);
}

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
        return ra_exit_code(st);
    }
    if (cli->opts.methodology) {
        ra_buf_t text = RA_BUF_INIT;
        st = ra_method_text(cl, &text);
        if (st == RA_OK)
            printf("%s\n", ra_buf_str(&text));
        ra_buf_free(&text);
        ra_checklist_free(cl);
        return ra_exit_code(st);
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
