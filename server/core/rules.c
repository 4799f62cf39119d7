/* rules.c -- the rule engine: query fields, rule sets, matching, ranking and texts (core) */
#include "activ/rules.h"

#include "activ/math.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- query fields */

static const char *const w_layer[] = {"hidden", "output", NULL};
static const char *const w_task[] = {"binary_classification", "multiclass", "multilabel",
                                     "regression", NULL};
static const char *const w_range[] = {"unbounded", "positive", "unit_interval", "symmetric_unit",
                                      NULL};
static const char *const w_arch[] = {"mlp", "cnn", "rnn", "transformer", NULL};
static const char *const w_compute[] = {"normal", "low", NULL};

/* Deeper than any network trained so far by two orders of magnitude; beyond it, 0.25^depth
 * and the like are 0 in binary64 anyway. */
#define DEPTH_MAX 10000L

#define ENUM(w, d) .type = ACTIV_RQ_ENUM, .words = (w), .def = (d)
#define BOOL       .type = ACTIV_RQ_BOOL, .lo = 0, .hi = 1, .def = -1

static const activ_rq_field_spec fields[] = {
    [ACTIV_RQ_LAYER] = {.name = "layer",
                        ENUM(w_layer, 0),
                        .doc = "Where the activation goes: a hidden layer or the output layer."},
    [ACTIV_RQ_TASK] = {.name = "task",
                       ENUM(w_task, -1),
                       .doc = "What the network predicts: one yes/no, one of many classes, any "
                              "number of labels, or real values."},
    [ACTIV_RQ_EXCLUSIVE] = {.name = "exclusive",
                            BOOL,
                            .doc = "Whether the classes are mutually exclusive (exactly one is "
                                   "true)."},
    [ACTIV_RQ_OUTPUT_RANGE] = {.name = "output_range",
                               ENUM(w_range, -1),
                               .doc = "The range the outputs must lie in: any real, > 0, [0, 1] "
                                      "or [-1, 1]."},
    [ACTIV_RQ_DEPTH] = {.name = "depth",
                        .type = ACTIV_RQ_INT,
                        .lo = 1,
                        .hi = DEPTH_MAX,
                        .def = -1,
                        .doc = "How many layers the network stacks (1 to 10000)."},
    [ACTIV_RQ_BATCH_NORM] = {.name = "batch_norm",
                             BOOL,
                             .doc = "Whether the layers use batch normalization."},
    [ACTIV_RQ_DEAD_NEURONS] = {.name = "dead_neurons",
                               BOOL,
                               .doc = "Whether many ReLU units have stopped learning (their "
                                      "output is 0 for every input)."},
    [ACTIV_RQ_HIGH_LEARNING_RATE] = {.name = "high_learning_rate",
                                     BOOL,
                                     .doc = "Whether training uses a learning rate high enough "
                                            "to push units into their dead region."},
    [ACTIV_RQ_VANISHING_GRADIENTS] = {.name = "vanishing_gradients",
                                      BOOL,
                                      .doc = "Whether the early layers' gradients are observed "
                                             "to shrink towards 0."},
    [ACTIV_RQ_ARCHITECTURE] = {.name = "architecture",
                               ENUM(w_arch, -1),
                               .doc = "The kind of network: multilayer perceptron, "
                                      "convolutional, recurrent, or transformer."},
    [ACTIV_RQ_COMPUTE] = {.name = "compute",
                          ENUM(w_compute, -1),
                          .doc = "The compute budget per activation: normal, or low (mobile, "
                                 "embedded, quantized)."},
    [ACTIV_RQ_SELF_NORMALIZING] = {.name = "self_normalizing",
                                   BOOL,
                                   .doc = "Whether the network should keep its activations "
                                          "normalized by itself, without normalization "
                                          "layers."},
};
_Static_assert(sizeof fields / sizeof fields[0] == ACTIV_RQ_COUNT, "one spec per field");

const activ_rq_field_spec *activ_rules_field(activ_rq_field f)
{
    ACTIV_ASSERT((unsigned)f < ACTIV_RQ_COUNT);
    return &fields[f];
}

int activ_rules_field_find(const char *name)
{
    for (int f = 0; f < ACTIV_RQ_COUNT; f++) {
        if (strcmp(fields[f].name, name) == 0)
            return f;
    }
    return -1;
}

void activ_rules_field_list(char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int f = 0; f < ACTIV_RQ_COUNT && used < n; f++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", f ? ", " : "", fields[f].name);
}

static long word_count(activ_rq_field f)
{
    long n = 0;
    while (fields[f].words[n])
        n++;
    return n;
}

