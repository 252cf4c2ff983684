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
#include "model/load.h"

const char *const ra_manifest_columns[] = {
    "id",           "system",  "organisation",  "profile", "score",         "band",
    "verdict",      "signoff", "gaps",          "overdue", "expired_risks", "input",
    "input_sha256", "output",  "output_sha256", "status",  "error",
};
const size_t ra_manifest_ncolumns = sizeof ra_manifest_columns / sizeof *ra_manifest_columns;

struct ra_manifest_row {
    json_t *obj;
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
    return row;
}

ra_manifest_row_t *ra_manifest_row_new(const ra_manifest_entry_t *e)
{
    json_t *row = json_object();
    const ra_record_t *rec = e->record;
    const ra_score_t *s = e->score;
    char hex[65];
    json_object_set_new(row, "id", rec ? json_string(rec->id) : json_null());
    json_object_set_new(row, "system", rec ? json_string(rec->system_name) : json_null());
    json_object_set_new(row, "organisation", rec ? json_string(rec->organisation) : json_null());
    json_object_set_new(row, "profile", s ? json_string(s->profile->id) : json_null());
    json_object_set_new(row, "score", s && s->has_score ? json_real(s->score) : json_null());
    json_object_set_new(row, "band", s && s->has_score ? json_string(s->band) : json_null());
    json_object_set_new(row, "verdict", s ? json_string(ra_verdict_name(s->verdict)) : json_null());
    json_object_set_new(row, "signoff", s ? json_string(ra_signoff_name(s->signoff)) : json_null());
    json_object_set_new(row, "gaps", s ? json_integer((json_int_t)s->gaps) : json_null());
    json_object_set_new(row, "overdue", s ? json_integer((json_int_t)s->overdue) : json_null());
    json_object_set_new(row, "expired_risks",
                        s ? json_integer((json_int_t)s->risks_expired) : json_null());
    json_object_set_new(row, "input", json_string(e->input));
    if (rec)
        ra_hex(rec->sha256, 32, hex);
    json_object_set_new(row, "input_sha256", rec ? json_string(hex) : json_null());
    json_object_set_new(row, "output", e->output ? json_string(e->output) : json_null());
    if (e->output)
        ra_hex(e->output_sha256, 32, hex);
    json_object_set_new(row, "output_sha256", e->output ? json_string(hex) : json_null());
    const char *status = e->status != RA_OK ? "failed" : e->skipped ? "skipped" : "done";
    json_object_set_new(row, "status", json_string(status));
    const char *error = e->error ? e->error : "";
    json_object_set_new(
        row, "error",
        json_string(e->status != RA_OK ? (*error ? error : ra_strerror(e->status)) : ""));
    /* Per-layer scores for the portfolio heat map. */
    if (s) {
        json_t *layers = json_object();
        for (size_t l = 0; l < s->nlayers; l++)
            json_object_set_new(layers, s->layers[l].layer->id,
                                s->layers[l].has_score ? json_real(s->layers[l].score)
                                                       : json_null());
        json_object_set_new(row, "layers", layers);
        json_t *gaps = json_array();
        for (size_t i = 0; i < s->nchecks; i++)
            if (s->checks[i].gap)
                json_array_append_new(gaps, json_string(s->checks[i].check->id));
        json_object_set_new(row, "gap_checks", gaps);
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

size_t ra_manifest_row_ngaps(const ra_manifest_row_t *row)
{
    return json_array_size(json_object_get(row->obj, "gap_checks"));
}

const char *ra_manifest_row_gap(const ra_manifest_row_t *row, size_t i)
{
    return json_string_value(json_array_get(json_object_get(row->obj, "gap_checks"), i));
}

void ra_manifest_row_fail(ra_manifest_row_t *row, const char *msg)
{
    json_object_set_new(row->obj, "status", json_string("failed"));
    json_object_set_new(row->obj, "error", json_string(msg));
    json_object_set_new(row->obj, "output", json_null());
    json_object_set_new(row->obj, "output_sha256", json_null());
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

/* Appends a JSON object to rows (taking the reference). */
static ra_status_t rows_add(ra_manifest_rows_t *rows, json_t *obj)
{
    if (RA_VEC_RESERVE(rows->v, rows->n, rows->cap, 64) != RA_OK) {
        json_decref(obj);
        return RA_ERR_NOMEM;
    }
    /* A JSON manifest may hold anything; a row that is not an object reads as empty. */
    if (!json_is_object(obj)) {
        json_decref(obj);
        obj = json_object();
    }
    ra_manifest_row_t *row = row_wrap(obj);
    if (!row)
        return RA_ERR_NOMEM;
    rows->v[rows->n++] = row;
    return RA_OK;
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

ra_status_t ra_manifest_write(const char *path, ra_manifest_row_t *const *rows, size_t n,
                              ra_diag_sink_t *sink)
{
    ra_buf_t out = RA_BUF_INIT;
    if (ends_with(path, ".json")) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *row = json_object();
            for (size_t c = 0; c < ra_manifest_ncolumns; c++) {
                json_t *v = rows[i] ? json_object_get(rows[i]->obj, ra_manifest_columns[c]) : NULL;
                json_object_set(row, ra_manifest_columns[c], v ? v : json_null());
            }
            json_array_append_new(arr, row);
        }
        char *text =
            json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        json_decref(arr);
        if (text) {
            ra_buf_puts(&out, text);
            ra_buf_putc(&out, '\n');
        }
        free(text);
    } else {
        for (size_t c = 0; c < ra_manifest_ncolumns; c++)
            ra_buf_printf(&out, "%s%s", c ? "," : "", ra_manifest_columns[c]);
        ra_buf_puts(&out, "\r\n");
        for (size_t i = 0; i < n; i++) {
            for (size_t c = 0; c < ra_manifest_ncolumns; c++) {
                if (c)
                    ra_buf_putc(&out, ',');
                if (rows[i])
                    csv_value(&out, json_object_get(rows[i]->obj, ra_manifest_columns[c]));
            }
            ra_buf_puts(&out, "\r\n");
        }
    }
    ra_status_t st = out.data ? ra_write_atomic(path, out.data, out.len, sink) : RA_ERR_NOMEM;
    ra_buf_free(&out);
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
        } else
            for (size_t i = 0; i < json_array_size(arr) && st == RA_OK; i++)
                st = rows_add(rows, json_incref(json_array_get(arr, i)));
        json_decref(arr);
        goto done;
    }
    ra_buf_t fields[32] = {RA_BUF_INIT};
    const char *p = ra_buf_str(&data);
    size_t nh = csv_record(&p, fields, 32);
    if (nh != ra_manifest_ncolumns || strcmp(ra_buf_str(&fields[0]), "id") != 0) {
        ra_diag(sink, RA_DIAG_ERROR, path, 1, "not a readyaudit manifest (unexpected header)");
        st = RA_ERR_INVALID;
    }
    long line = 1;
    while (st == RA_OK && *p) {
        line++;
        size_t n = csv_record(&p, fields, 32);
        if (n != ra_manifest_ncolumns) {
            ra_diag(sink, RA_DIAG_ERROR, path, line, "row has %zu fields, expected %zu", n,
                    ra_manifest_ncolumns);
            st = RA_ERR_INVALID;
            break;
        }
        json_t *row = json_object();
        for (size_t c = 0; c < n; c++)
            json_object_set_new(row, ra_manifest_columns[c], json_string(ra_buf_str(&fields[c])));
        st = rows_add(rows, row);
    }
    for (size_t i = 0; i < 32; i++)
        ra_buf_free(&fields[i]);
done:
    ra_buf_free(&data);
    return st;
}

ra_status_t ra_manifest_merge(const char *const *paths, size_t n, const char *out, size_t *count,
                              ra_diag_sink_t *sink)
{
    ra_manifest_rows_t *rows = ra_manifest_rows_new();
    ra_status_t st = rows ? RA_OK : RA_ERR_NOMEM;
    for (size_t i = 0; i < n && st == RA_OK; i++)
        st = ra_manifest_read(paths[i], rows, sink);
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
