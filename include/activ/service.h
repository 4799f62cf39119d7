/* service.h -- the HTTP API as bytes in, bytes out: routes, JSON bodies, errors, access log */
#ifndef ACTIV_SERVICE_H
#define ACTIV_SERVICE_H

#include "activ/rules.h"
#include "activ/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The service: immutable once built, shared by every HTTP thread. */
typedef struct activ_service activ_service;

/* One HTTP request, as the transport received it. The caller owns every pointer; they
 * stay valid for the duration of activ_service_handle(). method and path are never NULL. */
typedef struct activ_request {
    const char *method;       /* "GET", "POST", ... (case-sensitive, as HTTP says) */
    const char *path;         /* percent-decoded path without the query, e.g. "/healthz" */
    const char *query;        /* query string without the '?', percent-encoded; NULL if none */
    const char *content_type; /* the Content-Type header; NULL if absent */
    const char *body;         /* body_len bytes, not NUL-terminated; may be NULL if body_len is 0 */
    size_t body_len;
} activ_request;

/* One HTTP response. `body` points either at static storage (owned == NULL) or at a malloc'd
 * buffer (owned == body) that activ_service_response_fini() frees; a transport may take the
 * malloc'd buffer over instead by setting owned to NULL. The other strings are static. */
typedef struct activ_response {
    int status;               /* HTTP status code */
    const char *content_type; /* Content-Type header value */
    const char *allow;        /* Allow header value (405), or NULL */
    unsigned retry_after;     /* Retry-After in seconds (503), or 0 for no header */
    const char *body;         /* body_len bytes */
    size_t body_len;
    char *owned;     /* == body when malloc'd, NULL when static */
    int activation;  /* for metrics: the catalog id (activ_fn_id) evaluated, or -1 */
    size_t elements; /* for metrics: input elements evaluated (0 when none) */
} activ_response;

/* Every error `code` of the API (SPEC section 2, "Errors"). */
typedef enum activ_error_code {
    ACTIV_CODE_BAD_REQUEST,            /* 400: HTTP framing the server refuses to guess at */
    ACTIV_CODE_INVALID_JSON,           /* 400: body is not valid JSON, or not an object */
    ACTIV_CODE_NOT_FOUND,              /* 404: unknown path */
    ACTIV_CODE_METHOD_NOT_ALLOWED,     /* 405: known path, wrong method (with Allow) */
    ACTIV_CODE_PAYLOAD_TOO_LARGE,      /* 413: body over the configured limit */
    ACTIV_CODE_UNSUPPORTED_MEDIA_TYPE, /* 415: a JSON body without a JSON content type */
    ACTIV_CODE_INVALID_REQUEST,        /* 422: valid JSON that breaks the contract */
    ACTIV_CODE_UNKNOWN_ACTIVATION,     /* 422 */
    ACTIV_CODE_INVALID_PARAMS,         /* 422 */
    ACTIV_CODE_NON_FINITE_RESULT,      /* 422 */
    ACTIV_CODE_OVERLOADED,             /* 503: out of memory or connections (with Retry-After) */
    ACTIV_CODE_COUNT
} activ_error_code;

/* Builds the service into *out (seeding jansson's hash function, so call it before any thread
 * uses jansson). `rules` are the rules /recommend applies: borrowed, they must outlive the
 * service; NULL means the built-in ones, which the service loads and owns. Fails only with
 * ACTIV_E_NOMEM, and then writes neither *out nor anything but err. Free with
 * activ_service_free(). */
ACTIV_NODISCARD activ_status activ_service_new(const activ_rules *rules, activ_service **out,
                                               activ_error *err);

/* rules_json.c: rule files. Loads a rule file (JSON, `len` bytes) into a new rule set in *out
 * (free it with activ_rules_free()). Every fault stops the load: invalid JSON, an unknown
 * field, operator, query field, value or activation, a malformed condition or action, a
 * duplicate id, bad params, an unknown placeholder. It fails with ACTIV_E_REQUEST, err->path
 * the JSON Pointer of the fault and err->message naming the rule's id, or with ACTIV_E_NOMEM.
 * The format is documented in README.md ("Rule files"). */
ACTIV_NODISCARD activ_status activ_rules_from_json(const char *bytes, size_t len, activ_rules **out,
                                                   activ_error *err);

/* The built-in rules (server/rules/default.json, embedded at build time) into *out. */
ACTIV_NODISCARD activ_status activ_rules_builtin(activ_rules **out, activ_error *err);

/* Renders the transport's metrics for GET /metrics: stores a malloc'd Prometheus text body
 * (the caller frees it) in *body and its length in *len, or returns false (out of memory). */
typedef bool activ_metrics_render(void *ctx, char **body, size_t *len);

/* Registers the metrics renderer; call before any thread uses the service (it is immutable
 * afterwards). Without one, GET /metrics answers 404. */
void activ_service_set_metrics(activ_service *svc, activ_metrics_render *fn, void *ctx);

/* Frees the service. NULL is a no-op. */
void activ_service_free(activ_service *svc);

/* Answers one request: routes it (404 unknown path, 405 with Allow for a wrong method, 415 for
 * a JSON endpoint without a JSON content type) and fills *res, always, even when out of memory
 * (then with a static 503). The caller finishes *res with activ_service_response_fini().
 * Thread-safe. */
void activ_service_handle(const activ_service *svc, const activ_request *req, activ_response *res);

/* Fills *res with the error body {"error":{"code":…,"message":…,"path":…}} and the HTTP status
 * of `code`, plus Retry-After for ACTIV_CODE_OVERLOADED. `path` is a JSON Pointer into the
 * request; NULL or "" leaves the "path" key out (an empty pointer would name the whole body).
 * The message is printf-style, cut at 255 bytes; in a message or path that is not valid UTF-8
 * every non-ASCII byte becomes '?'. Never fails: out of memory gives the static 503. This is
 * how the transport gets its 413, 415 and 503 bodies. */
void activ_service_error_response(activ_response *res, activ_error_code code, const char *path,
                                  const char *fmt, ...) ACTIV_PRINTF(4, 5);

/* activ_service_error_response() for a core error record: maps err->status with
 * activ_status_map_code() and copies err->path and err->message. */
void activ_service_status_response(activ_response *res, const activ_error *err);

/* Frees the malloc'd body, if any, and leaves *res with no body. Idempotent. */
void activ_service_response_fini(activ_response *res);

/* status_map.c: the only map from a core status to an error code, and from an error code to
 * its HTTP status and name. ACTIV_OK is no error: passing it is a programmer error. */
activ_error_code activ_status_map_code(activ_status st);
int activ_status_map_http(activ_error_code code);
const char *activ_status_map_name(activ_error_code code);

/* log.c: one JSON line per event on stderr, written with a single write so that lines from
 * different threads never interleave. Never allocates; long or invalid-UTF-8 strings are cut
 * or replaced. After startup nothing else writes to stderr. */

/* {"method":"GET","path":"/healthz","status":200,"bytes":15,"duration_us":42}: one request.
 * `status` is 0 when the request ended without a response (client gone, transport error). */
void activ_service_log_request(const char *method, const char *path, int status, size_t bytes,
                               uint64_t micros);

/* {"event":"listening","version":"0.1.0","host":"0.0.0.0","port":8080,"threads":2}. */
void activ_service_log_listening(const char *host, unsigned port, unsigned threads);

/* {"event":"<event>","message":"<message>"}; the message is left out when NULL. */
void activ_service_log_event(const char *event, const char *message);

#endif
