/* cmd_verify.c - `readyaudit verify`: regenerate the report from the inputs
 * it names and compare it byte for byte; say what any later update does. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "base/env.h"
#include "base/io.h"
#include "model/load.h"
#include "pdf/pdf.h"
#include "pipeline/pipeline.h"
#include "pipeline/regenerate.h"
#include "seal/verify.h"

/* Each outcome's exit code and the word that starts its result line. */
static const struct {
    int code;
    const char *word;
} outcomes[RA_VERIFY_OUTCOME_COUNT] = {
    [RA_VERIFY_MATCH] = {RA_EXIT_OK, "MATCH"},
    [RA_VERIFY_SIGNED] = {RA_EXIT_OK, "SIGNED AFTER ISSUE"},
    [RA_VERIFY_MODIFIED] = {RA_EXIT_MODIFIED, "MODIFIED AFTER ISSUE"},
    [RA_VERIFY_DAMAGED] = {RA_EXIT_DAMAGED, "DAMAGED"},
    [RA_VERIFY_RECORD_MISMATCH] = {RA_EXIT_MISMATCH, "MISMATCH"},
    [RA_VERIFY_NOT_OURS] = {RA_EXIT_NOT_OURS, "NOT A READYAUDIT REPORT"},
    [RA_VERIFY_OTHER_VERSION] = {RA_EXIT_OTHER_VERSION, "OTHER VERSION"},
    [RA_VERIFY_INPUT_MISSING] = {RA_EXIT_INPUT_MISSING, "INPUT MISSING"},
    [RA_VERIFY_REWRITTEN] = {RA_EXIT_REWRITTEN, "REWRITTEN"},
    [RA_VERIFY_UNTRUSTED] = {RA_EXIT_UNTRUSTED, "SIGNED, NOT TRUSTED"},
};

static const char *from_name(ra_from_t f)
{
    switch (f) {
    case RA_FROM_GIVEN:
        return "given";
    case RA_FROM_EMBEDDED:
        return "embedded";
    case RA_FROM_DATADIR:
        return "shipped";
    default:
        return NULL;
    }
}

static void date_text(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(out, 32, "%" PRId64, t);
}

/* "DIGEST  (where from)" for an input line. */
static void input_line(const char *label, const char *sha, ra_from_t from, const char *file,
                       const ra_regen_result_t *r, const char *what)
{
    printf("%-19s%s", label, sha[0] ? sha : "(not stated)");
    if (from == RA_FROM_GIVEN || from == RA_FROM_DATADIR)
        printf("  (%s: %s)", from == RA_FROM_GIVEN ? "given" : "shipped", file);
    else if (from == RA_FROM_EMBEDDED)
        printf("  (embedded in the report)");
    else if (r->missing && strcmp(r->missing, what) == 0)
        printf("  (MISSING)");
    printf("\n");
}

/* Each signature: its field and role, its signer, what holds and what
 * does not; then approvals recorded and signatures against the roles. */
static void print_signatures(const ra_regen_result_t *r)
{
    const ra_sig_report_t *sr = &r->sigs;
    for (size_t k = 0; k < sr->nsigs; k++) {
        const ra_sig_info_t *g = &sr->sigs[k];
        const ra_sig_match_t *m = &r->match[k];
        printf("signature %zu:%*s%s (%s), signed by %s%s%s%s%s, at %s\n", k + 1, k + 1 < 10 ? 7 : 6,
               "", g->field, m->role_name[0] ? m->role_name : "not a required role", g->signer,
               g->email[0] ? " <" : "", g->email, g->email[0] ? ">" : "", "",
               g->signed_at[0] ? g->signed_at : "(no time)");
        printf("%-19s%s; %s; %s; %s%s%s\n", "", g->valid ? "valid" : "NOT VALID",
               g->cert_ok ? "certificate allowed signing at that time" : "CERTIFICATE NOT USABLE",
               g->trusted ? "trusted" : "not trusted",
               !m->approver[0]       ? "no approval recorded for the role"
               : m->approval_matches ? "matches the approval of "
                                     : "DOES NOT match the approval of ",
               m->approver, "");
        if (g->problem[0])
            printf("%-19s%s\n", "", g->problem);
    }
    if (r->compared && r->cmp.identical && r->nroles)
        printf("%-19sapprovals recorded %zu of %zu, digitally signed %zu of %zu%s%s\n",
               "sign-off:", r->napproved, r->nroles, r->nsigned, r->nroles,
               r->unsigned_roles.len ? "; unsigned: " : "", ra_buf_str(&r->unsigned_roles));
}

