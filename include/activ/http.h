/* http.h -- the libmicrohttpd transport in front of the service */
#ifndef ACTIV_HTTP_H
#define ACTIV_HTTP_H

#include "activ/service.h"

#include <stddef.h>

/* A running HTTP daemon. */
typedef struct activ_http activ_http;

/* How to listen. A value struct; activ_http_start() copies what it keeps. */
typedef struct activ_http_options {
    const char *host;         /* numeric address or name to bind, e.g. "0.0.0.0", "::1" */
    unsigned port;            /* 0..65535; 0 lets the kernel pick (see activ_http_port) */
    unsigned threads;         /* worker threads, >= 1 */
    size_t max_body;          /* request body limit in bytes, >= 1 */
    unsigned max_connections; /* connections served at once, >= 1 (requests on more get 503) */
    unsigned timeout;         /* idle connection timeout in seconds, >= 1 */
    /* Seconds a connection has to complete each request, counted from its opening or the end
     * of its previous request: receiving headers and body, answering, and sending the answer.
     * A connection that takes longer (a slowloris client, a client reading its answer a byte at
     * a time, or an idle keep-alive one) is closed. 0: no such limit. */
    unsigned request_timeout;
    unsigned max_connections_per_ip; /* from one client address; 0: no limit */
} activ_http_options;

/* Binds host:port and starts serving `svc` on `threads` threads. `svc` is borrowed: it must
 * outlive the daemon. Before any thread starts, registers the daemon's metrics renderer in
 * `svc` (activ_service_set_metrics, replacing any other), so GET /metrics shows this daemon's
 * counters; activ_http_stop() unregisters it. Run one daemon per service at a time.
 * Returns NULL on failure, with one line in msg (if msgsz > 0) such as
 * `cannot listen on 0.0.0.0:80: Permission denied`. Logs each finished request through
 * activ_service_log_request(). Stop and free with activ_http_stop().
 *
 * Connection limit: up to max_connections connections are served. MHD accepts some more
 * (an eighth more, at least 16): a request on one of those gets 503 overloaded with
 * Retry-After and Connection: close, unless a place has become free by then; idle, they are
 * closed after 2 seconds. Connections beyond that wait in the listen backlog. */
ACTIV_NODISCARD activ_http *activ_http_start(const activ_http_options *opts, activ_service *svc,
                                             char *msg, size_t msgsz);

/* The bound TCP port: the kernel's choice when the options asked for port 0. */
unsigned activ_http_port(const activ_http *http);

/* Stops gracefully, then frees: refuses new connections at once, answers requests already
 * being received or processed (with `Connection: close`), waits for them for at most the
 * connection timeout, then closes every connection. Idle keep-alive connections do not delay
 * it. NULL is a no-op. Call from one thread, not from a request. */
void activ_http_stop(activ_http *http);

#endif
