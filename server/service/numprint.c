/* numprint.c -- the shortest decimal text of a double that reads back as the same double
 * (service: libc only) */
#include "activ/numprint.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "numprint_table.h"

/* Method: Schubfach (R. Giulietti, "The Schubfach way to render doubles", 2020).
 * Write |v| = c 2^q (c < 2^53). The reals that round to v form R = [vl, vr] with
 * vl = v - 2^(q-1) and vr = v + 2^(q-1), except at the bottom of a binade (c = 2^52 above the
 * subnormals), where the gap below v is half as wide: vl = v - 2^(q-2). R is closed when c is
 * even and open when c is odd (strtod breaks ties to even). Let k = floor(log10 w), w the
 * width of R (2^q, or 3/4 2^q at the bottom of a binade): R then holds at least one multiple
 * of 10^k and at most one of 10^(k+1). With s = floor(v / 10^k):
 *   1. if 10 floor(s/10) or the next multiple of 10, times 10^k, lies in R, it has the fewest
 *      digits (any shorter decimal in R is a multiple of 10^(k+1) too);
 *   2. otherwise the shortest decimals in R have as many digits as s: of s 10^k and
 *      (s+1) 10^k, at least one lies in R and they are the nearest to v. Take the one that
 *      does; when both do, the nearer, and on a tie the even one.
 * Step 1 needs s >= 10. For s < 10 (only the least subnormals) it would offer 10^(k+1), which
 * has no fewer digits than s and may lie farther from v; step 2 alone is right there.
 *
 * The comparisons need vl, v, vr scaled by 4 / 10^k and rounded to odd (floor, with bit 0 set
 * when inexact): the points they are compared with are even after the scaling, so the
 * comparisons come out as with the exact values. round_odd() computes them from a 126-bit
 * upper bound of 10^-k (numprint_table.h); tests/data/gen_numprint_table.py proves that the
 * result is exact for every double, and tests/unit/test_numprint.c checks the table. */

#define SIG_BITS   52      /* stored significand bits of a binary64 */
#define EXP_ALL1   0x7ff   /* biased exponent of infinities and NaNs */
#define Q_SUBNORM  (-1074) /* q of the subnormals (and of the least binade) */
#define HIDDEN_BIT ((uint64_t)1 << SIG_BITS)

static_assert(sizeof numprint_pow10 / sizeof numprint_pow10[0] ==
                  ACTIV_NUMPRINT_POW10_MAX - ACTIV_NUMPRINT_POW10_MIN + 1,
              "one entry per power of ten");

/* floor(x / 2^s): >> of a negative number is implementation-defined in C. */
static int floor_shift(int32_t x, int s)
{
    if (x >= 0)
        return (int)(x >> s);
    return -(int)((-(x + 1)) >> s) - 1;
}

/* floor(q log10 2), floor(q log10 2 + log10(3/4)) and floor(e log2 10), from the constants the
 * generator checks over every exponent used here. */
static int log10_pow2(int q)
{
    return floor_shift((int32_t)q * ACTIV_NUMPRINT_LOG10_2_MUL, ACTIV_NUMPRINT_LOG10_2_SHIFT);
}

static int log10_three_quarters_pow2(int q)
{
    return floor_shift((int32_t)q * ACTIV_NUMPRINT_LOG10_2_MUL - ACTIV_NUMPRINT_LOG10_3Q_SUB,
                       ACTIV_NUMPRINT_LOG10_2_SHIFT);
}

static int log2_pow10(int e)
{
    return floor_shift((int32_t)e * ACTIV_NUMPRINT_LOG2_10_MUL, ACTIV_NUMPRINT_LOG2_10_SHIFT);
}

/* The 128-bit product a b: returns the high 64 bits and puts the low ones in *lo. Four 32-bit
 * products, as C11 has no wider integer type. */
