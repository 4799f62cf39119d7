/* test_params.c -- the catalog table and parameter binding: names, aliases, defaults, domains */
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "activ/catalog.h"
#include "activ/params.h"
#include "activ/status.h"
#include "check_main.h"
#include "ulp.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Request arguments, as the service layer would decode them from JSON. */
#define NUM(n, v)                                                                                  \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_NUMBER, .number = (v)                                     \
    }
#define STR(n, s)                                                                                  \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_STRING, .string = (s)                                     \
    }
#define BOOL(n, b)                                                                                 \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_BOOL, .boolean = (b)                                      \
    }
#define NUL(n)                                                                                     \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_NULL                                                      \
    }
#define VEC(n, d)                                                                                  \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_VECTOR, .data = (d), .rows = 1, .cols = COUNT(d)          \
    }
#define MAT(n, d, r, c)                                                                            \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_MATRIX, .data = (d), .rows = (r), .cols = (c)             \
    }
#define OTHER(n)                                                                                   \
    {                                                                                              \
        .name = (n), .type = ACTIV_VALUE_OTHER                                                     \
    }

/* SELU's constants as SPEC.md section 1 writes them. */
#define SELU_SCALE 1.0507009873554804934193349852946
#define SELU_ALPHA 1.6732632423543772848170429916717

static const activ_catalog_entry *entry(const char *name)
{
    const activ_catalog_entry *e = activ_catalog_find(name);
    ck_assert_msg(e != NULL, "\"%s\" is not in the catalog", name);
    return e;
}

/* ---------------------------------------------------------------- catalog */

/* SPEC.md section 1, row by row: canonical name, aliases, parameter names. */
typedef struct spec_row {
    activ_fn_id id;
    const char *name;
    const char *aliases[3];
    const char *params[3];
} spec_row;

static const spec_row SPEC_ROWS[] = {
    {ACTIV_FN_BINARY_STEP, "binary_step", {"step"}, {"threshold"}},
    {ACTIV_FN_LINEAR, "linear", {"identity"}, {"a"}},
    {ACTIV_FN_SIGMOID, "sigmoid", {"logistic"}, {NULL}},
    {ACTIV_FN_TANH, "tanh", {NULL}, {NULL}},
    {ACTIV_FN_RELU, "relu", {NULL}, {NULL}},
    {ACTIV_FN_LEAKY_RELU, "leaky_relu", {NULL}, {"alpha"}},
    {ACTIV_FN_PRELU, "prelu", {NULL}, {"alpha"}},
    {ACTIV_FN_ELU, "elu", {NULL}, {"alpha"}},
    {ACTIV_FN_SELU, "selu", {NULL}, {NULL}},
    {ACTIV_FN_CELU, "celu", {NULL}, {"alpha"}},
    {ACTIV_FN_GELU, "gelu", {NULL}, {"approximate"}},
    {ACTIV_FN_SILU, "silu", {"swish"}, {"beta"}},
    {ACTIV_FN_MISH, "mish", {NULL}, {NULL}},
    {ACTIV_FN_SOFTPLUS, "softplus", {NULL}, {"beta", "threshold"}},
    {ACTIV_FN_SOFTSIGN, "softsign", {"soft_sign"}, {NULL}},
    {ACTIV_FN_HARDTANH, "hardtanh", {"hard_tanh"}, {"min_val", "max_val"}},
    {ACTIV_FN_RELU6, "relu6", {NULL}, {NULL}},
    {ACTIV_FN_HARDSIGMOID, "hardsigmoid", {"hard_sigmoid"}, {NULL}},
    {ACTIV_FN_HARDSWISH, "hardswish", {"hard_silu", "hard_swish"}, {NULL}},
    {ACTIV_FN_LOG_SIGMOID, "log_sigmoid", {"logsigmoid"}, {NULL}},
    {ACTIV_FN_TANHSHRINK, "tanhshrink", {"tanh_shrink"}, {NULL}},
    {ACTIV_FN_SOFTSHRINK, "softshrink", {"soft_shrink"}, {"lambd"}},
    {ACTIV_FN_HARDSHRINK, "hardshrink", {"hard_shrink"}, {"lambd"}},
    {ACTIV_FN_THRESHOLD, "threshold", {NULL}, {"threshold", "value"}},
    {ACTIV_FN_RRELU, "rrelu", {NULL}, {"lower", "upper"}},
    {ACTIV_FN_SQUAREPLUS, "squareplus", {NULL}, {"b"}},
    {ACTIV_FN_SPARSE_PLUS, "sparse_plus", {NULL}, {NULL}},
    {ACTIV_FN_SPARSE_SIGMOID, "sparse_sigmoid", {NULL}, {NULL}},
    {ACTIV_FN_EXPONENTIAL, "exponential", {"exp"}, {NULL}},
    {ACTIV_FN_LISHT, "lisht", {NULL}, {NULL}},
    {ACTIV_FN_SNAKE, "snake", {NULL}, {"frequency"}},
    {ACTIV_FN_SOFTMAX, "softmax", {NULL}, {NULL}},
    {ACTIV_FN_LOG_SOFTMAX, "log_softmax", {NULL}, {NULL}},
    {ACTIV_FN_SOFTMIN, "softmin", {NULL}, {NULL}},
    {ACTIV_FN_SPARSEMAX, "sparsemax", {NULL}, {NULL}},
    {ACTIV_FN_GLU, "glu", {NULL}, {NULL}},
    {ACTIV_FN_CRELU, "crelu", {NULL}, {NULL}},
    {ACTIV_FN_MAXOUT, "maxout", {NULL}, {"k", "weights", "bias"}},
};

