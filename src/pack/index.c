/* index.c - the pack index in SQLite: the rows of a batch streamed to disk
 * in small groups of transactions, read back one at a time for the manifest, and the
 * stat of each report for the up-to-date check. */
#include "pack/index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/version.h"
#include "pack/sqlite.h"

/* What a pack index says it is (table pack_meta, key 'format'). */
#define INDEX_FORMAT "readyaudit-pack-index 1"

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS pack_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS records("
    " input TEXT PRIMARY KEY, run INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " id TEXT, system TEXT, organisation TEXT, profile TEXT, score REAL, band TEXT,"
    " verdict TEXT, signoff TEXT, gaps INTEGER, overdue INTEGER, expired_risks INTEGER,"
    " input_sha256 TEXT, output TEXT, output_sha256 TEXT, status TEXT, error TEXT, tool TEXT,"
    " inputs_key TEXT, report_size INTEGER, report_mtime_ns INTEGER, report_ctime_ns INTEGER,"
    " report_ino INTEGER, report_dev INTEGER, row_json TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS records_run_seq ON records(run, seq);"
    "CREATE TABLE IF NOT EXISTS layer_scores(input TEXT NOT NULL, id TEXT, layer TEXT NOT NULL,"
    " score REAL, PRIMARY KEY(input, layer));"
    "CREATE TABLE IF NOT EXISTS gaps(input TEXT NOT NULL, id TEXT, check_id TEXT NOT NULL,"
    " PRIMARY KEY(input, check_id));";

/* The statements a run uses, prepared once. */
enum {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_PUT,
    S_DEL_LAYERS,
    S_DEL_GAPS,
    S_LAYER,
    S_GAP,
    S_FIND,
    S_GET,
    S_EACH,
    S_COUNT
};

static const char *const sql[S_COUNT] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "INSERT OR REPLACE INTO records VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
    "?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27)",
    "DELETE FROM layer_scores WHERE input = ?1",
    "DELETE FROM gaps WHERE input = ?1",
    "INSERT OR REPLACE INTO layer_scores VALUES(?1,?2,?3,?4)",
    "INSERT OR REPLACE INTO gaps VALUES(?1,?2,?3)",
    "SELECT row_json, report_size, report_mtime_ns, report_ctime_ns, report_ino, report_dev"
    " FROM records WHERE input = ?1 AND inputs_key = ?2 AND tool = ?3",
    "SELECT row_json FROM records WHERE run = ?1 AND seq = ?2",
    "SELECT row_json FROM records WHERE run = ?1 ORDER BY seq",
};

/* Rows are committed in groups: at most this many, or this old (ns). */
#define GROUP_ROWS 64
#define GROUP_NS 100000000LL

struct ra_index {
    sqlite3 *db;
    int pending;           /* rows stored since the open transaction began */
    long long group_start; /* when it began (CLOCK_MONOTONIC, ns) */
    sqlite3_stmt *st[S_COUNT];
    const char *path; /* for messages */
    char *key;
    long long run;
    ra_diag_sink_t *sink;
};

void ra_index_stat_from(const struct stat *sb, ra_index_stat_t *st)
{
    st->size = (long long)sb->st_size;
    st->mtime_ns = (long long)sb->st_mtim.tv_sec * 1000000000LL + sb->st_mtim.tv_nsec;
    st->ctime_ns = (long long)sb->st_ctim.tv_sec * 1000000000LL + sb->st_ctim.tv_nsec;
    st->ino = (long long)sb->st_ino;
    st->dev = (long long)sb->st_dev;
}

bool ra_index_stat(const char *path, ra_index_stat_t *st)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return false;
    ra_index_stat_from(&sb, st);
    return true;
}

bool ra_index_stat_same(const ra_index_stat_t *a, const ra_index_stat_t *b)
{
    return a->size == b->size && a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns &&
           a->ino == b->ino && a->dev == b->dev;
}

/* An SQLite result code as a status, saying what failed under the index's name. */
static ra_status_t fail(ra_index_t *idx, int rc)
{
    if ((rc & 0xff) == SQLITE_NOMEM || rc == SQLITE_IOERR_NOMEM)
        return RA_ERR_NOMEM;
    rc &= 0xff;
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
        ra_diag(idx->sink, RA_DIAG_ERROR, idx->path, 0,
                "is not a readyaudit pack index: not replaced");
        return RA_ERR_IO;
    }
    bool said = idx->db && (sqlite3_errcode(idx->db) & 0xff) == rc;
    ra_diag(idx->sink, RA_DIAG_ERROR, idx->path, 0, "pack index: %s",
            said ? sqlite3_errmsg(idx->db) : sqlite3_errstr(rc));
    return RA_ERR_IO;
}

