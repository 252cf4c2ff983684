/* test_score.c - the scoring methodology, case by case, with the arithmetic
 * written out. Uses tests/fixtures/mini-checklist.xml:
 *   profile basic  (rank 1): ready 70, conditional 50, no evidence rule, sign-off: owner
 *   profile strict (rank 2): ready 80, conditional 60, evidence required,
 *                            sign-off: owner + auditor, layer beta weighs 3
 *   layer alpha (weight 1): A-1 w3 basic GATE, A-2 w1 basic, A-3 w2 strict
 *   layer beta  (weight 2): B-1 w2 basic, B-2 w1 basic, B-3 w3 strict
 *   layer gamma (weight 1): G-1 w1 strict
 * Every record is assessed on 2026-06-01. */
#include "testutil.h"

#include <math.h>

#define EV "<evidence kind=\"ticket\" ref=\"T-1\"/>"
#define PASS(id) "<result check=\"" id "\" status=\"pass\"/>\n"
#define PASS_EV(id) "<result check=\"" id "\" status=\"pass\">" EV "</result>\n"
#define FAIL(id) "<result check=\"" id "\" status=\"fail\"/>\n"
#define PLAN "<remediation owner=\"Ops\" due=\"2026-07-01\">Fix it</remediation>"
#define OWNER_OK "<approval name=\"O\" role=\"owner\" decision=\"approved\" date=\"2026-06-01\"/>"
#define AUDITOR_OK \
    "<approval name=\"Au\" role=\"auditor\" decision=\"approved\" date=\"2026-06-02\"/>"
#define ALL_STRICT_EV PASS_EV("A-1") PASS_EV("A-2") PASS_EV("A-3") PASS_EV("B-1") PASS_EV("B-2")

/* Loads, checks and scores a record at the named profile (NULL: its own). */
static const ra_score_t *score_at(fixture_t *f, const char *profile, const char *at,
                                  const char *results, const char *signoff)
{
    ra_score_free(f->score);
    ra_record_free(f->rec);
    f->score = NULL;
    f->rec = NULL;
    capture_reset(&f->cap);
    build_record(&f->xml, "mini", "1", profile, results, signoff);
    assert_int_equal(ra_load_record_mem(f->loader, "t.xml", f->xml.data, f->xml.len, &f->rec),
                     RA_OK);
    assert_int_equal(ra_record_check(f->cl, f->rec, &f->cap.sink), RA_OK);
    long p = ra_checklist_find_profile(f->cl, at ? at : profile);
    assert_true(p >= 0);
    assert_int_equal(ra_score_compute(f->cl, f->rec, (size_t)p, &f->score), RA_OK);
    return f->score;
}

static const ra_score_t *score(fixture_t *f, const char *profile, const char *results,
                               const char *signoff)
{
    return score_at(f, profile, NULL, results, signoff);
}

#define assert_close(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static const ra_check_score_t *check(const ra_score_t *s, const char *id)
{
    for (size_t i = 0; i < s->nchecks; i++)
        if (strcmp(s->checks[i].check->id, id) == 0)
            return &s->checks[i];
    fail_msg("no check %s", id);
    return NULL;
}

/* All four basic checks pass: alpha 100, beta 100, gamma has no basic check
 * (n/a, left out of the mean): score (1*100 + 2*100) / 3 = 100. */
static void all_pass(void **state)
{
    const ra_score_t *s =
        score(*state, "basic", PASS("A-1") PASS("A-2") PASS("B-1") PASS("B-2"), OWNER_OK);
    assert_close(s->layers[0].score, 100);
    assert_close(s->layers[1].score, 100);
    assert_false(s->layers[2].has_score);
    assert_int_equal(s->layers[2].applicable, 0);
    assert_close(s->score, 100);
    assert_string_equal(s->band, "High");
    assert_int_equal(s->verdict, RA_VERDICT_READY);
    assert_int_equal(s->signoff, RA_SIGNOFF_SIGNED);
    assert_int_equal(s->applicable, 4);
    assert_int_equal(s->counts.pass, 4);
}

