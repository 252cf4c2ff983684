/* test_diff.c - the comparison of two assessments (src/score/diff.c) and the
 * system key (src/model/load.c), with the arithmetic written out. Uses
 * tests/fixtures/mini-checklist.xml (see test_score.c):
 *   profile basic  (rank 1): no evidence rule
 *   profile strict (rank 2): evidence required, layer beta weighs 3
 *   layer alpha (weight 1): A-1 w3 basic GATE, A-2 w1 basic, A-3 w2 strict
 *   layer beta  (weight 2): B-1 w2 basic, B-2 w1 basic, B-3 w3 strict
 *   layer gamma (weight 1): G-1 w1 strict
 * Every record is assessed on 2026-06-01. */
#include "testutil.h"

#include <math.h>

#include "format/format.h"
#include "score/diff.h"

#define EV "<evidence kind=\"ticket\" ref=\"T-1\"/>"
#define NA_WHY "<justification>This check does not apply here.</justification>"
#define PLAN(due) "<remediation owner=\"Ops\" due=\"" due "\">Fix it</remediation>"
#define RISK(date, expires)                                                                  \
    "<risk-acceptance by=\"Rita\" role=\"owner\" date=\"" date "\" expires=\"" expires "\">" \
    "Accepted for now.</risk-acceptance>"
#define APPROVAL(name, role, decision)                                         \
    "<approval name=\"" name "\" role=\"" role "\" decision=\"" decision "\" " \
    "date=\"2026-06-01\"/>"

#define assert_close(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* One side of a comparison: a record and its score. */
typedef struct {
    ra_record_t *rec;
    ra_score_t *score;
} side_t;

static void side_free(side_t *s)
{
    ra_score_free(s->score);
    ra_record_free(s->rec);
    memset(s, 0, sizeof *s);
}

/* Loads the record xml, checks it and scores it at its own profile. */
static void side_load(fixture_t *f, side_t *s, const char *xml)
{
    side_free(s);
    capture_reset(&f->cap);
    assert_int_equal(ra_load_record_mem(f->loader, "t.xml", xml, strlen(xml), &s->rec), RA_OK);
    assert_int_equal(ra_record_check(f->cl, s->rec, &f->cap.sink), RA_OK);
    long p = ra_checklist_find_profile(f->cl, s->rec->profile);
    assert_true(p >= 0);
    assert_int_equal(ra_score_compute(f->cl, s->rec, (size_t)p, &s->score), RA_OK);
}

/* side_load of build_record(profile, results, signoff). */
static void side_build(fixture_t *f, side_t *s, const char *profile, const char *results,
                       const char *signoff)
{
    build_record(&f->xml, f->cl->id, f->cl->version, profile, results, signoff);
    side_load(f, s, ra_buf_str(&f->xml));
}

static const ra_check_diff_t *check(const ra_diff_t *d, const char *id)
{
    for (size_t i = 0; i < d->nchecks; i++)
        if (strcmp(d->checks[i].check->id, id) == 0)
            return &d->checks[i];
    fail_msg("no check %s", id);
    return NULL;
}

/* The text and JSON forms of test_every_change's diff: the check lines in
 * change order, an unevidenced pass named so, the delta with its sign. */
