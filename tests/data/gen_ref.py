#!/usr/bin/python3
"""Independent high-precision reference data for activ's math module.

Writes, next to this script:
  elementwise.tsv  fn, params, x, y = f(x), dy = f'(x)
  rowwise.tsv      fn, params, x, y, jac, g, vjp = g^T J

Every value is computed with mpmath (>= 80 significant decimal digits, more
for tiny inputs) from the exact binary64 inputs, evaluated twice at two
different precisions, and correctly rounded to binary64 (round to nearest,
ties to even, subnormals included).  Both roundings must agree; if they do
not, the precision is raised until two successive precisions agree.

Run:  /usr/bin/python3 tests/data/gen_ref.py [--crosscheck]
(--crosscheck additionally re-derives the tables with naive formulas at
~400-6000 digits and numerical derivatives; about 10 s more.)
Needs only the Python standard library and mpmath (Debian python3-mpmath).
Deterministic: two runs give byte-identical files.
"""

import math
import os
import random
import sys
import time
import zlib
from fractions import Fraction

import mpmath
from mpmath import mp, mpf

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_DPS = 80
MAX_DPS = 6000
ESCALATIONS = []  # (what, dps levels) where the first two precisions disagreed

# ---------------------------------------------------------------------------
# Correct rounding of exact / high-precision values to binary64
# ---------------------------------------------------------------------------

OVERFLOW = 'overflow'


def to_fraction(v):
    """Exact Fraction of an mpf / Fraction / int (finite, moderate exponent)."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int):
        return Fraction(v)
    sign, man, exp, bc = v._mpf_
    if not man:
        if exp:
            raise ValueError('non-finite value %r' % (v,))
        return Fraction(0)
    fr = Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)
    return -fr if sign else fr


def to_double(v):
    """Round v (mpf, Fraction or int) to the nearest double.

    Returns a float, or OVERFLOW when the value rounds beyond DBL_MAX.
    A value that is exactly zero gives +0.0; a nonzero value that rounds to
    zero keeps its sign.
    """
    if isinstance(v, mpmath.mpf):
        sign, man, exp, bc = v._mpf_
        if not man:
            if exp:
                raise ValueError('non-finite value %r' % (v,))
            return 0.0
        top = exp + bc  # 2**(top-1) <= |v| < 2**top
        if top > 1026:
            return OVERFLOW
        if top < -1080:  # |v| < 2**-1080: below half the least subnormal
            return -0.0 if sign else 0.0
        fr = to_fraction(v)
    else:
        fr = Fraction(v)
        if fr == 0:
            return 0.0
    try:
        # Fraction.__float__ is int / int, which CPython rounds correctly
        # (round-half-even, gradual underflow, OverflowError past DBL_MAX).
        return float(fr)
    except OverflowError:
        return OVERFLOW


def hx(d):
    """Format a rounded value: C99 hex float or the overflow token."""
    if d == OVERFLOW:
        return OVERFLOW
    return float.hex(d)


def rnd_all(vals):
    return tuple(hx(to_double(v)) for v in vals)


def stable(what, compute, dps):
    """Evaluate compute() (a sequence of values) at two precisions.

    Returns the tuple of formatted doubles once two successive precisions
    give the same roundings."""
    levels = [dps]
    with mp.workdps(dps):
        prev = rnd_all(compute())
    while True:
        dps2 = dps + max(40, dps // 2)
        levels.append(dps2)
        with mp.workdps(dps2):
            cur = rnd_all(compute())
        if cur == prev:
            if len(levels) > 2:
                ESCALATIONS.append((what, levels))
            return cur
        if dps2 > MAX_DPS:
            raise RuntimeError('no convergence for %s: %r vs %r' % (what, prev, cur))
        prev, dps = cur, dps2


def dps_for(*xs):
    """Working precision for inputs xs: 80 digits plus twice the number of
    leading zero decimals of the smallest nonzero input (so that cancellation
    of order x**2, e.g. x - tanh x, still leaves >= 80 good digits)."""
    extra = 0
    for x in xs:
        if x != 0 and math.isfinite(x):
            e10 = math.floor(math.log10(abs(x)))
            if e10 < 0:
                extra = max(extra, -2 * e10)
    return BASE_DPS + extra


# ---------------------------------------------------------------------------
# Exact-ish summation (no silent loss of tiny terms after cancellation)
# ---------------------------------------------------------------------------

def xsum(terms):
    """Sum of mpf terms, exact up to the final rounding to working precision.

    Terms more than WINDOW bits below the largest term are only added when the
    exact sum of the big ones is small enough for them to matter (this keeps
    numbers like exp(-2e308) from turning into astronomically long integers)."""
    WINDOW = 30000
    ts = [t for t in terms if t != 0]
    if not ts:
        return mpf(0)
    tops = [t._mpf_[2] + t._mpf_[3] for t in ts]
    hi = max(tops)
    big = [t for t, tp in zip(ts, tops) if tp >= hi - WINDOW]
    small = [t for t, tp in zip(ts, tops) if tp < hi - WINDOW]
    lo = min(t._mpf_[2] for t in big)
    acc = 0
    for t in big:
        s, m, e, _ = t._mpf_
        acc += (-m if s else m) << (e - lo)
    if not small:
        return mp.make_mpf(mpmath.libmp.from_man_exp(acc, lo, mp.prec, 'n'))
    rest = xsum(small)
    if acc == 0:
        return rest
    top_acc = acc.bit_length() if acc > 0 else (-acc).bit_length()
    top_rest = rest._mpf_[2] + rest._mpf_[3]
    if top_acc + lo - top_rest > mp.prec + 64:
        return mp.make_mpf(mpmath.libmp.from_man_exp(acc, lo, mp.prec, 'n'))
    return mp.make_mpf(mpmath.libmp.from_man_exp(acc, lo, None, 'n')) + rest


def xmul(a, b):
    """Exact product of two mpf values (no rounding)."""
    return mp.make_mpf(mpmath.libmp.mpf_mul(mpf(a)._mpf_, mpf(b)._mpf_))


# ---------------------------------------------------------------------------
# Stable building blocks (all in the current mpmath precision)
# ---------------------------------------------------------------------------

ZERO = mpf(0)
ONE = mpf(1)


def sig(t):
    """logistic 1/(1+e^-t), no cancellation for either sign"""
    if t >= 0:
        return 1 / (1 + mp.exp(-t))
    e = mp.exp(t)
    return e / (1 + e)


def dsig(t):
    """logistic'(t) = e^-|t| / (1+e^-|t|)^2"""
    e = mp.exp(-abs(t))
    return e / (1 + e) ** 2


