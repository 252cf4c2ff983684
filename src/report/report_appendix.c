/* report_appendix.c - appendices: methodology (from the checklist data),
 * evidence index, and document integrity with the audit trail. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "score/method.h"
#include "report/report_int.h"
#include "base/version.h"

/* One methodology paragraph: its lead ("Credit.") bold, the rest regular. */
static ra_status_t lead_paragraph(report_t *r, const char *text, size_t len)
{
    ra_buf_t para = RA_BUF_INIT;
    ra_buf_append(&para, text, len);
    const char *p = ra_buf_str(&para);
    const char *dot = strstr(p, ". ");
    ra_buf_t lead = RA_BUF_INIT;
    ra_status_t rc;
    if (dot) {
        ra_buf_append(&lead, p, (size_t)(dot - p) + 1);
        ra_span_t spans[] = {{ra_buf_str(&lead), RA_FACE_BOLD, NULL, 0},
                             {dot + 1, RA_FACE_REGULAR, NULL, 0}};
        rc = ra_layout_rich(r->lo, NULL, spans, 2);
    } else
        rc = ra_layout_paragraph(r->lo, NULL, p);
    ra_buf_free(&lead);
    ra_buf_free(&para);
    return rc;
}

/* The profiles of the checklist as a table. */
static ra_status_t profiles_table(report_t *r)
{
    const ra_checklist_t *cl = r->cl;
    const ra_column_t cols[] = {
        {"Profile", 2.2, RA_ALIGN_LEFT},           {"Rank", 0.9, RA_ALIGN_RIGHT},
        {"Checks", 1.3, RA_ALIGN_RIGHT},           {"Ready", 1.1, RA_ALIGN_RIGHT},
        {"Conditional", 2.0, RA_ALIGN_RIGHT},      {"Evidence", 1.7, RA_ALIGN_LEFT},
        {"Required sign-off", 3.6, RA_ALIGN_LEFT},
    };
    ra_status_t rc = ra_layout_table_begin(r->lo, NULL, cols, 7);
    ra_buf_t roles = RA_BUF_INIT;
    for (size_t p = 0; p < cl->nprofiles && rc == RA_OK; p++) {
        const ra_profile_t *pr = &cl->profiles[p];
        size_t n = 0;
        for (size_t i = 0; i < cl->nchecks; i++)
            n += cl->profiles[cl->checks[i].profile].rank <= pr->rank;
        char rank[16], cnt[16], ready[16], cond[16];
        snprintf(rank, sizeof rank, "%d", pr->rank);
        snprintf(cnt, sizeof cnt, "%zu", n);
        snprintf(ready, sizeof ready, "%g", pr->ready);
        snprintf(cond, sizeof cond, "%g", pr->conditional);
        ra_buf_clear(&roles);
        for (size_t k = 0; k < pr->nsignoff; k++)
            ra_buf_printf(&roles, "%s%s", k ? ", " : "", cl->roles[pr->signoff_roles[k]].name);
        bool own = pr == r->s->profile;
        ra_face_t face = own ? RA_FACE_BOLD : RA_FACE_REGULAR;
        ra_cell_t cells[] = {
            {pr->name, face, NULL, own ? &RA_C_PANEL : NULL, 0, 0},
            {rank, face, NULL, own ? &RA_C_PANEL : NULL, 0, 0},
            {cnt, face, NULL, own ? &RA_C_PANEL : NULL, 0, 0},
            {ready, face, NULL, own ? &RA_C_PANEL : NULL, 0, 0},
            {cond, face, NULL, own ? &RA_C_PANEL : NULL, 0, 0},
            {pr->evidence_required ? "required" : "not required", face, NULL,
             own ? &RA_C_PANEL : NULL, 0, 0},
            {roles.len ? ra_buf_str(&roles) : "none", face, NULL, own ? &RA_C_PANEL : NULL, 0, 0},
        };
        rc = ra_layout_table_row(r->lo, cells);
    }
    ra_buf_free(&roles);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

ra_status_t report_methodology(report_t *r)
{
    ra_status_t rc =
        ra_layout_heading(r->lo, 1, "Appendix A. Methodology", RA_HEADING_NEW_PAGE, NULL);
    if (rc == RA_OK)
        rc = ra_layout_paragraph(
            r->lo, NULL,
            report_fmt(r,
                       "How this report's numbers are computed, generated from checklist %s "
                       "version %s. Anyone can recompute every score from the record with "
                       "these rules.",
                       r->cl->id, r->cl->version));
    ra_buf_t text = RA_BUF_INIT;
    if (rc == RA_OK)
        rc = ra_method_text(r->cl, &text);
    const char *p = ra_buf_str(&text);
    while (rc == RA_OK && *p) {
        const char *end = strstr(p, "\n\n");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        rc = lead_paragraph(r, p, len);
        p += len;
        while (*p == '\n')
            p++;
    }
    ra_buf_free(&text);
    if (rc == RA_OK)
        rc = ra_layout_keep_begin(r->lo);
    if (rc == RA_OK)
        rc = ra_layout_heading(r->lo, 3, "Profiles", RA_HEADING_NO_TOC, NULL);
    if (rc == RA_OK)
        rc = profiles_table(r);
    if (rc == RA_OK)
        rc = ra_layout_keep_end(r->lo);
    if (rc == RA_OK && r->in->tmpl->disclaimer) {
        ra_style_t st = ra_layout_style(r->lo);
        st.face = RA_FACE_ITALIC;
        st.color = RA_C_MUTED;
        rc = ra_layout_paragraph(r->lo, &st, r->in->tmpl->disclaimer);
    }
    return rc;
}

/* Digests are drawn in DejaVu Sans Mono at sizes at which all 64 hex digits
 * stay on one line: in the evidence index's SHA-256 column (the layout
 * widens it to the digest's width, 239 pt of the 482 pt body), and in the
 * integrity grid's value column (366 pt; a digest takes 327 pt). */
#define DIGEST_CELL_SIZE 6
#define DIGEST_KV_SIZE 8.5

ra_status_t report_evidence(report_t *r)
{
    const ra_score_t *s = r->s;
    ra_status_t rc = ra_layout_heading(r->lo, 1, "Appendix B. Evidence index", 0, NULL);
    if (rc != RA_OK)
        return rc;
    size_t n = 0;
    for (size_t i = 0; i < s->nchecks; i++)
        if (s->checks[i].applicable && s->checks[i].result)
            n += s->checks[i].result->nevidence;
    if (n == 0)
        return ra_layout_paragraph(r->lo, NULL, "The record cites no evidence.");
    rc = ra_layout_paragraph(r->lo, NULL,
                             report_fmt(r,
                                        "%zu evidence items cited by the record, by check. "
                                        "Where a SHA-256 is given, the document it names can "
                                        "be checked against it.",
                                        n));
    const ra_column_t cols[] = {
        {"Check", 1.7, RA_ALIGN_LEFT},
        {"Kind", 1.3, RA_ALIGN_LEFT},
        {"Reference", 4.2, RA_ALIGN_LEFT},
        {"SHA-256", 4.4, RA_ALIGN_LEFT},
    };
    /* 8.5 pt leaves the Check, Kind and Reference columns room beside
     * the digests. */
    ra_table_style_t ts = ra_layout_table_style(r->lo);
    ts.font_size = 8.5;
    if (rc == RA_OK)
        rc = ra_layout_table_begin(r->lo, &ts, cols, 4);
    ra_buf_t ref = RA_BUF_INIT;
    for (size_t i = 0; i < s->nchecks && rc == RA_OK; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (!cs->applicable || !cs->result)
            continue;
        for (size_t k = 0; k < cs->result->nevidence && rc == RA_OK; k++) {
            const ra_evidence_t *e = &cs->result->evidence[k];
            ra_buf_clear(&ref);
            ra_buf_printf(&ref, "%s%s%s", e->ref ? e->ref : "", e->ref && *e->text ? "\n" : "",
                          e->text);
            ra_cell_t cells[] = {
                {cs->check->id, RA_FACE_BOLD, NULL, NULL, 0, 0},
                {ra_evidence_kind_name(e->kind), RA_FACE_REGULAR, NULL, NULL, 0, 0},
                {ref.len ? ra_buf_str(&ref) : "-", RA_FACE_REGULAR, NULL, NULL, 0, 0},
                {e->sha256 ? e->sha256 : "-", RA_FACE_MONO, NULL, NULL, 0, DIGEST_CELL_SIZE},
            };
            rc = ra_layout_table_row(r->lo, cells);
        }
    }
    ra_buf_free(&ref);
    if (rc == RA_OK)
        rc = ra_layout_table_end(r->lo);
    return rc;
}

ra_status_t report_integrity(report_t *r)
{
    const ra_report_input_t *in = r->in;
    char rec[65], cl[65], tpl[65], date[11];
    ra_hex(r->rec->sha256, 32, rec);
    ra_hex(r->cl->sha256, 32, cl);
    ra_hex(in->tmpl->sha256, 32, tpl);
    ra_style_date(r->rec->assessed_on, date);
    ra_status_t rc =
        ra_layout_heading(r->lo, 1, "Appendix C. Document integrity", RA_HEADING_NEW_PAGE, NULL);
    if (rc == RA_OK)
        rc = ra_layout_paragraph(
            r->lo, NULL,
            "This report was generated by readyaudit from the files identified below. The "
            "SHA-256 digests tie it to every input: the record, the checklist, the template, "
            "its logo, the fonts and the list of the hyphenation dictionaries. The same inputs "
            "give the same bytes, so the verify command rebuilds the report from them and "
            "compares it byte for byte with this file; hashing a record and comparing the "
            "digest with the one printed here shows whether it is the one this report was made "
            "from.");
    ra_buf_t clv = RA_BUF_INIT, tv = RA_BUF_INIT, trail = RA_BUF_INIT, how = RA_BUF_INIT,
             src = RA_BUF_INIT;
    ra_buf_printf(&clv, "%s version %s", r->cl->id, r->cl->version);
    ra_buf_printf(&tv, "%s version %s", in->tmpl->id, in->tmpl->version);
    ra_buf_printf(&trail,
                  "Record well-formed and valid against schema assessment.xsd: passed\n"
                  "Semantic checks against checklist %s %s: passed\n"
                  "Scored at profile %s (%s), assessment date %s\n"
                  "Score %s, verdict %s, sign-off %s",
                  r->cl->id, r->cl->version, r->s->profile->id, r->s->profile->name, date,
                  r->score_text, ra_verdict_label(r->s->verdict), ra_signoff_label(r->s->signoff));
    const char *base = strrchr(r->rec->path, '/');
    /* With --previous, the previous record is an input too (verify --previous). */
    ra_buf_t prev = RA_BUF_INIT, prev_opt = RA_BUF_INIT;
    if (in->diff) {
        const ra_record_t *o = in->diff->old->record;
        const char *ob = strrchr(o->path, '/');
        ra_buf_printf(&prev, "%s (%s)\n%s", o->id, ob ? ob + 1 : o->path,
                      r->integrity.previous_sha256);
        ra_buf_printf(&prev_opt, " --previous %s", ob ? ob + 1 : o->path);
    }
    ra_buf_printf(&how,
                  "readyaudit verify REPORT.pdf %s%s (rebuilds the report and compares it byte "
                  "for byte)\nor, for the record alone: sha256sum %s",
                  base ? base + 1 : r->rec->path, ra_buf_str(&prev_opt),
                  base ? base + 1 : r->rec->path);
    const ra_integrity_t *it = &r->integrity;
    char when[32];
    time_t t = (time_t)it->created;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    else
        snprintf(when, sizeof when, "%s", "(out of range)");
    /* The PDF backend makes PDF/A-1b exactly when nothing is attached (report.c). */
    if (in->attach_source)
        ra_buf_printf(&src,
                      "%s (%zu bytes), embedded in this PDF; extract it with: pdfdetach "
                      "-saveall REPORT.pdf",
                      base ? base + 1 : r->rec->path, in->record_len);
    int no_logo = strcmp(it->logo_sha256, RA_NO_LOGO) == 0;
    ra_kv_t rows[] = {
        {"Report ID", r->integrity.report_id, 0, 0},
        {"Assessment record", r->rec->id, 0, 0},
        {"Record SHA-256", rec, RA_FACE_MONO, DIGEST_KV_SIZE},
        {"Checklist", ra_buf_str(&clv), 0, 0},
        {"Checklist SHA-256", cl, RA_FACE_MONO, DIGEST_KV_SIZE},
        {"Report template", ra_buf_str(&tv), 0, 0},
        {"Template SHA-256", tpl, RA_FACE_MONO, DIGEST_KV_SIZE},
        {"Logo SHA-256", no_logo ? "none (the template has no logo)" : it->logo_sha256,
         no_logo ? RA_FACE_REGULAR : RA_FACE_MONO, no_logo ? 0 : DIGEST_KV_SIZE},
        {"Fonts SHA-256", it->fonts_sha256, RA_FACE_MONO, DIGEST_KV_SIZE},
        {"Hyphen SHA-256", it->hyphen_sha256, RA_FACE_MONO, DIGEST_KV_SIZE},
        {"Previous record", ra_buf_str(&prev), RA_FACE_MONO, DIGEST_KV_SIZE},
        {"Document date", when, 0, 0},
        {"Tool", it->tool, 0, 0},
        {"Audit trail", ra_buf_str(&trail), 0, 0},
        {"How to verify", ra_buf_str(&how), 0, 0},
        {"Archival format",
         in->attach_source ? "Not PDF/A: the source record is attached "
                             "(PDF/A-1 forbids attachments)"
                           : "PDF/A-1b",
         0, 0},
        {"Attached record", ra_buf_str(&src), 0, 0},
    };
    size_t n = sizeof rows / sizeof *rows - !in->attach_source;
    if (!in->diff) { /* no previous record: its row goes */
        size_t w = 0;
        for (size_t i = 0; i < n; i++)
            if (strcmp(rows[i].label, "Previous record") != 0)
                rows[w++] = rows[i];
        n = w;
    }
    if (rc == RA_OK)
        rc = ra_layout_kv(r->lo, rows, n, 0.24);
    ra_buf_free(&prev);
    ra_buf_free(&prev_opt);
    ra_buf_free(&clv);
    ra_buf_free(&tv);
    ra_buf_free(&trail);
    ra_buf_free(&how);
    ra_buf_free(&src);
    return rc;
}
