/* load.c - safe XML loading, XSD validation and copying into the model. */
#include "model/load.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "base/cleanup.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/io.h"
#include "base/text.h"
#include "base/vec.h"
#include "base/usercache.h"
#include "model/messages.h"
#include "pdf/image.h"

enum { SCHEMA_ASSESSMENT, SCHEMA_CHECKLIST, SCHEMA_TEMPLATE, SCHEMA_COUNT };

/* Each kind of document: its schema file, root element and namespace. */
static const struct {
    const char *file, *root, *ns;
} doc_kinds[SCHEMA_COUNT] = {
    {"assessment.xsd", "assessment", "urn:readyaudit:assessment:1"},
    {"checklist.xsd", "checklist", "urn:readyaudit:checklist:1"},
    {"report-template.xsd", "report-template", "urn:readyaudit:template:1"},
};

struct ra_loader {
    char *datadir;
    ra_diag_sink_t *sink;
    xmlSchemaPtr schemas[SCHEMA_COUNT]; /* loaded on first use */
    /* What each declares, for messages: read from the schema's bytes
     * (xsd_text) when a message first needs it; a valid document never
     * does. */
    ra_xsd_t *xsd[SCHEMA_COUNT];
    ra_buf_t xsd_text[SCHEMA_COUNT];
    unsigned char schema_sha256[SCHEMA_COUNT][32]; /* of each schema's bytes, once read */
    bool schema_read[SCHEMA_COUNT];
    /* Checklists and templates that matched their schema in earlier runs
     * (the user's cache file, usercache.h): "SCHEMA-SHA256 DOC-SHA256
     * LIBXML2-VERSION" lines, most recent first, read on first use. The
     * same bytes match the same schema again: such a document's schema is
     * neither parsed nor run. Records are always validated. */
    char *valid_path;
    ra_buf_t valid;
    bool valid_read;
    bool verbose; /* libxml2's own words too, as notes */
};

/* What the libxml2 error callbacks need to report under our file name. */
typedef struct {
    ra_diag_sink_t *sink;
    const char *file;
    int doctype; /* set when a DOCTYPE was seen */
    int nomem;   /* set when libxml2 said it ran out of memory: its later errors follow from it */
    ra_loader_t *ld; /* whose schema which (SCHEMA_COUNT: none) declares what */
    int which;       /* messages name; see report_xsd */
    bool verbose;    /* add libxml2's own message as a note */
    size_t budget;   /* elements messages may still visit (ra_xml_translate) */
} xml_report_t;

/* A report for file. */
static xml_report_t xml_report(ra_diag_sink_t *sink, const char *file)
{
    return (xml_report_t){sink, file, 0, 0, NULL, SCHEMA_COUNT, false, 2000000};
}

/* Did libxml2 run out of memory during the work rep reports on? */
static bool xml_nomem(const xml_report_t *rep)
{
    return rep->nomem;
}

/* Refuses every external entity, DTD and XInclude that libxml2 might load. */
static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* libxml2's allocator: a failure ends the process (see
 * ra_cleanup_out_of_memory) instead of returning NULL into libxml2, whose
 * schema validation frees memory twice on that path. A NULL from libxml2
 * then always means what its documentation says (no such attribute), never
 * "out of memory". */
static void *xml_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        ra_cleanup_out_of_memory();
    return p;
}

static void *xml_realloc(void *old, size_t n)
{
    void *p = realloc(old, n);
    if (!p)
        ra_cleanup_out_of_memory();
    return p;
}

static char *xml_strdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        ra_cleanup_out_of_memory();
    return p;
}

/* libxml2's unstructured messages ("Memory allocation failed" and the like,
 * printed to stderr by default): every error we show comes through
 * xml_error instead. */
static void quiet_generic(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

ra_status_t ra_loader_new(const char *datadir, ra_diag_sink_t *sink, ra_loader_t **out)
{
    static bool hooked;
    if (!hooked) {
        /* Before libxml2 allocates anything. */
        xmlMemSetup(free, xml_malloc, xml_realloc, xml_strdup);
        xmlSetGenericErrorFunc(NULL, quiet_generic);
        hooked = true;
    }
    ra_loader_t *ld = calloc(1, sizeof *ld);
    if (!ld)
        return RA_ERR_NOMEM;
    ld->datadir = strdup(datadir);
    if (!ld->datadir) {
        free(ld);
        return RA_ERR_NOMEM;
    }
    ld->sink = sink;
    /* Entity substitution stays off for the whole process and nothing
     * external is ever loaded. */
    xmlSetExternalEntityLoader(deny_loader);
    *out = ld;
    return RA_OK;
}

void ra_loader_free(ra_loader_t *ld)
{
    if (!ld)
        return;
    for (int i = 0; i < SCHEMA_COUNT; i++) {
        if (ld->schemas[i])
            xmlSchemaFree(ld->schemas[i]);
        ra_xsd_free(ld->xsd[i]);
        ra_buf_free(&ld->xsd_text[i]);
    }
    free(ld->valid_path);
    ra_buf_free(&ld->valid);
    free(ld->datadir);
    free(ld);
}

/* Removes libxml2's "{namespace}" qualifiers, keeps a message on one line,
 * and rewords the one message that names a parser option users cannot set. */
static void tidy_message(const char *in, ra_buf_t *out)
{
    if (strncmp(in, "Excessive depth in document", 27) == 0) {
        ra_buf_puts(out, "elements are nested too deeply (the limit is 256 levels)");
        return;
    }
    for (const char *p = in; *p; p++) {
        if (*p == '\n') {
            if (p[1])
                ra_buf_puts(out, "; ");
            continue;
        }
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close && strncmp(p + 1, "urn:readyaudit:", 15) == 0) {
                p = close;
                continue;
            }
        }
        ra_buf_putc(out, *p);
    }
    while (out->len && (out->data[out->len - 1] == '\n' || out->data[out->len - 1] == ' '))
        out->data[--out->len] = '\0';
}

/* libxml2 structured error callback: one diagnostic per parser/schema error. */
/* The declarations of the schema r validates against, read on first use;
 * NULL when none (a parse, not a validation) or when memory ran out, which
 * r then says. */
static const ra_xsd_t *report_xsd(xml_report_t *r)
{
    if (r->which >= SCHEMA_COUNT)
        return NULL;
    ra_loader_t *ld = r->ld;
    ra_buf_t *text = &ld->xsd_text[r->which];
    if (!ld->xsd[r->which] && text->data) {
        if (ra_xsd_read(text->data, text->len, &ld->xsd[r->which]) != RA_OK)
            r->nomem = 1;
        else
            ra_buf_free(text);
    }
    return ld->xsd[r->which];
}

static void xml_error(void *ctx, xmlErrorPtr err)
{
    xml_report_t *r = ctx;
    if (!err || err->level == XML_ERR_NONE)
        return;
    /* Out of memory is not a fault of the file ("Extra content at the end
     * of the document" for a valid record): it is said once, by the
     * command line, from the status. */
    if (err->code == XML_ERR_NO_MEMORY || err->domain == XML_FROM_MEMORY)
        r->nomem = 1;
    if (xml_nomem(r))
        return;
    const ra_xsd_t *xsd = report_xsd(r);
    if (xml_nomem(r))
        return;
    ra_buf_t raw = RA_BUF_INIT, msg = RA_BUF_INIT;
    tidy_message(err->message ? err->message : "unknown XML error", &raw);
    ra_severity_t sev = err->level == XML_ERR_WARNING ? RA_DIAG_WARNING : RA_DIAG_ERROR;
    long line = err->line;
    /* In the file's terms (messages.c); libxml2's own words with --verbose. */
    bool show = strncmp(ra_buf_str(&raw), "elements are nested", 19) == 0
                    ? ra_buf_puts(&msg, ra_buf_str(&raw)) == RA_OK
                    : ra_xml_translate(xsd, err, ra_buf_str(&raw), &msg, &line, &r->budget);
    if (show)
        ra_diag(r->sink, sev, r->file, line, "%s", ra_buf_str(&msg));
    if (r->verbose)
        ra_diag(r->sink, RA_DIAG_NOTE, r->file, line, "libxml2: %s", ra_buf_str(&raw));
    ra_buf_free(&raw);
    ra_buf_free(&msg);
}

/* SAX hook: a DOCTYPE stops the parse before any declaration is processed. */
static void reject_doctype(void *vctxt, const xmlChar *name, const xmlChar *eid, const xmlChar *sid)
{
    (void)name;
    (void)eid;
    (void)sid;
    xmlParserCtxtPtr ctxt = vctxt;
    xml_report_t *r = ctxt->_private;
    r->doctype = 1;
    ra_diag(r->sink, RA_DIAG_ERROR, r->file, xmlSAX2GetLineNumber(ctxt),
            "DOCTYPE declarations are not allowed (no DTDs or entities)");
    xmlStopParser(ctxt);
}

