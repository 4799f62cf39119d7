/* internal.h -- what the files of the service layer share (service only) */
#ifndef ACTIV_SERVICE_INTERNAL_H
#define ACTIV_SERVICE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "activ/catalog.h"
#include "activ/params.h"
#include "activ/service.h"

#define ACTIV_JSON_TYPE "application/json"

/* A handler answers one routed request; it always fills *res. */
typedef void activ_handler_fn(const activ_service *svc, const activ_request *req,
                              activ_response *res);

/* handlers.c: POST /evaluate, POST /differentiate. */
activ_handler_fn activ_handlers_evaluate;
activ_handler_fn activ_handlers_differentiate;

/* recommend.c: GET /recommend (fields in the query string), POST /recommend (in the body). */
activ_handler_fn activ_recommend_get;
activ_handler_fn activ_recommend_post;

/* catalog_json.c: GET /activations, GET /activations/{name}, GET /openapi.yaml. */
activ_handler_fn activ_catalog_json_list;
activ_handler_fn activ_catalog_json_one; /* the name is what follows "/activations/" */
activ_handler_fn activ_catalog_json_openapi;

/* decode.c: the bodies of /evaluate and /differentiate. */

#define ACTIV_DECODE_MAX_DEPTH  64 /* nesting of arrays and objects in a body */
#define ACTIV_DECODE_MAX_PARAMS 8  /* members of "params" (no function takes more than 3) */

/* Numbers from a request: `rows` rows of `cols`, row-major; `batched` when the JSON was an
 * array of arrays. */
typedef struct activ_matrix {
    double *data; /* malloc'd; NULL when absent */
    size_t rows, cols;
    bool batched;
} activ_matrix;

/* A decoded /evaluate or /differentiate request; everything it points to lives until
 * activ_decode_eval_fini(). */
typedef struct activ_eval_request {
    json_t *root; /* the parsed body: the param names and strings point into it */
    const activ_catalog_entry *entry;
    activ_bound_fn fn; /* borrows args' arrays */
    activ_matrix x;
    size_t out_cols;   /* length of a row of y */
    activ_matrix grad; /* grad_output; data NULL when not given */
    activ_param_arg args[ACTIV_DECODE_MAX_PARAMS];
    double *arg_data[ACTIV_DECODE_MAX_PARAMS]; /* malloc'd arrays of args, or NULL */
    size_t nargs;
} activ_eval_request;

/* Parses and validates a body: JSON (400 invalid_json; nesting at most
 * ACTIV_DECODE_MAX_DEPTH; duplicate keys rejected), fields (unknown ones are 422), the
 * activation, params (bound with defaults), x, the shape for the function, and grad_output
 * (only when `differentiate`; shaped like y). On success fills *r and returns true: finish
 * it with activ_decode_eval_fini(). On failure fills *res with the error answer, leaves
 * nothing to free, and returns false. */
bool activ_decode_eval(const activ_request *req, bool differentiate, activ_eval_request *r,
                       activ_response *res);
void activ_decode_eval_fini(activ_eval_request *r);

/* encode.c: numbers out. Each returns a new reference, or NULL when out of memory. Values
 * must be finite (the core guarantees it for results). */

/* Every parameter of fn with its value, defaults included ("params" of a response). */
json_t *activ_encode_params(const activ_bound_fn *fn);

/* service.c: the body helpers every handler uses. */

/* Serializes root (compact) into a malloc'd body with `status`; the static 503 when out of
 * memory. Does not take root over. */
void activ_service_set_json(activ_response *res, int status, const json_t *root);

/* A malloc'd body of len bytes, taken over by res (JSON). */
void activ_service_set_body(activ_response *res, int status, char *body, size_t len);

/* encode.c: an answer written straight into one buffer, numbers by the shortest round-trip
 * printer (numprint.h): the fast way out for the big arrays of /evaluate and /differentiate.
 * Start from (activ_out){0}. A failed allocation sets `failed` and drops what follows; finish
 * then refuses. */
typedef struct activ_out {
    char *buf;
    size_t len, cap;
    bool failed;
} activ_out;

void activ_out_raw(activ_out *o, const char *s, size_t n);
void activ_out_text(activ_out *o, const char *s);   /* s as it is */
void activ_out_string(activ_out *o, const char *s); /* s as a JSON string */
void activ_out_number(activ_out *o, double v);      /* finite v */
void activ_out_key(activ_out *o, const char *key);  /* ,"key": */
void activ_out_matrix(activ_out *o, const double *v, size_t rows, size_t cols, bool batched);
void activ_out_params(activ_out *o, const activ_bound_fn *fn); /* as activ_encode_params */
/* Hands the text to res with `status` and returns true; false, with nothing to free, when an
 * allocation failed along the way. */
bool activ_out_finish(activ_out *o, activ_response *res, int status);
void activ_out_fini(activ_out *o); /* frees an unfinished text */

/* A body in static storage (never freed). */
void activ_service_set_static(activ_response *res, int status, const char *content_type,
                              const char *body, size_t len);

/* The 503 overloaded answer, from static storage (for out-of-memory paths). */
void activ_service_set_overloaded(activ_response *res);

/* decode.c: the deepest nesting of arrays and objects in s[0..len), counting at most to
 * limit + 1 (strings skipped), so that deep input is refused before jansson recurses. */
size_t activ_decode_nesting(const char *s, size_t len, size_t limit);

/* decode.c: parses a request body as one JSON object (nesting at most ACTIV_DECODE_MAX_DEPTH,
 * duplicate keys rejected, integers read as reals). On failure fills *res (400 invalid_json,
 * or 422 for a number beyond the double range; `example` is a body to show in the message when
 * it is not an object) and returns NULL; otherwise a new reference. */
json_t *activ_decode_object(const activ_request *req, const char *example, activ_response *res);

/* decode.c: makes jansson allocate through a function that notes each failure, so that
 * activ_decode_load() can tell a parse that ran out of memory from any other outcome. Sets
 * jansson's process-wide allocator: call before threads use jansson (activ_service_new and
 * activ_rules_from_json do). */
void activ_decode_watch_allocations(void);

/* decode.c: json_loadb(bytes, len, flags, jerr), except that a parse during which an
 * allocation failed returns NULL with *nomem set, whatever jansson made of it: jansson 2.14
 * drops a byte it cannot store in its lexer's buffer (so a token can silently lose a digit)
 * and reports a string it cannot allocate as a syntax error. *nomem is false otherwise. */
json_t *activ_decode_load(const char *bytes, size_t len, size_t flags, json_error_t *jerr,
                          bool *nomem);

/* The service's rule set (for /recommend). */
const activ_rules *activ_service_rules(const activ_service *svc);

/* embedded at build time from server/rules/default.json (build/<variant>/gen/default_rules.c) */
extern const unsigned char activ_rules_default_json[];
extern const size_t activ_rules_default_json_len;

/* embedded at build time from api/openapi.yaml (build/<variant>/gen/openapi_yaml.c) */
extern const unsigned char activ_openapi_yaml[];
extern const size_t activ_openapi_yaml_len;

#endif