def softplus0(t):
    """log(1+e^t)"""
    if t > 0:
        return t + mp.log1p(mp.exp(-t))
    return mp.log1p(mp.exp(t))


def sech2(t):
    return 1 / mp.cosh(t) ** 2


def phi_lower(a):
    """Phi(-a) = erfc(a/sqrt2)/2 for a >= 0 (standard normal lower tail)."""
    if a < 1000:
        return mp.erfc(a / mp.sqrt(2)) / 2
    # mpmath's erfc cannot take huge arguments; use the asymptotic series
    # Phi(-a) = phi(a)/a * sum_k (-1)^k (2k-1)!! / a^(2k), a >= 1000
    a2 = a * a  # exact: a is a double
    phi = mp.exp(-a2 / 2) / mp.sqrt(2 * mp.pi)
    s = mpf(1)
    term = mpf(1)
    k = 1
    eps = mpf(2) ** (-mp.prec - 20)
    while True:
        term = -term * (2 * k - 1) / a2
        s += term
        if abs(term) < eps:
            break
        k += 1
    return phi / a * s


def Phi(x):
    if x >= 0:
        return 1 - phi_lower(x)
    return phi_lower(-x)


def phi_pdf(x):
    return mp.exp(-(x * x) / 2) / mp.sqrt(2 * mp.pi)


# ---------------------------------------------------------------------------
# Elementwise functions: each returns (y, dy) as mpf in current precision.
# P maps param names to doubles (or strings); convert with mpf() (exact).
# ---------------------------------------------------------------------------

def f_binary_step(x, P):
    return (ONE if x >= mpf(P['threshold']) else ZERO), ZERO


def f_linear(x, P):
    a = mpf(P['a'])
    return a * x, a


def f_sigmoid(x, P):
    return sig(x), dsig(x)


def f_tanh(x, P):
    return mp.tanh(x), sech2(x)


def f_relu(x, P):
    return (x, ONE) if x > 0 else (ZERO, ZERO)


def leaky(x, alpha):
    if x > 0:
        return x, ONE
    return alpha * x, alpha


def f_leaky_relu(x, P):
    return leaky(x, mpf(P['alpha']))


f_prelu = f_leaky_relu


def f_rrelu(x, P):
    alpha = mp.fadd(mpf(P['lower']), mpf(P['upper']), exact=True) / 2
    return leaky(x, alpha)


def f_elu(x, P):
    alpha = mpf(P['alpha'])
    if x > 0:
        return x, ONE
    return alpha * mp.expm1(x), alpha * mp.exp(x)


SELU_SCALE = '1.0507009873554804934193349852946'
SELU_ALPHA = '1.6732632423543772848170429916717'


def f_selu(x, P):
    scale = mpf(SELU_SCALE)
    alpha = mpf(SELU_ALPHA)
    if x > 0:
        return scale * x, scale
    return scale * alpha * mp.expm1(x), scale * alpha * mp.exp(x)


def f_celu(x, P):
    alpha = mpf(P['alpha'])
    if x > 0:
        return x, ONE
    return alpha * mp.expm1(x / alpha), mp.exp(x / alpha)


GELU_K = '0.044715'


def f_gelu(x, P):
    if P['approximate'] == 'tanh':
        c = mp.sqrt(2 / mp.pi)
        k = mpf(GELU_K)
        u = c * (x + k * x ** 3)
        du = c * (1 + 3 * k * x * x)
        # 0.5*(1+tanh u) = sigmoid(2u): no cancellation for u << 0
        s = sig(2 * u)
        # d/dx x*sigmoid(2u) = sigmoid(2u) + x*sigmoid'(2u)*2u'
        return x * s, s + 2 * x * dsig(2 * u) * du
    p = Phi(x)
    return x * p, p + x * phi_pdf(x)


def f_silu(x, P):
    beta = mpf(P['beta'])
    t = beta * x
    s = sig(t)
    return x * s, s + t * dsig(t)


def f_mish(x, P):
    sp = softplus0(x)
    th = mp.tanh(sp)
    return x * th, th + x * sech2(sp) * sig(x)


def f_softplus(x, P):
    beta = mpf(P['beta'])
    t = beta * x
    thr = P['threshold']
    if thr is not None and t > mpf(thr):
        return x, ONE
    return softplus0(t) / beta, sig(t)


def f_softsign(x, P):
    d = 1 + abs(x)
    return x / d, 1 / (d * d)


def f_hardtanh(x, P):
    lo, hi = mpf(P['min_val']), mpf(P['max_val'])
    if x <= lo:
        return lo, ZERO
    if x >= hi:
        return hi, ZERO
    return x, ONE


def f_relu6(x, P):
    if x <= 0:
        return ZERO, ZERO
    if x >= 6:
        return mpf(6), ZERO
    return x, ONE


def f_hardsigmoid(x, P):
    if x <= -3:
        return ZERO, ZERO
    if x >= 3:
        return ONE, ZERO
    return (x + 3) / 6, mpf(1) / 6


def f_hardswish(x, P):
    if x <= -3:
        return ZERO, ZERO
    if x >= 3:
        return x, ONE
    return x * (x + 3) / 6, x / 3 + mpf(1) / 2


def f_log_sigmoid(x, P):
    return -softplus0(-x), sig(-x)


def f_tanhshrink(x, P):
    th = mp.tanh(x)
    return x - th, th * th


def f_softshrink(x, P):
    lam = mpf(P['lambd'])
    if x > lam:
        return x - lam, ONE
    if x < -lam:
        return x + lam, ONE
    return ZERO, ZERO


def f_hardshrink(x, P):
    lam = mpf(P['lambd'])
    if abs(x) > lam:
        return x, ONE
    return ZERO, ZERO


def f_threshold(x, P):
    if x > mpf(P['threshold']):
        return x, ONE
    return mpf(P['value']), ZERO


def f_squareplus(x, P):
    b = mpf(P['b'])
    if x == 0 and b == 0:
        # relu at its kink: minimum-norm subgradient 0 (PyTorch's written rule)
        return ZERO, ZERO
    r = mp.sqrt(x * x + b)
    if x >= 0:
        return (x + r) / 2, (1 + x / r) / 2
    # x < 0: x + r = b/(r - x), 1 + x/r = b/(r(r - x))
    return b / (2 * (r - x)), b / (2 * r * (r - x))


def f_sparse_plus(x, P):
    if x <= -1:
        return ZERO, ZERO
    if x >= 1:
        return x, ONE
    return (x + 1) ** 2 / 4, (x + 1) / 2


def f_sparse_sigmoid(x, P):
    if x <= -1:
        return ZERO, ZERO
    if x >= 1:
        return ONE, ZERO
    return (x + 1) / 2, mpf(1) / 2


