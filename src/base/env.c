/* env.c - reading the reproducible date into the process environment; where the font chain
 * and the dictionary list are; the end of start-up. */
#include "base/env.h"

#include <dlfcn.h>

/* 9999-12-31T23:59:59Z: the last second a four-digit year can write. */
#define RA_EPOCH_MAX INT64_C(253402300799)

ra_status_t ra_env_set_epoch(ra_env_t *env, const char *value, const char **why)
{
    env->epoch_set = false;
    env->epoch = 0;
    *why = NULL;
    if (!value || !*value)
        return RA_OK;
    /* The reproducible-builds specification: an ASCII decimal integer,
     * seconds since 1970-01-01 UTC; anything else is an error, not a
     * guess. Only digits: no sign, space or fraction. */
    int64_t v = 0;
    for (const char *p = value; *p; p++) {
        if (*p < '0' || *p > '9') {
            *why = "must be a whole number of seconds since 1970-01-01 00:00:00 UTC (digits "
                   "only)";
            return RA_ERR_USAGE;
        }
        if (v > RA_EPOCH_MAX) /* keep reading: a later non-digit is the better message */
            continue;
        v = v * 10 + (*p - '0');
    }
    if (v > RA_EPOCH_MAX) {
        *why = "is after the year 9999 (the largest value is 253402300799)";
        return RA_ERR_USAGE;
    }
    env->epoch_set = true;
    env->epoch = v;
    return RA_OK;
}

void ra_env_started(void)
{
    /* Looked up, not linked: a build without the test shim pays one lookup. */
    void (*hook)(void);
    *(void **)&hook = dlsym(RTLD_DEFAULT, "ra_test_started");
    if (hook)
        hook();
}

ra_status_t ra_env_font_chain(const ra_env_t *env, ra_buf_t *tmp, const char **out)
{
    *out = env->font_chain;
    if (*out || !env->datadir)
        return RA_OK;
    ra_buf_clear(tmp);
    ra_status_t st = ra_buf_printf(tmp, "%s/fonts/chain.txt", env->datadir);
    *out = st == RA_OK ? ra_buf_str(tmp) : NULL;
    return st;
}

ra_status_t ra_env_hyph_list(const ra_env_t *env, ra_buf_t *tmp, const char **out)
{
    *out = env->hyph_list;
    if (*out || !env->datadir)
        return RA_OK;
    ra_buf_clear(tmp);
    ra_status_t st = ra_buf_printf(tmp, "%s/fonts/hyphen.txt", env->datadir);
    *out = st == RA_OK ? ra_buf_str(tmp) : NULL;
    return st;
}
