/* regenerate.c - verify: the inputs a report names, found by digest, through
 * the same pipeline as `report`, compared byte for byte with its original
 * revision; then what the updates after it do. */
#include "pipeline/regenerate.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/io.h"
#include "base/text.h"
#include "base/version.h"
#include "layout/break.h"
#include "model/load.h"
#include "pdf/pdf.h"
#include "pipeline/pipeline.h"

const char *ra_verify_outcome_name(ra_verify_outcome_t o)
{
    static const char *const names[RA_VERIFY_OUTCOME_COUNT] = {
        [RA_VERIFY_MATCH] = "match",
        [RA_VERIFY_SIGNED] = "signed",
        [RA_VERIFY_MODIFIED] = "modified",
        [RA_VERIFY_DAMAGED] = "damaged",
        [RA_VERIFY_RECORD_MISMATCH] = "record-mismatch",
        [RA_VERIFY_NOT_OURS] = "not-readyaudit",
        [RA_VERIFY_OTHER_VERSION] = "other-version",
        [RA_VERIFY_INPUT_MISSING] = "input-missing",
        [RA_VERIFY_REWRITTEN] = "rewritten",
        [RA_VERIFY_UNTRUSTED] = "signed-untrusted",
    };
    return (unsigned)o < RA_VERIFY_OUTCOME_COUNT ? names[o] : "unknown";
}

void ra_regen_result_free(ra_regen_result_t *r)
{
    ra_buf_free(&r->checklist_file);
    ra_buf_free(&r->template_file);
    ra_buf_free(&r->detail);
    ra_buf_free(&r->updates);
    ra_buf_free(&r->unsigned_roles);
    ra_sig_report_free(&r->sigs);
    free(r->match);
}

static void sha_hex(const char *data, size_t len, char hex[65])
{
    unsigned char d[32];
    ra_sha256(data, len, d);
    ra_hex(d, 32, hex);
}

static ra_status_t outcome(ra_regen_result_t *out, ra_verify_outcome_t o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ra_status_t outcome(ra_regen_result_t *out, ra_verify_outcome_t o, const char *fmt, ...)
{
    out->outcome = o;
    ra_buf_clear(&out->detail);
    va_list ap;
    va_start(ap, fmt);
    ra_buf_vprintf(&out->detail, fmt, ap);
    va_end(ap);
    return ra_buf_failed(&out->detail) ? RA_ERR_NOMEM : RA_OK;
}

static ra_status_t missing(ra_regen_result_t *out, const char *what, const char *sha256,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static ra_status_t missing(ra_regen_result_t *out, const char *what, const char *sha256,
                           const char *fmt, ...)
{
    out->outcome = RA_VERIFY_INPUT_MISSING;
    out->missing = what;
    snprintf(out->missing_sha256, sizeof out->missing_sha256, "%s", sha256);
    ra_buf_clear(&out->detail);
    va_list ap;
    va_start(ap, fmt);
    ra_buf_vprintf(&out->detail, fmt, ap);
    va_end(ap);
    return ra_buf_failed(&out->detail) ? RA_ERR_NOMEM : RA_OK;
}

/* Finds the file of an input by its digest: the one given (it must have
 * that digest), else a shipped one in DATADIR/templates. *found says
 * whether it was; got (when given) is the given file's digest. */
static ra_status_t find_input(const ra_env_t *env, const char *given, const char *want,
                              ra_buf_t *file, ra_from_t *from, bool *found, char got[65])
{
    ra_buf_t data = RA_BUF_INIT;
    ra_status_t st = RA_OK;
    *found = false;
    got[0] = '\0';
    if (given) {
        st = ra_read_file(given, RA_MAX_FILE_BYTES, &data, env->sink);
        if (st == RA_OK) {
            sha_hex(data.data, data.len, got);
            *found = strcmp(got, want) == 0;
            *from = RA_FROM_GIVEN;
            st = ra_buf_puts(file, given);
        }
        ra_buf_free(&data);
        return st;
    }
    ra_buf_t dir = RA_BUF_INIT, path = RA_BUF_INIT;
    ra_buf_printf(&dir, "%s/templates", env->datadir ? env->datadir : ".");
    DIR *d = opendir(ra_buf_str(&dir));
    if (!d && errno == ENOMEM)
        st = RA_ERR_NOMEM;
    struct dirent *e;
    ra_diag_sink_t quiet = {0};
    while (d && st == RA_OK && !*found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".xml") != 0)
            continue;
        ra_buf_clear(&path);
        ra_buf_printf(&path, "%s/%s", ra_buf_str(&dir), e->d_name);
        ra_buf_clear(&data);
        ra_status_t rs = ra_read_file(ra_buf_str(&path), RA_MAX_FILE_BYTES, &data, &quiet);
        if (rs == RA_ERR_NOMEM)
            st = rs;
        if (rs != RA_OK)
            continue;
        char hex[65];
        sha_hex(data.data, data.len, hex);
        if (strcmp(hex, want) == 0) {
            *found = true;
            *from = RA_FROM_DATADIR;
            st = ra_buf_puts(file, ra_buf_str(&path));
        }
    }
    if (d)
        closedir(d);
    if (st == RA_OK && (ra_buf_failed(&dir) || ra_buf_failed(&path)))
        st = RA_ERR_NOMEM;
    ra_buf_free(&dir);
    ra_buf_free(&path);
    ra_buf_free(&data);
    return st;
}

