/* bench_core.c -- ns per element of every core kernel over 1M doubles, against a naive libm loop
 *
 * Usage: bench_core [--tsv] [--dump FILE]
 *   --tsv        one line per function: name, activ ns/element, naive ns/element (for bench/run.py)
 *   --dump FILE  also write the input (N native-endian binary64 values) to FILE, so that
 *                bench/peer/kernels.py times numpy and torch on exactly the same data */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ/catalog.h"
#include "activ/eval.h"
#include "activ/params.h"

#define N        1000000u
#define REPEATS  7
#define ROW      1000u /* row length for the row-wise functions: N / ROW rows */
#define MAXOUT_K 2.0   /* maxout has no default group size; pairs, like a 2-piece maxout */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The textbook formulas a first implementation would write, with the default parameters:
 * no care for overflow, cancellation or subnormals. Each reads x[i] and writes y[i]. */
#define NAIVE(name, expr)                                                                          \
    static void naive_##name(const double *xs, double *y, size_t n)                                \
    {                                                                                              \
        for (size_t i = 0; i < n; i++) {                                                           \
            double x = xs[i];                                                                      \
            y[i] = (expr);                                                                         \
        }                                                                                          \
    }

/* SELU's constants (Klambauer et al. 2017), as in SPEC section 1. */
#define SELU_SCALE 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717

NAIVE(binary_step, x >= 0 ? 1.0 : 0.0)
NAIVE(linear, 1.0 * x)
NAIVE(sigmoid, 1.0 / (1.0 + exp(-x)))
NAIVE(tanh, tanh(x))
NAIVE(relu, x > 0 ? x : 0.0)
NAIVE(leaky_relu, x >= 0 ? x : 0.01 * x)
NAIVE(prelu, x >= 0 ? x : 0.25 * x)
NAIVE(elu, x > 0 ? x : exp(x) - 1.0)
NAIVE(selu, (x > 0 ? x : SELU_ALPHA * (exp(x) - 1.0)) * SELU_SCALE)
NAIVE(celu, fmax(0.0, x) + fmin(0.0, exp(x) - 1.0))
NAIVE(gelu, 0.5 * x * (1.0 + erf(x / sqrt(2.0))))
NAIVE(silu, x / (1.0 + exp(-x)))
NAIVE(mish, tanh(log(1.0 + exp(x))) * x)
NAIVE(softplus, log(1.0 + exp(x)))
NAIVE(softsign, x / (1.0 + fabs(x)))
NAIVE(hardtanh, x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x))
NAIVE(relu6, fmin(fmax(x, 0.0), 6.0))
NAIVE(hardsigmoid, fmin(fmax(x + 3.0, 0.0), 6.0) / 6.0)
NAIVE(hardswish, fmin(fmax(x + 3.0, 0.0), 6.0) * x / 6.0)
NAIVE(log_sigmoid, -log(1.0 + exp(-x)))
NAIVE(tanhshrink, x - tanh(x))
NAIVE(softshrink, x > 0.5 ? x - 0.5 : (x < -0.5 ? x + 0.5 : 0.0))
NAIVE(hardshrink, fabs(x) > 0.5 ? x : 0.0)
NAIVE(threshold, x > 0 ? x : 0.0)
NAIVE(rrelu, x >= 0 ? x : (1.0 / 8 + 1.0 / 3) / 2 * x)
NAIVE(squareplus, (x + sqrt(x * x + 4.0)) / 2.0)
NAIVE(sparse_plus, x <= -1.0 ? 0.0 : (x >= 1.0 ? x : (x + 1.0) * (x + 1.0) / 4.0))
NAIVE(sparse_sigmoid, x <= -1.0 ? 0.0 : (x >= 1.0 ? 1.0 : (x + 1.0) / 2.0))
NAIVE(exponential, exp(x))
NAIVE(lisht, tanh(x) * x)
NAIVE(snake, x + sin(x) * sin(x))

