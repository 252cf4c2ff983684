/* io.h - file input and output: bounded reads, atomic and deferred writes,
 * checked closing. Every failure goes to the sink under the file's name. */
#ifndef RA_IO_H
#define RA_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/status.h"

/* Opens a regular file for reading (never blocking on a FIFO) into *out,
 * which the caller closes; failures are reported to sink under its name. */
ra_status_t ra_open_read(const char *path, FILE **out, ra_diag_sink_t *sink);

/* Reads a whole regular file into buf (at most max bytes; larger is RA_ERR_LIMIT),
 * reporting failures to sink under the file's name. */
ra_status_t ra_read_file(const char *path, size_t max, ra_buf_t *buf, ra_diag_sink_t *sink);
/* The same, and fills *sb with fstat of the descriptor that was read: the
 * stat of the very file whose bytes are in buf, whatever is at path now. */
ra_status_t ra_read_file_stat(const char *path, size_t max, ra_buf_t *buf, ra_diag_sink_t *sink,
                              struct stat *sb);

/* Writes all of len bytes to fd, retrying on EINTR; 0, or the errno of the failure. */
int ra_write_fd(int fd, const char *p, size_t len);

/* Writes len bytes to path as trusted tools do. A regular file (or a new
 * path) gets a temporary file in the same directory, flushed to disk and
 * renamed into place: readers see the old file or the complete new one,
 * never a part; a replaced file keeps its mode (and owner, where permitted);
 * a symlink to a regular file is written through. "-" (standard output) and
 * what must not be replaced (a device, a FIFO, a file reached through
 * /proc/self/fd such as /dev/stdout) are written directly. On failure
 * nothing is left behind and the reason goes to sink. */
ra_status_t ra_write_atomic(const char *path, const void *data, size_t len, ra_diag_sink_t *sink);

/* The first half of ra_write_atomic: writes a temporary file
 * (.NAME.PID.XXXXXX, tracked for removal on a signal, see cleanup.h) beside path
 * (flushed to disk when durable) and stores its name in *tmp (the caller
 * frees it), for a caller that decides later whether to rename it into
 * place (ra_commit) or discard it (unlink). A caller writing many files may
 * skip the flush of each and sync the file system once at the end. */
ra_status_t ra_write_temp(const char *path, const void *data, size_t len, int durable,
                          ra_diag_sink_t *sink, char **tmp);
/* The same, and fills *sb with fstat of the descriptor written, once every
 * byte is in (a rename into place changes only its ctime). */
ra_status_t ra_write_temp_stat(const char *path, const void *data, size_t len, int durable,
                               ra_diag_sink_t *sink, char **tmp, struct stat *sb);

/* Renames a temporary file into place; on failure removes it. Either way
 * it is no longer tracked (a caller that unlinks one itself untracks it). */
ra_status_t ra_commit(const char *tmp, const char *path, ra_diag_sink_t *sink);

/* A file written in pieces, with the guarantees of ra_write_atomic: a
 * regular file gets a temporary file beside it, renamed into place by
 * ra_out_commit; "-", a device, a FIFO or a /proc/self/fd path is written
 * directly. Memory stays bounded whatever is written. ra_out_commit and
 * ra_out_discard free it; on any failure nothing is left behind and the
 * reason goes to the sink (once). */
typedef struct ra_out ra_out_t;
ra_status_t ra_out_open(const char *path, ra_diag_sink_t *sink, ra_out_t **out);
ra_status_t ra_out_write(ra_out_t *o, const void *data, size_t len);
ra_status_t ra_out_commit(ra_out_t *o);
void ra_out_discard(ra_out_t *o);

/* What a path names, for telling whether two paths are one file: device
 * and inode after following symlinks, or, for a file that does not exist
 * yet, those of its resolved directory and its name. */
typedef struct {
    bool exists;
    dev_t dev;
    ino_t ino;
    char *name; /* owned; set when !exists */
} ra_file_id_t;

/* Fills id for path; RA_ERR_IO when neither it nor its directory exists. */
ra_status_t ra_file_id(const char *path, ra_file_id_t *id);
bool ra_file_id_same(const ra_file_id_t *a, const ra_file_id_t *b);
void ra_file_id_free(ra_file_id_t *id);

/* Closes a stream (standard output is only flushed), and says whether every
 * write to it succeeded: RA_ERR_IO, with errno set, when one failed. */
ra_status_t ra_close_stream(FILE *f);

#endif
