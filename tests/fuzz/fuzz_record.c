/* fuzz_record.c - libFuzzer target: arbitrary bytes through record loading,
 * semantic checks, scoring and every score format. Run from the repository
 * root (schemas and the shipped checklist are read from there). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/format.h"
#include "model/load.h"
#include "score/score.h"

/* The loader and checklist are built once per process: libFuzzer calls the
 * target millions of times. */
static ra_loader_t *loader;
static ra_checklist_t *checklist;
static ra_diag_sink_t sink;
static FILE *devnull;

static void setup(void)
{
    devnull = fopen("/dev/null", "w");
    if (ra_loader_new(".", &sink, &loader) != RA_OK ||
        ra_load_checklist(loader, "templates/llmops-readiness.xml", &checklist) != RA_OK) {
        fprintf(stderr, "fuzz_record: run from the repository root\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loader)
        setup();
    ra_record_t *rec = NULL;
    /* The checked load reads and checks schema-invalid records too. */
    if (ra_load_record_checked_mem(loader, checklist, "fuzz.xml", (const char *)data, size, &rec) ==
        RA_OK) {
        for (size_t p = 0; p < checklist->nprofiles; p++) {
            ra_score_t *s = NULL;
            if (ra_score_compute(checklist, rec, p, &s) != RA_OK)
                abort();
            ra_format_text(devnull, s, p == 0);
            ra_format_json(devnull, s);
            ra_format_csv(devnull, s);
            ra_format_junit(devnull, s);
            ra_score_free(s);
        }
    }
    ra_record_free(rec);
    sink.errors = sink.warnings = sink.suppressed = 0;
    return 0;
}
