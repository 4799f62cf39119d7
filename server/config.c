/* config.c -- flags and ACTIV_* environment variables into an activ_config (wiring) */
#include "activ/config.h"

#include "activ/status.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Ranges of the numeric settings. The upper bounds only catch typos (an extra digit or two);
 * none of them is a tested capacity. */
#define PORT_MAX            65535u
#define THREADS_MAX         256u          /* threads in MHD's pool */
#define MAX_BODY_MAX        (1024u << 20) /* 1 GiB: bodies are held in memory whole */
#define MAX_CONNECTIONS_MAX 100000u
#define TIMEOUT_MAX         86400u /* one day, in seconds */
#define HOST_MAX            255u   /* the longest DNS name */
#define QUOTE_MAX           48u    /* bytes of a bad value repeated in a message */

#define DEFAULT_HOST            "0.0.0.0"
#define DEFAULT_PORT            8080u
#define DEFAULT_MAX_BODY        (1u << 20) /* 1 MiB */
#define DEFAULT_MAX_CONNECTIONS 250u /* NOTES-mhd-jansson.md point 2: <= 125 per epoll thread */
#define DEFAULT_TIMEOUT         30u
#define DEFAULT_REQUEST_TIMEOUT 30u /* slowloris: a request must arrive whole within this */

typedef enum option_id {
    OPT_HOST,
    OPT_PORT,
    OPT_THREADS,
    OPT_MAX_BODY,
    OPT_MAX_CONNECTIONS,
    OPT_TIMEOUT,
    OPT_REQUEST_TIMEOUT,
    OPT_MAX_PER_IP,
    OPT_RULES,
    OPT_COUNT
} option_id;

typedef struct option {
    const char *flag;
    const char *env;
    bool is_string;
    unsigned long long min, max; /* for integers */
} option;

static const option options[] = {
    [OPT_HOST] = {.flag = "--host", .env = "ACTIV_HOST", .is_string = true},
    [OPT_PORT] = {.flag = "--port", .env = "ACTIV_PORT", .min = 0, .max = PORT_MAX},
    [OPT_THREADS] = {.flag = "--threads", .env = "ACTIV_THREADS", .min = 1, .max = THREADS_MAX},
    [OPT_MAX_BODY] = {.flag = "--max-body", .env = "ACTIV_MAX_BODY", .min = 1, .max = MAX_BODY_MAX},
    [OPT_MAX_CONNECTIONS] = {.flag = "--max-connections",
                             .env = "ACTIV_MAX_CONNECTIONS",
                             .min = 1,
                             .max = MAX_CONNECTIONS_MAX},
    [OPT_TIMEOUT] = {.flag = "--timeout", .env = "ACTIV_TIMEOUT", .min = 1, .max = TIMEOUT_MAX},
    [OPT_REQUEST_TIMEOUT] = {.flag = "--request-timeout",
                             .env = "ACTIV_REQUEST_TIMEOUT",
                             .min = 1,
                             .max = TIMEOUT_MAX},
    [OPT_MAX_PER_IP] = {.flag = "--max-connections-per-ip",
                        .env = "ACTIV_MAX_CONNECTIONS_PER_IP",
                        .min = 0,
                        .max = MAX_CONNECTIONS_MAX},
    [OPT_RULES] = {.flag = "--rules", .env = "ACTIV_RULES", .is_string = true},
};
static_assert(sizeof options / sizeof options[0] == OPT_COUNT, "one entry per option_id");

static const char usage[] =
    "Usage: activd [options]\n"
    "Serve activation functions over HTTP: JSON in, JSON out.\n"
    "\n"
    "  --host ADDR          ACTIV_HOST             listen address (" DEFAULT_HOST ")\n"
    "  --port N             ACTIV_PORT             TCP port, 0: any free one (8080)\n"
    "  --threads N          ACTIV_THREADS          worker threads (one per core)\n"
    "  --max-body BYTES     ACTIV_MAX_BODY         request body limit (1048576)\n"
    "  --max-connections N  ACTIV_MAX_CONNECTIONS  concurrent connections (250)\n"
    "  --timeout SECONDS    ACTIV_TIMEOUT          idle connection timeout (30)\n"
    "  --request-timeout SECONDS  ACTIV_REQUEST_TIMEOUT\n"
    "                       time a connection has to send a whole request (30)\n"
    "  --max-connections-per-ip N  ACTIV_MAX_CONNECTIONS_PER_IP\n"
    "                       connections from one address, 0: no limit (0)\n"
    "  --rules FILE         ACTIV_RULES            rules replacing the built-in ones\n"
    "  --help                                      print this help and exit\n"
    "  --version                                   print the version and exit\n"
    "\n"
    "Defaults are in parentheses. Give values as --flag VALUE or --flag=VALUE; a flag\n"
    "wins over its environment variable. A bad flag or value exits with status 2.\n"
    "SIGINT or SIGTERM: stop accepting, finish the requests in flight, exit 0.\n";

const char *activ_config_usage(void)
{
    return usage;
}

/* Copies `s` into dst for a message: printable ASCII as is, other bytes as \xNN, cut after
 * QUOTE_MAX bytes with "...", so the message stays one readable line. */
static void quote(char *dst, size_t n, const char *s)
{
    size_t used = 0;
    dst[0] = '\0';
    for (size_t i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        char piece[8];
        if (i == QUOTE_MAX) {
            snprintf(piece, sizeof piece, "...");
        } else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            piece[0] = (char)c;
            piece[1] = '\0';
        } else {
            snprintf(piece, sizeof piece, "\\x%02x", c);
        }
        size_t len = strlen(piece);
        if (used + len + 1 > n)
            break;
        memcpy(dst + used, piece, len + 1);
        used += len;
        if (i == QUOTE_MAX)
            break;
    }
}

