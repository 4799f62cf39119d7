/* test_http.c -- the service without a socket, then the daemon in-process driven by libcurl */
#include "activ/http.h"
#include "activ/service.h"

#include "check_main.h"
#include "http_fetch.h"
#include "raw_http.h"
#include "service_call.h"
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_BODY  1024u /* small, so that limit tests stay fast */
#define DRAIN_CAP (4u * MAX_BODY)
#define TIMEOUT_S 5u

/* ---------------------------------------------------------------- helpers */

/* Parses a response body; fails the test unless it is a JSON object. */
static json_t *parse_body(const char *body, size_t len)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    ck_assert_msg(root != NULL, "not JSON (%s): %.*s", jerr.text, (int)len, body);
    ck_assert(json_is_object(root));
    return root;
}

/* Checks an error body: {"error":{"code":code,"message":"<non-empty>"}} and no "path". */
static void check_error_body(const char *body, size_t len, const char *code)
{
    json_t *root = parse_body(body, len);
    json_t *error = json_object_get(root, "error");
    ck_assert(json_is_object(error));
    ck_assert_str_eq(json_string_value(json_object_get(error, "code")), code);
    const char *message = json_string_value(json_object_get(error, "message"));
    ck_assert_ptr_nonnull(message);
    ck_assert_uint_gt(strlen(message), 0);
    ck_assert_ptr_null(json_object_get(error, "path"));
    ck_assert_uint_eq(json_object_size(error), 2);
    ck_assert_uint_eq(json_object_size(root), 1);
    json_decref(root);
}

/* ---------------------------------------------------------------- service, no socket */

START_TEST(service_healthz_is_ok)
{
    activ_service *svc = new_service();
    activ_response res = handle(svc, "GET", "/healthz");
    ck_assert_int_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, "application/json");
    ck_assert_uint_eq(res.body_len, strlen("{\"status\":\"ok\"}"));
    ck_assert_int_eq(memcmp(res.body, "{\"status\":\"ok\"}", res.body_len), 0);
    ck_assert_ptr_null(res.allow);
    ck_assert_uint_eq(res.retry_after, 0);
    activ_service_response_fini(&res);
    activ_service_free(svc);
}
END_TEST

START_TEST(service_unknown_path_is_404)
{
    activ_service *svc = new_service();
    const char *paths[] = {"/", "/healthz/", "/HEALTHZ", "/healthzz", "", "/caf\xc3\xa9\xff"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        activ_response res = handle(svc, "GET", paths[i]);
        ck_assert_int_eq(res.status, 404);
        check_error_body(res.body, res.body_len, "not_found");
        activ_service_response_fini(&res);
    }
    activ_service_free(svc);
}
END_TEST

START_TEST(service_wrong_method_is_405_with_allow)
{
    activ_service *svc = new_service();
    const char *methods[] = {"POST", "PUT", "DELETE", "HEAD", "OPTIONS", "get"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        activ_response res = handle(svc, methods[i], "/healthz");
        ck_assert_int_eq(res.status, 405);
        ck_assert_str_eq(res.allow, "GET");
        check_error_body(res.body, res.body_len, "method_not_allowed");
        activ_service_response_fini(&res);
    }
    activ_service_free(svc);
}
END_TEST

