/* test_alloc.c -- fail the Nth allocation, for every N, in our code and in jansson at once
 *
 * This suite is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free (see
 * the Makefile), so every allocation the server's static libraries make goes through the
 * __wrap_ functions below. jansson's go through them too: the service installs an allocator
 * for jansson (decode.c) that calls malloc from the service library. One counter numbers them
 * all; a sweep fails allocation 0, then 1, ... until a run completes with no failure
 * injected. Every run must answer in full or with 503 `overloaded`, and leave nothing live. */
#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/rules.h"
#include "activ/service.h"
#include "check_main.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

/* The sweep's state. Only the test's own thread allocates while it is armed (the service
 * starts no threads), so plain variables are enough. */
static bool armed;
static size_t count, fail_at, live;

static bool inject(void)
{
    return armed && count++ == fail_at;
}

void *__wrap_malloc(size_t n)
{
    if (inject())
        return NULL;
    void *p = __real_malloc(n);
    if (p && armed)
        live++;
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (inject())
        return NULL;
    void *p = __real_calloc(n, size);
    if (p && armed)
        live++;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (inject())
        return NULL;
    void *q = __real_realloc(p, n);
    if (q && !p && armed)
        live++;
    return q;
}

void __wrap_free(void *p)
{
    if (p && armed)
        live--;
    __real_free(p);
}

/* Arms the counter for one run that fails allocation number `at`. */
static void arm(size_t at)
{
    count = 0;
    live = 0;
    fail_at = at;
    armed = true;
}

/* Disarms it; true when the run made an allocation that was failed. */
static bool disarm(void)
{
    armed = false;
    return count > fail_at;
}

/* A request of the sweep and the status it gets when nothing fails. */
typedef struct sweep_case {
    const char *method;
    const char *path;
    const char *query;
    const char *body;
    int want;
} sweep_case;

static const sweep_case cases[] = {
    {"GET", "/healthz", NULL, NULL, 200},
    {"GET", "/activations", NULL, NULL, 200},
    {"GET", "/activations/prelu", NULL, NULL, 200},
    {"GET", "/activations/nope", NULL, NULL, 404},
    {"GET", "/openapi.yaml", NULL, NULL, 200},
    {"GET", "/nowhere", NULL, NULL, 404},
    {"DELETE", "/evaluate", NULL, NULL, 405},
    {"POST", "/evaluate", NULL, "{\"activation\": \"sigmoid\", \"x\": [0, 1.5, -2]}", 200},
    {"POST", "/evaluate", NULL,
     "{\"activation\": \"prelu\", \"params\": {\"alpha\": [0.5, 0.25]}, \"x\": [[-2, -2], [3, "
     "-4]]}",
     200},
    {"POST", "/evaluate", NULL,
     "{\"activation\": \"maxout\", \"params\": {\"weights\": [[1, 0], [0, 1]], \"bias\": [0, 0.5]},"
     " \"x\": [[1, 2], [4, 1]]}",
     200},
    {"POST", "/evaluate", NULL, "{\"activation\": \"softmax\", \"x\": [[1, 2, 3], [0, 0, 0]]}",
     200},
    {"POST", "/evaluate", NULL, "{\"activation\": \"glu\", \"x\": [[3, 0], [-2, 0]]}", 200},
    /* a token longer than jansson's lexer buffer (16 bytes): when the buffer cannot grow,
     * jansson 2.14 drops the digit and parses 12345678901234567890123 */
    {"POST", "/evaluate", NULL, "{\"activation\": \"relu\", \"x\": [123456789012345678901234]}",
     200},
    {"POST", "/evaluate", NULL, "{\"activation\": \"elu\", \"params\": {\"beta\": 1}, \"x\": [1]}",
     422},
    {"POST", "/evaluate", NULL, "{\"activation\": \"exponential\", \"x\": [1000]}", 422},
    {"POST", "/evaluate", NULL, "{\"activation\": \"relu\", \"x\": [[1], [2, 3]]}", 422},
    {"POST", "/evaluate", NULL, "{\"activation\": \"relu\", \"x\": [1,", 400},
    {"POST", "/differentiate", NULL,
     "{\"activation\": \"sigmoid\", \"x\": [0], \"grad_output\": [2]}", 200},
    {"POST", "/differentiate", NULL,
     "{\"activation\": \"prelu\", \"params\": {\"alpha\": [0.5, 0.25]}, \"x\": [[-1, 2], [-3, -4]],"
     " \"grad_output\": [[1, 1], [2, 1]]}",
     200},
    {"POST", "/differentiate", NULL, "{\"activation\": \"softmax\", \"x\": [[0, 0], [5, 5]]}", 200},
    {"POST", "/differentiate", NULL,
     "{\"activation\": \"maxout\", \"params\": {\"k\": 2}, \"x\": [1, 3, 2, 2]}", 200},
    {"GET", "/recommend", "layer=hidden&depth=12&task=multiclass", NULL, 200},
    {"GET", "/recommend", "layer=sideways", NULL, 422},
    {"POST", "/recommend", NULL, "{\"layer\": \"output\", \"task\": \"multilabel\"}", 200},
};