def f_exponential(x, P):
    e = mp.exp(x)
    return e, e


def f_lisht(x, P):
    th = mp.tanh(x)
    return x * th, th + x * sech2(x)


def f_snake(x, P):
    f = mpf(P['frequency'])
    s = mp.sin(f * x)
    return x + s * s / f, 1 + mp.sin(2 * f * x)


# name -> (default params in canonical order, evaluator, kinks(P))
NO = lambda P: []
ELEMENTWISE = [
    ('binary_step', [('threshold', 0.0)], f_binary_step, lambda P: [P['threshold']]),
    ('linear', [('a', 1.0)], f_linear, NO),
    ('sigmoid', [], f_sigmoid, NO),
    ('tanh', [], f_tanh, NO),
    ('relu', [], f_relu, lambda P: [0.0]),
    ('leaky_relu', [('alpha', 0.01)], f_leaky_relu, lambda P: [0.0]),
    ('prelu', [('alpha', 0.25)], f_prelu, lambda P: [0.0]),
    ('elu', [('alpha', 1.0)], f_elu, lambda P: [0.0]),
    ('selu', [], f_selu, lambda P: [0.0]),
    ('celu', [('alpha', 1.0)], f_celu, lambda P: [0.0]),
    ('gelu', [('approximate', 'none')], f_gelu, NO),
    ('silu', [('beta', 1.0)], f_silu, NO),
    ('mish', [], f_mish, NO),
    ('softplus', [('beta', 1.0), ('threshold', None)], f_softplus,
     lambda P: [] if P['threshold'] is None else [P['threshold'] / P['beta']]),
    ('softsign', [], f_softsign, NO),
    ('hardtanh', [('min_val', -1.0), ('max_val', 1.0)], f_hardtanh,
     lambda P: [P['min_val'], P['max_val']]),
    ('relu6', [], f_relu6, lambda P: [0.0, 6.0]),
    ('hardsigmoid', [], f_hardsigmoid, lambda P: [-3.0, 3.0]),
    ('hardswish', [], f_hardswish, lambda P: [-3.0, 3.0]),
    ('log_sigmoid', [], f_log_sigmoid, NO),
    ('tanhshrink', [], f_tanhshrink, NO),
    ('softshrink', [('lambd', 0.5)], f_softshrink, lambda P: [-P['lambd'], P['lambd']]),
    ('hardshrink', [('lambd', 0.5)], f_hardshrink, lambda P: [-P['lambd'], P['lambd']]),
    ('threshold', [('threshold', 0.0), ('value', 0.0)], f_threshold,
     lambda P: [P['threshold']]),
    ('rrelu', [('lower', 1.0 / 8), ('upper', 1.0 / 3)], f_rrelu, lambda P: [0.0]),
    ('squareplus', [('b', 4.0)], f_squareplus, lambda P: [0.0] if P['b'] == 0 else []),
    ('sparse_plus', [], f_sparse_plus, lambda P: [-1.0, 1.0]),
    ('sparse_sigmoid', [], f_sparse_sigmoid, lambda P: [-1.0, 1.0]),
    ('exponential', [], f_exponential, NO),
    ('lisht', [], f_lisht, NO),
    ('snake', [('frequency', 1.0)], f_snake, NO),
]
EW = {name: (defaults, ev, kinks) for name, defaults, ev, kinks in ELEMENTWISE}

# Non-default parameter sets: (fn, {param: value}, full point set?)
NONDEFAULT = [
    ('leaky_relu', {'alpha': 0.2}, False),
    ('prelu', {'alpha': -0.5}, False),
    ('elu', {'alpha': 0.5}, False),
    ('elu', {'alpha': 2.0}, False),
    ('celu', {'alpha': 0.5}, False),
    ('celu', {'alpha': 3.0}, False),
    ('gelu', {'approximate': 'tanh'}, True),
    ('silu', {'beta': 2.0}, False),
    ('silu', {'beta': 0.5}, False),
    ('softplus', {'beta': 2.0}, False),
    ('softplus', {'beta': 0.5}, False),
    ('softplus', {'beta': 1.0, 'threshold': 20.0}, False),
    ('hardtanh', {'min_val': -2.0, 'max_val': 3.0}, False),
    ('softshrink', {'lambd': 1.0}, False),
    ('softshrink', {'lambd': 0.0}, False),
    ('hardshrink', {'lambd': 1.0}, False),
    ('hardshrink', {'lambd': 0.0}, False),
    ('threshold', {'threshold': 1.0, 'value': -7.0}, False),
    ('rrelu', {'lower': 0.1, 'upper': 0.3}, False),
    ('squareplus', {'b': 0.0}, False),
    ('squareplus', {'b': 1.0}, False),
    ('snake', {'frequency': 2.0}, False),
    ('snake', {'frequency': 0.5}, False),
    ('linear', {'a': -3.0}, False),
    ('binary_step', {'threshold': 0.5}, False),
]

FULL_MAGNITUDES = [
    0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-20, 1e-8, 1e-3,
    0.1, 0.5, 1.0, 2.0, 2.5, 3.0, 5.0, 6.0, 7.0, 10.0, 20.0, 30.0, 37.5, 40.0,
    100.0, 700.0, 710.0, 745.0, 800.0, 1e10, 1e100, 1e308, 1.7976931348623157e308,
]
REDUCED_MAGNITUDES = [0.0, 1e-300, 0.5, 1.0, 2.0, 20.0, 40.0, 710.0, 1e308]


def random_points(label, n):
    """n doubles, log-uniform in magnitude over [2**-33, 2**10) ~ [1.2e-10, 1024),
    random sign; built from exact bits so they are platform independent."""
    rng = random.Random(zlib.crc32(label.encode('ascii')))
    out = []
    for _ in range(n):
        e2 = -33 + rng.getrandbits(16) % 43
        m = rng.getrandbits(52)
        x = math.ldexp(1.0 + m / 2.0 ** 52, e2)
        if rng.getrandbits(1):
            x = -x
        out.append(x)
    return out


def derivative_zeros(name, P):
    """Doubles nearest to the zeros of f' (where f' = a + b cancels badly),
    so that implementations are tested where their derivative loses digits."""
    guesses = {'gelu': [-0.75], 'mish': [-1.19], 'silu': [-1.28 / P.get('beta', 1.0)]}
    roots = []
    with mp.workdps(60):
        if name == 'snake':
            # 1 + sin(2 f x) = 0 at 2 f x = 2 pi k - pi/2
            f = mpf(P['frequency'])
            roots = [(k * mp.pi - mp.pi / 4) / f for k in (0, 1, -1, 2, -3, 1000)]
        elif name in guesses:
            fprime = lambda t: EW[name][1](t, P)[1]
            roots = [mp.findroot(fprime, mpf(g0)) for g0 in guesses[name]]
    out = []
    for r in roots:
        d = to_double(r)
        out += [math.nextafter(math.nextafter(d, -math.inf), -math.inf),
                math.nextafter(d, -math.inf), d, math.nextafter(d, math.inf),
                math.nextafter(math.nextafter(d, math.inf), math.inf)]
    return out


