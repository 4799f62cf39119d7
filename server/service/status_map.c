/* status_map.c -- the only map from core status to error code to HTTP status (service) */
#include "activ/service.h"

#include <assert.h>

typedef struct code_entry {
    int http;
    const char *name;
} code_entry;

static const code_entry codes[] = {
    [ACTIV_CODE_BAD_REQUEST] = {400, "bad_request"},
    [ACTIV_CODE_INVALID_JSON] = {400, "invalid_json"},
    [ACTIV_CODE_NOT_FOUND] = {404, "not_found"},
    [ACTIV_CODE_METHOD_NOT_ALLOWED] = {405, "method_not_allowed"},
    [ACTIV_CODE_PAYLOAD_TOO_LARGE] = {413, "payload_too_large"},
    [ACTIV_CODE_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported_media_type"},
    [ACTIV_CODE_INVALID_REQUEST] = {422, "invalid_request"},
    [ACTIV_CODE_UNKNOWN_ACTIVATION] = {422, "unknown_activation"},
    [ACTIV_CODE_INVALID_PARAMS] = {422, "invalid_params"},
    [ACTIV_CODE_NON_FINITE_RESULT] = {422, "non_finite_result"},
    [ACTIV_CODE_OVERLOADED] = {503, "overloaded"},
};
static_assert(sizeof codes / sizeof codes[0] == ACTIV_CODE_COUNT, "one entry per error code");

/* Indexed by activ_status; ACTIV_OK has no entry because it is no error. */
static const activ_error_code by_status[] = {
    [ACTIV_E_REQUEST] = ACTIV_CODE_INVALID_REQUEST,
    [ACTIV_E_UNKNOWN_FN] = ACTIV_CODE_UNKNOWN_ACTIVATION,
    [ACTIV_E_PARAMS] = ACTIV_CODE_INVALID_PARAMS,
    [ACTIV_E_NONFINITE] = ACTIV_CODE_NON_FINITE_RESULT,
    [ACTIV_E_LIMIT] = ACTIV_CODE_PAYLOAD_TOO_LARGE,
    [ACTIV_E_NOMEM] = ACTIV_CODE_OVERLOADED,
};
static_assert(sizeof by_status / sizeof by_status[0] == ACTIV_E_NOMEM + 1,
              "one entry per activ_status");

activ_error_code activ_status_map_code(activ_status st)
{
    ACTIV_ASSERT(st > ACTIV_OK && st <= ACTIV_E_NOMEM);
    return by_status[st];
}

int activ_status_map_http(activ_error_code code)
{
    ACTIV_ASSERT((unsigned)code < ACTIV_CODE_COUNT);
    return codes[code].http;
}

const char *activ_status_map_name(activ_error_code code)
{
    ACTIV_ASSERT((unsigned)code < ACTIV_CODE_COUNT);
    return codes[code].name;
}