/* A-1 pass, A-2 fail, B-1 partial, B-2 pass, both gaps planned:
 * alpha = 100*(3*1 + 1*0)/(3+1) = 75; beta = 100*(2*0.5 + 1*1)/(2+1) = 66.666...
 * score = (1*75 + 2*66.666...)/3 = 208.333.../3 = 69.444...: below ready 70,
 * above conditional 50, every gap planned -> ready with conditions. */
static void partial_arithmetic(void **state)
{
    const ra_score_t *s = score(
        *state, "basic",
        PASS("A-1") "<result check=\"A-2\" status=\"fail\">" PLAN "</result>\n"
                    "<result check=\"B-1\" status=\"partial\">" PLAN "</result>\n" PASS("B-2"),
        OWNER_OK);
    assert_close(s->layers[0].score, 75);
    assert_close(s->layers[1].score, 200.0 / 3);
    assert_close(s->score, (75 + 400.0 / 3) / 3);
    char text[16];
    ra_score_format(true, s->score, text);
    assert_string_equal(text, "69.4");
    assert_string_equal(s->band, "Medium");
    assert_int_equal(s->verdict, RA_VERDICT_CONDITIONAL);
    assert_int_equal(s->gaps, 2);
    assert_int_equal(s->counts.partial, 1);
    assert_int_equal(s->counts.fail, 1);
}

/* Same numbers (69.444...) but B-1's gap has no plan: not every gap has a
 * remediation or accepted risk -> not ready, and the reason names B-1. */
static void unplanned_gap(void **state)
{
    const ra_score_t *s =
        score(*state, "basic",
              PASS("A-1") "<result check=\"A-2\" status=\"fail\">" PLAN "</result>\n"
                          "<result check=\"B-1\" status=\"partial\"/>\n" PASS("B-2"),
              OWNER_OK);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
    assert_non_null(strstr(ra_buf_str(&s->verdict_reason), "B-1"));
}

/* Gate A-1 fails: alpha = 100*(0 + 1)/4 = 25, beta 100, score (25 + 200)/3 = 75,
 * above ready 70, but a failed gate is not ready whatever the score. */
static void failed_gate(void **state)
{
    const ra_score_t *s =
        score(*state, "basic", FAIL("A-1") PASS("A-2") PASS("B-1") PASS("B-2"), OWNER_OK);
    assert_close(s->score, 75);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
    assert_int_equal(s->gates, 1);
    assert_int_equal(s->gates_passed, 0);
    assert_non_null(strstr(ra_buf_str(&s->verdict_reason), "A-1"));
}

/* A-2 not applicable leaves the denominator: alpha = 100*3/3 = 100;
 * B-2 fails (planned): beta = 100*2/3 = 66.666...; score (100 + 133.333...)/3
 * = 77.777...; the only gap weighs 1 -> ready. */
static void not_applicable(void **state)
{
    const ra_score_t *s =
        score(*state, "basic",
              PASS("A-1") "<result check=\"A-2\" status=\"not-applicable\"><justification>No "
                          "such thing here.</justification></result>\n" PASS(
                              "B-1") "<result check=\"B-2\" status=\"fail\">" PLAN "</result>\n",
              OWNER_OK);
    assert_close(s->layers[0].score, 100);
    assert_int_equal(s->layers[0].scored, 1);
    assert_int_equal(s->layers[0].applicable, 2);
    assert_close(s->score, (100 + 400.0 / 3) / 3);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
    assert_int_equal(s->counts.not_applicable, 1);
}

/* Every beta check not applicable: beta is n/a and leaves the mean, so the
 * score is alpha's alone: 100*(3 + 0)/4 = 75 >= 70; the gap A-2 weighs 1
 * and has a plan due after the assessment, so it is covered -> ready. (Each
 * justification has at least three words, the rule for every checklist.) */
