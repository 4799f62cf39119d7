/* test_numprint.c -- activ_numprint_double: known texts, the format, round trip, length against
 * jansson 2.14, shortest and nearest digits (glibc's printf and strtod as oracles), and the
 * power-of-ten table it reads */
#include <assert.h>
#include <check.h>
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../server/service/numprint_table.h"
#include "activ/numprint.h"
#include "check_main.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Random doubles checked by random_doubles_round_trip: ACTIV_PROOF_COUNT, or this many. Every
 * SHORTEST_EVERY-th one also gets the shortest and nearest checks (a few printf calls). */
#define PROOF_DEFAULT  300000
#define SHORTEST_EVERY 16

static uint64_t bits_of(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static double double_of(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* splitmix64 (Steele, Lea, Flood 2014): a fixed seed gives the same doubles every run. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading texts back */

/* A decimal: significant digits (no leading or trailing zero) and the exponent of the first:
 * value = 0.d1d2...dn x 10^(exp+1). */
typedef struct decimal {
    bool neg;
    int n;
    char digits[32];
    int exp;
} decimal;

static bool same_decimal(const decimal *a, const decimal *b)
{
    return a->n == b->n && a->exp == b->exp && memcmp(a->digits, b->digits, (size_t)a->n) == 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parses a text of activ_numprint_double for a nonzero value, checking every rule of the
 * format (numprint.h); on a breach returns false with the rule in why. */
static bool parse_text(const char *s, decimal *d, const char **why)
{
    memset(d, 0, sizeof *d);
    d->neg = *s == '-';
    if (d->neg)
        s++;
    const char *e = strchr(s, 'e');
    if (e) {
        if (s[0] < '1' || s[0] > '9') {
            *why = "scientific: the first digit is not 1-9";
            return false;
        }
        d->digits[d->n++] = s[0];
        const char *p = s + 1;
        if (*p == '.') {
            p++;
            if (p == e) {
                *why = "scientific: '.' without digits";
                return false;
            }
            for (; p < e; p++) {
                if (!is_digit(*p) || d->n >= 20) {
                    *why = "scientific: bad fraction";
                    return false;
                }
                d->digits[d->n++] = *p;
            }
            if (e[-1] == '0') {
                *why = "scientific: trailing zero";
                return false;
            }
        } else if (p != e) {
            *why = "scientific: junk before 'e'";
            return false;
        }
        p = e + 1;
        bool neg_exp = *p == '-';
        if (neg_exp)
            p++;
        if (*p < '1' || *p > '9') {
            *why = "scientific: exponent has a sign '+', a leading zero or no digit";
            return false;
        }
        int x = 0;
        for (; *p; p++) {
            if (!is_digit(*p) || x > 1000) {
                *why = "scientific: bad exponent";
                return false;
            }
            x = 10 * x + (*p - '0');
        }
        d->exp = neg_exp ? -x : x;
        if (d->exp >= -4 && d->exp < 17) {
            *why = "scientific notation where %.17g would use fixed";
            return false;
        }
        return true;
    }

    const char *dot = strchr(s, '.');
    if (!dot || dot == s || dot[1] == '\0') {
        *why = "fixed: no digit before or after '.'";
        return false;
    }
    size_t int_len = (size_t)(dot - s);
    const char *frac = dot + 1;
    size_t frac_len = strlen(frac);
    for (size_t i = 0; i < int_len; i++) {
        if (!is_digit(s[i])) {
            *why = "fixed: bad integer part";
            return false;
        }
    }
    for (size_t i = 0; i < frac_len; i++) {
        if (!is_digit(frac[i])) {
            *why = "fixed: bad fraction";
            return false;
        }
    }
    if (int_len > 1 && s[0] == '0') {
        *why = "fixed: leading zero";
        return false;
    }
    if (int_len == 1 && s[0] == '0') { /* 0.000ddd */
        size_t zeros = strspn(frac, "0");
        if (zeros == frac_len || frac[frac_len - 1] == '0') {
            *why = "fixed: zero value or trailing zero";
            return false;
        }
        d->exp = -(int)zeros - 1;
        for (size_t i = zeros; i < frac_len; i++)
            d->digits[d->n++] = frac[i];
    } else { /* ddd.ddd or ddd.0 */
        d->exp = (int)int_len - 1;
        if (strcmp(frac, "0") == 0) {
            while (int_len > 1 && s[int_len - 1] == '0')
                int_len--;
            frac_len = 0;
        } else if (frac[frac_len - 1] == '0') {
            *why = "fixed: trailing zero";
            return false;
        }
        if (int_len + frac_len > 20) {
            *why = "fixed: too many digits";
            return false;
        }
        memcpy(d->digits, s, int_len);
        memcpy(d->digits + int_len, frac, frac_len);
        d->n = (int)(int_len + frac_len);
    }
    if (d->exp < -4 || d->exp >= 17) {
        *why = "fixed notation where %.17g would use scientific";
        return false;
    }
    return true;
}

/* The digits of printf's "%.*e" (d.ddde±XX, x > 0), trailing zeros dropped. */
static void parse_printf_e(const char *s, decimal *d)
{
    memset(d, 0, sizeof *d);
    for (; *s != 'e'; s++) {
        if (is_digit(*s))
            d->digits[d->n++] = *s;
    }
    while (d->n > 1 && d->digits[d->n - 1] == '0')
        d->n--;
    d->exp = atoi(s + 1);
}

/* printf("%.*e", prec, x) in rounding mode `mode`: glibc rounds the exact binary value as the
 * mode says (checked by printf_honours_rounding_modes). strtod must run in the default mode. */
static void print_rounded(char *out, size_t size, int prec, double x, int mode)
{
    fesetround(mode);
    snprintf(out, size, "%.*e", prec, x);
    fesetround(FE_TONEAREST);
}

static bool reads_back(const char *s, double x)
{
    return bits_of(strtod(s, NULL)) == bits_of(x);
}

/* The length of what jansson 2.14 prints for a real (strconv.c, without dtoa): "%.17g", ".0"
 * appended when the text has no '.' and no 'e', and the exponent's '+' and leading zeros
 * removed ("1e+23" -> "1e23", "1e-07" -> "1e-7"). jansson_model_matches_jansson checks it. */
static size_t jansson_214_len(double v)
{
    char s[64];
    size_t len = (size_t)snprintf(s, sizeof s, "%.17g", v);
    const char *e = strchr(s, 'e');
    if (!strchr(s, '.') && !e)
        len += 2;
    if (e) {
        const char *p = e + 1;
        if (*p == '+')
            len--;
        p++;
        while (*p == '0') {
            len--;
            p++;
        }
    }
    return len;
}

/* ------------------------------------------------------------------------------------------ */
/* The contract, for one double */

static char failure[512];
static int last_digits; /* significant digits of the last text check_one() read */

/* Checks the text of v: length and NUL within ACTIV_NUMPRINT_MAX, the format, the round trip,
 * no longer than jansson 2.14's; with `full` also that no text of one digit fewer reads back
 * and that the digits are those of the nearest decimal of their count that reads back (ties
 * to even), both by glibc's printf in directed rounding modes. On failure returns false with
 * the reason in `failure`. */
static bool check_one(double v, bool full)
{
    char buf[ACTIV_NUMPRINT_MAX + 8];
    memset(buf, 'x', sizeof buf);
    size_t len = activ_numprint_double(v, buf);
    if (len >= ACTIV_NUMPRINT_MAX || buf[len] != '\0' || strlen(buf) != len) {
        snprintf(failure, sizeof failure, "%a: length %zu, NUL or limit wrong", v, len);
        return false;
    }
    for (size_t i = ACTIV_NUMPRINT_MAX; i < sizeof buf; i++) {
        if (buf[i] != 'x') {
            snprintf(failure, sizeof failure, "%a: wrote past ACTIV_NUMPRINT_MAX", v);
            return false;
        }
    }
    char *end;
    double back = strtod(buf, &end);
    if (*end != '\0' || bits_of(back) != bits_of(v)) {
        snprintf(failure, sizeof failure, "%a: \"%s\" reads back as %a", v, buf, back);
        return false;
    }
    if (v == 0.0) {
        if (strcmp(buf, signbit(v) ? "-0.0" : "0.0") != 0) {
            snprintf(failure, sizeof failure, "%a: \"%s\"", v, buf);
            return false;
        }
        return true;
    }
    decimal ours;
    const char *why = NULL;
    if (!parse_text(buf, &ours, &why)) {
        snprintf(failure, sizeof failure, "%a: \"%s\": %s", v, buf, why);
        return false;
    }
    last_digits = ours.n;
    if (ours.neg != (signbit(v) != 0)) {
        snprintf(failure, sizeof failure, "%a: \"%s\": sign", v, buf);
        return false;
    }
    size_t jlen = jansson_214_len(v);
    if (len > jlen) {
        snprintf(failure, sizeof failure, "%a: \"%s\" longer than jansson's %zu", v, buf, jlen);
        return false;
    }
    if (!full)
        return true;

    double a = fabs(v);
    char lo[64], hi[64];
    if (ours.n > 1) { /* the greatest and least decimals of n-1 digits below and above a */
        print_rounded(lo, sizeof lo, ours.n - 2, a, FE_DOWNWARD);
        print_rounded(hi, sizeof hi, ours.n - 2, a, FE_UPWARD);
        if (reads_back(lo, a) || reads_back(hi, a)) {
            snprintf(failure, sizeof failure, "%a: \"%s\" not shortest: %s / %s read back", v, buf,
                     lo, hi);
            return false;
        }
    }
    char near[64];
    print_rounded(lo, sizeof lo, ours.n - 1, a, FE_DOWNWARD);
    print_rounded(hi, sizeof hi, ours.n - 1, a, FE_UPWARD);
    print_rounded(near, sizeof near, ours.n - 1, a, FE_TONEAREST);
    bool lo_ok = reads_back(lo, a), hi_ok = reads_back(hi, a);
    const char *want = lo_ok && hi_ok ? near : lo_ok ? lo : hi_ok ? hi : NULL;
    decimal w;
    if (want)
        parse_printf_e(want, &w);
    if (!want || !same_decimal(&ours, &w)) {
        snprintf(failure, sizeof failure, "%a: \"%s\" not the nearest: %s %s, %s %s, near %s", v,
                 buf, lo, lo_ok ? "reads back" : "does not", hi, hi_ok ? "reads back" : "does not",
                 near);
        return false;
    }
    return true;
}

#define CHECK_ONE(v, full)                                                                         \
    do {                                                                                           \
        if (!check_one((v), (full)))                                                               \
            ck_abort_msg("%s", failure);                                                           \
    } while (0)

/* v, its neighbours, and the same three negated. */
static void check_around(double v)
{
    const double around[] = {v, nextafter(v, -INFINITY), nextafter(v, INFINITY)};
    for (size_t i = 0; i < COUNT(around); i++) {
        if (isfinite(around[i])) {
            CHECK_ONE(around[i], true);
            CHECK_ONE(-around[i], false);
        }
    }
}

static void expect_text(double v, const char *want)
{
    char buf[ACTIV_NUMPRINT_MAX];
    size_t len = activ_numprint_double(v, buf);
    if (strcmp(buf, want) != 0 || len != strlen(want))
        ck_abort_msg("%a: \"%s\" (%zu), want \"%s\"", v, buf, len, want);
}

/* ------------------------------------------------------------------------------------------ */
/* Known texts: Python 3.11's repr() (shortest, nearest, ties to even; an implementation of its
 * own, David Gay's), rewritten by hand into this format: no "+" nor leading zero in exponents,
 * scientific from 1e17 (repr switches at 1e16), ".0" on integral fixed texts. */

typedef struct known {
    const char *what;
    double v;
    const char *text;
} known;

static const known knowns[] = {
    {"0.1", 0x1.999999999999ap-4, "0.1"},
    {"1.5e-7", 0x1.421f5f40d8376p-23, "1.5e-7"},
    {"1/3", 0x1.5555555555555p-2, "0.3333333333333333"},
    {"2/3", 0x1.5555555555555p-1, "0.6666666666666666"},
    {"0.1 + 0.2", 0x1.3333333333334p-2, "0.30000000000000004"},
    {"DBL_TRUE_MIN", 0x0.0000000000001p-1022, "5e-324"},
    {"2 DBL_TRUE_MIN", 0x0.0000000000002p-1022, "1e-323"},
    {"3 DBL_TRUE_MIN", 0x0.0000000000003p-1022, "1.5e-323"},
    {"18 DBL_TRUE_MIN: nearer than 8.9e-323", 0x0.0000000000012p-1022, "9e-323"},
    {"88 DBL_TRUE_MIN", 0x0.0000000000058p-1022, "4.35e-322"},
    {"DBL_MIN", 0x1.0000000000000p-1022, "2.2250738585072014e-308"},
    {"largest subnormal", 0x0.fffffffffffffp-1022, "2.225073858507201e-308"},
    {"1.5 DBL_MIN", 0x1.8000000000000p-1022, "3.337610787760802e-308"},
    {"DBL_MAX", 0x1.fffffffffffffp+1023, "1.7976931348623157e308"},
    {"below DBL_MAX", 0x1.ffffffffffffep+1023, "1.7976931348623155e308"},
    {"2^1023", 0x1.0000000000000p+1023, "8.98846567431158e307"},
    {"DBL_MAX / 3", 0x1.5555555555555p+1022, "5.992310449541053e307"},
    {"1e23", 0x1.52d02c7e14af6p+76, "1e23"},
    {"1e22", 0x1.0f0cf064dd592p+73, "1e22"},
    {"1e21", 0x1.b1ae4d6e2ef50p+69, "1e21"},
    {"2^53", 0x1.0000000000000p+53, "9007199254740992.0"},
    {"9007199254740993 (rounds to 2^53)", 9007199254740993.0, "9007199254740992.0"},
    {"2^53 + 2", 0x1.0000000000001p+53, "9007199254740994.0"},
    {"9007199254740995 (rounds to 2^53 + 4)", 9007199254740995.0, "9007199254740996.0"},
    {"2^54 + 4", 0x1.0000000000001p+54, "18014398509481988.0"},
    {"2^63", 0x1.0000000000000p+63, "9.223372036854776e18"},
    {"2^64", 0x1.0000000000000p+64, "1.8446744073709552e19"},
    {"0.0", 0.0, "0.0"},
    {"-0.0", -0.0, "-0.0"},
    {"1e16", 0x1.1c37937e08000p+53, "10000000000000000.0"},
    {"1e17", 0x1.6345785d8a000p+56, "1e17"},
    {"9.999999999999999e16", 0x1.6345785d89fffp+56, "99999999999999980.0"},
    {"123456789012345680000", 0x1.ac53a7e04bcdap+66, "1.2345678901234568e20"},
    {"1.0", 0x1.0000000000000p+0, "1.0"},
    {"-1.0", -0x1.0000000000000p+0, "-1.0"},
    {"100.0", 0x1.9000000000000p+6, "100.0"},
    {"2.5", 0x1.4000000000000p+1, "2.5"},
    {"0.5", 0x1.0000000000000p-1, "0.5"},
    {"0.3", 0x1.3333333333333p-2, "0.3"},
    {"0.001", 0x1.0624dd2f1a9fcp-10, "0.001"},
    {"123.456", 0x1.edd2f1a9fbe77p+6, "123.456"},
    {"12345678.9", 0x1.78c29dccccccdp+23, "12345678.9"},
    {"1e15 + 0.3", 0x1.c6bf526340002p+49, "1000000000000000.2"},
    {"1e-5", 0x1.4f8b588e368f1p-17, "1e-5"},
    {"5e-5", 0x1.a36e2eb1c432dp-15, "5e-5"},
    {"1e-4", 0x1.a36e2eb1c432dp-14, "0.0001"},
    {"below 1e-4", 0x1.a36e2eb1c432cp-14, "9.999999999999999e-5"},
    {"0.00012345678901234567", 0x1.02e85be180b74p-13, "0.00012345678901234567"},
    {"1 + 2^-52", 0x1.0000000000001p+0, "1.0000000000000002"},
    {"1 - 2^-53", 0x1.fffffffffffffp-1, "0.9999999999999999"},
    {"1e300", 0x1.7e43c8800759cp+996, "1e300"},
    {"1e-300", 0x1.56e1fc2f8f359p-997, "1e-300"},
    {"-1.5e-7", -0x1.421f5f40d8376p-23, "-1.5e-7"},
    {"-DBL_TRUE_MIN", -0x0.0000000000001p-1022, "-5e-324"},
    {"-DBL_MAX", -0x1.fffffffffffffp+1023, "-1.7976931348623157e308"},
    {"pi", 0x1.921fb54442d18p+1, "3.141592653589793"},
    {"e", 0x1.5bf0a8b145769p+1, "2.718281828459045"},
    {"sigmoid(1)", 0x1.764d4f5d5a2bdp-1, "0.7310585786300049"},
    /* c = 8887055249355788, q = 664: 4v/10^199 is 2^-65.4 above an integer, the least such
     * fraction of any double (gen_numprint_table.py), where numprint.c's rounding to odd
     * has the least margin. */
    {"the least fraction, q = 664", 0x1.f92bacb3cb40cp+716, "6.802601037806062e215"},
};

START_TEST(known_values)
{
    const known *k = &knowns[_i];
    char buf[ACTIV_NUMPRINT_MAX];
    size_t len = activ_numprint_double(k->v, buf);
    ck_assert_msg(strcmp(buf, k->text) == 0, "%s: \"%s\", want \"%s\"", k->what, buf, k->text);
    ck_assert_uint_eq(len, strlen(k->text));
    CHECK_ONE(k->v, true);
}
END_TEST

/* ------------------------------------------------------------------------------------------ */
/* The format */

START_TEST(non_finite_is_null)
{
    const double v[] = {INFINITY,
                        -INFINITY,
                        NAN,
                        -NAN,
                        double_of(0x7ff0000000000001u),
                        double_of(0xfff8000000000001u)};
    for (size_t i = 0; i < COUNT(v); i++)
        expect_text(v[i], "null");
}
END_TEST

/* %.17g's switch: scientific below 1e-4 and from 1e17. */
START_TEST(notation_switches_where_17g_does)
{
    expect_text(0.0001, "0.0001");
    expect_text(0.00012, "0.00012");
    expect_text(0.00001, "1e-5");
    expect_text(0.000012, "1.2e-5");
    expect_text(1e16, "10000000000000000.0");
    expect_text(1.2e16, "12000000000000000.0");
    expect_text(12345678901234568.0, "12345678901234568.0");
    expect_text(1e17, "1e17");
    expect_text(1.2e17, "1.2e17");
    expect_text(-1.2e17, "-1.2e17");
    expect_text(1e100, "1e100");
    expect_text(1e-100, "1e-100");
    expect_text(1.5e-10, "1.5e-10");
}
END_TEST

/* Integers below 2^53 are exact, and R holds no other integer: the text is the integer. */
START_TEST(integers_print_as_themselves)
{
    char want[32];
    for (uint64_t i = 1; i <= 100000; i++) {
        snprintf(want, sizeof want, "%" PRIu64 ".0", i);
        expect_text((double)i, want);
    }
    for (uint64_t i = (UINT64_C(1) << 53) - 20000; i <= UINT64_C(1) << 53; i++) {
        snprintf(want, sizeof want, "%" PRIu64 ".0", i);
        expect_text((double)i, want);
    }
}
END_TEST

/* ------------------------------------------------------------------------------------------ */
/* Classes of doubles */

START_TEST(subnormals)
{
    for (uint64_t c = 1; c <= 1u << 16; c++) {
        CHECK_ONE(double_of(c), true);
        CHECK_ONE(double_of((UINT64_C(1) << 52) - c), true);
    }
    for (int j = 0; j < 52; j++) {
        uint64_t c = UINT64_C(1) << j;
        check_around(double_of(c));
        check_around(double_of(c * 3 / 2 + 1));
    }
}
END_TEST

/* Every binade, at its bottom (the one irregular rounding interval per exponent), its top
 * and the neighbours: min and max normal, 2^-1022, 2^1023 and so on. */
START_TEST(powers_of_two)
{
    for (int q = -1074; q <= 1023; q++) {
        double p = ldexp(1.0, q);
        check_around(p);
        check_around(3 * p);
        check_around(nextafter(2 * p, 0)); /* the top of the binade */
    }
}
END_TEST

/* The double nearest 10^e reads "1e<e>" (or its fixed form) and its neighbours do not. */
START_TEST(powers_of_ten)
{
    char src[32], want[400];
    for (int e = -323; e <= 308; e++) {
        snprintf(src, sizeof src, "1e%d", e);
        double v = strtod(src, NULL);
        if (e < -4 || e >= 17)
            snprintf(want, sizeof want, "1e%d", e);
        else if (e < 0)
            snprintf(want, sizeof want, "0.%0*d", -e, 1);
        else
            snprintf(want, sizeof want, "1%0*d.0", e, 0);
        if (e == 0)
            snprintf(want, sizeof want, "1.0");
        expect_text(v, want);
        check_around(v);
        snprintf(src, sizeof src, "9.999999999999999e%d", e);
        check_around(strtod(src, NULL));
    }
}
END_TEST

/* Round-number decimals of 1 to 17 digits at every exponent read back as written. */
START_TEST(decimals_of_every_length)
{
    uint64_t state = 17;
    char src[64];
    for (int digits = 1; digits <= 17; digits++) {
        for (int e = -300; e <= 300; e += 7) {
            uint64_t m = splitmix64(&state) % 100000000000000000u;
            snprintf(src, sizeof src, "%.*e", digits - 1, (double)m * 1e-16 + 1.0);
            char *x = strchr(src, 'e');
            snprintf(x, sizeof src - (size_t)(x - src), "e%d", e);
            check_around(strtod(src, NULL));
        }
    }
}
END_TEST

/* Outputs of the sigmoid: the values the service prints most. */
START_TEST(sigmoid_outputs)
{
    uint64_t state = 0x5151;
    for (int i = 0; i < 20000; i++) {
        double x = (double)(splitmix64(&state) >> 11) * 0x1p-53 * 80.0 - 40.0;
        CHECK_ONE(1.0 / (1.0 + exp(-x)), true);
    }
}
END_TEST

/* The proof: uniform 64-bit patterns (NaN and infinities skipped), each round-trips and is no
 * longer than jansson's text; every SHORTEST_EVERY-th is also shortest and nearest. */
START_TEST(random_doubles)
{
    const char *env = getenv("ACTIV_PROOF_COUNT");
    unsigned long long count = env ? strtoull(env, NULL, 10) : PROOF_DEFAULT;
    uint64_t state = 0x6e756d7072696e74; /* "numprint" */
    unsigned long long full = 0, digits17 = 0;
    clock_t t0 = clock();
    for (unsigned long long i = 0; i < count;) {
        double v = double_of(splitmix64(&state));
        if (!isfinite(v))
            continue;
        bool shortest = i % SHORTEST_EVERY == 0;
        CHECK_ONE(v, shortest);
        full += shortest;
        digits17 += last_digits == 17;
        i++;
    }
    if (env) {
        printf("numprint: %llu random doubles read back and are no longer than jansson's; %llu "
               "also shortest and nearest; %.1f s\n",
               count, full, (double)(clock() - t0) / CLOCKS_PER_SEC);
    }
    ck_assert_msg(count < 1000 || digits17 > 0, "no 17-digit text among %llu", count);
}
END_TEST

/* ------------------------------------------------------------------------------------------ */
/* The oracles */

START_TEST(printf_honours_rounding_modes)
{
    char s[64];
    print_rounded(s, sizeof s, 0, 1.5, FE_DOWNWARD);
    ck_assert_str_eq(s, "1e+00");
    print_rounded(s, sizeof s, 0, 1.5, FE_UPWARD);
    ck_assert_str_eq(s, "2e+00");
    print_rounded(s, sizeof s, 0, 2.5, FE_TONEAREST);
    ck_assert_str_eq(s, "2e+00");
    print_rounded(s, sizeof s, 0, 3.5, FE_TONEAREST);
    ck_assert_str_eq(s, "4e+00");
    print_rounded(s, sizeof s, 16, 0.1, FE_DOWNWARD);
    ck_assert_str_eq(s, "1.0000000000000000e-01");
    print_rounded(s, sizeof s, 16, 0.1, FE_UPWARD);
    ck_assert_str_eq(s, "1.0000000000000001e-01");
    ck_assert_int_eq(fegetround(), FE_TONEAREST);
}
END_TEST

/* The model of jansson's length, against the jansson linked in, when that is 2.14. */
START_TEST(jansson_model_matches_jansson)
{
    if (strcmp(jansson_version_str(), "2.14") != 0)
        return; /* 2.14.1 and later print the shortest form instead */
    uint64_t state = 99;
    for (int i = 0; i < 20000; i++) {
        double v = double_of(splitmix64(&state));
        if (i % 4 == 1)
            v = (double)(splitmix64(&state) % 1000000);
        if (i % 4 == 2)
            v = ldexp(1.0, (int)(splitmix64(&state) % 2098) - 1074);
        if (!isfinite(v))
            continue;
        json_t *j = json_real(v);
        char *s = json_dumps(j, JSON_ENCODE_ANY);
        ck_assert_ptr_nonnull(s);
        if (strlen(s) != jansson_214_len(v))
            ck_abort_msg("%a: jansson \"%s\", model length %zu", v, s, jansson_214_len(v));
        free(s);
        json_decref(j);
    }
}
END_TEST

/* ------------------------------------------------------------------------------------------ */
/* The table, against exact integers computed here (little-endian base 2^32), independently of
 * the generator's Python. */

#define BIG_WORDS 40 /* 1280 bits: 10^324 2^126 < 2^1203 */

typedef struct big {
    uint32_t w[BIG_WORDS];
} big;

static void big_set(big *a, uint64_t hi, uint64_t lo)
{
    memset(a, 0, sizeof *a);
    a->w[0] = (uint32_t)lo;
    a->w[1] = (uint32_t)(lo >> 32);
    a->w[2] = (uint32_t)hi;
    a->w[3] = (uint32_t)(hi >> 32);
}

static void big_mul_small(big *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < BIG_WORDS; i++) {
        uint64_t t = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry != 0)
        ck_abort_msg("big overflow");
}

static void big_add(big *a, const big *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < BIG_WORDS; i++) {
        uint64_t t = (uint64_t)a->w[i] + b->w[i] + carry;
        a->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry != 0)
        ck_abort_msg("big overflow");
}

static void big_shl(big *a, int k)
{
    for (; k > 0; k--)
        big_mul_small(a, 2);
}

static int big_cmp(const big *a, const big *b)
{
    for (int i = BIG_WORDS - 1; i >= 0; i--) {
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    }
    return 0;
}

static int big_bits(const big *a)
{
    for (int i = BIG_WORDS - 1; i >= 0; i--) {
        for (int b = 31; b >= 0; b--) {
            if (a->w[i] >> b & 1)
                return 32 * i + b + 1;
        }
    }
    return 0;
}

static void big_pow(big *a, uint32_t base, int n, uint32_t times)
{
    big_set(a, 0, times);
    for (int i = 0; i < n; i++)
        big_mul_small(a, base);
}

/* floor(log10(a / b)) for positive a, b (a, b modified). */
static int big_floor_log10(big *a, big *b)
{
    int j = 0;
    if (big_cmp(a, b) >= 0) {
        big_mul_small(b, 10);
        while (big_cmp(b, a) <= 0) {
            big_mul_small(b, 10);
            j++;
        }
        return j;
    }
    while (big_cmp(a, b) < 0) {
        big_mul_small(a, 10);
        j--;
    }
    return j;
}

/* floor(x / 2^s) as numprint.c computes it. */
static int floor_shift(int32_t x, int s)
{
    return x >= 0 ? (int)(x >> s) : -(int)((-(x + 1)) >> s) - 1;
}

/* g = table entry for 10^e: 2^125 < g <= 2^126 and g - 1 = floor(10^e 2^(125 - fl)),
 * fl = floor(log2 10^e), which the header's constants give. */
START_TEST(table_entries_are_exact)
{
    static_assert(ACTIV_NUMPRINT_POW10_MIN == -292 && ACTIV_NUMPRINT_POW10_MAX == 324,
                  "every k of a double");
    ck_assert_uint_eq(COUNT(numprint_pow10),
                      ACTIV_NUMPRINT_POW10_MAX - ACTIV_NUMPRINT_POW10_MIN + 1);
    for (int e = ACTIV_NUMPRINT_POW10_MIN; e <= ACTIV_NUMPRINT_POW10_MAX; e++) {
        const uint64_t *g = numprint_pow10[e - ACTIV_NUMPRINT_POW10_MIN];
        uint64_t top = UINT64_C(1) << 61; /* 2^125 >> 64 */
        bool above = g[0] > top || (g[0] == top && g[1] > 0);
        bool within = g[0] < 2 * top || (g[0] == 2 * top && g[1] == 0);
        if (!above || !within)
            ck_abort_msg("10^%d: g out of (2^125, 2^126]", e);
        big gm1, p, one, x;
        big_set(&gm1, g[1] == 0 ? g[0] - 1 : g[0], g[1] - 1);
        big_pow(&p, 10, e < 0 ? -e : e, 1);
        int bits = big_bits(&p);
        int fl = e >= 0 ? bits - 1 : -bits; /* 10^e is not a power of two for e != 0 */
        if (floor_shift(e * ACTIV_NUMPRINT_LOG2_10_MUL, ACTIV_NUMPRINT_LOG2_10_SHIFT) != fl)
            ck_abort_msg("floor(%d log2 10) = %d, the header's constants say otherwise", e, fl);
        big lo = gm1, hi;
        if (e >= 0) { /* (g-1) 2^a <= 10^e 2^b < g 2^a */
            int a = fl > 125 ? fl - 125 : 0, b = fl < 125 ? 125 - fl : 0;
            big_shl(&lo, a);
            big_set(&one, 0, 1);
            big_shl(&one, a);
            hi = lo;
            big_add(&hi, &one);
            x = p;
            big_shl(&x, b);
        } else { /* (g-1) 10^-e <= 2^(125 - fl) < g 10^-e */
            for (int i = 0; i < -e; i++)
                big_mul_small(&lo, 10);
            hi = lo;
            big_add(&hi, &p);
            big_pow(&x, 2, 125 - fl, 1);
        }
        if (big_cmp(&lo, &x) > 0 || big_cmp(&x, &hi) >= 0)
            ck_abort_msg("10^%d: g is not floor(10^e 2^(125 - fl)) + 1", e);
    }
}
END_TEST

/* k = floor(q log10 2), and floor(q log10 2 + log10(3/4)) at the bottom of a binade, for every
 * exponent of a double, from the header's constants. */
START_TEST(log10_constants_are_exact)
{
    for (int q = -1074; q <= 971; q++) {
        big a, b;
        big_pow(&a, 2, q > 0 ? q : 0, 1);
        big_pow(&b, 2, q < 0 ? -q : 0, 1);
        int k = big_floor_log10(&a, &b);
        int got = floor_shift(q * ACTIV_NUMPRINT_LOG10_2_MUL, ACTIV_NUMPRINT_LOG10_2_SHIFT);
        if (got != k)
            ck_abort_msg("floor(%d log10 2) = %d, constants give %d", q, k, got);
        big_pow(&a, 2, q > 2 ? q - 2 : 0, 3); /* 3 2^(q-2) */
        big_pow(&b, 2, q < 2 ? 2 - q : 0, 1);
        k = big_floor_log10(&a, &b);
        got = floor_shift(q * ACTIV_NUMPRINT_LOG10_2_MUL - ACTIV_NUMPRINT_LOG10_3Q_SUB,
                          ACTIV_NUMPRINT_LOG10_2_SHIFT);
        if (got != k)
            ck_abort_msg("floor(%d log10 2 + log10 0.75) = %d, constants give %d", q, k, got);
    }
}
END_TEST

static Suite *numprint_suite(void)
{
    Suite *s = suite_create("numprint");

    TCase *tc = tcase_create("known");
    tcase_add_loop_test(tc, known_values, 0, (int)COUNT(knowns));
    suite_add_tcase(s, tc);

    tc = tcase_create("format");
    tcase_add_test(tc, non_finite_is_null);
    tcase_add_test(tc, notation_switches_where_17g_does);
    tcase_add_test(tc, integers_print_as_themselves);
    suite_add_tcase(s, tc);

    tc = tcase_create("classes");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, subnormals);
    tcase_add_test(tc, powers_of_two);
    tcase_add_test(tc, powers_of_ten);
    tcase_add_test(tc, decimals_of_every_length);
    tcase_add_test(tc, sigmoid_outputs);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_set_timeout(tc, 3600); /* ACTIV_PROOF_COUNT=100000000 runs for minutes */
    tcase_add_test(tc, random_doubles);
    suite_add_tcase(s, tc);

    tc = tcase_create("oracles");
    tcase_add_test(tc, printf_honours_rounding_modes);
    tcase_add_test(tc, jansson_model_matches_jansson);
    suite_add_tcase(s, tc);

    tc = tcase_create("table");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, table_entries_are_exact);
    tcase_add_test(tc, log10_constants_are_exact);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(numprint_suite());
}