START_TEST(every_allocation_of_every_request_can_fail)
{
    activ_service *svc = NULL;
    activ_error err;
    ck_assert_int_eq(activ_service_new(NULL, &svc, &err), ACTIV_OK);
    const sweep_case *c = &cases[_i];
    activ_request req = {.method = c->method,
                         .path = c->path,
                         .query = c->query,
                         .content_type = c->body ? "application/json" : NULL,
                         .body = c->body,
                         .body_len = c->body ? strlen(c->body) : 0};
    size_t runs = 0;
    for (size_t at = 0;; at++) {
        activ_response res;
        arm(at);
        activ_service_handle(svc, &req, &res);
        activ_service_response_fini(&res);
        size_t left = live;
        bool failed = disarm();
        if (!failed) {
            ck_assert_msg(res.status == c->want, "%s %s: %d without a failure, want %d", c->method,
                          c->path, res.status, c->want);
        } else if (res.status != 503) {
            /* An error answer survives a failure through its static fallback body. */
            ck_assert_msg(res.status == c->want && c->want != 200,
                          "%s %s, allocation %zu failed: status %d", c->method, c->path, at,
                          res.status);
        }
        if (res.status == 503)
            ck_assert_uint_eq(res.retry_after, 1);
        ck_assert_msg(left == 0, "%s %s, allocation %zu failed: %zu blocks leaked", c->method,
                      c->path, at, left);
        runs++;
        if (!failed)
            break;
    }
    /* Every answer but the static ones (/healthz, /openapi.yaml) allocates. */
    ck_assert_uint_ge(runs, c->body || c->query ? 3 : 1);
    printf("alloc: %s %s%s%s: %zu allocations, each failed in turn\n", c->method, c->path,
           c->query ? "?" : "", c->query ? c->query : "", runs - 1);
    activ_service_free(svc);
}
END_TEST

/* Building the service (which loads the built-in rules) fails cleanly at every allocation. */
START_TEST(service_construction_survives_every_failure)
{
    size_t runs = 0;
    for (size_t at = 0;; at++) {
        activ_service *svc = NULL;
        activ_error err;
        arm(at);
        activ_status st = activ_service_new(NULL, &svc, &err);
        activ_service_free(svc);
        size_t left = live;
        bool failed = disarm();
        if (failed) {
            ck_assert_msg(st == ACTIV_E_NOMEM, "allocation %zu failed: status %d", at, (int)st);
            ck_assert_ptr_null(svc);
        } else {
            ck_assert_int_eq(st, ACTIV_OK);
        }
        ck_assert_msg(left == 0, "allocation %zu failed: %zu blocks leaked", at, left);
        runs++;
        if (!failed)
            break;
    }
    ck_assert_uint_gt(runs, 100);
    printf("alloc: building the service: %zu allocations, each failed in turn\n", runs - 1);
}
END_TEST

/* A rule file with every construct loads or fails with ACTIV_E_NOMEM, never half-built. */
START_TEST(rule_file_load_survives_every_failure)
{
    static const char file[] =
        "{\"version\": 1, \"rules\": ["
        "{\"id\": \"deep\", \"when\": {\"all\": [{\"field\": \"depth\", \"ge\": 20},"
        " {\"not\": {\"field\": \"layer\", \"eq\": \"output\"}}]},"
        " \"then\": [{\"recommend\": \"gelu\", \"weight\": 2, \"params\": {\"approximate\": "
        "\"tanh\"},"
        " \"text\": \"tanh'(3) = {df:tanh:3}\"},"
        " {\"avoid\": \"sigmoid\", \"text\": \"{maxgrad:sigmoid^depth} at depth {depth}\"},"
        " {\"note\": \"range {range:tanh}\"}],"
        " \"text\": \"deep\", \"source\": \"test\"},"
        "{\"id\": \"any\", \"when\": {\"any\": [{\"field\": \"task\", \"in\": [\"regression\"]},"
        " {\"field\": \"batch_norm\", \"present\": true}]},"
        " \"then\": [{\"prefer\": \"gelu\", \"weight\": -1}], \"text\": \"any\", \"source\": "
        "\"test\"}]}";
    size_t runs = 0;
    for (size_t at = 0;; at++) {
        activ_rules *rules = NULL;
        activ_error err;
        arm(at);
        activ_status st = activ_rules_from_json(file, sizeof file - 1, &rules, &err);
        activ_rules_free(rules);
        size_t left = live;
        bool failed = disarm();
        if (failed) {
            ck_assert_msg(st == ACTIV_E_NOMEM, "allocation %zu failed: status %d", at, (int)st);
            ck_assert_ptr_null(rules);
        } else {
            ck_assert_msg(st == ACTIV_OK, "%s: %s", err.path, err.message);
        }
        ck_assert_msg(left == 0, "allocation %zu failed: %zu blocks leaked", at, left);
        runs++;
        if (!failed)
            break;
    }
    ck_assert_uint_gt(runs, 20);
    printf("alloc: loading a rule file: %zu allocations, each failed in turn\n", runs - 1);
}
END_TEST

static Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, every_allocation_of_every_request_can_fail, 0,
                        (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, service_construction_survives_every_failure);
    tcase_add_test(tc, rule_file_load_survives_every_failure);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(alloc_suite());
}
