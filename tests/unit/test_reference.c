/* test_reference.c -- every catalog function against the mpmath tables of tests/data/ */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/catalog.h"
#include "activ/eval.h"
#include "activ/params.h"
#include "check_main.h"
#include "refdata.h"
#include "ulp.h"

/* The accuracy bound of the SPEC: within 4 ulp of the exact value, derivatives included. */
#define MAX_ULP 4
#define MAX_ROW 64

/* Accumulates the worst case of one function, so a failure names it precisely. */
typedef struct worst {
    uint64_t ulp;
    char where[320];
    size_t failures, checked;
} worst;

/* The one documented exception to MAX_ULP: snake's derivative where f x itself exceeds
 * DBL_MAX. libm cannot reduce an angle beyond the double range, so math.c halves it and
 * doubles the sine back up, which costs up to ~16 ulp (README, "Accuracy"). */
#define SNAKE_OVERFLOW_ULP 16

static uint64_t bound_for(const activ_bound_fn *fn, double x)
{
    if (fn->entry->id == ACTIV_FN_SNAKE && !isfinite(fn->p[0] * x))
        return SNAKE_OVERFLOW_ULP;
    return MAX_ULP;
}

static void note_bound(worst *w, uint64_t d, uint64_t bound, const char *fmt_line, const char *what,
                       double x, double got, double want)
{
    w->checked++;
    if (d <= bound)
        return;
    w->failures++;
    if (d >= w->ulp) {
        w->ulp = d;
        snprintf(w->where, sizeof w->where, "%s %s at x=%a (%.17g): got %a, want %a", fmt_line,
                 what, x, x, got, want);
    }
}

static void note(worst *w, uint64_t d, const char *fmt_line, const char *what, double x, double got,
                 double want)
{
    note_bound(w, d, MAX_ULP, fmt_line, what, x, got, want);
}

/* Compares one computed value with the table: an "overflow" entry must have been reported
 * as ACTIV_E_NONFINITE, anything else must be within MAX_ULP. */
static void compare_bound(worst *w, uint64_t bound, const char *label, const char *what,
                          activ_status st, const activ_error *err, double x, double got,
                          double want)
{
    if (isinf(want)) {
        w->checked++;
        if (st != ACTIV_E_NONFINITE) {
            w->failures++;
            w->ulp = UINT64_MAX;
            snprintf(w->where, sizeof w->where, "%s %s at x=%a: want a non-finite error, got %s",
                     label, what, x, activ_status_name(st));
        }
        return;
    }
    if (st != ACTIV_OK) {
        w->failures++;
        w->ulp = UINT64_MAX;
        snprintf(w->where, sizeof w->where, "%s %s at x=%a: unexpected error %s: %s", label, what,
                 x, activ_status_name(st), err->message);
        return;
    }
    note_bound(w, ulp_distance(got, want), bound, label, what, x, got, want);
}

static void compare(worst *w, const char *label, const char *what, activ_status st,
                    const activ_error *err, double x, double got, double want)
{
    compare_bound(w, MAX_ULP, label, what, st, err, x, got, want);
}

/* fn borrows arrays (maxout weights) from *rp, so the caller keeps rp alive. */
static void bind_or_fail(const activ_catalog_entry *e, const char *ptext, ref_params *rp,
                         activ_bound_fn *fn)
{
    activ_error err;
    ref_parse_params(ptext, rp);
    activ_status st = activ_params_bind(e, rp->args, rp->n, fn, &err);
    ck_assert_msg(st == ACTIV_OK, "%s params %s: %s", e->name, ptext, err.message);
}

/* ---------------------------------------------------------------- elementwise */

START_TEST(elementwise_matches_mpmath)
{
    const activ_catalog_entry *e = activ_catalog_get((activ_fn_id)_i);
    FILE *f = ref_open("elementwise.tsv");
    char line[1024];
    worst wf = {0}, wd = {0};
    while (fgets(line, sizeof line, f)) {
        char *fld[5];
        if (line[0] == '#' || ref_split(line, fld, 5) != 5 || strcmp(fld[0], e->name) != 0)
            continue;
        /* the table holds every other function's own params too; bind this row's */
        ref_params rp;
        activ_bound_fn fn;
        activ_error err;
        ref_parse_params(fld[1], &rp);
        ck_assert_msg(activ_params_bind(e, rp.args, rp.n, &fn, &err) == ACTIV_OK, "%s %s: %s",
                      e->name, fld[1], err.message);
        double x = ref_number(fld[2]), y, d;
        activ_shape s = {1, 1, false};
        char label[96];
        snprintf(label, sizeof label, "%s(%s)", e->name, fld[1]);
        activ_status st = activ_eval_forward(&fn, s, &x, &y, &err);
        compare(&wf, label, "value", st, &err, x, y, ref_number(fld[3]));
        st = activ_eval_derivative(&fn, s, &x, &d, &err);
        compare_bound(&wd, bound_for(&fn, x), label, "derivative", st, &err, x, d,
                      ref_number(fld[4]));
    }
    fclose(f);
    ck_assert_msg(wf.checked >= 100, "%s: only %zu reference values", e->name, wf.checked);
    ck_assert_msg(wf.failures == 0, "%zu of %zu values beyond %d ulp; worst %llu ulp: %s",
                  wf.failures, wf.checked, MAX_ULP, (unsigned long long)wf.ulp, wf.where);
    ck_assert_msg(wd.failures == 0, "%zu of %zu derivatives beyond %d ulp; worst %llu ulp: %s",
                  wd.failures, wd.checked, MAX_ULP, (unsigned long long)wd.ulp, wd.where);
}
END_TEST