/* Every name a client may use for a function, across the whole catalog. */
static size_t entry_names(const activ_catalog_entry *e, const char **out, size_t max)
{
    size_t n = 0;
    out[n++] = e->name;
    for (size_t a = 0; a < COUNT(e->aliases) && e->aliases[a] && n < max; a++)
        out[n++] = e->aliases[a];
    return n;
}

START_TEST(catalog_has_38_entries_in_id_order)
{
    size_t count = 0;
    const activ_catalog_entry *all = activ_catalog_all(&count);
    ck_assert_uint_eq(count, 38);
    ck_assert_uint_eq(ACTIV_FN_COUNT, 38);
    ck_assert_uint_eq(COUNT(SPEC_ROWS), 38);
    for (size_t i = 0; i < count; i++) {
        ck_assert_int_eq(all[i].id, (activ_fn_id)i);
        ck_assert_ptr_eq(activ_catalog_get((activ_fn_id)i), &all[i]);
    }
    ck_assert_ptr_null(activ_catalog_get(ACTIV_FN_COUNT));
    ck_assert_ptr_null(activ_catalog_get((activ_fn_id)-1));
}
END_TEST

START_TEST(catalog_entry_matches_spec_row)
{
    const spec_row *row = &SPEC_ROWS[_i];
    const activ_catalog_entry *e = activ_catalog_get(row->id);
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(e->name, row->name);
    ck_assert_ptr_eq(activ_catalog_find(row->name), e);

    size_t n_alias = 0;
    while (n_alias < COUNT(e->aliases) && e->aliases[n_alias])
        n_alias++;
    size_t want_alias = 0;
    while (want_alias < COUNT(row->aliases) && row->aliases[want_alias])
        want_alias++;
    ck_assert_msg(n_alias == want_alias, "%s has %zu aliases, SPEC lists %zu", row->name, n_alias,
                  want_alias);
    for (size_t a = 0; a < want_alias; a++) {
        ck_assert_str_eq(e->aliases[a], row->aliases[a]);
        ck_assert_ptr_eq(activ_catalog_find(row->aliases[a]), e);
    }

    size_t want_params = 0;
    while (want_params < COUNT(row->params) && row->params[want_params])
        want_params++;
    ck_assert_msg(e->n_params == want_params, "%s has %zu params, SPEC lists %zu", row->name,
                  e->n_params, want_params);
    ck_assert_uint_le(e->n_params, ACTIV_MAX_PARAMS);
    for (size_t p = 0; p < want_params; p++)
        ck_assert_str_eq(e->params[p].name, row->params[p]);
}
END_TEST

typedef struct alias_case {
    const char *alias;
    activ_fn_id id;
} alias_case;

static const alias_case ALIASES[] = {
    {"step", ACTIV_FN_BINARY_STEP},         {"identity", ACTIV_FN_LINEAR},
    {"logistic", ACTIV_FN_SIGMOID},         {"swish", ACTIV_FN_SILU},
    {"soft_sign", ACTIV_FN_SOFTSIGN},       {"hard_tanh", ACTIV_FN_HARDTANH},
    {"hard_sigmoid", ACTIV_FN_HARDSIGMOID}, {"hard_silu", ACTIV_FN_HARDSWISH},
    {"hard_swish", ACTIV_FN_HARDSWISH},     {"logsigmoid", ACTIV_FN_LOG_SIGMOID},
    {"tanh_shrink", ACTIV_FN_TANHSHRINK},   {"soft_shrink", ACTIV_FN_SOFTSHRINK},
    {"hard_shrink", ACTIV_FN_HARDSHRINK},   {"exp", ACTIV_FN_EXPONENTIAL},
};

START_TEST(alias_finds_its_entry)
{
    const alias_case *c = &ALIASES[_i];
    const activ_catalog_entry *e = activ_catalog_find(c->alias);
    ck_assert_msg(e != NULL, "alias \"%s\" not found", c->alias);
    ck_assert_msg(e->id == c->id, "alias \"%s\" maps to %s", c->alias, e->name);
}
END_TEST

START_TEST(unknown_names_are_not_found)
{
    static const char *const unknown[] = {
        "",         "Softmax", "RELU",  "relu ", " relu",  "leakyrelu", "swiglu",
        "softmax2", "soft",    "hard_", "alpha", "relu\n", "max",       "sigmoid/",
    };
    for (size_t i = 0; i < COUNT(unknown); i++)
        ck_assert_msg(activ_catalog_find(unknown[i]) == NULL, "\"%s\" should be unknown",
                      unknown[i]);
    ck_assert_ptr_null(activ_catalog_find(NULL));
}
END_TEST

