/* dynlib.c - a shared library loaded on first use (dynlib.h). */
#include "base/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

ra_status_t ra_dynlib_load(ra_dynlib_t *lib, const char *file, const ra_dynsym_t *syms, size_t n,
                           char *why, size_t wn)
{
    if (lib->state == 0) {
        void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
        lib->state = h ? 1 : -1;
        if (!h)
            snprintf(lib->why, sizeof lib->why, "cannot load %s: %s", file, dlerror());
        for (size_t i = 0; h && i < n; i++)
            if (!(*syms[i].slot = dlsym(h, syms[i].name))) {
                snprintf(lib->why, sizeof lib->why, "%s has no %s", file, syms[i].name);
                lib->state = -1;
                break;
            }
    }
    if (lib->state != 1) {
        snprintf(why, wn, "%s", lib->why);
        return RA_ERR_IO;
    }
    return RA_OK;
}
