/* test_catalog_json.c -- GET /activations, /activations/{name} and /openapi.yaml, no socket */
#include "activ/catalog.h"
#include "activ/service.h"

#include "alloc_fail.h"
#include "check_main.h"
#include "service_call.h"
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a)     (sizeof(a) / sizeof((a)[0]))
#define OPENAPI_FILE "api/openapi.yaml" /* tests run from the repository root */

/* SPEC.md section 1, in catalog order. */
static const char *const NAMES[] = {
    "binary_step", "linear",      "sigmoid",     "tanh",           "relu",        "leaky_relu",
    "prelu",       "elu",         "selu",        "celu",           "gelu",        "silu",
    "mish",        "softplus",    "softsign",    "hardtanh",       "relu6",       "hardsigmoid",
    "hardswish",   "log_sigmoid", "tanhshrink",  "softshrink",     "hardshrink",  "threshold",
    "rrelu",       "squareplus",  "sparse_plus", "sparse_sigmoid", "exponential", "lisht",
    "snake",       "softmax",     "log_softmax", "softmin",        "sparsemax",   "glu",
    "crelu",       "maxout",
};

/* ---------------------------------------------------------------- helpers */

/* Parses a response body; fails the test unless it is a JSON object. */
static json_t *parse_body(const activ_response *res)
{
    ck_assert_str_eq(res->content_type, "application/json");
    json_error_t jerr;
    json_t *root = json_loadb(res->body, res->body_len, JSON_REJECT_DUPLICATES, &jerr);
    ck_assert_msg(root != NULL, "not JSON (%s): %.*s", jerr.text, (int)res->body_len, res->body);
    ck_assert(json_is_object(root));
    return root;
}

/* GET path, expecting 200 and a JSON object, which the caller frees. */
static json_t *get_json(const char *path)
{
    activ_service *svc = new_service();
    activ_response res = handle(svc, "GET", path);
    ck_assert_msg(res.status == 200, "GET %s: %d %.*s", path, res.status, (int)res.body_len,
                  res.body);
    json_t *root = parse_body(&res);
    activ_service_response_fini(&res);
    activ_service_free(svc);
    return root;
}

/* The entry of GET /activations/{name}. */
static json_t *get_entry(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/activations/%s", name);
    return get_json(path);
}

/* The parameter of an entry by name; fails the test when it is missing. */
static json_t *param(json_t *entry, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(entry, "params"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
            return p;
    }
    ck_abort_msg("no parameter %s", name);
    return NULL;
}

/* Checks an error body: {"error":{"code":code,"message":"<non-empty>"}} without "path", and
 * returns the message (valid while root lives). */
static const char *check_error(const activ_response *res, int status, const char *code,
                               json_t **root_out)
{
    ck_assert_int_eq(res->status, status);
    json_t *root = parse_body(res);
    json_t *error = json_object_get(root, "error");
    ck_assert(json_is_object(error));
    ck_assert_str_eq(json_string_value(json_object_get(error, "code")), code);
    const char *message = json_string_value(json_object_get(error, "message"));
    ck_assert_ptr_nonnull(message);
    ck_assert_uint_gt(strlen(message), 0);
    ck_assert_ptr_null(json_object_get(error, "path"));
    ck_assert_uint_eq(json_object_size(error), 2);
    ck_assert_uint_eq(json_object_size(root), 1);
    *root_out = root;
    return message;
}

/* A JSON number equal to v bit for bit, or null where v is not finite. */
static void check_number_or_null(const json_t *j, double v, const char *what)
{
    if (!isfinite(v)) {
        ck_assert_msg(json_is_null(j), "%s: want null", what);
        return;
    }
    ck_assert_msg(json_is_number(j), "%s: want a number", what);
    ck_assert_msg(json_number_value(j) == v, "%s: %.17g, want %.17g", what, json_number_value(j),
                  v);
}

