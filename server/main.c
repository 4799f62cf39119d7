/* main.c -- activd: config, rules, service, HTTP, wait for SIGINT/SIGTERM, drain, exit (wiring) */
#include "activ/config.h"
#include "activ/http.h"
#include "activ/rules.h"
#include "activ/service.h"
#include "activ/version.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A rule file is a few kilobytes; this only bounds what a wrong path (a log, a device) costs. */
#define RULES_MAX_BYTES (1u << 20)
#define MMAP_THRESHOLD  (256 * 1024) /* blocks this large are mapped, and unmapped when freed */

/* Reads and validates the rule file at `path` into *out. On a fault prints one line naming the
 * file, the JSON Pointer and the rule, and returns the exit status: 2, a bad --rules value,
 * like any bad flag (SPEC section 3). */
static int load_rules(const char *path, activ_rules **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "activ: %s: cannot open the rule file: %s\n", path, strerror(errno));
        return 2;
    }
    char *buf = malloc(RULES_MAX_BYTES + 1);
    size_t len = buf ? fread(buf, 1, RULES_MAX_BYTES + 1, f) : 0;
    bool failed = !buf || ferror(f);
    fclose(f);
    if (failed || len > RULES_MAX_BYTES) {
        fprintf(stderr, "activ: %s: %s\n", path,
                !buf     ? "out of memory"
                : failed ? "cannot read the rule file"
                         : "larger than 1 MiB");
        free(buf);
        return 2;
    }
    activ_error err;
    activ_status st = activ_rules_from_json(buf, len, out, &err);
    free(buf);
    if (st != ACTIV_OK) {
        fprintf(stderr, "activ: %s: %s%s%s\n", path, err.path, err.path[0] ? ": " : "",
                err.message);
        return st == ACTIV_E_NOMEM ? EXIT_FAILURE : 2;
    }
    return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    activ_config cfg;
    char msg[512];
    switch (activ_config_parse(argc, argv, NULL, &cfg, msg, sizeof msg)) {
        case ACTIV_CONFIG_HELP:
            fputs(activ_config_usage(), stdout);
            return EXIT_SUCCESS;
        case ACTIV_CONFIG_VERSION:
            printf("activd %s\n", ACTIV_VERSION);
            return EXIT_SUCCESS;
        case ACTIV_CONFIG_ERROR:
            fprintf(stderr, "activ: %s\n", msg);
            return 2;
        case ACTIV_CONFIG_RUN:
            break;
    }

    /* Block the stop signals before any thread starts, so that every thread inherits the mask
     * and sigwait() below is the only place they arrive. A peer that closes early must not kill
     * the process with SIGPIPE. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    struct sigaction ignore = {.sa_handler = SIG_IGN};
    sigemptyset(&ignore.sa_mask);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0 || sigaction(SIGPIPE, &ignore, NULL) != 0) {
        fprintf(stderr, "activ: cannot set up signal handling\n");
        return EXIT_FAILURE;
    }

    /* A big request's body, numbers and answer are single blocks of up to tens of MB. After
     * freeing one, glibc raises its mmap threshold to that size, so later blocks come from the
     * heap and stay resident once the request is done; a fixed threshold gives each back. */
    (void)mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);

    activ_rules *rules = NULL;
    activ_error err;
    if (cfg.rules) {
        int code = load_rules(cfg.rules, &rules);
        if (code != EXIT_SUCCESS)
            return code;
    }
    activ_service *svc;
    if (activ_service_new(rules, &svc, &err) != ACTIV_OK) {
        fprintf(stderr, "activ: %s\n", err.message);
        activ_rules_free(rules);
        return EXIT_FAILURE;
    }

    activ_http_options opts = {
        .host = cfg.host,
        .port = cfg.port,
        .threads = cfg.threads,
        .max_body = cfg.max_body,
        .max_connections = cfg.max_connections,
        .timeout = cfg.timeout,
        .request_timeout = cfg.request_timeout,
        .max_connections_per_ip = cfg.max_connections_per_ip,
    };
    activ_http *http = activ_http_start(&opts, svc, msg, sizeof msg);
    if (!http) {
        fprintf(stderr, "activ: %s\n", msg);
        activ_service_free(svc);
        activ_rules_free(rules);
        return EXIT_FAILURE;
    }
    activ_service_log_listening(cfg.host, activ_http_port(http), cfg.threads);

    int sig = SIGTERM;
    (void)sigwait(&stop, &sig); /* fails only for an invalid set */
    activ_service_log_event("stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    activ_http_stop(http);
    activ_service_free(svc);
    activ_rules_free(rules);
    activ_service_log_event("stopped", NULL);
    return EXIT_SUCCESS;
}
