/* layout_demo.c - lays out a report-like demo document with every block type
 * and Unicode names; usage: layout_demo [OUT.pdf] [--dump] [--draft]. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "layout/layout.h"
#include "report/graphics.h"
#include "pdf/pdf.h"

static const ra_rgb_t GREEN = {0.16, 0.55, 0.33};
static const ra_rgb_t AMBER = {0.85, 0.55, 0.10};
static const ra_rgb_t RED = {0.78, 0.18, 0.16};
static const ra_rgb_t MUTED = {0.42, 0.45, 0.50};

/* Page decorations shared by header and footer. */
typedef struct {
    const char *system;
    const char *report_id;
} demo_t;

/* Draws the running header (not on the cover). */
static ra_status_t header(void *ctx, ra_pdf_t *pdf, size_t page, size_t count,
                          const ra_rect_t *band)
{
    const demo_t *d = ctx;
    (void)count;
    if (page == 0)
        return RA_OK;
    ra_rect_t left = {band->x, band->y, band->w * 0.7, band->h - 6};
    ra_status_t st =
        ra_layout_draw_line(pdf, &left, RA_FACE_BOLD, 8, MUTED, RA_ALIGN_LEFT, d->system);
    ra_rect_t right = {band->x + band->w * 0.7, band->y, band->w * 0.3, band->h - 6};
    if (st == RA_OK)
        st = ra_layout_draw_line(pdf, &right, RA_FACE_REGULAR, 8, MUTED, RA_ALIGN_RIGHT,
                                 "Profile: enterprise");
    ra_rgb_t rule = {0.8, 0.82, 0.85};
    if (st == RA_OK)
        st = ra_pdf_line(pdf, band->x, band->y + band->h - 4, band->x + band->w,
                         band->y + band->h - 4, 0.5, rule, 0);
    return st;
}

/* Draws the footer: report id and "Page X of Y". */
static ra_status_t footer(void *ctx, ra_pdf_t *pdf, size_t page, size_t count,
                          const ra_rect_t *band)
{
    const demo_t *d = ctx;
    char num[64];
    snprintf(num, sizeof num, "Page %zu of %zu", page + 1, count);
    ra_rect_t r = {band->x, band->y + 6, band->w, band->h - 6};
    ra_status_t st =
        ra_layout_draw_line(pdf, &r, RA_FACE_REGULAR, 8, MUTED, RA_ALIGN_LEFT, d->report_id);
    if (st == RA_OK)
        st = ra_layout_draw_line(pdf, &r, RA_FACE_REGULAR, 8, MUTED, RA_ALIGN_RIGHT, num);
    return st;
}

/* Custom block: signature lines. */
static ra_status_t signatures(void *ctx, ra_pdf_t *pdf, const ra_rect_t *box)
{
    (void)ctx;
    static const char *const who[] = {"Zoë Müller, Technical owner", "Łukasz Nowak, Risk officer",
                                      "Ελένη Παπαδοπούλου, Compliance"};
    double w = (box->w - 40) / 3;
    ra_status_t st = RA_OK;
    for (int i = 0; i < 3 && st == RA_OK; i++) {
        double x = box->x + i * (w + 20);
        st = ra_pdf_line(pdf, x, box->y + box->h - 18, x + w, box->y + box->h - 18, 0.7, MUTED, 0);
        ra_rect_t r = {x, box->y + box->h - 16, w, 14};
        if (st == RA_OK)
            st = ra_layout_draw_line(pdf, &r, RA_FACE_REGULAR, 8, MUTED, RA_ALIGN_LEFT, who[i]);
    }
    return st;
}

static const char *const layers[8] = {"Prompt management",  "Evaluation",
                                      "Observability",      "Safety & guardrails",
                                      "Data & retrieval",   "Deployment & rollback",
                                      "Cost & performance", "Governance & people"};
static const double layer_score[8] = {82.5, 64, 91, 55.5, 73, 88, -1, 47};

