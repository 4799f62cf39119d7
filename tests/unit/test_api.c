/* test_api.c -- /evaluate and /differentiate over real HTTP (libcurl, loopback, port 0) */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/http.h"
#include "activ/service.h"
#include "check_main.h"
#include "http_fetch.h"
#include "service_call.h"

#define MAX_BODY 4096 /* a small limit, so the 413 boundary is cheap to cross */

static activ_service *svc;
static activ_http *http;
static unsigned port;

static void server_up(void)
{
    activ_error err;
    char msg[256];
    ck_assert_int_eq(activ_service_new(NULL, &svc, &err), ACTIV_OK);
    activ_http_options o = {"127.0.0.1", 0, 2, MAX_BODY, 64, 10, 30, 0};
    http = activ_http_start(&o, svc, msg, sizeof msg);
    ck_assert_msg(http != NULL, "%s", msg);
    port = activ_http_port(http);
}

static void server_down(void)
{
    activ_http_stop(http);
    activ_service_free(svc);
}

/* POST json to path on c as application/json (reply_free the reply). */
static reply post_json(CURL *c, const char *path, const char *json)
{
    return fetch(c, port, "POST", path, "application/json", json, strlen(json), false);
}

static const char *error_code(const reply *r)
{
    static char code[64];
    json_t *j = json_loadb(r->body, r->body_len, 0, NULL);
    const char *s = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
    snprintf(code, sizeof code, "%s", s ? s : "(none)");
    json_decref(j);
    return code;
}

START_TEST(evaluate_spec_example_over_keepalive)
{
    CURL *c = new_curl();
    for (int i = 0; i < 3; i++) {
        reply r = post_json(
            c, "/evaluate",
            "{\"activation\": \"leaky_relu\", \"params\": {\"alpha\": 0.1}, \"x\": [-2, 0.5, 3]}");
        ck_assert_int_eq(r.status, 200);
        /* the shortest digits that read back as the same doubles */
        ck_assert_str_eq(r.body, "{\"activation\":\"leaky_relu\",\"params\":{\"alpha\":0.1},"
                                 "\"y\":[-0.2,0.5,3.0]}");
        reply_free(&r);
        long connects = -1;
        curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
        if (i > 0)
            ck_assert_int_eq(connects, 0); /* the connection was reused */
    }
    curl_easy_cleanup(c);
}
END_TEST

START_TEST(differentiate_over_http)
{
    CURL *c = new_curl();
    reply r = post_json(c, "/differentiate",
                        "{\"activation\":\"sigmoid\",\"x\":[0],\"grad_output\":[2]}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"activation\":\"sigmoid\",\"params\":{},\"dy_dx\":[0.25],"
                             "\"grad_input\":[0.5]}");
    reply_free(&r);
    curl_easy_cleanup(c);
}
END_TEST

