/* test_numparse.c -- JSON numbers against strtod, bit for bit; vectors and batches of them */
#include <check.h>
#include <float.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ/numparse.h"
#include "check_main.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Random cases of the proof; ACTIV_PROOF_COUNT=100000000 is the full proof. */
#define PROOF_COUNT_DEFAULT 300000
#define TEXT_MAX            4096 /* room for the longest number text a random case makes */
#define EXPONENT_BITS       UINT64_C(0x7ff0000000000000)

static uint64_t bits_of(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static double double_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* ---------------------------------------------------------------- parsing a whole text */

/* The text is copied into a block of exactly its length, without a NUL, so that ASan and
 * valgrind see a read past `end`. The helpers the proof's loops call check with if and
 * ck_abort_msg: each ck_assert writes a checkpoint to Check's pipe, a system call. */
typedef struct parsed {
    activ_numparse_status status;
    double value;
    size_t used; /* bytes up to *stop, on OK and OVERFLOW */
} parsed;

static parsed parse_n(const char *text, size_t len)
{
    char *copy = malloc(len > 0 ? len : 1);
    if (!copy)
        ck_abort_msg("out of memory");
    memcpy(copy, text, len);
    parsed r = {.value = -12345.0, .used = (size_t)-1};
    const char *stop = NULL;
    r.status = activ_numparse_double(copy, copy + len, &r.value, &stop);
    if (stop)
        r.used = (size_t)(stop - copy);
    free(copy);
    return r;
}

static parsed parse(const char *text)
{
    return parse_n(text, strlen(text));
}

/* strtod's answer in the C locale, the reference: OVERFLOW when it gives an infinity. */
static activ_numparse_status reference(const char *text, double *out)
{
    char *end;
    *out = strtod(text, &end);
    if (*end != '\0')
        ck_abort_msg("strtod stopped early in \"%.200s\"", text);
    return isinf(*out) ? ACTIV_NUMPARSE_OVERFLOW : ACTIV_NUMPARSE_OK;
}

/* Whether the whole text parses to strtod's bits (or overflows where strtod does); on
 * failure, why (for a message). Cheap: the proof loops call it without ck_assert. */
static bool agrees(const char *text, char *why, size_t why_size)
{
    double want;
    activ_numparse_status want_status = reference(text, &want);
    parsed got = parse(text);
    if (got.status != want_status || got.used != strlen(text) ||
        bits_of(got.value) != bits_of(want)) {
        snprintf(why, why_size,
                 "\"%.300s\" (%zu bytes): status %d, %zu bytes used, %a (bits %016llx); strtod: "
                 "status %d, %a (bits %016llx)",
                 text, strlen(text), (int)got.status, got.used, got.value,
                 (unsigned long long)bits_of(got.value), (int)want_status, want,
                 (unsigned long long)bits_of(want));
        return false;
    }
    return true;
}

static void assert_agrees(const char *text)
{
    char why[600];
    if (!agrees(text, why, sizeof why))
        ck_abort_msg("%s", why);
}

/* jansson's verdict on "[text]", as the service would parse it. */
static bool jansson_accepts(const char *text)
{
    char doc[300];
    snprintf(doc, sizeof doc, "[%s]", text);
    json_error_t err;
    json_t *v = json_loadb(doc, strlen(doc), JSON_DECODE_INT_AS_REAL, &err);
    json_decref(v);
    return v != NULL;
}

/* ---------------------------------------------------------------- the grammar */

static const char *const ACCEPTED[] = {
    "0",
    "-0",
    "1",
    "-1",
    "9",
    "10",
    "0.0",
    "-0.0",
    "0.5",
    "1.5",
    "-1.25",
    "3.14159",
    "1e5",
    "1E5",
    "1e+5",
    "1E+2",
    "1e-5",
    "1E-0",
    "0e0",
    "0E+0",
    "-0e-0",
    "0.000",
    "1.0e-0",
    "-0.0E+00",
    "1e0001",
    "100e-2",
    "123456789",
    "12345678901234567890123",
    "0.000001",
    "1e-400",
    "-1e-400",
    "0e999999999",
    "-0e999999999",
    "1e308",
    "4.9e-324",
    "2.5e-324",
    "1.7976931348623157e308",
    "-1.7976931348623157E+308",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775808",
};

/* Rejected forms: `valid` bytes make a number (stop points after them), or -1 when no
 * number starts there at all (SYNTAX). jansson refuses "[text]" for each. */
typedef struct rejected {
    const char *text;
    int valid;
} rejected;

static const rejected REJECTED[] = {
    {"", -1},
    {"-", -1},
    {"+", -1},
    {"+1", -1},
    {"--1", -1},
    {"- 1", -1},
    {"-+1", -1},
    {"01", -1},
    {"-01", -1},
    {"00", -1},
    {"00.5", -1},
    {"007", -1},
    {".5", -1},
    {"-.5", -1},
    {".", -1},
    {"5.", -1},
    {"-5.", -1},
    {"0.", -1},
    {"5.e3", -1},
    {"0..1", -1},
    {"1e", -1},
    {"1E", -1},
    {"1e+", -1},
    {"1e-", -1},
    {"1e+-5", -1},
    {"1ee5", -1},
    {"1.5e", -1},
    {"-0e", -1},
    {"e5", -1},
    {"-e5", -1},
    {"E5", -1},
    {"inf", -1},
    {"-inf", -1},
    {"Infinity", -1},
    {"-Infinity", -1},
    {"NaN", -1},
    {"nan", -1},
    {"-nan", -1},
    {"0x10", 1},
    {"0X1A", 1},
    {"-0x1", 2},
    {"0b1", 1},
    {"1x", 1},
    {"1.5.3", 3},
    {"1e5.5", 3},
    {"1e5e5", 3},
    {"1.0f", 3},
    {"1d", 1},
    {"1_000", 1},
    {"1 2", 1},
    {"1-2", 1},
    {"0-1", 1},
    {"2+3", 1},
    {"1.5-", 3},
    {"1e1e", 3},
    {"\xe2\x88\x92"
     "1",
     -1},                 /* U+2212 minus sign */
    {"\xd9\xa1", -1},     /* U+0661 Arabic-Indic digit one */
    {"\xef\xbc\x91", -1}, /* U+FF11 fullwidth digit one */
    {" 1", -1},
    {"\t1", -1},
    {"1\v", 1},
    {"1\f", 1},
    {"1\xa0", 1},
};

START_TEST(grammar_accepts_json_numbers_with_strtods_value)
{
    const char *text = ACCEPTED[_i];
    assert_agrees(text);
    ck_assert_msg(jansson_accepts(text), "jansson refuses \"%s\"", text);
}
END_TEST

START_TEST(grammar_rejects_what_json_rejects_and_so_does_jansson)
{
    const rejected *r = &REJECTED[_i];
    /* leading whitespace is the caller's (JSON allows it around a value): jansson accepts it */
    bool leading_space = r->text[0] == ' ' || r->text[0] == '\t';
    if (!leading_space && r->text[0] != '\0') /* "[]" is valid */
        ck_assert_msg(!jansson_accepts(r->text), "jansson accepts \"%s\"", r->text);
    parsed got = parse(r->text);
    if (r->valid < 0) {
        ck_assert_msg(got.status == ACTIV_NUMPARSE_SYNTAX, "\"%s\": status %d, not SYNTAX", r->text,
                      (int)got.status);
        ck_assert_msg(got.used == (size_t)-1 && got.value == -12345.0,
                      "\"%s\": the outputs were written", r->text);
    } else {
        ck_assert_msg(got.status == ACTIV_NUMPARSE_OK && got.used == (size_t)r->valid,
                      "\"%s\": status %d, %zu bytes used, not OK after %d", r->text,
                      (int)got.status, got.used, r->valid);
    }
}
END_TEST

START_TEST(no_byte_at_or_beyond_end_is_read)
{
    /* "12" of "123" is the number 12, and "1." of "1.5" is not a number */
    ck_assert_int_eq(parse_n("123", 2).status, ACTIV_NUMPARSE_OK);
    ck_assert_double_eq(parse_n("123", 2).value, 12.0);
    ck_assert_int_eq(parse_n("1.5", 2).status, ACTIV_NUMPARSE_SYNTAX);
    ck_assert_int_eq(parse_n("1e5", 2).status, ACTIV_NUMPARSE_SYNTAX);
    ck_assert_int_eq(parse_n("-1", 1).status, ACTIV_NUMPARSE_SYNTAX);
    ck_assert_int_eq(parse_n("01", 1).status, ACTIV_NUMPARSE_OK);
    ck_assert_int_eq(parse_n("5", 0).status, ACTIV_NUMPARSE_SYNTAX);
    /* every prefix of a long number: the 8-byte reads stay inside the text */
    const char *text = "-12345678901234567.89012345678901234e-123456";
    for (size_t n = 0; n <= strlen(text); n++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%.*s", (int)n, text);
        parsed got = parse_n(text, n);
        if (got.status == ACTIV_NUMPARSE_OK)
            assert_agrees(prefix);
        else
            ck_assert_msg(got.status == ACTIV_NUMPARSE_SYNTAX, "prefix \"%s\": status %d", prefix,
                          (int)got.status);
    }
}
END_TEST

/* ---------------------------------------------------------------- hard cases */

static const char *const HARD[] = {
    /* halfway between two doubles: ties to even */
    "9007199254740993",       /* 2^53 + 1: down to 2^53 */
    "9007199254740995",       /* 2^53 + 3: up to 2^53 + 4 */
    "9007199254740993.0",     /* the same with fraction digits: an exact tie, q = -1 */
    "4503599627370496.5",     /* 2^52 + 1/2: down */
    "4503599627370497.5",     /* up */
    "2251799813685248.25",    /* q = -2 */
    "1125899906842624.125",   /* q = -3 */
    "562949953421312.0625",   /* q = -4 */
    "562949953421313.0625",   /* q = -4, up */
    "90071992547409930e-1",   /* the tie of 2^53 + 1 written with an exponent */
    "9007199254740993000e-3", /* 19 digits */
    "9007199254740993.000000000000000000001",                  /* above the tie by 10^-21: up */
    "9007199254740992.999999999999999999999",                  /* below it: down */
    "1.00000000000000011102230246251565404236316680908203125", /* 1 + 2^-53: down to 1 */
    "1.00000000000000011102230246251565404236316680908203126", /* up */
    "1.00000000000000011102230246251565404236316680908203124", /* down */
    "1.00000000000000033306690738754696212708950042724609375", /* 1 + 3 2^-53: up */
    "1801439850948199e1",    /* 2^54 + 6, a tie with q = 1: up to 2^54 + 8 */
    "7.2057594037927944e16", /* 2^56 + 8, a tie: down to 2^56 */
    "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589"
    "558632766878171540458953514382464234321326889464182768467546703537516986049910576551282"
    "076245490090389328944075868508455133942304583236903222948165808559332123348274797826204"
    "144723168738177180919299881250404026184124858368", /* DBL_MAX, every digit */
    /* the smallest normal and the largest subnormal, and around them */
    "2.2250738585072011e-308",
    "2.2250738585072012e-308",
    "2.2250738585072014e-308",
    "2.2250738585072009e-308",
    "2.225073858507201136057409796709131975934819546351645648e-308",
    /* subnormals and underflow */
    "4.9406564584124654e-324",
    "4.9406564584124654e-325",
    "2.4703282292062327e-324",
    "2.4703282292062328e-324",
    "2.4703282292062327208828439643411068618252990130716238221279e-324",
    "7.4109846876186982e-324",
    "1e-320",
    "1.5e-323",
    "3e-324",
    "2e-324",
    "-2.4703282292062328e-324",
    "1e-400",
    "-1e-400",
    "1e-342",
    "1e-343",
    "9.9e-343",
    /* the overflow boundary: DBL_MAX + half an ulp is the threshold, itself a tie to inf */
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "-1.7976931348623159e308",
    "1.797693134862315807e308",
    "1.797693134862315808e308",
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649"
    "017977587207096330286416692887910946555547851940402630657488671505820681908902000708383"
    "676273854845817711531764475730270069855571366959622842914819860834936475292719074168444"
    "365510704342711559699508093042880177904174497791", /* 2^1024 - 2^970 - 1: DBL_MAX */
    "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649"
    "017977587207096330286416692887910946555547851940402630657488671505820681908902000708383"
    "676273854845817711531764475730270069855571366959622842914819860834936475292719074168444"
    "365510704342711559699508093042880177904174497792", /* 2^1024 - 2^970: the tie, inf */
    "1e308",
    "1e309",
    "1e999999999999",
    "-1e999999999999",
    "1e-999999999999",
    "0e999999999",
    "0.0e-999999999999",
    "-0",
    "-0.0",
    "-0e-5",
    "1E+2",
    /* exponents that cancel the digit count */
    "0.00000000000000000000000000000000000000001e41",
    "100000000000000000000000000000e-29",
    "1e23",
    "8.98846567431158e307",
    "1e22",
    "1e-22",
    "123456789e22",
    "9007199254740992e22",
    "9007199254740993e22",
    "3e37",
    "1.5e38",
    /* Clinger's extended path: w * 10^(q - 22) exact, or just not */
    "9007199254740991e15",
    "9007199254740991e14",
    "900719925474099e23",
    "900719925474100e23",
    /* many digits: the first 19 cannot decide, strtod does */
    "0.1000000000000000055511151231257827021181583404541015625",
    "0.1000000000000000055511151231257827021181583404541015624",
    "0.1000000000000000055511151231257827021181583404541015626",
    "12345678901234567890.123456789012345678901234567890e-10",
    "0.000000000000000000000000000000000000000000000000000000000000000000000000000001e-250",
    "1000000000000000000000000000000000000000000000000000000000000000000000000e236",
};

START_TEST(hard_cases_round_like_strtod)
{
    assert_agrees(HARD[_i]);
}
END_TEST

START_TEST(signs_zeros_and_limits_are_exact)
{
    ck_assert_uint_eq(bits_of(parse("-0").value), bits_of(-0.0));
    ck_assert_uint_eq(bits_of(parse("0").value), 0);
    ck_assert_uint_eq(bits_of(parse("-1e-400").value), bits_of(-0.0));
    ck_assert_uint_eq(bits_of(parse("0e999999999").value), 0);
    ck_assert_uint_eq(bits_of(parse("-0e999999999").value), bits_of(-0.0));
    ck_assert_double_eq(parse("1E+2").value, 100.0);
    ck_assert_double_eq(parse("4.9406564584124654e-324").value, double_of(1));
    ck_assert_double_eq(parse("2.4703282292062327e-324").value, 0.0);
    ck_assert_double_eq(parse("2.4703282292062328e-324").value, double_of(1));
    ck_assert_double_eq(parse("1.7976931348623158e308").value, DBL_MAX);
    parsed inf = parse("1.7976931348623159e308");
    ck_assert_int_eq(inf.status, ACTIV_NUMPARSE_OVERFLOW);
    ck_assert(isinf(inf.value) && inf.value > 0);
    inf = parse("-1e999999999999");
    ck_assert_int_eq(inf.status, ACTIV_NUMPARSE_OVERFLOW);
    ck_assert(isinf(inf.value) && inf.value < 0);
    ck_assert_int_eq(parse("1e-999999999999").status, ACTIV_NUMPARSE_OK);
    ck_assert_double_eq(parse("9007199254740993").value, 9007199254740992.0);
    ck_assert_double_eq(parse("9007199254740993.0").value, 9007199254740992.0);
}
END_TEST

START_TEST(huge_exponents_and_digit_counts_stay_exact)
{
    /* exponents far beyond any int, saturated while read, in a few microseconds */
    static const char *const cases[] = {
        "1e99999999999999999999999999999999999999999",
        "1e-99999999999999999999999999999999999999999",
        "0.00000000000000000000000000000000000000000000000000000000000001e"
        "9999999999999999999999999999999999",
        "123e-9223372036854775808",
        "123e9223372036854775807",
        "123e18446744073709551616",
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        assert_agrees(cases[i]);
}
END_TEST

/* Numbers that go to strtod() (their first 19 digits straddle a midpoint), and short ones:
 * under a locale whose decimal point is a comma they give the C locale's bits, since strtod
 * gets the digits without a point. Checked where such a locale exists (LOCPATH may point at
 * one made with localedef -i de_DE -f UTF-8 DIR/de_DE.UTF-8); elsewhere there is nothing to
 * check. */
START_TEST(the_locale_does_not_change_a_result)
{
    static const char *const texts[] = {
        "9007199254740993.000000000000000000001",
        "1.00000000000000011102230246251565404236316680908203126",
        "-2.22507385850720113605740979670913197593481954635164564e-308",
        "0.5",
        "-1.25e-3",
    };
    static const char *const comma_locales[] = {"de_DE.UTF-8", "de_DE.utf8",  "fr_FR.UTF-8",
                                                "fr_FR.utf8",  "ru_RU.UTF-8", "nl_NL.UTF-8"};
    double want[COUNT(texts)];
    for (size_t i = 0; i < COUNT(texts); i++)
        ck_assert_int_eq(reference(texts[i], &want[i]), ACTIV_NUMPARSE_OK);
    const char *found = NULL;
    for (size_t i = 0; i < COUNT(comma_locales) && !found; i++) {
        if (setlocale(LC_NUMERIC, comma_locales[i]) && localeconv()->decimal_point[0] == ',')
            found = comma_locales[i];
    }
    if (found) {
        ck_assert_double_eq(strtod("1.5", NULL), 1.0); /* the locale is in force */
        for (size_t i = 0; i < COUNT(texts); i++) {
            parsed got = parse(texts[i]);
            ck_assert_msg(got.status == ACTIV_NUMPARSE_OK && bits_of(got.value) == bits_of(want[i]),
                          "\"%s\" under %s: %a, not %a", texts[i], found, got.value, want[i]);
        }
    }
    setlocale(LC_NUMERIC, "C");
}
END_TEST

/* ---------------------------------------------------------------- exact decimals */

/* A non-negative integer in base 10^9, least significant limb first: enough for the exact
 * decimal of any midpoint between doubles (768 significant digits) and of 2^1024. */
#define BIG_LIMBS 100
#define BIG_BASE  1000000000u

typedef struct big {
    uint32_t limb[BIG_LIMBS];
    size_t n;
} big;

static void big_set(big *b, uint64_t v)
{
    b->n = 0;
    do {
        b->limb[b->n++] = (uint32_t)(v % BIG_BASE);
        v /= BIG_BASE;
    } while (v > 0);
}

/* b *= m, m < 2^32 */
static void big_mul(big *b, uint32_t m)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint64_t cur = (uint64_t)b->limb[i] * m + carry;
        b->limb[i] = (uint32_t)(cur % BIG_BASE);
        carry = cur / BIG_BASE;
    }
    while (carry > 0) {
        if (b->n == BIG_LIMBS)
            ck_abort_msg("big: too many digits");
        b->limb[b->n++] = (uint32_t)(carry % BIG_BASE);
        carry /= BIG_BASE;
    }
}

