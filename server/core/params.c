/* params.c -- resolve request parameters: aliases, types, domains, defaults (core: libc+libm) */
#include "activ/params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Integers above 2^53 are not all representable; maxout's k has no use for them anyway. */
#define MAX_EXACT_INT 9007199254740992.0

/* "/params/<name>" with the name escaped as a JSON Pointer token (~ -> ~0, / -> ~1). */
static void param_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "/params");
    activ_pointer_append(buf, size, name);
}

static int spec_index(const activ_catalog_entry *e, const char *name)
{
    for (size_t i = 0; i < e->n_params; i++) {
        const activ_param_spec *s = &e->params[i];
        if (strcmp(s->name, name) == 0)
            return (int)i;
        for (size_t a = 0; a < sizeof s->aliases / sizeof s->aliases[0] && s->aliases[a]; a++)
            if (strcmp(s->aliases[a], name) == 0)
                return (int)i;
    }
    return -1;
}

/* "alpha (alias negative_slope), beta" -- what the function does take, for messages. */
static void list_params(const activ_catalog_entry *e, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < e->n_params && n < size; i++) {
        const activ_param_spec *s = &e->params[i];
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", s->name);
        if (s->aliases[0] && n < size)
            n += (size_t)snprintf(buf + n, size - n, " (alias %s)", s->aliases[0]);
    }
}

/* The domain as text, e.g. "> 0" or ">= 1"; "" when unbounded. */
static const char *domain_text(const activ_param_spec *s, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!isnan(s->lo))
        snprintf(buf, size, "%s %g", s->lo_open ? ">" : ">=", s->lo);
    else if (!isnan(s->hi))
        snprintf(buf, size, "%s %g", s->hi_open ? "<" : "<=", s->hi);
    return buf;
}

static bool in_domain(const activ_param_spec *s, double v)
{
    if (!isnan(s->lo) && (s->lo_open ? !(v > s->lo) : !(v >= s->lo)))
        return false;
    if (!isnan(s->hi) && (s->hi_open ? !(v < s->hi) : !(v <= s->hi)))
        return false;
    return true;
}

static bool all_finite(const double *v, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            *bad = i;
            return false;
        }
    }
    return true;
}

static const char *type_name(activ_value_type t)
{
    switch (t) {
        case ACTIV_VALUE_NULL:
            return "null";
        case ACTIV_VALUE_BOOL:
            return "a boolean";
        case ACTIV_VALUE_NUMBER:
            return "a number";
        case ACTIV_VALUE_STRING:
            return "a string";
        case ACTIV_VALUE_VECTOR:
            return "an array of numbers";
        case ACTIV_VALUE_MATRIX:
            return "an array of arrays";
        case ACTIV_VALUE_OTHER:
            break;
    }
    return "a value of another type";
}

