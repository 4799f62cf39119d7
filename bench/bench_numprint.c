/* bench_numprint.c -- ns per double of activ_numprint_double against snprintf("%.17g") */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ/numprint.h"

#define N       (1u << 20)
#define REPEATS 7

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* splitmix64: the same inputs every run. */
static uint64_t next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* The texts go one after another into `out`, as into a response body; the total length
 * keeps the compiler from dropping the work. */
static size_t run_numprint(const double *x, char *out)
{
    size_t total = 0;
    for (size_t i = 0; i < N; i++)
        total += activ_numprint_double(x[i], out + total % (1u << 16));
    return total;
}

static size_t run_printf(const double *x, char *out)
{
    size_t total = 0;
    for (size_t i = 0; i < N; i++)
        total += (size_t)snprintf(out + total % (1u << 16), 32, "%.17g", x[i]);
    return total;
}

/* Best of REPEATS, in ns per double: the minimum is the least disturbed by other load. */
static double best_ns(size_t (*run)(const double *, char *), const double *x, char *out,
                      double *chars)
{
    double best = INFINITY;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now_ns();
        size_t total = run(x, out);
        double dt = now_ns() - t0;
        best = dt < best ? dt : best;
        *chars = (double)total / N;
    }
    return best / N;
}

int main(void)
{
    double *random_bits = malloc(N * sizeof *random_bits);
    double *sigmoid = malloc(N * sizeof *sigmoid);
    char *out = malloc((1u << 16) + ACTIV_NUMPRINT_MAX);
    if (!random_bits || !sigmoid || !out)
        return 1;
    uint64_t state = 42;
    for (size_t i = 0; i < N;) {
        uint64_t b = next(&state);
        double v;
        memcpy(&v, &b, sizeof v);
        if (isfinite(v))
            random_bits[i++] = v;
    }
    for (size_t i = 0; i < N; i++) {
        double x = (double)(next(&state) >> 11) * 0x1p-53 * 20.0 - 10.0;
        sigmoid[i] = 1.0 / (1.0 + exp(-x));
    }

    struct {
        const char *name;
        const double *x;
    } sets[] = {{"random bits", random_bits}, {"sigmoid(U[-10,10])", sigmoid}};
    printf("numprint: %u doubles per set, best of %d runs\n", N, REPEATS);
    printf("%-20s %14s %8s %14s %8s %8s\n", "set", "numprint ns", "chars", "%.17g ns", "chars",
           "speedup");
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        double np_chars, pf_chars;
        double np = best_ns(run_numprint, sets[s].x, out, &np_chars);
        double pf = best_ns(run_printf, sets[s].x, out, &pf_chars);
        printf("%-20s %14.1f %8.2f %14.1f %8.2f %8.1f\n", sets[s].name, np, np_chars, pf, pf_chars,
               pf / np);
    }
    free(random_bits);
    free(sigmoid);
    free(out);
    return 0;
}
