/* math.c -- elementwise activations and their derivatives, accurate to a few ulp (core: libc+libm)
 */
#include "activ/math.h"

#include <math.h>
#include <stdbool.h>

#include "activ/status.h"
#include "roots.h"

/* The dispatchers take elementwise ids only; eval.c routes the row-wise ones. */
#define ACTIV_MATH_UNREACHABLE ACTIV_ASSERT(!"row-wise id in an elementwise kernel")

/* ---------------------------------------------------------------- constants */

/* SELU constants (Klambauer et al. 2017, eq. 14), to 32 digits; SELU_SA is the product
 * scale * alpha rounded once from the exact decimal product (mpmath, 60 digits). */
#define SELU_SCALE 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SA    0x1.c212cc640f031p+0

/* 1/sqrt(2) and sqrt(2/pi) as hi + lo pairs (hi = nearest double, lo = the rest). */
#define INV_SQRT2_HI 0x1.6a09e667f3bcdp-1
#define INV_SQRT2_LO (-0x1.bdd3413b26456p-55)
#define SQRT_2_PI_HI 0x1.9884533d43651p-1
#define SQRT_2_PI_LO (-0x1.cbc0d30ebfd15p-55)
#define TWO_SQRTPI   0x1.20dd750429b6dp+0 /* 2/sqrt(pi) */
#define INV_SQRT_2PI 0x1.9884533d43651p-2 /* 1/sqrt(2 pi) */
/* The tanh-gelu cubic coefficient 0.044715 as hi + lo. */
#define GELU_C_HI 0x1.6e4e26d4801f7p-5
#define GELU_C_LO 0x1.441355475a31ap-59
/* pi/4 as hi + lo. */
#define PI4_HI 0x1.921fb54442d18p-1
#define PI4_LO 0x1.1a62633145c07p-55

/* e^x is subnormal below about -708.4; below this, c * e^x is formed in two halves. */
#define EXP_SPLIT (-700.0)
/* e^-37 < 2^-53: beyond it 1 + e^x rounds to 1, so sigmoid(x) = e^x to the last bit. */
#define EXP_NEGLIGIBLE (-37.0)
/* |x| beyond which the Mills-ratio asymptotic series gives Phi(x) to full precision. */
#define GELU_TAIL 20.0
/* Beyond these, gelu and mish equal x (and their derivatives 1) once rounded. */
#define GELU_SAT 40.0
#define MISH_SAT 20.0

/* ---------------------------------------------------------------- helpers */

/* c * e^a with a single rounding into the subnormal range: when e^a would be subnormal its
 * few significant bits would be scaled by c, so multiply by e^(a/2) twice instead (a/2 is
 * exact). Overflows to ±inf exactly when the result does. */
static double exp_mul(double c, double a)
{
    if (a > EXP_SPLIT)
        return c * exp(a);
    double h = exp(0.5 * a);
    return (c * h) * h;
}

/* c * e^(-x^2/2), carrying x^2 = hi + lo exactly (fma), so that a large x does not lose
 * the low bits of its square: e^(-lo/2) = 1 - lo/2 to double precision. */
static double mul_gauss(double c, double x)
{
    double hi = x * x;
    if (!isfinite(hi))
        return c * 0.0;
    double lo = fma(x, x, -hi);
    return exp_mul(c * (1.0 - 0.5 * lo), -0.5 * hi);
}

/* a + b = hi + *lo exactly (Knuth's two-sum). */
static double two_sum(double a, double b, double *lo)
{
    double s = a + b;
    double bb = s - a;
    *lo = (a - (s - bb)) + (b - bb);
    return s;
}

/* The error of the product b * x, so that b * x = p + err exactly (0 when p is not finite). */
static double prod_err(double b, double x, double p)
{
    if (b == 1.0 || !isfinite(p)) /* the default parameter: exact, and fma is slow in software */
        return 0.0;
    return fma(b, x, -p);
}

