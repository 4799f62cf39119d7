/* roots.h -- series evaluations of derivatives near their roots (core-internal) */
#ifndef ACTIV_CORE_ROOTS_H
#define ACTIV_CORE_ROOTS_H

#include <stdbool.h>

/* Near a root of a derivative the direct formula subtracts two nearly equal terms and loses
 * all relative accuracy. Each function below evaluates a Taylor expansion about the root
 * (root held as hi + lo doubles) instead. Each returns true and stores the value in *out
 * when its argument lies in the function's window, else returns false and leaves *out alone.
 * Accuracy inside the window: within 1 ulp of the exact value. Thread-safe, no allocation. */

/* gelu'(x) = Phi(x) + x phi(x), the exact (erf) form; window [-1.6, -0.2]. */
bool activ_roots_gelu_grad(double x, double *out);

/* d/dx of 0.5 x (1 + tanh(k (x + 0.044715 x^3))), k = sqrt(2/pi); window [-1.6, -0.2]. */
bool activ_roots_gelu_tanh_grad(double x, double *out);

/* g(u) = 1 + u sigmoid(-u), at the exact argument u + du (|du| <= ulp(u)/2); the silu
 * derivative is sigmoid(u) g(u). Window u in [-2.5, -0.5]. */
bool activ_roots_silu_g(double u, double du, double *out);

/* mish'(x) = tanh(softplus(x)) + x sech^2(softplus(x)) sigmoid(x); window [-2.2, -0.4]. */
bool activ_roots_mish_grad(double x, double *out);

#endif
