/* test_rules.c -- the core rule engine: query fields, conditions, ranking, texts, building */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/rules.h"
#include "check_main.h"

/* ---------------------------------------------------------------- helpers */

static activ_rules *rules;

static void setup(void)
{
    rules = activ_rules_new();
    ck_assert_ptr_nonnull(rules);
}

static void teardown(void)
{
    activ_rules_free(rules);
    rules = NULL;
}

static uint32_t leaf(activ_cond_op op, activ_rq_field f, long v)
{
    activ_rule_cond c = {.op = op, .field = f, .value = v};
    uint32_t h;
    activ_error err;
    ck_assert_msg(activ_rules_add_cond(rules, &c, &h, &err) == ACTIV_OK, "%s", err.message);
    return h;
}

static uint32_t group(activ_cond_op op, const uint32_t *kids, size_t n)
{
    activ_rule_cond c = {.op = op, .kids = kids, .n_kids = n};
    uint32_t h;
    activ_error err;
    ck_assert_msg(activ_rules_add_cond(rules, &c, &h, &err) == ACTIV_OK, "%s", err.message);
    return h;
}

static uint32_t always(void)
{
    return group(ACTIV_COND_ALL, NULL, 0);
}

static activ_rule_action rec(activ_fn_id fn, double w)
{
    return (activ_rule_action){.kind = ACTIV_ACT_RECOMMEND, .fn = fn, .weight = w};
}

static activ_rule_action pref(activ_fn_id fn, double w)
{
    return (activ_rule_action){.kind = ACTIV_ACT_PREFER, .fn = fn, .weight = w};
}

static activ_rule_action avoid(activ_fn_id fn)
{
    return (activ_rule_action){.kind = ACTIV_ACT_AVOID, .fn = fn};
}

static void add(const char *id, const char *text, uint32_t when, const activ_rule_action *a,
                size_t n)
{
    activ_error err;
    ck_assert_msg(activ_rules_add(rules, id, text, "test", when, a, n, &err) == ACTIV_OK, "%s: %s",
                  err.path, err.message);
}

