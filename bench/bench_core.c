/* bench_core.c -- ns per element of core kernels over 1M doubles, against a naive libm loop */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ/catalog.h"
#include "activ/eval.h"
#include "activ/params.h"

#define N       (1u << 20)
#define REPEATS 7
#define ROW     1000 /* row length for the row-wise functions */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The textbook formulas a first implementation would write. */
static void naive_sigmoid(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = 1.0 / (1.0 + exp(-x[i]));
}
static void naive_tanh(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = tanh(x[i]);
}
static void naive_relu(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : 0.0;
}
static void naive_elu(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] > 0 ? x[i] : exp(x[i]) - 1.0;
}
static void naive_gelu(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = 0.5 * x[i] * (1.0 + erf(x[i] / sqrt(2.0)));
}
static void naive_silu(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] / (1.0 + exp(-x[i]));
}
static void naive_softplus(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = log(1.0 + exp(x[i]));
}
static void naive_mish(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i] * tanh(log(1.0 + exp(x[i])));
}
static void naive_softmax(const double *x, double *y, size_t n)
{
    for (size_t r = 0; r < n / ROW; r++) {
        const double *z = x + r * ROW;
        double *s = y + r * ROW, sum = 0.0;
        for (size_t i = 0; i < ROW; i++) {
            s[i] = exp(z[i]);
            sum += s[i];
        }
        for (size_t i = 0; i < ROW; i++)
            s[i] /= sum;
    }
}

typedef struct bench_case {
    const char *name;
    void (*naive)(const double *, double *, size_t);
} bench_case;

static const bench_case cases[] = {
    {"relu", naive_relu}, {"sigmoid", naive_sigmoid},   {"tanh", naive_tanh},
    {"elu", naive_elu},   {"softplus", naive_softplus}, {"silu", naive_silu},
    {"gelu", naive_gelu}, {"mish", naive_mish},         {"softmax", naive_softmax},
};

/* Best of REPEATS, in ns per element: the minimum is the least disturbed by other load. */
static double time_activ(const activ_bound_fn *fn, activ_shape s, const double *x, double *y)
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        activ_error err;
        double t0 = now_ns();
        if (activ_eval_forward(fn, s, x, y, &err) != ACTIV_OK) {
            fprintf(stderr, "bench: %s: %s\n", fn->entry->name, err.message);
            exit(1);
        }
        double dt = now_ns() - t0;
        best = dt < best ? dt : best;
    }
    return best / N;
}

static double time_naive(void (*f)(const double *, double *, size_t), const double *x, double *y)
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now_ns();
        f(x, y, N);
        double dt = now_ns() - t0;
        best = dt < best ? dt : best;
    }
    return best / N;
}

int main(void)
{
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    if (!x || !y)
        return 1;
    uint64_t state = 0x9e3779b97f4a7c15u; /* xorshift64*: the same inputs every run */
    for (size_t i = 0; i < N; i++) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        x[i] = (double)((state * 0x2545f4914f6cdd1du) >> 11) * 0x1p-53 * 20.0 - 10.0;
    }
    printf("core kernels: %u doubles uniform in [-10, 10], best of %d runs\n", N, REPEATS);
    printf("%-10s %12s %12s %8s\n", "function", "activ ns/el", "naive ns/el", "ratio");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const activ_catalog_entry *e = activ_catalog_find(cases[c].name);
        activ_bound_fn fn;
        activ_error err;
        if (!e || activ_params_bind(e, NULL, 0, &fn, &err) != ACTIV_OK)
            return 1;
        activ_shape s = {1, N, false};
        if (e->kind == ACTIV_KIND_ROWWISE) {
            s.rows = N / ROW;
            s.cols = ROW;
        }
        double ta = time_activ(&fn, s, x, y);
        double tn = time_naive(cases[c].naive, x, y);
        printf("%-10s %12.2f %12.2f %8.2f\n", cases[c].name, ta, tn, ta / tn);
    }
    free(x);
    free(y);
    return 0;
}