/* The record: given (it must have the stated digest) or embedded. Sets
 * data and len to its bytes, or leaves the outcome decided. */
static ra_status_t find_record(const ra_env_t *env, const ra_regen_input_t *in,
                               ra_regen_result_t *out, ra_buf_t *given, const ra_buf_t *embedded,
                               bool attached, ra_status_t est, const char **data, size_t *len,
                               bool *decided)
{
    const ra_integrity_t *it = &out->it;
    *decided = true;
    if (attached && est == RA_OK) {
        char hex[65];
        sha_hex(embedded->data, embedded->len, hex);
        if (strcmp(hex, it->record_sha256) != 0)
            return outcome(out, RA_VERIFY_RECORD_MISMATCH,
                           "the record embedded in the report is not the one whose digest it "
                           "states (its SHA-256 is %s)",
                           hex);
    } else if (attached && !in->record_path) {
        return outcome(out, RA_VERIFY_RECORD_MISMATCH, "the record embedded in the report is %s",
                       est == RA_ERR_LIMIT ? "too large" : "damaged");
    }
    if (in->record_path) {
        const char *rd = in->record_data;
        size_t rl = in->record_len;
        if (!rd) { /* read only now: a report that is not ours needs no record */
            ra_status_t st = ra_read_file(in->record_path, RA_MAX_FILE_BYTES, given, env->sink);
            if (st != RA_OK)
                return st;
            rd = ra_buf_str(given);
            rl = given->len;
        }
        sha_hex(rd, rl, out->record_sha256);
        out->record_from = RA_FROM_GIVEN;
        if (strcmp(out->record_sha256, it->record_sha256) != 0)
            return outcome(out, RA_VERIFY_RECORD_MISMATCH,
                           "%s is not the record this report was made from: its SHA-256 is %s, "
                           "the report states %s",
                           in->record_path, out->record_sha256, it->record_sha256);
        *data = rd;
        *len = rl;
    } else if (attached) {
        snprintf(out->record_sha256, sizeof out->record_sha256, "%s", it->record_sha256);
        out->record_from = RA_FROM_EMBEDDED;
        *data = embedded->data;
        *len = embedded->len;
    } else {
        return missing(out, "record", it->record_sha256,
                       "the record is missing: the report embeds none; give the record with "
                       "SHA-256 %s (%s) as the second argument",
                       it->record_sha256, it->record_file[0] ? it->record_file : "its file");
    }
    *decided = false;
    return RA_OK;
}

/* Where the regeneration's diagnostics go. */
typedef struct {
    ra_diag_sink_t *sink;
    const ra_hyph_t *hyph; /* a dictionary it cannot use is said by the outcome */
} regen_sink_t;

/* Errors of the regeneration go on; warnings (glyphs drawn as
 * replacements, already said when the report was made) do not, nor a
 * dictionary that cannot be used (the outcome, input missing, says why). */