/* b *= base^k for base 2 or 5, in steps that fit 32 bits */
static void big_mul_pow(big *b, uint32_t base, int k)
{
    int step = base == 2 ? 31 : 13; /* 2^31, 5^13 < 2^32 */
    uint32_t big_step = 1;
    for (int i = 0; i < step; i++)
        big_step *= base;
    for (; k >= step; k -= step)
        big_mul(b, big_step);
    uint32_t rest = 1;
    for (; k > 0; k--)
        rest *= base;
    big_mul(b, rest);
}

/* The decimal digits of b, no leading zeros; returns their count. */
static size_t big_digits(const big *b, char *out, size_t size)
{
    int n = snprintf(out, size, "%u", b->limb[b->n - 1]);
    for (size_t i = b->n - 1; i-- > 0;)
        n += snprintf(out + n, size - (size_t)n, "%09u", b->limb[i]);
    if ((size_t)n >= size)
        ck_abort_msg("big: no room for %d digits", n);
    return (size_t)n;
}

/* The exact midpoint between the positive finite double with these bits and the next one
 * up (for DBL_MAX: the overflow threshold) as digits * 10^*exp10. */
static size_t midpoint_digits(uint64_t bits, char *out, size_t size, int *exp10)
{
    uint64_t biased = bits >> 52, m = bits & ((UINT64_C(1) << 52) - 1);
    int e = biased == 0 ? -1074 : (int)biased - 1075;
    if (biased != 0)
        m |= UINT64_C(1) << 52;
    big b;
    big_set(&b, 2 * m + 1); /* the midpoint is (2m + 1) * 2^(e - 1) */
    if (e - 1 >= 0) {
        big_mul_pow(&b, 2, e - 1);
        *exp10 = 0;
    } else {
        big_mul_pow(&b, 5, 1 - e); /* 2^-k = 5^k * 10^-k */
        *exp10 = e - 1;
    }
    return big_digits(&b, out, size);
}