/* Row-wise: n / ROW rows of ROW values. */
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
static void naive_softmin(const double *x, double *y, size_t n)
{
    for (size_t r = 0; r < n / ROW; r++) {
        const double *z = x + r * ROW;
        double *s = y + r * ROW, sum = 0.0;
        for (size_t i = 0; i < ROW; i++) {
            s[i] = exp(-z[i]);
            sum += s[i];
        }
        for (size_t i = 0; i < ROW; i++)
            s[i] /= sum;
    }
}
static void naive_log_softmax(const double *x, double *y, size_t n)
{
    for (size_t r = 0; r < n / ROW; r++) {
        const double *z = x + r * ROW;
        double sum = 0.0;
        for (size_t i = 0; i < ROW; i++)
            sum += exp(z[i]);
        double lse = log(sum);
        for (size_t i = 0; i < ROW; i++)
            y[r * ROW + i] = z[i] - lse;
    }
}
static int descending(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u < v) - (u > v);
}
/* Martins & Astudillo (2016), Algorithm 1: sort, find the support, threshold. */
static void naive_sparsemax(const double *x, double *y, size_t n)
{
    static double sorted[ROW];
    for (size_t r = 0; r < n / ROW; r++) {
        const double *z = x + r * ROW;
        memcpy(sorted, z, sizeof sorted);
        qsort(sorted, ROW, sizeof sorted[0], descending);
        double cum = 0.0, tau = 0.0;
        for (size_t k = 0; k < ROW; k++) {
            cum += sorted[k];
            if (1.0 + (double)(k + 1) * sorted[k] > cum)
                tau = (cum - 1.0) / (double)(k + 1);
        }
        for (size_t i = 0; i < ROW; i++)
            y[r * ROW + i] = z[i] > tau ? z[i] - tau : 0.0;
    }
}
static void naive_glu(const double *x, double *y, size_t n)
{
    for (size_t r = 0; r < n / ROW; r++) {
        const double *z = x + r * ROW;
        for (size_t i = 0; i < ROW / 2; i++)
            y[r * (ROW / 2) + i] = z[i] / (1.0 + exp(-z[i + ROW / 2]));
    }
}
static void naive_crelu(const double *x, double *y, size_t n)
{
    for (size_t r = 0; r < n / ROW; r++) {
        const double *z = x + r * ROW;
        double *out = y + r * 2 * ROW;
        for (size_t i = 0; i < ROW; i++) {
            out[i] = z[i] > 0 ? z[i] : 0.0;
            out[ROW + i] = -z[i] > 0 ? -z[i] : 0.0;
        }
    }
}
static void naive_maxout(const double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n / 2; i++)
        y[i] = x[2 * i] > x[2 * i + 1] ? x[2 * i] : x[2 * i + 1];
}

typedef void (*naive_fn)(const double *, double *, size_t);

/* One naive loop per catalog function, indexed by activ_fn_id. */
static const naive_fn naive[ACTIV_FN_COUNT] = {
    [ACTIV_FN_BINARY_STEP] = naive_binary_step,
    [ACTIV_FN_LINEAR] = naive_linear,
    [ACTIV_FN_SIGMOID] = naive_sigmoid,
    [ACTIV_FN_TANH] = naive_tanh,
    [ACTIV_FN_RELU] = naive_relu,
    [ACTIV_FN_LEAKY_RELU] = naive_leaky_relu,
    [ACTIV_FN_PRELU] = naive_prelu,
    [ACTIV_FN_ELU] = naive_elu,
    [ACTIV_FN_SELU] = naive_selu,
    [ACTIV_FN_CELU] = naive_celu,
    [ACTIV_FN_GELU] = naive_gelu,
    [ACTIV_FN_SILU] = naive_silu,
    [ACTIV_FN_MISH] = naive_mish,
    [ACTIV_FN_SOFTPLUS] = naive_softplus,
    [ACTIV_FN_SOFTSIGN] = naive_softsign,
    [ACTIV_FN_HARDTANH] = naive_hardtanh,
    [ACTIV_FN_RELU6] = naive_relu6,
    [ACTIV_FN_HARDSIGMOID] = naive_hardsigmoid,
    [ACTIV_FN_HARDSWISH] = naive_hardswish,
    [ACTIV_FN_LOG_SIGMOID] = naive_log_sigmoid,
    [ACTIV_FN_TANHSHRINK] = naive_tanhshrink,
    [ACTIV_FN_SOFTSHRINK] = naive_softshrink,
    [ACTIV_FN_HARDSHRINK] = naive_hardshrink,
    [ACTIV_FN_THRESHOLD] = naive_threshold,
    [ACTIV_FN_RRELU] = naive_rrelu,
    [ACTIV_FN_SQUAREPLUS] = naive_squareplus,
    [ACTIV_FN_SPARSE_PLUS] = naive_sparse_plus,
    [ACTIV_FN_SPARSE_SIGMOID] = naive_sparse_sigmoid,
    [ACTIV_FN_EXPONENTIAL] = naive_exponential,
    [ACTIV_FN_LISHT] = naive_lisht,
    [ACTIV_FN_SNAKE] = naive_snake,
    [ACTIV_FN_SOFTMAX] = naive_softmax,
    [ACTIV_FN_LOG_SOFTMAX] = naive_log_softmax,
    [ACTIV_FN_SOFTMIN] = naive_softmin,
    [ACTIV_FN_SPARSEMAX] = naive_sparsemax,
    [ACTIV_FN_GLU] = naive_glu,
    [ACTIV_FN_CRELU] = naive_crelu,
    [ACTIV_FN_MAXOUT] = naive_maxout,
};

