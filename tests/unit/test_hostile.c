/* test_hostile.c -- hostile HTTP clients against the daemon, in-process on a loopback port
 *
 * Each test attacks with bare sockets (slow, half-open, idle, oversized, pipelined, lying
 * about lengths, vanishing), then checks that the server still answers GET /healthz promptly.
 * Some also run a well-behaved client during the attack and check it was served. Every loop
 * is bounded; the deadlines are short so that the suite stays quick. */
#include "activ/http.h"
#include "activ/service.h"

#include "check_main.h"
#include "http_fetch.h"
#include "raw_http.h"
#include "service_call.h"
#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BODY        (64u * 1024)
#define MAX_CONNECTIONS 32u
#define IDLE_TIMEOUT_S  5u
#define DEADLINE_S      2u    /* --request-timeout of most tests */
#define PROMPT_MS       1000L /* "promptly": /healthz answers within this */

static const char healthz_request[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
static const char evaluate_body[] = "{\"activation\": \"relu\", \"x\": [-1, 2]}";
static const char evaluate_answer[] = "{\"activation\":\"relu\",\"params\":{},\"y\":[0.0,2.0]}";

/* ---------------------------------------------------------------- the daemon */

static activ_service *svc;
static activ_http *http;
static unsigned port;

static void start(unsigned request_timeout, unsigned max_connections, unsigned per_ip)
{
    svc = new_service();
    activ_http_options opts = {
        .host = "127.0.0.1",
        .port = 0,
        .threads = 2,
        .max_body = MAX_BODY,
        .max_connections = max_connections,
        .timeout = IDLE_TIMEOUT_S,
        .request_timeout = request_timeout,
        .max_connections_per_ip = per_ip,
    };
    char msg[256] = "";
    http = activ_http_start(&opts, svc, msg, sizeof msg);
    ck_assert_msg(http != NULL, "start failed: %s", msg);
    port = activ_http_port(http);
}

static void start_default(void)
{
    start(DEADLINE_S, MAX_CONNECTIONS, 0);
}

static void stop(void)
{
    activ_http_stop(http);
    http = NULL;
    activ_service_free(svc);
    svc = NULL;
}

/* GET /healthz on a new connection answers 200 within PROMPT_MS. A 503 (connection places
 * still held by clients that have just gone, until the server has seen them close) is
 * retried within the same time. */
static void check_healthy(void)
{
    CURL *curl = new_curl();
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, PROMPT_MS);
    curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
    double t0 = now_s();
    long status = 0;
    while (status != 200 && now_s() - t0 < PROMPT_MS / 1000.0) {
        reply r = fetch(curl, port, "GET", "/healthz", NULL, NULL, 0, false);
        status = r.status;
        reply_free(&r);
        if (status == 503)
            pause_ms(20);
        else
            break;
    }
    ck_assert_msg(status == 200, "/healthz: status %ld after %.3f s", status, now_s() - t0);
    curl_easy_cleanup(curl);
}

/* A POST /evaluate on a new connection gets the exact answer. */
static void check_evaluate(void)
{
    CURL *curl = new_curl();
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    reply r = fetch(curl, port, "POST", "/evaluate", "application/json", evaluate_body,
                    strlen(evaluate_body), false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.body_len, strlen(evaluate_answer));
    ck_assert_int_eq(memcmp(r.body, evaluate_answer, r.body_len), 0);
    reply_free(&r);
    curl_easy_cleanup(curl);
}

/* A well-behaved client in a thread: GET /healthz in a loop until told to stop, counting
 * answers (200, or 503 while the server is at its connection limit) and failures. */
typedef struct bystander {
    pthread_t thread;
    atomic_bool stop;
    atomic_int served, refused, failed;
} bystander;

