/* activ.c -- the command-line client: read the command line, ask activd, print the answer */
#include "client.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activ/version.h"

#define DEFAULT_URL "http://127.0.0.1:8080"
#define SHOWN_BODY  200  /* bytes of an answer that is not an API error quoted back */
#define DONE        (-1) /* parse_args: --help or --version answered; exit 0 */

/* In parts: ISO C promises string literals of 4095 bytes only. */
static const char *const usage[] = {
    "usage: activ [OPTIONS] COMMAND [ARGUMENTS]\n"
    "\n"
    "Evaluates, differentiates and recommends neural-network activation functions\n"
    "on an activd server.\n"
    "\n"
    "Commands:\n"
    "  eval NAME [X...]     y = f(x), f the activation NAME (or one of its aliases)\n"
    "  diff NAME [X...]     the derivatives of f at x: f'(x) for an elementwise function, the\n"
    "                       Jacobian for a row-wise one; with --grad-output also grad_input,\n"
    "                       what autograd's backward returns (and for prelu d/dalpha)\n"
    "  list                 the catalog: each function's name, kind, aliases, range, summary\n"
    "  show NAME            one function: summary, formula, derivative, range, properties,\n"
    "                       parameters with defaults and domains, pros, cons, uses, source\n"
    "  recommend [FIELDS]   which activation to use for a layer (GET /recommend): the choice\n"
    "                       and its reasons, alternatives with their scores, activations to\n"
    "                       avoid and why, notes, and the rules that fired. FIELDS are the\n"
    "                       recommend options below; with none, a hidden layer is assumed\n"
    "  health               ask the server whether it is up (GET /healthz)\n"
    "\n"
    "Input x (eval, diff):\n"
    "  X are numbers after NAME: 1 2 3, -2, -1e-300, 0x1p-3, or 1,2,3 in one argument. After\n"
    "  NAME an argument that starts like a number is a value, not an option (so -2 is a\n"
    "  value); after -- every argument is a value.\n"
    "  With no X, x is read from stdin (at most 64 MiB) as either\n"
    "    a JSON array: [1, 2, 3] is a vector, [[1, 2], [3, 4]] a batch of rows; or\n"
    "    numbers separated by blanks or commas, one row per line: one line is a vector,\n"
    "    several lines are a batch (blank lines and lines starting with # are skipped).\n"
    "  Elementwise functions act on each number, row-wise ones (softmax, log_softmax,\n"
    "  softmin, sparsemax, glu, crelu, maxout) on each row of a batch.\n"
    "\n",
    "Options:\n"
    "  --params JSON        the parameters as a JSON object: --params '{\"alpha\": 0.1}'\n"
    "  --param NAME=VALUE   one parameter; VALUE is read as JSON (0.1, [1, 2], \"tanh\", null),\n"
    "                       else as a number or a string (--param approximate=tanh). Repeated\n"
    "                       --param and --params are merged; the last one wins\n"
    "  --grad-output G      (diff) the upstream gradient, shaped like y: numbers (1,0.5 or a\n"
    "                       repeated --grad-output) or a JSON array ('[[1, 0], [0, 1]]')\n"
    "  --url URL            the server (default " DEFAULT_URL ", or $ACTIV_URL)\n"
    "  --json               print the server's JSON answer as it is, for scripts\n"
    "  -h, --help           this text\n"
    "  --version            the client's version\n"
    "  Options may stand anywhere; --option=VALUE works as well as --option VALUE.\n"
    "\n",
    "Options of recommend (FIELDS):\n"
    "  Each sets the query field of the same name with _ for - (--output-range R sends\n"
    "  output_range=R). The server checks the values; a repeated option's last value wins.\n"
    "  B is true or false. A yes/no option alone means true (--batch-norm is --batch-norm\n"
    "  true): the argument after it is taken as its value only when it is true or false.\n"
    "  --layer L            where the activation goes: hidden (the default) or output\n"
    "  --task T             binary_classification, multiclass, multilabel or regression\n"
    "  --exclusive B        the classes are mutually exclusive (exactly one is true)\n"
    "  --output-range R     unbounded, positive, unit_interval or symmetric_unit\n"
    "  --depth N            how many layers the network stacks, 1 to 10000\n"
    "  --architecture A     mlp, cnn, rnn or transformer\n"
    "  --compute C          normal, or low (mobile, embedded, quantized)\n"
    "  --batch-norm B       the layers use batch normalization\n"
    "  --dead-neurons B     many ReLU units have stopped learning (output 0 for every input)\n"
    "  --high-learning-rate B\n"
    "                       the learning rate is high enough to push units into their dead\n"
    "                       region\n"
    "  --vanishing-gradients B\n"
    "                       the early layers' gradients shrink towards 0\n"
    "  --self-normalizing B the network should keep its activations normalized by itself,\n"
    "                       without normalization layers\n"
    "\n",
    "Output:\n"
    "  eval prints \"NAME(x; PARAMS) =\" and y: a vector on the same line, a batch one row per\n"
    "  line below it. diff prints NAME'(x) (elementwise) or the Jacobian (one matrix, or one\n"
    "  per row of a batch), then grad_input, and for prelu d/dalpha and grad_alpha. Numbers\n"
    "  are printed in the shortest form that reads back as the same double: no digit is lost.\n"
    "  list cuts its lines to the terminal's width when stdout is a terminal. recommend prints\n"
    "  \"recommend: NAME (PARAMS)\" and its reasons, then the alternatives with their scores\n"
    "  and first reasons, the activations to avoid with their reasons, notes, and the ids of\n"
    "  the rules that fired.\n"
    "\n"
    "Examples:\n"
    "  activ eval sigmoid 1 2 3\n"
    "  activ eval leaky_relu -2 0.5 --param alpha=0.1\n"
    "  echo '[[1, 2, 3], [1, 1, 1]]' | activ eval softmax\n"
    "  printf '1 2 3\\n1 1 1\\n' | activ eval softmax --json\n"
    "  activ diff gelu 0.5 --grad-output 1\n"
    "  activ diff softmax 1 2 3\n"
    "  activ list\n"
    "  activ show elu\n"
    "  activ recommend --layer output --task multiclass --exclusive true\n"
    "  activ recommend --depth 40 --dead-neurons\n"
    "  ACTIV_URL=http://localhost:9000 activ health\n"
    "\n"
    "Exit status:\n"
    "  0  ok\n"
    "  1  the server answered with an error, printed as \"activ: CODE: MESSAGE (at PATH)\"\n"
    "     (or the output could not be written)\n"
    "  2  bad usage or input; nothing was sent\n"
    "  3  the server could not be reached: connection refused, timeout, unknown host\n",
};

