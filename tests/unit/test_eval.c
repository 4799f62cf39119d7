/* test_eval.c -- identities, derivatives, shapes, errors and extremes of activ_eval_* */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "activ/catalog.h"
#include "activ/eval.h"
#include "activ/params.h"
#include "activ/status.h"
#include "check_main.h"
#include "ulp.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define EPS      DBL_EPSILON

#define NUM(n, v)                                                                                  \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_NUMBER, .number = (v)                                     \
    }
#define STR(n, s)                                                                                  \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_STRING, .string = (s)                                     \
    }
#define VEC(n, d)                                                                                  \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_VECTOR, .data = (d), .rows = 1, .cols = COUNT(d)          \
    }
#define MAT(n, d, r, c)                                                                            \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_MATRIX, .data = (d), .rows = (r), .cols = (c)             \
    }

/* SELU's constants as SPEC.md section 1 writes them. */
#define SELU_SCALE 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717

/* Longest row these tests build (softmax identities); Jacobian limits allocate their own. */
#define MAX_COLS 128

/* ---------------------------------------------------------------- helpers */

/* splitmix64: a fixed-seed generator, so every run sees the same rows. */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi). */
static double rng_uniform(rng *r, double lo, double hi)
{
    double u = (double)(rng_next(r) >> 11) * 0x1p-53;
    return lo + (hi - lo) * u;
}

static void fill(rng *r, double *x, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = rng_uniform(r, lo, hi);
}

/* Neumaier's compensated sum, so the test's own summation adds no error worth counting. */
static double csum(const double *v, size_t n)
{
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = s + v[i];
        c += fabs(s) >= fabs(v[i]) ? (s - t) + v[i] : (v[i] - t) + s;
        s = t;
    }
    return s + c;
}

static activ_bound_fn bind_args(const char *name, const activ_param_arg *args, size_t n)
{
    const activ_catalog_entry *e = activ_catalog_find(name);
    ck_assert_msg(e != NULL, "\"%s\" is not in the catalog", name);
    activ_bound_fn fn;
    activ_error err;
    activ_status st = activ_params_bind(e, args, n, &fn, &err);
    ck_assert_msg(st == ACTIV_OK, "%s: %s at %s: %s", name, activ_status_name(st), err.path,
                  err.message);
    return fn;
}

static activ_bound_fn bind_name(const char *name)
{
    return bind_args(name, NULL, 0);
}

static const activ_param_arg MAXOUT_K2[] = {NUM("k", 2)};

/* Default parameters; maxout, which has no default, groups pairs. */
static activ_bound_fn bind_default(activ_fn_id id)
{
    const activ_catalog_entry *e = activ_catalog_get(id);
    ck_assert_ptr_nonnull(e);
    if (id == ACTIV_FN_MAXOUT)
        return bind_args(e->name, MAXOUT_K2, 1);
    return bind_args(e->name, NULL, 0);
}

static activ_shape vec_shape(size_t cols)
{
    activ_shape s = {1, cols, false};
    return s;
}

static size_t out_cols(const activ_bound_fn *fn, activ_shape s)
{
    size_t oc = 0;
    activ_error err;
    activ_status st = activ_eval_check(fn, s, &oc, &err);
    ck_assert_msg(st == ACTIV_OK, "%s check: %s at %s: %s", fn->entry->name, activ_status_name(st),
                  err.path, err.message);
    return oc;
}

static void forward_ok(const activ_bound_fn *fn, activ_shape s, const double *x, double *y)
{
    activ_error err;
    activ_status st = activ_eval_forward(fn, s, x, y, &err);
    ck_assert_msg(st == ACTIV_OK, "%s forward: %s at %s: %s", fn->entry->name,
                  activ_status_name(st), err.path, err.message);
}

static void derivative_ok(const activ_bound_fn *fn, activ_shape s, const double *x, double *d)
{
    activ_error err;
    activ_status st = activ_eval_derivative(fn, s, x, d, &err);
    ck_assert_msg(st == ACTIV_OK, "%s derivative: %s at %s: %s", fn->entry->name,
                  activ_status_name(st), err.path, err.message);
}

static void jacobian_ok(const activ_bound_fn *fn, activ_shape s, const double *x, double *j)
{
    activ_error err;
    activ_status st = activ_eval_jacobian(fn, s, x, j, &err);
    ck_assert_msg(st == ACTIV_OK, "%s jacobian: %s at %s: %s", fn->entry->name,
                  activ_status_name(st), err.path, err.message);
}

static void vjp_ok(const activ_bound_fn *fn, activ_shape s, const double *x, const double *g,
                   double *gx)
{
    activ_error err;
    activ_status st = activ_eval_vjp(fn, s, x, g, gx, &err);
    ck_assert_msg(st == ACTIV_OK, "%s vjp: %s at %s: %s", fn->entry->name, activ_status_name(st),
                  err.path, err.message);
}

/* f(x) and f'(x) of one element. */
static double f1(const activ_bound_fn *fn, double x)
{
    double y;
    forward_ok(fn, vec_shape(1), &x, &y);
    return y;
}

static double df1(const activ_bound_fn *fn, double x)
{
    double d;
    derivative_ok(fn, vec_shape(1), &x, &d);
    return d;
}

