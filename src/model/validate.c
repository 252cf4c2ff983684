/* validate.c - semantic checks of a record against its checklist. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
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

ra_status_t ra_record_check(const ra_checklist_t *cl, const ra_record_t *rec, ra_diag_sink_t *sink)
{
    const char *file = rec->path;
    size_t before = sink->errors;

    /* Against the wrong checklist every id would be unknown: say it once. */
    if (strcmp(rec->checklist_id, cl->id) != 0 ||
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
        }
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

    for (size_t i = 0; i < rec->napprovals; i++) {
        const ra_approval_t *a = &rec->approvals[i];
        check_role(cl, sink, file, a->line, "approval", a->role);
    }
    return sink->errors == before ? RA_OK : RA_ERR_INVALID;
}