typedef enum command {
    CMD_NONE,
    CMD_EVAL,
    CMD_DIFF,
    CMD_LIST,
    CMD_SHOW,
    CMD_RECOMMEND,
    CMD_HEALTH
} command;

static const struct {
    const char *name;
    command cmd;
} commands[] = {
    {"eval", CMD_EVAL},           {"evaluate", CMD_EVAL}, {"diff", CMD_DIFF},
    {"differentiate", CMD_DIFF},  {"list", CMD_LIST},     {"show", CMD_SHOW},
    {"recommend", CMD_RECOMMEND}, {"health", CMD_HEALTH},
};

/* The options of recommend. Each sets the query field of the same name with '_' for '-'
 * (--output-range: output_range); the server, not the client, checks the values. */
enum { N_FIELDS = 12 };
static const struct {
    const char *option;
    bool yes_no; /* true or false; the option alone means true */
} fields[] = {
    {.option = "--layer"},
    {.option = "--task"},
    {.option = "--exclusive", .yes_no = true},
    {.option = "--output-range"},
    {.option = "--depth"},
    {.option = "--batch-norm", .yes_no = true},
    {.option = "--dead-neurons", .yes_no = true},
    {.option = "--high-learning-rate", .yes_no = true},
    {.option = "--vanishing-gradients", .yes_no = true},
    {.option = "--architecture"},
    {.option = "--compute"},
    {.option = "--self-normalizing", .yes_no = true},
};
_Static_assert(sizeof fields / sizeof fields[0] == N_FIELDS, "N_FIELDS counts the fields");

