/* portfolio.c - the portfolio summary PDF of a pack, from aggregates fed row
 * by row: counts, score distribution, Ready beside a Rejected sign-off, the
 * worst, the most improved and the regressed systems with their trends, a
 * heat map of the worst systems' layer scores by their own profiles, the
 * commonest gaps over the systems where each check applies, overdue and
 * expired items by owner, failures, and an appendix of every system. */
#include "pack/portfolio.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "base/io.h"
#include "base/number.h"
#include "base/version.h"
#include "layout/layout.h"
#include "pdf/pdf.h"
#include "report/graphics.h"
#include "report/style.h"

#define WORST_MAX 15     /* rows of "Systems most in need of attention" and the heat map */
#define LIST_MAX 15      /* rows of the improved, regressed and Ready-but-Rejected lists */
#define GAPS_MAX 10      /* checks in "Most common gaps" */
#define OWNERS_MAX 20    /* owners in "Overdue and expired items by owner" */
#define FAILURES_MAX 20  /* failed inputs listed one by one */
#define NEW_GAPS_SHOWN 6 /* new gap ids named per regressed system */

/* One assessment kept for a system's trend. */
typedef struct {
    char *id, *date, *output, *name, *org, *overdue_owners, *expired_owners;
    double score;
    bool has_score;
    long profile; /* index into the checklist's profiles, -1: unknown */
    ra_verdict_t verdict;
    ra_signoff_t signoff;
    long long gaps;
    double *layer;      /* nlayers scores; NAN: none */
    uint64_t *gap, *na; /* bit sets over the checklist's checks */
} assess_t;

/* One system: its assessments kept, oldest first, and how many there were. */
typedef struct {
    char *key;
    assess_t a[RA_PORTFOLIO_HISTORY];
    size_t n;
    size_t seen;
} sys_t;

/* A failed input, for the first FAILURES_MAX. */
typedef struct {
    char *input, *error;
} failure_t;

struct ra_portfolio {
    const ra_env_t *env;
    const ra_checklist_t *cl;
    size_t words;  /* uint64_t words of a check bit set */
    sys_t **table; /* open addressing by key */
    size_t cap, nsys;
    size_t nrows, nfailed;
    failure_t failures[FAILURES_MAX];
    char *manifest; /* path, or NULL */
    char manifest_hex[65];
};

static char *dup(const char *s)
{
    return strdup(s ? s : "");
}

static void assess_clear(assess_t *a)
{
    free(a->id);
    free(a->date);
    free(a->output);
    free(a->name);
    free(a->org);
    free(a->overdue_owners);
    free(a->expired_owners);
    free(a->layer);
    free(a->gap);
    free(a->na);
    memset(a, 0, sizeof *a);
}

/* Frees what only a system's latest assessment needs (names, report,
 * layer scores, not-applicable checks, owners): earlier ones keep their
 * id, date, score and gaps, for the trend and the new gaps. */
static void assess_thin(assess_t *a)
{
    char **strs[] = {&a->output, &a->name, &a->org, &a->overdue_owners, &a->expired_owners};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    free(a->layer);
    free(a->na);
    a->layer = NULL;
    a->na = NULL;
}

ra_portfolio_t *ra_portfolio_new(const ra_env_t *env, const ra_checklist_t *cl)
{
    ra_portfolio_t *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->env = env;
    p->cl = cl;
    p->words = cl->nchecks / 64 + 1;
    p->cap = 64;
    p->table = calloc(p->cap, sizeof *p->table);
    if (!p->table) {
        free(p);
        return NULL;
    }
    return p;
}

void ra_portfolio_free(ra_portfolio_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->cap; i++) {
        sys_t *s = p->table[i];
        if (!s)
            continue;
        for (size_t k = 0; k < s->n; k++)
            assess_clear(&s->a[k]);
        free(s->key);
        free(s);
    }
    for (size_t i = 0; i < FAILURES_MAX; i++) {
        free(p->failures[i].input);
        free(p->failures[i].error);
    }
    free(p->table);
    free(p->manifest);
    free(p);
}

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The system of key, made when new; NULL when out of memory. */
static sys_t *system_of(ra_portfolio_t *p, const char *key)
{
    if ((p->nsys + 1) * 2 > p->cap) {
        size_t cap = p->cap * 2;
        sys_t **t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < p->cap; i++) {
            if (!p->table[i])
                continue;
            size_t k = hash_key(p->table[i]->key) & (cap - 1);
            while (t[k])
                k = (k + 1) & (cap - 1);
            t[k] = p->table[i];
        }
        free(p->table);
        p->table = t;
        p->cap = cap;
    }
    size_t k = hash_key(key) & (p->cap - 1);
    while (p->table[k] && strcmp(p->table[k]->key, key) != 0)
        k = (k + 1) & (p->cap - 1);
    if (!p->table[k]) {
        sys_t *s = calloc(1, sizeof *s);
        if (!s || !(s->key = dup(key))) {
            free(s);
            return NULL;
        }
        p->table[k] = s;
        p->nsys++;
    }
    return p->table[k];
}

static const char *str(const ra_manifest_row_t *row, const char *col)
{
    const char *s = ra_manifest_row_str(row, col);
    return s ? s : "";
}

/* Sets the bits of the check ids listed (space-separated) in s. */
static void set_checks(const ra_checklist_t *cl, const char *s, uint64_t *bits)
{
    char id[64];
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n && n < sizeof id) {
            memcpy(id, s, n);
            id[n] = '\0';
            long c = ra_checklist_find_check(cl, id);
            if (c >= 0)
                bits[c / 64] |= 1ull << (c % 64);
        }
        s += n;
    }
}

static bool has_bit(const uint64_t *bits, size_t c)
{
    return bits[c / 64] >> (c % 64) & 1;
}

/* Orders assessments by date, then record id. */
static int cmp_assess(const assess_t *x, const assess_t *y)
{
    int d = strcmp(x->date, y->date);
    return d ? d : strcmp(x->id, y->id);
}

/* Fills a from row; false when out of memory. */
static bool assess_fill(ra_portfolio_t *p, assess_t *a, const ra_manifest_row_t *row)
{
    const ra_checklist_t *cl = p->cl;
    a->id = dup(str(row, "id"));
    a->date = dup(str(row, "assessed_on"));
    a->output = dup(str(row, "output"));
    a->name = dup(str(row, "system"));
    a->org = dup(str(row, "organisation"));
    a->overdue_owners = dup(str(row, "overdue_owners"));
    a->expired_owners = dup(str(row, "expired_owners"));
    a->layer = calloc(cl->nlayers + 1, sizeof *a->layer);
    a->gap = calloc(p->words, sizeof *a->gap);
    a->na = calloc(p->words, sizeof *a->na);
    if (!a->id || !a->date || !a->output || !a->name || !a->org || !a->overdue_owners ||
        !a->expired_owners || !a->layer || !a->gap || !a->na)
        return false;
    a->has_score = ra_manifest_row_number(row, "score", &a->score);
    a->profile = ra_checklist_find_profile(cl, str(row, "profile"));
    if (ra_verdict_parse(str(row, "verdict"), &a->verdict) != RA_OK)
        a->verdict = RA_VERDICT_NOT_READY;
    if (ra_signoff_parse(str(row, "signoff"), &a->signoff) != RA_OK)
        a->signoff = RA_SIGNOFF_DRAFT;
    a->gaps = ra_manifest_row_int(row, "gaps");
    for (size_t l = 0; l < cl->nlayers; l++) {
        double x;
        a->layer[l] = ra_manifest_row_layer(row, cl->layers[l].id, &x) ? x : NAN;
    }
    set_checks(cl, str(row, "gap_checks"), a->gap);
    set_checks(cl, str(row, "not_applicable"), a->na);
    return true;
}

