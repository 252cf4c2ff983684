/* test_load.c - loading records safely and each semantic rule, with the
 * exact diagnostics ("LINE: severity: message") a user sees. */
#include "testutil.h"

/* Loads bytes as a record and, when that works, runs the semantic checks.
 * Returns the status; the diagnostics are in f->cap.text. */
static ra_status_t load(fixture_t *f, const char *data, size_t len)
{
    capture_reset(&f->cap);
    ra_record_t *rec = NULL;
    ra_status_t st = ra_load_record_mem(f->loader, "t.xml", data, len, &rec);
    if (st == RA_OK)
        st = ra_record_check(f->cl, rec, &f->cap.sink);
    ra_record_free(rec);
    return st;
}

/* A record for the mini checklist with the given results and sign-off. */
static ra_status_t load_parts(fixture_t *f, const char *results, const char *signoff)
{
    build_record(&f->xml, "mini", "1", "basic", results, signoff);
    return load(f, f->xml.data, f->xml.len);
}

static void valid_record(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load_parts(f, "<result check=\"A-1\" status=\"pass\"/>\n", ""), RA_OK);
    assert_string_equal(ra_buf_str(&f->cap.text), "");
}

/* The record's results start on line 7 of build_record's layout. */
static void unknown_check(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load_parts(f, "<result check=\"Z-9\" status=\"pass\"/>\n", ""),
                     RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "8: error: result for unknown check 'Z-9' (not in checklist 'mini')\n");
}

static void not_applicable_without_justification(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load_parts(f, "<result check=\"A-2\" status=\"not-applicable\"/>\n", ""),
                     RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "8: error: check 'A-2' is not-applicable but has no <justification>\n");
}

static void gate_not_applicable(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load_parts(f,
                                "<result check=\"A-1\" status=\"not-applicable\">"
                                "<justification>none</justification></result>\n",
                                ""),
                     RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "8: error: check 'A-1' is a gate check and cannot be not-applicable\n");
}

static void unknown_approval_role(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load_parts(f, "",
                                "<approval name=\"X\" role=\"ceo\" decision=\"approved\" "
                                "date=\"2026-06-01\"/>"),
                     RA_ERR_INVALID);
    assert_string_equal(
        ra_buf_str(&f->cap.text),
        "9: error: approval role 'ceo' is not a role of checklist 'mini' (owner, auditor)\n");
}

static void risk_expires_before_given(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load_parts(f,
                                "<result check=\"A-2\" status=\"fail\">\n"
                                "<risk-acceptance by=\"X\" role=\"owner\" date=\"2026-05-01\" "
                                "expires=\"2026-04-30\">ok</risk-acceptance></result>\n",
                                ""),
                     RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "9: error: risk acceptance for 'A-2' expires (2026-04-30) before it was "
                        "given (2026-05-01)\n");
}

static void result_above_profile_warns(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load_parts(f, "<result check=\"G-1\" status=\"pass\"/>\n", ""), RA_OK);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "8: warning: check 'G-1' belongs to profile 'strict', above 'basic': its "
                        "result is not scored\n");
}

/* A record for another checklist is said to be so once, not id by id. */
static void wrong_checklist(void **state)
{
    fixture_t *f = *state;
    build_record(&f->xml, "other", "2", "basic", "<result check=\"Q-1\" status=\"pass\"/>\n", "");
    assert_int_equal(load(f, f->xml.data, f->xml.len), RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "3: error: record is for checklist 'other' version 2, but the checklist in "
                        "use is 'mini' version 1 (choose another with --checklist)\n");
}

static void unknown_profile(void **state)
{
    fixture_t *f = *state;
    build_record(&f->xml, "mini", "1", "gold", "", "");
    assert_int_equal(load(f, f->xml.data, f->xml.len), RA_ERR_INVALID);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "3: error: unknown profile 'gold' (expected one of: basic, strict)\n");
}

static void impossible_date(void **state)
{
    fixture_t *f = *state;
    build_record(&f->xml, "mini", "1", "basic", "", "");
    char *d = strstr(f->xml.data, "2026-06-01");
    memcpy(d, "2026-02-30", 10);
    assert_int_equal(load(f, f->xml.data, f->xml.len), RA_ERR_SCHEMA);
    assert_non_null(strstr(ra_buf_str(&f->cap.text), "5: error: "));
    assert_non_null(strstr(ra_buf_str(&f->cap.text), "2026-02-30"));
}