def point_set(label, kinks, full, extra=()):
    pts = list(extra)
    for m in (FULL_MAGNITUDES if full else REDUCED_MAGNITUDES):
        pts += [m, -m]
    for k in kinks:
        pts += [k, math.nextafter(k, -math.inf), math.nextafter(k, math.inf)]
        if k == 0:
            pts += [0.0, -0.0]
    pts += random_points(label, 40 if full else 10)
    seen = set()
    uniq = []
    for p in pts:
        h = float.hex(p)
        if h not in seen:
            seen.add(h)
            uniq.append(p)
    uniq.sort(key=lambda v: (v, math.copysign(1.0, v)))
    return uniq


def param_string(given):
    """given: list of (name, value) in canonical order; '-' when empty."""
    if not given:
        return '-'
    parts = []
    for k, v in given:
        parts.append('%s=%s' % (k, v if isinstance(v, str) else float.hex(v)))
    return ';'.join(parts)


def elementwise_rows():
    jobs = []
    for name, defaults, ev, kinks in ELEMENTWISE:
        P = dict(defaults)
        jobs.append((name, P, '-', True))
    for name, given, full in NONDEFAULT:
        defaults = EW[name][0]
        P = dict(defaults)
        P.update(given)
        ordered = [(k, given[k]) for k, _ in defaults if k in given]
        jobs.append((name, P, param_string(ordered), full))
    lines = []
    for name, P, pstr, full in jobs:
        _, ev, kinks = EW[name]
        label = name + ' ' + pstr
        for x in point_set(label, kinks(P), full, derivative_zeros(name, P)):
            xm = x

            def compute(xm=xm, ev=ev, P=P):
                y, dy = ev(mpf(xm), P)
                return (y, dy)

            what = 'elementwise %s %s x=%s' % (name, pstr, float.hex(x))
            y, dy = stable(what, compute, dps_for(x, *[v for v in P.values()
                                                        if isinstance(v, float)]))
            lines.append('\t'.join([name, pstr, float.hex(x), y, dy]))
    return lines


# ---------------------------------------------------------------------------
# Row-wise functions.  Each returns (y list, J list of lists, vjp list).
# ---------------------------------------------------------------------------

G_CYCLE = [1.0, -0.5, 2.0, 0.25, -1.5, 0.75, -3.0, 0.125]


def upstream(n):
    return [G_CYCLE[i % len(G_CYCLE)] for i in range(n)]


def softmax_parts(z):
    """e_k = exp(z_k - max z) (the max entry gives exactly 1), S = sum e_k."""
    zs = [mpf(v) for v in z]
    m = max(zs)
    e = [mp.exp(mp.fsub(v, m, exact=True)) for v in zs]
    return e, xsum(e)


def rw_softmax_core(z, g):
    n = len(z)
    e, S = softmax_parts(z)
    s = [ei / S for ei in e]
    oth = [xsum([e[k] for k in range(n) if k != i]) / S for i in range(n)]  # 1 - s_i
    J = [[s[i] * oth[i] if i == j else -s[i] * s[j] for j in range(n)] for i in range(n)]
    # vjp_j = s_j * sum_i (g_j - g_i) s_i = e_j * sum_i (g_j - g_i) e_i / S^2
    vjp = []
    for j in range(n):
        num = xsum([xmul(mp.fsub(mpf(g[j]), mpf(g[i]), exact=True), e[i]) for i in range(n)])
        vjp.append(e[j] * num / (S * S))
    return s, J, vjp


def rw_softmax(z, params, g):
    return rw_softmax_core(z, g)


def rw_softmin(z, params, g):
    s, J, vjp = rw_softmax_core([-v for v in z], g)
    # d softmax(-z)/dz = -J_softmax(-z)
    return s, [[-v for v in row] for row in J], [-v for v in vjp]


def rw_log_softmax(z, params, g):
    n = len(z)
    zs = [mpf(v) for v in z]
    m = max(zs)
    e, S = softmax_parts(z)
    im = zs.index(m)
    # log S = log1p(sum of the non-max terms): exact-ish for S close to 1
    L = mp.log1p(xsum([e[k] for k in range(n) if k != im]))
    y = [mp.fsub(v, m, exact=True) - L for v in zs]
    s = [ei / S for ei in e]
    oth = [xsum([e[k] for k in range(n) if k != i]) / S for i in range(n)]  # 1 - s_j
    J = [[oth[j] if i == j else -s[j] for j in range(n)] for i in range(n)]
    # vjp_j = g_j - s_j sum g = (g_j S - e_j G)/S = sum_k (g_j e_k - g_k e_j)/S
    vjp = []
    for j in range(n):
        terms = []
        for k in range(n):
            terms.append(xmul(mpf(g[j]), e[k]))
            terms.append(-xmul(mpf(g[k]), e[j]))
        vjp.append(xsum(terms) / S)
    return y, J, vjp


def rw_sparsemax(z, params, g):
    """Exact rational arithmetic (inputs are doubles, so tau is rational)."""
    n = len(z)
    zf = [Fraction(v) for v in z]
    zs = sorted(zf, reverse=True)
    csum = Fraction(0)
    k = 0
    ksum = Fraction(0)
    for i, v in enumerate(zs, 1):
        csum += v
        if 1 + i * v > csum:
            k, ksum = i, csum
    tau = (ksum - 1) / k
    y = [max(v - tau, Fraction(0)) for v in zf]
    supp = [1 if v > 0 else 0 for v in y]
    size = sum(supp)
    assert size == k and sum(y) == 1, (z, k, size)
    J = [[Fraction(supp[i] * (1 if i == j else 0)) - Fraction(supp[i] * supp[j], size)
          for j in range(n)] for i in range(n)]
    gf = [Fraction(v) for v in g]
    gs = sum(gf[i] for i in range(n) if supp[i]) / size
    vjp = [supp[j] * (gf[j] - gs) for j in range(n)]
    return y, J, vjp


def rw_glu(z, params, g):
    n = len(z)
    assert n % 2 == 0
    h = n // 2
    a = [mpf(v) for v in z[:h]]
    b = [mpf(v) for v in z[h:]]
    sb = [sig(v) for v in b]
    ds = [dsig(v) for v in b]
    y = [a[i] * sb[i] for i in range(h)]
    J = [[ZERO] * n for _ in range(h)]
    for i in range(h):
        J[i][i] = sb[i]
        J[i][h + i] = a[i] * ds[i]
    vjp = [mpf(g[j]) * sb[j] for j in range(h)] + [mpf(g[j]) * a[j] * ds[j] for j in range(h)]
    return y, J, vjp