ra_status_t ra_portfolio_add(ra_portfolio_t *p, const ra_manifest_row_t *row)
{
    if (!row)
        return RA_OK;
    p->nrows++;
    const char *state = ra_manifest_row_str(row, "status");
    if (!ra_manifest_row_str(row, "verdict") || (state && strcmp(state, "failed") == 0)) {
        /* A record that did not load, was not scored or was refused: it has no report
           behind it, so it is no system's assessment, whatever verdict it carries. */
        if (p->nfailed < FAILURES_MAX) {
            failure_t *f = &p->failures[p->nfailed];
            f->input = dup(str(row, "input"));
            f->error = dup(str(row, "error"));
            if (!f->input || !f->error)
                return RA_ERR_NOMEM;
        }
        p->nfailed++;
        return RA_OK;
    }
    /* Rows of a manifest without system_key: the key a record without a
       system id has, from its columns. */
    ra_buf_t key = RA_BUF_INIT;
    const char *k = ra_manifest_row_str(row, "system_key");
    if (!k || !*k) {
        ra_system_key_by_name(str(row, "organisation"), str(row, "system"), &key);
        k = ra_buf_str(&key);
    }
    sys_t *s = ra_buf_failed(&key) ? NULL : system_of(p, k);
    ra_buf_free(&key);
    if (!s)
        return RA_ERR_NOMEM;
    s->seen++;
    assess_t a = {0};
    if (!assess_fill(p, &a, row)) {
        assess_clear(&a);
        return RA_ERR_NOMEM;
    }
    /* Kept in order; when full, the oldest goes (or the new one, if older). */
    if (s->n == RA_PORTFOLIO_HISTORY) {
        if (cmp_assess(&a, &s->a[0]) < 0) {
            assess_clear(&a);
            return RA_OK;
        }
        assess_clear(&s->a[0]);
        memmove(&s->a[0], &s->a[1], (s->n - 1) * sizeof s->a[0]);
        s->n--;
    }
    size_t i = s->n;
    while (i > 0 && cmp_assess(&a, &s->a[i - 1]) < 0) {
        s->a[i] = s->a[i - 1];
        i--;
    }
    s->a[i] = a;
    s->n++;
    /* Only the latest keeps its detail. */
    if (s->n > 1)
        assess_thin(&s->a[i + 1 == s->n ? s->n - 2 : i]);
    return RA_OK;
}

ra_status_t ra_portfolio_set_manifest(ra_portfolio_t *p, const char *path)
{
    FILE *f;
    ra_status_t st = ra_open_read(path, &f, p->env->sink);
    if (st != RA_OK)
        return st;
    ra_sha256_ctx_t c;
    ra_sha256_init(&c);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ra_sha256_update(&c, chunk, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        ra_diag(p->env->sink, RA_DIAG_ERROR, path, 0, "read error");
        return RA_ERR_IO;
    }
    unsigned char d[32];
    ra_sha256_final(&c, d);
    ra_hex(d, 32, p->manifest_hex);
    free(p->manifest);
    p->manifest = dup(path);
    return p->manifest ? RA_OK : RA_ERR_NOMEM;
}

/* --- Writing --- */

typedef struct {
    ra_portfolio_t *p;
    ra_layout_t *lo;
    sys_t **v; /* every system, worst latest assessment first */
    size_t n;
    ra_buf_t tmp;
} writer_t;

static const assess_t *latest(const sys_t *s)
{
    return &s->a[s->n - 1];
}

static const assess_t *previous(const sys_t *s)
{
    return s->n > 1 ? &s->a[s->n - 2] : NULL;
}

/* Latest minus previous score; 0 without both. */
static double delta(const sys_t *s)
{
    const assess_t *b = previous(s), *a = latest(s);
    return b && a->has_score && b->has_score ? a->score - b->score : 0;
}

/* Checks that are gaps in the latest assessment and were not in the previous one. */
static size_t new_gaps(const ra_portfolio_t *p, const sys_t *s, size_t *ids, size_t max)
{
    const assess_t *b = previous(s), *a = latest(s);
    size_t n = 0;
    for (size_t c = 0; b && c < p->cl->nchecks; c++)
        if (has_bit(a->gap, c) && !has_bit(b->gap, c)) {
            if (n < max)
                ids[n] = c;
            n++;
        }
    return n;
}

static bool ready_rejected(const assess_t *a)
{
    return a->verdict == RA_VERDICT_READY && a->signoff == RA_SIGNOFF_REJECTED;
}

/* Worst first: not ready, conditional, ready; lower score; then key. */
static int cmp_worst(const void *x, const void *y)
{
    const sys_t *s = *(sys_t *const *)x, *t = *(sys_t *const *)y;
    const assess_t *a = latest(s), *b = latest(t);
    if (a->verdict != b->verdict)
        return (int)b->verdict - (int)a->verdict;
    double sa = a->has_score ? a->score : -1, sb = b->has_score ? b->score : -1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    return strcmp(s->key, t->key);
}

static int cmp_improved(const void *x, const void *y)
{
    const sys_t *s = *(sys_t *const *)x, *t = *(sys_t *const *)y;
    double a = delta(s), b = delta(t);
    if (a != b)
        return a > b ? -1 : 1;
    return strcmp(s->key, t->key);
}

/* Most fallen first; then key. */
static int cmp_regressed(const void *x, const void *y)
{
    const sys_t *s = *(sys_t *const *)x, *t = *(sys_t *const *)y;
    double a = delta(s), b = delta(t);
    if (a != b)
        return a < b ? -1 : 1;
    return strcmp(s->key, t->key);
}

static int cmp_key(const void *x, const void *y)
{
    const sys_t *s = *(sys_t *const *)x, *t = *(sys_t *const *)y;
    return strcmp(s->key, t->key);
}

static const char *fmt(writer_t *w, const char *f, ...) __attribute__((format(printf, 2, 3)));
static const char *fmt(writer_t *w, const char *f, ...)
{
    ra_buf_clear(&w->tmp);
    va_list ap;
    va_start(ap, f);
    ra_buf_vprintf(&w->tmp, f, ap);
    va_end(ap);
    return ra_buf_str(&w->tmp);
}