static void layer_all_not_applicable(void **state)
{
    const ra_score_t *s =
        score(*state, "basic",
              PASS("A-1") "<result check=\"A-2\" status=\"fail\">" PLAN "</result>\n"
                          "<result check=\"B-1\" status=\"not-applicable\"><justification>No "
                          "model is hosted.</justification></result>\n"
                          "<result check=\"B-2\" status=\"not-applicable\"><justification>No "
                          "user data kept.</justification></result>\n",
              OWNER_OK);
    assert_false(s->layers[1].has_score);
    assert_close(s->score, 75);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
}

/* Only A-1 has a result: the three others are not assessed (credit 0).
 * alpha = 100*3/4 = 75, beta = 0, score = (75 + 0)/3 = 25 < 50 -> not ready. */
static void not_assessed(void **state)
{
    const ra_score_t *s = score(*state, "basic", PASS("A-1"), OWNER_OK);
    assert_close(s->score, 25);
    assert_int_equal(s->counts.not_assessed, 3);
    assert_int_equal(s->gaps, 3);
    assert_string_equal(s->band, "Low");
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
}

/* Strict requires evidence. A-2 passes without any: credited 0.5 and a gap.
 * alpha = 100*(3 + 0.5 + 2)/6 = 91.666..., beta 100, gamma 100; weights
 * alpha 1, beta 3 (override), gamma 1: (91.666... + 300 + 100)/5 = 98.333...
 * The gap is not covered (no plan, no accepted risk), and Ready needs every
 * gap covered -> not ready. With a plan for A-2 it is covered, and as it
 * weighs 1 no accepted risk is needed -> ready. */
static void evidence_required(void **state)
{
    const ra_score_t *s = score(*state, "strict",
                                PASS_EV("A-1") PASS("A-2") PASS_EV("A-3") PASS_EV("B-1")
                                    PASS_EV("B-2") PASS_EV("B-3") PASS_EV("G-1"),
                                OWNER_OK AUDITOR_OK);
    const ra_check_score_t *a2 = check(s, "A-2");
    assert_true(a2->unevidenced);
    assert_true(a2->gap);
    assert_false(a2->covered);
    assert_close(a2->credit, 0.5);
    assert_close(s->layers[0].score, 550.0 / 6);
    assert_close(s->score, (550.0 / 6 + 400) / 5);
    assert_int_equal(s->counts.unevidenced, 1);
    assert_int_equal(s->counts.partial, 1);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
    assert_string_equal(ra_buf_str(&s->verdict_reason),
                        "Gap A-2 has neither a remediation plan (owner and due date) nor an "
                        "unexpired risk acceptance.");
    s = score(*state, "strict",
              PASS_EV("A-1") "<result check=\"A-2\" status=\"pass\">" PLAN
                             "</result>\n" PASS_EV("A-3") PASS_EV("B-1") PASS_EV("B-2")
                                 PASS_EV("B-3") PASS_EV("G-1"),
              OWNER_OK AUDITOR_OK);
    assert_true(check(s, "A-2")->covered);
    assert_close(s->score, (550.0 / 6 + 400) / 5);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
}

/* The gate A-1 passes without evidence under strict: it is not a credited
 * pass, so the verdict is not ready. */
static void evidence_required_gate(void **state)
{
    const ra_score_t *s = score(*state, "strict",
                                PASS("A-1") PASS_EV("A-2") PASS_EV("A-3") PASS_EV("B-1")
                                    PASS_EV("B-2") PASS_EV("B-3") PASS_EV("G-1"),
                                OWNER_OK AUDITOR_OK);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
    assert_string_equal(
        ra_buf_str(&s->verdict_reason),
        "Gate check A-1 (Check A-1) passes without the evidence this profile requires.");
}

/* B-3 (weight 3) partial: beta = 100*(2 + 1 + 1.5)/6 = 75; score =
 * (100 + 3*75 + 100)/5 = 85 >= 80. Its risk acceptance expires on the
 * assessment date itself: still unexpired -> ready. */
