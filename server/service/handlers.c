/* handlers.c -- POST /evaluate and POST /differentiate: decode, call the core, encode (service) */
#include <stdlib.h>

#include "activ/eval.h"
#include "internal.h"

/* The answer for a core failure, or 503 when building the answer itself ran out of memory. */
static void fail(activ_response *res, const activ_error *err)
{
    activ_service_status_response(res, err);
}

/* Allocates n doubles (n may be 0); ACTIV_E_NOMEM or ACTIV_E_LIMIT in err on failure. */
static double *alloc_doubles(size_t a, size_t b, activ_error *err)
{
    size_t n, bytes;
    if (!activ_size_mul(a, b, &n) || !activ_size_mul(n ? n : 1, sizeof(double), &bytes)) {
        activ_error_set(err, ACTIV_E_LIMIT, "/x", "the result would be too large");
        return NULL;
    }
    double *p = malloc(bytes);
    if (!p)
        activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory for a result of %zu values", n);
    return p;
}

/* {"activation": canonical name, "params": {...}: the start of every answer, left open. */
static void answer_head(activ_out *o, const activ_eval_request *r)
{
    activ_out_text(o, "{\"activation\":");
    activ_out_string(o, r->entry->name);
    activ_out_text(o, ",\"params\":");
    activ_out_params(o, &r->fn);
}

/* Writes ,"key":matrix. */
static void put_matrix(activ_out *o, const char *key, const double *v, size_t rows, size_t cols,
                       bool batched)
{
    activ_out_key(o, key);
    activ_out_matrix(o, v, rows, cols, batched);
}

/* Closes the answer and sends it with 200, or 503 when writing it ran out of memory; records
 * what was evaluated for the metrics. */
static void finish(activ_response *res, activ_out *o, const activ_eval_request *r)
{
    activ_out_raw(o, "}", 1);
    if (!activ_out_finish(o, res, 200)) {
        activ_service_set_overloaded(res);
        return;
    }
    res->activation = (int)r->entry->id;
    res->elements = r->x.rows * r->x.cols;
}

void activ_handlers_evaluate(const activ_service *svc, const activ_request *req,
                             activ_response *res)
{
    (void)svc;
    activ_eval_request r;
    if (!activ_decode_eval(req, false, &r, res))
        return;
    activ_error err;
    activ_shape s = {r.x.rows, r.x.cols, r.x.batched};
    double *y = alloc_doubles(r.x.rows, r.out_cols, &err);
    if (!y || activ_eval_forward(&r.fn, s, r.x.data, y, &err) != ACTIV_OK) {
        fail(res, &err);
    } else {
        /* x is not needed any more: give its memory back before the answer takes its own */
        free(r.x.data);
        r.x.data = NULL;
        activ_out o = {0};
        answer_head(&o, &r);
        put_matrix(&o, "y", y, r.x.rows, r.out_cols, r.x.batched);
        finish(res, &o, &r);
    }
    free(y);
    activ_decode_eval_fini(&r);
}