/* Parses decimal digits only (no sign, no spaces, no trailing junk) within [min, max]. */
static bool parse_uint(const char *s, unsigned long long min, unsigned long long max,
                       unsigned long long *out)
{
    unsigned long long v = 0;
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (d > max || v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v < min)
        return false;
    *out = v;
    return true;
}

/* The value of `name` in a NULL-terminated "NAME=value" array, or in the process
 * environment when envp is NULL. */
static const char *lookup_env(char *const envp[], const char *name)
{
    if (!envp)
        return getenv(name);
    size_t len = strlen(name);
    for (size_t i = 0; envp[i]; i++) {
        if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
            return envp[i] + len + 1;
    }
    return NULL;
}

static unsigned default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    if ((unsigned long)n > THREADS_MAX)
        return THREADS_MAX;
    return (unsigned)n;
}

/* Validates `value` for option `id` (named `source` in messages) and stores it in cfg. */
static bool store(activ_config *cfg, option_id id, const char *source, const char *value, char *msg,
                  size_t msgsz)
{
    const option *opt = &options[id];
    char shown[4 * QUOTE_MAX + 8];
    quote(shown, sizeof shown, value);

    if (opt->is_string) {
        if (value[0] == '\0') {
            activ_message_set(msg, msgsz, "%s: expected a non-empty value", source);
            return false;
        }
        if (id == OPT_HOST) {
            if (strlen(value) > HOST_MAX) {
                activ_message_set(msg, msgsz,
                                  "%s: expected a host name or address of at most %u bytes", source,
                                  HOST_MAX);
                return false;
            }
            cfg->host = value;
        } else {
            cfg->rules = value;
        }
        return true;
    }

    unsigned long long v;
    if (!parse_uint(value, opt->min, opt->max, &v)) {
        activ_message_set(msg, msgsz, "%s: expected an integer %llu..%llu, got \"%s\"", source,
                          opt->min, opt->max, shown);
        return false;
    }
    switch (id) {
        case OPT_PORT:
            cfg->port = (unsigned)v;
            break;
        case OPT_THREADS:
            cfg->threads = (unsigned)v;
            break;
        case OPT_MAX_BODY:
            cfg->max_body = (size_t)v;
            break;
        case OPT_MAX_CONNECTIONS:
            cfg->max_connections = (unsigned)v;
            break;
        case OPT_TIMEOUT:
            cfg->timeout = (unsigned)v;
            break;
        case OPT_REQUEST_TIMEOUT:
            cfg->request_timeout = (unsigned)v;
            break;
        case OPT_MAX_PER_IP:
            cfg->max_connections_per_ip = (unsigned)v;
            break;
        default:
            ACTIV_ASSERT(!"a string option reached the integer branch");
    }
    return true;
}

/* The option whose flag is the first `len` bytes of `arg`, or OPT_COUNT. */
static option_id find_flag(const char *arg, size_t len)
{
    for (int id = 0; id < OPT_COUNT; id++) {
        if (strlen(options[id].flag) == len && strncmp(options[id].flag, arg, len) == 0)
            return (option_id)id;
    }
    return OPT_COUNT;
}

activ_config_action activ_config_parse(int argc, char *const argv[], char *const envp[],
                                       activ_config *out, char *msg, size_t msgsz)
{
    const char *value[OPT_COUNT] = {0};
    const char *source[OPT_COUNT] = {0};
    char shown[4 * QUOTE_MAX + 8];

    if (msg && msgsz > 0)
        msg[0] = '\0';

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0)
            return ACTIV_CONFIG_HELP;
        if (strcmp(arg, "--version") == 0)
            return ACTIV_CONFIG_VERSION;
        if (strncmp(arg, "--", 2) != 0) {
            quote(shown, sizeof shown, arg);
            activ_message_set(msg, msgsz,
                              "unexpected argument \"%s\": activd takes flags only (see --help)",
                              shown);
            return ACTIV_CONFIG_ERROR;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        option_id id = find_flag(arg, name_len);
        if (id == OPT_COUNT) {
            char name[QUOTE_MAX + 1];
            snprintf(name, sizeof name, "%.*s", (int)(name_len < QUOTE_MAX ? name_len : QUOTE_MAX),
                     arg);
            quote(shown, sizeof shown, name);
            activ_message_set(msg, msgsz, "unknown flag \"%s\" (see --help)", shown);
            return ACTIV_CONFIG_ERROR;
        }
        if (eq) {
            value[id] = eq + 1;
        } else if (i + 1 < argc) {
            value[id] = argv[++i];
        } else {
            activ_message_set(msg, msgsz, "%s: missing value (see --help)", options[id].flag);
            return ACTIV_CONFIG_ERROR;
        }
        source[id] = options[id].flag;
    }

    activ_config cfg = {
        .host = DEFAULT_HOST,
        .port = DEFAULT_PORT,
        .threads = default_threads(),
        .max_body = DEFAULT_MAX_BODY,
        .max_connections = DEFAULT_MAX_CONNECTIONS,
        .timeout = DEFAULT_TIMEOUT,
        .request_timeout = DEFAULT_REQUEST_TIMEOUT,
        .max_connections_per_ip = 0,
        .rules = NULL,
    };
    for (int id = 0; id < OPT_COUNT; id++) {
        if (!value[id]) {
            const char *env = lookup_env(envp, options[id].env);
            if (!env || env[0] == '\0')
                continue;
            value[id] = env;
            source[id] = options[id].env;
        }
        if (!store(&cfg, (option_id)id, source[id], value[id], msg, msgsz))
            return ACTIV_CONFIG_ERROR;
    }
    *out = cfg;
    return ACTIV_CONFIG_RUN;
}
