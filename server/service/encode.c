/* encode.c -- results and parameters as JSON values: every double printed so it round-trips
 * (service) */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/numprint.h"
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

/* A vector (batched false: rows is 1) or a list of rows. */
static json_t *matrix(const double *v, size_t rows, size_t cols, bool batched)
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
            return matrix(a->data, a->rows, a->cols, true);
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

/* ---------------------------------------------------------------- answers written directly */

/* Makes room for `more` bytes; false (and o->failed) when that is impossible. */
static bool reserve(activ_out *o, size_t more)
{
    if (o->failed)
        return false;
    if (more <= o->cap - o->len)
        return true;
    size_t cap = o->cap ? o->cap : 256;
    while (cap - o->len < more) {
        if (cap > SIZE_MAX / 2) {
            o->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *buf = realloc(o->buf, cap);
    if (!buf) {
        o->failed = true;
        return false;
    }
    o->buf = buf;
    o->cap = cap;
    return true;
}

void activ_out_raw(activ_out *o, const char *s, size_t n)
{
    if (reserve(o, n)) {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    }
}

void activ_out_text(activ_out *o, const char *s)
{
    activ_out_raw(o, s, strlen(s));
}

/* s as a JSON string. The strings of answers are catalog names and parameter values the
 * catalog accepted, so only quotes, backslashes and control bytes need escapes; other bytes
 * pass as they are. */
void activ_out_string(activ_out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    activ_out_raw(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            activ_out_raw(o, esc, 2);
        } else if (*p < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 0xf]};
            activ_out_raw(o, esc, 6);
        } else {
            activ_out_raw(o, (const char *)p, 1);
        }
    }
    activ_out_raw(o, "\"", 1);
}

void activ_out_number(activ_out *o, double v)
{
    if (reserve(o, ACTIV_NUMPRINT_MAX))
        o->len += activ_numprint_double(v, o->buf + o->len);
}

void activ_out_key(activ_out *o, const char *key)
{
    activ_out_raw(o, ",", 1);
    activ_out_string(o, key);
    activ_out_raw(o, ":", 1);
}

/* One row: "[v0,v1,...]", with room for it made once. */
static void row(activ_out *o, const double *v, size_t n)
{
    size_t bytes;
    if (!activ_size_mul(n, ACTIV_NUMPRINT_MAX, &bytes) || bytes > SIZE_MAX - 2 ||
        !reserve(o, bytes + 2)) {
        o->failed = true;
        return;
    }
    char *p = o->buf + o->len;
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *p++ = ',';
        p += activ_numprint_double(v[i], p);
    }
    *p++ = ']';
    o->len = (size_t)(p - o->buf);
}

void activ_out_matrix(activ_out *o, const double *v, size_t rows, size_t cols, bool batched)
{
    if (!batched) {
        row(o, v, cols);
        return;
    }
    activ_out_raw(o, "[", 1);
    for (size_t r = 0; r < rows && !o->failed; r++) {
        if (r > 0)
            activ_out_raw(o, ",", 1);
        row(o, v + r * cols, cols);
    }
    activ_out_raw(o, "]", 1);
}

void activ_out_params(activ_out *o, const activ_bound_fn *fn)
{
    activ_out_raw(o, "{", 1);
    for (size_t i = 0; i < fn->entry->n_params; i++) {
        activ_param_arg a;
        activ_params_value(fn, i, &a);
        if (i > 0)
            activ_out_raw(o, ",", 1);
        activ_out_string(o, a.name);
        activ_out_raw(o, ":", 1);
        switch (a.type) {
            case ACTIV_VALUE_NUMBER:
                if (fn->entry->params[i].type == ACTIV_PT_INT) {
                    char digits[32];
                    int n = snprintf(digits, sizeof digits, "%.0f", a.number);
                    activ_out_raw(o, digits, (size_t)n);
                } else {
                    activ_out_number(o, a.number);
                }
                break;
            case ACTIV_VALUE_STRING:
                activ_out_string(o, a.string);
                break;
            case ACTIV_VALUE_BOOL:
                activ_out_text(o, a.boolean ? "true" : "false");
                break;
            case ACTIV_VALUE_VECTOR:
                activ_out_matrix(o, a.data, 1, a.cols, false);
                break;
            case ACTIV_VALUE_MATRIX:
                activ_out_matrix(o, a.data, a.rows, a.cols, true);
                break;
            case ACTIV_VALUE_NULL:
            case ACTIV_VALUE_OTHER:
                activ_out_text(o, "null");
                break;
        }
    }
    activ_out_raw(o, "}", 1);
}

bool activ_out_finish(activ_out *o, activ_response *res, int status)
{
    if (o->failed || o->len == 0) {
        free(o->buf);
        *o = (activ_out){0};
        return false;
    }
    activ_service_set_body(res, status, o->buf, o->len);
    *o = (activ_out){0};
    return true;
}

void activ_out_fini(activ_out *o)
{
    free(o->buf);
    *o = (activ_out){0};
}
