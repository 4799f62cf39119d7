#!/usr/bin/python3
"""gen_roots.py -- Taylor tables for server/core/roots.c, reference values for its test.

    /usr/bin/python3 tests/data/gen_roots.py tables    C tables to paste into roots.c
    /usr/bin/python3 tests/data/gen_roots.py ref > tests/unit/roots_ref.h
    /usr/bin/python3 tests/data/gen_roots.py report    roots, term counts, error bounds

Needs mpmath (Debian's python3-mpmath, 1.2.1); no numpy. Everything runs at 80 digits.

Each function's window is cut into pieces; each piece has an expansion point x0 (the root
itself for the piece holding it, a short decimal double for the others) and the Taylor
coefficients c_0..c_{n-1} of f(x0 + h). The coefficients come from truncated power-series
arithmetic (exp, log, tanh, Phi of a series by their differential equations), so they are
exact to working precision; a Cauchy integral of the plain formula on a circle about x0
checks them independently, and so does the series of an antiderivative (which also checks
each derivative formula against the function it differentiates). n is the least count whose truncation error is below 2^-60
relative on a dense grid of the piece (measured against the plain formula). The first n_dd
coefficients also get a low part: roots.c sums those terms in double-double, and the script
checks that the terms left to plain double Horner sum to less than 2^-8 of |f| and that the
sum of all |c_k h^k| stays below 3 |f| (the sum hardly cancels).
"""

import math
import sys
from fractions import Fraction

from mpmath import mp, mpf

mp.dps = 80

TRUNC_GOAL = mpf(2) ** -60  # truncation error, relative to |f|
TAIL_GOAL = mpf(2) ** -8  # sum of |terms| left to double Horner, relative to |f|
COND_GOAL = 3  # sum of all |terms|, relative to |f|: the double-double sum hardly cancels
GRID = 400  # grid points per piece for the checks
MAX_TERMS = 80

# ---------------------------------------------------------------------------------------------
# Truncated power series in h (coefficient lists of length `n`), with mpf scalars mixed in.


class Series:
    def __init__(self, c):
        self.c = list(c)

    @staticmethod
    def var(x0, n):
        return Series([mpf(x0), mpf(1)] + [mpf(0)] * (n - 2))

    def _lift(self, o):
        if isinstance(o, Series):
            return o
        return Series([mpf(o)] + [mpf(0)] * (len(self.c) - 1))

    def __add__(self, o):
        o = self._lift(o)
        return Series(a + b for a, b in zip(self.c, o.c))

    __radd__ = __add__

    def __neg__(self):
        return Series(-a for a in self.c)

    def __sub__(self, o):
        return self + (-self._lift(o))

    def __rsub__(self, o):
        return self._lift(o) - self

    def __mul__(self, o):
        if not isinstance(o, Series):
            return Series(a * o for a in self.c)
        n = len(self.c)
        return Series(sum(self.c[j] * o.c[k - j] for j in range(k + 1)) for k in range(n))

    __rmul__ = __mul__

    def inv(self):
        a = self.c
        b = [1 / a[0]]
        for k in range(1, len(a)):
            b.append(-sum(a[j] * b[k - j] for j in range(1, k + 1)) / a[0])
        return Series(b)

    def __truediv__(self, o):
        return self * self._lift(o).inv()

    def __rtruediv__(self, o):
        return self._lift(o) * self.inv()

    def integrate_with(self, da_times, b0):
        """b with b' = g * a' where da_times = g (a series), b_0 = b0."""
        a, g = self.c, da_times.c
        b = [b0]
        for k in range(1, len(a)):
            b.append(sum(j * a[j] * g[k - j] for j in range(1, k + 1)) / k)
        return Series(b)


def exp(x):
    if not isinstance(x, Series):
        return mp.exp(x)
    # b' = b a': solve term by term.
    a = x.c
    b = [mp.exp(a[0])]
    for k in range(1, len(a)):
        b.append(sum(j * a[j] * b[k - j] for j in range(1, k + 1)) / k)
    return Series(b)


def log(x):
    if not isinstance(x, Series):
        return mp.log(x)
    # b' = a' / a
    return x.integrate_with(x.inv(), mp.log(x.c[0]))


def tanh(x):
    if not isinstance(x, Series):
        return mp.tanh(x)
    e = exp(2 * x)
    return (e - 1) / (e + 1)