def rw_crelu(z, params, g):
    n = len(z)
    zf = [Fraction(v) for v in z]
    y = [max(v, Fraction(0)) for v in zf] + [max(-v, Fraction(0)) for v in zf]
    J = [[Fraction(0)] * n for _ in range(2 * n)]
    for i in range(n):
        if zf[i] > 0:
            J[i][i] = Fraction(1)
        if zf[i] < 0:
            J[n + i][i] = Fraction(-1)
    gf = [Fraction(v) for v in g]
    vjp = [sum(gf[i] * J[i][j] for i in range(2 * n)) for j in range(n)]
    return y, J, vjp


def rw_maxout(z, params, g):
    n = len(z)
    zf = [Fraction(v) for v in z]
    gf = [Fraction(v) for v in g]
    if 'k' in params:
        k = params['k']
        assert n % k == 0
        m = n // k
        y, J = [], []
        for j in range(m):
            grp = zf[j * k:(j + 1) * k]
            best = max(grp)
            first = j * k + grp.index(best)  # first maximal element
            y.append(best)
            row = [Fraction(0)] * n
            row[first] = Fraction(1)
            J.append(row)
    else:
        W = [[Fraction(v) for v in row] for row in params['weights']]
        bias = [Fraction(v) for v in params.get('bias', [0.0] * len(W))]
        assert all(len(row) == n for row in W)
        vals = [sum(w * x for w, x in zip(row, zf)) + b for row, b in zip(W, bias)]
        best = max(vals)
        first = vals.index(best)  # first maximal piece
        y = [best]
        J = [list(W[first])]
    vjp = [sum(gf[i] * J[i][j] for i in range(len(y))) for j in range(n)]
    return y, J, vjp


ROWWISE_FN = {
    'softmax': rw_softmax, 'log_softmax': rw_log_softmax, 'softmin': rw_softmin,
    'sparsemax': rw_sparsemax, 'glu': rw_glu, 'crelu': rw_crelu, 'maxout': rw_maxout,
}

DMAX = 1.7976931348623157e308
TINY = 5e-324
ONE_UP = math.nextafter(1.0, 2.0)

COMMON_ROWS = [
    [0.5],
    [-1.25],
    [1.0, 2.0],
    [-0.3, 0.7, 2.1],
    [0.1, -2.5, 3.7, 0.0, 1.25],
    [-3.2, 1.7, 0.05, 2.9, -0.6, 4.4, -1.1, 0.8],
    [1000.0, 1000.0, -1000.0],
    [-745.0, 0.0],
    [1e308, -1e308],
    [-1e308, -1e308],
    [0.0],
    [1e-300, -1e-300, 0.0],
    [30.0, -30.0, 0.5],
    [2.0, 2.0, 2.0],                       # full tie
    [1.0, 3.0, 3.0, -1.0, 0.5],            # tie at the max
    [-0.0, 0.0],
    [TINY, -TINY],
    [DMAX, DMAX],
    [700.0, 710.0, 720.0],
    [-40.0, -20.0, 0.0, 20.0, 40.0],
    [1.0, ONE_UP, 1.0, math.nextafter(1.0, 0.0), 1.0, ONE_UP, 1.0, 1.0],
]

SPARSEMAX_EXTRA = [
    [3.0, 0.1, 0.2, -1.0, 2.9],            # several entries leave the support
    [0.5, 0.4, 0.3],                       # all stay in the support
    [0.1, 0.2, 0.3, 0.4, 0.25, 0.15, 0.05, 0.35],   # all in, length 8
    [1.0, 0.0],                            # second entry exactly at tau
    [0.5, 0.0, 0.5],                       # middle entry exactly at tau
    [-2.0, 5.0, 4.5, 4.25, -7.0, 4.75],    # 4 in, 2 out
]

GLU_ROWS = [
    [1.0, 2.0],
    [0.5, -0.5],
    [-1.5, 3.0, 2.0, -4.0],
    [0.25, -7.5, 1.0, 0.0, -2.0, 6.0],
    [0.0, 0.0],
    [1e308, -1e308],
    [-1e308, 1e308],
    [DMAX, DMAX],
    [1000.0, -1000.0, 1000.0, 1000.0],
    [-745.0, 0.0],
    [2.0, -745.0],
    [1e-300, -1e-300],
    [30.0, -30.0, 0.5, -0.5],
    [3.0, -2.0, -40.0, 40.0],
    [5.0, -5.0, 7.0, 710.0, -710.0, 20.0],
    [TINY, -TINY, TINY, -TINY],
    [-0.0, 0.0, 1.0, -1.0],
]

MAXOUT_K_ROWS = [
    (1, [1.0, -2.0, 3.0]),
    (1, [0.0]),
    (1, [30.0, -30.0, 0.5]),
    (2, [1.0, 3.0, -2.0, 5.0]),
    (2, [4.0, 4.0, 1.0, 2.0]),                     # tie in the first group
    (2, [1e308, -1e308]),
    (2, [-1e308, -1e308]),                         # tie
    (2, [-745.0, 0.0]),
    (2, [-0.0, 0.0]),                              # +-0 tie: first wins
    (2, [TINY, -TINY, -TINY, TINY]),
    (3, [0.5, -1.0, 2.0, 7.0, 7.0, 1.0]),          # tie in the second group
    (3, [1000.0, 1000.0, -1000.0]),                # tie
    (3, [1e-300, -1e-300, 0.0]),
    (3, [30.0, -30.0, 0.5]),
    (3, [-3.0, -3.0, -3.0]),                       # full tie
    (4, [-3.2, 1.7, 0.05, 2.9, -0.6, 4.4, -1.1, 4.4]),
    (5, [0.1, -2.5, 3.7, 0.0, 1.25]),
    (8, [1.0, ONE_UP, 1.0, math.nextafter(1.0, 0.0), 1.0, ONE_UP, 1.0, 1.0]),
    (2, [DMAX, DMAX, -DMAX, DMAX]),
]