/* Adds a rule and expects it refused with `path` and a message containing `words`. */
static void add_fails(const char *id, const char *text, uint32_t when, const activ_rule_action *a,
                      size_t n, const char *path, const char *words)
{
    activ_error err;
    ck_assert_int_eq(activ_rules_add(rules, id, text, "test", when, a, n, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.path, path);
    ck_assert_msg(strstr(err.message, words) != NULL, "message \"%s\" lacks \"%s\"", err.message,
                  words);
}

static activ_rules_query query(void)
{
    activ_rules_query q;
    activ_rules_query_init(&q);
    return q;
}

static void set(activ_rules_query *q, activ_rq_field f, long v)
{
    activ_error err;
    ck_assert_int_eq(activ_rules_query_set(q, f, v, &err), ACTIV_OK);
}

/* Whether the rule with index 0 fires for q. */
static bool fires(const activ_rules_query *q)
{
    activ_recommendation r;
    activ_error err;
    ck_assert_int_eq(activ_rules_match(rules, q, &r, &err), ACTIV_OK);
    bool fired = r.n_fired == 1 && r.fired[0] == 0;
    activ_recommendation_fini(&r);
    return fired;
}

/* ---------------------------------------------------------------- query fields */

START_TEST(every_spec_field_is_known_with_its_type)
{
    static const struct {
        const char *name;
        activ_rq_type type;
    } want[] = {
        {"layer", ACTIV_RQ_ENUM},
        {"task", ACTIV_RQ_ENUM},
        {"exclusive", ACTIV_RQ_BOOL},
        {"output_range", ACTIV_RQ_ENUM},
        {"depth", ACTIV_RQ_INT},
        {"batch_norm", ACTIV_RQ_BOOL},
        {"dead_neurons", ACTIV_RQ_BOOL},
        {"vanishing_gradients", ACTIV_RQ_BOOL},
        {"architecture", ACTIV_RQ_ENUM},
        {"compute", ACTIV_RQ_ENUM},
        {"self_normalizing", ACTIV_RQ_BOOL},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int f = activ_rules_field_find(want[i].name);
        ck_assert_msg(f >= 0, "%s", want[i].name);
        ck_assert_int_eq(activ_rules_field((activ_rq_field)f)->type, want[i].type);
    }
    ck_assert_int_eq(activ_rules_field_find("lyer"), -1);
    /* the SPEC's words, in its order */
    ck_assert_int_eq(activ_rules_word_find(ACTIV_RQ_TASK, "binary_classification"), 0);
    ck_assert_int_eq(activ_rules_word_find(ACTIV_RQ_TASK, "regression"), 3);
    ck_assert_int_eq(activ_rules_word_find(ACTIV_RQ_OUTPUT_RANGE, "symmetric_unit"), 3);
    ck_assert_int_eq(activ_rules_word_find(ACTIV_RQ_ARCHITECTURE, "transformer"), 3);
    ck_assert_int_eq(activ_rules_word_find(ACTIV_RQ_COMPUTE, "low"), 1);
    ck_assert_int_eq(activ_rules_word_find(ACTIV_RQ_LAYER, "Hidden"), -1);
    ck_assert_int_eq(activ_rules_word_find(ACTIV_RQ_DEPTH, "3"), -1);
}
END_TEST

START_TEST(only_layer_has_a_default)
{
    activ_rules_query q = query();
    activ_rules_query_defaults(&q);
    ck_assert_uint_eq(q.present, 1u << ACTIV_RQ_LAYER);
    ck_assert_int_eq(q.value[ACTIV_RQ_LAYER], 0); /* hidden */
    /* a given layer stays */
    q = query();
    set(&q, ACTIV_RQ_LAYER, 1);
    activ_rules_query_defaults(&q);
    ck_assert_int_eq(q.value[ACTIV_RQ_LAYER], 1);
}
END_TEST

START_TEST(query_values_are_checked_at_their_boundaries)
{
    activ_rules_query q = query();
    activ_error err;
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_DEPTH, 1, &err), ACTIV_OK);
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_DEPTH, 10000, &err), ACTIV_OK);
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_DEPTH, 0, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.path, "/depth");
    ck_assert_str_eq(err.message, "depth must be an integer from 1 to 10000");
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_DEPTH, 10001, &err), ACTIV_E_REQUEST);
    ck_assert_int_eq(q.value[ACTIV_RQ_DEPTH], 10000); /* left alone */
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_BATCH_NORM, 2, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.message, "batch_norm must be true or false");
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_LAYER, 2, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.message, "layer must be one of hidden, output");
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_LAYER, -1, &err), ACTIV_E_REQUEST);
    ck_assert(!activ_rules_query_has(&q, ACTIV_RQ_LAYER));
}
END_TEST

/* ---------------------------------------------------------------- conditions */

START_TEST(comparisons_on_an_absent_field_are_false)
{
    static const activ_cond_op ops[] = {ACTIV_COND_EQ, ACTIV_COND_NE, ACTIV_COND_LT,
                                        ACTIV_COND_LE, ACTIV_COND_GT, ACTIV_COND_GE};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        teardown();
        setup();
        const activ_rule_action a = rec(ACTIV_FN_RELU, 1);
        add("r", "t", leaf(ops[i], ACTIV_RQ_DEPTH, 5), &a, 1);
        activ_rules_query q = query();
        ck_assert_msg(!fires(&q), "op %zu fired on an absent field", i);
    }
}
END_TEST

