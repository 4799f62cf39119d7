/* http_fetch.h -- the libcurl client the HTTP tests share: one request, its status, body and
 * headers */
#ifndef ACTIV_TEST_HTTP_FETCH_H
#define ACTIV_TEST_HTTP_FETCH_H

#include <check.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define FETCH_HEADER_SIZE 128 /* room for one header value; longer ones are cut */
#define FETCH_TIMEOUT_S   10L /* a whole transfer, well inside each TCase's timeout */

/* What came back for one request. body is malloc'd and NUL-terminated (the NUL is not counted
 * in body_len), so it can be read as a string when the server sends none itself; fetch()
 * leaves it non-NULL, a zeroed reply fed straight to on_body() has NULL until the first byte.
 * A header the response lacks reads "". The owner frees it with reply_free(). */
typedef struct reply {
    long status;
    char *body;
    size_t body_len;
    char content_type[FETCH_HEADER_SIZE];
    char allow[FETCH_HEADER_SIZE];
    char connection[FETCH_HEADER_SIZE];
    char retry_after[FETCH_HEADER_SIZE];
    long num_connects; /* 0 when the request reused a kept-alive connection */
} reply;

/* Frees r's body; r reads as an empty reply afterwards. */
static inline void reply_free(reply *r)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}

/* CURLOPT_WRITEFUNCTION with a reply as the data: appends to body, growing it as needed.
 * Returns 0 (curl then fails the transfer with CURLE_WRITE_ERROR) when out of memory. */
static inline size_t on_body(char *data, size_t size, size_t n, void *cls)
{
    reply *r = cls;
    size_t len = size * n; /* curl always passes size 1 */
    if (len > SIZE_MAX - 1 - r->body_len)
        return 0;
    char *grown = realloc(r->body, r->body_len + len + 1);
    if (!grown)
        return 0;
    r->body = grown;
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
    return len;
}

/* Copies the value of header `name` into dst (of dst_size bytes) if the header line (len bytes,
 * not NUL-terminated) is that header; leaves dst alone otherwise. */
static inline void header_value(const char *line, size_t len, const char *name, char *dst,
                                size_t dst_size)
{
    size_t n = strlen(name);
    if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return;
    const char *v = line + n + 1;
    const char *end = line + len;
    while (v < end && *v == ' ')
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    snprintf(dst, dst_size, "%.*s", (int)(end - v), v);
}

/* CURLOPT_HEADERFUNCTION with a reply as the data: keeps the headers the tests look at. */
static inline size_t on_header(char *line, size_t size, size_t n, void *cls)
{
    reply *r = cls;
    size_t len = size * n;
    header_value(line, len, "Content-Type", r->content_type, sizeof r->content_type);
    header_value(line, len, "Allow", r->allow, sizeof r->allow);
    header_value(line, len, "Connection", r->connection, sizeof r->connection);
    header_value(line, len, "Retry-After", r->retry_after, sizeof r->retry_after);
    return len;
}

/* A new easy handle; fails the test if there is none. The caller cleans it up. */
static inline CURL *new_curl(void)
{
    CURL *curl = curl_easy_init();
    ck_assert_ptr_nonnull(curl);
    return curl;
}

/* One request on curl, reusing its connection when it can: `method` on path at
 * http://127.0.0.1:port (the tests' daemons listen on the loopback). content_type is the media type
 * to send, NULL for no Content-Type at all (not even curl's form default); body NULL sends no body,
 * else body_len bytes of it, chunked if asked. Fails the test unless the transfer completes. The
 * caller owns the reply: reply_free() it. Not for threads other than the test's own: it asserts. */
static inline reply fetch(CURL *curl, unsigned port, const char *method, const char *path,
                          const char *content_type, const char *body, size_t body_len, bool chunked)
{
    reply r = {.body = calloc(1, 1)};
    ck_assert_ptr_nonnull(r.body);
    char url[256];
    int url_len = snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    ck_assert(url_len > 0 && (size_t)url_len < sizeof url);
    char ct[FETCH_HEADER_SIZE] = "Content-Type:"; /* no value: curl sends none of its own */
    if (content_type)
        snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
    struct curl_slist *headers = curl_slist_append(NULL, ct);
    if (chunked)
        headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
    ck_assert_ptr_nonnull(headers);

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, FETCH_TIMEOUT_S);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &r.num_connects);
    return r;
}

/* Sleeps for ms milliseconds. */
static inline void pause_ms(long ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

/* Seconds on the monotonic clock, for measuring how long something took. */
static inline double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#endif
