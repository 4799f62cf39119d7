/* eval.c -- apply a catalog function to a vector or batch: shapes, dispatch, VJPs (core: libc+libm)
 */
#include "activ/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "activ/math.h"
#include "activ/rowwise.h"

static bool is_rowwise(const activ_bound_fn *fn)
{
    return fn->entry->kind == ACTIV_KIND_ROWWISE;
}

static bool is_prelu_vec(const activ_bound_fn *fn)
{
    return fn->entry->id == ACTIV_FN_PRELU && fn->alpha != NULL;
}

/* "/x/3" or "/x/2/5" for element (r, c); "/x" or "/x/2" for a whole row when c is SIZE_MAX. */
#define WHOLE_ROW ((size_t)-1)
static void element_path(char *buf, size_t size, const char *root, activ_shape s, size_t r,
                         size_t c)
{
    if (c == WHOLE_ROW) {
        if (s.batched)
            snprintf(buf, size, "%s/%zu", root, r);
        else
            snprintf(buf, size, "%s", root);
    } else if (s.batched) {
        snprintf(buf, size, "%s/%zu/%zu", root, r, c);
    } else {
        snprintf(buf, size, "%s/%zu", root, c);
    }
}

/* Fails with ACTIV_E_NONFINITE at the first value of v (rows x cols) that is not finite.
 * For elementwise results the element is named; for row-wise ones, the row. */
static activ_status check_finite(const activ_bound_fn *fn, activ_shape s, const double *x,
                                 const double *v, size_t cols, const char *what, activ_error *err)
{
    size_t n = s.rows * cols;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i]))
            continue;
        char path[64];
        size_t r = i / cols, c = i % cols;
        if (is_rowwise(fn) || cols != s.cols) {
            element_path(path, sizeof path, "/x", s, r, WHOLE_ROW);
            return activ_error_set(err, ACTIV_E_NONFINITE, path,
                                   "%s of %s is not a finite number for the row at %s", what,
                                   fn->entry->name, path);
        }
        element_path(path, sizeof path, "/x", s, r, c);
        return activ_error_set(err, ACTIV_E_NONFINITE, path,
                               "%s of %s at x = %.17g is not a finite number (its magnitude "
                               "exceeds the largest double)",
                               what, fn->entry->name, x[i]);
    }
    return ACTIV_OK;
}

activ_status activ_eval_check(const activ_bound_fn *fn, activ_shape s, size_t *out_cols,
                              activ_error *err)
{
    size_t oc = s.cols;
    if (s.rows == 0 || s.cols == 0)
        return activ_error_set(err, ACTIV_E_REQUEST, "/x", "x must not be empty");
    switch (fn->entry->id) {
        case ACTIV_FN_PRELU:
            if (fn->alpha && fn->n_alpha != s.cols)
                return activ_error_set(err, ACTIV_E_PARAMS, "/params/alpha",
                                       "prelu has %zu alphas but the last axis of x has %zu "
                                       "features; give one alpha per feature, or one number",
                                       fn->n_alpha, s.cols);
            break;
        case ACTIV_FN_GLU:
            if (s.cols % 2 != 0)
                return activ_error_set(err, ACTIV_E_REQUEST, "/x",
                                       "glu splits each row in two halves, so the row length "
                                       "must be even (got %zu)",
                                       s.cols);
            oc = s.cols / 2;
            break;
        case ACTIV_FN_CRELU:
            if (!activ_size_mul(s.cols, 2, &oc))
                return activ_error_set(err, ACTIV_E_LIMIT, "/x", "rows are too long");
            break;
        case ACTIV_FN_MAXOUT:
            if (fn->k) {
                if (s.cols % fn->k != 0)
                    return activ_error_set(err, ACTIV_E_REQUEST, "/x",
                                           "maxout groups %zu consecutive values, so the row "
                                           "length must divide by k (got %zu)",
                                           fn->k, s.cols);
                oc = s.cols / fn->k;
            } else {
                if (fn->w_cols != s.cols)
                    return activ_error_set(err, ACTIV_E_PARAMS, "/params/weights",
                                           "maxout weights have %zu columns but rows of x have "
                                           "%zu values; they must match",
                                           fn->w_cols, s.cols);
                oc = 1;
            }
            break;
        default:
            break;
    }
    *out_cols = oc;
    return ACTIV_OK;
}

