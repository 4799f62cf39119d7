#!/usr/bin/python3
"""soak.py -- activd under wrk at high concurrency, then stopped under load.

Usage: soak.py ACTIVD [SECONDS] [CONNECTIONS]   (make soak; SOAK_SECONDS, SOAK_CONNECTIONS)

1. Soak: after a warm-up, wrk sends a rotation of valid and invalid requests
   (tests/soak/mixed.lua) for SECONDS on CONNECTIONS keep-alive connections. Passes when
   there is no 5xx and no socket error, every status is one the rotation expects and in its
   proportion, and resident memory and open descriptors are flat (measured after the warm-up
   and after the soak, once wrk's connections have closed).
2. Stop under load: wrk runs again while one client is sending a large /evaluate slowly;
   SIGTERM arrives mid-body. activd must finish that request (200, whole and exact), answer
   no 5xx, and exit 0.
Prints the figures; exits 1 on any failure.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "mixed.lua")
WARMUP_S = 5
RSS_SLACK = 1.10          # "flat": at most 10 % more resident memory ...
RSS_SLACK_KB = 4096       # ... plus 4 MiB (allocator arenas settling)

failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)


class Server:
    """activd on a free loopback port; its stderr (one log line per request) is drained."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", "0", *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        first = self.proc.stderr.readline()
        m = re.search(r'"port":(\d+)', first)
        if not m:
            self.proc.kill()
            sys.exit("soak: activd did not start: " + first)
        self.port = int(m.group(1))
        self.lines = 0
        self.events = []
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()

    def _drain(self):
        for line in self.proc.stderr:
            self.lines += 1
            if line.startswith('{"event"'):
                self.events.append(line.strip())

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def settled_fds(self, want, seconds=8.0):
        """Open descriptors once they are back to `want` (or after `seconds`)."""
        end = time.monotonic() + seconds
        n = self.fds()
        while n > want and time.monotonic() < end:
            time.sleep(0.1)
            n = self.fds()
        return n


def wrk(port, seconds, connections):
    """Runs wrk; returns (requests/s, {status: count}, expected statuses, socket errors)."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", LUA,
         f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    statuses = {int(k): int(v) for k, v in re.findall(r"(\d+)=(\d+)",
                                                      re.search(r"statuses(.*)", out).group(1))}
    expected = [int(s) for s in re.search(r"expected (.*)", out).group(1).split()]
    errors = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)",
                                                re.search(r"socket_errors (.*)", out).group(1))}
    return rate, statuses, expected, errors


def soak(binary, seconds, connections):
    print(f"== soak: {seconds} s, {connections} connections, 2 wrk threads")
    srv = Server(binary, "--max-connections", str(max(250, connections + 10)))
    try:
        wrk(srv.port, WARMUP_S, connections)
        fds0 = srv.settled_fds(0, 3.0)
        rss0 = srv.rss_kb()
        t0 = time.monotonic()
        rate, statuses, expected, errors = wrk(srv.port, seconds, connections)
        took = time.monotonic() - t0
        fds1 = srv.settled_fds(fds0)
        rss1 = srv.rss_kb()
        total = sum(statuses.values())
        print(f"      {total} requests in {took:.1f} s ({rate:.0f}/s); statuses "
              + " ".join(f"{k}:{v}" for k, v in sorted(statuses.items())))
        print(f"      RSS {rss0} kB -> {rss1} kB; open descriptors {fds0} -> {fds1}")
        check(all(s < 500 for s in statuses), "no 5xx")
        sock = {k: v for k, v in errors.items() if k != "status"}
        check(all(v == 0 for v in sock.values()), f"no socket errors ({sock})")
        allowed = set(expected)
        check(set(statuses) <= allowed, f"only expected statuses ({sorted(allowed)})")
        # each request of the rotation is sent equally often; answers lag by at most one
        # request per connection
        for status in sorted(allowed):
            share = expected.count(status) / len(expected)
            want = share * total
            got = statuses.get(status, 0)
            check(abs(got - want) <= connections + len(expected),
                  f"status {status}: {got} answers, {want:.0f} expected")
        check(rss1 <= rss0 * RSS_SLACK + RSS_SLACK_KB, f"resident memory flat ({rss0} -> {rss1} kB)")
        check(fds1 == fds0, f"open descriptors flat ({fds0} -> {fds1})")
        return {"requests": total, "seconds": round(took, 1), "rate": round(rate),
                "rss_kb": [rss0, rss1], "fds": [fds0, fds1], "statuses": statuses}
    finally:
        srv.proc.kill()
        srv.proc.wait()


def slow_evaluate(port, n, result):
    """Sends a /evaluate of n values in pieces over about a second; stores status and body."""
    values = [((i * 7919) % 2001 - 1000) / 100.0 for i in range(n)]
    body = json.dumps({"activation": "relu", "x": values}).encode()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.putrequest("POST", "/evaluate")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        piece = len(body) // 20 + 1
        for i in range(0, len(body), piece):
            conn.send(body[i:i + piece])
            result["sent"] = i + piece
            time.sleep(0.05)
        resp = conn.getresponse()
        result["status"] = resp.status
        result["body"] = resp.read()
        result["want"] = [max(v, 0.0) for v in values]
    except (OSError, http.client.HTTPException) as e:
        result["error"] = repr(e)


def stop_under_load(binary):
    print("== stop under load: SIGTERM while wrk runs and a large body is arriving")
    srv = Server(binary, "--max-body", str(8 << 20))
    result = {}
    slow = threading.Thread(target=slow_evaluate, args=(srv.port, 100000, result))
    load = {}

    def run_wrk():
        try:
            load["out"] = wrk(srv.port, 6, 64)
        except Exception as e:  # wrk's summary is incomplete when the server goes away
            load["error"] = repr(e)

    w = threading.Thread(target=run_wrk)
    w.start()
    time.sleep(1.0)
    slow.start()
    time.sleep(0.4)  # the body is half sent
    sent_at_term = result.get("sent", 0)
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    try:
        code = srv.proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        srv.proc.kill()
        code = None
    took = time.monotonic() - t0
    slow.join(timeout=40)
    w.join(timeout=60)
    srv.drain.join(timeout=5)
    print(f"      exit {code} {took:.2f} s after SIGTERM; the large request had "
          f"{sent_at_term} bytes sent at SIGTERM")
    check(code == 0, "activd exits 0")
    check("error" not in result, f"the request in flight completes ({result.get('error', 'ok')})")
    if "status" in result:
        check(result["status"] == 200, f"... with 200 (got {result['status']})")
        y = json.loads(result["body"]).get("y") if result["status"] == 200 else None
        check(y == result["want"], "... and the exact answer")
    if "out" in load:
        statuses = load["out"][1]
        check(all(s < 500 for s in statuses), "no 5xx from the load during the stop "
              + " ".join(f"{k}:{v}" for k, v in sorted(statuses.items())))
    check(any('"stopped"' in e for e in srv.events), "activd logs that it stopped")
    return {"exit": code, "seconds": round(took, 2)}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    connections = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    figures = {"soak": soak(binary, seconds, connections), "stop": stop_under_load(binary)}
    print("soak: " + json.dumps(figures))
    if failures:
        print(f"soak: {len(failures)} check(s) failed")
        sys.exit(1)
    print("soak: passed")


if __name__ == "__main__":
    main()
