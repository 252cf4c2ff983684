/* hash.c - digests through GNU Nettle: no provider set-up to pay for, which
 * OpenSSL 3 charged on the first digest of every process. */
#include "base/hash.h"

#include <string.h>

#include <nettle/md5.h>

void ra_sha256_init(ra_sha256_ctx_t *c)
{
    sha256_init(&c->ctx);
}

void ra_sha256_update(ra_sha256_ctx_t *c, const void *data, size_t len)
{
    sha256_update(&c->ctx, len, data);
}

void ra_sha256_final(ra_sha256_ctx_t *c, unsigned char out[32])
{
    sha256_digest(&c->ctx, SHA256_DIGEST_SIZE, out);
}

void ra_sha256(const void *data, size_t len, unsigned char out[32])
{
    ra_sha256_ctx_t c;
    ra_sha256_init(&c);
    ra_sha256_update(&c, data, len);
    ra_sha256_final(&c, out);
}

void ra_md5(const void *data, size_t len, unsigned char out[16])
{
    struct md5_ctx c;
    md5_init(&c);
    md5_update(&c, len, data);
    md5_digest(&c, MD5_DIGEST_SIZE, out);
}

void ra_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A lower-case hex digit's value; -1 for anything else. */
static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int ra_unhex(const char *hex, unsigned char *out, size_t n)
{
    if (strlen(hex) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}
