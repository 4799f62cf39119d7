/* recommend.c -- GET and POST /recommend: query fields in, ranked advice with reasons out (service)
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ/rules.h"
#include "internal.h"

#define MAX_SHOWN  60   /* bytes of a client's key or value quoted in a message */
#define MAX_DIGITS 9    /* an integer field has at most this many digits (depth <= 10000) */
#define TEXT_BUF   2048 /* a rendered text usually fits; longer ones get the heap */

/* ---------------------------------------------------------------- the query string */

/* The field named key, with its JSON Pointer in path; or -1 with err naming the fields. */
static int find_field(const char *key, char *path, size_t n, activ_error *err)
{
    path[0] = '\0';
    activ_pointer_append(path, n, key);
    int f = activ_rules_field_find(key);
    if (f < 0) {
        char names[256];
        activ_rules_field_list(names, sizeof names);
        activ_error_set(err, ACTIV_E_REQUEST, path, "unknown field \"%.60s\"; /recommend takes %s",
                        key, names);
    }
    return f;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..len) into out (size n, NUL-terminated; '+' is a space, as HTML forms
 * send it). False for a malformed escape, an encoded NUL, or a result that does not fit. */
static bool unescape(const char *s, size_t len, char *out, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex_digit(s[i + 1]) : -1;
            int lo = i + 2 < len ? hex_digit(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (o + 1 >= n)
            return false;
        out[o++] = c;
    }
    out[o] = '\0';
    return true;
}

/* A value given as text (the query string) as the field's core value; a value outside the
 * field's domain (-1, or below an integer field's range) when the text is not one, so that
 * activ_rules_query_set() names what is allowed. */
static long parse_text(activ_rq_field f, const char *v)
{
    const activ_rq_field_spec *s = activ_rules_field(f);
    switch (s->type) {
        case ACTIV_RQ_ENUM:
            return activ_rules_word_find(f, v);
        case ACTIV_RQ_BOOL:
            return strcmp(v, "true") == 0 ? 1 : strcmp(v, "false") == 0 ? 0 : -1;
        case ACTIV_RQ_INT: {
            size_t n = strlen(v);
            bool digits = n > 0 && n <= MAX_DIGITS && strspn(v, "0123456789") == n;
            return digits ? strtol(v, NULL, 10) : s->lo - 1;
        }
    }
    return -1;
}

/* Parses "layer=output&depth=3" into q. Empty pairs ("a=1&&b=2") are skipped. */
static activ_status query_from_string(const char *qs, activ_rules_query *q, activ_error *err)
{
    while (qs && *qs) {
        const char *amp = strchr(qs, '&');
        size_t len = amp ? (size_t)(amp - qs) : strlen(qs);
        const char *eq = memchr(qs, '=', len);
        char key[64], value[128];
        if (len > 0) {
            size_t klen = eq ? (size_t)(eq - qs) : len;
            if (!unescape(qs, klen, key, sizeof key))
                return activ_error_set(err, ACTIV_E_REQUEST, NULL,
                                       "the query string has a malformed or over-long name: "
                                       "\"%.*s\"",
                                       (int)(klen < MAX_SHOWN ? klen : MAX_SHOWN), qs);
            char path[80];
            int f = find_field(key, path, sizeof path, err);
            if (f < 0)
                return err->status;
            if (activ_rules_query_has(q, (activ_rq_field)f))
                return activ_error_set(err, ACTIV_E_REQUEST, path, "%s is given twice", key);
            if (!eq)
                return activ_error_set(err, ACTIV_E_REQUEST, path, "%s needs a value: %s=...", key,
                                       key);
            size_t vlen = len - klen - 1;
            if (!unescape(eq + 1, vlen, value, sizeof value))
                return activ_error_set(err, ACTIV_E_REQUEST, path,
                                       "the value of %s is malformed or too long", key);
            activ_status st = activ_rules_query_set(q, (activ_rq_field)f,
                                                    parse_text((activ_rq_field)f, value), err);
            if (st != ACTIV_OK)
                return st;
        }
        qs = amp ? amp + 1 : NULL;
    }
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- the JSON body */

static activ_status query_from_json(json_t *root, activ_rules_query *q, activ_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        char path[80];
        int f = find_field(key, path, sizeof path, err);
        if (f < 0)
            return err->status;
        if (json_is_null(v)) /* null: not given */
            continue;
        const activ_rq_field_spec *s = activ_rules_field((activ_rq_field)f);
        long value = -1;
        bool typed = false;
        switch (s->type) {
            case ACTIV_RQ_ENUM:
                typed = json_is_string(v);
                if (typed)
                    value = activ_rules_word_find((activ_rq_field)f, json_string_value(v));
                break;
            case ACTIV_RQ_BOOL:
                typed = json_is_boolean(v);
                value = json_is_true(v);
                break;
            case ACTIV_RQ_INT: {
                /* numbers arrive as doubles (the decoder reads integers as reals) */
                double d = json_number_value(v);
                typed = json_is_number(v) && d == floor(d);
                /* convert only what is in range: a double beyond long's range has no long */
                value = typed && d >= (double)s->lo && d <= (double)s->hi ? (long)d : s->lo - 1;
                break;
            }
        }
        if (!typed) {
            static const char *const want[] = {"a string", "true or false", "an integer"};
            return activ_error_set(err, ACTIV_E_REQUEST, path, "%s must be %s", s->name,
                                   want[s->type]);
        }
        activ_status st = activ_rules_query_set(q, (activ_rq_field)f, value, err);
        if (st != ACTIV_OK)
            return st;
    }
    return ACTIV_OK;
}

