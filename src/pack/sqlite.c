/* sqlite.c - loading SQLite on first use (sqlite.h says why). */
#define RA_SQLITE_LOADER
#include "pack/sqlite.h"

#include <dlfcn.h>
#include <stdio.h>

/* The process's one copy of the library's functions, like the dynamic
 * linker's own tables: filled once, read-only afterwards. */
typedef struct {
    int state; /* 0 not loaded yet, 1 loaded, -1 could not be */
    char why[256];
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
    if (s->state == 0) {
        void *lib = dlopen(RA_SQLITE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        const char *missing = NULL;
        s->state = lib ? 1 : -1;
#define RA_SQLITE_BIND(f)                                          \
    if (lib && !missing && !(*(void **)&s->fn.f = dlsym(lib, #f))) \
        missing = #f;
        RA_SQLITE_FUNCTIONS(RA_SQLITE_BIND)
#undef RA_SQLITE_BIND
        if (!lib)
            snprintf(s->why, sizeof s->why, "cannot load %s: %s", RA_SQLITE_LIBRARY, dlerror());
        else if (missing) {
            snprintf(s->why, sizeof s->why, "%s has no %s", RA_SQLITE_LIBRARY, missing);
            s->state = -1;
        }
        /* The library stays loaded for the rest of the process. */
    }
    if (s->state != 1) {
        snprintf(why, n, "%s", s->why);
        return RA_ERR_IO;
    }
    return RA_OK;
}

const ra_sqlite_t *ra_sqlite(void)
{
    return &sqlite_state()->fn;
}
