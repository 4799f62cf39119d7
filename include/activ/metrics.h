/* metrics.h -- the HTTP layer's counters and their Prometheus text exposition (http) */
#ifndef ACTIV_METRICS_H
#define ACTIV_METRICS_H

#include "activ/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One daemon's counters: C11 atomics, so any thread may update them at any time with no
 * lock. Opaque; one per activ_http. */
typedef struct activ_metrics activ_metrics;

/* What one finished request contributes. The caller owns `path`. */
typedef struct activ_metrics_request {
    const char *path; /* the request path; only its label (activ_metrics_path_label) is kept */
    int status;       /* the HTTP status sent; 0 when the request ended without a response */
    uint64_t micros;  /* from its headers to its completion */
    int activation;   /* the catalog id (activ_fn_id) it evaluated, or -1 */
    size_t elements;  /* input elements evaluated; 0 when none */
} activ_metrics_request;

/* A zeroed set of counters (malloc'd), or NULL when out of memory. Free with
 * activ_metrics_free(). */
ACTIV_NODISCARD activ_metrics *activ_metrics_new(void);

/* Frees the counters. NULL is a no-op. No thread may still be updating them. */
void activ_metrics_free(activ_metrics *m);

/* A request began (its headers arrived): one more in flight. Thread-safe. */
void activ_metrics_request_begin(activ_metrics *m);

/* A request that began has ended: one fewer in flight, and counts `req` in
 * activ_http_requests_total, the duration histogram and activ_elements_evaluated_total.
 * Thread-safe. */
void activ_metrics_request_end(activ_metrics *m, const activ_metrics_request *req);

/* Requests between activ_metrics_request_begin() and _end(), now. Thread-safe. */
size_t activ_metrics_in_flight(activ_metrics *m);

/* A connection opened / closed (the activ_http_connections gauge). Thread-safe. */
void activ_metrics_connection_opened(activ_metrics *m);
void activ_metrics_connection_closed(activ_metrics *m);

/* The `path` label of a request path: the API's path itself ("/healthz"), the template
 * "/activations/{name}" for any catalog entry, or "other" for anything else, so that clients
 * cannot grow the label set. Static storage; never NULL. */
const char *activ_metrics_path_label(const char *path);

/* The `status` label of an HTTP status: "200", "400", "404", "405", "413", "415", "422",
 * "503", or "other" (any other status, and 0: no response was sent). Static; never NULL. */
const char *activ_metrics_status_label(int status);

/* Renders every metric in the Prometheus text format 0.0.4 into a malloc'd body (the caller
 * frees it; not NUL-terminated) of *len bytes. Every label combination is printed, zeros
 * included, so that no series appears in the middle of a scrape history. Writes *body and
 * *len only on success; false when out of memory. Thread-safe, but not a snapshot: requests
 * ending during the call may be counted in some lines and not others. */
ACTIV_NODISCARD bool activ_metrics_print(activ_metrics *m, char **body, size_t *len);

#endif