typedef struct options {
    const char *url;
    bool json;
    command cmd;
    const char *cmd_name;        /* as typed */
    const char *name;            /* the activation (eval, diff, show) */
    json_t *x;                   /* the values on the command line, or NULL: read stdin */
    json_t *params;              /* --params and --param merged, or NULL */
    json_t *grad;                /* --grad-output, or NULL */
    bool grad_json;              /* it was given as a JSON array */
    const char *query[N_FIELDS]; /* recommend: the value of each field, or NULL; in argv */
} options;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line: "activ: <what went wrong> (see activ --help)". */
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("activ: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see activ --help)\n", stderr);
    return EXIT_USAGE;
}

/* The options that take a value, as "--name VALUE" or "--name=VALUE". */
typedef enum valued { OPT_URL, OPT_PARAMS, OPT_PARAM, OPT_GRAD, OPT_NONE } valued;

static const char *const valued_names[] = {
    [OPT_URL] = "--url",
    [OPT_PARAMS] = "--params",
    [OPT_PARAM] = "--param",
    [OPT_GRAD] = "--grad-output",
};

/* Which valued option the argument a is, or OPT_NONE. */
static valued valued_option(const char *a)
{
    for (int k = 0; k < OPT_NONE; k++) {
        size_t n = strlen(valued_names[k]);
        if (strncmp(a, valued_names[k], n) == 0 && (a[n] == '\0' || a[n] == '='))
            return (valued)k;
    }
    return OPT_NONE;
}

static int apply_option(options *o, valued opt, const char *value)
{
    activ_client_msg msg;
    bool ok = true;
    switch (opt) {
        case OPT_URL:
            o->url = value;
            break;
        case OPT_PARAMS:
            ok = activ_client_add_params(&o->params, value, &msg);
            break;
        case OPT_PARAM:
            ok = activ_client_add_param(&o->params, value, &msg);
            break;
        case OPT_GRAD:
            ok = activ_client_add_grad(&o->grad, &o->grad_json, value, &msg);
            break;
        case OPT_NONE:
            break;
    }
    return ok ? EXIT_OK : usage_error("%s", msg.text);
}

/* Which option of recommend the argument a is ("--depth" or "--depth=..."), or -1. */
static int field_option(const char *a)
{
    for (int k = 0; k < N_FIELDS; k++) {
        size_t n = strlen(fields[k].option);
        if (strncmp(a, fields[k].option, n) == 0 && (a[n] == '\0' || a[n] == '='))
            return k;
    }
    return -1;
}

static bool is_yes_no(const char *s)
{
    return s && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0);
}

/* Takes the value of the field option argv[*i]: after its '=', else the next argument (and
 * *i moves past it). A yes/no option alone means true, so its next argument is its value
 * only when that is "true" or "false". */
static int take_field(options *o, int f, int argc, char **argv, int *i)
{
    const char *eq = strchr(argv[*i], '=');
    const char *next = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (eq) {
        o->query[f] = eq + 1;
    } else if (fields[f].yes_no && !is_yes_no(next)) {
        /* after the command, a word here can only be a misspelt value: name it as one */
        if (o->cmd == CMD_RECOMMEND && next && next[0] != '-')
            return usage_error("%s takes true or false (alone it means true), not \"%s\"", argv[*i],
                               next);
        o->query[f] = "true";
    } else if (next) {
        o->query[f] = next;
        ++*i;
    } else {
        return usage_error("%s needs a value", argv[*i]);
    }
    return EXIT_OK;
}

static bool takes_values(const options *o)
{
    return (o->cmd == CMD_EVAL || o->cmd == CMD_DIFF) && o->name;
}