static void check_formats(const ra_diff_t *d)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(ra_format_diff_text(f, d), RA_OK);
    fclose(f);
    assert_non_null(strstr(text, "\nScore delta  -7.5\n"));
    assert_non_null(strstr(text, "\n  Layer beta                      33.3     8.3   -25.0\n"));
    assert_non_null(strstr(text, "\n  Layer gamma                      0.0     n/a     n/a\n"));
    assert_non_null(strstr(text, "\nChecks (7): 1 regressed, 1 new-gap, 1 closed-gap, 1 improved, "
                                 "1 added, 1 removed, 1 unchanged\n"
                                 "  regressed   B-1      partial -> fail\n"
                                 "  new-gap     A-2      pass -> pass-unevidenced\n"
                                 "  closed-gap  A-3      partial -> pass\n"
                                 "  improved    B-2      fail -> pass-unevidenced\n"
                                 "  added       B-3      not-applicable -> fail\n"
                                 "  removed     G-1      fail -> not-applicable\n"));
    assert_non_null(
        strstr(text, "  changed     o as owner: approved -> approved-with-conditions\n"));
    free(text);
    f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(ra_format_diff_json(f, d), RA_OK);
    fclose(f);
    /* Unrounded: -7.5 up to binary floating point, with all its digits. */
    const char *sd = strstr(text, "\"score_delta\": ");
    assert_non_null(sd);
    char *end = NULL;
    double v = strtod(sd + 15, &end);
    assert_close(v, -7.5);
    assert_true(end - (sd + 15) >= 4);
    assert_non_null(strstr(text, "\"id\": \"A-2\",\n      \"layer\": \"alpha\",\n      "
                                 "\"change\": \"new-gap\",\n      \"old\": \"pass\",\n      "
                                 "\"new\": \"pass-unevidenced\""));
    free(text);
    char out[16];
    ra_delta_format(true, -0.04, out);
    assert_string_equal(out, "0.0");
    ra_delta_format(true, 0.05, out);
    assert_string_equal(out, "+0.1");
    ra_delta_format(false, 3, out);
    assert_string_equal(out, "n/a");
}

/* Every kind of change at the strict profile.
 *   old: A-1 pass+ev, A-2 pass+ev, A-3 partial (plan due 07-01), B-1 partial
 *        (plan due 07-01), B-2 fail, B-3 not-applicable, G-1 fail
 *   new: A-1 pass+ev        unchanged
 *        A-2 pass, no ev    new-gap   (an unevidenced pass is a gap)
 *        A-3 pass+ev        closed-gap, its remediation completed
 *        B-1 fail           regressed; plan due 08-01: slipped; a new acceptance
 *        B-2 pass, no ev    improved  (rank fail 1 -> unevidenced pass 2); plan
 *                           due 05-01, before 06-01: now overdue
 *        B-3 fail           added; its acceptance expired 05-31
 *        G-1 not-applicable removed
 * Scores (layer weights alpha 1, beta 3, gamma 1):
 *   old alpha (3 + 1 + 2*0.5)/6 = 5/6 -> 83.33; beta (2*0.5 + 0)/3 -> 33.33
 *       (B-3 out); gamma 0; score (500/6 + 3*100/3 + 0)/5 = 1100/30 = 36.67
 *   new alpha (3 + 0.5 + 2)/6 = 5.5/6 -> 91.67; beta (0 + 0.5 + 0)/6 -> 8.33;
 *       gamma n/a; score (550/6 + 3*50/6)/4 = 700/24 = 29.17
 *   delta 700/24 - 1100/30 = -7.5; alpha +50/6, beta -25, gamma null. */
