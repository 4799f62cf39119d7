/* daemon.c -- libmicrohttpd adapter: listen, bodies, size, framing and connection limits (http) */
#include "activ/http.h"

#include "activ/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#define LISTEN_BACKLOG 1024 /* we bind ourselves, so this replaces LISTEN_BACKLOG_SIZE */
#define MEMORY_LIMIT   ((size_t)128 * 1024) /* MHD's per-connection pool: headers, send buffer */
/* MHD 0.9.75's epoll loop stalls when exactly 128 events are ready at once; up to 125
 * connections plus the listen and ITC fds per thread stay below that (NOTES point 2). */
#define EPOLL_CONNECTIONS_PER_THREAD 125u
/* Connections beyond --max-connections: MHD accepts max/EXCESS_DIVISOR more (at least
 * EXCESS_MIN) so that their requests get a quick 503, not a wait in the listen backlog; they
 * may idle for EXCESS_TIMEOUT_S seconds at most (less if --timeout is shorter). */
#define EXCESS_DIVISOR   8u
#define EXCESS_MIN       16u
#define EXCESS_TIMEOUT_S 2u
/* Bodies declared up to this many times max_body are read and dropped, then answered 413 on a
 * connection that stays usable; larger ones get an early 413 and a close (NOTES point 4). */
#define DRAIN_FACTOR    4u
#define FIRST_BODY_CAP  ((size_t)16 * 1024)  /* first allocation; it doubles as data arrives */
#define STOP_POLL_NS    (5L * 1000 * 1000)   /* how often stop looks at the requests in flight */
#define WATCH_PERIOD_NS (250L * 1000 * 1000) /* how often the watchdog looks at connections */
#define METHOD_SIZE     32
#define PATH_SIZE       256

struct activ_http {
    struct MHD_Daemon *daemon;
    activ_service *svc;     /* borrowed; our metrics renderer is registered in it */
    activ_metrics *metrics; /* also counts the requests in flight, which stop waits for */
    int listen_fd;
    unsigned port;
    unsigned timeout;
    unsigned max_connections; /* --max-connections: connections whose requests are served */
    size_t max_body;
    size_t drain_cap;
    atomic_bool stopping; /* set by activ_http_stop: answer with Connection: close */
    atomic_uint admitted; /* open connections within max_connections */

    /* The request deadline (--request-timeout): a watchdog thread closes the connections that
     * have not completed a request within request_timeout_ns of their opening or of the end
     * of their previous request. MHD 0.9.75 only has an idle timeout, which a client sending a
     * byte now and then never reaches. */
    int64_t request_timeout_ns; /* 0: no watchdog */
    pthread_t watchdog;
    pthread_mutex_t lock; /* guards the list of connections and watch_stop */
    pthread_cond_t wake;
    bool watch_stop;
    struct connection *conns; /* every open connection, for the watchdog */
};

/* Per-connection state: created in on_connection when MHD accepts the connection, kept in its
 * socket context, freed when MHD closes it. A connection is admitted while no more than
 * max_connections are; the others get 503 overloaded (with Connection: close) until one
 * of the admitted closes. `admitted` belongs to the connection's own MHD thread; the list
 * links and `cut` are the watchdog's, under activ_http.lock; `since` is shared (atomic). */
typedef struct connection {
    bool admitted; /* counted in activ_http.admitted */
    bool cut;      /* the watchdog has shut its socket down */
    int fd;
    _Atomic int64_t since; /* monotonic ns: opened, or its last request ended */
    struct connection *prev, *next;
} connection;

/* Per-request state: created in the first call of on_request, kept in *req_cls, freed in
 * on_completed and nowhere else. */
