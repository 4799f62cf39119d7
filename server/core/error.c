/* error.c -- the error record, status names, checked size arithmetic (core: libc only) */
#include "activ/status.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

activ_status activ_error_set(activ_error *err, activ_status st, const char *path, const char *fmt,
                             ...)
{
    if (!err)
        return st;
    err->status = st;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

void activ_message_set(char *msg, size_t msgsz, const char *fmt, ...)
{
    if (!msg || msgsz == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msgsz, fmt, ap);
    va_end(ap);
}

void activ_error_clear(activ_error *err)
{
    if (!err)
        return;
    err->status = ACTIV_OK;
    err->path[0] = '\0';
    err->message[0] = '\0';
}

const char *activ_status_name(activ_status st)
{
    switch (st) {
        case ACTIV_OK:
            return "OK";
        case ACTIV_E_REQUEST:
            return "E_REQUEST";
        case ACTIV_E_UNKNOWN_FN:
            return "E_UNKNOWN_FN";
        case ACTIV_E_PARAMS:
            return "E_PARAMS";
        case ACTIV_E_NONFINITE:
            return "E_NONFINITE";
        case ACTIV_E_LIMIT:
            return "E_LIMIT";
        case ACTIV_E_NOMEM:
            return "E_NOMEM";
    }
    return "unknown";
}

bool activ_size_mul(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

void activ_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "activ: assertion failed: %s (%s:%d)\n", cond, file, line);
    abort();
}

void activ_pointer_append(char *buf, size_t size, const char *token)
{
    size_t n = strlen(buf);
    if (n + 1 >= size)
        return;
    buf[n++] = '/';
    for (const char *c = token; *c; c++) {
        bool escape = *c == '~' || *c == '/';
        if (n + (escape ? 2 : 1) >= size)
            break;
        if (escape) {
            buf[n++] = '~';
            buf[n++] = *c == '~' ? '0' : '1';
        } else {
            buf[n++] = *c;
        }
    }
    buf[n] = '\0';
}
