/* seal.c - atomic output: temporary file, fsync, rename. */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

ra_status_t ra_write_atomic(const char *path, const void *data, size_t len, ra_diag_sink_t *sink)
{
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
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp.data, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp.data);
        ra_diag(sink, RA_DIAG_ERROR, path, 0, "cannot write: %s", strerror(err));
    }
    ra_buf_free(&tmp);
    return err ? RA_ERR_IO : RA_OK;
}
