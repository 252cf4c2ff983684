/* env.c - reading the reproducible date into the process environment. */
#include "base/env.h"

#include <stdlib.h>

void ra_env_set_epoch(ra_env_t *env, const char *value)
{
    env->epoch_set = value && *value;
    env->epoch_valid = false;
    env->epoch = 0;
    if (!env->epoch_set)
        return;
    char *end;
    long long v = strtoll(value, &end, 10);
    env->epoch = (int64_t)v;
    env->epoch_valid = !*end && v >= 0;
}
