/* cli.c - what the subcommands share: exit codes, data files, loading that reports. */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/io.h"
#include "pdf/pdf.h"
#include "pipeline/pipeline.h"
#include "report/report.h"

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
    case RA_ERR_GLYPHS:
        return RA_EXIT_GLYPHS;
    default:
        return RA_EXIT_IO;
    }
}

void ra_cli_diag(void *ctx, const ra_diag_t *d)
{
    ra_cli_t *cli = ctx;
    if (d->severity == RA_DIAG_ERROR && strstr(d->message, ra_strerror(RA_ERR_NOMEM)))
        cli->said_nomem = true;
    ra_diag_print(stderr, d);
}

int ra_cli_exit(ra_cli_t *cli, ra_status_t st)
{
    if (st == RA_ERR_NOMEM && !cli->said_nomem)
        fprintf(stderr, "%s %s: out of memory\n", cli->prog, cli->command);
    return ra_exit_code(st);
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
    ra_status_t st = ra_load_record_checked(cli->env->loader, cl, path, &rec);
    ra_cli_flush(cli, path);
    if (st != RA_OK) {
        ra_record_free(rec);
        rec = NULL;
    }
    *out = rec;
    return st;
}

ra_status_t ra_cli_check_text(ra_cli_t *cli, ra_record_t *rec)
{
    if (!cli->fonts_tried) {
        cli->fonts_tried = true;
        ra_buf_t why = RA_BUF_INIT;
        /* Only asked which characters the faces have: none is read
         * whole to check its digest (a document drawing with one would). */
        ra_status_t st = ra_pipeline_fonts_for_text(cli->env, &cli->fonts, &why);
        if (st == RA_ERR_NOMEM) {
            ra_buf_free(&why);
            return st;
        }
        if (st != RA_OK)
            ra_diag(cli->env->sink, RA_DIAG_WARNING, NULL, 0,
                    "cannot check the records' text against the font chain: %s", ra_buf_str(&why));
        ra_buf_free(&why);
    }
    if (!cli->fonts)
        return RA_OK;
    ra_status_t st = ra_report_check_text(cli->fonts, rec, cli->env->sink, cli->opts.strict);
    ra_cli_flush(cli, rec->path);
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

ra_status_t ra_cli_check_clashes(ra_cli_t *cli, const ra_cli_file_t *files, size_t n)
{
    ra_file_id_t *ids = calloc(n ? n : 1, sizeof *ids);
    bool *known = calloc(n ? n : 1, sizeof *known);
    ra_status_t st = ids && known ? RA_OK : RA_ERR_NOMEM;
    for (size_t i = 0; i < n && st == RA_OK; i++)
        known[i] = files[i].path && ra_file_id(files[i].path, &ids[i]) == RA_OK;
    for (size_t i = 0; i < n && st == RA_OK; i++) {
        if (!files[i].output || !known[i])
            continue;
        /* Against every input, and against the outputs before it. */
        for (size_t j = 0; j < n && st == RA_OK; j++) {
            if (j == i || !known[j] || (files[j].output && j > i))
                continue;
            if (ra_file_id_same(&ids[i], &ids[j])) {
                fprintf(stderr, "%s %s: %s %s is the same file as %s %s; nothing was written\n",
                        cli->prog, cli->command, files[i].role, files[i].path, files[j].role,
                        files[j].path);
                st = RA_ERR_USAGE;
            }
        }
    }
    for (size_t i = 0; ids && i < n; i++)
        ra_file_id_free(&ids[i]);
    free(ids);
    free(known);
    return st;
}

bool ra_cli_is_stdout(const char *path)
{
    if (strcmp(path, "-") == 0)
        return true;
    struct stat out, sb;
    return fstat(STDOUT_FILENO, &out) == 0 && stat(path, &sb) == 0 && out.st_dev == sb.st_dev &&
           out.st_ino == sb.st_ino;
}
