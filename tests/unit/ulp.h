/* ulp.h -- distance in units in the last place between doubles, and a Check assertion */
#ifndef ACTIV_TEST_ULP_H
#define ACTIV_TEST_ULP_H

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Maps a double to an integer that orders like the double, with +0 and -0 both at 0, so the
 * difference of two images counts the doubles between them. */
static inline int64_t ulp_ordinal(double x)
{
    int64_t i;
    memcpy(&i, &x, sizeof i);
    return i < 0 ? INT64_MIN - i : i;
}

/* Doubles between a and b (0 when equal, +0 vs -0 included); UINT64_MAX when either is
 * NaN or only one is infinite. */
static inline uint64_t ulp_distance(double a, double b)
{
    if (isnan(a) || isnan(b))
        return UINT64_MAX;
    if (a == b)
        return 0;
    if (isinf(a) || isinf(b))
        return UINT64_MAX;
    int64_t ia = ulp_ordinal(a), ib = ulp_ordinal(b);
    return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}

#define ck_assert_ulp_le(got, want, n)                                                             \
    do {                                                                                           \
        double got_ = (got), want_ = (want);                                                       \
        uint64_t d_ = ulp_distance(got_, want_);                                                   \
        ck_assert_msg(d_ <= (uint64_t)(n), "%s = %a (%.17g), want %a (%.17g): %llu ulp > %d",      \
                      #got, got_, got_, want_, want_, (unsigned long long)d_, (int)(n));           \
    } while (0)

#endif