typedef struct request {
    char *body;
    size_t len, cap;
    size_t seen;     /* body bytes received, kept or not */
    size_t declared; /* Content-Length within max_body: the first allocation's size; or 0 */
    bool too_large;  /* over max_body: dropping the body, answer 413 */
    bool no_memory;  /* the body did not fit in memory: dropping it, answer 503 */
    bool over_limit; /* its connection is over max_connections: dropping the body, answer 503 */
    bool close;      /* answer with Connection: close */
    int status;      /* of the queued response; 0 until one is queued */
    size_t bytes;    /* body length of the queued response */
    int activation;  /* for metrics, from the response: catalog id or -1 */
    size_t elements; /* for metrics: input elements evaluated */
    struct timespec start;
    char method[METHOD_SIZE]; /* copies for the access log, cut if long */
    char path[PATH_SIZE];
} request;

static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* ---------------------------------------------------------------- responses */

/* An MHD response for res with its headers (and Connection: close when `close` or stopping),
 * taking res's malloc'd body over; NULL when out of memory (res then still owns its body). */
static struct MHD_Response *to_mhd(activ_http *h, activ_response *res, bool close)
{
    struct MHD_Response *mr;
    if (res->owned) {
        mr = MHD_create_response_from_buffer(res->body_len, res->owned, MHD_RESPMEM_MUST_FREE);
        if (mr)
            res->owned = NULL;
    } else {
        /* MHD's parameter is void *, but a PERSISTENT buffer is only ever read. */
        mr = MHD_create_response_from_buffer(res->body_len, (void *)(uintptr_t)res->body,
                                             MHD_RESPMEM_PERSISTENT);
    }
    if (!mr)
        return NULL;

    char retry[16];
    snprintf(retry, sizeof retry, "%u", res->retry_after);
    if (MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type) != MHD_YES ||
        (res->allow && MHD_add_response_header(mr, MHD_HTTP_HEADER_ALLOW, res->allow) != MHD_YES) ||
        (res->retry_after > 0 &&
         MHD_add_response_header(mr, MHD_HTTP_HEADER_RETRY_AFTER, retry) != MHD_YES) ||
        ((close || atomic_load(&h->stopping)) &&
         MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close") != MHD_YES)) {
        MHD_destroy_response(mr);
        return NULL;
    }
    return mr;
}

/* Queues res (finishing it) and records what was sent in r, if any. Out of memory, it tries
 * the service's 503 instead; MHD_NO only when not even that can be queued. */
static enum MHD_Result reply(activ_http *h, struct MHD_Connection *c, request *r,
                             activ_response *res)
{
    bool close = r && r->close;
    if (r) {
        /* the work was done even if the answer has to become a 503 below */
        r->activation = res->activation;
        r->elements = res->elements;
    }
    struct MHD_Response *mr = to_mhd(h, res, close);
    if (!mr) {
        activ_service_response_fini(res);
        activ_service_error_response(res, ACTIV_CODE_OVERLOADED, NULL,
                                     "the server is out of memory; retry later");
        mr = to_mhd(h, res, close);
    }
    enum MHD_Result ok = MHD_NO;
    if (mr) {
        ok = MHD_queue_response(c, (unsigned)res->status, mr);
        MHD_destroy_response(mr);
    }
    if (r && ok == MHD_YES) {
        r->status = res->status;
        r->bytes = res->body_len;
    }
    activ_service_response_fini(res);
    return ok;
}

ACTIV_PRINTF(5, 6)
static enum MHD_Result reply_error(activ_http *h, struct MHD_Connection *c, request *r,
                                   activ_error_code code, const char *fmt, ...)
{
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    activ_response res;
    activ_service_error_response(&res, code, NULL, "%s", message);
    return reply(h, c, r, &res);
}

/* ---------------------------------------------------------------- request framing */