static void print_text(const char *report, const char *record, const char *previous,
                       const ra_regen_result_t *r)
{
    const ra_integrity_t *it = &r->it;
    printf("%-19s%s\n", "report:", report);
    if (r->have_data) {
        char when[32];
        date_text(it->created, when);
        printf("%-19s%s%s\n%-19s%s\n", "report ID:", it->report_id,
               r->consistent ? "" : "  (does NOT derive from the digests below)",
               "made by:", it->tool);
        input_line("record SHA-256:", it->record_sha256, r->record_from, record, r, "record");
        input_line("checklist SHA-256:", it->checklist_sha256, r->checklist_from,
                   ra_buf_str(&r->checklist_file), r, "checklist");
        input_line("template SHA-256:", it->template_sha256, r->template_from,
                   ra_buf_str(&r->template_file), r, "template");
        input_line("logo SHA-256:", it->logo_sha256, RA_FROM_NONE, "", r, "logo");
        input_line("fonts SHA-256:", it->fonts_sha256, RA_FROM_NONE, "", r, "fonts");
        if (it->hyphen_sha256[0]) /* a report of readyaudit 0.4.0 or later */
            input_line("hyphen SHA-256:", it->hyphen_sha256, RA_FROM_NONE, "", r,
                       "hyphenation dictionary list");
        if (it->previous_sha256[0]) /* a report made with --previous */
            input_line("previous SHA-256:", it->previous_sha256, r->previous_from, previous, r,
                       "previous record");
        printf("%-19s%s\n%-19s%s\n", "record file:", it->record_file[0] ? it->record_file : "-",
               "document date:", it->record_file[0] ? when : "-");
    }
    if (r->record_from == RA_FROM_GIVEN && r->outcome == RA_VERIFY_RECORD_MISMATCH)
        printf("%-19s%s\n", "record given:", r->record_sha256);
    if (r->compared)
        printf("%-19s%zu bytes regenerated, %zu in the file\n",
               "original revision:", r->cmp.original_len, r->cmp.file_len);
    print_signatures(r);
    printf("%s: %s.\n", outcomes[r->outcome].word, ra_buf_str(&r->detail));
}

static json_t *jstr(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *jinput(const char *sha, ra_from_t from, const char *file)
{
    return json_pack("{s:o, s:o, s:o}", "sha256", jstr(sha), "source", jstr(from_name(from)),
                     "file", jstr(from == RA_FROM_GIVEN || from == RA_FROM_DATADIR ? file : NULL));
}

static int print_json(ra_cli_t *cli, const char *report, const char *record, const char *previous,
                      const ra_regen_result_t *r, int code)
{
    const ra_integrity_t *it = &r->it;
    json_t *root = json_object();
    json_t *inputs = json_object();
    json_object_set_new(root, "report", json_string(report));
    json_object_set_new(root, "result", json_string(ra_verify_outcome_name(r->outcome)));
    json_object_set_new(root, "exit", json_integer(code));
    json_object_set_new(root, "message", json_string(ra_buf_str(&r->detail)));
    json_object_set_new(root, "report_id", jstr(it->report_id));
    json_object_set_new(root, "report_id_consistent",
                        r->have_data ? json_boolean(r->consistent) : json_null());
    json_object_set_new(root, "tool", jstr(it->tool));
    json_object_set_new(inputs, "record", jinput(it->record_sha256, r->record_from, record));
    json_object_set_new(
        inputs, "checklist",
        jinput(it->checklist_sha256, r->checklist_from, ra_buf_str(&r->checklist_file)));
    json_object_set_new(
        inputs, "template",
        jinput(it->template_sha256, r->template_from, ra_buf_str(&r->template_file)));
    json_object_set_new(inputs, "logo", jinput(it->logo_sha256, RA_FROM_NONE, ""));
    json_object_set_new(inputs, "fonts", jinput(it->fonts_sha256, RA_FROM_NONE, ""));
    json_object_set_new(inputs, "hyphenation", jinput(it->hyphen_sha256, RA_FROM_NONE, ""));
    if (it->previous_sha256[0]) /* a report made with --previous */
        json_object_set_new(inputs, "previous_record",
                            jinput(it->previous_sha256, r->previous_from, previous));
    json_object_set_new(root, "inputs", inputs);
    json_object_set_new(root, "record_file", jstr(it->record_file));
    json_object_set_new(root, "created",
                        r->have_data && it->record_file[0] ? json_integer((json_int_t)it->created)
                                                           : json_null());
    json_object_set_new(root, "record_given_sha256",
                        r->record_from == RA_FROM_GIVEN ? json_string(r->record_sha256)
                                                        : json_null());
    json_object_set_new(
        root, "missing",
        r->missing ? json_pack("{s:s, s:s}", "input", r->missing, "sha256", r->missing_sha256)
                   : json_null());
    if (r->compared) {
        json_object_set_new(root, "original_bytes", json_integer((json_int_t)r->cmp.original_len));
        json_object_set_new(root, "file_bytes", json_integer((json_int_t)r->cmp.file_len));
        json_object_set_new(root, "first_difference",
                            r->cmp.identical ? json_null()
                                             : json_integer((json_int_t)r->cmp.first_diff));
        json_object_set_new(root, "truncated", json_boolean(r->cmp.truncated));
        json_object_set_new(root, "rewritten_by_other_tool",
                            r->cmp.rewriter[0] ? json_string(r->cmp.rewriter) : json_false());
    }
    json_object_set_new(root, "updates", json_integer((json_int_t)r->nupdates));
    json_object_set_new(root, "update_changes", jstr(ra_buf_str(&r->updates)));
    json_t *sigs = json_array();
    for (size_t k = 0; k < r->sigs.nsigs; k++) {
        const ra_sig_info_t *g = &r->sigs.sigs[k];
        const ra_sig_match_t *m = &r->match[k];
        json_array_append_new(
            sigs, json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:b, s:b, s:b, s:o, s:b, s:o}", "field",
                            g->field, "role", g->field, "role_name", jstr(m->role_name), "signer",
                            g->signer, "email", jstr(g->email), "signed_at", jstr(g->signed_at),
                            "valid", g->valid, "trusted", g->trusted, "certificate_ok", g->cert_ok,
                            "approver", jstr(m->approver), "approval_matches", m->approval_matches,
                            "problem", jstr(g->problem)));
    }
    json_object_set_new(root, "signatures", sigs);
    json_object_set_new(root, "signoff",
                        r->compared && r->cmp.identical
                            ? json_pack("{s:i, s:i, s:i, s:o}", "required", (int)r->nroles,
                                        "approved", (int)r->napproved, "signed", (int)r->nsigned,
                                        "unsigned", jstr(ra_buf_str(&r->unsigned_roles)))
                            : json_null());
    int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', stdout) == EOF)
        return ra_cli_exit(cli, RA_ERR_NOMEM);
    return code;
}