/* sigmoid(u + du) for |du| <= ulp(u)/2: sigmoid(u) (1 + du sigmoid(-u)). Also returns
 * sigmoid(-u + ...) in *comp when comp is not NULL. For u < EXP_NEGLIGIBLE the caller uses
 * exp_mul instead when it needs the tail beyond the subnormal threshold. */
static double sigmoid2(double u, double du, double *comp)
{
    double s, c;
    if (du == 0.0 && !comp) { /* the common case; a select, not a branch, on the sign */
        double e = exp(-fabs(u));
        double r = 1.0 / (1.0 + e);
        return u >= 0 ? r : e * r;
    }
    if (u >= 0) {
        double e = exp(-u);
        s = 1.0 / (1.0 + e);
        c = e / (1.0 + e);
    } else {
        double e = exp(u);
        s = e / (1.0 + e);
        c = 1.0 / (1.0 + e);
    }
    if (du != 0.0) {
        s += s * (du * c);
        c -= c * (du * s);
    }
    if (comp)
        *comp = c;
    return s;
}

/* sech^2(x) = 1 - tanh^2(x) = 4u / (1 + u)^2 with u = e^(-2|x|), which keeps full relative
 * accuracy where tanh(x) rounds to ±1 (1 - tanh^2 would cancel to 0). */
static double sech2(double x)
{
    double a = fabs(x);
    if (a < 0.5) {
        double t = tanh(x);
        return (1.0 - t) * (1.0 + t);
    }
    if (a > 20.0) /* (1 + u)^2 rounds to 1 */
        return exp_mul(4.0, -2.0 * a);
    double u = exp(-2.0 * a);
    double d = 1.0 + u;
    return 4.0 * u / (d * d);
}

/* ---------------------------------------------------------------- sigmoid family */

/* sigmoid(x) = 1 / (1 + e^-x)
 * Method: e = e^-|x| <= 1 never overflows; 1/(1+e) for x >= 0, e/(1+e) for x < 0.
 * Special cases: very negative x gives e^x itself, subnormal, correctly rounded by exp.
 * Derivative: e / (1 + e)^2, no kink; 0.25 at 0.  Accuracy: <= 2 ulp. */
double activ_math_sigmoid(double x)
{
    return sigmoid2(x, 0.0, NULL);
}

double activ_math_sigmoid_grad(double x)
{
    double e = exp(-fabs(x));
    double d = 1.0 + e;
    return e / (d * d);
}

/* log_sigmoid(x) = -softplus(-x) = min(x, 0) - log1p(e^-|x|); both terms have one sign, so
 * nothing cancels. Derivative: sigmoid(-x). */
static double log_sigmoid(double x)
{
    double t = log1p(exp(-fabs(x)));
    return x < 0 ? x - t : -t;
}

/* softplus(x; beta, threshold) = log(1 + e^(beta x)) / beta
 * Method: u = beta x rounded, du its exact error (fma). u > 0: x + log1p(e^-u)/beta keeps x
 * exact. u <= 0: log1p(e^u)/beta, and since softplus(u) ~ e^u there, the rounding of u is
 * undone with the factor (1 + du sigmoid(u)/softplus(u)) ~ (1 + du).
 * With a threshold (PyTorch's shortcut): x where beta x > threshold.
 * Derivative: sigmoid(beta x), 1 where the shortcut applies. */
static double softplus(double x, double beta, double threshold)
{
    double u = beta * x;
    if (!isnan(threshold) && u > threshold)
        return x;
    if (u > 0)
        return x + log1p(exp(-u)) / beta;
    double du = prod_err(beta, x, u);
    if (u < EXP_NEGLIGIBLE) /* log1p(e^u) = e^u */
        return exp_mul((1.0 + du) / beta, u);
    double e = exp(u);
    double sp = log1p(e);
    return (sp + du * (e / (1.0 + e))) / beta;
}

static double softplus_grad(double x, double beta, double threshold)
{
    double u = beta * x;
    if (!isnan(threshold) && u > threshold)
        return 1.0;
    double du = prod_err(beta, x, u);
    if (u < EXP_NEGLIGIBLE)
        return exp_mul(1.0 + du, u);
    return sigmoid2(u, du, NULL);
}