/* Each operator against depth 5, for depths 4, 5 and 6: a truth table. */
START_TEST(integer_comparisons_follow_their_truth_table)
{
    static const struct {
        activ_cond_op op;
        bool at4, at5, at6;
    } table[] = {
        {ACTIV_COND_EQ, false, true, false}, {ACTIV_COND_NE, true, false, true},
        {ACTIV_COND_LT, true, false, false}, {ACTIV_COND_LE, true, true, false},
        {ACTIV_COND_GT, false, false, true}, {ACTIV_COND_GE, false, true, true},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        teardown();
        setup();
        const activ_rule_action a = rec(ACTIV_FN_RELU, 1);
        add("r", "t", leaf(table[i].op, ACTIV_RQ_DEPTH, 5), &a, 1);
        const bool want[3] = {table[i].at4, table[i].at5, table[i].at6};
        for (long d = 4; d <= 6; d++) {
            activ_rules_query q = query();
            set(&q, ACTIV_RQ_DEPTH, d);
            ck_assert_msg(fires(&q) == want[d - 4], "op %zu at depth %ld", i, d);
        }
    }
}
END_TEST

START_TEST(membership_presence_and_groups)
{
    const long words[] = {1, 3}; /* multiclass, regression */
    activ_rule_cond in = {
        .op = ACTIV_COND_IN, .field = ACTIV_RQ_TASK, .values = words, .n_values = 2};
    uint32_t h_in, h_present, h_absent;
    activ_error err;
    ck_assert_int_eq(activ_rules_add_cond(rules, &in, &h_in, &err), ACTIV_OK);
    h_present = leaf(ACTIV_COND_PRESENT, ACTIV_RQ_DEPTH, 1);
    h_absent = leaf(ACTIV_COND_PRESENT, ACTIV_RQ_DEPTH, 0);
    uint32_t both[] = {h_in, h_present};
    uint32_t either[] = {h_in, h_present};
    uint32_t not_in[] = {h_in};
    const activ_rule_action a = rec(ACTIV_FN_RELU, 1);
    add("in", "t", h_in, &a, 1);
    add("present", "t", h_present, &a, 1);
    add("absent", "t", h_absent, &a, 1);
    add("all", "t", group(ACTIV_COND_ALL, both, 2), &a, 1);
    add("any", "t", group(ACTIV_COND_ANY, either, 2), &a, 1);
    add("not", "t", group(ACTIV_COND_NOT, not_in, 1), &a, 1);
    add("any-of-none", "t", group(ACTIV_COND_ANY, NULL, 0), &a, 1);

    /* bit i set: rule i fired */
    static const struct {
        long task, depth; /* -1: absent */
        unsigned fired;
    } table[] = {
        {-1, -1, 0x04 | 0x20}, /* absent; not(in) */
        {1, -1, 0x01 | 0x04 | 0x10}, {3, 7, 0x01 | 0x02 | 0x08 | 0x10},
        {0, 7, 0x02 | 0x10 | 0x20},  {2, -1, 0x04 | 0x20},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        activ_rules_query q = query();
        if (table[i].task >= 0)
            set(&q, ACTIV_RQ_TASK, table[i].task);
        if (table[i].depth >= 0)
            set(&q, ACTIV_RQ_DEPTH, table[i].depth);
        activ_recommendation r;
        ck_assert_int_eq(activ_rules_match(rules, &q, &r, &err), ACTIV_OK);
        unsigned got = 0;
        for (size_t k = 0; k < r.n_fired; k++)
            got |= 1u << r.fired[k];
        activ_recommendation_fini(&r);
        ck_assert_msg(got == table[i].fired, "row %zu: fired 0x%x, want 0x%x", i, got,
                      table[i].fired);
    }
}
END_TEST

