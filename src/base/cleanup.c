/* cleanup.c - removing temporary files and stopping workers when a signal
 * ends the process. A signal handler can reach only what is static, so the
 * little it needs (a few file names, the children, the mode) is kept here,
 * and nothing else. */
#include "base/cleanup.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* At most this many temporary files are in flight in one process. */
enum { RA_CLEANUP_FILES = 4 };

static const char *volatile live[RA_CLEANUP_FILES];
static const volatile pid_t *volatile children;
static volatile size_t nchildren;
static volatile sig_atomic_t deferring, pending;

static const char *nomem_line;
static int nomem_status = 1;

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

/* Removes the temporary files and stops the children (from a signal
 * handler too: it only unlinks and kills). */
static void remove_all(void)
{
    for (size_t i = 0; i < RA_CLEANUP_FILES; i++)
        if (live[i])
            unlink(live[i]);
    for (size_t i = 0; i < nchildren; i++)
        if (children && children[i] > 0)
            kill(children[i], SIGTERM);
}

static void on_signal(int sig)
{
    remove_all();
    if (deferring) {
        if (!pending)
            pending = sig;
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void ra_cleanup_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof caught / sizeof *caught; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) {
        struct sigaction old;
        /* A signal ignored by whoever started us (nohup) stays ignored. */
        if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(caught[i], &sa, NULL);
    }
    signal(SIGXFSZ, SIG_IGN);
}

/* The caught signals as a set, for sigprocmask. */
static void caught_set(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < sizeof caught / sizeof *caught; i++)
        sigaddset(set, caught[i]);
}

void ra_cleanup_block(void)
{
    sigset_t set;
    caught_set(&set);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

void ra_cleanup_unblock(void)
{
    sigset_t set;
    caught_set(&set);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int ra_cleanup_mkstemp(char *tmpl)
{
    /* A signal pending while the file is created is delivered as the call
     * returns, before the file could be tracked: held off until it is. */
    ra_cleanup_block();
    int fd = mkstemp(tmpl);
    int err = errno;
    if (fd >= 0)
        ra_cleanup_track(tmpl);
    ra_cleanup_unblock();
    errno = err;
    return fd;
}

void ra_cleanup_track(const char *path)
{
    for (size_t i = 0; i < RA_CLEANUP_FILES; i++)
        if (!live[i]) {
            live[i] = path;
            return;
        }
}

void ra_cleanup_untrack(const char *path)
{
    for (size_t i = 0; i < RA_CLEANUP_FILES; i++)
        if (live[i] == path)
            live[i] = NULL;
}

void ra_cleanup_children(const volatile pid_t *pids, size_t n)
{
    nchildren = 0;
    children = pids;
    nchildren = pids ? n : 0;
}

void ra_cleanup_defer(bool defer)
{
    deferring = defer;
}

void ra_cleanup_reset(void)
{
    ra_cleanup_children(NULL, 0);
    deferring = 0;
    pending = 0;
    nomem_line = NULL; /* the parent says it */
    for (size_t i = 0; i < RA_CLEANUP_FILES; i++)
        live[i] = NULL;
}

int ra_cleanup_pending(void)
{
    return pending;
}

void ra_cleanup_on_nomem(const char *line, int status)
{
    nomem_line = line;
    nomem_status = status;
}

_Noreturn void ra_cleanup_out_of_memory(void)
{
    remove_all();
    if (nomem_line) {
        ssize_t n = write(STDERR_FILENO, nomem_line, strlen(nomem_line));
        (void)n; /* nothing more can be done about it */
    }
    _exit(nomem_status);
}

void ra_cleanup_finish(void)
{
    int sig = pending;
    if (!sig)
        return;
    signal(sig, SIG_DFL);
    raise(sig);
}
