/* numparse.c -- JSON numbers and arrays of them into doubles, correctly rounded (service: libc) */
#include "activ/numparse.h"

#include <assert.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse_table.h"

/* A number w * 10^q (w < 2^64 holding up to 19 significant digits) becomes the nearest double
 * in one of three ways, tried in this order:
 *
 * 1. Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately",
 *    1990): when w <= 2^53 and 10^|q| <= 10^22, both are exact doubles and one IEEE
 *    multiplication or division rounds their product or quotient correctly. Also when
 *    q <= 22 + 15 and w * 10^(q - 22) is still an integer <= 2^53. Needs doubles evaluated
 *    in double (FLT_EVAL_METHOD 0; otherwise the path is compiled out) and the default
 *    rounding mode.
 *
 * 2. Eisel-Lemire (D. Lemire, "Number parsing at a gigabyte per second", 2021; N. Mushtak and
 *    D. Lemire, "Fast number parsing without fallback", 2023), in integers only. With w
 *    shifted to w' = w * 2^lz in [2^63, 2^64) and M_q the 128 leading bits of 5^q from
 *    numparse_table.h (truncated), the value is T * 2^x where T = w' * M_q / 2^64 and
 *    x = floor(q log2 10) - lz - 63. F, the integer part of T, is a 128-bit number with its
 *    leading bit at 127 or 126. The result keeps the 53 bits of F from its leading bit down
 *    (fewer when it is subnormal: down to the bit worth 2^-1074), and rounds on the bits
 *    below. Only the bits F leaves out are uncertain:
 *      - after one 64 x 64 product w' * hi(M_q), F is known to within 2^64 + 1 units: the
 *        rounding is decided unless the bits between the rounding bit and bit 64 are all
 *        zeros or all ones;
 *      - otherwise a second product w' * lo(M_q) gives F exactly, and T = F + t / 2^64 (t the
 *        product's low 64 bits) when M_q is exact (0 <= q <= 55), or F < T < F + 2 when M_q
 *        is truncated (then 5^q * 2^k is never an integer, so T > F strictly).
 *    Exact: the tie (rounding bit 1, nothing below) rounds to even. Truncated: rounding bit 1
 *    means above the midpoint, rounding bit 0 is below it unless every bit below is 1; that
 *    one case, T within 2 units of a midpoint, is left undecided. An exact tie there needs
 *    q in [-4, -1] (a tie has 54 significant bits and w < 2^64, so 5^-q < 2^11); it is then
 *    w / 5^-q, an integer, and is rounded as one. Otherwise the case is only possible in
 *    principle: Mushtak and Lemire prove that it never arises for w < 2^64 with q outside
 *    [-27, 55], and the random proof of test_numparse has never met it inside.
 *
 * 3. strtod(), for the rest: numbers of more than 19 significant digits whose first 19
 *    digits w and w + 1 round differently (the digits cut off decide), and the undecided case
 *    above. It gets the digits without a decimal point ("-123456e-3"), so the locale's
 *    decimal point never matters, and at most NUMPARSE_MIDPOINT_DIGITS of them plus a sticky
 *    digit: every midpoint between two doubles has at most that many significant digits, so
 *    a cut after them, marked by a nonzero last digit, rounds like the whole.
 *
 * Exponents: |q| beyond the table decides alone (zero or overflow). The explicit exponent
 * stops growing once it reaches EXP_SATURATE (so it stays below 10 * 2^59 < 2^63); digit
 * counts are below 2^58 for a text below 2^58 bytes, so a saturated exponent still puts q
 * beyond the table, on the same side. */

#define EXP_SATURATE    (INT64_C(1) << 59)
#define MAX_W_DIGITS    19                  /* 10^19 - 1 < 2^64 */
#define EXACT_INT_MAX   (UINT64_C(1) << 53) /* every integer up to 2^53 is a double */
#define FAST_POW10_MAX  22                  /* 10^22 is the last power of ten that is a double */
#define EXTRA_POW10_MAX 15                  /* 10^15 < 2^53: w * 10^k can still be exact */
#define INF_BITS        UINT64_C(0x7ff0000000000000)
#define SIGN_BIT        UINT64_C(0x8000000000000000)

