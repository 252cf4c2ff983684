/* report.c - the report orchestrator: document set-up, sections in template
 * order, page furniture (header, footer, draft mark), metadata. */
#include "report/report.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/text.h"
#include "report/report_int.h"
#include "seal/integrity.h"
#include "base/version.h"

const char *report_s(size_t n)
{
    return n == 1 ? "" : "s";
}

const char *report_fmt(report_t *r, const char *fmt, ...)
{
    ra_buf_clear(&r->tmp);
    va_list ap;
    va_start(ap, fmt);
    ra_buf_vprintf(&r->tmp, fmt, ap);
    va_end(ap);
    return ra_buf_str(&r->tmp);
}

const ra_approval_score_t *report_approval_at(const report_t *r, long line)
{
    for (size_t i = 0; line > 0 && i < r->s->napprovals; i++)
        if (r->s->approvals[i].approval->line == line)
            return &r->s->approvals[i];
    return NULL;
}

void report_finding_subject(const report_t *r, const ra_finding_t *f, ra_buf_t *out)
{
    if (f->check) {
        ra_buf_puts(out, f->check);
        return;
    }
    const ra_approval_score_t *as = report_approval_at(r, f->line);
    if (!as)
        return;
    long role = ra_checklist_find_role(r->cl, as->approval->role);
    ra_buf_printf(out, "%s as %s",
                  ra_text_has_letter(as->approval->name) ? as->approval->name : "(no visible name)",
                  role >= 0 ? r->cl->roles[role].name : as->approval->role);
}

void report_overdue_text(const report_t *r, ra_buf_t *out)
{
    const ra_score_t *s = r->s;
    size_t n = 0;
    if (s->overdue)
        ra_buf_printf(out, "Overdue remediation%s, covering nothing:", report_s(s->overdue));
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (!cs->applicable || !cs->overdue)
            continue;
        char d[11];
        ra_style_date(cs->result->remediation->due, d);
        ra_buf_printf(out, "%s %s due %s", n++ ? "," : "", cs->check->id, d);
    }
    if (n)
        ra_buf_puts(out, ".");
    if (s->risks_expired)
        ra_buf_printf(out, "%sExpired risk acceptance%s, covering nothing:", n ? " " : "",
                      report_s(s->risks_expired));
    n = 0;
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (!cs->applicable || !cs->risk_expired)
            continue;
        char d[11];
        ra_style_date(cs->result->risk->expires, d);
        ra_buf_printf(out, "%s %s on %s", n++ ? "," : "", cs->check->id, d);
    }
    if (n)
        ra_buf_puts(out, ".");
}

void ra_report_integrity(const ra_report_input_t *in, const ra_pdf_fonts_t *fonts,
                         const unsigned char hyphen[32], ra_integrity_t *it)
{
    unsigned char logo[32], fd[32];
    if (in->tmpl->logo_png)
        ra_sha256(in->tmpl->logo_png, in->tmpl->logo_len, logo);
    ra_pdf_fonts_sha256(fonts, fd);
    ra_integrity_inputs_t ii = {.record = in->record->sha256,
                                .checklist = in->checklist->sha256,
                                .tmpl = in->tmpl->sha256,
                                .logo = in->tmpl->logo_png ? logo : NULL,
                                .fonts = fd,
                                .hyphen = hyphen,
                                .previous = in->diff ? in->diff->old->record->sha256 : NULL,
                                .tool = RA_TOOL,
                                .record_path = in->record->path,
                                .previous_path = in->diff ? in->diff->old->record->path : NULL,
                                .created = in->created};
    ra_integrity_make(&ii, it);
}