static void score_text(const assess_t *a, char out[16])
{
    ra_score_format(a->has_score, a->score, out);
}

/* The shading of a score by the thresholds of the record's own profile:
 * ready or above, conditional or above, below; no score (or no profile):
 * neutral. Returns 0..3 in that order. */
static int step_of(const ra_portfolio_t *p, const assess_t *a, double x)
{
    if (isnan(x) || a->profile < 0)
        return 3;
    const ra_profile_t *pr = &p->cl->profiles[a->profile];
    if (x >= pr->ready - RA_SCORE_EPSILON)
        return 0;
    if (x >= pr->conditional - RA_SCORE_EPSILON)
        return 1;
    return 2;
}

/* The mark printed beside a shaded score, so that the step reads without
 * colour too: ready, conditional, below (no score: none). */
static const char *step_mark(int step)
{
    static const char *const marks[] = {" \xE2\x97\x8F", " \xE2\x97\x90", " \xE2\x97\x8B", ""};
    return marks[step];
}

static const ra_rgb_t *step_fill(int step)
{
    static const ra_rgb_t *const fills[] = {&RA_C_HEAT_GOOD, &RA_C_HEAT_WARN, &RA_C_HEAT_BAD,
                                            &RA_C_NEUTRAL_TINT};
    return fills[step];
}

/* The opening: what the summary covers, when it was made, which manifest
 * lists the same rows. */
static ra_status_t opening(writer_t *w)
{
    ra_portfolio_t *p = w->p;
    time_t t = p->env->epoch_set ? (time_t)p->env->epoch : time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
    ra_status_t rc = ra_layout_heading(w->lo, 1, "Portfolio summary", 0, NULL);
    if (rc == RA_OK)
        rc = ra_layout_paragraph(
            w->lo, NULL,
            fmt(w,
                "%zu records of %zu systems assessed against %s %s; %zu failed to load. Each "
                "system appears once, with its latest assessment; its earlier ones in this batch "
                "give its trend. Each system's full report is in the audit pack (the Report "
                "column).",
                p->nrows, w->n, p->cl->title, p->cl->version, p->nfailed));
    if (rc == RA_OK)
        rc = ra_layout_paragraph(w->lo, NULL, fmt(w, "Generated %s by %s.", when, RA_TOOL));
    if (rc == RA_OK)
        rc = ra_layout_paragraph(
            w->lo, NULL,
            p->manifest ? fmt(w, "Manifest: %s, SHA-256 %s.", p->manifest, p->manifest_hex)
                        : "Manifest: none was written with this summary.");
    return rc;
}

static ra_status_t counts(writer_t *w)
{
    const ra_checklist_t *cl = w->p->cl;
    size_t by_verdict[RA_VERDICT_COUNT] = {0}, by_signoff[RA_SIGNOFF_COUNT] = {0};
    size_t *by_profile = calloc(cl->nprofiles + 1, sizeof *by_profile);
    if (!by_profile)
        return RA_ERR_NOMEM;
    for (size_t i = 0; i < w->n; i++) {
        const assess_t *a = latest(w->v[i]);
        by_verdict[a->verdict]++;
        by_signoff[a->signoff]++;
        by_profile[a->profile >= 0 ? (size_t)a->profile : cl->nprofiles]++;
    }
    const ra_column_t cols[] = {{"Latest assessments", 3, RA_ALIGN_LEFT},
                                {"Systems", 1, RA_ALIGN_RIGHT}};
    ra_status_t rc = ra_layout_table_begin(w->lo, NULL, cols, 2);
    char num[32];
    for (int v = 0; v < RA_VERDICT_COUNT && rc == RA_OK; v++) {
        snprintf(num, sizeof num, "%zu", by_verdict[v]);
        const ra_rgb_t *tint = ra_style_verdict_heat((ra_verdict_t)v);
        ra_cell_t cells[] = {{fmt(w, "Verdict: %s", ra_verdict_label((ra_verdict_t)v)),
                              RA_FACE_BOLD, NULL, tint, 0, 0},
                             {num, RA_FACE_BOLD, NULL, tint, 0, 0}};
        rc = ra_layout_table_row(w->lo, cells);
    }
    for (int v = 0; v < RA_SIGNOFF_COUNT && rc == RA_OK; v++) {
        snprintf(num, sizeof num, "%zu", by_signoff[v]);
        const char *texts[] = {fmt(w, "Sign-off: %s", ra_signoff_label((ra_signoff_t)v)), num};
        rc = ra_layout_table_row_text(w->lo, texts);
    }
    for (size_t k = 0; k < cl->nprofiles && rc == RA_OK; k++) {
        snprintf(num, sizeof num, "%zu", by_profile[k]);
        const char *texts[] = {fmt(w, "Profile: %s", cl->profiles[k].name), num};
        rc = ra_layout_table_row_text(w->lo, texts);
    }
    if (rc == RA_OK && w->p->nfailed) {
        snprintf(num, sizeof num, "%zu", w->p->nfailed);
        const char *texts[] = {"Records that failed to load", num};
        rc = ra_layout_table_row_text(w->lo, texts);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(w->lo);
    free(by_profile);
    return rc;
}

/* Latest scores in ten steps of ten, as a bar chart of shares. */
static ra_status_t distribution(writer_t *w)
{
    size_t bins[11] = {0};
    for (size_t i = 0; i < w->n; i++) {
        const assess_t *a = latest(w->v[i]);
        int b = !a->has_score ? 10 : a->score >= 90 ? 9 : a->score < 0 ? 0 : (int)(a->score / 10);
        bins[b]++;
    }
    ra_bar_t bars[11];
    char labels[11][24], values[11][40];
    size_t nb = 0;
    for (int b = 9; b >= 0; b--) {
        snprintf(labels[nb], sizeof labels[nb], b == 9 ? "90 to 100" : "%d to %d", b * 10,
                 b * 10 + 10);
        double share = w->n ? 100.0 * (double)bins[b] / (double)w->n : 0;
        snprintf(values[nb], sizeof values[nb], "%zu", bins[b]);
        bars[nb] = (ra_bar_t){
            .label = labels[nb], .value = share, .value_text = values[nb], .fill = RA_C_NEUTRAL};
        nb++;
    }
    if (bins[10]) {
        snprintf(labels[nb], sizeof labels[nb], "no score");
        snprintf(values[nb], sizeof values[nb], "%zu", bins[10]);
        bars[nb] = (ra_bar_t){
            .label = labels[nb], .value = -1, .value_text = values[nb], .fill = RA_C_NEUTRAL};
        nb++;
    }
    ra_status_t rc = ra_layout_paragraph(w->lo, NULL,
                                         "Latest scores in steps of ten (a step includes its "
                                         "lower bound); the bar is the share of systems, the "
                                         "number the count.");
    if (rc == RA_OK)
        rc = ra_graphics_bar_chart(w->lo, bars, nb, NULL, 0);
    return rc;
}

/* --- System rows with their trends (a block drawn by the layout) --- */

typedef struct {
    char *line1[4]; /* system, record, assessed on, previous -> latest */
    char *line2[3]; /* trend, verdict and sign-off, report */
    double trend[RA_PORTFOLIO_HISTORY];
    size_t ntrend;
    bool alarm; /* Ready beside a Rejected sign-off */
} sys_row_t;

typedef struct {
    sys_row_t *rows;
    size_t n;
} sys_list_t;

static void sys_list_free(void *ctx)
{
    sys_list_t *l = ctx;
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        for (int k = 0; k < 4; k++)
            free(l->rows[i].line1[k]);
        for (int k = 0; k < 3; k++)
            free(l->rows[i].line2[k]);
    }
    free(l->rows);
    free(l);
}