START_TEST(malformed_conditions_are_refused)
{
    activ_error err;
    uint32_t h, a = always();
    activ_rule_cond c = {.op = ACTIV_COND_LT, .field = ACTIV_RQ_TASK, .value = 1};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.message, "lt compares numbers, and task is not a number");
    c = (activ_rule_cond){.op = ACTIV_COND_EQ, .field = ACTIV_RQ_LAYER, .value = 2};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);
    c = (activ_rule_cond){.op = ACTIV_COND_EQ, .field = ACTIV_RQ_EXCLUSIVE, .value = 2};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);
    c = (activ_rule_cond){.op = ACTIV_COND_IN, .field = ACTIV_RQ_TASK};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.message, "in needs at least one value");
    c = (activ_rule_cond){.op = ACTIV_COND_PRESENT, .field = ACTIV_RQ_TASK, .value = 3};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);
    uint32_t two[] = {a, a};
    c = (activ_rule_cond){.op = ACTIV_COND_NOT, .kids = two, .n_kids = 2};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.message, "not takes exactly one condition");
    uint32_t ahead[] = {999};
    c = (activ_rule_cond){.op = ACTIV_COND_ALL, .kids = ahead, .n_kids = 1};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);

    /* nesting: 16 levels are fine, the 17th is refused */
    uint32_t cur = a;
    for (int depth = 2; depth <= ACTIV_RULES_MAX_DEPTH; depth++)
        cur = group(ACTIV_COND_NOT, &cur, 1);
    c = (activ_rule_cond){.op = ACTIV_COND_NOT, .kids = &cur, .n_kids = 1};
    ck_assert_int_eq(activ_rules_add_cond(rules, &c, &h, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.message, "conditions nest deeper than 16 levels");
}
END_TEST

/* ---------------------------------------------------------------- scoring and ranking */

START_TEST(scores_add_and_rank_with_ties_broken_by_rule_order)
{
    uint32_t a = always();
    const activ_rule_action r1[] = {rec(ACTIV_FN_TANH, 3), rec(ACTIV_FN_ELU, 5)};
    const activ_rule_action r2[] = {rec(ACTIV_FN_SILU, 5), rec(ACTIV_FN_TANH, 2)};
    add("one", "t", a, r1, 2);
    add("two", "t", a, r2, 2);
    activ_rules_query q = query();
    activ_recommendation r;
    activ_error err;
    ck_assert_int_eq(activ_rules_match(rules, &q, &r, &err), ACTIV_OK);
    /* tanh 3 + 2 = 5, elu 5, silu 5: all tie; tanh is recommended first, then elu, then silu */
    ck_assert_uint_eq(r.n_ranked, 3);
    ck_assert_int_eq(r.ranked[0].fn, ACTIV_FN_TANH);
    ck_assert_int_eq(r.ranked[1].fn, ACTIV_FN_ELU);
    ck_assert_int_eq(r.ranked[2].fn, ACTIV_FN_SILU);
    ck_assert_double_eq(r.ranked[0].score, 5.0);
    ck_assert_uint_eq(r.n_hits, 4);
    activ_recommendation_fini(&r);
    activ_recommendation_fini(&r); /* idempotent */
}
END_TEST

START_TEST(prefer_moves_only_candidates_and_avoid_wins)
{
    uint32_t a = always();
    const activ_rule_action base[] = {rec(ACTIV_FN_RELU, 6), rec(ACTIV_FN_GELU, 4)};
    const activ_rule_action nudge[] = {pref(ACTIV_FN_GELU, 3), pref(ACTIV_FN_MISH, 50),
                                       pref(ACTIV_FN_RELU, -2)};
    const activ_rule_action no[] = {avoid(ACTIV_FN_SIGMOID), avoid(ACTIV_FN_RELU)};
    const activ_rule_action late[] = {rec(ACTIV_FN_SIGMOID, 100)};
    add("base", "t", a, base, 2);
    add("nudge", "t", a, nudge, 3);
    add("no", "t", a, no, 2);
    add("late", "t", a, late, 1);
    activ_rules_query q = query();
    activ_recommendation r;
    activ_error err;
    ck_assert_int_eq(activ_rules_match(rules, &q, &r, &err), ACTIV_OK);
    /* relu and sigmoid are avoided, whatever their scores; mish was never recommended */
    ck_assert_uint_eq(r.n_ranked, 1);
    ck_assert_int_eq(r.ranked[0].fn, ACTIV_FN_GELU);
    ck_assert_double_eq(r.ranked[0].score, 7.0);
    ck_assert_uint_eq(r.n_avoid, 2);
    ck_assert_int_eq(r.avoid[0], ACTIV_FN_SIGMOID);
    ck_assert_int_eq(r.avoid[1], ACTIV_FN_RELU);
    /* hits: base 2, nudge 2 (gelu, relu; not mish), no 2, late 1 */
    ck_assert_uint_eq(r.n_hits, 7);
    for (size_t i = 0; i < r.n_hits; i++)
        ck_assert(!(r.hits[i].rule == 1 && r.hits[i].action == 1));
    activ_recommendation_fini(&r);
}
END_TEST