START_TEST(no_name_or_alias_is_shared_by_two_entries)
{
    size_t count;
    const activ_catalog_entry *all = activ_catalog_all(&count);
    for (size_t i = 0; i < count; i++) {
        const char *mine[5];
        size_t nm = entry_names(&all[i], mine, COUNT(mine));
        for (size_t a = 0; a < nm; a++) {
            ck_assert_msg(mine[a] != NULL && mine[a][0] != '\0', "%s has an empty alias",
                          all[i].name);
            ck_assert_msg(activ_catalog_find(mine[a]) == &all[i], "\"%s\" of %s finds %s", mine[a],
                          all[i].name, activ_catalog_find(mine[a])->name);
            for (size_t b = a + 1; b < nm; b++)
                ck_assert_msg(strcmp(mine[a], mine[b]) != 0, "%s lists \"%s\" twice", all[i].name,
                              mine[a]);
            for (size_t j = i + 1; j < count; j++) {
                const char *theirs[5];
                size_t nt = entry_names(&all[j], theirs, COUNT(theirs));
                for (size_t b = 0; b < nt; b++)
                    ck_assert_msg(strcmp(mine[a], theirs[b]) != 0, "\"%s\" names %s and %s",
                                  mine[a], all[i].name, all[j].name);
            }
        }
    }
}
END_TEST

static size_t list_len(const char *const *list)
{
    size_t n = 0;
    if (!list)
        return 0;
    while (list[n]) {
        ck_assert_msg(list[n][0] != '\0', "empty sentence at %zu", n);
        n++;
    }
    return n;
}

START_TEST(entry_has_texts_and_kind_of_its_id_range)
{
    const activ_catalog_entry *e = activ_catalog_get((activ_fn_id)_i);
    ck_assert_ptr_nonnull(e);
    activ_kind want = _i < ACTIV_FN_FIRST_ROWWISE ? ACTIV_KIND_ELEMENTWISE : ACTIV_KIND_ROWWISE;
    ck_assert_msg(e->kind == want, "%s has the wrong kind", e->name);
    const activ_catalog_text *t = e->text;
    ck_assert_msg(t != NULL, "%s has no text", e->name);
    ck_assert_msg(t->summary && t->summary[0], "%s: empty summary", e->name);
    ck_assert_msg(t->formula_latex && t->formula_latex[0], "%s: empty formula", e->name);
    ck_assert_msg(t->derivative_latex && t->derivative_latex[0], "%s: empty derivative", e->name);
    ck_assert_msg(t->source && t->source[0], "%s: empty source", e->name);
    ck_assert_msg(list_len(t->pros) >= 2, "%s: fewer than 2 pros", e->name);
    ck_assert_msg(list_len(t->cons) >= 2, "%s: fewer than 2 cons", e->name);
    ck_assert_msg(list_len(t->uses) >= 2, "%s: fewer than 2 uses", e->name);
    ck_assert_msg(e->range && e->range[0], "%s: empty range", e->name);
    ck_assert_msg(!(e->range_lo > e->range_hi), "%s: range bounds reversed", e->name);
}
END_TEST

/* Each parameter's default lies inside its own domain, and its doc is non-empty. */
START_TEST(param_defaults_lie_in_their_domains)
{
    const activ_catalog_entry *e = activ_catalog_get((activ_fn_id)_i);
    for (size_t i = 0; i < e->n_params; i++) {
        const activ_param_spec *s = &e->params[i];
        ck_assert_msg(s->doc && s->doc[0], "%s.%s has no doc", e->name, s->name);
        if (isnan(s->def))
            continue;
        if (!isnan(s->lo))
            ck_assert_msg(s->lo_open ? s->def > s->lo : s->def >= s->lo,
                          "%s.%s default below its domain", e->name, s->name);
        if (!isnan(s->hi))
            ck_assert_msg(s->hi_open ? s->def < s->hi : s->def <= s->hi,
                          "%s.%s default above its domain", e->name, s->name);
    }
}
END_TEST

typedef struct grad_case {
    activ_fn_id id;
    double sup; /* sup |f'| with default params, derived by hand; NaN: unbounded */
} grad_case;

static const grad_case MAX_GRADS[] = {
    {ACTIV_FN_SIGMOID, 0.25},                /* sigma' = sigma (1 - sigma) <= 1/4, at 0 */
    {ACTIV_FN_TANH, 1.0},                    /* sech^2 <= 1, at 0 */
    {ACTIV_FN_HARDSIGMOID, 1.0 / 6},         /* slope of (x + 3)/6 */
    {ACTIV_FN_SELU, SELU_SCALE *SELU_ALPHA}, /* scale alpha e^x at 0- */
    {ACTIV_FN_RELU, 1.0},
    {ACTIV_FN_SOFTSIGN, 1.0},       /* 1/(1 + |x|)^2 at 0 */
    {ACTIV_FN_HARDSWISH, 1.5},      /* x/3 + 1/2 as x -> 3 */
    {ACTIV_FN_SPARSE_SIGMOID, 0.5}, /* slope of (x + 1)/2 */
    {ACTIV_FN_SNAKE, 2.0},          /* 1 + sin(2x) */
    {ACTIV_FN_EXPONENTIAL, NAN},    /* e^x is unbounded */
};

