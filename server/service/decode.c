/* decode.c -- request bodies of /evaluate and /differentiate into core inputs (service) */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/eval.h"
#include "internal.h"

/* ---------------------------------------------------------------- parsing */

/* Deepest nesting of arrays and objects in the raw bytes, scanning at most until it exceeds
 * `limit` (strings and their escapes skipped). jansson would recurse to 2048 levels and build
 * every level first; this refuses deep bodies before any allocation. */
size_t activ_decode_nesting(const char *s, size_t len, size_t limit)
{
    size_t depth = 0, max = 0;
    bool in_string = false;
    for (size_t i = 0; i < len && max <= limit; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

/* Whether an allocation of jansson's failed in this thread since the last activ_decode_load()
 * began. Thread-local, so that the HTTP threads do not see each other's failures: the one
 * piece of mutable state in the service, and only ever written by the thread it belongs to. */
static _Thread_local bool json_alloc_failed;

static void *watched_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        json_alloc_failed = true;
    return p;
}

void activ_decode_watch_allocations(void)
{
    json_set_alloc_funcs(watched_malloc, free);
}

json_t *activ_decode_load(const char *bytes, size_t len, size_t flags, json_error_t *jerr,
                          bool *nomem)
{
    json_malloc_t m;
    json_free_t f;
    json_get_alloc_funcs(&m, &f);
    json_alloc_failed = false;
    json_t *root = json_loadb(bytes, len, flags, jerr);
    /* jansson 2.14 returns without filling jerr when it cannot allocate its lexer's buffer:
     * the text stays empty, which no parse error leaves (the code byte is not written, so it
     * is read only when there is a text). That holds whatever allocator is installed, as in
     * tests that install their own. */
    bool failed =
        m == watched_malloc
            ? json_alloc_failed
            : !root && (jerr->text[0] == '\0' || json_error_code(jerr) == json_error_out_of_memory);
    if (failed) {
        json_decref(root);
        root = NULL;
    }
    *nomem = failed;
    return root;
}

json_t *activ_decode_object(const activ_request *req, const char *example, activ_response *res)
{
    if (activ_decode_nesting(req->body ? req->body : "", req->body_len, ACTIV_DECODE_MAX_DEPTH) >
        ACTIV_DECODE_MAX_DEPTH) {
        activ_service_error_response(res, ACTIV_CODE_INVALID_JSON, NULL,
                                     "the body nests arrays and objects deeper than %d levels",
                                     ACTIV_DECODE_MAX_DEPTH);
        return NULL;
    }
    json_error_t jerr;
    /* json_loadb, not json_loads: a NUL byte inside the body must not end it early.
     * Integers become reals so that 1e20 written as an integer still parses. */
    bool nomem;
    json_t *root =
        activ_decode_load(req->body ? req->body : "", req->body_len,
                          JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr, &nomem);
    if (!root) {
        if (nomem) {
            activ_service_set_overloaded(res);
        } else if (json_error_code(&jerr) == json_error_numeric_overflow) {
            activ_service_error_response(res, ACTIV_CODE_INVALID_REQUEST, NULL,
                                         "a number at line %d, column %d is beyond the range "
                                         "of a double (about 1.8e308)",
                                         jerr.line, jerr.column);
        } else {
            activ_service_error_response(res, ACTIV_CODE_INVALID_JSON, NULL,
                                         "invalid JSON at line %d, column %d: %s", jerr.line,
                                         jerr.column, jerr.text);
        }
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        activ_service_error_response(res, ACTIV_CODE_INVALID_JSON, NULL,
                                     "the body must be a JSON object, like %s", example);
        return NULL;
    }
    return root;
}

/* ---------------------------------------------------------------- numbers */

/* Reads a vector (array of numbers) or a batch (array of equal-length arrays of numbers)
 * into a new matrix. `name` is the member ("x", "grad_output") for paths and messages. */
static activ_status decode_matrix(const json_t *v, const char *name, activ_matrix *m,
                                  activ_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "/%s", name);
    size_t rows = json_array_size(v);
    if (!json_is_array(v) || rows == 0)
        return activ_error_set(err, ACTIV_E_REQUEST, path,
                               "%s must be a non-empty array of numbers, or a non-empty array "
                               "of equal-length arrays of numbers",
                               name);
    const json_t *first = json_array_get(v, 0);
    bool batched = json_is_array(first);
    size_t cols = batched ? json_array_size(first) : rows;
    if (!batched)
        rows = 1;
    size_t cells, bytes;
    if (batched && cols == 0)
        return activ_error_set(err, ACTIV_E_REQUEST, path, "the rows of %s must not be empty",
                               name);
    if (!activ_size_mul(rows, cols, &cells) || !activ_size_mul(cells, sizeof(double), &bytes))
        return activ_error_set(err, ACTIV_E_LIMIT, path, "%s is too large", name);
    double *data = malloc(bytes);
    if (!data)
        return activ_error_set(err, ACTIV_E_NOMEM, path, "out of memory for %s", name);
    for (size_t r = 0; r < rows; r++) {
        const json_t *row = batched ? json_array_get(v, r) : v;
        if (batched && (!json_is_array(row) || json_array_size(row) != cols)) {
            free(data);
            snprintf(path, sizeof path, "/%s/%zu", name, r);
            return activ_error_set(err, ACTIV_E_REQUEST, path,
                                   json_is_array(row)
                                       ? "every row of %s must have the length of the first "
                                         "(%zu values)"
                                       : "%s mixes numbers and arrays; every row must be an "
                                         "array of %zu numbers",
                                   name, cols);
        }
        for (size_t c = 0; c < cols; c++) {
            const json_t *n = json_array_get(row, c);
            if (!json_is_number(n)) {
                free(data);
                if (batched)
                    snprintf(path, sizeof path, "/%s/%zu/%zu", name, r, c);
                else
                    snprintf(path, sizeof path, "/%s/%zu", name, c);
                return activ_error_set(err, ACTIV_E_REQUEST, path, "%s must hold numbers only",
                                       name);
            }
            data[r * cols + c] = json_number_value(n);
        }
    }
    *m = (activ_matrix){data, rows, cols, batched};
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- params */

/* One params member into an activ_param_arg; arrays are copied into *data (malloc'd, the
 * caller frees). Shapes that fit no parameter type become ACTIV_VALUE_OTHER, which binding
 * rejects with a message naming the parameter. */
static activ_status decode_param(const char *key, const json_t *v, activ_param_arg *a,
                                 double **data, activ_error *err)
{
    *a = (activ_param_arg){.name = key};
    *data = NULL;
    switch (json_typeof(v)) {
        case JSON_NULL:
            a->type = ACTIV_VALUE_NULL;
            return ACTIV_OK;
        case JSON_TRUE:
        case JSON_FALSE:
            a->type = ACTIV_VALUE_BOOL;
            a->boolean = json_is_true(v);
            return ACTIV_OK;
        case JSON_INTEGER:
        case JSON_REAL:
            a->type = ACTIV_VALUE_NUMBER;
            a->number = json_number_value(v);
            return ACTIV_OK;
        case JSON_STRING:
            a->type = ACTIV_VALUE_STRING;
            a->string = json_string_value(v);
            return ACTIV_OK;
        case JSON_OBJECT:
            a->type = ACTIV_VALUE_OTHER;
            return ACTIV_OK;
        case JSON_ARRAY:
            break;
    }
    if (json_array_size(v) == 0) {
        a->type = ACTIV_VALUE_VECTOR;
        return ACTIV_OK;
    }
    activ_matrix m;
    activ_error ignored;
    if (decode_matrix(v, "params", &m, &ignored) != ACTIV_OK) {
        if (ignored.status == ACTIV_E_NOMEM)
            return activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory for params");
        a->type = ACTIV_VALUE_OTHER;
        return ACTIV_OK;
    }
    *data = m.data;
    a->type = m.batched ? ACTIV_VALUE_MATRIX : ACTIV_VALUE_VECTOR;
    a->data = m.data;
    a->rows = m.rows;
    a->cols = m.cols;
    return ACTIV_OK;
}

static activ_status decode_params(json_t *params, activ_eval_request *r, activ_error *err)
{
    if (!params || json_is_null(params)) /* all defaults */
        return activ_params_bind(r->entry, NULL, 0, &r->fn, err);
    if (!json_is_object(params))
        return activ_error_set(err, ACTIV_E_PARAMS, "/params",
                               "params must be an object, like {\"alpha\": 0.1}");
    if (json_object_size(params) > ACTIV_DECODE_MAX_PARAMS)
        return activ_error_set(err, ACTIV_E_PARAMS, "/params",
                               "%s takes at most %zu parameters; got %zu", r->entry->name,
                               r->entry->n_params, json_object_size(params));
    const char *key;
    json_t *v;
    json_object_foreach(params, key, v)
    {
        activ_status st = decode_param(key, v, &r->args[r->nargs], &r->arg_data[r->nargs], err);
        if (st != ACTIV_OK)
            return st;
        r->nargs++;
    }
    return activ_params_bind(r->entry, r->args, r->nargs, &r->fn, err);
}

/* ---------------------------------------------------------------- the request */

static activ_status decode_fields(json_t *root, bool differentiate, activ_eval_request *r,
                                  activ_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        bool known = strcmp(key, "activation") == 0 || strcmp(key, "params") == 0 ||
                     strcmp(key, "x") == 0 || (differentiate && strcmp(key, "grad_output") == 0);
        if (!known) {
            char path[128] = "";
            activ_pointer_append(path, sizeof path, key);
            return activ_error_set(err, ACTIV_E_REQUEST, path,
                                   "unknown field \"%.100s\"; the body takes activation, "
                                   "params, x%s",
                                   key, differentiate ? " and grad_output" : "");
        }
    }
    const json_t *name = json_object_get(root, "activation");
    if (!json_is_string(name))
        return activ_error_set(err, ACTIV_E_REQUEST, "/activation",
                               "activation must be a string naming a function (GET "
                               "/activations lists them)");
    r->entry = activ_catalog_find(json_string_value(name));
    if (!r->entry)
        return activ_error_set(err, ACTIV_E_UNKNOWN_FN, "/activation",
                               "unknown activation \"%.100s\"; GET /activations lists the "
                               "names and aliases",
                               json_string_value(name));
    activ_status st = decode_params(json_object_get(root, "params"), r, err);
    if (st != ACTIV_OK)
        return st;
    const json_t *x = json_object_get(root, "x");
    if (!x)
        return activ_error_set(err, ACTIV_E_REQUEST, "/x", "x is required");
    st = decode_matrix(x, "x", &r->x, err);
    if (st != ACTIV_OK)
        return st;
    activ_shape s = {r->x.rows, r->x.cols, r->x.batched};
    size_t oc;
    st = activ_eval_check(&r->fn, s, &oc, err);
    if (st != ACTIV_OK)
        return st;
    r->out_cols = oc;
    const json_t *g = json_object_get(root, "grad_output");
    if (!g || json_is_null(g))
        return ACTIV_OK;
    st = decode_matrix(g, "grad_output", &r->grad, err);
    if (st != ACTIV_OK)
        return st;
    if (r->grad.batched != r->x.batched || r->grad.rows != r->x.rows || r->grad.cols != oc) {
        if (r->x.batched)
            return activ_error_set(err, ACTIV_E_REQUEST, "/grad_output",
                                   "grad_output must have the shape of y: %zu rows of %zu values",
                                   r->x.rows, oc);
        return activ_error_set(err, ACTIV_E_REQUEST, "/grad_output",
                               "grad_output must have the shape of y: an array of %zu numbers", oc);
    }
    return ACTIV_OK;
}

bool activ_decode_eval(const activ_request *req, bool differentiate, activ_eval_request *r,
                       activ_response *res)
{
    memset(r, 0, sizeof *r);
    r->root = activ_decode_object(req, "{\"activation\": \"relu\", \"x\": [1, 2]}", res);
    if (!r->root)
        return false;
    activ_error err;
    activ_error_clear(&err);
    if (decode_fields(r->root, differentiate, r, &err) != ACTIV_OK) {
        activ_service_status_response(res, &err);
        activ_decode_eval_fini(r);
        return false;
    }
    return true;
}

void activ_decode_eval_fini(activ_eval_request *r)
{
    free(r->x.data);
    free(r->grad.data);
    for (size_t i = 0; i < r->nargs; i++)
        free(r->arg_data[i]);
    json_decref(r->root);
    memset(r, 0, sizeof *r);
}