static void *bystander_run(void *cls)
{
    bystander *b = cls;
    CURL *curl = new_curl();
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
    while (!atomic_load(&b->stop)) {
        reply r = fetch(curl, port, "GET", "/healthz", NULL, NULL, 0, false);
        if (r.status == 200)
            atomic_fetch_add(&b->served, 1);
        else if (r.status == 503)
            atomic_fetch_add(&b->refused, 1);
        else
            atomic_fetch_add(&b->failed, 1);
        reply_free(&r);
        pause_ms(50);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

static void bystander_start(bystander *b)
{
    atomic_init(&b->stop, false);
    atomic_init(&b->served, 0);
    atomic_init(&b->refused, 0);
    atomic_init(&b->failed, 0);
    ck_assert_int_eq(pthread_create(&b->thread, NULL, bystander_run, b), 0);
}

/* Stops b; it must have had no failure and at least `served` answers of 200. */
static void bystander_check(bystander *b, int served)
{
    atomic_store(&b->stop, true);
    pthread_join(b->thread, NULL);
    ck_assert_msg(atomic_load(&b->failed) == 0 && atomic_load(&b->served) >= served,
                  "bystander: %d served, %d refused (503), %d failed", atomic_load(&b->served),
                  atomic_load(&b->refused), atomic_load(&b->failed));
}

/* Sends s one byte at a time, every `ms` milliseconds; false once the server has closed. */
static bool drip(int fd, const char *s, size_t len, long ms)
{
    for (size_t i = 0; i < len; i++) {
        if (!raw_send(fd, s + i, 1))
            return false;
        pause_ms(ms);
    }
    return true;
}

/* ---------------------------------------------------------------- slow clients */

/* One byte every 100 ms: a request that arrives whole within the deadline is answered. */
START_TEST(slow_client_within_the_deadline_is_served)
{
    start(8, MAX_CONNECTIONS, 0);
    bystander b;
    bystander_start(&b);
    int fd = raw_dial(port, 5000);
    ck_assert_int_ge(fd, 0);
    ck_assert(drip(fd, healthz_request, strlen(healthz_request), 100)); /* 3.4 s */
    char *out = raw_read_responses(fd, 1);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0, "got: %.200s", out);
    ck_assert_ptr_nonnull(strstr(out, "{\"status\":\"ok\"}"));
    free(out);
    close(fd);
    bystander_check(&b, 20);
    check_healthy();
    stop();
}
END_TEST

/* One byte every 100 ms, without end: the connection is cut at the deadline. */
START_TEST(slow_client_past_the_deadline_is_cut)
{
    start_default();
    int fd = raw_dial(port, 5000);
    ck_assert_int_ge(fd, 0);
    static const char endless[] = "POST /evaluate HTTP/1.1\r\nHost: t\r\nX-Slow: "
                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    double t0 = now_s();
    bool open = drip(fd, endless, strlen(endless), 100); /* 9.5 s if never cut */
    double took = now_s() - t0;
    ck_assert_msg(!open && took < DEADLINE_S + 1.5, "still open after %.2f s", took);
    ck_assert_msg(took > DEADLINE_S - 0.5, "cut after %.2f s, before the deadline", took);
    close(fd);
    check_healthy();
    stop();
}
END_TEST

/* A body sent slowly is held to the same deadline as headers. */
START_TEST(slow_body_past_the_deadline_is_cut)
{
    start_default();
    int fd = raw_dial(port, 5000);
    ck_assert_int_ge(fd, 0);
    raw_send_all(fd, "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                     "Content-Length: 1000\r\n\r\n");
    char spaces[100];
    memset(spaces, ' ', sizeof spaces);
    double t0 = now_s();
    bool open = drip(fd, spaces, sizeof spaces, 100);
    double took = now_s() - t0;
    ck_assert_msg(!open && took < DEADLINE_S + 1.5, "still open after %.2f s", took);
    close(fd);
    check_healthy();
    stop();
}
END_TEST

/* Slowloris: every connection place taken by a half-sent request, kept alive with a byte now
 * and then. Other clients get 503 (not a hang) meanwhile, and 200 once the deadline has cut
 * the attackers. */
START_TEST(slowloris_is_cut_at_the_deadline_and_others_are_served)
{
    start_default();
    int fds[MAX_CONNECTIONS];
    for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
        fds[i] = raw_dial(port, 100);
        ck_assert_int_ge(fds[i], 0);
        raw_send_all(fds[i], "GET /healthz HTTP/1.1\r\nHost: t\r\nX-a: ");
    }
    pause_ms(200); /* every connection accepted and admitted */
    bystander b;
    bystander_start(&b);
    double t0 = now_s();
    unsigned cut = 0;
    while (cut < MAX_CONNECTIONS && now_s() - t0 < DEADLINE_S + 3) {
        cut = 0;
        for (unsigned i = 0; i < MAX_CONNECTIONS; i++) {
            if (fds[i] >= 0 && !raw_send(fds[i], "a", 1)) {
                close(fds[i]);
                fds[i] = -1;
            }
            cut += fds[i] < 0;
        }
        pause_ms(100);
    }
    double took = now_s() - t0;
    ck_assert_msg(cut == MAX_CONNECTIONS, "%u of %u cut after %.2f s", cut, MAX_CONNECTIONS, took);
    pause_ms(300);
    bystander_check(&b, 1);
    check_healthy();
    check_evaluate();
    stop();
}
END_TEST

/* A client that never reads its answer keeps no thread: others are served meanwhile. */
START_TEST(client_that_does_not_read_its_answer_blocks_nobody)
{
    start_default();
    int fd = raw_dial(port, 100);
    ck_assert_int_ge(fd, 0);
    int small = 1024;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    /* 200 requests for the whole catalog, pipelined, never read */
    char req[] = "GET /activations HTTP/1.1\r\nHost: t\r\n\r\n";
    for (int i = 0; i < 200; i++) {
        if (!raw_send(fd, req, strlen(req)))
            break;
    }
    for (int i = 0; i < 5; i++)
        check_healthy();
    close(fd);
    check_healthy();
    stop();
}
END_TEST

/* ---------------------------------------------------------------- many connections */

/* Hundreds of keep-alive connections, each served once and then idle: a new client is still
 * served at once, and the idle ones are closed at the deadline. */
START_TEST(hundreds_of_idle_keep_alive_connections)
{
    enum { IDLE = 240 };
    start(DEADLINE_S, 250, 0);
    static int fds[IDLE];
    for (int i = 0; i < IDLE; i++) {
        fds[i] = raw_dial(port, 3000);
        ck_assert_int_ge(fds[i], 0);
        raw_send_all(fds[i], healthz_request);
        char *out = raw_read_responses(fds[i], 1);
        ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0, "connection %d: %.100s", i, out);
        free(out);
    }
    check_healthy();
    check_evaluate();
    /* each idle connection is closed by the server by the deadline (plus the watchdog's tick) */
    for (int i = 0; i < IDLE; i++) {
        ck_assert_msg(raw_closed_by_peer(fds[i]), "connection %d still open", i);
        close(fds[i]);
    }
    check_healthy();
    stop();
}
END_TEST

