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

int ra_pdf_file_complete(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char head[8] = {0}, tail[64] = {0}, at[8] = {0};
    int ok = fread(head, 1, 5, f) == 5 && memcmp(head, "%PDF-", 5) == 0;
    long size = ok && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    long from = size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0;
    ok = ok && size > 0 && fseek(f, from, SEEK_SET) == 0 &&
         fread(tail, 1, (size_t)(size - from), f) == (size_t)(size - from);
    /* The file ends "startxref\nOFFSET\n%%EOF" and OFFSET holds "xref". */
    const char *sx = ok ? strstr(tail, "startxref") : NULL;
    long off = sx ? strtol(sx + 9, NULL, 10) : -1;
    ok = ok && sx && strstr(sx, "%%EOF") && off > 0 && off < size &&
         fseek(f, off, SEEK_SET) == 0 && fread(at, 1, 4, f) == 4 && memcmp(at, "xref", 4) == 0;
    fclose(f);
    return ok;
}