/* ---------------------------------------------------------------- tanh family */

/* tanh'(x) = sech^2(x); tanhshrink(x) = x - tanh(x).
 * tanhshrink method: for |x| < 2, Lambert's continued fraction tanh x = x / (1 + q) with
 * q = x^2/(3 + x^2/(5 + ...)), so x - tanh x = x q / (1 + q): no cancellation, and x^3/3
 * for tiny x comes out right. 24 levels are exact to double precision for |x| < 2.
 * Beyond, x - tanh x directly (the result exceeds x/2). Derivative tanh^2(x). */
static double tanhshrink(double x)
{
    double a = fabs(x);
    if (a >= 2.0)
        return x - tanh(x);
    double x2 = x * x;
    double q = 0.0;
    for (int k = 24; k >= 1; k--)
        q = x2 / ((2 * k + 1) + q);
    return x * q / (1.0 + q);
}

/* ---------------------------------------------------------------- gelu */

/* Phi(x) for x > -GELU_TAIL: 0.5 erfc(-x/sqrt2). The argument z = -x/sqrt2 is carried as
 * zh + zl, because erfc is ill-conditioned in the tail (relative condition ~ 2 z^2): a
 * rounded z alone would cost ~z^2 ulp. erfc(zh + zl) = erfc(zh) - zl (2/sqrt(pi)) e^(-zh^2). */
static double norm_cdf(double x)
{
    double zh = -x * INV_SQRT2_HI;
    double zl = fma(-x, INV_SQRT2_HI, -zh) + (-x) * INV_SQRT2_LO;
    double corr = (zl != 0.0 && fabs(zh) < 27.0) ? zl * TWO_SQRTPI * exp(-zh * zh) : 0.0;
    return 0.5 * (erfc(zh) - corr);
}

/* The Mills-ratio series for x = -t <= -GELU_TAIL: Phi(-t) = phi(t)/t * S(1/t^2),
 * S(w) = sum (-1)^k (2k-1)!! w^k; 13 terms leave < 1e-20 at t = 20. */
static double mills_series(double t)
{
    static const double c[] = {1.0,         -1.0,           3.0,           -15.0,     105.0,
                               -945.0,      10395.0,        -135135.0,     2027025.0, -34459425.0,
                               654729075.0, -13749310575.0, 316234143225.0};
    double w = 1.0 / (t * t);
    double s = 0.0;
    for (int k = (int)(sizeof c / sizeof c[0]) - 1; k >= 0; k--)
        s = s * w + c[k];
    return s;
}

/* gelu(x) = x Phi(x) = 0.5 x (1 + erf(x/sqrt2))
 * Method: x Phi(x) with norm_cdf for x > -20; below, -phi(t) S(1/t^2) (t = -x) through
 * mul_gauss, so results down to the smallest subnormal are rounded once.
 * Derivative: Phi(x) + x phi(x); near its root (-0.7518) a Taylor series (roots.c); below
 * -20, -phi(t) t (1 - S/t^2).  Accuracy: <= 4 ulp on tests/data/elementwise.tsv. */
static double gelu(double x)
{
    if (x > GELU_SAT)
        return x;
    if (x > -GELU_TAIL)
        return x * norm_cdf(x);
    double t = -x;
    return -mul_gauss(INV_SQRT_2PI * mills_series(t), t);
}

static double gelu_grad(double x)
{
    double r;
    if (x > GELU_SAT)
        return 1.0;
    if (activ_roots_gelu_grad(x, &r))
        return r;
    if (x > -GELU_TAIL)
        return norm_cdf(x) + mul_gauss(x * INV_SQRT_2PI, x);
    double t = -x;
    return -mul_gauss(INV_SQRT_2PI * t * (1.0 - mills_series(t) / (t * t)), t);
}