static void test_every_change(void **state)
{
    fixture_t *f = *state;
    side_t o = {0}, n = {0};
    side_build(f, &o, "strict",
               "<result check=\"A-1\" status=\"pass\">" EV "</result>\n"
               "<result check=\"A-2\" status=\"pass\">" EV "</result>\n"
               "<result check=\"A-3\" status=\"partial\">" PLAN(
                   "2026-07-01") "</result>\n"
                                 "<result check=\"B-1\" status=\"partial\">" PLAN(
                                     "2026-07-01") "</result>\n"
                                                   "<result check=\"B-2\" status=\"fail\"/>\n"
                                                   "<result check=\"B-3\" "
                                                   "status=\"not-applicable\">" NA_WHY "</result>\n"
                                                   "<result check=\"G-1\" status=\"fail\"/>\n",
               APPROVAL("O", "owner", "approved") APPROVAL("Au", "auditor", "approved"));
    side_build(
        f, &n, "strict",
        "<result check=\"A-1\" status=\"pass\">" EV "</result>\n"
        "<result check=\"A-2\" status=\"pass\"/>\n"
        "<result check=\"A-3\" status=\"pass\">" EV "</result>\n"
        "<result check=\"B-1\" status=\"fail\">" PLAN("2026-08-01") RISK(
            "2026-06-01",
            "2026-12-31") "</result>\n"
                          "<result check=\"B-2\" status=\"pass\">" PLAN(
                              "2026-05-01") "</result>\n"
                                            "<result check=\"B-3\" status=\"fail\">" RISK(
                                                "2026-01-01",
                                                "2026-05-31") "</result>\n"
                                                              "<result check=\"G-1\" "
                                                              "status=\"not-applicable\">" NA_WHY
                                                              "</result>\n",
        APPROVAL("o", "owner", "approved-with-conditions")
            APPROVAL("New Auditor", "auditor", "approved"));
    ra_diff_t *d = NULL;
    assert_int_equal(ra_diff_compute(o.score, n.score, &d), RA_OK);
    assert_true(d->same_system);
    assert_false(d->versions_differ);
    assert_true(d->has_delta);
    assert_close(o.score->score, 1100.0 / 30);
    assert_close(n.score->score, 700.0 / 24);
    assert_close(d->score_delta, -7.5);

    assert_int_equal(d->nlayers, 3);
    assert_true(d->layers[0].has_old && d->layers[0].has_new);
    assert_close(d->layers[0].delta, 50.0 / 6);
    assert_close(d->layers[1].old, 100.0 / 3);
    assert_close(d->layers[1].new_, 50.0 / 6);
    assert_close(d->layers[1].delta, -25);
    assert_true(d->layers[2].has_old);
    assert_false(d->layers[2].has_new);

    assert_int_equal(d->nchecks, 7);
    assert_int_equal(check(d, "A-1")->change, RA_CHANGE_UNCHANGED);
    assert_int_equal(check(d, "A-2")->change, RA_CHANGE_NEW_GAP);
    assert_int_equal(check(d, "A-3")->change, RA_CHANGE_CLOSED_GAP);
    assert_int_equal(check(d, "B-1")->change, RA_CHANGE_REGRESSED);
    assert_int_equal(check(d, "B-2")->change, RA_CHANGE_IMPROVED);
    assert_int_equal(check(d, "B-3")->change, RA_CHANGE_ADDED);
    assert_int_equal(check(d, "G-1")->change, RA_CHANGE_REMOVED);
    for (int k = 0; k < RA_CHANGE_COUNT; k++)
        assert_int_equal(d->counts[k], 1);

    /* By kind, then checklist order. */
    assert_int_equal(d->nitems, 5);
    assert_int_equal(d->items[0].kind, RA_ITEM_COMPLETED);
    assert_string_equal(d->items[0].check->id, "A-3");
    assert_int_equal(d->items[1].kind, RA_ITEM_SLIPPED);
    assert_string_equal(d->items[1].check->id, "B-1");
    assert_int_equal(d->items[2].kind, RA_ITEM_OVERDUE);
    assert_string_equal(d->items[2].check->id, "B-2");
    assert_int_equal(d->items[3].kind, RA_ITEM_RISK_EXPIRED);
    assert_string_equal(d->items[3].check->id, "B-3");
    assert_int_equal(d->items[4].kind, RA_ITEM_RISK_NEW);
    assert_string_equal(d->items[4].check->id, "B-1");

    /* "O" and "o" are one person (case-folded name key). */
    assert_int_equal(d->napprovals, 3);
    assert_int_equal(d->approvals[0].change, RA_APPROVAL_CHANGED);
    assert_string_equal(d->approvals[0].old->name, "O");
    assert_int_equal(d->approvals[0].new_->decision, RA_APPROVED_WITH_CONDITIONS);
    assert_int_equal(d->approvals[1].change, RA_APPROVAL_REMOVED);
    assert_string_equal(d->approvals[1].old->name, "Au");
    assert_int_equal(d->approvals[2].change, RA_APPROVAL_ADDED);
    assert_string_equal(d->approvals[2].new_->name, "New Auditor");
    check_formats(d);
    ra_diff_free(d);

    /* The other way round every change turns over, except the unchanged A-1
     * and B-2 (unevidenced pass -> fail: regressed). */
    assert_int_equal(ra_diff_compute(n.score, o.score, &d), RA_OK);
    assert_close(d->score_delta, 7.5);
    assert_int_equal(check(d, "A-2")->change, RA_CHANGE_CLOSED_GAP);
    assert_int_equal(check(d, "A-3")->change, RA_CHANGE_NEW_GAP);
    assert_int_equal(check(d, "B-1")->change, RA_CHANGE_IMPROVED);
    assert_int_equal(check(d, "B-2")->change, RA_CHANGE_REGRESSED);
    assert_int_equal(check(d, "B-3")->change, RA_CHANGE_REMOVED);
    assert_int_equal(check(d, "G-1")->change, RA_CHANGE_ADDED);
    /* Due 08-01 -> 07-01 is not a slip; A-3's plan is new, not completed. */
    for (size_t i = 0; i < d->nitems; i++)
        assert_true(d->items[i].kind != RA_ITEM_SLIPPED && d->items[i].kind != RA_ITEM_COMPLETED);
    ra_diff_free(d);
    side_free(&o);
    side_free(&n);
}