/* Appends the numbers of one argument to o->x. */
static int add_values(options *o, const char *arg)
{
    activ_client_msg msg;
    if (!o->x)
        o->x = json_array();
    if (!o->x)
        return usage_error("out of memory");
    if (!activ_client_parse_numbers(arg, strlen(arg), o->x, &msg))
        return usage_error("%s", msg.text);
    return EXIT_OK;
}

static int positional(options *o, const char *a)
{
    if (o->cmd == CMD_NONE) {
        for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
            if (strcmp(a, commands[k].name) == 0) {
                o->cmd = commands[k].cmd;
                o->cmd_name = a;
                return EXIT_OK;
            }
        }
        return usage_error("unknown command \"%s\"", a);
    }
    if ((o->cmd == CMD_EVAL || o->cmd == CMD_DIFF || o->cmd == CMD_SHOW) && !o->name) {
        if (!*a)
            return usage_error("the activation name is empty");
        o->name = a;
        return EXIT_OK;
    }
    if (takes_values(o))
        return add_values(o, a);
    if (o->cmd == CMD_RECOMMEND)
        return usage_error("unexpected argument \"%s\": recommend takes options only, like "
                           "--layer output",
                           a);
    return usage_error("unexpected argument \"%s\"", a);
}

/* Fills *o from argv; returns EXIT_OK, DONE (help or version printed) or EXIT_USAGE. */
static int parse_args(int argc, char **argv, options *o)
{
    bool only_positional = false; /* after "--" */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool is_option = !only_positional && a[0] == '-' && a[1] != '\0'; /* "-" is not */
        valued opt = is_option ? valued_option(a) : OPT_NONE;
        int field = is_option ? field_option(a) : -1;
        int rc = EXIT_OK;
        if (!is_option) {
            rc = positional(o, a);
        } else if (takes_values(o) && activ_client_numeric(a)) {
            rc = add_values(o, a);
        } else if (strcmp(a, "--") == 0) {
            only_positional = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            for (size_t k = 0; k < sizeof usage / sizeof usage[0]; k++)
                fputs(usage[k], stdout);
            return DONE;
        } else if (strcmp(a, "--version") == 0) {
            printf("activ %s\n", ACTIV_VERSION);
            return DONE;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (field >= 0) {
            rc = take_field(o, field, argc, argv, &i);
        } else if (opt != OPT_NONE) {
            const char *eq = strchr(a, '=');
            if (!eq && i + 1 >= argc)
                return usage_error("%s needs a value", a);
            rc = apply_option(o, opt, eq ? eq + 1 : argv[++i]);
        } else if ((o->cmd == CMD_EVAL || o->cmd == CMD_DIFF) && activ_client_numeric(a)) {
            rc = usage_error("\"%s\": give the activation name before the values", a);
        } else {
            rc = usage_error("unknown option %s", a);
        }
        if (rc != EXIT_OK)
            return rc;
    }
    if (o->cmd == CMD_NONE) {
        fputs("usage: activ [OPTIONS] eval|diff|list|show|recommend|health [ARGUMENTS]\n"
              "Try 'activ --help' for the commands, options and examples.\n",
              stderr);
        return EXIT_USAGE;
    }
    if ((o->cmd == CMD_EVAL || o->cmd == CMD_DIFF || o->cmd == CMD_SHOW) && !o->name)
        return usage_error("%s needs an activation name, like: activ %s sigmoid%s", o->cmd_name,
                           o->cmd_name, o->cmd == CMD_SHOW ? "" : " 1 2 3");
    if (o->params && o->cmd != CMD_EVAL && o->cmd != CMD_DIFF)
        return usage_error("--params and --param go with eval and diff, not %s", o->cmd_name);
    if (o->grad && o->cmd != CMD_DIFF)
        return usage_error("--grad-output goes with diff, not %s", o->cmd_name);
    for (int f = 0; f < N_FIELDS && o->cmd != CMD_RECOMMEND; f++) {
        if (o->query[f])
            return usage_error("%s goes with recommend, not %s", fields[f].option, o->cmd_name);
    }
    return EXIT_OK;
}

/* ---------------------------------------------------------------- answers */

/* Writes s, at most max bytes of it, with control characters shown as '?': a server's words
 * must not drive the terminal. */