/* --max-connections-per-ip at its boundary: N connections from one address are served, the
 * next is closed at once, and a new one is served after one of the N closes. */
START_TEST(per_ip_limit_at_its_boundary)
{
    enum { PER_IP = 3 };
    start(DEADLINE_S + 8, MAX_CONNECTIONS, PER_IP);
    int fds[PER_IP];
    for (int i = 0; i < PER_IP; i++) {
        fds[i] = raw_dial(port, 3000);
        ck_assert_int_ge(fds[i], 0);
        raw_send_all(fds[i], healthz_request);
        char *out = raw_read_responses(fds[i], 1);
        ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0, "connection %d: %.100s", i, out);
        free(out);
    }
    int extra = raw_dial(port, 3000);
    ck_assert_int_ge(extra, 0); /* the kernel accepts; libmicrohttpd closes it */
    (void)raw_send(extra, healthz_request, strlen(healthz_request));
    ck_assert(raw_closed_by_peer(extra));
    close(extra);

    close(fds[0]);
    pause_ms(200);
    fds[0] = raw_dial(port, 3000);
    ck_assert_int_ge(fds[0], 0);
    raw_send_all(fds[0], healthz_request);
    char *out = raw_read_responses(fds[0], 1);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0, "after a close: %.100s", out);
    free(out);
    for (int i = 0; i < PER_IP; i++)
        close(fds[i]);
    stop();
}
END_TEST

/* ---------------------------------------------------------------- malformed framing */

/* The first line of a reply on a new connection after sending `request`, and whether the
 * server then closed the connection. */
static char *exchange(const char *request, size_t len)
{
    int fd = raw_dial(port, 3000);
    ck_assert_int_ge(fd, 0);
    (void)raw_send(fd, request, len);
    char *out = raw_read_all(fd);
    close(fd);
    return out;
}

/* Oversized headers and request lines are refused with a 4xx status and a closed connection;
 * the server is unharmed. (The bodies are libmicrohttpd's own, not our JSON: it answers these
 * before any callback of ours runs.) */
