/* test_roots.c -- the series about derivative roots against mpmath reference values */
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/core/roots.h"
#include "check_main.h"
#include "roots_ref.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Maps a double to an integer that orders like the double, with +0 and -0 both at 0, so
 * that the distance between two values is their difference. */
static int64_t ordered(double d)
{
    int64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return bits < 0 ? INT64_MIN - bits : bits;
}

/* Number of doubles from a to b (0 if equal, +0 and -0 included); UINT64_MAX for NaN. */
static uint64_t ulp_distance(double a, double b)
{
    if (isnan(a) || isnan(b))
        return UINT64_MAX;
    int64_t ia = ordered(a);
    int64_t ib = ordered(b);
    return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}

/* The four functions behind one signature; dx is the silu argument's low part. */
static bool gelu(double x, double dx, double *out)
{
    (void)dx;
    return activ_roots_gelu_grad(x, out);
}

static bool gelu_tanh(double x, double dx, double *out)
{
    (void)dx;
    return activ_roots_gelu_tanh_grad(x, out);
}

static bool silu(double u, double du, double *out)
{
    return activ_roots_silu_g(u, du, out);
}

static bool mish(double x, double dx, double *out)
{
    (void)dx;
    return activ_roots_mish_grad(x, out);
}

typedef struct family {
    const char *name;
    bool (*fn)(double x, double dx, double *out);
    double lo, hi; /* the window, from roots.h */
    const roots_ref *ref;
    size_t count;
    bool takes_dx;
} family;

enum { GELU, GELU_TANH, SILU, MISH };

static const family families[] = {
    [GELU] = {"gelu_grad", gelu, -1.6, -0.2, gelu_ref, COUNT(gelu_ref), false},
    [GELU_TANH] = {"gelu_tanh_grad", gelu_tanh, -1.6, -0.2, gelu_tanh_ref, COUNT(gelu_tanh_ref),
                   false},
    [SILU] = {"silu_g", silu, -2.5, -0.5, silu_ref, COUNT(silu_ref), true},
    [MISH] = {"mish_grad", mish, -2.2, -0.4, mish_ref, COUNT(mish_ref), false},
};

#define MAX_ULP 1

static void check_reference(const family *fam, size_t i)
{
    const roots_ref *r = &fam->ref[i];
    ck_assert(fam->takes_dx || r->dx == 0.0);
    double got = 0.0;
    ck_assert_msg(fam->fn(r->x, r->dx, &got), "%s(%a) outside its window", fam->name, r->x);
    uint64_t d = ulp_distance(got, r->want);
    ck_assert_msg(d <= MAX_ULP, "%s(%a + %a) = %a, want %a (%llu ulp)", fam->name, r->x, r->dx, got,
                  r->want, (unsigned long long)d);
}

/* Just outside either end of the window, well outside it, and at non-finite x: the function
 * returns false and leaves *out alone. */
static void check_outside(const family *fam, int i)
{
    const double outside[] = {
        nextafter(fam->lo, -HUGE_VAL),
        nextafter(fam->hi, HUGE_VAL),
        fam->lo - 1.0,
        fam->hi + 1.0,
        0.0,
        -HUGE_VAL,
        HUGE_VAL,
        nan(""),
    };
    double out = 42.0;
    ck_assert_int_lt(i, (int)COUNT(outside));
    ck_assert_msg(!fam->fn(outside[i], 0.0, &out), "%s(%a) accepted", fam->name, outside[i]);
    ck_assert(out == 42.0);
}

/* The window ends themselves are inside. */
static void check_ends(const family *fam)
{
    double out = 0.0;
    ck_assert(fam->fn(fam->lo, 0.0, &out));
    ck_assert(isfinite(out));
    out = 0.0;
    ck_assert(fam->fn(fam->hi, 0.0, &out));
    ck_assert(isfinite(out));
}

#define OUTSIDE_CASES 8

START_TEST(gelu_grad_within_1ulp_of_reference)
{
    check_reference(&families[GELU], (size_t)_i);
}
END_TEST