/* Scratch for the row-wise kernels, one row's worth, allocated once per call. */
static activ_status scratch_new(activ_shape s, double **out, activ_error *err)
{
    size_t n;
    if (!activ_size_mul(s.cols, 3 * sizeof(double), &n))
        return activ_error_set(err, ACTIV_E_LIMIT, "/x", "rows are too long");
    *out = malloc(n);
    if (!*out)
        return activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory for a row of %zu values",
                               s.cols);
    return ACTIV_OK;
}

activ_status activ_eval_forward(const activ_bound_fn *fn, activ_shape s, const double *x, double *y,
                                activ_error *err)
{
    size_t oc;
    activ_status st = activ_eval_check(fn, s, &oc, err);
    if (st != ACTIV_OK)
        return st;
    if (is_rowwise(fn)) {
        double *scratch;
        st = scratch_new(s, &scratch, err);
        if (st != ACTIV_OK)
            return st;
        for (size_t r = 0; r < s.rows; r++)
            activ_rowwise_forward(fn, x + r * s.cols, s.cols, y + r * oc, scratch);
        free(scratch);
    } else if (is_prelu_vec(fn)) {
        for (size_t r = 0; r < s.rows; r++)
            for (size_t c = 0; c < s.cols; c++) {
                double v = x[r * s.cols + c];
                y[r * s.cols + c] = v >= 0 ? v : fn->alpha[c] * v;
            }
    } else {
        activ_math_forward(fn->entry->id, fn->p, x, y, s.rows * s.cols);
    }
    return check_finite(fn, s, x, y, oc, "the value", err);
}

activ_status activ_eval_derivative(const activ_bound_fn *fn, activ_shape s, const double *x,
                                   double *d, activ_error *err)
{
    size_t oc;
    activ_status st = activ_eval_check(fn, s, &oc, err);
    if (st != ACTIV_OK)
        return st;
    if (is_rowwise(fn))
        return activ_error_set(err, ACTIV_E_REQUEST, "",
                               "%s is row-wise: ask for its Jacobian, not elementwise "
                               "derivatives",
                               fn->entry->name);
    if (is_prelu_vec(fn)) {
        for (size_t r = 0; r < s.rows; r++)
            for (size_t c = 0; c < s.cols; c++)
                d[r * s.cols + c] = x[r * s.cols + c] > 0 ? 1.0 : fn->alpha[c];
    } else {
        activ_math_derivative(fn->entry->id, fn->p, x, d, s.rows * s.cols);
    }
    return check_finite(fn, s, x, d, s.cols, "the derivative", err);
}

activ_status activ_eval_jacobian_cells(const activ_bound_fn *fn, activ_shape s, size_t *cells,
                                       activ_error *err)
{
    size_t oc, per_row, n;
    activ_status st = activ_eval_check(fn, s, &oc, err);
    if (st != ACTIV_OK)
        return st;
    if (!is_rowwise(fn))
        return activ_error_set(err, ACTIV_E_REQUEST, "",
                               "%s is elementwise: its Jacobian is diagonal; ask for dy_dx",
                               fn->entry->name);
    if (!activ_size_mul(oc, s.cols, &per_row) || !activ_size_mul(per_row, s.rows, &n) ||
        n > ACTIV_EVAL_MAX_JACOBIAN_CELLS)
        return activ_error_set(err, ACTIV_E_LIMIT, "/x",
                               "the Jacobians would have more than %zu cells; send fewer or "
                               "shorter rows, or ask for grad_input with grad_output instead",
                               (size_t)ACTIV_EVAL_MAX_JACOBIAN_CELLS);
    *cells = n;
    return ACTIV_OK;
}

