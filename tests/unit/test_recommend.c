/* test_recommend.c -- /recommend: the seed's situations, invariants, errors, custom rule files */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "activ/http.h"
#include "activ/rules.h"
#include "activ/service.h"
#include "alloc_fail.h"
#include "check_main.h"
#include "http_fetch.h"
#include "service_call.h"

#define SCENARIOS "tests/data/recommend.tsv"

/* ---------------------------------------------------------------- helpers */

/* GET /recommend?query through the service (no socket). */
static activ_response get(const activ_service *svc, const char *query)
{
    activ_request req = {.method = "GET", .path = "/recommend", .query = query};
    activ_response res;
    activ_service_handle(svc, &req, &res);
    return res;
}

static json_t *parse(const activ_response *res)
{
    json_error_t jerr;
    json_t *j = json_loadb(res->body, res->body_len, 0, &jerr);
    ck_assert_msg(j != NULL, "not JSON: %s", jerr.text);
    return j;
}

/* The GET query string as the equivalent POST body: true/false become booleans, digits
 * integers, anything else a string. */
static char *body_from_query(const char *query)
{
    json_t *o = json_object();
    char *copy = strdup(query);
    for (char *save = NULL, *pair = strtok_r(copy, "&", &save); pair;
         pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        ck_assert_ptr_nonnull(eq);
        *eq = '\0';
        const char *v = eq + 1;
        json_t *j = strcmp(v, "true") == 0                 ? json_true()
                    : strcmp(v, "false") == 0              ? json_false()
                    : strspn(v, "0123456789") == strlen(v) ? json_integer(atol(v))
                                                           : json_string(v);
        json_object_set_new(o, pair, j);
    }
    free(copy);
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

/* Whether the array of {"activation": ...} objects names `name`. */
static bool names(const json_t *arr, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "activation")), name) == 0)
            return true;
    }
    return false;
}

/* Every string in the answer must be fully rendered: no placeholder left. */
static void assert_rendered(json_t *v, const char *where)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        ck_assert_msg(!strchr(s, '{') && !strchr(s, '}'), "%s: unrendered text: %s", where, s);
        ck_assert_msg(s[0] != '\0', "%s: empty text", where);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) assert_rendered(x, where);
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (strcmp(k, "params") != 0 && strcmp(k, "query") != 0)
                assert_rendered(x, where);
        }
    }
}

/* ---------------------------------------------------------------- the scenario table */

typedef struct scenario {
    char query[256], want[64], avoid[256], never[256], guidance[256];
    int line;
} scenario;

static size_t load_scenarios(scenario *out, size_t cap)
{
    FILE *f = fopen(SCENARIOS, "r");
    ck_assert_msg(f != NULL, "cannot open " SCENARIOS " (run from the repository root)");
    char line[1024];
    size_t n = 0;
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        ck_assert_uint_lt(n, cap);
        scenario *s = &out[n];
        line[strcspn(line, "\n")] = '\0';
        char *save = NULL;
        char *cols[5];
        for (int c = 0; c < 5; c++) {
            cols[c] = strtok_r(c == 0 ? line : NULL, "\t", &save);
            ck_assert_msg(cols[c] != NULL, SCENARIOS ":%d: needs 5 columns", lineno);
        }
        snprintf(s->query, sizeof s->query, "%s", strcmp(cols[0], "-") == 0 ? "" : cols[0]);
        snprintf(s->want, sizeof s->want, "%s", cols[1]);
        snprintf(s->avoid, sizeof s->avoid, "%s", strcmp(cols[2], "-") == 0 ? "" : cols[2]);
        snprintf(s->never, sizeof s->never, "%s", strcmp(cols[3], "-") == 0 ? "" : cols[3]);
        snprintf(s->guidance, sizeof s->guidance, "%s", cols[4]);
        s->line = lineno;
        n++;
    }
    fclose(f);
    return n;
}