/* gelu, tanh form: 0.5 x (1 + tanh v) = x sigmoid(2v), v = sqrt(2/pi) (x + 0.044715 x^3).
 * The sigmoid form has no cancellation for x < 0. v is carried in double-double (fma),
 * since sigmoid(2v) has relative condition |2v| (about 80 at x = -10). */
static double gelu_tanh_v2(double x, double *lo)
{
    double x2h = x * x, x2l = fma(x, x, -x2h);
    double x3h = x2h * x, x3l = fma(x2h, x, -x3h) + x2l * x;
    double mh = GELU_C_HI * x3h;
    double ml = fma(GELU_C_HI, x3h, -mh) + GELU_C_HI * x3l + GELU_C_LO * x3h;
    double sl, sh = two_sum(x, mh, &sl);
    sl += ml;
    double vh = SQRT_2_PI_HI * sh;
    double vl = fma(SQRT_2_PI_HI, sh, -vh) + SQRT_2_PI_HI * sl + SQRT_2_PI_LO * sh;
    *lo = 2.0 * vl;
    return 2.0 * vh;
}

/* Beyond |x| = 1e6 the cubic is far past saturation (and x^3 may overflow). */
#define GELU_TANH_SAT 1e6

static double gelu_tanh(double x)
{
    if (x > GELU_TANH_SAT)
        return x;
    if (x < -GELU_TANH_SAT)
        return -0.0;
    double tl, th = gelu_tanh_v2(x, &tl);
    if (th < EXP_NEGLIGIBLE)
        return exp_mul(x * (1.0 + tl), th);
    return x * sigmoid2(th, tl, NULL);
}

static double gelu_tanh_grad(double x)
{
    double r;
    if (x > GELU_TANH_SAT)
        return 1.0;
    if (x < -GELU_TANH_SAT)
        return 0.0;
    if (activ_roots_gelu_tanh_grad(x, &r))
        return r;
    double tl, th = gelu_tanh_v2(x, &tl);
    /* v'(x) = sqrt(2/pi) (1 + 3c x^2) in double-double: dh + dl */
    double x2h = x * x, x2l = fma(x, x, -x2h);
    double c3h = 3.0 * GELU_C_HI, c3l = fma(3.0, GELU_C_HI, -c3h) + 3.0 * GELU_C_LO;
    double qh = c3h * x2h, ql = fma(c3h, x2h, -qh) + c3h * x2l + c3l * x2h;
    double ul, uh = two_sum(1.0, qh, &ul);
    ul += ql;
    double dh = SQRT_2_PI_HI * uh;
    double dl = fma(SQRT_2_PI_HI, uh, -dh) + SQRT_2_PI_HI * ul + SQRT_2_PI_LO * uh;
    /* f'(x) = sigmoid(2v) (1 + 2x v' sigmoid(-2v)) */
    double comp = 1.0, s = 0.0;
    if (th >= EXP_NEGLIGIBLE) /* else sigmoid(-2v) = 1 */
        s = sigmoid2(th, tl, &comp);
    double ph = (2.0 * x * dh) * comp;
    double pl = fma(2.0 * x * dh, comp, -ph) + 2.0 * x * dl * comp;
    double al, ah = two_sum(1.0, ph, &al);
    double a = ah + (al + pl);
    if (th < EXP_NEGLIGIBLE)
        return exp_mul(a * (1.0 + tl), th);
    return s * a;
}

/* ---------------------------------------------------------------- silu, mish */

/* silu(x; beta) = x sigmoid(beta x)
 * Method: u = beta x with its rounding error du (fma), sigmoid2(u, du): sigmoid has relative
 * condition |u| for u << 0. Below EXP_NEGLIGIBLE, x e^u via exp_mul (subnormal-safe).
 * Derivative: sigmoid(u) g(u), g(u) = 1 + u sigmoid(-u); g has a root at u = -1.2785 where a
 * Taylor series takes over (roots.c); elsewhere on [-4, 0] g = (1 + u + e^u)/(1 + e^u). */
static double silu(double x, double beta)
{
    double u = beta * x;
    double du = prod_err(beta, x, u);
    if (u < EXP_NEGLIGIBLE)
        return exp_mul(x * (1.0 + du), u);
    return x * sigmoid2(u, du, NULL);
}

