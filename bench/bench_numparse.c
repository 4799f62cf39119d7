/* bench_numparse.c -- ns per number: activ_numparse against strtod and jansson's json_loadb */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ/numparse.h"

#define N       (1u << 20)
#define REPEATS 7

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* xorshift64: the same numbers on every run. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A JSON array of N numbers, ", " between them; each printed by `print`. */
typedef void (*printer)(char *buf, size_t size, uint64_t *seed);

static void print_bits17(char *buf, size_t size, uint64_t *seed)
{
    double d;
    do {
        uint64_t bits = next_random(seed);
        memcpy(&d, &bits, sizeof d);
    } while (!isfinite(d));
    snprintf(buf, size, "%.17g", d);
}

/* Numbers of a service's typical input: 17 digits in [-10, 10] */
static void print_unit17(char *buf, size_t size, uint64_t *seed)
{
    double d = ((double)(next_random(seed) >> 11) / 9007199254740992.0 - 0.5) * 20;
    snprintf(buf, size, "%.17g", d);
}

/* Short numbers: "3", "-1.25", "0.5", "-40.375" */
static void print_short(char *buf, size_t size, uint64_t *seed)
{
    double d = (double)((int)(next_random(seed) % 1000) - 500) / 8;
    snprintf(buf, size, "%g", d);
}

static char *make_array(printer print, size_t *len)
{
    size_t cap = (size_t)N * 28 + 16, n = 0;
    char *text = malloc(cap);
    if (!text)
        abort();
    uint64_t seed = 0x9e3779b97f4a7c15u;
    text[n++] = '[';
    for (size_t i = 0; i < N; i++) {
        char num[40];
        print(num, sizeof num, &seed);
        size_t k = strlen(num);
        memcpy(text + n, num, k);
        n += k;
        if (i + 1 < N) {
            text[n++] = ',';
            text[n++] = ' ';
        }
    }
    text[n++] = ']';
    text[n] = '\0';
    *len = n;
    return text;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median and the best of REPEATS times: the best is what the code costs, the median
 * what a machine shared with other work gave. */
static void summarise(double *t, double *med, double *best)
{
    qsort(t, REPEATS, sizeof *t, by_value);
    *med = t[REPEATS / 2];
    *best = t[0];
}

/* Each method reads the whole array text and returns a checksum of the values' bits (so the
 * loops are not optimised away, and the methods can be compared). */
static uint64_t sum_bits(const double *d, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t b;
        memcpy(&b, &d[i], sizeof b);
        s += b;
    }
    return s;
}

static double *values;

static uint64_t run_matrix(const char *text, size_t len)
{
    activ_nummatrix m;
    const char *stop;
    if (activ_numparse_matrix(text, text + len, N, NULL, &m, &stop) != ACTIV_NUMPARSE_OK ||
        m.cols != N)
        abort();
    uint64_t s = sum_bits(m.data, m.cols);
    free(m.data);
    return s;
}

static uint64_t run_double(const char *text, size_t len)
{
    const char *p = text + 1, *end = text + len;
    for (size_t i = 0; i < N; i++) {
        if (activ_numparse_double(p, end, &values[i], &p) != ACTIV_NUMPARSE_OK)
            abort();
        p += 2; /* ", " */
    }
    return sum_bits(values, N);
}

static uint64_t run_strtod(const char *text, size_t len)
{
    (void)len;
    const char *p = text + 1;
    for (size_t i = 0; i < N; i++) {
        char *e;
        values[i] = strtod(p, &e);
        p = e + 2;
    }
    return sum_bits(values, N);
}

static uint64_t run_jansson(const char *text, size_t len)
{
    json_error_t err;
    json_t *a = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &err);
    if (!json_is_array(a) || json_array_size(a) != N)
        abort();
    for (size_t i = 0; i < N; i++)
        values[i] = json_real_value(json_array_get(a, i));
    json_decref(a);
    return sum_bits(values, N);
}

typedef struct method {
    const char *name;
    uint64_t (*run)(const char *text, size_t len);
} method;

static const method methods[] = {
    {"activ_numparse_matrix", run_matrix},
    {"activ_numparse_double", run_double},
    {"strtod", run_strtod},
    {"json_loadb", run_jansson},
};

int main(void)
{
    static const struct {
        const char *name;
        printer print;
    } inputs[] = {
        {"random bits, %.17g", print_bits17},
        {"[-10, 10], %.17g", print_unit17},
        {"short (3, -1.25, 0.5)", print_short},
    };
    values = malloc((size_t)N * sizeof *values);
    if (!values)
        abort();
    printf("%u numbers in one JSON array, %d runs\n", N, REPEATS);
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        size_t len;
        char *text = make_array(inputs[k].print, &len);
        printf("\n%s: %.1f bytes per number\n", inputs[k].name, (double)len / N);
        printf("  %-22s %7s %7s\n", "ns per number", "best", "median");
        uint64_t want = 0;
        for (size_t j = 0; j < sizeof methods / sizeof methods[0]; j++) {
            double t[REPEATS];
            for (int r = 0; r < REPEATS; r++) {
                double t0 = now_ns();
                uint64_t sum = methods[j].run(text, len);
                t[r] = now_ns() - t0;
                if (j == 0 && r == 0)
                    want = sum;
                else if (sum != want)
                    printf("  %s: values differ from activ_numparse_matrix's\n", methods[j].name);
            }
            double med, best;
            summarise(t, &med, &best);
            printf("  %-22s %7.1f %7.1f\n", methods[j].name, best / N, med / N);
        }
        free(text);
    }
    free(values);
    return 0;
}
