/* metrics.c -- request counters (C11 atomics) and their Prometheus text for GET /metrics (http) */
#include "activ/metrics.h"

#include "activ/catalog.h"
#include "activ/version.h"

#include <assert.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counters use relaxed atomics: each is exact on its own, and nothing is ordered by them. */
#define ADD(counter, n) atomic_fetch_add_explicit(&(counter), (n), memory_order_relaxed)
#define SUB(counter, n) atomic_fetch_sub_explicit(&(counter), (n), memory_order_relaxed)
#define GET(counter)    atomic_load_explicit(&(counter), memory_order_relaxed)

/* The `path` label: a fixed set, never the client's path (unbounded cardinality). Keep it in
 * step with the service's routes; the last one catches the rest. */
static const char *const path_labels[] = {
    "/evaluate", "/differentiate", "/recommend",    "/activations", "/activations/{name}",
    "/healthz",  "/metrics",       "/openapi.yaml", "other",
};
#define PATH_COUNT (sizeof path_labels / sizeof path_labels[0])
#define PATH_OTHER (PATH_COUNT - 1)
#define NAME_PATH  4 /* "/activations/{name}" */
static_assert(PATH_COUNT == 9, "path labels");

/* The `status` label: every status the server sends, then "other". */
static const int statuses[] = {200, 400, 404, 405, 413, 415, 422, 503};
static const char *const status_labels[] = {"200", "400", "404", "405",  "413",
                                            "415", "422", "503", "other"};
#define STATUS_COUNT (sizeof status_labels / sizeof status_labels[0])
#define STATUS_OTHER (STATUS_COUNT - 1)
static_assert(sizeof statuses / sizeof statuses[0] == STATUS_COUNT - 1, "status labels");

/* Duration buckets: upper bounds in microseconds (durations are measured in whole ones), and
 * the same in seconds as printed. A last, unnamed bucket holds the rest (+Inf). */
static const uint64_t bucket_micros[] = {100,   250,   500,    1000,   2500,   5000,    10000,
                                         25000, 50000, 100000, 250000, 500000, 1000000, 2500000};
static const char *const bucket_labels[] = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025",
                                            "0.005",  "0.01",    "0.025",  "0.05",  "0.1",
                                            "0.25",   "0.5",     "1",      "2.5"};
#define BUCKET_COUNT (sizeof bucket_micros / sizeof bucket_micros[0])
static_assert(sizeof bucket_labels / sizeof bucket_labels[0] == BUCKET_COUNT, "bucket labels");

struct activ_metrics {
    atomic_ullong requests[PATH_COUNT][STATUS_COUNT];
    atomic_ullong buckets[BUCKET_COUNT + 1]; /* not cumulative: each request is in one */
    atomic_ullong duration_micros;           /* the histogram's _sum, in microseconds */
    atomic_ullong elements[ACTIV_FN_COUNT];
    atomic_size_t in_flight;
    atomic_size_t connections;
};

activ_metrics *activ_metrics_new(void)
{
    activ_metrics *m = malloc(sizeof *m);
    if (!m)
        return NULL;
    for (size_t p = 0; p < PATH_COUNT; p++) {
        for (size_t s = 0; s < STATUS_COUNT; s++)
            atomic_init(&m->requests[p][s], 0);
    }
    for (size_t b = 0; b <= BUCKET_COUNT; b++)
        atomic_init(&m->buckets[b], 0);
    atomic_init(&m->duration_micros, 0);
    for (size_t f = 0; f < ACTIV_FN_COUNT; f++)
        atomic_init(&m->elements[f], 0);
    atomic_init(&m->in_flight, 0);
    atomic_init(&m->connections, 0);
    return m;
}

void activ_metrics_free(activ_metrics *m)
{
    free(m);
}

/* ---------------------------------------------------------------- labels */

static size_t path_index(const char *path)
{
    static const char prefix[] = "/activations/";
    /* like the router: a prefix route needs something after the '/' */
    if (strncmp(path, prefix, sizeof prefix - 1) == 0)
        return path[sizeof prefix - 1] != '\0' ? NAME_PATH : PATH_OTHER;
    for (size_t i = 0; i < PATH_OTHER; i++) {
        if (i != NAME_PATH && strcmp(path, path_labels[i]) == 0)
            return i;
    }
    return PATH_OTHER;
}

static size_t status_index(int status)
{
    for (size_t i = 0; i < STATUS_OTHER; i++) {
        if (statuses[i] == status)
            return i;
    }
    return STATUS_OTHER;
}

const char *activ_metrics_path_label(const char *path)
{
    return path_labels[path_index(path)];
}

const char *activ_metrics_status_label(int status)
{
    return status_labels[status_index(status)];
}

