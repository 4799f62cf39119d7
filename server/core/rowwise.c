/* rowwise.c -- softmax, log_softmax, softmin, sparsemax, glu, crelu, maxout (core: libc+libm) */
#include "activ/rowwise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "activ/math.h"

/* ---------------------------------------------------------------- exact arithmetic helpers */

/* a - b = hi + *lo exactly (Knuth's two-sum); *lo = 0 when hi is not finite. */
static double two_diff(double a, double b, double *lo)
{
    double s = a - b;
    if (!isfinite(s)) {
        *lo = 0.0;
        return s;
    }
    double bb = s - a;
    *lo = (a - (s - bb)) + (-b - bb);
    return s;
}

/* Neumaier's compensated sum: the error does not grow with the number of terms. */
typedef struct ksum {
    double s, c;
} ksum;

static void ksum_add(ksum *k, double v)
{
    double t = k->s + v;
    if (fabs(k->s) >= fabs(v))
        k->c += (k->s - t) + v;
    else
        k->c += (v - t) + k->s;
    k->s = t;
}

static double ksum_get(const ksum *k)
{
    return k->s + k->c;
}

/* Ogita-Rump-Oishi Dot2: w . x + b as if computed in twice the precision, then rounded.
 * `scale` (a power of 2) multiplies x and b first, so huge terms need not overflow. */
static double dot2_scaled(const double *w, const double *x, size_t n, double b, double scale)
{
    double p = b * scale, s = 0.0;
    for (size_t j = 0; j < n; j++) {
        double xj = x[j] * scale;
        double h = w[j] * xj;
        double r = fma(w[j], xj, -h);
        double t = p + h;
        double bb = t - p;
        double q = (p - (t - bb)) + (h - bb);
        p = t;
        s += q + r;
    }
    return p + s;
}

/* Products near DBL_MAX overflow on the way even when the sum does not: retry those scaled
 * down by 2^-64 (exact), and scale the sum back up. */
static double dot2(const double *w, const double *x, size_t n, double b)
{
    double v = dot2_scaled(w, x, n, b, 1.0);
    if (isfinite(v))
        return v;
    return dot2_scaled(w, x, n, b, 0x1p-64) * 0x1p64;
}

/* ---------------------------------------------------------------- softmax family */

/* The shared part of softmax, log_softmax and softmin on z' = sign * z:
 * e[i] = e^(z'_i - max) with the difference carried exactly (hi + lo, so e^(hi) (1 + lo):
 * otherwise e[i] far below the max would lose ~|z' - max| * 2^-53 of relative accuracy),
 * rest = sum of e over all but the first maximal entry (so sum = 1 + rest, and
 * log(sum) = log1p(rest) keeps small rests exact). When diff is not NULL it receives the
 * differences: hi in diff[0..n), lo in diff[n..2n). */
typedef struct softmax_row {
    size_t imax;
    double rest, sum;
} softmax_row;

static softmax_row softmax_prepare(const double *z, size_t n, double sign, double *e, double *diff)
{
    softmax_row r = {0, 0.0, 0.0};
    double m = sign * z[0];
    for (size_t i = 1; i < n; i++) {
        if (sign * z[i] > m) {
            m = sign * z[i];
            r.imax = i;
        }
    }
    ksum rest = {0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        double lo, hi = two_diff(sign * z[i], m, &lo);
        e[i] = exp(hi) * (1.0 + lo);
        if (diff) {
            diff[i] = hi;
            diff[n + i] = lo;
        }
        if (i != r.imax)
            ksum_add(&rest, e[i]);
    }
    r.rest = ksum_get(&rest);
    r.sum = 1.0 + r.rest;
    return r;
}

/* 1 - s_i = (sum of e over j != i) / sum, without the cancellation of 1 - s_i: for the max
 * it is rest; for any other i, e_i <= 1 and sum - e_i >= 1 > sum/2 is exact enough. */
static double softmax_comp(const softmax_row *r, const double *e, size_t i)
{
    double others = i == r->imax ? r->rest : r->sum - e[i];
    return others / r->sum;
}

static void softmax_forward(const double *z, size_t n, double sign, double *y, double *scratch)
{
    softmax_row r = softmax_prepare(z, n, sign, scratch, NULL);
    for (size_t i = 0; i < n; i++)
        y[i] = scratch[i] / r.sum;
}

