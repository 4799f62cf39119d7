/* math.h -- scalar kernels of the elementwise activations and their derivatives */
#ifndef ACTIV_MATH_H
#define ACTIV_MATH_H

#include <stddef.h>

#include "activ/catalog.h"

/* Parameters reach the kernels as doubles in the order of the entry's param specs
 * (catalog.c). Encodings of non-numeric ones: gelu `approximate` is 0 (none) or 1 (tanh);
 * softplus `threshold` is NaN when unset. prelu's alpha here is the scalar one; per-feature
 * alpha is applied by eval.c.
 *
 * The kernels are pure functions of (x, p): thread-safe, no allocation, no errors. Where the
 * exact result is not a finite binary64 (e.g. exponential(800)) they return ±inf or NaN, and
 * the caller reports it. Elsewhere they are within 4 ulp of the exact value (tests/data). */

/* y[i] = f(x[i]) for i < n, f = elementwise function `id` (id < ACTIV_FN_FIRST_ROWWISE).
 * x and y may be the same array. */
void activ_math_forward(activ_fn_id id, const double *p, const double *x, double *y, size_t n);

/* d[i] = f'(x[i]) for i < n, with PyTorch's choice at kinks (SPEC section 1). */
void activ_math_derivative(activ_fn_id id, const double *p, const double *x, double *d, size_t n);

/* One element: f(x) and f'(x). */
double activ_math_f(activ_fn_id id, const double *p, double x);
double activ_math_df(activ_fn_id id, const double *p, double x);

/* The logistic sigmoid and its derivative, shared with the row-wise kernels (glu). */
double activ_math_sigmoid(double x);
double activ_math_sigmoid_grad(double x);

#endif