/* The table of SPEC section 2, "Errors". */
static const struct {
    activ_error_code code;
    int http;
    const char *name;
} codes[] = {
    {ACTIV_CODE_BAD_REQUEST, 400, "bad_request"},
    {ACTIV_CODE_INVALID_JSON, 400, "invalid_json"},
    {ACTIV_CODE_NOT_FOUND, 404, "not_found"},
    {ACTIV_CODE_METHOD_NOT_ALLOWED, 405, "method_not_allowed"},
    {ACTIV_CODE_PAYLOAD_TOO_LARGE, 413, "payload_too_large"},
    {ACTIV_CODE_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type"},
    {ACTIV_CODE_INVALID_REQUEST, 422, "invalid_request"},
    {ACTIV_CODE_UNKNOWN_ACTIVATION, 422, "unknown_activation"},
    {ACTIV_CODE_INVALID_PARAMS, 422, "invalid_params"},
    {ACTIV_CODE_NON_FINITE_RESULT, 422, "non_finite_result"},
    {ACTIV_CODE_OVERLOADED, 503, "overloaded"},
};

START_TEST(error_response_has_status_code_and_message)
{
    ck_assert_uint_eq(sizeof codes / sizeof codes[0], ACTIV_CODE_COUNT);
    activ_response res;
    activ_service_error_response(&res, codes[_i].code, NULL, "something about %d", 42);
    ck_assert_int_eq(res.status, codes[_i].http);
    ck_assert_int_eq(activ_status_map_http(codes[_i].code), codes[_i].http);
    ck_assert_str_eq(activ_status_map_name(codes[_i].code), codes[_i].name);
    ck_assert_str_eq(res.content_type, "application/json");
    ck_assert_uint_eq(res.retry_after, codes[_i].code == ACTIV_CODE_OVERLOADED ? 1u : 0u);
    check_error_body(res.body, res.body_len, codes[_i].name);
    json_t *root = parse_body(res.body, res.body_len);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(root, "error"), "message")),
                     "something about 42");
    json_decref(root);
    activ_service_response_fini(&res);
    activ_service_response_fini(&res); /* idempotent */
    ck_assert_ptr_null(res.owned);
}
END_TEST

START_TEST(error_response_path_is_present_only_when_given)
{
    activ_response res;
    activ_service_error_response(&res, ACTIV_CODE_INVALID_REQUEST, "", "m");
    check_error_body(res.body, res.body_len, "invalid_request");
    activ_service_response_fini(&res);

    activ_service_error_response(&res, ACTIV_CODE_INVALID_REQUEST, "/x/3", "m");
    json_t *root = parse_body(res.body, res.body_len);
    json_t *error = json_object_get(root, "error");
    ck_assert_str_eq(json_string_value(json_object_get(error, "path")), "/x/3");
    /* key order: code, message, path */
    const char *want =
        "{\"error\":{\"code\":\"invalid_request\",\"message\":\"m\",\"path\":\"/x/3\"}}";
    ck_assert_uint_eq(res.body_len, strlen(want));
    ck_assert_int_eq(memcmp(res.body, want, res.body_len), 0);
    json_decref(root);
    activ_service_response_fini(&res);
}
END_TEST

START_TEST(error_response_survives_invalid_utf8)
{
    activ_response res;
    activ_service_error_response(&res, ACTIV_CODE_NOT_FOUND, "/a\xff", "bad \xc3 byte \"q\"\n");
    json_t *root = parse_body(res.body, res.body_len);
    const char *message =
        json_string_value(json_object_get(json_object_get(root, "error"), "message"));
    ck_assert_str_eq(message, "bad ? byte \"q\"\n");
    json_decref(root);
    activ_service_response_fini(&res);
}
END_TEST

START_TEST(status_map_follows_the_spec)
{
    static const struct {
        activ_status st;
        int http;
        const char *name;
    } table[] = {
        {ACTIV_E_REQUEST, 422, "invalid_request"}, {ACTIV_E_UNKNOWN_FN, 422, "unknown_activation"},
        {ACTIV_E_PARAMS, 422, "invalid_params"},   {ACTIV_E_NONFINITE, 422, "non_finite_result"},
        {ACTIV_E_LIMIT, 413, "payload_too_large"}, {ACTIV_E_NOMEM, 503, "overloaded"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        activ_error err;
        activ_error_set(&err, table[i].st, "/x/0", "why %zu", i);
        activ_response res;
        activ_service_status_response(&res, &err);
        ck_assert_int_eq(res.status, table[i].http);
        json_t *root = parse_body(res.body, res.body_len);
        json_t *error = json_object_get(root, "error");
        ck_assert_str_eq(json_string_value(json_object_get(error, "code")), table[i].name);
        ck_assert_str_eq(json_string_value(json_object_get(error, "path")), "/x/0");
        ck_assert_str_eq(json_string_value(json_object_get(error, "message")), err.message);
        ck_assert_uint_eq(res.retry_after, table[i].http == 503 ? 1u : 0u);
        json_decref(root);
        activ_service_response_fini(&res);
    }
}
END_TEST

/* Runs fn with stderr redirected to a pipe and returns what it wrote (malloc'd). */
static char *capture_stderr(void (*fn)(void))
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fds[1], STDERR_FILENO), 0);
    close(fds[1]);
    fn();
    ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
    close(saved);
    char *out = calloc(1, 65536);
    ck_assert_ptr_nonnull(out);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], out + len, 65535 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    return out;
}