static void risk_unexpired(void **state)
{
    const ra_score_t *s =
        score(*state, "strict",
              ALL_STRICT_EV
              "<result check=\"B-3\" status=\"partial\">" EV
              "<risk-acceptance by=\"CRO\" role=\"auditor\" date=\"2026-05-01\" "
              "expires=\"2026-06-01\">Accepted.</risk-acceptance></result>\n" PASS_EV("G-1"),
              OWNER_OK AUDITOR_OK);
    assert_close(s->score, 85);
    assert_true(check(s, "B-3")->risk_accepted);
    assert_int_equal(s->risks_accepted, 1);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
}

/* The same acceptance expired the day before: the weight-3 gap is open, so
 * not ready for "ready"; it has no remediation either, so not conditional. */
static void risk_expired(void **state)
{
    const ra_score_t *s =
        score(*state, "strict",
              ALL_STRICT_EV
              "<result check=\"B-3\" status=\"partial\">" EV
              "<risk-acceptance by=\"CRO\" role=\"auditor\" date=\"2026-05-01\" "
              "expires=\"2026-05-31\">Accepted.</risk-acceptance></result>\n" PASS_EV("G-1"),
              OWNER_OK AUDITOR_OK);
    assert_true(check(s, "B-3")->risk_expired);
    assert_int_equal(s->risks_expired, 1);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
}

/* Expired acceptance but a remediation plan: score 85 >= 80 yet a weight-3
 * gap is uncovered -> ready with conditions. */
static void weight3_gap_planned(void **state)
{
    const ra_score_t *s = score(*state, "strict",
                                ALL_STRICT_EV "<result check=\"B-3\" status=\"partial\">" EV PLAN
                                              "</result>\n" PASS_EV("G-1"),
                                OWNER_OK AUDITOR_OK);
    assert_close(s->score, 85);
    assert_int_equal(s->verdict, RA_VERDICT_CONDITIONAL);
}

/* Exactly on the threshold: all strict checks pass with evidence but G-1
 * fails (planned, weight 1): alpha 100, beta 100, gamma 0:
 * (100 + 300 + 0)/5 = 80 = ready. */
static void exactly_on_threshold(void **state)
{
    const ra_score_t *s = score(*state, "strict",
                                ALL_STRICT_EV PASS_EV("B-3") "<result check=\"G-1\" "
                                                             "status=\"fail\">" PLAN "</result>\n",
                                OWNER_OK AUDITOR_OK);
    assert_true(s->score == 80);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
    assert_string_equal(s->band, "High");
}

/* Re-scoring at another profile with the layer-weight override.
 * At basic: alpha = 100*(3 + 0)/4 = 75, beta = 100*(2 + 1)/3 = 100:
 *   (75 + 2*100)/3 = 91.666...
 * At strict (A-3, B-3, G-1 missing = not assessed): alpha = 100*3/6 = 50,
 *   beta = 100*(2 + 1 + 0)/6 = 50, gamma 0: (50 + 3*50 + 0)/5 = 40. */
static void profile_override(void **state)
{
    const char *results = PASS_EV("A-1") FAIL("A-2") PASS_EV("B-1") PASS_EV("B-2");
    const ra_score_t *s = score_at(*state, "strict", "basic", results, OWNER_OK);
    assert_close(s->score, 275.0 / 3);
    assert_close(s->layers[1].weight, 2);
    s = score_at(*state, "strict", "strict", results, OWNER_OK);
    assert_close(s->layers[1].weight, 3);
    assert_close(s->score, 40);
    assert_int_equal(s->counts.not_assessed, 3);
}

/* An approval dated before the assessment does not count: draft, flagged. */
static void early_approval(void **state)
{
    const ra_score_t *s =
        score(*state, "basic", PASS("A-1") PASS("A-2") PASS("B-1") PASS("B-2"),
              "<approval name=\"O\" role=\"owner\" decision=\"approved\" date=\"2026-05-31\"/>");
    assert_int_equal(s->signoff, RA_SIGNOFF_DRAFT);
    assert_true(s->approvals[0].early);
    assert_int_equal(s->roles[0].state, RA_ROLE_MISSING);
    assert_int_equal(s->verdict, RA_VERDICT_READY); /* the verdict is separate */
}