START_TEST(oversized_header_and_request_line_are_refused)
{
    start_default();
    size_t big = 200 * 1024;
    char *req = malloc(big + 256);
    ck_assert_ptr_nonnull(req);
    /* one huge header */
    int n = sprintf(req, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(req + n, 'a', big);
    strcpy(req + n + big, "\r\n\r\n");
    char *out = exchange(req, strlen(req));
    ck_assert_msg(strncmp(out, "HTTP/1.1 4", 10) == 0, "huge header: %.100s", out);
    free(out);
    /* a huge request line */
    n = sprintf(req, "GET /");
    memset(req + n, 'p', big);
    strcpy(req + n + big, " HTTP/1.1\r\nHost: t\r\n\r\n");
    out = exchange(req, strlen(req));
    ck_assert_msg(strncmp(out, "HTTP/1.1 4", 10) == 0, "huge request line: %.100s", out);
    free(out);
    /* thousands of small headers */
    char *p = req + sprintf(req, "GET /healthz HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 10000 && p < req + big; i++)
        p += sprintf(p, "X-%d: v\r\n", i);
    strcpy(p, "\r\n");
    out = exchange(req, strlen(req));
    ck_assert_msg(strncmp(out, "HTTP/1.1 4", 10) == 0, "many headers: %.100s", out);
    free(out);
    free(req);
    check_healthy();
    stop();
}
END_TEST

/* Requests pipelined in one write are answered in order, with exact bodies. */
START_TEST(pipelined_requests_are_answered_in_order)
{
    start_default();
    char req[1024];
    snprintf(req, sizeof req,
             "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
             "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n%s"
             "GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n",
             strlen(evaluate_body), evaluate_body);
    int fd = raw_dial(port, 3000);
    ck_assert_int_ge(fd, 0);
    raw_send_all(fd, req);
    char *out = raw_read_responses(fd, 3);
    close(fd);
    const char *first = strstr(out, "HTTP/1.1 200 ");
    const char *answer = strstr(out, evaluate_answer);
    const char *third = strstr(out, "HTTP/1.1 404 ");
    ck_assert_msg(first == out && answer && third && first < answer && answer < third, "got: %s",
                  out);
    ck_assert_ptr_nonnull(strstr(out, "{\"status\":\"ok\"}"));
    free(out);
    check_healthy();
    stop();
}
END_TEST

/* Content-Length larger than the body sent: the server waits for the rest, and the deadline
 * closes the connection; smaller than the body: the excess is read as the next request, which
 * is malformed, so the connection closes after the first answer. */
START_TEST(content_length_mismatch)
{
    start_default();
    char req[512];
    snprintf(req, sizeof req,
             "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(evaluate_body) + 50, evaluate_body);
    int fd = raw_dial(port, 5000);
    ck_assert_int_ge(fd, 0);
    raw_send_all(fd, req);
    double t0 = now_s();
    char *out = raw_read_all(fd); /* ends when the server closes */
    double took = now_s() - t0;
    close(fd);
    ck_assert_msg(out[0] == '\0' && took < DEADLINE_S + 1.5, "after %.2f s: %.100s", took, out);
    free(out);

    snprintf(req, sizeof req,
             "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n%sGARBAGE\r\n\r\n",
             strlen(evaluate_body), evaluate_body);
    out = exchange(req, strlen(req));
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0 && strstr(out, evaluate_answer), "got: %s",
                  out);
    /* libmicrohttpd closes on the malformed line that follows (with or without a 400) */
    const char *second = strstr(out + 1, "HTTP/1.1 ");
    ck_assert_msg(!second || strncmp(second, "HTTP/1.1 400 ", 13) == 0, "the excess: %s", out);
    free(out);
    check_healthy();
    stop();
}
END_TEST

/* Chunked bodies: valid ones are answered, malformed chunk sizes get a 4xx and a close. */
START_TEST(chunked_bodies_valid_and_invalid)
{
    start_default();
    char req[1024];
    size_t half = strlen(evaluate_body) / 2;
    snprintf(req, sizeof req,
             "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%.*s\r\n%zx;ext=1\r\n%s\r\n0\r\n\r\n",
             half, (int)half, evaluate_body, strlen(evaluate_body) - half, evaluate_body + half);
    int fd = raw_dial(port, 3000);
    ck_assert_int_ge(fd, 0);
    raw_send_all(fd, req);
    char *out = raw_read_responses(fd, 1);
    close(fd);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0 && strstr(out, evaluate_answer),
                  "valid chunks: %s", out);
    free(out);

    static const char *const bad[] = {
        "zz\r\n{}\r\n0\r\n\r\n",                   /* not hex */
        "2\r\n{}XX0\r\n\r\n",                      /* no CRLF after the data */
        "ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n", /* size overflows */
        "-2\r\n{}\r\n0\r\n\r\n",                   /* negative */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(req, sizeof req,
                 "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n%s",
                 bad[i]);
        double t0 = now_s();
        out = exchange(req, strlen(req));
        double took = now_s() - t0;
        /* a 4xx, or a plain close, but never a 200 or a hang past the deadline */
        ck_assert_msg((out[0] == '\0' || strncmp(out, "HTTP/1.1 4", 10) == 0) &&
                          took < DEADLINE_S + 1.5,
                      "bad chunks %zu after %.2f s: %.100s", i, took, out);
        free(out);
    }
    check_healthy();
    stop();
}
END_TEST

/* Expect: 100-continue gets the interim answer, then the real one; a body declared too large
 * to read gets its 413 without the 100. */
START_TEST(expect_100_continue)
{
    start_default();
    int fd = raw_dial(port, 3000);
    ck_assert_int_ge(fd, 0);
    char req[512];
    snprintf(req, sizeof req,
             "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Expect: 100-continue\r\nContent-Length: %zu\r\n\r\n",
             strlen(evaluate_body));
    raw_send_all(fd, req);
    char interim[64] = "";
    ssize_t n = recv(fd, interim, sizeof interim - 1, 0);
    ck_assert_msg(n > 0 && strncmp(interim, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0,
                  "interim: %s", interim);
    raw_send_all(fd, evaluate_body);
    char *out = raw_read_responses(fd, 1);
    close(fd);
    ck_assert_msg(strncmp(out, "HTTP/1.1 200 ", 13) == 0 && strstr(out, evaluate_answer), "got: %s",
                  out);
    free(out);

    snprintf(req, sizeof req,
             "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             "Expect: 100-continue\r\nContent-Length: %u\r\n\r\n",
             100 * MAX_BODY);
    out = exchange(req, strlen(req));
    ck_assert_msg(strncmp(out, "HTTP/1.1 413 ", 13) == 0, "got: %.200s", out);
    ck_assert_ptr_null(strstr(out, "100 Continue"));
    ck_assert_ptr_nonnull(strstr(out, "\"payload_too_large\""));
    free(out);
    check_healthy();
    stop();
}
END_TEST

/* Clients that vanish mid-body, mid-header or right after the request leave nothing behind:
 * the requests in flight fall back to zero, and the server serves on. */
START_TEST(clients_that_vanish_leave_nothing_behind)
{
    start_default();
    static const char *const partial[] = {
        "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n{\"activation\": \"relu\", \"x\": [1, 2,",
        "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Ty",
        "POST /evaluate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"activation\"",
        "GET /activations HTTP/1.1\r\nHost: t\r\n\r\n",
    };
    for (int round = 0; round < 25; round++) {
        for (size_t i = 0; i < sizeof partial / sizeof partial[0]; i++) {
            int fd = raw_dial(port, 1000);
            ck_assert_int_ge(fd, 0);
            (void)raw_send(fd, partial[i], strlen(partial[i]));
            /* a reset, not a polite close, on every other connection */
            if (round % 2 == 1) {
                struct linger lg = {.l_onoff = 1, .l_linger = 0};
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            }
            close(fd);
        }
    }
    check_healthy();
    check_evaluate();
    /* the metrics show no request stuck in flight (only this one) */
    CURL *curl = new_curl();
    double t0 = now_s();
    bool settled = false;
    while (!settled && now_s() - t0 < 3.0) {
        reply r = fetch(curl, port, "GET", "/metrics", NULL, NULL, 0, false);
        ck_assert_int_eq(r.status, 200);
        settled = strstr(r.body, "\nactiv_http_requests_in_flight 1\n") != NULL;
        reply_free(&r);
        if (!settled)
            pause_ms(100);
    }
    curl_easy_cleanup(curl);
    ck_assert_msg(settled, "requests still in flight after the clients vanished");
    stop();
}
END_TEST

static Suite *hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("slow");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, slow_client_within_the_deadline_is_served);
    tcase_add_test(tc, slow_client_past_the_deadline_is_cut);
    tcase_add_test(tc, slow_body_past_the_deadline_is_cut);
    tcase_add_test(tc, slowloris_is_cut_at_the_deadline_and_others_are_served);
    tcase_add_test(tc, client_that_does_not_read_its_answer_blocks_nobody);
    suite_add_tcase(s, tc);

    tc = tcase_create("connections");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, hundreds_of_idle_keep_alive_connections);
    tcase_add_test(tc, per_ip_limit_at_its_boundary);
    suite_add_tcase(s, tc);

    tc = tcase_create("framing");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, oversized_header_and_request_line_are_refused);
    tcase_add_test(tc, pipelined_requests_are_answered_in_order);
    tcase_add_test(tc, content_length_mismatch);
    tcase_add_test(tc, chunked_bodies_valid_and_invalid);
    tcase_add_test(tc, expect_100_continue);
    tcase_add_test(tc, clients_that_vanish_leave_nothing_behind);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(hostile_suite());
}