/* Returns a pass/partial/fail status for check k (deterministic). */
static const char *status_of(int k, ra_rgb_t *c)
{
    switch (k % 5) {
    case 0:
    case 3:
        *c = GREEN;
        return "pass";
    case 1:
        *c = AMBER;
        return "partial";
    case 2:
        *c = RED;
        return "fail";
    default:
        *c = MUTED;
        return "not assessed";
    }
}

/* Appends the whole demo document to lo; returns the first error. */
static ra_status_t build(ra_layout_t *lo)
{
    ra_status_t st = RA_OK;
    ra_style_t title = ra_layout_style(lo), sub = ra_layout_style(lo);
    ra_style_t small = ra_layout_style(lo), mono = ra_layout_style(lo);
    title.size = 26;
    title.face = RA_FACE_BOLD;
    title.color = (ra_rgb_t){0.10, 0.24, 0.45};
    sub.size = 13;
    sub.color = MUTED;
    small.size = 8.5;
    small.color = MUTED;
    mono.face = RA_FACE_MONO;
    mono.size = 8.5;
    int anchors[8];

#define TRY(x)                   \
    do {                         \
        if ((st = (x)) != RA_OK) \
            return st;           \
    } while (0)

    /* Cover. */
    TRY(ra_layout_mark(lo, 1, "Cover", RA_HEADING_NO_TOC, NULL));
    TRY(ra_layout_space(lo, 60));
    TRY(ra_layout_paragraph(lo, &title, "LLMOps production-readiness audit"));
    TRY(ra_layout_paragraph(lo, &sub,
                            "ACME Support Assistant — Kundenservice-Chat für "
                            "Zoë Müller’s team (Ελένη, Дмитрий, Łukasz) "
                            "漢字 😀"));
    TRY(ra_layout_space(lo, 20));
    TRY(ra_graphics_gauge(lo, 72.4, "72.4", "Maturity score — Operational", AMBER, 130,
                          RA_ALIGN_CENTER));
    ra_kv_t cover[] = {
        {"System", "ACME Support Assistant (chat, retrieval-augmented)"},
        {"Organisation", "ACME GmbH · Kundenservice"},
        {"Profile", "enterprise (40 checks)"},
        {"Assessed on", "2026-11-20"},
        {"Assessors", "Zoë Müller (technical owner)\nŁukasz Nowak (risk)\n"
                      "Ελένη Παπαδοπούλου (compliance)\nДмитрий Иванов "
                      "(SRE)"},
        {"Report ID", "ACME-CHAT-2026Q4-7f3a9c"},
    };
    TRY(ra_layout_kv(lo, cover, sizeof cover / sizeof cover[0], 0.28));
    TRY(ra_graphics_callout(lo, "Verdict: Ready with conditions",
                            "All three gate checks pass. The score of 72.4 is above the "
                            "conditional threshold (60) and below the ready threshold (80); every "
                            "gap has a remediation with an owner and a due date or an unexpired "
                            "risk acceptance.",
                            (ra_rgb_t){0.99, 0.96, 0.89}, AMBER));

    /* Contents. */
    TRY(ra_layout_page_break(lo));
    TRY(ra_layout_contents(lo, "Contents", 2));

    /* Executive summary. */
    TRY(ra_layout_heading(lo, 1, "Executive summary", RA_HEADING_NEW_PAGE, NULL));
    ra_span_t spans[] = {
        {"The system scores ", RA_FACE_REGULAR, NULL, 0},
        {"72.4 (Operational)", RA_FACE_BOLD, NULL, 0},
        {" against the enterprise profile. The verdict is ", RA_FACE_REGULAR, NULL, 0},
        {"ready with conditions", RA_FACE_BOLD, &AMBER, 0},
        {"; the weakest layers are governance and safety. See ", RA_FACE_REGULAR, NULL, 0},
        {"the action plan", RA_FACE_ITALIC, NULL, 0},
        {" for the 14 open items, three of them overdue.", RA_FACE_REGULAR, NULL, 0},
    };
    TRY(ra_layout_rich(lo, NULL, spans, sizeof spans / sizeof spans[0]));
    TRY(ra_layout_heading(lo, 2, "Layer scores", 0, NULL));
    ra_bar_t bars[8];
    for (int i = 0; i < 8; i++) {
        bars[i].label = layers[i];
        bars[i].value = layer_score[i];
        bars[i].value_text = NULL;
        bars[i].fill = layer_score[i] >= 80 ? GREEN : layer_score[i] >= 60 ? AMBER : RED;
    }
    ra_threshold_t th[] = {{80, "ready 80", GREEN}, {60, "conditional 60", AMBER}};
    TRY(ra_graphics_bar_chart(lo, bars, 8, th, 2));
    TRY(ra_layout_heading(lo, 2, "Gates", 0, NULL));
    static const char *const gates[] = {
        "OBS-01 Every request and response is logged — pass",
        "EVAL-02 An evaluation set gates every prompt or model change — pass",
        "DEP-03 One-step rollback to the previous release — pass"};
    TRY(ra_layout_bullets(lo, NULL, gates, 3));
    TRY(ra_layout_heading(lo, 2, "Counts", 0, NULL));
    ra_column_t ccols[] = {{"Pass", 1, RA_ALIGN_CENTER},
                           {"Partial", 1, RA_ALIGN_CENTER},
                           {"Fail", 1, RA_ALIGN_CENTER},
                           {"Not applicable", 1.4, RA_ALIGN_CENTER},
                           {"Not assessed", 1.4, RA_ALIGN_CENTER}};
    TRY(ra_layout_table_begin(lo, NULL, ccols, 5));
    static const char *const counts[] = {"22", "9", "5", "2", "2"};
    TRY(ra_layout_table_row_text(lo, counts));
    TRY(ra_layout_table_end(lo));

    /* Layer overview table. */
    TRY(ra_layout_heading(lo, 1, "Layer overview", RA_HEADING_NEW_PAGE, NULL));
    ra_column_t ocols[] = {{"Layer", 1.2, RA_ALIGN_LEFT},
                           {"Prototype question", 2, RA_ALIGN_LEFT},
                           {"Production question", 2, RA_ALIGN_LEFT},
                           {"Score", 0.6, RA_ALIGN_RIGHT}};
    TRY(ra_layout_table_begin(lo, NULL, ocols, 4));
    for (int i = 0; i < 8; i++) {
        char score[16];
        if (layer_score[i] >= 0)
            snprintf(score, sizeof score, "%.1f", layer_score[i]);
        else
            snprintf(score, sizeof score, "n/a");
        ra_cell_t row[4] = {{layers[i], RA_FACE_BOLD, NULL, NULL, 0},
                            {"Does the prototype keep its prompts in one place where a "
                             "change can be reviewed?",
                             RA_FACE_REGULAR, NULL, NULL, 0},
                            {"Is every production prompt versioned, reviewed, evaluated "
                             "before release and traceable from any logged response?",
                             RA_FACE_REGULAR, NULL, NULL, 0},
                            {score, RA_FACE_BOLD, NULL, NULL, 0}};
        TRY(ra_layout_table_row(lo, row));
    }
    TRY(ra_layout_table_end(lo));

    /* One section per layer with its checks. */
    int check = 0;
    for (int L = 0; L < 8; L++) {
        char h[96];
        snprintf(h, sizeof h, "%d. %s", L + 1, layers[L]);
        TRY(ra_layout_heading(lo, 1, h, RA_HEADING_NEW_PAGE, &anchors[L]));
        TRY(ra_layout_paragraph(lo, NULL,
                                "This layer asks whether the team can see, change and undo what "
                                "the model does in production. Each check below lists its status, "
                                "the evidence recorded and any note from the assessors."));
        TRY(ra_layout_heading(lo, 2, "Checks", 0, NULL));
        ra_column_t cols[] = {{"ID", 0.7, RA_ALIGN_LEFT},
                              {"Check", 2.6, RA_ALIGN_LEFT},
                              {"Status", 0.9, RA_ALIGN_LEFT},
                              {"Evidence", 2.2, RA_ALIGN_LEFT}};
        TRY(ra_layout_table_begin(lo, NULL, cols, 4));
        int n = L == 7 ? 8 : 6;
        for (int k = 0; k < n; k++, check++) {
            char id[16], ev[200];
            ra_rgb_t c;
            const char *stt = status_of(check, &c);
            snprintf(id, sizeof id, "%.3s-%02d", layers[L], k + 1);
            snprintf(ev, sizeof ev, "ticket OPS-%d (Дмитрий); runbook §%d; sha256 %08x…",
                     1200 + check, k + 1, 0x9e3779b9u * (unsigned)(check + 1));
            ra_rgb_t fill = {c.r * 0.12 + 0.88, c.g * 0.12 + 0.88, c.b * 0.12 + 0.88};
            ra_cell_t row[4] = {{id, RA_FACE_MONO, NULL, NULL, 0},
                                {check % 7 == 3
                                     ? "Model and prompt versions are pinned per release; "
                                       "a change to either requires a passing evaluation "
                                       "run, a reviewer other than the author, and a "
                                       "recorded rollback plan (see the release checklist, "
                                       "which Zoë Müller maintains)."
                                     : "Requests and responses are logged with trace IDs.",
                                 RA_FACE_REGULAR, NULL, NULL, 0},
                                {stt, RA_FACE_BOLD, &c, &fill, 0},
                                {ev, RA_FACE_REGULAR, NULL, NULL, 0}};
            TRY(ra_layout_table_row(lo, row));
        }
        TRY(ra_layout_table_end(lo));
        TRY(ra_layout_heading(lo, 2, "Gaps", 0, NULL));
        for (int g = 0; g < 2; g++) {
            char what[256];
            snprintf(what, sizeof what, "Gap %d.%d — evaluation coverage", L + 1, g + 1);
            TRY(ra_layout_heading(lo, 3, what, RA_HEADING_NO_TOC, NULL));
            ra_kv_t kv[] = {
                {"Missing", "No regression set for the retrieval step; "
                            "failures are found by customers."},
                {"Remediation", "Build a 200-case set from logged tickets and "
                                "gate releases on it."},
                {"Owner", g ? "Łukasz Nowak" : "Ελένη Παπαδοπούλου"},
                {"Due", g ? "2026-12-15" : "2026-10-31 (overdue)"},
            };
            TRY(ra_layout_kv(lo, kv, 4, 0.22));
        }
    }

    /* Action plan: a long table that spans pages. */
    TRY(ra_layout_heading(lo, 1, "Action plan", RA_HEADING_NEW_PAGE, NULL));
    ra_column_t acols[] = {{"Due", 0.9, RA_ALIGN_LEFT},
                           {"Check", 0.8, RA_ALIGN_LEFT},
                           {"Action", 3, RA_ALIGN_LEFT},
                           {"Owner", 1.3, RA_ALIGN_LEFT}};
    TRY(ra_layout_table_begin(lo, NULL, acols, 4));
    static const char *const owners[] = {"Zoë Müller", "Łukasz Nowak", "Ελένη Παπαδοπούλου",
                                         "Дмитрий Иванов"};
    for (int i = 0; i < 28; i++) {
        char due[24], id[16];
        snprintf(due, sizeof due, "2026-%02d-%02d", 10 + i / 12, 1 + i % 28);
        snprintf(id, sizeof id, "%.3s-%02d", layers[i % 8], 1 + i % 6);
        ra_cell_t row[4] = {
            {due, i < 3 ? RA_FACE_BOLD : RA_FACE_REGULAR, i < 3 ? &RED : NULL, NULL, 0},
            {id, RA_FACE_MONO, NULL, NULL, anchors[i % 8]},
            {i % 4 == 0 ? "Add an automated evaluation gate to the release "
                          "pipeline and document how a failing gate is "
                          "overridden, by whom, and where that decision is "
                          "recorded."
                        : "Document the rollback procedure.",
             RA_FACE_REGULAR, NULL, NULL, 0},
            {owners[i % 4], RA_FACE_REGULAR, NULL, NULL, 0}};
        TRY(ra_layout_table_row(lo, row));
    }
    TRY(ra_layout_table_end(lo));

    /* Accepted risks. */
    TRY(ra_layout_heading(lo, 1, "Accepted-risk register", 0, NULL));
    TRY(ra_graphics_callout(lo, "GOV-04 accepted until 2027-03-31",
                            "Accepted by Дмитрий Иванов (CISO) on 2026-11-18: the model provider's "
                            "data-processing addendum is under negotiation; traffic is limited to "
                            "non-personal data until it is signed.",
                            (ra_rgb_t){0.94, 0.96, 0.99}, (ra_rgb_t){0.10, 0.24, 0.45}));

    /* Sign-off. */
    TRY(ra_layout_heading(lo, 1, "Sign-off", RA_HEADING_NEW_PAGE, NULL));
    ra_column_t scols[] = {{"Name", 1.5, RA_ALIGN_LEFT},
                           {"Role", 1.3, RA_ALIGN_LEFT},
                           {"Decision", 1.6, RA_ALIGN_LEFT},
                           {"Date", 0.9, RA_ALIGN_LEFT}};
    TRY(ra_layout_table_begin(lo, NULL, scols, 4));
    static const char *const s1[] = {"Zoë Müller", "Technical owner", "Approved with conditions",
                                     "2026-11-21"};
    static const char *const s2[] = {"Ελένη Παπαδοπούλου", "Compliance", "Approved", "2026-11-22"};
    TRY(ra_layout_table_row_text(lo, s1));
    TRY(ra_layout_table_row_text(lo, s2));
    TRY(ra_layout_table_end(lo));
    TRY(ra_layout_space(lo, 30));
    TRY(ra_layout_custom(lo, 60, signatures, NULL));

    /* Appendices. */
    TRY(ra_layout_heading(lo, 1, "Appendix A — Methodology", RA_HEADING_NEW_PAGE, NULL));
    TRY(ra_layout_paragraph(lo, NULL,
                            "Layer score = 100 · Σ w·credit / Σ w over the layer's applicable "
                            "checks.\nMaturity score = Σ W_L · S_L / Σ W_L over layers that have "
                            "a score.\nCredit: pass 1, partial 0.5, fail 0, not assessed 0."));
    TRY(ra_layout_keep_begin(lo));
    TRY(ra_layout_heading(lo, 2, "Thresholds", 0, NULL));
    static const char *const bands[] = {"80 and above: Production-grade", "60 to 80: Operational",
                                        "below 60: Prototype"};
    TRY(ra_layout_bullets(lo, NULL, bands, 3));
    TRY(ra_layout_keep_end(lo));
    TRY(ra_layout_heading(lo, 2, "Pathological input", 0, NULL));
    char longword[420];
    for (int i = 0; i < 400; i++)
        longword[i] = (char)('a' + i % 26);
    longword[400] = '\0';
    TRY(ra_layout_paragraph(lo, &small, longword));
    TRY(ra_layout_paragraph(lo, &small,
                            "Unicode: Zoë Müller, Łukasz, Ελένη, Дмитрий, "
                            "emoji 😀, CJK 漢字, invalid \xff byte."));
    TRY(ra_layout_heading(lo, 1, "Appendix B — Document integrity", 0, NULL));
    ra_kv_t integ[] = {
        {"Record SHA-256", "3f9a1c0e5b7d2a4968f0c1e2d3b4a5968778695a4b3c2d1e0f9"
                           "a8b7c6d5e4f30"},
        {"Checklist SHA-256", "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455667"
                              "78899aabbccddeeff0"},
        {"Tool", "readyaudit 0.1.0 (libharu 2.3.0)"},
        {"Verify", "readyaudit verify report.pdf record.xml"},
    };
    TRY(ra_layout_kv(lo, integ, 4, 0.25));
    TRY(ra_layout_rule(lo));
    TRY(ra_layout_paragraph(lo, &mono,
                            "$ readyaudit verify ACME-CHAT-2026Q4.pdf "
                            "acme-chat.xml\nOK: record, checklist and template "
                            "match the report."));
    return RA_OK;
#undef TRY
}