static double silu_grad(double x, double beta)
{
    double u = beta * x;
    if (!isfinite(u))
        return u > 0 ? 1.0 : 0.0;
    double du = prod_err(beta, x, u);
    if (u < EXP_NEGLIGIBLE)
        return exp_mul((1.0 + u) * (1.0 + du), u);
    double g;
    if (!activ_roots_silu_g(u, du, &g)) {
        if (u < 0 && u > -4.0) {
            double e = exp(u);
            g = ((1.0 + u) + e) / (1.0 + e);
        } else {
            double comp;
            (void)sigmoid2(u, du, &comp);
            g = 1.0 + u * comp;
        }
    }
    return sigmoid2(u, du, NULL) * g;
}

/* mish(x) = x tanh(softplus(x))
 * Method: with e = e^x and n = e (e + 2), tanh(log(1 + e)) = n / (n + 2) exactly, free of
 * cancellation. x > 20: x (the factor rounds to 1). x < -37: x e^x via exp_mul.
 * Derivative: n/(n+2) + x sigmoid(x) 4(n+1)/(n+2)^2; root at -1.1924 handled in roots.c;
 * x < -37: e^x (1 + x). */
static double mish(double x)
{
    if (x > MISH_SAT)
        return x;
    if (x < EXP_NEGLIGIBLE)
        return exp_mul(x, x);
    double e = exp(x);
    double n = e * (e + 2.0);
    return x * (n / (n + 2.0));
}

static double mish_grad(double x)
{
    double r;
    if (x > 2.0 * MISH_SAT)
        return 1.0;
    if (x < EXP_NEGLIGIBLE)
        return exp_mul(1.0 + x, x);
    if (activ_roots_mish_grad(x, &r))
        return r;
    double e = exp(x);
    double n = e * (e + 2.0);
    double d = n + 2.0;
    return n / d + x * (e / (1.0 + e)) * (4.0 * (n + 1.0) / (d * d));
}

/* ---------------------------------------------------------------- exponential linear units */

/* elu(x; alpha) = x for x > 0, alpha (e^x - 1) otherwise; expm1 keeps tiny x exact
 * (elu(-1e-300) = -1e-300, where e^x - 1 gives 0). Derivative: alpha e^x for x <= 0
 * (alpha at 0, PyTorch). */
static double elu(double x, double alpha)
{
    return x > 0 ? x : alpha * expm1(x);
}

static double elu_grad(double x, double alpha)
{
    return x > 0 ? 1.0 : exp_mul(alpha, x);
}

/* celu(x; alpha) = max(0, x) + min(0, alpha (e^(x/alpha) - 1)). The quotient q = x/alpha is
 * rounded; its exact remainder r = x - q alpha (fma) restores e^(x/alpha) = e^q (1 + r/alpha)
 * in the derivative, where the relative condition is |q|. Derivative 1 at 0 (PyTorch). */
static double celu(double x, double alpha)
{
    return x > 0 ? x : alpha * expm1(x / alpha);
}

static double celu_grad(double x, double alpha)
{
    if (x > 0)
        return 1.0;
    double q = x / alpha;
    if (!isfinite(q)) /* x/alpha below -DBL_MAX: e^(x/alpha) underflows */
        return 0.0;
    double r = fma(-q, alpha, x);
    return exp_mul(1.0 + r / alpha, q);
}

/* ---------------------------------------------------------------- other smooth functions */

/* softsign(x) = x / (1 + |x|); derivative 1/(1 + |x|)^2 as d*d with d = 1/(1+|x|), so it
 * does not overflow to 0 before the true value underflows. */
static double softsign_grad(double x)
{
    double d = 1.0 / (1.0 + fabs(x));
    return d * d;
}

