"""app.py -- the baseline of make bench: activ's /evaluate as a FastAPI + numpy user would write it

Run as its users would, with two worker processes (bench/http_bench.py does this):

    /usr/bin/python3 -m uvicorn app:app --app-dir bench/peer --host 127.0.0.1 --port 8000 --workers 2

The request and response are activ's (SPEC.md, /evaluate): {"activation", "params"?, "x"} in,
{"activation", "params" (defaults filled in), "y"} out; x a vector or a batch of rows. The
formulas are the numerically stable numpy ones a competent user writes; make bench checks
that their answers agree with activd's to 1e-12 relative before it times anything.

The peer is given the benefit of the doubt where FastAPI offers a faster idiom: the body is
read with json.loads and the answer returned as a JSONResponse, instead of a pydantic model
(pydantic 1.x validates a list of floats one Python object at a time) and a returned dict
(FastAPI would run jsonable_encoder over every element).
"""

import json
import math

import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

app = FastAPI()


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # e <= 1: no overflow on either side
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus(x, beta=1.0, threshold=None):
    t = beta * x
    y = (np.maximum(t, 0.0) + np.log1p(np.exp(-np.abs(t)))) / beta
    if threshold is not None:
        y = np.where(t > threshold, x, y)
    return y


_erfc = np.vectorize(math.erfc, otypes=[np.float64])  # numpy has no erf; scipy is not a dependency


def _gelu(x, approximate="none"):
    if approximate in ("tanh", True):
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    return 0.5 * x * _erfc(-x / math.sqrt(2.0))  # erfc: no cancellation in 1 + erf for x < 0


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


# name: (defaults, f(x, **params)); the defaults are activd's, echoed in "params"
FUNCTIONS = {
    "sigmoid": ({}, _sigmoid),
    "tanh": ({}, np.tanh),
    "relu": ({}, lambda x: np.maximum(x, 0.0)),
    "leaky_relu": ({"alpha": 0.01}, lambda x, alpha: np.where(x >= 0, x, alpha * x)),
    "elu": ({"alpha": 1.0}, lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(x))),
    "gelu": ({"approximate": "none"}, _gelu),
    "silu": ({"beta": 1.0}, lambda x, beta: x * _sigmoid(beta * x)),
    "softplus": ({"beta": 1.0, "threshold": None}, _softplus),
    "mish": ({}, lambda x: x * np.tanh(_softplus(x))),
    "softsign": ({}, lambda x: x / (1.0 + np.abs(x))),
    "log_sigmoid": ({}, lambda x: -_softplus(-x)),
    "softmax": ({}, _softmax),
    "log_softmax": ({}, _log_softmax),
}


def _error(status, code, message):
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.post("/evaluate")
async def evaluate(request: Request):
    try:
        body = json.loads(await request.body())
    except ValueError as e:
        return _error(400, "invalid_json", str(e))
    if not isinstance(body, dict) or "x" not in body or "activation" not in body:
        return _error(422, "invalid_request", "expected {activation, params?, x}")
    name = body["activation"]
    if name not in FUNCTIONS:
        return _error(422, "unknown_activation", f"unknown activation {name!r}")
    defaults, f = FUNCTIONS[name]
    params = dict(defaults)
    given = body.get("params") or {}
    unknown = set(given) - set(defaults)
    if unknown:
        return _error(422, "invalid_params", f"unknown parameter {sorted(unknown)[0]!r}")
    params.update(given)
    try:
        x = np.asarray(body["x"], dtype=np.float64)
    except (TypeError, ValueError):
        return _error(422, "invalid_request", "x must be an array of numbers or of equal rows")
    if x.ndim not in (1, 2) or x.size == 0:
        return _error(422, "invalid_request", "x must be a non-empty vector or batch")
    with np.errstate(over="ignore", under="ignore"):
        y = f(x, **params)
    if not np.isfinite(y).all():
        return _error(422, "non_finite_result", "a result is not a finite number")
    return JSONResponse({"activation": name, "params": params, "y": y.tolist()})
