/* test_metrics.c -- the counters, GET /metrics through the daemon, and the connection limit */
#include "activ/catalog.h"
#include "activ/http.h"
#include "activ/metrics.h"
#include "activ/service.h"

#include "check_main.h"
#include "http_fetch.h"
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_BODY   4096u
#define TIMEOUT_S  5u
#define LIMIT      4u    /* --max-connections of the connection-limit tests */
#define REPLY_SIZE 65536 /* what exchange keeps of a raw exchange */

/* ---------------------------------------------------------------- helpers */

/* The value of the series `series` (name and labels, exactly as printed) in a Prometheus text
 * body; fails the test when the series is missing or its value is not an integer. */
static unsigned long long metric_value(const char *body, const char *series)
{
    size_t n = strlen(series);
    for (const char *line = body; line && *line != '\0';) {
        if (strncmp(line, series, n) == 0 && line[n] == ' ') {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(line + n + 1, &end, 10);
            ck_assert_msg(errno == 0 && end > line + n + 1 && *end == '\n',
                          "%s: value is not an integer", series);
            return v;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    ck_abort_msg("no series %s in:\n%s", series, body);
    return 0;
}

static unsigned long long requests_total(const char *body, const char *path, const char *status)
{
    char series[256];
    snprintf(series, sizeof series, "activ_http_requests_total{path=\"%s\",status=\"%s\"}", path,
             status);
    return metric_value(body, series);
}

static unsigned long long elements_total(const char *body, const char *activation)
{
    char series[256];
    snprintf(series, sizeof series, "activ_elements_evaluated_total{activation=\"%s\"}",
             activation);
    return metric_value(body, series);
}

/* How many lines of body start with prefix. */
static size_t count_lines(const char *body, const char *prefix)
{
    size_t count = 0;
    for (const char *line = body; line && *line != '\0';) {
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            count++;
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return count;
}

/* Sums the values of every line that starts with prefix. */
static unsigned long long sum_lines(const char *body, const char *prefix)
{
    unsigned long long sum = 0;
    for (const char *line = body; line && *line != '\0';) {
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            const char *brace = strchr(line, '}'); /* label values hold no '}' */
            ck_assert_ptr_nonnull(brace);
            sum += strtoull(brace + 2, NULL, 10);
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return sum;
}

/* Renders m and returns the body as a NUL-terminated string (malloc'd). */
static char *print_text(activ_metrics *m)
{
    char *body = NULL;
    size_t len = 0;
    ck_assert(activ_metrics_print(m, &body, &len));
    char *text = malloc(len + 1);
    ck_assert_ptr_nonnull(text);
    memcpy(text, body, len);
    text[len] = '\0';
    free(body);
    return text;
}

/* Whether `promtool check metrics` accepts text; skips (true, with a message) without
 * promtool on PATH. CI installs it (.ci/deps ci). */
static bool promtool_accepts(const char *text)
{
    if (system("command -v promtool >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_metrics: promtool not on PATH; skipping the promtool check\n");
        return true;
    }
    FILE *p = popen("promtool check metrics", "w");
    ck_assert_ptr_nonnull(p);
    fputs(text, p);
    int rc = pclose(p);
    return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

/* ---------------------------------------------------------------- labels and text, no socket */

static const struct {
    const char *path;
    const char *label;
} path_cases[] = {
    {"/evaluate", "/evaluate"},
    {"/differentiate", "/differentiate"},
    {"/recommend", "/recommend"},
    {"/activations", "/activations"},
    {"/activations/elu", "/activations/{name}"},
    {"/activations/no-such-thing", "/activations/{name}"},
    {"/activations/", "other"}, /* the router needs a name after the '/' */
    {"/healthz", "/healthz"},
    {"/metrics", "/metrics"},
    {"/openapi.yaml", "/openapi.yaml"},
    {"/", "other"},
    {"", "other"},
    {"/healthz/", "other"},
    {"/HEALTHZ", "other"},
    {"/evaluatex", "other"},
    {"/activation", "other"},
    {"/nope-123", "other"},
};

START_TEST(path_label_is_the_route_template_or_other)
{
    ck_assert_str_eq(activ_metrics_path_label(path_cases[_i].path), path_cases[_i].label);
}
END_TEST

START_TEST(status_label_is_a_fixed_set)
{
    const int known[] = {200, 400, 404, 405, 413, 415, 422, 503};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        char want[8];
        snprintf(want, sizeof want, "%d", known[i]);
        ck_assert_str_eq(activ_metrics_status_label(known[i]), want);
    }
    const int others[] = {0, -1, 100, 201, 302, 500, 502, 999, 100000};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        ck_assert_str_eq(activ_metrics_status_label(others[i]), "other");
}
END_TEST

START_TEST(print_counts_every_field)
{
    activ_metrics *m = activ_metrics_new();
    ck_assert_ptr_nonnull(m);
    const activ_metrics_request reqs[] = {
        {.path = "/healthz", .status = 200, .micros = 100, .activation = -1},
        {.path = "/evaluate",
         .status = 200,
         .micros = 101,
         .activation = ACTIV_FN_RELU,
         .elements = 7},
        {.path = "/evaluate", .status = 422, .micros = 2500000, .activation = -1, .elements = 9},
        {.path = "/activations/gelu", .status = 200, .micros = 2500001, .activation = -1},
        {.path = "/x", .status = 0, .micros = 0, .activation = ACTIV_FN_COUNT, .elements = 5},
        {.path = "/differentiate",
         .status = 200,
         .micros = 0,
         .activation = ACTIV_FN_MAXOUT,
         .elements = 1},
    };
    size_t n = sizeof reqs / sizeof reqs[0];
    for (size_t i = 0; i < n; i++)
        activ_metrics_request_begin(m);
    activ_metrics_request_begin(m); /* one still in flight */
    ck_assert_uint_eq(activ_metrics_in_flight(m), n + 1);
    for (size_t i = 0; i < n; i++)
        activ_metrics_request_end(m, &reqs[i]);
    ck_assert_uint_eq(activ_metrics_in_flight(m), 1);
    activ_metrics_connection_opened(m);
    activ_metrics_connection_opened(m);
    activ_metrics_connection_closed(m);

    char *text = print_text(m);
    ck_assert_uint_eq(requests_total(text, "/healthz", "200"), 1);
    ck_assert_uint_eq(requests_total(text, "/evaluate", "200"), 1);
    ck_assert_uint_eq(requests_total(text, "/evaluate", "422"), 1);
    ck_assert_uint_eq(requests_total(text, "/activations/{name}", "200"), 1);
    ck_assert_uint_eq(requests_total(text, "other", "other"), 1);
    ck_assert_uint_eq(requests_total(text, "/differentiate", "200"), 1);
    ck_assert_uint_eq(requests_total(text, "/healthz", "404"), 0);
    /* a bucket's bound is inclusive: 100 us is in le=0.0001, 101 us is not */
    const char *b = "activ_http_request_duration_seconds_bucket";
    char series[128];
    snprintf(series, sizeof series, "%s{le=\"0.0001\"}", b);
    ck_assert_uint_eq(metric_value(text, series), 3);
    snprintf(series, sizeof series, "%s{le=\"0.00025\"}", b);
    ck_assert_uint_eq(metric_value(text, series), 4);
    snprintf(series, sizeof series, "%s{le=\"2.5\"}", b);
    ck_assert_uint_eq(metric_value(text, series), 5);
    snprintf(series, sizeof series, "%s{le=\"+Inf\"}", b);
    ck_assert_uint_eq(metric_value(text, series), 6);
    ck_assert_uint_eq(metric_value(text, "activ_http_request_duration_seconds_count"), 6);
    ck_assert_ptr_nonnull(strstr(text, "\nactiv_http_request_duration_seconds_sum 5.000202\n"));
    ck_assert_uint_eq(metric_value(text, "activ_http_requests_in_flight"), 1);
    ck_assert_uint_eq(metric_value(text, "activ_http_connections"), 1);
    /* elements only for a valid activation; the handler decides which responses carry them */
    ck_assert_uint_eq(elements_total(text, "relu"), 7);
    ck_assert_uint_eq(elements_total(text, "maxout"), 1);
    ck_assert_uint_eq(sum_lines(text, "activ_elements_evaluated_total{"), 8);
    ck_assert(promtool_accepts(text));
    free(text);
    activ_metrics_free(m);
    activ_metrics_free(NULL); /* no-op */
}
END_TEST

START_TEST(print_lists_every_label_combination_and_the_version)
{
    activ_metrics *m = activ_metrics_new();
    ck_assert_ptr_nonnull(m);
    char *text = print_text(m);
    ck_assert_uint_eq(count_lines(text, "activ_http_requests_total{"), 9 * 9);
    ck_assert_uint_eq(count_lines(text, "activ_elements_evaluated_total{"), ACTIV_FN_COUNT);
    for (size_t f = 0; f < ACTIV_FN_COUNT; f++)
        ck_assert_uint_eq(elements_total(text, activ_catalog_get((activ_fn_id)f)->name), 0);
    ck_assert_uint_eq(count_lines(text, "activ_http_request_duration_seconds_bucket{"), 15);
    ck_assert_ptr_nonnull(strstr(text, "\nactiv_build_info{version=\"0.1.0\"} 1\n"));
    /* HELP and TYPE for each of the six metrics */
    ck_assert_uint_eq(count_lines(text, "# HELP activ_"), 6);
    ck_assert_uint_eq(count_lines(text, "# TYPE activ_"), 6);
    ck_assert(text[strlen(text) - 1] == '\n');
    ck_assert(promtool_accepts(text));
    free(text);
    activ_metrics_free(m);
}
END_TEST

/* ---------------------------------------------------------------- the daemon */

static activ_service *svc;
static activ_http *http;
static unsigned port;

static void start_with(unsigned threads, unsigned max_connections)
{
    activ_error err;
    ck_assert_int_eq(activ_service_new(NULL, &svc, &err), ACTIV_OK);
    activ_http_options opts = {
        .host = "127.0.0.1",
        .port = 0,
        .threads = threads,
        .max_body = MAX_BODY,
        .max_connections = max_connections,
        .timeout = TIMEOUT_S,
    };
    char msg[256] = "";
    http = activ_http_start(&opts, svc, msg, sizeof msg);
    ck_assert_msg(http != NULL, "start failed: %s", msg);
    port = activ_http_port(http);
    ck_assert_uint_gt(port, 0);
}

static void start_daemon(void)
{
    start_with(2, 16);
}

static void start_limited_daemon(void)
{
    start_with(2, LIMIT);
}

static void stop_daemon(void)
{
    activ_http_stop(http);
    http = NULL;
    activ_service_free(svc);
    svc = NULL;
}

/* GET path on curl, reusing its connection when it can (reply_free the reply). */
static reply get(CURL *curl, const char *path)
{
    return fetch(curl, port, "GET", path, NULL, NULL, 0, false);
}

/* POST json to path on curl as application/json (reply_free the reply). */
static reply post_json(CURL *curl, const char *path, const char *json)
{
    return fetch(curl, port, "POST", path, "application/json", json, strlen(json), false);
}

static long get_status(CURL *curl, const char *path)
{
    reply r = get(curl, path);
    long status = r.status;
    reply_free(&r);
    return status;
}

/* GET /metrics on curl: fails unless 200; returns the reply (reply_free it). */
static reply scrape(CURL *curl)
{
    reply r = get(curl, "/metrics");
    ck_assert_int_eq(r.status, 200);
    return r;
}

START_TEST(metrics_is_200_in_the_text_format)
{
    CURL *curl = new_curl();
    reply r = scrape(curl);
    ck_assert_msg(strncmp(r.content_type, "text/plain; version=0.0.4", 25) == 0, "Content-Type: %s",
                  r.content_type);
    ck_assert_uint_eq(strlen(r.body), r.body_len);
    ck_assert(r.body[r.body_len - 1] == '\n');
    /* counted when it completes, so a scrape does not see itself ... */
    ck_assert_uint_eq(requests_total(r.body, "/metrics", "200"), 0);
    /* ... but is in flight, on an open connection */
    ck_assert_uint_eq(metric_value(r.body, "activ_http_requests_in_flight"), 1);
    ck_assert_uint_eq(metric_value(r.body, "activ_http_connections"), 1);
    reply_free(&r);
    r = scrape(curl);
    ck_assert_uint_eq(requests_total(r.body, "/metrics", "200"), 1);
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(healthz_requests_are_counted_exactly)
{
    enum { N = 7 };
    CURL *curl = new_curl();
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(get_status(curl, "/healthz"), 200);
    reply r = scrape(curl);
    ck_assert_uint_eq(requests_total(r.body, "/healthz", "200"), N);
    ck_assert_uint_eq(requests_total(r.body, "/healthz", "405"), 0);
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(unknown_path_counts_as_other)
{
    CURL *curl = new_curl();
    ck_assert_int_eq(get_status(curl, "/nope-123"), 404);
    ck_assert_int_eq(get_status(curl, "/activations/no_such_fn"), 404);
    reply r = scrape(curl);
    ck_assert_uint_eq(requests_total(r.body, "other", "404"), 1);
    ck_assert_uint_eq(requests_total(r.body, "/activations/{name}", "404"), 1);
    ck_assert_ptr_null(strstr(r.body, "/nope-123"));
    ck_assert_ptr_null(strstr(r.body, "nope"));
    ck_assert_ptr_null(strstr(r.body, "no_such_fn"));
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

/* Convention: a request is counted when it completes, in every metric alike, so the scrape
 * being answered is in none of them: the histogram's _count equals the sum of
 * activ_http_requests_total (and both leave that scrape out). */
START_TEST(histogram_count_equals_requests_counted)
{
    CURL *curl = new_curl();
    ck_assert_int_eq(get_status(curl, "/healthz"), 200);
    ck_assert_int_eq(get_status(curl, "/nope"), 404);
    reply r = post_json(curl, "/healthz", "{}");
    ck_assert_int_eq(r.status, 405);
    reply_free(&r);
    r = scrape(curl);
    reply_free(&r);
    r = scrape(curl);
    unsigned long long total = sum_lines(r.body, "activ_http_requests_total{");
    ck_assert_uint_eq(total, 4); /* the three above and the first scrape */
    ck_assert_uint_eq(metric_value(r.body, "activ_http_request_duration_seconds_count"), total);
    ck_assert_uint_eq(
        metric_value(r.body, "activ_http_request_duration_seconds_bucket{le=\"+Inf\"}"), total);
    /* cumulative buckets never decrease */
    unsigned long long last = 0;
    size_t buckets = 0;
    for (const char *p = strstr(r.body, "activ_http_request_duration_seconds_bucket{"); p;
         p = strstr(p + 1, "activ_http_request_duration_seconds_bucket{")) {
        unsigned long long v = strtoull(strchr(p, '}') + 2, NULL, 10);
        ck_assert_uint_ge(v, last);
        last = v;
        buckets++;
    }
    ck_assert_uint_eq(buckets, 15);
    ck_assert_ptr_nonnull(strstr(r.body, "\nactiv_http_request_duration_seconds_sum "));
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(metrics_body_passes_promtool)
{
    CURL *curl = new_curl();
    ck_assert_int_eq(get_status(curl, "/healthz"), 200);
    reply r = scrape(curl);
    ck_assert_msg(promtool_accepts(r.body), "promtool rejected:\n%s", r.body);
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(evaluate_counts_elements_by_activation)
{
    CURL *curl = new_curl();
    reply r = post_json(curl, "/evaluate", "{\"activation\":\"sigmoid\",\"x\":[1,2,3]}");
    ck_assert_msg(r.status == 200, "POST /evaluate: %ld %s", r.status, r.body);
    reply_free(&r);
    r = scrape(curl);
    ck_assert_uint_eq(elements_total(r.body, "sigmoid"), 3);
    reply_free(&r);
    /* an alias counts under the canonical name; a batch counts every element */
    r = post_json(curl, "/evaluate", "{\"activation\":\"logistic\",\"x\":[[1,2],[3,4]]}");
    ck_assert_int_eq(r.status, 200);
    reply_free(&r);
    r = post_json(curl, "/evaluate", "{\"activation\":\"no_such_fn\",\"x\":[1]}");
    ck_assert_int_eq(r.status, 422);
    reply_free(&r);
    r = scrape(curl);
    ck_assert_uint_eq(elements_total(r.body, "sigmoid"), 3 + 4);
    ck_assert_uint_eq(elements_total(r.body, "relu"), 0);
    ck_assert_uint_eq(sum_lines(r.body, "activ_elements_evaluated_total{"), 7);
    ck_assert_uint_eq(requests_total(r.body, "/evaluate", "200"), 2);
    ck_assert_uint_eq(requests_total(r.body, "/evaluate", "422"), 1);
    ck_assert_ptr_null(strstr(r.body, "no_such_fn"));
    reply_free(&r);
    curl_easy_cleanup(curl);
}
END_TEST

START_TEST(stop_unregisters_the_renderer)
{
    activ_http_stop(http);
    http = NULL;
    activ_request req = {.method = "GET", .path = "/metrics"};
    activ_response res;
    activ_service_handle(svc, &req, &res);
    ck_assert_int_eq(res.status, 404);
    activ_service_response_fini(&res);
}
END_TEST

START_TEST(many_connections_run_with_poll)
{
    /* 200 connections on one thread exceed the epoll bound of 125 (NOTES point 2) */
    stop_daemon();
    start_with(1, 200);
    CURL *curl = new_curl();
    ck_assert_int_eq(get_status(curl, "/healthz"), 200);
    curl_easy_cleanup(curl);
}
END_TEST

/* ---------------------------------------------------------------- the connection limit */

/* Scrapes on curl until activ_http_connections reads want (the server has seen a close);
 * fails after 5 s. The scrape's own connection is one of them. */
static void wait_for_connections(CURL *curl, unsigned long long want)
{
    double t0 = now_s();
    for (;;) {
        reply r = scrape(curl);
        unsigned long long have = metric_value(r.body, "activ_http_connections");
        reply_free(&r);
        if (have == want)
            return;
        ck_assert_msg(now_s() - t0 < 5.0, "activ_http_connections stays %llu, want %llu", have,
                      want);
        pause_ms(10);
    }
}

/* LIMIT curl handles, each with one request served on its own keep-alive connection. */
static void fill(CURL *curls[LIMIT])
{
    for (unsigned i = 0; i < LIMIT; i++) {
        curls[i] = new_curl();
        reply r = get(curls[i], "/healthz");
        ck_assert_msg(r.status == 200, "connection %u: %ld", i + 1, r.status);
        ck_assert_int_eq(r.num_connects, 1);
        ck_assert_str_eq(r.connection, "");
        reply_free(&r);
    }
}

static void unfill(CURL *curls[LIMIT])
{
    for (unsigned i = 0; i < LIMIT; i++)
        curl_easy_cleanup(curls[i]);
}

/* A raw TCP connection with a receive timeout. */
static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct timeval tv = {.tv_sec = 10, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    return fd;
}

/* Sends one request asking to close, and reads the reply until the server closes. */
static char *exchange(int fd, const char *request)
{
    size_t len = strlen(request);
    ck_assert_int_eq(send(fd, request, len, MSG_NOSIGNAL), (ssize_t)len);
    char *out = calloc(1, REPLY_SIZE);
    ck_assert_ptr_nonnull(out);
    size_t got = 0;
    ssize_t n;
    while (got < REPLY_SIZE - 1 && (n = recv(fd, out + got, REPLY_SIZE - 1 - got, 0)) > 0)
        got += (size_t)n;
    return out;
}

START_TEST(connection_over_the_limit_gets_503_until_one_closes)
{
    CURL *curls[LIMIT];
    fill(curls);
    /* every one of them is still served: keep-alive, no new connection */
    for (unsigned i = 0; i < LIMIT; i++) {
        reply r = get(curls[i], "/healthz");
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(r.num_connects, 0);
        reply_free(&r);
    }

    CURL *extra = new_curl();
    reply r = get(extra, "/healthz");
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.retry_after, "1");
    ck_assert_str_eq(r.connection, "close");
    ck_assert_str_eq(r.content_type, "application/json");
    ck_assert_ptr_nonnull(strstr(r.body, "\"code\":\"overloaded\""));
    reply_free(&r);
    /* a POST with a body is refused the same way, and its body is read, not reset */
    r = post_json(extra, "/evaluate", "{\"activation\":\"relu\",\"x\":[1]}");
    ck_assert_int_eq(r.status, 503);
    ck_assert_int_eq(r.num_connects, 1); /* the server closed the last one */
    ck_assert_str_eq(r.connection, "close");
    reply_free(&r);

    /* one closes: the next connection is served (once the server has seen the close) */
    curl_easy_cleanup(curls[0]);
    curls[0] = NULL;
    wait_for_connections(curls[1], LIMIT - 1);
    r = get(extra, "/healthz");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.connection, "");
    reply_free(&r);
    r = get(extra, "/healthz");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.num_connects, 0); /* kept alive: it is one of the LIMIT now */
    reply_free(&r);

    r = scrape(curls[1]);
    ck_assert_uint_eq(requests_total(r.body, "/healthz", "503"), 1);
    ck_assert_uint_eq(requests_total(r.body, "/evaluate", "503"), 1);
    reply_free(&r);
    curls[0] = extra;
    unfill(curls);
}
END_TEST

START_TEST(excess_connection_is_served_if_a_place_frees_before_its_request)
{
    CURL *curls[LIMIT];
    fill(curls);
    int fd = dial(); /* over the limit, idle */
    curl_easy_cleanup(curls[0]);
    curls[0] = NULL;
    wait_for_connections(curls[1], LIMIT); /* LIMIT - 1 curl handles and fd */
    char *out = exchange(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0, "got: %s", out);
    free(out);
    close(fd);
    curls[0] = new_curl();
    unfill(curls);
}
END_TEST

START_TEST(idle_excess_connection_is_closed_soon)
{
    CURL *curls[LIMIT];
    fill(curls);
    int fd = dial();
    double t0 = now_s();
    char byte;
    ck_assert_int_eq(recv(fd, &byte, 1, 0), 0); /* closed by the server */
    double waited = now_s() - t0;
    ck_assert_msg(waited > 1.0 && waited < TIMEOUT_S - 1.0, "closed after %.2f s", waited);
    close(fd);
    /* the admitted ones are still served */
    for (unsigned i = 0; i < LIMIT; i++)
        ck_assert_int_eq(get_status(curls[i], "/healthz"), 200);
    unfill(curls);
}
END_TEST

static Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");

    TCase *tc = tcase_create("text");
    tcase_add_loop_test(tc, path_label_is_the_route_template_or_other, 0,
                        (int)(sizeof path_cases / sizeof path_cases[0]));
    tcase_add_test(tc, status_label_is_a_fixed_set);
    tcase_add_test(tc, print_counts_every_field);
    tcase_add_test(tc, print_lists_every_label_combination_and_the_version);
    suite_add_tcase(s, tc);

    tc = tcase_create("daemon");
    tcase_add_checked_fixture(tc, start_daemon, stop_daemon);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, metrics_is_200_in_the_text_format);
    tcase_add_test(tc, healthz_requests_are_counted_exactly);
    tcase_add_test(tc, unknown_path_counts_as_other);
    tcase_add_test(tc, histogram_count_equals_requests_counted);
    tcase_add_test(tc, metrics_body_passes_promtool);
    tcase_add_test(tc, evaluate_counts_elements_by_activation);
    tcase_add_test(tc, stop_unregisters_the_renderer);
    tcase_add_test(tc, many_connections_run_with_poll);
    suite_add_tcase(s, tc);

    tc = tcase_create("connection limit");
    tcase_add_checked_fixture(tc, start_limited_daemon, stop_daemon);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, connection_over_the_limit_gets_503_until_one_closes);
    tcase_add_test(tc, excess_connection_is_served_if_a_place_frees_before_its_request);
    tcase_add_test(tc, idle_excess_connection_is_closed_soon);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run_suite(metrics_suite());
    curl_global_cleanup();
    return rc;
}