static void regen_diag(void *ctx, const ra_diag_t *d)
{
    const regen_sink_t *rs = ctx;
    ra_diag_sink_t *sink = rs->sink;
    if (d->severity != RA_DIAG_ERROR || !sink || !sink->fn)
        return;
    if (rs->hyph && strcmp(d->message, ra_hyph_error(rs->hyph)) == 0)
        return;
    sink->fn(sink->ctx, d);
}

/* Is the list of the dictionaries here the one the report states? When it
 * is, *out is the dictionaries it pins (env's, or own made here); else
 * the input-missing outcome. */
static ra_status_t find_hyph(const ra_env_t *env, ra_regen_result_t *out, ra_hyph_t **own,
                             ra_hyph_t **hyph)
{
    const ra_integrity_t *it = &out->it;
    ra_buf_t list = RA_BUF_INIT;
    const char *list_path = NULL;
    *hyph = env->hyph;
    ra_status_t st = ra_env_hyph_list(env, &list, &list_path);
    if (st == RA_OK && !*hyph) {
        st = ra_hyph_new(env->hyph_dir, list_path, own);
        *hyph = *own;
    }
    unsigned char hd[32];
    if (st == RA_OK)
        st = ra_hyph_sha256(*hyph, hd);
    if (st == RA_ERR_IO) {
        st = missing(out, "hyphenation dictionary list", it->hyphen_sha256,
                     "the hyphenation dictionary list with SHA-256 %s is missing: %s",
                     it->hyphen_sha256, ra_hyph_error(*hyph));
    } else if (st == RA_OK) {
        char hex[65];
        ra_hex(hd, 32, hex);
        if (strcmp(hex, it->hyphen_sha256) != 0)
            st = missing(out, "hyphenation dictionary list", it->hyphen_sha256,
                         "the hyphenation dictionary list with SHA-256 %s is missing: the list "
                         "here (%s) has SHA-256 %s",
                         it->hyphen_sha256, list_path ? list_path : RA_HYPH_LIST, hex);
    }
    ra_buf_free(&list);
    return st;
}

/* Everything after the inputs were found: load, check, regenerate, compare. */
/* Is the signer the approver: the same e-mail where the approval gives
 * one, else the same name (as the governance rules compare people). */
static bool signer_is(const ra_sig_info_t *sig, const ra_approval_t *a)
{
    if (a->email && *a->email)
        return sig->email[0] && strcasecmp(sig->email, a->email) == 0;
    ra_buf_t k = RA_BUF_INIT;
    ra_text_person_key(sig->signer, &k);
    bool same =
        !ra_buf_failed(&k) && k.len && a->name_key && strcmp(ra_buf_str(&k), a->name_key) == 0;
    ra_buf_free(&k);
    return same;
}

/* Matches each signature with the role of its field and the approval the
 * record holds for it, and counts the required roles approved and signed. */
static ra_status_t match_signatures(ra_regen_result_t *out, const ra_score_t *s)
{
    const ra_sig_report_t *sr = &out->sigs;
    if (sr->nsigs && !(out->match = calloc(sr->nsigs, sizeof *out->match)))
        return RA_ERR_NOMEM;
    out->nroles = s->nroles;
    for (size_t i = 0; i < s->nroles; i++) {
        const ra_role_score_t *rs = &s->roles[i];
        bool is_signed = false;
        out->napproved += rs->state == RA_ROLE_MET;
        for (size_t k = 0; k < sr->nsigs; k++) {
            if (strcmp(sr->sigs[k].field, rs->role->id) != 0)
                continue;
            ra_sig_match_t *m = &out->match[k];
            snprintf(m->role_name, sizeof m->role_name, "%s", rs->role->name);
            snprintf(m->approver, sizeof m->approver, "%s", rs->approval ? rs->approval->name : "");
            m->approval_matches = rs->approval && signer_is(&sr->sigs[k], rs->approval);
            is_signed |= sr->sigs[k].valid && sr->sigs[k].cert_ok;
        }
        out->nsigned += is_signed;
        if (!is_signed)
            ra_buf_printf(&out->unsigned_roles, "%s%s", out->unsigned_roles.len ? ", " : "",
                          rs->role->id);
    }
    return ra_buf_failed(&out->unsigned_roles) ? RA_ERR_NOMEM : RA_OK;
}