/* One rejection among approvals makes the sign-off rejected. */
static void rejection(void **state)
{
    const ra_score_t *s =
        score(*state, "strict", ALL_STRICT_EV PASS_EV("B-3") PASS_EV("G-1"),
              OWNER_OK "<approval name=\"Au\" role=\"auditor\" decision=\"rejected\" "
                       "date=\"2026-06-02\">No.</approval>");
    assert_int_equal(s->signoff, RA_SIGNOFF_REJECTED);
    assert_int_equal(s->roles[0].state, RA_ROLE_MET);
    assert_int_equal(s->roles[1].state, RA_ROLE_REJECTED);
}

/* Strict needs owner and auditor: owner alone is a draft with auditor
 * missing; an approval with conditions counts. */
static void required_roles(void **state)
{
    const ra_score_t *s =
        score(*state, "strict", ALL_STRICT_EV PASS_EV("B-3") PASS_EV("G-1"), OWNER_OK);
    assert_int_equal(s->signoff, RA_SIGNOFF_DRAFT);
    assert_int_equal(s->roles[1].state, RA_ROLE_MISSING);
    s = score(*state, "strict", ALL_STRICT_EV PASS_EV("B-3") PASS_EV("G-1"),
              OWNER_OK
              "<approval name=\"Au\" role=\"auditor\" decision=\"approved-with-conditions\" "
              "date=\"2026-06-01\">Fine<condition>Review in Q3</condition></approval>");
    assert_int_equal(s->signoff, RA_SIGNOFF_SIGNED);
    assert_int_equal(s->approvals[1].approval->nconditions, 1);
    assert_string_equal(s->approvals[1].approval->conditions[0], "Review in Q3");
    assert_string_equal(s->approvals[1].approval->comment, "Fine");
}

/* No approval at all: draft. */
static void unsigned_draft(void **state)
{
    const ra_score_t *s = score(*state, "basic", PASS("A-1"), "");
    assert_int_equal(s->signoff, RA_SIGNOFF_DRAFT);
    assert_int_equal(s->napprovals, 0);
}

/* Overdue is a due date before the assessment date; on the date is not. */
static void overdue(void **state)
{
    const ra_score_t *s =
        score(*state, "basic",
              PASS("A-1") "<result check=\"A-2\" status=\"fail\"><remediation owner=\"X\" "
                          "due=\"2026-05-31\">a</remediation></result>\n"
                          "<result check=\"B-1\" status=\"fail\"><remediation owner=\"Y\" "
                          "due=\"2026-06-01\">b</remediation></result>\n",
              OWNER_OK);
    assert_true(check(s, "A-2")->overdue);
    assert_false(check(s, "B-1")->overdue);
    assert_int_equal(s->overdue, 1);
}

/* One-decimal display rounds half up, without the locale. */
static void score_format(void **state)
{
    (void)state;
    char t[16];
    ra_score_format(true, 77.77777777, t);
    assert_string_equal(t, "77.8");
    ra_score_format(true, 100, t);
    assert_string_equal(t, "100.0");
    ra_score_format(true, 0.05, t);
    assert_string_equal(t, "0.1");
    ra_score_format(true, 84.95, t);
    assert_string_equal(t, "85.0");
    ra_score_format(false, 0, t);
    assert_string_equal(t, "n/a");
}

/* Gaps by priority: gate first, then weight. */
static void gap_priority(void **state)
{
    const ra_score_t *s =
        score(*state, "basic", FAIL("A-1") FAIL("A-2") FAIL("B-1") PASS("B-2"), OWNER_OK);
    size_t idx[8];
    size_t n = ra_score_gaps_by_priority(s, idx, 8);
    assert_int_equal(n, 3);
    assert_string_equal(s->checks[idx[0]].check->id, "A-1");
    assert_string_equal(s->checks[idx[1]].check->id, "B-1");
    assert_string_equal(s->checks[idx[2]].check->id, "A-2");
}

