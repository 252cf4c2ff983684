/* manifest.c - manifest rows (jansson objects behind an opaque type), CSV and
 * JSON writing and reading, and merging. */
#include "pack/manifest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/number.h"
#include "base/hash.h"
#include "base/io.h"
#include "base/vec.h"
#include "base/version.h"
#include "model/load.h"

const char *const ra_manifest_columns[] = {
    "id",           "system",  "organisation",  "profile", "score",         "band",
    "verdict",      "signoff", "gaps",          "overdue", "expired_risks", "input",
    "input_sha256", "output",  "output_sha256", "status",  "error",         "tool",
};
const size_t ra_manifest_ncolumns = sizeof ra_manifest_columns / sizeof *ra_manifest_columns;

struct ra_manifest_row {
    json_t *obj;
    const char *file; /* the manifest it was read from (borrowed), or NULL */
    long line;        /* and the line its row starts on */
};

struct ra_manifest_rows {
    ra_manifest_row_t **v;
    size_t n, cap;
};

/* Wraps a JSON object as a row (taking the reference); NULL when it is not one. */
static ra_manifest_row_t *row_wrap(json_t *obj)
{
    ra_manifest_row_t *row = json_is_object(obj) ? malloc(sizeof *row) : NULL;
    if (!row) {
        json_decref(obj);
        return NULL;
    }
    row->obj = obj;
    row->file = NULL;
    row->line = 0;
    return row;
}

/* Sets key to v (taking it) and notes a failure in *bad: jansson returns
 * NULL or -1 when memory runs out, and a row missing a field would say
 * something else than what happened. */
static void put(json_t *obj, const char *key, json_t *v, int *bad)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        *bad = 1;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

ra_manifest_row_t *ra_manifest_row_new(const ra_manifest_entry_t *e)
{
    json_t *row = json_object();
    if (!row)
        return NULL;
    const ra_record_t *rec = e->record;
    const ra_score_t *s = e->score;
    bool scored = s && s->has_score;
    char hex[65];
    int bad = 0;
    put(row, "id", str_or_null(rec ? rec->id : NULL), &bad);
    put(row, "system", str_or_null(rec ? rec->system_name : NULL), &bad);
    put(row, "organisation", str_or_null(rec ? rec->organisation : NULL), &bad);
    put(row, "profile", str_or_null(s ? s->profile->id : NULL), &bad);
    put(row, "score", scored ? json_real(s->score) : json_null(), &bad);
    put(row, "band", str_or_null(scored ? s->band : NULL), &bad);
    put(row, "verdict", str_or_null(s ? ra_verdict_name(s->verdict) : NULL), &bad);
    put(row, "signoff", str_or_null(s ? ra_signoff_name(s->signoff) : NULL), &bad);
    put(row, "gaps", s ? json_integer((json_int_t)s->gaps) : json_null(), &bad);
    put(row, "overdue", s ? json_integer((json_int_t)s->overdue) : json_null(), &bad);
    put(row, "expired_risks", s ? json_integer((json_int_t)s->risks_expired) : json_null(), &bad);
    put(row, "input", json_string(e->input), &bad);
    if (rec)
        ra_hex(rec->sha256, 32, hex);
    put(row, "input_sha256", str_or_null(rec ? hex : NULL), &bad);
    put(row, "output", str_or_null(e->output), &bad);
    if (e->output)
        ra_hex(e->output_sha256, 32, hex);
    put(row, "output_sha256", str_or_null(e->output ? hex : NULL), &bad);
    const char *status = e->status != RA_OK ? "failed" : e->skipped ? "skipped" : "done";
    put(row, "status", json_string(status), &bad);
    const char *error = e->error ? e->error : "";
    put(row, "error",
        json_string(e->status != RA_OK ? (*error ? error : ra_strerror(e->status)) : ""), &bad);
    /* Which readyaudit made the row: merge joins rows of one version only. */
    put(row, "tool", json_string(RA_TOOL), &bad);
    /* Per-layer scores for the portfolio heat map. */
    if (s) {
        json_t *layers = json_object();
        for (size_t l = 0; layers && l < s->nlayers; l++)
            put(layers, s->layers[l].layer->id,
                s->layers[l].has_score ? json_real(s->layers[l].score) : json_null(), &bad);
        put(row, "layers", layers, &bad);
        json_t *gaps = json_array();
        for (size_t i = 0; gaps && i < s->nchecks; i++)
            if (s->checks[i].gap &&
                json_array_append_new(gaps, json_string(s->checks[i].check->id)) != 0)
                bad = 1;
        put(row, "gap_checks", gaps, &bad);
    }
    if (bad) {
        json_decref(row);
        return NULL;
    }
    return row_wrap(row);
}

