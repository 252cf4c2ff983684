/* sqlite.c - loading SQLite on first use (sqlite.h says why). */
#define RA_SQLITE_LOADER
#include "pack/sqlite.h"

#include "base/dynlib.h"

/* The process's one copy of the library's functions, like the dynamic
 * linker's own tables: filled once, read-only afterwards. */
typedef struct {
    ra_dynlib_t lib;
    ra_sqlite_t fn;
} sqlite_state_t;

static sqlite_state_t *sqlite_state(void)
{
    static sqlite_state_t s;
    return &s;
}

ra_status_t ra_sqlite_load(char *why, size_t n)
{
    sqlite_state_t *s = sqlite_state();
    const ra_dynsym_t syms[] = {
#define RA_SQLITE_SYM(f) {#f, (void **)&s->fn.f},
        RA_SQLITE_FUNCTIONS(RA_SQLITE_SYM)
#undef RA_SQLITE_SYM
    };
    return ra_dynlib_load(&s->lib, RA_SQLITE_LIBRARY, syms, sizeof syms / sizeof *syms, why, n);
}

const ra_sqlite_t *ra_sqlite(void)
{
    return &sqlite_state()->fn;
}