/* Page header: the system on the left, profile and confidentiality on the right. */
static ra_status_t draw_header(void *ctx, ra_pdf_t *pdf, size_t page, size_t count,
                               const ra_rect_t *band)
{
    (void)count;
    report_t *r = ctx;
    if (page == 0)
        return RA_OK; /* the cover carries its own */
    ra_rect_t left = *band, right = *band;
    left.w = band->w * 0.6;
    right.x = band->x + band->w * 0.6;
    right.w = band->w * 0.4;
    ra_status_t st = ra_layout_draw_line(pdf, &left, RA_FACE_BOLD, 8, RA_C_MUTED, RA_ALIGN_LEFT,
                                         r->rec->system_name);
    const char *conf = r->in->tmpl->confidentiality;
    ra_buf_t t = RA_BUF_INIT;
    ra_buf_printf(&t, "%s profile%s%s", r->s->profile->name, conf ? " \xC2\xB7 " : "",
                  conf ? conf : "");
    if (st == RA_OK)
        st = ra_layout_draw_line(pdf, &right, RA_FACE_REGULAR, 8, RA_C_MUTED, RA_ALIGN_RIGHT,
                                 ra_buf_str(&t));
    ra_buf_free(&t);
    if (st == RA_OK)
        st = ra_pdf_line(pdf, band->x, band->y + band->h - 2, band->x + band->w,
                         band->y + band->h - 2, 0.5, RA_C_MUTED, 0);
    return st;
}

/* Page footer: report ID and record hash prefix, the sign-off state, page X of Y. */
static ra_status_t draw_footer(void *ctx, ra_pdf_t *pdf, size_t page, size_t count,
                               const ra_rect_t *band)
{
    report_t *r = ctx;
    ra_rect_t third = *band;
    third.w = band->w / 3;
    char hash[65];
    ra_hex(r->rec->sha256, 32, hash);
    hash[12] = '\0';
    ra_buf_t t = RA_BUF_INIT;
    ra_buf_printf(&t, "%s \xC2\xB7 record sha256 %s\xE2\x80\xA6", r->integrity.report_id, hash);
    ra_status_t st =
        ra_pdf_line(pdf, band->x, band->y + 2, band->x + band->w, band->y + 2, 0.5, RA_C_MUTED, 0);
    if (st == RA_OK)
        st = ra_layout_draw_line(pdf, &(ra_rect_t){band->x, band->y, band->w * 0.55, band->h},
                                 RA_FACE_MONO, 7, RA_C_MUTED, RA_ALIGN_LEFT, ra_buf_str(&t));
    ra_buf_clear(&t);
    const char *mark = ra_style_signoff_mark(r->s->signoff);
    if (mark)
        ra_buf_puts(&t, mark);
    third.x = band->x + band->w * 0.55;
    third.w = band->w * 0.2;
    if (st == RA_OK && t.len)
        st = ra_layout_draw_line(pdf, &third, RA_FACE_BOLD, 8, RA_C_BAD, RA_ALIGN_CENTER,
                                 ra_buf_str(&t));
    ra_buf_clear(&t);
    ra_buf_printf(&t, "Page %zu of %zu", page + 1, count);
    third.x = band->x + band->w * 0.75;
    third.w = band->w * 0.25;
    if (st == RA_OK)
        st = ra_layout_draw_line(pdf, &third, RA_FACE_REGULAR, 8, RA_C_MUTED, RA_ALIGN_RIGHT,
                                 ra_buf_str(&t));
    ra_buf_free(&t);
    return st;
}

/* Whether the text check of rec named cp in one of its fields. */
static bool named_already(const ra_record_t *rec, uint32_t cp)
{
    for (size_t i = 0; i < rec->ntext_warnings; i++) {
        const ra_text_warning_t *w = &rec->text_warnings[i];
        for (size_t k = 0; k < w->ncps && k < RA_TEXT_CPS_MAX; k++)
            if (w->cps[k] == cp)
                return true;
    }
    return false;
}

/* Sends a glyph substitution to the diagnostic sink as a warning, unless
 * the record's text check named it already with its field and line (the
 * rest comes from the checklist or the template). */
