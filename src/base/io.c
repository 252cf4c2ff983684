/* io.c - bounded reads of regular files, writes like trusted tools (temporary
 * file, fsync, rename for regular files; directly for devices, FIFOs and
 * standard output), file identities for clash checks, checked closing. */
#include "base/io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"

/* A short name for the kind of a file that is not a regular one. */
static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "of an unknown kind";
}

ra_status_t ra_open_read(const char *path, FILE **out, ra_diag_sink_t *sink)
{
    *out = NULL;
    /* Opened without blocking, so that a FIFO with no writer cannot hang the
     * run before it is refused. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
        return RA_ERR_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        close(fd);
        return RA_ERR_IO;
    }
    if (S_ISDIR(sb.st_mode)) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "read error: %s", strerror(EISDIR));
        close(fd);
        return RA_ERR_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot read: not a regular file (%s)",
                file_kind(sb.st_mode));
        close(fd);
        return RA_ERR_IO;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        /* fdopen fails only for want of memory: said as such, exit 4. */
        bool nomem = errno == ENOMEM;
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "%s",
                nomem ? ra_strerror(RA_ERR_NOMEM) : strerror(errno));
        close(fd);
        return nomem ? RA_ERR_NOMEM : RA_ERR_IO;
    }
    *out = f;
    return RA_OK;
}

ra_status_t ra_read_file(const char *path, size_t max, ra_buf_t *buf, ra_diag_sink_t *sink)
{
    return ra_read_file_stat(path, max, buf, sink, NULL);
}

ra_status_t ra_read_file_stat(const char *path, size_t max, ra_buf_t *buf, ra_diag_sink_t *sink,
                              struct stat *sb)
{
    FILE *f;
    ra_status_t st = ra_open_read(path, &f, sink);
    if (st != RA_OK)
        return st;
    if (sb && fstat(fileno(f), sb) != 0) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot stat: %s", strerror(errno));
        st = RA_ERR_IO;
        goto done;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf->len + n > max) {
            ra_diag(sink, RA_DIAG_ERROR, path, 0, "file is larger than the limit of %zu bytes",
                    max);
            st = RA_ERR_LIMIT;
            goto done;
        }
        if ((st = ra_buf_append(buf, chunk, n)) != RA_OK)
            goto done;
    }
    if (ferror(f)) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "read error: %s", strerror(errno));
        st = RA_ERR_IO;
    }
done:
    fclose(f);
    return st;
}

/* Follows the symlinks of path's last component into out: the file a write
 * to path means. Sets *proc when a link leads into /proc or /dev/fd (such as
 * /dev/stdout), whose target must be written through, never replaced. */
static ra_status_t resolve_target(const char *path, ra_buf_t *out, bool *proc)
{
    *proc = false;
    ra_buf_clear(out);
    if (ra_buf_puts(out, path) != RA_OK)
        return RA_ERR_NOMEM;
    for (int hops = 0; hops < 40; hops++) {
        struct stat sb;
        if (lstat(ra_buf_str(out), &sb) != 0 || !S_ISLNK(sb.st_mode))
            return RA_OK;
        char link[PATH_MAX];
        ssize_t n = readlink(ra_buf_str(out), link, sizeof link - 1);
        if (n < 0)
            return RA_OK;
        link[n] = '\0';
        if (strncmp(link, "/proc/", 6) == 0 || strncmp(link, "/dev/fd/", 8) == 0) {
            *proc = true;
            return RA_OK;
        }
        if (link[0] == '/') {
            ra_buf_clear(out);
            ra_buf_puts(out, link);
        } else {
            /* Relative to the directory of the link. */
            const char *s = ra_buf_str(out);
            const char *slash = strrchr(s, '/');
            size_t keep = slash ? (size_t)(slash - s) + 1 : 0;
            out->len = keep;
            if (out->data)
                out->data[keep] = '\0';
            ra_buf_puts(out, link);
        }
        if (!out->data)
            return RA_ERR_NOMEM;
    }
    return RA_OK;
}