/* Expects `st` with err.path equal to `path`. */
#define ck_assert_fails(st_expr, err, want_st, want_path)                                          \
    do {                                                                                           \
        activ_status st_ = (st_expr);                                                              \
        ck_assert_msg(st_ == (want_st), "%s: got %s, want %s", #st_expr, activ_status_name(st_),   \
                      activ_status_name(want_st));                                                 \
        ck_assert_msg(strcmp((err).path, (want_path)) == 0, "%s: path \"%s\", want \"%s\"",        \
                      #st_expr, (err).path, (want_path));                                          \
    } while (0)

/* The spec's extremes (STYLE.md section 9) and ordinary points in between. */
static const double EXTREMES[] = {
    0.0,   -0.0,   5e-324, -5e-324, 1e-300,  -1e-300,  20.0, -20.0, 40.0,
    -40.0, 710.0,  -710.0, 1e308,   -1e308,  0.5,      -0.5, 1.0,   -1.0,
    3.0,   -3.0,   6.0,    -2.5,    0.1,     -0.1,     7.25, -7.25, 2.2250738585072014e-308,
    745.0, -745.0, 1e15,   -1e15,   DBL_MAX, -DBL_MAX,
};

/* Lengths of the rows of the identity tests: 1 and 100 included. */
static const size_t LENGTHS[] = {1, 2, 3, 7, 16, 100};

/* ---------------------------------------------------------------- softmax family */

START_TEST(softmax_rows_sum_to_one)
{
    size_t n = LENGTHS[_i];
    activ_bound_fn fn = bind_name("softmax");
    rng r = {0x5eed0001u + (uint64_t)_i};
    static const double spans[] = {1.0, 10.0, 50.0, 700.0};
    for (size_t k = 0; k < COUNT(spans); k++) {
        for (int rep = 0; rep < 20; rep++) {
            double x[MAX_COLS], y[MAX_COLS];
            fill(&r, x, n, -spans[k], spans[k]);
            forward_ok(&fn, vec_shape(n), x, y);
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(y[i] >= 0 && y[i] <= 1, "softmax value %g outside [0, 1]", y[i]);
            /* each s_i within 4 ulp (SPEC): |sum - 1| <= 4 * 2^-52 * sum s_i */
            double sum = csum(y, n);
            ck_assert_msg(fabs(sum - 1.0) <= 4 * EPS, "n=%zu span %g: sum = %.17g", n, spans[k],
                          sum);
        }
    }
}
END_TEST

START_TEST(log_softmax_is_log_of_softmax)
{
    size_t n = LENGTHS[_i];
    activ_bound_fn sm = bind_name("softmax"), lsm = bind_name("log_softmax");
    rng r = {0x5eed0002u + (uint64_t)_i};
    for (int rep = 0; rep < 40; rep++) {
        double x[MAX_COLS], s[MAX_COLS], ls[MAX_COLS];
        fill(&r, x, n, -20, 20);
        forward_ok(&sm, vec_shape(n), x, s);
        forward_ok(&lsm, vec_shape(n), x, ls);
        for (size_t i = 0; i < n; i++) {
            ck_assert_msg(ls[i] <= 0, "log_softmax %g > 0", ls[i]);
            if (s[i] < DBL_MIN) /* log of a subnormal has lost its relative accuracy */
                continue;
            /* s within 4 ulp: log(s) off by 4 * 2^-52 absolute, plus the rounding of log */
            double want = log(s[i]);
            double tol = 4 * EPS + 2 * EPS * fabs(want);
            ck_assert_msg(fabs(ls[i] - want) <= tol, "n=%zu: log_softmax %.17g, log(softmax) %.17g",
                          n, ls[i], want);
        }
    }
}
END_TEST

START_TEST(softmin_is_softmax_of_negation)
{
    size_t n = LENGTHS[_i];
    activ_bound_fn sm = bind_name("softmax"), smin = bind_name("softmin");
    rng r = {0x5eed0003u + (uint64_t)_i};
    for (int rep = 0; rep < 20; rep++) {
        double x[MAX_COLS], neg[MAX_COLS], a[MAX_COLS], b[MAX_COLS];
        fill(&r, x, n, -30, 30);
        for (size_t i = 0; i < n; i++)
            neg[i] = -x[i];
        forward_ok(&smin, vec_shape(n), x, a);
        forward_ok(&sm, vec_shape(n), neg, b);
        for (size_t i = 0; i < n; i++)
            ck_assert_ulp_le(a[i], b[i], 0);
    }
}
END_TEST

/* Rows of multiples of 2^-30 in (-8, 8), so z + 3, z + 1000 and z - 700 are exact and the
 * shifted rows have the very same differences. Without the max shift, e^(z + 1000)
 * overflows. */
START_TEST(softmax_is_shift_invariant)
{
    size_t n = LENGTHS[_i];
    activ_bound_fn sm = bind_name("softmax");
    rng r = {0x5eed0004u + (uint64_t)_i};
    static const double shifts[] = {3.0, 1000.0, -700.0};
    for (int rep = 0; rep < 20; rep++) {
        double x[MAX_COLS], xs[MAX_COLS], y[MAX_COLS], ys[MAX_COLS];
        for (size_t i = 0; i < n; i++)
            x[i] = ldexp(floor(rng_uniform(&r, -8, 8) * 0x1p30), -30);
        forward_ok(&sm, vec_shape(n), x, y);
        for (size_t k = 0; k < COUNT(shifts); k++) {
            for (size_t i = 0; i < n; i++)
                xs[i] = x[i] + shifts[k];
            forward_ok(&sm, vec_shape(n), xs, ys);
            for (size_t i = 0; i < n; i++)
                ck_assert_ulp_le(ys[i], y[i], 2);
        }
    }
}
END_TEST

START_TEST(softmax_of_equal_entries_is_uniform)
{
    activ_bound_fn sm = bind_name("softmax"), lsm = bind_name("log_softmax");
    double x[4] = {7.5, 7.5, 7.5, 7.5}, y[4];
    forward_ok(&sm, vec_shape(4), x, y);
    for (size_t i = 0; i < 4; i++)
        ck_assert_ulp_le(y[i], 0.25, 0);
    forward_ok(&lsm, vec_shape(4), x, y);
    for (size_t i = 0; i < 4; i++)
        ck_assert_ulp_le(y[i], -2.0 * 0x1.62e42fefa39efp-1, 1); /* -ln 4 = -2 ln 2 */
    double one = -3.0;
    forward_ok(&sm, vec_shape(1), &one, y);
    ck_assert_ulp_le(y[0], 1.0, 0);
    forward_ok(&lsm, vec_shape(1), &one, y);
    ck_assert_ulp_le(y[0], 0.0, 0);
}
END_TEST

/* ---------------------------------------------------------------- sparsemax */

typedef struct sparse_case {
    size_t n;
    double z[3], want[3];
} sparse_case;

/* By hand: sort descending, support k = largest with 1 + k z_(k) > z_(1) + ... + z_(k),
 * tau = (z_(1) + ... + z_(k) - 1)/k, y = max(z - tau, 0).
 *   [1, 0]:        k = 1 (1 + 0 = 1 is not > 1), tau = 0.
 *   [0.5, 0.5]:    k = 2 (1 + 1 > 1), tau = 0.
 *   [3, 1, 1]:     k = 1 (1 + 2 = 3 is not > 4), tau = 2.
 *   [0.2, 0.1, 0]: k = 3 (1 + 0 > 0.3), tau = (0.3 - 1)/3 = -7/30: 13/30, 10/30, 7/30. */
static const sparse_case SPARSE[] = {
    {2, {1, 0}, {1, 0}},
    {2, {0.5, 0.5}, {0.5, 0.5}},
    {3, {3, 1, 1}, {1, 0, 0}},
    {3, {0.2, 0.1, 0}, {13.0 / 30.0, 10.0 / 30.0, 7.0 / 30.0}},
    {3, {0, 0.1, 0.2}, {7.0 / 30.0, 10.0 / 30.0, 13.0 / 30.0}},
    {2, {-4, -4}, {0.5, 0.5}},
    {1, {-123.5}, {1}},
    {3, {1e308, -1e308, 0}, {1, 0, 0}},
};

START_TEST(sparsemax_known_rows)
{
    const sparse_case *c = &SPARSE[_i];
    activ_bound_fn fn = bind_name("sparsemax");
    double y[3];
    forward_ok(&fn, vec_shape(c->n), c->z, y);
    for (size_t i = 0; i < c->n; i++)
        ck_assert_ulp_le(y[i], c->want[i], 2);
}
END_TEST

/* The projection onto the simplex is characterised by (KKT): y >= 0, sum y = 1, and one
 * tau with y_i = z_i - tau where y_i > 0 and z_i <= tau where y_i = 0. */
START_TEST(sparsemax_rows_are_simplex_projections)
{
    size_t n = LENGTHS[_i];
    activ_bound_fn fn = bind_name("sparsemax");
    rng r = {0x5eed0005u + (uint64_t)_i};
    static const double spans[] = {0.1, 1.0, 5.0, 1e6};
    for (size_t k = 0; k < COUNT(spans); k++) {
        for (int rep = 0; rep < 20; rep++) {
            double z[MAX_COLS], y[MAX_COLS];
            fill(&r, z, n, -spans[k], spans[k]);
            forward_ok(&fn, vec_shape(n), z, y);
            double scale = 1.0, tau = NAN;
            size_t top = 0;
            for (size_t i = 0; i < n; i++) {
                ck_assert_msg(y[i] >= 0, "sparsemax value %g < 0", y[i]);
                if (z[i] > z[top])
                    top = i;
            }
            ck_assert_msg(y[top] > 0, "the largest entry is outside the support");
            tau = z[top] - y[top];
            for (size_t i = 0; i < n; i++)
                if (y[i] > 0)
                    scale += fabs(z[i]) + fabs(tau);
            /* every y_i = z_i - tau carries ~ulp(z_i) + ulp(tau) of rounding */
            double tol = 4 * EPS * scale;
            double sum = csum(y, n);
            ck_assert_msg(fabs(sum - 1.0) <= tol, "n=%zu span %g: sum = %.17g", n, spans[k], sum);
            for (size_t i = 0; i < n; i++) {
                if (y[i] > 0)
                    ck_assert_msg(fabs((z[i] - y[i]) - tau) <= tol,
                                  "z - y = %.17g differs from tau = %.17g", z[i] - y[i], tau);
                else
                    ck_assert_msg(z[i] <= tau + tol,
                                  "z = %.17g outside the support above tau %.17g", z[i], tau);
            }
        }
    }
}
END_TEST

/* ---------------------------------------------------------------- elementwise identities */

/* Points for the identities: the extremes plus a fixed-seed spread over [-50, 50]. */
static size_t identity_points(double *x, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < COUNT(EXTREMES) && n < max; i++)
        x[n++] = EXTREMES[i];
    rng r = {0x5eed0006u};
    while (n < max)
        x[n++] = rng_uniform(&r, -50, 50);
    return n;
}

#define N_POINTS 200

START_TEST(silu_is_x_times_sigmoid)
{
    activ_bound_fn silu = bind_name("silu"), sig = bind_name("sigmoid");
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++) {
        /* below -700 sigmoid(x) nears the subnormals, and x * sigmoid(x) loses bits there */
        if (x[i] < -700 || !isfinite(x[i] * f1(&sig, x[i])))
            continue;
        ck_assert_ulp_le(f1(&silu, x[i]), x[i] * f1(&sig, x[i]), 2);
    }
}
END_TEST