/* Elementwise: dy_dx; prelu adds dy_dalpha. With grad_output: grad_input (and grad_alpha). */
static activ_status differentiate_elementwise(const activ_eval_request *r, activ_out *o,
                                              activ_error *err)
{
    activ_shape s = {r->x.rows, r->x.cols, r->x.batched};
    size_t na = activ_eval_prelu_alpha_count(&r->fn);
    double *d = alloc_doubles(r->x.rows, r->x.cols, err);
    double *gx = r->grad.data ? alloc_doubles(r->x.rows, r->x.cols, err) : NULL;
    double *galpha = NULL;
    activ_status st = ACTIV_E_NOMEM;
    bool prelu = r->entry->id == ACTIV_FN_PRELU;
    if (!d || (r->grad.data && !gx))
        goto out;
    st = activ_eval_derivative(&r->fn, s, r->x.data, d, err);
    if (st != ACTIV_OK)
        goto out;
    put_matrix(o, "dy_dx", d, r->x.rows, r->x.cols, r->x.batched);
    if (r->grad.data) {
        st = activ_eval_vjp(&r->fn, s, r->x.data, r->grad.data, gx, err);
        if (st != ACTIV_OK)
            goto out;
        put_matrix(o, "grad_input", gx, r->x.rows, r->x.cols, r->x.batched);
    }
    if (prelu) {
        st = activ_eval_prelu_dalpha(&r->fn, s, r->x.data, d, err);
        if (st != ACTIV_OK)
            goto out;
        put_matrix(o, "dy_dalpha", d, r->x.rows, r->x.cols, r->x.batched);
        if (r->grad.data) {
            galpha = alloc_doubles(na, 1, err);
            if (!galpha) {
                st = ACTIV_E_NOMEM;
                goto out;
            }
            st = activ_eval_prelu_grad_alpha(&r->fn, s, r->x.data, r->grad.data, galpha, err);
            if (st != ACTIV_OK)
                goto out;
            activ_out_key(o, "grad_alpha");
            if (r->fn.alpha)
                activ_out_matrix(o, galpha, 1, na, false);
            else
                activ_out_number(o, galpha[0]);
        }
    }
    st = ACTIV_OK;
out:
    free(d);
    free(gx);
    free(galpha);
    return st;
}

/* Row-wise: jacobian (one matrix for a vector input, a list for a batch). With grad_output:
 * grad_input; the Jacobian is then left out when it would exceed the cell cap, since the
 * client has what it needs. */
static activ_status differentiate_rowwise(const activ_eval_request *r, activ_out *o,
                                          activ_error *err)
{
    activ_shape s = {r->x.rows, r->x.cols, r->x.batched};
    size_t cells = 0;
    double *jac = NULL, *gx = NULL;
    activ_status st = activ_eval_jacobian_cells(&r->fn, s, &cells, err);
    bool with_jacobian = st == ACTIV_OK;
    if (!with_jacobian && !(st == ACTIV_E_LIMIT && r->grad.data))
        return st;
    activ_error_clear(err); /* past the cap, with grad_output: answer without the Jacobian */
    if (with_jacobian) {
        size_t per_row = cells / r->x.rows;
        st = ACTIV_E_NOMEM;
        jac = alloc_doubles(cells, 1, err);
        if (!jac)
            goto out;
        st = activ_eval_jacobian(&r->fn, s, r->x.data, jac, err);
        if (st != ACTIV_OK)
            goto out;
        activ_out_key(o, "jacobian");
        if (r->x.batched) {
            activ_out_raw(o, "[", 1);
            for (size_t i = 0; i < r->x.rows; i++) {
                if (i > 0)
                    activ_out_raw(o, ",", 1);
                activ_out_matrix(o, jac + i * per_row, r->out_cols, r->x.cols, true);
            }
            activ_out_raw(o, "]", 1);
        } else {
            activ_out_matrix(o, jac, r->out_cols, r->x.cols, true);
        }
    }
    if (r->grad.data) {
        st = ACTIV_E_NOMEM;
        gx = alloc_doubles(r->x.rows, r->x.cols, err);
        if (!gx)
            goto out;
        st = activ_eval_vjp(&r->fn, s, r->x.data, r->grad.data, gx, err);
        if (st != ACTIV_OK)
            goto out;
        put_matrix(o, "grad_input", gx, r->x.rows, r->x.cols, r->x.batched);
    }
    st = ACTIV_OK;
out:
    free(jac);
    free(gx);
    return st;
}

void activ_handlers_differentiate(const activ_service *svc, const activ_request *req,
                                  activ_response *res)
{
    (void)svc;
    activ_eval_request r;
    if (!activ_decode_eval(req, true, &r, res))
        return;
    activ_error err;
    activ_error_clear(&err);
    activ_out o = {0};
    answer_head(&o, &r);
    activ_status st = r.entry->kind == ACTIV_KIND_ROWWISE ? differentiate_rowwise(&r, &o, &err)
                                                          : differentiate_elementwise(&r, &o, &err);
    if (st == ACTIV_OK)
        finish(res, &o, &r);
    else
        fail(res, &err);
    activ_out_fini(&o);
    activ_decode_eval_fini(&r);
}
