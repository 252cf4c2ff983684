/* pipeline.c - record bytes -> model -> checks -> score -> PDF report bytes. */
#include "pipeline/pipeline.h"

#include "base/io.h"
#include "format/format.h"
#include "layout/break.h"
#include "layout/layout.h"
#include "model/load.h"
#include "pdf/pdf.h"
#include "report/report.h"

/* The document date: SOURCE_DATE_EPOCH when set, else midnight UTC of the
 * assessment date, so that the same inputs give the same bytes. */
static int64_t document_date(const ra_env_t *env, const ra_record_t *rec)
{
    if (env->epoch_set)
        return env->epoch;
    return (int64_t)ra_date_days_between(19700101, rec->assessed_on) * 86400;
}

/* The record's bytes: given in memory, or read into out->source. */
static void record_bytes(const ra_pipeline_input_t *in, const ra_pipeline_result_t *out,
                         const char **data, size_t *len)
{
    *data = in->record_data ? in->record_data : ra_buf_str(&out->source);
    *len = in->record_data ? in->record_len : out->source.len;
}

ra_status_t ra_pipeline_score_one(const ra_env_t *env, const ra_checklist_t *cl, const char *name,
                                  const char *given, size_t given_len, ra_buf_t *source,
                                  ra_record_t **rec, ra_score_t **score)
{
    ra_status_t st = RA_OK;
    if (!given)
        st = ra_read_file(name, RA_MAX_FILE_BYTES, source, env->sink);
    const char *data = given ? given : ra_buf_str(source);
    size_t len = given ? given_len : source->len;
    if (st == RA_OK)
        st = ra_load_record_checked_mem(env->loader, cl, name, data, len, rec);
    long profile = -1;
    /* ra_record_check reports an unknown profile already: a safeguard. */
    if (st == RA_OK && (profile = ra_checklist_find_profile(cl, (*rec)->profile)) < 0) {
        ra_diag(env->sink, RA_DIAG_ERROR, name, (*rec)->line, "unknown profile '%s'",
                (*rec)->profile);
        st = RA_ERR_INVALID;
    }
    if (st == RA_OK)
        st = ra_score_compute(cl, *rec, (size_t)profile, score);
    return st;
}

void ra_pipeline_warn_order(ra_diag_sink_t *sink, const char *path, const ra_record_t *old,
                            const ra_record_t *new_, const char *old_name, const char *new_name)
{
    if (old->assessed_on <= new_->assessed_on)
        return;
    char a[11], b[11];
    ra_date_format(old->assessed_on, a);
    ra_date_format(new_->assessed_on, b);
    ra_diag(sink, RA_DIAG_WARNING, path, old->line,
            "%s is dated after %s (assessed %s, %s %s): the changes read backwards", old_name,
            new_name, a, new_name, b);
}

/* The previous record of in, scored and compared with out's record. */
static ra_status_t score_previous(const ra_env_t *env, const ra_pipeline_input_t *in,
                                  ra_pipeline_result_t *out)
{
    const char *name = in->previous_path ? in->previous_path : "previous record";
    ra_status_t st =
        ra_pipeline_score_one(env, in->checklist, name, in->previous_data, in->previous_len,
                              &out->previous_source, &out->previous, &out->previous_score);
    /* The changes section prints the previous record's names, owners and
       acceptors: its text is checked as the record's is, at its own path. */
    if (st == RA_OK && env->fonts)
        st = ra_report_check_text(env->fonts, out->previous, env->sink, in->strict);
    if (st == RA_OK)
        st = ra_diff_compute(out->previous_score, out->score, &out->diff);
    if (st == RA_OK)
        ra_pipeline_warn_order(env->sink, name, out->previous, out->record, "the previous record",
                               "this one");
    if (st == RA_OK && !out->diff->same_system) {
        ra_buf_t a = RA_BUF_INIT, b = RA_BUF_INIT;
        ra_format_system(out->previous, &a);
        ra_format_system(out->record, &b);
        ra_diag(env->sink, RA_DIAG_ERROR, name, out->previous->line,
                "the previous record is of another system (%s; this record: %s): --previous "
                "wants an earlier assessment of the same system",
                ra_buf_str(&a), ra_buf_str(&b));
        ra_buf_free(&a);
        ra_buf_free(&b);
        st = RA_ERR_INVALID;
    }
    return st;
}

