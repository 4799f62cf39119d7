/* fuzz_rules.c -- libFuzzer target: bytes as a rule file, then matching and texts (tests) */

/* The input is a rule file. A file that loads is matched against a few queries drawn from a
 * hash of the input; every text of every fired rule is rendered into buffers of 1 byte, 16
 * bytes and exactly its length; and GET /recommend of a service built on the rules must
 * answer 200 for each query. A file that does not load must say where (a JSON Pointer into
 * the file) and why (a message). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/rules.h"
#include "activ/service.h"
#include "fuzz.h"

#define QUERIES 4  /* queries matched per rule set, besides the defaults alone */
#define SMALL   16 /* bytes of the small render buffer */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    json_object_seed(FUZZ_JSON_SEED);
    return 0;
}

/* ---------------------------------------------------------------- queries */

/* splitmix64: a small generator, so that the queries depend on the input alone. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t hash(const uint8_t *data, size_t size)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 0x100000001b3u;
    return h;
}

static long word_count(const activ_rq_field_spec *s)
{
    long n = 0;
    while (s->words[n])
        n++;
    return n;
}

/* A value out of field f's domain: the core must refuse it and leave the query alone. */
static void refuse_out_of_domain(activ_rules_query *q, activ_rq_field f, uint64_t r)
{
    const activ_rq_field_spec *s = activ_rules_field(f);
    long bad =
        s->type == ACTIV_RQ_ENUM ? (r & 1 ? -1 : word_count(s)) : (r & 1 ? s->lo - 1 : s->hi + 1);
    activ_rules_query before = *q;
    activ_error err;
    char want[64];
    snprintf(want, sizeof want, "/%s", s->name);
    FUZZ_CHECK(activ_rules_query_set(q, f, bad, &err) == ACTIV_E_REQUEST, NULL);
    FUZZ_CHECK(strcmp(err.path, want) == 0 && err.message[0] != '\0', NULL);
    FUZZ_CHECK(memcmp(&before, q, sizeof before) == 0, NULL);
}

/* A query with each field present or not, and any value of its domain; depths favour the
 * thresholds rules like to test. */
static void random_query(uint64_t *seed, activ_rules_query *q)
{
    static const long depths[] = {1, 2, 3, 4, 5, 6, 10, 29, 30, 31, 100, 1000, 9999, 10000};
    activ_rules_query_init(q);
    for (int f = 0; f < ACTIV_RQ_COUNT; f++) {
        uint64_t r = next(seed);
        if (r % 4 == 0)
            continue;
        r >>= 2;
        const activ_rq_field_spec *s = activ_rules_field((activ_rq_field)f);
        long v = 0;
        switch (s->type) {
            case ACTIV_RQ_ENUM:
                v = (long)(r % (uint64_t)word_count(s));
                break;
            case ACTIV_RQ_BOOL:
                v = (long)(r % 2);
                break;
            case ACTIV_RQ_INT:
                v = r & 1 ? depths[(r >> 1) % (sizeof depths / sizeof depths[0])]
                          : s->lo + (long)((r >> 1) % (uint64_t)(s->hi - s->lo + 1));
                break;
        }
        activ_error err;
        FUZZ_CHECK(activ_rules_query_set(q, (activ_rq_field)f, v, &err) == ACTIV_OK, NULL);
    }
    refuse_out_of_domain(q, (activ_rq_field)(next(seed) % ACTIV_RQ_COUNT), next(seed));
    activ_rules_query_defaults(q);
}