static void on_glyph(void *ctx, uint32_t cp, ra_face_t face, const char *what)
{
    (void)face;
    (void)what;
    report_t *r = ctx;
    if (!r->in->sink)
        return;
    const ra_record_t *rec = r->rec;
    /* The changes section draws the previous record's text too. */
    const ra_record_t *prev = r->in->diff ? r->in->diff->old->record : NULL;
    if (named_already(rec, cp) || (prev && named_already(prev, cp)))
        return;
    if (cp == RA_UTF8_INVALID)
        ra_diag(r->in->sink, RA_DIAG_WARNING, rec->path, 0,
                "report text: invalid UTF-8 drawn as U+FFFD");
    else
        ra_diag(r->in->sink, RA_DIAG_WARNING, rec->path, 0,
                "report text: U+%04X has no glyph in the font chain; drawn as U+FFFD",
                (unsigned)cp);
}

/* Title, author, subject and keywords of the document. */
static ra_status_t set_info(report_t *r)
{
    ra_buf_t title = RA_BUF_INIT, author = RA_BUF_INIT, subject = RA_BUF_INIT, kw = RA_BUF_INIT;
    ra_buf_printf(&title, "%s: %s", r->cl->title, r->rec->system_name);
    for (size_t i = 0; i < r->rec->nassessors; i++)
        ra_buf_printf(&author, "%s%s", i ? ", " : "", r->rec->assessors[i].name);
    ra_buf_printf(&subject, "Readiness assessment %s of %s (%s), profile %s: %s, %s, %s",
                  r->rec->id, r->rec->system_name, r->rec->organisation, r->s->profile->id,
                  r->score_text, ra_verdict_label(r->s->verdict), ra_signoff_label(r->s->signoff));
    ra_buf_printf(&kw, "LLMOps production readiness; %s; %s %s; %s; ", r->rec->id, r->cl->id,
                  r->cl->version, r->s->profile->id);
    ra_integrity_format(&r->integrity, &kw);
    /* The integrity data again, as XMP properties of our own schema. */
    const ra_integrity_t *it = &r->integrity;
    char created[24];
    snprintf(created, sizeof created, "%" PRId64, it->created);
    const ra_pdf_xmp_prop_t props[] = {
        {"reportId", it->report_id,
         "Report ID: RA- and 16 hex digits of SHA-256 over the digests of record, "
         "checklist, template, logo, fonts and hyphenation dictionary list and the tool"},
        {"recordSha256", it->record_sha256, "SHA-256 of the assessment record file"},
        {"checklistSha256", it->checklist_sha256, "SHA-256 of the checklist file"},
        {"templateSha256", it->template_sha256, "SHA-256 of the report template file"},
        {"logoSha256", it->logo_sha256,
         "SHA-256 of the template's logo file, or none when it has no logo"},
        {"fontsSha256", it->fonts_sha256, "SHA-256 over the font files the report embeds"},
        {"hyphenSha256", it->hyphen_sha256,
         "SHA-256 of the list of the hyphenation dictionaries and their digests"},
        {"recordFile", it->record_file, "The file name of the assessment record"},
        {"created", created, "The document date, in seconds since 1970-01-01 UTC"},
        {"tool", it->tool, "The program and version that made the report"},
        {"previousSha256", it->previous_sha256,
         "SHA-256 of the previous assessment record the report compares with"},
        {"previousFile", it->previous_file,
         "The file name of the previous assessment record the report compares with"},
    };
    ra_pdf_info_t info = {
        .title = ra_buf_str(&title),
        .author = ra_buf_str(&author),
        .subject = ra_buf_str(&subject),
        .keywords = ra_buf_str(&kw),
        .creator = RA_TOOL,
        .lang = r->rec->lang ? r->rec->lang : "en",
        .created = r->in->created,
        .xmp_schema = "readyaudit report integrity",
        .xmp_namespace = RA_XMP_NAMESPACE,
        .xmp_prefix = "ra",
        .xmp_props = props,
        /* The previous record's digest and file name only in a report made with one. */
        .nxmp_props = sizeof props / sizeof props[0] - (it->previous_sha256[0] ? 0 : 2),
    };
    ra_status_t st = ra_pdf_set_info(r->pdf, &info);
    ra_buf_free(&title);
    ra_buf_free(&author);
    ra_buf_free(&subject);
    ra_buf_free(&kw);
    return st;
}

/* With --attach-source, embeds the record's bytes under its file name, after
 * checking that they are the bytes that were scored. */