/* Line of the first NUL byte, or 0 when there is none. */
static long nul_line(const char *data, size_t len)
{
    const char *z = memchr(data, '\0', len);
    if (!z)
        return 0;
    long line = 1;
    for (const char *p = data; p < z; p++)
        line += *p == '\n';
    return line;
}

/* Line of the first start tag with more than max attributes, or 0. libxml2
 * checks duplicate attributes in quadratic time (100,000 attributes take
 * minutes), so they are counted before it parses: '=' outside quotes inside
 * a tag, skipping comments, CDATA sections and processing instructions. */
static long crowded_tag_line(const char *s, size_t len, size_t max)
{
    static const struct {
        const char *open, *close;
    } skips[] = {{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}};
    long line = 1;
    size_t i = 0;
    while (i < len) {
        if (s[i] == '\n')
            line++;
        if (s[i] != '<') {
            i++;
            continue;
        }
        int skipped = 0;
        for (size_t k = 0; k < sizeof skips / sizeof *skips && !skipped; k++) {
            size_t ol = strlen(skips[k].open), cl = strlen(skips[k].close);
            if (len - i < ol || memcmp(s + i, skips[k].open, ol) != 0)
                continue;
            skipped = 1;
            for (i += ol; i < len && (len - i < cl || memcmp(s + i, skips[k].close, cl) != 0); i++)
                line += s[i] == '\n';
            i += cl;
        }
        if (skipped)
            continue;
        long tag_line = line;
        size_t attrs = 0;
        char quote = 0;
        for (i++; i < len && (quote || s[i] != '>'); i++) {
            line += s[i] == '\n';
            if (quote)
                quote = s[i] == quote ? 0 : quote;
            else if (s[i] == '"' || s[i] == '\'')
                quote = s[i];
            else if (s[i] == '=' && ++attrs > max)
                return tag_line;
        }
    }
    return 0;
}

/* The name of the compressed or archive format whose magic bytes data
 * starts with, or NULL. readyaudit inflates nothing (load.h). */
static const char *compressed_format(const char *data, size_t len)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *name, *tool;
    } formats[] = {
        {"\x1f\x8b", 2, "gzip", "gunzip"},
        {"BZh", 3, "bzip2", "bunzip2"},
        {"\xfd"
         "7zXZ",
         5, "xz", "unxz"},
        {"\x28\xb5\x2f\xfd", 4, "zstd", "unzstd"},
        {"PK\x03\x04", 4, "zip", "unzip"},
    };
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (len >= formats[i].len && memcmp(data, formats[i].magic, formats[i].len) == 0)
            return formats[i].name;
    return NULL;
}

/* Parses bytes into a document, or reports why not. */
static ra_status_t parse_bytes(ra_diag_sink_t *sink, const char *name, const char *data, size_t len,
                               bool verbose, xmlDocPtr *out)
{
    *out = NULL;
    const char *packed = compressed_format(data, len);
    if (packed) {
        ra_diag(sink, RA_DIAG_ERROR, name, 1,
                "file is %s-compressed; readyaudit reads only uncompressed UTF-8 XML "
                "(decompress it first)",
                packed);
        return RA_ERR_PARSE;
    }
    if (len >= 2 && ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF)) {
        ra_diag(sink, RA_DIAG_ERROR, name, 1, "file is UTF-16; records must be UTF-8");
        return RA_ERR_PARSE;
    }
    if (len >= 2 && ((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE)) {
        ra_diag(sink, RA_DIAG_ERROR, name, 1, "file is UTF-16; records must be UTF-8");
        return RA_ERR_PARSE;
    }
    long nl = nul_line(data, len);
    if (nl) {
        ra_diag(
            sink, RA_DIAG_ERROR, name, nl,
            "file contains a NUL byte (binary data or UTF-16/32 text); records must be UTF-8 XML");
        return RA_ERR_PARSE;
    }
    if (len == 0) {
        ra_diag(sink, RA_DIAG_ERROR, name, 1, "the file is empty: it holds no XML");
        return RA_ERR_PARSE;
    }
    if (len > INT32_MAX)
        return RA_ERR_LIMIT;
    long crowded = crowded_tag_line(data, len, RA_MAX_ATTRIBUTES);
    if (crowded) {
        ra_diag(sink, RA_DIAG_ERROR, name, crowded,
                "an element has more than %u attributes (the limit)", RA_MAX_ATTRIBUTES);
        return RA_ERR_LIMIT;
    }

    xml_report_t rep = xml_report(sink, name);
    rep.verbose = verbose;
    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
    if (!ctxt)
        return RA_ERR_NOMEM;
    ctxt->_private = &rep;
    ctxt->sax->internalSubset = reject_doctype;
    ctxt->sax->externalSubset = NULL;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
    size_t before = sink->errors;
    xmlSetStructuredErrorFunc(&rep, xml_error);
    xmlParseDocument(ctxt);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlDocPtr doc = ctxt->myDoc;
    int ok = ctxt->wellFormed && !rep.doctype && sink->errors == before;
    xmlFreeParserCtxt(ctxt);
    if (xml_nomem(&rep)) {
        xmlFreeDoc(doc);
        return RA_ERR_NOMEM;
    }
    if (!ok || !doc) {
        if (sink->errors == before)
            ra_diag(sink, RA_DIAG_ERROR, name, 0, "not well-formed XML");
        xmlFreeDoc(doc);
        return RA_ERR_PARSE;
    }
    *out = doc;
    return RA_OK;
}

/* Reads (once) the bytes of one of our schemas into ld->xsd_text, and
 * their digest; path is set to the schema's file. */
static ra_status_t read_schema(ra_loader_t *ld, int which, ra_buf_t *path)
{
    ra_status_t st = ra_buf_printf(path, "%s/schemas/%s", ld->datadir, doc_kinds[which].file);
    if (st != RA_OK || ld->schema_read[which])
        return st;
    ra_buf_free(&ld->xsd_text[which]);
    if ((st = ra_read_file(ra_buf_str(path), RA_MAX_FILE_BYTES, &ld->xsd_text[which], ld->sink)) !=
        RA_OK)
        return st;
    ra_sha256(ld->xsd_text[which].data, ld->xsd_text[which].len, ld->schema_sha256[which]);
    ld->schema_read[which] = true;
    return RA_OK;
}

/* Loads (once) and returns one of our schemas. */
static ra_status_t get_schema(ra_loader_t *ld, int which, xmlSchemaPtr *out)
{
    if (ld->schemas[which]) {
        *out = ld->schemas[which];
        return RA_OK;
    }
    ra_buf_t path = RA_BUF_INIT;
    ra_status_t st = read_schema(ld, which, &path);
    if (st != RA_OK)
        goto done;
    const ra_buf_t data = ld->xsd_text[which]; /* kept for messages (report_xsd) */
    xml_report_t rep = xml_report(ld->sink, ra_buf_str(&path));
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(data.data, (int)data.len);
    if (!pc) {
        st = RA_ERR_NOMEM;
        goto done;
    }
    xmlSchemaSetParserStructuredErrors(pc, xml_error, &rep);
    ld->schemas[which] = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (xml_nomem(&rep)) {
        if (ld->schemas[which])
            xmlSchemaFree(ld->schemas[which]);
        ld->schemas[which] = NULL;
        st = RA_ERR_NOMEM;
        goto done;
    }
    if (!ld->schemas[which]) {
        ra_diag(ld->sink, RA_DIAG_ERROR, ra_buf_str(&path), 0, "cannot load schema");
        st = RA_ERR_IO;
        goto done;
    }
    *out = ld->schemas[which];
done:
    ra_buf_free(&path);
    return st;
}

void ra_loader_set_verbose(ra_loader_t *ld, bool verbose)
{
    ld->verbose = verbose;
}

ra_status_t ra_loader_set_cache(ra_loader_t *ld, const char *path)
{
    free(ld->valid_path);
    ld->valid_path = path ? strdup(path) : NULL;
    return !path || ld->valid_path ? RA_OK : RA_ERR_NOMEM;
}

#define VALID_HEADER "readyaudit valid documents 1\n"
#define VALID_ENTRIES_MAX 32

/* Sets key to what the cache says of data matching schema which under
 * this libxml2: "SCHEMA-SHA256 DOC-SHA256 VERSION". */
static ra_status_t valid_key(ra_loader_t *ld, int which, const char *data, size_t len,
                             ra_buf_t *key)
{
    ra_buf_t path = RA_BUF_INIT;
    ra_status_t st = read_schema(ld, which, &path);
    ra_buf_free(&path);
    unsigned char d[32];
    char hs[65], hd[65];
    ra_sha256(data, len, d);
    ra_hex(ld->schema_sha256[which], 32, hs);
    ra_hex(d, 32, hd);
    return st == RA_OK ? ra_buf_printf(key, "%s %s %s", hs, hd, xmlParserVersion) : st;
}

