/* service.c -- routes, handlers and error bodies: the API as bytes in, bytes out (service) */
#include "activ/service.h"

#include "internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define JSON_TYPE           ACTIV_JSON_TYPE
#define RETRY_AFTER_SECONDS 1u  /* out of memory passes quickly once the big requests finish */
#define MESSAGE_SIZE        256 /* like activ_error.message: one sentence */
#define SHOWN_MAX           200 /* bytes of a client-supplied path or method quoted in a message */

/* The answer when even an error body cannot be allocated. */
static const char overloaded_body[] = "{\"error\":{\"code\":\"overloaded\",\"message\":\"the "
                                      "server is out of memory; retry later\"}}";
static const char health_body[] = "{\"status\":\"ok\"}";

typedef activ_handler_fn handler_fn;

/* One path of the API and what each method does there. A NULL handler means 405. A path
 * ending in '/' is a prefix: "/activations/" matches "/activations/elu". */
typedef struct route {
    const char *path;
    const char *allow; /* the Allow header of a 405: the methods with a handler */
    handler_fn *get;
    handler_fn *post; /* takes a JSON body: 415 without a JSON content type */
} route;

static handler_fn handle_healthz, handle_metrics;

static const route routes[] = {
    {.path = "/healthz", .allow = "GET", .get = handle_healthz},
    {.path = "/evaluate", .allow = "POST", .post = activ_handlers_evaluate},
    {.path = "/differentiate", .allow = "POST", .post = activ_handlers_differentiate},
    {.path = "/activations", .allow = "GET", .get = activ_catalog_json_list},
    {.path = "/activations/", .allow = "GET", .get = activ_catalog_json_one},
    {.path = "/openapi.yaml", .allow = "GET", .get = activ_catalog_json_openapi},
    {.path = "/metrics", .allow = "GET", .get = handle_metrics},
    {.path = "/recommend",
     .allow = "GET, POST",
     .get = activ_recommend_get,
     .post = activ_recommend_post},
};

struct activ_service {
    const route *routes;
    size_t nroutes;
    const activ_rules *rules;
    activ_rules *own_rules;        /* the built-in rules, when the caller gave none */
    activ_metrics_render *metrics; /* set once, before the HTTP threads start */
    void *metrics_ctx;
};

void activ_service_set_static(activ_response *res, int status, const char *content_type,
                              const char *body, size_t len)
{
    *res = (activ_response){
        .status = status,
        .content_type = content_type,
        .body = body,
        .body_len = len,
        .activation = -1,
    };
}

void activ_service_set_overloaded(activ_response *res)
{
    activ_service_set_static(res, activ_status_map_http(ACTIV_CODE_OVERLOADED), JSON_TYPE,
                             overloaded_body, sizeof overloaded_body - 1);
    res->retry_after = RETRY_AFTER_SECONDS;
}

void activ_service_set_body(activ_response *res, int status, char *body, size_t len)
{
    *res = (activ_response){
        .status = status,
        .content_type = JSON_TYPE,
        .body = body,
        .body_len = len,
        .owned = body,
        .activation = -1,
    };
}

/* Serializes root (compact, no trailing newline) into a malloc'd body; the static 503 if that
 * fails. Does not take root over. */
void activ_service_set_json(activ_response *res, int status, const json_t *root)
{
    size_t len = json_dumpb(root, NULL, 0, JSON_COMPACT);
    char *buf = len > 0 ? malloc(len) : NULL;
    if (!buf || json_dumpb(root, buf, len, JSON_COMPACT) != len) {
        free(buf);
        activ_service_set_overloaded(res);
        return;
    }
    *res = (activ_response){
        .status = status,
        .content_type = JSON_TYPE,
        .body = buf,
        .body_len = len,
        .owned = buf,
        .activation = -1,
    };
}

/* A JSON string of s; bytes that make s invalid UTF-8 (client data cut mid-character, or not
 * UTF-8 at all) become '?'. NULL only when out of memory. */
static json_t *text(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char ascii[MESSAGE_SIZE];
    snprintf(ascii, sizeof ascii, "%s", s);
    for (char *p = ascii; *p != '\0'; p++) {
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    }
    return json_string(ascii);
}

