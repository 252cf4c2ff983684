/* break.h - where a line of report text may end: the break opportunities of
 * the Unicode line breaking algorithm (UAX #14, libunibreak) tailored for
 * report text, and hyphenation points from libhyphen's dictionaries.
 *
 * Tailoring of UAX #14 (which already keeps "2026-10-31", "COST-04" and a
 * 64-digit hex digest whole, and breaks between ideographs):
 *   - a token (text between spaces) of at most RA_BREAK_TOKEN_MAX characters
 *     that holds a hyphen is never split: "self-acceptance", "ACME-CHAT-2026Q4";
 *   - a URL (from "http://", "https://" or "www." to the next space, less
 *     closing punctuation) breaks only after "/", ".", "?", "&" or "=",
 *     never inside its "scheme://" nor before a "/".
 * Mandatory breaks (line feed, carriage return, U+2028...) stay mandatory.
 *
 * Dictionaries: a ra_hyph_t loads each language's dictionary once, on first
 * use, and keeps it until it is freed. A batch makes one at start-up with
 * the default language loaded, which every worker inherits; a worker renders
 * one record and exits, so each record in another language loads that
 * dictionary itself (German takes libhyphen about 3 s). It is not
 * thread-safe (one per process or thread).
 *
 * Pinning: the dictionary list (fonts/hyphen.txt) names, one a line, the
 * SHA-256 of each dictionary file and its name ("SHA-256 FILE", as
 * sha256sum writes it; "#" starts a comment). A dictionary's bytes are
 * checked against the list before libhyphen reads them, and libhyphen reads
 * those very bytes; the list's own SHA-256 is what a report's integrity
 * data names, so the same inputs give the same hyphenation everywhere.
 */
#ifndef RA_BREAK_H
#define RA_BREAK_H

#include <stddef.h>

#include "base/status.h"

/* What may follow a byte of text (ra_break_find). */
enum { RA_BREAK_NO = 0, RA_BREAK_ALLOW = 1, RA_BREAK_MUST = 2 };

/* Hyphen-joined tokens of up to this many characters are never split. */
#define RA_BREAK_TOKEN_MAX 24

/* Where hyphenation dictionaries are (Debian's hyphen-* packages). */
#define RA_HYPH_DIR "/usr/share/hyphen"

/* The dictionary list of an installation. */
#ifdef RA_DATADIR
#define RA_HYPH_LIST RA_DATADIR "/fonts/hyphen.txt"
#else
#define RA_HYPH_LIST "/usr/local/share/readyaudit/fonts/hyphen.txt"
#endif

/* Fills brk[0..len) for utf8[0..len): brk[i] says whether a line may
 * (RA_BREAK_ALLOW) or must (RA_BREAK_MUST) end after byte i, or not
 * (RA_BREAK_NO, also inside a character). The end of the text is not a
 * break: brk[len-1] is RA_BREAK_NO unless the text ends with a line end.
 * lang is a BCP 47 tag (NULL: none), for libunibreak's tailorings. */
void ra_break_find(const char *utf8, size_t len, const char *lang, char *brk);

/* The version of the line breaker ra_break_find calls (libunibreak's), for
 * the key of what is kept of its results. */
int ra_break_engine_version(void);

/* Returns the byte length of the URL that starts at s[0..len) ("http://",
 * "https://" or "www." up to a space, less trailing ".,;:!?)'\""), or 0. */
size_t ra_break_url(const char *s, size_t len);

typedef struct ra_hyph ra_hyph_t;
typedef struct ra_hyph_dict ra_hyph_dict_t;

/* Creates an empty set of dictionaries read from dir (NULL: RA_HYPH_DIR)
 * and pinned by the list file (NULL: RA_HYPH_LIST); both are copied, and
 * nothing is read yet. Free with ra_hyph_free. */
ra_status_t ra_hyph_new(const char *dir, const char *list, ra_hyph_t **out);
/* Frees h and every dictionary it loaded; NULL is fine. */
void ra_hyph_free(ra_hyph_t *h);

/* Returns the dictionary file of BCP 47 tag lang ("en", "en-US" and
 * "en-GB": "hyph_en_US.dic"; "de", "de-DE", "de-AT", "de-CH":
 * "hyph_de_DE.dic"), or NULL when there is none for it. Case-insensitive;
 * "_" is taken for "-". */
const char *ra_hyph_file(const char *lang);

/* Stores in out the SHA-256 of h's dictionary list, reading the list the
 * first time. RA_ERR_IO when it cannot be read or a line is malformed
 * (ra_hyph_error says why); RA_ERR_NOMEM. */
ra_status_t ra_hyph_sha256(ra_hyph_t *h, unsigned char out[32]);

/* Stores in *dict the dictionary of lang, loading it the first time; NULL
 * when lang has none (no hyphenation). RA_ERR_IO when the list cannot be
 * read, does not list the file, or the file cannot be read, has another
 * SHA-256 than the list's or is not a dictionary (ra_hyph_error says
 * why); RA_ERR_NOMEM. */
ra_status_t ra_hyph_dict(ra_hyph_t *h, const char *lang, const ra_hyph_dict_t **dict);

/* Why the last call on h that returned RA_ERR_IO failed, in one sentence
 * that names the file ("" when none did); valid until the next call. */
const char *ra_hyph_error(const ra_hyph_t *h);

/* Sets pts[i] to 1 where text[0..len) may be hyphenated after byte i, else
 * 0 (d NULL: nowhere). Each run of letters (ASCII, and from U+00C0 on) is
 * a word: at least two of its characters stay before a point and three
 * after it; a run next to a digit (an id, a digest), one of more than 96
 * letters, or one with a letter the dictionary cannot spell gets none. */
void ra_hyph_points(const ra_hyph_dict_t *d, const char *text, size_t len, char *pts);

#endif