/* Whether the cache says that key matched (key a whole line of it). */
static bool valid_known(ra_loader_t *ld, const char *key)
{
    if (!ld->valid_read) {
        ld->valid_read = true;
        ra_usercache_read(ld->valid_path, VALID_HEADER, RA_USERCACHE_MAX, &ld->valid);
    }
    size_t n = strlen(key);
    for (const char *p = ld->valid.data; p && (p = strstr(p, key)) != NULL; p += n)
        if ((p == ld->valid.data || p[-1] == '\n') && p[n] == '\n')
            return true;
    return false;
}

/* Notes in the cache that key matched: first, the oldest entries beyond
 * VALID_ENTRIES_MAX dropped. */
static void valid_note(ra_loader_t *ld, const char *key)
{
    ra_buf_t text = RA_BUF_INIT;
    ra_status_t st = ra_buf_printf(&text, "%s\n", key);
    size_t lines = 1;
    for (const char *p = ld->valid.data; st == RA_OK && p && *p && lines < VALID_ENTRIES_MAX;
         lines++) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) + 1 : strlen(p);
        st = ra_buf_append(&text, p, len);
        p += len;
    }
    if (st == RA_OK) {
        ra_usercache_write(ld->valid_path, VALID_HEADER, text.data, text.len);
        ra_buf_free(&ld->valid);
        ld->valid = text;
        return;
    }
    ra_buf_free(&text);
}

ra_status_t ra_loader_preload_records(ra_loader_t *ld)
{
    xmlSchemaPtr schema;
    return get_schema(ld, SCHEMA_ASSESSMENT, &schema);
}

ra_status_t ra_loader_preload(ra_loader_t *ld)
{
    ra_status_t st = RA_OK;
    xmlSchemaPtr schema;
    for (int i = 0; i < SCHEMA_COUNT && st == RA_OK; i++)
        st = get_schema(ld, i, &schema);
    return st;
}

/* Validates a parsed document against one of our schemas. */
static ra_status_t validate_doc(ra_loader_t *ld, int which, const char *name, xmlDocPtr doc)
{
    xmlSchemaPtr schema;
    ra_status_t st = get_schema(ld, which, &schema);
    if (st != RA_OK)
        return st;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (!vc)
        return RA_ERR_NOMEM;
    xml_report_t rep = xml_report(ld->sink, name);
    rep.ld = ld;
    rep.which = which;
    rep.verbose = ld->verbose;
    xmlSchemaSetValidStructuredErrors(vc, xml_error, &rep);
    size_t before = ld->sink->errors;
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    if (xml_nomem(&rep))
        return RA_ERR_NOMEM;
    if (rc != 0 || ld->sink->errors != before) {
        if (ld->sink->errors == before)
            ra_diag(ld->sink, RA_DIAG_ERROR, name, 0, "does not match its schema");
        return RA_ERR_SCHEMA;
    }
    return RA_OK;
}

/* Checks the root element's name and namespace before the schema does, to say it plainly. */
static ra_status_t check_root(ra_diag_sink_t *sink, const char *name, xmlDocPtr doc, int which)
{
    const char *local = doc_kinds[which].root, *ns = doc_kinds[which].ns;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *got_ns = root && root->ns ? (const char *)root->ns->href : "";
    if (root && strcmp((const char *)root->name, local) == 0 && strcmp(got_ns, ns) == 0)
        return RA_OK;
    ra_diag(sink, RA_DIAG_ERROR, name, root ? xmlGetLineNo(root) : 0,
            "root element is <%s>%s%s%s; expected <%s> in namespace %s",
            root ? (const char *)root->name : "(none)", *got_ns ? " in namespace " : "", got_ns,
            *got_ns ? "" : " without a namespace", local, ns);
    return RA_ERR_SCHEMA;
}

/* Validates checklist or template bytes data, parsed as doc, unless the
 * cache says the same bytes matched the same schema before; notes them
 * there when they match without a word from the schema. */
static ra_status_t validate_known(ra_loader_t *ld, int which, const char *name, const char *data,
                                  size_t len, xmlDocPtr doc)
{
    ra_buf_t key = RA_BUF_INIT;
    ra_status_t st = ld->valid_path ? valid_key(ld, which, data, len, &key) : RA_OK;
    if (st == RA_OK && key.len && valid_known(ld, ra_buf_str(&key))) {
        ra_buf_free(&key);
        return RA_OK;
    }
    size_t said = ld->sink->errors + ld->sink->warnings;
    if (st == RA_OK)
        st = validate_doc(ld, which, name, doc);
    if (st == RA_OK && key.len && ld->sink->errors + ld->sink->warnings == said)
        valid_note(ld, ra_buf_str(&key));
    ra_buf_free(&key);
    return st;
}

/* Parses bytes as a document of the given kind and validates it. */
static ra_status_t parse_valid(ra_loader_t *ld, int which, const char *name, const char *data,
                               size_t len, xmlDocPtr *out)
{
    ra_status_t st = parse_bytes(ld->sink, name, data, len, ld->verbose, out);
    if (st == RA_OK)
        st = check_root(ld->sink, name, *out, which);
    if (st == RA_OK)
        st = which == SCHEMA_ASSESSMENT ? validate_doc(ld, which, name, *out)
                                        : validate_known(ld, which, name, data, len, *out);
    if (st != RA_OK) {
        xmlFreeDoc(*out);
        *out = NULL;
    }
    return st;
}

/* Reads a file and parses it as a valid document of the given kind; the
 * caller frees data and *doc. */
static ra_status_t read_valid(ra_loader_t *ld, int which, const char *path, ra_buf_t *data,
                              xmlDocPtr *doc)
{
    ra_status_t st = ra_read_file(path, RA_MAX_FILE_BYTES, data, ld->sink);
    if (st == RA_OK)
        st = parse_valid(ld, which, path, data->data, data->len, doc);
    return st;
}

/* ---- copying the tree into the model ---- */

/* State of one tree walk: where strings go and where problems are reported. */
typedef struct {
    ra_arena_t *arena;
    ra_diag_sink_t *sink; /* &filter */
    const char *file;
    ra_status_t st;        /* first failure */
    ra_diag_sink_t *out;   /* the loader's sink */
    ra_diag_sink_t filter; /* passes diagnostics on to out until memory runs out */
    bool lenient;          /* the schema rejected the document: values may be missing or bad */
} walk_t;

/* Whether the walk ran out of memory, so that what it would say next is a
 * consequence (an empty value, a missing attribute). */
static bool walk_nomem(const walk_t *w)
{
    return w->st == RA_ERR_NOMEM;
}

/* The walk's sink: passes a diagnostic on unless memory ran out. */
static void walk_diag(void *ctx, const ra_diag_t *d)
{
    walk_t *w = ctx;
    if (!walk_nomem(w))
        ra_diag(w->out, d->severity, d->file, d->line, "%s", d->message);
}

/* Starts a walk that reports problems in file to sink. */
static void walk_begin(walk_t *w, ra_arena_t *arena, ra_diag_sink_t *sink, const char *file)
{
    *w = (walk_t){.arena = arena, .file = file, .st = RA_OK, .out = sink};
    w->filter = (ra_diag_sink_t){.fn = walk_diag, .ctx = w};
    w->sink = &w->filter;
}

/* Ends a walk: its status, out of memory said once, under the file's name. */
static ra_status_t walk_end(walk_t *w)
{
    if (!walk_nomem(w))
        return w->st;
    ra_diag(w->out, RA_DIAG_ERROR, w->file, 0, "%s", ra_strerror(RA_ERR_NOMEM));
    return RA_ERR_NOMEM;
}

static int is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr first_elem(xmlNodePtr n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

static xmlNodePtr next_elem(xmlNodePtr n)
{
    return n ? first_elem(n->next) : NULL;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr c = first_elem(parent->children); c; c = next_elem(c))
        if (is_elem(c, name))
            return c;
    return NULL;
}

static size_t count_children(xmlNodePtr parent, const char *name)
{
    size_t n = 0;
    for (xmlNodePtr c = first_elem(parent->children); c; c = next_elem(c))
        n += is_elem(c, name);
    return n;
}

/* Copies text into the arena with XML whitespace runs collapsed to one space
 * and the ends trimmed. */
static const char *collapse(walk_t *w, long line, const char *s)
{
    size_t n = strlen(s);
    if (n > RA_MAX_TEXT_BYTES) {
        ra_diag(w->sink, RA_DIAG_ERROR, w->file, line,
                "text of %zu bytes is longer than the limit of %u bytes", n, RA_MAX_TEXT_BYTES);
        if (w->st == RA_OK)
            w->st = RA_ERR_LIMIT;
        return "";
    }
    char *out = ra_arena_alloc(w->arena, n + 1);
    if (!out) {
        w->st = RA_ERR_NOMEM;
        return "";
    }
    size_t k = 0;
    int space = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = 1;
            continue;
        }
        if (space && k)
            out[k++] = ' ';
        space = 0;
        out[k++] = *p;
    }
    out[k] = '\0';
    return out;
}

