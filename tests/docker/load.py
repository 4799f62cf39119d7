#!/usr/bin/env python3
"""load.py -- send COUNT distinct requests to activ and check every answer exactly.

Usage: load.py URL COUNT [--concurrency N] [--rate R] [--at K --run CMD]

Requests cycle through POST /evaluate and POST /differentiate of relu and leaky_relu, each
with its own x, so an answer that belongs to another request cannot pass. R requests a
second in all (paced, so the run lasts COUNT/R seconds), over N keep-alive connections.
With --at, CMD runs through the shell once K answers are in, while the load goes on.
A request is sent once: a connection error, a timeout or a wrong answer is a failure
(the point is to see whether the load balancer hides a replica's death).

Prints one JSON object: counts, failures (the first few in full), CMD's timing and exit
status, and how many answers came after CMD finished. Exit 0 when nothing failed.
"""
import argparse
import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.parse

TIMEOUT_S = 10  # per request; nginx's own retry budget is 10 s too


def request_for(i):
    """The i-th request: (path, body, expected answer), all distinct."""
    a, b = -(i + 1), i + 0.5  # one negative, one positive element
    kind = i % 4
    if kind == 0:
        return "/evaluate", {"activation": "relu", "x": [a, b]}, \
            {"activation": "relu", "params": {}, "y": [0.0, b]}
    if kind == 1:
        return "/differentiate", {"activation": "relu", "x": [a, b]}, \
            {"activation": "relu", "params": {}, "dy_dx": [0.0, 1.0]}
    # alpha 0.25 scales exactly, so the expected values are exact
    params = {"alpha": 0.25}
    if kind == 2:
        return "/evaluate", {"activation": "leaky_relu", "params": params, "x": [a, b]}, \
            {"activation": "leaky_relu", "params": params, "y": [a * 0.25, b]}
    return "/differentiate", {"activation": "leaky_relu", "params": params, "x": [a, b, 0.0]}, \
        {"activation": "leaky_relu", "params": params, "dy_dx": [0.25, 1.0, 0.25]}


class Run:
    def __init__(self, args):
        self.args = args
        url = urllib.parse.urlsplit(args.url)
        self.host, self.port = url.hostname, url.port or 80
        self.lock = threading.Lock()
        self.next_i = 0
        self.done = 0
        self.ok = 0
        self.failures = []
        self.start = time.monotonic()
        self.cmd = None  # {"started", "finished", "rc", "output"} once triggered
        self.cmd_thread = None
        self.ok_after_cmd = 0  # answers checked after CMD finished

    def take(self):
        with self.lock:
            if self.next_i >= self.args.count:
                return None
            i = self.next_i
            self.next_i += 1
            return i

    def pace(self, i):
        due = self.start + i / self.args.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def run_cmd(self):
        t0 = time.monotonic()
        self.cmd["started"] = round(t0 - self.start, 3)
        p = subprocess.run(self.args.run, shell=True, capture_output=True, text=True)
        self.cmd["output"] = (p.stdout + p.stderr).strip()[-500:]
        self.cmd["rc"] = p.returncode
        self.cmd["finished"] = round(time.monotonic() - self.start, 3)

    def record(self, i, failure):
        with self.lock:
            self.done += 1
            if failure is None:
                self.ok += 1
            else:
                self.failures.append(dict(failure, request=i, at=round(time.monotonic() - self.start, 3)))
            if failure is None and self.cmd is not None and "finished" in self.cmd:
                self.ok_after_cmd += 1
            if self.args.run and self.cmd is None and self.done >= self.args.at:
                self.cmd = {}
                self.cmd_thread = threading.Thread(target=self.run_cmd)
                self.cmd_thread.start()

    def worker(self):
        conn = None
        while True:
            i = self.take()
            if i is None:
                break
            self.pace(i)
            path, body, want = request_for(i)
            data = json.dumps(body).encode()
            failure = None
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
                conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                raw = resp.read()
                ctype = resp.getheader("Content-Type", "")
                if resp.status != 200:
                    failure = {"status": resp.status, "body": raw[:200].decode("utf-8", "replace")}
                elif not ctype.startswith("application/json"):
                    failure = {"status": resp.status, "content_type": ctype}
                elif json.loads(raw) != want:
                    failure = {"status": resp.status, "body": raw[:200].decode("utf-8", "replace"),
                               "want": want}
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException, ValueError) as e:
                failure = {"error": f"{type(e).__name__}: {e}"}
                if conn is not None:
                    conn.close()
                conn = None
            self.record(i, failure)
        if conn is not None:
            conn.close()

    def go(self):
        threads = [threading.Thread(target=self.worker) for _ in range(self.args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if self.cmd_thread is not None:
            self.cmd_thread.join()
        return {
            "requests": self.args.count,
            "ok": self.ok,
            "failed": len(self.failures),
            "seconds": round(time.monotonic() - self.start, 3),
            "failures": self.failures[:5],
            "cmd": self.cmd,
            "ok_after_cmd": self.ok_after_cmd,
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("count", type=int)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--at", type=int, default=0)
    ap.add_argument("--run", default="")
    args = ap.parse_args()
    if args.run and not 0 < args.at < args.count:
        ap.error("--at must be between 0 and COUNT")
    result = Run(args).go()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    ok = result["failed"] == 0 and (not args.run or (result["cmd"] or {}).get("rc") == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