/* Runs a prepared statement that returns no rows, and resets it. */
static int step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* Runs one statement given as text with no parameters. */
static int exec(ra_index_t *idx, const char *text)
{
    return sqlite3_exec(idx->db, text, NULL, NULL, NULL);
}

/* Checks that the database is a pack index (or empty, and makes it one)
 * and starts a run: the run number goes up by one. */
static ra_status_t start(ra_index_t *idx)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(idx->db, "SELECT count(*) FROM sqlite_master", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
        rc = SQLITE_OK;
    long long tables = rc == SQLITE_OK ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    s = NULL;
    if (rc != SQLITE_OK)
        return fail(idx, rc);
    if (tables > 0) {
        rc = sqlite3_prepare_v2(idx->db, "SELECT value FROM pack_meta WHERE key = 'format'", -1, &s,
                                NULL);
        bool ours = rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) &&
                    strcmp((const char *)sqlite3_column_text(s, 0), INDEX_FORMAT) == 0;
        sqlite3_finalize(s);
        s = NULL;
        if (rc == SQLITE_NOMEM)
            return RA_ERR_NOMEM;
        if (!ours) {
            ra_diag(idx->sink, RA_DIAG_ERROR, idx->path, 0,
                    "is an SQLite database but not a readyaudit pack index: not replaced");
            return RA_ERR_IO;
        }
    }
    if ((rc = exec(idx, "BEGIN IMMEDIATE")) != SQLITE_OK)
        return fail(idx, rc);
    rc = exec(idx, schema);
    if (rc == SQLITE_OK)
        rc = exec(idx, "INSERT OR IGNORE INTO pack_meta VALUES('format','" INDEX_FORMAT "');"
                       "INSERT OR IGNORE INTO pack_meta VALUES('run','0');"
                       "UPDATE pack_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'run'");
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(idx->db,
                                "SELECT CAST(value AS INTEGER) FROM pack_meta"
                                " WHERE key = 'run'",
                                -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s) == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(idx->db);
    if (rc == SQLITE_OK)
        idx->run = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc == SQLITE_OK)
        rc = exec(idx, "COMMIT");
    if (rc != SQLITE_OK) {
        exec(idx, "ROLLBACK");
        return fail(idx, rc);
    }
    for (int i = 0; i < S_COUNT; i++)
        if ((rc = sqlite3_prepare_v2(idx->db, sql[i], -1, &idx->st[i], NULL)) != SQLITE_OK)
            return fail(idx, rc);
    return RA_OK;
}