/* ---------------------------------------------------------------- the answer */

/* A rendered text as a new JSON string; NULL when out of memory. */
static json_t *rendered(const activ_rules *r, size_t rule, size_t action,
                        const activ_rules_query *q)
{
    char buf[TEXT_BUF];
    size_t len = activ_rules_render(r, rule, action, q, buf, sizeof buf);
    if (len < sizeof buf)
        return json_stringn(buf, len);
    char *big = malloc(len + 1);
    if (!big)
        return NULL;
    activ_rules_render(r, rule, action, q, big, len + 1);
    json_t *s = json_stringn(big, len);
    free(big);
    return s;
}

/* Appends to `arr` the texts of the hits of kinds `a` or `b` naming fn. */
static bool add_reasons(json_t *arr, const activ_rules *r, const activ_recommendation *rec,
                        const activ_rules_query *q, activ_fn_id fn, activ_action_kind a,
                        activ_action_kind b)
{
    for (size_t i = 0; i < rec->n_hits; i++) {
        const activ_rec_hit *h = &rec->hits[i];
        const activ_rule_action *act = activ_rules_action(r, h->rule, h->action);
        if (act->fn != fn || (act->kind != a && act->kind != b) || act->kind == ACTIV_ACT_NOTE)
            continue;
        if (json_array_append_new(arr, rendered(r, h->rule, h->action, q)) != 0)
            return false;
    }
    return true;
}