/* What the headers say about the body. 0.9.75 does not check these (NOTES point 5). */
typedef struct framing {
    unsigned content_lengths;
    unsigned transfer_encodings;
    bool chunked;  /* the one Transfer-Encoding is exactly "chunked" */
    size_t length; /* the Content-Length, saturated at SIZE_MAX */
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    framing *f = cls;
    (void)kind;
    if (!value)
        value = "";
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        f->content_lengths++;
        /* MHD has already rejected a Content-Length that is not all digits */
        size_t v = 0;
        for (const char *p = value; *p >= '0' && *p <= '9'; p++) {
            unsigned d = (unsigned)(*p - '0');
            v = v > (SIZE_MAX - d) / 10 ? SIZE_MAX : v * 10 + d;
        }
        f->length = v;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->transfer_encodings++;
        f->chunked = strcasecmp(value, "chunked") == 0;
    }
    return MHD_YES;
}

/* ---------------------------------------------------------------- connections */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The watchdog: every WATCH_PERIOD_NS, shuts down the sockets of connections past the request
 * deadline. MHD then sees the connection fail in its own thread and closes it as usual.
 * The socket cannot have been closed and its number reused meanwhile: MHD reports a
 * connection closed (on_connection, which unlinks it under the same lock) before it closes
 * the socket. */
static void *watch(void *cls)
{
    activ_http *h = cls;
    pthread_mutex_lock(&h->lock);
    while (!h->watch_stop) {
        int64_t now = now_ns();
        for (connection *c = h->conns; c; c = c->next) {
            if (!c->cut && now - atomic_load(&c->since) > h->request_timeout_ns) {
                shutdown(c->fd, SHUT_RDWR);
                c->cut = true;
            }
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WATCH_PERIOD_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&h->wake, &h->lock, &until);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

static void watch_add(activ_http *h, connection *conn, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    conn->fd = info ? info->connect_fd : -1;
    conn->cut = false;
    atomic_init(&conn->since, now_ns());
    conn->prev = NULL;
    if (conn->fd < 0) {
        conn->next = NULL;
        return;
    }
    pthread_mutex_lock(&h->lock);
    conn->next = h->conns;
    if (h->conns)
        h->conns->prev = conn;
    h->conns = conn;
    pthread_mutex_unlock(&h->lock);
}

/* Stops the watchdog thread and waits for it. */
static void watch_end(activ_http *h)
{
    pthread_mutex_lock(&h->lock);
    h->watch_stop = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->watchdog, NULL);
}

static void watch_remove(activ_http *h, connection *conn)
{
    if (conn->fd < 0)
        return;
    pthread_mutex_lock(&h->lock);
    if (conn->prev)
        conn->prev->next = conn->next;
    else
        h->conns = conn->next;
    if (conn->next)
        conn->next->prev = conn->prev;
    pthread_mutex_unlock(&h->lock);
}

/* Takes one of the max_connections places, if one is free. */
static bool take_place(activ_http *h)
{
    unsigned n = atomic_load(&h->admitted);
    while (n < h->max_connections) {
        if (atomic_compare_exchange_weak(&h->admitted, &n, n + 1))
            return true;
    }
    return false;
}

/* MHD accepted or closed a connection. A connection that finds max_connections places taken
 * is kept open only to answer 503 (and only briefly when idle); it is admitted later if a place
 * is free by the time it sends a request. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    activ_http *h = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        activ_metrics_connection_opened(h->metrics);
        connection *conn = malloc(sizeof *conn);
        *socket_context = conn; /* NULL: its requests get 503 out of memory (see begin) */
        if (!conn)
            return;
        conn->admitted = take_place(h);
        watch_add(h, conn, c);
        if (!conn->admitted && h->timeout > EXCESS_TIMEOUT_S)
            (void)MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, EXCESS_TIMEOUT_S);
        return;
    }
    connection *conn = *socket_context;
    *socket_context = NULL;
    if (conn) {
        watch_remove(h, conn);
        if (conn->admitted)
            atomic_fetch_sub(&h->admitted, 1);
    }
    free(conn);
    activ_metrics_connection_closed(h->metrics);
}

/* Marks r to be refused, with Connection: close, unless its connection is admitted (now, if
 * a place has become free since it opened). */