/* ---------------------------------------------------------------- writing numbers */

static uint64_t next_random(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *s, uint64_t n)
{
    return next_random(s) % n;
}

/* Writes the JSON number digits[0..n) * 10^exp10 (digits without a leading zero) into out in
 * one of several shapes chosen at random: an integer with an exponent, d.ddd with an
 * exponent, a plain decimal, or 0.000ddd with an exponent; 'e' or 'E', with or without '+';
 * sometimes negative. */
static void write_number(uint64_t *s, const char *digits, size_t n, long exp10, char *out,
                         size_t size)
{
    size_t k = 0;
    if (below(s, 4) == 0)
        out[k++] = '-';
    const char *e = below(s, 2) ? "e" : "E";
    const char *plus = below(s, 2) ? "+" : "";
    int shape = (int)below(s, 4);
    if (shape == 2 && !(exp10 < 0 && (size_t)-exp10 < n))
        shape = 1; /* a plain decimal needs the point inside the digits */
    if (shape == 1 && n == 1)
        shape = 0;
    switch (shape) {
        case 0:
            k += (size_t)snprintf(out + k, size - k, "%.*s", (int)n, digits);
            if (exp10 != 0 || below(s, 2))
                k += (size_t)snprintf(out + k, size - k, "%s%s%ld", e, exp10 >= 0 ? plus : "",
                                      exp10);
            break;
        case 1: {
            long x = exp10 + (long)n - 1;
            k += (size_t)snprintf(out + k, size - k, "%c.%.*s%s%s%ld", digits[0], (int)(n - 1),
                                  digits + 1, e, x >= 0 ? plus : "", x);
            break;
        }
        case 2: {
            size_t whole = n - (size_t)-exp10;
            k += (size_t)snprintf(out + k, size - k, "%.*s.%.*s", (int)whole, digits,
                                  (int)(n - whole), digits + whole);
            break;
        }
        default: {
            int zeros = (int)below(s, 5);
            long x = exp10 + (long)n + zeros;
            k += (size_t)snprintf(out + k, size - k, "0.%.*s%.*s%s%s%ld", zeros, "00000", (int)n,
                                  digits, e, x >= 0 ? plus : "", x);
            break;
        }
    }
    if (k >= size)
        ck_abort_msg("no room for a number of %zu bytes", k);
}

