/* testutil.h - shared fixtures for the cmocka unit tests: a capturing
 * diagnostic sink, whole files read, and records built from XML fragments.
 * Header-only: each test program includes it once. */
#ifndef RA_TESTUTIL_H
#define RA_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/io.h"
#include "model/load.h"
#include "score/score.h"

/* A sink that keeps every diagnostic as "LINE: severity: message\n". */
typedef struct {
    ra_diag_sink_t sink;
    ra_buf_t text;
} capture_t;

__attribute__((unused)) static void capture_fn(void *ctx, const ra_diag_t *d)
{
    capture_t *c = ctx;
    ra_buf_printf(&c->text, "%ld: %s: %s\n", d->line, ra_severity_name(d->severity), d->message);
}

__attribute__((unused)) static void capture_init(capture_t *c)
{
    memset(c, 0, sizeof *c);
    c->sink.fn = capture_fn;
    c->sink.ctx = c;
}

__attribute__((unused)) static void capture_reset(capture_t *c)
{
    ra_buf_clear(&c->text);
    c->sink.errors = c->sink.warnings = c->sink.suppressed = 0;
}

/* Appends the whole file at path to b; the test fails, saying why, when it
 * cannot. */
__attribute__((unused)) static void read_whole(const char *path, ra_buf_t *b)
{
    capture_t c;
    capture_init(&c);
    if (ra_read_file(path, SIZE_MAX, b, &c.sink) != RA_OK)
        fail_msg("%s: %s", path, ra_buf_str(&c.text));
    ra_buf_free(&c.text);
}

/* Builds an assessment record around the given results and sign-off XML
 * (assessed on 2026-06-01) for checklist id/version and profile. */
__attribute__((unused)) static void build_record(ra_buf_t *b, const char *checklist,
                                                 const char *version, const char *profile,
                                                 const char *results, const char *signoff)
{
    ra_buf_clear(b);
    ra_buf_printf(b,
                  "<?xml version=\"1.0\"?>\n"
                  "<assessment xmlns=\"urn:readyaudit:assessment:1\" id=\"T-1\" checklist=\"%s\"\n"
                  "  checklist-version=\"%s\" profile=\"%s\">\n"
                  "<system><name>Test system</name><organisation>Org</organisation></system>\n"
                  "<assessed-on>2026-06-01</assessed-on>\n"
                  "<assessors><assessor name=\"A\" role=\"lead\"/></assessors>\n"
                  "<results>\n%s</results>\n<sign-off>%s</sign-off>\n</assessment>\n",
                  checklist, version, profile, results, signoff);
}

/* What every test over the mini checklist holds: the loader and checklist,
 * and the record under test with its XML and score. */
typedef struct {
    capture_t cap;
    ra_loader_t *loader;
    ra_checklist_t *cl;
    ra_record_t *rec;
    ra_score_t *score;
    ra_buf_t xml;
} fixture_t;

/* cmocka group set-up: loads tests/fixtures/mini-checklist.xml. */
__attribute__((unused)) static int fixture_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    capture_init(&f->cap);
    if (ra_loader_new(".", &f->cap.sink, &f->loader) != RA_OK ||
        ra_load_checklist(f->loader, "tests/fixtures/mini-checklist.xml", &f->cl) != RA_OK) {
        fprintf(stderr, "%s", ra_buf_str(&f->cap.text));
        return -1;
    }
    *state = f;
    return 0;
}

__attribute__((unused)) static int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    ra_score_free(f->score);
    ra_record_free(f->rec);
    ra_checklist_free(f->cl);
    ra_loader_free(f->loader);
    ra_buf_free(&f->xml);
    ra_buf_free(&f->cap.text);
    free(f);
    return 0;
}

#endif