START_TEST(max_abs_grad_matches_hand_derived_value)
{
    const grad_case *c = &MAX_GRADS[_i];
    const activ_catalog_entry *e = activ_catalog_get(c->id);
    if (isnan(c->sup)) {
        ck_assert_msg(isnan(e->max_abs_grad), "%s: want NaN (unbounded), got %g", e->name,
                      e->max_abs_grad);
        return;
    }
    ck_assert_ulp_le(e->max_abs_grad, c->sup, 1);
}
END_TEST

START_TEST(selu_max_abs_grad_is_about_1_7581)
{
    const activ_catalog_entry *e = activ_catalog_get(ACTIV_FN_SELU);
    ck_assert_double_eq_tol(e->max_abs_grad, 1.7581, 1e-4);
}
END_TEST

/* ---------------------------------------------------------------- binding: good arguments */

static const double ALPHA3[] = {0.1, 0.2, 0.3};
static const double W23[] = {1, 0, 0, 0, 1, 1};
static const double B2[] = {0.5, -0.5};

typedef struct good_case {
    const char *label;
    const char *fn;
    activ_param_arg args[3];
    size_t n;
    double p[ACTIV_MAX_PARAMS]; /* expected scalar parameters, in spec order; NaN = unset */
} good_case;

static const good_case GOOD[] = {
    /* defaults */
    {"binary_step defaults", "binary_step", {{0}}, 0, {0.0}},
    {"linear defaults", "linear", {{0}}, 0, {1.0}},
    {"leaky_relu defaults", "leaky_relu", {{0}}, 0, {0.01}},
    {"prelu defaults", "prelu", {{0}}, 0, {0.25}},
    {"elu defaults", "elu", {{0}}, 0, {1.0}},
    {"celu defaults", "celu", {{0}}, 0, {1.0}},
    {"gelu defaults", "gelu", {{0}}, 0, {0.0}},
    {"silu defaults", "silu", {{0}}, 0, {1.0}},
    {"softplus defaults", "softplus", {{0}}, 0, {1.0, NAN}},
    {"hardtanh defaults", "hardtanh", {{0}}, 0, {-1.0, 1.0}},
    {"softshrink defaults", "softshrink", {{0}}, 0, {0.5}},
    {"hardshrink defaults", "hardshrink", {{0}}, 0, {0.5}},
    {"threshold defaults", "threshold", {{0}}, 0, {0.0, 0.0}},
    {"rrelu defaults", "rrelu", {{0}}, 0, {0.125, 1.0 / 3.0}},
    {"squareplus defaults", "squareplus", {{0}}, 0, {4.0}},
    {"snake defaults", "snake", {{0}}, 0, {1.0}},
    /* canonical names */
    {"leaky_relu alpha", "leaky_relu", {NUM("alpha", 0.2)}, 1, {0.2}},
    {"softplus beta and threshold", "softplus", {NUM("beta", 2), NUM("threshold", 20)}, 2, {2, 20}},
    {"softplus threshold null", "softplus", {NUL("threshold")}, 1, {1.0, NAN}},
    {"threshold both", "threshold", {NUM("value", -7), NUM("threshold", 0.5)}, 2, {0.5, -7}},
    {"linear negative slope", "linear", {NUM("a", -3)}, 1, {-3}},
    /* aliases */
    {"leaky_relu negative_slope", "leaky_relu", {NUM("negative_slope", 0.2)}, 1, {0.2}},
    {"prelu weight", "prelu", {NUM("weight", 0.3)}, 1, {0.3}},
    {"prelu init", "prelu", {NUM("init", 0.3)}, 1, {0.3}},
    {"hardtanh min_value", "hardtanh", {NUM("min_value", -2)}, 1, {-2, 1}},
    {"hardtanh max_value", "hardtanh", {NUM("max_value", 3)}, 1, {-1, 3}},
    {"hardtanh both aliases", "hardtanh", {NUM("max_value", 3), NUM("min_value", -2)}, 2, {-2, 3}},
    {"softshrink lambda", "softshrink", {NUM("lambda", 0.7)}, 1, {0.7}},
    {"softshrink threshold", "softshrink", {NUM("threshold", 0.7)}, 1, {0.7}},
    {"hardshrink lambda", "hardshrink", {NUM("lambda", 0.7)}, 1, {0.7}},
    {"hardshrink threshold", "hardshrink", {NUM("threshold", 0.7)}, 1, {0.7}},
    {"snake alpha", "snake", {NUM("alpha", 2)}, 1, {2}},
    {"swish beta", "swish", {NUM("beta", 1.5)}, 1, {1.5}},
    /* the edges of the domains */
    {"hardtanh min_val equal to max_val",
     "hardtanh",
     {NUM("min_val", 0.5), NUM("max_val", 0.5)},
     2,
     {0.5, 0.5}},
    {"rrelu lower equal to upper", "rrelu", {NUM("lower", 0.2), NUM("upper", 0.2)}, 2, {0.2, 0.2}},
    {"softshrink lambd 0", "softshrink", {NUM("lambd", 0)}, 1, {0}},
    {"hardshrink lambd 0", "hardshrink", {NUM("lambd", 0)}, 1, {0}},
    {"squareplus b 0", "squareplus", {NUM("b", 0)}, 1, {0}},
    {"celu tiny alpha", "celu", {NUM("alpha", 5e-324)}, 1, {5e-324}},
    {"softplus tiny beta", "softplus", {NUM("beta", 1e-300)}, 1, {1e-300, NAN}},
    {"snake tiny frequency", "snake", {NUM("frequency", 1e-300)}, 1, {1e-300}},
    {"elu negative alpha", "elu", {NUM("alpha", -1)}, 1, {-1}},
    {"leaky_relu huge alpha", "leaky_relu", {NUM("alpha", 1e308)}, 1, {1e308}},
};