static void check_connection(activ_http *h, struct MHD_Connection *c, request *r)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    connection *conn = info ? info->socket_context : NULL;
    if (!conn) {
        r->no_memory = true;
        r->close = true;
    } else if (!conn->admitted) {
        if (take_place(h)) {
            conn->admitted = true;
            (void)MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, h->timeout);
        } else {
            r->over_limit = true;
            r->close = true;
        }
    }
}

static enum MHD_Result reply_over_limit(activ_http *h, struct MHD_Connection *c, request *r)
{
    return reply_error(h, c, r, ACTIV_CODE_OVERLOADED,
                       "the server is at its limit of %u connections; retry later",
                       h->max_connections);
}

/* ---------------------------------------------------------------- the request cycle */

/* The first call: headers only. Registers the request's state and returns without answering
 * (an answer here would close the connection, NOTES point 3), except for requests rejected on
 * purpose: ambiguous framing, or a body too large to be worth reading. */
static enum MHD_Result begin(activ_http *h, struct MHD_Connection *c, const char *url,
                             const char *method, void **req_cls)
{
    request *r = calloc(1, sizeof *r);
    if (!r) {
        activ_metrics_request_begin(h->metrics);
        activ_response res;
        activ_service_error_response(&res, ACTIV_CODE_OVERLOADED, NULL,
                                     "the server is out of memory; retry later");
        int status = res.status;
        size_t bytes = res.body_len;
        enum MHD_Result ok = reply(h, c, NULL, &res);
        if (ok != MHD_YES)
            status = 0;
        activ_service_log_request(method, url, status, bytes, 0);
        activ_metrics_request_end(
            h->metrics, &(activ_metrics_request){.path = url, .status = status, .activation = -1});
        return ok;
    }
    clock_gettime(CLOCK_MONOTONIC, &r->start);
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->path, sizeof r->path, "%s", url);
    r->activation = -1;
    activ_metrics_request_begin(h->metrics);
    *req_cls = r;
    check_connection(h, c, r);

    framing f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    if (f.content_lengths > 1)
        return reply_error(h, c, r, ACTIV_CODE_BAD_REQUEST, "more than one Content-Length");
    if (f.transfer_encodings > 0 && f.content_lengths > 0)
        return reply_error(h, c, r, ACTIV_CODE_BAD_REQUEST,
                           "both Transfer-Encoding and Content-Length");
    if (f.transfer_encodings > 1 || (f.transfer_encodings == 1 && !f.chunked))
        return reply_error(h, c, r, ACTIV_CODE_BAD_REQUEST,
                           "the only Transfer-Encoding accepted is \"chunked\"");
    if (f.content_lengths == 1 && f.length > h->max_body) {
        if (f.length > h->drain_cap && r->over_limit)
            return reply_over_limit(h, c, r);
        if (f.length > h->drain_cap)
            return reply_error(h, c, r, ACTIV_CODE_PAYLOAD_TOO_LARGE,
                               "the request body is larger than the limit of %zu bytes",
                               h->max_body);
        r->too_large = true;
    } else if (f.content_lengths == 1) {
        /* one allocation of the right size: no copies as the body grows, no slack */
        r->declared = (size_t)f.length;
    }
    return MHD_YES;
}