/* An attribute's value (collapsed), or NULL when absent. */
static const char *attr(walk_t *w, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *s = collapse(w, xmlGetLineNo(n), (const char *)v);
    xmlFree(v);
    return s;
}

/* An attribute that the schema requires; "" if somehow absent. */
static const char *req_attr(walk_t *w, xmlNodePtr n, const char *name)
{
    const char *s = attr(w, n, name);
    return s ? s : "";
}

/* The text directly inside an element (not its child elements'), collapsed. */
static const char *own_text(walk_t *w, xmlNodePtr n)
{
    ra_buf_t b = RA_BUF_INIT;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            if (ra_buf_puts(&b, (const char *)c->content) != RA_OK)
                w->st = RA_ERR_NOMEM;
            if (b.len > RA_MAX_TEXT_BYTES)
                break;
        }
    const char *s = collapse(w, xmlGetLineNo(n), ra_buf_str(&b));
    ra_buf_free(&b);
    return s;
}

/* Text of an optional child element, or NULL. */
static const char *child_text(walk_t *w, xmlNodePtr parent, const char *name)
{
    xmlNodePtr c = child(parent, name);
    return c ? own_text(w, c) : NULL;
}

/* Allocates an array of n items from the arena, enforcing the item limit. */
static void *alloc_items(walk_t *w, xmlNodePtr at, size_t n, size_t size, const char *what)
{
    if (n > RA_MAX_ITEMS) {
        ra_diag(w->sink, RA_DIAG_ERROR, w->file, xmlGetLineNo(at),
                "%zu %s is more than the limit of %u", n, what, RA_MAX_ITEMS);
        if (w->st == RA_OK)
            w->st = RA_ERR_LIMIT;
        return NULL;
    }
    if (n == 0)
        return NULL;
    void *p = ra_arena_alloc(w->arena, n * size);
    if (!p)
        w->st = RA_ERR_NOMEM;
    return p;
}

static double num_attr(walk_t *w, xmlNodePtr n, const char *name, double dflt)
{
    const char *s = attr(w, n, name);
    if (!s || !*s)
        return dflt;
    /* xs:decimal syntax only (validated), so strtod's locale is the only
     * risk: parse by hand. */
    double v = 0, scale = 1;
    int neg = 0, frac = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '-')
            neg = 1;
        else if (*p == '.')
            frac = 1;
        else if (*p >= '0' && *p <= '9') {
            if (frac) {
                scale /= 10;
                v += (*p - '0') * scale;
            } else
                v = v * 10 + (*p - '0');
        }
    }
    return neg ? -v : v;
}

static int bool_attr(walk_t *w, xmlNodePtr n, const char *name)
{
    const char *s = attr(w, n, name);
    return s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

/* A date attribute: xs:date has been validated, but we accept only YYYY-MM-DD. */
static ra_date_t date_value(walk_t *w, long line, const char *what, const char *s)
{
    if (!s)
        return 0;
    ra_date_t d = ra_date_parse(s);
    if (!d && !w->lenient) {
        ra_diag(w->sink, RA_DIAG_ERROR, w->file, line,
                "%s '%s' is not a calendar date in the form YYYY-MM-DD", what, s);
        if (w->st == RA_OK)
            w->st = RA_ERR_INVALID;
    }
    return d;
}

static ra_date_t date_attr(walk_t *w, xmlNodePtr n, const char *name)
{
    return date_value(w, xmlGetLineNo(n), name, attr(w, n, name));
}

/* The key a person's name compares under (ra_text_person_key), made once
 * here so that scoring compares keys and never runs out of memory doing it. */
static const char *person_key(walk_t *w, const char *name)
{
    ra_buf_t k = RA_BUF_INIT;
    ra_text_person_key(name ? name : "", &k);
    const char *key = ra_buf_failed(&k) ? NULL : ra_arena_strdup(w->arena, ra_buf_str(&k));
    ra_buf_free(&k);
    if (!key) {
        w->st = RA_ERR_NOMEM;
        return "";
    }
    return key;
}

/* The record's system key (model.h ra_record_t.system_key), in the arena. */
static const char *system_key(walk_t *w, const ra_record_t *rec)
{
    ra_buf_t k = RA_BUF_INIT;
    if (rec->system_id) {
        ra_buf_printf(&k, "id:%s", rec->system_id);
    } else {
        ra_system_key_by_name(rec->organisation, rec->system_name, &k);
    }
    const char *key = ra_buf_failed(&k) ? NULL : ra_arena_strdup(w->arena, ra_buf_str(&k));
    ra_buf_free(&k);
    if (!key) {
        w->st = RA_ERR_NOMEM;
        return "";
    }
    return key;
}

static void read_result(walk_t *w, xmlNodePtr n, ra_result_t *r)
{
    r->line = xmlGetLineNo(n);
    r->check = req_attr(w, n, "check");
    int s = ra_result_status_parse(attr(w, n, "status"));
    r->status = s < 0 ? RA_RESULT_NOT_ASSESSED : (ra_result_status_t)s;
    r->nevidence = count_children(n, "evidence");
    r->evidence = alloc_items(w, n, r->nevidence, sizeof *r->evidence, "evidence items");
    if (!r->evidence)
        r->nevidence = 0;
    size_t k = 0;
    for (xmlNodePtr c = first_elem(n->children); c; c = next_elem(c)) {
        long line = xmlGetLineNo(c);
        if (is_elem(c, "evidence") && k < r->nevidence) {
            ra_evidence_t *e = &r->evidence[k++];
            e->line = line;
            int kd = ra_evidence_kind_parse(attr(w, c, "kind"));
            e->kind = kd < 0 ? RA_EVIDENCE_NOTE : (ra_evidence_kind_t)kd;
            e->ref = attr(w, c, "ref");
            const char *h = attr(w, c, "sha256");
            if (h) {
                char *lower = ra_arena_strdup(w->arena, h);
                for (char *p = lower; p && *p; p++)
                    if (*p >= 'A' && *p <= 'F')
                        *p = (char)(*p - 'A' + 'a');
                h = lower;
            }
            e->sha256 = h;
            e->text = own_text(w, c);
        } else if (is_elem(c, "note")) {
            r->note = own_text(w, c);
            r->note_line = line;
        } else if (is_elem(c, "justification")) {
            r->justification = own_text(w, c);
            r->justification_line = line;
        } else if (is_elem(c, "remediation")) {
            ra_remediation_t *m = ra_arena_alloc(w->arena, sizeof *m);
            if (!m) {
                w->st = RA_ERR_NOMEM;
                continue;
            }
            m->line = line;
            m->owner = req_attr(w, c, "owner");
            m->owner_key = person_key(w, m->owner);
            m->due = date_attr(w, c, "due");
            m->text = own_text(w, c);
            r->remediation = m;
        } else if (is_elem(c, "risk-acceptance")) {
            ra_risk_t *a = ra_arena_alloc(w->arena, sizeof *a);
            if (!a) {
                w->st = RA_ERR_NOMEM;
                continue;
            }
            a->line = line;
            a->by = req_attr(w, c, "by");
            a->by_key = person_key(w, a->by);
            a->role = req_attr(w, c, "role");
            a->date = date_attr(w, c, "date");
            a->expires = date_attr(w, c, "expires");
            a->text = own_text(w, c);
            r->risk = a;
        }
    }
}

static void read_approval(walk_t *w, xmlNodePtr n, ra_approval_t *a)
{
    a->line = xmlGetLineNo(n);
    a->name = req_attr(w, n, "name");
    a->name_key = person_key(w, a->name);
    a->role = req_attr(w, n, "role");
    a->email = attr(w, n, "email");
    int d = ra_decision_parse(attr(w, n, "decision"));
    a->decision = d < 0 ? RA_REJECTED : (ra_decision_t)d;
    a->date = date_attr(w, n, "date");
    a->comment = own_text(w, n);
    a->nconditions = count_children(n, "condition");
    a->conditions = alloc_items(w, n, a->nconditions, sizeof *a->conditions, "conditions");
    a->condition_lines = a->conditions
                             ? ra_arena_alloc(w->arena, a->nconditions * sizeof *a->condition_lines)
                             : NULL;
    if (a->conditions && !a->condition_lines)
        w->st = RA_ERR_NOMEM;
    if (!a->conditions || !a->condition_lines)
        a->nconditions = 0;
    size_t k = 0;
    for (xmlNodePtr c = first_elem(n->children); c && k < a->nconditions; c = next_elem(c))
        if (is_elem(c, "condition")) {
            a->condition_lines[k] = xmlGetLineNo(c);
            a->conditions[k++] = own_text(w, c);
        }
}

/* Whether s[0..n) is n characters, each an ASCII letter (alpha) or digit. */
static bool subtag_is(const char *s, size_t n, bool letters, bool digits)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'),
             digit = c >= '0' && c <= '9';
        if (!((letters && letter) || (digits && digit)))
            return false;
    }
    return n > 0;
}

