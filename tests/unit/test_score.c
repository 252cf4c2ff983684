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
    build_record(&f->xml, f->cl->id, f->cl->version, profile, results, signoff);
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

/* ------------------------------------------------------------------
 * Governance rules (issue 12), over tests/fixtures/policy-checklist.xml:
 * the mini checklist plus G-2 (weight 3, strict), where basic requires no
 * sign-off and has no policy, and strict has distinct and independent
 * approvers, a 30-day approval window, max-not-applicable 0.25, acceptances
 * of at most 180 days, and risk authority: weight 2 owner or auditor,
 * weight 3 (or more) auditor only. Strict's applicable weight is
 * 3+1+2 (alpha) + 2+1+3 (beta) + 1+3 (gamma) = 16. */

/* cmocka group set-up for the governance tests: loads the policy checklist. */
static int policy_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    capture_init(&f->cap);
    if (ra_loader_new(".", &f->cap.sink, &f->loader) != RA_OK ||
        ra_load_checklist(f->loader, "tests/fixtures/policy-checklist.xml", &f->cl) != RA_OK) {
        fprintf(stderr, "%s", ra_buf_str(&f->cap.text));
        return -1;
    }
    *state = f;
    return 0;
}

/* The text of the only finding of rule r, or NULL when there is none; fails
 * when there are several. */
static const char *finding(const ra_score_t *s, ra_rule_t r)
{
    const char *text = NULL;
    for (size_t i = 0; i < s->nfindings; i++)
        if (s->findings[i].rule == r) {
            if (text)
                fail_msg("more than one %s finding", ra_rule_name(r));
            text = ra_buf_str(&s->findings[i].text);
        }
    return text;
}

/* Every strict check passes with evidence, except those given after it. */
#define STRICT_REST PASS_EV("G-1") PASS_EV("G-2")
#define APPROVAL(name, email, role)                     \
    "<approval name=\"" name "\"" email " role=\"" role \
    "\" decision=\"approved\" date=\"2026-06-02\"/>"

/* Scores the all-pass strict record (score 100) approved as owner by n1
 * and as auditor by n2 (e1, e2: an email attribute or ""), and returns
 * whether the two count as one person: the auditor's approval then does
 * not count (distinct-approvers) and the sign-off is Draft. */
static bool one_person(fixture_t *f, const char *n1, const char *e1, const char *n2, const char *e2)
{
    ra_buf_t signoff = RA_BUF_INIT;
    ra_buf_printf(&signoff,
                  "<approval name=\"%s\"%s role=\"owner\" decision=\"approved\" "
                  "date=\"2026-06-01\"/><approval name=\"%s\"%s role=\"auditor\" "
                  "decision=\"approved\" date=\"2026-06-02\"/>",
                  n1, e1, n2, e2);
    const ra_score_t *s =
        score(f, "strict", ALL_STRICT_EV PASS_EV("B-3") STRICT_REST, ra_buf_str(&signoff));
    ra_buf_free(&signoff);
    assert_close(s->score, 100);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
    assert_int_equal(s->roles[0].state, RA_ROLE_MET); /* owner: the first approval */
    bool same = s->approvals[1].duplicate;
    assert_int_equal(s->roles[1].state, same ? RA_ROLE_MISSING : RA_ROLE_MET);
    assert_int_equal(s->signoff, same ? RA_SIGNOFF_DRAFT : RA_SIGNOFF_SIGNED);
    assert_int_equal(finding(s, RA_RULE_DISTINCT) != NULL, same);
    return same;
}

/* People are compared by their NFC, case-folded, whitespace-collapsed name
 * with format characters removed: each of these pairs is one person, so
 * under distinct-approvers the second approval does not count. */
static void people_same_name(void **state)
{
    fixture_t *f = *state;
    assert_false(one_person(f, "Jane Doe", "", "John Doe", ""));       /* the control: two people */
    assert_true(one_person(f, "Jane Doe", "", "jANE dOE", ""));        /* case */
    assert_true(one_person(f, "Jane Doe", "", "  Jane \t  Doe ", "")); /* spaces */
    assert_true(one_person(f, "Jane Doe", "", "Ja\xE2\x80\x8Bne Doe", "")); /* U+200B */
    /* "José" with é as U+00E9 (NFC) and as e + U+0301 (decomposed). */
    assert_true(one_person(f, "Jos\xC3\xA9 Ruiz", "", "Jose\xCC\x81 Ruiz", ""));
    assert_string_equal(finding(f->score, RA_RULE_DISTINCT),
                        "One person cannot hold two required roles: Jose\xCC\x81 Ruiz already "
                        "approves as Owner, so the approval as Auditor does not count.");
}

/* E-mail addresses only add matches: two entries are one person when their
 * names match OR both give the same address (ASCII case ignored). So the
 * same name with two different addresses is still one person (an address
 * never separates equal names), and two names with one address are one. */
