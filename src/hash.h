/* hash.h - SHA-256 (OpenSSL) and hex formatting. */
#ifndef RA_HASH_H
#define RA_HASH_H

#include <stddef.h>

/* Computes the SHA-256 of len bytes into out. */
void ra_sha256(const void *data, size_t len, unsigned char out[32]);
/* Writes n bytes as lower-case hex plus a NUL into out (2n+1 bytes). */
void ra_hex(const unsigned char *bytes, size_t n, char *out);

#endif
