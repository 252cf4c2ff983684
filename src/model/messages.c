/* messages.c - libxml2's parser and schema errors in the terms of the record, checklist or
 * template. */
#include "model/messages.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "base/arena.h"
#include "base/vec.h"
#include "model/model.h"

/* ---- what a schema declares ---- */

/* One element declaration: its child elements in schema order, its attributes. */
typedef struct {
    const char *name;
    const char **children;
    size_t nchildren, ccap;
    const char **attrs;
    size_t nattrs, acap;
} decl_t;

/* One key, unique or keyref constraint: the element it selects, its attribute. */
typedef struct {
    const char *name, *element, *field, *refer;
} idc_t;

struct ra_xsd {
    ra_arena_t arena;
    decl_t *decls;
    size_t ndecls, dcap;
    idc_t *idcs;
    size_t nidcs, icap;
    ra_status_t st;
    xmlNodePtr types[256]; /* named complex types of the schema */
    size_t ntypes;
};

#define XS_NS "http://www.w3.org/2001/XMLSchema"

static bool is_xs(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           strcmp((const char *)n->ns->href, XS_NS) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

/* The local part of a qualified name ("a:Result" -> "Result"). */
static const char *local_part(const char *q)
{
    const char *c = q ? strrchr(q, ':') : NULL;
    return c ? c + 1 : q;
}

/* An attribute of an XSD node copied into the arena (its local part when
 * local), or NULL. */
static const char *xs_attr(ra_xsd_t *x, xmlNodePtr n, const char *name, bool local)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *s =
        ra_arena_strdup(&x->arena, local ? local_part((const char *)v) : (const char *)v);
    xmlFree(v);
    if (!s)
        x->st = RA_ERR_NOMEM;
    return s;
}

/* Adds name to a list unless it is there already. */
static void list_add(ra_xsd_t *x, const char ***items, size_t *n, size_t *cap, const char *name)
{
    if (!name)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*items)[i], name) == 0)
            return;
    if (ra_vec_reserve(items, *n, cap, sizeof **items, 8) != RA_OK) {
        x->st = RA_ERR_NOMEM;
        return;
    }
    (*items)[(*n)++] = name;
}

static xmlNodePtr named_type(const ra_xsd_t *x, const char *name)
{
    for (size_t i = 0; name && i < x->ntypes; i++) {
        xmlChar *v = xmlGetProp(x->types[i], (const xmlChar *)"name");
        bool same = v && strcmp((const char *)v, name) == 0;
        xmlFree(v);
        if (same)
            return x->types[i];
    }
    return NULL;
}

/* Collects the child elements and attributes a content model declares. */
static void collect_content(ra_xsd_t *x, xmlNodePtr n, decl_t *d, int depth)
{
    if (depth > 16)
        return;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is_xs(c, "element")) {
            const char *name = xs_attr(x, c, "name", false);
            list_add(x, &d->children, &d->nchildren, &d->ccap,
                     name ? name : xs_attr(x, c, "ref", true));
        } else if (is_xs(c, "attribute")) {
            const char *name = xs_attr(x, c, "name", false);
            list_add(x, &d->attrs, &d->nattrs, &d->acap, name ? name : xs_attr(x, c, "ref", true));
        } else if (is_xs(c, "sequence") || is_xs(c, "choice") || is_xs(c, "all") ||
                   is_xs(c, "complexContent") || is_xs(c, "simpleContent") ||
                   is_xs(c, "extension") || is_xs(c, "restriction")) {
            if (is_xs(c, "extension")) {
                xmlNodePtr base = named_type(x, xs_attr(x, c, "base", true));
                if (base)
                    collect_content(x, base, d, depth + 1);
            }
            collect_content(x, c, d, depth + 1);
        }
    }
}