static void doctype_rejected(void **state)
{
    fixture_t *f = *state;
    const char *x =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY s SYSTEM \"file:///etc/passwd\">]>\n"
        "<assessment xmlns=\"urn:readyaudit:assessment:1\">&s;</assessment>\n";
    assert_int_equal(load(f, x, strlen(x)), RA_ERR_PARSE);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "2: error: DOCTYPE declarations are not allowed (no DTDs or entities)\n");
    assert_null(strstr(ra_buf_str(&f->cap.text), "root:"));
}

static void nul_byte(void **state)
{
    fixture_t *f = *state;
    build_record(&f->xml, "mini", "1", "basic", "", "");
    ra_buf_append(&f->xml, "\n\n\0junk", 7);
    assert_int_equal(load(f, f->xml.data, f->xml.len), RA_ERR_PARSE);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "13: error: file contains a NUL byte (binary data or UTF-16/32 text); "
                        "records must be UTF-8 XML\n");
}

static void utf16(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(load(f, "\xFF\xFE<\0a\0", 6), RA_ERR_PARSE);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "1: error: file is UTF-16; records must be UTF-8\n");
}

static void wrong_root(void **state)
{
    fixture_t *f = *state;
    const char *x = "<?xml version=\"1.0\"?>\n<record/>\n";
    assert_int_equal(load(f, x, strlen(x)), RA_ERR_SCHEMA);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "2: error: root element is <record> without a namespace; expected "
                        "<assessment> in namespace urn:readyaudit:assessment:1\n");
}

static void not_well_formed(void **state)
{
    fixture_t *f = *state;
    const char *x = "<?xml version=\"1.0\"?>\n<assessment>\n<a></b>\n";
    assert_int_equal(load(f, x, strlen(x)), RA_ERR_PARSE);
    assert_true(strncmp(ra_buf_str(&f->cap.text), "3: error: ", 10) == 0);
}

static void whitespace_collapsed(void **state)
{
    fixture_t *f = *state;
    build_record(&f->xml, "mini", "1", "basic",
                 "<result check=\"A-1\" status=\"pass\"><note>  two\n\t lines  </note></result>\n",
                 "");
    ra_record_t *rec = NULL;
    capture_reset(&f->cap);
    assert_int_equal(ra_load_record_mem(f->loader, "t.xml", f->xml.data, f->xml.len, &rec), RA_OK);
    assert_string_equal(rec->results[0].note, "two lines");
    assert_int_equal(rec->results[0].line, 8);
    assert_int_equal(rec->assessed_on, 20260601);
    ra_record_free(rec);
}

static void dates(void **state)
{
    (void)state;
    assert_int_equal(ra_date_parse("2024-02-29"), 20240229);
    assert_int_equal(ra_date_parse("2026-02-29"), 0);
    assert_int_equal(ra_date_parse("2026-13-01"), 0);
    assert_int_equal(ra_date_parse("2026-04-31"), 0);
    assert_int_equal(ra_date_parse("2026-11-20Z"), 0);
    assert_int_equal(ra_date_parse("1900-02-29"), 0);
    assert_int_equal(ra_date_parse("2000-02-29"), 20000229);
}

/* The checked load: a schema error and the checks of the rest, in line
 * order, the schema's status, no record. */
static void checked_every_mistake(void **state)
{
    fixture_t *f = *state;
    build_record(&f->xml, "mini", "1", "basic",
                 "<result check=\"Z-9\" status=\"pass\"/>\n"
                 "<result check=\"A-1\" status=\"Pass\"/>\n"
                 "<result check=\"A-2\" status=\"not-applicable\"/>\n",
                 "");
    capture_reset(&f->cap);
    ra_record_t *rec = (ra_record_t *)1;
    assert_int_equal(
        ra_load_record_checked_mem(f->loader, f->cl, "t.xml", f->xml.data, f->xml.len, &rec),
        RA_ERR_SCHEMA);
    assert_null(rec);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "8: error: result for unknown check 'Z-9' (not in checklist 'mini')\n"
                        "9: error: status \"Pass\" of <result check=\"A-1\"> is not one of pass, "
                        "partial, fail, not-applicable, not-assessed; values are lower case\n"
                        "10: error: check 'A-2' is not-applicable but has no <justification>\n");
}

