/* input.c -- what the client sends: numbers from arguments and stdin, params, grad_output */
#include "client.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN 24 /* bytes of a bad token quoted back in a message */

static void say(activ_client_msg *msg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(activ_client_msg *msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg->text, sizeof msg->text, fmt, ap);
    va_end(ap);
}

/* Copies at most SHOWN bytes of s[0..n) into buf for a message: control bytes become '?', and
 * a cut never splits a UTF-8 sequence. */
static const char *quote(char buf[SHOWN + 4], const char *s, size_t n)
{
    size_t k = n > SHOWN ? SHOWN : n;
    while (k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    for (size_t i = 0; i < k; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
    strcpy(buf + k, k < n ? "..." : "");
    return buf;
}

/* Whitespace inside a line: the newline separates rows, so it is not one of them. */
static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool activ_client_numeric(const char *s)
{
    if (blank(*s) || *s == '\n')
        return false;
    char *end;
    (void)strtod(s, &end);
    return end != s;
}

bool activ_client_parse_numbers(const char *s, size_t len, json_t *row, activ_client_msg *msg)
{
    const char *p = s, *end = s + len;
    char shown[SHOWN + 4];
    while (p < end && blank(*p))
        p++;
    while (p < end) {
        /* p is at a non-blank byte, so strtod skips nothing and stops at the newline or NUL
         * that follows the line at the latest */
        char *stop;
        errno = 0;
        double v = strtod(p, &stop);
        const char *tok_end = p;
        while (tok_end < end && !blank(*tok_end) && *tok_end != ',')
            tok_end++;
        if (stop == p || stop != tok_end) {
            say(msg, "\"%s\" is not a number", quote(shown, p, (size_t)(tok_end - p)));
            return false;
        }
        if (!isfinite(v)) {
            say(msg, "\"%s\" is not a finite number", quote(shown, p, (size_t)(tok_end - p)));
            return false;
        }
        if (json_array_append_new(row, json_real(v)) != 0) {
            say(msg, "out of memory");
            return false;
        }
        p = tok_end;
        while (p < end && blank(*p))
            p++;
        if (p < end && *p == ',') {
            p++;
            while (p < end && blank(*p))
                p++;
            if (p == end || *p == ',') {
                say(msg, "a comma must stand between two numbers");
                return false;
            }
        }
    }
    return true;
}

/* Reads all of `in` into a malloc'd, NUL-terminated buffer; NULL with a message when it cannot
 * be read, is over the limit or holds a NUL byte. */
static char *slurp(FILE *in, size_t *len, activ_client_msg *msg)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (cap - n < 2) {
            size_t grown = cap ? cap * 2 : 65536;
            if (grown > ACTIV_CLIENT_MAX_STDIN + 2)
                grown = ACTIV_CLIENT_MAX_STDIN + 2;
            if (grown <= cap) {
                say(msg, "stdin holds more than %u MiB", ACTIV_CLIENT_MAX_STDIN >> 20);
                goto fail;
            }
            char *p = realloc(buf, grown);
            if (!p) {
                say(msg, "out of memory reading stdin");
                goto fail;
            }
            buf = p;
            cap = grown;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, in);
        n += got;
        if (got == 0) {
            if (ferror(in)) {
                say(msg, "cannot read stdin: %s", strerror(errno));
                goto fail;
            }
            break;
        }
    }
    if (n > ACTIV_CLIENT_MAX_STDIN) {
        say(msg, "stdin holds more than %u MiB", ACTIV_CLIENT_MAX_STDIN >> 20);
        goto fail;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        say(msg, "stdin holds a NUL byte: expected text");
        goto fail;
    }
    *len = n;
    return buf;
fail:
    free(buf);
    return NULL;
}

/* Text input: one row per non-blank line; lines starting with '#' are comments. */
static json_t *rows_from_text(const char *buf, size_t len, activ_client_msg *msg)
{
    json_t *rows = json_array();
    if (!rows) {
        say(msg, "out of memory");
        return NULL;
    }
    const char *p = buf, *end = buf + len;
    size_t line = 0, first_len = 0, first_line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        line++;
        const char *q = p;
        while (q < eol && blank(*q))
            q++;
        if (q < eol && *q != '#') {
            json_t *row = json_array();
            activ_client_msg why;
            if (!row || json_array_append_new(rows, row) != 0) {
                say(msg, "out of memory");
                goto fail;
            }
            if (!activ_client_parse_numbers(q, (size_t)(eol - q), row, &why)) {
                say(msg, "stdin line %zu: %s", line, why.text);
                goto fail;
            }
            if (json_array_size(rows) == 1) {
                first_len = json_array_size(row);
                first_line = line;
            } else if (json_array_size(row) != first_len) {
                say(msg, "stdin line %zu has %zu numbers but line %zu has %zu: rows must match",
                    line, json_array_size(row), first_line, first_len);
                goto fail;
            }
        }
        p = nl ? nl + 1 : end;
    }
    if (json_array_size(rows) == 0) {
        say(msg, "no values: give them after the activation name or on stdin");
        goto fail;
    }
    if (json_array_size(rows) == 1) { /* one line is a vector */
        json_t *only = json_incref(json_array_get(rows, 0));
        json_decref(rows);
        return only;
    }
    return rows;