def phi(x):
    return exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def Phi(x):
    if not isinstance(x, Series):
        return mp.erfc(-x / mp.sqrt(2)) / 2
    # Phi(a)' = phi(a) a'
    return x.integrate_with(phi(x), mp.erfc(-x.c[0] / mp.sqrt(2)) / 2)


# ---------------------------------------------------------------------------------------------
# The functions, exactly as SPEC.md defines them (written once, used for points and series).

GT_A = mpf("0.044715")  # the decimal constant, not its nearest double


def gelu_grad(x):
    return Phi(x) + x * phi(x)


def gelu_tanh_grad(x):
    k = mp.sqrt(2 / mp.pi)
    t = tanh(k * (x + GT_A * x * x * x))
    return (1 + t) / 2 + x * (1 - t * t) * k * (1 + 3 * GT_A * x * x) / 2


def silu_g(u):
    return 1 + u / (1 + exp(u))


def mish_grad(x):
    sp = log(1 + exp(x))
    t = tanh(sp)
    return t + x * (1 - t * t) / (1 + exp(-x))


def gelu_tanh(x):
    return x * (1 + tanh(mp.sqrt(2 / mp.pi) * (x + GT_A * x * x * x))) / 2


def mish(x):
    return x * tanh(log(1 + exp(x)))


def check_silu_g():
    """sigmoid(u) g(u) is the derivative of silu(u) = u sigmoid(u)."""
    for u in (mpf(-2.5), mpf(-1.3), mpf(-0.5)):
        d = mp.diff(lambda t: t / (1 + mp.exp(-t)), u)
        assert abs(d - silu_g(u) / (1 + mp.exp(-u))) < mpf(10) ** -60


# name, f, window, split points, centre of each piece (None: the root), root guess, F with F' = f
# (checked against the series of f; silu has none, see check_silu_g)
FUNCS = [
    ("gelu", gelu_grad, (-1.6, -0.2), [-1.1, -0.45], [-1.35, None, -0.325], -0.75,
     lambda x: x * Phi(x)),
    ("gelu_tanh", gelu_tanh_grad, (-1.6, -0.2), [-1.1, -0.45], [-1.35, None, -0.325], -0.75,
     gelu_tanh),
    ("silu", silu_g, (-2.5, -0.5), [-1.75, -0.9], [-2.125, None, -0.7], -1.28, None),
    ("mish", mish_grad, (-2.2, -0.4), [-1.6, -0.8], [-1.9, None, -0.6], -1.19, mish),
]

# ---------------------------------------------------------------------------------------------


def exact(v):
    """An mpf as an exact Fraction."""
    sign, man, e, _ = v._mpf_  # finite v only; man is unsigned
    q = Fraction(man) * Fraction(2) ** e if e >= 0 else Fraction(man, 2**-e)
    return -q if sign else q


def nearest(v):
    """The double nearest to the mpf v (round half to even)."""
    return float(exact(mpf(v)))


def hexf(d):
    if d == 0:
        return "-0.0" if math.copysign(1, d) < 0 else "0.0"
    return d.hex()


def taylor(f, x0, n):
    return f(Series.var(x0, n)).c


def cauchy(f, x0, n, r=mpf("0.5"), m=128):
    """c_k = (1/m) sum_j f(x0 + r w^j) (r w^j)^-k, w = e^(2 pi i/m); aliasing ~ c_{k+m} r^m."""
    pts = [mp.expjpi(mpf(2 * j) / m) for j in range(m)]
    vals = [f(x0 + r * w) for w in pts]
    return [(sum(v * w ** (-k) for v, w in zip(vals, pts)) / m / r**k).real for k in range(n)]


def horner(c, h):
    s = mpf(0)
    for a in reversed(c):
        s = s * h + a
    return s


def grid(a, b):
    a, b = mpf(a), mpf(b)
    # widened a little so that u + du (silu) and boundary rounding stay covered
    a, b = a - mpf("1e-6"), b + mpf("1e-6")
    return [a + (b - a) * i / GRID for i in range(GRID + 1)]


class Piece:
    pass