/* Best of REPEATS, in ns per input element: the minimum is the least disturbed by other load. */
static double time_activ(const activ_bound_fn *fn, activ_shape s, const double *x, double *y)
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        activ_error err;
        double t0 = now_ns();
        if (activ_eval_forward(fn, s, x, y, &err) != ACTIV_OK) {
            fprintf(stderr, "bench_core: %s: %s\n", fn->entry->name, err.message);
            exit(1);
        }
        double dt = now_ns() - t0;
        best = dt < best ? dt : best;
    }
    return best / N;
}

static double time_naive(naive_fn f, const double *x, double *y)
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

/* Binds e with its defaults; maxout, which has none for its group size, gets k = MAXOUT_K. */
static int bind(const activ_catalog_entry *e, activ_bound_fn *fn)
{
    activ_param_arg k = {.name = "k", .type = ACTIV_VALUE_NUMBER, .number = MAXOUT_K};
    bool is_maxout = e->id == ACTIV_FN_MAXOUT;
    activ_error err;
    if (activ_params_bind(e, is_maxout ? &k : NULL, is_maxout ? 1 : 0, fn, &err) != ACTIV_OK) {
        fprintf(stderr, "bench_core: %s: %s\n", e->name, err.message);
        return -1;
    }
    return 0;
}

static int dump(const char *path, const double *x)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t written = fwrite(x, sizeof *x, N, f);
    if (fclose(f) != 0 || written != N) {
        perror(path);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    bool tsv = false;
    const char *dump_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--tsv") == 0) {
            tsv = true;
        } else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
            dump_path = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_core [--tsv] [--dump FILE]\n");
            return 2;
        }
    }

    /* y holds the largest output: crelu doubles the row */
    double *x = malloc(N * sizeof *x), *y = malloc(2 * N * sizeof *y);
    if (!x || !y)
        return 1;
    uint64_t state = 0x9e3779b97f4a7c15u; /* xorshift64*: the same inputs every run */
    for (size_t i = 0; i < N; i++) {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        x[i] = (double)((state * 0x2545f4914f6cdd1du) >> 11) * 0x1p-53 * 20.0 - 10.0;
    }
    if (dump_path && dump(dump_path, x) != 0)
        return 1;

    if (!tsv) {
        printf("core kernels: %u doubles uniform in [-10, 10] (row-wise: %u rows of %u), "
               "best of %d runs\n",
               N, N / ROW, ROW, REPEATS);
        printf("%-15s %12s %12s %8s\n", "function", "activ ns/el", "naive ns/el", "ratio");
    }
    size_t count;
    const activ_catalog_entry *all = activ_catalog_all(&count);
    for (size_t c = 0; c < count; c++) {
        const activ_catalog_entry *e = &all[c];
        activ_bound_fn fn;
        if (!naive[e->id]) {
            fprintf(stderr, "bench_core: %s: no naive loop to compare with\n", e->name);
            return 1;
        }
        if (bind(e, &fn) != 0)
            return 1;
        activ_shape s = {1, N, false};
        if (e->kind == ACTIV_KIND_ROWWISE)
            s = (activ_shape){N / ROW, ROW, true};
        double ta = time_activ(&fn, s, x, y);
        double tn = time_naive(naive[e->id], x, y);
        if (tsv)
            printf("%s\t%.3f\t%.3f\n", e->name, ta, tn);
        else
            printf("%-15s %12.2f %12.2f %8.2f\n", e->name, ta, tn, ta / tn);
    }
    free(x);
    free(y);
    return 0;
}