static bool is_json_type(const char *content_type)
{
    static const char want[] = JSON_TYPE;
    if (!content_type)
        return false;
    while (*content_type == ' ' || *content_type == '\t')
        content_type++;
    if (strncasecmp(content_type, want, sizeof want - 1) != 0)
        return false;
    char next = content_type[sizeof want - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

/* ---------------------------------------------------------------- errors */

void activ_service_error_response(activ_response *res, activ_error_code code, const char *path,
                                  const char *fmt, ...)
{
    char message[MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);

    /* "o" steals each reference, also when json_pack fails; "o*" leaves out a NULL path. */
    json_t *where = path && path[0] != '\0' ? text(path) : NULL;
    json_t *root = json_pack("{s:{s:s,s:o,s:o*}}", "error", "code", activ_status_map_name(code),
                             "message", text(message), "path", where);
    if (!root) {
        activ_service_set_overloaded(res);
        return;
    }
    activ_service_set_json(res, activ_status_map_http(code), root);
    if (code == ACTIV_CODE_OVERLOADED)
        res->retry_after = RETRY_AFTER_SECONDS;
    json_decref(root);
}

void activ_service_status_response(activ_response *res, const activ_error *err)
{
    activ_service_error_response(res, activ_status_map_code(err->status), err->path, "%s",
                                 err->message);
}

void activ_service_response_fini(activ_response *res)
{
    if (!res)
        return;
    free(res->owned);
    res->owned = NULL;
    res->body = NULL;
    res->body_len = 0;
}

/* ---------------------------------------------------------------- handlers */

static void handle_healthz(const activ_service *svc, const activ_request *req, activ_response *res)
{
    (void)svc;
    (void)req;
    activ_service_set_static(res, 200, JSON_TYPE, health_body, sizeof health_body - 1);
}

/* The transport's Prometheus text, or 404 when no transport registered one (the service
 * driven without HTTP, as in tests and fuzzers). */
static void handle_metrics(const activ_service *svc, const activ_request *req, activ_response *res)
{
    (void)req;
    char *body = NULL;
    size_t len = 0;
    if (!svc->metrics) {
        activ_service_error_response(res, ACTIV_CODE_NOT_FOUND, NULL,
                                     "no metrics without the HTTP transport");
        return;
    }
    if (!svc->metrics(svc->metrics_ctx, &body, &len)) {
        activ_service_set_overloaded(res);
        return;
    }
    *res = (activ_response){
        .status = 200,
        .content_type = "text/plain; version=0.0.4; charset=utf-8",
        .body = body,
        .body_len = len,
        .owned = body,
        .activation = -1,
    };
}

/* ---------------------------------------------------------------- routing */

static const route *find_route(const activ_service *svc, const char *path)
{
    for (size_t i = 0; i < svc->nroutes; i++) {
        const char *p = svc->routes[i].path;
        size_t n = strlen(p);
        bool prefix = n > 1 && p[n - 1] == '/';
        if (prefix ? strncmp(p, path, n) == 0 && path[n] != '\0' : strcmp(p, path) == 0)
            return &svc->routes[i];
    }
    return NULL;
}

void activ_service_handle(const activ_service *svc, const activ_request *req, activ_response *res)
{
    const route *r = find_route(svc, req->path);
    if (!r) {
        activ_service_error_response(res, ACTIV_CODE_NOT_FOUND, NULL, "no such path: %.*s",
                                     SHOWN_MAX, req->path);
        return;
    }

    handler_fn *handler = NULL;
    if (strcmp(req->method, "GET") == 0)
        handler = r->get;
    else if (strcmp(req->method, "POST") == 0)
        handler = r->post;
    if (!handler) {
        activ_service_error_response(res, ACTIV_CODE_METHOD_NOT_ALLOWED, NULL,
                                     "method %.*s is not allowed on %s; allowed: %s", SHOWN_MAX,
                                     req->method, r->path, r->allow);
        res->allow = r->allow;
        return;
    }
    if (handler == r->post && !is_json_type(req->content_type)) {
        activ_service_error_response(res, ACTIV_CODE_UNSUPPORTED_MEDIA_TYPE, NULL,
                                     "POST %s takes a JSON body: send Content-Type: " JSON_TYPE,
                                     r->path);
        return;
    }
    handler(svc, req, res);
}

/* ---------------------------------------------------------------- life cycle */

activ_status activ_service_new(const activ_rules *rules, activ_service **out, activ_error *err)
{
    /* jansson seeds its hash function on first use; doing it here, before the HTTP threads
     * start, avoids a race between them (NOTES-mhd-jansson.md point 9). */
    json_object_seed(0);
    activ_decode_watch_allocations();

    activ_service *svc = malloc(sizeof *svc);
    if (!svc)
        return activ_error_set(err, ACTIV_E_NOMEM, NULL, "out of memory building the service");
    svc->routes = routes;
    svc->nroutes = sizeof routes / sizeof routes[0];
    svc->metrics = NULL;
    svc->metrics_ctx = NULL;
    svc->rules = rules;
    svc->own_rules = NULL;
    if (!rules) {
        activ_status st = activ_rules_builtin(&svc->own_rules, err);
        if (st != ACTIV_OK) {
            free(svc);
            return st;
        }
        svc->rules = svc->own_rules;
    }
    *out = svc;
    return ACTIV_OK;
}

const activ_rules *activ_service_rules(const activ_service *svc)
{
    return svc->rules;
}

void activ_service_set_metrics(activ_service *svc, activ_metrics_render *fn, void *ctx)
{
    svc->metrics = fn;
    svc->metrics_ctx = ctx;
}

void activ_service_free(activ_service *svc)
{
    if (!svc)
        return;
    activ_rules_free(svc->own_rules);
    free(svc);
}