START_TEST(gelu_tanh_is_close_to_gelu)
{
    static const activ_param_arg tanh_arg[] = {STR("approximate", "tanh")};
    activ_bound_fn exact = bind_name("gelu"), approx = bind_args("gelu", tanh_arg, 1);
    for (int k = -2000; k <= 2000; k++) {
        double x = k / 100.0;
        double a = f1(&exact, x), b = f1(&approx, x);
        /* mpmath: the values differ by at most 4.73e-4 on this grid */
        ck_assert_msg(fabs(a - b) <= 5e-4, "x = %g: gelu %.17g, tanh form %.17g", x, a, b);
        /* mpmath: the derivatives differ by at most 8.7e-4 on this grid */
        ck_assert_msg(fabs(df1(&exact, x) - df1(&approx, x)) <= 1e-3, "x = %g: derivatives", x);
    }
    /* the true function at both ends: gelu(x) -> x and -> 0 */
    ck_assert_ulp_le(f1(&approx, 50.0), 50.0, 0);
    ck_assert_msg(fabs(f1(&approx, -50.0)) < 1e-300, "tanh-gelu(-50) = %g", f1(&approx, -50.0));
}
END_TEST

START_TEST(selu_is_scale_times_elu_with_spec_alpha)
{
    static const activ_param_arg alpha[] = {NUM("alpha", SELU_ALPHA)};
    activ_bound_fn selu = bind_name("selu"), elu = bind_args("elu", alpha, 1);
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++) {
        if (fabs(x[i]) > 1e300) /* scale * x overflows past DBL_MAX / 1.05 */
            continue;
        ck_assert_ulp_le(f1(&selu, x[i]), SELU_SCALE * f1(&elu, x[i]), 4);
        /* the derivative: scale * alpha e^x, until e^x nears the subnormals */
        if (x[i] > -700)
            ck_assert_ulp_le(df1(&selu, x[i]), SELU_SCALE * df1(&elu, x[i]), 4);
    }
    /* SPEC: scale * alpha at 0 */
    ck_assert_ulp_le(df1(&selu, 0.0), SELU_SCALE * SELU_ALPHA, 2);
}
END_TEST

START_TEST(rrelu_is_leaky_relu_at_mean_slope)
{
    static const activ_param_arg bounds[] = {NUM("lower", 0.1), NUM("upper", 0.3)};
    static const activ_param_arg mean[] = {NUM("alpha", (0.1 + 0.3) / 2)};
    static const activ_param_arg mean_default[] = {NUM("alpha", (0.125 + 1.0 / 3.0) / 2)};
    activ_bound_fn rr = bind_args("rrelu", bounds, 2), lk = bind_args("leaky_relu", mean, 1);
    activ_bound_fn rr0 = bind_name("rrelu"), lk0 = bind_args("leaky_relu", mean_default, 1);
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ulp_le(f1(&rr, x[i]), f1(&lk, x[i]), 1);
        ck_assert_ulp_le(df1(&rr, x[i]), df1(&lk, x[i]), 1);
        ck_assert_ulp_le(f1(&rr0, x[i]), f1(&lk0, x[i]), 1);
        ck_assert_ulp_le(df1(&rr0, x[i]), df1(&lk0, x[i]), 1);
    }
}
END_TEST

START_TEST(hardswish_is_x_times_hardsigmoid)
{
    activ_bound_fn hsw = bind_name("hardswish"), hsg = bind_name("hardsigmoid");
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++)
        ck_assert_ulp_le(f1(&hsw, x[i]), x[i] * f1(&hsg, x[i]), 2);
    /* SPEC: x/3 + 1/2 inside (-3, 3), 0 at and below -3, 1 at and above 3 */
    ck_assert_ulp_le(df1(&hsw, 0.0), 0.5, 0);
    ck_assert_ulp_le(df1(&hsw, -1.5), 0.0, 0);
    ck_assert_ulp_le(df1(&hsw, 1.5), 1.0, 0);
    ck_assert_ulp_le(df1(&hsw, -3.0), 0.0, 0);
    ck_assert_ulp_le(df1(&hsw, 3.0), 1.0, 0);
}
END_TEST

START_TEST(log_sigmoid_is_minus_softplus_of_minus_x)
{
    activ_bound_fn ls = bind_name("log_sigmoid"), sp = bind_name("softplus");
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ulp_le(f1(&ls, x[i]), -f1(&sp, -x[i]), 2);
        /* d/dx -softplus(-x) = softplus'(-x) */
        ck_assert_ulp_le(df1(&ls, x[i]), df1(&sp, -x[i]), 2);
    }
}
END_TEST

START_TEST(relu6_is_hardtanh_from_0_to_6)
{
    static const activ_param_arg bounds[] = {NUM("min_val", 0), NUM("max_val", 6)};
    activ_bound_fn r6 = bind_name("relu6"), ht = bind_args("hardtanh", bounds, 2);
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ulp_le(f1(&r6, x[i]), f1(&ht, x[i]), 0);
        ck_assert_ulp_le(df1(&r6, x[i]), df1(&ht, x[i]), 0);
    }
    /* SPEC: 0 at 0 and at 6 */
    ck_assert_ulp_le(df1(&r6, 0.0), 0.0, 0);
    ck_assert_ulp_le(df1(&r6, 6.0), 0.0, 0);
}
END_TEST

START_TEST(threshold_0_0_is_relu)
{
    static const activ_param_arg zero[] = {NUM("threshold", 0), NUM("value", 0)};
    activ_bound_fn th = bind_args("threshold", zero, 2), relu = bind_name("relu");
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ulp_le(f1(&th, x[i]), f1(&relu, x[i]), 0);
        ck_assert_ulp_le(df1(&th, x[i]), df1(&relu, x[i]), 0);
    }
    ck_assert_ulp_le(df1(&relu, 0.0), 0.0, 0); /* SPEC: 0 at x = 0 */
}
END_TEST

START_TEST(exponential_is_its_own_derivative)
{
    activ_bound_fn ex = bind_name("exponential");
    double x[N_POINTS];
    size_t n = identity_points(x, N_POINTS);
    for (size_t i = 0; i < n; i++) {
        if (x[i] >= 709) /* e^x beyond DBL_MAX: the non-finite tests cover it */
            continue;
        ck_assert_ulp_le(df1(&ex, x[i]), f1(&ex, x[i]), 0);
    }
}
END_TEST

/* ---------------------------------------------------------------- Jacobian and VJP */

static const double W36[] = {1.0, -0.5, 0.25, 0.0, 2.0, -1.0, -1.0, 0.5,  0.5,
                             1.0, 0.0,  0.25, 0.3, 0.3, -0.7, 0.9,  -0.2, 0.1};
static const double B3[] = {0.5, -0.25, 0.0};
static const activ_param_arg MAXOUT_W[] = {MAT("weights", W36, 3, 6), VEC("bias", B3)};
static const activ_param_arg MAXOUT_K3[] = {NUM("k", 3)};

typedef struct rowwise_variant {
    const char *fn;
    const activ_param_arg *args;
    size_t n_args;
    size_t cols; /* 0: any length that divides by 6 */
} rowwise_variant;

static const rowwise_variant ROWWISE[] = {
    {"softmax", NULL, 0, 0},     {"log_softmax", NULL, 0, 0}, {"softmin", NULL, 0, 0},
    {"sparsemax", NULL, 0, 0},   {"glu", NULL, 0, 0},         {"crelu", NULL, 0, 0},
    {"maxout", MAXOUT_K2, 1, 0}, {"maxout", MAXOUT_K3, 1, 0}, {"maxout", MAXOUT_W, 2, 6},
};

static const size_t VJP_LENGTHS[] = {6, 12, 24};

#define MAX_ROW 24
#define MAX_OUT (2 * MAX_ROW)

START_TEST(vjp_is_g_times_jacobian)
{
    const rowwise_variant *v = &ROWWISE[_i];
    activ_bound_fn fn = bind_args(v->fn, v->args, v->n_args);
    rng r = {0x5eed0007u + (uint64_t)_i};
    for (size_t li = 0; li < COUNT(VJP_LENGTHS); li++) {
        size_t n = v->cols ? v->cols : VJP_LENGTHS[li];
        activ_shape s = vec_shape(n);
        size_t oc = out_cols(&fn, s);
        for (int rep = 0; rep < 10; rep++) {
            double x[MAX_ROW], g[MAX_OUT], gx[MAX_ROW], jac[MAX_OUT * MAX_ROW];
            fill(&r, x, n, -4, 4);
            fill(&r, g, oc, -2, 2);
            jacobian_ok(&fn, s, x, jac);
            vjp_ok(&fn, s, x, g, gx);
            for (size_t i = 0; i < n; i++) {
                double terms[MAX_OUT], scale = 0.0;
                for (size_t j = 0; j < oc; j++) {
                    terms[j] = g[j] * jac[j * n + i];
                    scale += fabs(terms[j]);
                }
                double want = csum(terms, oc);
                ck_assert_msg(fabs(gx[i] - want) <= 16 * EPS * scale,
                              "%s n=%zu: grad_input[%zu] = %.17g, g^T J = %.17g (scale %g)", v->fn,
                              n, i, gx[i], want, scale);
            }
        }
        if (v->cols)
            break;
    }
}
END_TEST