ra_status_t ra_index_open(const char *path, const char *inputs_key, ra_diag_sink_t *sink,
                          ra_index_t **out)
{
    *out = NULL;
    const char *name = path ? path : "the batch's temporary index";
    char why[300];
    if (ra_sqlite_load(why, sizeof why) != RA_OK) {
        ra_diag(sink, RA_DIAG_ERROR, name, 0, "pack index: %s", why);
        return RA_ERR_IO;
    }
    ra_index_t *idx = calloc(1, sizeof *idx);
    if (!idx || !(idx->key = strdup(inputs_key))) {
        free(idx);
        return RA_ERR_NOMEM;
    }
    idx->path = name;
    idx->sink = sink;
    /* A temporary index ("") lives in a file SQLite removes when it closes. */
    int rc =
        sqlite3_open_v2(path ? path : "", &idx->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    ra_status_t st = RA_OK;
    if (rc != SQLITE_OK)
        st = fail(idx, rc);
    /* Rows are committed in small groups (ra_index_put): in WAL mode a
     * commit is an append, and a batch killed at any moment leaves the rows
     * committed before it. A temporary index need not survive a crash. */
    if (st == RA_OK) {
        sqlite3_extended_result_codes(idx->db, 1);
        sqlite3_busy_timeout(idx->db, 5000);
        rc = exec(idx, path ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"
                            : "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
        if (rc != SQLITE_OK)
            st = fail(idx, rc);
    }
    if (st == RA_OK)
        st = start(idx);
    if (st != RA_OK) {
        ra_index_free(idx);
        return st;
    }
    *out = idx;
    return RA_OK;
}

static int commit_group(ra_index_t *idx);

void ra_index_free(ra_index_t *idx)
{
    if (!idx)
        return;
    if (idx->db)
        commit_group(idx); /* the rows of the reports put in place */
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(idx->st[i]);
    sqlite3_close(idx->db);
    free(idx->key);
    free(idx);
}

/* Binds a text column of the row, or NULL. */
static void bind_str(sqlite3_stmt *s, int at, const ra_manifest_row_t *row, const char *column)
{
    const char *v = ra_manifest_row_str(row, column);
    if (v)
        sqlite3_bind_text(s, at, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, at);
}

/* Binds a number column of the row (an integer when whole is set), or NULL. */
static void bind_num(sqlite3_stmt *s, int at, const ra_manifest_row_t *row, const char *column,
                     bool whole)
{
    double v;
    if (!ra_manifest_row_number(row, column, &v))
        sqlite3_bind_null(s, at);
    else if (whole)
        sqlite3_bind_int64(s, at, ra_manifest_row_int(row, column));
    else
        sqlite3_bind_double(s, at, v);
}

/* The statements of ra_index_put but the transaction around them. */
static int put_row(ra_index_t *idx, size_t seq, const ra_manifest_row_t *row, const char *text,
                   const ra_index_stat_t *stat, bool same_detail)
{
    const char *input = ra_manifest_row_str(row, "input");
    const char *id = ra_manifest_row_str(row, "id");
    sqlite3_stmt *s = idx->st[S_PUT];
    sqlite3_bind_text(s, 1, input ? input : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, idx->run);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)seq);
    /* The manifest's columns up to tool, input aside (it is column 1),
     * go to columns 4 to 20 of the table, in their order. */
    int at = 4;
    for (size_t c = 0; c < ra_manifest_ncolumns && at <= 20; c++) {
        const char *col = ra_manifest_columns[c];
        if (strcmp(col, "input") == 0)
            continue;
        if (strcmp(col, "score") == 0)
            bind_num(s, at, row, col, false);
        else if (strcmp(col, "gaps") == 0 || strcmp(col, "overdue") == 0 ||
                 strcmp(col, "expired_risks") == 0)
            bind_num(s, at, row, col, true);
        else
            bind_str(s, at, row, col);
        if (strcmp(col, "tool") == 0)
            break;
        at++;
    }
    sqlite3_bind_text(s, 21, idx->key, -1, SQLITE_STATIC);
    if (stat) {
        sqlite3_bind_int64(s, 22, stat->size);
        sqlite3_bind_int64(s, 23, stat->mtime_ns);
        sqlite3_bind_int64(s, 24, stat->ctime_ns);
        sqlite3_bind_int64(s, 25, stat->ino);
        sqlite3_bind_int64(s, 26, stat->dev);
    }
    sqlite3_bind_text(s, 27, text, -1, SQLITE_STATIC);
    int rc = step_done(s);
    if (same_detail)
        return rc; /* its layer scores and gaps are those stored */
    for (int k = S_DEL_LAYERS; rc == SQLITE_OK && k <= S_DEL_GAPS; k++) {
        sqlite3_bind_text(idx->st[k], 1, input ? input : "", -1, SQLITE_STATIC);
        rc = step_done(idx->st[k]);
    }
    const char *layer;
    double score;
    bool has;
    for (size_t i = 0; rc == SQLITE_OK && (layer = ra_manifest_row_layer_at(row, i, &score, &has));
         i++) {
        s = idx->st[S_LAYER];
        sqlite3_bind_text(s, 1, input ? input : "", -1, SQLITE_STATIC);
        if (id)
            sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, layer, -1, SQLITE_STATIC);
        if (has)
            sqlite3_bind_double(s, 4, score);
        rc = step_done(s);
    }
    const char *gap;
    size_t n;
    for (size_t i = 0; rc == SQLITE_OK && (n = ra_manifest_row_gap(row, i, &gap)); i++) {
        s = idx->st[S_GAP];
        sqlite3_bind_text(s, 1, input ? input : "", -1, SQLITE_STATIC);
        if (id)
            sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, gap, (int)n, SQLITE_STATIC);
        rc = step_done(s);
    }
    return rc;
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Commits the rows stored since the last commit. */
static int commit_group(ra_index_t *idx)
{
    if (!idx->pending)
        return SQLITE_OK;
    int rc = step_done(idx->st[S_COMMIT]);
    if (rc != SQLITE_OK && sqlite3_get_autocommit(idx->db) == 0)
        step_done(idx->st[S_ROLLBACK]);
    idx->pending = 0;
    return rc;
}

ra_status_t ra_index_put(ra_index_t *idx, size_t seq, const ra_manifest_row_t *row,
                         const ra_index_stat_t *stat, bool same_detail)
{
    char *text = ra_manifest_row_encode(row);
    if (!text)
        return RA_ERR_NOMEM;
    /* Rows go in groups of transactions: a commit per row made the index
     * the cost of a re-run. A batch killed before a commit loses only rows
     * whose reports a re-run finds current the full way. */
    int rc = SQLITE_OK;
    if (!idx->pending) {
        rc = step_done(idx->st[S_BEGIN]);
        idx->group_start = now_ns();
    }
    if (rc == SQLITE_OK) {
        idx->pending++;
        rc = put_row(idx, seq, row, text, stat, same_detail);
    }
    if (rc == SQLITE_OK && (idx->pending >= GROUP_ROWS || now_ns() - idx->group_start >= GROUP_NS))
        rc = commit_group(idx);
    if (rc != SQLITE_OK && sqlite3_get_autocommit(idx->db) == 0) {
        step_done(idx->st[S_ROLLBACK]);
        idx->pending = 0;
    }
    free(text);
    return rc == SQLITE_OK ? RA_OK : fail(idx, rc);
}

