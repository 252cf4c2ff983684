/* test_manifest.c - manifest rows written as CSV and JSON and read back,
 * CSV quoting, and what merging refuses. Rows come from a record scored
 * through the pipeline (tests/fixtures/mini-ready.xml) and a failed input. */
#include "testutil.h"

#include <unistd.h>

#include "base/io.h"
#include "base/version.h"
#include "pack/manifest.h"
#include "pipeline/pipeline.h"

typedef struct {
    fixture_t *f;
    ra_env_t env;
    ra_pipeline_result_t res;
    ra_manifest_row_t *rows[2];
    char dir[32];
    ra_buf_t path;
} man_t;

#define NASTY "bad, \"quoted\"\nsecond line"

static int man_setup(void **state)
{
    void *fs = NULL;
    if (fixture_setup(&fs) != 0)
        return -1;
    man_t *m = calloc(1, sizeof *m);
    m->f = fs;
    m->env = (ra_env_t){.datadir = ".", .sink = &m->f->cap.sink, .loader = m->f->loader};
    ra_pipeline_input_t in = {.checklist = m->f->cl,
                              .record_path = "tests/fixtures/mini-ready.xml"};
    if (ra_pipeline_score(&m->env, &in, &m->res) != RA_OK)
        return -1;
    unsigned char sha[32];
    memset(sha, 0xab, sizeof sha);
    ra_manifest_entry_t ok = {.input = "in/ready.xml",
                              .record = m->res.record,
                              .score = m->res.score,
                              .output = "pack/MINI-READY.pdf",
                              .output_sha256 = sha,
                              .status = RA_OK,
                              .error = ""};
    ra_manifest_entry_t bad = {.input = "in/a,b.xml", .status = RA_ERR_INVALID, .error = NASTY};
    m->rows[0] = ra_manifest_row_new(&ok);
    m->rows[1] = ra_manifest_row_new(&bad);
    snprintf(m->dir, sizeof m->dir, "/tmp/ra-test-XXXXXX");
    if (!m->rows[0] || !m->rows[1] || !mkdtemp(m->dir))
        return -1;
    *state = m;
    return 0;
}

static int man_teardown(void **state)
{
    man_t *m = *state;
    void *fs = m->f;
    const char *names[] = {"m.csv",   "m.json", "bad.csv", "short.csv", "obj.json",
                           "out.csv", "a.csv",  "b.csv",   "old.csv"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        ra_buf_clear(&m->path);
        ra_buf_printf(&m->path, "%s/%s", m->dir, names[i]);
        unlink(ra_buf_str(&m->path));
    }
    rmdir(m->dir);
    ra_manifest_row_free(m->rows[0]);
    ra_manifest_row_free(m->rows[1]);
    ra_pipeline_result_free(&m->res);
    ra_buf_free(&m->path);
    free(m);
    return fixture_teardown(&fs);
}

/* m->dir/name, in m->path. */
static const char *file(man_t *m, const char *name)
{
    ra_buf_clear(&m->path);
    ra_buf_printf(&m->path, "%s/%s", m->dir, name);
    return ra_buf_str(&m->path);
}

static void write_text(const char *path, const char *text)
{
    ra_diag_sink_t quiet = {0};
    assert_int_equal(ra_write_atomic(path, text, strlen(text), &quiet), RA_OK);
}

