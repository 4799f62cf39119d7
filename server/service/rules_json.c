/* rules_json.c -- rule files (JSON) into the core rule engine, with the built-in rules (service) */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/rules.h"
#include "internal.h"

/* A rule file holds a few dozen rules; these caps only keep a broken file from costing much. */
#define MAX_FILE_DEPTH 48 /* JSON nesting of a rule file */
#define MAX_RULES      1000
#define MAX_IN_VALUES  64

/* What loading one file needs as it walks: the rule set being built and where we are. */
typedef struct loader {
    activ_rules *rules;
    const char *rule_id; /* of the rule being read, for messages; NULL before its id is known */
    char path[128];      /* JSON Pointer of the node being read */
} loader;

/* Sets err with the loader's path plus `suffix` and a message that names the rule. */
static activ_status fail(loader *ld, activ_error *err, const char *suffix, const char *fmt, ...)
    ACTIV_PRINTF(4, 5);
static activ_status fail(loader *ld, activ_error *err, const char *suffix, const char *fmt, ...)
{
    char msg[200], path[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(path, sizeof path, "%s%s", ld->path, suffix ? suffix : "");
    if (ld->rule_id)
        return activ_error_set(err, ACTIV_E_REQUEST, path, "rule \"%s\": %s", ld->rule_id, msg);
    return activ_error_set(err, ACTIV_E_REQUEST, path, "%s", msg);
}

/* A refusal of the core's rule builder (in `why`), placed at the loader's path plus `suffix`;
 * running out of memory is passed on as it is, not blamed on the file. */
static activ_status relay(loader *ld, activ_error *err, const activ_error *why, const char *suffix)
{
    if (why->status == ACTIV_E_NOMEM) {
        *err = *why;
        return ACTIV_E_NOMEM;
    }
    return fail(ld, err, suffix, "%s", why->message);
}

/* Appends "/<token>" to the loader's path (escaping ~ and / as JSON Pointer says) and returns
 * the old length, for pop(). */
static size_t push(loader *ld, const char *token)
{
    size_t old = strlen(ld->path);
    activ_pointer_append(ld->path, sizeof ld->path, token);
    return old;
}

static size_t push_index(loader *ld, size_t i)
{
    char tok[24];
    snprintf(tok, sizeof tok, "%zu", i);
    return push(ld, tok);
}

static void pop(loader *ld, size_t old)
{
    ld->path[old] = '\0';
}

/* Checks that every member of object o is one of the NULL-terminated `known`. */
static activ_status only_known(loader *ld, json_t *o, const char *const *known, activ_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok) {
            char list[160] = "";
            for (size_t i = 0; known[i]; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                         known[i]);
            size_t old = push(ld, key);
            activ_status st =
                fail(ld, err, NULL, "unknown field \"%.60s\"; expected %s", key, list);
            pop(ld, old);
            return st;
        }
    }
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- conditions */

static const char *const cond_ops[] = {"all", "any", "not", "eq", "ne",      "in",
                                       "lt",  "le",  "gt",  "ge", "present", NULL};

/* A JSON operand of field f as a core value: a word of an ENUM field, a boolean, or an
 * integer. */
static activ_status operand(loader *ld, activ_rq_field f, json_t *v, long *out, activ_error *err)
{
    const activ_rq_field_spec *s = activ_rules_field(f);
    switch (s->type) {
        case ACTIV_RQ_ENUM:
            if (json_is_string(v)) {
                *out = activ_rules_word_find(f, json_string_value(v));
                if (*out >= 0)
                    return ACTIV_OK;
            }
            break;
        case ACTIV_RQ_BOOL:
            if (json_is_boolean(v)) {
                *out = json_is_true(v);
                return ACTIV_OK;
            }
            break;
        case ACTIV_RQ_INT:
            if (json_is_integer(v) && json_integer_value(v) >= -1000000 &&
                json_integer_value(v) <= 1000000) {
                *out = (long)json_integer_value(v);
                return ACTIV_OK;
            }
            break;
    }
    if (s->type == ACTIV_RQ_INT)
        return fail(ld, err, NULL, "%s is compared with integers (at most 1000000 in size)",
                    s->name);
    if (s->type == ACTIV_RQ_BOOL)
        return fail(ld, err, NULL, "%s is compared with true or false", s->name);
    char words[160] = "";
    for (size_t i = 0; s->words[i]; i++)
        snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s", i ? ", " : "",
                 s->words[i]);
    return fail(ld, err, NULL, "%s is compared with one of %s", s->name, words);
}