/* Do these bytes end with an end-of-file marker (and white space)? */
static bool ends_with_eof(const char *p, size_t n)
{
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '))
        n--;
    return n >= 5 && memcmp(p + n - 5, "%%EOF", 5) == 0;
}

/* The original revision is what readyaudit makes and more follows it:
 * signed after issue when every later update only adds a valid signature
 * (a trusted one under --trust), else modified after issue or damaged. */
static ra_status_t later_updates(const ra_regen_input_t *in, ra_regen_result_t *out,
                                 const ra_score_t *s)
{
    const ra_compare_t *c = &out->cmp;
    ra_status_t st = ra_updates_describe(in->pdf, in->len, c->original_len, &out->updates);
    for (const char *p = in->pdf + c->original_len, *end = in->pdf + in->len;
         st == RA_OK && (p = memmem(p, (size_t)(end - p), "%%EOF", 5)) != NULL; p += 5)
        out->nupdates++;
    if (st != RA_OK)
        return st;
    ra_sig_report_t *sr = &out->sigs;
    st = ra_signatures_check(in->pdf, in->len, c->original_len, in->trust_pem, sr);
    if (st == RA_ERR_NOMEM || st == RA_ERR_IO) /* GnuTLS could not be loaded (sigs.other) */
        return st;
    /* Updates that cannot even be read as revisions modify the report too:
     * what they add is said, and why they cannot be read. */
    bool unreadable = st != RA_OK;
    if (unreadable && !ends_with_eof(in->pdf + c->original_len, in->len - c->original_len))
        return outcome(out, RA_VERIFY_DAMAGED,
                       "the original revision (%zu bytes) is what readyaudit makes from these "
                       "inputs, but the file ends inside what follows it (%zu bytes, no "
                       "end-of-file marker at its end): truncated or damaged (%s)",
                       c->original_len, c->file_len - c->original_len, sr->other);
    if (!unreadable && (st = match_signatures(out, s)) != RA_OK)
        return st;
    if (unreadable || !sr->only_signatures || sr->nsigs == 0)
        return outcome(out, RA_VERIFY_MODIFIED,
                       "the original revision (%zu bytes) is what readyaudit makes from these "
                       "inputs, but what follows it (%zu bytes, %zu incremental update%s) %s%s%s",
                       c->original_len, c->file_len - c->original_len, out->nupdates,
                       out->nupdates == 1 ? "" : "s",
                       unreadable || !sr->other[0] ? ra_buf_str(&out->updates) : sr->other,
                       unreadable ? "; it cannot be read as revisions: " : "",
                       unreadable ? sr->other : "");
    for (size_t k = 0; k < sr->nsigs; k++)
        if (!sr->sigs[k].valid || !sr->sigs[k].cert_ok)
            return outcome(out, RA_VERIFY_MODIFIED,
                           "the original revision is what readyaudit makes from these inputs, "
                           "but the signature in field %s is not valid: %s",
                           sr->sigs[k].field, sr->sigs[k].problem);
    for (size_t k = 0; in->trust_pem && k < sr->nsigs; k++)
        if (!sr->sigs[k].trusted)
            return outcome(out, RA_VERIFY_UNTRUSTED,
                           "the original revision is what readyaudit makes from these inputs "
                           "and every later update is a valid signature, but the signature in "
                           "field %s does not chain to --trust: %s",
                           sr->sigs[k].field, sr->sigs[k].problem);
    return outcome(out, RA_VERIFY_SIGNED,
                   "the original revision is what readyaudit makes from these inputs; %zu "
                   "valid signature%s follow%s it%s, and nothing else",
                   sr->nsigs, sr->nsigs == 1 ? "" : "s", sr->nsigs == 1 ? "s" : "",
                   in->trust_pem ? ", each chained to --trust"
                                 : " (not checked against a trust anchor: no --trust)");
}

