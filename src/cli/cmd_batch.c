/* cmd_batch.c - `readyaudit batch`: many records into an audit pack, in
 * worker processes, with progress, a manifest, resumability and shards. */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <search.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/cleanup.h"
#include "layout/layout.h"
#include "base/hash.h"
#include "base/io.h"
#include "base/text.h"
#include "model/load.h"
#include "pack/index.h"
#include "pack/manifest.h"
#include "pack/portfolio.h"
#include "pdf/pdf.h"
#include "pipeline/pipeline.h"
#include "seal/verify.h"
#include "base/vec.h"
#include "base/version.h"

/* The inputs found, sorted, and what became of each. */
typedef struct {
    const char **paths; /* borrowed from the inputs found */
    size_t n, cap;
    ra_index_t *idx;         /* the rows of the inputs done, on disk */
    bool persistent;         /* idx is the --manifest pack index (kept between runs) */
    ra_status_t idx_failed;  /* the first failure to store a row: the batch stops */
    struct hsearch_data ids; /* record id -> index of the input that produced it */
    bool has_ids;
    char **id_keys; /* the keys of ids, owned */
    size_t nids;
    int *codes; /* per input, the exit code of its failure (0 when none) */
    /* What no report may be written over: the inputs, the manifest and the
     * summary (see ra_cli_check_clashes). */
    const ra_cli_file_t *reserved;
    ra_file_id_t *reserved_ids;
    bool *reserved_known;
    size_t nreserved;
    size_t *by_inode; /* the existing reserved files, sorted by device and inode */
    size_t nby_inode;
    bool clash; /* a report was refused for being one of them */
} inputs_t;

static ra_status_t add_input(inputs_t *in, const char *path)
{
    if (RA_VEC_RESERVE(in->paths, in->n, in->cap, 64) != RA_OK)
        return RA_ERR_NOMEM;
    in->paths[in->n++] = path;
    return RA_OK;
}

/* An input found on the command line, and where its shard key starts in
 * its path: the path relative to the directory it was found under, or the
 * file name of a file given itself, so that "recs", "recs/" and "./recs"
 * shard alike. */
typedef struct {
    char *path;
    size_t key;
} found_t;

typedef struct {
    found_t *v;
    size_t n, cap;
} found_list_t;

static ra_status_t add_found(found_list_t *fl, const char *path, size_t key)
{
    if (RA_VEC_RESERVE(fl->v, fl->n, fl->cap, 64) != RA_OK)
        return RA_ERR_NOMEM;
    if (!(fl->v[fl->n].path = strdup(path)))
        return RA_ERR_NOMEM;
    fl->v[fl->n++].key = key;
    return RA_OK;
}