static activ_status cond_from_json(loader *ld, json_t *c, uint32_t *handle, activ_error *err)
{
    if (!json_is_object(c))
        return fail(ld, err, NULL,
                    "a condition is an object: {\"all\": [...]}, {\"any\": [...]}, {\"not\": "
                    "{...}} or {\"field\": NAME, OP: VALUE}");
    json_t *field = json_object_get(c, "field");
    size_t nops = 0;
    int op = -1;
    for (int i = 0; cond_ops[i]; i++) {
        if (json_object_get(c, cond_ops[i])) {
            nops++;
            op = i;
        }
    }
    const char *const known_leaf[] = {"field", cond_ops[op < 0 ? 3 : op], NULL};
    if (nops != 1)
        return fail(ld, err, NULL,
                    "a condition has exactly one operator (all, any, not, eq, ne, in, lt, le, "
                    "gt, ge, present); this one has %zu",
                    nops);

    activ_rule_cond rc = {.op = (activ_cond_op)op};
    json_t *arg = json_object_get(c, cond_ops[op]);
    size_t old = push(ld, cond_ops[op]);
    activ_status st = ACTIV_OK;
    if (rc.op == ACTIV_COND_ALL || rc.op == ACTIV_COND_ANY || rc.op == ACTIV_COND_NOT) {
        pop(ld, old);
        const char *const known_group[] = {cond_ops[op], NULL};
        st = only_known(ld, c, known_group, err);
        if (st != ACTIV_OK)
            return st;
        old = push(ld, cond_ops[op]);
        uint32_t kids[64];
        if (rc.op == ACTIV_COND_NOT) {
            st = cond_from_json(ld, arg, &kids[0], err);
            rc.n_kids = 1;
        } else if (!json_is_array(arg) || json_array_size(arg) > sizeof kids / sizeof kids[0]) {
            st = fail(ld, err, NULL, "%s takes an array of at most 64 conditions", cond_ops[op]);
        } else {
            for (size_t i = 0; i < json_array_size(arg) && st == ACTIV_OK; i++) {
                size_t o2 = push_index(ld, i);
                st = cond_from_json(ld, json_array_get(arg, i), &kids[i], err);
                pop(ld, o2);
            }
            rc.n_kids = json_array_size(arg);
        }
        rc.kids = kids;
        if (st == ACTIV_OK && activ_rules_add_cond(ld->rules, &rc, handle, err) != ACTIV_OK)
            st = relay(ld, err, err, NULL);
        pop(ld, old);
        return st;
    }
    pop(ld, old);

    st = only_known(ld, c, known_leaf, err);
    if (st != ACTIV_OK)
        return st;
    int f = json_is_string(field) ? activ_rules_field_find(json_string_value(field)) : -1;
    if (f < 0) {
        char names[256];
        activ_rules_field_list(names, sizeof names);
        old = push(ld, "field");
        st = fail(ld, err, NULL, "field must name a query field: %s", names);
        pop(ld, old);
        return st;
    }
    rc.field = (activ_rq_field)f;
    long values[MAX_IN_VALUES];
    old = push(ld, cond_ops[op]);
    if (rc.op == ACTIV_COND_PRESENT) {
        if (!json_is_boolean(arg))
            st = fail(ld, err, NULL, "present takes true or false");
        rc.value = json_is_true(arg);
    } else if (rc.op == ACTIV_COND_IN) {
        size_t n = json_array_size(arg);
        if (!json_is_array(arg) || n == 0 || n > MAX_IN_VALUES)
            st = fail(ld, err, NULL, "in takes an array of 1 to %d values", MAX_IN_VALUES);
        for (size_t i = 0; i < n && st == ACTIV_OK; i++) {
            size_t o2 = push_index(ld, i);
            st = operand(ld, rc.field, json_array_get(arg, i), &values[i], err);
            pop(ld, o2);
        }
        rc.values = values;
        rc.n_values = n;
    } else {
        st = operand(ld, rc.field, arg, &rc.value, err);
    }
    if (st == ACTIV_OK && activ_rules_add_cond(ld->rules, &rc, handle, err) != ACTIV_OK)
        st = relay(ld, err, err, NULL);
    pop(ld, old);
    return st;
}