/* A random finite double's bits, all exponents equally likely. */
static uint64_t random_finite_bits(uint64_t *s)
{
    for (;;) {
        uint64_t b = next_random(s);
        if ((b & EXPONENT_BITS) != EXPONENT_BITS)
            return b;
    }
}

/* Makes random case number i in out (the kinds cycle). */
static void random_case(uint64_t *s, uint64_t i, char *out, size_t size)
{
    switch (i % 8) {
        case 0:
        case 1: /* a random double, as printf's %.17g (integers as digits, "1e+300") */
            snprintf(out, size, "%.17g", double_of(random_finite_bits(s)));
            break;
        case 2:
        case 3: /* a random double cut to 1..17 digits by %.Ne */
            snprintf(out, size, "%.*e", (int)below(s, 17), double_of(random_finite_bits(s)));
            break;
        case 4:
        case 5: { /* random digits, mostly up to 19, some longer, with a random exponent */
            char digits[64];
            size_t n = below(s, 8) == 0 ? 20 + below(s, 40) : 1 + below(s, 19);
            for (size_t k = 0; k < n; k++)
                digits[k] = (char)('0' + below(s, 10));
            if (digits[0] == '0')
                digits[0] = (char)('1' + below(s, 9));
            long exp10 = (long)below(s, 700) - 360;
            write_number(s, digits, n, exp10, out, size);
            break;
        }
        default: { /* near a midpoint between two doubles: exactly on it or just beside */
            uint64_t bits;
            if (i % 8 == 6) /* magnitudes 1e-30..1e30, whose midpoints have < 120 digits */
                bits = (UINT64_C(923) + below(s, 200)) << 52 | (next_random(s) >> 12);
            else
                bits = random_finite_bits(s) & ~(UINT64_C(1) << 63);
            char digits[1200];
            int exp10;
            size_t n = midpoint_digits(bits, digits, sizeof digits - 40, &exp10);
            long x = exp10;
            switch (below(s, 6)) {
                case 0: /* the tie itself */
                    break;
                case 1: { /* cut to k digits: below it */
                    size_t k = 1 + below(s, n < 25 ? n : 25);
                    x += (long)(n - k);
                    n = k;
                    break;
                }
                case 2: { /* cut to k digits, and the last one up: above it */
                    size_t k = 1 + below(s, n < 25 ? n : 25);
                    x += (long)(n - k);
                    n = k;
                    size_t j = n;
                    while (j > 0 && digits[j - 1] == '9')
                        digits[--j] = '0';
                    if (j == 0) {
                        memmove(digits + 1, digits, n);
                        digits[0] = '1';
                        n++;
                    } else {
                        digits[j - 1]++;
                    }
                    break;
                }
                case 3: { /* the tie plus one far below its last digit */
                    size_t zeros = below(s, 30);
                    memset(digits + n, '0', zeros);
                    digits[n + zeros] = '1';
                    n += zeros + 1;
                    x -= (long)(zeros + 1);
                    break;
                }
                default: { /* the tie minus one unit in its last digit */
                    size_t j = n;
                    while (digits[j - 1] == '0')
                        digits[--j] = '9';
                    digits[j - 1]--;
                    if (digits[0] == '0') {
                        memmove(digits, digits + 1, n - 1);
                        n--;
                    }
                    break;
                }
            }
            if (n == 0) { /* the tie minus one of "1": nothing left but zero */
                digits[0] = '0';
                n = 1;
            }
            write_number(s, digits, n, x, out, size);
            break;
        }
    }
}

