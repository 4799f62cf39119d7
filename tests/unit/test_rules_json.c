/* test_rules_json.c -- rule files: the format, and every fault stopping the load with its path */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/rules.h"
#include "activ/service.h"
#include "check_main.h"

/* A file with one rule whose parts are spliced in: WHEN and THEN are JSON. */
static char *one_rule(const char *id, const char *when, const char *then)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"version\": 1, \"rules\": [{\"id\": \"%s\", \"when\": %s, \"then\": %s, "
             "\"text\": \"why\", \"source\": \"test\"}]}",
             id, when, then);
    return buf;
}

static activ_status load(const char *json, activ_rules **out, activ_error *err)
{
    return activ_rules_from_json(json, strlen(json), out, err);
}

/* ---------------------------------------------------------------- the format */

START_TEST(a_full_rule_loads_with_every_kind_of_condition_and_action)
{
    const char *json =
        "{\"version\": 1, \"description\": \"a test\", \"rules\": [{\"id\": \"all-kinds\","
        " \"when\": {\"all\": [{\"field\": \"layer\", \"eq\": \"hidden\"},"
        "  {\"any\": [{\"field\": \"depth\", \"ge\": 5}, {\"field\": \"depth\", \"lt\": 2}]},"
        "  {\"not\": {\"field\": \"task\", \"in\": [\"multiclass\", \"regression\"]}},"
        "  {\"field\": \"layer\", \"ne\": \"output\"}, {\"field\": \"batch_norm\", \"present\": "
        "false},"
        "  {\"field\": \"depth\", \"le\": 100}, {\"field\": \"depth\", \"gt\": 0}]},"
        " \"then\": [{\"recommend\": \"leaky_relu\", \"weight\": 2.5, \"params\": "
        "{\"negative_slope\": 0.2},"
        "   \"text\": \"{depth} layers\"},"
        "  {\"prefer\": \"swish\", \"weight\": -1}, {\"avoid\": \"sigmoid\", \"text\": \"no\"},"
        "  {\"note\": \"a note\"}],"
        " \"text\": \"max {maxgrad:sigmoid}\", \"source\": \"test\"}]}";
    activ_rules *r = NULL;
    activ_error err;
    ck_assert_msg(load(json, &r, &err) == ACTIV_OK, "%s: %s", err.path, err.message);
    ck_assert_uint_eq(activ_rules_count(r), 1);
    ck_assert_str_eq(activ_rules_id(r, 0), "all-kinds");
    ck_assert_uint_eq(activ_rules_action_count(r, 0), 4);
    const activ_rule_action *a = activ_rules_action(r, 0, 0);
    ck_assert_int_eq(a->kind, ACTIV_ACT_RECOMMEND);
    ck_assert_int_eq(a->fn, ACTIV_FN_LEAKY_RELU);
    ck_assert_double_eq(a->weight, 2.5);
    ck_assert_double_eq(a->params->p[0], 0.2);                        /* the alias resolved */
    ck_assert_int_eq(activ_rules_action(r, 0, 1)->fn, ACTIV_FN_SILU); /* alias of silu */
    ck_assert_int_eq(activ_rules_action(r, 0, 3)->kind, ACTIV_ACT_NOTE);

    /* it fires for depth 7 with no task and no batch_norm, not for depth 3 */
    activ_rules_query q;
    activ_rules_query_init(&q);
    activ_rules_query_defaults(&q);
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_DEPTH, 7, &err), ACTIV_OK);
    activ_recommendation rec;
    ck_assert_int_eq(activ_rules_match(r, &q, &rec, &err), ACTIV_OK);
    ck_assert_uint_eq(rec.n_fired, 1);
    ck_assert_int_eq(rec.ranked[0].fn, ACTIV_FN_LEAKY_RELU);
    activ_recommendation_fini(&rec);
    ck_assert_int_eq(activ_rules_query_set(&q, ACTIV_RQ_DEPTH, 3, &err), ACTIV_OK);
    ck_assert_int_eq(activ_rules_match(r, &q, &rec, &err), ACTIV_OK);
    ck_assert_uint_eq(rec.n_fired, 0);
    ck_assert_uint_eq(rec.n_ranked, 0);
    activ_recommendation_fini(&rec);
    activ_rules_free(r);
}
END_TEST

START_TEST(the_built_in_rules_load)
{
    activ_rules *r = NULL;
    activ_error err;
    ck_assert_msg(activ_rules_builtin(&r, &err) == ACTIV_OK, "%s: %s", err.path, err.message);
    ck_assert_uint_ge(activ_rules_count(r), 20);
    ck_assert_int_eq(activ_rules_find(r, "hidden-start-relu"), 2);
    activ_rules_free(r);
}
END_TEST

/* ---------------------------------------------------------------- faults */

