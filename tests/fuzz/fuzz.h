/* fuzz.h -- what the fuzz targets share: entry points, failure report, response checks (tests) */
#ifndef ACTIV_FUZZ_H
#define ACTIV_FUZZ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/service.h"

/* libFuzzer's entry points. Each target defines both; replay.c calls them in ordinary
 * builds. Initialize builds what every input shares and never fails (it aborts instead). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* jansson's hash seed: fixed, so that a crashing input replays the same way everywhere. */
#define FUZZ_JSON_SEED 0x61637476u

/* The service with the built-in rules, built on the first call (jansson's hash seeded first, so
 * runs repeat) and freed at exit; aborts if it cannot be built. */
static activ_service *fuzz_built_service;

static inline void fuzz_free_service(void)
{
    activ_service_free(fuzz_built_service);
    fuzz_built_service = NULL;
}

static inline activ_service *fuzz_service_once(const char *target)
{
    if (fuzz_built_service)
        return fuzz_built_service;
    json_object_seed(FUZZ_JSON_SEED);
    activ_error err;
    if (activ_service_new(NULL, &fuzz_built_service, &err) != ACTIV_OK) {
        fprintf(stderr, "%s: cannot build the service: %s\n", target, err.message);
        abort();
    }
    atexit(fuzz_free_service);
    return fuzz_built_service;
}

/* The statuses the API answers with (SPEC section 2). 500 never, and 503 only when out of
 * memory, which a fuzzer never is: ASan aborts a failing malloc instead of returning NULL. */
static inline bool fuzz_status_known(int status)
{
    static const int known[] = {200, 400, 404, 405, 413, 415, 422};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (status == known[i])
            return true;
    }
    return false;
}

/* Reports a broken promise on stderr, with the response when there is one, and aborts: a
 * crash for libFuzzer, which saves the input, and for replay.c, which names the file. */
static inline _Noreturn void fuzz_fail(const char *file, int line, const char *what,
                                       const activ_response *res)
{
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    if (res) {
        size_t shown = res->body_len < 2000 ? res->body_len : 2000;
        fprintf(stderr, "response: status %d, content type %s, %zu bytes: %.*s\n", res->status,
                res->content_type ? res->content_type : "(none)", res->body_len, (int)shown,
                res->body ? res->body : "");
    }
    abort();
}

#define FUZZ_CHECK(cond, res)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond, (res));                                           \
    } while (0)

/* ---------------------------------------------------------------- JSON Pointers */

/* Whether p is "" or a JSON Pointer by its syntax: tokens after '/', with '~' only in the
 * escapes "~0" and "~1". */
static inline bool fuzz_pointer_syntax_ok(const char *p)
{
    if (p[0] != '\0' && p[0] != '/')
        return false;
    for (const char *c = p; *c; c++) {
        if (*c == '~' && c[1] != '0' && c[1] != '1')
            return false;
    }
    return true;
}

/* The member or element of node named by token (already unescaped), or NULL. */
static inline json_t *fuzz_pointer_step(json_t *node, const char *token)
{
    if (json_is_object(node))
        return json_object_get(node, token);
    if (!json_is_array(node) || token[0] == '\0' || strspn(token, "0123456789") != strlen(token))
        return NULL;
    if (token[0] == '0' && token[1] != '\0') /* no leading zeros */
        return NULL;
    if (strlen(token) > 9)
        return NULL;
    size_t i = (size_t)strtoul(token, NULL, 10);
    return json_array_get(node, i);
}

/* Whether every token of pointer p but the last names a node of doc: an error may point at
 * a member that is missing (a required field), but not below one. A pointer whose tokens
 * were not escaped ("/a/b" for the member "a/b") fails here. p must pass the syntax check. */
static inline bool fuzz_pointer_parent_exists(json_t *doc, const char *p)
{
    char token[256];
    json_t *node = doc;
    const char *c = p;
    while (*c == '/') {
        size_t n = 0;
        for (c++; *c && *c != '/'; c++) {
            char ch = *c;
            if (ch == '~') {
                ch = c[1] == '0' ? '~' : '/';
                c++;
            }
            if (n + 1 < sizeof token)
                token[n++] = ch;
        }
        token[n] = '\0';
        if (*c == '\0') /* the last token */
            return true;
        node = fuzz_pointer_step(node, token);
        if (!node)
            return false;
    }
    return *c == '\0';
}

/* ---------------------------------------------------------------- responses */

