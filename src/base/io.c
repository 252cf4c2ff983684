/* io.c - bounded reads, atomic writes (temporary file, fsync, rename), checked closing. */
#include "base/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ra_status_t ra_read_file(const char *path, size_t max, ra_buf_t *buf, ra_diag_sink_t *sink)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot open: %s", strerror(errno));
        return RA_ERR_IO;
    }
    ra_status_t st = RA_OK;
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

ra_status_t ra_write_temp(const char *path, const void *data, size_t len, int durable,
                          ra_diag_sink_t *sink, char **tmp_out)
{
    *tmp_out = NULL;
    ra_buf_t tmp = RA_BUF_INIT;
    const char *slash = strrchr(path, '/');
    if (slash)
        ra_buf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        ra_buf_printf(&tmp, ".%s.XXXXXX", path);
    if (!tmp.data)
        return RA_ERR_NOMEM;
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot create a temporary file beside it: %s",
                strerror(errno));
        ra_buf_free(&tmp);
        return RA_ERR_IO;
    }
    /* mkstemp makes the file private; give it the usual mode under umask. */
    mode_t mask = umask(0);
    umask(mask);
    const char *p = data;
    size_t left = len;
    int err = fchmod(fd, 0666 & ~mask) != 0 ? errno : 0;
    while (!err && left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        p += n;
        left -= (size_t)n;
    }
    if (!err && durable && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (err) {
        unlink(tmp.data);
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot write: %s", strerror(err));
        ra_buf_free(&tmp);
        return RA_ERR_IO;
    }
    *tmp_out = tmp.data; /* handed over */
    return RA_OK;
}

ra_status_t ra_commit(const char *tmp, const char *path, ra_diag_sink_t *sink)
{
    if (rename(tmp, path) == 0)
        return RA_OK;
    int err = errno;
    unlink(tmp);
    ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot write: %s", strerror(err));
    return RA_ERR_IO;
}

ra_status_t ra_write_atomic(const char *path, const void *data, size_t len, ra_diag_sink_t *sink)
{
    char *tmp = NULL;
    ra_status_t st = ra_write_temp(path, data, len, 1, sink, &tmp);
    if (st == RA_OK)
        st = ra_commit(tmp, path, sink);
    free(tmp);
    return st;
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