void ra_manifest_row_free(ra_manifest_row_t *row)
{
    if (!row)
        return;
    json_decref(row->obj);
    free(row);
}

char *ra_manifest_row_encode(const ra_manifest_row_t *row)
{
    return json_dumps(row->obj, JSON_COMPACT);
}

ra_manifest_row_t *ra_manifest_row_decode(const char *text)
{
    return row_wrap(json_loads(text, 0, NULL));
}

const char *ra_manifest_row_str(const ra_manifest_row_t *row, const char *column)
{
    return json_string_value(json_object_get(row->obj, column));
}

/* A JSON value as a number: false, and 0, when it is not one. */
static bool number(const json_t *v, double *out)
{
    *out = json_number_value(v);
    return json_is_number(v);
}

bool ra_manifest_row_number(const ra_manifest_row_t *row, const char *column, double *out)
{
    return number(json_object_get(row->obj, column), out);
}

long long ra_manifest_row_int(const ra_manifest_row_t *row, const char *column)
{
    return (long long)json_integer_value(json_object_get(row->obj, column));
}

bool ra_manifest_row_layer(const ra_manifest_row_t *row, const char *layer, double *out)
{
    return number(json_object_get(json_object_get(row->obj, "layers"), layer), out);
}

const char *ra_manifest_row_layer_at(const ra_manifest_row_t *row, size_t i, double *out, bool *has)
{
    const char *key;
    json_t *v;
    size_t k = 0;
    json_object_foreach(json_object_get(row->obj, "layers"), key, v)
    {
        if (k++ == i) {
            *has = number(v, out);
            return key;
        }
    }
    *out = 0;
    *has = false;
    return NULL;
}

size_t ra_manifest_row_ngaps(const ra_manifest_row_t *row)
{
    return json_array_size(json_object_get(row->obj, "gap_checks"));
}

const char *ra_manifest_row_gap(const ra_manifest_row_t *row, size_t i)
{
    return json_string_value(json_array_get(json_object_get(row->obj, "gap_checks"), i));
}

ra_status_t ra_manifest_row_fail(ra_manifest_row_t *row, const char *msg)
{
    int bad = 0;
    put(row->obj, "output", json_null(), &bad);
    put(row->obj, "output_sha256", json_null(), &bad);
    put(row->obj, "error", json_string(msg), &bad);
    put(row->obj, "status", json_string("failed"), &bad);
    if (!bad)
        return RA_OK;
    /* Never a row that still says done: without its status, the manifest
     * shows the row with no status, and the caller says out of memory. */
    json_object_del(row->obj, "status");
    json_object_del(row->obj, "error");
    return RA_ERR_NOMEM;
}

ra_status_t ra_manifest_row_skip(ra_manifest_row_t *row)
{
    json_t *status = json_string("skipped"), *error = json_string("");
    if (!status || !error) {
        json_decref(status);
        json_decref(error);
        return RA_ERR_NOMEM;
    }
    int bad = 0;
    put(row->obj, "error", error, &bad);
    put(row->obj, "status", status, &bad);
    return bad ? RA_ERR_NOMEM : RA_OK;
}

void ra_manifest_row_drop_detail(ra_manifest_row_t *row)
{
    json_object_del(row->obj, "layers");
    json_object_del(row->obj, "gap_checks");
}

ra_manifest_rows_t *ra_manifest_rows_new(void)
{
    return calloc(1, sizeof(ra_manifest_rows_t));
}

void ra_manifest_rows_free(ra_manifest_rows_t *rows)
{
    if (!rows)
        return;
    for (size_t i = 0; i < rows->n; i++)
        ra_manifest_row_free(rows->v[i]);
    free(rows->v);
    free(rows);
}

size_t ra_manifest_rows_count(const ra_manifest_rows_t *rows)
{
    return rows->n;
}

ra_manifest_row_t *ra_manifest_rows_get(const ra_manifest_rows_t *rows, size_t i)
{
    return i < rows->n ? rows->v[i] : NULL;
}