/* A profile change: the strict checks are added going up from basic, and
 * removed going down; basic checks compare as usual. Not assessed ranks
 * below fail. */
static void test_profile_change(void **state)
{
    fixture_t *f = *state;
    side_t o = {0}, n = {0};
    side_build(f, &o, "basic",
               "<result check=\"A-1\" status=\"pass\"/>\n<result check=\"A-2\" status=\"fail\"/>\n"
               "<result check=\"B-1\" status=\"pass\"/>\n",
               "");
    side_build(f, &n, "strict",
               "<result check=\"A-1\" status=\"pass\">" EV "</result>\n"
               "<result check=\"A-2\" status=\"not-assessed\"/>\n"
               "<result check=\"B-1\" status=\"pass\">" EV "</result>\n"
               "<result check=\"B-2\" status=\"fail\"/>\n",
               "");
    ra_diff_t *d = NULL;
    assert_int_equal(ra_diff_compute(o.score, n.score, &d), RA_OK);
    assert_int_equal(d->nchecks, 7);
    assert_int_equal(check(d, "A-1")->change, RA_CHANGE_UNCHANGED);
    assert_int_equal(check(d, "A-2")->change, RA_CHANGE_REGRESSED); /* fail -> not assessed */
    assert_int_equal(check(d, "B-1")->change, RA_CHANGE_UNCHANGED);
    /* B-2 has no result in the old: not assessed, a gap on both sides, fail ranks higher. */
    assert_int_equal(check(d, "B-2")->change, RA_CHANGE_IMPROVED);
    assert_int_equal(check(d, "A-3")->change, RA_CHANGE_ADDED);
    assert_int_equal(check(d, "B-3")->change, RA_CHANGE_ADDED);
    assert_int_equal(check(d, "G-1")->change, RA_CHANGE_ADDED);
    assert_false(check(d, "G-1")->old->applicable);
    assert_true(check(d, "G-1")->new_->applicable);
    ra_diff_free(d);
    assert_int_equal(ra_diff_compute(n.score, o.score, &d), RA_OK);
    assert_int_equal(d->counts[RA_CHANGE_REMOVED], 3);
    ra_diff_free(d);

    /* Two basic records list only the basic checks. */
    assert_int_equal(ra_diff_compute(o.score, o.score, &d), RA_OK);
    assert_int_equal(d->nchecks, 4);
    assert_int_equal(d->counts[RA_CHANGE_UNCHANGED], 4);
    assert_close(d->score_delta, 0);
    ra_diff_free(d);
    side_free(&o);
    side_free(&n);
}

