#!/usr/bin/python3
"""openapi_examples.py -- every example request of api/openapi.yaml, sent to a real activd,
must get the response example of the same name (status and body) that the document shows.

Which examples are replayed, per operation (path and method): every response example (under
`examples`, in a response written out rather than $ref'd) that has a request to go with it.
The request is made of:
  - the body: the value of the request example of the same name (requestBody,
    application/json), or else the response example's `x-body`, sent as JSON with
    Content-Type: application/json; neither: no body. `x-body` is for requests the schema
    rejects (the error examples): a request example must conform to the request schema,
    and `make lint-api` checks that it does. Giving both is an error.
  - the query string: the response example's `x-query`, appended to the path after a '?'
    as written (so already percent-encoded); "" or none: no query string. This is how a
    GET operation, which has no body, gets replayed.
`x-query` and `x-body` are specification extensions, which OpenAPI allows on Example
Objects. A response example with none of the three, an `example` (singular), and an example
under a $ref'd response are documentation only. The answer must have the example's status
and, parsed, equal its value; an error example without `message` is compared without it.

Usage: openapi_examples.py ACTIVD   (run from the repository root; Debian's python3-yaml)
Starts ACTIVD on a free loopback port, checks, stops it; prints 'N passed, N failed'.
"""
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import yaml


def start(activd):
    proc = subprocess.Popen([activd, "--host", "127.0.0.1", "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()  # {"event":"listening",...,"port":N,...}
    port = json.loads(line)["port"]
    return proc, f"http://127.0.0.1:{port}"


NO_BODY = object()  # the request has no body (None would be the JSON body `null`)


def call(base, method, path, body):
    data = json.dumps(body).encode() if body is not NO_BODY else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    doc = yaml.safe_load(open("api/openapi.yaml"))
    proc, base = start(sys.argv[1])
    passed = failed = 0
    try:
        for path, ops in doc["paths"].items():
            for method, op in ops.items():
                content = op.get("requestBody", {}).get("content", {})
                requests = content.get("application/json", {}).get("examples", {})
                answers = {}  # name -> (status, response example)
                for status, resp in op.get("responses", {}).items():
                    if "$ref" in resp:
                        continue
                    for ctype in resp.get("content", {}).values():
                        for name, ex in ctype.get("examples", {}).items():
                            answers[name] = (int(status), ex)
                for name, (want_status, ex) in answers.items():
                    query = ex.get("x-query")
                    if name not in requests and query is None and "x-body" not in ex:
                        continue
                    target = path + ("?" + query if query else "")
                    if name in requests and "x-body" in ex:
                        failed += 1
                        print(f"FAIL {method.upper()} {target} example {name}: both a request "
                              f"example and x-body give the body; keep one")
                        continue
                    if name in requests:
                        body = requests[name]["value"]
                    else:
                        body = ex.get("x-body", NO_BODY)
                    want = ex["value"]
                    status, raw = call(base, method.upper(), target, body)
                    got = json.loads(raw)
                    if isinstance(want, dict) and "error" in want and "message" not in want["error"]:
                        got.get("error", {}).pop("message", None)
                    if status == want_status and got == want:
                        passed += 1
                    else:
                        failed += 1
                        print(f"FAIL {method.upper()} {target} example {name}: "
                              f"got {status} {raw.decode()[:300]}, want {want_status} "
                              f"{json.dumps(want)[:300]}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"openapi examples: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
