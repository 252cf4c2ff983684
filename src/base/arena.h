/* arena.h - a bump allocator that owns every allocation of one loaded document. */
#ifndef RA_ARENA_H
#define RA_ARENA_H

#include <stddef.h>

typedef struct ra_arena_block ra_arena_block_t;

/* An arena; zero-initialise it. Everything allocated from it is freed at
 * once by ra_arena_free. */
typedef struct {
    ra_arena_block_t *head;
    size_t total; /* bytes handed out, for limits and benchmarks */
} ra_arena_t;

/* Returns n bytes aligned for any type, zeroed; NULL when out of memory. */
void *ra_arena_alloc(ra_arena_t *a, size_t n);
/* Returns a copy of n bytes of s plus a terminating NUL. */
char *ra_arena_strndup(ra_arena_t *a, const char *s, size_t n);
/* Returns a copy of the NUL-terminated string s. */
char *ra_arena_strdup(ra_arena_t *a, const char *s);
/* Frees every block; the arena is then empty and reusable. */
void ra_arena_free(ra_arena_t *a);

#endif