int ra_write_fd(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Writes straight into a file that must not be replaced: standard output, a
 * device, a FIFO, a file reached through /proc/self/fd. */
static ra_status_t write_direct(const char *path, const void *data, size_t len,
                                ra_diag_sink_t *sink)
{
    bool is_stdout = strcmp(path, "-") == 0;
    const char *name = is_stdout ? "standard output" : path;
    int fd = is_stdout ? STDOUT_FILENO : open(path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        ra_diag(sink, RA_DIAG_ERROR, name, 0, "cannot open for writing: %s", strerror(errno));
        return RA_ERR_IO;
    }
    int err = ra_write_fd(fd, data, len);
    /* A regular file behind /proc/self/fd is flushed like any other; a
     * device or pipe may not support it, which is no error. */
    struct stat sb;
    if (!err && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && fsync(fd) != 0 && errno != EINVAL)
        err = errno;
    if (!is_stdout && close(fd) != 0 && !err && errno != EINTR)
        err = errno;
    if (err) {
        ra_diag(sink, RA_DIAG_ERROR, name, 0, "cannot write: %s", strerror(err));
        return RA_ERR_IO;
    }
    return RA_OK;
}

ra_status_t ra_write_temp(const char *path, const void *data, size_t len, int durable,
                          ra_diag_sink_t *sink, char **tmp_out)
{
    return ra_write_temp_stat(path, data, len, durable, sink, tmp_out, NULL);
}

ra_status_t ra_write_temp_stat(const char *path, const void *data, size_t len, int durable,
                               ra_diag_sink_t *sink, char **tmp_out, struct stat *sb)
{
    *tmp_out = NULL;
    ra_buf_t tmp = RA_BUF_INIT;
    /* ".NAME.PID.XXXXXX": hidden, never at a report's name, and saying
     * which process wrote it (a batch removes those whose writer is gone). */
    const char *slash = strrchr(path, '/');
    if (slash)
        ra_buf_printf(&tmp, "%.*s/.%s.%ld.XXXXXX", (int)(slash - path), path, slash + 1,
                      (long)getpid());
    else
        ra_buf_printf(&tmp, ".%s.%ld.XXXXXX", path, (long)getpid());
    if (!tmp.data)
        return RA_ERR_NOMEM;
    int fd = ra_cleanup_mkstemp(tmp.data); /* tracked until renamed or removed */
    if (fd < 0) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot create a temporary file beside it: %s",
                strerror(errno));
        ra_buf_free(&tmp);
        return RA_ERR_IO;
    }
    /* mkstemp makes the file private. A file that is replaced keeps its mode
     * (and owner, where we may set it); a new one gets the usual mode under
     * the umask. */
    struct stat old;
    int err = 0;
    if (stat(path, &old) == 0 && S_ISREG(old.st_mode)) {
        if (fchown(fd, old.st_uid, old.st_gid) != 0 && fchown(fd, (uid_t)-1, old.st_gid) != 0) {
            /* Not permitted: the file becomes ours, as with any other writer. */
        }
        err = fchmod(fd, old.st_mode & 07777) != 0 ? errno : 0;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        err = fchmod(fd, 0666 & ~mask) != 0 ? errno : 0;
    }
    if (!err)
        err = ra_write_fd(fd, data, len);
    if (!err && durable && fsync(fd) != 0)
        err = errno;
    if (!err && sb && fstat(fd, sb) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (err) {
        unlink(tmp.data);
        ra_cleanup_untrack(tmp.data);
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot write: %s", strerror(err));
        ra_buf_free(&tmp);
        return RA_ERR_IO;
    }
    *tmp_out = tmp.data; /* handed over, still tracked */
    return RA_OK;
}

ra_status_t ra_commit(const char *tmp, const char *path, ra_diag_sink_t *sink)
{
    int ok = rename(tmp, path) == 0;
    int err = errno;
    if (!ok)
        unlink(tmp);
    ra_cleanup_untrack(tmp);
    if (ok)
        return RA_OK;
    ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot write: %s", strerror(err));
    return RA_ERR_IO;
}

ra_status_t ra_write_atomic(const char *path, const void *data, size_t len, ra_diag_sink_t *sink)
{
    if (strcmp(path, "-") == 0)
        return write_direct(path, data, len, sink);
    ra_buf_t target = RA_BUF_INIT;
    bool proc = false;
    ra_status_t st = resolve_target(path, &target, &proc);
    struct stat sb;
    if (st == RA_OK && (proc || (stat(ra_buf_str(&target), &sb) == 0 && !S_ISREG(sb.st_mode) &&
                                 !S_ISDIR(sb.st_mode)))) {
        st = write_direct(path, data, len, sink);
        ra_buf_free(&target);
        return st;
    }
    /* A symlink to a regular file is written through: the file it names is
     * replaced, the link stays. */
    const char *real = st == RA_OK ? ra_buf_str(&target) : path;
    char *tmp = NULL;
    if (st == RA_OK)
        st = ra_write_temp(real, data, len, 1, sink, &tmp);
    if (st == RA_OK)
        st = ra_commit(tmp, real, sink);
    free(tmp);
    ra_buf_free(&target);
    return st;
}

struct ra_out {
    int fd;
    bool direct, is_stdout;
    char *tmp;  /* the temporary file (tracked), when not direct */
    char *path; /* where it goes (the file a symlink names) */
    ra_buf_t pend;
    int err;
    ra_diag_sink_t *sink;
};

/* Writes what is pending; remembers the first error. */
static void out_flush(ra_out_t *o)
{
    if (!o->err && o->pend.len)
        o->err = ra_write_fd(o->fd, o->pend.data, o->pend.len);
    ra_buf_clear(&o->pend);
}

