/* sqlite.h - SQLite, loaded when a batch first opens its pack index.
 *
 * Only a batch keeps a pack index; every other command (report, validate,
 * score, verify...) would pay for loading SQLite at start-up and never
 * call it: with its 1,600 symbols bound at load time (the library is built
 * with -z now), about 0.5 ms of CPU of every process. index.c includes
 * this header (it includes SQLite's own), which routes each sqlite3_ call
 * it makes through the library loaded by ra_sqlite_load. */
#ifndef RA_SQLITE_H
#define RA_SQLITE_H

#include <sqlite3.h>
#include <stddef.h>

#include "base/status.h"

/* The library's soname (Debian 12: libsqlite3-0). */
#define RA_SQLITE_LIBRARY "libsqlite3.so.0"

/* Every SQLite function readyaudit calls. */
#define RA_SQLITE_FUNCTIONS(X)       \
    X(sqlite3_bind_double)           \
    X(sqlite3_bind_int64)            \
    X(sqlite3_bind_null)             \
    X(sqlite3_bind_text)             \
    X(sqlite3_busy_timeout)          \
    X(sqlite3_clear_bindings)        \
    X(sqlite3_close)                 \
    X(sqlite3_column_int64)          \
    X(sqlite3_column_text)           \
    X(sqlite3_column_type)           \
    X(sqlite3_errcode)               \
    X(sqlite3_errmsg)                \
    X(sqlite3_errstr)                \
    X(sqlite3_exec)                  \
    X(sqlite3_extended_result_codes) \
    X(sqlite3_finalize)              \
    X(sqlite3_get_autocommit)        \
    X(sqlite3_open_v2)               \
    X(sqlite3_prepare_v2)            \
    X(sqlite3_reset)                 \
    X(sqlite3_step)

/* The loaded library's functions. */
typedef struct {
#define RA_SQLITE_FIELD(f) __typeof__(f) *f;
    RA_SQLITE_FUNCTIONS(RA_SQLITE_FIELD)
#undef RA_SQLITE_FIELD
} ra_sqlite_t;

/* Loads SQLite on the first call (later calls say how that went): RA_OK,
 * or RA_ERR_IO with why in why[0..n) (the library or a function missing). */
ra_status_t ra_sqlite_load(char *why, size_t n);

/* The loaded functions; only after ra_sqlite_load gave RA_OK. */
const ra_sqlite_t *ra_sqlite(void);

#ifndef RA_SQLITE_LOADER
#define sqlite3_bind_double (ra_sqlite()->sqlite3_bind_double)
#define sqlite3_bind_int64 (ra_sqlite()->sqlite3_bind_int64)
#define sqlite3_bind_null (ra_sqlite()->sqlite3_bind_null)
#define sqlite3_bind_text (ra_sqlite()->sqlite3_bind_text)
#define sqlite3_busy_timeout (ra_sqlite()->sqlite3_busy_timeout)
#define sqlite3_clear_bindings (ra_sqlite()->sqlite3_clear_bindings)
#define sqlite3_close (ra_sqlite()->sqlite3_close)
#define sqlite3_column_int64 (ra_sqlite()->sqlite3_column_int64)
#define sqlite3_column_text (ra_sqlite()->sqlite3_column_text)
#define sqlite3_column_type (ra_sqlite()->sqlite3_column_type)
#define sqlite3_errcode (ra_sqlite()->sqlite3_errcode)
#define sqlite3_errmsg (ra_sqlite()->sqlite3_errmsg)
#define sqlite3_errstr (ra_sqlite()->sqlite3_errstr)
#define sqlite3_exec (ra_sqlite()->sqlite3_exec)
#define sqlite3_extended_result_codes (ra_sqlite()->sqlite3_extended_result_codes)
#define sqlite3_finalize (ra_sqlite()->sqlite3_finalize)
#define sqlite3_get_autocommit (ra_sqlite()->sqlite3_get_autocommit)
#define sqlite3_open_v2 (ra_sqlite()->sqlite3_open_v2)
#define sqlite3_prepare_v2 (ra_sqlite()->sqlite3_prepare_v2)
#define sqlite3_reset (ra_sqlite()->sqlite3_reset)
#define sqlite3_step (ra_sqlite()->sqlite3_step)
#endif

#endif
