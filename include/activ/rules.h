/* rules.h -- the rule engine behind /recommend: queries, rule sets, matching, ranking, texts */
#ifndef ACTIV_RULES_H
#define ACTIV_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "activ/catalog.h"
#include "activ/params.h"
#include "activ/status.h"

/* ---------------------------------------------------------------- the query */

/* The fields of a /recommend query (SPEC section 2), in the order answers list them. */
typedef enum activ_rq_field {
    ACTIV_RQ_LAYER,
    ACTIV_RQ_TASK,
    ACTIV_RQ_EXCLUSIVE,
    ACTIV_RQ_OUTPUT_RANGE,
    ACTIV_RQ_DEPTH,
    ACTIV_RQ_BATCH_NORM,
    ACTIV_RQ_DEAD_NEURONS,
    ACTIV_RQ_HIGH_LEARNING_RATE,
    ACTIV_RQ_VANISHING_GRADIENTS,
    ACTIV_RQ_ARCHITECTURE,
    ACTIV_RQ_COMPUTE,
    ACTIV_RQ_SELF_NORMALIZING,
    ACTIV_RQ_COUNT
} activ_rq_field;

typedef enum activ_rq_type {
    ACTIV_RQ_ENUM, /* one word of `words`; the value is its index */
    ACTIV_RQ_BOOL, /* 0 (false) or 1 (true) */
    ACTIV_RQ_INT   /* an integer in [lo, hi] */
} activ_rq_type;

typedef struct activ_rq_field_spec {
    const char *name; /* as clients and rule files spell it, e.g. "output_range" */
    activ_rq_type type;
    const char *const *words; /* ENUM: the allowed words, NULL-terminated */
    long lo, hi;              /* INT: the allowed range */
    long def;                 /* the default, or -1 when the field has none */
    const char *doc;          /* one sentence: what the field says about the network */
} activ_rq_field_spec;

/* What a client told us. A field is present when its bit (1u << field) is set; only then is
 * its value meaningful. */
typedef struct activ_rules_query {
    unsigned present;
    long value[ACTIV_RQ_COUNT];
} activ_rules_query;

/* The spec of field f (f < ACTIV_RQ_COUNT). Static storage. */
const activ_rq_field_spec *activ_rules_field(activ_rq_field f);

/* Writes the field names, "layer, task, ...", into buf (n > 0 bytes, truncating). */
void activ_rules_field_list(char *buf, size_t n);

/* The field named `name` (exact), or -1. */
int activ_rules_field_find(const char *name);

/* The index of `word` among the words of ENUM field f, or -1. */
long activ_rules_word_find(activ_rq_field f, const char *word);

/* A query with no field present. */
void activ_rules_query_init(activ_rules_query *q);

/* Fills in the default of every absent field that has one (layer: hidden). */
void activ_rules_query_defaults(activ_rules_query *q);

/* Sets field f to v after checking it against the field's type and range; fails with
 * ACTIV_E_REQUEST and path "/<field>" naming what is allowed, leaving q alone. */
ACTIV_NODISCARD activ_status activ_rules_query_set(activ_rules_query *q, activ_rq_field f, long v,
                                                   activ_error *err);

/* True when field f is present in q. */
bool activ_rules_query_has(const activ_rules_query *q, activ_rq_field f);

/* ---------------------------------------------------------------- building a rule set */

/* A rule set: immutable once loaded, shared by every thread. */
typedef struct activ_rules activ_rules;

/* Condition operators. A comparison on an absent field is false (NE included); PRESENT
 * tests presence itself. ALL of nothing is true, ANY of nothing is false. */
typedef enum activ_cond_op {
    ACTIV_COND_ALL,
    ACTIV_COND_ANY,
    ACTIV_COND_NOT,
    ACTIV_COND_EQ,
    ACTIV_COND_NE,
    ACTIV_COND_IN,
    ACTIV_COND_LT,
    ACTIV_COND_LE,
    ACTIV_COND_GT,
    ACTIV_COND_GE,
    ACTIV_COND_PRESENT
} activ_cond_op;

/* One condition node, as handed to activ_rules_add_cond() (which copies the arrays). */
typedef struct activ_rule_cond {
    activ_cond_op op;
    activ_rq_field field; /* comparisons and PRESENT */
    long value;           /* EQ NE LT LE GT GE: the operand; PRESENT: 1 present, 0 absent */
    const long *values;   /* IN: the operands */
    size_t n_values;      /* IN: at least 1 */
    const uint32_t *kids; /* ALL ANY NOT: handles from activ_rules_add_cond() */
    size_t n_kids;        /* NOT: exactly 1 */
} activ_rule_cond;

typedef enum activ_action_kind {
    ACTIV_ACT_RECOMMEND, /* make fn a candidate and add weight (> 0) to its score */
    ACTIV_ACT_PREFER,    /* add weight (either sign) to fn's score if another rule made it a
                            candidate; no effect otherwise */
    ACTIV_ACT_AVOID,     /* fn is never recommended, and is listed with the reason */
    ACTIV_ACT_NOTE       /* add `text` to the answer's notes */
} activ_action_kind;

/* One action of a rule, as handed to activ_rules_add() (which copies it). */
typedef struct activ_rule_action {
    activ_action_kind kind;
    activ_fn_id fn;               /* all but NOTE */
    double weight;                /* RECOMMEND and PREFER: finite, |weight| <= 1000 */
    const activ_bound_fn *params; /* RECOMMEND: the parameters to use, or NULL for the
                                     defaults; scalars only (no per-feature alpha, no maxout
                                     weights) */
    const char *text;             /* the reason (NULL: the rule's text); NOTE: the note */
} activ_rule_action;