/* Checks one answer against its row; adds the ids of the rules it fired to `fired`. */
static void check_answer(const scenario *s, json_t *j, json_t *fired)
{
    const json_t *rec = json_object_get(j, "recommendation");
    ck_assert_msg(json_is_object(rec), "line %d (%s): no recommendation", s->line, s->guidance);
    const char *got = json_string_value(json_object_get(rec, "activation"));
    ck_assert_msg(strcmp(got, s->want) == 0, "line %d (%s): recommends %s, want %s", s->line,
                  s->guidance, got, s->want);
    ck_assert_msg(json_array_size(json_object_get(rec, "reasons")) > 0, "line %d: no reasons",
                  s->line);
    char list[256];
    snprintf(list, sizeof list, "%s", s->avoid);
    for (char *save = NULL, *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save))
        ck_assert_msg(names(json_object_get(j, "avoid"), a), "line %d (%s): %s is not avoided",
                      s->line, s->guidance, a);
    snprintf(list, sizeof list, "%s", s->never);
    for (char *save = NULL, *a = strtok_r(list, ",", &save); a; a = strtok_r(NULL, ",", &save))
        ck_assert_msg(strcmp(got, a) != 0, "line %d (%s): recommends %s", s->line, s->guidance, a);
    /* nothing both recommended and avoided; every text rendered */
    ck_assert(!names(json_object_get(j, "avoid"), got));
    size_t i;
    json_t *alt;
    json_array_foreach(json_object_get(j, "alternatives"), i, alt) ck_assert(
        !names(json_object_get(j, "avoid"), json_string_value(json_object_get(alt, "activation"))));
    assert_rendered(j, s->guidance);
    json_t *r;
    json_array_foreach(json_object_get(j, "rules_fired"), i, r)
        json_object_set_new(fired, json_string_value(json_object_get(r, "id")), json_true());
}

START_TEST(each_situation_gets_the_seeds_answer_by_get_and_post)
{
    static scenario rows[128];
    size_t n = load_scenarios(rows, sizeof rows / sizeof rows[0]);
    ck_assert_uint_ge(n, 30);
    activ_service *svc = new_service();
    json_t *fired = json_object();
    for (size_t i = 0; i < n; i++) {
        activ_response g = get(svc, rows[i].query);
        ck_assert_msg(g.status == 200, "line %d: status %d: %.*s", rows[i].line, g.status,
                      (int)g.body_len, g.body);
        json_t *j = parse(&g);
        check_answer(&rows[i], j, fired);
        json_decref(j);

        /* the same fields in a POST body give the same bytes */
        char *body = body_from_query(rows[i].query);
        activ_response p = handle_json(svc, "POST", "/recommend", body, strlen(body));
        ck_assert_int_eq(p.status, 200);
        ck_assert_msg(p.body_len == g.body_len && memcmp(p.body, g.body, g.body_len) == 0,
                      "line %d: POST %s differs from GET", rows[i].line, body);
        free(body);
        activ_service_response_fini(&g);
        activ_service_response_fini(&p);
    }

    /* together the rows make every built-in rule fire */
    activ_rules *r = NULL;
    activ_error err;
    ck_assert_int_eq(activ_rules_builtin(&r, &err), ACTIV_OK);
    for (size_t k = 0; k < activ_rules_count(r); k++)
        ck_assert_msg(json_object_get(fired, activ_rules_id(r, k)) != NULL,
                      "no row of " SCENARIOS " fires rule %s", activ_rules_id(r, k));
    activ_rules_free(r);
    json_decref(fired);
    activ_service_free(svc);
}
END_TEST

/* Whether the response body contains `words` (bodies are not NUL-terminated). */
static bool body_has(const activ_response *res, const char *words)
{
    char *text = strndup(res->body, res->body_len);
    bool found = strstr(text, words) != NULL;
    free(text);
    return found;
}

START_TEST(reasons_are_computed_from_the_math_module)
{
    activ_service *svc = new_service();
    /* 0.25^10 = 2^-20 = 9.5367431640625e-07; tanh'(3) = 1 - tanh(3)^2 = 0.009866037... */
    activ_response res = get(svc, "depth=10");
    ck_assert(body_has(&res, "at most 0.25, so through 10 sigmoid layers at most 9.54e-07"));
    ck_assert(body_has(&res, "tanh'(3) = 0.00987"));
    activ_service_response_fini(&res);
    res = get(svc, "depth=2");
    ck_assert(!body_has(&res, "sigmoid layers")); /* below 5, no such rule */
    activ_service_response_fini(&res);
    /* 0.25^5 = 0.0009765625 */
    res = get(svc, "depth=5");
    ck_assert(body_has(&res, "through 5 sigmoid layers at most 0.000977"));
    activ_service_response_fini(&res);
    activ_service_free(svc);
}
END_TEST

