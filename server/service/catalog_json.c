/* catalog_json.c -- the catalog as JSON (/activations), API document (/openapi.yaml) (service) */
#include "activ/catalog.h"
#include "activ/service.h"

#include "internal.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define YAML_TYPE   "application/yaml"
#define NAME_PREFIX "/activations/"
#define NAME_SHOWN  64 /* bytes of an unknown name quoted back; no catalog name comes close */

/* Every builder below returns a new reference, or NULL when out of memory, and then holds
 * nothing: json_object_set_new() and json_array_append_new() take their value over even when
 * they fail, so a failed step leaks nothing and the caller only drops what it built. */

/* A number, or null where it is not finite: json_real() refuses NaN and the infinities, and
 * the catalog uses NaN for "none" and ±inf for unbounded ends. */
static json_t *number(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static bool set(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value) == 0;
}

static bool append(json_t *arr, json_t *value)
{
    return json_array_append_new(arr, value) == 0;
}

/* An array of the first n strings of list, stopping early at a NULL (the alias arrays are
 * NULL-terminated when shorter than their capacity). */
static json_t *strings(const char *const *list, size_t n)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < n && list && list[i]; i++) {
        if (!append(arr, json_string(list[i]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* The texts' lists end with NULL and have no capacity of their own. */
static json_t *sentences(const char *const *list)
{
    return strings(list, SIZE_MAX);
}

/* The names the API uses for the parameter types and the saturation sides. */
static const char *const type_names[] = {
    [ACTIV_PT_REAL] = "number",
    [ACTIV_PT_OPT_REAL] = "number_or_null", /* null (the default) leaves it unset */
    [ACTIV_PT_INT] = "integer",
    [ACTIV_PT_REAL_OR_VEC] = "number_or_array", /* prelu: one alpha, or one per feature */
    [ACTIV_PT_VEC] = "array",
    [ACTIV_PT_MAT] = "matrix",
    [ACTIV_PT_APPROXIMATE] = "enum", /* with "values" */
};
static_assert(sizeof type_names / sizeof type_names[0] == ACTIV_PT_APPROXIMATE + 1,
              "one name per parameter type");

static const char *const saturation_names[] = {
    [ACTIV_SAT_NONE] = "none",
    [ACTIV_SAT_LEFT] = "left",
    [ACTIV_SAT_RIGHT] = "right",
    [ACTIV_SAT_BOTH] = "both",
};
static_assert(sizeof saturation_names / sizeof saturation_names[0] == ACTIV_SAT_BOTH + 1,
              "one name per saturation");

/* The default as a client would send it: gelu's "none"/"tanh", an integer for an integer
 * parameter, null where there is none (softplus threshold, maxout). */
static json_t *default_value(const activ_param_spec *s)
{
    if (s->type == ACTIV_PT_APPROXIMATE)
        return json_string(s->def != 0.0 ? "tanh" : "none");
    if (s->type == ACTIV_PT_INT && isfinite(s->def))
        return json_integer((json_int_t)s->def);
    return number(s->def);
}

/* {"min": lo, "exclusive_min": bool, "max": hi, "exclusive_max": bool}; a side with no bound
 * (NaN) is left out, so an unbounded parameter has {}. */
static json_t *domain(const activ_param_spec *s)
{
    json_t *d = json_object();
    bool ok = d != NULL;
    if (ok && !isnan(s->lo))
        ok = set(d, "min", number(s->lo)) && set(d, "exclusive_min", json_boolean(s->lo_open));
    if (ok && !isnan(s->hi))
        ok = set(d, "max", number(s->hi)) && set(d, "exclusive_max", json_boolean(s->hi_open));
    if (!ok) {
        json_decref(d);
        return NULL;
    }
    return d;
}

static json_t *param_to_json(const activ_param_spec *s)
{
    json_t *p = json_object();
    bool ok = set(p, "name", json_string(s->name)) &&
              set(p, "aliases", strings(s->aliases, sizeof s->aliases / sizeof s->aliases[0])) &&
              set(p, "type", json_string(type_names[s->type])) &&
              set(p, "default", default_value(s)) && set(p, "domain", domain(s));
    if (ok && s->type == ACTIV_PT_APPROXIMATE) {
        static const char *const values[] = {"none", "tanh"};
        ok = set(p, "values", strings(values, sizeof values / sizeof values[0]));
    }
    ok = ok && set(p, "doc", json_string(s->doc));
    if (!ok) {
        json_decref(p);
        return NULL;
    }
    return p;
}

static json_t *params_to_json(const activ_catalog_entry *e)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    for (size_t i = 0; i < e->n_params; i++) {
        if (!append(arr, param_to_json(&e->params[i]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *properties_to_json(const activ_catalog_entry *e)
{
    json_t *p = json_object();
    bool ok = set(p, "monotonic", json_boolean(e->monotonic)) &&
              set(p, "smooth", json_boolean(e->smooth)) &&
              set(p, "zero_centered", json_boolean(e->zero_centered)) &&
              set(p, "saturation", json_string(saturation_names[e->saturation])) &&
              set(p, "max_abs_grad", number(e->max_abs_grad));
    if (!ok) {
        json_decref(p);
        return NULL;
    }
    return p;
}

/* [lo, hi], null for an infinite end. */
static json_t *bounds_to_json(const activ_catalog_entry *e)
{
    json_t *arr = json_array();
    if (!append(arr, number(e->range_lo)) || !append(arr, number(e->range_hi))) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* One catalog entry, keys in the order the API document lists them. */
static json_t *entry_to_json(const activ_catalog_entry *e)
{
    const activ_catalog_text *t = e->text;
    json_t *o = json_object();
    bool ok =
        set(o, "name", json_string(e->name)) &&
        set(o, "aliases", strings(e->aliases, sizeof e->aliases / sizeof e->aliases[0])) &&
        set(o, "kind", json_string(e->kind == ACTIV_KIND_ROWWISE ? "rowwise" : "elementwise")) &&
        set(o, "params", params_to_json(e)) && set(o, "formula", json_string(t->formula_latex)) &&
        set(o, "derivative", json_string(t->derivative_latex)) &&
        set(o, "range", json_string(e->range)) && set(o, "range_bounds", bounds_to_json(e)) &&
        set(o, "properties", properties_to_json(e)) && set(o, "summary", json_string(t->summary)) &&
        set(o, "pros", sentences(t->pros)) && set(o, "cons", sentences(t->cons)) &&
        set(o, "uses", sentences(t->uses)) && set(o, "source", json_string(t->source));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Serializes a freshly built root, or answers 503 when building it failed; drops root. The
 * catalog is static, so a NULL here can only mean out of memory. */
static void answer(activ_response *res, json_t *root)
{
    if (!root) {
        activ_service_set_overloaded(res);
        return;
    }
    activ_service_set_json(res, 200, root);
    json_decref(root);
}

/* GET /activations: {"activations": [entry, ...]} in catalog order. Built per request (a few
 * tens of kilobytes, well under a millisecond) because the service keeps no mutable state. */
void activ_catalog_json_list(const activ_service *svc, const activ_request *req,
                             activ_response *res)
{
    (void)svc;
    (void)req;
    size_t count = 0;
    const activ_catalog_entry *all = activ_catalog_all(&count);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < count; i++) {
        if (!append(arr, entry_to_json(&all[i]))) {
            json_decref(arr);
            arr = NULL;
        }
    }
    json_t *root = json_object();
    if (!set(root, "activations", arr)) {
        json_decref(root);
        root = NULL;
    }
    answer(res, root);
}

/* GET /activations/{name}: the entry of a canonical name or alias; 404 for anything else.
 * The router only sends paths that start with the prefix and go on after it. */
void activ_catalog_json_one(const activ_service *svc, const activ_request *req, activ_response *res)
{
    (void)svc;
    const char *name = req->path + strlen(NAME_PREFIX);
    const activ_catalog_entry *e = activ_catalog_find(name);
    if (!e) {
        /* Cut long names: the message stays one readable sentence. A cut inside a UTF-8
         * sequence is repaired by activ_service_error_response. */
        size_t len = strlen(name);
        activ_service_error_response(res, ACTIV_CODE_NOT_FOUND, NULL,
                                     "unknown activation \"%.*s\"%s; GET /activations lists "
                                     "every name and alias",
                                     NAME_SHOWN, name, len > NAME_SHOWN ? "..." : "");
        return;
    }
    answer(res, entry_to_json(e));
}

/* GET /openapi.yaml: api/openapi.yaml, embedded at build time. */
void activ_catalog_json_openapi(const activ_service *svc, const activ_request *req,
                                activ_response *res)
{
    (void)svc;
    (void)req;
    activ_service_set_static(res, 200, YAML_TYPE, (const char *)activ_openapi_yaml,
                             activ_openapi_yaml_len);
}
