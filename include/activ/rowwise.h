/* rowwise.h -- per-row kernels of the row-wise activations: values, Jacobians, VJPs */
#ifndef ACTIV_ROWWISE_H
#define ACTIV_ROWWISE_H

#include <stddef.h>

#include "activ/params.h"

/* Doubles of scratch space the kernels below need for a row of `cols` values. */
#define ACTIV_ROWWISE_SCRATCH(cols) (3 * (cols))

/* Each kernel handles one row x of `cols` values (cols already validated by
 * activ_eval_check; `out` = its output length) of the row-wise function fn. `scratch` holds
 * ACTIV_ROWWISE_SCRATCH(cols) doubles. They never allocate and never fail; a result that is
 * not finite shows as ±inf or NaN in the output, for the caller to report. Thread-safe. */

/* y (out values) = f(x). */
void activ_rowwise_forward(const activ_bound_fn *fn, const double *x, size_t cols, double *y,
                           double *scratch);

/* jac (out x cols, row-major) = dy/dx; at ties and kinks the PyTorch convention (maxout:
 * the first maximal element or piece; crelu: 0 at 0; sparsemax: the support excludes
 * entries that land exactly on 0). */
void activ_rowwise_jacobian(const activ_bound_fn *fn, const double *x, size_t cols, double *jac,
                            double *scratch);

/* gx (cols values) = g^T J, g holding `out` values; without forming J. */
void activ_rowwise_vjp(const activ_bound_fn *fn, const double *x, size_t cols, const double *g,
                       double *gx, double *scratch);

#endif