/* Whether s is a well-formed BCP 47 language tag (RFC 5646 section 2.1):
 * language (2-3 letters with up to three extlangs, or 4-8 letters),
 * script, region, variants, extensions and private use, in that order;
 * or private use alone ("x-..."). Grandfathered tags are not taken. */
static bool is_lang_tag(const char *s)
{
    const char *sub[64];
    size_t len[64], n = 0;
    for (const char *p = s;; p++) {
        const char *start = p;
        while (*p && *p != '-')
            p++;
        if (n == 64 || p == start || p - start > 8)
            return false;
        sub[n] = start;
        len[n++] = (size_t)(p - start);
        if (!*p)
            break;
    }
    size_t i = 0;
    if (len[0] == 1 && (sub[0][0] == 'x' || sub[0][0] == 'X'))
        goto private_use;
    if (!subtag_is(sub[0], len[0], true, false) || len[0] == 1)
        return false;
    i = 1;
    for (size_t k = 0;
         len[0] <= 3 && k < 3 && i < n && len[i] == 3 && subtag_is(sub[i], 3, true, false); k++)
        i++; /* extlang */
    if (i < n && len[i] == 4 && subtag_is(sub[i], 4, true, false))
        i++; /* script */
    if (i < n && ((len[i] == 2 && subtag_is(sub[i], 2, true, false)) ||
                  (len[i] == 3 && subtag_is(sub[i], 3, false, true))))
        i++; /* region */
    while (i < n &&
           ((len[i] >= 5 && subtag_is(sub[i], len[i], true, true)) ||
            (len[i] == 4 && subtag_is(sub[i], 1, false, true) && subtag_is(sub[i], 4, true, true))))
        i++; /* variants */
    while (i < n && len[i] == 1 && subtag_is(sub[i], 1, true, true) && sub[i][0] != 'x' &&
           sub[i][0] != 'X') {
        i++; /* an extension: a singleton and at least one subtag of 2-8 */
        size_t k = 0;
        while (i < n && len[i] >= 2 && subtag_is(sub[i], len[i], true, true))
            i++, k++;
        if (k == 0)
            return false;
    }
    if (i == n)
        return true;
    if (len[i] != 1 || (sub[i][0] != 'x' && sub[i][0] != 'X'))
        return false;
private_use:
    if (++i == n)
        return false;
    for (; i < n; i++)
        if (!subtag_is(sub[i], len[i], true, true))
            return false;
    return true;
}

/* The record's xml:lang, checked as a language tag (an error when it is not one). */
static const char *record_lang(walk_t *w, xmlNodePtr root)
{
    xmlChar *v = xmlGetNsProp(root, (const xmlChar *)"lang", XML_XML_NAMESPACE);
    if (!v)
        return NULL;
    const char *s = NULL;
    size_t n = strlen((const char *)v);
    if (n > RA_RECORD_LANG_MAX) {
        /* Well-formed or not, longer than the document's language may be. */
        ra_diag(w->sink, RA_DIAG_ERROR, w->file, xmlGetLineNo(root),
                "xml:lang '%s' is %zu characters long; a document's language has at most %d",
                (const char *)v, n, RA_RECORD_LANG_MAX);
        if (w->st == RA_OK)
            w->st = RA_ERR_INVALID;
    } else if (is_lang_tag((const char *)v)) {
        if (!(s = ra_arena_strdup(w->arena, (const char *)v)))
            w->st = RA_ERR_NOMEM;
    } else {
        ra_diag(w->sink, RA_DIAG_ERROR, w->file, xmlGetLineNo(root),
                "xml:lang '%s' is not a BCP 47 language tag (such as en, de-CH or zh-Hant-TW)",
                (const char *)v);
        if (w->st == RA_OK)
            w->st = RA_ERR_INVALID;
    }
    xmlFree(v);
    return s;
}

/* Copies a validated assessment document into a record. */
static void read_record(walk_t *w, xmlNodePtr root, ra_record_t *rec)
{
    rec->line = xmlGetLineNo(root);
    rec->id = req_attr(w, root, "id");
    rec->checklist_id = req_attr(w, root, "checklist");
    rec->checklist_version = req_attr(w, root, "checklist-version");
    rec->profile = req_attr(w, root, "profile");
    rec->lang = record_lang(w, root);
    xmlNodePtr sys = child(root, "system");
    if (sys) {
        rec->system_name = child_text(w, sys, "name");
        rec->organisation = child_text(w, sys, "organisation");
        xmlNodePtr nm = child(sys, "name"), org = child(sys, "organisation");
        rec->system_name_line = nm ? xmlGetLineNo(nm) : 0;
        rec->organisation_line = org ? xmlGetLineNo(org) : 0;
        rec->unit = child_text(w, sys, "unit");
        xmlNodePtr un = child(sys, "unit");
        rec->unit_line = un ? xmlGetLineNo(un) : 0;
        rec->description = child_text(w, sys, "description");
    }
    if (!rec->system_name)
        rec->system_name = "";
    if (!rec->organisation)
        rec->organisation = "";
    rec->system_id = sys ? attr(w, sys, "id") : NULL;
    rec->system_key = system_key(w, rec);
    xmlNodePtr on = child(root, "assessed-on");
    if (on)
        rec->assessed_on = date_value(w, xmlGetLineNo(on), "assessed-on", own_text(w, on));

    xmlNodePtr as = child(root, "assessors");
    if (as) {
        rec->nassessors = count_children(as, "assessor");
        rec->assessors = alloc_items(w, as, rec->nassessors, sizeof *rec->assessors, "assessors");
        if (!rec->assessors)
            rec->nassessors = 0;
        size_t k = 0;
        for (xmlNodePtr c = first_elem(as->children); c && k < rec->nassessors; c = next_elem(c))
            if (is_elem(c, "assessor")) {
                ra_assessor_t *a = &rec->assessors[k++];
                a->line = xmlGetLineNo(c);
                a->name = req_attr(w, c, "name");
                a->name_key = person_key(w, a->name);
                a->role = req_attr(w, c, "role");
                a->email = attr(w, c, "email");
            }
    }
    xmlNodePtr rs = child(root, "results");
    if (rs) {
        rec->nresults = count_children(rs, "result");
        rec->results = alloc_items(w, rs, rec->nresults, sizeof *rec->results, "results");
        if (!rec->results)
            rec->nresults = 0;
        size_t k = 0;
        for (xmlNodePtr c = first_elem(rs->children); c && k < rec->nresults; c = next_elem(c))
            if (is_elem(c, "result"))
                read_result(w, c, &rec->results[k++]);
    }
    xmlNodePtr so = child(root, "sign-off");
    if (so) {
        rec->napprovals = count_children(so, "approval");
        rec->approvals = alloc_items(w, so, rec->napprovals, sizeof *rec->approvals, "approvals");
        if (!rec->approvals)
            rec->napprovals = 0;
        size_t k = 0;
        for (xmlNodePtr c = first_elem(so->children); c && k < rec->napprovals; c = next_elem(c))
            if (is_elem(c, "approval"))
                read_approval(w, c, &rec->approvals[k++]);
    }
}

ra_status_t ra_load_record_mem(ra_loader_t *ld, const char *name, const char *data, size_t len,
                               ra_record_t **out)
{
    *out = NULL;
    xmlDocPtr doc = NULL;
    ra_record_t *rec = NULL;
    ra_status_t st = parse_valid(ld, SCHEMA_ASSESSMENT, name, data, len, &doc);
    if (st != RA_OK)
        goto fail;
    rec = calloc(1, sizeof *rec);
    if (!rec) {
        st = RA_ERR_NOMEM;
        goto fail;
    }
    walk_t w;
    walk_begin(&w, &rec->arena, ld->sink, name);
    if (!(rec->path = ra_arena_strdup(&rec->arena, name)))
        w.st = RA_ERR_NOMEM;
    rec->size = len;
    ra_sha256(data, len, rec->sha256);
    read_record(&w, xmlDocGetRootElement(doc), rec);
    if ((st = walk_end(&w)) != RA_OK)
        goto fail;
    xmlFreeDoc(doc);
    *out = rec;
    return RA_OK;
fail:
    ra_record_free(rec);
    xmlFreeDoc(doc);
    return st;
}

/* ---- every mistake in one pass ---- */

/* The diagnostics of one checked load, held until every stage has spoken
 * so that they can be put in line order. */
typedef struct {
    ra_severity_t severity;
    long line;
    char *file, *message;
    int stage;  /* STAGE_* that said it */
    size_t seq; /* order of arrival, for a stable sort */
} held_t;

enum { STAGE_PARSE, STAGE_SCHEMA, STAGE_WALK, STAGE_CHECK };

typedef struct {
    held_t *items;
    size_t n, cap;
    int stage;
    bool nomem;
} hold_t;

