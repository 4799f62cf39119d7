/* eval.h -- apply a bound catalog function to a vector or a batch: values, derivatives, VJPs */
#ifndef ACTIV_EVAL_H
#define ACTIV_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "activ/catalog.h"
#include "activ/params.h"
#include "activ/status.h"

/* Caps checked before any allocation. A Jacobian has rows * out_cols * cols cells. */
#define ACTIV_EVAL_MAX_JACOBIAN_CELLS ((size_t)1 << 20)

/* ---------------------------------------------------------------- evaluation */

/* The input: `rows` rows of `cols` values, row-major. `batched` says whether the request
 * held a matrix (paths "/x/r/c") or a single vector (paths "/x/c", rows = 1). */
typedef struct activ_shape {
    size_t rows, cols;
    bool batched;
} activ_shape;

/* Checks that fn accepts the shape (glu: even rows; maxout: divisible rows or d = w_cols;
 * prelu: one alpha per feature) and stores the output row length in *out_cols.
 * Fails with ACTIV_E_REQUEST (path "/x") or ACTIV_E_PARAMS (path "/params/..."). */
ACTIV_NODISCARD activ_status activ_eval_check(const activ_bound_fn *fn, activ_shape s,
                                              size_t *out_cols, activ_error *err);

/* y (rows * out_cols values) = f(x). Caller owns x and y. On a result that is not finite,
 * fails with ACTIV_E_NONFINITE naming the element (elementwise) or row (row-wise); y is then
 * unspecified. ACTIV_E_NOMEM when scratch memory (row-wise, one row) cannot be had.
 * Thread-safe. The shape must have passed activ_eval_check. */
ACTIV_NODISCARD activ_status activ_eval_forward(const activ_bound_fn *fn, activ_shape s,
                                                const double *x, double *y, activ_error *err);

/* Elementwise functions only: d (rows * cols) = f'(x), PyTorch's choice at kinks. */
ACTIV_NODISCARD activ_status activ_eval_derivative(const activ_bound_fn *fn, activ_shape s,
                                                   const double *x, double *d, activ_error *err);

/* The number of cells activ_eval_jacobian would write (rows * out_cols * cols), checked
 * against ACTIV_EVAL_MAX_JACOBIAN_CELLS: fails with ACTIV_E_LIMIT beyond it, or with the
 * errors of activ_eval_check. Lets a caller size the buffer before allocating. */
ACTIV_NODISCARD activ_status activ_eval_jacobian_cells(const activ_bound_fn *fn, activ_shape s,
                                                       size_t *cells, activ_error *err);

/* Row-wise functions only: one out_cols x cols Jacobian per row, rows after each other
 * in jac. Fails with ACTIV_E_LIMIT beyond ACTIV_EVAL_MAX_JACOBIAN_CELLS cells. */
ACTIV_NODISCARD activ_status activ_eval_jacobian(const activ_bound_fn *fn, activ_shape s,
                                                 const double *x, double *jac, activ_error *err);

/* gx (rows * cols) = g^T J row by row, g holding rows * out_cols upstream gradients: what
 * autograd's backward returns. A non-finite g fails with ACTIV_E_REQUEST at
 * "/grad_output/..."; a non-finite result with ACTIV_E_NONFINITE. */
ACTIV_NODISCARD activ_status activ_eval_vjp(const activ_bound_fn *fn, activ_shape s,
                                            const double *x, const double *g, double *gx,
                                            activ_error *err);

/* prelu only: d (rows * cols) = dy/dalpha = x where x <= 0, else 0. */
ACTIV_NODISCARD activ_status activ_eval_prelu_dalpha(const activ_bound_fn *fn, activ_shape s,
                                                     const double *x, double *d, activ_error *err);

/* prelu only: the gradient with respect to alpha, summed like autograd: n_alpha values (one
 * per feature) when alpha is per feature, else one. g holds rows * cols values. */
ACTIV_NODISCARD activ_status activ_eval_prelu_grad_alpha(const activ_bound_fn *fn, activ_shape s,
                                                         const double *x, const double *g,
                                                         double *galpha, activ_error *err);

/* Number of values activ_eval_prelu_grad_alpha writes. */
size_t activ_eval_prelu_alpha_count(const activ_bound_fn *fn);

#endif