START_TEST(the_answer_has_the_documented_shape)
{
    activ_service *svc = new_service();
    activ_response res = get(svc, "layer=hidden&dead_neurons=true&depth=3");
    json_t *j = parse(&res);
    const json_t *q = json_object_get(j, "query");
    ck_assert_str_eq(json_string_value(json_object_get(q, "layer")), "hidden");
    ck_assert_int_eq(json_integer_value(json_object_get(q, "depth")), 3);
    ck_assert(json_is_true(json_object_get(q, "dead_neurons")));
    ck_assert_uint_eq(json_object_size(q), 3);
    const json_t *rec = json_object_get(j, "recommendation");
    ck_assert_str_eq(json_string_value(json_object_get(rec, "activation")), "leaky_relu");
    /* leaky_relu 3 (hidden-start-relu) + 8 (dead-relu) */
    ck_assert_double_eq(json_number_value(json_object_get(rec, "score")), 11.0);
    ck_assert_double_eq(json_number_value(json_object_get(json_object_get(rec, "params"), "alpha")),
                        0.01);
    const json_t *alts = json_object_get(j, "alternatives");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(alts, 0), "activation")),
                     "prelu");
    ck_assert_double_eq(json_number_value(json_object_get(
                            json_object_get(json_array_get(alts, 0), "params"), "alpha")),
                        0.25);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(alts, 1), "activation")),
                     "maxout");
    ck_assert_int_eq(json_integer_value(
                         json_object_get(json_object_get(json_array_get(alts, 1), "params"), "k")),
                     2);
    ck_assert(json_is_array(json_object_get(j, "notes")));
    const json_t *first = json_array_get(json_object_get(j, "rules_fired"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(first, "id")), "binary-step-no-gradient");
    ck_assert_str_eq(json_string_value(json_object_get(first, "source")), "seed 5.1.5");
    json_decref(j);
    activ_service_response_fini(&res);
    activ_service_free(svc);
}
END_TEST

/* ---------------------------------------------------------------- invariants over every query */

static const long choices[ACTIV_RQ_COUNT][6] = {
    /* -2 ends a list; -1 is "absent" */
    [ACTIV_RQ_LAYER] = {0, 1, -2},
    [ACTIV_RQ_TASK] = {-1, 0, 1, 2, 3, -2},
    [ACTIV_RQ_EXCLUSIVE] = {-1, 0, 1, -2},
    [ACTIV_RQ_OUTPUT_RANGE] = {-1, 0, 1, 2, 3, -2},
    [ACTIV_RQ_DEPTH] = {-1, 4, 5, 29, 30, -2},
    [ACTIV_RQ_BATCH_NORM] = {-1, 0, 1, -2},
    [ACTIV_RQ_DEAD_NEURONS] = {-1, 0, 1, -2},
    [ACTIV_RQ_HIGH_LEARNING_RATE] = {-1, 1, -2},
    [ACTIV_RQ_VANISHING_GRADIENTS] = {-1, 0, 1, -2},
    [ACTIV_RQ_ARCHITECTURE] = {-1, 0, 1, 2, 3, -2},
    [ACTIV_RQ_COMPUTE] = {-1, 1, -2},
    [ACTIV_RQ_SELF_NORMALIZING] = {-1, 0, 1, -2},
};

/* Check records every passing ck_assert (a write in fork mode), too slow for a million
 * queries: the sweep asserts only on failure, naming the line. */
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ck_abort_msg("line %d: %s failed", __LINE__, #cond);                                   \
    } while (0)

static bool is(const activ_rules_query *q, activ_rq_field f, long v)
{
    return activ_rules_query_has(q, f) && q->value[f] == v;
}