/* A row of n zeros for softmax: its Jacobian has n^2 cells. */
static char *softmax_body(size_t n, bool with_grad)
{
    char *b = malloc(8 * n + 128);
    size_t len = (size_t)sprintf(b, "{\"activation\":\"softmax\",\"x\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(b + len, "%s0", i ? "," : "");
    len += (size_t)sprintf(b + len, "]");
    if (with_grad) {
        len += (size_t)sprintf(b + len, ",\"grad_output\":[1");
        for (size_t i = 1; i < n; i++)
            len += (size_t)sprintf(b + len, ",0");
        len += (size_t)sprintf(b + len, "]");
    }
    sprintf(b + len, "}");
    return b;
}

/* Through the service (no socket): the bodies exceed this fixture's small body limit. */
static activ_response differentiate_direct(const char *body)
{
    return handle_json(svc, "POST", "/differentiate", body, strlen(body));
}

START_TEST(jacobian_cap_413_unless_grad_output_is_given)
{
    /* 1025^2 = 1,050,625 cells > 1,048,576 */
    enum { N = 1025 };
    char *plain = softmax_body(N, false), *with_grad = softmax_body(N, true);
    activ_response res = differentiate_direct(plain);
    ck_assert_int_eq(res.status, 413);
    json_t *j = json_loadb(res.body, res.body_len, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
                     "payload_too_large");
    json_decref(j);
    activ_service_response_fini(&res);
    /* with grad_output the client gets grad_input and no Jacobian: for uniform logits,
     * s = 1/N, and g = e_0 gives gx_0 = s (1 - s), gx_j = -s^2 */
    res = differentiate_direct(with_grad);
    ck_assert_int_eq(res.status, 200);
    j = json_loadb(res.body, res.body_len, 0, NULL);
    ck_assert_ptr_null(json_object_get(j, "jacobian"));
    json_t *gx = json_object_get(j, "grad_input");
    ck_assert_uint_eq(json_array_size(gx), N);
    double s0 = 1.0 / N;
    ck_assert_double_eq_tol(json_real_value(json_array_get(gx, 0)), s0 * (1 - s0), 1e-18);
    for (size_t i = 1; i < N; i++)
        ck_assert_double_eq_tol(json_real_value(json_array_get(gx, i)), -s0 * s0, 1e-20);
    json_decref(j);
    activ_service_response_fini(&res);
    free(plain);
    free(with_grad);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
    CURL *c = new_curl();
    reply r = fetch(c, port, "GET", "/evaluate", NULL, NULL, 0, false);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(r.allow, "POST");
    ck_assert_str_eq(error_code(&r), "method_not_allowed");
    reply_free(&r);
    r = fetch(c, port, "POST", "/activations", "application/json", "{}", 2, false);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(r.allow, "GET");
    reply_free(&r);
    curl_easy_cleanup(c);
}
END_TEST

START_TEST(post_without_json_type_is_415)
{
    CURL *c = new_curl();
    const char *b = "{\"activation\":\"relu\",\"x\":[1]}";
    reply r = fetch(c, port, "POST", "/evaluate", NULL, b, strlen(b), false);
    ck_assert_int_eq(r.status, 415);
    ck_assert_str_eq(error_code(&r), "unsupported_media_type");
    reply_free(&r);
    r = fetch(c, port, "POST", "/evaluate", "text/plain", b, strlen(b), false);
    ck_assert_int_eq(r.status, 415);
    reply_free(&r);
    /* parameters after the media type are fine */
    r = fetch(c, port, "POST", "/evaluate", "application/json; charset=utf-8", b, strlen(b), false);
    ck_assert_int_eq(r.status, 200);
    reply_free(&r);
    curl_easy_cleanup(c);
}
END_TEST

/* A body of exactly `len` bytes: a valid request padded with spaces. */
static char *padded_body(size_t len)
{
    const char *b = "{\"activation\":\"relu\",\"x\":[1]}";
    char *s = malloc(len + 1);
    memset(s, ' ', len);
    memcpy(s, b, strlen(b));
    s[len] = '\0';
    return s;
}

START_TEST(body_limit_boundary)
{
    CURL *c = new_curl();
    char *at = padded_body(MAX_BODY), *over = padded_body(MAX_BODY + 1);
    reply r = post_json(c, "/evaluate", at);
    ck_assert_int_eq(r.status, 200);
    reply_free(&r);
    r = post_json(c, "/evaluate", over);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(error_code(&r), "payload_too_large");
    reply_free(&r);
    free(at);
    free(over);
    curl_easy_cleanup(c);
}
END_TEST

START_TEST(nul_byte_does_not_end_the_body)
{
    /* json_loads would stop at the NUL and accept the prefix (NOTES point 9) */
    static const char b[] = "{\"activation\":\"relu\",\"x\":[1]}\0garbage";
    CURL *c = new_curl();
    reply r = fetch(c, port, "POST", "/evaluate", "application/json", b, sizeof b - 1, false);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(error_code(&r), "invalid_json");
    reply_free(&r);
    curl_easy_cleanup(c);
}
END_TEST

START_TEST(integers_beyond_int64_parse)
{
    /* jansson alone rejects integer literals >= 2^63 (NOTES point 10) */
    CURL *c = new_curl();
    reply r = post_json(c, "/evaluate", "{\"activation\":\"relu\",\"x\":[100000000000000000000]}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"activation\":\"relu\",\"params\":{},\"y\":[1e20]}");
    reply_free(&r);
    curl_easy_cleanup(c);
}
END_TEST

/* xorshift64*: reproducible bit patterns */
static uint64_t next_bits(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1du;
}

START_TEST(printed_numbers_round_trip)
{
    /* linear with a = 1 returns x itself; what is printed must parse to the same bits, for
     * random bit patterns over the whole range, subnormals and signed zeros included */
    enum { N = 10000, PER_REQUEST = 100 };
    CURL *c = new_curl();
    uint64_t state = 0x853c49e6748fea9bu;
    size_t checked = 0;
    for (int req = 0; req < N / PER_REQUEST; req++) {
        double x[PER_REQUEST];
        char body[PER_REQUEST * 32 + 64];
        size_t n = (size_t)snprintf(body, sizeof body, "{\"activation\":\"linear\",\"x\":[");
        for (int i = 0; i < PER_REQUEST; i++) {
            do {
                uint64_t b = next_bits(&state);
                if (i == 0)
                    b = (uint64_t)req; /* the smallest subnormals, +0 first */
                else if (i == 1)
                    b = (uint64_t)1 << 63; /* -0 */
                memcpy(&x[i], &b, sizeof b);
            } while (!isfinite(x[i]));
            n += (size_t)snprintf(body + n, sizeof body - n, "%s%.17g", i ? "," : "", x[i]);
        }
        snprintf(body + n, sizeof body - n, "]}");
        /* the body can exceed MAX_BODY: send it in two halves' worth of requests if so */
        ck_assert_uint_le(strlen(body), MAX_BODY);
        reply r = post_json(c, "/evaluate", body);
        ck_assert_int_eq(r.status, 200);
        json_t *j = json_loadb(r.body, r.body_len, JSON_DECODE_INT_AS_REAL, NULL);
        json_t *y = json_object_get(j, "y");
        ck_assert_uint_eq(json_array_size(y), PER_REQUEST);
        for (int i = 0; i < PER_REQUEST; i++) {
            double got = json_real_value(json_array_get(y, (size_t)i));
            ck_assert_msg(memcmp(&got, &x[i], sizeof got) == 0, "%a came back as %a", x[i], got);
            checked++;
        }
        json_decref(j);
        reply_free(&r);
    }
    ck_assert_uint_eq(checked, N);
    curl_easy_cleanup(c);
}
END_TEST

/* ---------------------------------------------------------------- concurrency */

#define THREADS             4
#define REQUESTS_PER_THREAD 250

typedef struct worker {
    int id;
    int ok;
} worker;

/* Each thread posts its own values on one keep-alive connection and checks every answer:
 * linear with a = 2 doubles exactly, so the expected y is known without activ. */
static void *work(void *arg)
{
    worker *w = arg;
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/evaluate", port);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
        double v = w->id * 1000.0 + i + 0.25;
        char body[128];
        snprintf(body, sizeof body,
                 "{\"activation\":\"linear\",\"params\":{\"a\":2},\"x\":[[%.17g,-%.17g]]}", v, v);
        reply r = {0};
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        long status = 0;
        if (curl_easy_perform(c) == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        json_t *j = status == 200 ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
        json_t *row = json_array_get(json_object_get(j, "y"), 0);
        if (json_real_value(json_array_get(row, 0)) == 2 * v &&
            json_real_value(json_array_get(row, 1)) == -2 * v)
            w->ok++;
        json_decref(j);
        reply_free(&r);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

START_TEST(concurrent_keepalive_clients_all_answered_correctly)
{
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){i, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].ok, REQUESTS_PER_THREAD);
    }
}
END_TEST