static uint64_t proof_count(void)
{
    const char *env = getenv("ACTIV_PROOF_COUNT");
    if (!env || !*env)
        return PROOF_COUNT_DEFAULT;
    char *end;
    unsigned long long n = strtoull(env, &end, 10);
    if (*end != '\0') {
        fprintf(stderr, "test_numparse: ACTIV_PROOF_COUNT=%s is not a count\n", env);
        exit(EXIT_FAILURE);
    }
    return (uint64_t)n;
}

/* The proof runs in PROOF_PARTS parts (a loop test each), so a part stays within a timeout. */
#define PROOF_PARTS 16

START_TEST(random_numbers_round_like_strtod)
{
    uint64_t total = proof_count();
    uint64_t first = total / PROOF_PARTS * (uint64_t)_i, count = total / PROOF_PARTS;
    if (_i == PROOF_PARTS - 1)
        count = total - first;
    char text[TEXT_MAX], why[600];
    for (uint64_t i = first; i < first + count; i++) {
        uint64_t s = i * UINT64_C(0x2545f4914f6cdd1d); /* case i alone replays case i */
        random_case(&s, i, text, sizeof text);
        if (!agrees(text, why, sizeof why))
            ck_abort_msg("case %llu: %s", (unsigned long long)i, why);
    }
}
END_TEST

/* The midpoints of the extremes, each exact, plus or minus far beyond the 768th digit: the
 * sticky digit that replaces the cut must keep them apart. */
START_TEST(long_mantissas_at_midpoints_round_like_strtod)
{
    static const uint64_t extremes[] = {
        0,                            /* 0 and the least subnormal: 2^-1075 */
        1,                            /* the first subnormals */
        UINT64_C(0x000fffffffffffff), /* the largest subnormal and the least normal */
        UINT64_C(0x0010000000000000), /* the least normal */
        UINT64_C(0x001fffffffffffff), /* a whole mantissa of ones at 2^-1022 */
        UINT64_C(0x3ff0000000000000), /* 1 */
        UINT64_C(0x433fffffffffffff), /* 2^53 - 1 */
        UINT64_C(0x7fefffffffffffff), /* DBL_MAX and the overflow threshold */
        UINT64_C(0x7fe0000000000000),
    };
    static char digits[6000], text[7002];
    for (size_t i = 0; i < COUNT(extremes); i++) {
        int exp10;
        size_t n = midpoint_digits(extremes[i], digits, sizeof digits, &exp10);
        for (int variant = 0; variant < 4; variant++) {
            /* exact, exact with 4000 zeros after, those zeros then a 1, 999... below */
            size_t len = n;
            long x = exp10;
            if (variant >= 1) {
                memset(digits + n, '0', 4000);
                len = n + 4000;
                x -= 4000;
            }
            if (variant == 2)
                digits[len - 1] = '1';
            if (variant == 3) {
                size_t j = len;
                while (digits[j - 1] == '0')
                    digits[--j] = '9';
                digits[j - 1]--;
            }
            size_t k = (size_t)snprintf(text, sizeof text, "%c.%.*se%ld", digits[0], (int)(len - 1),
                                        digits + 1, x + (long)len - 1);
            ck_assert_uint_lt(k, sizeof text);
            if (digits[0] == '0') /* 1 - tiny: written as 0.999... */
                snprintf(text, sizeof text, "0.%.*se%ld", (int)(len - 1), digits + 1,
                         x + (long)len - 1);
            assert_agrees(text);
            memmove(text + 1, text, strlen(text) + 1);
            text[0] = '-';
            assert_agrees(text);
        }
    }
}
END_TEST

