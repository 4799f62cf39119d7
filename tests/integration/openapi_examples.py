#!/usr/bin/python3
"""openapi_examples.py -- every request example of api/openapi.yaml, sent to a real activd,
must get the response example of the same name (status and body) that the document shows.

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


def call(base, method, path, body):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
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
                answers = {}
                for status, resp in op.get("responses", {}).items():
                    if "$ref" in resp:
                        continue
                    for ctype in resp.get("content", {}).values():
                        for name, ex in ctype.get("examples", {}).items():
                            answers[name] = (int(status), ex["value"])
                for name, ex in requests.items():
                    if name not in answers:
                        continue
                    want_status, want = answers[name]
                    status, raw = call(base, method.upper(), path, ex["value"])
                    got = json.loads(raw)
                    if isinstance(want, dict) and "error" in want and "message" not in want["error"]:
                        got.get("error", {}).pop("message", None)
                    if status == want_status and got == want:
                        passed += 1
                    else:
                        failed += 1
                        print(f"FAIL {method.upper()} {path} example {name}: "
                              f"got {status} {raw.decode()[:300]}, want {want_status} "
                              f"{json.dumps(want)[:300]}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"openapi examples: {passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
