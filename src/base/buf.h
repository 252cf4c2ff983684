/* buf.h - the one growable byte buffer used for strings and file contents. */
#ifndef RA_BUF_H
#define RA_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/status.h"

/* A growable, always NUL-terminated byte string. Zero-initialise with
 * RA_BUF_INIT; release with ra_buf_free.
 *
 * Failure is sticky: once an append cannot get memory the buffer is marked
 * failed, emptied (len 0), and every later append is a no-op returning
 * RA_ERR_NOMEM, until ra_buf_free. ra_buf_str of a failed buffer is a
 * distinct empty string that appending it elsewhere, and the layout engine
 * taking it, recognise, so an unchecked append is caught where the text is
 * consumed instead of vanishing from the output. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} ra_buf_t;

#define RA_BUF_INIT   \
    {                 \
        NULL, 0, 0, 0 \
    }

/* Ensures room for extra more bytes plus the terminator. */
ra_status_t ra_buf_reserve(ra_buf_t *b, size_t extra);
/* Appends n bytes. */
ra_status_t ra_buf_append(ra_buf_t *b, const char *s, size_t n);
/* Appends a NUL-terminated string. */
ra_status_t ra_buf_puts(ra_buf_t *b, const char *s);
/* Appends one byte. */
ra_status_t ra_buf_putc(ra_buf_t *b, char c);
/* Appends printf-formatted text (C locale is the caller's business). */
ra_status_t ra_buf_printf(ra_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ra_status_t ra_buf_vprintf(ra_buf_t *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Empties the buffer, keeping its storage. */
void ra_buf_clear(ra_buf_t *b);
/* Frees the storage; the buffer is then empty and reusable. */
void ra_buf_free(ra_buf_t *b);
/* Returns the contents, or "" when nothing was ever appended, or the
 * failed-buffer text when an append failed. */
const char *ra_buf_str(const ra_buf_t *b);
/* Returns whether an append to b ran out of memory since it was last freed. */
int ra_buf_failed(const ra_buf_t *b);
/* Returns how many buffers of this process have failed so far: a stage
 * during which the count moved ran out of memory somewhere. */
unsigned long ra_buf_failures(void);
/* Returns whether s is the text ra_buf_str gives for a failed buffer. */
int ra_buf_text_failed(const char *s);

#endif