ra_status_t ra_pipeline_score(const ra_env_t *env, const ra_pipeline_input_t *in,
                              ra_pipeline_result_t *out)
{
    const char *name = in->record_path ? in->record_path : "record";
    ra_status_t st = ra_pipeline_score_one(env, in->checklist, name, in->record_data,
                                           in->record_len, &out->source, &out->record, &out->score);
    if (st == RA_OK && env->fonts)
        st = ra_report_check_text(env->fonts, out->record, env->sink, in->strict);
    if (st == RA_OK && (in->previous_path || in->previous_data))
        st = score_previous(env, in, out);
    /* A refusal for text the fonts cannot draw keeps the records, so the
       caller can count the fields of each. */
    if (st != RA_OK && st != RA_ERR_GLYPHS) {
        ra_diff_free(out->diff);
        ra_score_free(out->previous_score);
        ra_record_free(out->previous);
        out->diff = NULL;
        out->previous_score = NULL;
        out->previous = NULL;
    }
    if (st != RA_OK && st != RA_ERR_GLYPHS) {
        ra_score_free(out->score);
        ra_record_free(out->record);
        out->score = NULL;
        out->record = NULL;
    }
    return st;
}

/* ra_pipeline_render, keeping the report's shaping in fonts and its break
 * opportunities in breaks when not NULL. */
static ra_status_t render(const ra_env_t *env, const ra_pipeline_input_t *in,
                          ra_pipeline_result_t *out, ra_pdf_fonts_t *fonts,
                          ra_layout_memo_t *breaks)
{
    const char *data;
    size_t len;
    record_bytes(in, out, &data, &len);
    ra_buf_t chain = RA_BUF_INIT, hlist = RA_BUF_INIT;
    const char *font_chain, *hyph_list = NULL;
    ra_status_t st = ra_env_font_chain(env, &chain, &font_chain);
    if (st == RA_OK)
        st = ra_env_hyph_list(env, &hlist, &hyph_list);
    if (st != RA_OK) {
        ra_buf_free(&chain);
        return st;
    }
    ra_report_input_t ri = {
        .checklist = in->checklist,
        .record = out->record,
        .score = out->score,
        .tmpl = in->tmpl,
        .diff = out->diff,
        .font_dir = env->font_dir,
        .font_chain = font_chain,
        .fonts = env->fonts,
        .hyph = env->hyph,
        .hyph_dir = env->hyph_dir,
        .hyph_list = hyph_list,
        .created = document_date(env, out->record),
        .record_data = in->attach_source ? data : NULL,
        .record_len = in->attach_source ? len : 0,
        .attach_source = in->attach_source,
        .sink = env->sink,
        .breaks = env->breaks,
        .keep_shaping = fonts ? fonts : in->keep_shaping,
        .keep_shaped_only = !fonts,
        .keep_breaks = breaks ? breaks : in->keep_breaks,
    };
    ra_buf_clear(&out->pdf);
    st = ra_report_render(&ri, &out->pdf);
    ra_buf_free(&chain);
    ra_buf_free(&hlist);
    return st;
}

ra_status_t ra_pipeline_render(const ra_env_t *env, const ra_pipeline_input_t *in,
                               ra_pipeline_result_t *out)
{
    return render(env, in, out, NULL, NULL);
}

/* The record a batch warms up with: at the checklist's highest profile, every
 * check answered in turn pass (with evidence), pass, partial (evidence, a
 * note and a remediation), fail (remediation and an accepted risk) and
 * not applicable (a justification), gates pass, and every
 * required role approving; so the report has every section and the text of
 * every check. */
static ra_status_t specimen(const ra_checklist_t *cl, ra_buf_t *x)
{
    if (cl->nprofiles == 0 || cl->nroles == 0)
        return RA_ERR_INVALID;
    const ra_profile_t *p = &cl->profiles[cl->nprofiles - 1]; /* sorted by rank */
    ra_buf_printf(x,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<assessment xmlns=\"urn:readyaudit:assessment:1\" id=\"SPECIMEN\" "
                  "checklist=\"%s\" checklist-version=\"%s\" profile=\"%s\">\n"
                  "<system><name>Specimen assistant</name><organisation>Specimen "
                  "organisation</organisation><description>An assistant that answers questions "
                  "from the documents of the organisation.</description></system>\n"
                  "<assessed-on>2026-01-15</assessed-on>\n"
                  "<assessors><assessor name=\"Alex Assessor\" role=\"Assessor\"/></assessors>\n"
                  "<results>\n",
                  cl->id, cl->version, p->id);
    for (size_t i = 0; i < cl->nchecks; i++) {
        const ra_check_t *c = &cl->checks[i];
        static const char *const status[] = {"pass", "pass", "partial", "fail", "not-applicable"};
        size_t k = i % 5;
        if (k >= 2 && c->gate)
            k = 0;
        ra_buf_printf(x, "<result check=\"%s\" status=\"%s\">", c->id, status[k]);
        if (k < 3)
            ra_buf_printf(x,
                          "<evidence kind=\"document\" ref=\"DOC-%zu\"%s>The record of the "
                          "check, kept with the release.</evidence>",
                          i,
                          k == 0 ? " sha256=\"0000000000000000000000000000000000000000000000000000"
                                   "000000000000\""
                                 : "");
        if (k == 2)
            ra_buf_puts(x, "<note>Only part of the system is covered so far.</note>");
        if (k == 2 || k == 3)
            ra_buf_puts(x, "<remediation owner=\"Sam Owner\" due=\"2026-06-30\">Cover the rest "
                           "of the system before the next release.</remediation>");
        if (k == 3)
            ra_buf_printf(x,
                          "<risk-acceptance by=\"Robin Risk\" role=\"%s\" date=\"2026-01-10\" "
                          "expires=\"2026-12-31\">Accepted until the remediation is done."
                          "</risk-acceptance>",
                          cl->roles[0].id);
        if (k == 4)
            ra_buf_puts(x, "<justification>The system does not do this at all.</justification>");
        ra_buf_puts(x, "</result>\n");
    }
    ra_buf_puts(x, "</results>\n<sign-off>\n");
    for (size_t r = 0; r < p->nsignoff; r++)
        ra_buf_printf(x,
                      "<approval name=\"Approver %zu\" role=\"%s\" decision=\"approved\" "
                      "date=\"2026-01-20\">Approved for production.</approval>\n",
                      r + 1, cl->roles[p->signoff_roles[r]].id);
    return ra_buf_puts(x, "</sign-off>\n</assessment>\n");
}