/* The system key: "id:" and the id, or "name:", the organisation's key, a
 * tab and the name's key; records compare by it. */
static void test_system_key(void **state)
{
    fixture_t *f = *state;
    side_t a = {0}, b = {0};
    static const char head[] = "<?xml version=\"1.0\"?>\n"
                               "<assessment xmlns=\"urn:readyaudit:assessment:1\" id=\"T-1\" "
                               "checklist=\"mini\" checklist-version=\"1\" profile=\"basic\">\n";
    static const char tail[] = "<assessed-on>2026-06-01</assessed-on>\n"
                               "<assessors><assessor name=\"A\" role=\"lead\"/></assessors>\n"
                               "<results/>\n</assessment>\n";
    ra_buf_t x = RA_BUF_INIT;
    ra_buf_printf(&x,
                  "%s<system><name> Chat  Bot </name><organisation>ACME\tLtd</organisation>"
                  "</system>\n%s",
                  head, tail);
    side_load(f, &a, ra_buf_str(&x));
    assert_string_equal(ra_record_system_key(a.rec), "name:acme ltd\tchat bot");
    assert_null(a.rec->system_id);
    ra_buf_clear(&x);
    ra_buf_printf(&x,
                  "%s<system><name>CHAT BOT</name><organisation>acme ltd</organisation>"
                  "</system>\n%s",
                  head, tail);
    side_load(f, &b, ra_buf_str(&x));
    ra_diff_t *d = NULL;
    assert_int_equal(ra_diff_compute(a.score, b.score, &d), RA_OK);
    assert_true(d->same_system);
    ra_diff_free(d);
    /* An id, even one that spells the default key's words, is another system. */
    ra_buf_clear(&x);
    ra_buf_printf(&x,
                  "%s<system id=\"acme-chat\"><name>Chat Bot</name><organisation>ACME Ltd"
                  "</organisation></system>\n%s",
                  head, tail);
    side_load(f, &b, ra_buf_str(&x));
    assert_string_equal(b.rec->system_id, "acme-chat");
    assert_string_equal(ra_record_system_key(b.rec), "id:acme-chat");
    assert_int_equal(ra_diff_compute(a.score, b.score, &d), RA_OK);
    assert_false(d->same_system);
    ra_diff_free(d);
    assert_string_equal(ra_record_system_key(NULL), "");
    ra_buf_free(&x);
    side_free(&a);
    side_free(&b);
}

/* Scores of two different checklists cannot be compared. */
static void test_other_checklist(void **state)
{
    fixture_t *f = *state;
    ra_checklist_t *other = NULL;
    assert_int_equal(ra_load_checklist(f->loader, "tests/fixtures/mini-checklist.xml", &other),
                     RA_OK);
    side_t a = {0};
    side_build(f, &a, "basic", "<result check=\"A-1\" status=\"pass\"/>\n", "");
    ra_score_t *s = NULL;
    assert_int_equal(ra_score_compute(other, a.rec, 0, &s), RA_OK);
    ra_diff_t *d = (ra_diff_t *)1;
    assert_int_equal(ra_diff_compute(a.score, s, &d), RA_ERR_INVALID);
    assert_null(d);
    ra_diff_free(NULL);
    ra_score_free(s);
    ra_checklist_free(other);
    side_free(&a);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const want[] = {"regressed", "new-gap", "closed-gap", "improved",
                                       "added",     "removed", "unchanged"};
    for (int k = 0; k < RA_CHANGE_COUNT; k++)
        assert_string_equal(ra_change_name((ra_change_t)k), want[k]);
    assert_string_equal(ra_item_kind_name(RA_ITEM_SLIPPED), "slipped");
    assert_string_equal(ra_approval_change_name(RA_APPROVAL_ADDED), "added");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_change), cmocka_unit_test(test_profile_change),
        cmocka_unit_test(test_system_key),   cmocka_unit_test(test_other_checklist),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
