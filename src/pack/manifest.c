/* manifest.c - manifest rows (jansson objects behind an opaque type), CSV and
 * JSON writing and reading, and merging. */
#include "pack/manifest.h"

#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/number.h"
#include "base/hash.h"
#include "base/io.h"
#include "base/vec.h"
#include "base/version.h"
#include "base/text.h"
#include "model/load.h"

const char *const ra_manifest_columns[] = {
    "id",
    "system",
    "organisation",
    "profile",
    "score",
    "band",
    "verdict",
    "signoff",
    "gaps",
    "overdue",
    "expired_risks",
    "input",
    "input_sha256",
    "output",
    "output_sha256",
    "status",
    "error",
    "tool",
    /* Added after tool: rows of older versions lack them (merge refuses
     * those rows by their tool anyway). */
    "system_key",
    "assessed_on",
    "layer_scores",
    "gap_checks",
    "not_applicable",
    "overdue_owners",
    "expired_owners",
    "warnings",
};
const size_t ra_manifest_ncolumns = sizeof ra_manifest_columns / sizeof *ra_manifest_columns;

/* The index of "tool" in ra_manifest_columns: the columns after it are
 * newer, and rows of older versions may lack them. */
#define RA_MANIFEST_TOOL_COLUMN 17

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

/* A name in a ';'-separated list: its own ';' become ','. */
static void put_listed(ra_buf_t *b, const char *s)
{
    if (b->len)
        ra_buf_puts(b, "; ");
    for (s = s ? s : ""; *s; s++)
        ra_buf_putc(b, *s == ';' ? ',' : *s);
}

/* One detail column of a scored record (see ra_manifest_columns): 0 layer
 * scores "id=score" (shortest exact, layers without a score left out), 1
 * gap check ids, 2 not-applicable check ids (space-separated), 3 owners of
 * overdue remediations, 4 who accepted each expired risk ("; "-separated,
 * one per item). */