static void check_string_array(const json_t *arr, bool nonempty, const char *what)
{
    ck_assert_msg(json_is_array(arr), "%s: not an array", what);
    if (nonempty)
        ck_assert_msg(json_array_size(arr) > 0, "%s: empty", what);
    size_t i;
    const json_t *s;
    json_array_foreach(arr, i, s)
    {
        ck_assert_msg(json_is_string(s) && json_string_length(s) > 0, "%s/%zu: not a string", what,
                      i);
    }
}

static void check_nonempty_string(const json_t *j, const char *what)
{
    ck_assert_msg(json_is_string(j) && json_string_length(j) > 0, "%s: not a string", what);
}

/* ---------------------------------------------------------------- the list */

START_TEST(list_has_38_entries_in_catalog_order)
{
    json_t *root = get_json("/activations");
    ck_assert_uint_eq(json_object_size(root), 1);
    json_t *arr = json_object_get(root, "activations");
    ck_assert(json_is_array(arr));
    ck_assert_uint_eq(json_array_size(arr), COUNT(NAMES));
    ck_assert_uint_eq(json_array_size(arr), ACTIV_FN_COUNT);
    for (size_t i = 0; i < COUNT(NAMES); i++) {
        json_t *name = json_object_get(json_array_get(arr, i), "name");
        ck_assert_str_eq(json_string_value(name), NAMES[i]);
    }
    json_decref(root);
}
END_TEST

/* Every key of an entry with its type, and its values equal to the catalog's. */
START_TEST(list_entry_has_every_key_with_its_type)
{
    const activ_catalog_entry *e = activ_catalog_get((activ_fn_id)_i);
    json_t *root = get_json("/activations");
    json_t *j = json_array_get(json_object_get(root, "activations"), (size_t)_i);
    ck_assert(json_is_object(j));
    ck_assert_uint_eq(json_object_size(j), 14);

    ck_assert_str_eq(json_string_value(json_object_get(j, "name")), e->name);
    json_t *aliases = json_object_get(j, "aliases");
    check_string_array(aliases, false, "aliases");
    for (size_t a = 0; a < json_array_size(aliases); a++)
        ck_assert_str_eq(json_string_value(json_array_get(aliases, a)), e->aliases[a]);
    ck_assert_str_eq(json_string_value(json_object_get(j, "kind")),
                     e->kind == ACTIV_KIND_ROWWISE ? "rowwise" : "elementwise");

    json_t *params = json_object_get(j, "params");
    ck_assert(json_is_array(params));
    ck_assert_uint_eq(json_array_size(params), e->n_params);
    static const char *const types[] = {"number", "number_or_null", "integer", "number_or_array",
                                        "array",  "matrix",         "enum"};
    for (size_t i = 0; i < e->n_params; i++) {
        const activ_param_spec *s = &e->params[i];
        json_t *p = json_array_get(params, i);
        ck_assert(json_is_object(p));
        ck_assert_str_eq(json_string_value(json_object_get(p, "name")), s->name);
        check_string_array(json_object_get(p, "aliases"), false, "param aliases");
        const char *type = json_string_value(json_object_get(p, "type"));
        ck_assert_ptr_nonnull(type);
        bool known = false;
        for (size_t t = 0; t < COUNT(types); t++)
            known = known || strcmp(type, types[t]) == 0;
        ck_assert_msg(known, "%s.%s: type %s", e->name, s->name, type);
        ck_assert_uint_eq(json_object_size(p), strcmp(type, "enum") == 0 ? 7 : 6);
        json_t *def = json_object_get(p, "default");
        ck_assert_ptr_nonnull(def);
        if (strcmp(type, "enum") != 0)
            check_number_or_null(def, s->def, "default");
        json_t *domain = json_object_get(p, "domain");
        ck_assert(json_is_object(domain));
        ck_assert_uint_eq(json_object_size(domain),
                          (isnan(s->lo) ? 0 : 2) + (isnan(s->hi) ? 0 : 2));
        if (!isnan(s->lo)) {
            check_number_or_null(json_object_get(domain, "min"), s->lo, "min");
            ck_assert(json_is_boolean(json_object_get(domain, "exclusive_min")));
            ck_assert(json_boolean_value(json_object_get(domain, "exclusive_min")) == s->lo_open);
        }
        if (!isnan(s->hi)) {
            check_number_or_null(json_object_get(domain, "max"), s->hi, "max");
            ck_assert(json_boolean_value(json_object_get(domain, "exclusive_max")) == s->hi_open);
        }
        check_nonempty_string(json_object_get(p, "doc"), "doc");
    }

    check_nonempty_string(json_object_get(j, "formula"), "formula");
    check_nonempty_string(json_object_get(j, "derivative"), "derivative");
    ck_assert_str_eq(json_string_value(json_object_get(j, "range")), e->range);
    json_t *bounds = json_object_get(j, "range_bounds");
    ck_assert(json_is_array(bounds));
    ck_assert_uint_eq(json_array_size(bounds), 2);
    check_number_or_null(json_array_get(bounds, 0), e->range_lo, "range_bounds/0");
    check_number_or_null(json_array_get(bounds, 1), e->range_hi, "range_bounds/1");

    json_t *props = json_object_get(j, "properties");
    ck_assert(json_is_object(props));
    ck_assert_uint_eq(json_object_size(props), 5);
    ck_assert(json_is_boolean(json_object_get(props, "monotonic")));
    ck_assert(json_boolean_value(json_object_get(props, "monotonic")) == e->monotonic);
    ck_assert(json_boolean_value(json_object_get(props, "smooth")) == e->smooth);
    ck_assert(json_boolean_value(json_object_get(props, "zero_centered")) == e->zero_centered);
    ck_assert(json_is_boolean(json_object_get(props, "smooth")));
    ck_assert(json_is_boolean(json_object_get(props, "zero_centered")));
    static const char *const sat[] = {"none", "left", "right", "both"};
    ck_assert_str_eq(json_string_value(json_object_get(props, "saturation")), sat[e->saturation]);
    check_number_or_null(json_object_get(props, "max_abs_grad"), e->max_abs_grad, "max_abs_grad");

    check_nonempty_string(json_object_get(j, "summary"), "summary");
    check_string_array(json_object_get(j, "pros"), true, "pros");
    check_string_array(json_object_get(j, "cons"), true, "cons");
    check_string_array(json_object_get(j, "uses"), true, "uses");
    check_nonempty_string(json_object_get(j, "source"), "source");
    json_decref(root);
}
END_TEST