fail:
    json_decref(rows);
    return NULL;
}

json_t *activ_client_read_x(FILE *in, activ_client_msg *msg)
{
    size_t len = 0;
    char *buf = slurp(in, &len, msg);
    if (!buf)
        return NULL;
    const char *p = buf;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
        p += 3;
    while (*p && (blank(*p) || *p == '\n'))
        p++;
    json_t *x = NULL;
    if (*p == '[') {
        json_error_t e;
        x = json_loadb(p, len - (size_t)(p - buf), JSON_DECODE_INT_AS_REAL, &e);
        if (!x)
            say(msg, "stdin line %d, column %d: %s", e.line, e.column, e.text);
    } else if (*p == '{') {
        say(msg, "stdin holds a JSON object; x must be a JSON array or numbers");
    } else {
        x = rows_from_text(p, len - (size_t)(p - buf), msg);
    }
    free(buf);
    return x;
}

bool activ_client_add_params(json_t **params, const char *text, activ_client_msg *msg)
{
    json_error_t e;
    json_t *obj = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
    if (!obj) {
        say(msg, "--params is not valid JSON: %s (column %d)", e.text, e.column);
        return false;
    }
    if (!json_is_object(obj)) {
        json_decref(obj);
        say(msg, "--params must be a JSON object, like '{\"alpha\": 0.1}'");
        return false;
    }
    if (!*params) {
        *params = obj;
        return true;
    }
    int rc = json_object_update(*params, obj);
    json_decref(obj);
    if (rc != 0) {
        say(msg, "out of memory");
        return false;
    }
    return true;
}

bool activ_client_add_param(json_t **params, const char *assignment, activ_client_msg *msg)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        say(msg, "--param takes name=value, like alpha=0.1");
        return false;
    }
    const char *text = eq + 1;
    json_t *value = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!value) {
        /* not JSON: a number JSON does not spell (".5", "+1", "0x1p-3"), or else a string */
        char *stop;
        double v = *text && !blank(*text) ? strtod(text, &stop) : 0;
        if (*text && !blank(*text) && *stop == '\0' && stop != text && isfinite(v))
            value = json_real(v);
        else
            value = json_string(text);
        if (!value) {
            say(msg, "--param %s: the value is not valid UTF-8", assignment);
            return false;
        }
    }
    if (!*params)
        *params = json_object();
    json_t *key = *params ? json_stringn(assignment, (size_t)(eq - assignment)) : NULL;
    int rc = key ? json_object_set_new(*params, json_string_value(key), value) : -1;
    if (!key)
        json_decref(value);
    json_decref(key);
    if (rc != 0) {
        say(msg, "--param: the name is not valid UTF-8");
        return false;
    }
    return true;
}

bool activ_client_add_grad(json_t **grad, bool *from_json, const char *text, activ_client_msg *msg)
{
    const char *p = text;
    while (blank(*p) || *p == '\n')
        p++;
    if (*grad && (*from_json || *p == '[')) {
        say(msg, "--grad-output as a JSON array cannot be combined with another --grad-output");
        return false;
    }
    if (*p == '[') {
        json_error_t e;
        *grad = json_loads(p, JSON_DECODE_INT_AS_REAL | JSON_REJECT_DUPLICATES, &e);
        if (!*grad) {
            say(msg, "--grad-output is not valid JSON: %s (column %d)", e.text, e.column);
            return false;
        }
        *from_json = true;
        return true;
    }
    if (!*grad) {
        *grad = json_array();
        if (!*grad) {
            say(msg, "out of memory");
            return false;
        }
    }
    activ_client_msg why;
    size_t before = json_array_size(*grad);
    if (!activ_client_parse_numbers(text, strlen(text), *grad, &why)) {
        say(msg, "--grad-output: %s", why.text);
        return false;
    }
    if (json_array_size(*grad) == before) {
        say(msg, "--grad-output needs numbers, like 1,0.5 or a JSON array");
        return false;
    }
    return true;
}