START_TEST(negative_preference_can_reorder)
{
    uint32_t a = always();
    const activ_rule_action base[] = {rec(ACTIV_FN_RELU, 6), rec(ACTIV_FN_ELU, 5)};
    const activ_rule_action down[] = {pref(ACTIV_FN_RELU, -1.5)};
    add("base", "t", a, base, 2);
    add("down", "t", a, down, 1);
    activ_rules_query q = query();
    activ_recommendation r;
    activ_error err;
    ck_assert_int_eq(activ_rules_match(rules, &q, &r, &err), ACTIV_OK);
    ck_assert_int_eq(r.ranked[0].fn, ACTIV_FN_ELU);
    ck_assert_int_eq(r.ranked[1].fn, ACTIV_FN_RELU);
    ck_assert_double_eq(r.ranked[1].score, 4.5);
    activ_recommendation_fini(&r);
}
END_TEST

START_TEST(params_come_from_the_first_recommend)
{
    uint32_t a = always();
    activ_bound_fn p1, p2;
    activ_param_arg x1 = {.name = "alpha", .type = ACTIV_VALUE_NUMBER, .number = 0.2};
    activ_param_arg x2 = {.name = "alpha", .type = ACTIV_VALUE_NUMBER, .number = 0.3};
    const activ_catalog_entry *e = activ_catalog_get(ACTIV_FN_LEAKY_RELU);
    activ_error err;
    ck_assert_int_eq(activ_params_bind(e, &x1, 1, &p1, &err), ACTIV_OK);
    ck_assert_int_eq(activ_params_bind(e, &x2, 1, &p2, &err), ACTIV_OK);
    activ_rule_action r1 = rec(ACTIV_FN_LEAKY_RELU, 1), r2 = rec(ACTIV_FN_LEAKY_RELU, 1);
    activ_rule_action r3 = rec(ACTIV_FN_ELU, 1);
    r1.params = &p1;
    r2.params = &p2;
    add("one", "t", a, &r1, 1);
    add("two", "t", a, &r2, 1);
    add("three", "t", a, &r3, 1);
    p1.p[0] = 99.0; /* the rule set holds a copy */
    activ_rules_query q = query();
    activ_recommendation r;
    ck_assert_int_eq(activ_rules_match(rules, &q, &r, &err), ACTIV_OK);
    ck_assert_int_eq(r.ranked[0].fn, ACTIV_FN_LEAKY_RELU);
    ck_assert_double_eq(r.ranked[0].params->p[0], 0.2);
    /* without params, the defaults: elu's alpha is 1 */
    ck_assert_int_eq(r.ranked[1].fn, ACTIV_FN_ELU);
    ck_assert_double_eq(r.ranked[1].params->p[0], 1.0);
    activ_recommendation_fini(&r);
}
END_TEST

/* ---------------------------------------------------------------- texts */

static void render_is(size_t rule, size_t action, const activ_rules_query *q, const char *want)
{
    char buf[512];
    size_t n = activ_rules_render(rules, rule, action, q, buf, sizeof buf);
    ck_assert_str_eq(buf, want);
    ck_assert_uint_eq(n, strlen(want));
}

