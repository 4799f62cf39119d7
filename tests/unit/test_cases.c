/* test_cases.c -- every directory of tests/cases/ through the service, no socket */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/service.h"
#include "check_main.h"
#include "service_call.h"

/* A case is tests/cases/<endpoint>/<name>/ with request.json (POSTed to /<endpoint>),
 * status (the HTTP status) and response.json (the expected body). An expected error without
 * "message" matches any message: the code and the path are the contract, the sentence may
 * improve. Reals compare exactly (json_equal), so expected values must be the exact
 * binary64 results, computed independently (see tests/cases/README.md). */
#define CASES_DIR "tests/cases"
#define MAX_CASES 256

typedef struct test_case {
    char endpoint[256];
    char name[256];
} test_case;

static test_case cases[MAX_CASES];
static size_t n_cases;

static int by_name(const void *a, const void *b)
{
    const test_case *x = a, *y = b;
    int c = strcmp(x->endpoint, y->endpoint);
    return c ? c : strcmp(x->name, y->name);
}

static void collect_cases(void)
{
    DIR *top = opendir(CASES_DIR);
    if (!top)
        return;
    struct dirent *e;
    while ((e = readdir(top))) {
        if (e->d_name[0] == '.')
            continue;
        char path[300];
        snprintf(path, sizeof path, CASES_DIR "/%s", e->d_name);
        DIR *sub = opendir(path);
        if (!sub)
            continue;
        struct dirent *c;
        while ((c = readdir(sub)) && n_cases < MAX_CASES) {
            if (c->d_name[0] == '.')
                continue;
            snprintf(cases[n_cases].endpoint, sizeof cases[n_cases].endpoint, "%s", e->d_name);
            snprintf(cases[n_cases].name, sizeof cases[n_cases].name, "%s", c->d_name);
            n_cases++;
        }
        closedir(sub);
    }
    closedir(top);
    qsort(cases, n_cases, sizeof cases[0], by_name);
}

/* The whole file, NUL-terminated (malloc'd); *len gets its length. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

START_TEST(case_answers_as_recorded)
{
    const test_case *tc = &cases[_i];
    char dir[600], path[640], url[300];
    snprintf(dir, sizeof dir, CASES_DIR "/%s/%s", tc->endpoint, tc->name);
    snprintf(url, sizeof url, "/%s", tc->endpoint);

    size_t req_len, resp_len, st_len;
    snprintf(path, sizeof path, "%s/request.json", dir);
    char *body = slurp(path, &req_len);
    snprintf(path, sizeof path, "%s/response.json", dir);
    char *want_text = slurp(path, &resp_len);
    snprintf(path, sizeof path, "%s/status", dir);
    char *status_text = slurp(path, &st_len);

    activ_service *svc = new_service();
    activ_response res = handle_json(svc, "POST", url, body, req_len);

    ck_assert_msg(res.status == atoi(status_text), "%s: status %d, want %s%.*s", dir, res.status,
                  status_text, (int)res.body_len, res.body);
    json_error_t jerr;
    json_t *got = json_loadb(res.body, res.body_len, 0, &jerr);
    ck_assert_msg(got != NULL, "%s: the answer is not JSON: %s", dir, jerr.text);
    json_t *want = json_loads(want_text, 0, &jerr);
    ck_assert_msg(want != NULL, "%s/response.json: %s", dir, jerr.text);
    json_t *want_err = json_object_get(want, "error");
    if (want_err && !json_object_get(want_err, "message"))
        json_object_del(json_object_get(got, "error"), "message");
    char *got_text = json_dumps(got, JSON_COMPACT);
    ck_assert_msg(json_equal(got, want), "%s:\n got  %s\n want %s", dir, got_text, want_text);

    free(got_text);
    json_decref(got);
    json_decref(want);
    activ_service_response_fini(&res);
    activ_service_free(svc);
    free(body);
    free(want_text);
    free(status_text);
}
END_TEST

static Suite *cases_suite(void)
{
    collect_cases();
    Suite *s = suite_create("cases");
    TCase *tc = tcase_create("recorded");
    tcase_add_loop_test(tc, case_answers_as_recorded, 0, (int)n_cases);
    suite_add_tcase(s, tc);
    return s;
}

START_TEST(cases_exist)
{
    ck_assert_msg(n_cases >= 30, "only %zu cases under " CASES_DIR, n_cases);
}
END_TEST

int main(void)
{
    Suite *s = cases_suite();
    TCase *tc = tcase_create("inventory");
    tcase_add_test(tc, cases_exist);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
