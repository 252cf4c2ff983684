/* cleanup.h - what a signal that ends the process must not leave behind:
 * the temporary files it is writing, and the workers of a batch.
 *
 * SIGINT, SIGTERM and SIGHUP remove the tracked temporary files, are passed
 * on to the registered child processes, and then end the process with the
 * conventional status (the signal's default action). SIGXFSZ is ignored,
 * so that a write beyond `ulimit -f` fails with EFBIG ("File too large")
 * and is reported like any other write error. A process that cleans up in
 * its own loop (the batch parent) defers instead: the signal is recorded
 * and passed on, and ra_cleanup_pending says which it was. */
#ifndef RA_CLEANUP_H
#define RA_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Installs the handlers; once per process, before any temporary file. */
void ra_cleanup_install(void);

/* Holds off the caught signals, and lets them through again (a signal that
 * came meanwhile is then handled): around a step that must not be cut in
 * two, such as creating a file and tracking it, or forking a worker and
 * registering it. Not nested. */
void ra_cleanup_block(void);
void ra_cleanup_unblock(void);

/* Creates a temporary file from tmpl (as mkstemp) and tracks it, with no
 * moment in between at which a signal could leave it behind; the file
 * descriptor, or -1 with errno set. */
int ra_cleanup_mkstemp(char *tmpl);

/* Tracks a temporary file being written (path must stay valid until it is
 * untracked), and stops tracking it once renamed, handed over or removed. */
void ra_cleanup_track(const char *path);
void ra_cleanup_untrack(const char *path);

/* The child processes a signal is passed on to (borrowed; n entries, 0 for
 * none), and whether the process defers to its own loop. A forked worker
 * calls ra_cleanup_reset to stop acting for its parent (it also stops
 * printing the out-of-memory line: the parent says it). */
void ra_cleanup_children(const volatile pid_t *pids, size_t n);
void ra_cleanup_defer(bool defer);
void ra_cleanup_reset(void);

/* The signal recorded while deferring, or 0. */
int ra_cleanup_pending(void);

/* How the process ends when an allocation inside libxml2 or libharu fails:
 * the line to print (static storage, e.g. "readyaudit report: out of
 * memory\n"; NULL prints nothing, as in a batch worker, whose parent says
 * it) and the exit status. */
void ra_cleanup_on_nomem(const char *line, int status);

/* Ends the process after such a failure. Both libraries free memory twice
 * or follow a null pointer on some of their out-of-memory paths (libxml2's
 * schema validation, libharu's page tree), so their allocators stop the
 * process instead of returning NULL into them: the tracked temporary files
 * are removed, the children stopped, the line printed, and the process
 * exits with the status set above. */
_Noreturn void ra_cleanup_out_of_memory(void);

/* Ends the process as the recorded signal would have (after the caller
 * cleaned up); returns when none is recorded. */
void ra_cleanup_finish(void);

#endif