int ra_cmd_verify(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs < 1 || o->nargs > 2) {
        fprintf(stderr, "%s verify: expected REPORT.pdf [RECORD.xml]\nTry '%s verify --help'.\n",
                cli->prog, cli->prog);
        return RA_EXIT_USAGE;
    }
    const char *fmt = o->format ? o->format : "text";
    bool json = strcmp(fmt, "json") == 0;
    if (!json && strcmp(fmt, "text") != 0) {
        fprintf(stderr, "%s verify: unknown format '%s' (text or json)\n", cli->prog, fmt);
        return RA_EXIT_USAGE;
    }
    /* Start-up ends with the schemas and the fonts read, as for report; if
     * the fonts cannot be read, the regeneration says so. */
    ra_env_t env = *cli->env;
    ra_pdf_fonts_t *fonts = NULL;
    ra_buf_t trust = RA_BUF_INIT;
    if (ra_pipeline_fonts_new(&env, &fonts, NULL) == RA_OK)
        env.fonts = fonts;
    ra_status_t st = ra_loader_preload(env.loader);
    if (st == RA_OK && o->trust)
        st = ra_read_file(o->trust, RA_MAX_FILE_BYTES, &trust, cli->env->sink);
    ra_env_started();
    const char *report = o->args[0];
    ra_buf_t data = RA_BUF_INIT;
    ra_regen_result_t r = {0};
    if (st == RA_OK)
        st = ra_read_file(report, RA_MAX_REPORT_BYTES, &data, cli->env->sink);
    if (st == RA_OK) {
        ra_regen_input_t in = {.report_path = report,
                               .pdf = ra_buf_str(&data),
                               .len = data.len,
                               .record_path = o->nargs == 2 ? o->args[1] : NULL,
                               .checklist_path = o->checklist_path,
                               .template_path = o->template_path,
                               .previous_path = o->previous,
                               .trust_pem = o->trust ? ra_buf_str(&trust) : NULL};
        st = ra_pipeline_verify(&env, &in, &r);
        ra_cli_flush(cli, report);
    }
    int code;
    if (st != RA_OK)
        code = ra_cli_exit(cli, st);
    else {
        code = outcomes[r.outcome].code;
        if (json)
            code = print_json(cli, report, o->nargs == 2 ? o->args[1] : "",
                              o->previous ? o->previous : "", &r, code);
        else
            print_text(report, o->nargs == 2 ? o->args[1] : "", o->previous ? o->previous : "", &r);
        if (r.outcome != RA_VERIFY_MATCH && r.outcome != RA_VERIFY_SIGNED)
            fprintf(stderr, "%s: error: %s\n", report, ra_buf_str(&r.detail));
    }
    ra_regen_result_free(&r);
    ra_buf_free(&data);
    ra_buf_free(&trust);
    ra_pdf_fonts_free(fonts);
    return code;
}
