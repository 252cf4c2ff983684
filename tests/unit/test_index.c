/* test_index.c - the pack index: rows stored and read back by position and
 * by input, with the stat of their reports; runs that replace and drop
 * rows; another key hiding a row; the manifest written from it; files that
 * are not an index. Rows come from tests/fixtures/mini-ready.xml scored
 * through the pipeline and from a failed input. */
#include "testutil.h"

#include <unistd.h>

#include "base/io.h"
#include "pack/index.h"
#include "pipeline/pipeline.h"

typedef struct {
    fixture_t *f;
    ra_env_t env;
    ra_pipeline_result_t res;
    ra_manifest_row_t *ok, *bad;
    char dir[32];
    ra_buf_t path;
} idx_fixture_t;

static int idx_setup(void **state)
{
    void *fs = NULL;
    if (fixture_setup(&fs) != 0)
        return -1;
    idx_fixture_t *m = calloc(1, sizeof *m);
    m->f = fs;
    m->env = (ra_env_t){.datadir = ".", .sink = &m->f->cap.sink, .loader = m->f->loader};
    ra_pipeline_input_t in = {.checklist = m->f->cl,
                              .record_path = "tests/fixtures/mini-ready.xml"};
    if (ra_pipeline_score(&m->env, &in, &m->res) != RA_OK)
        return -1;
    unsigned char sha[32];
    memset(sha, 0xcd, sizeof sha);
    ra_manifest_entry_t ok = {.input = "in/ready.xml",
                              .record = m->res.record,
                              .score = m->res.score,
                              .output = "pack/MINI-READY.pdf",
                              .output_sha256 = sha,
                              .status = RA_OK,
                              .error = ""};
    ra_manifest_entry_t bad = {.input = "in/bad.xml", .status = RA_ERR_INVALID, .error = "boom"};
    m->ok = ra_manifest_row_new(&ok);
    m->bad = ra_manifest_row_new(&bad);
    snprintf(m->dir, sizeof m->dir, "/tmp/ra-test-XXXXXX");
    if (!m->ok || !m->bad || !mkdtemp(m->dir))
        return -1;
    *state = m;
    return 0;
}

static int idx_teardown(void **state)
{
    idx_fixture_t *m = *state;
    void *fs = m->f;
    const char *names[] = {"p.sqlite", "p.sqlite-wal", "p.sqlite-shm", "m.csv", "x.sqlite"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        ra_buf_clear(&m->path);
        ra_buf_printf(&m->path, "%s/%s", m->dir, names[i]);
        unlink(ra_buf_str(&m->path));
    }
    rmdir(m->dir);
    ra_manifest_row_free(m->ok);
    ra_manifest_row_free(m->bad);
    ra_pipeline_result_free(&m->res);
    ra_buf_free(&m->path);
    free(m);
    return fixture_teardown(&fs);
}

static const char *file(idx_fixture_t *m, const char *name)
{
    ra_buf_clear(&m->path);
    ra_buf_printf(&m->path, "%s/%s", m->dir, name);
    return ra_buf_str(&m->path);
}

/* Counts the rows ra_index_each gives, and keeps their inputs in order. */
typedef struct {
    size_t n;
    ra_buf_t inputs;
} seen_t;

static ra_status_t see(void *ctx, const ra_manifest_row_t *row)
{
    seen_t *s = ctx;
    s->n++;
    ra_buf_printf(&s->inputs, "%s;", ra_manifest_row_str(row, "input"));
    return RA_OK;
}

/* Rows go in by position and come back in input order, by position and by
 * input (with the stat they were stored with); the next run sees the earlier
 * rows by input only, and its end drops those it did not store again. */
