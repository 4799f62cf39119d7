/* status.h -- status codes, the error record every layer fills, checked size arithmetic */
#ifndef ACTIV_STATUS_H
#define ACTIV_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define ACTIV_NODISCARD    __attribute__((warn_unused_result))
#define ACTIV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ACTIV_NODISCARD
#define ACTIV_PRINTF(a, b)
#endif

/* What went wrong. The service layer maps each to an HTTP status and an error code
 * (service/status_map.c); the core knows nothing of HTTP. */
typedef enum activ_status {
    ACTIV_OK = 0,
    ACTIV_E_REQUEST,    /* the request breaks the contract: wrong type, ragged batch, bad shape */
    ACTIV_E_UNKNOWN_FN, /* no activation of that name or alias */
    ACTIV_E_PARAMS,     /* unknown parameter, wrong type, or a value outside its domain */
    ACTIV_E_NONFINITE,  /* the exact result is not a finite binary64 */
    ACTIV_E_LIMIT,      /* a size cap (rows, row length, Jacobian cells) would be exceeded */
    ACTIV_E_NOMEM       /* an allocation failed */
} activ_status;

/* The error record. Fixed buffers, so reporting an error never allocates. */
typedef struct activ_error {
    activ_status status;
    char path[128];    /* JSON Pointer into the request or rule file; "" if none */
    char message[256]; /* one actionable sentence */
} activ_error;

/* Fills `err` (if not NULL) with status, path (NULL means "") and a printf-style message,
 * truncating what does not fit, and returns `st`. */
activ_status activ_error_set(activ_error *err, activ_status st, const char *path, const char *fmt,
                             ...) ACTIV_PRINTF(4, 5);

/* Writes a printf-style line into msg (msgsz bytes, truncating); no-op when msg is NULL or
 * msgsz is 0. For the one-line messages of start-up failures. */
void activ_message_set(char *msg, size_t msgsz, const char *fmt, ...) ACTIV_PRINTF(3, 4);

/* Appends "/" and `token` to the JSON Pointer in buf (size bytes, NUL-terminated), escaping
 * '~' as "~0" and '/' as "~1" (RFC 6901); what does not fit is cut, never inside an escape. */
void activ_pointer_append(char *buf, size_t size, const char *token);

/* Resets `err` to ACTIV_OK with empty path and message. */
void activ_error_clear(activ_error *err);

/* The enumerator's name without the prefix, e.g. "E_PARAMS"; "unknown" for other values. */
const char *activ_status_name(activ_status st);

/* Stores a * b in *out and returns true, or returns false (leaving *out alone) on overflow. */
ACTIV_NODISCARD bool activ_size_mul(size_t a, size_t b, size_t *out);

/* For programmer errors only, never for client input: prints file:line and aborts. */
#define ACTIV_ASSERT(cond)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            activ_assert_fail(#cond, __FILE__, __LINE__);                                          \
    } while (0)
_Noreturn void activ_assert_fail(const char *cond, const char *file, int line);

#endif