#define FUZZ_JSON_TYPE "application/json"
#define FUZZ_PARSE_MAX (256u * 1024u) /* bytes of a 200 body parsed back; see below */
#define FUZZ_YAML_TYPE "application/yaml"

/* Checks an error body: {"error": {"code", "message", "path"?}}, a code whose HTTP status is
 * the response's, a non-empty message, and a path that is a JSON Pointer. When `request` is
 * the parsed body the error is about, the path must point into it (see above). */
static inline void fuzz_check_error_body(const activ_response *res, json_t *root, json_t *request)
{
    json_t *error = json_object_get(root, "error");
    FUZZ_CHECK(json_is_object(error) && json_object_size(root) == 1, res);
    json_t *code = json_object_get(error, "code");
    json_t *message = json_object_get(error, "message");
    json_t *path = json_object_get(error, "path");
    FUZZ_CHECK(json_is_string(code), res);
    FUZZ_CHECK(json_is_string(message) && json_string_length(message) > 0, res);
    FUZZ_CHECK(json_object_size(error) == (path ? 3u : 2u), res);

    int known = -1;
    for (int c = 0; c < ACTIV_CODE_COUNT; c++) {
        if (strcmp(activ_status_map_name((activ_error_code)c), json_string_value(code)) == 0)
            known = c;
    }
    FUZZ_CHECK(known >= 0, res);
    FUZZ_CHECK(activ_status_map_http((activ_error_code)known) == res->status, res);

    if (path) {
        FUZZ_CHECK(json_is_string(path), res);
        const char *p = json_string_value(path);
        FUZZ_CHECK(p[0] == '/', res);
        FUZZ_CHECK(fuzz_pointer_syntax_ok(p), res);
        /* a path cut at its buffer's end may end inside a token, so only whole ones count */
        if (request && strlen(p) < 100)
            FUZZ_CHECK(fuzz_pointer_parent_exists(request, p), res);
    }
}

/* Checks what every response promises: a known status (never 5xx, never 0), a content type,
 * a body that is static or owned, Allow exactly on 405, no Retry-After, and a JSON body that
 * parses as one object (an error body for every status but 200). `request` as above, or
 * NULL. */
static inline void fuzz_check_response(const activ_response *res, json_t *request)
{
    FUZZ_CHECK(res->status != 0, res);
    FUZZ_CHECK(res->status < 500, res);
    FUZZ_CHECK(fuzz_status_known(res->status), res);
    FUZZ_CHECK(res->content_type != NULL, res);
    FUZZ_CHECK(res->body != NULL && res->body_len > 0, res);
    FUZZ_CHECK(res->owned == NULL || res->owned == res->body, res);
    FUZZ_CHECK((res->status == 405) == (res->allow != NULL), res);
    FUZZ_CHECK(res->retry_after == 0, res);
    FUZZ_CHECK(res->activation >= -1 && res->activation < ACTIV_FN_COUNT, res);

    if (strcmp(res->content_type, FUZZ_YAML_TYPE) == 0) {
        FUZZ_CHECK(res->status == 200, res);
        return;
    }
    FUZZ_CHECK(strcmp(res->content_type, FUZZ_JSON_TYPE) == 0, res);
    if (res->status == 200 && res->body_len > FUZZ_PARSE_MAX) {
        /* Jacobians of a few hundred columns: the encoder is the one small answers use, and
         * parsing megabytes would cost more than the request itself */
        FUZZ_CHECK(res->body[0] == '{' && res->body[res->body_len - 1] == '}', res);
        return;
    }
    json_error_t jerr;
    json_t *root = json_loadb(res->body, res->body_len, JSON_REJECT_DUPLICATES, &jerr);
    FUZZ_CHECK(json_is_object(root), res);
    if (res->status == 200)
        FUZZ_CHECK(json_object_get(root, "error") == NULL, res);
    else
        fuzz_check_error_body(res, root, request);
    json_decref(root);
}

/* A NUL-terminated heap copy of the first n bytes of p, cut at the first NUL byte (C strings
 * cannot hold one); exactly as long as it needs to be, so ASan sees any read past its end. */
static inline char *fuzz_strndup(const uint8_t *p, size_t n)
{
    const uint8_t *nul = n > 0 ? memchr(p, '\0', n) : NULL;
    if (nul)
        n = (size_t)(nul - p);
    char *s = malloc(n + 1);
    if (!s)
        abort();
    if (n > 0)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

#endif