/* A new, empty rule set, or NULL when out of memory. */
activ_rules *activ_rules_new(void);

/* Frees the rule set. NULL is a no-op. */
void activ_rules_free(activ_rules *r);

/* Adds a condition node and stores its handle in *handle. Kids must be handles already
 * added (so a condition cannot contain itself), at most ACTIV_RULES_MAX_DEPTH deep. Fails
 * with ACTIV_E_REQUEST (an operand out of the field's range, a wrong number of kids, an
 * operator that does not fit the field's type) or ACTIV_E_NOMEM; err's path is "". */
#define ACTIV_RULES_MAX_DEPTH 16
ACTIV_NODISCARD activ_status activ_rules_add_cond(activ_rules *r, const activ_rule_cond *c,
                                                  uint32_t *handle, activ_error *err);

/* Adds a rule: `id` (unique, [a-z0-9_-], at most 64 bytes), `text` (the rationale, with
 * placeholders, see below), `source` (a seed section or a paper), the condition `when` and
 * n actions (1 to ACTIV_RULES_MAX_ACTIONS). Copies everything. Fails with ACTIV_E_REQUEST and
 * a path relative to the rule ("/id", "/text", "/then/2/text", ...) or ACTIV_E_NOMEM.
 *
 * Placeholders in texts are computed when a rule fires, from the query and the catalog:
 *   {FIELD}               the field's value ({depth}, {task}); the rule's condition must
 *                         require the field, so it is always present when the text is shown
 *   {maxgrad:NAME}        sup |f'| of activation NAME, e.g. 0.25 for sigmoid
 *   {maxgrad:NAME^FIELD}  that to the power of an integer field: the best case of the
 *                         gradient factor through FIELD layers of NAME
 *   {df:NAME:X}           f'(X) of NAME with its default parameters, X a decimal number
 *   {f:NAME:X}            f(X) likewise
 *   {range:NAME}          the output range of NAME from the catalog, e.g. "(0, 1)"
 * "{{" and "}}" stand for literal braces. */
#define ACTIV_RULES_MAX_ACTIONS 16
#define ACTIV_RULES_MAX_TEXT    1024
ACTIV_NODISCARD activ_status activ_rules_add(activ_rules *r, const char *id, const char *text,
                                             const char *source, uint32_t when,
                                             const activ_rule_action *actions, size_t n,
                                             activ_error *err);

/* ---------------------------------------------------------------- reading a rule set */

size_t activ_rules_count(const activ_rules *r);
const char *activ_rules_id(const activ_rules *r, size_t rule);
const char *activ_rules_source(const activ_rules *r, size_t rule);
size_t activ_rules_action_count(const activ_rules *r, size_t rule);
const activ_rule_action *activ_rules_action(const activ_rules *r, size_t rule, size_t action);

/* The index of the rule with this id, or -1. */
long activ_rules_find(const activ_rules *r, const char *id);

/* Renders the text of rule `rule` (action == SIZE_MAX) or of one of its actions (its own text,
 * or the rule's when it has none) for query q, snprintf-style: writes at most n bytes
 * including the NUL and returns the length the whole text needs. */
size_t activ_rules_render(const activ_rules *r, size_t rule, size_t action,
                          const activ_rules_query *q, char *buf, size_t n);

/* ---------------------------------------------------------------- matching */

/* One action of a fired rule that took effect (a PREFER on a non-candidate did not). */
typedef struct activ_rec_hit {
    uint32_t rule, action;
} activ_rec_hit;

typedef struct activ_rec_candidate {
    activ_fn_id fn;
    double score;                 /* the sum of the weights of its hits */
    const activ_bound_fn *params; /* of its first RECOMMEND hit (the defaults when that has
                                     none); points into the rule set */
} activ_rec_candidate;

/* The answer to one query. Arrays are owned by it: finish with activ_recommendation_fini(). */
typedef struct activ_recommendation {
    uint32_t *fired; /* indices of the rules that matched, in rule-set order */
    size_t n_fired;
    activ_rec_hit *hits; /* every action that took effect, in rule-set order */
    size_t n_hits;
    activ_rec_candidate ranked[ACTIV_FN_COUNT]; /* best first; avoided ones left out */
    size_t n_ranked;
    activ_fn_id avoid[ACTIV_FN_COUNT]; /* in the order of their first AVOID hit */
    size_t n_avoid;
} activ_recommendation;

/* Evaluates every rule against q (with its defaults filled in by the caller). Every rule
 * whose condition holds fires. Candidates are the functions some RECOMMEND hit names and no
 * AVOID hit does; each scores the sum of its RECOMMEND and PREFER weights. Ranking: higher
 * score first; on a tie, the function whose first RECOMMEND comes earlier in the rule set;
 * (rule order is the tie-break, so earlier rules are the more basic guidance). Fails only
 * with ACTIV_E_NOMEM, leaving *out empty. Thread-safe for a shared rule set. */
ACTIV_NODISCARD activ_status activ_rules_match(const activ_rules *r, const activ_rules_query *q,
                                               activ_recommendation *out, activ_error *err);

/* Frees what activ_rules_match() allocated; leaves *rec empty. Idempotent. */
void activ_recommendation_fini(activ_recommendation *rec);

#endif