static bool same_param(double got, double want)
{
    return isnan(want) ? isnan(got) : got == want;
}

START_TEST(bind_fills_expected_parameters)
{
    const good_case *c = &GOOD[_i];
    const activ_catalog_entry *e = entry(c->fn);
    activ_bound_fn fn;
    activ_error err;
    activ_status st = activ_params_bind(e, c->args, c->n, &fn, &err);
    ck_assert_msg(st == ACTIV_OK, "%s: %s at %s: %s", c->label, activ_status_name(st), err.path,
                  err.message);
    ck_assert_ptr_eq(fn.entry, e);
    for (size_t i = 0; i < e->n_params; i++)
        ck_assert_msg(same_param(fn.p[i], c->p[i]), "%s: p[%zu] = %.17g, want %.17g", c->label, i,
                      fn.p[i], c->p[i]);
    if (e->id == ACTIV_FN_PRELU)
        ck_assert_ptr_null(fn.alpha);
}
END_TEST

START_TEST(function_without_params_binds_with_none)
{
    const activ_catalog_entry *e = activ_catalog_get((activ_fn_id)_i);
    if (e->n_params != 0 || e->id == ACTIV_FN_MAXOUT)
        return;
    activ_bound_fn fn;
    activ_error err;
    ck_assert_int_eq(activ_params_bind(e, NULL, 0, &fn, &err), ACTIV_OK);
    ck_assert_ptr_eq(fn.entry, e);
}
END_TEST

START_TEST(softplus_threshold_echoes_null_when_unset)
{
    activ_bound_fn fn;
    activ_error err;
    activ_param_arg v;
    ck_assert_int_eq(activ_params_bind(entry("softplus"), NULL, 0, &fn, &err), ACTIV_OK);
    ck_assert(isnan(fn.p[1]));
    activ_params_value(&fn, 0, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_NUMBER);
    ck_assert(v.number == 1.0);
    activ_params_value(&fn, 1, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_NULL);

    static const activ_param_arg t20[] = {NUM("threshold", 20)};
    ck_assert_int_eq(activ_params_bind(entry("softplus"), t20, 1, &fn, &err), ACTIV_OK);
    activ_params_value(&fn, 1, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_NUMBER);
    ck_assert(v.number == 20.0);
}
END_TEST

START_TEST(leaky_relu_alias_value_echoes_number)
{
    static const activ_param_arg args[] = {NUM("negative_slope", 0.125)};
    activ_bound_fn fn;
    activ_error err;
    activ_param_arg v;
    ck_assert_int_eq(activ_params_bind(entry("leaky_relu"), args, 1, &fn, &err), ACTIV_OK);
    activ_params_value(&fn, 0, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_NUMBER);
    ck_assert(v.number == 0.125);
}
END_TEST

START_TEST(prelu_per_feature_alpha_is_borrowed)
{
    static const activ_param_arg args[] = {VEC("alpha", ALPHA3)};
    activ_bound_fn fn;
    activ_error err;
    activ_param_arg v;
    ck_assert_int_eq(activ_params_bind(entry("prelu"), args, 1, &fn, &err), ACTIV_OK);
    ck_assert_ptr_eq(fn.alpha, ALPHA3);
    ck_assert_uint_eq(fn.n_alpha, 3);
    activ_params_value(&fn, 0, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_VECTOR);
    ck_assert_ptr_eq(v.data, ALPHA3);
    ck_assert_uint_eq(v.cols, 3);

    static const activ_param_arg weight[] = {VEC("weight", ALPHA3)};
    ck_assert_int_eq(activ_params_bind(entry("prelu"), weight, 1, &fn, &err), ACTIV_OK);
    ck_assert_ptr_eq(fn.alpha, ALPHA3);
}
END_TEST

START_TEST(maxout_pool_size_sets_k)
{
    static const activ_param_arg args[] = {NUM("pool_size", 3)};
    activ_bound_fn fn;
    activ_error err;
    ck_assert_int_eq(activ_params_bind(entry("maxout"), args, 1, &fn, &err), ACTIV_OK);
    ck_assert_uint_eq(fn.k, 3);
    ck_assert_ptr_null(fn.weights);
    ck_assert_ptr_null(fn.bias);

    static const activ_param_arg k1[] = {NUM("k", 1)};
    ck_assert_int_eq(activ_params_bind(entry("maxout"), k1, 1, &fn, &err), ACTIV_OK);
    ck_assert_uint_eq(fn.k, 1);
}
END_TEST

