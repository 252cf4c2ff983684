/* portfolio.c - the portfolio summary PDF over a batch: counts, every
 * system by verdict and score, a heat map of layer scores, the commonest
 * gaps, overdue and expired items, and the records that failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layout.h"
#include "pack/manifest.h"
#include "pdf/pdf.h"
#include "base/io.h"
#include "report/style.h"
#include "base/version.h"

typedef struct {
    ra_manifest_row_t *const *rows;
    size_t n;
    const ra_checklist_t *cl;
    ra_layout_t *lo;
    ra_buf_t tmp;
} portfolio_t;

static const char *str(const ra_manifest_row_t *row, const char *key)
{
    const char *s = ra_manifest_row_str(row, key);
    return s ? s : "";
}

/* The verdict a row names; an unknown name counts as ready. */
static ra_verdict_t verdict_of(const char *v)
{
    ra_verdict_t e;
    return ra_verdict_parse(v, &e) == RA_OK ? e : RA_VERDICT_READY;
}

/* The sign-off state a row names; an unknown name counts as rejected. */
static ra_signoff_t signoff_of(const char *so)
{
    ra_signoff_t e;
    return ra_signoff_parse(so, &e) == RA_OK ? e : RA_SIGNOFF_REJECTED;
}

static const char *verdict_label(const char *v)
{
    ra_verdict_t e;
    return ra_verdict_parse(v, &e) == RA_OK ? ra_verdict_label(e) : "-";
}

/* Orders loaded rows: not ready first, then conditional, then ready; lower
 * scores first within a verdict; then by id. */
static int cmp_rows(const void *a, const void *b)
{
    const ra_manifest_row_t *x = *(ra_manifest_row_t *const *)a;
    const ra_manifest_row_t *y = *(ra_manifest_row_t *const *)b;
    /* The enum runs ready, conditional, not ready: reversed, worst first. */
    int d = (int)verdict_of(str(y, "verdict")) - (int)verdict_of(str(x, "verdict"));
    if (d)
        return d;
    double sx, sy;
    ra_manifest_row_number(x, "score", &sx);
    ra_manifest_row_number(y, "score", &sy);
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return strcmp(str(x, "id"), str(y, "id"));
}