typedef struct fault {
    const char *json;
    const char *path;  /* the JSON Pointer the error must carry */
    const char *words; /* and words its message must contain */
} fault;

#define ALWAYS "{\"all\": []}"
#define AVOID  "[{\"avoid\": \"relu\"}]"

static char *file_with(const char *when, const char *then)
{
    char *s = one_rule("dead-relu", when, then);
    return strdup(s);
}

START_TEST(every_fault_names_the_file_position_and_rule)
{
    char *owned[32] = {NULL};
    size_t n_owned = 0;
#define RULE(w, t) (owned[n_owned++] = file_with((w), (t)))
    const fault faults[] = {
        {"", "", "invalid JSON"},
        {"[1]", "", "a rule file is an object"},
        {"{\"version\": 1, \"rules\": [], \"extra\": 1}", "/extra", "unknown field \"extra\""},
        {"{\"version\": 2, \"rules\": []}", "/version", "version must be 1"},
        {"{\"version\": 1, \"rules\": []}", "/rules", "1 to 1000 rules"},
        {"{\"version\": 1, \"rules\": [1]}", "/rules/0", "a rule is an object"},
        {"{\"version\": 1, \"version\": 1, \"rules\": []}", "", "invalid JSON"},
        {RULE("{\"field\": \"lyer\", \"eq\": \"output\"}", AVOID), "/rules/0/when/field",
         "rule \"dead-relu\": field must name a query field"},
        {RULE("{\"all\": [{\"field\": \"layer\", \"equals\": \"output\"}]}", AVOID),
         "/rules/0/when/all/0", "exactly one operator"},
        {RULE("{\"field\": \"layer\", \"eq\": \"output\", \"ne\": \"hidden\"}", AVOID),
         "/rules/0/when", "exactly one operator"},
        {RULE("{\"field\": \"layer\", \"eq\": \"outptu\"}", AVOID), "/rules/0/when/eq",
         "layer is compared with one of hidden, output"},
        {RULE("{\"field\": \"depth\", \"ge\": \"5\"}", AVOID), "/rules/0/when/ge",
         "depth is compared with integers"},
        {RULE("{\"field\": \"depth\", \"ge\": 5.5}", AVOID), "/rules/0/when/ge",
         "depth is compared with integers"},
        {RULE("{\"field\": \"batch_norm\", \"eq\": 1}", AVOID), "/rules/0/when/eq",
         "batch_norm is compared with true or false"},
        {RULE("{\"field\": \"task\", \"lt\": \"regression\"}", AVOID), "/rules/0/when/lt",
         "lt compares numbers"},
        {RULE("{\"field\": \"task\", \"in\": []}", AVOID), "/rules/0/when/in", "1 to 64 values"},
        {RULE("{\"field\": \"task\", \"in\": [\"multiclass\", \"many\"]}", AVOID),
         "/rules/0/when/in/1", "task is compared with one of"},
        {RULE("{\"not\": [{\"all\": []}]}", AVOID), "/rules/0/when/not",
         "a condition is an object"},
        {RULE("{\"all\": {}}", AVOID), "/rules/0/when/all", "array of at most 64"},
        {RULE("{\"all\": [], \"field\": \"layer\"}", AVOID), "/rules/0/when/field",
         "unknown field \"field\""},
        {RULE("{\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": "
              "{\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": {\"not\": "
              "{\"all\": []}}}}}}}}}}}}}}}}}",
              AVOID),
         "/rules/0/when/not", "deeper than 16"}, /* the outermost: it makes the 17th level */
        {RULE(ALWAYS, "[]"), "/rules/0/then", "1 to 16 actions"},
        {RULE(ALWAYS, "[{\"avoid\": \"relu\", \"recommend\": \"elu\", \"weight\": 1}]"),
         "/rules/0/then/0", "exactly one of recommend, prefer, avoid, note"},
        {RULE(ALWAYS, "[{\"avoid\": \"rleu\"}]"), "/rules/0/then/0/avoid",
         "unknown activation \"rleu\""},
        {RULE(ALWAYS, "[{\"recommend\": \"elu\"}]"), "/rules/0/then/0/weight",
         "needs a numeric weight"},
        {RULE(ALWAYS, "[{\"recommend\": \"elu\", \"weight\": -1}]"), "/rules/0/then/0/weight",
         "> 0"},
        {RULE(ALWAYS, "[{\"avoid\": \"elu\", \"weight\": 1}]"), "/rules/0/then/0/weight",
         "unknown field \"weight\""},
        {RULE(ALWAYS, "[{\"recommend\": \"elu\", \"weight\": 1, \"params\": {\"alhpa\": 1}}]"),
         "/rules/0/then/0/params/alhpa", "unknown parameter \"alhpa\""},
        {RULE(ALWAYS, "[{\"recommend\": \"elu\", \"weight\": 1, \"params\": {\"alpha\": [1]}}]"),
         "/rules/0/then/0/params/alpha", "numbers, strings or booleans"},
        {RULE(ALWAYS, "[{\"recommend\": \"maxout\", \"weight\": 1}]"), "/rules/0/then/0",
         "needs params"},
        {RULE(ALWAYS, "[{\"note\": 3}]"), "/rules/0/then/0/note", "note takes a sentence"},
        {RULE(ALWAYS, "[{\"avoid\": \"relu\", \"text\": \"{depth}\"}]"), "/rules/0/then/0/text",
         "does not require depth"},
    };
#undef RULE
    ck_assert_uint_le(n_owned, sizeof owned / sizeof owned[0]);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        activ_rules *r = NULL;
        activ_error err;
        ck_assert_msg(load(faults[i].json, &r, &err) == ACTIV_E_REQUEST, "case %zu loaded", i);
        ck_assert_ptr_null(r);
        ck_assert_msg(strcmp(err.path, faults[i].path) == 0, "case %zu: path \"%s\", want \"%s\"",
                      i, err.path, faults[i].path);
        ck_assert_msg(strstr(err.message, faults[i].words) != NULL,
                      "case %zu: message \"%s\" lacks \"%s\"", i, err.message, faults[i].words);
    }
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
}
END_TEST

