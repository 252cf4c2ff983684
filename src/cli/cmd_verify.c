/* cmd_verify.c - `readyaudit verify`: does this report belong to this record? */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/hash.h"
#include "base/io.h"
#include "seal/verify.h"

/* Parses 64 hex digits into 32 bytes. */
static void unhex(const char *hex, unsigned char out[32])
{
    for (int i = 0; i < 32; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + k];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (unsigned char)v;
    }
}

int ra_cmd_verify(ra_cli_t *cli)
{
    const ra_opts_t *o = &cli->opts;
    if (o->nargs < 1 || o->nargs > 2) {
        fprintf(stderr, "%s verify: expected REPORT.pdf [RECORD.xml]\nTry '%s verify --help'.\n",
                cli->prog, cli->prog);
        return RA_EXIT_USAGE;
    }
    const char *report = o->args[0];
    ra_buf_t data = RA_BUF_INIT;
    ra_status_t st = ra_read_file(report, 256u * 1024 * 1024, &data, &cli->sink);
    if (st != RA_OK) {
        ra_buf_free(&data);
        return ra_exit_code(st);
    }
    ra_integrity_t it;
    st = ra_integrity_read(data.data, data.len, &it);
    /* A report made with --attach-source carries the record itself. */
    ra_buf_t embedded = RA_BUF_INIT;
    bool attached = false;
    ra_status_t est =
        st == RA_OK ? ra_embedded_read(data.data, data.len, RA_MAX_FILE_BYTES, &embedded, &attached)
                    : RA_OK;
    ra_buf_free(&data);
    char embedded_hex[65] = "";
    if (attached && est == RA_OK) {
        unsigned char d[32];
        ra_sha256(embedded.data, embedded.len, d);
        ra_hex(d, 32, embedded_hex);
    }
    ra_buf_free(&embedded);
    if (st != RA_OK) {
        ra_diag(&cli->sink, RA_DIAG_ERROR, report, 0,
                "no readyaudit integrity data found: not a readyaudit report, or its metadata "
                "was removed");
        return RA_EXIT_INVALID;
    }
    unsigned char rec[32], cl[32], tpl[32];
    unhex(it.record_sha256, rec);
    unhex(it.checklist_sha256, cl);
    unhex(it.template_sha256, tpl);
    char id[24];
    ra_report_id_from(rec, cl, tpl, it.tool, id);
    bool consistent = strcmp(id, it.report_id) == 0;
    printf("report:            %s\nreport ID:         %s%s\nmade by:           %s\n"
           "record SHA-256:    %s\nchecklist SHA-256: %s\ntemplate SHA-256:  %s\n",
           report, it.report_id, consistent ? "" : "  (does NOT match the digests below)", it.tool,
           it.record_sha256, it.checklist_sha256, it.template_sha256);
    if (!consistent) {
        fprintf(stderr,
                "%s: error: the report ID does not derive from the digests it lists: "
                "its metadata was altered\n",
                report);
        return RA_EXIT_MISMATCH;
    }
    /* A damaged or oversized attachment does not match either. */
    if (attached) {
        bool embedded_ok = est == RA_OK && strcmp(embedded_hex, it.record_sha256) == 0;
        printf("%-19s%s\n", "embedded record:", embedded_ok ? "matches" : "DOES NOT match");
        if (!embedded_ok) {
            fprintf(stderr, "%s: error: %s\n", report,
                    est == RA_OK          ? "the record embedded in the report is not the one "
                                            "whose digest it states"
                    : est == RA_ERR_LIMIT ? "the record embedded in the report is too large"
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
    st = ra_read_file(record, RA_MAX_FILE_BYTES, &rdata, &cli->sink);
    if (st != RA_OK) {
        ra_buf_free(&rdata);
        return ra_exit_code(st);
    }
    unsigned char got[32];
    char hex[65];
    ra_sha256(rdata.data, rdata.len, got);
    ra_buf_free(&rdata);
    ra_hex(got, 32, hex);
    printf("%-19s%s\n", "record given:", hex);
    if (strcmp(hex, it.record_sha256) != 0) {
        printf("MISMATCH: %s is not the record this report was made from.\n", record);
        return RA_EXIT_MISMATCH;
    }
    printf("MATCH: %s is byte for byte the record this report was made from.\n"
           "This checks the record against the digest the report states; the report carries no "
           "signature, so it does not prove that the PDF itself was not edited.\n",
           record);
    return RA_EXIT_OK;
}