/* The query as GET /recommend takes it: "layer=hidden&depth=5". */
static void query_string(const activ_rules_query *q, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int f = 0; f < ACTIV_RQ_COUNT; f++) {
        if (!activ_rules_query_has(q, (activ_rq_field)f))
            continue;
        const activ_rq_field_spec *s = activ_rules_field((activ_rq_field)f);
        long v = q->value[f];
        const char *sep = used ? "&" : "";
        int w = s->type == ACTIV_RQ_ENUM
                    ? snprintf(buf + used, n - used, "%s%s=%s", sep, s->name, s->words[v])
                : s->type == ACTIV_RQ_BOOL
                    ? snprintf(buf + used, n - used, "%s%s=%s", sep, s->name, v ? "true" : "false")
                    : snprintf(buf + used, n - used, "%s%s=%ld", sep, s->name, v);
        FUZZ_CHECK(w > 0 && (size_t)w < n - used, NULL);
        used += (size_t)w;
    }
}

/* ---------------------------------------------------------------- texts */

/* Renders one text three ways; the results must agree, snprintf-style. */
static void check_render(const activ_rules *r, size_t rule, size_t action,
                         const activ_rules_query *q)
{
    char *small = malloc(SMALL);
    char one[1] = {'x'};
    if (!small)
        abort();
    size_t len = activ_rules_render(r, rule, action, q, small, SMALL);
    FUZZ_CHECK(len > 0, NULL); /* texts are never empty, and placeholders render as something */
    char *big = malloc(len + 1);
    if (!big)
        abort();
    FUZZ_CHECK(activ_rules_render(r, rule, action, q, big, len + 1) == len, NULL);
    FUZZ_CHECK(strlen(big) == len, NULL);
    size_t kept = len < SMALL - 1 ? len : SMALL - 1;
    FUZZ_CHECK(strlen(small) == kept && memcmp(small, big, kept) == 0, NULL);
    FUZZ_CHECK(activ_rules_render(r, rule, action, q, one, sizeof one) == len, NULL);
    FUZZ_CHECK(one[0] == '\0', NULL);
    free(big);
    free(small);
}

/* ---------------------------------------------------------------- matching */

/* Matches q and checks the answer against the contract of activ_rules_match(). */
static void check_match(const activ_rules *r, const activ_rules_query *q, size_t *n_fired)
{
    size_t count = activ_rules_count(r), n_actions = 0;
    activ_recommendation rec;
    activ_error err;
    FUZZ_CHECK(activ_rules_match(r, q, &rec, &err) == ACTIV_OK, NULL);
    FUZZ_CHECK(rec.n_fired <= count, NULL);
    for (size_t i = 0; i < rec.n_fired; i++) {
        FUZZ_CHECK(rec.fired[i] < count && (i == 0 || rec.fired[i - 1] < rec.fired[i]), NULL);
        size_t rule = rec.fired[i], acts = activ_rules_action_count(r, rule);
        n_actions += acts;
        check_render(r, rule, SIZE_MAX, q);
        for (size_t a = 0; a < acts; a++)
            check_render(r, rule, a, q);
    }
    /* hits: actions of fired rules, in rule-set order */
    FUZZ_CHECK(rec.n_hits <= n_actions, NULL);
    size_t k = 0;
    for (size_t i = 0; i < rec.n_hits; i++) {
        const activ_rec_hit *h = &rec.hits[i];
        while (k < rec.n_fired && rec.fired[k] < h->rule)
            k++;
        FUZZ_CHECK(k < rec.n_fired && rec.fired[k] == h->rule, NULL);
        FUZZ_CHECK(h->action < activ_rules_action_count(r, h->rule), NULL);
    }
    /* ranked: best first, none of them avoided, each with its params */
    FUZZ_CHECK(rec.n_ranked <= ACTIV_FN_COUNT && rec.n_avoid <= ACTIV_FN_COUNT, NULL);
    for (size_t i = 0; i < rec.n_ranked; i++) {
        const activ_rec_candidate *c = &rec.ranked[i];
        FUZZ_CHECK((unsigned)c->fn < ACTIV_FN_COUNT && c->params != NULL, NULL);
        FUZZ_CHECK(i == 0 || rec.ranked[i - 1].score >= c->score, NULL);
        for (size_t j = 0; j < rec.n_avoid; j++)
            FUZZ_CHECK(rec.avoid[j] != c->fn, NULL);
    }
    for (size_t i = 0; i < rec.n_avoid; i++) {
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(rec.avoid[j] != rec.avoid[i], NULL);
    }
    *n_fired = rec.n_fired;
    activ_recommendation_fini(&rec);
    FUZZ_CHECK(rec.fired == NULL && rec.hits == NULL && rec.n_fired == 0, NULL);
}