START_TEST(a_long_mantissa_is_read_in_linear_time)
{
    /* 10^6 digits: the 19 first decide, but every digit is read once */
    size_t n = 1000000;
    char *text = malloc(n + 16);
    ck_assert_ptr_nonnull(text);
    text[0] = '1';
    text[1] = '.';
    memset(text + 2, '3', n);
    strcpy(text + 2 + n, "e-5");
    clock_t t0 = clock();
    for (int r = 0; r < 10; r++)
        assert_agrees(text);
    memset(text + 2, '0', n); /* 1.000...0e-5: exact, no digit cut is nonzero */
    assert_agrees(text);
    text[1 + n] = '1'; /* 1.000...01e-5: a digit far away decides nothing */
    assert_agrees(text);
    double seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    free(text);
    ck_assert_msg(seconds < 5, "12 parses of a million digits (with strtod's) took %.1f s",
                  seconds);
}
END_TEST

/* ---------------------------------------------------------------- vectors and batches */

/* An allocator that counts, and fails when told to. */
static size_t allocs, frees, last_size;
static bool fail_alloc;

static void *test_alloc(size_t size)
{
    allocs++;
    last_size = size;
    return fail_alloc ? NULL : malloc(size);
}

static void test_free(void *block)
{
    if (block)
        frees++;
    free(block);
}

static const activ_numparse_allocator counting = {test_alloc, test_free};

typedef struct scanned {
    activ_numparse_status status;
    activ_nummatrix m;
    size_t used;
} scanned;

/* Scans an exact-length copy of text with the counting allocator; the caller frees m.data
 * (with test_free). */
static scanned scan_n(const char *text, size_t len, size_t max_elements)
{
    char *copy = malloc(len > 0 ? len : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, text, len);
    allocs = frees = last_size = 0;
    scanned r = {.m = {NULL, 0, 0, false}, .used = (size_t)-1};
    const char *stop = NULL;
    r.status = activ_numparse_matrix(copy, copy + len, max_elements, &counting, &r.m, &stop);
    if (stop)
        r.used = (size_t)(stop - copy);
    free(copy);
    return r;
}

static scanned scan(const char *text, size_t max_elements)
{
    return scan_n(text, strlen(text), max_elements);
}

/* Checks an OK scan: shape, values (strtod's for `numbers`, whitespace-separated), one
 * allocation of exactly the values' size, and that it stopped before `rest`, the text's
 * end. */
static void assert_scan(const char *text, size_t rows, size_t cols, bool batched,
                        const char *numbers, const char *rest)
{
    size_t used = strlen(text) - strlen(rest);
    scanned r = scan(text, 1000);
    ck_assert_msg(r.status == ACTIV_NUMPARSE_OK, "\"%s\": status %d", text, (int)r.status);
    ck_assert_msg(r.m.rows == rows && r.m.cols == cols && r.m.batched == batched,
                  "\"%s\": %zu x %zu %s", text, r.m.rows, r.m.cols,
                  r.m.batched ? "batch" : "vector");
    ck_assert_uint_eq(r.used, used);
    ck_assert_uint_eq(allocs, 1);
    ck_assert_uint_eq(last_size, rows * cols * sizeof(double));
    const char *p = numbers;
    for (size_t i = 0; i < rows * cols; i++) {
        char *end;
        double want = strtod(p, &end);
        ck_assert_msg(end != p, "too few numbers in the test for \"%s\"", text);
        p = end;
        ck_assert_msg(bits_of(r.m.data[i]) == bits_of(want), "\"%s\": element %zu is %a, not %a",
                      text, i, r.m.data[i], want);
    }
    test_free(r.m.data);
}

START_TEST(a_vector_is_read_into_one_row)
{
    assert_scan("[1, 2.5, -3e-2]", 1, 3, false, "1 2.5 -3e-2", "");
    assert_scan("[0]", 1, 1, false, "0", "");
    assert_scan("[-0]", 1, 1, false, "-0", "");
    assert_scan("[1e-400,4.9e-324,1.7976931348623157e308]", 1, 3, false,
                "0 4.9e-324 1.7976931348623157e308", "");
    assert_scan("[9007199254740993, 0.1000000000000000055511151231257827021181583404541015626]", 1,
                2, false,
                "9007199254740993 0.1000000000000000055511151231257827021181583404541015626", "");
    /* what follows the array is the caller's to check */
    assert_scan("[1,2] , 3", 1, 2, false, "1 2", " , 3");
    assert_scan("[1]]", 1, 1, false, "1", "]");
    assert_scan("[1]2", 1, 1, false, "1", "2");
    assert_scan("[[1]],[2]", 1, 1, true, "1", ",[2]");
}
END_TEST

START_TEST(a_batch_is_read_row_by_row)
{
    assert_scan("[[1,2],[3,4],[5,6]]", 3, 2, true, "1 2 3 4 5 6", "");
    assert_scan("[[7]]", 1, 1, true, "7", "");
    assert_scan("[[1,2,3]]", 1, 3, true, "1 2 3", "");
    assert_scan("[[-1e5],[2E-3],[0.5]]x", 3, 1, true, "-1e5 2E-3 0.5", "x");
}
END_TEST