/* The holding sink: copies each diagnostic. */
static void hold_diag(void *ctx, const ra_diag_t *d)
{
    hold_t *h = ctx;
    char *file = d->file ? strdup(d->file) : NULL, *msg = strdup(d->message);
    if ((d->file && !file) || !msg || RA_VEC_RESERVE(h->items, h->n, h->cap, 16) != RA_OK) {
        free(file);
        free(msg);
        h->nomem = true;
        return;
    }
    h->items[h->n] = (held_t){d->severity, d->line, file, msg, h->stage, h->n};
    h->n++;
}

static int cmp_held(const void *a, const void *b)
{
    const held_t *x = a, *y = b;
    /* Lines in order; what has no line (the whole file) after them. */
    long lx = x->line > 0 ? x->line : LONG_MAX, ly = y->line > 0 ? y->line : LONG_MAX;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Whether a schema error was reported at line. */
static bool schema_line(const hold_t *h, long line)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i].stage == STAGE_SCHEMA && h->items[i].line == line &&
            h->items[i].severity == RA_DIAG_ERROR)
            return true;
    return false;
}

/* Passes the held diagnostics on in line order. What the checks after a
 * failed schema validation said about an element the schema rejected is
 * left out: it would repeat the schema's error, or judge a value that is
 * not there. */
static void hold_release(hold_t *h, bool schema_failed, ra_diag_sink_t *sink)
{
    for (size_t i = 0; i < h->n; i++)
        if (schema_failed && h->items[i].stage > STAGE_SCHEMA && schema_line(h, h->items[i].line))
            h->items[i].severity = RA_SEVERITY_COUNT; /* dropped */
    if (h->n)
        qsort(h->items, h->n, sizeof *h->items, cmp_held);
    for (size_t i = 0; i < h->n; i++) {
        held_t *it = &h->items[i];
        if (it->severity != RA_SEVERITY_COUNT)
            ra_diag(sink, it->severity, it->file, it->line, "%s", it->message);
        free(it->file);
        free(it->message);
    }
    free(h->items);
    *h = (hold_t){0};
}

ra_status_t ra_load_record_checked_mem(ra_loader_t *ld, const ra_checklist_t *cl, const char *name,
                                       const char *data, size_t len, ra_record_t **out)
{
    *out = NULL;
    hold_t hold = {0};
    ra_diag_sink_t held = {.fn = hold_diag, .ctx = &hold}, *sink = ld->sink;
    ld->sink = &held;
    xmlDocPtr doc = NULL;
    ra_record_t *rec = NULL;
    ra_status_t st = parse_bytes(&held, name, data, len, ld->verbose, &doc);
    if (st == RA_OK)
        st = check_root(&held, name, doc, SCHEMA_ASSESSMENT);
    ra_status_t schema = RA_OK, check = RA_OK;
    if (st == RA_OK) {
        hold.stage = STAGE_SCHEMA;
        schema = validate_doc(ld, SCHEMA_ASSESSMENT, name, doc);
        if (schema != RA_ERR_SCHEMA)
            st = schema;
    }
    /* A record the schema rejected is still read and checked, as far as
     * it goes, so that one run lists every mistake. */
    if (st == RA_OK && !(rec = calloc(1, sizeof *rec)))
        st = RA_ERR_NOMEM;
    if (st == RA_OK) {
        hold.stage = STAGE_WALK;
        walk_t w;
        walk_begin(&w, &rec->arena, &held, name);
        w.lenient = schema != RA_OK;
        if (!(rec->path = ra_arena_strdup(&rec->arena, name)))
            w.st = RA_ERR_NOMEM;
        rec->size = len;
        ra_sha256(data, len, rec->sha256);
        read_record(&w, xmlDocGetRootElement(doc), rec);
        st = walk_end(&w);
    }
    if (st == RA_OK && cl) {
        hold.stage = STAGE_CHECK;
        check = ra_record_check(cl, rec, &held);
    }
    ld->sink = sink;
    xmlFreeDoc(doc);
    if (hold.nomem && st == RA_OK)
        st = RA_ERR_NOMEM;
    hold_release(&hold, schema != RA_OK, sink);
    if (st == RA_OK)
        st = schema != RA_OK ? schema : check;
    if (st != RA_OK) {
        ra_record_free(rec);
        return st;
    }
    *out = rec;
    return RA_OK;
}

ra_status_t ra_load_record_checked(ra_loader_t *ld, const ra_checklist_t *cl, const char *path,
                                   ra_record_t **out)
{
    ra_buf_t data = RA_BUF_INIT;
    *out = NULL;
    ra_status_t st = ra_read_file(path, RA_MAX_FILE_BYTES, &data, ld->sink);
    if (st == RA_OK)
        st = ra_load_record_checked_mem(ld, cl, path, ra_buf_str(&data), data.len, out);
    ra_buf_free(&data);
    return st;
}

ra_status_t ra_load_record(ra_loader_t *ld, const char *path, ra_record_t **out)
{
    ra_buf_t data = RA_BUF_INIT;
    ra_status_t st = ra_read_file(path, RA_MAX_FILE_BYTES, &data, ld->sink);
    if (st == RA_OK)
        st = ra_load_record_mem(ld, path, ra_buf_str(&data), data.len, out);
    ra_buf_free(&data);
    return st;
}

/* ---- checklist ---- */