static void check_invariants(const activ_rules *r, const activ_rules_query *q)
{
    activ_recommendation rec;
    activ_error err;
    REQUIRE(activ_rules_match(r, q, &rec, &err) == ACTIV_OK);
    REQUIRE(rec.n_ranked > 0);
    activ_fn_id best = rec.ranked[0].fn;
    bool output = is(q, ACTIV_RQ_LAYER, 1);
    for (size_t i = 0; i < rec.n_ranked; i++)
        REQUIRE(rec.ranked[i].fn != ACTIV_FN_BINARY_STEP);
    if (output) {
        REQUIRE(best != ACTIV_FN_RELU);
        bool classify =
            is(q, ACTIV_RQ_TASK, 0) || is(q, ACTIV_RQ_TASK, 1) || is(q, ACTIV_RQ_TASK, 2);
        if (classify && !activ_rules_query_has(q, ACTIV_RQ_OUTPUT_RANGE))
            REQUIRE(best == ACTIV_FN_SIGMOID || best == ACTIV_FN_SOFTMAX);
        if (is(q, ACTIV_RQ_TASK, 3) && !activ_rules_query_has(q, ACTIV_RQ_OUTPUT_RANGE))
            REQUIRE(best == ACTIV_FN_LINEAR);
    } else {
        REQUIRE(best != ACTIV_FN_LINEAR);
        bool rnn = is(q, ACTIV_RQ_ARCHITECTURE, 2);
        bool deep = activ_rules_query_has(q, ACTIV_RQ_DEPTH) && q->value[ACTIV_RQ_DEPTH] >= 5;
        if (!rnn && (deep || is(q, ACTIV_RQ_VANISHING_GRADIENTS, 1)))
            REQUIRE(best != ACTIV_FN_SIGMOID && best != ACTIV_FN_TANH);
        if (is(q, ACTIV_RQ_DEAD_NEURONS, 1))
            REQUIRE(best != ACTIV_FN_RELU && best != ACTIV_FN_RELU6);
        bool mlp =
            !activ_rules_query_has(q, ACTIV_RQ_ARCHITECTURE) || is(q, ACTIV_RQ_ARCHITECTURE, 0);
        if (is(q, ACTIV_RQ_SELF_NORMALIZING, 1) && mlp)
            REQUIRE(best == ACTIV_FN_SELU);
    }
    activ_recommendation_fini(&rec);
}

/* Walks every combination of the choices above (1,215,000 queries). */
START_TEST(every_query_gets_a_sound_recommendation)
{
    activ_rules *r = NULL;
    activ_error err;
    ck_assert_int_eq(activ_rules_builtin(&r, &err), ACTIV_OK);
    size_t at[ACTIV_RQ_COUNT] = {0};
    size_t count = 0;
    /* under valgrind (CK_FORK=no) every 97th combination: the same invariants, in seconds */
    const char *fork = getenv("CK_FORK");
    size_t stride = fork && strcmp(fork, "no") == 0 ? 97 : 1;
    for (size_t k = 0;; k++) {
        if (k % stride == 0) {
            activ_rules_query q;
            activ_rules_query_init(&q);
            for (int f = 0; f < ACTIV_RQ_COUNT; f++) {
                long v = choices[f][at[f]];
                if (v >= 0)
                    REQUIRE(activ_rules_query_set(&q, (activ_rq_field)f, v, &err) == ACTIV_OK);
            }
            check_invariants(r, &q);
            count++;
        }
        int f = 0;
        while (f < ACTIV_RQ_COUNT && choices[f][++at[f]] == -2)
            at[f++] = 0;
        if (f == ACTIV_RQ_COUNT)
            break;
    }
    ck_assert_uint_ge(count * stride, 1000000);
    activ_rules_free(r);
}
END_TEST

/* ---------------------------------------------------------------- errors */

