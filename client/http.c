/* http.c -- the client's transport: one libcurl request, its answer bounded in size */
#include "client.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_S 30L

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    activ_client_answer *a = userdata;
    size_t n = size * nmemb; /* curl promises size == 1 */
    if (n > ACTIV_CLIENT_MAX_ANSWER - a->len) {
        a->overflow = true;
        return 0;
    }
    if (n == 0)
        return 0;
    char *grown = realloc(a->data, a->len + n + 1);
    if (!grown)
        return 0;
    a->data = grown;
    memcpy(a->data + a->len, ptr, n);
    a->len += n;
    a->data[a->len] = '\0';
    return n;
}

/* base without its trailing slashes, then path: "http://h:1/" + "/healthz". */
static char *join_url(const char *base, const char *path)
{
    size_t bl = strlen(base);
    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    size_t pl = strlen(path);
    char *url = malloc(bl + pl + 1);
    if (!url)
        return NULL;
    memcpy(url, base, bl);
    memcpy(url + bl, path, pl + 1);
    return url;
}

int activ_client_request(const char *base, const char *path, const char *body, size_t body_len,
                         activ_client_answer *ans)
{
    int rc = EXIT_UNREACHABLE;
    struct curl_slist *headers = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    char *url = join_url(base, path);
    CURL *c = curl_easy_init();
    if (!url || !c) {
        fprintf(stderr, "activ: out of memory\n");
        goto out;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, ans);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, TIMEOUT_S);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the string form; the bitmask one is deprecated */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    if (body) {
        /* "Expect:" off: no 100-continue round trip before large bodies. */
        struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
        struct curl_slist *h2 = h ? curl_slist_append(h, "Expect:") : NULL;
        if (!h2) {
            curl_slist_free_all(h);
            fprintf(stderr, "activ: out of memory\n");
            goto out;
        }
        headers = h2;
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    CURLcode res = curl_easy_perform(c);
    if (res == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ans->status);
        rc = EXIT_OK;
    } else if (ans->overflow) {
        fprintf(stderr, "activ: the answer from %s is larger than %u bytes\n", url,
                ACTIV_CLIENT_MAX_ANSWER);
    } else {
        fprintf(stderr, "activ: cannot reach %s: %s\n", url,
                errbuf[0] ? errbuf : curl_easy_strerror(res));
    }
out:
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    free(url);
    return rc;
}

void activ_client_answer_fini(activ_client_answer *ans)
{
    free(ans->data);
    ans->data = NULL;
    ans->len = 0;
}
