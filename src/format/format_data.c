/* format_data.c - JSON (jansson), CSV (RFC 4180) and JUnit XML (libxml2 writer) forms of a score.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>

#include "format/format.h"
#include "base/number.h"
#include "base/hash.h"

/* A date as a JSON string, or null when absent. */
static json_t *jdate(ra_date_t d)
{
    char s[11];
    ra_date_format(d, s);
    return d ? json_string(s) : json_null();
}

/* A string or null. */
static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jscore(bool has, double v)
{
    return has ? json_real(v) : json_null();
}

static json_t *json_check(const ra_score_t *s, const ra_check_score_t *cs)
{
    const ra_result_t *r = cs->result;
    json_t *o =
        json_pack("{s:s, s:s, s:i, s:b, s:b, s:s, s:b, s:b, s:b, s:i}", "id", cs->check->id,
                  "layer", s->checklist->layers[cs->check->layer].id, "weight", cs->check->weight,
                  "gate", cs->check->gate, "applicable", cs->applicable, "status",
                  ra_result_status_name(cs->status), "scored", cs->scored, "gap", cs->gap,
                  "unevidenced", cs->unevidenced, "evidence", (int)(r ? r->nevidence : 0));
    json_object_set_new(o, "credit", cs->applicable ? json_real(cs->credit) : json_null());
    if (r && r->remediation)
        json_object_set_new(o, "remediation",
                            json_pack("{s:s, s:o, s:b, s:s}", "owner", r->remediation->owner, "due",
                                      jdate(r->remediation->due), "overdue", cs->overdue, "text",
                                      r->remediation->text));
    if (r && r->risk)
        json_object_set_new(o, "risk_acceptance",
                            json_pack("{s:s, s:s, s:o, s:o, s:b}", "by", r->risk->by, "role",
                                      r->risk->role, "date", jdate(r->risk->date), "expires",
                                      jdate(r->risk->expires), "expired",
                                      !(r->risk->expires >= s->record->assessed_on)));
    if (r && r->risk && cs->gap) {
        json_t *ra = json_object_get(o, "risk_acceptance");
        json_object_set_new(ra, "covers", json_boolean(cs->risk_accepted));
        json_object_set_new(ra, "unauthorised", json_boolean(cs->risk_unauthorised));
        json_object_set_new(ra, "too_long", json_boolean(cs->risk_too_long));
        json_object_set_new(ra, "self_accepted", json_boolean(cs->self_accepted));
    }
    if (cs->gap)
        json_object_set_new(o, "covered", json_boolean(cs->covered));
    return o;
}