static ra_status_t attach_source(report_t *r)
{
    const ra_report_input_t *in = r->in;
    if (!in->attach_source)
        return RA_OK;
    unsigned char digest[32];
    ra_sha256(in->record_data ? in->record_data : "", in->record_len, digest);
    if (!in->record_data || memcmp(digest, r->rec->sha256, 32) != 0) {
        if (in->sink)
            ra_diag(in->sink, RA_DIAG_ERROR, r->rec->path, 0,
                    "the record changed while the report was made: not attached");
        return RA_ERR_IO;
    }
    const char *base = strrchr(r->rec->path, '/');
    return ra_pdf_attach(r->pdf, base ? base + 1 : r->rec->path, "application/xml",
                         "The assessment record this report was made from", in->record_data,
                         in->record_len);
}

typedef ra_status_t (*section_fn)(report_t *r);

static const section_fn section_fns[RA_SECTION_COUNT] = {
    [RA_SECTION_COVER] = report_cover,
    [RA_SECTION_SUMMARY] = report_summary,
    [RA_SECTION_CONTENTS] = report_contents,
    [RA_SECTION_OVERVIEW] = report_overview,
    [RA_SECTION_LAYERS] = report_layers,
    [RA_SECTION_ACTIONS] = report_actions,
    [RA_SECTION_RISKS] = report_risks,
    [RA_SECTION_SIGNOFF] = report_signoff,
    [RA_SECTION_METHODOLOGY] = report_methodology,
    [RA_SECTION_EVIDENCE] = report_evidence,
    [RA_SECTION_INTEGRITY] = report_integrity,
};

