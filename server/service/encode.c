/* encode.c -- results and parameters as JSON values: every double printed so it round-trips
 * (service) */
#include <jansson.h>

#include "internal.h"

/* jansson 2.14 prints reals with %.17g (and ".0" where needed), which parses back to the same
 * binary64; json_real refuses NaN and infinities, which the core never returns as results. */
static json_t *vector(const double *v, size_t n)
{
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (json_array_append_new(a, json_real(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *activ_encode_matrix(const double *v, size_t rows, size_t cols, bool batched)
{
    if (!batched)
        return vector(v, cols);
    json_t *a = json_array();
    if (!a)
        return NULL;
    for (size_t r = 0; r < rows; r++) {
        if (json_array_append_new(a, vector(v + r * cols, cols)) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *param_value(const activ_param_arg *a, bool integer)
{
    switch (a->type) {
        case ACTIV_VALUE_NUMBER:
            /* integer parameters (maxout k, validated integral) print as integers */
            if (integer)
                return json_integer((json_int_t)a->number);
            return json_real(a->number);
        case ACTIV_VALUE_STRING:
            return json_string(a->string);
        case ACTIV_VALUE_BOOL:
            return json_boolean(a->boolean);
        case ACTIV_VALUE_VECTOR:
            return vector(a->data, a->cols);
        case ACTIV_VALUE_MATRIX:
            return activ_encode_matrix(a->data, a->rows, a->cols, true);
        case ACTIV_VALUE_NULL:
        case ACTIV_VALUE_OTHER:
            break;
    }
    return json_null();
}

json_t *activ_encode_params(const activ_bound_fn *fn)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (size_t i = 0; i < fn->entry->n_params; i++) {
        activ_param_arg a;
        activ_params_value(fn, i, &a);
        bool integer = fn->entry->params[i].type == ACTIV_PT_INT;
        if (json_object_set_new(o, a.name, param_value(&a, integer)) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}