/* Applies one argument to `out`. `path` names it. */
static activ_status bind_one(const activ_catalog_entry *e, size_t idx, const activ_param_arg *a,
                             const char *path, activ_bound_fn *out, activ_error *err)
{
    const activ_param_spec *s = &e->params[idx];
    char dom[48];
    switch (s->type) {
        case ACTIV_PT_OPT_REAL:
            if (a->type == ACTIV_VALUE_NULL) {
                out->p[idx] = NAN;
                return ACTIV_OK;
            }
            /* fall through */
        case ACTIV_PT_REAL:
        case ACTIV_PT_INT:
        case ACTIV_PT_REAL_OR_VEC:
            if (a->type == ACTIV_VALUE_VECTOR && s->type == ACTIV_PT_REAL_OR_VEC) {
                size_t bad;
                if (a->cols == 0)
                    return activ_error_set(err, ACTIV_E_PARAMS, path,
                                           "%s of %s must not be an empty array", s->name, e->name);
                if (!all_finite(a->data, a->cols, &bad))
                    return activ_error_set(err, ACTIV_E_PARAMS, path,
                                           "%s[%zu] of %s must be a finite number", s->name, bad,
                                           e->name);
                out->alpha = a->data;
                out->n_alpha = a->cols;
                out->p[idx] = NAN;
                return ACTIV_OK;
            }
            if (a->type != ACTIV_VALUE_NUMBER)
                return activ_error_set(err, ACTIV_E_PARAMS, path, "%s of %s must be %s, not %s",
                                       s->name, e->name,
                                       s->type == ACTIV_PT_REAL_OR_VEC
                                           ? "a number or an array of numbers"
                                           : (s->type == ACTIV_PT_INT ? "an integer" : "a number"),
                                       type_name(a->type));
            if (!isfinite(a->number))
                return activ_error_set(err, ACTIV_E_PARAMS, path,
                                       "%s of %s must be a finite number", s->name, e->name);
            if (s->type == ACTIV_PT_INT &&
                (a->number != floor(a->number) || fabs(a->number) > MAX_EXACT_INT))
                return activ_error_set(err, ACTIV_E_PARAMS, path,
                                       "%s of %s must be an integer (got %.17g)", s->name, e->name,
                                       a->number);
            if (!in_domain(s, a->number))
                return activ_error_set(err, ACTIV_E_PARAMS, path, "%s of %s must be %s (got %.17g)",
                                       s->name, e->name, domain_text(s, dom, sizeof dom),
                                       a->number);
            out->p[idx] = a->number;
            return ACTIV_OK;
        case ACTIV_PT_VEC: {
            size_t bad;
            if (a->type != ACTIV_VALUE_VECTOR || a->cols == 0)
                return activ_error_set(err, ACTIV_E_PARAMS, path,
                                       "%s of %s must be a non-empty array of numbers", s->name,
                                       e->name);
            if (!all_finite(a->data, a->cols, &bad))
                return activ_error_set(err, ACTIV_E_PARAMS, path,
                                       "%s[%zu] of %s must be a finite number", s->name, bad,
                                       e->name);
            out->bias = a->data;
            out->p[idx] = (double)a->cols;
            return ACTIV_OK;
        }
        case ACTIV_PT_MAT: {
            size_t bad, cells;
            if (a->type != ACTIV_VALUE_MATRIX || a->rows == 0 || a->cols == 0)
                return activ_error_set(err, ACTIV_E_PARAMS, path,
                                       "%s of %s must be a non-empty array of equal-length "
                                       "non-empty arrays of numbers",
                                       s->name, e->name);
            if (!activ_size_mul(a->rows, a->cols, &cells))
                return activ_error_set(err, ACTIV_E_LIMIT, path, "%s of %s is too large", s->name,
                                       e->name);
            if (!all_finite(a->data, cells, &bad))
                return activ_error_set(err, ACTIV_E_PARAMS, path,
                                       "%s of %s must hold finite numbers only", s->name, e->name);
            out->weights = a->data;
            out->w_rows = a->rows;
            out->w_cols = a->cols;
            out->p[idx] = (double)a->rows;
            return ACTIV_OK;
        }
        case ACTIV_PT_APPROXIMATE:
            if (a->type == ACTIV_VALUE_BOOL) {
                out->p[idx] = a->boolean ? 1.0 : 0.0;
                return ACTIV_OK;
            }
            if (a->type == ACTIV_VALUE_STRING && strcmp(a->string, "none") == 0) {
                out->p[idx] = 0.0;
                return ACTIV_OK;
            }
            if (a->type == ACTIV_VALUE_STRING && strcmp(a->string, "tanh") == 0) {
                out->p[idx] = 1.0;
                return ACTIV_OK;
            }
            return activ_error_set(err, ACTIV_E_PARAMS, path,
                                   "%s of %s must be \"none\" or \"tanh\" (or false/true)", s->name,
                                   e->name);
    }
    return activ_error_set(err, ACTIV_E_PARAMS, path, "unsupported parameter type");
}

/* A lower bound p[0] above an upper bound p[1]: blame the one the client sent, spelled as
 * sent (the first when both were). */
static activ_status check_order(const activ_catalog_entry *e, const char *const *given,
                                const activ_bound_fn *b, activ_error *err)
{
    if (!(b->p[0] > b->p[1]))
        return ACTIV_OK;
    char path[128];
    param_path(path, sizeof path, given[0] ? given[0] : given[1]);
    return activ_error_set(err, ACTIV_E_PARAMS, path, "%s (%.17g) of %s must not exceed %s (%.17g)",
                           e->params[0].name, b->p[0], e->name, e->params[1].name, b->p[1]);
}

/* Rules that involve two parameters, checked once all are bound. given[i] is the name the
 * client used for parameter i, or NULL. */
