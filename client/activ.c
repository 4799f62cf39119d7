/* activ.c -- the command-line client: talks to activd over HTTP with libcurl */
#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activ/version.h"

#define DEFAULT_URL "http://127.0.0.1:8080"
#define MAX_BODY    (16u << 20) /* answers larger than this are cut off with an error */
#define TIMEOUT_S   30L

/* Exit codes, documented in --help. */
enum {
    EXIT_OK = 0,
    EXIT_SERVER_ERROR = 1, /* the server answered with an error */
    EXIT_USAGE = 2,        /* bad command line */
    EXIT_UNREACHABLE = 3   /* no answer: connection refused, timeout, DNS */
};

static const char usage[] = "usage: activ [--url URL] [--json] COMMAND\n"
                            "\n"
                            "Commands:\n"
                            "  health      ask the server whether it is up (GET /healthz)\n"
                            "\n"
                            "Options:\n"
                            "  --url URL   the server (default " DEFAULT_URL ", or $ACTIV_URL)\n"
                            "  --json      print the server's JSON answer as it is, for scripts\n"
                            "  --help      this text\n"
                            "  --version   the client's version\n"
                            "\n"
                            "Exit status: 0 ok, 1 the server answered with an error, 2 bad usage,\n"
                            "3 the server could not be reached.\n";

typedef struct buffer {
    char *data;
    size_t len;
    bool overflow;
} buffer;

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    buffer *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > MAX_BODY) {
        b->overflow = true;
        return 0;
    }
    char *grown = realloc(b->data, b->len + n + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* GETs base + path. On success stores the HTTP status and the body (malloc'd, NUL-ended)
 * and returns 0; otherwise prints why and returns EXIT_UNREACHABLE. */
static int http_get(const char *base, const char *path, long *status, buffer *body)
{
    char url[2048];
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    if (snprintf(url, sizeof url, "%.*s%s", (int)bl, base, path) >= (int)sizeof url) {
        fprintf(stderr, "activ: the URL is too long\n");
        return EXIT_USAGE;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        fprintf(stderr, "activ: cannot start libcurl\n");
        return EXIT_UNREACHABLE;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        if (body->overflow)
            fprintf(stderr, "activ: the answer from %s is larger than %u bytes\n", url, MAX_BODY);
        else
            fprintf(stderr, "activ: cannot reach %s: %s\n", url,
                    errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return EXIT_UNREACHABLE;
    }
    return EXIT_OK;
}

static int cmd_health(const char *base, bool json)
{
    long status = 0;
    buffer body = {NULL, 0, false};
    int rc = http_get(base, "/healthz", &status, &body);
    if (rc != EXIT_OK) {
        free(body.data);
        return rc;
    }
    bool ok = status == 200 && body.data && strstr(body.data, "\"ok\"") != NULL;
    if (json)
        printf("%s\n", body.data ? body.data : "");
    else if (ok)
        printf("ok: %s is up\n", base);
    else
        fprintf(stderr, "activ: %s answered %ld: %s\n", base, status,
                body.data ? body.data : "(no body)");
    free(body.data);
    return ok ? EXIT_OK : EXIT_SERVER_ERROR;
}

int main(int argc, char **argv)
{
    const char *url = getenv("ACTIV_URL");
    bool json = false;
    const char *command = NULL;
    if (!url || !*url)
        url = DEFAULT_URL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (strcmp(a, "--version") == 0) {
            printf("activ %s\n", ACTIV_VERSION);
            return EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--url") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "activ: --url needs a value\n");
                return EXIT_USAGE;
            }
            url = argv[++i];
        } else if (strncmp(a, "--url=", 6) == 0) {
            url = a + 6;
        } else if (a[0] == '-') {
            fprintf(stderr, "activ: unknown option %s (see activ --help)\n", a);
            return EXIT_USAGE;
        } else if (!command) {
            command = a;
        } else {
            fprintf(stderr, "activ: unexpected argument \"%s\" (see activ --help)\n", a);
            return EXIT_USAGE;
        }
    }
    if (!command) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(command, "health") != 0) {
        fprintf(stderr, "activ: unknown command \"%s\" (see activ --help)\n", command);
        return EXIT_USAGE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "activ: cannot start libcurl\n");
        return EXIT_UNREACHABLE;
    }
    int rc = cmd_health(url, json);
    curl_global_cleanup();
    return rc;
}