static ra_status_t regenerate(const ra_env_t *env, const ra_regen_input_t *in,
                              ra_regen_result_t *out, const ra_buf_t *previous, const char *rec,
                              size_t rec_len, bool attached)
{
    const ra_integrity_t *it = &out->it;
    ra_checklist_t *cl = NULL;
    ra_template_t *tpl = NULL;
    ra_pdf_fonts_t *own = NULL;
    ra_hyph_t *own_hyph = NULL;
    ra_pipeline_result_t res = {0};
    ra_status_t st = ra_load_checklist(env->loader, ra_buf_str(&out->checklist_file), &cl);
    if (st == RA_OK)
        st = ra_load_template(env->loader, ra_buf_str(&out->template_file), &tpl);
    if (st != RA_OK)
        goto done;
    char hex[65];
    ra_hex(cl->sha256, 32, hex);
    if (strcmp(hex, it->checklist_sha256) != 0) { /* changed since it was found */
        st = missing(out, "checklist", it->checklist_sha256, "%s changed while it was read",
                     ra_buf_str(&out->checklist_file));
        goto done;
    }
    ra_hex(tpl->sha256, 32, hex);
    if (strcmp(hex, it->template_sha256) != 0) {
        st = missing(out, "template", it->template_sha256, "%s changed while it was read",
                     ra_buf_str(&out->template_file));
        goto done;
    }
    /* The logo: the template's file, by its bytes. */
    if (tpl->logo_png)
        sha_hex((const char *)tpl->logo_png, tpl->logo_len, hex);
    else
        snprintf(hex, sizeof hex, "%s", RA_NO_LOGO);
    if (strcmp(hex, it->logo_sha256) != 0) {
        if (strcmp(it->logo_sha256, RA_NO_LOGO) == 0)
            st = missing(out, "logo", it->logo_sha256,
                         "the report was made without a logo, but the template %s has one "
                         "(%s, SHA-256 %s)",
                         ra_buf_str(&out->template_file), tpl->logo_path, hex);
        else
            st = missing(out, "logo", it->logo_sha256,
                         "the logo with SHA-256 %s is missing: the template's logo %s has "
                         "SHA-256 %s",
                         it->logo_sha256, tpl->logo_path ? tpl->logo_path : "(none)", hex);
        goto done;
    }
    /* The fonts: this installation's chain, by its digests. */
    ra_buf_t chain = RA_BUF_INIT;
    const char *chain_path = NULL;
    if ((st = ra_env_font_chain(env, &chain, &chain_path)) != RA_OK)
        goto done;
    const ra_pdf_fonts_t *fonts = env->fonts;
    if (!fonts) {
        ra_buf_t err = RA_BUF_INIT;
        st = ra_pipeline_fonts_new(env, &own, &err);
        if (st != RA_OK && st != RA_ERR_NOMEM)
            st = missing(out, "fonts", it->fonts_sha256, "the fonts cannot be read: %s",
                         ra_buf_str(&err));
        ra_buf_free(&err);
        fonts = own;
    }
    if (st == RA_OK && out->outcome != RA_VERIFY_INPUT_MISSING) {
        unsigned char fd[32];
        ra_pdf_fonts_sha256(fonts, fd);
        ra_hex(fd, 32, hex);
        if (strcmp(hex, it->fonts_sha256) != 0)
            st = missing(out, "fonts", it->fonts_sha256,
                         "the fonts with SHA-256 %s are missing: the font chain here (%s) gives "
                         "SHA-256 %s",
                         it->fonts_sha256, chain_path ? chain_path : "-", hex);
    }
    ra_buf_free(&chain);
    if (st != RA_OK || out->outcome == RA_VERIFY_INPUT_MISSING)
        goto done;
    /* The hyphenation dictionaries: this installation's list, by its digest. */
    ra_hyph_t *hyph = NULL;
    st = find_hyph(env, out, &own_hyph, &hyph);
    if (st != RA_OK || out->outcome == RA_VERIFY_INPUT_MISSING)
        goto done;
    /* The same pipeline as `report`, dated as the report was. */
    regen_sink_t rs = {env->sink, hyph};
    ra_diag_sink_t sink = {regen_diag, &rs, 0, 0, 0, 0};
    ra_env_t e = *env;
    e.epoch_set = true;
    e.epoch = it->created;
    e.fonts = fonts;
    e.hyph = hyph;
    e.sink = &sink;
    ra_pipeline_input_t pi = {.checklist = cl,
                              .tmpl = tpl,
                              .record_path = it->record_file,
                              .record_data = rec,
                              .record_len = rec_len,
                              .attach_source = attached,
                              /* The name the report was made with, which it prints
                                 (an earlier report names none: the given one). */
                              .previous_path = !previous->len         ? NULL
                                               : it->previous_file[0] ? it->previous_file
                                                                      : in->previous_path,
                              .previous_data = previous->len ? previous->data : NULL,
                              .previous_len = previous->len};
    st = ra_pipeline_report(&e, &pi, &res);
    /* The list is the one the report states, but a dictionary it pins is
     * not here as it pins it. */
    if (st == RA_ERR_IO && *ra_hyph_error(hyph))
        st = missing(out, "hyphenation dictionary list", it->hyphen_sha256,
                     "a hyphenation dictionary that the list with SHA-256 %s pins is missing: %s",
                     it->hyphen_sha256, ra_hyph_error(hyph));
    if (st != RA_OK || out->outcome == RA_VERIFY_INPUT_MISSING)
        goto done;
    ra_report_compare(in->pdf, in->len, res.pdf.data, res.pdf.len, &out->cmp);
    out->compared = true;
    const ra_compare_t *c = &out->cmp;
    if (!c->identical && c->rewriter[0]) {
        st = outcome(out, RA_VERIFY_REWRITTEN,
                     "rewritten by another PDF tool (%s): its bytes cannot be compared with "
                     "what readyaudit makes; the record digest matches",
                     c->rewriter);
    } else if (!c->identical && c->truncated && c->first_diff == c->file_len) {
        st = outcome(out, RA_VERIFY_DAMAGED, "truncated: %zu of %zu bytes", c->file_len,
                     c->original_len);
    } else if (!c->identical) {
        st = outcome(out, RA_VERIFY_DAMAGED,
                     "its bytes differ from the regenerated report from offset %zu "
                     "(of %zu)",
                     c->first_diff, c->original_len);
        if (st == RA_OK && c->truncated)
            st = ra_buf_printf(&out->detail, "; truncated: %zu of %zu bytes", c->file_len,
                               c->original_len);
    } else if (c->file_len == c->original_len) {
        st = outcome(out, RA_VERIFY_MATCH,
                     "the report is byte for byte what readyaudit makes from these inputs");
    } else {
        st = later_updates(in, out, res.score);
        if (st == RA_ERR_IO)
            ra_diag(env->sink, RA_DIAG_ERROR, in->report_path, 0, "%s", out->sigs.other);
    }
done:
    ra_pipeline_result_free(&res);
    ra_hyph_free(own_hyph);
    ra_pdf_fonts_free(own);
    ra_template_free(tpl);
    ra_checklist_free(cl);
    return st;
}