/* GET /recommend on a service built on the rules: 200, with the rules that fired. */
static void check_service(const activ_service *svc, const activ_rules_query *q, size_t n_fired)
{
    char qs[512];
    query_string(q, qs, sizeof qs);
    activ_request req = {.method = "GET", .path = "/recommend", .query = qs};
    activ_response res;
    activ_service_handle(svc, &req, &res);
    fuzz_check_response(&res, NULL);
    FUZZ_CHECK(res.status == 200, &res);
    json_t *root = json_loadb(res.body, res.body_len, 0, NULL);
    FUZZ_CHECK(json_array_size(json_object_get(root, "rules_fired")) == n_fired, &res);
    json_decref(root);
    activ_service_response_fini(&res);
}

static void exercise(const activ_rules *r, const uint8_t *data, size_t size)
{
    size_t count = activ_rules_count(r);
    FUZZ_CHECK(count > 0, NULL);
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(activ_rules_find(r, activ_rules_id(r, i)) == (long)i, NULL);
        FUZZ_CHECK(activ_rules_source(r, i)[0] != '\0', NULL);
        size_t acts = activ_rules_action_count(r, i);
        FUZZ_CHECK(acts >= 1 && acts <= ACTIV_RULES_MAX_ACTIONS, NULL);
    }

    activ_service *svc = NULL;
    activ_error err;
    FUZZ_CHECK(activ_service_new(r, &svc, &err) == ACTIV_OK, NULL);
    uint64_t seed = hash(data, size);
    for (int i = 0; i <= QUERIES; i++) {
        activ_rules_query q;
        size_t n_fired;
        if (i == 0) { /* nothing given: the defaults alone */
            activ_rules_query_init(&q);
            activ_rules_query_defaults(&q);
        } else {
            random_query(&seed, &q);
        }
        check_match(r, &q, &n_fired);
        check_service(svc, &q, n_fired);
    }
    activ_service_free(svc);
}

/* ---------------------------------------------------------------- faults */

/* A refused file: a request error with a message, and a path into the file. */
static void check_fault(activ_status st, const activ_error *err, const uint8_t *data, size_t size)
{
    /* out of memory cannot happen here: ASan aborts a failing malloc */
    FUZZ_CHECK(st == ACTIV_E_REQUEST && err->status == st, NULL);
    FUZZ_CHECK(memchr(err->message, '\0', sizeof err->message) != NULL, NULL);
    FUZZ_CHECK(memchr(err->path, '\0', sizeof err->path) != NULL, NULL);
    FUZZ_CHECK(err->message[0] != '\0', NULL);
    FUZZ_CHECK(fuzz_pointer_syntax_ok(err->path), NULL);
    if (err->path[0] == '\0' || strlen(err->path) >= 100)
        return;
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    FUZZ_CHECK(doc != NULL, NULL); /* a file that does not parse has no path into it */
    if (!fuzz_pointer_parent_exists(doc, err->path)) {
        fprintf(stderr, "path %s: %s\n", err->path, err->message);
        FUZZ_CHECK(fuzz_pointer_parent_exists(doc, err->path), NULL);
    }
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    activ_rules *r = NULL;
    activ_error err;
    activ_status st = activ_rules_from_json((const char *)data, size, &r, &err);
    if (st == ACTIV_OK) {
        FUZZ_CHECK(r != NULL, NULL);
        exercise(r, data, size);
        activ_rules_free(r);
    } else {
        FUZZ_CHECK(r == NULL, NULL); /* written only on success */
        check_fault(st, &err, data, size);
    }
    return 0;
}