/* ---------------------------------------------------------------- the epoll stall */

/* NOTES point 2: 0.9.75's epoll loop blocks when exactly 128 connections are ready at once.
 * With one thread and room for 256 connections the daemon must use poll, and every wave of
 * simultaneous requests -- 127, exactly 128, and 256 -- must be answered, well within the
 * transfer timeout (a stall would hold them until the connection timeout). */
START_TEST(simultaneous_waves_around_128_are_all_answered)
{
    activ_service *s2;
    activ_error err;
    char msg[256], url[96];
    ck_assert_int_eq(activ_service_new(NULL, &s2, &err), ACTIV_OK);
    activ_http_options o = {"127.0.0.1", 0, 1, MAX_BODY, 256, 30, 30, 0};
    activ_http *h2 = activ_http_start(&o, s2, msg, sizeof msg);
    ck_assert_msg(h2 != NULL, "%s", msg);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/evaluate", activ_http_port(h2));
    static const char body[] = "{\"activation\":\"relu\",\"x\":[-1,2]}";
    static const int waves[] = {127, 128, 256};
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
    for (size_t w = 0; w < sizeof waves / sizeof waves[0]; w++) {
        CURLM *m = curl_multi_init();
        CURL *easy[256];
        reply r[256];
        for (int i = 0; i < waves[w]; i++) {
            memset(&r[i], 0, sizeof r[i]);
            easy[i] = curl_easy_init();
            curl_easy_setopt(easy[i], CURLOPT_URL, url);
            curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, hdr);
            curl_easy_setopt(easy[i], CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, on_body);
            curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &r[i]);
            curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 10L);
            curl_multi_add_handle(m, easy[i]);
        }
        int running = 1;
        while (running) {
            curl_multi_perform(m, &running);
            if (running)
                curl_multi_poll(m, NULL, 0, 100, NULL);
        }
        int ok = 0;
        for (int i = 0; i < waves[w]; i++) {
            long status = 0;
            curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status);
            if (status == 200 && r[i].body &&
                strcmp(r[i].body, "{\"activation\":\"relu\",\"params\":{},\"y\":[0.0,2.0]}") == 0)
                ok++;
            curl_multi_remove_handle(m, easy[i]);
            curl_easy_cleanup(easy[i]);
            reply_free(&r[i]);
        }
        curl_multi_cleanup(m);
        ck_assert_msg(ok == waves[w], "wave of %d: %d answered correctly", waves[w], ok);
    }
    curl_slist_free_all(hdr);
    activ_http_stop(h2);
    activ_service_free(s2);
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("http");
    tcase_add_checked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, evaluate_spec_example_over_keepalive);
    tcase_add_test(tc, differentiate_over_http);
    tcase_add_test(tc, jacobian_cap_413_unless_grad_output_is_given);
    tcase_add_test(tc, wrong_method_is_405_with_allow);
    tcase_add_test(tc, post_without_json_type_is_415);
    tcase_add_test(tc, body_limit_boundary);
    tcase_add_test(tc, nul_byte_does_not_end_the_body);
    tcase_add_test(tc, integers_beyond_int64_parse);
    tcase_add_test(tc, printed_numbers_round_trip);
    tcase_add_test(tc, concurrent_keepalive_clients_all_answered_correctly);
    tcase_add_test(tc, simultaneous_waves_around_128_are_all_answered);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run_suite(api_suite());
    curl_global_cleanup();
    return rc;
}
