/* test_vec.c - the growable array helper (src/base/vec.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "base/vec.h"

/* Capacities double from the first one: 4, 8, 16; values survive growth. */
static void test_grows_by_doubling(void **state)
{
    (void)state;
    int *v = NULL;
    size_t n = 0, cap = 0;
    size_t seen[3] = {0}, k = 0;
    for (int i = 0; i < 13; i++) {
        assert_int_equal(RA_VEC_RESERVE(v, n, cap, 4), RA_OK);
        if (k == 0 || seen[k - 1] != cap)
            seen[k++] = cap;
        v[n++] = i * 7;
    }
    assert_int_equal(k, 3);
    assert_int_equal(seen[0], 4);
    assert_int_equal(seen[1], 8);
    assert_int_equal(seen[2], 16);
    for (int i = 0; i < 13; i++)
        assert_int_equal(v[i], i * 7);
    free(v);
}

/* Room left: nothing moves, the capacity stays. */
static void test_no_growth_when_room(void **state)
{
    (void)state;
    double *v = NULL;
    size_t cap = 0;
    assert_int_equal(RA_VEC_RESERVE(v, 0, cap, 8), RA_OK);
    double *before = v;
    assert_int_equal(RA_VEC_RESERVE(v, 7, cap, 8), RA_OK);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 8);
    free(v);
}

/* A capacity whose doubling overflows size_t is refused, array untouched. */
static void test_overflow_refused(void **state)
{
    (void)state;
    char *v = malloc(1);
    assert_non_null(v);
    char *before = v;
    size_t cap = SIZE_MAX / 2 + 1;
    assert_int_equal(ra_vec_reserve(&v, cap, &cap, 1, 1), RA_ERR_NOMEM);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, SIZE_MAX / 2 + 1);
    /* elements so large that cap * size overflows */
    size_t cap2 = 4;
    assert_int_equal(ra_vec_reserve(&v, 4, &cap2, SIZE_MAX / 4, 1), RA_ERR_NOMEM);
    assert_int_equal(cap2, 4);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_by_doubling),
        cmocka_unit_test(test_no_growth_when_room),
        cmocka_unit_test(test_overflow_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