/* Where each column of a system row starts, as shares of the body width. */
static const double col1[] = {0, 0.40, 0.64, 0.78, 1};
static const double col2[] = {0, 0.10, 0.40, 0.70, 1};

/* Draws one text of a system row in the column [x0, x1), ellipsised. */
static ra_status_t row_text(ra_layout_t *lo, ra_buf_t *tmp, ra_face_t face, double size,
                            ra_rgb_t color, double x0, double x1, double base, const char *s,
                            ra_align_t align)
{
    ra_pdf_t *pdf = ra_layout_pdf(lo);
    size_t len = strlen(s);
    const char *t = ra_layout_ellipsize(pdf, tmp, face, size, x1 - x0 - 4, s, &len);
    double tw = ra_pdf_text_width(pdf, face, size, t, len);
    double x = align == RA_ALIGN_RIGHT ? x1 - 4 - tw : x0;
    return ra_layout_text(lo, face, size, color, x, base, t, len);
}

/* The sparkline of one system: its scores as a line with a dot per
 * assessment, the latest one larger, over its own range (at least 10
 * points, so that a small change does not look like a large one). */
static ra_status_t sparkline(ra_layout_t *lo, const sys_row_t *r, double x, double y, double w,
                             double h, ra_rgb_t color)
{
    double min = 100, max = 0;
    for (size_t i = 0; i < r->ntrend; i++) {
        min = r->trend[i] < min ? r->trend[i] : min;
        max = r->trend[i] > max ? r->trend[i] : max;
    }
    if (max - min < 10) {
        double mid = (max + min) / 2;
        min = mid - 5;
        max = mid + 5;
    }
    double step = r->ntrend > 1 ? w / (double)(r->ntrend - 1) : 0, px0 = 0, py0 = 0;
    ra_status_t st = RA_OK;
    for (size_t i = 0; st == RA_OK && i < r->ntrend; i++) {
        double px = r->ntrend > 1 ? x + step * (double)i : x + w / 2;
        double py = y + h - h * (r->trend[i] - min) / (max - min);
        if (i > 0)
            st = ra_layout_line(lo, px0, py0, px, py, 0.8, color, 0);
        double d = i + 1 == r->ntrend ? 2.4 : 1.4;
        if (st == RA_OK)
            st = ra_layout_rect(lo, px - d / 2, py - d / 2, d, d, d / 2, &color, NULL, 0);
        px0 = px;
        py0 = py;
    }
    return st;
}

static ra_status_t place_list(void *ctx, ra_layout_t *lo)
{
    sys_list_t *l = ctx;
    const ra_layout_options_t *o = ra_layout_options(lo);
    ra_buf_t tmp = RA_BUF_INIT;
    ra_status_t st = RA_OK;
    const double size = 7.5, lh = ra_layout_line_height(lo, size), row_h = 2 * lh + 3;
    static const char *const heads1[] = {"System (organisation)", "Record", "Assessed on",
                                         "Previous \xE2\x86\x92 latest"};
    static const char *const heads2[] = {"Trend", "Scores over the batch", "Verdict / sign-off",
                                         "Report in the pack"};
    for (size_t i = 0; i < l->n && st == RA_OK; i++) {
        ra_rect_t cur = ra_layout_cursor(lo);
        bool head = i == 0 || ra_layout_fresh(lo);
        double need = row_h + (head ? row_h : 0);
        if (need > cur.h && !ra_layout_fresh(lo)) {
            if ((st = ra_layout_new_page(lo)) != RA_OK)
                break;
            cur = ra_layout_cursor(lo);
            head = true;
        }
        double y = cur.y;
        if (head) {
            for (int k = 0; k < 4 && st == RA_OK; k++)
                st = row_text(lo, &tmp, RA_FACE_BOLD, size, o->accent, cur.x + col1[k] * cur.w,
                              cur.x + col1[k + 1] * cur.w, y + ra_layout_baseline(lo, size),
                              heads1[k], k == 3 ? RA_ALIGN_RIGHT : RA_ALIGN_LEFT);
            for (int k = 0; k < 4 && st == RA_OK; k++)
                st = row_text(lo, &tmp, RA_FACE_BOLD, size, o->accent, cur.x + col2[k] * cur.w,
                              cur.x + col2[k + 1] * cur.w, y + lh + ra_layout_baseline(lo, size),
                              heads2[k], RA_ALIGN_LEFT);
            if (st == RA_OK)
                st = ra_layout_line(lo, cur.x, y + row_h - 1, cur.x + cur.w, y + row_h - 1, 0.6,
                                    o->accent, 0);
            y += row_h;
        }
        const sys_row_t *r = &l->rows[i];
        if (st == RA_OK && r->alarm)
            st = ra_layout_rect(lo, cur.x, y, cur.w, row_h - 1, 0, &RA_C_HEAT_BAD, NULL, 0);
        for (int k = 0; k < 4 && st == RA_OK; k++)
            st = row_text(lo, &tmp, k == 0 || k == 3 ? RA_FACE_BOLD : RA_FACE_REGULAR, size,
                          o->text_color, cur.x + col1[k] * cur.w, cur.x + col1[k + 1] * cur.w,
                          y + ra_layout_baseline(lo, size), r->line1[k],
                          k == 3 ? RA_ALIGN_RIGHT : RA_ALIGN_LEFT);
        for (int k = 0; k < 3 && st == RA_OK; k++)
            st = row_text(lo, &tmp, r->alarm && k == 1 ? RA_FACE_BOLD : RA_FACE_REGULAR, size,
                          k == 0 ? o->muted : o->text_color, cur.x + col2[k + 1] * cur.w,
                          cur.x + col2[k + 2 > 4 ? 4 : k + 2] * cur.w,
                          y + lh + ra_layout_baseline(lo, size), r->line2[k], RA_ALIGN_LEFT);
        if (st == RA_OK)
            st = sparkline(lo, r, cur.x + 2, y + lh + 1, col2[1] * cur.w - 8, lh - 2, o->accent);
        if (st == RA_OK)
            st = ra_layout_line(lo, cur.x, y + row_h - 0.5, cur.x + cur.w, y + row_h - 0.5, 0.3,
                                ra_rgb_tint(o->muted, 0.7), 0);
        ra_layout_advance(lo, y + row_h - cur.y);
    }
    if (st == RA_OK)
        ra_layout_gap(lo, 0.8 * o->font_size);
    ra_buf_free(&tmp);
    return st;
}