/* Records every element declaration and identity constraint below n. */
static void collect_decls(ra_xsd_t *x, xmlNodePtr n, int depth)
{
    if (depth > 64)
        return;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_xs(c, "element")) {
            const char *name = xs_attr(x, c, "name", false);
            xmlNodePtr content = NULL;
            for (xmlNodePtr k = c->children; k && !content; k = k->next)
                if (is_xs(k, "complexType"))
                    content = k;
            if (!content)
                content = named_type(x, xs_attr(x, c, "type", true));
            bool known = false;
            for (size_t i = 0; name && i < x->ndecls; i++)
                known |= strcmp(x->decls[i].name, name) == 0;
            if (name && content && !known &&
                RA_VEC_RESERVE(x->decls, x->ndecls, x->dcap, 16) == RA_OK) {
                decl_t *d = &x->decls[x->ndecls++];
                *d = (decl_t){.name = name};
                collect_content(x, content, d, 0);
            }
        } else if (is_xs(c, "unique") || is_xs(c, "key") || is_xs(c, "keyref")) {
            const char *sel = NULL, *field = NULL;
            for (xmlNodePtr k = c->children; k; k = k->next)
                if (is_xs(k, "selector"))
                    sel = xs_attr(x, k, "xpath", false);
                else if (is_xs(k, "field"))
                    field = xs_attr(x, k, "xpath", false);
            if (sel && field && RA_VEC_RESERVE(x->idcs, x->nidcs, x->icap, 8) == RA_OK) {
                const char *slash = strrchr(sel, '/');
                x->idcs[x->nidcs++] = (idc_t){
                    .name = xs_attr(x, c, "name", false),
                    .element = local_part(slash ? slash + 1 : sel),
                    .field = field[0] == '@' ? field + 1 : field,
                    .refer = xs_attr(x, c, "refer", true),
                };
            }
        }
        collect_decls(x, c, depth + 1);
    }
}

ra_status_t ra_xsd_read(const char *data, size_t len, ra_xsd_t **out)
{
    *out = NULL;
    ra_xsd_t *x = calloc(1, sizeof *x);
    if (!x)
        return RA_ERR_NOMEM;
    xmlDocPtr doc = xmlReadMemory(data, (int)len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root) {
        for (xmlNodePtr c = root->children; c; c = c->next)
            if (is_xs(c, "complexType") && x->ntypes < sizeof x->types / sizeof *x->types)
                x->types[x->ntypes++] = c;
        collect_decls(x, root, 0);
    }
    xmlFreeDoc(doc);
    ra_status_t st = x->st;
    if (st != RA_OK) {
        ra_xsd_free(x);
        return st;
    }
    *out = x;
    return RA_OK;
}

void ra_xsd_free(ra_xsd_t *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->ndecls; i++) {
        free(x->decls[i].children);
        free(x->decls[i].attrs);
    }
    free(x->decls);
    free(x->idcs);
    ra_arena_free(&x->arena);
    free(x);
}

static const decl_t *find_decl(const ra_xsd_t *x, const char *name)
{
    for (size_t i = 0; x && name && i < x->ndecls; i++)
        if (strcmp(x->decls[i].name, name) == 0)
            return &x->decls[i];
    return NULL;
}

static long child_index(const decl_t *d, const char *name)
{
    for (size_t i = 0; d && i < d->nchildren; i++)
        if (strcmp(d->children[i], name) == 0)
            return (long)i;
    return -1;
}

/* ---- pieces of messages ---- */

static const char *node_name(xmlNodePtr n)
{
    return n ? (const char *)n->name : "";
}

/* A property of an element, "" when absent; the caller frees it with xmlFree. */
static char *prop(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE ? (char *)xmlGetProp(n, (const xmlChar *)name) : NULL;
}

/* "<result check="PM-02">", "<check id="EV-01">", "<note>": an element as the
 * user would look for it in the file. */
static void put_label_but(ra_buf_t *b, xmlNodePtr n, const char *skip)
{
    ra_buf_printf(b, "<%s", node_name(n));
    /* The attribute that tells it from its siblings: an assessor's name, or
     * the first of these. */
    static const char *const keys[] = {"check", "id", "role"}, *const assessor[] = {"name"};
    bool is_assessor = strcmp(node_name(n), "assessor") == 0;
    const char *const *k = is_assessor ? assessor : keys;
    size_t nk = is_assessor ? 1 : sizeof keys / sizeof *keys;
    bool shown = false;
    if (n && n->parent && n->parent->type == XML_ELEMENT_NODE)
        for (size_t i = 0; i < nk && !shown; i++) {
            /* The attribute in question is named beside its value instead. */
            shown |= strcmp(k[i], skip) == 0;
            char *v = strcmp(k[i], skip) != 0 ? prop(n, k[i]) : NULL;
            if (v && *v && strlen(v) <= 64) {
                ra_buf_printf(b, " %s=\"%s\"", k[i], v);
                shown = true;
            }
            xmlFree(v);
        }
    ra_buf_putc(b, '>');
    /* An element known by its place: name the element it is in. */
    xmlNodePtr up = n ? n->parent : NULL;
    if (!shown && up && up->type == XML_ELEMENT_NODE && up->parent &&
        up->parent->type == XML_ELEMENT_NODE && strcmp(node_name(up), "result") != 0 &&
        strcmp(node_name(n), "evidence") != 0)
        ra_buf_printf(b, " in <%s>", node_name(up));
    /* Inside a result, say which. */
    for (xmlNodePtr p = n ? n->parent : NULL; p && p->type == XML_ELEMENT_NODE; p = p->parent)
        if (strcmp(node_name(p), "result") == 0) {
            char *v = prop(p, "check");
            if (v)
                ra_buf_printf(b, " of result %s", v);
            xmlFree(v);
            break;
        }
}

