/* format_text.c - the terminal summary of `readyaudit score`. */
#include <string.h>

#include "format/format.h"
#include "base/number.h"

enum { WIDTH = 100 };

/* ANSI colours, used only when the caller asks. */
typedef struct {
    bool on;
} colors_t;

static const char *paint(const colors_t *c, const char *code)
{
    return c->on ? code : "";
}

#define RESET "\033[0m"
#define BOLD "\033[1m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define DIM "\033[2m"

/* Number of code points in a UTF-8 string (its width on a terminal, near enough). */
static size_t u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += (*s & 0xC0) != 0x80;
    return n;
}

/* Prints at most cols code points of s, ending with "…" when cut. */
static void put_clipped(FILE *f, const char *s, size_t cols)
{
    const unsigned char *p = (const unsigned char *)s;
    if (u8len(s) <= cols) {
        fputs(s, f);
        return;
    }
    size_t k = 0;
    for (; *p; p++) {
        if ((*p & 0xC0) != 0x80 && ++k > cols - 1)
            break;
        putc(*p, f);
    }
    fputs("\xE2\x80\xA6", f);
}

/* Prints text word-wrapped to cols columns, every line after the first
 * indented by indent spaces (the first is assumed to be there already). */
static void put_wrapped(FILE *f, const char *text, size_t indent, size_t cols)
{
    size_t used = 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        ra_buf_t word = RA_BUF_INIT;
        ra_buf_append(&word, p, n);
        size_t w = u8len(ra_buf_str(&word));
        if (used && used + 1 + w > cols) {
            fprintf(f, "\n%*s", (int)indent, "");
            used = 0;
        } else if (used) {
            putc(' ', f);
            used++;
        }
        put_clipped(f, ra_buf_str(&word), cols);
        used += w;
        ra_buf_free(&word);
        p += n;
        while (*p == ' ')
            p++;
    }
}

/* Prints s clipped and padded to exactly cols columns. */
static void put_cell(FILE *f, const char *s, size_t cols)
{
    put_clipped(f, s, cols);
    for (size_t n = u8len(s); n < cols; n++)
        putc(' ', f);
}

static const char *verdict_color(ra_verdict_t v)
{
    return v == RA_VERDICT_READY ? GREEN : v == RA_VERDICT_CONDITIONAL ? YELLOW : RED;
}

static void print_header(FILE *f, const ra_score_t *s, const colors_t *c)
{
    const ra_record_t *r = s->record;
    char date[11], sc[16];
    ra_date_format(r->assessed_on, date);
    ra_score_format(s->has_score, s->score, sc);
    fprintf(f, "%s", paint(c, BOLD));
    put_clipped(f, r->system_name, 60);
    fprintf(f, "%s  ", paint(c, RESET));
    put_clipped(f, r->organisation, 36);
    ra_buf_t line = RA_BUF_INIT;
    ra_buf_printf(&line, "Record %s, assessed %s", r->id, date);
    putc('\n', f);
    put_clipped(f, ra_buf_str(&line), WIDTH);
    ra_buf_clear(&line);
    ra_buf_printf(&line, "Profile %s, checklist %s %s", s->profile->id, s->checklist->id,
                  s->checklist->version);
    putc('\n', f);
    put_clipped(f, ra_buf_str(&line), WIDTH);
    fputs("\n\n", f);
    ra_buf_free(&line);
    fprintf(f, "  Score     %s%s / 100%s", paint(c, BOLD), sc, paint(c, RESET));
    if (*s->band)
        fprintf(f, "  (%s)", s->band);
    fprintf(f, "   ready at %g, conditional at %g\n", s->profile->ready, s->profile->conditional);
    fprintf(f, "  Verdict   %s%s%s\n", paint(c, verdict_color(s->verdict)),
            ra_verdict_label(s->verdict), paint(c, RESET));
    fprintf(f, "            ");
    put_wrapped(f, ra_buf_str(&s->verdict_reason), 12, WIDTH - 12);
    fprintf(f, "\n  Sign-off  %s%s%s", paint(c, s->signoff == RA_SIGNOFF_SIGNED ? GREEN : YELLOW),
            ra_signoff_label(s->signoff), paint(c, RESET));
    size_t missing = 0;
    for (size_t i = 0; i < s->nroles; i++)
        if (s->roles[i].state != RA_ROLE_MET)
            fprintf(f, "%s%s %s", missing++ ? ", " : "  (", s->roles[i].role->id,
                    ra_role_state_name(s->roles[i].state));
    fprintf(f, "%s\n", missing ? ")" : "");
    fprintf(f,
            "  Checks    %zu applicable: %zu pass, %zu partial, %zu fail, %zu not applicable, "
            "%zu not assessed\n",
            s->applicable, s->counts.pass, s->counts.partial, s->counts.fail,
            s->counts.not_applicable, s->counts.not_assessed);
}