/* Decodes the row in column 0 of s; RA_ERR_NOMEM when it cannot be made. */
static ra_status_t column_row(ra_index_t *idx, sqlite3_stmt *s, ra_manifest_row_t **row)
{
    const char *text = (const char *)sqlite3_column_text(s, 0);
    if (!text)
        return sqlite3_errcode(idx->db) == SQLITE_NOMEM ? RA_ERR_NOMEM : RA_OK;
    *row = ra_manifest_row_decode(text);
    return *row ? RA_OK : RA_ERR_NOMEM;
}

ra_status_t ra_index_find(ra_index_t *idx, const char *input, ra_manifest_row_t **row,
                          ra_index_stat_t *stat, bool *has_stat)
{
    *row = NULL;
    *has_stat = false;
    sqlite3_stmt *s = idx->st[S_FIND];
    sqlite3_bind_text(s, 1, input, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, idx->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, RA_TOOL, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    ra_status_t st = RA_OK;
    if (rc == SQLITE_ROW) {
        st = column_row(idx, s, row);
        if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
            *has_stat = true;
            stat->size = sqlite3_column_int64(s, 1);
            stat->mtime_ns = sqlite3_column_int64(s, 2);
            stat->ctime_ns = sqlite3_column_int64(s, 3);
            stat->ino = sqlite3_column_int64(s, 4);
            stat->dev = sqlite3_column_int64(s, 5);
        }
    } else if (rc != SQLITE_DONE)
        st = fail(idx, rc);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return st;
}

ra_status_t ra_index_get(ra_index_t *idx, size_t seq, ra_manifest_row_t **row)
{
    *row = NULL;
    sqlite3_stmt *s = idx->st[S_GET];
    sqlite3_bind_int64(s, 1, idx->run);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
    int rc = sqlite3_step(s);
    ra_status_t st = rc == SQLITE_ROW    ? column_row(idx, s, row)
                     : rc == SQLITE_DONE ? RA_OK
                                         : fail(idx, rc);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return st;
}

ra_status_t ra_index_end_run(ra_index_t *idx)
{
    int rc = commit_group(idx);
    if (rc != SQLITE_OK)
        return fail(idx, rc);
    char text[400];
    snprintf(
        text, sizeof text,
        "BEGIN IMMEDIATE;"
        "DELETE FROM layer_scores WHERE input IN (SELECT input FROM records WHERE run <> %lld);"
        "DELETE FROM gaps WHERE input IN (SELECT input FROM records WHERE run <> %lld);"
        "DELETE FROM records WHERE run <> %lld;"
        "COMMIT",
        idx->run, idx->run, idx->run);
    rc = exec(idx, text);
    if (rc != SQLITE_OK) {
        if (sqlite3_get_autocommit(idx->db) == 0)
            exec(idx, "ROLLBACK");
        return fail(idx, rc);
    }
    return RA_OK;
}

ra_status_t ra_index_each(ra_index_t *idx, ra_index_fn fn, void *ctx)
{
    int rc = commit_group(idx);
    if (rc != SQLITE_OK)
        return fail(idx, rc);
    sqlite3_stmt *s = idx->st[S_EACH];
    sqlite3_bind_int64(s, 1, idx->run);
    ra_status_t st = RA_OK;
    while (st == RA_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        ra_manifest_row_t *row = NULL;
        st = column_row(idx, s, &row);
        if (st == RA_OK && row)
            st = fn(ctx, row);
        ra_manifest_row_free(row);
    }
    if (st == RA_OK && rc != SQLITE_DONE)
        st = fail(idx, rc);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return st;
}

static ra_status_t add_to_manifest(void *ctx, const ra_manifest_row_t *row)
{
    return ra_manifest_writer_add(ctx, row);
}

ra_status_t ra_index_write_manifest(ra_index_t *idx, const char *path, ra_diag_sink_t *sink)
{
    ra_manifest_writer_t *w = NULL;
    ra_status_t st = ra_manifest_writer_new(path, sink, &w);
    if (st == RA_OK)
        st = ra_index_each(idx, add_to_manifest, w);
    if (st == RA_OK)
        return ra_manifest_writer_commit(w);
    ra_manifest_writer_free(w);
    return st;
}
