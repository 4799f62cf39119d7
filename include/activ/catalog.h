/* catalog.h -- every activation activ knows: names, parameters, properties and texts */
#ifndef ACTIV_CATALOG_H
#define ACTIV_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/* One identifier per catalog function, in catalog order (SPEC section 1). */
typedef enum activ_fn_id {
    ACTIV_FN_BINARY_STEP,
    ACTIV_FN_LINEAR,
    ACTIV_FN_SIGMOID,
    ACTIV_FN_TANH,
    ACTIV_FN_RELU,
    ACTIV_FN_LEAKY_RELU,
    ACTIV_FN_PRELU,
    ACTIV_FN_ELU,
    ACTIV_FN_SELU,
    ACTIV_FN_CELU,
    ACTIV_FN_GELU,
    ACTIV_FN_SILU,
    ACTIV_FN_MISH,
    ACTIV_FN_SOFTPLUS,
    ACTIV_FN_SOFTSIGN,
    ACTIV_FN_HARDTANH,
    ACTIV_FN_RELU6,
    ACTIV_FN_HARDSIGMOID,
    ACTIV_FN_HARDSWISH,
    ACTIV_FN_LOG_SIGMOID,
    ACTIV_FN_TANHSHRINK,
    ACTIV_FN_SOFTSHRINK,
    ACTIV_FN_HARDSHRINK,
    ACTIV_FN_THRESHOLD,
    ACTIV_FN_RRELU,
    ACTIV_FN_SQUAREPLUS,
    ACTIV_FN_SPARSE_PLUS,
    ACTIV_FN_SPARSE_SIGMOID,
    ACTIV_FN_EXPONENTIAL,
    ACTIV_FN_LISHT,
    ACTIV_FN_SNAKE,
    /* row-wise functions: they act on the last axis */
    ACTIV_FN_SOFTMAX,
    ACTIV_FN_LOG_SOFTMAX,
    ACTIV_FN_SOFTMIN,
    ACTIV_FN_SPARSEMAX,
    ACTIV_FN_GLU,
    ACTIV_FN_CRELU,
    ACTIV_FN_MAXOUT,
    ACTIV_FN_COUNT
} activ_fn_id;

/* The first row-wise identifier; every id below it is elementwise. */
#define ACTIV_FN_FIRST_ROWWISE ACTIV_FN_SOFTMAX

/* Most parameters a function has. */
#define ACTIV_MAX_PARAMS 3

typedef enum activ_param_type {
    ACTIV_PT_REAL,        /* a finite number */
    ACTIV_PT_OPT_REAL,    /* a finite number, or null (the default: "not set") */
    ACTIV_PT_INT,         /* an integral number */
    ACTIV_PT_REAL_OR_VEC, /* a number, or one number per feature of the last axis (prelu) */
    ACTIV_PT_VEC,         /* an array of numbers (maxout bias) */
    ACTIV_PT_MAT,         /* an array of equal-length arrays of numbers (maxout weights) */
    ACTIV_PT_APPROXIMATE  /* "none" | "tanh", or false | true (gelu) */
} activ_param_type;

/* The domain of a numeric parameter: lo <op> value <op> hi, with NaN bound meaning none. */
typedef struct activ_param_spec {
    const char *name;
    const char *aliases[3]; /* PyTorch/Keras spellings; NULL-terminated when shorter */
    activ_param_type type;
    double def;            /* default; NaN where the default is "none" or required */
    double lo, hi;         /* bounds; NaN when unbounded on that side */
    bool lo_open, hi_open; /* true: the bound itself is excluded */
    const char *doc;       /* one sentence: what the parameter does */
} activ_param_spec;

typedef enum activ_kind { ACTIV_KIND_ELEMENTWISE, ACTIV_KIND_ROWWISE } activ_kind;

/* Which sides of the input axis flatten out (the gradient goes to zero there). */
typedef enum activ_saturation {
    ACTIV_SAT_NONE,
    ACTIV_SAT_LEFT,
    ACTIV_SAT_RIGHT,
    ACTIV_SAT_BOTH
} activ_saturation;

/* The words of an entry: what people read. All strings are static, UTF-8, English. */
typedef struct activ_catalog_text {
    const char *summary;          /* one sentence */
    const char *formula_latex;    /* f(x) in LaTeX */
    const char *derivative_latex; /* f'(x) (or the Jacobian) in LaTeX, with the kink convention */
    const char *const *pros;      /* NULL-terminated lists of sentences */
    const char *const *cons;
    const char *const *uses;
    const char *source; /* "seed 5.3", or the paper / library that defines it */
} activ_catalog_text;

typedef struct activ_catalog_entry {
    activ_fn_id id;
    const char *name;       /* canonical, e.g. "leaky_relu" */
    const char *aliases[4]; /* NULL-terminated when shorter */
    activ_kind kind;
    const activ_param_spec *params;
    size_t n_params;
    const char *range;         /* the output range in interval notation, e.g. "(0, 1)" */
    double range_lo, range_hi; /* its bounds (±INFINITY when unbounded) */
    bool monotonic;            /* non-decreasing in every input, with the default params */
    bool smooth;               /* continuously differentiable everywhere */
    bool zero_centered;        /* odd: f(-x) = -f(x), so outputs centre on 0 like inputs */
    activ_saturation saturation;
    double max_abs_grad; /* sup |f'| with default params; NaN where unbounded or n/a */
    const activ_catalog_text *text;
} activ_catalog_entry;

/* All entries, in activ_fn_id order; *count receives ACTIV_FN_COUNT. Static storage. */
const activ_catalog_entry *activ_catalog_all(size_t *count);

/* The entry for `id`, or NULL when id is out of range. */
const activ_catalog_entry *activ_catalog_get(activ_fn_id id);

/* Looks up a canonical name or alias (exact, case-sensitive); NULL when there is none. */
const activ_catalog_entry *activ_catalog_find(const char *name);

/* The texts, indexed by activ_fn_id (server/core/catalog_text.c). */
extern const activ_catalog_text activ_catalog_texts[ACTIV_FN_COUNT];

#endif