START_TEST(bad_queries_get_422_with_the_fields_path)
{
    static const struct {
        const char *query, *path, *message;
    } table[] = {
        {"lyer=output", "/lyer", "unknown field \"lyer\""},
        {"a~b%2Fc=1", "/a~0b~1c", "unknown field \"a~b/c\""}, /* found by fuzz_query */
        {"layer=outptu", "/layer", "layer must be one of hidden, output"},
        {"layer=Output", "/layer", "layer must be one of hidden, output"},
        {"layer=", "/layer", "layer must be one of hidden, output"},
        {"layer", "/layer", "layer needs a value: layer=..."},
        {"layer=hidden&layer=output", "/layer", "layer is given twice"},
        {"exclusive=yes", "/exclusive", "exclusive must be true or false"},
        {"exclusive=1", "/exclusive", "exclusive must be true or false"},
        {"exclusive=TRUE", "/exclusive", "exclusive must be true or false"},
        {"depth=0", "/depth", "depth must be an integer from 1 to 10000"},
        {"depth=10001", "/depth", "depth must be an integer from 1 to 10000"},
        {"depth=-3", "/depth", "depth must be an integer from 1 to 10000"},
        {"depth=+3", "/depth", "depth must be an integer from 1 to 10000"},
        {"depth=3.0", "/depth", "depth must be an integer from 1 to 10000"},
        {"depth=1e3", "/depth", "depth must be an integer from 1 to 10000"},
        {"depth=99999999999999999999", "/depth", "depth must be an integer from 1 to 10000"},
        {"task=multiclass&compute=high", "/compute", "compute must be one of normal, low"},
        {"depth=%zz", "/depth", "the value of depth is malformed"},
        {"depth=%00", "/depth", "the value of depth is malformed"},
    };
    activ_service *svc = new_service();
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        activ_response res = get(svc, table[i].query);
        ck_assert_msg(res.status == 422, "%s: status %d", table[i].query, res.status);
        json_t *j = parse(&res);
        const json_t *e = json_object_get(j, "error");
        ck_assert_str_eq(json_string_value(json_object_get(e, "code")), "invalid_request");
        ck_assert_str_eq(json_string_value(json_object_get(e, "path")), table[i].path);
        const char *msg = json_string_value(json_object_get(e, "message"));
        ck_assert_msg(strstr(msg, table[i].message) == msg, "%s: message \"%s\"", table[i].query,
                      msg);
        json_decref(j);
        activ_service_response_fini(&res);
    }
    /* empty pairs are skipped; percent-encoding is decoded */
    activ_response res = get(svc, "&&layer=%6Futput&&task=regression&");
    ck_assert_int_eq(res.status, 200);
    ck_assert(body_has(&res, "\"recommendation\":{\"activation\":\"linear\""));
    activ_service_response_fini(&res);
    activ_service_free(svc);
}
END_TEST

START_TEST(bad_bodies_get_the_right_status_and_path)
{
    static const struct {
        const char *body;
        int status;
        const char *code, *path;
    } table[] = {
        {"{\"layer\": \"output\", \"task\": 3}", 422, "invalid_request", "/task"},
        {"{\"depth\": \"3\"}", 422, "invalid_request", "/depth"},
        {"{\"depth\": 2.5}", 422, "invalid_request", "/depth"},
        {"{\"depth\": 0}", 422, "invalid_request", "/depth"},
        {"{\"depth\": 1e300}", 422, "invalid_request", "/depth"},
        {"{\"exclusive\": \"true\"}", 422, "invalid_request", "/exclusive"},
        {"{\"exclusive\": 1}", 422, "invalid_request", "/exclusive"},
        {"{\"layer\": \"output\", \"lyer\": 1}", 422, "invalid_request", "/lyer"},
        {"{\"a~b\": 1}", 422, "invalid_request", "/a~0b"}, /* found by fuzz_service */
        {"{\"layer\": \"a\", \"layer\": \"b\"}", 400, "invalid_json", NULL},
        {"[1]", 400, "invalid_json", NULL},
        {"{", 400, "invalid_json", NULL},
    };
    activ_service *svc = new_service();
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        activ_response res =
            handle_json(svc, "POST", "/recommend", table[i].body, strlen(table[i].body));
        ck_assert_msg(res.status == table[i].status, "%s: status %d", table[i].body, res.status);
        json_t *j = parse(&res);
        const json_t *e = json_object_get(j, "error");
        ck_assert_str_eq(json_string_value(json_object_get(e, "code")), table[i].code);
        if (table[i].path)
            ck_assert_str_eq(json_string_value(json_object_get(e, "path")), table[i].path);
        json_decref(j);
        activ_service_response_fini(&res);
    }
    /* null means "not given"; an empty object is all defaults */
    const char *nulls = "{\"task\": null, \"depth\": null}";
    activ_response a = handle_json(svc, "POST", "/recommend", nulls, strlen(nulls));
    activ_response b = handle_json(svc, "POST", "/recommend", "{}", 2);
    activ_response c = get(svc, NULL);
    ck_assert_int_eq(a.status, 200);
    ck_assert(a.body_len == b.body_len && memcmp(a.body, b.body, a.body_len) == 0);
    ck_assert(c.body_len == b.body_len && memcmp(c.body, b.body, c.body_len) == 0);
    activ_service_response_fini(&a);
    activ_service_response_fini(&b);
    activ_service_response_fini(&c);

    /* POST with a query string: which would win is a guess, so neither does */
    activ_request req = {.method = "POST",
                         .path = "/recommend",
                         .query = "layer=output",
                         .content_type = "application/json",
                         .body = "{}",
                         .body_len = 2};
    activ_service_handle(svc, &req, &a);
    ck_assert_int_eq(a.status, 422);
    activ_service_response_fini(&a);
    /* other methods: 405 with both allowed ones */
    a = handle(svc, "PUT", "/recommend");
    ck_assert_int_eq(a.status, 405);
    ck_assert_str_eq(a.allow, "GET, POST");
    activ_service_response_fini(&a);
    /* a POST without a JSON content type */
    req = (activ_request){.method = "POST",
                          .path = "/recommend",
                          .content_type = "text/plain",
                          .body = "{}",
                          .body_len = 2};
    activ_service_handle(svc, &req, &a);
    ck_assert_int_eq(a.status, 415);
    activ_service_response_fini(&a);
    activ_service_free(svc);
}
END_TEST