START_TEST(maxout_weights_and_bias_are_borrowed)
{
    static const activ_param_arg args[] = {MAT("weights", W23, 2, 3), VEC("bias", B2)};
    activ_bound_fn fn;
    activ_error err;
    activ_param_arg v;
    ck_assert_int_eq(activ_params_bind(entry("maxout"), args, 2, &fn, &err), ACTIV_OK);
    ck_assert_uint_eq(fn.k, 0);
    ck_assert_ptr_eq(fn.weights, W23);
    ck_assert_uint_eq(fn.w_rows, 2);
    ck_assert_uint_eq(fn.w_cols, 3);
    ck_assert_ptr_eq(fn.bias, B2);
    activ_params_value(&fn, 0, &v); /* k: not given */
    ck_assert_int_eq(v.type, ACTIV_VALUE_NULL);
    activ_params_value(&fn, 1, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_MATRIX);
    ck_assert_ptr_eq(v.data, W23);
    ck_assert_uint_eq(v.rows, 2);
    ck_assert_uint_eq(v.cols, 3);
    activ_params_value(&fn, 2, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_VECTOR);
    ck_assert_ptr_eq(v.data, B2);
    ck_assert_uint_eq(v.cols, 2);

    /* weights alone: bias echoes as null (zeros) */
    ck_assert_int_eq(activ_params_bind(entry("maxout"), args, 1, &fn, &err), ACTIV_OK);
    ck_assert_ptr_null(fn.bias);
    activ_params_value(&fn, 2, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_NULL);
}
END_TEST

/* ---------------------------------------------------------------- gelu approximate */

typedef struct approx_case {
    activ_param_arg arg;
    const char *want; /* the echoed value, or NULL: rejected */
} approx_case;

static const approx_case APPROX[] = {
    {STR("approximate", "none"), "none"}, {STR("approximate", "tanh"), "tanh"},
    {BOOL("approximate", false), "none"}, {BOOL("approximate", true), "tanh"},
    {STR("approximate", "fast"), NULL},   {STR("approximate", "Tanh"), NULL},
    {STR("approximate", ""), NULL},       {NUM("approximate", 1), NULL},
    {NUM("approximate", 0), NULL},        {NUL("approximate"), NULL},
    {OTHER("approximate"), NULL},
};

START_TEST(gelu_approximate_accepts_strings_and_booleans_only)
{
    const approx_case *c = &APPROX[_i];
    activ_bound_fn fn;
    activ_error err;
    activ_status st = activ_params_bind(entry("gelu"), &c->arg, 1, &fn, &err);
    if (!c->want) {
        ck_assert_int_eq(st, ACTIV_E_PARAMS);
        ck_assert_str_eq(err.path, "/params/approximate");
        return;
    }
    ck_assert_int_eq(st, ACTIV_OK);
    activ_param_arg v;
    activ_params_value(&fn, 0, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_STRING);
    ck_assert_str_eq(v.string, c->want);
}
END_TEST

START_TEST(gelu_approximate_defaults_to_none)
{
    activ_bound_fn fn;
    activ_error err;
    activ_param_arg v;
    ck_assert_int_eq(activ_params_bind(entry("gelu"), NULL, 0, &fn, &err), ACTIV_OK);
    activ_params_value(&fn, 0, &v);
    ck_assert_int_eq(v.type, ACTIV_VALUE_STRING);
    ck_assert_str_eq(v.string, "none");
}
END_TEST

/* ---------------------------------------------------------------- binding: errors */

static const double TWO[] = {1, 2};
static const double EMPTY_VEC[1] = {0};
static const double NAN_VEC[] = {0.1, NAN};
static const double INF_W[] = {1, 0, INFINITY, 0, 1, 1};
static const double NAN_B[] = {NAN, 0};
static const double B3[] = {0, 0, 0};

typedef struct bad_case {
    const char *label;
    const char *fn;
    activ_param_arg args[3];
    size_t n;
    const char *path;
    bool deeper_ok; /* an element path below `path` is also right ("/params/alpha/1") */
} bad_case;