/* ---------------------------------------------------------------- actions */

static const char *const action_kinds[] = {"recommend", "prefer", "avoid", "note", NULL};

/* The params of a recommend action, bound to its activation (scalars only). */
static activ_status params_from_json(loader *ld, const activ_catalog_entry *e, json_t *p,
                                     activ_bound_fn *out, activ_error *err)
{
    activ_param_arg args[ACTIV_MAX_PARAMS + 1];
    size_t n = 0;
    if (!json_is_object(p) || json_object_size(p) > ACTIV_MAX_PARAMS)
        return fail(ld, err, NULL,
                    "params is an object of at most %d numbers, like {\"alpha\": "
                    "0.01}",
                    ACTIV_MAX_PARAMS);
    const char *key;
    json_t *v;
    json_object_foreach(p, key, v)
    {
        activ_param_arg a = {.name = key};
        if (json_is_number(v)) {
            a.type = ACTIV_VALUE_NUMBER;
            a.number = json_number_value(v);
        } else if (json_is_string(v)) {
            a.type = ACTIV_VALUE_STRING;
            a.string = json_string_value(v);
        } else if (json_is_boolean(v)) {
            a.type = ACTIV_VALUE_BOOL;
            a.boolean = json_is_true(v);
        } else if (json_is_null(v)) {
            a.type = ACTIV_VALUE_NULL;
        } else {
            size_t old = push(ld, key);
            activ_status st = fail(ld, err, NULL,
                                   "params of a rule are numbers, strings or "
                                   "booleans");
            pop(ld, old);
            return st;
        }
        args[n++] = a;
    }
    activ_error why;
    if (activ_params_bind(e, args, n, out, &why) != ACTIV_OK) {
        /* why.path is "/params/<name>"; ours already ends in /params */
        const char *sub = strncmp(why.path, "/params", 7) == 0 ? why.path + 7 : "";
        return fail(ld, err, sub, "%s", why.message);
    }
    return ACTIV_OK;
}

