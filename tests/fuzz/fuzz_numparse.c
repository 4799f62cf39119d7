/* fuzz_numparse.c -- libFuzzer target: the number scanner against jansson, same bytes (tests) */

/* The input is read twice, and each reading is compared with jansson's (json_loadb with
 * JSON_DECODE_INT_AS_REAL, as the service parses bodies):
 *
 * - As a document, by activ_numparse_matrix() with at most MAX_ELEMENTS numbers. When it
 *   says OK and only whitespace follows the array, jansson accepts the document and finds
 *   the same shape and the same numbers, bit for bit. When jansson finds a non-empty array
 *   of numbers, or a non-empty array of equal-length non-empty arrays of numbers, of at most
 *   MAX_ELEMENTS numbers, the scanner says OK and only whitespace follows; with more numbers,
 *   it says NOT_FAST.
 *
 * - As one number, by activ_numparse_double(), against jansson on "[" input "]". A number
 *   taking the whole input is jansson's one element, bit for bit, or jansson's overflow
 *   error when it overflows; and when jansson finds exactly one number there and the input
 *   starts and ends with no whitespace, the parser takes the whole input.
 *
 * Any disagreement aborts. One quirk of jansson 2.14 is left out: it drops a NUL byte that
 * directly follows a number (its lexer puts back the byte that ended the number, and a NUL
 * put back reads as an empty buffer), so it takes "[37\0]" for [37]. The scanner and the
 * parser refuse the NUL, as RFC 8259 does, and the checks that jansson's acceptance implies
 * theirs skip inputs holding a NUL byte. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "activ/numparse.h"
#include "fuzz.h"

#define MAX_ELEMENTS 32 /* small, so that inputs step across it */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Whether jansson's value is a vector or batch, and its shape. */
static bool jansson_shape(const json_t *root, size_t *rows, size_t *cols, bool *batched)
{
    size_t n = json_array_size(root);
    if (!json_is_array(root) || n == 0)
        return false;
    const json_t *first = json_array_get(root, 0);
    *batched = json_is_array(first);
    *rows = *batched ? n : 1;
    *cols = *batched ? json_array_size(first) : n;
    if (*cols == 0)
        return false;
    for (size_t r = 0; r < *rows; r++) {
        const json_t *row = *batched ? json_array_get(root, r) : root;
        if (!json_is_array(row) || json_array_size(row) != *cols)
            return false;
        for (size_t c = 0; c < *cols; c++) {
            if (!json_is_number(json_array_get(row, c)))
                return false;
        }
    }
    return true;
}

static void check_matrix(const char *text, size_t size)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, size, JSON_DECODE_INT_AS_REAL, &jerr);
    size_t rows = 0, cols = 0;
    bool batched = false;
    bool shaped = root && jansson_shape(root, &rows, &cols, &batched);
    bool fits = shaped && rows * cols <= MAX_ELEMENTS;

    activ_nummatrix m;
    const char *stop = NULL;
    activ_numparse_status st =
        activ_numparse_matrix(text, text + size, MAX_ELEMENTS, NULL, &m, &stop);
    FUZZ_CHECK(st == ACTIV_NUMPARSE_OK || st == ACTIV_NUMPARSE_NOT_FAST, NULL);
    bool whole = st == ACTIV_NUMPARSE_OK;
    if (whole) {
        FUZZ_CHECK(stop > text && stop <= text + size && stop[-1] == ']', NULL);
        for (const char *p = stop; p < text + size && whole; p++)
            whole = is_space(*p);
    }
    if (whole) {
        FUZZ_CHECK(fits, NULL);
        FUZZ_CHECK(m.rows == rows && m.cols == cols && m.batched == batched, NULL);
        for (size_t r = 0; r < rows; r++) {
            const json_t *row = batched ? json_array_get(root, r) : root;
            for (size_t c = 0; c < cols; c++)
                FUZZ_CHECK(
                    same_bits(m.data[r * cols + c], json_number_value(json_array_get(row, c))),
                    NULL);
        }
    }
    if (shaped && !memchr(text, '\0', size))
        FUZZ_CHECK(whole == fits, NULL);
    if (shaped && !fits)
        FUZZ_CHECK(!whole, NULL);
    if (st == ACTIV_NUMPARSE_OK)
        free(m.data);
    json_decref(root);
}

static void check_number(const char *text, size_t size)
{
    double d = 0;
    const char *stop = NULL;
    activ_numparse_status st = activ_numparse_double(text, text + size, &d, &stop);
    FUZZ_CHECK(st == ACTIV_NUMPARSE_OK || st == ACTIV_NUMPARSE_SYNTAX ||
                   st == ACTIV_NUMPARSE_OVERFLOW,
               NULL);
    bool whole = st != ACTIV_NUMPARSE_SYNTAX && stop == text + size;

    char *doc = malloc(size + 2);
    if (!doc)
        abort();
    doc[0] = '[';
    memcpy(doc + 1, text, size);
    doc[size + 1] = ']';
    json_error_t jerr;
    json_t *one = json_loadb(doc, size + 2, JSON_DECODE_INT_AS_REAL, &jerr);
    free(doc);
    bool one_number = json_array_size(one) == 1 && json_is_number(json_array_get(one, 0));

    if (whole && st == ACTIV_NUMPARSE_OK)
        FUZZ_CHECK(one_number && same_bits(d, json_number_value(json_array_get(one, 0))), NULL);
    if (whole && st == ACTIV_NUMPARSE_OVERFLOW)
        FUZZ_CHECK(!one && jerr.text[0] != '\0' &&
                       json_error_code(&jerr) == json_error_numeric_overflow,
                   NULL);
    if (one_number && size > 0 && !is_space(text[0]) && !is_space(text[size - 1]) &&
        !memchr(text, '\0', size))
        FUZZ_CHECK(whole && st == ACTIV_NUMPARSE_OK, NULL);
    json_decref(one);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    json_object_seed(FUZZ_JSON_SEED);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* libFuzzer and replay.c hold the input in a block of exactly its size, so ASan sees any
     * read past it */
    const char *text = (const char *)data;
    check_matrix(text, size);
    check_number(text, size);
    return 0;
}