static int cmp_profile_rank(const void *a, const void *b)
{
    const ra_profile_t *x = a, *y = b;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static int cmp_band(const void *a, const void *b)
{
    const ra_band_t *x = a, *y = b;
    return (x->min < y->min) - (x->min > y->min);
}

/* A check index paired with its id, for sorting checks by id. */
typedef struct {
    size_t idx;
    const char *id;
} check_key_t;

static int cmp_check_key(const void *a, const void *b)
{
    return strcmp(((const check_key_t *)a)->id, ((const check_key_t *)b)->id);
}

/* A profile's <policy>: the governance rules it turns on. */
static void read_policy(walk_t *w, xmlNodePtr n, ra_policy_t *pol)
{
    pol->present = true;
    pol->line = xmlGetLineNo(n);
    pol->distinct_approvers = bool_attr(w, n, "distinct-approvers");
    pol->independent_approvers = bool_attr(w, n, "independent-approvers");
    pol->approval_window_days = (int)num_attr(w, n, "approval-window-days", 0);
    const char *na = attr(w, n, "max-not-applicable");
    pol->has_max_not_applicable = na && *na;
    pol->max_not_applicable = num_attr(w, n, "max-not-applicable", 1);
    pol->risk_acceptance_max_days = (int)num_attr(w, n, "risk-acceptance-max-days", 0);
}

static void read_profiles(walk_t *w, xmlNodePtr ps, ra_checklist_t *cl)
{
    cl->nprofiles = count_children(ps, "profile");
    cl->profiles = alloc_items(w, ps, cl->nprofiles, sizeof *cl->profiles, "profiles");
    if (!cl->profiles)
        cl->nprofiles = 0;
    size_t k = 0;
    for (xmlNodePtr c = first_elem(ps->children); c && k < cl->nprofiles; c = next_elem(c)) {
        if (!is_elem(c, "profile"))
            continue;
        ra_profile_t *p = &cl->profiles[k++];
        p->line = xmlGetLineNo(c);
        p->id = req_attr(w, c, "id");
        p->name = req_attr(w, c, "name");
        p->description = child_text(w, c, "description");
        p->rank = (int)num_attr(w, c, "rank", 0);
        p->ready = num_attr(w, c, "ready", 0);
        p->conditional = num_attr(w, c, "conditional", 0);
        p->evidence_required = bool_attr(w, c, "evidence-required");
        if (p->conditional > p->ready) {
            ra_diag(w->sink, RA_DIAG_ERROR, w->file, p->line,
                    "profile '%s': conditional threshold %g is above its ready threshold %g", p->id,
                    p->conditional, p->ready);
            w->st = RA_ERR_INVALID;
        }
        p->nsignoff = count_children(c, "requires-signoff");
        p->signoff_roles = alloc_items(w, c, p->nsignoff, sizeof *p->signoff_roles, "roles");
        p->nweights = count_children(c, "layer-weight");
        p->weights = alloc_items(w, c, p->nweights, sizeof *p->weights, "layer weights");
        p->nauthorities = count_children(c, "risk-authority");
        p->authorities =
            alloc_items(w, c, p->nauthorities, sizeof *p->authorities, "risk authorities");
        size_t ns = 0, nw = 0, na = 0;
        for (xmlNodePtr d = first_elem(c->children); d; d = next_elem(d)) {
            if (is_elem(d, "requires-signoff") && ns < p->nsignoff) {
                const char *role = req_attr(w, d, "role");
                long r = ra_checklist_find_role(cl, role);
                if (r < 0) {
                    ra_diag(w->sink, RA_DIAG_ERROR, w->file, xmlGetLineNo(d),
                            "profile '%s' requires sign-off by unknown role '%s'", p->id, role);
                    w->st = RA_ERR_INVALID;
                    continue;
                }
                p->signoff_roles[ns++] = (size_t)r;
            } else if (is_elem(d, "layer-weight") && nw < p->nweights) {
                const char *layer = req_attr(w, d, "layer");
                size_t li = 0;
                while (li < cl->nlayers && strcmp(cl->layers[li].id, layer) != 0)
                    li++;
                if (li == cl->nlayers) {
                    ra_diag(w->sink, RA_DIAG_ERROR, w->file, xmlGetLineNo(d),
                            "profile '%s' weights unknown layer '%s'", p->id, layer);
                    w->st = RA_ERR_INVALID;
                    continue;
                }
                p->weights[nw].layer = li;
                p->weights[nw++].weight = num_attr(w, d, "weight", 1);
            } else if (is_elem(d, "policy")) {
                read_policy(w, d, &p->policy);
            } else if (is_elem(d, "risk-authority") && na < p->nauthorities) {
                const char *role = req_attr(w, d, "role");
                long r = ra_checklist_find_role(cl, role);
                if (r < 0) {
                    ra_diag(w->sink, RA_DIAG_ERROR, w->file, xmlGetLineNo(d),
                            "profile '%s' gives risk authority to unknown role '%s'", p->id, role);
                    w->st = RA_ERR_INVALID;
                    continue;
                }
                p->authorities[na].role = (size_t)r;
                p->authorities[na].line = xmlGetLineNo(d);
                p->authorities[na++].min_weight = (int)num_attr(w, d, "min-weight", 1);
            }
        }
        p->nauthorities = na;
        p->nsignoff = ns;
        p->nweights = nw;
    }
    qsort(cl->profiles, cl->nprofiles, sizeof *cl->profiles, cmp_profile_rank);
    for (size_t i = 1; i < cl->nprofiles; i++)
        if (cl->profiles[i].rank == cl->profiles[i - 1].rank) {
            ra_diag(w->sink, RA_DIAG_ERROR, w->file, cl->profiles[i].line,
                    "profiles '%s' and '%s' have the same rank %d", cl->profiles[i - 1].id,
                    cl->profiles[i].id, cl->profiles[i].rank);
            w->st = RA_ERR_INVALID;
        }
}

/* The supersedes attribute: a space-separated list of earlier versions. */
static void read_supersedes(walk_t *w, xmlNodePtr root, ra_checklist_t *cl)
{
    const char *list = attr(w, root, "supersedes");
    if (!list)
        return;
    char *copy = ra_arena_strdup(w->arena, list);
    size_t n = 0;
    for (const char *p = list; *p; p++)
        n += *p != ' ' && (p == list || p[-1] == ' ');
    cl->supersedes = alloc_items(w, root, n, sizeof *cl->supersedes, "versions");
    if (!copy || !cl->supersedes)
        return;
    for (char *p = copy; *p && cl->nsupersedes < n;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        cl->supersedes[cl->nsupersedes++] = p;
        while (*p && *p != ' ')
            p++;
    }
}

/* Copies a validated checklist document. Layers come first so profiles can
 * refer to them; check profiles are resolved after profiles are read. */
static void read_checklist(walk_t *w, xmlNodePtr root, ra_checklist_t *cl)
{
    cl->id = req_attr(w, root, "id");
    cl->version = req_attr(w, root, "version");
    cl->title = req_attr(w, root, "title");
    cl->description = child_text(w, root, "description");
    read_supersedes(w, root, cl);

    xmlNodePtr roles = child(root, "roles");
    if (roles) {
        cl->nroles = count_children(roles, "role");
        cl->roles = alloc_items(w, roles, cl->nroles, sizeof *cl->roles, "roles");
        if (!cl->roles)
            cl->nroles = 0;
        size_t k = 0;
        for (xmlNodePtr c = first_elem(roles->children); c && k < cl->nroles; c = next_elem(c))
            if (is_elem(c, "role")) {
                cl->roles[k].id = req_attr(w, c, "id");
                cl->roles[k++].name = req_attr(w, c, "name");
            }
    }

    xmlNodePtr layers = child(root, "layers");
    const char **check_profiles = NULL;
    long *check_lines = NULL;
    if (layers) {
        cl->nlayers = count_children(layers, "layer");
        cl->layers = alloc_items(w, layers, cl->nlayers, sizeof *cl->layers, "layers");
        if (!cl->layers)
            cl->nlayers = 0;
        size_t nchecks = 0;
        for (xmlNodePtr c = first_elem(layers->children); c; c = next_elem(c))
            if (is_elem(c, "layer"))
                nchecks += count_children(c, "check");
        cl->nchecks = nchecks;
        /* The limit is said once, by the first of the three arrays. */
        cl->checks = alloc_items(w, layers, nchecks, sizeof *cl->checks, "checks");
        if (cl->checks) {
            check_profiles = alloc_items(w, layers, nchecks, sizeof *check_profiles, "checks");
            check_lines = alloc_items(w, layers, nchecks, sizeof *check_lines, "checks");
        }
        if (!cl->checks || !check_profiles || !check_lines)
            cl->nchecks = 0;
        size_t li = 0, ci = 0;
        for (xmlNodePtr c = first_elem(layers->children); c && li < cl->nlayers; c = next_elem(c)) {
            if (!is_elem(c, "layer"))
                continue;
            ra_layer_t *l = &cl->layers[li];
            l->line = xmlGetLineNo(c);
            l->id = req_attr(w, c, "id");
            l->name = req_attr(w, c, "name");
            l->weight = num_attr(w, c, "weight", 1);
            l->prototype_question = child_text(w, c, "prototype-question");
            l->production_question = child_text(w, c, "production-question");
            l->first_check = ci;
            for (xmlNodePtr k = first_elem(c->children); k && ci < cl->nchecks; k = next_elem(k)) {
                if (!is_elem(k, "check"))
                    continue;
                ra_check_t *ck = &cl->checks[ci];
                ck->line = xmlGetLineNo(k);
                ck->id = req_attr(w, k, "id");
                ck->layer = li;
                ck->weight = (int)num_attr(w, k, "weight", 1);
                ck->gate = bool_attr(w, k, "gate");
                ck->title = child_text(w, k, "title");
                ck->question = child_text(w, k, "question");
                ck->guidance = child_text(w, k, "guidance");
                ck->remediation = child_text(w, k, "remediation");
                ck->nrefs = count_children(k, "ref");
                ck->refs = alloc_items(w, k, ck->nrefs, sizeof *ck->refs, "references");
                if (!ck->refs)
                    ck->nrefs = 0;
                size_t ri = 0;
                for (xmlNodePtr r = first_elem(k->children); r && ri < ck->nrefs; r = next_elem(r))
                    if (is_elem(r, "ref")) {
                        ck->refs[ri].framework = req_attr(w, r, "framework");
                        ck->refs[ri++].clause = req_attr(w, r, "clause");
                    }
                check_profiles[ci] = req_attr(w, k, "profile");
                check_lines[ci] = ck->line;
                ci++;
            }
            l->ncheck = ci - l->first_check;
            li++;
        }
    }

    xmlNodePtr profiles = child(root, "profiles");
    if (profiles)
        read_profiles(w, profiles, cl);
    for (size_t i = 0; i < cl->nchecks; i++) {
        long p = ra_checklist_find_profile(cl, check_profiles[i]);
        if (p < 0) {
            ra_diag(w->sink, RA_DIAG_ERROR, w->file, check_lines[i],
                    "check '%s' names unknown profile '%s'", cl->checks[i].id, check_profiles[i]);
            w->st = RA_ERR_INVALID;
            p = 0;
        }
        cl->checks[i].profile = (size_t)p;
    }

    xmlNodePtr bands = child(root, "bands");
    if (bands) {
        cl->nbands = count_children(bands, "band");
        cl->bands = alloc_items(w, bands, cl->nbands, sizeof *cl->bands, "bands");
        if (!cl->bands)
            cl->nbands = 0;
        size_t k = 0;
        for (xmlNodePtr c = first_elem(bands->children); c && k < cl->nbands; c = next_elem(c))
            if (is_elem(c, "band")) {
                cl->bands[k].min = num_attr(w, c, "min", 0);
                cl->bands[k++].label = req_attr(w, c, "label");
            }
        qsort(cl->bands, cl->nbands, sizeof *cl->bands, cmp_band);
    }

    /* Index checks by id for lookups, and catch duplicates the schema missed. */
    check_key_t *keys = alloc_items(w, root, cl->nchecks, sizeof *keys, "checks");
    cl->check_order = alloc_items(w, root, cl->nchecks, sizeof *cl->check_order, "checks");
    if (keys && cl->check_order) {
        for (size_t i = 0; i < cl->nchecks; i++)
            keys[i] = (check_key_t){i, cl->checks[i].id};
        qsort(keys, cl->nchecks, sizeof *keys, cmp_check_key);
        for (size_t i = 0; i < cl->nchecks; i++) {
            cl->check_order[i] = keys[i].idx;
            if (i && strcmp(keys[i].id, keys[i - 1].id) == 0) {
                ra_diag(w->sink, RA_DIAG_ERROR, w->file, cl->checks[keys[i].idx].line,
                        "duplicate check id '%s'", keys[i].id);
                w->st = RA_ERR_INVALID;
            }
        }
    }
}

/* Reads, validates and copies a checklist or template file into the
 * object whose arena, path and digest fields are given, through fn. */
typedef void (*read_node_fn)(walk_t *w, xmlNodePtr root, void *obj);

static ra_status_t load_into(ra_loader_t *ld, int which, const char *path, ra_arena_t *arena,
                             const char **path_field, unsigned char sha256[32], read_node_fn fn,
                             void *obj)
{
    xmlDocPtr doc = NULL;
    ra_buf_t data = RA_BUF_INIT;
    ra_status_t st = read_valid(ld, which, path, &data, &doc);
    if (st == RA_OK) {
        walk_t w;
        walk_begin(&w, arena, ld->sink, path);
        *path_field = ra_arena_strdup(arena, path);
        ra_sha256(data.data, data.len, sha256);
        fn(&w, xmlDocGetRootElement(doc), obj);
        st = walk_end(&w);
    }
    xmlFreeDoc(doc);
    ra_buf_free(&data);
    return st;
}

static void read_checklist_node(walk_t *w, xmlNodePtr root, void *obj)
{
    read_checklist(w, root, obj);
}

ra_status_t ra_load_checklist(ra_loader_t *ld, const char *path, ra_checklist_t **out)
{
    ra_checklist_t *cl = calloc(1, sizeof *cl);
    ra_status_t st = cl ? load_into(ld, SCHEMA_CHECKLIST, path, &cl->arena, &cl->path, cl->sha256,
                                    read_checklist_node, cl)
                        : RA_ERR_NOMEM;
    if (st != RA_OK) {
        ra_checklist_free(cl);
        cl = NULL;
    }
    *out = cl;
    return st;
}

/* ---- report template ---- */

/* Resolves a logo path relative to the template's directory, refusing
 * anything that leaves it or is not a regular file. */
static const char *resolve_logo(walk_t *w, long line, const char *tpl_path, const char *src)
{
    const char *result = NULL;
    char *dir = strdup(tpl_path);
    char *base = NULL, *full = NULL;
    ra_buf_t joined = RA_BUF_INIT;
    if (!dir) {
        w->st = RA_ERR_NOMEM;
        return NULL;
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    base = realpath(dir, NULL);
    ra_buf_printf(&joined, "%s/%s", dir, src);
    full = realpath(ra_buf_str(&joined), NULL);
    struct stat sb;
    size_t bl = base ? strlen(base) : 0;
    if (!base || !full || strncmp(full, base, bl) != 0 || full[bl] != '/' || stat(full, &sb) != 0 ||
        !S_ISREG(sb.st_mode)) {
        ra_diag(w->sink, RA_DIAG_ERROR, w->file, line,
                "logo '%s' is not a readable file inside the template's directory", src);
        w->st = RA_ERR_INVALID;
    } else {
        result = ra_arena_strdup(w->arena, full);
    }
    free(dir);
    free(base);
    free(full);
    ra_buf_free(&joined);
    return result;
}

/* Reads the template's logo (resolved already) into the template's arena
 * and checks it with the renderer's image module (image.h: PNG or JPEG,
 * its limits); an unusable logo is an error at the <logo> element. */
static void load_logo(walk_t *w, long line, const char *src, ra_template_t *t)
{
    ra_buf_t data = RA_BUF_INIT, why = RA_BUF_INIT;
    struct stat sb;
    if (stat(t->logo_path, &sb) == 0 && (unsigned long long)sb.st_size > RA_IMAGE_MAX_BYTES) {
        ra_diag(w->sink, RA_DIAG_ERROR, w->file, line,
                "%s: logo is larger than the limit of %u bytes", src, RA_IMAGE_MAX_BYTES);
        w->st = RA_ERR_LIMIT;
        return;
    }
    ra_status_t st = ra_read_file(t->logo_path, RA_IMAGE_MAX_BYTES, &data, w->sink);
    if (st == RA_OK) {
        ra_image_t img;
        st = ra_image_read(data.data, data.len, "logo", 0, &img, &why);
        if (st != RA_OK) {
            ra_diag(w->sink, RA_DIAG_ERROR, w->file, line, "%s: %s", src, ra_buf_str(&why));
        } else {
            t->logo_width = img.width;
            t->logo_height = img.height;
            ra_image_free(&img);
        }
    }
    if (st == RA_OK) {
        unsigned char *copy = ra_arena_alloc(w->arena, data.len);
        if (!copy)
            st = RA_ERR_NOMEM;
        else {
            memcpy(copy, data.data, data.len);
            t->logo_png = copy;
            t->logo_len = data.len;
        }
    }
    if (st != RA_OK && w->st == RA_OK)
        w->st = st;
    ra_buf_free(&data);
    ra_buf_free(&why);
}

/* Two hex digits as a colour component 0..1. */
static double hex_component(const char *s)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        char c = s[i];
        v = v * 16 + (c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                             : c - 'A' + 10);
    }
    return v / 255.0;
}

