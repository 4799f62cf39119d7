/* decode.c -- request bodies of /evaluate and /differentiate into core inputs (service) */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/eval.h"
#include "activ/numparse.h"
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

/* ---------------------------------------------------------------- the fast path for numbers */

/* jansson builds a heap object for every number and reads it at about 290 ns (NOTES point 12).
 * The big arrays of a body, x and grad_output, are read instead by numparse.c, which takes a
 * few tens of ns per number and writes them straight into one block of doubles; jansson reads
 * the rest, the envelope, with those arrays replaced by 0. Only arrays numparse accepts whole
 * (vectors and batches of numbers, the shapes decode_matrix() takes) are cut out; anything
 * else stays for jansson, so every error is jansson's and decode_matrix()'s, as before. */
enum { FAST_X, FAST_GRAD, FAST_COUNT };
static const char *const fast_names[FAST_COUNT] = {"x", "grad_output"};

typedef struct fast_split {
    char *envelope; /* malloc'd: the body with the arrays read here replaced by 0 */
    size_t len;
    activ_matrix m[FAST_COUNT]; /* data NULL when not read here */
} fast_split;

static void fast_free(fast_split *f)
{
    free(f->envelope);
    for (int i = 0; i < FAST_COUNT; i++)
        free(f->m[i].data);
    memset(f, 0, sizeof *f);
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* p at a '"': past the closing quote, or NULL. *plain: no escape inside. */
static const char *skip_string(const char *p, const char *end, bool *plain)
{
    *plain = true;
    for (p++; p < end; p++) {
        if (*p == '\\') {
            *plain = false;
            p++;
        } else if (*p == '"') {
            return p + 1;
        }
    }
    return NULL;
}

/* Past one JSON value at p, or NULL. Does not validate: jansson reads it later. */
static const char *skip_value(const char *p, const char *end)
{
    bool plain;
    if (p < end && *p == '"')
        return skip_string(p, end, &plain);
    size_t depth = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '"') {
            p = skip_string(p, end, &plain);
            if (!p)
                return NULL;
            p--;
        } else if (c == '[' || c == '{') {
            depth++;
        } else if (c == ']' || c == '}') {
            if (depth == 0)
                return p; /* the end of the enclosing object: a scalar ended here */
            if (--depth == 0)
                return p + 1;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            return p;
        }
    }
    return depth == 0 ? p : NULL;
}

/* Which fast member the key [k, k + n) names, or -1. */
static int fast_member(const char *k, size_t n)
{
    for (int i = 0; i < FAST_COUNT; i++) {
        if (strlen(fast_names[i]) == n && memcmp(fast_names[i], k, n) == 0)
            return i;
    }
    return -1;
}

/* Reads the fast members of a body that is an object. ACTIV_OK with f->envelope NULL when
 * there is nothing to gain (or the body is not an object jansson would read). */
static activ_status fast_read(const char *body, size_t len, fast_split *f, activ_error *err)
{
    memset(f, 0, sizeof *f);
    const char *end = body + len, *p = skip_ws(body, end);
    const char *span[FAST_COUNT][2] = {{NULL, NULL}, {NULL, NULL}};
    if (p == end || *p != '{')
        return ACTIV_OK;
    p = skip_ws(p + 1, end);
    while (p < end && *p == '"') {
        bool plain;
        const char *key = p + 1, *q = skip_string(p, end, &plain);
        if (!q)
            goto not_fast;
        int member = plain ? fast_member(key, (size_t)(q - 1 - key)) : -1;
        p = skip_ws(q, end);
        if (p == end || *p != ':')
            goto not_fast;
        p = skip_ws(p + 1, end);
        q = NULL;
        if (member >= 0 && !f->m[member].data && p < end && *p == '[') {
            activ_nummatrix m;
            activ_numparse_status st =
                activ_numparse_matrix(p, end, SIZE_MAX / sizeof(double), NULL, &m, &q);
            if (st == ACTIV_NUMPARSE_NOMEM) {
                fast_free(f);
                return activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory for %s",
                                       fast_names[member]);
            }
            if (st == ACTIV_NUMPARSE_OK) {
                f->m[member] = (activ_matrix){m.data, m.rows, m.cols, m.batched};
                span[member][0] = p;
                span[member][1] = q;
            } else {
                q = NULL;
            }
        }
        if (!q)
            q = skip_value(p, end);
        if (!q)
            goto not_fast;
        p = skip_ws(q, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        break;
    }
    if (!f->m[FAST_X].data && !f->m[FAST_GRAD].data)
        goto not_fast;

    /* the envelope: the body with each span replaced by "0" */
    size_t cut = 0;
    for (int i = 0; i < FAST_COUNT; i++)
        cut += span[i][0] ? (size_t)(span[i][1] - span[i][0]) - 1 : 0;
    f->len = len - cut;
    f->envelope = malloc(f->len ? f->len : 1);
    if (!f->envelope) {
        fast_free(f);
        return activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory reading the body");
    }
    const char *from = body;
    char *to = f->envelope;
    for (;;) {
        int next = -1; /* the span that comes first from here on */
        for (int i = 0; i < FAST_COUNT; i++) {
            if (span[i][0] && span[i][0] >= from && (next < 0 || span[i][0] < span[next][0]))
                next = i;
        }
        const char *stop = next < 0 ? end : span[next][0];
        memcpy(to, from, (size_t)(stop - from));
        to += stop - from;
        if (next < 0)
            break;
        *to++ = '0';
        from = span[next][1];
    }
    return ACTIV_OK;

not_fast:
    fast_free(f);
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- the request */

/* x or grad_output: the matrix the fast path read (taken over), or decoded from v. */
static activ_status member_matrix(const json_t *v, int member, fast_split *f, activ_matrix *m,
                                  activ_error *err)
{
    if (f && f->m[member].data) {
        *m = f->m[member];
        f->m[member].data = NULL;
        return ACTIV_OK;
    }
    return decode_matrix(v, fast_names[member], m, err);
}

static activ_status decode_fields(json_t *root, bool differentiate, fast_split *f,
                                  activ_eval_request *r, activ_error *err)
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
    st = member_matrix(x, FAST_X, f, &r->x, err);
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
    st = member_matrix(g, FAST_GRAD, f, &r->grad, err);
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
    static const char example[] = "{\"activation\": \"relu\", \"x\": [1, 2]}";
    memset(r, 0, sizeof *r);
    activ_error err;
    activ_error_clear(&err);
    fast_split f;
    if (fast_read(req->body ? req->body : "", req->body_len, &f, &err) != ACTIV_OK) {
        activ_service_status_response(res, &err);
        return false;
    }
    if (f.envelope) {
        activ_request envelope = *req;
        envelope.body = f.envelope;
        envelope.body_len = f.len;
        r->root = activ_decode_object(&envelope, example, res);
        if (!r->root && res->status == 503) {
            fast_free(&f);
            return false;
        }
        if (!r->root) {
            /* read the whole body again, so that the error points into it */
            activ_service_response_fini(res);
            fast_free(&f);
        }
    }
    if (!r->root)
        r->root = activ_decode_object(req, example, res);
    if (!r->root)
        return false;
    activ_status st = decode_fields(r->root, differentiate, f.envelope ? &f : NULL, r, &err);
    fast_free(&f);
    if (st != ACTIV_OK) {
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
