"""kernels.py -- ns per element of numpy and torch on bench_core's data (part of make bench)

Usage: /usr/bin/python3 bench/peer/kernels.py FILE
  FILE holds the 1,000,000 native-endian binary64 inputs that `bench_core --dump FILE` wrote
  and timed activ on. Prints JSON: for "numpy" and "torch", ns per input element of each
  catalog function the library can compute, best of 7 runs (as bench_core); under "lacks",
  why a function is missing.

Single-threaded, like activ's kernels: torch.set_num_threads(1); numpy's elementwise ufuncs
run on one thread anyway. Everything is binary64 (torch would default to float32). Row-wise
functions see 1,000 rows of 1,000, as in bench_core; maxout groups pairs (k = 2).

numpy has no activation functions, so its entries are the numerically stable formulas a
competent user writes (those of the peer, bench/peer/app.py, where it has them), with the
allocations a user's expression makes. torch's entries are its own operators only.
"""

import json
import math
import os
import sys
import time

import numpy as np

REPEATS = 7
ROW = 1000
SELU_SCALE = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def rows(x):
    return x.reshape(-1, ROW)


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def sparsemax(z):
    """Martins & Astudillo (2016): sort each row, find the support, shift and clip."""
    zs = -np.sort(-z, axis=-1)
    cs = zs.cumsum(axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    support = (1.0 + k * zs > cs).sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, support - 1, axis=-1) - 1.0) / support
    return np.maximum(z - tau, 0.0)


def leaky(alpha):
    return lambda x: np.where(x >= 0, x, alpha * x)


NUMPY = {
    "binary_step": lambda x: np.heaviside(x, 1.0),
    "linear": lambda x: 1.0 * x,
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "leaky_relu": leaky(0.01),
    "prelu": leaky(0.25),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
    "celu": lambda x: np.maximum(x, 0.0) + np.minimum(np.expm1(x), 0.0),
    "silu": lambda x: x * sigmoid(x),
    "mish": lambda x: x * np.tanh(softplus(x)),
    "softplus": softplus,
    "softsign": lambda x: x / (1.0 + np.abs(x)),
    "hardtanh": lambda x: np.clip(x, -1.0, 1.0),
    "relu6": lambda x: np.clip(x, 0.0, 6.0),
    "hardsigmoid": lambda x: np.clip(x + 3.0, 0.0, 6.0) / 6.0,
    "hardswish": lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0,
    "log_sigmoid": lambda x: np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x))),
    "tanhshrink": lambda x: x - np.tanh(x),
    "softshrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    "hardshrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "threshold": lambda x: np.where(x > 0.0, x, 0.0),
    "rrelu": leaky((1.0 / 8 + 1.0 / 3) / 2),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4.0)) / 2.0,
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, x, (x + 1.0) ** 2 / 4.0)),
    "sparse_sigmoid": lambda x: np.clip((x + 1.0) / 2.0, 0.0, 1.0),
    "exponential": np.exp,
    "lisht": lambda x: x * np.tanh(x),
    "snake": lambda x: x + np.sin(x) ** 2,
    "softmax": lambda x: softmax(rows(x)),
    "log_softmax": lambda x: log_softmax(rows(x)),
    "softmin": lambda x: softmax(-rows(x)),
    "sparsemax": lambda x: sparsemax(rows(x)),
    "glu": lambda x: (lambda a, b: a * sigmoid(b))(*np.split(rows(x), 2, axis=-1)),
    "crelu": lambda x: np.concatenate([np.maximum(rows(x), 0.0), np.maximum(-rows(x), 0.0)], -1),
    "maxout": lambda x: x.reshape(-1, 2).max(axis=-1),
}
NUMPY_LACKS = {"gelu": "there is no erf in numpy (the peer calls math.erfc element by element)"}


def torch_kernels(torch):
    F = torch.nn.functional
    one = torch.tensor(1.0, dtype=torch.float64)
    alpha = torch.tensor([0.25], dtype=torch.float64)
    T = lambda t: t.view(-1, ROW)
    return {
        "binary_step": lambda t: torch.heaviside(t, one),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
        "prelu": lambda t: F.prelu(t, alpha),
        "elu": F.elu,
        "selu": F.selu,
        "celu": F.celu,
        "gelu": F.gelu,
        "silu": F.silu,
        "mish": F.mish,
        "softplus": F.softplus,  # beta 1, threshold 20: linear above 20 (activ: exact by default)
        "softsign": F.softsign,
        "hardtanh": F.hardtanh,
        "relu6": F.relu6,
        "hardsigmoid": F.hardsigmoid,
        "hardswish": F.hardswish,
        "log_sigmoid": F.logsigmoid,
        "tanhshrink": F.tanhshrink,
        "softshrink": lambda t: F.softshrink(t, 0.5),
        "hardshrink": lambda t: F.hardshrink(t, 0.5),
        "threshold": lambda t: F.threshold(t, 0.0, 0.0),
        "rrelu": lambda t: F.rrelu(t, training=False),
        "exponential": torch.exp,
        "softmax": lambda t: torch.softmax(T(t), -1),
        "log_softmax": lambda t: torch.log_softmax(T(t), -1),
        "softmin": lambda t: F.softmin(T(t), -1),
        "glu": lambda t: F.glu(T(t), -1),
    }


TORCH_LACKS = {
    "linear": "no operator, it is x * a",
    "squareplus": "no operator",
    "sparse_plus": "no operator, JAX has one",
    "sparse_sigmoid": "no operator, JAX has one",
    "lisht": "no operator",
    "snake": "no operator",
    "sparsemax": "no operator",
    "crelu": "no operator",
    "maxout": "no operator, a max over a view",
}


def best_ns_per_element(f, x, n):
    f(x)  # warm up: first-call dispatch and allocation
    best = math.inf
    for _ in range(REPEATS):
        t0 = time.perf_counter_ns()
        f(x)
        best = min(best, time.perf_counter_ns() - t0)
    return best / n


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: kernels.py FILE (the inputs bench_core --dump wrote)")
    x = np.fromfile(sys.argv[1], dtype=np.float64)
    if x.size % ROW or x.size == 0:
        sys.exit(f"kernels.py: {x.size} values: expected a multiple of {ROW}")
    out = {"n": int(x.size), "numpy": {}, "torch": {}, "lacks": {"numpy": NUMPY_LACKS},
           "versions": {"numpy": np.__version__}}
    with np.errstate(over="ignore", under="ignore"):
        for name, f in NUMPY.items():
            out["numpy"][name] = best_ns_per_element(f, x, x.size)

    import torch  # after numpy's runs: importing torch starts threads of its own

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    out["versions"]["torch"] = torch.__version__
    out["torch_threads"] = torch.get_num_threads()
    t = torch.from_numpy(x)  # the same memory, binary64
    for name, f in torch_kernels(torch).items():
        out["torch"][name] = best_ns_per_element(f, t, x.size)
    out["lacks"]["torch"] = TORCH_LACKS
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