/* Keeps a piece of the body, or counts and drops it once over the limit or out of memory. */
static void receive(activ_http *h, request *r, const char *data, size_t n)
{
    r->seen = add_sat(r->seen, n);
    if (r->too_large || r->no_memory || r->over_limit)
        return;
    if (n > h->max_body - r->len) {
        r->too_large = true;
        return;
    }
    if (r->len + n > r->cap) {
        size_t cap = r->cap > 0 ? r->cap : r->declared > 0 ? r->declared : FIRST_BODY_CAP;
        while (cap < r->len + n)
            cap = add_sat(cap, cap);
        if (cap > h->max_body)
            cap = h->max_body;
        char *body = realloc(r->body, cap);
        if (!body) {
            r->no_memory = true;
            return;
        }
        r->body = body;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
}

/* Rebuilds the query string from MHD's decoded GET arguments (MHD keeps no raw copy), in
 * order, percent-encoding all but the unreserved characters. Two passes: count, then write. */
typedef struct query_buf {
    char *buf; /* NULL in the counting pass */
    size_t len;
} query_buf;

static void query_put(query_buf *q, char ch)
{
    if (q->buf)
        q->buf[q->len] = ch;
    q->len++;
}

static void query_put_encoded(query_buf *q, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~';
        if (plain) {
            query_put(q, (char)*p);
        } else {
            query_put(q, '%');
            query_put(q, hex[*p >> 4]);
            query_put(q, hex[*p & 0xf]);
        }
    }
}

static enum MHD_Result query_add(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    query_buf *q = cls;
    (void)kind;
    if (q->len > 0)
        query_put(q, '&');
    query_put_encoded(q, key);
    if (value) {
        query_put(q, '=');
        query_put_encoded(q, value);
    }
    return MHD_YES;
}

/* The query string in *out (malloc'd; NULL when there is none). False when out of memory. */
static bool rebuild_query(struct MHD_Connection *c, char **out)
{
    query_buf q = {.buf = NULL, .len = 0};
    *out = NULL;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_add, &q);
    if (q.len == 0)
        return true;
    q.buf = malloc(q.len + 1);
    if (!q.buf)
        return false;
    q.len = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_add, &q);
    q.buf[q.len] = '\0';
    *out = q.buf;
    return true;
}

/* The last call: the whole body is in. */
static enum MHD_Result finish(activ_http *h, struct MHD_Connection *c, request *r, const char *url,
                              const char *method)
{
    if (r->over_limit)
        return reply_over_limit(h, c, r);
    if (r->too_large)
        return reply_error(h, c, r, ACTIV_CODE_PAYLOAD_TOO_LARGE,
                           "the request body is larger than the limit of %zu bytes", h->max_body);
    char *query;
    if (r->no_memory || !rebuild_query(c, &query))
        return reply_error(h, c, r, ACTIV_CODE_OVERLOADED,
                           "the server is out of memory; retry later");

    activ_request req = {
        .method = method,
        .path = url,
        .query = query,
        .content_type =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .body = r->body,
        .body_len = r->len,
    };
    activ_response res;
    activ_service_handle(h->svc, &req, &res);
    free(query);
    return reply(h, c, r, &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    activ_http *h = cls;
    request *r = *req_cls;
    (void)version;

    if (!r)
        return begin(h, c, url, method, req_cls);
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (r->status != 0)
            return MHD_YES; /* answered early; MHD is discarding the rest */
        receive(h, r, upload_data, n);
        /* A chunked body declares no length, so begin() cannot reject a hopeless one. 0.9.75
         * refuses to queue a response while a body is being received, so the only way to stop
         * reading one is to close the connection: the client sees a reset, not a 413. */
        if (r->seen > h->drain_cap)
            return MHD_NO;
        return MHD_YES;
    }
    if (r->status != 0)
        return MHD_YES;
    return finish(h, c, r, url, method);
}

static uint64_t micros_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ns =
        (int64_t)(now.tv_sec - start->tv_sec) * 1000000000 + (now.tv_nsec - start->tv_nsec);
    return ns > 0 ? (uint64_t)ns / 1000 : 0;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    activ_http *h = cls;
    request *r = *req_cls;
    (void)toe;
    /* the connection's next request has the whole deadline again */
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    connection *conn = info ? info->socket_context : NULL;
    if (conn)
        atomic_store(&conn->since, now_ns());
    if (!r)
        return;
    *req_cls = NULL;
    uint64_t micros = micros_since(&r->start);
    activ_service_log_request(r->method, r->path, r->status, r->bytes, micros);
    /* after the log line, so that stop waits for it too (this ends the request in flight) */
    activ_metrics_request_end(h->metrics, &(activ_metrics_request){
                                              .path = r->path,
                                              .status = r->status,
                                              .micros = micros,
                                              .activation = r->activation,
                                              .elements = r->elements,
                                          });
    free(r->body);
    free(r);
}

