/* pipeline.h - the whole pipeline as one library call: read the record once,
 * validate it, pick its profile, score it, render the PDF report.
 *
 * The report and batch commands and the fuzz targets share it; the command
 * line only parses options around it and writes the bytes. */
#ifndef RA_PIPELINE_H
#define RA_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/env.h"
#include "base/status.h"
#include "model/model.h"
#include "score/diff.h"
#include "score/score.h"

/* What one report is made from. All pointers are borrowed. */
typedef struct {
    const ra_checklist_t *checklist;
    const ra_template_t *tmpl;
    const char *record_path; /* the record's file, and its name in diagnostics */
    const char *record_data; /* or its bytes, already in memory (then not read) */
    size_t record_len;
    bool attach_source; /* embed the record in the PDF (not PDF/A then) */
    /* Text of the record that the font chain cannot draw is an error
     * (RA_ERR_GLYPHS; the record and its score are kept), not a warning. */
    bool strict;
    /* report --previous: the previous assessment of the same system, read
     * from previous_path (or given as previous_data), or NULL: none. */
    const char *previous_path;
    const char *previous_data;
    size_t previous_len;
    /* env->fonts, to keep the words the report shaped for
     * ra_pdf_fonts_save_shaping (a report from the shell), or NULL. */
    struct ra_pdf_fonts *keep_shaping;
    /* env->breaks, to keep the break opportunities the report found for
     * ra_layout_memo_save (a report from the shell), or NULL. */
    struct ra_layout_memo *keep_breaks;
} ra_pipeline_input_t;

/* What the pipeline made; start from {0}, free with ra_pipeline_result_free. */
typedef struct {
    ra_buf_t source;     /* the record's bytes, when read from record_path */
    ra_record_t *record; /* the checked record */
    ra_score_t *score;   /* at the record's own profile */
    ra_buf_t pdf;        /* the report's bytes */
    /* With previous_path: the previous record, its score and the comparison. */
    ra_buf_t previous_source;
    ra_record_t *previous;
    ra_score_t *previous_score;
    ra_diff_t *diff;
} ra_pipeline_result_t;

/* Reads the record (once), loads, checks and scores it into out->record and
 * out->score, and, when env->fonts is set, checks its text against them
 * (ra_report_check_text; in->strict makes a field that loses characters
 * an error: RA_ERR_GLYPHS, record and score kept for the caller to say
 * so); with a previous record, the same for it and the comparison
 * (out->diff), refusing one of another system (RA_ERR_INVALID). Problems go
 * to env->sink under the path of the record they concern. */
ra_status_t ra_pipeline_score(const ra_env_t *env, const ra_pipeline_input_t *in,
                              ra_pipeline_result_t *out);

/* Reads path into source unless given (given_len bytes), loads and checks
 * the record against cl and scores it at its own profile: the step
 * ra_pipeline_score takes for the record and the previous one, and diff for
 * each of its two. Problems go to env->sink under path. */
ra_status_t ra_pipeline_score_one(const ra_env_t *env, const ra_checklist_t *cl, const char *path,
                                  const char *given, size_t given_len, ra_buf_t *source,
                                  ra_record_t **rec, ra_score_t **score);

/* Warns at path (old's line) when old is dated after new_: "OLD_NAME is dated
 * after NEW_NAME (assessed DATE, NEW_NAME DATE): the changes read backwards". */
void ra_pipeline_warn_order(ra_diag_sink_t *sink, const char *path, const ra_record_t *old,
                            const ra_record_t *new_, const char *old_name, const char *new_name);

/* Renders the report of a record ra_pipeline_score has scored into out->pdf. */
ra_status_t ra_pipeline_render(const ra_env_t *env, const ra_pipeline_input_t *in,
                               ra_pipeline_result_t *out);

/* Makes the report of a specimen record of checklist cl (at its highest
 * profile, every check answered, every required role approving) with tmpl,
 * and throws it away, keeping what its shaping and measuring learnt in
 * fonts (which must be env->fonts; ra_pdf_fonts_keep_shaping) and the
 * break opportunities it found in breaks (NULL: not kept;
 * ra_layout_memo_keep), for the reports after it: a batch warms them so
 * before its workers are forked. Says nothing (env->sink is silenced
 * meanwhile); RA_ERR_USAGE when fonts is not env->fonts, else the
 * pipeline's status. */
ra_status_t ra_pipeline_warm(const ra_env_t *env, struct ra_pdf_fonts *fonts,
                             struct ra_layout_memo *breaks, const ra_checklist_t *cl,
                             const ra_template_t *tmpl);

/* Reads the font chain of env (env->font_chain, else datadir/fonts/chain.txt,
 * else the PDF default) with env->font_dir into *out, for env->fonts: the one
 * font set-up of report, batch and verify. Why it cannot goes to err (may be
 * NULL); *out is NULL then, and a renderer given no fonts tries again and
 * says why. */
ra_status_t ra_pipeline_fonts_new(const ra_env_t *env, struct ra_pdf_fonts **out, ra_buf_t *err);

/* As ra_pipeline_fonts_new, for asking which characters the fonts have
 * (validate, score): no face is checked against the chain's digest until a
 * document draws with it. */
ra_status_t ra_pipeline_fonts_for_text(const ra_env_t *env, struct ra_pdf_fonts **out,
                                       ra_buf_t *err);

/* Makes the hyphenation dictionaries of env (env->hyph_dir, as the list
 * env->hyph_list, else datadir/fonts/hyphen.txt, pins them) into *out,
 * for env->hyph; nothing is read yet (break.h). Free with ra_hyph_free. */
ra_status_t ra_pipeline_hyph_new(const ra_env_t *env, struct ra_hyph **out);

/* ra_pipeline_score, then ra_pipeline_render. */
ra_status_t ra_pipeline_report(const ra_env_t *env, const ra_pipeline_input_t *in,
                               ra_pipeline_result_t *out);

/* Frees what a result holds and empties it. */
void ra_pipeline_result_free(ra_pipeline_result_t *out);

#endif
