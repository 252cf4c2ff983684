/* validate.c - semantic checks of a record against its checklist. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "model/load.h"

/* "a, b, c": the ids of a list, for "expected one of" messages. */
static void list_profiles(const ra_checklist_t *cl, ra_buf_t *b)
{
    for (size_t i = 0; i < cl->nprofiles; i++)
        ra_buf_printf(b, "%s%s", i ? ", " : "", cl->profiles[i].id);
}

static void list_roles(const ra_checklist_t *cl, ra_buf_t *b)
{
    for (size_t i = 0; i < cl->nroles; i++)
        ra_buf_printf(b, "%s%s", i ? ", " : "", cl->roles[i].id);
}

/* Reports a role that the checklist does not define. */
static void check_role(const ra_checklist_t *cl, ra_diag_sink_t *sink, const char *file, long line,
                       const char *what, const char *role)
{
    if (ra_checklist_find_role(cl, role) >= 0)
        return;
    ra_buf_t roles = RA_BUF_INIT;
    list_roles(cl, &roles);
    ra_diag(sink, RA_DIAG_ERROR, file, line, "%s role '%s' is not a role of checklist '%s' (%s)",
            what, role, cl->id, ra_buf_str(&roles));
    ra_buf_free(&roles);
}

/* Reports a person's name with no visible letter (rule visible-name). */
static void check_name(ra_diag_sink_t *sink, const char *file, long line, const char *who,
                       const char *name)
{
    if (!ra_text_has_letter(name))
        ra_diag(sink, RA_DIAG_ERROR, file, line,
                "visible-name: the %s's name has no visible letter (only white space or format "
                "characters such as U+200B)",
                who);
}

/* Reports an evidence item that is not evidence (rule evidence-reference). */
static void check_evidence(ra_diag_sink_t *sink, const char *file, const char *check,
                           const ra_evidence_t *e)
{
    if (ra_evidence_is_valid(e))
        return;
    const char *need = e->kind == RA_EVIDENCE_LINK       ? "an absolute http or https URL in ref"
                       : e->kind == RA_EVIDENCE_DOCUMENT ? "the document's name in ref"
                       : e->kind == RA_EVIDENCE_TICKET   ? "the ticket id in ref"
                                                         : "a text of at least three words";
    ra_diag(sink, RA_DIAG_ERROR, file, e->line, "evidence-reference: %s evidence for '%s' needs %s",
            ra_evidence_kind_name(e->kind), check, need);
}

size_t ra_record_placeholders(const ra_record_t *rec, ra_diag_sink_t *sink)
{
    const struct {
        const char *value, *what, *fix;
        long line;
    } fields[] = {
        {rec->id, "the record's id", "its own id", rec->line},
        {rec->system_name, "<name> in <system>", "the system's name", rec->system_name_line},
        {rec->organisation, "<organisation> in <system>", "the organisation's name",
         rec->organisation_line},
    };
    static const char *const placeholders[] = {RA_PLACEHOLDER_ID, RA_PLACEHOLDER_SYSTEM,
                                               RA_PLACEHOLDER_ORGANISATION};
    size_t n = 0;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (!fields[i].value || strcmp(fields[i].value, placeholders[i]) != 0)
            continue;
        n++;
        if (sink)
            ra_diag(sink, RA_DIAG_WARNING, rec->path, fields[i].line,
                    "placeholder: %s is still \"%s\", as readyaudit init wrote it; write %s",
                    fields[i].what, placeholders[i], fields[i].fix);
    }
    for (size_t i = 0; i < rec->nassessors; i++) {
        if (strcmp(rec->assessors[i].name, RA_PLACEHOLDER_ASSESSOR) != 0)
            continue;
        n++;
        if (sink)
            ra_diag(sink, RA_DIAG_WARNING, rec->path, rec->assessors[i].line,
                    "placeholder: the assessor's name is still \"%s\", as readyaudit init wrote "
                    "it; write who assessed the system",
                    RA_PLACEHOLDER_ASSESSOR);
    }
    return n;
}