ra_status_t ra_format_json(FILE *f, const ra_score_t *s)
{
    unsigned long buf_failures = ra_buf_failures(); /* see base/buf.h */
    const ra_record_t *r = s->record;
    const ra_checklist_t *cl = s->checklist;
    char rec_hash[65], cl_hash[65], disp[16];
    ra_hex(r->sha256, 32, rec_hash);
    ra_hex(cl->sha256, 32, cl_hash);
    ra_score_format(s->has_score, s->score, disp);

    json_t *root = json_object();
    json_object_set_new(root, "assessment", json_string(r->id));
    json_object_set_new(root, "system",
                        json_pack("{s:s, s:s, s:o, s:o}", "name", r->system_name, "organisation",
                                  r->organisation, "unit", jstr(r->unit), "description",
                                  jstr(r->description)));
    json_object_set_new(root, "assessed_on", jdate(r->assessed_on));
    json_object_set_new(root, "record",
                        json_pack("{s:s, s:s}", "file", r->path, "sha256", rec_hash));
    json_object_set_new(
        root, "checklist",
        json_pack("{s:s, s:s, s:s}", "id", cl->id, "version", cl->version, "sha256", cl_hash));
    json_object_set_new(root, "profile", json_string(s->profile->id));
    json_object_set_new(root, "thresholds",
                        json_pack("{s:f, s:f, s:b}", "ready", s->profile->ready, "conditional",
                                  s->profile->conditional, "evidence_required",
                                  s->profile->evidence_required));
    json_object_set_new(root, "score", jscore(s->has_score, s->score));
    json_object_set_new(root, "score_display", json_string(disp));
    json_object_set_new(root, "band", s->has_score ? json_string(s->band) : json_null());
    json_object_set_new(root, "verdict", json_string(ra_verdict_name(s->verdict)));
    json_object_set_new(root, "verdict_reason", json_string(ra_buf_str(&s->verdict_reason)));
    json_object_set_new(root, "signoff", json_string(ra_signoff_name(s->signoff)));
    json_t *findings = json_array();
    for (size_t i = 0; i < s->nfindings; i++) {
        const ra_finding_t *fd = &s->findings[i];
        json_t *o =
            json_pack("{s:s, s:o, s:o, s:s}", "rule", ra_rule_name(fd->rule), "check",
                      jstr(fd->check), "line", fd->line ? json_integer(fd->line) : json_null(),
                      "message", ra_buf_str(&fd->text));
        json_array_append_new(findings, o);
    }
    json_object_set_new(root, "findings", findings);
    /* Fields that lose characters in the report: null when not checked. */
    json_object_set_new(root, "text_warnings",
                        r->text_checked ? json_integer((json_int_t)r->ntext_warnings)
                                        : json_null());
    json_t *undrawable = json_array();
    for (size_t i = 0; i < r->ntext_warnings; i++) {
        const ra_text_warning_t *w = &r->text_warnings[i];
        json_t *cps = json_array();
        for (size_t k = 0; k < w->ncps && k < RA_TEXT_CPS_MAX; k++) {
            char u[16];
            snprintf(u, sizeof u, "U+%04X", (unsigned)w->cps[k]);
            json_array_append_new(cps, json_string(u));
        }
        json_array_append_new(
            undrawable, json_pack("{s:I, s:s, s:I, s:o}", "line", (json_int_t)w->line, "field",
                                  w->field, "characters", (json_int_t)w->ncps, "code_points", cps));
    }
    json_object_set_new(root, "undrawable_text", undrawable);

    json_t *gates = json_array();
    for (size_t i = 0; i < s->nchecks; i++) {
        const ra_check_score_t *cs = &s->checks[i];
        if (cs->applicable && cs->check->gate)
            json_array_append_new(gates, json_pack("{s:s, s:s, s:b, s:b}", "check", cs->check->id,
                                                   "status", ra_result_status_name(cs->status),
                                                   "unevidenced", cs->unevidenced, "passed",
                                                   cs->credit == 1));
    }
    json_object_set_new(root, "gates", gates);

    json_t *layers = json_array();
    for (size_t l = 0; l < s->nlayers; l++) {
        const ra_layer_score_t *ls = &s->layers[l];
        json_array_append_new(layers, json_pack("{s:s, s:s, s:o, s:f, s:i, s:i, s:i}", "id",
                                                ls->layer->id, "name", ls->layer->name, "score",
                                                jscore(ls->has_score, ls->score), "weight",
                                                ls->weight, "applicable", (int)ls->applicable,
                                                "scored", (int)ls->scored, "gaps", (int)ls->gaps));
    }
    json_object_set_new(root, "layers", layers);
    json_object_set_new(root, "counts",
                        json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "pass", (int)s->counts.pass,
                                  "partial", (int)s->counts.partial, "fail", (int)s->counts.fail,
                                  "not_applicable", (int)s->counts.not_applicable, "not_assessed",
                                  (int)s->counts.not_assessed, "unevidenced",
                                  (int)s->counts.unevidenced));
    json_object_set_new(root, "totals",
                        json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "applicable",
                                  (int)s->applicable, "gaps", (int)s->gaps, "gates", (int)s->gates,
                                  "gates_passed", (int)s->gates_passed, "overdue", (int)s->overdue,
                                  "risks_accepted", (int)s->risks_accepted, "risks_expired",
                                  (int)s->risks_expired));

    json_t *roles = json_array();
    for (size_t i = 0; i < s->nroles; i++) {
        const ra_role_score_t *rs = &s->roles[i];
        json_t *o = json_pack("{s:s, s:s, s:s}", "role", rs->role->id, "name", rs->role->name,
                              "state", ra_role_state_name(rs->state));
        if (rs->approval) {
            const ra_approval_t *a = rs->approval;
            json_object_set_new(o, "approver", json_string(a->name));
            json_object_set_new(o, "decision", json_string(ra_decision_name(a->decision)));
            json_object_set_new(o, "date", jdate(a->date));
            json_object_set_new(o, "before_assessment",
                                json_boolean(a->date < s->record->assessed_on));
            json_object_set_new(o, "comment", json_string(a->comment));
        }
        json_array_append_new(roles, o);
    }
    json_object_set_new(root, "signoff_roles", roles);

    json_t *approvals = json_array();
    for (size_t i = 0; i < s->napprovals; i++) {
        const ra_approval_score_t *as = &s->approvals[i];
        const ra_approval_t *a = as->approval;
        json_t *conds = json_array();
        for (size_t k = 0; k < a->nconditions; k++)
            json_array_append_new(conds, json_string(a->conditions[k]));
        json_array_append_new(
            approvals,
            json_pack("{s:s, s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:o}", "name",
                      a->name, "role", a->role, "decision", ra_decision_name(a->decision), "date",
                      jdate(a->date), "before_assessment", as->early, "after_window", as->late,
                      "by_assessor", as->assessor, "nameless", as->nameless, "duplicate",
                      as->duplicate, "counts", as->counts, "required_role", as->required, "comment",
                      a->comment, "conditions", conds));
    }
    json_object_set_new(root, "approvals", approvals);

    json_t *checks = json_array();
    for (size_t i = 0; i < s->nchecks; i++)
        json_array_append_new(checks, json_check(s, &s->checks[i]));
    json_object_set_new(root, "checks", checks);

    int rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0)
        return RA_ERR_IO;
    fputc('\n', f);
    if (ra_buf_failures() != buf_failures)
        return RA_ERR_NOMEM;
    return ferror(f) ? RA_ERR_IO : RA_OK;
}