START_TEST(gelu_grad_false_outside_window)
{
    check_outside(&families[GELU], _i);
}
END_TEST

START_TEST(gelu_grad_true_at_window_ends)
{
    check_ends(&families[GELU]);
}
END_TEST

START_TEST(gelu_tanh_grad_within_1ulp_of_reference)
{
    check_reference(&families[GELU_TANH], (size_t)_i);
}
END_TEST

START_TEST(gelu_tanh_grad_false_outside_window)
{
    check_outside(&families[GELU_TANH], _i);
}
END_TEST

START_TEST(gelu_tanh_grad_true_at_window_ends)
{
    check_ends(&families[GELU_TANH]);
}
END_TEST

START_TEST(silu_g_within_1ulp_of_reference)
{
    check_reference(&families[SILU], (size_t)_i);
}
END_TEST

START_TEST(silu_g_false_outside_window)
{
    check_outside(&families[SILU], _i);
}
END_TEST

START_TEST(silu_g_true_at_window_ends)
{
    check_ends(&families[SILU]);
}
END_TEST

START_TEST(mish_grad_within_1ulp_of_reference)
{
    check_reference(&families[MISH], (size_t)_i);
}
END_TEST

START_TEST(mish_grad_false_outside_window)
{
    check_outside(&families[MISH], _i);
}
END_TEST

START_TEST(mish_grad_true_at_window_ends)
{
    check_ends(&families[MISH]);
}
END_TEST

/* The silu argument u + du is used in full: at the double u nearest the root, du = (root - u)
 * rounded to double lands within 2^-100 of the root, where du = 0 stays 2^-60 away. */
START_TEST(silu_g_uses_du)
{
    const roots_ref *at_root = NULL;
    for (size_t i = 0; i < COUNT(silu_ref); i++) {
        if (silu_ref[i].dx != 0.0 && fabs(silu_ref[i].want) < 0x1p-100)
            at_root = &silu_ref[i];
    }
    ck_assert_ptr_nonnull(at_root);
    double with_du = 0.0;
    double without_du = 0.0;
    ck_assert(activ_roots_silu_g(at_root->x, at_root->dx, &with_du));
    ck_assert(activ_roots_silu_g(at_root->x, 0.0, &without_du));
    ck_assert(fabs(with_du) < 0x1p-100);
    ck_assert(fabs(without_du) > 0x1p-60);
}
END_TEST

/* One TCase per function: every reference point, the outside cases, the window ends. */
static TCase *family_tcase(const char *name, const TTest *reference, const TTest *outside,
                           const TTest *ends, size_t count)
{
    TCase *tc = tcase_create(name);
    tcase_add_loop_test(tc, reference, 0, (int)count);
    tcase_add_loop_test(tc, outside, 0, OUTSIDE_CASES);
    tcase_add_test(tc, ends);
    return tc;
}

static Suite *roots_suite(void)
{
    Suite *s = suite_create("roots");
    suite_add_tcase(s, family_tcase("gelu_grad", gelu_grad_within_1ulp_of_reference,
                                    gelu_grad_false_outside_window, gelu_grad_true_at_window_ends,
                                    COUNT(gelu_ref)));
    suite_add_tcase(s, family_tcase("gelu_tanh_grad", gelu_tanh_grad_within_1ulp_of_reference,
                                    gelu_tanh_grad_false_outside_window,
                                    gelu_tanh_grad_true_at_window_ends, COUNT(gelu_tanh_ref)));
    TCase *silu_tc =
        family_tcase("silu_g", silu_g_within_1ulp_of_reference, silu_g_false_outside_window,
                     silu_g_true_at_window_ends, COUNT(silu_ref));
    tcase_add_test(silu_tc, silu_g_uses_du);
    suite_add_tcase(s, silu_tc);
    suite_add_tcase(s, family_tcase("mish_grad", mish_grad_within_1ulp_of_reference,
                                    mish_grad_false_outside_window, mish_grad_true_at_window_ends,
                                    COUNT(mish_ref)));
    return s;
}

int main(void)
{
    return run_suite(roots_suite());
}