def build(name, f, window, splits, centres, guess, antider):
    root = mp.findroot(f, mpf(guess))
    assert abs(f(root)) < mpf(10) ** -70
    r_hi = nearest(root)
    r_lo = nearest(root - mpf(r_hi))
    bounds = [window[0]] + splits + [window[1]]
    pieces = []
    for i, centre in enumerate(centres):
        p = Piece()
        p.lo, p.hi = bounds[i], bounds[i + 1]
        if centre is None:
            assert p.lo < root < p.hi
            p.x0_hi, p.x0_lo = r_hi, r_lo
        else:
            assert not (p.lo <= root <= p.hi)
            p.x0_hi, p.x0_lo = centre, 0.0
        # x - x0_hi is exact by Sterbenz for x within a factor 2 of x0_hi
        assert p.x0_hi / 2 >= p.hi and p.lo >= 2 * p.x0_hi, (name, p.lo, p.hi, p.x0_hi)
        x0 = mpf(p.x0_hi) + mpf(p.x0_lo)
        c = taylor(f, x0, MAX_TERMS)
        if centre is None:
            # x0_hi + x0_lo is the root to ~2^-107; c_0 = f(x0) keeps the remaining offset
            assert abs(c[0]) < mpf(2) ** -100
        chk = cauchy(f, x0, 40)
        for k in range(40):
            assert abs(c[k] - chk[k]) <= mpf(10) ** -50 * (abs(c[k]) + mpf(2) ** -k), (name, k)
        if antider is not None:
            # c_k of f' about x0 = (k+1) b_{k+1} of its antiderivative's series
            b = taylor(antider, x0, 12)
            for k in range(10):
                assert abs(c[k] - (k + 1) * b[k + 1]) <= mpf(10) ** -60, (name, k)
        pts = [(x, x - x0, f(x)) for x in grid(p.lo, p.hi)]
        pts = [t for t in pts if abs(t[1]) > mpf(10) ** -30]
        for n in range(2, MAX_TERMS - 10):
            err = max(abs(horner(c[:n], h) - fx) / abs(fx) for _, h, fx in pts)
            if err < TRUNC_GOAL:
                break
        else:
            raise SystemExit(f"{name}: series does not converge fast enough")
        p.n, p.trunc = n, err
        for n_dd in range(1 if centre is not None else 2, n):
            tail = max(sum(abs(c[k]) * abs(h) ** k for k in range(n_dd, n)) / abs(fx)
                       for _, h, fx in pts)
            if tail < TAIL_GOAL:
                break
        assert tail < TAIL_GOAL, name
        p.n_dd, p.tail = n_dd, tail
        p.cond = max(sum(abs(c[k]) * abs(h) ** k for k in range(n)) / abs(fx) for _, h, fx in pts)
        assert p.cond < COND_GOAL, name
        p.hi_c = [nearest(v) for v in c[:n]]
        p.lo_c = [nearest(c[k] - mpf(p.hi_c[k])) for k in range(n_dd)]
        pieces.append(p)
    return root, pieces


# ---------------------------------------------------------------------------------------------


def ctable(name, window, root, pieces):
    out = []
    for i, p in enumerate(pieces):
        tag = f"{name}_{i}"
        if p.x0_lo != 0.0:
            where = f"the root {mp.nstr(root, 25)}"
        else:
            where = repr(p.x0_hi)
        bits = int(mp.ceil(mp.log(p.trunc, 2)))
        out.append(f"/* [{p.lo!r}, {p.hi!r}] about {where}: truncation < 2^{bits} |f| */")
        out.append(f"static const double {tag}_hi[] = {{")
        out += [f"    {hexf(v)}," for v in p.hi_c]
        out.append("};")
        out.append(f"static const double {tag}_lo[] = {{")
        out += [f"    {hexf(v)}," for v in p.lo_c]
        out.append("};")
    out.append(f"static const piece {name}_pieces[] = {{")
    for i, p in enumerate(pieces):
        tag = f"{name}_{i}"
        x0_hi = hexf(p.x0_hi) if p.x0_lo != 0.0 else repr(p.x0_hi)
        out.append("    {")
        out.append(f"        .upper = {p.hi!r},")
        out.append(f"        .x0_hi = {x0_hi},")
        out.append(f"        .x0_lo = {hexf(p.x0_lo)},")
        out.append(f"        .n = COUNT({tag}_hi),")
        out.append(f"        .n_dd = COUNT({tag}_lo),")
        out.append(f"        .hi = {tag}_hi,")
        out.append(f"        .lo = {tag}_lo,")
        out.append("    },")
    out.append("};")
    out.append(f"static const series {name}_series = {{")
    out.append(f"    .lo = {window[0]!r},")
    out.append(f"    .hi = {window[1]!r},")
    out.append(f"    .pieces = {name}_pieces,")
    out.append(f"    .count = COUNT({name}_pieces),")
    out.append("};")
    return "\n".join(out)