/* Appends a JSON object read from file at line to rows (taking the reference). */
static ra_status_t rows_add(ra_manifest_rows_t *rows, json_t *obj, const char *file, long line)
{
    if (RA_VEC_RESERVE(rows->v, rows->n, rows->cap, 64) != RA_OK) {
        json_decref(obj);
        return RA_ERR_NOMEM;
    }
    ra_manifest_row_t *row = row_wrap(obj);
    if (!row)
        return RA_ERR_NOMEM;
    row->file = file;
    row->line = line;
    rows->v[rows->n++] = row;
    return RA_OK;
}

/* Is v a row of a manifest: an object whose every column is there and is a
 * string, a number or null? Says what is wrong at file:line otherwise. */
static bool row_valid(const json_t *v, size_t index, const char *file, long line,
                      ra_diag_sink_t *sink)
{
    if (!json_is_object(v)) {
        ra_diag(sink, RA_DIAG_ERROR, file, line, "row %zu is not an object", index + 1);
        return false;
    }
    for (size_t c = 0; c < ra_manifest_ncolumns; c++) {
        const json_t *x = json_object_get(v, ra_manifest_columns[c]);
        if (!x && strcmp(ra_manifest_columns[c], "tool") == 0)
            continue; /* a row that does not say is refused by merge, with its version check */
        if (!x) {
            ra_diag(sink, RA_DIAG_ERROR, file, line, "row %zu has no column '%s'", index + 1,
                    ra_manifest_columns[c]);
            return false;
        }
        if (!json_is_string(x) && !json_is_number(x) && !json_is_null(x)) {
            ra_diag(sink, RA_DIAG_ERROR, file, line,
                    "row %zu: column '%s' is not a string, a number or null", index + 1,
                    ra_manifest_columns[c]);
            return false;
        }
    }
    return true;
}

/* The line of each element of the top-level JSON array in text (lines[i]
 * for element i, at most n), found by skipping strings and nesting. */
static void json_element_lines(const char *text, size_t len, long *lines, size_t n)
{
    long line = 1;
    int depth = 0;
    bool in_string = false, want = false;
    size_t k = 0;
    for (size_t i = 0; i < len && k < n; i++) {
        char c = text[i];
        if (c == '\n')
            line++;
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (want && depth == 1 && c != ']') {
            lines[k++] = line;
            want = false;
        }
        if (c == '"')
            in_string = true;
        else if (c == '[' || c == '{') {
            if (++depth == 1)
                want = true;
        } else if (c == ']' || c == '}')
            depth--;
        else if (c == ',' && depth == 1)
            want = true;
    }
}

/* Is s a plain decimal number, as a CSV manifest read back holds its
 * numeric columns ("-1", "88.25")? */
static bool plain_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return !*s;
}

/* One field of a CSV row, RFC 4180 quoted when needed. A text that a
 * spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a
 * carriage return) is prefixed with ' as OWASP advises; plain numbers are
 * kept as they are. Text that starts with ' already is not prefixed again,
 * so merging a merged manifest keeps it. */
static void csv_put(ra_buf_t *b, const char *s)
{
    bool formula = *s && strchr("=+-@\t\r", *s) && !plain_number(s);
    if (!strpbrk(s, ",\"\r\n")) {
        if (formula)
            ra_buf_putc(b, '\'');
        ra_buf_puts(b, s);
        return;
    }
    ra_buf_putc(b, '"');
    if (formula)
        ra_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            ra_buf_putc(b, '"');
        ra_buf_putc(b, *s);
    }
    ra_buf_putc(b, '"');
}