/* Writes one CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s, bool last)
{
    if (strpbrk(s, ",\"\r\n")) {
        putc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                putc('"', f);
            putc(*s, f);
        }
        putc('"', f);
    } else
        fputs(s, f);
    fputs(last ? "\r\n" : ",", f);
}

/* A score for CSV: unrounded, shortest exact form; empty when absent. */
static void csv_score(FILE *f, bool has, double v)
{
    char num[32] = "";
    if (has)
        ra_number_shortest(v, num);
    csv_field(f, num, false);
}

ra_status_t ra_format_csv(FILE *f, const ra_score_t *s)
{
    unsigned long buf_failures = ra_buf_failures(); /* see base/buf.h */
    const ra_record_t *r = s->record;
    fputs("assessment,profile,layer,name,weight,score,applicable,scored,gaps,band,verdict,"
          "signoff,findings\r\n",
          f);
    char w[32], n1[32], n2[32], n3[32];
    for (size_t l = 0; l < s->nlayers; l++) {
        const ra_layer_score_t *ls = &s->layers[l];
        csv_field(f, r->id, false);
        csv_field(f, s->profile->id, false);
        csv_field(f, ls->layer->id, false);
        csv_field(f, ls->layer->name, false);
        ra_number_shortest(ls->weight, w);
        csv_field(f, w, false);
        csv_score(f, ls->has_score, ls->score);
        snprintf(n1, sizeof n1, "%zu", ls->applicable);
        snprintf(n2, sizeof n2, "%zu", ls->scored);
        snprintf(n3, sizeof n3, "%zu", ls->gaps);
        csv_field(f, n1, false);
        csv_field(f, n2, false);
        csv_field(f, n3, false);
        csv_field(f, "", false);
        csv_field(f, "", false);
        csv_field(f, "", false);
        csv_field(f, "", true);
    }
    size_t scored = 0;
    for (size_t l = 0; l < s->nlayers; l++)
        scored += s->layers[l].scored;
    csv_field(f, r->id, false);
    csv_field(f, s->profile->id, false);
    csv_field(f, "overall", false);
    csv_field(f, r->system_name, false);
    csv_field(f, "", false);
    csv_score(f, s->has_score, s->score);
    snprintf(n1, sizeof n1, "%zu", s->applicable);
    snprintf(n2, sizeof n2, "%zu", scored);
    snprintf(n3, sizeof n3, "%zu", s->gaps);
    csv_field(f, n1, false);
    csv_field(f, n2, false);
    csv_field(f, n3, false);
    csv_field(f, s->band, false);
    csv_field(f, ra_verdict_name(s->verdict), false);
    csv_field(f, ra_signoff_name(s->signoff), false);
    /* Every finding, "rule: message", separated by " | ". */
    ra_buf_t all = RA_BUF_INIT;
    for (size_t i = 0; i < s->nfindings; i++)
        ra_buf_printf(&all, "%s%s: %s", i ? " | " : "", ra_rule_name(s->findings[i].rule),
                      ra_buf_str(&s->findings[i].text));
    csv_field(f, ra_buf_str(&all), true);
    ra_buf_free(&all);
    if (ra_buf_failures() != buf_failures)
        return RA_ERR_NOMEM;
    return ferror(f) ? RA_ERR_IO : RA_OK;
}