/* find_input for the checklist or the template (what), and when it is not
 * found, the input-missing outcome that says where it was looked for. */
static ra_status_t find_named(const ra_env_t *env, const char *what, const char *given,
                              const char *sha256, ra_buf_t *file, ra_from_t *from,
                              ra_regen_result_t *out, bool *found)
{
    char got[65];
    ra_status_t st = find_input(env, given, sha256, file, from, found, got);
    if (st != RA_OK || *found)
        return st;
    if (given)
        return missing(out, what, sha256,
                       "the %s with SHA-256 %s is missing: %s (--%s) has SHA-256 %s", what, sha256,
                       given, what, got);
    return missing(out, what, sha256,
                   "the %s with SHA-256 %s is missing: it is not a shipped one; give it with "
                   "--%s FILE",
                   what, sha256, what);
}

/* A report made with --previous needs that record, given with --previous
 * and of the digest the report states: read into data, or the
 * input-missing outcome. A report made without one needs nothing (*found). */
static ra_status_t find_previous(const ra_env_t *env, const ra_regen_input_t *in,
                                 ra_regen_result_t *out, ra_buf_t *data, bool *found)
{
    const char *want = out->it.previous_sha256;
    *found = !want[0];
    if (*found)
        return RA_OK;
    if (!in->previous_path)
        return missing(out, "previous record", want,
                       "the previous record with SHA-256 %s is missing: the report compares "
                       "with it; give it with --previous FILE",
                       want);
    ra_status_t st = ra_read_file(in->previous_path, RA_MAX_FILE_BYTES, data, env->sink);
    if (st != RA_OK)
        return st;
    char got[65];
    sha_hex(data->data, data->len, got);
    *found = strcmp(got, want) == 0;
    if (*found) {
        out->previous_from = RA_FROM_GIVEN;
        return RA_OK;
    }
    ra_buf_clear(data);
    return missing(out, "previous record", want,
                   "the previous record with SHA-256 %s is missing: %s (--previous) has SHA-256 "
                   "%s",
                   want, in->previous_path, got);
}