static void log_three_requests(void)
{
    activ_service_log_request("GET", "/healthz", 200, 15, 42);
    char path[2048];
    memset(path, 'p', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    memcpy(path, "/\"\\\n\xff\xc3\xa9\xed\xa0\x80",
           10); /* quote, backslash, LF, bad byte, é, surrogate */
    activ_service_log_request("PO\x01ST", path, 0, 0, 0);
    activ_service_log_event("stopping", NULL);
}

START_TEST(log_lines_are_one_json_object_each)
{
    char *out = capture_stderr(log_three_requests);
    char *save = NULL;
    char *line = strtok_r(out, "\n", &save);
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(line, "{\"method\":\"GET\",\"path\":\"/healthz\",\"status\":200,\"bytes\":15,"
                           "\"duration_us\":42}");

    line = strtok_r(NULL, "\n", &save);
    ck_assert_ptr_nonnull(line);
    ck_assert_uint_lt(strlen(line), 1024);
    json_t *root = parse_body(line, strlen(line));
    ck_assert_str_eq(json_string_value(json_object_get(root, "method")), "PO\x01ST");
    const char *path = json_string_value(json_object_get(root, "path"));
    ck_assert_ptr_nonnull(path);
    ck_assert_int_eq(strncmp(path, "/\"\\\n\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd", 12), 0);
    ck_assert_int_eq(json_integer_value(json_object_get(root, "status")), 0);
    json_decref(root);

    line = strtok_r(NULL, "\n", &save);
    ck_assert_ptr_nonnull(line);
    ck_assert_str_eq(line, "{\"event\":\"stopping\"}");
    ck_assert_ptr_null(strtok_r(NULL, "\n", &save));
    free(out);
}
END_TEST

/* ---------------------------------------------------------------- the daemon */

static activ_service *svc;
static activ_http *http;
static unsigned port;

static void start_daemon(void)
{
    svc = new_service();
    activ_http_options opts = {
        .host = "127.0.0.1",
        .port = 0,
        .threads = 2,
        .max_body = MAX_BODY,
        .max_connections = 16,
        .timeout = TIMEOUT_S,
    };
    char msg[256] = "";
    http = activ_http_start(&opts, svc, msg, sizeof msg);
    ck_assert_msg(http != NULL, "start failed: %s", msg);
    port = activ_http_port(http);
    ck_assert_uint_gt(port, 0);
}

static void stop_daemon(void)
{
    activ_http_stop(http);
    http = NULL;
    activ_service_free(svc);
    svc = NULL;
}

static reply get(CURL *curl, const char *path)
{
    return fetch(curl, port, "GET", path, NULL, NULL, 0, false);
}

/* A body of n bytes of JSON-ish filler (malloc'd). */
static char *filler(size_t n)
{
    char *body = malloc(n + 1);
    ck_assert_ptr_nonnull(body);
    memset(body, ' ', n);
    body[n] = '\0';
    return body;
}

START_TEST(healthz_is_200_with_exact_body)
{
    CURL *curl = new_curl();
    reply r = get(curl, "/healthz");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.content_type, "application/json");
    ck_assert_uint_eq(r.body_len, 15);
    ck_assert_int_eq(memcmp(r.body, "{\"status\":\"ok\"}", 15), 0);
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(healthz_ignores_a_query_string)
{
    CURL *curl = new_curl();
    reply r = get(curl, "/healthz?verbose=1&x=%20%26y&flag");
    ck_assert_int_eq(r.status, 200);
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(unknown_path_is_404_json)
{
    CURL *curl = new_curl();
    reply r = get(curl, "/no/such/path");
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.content_type, "application/json");
    check_error_body(r.body, r.body_len, "not_found");
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(post_healthz_is_405_with_allow)
{
    CURL *curl = new_curl();
    reply r = fetch(curl, port, "POST", "/healthz", "application/json", "{}", 2, false);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(r.allow, "GET");
    ck_assert_str_eq(r.content_type, "application/json");
    check_error_body(r.body, r.body_len, "method_not_allowed");
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(keep_alive_reuses_the_connection)
{
    CURL *curl = new_curl();
    reply first = get(curl, "/healthz");
    ck_assert_int_eq(first.status, 200);
    ck_assert_int_eq(first.num_connects, 1);
    reply second = get(curl, "/healthz");
    ck_assert_int_eq(second.status, 200);
    ck_assert_int_eq(second.num_connects, 0);
    reply third = get(curl, "/nope"); /* errors keep the connection too */
    ck_assert_int_eq(third.status, 404);
    ck_assert_int_eq(third.num_connects, 0);
    reply_free(&first);
    reply_free(&second);
    reply_free(&third);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(body_at_the_limit_is_read)
{
    CURL *curl = new_curl();
    char *body = filler(MAX_BODY);
    reply r = fetch(curl, port, "POST", "/healthz", "application/json", body, MAX_BODY, false);
    ck_assert_int_eq(r.status, 405); /* past the size check, on to routing */
    reply_free(&r);
    free(body);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(body_over_the_limit_is_413_and_keeps_the_connection)
{
    CURL *curl = new_curl();
    char *body = filler(MAX_BODY + 1);
    reply r = fetch(curl, port, "POST", "/healthz", "application/json", body, MAX_BODY + 1, false);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(r.content_type, "application/json");
    check_error_body(r.body, r.body_len, "payload_too_large");
    ck_assert_str_eq(r.connection, "");
    reply next = get(curl, "/healthz");
    ck_assert_int_eq(next.status, 200);
    ck_assert_int_eq(next.num_connects, 0);
    reply_free(&r);
    reply_free(&next);
    free(body);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(body_at_the_drain_cap_is_413_and_keeps_the_connection)
{
    CURL *curl = new_curl();
    char *body = filler(DRAIN_CAP);
    reply r = fetch(curl, port, "POST", "/healthz", "application/json", body, DRAIN_CAP, false);
    ck_assert_int_eq(r.status, 413);
    check_error_body(r.body, r.body_len, "payload_too_large");
    reply next = get(curl, "/healthz");
    ck_assert_int_eq(next.num_connects, 0);
    reply_free(&r);
    reply_free(&next);
    free(body);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(body_beyond_the_drain_cap_is_413_and_closes)
{
    CURL *curl = new_curl();
    char *body = filler(DRAIN_CAP + 1);
    reply r = fetch(curl, port, "POST", "/healthz", "application/json", body, DRAIN_CAP + 1, false);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(r.connection, "close");
    check_error_body(r.body, r.body_len, "payload_too_large");
    reply_free(&r);
    free(body);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(chunked_body_over_the_limit_is_413)
{
    CURL *curl = new_curl();
    char *body = filler(2 * MAX_BODY);
    reply r = fetch(curl, port, "POST", "/healthz", "application/json", body, 2 * MAX_BODY, true);
    ck_assert_int_eq(r.status, 413);
    check_error_body(r.body, r.body_len, "payload_too_large");
    reply_free(&r);
    free(body);
    curl_easy_cleanup(curl);
}
END_TEST

static int dial(void)
{
    return raw_dial(port, 10000);
}

static const char *const ambiguous_framing[] = {
    "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
    "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
    "0\r\n\r\n",
    "POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "POST /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
    "chunked\r\n\r\n0\r\n\r\n",
};

START_TEST(ambiguous_framing_is_400_and_closes)
{
    int fd = dial();
    ck_assert_int_ge(fd, 0);
    raw_send_all(fd, ambiguous_framing[_i]);
    char *out = raw_read_all(fd);
    close(fd);
    ck_assert_msg(strncmp(out, "HTTP/1.1 400 ", 13) == 0, "got: %s", out);
    ck_assert_ptr_nonnull(strstr(out, "\r\nConnection: close\r\n"));
    const char *body = strstr(out, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    check_error_body(body + 4, strlen(body + 4), "bad_request");
    free(out);
}
END_TEST

typedef struct stopper {
    pthread_t thread;
    atomic_bool done;
} stopper;

static void *run_stop(void *cls)
{
    stopper *s = cls;
    activ_http_stop(http);
    atomic_store(&s->done, true);
    return NULL;
}

START_TEST(stop_finishes_the_request_in_flight_and_refuses_new_ones)
{
    /* a request whose body is still arriving when the stop begins */
    int fd = dial();
    ck_assert_int_ge(fd, 0);
    raw_send_all(fd, "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     "Content-Length: 2\r\n\r\n{");
    pause_ms(200);

    stopper s = {.done = false};
    ck_assert_int_eq(pthread_create(&s.thread, NULL, run_stop, &s), 0);
    pause_ms(200);
    ck_assert_msg(!atomic_load(&s.done), "stop did not wait for the request in flight");
    int late = dial();
    ck_assert_msg(late < 0 && errno == ECONNREFUSED, "a new connection was not refused");

    raw_send_all(fd, "}");
    char *out = raw_read_all(fd);
    close(fd);
    ck_assert_msg(strncmp(out, "HTTP/1.1 405 ", 13) == 0, "got: %s", out);
    ck_assert_ptr_nonnull(strstr(out, "\r\nConnection: close\r\n"));
    free(out);

    ck_assert_int_eq(pthread_join(s.thread, NULL), 0);
    ck_assert(atomic_load(&s.done));
    http = NULL; /* stopped and freed */
}
END_TEST

START_TEST(stop_does_not_wait_for_idle_keep_alive)
{
    CURL *curl = new_curl();
    reply r = get(curl, "/healthz"); /* leaves an idle keep-alive connection */
    ck_assert_int_eq(r.status, 200);
    reply_free(&r);
    double t0 = now_s();
    activ_http_stop(http);
    http = NULL;
    ck_assert_msg(now_s() - t0 < 1.0, "stop took %.2f s", now_s() - t0);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(stop_without_connections_is_prompt)
{
    double t0 = now_s();
    activ_http_stop(http);
    http = NULL;
    ck_assert_msg(now_s() - t0 < 1.0, "stop took %.2f s", now_s() - t0);
    activ_http_stop(NULL); /* no-op */
}
END_TEST

START_TEST(port_in_use_fails_with_a_message)
{
    activ_http_options opts = {
        .host = "127.0.0.1",
        .port = port,
        .threads = 1,
        .max_body = MAX_BODY,
        .max_connections = 4,
        .timeout = 1,
    };
    char msg[256] = "";
    activ_http *second = activ_http_start(&opts, svc, msg, sizeof msg);
    ck_assert_ptr_null(second);
    char want[64];
    snprintf(want, sizeof want, "cannot listen on 127.0.0.1:%u: ", port);
    ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "message: %s", msg);
}
END_TEST

START_TEST(unresolvable_host_fails_with_a_message)
{
    activ_http_options opts = {
        .host = "no such host.invalid",
        .port = 0,
        .threads = 1,
        .max_body = MAX_BODY,
        .max_connections = 4,
        .timeout = 1,
    };
    char msg[256] = "";
    ck_assert_ptr_null(activ_http_start(&opts, svc, msg, sizeof msg));
    ck_assert_msg(strncmp(msg, "cannot resolve host", 19) == 0, "message: %s", msg);
}
END_TEST

START_TEST(idle_connection_is_closed_after_the_timeout)
{
    activ_http_options opts = {
        .host = "127.0.0.1",
        .port = 0,
        .threads = 1,
        .max_body = MAX_BODY,
        .max_connections = 4,
        .timeout = 1,
    };
    char msg[256] = "";
    activ_http *quick = activ_http_start(&opts, svc, msg, sizeof msg);
    ck_assert_msg(quick != NULL, "start failed: %s", msg);
    int fd = raw_dial(activ_http_port(quick), 10000);
    ck_assert_int_ge(fd, 0);
    double t0 = now_s();
    char byte;
    ck_assert_int_eq(recv(fd, &byte, 1, 0), 0); /* closed by the server, not timed out here */
    double waited = now_s() - t0;
    ck_assert_msg(waited > 0.5 && waited < 4.0, "closed after %.2f s", waited);
    close(fd);
    activ_http_stop(quick);
}
END_TEST

START_TEST(ipv6_loopback_serves)
{
    activ_http_options opts = {
        .host = "::1",
        .port = 0,
        .threads = 1,
        .max_body = MAX_BODY,
        .max_connections = 4,
        .timeout = 1,
    };
    char msg[256] = "";
    activ_http *h6 = activ_http_start(&opts, svc, msg, sizeof msg);
    if (!h6 && strstr(msg, "cannot listen on [::1]") != NULL)
        return; /* no IPv6 on this machine */
    ck_assert_msg(h6 != NULL, "start failed: %s", msg);
    CURL *curl = new_curl();
    char url[64];
    snprintf(url, sizeof url, "http://[::1]:%u/healthz", activ_http_port(h6));
    curl_easy_setopt(curl, CURLOPT_URL, url);
    reply r = {0};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    ck_assert_int_eq(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    ck_assert_int_eq(r.status, 200);
    reply_free(&r);
    curl_easy_cleanup(curl);
    activ_http_stop(h6);
}
END_TEST

static Suite *http_suite(void)
{
    Suite *s = suite_create("http");

    TCase *tc = tcase_create("service");
    tcase_add_test(tc, service_healthz_is_ok);
    tcase_add_test(tc, service_unknown_path_is_404);
    tcase_add_test(tc, service_wrong_method_is_405_with_allow);
    tcase_add_loop_test(tc, error_response_has_status_code_and_message, 0,
                        (int)(sizeof codes / sizeof codes[0]));
    tcase_add_test(tc, error_response_path_is_present_only_when_given);
    tcase_add_test(tc, error_response_survives_invalid_utf8);
    tcase_add_test(tc, status_map_follows_the_spec);
    tcase_add_test(tc, log_lines_are_one_json_object_each);
    suite_add_tcase(s, tc);

    tc = tcase_create("daemon");
    tcase_add_checked_fixture(tc, start_daemon, stop_daemon);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, healthz_is_200_with_exact_body);
    tcase_add_test(tc, healthz_ignores_a_query_string);
    tcase_add_test(tc, unknown_path_is_404_json);
    tcase_add_test(tc, post_healthz_is_405_with_allow);
    tcase_add_test(tc, keep_alive_reuses_the_connection);
    tcase_add_test(tc, body_at_the_limit_is_read);
    tcase_add_test(tc, body_over_the_limit_is_413_and_keeps_the_connection);
    tcase_add_test(tc, body_at_the_drain_cap_is_413_and_keeps_the_connection);
    tcase_add_test(tc, body_beyond_the_drain_cap_is_413_and_closes);
    tcase_add_test(tc, chunked_body_over_the_limit_is_413);
    tcase_add_loop_test(tc, ambiguous_framing_is_400_and_closes, 0,
                        (int)(sizeof ambiguous_framing / sizeof ambiguous_framing[0]));
    tcase_add_test(tc, port_in_use_fails_with_a_message);
    tcase_add_test(tc, unresolvable_host_fails_with_a_message);
    tcase_add_test(tc, idle_connection_is_closed_after_the_timeout);
    tcase_add_test(tc, ipv6_loopback_serves);
    suite_add_tcase(s, tc);

    tc = tcase_create("stop");
    tcase_add_checked_fixture(tc, start_daemon, stop_daemon);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, stop_finishes_the_request_in_flight_and_refuses_new_ones);
    tcase_add_test(tc, stop_does_not_wait_for_idle_keep_alive);
    tcase_add_test(tc, stop_without_connections_is_prompt);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run_suite(http_suite());
    curl_global_cleanup();
    return rc;
}