START_TEST(answers_survive_every_allocation_failure)
{
    activ_service *svc = new_service();
    activ_request get_req = {.method = "GET",
                             .path = "/recommend",
                             .query = "depth=40&batch_norm=false&dead_neurons=true"};
    ck_assert_uint_gt(check_every_allocation_failure(svc, &get_req, 200, 0), 100);
    const char *body = "{\"layer\": \"output\", \"task\": \"multilabel\"}";
    activ_request post = {.method = "POST",
                          .path = "/recommend",
                          .content_type = "application/json",
                          .body = body,
                          .body_len = strlen(body)};
    ck_assert_uint_gt(check_every_allocation_failure(svc, &post, 200, 400), 100);
    activ_request bad = {.method = "GET", .path = "/recommend", .query = "depth=0"};
    ck_assert_uint_gt(check_every_allocation_failure(svc, &bad, 422, 0), 3);
    activ_service_free(svc);
}
END_TEST

/* ---------------------------------------------------------------- custom rules */

static const char custom_rules[] =
    "{\"version\": 1, \"rules\": ["
    "{\"id\": \"always-mish\", \"when\": {\"field\": \"layer\", \"eq\": \"hidden\"},"
    " \"then\": [{\"recommend\": \"mish\", \"weight\": 1}], \"text\": \"house style: mish\","
    " \"source\": \"our lab\"},"
    "{\"id\": \"deep-softsign\", \"when\": {\"field\": \"depth\", \"ge\": 3},"
    " \"then\": [{\"recommend\": \"softsign\", \"weight\": 5}],"
    " \"text\": \"{depth} layers: softsign\", \"source\": \"our lab\"}]}";

START_TEST(custom_rules_replace_the_built_in_ones_over_http)
{
    activ_rules *rules = NULL;
    activ_service *svc = NULL;
    activ_error err;
    ck_assert_int_eq(activ_rules_from_json(custom_rules, strlen(custom_rules), &rules, &err),
                     ACTIV_OK);
    ck_assert_int_eq(activ_service_new(rules, &svc, &err), ACTIV_OK);
    char msg[256];
    activ_http_options o = {"127.0.0.1", 0, 2, 4096, 16, 10, 30, 0};
    activ_http *http = activ_http_start(&o, svc, msg, sizeof msg);
    ck_assert_msg(http != NULL, "%s", msg);
    unsigned port = activ_http_port(http);
    CURL *c = new_curl();

    reply r = fetch(c, port, "GET", "/recommend?layer=hidden", NULL, NULL, 0, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"recommendation\":{\"activation\":\"mish\""));
    ck_assert_ptr_null(strstr(r.body, "binary_step")); /* the built-in rules are gone */
    reply_free(&r);

    const char *body = "{\"depth\": 4}";
    r = fetch(c, port, "POST", "/recommend", "application/json", body, strlen(body), false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"recommendation\":{\"activation\":\"softsign\""));
    ck_assert_ptr_nonnull(strstr(r.body, "\"reasons\":[\"4 layers: softsign\"]"));
    reply_free(&r);

    /* output layer: no rule recommends anything, and the answer says so with null */
    r = fetch(c, port, "GET", "/recommend?layer=output", NULL, NULL, 0, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"recommendation\":null"));
    reply_free(&r);

    r = fetch(c, port, "GET", "/recommend?depth=oops", NULL, NULL, 0, false);
    ck_assert_int_eq(r.status, 422);
    reply_free(&r);
    curl_easy_cleanup(c);
    activ_http_stop(http);
    activ_service_free(svc);
    activ_rules_free(rules);
}
END_TEST

