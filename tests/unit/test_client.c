/* test_client.c -- the activ command-line client against a live in-process server */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "activ/http.h"
#include "activ/service.h"
#include "check_main.h"

/* The Makefile passes the client of the same build variant; fall back to the default. */
static const char *client_path(void)
{
    const char *p = getenv("ACTIV_CLIENT");
    return p && *p ? p : "build/activ";
}

typedef struct run_result {
    int status; /* exit status, or -1 */
    char out[4096];
    char err[4096];
} run_result;

static void read_all(int fd, char *buf, size_t size)
{
    size_t n = 0;
    ssize_t r;
    while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
}

/* Runs the client with argv (NULL-terminated, argv[0] ignored) and ACTIV_URL set to url
 * (unset when NULL); captures stdout, stderr and the exit status. */
static void run_client(char *const argv[], const char *url, run_result *res)
{
    int out[2], err[2];
    ck_assert_int_eq(pipe(out), 0);
    ck_assert_int_eq(pipe(err), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]);
        close(err[0]);
        if (url)
            setenv("ACTIV_URL", url, 1);
        else
            unsetenv("ACTIV_URL");
        execv(client_path(), argv);
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    read_all(out[0], res->out, sizeof res->out);
    read_all(err[0], res->err, sizeof res->err);
    close(out[0]);
    close(err[0]);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    res->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static activ_service *svc;
static activ_http *http;
static char base_url[64];

static void server_up(void)
{
    activ_error err;
    char msg[256];
    ck_assert_int_eq(activ_service_new(&svc, &err), ACTIV_OK);
    activ_http_options o = {"127.0.0.1", 0, 1, 1 << 20, 16, 5};
    http = activ_http_start(&o, svc, msg, sizeof msg);
    ck_assert_msg(http != NULL, "%s", msg);
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%u", activ_http_port(http));
}

static void server_down(void)
{
    activ_http_stop(http);
    activ_service_free(svc);
}

/* A loopback port with nothing listening: bind one, note it, close it. */
static unsigned closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

START_TEST(health_reports_up_with_url_flag)
{
    run_result r;
    char *argv[] = {"activ", "--url", base_url, "health", NULL};
    run_client(argv, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    char want[128];
    snprintf(want, sizeof want, "ok: %s is up\n", base_url);
    ck_assert_str_eq(r.out, want);
}
END_TEST

START_TEST(health_json_prints_server_answer_using_env_url)
{
    run_result r;
    char *argv[] = {"activ", "--json", "health", NULL};
    run_client(argv, base_url, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "{\"status\":\"ok\"}\n");
}
END_TEST

START_TEST(unreachable_server_exits_3_with_message)
{
    run_result r;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", closed_port());
    char *argv[] = {"activ", "--url", url, "health", NULL};
    run_client(argv, NULL, &r);
    ck_assert_int_eq(r.status, 3);
    ck_assert_ptr_nonnull(strstr(r.err, "cannot reach"));
    ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(server_error_exits_1)
{
    /* a URL whose /healthz is a 404: the server answers, but not "ok" */
    run_result r;
    char url[96];
    snprintf(url, sizeof url, "%s/no-such-prefix", base_url);
    char *argv[] = {"activ", "--url", url, "health", NULL};
    run_client(argv, NULL, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "answered 404"));
}
END_TEST

START_TEST(bad_usage_exits_2)
{
    run_result r;
    char *unknown[] = {"activ", "frobnicate", NULL};
    run_client(unknown, NULL, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown command \"frobnicate\""));
    char *no_value[] = {"activ", "health", "--url", NULL};
    run_client(no_value, NULL, &r);
    ck_assert_int_eq(r.status, 2);
    char *none[] = {"activ", NULL};
    run_client(none, NULL, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "usage: activ"));
}
END_TEST

START_TEST(help_and_version_exit_0)
{
    run_result r;
    char *help[] = {"activ", "--help", NULL};
    run_client(help, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "Exit status"));
    char *version[] = {"activ", "--version", NULL};
    run_client(version, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, "activ 0.1.0\n");
}
END_TEST

static Suite *client_suite(void)
{
    Suite *s = suite_create("client");
    TCase *tc = tcase_create("commands");
    tcase_add_checked_fixture(tc, server_up, server_down);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, health_reports_up_with_url_flag);
    tcase_add_test(tc, health_json_prints_server_answer_using_env_url);
    tcase_add_test(tc, unreachable_server_exits_3_with_message);
    tcase_add_test(tc, server_error_exits_1);
    tcase_add_test(tc, bad_usage_exits_2);
    tcase_add_test(tc, help_and_version_exit_0);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(client_suite());
}