MAXOUT_AFFINE_ROWS = [
    ({'weights': [[1.0, 2.0, -1.0], [0.5, -1.0, 3.0]], 'bias': [0.0, 0.25]}, [1.0, 0.5, 2.0]),
    ({'weights': [[1.0, 2.0, -1.0], [0.5, -1.0, 3.0]], 'bias': [0.0, 0.25]}, [-2.0, 1.5, 0.0]),
    ({'weights': [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]}, [0.3, -0.7]),
    ({'weights': [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]}, [-0.3, -0.7]),
    ({'weights': [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]}, [2.0, 2.0]),       # tie: first piece
    ({'weights': [[2.0, 1.0], [1.0, 2.0]], 'bias': [1.0, 0.0]}, [1.0, 2.0]), # tie: 5 == 5
    ({'weights': [[0.1, 0.2, 0.3, 0.4]], 'bias': [-0.5]}, [1.0, -1.0, 2.0, 0.5]),  # k = 1
    ({'weights': [[1.5], [-2.0], [0.25]], 'bias': [0.0, -1.0, 3.0]}, [4.0]),       # d = 1
    ({'weights': [[1.5], [-2.0], [0.25]], 'bias': [0.0, -1.0, 3.0]}, [-4.0]),
    ({'weights': [[1.0, -1.0], [-1.0, 1.0]]}, [1e308, -1e308]),          # 2e308: overflow
    ({'weights': [[2.0, -1.0], [-3.0, 0.5]]}, [1e308, 1e308]),           # finite, 2e308 inside
    ({'weights': [[1.0, 1.0], [0.5, 0.5]], 'bias': [-1e-300, 0.0]}, [1e-300, 1e-300]),
    ({'weights': [[1.0, 1.0, 1.0], [1.0, -1.0, 0.0]]}, [0.1, 0.2, -0.3]),  # cancellation
    ({'weights': [[1e10, -1e10], [1.0, 1.0]], 'bias': [0.0, -3.0]},
     [1.0, math.nextafter(1.0, 0.0)]),                                     # cancellation
    ({'weights': [[0.0, 0.0], [0.0, 0.0]], 'bias': [-1.0, -1.0]}, [5.0, -5.0]),  # all tie
]


def rowwise_cases():
    cases = []
    for fn in ('softmax', 'log_softmax', 'softmin', 'sparsemax', 'crelu'):
        rows = list(COMMON_ROWS)
        if fn == 'sparsemax':
            rows += SPARSEMAX_EXTRA
        for r in rows:
            cases.append((fn, '-', {}, r))
    for r in GLU_ROWS:
        cases.append(('glu', '-', {}, r))
    for k, r in MAXOUT_K_ROWS:
        cases.append(('maxout', 'k=%d' % k, {'k': k}, r))
    for p, r in MAXOUT_AFFINE_ROWS:
        s = 'weights=' + '|'.join(','.join(float.hex(v) for v in row) for row in p['weights'])
        if 'bias' in p:
            s += ';bias=' + ','.join(float.hex(v) for v in p['bias'])
        cases.append(('maxout', s, p, r))
    return cases