def ref_points(window, root_hi, bounds):
    """About 200 arguments: the window ends, the doubles around the root, points 2^-50..2^-2
    away from it, both sides of each piece boundary, and a jittered even spread."""
    lo, hi = window
    xs = {lo, hi, math.nextafter(lo, 0.0), math.nextafter(hi, -1.0)}
    x = root_hi
    for _ in range(6):
        x = math.nextafter(x, -math.inf)
    for _ in range(13):
        xs.add(x)
        x = math.nextafter(x, math.inf)
    for e in range(-50, -2, 4):
        xs.update({root_hi + 2.0**e, root_hi - 2.0**e})
    for b in bounds:
        xs.update({b, math.nextafter(b, -1.0), math.nextafter(b, 0.0)})
    n = 200 - len(xs)
    for i in range(n):
        t = (i + 0.5) / n + 1e-3 * math.sin(7.0 * i)
        xs.add(lo + (hi - lo) * min(max(t, 0.0), 1.0))
    return sorted(xs)


def silu_dx_points(xs, root):
    """silu's argument is u + du, |du| <= ulp(u)/2: low parts on every 9th u, several at the
    double nearest the root, and the one that puts u + du closest to the root."""
    def half_ulp(u):
        return (math.nextafter(u, 0.0) - u) / 2  # toward zero: the smaller ulp at a binade edge

    pts = []
    for i, u in enumerate(xs[::9]):
        pts.append((u, half_ulp(u) * ((i % 5) - 2) / 2))
    u = nearest(root)
    for frac in (1.0, -1.0, 1 / 3, -0.7):
        pts.append((u, frac * half_ulp(u)))
    pts.append((u, nearest(root - mpf(u))))
    return pts


def reference(f, x):
    """f(x) rounded to the nearest double; checked at two precisions."""
    with mp.workdps(100):
        a = nearest(f(x))
    b = nearest(f(x))
    assert a == b, x
    return a


def emit_ref(built):
    out = [
        "/* roots_ref.h -- reference values for test_roots.c "
        "(generated: tests/data/gen_roots.py ref) */",
        "/* want is the exact f(x + dx) (mpmath, 80 and 100 digits) rounded to nearest. */",
        "#ifndef ACTIV_TESTS_ROOTS_REF_H",
        "#define ACTIV_TESTS_ROOTS_REF_H",
        "",
        "typedef struct roots_ref {",
        "    double x, dx, want;",
        "} roots_ref;",
    ]
    for name, f, window, root, pieces in built:
        xs = ref_points(window, nearest(root), [p.lo for p in pieces[1:]])
        pts = [(x, 0.0) for x in xs]
        if name == "silu":
            pts += silu_dx_points(xs, root)
        out.append("")
        out.append(f"static const roots_ref {name}_ref[] = {{")
        for x, dx in sorted(set(pts)):
            want = reference(f, mpf(x) + mpf(dx))
            out.append(f"    {{{hexf(x)}, {hexf(dx)}, {hexf(want)}}},")
        out.append("};")
    out.append("")
    out.append("#endif")
    return "\n".join(out)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else "report"
    check_silu_g()
    built = []
    for name, f, window, splits, centres, guess, antider in FUNCS:
        root, pieces = build(name, f, window, splits, centres, guess, antider)
        built.append((name, f, window, root, pieces))
    if cmd == "tables":
        print("/* Generated by tests/data/gen_roots.py tables (mpmath, 80 digits); do not edit. */")
        print("/* clang-format off */")
        for name, _, window, root, pieces in built:
            print()
            print(ctable(name, window, root, pieces))
        print("/* clang-format on */")
    elif cmd == "ref":
        print(emit_ref(built))
    elif cmd == "report":
        for name, f, window, root, pieces in built:
            print(f"{name}: window {window}, root {mp.nstr(root, 40)}")
            print(f"    hi {hexf(pieces[1].x0_hi)} lo {hexf(pieces[1].x0_lo)}")
            for p in pieces:
                print(f"    [{p.lo}, {p.hi}] about {p.x0_hi!r}: n = {p.n}, n_dd = {p.n_dd}, "
                      f"trunc {mp.nstr(p.trunc, 3)}, tail {mp.nstr(p.tail, 3)}, "
                      f"cond {mp.nstr(p.cond, 3)}")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
