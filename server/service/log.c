/* log.c -- one JSON line per request or event on stderr (service: libc only) */
#include "activ/service.h"
#include "activ/version.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A line stays below PIPE_BUF (4096 on Linux, at least 512 by POSIX), so one write() puts it
 * whole into a pipe even when other threads or processes write to the same one. */
#define LOG_LINE_SIZE 1024
#define FIELD_MAX     256 /* bytes of a client-supplied string kept in a log line */
#define FIELD_OUT_MAX 380 /* escaped bytes of one string: two of them always fit in a line */
#define TAIL_SIZE     2   /* the closing "}\n" always fits */

typedef struct log_line {
    char buf[LOG_LINE_SIZE];
    size_t len;
} log_line;

/* Appends n bytes if they fit in front of the reserved tail; returns whether they did. */
static int put_bytes(log_line *l, const char *s, size_t n)
{
    if (l->len + n + TAIL_SIZE > sizeof l->buf)
        return 0;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    return 1;
}

static void put_raw(log_line *l, const char *s)
{
    put_bytes(l, s, strlen(s));
}

ACTIV_PRINTF(2, 3) static void put_fmt(log_line *l, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put_bytes(l, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* The length of the well-formed UTF-8 sequence at s (at most n bytes), or 0 if there is none:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned long cp, min;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1fu;
        min = 0x80;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0fu;
        min = 0x800;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* Appends s (at most FIELD_MAX bytes of it, FIELD_OUT_MAX once escaped) as a JSON string:
 * quotes, backslashes and control characters escaped, each byte that starts no valid UTF-8
 * sequence replaced by U+FFFD. NULL gives "". */
static void put_string(log_line *l, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strnlen((const char *)p, FIELD_MAX);

    size_t start = l->len;
    put_raw(l, "\"");
    for (size_t i = 0; i < n;) {
        char esc[8];
        const char *out = esc;
        size_t out_len, step = 1;
        size_t seq = utf8_seq(p + i, n - i);
        if (seq == 0) {
            out = "\\ufffd";
            out_len = 6;
        } else if (p[i] == '"' || p[i] == '\\') {
            esc[0] = '\\';
            esc[1] = (char)p[i];
            out_len = 2;
        } else if (p[i] < 0x20) {
            out_len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", p[i]);
        } else {
            out = (const char *)p + i;
            out_len = seq;
            step = seq;
        }
        if (l->len - start + out_len > FIELD_OUT_MAX)
            break;
        put_bytes(l, out, out_len);
        i += step;
    }
    put_raw(l, "\"");
}

/* Ends the line and writes it with one write(), retrying on EINTR only: a log line that cannot
 * be written is dropped rather than blocking or failing a request. */
static void emit(log_line *l)
{
    l->buf[l->len++] = '}';
    l->buf[l->len++] = '\n';
    ssize_t w;
    do {
        w = write(STDERR_FILENO, l->buf, l->len);
    } while (w < 0 && errno == EINTR);
}

void activ_service_log_request(const char *method, const char *path, int status, size_t bytes,
                               uint64_t micros)
{
    log_line l = {.len = 0};
    put_raw(&l, "{\"method\":");
    put_string(&l, method);
    put_raw(&l, ",\"path\":");
    put_string(&l, path);
    put_fmt(&l, ",\"status\":%d,\"bytes\":%zu,\"duration_us\":%" PRIu64, status, bytes, micros);
    emit(&l);
}

void activ_service_log_listening(const char *host, unsigned port, unsigned threads)
{
    log_line l = {.len = 0};
    put_raw(&l, "{\"event\":\"listening\",\"version\":\"" ACTIV_VERSION "\",\"host\":");
    put_string(&l, host);
    put_fmt(&l, ",\"port\":%u,\"threads\":%u", port, threads);
    emit(&l);
}

void activ_service_log_event(const char *event, const char *message)
{
    log_line l = {.len = 0};
    put_raw(&l, "{\"event\":");
    put_string(&l, event);
    if (message) {
        put_raw(&l, ",\"message\":");
        put_string(&l, message);
    }
    emit(&l);
}
