/* test_client.c -- the activ command-line client against a live in-process server */
#include <arpa/inet.h>
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "activ/catalog.h"
#include "activ/http.h"
#include "activ/service.h"
#include "check_main.h"
#include "ulp.h"

/* The Makefile passes the client of the same build variant; fall back to the default. */
static const char *client_path(void)
{
    const char *p = getenv("ACTIV_CLIENT");
    return p && *p ? p : "build/activ";
}

typedef struct run_result {
    int status; /* exit status, or -1 */
    char out[65536];
    char err[4096];
} run_result;

/* Reads fd to its end; keeps what fits in buf (NUL-terminated) and drains the rest, so that
 * the child never blocks on a full pipe. */
static void read_all(int fd, char *buf, size_t size)
{
    size_t n = 0;
    char sink[4096];
    for (;;) {
        bool room = n + 1 < size;
        ssize_t r = room ? read(fd, buf + n, size - 1 - n) : read(fd, sink, sizeof sink);
        if (r <= 0)
            break;
        if (room)
            n += (size_t)r;
    }
    buf[n] = '\0';
}

/* Runs the client with argv (NULL-terminated, argv[0] ignored), ACTIV_URL set to url (unset
 * when NULL) and `input` on its stdin (empty when NULL; it must fit in a pipe's buffer, which
 * the tests' inputs do); captures stdout, stderr and the exit status. */
static void run_client_in(char *const argv[], const char *url, const char *input, run_result *res)
{
    int in[2], out[2], err[2];
    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(out), 0);
    ck_assert_int_eq(pipe(err), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(in[1]);
        close(out[0]);
        close(err[0]);
        if (url)
            setenv("ACTIV_URL", url, 1);
        else
            unsetenv("ACTIV_URL");
        execv(client_path(), argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (input) {
        signal(SIGPIPE, SIG_IGN); /* a client that exits early must not kill the test */
        size_t len = strlen(input), done = 0;
        while (done < len) {
            ssize_t w = write(in[1], input + done, len - done);
            if (w <= 0)
                break;
            done += (size_t)w;
        }
    }
    close(in[1]);
    read_all(out[0], res->out, sizeof res->out);
    read_all(err[0], res->err, sizeof res->err);
    close(out[0]);
    close(err[0]);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    res->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void run_client(char *const argv[], const char *url, run_result *res)
{
    run_client_in(argv, url, NULL, res);
}

/* Where the first line of `out` that starts with `label` goes on after it; fails the test
 * when there is none. */
static const char *after_label(const char *out, const char *label)
{
    const char *p = out;
    for (;;) {
        p = strstr(p, label);
        ck_assert_msg(p != NULL, "no line \"%s\" in:\n%s", label, out);
        if (p == out || p[-1] == '\n')
            return p + strlen(label);
        p++;
    }
}

/* The numbers of the line at p, separated by spaces; fails the test on anything else. */
static size_t line_values(const char *p, double *v, size_t max)
{
    size_t n = 0;
    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '\n' || *p == '\0')
            return n;
        ck_assert_uint_lt(n, max);
        char *end;
        v[n++] = strtod(p, &end);
        ck_assert_msg(end != p && (*end == ' ' || *end == '\n'), "not a number at \"%.20s\"", p);
        p = end;
    }
}

/* "sigmoid(x) = 0.5 1": the numbers after `label` on its line. */
static size_t values_after(const char *out, const char *label, double *v, size_t max)
{
    return line_values(after_label(out, label), v, max);
}

/* Row `row` (from 0) of the matrix printed below the line "header =". */
static size_t row_values(const char *out, const char *header, size_t row, double *v, size_t max)
{
    const char *p = after_label(out, header);
    ck_assert_msg(*p == '\n', "\"%s\" is not followed by a newline", header);
    p++;
    for (size_t r = 0; r < row; r++) {
        p = strchr(p, '\n');
        ck_assert_ptr_nonnull(p);
        p++;
    }
    return line_values(p, v, max);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Bit-for-bit equality, so that -0 and +0 differ. */
static void assert_same_double(double got, double want)
{
    ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "got %a, want %a", got, want);
}

static activ_service *svc;
static activ_http *http;
static char base_url[64];