static const bad_case BAD[] = {
    {"unknown parameter", "leaky_relu", {NUM("foo", 1)}, 1, "/params/foo", false},
    {"unknown after a good one",
     "elu",
     {NUM("alpha", 1), NUM("beta", 1)},
     2,
     "/params/beta",
     false},
    {"canonical name is case-sensitive", "elu", {NUM("Alpha", 1)}, 1, "/params/Alpha", false},
    {"alias of another function",
     "elu",
     {NUM("negative_slope", 1)},
     1,
     "/params/negative_slope",
     false},
    {"sigmoid takes none", "sigmoid", {NUM("alpha", 1)}, 1, "/params/alpha", false},
    {"softmax takes none", "softmax", {NUM("dim", -1)}, 1, "/params/dim", false},
    {"selu constants are fixed", "selu", {NUM("scale", 1)}, 1, "/params/scale", false},
    {"string for a number", "leaky_relu", {STR("alpha", "0.1")}, 1, "/params/alpha", false},
    {"array for a number", "elu", {VEC("alpha", TWO)}, 1, "/params/alpha", false},
    {"bool for a number", "elu", {BOOL("alpha", true)}, 1, "/params/alpha", false},
    {"null for a required number", "softplus", {NUL("beta")}, 1, "/params/beta", false},
    {"object for a number", "linear", {OTHER("a")}, 1, "/params/a", false},
    {"matrix for prelu alpha", "prelu", {MAT("alpha", W23, 2, 3)}, 1, "/params/alpha", false},
    {"empty prelu alpha",
     "prelu",
     {{.name = "alpha", .type = ACTIV_VALUE_VECTOR, .data = EMPTY_VEC}},
     1,
     "/params/alpha",
     false},
    {"string for k", "maxout", {STR("k", "2")}, 1, "/params/k", false},
    {"vector for weights", "maxout", {VEC("weights", TWO)}, 1, "/params/weights", false},
    {"number for bias",
     "maxout",
     {MAT("weights", W23, 2, 3), NUM("bias", 1)},
     2,
     "/params/bias",
     false},
    {"name then alias",
     "leaky_relu",
     {NUM("alpha", 0.1), NUM("negative_slope", 0.2)},
     2,
     "/params/negative_slope",
     false},
    {"alias then name",
     "leaky_relu",
     {NUM("negative_slope", 0.2), NUM("alpha", 0.1)},
     2,
     "/params/alpha",
     false},
    {"two aliases of one",
     "prelu",
     {NUM("weight", 0.2), NUM("init", 0.1)},
     2,
     "/params/init",
     false},
    {"hardtanh min twice",
     "hardtanh",
     {NUM("min_val", -2), NUM("min_value", -3)},
     2,
     "/params/min_value",
     false},
    {"lambd twice",
     "softshrink",
     {NUM("lambda", 0.1), NUM("lambd", 0.2)},
     2,
     "/params/lambd",
     false},
    {"k twice", "maxout", {NUM("k", 2), NUM("pool_size", 2)}, 2, "/params/pool_size", false},
    {"celu alpha 0", "celu", {NUM("alpha", 0)}, 1, "/params/alpha", false},
    {"celu alpha -0", "celu", {NUM("alpha", -0.0)}, 1, "/params/alpha", false},
    {"celu alpha < 0", "celu", {NUM("alpha", -1)}, 1, "/params/alpha", false},
    {"softplus beta 0", "softplus", {NUM("beta", 0)}, 1, "/params/beta", false},
    {"softplus beta < 0", "softplus", {NUM("beta", -0.5)}, 1, "/params/beta", false},
    {"softshrink lambd < 0", "softshrink", {NUM("lambd", -0.1)}, 1, "/params/lambd", false},
    {"softshrink lambda < 0", "softshrink", {NUM("lambda", -0.1)}, 1, "/params/lambda", false},
    {"hardshrink lambd < 0", "hardshrink", {NUM("lambd", -1e-300)}, 1, "/params/lambd", false},
    {"hardshrink threshold < 0",
     "hardshrink",
     {NUM("threshold", -1)},
     1,
     "/params/threshold",
     false},
    {"squareplus b < 0", "squareplus", {NUM("b", -1)}, 1, "/params/b", false},
    {"squareplus b subnormal < 0", "squareplus", {NUM("b", -5e-324)}, 1, "/params/b", false},
    {"snake frequency 0", "snake", {NUM("frequency", 0)}, 1, "/params/frequency", false},
    {"snake frequency < 0", "snake", {NUM("frequency", -2)}, 1, "/params/frequency", false},
    {"snake alpha 0", "snake", {NUM("alpha", 0)}, 1, "/params/alpha", false},
    {"hardtanh min_val > max_val",
     "hardtanh",
     {NUM("min_val", 2), NUM("max_val", 1)},
     2,
     "/params/min_val",
     false},
    {"hardtanh min_val above default max",
     "hardtanh",
     {NUM("min_val", 2)},
     1,
     "/params/min_val",
     false},
    /* the pointer names a member of the request: the client did not send min_val here */
    {"hardtanh max_val below default min",
     "hardtanh",
     {NUM("max_val", -2)},
     1,
     "/params/max_val",
     false},
    {"hardtanh min_value > max_value",
     "hardtanh",
     {NUM("min_value", 2), NUM("max_value", 1)},
     2,
     "/params/min_value",
     false},
    {"rrelu lower > upper",
     "rrelu",
     {NUM("lower", 0.5), NUM("upper", 0.25)},
     2,
     "/params/lower",
     false},
    {"rrelu upper below default lower", "rrelu", {NUM("upper", 0.1)}, 1, "/params/upper", false},
    {"maxout with neither k nor weights", "maxout", {{0}}, 0, "/params", false},
    {"maxout with bias only", "maxout", {VEC("bias", B2)}, 1, "/params", false},
    {"maxout with k and weights",
     "maxout",
     {NUM("k", 2), MAT("weights", W23, 2, 3)},
     2,
     "/params",
     false},
    {"maxout k 0", "maxout", {NUM("k", 0)}, 1, "/params/k", false},
    {"maxout k < 0", "maxout", {NUM("k", -2)}, 1, "/params/k", false},
    {"maxout k 2.5", "maxout", {NUM("k", 2.5)}, 1, "/params/k", false},
    {"maxout pool_size 0", "maxout", {NUM("pool_size", 0)}, 1, "/params/pool_size", false},
    {"maxout bias without weights",
     "maxout",
     {NUM("k", 2), VEC("bias", B2)},
     2,
     "/params/bias",
     false},
    {"maxout bias length",
     "maxout",
     {MAT("weights", W23, 2, 3), VEC("bias", B3)},
     2,
     "/params/bias",
     false},
    {"maxout empty weights", "maxout", {MAT("weights", W23, 0, 3)}, 1, "/params/weights", false},
    {"NaN number", "leaky_relu", {NUM("alpha", NAN)}, 1, "/params/alpha", false},
    {"inf number", "elu", {NUM("alpha", INFINITY)}, 1, "/params/alpha", false},
    {"-inf number", "linear", {NUM("a", -INFINITY)}, 1, "/params/a", false},
    {"NaN optional number", "softplus", {NUM("threshold", NAN)}, 1, "/params/threshold", false},
    {"inf where the domain is open above 0",
     "snake",
     {NUM("frequency", INFINITY)},
     1,
     "/params/frequency",
     false},
    {"inf k", "maxout", {NUM("k", INFINITY)}, 1, "/params/k", false},
    {"NaN in prelu alpha", "prelu", {VEC("alpha", NAN_VEC)}, 1, "/params/alpha", true},
    {"inf in maxout weights", "maxout", {MAT("weights", INF_W, 2, 3)}, 1, "/params/weights", true},
    {"NaN in maxout bias",
     "maxout",
     {MAT("weights", W23, 2, 3), VEC("bias", NAN_B)},
     2,
     "/params/bias",
     true},
    {"'/' is escaped", "leaky_relu", {NUM("a/b", 1)}, 1, "/params/a~1b", false},
    {"'~' is escaped", "leaky_relu", {NUM("a~b", 1)}, 1, "/params/a~0b", false},
    {"'~1' is not double-escaped", "leaky_relu", {NUM("~1", 1)}, 1, "/params/~01", false},
    {"'/' alone", "relu", {NUM("/", 1)}, 1, "/params/~1", false},
    {"empty name", "elu", {NUM("", 1)}, 1, "/params/", false},
};