int main(int argc, char **argv)
{
    const char *out_path = "/tmp/demo.pdf";
    int dump = 0, draft = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dump") == 0)
            dump = 1;
        else if (strcmp(argv[i], "--draft") == 0)
            draft = 1;
        else
            out_path = argv[i];
    }
    ra_pdf_t *pdf = NULL;
    ra_layout_t *lo = NULL;
    ra_buf_t out = RA_BUF_INIT, err = RA_BUF_INIT;
    ra_pdf_options_t popt = {.font_chain = "fonts/chain.txt"};
    popt.errmsg = &err;
    ra_status_t st = ra_pdf_new(&popt, &pdf);
    if (st != RA_OK) {
        fprintf(stderr, "layout_demo: %s: %s\n", ra_strerror(st), ra_buf_str(&err));
        return 1;
    }
    demo_t d = {"ACME Support Assistant — ACME GmbH", "ACME-CHAT-2026Q4-7f3a9c"};
    ra_pdf_info_t info = {.title = "LLMOps readiness audit: ACME Support Assistant",
                          .author = "Zoë Müller",
                          .subject = "Production-readiness assessment",
                          .keywords = "LLMOps, readiness, audit",
                          .creator = "readyaudit 0.1.0",
                          .created = 1795651200};
    ra_layout_options_t opt;
    ra_layout_options_default(&opt);
    opt.header = header;
    opt.footer = footer;
    opt.page_ctx = &d;
    if (draft)
        opt.watermark = "DRAFT";
    if ((st = ra_pdf_set_info(pdf, &info)) != RA_OK ||
        (st = ra_layout_new(pdf, &opt, &lo)) != RA_OK || (st = build(lo)) != RA_OK ||
        (st = ra_layout_finish(lo)) != RA_OK ||
        (st = ra_pdf_page_label(pdf, 0, RA_LABEL_ROMAN_LOWER, 1, NULL)) != RA_OK ||
        (st = ra_pdf_page_label(pdf, 1, RA_LABEL_DECIMAL, 2, NULL)) != RA_OK ||
        (st = ra_pdf_save(pdf, &out)) != RA_OK) {
        fprintf(stderr, "layout_demo: %s %s\n", ra_strerror(st), pdf ? ra_pdf_errmsg(pdf) : "");
        return 1;
    }
    if (dump) {
        ra_buf_t dd = RA_BUF_INIT;
        ra_layout_dump(lo, &dd);
        fwrite(dd.data, 1, dd.len, stdout);
        ra_buf_free(&dd);
    }
    FILE *fp = fopen(out_path, "wb");
    if (!fp || fwrite(out.data, 1, out.len, fp) != out.len || fclose(fp)) {
        fprintf(stderr, "layout_demo: cannot write %s\n", out_path);
        return 1;
    }
    fprintf(stderr, "layout_demo: %zu pages, %zu bytes -> %s\n", ra_layout_page_count(lo), out.len,
            out_path);
    ra_layout_free(lo);
    ra_pdf_free(pdf);
    ra_buf_free(&out);
    ra_buf_free(&err);
    return 0;
}