static void read_template(walk_t *w, xmlNodePtr root, ra_template_t *t)
{
    t->id = req_attr(w, root, "id");
    t->version = req_attr(w, root, "version");
    t->organisation = child_text(w, root, "organisation");
    t->confidentiality = child_text(w, root, "confidentiality");
    t->introduction = child_text(w, root, "introduction");
    t->disclaimer = child_text(w, root, "disclaimer");
    t->accent[0] = 0x1F / 255.0;
    t->accent[1] = 0x3A / 255.0;
    t->accent[2] = 0x5F / 255.0;
    const char *accent = child_text(w, root, "accent");
    if (accent && strlen(accent) == 7)
        for (int i = 0; i < 3; i++)
            t->accent[i] = hex_component(accent + 1 + 2 * i);
    const char *size = child_text(w, root, "page-size");
    t->page_size = size && strcmp(size, "Letter") == 0 ? RA_PAGE_LETTER : RA_PAGE_A4;
    xmlNodePtr logo = child(root, "logo");
    if (logo) {
        const char *src = req_attr(w, logo, "src");
        t->logo_path = resolve_logo(w, xmlGetLineNo(logo), t->path, src);
        if (t->logo_path)
            load_logo(w, xmlGetLineNo(logo), src, t);
    }

    /* Section order: as listed; the mandatory ones keep their default
     * places when a template leaves them out. */
    static const ra_section_t mandatory[] = {RA_SECTION_COVER, RA_SECTION_SIGNOFF,
                                             RA_SECTION_INTEGRITY};
    xmlNodePtr secs = child(root, "sections");
    bool listed[RA_SECTION_COUNT] = {false};
    if (!secs) {
        for (int i = 0; i < RA_SECTION_COUNT; i++)
            t->sections[t->nsections++] = (ra_section_t)i;
        return;
    }
    for (xmlNodePtr c = first_elem(secs->children); c; c = next_elem(c)) {
        const char *id = req_attr(w, c, "id");
        for (int i = 0; i < RA_SECTION_COUNT; i++)
            if (strcmp(id, ra_section_name((ra_section_t)i)) == 0 && !listed[i]) {
                listed[i] = true;
                bool mand = false;
                for (size_t m = 0; m < sizeof mandatory / sizeof *mandatory; m++)
                    mand |= mandatory[m] == (ra_section_t)i;
                const char *en = attr(w, c, "enabled");
                if (mand || !en || strcmp(en, "true") == 0 || strcmp(en, "1") == 0)
                    t->sections[t->nsections++] = (ra_section_t)i;
            }
    }
    if (!listed[RA_SECTION_COVER]) {
        memmove(t->sections + 1, t->sections, t->nsections * sizeof *t->sections);
        t->sections[0] = RA_SECTION_COVER;
        t->nsections++;
    }
    if (!listed[RA_SECTION_SIGNOFF])
        t->sections[t->nsections++] = RA_SECTION_SIGNOFF;
    if (!listed[RA_SECTION_INTEGRITY])
        t->sections[t->nsections++] = RA_SECTION_INTEGRITY;
}

static void read_template_node(walk_t *w, xmlNodePtr root, void *obj)
{
    read_template(w, root, obj);
}

ra_status_t ra_load_template(ra_loader_t *ld, const char *path, ra_template_t **out)
{
    ra_template_t *t = calloc(1, sizeof *t);
    ra_status_t st = t ? load_into(ld, SCHEMA_TEMPLATE, path, &t->arena, &t->path, t->sha256,
                                   read_template_node, t)
                       : RA_ERR_NOMEM;
    if (st != RA_OK) {
        ra_template_free(t);
        t = NULL;
    }
    *out = t;
    return st;
}
