/* numparse.h -- JSON numbers and arrays of them into doubles, correctly rounded, no jansson */
#ifndef ACTIV_NUMPARSE_H
#define ACTIV_NUMPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "activ/status.h"

/* What a parse found. activ_numparse_double() returns OK, SYNTAX or OVERFLOW;
 * activ_numparse_matrix() returns OK, NOT_FAST or NOMEM. */
typedef enum activ_numparse_status {
    ACTIV_NUMPARSE_OK = 0,
    ACTIV_NUMPARSE_SYNTAX,   /* not a JSON number */
    ACTIV_NUMPARSE_OVERFLOW, /* a JSON number whose magnitude rounds beyond DBL_MAX */
    ACTIV_NUMPARSE_NOT_FAST, /* not a vector or batch the scanner reads; see below */
    ACTIV_NUMPARSE_NOMEM     /* the allocation failed */
} activ_numparse_status;

/* Parses the JSON number that starts at p (RFC 8259:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), reading no byte at or beyond end; the text
 * needs no terminating NUL.
 *
 * The number ends at the first byte that cannot continue it, and *stop is set to that byte
 * (or end): what follows is the caller's to check. ACTIV_NUMPARSE_SYNTAX is a text the
 * grammar rejects: a digit missing ("-", "5.", ".5", "1e", "1e+"), a leading '+' or
 * whitespace, anything but a digit or '-' first ("inf", "NaN"), and a leading zero followed
 * by a digit ("01"; JSON forbids it, rather than reading 0 and then 1).
 *
 * On ACTIV_NUMPARSE_OK, *out is the value rounded to the nearest double, ties to even,
 * exactly as glibc's strtod() rounds it in the C locale: subnormals are kept, and values
 * below half the least subnormal become a zero of the number's sign ("-0" is -0.0).
 * ACTIV_NUMPARSE_OVERFLOW: the value rounds beyond DBL_MAX (jansson refuses such a number);
 * *out is then an infinity of its sign. *out and *stop are written on OK and OVERFLOW only.
 *
 * Mantissas and exponents of any length are read in time linear in their length
 * ("1e999999999999" overflows, "0e999999999" is 0); end - p must be below 2^58, which every
 * buffer is. Numbers of up to 19 significant digits are converted in integer arithmetic
 * (or one exact floating-point operation), with no allocation and no call into the C
 * library. strtod() is the fallback for longer mantissas that their first 19 digits cannot
 * decide (and for a case of the 128-bit arithmetic that no test has met); it gets the digits
 * without a decimal point, so the locale's decimal point never matters. Assumes the default
 * rounding mode. Thread-safe. */
ACTIV_NODISCARD activ_numparse_status activ_numparse_double(const char *p, const char *end,
                                                            double *out, const char **stop);

/* Numbers from a vector or a batch, row-major: rows * cols values. `batched` when the text was
 * an array of arrays (rows of cols values each), otherwise rows is 1. */
typedef struct activ_nummatrix {
    double *data; /* from the scanner's allocator: the caller frees it with its free */
    size_t rows;
    size_t cols;
    bool batched;
} activ_nummatrix;

/* Where activ_numparse_matrix() takes its block from: functions that behave like malloc and
 * free (a test fails the allocation with them). A NULL allocator means malloc and free. */
typedef struct activ_numparse_allocator {
    void *(*alloc)(size_t size);
    void (*free)(void *block);
} activ_numparse_allocator;

/* Reads, at p after optional JSON whitespace, a non-empty array of numbers ("[1, 2.5, -3e-2]")
 * or a non-empty array of equal-length, non-empty arrays of numbers ("[[1, 2], [3, 4]]"),
 * with JSON whitespace wherever JSON allows it, reading no byte at or beyond end.
 *
 * ACTIV_NUMPARSE_OK: *out holds the numbers, each as activ_numparse_double() gives it, in one
 * block of exactly rows * cols doubles from the allocator, which the caller frees; *stop
 * points just past the closing ']' (what follows is the caller's to check).
 *
 * ACTIV_NUMPARSE_NOT_FAST: anything else. Not an array; an empty array or row; rows of
 * different lengths; numbers and rows mixed; an element that is not a number (null, true, a
 * string, an object); a third level of arrays; invalid JSON; a number beyond DBL_MAX; more
 * than max_elements numbers. It carries no detail: the caller parses the text with a full
 * JSON parser instead, which finds the exact error. Nothing stays allocated, and more than
 * max_elements numbers are refused before any allocation.
 *
 * ACTIV_NUMPARSE_NOMEM: the allocation failed.
 *
 * *out and *stop are written on OK only. The array's text is read twice, in linear time:
 * once to count its commas, so that the one allocation has the exact size, then for the
 * numbers. Thread-safe. */
ACTIV_NODISCARD activ_numparse_status activ_numparse_matrix(
    const char *p, const char *end, size_t max_elements, const activ_numparse_allocator *allocator,
    activ_nummatrix *out, const char **stop);

#endif