/* ---------------------------------------------------------------- row-wise */

/* The VJP g^T J sums terms of both signs, so a value that cancels to near 0 is judged
 * against the size of its terms: |error| <= MAX_ULP * 2^-52 * sum_j |g_j J_ji| also passes. */
static uint64_t vjp_distance(double got, double want, double scale)
{
    if (fabs(got - want) <= MAX_ULP * 0x1p-52 * scale)
        return 0;
    return ulp_distance(got, want);
}

START_TEST(rowwise_matches_mpmath)
{
    const activ_catalog_entry *e = activ_catalog_get((activ_fn_id)(ACTIV_FN_FIRST_ROWWISE + _i));
    FILE *f = ref_open("rowwise.tsv");
    static char line[1 << 16];
    worst wy = {0}, wj = {0}, wv = {0};
    size_t cases = 0;
    while (fgets(line, sizeof line, f)) {
        char *fld[7];
        if (line[0] == '#' || ref_split(line, fld, 7) != 7 || strcmp(fld[0], e->name) != 0)
            continue;
        double x[MAX_ROW], y[2 * MAX_ROW], jac[2 * MAX_ROW * MAX_ROW], g[2 * MAX_ROW], vjp[MAX_ROW];
        double got_y[2 * MAX_ROW], got_j[2 * MAX_ROW * MAX_ROW], got_v[MAX_ROW];
        char label[96];
        snprintf(label, sizeof label, "%s(%s)", e->name, fld[1]);
        static ref_params rp;
        activ_bound_fn fn;
        bind_or_fail(e, fld[1], &rp, &fn);
        size_t n = ref_vector(fld[2], x, MAX_ROW);
        size_t ny = ref_vector(fld[3], y, 2 * MAX_ROW);
        size_t nj = ref_vector(fld[4], jac, 2 * MAX_ROW * MAX_ROW);
        ref_vector(fld[5], g, 2 * MAX_ROW);
        ref_vector(fld[6], vjp, MAX_ROW);
        activ_shape s = {1, n, false};
        size_t oc;
        activ_error err;
        ck_assert_int_eq(activ_eval_check(&fn, s, &oc, &err), ACTIV_OK);
        ck_assert_uint_eq(oc, ny);
        ck_assert_uint_eq(nj, ny * n);
        cases++;

        bool overflow = false;
        for (size_t i = 0; i < ny; i++)
            overflow |= isinf(y[i]);
        activ_status st = activ_eval_forward(&fn, s, x, got_y, &err);
        if (overflow) {
            compare(&wy, label, "value (row)", st, &err, x[0], 0, INFINITY);
            continue;
        }
        for (size_t i = 0; i < ny; i++)
            compare(&wy, label, "value", st, &err, x[i < n ? i : 0], got_y[i], y[i]);
        st = activ_eval_jacobian(&fn, s, x, got_j, &err);
        for (size_t i = 0; i < nj; i++)
            compare(&wj, label, "jacobian", st, &err, x[i % n], got_j[i], jac[i]);
        st = activ_eval_vjp(&fn, s, x, g, got_v, &err);
        ck_assert_msg(st == ACTIV_OK, "%s vjp: %s", label, err.message);
        for (size_t i = 0; i < n; i++) {
            double scale = 0;
            for (size_t j = 0; j < ny; j++)
                scale += fabs(g[j] * jac[j * n + i]);
            note(&wv, vjp_distance(got_v[i], vjp[i], scale), label, "vjp", x[i], got_v[i], vjp[i]);
        }
    }
    fclose(f);
    ck_assert_msg(cases >= 10, "%s: only %zu reference rows", e->name, cases);
    ck_assert_msg(wy.failures == 0, "%zu values beyond %d ulp; worst %llu: %s", wy.failures,
                  MAX_ULP, (unsigned long long)wy.ulp, wy.where);
    ck_assert_msg(wj.failures == 0, "%zu Jacobian cells beyond %d ulp; worst %llu: %s", wj.failures,
                  MAX_ULP, (unsigned long long)wj.ulp, wj.where);
    ck_assert_msg(wv.failures == 0, "%zu VJP values beyond %d ulp; worst %llu: %s", wv.failures,
                  MAX_ULP, (unsigned long long)wv.ulp, wv.where);
}
END_TEST

static Suite *reference_suite(void)
{
    Suite *s = suite_create("reference");
    TCase *tc = tcase_create("elementwise");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, elementwise_matches_mpmath, 0, ACTIV_FN_FIRST_ROWWISE);
    suite_add_tcase(s, tc);
    tc = tcase_create("rowwise");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, rowwise_matches_mpmath, 0, ACTIV_FN_COUNT - ACTIV_FN_FIRST_ROWWISE);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(reference_suite());
}