ra_status_t ra_report_render(const ra_report_input_t *in, ra_buf_t *out)
{
    report_t r = {0};
    r.in = in;
    r.cl = in->checklist;
    r.rec = in->record;
    r.s = in->score;
    ra_score_format(r.s->has_score, r.s->score, r.score_text);
    ra_buf_t err = RA_BUF_INIT;
    ra_status_t st = RA_OK;
    ra_hyph_t *hyph = NULL, *own_hyph = NULL;
    unsigned long buf_failures = ra_buf_failures();
    r.layer_anchor = calloc(r.cl->nlayers ? r.cl->nlayers : 1, sizeof *r.layer_anchor);
    if (!r.layer_anchor) {
        st = RA_ERR_NOMEM;
        goto done;
    }
    if ((st = ra_score_ladder(r.cl, r.rec, &r.ladder)) != RA_OK)
        goto done;

    /* PDF/A-1b unless the record is attached: PDF/A-1 forbids embedded files. */
    ra_pdf_options_t po = {.font_dir = in->font_dir,
                           .font_chain = in->font_chain,
                           .fonts = in->fonts,
                           .on_glyph = on_glyph,
                           .glyph_ctx = &r,
                           .conformance = in->attach_source ? RA_PDF_PLAIN : RA_PDF_PDFA_1B,
                           .errmsg = &err};
    if ((st = ra_pdf_new(&po, &r.pdf)) != RA_OK) {
        /* Out of memory is said once, by the command line, from the status. */
        if (in->sink && st != RA_ERR_NOMEM)
            ra_diag(in->sink, RA_DIAG_ERROR, NULL, 0, "cannot set up the PDF: %s",
                    ra_buf_str(&err));
        goto done;
    }
    /* The dictionaries are pinned by their list, whose digest the report
     * states: it is read now, the dictionaries when a word needs one. */
    hyph = in->hyph;
    if (!hyph && (st = ra_hyph_new(in->hyph_dir, in->hyph_list, &own_hyph)) != RA_OK)
        goto done;
    if (!hyph)
        hyph = own_hyph;
    unsigned char hd[32];
    if ((st = ra_hyph_sha256(hyph, hd)) != RA_OK) {
        if (st == RA_ERR_IO && in->sink)
            ra_diag(in->sink, RA_DIAG_ERROR, NULL, 0, "%s", ra_hyph_error(hyph));
        goto done;
    }
    ra_report_integrity(in, ra_pdf_fonts_of(r.pdf), hd, &r.integrity);
    ra_layout_options_t lo;
    ra_layout_options_default(&lo);
    if (in->tmpl->page_size == RA_PAGE_LETTER) {
        lo.page_width = RA_PAGE_LETTER_W;
        lo.page_height = RA_PAGE_LETTER_H;
    }
    lo.accent = (ra_rgb_t){in->tmpl->accent[0], in->tmpl->accent[1], in->tmpl->accent[2]};
    lo.text_color = RA_C_TEXT;
    lo.muted = RA_C_MUTED;
    lo.watermark = ra_style_signoff_mark(r.s->signoff);
    lo.header = draw_header;
    lo.footer = draw_footer;
    lo.page_ctx = &r;
    lo.no_dump = in->layout_dump == NULL; /* the dump costs a line per item drawn */
    lo.hyph = hyph;
    lo.memo = in->breaks;
    if ((st = ra_layout_new(r.pdf, &lo, &r.lo)) != RA_OK)
        goto done;
    /* Words are hyphenated in the record's language (xml:lang), else English. */
    if (r.rec->lang && (st = ra_layout_set_lang(r.lo, r.rec->lang)) != RA_OK)
        goto done;
    if ((st = set_info(&r)) != RA_OK || (st = attach_source(&r)) != RA_OK)
        goto done;
    /* Layer sections come after the summary and overview that link to them. */
    for (size_t l = 0; l < r.cl->nlayers && st == RA_OK; l++)
        st = ra_layout_anchor_new(r.lo, &r.layer_anchor[l]);
    for (size_t i = 0; i < in->tmpl->nsections && st == RA_OK; i++) {
        st = section_fns[in->tmpl->sections[i]](&r);
        /* The changes since the previous assessment follow the summary. */
        if (st == RA_OK && in->diff && in->tmpl->sections[i] == RA_SECTION_SUMMARY)
            st = report_changes(&r);
    }
    if (st == RA_OK)
        st = ra_layout_finish(r.lo);
    /* The layout reads one file: the hyphenation dictionary of the text's
     * language, when a word first needs it; why it could not is said once. */
    bool said = st == RA_ERR_IO && *ra_hyph_error(hyph);
    if (said && in->sink)
        ra_diag(in->sink, RA_DIAG_ERROR, NULL, 0, "%s", ra_hyph_error(hyph));
    if (st == RA_OK && in->layout_dump)
        st = ra_layout_dump(r.lo, in->layout_dump);
    /* Page labels agree with the footers' "Page X of Y", so a viewer's page
     * box and the printed page number are the same. */
    if (st == RA_OK)
        st = ra_pdf_page_label(r.pdf, 0, RA_LABEL_DECIMAL, 1, NULL);
    if (st == RA_OK)
        st = ra_pdf_save(r.pdf, out);
    /* An unchecked append that ran out of memory left its buffer failed. */
    if (st == RA_OK && (ra_buf_failures() != buf_failures || ra_buf_failed(out)))
        st = RA_ERR_NOMEM;
    if (st != RA_OK && st != RA_ERR_NOMEM && !said && in->sink)
        ra_diag(in->sink, RA_DIAG_ERROR, NULL, 0, "cannot render the report: %s%s%s",
                ra_strerror(st), *ra_pdf_errmsg(r.pdf) ? ": " : "", ra_pdf_errmsg(r.pdf));
done:
    if (st == RA_OK && in->keep_shaping)
        (in->keep_shaped_only ? ra_pdf_fonts_keep_shaped
                              : ra_pdf_fonts_keep_shaping)(in->keep_shaping, r.pdf);
    if (st == RA_OK && in->keep_breaks)
        ra_layout_memo_keep(in->keep_breaks, r.lo);
    ra_layout_free(r.lo);
    ra_hyph_free(own_hyph);
    ra_pdf_free(r.pdf);
    free(r.layer_anchor);
    free(r.ladder);
    ra_arena_free(&r.arena);
    ra_buf_free(&r.tmp);
    ra_buf_free(&err);
    return st;
}