START_TEST(list_entry_equals_its_single_entry)
{
    json_t *root = get_json("/activations");
    json_t *listed = json_array_get(json_object_get(root, "activations"), (size_t)_i);
    json_t *one = get_entry(NAMES[_i]);
    ck_assert_msg(json_equal(listed, one), "%s differs", NAMES[_i]);
    json_decref(one);
    json_decref(root);
}
END_TEST

/* ---------------------------------------------------------------- spot values */

START_TEST(sigmoid_bounds_and_max_grad)
{
    json_t *e = get_entry("sigmoid");
    json_t *bounds = json_object_get(e, "range_bounds");
    ck_assert(json_real_value(json_array_get(bounds, 0)) == 0.0);
    ck_assert(json_real_value(json_array_get(bounds, 1)) == 1.0);
    json_t *props = json_object_get(e, "properties");
    ck_assert(json_number_value(json_object_get(props, "max_abs_grad")) == 0.25);
    ck_assert_str_eq(json_string_value(json_object_get(props, "saturation")), "both");
    ck_assert(json_is_true(json_object_get(props, "monotonic")));
    ck_assert(json_is_false(json_object_get(props, "zero_centered")));
    ck_assert_uint_eq(json_array_size(json_object_get(e, "params")), 0);
    json_decref(e);
}
END_TEST

