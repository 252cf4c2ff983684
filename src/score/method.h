/* method.h - the scoring methodology as prose, generated from checklist data.
 *
 * Written once here; the report's methodology appendix and
 * `readyaudit checklist --methodology` both print it, so what the report
 * says about the method is always what the code and the checklist do. */
#ifndef RA_METHOD_H
#define RA_METHOD_H

#include "base/buf.h"
#include "model/model.h"
#include "base/status.h"

/* Appends the methodology for checklist cl as paragraphs separated by a
 * blank line ("\n\n"); each paragraph opens with a short lead ending in ". ". */
ra_status_t ra_method_text(const ra_checklist_t *cl, ra_buf_t *out);

#endif
