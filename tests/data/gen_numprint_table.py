#!/usr/bin/python3
"""gen_numprint_table.py -- the powers of ten of server/service/numprint.c, and the proof
that 126 bits of them are enough.

    /usr/bin/python3 tests/data/gen_numprint_table.py > server/service/numprint_table.h
    /usr/bin/python3 tests/data/gen_numprint_table.py | diff - server/service/numprint_table.h

Python standard library only (exact integers and fractions); deterministic; about 10 s.
The header is written only when every check below passes; otherwise the script prints
what failed to stderr and exits with status 1, writing nothing to stdout.

numprint.c renders a double v = c * 2^q by Schubfach (R. Giulietti, "The Schubfach way to
render doubles", 2020). For k (below) it needs X = cp * 2^q * 10^-k for three integers
cp (4c-2 or 4c-1, 4c, 4c+2: 4 vl, 4 v, 4 vr in units of 2^q), rounded to odd: floor(X),
with bit 0 set when X is not an integer. It computes X' = (cp << h) * g / 2^128 (the three
products as one product and exact shifts of g: the same integers) from one table entry

    g(e) = floor(10^e * 2^(125 - fl(e))) + 1,   fl(e) = floor(log2(10^e)),   e = -k,

so 2^125 < g <= 2^126, and h = q + fl(e) + 3. Then X' - X = cp * 2^h * (g - exact) / 2^128
lies in (0, err], err < 2^-66; numprint.c takes floor(X') for floor(X) and sets bit 0
when the fraction of X' is at least 2^-66 (bits 62..127 of the product not all zero).
That is right for every cp exactly when each non-integer X has

    2^-66 <= frac(X) < 1 - err.

(The least fraction is about 2^-65.4, at q = 664: a test of whole 64-bit words, at 2^-64,
would not be covered by this proof.)

The proof below checks this for every q and every cp a double can produce (for the regular
spacing, a superset: every even cp = 2x, 1 <= x < 2^54; at the bottom of a binade, the three
cp of c = 2^52): frac(X) is
(cp * N mod D) / D with N / D = 2^q * 10^-k in lowest terms; when D <= 2^64 it is a
multiple of 1/D and the bound holds at once; otherwise the least and the greatest
cp * N mod D over the whole range of cp come from a best-approximation walk
(min_mod below; itself checked against brute force on small cases).

Also checked: the integer formulas numprint.c uses for floor(q log10 2), floor(q log10 2 +
log10(3/4)) and floor(e log2 10) over the exponents it meets (they are written into the
header, so the C code and this proof share them), and 3 <= h <= 6, so cp << h < 2^61.
"""

import random
import sys
from fractions import Fraction

Q_MIN = -1074  # c * 2^q: the least subnormal is 1 * 2^-1074
Q_MAX = 971  # the greatest double is (2^53 - 1) * 2^971
C_MIN = 1 << 52  # the significand of a normal double, with its hidden bit
C_MAX = (1 << 53) - 1

# floor(q log10 2) = (q * LOG10_2_MUL) >> LOG10_2_SHIFT, floor(q log10 2 + log10(3/4)) =
# (q * LOG10_2_MUL - LOG10_3Q_SUB) >> LOG10_2_SHIFT, floor(e log2 10) = (e * LOG2_10_MUL) >>
# LOG2_10_SHIFT, where >> is a floor division; checked below over the exponents used.
LOG10_2_MUL = 315653
LOG10_2_SHIFT = 20
LOG10_3Q_SUB = 131008
LOG2_10_MUL = 108853
LOG2_10_SHIFT = 15

G_BITS = 126  # 2^125 < g <= 2^126
STICKY = Fraction(1, 1 << 66)  # the least fraction of X' taken as inexact


def die(msg):
    sys.stderr.write('gen_numprint_table.py: %s\n' % msg)
    sys.exit(1)


def floor_log(x, base):
    """floor(log_base(x)) of a positive Fraction, exactly."""
    n = 0
    p = Fraction(1)
    while p * base <= x:
        p *= base
        n += 1
    while p > x:
        p /= base
        n -= 1
    return n


def k_regular(q):
    return floor_log(Fraction(2) ** q, 10)


def k_irregular(q):
    return floor_log(Fraction(3, 4) * Fraction(2) ** q, 10)


def fl(e):
    return floor_log(Fraction(10) ** e, 2)