activ_status activ_eval_jacobian(const activ_bound_fn *fn, activ_shape s, const double *x,
                                 double *jac, activ_error *err)
{
    size_t cells;
    activ_status st = activ_eval_jacobian_cells(fn, s, &cells, err);
    if (st != ACTIV_OK)
        return st;
    size_t per_row = cells / s.rows;
    double *scratch;
    st = scratch_new(s, &scratch, err);
    if (st != ACTIV_OK)
        return st;
    for (size_t r = 0; r < s.rows; r++)
        activ_rowwise_jacobian(fn, x + r * s.cols, s.cols, jac + r * per_row, scratch);
    free(scratch);
    activ_shape js = {s.rows, per_row, s.batched};
    return check_finite(fn, js, x, jac, per_row, "the Jacobian", err);
}

activ_status activ_eval_vjp(const activ_bound_fn *fn, activ_shape s, const double *x,
                            const double *g, double *gx, activ_error *err)
{
    size_t oc;
    activ_status st = activ_eval_check(fn, s, &oc, err);
    if (st != ACTIV_OK)
        return st;
    for (size_t i = 0; i < s.rows * oc; i++) {
        if (!isfinite(g[i])) {
            char path[64];
            element_path(path, sizeof path, "/grad_output", s, i / oc, i % oc);
            return activ_error_set(err, ACTIV_E_REQUEST, path,
                                   "grad_output must hold finite numbers");
        }
    }
    if (is_rowwise(fn)) {
        double *scratch;
        st = scratch_new(s, &scratch, err);
        if (st != ACTIV_OK)
            return st;
        for (size_t r = 0; r < s.rows; r++)
            activ_rowwise_vjp(fn, x + r * s.cols, s.cols, g + r * oc, gx + r * s.cols, scratch);
        free(scratch);
    } else {
        st = activ_eval_derivative(fn, s, x, gx, err);
        if (st != ACTIV_OK)
            return st;
        for (size_t i = 0; i < s.rows * s.cols; i++)
            gx[i] *= g[i];
    }
    return check_finite(fn, s, x, gx, s.cols, "grad_input", err);
}

activ_status activ_eval_prelu_dalpha(const activ_bound_fn *fn, activ_shape s, const double *x,
                                     double *d, activ_error *err)
{
    if (fn->entry->id != ACTIV_FN_PRELU)
        return activ_error_set(err, ACTIV_E_REQUEST, "", "dy/dalpha is defined for prelu only");
    size_t oc;
    activ_status st = activ_eval_check(fn, s, &oc, err);
    if (st != ACTIV_OK)
        return st;
    for (size_t i = 0; i < s.rows * s.cols; i++)
        d[i] = x[i] > 0 ? 0.0 : x[i];
    return ACTIV_OK;
}

size_t activ_eval_prelu_alpha_count(const activ_bound_fn *fn)
{
    return fn->alpha ? fn->n_alpha : 1;
}

activ_status activ_eval_prelu_grad_alpha(const activ_bound_fn *fn, activ_shape s, const double *x,
                                         const double *g, double *galpha, activ_error *err)
{
    if (fn->entry->id != ACTIV_FN_PRELU)
        return activ_error_set(err, ACTIV_E_REQUEST, "", "grad_alpha is defined for prelu only");
    size_t oc;
    activ_status st = activ_eval_check(fn, s, &oc, err);
    if (st != ACTIV_OK)
        return st;
    size_t na = activ_eval_prelu_alpha_count(fn);
    for (size_t a = 0; a < na; a++)
        galpha[a] = 0.0;
    for (size_t r = 0; r < s.rows; r++)
        for (size_t c = 0; c < s.cols; c++) {
            double v = x[r * s.cols + c];
            if (v <= 0)
                galpha[fn->alpha ? c : 0] += g[r * s.cols + c] * v;
        }
    for (size_t a = 0; a < na; a++)
        if (!isfinite(galpha[a]))
            return activ_error_set(err, ACTIV_E_NONFINITE, "/params/alpha",
                                   "grad_alpha of prelu is not a finite number");
    return ACTIV_OK;
}