/* log_softmax: y_i = (z_i - max) - log1p(rest); both parts are <= 0, so nothing cancels. */
static void log_softmax_forward(const double *z, size_t n, double *y, double *scratch)
{
    softmax_row r = softmax_prepare(z, n, 1.0, scratch, scratch + n);
    double lse = log1p(r.rest);
    for (size_t i = 0; i < n; i++)
        y[i] = (scratch[n + i] - lse) + scratch[2 * n + i];
}

/* J_ij = s_i (delta_ij - s_j); softmin (sign -1) negates it. */
static void softmax_jacobian(const double *z, size_t n, double sign, double *jac, double *e)
{
    softmax_row r = softmax_prepare(z, n, sign, e, NULL);
    for (size_t i = 0; i < n; i++) {
        double si = e[i] / r.sum;
        for (size_t j = 0; j < n; j++) {
            double v = i == j ? si * softmax_comp(&r, e, i) : -si * (e[j] / r.sum);
            jac[i * n + j] = sign * v;
        }
    }
}

/* J_ij = delta_ij - s_j */
static void log_softmax_jacobian(const double *z, size_t n, double *jac, double *e)
{
    softmax_row r = softmax_prepare(z, n, 1.0, e, NULL);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            jac[i * n + j] = i == j ? softmax_comp(&r, e, i) : -(e[j] / r.sum);
}

/* softmax: gx_i = s_i (g_i - g.s); softmin: the negation, with s = softmin(z). */
/* For the dominant entry (s close to 1), g_i - g.s cancels; it equals
 * g_i (1 - s_i) - sum over j != i of g_j s_j, which does not. */
static void softmax_vjp(const double *z, size_t n, double sign, const double *g, double *gx,
                        double *e)
{
    softmax_row r = softmax_prepare(z, n, sign, e, NULL);
    ksum others = {0.0, 0.0};
    for (size_t j = 0; j < n; j++)
        if (j != r.imax)
            ksum_add(&others, g[j] * (e[j] / r.sum));
    double o = ksum_get(&others);
    double si = e[r.imax] / r.sum;
    double d = o + g[r.imax] * si;
    for (size_t i = 0; i < n; i++) {
        double diff = i == r.imax ? g[i] * softmax_comp(&r, e, i) - o : g[i] - d;
        gx[i] = sign * ((e[i] / r.sum) * diff);
    }
}

/* log_softmax: gx_i = g_i - s_i sum(g) */
/* For the dominant entry, g_i (1 - s_i) - s_i (sum of the other g) avoids the cancellation. */
static void log_softmax_vjp(const double *z, size_t n, const double *g, double *gx, double *e)
{
    softmax_row r = softmax_prepare(z, n, 1.0, e, NULL);
    ksum others = {0.0, 0.0};
    for (size_t j = 0; j < n; j++)
        if (j != r.imax)
            ksum_add(&others, g[j]);
    double o = ksum_get(&others);
    double t = o + g[r.imax];
    for (size_t i = 0; i < n; i++) {
        double si = e[i] / r.sum;
        gx[i] = i == r.imax ? g[i] * softmax_comp(&r, e, i) - si * o : g[i] - si * t;
    }
}

/* ---------------------------------------------------------------- sparsemax */

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* sparsemax(z) = max(z - tau, 0) with tau such that the result sums to 1 (Martins and
 * Astudillo 2016, Algorithm 1): sort z descending, the support is the largest k with
 * 1 + k z_(k) > z_(1) + ... + z_(k), tau = (z_(1) + ... + z_(k) - 1) / k.
 * The sum is compensated and tau kept as hi + lo, so that y_i = (z_i - tau_hi) - tau_lo is
 * accurate even for entries just inside the support. Rows whose sum would overflow are
 * shifted by their max first (sparsemax is shift-invariant). */