START_TEST(whitespace_is_allowed_where_json_allows_it)
{
    assert_scan(" \t\n\r[ \n1 ,\t2\r\n]  ", 1, 2, false, "1 2", "  ");
    assert_scan("[ [ 1 , 2 ] , [ 3 , 4 ] ] ", 2, 2, true, "1 2 3 4", " ");
    assert_scan("[\n  [1,\n   2],\n  [3,\n   4]\n]", 2, 2, true, "1 2 3 4", "");
    /* not JSON whitespace: vertical tab, form feed, no-break space */
    ck_assert_int_eq(scan("[1,\v2]", 10).status, ACTIV_NUMPARSE_NOT_FAST);
    ck_assert_int_eq(scan("[1,\f2]", 10).status, ACTIV_NUMPARSE_NOT_FAST);
    ck_assert_int_eq(scan("\xc2\xa0[1]", 10).status, ACTIV_NUMPARSE_NOT_FAST);
    /* nor is a NUL byte (jansson 2.14 drops one right after a number: "[37\0]" is [37] to it;
     * the caller's fallback to jansson keeps that) */
    ck_assert_int_eq(scan_n("[37\0]", 5, 10).status, ACTIV_NUMPARSE_NOT_FAST);
    ck_assert_int_eq(scan_n("[1,\0"
                            "2]",
                            6, 10)
                         .status,
                     ACTIV_NUMPARSE_NOT_FAST);
    parsed nul = parse_n("37\0", 3);
    ck_assert(nul.status == ACTIV_NUMPARSE_OK && nul.used == 2);
}
END_TEST

/* Everything the scanner leaves to jansson, by class. */
static const char *const NOT_FAST[] = {
    /* not an array */
    "",
    "   ",
    "1",
    "{}",
    "{\"x\": [1]}",
    "\"[1]\"",
    "null",
    "true",
    "x[1]",
    /* empty */
    "[]",
    "[ ]",
    "[[]]",
    "[[ ]]",
    "[[],[]]",
    "[[1],[]]",
    "[[],[1]]",
    /* ragged, mixed */
    "[[1,2],[3]]",
    "[[1],[2,3]]",
    "[[1,2],[3,4],[5]]",
    "[1,[2]]",
    "[[1],2]",
    "[[1],[2],3]",
    /* not a number */
    "[null]",
    "[1,null]",
    "[[null]]",
    "[true]",
    "[false,1]",
    "[\"1\"]",
    "[1,\"a\"]",
    "[\"]\",1]",
    "[\",\",1]",
    "[\"[[[\",1]",
    "[{}]",
    "[1,{\"a\":1}]",
    "[[{}]]",
    "[NaN]",
    "[Infinity]",
    "[-Infinity]",
    /* deeper */
    "[[[1]]]",
    "[[1,[2]]]",
    "[[1],[[2]]]",
    "[[[]]]",
    /* invalid JSON */
    "[1,]",
    "[,1]",
    "[1 2]",
    "[1,,2]",
    "[01]",
    "[1.]",
    "[.5]",
    "[-]",
    "[+1]",
    "[1e]",
    "[0x1]",
    "[1,2",
    "[1",
    "[",
    "[[1,2]",
    "[[1,2],",
    "[[1,2],[3,4]",
    "[[1,2] [3,4]]",
    "[[1,2],]",
    "[1;2]",
    "[1 ,, 2]",
    "[[1,2],,[3,4]]",
    /* overflow */
    "[1e309]",
    "[-1e309]",
    "[1,1.7976931348623159e308]",
    "[[1e999999999999]]",
};

START_TEST(anything_else_is_not_fast_and_leaves_nothing_allocated)
{
    const char *text = NOT_FAST[_i];
    scanned r = scan(text, 1000);
    ck_assert_msg(r.status == ACTIV_NUMPARSE_NOT_FAST, "\"%s\": status %d", text, (int)r.status);
    ck_assert_msg(r.m.data == NULL && r.used == (size_t)-1, "\"%s\": outputs written", text);
    ck_assert_msg(allocs == frees, "\"%s\": %zu allocations, %zu frees", text, allocs, frees);
}
END_TEST

START_TEST(more_than_max_elements_is_not_fast_before_any_allocation)
{
    scanned r = scan("[1,2,3]", 3);
    ck_assert_int_eq(r.status, ACTIV_NUMPARSE_OK);
    test_free(r.m.data);
    r = scan("[1,2,3]", 2);
    ck_assert_int_eq(r.status, ACTIV_NUMPARSE_NOT_FAST);
    ck_assert_uint_eq(allocs, 0);
    r = scan("[[1,2],[3,4]]", 4);
    ck_assert_int_eq(r.status, ACTIV_NUMPARSE_OK);
    ck_assert_uint_eq(r.m.rows * r.m.cols, 4);
    test_free(r.m.data);
    r = scan("[[1,2],[3,4]]", 3);
    ck_assert_int_eq(r.status, ACTIV_NUMPARSE_NOT_FAST);
    ck_assert_uint_eq(allocs, 0);
    r = scan("[0]", 0);
    ck_assert_int_eq(r.status, ACTIV_NUMPARSE_NOT_FAST);
    ck_assert_uint_eq(allocs, 0);
}
END_TEST

START_TEST(a_failed_allocation_is_nomem)
{
    fail_alloc = true;
    scanned r = scan("[[1,2],[3,4]]", 100);
    fail_alloc = false;
    ck_assert_int_eq(r.status, ACTIV_NUMPARSE_NOMEM);
    ck_assert_uint_eq(allocs, 1);
    ck_assert_ptr_null(r.m.data);
    ck_assert_uint_eq(r.used, (size_t)-1);
}
END_TEST

START_TEST(the_default_allocator_is_malloc)
{
    const char *text = "[[1.5, -2], [3, 4e1]]";
    activ_nummatrix m;
    const char *stop;
    ck_assert_int_eq(activ_numparse_matrix(text, text + strlen(text), 4, NULL, &m, &stop),
                     ACTIV_NUMPARSE_OK);
    ck_assert(m.batched && m.rows == 2 && m.cols == 2);
    ck_assert_double_eq(m.data[3], 40.0);
    ck_assert_ptr_eq(stop, text + strlen(text));
    free(m.data);
}
END_TEST