def g_of(e):
    """The table entry for 10^e: floor(10^e * 2^(125 - fl(e))) + 1, and its exact value."""
    exact = Fraction(10) ** e * Fraction(2) ** (G_BITS - 1 - fl(e))
    return exact.numerator // exact.denominator + 1, exact


# ---------------------------------------------------------------------------------------------
# min over 1 <= x <= M of (a * x mod m)


def min_mod(a, m, M):
    """Least a*x mod m over 1 <= x <= M, for 0 < a < m, gcd(a, m) = 1, M < m.

    Walks the Stern-Brocot tree towards alpha = a/m, keeping neighbours L = p/q < alpha <
    R = p2/q2 (q*p2 - p*q2 = 1) while q + q2 <= M. Every x <= M then has y = floor(x alpha)
    with y/x <= L (no fraction strictly between L and R has a denominator below q + q2),
    and (x, y) = i (q, p) + j (q2, p2) with j <= 0, i >= 1, so x alpha - y =
    i (q alpha - p) + |j| (p2 - q2 alpha) >= q alpha - p: the least is at x = q.
    Runs of moves to one side are taken at once, as in Euclid's algorithm.
    """
    p, q, p2, q2 = 0, 1, 1, 0
    while q + q2 <= M:
        left_gap = a * q - m * p  # m (alpha - L) q-scaled: > 0
        right_gap = m * p2 - a * q2  # > 0 (infinite side when q2 = 0)
        if (p + p2) * m < a * (q + q2):  # the mediant is below alpha: L moves right
            j = (left_gap - 1) // right_gap
            if q2:
                j = min(j, (M - q) // q2)
            j = max(j, 1)
            p, q = p + j * p2, q + j * q2
        else:  # R moves left
            j = min((right_gap - 1) // left_gap, (M - q2) // q)
            j = max(j, 1)
            p2, q2 = p2 + j * p, q2 + j * q
    return a * q - m * p


def max_mod(a, m, M):
    """Greatest a*x mod m over 1 <= x <= M (same conditions as min_mod)."""
    return m - min_mod(m - a, m, M)


def self_test_min_mod():
    rnd = random.Random(20240601)
    for _ in range(3000):
        m = rnd.randrange(2, 3000)
        a = rnd.randrange(1, m)
        while Fraction(a, m).denominator != m:
            a = rnd.randrange(1, m)
        M = rnd.randrange(1, m)
        res = [a * x % m for x in range(1, M + 1)]
        if min_mod(a, m, M) != min(res) or max_mod(a, m, M) != max(res):
            die('min_mod/max_mod disagree with brute force at a=%d m=%d M=%d' % (a, m, M))


# ---------------------------------------------------------------------------------------------
# The checks


def floor_shift(x, s):
    return x >> s  # Python's >> is a floor division, as numprint.c's floor_shift


def check_integer_logs(e_lo, e_hi):
    for q in range(Q_MIN, Q_MAX + 1):
        if floor_shift(q * LOG10_2_MUL, LOG10_2_SHIFT) != k_regular(q):
            die('LOG10_2 constants wrong at q=%d' % q)
        if floor_shift(q * LOG10_2_MUL - LOG10_3Q_SUB, LOG10_2_SHIFT) != k_irregular(q):
            die('LOG10_3Q constants wrong at q=%d' % q)
    for e in range(e_lo, e_hi + 1):
        if floor_shift(e * LOG2_10_MUL, LOG2_10_SHIFT) != fl(e):
            die('LOG2_10 constants wrong at e=%d' % e)


def check_rounding(q, k, cps, whole_range):
    """The rounding to odd of X = cp * 2^q * 10^-k is right for every cp in cps (a list), or
    for every cp = 2x, 1 <= x <= whole_range, when whole_range is not None."""
    e = -k
    h = q + fl(e) + 3
    if not 3 <= h <= 6:
        die('h = %d out of [3, 6] at q=%d' % (h, q))
    g, exact = g_of(e)
    if not (1 << (G_BITS - 1)) < g <= (1 << G_BITS):
        die('g out of range at e=%d' % e)
    cp_max = 2 * whole_range if whole_range is not None else max(cps)
    if (cp_max << h) >= 1 << 64:
        die('cp << h overflows at q=%d' % q)
    err = Fraction(cp_max << h) * (g - exact) / Fraction(1 << 128)
    if not err < STICKY:
        die('error bound %s too large at q=%d' % (err, q))
    alpha = Fraction(2) ** q * Fraction(10) ** e
    if whole_range is None:
        for cp in cps:
            x = cp * alpha
            frac = x - (x.numerator // x.denominator)
            if frac and not (STICKY <= frac < 1 - err):
                die('cp=%d q=%d: fraction too close to an integer' % (cp, q))
        return
    alpha *= 2  # cp = 2x
    n, d = alpha.numerator, alpha.denominator
    if d <= 1 << 64:
        return  # frac(X) is a multiple of 1/d: 0, or in [2^-64, 1 - 2^-64]; err < 2^-66
    lo = min_mod(n % d, d, whole_range)
    hi = max_mod(n % d, d, whole_range)
    if Fraction(lo, d) < STICKY or not Fraction(hi, d) < 1 - err:
        die('q=%d: a fraction comes too near an integer (min %s, max %s)' %
            (q, Fraction(lo, d), Fraction(hi, d)))


def check_all():
    self_test_min_mod()
    ks = set()
    for q in range(Q_MIN, Q_MAX + 1):
        # Regular spacing: cp = 4c-2, 4c, 4c+2 = 2x with x < 2 C_MAX + 2 (c from 1 at the
        # subnormal exponent, from C_MIN elsewhere; the whole range of x is checked).
        k = k_regular(q)
        ks.add(k)
        check_rounding(q, k, None, 2 * C_MAX + 1)
        if q > Q_MIN:  # c = 2^52 at the bottom of a binade: the gap below is half as wide
            k = k_irregular(q)
            ks.add(k)
            check_rounding(q, k, [4 * C_MIN - 1, 4 * C_MIN, 4 * C_MIN + 2], None)
    return -max(ks), -min(ks)


# ---------------------------------------------------------------------------------------------
# The header


def header(e_lo, e_hi):
    out = []
    w = out.append
    w('/* numprint_table.h -- 126-bit powers of ten for numprint.c (generated; do not edit) */')
    w('/* Generated by tests/data/gen_numprint_table.py, which also proves that these entries')
    w(' * and constants make numprint.c exact; regenerate or check with')
    w(' *     /usr/bin/python3 tests/data/gen_numprint_table.py > server/service/numprint_table.h')
    w(' *     /usr/bin/python3 tests/data/gen_numprint_table.py | '
      'diff - server/service/numprint_table.h')
    w(' * Entry e - ACTIV_NUMPRINT_POW10_MIN is g = floor(10^e * 2^(125 - floor(log2 10^e))) + 1,')
    w(' * an upper bound of 10^e scaled into (2^125, 2^126], as {g >> 64, g mod 2^64}. */')
    w('#ifndef ACTIV_SERVICE_NUMPRINT_TABLE_H')
    w('#define ACTIV_SERVICE_NUMPRINT_TABLE_H')
    w('')
    w('#include <stdint.h>')
    w('')
    w('/* floor(q log10 2) = floor((q * MUL) / 2^SHIFT) and floor(q log10 2 + log10(3/4)) =')
    w(' * floor((q * MUL - 3Q_SUB) / 2^SHIFT) for -1074 <= q <= 971; floor(e log2 10) =')
    w(' * floor((e * LOG2_10_MUL) / 2^LOG2_10_SHIFT) for POW10_MIN <= e <= POW10_MAX. */')
    w('#define ACTIV_NUMPRINT_LOG10_2_MUL   %d' % LOG10_2_MUL)
    w('#define ACTIV_NUMPRINT_LOG10_2_SHIFT %d' % LOG10_2_SHIFT)
    w('#define ACTIV_NUMPRINT_LOG10_3Q_SUB  %d' % LOG10_3Q_SUB)
    w('#define ACTIV_NUMPRINT_LOG2_10_MUL   %d' % LOG2_10_MUL)
    w('#define ACTIV_NUMPRINT_LOG2_10_SHIFT %d' % LOG2_10_SHIFT)
    w('')
    w('#define ACTIV_NUMPRINT_POW10_MIN (%d)' % e_lo)
    w('#define ACTIV_NUMPRINT_POW10_MAX %d' % e_hi)
    w('')
    w('static const uint64_t numprint_pow10[][2] = {')
    for e in range(e_lo, e_hi + 1):
        g, _ = g_of(e)
        w('    {0x%016xu, 0x%016xu}, /* 10^%d */' % (g >> 64, g & ((1 << 64) - 1), e))
    w('};')
    w('')
    w('#endif')
    return '\n'.join(out) + '\n'


def main():
    e_lo, e_hi = check_all()
    check_integer_logs(e_lo, e_hi)
    sys.stdout.write(header(e_lo, e_hi))


if __name__ == '__main__':
    main()
