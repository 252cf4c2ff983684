/* status.c - string table for ra_status_t. */
#include "base/status.h"

static const char *const status_names[] = {
    [RA_OK] = "success",
    [RA_ERR_NOMEM] = "out of memory",
    [RA_ERR_USAGE] = "usage error",
    [RA_ERR_IO] = "input/output error",
    [RA_ERR_PARSE] = "malformed XML",
    [RA_ERR_SCHEMA] = "schema violation",
    [RA_ERR_INVALID] = "invalid input",
    [RA_ERR_LIMIT] = "input limit exceeded",
    [RA_ERR_PDF] = "PDF library error",
    [RA_ERR_FONT] = "font error",
    [RA_ERR_MISMATCH] = "mismatch",
    [RA_ERR_GLYPHS] = "text the font chain cannot draw",
};

_Static_assert(sizeof status_names / sizeof status_names[0] == RA_STATUS_COUNT,
               "status_names must list every ra_status_t");

const char *ra_strerror(ra_status_t st)
{
    if ((unsigned)st >= RA_STATUS_COUNT)
        return "unknown error";
    return status_names[st];
}
