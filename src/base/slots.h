/* slots.h - the slots of an open-addressed hash table whose entries are
 * kept in the slots themselves (the shaping cache, the layout's memo of
 * break opportunities). An entry of such a table begins with two
 * uint32_t: its hash, then a length that is 0 in an empty slot. The table
 * has a power of two of slots and is never more than three quarters full. */
#ifndef RA_BASE_SLOTS_H
#define RA_BASE_SLOTS_H

#include <stddef.h>
#include <stdint.h>

/* Makes room for one more entry in *slots (*nslots slots of size bytes,
 * nused in use): when it would be more than three quarters full, the table
 * doubles (from first slots) and its entries move to their new slots. 0
 * when it would grow beyond max slots or memory runs out; *slots is then
 * as it was. */
int ra_slots_room(void **slots, size_t *nslots, size_t nused, size_t size, size_t first,
                  size_t max);

/* Whether a table of at most max slots holds n entries. */
static inline int ra_slots_hold(size_t n, size_t max)
{
    return n <= max / 4 * 3;
}

/* Makes *slots (none yet) an empty table for n entries: first slots or
 * more, as ra_slots_room would have grown it. 0 when a table of max slots
 * does not hold them or memory runs out. */
int ra_slots_make(void **slots, size_t *nslots, size_t n, size_t size, size_t first, size_t max);

/* The first empty slot of hash h's probe sequence (nslots > 0, and one is
 * empty). */
void *ra_slots_free(void *slots, size_t nslots, size_t size, uint32_t h);

/* A bit per slot of a table of nslots (the entries of a cache file a run
 * used, which the file keeps first): sets slot i's in *bits, made on first
 * use (0 when memory ran out); and whether it is set (bits NULL: none).
 * Inline: a report marks an entry for most words it draws. */
int ra_slots_bits_new(uint8_t **bits, size_t nslots);
static inline int ra_slots_mark(uint8_t **bits, size_t nslots, size_t i)
{
    if (!*bits && !ra_slots_bits_new(bits, nslots))
        return 0;
    (*bits)[i / 8] |= (uint8_t)(1u << (i % 8));
    return 1;
}
static inline int ra_slots_marked(const uint8_t *bits, size_t i)
{
    return bits && (bits[i / 8] >> (i % 8) & 1);
}
/* Sets in *bits (made when missing) every bit set in from (NULL: none). */
void ra_slots_bits_or(uint8_t **bits, const uint8_t *from, size_t nslots);

#endif