ra_status_t ra_pipeline_verify(const ra_env_t *env, const ra_regen_input_t *in,
                               ra_regen_result_t *out)
{
    memset(out, 0, sizeof *out);
    size_t orig = ra_pdf_revision_end(in->pdf, in->len);
    size_t scope = orig ? orig : in->len;
    /* A linearized file (never readyaudit's) ends its first section early. */
    size_t head = in->len < 1024 ? in->len : 1024;
    if (memmem(in->pdf, head, "/Linearized", 11))
        scope = in->len;
    ra_integrity_t *it = &out->it;
    ra_status_t st = ra_integrity_read(in->pdf, scope, it);
    if (st == RA_ERR_NOMEM)
        return st;
    if (st != RA_OK)
        return outcome(out, RA_VERIFY_NOT_OURS,
                       "no readyaudit integrity data found: not a readyaudit report, or its "
                       "metadata was removed");
    out->have_data = true;
    char id[24];
    ra_report_id(it, id);
    out->consistent = strcmp(id, it->report_id) == 0;
    if (!out->consistent)
        return outcome(out, RA_VERIFY_DAMAGED,
                       "the report ID %s does not derive from the digests it lists: its "
                       "metadata was altered",
                       it->report_id);

    ra_buf_t embedded = RA_BUF_INIT, given = RA_BUF_INIT, previous = RA_BUF_INIT;
    bool attached = false, decided = false;
    ra_status_t est = ra_embedded_read(in->pdf, scope, RA_MAX_FILE_BYTES, &embedded, &attached);
    const char *rec = NULL;
    size_t rec_len = 0;
    if (attached && est == RA_ERR_NOMEM)
        st = RA_ERR_NOMEM;
    else if (attached && est != RA_OK && !orig && !in->record_path)
        st = outcome(out, RA_VERIFY_DAMAGED,
                     "truncated: the file ends after %zu bytes, inside the embedded record, "
                     "with no end-of-file marker",
                     in->len);
    else
        st = find_record(env, in, out, &given, &embedded, attached, est, &rec, &rec_len, &decided);
    if (st != RA_OK || decided || out->outcome == RA_VERIFY_DAMAGED)
        goto done;

    /* Made by another readyaudit (or an earlier one, whose integrity data
     * names fewer inputs): the record matches, the bytes cannot be remade. */
    if (strcmp(it->tool, RA_TOOL) != 0 || !it->fonts_sha256[0] || !it->logo_sha256[0] ||
        !it->hyphen_sha256[0] || !it->record_file[0]) {
        st = outcome(out, RA_VERIFY_OTHER_VERSION,
                     "made by another version of readyaudit (%s; this is %s): the record digest "
                     "matches, but the report cannot be regenerated byte for byte here",
                     it->tool, RA_TOOL);
        goto done;
    }

    bool found;
    st = find_named(env, "checklist", in->checklist_path, it->checklist_sha256,
                    &out->checklist_file, &out->checklist_from, out, &found);
    if (st == RA_OK && found)
        st = find_named(env, "template", in->template_path, it->template_sha256,
                        &out->template_file, &out->template_from, out, &found);
    if (st != RA_OK || !found)
        goto done;
    st = find_previous(env, in, out, &previous, &found);
    if (st != RA_OK || !found)
        goto done;
    st = regenerate(env, in, out, &previous, rec, rec_len, attached);
done:
    ra_buf_free(&previous);
    ra_buf_free(&embedded);
    ra_buf_free(&given);
    return st;
}