/* Random vectors and batches with random whitespace: the values are strtod's. */
START_TEST(random_arrays_hold_strtods_values)
{
    static const char *const spaces[] = {"", "", "", " ", "\n", "\t", "\r\n", "  "};
    uint64_t s = UINT64_C(0x5eed) + (uint64_t)_i;
    static char numbers[40][TEXT_MAX / 2];
    static char text[40 * (TEXT_MAX / 2 + 8) + 64];
    for (int trial = 0; trial < 200; trial++) {
        bool batched = below(&s, 2);
        size_t rows = batched ? 1 + below(&s, 5) : 1, cols = 1 + below(&s, 8);
        size_t n = 0;
        n += (size_t)sprintf(text + n, "%s[", spaces[below(&s, 8)]);
        for (size_t r = 0; r < rows; r++) {
            if (batched)
                n += (size_t)sprintf(text + n, "%s[", spaces[below(&s, 8)]);
            for (size_t c = 0; c < cols; c++) {
                char *num = numbers[r * cols + c];
                random_case(&s, below(&s, 8), num, sizeof numbers[0]);
                n += (size_t)sprintf(text + n, "%s%s%s%s", spaces[below(&s, 8)], num,
                                     spaces[below(&s, 8)], c + 1 < cols ? "," : "");
            }
            if (batched)
                n += (size_t)sprintf(text + n, "]%s%s", spaces[below(&s, 8)],
                                     r + 1 < rows ? "," : "");
        }
        n += (size_t)sprintf(text + n, "]");
        size_t used = n;
        sprintf(text + n, "%s", spaces[below(&s, 8)]);
        scanned got = scan(text, 1000);
        bool overflow = false;
        for (size_t i = 0; i < rows * cols; i++) {
            double want;
            overflow |= reference(numbers[i], &want) == ACTIV_NUMPARSE_OVERFLOW;
        }
        if (overflow) {
            ck_assert_msg(got.status == ACTIV_NUMPARSE_NOT_FAST, "\"%s\": status %d", text,
                          (int)got.status);
            continue;
        }
        ck_assert_msg(got.status == ACTIV_NUMPARSE_OK, "\"%s\": status %d", text, (int)got.status);
        ck_assert_msg(got.m.rows == rows && got.m.cols == cols && got.m.batched == batched &&
                          got.used == used,
                      "\"%s\": shape or end", text);
        for (size_t i = 0; i < rows * cols; i++) {
            double want;
            (void)reference(numbers[i], &want);
            ck_assert_msg(bits_of(got.m.data[i]) == bits_of(want), "\"%s\": element %zu", text, i);
        }
        test_free(got.m.data);
    }
}
END_TEST

START_TEST(a_long_vector_is_read_exactly)
{
    /* crosses the first pass's 127-step flush of its comma counters many times */
    size_t n = 100000;
    char *text = malloc(n * 24 + 2);
    ck_assert_ptr_nonnull(text);
    size_t k = 0;
    text[k++] = '[';
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(text + k, "%s%.17g", i ? "," : "", (double)i / 7.0);
    text[k++] = ']';
    text[k] = '\0';
    activ_nummatrix m;
    const char *stop;
    ck_assert_int_eq(activ_numparse_matrix(text, text + k, n, NULL, &m, &stop), ACTIV_NUMPARSE_OK);
    ck_assert_uint_eq(m.cols, n);
    ck_assert_ptr_eq(stop, text + k);
    for (size_t i = 0; i < n; i++) {
        char num[32];
        snprintf(num, sizeof num, "%.17g", (double)i / 7.0);
        if (bits_of(m.data[i]) != bits_of(strtod(num, NULL)))
            ck_abort_msg("element %zu: %a for %s", i, m.data[i], num);
    }
    free(m.data);
    ck_assert_int_eq(activ_numparse_matrix(text, text + k, n - 1, NULL, &m, &stop),
                     ACTIV_NUMPARSE_NOT_FAST);
    free(text);
}
END_TEST

static Suite *numparse_suite(void)
{
    Suite *s = suite_create("numparse");
    TCase *tc = tcase_create("grammar");
    tcase_add_loop_test(tc, grammar_accepts_json_numbers_with_strtods_value, 0,
                        (int)COUNT(ACCEPTED));
    tcase_add_loop_test(tc, grammar_rejects_what_json_rejects_and_so_does_jansson, 0,
                        (int)COUNT(REJECTED));
    tcase_add_test(tc, no_byte_at_or_beyond_end_is_read);
    suite_add_tcase(s, tc);

    tc = tcase_create("rounding");
    tcase_add_loop_test(tc, hard_cases_round_like_strtod, 0, (int)COUNT(HARD));
    tcase_add_test(tc, signs_zeros_and_limits_are_exact);
    tcase_add_test(tc, huge_exponents_and_digit_counts_stay_exact);
    tcase_add_test(tc, long_mantissas_at_midpoints_round_like_strtod);
    tcase_add_test(tc, a_long_mantissa_is_read_in_linear_time);
    tcase_add_test(tc, the_locale_does_not_change_a_result);
    suite_add_tcase(s, tc);

    tc = tcase_create("proof");
    /* a part takes about 2 us per case here; far more under valgrind, where Check does not
     * fork and no timeout applies */
    tcase_set_timeout(tc, 60 + (double)proof_count() / PROOF_PARTS * 50e-6);
    tcase_add_loop_test(tc, random_numbers_round_like_strtod, 0, PROOF_PARTS);
    suite_add_tcase(s, tc);

    tc = tcase_create("matrix");
    tcase_add_test(tc, a_vector_is_read_into_one_row);
    tcase_add_test(tc, a_batch_is_read_row_by_row);
    tcase_add_test(tc, whitespace_is_allowed_where_json_allows_it);
    tcase_add_loop_test(tc, anything_else_is_not_fast_and_leaves_nothing_allocated, 0,
                        (int)COUNT(NOT_FAST));
    tcase_add_test(tc, more_than_max_elements_is_not_fast_before_any_allocation);
    tcase_add_test(tc, a_failed_allocation_is_nomem);
    tcase_add_test(tc, the_default_allocator_is_malloc);
    tcase_add_loop_test(tc, random_arrays_hold_strtods_values, 0, 10);
    tcase_add_test(tc, a_long_vector_is_read_exactly);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(numparse_suite());
}