static json_t *candidate_json(const activ_rules *r, const activ_recommendation *rec,
                              const activ_rules_query *q, const activ_rec_candidate *c)
{
    json_t *reasons = json_array();
    json_t *o =
        json_pack("{s:s,s:o,s:f,s:o}", "activation", activ_catalog_get(c->fn)->name, "params",
                  activ_encode_params(c->params), "score", c->score, "reasons", reasons);
    if (!o)
        return NULL;
    if (!add_reasons(reasons, r, rec, q, c->fn, ACTIV_ACT_RECOMMEND, ACTIV_ACT_PREFER)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The query as understood, defaults filled in: {"layer": "hidden", "depth": 3, ...}. */
static json_t *query_json(const activ_rules_query *q)
{
    json_t *o = json_object();
    for (int f = 0; o && f < ACTIV_RQ_COUNT; f++) {
        if (!activ_rules_query_has(q, (activ_rq_field)f))
            continue;
        const activ_rq_field_spec *s = activ_rules_field((activ_rq_field)f);
        long v = q->value[f];
        json_t *j = s->type == ACTIV_RQ_ENUM   ? json_string(s->words[v])
                    : s->type == ACTIV_RQ_BOOL ? json_boolean(v)
                                               : json_integer(v);
        if (json_object_set_new(o, s->name, j) != 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *answer_json(const activ_rules *r, const activ_recommendation *rec,
                           const activ_rules_query *q)
{
    json_t *alternatives = json_array(), *avoid = json_array(), *notes = json_array(),
           *fired = json_array();
    json_t *best = rec->n_ranked > 0 ? candidate_json(r, rec, q, &rec->ranked[0]) : json_null();
    json_t *root = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "query", query_json(q), "recommendation",
                             best, "alternatives", alternatives, "avoid", avoid, "notes", notes,
                             "rules_fired", fired);
    if (!root)
        return NULL;
    bool ok = true;
    for (size_t i = 1; ok && i < rec->n_ranked; i++)
        ok = json_array_append_new(alternatives, candidate_json(r, rec, q, &rec->ranked[i])) == 0;
    for (size_t i = 0; ok && i < rec->n_avoid; i++) {
        json_t *reasons = json_array();
        ok = json_array_append_new(avoid, json_pack("{s:s,s:o}", "activation",
                                                    activ_catalog_get(rec->avoid[i])->name,
                                                    "reasons", reasons)) == 0 &&
             add_reasons(reasons, r, rec, q, rec->avoid[i], ACTIV_ACT_AVOID, ACTIV_ACT_AVOID);
    }
    for (size_t i = 0; ok && i < rec->n_hits; i++) {
        const activ_rec_hit *h = &rec->hits[i];
        if (activ_rules_action(r, h->rule, h->action)->kind == ACTIV_ACT_NOTE)
            ok = json_array_append_new(notes, rendered(r, h->rule, h->action, q)) == 0;
    }
    for (size_t i = 0; ok && i < rec->n_fired; i++) {
        size_t k = rec->fired[i];
        ok = json_array_append_new(fired, json_pack("{s:s,s:o,s:s}", "id", activ_rules_id(r, k),
                                                    "text", rendered(r, k, SIZE_MAX, q), "source",
                                                    activ_rules_source(r, k))) == 0;
    }
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Matches q (defaults filled in) and fills *res with the answer. */
static void answer(const activ_service *svc, activ_rules_query *q, activ_response *res)
{
    const activ_rules *r = activ_service_rules(svc);
    activ_rules_query_defaults(q);
    activ_recommendation rec;
    activ_error err;
    if (activ_rules_match(r, q, &rec, &err) != ACTIV_OK) {
        activ_service_set_overloaded(res);
        return;
    }
    json_t *root = answer_json(r, &rec, q);
    activ_recommendation_fini(&rec);
    if (!root) {
        activ_service_set_overloaded(res);
        return;
    }
    activ_service_set_json(res, 200, root);
    json_decref(root);
}

void activ_recommend_get(const activ_service *svc, const activ_request *req, activ_response *res)
{
    activ_rules_query q;
    activ_error err;
    activ_rules_query_init(&q);
    activ_error_clear(&err);
    if (query_from_string(req->query, &q, &err) != ACTIV_OK) {
        activ_service_status_response(res, &err);
        return;
    }
    answer(svc, &q, res);
}

void activ_recommend_post(const activ_service *svc, const activ_request *req, activ_response *res)
{
    activ_rules_query q;
    activ_error err;
    activ_rules_query_init(&q);
    activ_error_clear(&err);
    if (req->query && req->query[0] != '\0') {
        activ_service_error_response(res, ACTIV_CODE_INVALID_REQUEST, NULL,
                                     "POST /recommend takes its fields in the JSON body; leave "
                                     "the query string empty (or use GET)");
        return;
    }
    json_t *root =
        activ_decode_object(req, "{\"layer\": \"output\", \"task\": \"multiclass\"}", res);
    if (!root)
        return;
    activ_status st = query_from_json(root, &q, &err);
    json_decref(root);
    if (st != ACTIV_OK) {
        activ_service_status_response(res, &err);
        return;
    }
    answer(svc, &q, res);
}