static void put_label(ra_buf_t *b, xmlNodePtr n)
{
    put_label_but(b, n, "");
}

/* "a, b or c" of the items of a list. */
static void put_list(ra_buf_t *b, const char *const *items, size_t n, const char *last_sep,
                     bool angle)
{
    for (size_t i = 0; i < n; i++)
        ra_buf_printf(b, "%s%s%s%s",
                      i == 0       ? ""
                      : i + 1 == n ? last_sep
                                   : ", ",
                      angle ? "<" : "", items[i], angle ? ">" : "");
}

/* Parses "Element 'X', attribute 'Y': rest" (libxml2's schema prefix):
 * copies Y into attr (empty when the error is about the element) and
 * returns rest. */
static const char *split_prefix(const char *raw, ra_buf_t *attr)
{
    const char *p = raw;
    if (strncmp(p, "Element '", 9) != 0)
        return raw;
    p = strchr(p + 9, '\'');
    if (!p)
        return raw;
    p++;
    if (strncmp(p, ", attribute '", 13) == 0) {
        const char *a = p + 13, *e = strchr(a, '\'');
        if (!e)
            return raw;
        ra_buf_append(attr, a, (size_t)(e - a));
        p = e + 1;
    }
    if (strncmp(p, ": ", 2) == 0)
        p += 2;
    return p;
}

/* The text between the first quote after key in s, or "" (into out). */
static void quoted_after(const char *s, const char *key, ra_buf_t *out)
{
    const char *k = strstr(s, key);
    if (!k)
        return;
    const char *a = strchr(k + strlen(key), '\'');
    const char *e = a ? strchr(a + 1, '\'') : NULL;
    if (e)
        ra_buf_append(out, a + 1, (size_t)(e - a - 1));
}

/* The names libxml2 lists after "Expected is ( a, b )" or "Expected is one
 * of ( a, b )", as one comma-separated string "a,b" into out. */
static void expected_names(const char *rest, ra_buf_t *out)
{
    const char *k = strstr(rest, "Expected is");
    const char *open = k ? strchr(k, '(') : NULL;
    const char *close = open ? strchr(open, ')') : NULL;
    if (!close)
        return;
    for (const char *p = open + 1; p < close; p++)
        if (*p != ' ')
            ra_buf_putc(out, *p);
}

/* Whether the comma-separated list has name. */
static bool list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p += len + (e != NULL);
    }
    return false;
}

/* The first name of a comma-separated list, into out. */
static void first_of(const char *list, ra_buf_t *out)
{
    const char *e = strchr(list, ',');
    ra_buf_append(out, list, e ? (size_t)(e - list) : strlen(list));
}

/* The comma-separated list written as "<a> or <b>". */
static void put_alternatives(ra_buf_t *b, const char *list)
{
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        ra_buf_printf(b, "%s<%.*s>", p == list ? "" : e ? ", " : " or ", (int)len, p);
        p += len + (e != NULL);
    }
}

static xmlNodePtr prev_elem(xmlNodePtr n)
{
    for (n = n ? n->prev : NULL; n && n->type != XML_ELEMENT_NODE; n = n->prev)
        ;
    return n;
}

static xmlNodePtr next_elem(xmlNodePtr n)
{
    for (n = n ? n->next : NULL; n && n->type != XML_ELEMENT_NODE; n = n->next)
        ;
    return n;
}

/* "; the order is a, b, c" when the parent's content has an order to tell. */
static void put_order(ra_buf_t *b, const decl_t *d)
{
    if (!d || d->nchildren < 2)
        return;
    ra_buf_puts(b, "; the order is ");
    put_list(b, d->children, d->nchildren, ", ", false);
}