/* Each optional path can be compiled out with -DNUMPARSE_CLINGER=0 or -DNUMPARSE_SWAR=0: the
 * code left must give the same bits (test_numparse linked with such an object shows it). */
#ifndef NUMPARSE_CLINGER
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define NUMPARSE_CLINGER 1
#else
#define NUMPARSE_CLINGER 0
#endif
#endif

/* Eight ASCII digits at once (SWAR) on little-endian machines, the others read them one by
 * one. */
#ifndef NUMPARSE_SWAR
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                                 \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NUMPARSE_SWAR 1
#else
#define NUMPARSE_SWAR 0
#endif
#endif

/* The hot path, parse_literal() and convert(), is inlined into each caller's loop; the rare
 * paths are kept out of it. */
#if defined(__GNUC__) || defined(__clang__)
#define HOT_INLINE inline __attribute__((always_inline))
#define COLD       __attribute__((noinline, cold))
#else
#define HOT_INLINE inline
#define COLD
#endif

/* ---------------------------------------------------------------- integer helpers */

typedef struct u128 {
    uint64_t hi;
    uint64_t lo;
} u128;

#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 uint128;
#endif

/* The full product a * b. */
static inline u128 mul_64x64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    uint128 r = (uint128)a * b;
    return (u128){(uint64_t)(r >> 64), (uint64_t)r};
#else
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10; /* < 3 * 2^32 */
    return (u128){p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (uint32_t)p00};
#endif
}

/* Leading zero bits of x > 0. */
static inline int leading_zeros(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_clzll(x);
#else
    int n = 0;
    while (!(x & SIGN_BIT)) {
        x <<= 1;
        n++;
    }
    return n;
#endif
}

/* floor(q * log2(10)) for q in the table's range (217706 / 2^16 ~ log2 10; the bias keeps the
 * shifted value positive). gen_numparse_table.py checks it on every q of the table. */
static inline int floor_log2_pow10(int q)
{
    return (int)((((int64_t)q + 32768) * 217706) >> 16) - 108853;
}

