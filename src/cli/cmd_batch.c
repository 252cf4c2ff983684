/* cmd_batch.c - `readyaudit batch`: many records into an audit pack, in
 * worker processes, with progress, a manifest, resumability and shards. */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "base/hash.h"
#include "pack/manifest.h"
#include "pdf/pdf.h"
#include "base/io.h"
#include "seal/verify.h"
#include "base/version.h"

/* The inputs found, sorted, and what became of each. */
typedef struct {
    char **paths;
    size_t n, cap;
    json_t **rows;    /* per input, once done */
    json_t *ids;      /* record id -> index of the input that produced it */
    bool keep_detail; /* keep per-layer scores and gaps (for --summary) */
} inputs_t;

static ra_status_t add_input(inputs_t *in, const char *path)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 64;
        char **p = realloc(in->paths, cap * sizeof *p);
        if (!p)
            return RA_ERR_NOMEM;
        in->paths = p;
        in->cap = cap;
    }
    if (!(in->paths[in->n] = strdup(path)))
        return RA_ERR_NOMEM;
    in->n++;
    return RA_OK;
}

static int ends_with_xml(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

/* Adds every *.xml under dir, recursively (hidden entries skipped, symlinked
 * directories not followed, depth bounded). */
static ra_status_t scan_dir(inputs_t *in, const char *dir, int depth, ra_diag_sink_t *sink)
{
    if (depth > 32) {
        ra_diag(sink, RA_DIAG_ERROR, dir, 0, "directories nested too deep (limit 32)");
        return RA_ERR_LIMIT;
    }
    DIR *d = opendir(dir);
    if (!d) {
        ra_diag(sink, RA_DIAG_ERROR, dir, 0, "cannot open directory: %s", strerror(errno));
        return RA_ERR_IO;
    }
    ra_status_t st = RA_OK;
    struct dirent *e;
    ra_buf_t path = RA_BUF_INIT;
    while (st == RA_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        ra_buf_clear(&path);
        ra_buf_printf(&path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(ra_buf_str(&path), &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            st = scan_dir(in, ra_buf_str(&path), depth + 1, sink);
        else if ((S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode)) && ends_with_xml(e->d_name))
            st = add_input(in, ra_buf_str(&path));
    }
    ra_buf_free(&path);
    closedir(d);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FNV-1a of a path: the shard an input belongs to depends on its path only,
 * so every machine of a sharded run agrees without talking to the others. */
static unsigned long path_hash(const char *s)
{
    unsigned long h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & 0xFFFFFFFFu;
}

/* Parses "K/N" with 1 <= K <= N. */
static int parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return -1;
    const char *p = end + 1;
    unsigned long b = strtoul(p, &end, 10);
    if (end == p || *end || a < 1 || b < 1 || a > b || b > 100000)
        return -1;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return 0;
}

/* Batch-wide state the workers inherit. */
typedef struct {
    ra_cli_t *cli;
    const ra_checklist_t *cl;
    const ra_template_t *tpl;
    const char *outdir;
    bool force;
} batch_t;

/* Is the report at path complete and made from these very inputs? Reads it
 * once: its integrity data back (as verify does) and, when it is current,
 * its digest for the manifest. */
static bool output_current(ra_outcome_t *oc, const char *path)
{
    const batch_t *b = oc->ctx;
    if (b->force)
        return false;
    ra_diag_sink_t quiet = {0};
    ra_buf_t data = RA_BUF_INIT;
    ra_integrity_t it;
    bool current = false;
    if (ra_read_file(path, RA_MAX_REPORT_BYTES, &data, &quiet) == RA_OK &&
        ra_pdf_complete(data.data, data.len) &&
        ra_integrity_read(data.data, data.len, &it) == RA_OK) {
        char rec[65], cl[65], tpl[65];
        ra_hex(oc->record->sha256, 32, rec);
        ra_hex(b->cl->sha256, 32, cl);
        ra_hex(b->tpl->sha256, 32, tpl);
        current = strcmp(it.record_sha256, rec) == 0 && strcmp(it.checklist_sha256, cl) == 0 &&
                  strcmp(it.template_sha256, tpl) == 0 && strcmp(it.tool, RA_TOOL) == 0;
    }
    if (current && oc->hash_output)
        ra_sha256(data.data, data.len, oc->output_sha256);
    ra_buf_free(&data);
    return current;
}

/* A sink that keeps the first error message, for the manifest. */
typedef struct {
    ra_buf_t first;
    FILE *echo; /* also printed here when not NULL */
} worker_diag_t;

static void worker_diag(void *ctx, const ra_diag_t *d)
{
    worker_diag_t *w = ctx;
    if (d->severity == RA_DIAG_ERROR && !w->first.len) {
        if (d->file && d->line > 0)
            ra_buf_printf(&w->first, "%s:%ld: %s", d->file, d->line, d->message);
        else if (d->file)
            ra_buf_printf(&w->first, "%s: %s", d->file, d->message);
        else
            ra_buf_puts(&w->first, d->message);
    }
    if (w->echo && d->severity == RA_DIAG_ERROR)
        ra_diag_print(w->echo, d);
}

/* Runs one record in a worker and writes its manifest row as JSON to fd. */
static int run_one(batch_t *b, const char *path, int fd)
{
    worker_diag_t wd = {RA_BUF_INIT, NULL};
    b->cli->sink = (ra_diag_sink_t){worker_diag, &wd, 0, 0, 50, 0};
    ra_outcome_t oc = {0};
    oc.outdir = b->outdir;
    oc.hash_output = true;
    oc.defer_commit = true;
    oc.skip_current = output_current;
    oc.ctx = b;
    ra_status_t st = ra_cli_report(b->cli, b->cl, b->tpl, path, NULL, &oc);
    json_t *row = ra_manifest_row(path, &oc, st, ra_buf_str(&wd.first));
    char *text = json_dumps(row, JSON_COMPACT);
    size_t len = text ? strlen(text) : 0;
    const char *p = text;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        p += n;
        len -= (size_t)n;
    }
    free(text);
    json_decref(row);
    ra_outcome_clear(&oc);
    ra_buf_free(&wd.first);
    return ra_exit_code(st);
}

/* One running worker. */
typedef struct {
    pid_t pid;
    int fd;
    size_t index;
    ra_buf_t out;
} worker_t;

/* Progress shown while the batch runs. */
typedef struct {
    bool tty, quiet;
    size_t total, done, skipped, failed;
    struct timespec start;
} progress_t;

static double elapsed(const progress_t *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - p->start.tv_sec) + (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
}

static void progress_draw(const progress_t *p)
{
    if (!p->tty || p->quiet)
        return;
    size_t n = p->done + p->skipped + p->failed;
    double t = elapsed(p), rate = t > 0 ? (double)n / t : 0;
    double eta = rate > 0 ? (double)(p->total - n) / rate : 0;
    enum { BAR = 28 };
    size_t fill = p->total ? n * BAR / p->total : BAR;
    char bar[BAR + 1];
    for (size_t i = 0; i < BAR; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu  %.1f/s  ETA %d:%02d  failed %zu ", bar, n, p->total, rate,
            (int)eta / 60, (int)eta % 60, p->failed);
    fflush(stderr);
}

/* Marks a row failed with a message, keeping the counts right. */
static void fail_row(json_t *row, progress_t *pg, const char *msg)
{
    const char *state = json_string_value(json_object_get(row, "status"));
    if (state && strcmp(state, "done") == 0)
        pg->done--;
    else if (state && strcmp(state, "skipped") == 0)
        pg->skipped--;
    else if (state && strcmp(state, "failed") == 0)
        pg->failed--;
    json_object_set_new(row, "status", json_string("failed"));
    json_object_set_new(row, "error", json_string(msg));
    json_object_set_new(row, "output", json_null());
    json_object_set_new(row, "output_sha256", json_null());
    pg->failed++;
}

/* The parent is the only one to put reports in place: a worker's report is
 * renamed into OUTDIR once no other input of this batch claims the same
 * record id. Two inputs with one id are ambiguous: both fail, and a report
 * this run wrote under that id is removed, whatever order they finished in.
 * Returns the index of the earlier input it collided with, or -1. */
static long commit_row(json_t *row, size_t index, inputs_t *in, progress_t *pg,
                       ra_diag_sink_t *sink)
{
    json_t *ids = in->ids;
    const char *id = json_string_value(json_object_get(row, "id"));
    const char *state = json_string_value(json_object_get(row, "status"));
    const char *tmp = json_string_value(json_object_get(row, "_temp"));
    const char *out = json_string_value(json_object_get(row, "output"));
    if (!id || !state || strcmp(state, "failed") == 0) {
        if (tmp)
            unlink(tmp);
        return -1;
    }
    json_t *first = json_object_get(ids, id);
    if (first) {
        size_t k = (size_t)json_integer_value(first);
        json_t *other = in->rows[k];
        const char *oout = json_string_value(json_object_get(other, "output"));
        const char *ostate = json_string_value(json_object_get(other, "status"));
        if (oout && ostate && strcmp(ostate, "done") == 0)
            unlink(oout);
        ra_buf_t msg = RA_BUF_INIT;
        ra_buf_printf(&msg,
                      "%s: record id '%s' is also the id of %s; no report is kept for "
                      "either",
                      in->paths[index], id, in->paths[k]);
        fail_row(row, pg, ra_buf_str(&msg));
        ra_buf_clear(&msg);
        ra_buf_printf(&msg,
                      "%s: record id '%s' is also the id of %s; no report is kept for "
                      "either",
                      in->paths[k], id, in->paths[index]);
        fail_row(other, pg, ra_buf_str(&msg));
        ra_buf_free(&msg);
        if (tmp)
            unlink(tmp);
        return (long)k;
    }
    json_object_set_new(ids, id, json_integer((json_int_t)index));
    if (tmp && out && ra_commit(tmp, out, sink) != RA_OK)
        fail_row(row, pg, "cannot move the report into place");
    return -1;
}

/* Says on stderr that an input failed (the error names its file already,
 * unless the worker itself died). */
static void say_failed(const progress_t *pg, const char *path, const json_t *row)
{
    const char *err = json_string_value(json_object_get(row, "error"));
    bool named = err && strncmp(err, path, strlen(path)) == 0;
    fprintf(stderr, "%s%s%s%s\n", pg->tty && !pg->quiet ? "\r\033[K" : "", named ? "" : path,
            named ? "" : ": ", err ? err : "failed");
}

/* Collects a finished worker's row and commits its report. */
static void reap(worker_t *w, inputs_t *in, progress_t *pg, int status, ra_diag_sink_t *sink)
{
    json_t *row = json_loads(ra_buf_str(&w->out), 0, NULL);
    if (!row) {
        char why[96];
        if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "worker killed by signal %d", WTERMSIG(status));
        else
            snprintf(why, sizeof why, "worker exited with status %d and no result",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        row = ra_manifest_row(in->paths[w->index], NULL, RA_ERR_IO, why);
    }
    in->rows[w->index] = row;
    const char *state = json_string_value(json_object_get(row, "status"));
    if (state && strcmp(state, "failed") == 0)
        pg->failed++;
    else if (state && strcmp(state, "skipped") == 0)
        pg->skipped++;
    else
        pg->done++;
    /* A duplicate id fails this row and the earlier one it collides with. */
    long other = commit_row(row, w->index, in, pg, sink);
    if (strcmp(json_string_value(json_object_get(row, "status")), "failed") == 0)
        say_failed(pg, in->paths[w->index], row);
    if (other >= 0)
        say_failed(pg, in->paths[other], in->rows[other]);
    json_object_del(row, "_temp");
    /* Workers are forked from this process, so what it holds they carry:
     * keep only what the manifest (and a summary, when asked for) needs. */
    if (!in->keep_detail) {
        json_object_del(row, "layers");
        json_object_del(row, "gap_checks");
    }
    ra_buf_free(&w->out);
    close(w->fd);
    w->pid = 0;
}

/* Runs the inputs in up to jobs worker processes, one process per record:
 * a crash or leak in one record cannot touch the others, and memory never
 * grows with the batch. */
static ra_status_t run_workers(batch_t *b, inputs_t *in, unsigned jobs, progress_t *pg)
{
    worker_t *ws = calloc(jobs, sizeof *ws);
    struct pollfd *pfd = calloc(jobs, sizeof *pfd);
    if (!ws || !pfd) {
        free(ws);
        free(pfd);
        return RA_ERR_NOMEM;
    }
    size_t next = 0, running = 0;
    fflush(NULL);
    while (next < in->n || running > 0) {
        for (unsigned j = 0; j < jobs && next < in->n; j++) {
            if (ws[j].pid)
                continue;
            int p[2];
            if (pipe(p) != 0)
                break;
            pid_t pid = fork();
            if (pid < 0) {
                close(p[0]);
                close(p[1]);
                break;
            }
            if (pid == 0) {
                /* The worker keeps nothing of the parent's bookkeeping. */
                close(p[0]);
                for (unsigned k = 0; k < jobs; k++)
                    if (ws[k].pid) {
                        close(ws[k].fd);
                        ra_buf_free(&ws[k].out);
                    }
                free(ws);
                free(pfd);
                _exit(run_one(b, in->paths[next], p[1]));
            }
            close(p[1]);
            ws[j] = (worker_t){pid, p[0], next++, RA_BUF_INIT};
            running++;
        }
        if (running == 0)
            break; /* fork failed with nothing running */
        size_t np = 0;
        unsigned map[jobs];
        for (unsigned j = 0; j < jobs; j++)
            if (ws[j].pid) {
                pfd[np] = (struct pollfd){ws[j].fd, POLLIN, 0};
                map[np++] = j;
            }
        if (poll(pfd, np, -1) < 0 && errno != EINTR)
            break;
        for (size_t i = 0; i < np; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            worker_t *w = &ws[map[i]];
            char chunk[4096];
            ssize_t n = read(w->fd, chunk, sizeof chunk);
            if (n > 0) {
                ra_buf_append(&w->out, chunk, (size_t)n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            int status = 0;
            waitpid(w->pid, &status, 0);
            reap(w, in, pg, status, &b->cli->sink);
            running--;
            progress_draw(pg);
        }
    }
    free(ws);
    free(pfd);
    return RA_OK;
}

int ra_cmd_batch(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs < 1 || !o->output) {
        fprintf(stderr, "%s batch: %s\nTry '%s batch --help'.\n", cli->prog,
                o->nargs < 1 ? "no record or directory given" : "-o OUTDIR is required", cli->prog);
        return RA_EXIT_USAGE;
    }
    unsigned shard_k = 1, shard_n = 1;
    if (o->shard && parse_shard(o->shard, &shard_k, &shard_n) != 0) {
        fprintf(stderr, "%s batch: --shard wants K/N with 1 <= K <= N, not '%s'\n", cli->prog,
                o->shard);
        return RA_EXIT_USAGE;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned jobs = o->jobs ? o->jobs : (unsigned)(ncpu > 0 ? ncpu : 1);

    inputs_t all = {0}, in = {0};
    ra_checklist_t *cl = NULL;
    ra_template_t *tpl = NULL;
    ra_pdf_fonts_t *fonts = NULL;
    ra_status_t st = RA_OK;
    int rc = RA_EXIT_OK;
    for (int i = 0; i < o->nargs && st == RA_OK; i++) {
        struct stat sb;
        if (stat(o->args[i], &sb) != 0) {
            ra_diag(&cli->sink, RA_DIAG_ERROR, o->args[i], 0, "cannot open: %s", strerror(errno));
            st = RA_ERR_IO;
        } else if (S_ISDIR(sb.st_mode))
            st = scan_dir(&all, o->args[i], 0, &cli->sink);
        else
            st = add_input(&all, o->args[i]);
    }
    if (st != RA_OK) {
        rc = ra_exit_code(st);
        goto done;
    }
    qsort(all.paths, all.n, sizeof *all.paths, cmp_str);
    for (size_t i = 0; i < all.n && st == RA_OK; i++)
        if (i == 0 || strcmp(all.paths[i], all.paths[i - 1]) != 0)
            if (path_hash(all.paths[i]) % shard_n == shard_k - 1)
                st = add_input(&in, all.paths[i]);
    in.rows = calloc(in.n ? in.n : 1, sizeof *in.rows);
    in.ids = json_object();
    in.keep_detail = o->summary != NULL;
    if (st != RA_OK || !in.rows || !in.ids) {
        rc = RA_EXIT_IO;
        goto done;
    }
    if (mkdir(o->output, 0777) != 0 && errno != EEXIST) {
        ra_diag(&cli->sink, RA_DIAG_ERROR, o->output, 0, "cannot create directory: %s",
                strerror(errno));
        rc = RA_EXIT_IO;
        goto done;
    }
    st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK)
        st = ra_cli_template(cli, &tpl);
    if (st != RA_OK) {
        rc = ra_exit_code(st);
        goto done;
    }

    /* What every worker needs is read here, once: the workers inherit it
     * (the fonts and the schemas; checklist and template are loaded). If
     * the fonts cannot be read, each worker tries and reports why. */
    ra_pdf_options_t fo = {.font_dir = getenv("READYAUDIT_FONT_DIR")};
    if (ra_pdf_fonts_new(&fo, &fonts) == RA_OK)
        cli->fonts = fonts;
    if ((st = ra_loader_preload(cli->loader)) != RA_OK) {
        rc = ra_exit_code(st);
        goto done;
    }

    batch_t b = {cli, cl, tpl, o->output, o->force};
    progress_t pg = {isatty(STDERR_FILENO) != 0, o->quiet, in.n, 0, 0, 0, {0, 0}};
    clock_gettime(CLOCK_MONOTONIC, &pg.start);
    st = run_workers(&b, &in, jobs, &pg);
    /* Workers do not flush each report (an fsync per file serialised the
     * workers on the disk); one sync of the file system makes the whole pack
     * durable. A report cut short by a crash before it still fails the
     * up-to-date check (it lacks its trailing cross-reference) and is redone. */
    int dfd = open(o->output, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        syncfs(dfd);
        close(dfd);
    }
    if (pg.tty && !pg.quiet)
        fprintf(stderr, "\r\033[K");
    if (st == RA_OK && o->manifest)
        st = ra_manifest_write(o->manifest, in.rows, in.n, &cli->sink);
    if (st == RA_OK && o->summary)
        st = ra_portfolio_write(cli, cl, o->summary, in.rows, in.n);
    if (!o->quiet) {
        /* The largest worker: memory must not grow with the batch. */
        struct rusage ru;
        getrusage(RUSAGE_CHILDREN, &ru);
        printf(
            "%zu done, %zu skipped, %zu failed (%zu record%s%s, %.1f s, largest worker %.1f MiB)\n",
            pg.done, pg.skipped, pg.failed, in.n, in.n == 1 ? "" : "s",
            shard_n > 1 ? ", this shard" : "", elapsed(&pg), (double)ru.ru_maxrss / 1024.0);
    }
    rc = st != RA_OK ? ra_exit_code(st) : pg.failed ? RA_EXIT_INVALID : RA_EXIT_OK;
done:
    for (size_t i = 0; i < all.n; i++)
        free(all.paths[i]);
    for (size_t i = 0; i < in.n; i++) {
        free(in.paths[i]);
        if (in.rows)
            json_decref(in.rows[i]);
    }
    free(all.paths);
    free(in.paths);
    free(in.rows);
    json_decref(in.ids);
    cli->fonts = NULL;
    ra_pdf_fonts_free(fonts);
    ra_template_free(tpl);
    ra_checklist_free(cl);
    return rc;
}

int ra_cmd_manifest(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs < 2 || strcmp(o->args[0], "merge") != 0 || !o->output) {
        fprintf(stderr, "%s manifest: usage: %s manifest merge MANIFEST... -o OUT.csv|OUT.json\n",
                cli->prog, cli->prog);
        return RA_EXIT_USAGE;
    }
    json_t *rows = json_array();
    ra_status_t st = RA_OK;
    for (int i = 1; i < o->nargs && st == RA_OK; i++)
        st = ra_manifest_read(o->args[i], rows, &cli->sink);
    if (st == RA_OK) {
        /* Sorted by input path, so merging shards in any order gives the same file. */
        size_t n = json_array_size(rows);
        json_t **v = calloc(n ? n : 1, sizeof *v);
        for (size_t i = 0; v && i < n; i++)
            v[i] = json_array_get(rows, i);
        for (size_t i = 1; v && i < n; i++)
            for (size_t k = i; k > 0; k--) {
                const char *a = json_string_value(json_object_get(v[k - 1], "input"));
                const char *b = json_string_value(json_object_get(v[k], "input"));
                if (strcmp(a ? a : "", b ? b : "") <= 0)
                    break;
                json_t *t = v[k - 1];
                v[k - 1] = v[k];
                v[k] = t;
            }
        st = v ? ra_manifest_write(o->output, v, n, &cli->sink) : RA_ERR_NOMEM;
        if (st == RA_OK && !o->quiet)
            printf("%s: %zu rows from %d manifests\n", o->output, n, o->nargs - 1);
        free(v);
    }
    json_decref(rows);
    return ra_exit_code(st);
}