static void detail_text(const ra_score_t *s, int col, ra_buf_t *b)
{
    char num[32];
    if (col == 0) {
        for (size_t l = 0; l < s->nlayers; l++) {
            if (!s->layers[l].has_score)
                continue;
            ra_number_shortest(s->layers[l].score, num);
            ra_buf_printf(b, "%s%s=%s", b->len ? " " : "", s->layers[l].layer->id, num);
        }
        return;
    }
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *c = &s->checks[i];
        if (col == 1 && c->gap)
            ra_buf_printf(b, "%s%s", b->len ? " " : "", c->check->id);
        else if (col == 2 && c->applicable && !c->scored)
            ra_buf_printf(b, "%s%s", b->len ? " " : "", c->check->id);
        else if (col == 3 && c->overdue && c->result && c->result->remediation)
            put_listed(b, c->result->remediation->owner);
        else if (col == 4 && c->risk_expired && c->result && c->result->risk)
            put_listed(b, c->result->risk->by);
    }
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
    /* Fields of the record that lose characters in the report (null when
     * its text was not checked). */
    put(row, "warnings",
        rec && rec->text_checked ? json_integer((json_int_t)rec->ntext_warnings) : json_null(),
        &bad);
    /* The diagnostics of those fields, for the batch to print (not a column). */
    if (e->messages && *e->messages)
        put(row, "messages", json_string(e->messages), &bad);
    /* Which readyaudit made the row: merge joins rows of one version only. */
    put(row, "tool", json_string(RA_TOOL), &bad);
    /* What the portfolio needs of a row, as text columns (so CSV and JSON
     * carry the same): the system across assessments, the date, per-layer
     * scores, gaps, not-applicable checks and who holds the overdue and
     * expired items. */
    ra_buf_t b = RA_BUF_INIT;
    put(row, "system_key", str_or_null(rec ? ra_record_system_key(rec) : NULL), &bad);
    char date[11];
    if (rec)
        ra_date_format(rec->assessed_on, date);
    put(row, "assessed_on", str_or_null(rec ? date : NULL), &bad);
    for (int col = 0; col < 5; col++) {
        static const char *const names[] = {"layer_scores", "gap_checks", "not_applicable",
                                            "overdue_owners", "expired_owners"};
        ra_buf_clear(&b);
        if (s)
            detail_text(s, col, &b);
        put(row, names[col], s ? json_string(ra_buf_str(&b)) : json_null(), &bad);
    }
    if (ra_buf_failed(&b))
        bad = 1;
    ra_buf_free(&b);
    /* Every layer with its score or null, for the pack index (not a column). */
    if (s) {
        json_t *layers = json_object();
        for (size_t l = 0; layers && l < s->nlayers; l++)
            put(layers, s->layers[l].layer->id,
                s->layers[l].has_score ? json_real(s->layers[l].score) : json_null(), &bad);
        put(row, "layers", layers, &bad);
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

static bool plain_number(const char *s);

/* A JSON value as a number, or a string that is a plain decimal number (as
 * a CSV manifest reads back): false, and 0, when it is neither. */
static bool number(const json_t *v, double *out)
{
    const char *t = json_string_value(v);
    if (t && *t && plain_number(t)) {
        *out = strtod(t, NULL); /* the process runs in the C locale */
        return true;
    }
    *out = json_number_value(v);
    return json_is_number(v);
}

bool ra_manifest_row_number(const ra_manifest_row_t *row, const char *column, double *out)
{
    return number(json_object_get(row->obj, column), out);
}

long long ra_manifest_row_int(const ra_manifest_row_t *row, const char *column)
{
    double x = 0;
    const json_t *v = json_object_get(row->obj, column);
    if (json_is_integer(v))
        return (long long)json_integer_value(v);
    return number(v, &x) ? (long long)x : 0;
}

bool ra_manifest_row_layer(const ra_manifest_row_t *row, const char *layer, double *out)
{
    *out = 0;
    const char *s = ra_manifest_row_str(row, "layer_scores");
    size_t n = strlen(layer);
    while (s && *s) {
        while (*s == ' ')
            s++;
        const char *end = s + strcspn(s, " ");
        if ((size_t)(end - s) > n + 1 && strncmp(s, layer, n) == 0 && s[n] == '=') {
            char num[40];
            size_t k = (size_t)(end - s) - n - 1;
            if (k >= sizeof num)
                return false;
            memcpy(num, s + n + 1, k);
            num[k] = '\0';
            if (!plain_number(num))
                return false;
            *out = strtod(num, NULL);
            return true;
        }
        s = end;
    }
    return false;
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

size_t ra_manifest_row_gap(const ra_manifest_row_t *row, size_t i, const char **id)
{
    const char *s = ra_manifest_row_str(row, "gap_checks");
    for (size_t k = 0; s && *s; k++) {
        s += strspn(s, " ");
        size_t n = strcspn(s, " ");
        if (n && k == i) {
            *id = s;
            return n;
        }
        s += n;
    }
    *id = NULL;
    return 0;
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

char *ra_manifest_row_take_messages(ra_manifest_row_t *row)
{
    const char *m = json_string_value(json_object_get(row->obj, "messages"));
    char *copy = m ? strdup(m) : NULL;
    json_object_del(row->obj, "messages");
    return copy;
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
        if (!x && c >= RA_MANIFEST_TOOL_COLUMN)
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
    w->json = ra_text_ends_with(path, ".json");
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

/* The most bytes one row of a manifest may take. */
#define ROW_MAX (1u << 20)

/* Reads one CSV record (line breaks inside quotes belong to it) from f into
 * b; false at the end of the file. *nl counts the line breaks read. */
static ra_status_t csv_read_record(FILE *f, ra_buf_t *b, long *nl, bool *got)
{
    bool quoted = false;
    int c;
    ra_buf_clear(b);
    *got = false;
    while ((c = getc(f)) != EOF) {
        *got = true;
        if (c == '\n')
            ++*nl;
        if (c == '"')
            quoted = !quoted;
        if (!quoted && c == '\n')
            break;
        if (b->len >= ROW_MAX)
            return RA_ERR_LIMIT;
        if (ra_buf_putc(b, (char)c) != RA_OK)
            return RA_ERR_NOMEM;
    }
    return ferror(f) ? RA_ERR_IO : RA_OK;
}

/* Hands row (taking it), read at file:line, to fn. */
static ra_status_t hand(json_t *obj, const char *file, long line, ra_manifest_row_fn fn, void *ctx)
{
    ra_manifest_row_t *row = row_wrap(obj);
    if (!row)
        return RA_ERR_NOMEM;
    row->file = file;
    row->line = line;
    return fn(ctx, row);
}

/* The CSV manifest in f, record by record. */
static ra_status_t each_csv(FILE *f, const char *path, ra_manifest_row_fn fn, void *ctx,
                            ra_diag_sink_t *sink)
{
    enum { MAXF = 40 };
    ra_buf_t fields[MAXF] = {RA_BUF_INIT}, rec = RA_BUF_INIT;
    long nl = 0, line = 1;
    bool got = false;
    ra_status_t st = csv_read_record(f, &rec, &nl, &got);
    const char *p = ra_buf_str(&rec);
    size_t nh = st == RA_OK ? csv_record(&p, fields, MAXF) : 0;
    bool prefix = nh > RA_MANIFEST_TOOL_COLUMN && nh <= ra_manifest_ncolumns;
    for (size_t c = 0; prefix && c < nh; c++)
        prefix = strcmp(ra_buf_str(&fields[c]), ra_manifest_columns[c]) == 0;
    if (st != RA_OK) {
    } else if (nh == RA_MANIFEST_TOOL_COLUMN && strcmp(ra_buf_str(&fields[0]), "id") == 0 &&
               strcmp(ra_buf_str(&fields[nh - 1]), "error") == 0) {
        /* The columns of a manifest from before rows said who made them. */
        ra_diag(sink, RA_DIAG_ERROR, path, 1,
                "no 'tool' column: the manifest does not say which readyaudit made its rows");
        st = RA_ERR_INVALID;
    } else if (!prefix) {
        /* An older version's columns (up to tool and some after it) are
         * read, for merge to name the version. */
        ra_diag(sink, RA_DIAG_ERROR, path, 1, "not a readyaudit manifest (unexpected header)");
        st = RA_ERR_INVALID;
    }
    /* A row's line is where it starts: quoted fields may hold line breaks. */
    line = 1 + nl;
    while (st == RA_OK) {
        long start = line;
        if ((st = csv_read_record(f, &rec, &nl, &got)) != RA_OK || !got)
            break;
        line = 1 + nl;
        p = ra_buf_str(&rec);
        if (!*p || strcmp(p, "\r") == 0)
            continue;
        size_t n = csv_record(&p, fields, MAXF);
        if (n != nh) {
            ra_diag(sink, RA_DIAG_ERROR, path, start, "row has %zu fields, expected %zu", n, nh);
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
        st = hand(row, path, start, fn, ctx);
    }
    if (st == RA_ERR_LIMIT)
        ra_diag(sink, RA_DIAG_ERROR, path, line, "row is longer than the limit of %u bytes",
                ROW_MAX);
    else if (st == RA_ERR_IO)
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
    for (size_t i = 0; i < MAXF; i++)
        ra_buf_free(&fields[i]);
    ra_buf_free(&rec);
    return st;
}

/* The next character of f that is not white space (EOF at the end);
 * *line counts line breaks. */
static int skip_space(FILE *f, long *line)
{
    int c;
    while ((c = getc(f)) == ' ' || c == '\t' || c == '\r' || c == '\n')
        if (c == '\n')
            ++*line;
    return c;
}

/* Reads one element of the top-level JSON array, whose first character is
 * c, into b: to its closing bracket, or for a scalar up to the ',' or ']'
 * after it (put back). */
static ra_status_t json_read_element(FILE *f, int c, ra_buf_t *b, long *line)
{
    int depth = 0;
    bool in_string = false;
    ra_buf_clear(b);
    for (; c != EOF; c = getc(f)) {
        if (!in_string && depth == 0 && (c == ',' || c == ']') && b->len) {
            ungetc(c, f);
            break;
        }
        if (b->len >= ROW_MAX)
            return RA_ERR_LIMIT;
        if (ra_buf_putc(b, (char)c) != RA_OK)
            return RA_ERR_NOMEM;
        if (c == '\n')
            ++*line;
        if (in_string) {
            if (c == '\\') {
                if ((c = getc(f)) == EOF)
                    break;
                if (ra_buf_putc(b, (char)c) != RA_OK)
                    return RA_ERR_NOMEM;
            } else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"')
            in_string = true;
        else if (c == '[' || c == '{')
            depth++;
        else if ((c == ']' || c == '}') && --depth == 0)
            break;
    }
    return ferror(f) ? RA_ERR_IO : RA_OK;
}

/* The JSON manifest in f (an array of row objects), element by element. */
static ra_status_t each_json(FILE *f, const char *path, ra_manifest_row_fn fn, void *ctx,
                             ra_diag_sink_t *sink)
{
    ra_buf_t el = RA_BUF_INIT;
    long line = 1;
    ra_status_t st = RA_OK;
    int c = skip_space(f, &line);
    if (c != '[') {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "not a manifest: expected a JSON array");
        return RA_ERR_INVALID;
    }
    for (size_t i = 0;; i++) {
        c = skip_space(f, &line);
        if (c == ']' && i == 0)
            break;
        long start = line;
        if (c == EOF || c == ']' || c == ',') {
            ra_diag(sink, RA_DIAG_ERROR, path, line, "not a manifest: %s",
                    c == EOF ? "the array is not closed" : "an element is missing");
            st = RA_ERR_INVALID;
            break;
        }
        if ((st = json_read_element(f, c, &el, &line)) != RA_OK)
            break;
        json_error_t err;
        json_t *v = json_loadb(ra_buf_str(&el), el.len, JSON_DECODE_ANY, &err);
        if (!v) {
            ra_diag(sink, RA_DIAG_ERROR, path, start + (err.line > 0 ? err.line - 1 : 0),
                    "not a manifest: %s", err.text);
            st = RA_ERR_INVALID;
            break;
        }
        if (!row_valid(v, i, path, start, sink)) {
            json_decref(v);
            st = RA_ERR_INVALID;
            break;
        }
        if ((st = hand(v, path, start, fn, ctx)) != RA_OK)
            break;
        c = skip_space(f, &line);
        if (c == ']')
            break;
        if (c != ',') {
            ra_diag(sink, RA_DIAG_ERROR, path, line, "not a manifest: expected ',' or ']'");
            st = RA_ERR_INVALID;
            break;
        }
    }
    if (st == RA_OK && skip_space(f, &line) != EOF) {
        ra_diag(sink, RA_DIAG_ERROR, path, line, "not a manifest: text after the array");
        st = RA_ERR_INVALID;
    }
    if (st == RA_ERR_LIMIT)
        ra_diag(sink, RA_DIAG_ERROR, path, line, "row is longer than the limit of %u bytes",
                ROW_MAX);
    else if (st == RA_ERR_IO)
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
    ra_buf_free(&el);
    return st;
}

ra_status_t ra_manifest_each(const char *path, ra_manifest_row_fn fn, void *ctx,
                             ra_diag_sink_t *sink)
{
    FILE *f;
    ra_status_t st = ra_open_read(path, &f, sink);
    if (st != RA_OK)
        return st;
    st = ra_text_ends_with(path, ".json") ? each_json(f, path, fn, ctx, sink)
                                          : each_csv(f, path, fn, ctx, sink);
    fclose(f);
    return st;
}

/* Keeps a row read (ra_manifest_each's fn for ra_manifest_read). */
static ra_status_t keep_row(void *ctx, ra_manifest_row_t *row)
{
    ra_manifest_rows_t *rows = ctx;
    if (RA_VEC_RESERVE(rows->v, rows->n, rows->cap, 64) != RA_OK) {
        ra_manifest_row_free(row);
        return RA_ERR_NOMEM;
    }
    rows->v[rows->n++] = row;
    return RA_OK;
}

ra_status_t ra_manifest_read(const char *path, ra_manifest_rows_t *rows, ra_diag_sink_t *sink)
{
    return ra_manifest_each(path, keep_row, rows, sink);
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