static activ_status action_from_json(loader *ld, json_t *a, activ_rule_action *out,
                                     activ_bound_fn *params, activ_error *err)
{
    if (!json_is_object(a))
        return fail(ld, err, NULL,
                    "an action is an object: {\"recommend\": NAME, \"weight\": W}, {\"prefer\": "
                    "NAME, \"weight\": W}, {\"avoid\": NAME} or {\"note\": TEXT}");
    int kind = -1;
    size_t nkinds = 0;
    for (int i = 0; action_kinds[i]; i++) {
        if (json_object_get(a, action_kinds[i])) {
            kind = i;
            nkinds++;
        }
    }
    if (nkinds != 1)
        return fail(ld, err, NULL,
                    "an action has exactly one of recommend, prefer, avoid, note; this one has "
                    "%zu",
                    nkinds);
    *out = (activ_rule_action){.kind = (activ_action_kind)kind};
    const char *const known_rec[] = {"recommend", "weight", "params", "text", NULL};
    const char *const known_pref[] = {"prefer", "weight", "text", NULL};
    const char *const known_avoid[] = {"avoid", "text", NULL};
    const char *const known_note[] = {"note", NULL};
    const char *const *known[] = {known_rec, known_pref, known_avoid, known_note};
    activ_status st = only_known(ld, a, known[kind], err);
    if (st != ACTIV_OK)
        return st;

    json_t *arg = json_object_get(a, action_kinds[kind]);
    size_t old = push(ld, action_kinds[kind]);
    if (out->kind == ACTIV_ACT_NOTE) {
        if (!json_is_string(arg))
            st = fail(ld, err, NULL, "note takes a sentence");
        out->text = json_string_value(arg);
        pop(ld, old);
        return st;
    }
    const activ_catalog_entry *e =
        json_is_string(arg) ? activ_catalog_find(json_string_value(arg)) : NULL;
    if (!e) {
        st = json_is_string(arg)
                 ? fail(ld, err, NULL, "unknown activation \"%.60s\" (GET /activations lists them)",
                        json_string_value(arg))
                 : fail(ld, err, NULL, "%s takes an activation name", action_kinds[kind]);
        pop(ld, old);
        return st;
    }
    pop(ld, old);
    out->fn = e->id;

    json_t *w = json_object_get(a, "weight");
    if (out->kind != ACTIV_ACT_AVOID) {
        if (!json_is_number(w)) {
            old = push(ld, "weight");
            st = fail(ld, err, NULL, "%s needs a numeric weight", action_kinds[kind]);
            pop(ld, old);
            return st;
        }
        out->weight = json_number_value(w);
    }
    json_t *p = json_object_get(a, "params");
    if (p) {
        old = push(ld, "params");
        st = params_from_json(ld, e, p, params, err);
        pop(ld, old);
        if (st != ACTIV_OK)
            return st;
        out->params = params;
    }
    json_t *t = json_object_get(a, "text");
    if (t) {
        if (!json_is_string(t)) {
            old = push(ld, "text");
            st = fail(ld, err, NULL, "text is a sentence");
            pop(ld, old);
            return st;
        }
        out->text = json_string_value(t);
    }
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- rules */

static activ_status rule_from_json(loader *ld, json_t *o, activ_error *err)
{
    static const char *const known[] = {"id", "when", "then", "text", "source", NULL};
    ld->rule_id = NULL;
    if (!json_is_object(o))
        return fail(ld, err, NULL, "a rule is an object with id, when, then, text and source");
    json_t *id = json_object_get(o, "id");
    if (json_is_string(id))
        ld->rule_id = json_string_value(id);
    activ_status st = only_known(ld, o, known, err);
    if (st != ACTIV_OK)
        return st;
    for (size_t i = 0; known[i]; i++) {
        json_t *v = json_object_get(o, known[i]);
        bool ok = strcmp(known[i], "when") == 0   ? json_is_object(v)
                  : strcmp(known[i], "then") == 0 ? json_is_array(v)
                                                  : json_is_string(v);
        if (!ok) {
            size_t old = push(ld, known[i]);
            st = fail(ld, err, NULL, "%s is required and must be %s", known[i],
                      strcmp(known[i], "when") == 0   ? "a condition object"
                      : strcmp(known[i], "then") == 0 ? "an array of actions"
                                                      : "a string");
            pop(ld, old);
            return st;
        }
    }

    uint32_t when;
    size_t old = push(ld, "when");
    st = cond_from_json(ld, json_object_get(o, "when"), &when, err);
    pop(ld, old);
    if (st != ACTIV_OK)
        return st;

    json_t *then = json_object_get(o, "then");
    size_t n = json_array_size(then);
    activ_rule_action acts[ACTIV_RULES_MAX_ACTIONS];
    activ_bound_fn params[ACTIV_RULES_MAX_ACTIONS];
    if (n == 0 || n > ACTIV_RULES_MAX_ACTIONS) {
        old = push(ld, "then");
        st = fail(ld, err, NULL, "then holds 1 to %d actions", ACTIV_RULES_MAX_ACTIONS);
        pop(ld, old);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        old = push(ld, "then");
        push_index(ld, i);
        st = action_from_json(ld, json_array_get(then, i), &acts[i], &params[i], err);
        pop(ld, old);
        if (st != ACTIV_OK)
            return st;
    }
    activ_error why;
    st = activ_rules_add(ld->rules, json_string_value(id),
                         json_string_value(json_object_get(o, "text")),
                         json_string_value(json_object_get(o, "source")), when, acts, n, &why);
    return st == ACTIV_OK ? st : relay(ld, err, &why, why.path);
}

/* ---------------------------------------------------------------- files */

activ_status activ_rules_from_json(const char *bytes, size_t len, activ_rules **out,
                                   activ_error *err)
{
    loader ld = {.path = ""};
    if (activ_decode_nesting(bytes, len, MAX_FILE_DEPTH) > MAX_FILE_DEPTH)
        return activ_error_set(err, ACTIV_E_REQUEST, NULL,
                               "the file nests arrays and objects deeper than %d levels",
                               MAX_FILE_DEPTH);
    json_error_t jerr;
    bool nomem;
    activ_decode_watch_allocations();
    json_t *root = activ_decode_load(bytes, len, JSON_REJECT_DUPLICATES, &jerr, &nomem);
    if (!root) {
        if (nomem)
            return activ_error_set(err, ACTIV_E_NOMEM, NULL, "out of memory reading the rules");
        return activ_error_set(err, ACTIV_E_REQUEST, NULL, "invalid JSON at line %d, column %d: %s",
                               jerr.line, jerr.column, jerr.text);
    }
    activ_status st = ACTIV_OK;
    static const char *const known[] = {"version", "description", "rules", NULL};
    json_t *rules = json_object_get(root, "rules");
    json_t *version = json_object_get(root, "version");
    if (!json_is_object(root)) {
        st = fail(&ld, err, NULL, "a rule file is an object: {\"version\": 1, \"rules\": [...]}");
        goto out;
    }
    st = only_known(&ld, root, known, err);
    if (st != ACTIV_OK)
        goto out;
    if (!json_is_integer(version) || json_integer_value(version) != 1) {
        st = fail(&ld, err, "/version", "version must be 1 (the only rule-file format so far)");
        goto out;
    }
    if (json_object_get(root, "description") &&
        !json_is_string(json_object_get(root, "description"))) {
        st = fail(&ld, err, "/description", "description is a string");
        goto out;
    }
    if (!json_is_array(rules) || json_array_size(rules) == 0 ||
        json_array_size(rules) > MAX_RULES) {
        st = fail(&ld, err, "/rules", "rules is an array of 1 to %d rules", MAX_RULES);
        goto out;
    }
    ld.rules = activ_rules_new();
    if (!ld.rules) {
        st = activ_error_set(err, ACTIV_E_NOMEM, NULL, "out of memory for the rules");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(rules) && st == ACTIV_OK; i++) {
        size_t old = push(&ld, "rules");
        push_index(&ld, i);
        st = rule_from_json(&ld, json_array_get(rules, i), err);
        pop(&ld, old);
    }
out:
    json_decref(root);
    if (st != ACTIV_OK) {
        activ_rules_free(ld.rules);
        return st;
    }
    *out = ld.rules;
    return ACTIV_OK;
}

activ_status activ_rules_builtin(activ_rules **out, activ_error *err)
{
    activ_error why;
    activ_status st = activ_rules_from_json((const char *)activ_rules_default_json,
                                            activ_rules_default_json_len, out, &why);
    if (st == ACTIV_E_NOMEM || st == ACTIV_OK) {
        if (st != ACTIV_OK)
            *err = why;
        return st;
    }
    /* The built-in file is checked by the tests; a fault here is a build that skipped them. */
    return activ_error_set(err, st, why.path, "built-in rules: %s", why.message);
}