/* squareplus(x; b) = (x + sqrt(x^2 + b)) / 2
 * Method: r = hypot(x, sqrt b) never overflows. x >= 0: x/2 + r/2. x < 0: the sum cancels,
 * so use (b/4) / ((r + |x|)/2) instead.
 * Derivative: (1 + x/r)/2; for x < 0, (b/2) / (r (r + |x|)) likewise. At x = 0 with b = 0
 * (relu), 0: the minimum-norm subgradient. */
static double squareplus(double x, double b)
{
    if (b == 0.0) /* relu; the general form would divide 0 by an underflowed 0 */
        return x > 0 ? x : 0.0;
    double r = hypot(x, sqrt(b));
    if (x >= 0)
        return 0.5 * x + 0.5 * r;
    return (0.25 * b) / (0.5 * r + 0.5 * -x);
}

static double squareplus_grad(double x, double b)
{
    double r = hypot(x, sqrt(b));
    if (r == 0.0)
        return 0.0;
    if (x >= 0)
        return 0.5 + 0.5 * (x / r);
    return ((0.5 * b) / r) / (r + -x);
}

/* lisht(x) = x tanh x; derivative tanh x + x sech^2 x (same signs: no cancellation). */
static double lisht_grad(double x)
{
    return tanh(x) + x * sech2(x);
}

/* snake(x; f) = x + sin^2(f x) / f
 * Method: p = f x rounded, e its exact error (fma); sin(p + e) = sin p + e cos p, since the
 * period makes sin(f x) sensitive to the low bits of f x.
 * Derivative: 1 + sin(2 f x) = (sin f x + cos f x)^2, written as a square so it is never
 * negative. */
/* sin(f x) + its cosine-side error term: sin(p + e) = sin p + e cos p, p = f x rounded. */
static double snake_sin(double x, double f)
{
    double p = f * x;
    double e = prod_err(f, x, p);
    return sin(p) + e * cos(p);
}

static double snake(double x, double f)
{
    if (!isfinite(f * x)) /* sin^2(f x)/f <= 1/f is below half an ulp of x */
        return x;
    double s = snake_sin(x, f);
    return x + s * s / f;
}

/* 1 + sin(2t) = 2 sin^2(t + pi/4), t = f x: near the double roots (t = -pi/4 + k pi) a sum
 * sin t + cos t would cancel, so t + pi/4 is carried as hi + lo (with the error of f x) and
 * sin(hi + lo) = sin(hi) cos(lo) + cos(hi) sin(lo); libm reduces hi exactly. Where f x
 * overflows, the angle is halved k times (k <= SNAKE_HALVINGS) with pi/4 scaled alike, and
 * the sine doubled back up: sin 2a = 2 sin a cos a, cos 2a = (cos a - sin a)(cos a + sin a). */
#define SNAKE_HALVINGS 8
static double snake_grad(double x, double f)
{
    int k = 0;
    double fk = f;
    while (!isfinite(fk * x) && k < SNAKE_HALVINGS) {
        fk *= 0.5;
        k++;
    }
    double p = fk * x;
    double e = prod_err(fk, x, p);
    double lo, hi = two_sum(p, ldexp(PI4_HI, -k), &lo);
    lo += ldexp(PI4_LO, -k) + e;
    double sh = sin(hi), ch = cos(hi), sl = sin(lo), cl = cos(lo);
    double sn = sh * cl + ch * sl;
    double cs = ch * cl - sh * sl;
    for (; k > 0; k--) {
        double s2 = 2.0 * sn * cs;
        cs = (cs - sn) * (cs + sn);
        sn = s2;
    }
    return 2.0 * sn * sn;
}

/* ---------------------------------------------------------------- piecewise functions */

/* rrelu at inference: leaky_relu with alpha = (lower + upper)/2, formed without overflow. */
static double rrelu_alpha(const double *p)
{
    double s = p[0] + p[1];
    return isfinite(s) ? 0.5 * s : 0.5 * p[0] + 0.5 * p[1];
}

static double leaky(double x, double alpha)
{
    return x >= 0 ? x : alpha * x;
}

/* ---------------------------------------------------------------- dispatch */

