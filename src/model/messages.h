/* messages.h - libxml2's parser and schema errors said in the terms of the file being read.
 *
 * libxml2 words its errors for XML experts ("[facet 'enumeration']",
 * "Duplicate key-sequence ... identity-constraint"). The loader passes each
 * structured error here with what the schema declares (element order,
 * attributes, keys: read from the XSD itself), and shows the translation;
 * the raw message only with --verbose. Private to src/model/. */
#ifndef RA_MESSAGES_H
#define RA_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "base/buf.h"
#include "base/status.h"

/* What one schema declares, for messages: each element's children in their
 * order and its attributes, and which attribute each key or unique
 * constraint is about. */
typedef struct ra_xsd ra_xsd_t;

/* Reads the declarations of a schema document (its bytes). On success *out
 * is owned by the caller (ra_xsd_free). */
ra_status_t ra_xsd_read(const char *data, size_t len, ra_xsd_t **out);
void ra_xsd_free(ra_xsd_t *x);

/* Writes the message for one libxml2 error into out; raw is libxml2's own
 * text on one line, without namespace qualifiers. xsd may be NULL (parser
 * errors). *line is the line to report it at (err->line, or better).
 * *budget is how many elements the searches of one document may still visit
 * (finding the first of two equal keys), so that a file with thousands of
 * duplicates is described in linear time. Returns false for an error that
 * only follows from another one (nothing to show). */
bool ra_xml_translate(const ra_xsd_t *xsd, const xmlError *err, const char *raw, ra_buf_t *out,
                      long *line, size_t *budget);

#endif
