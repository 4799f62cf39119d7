/* config.h -- command-line flags and ACTIV_* environment variables for activd */
#ifndef ACTIV_CONFIG_H
#define ACTIV_CONFIG_H

#include <stddef.h>

/* The validated settings of one activd process (SPEC section 3). A value struct: the strings
 * point into argv or the environment, which outlive the process's use of them. */
typedef struct activ_config {
    const char *host;         /* address or name to listen on; default "0.0.0.0" */
    unsigned port;            /* TCP port, 0..65535 (0: the kernel picks one); default 8080 */
    unsigned threads;         /* worker threads; default the number of online cores */
    size_t max_body;          /* request body limit in bytes; default 1 MiB */
    unsigned max_connections; /* concurrent connections; default 250 */
    unsigned timeout;         /* idle connection timeout in seconds; default 30 */
    unsigned request_timeout; /* seconds a connection has to send a whole request; default 30 */
    unsigned max_connections_per_ip; /* connections from one address, 0: any; default 0 */
    const char *rules; /* rule file replacing the built-in rules; NULL for the built-in */
} activ_config;

/* What the caller of activ_config_parse should do next. */
typedef enum activ_config_action {
    ACTIV_CONFIG_RUN,     /* *out is filled in and valid: start the server */
    ACTIV_CONFIG_HELP,    /* --help: print activ_config_usage() to stdout, exit 0 */
    ACTIV_CONFIG_VERSION, /* --version: print "activd " ACTIV_VERSION to stdout, exit 0 */
    ACTIV_CONFIG_ERROR    /* a bad flag or value: msg holds one line naming it; exit 2 */
} activ_config_action;

/* Builds a configuration from defaults, then the ACTIV_* environment variables, then the
 * flags in argv[1..argc-1] (flags win over the environment). Flags take "--flag value" or
 * "--flag=value"; integers are decimal digits only, range-checked. An empty environment
 * variable counts as unset. `envp` is a NULL-terminated array of "NAME=value" strings, or
 * NULL to read the process environment with getenv(). `out` is written only for
 * ACTIV_CONFIG_RUN. On ACTIV_CONFIG_ERROR, `msg` (if msgsz > 0) holds one line without a
 * trailing newline or "activ: " prefix, e.g. `--port: expected an integer 0..65535, got "x"`.
 * Never prints, never exits. */
activ_config_action activ_config_parse(int argc, char *const argv[], char *const envp[],
                                       activ_config *out, char *msg, size_t msgsz);

/* The --help text: a static, newline-terminated string listing every flag, its environment
 * variable and its default. */
const char *activ_config_usage(void);

#endif