START_TEST(exponential_max_grad_is_null)
{
    json_t *e = get_entry("exponential");
    ck_assert(json_is_null(json_object_get(json_object_get(e, "properties"), "max_abs_grad")));
    json_decref(e);
}
END_TEST

START_TEST(relu_range_is_unbounded_above)
{
    json_t *e = get_entry("relu");
    json_t *bounds = json_object_get(e, "range_bounds");
    ck_assert(json_number_value(json_array_get(bounds, 0)) == 0.0);
    ck_assert(json_is_null(json_array_get(bounds, 1)));
    ck_assert_str_eq(json_string_value(json_object_get(e, "range")), "[0, inf)");
    json_decref(e);
}
END_TEST

START_TEST(leaky_relu_alpha_default_and_alias)
{
    json_t *e = get_entry("leaky_relu");
    json_t *alpha = param(e, "alpha");
    ck_assert_str_eq(json_string_value(json_object_get(alpha, "type")), "number");
    ck_assert(json_real_value(json_object_get(alpha, "default")) == 0.01);
    json_t *aliases = json_object_get(alpha, "aliases");
    ck_assert_uint_eq(json_array_size(aliases), 1);
    ck_assert_str_eq(json_string_value(json_array_get(aliases, 0)), "negative_slope");
    ck_assert_uint_eq(json_object_size(json_object_get(alpha, "domain")), 0);
    json_decref(e);
}
END_TEST

START_TEST(softplus_threshold_null_and_beta_positive)
{
    json_t *e = get_entry("softplus");
    json_t *threshold = param(e, "threshold");
    ck_assert(json_is_null(json_object_get(threshold, "default")));
    ck_assert_str_eq(json_string_value(json_object_get(threshold, "type")), "number_or_null");
    json_t *domain = json_object_get(param(e, "beta"), "domain");
    ck_assert(json_real_value(json_object_get(domain, "min")) == 0.0);
    ck_assert(json_is_true(json_object_get(domain, "exclusive_min")));
    ck_assert_ptr_null(json_object_get(domain, "max"));
    ck_assert(json_real_value(json_object_get(param(e, "beta"), "default")) == 1.0);
    json_decref(e);
}
END_TEST

START_TEST(gelu_approximate_is_an_enum)
{
    json_t *e = get_entry("gelu");
    json_t *approx = param(e, "approximate");
    ck_assert_str_eq(json_string_value(json_object_get(approx, "type")), "enum");
    ck_assert_str_eq(json_string_value(json_object_get(approx, "default")), "none");
    json_t *values = json_object_get(approx, "values");
    ck_assert_uint_eq(json_array_size(values), 2);
    ck_assert_str_eq(json_string_value(json_array_get(values, 0)), "none");
    ck_assert_str_eq(json_string_value(json_array_get(values, 1)), "tanh");
    json_decref(e);
}
END_TEST

START_TEST(maxout_params_k_weights_bias)
{
    json_t *e = get_entry("maxout");
    ck_assert_str_eq(json_string_value(json_object_get(e, "kind")), "rowwise");
    json_t *params = json_object_get(e, "params");
    ck_assert_uint_eq(json_array_size(params), 3);
    static const char *const names[] = {"k", "weights", "bias"};
    static const char *const types[] = {"integer", "matrix", "array"};
    for (size_t i = 0; i < 3; i++) {
        json_t *p = json_array_get(params, i);
        ck_assert_str_eq(json_string_value(json_object_get(p, "name")), names[i]);
        ck_assert_str_eq(json_string_value(json_object_get(p, "type")), types[i]);
        ck_assert(json_is_null(json_object_get(p, "default")));
    }
    json_t *k = json_array_get(params, 0);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(k, "aliases"), 0)),
                     "pool_size");
    json_t *domain = json_object_get(k, "domain");
    ck_assert(json_number_value(json_object_get(domain, "min")) == 1.0);
    ck_assert(json_is_false(json_object_get(domain, "exclusive_min")));
    json_decref(e);
}
END_TEST