long activ_rules_word_find(activ_rq_field f, const char *word)
{
    if (fields[f].type != ACTIV_RQ_ENUM)
        return -1;
    for (long i = 0; fields[f].words[i]; i++) {
        if (strcmp(fields[f].words[i], word) == 0)
            return i;
    }
    return -1;
}

void activ_rules_query_init(activ_rules_query *q)
{
    memset(q, 0, sizeof *q);
}

void activ_rules_query_defaults(activ_rules_query *q)
{
    for (int f = 0; f < ACTIV_RQ_COUNT; f++) {
        if (fields[f].def >= 0 && !(q->present & (1u << f))) {
            q->present |= 1u << f;
            q->value[f] = fields[f].def;
        }
    }
}

bool activ_rules_query_has(const activ_rules_query *q, activ_rq_field f)
{
    return (q->present & (1u << f)) != 0;
}

/* Whether v is a value of field f. */
static bool in_domain(activ_rq_field f, long v)
{
    switch (fields[f].type) {
        case ACTIV_RQ_ENUM:
            return v >= 0 && v < word_count(f);
        case ACTIV_RQ_BOOL:
        case ACTIV_RQ_INT:
            return v >= fields[f].lo && v <= fields[f].hi;
    }
    return false;
}

/* "one of a, b, c" for an ENUM field; "true or false"; "an integer from lo to hi". */
static void describe_domain(activ_rq_field f, char *buf, size_t n)
{
    const activ_rq_field_spec *s = &fields[f];
    switch (s->type) {
        case ACTIV_RQ_ENUM: {
            size_t used = (size_t)snprintf(buf, n, "one of");
            for (long i = 0; s->words[i] && used < n; i++)
                used += (size_t)snprintf(buf + used, n - used, "%s %s", i ? "," : "", s->words[i]);
            break;
        }
        case ACTIV_RQ_BOOL:
            snprintf(buf, n, "true or false");
            break;
        case ACTIV_RQ_INT:
            snprintf(buf, n, "an integer from %ld to %ld", s->lo, s->hi);
            break;
    }
}

