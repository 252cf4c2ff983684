/* vec.h - the one growable array: an element pointer, a count and a capacity. */
#ifndef RA_VEC_H
#define RA_VEC_H

#include <stddef.h>

#include "base/status.h"

/* Makes room for element n of the array at *items_ptr (a pointer to the
 * array's element pointer) with *cap elements of size bytes: when n == *cap
 * the capacity doubles, starting at first. On failure (out of memory, or a
 * size that would overflow) returns RA_ERR_NOMEM and leaves the array as it
 * was; the caller still owns and frees it. */
ra_status_t ra_vec_reserve(void *items_ptr, size_t n, size_t *cap, size_t size, size_t first);

/* RA_VEC_RESERVE(items, n, cap, first): ra_vec_reserve for an array held as
 * `T *items; size_t n, cap;` (whose arguments it may evaluate twice). When
 * there is room it calls nothing: arrays grow at every glyph shaped and
 * every block laid out. */
#define RA_VEC_RESERVE(items, n, cap, first) \
    ((n) < (cap) ? RA_OK : ra_vec_reserve(&(items), (n), &(cap), sizeof *(items), (first)))

#endif