ra_status_t ra_record_check(const ra_checklist_t *cl, const ra_record_t *rec, ra_diag_sink_t *sink)
{
    const char *file = rec->path;
    size_t before = sink->errors;

    /* Against the wrong checklist every id would be unknown: say it once. */
    bool superseded = strcmp(rec->checklist_id, cl->id) == 0 &&
                      strcmp(rec->checklist_version, cl->version) != 0 &&
                      ra_checklist_supersedes(cl, rec->checklist_version);
    if (superseded)
        ra_diag(sink, RA_DIAG_WARNING, file, rec->line,
                "record is for checklist '%s' version %s, which version %s supersedes: scored "
                "with version %s and its governance policy (set checklist-version=\"%s\")",
                rec->checklist_id, rec->checklist_version, cl->version, cl->version, cl->version);
    else if (strcmp(rec->checklist_id, cl->id) != 0 ||
             strcmp(rec->checklist_version, cl->version) != 0) {
        ra_diag(sink, RA_DIAG_ERROR, file, rec->line,
                "record is for checklist '%s' version %s, but the checklist in use is '%s' "
                "version %s (choose another with --checklist)",
                rec->checklist_id, rec->checklist_version, cl->id, cl->version);
        return RA_ERR_INVALID;
    }

    long profile = ra_checklist_find_profile(cl, rec->profile);
    if (profile < 0) {
        ra_buf_t ids = RA_BUF_INIT;
        list_profiles(cl, &ids);
        ra_diag(sink, RA_DIAG_ERROR, file, rec->line, "unknown profile '%s' (expected one of: %s)",
                rec->profile, ra_buf_str(&ids));
        ra_buf_free(&ids);
    }

    for (size_t i = 0; i < rec->nresults; i++) {
        const ra_result_t *r = &rec->results[i];
        long ci = ra_checklist_find_check(cl, r->check);
        if (ci < 0) {
            ra_diag(sink, RA_DIAG_ERROR, file, r->line,
                    "result for unknown check '%s' (not in checklist '%s')", r->check, cl->id);
            continue;
        }
        const ra_check_t *ck = &cl->checks[ci];
        if (r->status == RA_RESULT_NOT_APPLICABLE) {
            if (ck->gate)
                ra_diag(sink, RA_DIAG_ERROR, file, r->line,
                        "check '%s' is a gate check and cannot be not-applicable", r->check);
            else if (!r->justification || !*r->justification)
                ra_diag(sink, RA_DIAG_ERROR, file, r->line,
                        "check '%s' is not-applicable but has no <justification>", r->check);
            else if (ra_text_words(r->justification) < 3)
                ra_diag(sink, RA_DIAG_ERROR, file, r->line,
                        "justification: the not-applicable justification of '%s' (\"%s\") must "
                        "say why in at least three words",
                        r->check, r->justification);
        }
        for (size_t k = 0; k < r->nevidence; k++)
            check_evidence(sink, file, r->check, &r->evidence[k]);
        if (r->remediation)
            check_name(sink, file, r->remediation->line, "remediation owner",
                       r->remediation->owner);
        if (r->risk)
            check_name(sink, file, r->risk->line, "risk acceptor", r->risk->by);
        if (r->risk) {
            check_role(cl, sink, file, r->risk->line, "risk acceptance", r->risk->role);
            if (r->risk->expires && r->risk->date && r->risk->expires < r->risk->date) {
                char d[11], e[11];
                ra_date_format(r->risk->date, d);
                ra_date_format(r->risk->expires, e);
                ra_diag(sink, RA_DIAG_ERROR, file, r->risk->line,
                        "risk acceptance for '%s' expires (%s) before it was given (%s)", r->check,
                        e, d);
            }
        }
        if (profile >= 0 && cl->profiles[ck->profile].rank > cl->profiles[profile].rank)
            ra_diag(sink, RA_DIAG_WARNING, file, r->line,
                    "check '%s' belongs to profile '%s', above '%s': its result is not scored",
                    r->check, cl->profiles[ck->profile].id, rec->profile);
    }

    for (size_t i = 0; i < rec->nassessors; i++)
        check_name(sink, file, rec->assessors[i].line, "assessor", rec->assessors[i].name);
    for (size_t i = 0; i < rec->napprovals; i++) {
        const ra_approval_t *a = &rec->approvals[i];
        check_role(cl, sink, file, a->line, "approval", a->role);
        check_name(sink, file, a->line, "approver", a->name);
    }
    ra_record_placeholders(rec, sink);
    return sink->errors == before ? RA_OK : RA_ERR_INVALID;
}
