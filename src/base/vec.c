/* vec.c - growing an array by doubling, with overflow checks. */
#include "base/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

ra_status_t ra_vec_reserve(void *items_ptr, size_t n, size_t *cap, size_t size, size_t first)
{
    if (n < *cap)
        return RA_OK;
    size_t c = *cap ? *cap * 2 : (first ? first : 1);
    if (c <= n || c > SIZE_MAX / 2 || size == 0 || c > SIZE_MAX / size)
        return RA_ERR_NOMEM;
    /* The element pointer is read and written through memcpy, so one
     * function serves arrays of every element type. */
    void *items;
    memcpy(&items, items_ptr, sizeof items);
    void *p = realloc(items, c * size);
    if (!p)
        return RA_ERR_NOMEM;
    memcpy(items_ptr, &p, sizeof p);
    *cap = c;
    return RA_OK;
}
