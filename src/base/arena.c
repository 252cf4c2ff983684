/* arena.c - bump allocator in chained blocks. */
#include "base/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ra_arena_block {
    ra_arena_block_t *next;
    size_t used, cap;
    max_align_t data[];
};

enum { ARENA_BLOCK = 16 * 1024 };

void *ra_arena_alloc(ra_arena_t *a, size_t n)
{
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    ra_arena_block_t *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        if (cap > SIZE_MAX - sizeof *b)
            return NULL;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        /* A block bigger than the standard size goes behind the head so the
         * head's free space is not wasted. */
        if (a->head && cap > ARENA_BLOCK) {
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *ra_arena_strndup(ra_arena_t *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = ra_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ra_arena_strdup(ra_arena_t *a, const char *s)
{
    return ra_arena_strndup(a, s, strlen(s));
}

void ra_arena_free(ra_arena_t *a)
{
    ra_arena_block_t *b = a->head;
    while (b) {
        ra_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}