ra_status_t ra_pipeline_warm(const ra_env_t *env, ra_pdf_fonts_t *fonts, ra_layout_memo_t *breaks,
                             const ra_checklist_t *cl, const ra_template_t *tmpl)
{
    if (!fonts || fonts != env->fonts)
        return RA_ERR_USAGE;
    ra_buf_t xml = RA_BUF_INIT;
    ra_status_t st = specimen(cl, &xml);
    if (st == RA_OK && ra_buf_failed(&xml))
        st = RA_ERR_NOMEM;
    ra_pipeline_input_t in = {.checklist = cl,
                              .tmpl = tmpl,
                              .record_path = "specimen",
                              .record_data = ra_buf_str(&xml),
                              .record_len = xml.len};
    /* The sink is the loader's too: silenced in place. */
    ra_diag_sink_t said = *env->sink;
    *env->sink = (ra_diag_sink_t){0};
    ra_pipeline_result_t res = {0};
    if (st == RA_OK)
        st = ra_pipeline_score(env, &in, &res);
    if (st == RA_OK)
        st = render(env, &in, &res, fonts, breaks);
    ra_pipeline_result_free(&res);
    *env->sink = said;
    ra_buf_free(&xml);
    return st;
}

/* Reads env's font chain into *out; check_on_draw as in ra_pdf_options_t. */
static ra_status_t fonts_new(const ra_env_t *env, int check_on_draw, ra_pdf_fonts_t **out,
                             ra_buf_t *err)
{
    ra_buf_t chain = RA_BUF_INIT;
    ra_pdf_options_t fo = {.font_dir = env->font_dir,
                           .errmsg = err,
                           .check_on_draw = check_on_draw,
                           .verified_fonts = env->verified_fonts,
                           .shaped_words = env->shaped_words,
                           .font_subsets = env->font_subsets};
    *out = NULL;
    ra_status_t st = ra_env_font_chain(env, &chain, &fo.font_chain);
    if (st == RA_OK)
        st = ra_pdf_fonts_new(&fo, out);
    ra_buf_free(&chain);
    return st;
}

ra_status_t ra_pipeline_fonts_new(const ra_env_t *env, ra_pdf_fonts_t **out, ra_buf_t *err)
{
    return fonts_new(env, 0, out, err);
}

ra_status_t ra_pipeline_fonts_for_text(const ra_env_t *env, ra_pdf_fonts_t **out, ra_buf_t *err)
{
    return fonts_new(env, 1, out, err);
}

ra_status_t ra_pipeline_hyph_new(const ra_env_t *env, ra_hyph_t **out)
{
    ra_buf_t list = RA_BUF_INIT;
    const char *path;
    *out = NULL;
    ra_status_t st = ra_env_hyph_list(env, &list, &path);
    if (st == RA_OK)
        st = ra_hyph_new(env->hyph_dir, path, out);
    ra_buf_free(&list);
    return st;
}

ra_status_t ra_pipeline_report(const ra_env_t *env, const ra_pipeline_input_t *in,
                               ra_pipeline_result_t *out)
{
    ra_status_t st = ra_pipeline_score(env, in, out);
    if (st == RA_OK)
        st = ra_pipeline_render(env, in, out);
    return st;
}

void ra_pipeline_result_free(ra_pipeline_result_t *out)
{
    ra_diff_free(out->diff);
    ra_score_free(out->previous_score);
    ra_record_free(out->previous);
    ra_buf_free(&out->previous_source);
    out->diff = NULL;
    out->previous_score = NULL;
    out->previous = NULL;
    ra_score_free(out->score);
    ra_record_free(out->record);
    ra_buf_free(&out->source);
    ra_buf_free(&out->pdf);
    out->score = NULL;
    out->record = NULL;
}