/* An element the content model did not expect here (XML_SCHEMAV_ELEMENT_CONTENT). */
static void element_content(const ra_xsd_t *xsd, xmlNodePtr n, const char *rest, ra_buf_t *out)
{
    ra_buf_t expected = RA_BUF_INIT, first = RA_BUF_INIT;
    expected_names(rest, &expected);
    first_of(ra_buf_str(&expected), &first);
    bool missing = strstr(rest, "Missing child element") != NULL;
    xmlNodePtr parent = missing ? n : n->parent;
    const decl_t *d = find_decl(xsd, node_name(parent));
    if (missing) {
        /* The element ends before a required child. */
        put_label(out, n);
        ra_buf_puts(out, " is missing ");
        put_alternatives(out, ra_buf_str(&expected));
        if (strcmp(ra_buf_str(&first), "assessor") == 0)
            ra_buf_puts(out, ": a record names at least one assessor");
        put_order(out, d);
        goto done;
    }
    long idx = child_index(d, node_name(n));
    if (idx < 0) {
        ra_buf_printf(out, "<%s> is not an element of ", node_name(n));
        put_label(out, parent);
        if (d && d->nchildren) {
            ra_buf_puts(out, " (it holds ");
            put_list(out, d->children, d->nchildren, " and ", true);
            ra_buf_putc(out, ')');
        }
        if (expected.len) {
            ra_buf_puts(out, "; expected ");
            put_alternatives(out, ra_buf_str(&expected));
            ra_buf_puts(out, " here");
        }
        goto done;
    }
    /* An earlier sibling that belongs after it: out of order. */
    for (xmlNodePtr s = prev_elem(n); s; s = prev_elem(s))
        if (child_index(d, node_name(s)) > idx) {
            xmlNodePtr later = s;
            while (prev_elem(later) && child_index(d, node_name(prev_elem(later))) > idx)
                later = prev_elem(later);
            ra_buf_printf(out, "<%s> must come before <%s> inside ", node_name(n),
                          node_name(later));
            put_label(out, parent);
            put_order(out, d);
            goto done;
        }
    /* What was expected comes later in the file: out of order too. */
    for (xmlNodePtr s = next_elem(n); s && first.len; s = next_elem(s))
        if (strcmp(node_name(s), ra_buf_str(&first)) == 0) {
            ra_buf_printf(out, "<%s> must come before <%s> inside ", ra_buf_str(&first),
                          node_name(n));
            put_label(out, parent);
            ra_buf_printf(out, " (it is at line %ld)", xmlGetLineNo(s));
            put_order(out, d);
            goto done;
        }
    /* The same element again. */
    for (xmlNodePtr s = prev_elem(n); s; s = prev_elem(s))
        if (strcmp(node_name(s), node_name(n)) == 0 &&
            !list_has(ra_buf_str(&expected), node_name(n))) {
            ra_buf_printf(out, "<%s> is given twice inside ", node_name(n));
            put_label(out, parent);
            ra_buf_printf(out, " (first at line %ld); it may appear once", xmlGetLineNo(s));
            goto done;
        }
    if (expected.len) {
        put_label(out, parent);
        ra_buf_puts(out, " is missing ");
        put_alternatives(out, ra_buf_str(&expected));
        ra_buf_printf(out, " before <%s>", node_name(n));
        put_order(out, d);
        goto done;
    }
    ra_buf_printf(out, "<%s> is not expected here inside ", node_name(n));
    put_label(out, parent);
    put_order(out, d);
done:
    ra_buf_free(&expected);
    ra_buf_free(&first);
}

