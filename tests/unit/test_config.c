/* test_config.c -- flags and ACTIV_* variables into activ_config: defaults, precedence, errors */
#include "activ/config.h"

#include "check_main.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MSG_SIZE 256

/* argv and envp are NULL-terminated lists of string literals; envp NULL means getenv(). */
typedef struct parsed {
    activ_config_action action;
    activ_config cfg;
    char msg[MSG_SIZE];
} parsed;

static parsed parse(char *const argv[], char *const envp[])
{
    parsed p;
    int argc = 0;
    while (argv[argc])
        argc++;
    memset(&p.cfg, 0xa5, sizeof p.cfg); /* to see whether it is written */
    p.action = activ_config_parse(argc, argv, envp, &p.cfg, p.msg, sizeof p.msg);
    return p;
}

static char *no_env[] = {NULL};

START_TEST(defaults_fill_every_field)
{
    char *argv[] = {"activd", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_str_eq(p.cfg.host, "0.0.0.0");
    ck_assert_uint_eq(p.cfg.port, 8080);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    ck_assert_uint_eq(p.cfg.threads, cores > 0 ? (unsigned)cores : 1u);
    ck_assert_uint_eq(p.cfg.max_body, 1048576);
    ck_assert_uint_eq(p.cfg.max_connections, 250);
    ck_assert_uint_eq(p.cfg.timeout, 30);
    ck_assert_uint_eq(p.cfg.request_timeout, 30);
    ck_assert_uint_eq(p.cfg.max_connections_per_ip, 0);
    ck_assert_ptr_null(p.cfg.rules);
}
END_TEST

START_TEST(flags_with_separate_values)
{
    char *argv[] = {"activd",     "--host",
                    "127.0.0.1",  "--port",
                    "9000",       "--threads",
                    "3",          "--max-body",
                    "4096",       "--max-connections",
                    "500",        "--timeout",
                    "60",         "--rules",
                    "rules.json", "--request-timeout",
                    "7",          "--max-connections-per-ip",
                    "12",         NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_str_eq(p.cfg.host, "127.0.0.1");
    ck_assert_uint_eq(p.cfg.port, 9000);
    ck_assert_uint_eq(p.cfg.threads, 3);
    ck_assert_uint_eq(p.cfg.max_body, 4096);
    ck_assert_uint_eq(p.cfg.max_connections, 500);
    ck_assert_uint_eq(p.cfg.timeout, 60);
    ck_assert_uint_eq(p.cfg.request_timeout, 7);
    ck_assert_uint_eq(p.cfg.max_connections_per_ip, 12);
    ck_assert_str_eq(p.cfg.rules, "rules.json");
}
END_TEST

START_TEST(flags_with_equals_values)
{
    char *argv[] = {"activd",      "--host=::1",       "--port=0",
                    "--threads=1", "--max-body=1",     "--max-connections=1",
                    "--timeout=1", "--rules=a=b.json", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_str_eq(p.cfg.host, "::1");
    ck_assert_uint_eq(p.cfg.port, 0);
    ck_assert_uint_eq(p.cfg.threads, 1);
    ck_assert_uint_eq(p.cfg.max_body, 1);
    ck_assert_uint_eq(p.cfg.max_connections, 1);
    ck_assert_uint_eq(p.cfg.timeout, 1);
    ck_assert_str_eq(p.cfg.rules, "a=b.json"); /* only the first '=' separates */
}
END_TEST

START_TEST(environment_sets_every_field)
{
    char *argv[] = {"activd", NULL};
    char *envp[] = {"HOME=somewhere",
                    "ACTIV_HOST=10.0.0.1",
                    "ACTIV_PORT=8081",
                    "ACTIV_THREADS=4",
                    "ACTIV_MAX_BODY=2048",
                    "ACTIV_MAX_CONNECTIONS=100",
                    "ACTIV_TIMEOUT=90",
                    "ACTIV_RULES=conf/rules.json",
                    "ACTIV_REQUEST_TIMEOUT=1",
                    "ACTIV_MAX_CONNECTIONS_PER_IP=100000",
                    NULL};
    parsed p = parse(argv, envp);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_str_eq(p.cfg.host, "10.0.0.1");
    ck_assert_uint_eq(p.cfg.port, 8081);
    ck_assert_uint_eq(p.cfg.threads, 4);
    ck_assert_uint_eq(p.cfg.max_body, 2048);
    ck_assert_uint_eq(p.cfg.max_connections, 100);
    ck_assert_uint_eq(p.cfg.timeout, 90);
    ck_assert_uint_eq(p.cfg.request_timeout, 1);
    ck_assert_uint_eq(p.cfg.max_connections_per_ip, 100000);
    ck_assert_str_eq(p.cfg.rules, "conf/rules.json");
}
END_TEST

START_TEST(flags_beat_environment)
{
    char *argv[] = {"activd", "--port", "9001", "--timeout=5", NULL};
    char *envp[] = {"ACTIV_PORT=9002", "ACTIV_TIMEOUT=6", "ACTIV_THREADS=7", NULL};
    parsed p = parse(argv, envp);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 9001);
    ck_assert_uint_eq(p.cfg.timeout, 5);
    ck_assert_uint_eq(p.cfg.threads, 7); /* no flag: the variable applies */
}
END_TEST

START_TEST(flag_hides_a_bad_environment_value)
{
    char *argv[] = {"activd", "--port=9001", NULL};
    char *envp[] = {"ACTIV_PORT=nonsense", NULL};
    parsed p = parse(argv, envp);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 9001);
}
END_TEST

START_TEST(later_flag_wins)
{
    char *argv[] = {"activd", "--port=1", "--port", "2", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 2);
}
END_TEST

START_TEST(empty_environment_value_counts_as_unset)
{
    char *argv[] = {"activd", NULL};
    char *envp[] = {"ACTIV_PORT=", "ACTIV_HOST=", "ACTIV_RULES=", NULL};
    parsed p = parse(argv, envp);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 8080);
    ck_assert_str_eq(p.cfg.host, "0.0.0.0");
    ck_assert_ptr_null(p.cfg.rules);
}
END_TEST