/* One loop per function, so the switch runs once per array, not once per element. */
#define MAP(expr)                                                                                  \
    for (size_t i = 0; i < n; i++) {                                                               \
        double x = xs[i];                                                                          \
        ys[i] = (expr);                                                                            \
    }                                                                                              \
    break

void activ_math_forward(activ_fn_id id, const double *p, const double *xs, double *ys, size_t n)
{
    switch (id) {
        case ACTIV_FN_BINARY_STEP:
            MAP(x >= p[0] ? 1.0 : 0.0);
        case ACTIV_FN_LINEAR:
            MAP(p[0] * x);
        case ACTIV_FN_SIGMOID:
            MAP(sigmoid2(x, 0.0, NULL));
        case ACTIV_FN_TANH:
            MAP(tanh(x));
        case ACTIV_FN_RELU:
            MAP(x > 0 ? x : 0.0);
        case ACTIV_FN_LEAKY_RELU:
        case ACTIV_FN_PRELU:
            MAP(leaky(x, p[0]));
        case ACTIV_FN_ELU:
            MAP(elu(x, p[0]));
        case ACTIV_FN_SELU:
            MAP(x > 0 ? SELU_SCALE * x : SELU_SA * expm1(x));
        case ACTIV_FN_CELU:
            MAP(celu(x, p[0]));
        case ACTIV_FN_GELU:
            if (p[0] != 0.0) {
                MAP(gelu_tanh(x));
            }
            MAP(gelu(x));
        case ACTIV_FN_SILU:
            MAP(silu(x, p[0]));
        case ACTIV_FN_MISH:
            MAP(mish(x));
        case ACTIV_FN_SOFTPLUS:
            MAP(softplus(x, p[0], p[1]));
        case ACTIV_FN_SOFTSIGN:
            MAP(x / (1.0 + fabs(x)));
        case ACTIV_FN_HARDTANH:
            MAP(x < p[0] ? p[0] : (x > p[1] ? p[1] : x));
        case ACTIV_FN_RELU6:
            MAP(x < 0 ? 0.0 : (x > 6.0 ? 6.0 : x));
        case ACTIV_FN_HARDSIGMOID:
            MAP(x <= -3.0 ? 0.0 : (x >= 3.0 ? 1.0 : (x + 3.0) / 6.0));
        case ACTIV_FN_HARDSWISH:
            MAP(x <= -3.0 ? 0.0 : (x >= 3.0 ? x : x * (x + 3.0) / 6.0));
        case ACTIV_FN_LOG_SIGMOID:
            MAP(log_sigmoid(x));
        case ACTIV_FN_TANHSHRINK:
            MAP(tanhshrink(x));
        case ACTIV_FN_SOFTSHRINK:
            MAP(x > p[0] ? x - p[0] : (x < -p[0] ? x + p[0] : 0.0));
        case ACTIV_FN_HARDSHRINK:
            MAP(fabs(x) > p[0] ? x : 0.0);
        case ACTIV_FN_THRESHOLD:
            MAP(x > p[0] ? x : p[1]);
        case ACTIV_FN_RRELU: {
            double a = rrelu_alpha(p);
            MAP(leaky(x, a));
        }
        case ACTIV_FN_SQUAREPLUS:
            MAP(squareplus(x, p[0]));
        case ACTIV_FN_SPARSE_PLUS:
            MAP(x <= -1.0 ? 0.0 : (x >= 1.0 ? x : 0.25 * ((x + 1.0) * (x + 1.0))));
        case ACTIV_FN_SPARSE_SIGMOID:
            MAP(x <= -1.0 ? 0.0 : (x >= 1.0 ? 1.0 : 0.5 * (x + 1.0)));
        case ACTIV_FN_EXPONENTIAL:
            MAP(exp(x));
        case ACTIV_FN_LISHT:
            MAP(x * tanh(x));
        case ACTIV_FN_SNAKE:
            MAP(snake(x, p[0]));
        default:
            ACTIV_MATH_UNREACHABLE;
    }
}

