/* raw_http.h -- HTTP over a bare TCP socket, for the exchanges libcurl will not make */
#ifndef ACTIV_TEST_RAW_HTTP_H
#define ACTIV_TEST_RAW_HTTP_H

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define RAW_REPLY_SIZE 65536 /* what raw_read_all keeps of an exchange */

/* A TCP connection to 127.0.0.1:port whose reads time out after timeout_ms; -1 with errno
 * if it cannot connect. */
static inline int raw_dial(unsigned port, long timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Sends len bytes; false if the peer has closed or reset the connection. */
static inline bool raw_send(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        s += n;
        len -= (size_t)n;
    }
    return true;
}

static inline void raw_send_all(int fd, const char *s)
{
    ck_assert_msg(raw_send(fd, s, strlen(s)), "send failed: %s", strerror(errno));
}

/* Reads until the peer closes, the read times out, or RAW_REPLY_SIZE - 1 bytes; returns the
 * malloc'd, NUL-terminated text. */
static inline char *raw_read_all(int fd)
{
    char *out = calloc(1, RAW_REPLY_SIZE);
    ck_assert_ptr_nonnull(out);
    size_t len = 0;
    ssize_t n;
    while (len < RAW_REPLY_SIZE - 1 && (n = recv(fd, out + len, RAW_REPLY_SIZE - 1 - len, 0)) > 0)
        len += (size_t)n;
    return out;
}

/* Reads until `count` whole responses with Content-Length bodies are in (or the peer closes,
 * or a read times out); returns the malloc'd, NUL-terminated text. */
static inline char *raw_read_responses(int fd, int count)
{
    char *out = calloc(1, RAW_REPLY_SIZE);
    ck_assert_ptr_nonnull(out);
    size_t len = 0;
    for (;;) {
        int complete = 0;
        const char *p = out;
        for (;;) {
            const char *end = strstr(p, "\r\n\r\n");
            const char *cl = strstr(p, "Content-Length: ");
            if (!end || !cl || cl > end)
                break;
            size_t body = strtoul(cl + 16, NULL, 10);
            if ((size_t)(end + 4 - out) + body > len)
                break;
            complete++;
            p = end + 4 + body;
        }
        if (complete >= count || len >= RAW_REPLY_SIZE - 1)
            break;
        ssize_t n = recv(fd, out + len, RAW_REPLY_SIZE - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    return out;
}

/* Whether the server has closed fd (a read returns end of file or a reset) within the read
 * timeout, discarding whatever it sends first. */
static inline bool raw_closed_by_peer(int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return true;
        if (n < 0)
            return false; /* timed out: still open */
    }
}

#endif