/* The rows as built: the record's values, and the failed input's error. */
static void test_rows(void **state)
{
    man_t *m = *state;
    const ra_manifest_row_t *r = m->rows[0];
    assert_string_equal(ra_manifest_row_str(r, "id"), "MINI-READY");
    assert_string_equal(ra_manifest_row_str(r, "verdict"), "ready");
    assert_string_equal(ra_manifest_row_str(r, "signoff"), "signed-off");
    assert_string_equal(ra_manifest_row_str(r, "status"), "done");
    assert_string_equal(ra_manifest_row_str(r, "tool"), RA_TOOL);
    assert_string_equal(ra_manifest_row_str(r, "output_sha256"),
                        "abababababababababababababababababababababababababababababababab");
    double score = 0;
    assert_true(ra_manifest_row_number(r, "score", &score));
    assert_true(score == m->res.score->score);
    assert_int_equal(ra_manifest_row_int(r, "gaps"), (long long)m->res.score->gaps);
    /* What the portfolio needs (the system key as ra_record_system_key makes it), by hand from
     * mini-ready.xml (profile basic): alpha (A-1 w3 pass, A-2 w1 fail) 3/4, beta (B-1, B-2 pass)
     * 100, gamma has no basic check; A-2 is the gap, its acceptance unexpired. */
    assert_string_equal(ra_manifest_row_str(r, "system_key"), "name:example ltd\tready bot");
    assert_string_equal(ra_manifest_row_str(r, "assessed_on"), "2026-06-15");
    assert_string_equal(ra_manifest_row_str(r, "layer_scores"), "alpha=75 beta=100");
    assert_string_equal(ra_manifest_row_str(r, "gap_checks"), "A-2");
    assert_string_equal(ra_manifest_row_str(r, "not_applicable"), "");
    assert_string_equal(ra_manifest_row_str(r, "overdue_owners"), "");
    assert_string_equal(ra_manifest_row_str(r, "expired_owners"), "");
    double layer = 0;
    assert_true(ra_manifest_row_layer(r, "alpha", &layer));
    assert_true(layer == 75);
    assert_false(ra_manifest_row_layer(r, "gamma", &layer));
    assert_false(ra_manifest_row_layer(r, "alph", &layer));
    const ra_manifest_row_t *b = m->rows[1];
    assert_string_equal(ra_manifest_row_str(b, "status"), "failed");
    assert_string_equal(ra_manifest_row_str(b, "error"), NASTY);
    assert_null(ra_manifest_row_str(b, "id"));
    assert_null(ra_manifest_row_str(b, "system_key"));
    assert_null(ra_manifest_row_str(b, "layer_scores"));
    assert_string_equal(ra_manifest_row_str(b, "tool"), RA_TOOL);
    assert_false(ra_manifest_row_number(b, "score", &score));
    assert_true(score == 0);
    /* A row survives the worker-to-parent encoding unchanged. */
    char *text = ra_manifest_row_encode(r);
    ra_manifest_row_t *back = ra_manifest_row_decode(text);
    char *again = ra_manifest_row_encode(back);
    assert_string_equal(text, again);
    free(text);
    free(again);
    ra_manifest_row_free(back);
    assert_null(ra_manifest_row_decode("[1, 2]"));
    assert_null(ra_manifest_row_decode("not json"));
}

/* CSV: RFC 4180 quoting of a field with a comma, a quote and a newline, and
 * every column read back as the text written. */
static void test_csv_round_trip(void **state)
{
    man_t *m = *state;
    const char *path = file(m, "m.csv");
    assert_int_equal(ra_manifest_write(path, m->rows, 2, &m->f->cap.sink), RA_OK);
    ra_buf_t text = RA_BUF_INIT;
    assert_int_equal(ra_read_file(path, 1 << 20, &text, &m->f->cap.sink), RA_OK);
    assert_non_null(strstr(ra_buf_str(&text),
                           ",\"in/a,b.xml\",,,,failed,"
                           "\"bad, \"\"quoted\"\"\nsecond line\"," RA_TOOL ",,,,,,,,\r\n"));
    const char *header = "id,system,organisation,profile,score,band,verdict,signoff,gaps,overdue,"
                         "expired_risks,input,input_sha256,output,output_sha256,status,error,"
                         "tool,system_key,assessed_on,layer_scores,gap_checks,not_applicable,"
                         "overdue_owners,expired_owners,warnings\r\n";
    assert_int_equal(strncmp(ra_buf_str(&text), header, strlen(header)), 0);
    ra_buf_free(&text);

    ra_manifest_rows_t *rows = ra_manifest_rows_new();
    assert_int_equal(ra_manifest_read(path, rows, &m->f->cap.sink), RA_OK);
    assert_int_equal(ra_manifest_rows_count(rows), 2);
    const ra_manifest_row_t *r = ra_manifest_rows_get(rows, 0);
    assert_string_equal(ra_manifest_row_str(r, "id"), "MINI-READY");
    assert_string_equal(ra_manifest_row_str(r, "system"), "Ready bot");
    assert_string_equal(ra_manifest_row_str(r, "score"), "91.66666666666667");
    assert_string_equal(ra_manifest_row_str(r, "output"), "pack/MINI-READY.pdf");
    const ra_manifest_row_t *b = ra_manifest_rows_get(rows, 1);
    assert_string_equal(ra_manifest_row_str(b, "input"), "in/a,b.xml");
    assert_string_equal(ra_manifest_row_str(b, "error"), NASTY);
    assert_string_equal(ra_manifest_row_str(b, "id"), "");
    assert_null(ra_manifest_rows_get(rows, 2));
    ra_manifest_rows_free(rows);
}

