/* hash.h - SHA-256 and MD5 (GNU Nettle) and hex formatting. */
#ifndef RA_HASH_H
#define RA_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <nettle/sha2.h>

/* An incremental SHA-256. */
typedef struct {
    struct sha256_ctx ctx;
} ra_sha256_ctx_t;

void ra_sha256_init(ra_sha256_ctx_t *c);
void ra_sha256_update(ra_sha256_ctx_t *c, const void *data, size_t len);
void ra_sha256_final(ra_sha256_ctx_t *c, unsigned char out[32]);

/* Computes the SHA-256 of len bytes into out. */
void ra_sha256(const void *data, size_t len, unsigned char out[32]);
/* Computes the MD5 of len bytes into out (PDF embedded-file checksums only). */
void ra_md5(const void *data, size_t len, unsigned char out[16]);
/* Writes n bytes as lower-case hex plus a NUL into out (2n+1 bytes). */
void ra_hex(const unsigned char *bytes, size_t n, char *out);
/* Reads hex, exactly 2n lower-case hex digits (as ra_hex writes them),
 * into out[0..n); -1 when it is not that. */
int ra_unhex(const char *hex, unsigned char *out, size_t n);

/* FNV-1a, the hash of the in-memory tables (caches, shards; not a
 * digest): h carried on over data[0..len), from RA_FNV1A_BASIS. */
#define RA_FNV1A_BASIS 2166136261u
static inline uint32_t ra_fnv1a(uint32_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* The hash of the in-memory tables looked up for every word drawn or
 * measured (shaped words, widths, break opportunities): eight bytes a
 * step from seed, where FNV-1a takes one. Never written to a file nor
 * compared across processes, so it may change from one version to the
 * next. */
static inline uint32_t ra_table_hash(uint64_t seed, const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15u), w;
    for (; len >= 8; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 29;
    }
    if (len) {
        w = 0;
        for (size_t i = 0; i < len; i++)
            w |= (uint64_t)p[i] << (8 * i);
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 29;
    }
    h = (h ^ (h >> 33)) * 0xC4CEB9FE1A85EC53u;
    return (uint32_t)(h ^ (h >> 33));
}

#endif