START_TEST(placeholders_are_computed_from_the_catalog_and_query)
{
    uint32_t deep = leaf(ACTIV_COND_GE, ACTIV_RQ_DEPTH, 1);
    uint32_t kids[] = {deep, leaf(ACTIV_COND_EQ, ACTIV_RQ_TASK, 1)};
    activ_rule_action a = avoid(ACTIV_FN_SIGMOID);
    a.text = "at most {maxgrad:sigmoid^depth} after {depth} layers";
    add("grad", "max {maxgrad:sigmoid}, tanh'(3) = {df:tanh:3}, softplus(0) = {f:softplus:0}",
        group(ACTIV_COND_ALL, kids, 2), &a, 1);
    activ_rule_action b = avoid(ACTIV_FN_RELU);
    add("words", "task {task}, range {range:tanh}, {{literal}} braces", kids[1], &b, 1);

    activ_rules_query q = query();
    set(&q, ACTIV_RQ_DEPTH, 10);
    set(&q, ACTIV_RQ_TASK, 1);
    /* 1/4 exactly; tanh'(3) = 1 - tanh(3)^2 = 0.0098660372...; log 2 = 0.693147... */
    render_is(0, SIZE_MAX, &q, "max 0.25, tanh'(3) = 0.00987, softplus(0) = 0.693");
    /* 0.25^10 = 2^-20 = 9.5367431640625e-07 */
    render_is(0, 0, &q, "at most 9.54e-07 after 10 layers");
    render_is(1, SIZE_MAX, &q, "task multiclass, range (-1, 1), {literal} braces");
    /* an action without text of its own shows the rule's */
    render_is(1, 0, &q, "task multiclass, range (-1, 1), {literal} braces");

    /* snprintf-style: a short buffer gets a prefix, and the full length is returned */
    char small[8];
    size_t n = activ_rules_render(rules, 1, SIZE_MAX, &q, small, sizeof small);
    ck_assert_str_eq(small, "task mu");
    ck_assert_uint_eq(n, strlen("task multiclass, range (-1, 1), {literal} braces"));
}
END_TEST

START_TEST(bad_texts_are_refused_with_the_reason)
{
    uint32_t a = always();
    uint32_t d = leaf(ACTIV_COND_PRESENT, ACTIV_RQ_DEPTH, 1);
    activ_rule_action x = avoid(ACTIV_FN_RELU);
    add_fails("r", "{depth} layers", a, &x, 1, "/text", "does not require depth");
    uint32_t not_d = group(ACTIV_COND_NOT, &d, 1);
    add_fails("r", "{depth} layers", not_d, &x, 1, "/text", "does not require depth");
    add_fails("r", "{maxgrad:sigmoid^depth}", a, &x, 1, "/text", "does not require depth");
    add_fails("r", "{maxgrad:sigmoid^task}", d, &x, 1, "/text", "must be an integer field");
    add_fails("r", "{lyer}", a, &x, 1, "/text", "names no query field");
    add_fails("r", "{maxgrad:exponential}", a, &x, 1, "/text", "no finite bound"); /* NaN */
    add_fails("r", "{maxgrad:nope}", a, &x, 1, "/text", "unknown activation");
    add_fails("r", "{df:softmax:1}", a, &x, 1, "/text", "elementwise"); /* row-wise */
    add_fails("r", "{df:tanh:x}", a, &x, 1, "/text", "X a number");
    add_fails("r", "{df:tanh}", a, &x, 1, "/text", "X a number");
    add_fails("r", "{cos:1}", a, &x, 1, "/text", "not one activ knows");
    add_fails("r", "open { brace", a, &x, 1, "/text", "lone");
    add_fails("r", "close } brace", a, &x, 1, "/text", "lone");
    add_fails("r", "", a, &x, 1, "/text", "empty");
    x.text = "{task}";
    add_fails("r", "fine", a, &x, 1, "/then/0/text", "does not require task");
    /* presence is enough, and so is any of several branches that all require it */
    activ_rule_action plain = avoid(ACTIV_FN_RELU);
    add("depth-present", "{depth} layers", d, &plain, 1);
    uint32_t branches[] = {leaf(ACTIV_COND_GE, ACTIV_RQ_DEPTH, 5), d};
    add("depth-any", "{depth} layers", group(ACTIV_COND_ANY, branches, 2), &plain, 1);
}
END_TEST

