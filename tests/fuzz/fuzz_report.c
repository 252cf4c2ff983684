/* fuzz_report.c - libFuzzer target: arbitrary bytes through the report
 * pipeline (ra_pipeline_score, ra_pipeline_render) in memory, exercising the layout engine and the
 * PDF backend with arbitrary text. Run from the repository root. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/load.h"
#include "pipeline/pipeline.h"

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
    ra_env_t env = {.datadir = ".", .epoch_set = true, .sink = &sink, .loader = loader};
    ra_pipeline_input_t in = {.checklist = checklist,
                              .tmpl = tmpl,
                              .record_path = "fuzz.xml",
                              .record_data = (const char *)data,
                              .record_len = size};
    ra_pipeline_result_t res = {0};
    /* A record that scores must always render. */
    if (ra_pipeline_score(&env, &in, &res) == RA_OK && ra_pipeline_render(&env, &in, &res) != RA_OK)
        abort();
    ra_pipeline_result_free(&res);
    sink.errors = sink.warnings = sink.suppressed = 0;
    return 0;
}