static void test_runs(void **state)
{
    idx_fixture_t *m = *state;
    const char *path = file(m, "p.sqlite");
    ra_index_t *idx = NULL;
    assert_int_equal(ra_index_open(path, "key-1", &m->f->cap.sink, &idx), RA_OK);
    ra_index_stat_t st = {123, 4000000001LL, 4000000002LL, 77, 3}, got = {0};
    assert_int_equal(ra_index_put(idx, 1, m->ok, &st, false), RA_OK);
    assert_int_equal(ra_index_put(idx, 0, m->bad, NULL, false), RA_OK);
    seen_t seen = {0, RA_BUF_INIT};
    assert_int_equal(ra_index_each(idx, see, &seen), RA_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(ra_buf_str(&seen.inputs), "in/bad.xml;in/ready.xml;");
    ra_manifest_row_t *row = NULL;
    assert_int_equal(ra_index_get(idx, 1, &row), RA_OK);
    assert_non_null(row);
    assert_string_equal(ra_manifest_row_str(row, "id"), "MINI-READY");
    double score;
    bool has;
    assert_non_null(ra_manifest_row_layer_at(row, 0, &score, &has));
    ra_manifest_row_free(row);
    bool has_stat = false;
    assert_int_equal(ra_index_find(idx, "in/ready.xml", &row, &got, &has_stat), RA_OK);
    assert_non_null(row);
    assert_true(has_stat);
    assert_true(got.size == 123 && got.mtime_ns == 4000000001LL && got.ctime_ns == 4000000002LL &&
                got.ino == 77 && got.dev == 3);
    ra_manifest_row_free(row);
    assert_int_equal(ra_index_find(idx, "in/bad.xml", &row, &got, &has_stat), RA_OK);
    assert_non_null(row);
    assert_false(has_stat);
    ra_manifest_row_free(row);
    assert_int_equal(ra_index_end_run(idx), RA_OK);
    ra_index_free(idx);

    /* Run 2 stores the good input only: the failed one leaves at its end. */
    assert_int_equal(ra_index_open(path, "key-1", &m->f->cap.sink, &idx), RA_OK);
    assert_int_equal(ra_index_get(idx, 1, &row), RA_OK);
    assert_null(row);
    assert_int_equal(ra_index_find(idx, "in/ready.xml", &row, &got, &has_stat), RA_OK);
    assert_non_null(row);
    ra_manifest_row_free(row);
    assert_int_equal(ra_index_put(idx, 0, m->ok, &st, true), RA_OK);
    assert_int_equal(ra_index_end_run(idx), RA_OK);
    seen.n = 0;
    ra_buf_clear(&seen.inputs);
    assert_int_equal(ra_index_each(idx, see, &seen), RA_OK);
    assert_string_equal(ra_buf_str(&seen.inputs), "in/ready.xml;");
    assert_int_equal(ra_index_find(idx, "in/bad.xml", &row, &got, &has_stat), RA_OK);
    assert_null(row);
    /* The manifest from the index, row by row. */
    assert_int_equal(ra_index_write_manifest(idx, file(m, "m.csv"), &m->f->cap.sink), RA_OK);
    ra_buf_t text = RA_BUF_INIT;
    assert_int_equal(ra_read_file(file(m, "m.csv"), 1 << 20, &text, &m->f->cap.sink), RA_OK);
    assert_non_null(strstr(ra_buf_str(&text), "\r\nMINI-READY,"));
    assert_non_null(strstr(ra_buf_str(&text), ",in/ready.xml,"));
    assert_null(strstr(ra_buf_str(&text), "in/bad.xml"));
    ra_buf_free(&text);
    ra_index_free(idx);

    /* Made from other inputs (another key), a row is not offered. */
    assert_int_equal(ra_index_open(file(m, "p.sqlite"), "key-2", &m->f->cap.sink, &idx), RA_OK);
    assert_int_equal(ra_index_find(idx, "in/ready.xml", &row, &got, &has_stat), RA_OK);
    assert_null(row);
    ra_index_free(idx);
    ra_buf_free(&seen.inputs);
    assert_string_equal(ra_buf_str(&m->f->cap.text), "");
}

/* A file that is not an index is refused, with its name, and left alone. */
static void test_not_an_index(void **state)
{
    idx_fixture_t *m = *state;
    const char *path = file(m, "x.sqlite");
    ra_diag_sink_t quiet = {0};
    assert_int_equal(ra_write_atomic(path, "some notes\n", 11, &quiet), RA_OK);
    capture_reset(&m->f->cap);
    ra_index_t *idx = NULL;
    assert_int_equal(ra_index_open(path, "k", &m->f->cap.sink, &idx), RA_ERR_IO);
    assert_null(idx);
    assert_string_equal(ra_buf_str(&m->f->cap.text),
                        "0: error: is not a readyaudit pack index: not replaced\n");
    ra_buf_t text = RA_BUF_INIT;
    assert_int_equal(ra_read_file(path, 100, &text, &quiet), RA_OK);
    assert_string_equal(ra_buf_str(&text), "some notes\n");
    ra_buf_free(&text);
    capture_reset(&m->f->cap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs),
        cmocka_unit_test(test_not_an_index),
    };
    return cmocka_run_group_tests(tests, idx_setup, idx_teardown);
}