void activ_math_derivative(activ_fn_id id, const double *p, const double *xs, double *ys, size_t n)
{
    switch (id) {
        case ACTIV_FN_BINARY_STEP:
            MAP(((void)x, 0.0));
        case ACTIV_FN_LINEAR:
            MAP(((void)x, p[0]));
        case ACTIV_FN_SIGMOID:
            MAP(activ_math_sigmoid_grad(x));
        case ACTIV_FN_TANH:
            MAP(sech2(x));
        case ACTIV_FN_RELU:
            MAP(x > 0 ? 1.0 : 0.0);
        case ACTIV_FN_LEAKY_RELU:
        case ACTIV_FN_PRELU:
            MAP(x > 0 ? 1.0 : p[0]);
        case ACTIV_FN_ELU:
            MAP(elu_grad(x, p[0]));
        case ACTIV_FN_SELU:
            MAP(x > 0 ? SELU_SCALE : exp_mul(SELU_SA, x));
        case ACTIV_FN_CELU:
            MAP(celu_grad(x, p[0]));
        case ACTIV_FN_GELU:
            if (p[0] != 0.0) {
                MAP(gelu_tanh_grad(x));
            }
            MAP(gelu_grad(x));
        case ACTIV_FN_SILU:
            MAP(silu_grad(x, p[0]));
        case ACTIV_FN_MISH:
            MAP(mish_grad(x));
        case ACTIV_FN_SOFTPLUS:
            MAP(softplus_grad(x, p[0], p[1]));
        case ACTIV_FN_SOFTSIGN:
            MAP(softsign_grad(x));
        case ACTIV_FN_HARDTANH:
            MAP(x > p[0] && x < p[1] ? 1.0 : 0.0);
        case ACTIV_FN_RELU6:
            MAP(x > 0 && x < 6.0 ? 1.0 : 0.0);
        case ACTIV_FN_HARDSIGMOID:
            MAP(x > -3.0 && x < 3.0 ? 1.0 / 6.0 : 0.0);
        case ACTIV_FN_HARDSWISH:
            /* x/3 + 1/2 = (2x + 3)/6; 2x + 3 is exact near the root at -1.5 (Sterbenz) */
            MAP(x <= -3.0 ? 0.0 : (x >= 3.0 ? 1.0 : (2.0 * x + 3.0) / 6.0));
        case ACTIV_FN_LOG_SIGMOID:
            MAP(sigmoid2(-x, 0.0, NULL));
        case ACTIV_FN_TANHSHRINK:
            MAP(tanh(x) * tanh(x));
        case ACTIV_FN_SOFTSHRINK:
        case ACTIV_FN_HARDSHRINK:
            MAP(fabs(x) > p[0] ? 1.0 : 0.0);
        case ACTIV_FN_THRESHOLD:
            MAP(x > p[0] ? 1.0 : 0.0);
        case ACTIV_FN_RRELU: {
            double a = rrelu_alpha(p);
            MAP(x > 0 ? 1.0 : a);
        }
        case ACTIV_FN_SQUAREPLUS:
            MAP(squareplus_grad(x, p[0]));
        case ACTIV_FN_SPARSE_PLUS:
            MAP(x <= -1.0 ? 0.0 : (x >= 1.0 ? 1.0 : 0.5 * (x + 1.0)));
        case ACTIV_FN_SPARSE_SIGMOID:
            MAP(x > -1.0 && x < 1.0 ? 0.5 : 0.0);
        case ACTIV_FN_EXPONENTIAL:
            MAP(exp(x));
        case ACTIV_FN_LISHT:
            MAP(lisht_grad(x));
        case ACTIV_FN_SNAKE:
            MAP(snake_grad(x, p[0]));
        default:
            ACTIV_MATH_UNREACHABLE;
    }
}

double activ_math_f(activ_fn_id id, const double *p, double x)
{
    double y;
    activ_math_forward(id, p, &x, &y, 1);
    return y;
}

double activ_math_df(activ_fn_id id, const double *p, double x)
{
    double d;
    activ_math_derivative(id, p, &x, &d, 1);
    return d;
}