static int ends_with_xml(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

/* Adds every *.xml under dir, recursively (hidden entries skipped, symlinked
 * directories not followed, depth bounded); root is the length of the
 * prefix ("DIR/") of the directory given, where the shard key starts. */
static ra_status_t scan_dir(found_list_t *in, const char *dir, size_t root, int depth,
                            ra_diag_sink_t *sink)
{
    if (depth > 32) {
        ra_diag(sink, RA_DIAG_ERROR, dir, 0, "directories nested too deep (limit 32)");
        return RA_ERR_LIMIT;
    }
    DIR *d = opendir(dir);
    if (!d && errno == ENOMEM)
        return RA_ERR_NOMEM; /* said once, by the caller */
    if (!d) {
        ra_diag(sink, RA_DIAG_ERROR, dir, 0, "cannot open directory: %s", strerror(errno));
        return RA_ERR_IO;
    }
    /* "recs/" and "recs" give the same paths; in the directory given (root
     * unset) the shard keys start after its "DIR/". */
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    if (root == (size_t)-1)
        root = dl + 1;
    ra_status_t st = RA_OK;
    struct dirent *e;
    ra_buf_t path = RA_BUF_INIT;
    while (st == RA_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        ra_buf_clear(&path);
        ra_buf_printf(&path, "%.*s/%s", (int)dl, dir, e->d_name);
        struct stat sb;
        if (lstat(ra_buf_str(&path), &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            st = scan_dir(in, ra_buf_str(&path), root, depth + 1, sink);
        else if ((S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode)) && ends_with_xml(e->d_name))
            st = add_found(in, ra_buf_str(&path), root);
    }
    ra_buf_free(&path);
    closedir(d);
    return st;
}

/* Counts, up to limit, the records under dir (as scan_dir finds them)
 * into *n. */
static void count_dir(const char *dir, int depth, size_t *n, size_t limit)
{
    DIR *d = depth <= 32 ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    ra_buf_t path = RA_BUF_INIT;
    while (*n < limit && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        ra_buf_clear(&path);
        ra_buf_printf(&path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(ra_buf_str(&path), &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            count_dir(ra_buf_str(&path), depth + 1, n, limit);
        else if ((S_ISREG(sb.st_mode) || S_ISLNK(sb.st_mode)) && ends_with_xml(e->d_name))
            (*n)++;
    }
    ra_buf_free(&path);
    closedir(d);
}

/* Are there at least limit records among the arguments? Counted without
 * keeping them (the spawner, made before they are scanned, must not hold
 * them); the same file named twice counts twice. */
static bool has_records(char **args, int nargs, size_t limit)
{
    size_t n = 0;
    for (int i = 0; i < nargs && n < limit; i++) {
        struct stat sb;
        if (stat(args[i], &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode))
            count_dir(args[i], 0, &n, limit);
        else
            n++;
    }
    return n >= limit;
}

static int cmp_found(const void *a, const void *b)
{
    return strcmp(((const found_t *)a)->path, ((const found_t *)b)->path);
}

/* FNV-1a of a shard key: the shard an input belongs to depends on its key
 * only, so every machine of a sharded run agrees without talking to the
 * others, however each spells the directory. */
static unsigned long path_hash(const char *s)
{
    return ra_fnv1a(RA_FNV1A_BASIS, s, strlen(s));
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

/* Is process pid still running? A zombie is not: a writer killed along
 * with its batch (kill -9 of the group) is handed to init, which may take
 * its time to reap it, or never do (in a container or a VM's own init);
 * until then kill(pid, 0) still finds it. */
static bool writer_alive(long pid)
{
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return false;
    char path[64], st[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return true; /* no /proc: as kill says */
    ssize_t n = read(fd, st, sizeof st - 1);
    close(fd);
    if (n <= 0)
        return true;
    st[n] = '\0';
    /* "PID (COMM) STATE ...": COMM may hold anything, so after its last ')'. */
    const char *p = strrchr(st, ')');
    return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* Removes the temporary files (.NAME.PID.XXXXXX) in dir whose writer is
 * gone: what a batch or report killed outright (SIGKILL, a crash, a power
 * cut) left. Holding the directory's lock, no other batch writes there;
 * a live writer (a report into it) keeps its file. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    ra_buf_t path = RA_BUF_INIT;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        if (n[0] != '.' || len < 12 || n[len - 7] != '.')
            continue;
        /* ".NAME" then ".PID" then ".XXXXXX" */
        const char *end = n + len - 7, *p = end;
        while (p > n && p[-1] >= '0' && p[-1] <= '9')
            p--;
        if (p == end || p == n || p[-1] != '.' || p - 1 == n)
            continue;
        /* Only what readyaudit writes there: reports, manifests, summaries. */
        size_t base = (size_t)(p - 1 - n);
        bool ours = (base > 4 && memcmp(p - 5, ".pdf", 4) == 0) ||
                    (base > 4 && memcmp(p - 5, ".csv", 4) == 0) ||
                    (base > 5 && memcmp(p - 6, ".json", 5) == 0);
        if (!ours)
            continue;
        long pid = strtol(p, NULL, 10);
        if (pid <= 0 || pid == (long)getpid() || writer_alive(pid))
            continue;
        ra_buf_clear(&path);
        ra_buf_printf(&path, "%s/%s", dir, n);
        unlink(ra_buf_str(&path));
    }
    ra_buf_free(&path);
    closedir(d);
}

/* Batches of fewer records go without the warm-up (see ra_cmd_batch). */
#define WARM_MIN_RECORDS 8

/* Batch-wide state the workers inherit (from the spawner). */
typedef struct {
    ra_cli_t *cli;
    const ra_env_t *env; /* the process's, with the fonts read once */
    const ra_checklist_t *cl;
    const ra_template_t *tpl;
    const char *outdir;
    bool force, attach_source, strict;
} batch_t;

/* What lies at a report's target path, compared with what this run writes. */
typedef enum {
    OUTPUT_ABSENT,   /* nothing: written */
    OUTPUT_CURRENT,  /* byte for byte what this run would write: kept, mtime and all */
    OUTPUT_STALE,    /* a readyaudit report, but not these bytes: rebuilt */
    OUTPUT_NOT_OURS, /* not a readyaudit report: refused unless --force */
} output_state_t;

/* Is the file at path byte-identical to pdf, the report this run made? The
 * same truth verify uses: a report is up to date only when it is exactly
 * what readyaudit makes from these inputs. A file there that carries no
 * readyaudit integrity data (or cannot be read) is not ours. */
static output_state_t output_current(const batch_t *b, const char *path, const ra_buf_t *pdf,
                                     struct stat *read)
{
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return OUTPUT_ABSENT;
    ra_diag_sink_t quiet = {0};
    ra_buf_t data = RA_BUF_INIT;
    output_state_t state = OUTPUT_NOT_OURS;
    if (ra_read_file_stat(path, RA_MAX_REPORT_BYTES, &data, &quiet, read) == RA_OK) {
        ra_verify_t v;
        if (!b->force && data.len == pdf->len && memcmp(data.data, pdf->data, pdf->len) == 0)
            state = OUTPUT_CURRENT;
        else if (ra_verify_report(data.data, data.len, &v) != RA_ERR_INVALID)
            state = OUTPUT_STALE;
    }
    ra_buf_free(&data);
    return state;
}

/* A sink that keeps the first error message, for the manifest, and every
 * line as the command line prints it, for the batch to print when the
 * record's text check spoke. */
typedef struct {
    ra_buf_t first;
    FILE *echo;    /* also printed here when not NULL */
    ra_buf_t said; /* every diagnostic, one line each */
} worker_diag_t;

static void worker_diag(void *ctx, const ra_diag_t *d)
{
    worker_diag_t *w = ctx;
    if (d->file && d->line > 0)
        ra_buf_printf(&w->said, "%s:%ld: %s: %s\n", d->file, d->line, ra_severity_name(d->severity),
                      d->message);
    else if (d->file)
        ra_buf_printf(&w->said, "%s: %s: %s\n", d->file, ra_severity_name(d->severity), d->message);
    else
        ra_buf_printf(&w->said, "readyaudit: %s: %s\n", ra_severity_name(d->severity), d->message);
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

/* How bad an exit code of a batch is: the worst one is the batch's. */
static int failure_rank(int code)
{
    switch (code) {
    case RA_EXIT_OK:
        return 0;
    case RA_EXIT_INVALID:
        return 1;
    case RA_EXIT_GLYPHS:
        return 2;
    case RA_EXIT_USAGE:
        return 4;
    default:
        return 3;
    }
}

/* Runs one record in a worker: scores it, and unless its report is up to
 * date renders it into a temporary file beside OUTDIR/<record id>.pdf for
 * the parent to commit. Sends the parent the temporary file's name (empty
 * when none), a NUL, the manifest row, a NUL, and the stat (fstat) of the
 * report it compared or wrote, as "SIZE MTIME CTIME INO DEV" (empty when
 * none): the parent records a stat only when it is that file's. */
static int run_one(batch_t *b, const char *path, int fd)
{
    worker_diag_t wd = {RA_BUF_INIT, NULL, RA_BUF_INIT};
    *b->env->sink = (ra_diag_sink_t){worker_diag, &wd, 0, 0, 50, 0};
    ra_pipeline_input_t in = {.checklist = b->cl,
                              .tmpl = b->tpl,
                              .record_path = path,
                              .attach_source = b->attach_source,
                              .strict = b->strict};
    ra_pipeline_result_t res = {0};
    ra_buf_t out = RA_BUF_INIT;
    char *tmp = NULL;
    unsigned char sha256[32];
    bool skipped = false, written = false;
    struct stat sb;
    ra_status_t st = ra_pipeline_score(b->env, &in, &res);
    ra_cli_flush(b->cli, path);
    if (st == RA_OK && ra_buf_printf(&out, "%s/%s.pdf", b->outdir, res.record->id) != RA_OK)
        st = RA_ERR_NOMEM;
    if (st == RA_OK) {
        st = ra_pipeline_render(b->env, &in, &res);
        output_state_t state =
            st == RA_OK ? output_current(b, ra_buf_str(&out), &res.pdf, &sb) : OUTPUT_ABSENT;
        skipped = state == OUTPUT_CURRENT;
        if (state == OUTPUT_NOT_OURS && !b->force) {
            ra_diag(b->env->sink, RA_DIAG_ERROR, ra_buf_str(&out), 0,
                    "exists and is not a readyaudit report: not replaced (move it away, or "
                    "use --force to replace it)");
            st = RA_ERR_IO;
        }
        if (!skipped && st == RA_OK)
            st = ra_write_temp_stat(ra_buf_str(&out), res.pdf.data, res.pdf.len, 0, b->env->sink,
                                    &tmp, &sb);
        if (st == RA_OK)
            ra_sha256(res.pdf.data, res.pdf.len, sha256);
        written = st == RA_OK;
    }
    ra_manifest_entry_t e = {
        .input = path,
        .record = res.record,
        .score = res.score,
        .output = written ? ra_buf_str(&out) : NULL,
        .output_sha256 = sha256,
        .skipped = skipped,
        .status = st,
        .error = ra_buf_str(&wd.first),
        /* Fields that lose characters are said as report says them. */
        .messages = res.record && res.record->ntext_warnings ? ra_buf_str(&wd.said) : NULL};
    ra_manifest_row_t *row = ra_manifest_row_new(&e);
    char *text = row ? ra_manifest_row_encode(row) : NULL;
    if (!text) {
        /* Out of memory making the row: the report goes, and a row of the
         * least says why; when even that cannot be made, the exit status. */
        st = RA_ERR_NOMEM;
        if (tmp) {
            unlink(tmp);
            ra_cleanup_untrack(tmp);
            free(tmp);
            tmp = NULL;
        }
        ra_manifest_row_free(row);
        ra_manifest_entry_t least = {.input = path, .status = st, .error = ra_strerror(st)};
        row = ra_manifest_row_new(&least);
        text = row ? ra_manifest_row_encode(row) : NULL;
    }
    char stat_text[120] = "";
    if (text && written && (skipped || tmp))
        snprintf(stat_text, sizeof stat_text, "%lld %lld %lld %lld %lld", (long long)sb.st_size,
                 (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec,
                 (long long)sb.st_ctim.tv_sec * 1000000000LL + sb.st_ctim.tv_nsec,
                 (long long)sb.st_ino, (long long)sb.st_dev);
    bool sent = text && ra_write_fd(fd, tmp ? tmp : "", tmp ? strlen(tmp) + 1 : 1) == 0 &&
                ra_write_fd(fd, text, strlen(text) + 1) == 0 &&
                ra_write_fd(fd, stat_text, strlen(stat_text)) == 0;
    if (tmp) {
        /* The parent's now, or nobody's when it could not be told. */
        if (!sent)
            unlink(tmp);
        ra_cleanup_untrack(tmp);
    }
    free(text);
    ra_manifest_row_free(row);
    ra_pipeline_result_free(&res);
    ra_buf_free(&out);
    free(tmp);
    ra_buf_free(&wd.first);
    ra_buf_free(&wd.said);
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
    long maxrss; /* the largest worker's peak memory, KiB */
} progress_t;

static double elapsed(const progress_t *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - p->start.tv_sec) + (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
}

/* Columns of the terminal on standard error: TIOCGWINSZ, else $COLUMNS, else 80. */
static size_t terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    char *end;
    long c = cols ? strtol(cols, &end, 10) : 0;
    return cols && *cols && !*end && c > 0 && c < 10000 ? (size_t)c : 80;
}

/* One line of progress, fitted to width columns less one (a line that
 * fills the last column makes some terminals scroll): the counts in words
 * from 60 columns up, shorter below, and the bar in what is left. */
static void progress_draw(const progress_t *p)
{
    if (!p->tty || p->quiet)
        return;
    size_t n = p->done + p->skipped + p->failed, width = terminal_width();
    size_t room = width > 1 ? width - 1 : 1;
    double t = elapsed(p), rate = t > 0 ? (double)n / t : 0;
    int eta = rate > 0 ? (int)((double)(p->total - n) / rate) : 0;
    char text[160];
    if (width >= 60)
        snprintf(text, sizeof text, " %zu/%zu  %.1f/s  ETA %d:%02d  failed %zu", n, p->total, rate,
                 eta / 60, eta % 60, p->failed);
    else if (width >= 36)
        snprintf(text, sizeof text, " %zu/%zu %.1f/s %d:%02d %zu failed", n, p->total, rate,
                 eta / 60, eta % 60, p->failed);
    else
        snprintf(text, sizeof text, " %zu/%zu %zuf", n, p->total, p->failed);
    size_t tl = strlen(text);
    /* The bar: "[" and "]" around what is left, at most 40, none under 5. */
    size_t bar = room > tl + 2 ? room - tl - 2 : 0;
    if (bar > 40)
        bar = 40;
    char line[256];
    size_t k = 0;
    if (bar >= 5) {
        size_t fill = p->total ? n * bar / p->total : bar;
        line[k++] = '[';
        for (size_t i = 0; i < bar; i++)
            line[k++] = i < fill ? '#' : '.';
        line[k++] = ']';
    }
    for (size_t i = tl && k == 0 ? 1 : 0; i < tl && k < room && k < sizeof line - 1; i++)
        line[k++] = text[i];
    line[k] = '\0';
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
}

/* Marks a row failed with a message, keeping the counts right. */
static void fail_row(ra_manifest_row_t *row, progress_t *pg, const char *msg)
{
    const char *state = ra_manifest_row_str(row, "status");
    if (state && strcmp(state, "done") == 0)
        pg->done--;
    else if (state && strcmp(state, "skipped") == 0)
        pg->skipped--;
    else if (state && strcmp(state, "failed") == 0)
        pg->failed--;
    ra_manifest_row_fail(row, msg); /* out of memory: no status, said by say_failed */
    pg->failed++;
}

/* Returns the index of the input that first produced record id, or claims
 * id for index and returns -1. */
static long claim_id(inputs_t *in, const char *id, size_t index)
{
    ENTRY e = {(char *)id, NULL}, *found = NULL;
    if (hsearch_r(e, FIND, &found, &in->ids) && found)
        return (long)(uintptr_t)found->data;
    char *key = strdup(id);
    if (!key)
        return -1;
    in->id_keys[in->nids++] = key;
    e = (ENTRY){key, (void *)(uintptr_t)index};
    hsearch_r(e, ENTER, &found, &in->ids);
    return -1;
}

/* Orders reserved files by device and inode (a qsort_r comparator). */
static int cmp_inode(const void *a, const void *b, void *ctx)
{
    const ra_file_id_t *ids = ctx;
    const ra_file_id_t *x = &ids[*(const size_t *)a], *y = &ids[*(const size_t *)b];
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return (x->ino > y->ino) - (x->ino < y->ino);
}

/* The reserved file that the report at path would overwrite, or NULL: the
 * existing ones (every input) by a binary search over their inodes, so that
 * a batch's cost per report does not grow with its size, the few that do
 * not exist yet (a manifest, a summary) one by one. */
static const ra_cli_file_t *reserved_clash(const inputs_t *in, const char *path)
{
    ra_file_id_t id;
    if (ra_file_id(path, &id) != RA_OK)
        return NULL;
    const ra_cli_file_t *hit = NULL;
    if (id.exists) {
        size_t lo = 0, hi = in->nby_inode;
        while (lo < hi && !hit) {
            size_t mid = lo + (hi - lo) / 2;
            const ra_file_id_t *r = &in->reserved_ids[in->by_inode[mid]];
            if (r->dev == id.dev && r->ino == id.ino)
                hit = &in->reserved[in->by_inode[mid]];
            else if (r->dev < id.dev || (r->dev == id.dev && r->ino < id.ino))
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    for (size_t i = 0; i < in->nreserved && !hit; i++)
        if (in->reserved_known[i] && !in->reserved_ids[i].exists &&
            ra_file_id_same(&id, &in->reserved_ids[i]))
            hit = &in->reserved[i];
    ra_file_id_free(&id);
    return hit;
}

/* Says on stderr that an input failed (the error names its file already,
 * unless the worker itself died). */
static void say_failed(const progress_t *pg, const char *path, const ra_manifest_row_t *row)
{
    const char *err = ra_manifest_row_str(row, "status") ? ra_manifest_row_str(row, "error")
                                                         : ra_strerror(RA_ERR_NOMEM);
    bool named = err && strncmp(err, path, strlen(path)) == 0;
    fprintf(stderr, "%s%s%s%s\n", pg->tty && !pg->quiet ? "\r\033[K" : "", named ? "" : path,
            named ? "" : ": ", err ? err : "failed");
}

/* Stores the row of input index in the pack index, with the stat of its
 * report when it is proven to be the file that was checked or written:
 * proven is the stat of that file (fstat by the worker, or the one the
 * index held and the report still has), and the report's stat now must be
 * the same (but its ctime, for a report renamed into place since: moved is
 * set). Else no stat is stored, and the next run checks the report the
 * full way. The first failure stops the batch. */
static void store_row(inputs_t *in, size_t index, const ra_manifest_row_t *row, bool same_detail,
                      const ra_index_stat_t *proven, bool moved)
{
    const char *state = ra_manifest_row_str(row, "status");
    const char *out = ra_manifest_row_str(row, "output");
    ra_index_stat_t sb;
    bool has = proven && state && strcmp(state, "failed") != 0 && out && ra_index_stat(out, &sb);
    if (has && moved)
        has = sb.size == proven->size && sb.mtime_ns == proven->mtime_ns && sb.ino == proven->ino &&
              sb.dev == proven->dev;
    else if (has)
        has = ra_index_stat_same(&sb, proven);
    ra_status_t st = ra_index_put(in->idx, index, row, has ? &sb : NULL, same_detail);
    if (st != RA_OK && in->idx_failed == RA_OK)
        in->idx_failed = st;
}

/* The parent is the only one to put reports in place: a worker's report is
 * renamed into OUTDIR once no other input of this batch claims the same
 * record id. Two inputs with one id are ambiguous: both fail, and a report
 * this run wrote under that id is removed, whatever order they finished in
 * (the earlier input's row is read back from the index and stored again). */
static void commit_row(ra_manifest_row_t *row, const char *tmp, size_t index, inputs_t *in,
                       progress_t *pg, ra_diag_sink_t *sink)
{
    const char *id = ra_manifest_row_str(row, "id");
    const char *state = ra_manifest_row_str(row, "status");
    const char *out = ra_manifest_row_str(row, "output");
    if (!id || !state || strcmp(state, "failed") == 0) {
        if (tmp)
            unlink(tmp);
        return;
    }
    long first = claim_id(in, id, index);
    if (first >= 0) {
        size_t k = (size_t)first;
        ra_manifest_row_t *other = NULL;
        ra_status_t st = ra_index_get(in->idx, k, &other);
        if (st != RA_OK && in->idx_failed == RA_OK)
            in->idx_failed = st;
        const char *oout = other ? ra_manifest_row_str(other, "output") : NULL;
        const char *ostate = other ? ra_manifest_row_str(other, "status") : NULL;
        if (oout && ostate && strcmp(ostate, "done") == 0)
            unlink(oout);
        ra_buf_t msg = RA_BUF_INIT;
        ra_buf_printf(&msg,
                      "%s: record id '%s' is also the id of %s; no report is kept for "
                      "either",
                      in->paths[index], id, in->paths[k]);
        fail_row(row, pg, ra_buf_str(&msg));
        if (other) {
            ra_buf_clear(&msg);
            ra_buf_printf(&msg,
                          "%s: record id '%s' is also the id of %s; no report is kept for "
                          "either",
                          in->paths[k], id, in->paths[index]);
            fail_row(other, pg, ra_buf_str(&msg));
            say_failed(pg, in->paths[k], other);
            store_row(in, k, other, true, NULL, false);
            ra_manifest_row_free(other);
        }
        ra_buf_free(&msg);
        in->codes[index] = in->codes[k] = RA_EXIT_INVALID;
        if (tmp)
            unlink(tmp);
        return;
    }
    const ra_cli_file_t *clash = out ? reserved_clash(in, out) : NULL;
    if (clash) {
        ra_buf_t msg = RA_BUF_INIT;
        ra_buf_printf(&msg,
                      "%s: its report %s is the same file as %s %s; it was not written, nor "
                      "the manifest and the summary",
                      in->paths[index], out, clash->role, clash->path);
        if (tmp)
            unlink(tmp);
        fail_row(row, pg, ra_buf_str(&msg));
        ra_buf_free(&msg);
        in->codes[index] = RA_EXIT_USAGE;
        in->clash = true;
        return;
    }
    if (tmp && out && ra_commit(tmp, out, sink) != RA_OK) {
        fail_row(row, pg, "cannot move the report into place");
        in->codes[index] = RA_EXIT_IO;
    }
}

/* Counts a row, commits its report, says when it failed and stores it
 * (same_detail: a row read back from the index, its layers and gaps there;
 * proven: the stat of the report checked or written, see store_row). */
static void finish_row(ra_manifest_row_t *row, const char *tmp, size_t index, inputs_t *in,
                       progress_t *pg, ra_diag_sink_t *sink, bool same_detail,
                       const ra_index_stat_t *proven)
{
    const char *state = ra_manifest_row_str(row, "status");
    if (state && strcmp(state, "skipped") == 0)
        pg->skipped++;
    else if (state && strcmp(state, "done") == 0)
        pg->done++;
    else
        pg->failed++;
    /* What the record's text check said, with the rest the worker said
     * (its first error, the row's, among them). */
    char *said = ra_manifest_row_take_messages(row);
    if (said)
        fprintf(stderr, "%s%s", pg->tty && !pg->quiet ? "\r\033[K" : "", said);
    commit_row(row, tmp, index, in, pg, sink);
    const char *now = ra_manifest_row_str(row, "status");
    if ((!now || strcmp(now, "failed") == 0) && !(said && strstr(said, ": error: ")))
        say_failed(pg, in->paths[index], row);
    free(said);
    store_row(in, index, row, same_detail, proven, tmp != NULL);
}

/* Collects a finished worker's row and commits its report. */
static void reap(const batch_t *b, worker_t *w, inputs_t *in, progress_t *pg, int status)
{
    ra_diag_sink_t *sink = b->env->sink;
    /* The worker sent "TEMP\0ROW\0STAT" (see run_one). */
    const char *msg = ra_buf_failed(&w->out) ? "" : ra_buf_str(&w->out);
    size_t tlen = strlen(msg);
    const char *tmp = tlen ? msg : NULL;
    ra_manifest_row_t *row = tlen < w->out.len ? ra_manifest_row_decode(msg + tlen + 1) : NULL;
    ra_index_stat_t proven;
    bool has_proven = false;
    if (row) {
        size_t at = tlen + 1 + strlen(msg + tlen + 1) + 1;
        char extra;
        has_proven = at < w->out.len &&
                     sscanf(msg + at, "%lld %lld %lld %lld %lld%c", &proven.size, &proven.mtime_ns,
                            &proven.ctime_ns, &proven.ino, &proven.dev, &extra) == 5;
    }
    if (!row) {
        char why[96];
        if (ra_buf_failed(&w->out)) {
            /* What the worker sent could not be kept, the name of its
             * temporary file too: that file is one of a writer now gone. */
            snprintf(why, sizeof why, "%s", ra_strerror(RA_ERR_NOMEM));
            remove_stale(b->outdir);
        } else if (tlen < w->out.len)
            /* A row came and could not be read back: this process ran out. */
            snprintf(why, sizeof why, "%s", ra_strerror(RA_ERR_NOMEM));
        else if (WIFSIGNALED(status))
            snprintf(why, sizeof why, "worker killed by signal %d", WTERMSIG(status));
        else if (WIFEXITED(status) && WEXITSTATUS(status) == RA_EXIT_IO)
            /* The one way a worker ends with this status and no row:
             * memory ran out before the row could be sent (run_one). */
            snprintf(why, sizeof why, "%s", ra_strerror(RA_ERR_NOMEM));
        else
            snprintf(why, sizeof why, "worker exited with status %d and no result",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        ra_manifest_entry_t e = {.input = in->paths[w->index], .status = RA_ERR_IO, .error = why};
        row = ra_manifest_row_new(&e);
        if (tmp && tlen < w->out.len)
            unlink(tmp); /* a report without its row (its name came whole) is not kept */
        tmp = NULL;
    }
    if (tmp && ra_cleanup_pending()) {
        /* The batch is ending on a signal: no report is put in place, and
         * its row is not stored (it would describe a file that is not there,
         * or an older one at its name). */
        unlink(tmp);
        ra_manifest_row_free(row);
        ra_buf_free(&w->out);
        close(w->fd);
        w->pid = 0;
        return;
    }
    const char *state = row ? ra_manifest_row_str(row, "status") : "failed";
    if (state && strcmp(state, "failed") == 0) {
        /* The worker's exit code says what kind of failure it was; one that
         * died or said nothing failed to make its report. */
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : RA_EXIT_IO;
        in->codes[w->index] = code == RA_EXIT_INVALID || code == RA_EXIT_GLYPHS ? code : RA_EXIT_IO;
    }
    if (!row) { /* not even the row saying why could be made */
        pg->failed++;
        fprintf(stderr, "%s%s: %s\n", pg->tty && !pg->quiet ? "\r\033[K" : "", in->paths[w->index],
                ra_strerror(RA_ERR_NOMEM));
        if (tmp)
            unlink(tmp);
    } else
        finish_row(row, tmp, w->index, in, pg, sink, false, has_proven ? &proven : NULL);
    ra_manifest_row_free(row);
    ra_buf_free(&w->out);
    close(w->fd);
    w->pid = 0;
}

/* The inputs that feed a report besides its record, as one digest: a report
 * found in the pack index is current without being read only when these
 * are what they were when it was written. */
static void inputs_key(const ra_env_t *env, const ra_checklist_t *cl, const ra_template_t *tpl,
                       bool attach_source, bool strict, char hex[65])
{
    ra_sha256_ctx_t c;
    unsigned char d[32];
    ra_sha256_init(&c);
    ra_sha256_update(&c, RA_TOOL, strlen(RA_TOOL) + 1);
    ra_sha256_update(&c, cl->sha256, 32);
    ra_sha256_update(&c, tpl->sha256, 32);
    ra_sha256(tpl->logo_png ? (const void *)tpl->logo_png : "", tpl->logo_len, d);
    ra_sha256_update(&c, d, 32);
    if (env->fonts) {
        ra_pdf_fonts_sha256(env->fonts, d);
        ra_sha256_update(&c, d, 32);
    }
    /* The list the dictionaries are checked against, read at start-up. */
    if (env->hyph && ra_hyph_sha256(env->hyph, d) == RA_OK)
        ra_sha256_update(&c, d, 32);
    ra_sha256_update(&c, attach_source ? "a" : "-", 1);
    /* --strict refuses records a run without it reports on: a row made
     * without it says nothing of whether the record passes it. */
    ra_sha256_update(&c, strict ? "s" : "-", 1);
    /* The document date, as the environment parsed it once for the reports. */
    char epoch[24] = "";
    if (env->epoch_set)
        snprintf(epoch, sizeof epoch, "%lld", (long long)env->epoch);
    ra_sha256_update(&c, epoch, strlen(epoch) + 1);
    ra_sha256_final(&c, d);
    ra_hex(d, 32, hex);
}

/* Is the report of input index current by the pack index alone: its row
 * there was made from the same inputs by this version, from a record with
 * the same digest, and stat says the report is the file that was put in
 * place (size, mtime, ctime, inode and device)? Then the row is finished
 * as skipped without a worker, and true is returned. A report planted,
 * replaced, touched or cut short since has another stat: it goes to a
 * worker, which checks it the full way. */
static bool index_current(const batch_t *b, inputs_t *in, size_t index, progress_t *pg)
{
    if (!in->persistent || b->force)
        return false;
    ra_manifest_row_t *row = NULL;
    ra_index_stat_t then, now;
    bool has = false, current = false;
    ra_buf_t path = RA_BUF_INIT, data = RA_BUF_INIT;
    ra_diag_sink_t quiet = {0};
    if (ra_index_find(in->idx, in->paths[index], &row, &then, &has) != RA_OK || !row || !has)
        goto done;
    const char *state = ra_manifest_row_str(row, "status");
    const char *id = ra_manifest_row_str(row, "id");
    const char *out = ra_manifest_row_str(row, "output");
    const char *digest = ra_manifest_row_str(row, "input_sha256");
    if (!state || (strcmp(state, "done") != 0 && strcmp(state, "skipped") != 0) || !id || !out ||
        !digest)
        goto done;
    /* The report this run would write, where the row says it is. */
    if (ra_buf_printf(&path, "%s/%s.pdf", b->outdir, id) != RA_OK ||
        strcmp(ra_buf_str(&path), out) != 0)
        goto done;
    if (!ra_index_stat(out, &now) || !ra_index_stat_same(&now, &then))
        goto done;
    unsigned char d[32];
    char hex[65];
    if (ra_read_file(in->paths[index], RA_MAX_FILE_BYTES, &data, &quiet) != RA_OK)
        goto done;
    ra_sha256(data.data, data.len, d);
    ra_hex(d, 32, hex);
    if (strcmp(hex, digest) != 0 || ra_manifest_row_skip(row) != RA_OK)
        goto done;
    finish_row(row, NULL, index, in, pg, b->env->sink, true, &now);
    current = true;
done:
    ra_manifest_row_free(row);
    ra_buf_free(&path);
    ra_buf_free(&data);
    return current;
}

/* The process the workers are forked from, made before any input is
 * scanned or any row kept: it holds what every worker needs (fonts,
 * schemas, checklist, template) and nothing of the batch, so a worker's
 * memory does not grow with the batch. The parent asks it over a socket:
 * "run" (a record's path, with the write end of the pipe the worker sends
 * its row on) is answered with the worker's pid, "wait" (a pid) with the
 * worker's exit status for that record. */
typedef struct {
    uint32_t kind; /* SPAWN_RUN or SPAWN_WAIT */
    int32_t pid;   /* for SPAWN_WAIT */
} spawn_msg_t;

enum { SPAWN_RUN = 1, SPAWN_WAIT = 2 };

#define SPAWN_MAX (sizeof(spawn_msg_t) + 8192)

/* A worker runs one record after another, each handed to it by the
 * spawner, so that the pages the first record wrote are not copied and
 * zeroed again for every later one (about a quarter of a report's CPU in
 * a fresh process). It ends after WORKER_RECORDS records, so what a record
 * leaves behind stays bounded, and after any record that did not succeed,
 * so that no record is run in a process a failure may have left in a
 * strange state. WORKER_POOL workers are kept; a batch with more jobs
 * forks the others for one record each. */
#define WORKER_RECORDS 100
#define WORKER_POOL 64

/* Room for the one descriptor a message carries (SCM_RIGHTS). */
typedef union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
} fd_cmsg_t;

/* A message of up to max bytes into bytes (NUL-terminated) and the
 * descriptor sent with it into *fd (-1 when none came; *lost is set when
 * one came and could not be taken, the process being out of them); its
 * length, 0 at the end of the socket, or -1 on an error. */
static ssize_t recv_with_fd(int sock, char *bytes, size_t max, int *fd, bool *lost)
{
    fd_cmsg_t ctl;
    struct iovec iov = {bytes, max};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    ssize_t n;
    while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        continue;
    *fd = -1;
    *lost = n > 0 && (mh.msg_flags & MSG_CTRUNC);
    struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
    if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
        memcpy(fd, CMSG_DATA(cm), sizeof *fd);
    if (n > 0)
        bytes[n] = '\0';
    return n;
}

/* Sends len bytes with descriptor fd; 0, or -1 with errno set. */
static int send_with_fd(int sock, const void *bytes, size_t len, int fd)
{
    fd_cmsg_t ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {(void *)bytes, len};
    struct msghdr mh = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    ssize_t n;
    while ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        continue;
    if (n == (ssize_t)len)
        return 0;
    if (n >= 0)
        errno = EPIPE;
    return -1;
}

/* A worker's loop: runs path with fd as its output, then, while it may go
 * on (ctl >= 0), tells the spawner on ctl that the record succeeded (with
 * its peak memory) and waits there for the next record. It ends with the
 * record's exit status when it stops, and with 0 when the spawner is done. */
static _Noreturn void worker_main(batch_t *b, int ctl, const char *path, int fd)
{
    char bytes[SPAWN_MAX + 1];
    for (unsigned done = 1;; done++) {
        int code = run_one(b, path, fd);
        close(fd);
        if (code != 0 || ctl < 0 || done >= WORKER_RECORDS)
            _exit(code);
        struct rusage ru = {0};
        getrusage(RUSAGE_SELF, &ru);
        int32_t said[2] = {0, (int32_t)ru.ru_maxrss};
        bool lost;
        if (send(ctl, said, sizeof said, MSG_NOSIGNAL) != (ssize_t)sizeof said ||
            recv_with_fd(ctl, bytes, SPAWN_MAX, &fd, &lost) <= 0 || fd < 0)
            _exit(0); /* the spawner is done (or the record cannot be answered) */
        path = bytes;
    }
}

/* A worker the spawner keeps: its pid, the spawner's end of the socket it
 * is handed records on, and whether it is running one. */
typedef struct {
    pid_t pid;
    int ctl;
    bool busy;
} pooled_t;

/* Forks a worker for path with fd as its output, kept in pool[*npool] when
 * there is room; its pid, or -1 with errno set. */
static pid_t fork_worker(batch_t *b, int sock, pooled_t *pool, size_t *npool, const char *path,
                         int fd)
{
    int sv[2] = {-1, -1};
    if (*npool < WORKER_POOL && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    pid_t self = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* A worker ends (removing its temporary file) when the spawner is
         * gone, which is when the batch is. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != self)
            _exit(RA_EXIT_IO);
        close(sock);
        for (size_t i = 0; i < *npool; i++)
            close(pool[i].ctl);
        if (sv[0] >= 0)
            close(sv[0]);
        ra_cleanup_unblock();
        worker_main(b, sv[1], path, fd);
    }
    int err = errno;
    if (sv[1] >= 0)
        close(sv[1]);
    if (pid > 0 && sv[0] >= 0)
        pool[(*npool)++] = (pooled_t){pid, sv[0], true};
    else if (sv[0] >= 0)
        close(sv[0]);
    errno = err;
    return pid;
}

/* Forgets pooled worker i (which has ended, or is made to). */
static void pool_drop(pooled_t *pool, size_t *npool, size_t i)
{
    close(pool[i].ctl);
    pool[i] = pool[--*npool];
}

/* Runs path in an idle worker of the pool, or in a new one; the pid, or -1
 * with errno set. */
static pid_t pool_run(batch_t *b, int sock, pooled_t *pool, size_t *npool, const char *path, int fd)
{
    for (size_t i = 0; i < *npool;) {
        if (pool[i].busy) {
            i++;
            continue;
        }
        if (send_with_fd(pool[i].ctl, path, strlen(path), fd) == 0) {
            pool[i].busy = true;
            return pool[i].pid;
        }
        /* It ended while idle (a signal): collected, and the next tried. */
        while (waitpid(pool[i].pid, NULL, 0) < 0 && errno == EINTR)
            continue;
        pool_drop(pool, npool, i);
    }
    return fork_worker(b, sock, pool, npool, path, fd);
}

/* The status of worker pid's record, and its peak memory (KiB) into
 * *maxrss: what a pooled worker says when it goes on, else its exit;
 * minus an errno when pid runs no record. */
static int pool_wait(pooled_t *pool, size_t *npool, pid_t pid, int32_t *maxrss)
{
    size_t i = 0;
    while (i < *npool && pool[i].pid != pid)
        i++;
    if (i < *npool) {
        if (!pool[i].busy)
            return -EINVAL; /* not running a record: nothing to wait for */
        int32_t said[2];
        ssize_t n;
        while ((n = recv(pool[i].ctl, said, sizeof said, 0)) < 0 && errno == EINTR)
            continue;
        if (n == (ssize_t)sizeof said) {
            pool[i].busy = false;
            *maxrss = said[1];
            return said[0] << 8; /* as wait reports exit(said[0]) */
        }
        pool_drop(pool, npool, i); /* it ended: its exit says how */
    }
    int status = 0;
    struct rusage ru = {0};
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
        continue;
    *maxrss = (int32_t)ru.ru_maxrss;
    return status;
}

/* The spawner's loop; ends when the parent closes its socket (or is gone).
 * The caught signals stay blocked in it: a worker it forks unblocks them
 * once it is set up, and the parent passes a signal on to the workers. */
static _Noreturn void spawner_main(batch_t *b, int sock, pid_t parent)
{
    /* It goes with the batch, also when the batch ended before this line. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    ra_cleanup_reset();
    pooled_t pool[WORKER_POOL];
    size_t npool = 0;
    for (;;) {
        union {
            spawn_msg_t m;
            char bytes[SPAWN_MAX + 1];
        } u;
        int fd;
        bool lost;
        ssize_t n = recv_with_fd(sock, u.bytes, SPAWN_MAX, &fd, &lost);
        if (n < (ssize_t)sizeof(spawn_msg_t))
            break;
        /* A pid, or minus the errno of what went wrong. */
        int32_t reply[2] = {-(lost ? EMFILE : EINVAL), 0};
        if (u.m.kind == SPAWN_RUN && fd >= 0) {
            pid_t pid = pool_run(b, sock, pool, &npool, u.bytes + sizeof(spawn_msg_t), fd);
            reply[0] = pid > 0 ? (int32_t)pid : -(int32_t)errno;
        } else if (u.m.kind == SPAWN_WAIT) {
            reply[0] = (int32_t)pool_wait(pool, &npool, (pid_t)u.m.pid, &reply[1]);
        }
        if (fd >= 0)
            close(fd);
        if (send(sock, reply, sizeof reply, MSG_NOSIGNAL) != (ssize_t)sizeof reply)
            break;
    }
    /* The idle workers end when their socket does; all are collected. */
    while (npool > 0) {
        pid_t pid = pool[0].pid;
        pool_drop(pool, &npool, 0);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            continue;
    }
    _exit(0);
}

/* Starts the spawner; its socket in *sock and its pid in *pid. */
static ra_status_t spawner_start(batch_t *b, int *sock, pid_t *pid)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return RA_ERR_IO;
    fflush(NULL);
    ra_cleanup_block();
    pid_t parent = getpid();
    pid_t p = fork();
    if (p == 0) {
        close(sv[0]);
        spawner_main(b, sv[1], parent);
    }
    ra_cleanup_unblock();
    close(sv[1]);
    if (p < 0) {
        close(sv[0]);
        return RA_ERR_IO;
    }
    *sock = sv[0];
    *pid = p;
    return RA_OK;
}

/* Stops the spawner: it ends when its socket closes. */
static void spawner_stop(int sock, pid_t pid)
{
    if (sock < 0)
        return;
    close(sock);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        continue;
}

/* Asks the spawner for a worker running path, with fd as its output; the
 * worker's pid, or -1 with errno set. */
static pid_t spawn_worker(int sock, const char *path, int fd)
{
    size_t len = strlen(path);
    if (len > SPAWN_MAX - sizeof(spawn_msg_t))
        return -1;
    char msg[SPAWN_MAX];
    spawn_msg_t m = {SPAWN_RUN, 0};
    memcpy(msg, &m, sizeof m);
    memcpy(msg + sizeof m, path, len);
    if (send_with_fd(sock, msg, sizeof m + len, fd) != 0)
        return -1;
    int32_t reply[2] = {-1, 0};
    ssize_t n;
    while ((n = recv(sock, reply, sizeof reply, 0)) < 0 && errno == EINTR)
        continue;
    if (n == (ssize_t)sizeof reply && reply[0] > 0)
        return (pid_t)reply[0];
    errno = n == (ssize_t)sizeof reply && reply[0] < 0 ? -reply[0] : n < 0 ? errno : EPIPE;
    return -1;
}

/* The exit status of worker pid, from the spawner, and its peak memory
 * into *maxrss (KiB) when larger; a worker whose status cannot be had
 * counts as killed. */
static int spawn_wait(int sock, pid_t pid, long *maxrss)
{
    spawn_msg_t m = {SPAWN_WAIT, (int32_t)pid};
    ssize_t n;
    while ((n = send(sock, &m, sizeof m, MSG_NOSIGNAL)) < 0 && errno == EINTR)
        continue;
    int32_t reply[2] = {-1, 0};
    if (n == (ssize_t)sizeof m)
        while ((n = recv(sock, reply, sizeof reply, 0)) < 0 && errno == EINTR)
            continue;
    if (n != (ssize_t)sizeof reply || reply[0] < 0)
        return SIGKILL;
    if (reply[1] > *maxrss)
        *maxrss = reply[1];
    return (int)reply[0];
}

/* Runs the inputs in up to jobs worker processes forked by the spawner, so
 * that memory never grows with the batch (a worker goes on to another
 * record only after one that succeeded: a crash or a failure ends it). An
 * input whose report the pack index shows current needs no worker. */
static ra_status_t run_workers(batch_t *b, inputs_t *in, unsigned jobs, progress_t *pg, int sock)
{
    worker_t *ws = calloc(jobs, sizeof *ws);
    struct pollfd *pfd = calloc(jobs, sizeof *pfd);
    if (!ws || !pfd) {
        free(ws);
        free(pfd);
        return RA_ERR_NOMEM;
    }
    /* A signal to the batch is passed on to the workers (each removes its
     * temporary file); the loop then stops starting records, collects the
     * workers and discards their reports (see cmd_batch). */
    volatile pid_t pids[jobs];
    for (unsigned j = 0; j < jobs; j++)
        pids[j] = 0;
    ra_cleanup_children(pids, jobs);
    ra_cleanup_defer(true);
    size_t next = 0, running = 0;
    fflush(NULL);
    bool stop = false;
    int why = 0; /* the errno of a worker that could not be started */
    while ((next < in->n && !stop) || running > 0) {
        for (unsigned j = 0; j < jobs && next < in->n && !stop; j++) {
            stop = ra_cleanup_pending() || in->idx_failed != RA_OK;
            if (ws[j].pid || stop)
                continue;
            if (index_current(b, in, next, pg)) {
                next++;
                j--; /* the slot is still free */
                if ((next & 255) == 0)
                    progress_draw(pg);
                continue;
            }
            int p[2];
            if (pipe2(p, O_CLOEXEC) != 0) {
                why = errno;
                stop = true;
                break;
            }
            /* A signal between the spawn and the worker's registration
             * would miss the worker: held off until it is registered. */
            ra_cleanup_block();
            pid_t pid = spawn_worker(sock, in->paths[next], p[1]);
            close(p[1]);
            if (pid < 0) {
                why = errno;
                ra_cleanup_unblock();
                close(p[0]);
                stop = true;
                break;
            }
            ws[j] = (worker_t){pid, p[0], next++, RA_BUF_INIT};
            pids[j] = pid;
            ra_cleanup_unblock();
            running++;
        }
        if (running == 0)
            break; /* a spawn failed, or nothing was left to run */
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
            int status = spawn_wait(sock, w->pid, &pg->maxrss);
            pids[map[i]] = 0;
            reap(b, w, in, pg, status);
            running--;
            progress_draw(pg);
        }
    }
    ra_cleanup_children(NULL, 0);
    ra_cleanup_defer(false);
    free(ws);
    free(pfd);
    if (in->idx_failed != RA_OK)
        return in->idx_failed;
    if (next < in->n && !ra_cleanup_pending()) {
        /* Out of processes or descriptors: the records not started are no
         * rows, and the batch says why. */
        ra_diag(b->env->sink, RA_DIAG_ERROR, in->paths[next], 0,
                "cannot start a worker for it (%zu record%s not done): %s", in->n - next,
                in->n - next == 1 ? "" : "s", strerror(why ? why : EAGAIN));
        return RA_ERR_IO;
    }
    return RA_OK;
}

/* Hands one row of the index to the portfolio. */
static ra_status_t feed_row(void *ctx, const ra_manifest_row_t *row)
{
    return ra_portfolio_add(ctx, row);
}

/* Feeds the rows of this run to the portfolio from the index, one at a
 * time, and writes it; it names the CSV or JSON manifest, when there is
 * one, whose bytes are final by now (an SQLite index is not named: its
 * bytes change with every later run). */
static ra_status_t write_summary(const ra_env_t *env, const ra_checklist_t *cl, const char *path,
                                 const char *manifest, ra_index_t *idx)
{
    ra_portfolio_t *p = ra_portfolio_new(env, cl);
    ra_status_t st = p ? RA_OK : RA_ERR_NOMEM;
    if (st == RA_OK)
        st = ra_index_each(idx, feed_row, p);
    if (st == RA_OK && manifest && !ra_cli_is_stdout(manifest) &&
        !ra_text_ends_with(manifest, ".sqlite"))
        st = ra_portfolio_set_manifest(p, manifest);
    if (st == RA_OK)
        st = ra_portfolio_write(p, path);
    ra_portfolio_free(p);
    return st;
}

/* Loads the default language's dictionary into the ra_hyph_t at arg (a
 * pthread start routine); its status, as a pointer-sized value. */
static void *hyph_thread(void *arg)
{
    const ra_hyph_dict_t *hd;
    return (void *)(intptr_t)ra_hyph_dict(arg, RA_LAYOUT_LANG, &hd);
}

/* Loads the default language's hyphenation dictionary into h, from a thread
 * of its own when one can be made. libhyphen reads a dictionary in small
 * blocks that it frees as it goes, 15,000 of them for English: in the main
 * malloc arena, every worker's allocations would land in those holes,
 * among pages the worker shares with the spawner, and the kernel would
 * copy each such page at the worker's first write (a third of a worker's
 * page faults). A thread's allocations come from an arena of its own,
 * which the workers (forked from the main thread) never allocate from. */
static ra_status_t hyph_load(ra_hyph_t *h)
{
    pthread_t t;
    void *st;
    /* The thread starts with the caught signals blocked: they stay the
     * main thread's to handle. */
    ra_cleanup_block();
    int made = pthread_create(&t, NULL, hyph_thread, h) == 0;
    ra_cleanup_unblock();
    if (!made)
        return (ra_status_t)(intptr_t)hyph_thread(h);
    pthread_join(t, &st);
    return (ra_status_t)(intptr_t)st;
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

    found_list_t all = {0};
    inputs_t in = {0};
    ra_checklist_t *cl = NULL;
    ra_template_t *tpl = NULL;
    ra_pdf_fonts_t *fonts = NULL;
    ra_hyph_t *hyph = NULL;
    ra_layout_memo_t *breaks = NULL;
    ra_status_t st = RA_OK;
    int rc = RA_EXIT_OK;
    ra_cli_file_t *reserved = NULL;
    size_t nres = 0;
    int lockfd = -1, sock = -1;
    pid_t spawner = -1;
    ra_buf_t clp = RA_BUF_INIT, tpp = RA_BUF_INIT;
    bool sqlite_manifest = o->manifest && ra_text_ends_with(o->manifest, ".sqlite");

    /* What every worker needs is read first, once, and the spawner the
     * workers come from is made then, before anything of the batch is kept
     * (see spawner_main). If the fonts cannot be read, each worker tries
     * and reports why. */
    st = ra_cli_checklist(cli, &cl);
    if (st == RA_OK)
        st = ra_cli_template(cli, &tpl);
    if (st != RA_OK) {
        rc = ra_cli_exit(cli, st);
        goto done;
    }
    ra_env_t env = *cli->env;
    if (ra_pipeline_fonts_new(&env, &fonts, NULL) == RA_OK)
        env.fonts = fonts;
    /* Readied once for every worker: shaping for Latin text, and
     * hb-subset's accelerator, which pays for itself after about a dozen
     * reports (the inputs are not counted yet: the spawner comes first). */
    if (fonts)
        ra_pdf_fonts_prepare(fonts, true);
    /* So is the default language's hyphenation dictionary. Another
     * language's is loaded by the first record of a worker that needs it
     * (German's takes libhyphen about 3 s), and kept for the worker's next
     * records. */
    if (ra_pipeline_hyph_new(&env, &hyph) == RA_OK && hyph_load(hyph) == RA_OK)
        env.hyph = hyph;
    if ((st = ra_loader_preload(env.loader)) != RA_OK) {
        rc = ra_cli_exit(cli, st);
        goto done;
    }
    /* A specimen's report, made and thrown away: what every report of
     * this checklist and template shapes and measures alike (titles,
     * questions, labels, headings) is kept with the fonts, and the break
     * opportunities of its table cells in breaks; each worker inherits
     * them rather than computing them again. It costs what about
     * WARM_MIN_RECORDS reports save: smaller batches go without. A
     * specimen that fails keeps nothing, and the workers shape everything
     * as before. */
    if (fonts && has_records(o->args, o->nargs, WARM_MIN_RECORDS) &&
        ra_layout_memo_new(&breaks) == RA_OK &&
        ra_pipeline_warm(&env, fonts, breaks, cl, tpl) == RA_OK)
        env.breaks = breaks;
    /* What start-up freed goes back to the system: a worker's allocations
     * then take fresh pages, not pages it shares with the spawner, which
     * the kernel copies on a worker's first write to each (at several
     * times the cost of a fresh page). */
    malloc_trim(0);
    ra_env_started();
    batch_t b = {cli, &env, cl, tpl, o->output, o->force, o->attach_source, o->strict};
    if (spawner_start(&b, &sock, &spawner) != RA_OK) {
        ra_diag(cli->env->sink, RA_DIAG_ERROR, NULL, 0, "cannot start the workers: %s",
                strerror(errno));
        rc = RA_EXIT_IO;
        goto done;
    }

    for (int i = 0; i < o->nargs && st == RA_OK; i++) {
        struct stat sb;
        if (stat(o->args[i], &sb) != 0) {
            ra_diag(cli->env->sink, RA_DIAG_ERROR, o->args[i], 0, "cannot open: %s",
                    strerror(errno));
            st = RA_ERR_IO;
        } else if (S_ISDIR(sb.st_mode))
            st = scan_dir(&all, o->args[i], (size_t)-1, 0, cli->env->sink);
        else {
            const char *slash = strrchr(o->args[i], '/');
            st = add_found(&all, o->args[i], slash ? (size_t)(slash - o->args[i]) + 1 : 0);
        }
    }
    if (st != RA_OK) {
        rc = ra_cli_exit(cli, st);
        goto done;
    }
    qsort(all.v, all.n, sizeof *all.v, cmp_found);
    for (size_t i = 0; i < all.n && st == RA_OK; i++)
        if (i == 0 || strcmp(all.v[i].path, all.v[i - 1].path) != 0)
            if (path_hash(all.v[i].path + all.v[i].key) % shard_n == shard_k - 1)
                st = add_input(&in, all.v[i].path);
    in.codes = calloc(in.n ? in.n : 1, sizeof *in.codes);
    in.id_keys = calloc(in.n ? in.n : 1, sizeof *in.id_keys);
    in.has_ids = hcreate_r(in.n * 2 + 16, &in.ids) != 0;
    if (st != RA_OK || !in.codes || !in.id_keys || !in.has_ids) {
        rc = ra_cli_exit(cli, RA_ERR_NOMEM);
        goto done;
    }
    /* Nothing is written over an input, and the manifest and the summary
     * are not one file: checked before anything is written. A report's
     * name comes from its record, so each is checked against the same
     * files before it is put in place (commit_row). */
    reserved = calloc(all.n + 5, sizeof *reserved);
    if (!reserved) {
        rc = RA_EXIT_IO;
        goto done;
    }
    if (o->manifest)
        reserved[nres++] = (ra_cli_file_t){"--manifest", o->manifest, true};
    if (o->summary)
        reserved[nres++] = (ra_cli_file_t){"--summary", o->summary, true};
    reserved[nres++] = (ra_cli_file_t){
        "the checklist", ra_cli_data_file(cli, o->checklist_path, "llmops-readiness.xml", &clp),
        false};
    reserved[nres++] = (ra_cli_file_t){
        "the template", ra_cli_data_file(cli, o->template_path, "default-report.xml", &tpp), false};
    if (tpl->logo_path)
        reserved[nres++] = (ra_cli_file_t){"the template's logo", tpl->logo_path, false};
    for (size_t i = 0; i < all.n; i++)
        reserved[nres++] = (ra_cli_file_t){"the record", all.v[i].path, false};
    bool made = mkdir(o->output, 0777) == 0;
    if (!made && errno != EEXIST) {
        ra_diag(cli->env->sink, RA_DIAG_ERROR, o->output, 0, "cannot create directory: %s",
                strerror(errno));
        rc = RA_EXIT_IO;
        goto done;
    }
    struct stat osb;
    int serr = stat(o->output, &osb) != 0 ? errno : !S_ISDIR(osb.st_mode) ? ENOTDIR : 0;
    if (serr) {
        ra_diag(cli->env->sink, RA_DIAG_ERROR, o->output, 0,
                "cannot use as the output directory: %s", strerror(serr));
        rc = RA_EXIT_IO;
        goto done;
    }

    /* After OUTDIR exists, so that outputs inside it compare too; a refused
     * run leaves no directory it made either. */
    if ((st = ra_cli_check_clashes(cli, reserved, nres)) != RA_OK) {
        if (made)
            rmdir(o->output);
        rc = ra_cli_exit(cli, st);
        goto done;
    }
    /* One batch per output directory: a second one into it would mix its
     * reports with this one's and each manifest would describe files the
     * other replaced. It fails at once rather than wait (a scheduler
     * retries it); the lock goes with the process, whatever ends it. */
    lockfd = open(o->output, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK)
            ra_diag(cli->env->sink, RA_DIAG_ERROR, o->output, 0,
                    "another batch is writing into this directory; run again when it has "
                    "finished");
        else
            ra_diag(cli->env->sink, RA_DIAG_ERROR, o->output, 0, "cannot lock the directory: %s",
                    strerror(e));
        rc = RA_EXIT_IO;
        goto done;
    }
    remove_stale(o->output);
    in.reserved = reserved;
    in.nreserved = nres;
    in.reserved_ids = calloc(nres, sizeof *in.reserved_ids);
    in.reserved_known = calloc(nres, sizeof *in.reserved_known);
    in.by_inode = calloc(nres, sizeof *in.by_inode);
    if (!in.reserved_ids || !in.reserved_known || !in.by_inode) {
        rc = RA_EXIT_IO;
        goto done;
    }
    for (size_t i = 0; i < nres; i++)
        if ((in.reserved_known[i] = ra_file_id(reserved[i].path, &in.reserved_ids[i]) == RA_OK) &&
            in.reserved_ids[i].exists)
            in.by_inode[in.nby_inode++] = i;
    qsort_r(in.by_inode, in.nby_inode, sizeof *in.by_inode, cmp_inode, in.reserved_ids);

    /* The pack index: the --manifest file when it is one (kept, and
     * completed by a re-run after a crash), else a temporary one. */
    char key[65];
    inputs_key(&env, cl, tpl, o->attach_source, o->strict, key);
    in.persistent = sqlite_manifest;
    if ((st = ra_index_open(sqlite_manifest ? o->manifest : NULL, key, cli->env->sink, &in.idx)) !=
        RA_OK) {
        rc = ra_cli_exit(cli, st);
        goto done;
    }
    progress_t pg = {isatty(STDERR_FILENO) != 0, o->quiet, in.n, 0, 0, 0, {0, 0}, 0};
    clock_gettime(CLOCK_MONOTONIC, &pg.start);
    st = run_workers(&b, &in, jobs, &pg, sock);
    if (ra_cleanup_pending()) {
        /* Ended by a signal: no manifest or summary describes a part of
         * the pack; the process ends as the signal would have it. */
        if (pg.tty && !pg.quiet)
            fprintf(stderr, "\r\033[K");
        rc = 128 + ra_cleanup_pending();
        goto done;
    }
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
    /* A report refused for being another output or an input makes the run
     * a usage error: the manifest and the summary are not written either. */
    if (st == RA_OK)
        st = ra_index_end_run(in.idx);
    if (st == RA_OK && o->manifest && !sqlite_manifest && !in.clash)
        st = ra_index_write_manifest(in.idx, o->manifest, cli->env->sink);
    if (st == RA_OK && o->summary && !in.clash)
        st = write_summary(&env, cl, o->summary, o->manifest, in.idx);
    if (!o->quiet) {
        /* The largest worker and this process: memory must not grow with
         * the batch. */
        struct rusage self;
        getrusage(RUSAGE_SELF, &self);
        printf("%zu done, %zu skipped, %zu failed (%zu record%s%s, %.1f s, largest worker %.1f "
               "MiB, batch %.1f MiB)\n",
               pg.done, pg.skipped, pg.failed, in.n, in.n == 1 ? "" : "s",
               shard_n > 1 ? ", this shard" : "", elapsed(&pg), (double)pg.maxrss / 1024.0,
               (double)self.ru_maxrss / 1024.0);
    }
    /* The worst failure wins: a clash (usage), then an I/O failure, then
     * a record refused by --strict, then an invalid record. */
    rc = st != RA_OK ? ra_cli_exit(cli, st) : RA_EXIT_OK;
    for (size_t i = 0; i < in.n; i++)
        if (failure_rank(in.codes[i]) > failure_rank(rc))
            rc = in.codes[i];
done:
    spawner_stop(sock, spawner);
    ra_index_free(in.idx);
    if (lockfd >= 0)
        close(lockfd);
    if (in.reserved_ids)
        for (size_t i = 0; i < in.nreserved; i++)
            ra_file_id_free(&in.reserved_ids[i]);
    free(in.reserved_ids);
    free(in.reserved_known);
    free(in.by_inode);
    free(reserved);
    free(in.codes);
    ra_buf_free(&clp);
    ra_buf_free(&tpp);
    for (size_t i = 0; i < all.n; i++)
        free(all.v[i].path);
    for (size_t i = 0; i < in.nids; i++)
        free(in.id_keys[i]);
    if (in.has_ids)
        hdestroy_r(&in.ids);
    free(all.v);
    free(in.paths);
    free(in.id_keys);
    ra_pdf_fonts_free(fonts);
    ra_hyph_free(hyph);
    ra_layout_memo_free(breaks);
    ra_template_free(tpl);
    ra_checklist_free(cl);
    ra_cleanup_finish();
    return rc;
}