static void put_clean(FILE *out, const char *s, size_t max)
{
    size_t i = 0;
    for (; s[i] && i < max; i++)
        fputc((unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i], out);
    if (s[i])
        fputs("...", out);
}

/* Reports an error answer: the API's {"error": {...}} as "activ: CODE: MESSAGE (at PATH)", any
 * other body with its status. Returns EXIT_SERVER_ERROR. */
static int report_error(const char *url, const char *path, const activ_client_answer *a)
{
    json_t *root = a->data ? json_loadb(a->data, a->len, 0, NULL) : NULL;
    const json_t *err = json_object_get(root, "error");
    const char *code = json_string_value(json_object_get(err, "code"));
    const char *message = json_string_value(json_object_get(err, "message"));
    const char *at = json_string_value(json_object_get(err, "path"));
    fputs("activ: ", stderr);
    if (code && message) {
        put_clean(stderr, code, SHOWN_BODY);
        fputs(": ", stderr);
        put_clean(stderr, message, 4 * SHOWN_BODY);
        if (at && *at) {
            fputs(" (at ", stderr);
            put_clean(stderr, at, SHOWN_BODY);
            fputc(')', stderr);
        }
    } else {
        fprintf(stderr, "%s%s answered %ld", url, path, a->status);
        if (a->data && a->len > 0) {
            fputs(": ", stderr);
            put_clean(stderr, a->data, SHOWN_BODY);
        }
    }
    fputc('\n', stderr);
    json_decref(root);
    return EXIT_SERVER_ERROR;
}

/* Sends the request and takes the answer: with --json it is printed as it is; a 2xx answer's
 * JSON object goes to *root (a new reference; NULL with --json), errors are reported. Returns
 * the exit status. */
static int ask(const options *o, const char *path, const json_t *request, json_t **root)
{
    activ_client_answer a = {0};
    char *body = NULL;
    int rc;
    *root = NULL;
    if (request) {
        body = json_dumps(request, JSON_COMPACT);
        if (!body) {
            fprintf(stderr, "activ: out of memory\n");
            return EXIT_USAGE;
        }
    }
    rc = activ_client_request(o->url, path, body, body ? strlen(body) : 0, &a);
    free(body);
    if (rc != EXIT_OK)
        goto out;
    bool ok = a.status >= 200 && a.status < 300;
    if (o->json) {
        if (a.data) {
            fwrite(a.data, 1, a.len, stdout);
            if (a.data[a.len - 1] != '\n')
                fputc('\n', stdout);
        }
        rc = ok ? EXIT_OK : report_error(o->url, path, &a);
        goto out;
    }
    if (!ok) {
        rc = report_error(o->url, path, &a);
        goto out;
    }
    json_error_t e = {.text = "the body is empty"};
    *root = a.data ? json_loadb(a.data, a.len, JSON_DECODE_INT_AS_REAL, &e) : NULL;
    if (!json_is_object(*root)) {
        fprintf(stderr, "activ: %s%s answered %ld with something that is not a JSON object: %s\n",
                o->url, path, a.status, *root ? "another JSON value" : e.text);
        json_decref(*root);
        *root = NULL;
        rc = EXIT_SERVER_ERROR;
    }
out:
    activ_client_answer_fini(&a);
    return rc;
}

/* ---------------------------------------------------------------- commands */

/* Closes the memory stream m writing to *buf: *buf, or NULL (and *buf freed) on failure. */
static char *closed(FILE *m, char **buf)
{
    if (fclose(m) != 0) {
        free(*buf);
        *buf = NULL;
    }
    return *buf;
}

/* "elu(x; alpha=1)", "softmax'(x[2])": the function as it was called, params as answered. */
static char *call_label(const char *prefix, const json_t *root, const char *suffix, const char *arg)
{
    char *label = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&label, &size);
    if (!m)
        return NULL;
    const char *name = json_string_value(json_object_get(root, "activation"));
    fprintf(m, "%s%s%s(%s", prefix, name ? name : "f", suffix, arg);
    activ_client_print_params(m, json_object_get(root, "params"), "; ", false);
    fputc(')', m);
    return closed(m, &label);
}