/* ---------------------------------------------------------------- updates */

void activ_metrics_request_begin(activ_metrics *m)
{
    ADD(m->in_flight, 1);
}

void activ_metrics_request_end(activ_metrics *m, const activ_metrics_request *req)
{
    ADD(m->requests[path_index(req->path)][status_index(req->status)], 1);
    size_t b = 0;
    while (b < BUCKET_COUNT && req->micros > bucket_micros[b])
        b++;
    ADD(m->buckets[b], 1);
    ADD(m->duration_micros, req->micros);
    if (req->activation >= 0 && req->activation < (int)ACTIV_FN_COUNT && req->elements > 0)
        ADD(m->elements[req->activation], req->elements);
    SUB(m->in_flight, 1);
}

size_t activ_metrics_in_flight(activ_metrics *m)
{
    return GET(m->in_flight);
}

void activ_metrics_connection_opened(activ_metrics *m)
{
    ADD(m->connections, 1);
}

void activ_metrics_connection_closed(activ_metrics *m)
{
    SUB(m->connections, 1);
}

/* ---------------------------------------------------------------- the text format */

/* Every line printed is shorter than this (the longest is a HELP line of ~110 bytes). */
#define LINE_MAX_BYTES 192
#define METRIC_COUNT   6 /* each with a HELP and a TYPE line */
#define LINE_COUNT                                                                                 \
    (2 * METRIC_COUNT + PATH_COUNT * STATUS_COUNT + (BUCKET_COUNT + 1) + 2 + 1 + 1 +               \
     ACTIV_FN_COUNT + 1)

typedef struct writer {
    char *buf;
    size_t len, cap;
} writer;

ACTIV_PRINTF(2, 3) static void put(writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
    va_end(ap);
    /* the buffer is sized for LINE_COUNT lines of LINE_MAX_BYTES: a longer text is a bug here */
    ACTIV_ASSERT(n >= 0 && (size_t)n < w->cap - w->len);
    w->len += (size_t)n;
}

static void head(writer *w, const char *name, const char *type, const char *help)
{
    put(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values need no escaping: paths, statuses, catalog names ([a-z0-9_]) and the version
 * are all fixed strings without '"', '\\' or newlines. */
bool activ_metrics_print(activ_metrics *m, char **body, size_t *len)
{
    writer w = {.buf = NULL, .len = 0, .cap = (size_t)LINE_COUNT * LINE_MAX_BYTES};
    w.buf = malloc(w.cap);
    if (!w.buf)
        return false;

    head(&w, "activ_http_requests_total", "counter",
         "HTTP requests answered, by API path (route template) and status.");
    for (size_t p = 0; p < PATH_COUNT; p++) {
        for (size_t s = 0; s < STATUS_COUNT; s++)
            put(&w, "activ_http_requests_total{path=\"%s\",status=\"%s\"} %llu\n", path_labels[p],
                status_labels[s], GET(m->requests[p][s]));
    }

    /* _count is the +Inf bucket, read once, so that the two always agree */
    head(&w, "activ_http_request_duration_seconds", "histogram",
         "Time from a request's headers to its completion (response sent), in seconds.");
    unsigned long long cumulative = 0;
    for (size_t b = 0; b <= BUCKET_COUNT; b++) {
        cumulative += GET(m->buckets[b]);
        put(&w, "activ_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n",
            b < BUCKET_COUNT ? bucket_labels[b] : "+Inf", cumulative);
    }
    unsigned long long micros = GET(m->duration_micros);
    put(&w, "activ_http_request_duration_seconds_sum %llu.%06llu\n", micros / 1000000,
        micros % 1000000);
    put(&w, "activ_http_request_duration_seconds_count %llu\n", cumulative);

    head(&w, "activ_http_requests_in_flight", "gauge",
         "Requests received and not yet completed, this one included.");
    put(&w, "activ_http_requests_in_flight %zu\n", GET(m->in_flight));

    head(&w, "activ_http_connections", "gauge",
         "Open HTTP connections, including those over --max-connections being refused.");
    put(&w, "activ_http_connections %zu\n", GET(m->connections));

    head(&w, "activ_elements_evaluated_total", "counter",
         "Input elements evaluated, by activation (canonical catalog name).");
    for (size_t f = 0; f < ACTIV_FN_COUNT; f++)
        put(&w, "activ_elements_evaluated_total{activation=\"%s\"} %llu\n",
            activ_catalog_get((activ_fn_id)f)->name, GET(m->elements[f]));

    head(&w, "activ_build_info", "gauge", "The running version of activ; the value is always 1.");
    put(&w, "activ_build_info{version=\"%s\"} 1\n", ACTIV_VERSION);

    *body = w.buf;
    *len = w.len;
    return true;
}