START_TEST(prelu_alpha_is_number_or_array)
{
    json_t *e = get_entry("prelu");
    json_t *alpha = param(e, "alpha");
    ck_assert_str_eq(json_string_value(json_object_get(alpha, "type")), "number_or_array");
    ck_assert(json_real_value(json_object_get(alpha, "default")) == 0.25);
    json_decref(e);
}
END_TEST

/* ---------------------------------------------------------------- one entry */

static const char *const ALIASES[][2] = {
    {"swish", "silu"},          {"logistic", "sigmoid"},       {"hard_swish", "hardswish"},
    {"hard_silu", "hardswish"}, {"exp", "exponential"},        {"step", "binary_step"},
    {"identity", "linear"},     {"logsigmoid", "log_sigmoid"},
};

START_TEST(alias_gives_the_canonical_entry)
{
    json_t *e = get_entry(ALIASES[_i][0]);
    ck_assert_str_eq(json_string_value(json_object_get(e, "name")), ALIASES[_i][1]);
    json_t *canonical = get_entry(ALIASES[_i][1]);
    ck_assert(json_equal(e, canonical));
    json_decref(canonical);
    json_decref(e);
}
END_TEST

START_TEST(unknown_name_is_404_naming_it)
{
    activ_service *svc = new_service();
    activ_response res = handle(svc, "GET", "/activations/nope");
    json_t *root = NULL;
    const char *message = check_error(&res, 404, "not_found", &root);
    ck_assert_ptr_nonnull(strstr(message, "\"nope\""));
    ck_assert_ptr_nonnull(strstr(message, "GET /activations"));
    json_decref(root);
    activ_service_response_fini(&res);
    activ_service_free(svc);
}
END_TEST

/* Case, stray slashes, spaces, quotes, control bytes, invalid UTF-8, very long names: all a
 * plain 404 with a short message. */
START_TEST(odd_names_are_404)
{
    static char long_name[14 + 4096];
    memcpy(long_name, "/activations/", 13);
    memset(long_name + 13, 'a', 4096);
    long_name[sizeof long_name - 1] = '\0';
    static char long_utf8[14 + 3 * 100];
    memcpy(long_utf8, "/activations/", 13);
    for (size_t i = 0; i < 100; i++)
        memcpy(long_utf8 + 13 + 3 * i, "\xe2\x82\xac", 3); /* the 64-byte cut splits a euro sign */
    long_utf8[sizeof long_utf8 - 1] = '\0';
    const char *paths[] = {
        "/activations/SIGMOID",
        "/activations/sigmoid/",
        "/activations/ sigmoid",
        "/activations/a/b",
        "/activations/\"x\\\n",
        "/activations/caf\xc3\xa9\xff",
        "/activations/%73igmoid",
        "/activations//",
        "/activations/",
        long_name,
        long_utf8,
    };
    activ_service *svc = new_service();
    for (size_t i = 0; i < COUNT(paths); i++) {
        activ_response res = handle(svc, "GET", paths[i]);
        json_t *root = NULL;
        const char *message = check_error(&res, 404, "not_found", &root);
        ck_assert_uint_lt(strlen(message), 200);
        json_decref(root);
        activ_service_response_fini(&res);
    }
    activ_service_free(svc);
}
END_TEST

/* ---------------------------------------------------------------- methods, openapi */

START_TEST(wrong_method_is_405_allow_get)
{
    const char *paths[] = {"/activations", "/activations/sigmoid", "/activations/nope",
                           "/openapi.yaml"};
    const char *methods[] = {"POST", "PUT", "DELETE", "PATCH"};
    activ_service *svc = new_service();
    for (size_t p = 0; p < COUNT(paths); p++) {
        for (size_t m = 0; m < COUNT(methods); m++) {
            activ_request req = {.method = methods[m],
                                 .path = paths[p],
                                 .content_type = "application/json",
                                 .body = "{}",
                                 .body_len = 2};
            activ_response res;
            activ_service_handle(svc, &req, &res);
            json_t *root = NULL;
            check_error(&res, 405, "method_not_allowed", &root);
            ck_assert_str_eq(res.allow, "GET");
            json_decref(root);
            activ_service_response_fini(&res);
        }
    }
    activ_service_free(svc);
}
END_TEST

