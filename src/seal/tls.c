/* tls.c - loading GnuTLS on first use (tls.h says why). */
#define RA_TLS_LOADER
#include "seal/tls.h"

#include <dlfcn.h>
#include <stdio.h>

/* The process's one copy of the library's functions, like the dynamic
 * linker's own tables: filled once, read-only afterwards. */
typedef struct {
    int state; /* 0 not loaded yet, 1 loaded, -1 could not be */
    char why[256];
    ra_tls_t fn;
} tls_state_t;

static tls_state_t *tls_state(void)
{
    static tls_state_t s;
    return &s;
}

ra_status_t ra_tls_load(char *why, size_t n)
{
    tls_state_t *s = tls_state();
    if (s->state == 0) {
        void *lib = dlopen(RA_TLS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
        const char *missing = NULL;
        s->state = lib ? 1 : -1;
#define RA_TLS_BIND(f)                                             \
    if (lib && !missing && !(*(void **)&s->fn.f = dlsym(lib, #f))) \
        missing = #f;
        RA_TLS_FUNCTIONS(RA_TLS_BIND)
#undef RA_TLS_BIND
        if (lib && !missing && !(*(void **)&s->fn.free_fn = dlsym(lib, "gnutls_free")))
            missing = "gnutls_free";
        if (!lib)
            snprintf(s->why, sizeof s->why, "cannot load %s: %s", RA_TLS_LIBRARY, dlerror());
        else if (missing) {
            snprintf(s->why, sizeof s->why, "%s has no %s", RA_TLS_LIBRARY, missing);
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

const ra_tls_t *ra_tls(void)
{
    return &tls_state()->fn;
}
