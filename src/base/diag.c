/* diag.c - the diagnostic sink and its printing form. */
#include "base/diag.h"

#include <stdarg.h>
#include <stdio.h>

#include "base/buf.h"

static const char *const severity_names[] = {"error", "warning", "note"};
_Static_assert(sizeof severity_names / sizeof *severity_names == RA_SEVERITY_COUNT,
               "a name for every ra_severity_t");

const char *ra_severity_name(ra_severity_t sev)
{
    return (unsigned)sev < RA_SEVERITY_COUNT ? severity_names[sev] : "error";
}

void ra_diag(ra_diag_sink_t *sink, ra_severity_t sev, const char *file, long line, const char *fmt,
             ...)
{
    if (sev == RA_DIAG_ERROR)
        sink->errors++;
    else if (sev == RA_DIAG_WARNING)
        sink->warnings++;
    if (sev == RA_DIAG_ERROR && sink->cap && sink->errors > sink->cap) {
        sink->suppressed++;
        return;
    }
    if (!sink->fn)
        return;
    ra_buf_t msg = RA_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    ra_status_t st = ra_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    ra_diag_t d = {sev, file, line, st == RA_OK ? ra_buf_str(&msg) : "(out of memory)"};
    sink->fn(sink->ctx, &d);
    ra_buf_free(&msg);
}

void ra_diag_print(void *ctx, const ra_diag_t *d)
{
    FILE *f = ctx ? ctx : stderr;
    if (d->file && d->line > 0)
        fprintf(f, "%s:%ld: %s: %s\n", d->file, d->line, ra_severity_name(d->severity), d->message);
    else if (d->file)
        fprintf(f, "%s: %s: %s\n", d->file, ra_severity_name(d->severity), d->message);
    else
        fprintf(f, "readyaudit: %s: %s\n", ra_severity_name(d->severity), d->message);
}