/* The row of system s: line 1 system, record, date, previous -> latest;
 * line 2 the trend, the verdict and sign-off, the report. */
static bool sys_row_fill(const sys_t *s, sys_row_t *r)
{
    const assess_t *a = latest(s), *b = previous(s);
    char sa[16], sb[16];
    score_text(a, sa);
    ra_buf_t t = RA_BUF_INIT;
    bool ok = true;
    ra_buf_printf(&t, "%s (%s)", a->name, a->org);
    ok &= (r->line1[0] = dup(ra_buf_str(&t))) != NULL;
    ok &= (r->line1[1] = dup(a->id)) != NULL;
    ok &= (r->line1[2] = dup(a->date)) != NULL;
    ra_buf_clear(&t);
    if (b) {
        score_text(b, sb);
        double d = delta(s);
        ra_buf_printf(&t, "%s \xE2\x86\x92 %s (%s%.1f)", sb, sa, d < 0 ? "\xE2\x88\x92" : "+",
                      fabs(d) < 0.05 ? 0.0 : fabs(d));
    } else
        ra_buf_printf(&t, "%s (first)", sa);
    ok &= (r->line1[3] = dup(ra_buf_str(&t))) != NULL;
    ra_buf_clear(&t);
    if (s->seen > s->n)
        ra_buf_printf(&t, "last %zu of %zu: ", s->n, s->seen);
    for (size_t i = 0; i < s->n; i++) {
        char x[16];
        score_text(&s->a[i], x);
        ra_buf_printf(&t, "%s%s", i ? " \xE2\x86\x92 " : "", x);
        r->trend[i] = s->a[i].has_score ? s->a[i].score : 0;
    }
    r->ntrend = s->n;
    ok &= (r->line2[0] = dup(ra_buf_str(&t))) != NULL;
    ra_buf_clear(&t);
    r->alarm = ready_rejected(a);
    ra_buf_printf(&t, "%s%s / %s", r->alarm ? "! " : "", ra_verdict_label(a->verdict),
                  ra_signoff_label(a->signoff));
    ok &= (r->line2[1] = dup(ra_buf_str(&t))) != NULL;
    /* The report's file name: the pack holds it (the manifest its path). */
    const char *slash = strrchr(a->output, '/');
    ok &= (r->line2[2] = dup(*a->output ? (slash ? slash + 1 : a->output) : "none")) != NULL;
    ok &= !ra_buf_failed(&t);
    ra_buf_free(&t);
    return ok;
}

/* Appends the rows of the systems v[0..n) as one block. */
static ra_status_t sys_list(writer_t *w, sys_t *const *v, size_t n)
{
    sys_list_t *l = calloc(1, sizeof *l);
    if (!l)
        return RA_ERR_NOMEM;
    l->rows = calloc(n ? n : 1, sizeof *l->rows);
    if (!l->rows) {
        free(l);
        return RA_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        l->n++;
        if (!sys_row_fill(v[i], &l->rows[i])) {
            sys_list_free(l);
            return RA_ERR_NOMEM;
        }
    }
    return ra_layout_block(w->lo, place_list, l, sys_list_free);
}

/* Systems that pass keep (of v), at most max, into out (sorted by cmp). */
static size_t pick(writer_t *w, bool (*keep)(const writer_t *, const sys_t *),
                   int (*cmp)(const void *, const void *), sys_t **out, size_t *total)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++)
        if (keep(w, w->v[i]))
            out[n++] = w->v[i];
    if (cmp)
        qsort(out, n, sizeof *out, cmp);
    *total = n;
    return n;
}

static bool keep_rejected(const writer_t *w, const sys_t *s)
{
    (void)w;
    return ready_rejected(latest(s));
}

static bool keep_improved(const writer_t *w, const sys_t *s)
{
    (void)w;
    return previous(s) && delta(s) > RA_SCORE_EPSILON;
}

static bool keep_regressed(const writer_t *w, const sys_t *s)
{
    return previous(s) && (delta(s) < -RA_SCORE_EPSILON || new_gaps(w->p, s, NULL, 0) > 0);
}

/* A list section: a sentence, then at most LIST_MAX rows (the rest counted). */
static ra_status_t list_section(writer_t *w, sys_t **buf, const char *title,
                                bool (*keep)(const writer_t *, const sys_t *),
                                int (*cmp)(const void *, const void *), const char *none,
                                const char *some)
{
    size_t total = 0;
    pick(w, keep, cmp, buf, &total);
    ra_status_t rc = ra_layout_heading(w->lo, 2, title, 0, NULL);
    if (rc == RA_OK && total == 0)
        return ra_layout_paragraph(w->lo, NULL, none);
    size_t shown = total < LIST_MAX ? total : LIST_MAX;
    if (rc == RA_OK)
        rc = ra_layout_paragraph(
            w->lo, NULL,
            total > shown ? fmt(w, "%s: %zu systems, the first %zu shown.", some, total, shown)
                          : fmt(w, "%s: %zu system%s.", some, total, total == 1 ? "" : "s"));
    if (rc == RA_OK)
        rc = sys_list(w, buf, shown);
    return rc;
}

