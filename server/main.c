/* main.c -- activd: config, service, HTTP, wait for SIGINT/SIGTERM, drain, exit (wiring) */
#include "activ/config.h"
#include "activ/http.h"
#include "activ/service.h"
#include "activ/version.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

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

    /* TODO(lead): load cfg.rules (or the built-in rules) here once the rule engine exists. */
    activ_service *svc;
    activ_error err;
    if (activ_service_new(&svc, &err) != ACTIV_OK) {
        fprintf(stderr, "activ: %s\n", err.message);
        return EXIT_FAILURE;
    }

    activ_http_options opts = {
        .host = cfg.host,
        .port = cfg.port,
        .threads = cfg.threads,
        .max_body = cfg.max_body,
        .max_connections = cfg.max_connections,
        .timeout = cfg.timeout,
    };
    activ_http *http = activ_http_start(&opts, svc, msg, sizeof msg);
    if (!http) {
        fprintf(stderr, "activ: %s\n", msg);
        activ_service_free(svc);
        return EXIT_FAILURE;
    }
    activ_service_log_listening(cfg.host, activ_http_port(http), cfg.threads);

    int sig = SIGTERM;
    (void)sigwait(&stop, &sig); /* fails only for an invalid set */
    activ_service_log_event("stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    activ_http_stop(http);
    activ_service_free(svc);
    activ_service_log_event("stopped", NULL);
    return EXIT_SUCCESS;
}