/* libxml2 writer output callback into a FILE. */
static int write_file(void *ctx, const char *buf, int len)
{
    return fwrite(buf, 1, (size_t)len, ctx) == (size_t)len ? len : -1;
}

static void attr_int(xmlTextWriterPtr w, const char *name, size_t v)
{
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%zu", v);
}

static void attr_str(xmlTextWriterPtr w, const char *name, const char *v)
{
    xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);
}

/* The failure text of a gap: what is wrong and what is planned. */
static void gap_text(const ra_check_score_t *cs, ra_buf_t *b)
{
    const ra_result_t *r = cs->result;
    ra_buf_printf(b, "%s: %s\n",
                  cs->unevidenced ? "pass without evidence" : ra_result_status_label(cs->status),
                  cs->check->question);
    if (r && r->remediation) {
        char due[11];
        ra_date_format(r->remediation->due, due);
        ra_buf_printf(b, "Remediation (%s, due %s%s): %s\n", r->remediation->owner, due,
                      cs->overdue ? ", OVERDUE" : "", r->remediation->text);
    } else if (cs->check->remediation)
        ra_buf_printf(b, "Hint: %s\n", cs->check->remediation);
    if (r && r->risk)
        ra_buf_printf(b, "Risk accepted by %s (%s) until %d-%02d-%02d%s: %s\n", r->risk->by,
                      r->risk->role, r->risk->expires / 10000, r->risk->expires / 100 % 100,
                      r->risk->expires % 100, cs->risk_expired ? " (EXPIRED)" : "", r->risk->text);
}

/* Swallows libxml2's own "I/O error" lines: the caller reports the failure. */
static void quiet_xml_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