/* The profile ladder of one strict record: A-1, B-1, B-3 pass with
 * evidence, A-2 passes without, A-3 fails and B-2 is partial (both
 * planned), G-1 has no result.
 * basic (4 applicable; no evidence rule, so A-2 is a full pass):
 *   alpha = 100*(3*1 + 1*1)/4 = 100; beta = 100*(2*1 + 1*0.5)/3 = 83.333...
 *   score = (1*100 + 2*83.333...)/3 = 88.888...; one gap (B-2, planned),
 *   above ready 70 with no weight-3 gap -> ready.
 * strict (7 applicable; A-2 unevidenced: 0.5 and a gap):
 *   alpha = 100*(3*1 + 1*0.5 + 2*0)/6 = 58.333...;
 *   beta = 100*(2*1 + 1*0.5 + 3*1)/6 = 91.666...; gamma = 0 (G-1 not assessed)
 *   score = (1*58.333... + 3*91.666... + 1*0)/5 = 66.666...; gaps,
 *   B-2, G-1; above conditional 60 but A-2 has no plan -> not ready. */
static void ladder(void **state)
{
    fixture_t *f = *state;
    score(f, "strict",
          PASS_EV("A-1") PASS("A-2") "<result check=\"A-3\" status=\"fail\">" PLAN
                                     "</result>\n" PASS_EV(
                                         "B-1") "<result check=\"B-2\" status=\"partial\">" PLAN
                                                "</result>\n" PASS_EV("B-3"),
          OWNER_OK AUDITOR_OK);
    ra_rung_t *rungs = NULL;
    assert_int_equal(ra_score_ladder(f->cl, f->rec, &rungs), RA_OK);
    assert_int_equal(f->cl->nprofiles, 2);
    assert_string_equal(rungs[0].profile->id, "basic");
    assert_int_equal(rungs[0].applicable, 4);
    assert_int_equal(rungs[0].gaps, 1);
    assert_true(rungs[0].has_score);
    assert_close(rungs[0].score, (100 + 500.0 / 3) / 3);
    assert_int_equal(rungs[0].verdict, RA_VERDICT_READY);
    assert_string_equal(rungs[1].profile->id, "strict");
    assert_int_equal(rungs[1].applicable, 7);
    assert_int_equal(rungs[1].gaps, 4);
    assert_true(rungs[1].has_score);
    assert_close(rungs[1].score, (350.0 / 6 + 3 * 550.0 / 6) / 5);
    assert_int_equal(rungs[1].verdict, RA_VERDICT_NOT_READY);
    char text[16];
    ra_score_format(true, rungs[0].score, text);
    assert_string_equal(text, "88.9");
    ra_score_format(true, rungs[1].score, text);
    assert_string_equal(text, "66.7");
    /* The rung at the record's own profile is its score. */
    assert_close(rungs[1].score, f->score->score);
    free(rungs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_pass),
        cmocka_unit_test(partial_arithmetic),
        cmocka_unit_test(unplanned_gap),
        cmocka_unit_test(failed_gate),
        cmocka_unit_test(not_applicable),
        cmocka_unit_test(layer_all_not_applicable),
        cmocka_unit_test(not_assessed),
        cmocka_unit_test(evidence_required),
        cmocka_unit_test(evidence_required_gate),
        cmocka_unit_test(risk_unexpired),
        cmocka_unit_test(risk_expired),
        cmocka_unit_test(weight3_gap_planned),
        cmocka_unit_test(exactly_on_threshold),
        cmocka_unit_test(profile_override),
        cmocka_unit_test(early_approval),
        cmocka_unit_test(rejection),
        cmocka_unit_test(required_roles),
        cmocka_unit_test(unsigned_draft),
        cmocka_unit_test(overdue),
        cmocka_unit_test(score_format),
        cmocka_unit_test(gap_priority),
        cmocka_unit_test(ladder),
    };
    return cmocka_run_group_tests_name("score", tests, fixture_setup, fixture_teardown);
}