START_TEST(environment_name_must_match_exactly)
{
    char *argv[] = {"activd", NULL};
    char *envp[] = {"ACTIV_PORTX=1", "XACTIV_PORT=2", "ACTIV_POR=3", NULL};
    parsed p = parse(argv, envp);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 8080);
}
END_TEST

START_TEST(null_envp_reads_the_process_environment)
{
    /* each test runs in its own process (CK_FORK), so setenv stays here */
    ck_assert_int_eq(setenv("ACTIV_PORT", "7070", 1), 0);
    ck_assert_int_eq(setenv("ACTIV_HOST", "localhost", 1), 0);
    char *argv[] = {"activd", NULL};
    parsed p = parse(argv, NULL);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 7070);
    ck_assert_str_eq(p.cfg.host, "localhost");
}
END_TEST

START_TEST(range_boundaries_are_accepted)
{
    char *argv[] = {"activd",
                    "--port=65535",
                    "--threads=256",
                    "--max-body=1073741824",
                    "--timeout",
                    "86400",
                    "--max-connections=100000",
                    NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 65535);
    ck_assert_uint_eq(p.cfg.threads, 256);
    ck_assert_uint_eq(p.cfg.max_body, 1073741824);
    ck_assert_uint_eq(p.cfg.timeout, 86400);
    ck_assert_uint_eq(p.cfg.max_connections, 100000);
}
END_TEST