START_TEST(elementwise_vjp_is_g_times_derivative)
{
    activ_bound_fn fn = bind_default((activ_fn_id)_i);
    double x[N_POINTS], g[N_POINTS], d[N_POINTS], gx[N_POINTS];
    size_t n = 0;
    rng r = {0x5eed0008u + (uint64_t)_i};
    while (n < 64) {
        x[n] = rng_uniform(&r, -30, 30);
        g[n] = rng_uniform(&r, -3, 3);
        n++;
    }
    x[0] = 0.0;
    x[1] = -3.0;
    x[2] = 1.0;
    activ_shape s = {8, 8, true};
    derivative_ok(&fn, s, x, d);
    vjp_ok(&fn, s, x, g, gx);
    for (size_t i = 0; i < n; i++)
        ck_assert_ulp_le(gx[i], g[i] * d[i], 1);
}
END_TEST

START_TEST(prelu_vector_vjp_is_g_times_derivative)
{
    static const double alpha[] = {0.1, -0.2, 3.0, 0.0};
    static const activ_param_arg args[] = {VEC("alpha", alpha)};
    activ_bound_fn fn = bind_args("prelu", args, 1);
    double x[12] = {-1, 2, -3, 0, 4, -5, 0.5, -0.25, 0, -0.0, 7, -8}, g[12], d[12], gx[12];
    rng r = {0x5eed0009u};
    fill(&r, g, 12, -2, 2);
    activ_shape s = {3, 4, true};
    derivative_ok(&fn, s, x, d);
    vjp_ok(&fn, s, x, g, gx);
    for (size_t i = 0; i < 12; i++) {
        double want = x[i] > 0 ? 1.0 : alpha[i % 4]; /* SPEC: alpha at 0 */
        ck_assert_ulp_le(d[i], want, 0);
        ck_assert_ulp_le(gx[i], g[i] * want, 1);
    }
}
END_TEST

/* ---------------------------------------------------------------- finite differences */

/* Where each elementwise function (default params) has a kink or a jump. */
typedef struct kinks {
    activ_fn_id id;
    double at[2];
    size_t n;
} kinks;

static const kinks KINKS[] = {
    {ACTIV_FN_BINARY_STEP, {0}, 1},
    {ACTIV_FN_RELU, {0}, 1},
    {ACTIV_FN_LEAKY_RELU, {0}, 1},
    {ACTIV_FN_PRELU, {0}, 1},
    {ACTIV_FN_ELU, {0}, 1},
    {ACTIV_FN_SELU, {0}, 1},
    {ACTIV_FN_CELU, {0}, 1},
    {ACTIV_FN_HARDTANH, {-1, 1}, 2},
    {ACTIV_FN_RELU6, {0, 6}, 2},
    {ACTIV_FN_HARDSIGMOID, {-3, 3}, 2},
    {ACTIV_FN_HARDSWISH, {-3, 3}, 2},
    {ACTIV_FN_SOFTSHRINK, {-0.5, 0.5}, 2},
    {ACTIV_FN_HARDSHRINK, {-0.5, 0.5}, 2},
    {ACTIV_FN_THRESHOLD, {0}, 1},
    {ACTIV_FN_RRELU, {0}, 1},
    {ACTIV_FN_SPARSE_PLUS, {-1, 1}, 2},
    {ACTIV_FN_SPARSE_SIGMOID, {-1, 1}, 2},
};

static bool near_kink(activ_fn_id id, double x)
{
    for (size_t k = 0; k < COUNT(KINKS); k++)
        if (KINKS[k].id == id)
            for (size_t i = 0; i < KINKS[k].n; i++)
                if (fabs(x - KINKS[k].at[i]) < 1e-3)
                    return true;
    return false;
}

/* Points across the interesting range: near the derivative roots of gelu (-0.7518), silu
 * (-1.2785) and mish (-1.1924), the kinks (skipped per function) and the tails. */
static const double FD_POINTS[] = {
    -25.0, -12.3, -7.7,  -4.1, -3.0, -2.2, -1.6, -1.2785, -1.1924, -1.0, -0.7518,
    -0.5,  -0.31, -0.05, 0.0,  0.02, 0.27, 0.5,  0.88,    1.0,     1.45, 2.6,
    3.0,   3.9,   5.99,  6.0,  6.5,  9.1,  17.3, 36.0,    -38.0,
};

/* |central difference - f'| allowed: 1e-6 relative, plus the rounding of f(x +- h) divided
 * by 2h, plus 1e-9 for the truncation error h^2 f'''/6 where f' itself is tiny. */
static double fd_tol(double d, double fp, double fm, double h2)
{
    return 1e-6 * fabs(d) + 4 * EPS * (fabs(fp) + fabs(fm)) / h2 + 1e-9;
}

START_TEST(elementwise_derivative_matches_central_difference)
{
    activ_fn_id id = (activ_fn_id)_i;
    activ_bound_fn fn = bind_default(id);
    size_t checked = 0;
    for (size_t i = 0; i < COUNT(FD_POINTS); i++) {
        double x = FD_POINTS[i];
        if (near_kink(id, x))
            continue;
        double h = 1e-6 * fmax(1.0, fabs(x));
        double xp = x + h, xm = x - h;
        double fp = f1(&fn, xp), fm = f1(&fn, xm);
        double fd = (fp - fm) / (xp - xm);
        double d = df1(&fn, x);
        ck_assert_msg(fabs(fd - d) <= fd_tol(d, fp, fm, xp - xm),
                      "%s'(%g) = %.17g, central difference %.17g", fn.entry->name, x, d, fd);
        checked++;
    }
    ck_assert_uint_ge(checked, 20);
}
END_TEST

START_TEST(non_default_params_derivative_matches_central_difference)
{
    /* a few parameterised forms whose derivative paths differ from the defaults */
    static const activ_param_arg tanh_arg[] = {STR("approximate", "tanh")};
    static const activ_param_arg beta[] = {NUM("beta", 2.5)};
    static const activ_param_arg sp[] = {NUM("beta", 0.5), NUM("threshold", 20)};
    static const activ_param_arg celu[] = {NUM("alpha", 0.3)};
    static const activ_param_arg elu[] = {NUM("alpha", 2.0)};
    static const activ_param_arg sq[] = {NUM("b", 0.5)};
    static const activ_param_arg snake[] = {NUM("frequency", 3.0)};
    static const struct {
        const char *fn;
        const activ_param_arg *args;
        size_t n;
    } forms[] = {
        {"gelu", tanh_arg, 1}, {"silu", beta, 1},     {"softplus", sp, 2}, {"celu", celu, 1},
        {"elu", elu, 1},       {"squareplus", sq, 1}, {"snake", snake, 1}, {"softplus", beta, 1},
    };
    for (size_t k = 0; k < COUNT(forms); k++) {
        activ_bound_fn fn = bind_args(forms[k].fn, forms[k].args, forms[k].n);
        for (size_t i = 0; i < COUNT(FD_POINTS); i++) {
            double x = FD_POINTS[i];
            if (fabs(x) < 1e-3) /* elu/celu switch pieces at 0 */
                continue;
            /* (softplus with beta 0.5, threshold 20 jumps at x = 40, not among the points) */
            double h = 1e-6 * fmax(1.0, fabs(x));
            double xp = x + h, xm = x - h;
            double fp = f1(&fn, xp), fm = f1(&fn, xm);
            double fd = (fp - fm) / (xp - xm);
            double d = df1(&fn, x);
            ck_assert_msg(fabs(fd - d) <= fd_tol(d, fp, fm, xp - xm),
                          "%s(form %zu)'(%g) = %.17g, central difference %.17g", forms[k].fn, k, x,
                          d, fd);
        }
    }
}
END_TEST

/* Whether a row is within 1e-3 of a kink of the row-wise function: crelu at 0, maxout at
 * ties of its group (or pieces), sparsemax where an entry meets tau. */