ra_status_t ra_format_junit(FILE *f, const ra_score_t *s)
{
    unsigned long buf_failures = ra_buf_failures(); /* see base/buf.h */
    xmlSetGenericErrorFunc(NULL, quiet_xml_error);
    xmlOutputBufferPtr out = xmlOutputBufferCreateIO(write_file, NULL, f, NULL);
    if (!out)
        return RA_ERR_NOMEM;
    xmlTextWriterPtr w = xmlNewTextWriter(out);
    if (!w) {
        xmlOutputBufferClose(out);
        return RA_ERR_NOMEM;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "testsuites");
    ra_buf_t name = RA_BUF_INIT;
    ra_buf_printf(&name, "readyaudit %s (%s)", s->record->id, s->profile->id);
    attr_str(w, "name", ra_buf_str(&name));
    attr_int(w, "tests", s->applicable + s->nfindings);
    attr_int(w, "failures", s->gaps + s->nfindings);
    attr_int(w, "skipped", s->counts.not_applicable);
    attr_int(w, "errors", 0);
    for (size_t l = 0; l < s->nlayers; l++) {
        const ra_layer_score_t *ls = &s->layers[l];
        if (!ls->applicable)
            continue;
        xmlTextWriterStartElement(w, BAD_CAST "testsuite");
        attr_str(w, "name", ls->layer->name);
        attr_int(w, "tests", ls->applicable);
        attr_int(w, "failures", ls->gaps);
        attr_int(w, "skipped", ls->applicable - ls->scored);
        attr_int(w, "errors", 0);
        for (size_t i = 0; i < ls->layer->ncheck; i++) {
            const ra_check_score_t *cs = &s->checks[ls->layer->first_check + i];
            if (!cs->applicable)
                continue;
            xmlTextWriterStartElement(w, BAD_CAST "testcase");
            ra_buf_clear(&name);
            ra_buf_printf(&name, "%s %s", cs->check->id, cs->check->title);
            attr_str(w, "name", ra_buf_str(&name));
            ra_buf_clear(&name);
            ra_buf_printf(&name, "readyaudit.%s", ls->layer->id);
            attr_str(w, "classname", ra_buf_str(&name));
            if (!cs->scored) {
                xmlTextWriterStartElement(w, BAD_CAST "skipped");
                attr_str(w, "message",
                         cs->result && cs->result->justification ? cs->result->justification
                                                                 : "not applicable");
                xmlTextWriterEndElement(w);
            } else if (cs->gap) {
                xmlTextWriterStartElement(w, BAD_CAST "failure");
                ra_buf_clear(&name);
                ra_buf_printf(&name, "%s%s (weight %d)", cs->check->gate ? "gate " : "",
                              cs->unevidenced ? "unevidenced" : ra_result_status_name(cs->status),
                              cs->check->weight);
                attr_str(w, "message", ra_buf_str(&name));
                attr_str(w, "type",
                         cs->unevidenced ? "unevidenced" : ra_result_status_name(cs->status));
                ra_buf_clear(&name);
                gap_text(cs, &name);
                xmlTextWriterWriteString(w, BAD_CAST ra_buf_str(&name));
                xmlTextWriterEndElement(w);
            }
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
    }
    if (s->nfindings) {
        /* One failing case per finding of the governance rules. */
        xmlTextWriterStartElement(w, BAD_CAST "testsuite");
        attr_str(w, "name", "Governance rules");
        attr_int(w, "tests", s->nfindings);
        attr_int(w, "failures", s->nfindings);
        attr_int(w, "skipped", 0);
        attr_int(w, "errors", 0);
        for (size_t i = 0; i < s->nfindings; i++) {
            const ra_finding_t *fd = &s->findings[i];
            xmlTextWriterStartElement(w, BAD_CAST "testcase");
            ra_buf_clear(&name);
            ra_buf_printf(&name, "%s%s%s", ra_rule_name(fd->rule), fd->check ? " " : "",
                          fd->check ? fd->check : "");
            attr_str(w, "name", ra_buf_str(&name));
            attr_str(w, "classname", "readyaudit.governance");
            xmlTextWriterStartElement(w, BAD_CAST "failure");
            attr_str(w, "message", ra_buf_str(&fd->text));
            attr_str(w, "type", ra_rule_name(fd->rule));
            xmlTextWriterEndElement(w);
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    int rc = xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    xmlSetGenericErrorFunc(NULL, NULL);
    ra_buf_free(&name);
    if (ra_buf_failures() != buf_failures)
        return RA_ERR_NOMEM;
    return rc < 0 || ferror(f) ? RA_ERR_IO : RA_OK;
}