/* Starts a service with `rules` (NULL: the built-in ones) behind a server on a free loopback
 * port, whose URL goes to url. */
static activ_http *start_server(const activ_rules *rules, activ_service **s, char url[64])
{
    activ_error err;
    char msg[256];
    ck_assert_int_eq(activ_service_new(rules, s, &err), ACTIV_OK);
    activ_http_options o = {"127.0.0.1", 0, 1, 1 << 20, 16, 5, 30, 0};
    activ_http *h = activ_http_start(&o, *s, msg, sizeof msg);
    ck_assert_msg(h != NULL, "%s", msg);
    snprintf(url, 64, "http://127.0.0.1:%u", activ_http_port(h));
    return h;
}

static void server_up(void)
{
    http = start_server(NULL, &svc, base_url);
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

/* sigmoid(2) correctly rounded (mpmath, 50 digits: 0.880797077977882444059729141302...). The
 * core promises 4 ulp; it returns 0x1.c2f7d5a8a79c9p-1 (0.88079707797788231), 1 ulp below. */
#define SIGMOID_2 0x1.c2f7d5a8a79cap-1
#define PI        3.14159265358979323846 /* M_PI is not in POSIX's C */

START_TEST(eval_sigmoid_prints_values_that_round_trip)
{
    run_result r;
    char *argv[] = {"activ", "--url", base_url, "eval", "sigmoid", "0", "2", NULL};
    run_client(argv, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    ck_assert_int_eq(count_lines(r.out), 1);
    ck_assert_ptr_nonnull(strstr(r.out, "sigmoid(x) = 0.5 "));
    double y[2];
    ck_assert_uint_eq(values_after(r.out, "sigmoid(x) = ", y, 2), 2);
    assert_same_double(y[0], 0.5);
    ck_assert_ulp_le(y[1], SIGMOID_2, 1);

    /* no digit lost: the printed value is the very double the server sent */
    char *json_argv[] = {"activ", "--url", base_url, "--json", "eval", "sigmoid", "0", "2", NULL};
    run_client(json_argv, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    json_t *root = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    assert_same_double(json_number_value(json_array_get(json_object_get(root, "y"), 1)), y[1]);
    json_decref(root);
}
END_TEST

START_TEST(eval_json_prints_the_servers_answer)
{
    run_result r;
    char *argv[] = {"activ", "eval", "logistic", "0", "--json", NULL};
    run_client(argv, base_url, &r);
    ck_assert_int_eq(r.status, 0);
    json_error_t e;
    json_t *root = json_loads(r.out, 0, &e);
    ck_assert_msg(root != NULL, "%s: %s", e.text, r.out);
    ck_assert_str_eq(json_string_value(json_object_get(root, "activation")), "sigmoid");
    const json_t *y = json_object_get(root, "y");
    ck_assert_uint_eq(json_array_size(y), 1);
    assert_same_double(json_number_value(json_array_get(y, 0)), 0.5);
    json_decref(root);
}
END_TEST

START_TEST(eval_takes_negative_numbers_as_values)
{
    run_result r;
    double y[6];
    char *leaky[] = {"activ",   "eval",      "leaky_relu", "-2", "-1e-300",
                     "--param", "alpha=0.5", "--",         "-3", NULL};
    run_client(leaky, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_uint_eq(values_after(r.out, "leaky_relu(x; alpha=0.5) = ", y, 4), 3);
    assert_same_double(y[0], -1.0);
    assert_same_double(y[1], -1e-300 * 0.5); /* exact: halving a normal number */
    assert_same_double(y[2], -1.5);

    /* linear with a = 1 is the identity: what comes back is what was typed */
    char *linear[] = {"activ", "eval", "identity", "-2", "-1e-300", "-0", "0x1p-1074,7", NULL};
    run_client(linear, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_uint_eq(values_after(r.out, "linear(x; a=1) = ", y, 6), 5);
    assert_same_double(y[0], -2.0);
    assert_same_double(y[1], -1e-300);
    assert_same_double(y[2], -0.0);
    assert_same_double(y[3], 0x1p-1074);
    assert_same_double(y[4], 7.0);
}
END_TEST

/* softmax of one row, computed here the textbook way (shifted by the maximum) */
static void softmax_ref(const double *x, double *y, size_t n)
{
    double m = x[0], sum = 0;
    for (size_t i = 1; i < n; i++)
        m = x[i] > m ? x[i] : m;
    for (size_t i = 0; i < n; i++) {
        y[i] = exp(x[i] - m);
        sum += y[i];
    }
    for (size_t i = 0; i < n; i++)
        y[i] /= sum;
}

START_TEST(eval_softmax_reads_a_batch_from_stdin)
{
    static const double x[3][3] = {{1, 2, 3}, {0, 0, 0}, {-1000, 0, 1000}};
    run_result r;
    char *argv[] = {"activ", "eval", "softmax", "--params", "{}", NULL};
    run_client_in(argv, base_url, "# a batch\n1 2 3\n\n0, 0, 0\r\n-1000 0 1000\n", &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_int_eq(count_lines(r.out), 4);
    for (size_t i = 0; i < 3; i++) {
        double y[4], want[3];
        ck_assert_uint_eq(row_values(r.out, "softmax(x) =", i, y, 4), 3);
        softmax_ref(x[i], want, 3);
        for (size_t j = 0; j < 3; j++)
            ck_assert_ulp_le(y[j], want[j], 2);
        ck_assert_double_eq_tol(y[0] + y[1] + y[2], 1.0, 4e-16);
    }

    /* the same as JSON: a batch of two rows */
    run_client_in(argv, base_url, "[[1, 2, 3], [0, 0, 0]]", &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_int_eq(count_lines(r.out), 3);
    double y[4];
    ck_assert_uint_eq(row_values(r.out, "softmax(x) =", 1, y, 4), 3);
    for (size_t j = 0; j < 3; j++)
        ck_assert_ulp_le(y[j], 1.0 / 3.0, 1);
}
END_TEST

START_TEST(diff_relu_gives_0_and_1)
{
    run_result r;
    char *argv[] = {"activ", "diff", "relu", "-1", "2", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    double d[3];
    ck_assert_uint_eq(values_after(r.out, "relu'(x) = ", d, 3), 2);
    assert_same_double(d[0], 0.0);
    assert_same_double(d[1], 1.0);
}
END_TEST

START_TEST(diff_gelu_with_grad_output_gives_grad_input)
{
    /* gelu'(x) = Phi(x) + x phi(x), from erf and exp */
    const double x = 0.5;
    const double want = 0.5 * erfc(-x / sqrt(2.0)) + x * exp(-x * x / 2) / sqrt(2 * PI);
    run_result r;
    char *argv[] = {"activ", "diff", "gelu", "0.5", "--grad-output", "2", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    double d[2], g[2];
    ck_assert_uint_eq(values_after(r.out, "gelu'(x; approximate=\"none\") = ", d, 2), 1);
    ck_assert_uint_eq(values_after(r.out, "grad_input = ", g, 2), 1);
    ck_assert_ulp_le(d[0], want, 4);
    ck_assert_ulp_le(g[0], 2 * want, 4);
}
END_TEST

START_TEST(diff_softmax_prints_the_jacobian_and_grad_input)
{
    /* softmax(0, 0) = (1/2, 1/2): J = diag(s) - s s^T = [[1/4, -1/4], [-1/4, 1/4]], exactly */
    run_result r;
    double v[3];
    char *argv[] = {"activ",         "diff", "softmax",       "0", "0",
                    "--grad-output", "1",    "--grad-output", "0", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_uint_eq(row_values(r.out, "jacobian of softmax(x) =", 0, v, 3), 2);
    ck_assert(v[0] == 0.25 && v[1] == -0.25);
    ck_assert_uint_eq(row_values(r.out, "jacobian of softmax(x) =", 1, v, 3), 2);
    ck_assert(v[0] == -0.25 && v[1] == 0.25);
    ck_assert_uint_eq(values_after(r.out, "grad_input = ", v, 3), 2);
    ck_assert(v[0] == 0.25 && v[1] == -0.25);

    /* a batch: one Jacobian per row, grad_output as JSON */
    char *batch[] = {"activ", "diff", "softmax", "--grad-output=[[0, 1], [1, 0]]", NULL};
    run_client_in(batch, base_url, "0 0\n0 0\n", &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_uint_eq(row_values(r.out, "jacobian of softmax(x[1]) =", 1, v, 3), 2);
    ck_assert(v[0] == -0.25 && v[1] == 0.25);
    ck_assert_uint_eq(row_values(r.out, "grad_input =", 0, v, 3), 2);
    ck_assert(v[0] == -0.25 && v[1] == 0.25);
    ck_assert_uint_eq(row_values(r.out, "grad_input =", 1, v, 3), 2);
    ck_assert(v[0] == 0.25 && v[1] == -0.25);
}
END_TEST

START_TEST(param_shorthand_takes_strings_and_numbers)
{
    /* gelu's tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
    const double x = 1.0;
    const double want = 0.5 * x * (1 + tanh(sqrt(2 / PI) * (x + 0.044715 * x * x * x)));
    run_result r;
    char *argv[] = {"activ", "--json", "eval", "gelu", "1", "--param", "approximate=tanh", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    json_t *root = json_loads(r.out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    const json_t *params = json_object_get(root, "params");
    ck_assert_str_eq(json_string_value(json_object_get(params, "approximate")), "tanh");
    ck_assert_ulp_le(json_number_value(json_array_get(json_object_get(root, "y"), 0)), want, 4);
    json_decref(root);

    /* ".5" is no JSON, but it is a number; the later --param wins over --params */
    char *elu[] = {"activ",          "eval",    "elu",      "-1", "--params",
                   "{\"alpha\": 3}", "--param", "alpha=.5", NULL};
    run_client(elu, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    double y[2];
    ck_assert_uint_eq(values_after(r.out, "elu(x; alpha=0.5) = ", y, 2), 1);
    ck_assert_ulp_le(y[0], 0.5 * expm1(-1.0), 2);
}
END_TEST

START_TEST(list_shows_every_function)
{
    run_result r;
    char *argv[] = {"activ", "list", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    size_t count = 0;
    const activ_catalog_entry *all = activ_catalog_all(&count);
    ck_assert_uint_eq(count, 38);
    ck_assert_uint_eq(count_lines(r.out), 1 + 38); /* a header, then one line each */
    ck_assert_int_eq(strncmp(r.out, "NAME ", 5), 0);
    const char *line = strchr(r.out, '\n') + 1;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(all[i].name);
        ck_assert_msg(strncmp(line, all[i].name, n) == 0 && line[n] == ' ', "line %zu: %.40s",
                      i + 1, line);
        const char *eol = strchr(line, '\n');
        const char *kind = all[i].kind == ACTIV_KIND_ROWWISE ? " rowwise " : " elementwise ";
        const char *k = strstr(line, kind);
        ck_assert_msg(k && k < eol, "%s: no kind", all[i].name);
        line = eol + 1;
    }
}
END_TEST

START_TEST(show_swish_shows_silu)
{
    run_result r;
    char *argv[] = {"activ", "show", "swish", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_int_eq(strncmp(r.out, "silu (also swish)\n", 18), 0);
    static const char *const parts[] = {"\n  formula ",
                                        "\n  derivative ",
                                        "\n  range ",
                                        "\n  properties ",
                                        "\nparameters\n  beta = 1 ",
                                        "\npros\n  - ",
                                        "\ncons\n  - ",
                                        "\nuses\n  - ",
                                        "\n  source "};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        ck_assert_msg(strstr(r.out, parts[i]) != NULL, "no \"%s\" in:\n%s", parts[i], r.out);
}
END_TEST

START_TEST(unknown_activation_exits_1_with_the_servers_error)
{
    run_result r;
    char *argv[] = {"activ", "eval", "nope", "1", NULL};
    run_client(argv, base_url, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "");
    ck_assert_int_eq(strncmp(r.err, "activ: unknown_activation: ", 27), 0);
    ck_assert_ptr_nonnull(strstr(r.err, " (at /activation)\n"));

    char *show[] = {"activ", "show", "nope", NULL};
    run_client(show, base_url, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_int_eq(strncmp(r.err, "activ: not_found: ", 18), 0);
}
END_TEST

START_TEST(bad_params_exit_2_before_asking)
{
    /* the server is down: exit 2, not 3, shows nothing was sent */
    run_result r;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", closed_port());
    char *not_json[] = {"activ", "eval", "elu", "1", "--params", "{alpha: 1}", NULL};
    run_client(not_json, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--params is not valid JSON"));
    ck_assert_ptr_nonnull(strstr(r.err, "activ --help"));
    ck_assert_int_eq(count_lines(r.err), 1);
    char *not_object[] = {"activ", "eval", "elu", "1", "--params", "[1]", NULL};
    run_client(not_object, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--params must be a JSON object"));
    char *no_equals[] = {"activ", "eval", "elu", "1", "--param", "alpha", NULL};
    run_client(no_equals, url, &r);
    ck_assert_int_eq(r.status, 2);
    char *value_first[] = {"activ", "eval", "-1", "relu", NULL};
    run_client(value_first, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "give the activation name before the values"));
    char *misplaced[] = {"activ", "list", "--grad-output", "1", NULL};
    run_client(misplaced, url, &r);
    ck_assert_int_eq(r.status, 2);
}
END_TEST

START_TEST(bad_values_exit_2_naming_the_culprit)
{
    run_result r;
    char *args[] = {"activ", "eval", "relu", "1", "abc", NULL};
    run_client(args, base_url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "\"abc\" is not a number"));
    char *inf[] = {"activ", "eval", "relu", "-inf", NULL};
    run_client(inf, base_url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "\"-inf\" is not a finite number"));

    char *from_stdin[] = {"activ", "eval", "relu", NULL};
    run_client_in(from_stdin, base_url, "1 2\n3 x\n", &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "stdin line 2: \"x\" is not a number"));
    run_client_in(from_stdin, base_url, "1 2\n3\n", &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "stdin line 2 has 1 numbers but line 1 has 2"));
    run_client_in(from_stdin, base_url, "[1, 2", &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "stdin line 1"));
    run_client_in(from_stdin, base_url, "", &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "no values"));
    ck_assert_str_eq(r.out, "");
}
END_TEST

START_TEST(eval_with_server_down_exits_3)
{
    run_result r;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", closed_port());
    char *argv[] = {"activ", "--url", url, "eval", "sigmoid", "1", NULL};
    run_client(argv, NULL, &r);
    ck_assert_int_eq(r.status, 3);
    ck_assert_str_eq(r.out, "");
    char want[96];
    snprintf(want, sizeof want, "activ: cannot reach %s/evaluate", url);
    ck_assert_ptr_nonnull(strstr(r.err, want));
}
END_TEST

/* Fails the test unless s starts with prefix. */
static void assert_starts_with(const char *s, const char *prefix)
{
    ck_assert_msg(strncmp(s, prefix, strlen(prefix)) == 0, "no \"%s\" at the start of:\n%s", prefix,
                  s);
}

/* The line that follows the line `line` (which must be in out, whole) in out; fails the test
 * when `line` is not there. */
static const char *line_after(const char *out, const char *line)
{
    const char *p = after_label(out, line);
    ck_assert_msg(*p == '\n', "\"%s\" is not a whole line in:\n%s", line, out);
    return p + 1;
}

/* The lines of out after the line "title", up to the next blank line (or the end), as a new
 * string that starts with '\n', so that a test can look for a line in one section only. */
static char *section(const char *out, const char *title)
{
    const char *p = line_after(out, title);
    const char *end = strstr(p, "\n\n");
    size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
    char *sec = malloc(n + 2);
    ck_assert_ptr_nonnull(sec);
    sec[0] = '\n';
    memcpy(sec + 1, p, n);
    sec[n + 1] = '\0';
    return sec;
}

/* True when a line of the section sec is "  NAME", or starts with "  NAME " or "  NAME,":
 * the candidate NAME is listed there. */
static bool lists(const char *sec, const char *name)
{
    char head[96];
    int n = snprintf(head, sizeof head, "\n  %s", name);
    ck_assert_int_lt(n, (int)sizeof head);
    for (const char *p = strstr(sec, head); p; p = strstr(p + 1, head)) {
        char next = p[n];
        if (next == '\n' || next == ' ' || next == ',')
            return true;
    }
    return false;
}

START_TEST(recommend_exclusive_classes_gives_softmax)
{
    run_result r;
    char *argv[] = {"activ",      "recommend",   "--layer", "output", "--task",
                    "multiclass", "--exclusive", "true",    NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_str_eq(r.err, "");
    assert_starts_with(r.out, "recommend: softmax\n  - The classes are mutually exclusive");
    char *alt = section(r.out, "alternatives:");
    assert_starts_with(alt, "\n  log_softmax, score 4\n    - ");
    char *avoid = section(r.out, "avoid:");
    ck_assert(lists(avoid, "relu") && lists(avoid, "binary_step"));
    ck_assert(!lists(avoid, "softmax"));
    ck_assert_ptr_nonnull(strstr(r.out, "\nnotes:\n  - "));
    char *fired = section(r.out, "rules fired:");
    ck_assert_ptr_nonnull(strstr(fired, "output-exclusive-softmax"));
    free(alt);
    free(avoid);
    free(fired);

    /* --option=VALUE, anywhere on the line, asks the same */
    run_result same;
    char *eq[] = {"activ",     "--task=multiclass", "--exclusive=true",
                  "recommend", "--layer=output",    NULL};
    run_client(eq, base_url, &same);
    ck_assert_int_eq(same.status, 0);
    ck_assert_str_eq(same.out, r.out);
}
END_TEST

START_TEST(recommend_json_is_the_servers_answer)
{
    run_result r;
    char *argv[] = {"activ",  "recommend",  "--json",      "--layer", "output",
                    "--task", "multiclass", "--exclusive", "true",    NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    json_error_t e;
    json_t *root = json_loads(r.out, 0, &e);
    ck_assert_msg(root != NULL, "%s: %s", e.text, r.out);
    const json_t *rec = json_object_get(root, "recommendation");
    ck_assert_str_eq(json_string_value(json_object_get(rec, "activation")), "softmax");
    ck_assert_uint_eq(json_object_size(json_object_get(rec, "params")), 0);
    const json_t *q = json_object_get(root, "query");
    ck_assert_str_eq(json_string_value(json_object_get(q, "layer")), "output");
    ck_assert_str_eq(json_string_value(json_object_get(q, "task")), "multiclass");
    ck_assert(json_is_true(json_object_get(q, "exclusive")));
    ck_assert_uint_eq(json_object_size(q), 3);
    const json_t *alt = json_array_get(json_object_get(root, "alternatives"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(alt, "activation")), "log_softmax");

    ck_assert(json_number_value(json_object_get(rec, "score")) == 10);
    ck_assert(json_number_value(json_object_get(alt, "score")) == 4);
    json_decref(root);
}
END_TEST

START_TEST(recommend_bad_depth_exits_1_with_the_servers_error)
{
    run_result r;
    char *argv[] = {"activ", "recommend", "--depth", "0", NULL};
    run_client(argv, base_url, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.out, "");
    assert_starts_with(r.err, "activ: invalid_request: depth ");
    ck_assert_ptr_nonnull(strstr(r.err, " (at /depth)\n"));
    ck_assert_int_eq(count_lines(r.err), 1);

    /* a value is sent as one value, whatever it holds: "&", "=" and " " are escaped, so the
     * server sees one bad layer (unescaped, it would see layer=output and a bad depth) */
    char *odd[] = {"activ", "recommend", "--layer", "output&depth=0 ", NULL};
    run_client(odd, base_url, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "layer must be one of"));
    ck_assert_ptr_nonnull(strstr(r.err, " (at /layer)\n"));
    char *bad_bool[] = {"activ", "recommend", "--exclusive=maybe", NULL};
    run_client(bad_bool, base_url, &r);
    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, " (at /exclusive)\n"));
}
END_TEST

START_TEST(recommend_bad_usage_exits_2_before_asking)
{
    /* the server is down: exit 2, not 3, shows nothing was sent */
    run_result r;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", closed_port());
    char *misspelt[] = {"activ", "recommend", "--lyer", "output", NULL};
    run_client(misspelt, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unknown option --lyer"));
    ck_assert_str_eq(r.out, "");
    char *no_value[] = {"activ", "recommend", "--depth", NULL};
    run_client(no_value, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--depth needs a value"));
    char *stray[] = {"activ", "recommend", "output", NULL};
    run_client(stray, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "unexpected argument \"output\""));
    char *not_bool[] = {"activ", "recommend", "--batch-norm", "yes", NULL};
    run_client(not_bool, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--batch-norm takes true or false"));
    char *elsewhere[] = {"activ", "eval", "relu", "1", "--layer", "output", NULL};
    run_client(elsewhere, url, &r);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "--layer goes with recommend, not eval"));
    char *params[] = {"activ", "recommend", "--param", "alpha=1", NULL};
    run_client(params, url, &r);
    ck_assert_int_eq(r.status, 2);

    /* and with a good command line but no server: exit 3, naming the URL asked */
    char *good[] = {"activ", "recommend", "--layer", "output", NULL};
    run_client(good, url, &r);
    ck_assert_int_eq(r.status, 3);
    char want[128];
    snprintf(want, sizeof want, "activ: cannot reach %s/recommend?layer=output", url);
    ck_assert_ptr_nonnull(strstr(r.err, want));
}
END_TEST

START_TEST(recommend_dead_neurons_gives_leaky_relu_and_avoids_relu)
{
    run_result r;
    char *argv[] = {"activ", "recommend", "--dead-neurons", "true", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    assert_starts_with(r.out, "recommend: leaky_relu (alpha=0.01)\n  - ");
    char *avoid = section(r.out, "avoid:");
    ck_assert_msg(lists(avoid, "relu"), "relu not avoided:\n%s", avoid);
    ck_assert(!lists(avoid, "leaky_relu"));
    free(avoid);
    char *alt = section(r.out, "alternatives:");
    assert_starts_with(alt, "\n  prelu (alpha=0.25), score 7\n");
    ck_assert(lists(alt, "maxout (k=2)")); /* unset parameters (null) are left out */
    free(alt);

    /* a yes/no option alone means true, with = too; the next argument is its value only
     * when it is true or false */
    run_result alone;
    char *bare[] = {"activ", "--dead-neurons", "recommend", NULL};
    run_client(bare, base_url, &alone);
    ck_assert_int_eq(alone.status, 0);
    ck_assert_str_eq(alone.out, r.out);
    char *eq[] = {"activ", "recommend", "--dead-neurons=true", NULL};
    run_client(eq, base_url, &alone);
    ck_assert_int_eq(alone.status, 0);
    ck_assert_str_eq(alone.out, r.out);
    char *off[] = {"activ", "recommend", "--dead-neurons", "false", "--json", NULL};
    run_client(off, base_url, &alone);
    ck_assert_int_eq(alone.status, 0);
    json_t *root = json_loads(alone.out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    const json_t *q = json_object_get(root, "query");
    ck_assert(json_is_false(json_object_get(q, "dead_neurons")));
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(root, "recommendation"), "activation")),
        "relu");
    json_decref(root);
    char *before[] = {"activ", "recommend", "--batch-norm", "--depth", "30", "--json", NULL};
    run_client(before, base_url, &alone);
    ck_assert_int_eq(alone.status, 0);
    root = json_loads(alone.out, 0, NULL);
    ck_assert_ptr_nonnull(root);
    q = json_object_get(root, "query");
    ck_assert(json_is_true(json_object_get(q, "batch_norm")));
    ck_assert(json_number_value(json_object_get(q, "depth")) == 30);
    json_decref(root);
}
END_TEST

START_TEST(recommend_with_no_fields_gives_relu)
{
    run_result r;
    char *argv[] = {"activ", "recommend", NULL};
    run_client(argv, base_url, &r);
    ck_assert_msg(r.status == 0, "%s", r.err);
    assert_starts_with(r.out, "recommend: relu\n  - ");
    char *alt = section(r.out, "alternatives:");
    ck_assert(lists(alt, "leaky_relu (alpha=0.01)"));
    free(alt);
    char *avoid = section(r.out, "avoid:");
    ck_assert(lists(avoid, "binary_step") && !lists(avoid, "relu"));
    free(avoid);
}
END_TEST

START_TEST(recommend_says_so_when_no_rule_recommends_anything)
{
    /* a rule file that only warns: the answer's recommendation is null */
    static const char rules_json[] =
        "{\"version\": 1, \"rules\": [{\"id\": \"no-step\", \"when\": {\"all\": []},"
        " \"then\": [{\"avoid\": \"binary_step\"}], \"text\": \"Never binary step.\","
        " \"source\": \"test\"}]}";
    activ_rules *rules;
    activ_service *own;
    activ_error err;
    char url[64];
    ck_assert_int_eq(activ_rules_from_json(rules_json, strlen(rules_json), &rules, &err), ACTIV_OK);
    activ_http *h = start_server(rules, &own, url);
    run_result r;
    char *argv[] = {"activ", "recommend", NULL};
    run_client(argv, url, &r);
    activ_http_stop(h);
    activ_service_free(own);
    activ_rules_free(rules);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_str_eq(r.out, "recommend: nothing (no rule recommends an activation for this query)\n"
                            "\n"
                            "avoid:\n"
                            "  binary_step\n"
                            "    - Never binary step.\n"
                            "\n"
                            "rules fired:\n"
                            "  no-step\n");
}
END_TEST

START_TEST(help_documents_every_command_and_option)
{
    static const char *const words[] = {"eval NAME",
                                        "diff NAME",
                                        "list",
                                        "show NAME",
                                        "health",
                                        "recommend [FIELDS]",
                                        "--params JSON",
                                        "--param NAME=VALUE",
                                        "--grad-output",
                                        "--url URL",
                                        "--layer L",
                                        "--task T",
                                        "--exclusive B",
                                        "--output-range R",
                                        "--depth N",
                                        "--batch-norm B",
                                        "--dead-neurons B",
                                        "--high-learning-rate B",
                                        "--vanishing-gradients B",
                                        "--architecture A",
                                        "--compute C",
                                        "--self-normalizing B",
                                        "option alone means true",
                                        "--json",
                                        "--version",
                                        "stdin",
                                        "one row per line",
                                        "JSON array",
                                        "Examples:",
                                        "Exit status:",
                                        "  0  ",
                                        "  1  ",
                                        "  2  ",
                                        "  3  "};
    run_result r;
    char *argv[] = {"activ", "eval", "--help", NULL};
    run_client(argv, NULL, &r);
    ck_assert_int_eq(r.status, 0);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        ck_assert_msg(strstr(r.out, words[i]) != NULL, "--help lacks \"%s\"", words[i]);
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
    tcase_add_test(tc, eval_sigmoid_prints_values_that_round_trip);
    tcase_add_test(tc, eval_json_prints_the_servers_answer);
    tcase_add_test(tc, eval_takes_negative_numbers_as_values);
    tcase_add_test(tc, eval_softmax_reads_a_batch_from_stdin);
    tcase_add_test(tc, diff_relu_gives_0_and_1);
    tcase_add_test(tc, diff_gelu_with_grad_output_gives_grad_input);
    tcase_add_test(tc, diff_softmax_prints_the_jacobian_and_grad_input);
    tcase_add_test(tc, param_shorthand_takes_strings_and_numbers);
    tcase_add_test(tc, list_shows_every_function);
    tcase_add_test(tc, show_swish_shows_silu);
    tcase_add_test(tc, unknown_activation_exits_1_with_the_servers_error);
    tcase_add_test(tc, bad_params_exit_2_before_asking);
    tcase_add_test(tc, bad_values_exit_2_naming_the_culprit);
    tcase_add_test(tc, eval_with_server_down_exits_3);
    tcase_add_test(tc, recommend_exclusive_classes_gives_softmax);
    tcase_add_test(tc, recommend_json_is_the_servers_answer);
    tcase_add_test(tc, recommend_bad_depth_exits_1_with_the_servers_error);
    tcase_add_test(tc, recommend_bad_usage_exits_2_before_asking);
    tcase_add_test(tc, recommend_dead_neurons_gives_leaky_relu_and_avoids_relu);
    tcase_add_test(tc, recommend_with_no_fields_gives_relu);
    tcase_add_test(tc, recommend_says_so_when_no_rule_recommends_anything);
    tcase_add_test(tc, help_documents_every_command_and_option);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(client_suite());
}