static void sparsemax_tau(const double *z, size_t n, double *sorted, double tau[3])
{
    memcpy(sorted, z, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_desc);
    double shift = fabs(sorted[0]) > 1e300 ? sorted[0] : 0.0;
    ksum s = {0.0, 0.0};
    size_t k = 0;
    double s_hi = 0.0, s_lo = 0.0;
    for (size_t j = 0; j < n; j++) {
        double v = sorted[j] - shift;
        ksum_add(&s, v);
        if (1.0 + (double)(j + 1) * v > ksum_get(&s)) {
            k = j + 1;
            s_hi = s.s;
            s_lo = s.c;
        }
    }
    /* (s_hi + s_lo - 1) / k as hi + lo */
    double t_lo, t_hi = two_diff(s_hi, 1.0, &t_lo);
    t_lo += s_lo;
    double kd = (double)k;
    double q = t_hi / kd;
    tau[0] = shift;
    tau[1] = q;
    tau[2] = (fma(-q, kd, t_hi) + t_lo) / kd;
}

/* z_i - tau, with tau as computed by sparsemax_tau. */
static double sparsemax_value(double z, const double tau[3])
{
    return ((z - tau[0]) - tau[1]) - tau[2];
}

static void sparsemax_forward(const double *z, size_t n, double *y, double *scratch)
{
    double tau[3];
    sparsemax_tau(z, n, scratch, tau);
    for (size_t i = 0; i < n; i++) {
        double v = sparsemax_value(z[i], tau);
        y[i] = v > 0 ? v : 0.0;
    }
}

/* The support indicator in m (1 or 0), returning |S|. */
static size_t sparsemax_support(const double *z, size_t n, double *m, double *scratch)
{
    double tau[3];
    size_t k = 0;
    sparsemax_tau(z, n, scratch, tau);
    for (size_t i = 0; i < n; i++) {
        m[i] = sparsemax_value(z[i], tau) > 0 ? 1.0 : 0.0;
        k += m[i] != 0.0;
    }
    return k;
}

/* J = diag(m) - m m^T / |S| */
static void sparsemax_jacobian(const double *z, size_t n, double *jac, double *scratch)
{
    double *m = scratch + n;
    double inv = 1.0 / (double)sparsemax_support(z, n, m, scratch);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            jac[i * n + j] = m[i] * ((i == j ? 1.0 : 0.0) - m[j] * inv);
}

/* gx_i = m_i (g_i - mean of g over the support) */
static void sparsemax_vjp(const double *z, size_t n, const double *g, double *gx, double *scratch)
{
    double *m = scratch + n;
    size_t k = sparsemax_support(z, n, m, scratch);
    ksum s = {0.0, 0.0};
    for (size_t i = 0; i < n; i++)
        if (m[i] != 0.0)
            ksum_add(&s, g[i]);
    double mean = ksum_get(&s) / (double)k;
    for (size_t i = 0; i < n; i++)
        gx[i] = m[i] != 0.0 ? g[i] - mean : 0.0;
}

/* ---------------------------------------------------------------- maxout */

