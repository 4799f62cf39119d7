/* service_call.h -- drive the service without a socket: build it, send it one request */
#ifndef ACTIV_TEST_SERVICE_CALL_H
#define ACTIV_TEST_SERVICE_CALL_H

#include <check.h>
#include <string.h>

#include "activ/service.h"

static inline activ_service *new_service(void)
{
    activ_service *svc = NULL;
    activ_error err;
    ck_assert_int_eq(activ_service_new(NULL, &svc, &err), ACTIV_OK);
    ck_assert_ptr_nonnull(svc);
    return svc;
}

/* One request with a JSON body (NULL: none); the caller finishes the response with
 * activ_service_response_fini(). */
static inline activ_response handle_json(const activ_service *svc, const char *method,
                                         const char *path, const char *body, size_t len)
{
    activ_request req = {.method = method,
                         .path = path,
                         .content_type = body ? "application/json" : NULL,
                         .body = body,
                         .body_len = body ? len : 0};
    activ_response res;
    activ_service_handle(svc, &req, &res);
    return res;
}

/* One request without a body. */
static inline activ_response handle(const activ_service *svc, const char *method, const char *path)
{
    return handle_json(svc, method, path, NULL, 0);
}

#endif