START_TEST(leading_zeros_are_decimal)
{
    char *argv[] = {"activd", "--port=08080", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
    ck_assert_uint_eq(p.cfg.port, 8080);
}
END_TEST

/* Each bad value must be rejected with a message that starts with the flag's name. */
static const struct {
    const char *flag;
    const char *value;
} bad_values[] = {
    {"--port", "x"},
    {"--port", "65536"},
    {"--port", "-1"},
    {"--port", "+80"},
    {"--port", " 80"},
    {"--port", "80 "},
    {"--port", "80x"},
    {"--port", "0x50"},
    {"--port", "8e3"},
    {"--port", ""},
    {"--port", "99999999999999999999999999"},
    {"--threads", "0"},
    {"--threads", "257"},
    {"--threads", "two"},
    {"--max-body", "0"},
    {"--max-body", "1073741825"},
    {"--max-body", "1M"},
    {"--max-body", "18446744073709551616"},
    {"--max-connections", "0"},
    {"--max-connections", "100001"},
    {"--timeout", "0"},
    {"--timeout", "1.5"},
    {"--timeout", "86401"},
    {"--request-timeout", "0"},
    {"--request-timeout", "86401"},
    {"--max-connections-per-ip", "-1"},
    {"--max-connections-per-ip", "100001"},
    {"--host", ""},
    {"--rules", ""},
};

START_TEST(bad_flag_value_is_rejected_naming_the_flag)
{
    char arg[128];
    snprintf(arg, sizeof arg, "%s=%s", bad_values[_i].flag, bad_values[_i].value);
    char *argv[] = {"activd", arg, NULL};
    parsed p = parse(argv, no_env);
    ck_assert_msg(p.action == ACTIV_CONFIG_ERROR, "%s accepted", arg);
    size_t n = strlen(bad_values[_i].flag);
    ck_assert_msg(strncmp(p.msg, bad_values[_i].flag, n) == 0 && p.msg[n] == ':',
                  "message for %s: %s", arg, p.msg);
    ck_assert_ptr_null(strchr(p.msg, '\n'));
}
END_TEST

START_TEST(bad_environment_value_is_rejected_naming_the_variable)
{
    char var[128];
    const char *flag = bad_values[_i].flag;
    /* "--max-body" -> "ACTIV_MAX_BODY" */
    int n = snprintf(var, sizeof var, "ACTIV_");
    for (const char *s = flag + 2; *s; s++)
        var[n++] = *s == '-' ? '_' : (char)(*s - 'a' + 'A');
    var[n] = '\0';
    char entry[256];
    snprintf(entry, sizeof entry, "%s=%s", var, bad_values[_i].value);
    char *argv[] = {"activd", NULL};
    char *envp[] = {entry, NULL};
    parsed p = parse(argv, envp);
    if (bad_values[_i].value[0] == '\0') {
        /* an empty variable counts as unset */
        ck_assert_int_eq(p.action, ACTIV_CONFIG_RUN);
        return;
    }
    ck_assert_msg(p.action == ACTIV_CONFIG_ERROR, "%s accepted", entry);
    ck_assert_msg(strncmp(p.msg, var, (size_t)n) == 0 && p.msg[n] == ':', "message for %s: %s",
                  entry, p.msg);
}
END_TEST

START_TEST(port_message_is_exact)
{
    char *argv[] = {"activd", "--port", "x", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_ERROR);
    ck_assert_str_eq(p.msg, "--port: expected an integer 0..65535, got \"x\"");
}
END_TEST

START_TEST(unprintable_value_is_escaped_and_cut)
{
    char value[200];
    memset(value, 'y', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    value[0] = '\n';
    value[1] = '"';
    char *argv[] = {"activd", "--port", value, NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_ERROR);
    ck_assert_ptr_null(strchr(p.msg, '\n'));
    ck_assert_ptr_nonnull(strstr(p.msg, "got \"\\x0a\\x22yyy"));
    ck_assert_ptr_nonnull(strstr(p.msg, "...\""));
}
END_TEST

START_TEST(error_leaves_output_untouched)
{
    char *argv[] = {"activd", "--port", "x", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_ERROR);
    unsigned char sentinel[sizeof p.cfg];
    memset(sentinel, 0xa5, sizeof sentinel);
    ck_assert_int_eq(memcmp(&p.cfg, sentinel, sizeof sentinel), 0);
}
END_TEST

START_TEST(unknown_flag_is_rejected)
{
    char *argv[] = {"activd", "--prot=80", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_ERROR);
    ck_assert_ptr_nonnull(strstr(p.msg, "\"--prot\""));
}
END_TEST

START_TEST(positional_argument_is_rejected)
{
    char *argv[] = {"activd", "8080", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_ERROR);
    ck_assert_ptr_nonnull(strstr(p.msg, "\"8080\""));
}
END_TEST

START_TEST(single_dash_flag_is_rejected)
{
    char *argv[] = {"activd", "-p", "80", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_ERROR);
}
END_TEST

START_TEST(missing_value_is_rejected)
{
    char *argv[] = {"activd", "--port", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_ERROR);
    ck_assert_str_eq(p.msg, "--port: missing value (see --help)");
}
END_TEST

START_TEST(help_is_signalled)
{
    char *argv[] = {"activd", "--port=1", "--help", "--bogus", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_HELP);
}
END_TEST

START_TEST(version_is_signalled)
{
    char *argv[] = {"activd", "--version", NULL};
    parsed p = parse(argv, no_env);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_VERSION);
}
END_TEST

START_TEST(help_wins_over_a_bad_environment)
{
    char *argv[] = {"activd", "--help", NULL};
    char *envp[] = {"ACTIV_PORT=x", NULL};
    parsed p = parse(argv, envp);
    ck_assert_int_eq(p.action, ACTIV_CONFIG_HELP);
}
END_TEST

START_TEST(usage_lists_every_flag_and_variable)
{
    static const char *const names[] = {
        "--host",
        "--port",
        "--threads",
        "--max-body",
        "--max-connections",
        "--timeout",
        "--request-timeout",
        "--max-connections-per-ip",
        "--rules",
        "--help",
        "--version",
        "ACTIV_HOST",
        "ACTIV_PORT",
        "ACTIV_THREADS",
        "ACTIV_MAX_BODY",
        "ACTIV_MAX_CONNECTIONS",
        "ACTIV_TIMEOUT",
        "ACTIV_REQUEST_TIMEOUT",
        "ACTIV_MAX_CONNECTIONS_PER_IP",
        "ACTIV_RULES",
    };
    const char *usage = activ_config_usage();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        ck_assert_msg(strstr(usage, names[i]) != NULL, "usage lacks %s", names[i]);
    ck_assert_int_eq(usage[strlen(usage) - 1], '\n');
}
END_TEST

START_TEST(zero_message_size_is_safe)
{
    char *argv[] = {"activd", "--port", "x", NULL};
    activ_config cfg;
    ck_assert_int_eq(activ_config_parse(3, argv, no_env, &cfg, NULL, 0), ACTIV_CONFIG_ERROR);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");

    TCase *tc = tcase_create("accepted");
    tcase_add_test(tc, defaults_fill_every_field);
    tcase_add_test(tc, flags_with_separate_values);
    tcase_add_test(tc, flags_with_equals_values);
    tcase_add_test(tc, environment_sets_every_field);
    tcase_add_test(tc, flags_beat_environment);
    tcase_add_test(tc, flag_hides_a_bad_environment_value);
    tcase_add_test(tc, later_flag_wins);
    tcase_add_test(tc, empty_environment_value_counts_as_unset);
    tcase_add_test(tc, environment_name_must_match_exactly);
    tcase_add_test(tc, null_envp_reads_the_process_environment);
    tcase_add_test(tc, range_boundaries_are_accepted);
    tcase_add_test(tc, leading_zeros_are_decimal);
    suite_add_tcase(s, tc);

    tc = tcase_create("rejected");
    int n_bad = (int)(sizeof bad_values / sizeof bad_values[0]);
    tcase_add_loop_test(tc, bad_flag_value_is_rejected_naming_the_flag, 0, n_bad);
    tcase_add_loop_test(tc, bad_environment_value_is_rejected_naming_the_variable, 0, n_bad);
    tcase_add_test(tc, port_message_is_exact);
    tcase_add_test(tc, unprintable_value_is_escaped_and_cut);
    tcase_add_test(tc, error_leaves_output_untouched);
    tcase_add_test(tc, unknown_flag_is_rejected);
    tcase_add_test(tc, positional_argument_is_rejected);
    tcase_add_test(tc, single_dash_flag_is_rejected);
    tcase_add_test(tc, missing_value_is_rejected);
    tcase_add_test(tc, zero_message_size_is_safe);
    suite_add_tcase(s, tc);

    tc = tcase_create("help_version");
    tcase_add_test(tc, help_is_signalled);
    tcase_add_test(tc, version_is_signalled);
    tcase_add_test(tc, help_wins_over_a_bad_environment);
    tcase_add_test(tc, usage_lists_every_flag_and_variable);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return run_suite(config_suite());
}
