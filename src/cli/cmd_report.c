/* cmd_report.c - `readyaudit report`: load, check, score, lay out, render,
 * seal; and the same pipeline for one record of a batch. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "base/hash.h"
#include "report/report.h"
#include "score/score.h"
#include "base/io.h"

/* The document date: SOURCE_DATE_EPOCH when set, else midnight UTC of the
 * assessment date, so that the same inputs give the same bytes. */
static int64_t document_date(const ra_record_t *rec)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        long long v = strtoll(sde, &end, 10);
        if (!*end && v >= 0)
            return (int64_t)v;
    }
    int y = rec->assessed_on / 10000, m = rec->assessed_on / 100 % 100, d = rec->assessed_on % 100;
    /* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int64_t)(era * 146097 + doe - 719468) * 86400;
}

ra_status_t ra_cli_template(ra_cli_t *cli, ra_template_t **out)
{
    ra_buf_t buf = RA_BUF_INIT;
    ra_status_t st = ra_load_template(
        cli->loader, ra_cli_data_file(cli, cli->opts.template_path, "default-report.xml", &buf),
        out);
    ra_buf_free(&buf);
    return st;
}

ra_status_t ra_cli_report(ra_cli_t *cli, const ra_checklist_t *cl, const ra_template_t *tpl,
                          const char *record_path, const char *out_path, ra_outcome_t *oc)
{
    ra_record_t *rec = NULL;
    ra_score_t *s = NULL;
    ra_buf_t pdf = RA_BUF_INIT, name = RA_BUF_INIT;
    size_t profile = 0;
    ra_status_t st = ra_cli_record(cli, cl, record_path, &rec);
    if (st == RA_OK)
        st = ra_cli_profile(cli, cl, rec->profile, &profile);
    if (st == RA_OK)
        st = ra_score_compute(cl, rec, profile, &s);
    if (st != RA_OK)
        goto done;
    if (oc) {
        oc->record = rec;
        oc->score = s;
    }
    if (!out_path) {
        ra_buf_printf(&name, "%s/%s.pdf", oc->outdir, rec->id);
        out_path = ra_buf_str(&name);
    }
    if (oc && oc->skip_current && oc->skip_current(oc, out_path)) {
        oc->skipped = true;
        oc->output_path = strdup(out_path);
        goto done;
    }
    ra_buf_t src = RA_BUF_INIT;
    if (cli->opts.attach_source)
        st = ra_read_file(record_path, RA_MAX_FILE_BYTES, &src, &cli->sink);
    ra_report_input_t in = {
        .checklist = cl,
        .record = rec,
        .score = s,
        .tmpl = tpl,
        .font_dir = getenv("READYAUDIT_FONT_DIR"),
        .fonts = cli->fonts,
        .created = document_date(rec),
        .record_data = src.data,
        .record_len = src.len,
        .attach_source = cli->opts.attach_source,
        .sink = &cli->sink,
    };
    if (st == RA_OK)
        st = ra_report_render(&in, &pdf);
    ra_buf_free(&src);
    if (st == RA_OK && oc && oc->defer_commit)
        st = ra_write_temp(out_path, pdf.data, pdf.len, 0, &cli->sink, &oc->temp_path);
    else if (st == RA_OK)
        st = ra_write_atomic(out_path, pdf.data, pdf.len, &cli->sink);
    if (st == RA_OK && oc) {
        if (oc->hash_output)
            ra_sha256(pdf.data, pdf.len, oc->output_sha256);
        oc->output_path = strdup(out_path);
    }
done:
    ra_buf_free(&pdf);
    ra_buf_free(&name);
    if (!oc || !oc->record) {
        ra_score_free(s);
        ra_record_free(rec);
    }
    return st;
}

int ra_cmd_report(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs != 1 || !o->output) {
        fprintf(stderr, "%s report: %s\nTry '%s report --help'.\n", cli->prog,
                o->nargs != 1 ? "expected one record" : "-o OUT.pdf is required", cli->prog);
        return RA_EXIT_USAGE;
    }
    ra_checklist_t *cl = NULL;
    ra_template_t *tpl = NULL;
    ra_outcome_t oc = {0};
    ra_status_t st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK)
        st = ra_cli_template(cli, &tpl);
    if (st == RA_OK)
        st = ra_cli_report(cli, cl, tpl, o->args[0], o->output, &oc);
    if (st == RA_OK && !o->quiet) {
        char sc[16];
        ra_score_format(oc.score->has_score, oc.score->score, sc);
        printf("%s: score %s, %s, %s\n", o->output, sc, ra_verdict_label(oc.score->verdict),
               ra_signoff_label(oc.score->signoff));
    }
    ra_outcome_clear(&oc);
    ra_template_free(tpl);
    ra_checklist_free(cl);
    return ra_exit_code(st);
}

void ra_outcome_clear(ra_outcome_t *oc)
{
    ra_score_free(oc->score);
    ra_record_free(oc->record);
    free(oc->output_path);
    free(oc->temp_path);
    oc->score = NULL;
    oc->record = NULL;
    oc->output_path = NULL;
    oc->temp_path = NULL;
}