START_TEST(bad_rules_are_refused_with_a_path)
{
    uint32_t a = always();
    activ_rule_action x = avoid(ACTIV_FN_RELU);
    add("first", "t", a, &x, 1);
    add_fails("first", "t", a, &x, 1, "/id", "used twice");
    add_fails("Upper", "t", a, &x, 1, "/id", "a-z");
    add_fails("", "t", a, &x, 1, "/id", "1 to 64");
    add_fails("r", "t", 4242, &x, 1, "/when", "no condition");
    add_fails("r", "t", a, &x, 0, "/then", "1 to 16 actions");
    activ_rule_action w = rec(ACTIV_FN_RELU, 0);
    add_fails("r", "t", a, &w, 1, "/then/0/weight", "> 0");
    w = rec(ACTIV_FN_RELU, NAN);
    add_fails("r", "t", a, &w, 1, "/then/0/weight", "> 0");
    w = pref(ACTIV_FN_RELU, -1001);
    add_fails("r", "t", a, &w, 1, "/then/0/weight", "between -1000 and 1000");
    w = rec(ACTIV_FN_MAXOUT, 1); /* maxout needs k or weights */
    add_fails("r", "t", a, &w, 1, "/then/0", "needs params");
    activ_rule_action note = {.kind = ACTIV_ACT_NOTE};
    add_fails("r", "t", a, &note, 1, "/then/0", "needs its text");
    activ_error err;
    ck_assert_int_eq(activ_rules_add(rules, "r", "t", "", a, &x, 1, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.path, "/source");
    ck_assert_uint_eq(activ_rules_count(rules), 1); /* none of the refused ones was added */
    ck_assert_int_eq(activ_rules_find(rules, "first"), 0);
    ck_assert_int_eq(activ_rules_find(rules, "r"), -1);
}
END_TEST

START_TEST(many_rules_keep_their_actions_after_the_arrays_grow)
{
    uint32_t a = always();
    char id[16], text[32];
    for (int i = 0; i < 200; i++) {
        activ_rule_action acts[2] = {rec(ACTIV_FN_RELU, 1), avoid(ACTIV_FN_TANH)};
        snprintf(id, sizeof id, "r%d", i);
        snprintf(text, sizeof text, "because %d", i);
        acts[1].text = text;
        add(id, "t", a, acts, 2);
    }
    ck_assert_uint_eq(activ_rules_count(rules), 200);
    const activ_rule_action *x = activ_rules_action(rules, 7, 1);
    ck_assert_str_eq(x->text, "because 7");
    ck_assert_ptr_nonnull(activ_rules_action(rules, 199, 0)->params); /* relu's defaults */
    activ_rules_query q = query();
    activ_recommendation r;
    activ_error err;
    ck_assert_int_eq(activ_rules_match(rules, &q, &r, &err), ACTIV_OK);
    ck_assert_uint_eq(r.n_fired, 200);
    ck_assert_uint_eq(r.n_hits, 400);
    ck_assert_double_eq(r.ranked[0].score, 200.0);
    activ_recommendation_fini(&r);
}
END_TEST

static Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *t = tcase_create("query");
    tcase_add_test(t, every_spec_field_is_known_with_its_type);
    tcase_add_test(t, only_layer_has_a_default);
    tcase_add_test(t, query_values_are_checked_at_their_boundaries);
    suite_add_tcase(s, t);

    t = tcase_create("conditions");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, comparisons_on_an_absent_field_are_false);
    tcase_add_test(t, integer_comparisons_follow_their_truth_table);
    tcase_add_test(t, membership_presence_and_groups);
    tcase_add_test(t, malformed_conditions_are_refused);
    suite_add_tcase(s, t);

    t = tcase_create("ranking");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, scores_add_and_rank_with_ties_broken_by_rule_order);
    tcase_add_test(t, prefer_moves_only_candidates_and_avoid_wins);
    tcase_add_test(t, negative_preference_can_reorder);
    tcase_add_test(t, params_come_from_the_first_recommend);
    suite_add_tcase(s, t);

    t = tcase_create("building");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, placeholders_are_computed_from_the_catalog_and_query);
    tcase_add_test(t, bad_texts_are_refused_with_the_reason);
    tcase_add_test(t, bad_rules_are_refused_with_a_path);
    tcase_add_test(t, many_rules_keep_their_actions_after_the_arrays_grow);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(rules_suite());
}