START_TEST(openapi_yaml_is_the_file_byte_for_byte)
{
    FILE *f = fopen(OPENAPI_FILE, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (run from the repository root)", OPENAPI_FILE);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    ck_assert_int_gt(size, 0);
    rewind(f);
    char *want = malloc((size_t)size);
    ck_assert_ptr_nonnull(want);
    ck_assert_uint_eq(fread(want, 1, (size_t)size, f), (size_t)size);
    fclose(f);

    activ_service *svc = new_service();
    activ_response res = handle(svc, "GET", "/openapi.yaml");
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, "application/yaml");
    ck_assert_uint_eq(res.body_len, (size_t)size);
    ck_assert_int_eq(memcmp(res.body, want, (size_t)size), 0);
    ck_assert_ptr_null(res.owned); /* static: nothing to free */
    activ_service_response_fini(&res);
    activ_service_free(svc);
    free(want);
}
END_TEST

/* ---------------------------------------------------------------- out of memory */

/* Every allocation failure answering GET path: the full answer or a 503, nothing leaked. */
static void check_get_allocation_failures(const char *path, int want)
{
    activ_service *svc = new_service();
    activ_request req = {.method = "GET", .path = path};
    ck_assert_uint_gt(check_every_allocation_failure(svc, &req, want, 0), 10);
    activ_service_free(svc);
}

START_TEST(one_entry_survives_every_allocation_failure)
{
    check_get_allocation_failures("/activations/maxout", 200);
    check_get_allocation_failures("/activations/gelu", 200);
    check_get_allocation_failures("/activations/nope", 404);
}
END_TEST

START_TEST(list_survives_every_allocation_failure)
{
    check_get_allocation_failures("/activations", 200);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *catalog_json_suite(void)
{
    Suite *s = suite_create("catalog_json");

    TCase *tc = tcase_create("list");
    tcase_add_test(tc, list_has_38_entries_in_catalog_order);
    tcase_add_loop_test(tc, list_entry_has_every_key_with_its_type, 0, ACTIV_FN_COUNT);
    tcase_add_loop_test(tc, list_entry_equals_its_single_entry, 0, (int)COUNT(NAMES));
    suite_add_tcase(s, tc);

    tc = tcase_create("spot_values");
    tcase_add_test(tc, sigmoid_bounds_and_max_grad);
    tcase_add_test(tc, exponential_max_grad_is_null);
    tcase_add_test(tc, relu_range_is_unbounded_above);
    tcase_add_test(tc, leaky_relu_alpha_default_and_alias);
    tcase_add_test(tc, softplus_threshold_null_and_beta_positive);
    tcase_add_test(tc, gelu_approximate_is_an_enum);
    tcase_add_test(tc, maxout_params_k_weights_bias);
    tcase_add_test(tc, prelu_alpha_is_number_or_array);
    suite_add_tcase(s, tc);

    tc = tcase_create("one_entry");
    tcase_add_loop_test(tc, alias_gives_the_canonical_entry, 0, (int)COUNT(ALIASES));
    tcase_add_test(tc, unknown_name_is_404_naming_it);
    tcase_add_test(tc, odd_names_are_404);
    suite_add_tcase(s, tc);

    tc = tcase_create("routing_and_openapi");
    tcase_add_test(tc, wrong_method_is_405_allow_get);
    tcase_add_test(tc, openapi_yaml_is_the_file_byte_for_byte);
    suite_add_tcase(s, tc);

    tc = tcase_create("out_of_memory");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, one_entry_survives_every_allocation_failure);
    tcase_add_test(tc, list_survives_every_allocation_failure);
    suite_add_tcase(s, tc);

    return s;
}

int main(void)
{
    return run_suite(catalog_json_suite());
}