static activ_status check_combination(const activ_catalog_entry *e, const char *const *given,
                                      activ_bound_fn *b, activ_error *err)
{
    switch (e->id) {
        case ACTIV_FN_HARDTANH:
        case ACTIV_FN_RRELU:
            return check_order(e, given, b, err);
        case ACTIV_FN_MAXOUT:
            if (!given[0] == !given[1])
                return activ_error_set(err, ACTIV_E_PARAMS, "/params",
                                       "maxout needs exactly one of k (group size) or weights "
                                       "(a k x d matrix)");
            if (given[2] && !given[1])
                return activ_error_set(err, ACTIV_E_PARAMS, "/params/bias",
                                       "bias of maxout goes with weights, not with k");
            if (given[2] && (size_t)b->p[2] != b->w_rows)
                return activ_error_set(err, ACTIV_E_PARAMS, "/params/bias",
                                       "bias of maxout needs one value per row of weights (%zu), "
                                       "got %zu",
                                       b->w_rows, (size_t)b->p[2]);
            b->k = given[0] ? (size_t)b->p[0] : 0;
            break;
        default:
            break;
    }
    return ACTIV_OK;
}

activ_status activ_params_bind(const activ_catalog_entry *e, const activ_param_arg *args, size_t n,
                               activ_bound_fn *out, activ_error *err)
{
    activ_bound_fn b;
    const char *given[ACTIV_MAX_PARAMS] = {NULL};
    char path[128];
    memset(&b, 0, sizeof b);
    b.entry = e;
    for (size_t i = 0; i < ACTIV_MAX_PARAMS; i++)
        b.p[i] = i < e->n_params ? e->params[i].def : (double)NAN;

    for (size_t j = 0; j < n; j++) {
        const activ_param_arg *a = &args[j];
        param_path(path, sizeof path, a->name);
        int idx = spec_index(e, a->name);
        if (idx < 0) {
            char list[160];
            list_params(e, list, sizeof list);
            if (e->n_params == 0)
                return activ_error_set(err, ACTIV_E_PARAMS, path,
                                       "%s takes no parameters, got \"%s\"", e->name, a->name);
            return activ_error_set(err, ACTIV_E_PARAMS, path,
                                   "unknown parameter \"%s\" for %s; it takes: %s", a->name,
                                   e->name, list);
        }
        if (given[idx])
            return activ_error_set(err, ACTIV_E_PARAMS, path,
                                   "%s of %s is given twice (by name and by alias)",
                                   e->params[idx].name, e->name);
        given[idx] = a->name;
        activ_status st = bind_one(e, (size_t)idx, a, path, &b, err);
        if (st != ACTIV_OK)
            return st;
    }
    activ_status st = check_combination(e, given, &b, err);
    if (st != ACTIV_OK)
        return st;
    *out = b;
    return ACTIV_OK;
}

void activ_params_value(const activ_bound_fn *fn, size_t i, activ_param_arg *out)
{
    const activ_param_spec *s = &fn->entry->params[i];
    memset(out, 0, sizeof *out);
    out->name = s->name;
    out->type = ACTIV_VALUE_NUMBER;
    out->number = fn->p[i];
    switch (s->type) {
        case ACTIV_PT_REAL:
            break;
        case ACTIV_PT_OPT_REAL:
        case ACTIV_PT_INT:
            if (isnan(fn->p[i]))
                out->type = ACTIV_VALUE_NULL;
            break;
        case ACTIV_PT_REAL_OR_VEC:
            if (fn->alpha) {
                out->type = ACTIV_VALUE_VECTOR;
                out->data = fn->alpha;
                out->rows = 1;
                out->cols = fn->n_alpha;
            }
            break;
        case ACTIV_PT_VEC:
            out->type = fn->bias ? ACTIV_VALUE_VECTOR : ACTIV_VALUE_NULL;
            out->data = fn->bias;
            out->rows = 1;
            out->cols = fn->bias ? fn->w_rows : 0;
            break;
        case ACTIV_PT_MAT:
            out->type = fn->weights ? ACTIV_VALUE_MATRIX : ACTIV_VALUE_NULL;
            out->data = fn->weights;
            out->rows = fn->w_rows;
            out->cols = fn->w_cols;
            break;
        case ACTIV_PT_APPROXIMATE:
            out->type = ACTIV_VALUE_STRING;
            out->string = fn->p[i] != 0.0 ? "tanh" : "none";
            break;
    }
}
