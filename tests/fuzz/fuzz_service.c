/* fuzz_service.c -- libFuzzer target: one request per input, to any endpoint (tests) */

/* The first byte picks the request (its low four bits; the seeds use the digits '0' to '8'):
 *   0  POST /evaluate        body: the rest
 *   1  POST /differentiate   body: the rest
 *   2  POST /recommend       body: the rest
 *   3  GET  /recommend       query string: the rest, up to a NUL byte
 *   4  GET  /activations/N   N: the rest, up to a NUL byte
 *   5  GET  /activations
 *   6  GET  /healthz
 *   7  GET  /openapi.yaml
 *   8+ raw: "METHOD\nPATH[?QUERY]\nCONTENT-TYPE\nBODY", each line optional from the end
 * Every answer must keep the promises of fuzz.h: no 5xx, valid JSON, error bodies with a
 * code that matches the status and a path that points into the request. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "activ/service.h"
#include "fuzz.h"

enum {
    MODE_EVALUATE,
    MODE_DIFFERENTIATE,
    MODE_RECOMMEND_POST,
    MODE_RECOMMEND_GET,
    MODE_ACTIVATION,
    MODE_ACTIVATIONS,
    MODE_HEALTHZ,
    MODE_OPENAPI,
    MODE_RAW
};

static activ_service *service;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    service = fuzz_service_once("fuzz_service");
    return 0;
}

/* The next line of [*p, end) as a new string (cut at a NUL byte), moving *p past its '\n';
 * NULL when nothing is left. */
static char *next_line(const uint8_t **p, const uint8_t *end)
{
    if (*p >= end)
        return NULL;
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    const uint8_t *stop = nl ? nl : end;
    char *line = fuzz_strndup(*p, (size_t)(stop - *p));
    *p = nl ? nl + 1 : end;
    return line;
}

/* The body as the service will parse it, for checking error paths against; NULL when it is
 * not a JSON object (then the error is not about a member of it). */
static json_t *parsed_body(const activ_request *req)
{
    if (!req->body)
        return NULL;
    json_error_t jerr;
    json_t *doc = json_loadb(req->body, req->body_len,
                             JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
    if (doc && !json_is_object(doc)) {
        json_decref(doc);
        doc = NULL;
    }
    return doc;
}

static void answer(const activ_request *req)
{
    activ_response res;
    activ_service_handle(service, req, &res);
    /* error paths point into the body only for the endpoints that read one */
    bool post = strcmp(req->method, "POST") == 0;
    json_t *doc = post ? parsed_body(req) : NULL;
    fuzz_check_response(&res, doc);
    json_decref(doc);
    activ_service_response_fini(&res);
    FUZZ_CHECK(res.body == NULL && res.owned == NULL && res.body_len == 0, &res);
    activ_service_response_fini(&res); /* idempotent */
}

static void raw(const uint8_t *p, const uint8_t *end)
{
    char *method = next_line(&p, end);
    char *target = next_line(&p, end);
    char *ctype = next_line(&p, end);
    char *query = target ? strchr(target, '?') : NULL;
    if (query)
        *query++ = '\0';
    activ_request req = {
        .method = method ? method : "",
        .path = target ? target : "",
        .query = query,
        .content_type = ctype,
        .body = p < end ? (const char *)p : NULL,
        .body_len = (size_t)(end - p),
    };
    answer(&req);
    free(method);
    free(target);
    free(ctype);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char prefix[] = "/activations/";
    if (size == 0)
        return 0;
    LLVMFuzzerInitialize(NULL, NULL);
    int mode = data[0] & 0x0f;
    const uint8_t *rest = data + 1;
    size_t len = size - 1;
    activ_request req = {.method = "GET", .content_type = NULL};
    char *text = NULL, *path = NULL;
    switch (mode) {
        case MODE_EVALUATE:
        case MODE_DIFFERENTIATE:
        case MODE_RECOMMEND_POST: {
            static const char *const paths[] = {"/evaluate", "/differentiate", "/recommend"};
            req.method = "POST";
            req.path = paths[mode];
            req.content_type = FUZZ_JSON_TYPE;
            req.body = len > 0 ? (const char *)rest : NULL;
            req.body_len = len;
            break;
        }
        case MODE_RECOMMEND_GET:
            req.path = "/recommend";
            text = len > 0 ? fuzz_strndup(rest, len) : NULL;
            req.query = text;
            break;
        case MODE_ACTIVATION:
            text = fuzz_strndup(rest, len);
            path = malloc(sizeof prefix + strlen(text));
            if (!path)
                abort();
            memcpy(path, prefix, sizeof prefix - 1);
            memcpy(path + sizeof prefix - 1, text, strlen(text) + 1);
            req.path = path;
            break;
        case MODE_ACTIVATIONS:
        case MODE_HEALTHZ:
        case MODE_OPENAPI: {
            /* These ignore the rest of the input, so one answer each is all there is to
             * check; GET /activations alone costs as much as a hundred other requests. */
            static const char *const paths[] = {"/activations", "/healthz", "/openapi.yaml"};
            static bool checked[3];
            if (checked[mode - MODE_ACTIVATIONS])
                return 0;
            checked[mode - MODE_ACTIVATIONS] = true;
            req.path = paths[mode - MODE_ACTIVATIONS];
            break;
        }
        default:
            raw(rest, rest + len);
            return 0;
    }
    answer(&req);
    free(text);
    free(path);
    return 0;
}
