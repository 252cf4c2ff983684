/* report.h - the PDF readiness report: sections laid out by the layout engine.
 *
 * The report knows the model and the score, not XML; it lays out blocks and
 * leaves drawing to layout.c and pdf.c. */
#ifndef RA_REPORT_H
#define RA_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "model/model.h"
#include "score/diff.h"
#include "score/score.h"
#include "base/status.h"
#include "seal/integrity.h"

/* Everything a report is made from. All pointers are borrowed. */
typedef struct {
    const ra_checklist_t *checklist;
    const ra_record_t *record;
    const ra_score_t *score; /* at the record's own profile */
    const ra_template_t *tmpl;
    /* report --previous: the comparison with the previous assessment (its
     * old side), or NULL. It adds the section "Changes since the previous
     * assessment" after the summary, the previous layer scores on the
     * summary's chart, the delta on the cover, and the previous record's
     * digest to the integrity data. */
    const ra_diff_t *diff;
    const char *font_dir;             /* NULL: the default */
    const char *font_chain;           /* NULL: the default */
    const struct ra_pdf_fonts *fonts; /* read beforehand (pdf.h), or NULL */
    /* Hyphenation dictionaries shared by reports (break.h), or NULL: the
     * report reads its own from hyph_dir (NULL: the default) as the list
     * hyph_list (NULL: the default) pins them. */
    struct ra_hyph *hyph;
    const char *hyph_dir;
    const char *hyph_list;
    int64_t created;         /* document date, seconds since the epoch (UTC) */
    const char *record_data; /* the record's bytes, embedded with attach_source */
    size_t record_len;
    /* Embed the record (its bytes must hash to record->sha256). The report is
     * then not PDF/A (PDF/A-1 forbids attachments) and says so; else PDF/A-1b. */
    bool attach_source;
    ra_diag_sink_t *sink; /* warnings: glyphs drawn as replacements */
    /* Not NULL: the layout's text dump (ra_layout_dump) of the report is
     * appended here, for the layout goldens; NULL: no dump is kept. */
    ra_buf_t *layout_dump;
    /* Break opportunities kept from an earlier report (layout.h,
     * ra_layout_memo_keep), looked up first, or NULL. */
    const struct ra_layout_memo *breaks;
    /* Not NULL: what the report shaped and measured is kept in keep_shaping
     * (fonts, as the caller's own: ra_pdf_fonts_keep_shaping), and the
     * break opportunities it found in keep_breaks, for the reports after
     * it. */
    struct ra_pdf_fonts *keep_shaping;
    struct ra_layout_memo *keep_breaks;
    /* With keep_shaping: what was shaped alone, not the widths
     * (ra_pdf_fonts_keep_shaped), for the user's cache file rather than
     * for the reports after it. */
    bool keep_shaped_only;
} ra_report_input_t;

/* The integrity data of the report these inputs make with these fonts and
 * the dictionary list of digest hyphen (digests of every input, tool,
 * record file name, date, report ID). */
void ra_report_integrity(const ra_report_input_t *in, const struct ra_pdf_fonts *fonts,
                         const unsigned char hyphen[32], ra_integrity_t *it);

/* Looks through every text field of rec that the report prints for
 * characters that fonts cannot draw (ra_pdf_fonts_missing), lists each such
 * field in rec->text_warnings (and sets rec->text_checked), and says one
 * diagnostic per field to sink at its element's line:
 *   rec.xml:42: warning: approver name: U+E000 () has no glyph in the font
 *   chain; drawn as U+FFFD
 * an error instead when strict, and then returns RA_ERR_GLYPHS if there
 * was any. RA_ERR_NOMEM when the list could not be made. */
ra_status_t ra_report_check_text(const struct ra_pdf_fonts *fonts, ra_record_t *rec,
                                 ra_diag_sink_t *sink, bool strict);

/* Lays out and renders the whole report into out (the PDF file's bytes). */
ra_status_t ra_report_render(const ra_report_input_t *in, ra_buf_t *out);

#endif