ra_status_t ra_out_open(const char *path, ra_diag_sink_t *sink, ra_out_t **out)
{
    *out = NULL;
    ra_out_t *o = calloc(1, sizeof *o);
    if (!o)
        return RA_ERR_NOMEM;
    o->fd = -1;
    o->sink = sink;
    o->pend = (ra_buf_t)RA_BUF_INIT;
    ra_buf_t target = RA_BUF_INIT;
    bool proc = false;
    ra_status_t st = RA_OK;
    if (strcmp(path, "-") == 0) {
        o->direct = o->is_stdout = true;
        o->fd = STDOUT_FILENO;
        o->path = strdup("standard output");
    } else if ((st = resolve_target(path, &target, &proc)) == RA_OK) {
        struct stat sb;
        o->direct = proc || (stat(ra_buf_str(&target), &sb) == 0 && !S_ISREG(sb.st_mode) &&
                             !S_ISDIR(sb.st_mode));
        o->path = strdup(o->direct ? path : ra_buf_str(&target));
    }
    ra_buf_free(&target);
    if (st == RA_OK && !o->path)
        st = RA_ERR_NOMEM;
    if (st == RA_OK && o->direct && !o->is_stdout &&
        (o->fd = open(o->path, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC)) < 0) {
        ra_diag(sink, RA_DIAG_ERROR, o->path, 0, "cannot open for writing: %s", strerror(errno));
        st = RA_ERR_IO;
    }
    /* A temporary file of no bytes now; the pieces are appended to it. */
    if (st == RA_OK && !o->direct &&
        (st = ra_write_temp(o->path, "", 0, 0, sink, &o->tmp)) == RA_OK &&
        (o->fd = open(o->tmp, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0) {
        ra_diag(sink, RA_DIAG_ERROR, o->path, 0, "cannot write: %s", strerror(errno));
        st = RA_ERR_IO;
    }
    if (st != RA_OK) {
        ra_out_discard(o);
        return st;
    }
    *out = o;
    return RA_OK;
}

ra_status_t ra_out_write(ra_out_t *o, const void *data, size_t len)
{
    if (ra_buf_append(&o->pend, data, len) != RA_OK)
        return RA_ERR_NOMEM;
    if (o->pend.len >= 65536)
        out_flush(o);
    return RA_OK;
}

ra_status_t ra_out_commit(ra_out_t *o)
{
    out_flush(o);
    struct stat sb;
    if (!o->err && !o->is_stdout && fstat(o->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
        fsync(o->fd) != 0 && errno != EINVAL)
        o->err = errno;
    if (!o->is_stdout && o->fd >= 0 && close(o->fd) != 0 && !o->err && errno != EINTR)
        o->err = errno;
    o->fd = -1;
    ra_status_t st = RA_OK;
    if (o->err) {
        ra_diag(o->sink, RA_DIAG_ERROR, o->path, 0, "cannot write: %s", strerror(o->err));
        st = RA_ERR_IO;
    } else if (o->tmp) {
        st = ra_commit(o->tmp, o->path, o->sink);
        free(o->tmp);
        o->tmp = NULL;
    }
    ra_out_discard(o);
    return st;
}

void ra_out_discard(ra_out_t *o)
{
    if (!o)
        return;
    if (!o->is_stdout && o->fd >= 0)
        close(o->fd);
    if (o->tmp) {
        unlink(o->tmp);
        ra_cleanup_untrack(o->tmp);
        free(o->tmp);
    }
    ra_buf_free(&o->pend);
    free(o->path);
    free(o);
}

ra_status_t ra_file_id(const char *path, ra_file_id_t *id)
{
    memset(id, 0, sizeof *id);
    struct stat sb;
    if (stat(path, &sb) == 0) {
        id->exists = true;
        id->dev = sb.st_dev;
        id->ino = sb.st_ino;
        return RA_OK;
    }
    /* Not there yet: its resolved directory and its name. A dangling
     * symlink means the file it points to. */
    ra_buf_t target = RA_BUF_INIT;
    bool proc;
    if (resolve_target(path, &target, &proc) != RA_OK) {
        ra_buf_free(&target);
        return RA_ERR_NOMEM;
    }
    char *a = strdup(ra_buf_str(&target)), *b = strdup(ra_buf_str(&target));
    ra_buf_free(&target);
    if (!a || !b) {
        free(a);
        free(b);
        return RA_ERR_NOMEM;
    }
    const char *dir = dirname(a), *base = basename(b);
    ra_status_t st = RA_ERR_IO;
    if (stat(dir, &sb) == 0 && (id->name = strdup(base)) != NULL) {
        id->dev = sb.st_dev;
        id->ino = sb.st_ino;
        st = RA_OK;
    }
    free(a);
    free(b);
    return st;
}

bool ra_file_id_same(const ra_file_id_t *a, const ra_file_id_t *b)
{
    if (a->exists != b->exists || a->dev != b->dev || a->ino != b->ino)
        return false;
    return a->exists || (a->name && b->name && strcmp(a->name, b->name) == 0);
}

void ra_file_id_free(ra_file_id_t *id)
{
    free(id->name);
    id->name = NULL;
}

ra_status_t ra_close_stream(FILE *f)
{
    int bad = ferror(f);
    if (f == stdout)
        bad |= fflush(f) != 0;
    else
        bad |= fclose(f) != 0;
    return bad ? RA_ERR_IO : RA_OK;
}