static const char *fmt(portfolio_t *p, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(portfolio_t *p, const char *f, ...)
{
    ra_buf_clear(&p->tmp);
    va_list ap;
    va_start(ap, f);
    ra_buf_vprintf(&p->tmp, f, ap);
    va_end(ap);
    return ra_buf_str(&p->tmp);
}

static ra_status_t counts(portfolio_t *p, ra_manifest_row_t **ok, size_t nok, size_t failed)
{
    size_t by_verdict[RA_VERDICT_COUNT] = {0}, by_signoff[RA_SIGNOFF_COUNT] = {0};
    size_t *by_profile = calloc(p->cl->nprofiles + 1, sizeof *by_profile);
    if (!by_profile)
        return RA_ERR_NOMEM;
    for (size_t i = 0; i < nok; i++) {
        by_verdict[verdict_of(str(ok[i], "verdict"))]++;
        by_signoff[signoff_of(str(ok[i], "signoff"))]++;
        long pi = ra_checklist_find_profile(p->cl, str(ok[i], "profile"));
        by_profile[pi >= 0 ? (size_t)pi : p->cl->nprofiles]++;
    }
    const ra_column_t cols[] = {{"Breakdown", 3, RA_ALIGN_LEFT}, {"Systems", 1, RA_ALIGN_RIGHT}};
    ra_status_t rc = ra_layout_table_begin(p->lo, NULL, cols, 2);
    char num[32];
    for (int v = 0; v < RA_VERDICT_COUNT && rc == RA_OK; v++) {
        snprintf(num, sizeof num, "%zu", by_verdict[v]);
        const ra_rgb_t *tint = ra_style_verdict_heat((ra_verdict_t)v);
        ra_cell_t cells[] = {{fmt(p, "Verdict: %s", ra_verdict_label((ra_verdict_t)v)),
                              RA_FACE_BOLD, NULL, tint, 0, 0},
                             {num, RA_FACE_BOLD, NULL, tint, 0, 0}};
        rc = ra_layout_table_row(p->lo, cells);
    }
    for (int v = 0; v < RA_SIGNOFF_COUNT && rc == RA_OK; v++) {
        snprintf(num, sizeof num, "%zu", by_signoff[v]);
        const char *texts[] = {fmt(p, "Sign-off: %s", ra_signoff_label((ra_signoff_t)v)), num};
        rc = ra_layout_table_row_text(p->lo, texts);
    }
    for (size_t k = 0; k < p->cl->nprofiles && rc == RA_OK; k++) {
        snprintf(num, sizeof num, "%zu", by_profile[k]);
        const char *texts[] = {fmt(p, "Profile: %s", p->cl->profiles[k].name), num};
        rc = ra_layout_table_row_text(p->lo, texts);
    }
    if (rc == RA_OK && failed) {
        snprintf(num, sizeof num, "%zu", failed);
        const char *texts[] = {"Records that failed to load", num};
        rc = ra_layout_table_row_text(p->lo, texts);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(p->lo);
    free(by_profile);
    return rc;
}

/* A profile's name from its id (the id itself if the checklist lacks it). */
static const char *profile_name(const ra_checklist_t *cl, const char *id)
{
    long k = ra_checklist_find_profile(cl, id);
    return k >= 0 ? cl->profiles[k].name : id;
}

static ra_status_t systems_table(portfolio_t *p, ra_manifest_row_t **ok, size_t nok)
{
    const ra_column_t cols[] = {
        {"System", 3.3, RA_ALIGN_LEFT},  {"Organisation", 2.4, RA_ALIGN_LEFT},
        {"Profile", 2.3, RA_ALIGN_LEFT}, {"Score", 1.1, RA_ALIGN_RIGHT},
        {"Verdict", 2.3, RA_ALIGN_LEFT}, {"Sign-off", 1.5, RA_ALIGN_LEFT},
        {"Gaps", 1.1, RA_ALIGN_RIGHT},
    };
    ra_status_t rc = ra_layout_table_begin(p->lo, NULL, cols, 7);
    for (size_t i = 0; i < nok && rc == RA_OK; i++) {
        char sc[16], gaps[32];
        double x;
        bool has = ra_manifest_row_number(ok[i], "score", &x);
        ra_score_format(has, x, sc);
        snprintf(gaps, sizeof gaps, "%lld", ra_manifest_row_int(ok[i], "gaps"));
        const char *v = str(ok[i], "verdict");
        const char *so = str(ok[i], "signoff");
        ra_cell_t cells[] = {
            {str(ok[i], "system"), RA_FACE_BOLD, NULL, NULL, 0, 0},
            {str(ok[i], "organisation"), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {profile_name(p->cl, str(ok[i], "profile")), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {sc, RA_FACE_BOLD, NULL, NULL, 0, 0},
            {verdict_label(v), RA_FACE_BOLD, NULL, ra_style_verdict_heat(verdict_of(v)), 0, 0},
            {ra_signoff_label(signoff_of(so)), RA_FACE_REGULAR, NULL, NULL, 0, 0},
            {gaps, RA_FACE_REGULAR, NULL, NULL, 0, 0},
        };
        rc = ra_layout_table_row(p->lo, cells);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(p->lo);
    return rc;
}

/* Systems x layers with the score in each cell; the fill follows the same
 * three steps as verdicts (80+, 60+, below) and the number is always printed. */
static ra_status_t heat_map(portfolio_t *p, ra_manifest_row_t **ok, size_t nok)
{
    size_t nl = p->cl->nlayers;
    ra_column_t *cols = calloc(nl + 1, sizeof *cols);
    ra_cell_t *cells = calloc(nl + 1, sizeof *cells);
    char(*vals)[16] = calloc(nl, sizeof *vals);
    if (!cols || !cells || !vals) {
        free(cols);
        free(cells);
        free(vals);
        return RA_ERR_NOMEM;
    }
    /* Columns are numbered L1..Ln, the legend above says which layer is which. */
    char(*heads)[24] = calloc(nl ? nl : 1, sizeof *heads);
    if (!heads) {
        free(cols);
        free(cells);
        free(vals);
        return RA_ERR_NOMEM;
    }
    ra_buf_t legend = RA_BUF_INIT;
    cols[0] = (ra_column_t){"System", 3.2, RA_ALIGN_LEFT};
    for (size_t l = 0; l < nl; l++) {
        snprintf(heads[l], sizeof heads[l], "L%zu", l + 1);
        cols[l + 1] = (ra_column_t){heads[l], 1, RA_ALIGN_CENTER};
        ra_buf_printf(&legend, "%sL%zu %s", l ? ", " : "Layers: ", l + 1, p->cl->layers[l].name);
    }
    ra_buf_puts(&legend, ". Each cell is the layer's score, shaded by step: 80 and above, 60 to "
                         "80, below 60, no score (n/a).");
    ra_status_t rc = ra_layout_paragraph(p->lo, NULL, ra_buf_str(&legend));
    ra_buf_free(&legend);
    ra_table_style_t ts = ra_layout_table_style(p->lo);
    ts.zebra = 0;
    ts.font_size = 8;
    if (rc == RA_OK)
        rc = ra_layout_table_begin(p->lo, &ts, cols, nl + 1);
    for (size_t i = 0; i < nok && rc == RA_OK; i++) {
        cells[0] = (ra_cell_t){str(ok[i], "system"), RA_FACE_BOLD, NULL, NULL, 0, 0};
        for (size_t l = 0; l < nl; l++) {
            double x = 0;
            bool has = ra_manifest_row_layer(ok[i], p->cl->layers[l].id, &x);
            ra_score_format(has, x, vals[l]);
            const ra_rgb_t *fill = ra_style_score_heat(has, x);
            cells[l + 1] = (ra_cell_t){vals[l], RA_FACE_REGULAR, NULL, fill, 0, 0};
        }
        rc = ra_layout_table_row(p->lo, cells);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(p->lo);
    free(cols);
    free(cells);
    free(vals);
    free(heads);
    return rc;
}

/* The checks that are gaps in the most systems. */
static ra_status_t common_gaps(portfolio_t *p, ra_manifest_row_t **ok, size_t nok)
{
    size_t nc = p->cl->nchecks;
    size_t *count = calloc(nc ? nc : 1, sizeof *count);
    if (!count)
        return RA_ERR_NOMEM;
    for (size_t i = 0; i < nok; i++) {
        for (size_t k = 0; k < ra_manifest_row_ngaps(ok[i]); k++) {
            long c = ra_checklist_find_check(p->cl, ra_manifest_row_gap(ok[i], k));
            if (c >= 0)
                count[c]++;
        }
    }
    const ra_column_t cols[] = {{"Check", 1.7, RA_ALIGN_LEFT},
                                {"Title", 6, RA_ALIGN_LEFT},
                                {"Layer", 2.4, RA_ALIGN_LEFT},
                                {"Systems", 1.3, RA_ALIGN_RIGHT}};
    ra_status_t rc = ra_layout_table_begin(p->lo, NULL, cols, 4);
    for (int shown = 0; shown < 10 && rc == RA_OK; shown++) {
        size_t best = nc;
        for (size_t c = 0; c < nc; c++)
            if (count[c] && (best == nc || count[c] > count[best]))
                best = c;
        if (best == nc)
            break;
        char num[32];
        snprintf(num, sizeof num, "%zu of %zu", count[best], nok);
        const ra_check_t *ck = &p->cl->checks[best];
        const char *texts[] = {ck->id, ck->title, p->cl->layers[ck->layer].name, num};
        rc = ra_layout_table_row_text(p->lo, texts);
        count[best] = 0;
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(p->lo);
    free(count);
    return rc;
}

static ra_status_t attention(portfolio_t *p, ra_manifest_row_t **ok, size_t nok)
{
    size_t n = 0;
    for (size_t i = 0; i < nok; i++)
        n += ra_manifest_row_int(ok[i], "overdue") > 0 ||
             ra_manifest_row_int(ok[i], "expired_risks") > 0;
    if (n == 0)
        return ra_layout_paragraph(p->lo, NULL,
                                   "No system has an overdue remediation or an expired risk "
                                   "acceptance.");
    const ra_column_t cols[] = {{"System", 4, RA_ALIGN_LEFT},
                                {"Record", 2.6, RA_ALIGN_LEFT},
                                {"Overdue remediations", 2, RA_ALIGN_RIGHT},
                                {"Expired risk acceptances", 2.2, RA_ALIGN_RIGHT}};
    ra_status_t rc = ra_layout_table_begin(p->lo, NULL, cols, 4);
    for (size_t i = 0; i < nok && rc == RA_OK; i++) {
        long long od = ra_manifest_row_int(ok[i], "overdue");
        long long ex = ra_manifest_row_int(ok[i], "expired_risks");
        if (!od && !ex)
            continue;
        char a[32], b[32];
        snprintf(a, sizeof a, "%lld", od);
        snprintf(b, sizeof b, "%lld", ex);
        const char *texts[] = {str(ok[i], "system"), str(ok[i], "id"), a, b};
        rc = ra_layout_table_row_text(p->lo, texts);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(p->lo);
    return rc;
}

static ra_status_t failures(portfolio_t *p, ra_manifest_row_t **bad, size_t nbad)
{
    const ra_column_t cols[] = {{"Input", 4, RA_ALIGN_LEFT}, {"Error", 7, RA_ALIGN_LEFT}};
    ra_status_t rc = ra_layout_table_begin(p->lo, NULL, cols, 2);
    for (size_t i = 0; i < nbad && rc == RA_OK; i++) {
        const char *texts[] = {str(bad[i], "input"), str(bad[i], "error")};
        rc = ra_layout_table_row_text(p->lo, texts);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(p->lo);
    return rc;
}

static ra_status_t footer(void *ctx, ra_pdf_t *pdf, size_t page, size_t count,
                          const ra_rect_t *band)
{
    (void)ctx;
    char t[64];
    snprintf(t, sizeof t, "Page %zu of %zu", page + 1, count);
    ra_status_t rc =
        ra_layout_draw_line(pdf, band, RA_FACE_REGULAR, 8, RA_C_MUTED, RA_ALIGN_RIGHT, t);
    if (rc == RA_OK)
        rc = ra_layout_draw_line(pdf, band, RA_FACE_REGULAR, 8, RA_C_MUTED, RA_ALIGN_LEFT,
                                 "Portfolio summary \xC2\xB7 " RA_TOOL);
    return rc;
}

ra_status_t ra_portfolio_write(const ra_env_t *env, const ra_checklist_t *cl, const char *path,
                               ra_manifest_row_t *const *rows, size_t n)
{
    portfolio_t p = {rows, n, cl, NULL, RA_BUF_INIT};
    ra_manifest_row_t **ok = calloc(n ? n : 1, sizeof *ok), **bad = calloc(n ? n : 1, sizeof *bad);
    ra_pdf_t *pdf = NULL;
    ra_buf_t out = RA_BUF_INIT, err = RA_BUF_INIT;
    ra_status_t rc = ok && bad ? RA_OK : RA_ERR_NOMEM;
    unsigned long buf_failures = ra_buf_failures();
    size_t nok = 0, nbad = 0;
    for (size_t i = 0; rc == RA_OK && i < n; i++) {
        if (!rows[i])
            continue;
        if (ra_manifest_row_str(rows[i], "verdict"))
            ok[nok++] = rows[i];
        else
            bad[nbad++] = rows[i];
    }
    if (rc == RA_OK)
        qsort(ok, nok, sizeof *ok, cmp_rows);
    ra_buf_t chain = RA_BUF_INIT;
    ra_pdf_options_t po = {.font_dir = env->font_dir, .errmsg = &err};
    if (rc == RA_OK)
        rc = ra_env_font_chain(env, &chain, &po.font_chain);
    /* Out of memory is said once, by the caller, from the status. */
    if (rc == RA_OK && (rc = ra_pdf_new(&po, &pdf)) != RA_OK && rc != RA_ERR_NOMEM)
        ra_diag(env->sink, RA_DIAG_ERROR, path, 0, "cannot set up the PDF: %s", ra_buf_str(&err));
    ra_layout_options_t lopt;
    ra_layout_options_default(&lopt);
    lopt.footer = footer;
    if (rc == RA_OK)
        rc = ra_layout_new(pdf, &lopt, &p.lo);
    ra_pdf_info_t info = {.title = "Portfolio summary",
                          .subject = "LLMOps production readiness portfolio",
                          .creator = RA_TOOL,
                          .created = 0};
    info.created = env->epoch_set ? env->epoch : -1;
    if (rc == RA_OK)
        rc = ra_pdf_set_info(pdf, &info);
    if (rc == RA_OK)
        rc = ra_layout_heading(p.lo, 1, "Portfolio summary", 0, NULL);
    if (rc == RA_OK)
        rc = ra_layout_paragraph(p.lo, NULL,
                                 fmt(&p,
                                     "%zu records assessed against %s %s; %zu failed to load. "
                                     "Each system's full report is in the audit pack.",
                                     n, cl->title, cl->version, nbad));
    if (rc == RA_OK)
        rc = counts(&p, ok, nok, nbad);
    if (rc == RA_OK)
        rc = ra_layout_heading(p.lo, 2, "Systems by verdict and score", 0, NULL);
    if (rc == RA_OK)
        rc = systems_table(&p, ok, nok);
    if (rc == RA_OK)
        rc = ra_layout_heading(p.lo, 2, "Layer scores", RA_HEADING_NEW_PAGE, NULL);
    if (rc == RA_OK)
        rc = heat_map(&p, ok, nok);
    if (rc == RA_OK)
        rc = ra_layout_heading(p.lo, 2, "Most common gaps", 0, NULL);
    if (rc == RA_OK)
        rc = common_gaps(&p, ok, nok);
    if (rc == RA_OK)
        rc = ra_layout_heading(p.lo, 2, "Overdue remediations and expired risk acceptances", 0,
                               NULL);
    if (rc == RA_OK)
        rc = attention(&p, ok, nok);
    if (rc == RA_OK && nbad) {
        rc = ra_layout_heading(p.lo, 2, "Records that failed", 0, NULL);
        if (rc == RA_OK)
            rc = failures(&p, bad, nbad);
    }
    if (rc == RA_OK)
        rc = ra_layout_finish(p.lo);
    if (rc == RA_OK)
        rc = ra_pdf_save(pdf, &out);
    /* An unchecked append that ran out of memory lost text (base/buf.h). */
    if (rc == RA_OK && ra_buf_failures() != buf_failures)
        rc = RA_ERR_NOMEM;
    if (rc == RA_OK)
        rc = ra_write_atomic(path, out.data, out.len, env->sink);
    else
        ra_diag(env->sink, RA_DIAG_ERROR, path, 0, "cannot make the portfolio summary: %s",
                ra_strerror(rc));
    ra_layout_free(p.lo);
    ra_pdf_free(pdf);
    ra_buf_free(&out);
    ra_buf_free(&err);
    ra_buf_free(&chain);
    ra_buf_free(&p.tmp);
    free(ok);
    free(bad);
    return rc;
}
