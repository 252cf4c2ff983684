/* text.h - UTF-8 decoding and encoding helpers (no allocation, no locale). */
#ifndef RA_TEXT_H
#define RA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

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

/* Names and free text, as the governance rules see them (DESIGN.md
 * "Governance policy"). Without a Unicode library these use small tables,
 * an approximation that is exact for what they are used on:
 * - a format character is one of Unicode general category Cf (U+00AD,
 *   U+200B..U+200F, U+202A..U+202E, U+2060..U+206F, U+FEFF, ...; the full
 *   Cf list of Unicode 15), and the blank "letters" U+115F, U+1160,
 *   U+2800, U+3164 and U+FFA0 count as format characters too;
 * - a letter is an ASCII letter or any code point from U+00C0 up that is
 *   not white space, a format character, a combining mark (U+0300..U+036F,
 *   U+1AB0..U+1AFF, U+1DC0..U+1DFF, U+20D0..U+20FF, U+FE20..U+FE2F), in
 *   the punctuation and symbol blocks U+2000..U+2BFF, U+3000..U+303F,
 *   U+FE00..U+FE0F, U+FFF0..U+FFFF, private use or a noncharacter;
 *   U+00D7 and U+00F7 are not letters;
 * - case folding covers ASCII, Latin-1, Latin Extended-A, Greek and
 *   Cyrillic (the scripts of the shipped samples); other letters are kept;
 * - NFC is approximated by composing a Latin base letter with a following
 *   combining grave, acute, circumflex, tilde, diaeresis, ring, caron or
 *   cedilla where Latin-1 or Latin Extended-A has the composed letter. */

/* Whether s holds at least one letter once format characters are removed. */
bool ra_text_has_letter(const char *s);
/* Whether s holds at least one character that is neither white space, a
 * control nor a format character. */
bool ra_text_has_visible(const char *s);
/* The number of words of s: runs of non-space characters that hold a
 * letter or a digit, after format characters are removed ("n/a" is one,
 * "-" none). */
size_t ra_text_words(const char *s);
/* Appends to out the key under which two people's names compare equal:
 * format characters removed, white space collapsed and trimmed, composed
 * (NFC, approximated) and case-folded. */
void ra_text_person_key(const char *s, ra_buf_t *out);

/* Whether s ends with suffix, byte for byte (a file name's extension). */
bool ra_text_ends_with(const char *s, const char *suffix);

/* For the project's line-based data files (fonts/chain.txt,
 * fonts/hyphen.txt): splits the line of text[0..len) that starts at *pos,
 * in place (its newline becomes a NUL), into at most max fields separated
 * by spaces, tabs or CRs, and moves *pos to the next line. Returns the
 * number of fields (0 for a blank line), or -1 when no line is left. */
int ra_text_line_fields(char *text, size_t len, size_t *pos, char **f, int max);

#endif
