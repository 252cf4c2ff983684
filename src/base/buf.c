/* buf.c - growable byte buffer. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What ra_buf_str gives for a failed buffer: empty, at an address of its own. */
static const char failed_text[1] = "";

/* Appends that ran out of memory in this process. Process state, like
 * libharu's count in pdf/document.c: it only grows, and a stage during
 * which it moved lost text to an unchecked append. */
static unsigned long buf_failures;

/* Marks b failed and empties it; returns RA_ERR_NOMEM. */
static ra_status_t buf_fail(ra_buf_t *b)
{
    buf_failures++;
    b->failed = 1;
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    return RA_ERR_NOMEM;
}

ra_status_t ra_buf_reserve(ra_buf_t *b, size_t extra)
{
    if (b->failed)
        return RA_ERR_NOMEM;
    if (extra > (size_t)-1 / 2 - b->len)
        return buf_fail(b);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return RA_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return buf_fail(b);
    b->data = p;
    b->cap = cap;
    return RA_OK;
}

ra_status_t ra_buf_append(ra_buf_t *b, const char *s, size_t n)
{
    /* Copying a failed buffer's text fails too, so the failure travels. */
    if (s == failed_text)
        return b->failed ? RA_ERR_NOMEM : buf_fail(b);
    ra_status_t st = ra_buf_reserve(b, n);
    if (st != RA_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return RA_OK;
}

ra_status_t ra_buf_puts(ra_buf_t *b, const char *s)
{
    return ra_buf_append(b, s, strlen(s));
}

ra_status_t ra_buf_putc(ra_buf_t *b, char c)
{
    return ra_buf_append(b, &c, 1);
}

ra_status_t ra_buf_vprintf(ra_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (b->failed)
        return RA_ERR_NOMEM;
    if (n < 0)
        return RA_ERR_INVALID;
    ra_status_t st = ra_buf_reserve(b, (size_t)n);
    if (st != RA_OK)
        return st;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return RA_OK;
}

ra_status_t ra_buf_printf(ra_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ra_status_t st = ra_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

void ra_buf_clear(ra_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void ra_buf_free(ra_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

const char *ra_buf_str(const ra_buf_t *b)
{
    return b->failed ? failed_text : b->data ? b->data : "";
}

int ra_buf_failed(const ra_buf_t *b)
{
    return b->failed;
}

unsigned long ra_buf_failures(void)
{
    return buf_failures;
}

int ra_buf_text_failed(const char *s)
{
    return s == failed_text;
}
