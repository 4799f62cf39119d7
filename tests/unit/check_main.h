/* check_main.h -- the main() every Check suite shares: run, report, exit status */
#ifndef ACTIV_TEST_CHECK_MAIN_H
#define ACTIV_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

/* Runs suite s (CK_FORK as the environment says: each test in its own process by default),
 * prints Check's summary, and returns the exit status: failure when any test failed. */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
