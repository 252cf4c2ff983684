/* cmd_verify.c - `readyaudit verify`: does this report belong to this record? */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/env.h"
#include "base/io.h"
#include "seal/verify.h"

int ra_cmd_verify(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs < 1 || o->nargs > 2) {
        fprintf(stderr, "%s verify: expected REPORT.pdf [RECORD.xml]\nTry '%s verify --help'.\n",
                cli->prog, cli->prog);
        return RA_EXIT_USAGE;
    }
    ra_env_started(); /* verify loads nothing beforehand */
    const char *report = o->args[0];
    ra_buf_t data = RA_BUF_INIT;
    ra_status_t st = ra_read_file(report, RA_MAX_REPORT_BYTES, &data, cli->env->sink);
    if (st != RA_OK) {
        ra_buf_free(&data);
        return ra_cli_exit(cli, st);
    }
    ra_verify_t v;
    st = ra_verify_report(data.data, data.len, &v);
    ra_buf_free(&data);
    if (st == RA_ERR_NOMEM)
        return ra_cli_exit(cli, st);
    if (st == RA_ERR_INVALID) {
        ra_diag(cli->env->sink, RA_DIAG_ERROR, report, 0,
                "no readyaudit integrity data found: not a readyaudit report, or its metadata "
                "was removed");
        return RA_EXIT_INVALID;
    }
    const ra_integrity_t *it = &v.it;
    printf("report:            %s\nreport ID:         %s%s\nmade by:           %s\n"
           "record SHA-256:    %s\nchecklist SHA-256: %s\ntemplate SHA-256:  %s\n",
           report, it->report_id, v.consistent ? "" : "  (does NOT match the digests below)",
           it->tool, it->record_sha256, it->checklist_sha256, it->template_sha256);
    if (!v.consistent) {
        fprintf(stderr,
                "%s: error: the report ID does not derive from the digests it lists: "
                "its metadata was altered\n",
                report);
        return RA_EXIT_MISMATCH;
    }
    if (v.attached) {
        printf("%-19s%s\n", "embedded record:", v.embedded_ok ? "matches" : "DOES NOT match");
        if (!v.embedded_ok) {
            fprintf(stderr, "%s: error: %s\n", report,
                    v.embedded_st == RA_OK ? "the record embedded in the report is not the one "
                                             "whose digest it states"
                    : v.embedded_st == RA_ERR_LIMIT
                        ? "the record embedded in the report is too large"
                        : "the record embedded in the report is damaged");
            return RA_EXIT_MISMATCH;
        }
    }
    if (o->nargs == 1) {
        printf("No record given: nothing was compared. Run '%s verify %s RECORD.xml' to check "
               "a record against this report.\n",
               cli->prog, report);
        return RA_EXIT_OK;
    }
    const char *record = o->args[1];
    ra_buf_t rdata = RA_BUF_INIT;
    st = ra_read_file(record, RA_MAX_FILE_BYTES, &rdata, cli->env->sink);
    if (st != RA_OK) {
        ra_buf_free(&rdata);
        return ra_cli_exit(cli, st);
    }
    char hex[65];
    st = ra_verify_record(&v, rdata.data, rdata.len, hex);
    ra_buf_free(&rdata);
    printf("%-19s%s\n", "record given:", hex);
    if (st != RA_OK) {
        printf("MISMATCH: %s is not the record this report was made from.\n", record);
        return RA_EXIT_MISMATCH;
    }
    printf("MATCH: %s is byte for byte the record this report was made from.\n"
           "This checks the record against the digest the report states; the report carries no "
           "signature, so it does not prove that the PDF itself was not edited.\n",
           record);
    return RA_EXIT_OK;
}