def rowwise_rows():
    lines = []
    for fn, pstr, params, x in rowwise_cases():
        f = ROWWISE_FN[fn]
        ny = {'glu': len(x) // 2, 'crelu': 2 * len(x)}.get(fn, len(x))
        if fn == 'maxout':
            ny = len(x) // params['k'] if 'k' in params else 1
        g = upstream(ny)

        def compute(f=f, x=x, params=params, g=g):
            y, J, vjp = f(x, params, g)
            assert len(y) == ny and len(J) == ny and all(len(r) == len(x) for r in J)
            return list(y) + [v for row in J for v in row] + list(vjp)

        what = 'rowwise %s %s x=%r' % (fn, pstr, x)
        pvals = [v for row in params.get('weights', []) for v in row] + list(params.get('bias', []))
        vals = stable(what, compute, dps_for(*x, *pvals))
        n = len(x)
        y = vals[:ny]
        J = vals[ny:ny + ny * n]
        vjp = vals[ny + ny * n:]
        lines.append('\t'.join([fn, pstr, ','.join(float.hex(v) for v in x),
                                ','.join(y), ','.join(J),
                                ','.join(float.hex(v) for v in g), ','.join(vjp)]))
    return lines


# ---------------------------------------------------------------------------
# Self-checks (independent of the tables' code paths where possible)
# ---------------------------------------------------------------------------

def ew(name, x, **given):
    defaults, ev, _ = EW[name]
    P = dict(defaults)
    P.update(given)
    return stable('check', lambda: ev(mpf(x), P), dps_for(x))


def self_check():
    # correct rounding, subnormals and overflow threshold
    assert to_double(Fraction(1, 2 ** 1075)) == 0.0          # tie to even -> 0
    assert to_double(Fraction(2 ** 1075 + 1, 2 ** 2150)) == 5e-324
    assert to_double(Fraction(3, 2 ** 1076)) == 5e-324
    assert to_double(Fraction(2 ** 1024 - 2 ** 971)) == DMAX
    assert to_double(Fraction(2 ** 1024 - 2 ** 970 - 1)) == DMAX
    assert to_double(Fraction(2 ** 1024 - 2 ** 970)) == OVERFLOW  # tie rounds up to 2^1024
    assert to_double(-mp.exp(mpf(-10 ** 6))) == 0.0 and str(to_double(-mp.exp(mpf(-10 ** 6)))) == '-0.0'
    assert to_double(mp.exp(mpf(10 ** 6))) == OVERFLOW

    # spot values quoted in the README
    assert ew('sigmoid', 0.0) == (float.hex(0.5), float.hex(0.25))
    y, dy = ew('tanh', 20.0)
    assert y == float.hex(1.0) and abs(float.fromhex(dy) / 1.6993417021166355e-17 - 1) < 1e-15
    y, dy = ew('gelu', -10.0)
    assert abs(float.fromhex(y) / -7.619853024160527e-23 - 1) < 1e-15
    assert ew('exponential', 710.0) == (OVERFLOW, OVERFLOW)
    assert ew('exponential', -745.0) == (float.hex(5e-324), float.hex(5e-324))
    assert ew('sigmoid', -710.0)[0] != float.hex(0.0)         # PyTorch gives 0
    assert ew('elu', -1e-300)[0] == float.hex(-1e-300)
    assert abs(float.fromhex(ew('tanhshrink', 1e-100)[0]) / (1e-100 ** 3 / 3) - 1) < 1e-14
    assert ew('gelu', -1e308) == ('-0x0.0p+0', '-0x0.0p+0')
    assert abs(float.fromhex(ew('log_sigmoid', 40.0)[0]) / -math.exp(-40.0) - 1) < 1e-15

    # sin of huge arguments: mpmath's argument reduction vs the C library
    for v in (1e22, 1e308, 123456789.0):
        with mp.workdps(80):
            assert to_double(mp.sin(mpf(v))) == math.sin(v), v

    # Phi: asymptotic series (a >= 1000) against mpmath's erfc near the switch
    with mp.workdps(80):
        a = mpf(1000)
        ref = mp.erfc(a / mp.sqrt(2)) / 2
        a2 = a * a
        phi = mp.exp(-a2 / 2) / mp.sqrt(2 * mp.pi)
        s, term = mpf(1), mpf(1)
        for k in range(1, 60):
            term = -term * (2 * k - 1) / a2
            s += term
        assert abs(phi / a * s / ref - 1) < mpf(10) ** -70
        assert abs(phi_lower(mpf(1500)) / (mp.gammainc(mpf(0.5), mpf(1500) ** 2 / 2, regularized=True) / 2) - 1) < mpf(10) ** -70

    # values against the C library at moderate x (catches formula slips)
    lib = {
        'sigmoid': lambda x: 1 / (1 + math.exp(-x)),
        'tanh': math.tanh,
        'gelu': lambda x: 0.5 * x * math.erfc(-x / math.sqrt(2)),
        'silu': lambda x: x / (1 + math.exp(-x)),
        'mish': lambda x: x * math.tanh(math.log1p(math.exp(x))),
        'softplus': lambda x: math.log1p(math.exp(x)),
        'log_sigmoid': lambda x: -math.log1p(math.exp(-x)),
        'softsign': lambda x: x / (1 + abs(x)),
        'selu': lambda x: 1.0507009873554805 * (x if x > 0 else 1.6732632423543772 * math.expm1(x)),
        'elu': lambda x: x if x > 0 else math.expm1(x),
        'squareplus': lambda x: (x + math.sqrt(x * x + 4)) / 2,
        'exponential': math.exp,
        'lisht': lambda x: x * math.tanh(x),
        'snake': lambda x: x + math.sin(x) ** 2,
        'hardswish': lambda x: x * min(max(x + 3, 0), 6) / 6,
        'tanhshrink': lambda x: x - math.tanh(x),
    }
    for name, fn in lib.items():
        for x in (-7.25, -2.5, -0.75, 0.3, 1.5, 4.0, 12.0):
            got = float.fromhex(ew(name, x)[0])
            want = fn(x)
            assert abs(got - want) <= 1e-13 * abs(want) + 1e-300, (name, x, got, want)

    # analytic derivatives against a high-precision central difference
    smooth_pts = (-9.5, -3.1, -1.2, -0.4, 0.2, 0.9, 2.2, 4.7, 8.3)
    for name, defaults, ev, kinks in ELEMENTWISE:
        variants = [dict(defaults)]
        for n2, given, _ in NONDEFAULT:
            if n2 == name:
                P = dict(defaults)
                P.update(given)
                variants.append(P)
        for P in variants:
            ks = kinks(P)
            for x in smooth_pts:
                if any(abs(x - k) < 1e-3 for k in ks):
                    continue
                if name == 'softplus' and P['threshold'] is not None:
                    continue
                with mp.workdps(100):
                    xm = mpf(x)
                    h = mpf(2) ** -120
                    num = (ev(xm + h, P)[0] - ev(xm - h, P)[0]) / (2 * h)
                    ana = ev(xm, P)[1]
                    assert abs(num - ana) <= mpf(10) ** -30 * (1 + abs(ana)), (name, P, x)

    # row-wise: softmax sums to 1, Jacobians against central differences
    with mp.workdps(100):
        z = [0.1, -2.5, 3.7, 0.0, 1.25]
        g = upstream(5)
        s, J, vjp = rw_softmax(z, {}, g)
        assert abs(mp.fsum(s) - 1) < mpf(10) ** -95
        for name in ('softmax', 'log_softmax', 'softmin', 'glu'):
            f = ROWWISE_FN[name]
            zz = z + [0.5] if name == 'glu' else z
            gg = upstream(3 if name == 'glu' else 5)
            y, J, vjp = f(zz, {}, gg)
            h = mpf(2) ** -150
            for j in range(len(zz)):
                zp = [mpf(v) for v in zz]
                zm = [mpf(v) for v in zz]
                zp[j] += h
                zm[j] -= h
                yp = f(zp, {}, gg)[0]
                ym = f(zm, {}, gg)[0]
                for i in range(len(y)):
                    d = (yp[i] - ym[i]) / (2 * h)
                    assert abs(d - J[i][j]) < mpf(10) ** -35, (name, i, j)
                assert abs(vjp[j] - mp.fsum(mpf(gg[i]) * J[i][j] for i in range(len(y)))) < mpf(10) ** -80

    # sparsemax: KKT conditions of the projection onto the simplex
    for r in COMMON_ROWS + SPARSEMAX_EXTRA:
        y, J, vjp = rw_sparsemax(r, {}, upstream(len(r)))
        zf = [Fraction(v) for v in r]
        assert sum(y) == 1 and all(v >= 0 for v in y)
        taus = {zf[i] - y[i] for i in range(len(r)) if y[i] > 0}
        assert len(taus) == 1
        tau = taus.pop()
        assert all(zf[i] <= tau for i in range(len(r)) if y[i] == 0)


# ---------------------------------------------------------------------------
# Optional cross-check (--crosscheck): re-derive the written tables with the
# naive textbook formulas at very high precision (no stable rewrites) and
# central differences for the derivatives.  Only for checking; it never
# feeds the tables.  Covers the smooth functions at |x| <= 1000 and the
# softmax family / glu rows with |z| <= 1000.
# ---------------------------------------------------------------------------

def naive_ew(name, P):
    e = mp.exp
    m = lambda k: mpf(P[k])
    if name == 'sigmoid':
        return lambda x: 1 / (1 + e(-x))
    if name == 'tanh':
        return mp.tanh
    if name == 'gelu':
        if P['approximate'] == 'tanh':
            return lambda x: x / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + mpf(GELU_K) * x ** 3)))
        return lambda x: x / 2 * (1 + mp.erf(x / mp.sqrt(2)))
    if name == 'silu':
        return lambda x: x / (1 + e(-m('beta') * x))
    if name == 'mish':
        return lambda x: x * mp.tanh(mp.log(1 + e(x)))
    if name == 'softplus' and P['threshold'] is None:
        return lambda x: mp.log(1 + e(m('beta') * x)) / m('beta')
    if name == 'log_sigmoid':
        return lambda x: -mp.log(1 + e(-x))
    if name == 'tanhshrink':
        return lambda x: x - mp.tanh(x)
    if name == 'squareplus':
        return lambda x: (x + mp.sqrt(x * x + m('b'))) / 2
    if name == 'exponential':
        return e
    if name == 'lisht':
        return lambda x: x * mp.tanh(x)
    if name == 'snake':
        return lambda x: x + mp.sin(m('frequency') * x) ** 2 / m('frequency')
    if name == 'softsign':
        return lambda x: x / (1 + abs(x))
    if name == 'elu':
        return lambda x: x if x > 0 else m('alpha') * (e(x) - 1)
    if name == 'celu':
        return lambda x: x if x > 0 else m('alpha') * (e(x / m('alpha')) - 1)
    if name == 'selu':
        return lambda x: (mpf(SELU_SCALE) * x if x > 0
                          else mpf(SELU_SCALE) * mpf(SELU_ALPHA) * (e(x) - 1))
    return None


