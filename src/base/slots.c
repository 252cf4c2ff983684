/* slots.c - open-addressed hash tables' slots (slots.h). */
#include "base/slots.h"

#include <stdlib.h>
#include <string.h>

/* An entry's hash and length, read as bytes: entries are of the users'
 * own types, which only begin alike. */
static uint32_t slot_word(const char *e, size_t i)
{
    uint32_t w;
    memcpy(&w, e + i * sizeof w, sizeof w);
    return w;
}

int ra_slots_bits_new(uint8_t **bits, size_t nslots)
{
    return (*bits = calloc(nslots / 8 + 1, 1)) != NULL;
}

void ra_slots_bits_or(uint8_t **bits, const uint8_t *from, size_t nslots)
{
    if (!from || (!*bits && !ra_slots_bits_new(bits, nslots)))
        return;
    for (size_t i = 0; i < nslots / 8 + 1; i++)
        (*bits)[i] |= from[i];
}

void *ra_slots_free(void *slots, size_t nslots, size_t size, uint32_t h)
{
    char *s = slots;
    size_t i = h & (nslots - 1);
    while (slot_word(s + i * size, 1))
        i = (i + 1) & (nslots - 1);
    return s + i * size;
}

int ra_slots_make(void **slots, size_t *nslots, size_t n, size_t size, size_t first, size_t max)
{
    size_t want = first;
    while (n * 4 > want * 3)
        want *= 2;
    return ra_slots_hold(n, max) && ra_slots_room(slots, nslots, 0, size, want, max);
}

int ra_slots_room(void **slots, size_t *nslots, size_t nused, size_t size, size_t first, size_t max)
{
    if ((nused + 1) * 4 <= *nslots * 3)
        return 1;
    size_t n = *nslots ? *nslots * 2 : first;
    char *to = n <= max ? calloc(n, size) : NULL;
    if (!to)
        return 0;
    const char *from = *slots;
    for (size_t i = 0; i < *nslots; i++) {
        const char *e = from + i * size;
        if (slot_word(e, 1))
            memcpy(ra_slots_free(to, n, size, slot_word(e, 0)), e, size);
    }
    free(*slots);
    *slots = to;
    *nslots = n;
    return 1;
}