/* The index of the first maximal element of v[0..n). */
static size_t argmax(const double *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* Affine maxout: the index of the first maximal piece w_i . x + b_i; its value in *val. */
static size_t maxout_piece(const activ_bound_fn *fn, const double *x, double *val)
{
    size_t best = 0;
    double bv = 0.0;
    for (size_t i = 0; i < fn->w_rows; i++) {
        double v = dot2(fn->weights + i * fn->w_cols, x, fn->w_cols, fn->bias ? fn->bias[i] : 0.0);
        if (i == 0 || v > bv || isnan(v)) {
            best = i;
            bv = v;
            if (isnan(v))
                break;
        }
    }
    *val = bv;
    return best;
}

/* ---------------------------------------------------------------- dispatch */

void activ_rowwise_forward(const activ_bound_fn *fn, const double *x, size_t n, double *y,
                           double *scratch)
{
    switch (fn->entry->id) {
        case ACTIV_FN_SOFTMAX:
            softmax_forward(x, n, 1.0, y, scratch);
            break;
        case ACTIV_FN_SOFTMIN:
            softmax_forward(x, n, -1.0, y, scratch);
            break;
        case ACTIV_FN_LOG_SOFTMAX:
            log_softmax_forward(x, n, y, scratch);
            break;
        case ACTIV_FN_SPARSEMAX:
            sparsemax_forward(x, n, y, scratch);
            break;
        case ACTIV_FN_GLU:
            for (size_t i = 0; i < n / 2; i++)
                y[i] = x[i] * activ_math_sigmoid(x[n / 2 + i]);
            break;
        case ACTIV_FN_CRELU:
            for (size_t i = 0; i < n; i++) {
                y[i] = x[i] > 0 ? x[i] : 0.0;
                y[n + i] = x[i] < 0 ? -x[i] : 0.0;
            }
            break;
        case ACTIV_FN_MAXOUT:
            if (fn->k) {
                for (size_t j = 0; j < n / fn->k; j++)
                    y[j] = x[j * fn->k + argmax(x + j * fn->k, fn->k)];
            } else {
                (void)maxout_piece(fn, x, &y[0]);
            }
            break;
        default:
            ACTIV_ASSERT(!"not a row-wise function");
    }
}

void activ_rowwise_jacobian(const activ_bound_fn *fn, const double *x, size_t n, double *jac,
                            double *scratch)
{
    switch (fn->entry->id) {
        case ACTIV_FN_SOFTMAX:
            softmax_jacobian(x, n, 1.0, jac, scratch);
            break;
        case ACTIV_FN_SOFTMIN:
            softmax_jacobian(x, n, -1.0, jac, scratch);
            break;
        case ACTIV_FN_LOG_SOFTMAX:
            log_softmax_jacobian(x, n, jac, scratch);
            break;
        case ACTIV_FN_SPARSEMAX:
            sparsemax_jacobian(x, n, jac, scratch);
            break;
        case ACTIV_FN_GLU: {
            size_t h = n / 2;
            memset(jac, 0, h * n * sizeof *jac);
            for (size_t i = 0; i < h; i++) {
                jac[i * n + i] = activ_math_sigmoid(x[h + i]);
                jac[i * n + h + i] = x[i] * activ_math_sigmoid_grad(x[h + i]);
            }
            break;
        }
        case ACTIV_FN_CRELU:
            memset(jac, 0, 2 * n * n * sizeof *jac);
            for (size_t i = 0; i < n; i++) {
                jac[i * n + i] = x[i] > 0 ? 1.0 : 0.0;
                jac[(n + i) * n + i] = x[i] < 0 ? -1.0 : 0.0;
            }
            break;
        case ACTIV_FN_MAXOUT:
            if (fn->k) {
                size_t groups = n / fn->k;
                memset(jac, 0, groups * n * sizeof *jac);
                for (size_t j = 0; j < groups; j++)
                    jac[j * n + j * fn->k + argmax(x + j * fn->k, fn->k)] = 1.0;
            } else {
                double v;
                size_t i = maxout_piece(fn, x, &v);
                memcpy(jac, fn->weights + i * fn->w_cols, n * sizeof *jac);
            }
            break;
        default:
            ACTIV_ASSERT(!"not a row-wise function");
    }
}

void activ_rowwise_vjp(const activ_bound_fn *fn, const double *x, size_t n, const double *g,
                       double *gx, double *scratch)
{
    switch (fn->entry->id) {
        case ACTIV_FN_SOFTMAX:
            softmax_vjp(x, n, 1.0, g, gx, scratch);
            break;
        case ACTIV_FN_SOFTMIN:
            softmax_vjp(x, n, -1.0, g, gx, scratch);
            break;
        case ACTIV_FN_LOG_SOFTMAX:
            log_softmax_vjp(x, n, g, gx, scratch);
            break;
        case ACTIV_FN_SPARSEMAX:
            sparsemax_vjp(x, n, g, gx, scratch);
            break;
        case ACTIV_FN_GLU: {
            size_t h = n / 2;
            for (size_t i = 0; i < h; i++) {
                gx[i] = g[i] * activ_math_sigmoid(x[h + i]);
                gx[h + i] = g[i] * (x[i] * activ_math_sigmoid_grad(x[h + i]));
            }
            break;
        }
        case ACTIV_FN_CRELU:
            for (size_t i = 0; i < n; i++)
                gx[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[n + i] : 0.0);
            break;
        case ACTIV_FN_MAXOUT:
            if (fn->k) {
                memset(gx, 0, n * sizeof *gx);
                for (size_t j = 0; j < n / fn->k; j++)
                    gx[j * fn->k + argmax(x + j * fn->k, fn->k)] = g[j];
            } else {
                double v;
                size_t i = maxout_piece(fn, x, &v);
                for (size_t j = 0; j < n; j++)
                    gx[j] = g[0] * fn->weights[i * fn->w_cols + j];
            }
            break;
        default:
            ACTIV_ASSERT(!"not a row-wise function");
    }
}