START_TEST(rule_level_faults_carry_the_rule_id)
{
    const char *json =
        "{\"version\": 1, \"rules\": ["
        "{\"id\": \"fine\", \"when\": {\"all\": []}, \"then\": [{\"avoid\": \"relu\"}], "
        "\"text\": \"t\", \"source\": \"s\"},"
        "{\"id\": \"fine\", \"when\": {\"all\": []}, \"then\": [{\"avoid\": \"relu\"}], "
        "\"text\": \"t\", \"source\": \"s\"}]}";
    activ_rules *r = NULL;
    activ_error err;
    ck_assert_int_eq(load(json, &r, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.path, "/rules/1/id");
    ck_assert_str_eq(err.message, "rule \"fine\": rule id \"fine\" is used twice");

    const char *missing = "{\"version\": 1, \"rules\": [{\"id\": \"x\", \"when\": {\"all\": []}, "
                          "\"then\": [{\"avoid\": \"relu\"}], \"source\": \"s\"}]}";
    ck_assert_int_eq(load(missing, &r, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.path, "/rules/0/text");
    ck_assert_str_eq(err.message, "rule \"x\": text is required and must be a string");

    const char *bad_text = one_rule("x", "{\"all\": []}", "[{\"avoid\": \"relu\"}]");
    char edited[4096];
    snprintf(edited, sizeof edited, "%s", bad_text);
    char *why = strstr(edited, "\"why\"");
    memcpy(why, "\"{x}\"", 5);
    ck_assert_int_eq(load(edited, &r, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.path, "/rules/0/text");
    ck_assert_msg(strstr(err.message, "rule \"x\": placeholder {x}") == err.message, "%s",
                  err.message);
}
END_TEST

START_TEST(a_json_pointer_escapes_slash_and_tilde)
{
    const char *json = "{\"version\": 1, \"rules\": [{\"id\": \"x\", \"a/b~c\": 1}]}";
    activ_rules *r = NULL;
    activ_error err;
    ck_assert_int_eq(load(json, &r, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.path, "/rules/0/a~1b~0c");
}
END_TEST

START_TEST(a_deeply_nested_file_is_refused_before_parsing)
{
    char buf[400];
    size_t n = 0;
    n += (size_t)snprintf(buf, sizeof buf, "{\"version\": 1, \"rules\": ");
    for (int i = 0; i < 60; i++)
        buf[n++] = '[';
    buf[n] = '\0';
    activ_rules *r = NULL;
    activ_error err;
    ck_assert_int_eq(load(buf, &r, &err), ACTIV_E_REQUEST);
    ck_assert_str_eq(err.message, "the file nests arrays and objects deeper than 48 levels");
}
END_TEST

static Suite *rules_json_suite(void)
{
    Suite *s = suite_create("rules_json");
    TCase *t = tcase_create("format");
    tcase_add_test(t, a_full_rule_loads_with_every_kind_of_condition_and_action);
    tcase_add_test(t, the_built_in_rules_load);
    suite_add_tcase(s, t);
    t = tcase_create("faults");
    tcase_add_test(t, every_fault_names_the_file_position_and_rule);
    tcase_add_test(t, rule_level_faults_carry_the_rule_id);
    tcase_add_test(t, a_json_pointer_escapes_slash_and_tilde);
    tcase_add_test(t, a_deeply_nested_file_is_refused_before_parsing);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return run_suite(rules_json_suite());
}