/* A valid record through the checked load: the record, its warnings. */
static void checked_valid(void **state)
{
    fixture_t *f = *state;
    build_record(&f->xml, "mini", "1", "basic", "<result check=\"A-1\" status=\"pass\"/>\n", "");
    capture_reset(&f->cap);
    ra_record_t *rec = NULL;
    assert_int_equal(
        ra_load_record_checked_mem(f->loader, f->cl, "t.xml", f->xml.data, f->xml.len, &rec),
        RA_OK);
    assert_non_null(rec);
    assert_int_equal(rec->nresults, 1);
    assert_int_equal(ra_record_placeholders(rec, NULL), 0);
    assert_string_equal(ra_buf_str(&f->cap.text), "");
    ra_record_free(rec);
}

/* The placeholders of init: counted, and each warned about at its line. */
static void placeholders(void **state)
{
    fixture_t *f = *state;
    const char *xml =
        "<?xml version=\"1.0\"?>\n"
        "<assessment xmlns=\"urn:readyaudit:assessment:1\" id=\"CHANGE-ME\" "
        "checklist=\"mini\" checklist-version=\"1\" profile=\"basic\">\n"
        "<system><name>System name</name>\n<organisation>Org</organisation></system>\n"
        "<assessed-on>2026-06-01</assessed-on>\n"
        "<assessors><assessor name=\"Assessor name\" role=\"lead\"/></assessors>\n"
        "<results/>\n</assessment>\n";
    capture_reset(&f->cap);
    ra_record_t *rec = NULL;
    assert_int_equal(ra_load_record_checked_mem(f->loader, f->cl, "t.xml", xml, strlen(xml), &rec),
                     RA_OK);
    assert_int_equal(ra_record_placeholders(rec, NULL), 3);
    assert_string_equal(
        ra_buf_str(&f->cap.text),
        "2: warning: placeholder: the record's id is still \"CHANGE-ME\", as readyaudit init "
        "wrote it; write its own id\n"
        "3: warning: placeholder: <name> in <system> is still \"System name\", as readyaudit "
        "init wrote it; write the system's name\n"
        "6: warning: placeholder: the assessor's name is still \"Assessor name\", as readyaudit "
        "init wrote it; write who assessed the system\n");
    ra_record_free(rec);
}

/* --verbose: libxml2's own message follows as a note. */
static void verbose_note(void **state)
{
    fixture_t *f = *state;
    const char *xml = "<?xml version=\"1.0\"?>\n<a>R&D</a>\n";
    ra_loader_set_verbose(f->loader, true);
    assert_int_equal(load(f, xml, strlen(xml)), RA_ERR_PARSE);
    ra_loader_set_verbose(f->loader, false);
    assert_string_equal(ra_buf_str(&f->cap.text),
                        "2: error: a \"&\" without a closing \";\": an \"&\" in text must be "
                        "written &amp;\n"
                        "2: note: libxml2: EntityRef: expecting ';'\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_record),
        cmocka_unit_test(unknown_check),
        cmocka_unit_test(not_applicable_without_justification),
        cmocka_unit_test(gate_not_applicable),
        cmocka_unit_test(unknown_approval_role),
        cmocka_unit_test(risk_expires_before_given),
        cmocka_unit_test(result_above_profile_warns),
        cmocka_unit_test(wrong_checklist),
        cmocka_unit_test(unknown_profile),
        cmocka_unit_test(impossible_date),
        cmocka_unit_test(doctype_rejected),
        cmocka_unit_test(nul_byte),
        cmocka_unit_test(utf16),
        cmocka_unit_test(wrong_root),
        cmocka_unit_test(not_well_formed),
        cmocka_unit_test(whitespace_collapsed),
        cmocka_unit_test(dates),
        cmocka_unit_test(checked_every_mistake),
        cmocka_unit_test(checked_valid),
        cmocka_unit_test(placeholders),
        cmocka_unit_test(verbose_note),
    };
    return cmocka_run_group_tests_name("load", tests, fixture_setup, fixture_teardown);
}
