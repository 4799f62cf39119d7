/* params.h -- resolve request parameters against a catalog entry: aliases, types, domains */
#ifndef ACTIV_PARAMS_H
#define ACTIV_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "activ/catalog.h"
#include "activ/status.h"

/* A parameter value as decoded from a request, independent of JSON. */
typedef enum activ_value_type {
    ACTIV_VALUE_NULL,
    ACTIV_VALUE_BOOL,
    ACTIV_VALUE_NUMBER,
    ACTIV_VALUE_STRING,
    ACTIV_VALUE_VECTOR, /* cols numbers */
    ACTIV_VALUE_MATRIX, /* rows x cols numbers, row-major, every row the same length */
    ACTIV_VALUE_OTHER   /* anything else (an object, a ragged or nested array) */
} activ_value_type;

typedef struct activ_param_arg {
    const char *name; /* as the client spelled it: canonical or alias */
    activ_value_type type;
    bool boolean;
    double number;
    const char *string;
    const double *data; /* VECTOR and MATRIX; borrowed */
    size_t rows, cols;
} activ_param_arg;

/* A function with every parameter resolved. Arrays are borrowed from the activ_param_arg
 * they came from: keep those alive as long as this. */
typedef struct activ_bound_fn {
    const activ_catalog_entry *entry;
    double p[ACTIV_MAX_PARAMS]; /* scalar parameters in spec order; NaN = unset */
    const double *alpha;        /* prelu: one alpha per feature, or NULL for the scalar p[0] */
    size_t n_alpha;
    size_t k;              /* maxout: group size, or 0 when weights are given */
    const double *weights; /* maxout: w_rows x w_cols, row-major */
    size_t w_rows, w_cols;
    const double *bias; /* maxout: w_rows offsets, or NULL for zeros */
} activ_bound_fn;

/* Resolves `n` arguments against entry `e`'s parameters: aliases, types, domains, defaults
 * for the rest. Fails with ACTIV_E_PARAMS and path "/params/<name>" (or deeper) naming the
 * argument: unknown name, wrong type, out of domain, given twice (name and alias), or a
 * combination that is not allowed. On success fills *out; otherwise *out is untouched. */
ACTIV_NODISCARD activ_status activ_params_bind(const activ_catalog_entry *e,
                                               const activ_param_arg *args, size_t n,
                                               activ_bound_fn *out, activ_error *err);

/* The value of the bound function's parameter i (< n_params), for echoing "params" with
 * defaults filled in: writes a NUMBER, NULL, STRING, VECTOR or MATRIX into *out (arrays
 * borrowed from fn). */
void activ_params_value(const activ_bound_fn *fn, size_t i, activ_param_arg *out);

#endif