static void people_email(void **state)
{
    fixture_t *f = *state;
    assert_true(one_person(f, "Jane Doe", " email=\"jane@a.example\"", "Jane Doe",
                           " email=\"jane@b.example\""));
    assert_true(one_person(f, "Jane Doe", " email=\"jd@a.example\"", "J. Smith",
                           " email=\"JD@A.example\""));
    assert_false(one_person(f, "Jane Doe", " email=\"jd@a.example\"", "J. Smith",
                            " email=\"js@a.example\""));
}

/* An approver who is the assessor "A" (here "a") is not independent. */
static void people_assessor(void **state)
{
    const ra_score_t *s = score(*state, "strict", ALL_STRICT_EV PASS_EV("B-3") STRICT_REST,
                                APPROVAL("Olga", "", "owner") APPROVAL("a", "", "auditor"));
    assert_int_equal(s->roles[1].state, RA_ROLE_MISSING);
    assert_true(s->approvals[1].assessor);
    assert_int_equal(s->signoff, RA_SIGNOFF_DRAFT);
    assert_string_equal(finding(s, RA_RULE_INDEPENDENT),
                        "Approval by an assessor is not independent: a approves as Auditor and "
                        "is an assessor of the record, so the approval does not count.");
}

#define SIGNED APPROVAL("Olga", "", "owner") APPROVAL("Udo", "", "auditor")

/* Risk authority: B-1 (weight 2, tier 2: owner or auditor) partial and B-3
 * (weight 3, tier 3: auditor only) fail, both accepted by Oscar as owner
 * for 133 days (2026-05-20 to 2026-09-30, under the 180-day cap).
 * alpha = 100; beta = 100*(2*0.5 + 1*1 + 3*0)/6 = 33.333...; gamma = 100;
 * score = (1*100 + 3*33.333... + 1*100)/5 = 300/5 = 60, the conditional
 * threshold, but B-3's acceptance is by a role allowed only up to weight 2:
 * it does not cover the gap, which has no remediation -> Not ready. B-1's
 * acceptance is within the owner's authority and covers it. */
static void risk_authority_tier(void **state)
{
#define OSCAR                                                                                  \
    "<risk-acceptance by=\"Oscar\" role=\"owner\" date=\"2026-05-20\" expires=\"2026-09-30\">" \
    "Accepted until the next release.</risk-acceptance>"
    const ra_score_t *s =
        score(*state, "strict",
              PASS_EV("A-1") PASS_EV("A-2")
                  PASS_EV("A-3") "<result check=\"B-1\" "
                                 "status=\"partial\">" EV OSCAR
                                 "</result>\n" PASS_EV("B-2") "<result check=\"B-3\" "
                                                              "status=\"fail\">" OSCAR
                                                              "</result>\n" STRICT_REST,
              SIGNED);
#undef OSCAR
    assert_close(s->layers[1].score, 100.0 / 3);
    assert_close(s->score, 60);
    assert_true(check(s, "B-1")->risk_accepted);
    assert_true(check(s, "B-1")->covered);
    assert_false(check(s, "B-1")->risk_unauthorised);
    assert_true(check(s, "B-3")->risk_unauthorised);
    assert_false(check(s, "B-3")->risk_accepted);
    assert_false(check(s, "B-3")->covered);
    assert_int_equal(s->risks_accepted, 1);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
    assert_string_equal(ra_buf_str(&s->verdict_reason),
                        "Gap B-3 is not covered: its risk acceptance was given without the "
                        "authority to accept it.");
    assert_string_equal(finding(s, RA_RULE_AUTHORITY),
                        "Oscar (Owner) has no authority to accept the risk of B-3 (weight 3): "
                        "only Auditor may, so the acceptance does not cover the gap.");
    assert_int_equal(s->signoff, RA_SIGNOFF_SIGNED);
}

/* Acceptance term: B-3 fails, accepted by the auditor from 2026-05-20.
 * beta = 100*(2 + 1 + 0)/6 = 50; score = (100 + 3*50 + 100)/5 = 70, between
 * conditional 60 and ready 80. Until 2026-11-17 is 11+30+31+31+30+31+17 =
 * 181 days, one over the 180-day cap: not covered -> Not ready. Until
 * 2026-11-16 (180 days, at the cap) it covers the weight-3 gap -> Ready
 * with conditions (70 < 80). */