static void print_gates(FILE *f, const ra_score_t *s, const colors_t *c)
{
    if (!s->gates)
        return;
    fprintf(f, "\nGates (%zu of %zu pass)\n", s->gates_passed, s->gates);
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (!cs->applicable || !cs->check->gate)
            continue;
        bool ok = cs->credit == 1;
        fprintf(f, "  %s%-4s%s  ", paint(c, ok ? GREEN : RED), ok ? "PASS" : "FAIL",
                paint(c, RESET));
        put_cell(f, cs->check->id, 8);
        putc(' ', f);
        put_clipped(f, cs->check->title, WIDTH - 17);
        putc('\n', f);
    }
}

static void print_layers(FILE *f, const ra_score_t *s)
{
    fprintf(f, "\n  %-28s %6s %7s %8s %5s\n", "Layer", "Weight", "Score", "Checks", "Gaps");
    for (size_t l = 0; l < s->nlayers; l++) {
        const ra_layer_score_t *ls = &s->layers[l];
        char sc[16], w[32];
        ra_score_format(ls->has_score, ls->score, sc);
        ra_number_shortest(ls->weight, w);
        fprintf(f, "  ");
        put_cell(f, ls->layer->name, 28);
        fprintf(f, " %6s %7s %8zu %5zu\n", w, sc, ls->applicable, ls->gaps);
    }
}

static void print_gaps(FILE *f, const ra_score_t *s, const colors_t *c)
{
    enum { TOP = 10 };
    size_t idx[TOP];
    size_t n = ra_score_gaps_by_priority(s, idx, TOP);
    if (!n) {
        fprintf(f, "\nNo gaps.\n");
        return;
    }
    fprintf(f, "\nTop gaps (%zu of %zu)\n", n, s->gaps);
    for (size_t i = 0; i < n; i++) {
        const ra_check_score_t *cs = &s->checks[idx[i]];
        const char *st = cs->unevidenced ? "unevid." : ra_result_status_name(cs->status);
        fprintf(f, "  ");
        put_cell(f, cs->check->id, 8);
        fprintf(f, " %-12s w%d%s ", st, cs->check->weight, cs->check->gate ? "G" : " ");
        put_cell(f, cs->check->title, 43);
        putc(' ', f);
        /* An acceptance that does not cover the gap is said whatever the plan. */
        bool void_risk = !cs->risk_accepted && cs->result && cs->result->risk;
        if (void_risk)
            fprintf(f, "%s%s%s%s", paint(c, RED), cs->remediation ? "void" : "acceptance void",
                    paint(c, RESET), cs->remediation ? ", " : "");
        if (cs->risk_accepted)
            fprintf(f, "risk accepted");
        else if (cs->remediation) {
            char due[11];
            ra_date_format(cs->result->remediation->due, due);
            fprintf(f, "due %s%s%s", due, cs->overdue ? paint(c, RED) : "",
                    cs->overdue ? " OVERDUE" : "");
            fprintf(f, "%s", cs->overdue ? paint(c, RESET) : "");
        } else if (!void_risk)
            fprintf(f, "%sno plan%s", paint(c, DIM), paint(c, RESET));
        putc('\n', f);
    }
}

/* The findings of the governance rules, each under its rule's name. */
static void print_findings(FILE *f, const ra_score_t *s, const colors_t *c)
{
    if (!s->nfindings)
        return;
    fprintf(f, "\nFindings (%zu)\n", s->nfindings);
    for (size_t i = 0; i < s->nfindings; i++) {
        const ra_finding_t *fd = &s->findings[i];
        fprintf(f, "  %s%s%s\n    ", paint(c, YELLOW), ra_rule_name(fd->rule), paint(c, RESET));
        put_wrapped(f, ra_buf_str(&fd->text), 4, WIDTH - 4);
        putc('\n', f);
    }
}

/* The fields of the record whose characters the font chain cannot draw. */
static void print_text_warnings(FILE *f, const ra_score_t *s, const colors_t *c)
{
    const ra_record_t *r = s->record;
    if (!r->ntext_warnings)
        return;
    fprintf(f, "\nText the fonts cannot draw (%zu field%s)\n", r->ntext_warnings,
            r->ntext_warnings == 1 ? "" : "s");
    for (size_t i = 0; i < r->ntext_warnings; i++) {
        const ra_text_warning_t *w = &r->text_warnings[i];
        fprintf(f, "  %sline %ld%s  %s:", paint(c, YELLOW), w->line, paint(c, RESET), w->field);
        for (size_t k = 0; k < w->ncps && k < RA_TEXT_CPS_MAX; k++)
            fprintf(f, " U+%04X", (unsigned)w->cps[k]);
        if (w->ncps > RA_TEXT_CPS_MAX)
            fprintf(f, " and %zu more", w->ncps - RA_TEXT_CPS_MAX);
        putc('\n', f);
    }
}

ra_status_t ra_format_text(FILE *f, const ra_score_t *s, bool color)
{
    unsigned long buf_failures = ra_buf_failures(); /* see base/buf.h */
    colors_t c = {color};
    print_header(f, s, &c);
    print_gates(f, s, &c);
    print_layers(f, s);
    print_gaps(f, s, &c);
    print_findings(f, s, &c);
    print_text_warnings(f, s, &c);
    if (ra_buf_failures() != buf_failures)
        return RA_ERR_NOMEM;
    return ferror(f) ? RA_ERR_IO : RA_OK;
}