/* Prints root[key] under the label prefix + NAME + suffix + "(arg; params)". */
static bool print_call(const json_t *root, const char *key, const char *prefix, const char *suffix,
                       const char *arg)
{
    const json_t *v = json_object_get(root, key);
    char *label = v ? call_label(prefix, root, suffix, arg) : NULL;
    if (label)
        activ_client_print_value(stdout, label, v);
    free(label);
    return label != NULL;
}

static void print_plain(const json_t *root, const char *key)
{
    const json_t *v = json_object_get(root, key);
    if (v)
        activ_client_print_value(stdout, key, v);
}

/* The Jacobian: one matrix for a vector x, else "jacobian of f(x[i])" for each row. */
static bool print_jacobian(const json_t *root)
{
    const json_t *j = json_object_get(root, "jacobian");
    if (!json_is_array(json_array_get(json_array_get(j, 0), 0)))
        return print_call(root, "jacobian", "jacobian of ", "", "x");
    size_t i;
    const json_t *m;
    json_array_foreach(j, i, m)
    {
        char arg[32];
        snprintf(arg, sizeof arg, "x[%zu]", i);
        char *label = call_label("jacobian of ", root, "", arg);
        if (!label)
            return false;
        activ_client_print_value(stdout, label, m);
        free(label);
    }
    return true;
}

static int cmd_compute(const options *o)
{
    bool diff = o->cmd == CMD_DIFF;
    json_t *x = json_incref(o->x), *root = NULL;
    json_t *req = json_object();
    int rc = EXIT_USAGE;
    if (!x) {
        activ_client_msg msg;
        if (isatty(STDIN_FILENO))
            fprintf(stderr, "activ: reading x from stdin: numbers, one row per line, or a JSON "
                            "array; end with Ctrl-D\n");
        x = activ_client_read_x(stdin, &msg);
        if (!x) {
            rc = usage_error("%s", msg.text);
            goto out;
        }
    }
    if (!req) {
        rc = usage_error("out of memory");
        goto out;
    }
    json_t *name = json_string(o->name);
    if (!name) {
        rc = usage_error("the activation name is not valid UTF-8");
        goto out;
    }
    if (json_object_set_new(req, "activation", name) != 0 ||
        (o->params && json_object_set(req, "params", o->params) != 0) ||
        json_object_set(req, "x", x) != 0 ||
        (o->grad && json_object_set(req, "grad_output", o->grad) != 0)) {
        rc = usage_error("out of memory");
        goto out;
    }
    rc = ask(o, diff ? "/differentiate" : "/evaluate", req, &root);
    if (rc != EXIT_OK || !root)
        goto out;
    bool shown;
    if (!diff) {
        shown = print_call(root, "y", "", "", "x");
    } else {
        shown = json_object_get(root, "jacobian") ? print_jacobian(root)
                                                  : print_call(root, "dy_dx", "", "'", "x");
        print_plain(root, "grad_input");
        if (json_object_get(root, "dy_dalpha"))
            print_call(root, "dy_dalpha", "d/dalpha ", "", "x");
        print_plain(root, "grad_alpha");
    }
    if (!shown) {
        fprintf(stderr, "activ: the answer of %s%s has no %s\n", o->url,
                diff ? "/differentiate" : "/evaluate", diff ? "derivative" : "y");
        rc = EXIT_SERVER_ERROR;
    }
out:
    json_decref(root);
    json_decref(req);
    json_decref(x);
    return rc;
}

/* Writes s percent-encoded, except for RFC 3986's unreserved characters. */
static void put_escaped(FILE *m, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            fputc(c, m);
        } else {
            fprintf(m, "%%%02X", c);
        }
    }
}

/* The path a GET command asks for: "/activations" (list), "/activations/NAME" (show) or
 * "/recommend?layer=output&task=multiclass" (recommend: the fields given, in the order of the
 * table). Names and values are percent-encoded as they were typed. Malloc'd, or NULL. */
