/* fuzz_report.c - libFuzzer target: records that load are laid out and
 * rendered to memory, exercising the layout engine and the PDF backend with
 * arbitrary text. Run from the repository root. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/load.h"
#include "report/report.h"
#include "score/score.h"

static ra_loader_t *loader;
static ra_checklist_t *checklist;
static ra_template_t *tmpl;
static ra_diag_sink_t sink;

static void setup(void)
{
    if (ra_loader_new(".", &sink, &loader) != RA_OK ||
        ra_load_checklist(loader, "templates/llmops-readiness.xml", &checklist) != RA_OK ||
        ra_load_template(loader, "templates/default-report.xml", &tmpl) != RA_OK) {
        fprintf(stderr, "fuzz_report: run from the repository root\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loader)
        setup();
    ra_record_t *rec = NULL;
    ra_score_t *s = NULL;
    long p;
    if (ra_load_record_mem(loader, "fuzz.xml", (const char *)data, size, &rec) == RA_OK &&
        ra_record_check(checklist, rec, &sink) == RA_OK &&
        (p = ra_checklist_find_profile(checklist, rec->profile)) >= 0 &&
        ra_score_compute(checklist, rec, (size_t)p, &s) == RA_OK) {
        ra_report_input_t in = {.checklist = checklist,
                                .record = rec,
                                .score = s,
                                .tmpl = tmpl,
                                .created = 0,
                                .sink = &sink};
        ra_buf_t pdf = RA_BUF_INIT;
        /* A valid record must always render. */
        if (ra_report_render(&in, &pdf) != RA_OK)
            abort();
        ra_buf_free(&pdf);
    }
    ra_score_free(s);
    ra_record_free(rec);
    sink.errors = sink.warnings = sink.suppressed = 0;
    return 0;
}