static void risk_term(void **state)
{
#define B3_ACCEPTED(until)                                                                  \
    "<result check=\"B-3\" status=\"fail\"><risk-acceptance by=\"Carla\" role=\"auditor\" " \
    "date=\"2026-05-20\" expires=\"" until "\">Accepted for now.</risk-acceptance></result>\n"
    const ra_score_t *s =
        score(*state, "strict", ALL_STRICT_EV B3_ACCEPTED("2026-11-17") STRICT_REST, SIGNED);
    assert_close(s->score, 70);
    assert_true(check(s, "B-3")->risk_too_long);
    assert_false(check(s, "B-3")->covered);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
    assert_string_equal(ra_buf_str(&s->verdict_reason),
                        "Gap B-3 is not covered: its risk acceptance runs longer than the profile "
                        "allows.");
    assert_string_equal(finding(s, RA_RULE_TERM),
                        "The risk acceptance of B-3 runs 181 days (2026-05-20 to 2026-11-17), "
                        "longer than the 180 days the profile allows, so it does not cover the "
                        "gap.");

    s = score(*state, "strict", ALL_STRICT_EV B3_ACCEPTED("2026-11-16") STRICT_REST, SIGNED);
#undef B3_ACCEPTED
    assert_close(s->score, 70);
    assert_false(check(s, "B-3")->risk_too_long);
    assert_true(check(s, "B-3")->risk_accepted);
    assert_null(finding(s, RA_RULE_TERM));
    assert_int_equal(s->verdict, RA_VERDICT_CONDITIONAL);
}

#define NA(id)                                                                             \
    "<result check=\"" id "\" status=\"not-applicable\"><justification>No such component " \
    "here.</justification></result>\n"

/* max-not-applicable 0.25 of the applicable weight 16 is 4. A-3 (2) and
 * B-1 (2) not applicable: 4 of 16 = 25%, exactly at the cap, not above it.
 * The rest pass with evidence: alpha (A-1, A-2) = 100, beta (B-2, B-3) =
 * 100, gamma = 100, score 100 -> Ready, and no max-not-applicable finding. */
static void not_applicable_at_cap(void **state)
{
    const ra_score_t *s = score(*state, "strict",
                                PASS_EV("A-1") PASS_EV("A-2") NA("A-3") NA("B-1") PASS_EV("B-2")
                                    PASS_EV("B-3") STRICT_REST,
                                SIGNED);
    assert_int_equal(s->applicable_weight, 16);
    assert_int_equal(s->not_applicable_weight, 4);
    assert_false(s->not_applicable_over_cap);
    assert_close(s->score, 100);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
    assert_null(finding(s, RA_RULE_MAX_NA));
}

/* B-2 (1) not applicable as well: 5 of 16 = 31.25%, above 25% -> Not
 * ready though the score is still 100 (beta = B-3 alone, 100). The share
 * shows with one decimal, halves up: 31.3%. */
static void not_applicable_over_cap(void **state)
{
    const ra_score_t *s = score(*state, "strict",
                                PASS_EV("A-1") PASS_EV("A-2") NA("A-3") NA("B-1") NA("B-2")
                                    PASS_EV("B-3") STRICT_REST,
                                SIGNED);
    assert_int_equal(s->not_applicable_weight, 5);
    assert_true(s->not_applicable_over_cap);
    assert_close(s->score, 100);
    assert_int_equal(s->verdict, RA_VERDICT_NOT_READY);
    assert_string_equal(ra_buf_str(&s->verdict_reason),
                        "3 of 8 applicable checks are not applicable, 31.3% of the applicable "
                        "weight, above the profile's cap of 25.0% (max-not-applicable).");
    assert_string_equal(finding(s, RA_RULE_MAX_NA),
                        "Not applicable: 3 of 8 applicable checks, weight 5 of 16 (31.3%), above "
                        "the cap of 25.0% of the applicable weight; the record is Not ready.");
}

/* basic requires no role: with no approval the sign-off is not-required
 * (not Signed off, not Draft); a rejection still rejects. The four basic
 * checks pass: (100 + 2*100)/3 = 100, Ready. */
static void not_required_signoff(void **state)
{
    const ra_score_t *s =
        score(*state, "basic", PASS("A-1") PASS("A-2") PASS("B-1") PASS("B-2"), "");
    assert_close(s->score, 100);
    assert_int_equal(s->verdict, RA_VERDICT_READY);
    assert_int_equal(s->nroles, 0);
    assert_int_equal(s->signoff, RA_SIGNOFF_NOT_REQUIRED);
    assert_string_equal(ra_signoff_name(s->signoff), "not-required");
    assert_string_equal(ra_signoff_label(s->signoff), "Not required");
    assert_int_equal(s->nfindings, 0);

    s = score(*state, "basic", PASS("A-1") PASS("A-2") PASS("B-1") PASS("B-2"),
              "<approval name=\"Olga\" role=\"owner\" decision=\"rejected\" "
              "date=\"2026-06-02\"/>");
    assert_int_equal(s->signoff, RA_SIGNOFF_REJECTED);
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
    const struct CMUnitTest governance[] = {
        cmocka_unit_test(people_same_name),
        cmocka_unit_test(people_email),
        cmocka_unit_test(people_assessor),
        cmocka_unit_test(risk_authority_tier),
        cmocka_unit_test(risk_term),
        cmocka_unit_test(not_applicable_at_cap),
        cmocka_unit_test(not_applicable_over_cap),
        cmocka_unit_test(not_required_signoff),
    };
    int failed = cmocka_run_group_tests_name("score", tests, fixture_setup, fixture_teardown);
    return failed +
           cmocka_run_group_tests_name("governance", governance, policy_setup, fixture_teardown);
}