/* The server binary of the same build (the Makefile passes it). */
static const char *server_path(void)
{
    const char *p = getenv("ACTIV_SERVER");
    return p && *p ? p : "build/activd";
}

/* Runs activd --rules FILE (with --port 0) and returns its exit status when it stops by
 * itself within 10 s, capturing its stderr; or, if it starts listening, stores the port,
 * leaves it running and returns -1 (*pid set). */
static int run_activd(const char *rules_file, char *err_out, size_t n, pid_t *pid, unsigned *port)
{
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    *pid = fork();
    ck_assert_int_ge(*pid, 0);
    if (*pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(server_path(), server_path(), "--host", "127.0.0.1", "--port", "0", "--rules",
              rules_file, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    FILE *f = fdopen(pipefd[0], "r");
    err_out[0] = '\0';
    if (!fgets(err_out, (int)n, f))
        err_out[0] = '\0';
    const char *p = strstr(err_out, "\"port\":");
    if (p && strstr(err_out, "\"event\":\"listening\"")) {
        *port = (unsigned)atoi(p + 7);
        fclose(f);
        return -1;
    }
    /* drain the rest so the child can exit */
    char rest[512];
    while (fgets(rest, sizeof rest, f))
        ;
    fclose(f);
    int status = 0;
    ck_assert_int_eq(waitpid(*pid, &status, 0), *pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -2;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(activd_loads_its_rules_flag_and_refuses_a_bad_file)
{
    char dir[] = "/tmp/activ-rules-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char good[64], bad[64], missing[64];
    snprintf(good, sizeof good, "%s/good.json", dir);
    snprintf(bad, sizeof bad, "%s/bad.json", dir);
    snprintf(missing, sizeof missing, "%s/none.json", dir);
    write_file(good, custom_rules);
    write_file(bad, "{\"version\": 1, \"rules\": [{\"id\": \"typo\", \"when\": {\"field\": "
                    "\"layer\", \"eq\": \"hidden\"}, \"then\": [{\"recommend\": \"rleu\", "
                    "\"weight\": 1}], \"text\": \"t\", \"source\": \"s\"}]}");

    char line[1024];
    pid_t pid;
    unsigned port = 0;
    /* a bad file: one line naming the file, the pointer and the rule; exit 2 */
    int st = run_activd(bad, line, sizeof line, &pid, &port);
    ck_assert_int_eq(st, 2);
    char want[256];
    snprintf(want, sizeof want,
             "activ: %s: /rules/0/then/0/recommend: rule \"typo\": unknown activation \"rleu\"",
             bad);
    ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "got: %s", line);
    st = run_activd(missing, line, sizeof line, &pid, &port);
    ck_assert_int_eq(st, 2);
    ck_assert_ptr_nonnull(strstr(line, "cannot open the rule file"));

    /* a good file: the server answers with its rules */
    st = run_activd(good, line, sizeof line, &pid, &port);
    ck_assert_msg(st == -1, "activd did not start: %s", line);
    CURL *c = new_curl();
    reply r = fetch(c, port, "GET", "/recommend", NULL, NULL, 0, false);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"activation\":\"mish\""));
    reply_free(&r);
    curl_easy_cleanup(c);
    kill(pid, SIGTERM);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    unlink(good);
    unlink(bad);
    rmdir(dir);
}
END_TEST

static Suite *recommend_suite(void)
{
    Suite *s = suite_create("recommend");
    TCase *t = tcase_create("situations");
    tcase_add_test(t, each_situation_gets_the_seeds_answer_by_get_and_post);
    tcase_add_test(t, reasons_are_computed_from_the_math_module);
    tcase_add_test(t, the_answer_has_the_documented_shape);
    suite_add_tcase(s, t);
    t = tcase_create("invariants");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, every_query_gets_a_sound_recommendation);
    suite_add_tcase(s, t);
    t = tcase_create("errors");
    tcase_add_test(t, bad_queries_get_422_with_the_fields_path);
    tcase_add_test(t, bad_bodies_get_the_right_status_and_path);
    tcase_add_test(t, answers_survive_every_allocation_failure);
    suite_add_tcase(s, t);
    t = tcase_create("custom rules");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, custom_rules_replace_the_built_in_ones_over_http);
    tcase_add_test(t, activd_loads_its_rules_flag_and_refuses_a_bad_file);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = run_suite(recommend_suite());
    curl_global_cleanup();
    return rc;
}