/* A JSON scalar as CSV text: strings as they are, numbers shortest exact, null empty. */
static void csv_value(ra_buf_t *b, const json_t *v)
{
    char num[32];
    if (json_is_string(v))
        csv_put(b, json_string_value(v));
    else if (json_is_integer(v))
        ra_buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) {
        ra_number_shortest(json_real_value(v), num);
        ra_buf_puts(b, num);
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

struct ra_manifest_writer {
    ra_out_t *out;
    bool json;
    size_t n;
    ra_buf_t text; /* the row being written */
};

ra_status_t ra_manifest_writer_new(const char *path, ra_diag_sink_t *sink,
                                   ra_manifest_writer_t **out)
{
    *out = NULL;
    ra_manifest_writer_t *w = calloc(1, sizeof *w);
    if (!w)
        return RA_ERR_NOMEM;
    w->json = ends_with(path, ".json");
    w->text = (ra_buf_t)RA_BUF_INIT;
    ra_status_t st = ra_out_open(path, sink, &w->out);
    if (st == RA_OK && !w->json) {
        for (size_t c = 0; c < ra_manifest_ncolumns; c++)
            ra_buf_printf(&w->text, "%s%s", c ? "," : "", ra_manifest_columns[c]);
        ra_buf_puts(&w->text, "\r\n");
        st = ra_buf_failed(&w->text) ? RA_ERR_NOMEM
                                     : ra_out_write(w->out, w->text.data, w->text.len);
    }
    if (st != RA_OK) {
        ra_manifest_writer_free(w);
        return st;
    }
    *out = w;
    return RA_OK;
}

/* The row's columns as one JSON object, indented as an element of the
 * manifest's array: what json_dumps of the whole array gives. */
static ra_status_t json_row(ra_buf_t *b, const ra_manifest_row_t *r)
{
    json_t *row = json_object();
    int bad = !row;
    for (size_t c = 0; row && c < ra_manifest_ncolumns; c++) {
        json_t *v = r ? json_object_get(r->obj, ra_manifest_columns[c]) : NULL;
        put(row, ra_manifest_columns[c], json_incref(v ? v : json_null()), &bad);
    }
    char *text =
        bad ? NULL
            : json_dumps(row, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(row);
    if (!text)
        return RA_ERR_NOMEM;
    /* JSON strings hold no raw line break: each one starts a line to indent. */
    ra_buf_puts(b, "  ");
    for (const char *p = text; *p; p++) {
        ra_buf_putc(b, *p);
        if (*p == '\n')
            ra_buf_puts(b, "  ");
    }
    free(text);
    return ra_buf_failed(b) ? RA_ERR_NOMEM : RA_OK;
}

ra_status_t ra_manifest_writer_add(ra_manifest_writer_t *w, const ra_manifest_row_t *row)
{
    ra_buf_clear(&w->text);
    ra_status_t st = RA_OK;
    if (w->json) {
        ra_buf_puts(&w->text, w->n ? ",\n" : "[\n");
        st = json_row(&w->text, row);
    } else {
        for (size_t c = 0; c < ra_manifest_ncolumns; c++) {
            if (c)
                ra_buf_putc(&w->text, ',');
            if (row)
                csv_value(&w->text, json_object_get(row->obj, ra_manifest_columns[c]));
        }
        ra_buf_puts(&w->text, "\r\n");
    }
    if (st == RA_OK && ra_buf_failed(&w->text))
        st = RA_ERR_NOMEM;
    if (st == RA_OK)
        st = ra_out_write(w->out, w->text.data, w->text.len);
    if (st == RA_OK)
        w->n++;
    return st;
}

ra_status_t ra_manifest_writer_commit(ra_manifest_writer_t *w)
{
    ra_status_t st = RA_OK;
    if (w->json) {
        const char *end = w->n ? "\n]\n" : "[]\n";
        st = ra_out_write(w->out, end, strlen(end));
    }
    if (st == RA_OK) {
        st = ra_out_commit(w->out);
        w->out = NULL;
    }
    ra_manifest_writer_free(w);
    return st;
}

void ra_manifest_writer_free(ra_manifest_writer_t *w)
{
    if (!w)
        return;
    ra_out_discard(w->out);
    ra_buf_free(&w->text);
    free(w);
}

ra_status_t ra_manifest_write(const char *path, ra_manifest_row_t *const *rows, size_t n,
                              ra_diag_sink_t *sink)
{
    ra_manifest_writer_t *w = NULL;
    ra_status_t st = ra_manifest_writer_new(path, sink, &w);
    for (size_t i = 0; i < n && st == RA_OK; i++)
        st = ra_manifest_writer_add(w, rows[i]);
    if (st == RA_OK)
        return ra_manifest_writer_commit(w);
    ra_manifest_writer_free(w);
    return st;
}

/* Splits one CSV record starting at *p into fields (RFC 4180); advances *p. */
static size_t csv_record(const char **p, ra_buf_t *fields, size_t max)
{
    size_t n = 0;
    const char *s = *p;
    while (n < max) {
        ra_buf_clear(&fields[n]);
        if (*s == '"') {
            for (s++; *s; s++) {
                if (*s == '"' && s[1] == '"')
                    ra_buf_putc(&fields[n], *s++);
                else if (*s == '"') {
                    s++;
                    break;
                } else
                    ra_buf_putc(&fields[n], *s);
            }
        } else
            while (*s && *s != ',' && *s != '\r' && *s != '\n')
                ra_buf_putc(&fields[n], *s++);
        n++;
        if (*s == ',') {
            s++;
            continue;
        }
        break;
    }
    while (*s == '\r' || *s == '\n')
        s++;
    *p = s;
    return n;
}

ra_status_t ra_manifest_read(const char *path, ra_manifest_rows_t *rows, ra_diag_sink_t *sink)
{
    ra_buf_t data = RA_BUF_INIT;
    ra_status_t st = ra_read_file(path, RA_MAX_FILE_BYTES * 4, &data, sink);
    if (st != RA_OK)
        goto done;
    if (ends_with(path, ".json")) {
        json_error_t err;
        json_t *arr = json_loadb(ra_buf_str(&data), data.len, 0, &err);
        if (!json_is_array(arr)) {
            ra_diag(sink, RA_DIAG_ERROR, path, err.line > 0 ? err.line : 0, "not a manifest: %s",
                    arr ? "expected a JSON array" : err.text);
            st = RA_ERR_INVALID;
        } else {
            size_t n = json_array_size(arr);
            long *lines = calloc(n ? n : 1, sizeof *lines);
            if (!lines)
                st = RA_ERR_NOMEM;
            else
                json_element_lines(ra_buf_str(&data), data.len, lines, n);
            for (size_t i = 0; i < n && st == RA_OK; i++) {
                json_t *v = json_array_get(arr, i);
                if (!row_valid(v, i, path, lines[i], sink))
                    st = RA_ERR_INVALID;
                else
                    st = rows_add(rows, json_incref(v), path, lines[i]);
            }
            free(lines);
        }
        json_decref(arr);
        goto done;
    }
    ra_buf_t fields[32] = {RA_BUF_INIT};
    const char *p = ra_buf_str(&data);
    size_t nh = csv_record(&p, fields, 32);
    if (nh == ra_manifest_ncolumns - 1 && strcmp(ra_buf_str(&fields[0]), "id") == 0 &&
        strcmp(ra_buf_str(&fields[nh - 1]), "error") == 0) {
        /* The columns of a manifest from before rows said who made them. */
        ra_diag(sink, RA_DIAG_ERROR, path, 1,
                "no 'tool' column: the manifest does not say which readyaudit made its rows");
        st = RA_ERR_INVALID;
    } else if (nh != ra_manifest_ncolumns || strcmp(ra_buf_str(&fields[0]), "id") != 0) {
        ra_diag(sink, RA_DIAG_ERROR, path, 1, "not a readyaudit manifest (unexpected header)");
        st = RA_ERR_INVALID;
    }
    /* A row's line is where it starts: quoted fields may hold line breaks. */
    long line = 1;
    for (const char *q = ra_buf_str(&data); q < p; q++)
        line += *q == '\n';
    while (st == RA_OK && *p) {
        const char *start = p;
        size_t n = csv_record(&p, fields, 32);
        if (n != ra_manifest_ncolumns) {
            ra_diag(sink, RA_DIAG_ERROR, path, line, "row has %zu fields, expected %zu", n,
                    ra_manifest_ncolumns);
            st = RA_ERR_INVALID;
            break;
        }
        json_t *row = json_object();
        int bad = !row;
        for (size_t c = 0; row && c < n; c++)
            put(row, ra_manifest_columns[c], json_string(ra_buf_str(&fields[c])), &bad);
        if (bad) {
            json_decref(row);
            st = RA_ERR_NOMEM;
            break;
        }
        st = rows_add(rows, row, path, line);
        for (const char *q = start; q < p; q++)
            line += *q == '\n';
    }
    for (size_t i = 0; i < 32; i++)
        ra_buf_free(&fields[i]);
done:
    ra_buf_free(&data);
    return st;
}

/* A row's id for the duplicate check, and where it was read. */
typedef struct {
    const char *id;
    size_t index;
} id_ref_t;

static int cmp_id_ref(const void *a, const void *b)
{
    const id_ref_t *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Refuses rows that share a record id (a record merged from two shards, or
 * two records with one id): each later one is an error at its FILE:LINE
 * naming the first. Rows without an id (records that did not load) are
 * not compared. */
static ra_status_t check_unique_ids(const ra_manifest_rows_t *rows, ra_diag_sink_t *sink)
{
    id_ref_t *refs = malloc((rows->n ? rows->n : 1) * sizeof *refs);
    if (!refs)
        return RA_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < rows->n; i++) {
        const char *id = ra_manifest_row_str(rows->v[i], "id");
        if (id && *id)
            refs[k++] = (id_ref_t){id, i};
    }
    qsort(refs, k, sizeof *refs, cmp_id_ref);
    ra_status_t st = RA_OK;
    for (size_t i = 1, first = 0; i < k; i++) {
        if (strcmp(refs[i].id, refs[first].id) != 0) {
            first = i;
            continue;
        }
        const ra_manifest_row_t *a = rows->v[refs[first].index], *b = rows->v[refs[i].index];
        ra_diag(sink, RA_DIAG_ERROR, b->file, b->line,
                "record id '%s' is also in the row at %s:%ld; a record may appear once", refs[i].id,
                a->file ? a->file : "?", a->line);
        st = RA_ERR_INVALID;
    }
    free(refs);
    return st;
}

/* Refuses rows that do not say which readyaudit made them, and rows of a
 * version other than the first row's: the first such row of each manifest
 * is an error at its FILE:LINE. */
static ra_status_t check_one_version(const ra_manifest_rows_t *rows, ra_diag_sink_t *sink)
{
    const ra_manifest_row_t *ref = NULL;
    for (size_t i = 0; i < rows->n && !ref; i++) {
        const char *t = ra_manifest_row_str(rows->v[i], "tool");
        if (t && *t)
            ref = rows->v[i];
    }
    const char *want = ref ? ra_manifest_row_str(ref, "tool") : NULL;
    const char *reported = NULL; /* the manifest whose first bad row was named */
    ra_status_t st = RA_OK;
    for (size_t i = 0; i < rows->n; i++) {
        const ra_manifest_row_t *r = rows->v[i];
        const char *t = ra_manifest_row_str(r, "tool");
        bool none = !t || !*t;
        if ((!none && strcmp(t, want) == 0) || (reported && r->file == reported))
            continue;
        if (none)
            ra_diag(sink, RA_DIAG_ERROR, r->file, r->line,
                    "the row does not say which readyaudit made it (no 'tool')");
        else
            ra_diag(sink, RA_DIAG_ERROR, r->file, r->line,
                    "the row was made by '%s', the row at %s:%ld by '%s'; manifests of "
                    "different readyaudit versions are not merged",
                    t, ref->file ? ref->file : "?", ref->line, want);
        reported = r->file;
        st = RA_ERR_INVALID;
    }
    return st;
}

ra_status_t ra_manifest_merge(const char *const *paths, size_t n, const char *out, size_t *count,
                              ra_diag_sink_t *sink)
{
    ra_manifest_rows_t *rows = ra_manifest_rows_new();
    ra_status_t st = rows ? RA_OK : RA_ERR_NOMEM;
    for (size_t i = 0; i < n && st == RA_OK; i++)
        st = ra_manifest_read(paths[i], rows, sink);
    if (st == RA_OK)
        st = check_one_version(rows, sink);
    if (st == RA_OK)
        st = check_unique_ids(rows, sink);
    if (st == RA_OK) {
        /* Sorted by input path, stably, so merging shards in any order gives the same file. */
        ra_manifest_row_t **v = rows->v;
        for (size_t i = 1; i < rows->n; i++)
            for (size_t k = i; k > 0; k--) {
                const char *a = ra_manifest_row_str(v[k - 1], "input");
                const char *b = ra_manifest_row_str(v[k], "input");
                if (strcmp(a ? a : "", b ? b : "") <= 0)
                    break;
                ra_manifest_row_t *t = v[k - 1];
                v[k - 1] = v[k];
                v[k] = t;
            }
        st = ra_manifest_write(out, v, rows->n, sink);
        *count = rows->n;
    }
    ra_manifest_rows_free(rows);
    return st;
}
