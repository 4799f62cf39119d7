/* fuzz_query.c -- libFuzzer target: bytes as the query string of GET /recommend (tests) */

/* The input, up to its first NUL byte, is the query string exactly as the transport passes it
 * (still percent-encoded). Every query gets 200 or 422, never anything else, and the same
 * answer twice. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "activ/service.h"
#include "fuzz.h"

static activ_service *service;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    service = fuzz_service_once("fuzz_query");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    LLVMFuzzerInitialize(NULL, NULL);
    char *query = fuzz_strndup(data, size);
    activ_request req = {.method = "GET", .path = "/recommend", .query = query};
    activ_response res, again;
    activ_service_handle(service, &req, &res);
    fuzz_check_response(&res, NULL);
    FUZZ_CHECK(res.status == 200 || res.status == 422, &res);

    /* the service holds no state between requests: the same query, the same bytes */
    activ_service_handle(service, &req, &again);
    FUZZ_CHECK(again.status == res.status && again.body_len == res.body_len &&
                   memcmp(again.body, res.body, res.body_len) == 0,
               &again);
    activ_service_response_fini(&again);
    activ_service_response_fini(&res);
    free(query);
    return 0;
}