static inline double from_bits(uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* ---------------------------------------------------------------- digits */

static inline bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

#if NUMPARSE_SWAR
#define BYTES(b) (UINT64_C(0x0101010101010101) * (b))

static inline uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* High bit of each byte of v that is zero: the low seven bits plus 0x7f reach 0x80 unless
 * they are all clear, and the high bit itself must be clear too. No carry crosses bytes. */
static inline uint64_t zero_bytes(uint64_t v)
{
    return ~(((v & BYTES(0x7f)) + BYTES(0x7f)) | v) & BYTES(0x80);
}

/* High bit of each byte of v that is not an ASCII digit: with t = v ^ '0', a digit's byte is
 * 0..9; the low seven bits of any other reach 0x80 when 0x76 is added, or its high bit is
 * set. No carry crosses bytes (0x7f + 0x76 < 0x100). */
static inline uint64_t non_digits(uint64_t v)
{
    uint64_t t = v ^ BYTES('0');
    return (((t & BYTES(0x7f)) + BYTES(0x76)) | t) & BYTES(0x80);
}

/* The sum of the eight byte lanes of v, each below 256. */
static inline size_t sum_lanes(uint64_t v)
{
    v = (v & UINT64_C(0x00ff00ff00ff00ff)) + ((v >> 8) & UINT64_C(0x00ff00ff00ff00ff));
    return (size_t)((v * UINT64_C(0x0001000100010001)) >> 48);
}

/* The value of 8 digit values 0..9, the first (most significant) in the lowest byte: pairs
 * of bytes, then pairs of pairs, then the two halves. No lane overflows its width (99,
 * 9999, 99999999). */
static inline uint64_t value8(uint64_t d)
{
    d = (d * 10 + (d >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
    d = (d * 100 + (d >> 16)) & UINT64_C(0x0000ffff0000ffff);
    return (uint32_t)(d * 10000 + (d >> 32));
}

static inline int trailing_zeros(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(x);
#else
    int n = 0;
    while (!(x & 1)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}
#endif

/* Reads the digits at p, before end, into *w = 10 * *w + digit (modulo 2^64); returns the
 * first byte that is not a digit. While 8 bytes remain they are read at once: the first
 * non-digit's byte gives the count n of digits, and shifting the other bytes out leaves the
 * n digits after 8 - n zeros, whose value is theirs. */
static inline const char *read_digits(const char *p, const char *end, uint64_t *w)
{
    uint64_t v = *w;
#if NUMPARSE_SWAR
    static const uint64_t scale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    while (end - p >= 8) {
        uint64_t chunk = load8(p);
        uint64_t stops = non_digits(chunk);
        uint64_t digits = chunk ^ BYTES('0');
        if (!stops) {
            v = v * 100000000 + value8(digits);
            p += 8;
            continue;
        }
        int n = trailing_zeros(stops) >> 3;
        if (n > 0)
            v = v * scale[n] + value8(digits << (8 * (8 - n)));
        *w = v;
        return p + n;
    }
#endif
    while (p < end && is_digit(*p)) {
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
    }
    *w = v;
    return p;
}

/* ---------------------------------------------------------------- the literal */

/* A number's text as parse_literal() splits it: the mantissa's digits are those of
 * [digits, mantissa_end) but the '.', if any. */
typedef struct literal {
    const char *digits;       /* the integer part's first digit */
    const char *mantissa_end; /* the 'e', 'E' or the end of the number */
    uint64_t w;               /* the mantissa's digits as an integer, modulo 2^64 */
    int64_t n_digits;         /* digits in the mantissa, integer and fraction part */
    int64_t exponent;         /* the explicit exponent minus the fraction's digit count */
    bool negative;
} literal;

/* Splits the number at p by the JSON grammar; *stop is its end. */
static HOT_INLINE activ_numparse_status parse_literal(const char *p, const char *end, literal *lit,
                                                      const char **stop)
{
    lit->negative = p < end && *p == '-';
    p += lit->negative;
    lit->digits = p;
    uint64_t w = 0;
    if (p == end || !is_digit(*p))
        return ACTIV_NUMPARSE_SYNTAX;
    if (*p == '0') {
        p++;
        if (p < end && is_digit(*p)) /* "01": JSON has no leading zeros */
            return ACTIV_NUMPARSE_SYNTAX;
    } else {
        /* a digit at a time: integer parts are short in practice, and for one or two digits
         * this loop beats the 8-byte read, which the fraction gets */
        while (p < end && is_digit(*p)) {
            w = w * 10 + (uint64_t)(*p - '0');
            p++;
        }
    }
    int64_t n_frac = 0;
    if (p < end && *p == '.') {
        const char *frac = ++p;
        p = read_digits(p, end, &w);
        n_frac = p - frac;
        if (n_frac == 0)
            return ACTIV_NUMPARSE_SYNTAX;
    }
    lit->mantissa_end = p;
    lit->n_digits = (p - lit->digits) - (n_frac > 0);
    int64_t e = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool negative = p < end && *p == '-';
        if (p < end && (*p == '-' || *p == '+'))
            p++;
        if (p == end || !is_digit(*p))
            return ACTIV_NUMPARSE_SYNTAX;
        do {
            if (e < EXP_SATURATE)
                e = e * 10 + (*p - '0');
            p++;
        } while (p < end && is_digit(*p));
        if (negative)
            e = -e;
    }
    lit->w = w;
    lit->exponent = e - n_frac;
    *stop = p;
    return ACTIV_NUMPARSE_OK;
}

/* For a mantissa of more than 19 digits: its first 19 significant digits into *w (fewer
 * when there are fewer), *q such that the value is (*w + a fraction of 1) * 10^*q, and
 * whether that fraction is not zero (a nonzero digit was cut off). */
static void leading_digits(const literal *lit, uint64_t *w, int64_t *q, bool *cut)
{
    const char *p = lit->digits;
    const char *end = lit->mantissa_end;
    while (p < end && (*p == '0' || *p == '.'))
        p++;
    uint64_t v = 0;
    int kept = 0;
    for (; p < end && kept < MAX_W_DIGITS; p++) {
        if (*p != '.') {
            v = v * 10 + (uint64_t)(*p - '0');
            kept++;
        }
    }
    int64_t dropped = 0;
    bool nonzero = false;
    for (; p < end; p++) {
        if (*p != '.') {
            dropped++;
            nonzero |= *p != '0';
        }
    }
    *w = v;
    *q = lit->exponent + dropped;
    *cut = nonzero;
}

/* ---------------------------------------------------------------- conversion */

/* Whether the 128-bit products decide the double nearest w * 10^q (w > 0, q in the table's
 * range); if so, sets *bits to its bit pattern without the sign, INF_BITS or more meaning
 * that it overflows. See the method at the top of the file. */
static HOT_INLINE bool eisel_lemire(uint64_t w, int q, uint64_t *bits)
{
    int lz = leading_zeros(w);
    w <<= lz;
    const numparse_pow5 *m = &numparse_pow5_table[q - NUMPARSE_Q_MIN];
    u128 f = mul_64x64(w, m->hi);
    int x = floor_log2_pow10(q) - lz - 63; /* the value is about F * 2^x */

    /* p: the bit of F worth one unit in the last place of the result, 52 bits below the
     * leading one, or the bit worth 2^-1074 when the result is subnormal. The rounding bit
     * is p - 1, so it lies in f.hi: p >= 126 - 52. */
    int top = 126 + (int)(f.hi >> 63);
    int p = top + x < -1022 ? -1074 - x : top - 52;
    if (p >= 129) {
        /* T < F + 2^64 + 1 <= (f.hi + 2) * 2^64: below half the least subnormal, 2^(p-1),
         * unless f.hi is all ones at p = 129 */
        if (p == 129 && f.hi == UINT64_MAX)
            return false;
        *bits = 0;
        return true;
    }
    int below = p - 1 - 64; /* bits of f.hi below the rounding bit, 9..63 */
    uint64_t mask = (UINT64_C(1) << below) - 1;
    bool refined = (f.hi & mask) == 0 || (f.hi & mask) == mask;
    uint64_t tail = 0;
    if (refined) {
        u128 s = mul_64x64(w, m->lo);
        f.lo += s.hi;
        f.hi += f.lo < s.hi;
        tail = s.lo;
        /* a carry may have moved the leading bit up (then p moves with it for a normal
         * result; p stays below 129) */
        top = 126 + (int)(f.hi >> 63);
        p = top + x < -1022 ? -1074 - x : top - 52;
        below = p - 1 - 64;
        mask = (UINT64_C(1) << below) - 1;
    }
    uint64_t kept = p - 64 < 64 ? f.hi >> (p - 64) : 0;
    bool round_bit = (f.hi >> below) & 1;
    uint64_t rest = f.hi & mask;
    bool up;
    if (!refined) {
        up = round_bit; /* rest is neither 0 nor all ones */
    } else if (q >= 0 && q <= NUMPARSE_Q_EXACT_MAX) {
        up = round_bit && (rest != 0 || f.lo != 0 || tail != 0 || (kept & 1));
    } else if (round_bit) {
        up = true;
    } else {
        if (rest == mask && f.lo == UINT64_MAX)
            return false; /* F < T < F + 2 straddles the midpoint */
        up = false;
    }
    /* kept * 2^(p + x) is the result, and kept <= 2^53: as a bit pattern, the biased
     * exponent (p + x + 1075 for a normal result) less one, shifted, plus kept, whose bit 52
     * adds the one back; a subnormal has p + x = -1074 and bit 52 clear. A kept of 2^53
     * after rounding up carries into the exponent by itself. */
    *bits = ((uint64_t)(p + x + 1074) << 52) + kept + up;
    return true;
}

/* An exact tie w * 10^q = k * 2^q with q in [-4, -1] and k = w / 5^-q an integer below 2^64
 * (k >= 2^53 then: a tie needs 54 significant bits): k rounded to 53 bits, ties to even. */
static bool tie_with_fraction(uint64_t w, int q, uint64_t *bits)
{
    static const uint64_t pow5[] = {1, 5, 25, 125, 625};
    if (q < -4 || q > -1 || w % pow5[-q] != 0)
        return false;
    uint64_t k = w / pow5[-q];
    if (k < EXACT_INT_MAX)
        return false;
    int shift = 64 - leading_zeros(k) - 53;
    uint64_t kept = k >> shift;
    uint64_t rest = k & ((UINT64_C(1) << shift) - 1);
    uint64_t half = UINT64_C(1) << (shift - 1);
    kept += rest > half || (rest == half && (kept & 1));
    *bits = ((uint64_t)(shift + q + 1074) << 52) + kept; /* as in eisel_lemire */
    return true;
}

/* The bits of the double nearest w * 10^q, w > 0, unsigned, as eisel_lemire(). */
static HOT_INLINE bool decide(uint64_t w, int64_t q, uint64_t *bits)
{
    if (q < NUMPARSE_Q_MIN) {
        *bits = 0;
        return true;
    }
    if (q > NUMPARSE_Q_MAX) {
        *bits = INF_BITS;
        return true;
    }
    return eisel_lemire(w, (int)q, bits) || tie_with_fraction(w, (int)q, bits);
}

/* The last resort: strtod() on the digits, without a decimal point, cut after
 * NUMPARSE_MIDPOINT_DIGITS significant digits with a sticky 1 appended when a nonzero digit
 * was cut. Only called for a value inside the table's range, so the exponent is small. */
static COLD activ_numparse_status by_strtod(const literal *lit, double *out)
{
    char buf[1 + NUMPARSE_MIDPOINT_DIGITS + 1 + 24];
    size_t n = 0;
    if (lit->negative)
        buf[n++] = '-';
    const char *p = lit->digits;
    const char *end = lit->mantissa_end;
    while (p < end && (*p == '0' || *p == '.'))
        p++;
    size_t first = n;
    int64_t dropped = 0;
    bool nonzero = false;
    for (; p < end; p++) {
        if (*p == '.')
            continue;
        if (n - first < NUMPARSE_MIDPOINT_DIGITS) {
            buf[n++] = *p;
        } else {
            dropped++;
            nonzero |= *p != '0';
        }
    }
    int64_t exponent = lit->exponent + dropped;
    if (nonzero) {
        buf[n++] = '1';
        exponent--;
    }
    snprintf(buf + n, sizeof buf - n, "e%lld", (long long)exponent);
    int saved = errno;
    char *parsed;
    double d = strtod(buf, &parsed);
    errno = saved;
    ACTIV_ASSERT(*parsed == '\0');
    *out = d;
    return isinf(d) ? ACTIV_NUMPARSE_OVERFLOW : ACTIV_NUMPARSE_OK;
}

#if NUMPARSE_CLINGER
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
static_assert(sizeof exact_pow10 / sizeof exact_pow10[0] == FAST_POW10_MAX + 1, "10^0 to 10^22");
static const uint64_t small_pow10[] = {1,
                                       10,
                                       100,
                                       1000,
                                       10000,
                                       100000,
                                       1000000,
                                       10000000,
                                       100000000,
                                       1000000000,
                                       10000000000,
                                       100000000000,
                                       1000000000000,
                                       10000000000000,
                                       100000000000000,
                                       1000000000000000};
static_assert(sizeof small_pow10 / sizeof small_pow10[0] == EXTRA_POW10_MAX + 1, "10^0 to 10^15");
#endif

/* The rare cases, out of line: more than 19 digits, and strtod(). */
static COLD activ_numparse_status convert_long(const literal *lit, double *out);

/* The double nearest the literal's value. */
static HOT_INLINE activ_numparse_status convert(const literal *lit, double *out)
{
    if (lit->n_digits > MAX_W_DIGITS)
        return convert_long(lit, out);
    uint64_t w = lit->w;
    int64_t q = lit->exponent;
    uint64_t sign = lit->negative ? SIGN_BIT : 0;
    if (w == 0) {
        *out = from_bits(sign);
        return ACTIV_NUMPARSE_OK;
    }
#if NUMPARSE_CLINGER
    if (w <= EXACT_INT_MAX && q >= -FAST_POW10_MAX && q <= FAST_POW10_MAX + EXTRA_POW10_MAX) {
        double d = (double)w;
        bool exact = true;
        if (q < 0) {
            d /= exact_pow10[-q];
        } else if (q <= FAST_POW10_MAX) {
            d *= exact_pow10[q];
        } else {
            /* w * 10^(q - 22) may still be an integer <= 2^53 */
            uint64_t scale = small_pow10[q - FAST_POW10_MAX];
            exact = w <= EXACT_INT_MAX / scale;
            d = (double)(w * scale) * exact_pow10[FAST_POW10_MAX];
        }
        if (exact) {
            *out = lit->negative ? -d : d;
            return ACTIV_NUMPARSE_OK;
        }
    }
#endif
    uint64_t bits;
    if (!decide(w, q, &bits))
        return convert_long(lit, out);
    if (bits >= INF_BITS) {
        *out = from_bits(sign | INF_BITS);
        return ACTIV_NUMPARSE_OVERFLOW;
    }
    *out = from_bits(sign | bits);
    return ACTIV_NUMPARSE_OK;
}

static COLD activ_numparse_status convert_long(const literal *lit, double *out)
{
    uint64_t w = lit->w;
    int64_t q = lit->exponent;
    bool cut = false;
    if (lit->n_digits > MAX_W_DIGITS)
        leading_digits(lit, &w, &q, &cut);
    uint64_t sign = lit->negative ? SIGN_BIT : 0;
    uint64_t lo, hi;
    if (w == 0) {
        *out = from_bits(sign);
        return ACTIV_NUMPARSE_OK;
    }
    /* the value lies in [w, w + 1) * 10^q, and rounding is monotonic */
    if (!decide(w, q, &lo) || (cut && (!decide(w + 1, q, &hi) || hi != lo)))
        return by_strtod(lit, out);
    if (lo >= INF_BITS) {
        *out = from_bits(sign | INF_BITS);
        return ACTIV_NUMPARSE_OVERFLOW;
    }
    *out = from_bits(sign | lo);
    return ACTIV_NUMPARSE_OK;
}

activ_numparse_status activ_numparse_double(const char *p, const char *end, double *out,
                                            const char **stop)
{
    literal lit;
    const char *after;
    activ_numparse_status st = parse_literal(p, end, &lit, &after);
    if (st != ACTIV_NUMPARSE_OK)
        return st;
    double d;
    st = convert(&lit, &d);
    *out = d;
    *stop = after;
    return st;
}

/* ---------------------------------------------------------------- vectors and batches */

static inline const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

/* The first pass, from just after the opening '[' to its closing ']': the number of
 * elements a vector or batch there would have, which is one more than its commas
 * (rows * (cols - 1) within the rows, rows - 1 between them). It looks at brackets and
 * commas only: a string or object in the array makes the count wrong, but the second pass
 * refuses it anyway and never writes more than the count. (Such a count may be too large,
 * up to one element per byte, within max_elements; but the block is freed before the second
 * pass writes more than the numbers in front of the fault, so most of a large block is never
 * touched. Looking for '"' here as well cost 2.5 ns per number.) False at a third level
 * of arrays, or when no closing ']' comes. */
static bool count_elements(const char *p, const char *end, size_t *count)
{
    size_t commas = 0;
    int depth = 1;
    while (p < end) {
#if NUMPARSE_SWAR
        /* 16 bytes at a time while there is no bracket: x ^ '[' is 0 for '[' and 6 for ']',
         * so masking bits 1 and 2 away leaves a zero byte for both (and for 'Y' and '_',
         * which only strings hold). The commas' flags add up in byte lanes, at most one per
         * lane per step, and are summed before a lane can reach 256. */
        uint64_t lanes = 0;
        int steps = 0;
        while (end - p >= 16) {
            uint64_t a = load8(p), b = load8(p + 8);
            uint64_t brackets = zero_bytes((a ^ BYTES('[')) & BYTES(0xf9)) |
                                zero_bytes((b ^ BYTES('[')) & BYTES(0xf9));
            if (brackets)
                break;
            lanes += (zero_bytes(a ^ BYTES(',')) >> 7) + (zero_bytes(b ^ BYTES(',')) >> 7);
            p += 16;
            if (++steps == 127) {
                commas += sum_lanes(lanes);
                lanes = 0;
                steps = 0;
            }
        }
        commas += sum_lanes(lanes);
        if (p == end)
            break;
#endif
        switch (*p++) {
            case ',':
                commas++;
                break;
            case '[':
                if (++depth > 2)
                    return false;
                break;
            case ']':
                if (--depth == 0) {
                    *count = commas + 1;
                    return true;
                }
                break;
            default:
                break;
        }
    }
    return false;
}

/* One number of the array at p (whitespace before it skipped), then the ',' or ']' after it;
 * *close tells which. NULL when either is missing or the number is invalid or overflows. */
static HOT_INLINE const char *element(const char *p, const char *end, double *out, bool *close)
{
    p = skip_space(p, end);
    literal lit;
    const char *after;
    if (parse_literal(p, end, &lit, &after) != ACTIV_NUMPARSE_OK ||
        convert(&lit, out) != ACTIV_NUMPARSE_OK)
        return NULL;
    p = skip_space(after, end);
    if (p == end || (*p != ',' && *p != ']'))
        return NULL;
    *close = *p == ']';
    return p + 1;
}

/* The second pass: the elements after the opening '[' into data (room for n). The number of
 * elements, rows and columns, and the end of the text, or NULL when it is not a vector or
 * batch of exactly n numbers. */
static const char *read_matrix(const char *p, const char *end, double *data, size_t n,
                               activ_nummatrix *m)
{
    size_t i = 0;
    bool close = false;
    p = skip_space(p, end);
    if (p < end && *p != '[') {
        while (!close) {
            if (i == n)
                return NULL;
            p = element(p, end, &data[i++], &close);
            if (!p)
                return NULL;
        }
        *m = (activ_nummatrix){.data = data, .rows = 1, .cols = n, .batched = false};
        return i == n ? p : NULL;
    }
    size_t rows = 0, cols = 0;
    bool last_row = false;
    while (!last_row) {
        p = skip_space(p, end);
        if (p == end || *p != '[')
            return NULL;
        p++;
        size_t row_start = i;
        close = false;
        while (!close) {
            if (i == n)
                return NULL;
            p = element(p, end, &data[i++], &close);
            if (!p)
                return NULL;
        }
        if (rows == 0)
            cols = i - row_start;
        else if (i - row_start != cols)
            return NULL;
        rows++;
        p = skip_space(p, end);
        if (p == end || (*p != ',' && *p != ']'))
            return NULL;
        last_row = *p == ']';
        p++;
    }
    *m = (activ_nummatrix){.data = data, .rows = rows, .cols = cols, .batched = true};
    return i == n ? p : NULL;
}

static void *default_alloc(size_t size)
{
    return malloc(size);
}

static void default_free(void *block)
{
    free(block);
}

activ_numparse_status activ_numparse_matrix(const char *p, const char *end, size_t max_elements,
                                            const activ_numparse_allocator *allocator,
                                            activ_nummatrix *out, const char **stop)
{
    static const activ_numparse_allocator standard = {default_alloc, default_free};
    if (!allocator)
        allocator = &standard;
    p = skip_space(p, end);
    if (p == end || *p != '[')
        return ACTIV_NUMPARSE_NOT_FAST;
    p++;
    size_t n, bytes;
    if (!count_elements(p, end, &n) || n > max_elements ||
        !activ_size_mul(n, sizeof(double), &bytes))
        return ACTIV_NUMPARSE_NOT_FAST;
    double *data = allocator->alloc(bytes);
    if (!data)
        return ACTIV_NUMPARSE_NOMEM;
    activ_nummatrix m;
    const char *after = read_matrix(p, end, data, n, &m);
    if (!after) {
        allocator->free(data);
        return ACTIV_NUMPARSE_NOT_FAST;
    }
    *out = m;
    *stop = after;
    return ACTIV_NUMPARSE_OK;
}
