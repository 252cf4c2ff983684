/* tls.c - loading GnuTLS on first use (tls.h says why). */
#define RA_TLS_LOADER
#include "seal/tls.h"

#include "base/dynlib.h"

/* The process's one copy of the library's functions, like the dynamic
 * linker's own tables: filled once, read-only afterwards. */
typedef struct {
    ra_dynlib_t lib;
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
    const ra_dynsym_t syms[] = {
#define RA_TLS_SYM(f) {#f, (void **)&s->fn.f},
        RA_TLS_FUNCTIONS(RA_TLS_SYM)
#undef RA_TLS_SYM
            {"gnutls_free", (void **)&s->fn.free_fn},
    };
    return ra_dynlib_load(&s->lib, RA_TLS_LIBRARY, syms, sizeof syms / sizeof *syms, why, n);
}

const ra_tls_t *ra_tls(void)
{
    return &tls_state()->fn;
}
