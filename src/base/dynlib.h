/* dynlib.h - a shared library loaded on first use (GnuTLS for signatures,
 * SQLite for the pack index), so that commands that never need it do not
 * pay for binding its symbols at start-up. */
#ifndef RA_BASE_DYNLIB_H
#define RA_BASE_DYNLIB_H

#include <stddef.h>

#include "base/status.h"

/* One function to find: its name, and where its address goes. */
typedef struct {
    const char *name;
    void **slot;
} ra_dynsym_t;

/* How loading a library went: once per process, kept for later calls. */
typedef struct {
    int state; /* 0 not loaded yet, 1 loaded, -1 could not be */
    char why[256];
} ra_dynlib_t;

/* Loads file and binds syms[0..n) on the first call for lib; every call
 * says how that went: RA_OK, or RA_ERR_IO with why in why[0..wn) ("cannot
 * load FILE: ..." or "FILE has no NAME"). The library stays loaded for the
 * rest of the process. */
ra_status_t ra_dynlib_load(ra_dynlib_t *lib, const char *file, const ra_dynsym_t *syms, size_t n,
                           char *why, size_t wn);

#endif
