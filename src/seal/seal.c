/* seal.c - atomic output: temporary file, fsync, rename. */
#include "seal/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

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

int ra_pdf_complete(const char *pdf, size_t len)
{
    if (len < 16 || memcmp(pdf, "%PDF-", 5) != 0)
        return 0;
    /* The file ends "startxref\nOFFSET\n%%EOF" and OFFSET holds "xref". */
    size_t from = len > 64 ? len - 64 : 0;
    const char *sx = memmem(pdf + from, len - from, "startxref", 9);
    if (!sx || !memmem(sx, (size_t)(pdf + len - sx), "%%EOF", 5))
        return 0;
    char num[24] = {0};
    size_t k = 0;
    for (const char *p = sx + 9; p < pdf + len && k + 1 < sizeof num; p++)
        if (*p >= '0' && *p <= '9')
            num[k++] = *p;
        else if (k)
            break;
    unsigned long long off = strtoull(num, NULL, 10);
    return k && off > 0 && off + 4 <= len && memcmp(pdf + off, "xref", 4) == 0;
}