/* JSON: values read back with their types. */
static void test_json_round_trip(void **state)
{
    man_t *m = *state;
    const char *path = file(m, "m.json");
    assert_int_equal(ra_manifest_write(path, m->rows, 2, &m->f->cap.sink), RA_OK);
    ra_manifest_rows_t *rows = ra_manifest_rows_new();
    assert_int_equal(ra_manifest_read(path, rows, &m->f->cap.sink), RA_OK);
    assert_int_equal(ra_manifest_rows_count(rows), 2);
    const ra_manifest_row_t *r = ra_manifest_rows_get(rows, 0);
    for (size_t c = 0; c < ra_manifest_ncolumns; c++) {
        const char *want = ra_manifest_row_str(m->rows[0], ra_manifest_columns[c]);
        const char *got = ra_manifest_row_str(r, ra_manifest_columns[c]);
        if (want)
            assert_string_equal(got, want);
        else
            assert_null(got);
    }
    double score = 0;
    assert_true(ra_manifest_row_number(r, "score", &score));
    assert_true(score == m->res.score->score); /* 17 digits: exact */
    assert_int_equal(ra_manifest_row_int(r, "gaps"), (long long)m->res.score->gaps);
    assert_string_equal(ra_manifest_row_str(ra_manifest_rows_get(rows, 1), "error"), NASTY);
    /* The portfolio's detail columns read back as they were written. */
    double x = 0, y = 0;
    const char *layer = m->res.score->layers[0].layer->id;
    assert_true(ra_manifest_row_layer(r, layer, &x));
    assert_true(ra_manifest_row_layer(m->rows[0], layer, &y));
    assert_true(x == y && x == m->res.score->layers[0].score);
    assert_false(ra_manifest_row_layer(r, "no-such-layer", &x));
    ra_manifest_rows_free(rows);
}

/* What merge refuses: a foreign header, a short row, JSON that is not an
 * array; and what it does: rows of all manifests, sorted by input. */
static void test_merge(void **state)
{
    man_t *m = *state;
    size_t n = 0;
    char in[64], out[64];
    snprintf(out, sizeof out, "%s", file(m, "out.csv"));
    capture_reset(&m->f->cap);
    snprintf(in, sizeof in, "%s", file(m, "bad.csv"));
    write_text(in, "name,score\r\nx,1\r\n");
    const char *paths[] = {in};
    assert_int_equal(ra_manifest_merge(paths, 1, out, &n, &m->f->cap.sink), RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&m->f->cap.text),
                        "1: error: not a readyaudit manifest (unexpected header)\n");
    assert_int_equal(access(out, F_OK), -1);

    capture_reset(&m->f->cap);
    snprintf(in, sizeof in, "%s", file(m, "short.csv"));
    assert_int_equal(ra_manifest_write(in, m->rows, 1, &m->f->cap.sink), RA_OK);
    FILE *f = fopen(in, "a");
    assert_non_null(f);
    fputs("only,three,fields\r\n", f);
    fclose(f);
    assert_int_equal(ra_manifest_merge(paths, 1, out, &n, &m->f->cap.sink), RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&m->f->cap.text), "3: error: row has 3 fields, expected 26\n");

    capture_reset(&m->f->cap);
    snprintf(in, sizeof in, "%s", file(m, "obj.json"));
    write_text(in, "{\"id\": 1}\n");
    assert_int_equal(ra_manifest_merge(paths, 1, out, &n, &m->f->cap.sink), RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&m->f->cap.text),
                        "0: error: not a manifest: expected a JSON array\n");
    assert_int_equal(access(out, F_OK), -1);

    /* Two shards given in reverse order: the merge is sorted by input. */
    ra_manifest_row_t *first[] = {m->rows[1]}, *second[] = {m->rows[0]};
    char a[64], b[64];
    snprintf(a, sizeof a, "%s", file(m, "a.csv"));
    snprintf(b, sizeof b, "%s", file(m, "b.csv"));
    assert_int_equal(ra_manifest_write(a, first, 1, &m->f->cap.sink), RA_OK);
    assert_int_equal(ra_manifest_write(b, second, 1, &m->f->cap.sink), RA_OK);
    const char *shards[] = {b, a};
    assert_int_equal(ra_manifest_merge(shards, 2, out, &n, &m->f->cap.sink), RA_OK);
    assert_int_equal(n, 2);
    ra_manifest_rows_t *rows = ra_manifest_rows_new();
    assert_int_equal(ra_manifest_read(out, rows, &m->f->cap.sink), RA_OK);
    assert_int_equal(ra_manifest_rows_count(rows), 2);
    assert_string_equal(ra_manifest_row_str(ra_manifest_rows_get(rows, 0), "input"), "in/a,b.xml");
    assert_string_equal(ra_manifest_row_str(ra_manifest_rows_get(rows, 1), "input"),
                        "in/ready.xml");
    ra_manifest_rows_free(rows);
}