static char *get_path(const options *o)
{
    char *path = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&path, &size);
    if (!m)
        return NULL;
    if (o->cmd == CMD_LIST) {
        fputs("/activations", m);
    } else if (o->cmd == CMD_SHOW) {
        fputs("/activations/", m);
        put_escaped(m, o->name);
    } else {
        char sep = '?';
        fputs("/recommend", m);
        for (int f = 0; f < N_FIELDS; f++) {
            if (!o->query[f])
                continue;
            fputc(sep, m);
            for (const char *c = fields[f].option + 2; *c; c++)
                fputc(*c == '-' ? '_' : *c, m);
            fputc('=', m);
            put_escaped(m, o->query[f]);
            sep = '&';
        }
    }
    return closed(m, &path);
}

typedef bool (*printer)(FILE *out, const json_t *answer, size_t columns);

/* list, show, recommend: GETs the command's path and prints the answer with `print`, fitted
 * to stdout's columns (cut as a table, or wrapped as text); `what` names the answer expected,
 * for when it is something else. */
static int get_and_print(const options *o, printer print, bool table, const char *what)
{
    json_t *root = NULL;
    char *path = get_path(o);
    if (!path)
        return usage_error("out of memory");
    int rc = ask(o, path, NULL, &root);
    if (rc == EXIT_OK && root && !print(stdout, root, activ_client_columns(stdout, table))) {
        fprintf(stderr, "activ: %s%s answered something that is not %s\n", o->url, path, what);
        rc = EXIT_SERVER_ERROR;
    }
    json_decref(root);
    free(path);
    return rc;
}

static int cmd_list(const options *o)
{
    return get_and_print(o, activ_client_print_catalog, true, "a catalog");
}

static int cmd_show(const options *o)
{
    return get_and_print(o, activ_client_print_entry, false, "a catalog entry");
}

static int cmd_recommend(const options *o)
{
    return get_and_print(o, activ_client_print_recommendation, false, "a recommendation");
}

static int cmd_health(const options *o)
{
    activ_client_answer a = {0};
    int rc = activ_client_request(o->url, "/healthz", NULL, 0, &a);
    if (rc != EXIT_OK)
        return rc;
    bool ok = a.status == 200 && a.data && strstr(a.data, "\"ok\"") != NULL;
    if (o->json) {
        printf("%s\n", a.data ? a.data : "");
    } else if (ok) {
        printf("ok: %s is up\n", o->url);
    } else {
        fprintf(stderr, "activ: %s answered %ld: ", o->url, a.status);
        put_clean(stderr, a.data ? a.data : "(no body)", SHOWN_BODY);
        fputc('\n', stderr);
    }
    activ_client_answer_fini(&a);
    return ok ? EXIT_OK : EXIT_SERVER_ERROR;
}

int main(int argc, char **argv)
{
    options o = {.url = getenv("ACTIV_URL")};
    if (!o.url || !*o.url)
        o.url = DEFAULT_URL;
    int rc = parse_args(argc, argv, &o);
    if (rc == EXIT_OK) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            fprintf(stderr, "activ: cannot start libcurl\n");
            rc = EXIT_UNREACHABLE;
        } else {
            switch (o.cmd) {
                case CMD_EVAL:
                case CMD_DIFF:
                    rc = cmd_compute(&o);
                    break;
                case CMD_LIST:
                    rc = cmd_list(&o);
                    break;
                case CMD_SHOW:
                    rc = cmd_show(&o);
                    break;
                case CMD_RECOMMEND:
                    rc = cmd_recommend(&o);
                    break;
                case CMD_HEALTH:
                case CMD_NONE:
                    rc = cmd_health(&o);
                    break;
            }
            curl_global_cleanup();
        }
    } else if (rc == DONE) {
        rc = EXIT_OK;
    }
    json_decref(o.x);
    json_decref(o.params);
    json_decref(o.grad);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "activ: cannot write the output\n");
        rc = EXIT_SERVER_ERROR;
    }
    return rc;
}