/* MHD's own messages (accept errors, connection limit reached) become log events. */
ACTIV_PRINTF(2, 0) static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char text[256];
    (void)cls;
    vsnprintf(text, sizeof text, fmt, ap);
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        text[--len] = '\0';
    activ_service_log_event("mhd", text);
}

/* ---------------------------------------------------------------- start and stop */

/* A non-blocking, close-on-exec socket bound to host:port and listening; -1 with msg set on
 * failure. We bind ourselves (not MHD) to report the system's reason for a failure. */
static int open_listener(const char *host, unsigned port, char *msg, size_t msgsz)
{
    const char *lb = strchr(host, ':') ? "[" : "";
    const char *rb = strchr(host, ':') ? "]" : "";
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
    };
    struct addrinfo *list;
    int rc = getaddrinfo(host, service, &hints, &list);
    if (rc != 0) {
        activ_message_set(msg, msgsz, "cannot resolve host \"%s\": %s", host, gai_strerror(rc));
        return -1;
    }

    int fd = -1;
    int saved = 0;
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        int flags = fcntl(fd, F_GETFL);
        if (flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
            fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 &&
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
            bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    if (fd < 0)
        activ_message_set(msg, msgsz, "cannot listen on %s%s%s:%u: %s", lb, host, rb, port,
                          strerror(saved));
    return fd;
}

/* GET /metrics: the service calls this with our counters. */
static bool render_metrics(void *ctx, char **body, size_t *len)
{
    return activ_metrics_print(ctx, body, len);
}

/* The connection limit MHD enforces: max_connections plus room for the excess connections
 * that get 503 overloaded (SPEC: 503 at capacity, not a hang).
 * What this cannot do: MHD accepts nothing beyond its limit. Once the excess room is full too
 * (a burst bigger than an eighth of max_connections, or clients that open connections and
 * send nothing, each holding a place for EXCESS_TIMEOUT_S), further connections wait in the
 * listen backlog (1024) until a place frees, and then the kernel drops SYNs. MHD 0.9.75 has no
 * hook to answer them, and accepting them ourselves would mean a second event loop. */
static unsigned mhd_connection_limit(unsigned max_connections)
{
    unsigned excess = max_connections / EXCESS_DIVISOR;
    if (excess < EXCESS_MIN)
        excess = EXCESS_MIN;
    return max_connections > UINT_MAX - excess ? UINT_MAX : max_connections + excess;
}

