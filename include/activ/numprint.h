/* numprint.h -- the shortest decimal text of a double that reads back as the same double */
#ifndef ACTIV_NUMPRINT_H
#define ACTIV_NUMPRINT_H

#include <stddef.h>

/* Bytes activ_numprint_double() may write, the NUL included: its longest text has 24
 * characters ("-2.2250738585072014e-308"), and it may use bytes after the NUL as scratch. */
#define ACTIV_NUMPRINT_MAX 32

/* Writes into buf (the caller's, ACTIV_NUMPRINT_MAX bytes or more) the shortest decimal text
 * of v that strtod() reads back, rounding to nearest, as exactly v, NUL-terminated, and
 * returns its length (without the NUL). Of several shortest texts it picks the one nearest
 * the exact value of v; of two equally near, the one whose last digit is even.
 *
 * The text is a JSON number that reads as a real, never as an integer. With the shortest
 * digits d1 d2 ... dn and e the decimal exponent of d1 (v = d1.d2...dn x 10^e):
 *   - e < -4 or e >= 17 (where printf's %.17g switches too): d1, then "." and d2...dn when
 *     n > 1, then "e", "-" when e < 0, and |e| without leading zeros: "1.5e-7", "1e23",
 *     "5e-324", "1.7976931348623157e308";
 *   - otherwise plain digits with a ".", and ".0" when no digit follows the point: "0.1",
 *     "0.001", "123.456", "1.0", "100.0", "10000000000000000.0".
 * A negative v, -0 included, starts with "-": "-0.0", "-1.5e-7". Zero is "0.0".
 *
 * v must be finite; callers check (JSON has no NaN or infinities). A NaN or an infinity of
 * either sign is written as "null" (length 4). Thread-safe; no allocation; never fails. */
size_t activ_numprint_double(double v, char *buf);

#endif