/* Merge joins the rows of one readyaudit version only: a manifest of the
 * old columns (no tool), a row without a tool, and rows of two versions are
 * refused at their FILE:LINE. */
static void test_merge_versions(void **state)
{
    man_t *m = *state;
    size_t n = 0;
    char a[64], b[64], out[64];
    snprintf(out, sizeof out, "%s", file(m, "out.csv"));
    unlink(out); /* test_merge made it */
    snprintf(a, sizeof a, "%s", file(m, "a.csv"));
    snprintf(b, sizeof b, "%s", file(m, "old.csv"));
    const char *old_header = "id,system,organisation,profile,score,band,verdict,signoff,gaps,"
                             "overdue,expired_risks,input,input_sha256,output,output_sha256,"
                             "status,error\r\n";
    ra_buf_t t = RA_BUF_INIT;
    ra_buf_printf(&t, "%sX,,,,,,,,,,,in/x.xml,,,,failed,bad\r\n", old_header);
    write_text(b, ra_buf_str(&t));
    const char *olds[] = {b};
    capture_reset(&m->f->cap);
    assert_int_equal(ra_manifest_merge(olds, 1, out, &n, &m->f->cap.sink), RA_ERR_INVALID);
    assert_string_equal(
        ra_buf_str(&m->f->cap.text),
        "1: error: no 'tool' column: the manifest does not say which readyaudit made its rows\n");

    ra_manifest_row_t *first[] = {m->rows[0]};
    assert_int_equal(ra_manifest_write(a, first, 1, &m->f->cap.sink), RA_OK);
    snprintf(b, sizeof b, "%s", file(m, "b.csv"));
    const char *pair[] = {a, b};
    const char *tools[] = {"", "readyaudit 0.0.9"};
    ra_buf_t mixed = RA_BUF_INIT;
    ra_buf_printf(&mixed,
                  "2: error: the row was made by 'readyaudit 0.0.9', the row at %s:2 by '" RA_TOOL
                  "'; manifests of different readyaudit versions are not merged\n",
                  a);
    const char *want[] = {"2: error: the row does not say which readyaudit made it (no 'tool')\n",
                          ra_buf_str(&mixed)};
    for (size_t i = 0; i < 2; i++) {
        ra_buf_clear(&t);
        ra_buf_printf(&t, "%s,tool\r\nY,,,,,,,,,,,in/y.xml,,,,failed,bad,%s\r\n",
                      "id,system,organisation,profile,score,band,verdict,signoff,gaps,overdue,"
                      "expired_risks,input,input_sha256,output,output_sha256,status,error",
                      tools[i]);
        write_text(b, ra_buf_str(&t));
        capture_reset(&m->f->cap);
        assert_int_equal(ra_manifest_merge(pair, 2, out, &n, &m->f->cap.sink), RA_ERR_INVALID);
        assert_string_equal(ra_buf_str(&m->f->cap.text), want[i]);
        assert_int_equal(access(out, F_OK), -1);
    }
    ra_buf_free(&t);
    ra_buf_free(&mixed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_merge_versions),
    };
    return cmocka_run_group_tests(tests, man_setup, man_teardown);
}
