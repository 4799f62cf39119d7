/* client.h -- the parts of the activ command-line client: transport, input, output */
#ifndef ACTIV_CLIENT_H
#define ACTIV_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes, documented in --help. */
enum {
    EXIT_OK = 0,
    EXIT_SERVER_ERROR = 1, /* the server answered with an error (or the output failed) */
    EXIT_USAGE = 2,        /* bad command line or input */
    EXIT_UNREACHABLE = 3   /* no answer: connection refused, timeout, DNS */
};

#define ACTIV_CLIENT_MAX_ANSWER (16u << 20) /* answers larger than this are refused */
#define ACTIV_CLIENT_MAX_STDIN  (64u << 20) /* so is more input than this on stdin */

/* ---------------------------------------------------------------- http.c */

/* One answer: the HTTP status and the body, malloc'd and NUL-terminated (data is NULL when
 * the body was empty). Free with activ_client_answer_fini(). */
typedef struct activ_client_answer {
    long status;
    char *data;
    size_t len;
    bool overflow; /* the body went over ACTIV_CLIENT_MAX_ANSWER */
} activ_client_answer;

/* Sends a GET (body == NULL) or a POST of `body_len` JSON bytes to base + path, and fills
 * *ans. Returns EXIT_OK when the server answered, whatever its status; otherwise prints one
 * line naming the URL and returns EXIT_UNREACHABLE. Call curl_global_init() first. */
int activ_client_request(const char *base, const char *path, const char *body, size_t body_len,
                         activ_client_answer *ans);

/* Frees the body; idempotent. */
void activ_client_answer_fini(activ_client_answer *ans);

/* ---------------------------------------------------------------- input.c */

/* Input errors carry a message for "activ: <message> (see activ --help)". */
typedef struct activ_client_msg {
    char text[256];
} activ_client_msg;

/* True when `s` starts like a number (strtod converts something), so that after the activation
 * name "-2" or "-1e-300" is a value and not an option. */
bool activ_client_numeric(const char *s);

/* Parses the `len` bytes at s (a NUL or a newline must follow them) as numbers separated by
 * whitespace or one comma, and appends each to the array `row` as a JSON real. Accepts what
 * strtod accepts (decimal, hex floats) when the result is finite. Returns false with a message
 * naming the bad token, and then `row` holds the numbers before it. */
bool activ_client_parse_numbers(const char *s, size_t len, json_t *row, activ_client_msg *msg);

/* Reads x from the whole of `in` (at most ACTIV_CLIENT_MAX_STDIN bytes): a JSON array (vector
 * or batch), or numbers with one row per line (one line: a vector; several: a batch). Returns
 * a new reference, or NULL with a message. */
json_t *activ_client_read_x(FILE *in, activ_client_msg *msg);

/* Merges the JSON object `text` into *params (creating it). False with a message otherwise. */
bool activ_client_add_params(json_t **params, const char *text, activ_client_msg *msg);

/* Sets one parameter from "name=value", value as JSON or else a number or a string. */
bool activ_client_add_param(json_t **params, const char *assignment, activ_client_msg *msg);

/* Adds the value of one --grad-output to *grad (creating it): numbers are appended to a vector;
 * a JSON array (vector or batch) is taken as it is, sets *from_json, and cannot be combined
 * with another --grad-output. */
bool activ_client_add_grad(json_t **grad, bool *from_json, const char *text, activ_client_msg *msg);

/* ---------------------------------------------------------------- output.c */

/* The shortest decimal form of v that reads back as the same double ("0.1", "-0", "1e-300");
 * v must be finite. buf has room for 32 bytes. */
void activ_client_format_double(double v, char buf[32]);

/* Prints a JSON value compactly with every number in its shortest round-trip form. */
void activ_client_print_compact(FILE *out, const json_t *v);

/* Prints the members of the object `params` as "name=value", values compact with numbers in
 * their shortest form: the first after `open`, the others after ", ". Members whose value is
 * null (a parameter left unset) are left out when skip_null. Returns how many were printed;
 * nothing is printed when params is not an object or has nothing to show. */
size_t activ_client_print_params(FILE *out, const json_t *params, const char *open, bool skip_null);

/* Prints "label = v" for a number or a vector, "label =" and one row per line for a matrix,
 * and "label[i] =" with its rows for each matrix of a list of matrices. */
void activ_client_print_value(FILE *out, const char *label, const json_t *v);

/* The columns to fit a table or wrap text into: the terminal's width when out is a terminal,
 * 0 ("do not cut") for a table otherwise, and 80 for text. */
size_t activ_client_columns(FILE *out, bool table);

/* The catalog {"activations": [...]} as a table: name, kind, aliases, range, summary; each line
 * cut to `columns` characters when it is not 0. False when the answer has another shape. */
bool activ_client_print_catalog(FILE *out, const json_t *catalog, size_t columns);

/* One catalog entry for a person to read, wrapped at `columns`. False on another shape. */
bool activ_client_print_entry(FILE *out, const json_t *entry, size_t columns);

/* An answer of /recommend for a person to read, wrapped at `columns`: the recommendation
 * ("recommend: NAME (PARAMS)") with its reasons, then the alternatives (score and first
 * reason), the activations to avoid (all reasons), the notes and the ids of the rules that
 * fired; empty sections are left out. False when the answer has no "recommendation" (an
 * object, or null when no rule recommends anything). */
bool activ_client_print_recommendation(FILE *out, const json_t *answer, size_t columns);

#endif