START_TEST(bad_params_fail_with_path)
{
    const bad_case *c = &BAD[_i];
    const activ_catalog_entry *e = entry(c->fn);
    activ_bound_fn fn, before;
    activ_error err;
    memset(&fn, 0xA5, sizeof fn);
    memcpy(&before, &fn, sizeof fn);
    activ_error_clear(&err);
    activ_status st = activ_params_bind(e, c->args, c->n, &fn, &err);
    ck_assert_msg(st == ACTIV_E_PARAMS, "%s: got %s, want E_PARAMS", c->label,
                  activ_status_name(st));
    ck_assert_int_eq(err.status, ACTIV_E_PARAMS);
    ck_assert_msg(err.message[0] != '\0', "%s: no message", c->label);
    if (c->deeper_ok) {
        size_t n = strlen(c->path);
        ck_assert_msg(strncmp(err.path, c->path, n) == 0 &&
                          (err.path[n] == '\0' || err.path[n] == '/'),
                      "%s: path \"%s\", want \"%s\" or below", c->label, err.path, c->path);
    } else {
        ck_assert_msg(strcmp(err.path, c->path) == 0, "%s: path \"%s\", want \"%s\"", c->label,
                      err.path, c->path);
    }
    ck_assert_msg(memcmp(&fn, &before, sizeof fn) == 0, "%s: *out was written on failure",
                  c->label);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static Suite *params_suite(void)
{
    Suite *s = suite_create("params");

    TCase *tc = tcase_create("catalog");
    tcase_add_test(tc, catalog_has_38_entries_in_id_order);
    tcase_add_loop_test(tc, catalog_entry_matches_spec_row, 0, (int)COUNT(SPEC_ROWS));
    tcase_add_loop_test(tc, alias_finds_its_entry, 0, (int)COUNT(ALIASES));
    tcase_add_test(tc, unknown_names_are_not_found);
    tcase_add_test(tc, no_name_or_alias_is_shared_by_two_entries);
    tcase_add_loop_test(tc, entry_has_texts_and_kind_of_its_id_range, 0, ACTIV_FN_COUNT);
    tcase_add_loop_test(tc, param_defaults_lie_in_their_domains, 0, ACTIV_FN_COUNT);
    tcase_add_loop_test(tc, max_abs_grad_matches_hand_derived_value, 0, (int)COUNT(MAX_GRADS));
    tcase_add_test(tc, selu_max_abs_grad_is_about_1_7581);
    suite_add_tcase(s, tc);

    tc = tcase_create("binding");
    tcase_add_loop_test(tc, bind_fills_expected_parameters, 0, (int)COUNT(GOOD));
    tcase_add_loop_test(tc, function_without_params_binds_with_none, 0, ACTIV_FN_COUNT);
    tcase_add_test(tc, softplus_threshold_echoes_null_when_unset);
    tcase_add_test(tc, leaky_relu_alias_value_echoes_number);
    tcase_add_test(tc, prelu_per_feature_alpha_is_borrowed);
    tcase_add_test(tc, maxout_pool_size_sets_k);
    tcase_add_test(tc, maxout_weights_and_bias_are_borrowed);
    suite_add_tcase(s, tc);

    tc = tcase_create("gelu_approximate");
    tcase_add_loop_test(tc, gelu_approximate_accepts_strings_and_booleans_only, 0,
                        (int)COUNT(APPROX));
    tcase_add_test(tc, gelu_approximate_defaults_to_none);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, bad_params_fail_with_path, 0, (int)COUNT(BAD));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(params_suite());
}
