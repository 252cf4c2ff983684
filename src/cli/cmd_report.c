/* cmd_report.c - `readyaudit report`: one record through the pipeline into a PDF. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/io.h"
#include "layout/layout.h"
#include "model/load.h"
#include "pdf/pdf.h"
#include "pipeline/pipeline.h"

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
    ra_pipeline_result_t res = {0};
    ra_pdf_fonts_t *fonts = NULL;
    ra_layout_memo_t *breaks = NULL;
    ra_env_t env = *cli->env;
    ra_status_t st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK)
        st = ra_cli_template(cli, &tpl);
    if (st == RA_OK) {
        ra_buf_t clp = RA_BUF_INIT, tpp = RA_BUF_INIT;
        ra_cli_file_t files[] = {
            {"-o", o->output, true},
            {"the record", o->args[0], false},
            {"the checklist",
             ra_cli_data_file(cli, o->checklist_path, "llmops-readiness.xml", &clp), false},
            {"the template", ra_cli_data_file(cli, o->template_path, "default-report.xml", &tpp),
             false},
            {"the template's logo", tpl->logo_path, false},
            {"--previous", o->previous, false},
        };
        st = strcmp(o->output, "-") == 0
                 ? RA_OK
                 : ra_cli_check_clashes(cli, files, sizeof files / sizeof *files);
        ra_buf_free(&clp);
        ra_buf_free(&tpp);
    }
    /* Start-up ends with the fonts and the schema of records read, as in a
     * batch (the checklist and template are loaded already); if the fonts
     * cannot be read, the renderer tries and reports why. */
    if (st == RA_OK) {
        if (ra_pipeline_fonts_new(&env, &fonts, NULL) == RA_OK)
            env.fonts = fonts;
        if (env.break_memo && ra_layout_memo_new(&breaks) == RA_OK)
            ra_layout_memo_read(breaks, env.break_memo);
        env.breaks = breaks;
        st = ra_loader_preload_records(env.loader);
    }
    if (st == RA_OK) {
        ra_env_started();
        ra_pipeline_input_t in = {.checklist = cl,
                                  .tmpl = tpl,
                                  .record_path = o->args[0],
                                  .attach_source = o->attach_source,
                                  .strict = o->strict,
                                  .previous_path = o->previous,
                                  .keep_shaping = fonts,
                                  .keep_breaks = breaks};
        st = ra_pipeline_report(&env, &in, &res);
        ra_cli_flush(cli, o->args[0]);
        if (o->previous)
            ra_cli_flush(cli, o->previous);
        /* Each record refused says so at its own path: the record, the
           previous record, or both. */
        const ra_record_t *refused[2] = {res.record, res.previous};
        for (size_t i = 0; st == RA_ERR_GLYPHS && i < 2; i++) {
            size_t n = refused[i] ? refused[i]->ntext_warnings : 0;
            if (n)
                ra_diag(cli->env->sink, RA_DIAG_ERROR, refused[i]->path, 0,
                        "--strict: %zu field%s hold%s text the font chain cannot draw; no "
                        "report written",
                        n, n == 1 ? "" : "s", n == 1 ? "s" : "");
        }
    }
    if (st == RA_OK)
        st = ra_write_atomic(o->output, res.pdf.data, res.pdf.len, cli->env->sink);
    /* The words it shaped and the break opportunities it found, for the
     * next report (once the report is out). */
    if (st == RA_OK && fonts) {
        ra_pdf_fonts_save_shaping(fonts);
        ra_pdf_fonts_save_subsets(fonts);
    }
    if (st == RA_OK && breaks)
        ra_layout_memo_save(breaks, env.break_memo);
    /* The line that says what was written goes to standard output, unless
     * the report itself went there. */
    if (st == RA_OK && !o->quiet && !ra_cli_is_stdout(o->output)) {
        char sc[16];
        ra_score_format(res.score->has_score, res.score->score, sc);
        printf("%s: score %s, %s, %s\n", o->output, sc, ra_verdict_label(res.score->verdict),
               ra_signoff_label(res.score->signoff));
    }
    ra_pipeline_result_free(&res);
    ra_pdf_fonts_free(fonts);
    ra_layout_memo_free(breaks);
    ra_template_free(tpl);
    ra_checklist_free(cl);
    return ra_cli_exit(cli, st);
}