static bool row_near_kink(const activ_bound_fn *fn, const double *x, size_t n)
{
    const double margin = 1e-3;
    switch (fn->entry->id) {
        case ACTIV_FN_CRELU:
            for (size_t i = 0; i < n; i++)
                if (fabs(x[i]) < margin)
                    return true;
            return false;
        case ACTIV_FN_MAXOUT:
            if (fn->k) {
                for (size_t g = 0; g < n / fn->k; g++)
                    for (size_t i = 0; i < fn->k; i++)
                        for (size_t j = i + 1; j < fn->k; j++)
                            if (fabs(x[g * fn->k + i] - x[g * fn->k + j]) < margin)
                                return true;
                return false;
            } else {
                double v[8];
                for (size_t p = 0; p < fn->w_rows; p++) {
                    v[p] = fn->bias ? fn->bias[p] : 0.0;
                    for (size_t j = 0; j < n; j++)
                        v[p] += fn->weights[p * n + j] * x[j];
                }
                for (size_t p = 0; p < fn->w_rows; p++)
                    for (size_t q = p + 1; q < fn->w_rows; q++)
                        if (fabs(v[p] - v[q]) < margin)
                            return true;
                return false;
            }
        case ACTIV_FN_SPARSEMAX: {
            double y[MAX_ROW];
            forward_ok(fn, vec_shape(n), x, y);
            size_t top = 0;
            for (size_t i = 1; i < n; i++)
                if (x[i] > x[top])
                    top = i;
            double tau = x[top] - y[top];
            for (size_t i = 0; i < n; i++)
                if (fabs(x[i] - tau) < margin)
                    return true;
            return false;
        }
        default:
            return false;
    }
}

START_TEST(jacobian_matches_central_difference)
{
    const rowwise_variant *v = &ROWWISE[_i];
    activ_bound_fn fn = bind_args(v->fn, v->args, v->n_args);
    rng r = {0x5eed000au + (uint64_t)_i};
    size_t n = v->cols ? v->cols : 6;
    activ_shape s = vec_shape(n);
    size_t oc = out_cols(&fn, s);
    size_t rows = 0;
    for (int attempt = 0; attempt < 200 && rows < 4; attempt++) {
        double x[MAX_ROW], jac[MAX_OUT * MAX_ROW];
        fill(&r, x, n, -3, 3);
        if (row_near_kink(&fn, x, n))
            continue;
        rows++;
        jacobian_ok(&fn, s, x, jac);
        for (size_t j = 0; j < n; j++) {
            double xp[MAX_ROW], xm[MAX_ROW], yp[MAX_OUT], ym[MAX_OUT];
            double h = 1e-6 * fmax(1.0, fabs(x[j]));
            memcpy(xp, x, n * sizeof *x);
            memcpy(xm, x, n * sizeof *x);
            xp[j] += h;
            xm[j] -= h;
            forward_ok(&fn, s, xp, yp);
            forward_ok(&fn, s, xm, ym);
            for (size_t i = 0; i < oc; i++) {
                double fd = (yp[i] - ym[i]) / (xp[j] - xm[j]);
                double d = jac[i * n + j];
                ck_assert_msg(fabs(fd - d) <= fd_tol(d, yp[i], ym[i], xp[j] - xm[j]),
                              "%s: J[%zu][%zu] = %.17g, central difference %.17g", v->fn, i, j, d,
                              fd);
            }
        }
    }
    ck_assert_uint_ge(rows, 3);
}
END_TEST

/* ---------------------------------------------------------------- shapes and batches */

START_TEST(batch_gives_the_same_as_each_row)
{
    activ_fn_id id = (activ_fn_id)_i;
    activ_bound_fn fn = bind_default(id);
    rng r = {0x5eed000bu + (uint64_t)_i};
    const size_t rows = 3, cols = 4;
    activ_shape bs = {rows, cols, true}, rs = vec_shape(cols);
    size_t oc = out_cols(&fn, bs);
    ck_assert_uint_eq(out_cols(&fn, rs), oc);
    double x[12], g[24], y[24], gx[12], d[96];
    fill(&r, x, rows * cols, -5, 5);
    fill(&r, g, rows * oc, -1, 1);
    bool rowwise = id >= ACTIV_FN_FIRST_ROWWISE;
    size_t per_row = rowwise ? oc * cols : cols;
    forward_ok(&fn, bs, x, y);
    vjp_ok(&fn, bs, x, g, gx);
    if (rowwise)
        jacobian_ok(&fn, bs, x, d);
    else
        derivative_ok(&fn, bs, x, d);
    for (size_t rr = 0; rr < rows; rr++) {
        double y1[8], gx1[4], d1[32];
        forward_ok(&fn, rs, x + rr * cols, y1);
        vjp_ok(&fn, rs, x + rr * cols, g + rr * oc, gx1);
        if (rowwise)
            jacobian_ok(&fn, rs, x + rr * cols, d1);
        else
            derivative_ok(&fn, rs, x + rr * cols, d1);
        for (size_t i = 0; i < oc; i++)
            ck_assert_ulp_le(y[rr * oc + i], y1[i], 0);
        for (size_t i = 0; i < cols; i++)
            ck_assert_ulp_le(gx[rr * cols + i], gx1[i], 0);
        for (size_t i = 0; i < per_row; i++)
            ck_assert_ulp_le(d[rr * per_row + i], d1[i], 0);
    }
}
END_TEST

START_TEST(empty_input_is_a_request_error)
{
    activ_bound_fn fn = bind_name("relu");
    activ_error err;
    size_t oc;
    activ_shape none = {1, 0, false}, no_rows = {0, 3, true};
    ck_assert_fails(activ_eval_check(&fn, none, &oc, &err), err, ACTIV_E_REQUEST, "/x");
    ck_assert_fails(activ_eval_check(&fn, no_rows, &oc, &err), err, ACTIV_E_REQUEST, "/x");
}
END_TEST

START_TEST(glu_halves_the_row)
{
    activ_bound_fn fn = bind_name("glu");
    /* a * sigmoid(b): sigmoid(0) = 1/2 */
    double x[4] = {1, 2, 0, 0}, y[2];
    ck_assert_uint_eq(out_cols(&fn, vec_shape(4)), 2);
    forward_ok(&fn, vec_shape(4), x, y);
    ck_assert_ulp_le(y[0], 0.5, 0);
    ck_assert_ulp_le(y[1], 1.0, 0);
    /* batched: two rows of 6 give two rows of 3 */
    double xb[12] = {1, -2, 4, 0, 0, 0, 3, 3, 3, 0, 0, 0}, yb[6];
    activ_shape bs = {2, 6, true};
    ck_assert_uint_eq(out_cols(&fn, bs), 3);
    forward_ok(&fn, bs, xb, yb);
    static const double want[6] = {0.5, -1, 2, 1.5, 1.5, 1.5};
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(yb[i], want[i], 0);
}
END_TEST

START_TEST(glu_rejects_odd_row)
{
    activ_bound_fn fn = bind_name("glu");
    activ_error err;
    size_t oc;
    double x[6] = {1, 2, 3, 4, 5, 6}, y[6];
    ck_assert_fails(activ_eval_check(&fn, vec_shape(3), &oc, &err), err, ACTIV_E_REQUEST, "/x");
    ck_assert_fails(activ_eval_forward(&fn, vec_shape(3), x, y, &err), err, ACTIV_E_REQUEST, "/x");
    activ_shape bs = {2, 3, true};
    ck_assert_fails(activ_eval_forward(&fn, bs, x, y, &err), err, ACTIV_E_REQUEST, "/x");
    ck_assert_fails(activ_eval_check(&fn, vec_shape(1), &oc, &err), err, ACTIV_E_REQUEST, "/x");
}
END_TEST

START_TEST(crelu_doubles_the_row)
{
    activ_bound_fn fn = bind_name("crelu");
    double x[3] = {1.5, -2, 0}, y[6];
    ck_assert_uint_eq(out_cols(&fn, vec_shape(3)), 6);
    forward_ok(&fn, vec_shape(3), x, y);
    static const double want[6] = {1.5, 0, 0, 0, 2, 0};
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(y[i], want[i], 0);
    /* Jacobian: as relu on each half, 0 at 0 */
    double jac[18];
    jacobian_ok(&fn, vec_shape(3), x, jac);
    static const double wj[18] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0};
    for (size_t i = 0; i < 18; i++)
        ck_assert_ulp_le(jac[i], wj[i], 0);
}
END_TEST

