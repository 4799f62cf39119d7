/* refdata.h -- read the mpmath reference tables of tests/data/ (see tests/data/README.md) */
#ifndef ACTIV_TEST_REFDATA_H
#define ACTIV_TEST_REFDATA_H

#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/params.h"

/* Tests run from the repository root (the Makefile does so). */
#define REFDATA_DIR "tests/data/"

/* "overflow" marks an exact value beyond DBL_MAX: the core must report it, not return it. */
#define REF_OVERFLOW INFINITY

/* One line split at tabs, in place. Returns the number of fields. */
static inline size_t ref_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static inline double ref_number(const char *s)
{
    if (strcmp(s, "overflow") == 0)
        return REF_OVERFLOW;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    ck_assert_msg(end != s && *end == '\0', "bad number in reference table: \"%s\"", s);
    return v;
}

/* A comma-separated vector; returns its length (at most max). */
static inline size_t ref_vector(char *s, double *out, size_t max)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        out[n++] = ref_number(tok);
    return n;
}

/* Parameters as written in the tables ("-" or "name=value;name=value", maxout's weights as
 * rows separated by '|'), turned into activ_param_arg values. Storage lives in *store. */
typedef struct ref_params {
    activ_param_arg args[4];
    size_t n;
    char names[4][32];
    char strings[4][16];
    double data[4][256];
} ref_params;

static inline void ref_parse_params(const char *text, ref_params *rp)
{
    memset(rp, 0, sizeof *rp);
    if (strcmp(text, "-") == 0)
        return;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *kv = strtok_r(buf, ";", &save); kv && rp->n < 4; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        ck_assert_msg(eq != NULL, "bad params \"%s\"", text);
        *eq = '\0';
        size_t i = rp->n++;
        activ_param_arg *a = &rp->args[i];
        snprintf(rp->names[i], sizeof rp->names[i], "%s", kv);
        a->name = rp->names[i];
        char *v = eq + 1;
        if (strcmp(v, "none") == 0 || strcmp(v, "tanh") == 0) {
            snprintf(rp->strings[i], sizeof rp->strings[i], "%s", v);
            a->type = ACTIV_VALUE_STRING;
            a->string = rp->strings[i];
        } else if (strchr(v, ',') || strchr(v, '|')) {
            size_t rows = 0, cols = 0, n = 0;
            char *rsave = NULL;
            for (char *row = strtok_r(v, "|", &rsave); row; row = strtok_r(NULL, "|", &rsave)) {
                size_t got = 0;
                char *csave = NULL;
                for (char *c = strtok_r(row, ",", &csave); c; c = strtok_r(NULL, ",", &csave)) {
                    rp->data[i][n++] = ref_number(c);
                    got++;
                }
                cols = got;
                rows++;
            }
            a->type = strcmp(a->name, "weights") == 0 ? ACTIV_VALUE_MATRIX : ACTIV_VALUE_VECTOR;
            a->data = rp->data[i];
            a->rows = a->type == ACTIV_VALUE_MATRIX ? rows : 1;
            a->cols = a->type == ACTIV_VALUE_MATRIX ? cols : n;
        } else {
            a->type = ACTIV_VALUE_NUMBER;
            a->number = ref_number(v);
            if (strcmp(a->name, "weights") == 0) { /* a 1 x 1 matrix */
                rp->data[i][0] = a->number;
                a->type = ACTIV_VALUE_MATRIX;
                a->data = rp->data[i];
                a->rows = a->cols = 1;
            } else if (strcmp(a->name, "bias") == 0) {
                rp->data[i][0] = a->number;
                a->type = ACTIV_VALUE_VECTOR;
                a->data = rp->data[i];
                a->rows = a->cols = 1;
            }
        }
    }
}

static inline FILE *ref_open(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, REFDATA_DIR "%s", name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s (run the tests from the repository root)", path);
    return f;
}

#endif
