/* test_pathological.c -- bodies built to hurt a JSON service get their exact answer, in
 * bounded time (the test case's timeout) and without a crash or a leak (valgrind, ASan)
 *
 * The service layer has no body limit of its own (the HTTP layer's --max-body is 1 MiB by
 * default), so these go straight to it: a million-element vector, 100,000-deep nesting, a
 * 1 MB string, 200,000 one-element rows, exponents of a billion, 10,000 keys, bytes that are
 * not UTF-8. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/service.h"
#include "check_main.h"
#include "service_call.h"

/* A growing text buffer for building bodies. */
typedef struct text {
    char *s;
    size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + n + 1)
            cap *= 2;
        t->s = realloc(t->s, cap);
        ck_assert_ptr_nonnull(t->s);
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void put_str(text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* POSTs t to path; returns the response (the caller finishes it). */
static activ_response post(const activ_service *svc, const char *path, const text *t)
{
    return handle_json(svc, "POST", path, t->s, t->len);
}

/* Checks that res is an error answer with this status and code, and a short message. */
static void check_error(const activ_response *res, int status, const char *code)
{
    ck_assert_msg(res->status == status, "status %d, want %d: %.300s", res->status, status,
                  res->body);
    json_t *root = json_loadb(res->body, res->body_len, 0, NULL);
    ck_assert_ptr_nonnull(root);
    const char *got = json_string_value(json_object_get(json_object_get(root, "error"), "code"));
    ck_assert_msg(got && strcmp(got, code) == 0, "code %s, want %s", got ? got : "(none)", code);
    /* messages quote client input only briefly */
    const char *msg = json_string_value(json_object_get(json_object_get(root, "error"), "message"));
    ck_assert_ptr_nonnull(msg);
    ck_assert_uint_lt(strlen(msg), 400);
    json_decref(root);
}

START_TEST(million_element_vector_is_evaluated)
{
    enum { N = 1000000 };
    activ_service *svc = new_service();
    text t = {0};
    put_str(&t, "{\"activation\": \"relu\", \"x\": [");
    for (int i = 0; i < N; i++) {
        /* -3, -2, ..., 3 repeating: relu gives 0, 0, 0, 0, 1, 2, 3 */
        char num[16];
        int n = snprintf(num, sizeof num, "%s%d", i ? "," : "", i % 7 - 3);
        put(&t, num, (size_t)n);
    }
    put_str(&t, "]}");
    activ_response res = post(svc, "/evaluate", &t);
    ck_assert_int_eq(res.status, 200);
    json_t *root = json_loadb(res.body, res.body_len, 0, NULL);
    json_t *y = json_object_get(root, "y");
    ck_assert_uint_eq(json_array_size(y), N);
    for (size_t i = 0; i < N; i++) {
        double want = i % 7 > 3 ? (double)(i % 7 - 3) : 0.0;
        if (json_real_value(json_array_get(y, i)) != want)
            ck_abort_msg("y[%zu] = %g, want %g", i, json_real_value(json_array_get(y, i)), want);
    }
    json_decref(root);
    activ_service_response_fini(&res);
    free(t.s);
    activ_service_free(svc);
}
END_TEST

START_TEST(deep_nesting_is_refused_before_parsing)
{
    enum { DEPTH = 100000 };
    activ_service *svc = new_service();
    text t = {0};
    put_str(&t, "{\"activation\": \"relu\", \"x\": ");
    for (int i = 0; i < DEPTH; i++)
        put_str(&t, "[");
    for (int i = 0; i < DEPTH; i++)
        put_str(&t, "]");
    put_str(&t, "}");
    activ_response res = post(svc, "/evaluate", &t);
    check_error(&res, 400, "invalid_json");
    activ_service_response_fini(&res);
    /* the same for objects, and unclosed */
    t.len = 0;
    for (int i = 0; i < DEPTH; i++)
        put_str(&t, "{\"a\":");
    res = post(svc, "/recommend", &t);
    check_error(&res, 400, "invalid_json");
    activ_service_response_fini(&res);
    free(t.s);
    activ_service_free(svc);
}
END_TEST

START_TEST(megabyte_strings_are_refused_with_a_short_message)
{
    activ_service *svc = new_service();
    text t = {0};
    put_str(&t, "{\"activation\": \"");
    for (int i = 0; i < 1 << 20; i++)
        put(&t, "a", 1);
    put_str(&t, "\", \"x\": [1]}");
    activ_response res = post(svc, "/evaluate", &t);
    check_error(&res, 422, "unknown_activation");
    activ_service_response_fini(&res);
    /* as a key */
    t.len = 0;
    put_str(&t, "{\"activation\": \"relu\", \"x\": [1], \"");
    for (int i = 0; i < 1 << 20; i++)
        put(&t, "k", 1);
    put_str(&t, "\": 1}");
    res = post(svc, "/evaluate", &t);
    check_error(&res, 422, "invalid_request");
    activ_service_response_fini(&res);
    /* as a /recommend value */
    t.len = 0;
    put_str(&t, "{\"layer\": \"");
    for (int i = 0; i < 1 << 20; i++)
        put(&t, "h", 1);
    put_str(&t, "\"}");
    res = post(svc, "/recommend", &t);
    check_error(&res, 422, "invalid_request");
    activ_service_response_fini(&res);
    free(t.s);
    activ_service_free(svc);
}
END_TEST

START_TEST(many_tiny_rows_are_evaluated)
{
    enum { ROWS = 200000 };
    activ_service *svc = new_service();
    text t = {0};
    put_str(&t, "{\"activation\": \"softmax\", \"x\": [");
    for (int i = 0; i < ROWS; i++)
        put_str(&t, i ? ",[5]" : "[5]");
    put_str(&t, "]}");
    activ_response res = post(svc, "/evaluate", &t);
    ck_assert_int_eq(res.status, 200);
    json_t *root = json_loadb(res.body, res.body_len, 0, NULL);
    json_t *y = json_object_get(root, "y");
    ck_assert_uint_eq(json_array_size(y), ROWS);
    for (size_t i = 0; i < ROWS; i++) {
        json_t *row = json_array_get(y, i);
        if (json_array_size(row) != 1 || json_real_value(json_array_get(row, 0)) != 1.0)
            ck_abort_msg("row %zu is not [1.0]", i);
    }
    json_decref(root);
    activ_service_response_fini(&res);
    free(t.s);
    activ_service_free(svc);
}
END_TEST

START_TEST(huge_exponents_overflow_to_an_error_or_underflow_to_zero)
{
    activ_service *svc = new_service();
    text t = {0};
    put_str(&t, "{\"activation\": \"relu\", \"x\": [1e999999999]}");
    activ_response res = post(svc, "/evaluate", &t);
    check_error(&res, 422, "invalid_request");
    activ_service_response_fini(&res);

    t.len = 0;
    put_str(&t, "{\"activation\": \"relu\", \"x\": [-1e-999999999, 1e-99999999999999999999]}");
    res = post(svc, "/evaluate", &t);
    ck_assert_int_eq(res.status, 200);
    ck_assert_ptr_nonnull(strstr(res.body, "\"y\":[0.0,0.0]"));
    activ_service_response_fini(&res);

    /* an integer of 100,000 digits */
    t.len = 0;
    put_str(&t, "{\"activation\": \"relu\", \"x\": [1");
    for (int i = 0; i < 100000; i++)
        put(&t, "0", 1);
    put_str(&t, "]}");
    res = post(svc, "/evaluate", &t);
    check_error(&res, 422, "invalid_request");
    activ_service_response_fini(&res);
    free(t.s);
    activ_service_free(svc);
}
END_TEST

START_TEST(thousands_of_keys_are_refused)
{
    activ_service *svc = new_service();
    text t = {0};
    put_str(&t, "{");
    for (int i = 0; i < 10000; i++) {
        char key[32];
        snprintf(key, sizeof key, "\"k%d\": %d, ", i, i);
        put_str(&t, key);
    }
    put_str(&t, "\"activation\": \"relu\", \"x\": [1]}");
    activ_response res = post(svc, "/evaluate", &t);
    check_error(&res, 422, "invalid_request");
    activ_service_response_fini(&res);
    /* and as parameters */
    t.len = 0;
    put_str(&t, "{\"activation\": \"elu\", \"x\": [1], \"params\": {");
    for (int i = 0; i < 10000; i++) {
        char key[32];
        snprintf(key, sizeof key, "%s\"p%d\": %d", i ? ", " : "", i, i);
        put_str(&t, key);
    }
    put_str(&t, "}}");
    res = post(svc, "/evaluate", &t);
    check_error(&res, 422, "invalid_params");
    activ_service_response_fini(&res);
    free(t.s);
    activ_service_free(svc);
}
END_TEST

START_TEST(invalid_utf8_is_invalid_json)
{
    static const char *const bodies[] = {
        "{\"activation\": \"re\xfflu\", \"x\": [1]}",          /* a byte never in UTF-8 */
        "{\"activation\": \"relu\", \"x\": [1], \"\xc3\": 1}", /* cut mid-character */
        "{\"activation\": \"\xed\xa0\x80\", \"x\": [1]}",      /* an encoded surrogate */
        "{\"activation\": \"\xc0\xaf\", \"x\": [1]}",          /* an overlong encoding */
        "{\"activation\": \"\\ud800\", \"x\": [1]}",           /* an escaped lone surrogate */
    };
    activ_service *svc = new_service();
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        activ_response res = handle_json(svc, "POST", "/evaluate", bodies[i], strlen(bodies[i]));
        check_error(&res, 400, "invalid_json");
        activ_service_response_fini(&res);
    }
    activ_service_free(svc);
}
END_TEST

static Suite *pathological_suite(void)
{
    Suite *s = suite_create("pathological");
    TCase *tc = tcase_create("bodies");
    /* generous: valgrind runs this suite too; the plain build takes about a second */
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, million_element_vector_is_evaluated);
    tcase_add_test(tc, deep_nesting_is_refused_before_parsing);
    tcase_add_test(tc, megabyte_strings_are_refused_with_a_short_message);
    tcase_add_test(tc, many_tiny_rows_are_evaluated);
    tcase_add_test(tc, huge_exponents_overflow_to_an_error_or_underflow_to_zero);
    tcase_add_test(tc, thousands_of_keys_are_refused);
    tcase_add_test(tc, invalid_utf8_is_invalid_json);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(pathological_suite());
}
