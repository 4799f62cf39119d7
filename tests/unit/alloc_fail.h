/* alloc_fail.h -- fail each of jansson's allocations in turn while the service answers
 * (test_alloc.c fails our own allocations and jansson's together) */
#ifndef ACTIV_TEST_ALLOC_FAIL_H
#define ACTIV_TEST_ALLOC_FAIL_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>

#include "activ/service.h"

/* jansson's allocator, failing the allocation numbered alloc_fail_at (from 0) and counting
 * what is live, so that a leak on any failure path shows as alloc_live != 0. */
static size_t alloc_count, alloc_fail_at, alloc_live;

static inline void *counting_malloc(size_t n)
{
    if (alloc_count++ == alloc_fail_at)
        return NULL;
    void *p = malloc(n);
    if (p)
        alloc_live++;
    return p;
}

static inline void counting_free(void *p)
{
    if (p)
        alloc_live--;
    free(p);
}

/* Sends req to svc once per allocation, failing each in turn: every answer is the full one
 * (status `want`, which an error body can still reach through its fallback) or a 503 with
 * Retry-After, and nothing leaks. Ends with the first run that allocates no more than the
 * failing index (no failure injected). Returns the number of runs.
 *
 * jansson 2.14 reports a failed allocation inside its lexer as a syntax error ("string or '}'
 * expected"), so a request with a JSON body may also get 400 invalid_json when an allocation
 * failed while it was parsed: pass parse_status 400 for those (0 otherwise). */
static inline size_t check_every_allocation_failure(const activ_service *svc,
                                                    const activ_request *req, int want,
                                                    int parse_status)
{
    json_malloc_t saved_malloc;
    json_free_t saved_free;
    json_get_alloc_funcs(&saved_malloc, &saved_free);
    json_set_alloc_funcs(counting_malloc, counting_free);
    size_t runs = 0;
    for (alloc_fail_at = 0;; alloc_fail_at++) {
        alloc_count = 0;
        alloc_live = 0;
        activ_response res;
        activ_service_handle(svc, req, &res);
        bool failed = alloc_count > alloc_fail_at;
        if (failed && parse_status != 0 && res.status == parse_status) {
            /* the lexer's misreport, above */
        } else if (res.status == 503) {
            ck_assert_msg(failed, "%s: 503 without a failed allocation", req->path);
            ck_assert_uint_eq(res.retry_after, 1);
        } else {
            /* an error message falls back to a second allocation, so a 4xx can survive */
            ck_assert_msg(res.status == want && (!failed || want != 200),
                          "%s, allocation %zu of %zu failed: status %d", req->path, alloc_fail_at,
                          alloc_count, res.status);
        }
        activ_service_response_fini(&res);
        ck_assert_msg(alloc_live == 0, "%s, allocation %zu failed: %zu blocks leaked", req->path,
                      alloc_fail_at, alloc_live);
        runs++;
        if (!failed)
            break;
    }
    json_set_alloc_funcs(saved_malloc, saved_free);
    return runs;
}

#endif
