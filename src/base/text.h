/* text.h - UTF-8 decoding and encoding helpers (no allocation, no locale). */
#ifndef RA_TEXT_H
#define RA_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Returned by ra_utf8_decode for a byte that does not start a well-formed
 * sequence (stray continuation byte, truncated, overlong, surrogate, or
 * above U+10FFFF). Never a valid code point. */
#define RA_UTF8_INVALID 0xFFFFFFFFu

/* The replacement character U+FFFD. */
#define RA_UNICODE_REPLACEMENT 0xFFFDu

/* Decodes the code point starting at s[*pos] (requires *pos < len) and
 * advances *pos past it. On malformed input returns RA_UTF8_INVALID and
 * advances by the length of the maximal ill-formed prefix (at least 1 byte),
 * so that each malformed sequence yields exactly one RA_UTF8_INVALID. */
uint32_t ra_utf8_decode(const char *s, size_t len, size_t *pos);

/* Writes the UTF-8 encoding of cp (<= 0x10FFFF, not a surrogate) to out and
 * returns its length 1..4; returns 0 and writes nothing for invalid cp. */
size_t ra_utf8_encode(uint32_t cp, char out[4]);

/* Returns the number of code points in s[0..len) (each malformed sequence
 * counts as one). */
size_t ra_utf8_count(const char *s, size_t len);

#endif