/* The regressed systems' new gaps, named. */
static ra_status_t regressions_detail(writer_t *w, sys_t **buf)
{
    size_t total = 0;
    pick(w, keep_regressed, cmp_regressed, buf, &total);
    if (total == 0)
        return RA_OK;
    const ra_column_t cols[] = {{"System", 3, RA_ALIGN_LEFT},
                                {"Previous record", 3, RA_ALIGN_LEFT},
                                {"Latest record", 3, RA_ALIGN_LEFT},
                                {"New gaps since the previous", 3, RA_ALIGN_LEFT}};
    ra_status_t rc = ra_layout_table_begin(w->lo, NULL, cols, 4);
    ra_buf_t g = RA_BUF_INIT;
    for (size_t i = 0; i < total && i < LIST_MAX && rc == RA_OK; i++) {
        size_t ids[NEW_GAPS_SHOWN];
        size_t n = new_gaps(w->p, buf[i], ids, NEW_GAPS_SHOWN);
        ra_buf_clear(&g);
        for (size_t k = 0; k < n && k < NEW_GAPS_SHOWN; k++)
            ra_buf_printf(&g, "%s%s", k ? ", " : "", w->p->cl->checks[ids[k]].id);
        if (n > NEW_GAPS_SHOWN)
            ra_buf_printf(&g, " and %zu more", n - NEW_GAPS_SHOWN);
        if (n == 0)
            ra_buf_puts(&g, "none (the score fell)");
        const char *texts[] = {latest(buf[i])->name, previous(buf[i])->id, latest(buf[i])->id,
                               ra_buf_str(&g)};
        rc = ra_layout_table_row_text(w->lo, texts);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(w->lo);
    ra_buf_free(&g);
    return rc;
}

/* The worst systems x layers, each cell shaded by the thresholds of that
 * record's own profile, and per layer how many systems are at each step. */
static ra_status_t heat_map(writer_t *w)
{
    const ra_checklist_t *cl = w->p->cl;
    size_t nl = cl->nlayers, shown = w->n < WORST_MAX ? w->n : WORST_MAX;
    ra_column_t *cols = calloc(nl + 1, sizeof *cols);
    ra_cell_t *cells = calloc(nl + 1, sizeof *cells);
    char(*vals)[32] = calloc(nl + 1, sizeof *vals);
    char(*heads)[24] = calloc(nl + 1, sizeof *heads);
    size_t(*steps)[4] = calloc(nl + 1, sizeof *steps);
    ra_buf_t legend = RA_BUF_INIT;
    ra_status_t rc = cols && cells && vals && heads && steps ? RA_OK : RA_ERR_NOMEM;
    if (rc != RA_OK)
        goto done;
    cols[0] = (ra_column_t){"System", 3.2, RA_ALIGN_LEFT};
    for (size_t l = 0; l < nl; l++) {
        snprintf(heads[l], sizeof heads[l], "L%zu", l + 1);
        cols[l + 1] = (ra_column_t){heads[l], 1, RA_ALIGN_CENTER};
        ra_buf_printf(&legend, "%sL%zu %s", l ? ", " : "Layers: ", l + 1, cl->layers[l].name);
    }
    ra_buf_puts(&legend, ". Each cell is the layer's score in the system's latest assessment, "
                         "shaded and marked by the thresholds of that record's own profile: "
                         "blue \xE2\x97\x8F at or above its ready threshold, orange "
                         "\xE2\x97\x90 at or above its conditional threshold, red "
                         "\xE2\x97\x8B below it, grey no score (n/a). Thresholds: ");
    for (size_t k = 0; k < cl->nprofiles; k++) {
        char r[32], c[32];
        ra_number_shortest(cl->profiles[k].ready, r);
        ra_number_shortest(cl->profiles[k].conditional, c);
        ra_buf_printf(&legend, "%s%s ready %s, conditional %s", k ? "; " : "", cl->profiles[k].name,
                      r, c);
    }
    ra_buf_puts(&legend, ".");
    rc = ra_layout_paragraph(
        w->lo, NULL, fmt(w, "The %zu systems most in need of attention (worst first).", shown));
    if (rc == RA_OK)
        rc = ra_layout_paragraph(w->lo, NULL, ra_buf_str(&legend));
    ra_table_style_t ts = ra_layout_table_style(w->lo);
    ts.zebra = 0;
    ts.font_size = 8;
    if (rc == RA_OK)
        rc = ra_layout_table_begin(w->lo, &ts, cols, nl + 1);
    for (size_t i = 0; i < shown && rc == RA_OK; i++) {
        const assess_t *a = latest(w->v[i]);
        cells[0] = (ra_cell_t){a->name, RA_FACE_BOLD, NULL, NULL, 0, 0};
        for (size_t l = 0; l < nl; l++) {
            char num[16];
            int step = step_of(w->p, a, a->layer[l]);
            ra_score_format(!isnan(a->layer[l]), a->layer[l], num);
            snprintf(vals[l], sizeof vals[l], "%s%s", num, step_mark(step));
            cells[l + 1] = (ra_cell_t){vals[l], RA_FACE_REGULAR, NULL, step_fill(step), 0, 0};
        }
        rc = ra_layout_table_row(w->lo, cells);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(w->lo);
    /* Every system, counted per layer and step. */
    for (size_t i = 0; i < w->n; i++) {
        const assess_t *a = latest(w->v[i]);
        for (size_t l = 0; l < nl; l++)
            steps[l][step_of(w->p, a, a->layer[l])]++;
    }
    const ra_column_t dcols[] = {{"Layer (all systems)", 3, RA_ALIGN_LEFT},
                                 {"\xE2\x97\x8F At or above ready", 1.8, RA_ALIGN_RIGHT},
                                 {"\xE2\x97\x90 Conditional", 1.5, RA_ALIGN_RIGHT},
                                 {"\xE2\x97\x8B Below", 1.2, RA_ALIGN_RIGHT},
                                 {"No score", 1.2, RA_ALIGN_RIGHT}};
    if (rc == RA_OK)
        rc = ra_layout_table_begin(w->lo, NULL, dcols, 5);
    for (size_t l = 0; l < nl && rc == RA_OK; l++) {
        char n[4][24];
        for (int k = 0; k < 4; k++)
            snprintf(n[k], sizeof n[k], "%zu", steps[l][k]);
        ra_cell_t c[] = {{cl->layers[l].name, RA_FACE_BOLD, NULL, NULL, 0, 0},
                         {n[0], RA_FACE_REGULAR, NULL, step_fill(0), 0, 0},
                         {n[1], RA_FACE_REGULAR, NULL, step_fill(1), 0, 0},
                         {n[2], RA_FACE_REGULAR, NULL, step_fill(2), 0, 0},
                         {n[3], RA_FACE_REGULAR, NULL, step_fill(3), 0, 0}};
        rc = ra_layout_table_row(w->lo, c);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(w->lo);
done:
    free(cols);
    free(cells);
    free(vals);
    free(heads);
    free(steps);
    ra_buf_free(&legend);
    return rc;
}

/* The checks that are gaps in the most systems, each out of the systems
 * where it applies (in the latest record's profile, not not-applicable). */
static ra_status_t common_gaps(writer_t *w)
{
    const ra_checklist_t *cl = w->p->cl;
    size_t nc = cl->nchecks;
    size_t *gap = calloc(nc + 1, sizeof *gap), *applies = calloc(nc + 1, sizeof *applies);
    if (!gap || !applies) {
        free(gap);
        free(applies);
        return RA_ERR_NOMEM;
    }
    for (size_t i = 0; i < w->n; i++) {
        const assess_t *a = latest(w->v[i]);
        if (a->profile < 0)
            continue;
        int rank = cl->profiles[a->profile].rank;
        for (size_t c = 0; c < nc; c++) {
            if (cl->profiles[cl->checks[c].profile].rank > rank || has_bit(a->na, c))
                continue;
            applies[c]++;
            gap[c] += has_bit(a->gap, c);
        }
    }
    const ra_column_t cols[] = {{"Check", 1.5, RA_ALIGN_LEFT},
                                {"Title", 5.5, RA_ALIGN_LEFT},
                                {"Layer", 2.6, RA_ALIGN_LEFT},
                                {"Systems", 2.2, RA_ALIGN_RIGHT}};
    ra_status_t rc = ra_layout_paragraph(w->lo, NULL,
                                         "Each check's gaps are counted over the systems where "
                                         "it applies: the check is in the profile of the "
                                         "system's latest record and not marked not applicable.");
    if (rc == RA_OK)
        rc = ra_layout_table_begin(w->lo, NULL, cols, 4);
    for (int shown = 0; shown < GAPS_MAX && rc == RA_OK; shown++) {
        size_t best = nc;
        for (size_t c = 0; c < nc; c++)
            if (gap[c] && (best == nc || gap[c] > gap[best] ||
                           (gap[c] == gap[best] && applies[c] < applies[best])))
                best = c;
        if (best == nc)
            break;
        char num[48];
        snprintf(num, sizeof num, "%zu of %zu", gap[best], applies[best]);
        const ra_check_t *ck = &cl->checks[best];
        const char *texts[] = {ck->id, ck->title, cl->layers[ck->layer].name, num};
        rc = ra_layout_table_row_text(w->lo, texts);
        gap[best] = 0;
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(w->lo);
    free(gap);
    free(applies);
    return rc;
}

/* One overdue (kind 0) or expired (kind 1) item of an owner: the name is
 * s[0..len) of a "; "-separated list. */
typedef struct {
    const char *s;
    size_t len;
    int kind;
} item_t;

static int cmp_name(const char *a, size_t na, const char *b, size_t nb)
{
    int d = memcmp(a, b, na < nb ? na : nb);
    return d ? d : (na > nb) - (na < nb);
}

static int cmp_item(const void *x, const void *y)
{
    const item_t *a = x, *b = y;
    return cmp_name(a->s, a->len, b->s, b->len);
}

typedef struct {
    const char *s;
    size_t len;
    size_t n[2];
} owner_t;

static int cmp_owner(const void *x, const void *y)
{
    const owner_t *a = x, *b = y;
    size_t ta = a->n[0] + a->n[1], tb = b->n[0] + b->n[1];
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return cmp_name(a->s, a->len, b->s, b->len);
}

/* Appends the names of a "; "-separated list as items. */
static ra_status_t add_items(const char *list, int kind, item_t **v, size_t *n, size_t *cap)
{
    const char *s = list;
    while (s && *s) {
        const char *end = strstr(s, "; ");
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 64;
            item_t *t = realloc(*v, c * sizeof *t);
            if (!t)
                return RA_ERR_NOMEM;
            *v = t;
            *cap = c;
        }
        (*v)[(*n)++] = (item_t){s, len, kind};
        s = end ? end + 2 : NULL;
    }
    return RA_OK;
}

/* Overdue remediations and expired risk acceptances in the latest
 * assessments, by the person who holds them. */
static ra_status_t by_owner(writer_t *w)
{
    item_t *items = NULL;
    owner_t *owners = NULL;
    size_t n = 0, cap = 0, no = 0;
    ra_status_t rc = RA_OK;
    for (size_t i = 0; i < w->n && rc == RA_OK; i++) {
        const assess_t *a = latest(w->v[i]);
        rc = add_items(a->overdue_owners, 0, &items, &n, &cap);
        if (rc == RA_OK)
            rc = add_items(a->expired_owners, 1, &items, &n, &cap);
    }
    if (rc == RA_OK && n == 0) {
        rc = ra_layout_paragraph(w->lo, NULL,
                                 "No system's latest assessment has an overdue remediation or an "
                                 "expired risk acceptance.");
        goto done;
    }
    if (rc != RA_OK)
        goto done;
    qsort(items, n, sizeof *items, cmp_item);
    owners = calloc(n, sizeof *owners);
    if (!owners) {
        rc = RA_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!no || cmp_name(owners[no - 1].s, owners[no - 1].len, items[i].s, items[i].len) != 0) {
            owners[no].s = items[i].s;
            owners[no++].len = items[i].len;
        }
        owners[no - 1].n[items[i].kind]++;
    }
    qsort(owners, no, sizeof *owners, cmp_owner);
    size_t shown = no < OWNERS_MAX ? no : OWNERS_MAX;
    rc = ra_layout_paragraph(
        w->lo, NULL,
        no > shown
            ? fmt(w, "%zu people hold overdue or expired items; the %zu with the most:", no, shown)
            : fmt(w, "%zu %s overdue or expired items:", no,
                  no == 1 ? "person holds" : "people hold"));
    const ra_column_t cols[] = {{"Owner (remediation) or acceptor (risk)", 5, RA_ALIGN_LEFT},
                                {"Overdue remediations", 2.2, RA_ALIGN_RIGHT},
                                {"Expired risk acceptances", 2.4, RA_ALIGN_RIGHT}};
    if (rc == RA_OK)
        rc = ra_layout_table_begin(w->lo, NULL, cols, 3);
    ra_buf_t name = RA_BUF_INIT;
    for (size_t i = 0; i < shown && rc == RA_OK; i++) {
        char a[24], b[24];
        snprintf(a, sizeof a, "%zu", owners[i].n[0]);
        snprintf(b, sizeof b, "%zu", owners[i].n[1]);
        ra_buf_clear(&name);
        if (owners[i].len)
            ra_buf_append(&name, owners[i].s, owners[i].len);
        else
            ra_buf_puts(&name, "(no name)");
        const char *texts[] = {ra_buf_str(&name), a, b};
        rc = ra_layout_table_row_text(w->lo, texts);
    }
    ra_buf_free(&name);
    if (rc == RA_OK)
        rc = ra_layout_table_end(w->lo);
done:
    free(items);
    free(owners);
    return rc;
}

static ra_status_t failures(writer_t *w)
{
    ra_portfolio_t *p = w->p;
    size_t shown = p->nfailed < FAILURES_MAX ? p->nfailed : FAILURES_MAX;
    ra_status_t rc = RA_OK;
    if (p->nfailed > shown)
        rc = ra_layout_paragraph(w->lo, NULL,
                                 fmt(w,
                                     "%zu records failed; the first %zu are listed, the "
                                     "manifest lists all of them.",
                                     p->nfailed, shown));
    const ra_column_t cols[] = {{"Input", 4, RA_ALIGN_LEFT}, {"Error", 7, RA_ALIGN_LEFT}};
    if (rc == RA_OK)
        rc = ra_layout_table_begin(w->lo, NULL, cols, 2);
    for (size_t i = 0; i < shown && rc == RA_OK; i++) {
        const char *texts[] = {p->failures[i].input, p->failures[i].error};
        rc = ra_layout_table_row_text(w->lo, texts);
    }
    if (rc == RA_OK)
        rc = ra_layout_table_end(w->lo);
    return rc;
}

static ra_status_t appendix(writer_t *w, sys_t **buf)
{
    ra_status_t rc =
        ra_layout_heading(w->lo, 2, "Appendix: every system", RA_HEADING_NEW_PAGE, NULL);
    if (rc != RA_OK)
        return rc;
    if (w->n > RA_PORTFOLIO_APPENDIX_MAX)
        return ra_layout_paragraph(
            w->lo, NULL,
            fmt(w,
                "%zu systems are more than this summary lists one by one (%d); the manifest "
                "has a row for every record, with its system_key, id and assessed_on.",
                w->n, RA_PORTFOLIO_APPENDIX_MAX));
    memcpy(buf, w->v, w->n * sizeof *buf);
    qsort(buf, w->n, sizeof *buf, cmp_key);
    rc = ra_layout_paragraph(w->lo, NULL,
                             "Every system once, by organisation and name, with its latest "
                             "assessment and its trend over the assessments in this batch.");
    if (rc == RA_OK)
        rc = sys_list(w, buf, w->n);
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

/* The sections, in the order of the pages. */
static ra_status_t sections(writer_t *w, sys_t **buf)
{
    ra_status_t rc = opening(w);
    if (rc == RA_OK)
        rc = counts(w);
    if (rc == RA_OK)
        rc = ra_layout_heading(w->lo, 2, "Score distribution", 0, NULL);
    if (rc == RA_OK)
        rc = distribution(w);
    if (rc == RA_OK)
        rc = list_section(
            w, buf, "Ready beside a Rejected sign-off", keep_rejected, cmp_worst,
            "No system is Ready with a Rejected sign-off.",
            "Verdict Ready but the sign-off rejected (marked ! and shaded wherever listed)");
    if (rc == RA_OK) {
        size_t shown = w->n < WORST_MAX ? w->n : WORST_MAX;
        rc = ra_layout_heading(w->lo, 2, "Systems most in need of attention", 0, NULL);
        if (rc == RA_OK)
            rc = ra_layout_paragraph(
                w->lo, NULL,
                fmt(w,
                    "The %zu worst of %zu systems: not ready first, then ready with "
                    "conditions, then ready; lower scores first.",
                    shown, w->n));
        if (rc == RA_OK)
            rc = sys_list(w, w->v, shown);
    }
    if (rc == RA_OK)
        rc = list_section(w, buf, "Most improved since the previous assessment", keep_improved,
                          cmp_improved, "No system's score rose since its previous assessment.",
                          "Score up since the previous assessment");
    if (rc == RA_OK)
        rc = list_section(w, buf, "Regressions since the previous assessment", keep_regressed,
                          cmp_regressed,
                          "No system regressed since its previous assessment (score down or "
                          "a new gap).",
                          "Score down or a new gap since the previous assessment");
    if (rc == RA_OK)
        rc = regressions_detail(w, buf);
    if (rc == RA_OK)
        rc = ra_layout_heading(w->lo, 2, "Layer scores", RA_HEADING_NEW_PAGE, NULL);
    if (rc == RA_OK)
        rc = heat_map(w);
    if (rc == RA_OK)
        rc = ra_layout_heading(w->lo, 2, "Most common gaps", 0, NULL);
    if (rc == RA_OK)
        rc = common_gaps(w);
    if (rc == RA_OK)
        rc = ra_layout_heading(w->lo, 2, "Overdue and expired items by owner", 0, NULL);
    if (rc == RA_OK)
        rc = by_owner(w);
    if (rc == RA_OK && w->p->nfailed) {
        rc = ra_layout_heading(w->lo, 2, "Records that failed", 0, NULL);
        if (rc == RA_OK)
            rc = failures(w);
    }
    if (rc == RA_OK)
        rc = appendix(w, buf);
    return rc;
}

ra_status_t ra_portfolio_write(ra_portfolio_t *p, const char *path)
{
    const ra_env_t *env = p->env;
    writer_t w = {p, NULL, NULL, 0, RA_BUF_INIT};
    ra_pdf_t *pdf = NULL;
    ra_buf_t out = RA_BUF_INIT, err = RA_BUF_INIT, chain = RA_BUF_INIT, hlist = RA_BUF_INIT;
    ra_hyph_t *own_hyph = NULL;
    sys_t **buf = NULL;
    unsigned long buf_failures = ra_buf_failures();
    ra_status_t rc = RA_OK;
    w.v = calloc(p->nsys + 1, sizeof *w.v);
    buf = calloc(p->nsys + 1, sizeof *buf);
    if (!w.v || !buf)
        rc = RA_ERR_NOMEM;
    for (size_t i = 0; rc == RA_OK && i < p->cap; i++)
        if (p->table[i])
            w.v[w.n++] = p->table[i];
    if (rc == RA_OK)
        qsort(w.v, w.n, sizeof *w.v, cmp_worst);
    ra_pdf_options_t po = {.font_dir = env->font_dir, .errmsg = &err, .fonts = env->fonts};
    if (rc == RA_OK)
        rc = ra_env_font_chain(env, &chain, &po.font_chain);
    /* Out of memory is said once, below, from the status. */
    if (rc == RA_OK && (rc = ra_pdf_new(&po, &pdf)) != RA_OK && rc != RA_ERR_NOMEM)
        ra_diag(env->sink, RA_DIAG_ERROR, path, 0, "cannot set up the PDF: %s", ra_buf_str(&err));
    ra_layout_options_t lopt;
    ra_layout_options_default(&lopt);
    lopt.footer = footer;
    lopt.no_dump = 1;
    /* A word too long for its line is hyphenated with the dictionaries of
     * the environment, pinned by its list as a report's are. */
    const char *hyph_list = NULL;
    lopt.hyph = env->hyph;
    if (rc == RA_OK && !lopt.hyph && (rc = ra_env_hyph_list(env, &hlist, &hyph_list)) == RA_OK &&
        (rc = ra_hyph_new(env->hyph_dir, hyph_list, &own_hyph)) == RA_OK)
        lopt.hyph = own_hyph;
    if (rc == RA_OK)
        rc = ra_layout_new(pdf, &lopt, &w.lo);
    ra_pdf_info_t info = {.title = "Portfolio summary",
                          .subject = "LLMOps production readiness portfolio",
                          .creator = RA_TOOL,
                          .created = 0};
    info.created = env->epoch_set ? env->epoch : -1;
    if (rc == RA_OK)
        rc = ra_pdf_set_info(pdf, &info);
    if (rc == RA_OK)
        rc = sections(&w, buf);
    if (rc == RA_OK)
        rc = ra_layout_finish(w.lo);
    if (rc == RA_OK)
        rc = ra_pdf_save(pdf, &out);
    /* An unchecked append that ran out of memory lost text (base/buf.h). */
    if (rc == RA_OK && ra_buf_failures() != buf_failures)
        rc = RA_ERR_NOMEM;
    if (rc == RA_OK)
        rc = ra_write_atomic(path, out.data, out.len, env->sink);
    else if (rc == RA_ERR_IO && lopt.hyph && *ra_hyph_error(lopt.hyph))
        ra_diag(env->sink, RA_DIAG_ERROR, path, 0, "cannot make the portfolio summary: %s",
                ra_hyph_error(lopt.hyph));
    else
        ra_diag(env->sink, RA_DIAG_ERROR, path, 0, "cannot make the portfolio summary: %s",
                ra_strerror(rc));
    ra_layout_free(w.lo);
    ra_hyph_free(own_hyph);
    ra_pdf_free(pdf);
    ra_buf_free(&out);
    ra_buf_free(&err);
    ra_buf_free(&chain);
    ra_buf_free(&hlist);
    ra_buf_free(&w.tmp);
    free(w.v);
    free(buf);
    return rc;
}