def naive_rw(fn, z):
    n = len(z)
    if fn == 'glu':
        h = n // 2
        a, b = z[:h], z[h:]
        sg = [1 / (1 + mp.exp(-v)) for v in b]
        J = [[mpf(0)] * n for _ in range(h)]
        for i in range(h):
            J[i][i] = sg[i]
            J[i][h + i] = a[i] * sg[i] * (1 - sg[i])
        return [a[i] * sg[i] for i in range(h)], J
    E = [mp.exp(-v if fn == 'softmin' else v) for v in z]
    S = mp.fsum(E)
    s = [v / S for v in E]
    d = lambda i, j: 1 if i == j else 0
    if fn == 'log_softmax':
        return [mp.log(v) for v in s], [[d(i, j) - s[j] for j in range(n)] for i in range(n)]
    sgn = -1 if fn == 'softmin' else 1
    return s, [[sgn * s[i] * (d(i, j) - s[j]) for j in range(n)] for i in range(n)]


def read_table(path):
    with open(path, encoding='ascii') as fh:
        return [ln.rstrip('\n').split('\t') for ln in fh if not ln.startswith('#')]


def same(a, b):
    if a == OVERFLOW or b == OVERFLOW:
        return a == b
    return float.fromhex(a) == float.fromhex(b)  # +0 == -0


def crosscheck():
    bad = checked = 0
    for name, pstr, xs, ys, dys in read_table(os.path.join(HERE, 'elementwise.tsv')):
        P = dict(EW[name][0])
        if pstr != '-':
            for kv in pstr.split(';'):
                k, v = kv.split('=')
                P[k] = v if k == 'approximate' else float.fromhex(v)
        f = naive_ew(name, P)
        x = float.fromhex(xs)
        if f is None or abs(x) > 1000:
            continue
        dps = 400 + int(abs(x)) + (3 * int(-math.log10(abs(x))) if 0 < abs(x) < 1 else 0)
        if name == 'gelu':
            dps += int(x * x / 4) if P['approximate'] != 'tanh' else int(0.04 * abs(x) ** 3)
        if dps > 6000:
            continue
        kink = x == 0 and name in ('elu', 'celu', 'selu', 'squareplus', 'tanhshrink', 'lisht')
        with mp.workdps(dps):
            xm = mpf(x)
            ry = hx(to_double(f(xm)))
            rd = dys
            if not kink:
                h = mpf(2) ** (-(mp.prec // 3)) * max(1, abs(xm))
                if name in ('elu', 'celu', 'selu', 'squareplus') and x != 0:
                    h = min(h, abs(xm) / 4)
                rd = hx(to_double((f(xm + h) - f(xm - h)) / (2 * h)))
        checked += 1
        if not (same(ry, ys) and same(rd, dys)):
            bad += 1
            sys.stderr.write('crosscheck MISMATCH %s %s x=%s: table %s %s, naive %s %s\n'
                             % (name, pstr, xs, ys, dys, ry, rd))
    for fn, pstr, xs, ys, js, gs, vs in read_table(os.path.join(HERE, 'rowwise.tsv')):
        x = [float.fromhex(v) for v in xs.split(',')]
        if fn not in ('softmax', 'log_softmax', 'softmin', 'glu') or max(map(abs, x)) > 1000:
            continue
        g = [float.fromhex(v) for v in gs.split(',')]
        with mp.workdps(3000):
            y, J = naive_rw(fn, [mpf(v) for v in x])
            vjp = [mp.fsum(mpf(g[i]) * J[i][j] for i in range(len(y))) for j in range(len(x))]
            got = [hx(to_double(v)) for v in list(y) + [v for r in J for v in r] + vjp]
        want = ys.split(',') + js.split(',') + vs.split(',')
        checked += 1
        if len(got) != len(want) or not all(same(a, b) for a, b in zip(got, want)):
            bad += 1
            sys.stderr.write('crosscheck MISMATCH %s x=%s\n' % (fn, xs))
    sys.stderr.write('crosscheck: %d rows re-derived, %d mismatches\n' % (checked, bad))
    return bad == 0


# ---------------------------------------------------------------------------

def write(path, header, lines):
    with open(path, 'w', encoding='ascii', newline='\n') as fh:
        for h in header:
            fh.write('# ' + h + '\n')
        for ln in lines:
            fh.write(ln + '\n')


def main():
    t0 = time.time()
    mp.dps = BASE_DPS
    self_check()
    t1 = time.time()
    ew_lines = elementwise_rows()
    t2 = time.time()
    rw_lines = rowwise_rows()
    t3 = time.time()
    gen = 'generated by: /usr/bin/python3 tests/data/gen_ref.py (mpmath %s); do not edit' % mpmath.__version__
    write(os.path.join(HERE, 'elementwise.tsv'), [
        'activ elementwise reference values (correctly rounded binary64, C99 hex floats)',
        gen,
        'columns: fn<TAB>params<TAB>x<TAB>y<TAB>dy   (y = f(x), dy = df/dx at x)',
        'params: "-" = defaults, else name=value;... ; "overflow" = |exact value| rounds beyond DBL_MAX',
    ], ew_lines)
    write(os.path.join(HERE, 'rowwise.tsv'), [
        'activ row-wise reference values (correctly rounded binary64, C99 hex floats)',
        gen,
        'columns: fn<TAB>params<TAB>x<TAB>y<TAB>jac<TAB>g<TAB>vjp   (vectors comma-separated)',
        'jac: len(y) x len(x), row-major, flattened; vjp = g^T jac computed exactly, then rounded',
        'params: "-" = none; maxout: k=K or weights=w11,w12|w21,w22;bias=b1,b2',
    ], rw_lines)
    sys.stderr.write('self-check %.1fs, elementwise %d lines %.1fs, rowwise %d lines %.1fs\n'
                     % (t1 - t0, len(ew_lines), t2 - t1, len(rw_lines), t3 - t2))
    for what, levels in ESCALATIONS:
        sys.stderr.write('precision raised: %s dps %r\n' % (what, levels))
    sys.stderr.write('%d value sets needed more than two precisions\n' % len(ESCALATIONS))
    if '--crosscheck' in sys.argv[1:] and not crosscheck():
        sys.exit(1)


if __name__ == '__main__':
    main()