static inline uint64_t mul_64x64(uint64_t a, uint64_t b, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32;
    uint64_t b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10; /* < 3 2^32: no overflow */
    *lo = (mid << 32) | (uint32_t)p00;
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* A 192-bit natural: the products of g and cp << h (< 2^187). */
typedef struct u192 {
    uint64_t hi, mid, lo;
} u192;

/* g m, for the 126-bit g = g[0] 2^64 + g[1]. */
static inline u192 mul_g(const uint64_t g[2], uint64_t m)
{
    u192 p;
    uint64_t low_hi = mul_64x64(g[1], m, &p.lo);
    uint64_t high_lo;
    p.hi = mul_64x64(g[0], m, &high_lo);
    p.mid = high_lo + low_hi;
    p.hi += p.mid < low_hi;
    return p;
}

/* g 2^s, 1 <= s <= 63. */
static inline u192 shift_g(const uint64_t g[2], int s)
{
    u192 r = {g[0] >> (64 - s), (g[0] << s) | (g[1] >> (64 - s)), g[1] << s};
    return r;
}

static inline u192 add_192(u192 a, u192 b)
{
    u192 r;
    r.lo = a.lo + b.lo;
    uint64_t carry = r.lo < a.lo;
    uint64_t mid = a.mid + b.mid;
    uint64_t carry2 = mid < a.mid;
    r.mid = mid + carry;
    carry2 += r.mid < mid;
    r.hi = a.hi + b.hi + carry2;
    return r;
}

static inline u192 sub_192(u192 a, u192 b)
{
    u192 r;
    r.lo = a.lo - b.lo;
    uint64_t borrow = a.lo < b.lo;
    uint64_t mid = a.mid - b.mid;
    uint64_t borrow2 = a.mid < b.mid;
    r.mid = mid - borrow;
    borrow2 += mid < borrow;
    r.hi = a.hi - b.hi - borrow2;
    return r;
}

/* p / 2^128 rounded to odd: the floor, with bit 0 set when the fraction is at least 2^-66
 * (bits 62..127 of p not all zero). For p = g (cp << h), p / 2^128 exceeds the exact
 * cp 2^q 10^-k by less than 2^-66, so an exact quotient is not taken as inexact; and an
 * inexact one has a fraction of at least 2^-65.4 (reached at q = 664: a test of whole words,
 * at 2^-64, would not be covered by the proof). */
static inline uint64_t round_odd(u192 p)
{
    return p.hi | (p.mid != 0 || p.lo >> 62 != 0);
}

/* A decimal f 10^e. */
typedef struct decimal {
    uint64_t f;
    int e;
} decimal;

/* The shortest decimal in the rounding interval of c 2^q (c > 0), nearest to it; see the
 * method above. `bottom` when c = 2^52 above the subnormals. */
static decimal shortest(uint64_t c, int q, bool bottom)
{
    int k = bottom ? log10_three_quarters_pow2(q) : log10_pow2(q);
    int h = q + log2_pow10(-k) + 3; /* 3..6: 2^q 10^-k = 2^h g / 2^128, nearly */
    const uint64_t *g = numprint_pow10[-k - ACTIV_NUMPRINT_POW10_MIN];

    /* 4 v, 4 vl and 4 vr are 4c, 4c - 2 (4c - 1 at the bottom of a binade) and 4c + 2 units
     * of 2^q; the three products differ by g 2^(h+1) (or g 2^h), an exact shift of g. */
    u192 pv = mul_g(g, c << (2 + h));
    u192 two = shift_g(g, h + 1);
    u192 pl = sub_192(pv, bottom ? shift_g(g, h) : two);
    u192 pr = add_192(pv, two);
    uint64_t vb = round_odd(pv);
    uint64_t vbl = round_odd(pl);
    uint64_t vbr = round_odd(pr);
    uint64_t open = c & 1; /* an open R excludes points equal to its ends */

    uint64_t s = vb >> 2;
    if (s >= 10) {
        uint64_t sp = s / 10 * 10;
        uint64_t tp = sp + 10;
        bool sp_in = vbl + open <= sp << 2;
        bool tp_in = (tp << 2) + open <= vbr;
        if (sp_in != tp_in)
            return (decimal){sp_in ? sp : tp, k};
    }
    uint64_t t = s + 1;
    bool s_in = vbl + open <= s << 2;
    bool t_in = (t << 2) + open <= vbr;
    if (s_in != t_in)
        return (decimal){s_in ? s : t, k};
    uint64_t mid = (s << 2) + 2; /* s + 1/2, scaled as vb */
    bool below = vb < mid || (vb == mid && (s & 1) == 0);
    return (decimal){below ? s : t, k};
}

static const char digit_pairs[] = "00010203040506070809101112131415161718192021222324"
                                  "25262728293031323334353637383940414243444546474849"
                                  "50515253545556575859606162636465666768697071727374"
                                  "75767778798081828384858687888990919293949596979899";

/* Writes the 8 digits of x < 10^8, leading zeros included. Two independent halves keep the
 * chain of divisions short. */
static inline void put_8_digits(char *p, uint32_t x)
{
    uint32_t hi = x / 10000, lo = x % 10000;
    memcpy(p, digit_pairs + 2 * (hi / 100), 2);
    memcpy(p + 2, digit_pairs + 2 * (hi % 100), 2);
    memcpy(p + 4, digit_pairs + 2 * (lo / 100), 2);
    memcpy(p + 6, digit_pairs + 2 * (lo % 100), 2);
}

#define MAX_DIGITS 17 /* s < 10 2^53 < 10^17: a significand has at most 17 digits */

static const uint64_t powers_of_10[MAX_DIGITS] = {
    1u,
    10u,
    100u,
    1000u,
    10000u,
    100000u,
    1000000u,
    10000000u,
    100000000u,
    1000000000u,
    10000000000u,
    100000000000u,
    1000000000000u,
    10000000000000u,
    100000000000000u,
    1000000000000000u,
    10000000000000000u,
};

/* Writes the 17 digits of f < 10^17, leading zeros included, into p; returns how many digits
 * f has without them. */
static int put_digits(char *p, uint64_t f)
{
    uint64_t top = f / 100000000;
    p[0] = (char)('0' + top / 100000000);
    put_8_digits(p + 1, (uint32_t)(top % 100000000));
    put_8_digits(p + 9, (uint32_t)(f % 100000000));
    int n = MAX_DIGITS;
    while (n > 1 && f < powers_of_10[n - 1])
        n--;
    return n;
}

/* %.17g writes 17 significant digits, in scientific notation when the first is below 10^-4
 * or at or above 10^17; the same bounds keep every text here at most as long as jansson's. */
#define SCI_BELOW (-4)
#define SCI_FROM  17

#define PUT_DECIMAL_BYTES 25 /* "ddd.ddd", 16 digits before the point: 16, ".", an 8-byte copy */
static_assert(1 + PUT_DECIMAL_BYTES <= ACTIV_NUMPRINT_MAX, "a sign and the text fit");

/* Writes d (f > 0 without trailing zeros) as the header describes, NUL-terminated, into out;
 * returns the length. The digits are laid out in `text` between zeros: 8 before (f's leading
 * zeros follow), 23 after. The zeros of "0.000ddd" and "ddd000.0" are then in place, and
 * every copy has a fixed size, which is faster than copies of the exact length. It writes
 * out[0] to out[PUT_DECIMAL_BYTES - 1] at most; bytes past the NUL are scratch. */
static size_t put_decimal(char *out, decimal d)
{
    char text[8 + MAX_DIGITS + 23];
    memset(text, '0', sizeof text);
    int n = put_digits(text + 8, d.f);
    const char *digits = text + 8 + MAX_DIGITS - n;
    int x = d.e + n - 1; /* exponent of the first digit */

    if (x < SCI_BELOW || x >= SCI_FROM) {
        out[0] = digits[0];
        out[1] = '.';
        memcpy(out + 2, digits + 1, 16);
        char *p = out + (n > 1 ? n + 1 : 1);
        p[0] = 'e';
        p[1] = '-';
        p += 1 + (x < 0);
        x = x < 0 ? -x : x;
        if (x >= 100) {
            *p++ = (char)('0' + x / 100);
            x %= 100;
            memcpy(p, digit_pairs + 2 * x, 2);
            p += 2;
        } else if (x >= 10) {
            memcpy(p, digit_pairs + 2 * x, 2);
            p += 2;
        } else {
            *p++ = (char)('0' + x);
        }
        *p = '\0';
        return (size_t)(p - out);
    }
    if (x < 0) { /* 0.000ddd: the 1 - x characters before the digits are zeros in text */
        int len = 1 - x + n;
        memcpy(out, digits - (1 - x), 24);
        out[1] = '.';
        out[len] = '\0';
        return (size_t)len;
    }
    if (n <= x + 1) { /* ddd000.0: the zeros after the digits are in text */
        memcpy(out, digits, 24);
        memcpy(out + x + 1, ".0", 3);
        return (size_t)x + 3;
    }
    /* ddd.ddd: at most 16 digits before the point and 16 after, 17 in all */
    memcpy(out, digits, 16);
    out[x + 1] = '.';
    memcpy(out + x + 2, digits + x + 1, 8);
    if (n - x - 1 > 8) /* then x < 8 */
        memcpy(out + x + 10, digits + x + 9, 8);
    out[n + 1] = '\0';
    return (size_t)n + 1;
}

size_t activ_numprint_double(double v, char *buf)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t frac = bits & (HIDDEN_BIT - 1);
    int biased = (int)(bits >> SIG_BITS) & EXP_ALL1;
    if (biased == EXP_ALL1) {
        memcpy(buf, "null", 5);
        return 4;
    }

    buf[0] = '-'; /* kept for a negative v: the sign of random data is not predictable */
    char *p = buf + (bits >> 63);
    if (biased == 0 && frac == 0) {
        memcpy(p, "0.0", 4);
        return (size_t)(p - buf) + 3;
    }

    decimal d;
    if (biased == 0)
        d = shortest(frac, Q_SUBNORM, false);
    else
        d = shortest(frac | HIDDEN_BIT, biased - 1 + Q_SUBNORM, frac == 0 && biased > 1);
    while (d.f % 10 == 0) {
        d.f /= 10;
        d.e++;
    }
    return (size_t)(p - buf) + put_decimal(p, d);
}