activ_http *activ_http_start(const activ_http_options *opts, activ_service *svc, char *msg,
                             size_t msgsz)
{
    activ_http *h = calloc(1, sizeof *h);
    activ_metrics *metrics = activ_metrics_new();
    if (!h || !metrics) {
        free(h);
        activ_metrics_free(metrics);
        activ_message_set(msg, msgsz, "out of memory starting the HTTP daemon");
        return NULL;
    }
    h->metrics = metrics;
    h->svc = svc;
    h->listen_fd = -1;
    h->timeout = opts->timeout;
    h->max_connections = opts->max_connections;
    h->max_body = opts->max_body;
    h->drain_cap =
        opts->max_body > SIZE_MAX / DRAIN_FACTOR ? SIZE_MAX : opts->max_body * DRAIN_FACTOR;
    atomic_init(&h->stopping, false);
    atomic_init(&h->admitted, 0);
    h->request_timeout_ns = (int64_t)opts->request_timeout * 1000000000;
    bool locks = false, watching = false;

    if (pthread_mutex_init(&h->lock, NULL) != 0)
        goto no_thread;
    if (pthread_cond_init(&h->wake, NULL) != 0) {
        pthread_mutex_destroy(&h->lock);
        goto no_thread;
    }
    locks = true;
    h->listen_fd = open_listener(opts->host, opts->port, msg, msgsz);
    if (h->listen_fd < 0)
        goto fail;

    unsigned limit = mhd_connection_limit(opts->max_connections);
    struct MHD_OptionItem options[] = {
        {MHD_OPTION_LISTEN_SOCKET, h->listen_fd, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)limit, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)opts->timeout, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)MEMORY_LIMIT, NULL},
        /* 0 behind a load balancer, where every connection comes from its address */
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)opts->max_connections_per_ip, NULL},
        {MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL},
        /* last: one thread means no pool, and MHD warns about a pool size of 0 or 1 */
        {opts->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)opts->threads,
         NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* MHD splits its limit evenly over the pool's threads. With the excess room, the default of
     * 250 connections on 2 threads is over the epoll bound and runs poll (same CPU, NOTES). */
    unsigned poller =
        (unsigned long long)limit > (unsigned long long)EPOLL_CONNECTIONS_PER_THREAD * opts->threads
            ? MHD_USE_POLL
            : MHD_USE_EPOLL;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | poller | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (h->request_timeout_ns > 0) {
        int rc = pthread_create(&h->watchdog, NULL, watch, h);
        if (rc != 0) {
            errno = rc;
            goto no_thread;
        }
        watching = true;
    }
    /* before any thread uses the service: it is immutable afterwards */
    activ_service_set_metrics(svc, render_metrics, h->metrics);
    /* the logger first, so that MHD's start-up messages come through it too */
    h->daemon = MHD_start_daemon(
        flags, (uint16_t)opts->port, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, (void *)h, MHD_OPTION_ARRAY, options, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        (void *)h, MHD_OPTION_NOTIFY_CONNECTION, on_connection, (void *)h, MHD_OPTION_END);
    if (!h->daemon) {
        activ_message_set(msg, msgsz, "cannot start the HTTP daemon (%u threads, %u connections)",
                          opts->threads, opts->max_connections);
        activ_service_set_metrics(svc, NULL, NULL);
        goto fail;
    }

    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : 0;
    return h;

no_thread:
    activ_message_set(msg, msgsz, "cannot start the HTTP daemon: %s", strerror(errno));
fail:
    if (watching)
        watch_end(h);
    if (locks) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
    }
    if (h->listen_fd >= 0)
        close(h->listen_fd);
    activ_metrics_free(h->metrics);
    free(h);
    return NULL;
}

unsigned activ_http_port(const activ_http *http)
{
    return http->port;
}

void activ_http_stop(activ_http *h)
{
    if (!h)
        return;
    /* NOTES point 6: stop accepting, refuse the backlog, mark replies, drain, stop. */
    atomic_store(&h->stopping, true);
    MHD_socket lfd = MHD_quiesce_daemon(h->daemon);
    if (lfd != MHD_INVALID_SOCKET)
        shutdown(lfd, SHUT_RDWR);

    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)h->timeout;
    while (activ_metrics_in_flight(h->metrics) > 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > deadline.tv_sec ||
            (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
            break;
        struct timespec pause = {.tv_sec = 0, .tv_nsec = STOP_POLL_NS};
        nanosleep(&pause, NULL);
    }

    MHD_stop_daemon(h->daemon);
    /* after a successful quiesce the listen socket is ours to close; otherwise MHD closed it */
    if (lfd != MHD_INVALID_SOCKET)
        close(lfd);
    if (h->request_timeout_ns > 0)
        watch_end(h);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    /* no thread uses the service now: GET /metrics must not reach the freed counters */
    activ_service_set_metrics(h->svc, NULL, NULL);
    activ_metrics_free(h->metrics);
    free(h);
}