/* What a pattern of our schemas asks for, in words. */
static const char *pattern_words(const char *pattern)
{
    static const struct {
        const char *pattern, *words;
    } table[] = {
        {"[a-z0-9][a-z0-9\\-]*", "must be lower case letters, digits and hyphens"},
        {"[a-z0-9][a-z0-9-]*", "must be lower case letters, digits and hyphens"},
        {"[A-Za-z0-9][A-Za-z0-9._\\-]*",
         "may hold only letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit"},
        {"[0-9a-fA-F]{64}", "must be a SHA-256 digest: 64 hexadecimal digits"},
        {"[^@\\s]+@[^@\\s]+", "must be an e-mail address such as name@example.org"},
        {"[0-9]{4}-[0-9]{2}-[0-9]{2}",
         "must be a date in the form YYYY-MM-DD, without a time or time zone"},
        {"[0-9A-Za-z.+\\-]+",
         "may hold only letters, digits, \".\", \"+\" and \"-\" (such as 1.1)"},
        {"[0-9A-Za-z.+-]+", "may hold only letters, digits, \".\", \"+\" and \"-\" (such as 1.1)"},
        {"#[0-9A-Fa-f]{6}", "must be a colour written #RRGGBB (such as #1F3A5F)"},
        {"[A-Za-z0-9_][A-Za-z0-9_./-]*\\.([Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg])",
         "must be the relative path of a .png or .jpg file"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcmp(pattern, table[i].pattern) == 0)
            return table[i].words;
    return NULL;
}

/* What a built-in or date type asks for, in words. */
static const char *type_words(const char *type)
{
    static const struct {
        const char *type, *words;
    } table[] = {
        {"Date", "is not a calendar date in the form YYYY-MM-DD"},
        {"xs:date", "is not a calendar date in the form YYYY-MM-DD"},
        {"xs:decimal", "is not a number (digits with an optional decimal point)"},
        {"xs:integer", "is not a whole number"},
        {"xs:positiveInteger", "is not a whole number of 1 or more"},
        {"xs:nonNegativeInteger", "is not a whole number of 0 or more"},
        {"xs:boolean", "is not true or false"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        if (strcmp(type, table[i].type) == 0)
            return table[i].words;
    return NULL;
}

/* 'status "Pass" of <result check="PM-02">' or '<assessed-on> "2026-02-30"':
 * what holds the value, and the value. */
static void put_subject(ra_buf_t *b, xmlNodePtr n, const char *attr, const char *value)
{
    if (*attr) {
        ra_buf_printf(b, "%s \"%s\" of ", attr, value);
        put_label_but(b, n, attr);
    } else {
        put_label(b, n);
        ra_buf_printf(b, " \"%s\"", value);
    }
}

/* The value libxml2 complained about: an attribute's or the element's text. */
static void node_value(xmlNodePtr n, const char *attr, ra_buf_t *out)
{
    xmlChar *v = *attr ? xmlGetProp(n, (const xmlChar *)attr) : xmlNodeGetContent(n);
    if (v)
        ra_buf_puts(out, (const char *)v);
    xmlFree(v);
}

/* The value of an enumeration or pattern error: str1, or the file's. */
static void error_value(const xmlError *err, xmlNodePtr n, const char *attr, ra_buf_t *out)
{
    if (err->str1)
        ra_buf_puts(out, err->str1);
    else
        node_value(n, attr, out);
}

/* "'a', 'b', 'c'" (libxml2's set) as "a, b, c"; sets *lower when value in
 * lower case is one of them. */
static void put_set(ra_buf_t *b, const char *set, const char *value, bool *lower)
{
    ra_buf_t low = RA_BUF_INIT, item = RA_BUF_INIT;
    for (const char *p = value; *p; p++)
        ra_buf_putc(&low, (char)tolower((unsigned char)*p));
    *lower = false;
    bool first = true;
    for (const char *p = set; *p; p++) {
        if (*p != '\'')
            continue;
        const char *e = strchr(p + 1, '\'');
        if (!e)
            break;
        ra_buf_clear(&item);
        ra_buf_append(&item, p + 1, (size_t)(e - p - 1));
        ra_buf_printf(b, "%s%s", first ? "" : ", ", ra_buf_str(&item));
        if (strcmp(ra_buf_str(&item), ra_buf_str(&low)) == 0 && strcmp(value, ra_buf_str(&low)))
            *lower = true;
        first = false;
        p = e;
    }
    ra_buf_free(&low);
    ra_buf_free(&item);
}

/* Which attribute a constraint named in libxml2's text is about. */
static const idc_t *find_idc(const ra_xsd_t *x, const char *text)
{
    ra_buf_t name = RA_BUF_INIT;
    quoted_after(text, "identity-constraint", &name);
    if (!name.len)
        quoted_after(text, "keyref", &name);
    const idc_t *found = NULL;
    for (size_t i = 0; x && i < x->nidcs && !found; i++)
        if (x->idcs[i].name && strcmp(x->idcs[i].name, ra_buf_str(&name)) == 0)
            found = &x->idcs[i];
    ra_buf_free(&name);
    return found;
}

/* The first element before n in document order with n's name and the same
 * value of attribute field, or NULL. *gave_up is set when the search
 * stopped at its budget (a file with thousands of duplicates must not take
 * quadratic time to describe). */
static xmlNodePtr first_with(xmlNodePtr n, const char *field, size_t *budget, bool *gave_up)
{
    *gave_up = false;
    char *want = prop(n, field);
    if (!want)
        return NULL;
    /* Elements of one constraint share an ancestor: search from the root. */
    xmlNodePtr root = n;
    while (root->parent && root->parent->type == XML_ELEMENT_NODE)
        root = root->parent;
    xmlNodePtr found = NULL;
    for (xmlNodePtr c = root; c && c != n && !found;) {
        if (*budget == 0) {
            *gave_up = true;
            break;
        }
        --*budget;
        if (c->type == XML_ELEMENT_NODE && strcmp(node_name(c), node_name(n)) == 0) {
            char *v = prop(c, field);
            if (v && strcmp(v, want) == 0)
                found = c;
            xmlFree(v);
        }
        /* The next element in document order. */
        if (c->type == XML_ELEMENT_NODE && c->children) {
            c = c->children;
            continue;
        }
        while (c && c != root && !c->next)
            c = c->parent;
        c = c && c != root ? c->next : NULL;
    }
    xmlFree(want);
    return found;
}

/* A reference that names nothing (a keyref "No match found"): "role
 * \"dpo\" of <requires-signoff> in <profile> names no <role> of this file
 * (...)". The element is n, or when libxml2 gives no node (it checks
 * references at the end of their scope), only its name. */
static void unmatched_key(const ra_xsd_t *xsd, const idc_t *idc, xmlNodePtr n, const char *element,
                          const char *v, ra_buf_t *out)
{
    const char *field = idc ? idc->field : "id";
    ra_buf_printf(out, "%s \"%s\" of ", field, v);
    if (n)
        put_label(out, n);
    else
        ra_buf_printf(out, "<%s>", element);
    const idc_t *target = NULL;
    for (size_t i = 0; xsd && idc && idc->refer && i < xsd->nidcs; i++)
        if (xsd->idcs[i].name && strcmp(xsd->idcs[i].name, idc->refer) == 0)
            target = &xsd->idcs[i];
    if (target)
        ra_buf_printf(out, " names no <%s> of this file (no %s=\"%s\" among them)", target->element,
                      target->field, v);
    else
        ra_buf_puts(out, " refers to nothing in this file");
}

/* A keyref error libxml2 gives without a node: the element's name and the
 * value from its text ("Element 'x': No match found for key-sequence
 * ['v'] of keyref 'k'."); false when the text is not that. */
static bool unmatched_key_raw(const ra_xsd_t *xsd, const char *raw, ra_buf_t *out)
{
    const char *open = strstr(raw, "key-sequence ['");
    const char *close = open ? strstr(open + 15, "']") : NULL;
    if (strncmp(raw, "Element '", 9) != 0 || !strstr(raw, "No match found") || !close)
        return false;
    const char *ename = raw + 9, *eend = strchr(ename, '\'');
    if (!eend || eend > open)
        return false;
    ra_buf_t element = RA_BUF_INIT, value = RA_BUF_INIT;
    ra_buf_append(&element, ename, (size_t)(eend - ename));
    ra_buf_append(&value, open + 15, (size_t)(close - open - 15));
    unmatched_key(xsd, find_idc(xsd, raw), NULL, ra_buf_str(&element), ra_buf_str(&value), out);
    ra_buf_free(&element);
    ra_buf_free(&value);
    return true;
}

/* A duplicate key or unique value (XML_SCHEMAV_CVC_IDC); false when there
 * is no earlier element with that value to name (libxml2 also complains
 * about a value it has just rejected). */
static bool duplicate_key(const ra_xsd_t *xsd, xmlNodePtr n, const char *raw, ra_buf_t *out,
                          size_t *budget)
{
    const idc_t *idc = find_idc(xsd, raw);
    const char *field = idc ? idc->field : "id";
    if (strstr(raw, "No match found")) {
        char *v = prop(n, field);
        unmatched_key(xsd, idc, n, NULL, v ? v : "", out);
        xmlFree(v);
        return true;
    }
    char *v = prop(n, field);
    bool gave_up;
    xmlNodePtr first = first_with(n, field, budget, &gave_up);
    if (!first && !gave_up) {
        xmlFree(v);
        return false;
    }
    if (strcmp(field, "check") == 0 || strcmp(field, "id") == 0)
        ra_buf_printf(out, "%s %s is given twice", node_name(n), v ? v : "");
    else
        ra_buf_printf(out, "%s \"%s\" of <%s> is given twice", field, v ? v : "", node_name(n));
    if (first)
        ra_buf_printf(out, " (first at line %ld)", xmlGetLineNo(first));
    xmlFree(v);
    return true;
}

/* A well-formedness error in words, with the usual fix; false for one
 * this table does not know (libxml2's text is shown). */
static bool parser_message(const xmlError *err, const char *raw, ra_buf_t *out)
{
    switch (err->code) {
    case XML_ERR_NAME_REQUIRED:
        if (strncmp(raw, "StartTag", 8) == 0) {
            ra_buf_puts(out,
                        "a \"<\" that starts no element: a \"<\" in text must be written &lt;");
            return true;
        }
        if (strstr(raw, "EntityRef")) {
            ra_buf_puts(out,
                        "a \"&\" that starts no entity: an \"&\" in text must be written &amp;");
            return true;
        }
        break;
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        ra_buf_puts(out, "a \"&\" without a closing \";\": an \"&\" in text must be written &amp;");
        return true;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        ra_buf_printf(out,
                      "unknown entity &%s; (a record knows only &amp; &lt; &gt; &quot; &apos; and "
                      "character references such as &#233;): an \"&\" in text must be written "
                      "&amp;",
                      err->str1 ? err->str1 : "");
        return true;
    case XML_ERR_TAG_NAME_MISMATCH:
        ra_buf_printf(out,
                      "</%s> closes <%s>, which was opened at line %d: a tag is misspelt or "
                      "not closed",
                      err->str2 ? err->str2 : "", err->str1 ? err->str1 : "", err->int1);
        return true;
    case XML_ERR_TAG_NOT_FINISHED:
        ra_buf_printf(out,
                      "the file ends before <%s> (opened at line %d) is closed: is it cut short?",
                      err->str1 ? err->str1 : "", err->int1);
        return true;
    case XML_ERR_GT_REQUIRED:
        ra_buf_printf(out, "the start tag <%s> of line %d is not closed with \">\"",
                      err->str1 ? err->str1 : "", err->int1);
        return true;
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        ra_buf_printf(out, "attribute %s has no value: write %s=\"...\"",
                      err->str1 ? err->str1 : "", err->str1 ? err->str1 : "");
        return true;
    case XML_ERR_ATTRIBUTE_REDEFINED:
        ra_buf_printf(out, "attribute %s is given twice in one element",
                      err->str1 ? err->str1 : "");
        return true;
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
        if (strstr(raw, "attributes construct error"))
            return false; /* follows from the error before it */
        ra_buf_puts(out, "an attribute value must be in quotes: name=\"value\"");
        return true;
    case XML_ERR_DOCUMENT_END:
        ra_buf_puts(out, "there is more after the end of the root element: a file holds one "
                         "document with one root element");
        return true;
    case XML_ERR_DOCUMENT_START:
    case XML_ERR_DOCUMENT_EMPTY:
        ra_buf_puts(out, "this is not XML: no element found (a record starts with <?xml ...?> "
                         "or <assessment>)");
        return true;
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_ENCODING: {
        ra_buf_puts(out, "the text is not UTF-8");
        if (err->str1 && strncmp(err->str1, "Bytes:", 6) == 0) {
            ra_buf_puts(out, " (bytes");
            for (const char *p = err->str1 + 6; *p && *p != '\n'; p++)
                ra_buf_putc(out, *p);
            ra_buf_putc(out, ')');
        }
        ra_buf_puts(out, ": save the file as UTF-8");
        return true;
    }
    default:
        break;
    }
    return false;
}

bool ra_xml_translate(const ra_xsd_t *xsd, const xmlError *err, const char *raw, ra_buf_t *out,
                      long *line, size_t *budget)
{
    *line = err->line;
    if (err->domain != XML_FROM_SCHEMASV) {
        if (strstr(raw, "attributes construct error"))
            return false; /* follows from the error before it */
        if (!parser_message(err, raw, out))
            ra_buf_puts(out, raw);
        return true;
    }
    xmlNodePtr n = err->node && ((xmlNodePtr)err->node)->type == XML_ELEMENT_NODE
                       ? (xmlNodePtr)err->node
                       : NULL;
    if (!n) {
        if (err->code != XML_SCHEMAV_CVC_IDC || !unmatched_key_raw(xsd, raw, out))
            ra_buf_puts(out, raw);
        return true;
    }
    ra_buf_t attr = RA_BUF_INIT, value = RA_BUF_INIT, words = RA_BUF_INIT;
    bool show = true;
    const char *rest = split_prefix(raw, &attr);
    const char *a = ra_buf_str(&attr);
    switch (err->code) {
    case XML_SCHEMAV_CVC_ENUMERATION_VALID: {
        error_value(err, n, a, &value);
        bool lower = false;
        put_subject(out, n, a, ra_buf_str(&value));
        ra_buf_puts(out, " is not one of ");
        put_set(out, err->str2 ? err->str2 : "", ra_buf_str(&value), &lower);
        if (lower)
            ra_buf_puts(out, "; values are lower case");
        break;
    }
    case XML_SCHEMAV_CVC_PATTERN_VALID: {
        error_value(err, n, a, &value);
        const char *w = pattern_words(err->str2 ? err->str2 : "");
        put_subject(out, n, a, ra_buf_str(&value));
        ra_buf_printf(out, " %s", w ? w : "does not have the form this value needs");
        /* An id with capitals: say the lower-case one. */
        if (w && strstr(w, "lower case")) {
            ra_buf_t low = RA_BUF_INIT;
            bool plain = true;
            for (const char *p = ra_buf_str(&value); *p; p++) {
                plain &= isalnum((unsigned char)*p) || *p == '-';
                ra_buf_putc(&low, (char)tolower((unsigned char)*p));
            }
            if (plain && value.len)
                ra_buf_printf(out, " (such as \"%s\")", ra_buf_str(&low));
            ra_buf_free(&low);
        } else if (w && strstr(w, "SHA-256") && value.len != 64)
            ra_buf_printf(out, " (it has %zu characters)", value.len);
        break;
    }
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3: {
        error_value(err, n, a, &value);
        quoted_after(rest, "type", &words);
        const char *w = type_words(ra_buf_str(&words));
        put_subject(out, n, a, ra_buf_str(&value));
        ra_buf_printf(out, " %s", w ? w : "is not a valid value here");
        break;
    }
    case XML_SCHEMAV_CVC_MINLENGTH_VALID:
    case XML_SCHEMAV_CVC_LENGTH_VALID:
        if (*a)
            ra_buf_printf(out, "%s of ", a);
        put_label(out, n);
        ra_buf_puts(out, " is empty; it needs a value");
        break;
    case XML_SCHEMAV_CVC_MAXLENGTH_VALID:
        if (*a)
            ra_buf_printf(out, "%s of ", a);
        put_label(out, n);
        /* libxml2 gives (value, length, maximum) for an attribute, and
         * (length, maximum) for an element's text. */
        if (err->str3)
            ra_buf_printf(out, " is %s characters long; the most it may hold is %s",
                          err->str2 ? err->str2 : "?", err->str3);
        else
            ra_buf_printf(out, " is %s characters long; the most it may hold is %s",
                          err->str1 ? err->str1 : "?", err->str2 ? err->str2 : "?");
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
    case XML_SCHEMAV_CVC_AU: {
        put_label(out, n);
        const char *need = err->str1 ? err->str1 : a;
        ra_buf_printf(out, " needs %s %s attribute",
                      need[0] && strchr("aeiou", need[0]) ? "an" : "a", need);
        /* A result's status: say the values (the model's names). */
        if (strcmp(node_name(n), "result") == 0 && strcmp(need, "status") == 0) {
            ra_buf_puts(out, " (");
            for (int i = 0; i < RA_RESULT_COUNT; i++)
                ra_buf_printf(out, "%s%s",
                              i == 0                     ? ""
                              : i + 1 == RA_RESULT_COUNT ? " or "
                                                         : ", ",
                              ra_result_status_name((ra_result_status_t)i));
            ra_buf_putc(out, ')');
        }
        break;
    }
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2: {
        const decl_t *d = find_decl(xsd, node_name(n));
        put_label(out, n);
        ra_buf_printf(out, " has no attribute %s", err->str1 ? err->str1 : a);
        if (d && d->nattrs) {
            ra_buf_puts(out, " (its attributes are ");
            put_list(out, d->attrs, d->nattrs, " and ", false);
            ra_buf_putc(out, ')');
        } else if (d)
            ra_buf_puts(out, " (it takes none)");
        break;
    }
    case XML_SCHEMAV_ELEMENT_CONTENT:
        element_content(xsd, n, rest, out);
        break;
    case XML_SCHEMAV_CVC_IDC:
        show = duplicate_key(xsd, n, raw, out, budget);
        break;
    case XML_SCHEMAV_CVC_ELT_3_1:
    case XML_SCHEMAV_CVC_TYPE_3_1_2:
        put_label(out, n);
        ra_buf_puts(out, " holds only text, not elements");
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
        put_label(out, n);
        ra_buf_puts(out, " holds only elements: text directly inside it is not allowed (put it in "
                         "a <note> or remove it)");
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
        put_label(out, n);
        ra_buf_puts(out, " must be empty");
        break;
    default:
        /* Something rarer: libxml2's words without its jargon. */
        put_label(out, n);
        if (*a)
            ra_buf_printf(out, ", attribute %s", a);
        ra_buf_printf(out, ": %s", rest);
        break;
    }
    ra_buf_free(&attr);
    ra_buf_free(&value);
    ra_buf_free(&words);
    return show;
}