activ_status activ_rules_query_set(activ_rules_query *q, activ_rq_field f, long v, activ_error *err)
{
    ACTIV_ASSERT((unsigned)f < ACTIV_RQ_COUNT);
    if (!in_domain(f, v)) {
        char path[64], dom[160];
        snprintf(path, sizeof path, "/%s", fields[f].name);
        describe_domain(f, dom, sizeof dom);
        return activ_error_set(err, ACTIV_E_REQUEST, path, "%s must be %s", fields[f].name, dom);
    }
    q->present |= 1u << f;
    q->value[f] = v;
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- the rule set */

typedef struct cond_node {
    activ_cond_op op;
    activ_rq_field field;
    long value;
    size_t first, n; /* IN: operands in longs[]; ALL ANY NOT: handles in kids[] */
    unsigned depth;  /* 1 for a leaf */
} cond_node;

typedef struct action {
    activ_rule_action pub; /* its pointers point at params and text below */
    activ_bound_fn params;
    char *text;
} action_rec;

typedef struct rule {
    char *id, *text, *source;
    uint32_t when;
    size_t first_action, n_actions;
} rule_rec;

struct activ_rules {
    cond_node *conds;
    size_t n_conds, cap_conds;
    long *longs;
    size_t n_longs, cap_longs;
    uint32_t *kids;
    size_t n_kids, cap_kids;
    rule_rec *rules;
    size_t n_rules, cap_rules;
    action_rec *actions;
    size_t n_actions, cap_actions;
};

/* Makes room for `more` elements of `size` bytes in *p (holding *len of *cap); false when
 * out of memory or the count would overflow. */
static bool reserve(void **p, size_t *cap, size_t len, size_t more, size_t size)
{
    if (more <= *cap - len)
        return true;
    size_t want = *cap ? *cap : 8, bytes;
    while (want - len < more) {
        if (want > SIZE_MAX / 2)
            return false;
        want *= 2;
    }
    if (!activ_size_mul(want, size, &bytes))
        return false;
    void *grown = realloc(*p, bytes);
    if (!grown)
        return false;
    *p = grown;
    *cap = want;
    return true;
}

#define RESERVE(r, arr, more)                                                                      \
    reserve((void **)&(r)->arr, &(r)->cap_##arr, (r)->n_##arr, (more), sizeof *(r)->arr)

activ_rules *activ_rules_new(void)
{
    return calloc(1, sizeof(activ_rules));
}

void activ_rules_free(activ_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_rules; i++) {
        free(r->rules[i].id);
        free(r->rules[i].text);
        free(r->rules[i].source);
    }
    for (size_t i = 0; i < r->n_actions; i++)
        free(r->actions[i].text);
    free(r->conds);
    free(r->longs);
    free(r->kids);
    free(r->rules);
    free(r->actions);
    free(r);
}

static bool is_comparison(activ_cond_op op)
{
    return op >= ACTIV_COND_EQ && op <= ACTIV_COND_GE;
}

static const char *op_name(activ_cond_op op)
{
    static const char *const names[] = {"all", "any", "not", "eq", "ne",     "in",
                                        "lt",  "le",  "gt",  "ge", "present"};
    return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}

activ_status activ_rules_add_cond(activ_rules *r, const activ_rule_cond *c, uint32_t *handle,
                                  activ_error *err)
{
    cond_node node = {.op = c->op, .field = c->field, .value = c->value, .depth = 1};
    if (c->op == ACTIV_COND_ALL || c->op == ACTIV_COND_ANY || c->op == ACTIV_COND_NOT) {
        if (c->op == ACTIV_COND_NOT && c->n_kids != 1)
            return activ_error_set(err, ACTIV_E_REQUEST, "", "not takes exactly one condition");
        for (size_t i = 0; i < c->n_kids; i++) {
            if (c->kids[i] >= r->n_conds)
                return activ_error_set(err, ACTIV_E_REQUEST, "", "no condition %u",
                                       (unsigned)c->kids[i]);
            if (r->conds[c->kids[i]].depth + 1 > node.depth)
                node.depth = r->conds[c->kids[i]].depth + 1;
        }
        if (node.depth > ACTIV_RULES_MAX_DEPTH)
            return activ_error_set(err, ACTIV_E_REQUEST, "",
                                   "conditions nest deeper than %d levels", ACTIV_RULES_MAX_DEPTH);
        if (!RESERVE(r, kids, c->n_kids) || !RESERVE(r, conds, 1))
            return activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory for the rules");
        node.first = r->n_kids;
        node.n = c->n_kids;
        if (c->n_kids > 0)
            memcpy(r->kids + r->n_kids, c->kids, c->n_kids * sizeof *c->kids);
        r->n_kids += c->n_kids;
    } else {
        if ((unsigned)c->field >= ACTIV_RQ_COUNT)
            return activ_error_set(err, ACTIV_E_REQUEST, "", "no field %d", (int)c->field);
        const activ_rq_field_spec *s = &fields[c->field];
        if (c->op >= ACTIV_COND_LT && c->op <= ACTIV_COND_GE && s->type != ACTIV_RQ_INT)
            return activ_error_set(err, ACTIV_E_REQUEST, "",
                                   "%s compares numbers, and %s is not a number", op_name(c->op),
                                   s->name);
        if (c->op == ACTIV_COND_PRESENT && c->value != 0 && c->value != 1)
            return activ_error_set(err, ACTIV_E_REQUEST, "", "present takes true or false");
        if ((c->op == ACTIV_COND_EQ || c->op == ACTIV_COND_NE) && !in_domain(c->field, c->value)) {
            char dom[160];
            describe_domain(c->field, dom, sizeof dom);
            return activ_error_set(err, ACTIV_E_REQUEST, "", "%s must be compared with %s", s->name,
                                   dom);
        }
        if (c->op == ACTIV_COND_IN) {
            if (c->n_values == 0)
                return activ_error_set(err, ACTIV_E_REQUEST, "", "in needs at least one value");
            for (size_t i = 0; i < c->n_values; i++) {
                if (!in_domain(c->field, c->values[i])) {
                    char dom[160];
                    describe_domain(c->field, dom, sizeof dom);
                    return activ_error_set(err, ACTIV_E_REQUEST, "", "the values of %s must be %s",
                                           s->name, dom);
                }
            }
            if (!RESERVE(r, longs, c->n_values))
                return activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory for the rules");
            node.first = r->n_longs;
            node.n = c->n_values;
            memcpy(r->longs + r->n_longs, c->values, c->n_values * sizeof *c->values);
            r->n_longs += c->n_values;
        } else if (!is_comparison(c->op) && c->op != ACTIV_COND_PRESENT) {
            return activ_error_set(err, ACTIV_E_REQUEST, "", "no operator %d", (int)c->op);
        }
        if (!RESERVE(r, conds, 1))
            return activ_error_set(err, ACTIV_E_NOMEM, "", "out of memory for the rules");
    }
    if (r->n_conds >= UINT32_MAX)
        return activ_error_set(err, ACTIV_E_NOMEM, "", "too many conditions");
    r->conds[r->n_conds] = node;
    *handle = (uint32_t)r->n_conds++;
    return ACTIV_OK;
}

/* Whether condition h holds only when field f is present (so a text may show {f}). */
static bool requires_field(const activ_rules *r, uint32_t h, activ_rq_field f)
{
    const cond_node *c = &r->conds[h];
    switch (c->op) {
        case ACTIV_COND_ALL:
            for (size_t i = 0; i < c->n; i++) {
                if (requires_field(r, r->kids[c->first + i], f))
                    return true;
            }
            return false;
        case ACTIV_COND_ANY:
            for (size_t i = 0; i < c->n; i++) {
                if (!requires_field(r, r->kids[c->first + i], f))
                    return false;
            }
            return c->n > 0;
        case ACTIV_COND_NOT:
            return false;
        case ACTIV_COND_PRESENT:
            return c->field == f && c->value == 1;
        default:
            return c->field == f;
    }
}

static bool holds(const activ_rules *r, uint32_t h, const activ_rules_query *q)
{
    const cond_node *c = &r->conds[h];
    switch (c->op) {
        case ACTIV_COND_ALL:
            for (size_t i = 0; i < c->n; i++) {
                if (!holds(r, r->kids[c->first + i], q))
                    return false;
            }
            return true;
        case ACTIV_COND_ANY:
            for (size_t i = 0; i < c->n; i++) {
                if (holds(r, r->kids[c->first + i], q))
                    return true;
            }
            return false;
        case ACTIV_COND_NOT:
            return !holds(r, r->kids[c->first], q);
        case ACTIV_COND_PRESENT:
            return activ_rules_query_has(q, c->field) == (c->value == 1);
        default:
            break;
    }
    if (!activ_rules_query_has(q, c->field))
        return false;
    long v = q->value[c->field];
    switch (c->op) {
        case ACTIV_COND_EQ:
            return v == c->value;
        case ACTIV_COND_NE:
            return v != c->value;
        case ACTIV_COND_LT:
            return v < c->value;
        case ACTIV_COND_LE:
            return v <= c->value;
        case ACTIV_COND_GT:
            return v > c->value;
        case ACTIV_COND_GE:
            return v >= c->value;
        case ACTIV_COND_IN:
            for (size_t i = 0; i < c->n; i++) {
                if (r->longs[c->first + i] == v)
                    return true;
            }
            return false;
        default:
            return false;
    }
}

/* ---------------------------------------------------------------- texts and placeholders */

typedef enum ph_kind { PH_FIELD, PH_MAXGRAD, PH_MAXGRAD_POW, PH_DF, PH_F, PH_RANGE } ph_kind;

typedef struct placeholder {
    ph_kind kind;
    activ_rq_field field; /* FIELD; MAXGRAD_POW: the exponent */
    const activ_catalog_entry *fn;
    double x;
    double p[ACTIV_MAX_PARAMS]; /* DF, F: fn's default parameters */
} placeholder;

/* Parses the placeholder between braces, s[0..len). Returns false with a message in err. */
static bool parse_placeholder(const char *s, size_t len, placeholder *ph, activ_error *err)
{
    char buf[96];
    if (len == 0 || len >= sizeof buf) {
        activ_error_set(err, ACTIV_E_REQUEST, NULL, "placeholder {%.*s} is not one activ knows",
                        (int)(len < 60 ? len : 60), s);
        return false;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *colon = strchr(buf, ':');
    if (!colon) {
        int f = activ_rules_field_find(buf);
        if (f < 0) {
            activ_error_set(err, ACTIV_E_REQUEST, NULL,
                            "placeholder {%s} names no query field (like {depth})", buf);
            return false;
        }
        *ph = (placeholder){.kind = PH_FIELD, .field = (activ_rq_field)f};
        return true;
    }
    *colon = '\0';
    char *arg = colon + 1;
    if (strcmp(buf, "maxgrad") == 0) {
        char *caret = strchr(arg, '^');
        if (caret)
            *caret = '\0';
        ph->kind = caret ? PH_MAXGRAD_POW : PH_MAXGRAD;
        ph->fn = activ_catalog_find(arg);
        if (!ph->fn) {
            activ_error_set(err, ACTIV_E_REQUEST, NULL,
                            "placeholder {maxgrad:%s}: unknown activation \"%s\"", arg, arg);
            return false;
        }
        if (!isfinite(ph->fn->max_abs_grad)) {
            activ_error_set(err, ACTIV_E_REQUEST, NULL,
                            "placeholder {maxgrad:%s}: %s has no finite bound on |f'|", arg,
                            ph->fn->name);
            return false;
        }
        if (caret) {
            int f = activ_rules_field_find(caret + 1);
            if (f < 0 || fields[f].type != ACTIV_RQ_INT) {
                activ_error_set(err, ACTIV_E_REQUEST, NULL,
                                "placeholder {maxgrad:%s^%s}: the exponent must be an integer "
                                "field, like depth",
                                arg, caret + 1);
                return false;
            }
            ph->field = (activ_rq_field)f;
        }
        return true;
    }
    if (strcmp(buf, "range") == 0) {
        ph->kind = PH_RANGE;
        ph->fn = activ_catalog_find(arg);
        if (!ph->fn) {
            activ_error_set(err, ACTIV_E_REQUEST, NULL,
                            "placeholder {range:%s}: unknown activation \"%s\"", arg, arg);
            return false;
        }
        return true;
    }
    if (strcmp(buf, "df") == 0 || strcmp(buf, "f") == 0) {
        ph->kind = buf[0] == 'd' ? PH_DF : PH_F;
        char *at = strchr(arg, ':');
        char *end = NULL;
        if (at) {
            *at = '\0';
            ph->x = strtod(at + 1, &end);
        }
        ph->fn = activ_catalog_find(arg);
        if (!ph->fn || ph->fn->id >= ACTIV_FN_FIRST_ROWWISE || !at || end == at + 1 ||
            *end != '\0' || !isfinite(ph->x)) {
            activ_error_set(err, ACTIV_E_REQUEST, NULL,
                            "placeholder {%s:%s%s%s} must be {%s:NAME:X} with NAME an "
                            "elementwise activation and X a number",
                            buf, arg, at ? ":" : "", at ? at + 1 : "", buf);
            return false;
        }
        activ_bound_fn b;
        activ_error why;
        if (activ_params_bind(ph->fn, NULL, 0, &b, &why) != ACTIV_OK) {
            activ_error_set(err, ACTIV_E_REQUEST, NULL, "placeholder {%s:%s:...}: %s", buf, arg,
                            why.message);
            return false;
        }
        memcpy(ph->p, b.p, sizeof ph->p);
        return true;
    }
    activ_error_set(err, ACTIV_E_REQUEST, NULL,
                    "placeholder {%s:...} is not one activ knows (maxgrad, df, f, range)", buf);
    return false;
}

/* Appends s[0..len) to buf (capacity n, *used so far, counting past n like snprintf). */
static void put(char *buf, size_t n, size_t *used, const char *s, size_t len)
{
    if (*used < n) {
        size_t room = n - *used - 1;
        memcpy(buf + *used, s, len < room ? len : room);
    }
    *used += len;
}

static void put_number(char *buf, size_t n, size_t *used, int digits, double v)
{
    char tmp[48];
    int len = snprintf(tmp, sizeof tmp, "%.*g", digits, v);
    put(buf, n, used, tmp, (size_t)len);
}

/* Writes the value of a placeholder for query q. */
static void put_placeholder(const placeholder *ph, const activ_rules_query *q, char *buf, size_t n,
                            size_t *used)
{
    char tmp[48];
    switch (ph->kind) {
        case PH_FIELD: {
            const activ_rq_field_spec *s = &fields[ph->field];
            long v = q->value[ph->field];
            if (s->type == ACTIV_RQ_ENUM)
                snprintf(tmp, sizeof tmp, "%s", s->words[v]);
            else if (s->type == ACTIV_RQ_BOOL)
                snprintf(tmp, sizeof tmp, "%s", v ? "true" : "false");
            else
                snprintf(tmp, sizeof tmp, "%ld", v);
            put(buf, n, used, tmp, strlen(tmp));
            return;
        }
        case PH_MAXGRAD:
            put_number(buf, n, used, 4, ph->fn->max_abs_grad);
            return;
        case PH_RANGE:
            put(buf, n, used, ph->fn->range, strlen(ph->fn->range));
            return;
        case PH_MAXGRAD_POW:
            put_number(buf, n, used, 3, pow(ph->fn->max_abs_grad, (double)q->value[ph->field]));
            return;
        case PH_DF:
        case PH_F: {
            double v = ph->kind == PH_DF ? activ_math_df(ph->fn->id, ph->p, ph->x)
                                         : activ_math_f(ph->fn->id, ph->p, ph->x);
            put_number(buf, n, used, 3, v);
            return;
        }
    }
}

/* Walks a text: checks its placeholders against rule condition `when` (q == NULL), or renders
 * it for q into buf. Returns the rendered length, or SIZE_MAX with err filled when checking
 * finds a fault. */
static size_t walk_text(const activ_rules *r, const char *text, uint32_t when,
                        const activ_rules_query *q, char *buf, size_t n, activ_error *err)
{
    size_t used = 0;
    const char *s = text;
    while (*s) {
        const char *brace = strpbrk(s, "{}");
        if (!brace) {
            put(buf, n, &used, s, strlen(s));
            break;
        }
        put(buf, n, &used, s, (size_t)(brace - s));
        if (brace[0] == brace[1]) { /* "{{" or "}}" */
            put(buf, n, &used, brace, 1);
            s = brace + 2;
            continue;
        }
        const char *close = brace[0] == '{' ? strpbrk(brace + 1, "{}") : NULL;
        if (!close || *close != '}') {
            activ_error_set(err, ACTIV_E_REQUEST, NULL,
                            "a lone \"%c\": write {{ or }} for a literal brace", brace[0]);
            return SIZE_MAX;
        }
        placeholder ph;
        if (!parse_placeholder(brace + 1, (size_t)(close - brace - 1), &ph, err))
            return SIZE_MAX;
        if (!q) {
            bool needs = ph.kind == PH_FIELD || ph.kind == PH_MAXGRAD_POW;
            if (needs && !requires_field(r, when, ph.field)) {
                activ_error_set(err, ACTIV_E_REQUEST, NULL,
                                "the text shows {%s}, but the rule's condition does not require "
                                "%s to be given",
                                fields[ph.field].name, fields[ph.field].name);
                return SIZE_MAX;
            }
        } else {
            put_placeholder(&ph, q, buf, n, &used);
        }
        s = close + 1;
    }
    if (n > 0)
        buf[used < n ? used : n - 1] = '\0';
    return used;
}

static activ_status check_text(const activ_rules *r, const char *text, uint32_t when,
                               const char *path, const char *what, activ_error *err)
{
    if (strlen(text) > ACTIV_RULES_MAX_TEXT)
        return activ_error_set(err, ACTIV_E_REQUEST, path, "the %s is longer than %d bytes", what,
                               ACTIV_RULES_MAX_TEXT);
    if (text[0] == '\0')
        return activ_error_set(err, ACTIV_E_REQUEST, path, "the %s is empty", what);
    activ_error e;
    if (walk_text(r, text, when, NULL, NULL, 0, &e) == SIZE_MAX)
        return activ_error_set(err, ACTIV_E_REQUEST, path, "%s", e.message);
    return ACTIV_OK;
}

static bool valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* Checks action i of a rule; for a RECOMMEND, stores in *bound the parameters it will use
 * (its own, or the function's defaults). */
static activ_status check_action(const activ_rules *r, const activ_rule_action *a, uint32_t when,
                                 size_t i, activ_bound_fn *bound, activ_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "/then/%zu", i);
    if (a->kind == ACTIV_ACT_NOTE) {
        if (!a->text)
            return activ_error_set(err, ACTIV_E_REQUEST, path, "a note needs its text");
    } else if ((unsigned)a->fn >= ACTIV_FN_COUNT) {
        return activ_error_set(err, ACTIV_E_REQUEST, path, "no activation %d", (int)a->fn);
    }
    if (a->kind == ACTIV_ACT_RECOMMEND || a->kind == ACTIV_ACT_PREFER) {
        bool ok = isfinite(a->weight) && fabs(a->weight) <= 1000.0 &&
                  (a->kind == ACTIV_ACT_PREFER || a->weight > 0.0);
        if (!ok) {
            snprintf(path, sizeof path, "/then/%zu/weight", i);
            return activ_error_set(err, ACTIV_E_REQUEST, path,
                                   a->kind == ACTIV_ACT_RECOMMEND
                                       ? "the weight of recommend must be > 0 and <= 1000"
                                       : "the weight of prefer must be between -1000 and 1000");
        }
    }
    if (a->kind == ACTIV_ACT_RECOMMEND && !a->params) {
        activ_error e;
        if (activ_params_bind(activ_catalog_get(a->fn), NULL, 0, bound, &e) != ACTIV_OK) {
            snprintf(path, sizeof path, "/then/%zu", i);
            return activ_error_set(err, ACTIV_E_REQUEST, path, "recommending %s needs params: %s",
                                   activ_catalog_get(a->fn)->name, e.message);
        }
    }
    if (a->params) {
        snprintf(path, sizeof path, "/then/%zu/params", i);
        const activ_bound_fn *p = a->params;
        if (a->kind != ACTIV_ACT_RECOMMEND)
            return activ_error_set(err, ACTIV_E_REQUEST, path, "only recommend takes params");
        if (!p->entry || p->entry->id != a->fn || p->alpha || p->weights || p->bias)
            return activ_error_set(err, ACTIV_E_REQUEST, path,
                                   "params of a rule must be numbers bound to the activation it "
                                   "names (no per-feature alpha, no maxout weights)");
    }
    if (a->text) {
        snprintf(path, sizeof path, "/then/%zu/text", i);
        return check_text(r, a->text, when, path, "text", err);
    }
    return ACTIV_OK;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

activ_status activ_rules_add(activ_rules *r, const char *id, const char *text, const char *source,
                             uint32_t when, const activ_rule_action *actions, size_t n,
                             activ_error *err)
{
    if (!valid_id(id))
        return activ_error_set(err, ACTIV_E_REQUEST, "/id",
                               "a rule id is 1 to 64 characters of a-z, 0-9, _ and -");
    if (activ_rules_find(r, id) >= 0)
        return activ_error_set(err, ACTIV_E_REQUEST, "/id", "rule id \"%s\" is used twice", id);
    if (when >= r->n_conds)
        return activ_error_set(err, ACTIV_E_REQUEST, "/when", "no condition %u", (unsigned)when);
    if (source[0] == '\0' || strlen(source) > 200)
        return activ_error_set(err, ACTIV_E_REQUEST, "/source",
                               "the source is 1 to 200 bytes: a seed section or a paper");
    activ_status st = check_text(r, text, when, "/text", "text", err);
    if (st != ACTIV_OK)
        return st;
    if (n == 0 || n > ACTIV_RULES_MAX_ACTIONS)
        return activ_error_set(err, ACTIV_E_REQUEST, "/then", "a rule has 1 to %d actions",
                               ACTIV_RULES_MAX_ACTIONS);
    activ_bound_fn bound[ACTIV_RULES_MAX_ACTIONS];
    for (size_t i = 0; i < n; i++) {
        if (actions[i].params)
            bound[i] = *actions[i].params;
        st = check_action(r, &actions[i], when, i, &bound[i], err);
        if (st != ACTIV_OK)
            return st;
    }
    if (!RESERVE(r, rules, 1) || !RESERVE(r, actions, n))
        return activ_error_set(err, ACTIV_E_NOMEM, NULL, "out of memory for the rules");

    rule_rec ru = {.when = when, .first_action = r->n_actions, .n_actions = n};
    ru.id = dup_str(id);
    ru.text = dup_str(text);
    ru.source = dup_str(source);
    action_rec *acts = r->actions + r->n_actions;
    bool ok = ru.id && ru.text && ru.source;
    size_t made = 0;
    for (; ok && made < n; made++) {
        action_rec *a = &acts[made];
        memset(a, 0, sizeof *a);
        a->pub = actions[made];
        if (a->pub.kind == ACTIV_ACT_RECOMMEND) {
            a->params = bound[made];
            a->pub.params = &a->params;
        }
        a->text = actions[made].text ? dup_str(actions[made].text) : NULL;
        if (actions[made].text && !a->text)
            ok = false;
    }
    if (!ok) {
        for (size_t i = 0; i < made; i++)
            free(acts[i].text);
        free(ru.id);
        free(ru.text);
        free(ru.source);
        return activ_error_set(err, ACTIV_E_NOMEM, NULL, "out of memory for the rules");
    }
    r->n_actions += n;
    r->rules[r->n_rules++] = ru;
    /* The public views point at the copies; the array may have moved, so re-point them all. */
    for (size_t i = 0; i < r->n_actions; i++) {
        action_rec *a = &r->actions[i];
        if (a->pub.params)
            a->pub.params = &a->params;
        a->pub.text = a->text;
    }
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- reading */

size_t activ_rules_count(const activ_rules *r)
{
    return r->n_rules;
}

const char *activ_rules_id(const activ_rules *r, size_t rule)
{
    ACTIV_ASSERT(rule < r->n_rules);
    return r->rules[rule].id;
}

const char *activ_rules_source(const activ_rules *r, size_t rule)
{
    ACTIV_ASSERT(rule < r->n_rules);
    return r->rules[rule].source;
}

size_t activ_rules_action_count(const activ_rules *r, size_t rule)
{
    ACTIV_ASSERT(rule < r->n_rules);
    return r->rules[rule].n_actions;
}

const activ_rule_action *activ_rules_action(const activ_rules *r, size_t rule, size_t i)
{
    ACTIV_ASSERT(rule < r->n_rules && i < r->rules[rule].n_actions);
    return &r->actions[r->rules[rule].first_action + i].pub;
}

long activ_rules_find(const activ_rules *r, const char *id)
{
    for (size_t i = 0; i < r->n_rules; i++) {
        if (strcmp(r->rules[i].id, id) == 0)
            return (long)i;
    }
    return -1;
}

size_t activ_rules_render(const activ_rules *r, size_t rule, size_t action,
                          const activ_rules_query *q, char *buf, size_t n)
{
    ACTIV_ASSERT(rule < r->n_rules);
    const rule_rec *ru = &r->rules[rule];
    const char *text = ru->text;
    if (action != SIZE_MAX) {
        ACTIV_ASSERT(action < ru->n_actions);
        const char *own = r->actions[ru->first_action + action].text;
        if (own)
            text = own;
    }
    activ_error ignored;
    size_t len = walk_text(r, text, ru->when, q, buf, n, &ignored);
    return len == SIZE_MAX ? 0 : len; /* checked at load: cannot fail here */
}

/* ---------------------------------------------------------------- matching */

activ_status activ_rules_match(const activ_rules *r, const activ_rules_query *q,
                               activ_recommendation *out, activ_error *err)
{
    memset(out, 0, sizeof *out);
    if (r->n_rules > 0) {
        out->fired = malloc(r->n_rules * sizeof *out->fired);
        out->hits = malloc(r->n_actions * sizeof *out->hits);
        if (!out->fired || !out->hits) {
            activ_recommendation_fini(out);
            return activ_error_set(err, ACTIV_E_NOMEM, NULL, "out of memory for the answer");
        }
    }
    for (size_t i = 0; i < r->n_rules; i++) {
        if (holds(r, r->rules[i].when, q))
            out->fired[out->n_fired++] = (uint32_t)i;
    }

    /* First pass: which functions some RECOMMEND names (the candidates), where it first
     * does, and which are avoided. */
    size_t first[ACTIV_FN_COUNT];
    bool avoided[ACTIV_FN_COUNT] = {false};
    double score[ACTIV_FN_COUNT] = {0.0};
    const activ_bound_fn *params[ACTIV_FN_COUNT] = {NULL};
    for (size_t f = 0; f < ACTIV_FN_COUNT; f++)
        first[f] = SIZE_MAX;
    for (size_t k = 0; k < out->n_fired; k++) {
        const rule_rec *ru = &r->rules[out->fired[k]];
        for (size_t j = 0; j < ru->n_actions; j++) {
            const activ_rule_action *a = &r->actions[ru->first_action + j].pub;
            size_t at = ru->first_action + j;
            if (a->kind == ACTIV_ACT_RECOMMEND && first[a->fn] == SIZE_MAX) {
                first[a->fn] = at;
                params[a->fn] = a->params;
            } else if (a->kind == ACTIV_ACT_AVOID && !avoided[a->fn]) {
                avoided[a->fn] = true;
                out->avoid[out->n_avoid++] = a->fn;
            }
        }
    }

    /* Second pass, in rule order: what takes effect, and the scores. */
    for (size_t k = 0; k < out->n_fired; k++) {
        const rule_rec *ru = &r->rules[out->fired[k]];
        for (size_t j = 0; j < ru->n_actions; j++) {
            const activ_rule_action *a = &r->actions[ru->first_action + j].pub;
            bool counts = a->kind == ACTIV_ACT_RECOMMEND ||
                          (a->kind == ACTIV_ACT_PREFER && first[a->fn] != SIZE_MAX);
            if (counts)
                score[a->fn] += a->weight;
            if (counts || a->kind == ACTIV_ACT_AVOID || a->kind == ACTIV_ACT_NOTE)
                out->hits[out->n_hits++] = (activ_rec_hit){out->fired[k], (uint32_t)j};
        }
    }

    /* Rank: insertion sort of at most ACTIV_FN_COUNT candidates, by score, then by where
     * their first RECOMMEND stands. */
    for (size_t f = 0; f < ACTIV_FN_COUNT; f++) {
        if (first[f] == SIZE_MAX || avoided[f])
            continue;
        activ_rec_candidate c = {(activ_fn_id)f, score[f], params[f]};
        size_t i = out->n_ranked++;
        while (i > 0) {
            const activ_rec_candidate *p = &out->ranked[i - 1];
            bool before = c.score > p->score || (c.score == p->score && first[f] < first[p->fn]);
            if (!before)
                break;
            out->ranked[i] = *p;
            i--;
        }
        out->ranked[i] = c;
    }
    return ACTIV_OK;
}

void activ_recommendation_fini(activ_recommendation *rec)
{
    if (!rec)
        return;
    free(rec->fired);
    free(rec->hits);
    memset(rec, 0, sizeof *rec);
}