START_TEST(maxout_k2_halves_the_row)
{
    activ_bound_fn fn = bind_args("maxout", MAXOUT_K2, 1);
    double x[6] = {1, 3, -1, -5, 2, 2}, y[3], jac[18], g[3] = {10, 20, 30}, gx[6];
    ck_assert_uint_eq(out_cols(&fn, vec_shape(6)), 3);
    forward_ok(&fn, vec_shape(6), x, y);
    ck_assert_ulp_le(y[0], 3, 0);
    ck_assert_ulp_le(y[1], -1, 0);
    ck_assert_ulp_le(y[2], 2, 0);
    /* the gradient goes to the first maximal element only, like torch.max */
    jacobian_ok(&fn, vec_shape(6), x, jac);
    static const double wj[18] = {0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    for (size_t i = 0; i < 18; i++)
        ck_assert_ulp_le(jac[i], wj[i], 0);
    vjp_ok(&fn, vec_shape(6), x, g, gx);
    static const double wg[6] = {0, 10, 20, 0, 30, 0};
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(gx[i], wg[i], 0);
}
END_TEST

START_TEST(maxout_k2_rejects_odd_row)
{
    activ_bound_fn fn = bind_args("maxout", MAXOUT_K2, 1);
    activ_error err;
    size_t oc;
    double x[5] = {1, 2, 3, 4, 5}, y[5];
    ck_assert_fails(activ_eval_check(&fn, vec_shape(5), &oc, &err), err, ACTIV_E_REQUEST, "/x");
    ck_assert_fails(activ_eval_forward(&fn, vec_shape(5), x, y, &err), err, ACTIV_E_REQUEST, "/x");
}
END_TEST

static const double W23[] = {1, 0, 0, 0, 1, 1};
static const double B23[] = {0, -1};

START_TEST(maxout_weights_give_one_value_per_row)
{
    static const activ_param_arg args[] = {MAT("weights", W23, 2, 3), VEC("bias", B23)};
    activ_bound_fn fn = bind_args("maxout", args, 2);
    /* row 0: max(2, 1 + 1 - 1) = 2 (piece 0); row 1: max(0, 3 + 4 - 1) = 6 (piece 1) */
    double x[6] = {2, 1, 1, 0, 3, 4}, y[2], jac[6];
    activ_shape bs = {2, 3, true};
    ck_assert_uint_eq(out_cols(&fn, bs), 1);
    forward_ok(&fn, bs, x, y);
    ck_assert_ulp_le(y[0], 2, 0);
    ck_assert_ulp_le(y[1], 6, 0);
    jacobian_ok(&fn, bs, x, jac);
    static const double wj[6] = {1, 0, 0, 0, 1, 1}; /* the winning piece's weights */
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(jac[i], wj[i], 0);
    /* a tie between the pieces: the first one wins */
    double tie[3] = {1, 1, 1}, jt[3];
    jacobian_ok(&fn, vec_shape(3), tie, jt);
    ck_assert_ulp_le(jt[0], 1, 0);
    ck_assert_ulp_le(jt[1], 0, 0);
    ck_assert_ulp_le(jt[2], 0, 0);
}
END_TEST

START_TEST(maxout_weights_reject_other_row_length)
{
    static const activ_param_arg args[] = {MAT("weights", W23, 2, 3)};
    activ_bound_fn fn = bind_args("maxout", args, 1);
    activ_error err;
    size_t oc;
    double x[8] = {0}, y[8];
    ck_assert_fails(activ_eval_check(&fn, vec_shape(4), &oc, &err), err, ACTIV_E_PARAMS,
                    "/params/weights");
    activ_shape bs = {2, 4, true};
    ck_assert_fails(activ_eval_forward(&fn, bs, x, y, &err), err, ACTIV_E_PARAMS,
                    "/params/weights");
    ck_assert_fails(activ_eval_check(&fn, vec_shape(2), &oc, &err), err, ACTIV_E_PARAMS,
                    "/params/weights");
}
END_TEST

/* x = [[-1, 2, -3], [4, -5, 0]], alpha = [0.1, 0.2, 0.3], g = [[1, 2, 3], [4, 5, 6]]. */
static const double PRELU_X[6] = {-1, 2, -3, 4, -5, 0};
static const double PRELU_G[6] = {1, 2, 3, 4, 5, 6};
static const double PRELU_ALPHA[3] = {0.1, 0.2, 0.3};

START_TEST(prelu_per_feature_alpha)
{
    static const activ_param_arg args[] = {VEC("alpha", PRELU_ALPHA)};
    activ_bound_fn fn = bind_args("prelu", args, 1);
    activ_shape s = {2, 3, true};
    activ_error err;
    double y[6], d[6], da[6], ga[3];
    forward_ok(&fn, s, PRELU_X, y);
    /* alpha_c * x where x < 0; the product is the definition, one rounding */
    const double wy[6] = {0.1 * -1, 2, 0.3 * -3, 4, 0.2 * -5, 0};
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(y[i], wy[i], 0);
    derivative_ok(&fn, s, PRELU_X, d);
    static const double wd[6] = {0.1, 1, 0.3, 1, 0.2, 0.3}; /* alpha at 0 */
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(d[i], wd[i], 0);
    ck_assert_int_eq(activ_eval_prelu_dalpha(&fn, s, PRELU_X, da, &err), ACTIV_OK);
    static const double wda[6] = {-1, 0, -3, 0, -5, 0}; /* x where x <= 0 */
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(da[i], wda[i], 0);
    ck_assert_uint_eq(activ_eval_prelu_alpha_count(&fn), 3);
    ck_assert_int_eq(activ_eval_prelu_grad_alpha(&fn, s, PRELU_X, PRELU_G, ga, &err), ACTIV_OK);
    /* feature 0: 1*(-1) = -1; feature 1: 5*(-5) = -25; feature 2: 3*(-3) + 6*0 = -9 */
    ck_assert_ulp_le(ga[0], -1, 0);
    ck_assert_ulp_le(ga[1], -25, 0);
    ck_assert_ulp_le(ga[2], -9, 0);
}
END_TEST

START_TEST(prelu_scalar_alpha_grad_is_the_total)
{
    activ_bound_fn fn = bind_name("prelu"); /* alpha 0.25 */
    activ_shape s = {2, 3, true};
    activ_error err;
    double y[6], ga[1];
    forward_ok(&fn, s, PRELU_X, y);
    const double wy[6] = {-0.25, 2, -0.75, 4, -1.25, 0};
    for (size_t i = 0; i < 6; i++)
        ck_assert_ulp_le(y[i], wy[i], 0);
    ck_assert_uint_eq(activ_eval_prelu_alpha_count(&fn), 1);
    ck_assert_int_eq(activ_eval_prelu_grad_alpha(&fn, s, PRELU_X, PRELU_G, ga, &err), ACTIV_OK);
    ck_assert_ulp_le(ga[0], -35, 0); /* -1 - 25 - 9 */
}
END_TEST

START_TEST(prelu_wrong_alpha_length_is_a_params_error)
{
    static const double two[] = {0.1, 0.2};
    static const activ_param_arg args[] = {VEC("alpha", two)};
    activ_bound_fn fn = bind_args("prelu", args, 1);
    activ_shape s = {2, 3, true};
    activ_error err;
    size_t oc;
    double y[6], d[6], ga[2];
    ck_assert_fails(activ_eval_check(&fn, s, &oc, &err), err, ACTIV_E_PARAMS, "/params/alpha");
    ck_assert_fails(activ_eval_forward(&fn, s, PRELU_X, y, &err), err, ACTIV_E_PARAMS,
                    "/params/alpha");
    ck_assert_fails(activ_eval_derivative(&fn, s, PRELU_X, d, &err), err, ACTIV_E_PARAMS,
                    "/params/alpha");
    ck_assert_fails(activ_eval_prelu_grad_alpha(&fn, s, PRELU_X, PRELU_G, ga, &err), err,
                    ACTIV_E_PARAMS, "/params/alpha");
}
END_TEST

/* ---------------------------------------------------------------- non-finite results */

START_TEST(exponential_overflow_names_the_element)
{
    activ_bound_fn fn = bind_name("exponential");
    activ_error err;
    double x[2] = {0, 800}, y[2];
    ck_assert_fails(activ_eval_forward(&fn, vec_shape(2), x, y, &err), err, ACTIV_E_NONFINITE,
                    "/x/1");
    ck_assert_fails(activ_eval_derivative(&fn, vec_shape(2), x, y, &err), err, ACTIV_E_NONFINITE,
                    "/x/1");
    double xb[4] = {0, 0, 0, 800}, yb[4];
    activ_shape bs = {2, 2, true};
    ck_assert_fails(activ_eval_forward(&fn, bs, xb, yb, &err), err, ACTIV_E_NONFINITE, "/x/1/1");
    ck_assert_fails(activ_eval_derivative(&fn, bs, xb, yb, &err), err, ACTIV_E_NONFINITE, "/x/1/1");
    /* row and column are not swapped: row 2, column 0 of a 3 x 2 batch */
    double xc[6] = {0, 1, 2, 3, 800, 4}, yc[6];
    activ_shape cs = {3, 2, true};
    ck_assert_fails(activ_eval_forward(&fn, cs, xc, yc, &err), err, ACTIV_E_NONFINITE, "/x/2/0");
    /* e^710 > DBL_MAX = e^709.78 */
    double edge[2] = {709.0, 710.0};
    ck_assert_fails(activ_eval_forward(&fn, vec_shape(2), edge, y, &err), err, ACTIV_E_NONFINITE,
                    "/x/1");
}
END_TEST

START_TEST(linear_overflow_is_nonfinite)
{
    static const activ_param_arg two[] = {NUM("a", 2)};
    static const activ_param_arg minus_two[] = {NUM("a", -2)};
    static const activ_param_arg half[] = {NUM("a", 0.5)};
    activ_error err;
    double x[2] = {1, 1e308}, y[2];
    activ_bound_fn fn = bind_args("linear", two, 1);
    ck_assert_fails(activ_eval_forward(&fn, vec_shape(2), x, y, &err), err, ACTIV_E_NONFINITE,
                    "/x/1");
    fn = bind_args("linear", minus_two, 1);
    ck_assert_fails(activ_eval_forward(&fn, vec_shape(2), x, y, &err), err, ACTIV_E_NONFINITE,
                    "/x/1");
    fn = bind_args("linear", half, 1);
    forward_ok(&fn, vec_shape(2), x, y);
    ck_assert_ulp_le(y[1], 5e307, 0);
}
END_TEST

START_TEST(log_softmax_of_huge_spread_is_nonfinite)
{
    activ_bound_fn lsm = bind_name("log_softmax"), sm = bind_name("softmax");
    activ_error err;
    double x[2] = {1e308, -1e308}, y[2];
    /* the exact value of the second entry is -2e308, beyond the doubles */
    ck_assert_fails(activ_eval_forward(&lsm, vec_shape(2), x, y, &err), err, ACTIV_E_NONFINITE,
                    "/x");
    double xb[4] = {0, 0, 1e308, -1e308}, yb[4];
    activ_shape bs = {2, 2, true};
    ck_assert_fails(activ_eval_forward(&lsm, bs, xb, yb, &err), err, ACTIV_E_NONFINITE, "/x/1");
    double xc[6] = {0, 0, 1, 2, 1e308, -1e308}, yc[6];
    activ_shape cs = {3, 2, true};
    ck_assert_fails(activ_eval_forward(&lsm, cs, xc, yc, &err), err, ACTIV_E_NONFINITE, "/x/2");
    /* softmax of the same row is fine */
    forward_ok(&sm, vec_shape(2), x, y);
    ck_assert_ulp_le(y[0], 1.0, 0);
    ck_assert_ulp_le(y[1], 0.0, 0);
    forward_ok(&sm, bs, xb, yb);
    ck_assert_ulp_le(yb[0], 0.5, 0);
    ck_assert_ulp_le(yb[1], 0.5, 0);
    ck_assert_ulp_le(yb[2], 1.0, 0);
    ck_assert_ulp_le(yb[3], 0.0, 0);
    /* log_softmax of a spread that fits: [0, -1e308] -> [-0, -1e308] */
    double ok[2] = {0, -1e308};
    forward_ok(&lsm, vec_shape(2), ok, y);
    ck_assert_ulp_le(y[0], 0.0, 0);
    ck_assert_ulp_le(y[1], -1e308, 0);
}
END_TEST

START_TEST(vjp_rejects_nonfinite_grad_output)
{
    activ_bound_fn fn = bind_name("tanh");
    activ_error err;
    double x[3] = {0, 1, 2}, g[3] = {1, INFINITY, 1}, gx[3];
    activ_status st = activ_eval_vjp(&fn, vec_shape(3), x, g, gx, &err);
    ck_assert_msg(st != ACTIV_OK, "an infinite grad_output was accepted");
    ck_assert_str_eq(err.path, "/grad_output/1");
}
END_TEST

/* ---------------------------------------------------------------- limits and kinds */

static void jacobian_limit(const char *name, size_t rows, size_t cols, activ_status want)
{
    activ_bound_fn fn = bind_name(name);
    activ_shape s = {rows, cols, rows > 1};
    size_t oc = out_cols(&fn, s);
    double *x = calloc(rows * cols, sizeof *x);
    double *jac = malloc(rows * oc * cols * sizeof *jac);
    ck_assert_ptr_nonnull(x);
    ck_assert_ptr_nonnull(jac);
    activ_error err;
    activ_status st = activ_eval_jacobian(&fn, s, x, jac, &err);
    free(x);
    free(jac);
    ck_assert_msg(st == want, "%s %zu x %zu: got %s, want %s", name, rows, cols,
                  activ_status_name(st), activ_status_name(want));
}

START_TEST(jacobian_beyond_cell_cap_is_a_limit_error)
{
    ck_assert_uint_eq(ACTIV_EVAL_MAX_JACOBIAN_CELLS, 1048576);
    /* softmax: rows * n * n cells; 1024^2 is exactly the cap */
    jacobian_limit("softmax", 1, 1024, ACTIV_OK);
    jacobian_limit("softmax", 1, 1025, ACTIV_E_LIMIT);
    /* 2 * 724^2 = 1048352 fits, 2 * 725^2 = 1051250 does not */
    jacobian_limit("softmax", 2, 724, ACTIV_OK);
    jacobian_limit("softmax", 2, 725, ACTIV_E_LIMIT);
    /* crelu's Jacobian is 2n x n */
    jacobian_limit("crelu", 1, 724, ACTIV_OK);
    jacobian_limit("crelu", 1, 725, ACTIV_E_LIMIT);
}
END_TEST

START_TEST(elementwise_jacobian_is_a_request_error)
{
    activ_bound_fn fn = bind_default((activ_fn_id)_i);
    activ_error err;
    double x[2] = {0.5, -0.5}, j[4];
    activ_status st = activ_eval_jacobian(&fn, vec_shape(2), x, j, &err);
    ck_assert_msg(st == ACTIV_E_REQUEST, "%s: got %s", fn.entry->name, activ_status_name(st));
}
END_TEST

START_TEST(rowwise_derivative_is_a_request_error)
{
    activ_bound_fn fn = bind_default((activ_fn_id)(ACTIV_FN_FIRST_ROWWISE + _i));
    activ_error err;
    double x[4] = {0.5, -0.5, 1, 2}, d[8];
    activ_status st = activ_eval_derivative(&fn, vec_shape(4), x, d, &err);
    ck_assert_msg(st == ACTIV_E_REQUEST, "%s: got %s", fn.entry->name, activ_status_name(st));
}
END_TEST

START_TEST(prelu_gradients_refuse_other_functions)
{
    activ_bound_fn fn = bind_name("leaky_relu");
    activ_error err;
    double x[2] = {-1, 1}, g[2] = {1, 1}, d[2];
    ck_assert_int_eq(activ_eval_prelu_dalpha(&fn, vec_shape(2), x, d, &err), ACTIV_E_REQUEST);
    ck_assert_int_eq(activ_eval_prelu_grad_alpha(&fn, vec_shape(2), x, g, d, &err),
                     ACTIV_E_REQUEST);
}
END_TEST

/* ---------------------------------------------------------------- extremes */

START_TEST(elementwise_is_finite_at_extremes)
{
    activ_fn_id id = (activ_fn_id)_i;
    activ_bound_fn fn = bind_default(id);
    for (size_t i = 0; i < COUNT(EXTREMES); i++) {
        double x = EXTREMES[i], y = NAN, d = NAN;
        activ_error err;
        activ_status sf = activ_eval_forward(&fn, vec_shape(1), &x, &y, &err);
        activ_status sd = activ_eval_derivative(&fn, vec_shape(1), &x, &d, &err);
        /* the only exact results beyond DBL_MAX with default params: e^x (and its
         * derivative) for x > 709.78, and selu's scale * x for x > DBL_MAX / scale */
        bool exp_over = id == ACTIV_FN_EXPONENTIAL && x > 709.79;
        bool f_over = exp_over || (id == ACTIV_FN_SELU && x > DBL_MAX / SELU_SCALE);
        if (f_over)
            ck_assert_msg(sf == ACTIV_E_NONFINITE, "%s(%a): want E_NONFINITE, got %s",
                          fn.entry->name, x, activ_status_name(sf));
        else
            ck_assert_msg(sf == ACTIV_OK && isfinite(y), "%s(%a) = %g (%s)", fn.entry->name, x, y,
                          activ_status_name(sf));
        if (exp_over)
            ck_assert_msg(sd == ACTIV_E_NONFINITE, "%s'(%a): want E_NONFINITE, got %s",
                          fn.entry->name, x, activ_status_name(sd));
        else
            ck_assert_msg(sd == ACTIV_OK && isfinite(d), "%s'(%a) = %g (%s)", fn.entry->name, x, d,
                          activ_status_name(sd));
    }
}
END_TEST

START_TEST(rowwise_is_finite_at_extremes)
{
    const rowwise_variant *v = &ROWWISE[_i];
    if (v->cols) /* maxout with fixed weights: w . x may overflow legitimately */
        return;
    activ_bound_fn fn = bind_args(v->fn, v->args, v->n_args);
    double x[6] = {1e308, -1e308, 5e-324, -0.0, 710, -710}, y[12], jac[72], g[12], gx[6];
    activ_shape s = vec_shape(6);
    size_t oc = out_cols(&fn, s);
    for (size_t i = 0; i < oc; i++)
        g[i] = 1.0;
    activ_error err;
    if (fn.entry->id == ACTIV_FN_LOG_SOFTMAX) { /* -1e308 - 1e308 is beyond the doubles */
        ck_assert_fails(activ_eval_forward(&fn, s, x, y, &err), err, ACTIV_E_NONFINITE, "/x");
        return;
    }
    forward_ok(&fn, s, x, y);
    jacobian_ok(&fn, s, x, jac);
    vjp_ok(&fn, s, x, g, gx);
    for (size_t i = 0; i < oc; i++)
        ck_assert(isfinite(y[i]));
    for (size_t i = 0; i < oc * 6; i++)
        ck_assert(isfinite(jac[i]));
}
END_TEST

START_TEST(pytorch_underflows_are_our_values)
{
    activ_bound_fn sig = bind_name("sigmoid"), gelu = bind_name("gelu"), elu = bind_name("elu");
    /* sigmoid(-710) = e^-710 / (1 + e^-710) = 4.4762862256751300e-309 (mpmath), subnormal */
    double s = f1(&sig, -710.0);
    ck_assert_msg(s > 0, "sigmoid(-710) = %g", s);
    ck_assert_ulp_le(s, 4.4762862256751299560831607022913e-309, 2);
    /* gelu(-10) = -10 Phi(-10) = -7.6198530241605260659733432515993e-23 (mpmath) */
    double g = f1(&gelu, -10.0);
    ck_assert_msg(g < 0, "gelu(-10) = %g", g);
    ck_assert_ulp_le(g, -7.6198530241605260659733432515993e-23, 4);
    /* elu(-1e-300) = e^-1e-300 - 1 = -1e-300 to far below an ulp */
    ck_assert_ulp_le(f1(&elu, -1e-300), -1e-300, 0);
    /* sigmoid'(40) = e^-40 / (1 + e^-40)^2 = 4.2483542552915889592e-18 (mpmath) */
    double d = df1(&sig, 40.0);
    ck_assert_msg(d > 0, "sigmoid'(40) = %g", d);
    ck_assert_ulp_le(d, 4.2483542552915889592322070259503548e-18, 4);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *eval_suite(void)
{
    Suite *s = suite_create("eval");
    const int n_elem = ACTIV_FN_FIRST_ROWWISE;
    const int n_row = ACTIV_FN_COUNT - ACTIV_FN_FIRST_ROWWISE;

    TCase *tc = tcase_create("softmax_family");
    tcase_add_loop_test(tc, softmax_rows_sum_to_one, 0, (int)COUNT(LENGTHS));
    tcase_add_loop_test(tc, log_softmax_is_log_of_softmax, 0, (int)COUNT(LENGTHS));
    tcase_add_loop_test(tc, softmin_is_softmax_of_negation, 0, (int)COUNT(LENGTHS));
    tcase_add_loop_test(tc, softmax_is_shift_invariant, 0, (int)COUNT(LENGTHS));
    tcase_add_test(tc, softmax_of_equal_entries_is_uniform);
    suite_add_tcase(s, tc);

    tc = tcase_create("sparsemax");
    tcase_add_loop_test(tc, sparsemax_known_rows, 0, (int)COUNT(SPARSE));
    tcase_add_loop_test(tc, sparsemax_rows_are_simplex_projections, 0, (int)COUNT(LENGTHS));
    suite_add_tcase(s, tc);

    tc = tcase_create("elementwise_identities");
    tcase_add_test(tc, silu_is_x_times_sigmoid);
    tcase_add_test(tc, gelu_tanh_is_close_to_gelu);
    tcase_add_test(tc, selu_is_scale_times_elu_with_spec_alpha);
    tcase_add_test(tc, rrelu_is_leaky_relu_at_mean_slope);
    tcase_add_test(tc, hardswish_is_x_times_hardsigmoid);
    tcase_add_test(tc, log_sigmoid_is_minus_softplus_of_minus_x);
    tcase_add_test(tc, relu6_is_hardtanh_from_0_to_6);
    tcase_add_test(tc, threshold_0_0_is_relu);
    tcase_add_test(tc, exponential_is_its_own_derivative);
    suite_add_tcase(s, tc);

    tc = tcase_create("jacobian_vjp");
    tcase_add_loop_test(tc, vjp_is_g_times_jacobian, 0, (int)COUNT(ROWWISE));
    tcase_add_loop_test(tc, elementwise_vjp_is_g_times_derivative, 0, n_elem);
    tcase_add_test(tc, prelu_vector_vjp_is_g_times_derivative);
    suite_add_tcase(s, tc);

    tc = tcase_create("finite_differences");
    tcase_add_loop_test(tc, elementwise_derivative_matches_central_difference, 0, n_elem);
    tcase_add_test(tc, non_default_params_derivative_matches_central_difference);
    tcase_add_loop_test(tc, jacobian_matches_central_difference, 0, (int)COUNT(ROWWISE));
    suite_add_tcase(s, tc);

    tc = tcase_create("shapes");
    tcase_add_loop_test(tc, batch_gives_the_same_as_each_row, 0, ACTIV_FN_COUNT);
    tcase_add_test(tc, empty_input_is_a_request_error);
    tcase_add_test(tc, glu_halves_the_row);
    tcase_add_test(tc, glu_rejects_odd_row);
    tcase_add_test(tc, crelu_doubles_the_row);
    tcase_add_test(tc, maxout_k2_halves_the_row);
    tcase_add_test(tc, maxout_k2_rejects_odd_row);
    tcase_add_test(tc, maxout_weights_give_one_value_per_row);
    tcase_add_test(tc, maxout_weights_reject_other_row_length);
    tcase_add_test(tc, prelu_per_feature_alpha);
    tcase_add_test(tc, prelu_scalar_alpha_grad_is_the_total);
    tcase_add_test(tc, prelu_wrong_alpha_length_is_a_params_error);
    suite_add_tcase(s, tc);

    tc = tcase_create("nonfinite");
    tcase_add_test(tc, exponential_overflow_names_the_element);
    tcase_add_test(tc, linear_overflow_is_nonfinite);
    tcase_add_test(tc, log_softmax_of_huge_spread_is_nonfinite);
    tcase_add_test(tc, vjp_rejects_nonfinite_grad_output);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, jacobian_beyond_cell_cap_is_a_limit_error);
    tcase_add_loop_test(tc, elementwise_jacobian_is_a_request_error, 0, n_elem);
    tcase_add_loop_test(tc, rowwise_derivative_is_a_request_error, 0, n_row);
    tcase_add_test(tc, prelu_gradients_refuse_other_functions);
    suite_add_tcase(s, tc);

    tc = tcase_create("extremes");
    tcase_add_loop_test(tc, elementwise_is_finite_at_extremes, 0, n_elem);
    tcase_add_loop_test(tc, rowwise_is_finite_at_extremes, 0, (int)COUNT(ROWWISE));
    tcase_add_test(tc, pytorch_underflows_are_our_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(eval_suite());
}
