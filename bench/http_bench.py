#!/usr/bin/python3
"""http_bench.py -- activd against the FastAPI peer over HTTP, with wrk (part of make bench)

Usage, from the repository root (make bench runs it through bench/run.py):

    /usr/bin/python3 bench/http_bench.py [build/activd]

It starts activd (--port 0: the port comes from its "listening" log line) and the peer of
bench/peer/app.py (uvicorn, 2 workers, on a port the kernel chose for a socket bound to port
0), both on 127.0.0.1; checks that they give the same answers; then measures, one server
after the other, under the same wrk load (keep-alive, BENCH_CONNECTIONS connections, 2 wrk
threads, BENCH_SECONDS each):

    GET /healthz, POST /evaluate sigmoid of 16 elements, and of 1,000 elements;

and finally POSTs one body of 1,000,000 random doubles BENCH_BIG_REPEATS times to each (a
fresh activd, so that its VmHWM is this request's peak RSS) and takes the median wall time.
Markdown tables go to stdout, progress to stderr. Both servers are stopped on every exit.

Environment: BENCH_SECONDS (10), BENCH_WARMUP (2 s of unmeasured load per server first),
BENCH_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_BIG_N (1000000), BENCH_BIG_REPEATS (5),
BENCH_ROUNDS (3: every scenario runs that many times, the servers taking turns, and the
tables give each server's best round), BENCH_PEER_ARGS (more uvicorn options for the peer).
Exit status 0 once measured, whatever the figures; 1 when a server fails to start or the two
disagree; errors during a wrk run are reported and flagged, not fatal.
"""

import atexit
import ctypes
import http.client
import json
import os
import random
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
PEER_DIR = os.path.join(HERE, "peer")
WRK_SCRIPT = os.path.join(HERE, "wrk", "bench.lua")
HOST = "127.0.0.1"
PEER_WORKERS = 2
# More uvicorn options for the peer, e.g. "--loop asyncio --http h11" for the pure-Python
# event loop and parser that uvicorn falls back to without uvloop and httptools.
PEER_ARGS = os.environ.get("BENCH_PEER_ARGS", "").split()
REL_TOL = 1e-12  # answers must agree to this relative difference
START_TIMEOUT = 30.0  # seconds for a server to answer /healthz


def env_int(name, default):
    value = os.environ.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"http_bench: {name}={value!r}: expected a positive integer")
    return int(value)


def log(msg):
    print(f"http_bench: {msg}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# ---------------------------------------------------------------- servers

_running = []  # every server started and not yet stopped


def _die_with_parent():
    """In the child before exec: SIGTERM when this script dies, even by SIGKILL (Linux)."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Server:
    """A child server in a session of its own, so that stopping it reaches its workers."""

    def __init__(self, name, argv, logfile, stdout=None):
        self.name = name
        self.logfile = logfile
        self.logs = [logfile] + ([stdout] if stdout else [])
        self.port = None
        self.threads = None
        err = open(logfile, "ab")  # O_APPEND: the file can be truncated while it writes
        out = open(stdout, "ab") if stdout else err
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        finally:
            err.close()
            if out is not err:
                out.close()
        _running.append(self)

    @property
    def pid(self):
        return self.proc.pid

    def log_text(self):
        with open(self.logfile, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def check_alive(self):
        if self.proc.poll() is not None:
            tail = "\n".join(self.log_text().splitlines()[-10:])
            raise BenchError(f"{self.name} exited with status {self.proc.returncode}:\n{tail}")

    def pids(self):
        """The server's process and its children (uvicorn's workers)."""
        found = [self.pid]
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                found.append(int(entry))
        return found

    def cpu_seconds(self):
        """User + system CPU of the server's processes so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / tick

    def truncate_logs(self):
        for path in self.logs:
            os.truncate(path, 0)

    def stop(self):
        if self not in _running:
            return
        _running.remove(self)
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)  # the group we created: the server, its workers
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log(f"{self.name} ignored SIGTERM for 15 s; killing it")
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)


def stop_all():
    for server in list(_running):
        try:
            server.stop()
        except Exception as e:  # keep stopping the others
            log(f"stopping {server.name}: {e}")


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def wait_ready(server, extra=None):
    """Waits until the server answers GET /healthz (and `extra()` holds) or raises."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        server.check_alive()
        if server.port and (extra is None or extra()):
            try:
                status, _, _ = request(server.port, "GET", "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
        time.sleep(0.05)
    raise BenchError(f"{server.name} did not answer /healthz within {START_TIMEOUT:.0f} s")


def start_activd(binary, workdir, tag, *args):
    server = Server(
        f"activd ({tag})",
        [binary, "--host", HOST, "--port", "0", *args],
        os.path.join(workdir, f"activd-{tag}.log"),
    )
    deadline = time.monotonic() + START_TIMEOUT
    while server.port is None:
        server.check_alive()
        for line in server.log_text().splitlines():
            if '"event":"listening"' in line:
                event = json.loads(line)
                server.port, server.threads = event["port"], event["threads"]
        if time.monotonic() > deadline:
            raise BenchError("activd wrote no listening line")
        time.sleep(0.02)
    wait_ready(server)
    return server


def free_port():
    """A port the kernel picks as free on the loopback (it may be taken again before use)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_peer(workdir):
    """uvicorn with PEER_WORKERS workers; a new port if the chosen one was taken meanwhile."""
    for attempt in range(3):
        port = free_port()
        server = Server(
            "peer (uvicorn)",
            [PYTHON, "-m", "uvicorn", "app:app", "--app-dir", PEER_DIR, "--host", HOST,
             "--port", str(port), "--workers", str(PEER_WORKERS), *PEER_ARGS],
            os.path.join(workdir, f"peer-{attempt}.log"),
            stdout=os.path.join(workdir, f"peer-{attempt}.access.log"),
        )
        server.port = port
        # every worker has started when each has logged its startup
        started = "Application startup complete."
        workers_up = lambda: server.log_text().count(started) >= PEER_WORKERS
        try:
            wait_ready(server, workers_up)
            return server
        except BenchError as e:
            server.stop()
            if "address already in use" not in str(e).lower():
                raise
            log(f"port {port} was taken meanwhile; another")
    raise BenchError("the peer found no free port in 3 attempts")


def rss_kib(pid, field):
    """VmHWM (peak) or VmRSS (now) of a process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise BenchError(f"no {field} in /proc/{pid}/status")


# ---------------------------------------------------------------- requests


def request(port, method, path, body=None, timeout=120):
    """(status, response bytes, wall seconds from sending to the last byte received)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        t0 = time.perf_counter()
        conn.request(method, path, body, headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, data, time.perf_counter() - t0
    finally:
        conn.close()


def evaluate_body(name, x):
    return json.dumps({"activation": name, "x": x}, separators=(",", ":")).encode()


def rows_of(y):
    return y if y and isinstance(y[0], list) else [y]


def max_rel_diff(a, b, normwise):
    """The largest relative difference between two rows: element by element, or (normwise)
    the largest difference over the row's largest magnitude."""
    worst = 0.0
    scale = max(max(abs(u), abs(v)) for u, v in zip(a, b)) if normwise else None
    for u, v in zip(a, b):
        if u != v:
            worst = max(worst, abs(u - v) / (scale or max(abs(u), abs(v))))
    return worst


# Row-wise functions are compared normwise, row by row: log_softmax's largest element is
# -log1p(small), which the usual z - log(sum(exp(z))) forms with an absolute error of an ulp
# of 1 -- a large relative error in a tiny value, but the row is right to an ulp of its size.
ROWWISE = {"softmax", "log_softmax", "softmin", "sparsemax", "glu", "crelu", "maxout"}


def compare(what, answer_a, answer_p):
    """The largest relative difference of two /evaluate answers; raises if the shapes differ."""
    a, p = json.loads(answer_a), json.loads(answer_p)
    if a.get("activation") != p.get("activation") or a.get("params") != p.get("params"):
        raise BenchError(f"self-check {what}: activd answered {a.get('activation')} "
                         f"{a.get('params')}, the peer {p.get('activation')} {p.get('params')}")
    ra, rp = rows_of(a["y"]), rows_of(p["y"])
    if [len(r) for r in ra] != [len(r) for r in rp]:
        raise BenchError(f"self-check {what}: the answers differ in shape")
    normwise = a["activation"] in ROWWISE
    return max(max_rel_diff(u, v, normwise) for u, v in zip(ra, rp))


def self_check(activ_port, peer_port):
    """Every function of the peer, on a vector and a batch: the answers must agree."""
    sys.path.insert(0, PEER_DIR)
    from app import FUNCTIONS  # the peer's own list, so nothing it serves goes unchecked

    rng = random.Random(1)
    xs = [rng.uniform(-10, 10) for _ in range(200)]
    xs += [-30.0, -20.0, -1e-300, -0.0, 0.0, 1e-300, 20.0, 30.0]
    batch = [xs[:100], xs[100:200]]
    worst = {}
    for name in FUNCTIONS:
        for x in (xs, batch):
            body = evaluate_body(name, x)
            sa, da, _ = request(activ_port, "POST", "/evaluate", body)
            sp, dp, _ = request(peer_port, "POST", "/evaluate", body)
            if sa != 200 or sp != 200:
                raise BenchError(f"self-check {name}: status {sa} from activd, {sp} from the peer")
            worst[name] = max(worst.get(name, 0.0), compare(name, da, dp))
    bad = {k: v for k, v in worst.items() if v > REL_TOL}
    if bad:
        raise BenchError(f"the peer disagrees with activd beyond {REL_TOL:g} relative: {bad}")
    return worst


# ---------------------------------------------------------------- wrk

WRK_RESULT = re.compile(r"^WRK_RESULT (\{.*\})$", re.M)


def wrk(port, path, body_file, seconds, connections, threads):
    env = dict(os.environ, WRK_BODY_FILE=body_file or "")
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
            "--timeout", "10s", "-s", WRK_SCRIPT, f"http://{HOST}:{port}{path}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60)
    wrk_wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = WRK_RESULT.search(done.stdout)
    if done.returncode != 0 or not m:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["wrk_wall"] = wrk_wall
    r["errors"] = r["connect"] + r["read"] + r["write"] + r["timeout"]
    r["non2xx"] = r["status"]
    wall = r["duration_us"] / 1e6
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    r["client_cpu"] = used / wall
    return r


def machine_busy_seconds():
    """CPU seconds the whole machine has spent busy (all but idle and iowait), and stolen."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / tick, steal / tick


def measure(server, scenario, cfg):
    cpu0 = server.cpu_seconds()
    busy0, steal0 = machine_busy_seconds()
    r = wrk(server.port, scenario["path"], scenario["body_file"], cfg["seconds"],
            cfg["connections"], cfg["threads"])
    busy1, steal1 = machine_busy_seconds()
    cpu = server.cpu_seconds() - cpu0
    wall = r["duration_us"] / 1e6
    r["server_cpu_us"] = cpu / r["requests"] * 1e6 if r["requests"] else float("nan")
    r["server_cpu_share"] = cpu / wall
    # what neither the server nor wrk used: other tenants of the machine, and the hypervisor
    r["other_cpu"] = max(0.0, (busy1 - busy0) / wall - r["server_cpu_share"] - r["client_cpu"])
    r["other_cpu"] += (steal1 - steal0) / wall
    server.truncate_logs()  # the access logs grow by ~100 bytes a request
    flag = ""
    if r["errors"] or r["non2xx"]:
        flag = f", {r['errors']} socket errors, {r['non2xx']} non-2xx"
    log(f"{server.name:18} {scenario['name']:14} {r['rps']:8.0f} req/s, "
        f"{r['server_cpu_us']:6.0f} µs CPU/req, server {r['server_cpu_share']:.2f} cores, "
        f"wrk {r['client_cpu']:.2f}, others {r['other_cpu']:.2f}; {r['requests']} requests in "
        f"{wall:.2f} s (wrk ran {r['wrk_wall']:.2f} s){flag}")
    return r


# ---------------------------------------------------------------- the 1M-element request


def big_request(server, body, repeats):
    times, first = [], None
    for _ in range(repeats):
        status, data, seconds = request(server.port, "POST", "/evaluate", body, timeout=300)
        if status != 200:
            raise BenchError(f"{server.name}: a {len(body)}-byte POST got {status}: {data[:300]!r}")
        times.append(seconds)
        first = first or data
    log(f"{server.name:15} 1M POST        median {statistics.median(times) * 1e3:8.0f} ms "
        f"({', '.join(f'{t * 1e3:.0f}' for t in times)})")
    return times, first


# ---------------------------------------------------------------- the run


def run(activd):
    cfg = {
        "seconds": env_int("BENCH_SECONDS", 10),
        "warmup": env_int("BENCH_WARMUP", 2),
        "connections": env_int("BENCH_CONNECTIONS", 64),
        "threads": env_int("BENCH_WRK_THREADS", 2),
        "big_n": env_int("BENCH_BIG_N", 1_000_000),
        "big_repeats": env_int("BENCH_BIG_REPEATS", 5),
        "rounds": env_int("BENCH_ROUNDS", 3),
    }
    res = {"config": cfg, "runs": {}, "big": {}}
    atexit.register(stop_all)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)

    with tempfile.TemporaryDirectory(prefix="activ-bench-") as work:
        try:
            rng = random.Random(2)
            scenarios = [{"name": "healthz", "path": "/healthz", "body_file": None}]
            for n in (16, 1000):
                path = os.path.join(work, f"sigmoid-{n}.json")
                with open(path, "wb") as f:
                    f.write(evaluate_body("sigmoid", [rng.uniform(-10, 10) for _ in range(n)]))
                scenarios.append({"name": f"evaluate-{n}", "path": "/evaluate", "body_file": path})

            activ = start_activd(activd, work, "throughput")
            peer = start_peer(work)
            res["activd_threads"] = activ.threads
            log(f"activd on port {activ.port} ({activ.threads} threads), "
                f"peer on port {peer.port} ({PEER_WORKERS} workers)")
            res["self_check"] = self_check(activ.port, peer.port)
            log("self-check: the peer's answers agree with activd's")

            for server in (activ, peer):  # equal warm-up: the peer's first requests import lazily
                wrk(server.port, "/evaluate", scenarios[1]["body_file"], cfg["warmup"],
                    cfg["connections"], cfg["threads"])
                server.truncate_logs()
            for _ in range(cfg["rounds"]):  # rounds alternate the servers against drifting load
                for sc in scenarios:
                    for key, server in (("activ", activ), ("peer", peer)):
                        res["runs"].setdefault((key, sc["name"]), []).append(
                            measure(server, sc, cfg))
            activ.stop()

            # The 1M-element request, to a fresh activd whose peak RSS is this request's.
            values = [rng.uniform(-10, 10) for _ in range(cfg["big_n"])]
            body = ('{"activation":"sigmoid","x":[' + ",".join(map(repr, values)) + "]}").encode()
            del values
            big = res["big"]
            big["body_bytes"] = len(body)
            max_body = str(max(64 << 20, 2 * len(body)))  # the default 1 MiB would answer 413
            fresh = start_activd(activd, work, "1M", "--max-body", max_body)
            big["activ_idle_rss_kib"] = rss_kib(fresh.pid, "VmRSS")
            big["activ_times"], answer_a = big_request(fresh, body, cfg["big_repeats"])
            big["activ_hwm_kib"] = rss_kib(fresh.pid, "VmHWM")
            fresh.stop()
            big["peer_times"], answer_p = big_request(peer, body, cfg["big_repeats"])
            workers = [p for p in peer.pids() if p != peer.pid]
            big["peer_hwm_kib"] = max(rss_kib(p, "VmHWM") for p in workers)
            peer.stop()
            big["max_rel_diff"] = compare("1M", answer_a, answer_p)
            if big["max_rel_diff"] > REL_TOL:
                raise BenchError(f"1M answers differ by {big['max_rel_diff']:g} relative")
        finally:
            stop_all()
    return res


# ---------------------------------------------------------------- report


def fmt_rate(v):
    return f"{v:,.0f}"


def met(ok):
    return "yes" if ok else "**no**"


def summarize(rounds):
    """The best round (the highest rate: the run least disturbed by the rest of the machine,
    as bench_core takes the fastest of its runs), with the median server CPU per request over
    all rounds (it moves little with the load) and the errors of every round."""
    best = max(rounds, key=lambda r: r["rps"])
    out = dict(best)
    out["median_cpu_us"] = statistics.median(r["server_cpu_us"] for r in rounds)
    out["errors"] = sum(r["errors"] for r in rounds)
    out["non2xx"] = sum(r["non2xx"] for r in rounds)
    out["all_rps"] = [r["rps"] for r in rounds]
    return out


def markdown(res):
    cfg, big = res["config"], res["big"]
    runs = {k: summarize(v) for k, v in res["runs"].items()}
    flagged = [k for k, r in runs.items() if r["errors"] or r["non2xx"]]
    best_of = f"the best of {cfg['rounds']} rounds, " if cfg["rounds"] > 1 else ""

    def rate(key, sc):
        return fmt_rate(runs[(key, sc)]["rps"]) + (" ⚠" if (key, sc) in flagged else "")

    def vs(sc):
        return runs[("activ", sc)]["rps"] / runs[("peer", sc)]["rps"]

    def cpu_vs(sc):
        return runs[("peer", sc)]["median_cpu_us"] / runs[("activ", sc)]["median_cpu_us"]

    def per_round(a, b):  # a round's two runs ran back to back, under much the same load
        return [x["rps"] / y["rps"] for x, y in zip(res["runs"][a], res["runs"][b])]

    e16_over_h = runs[("activ", "evaluate-16")]["rps"] / runs[("activ", "healthz")]["rps"]
    ta, tp = statistics.median(big["activ_times"]), statistics.median(big["peer_times"])
    rss_ratio = big["activ_hwm_kib"] * 1024 / big["body_bytes"]
    mib = lambda kib: f"{kib / 1024:,.0f} MiB"
    ms = lambda ts: ", ".join(f"{t * 1e3:,.0f}" for t in ts)

    out = [
        f"wrk: {cfg['connections']} keep-alive connections, {cfg['threads']} threads, "
        f"{cfg['seconds']} s per run ({best_of}after {cfg['warmup']} s of warm-up per "
        f"server); activd with {res['activd_threads']} threads, the peer with uvicorn "
        f"{PEER_WORKERS} workers{' ' + ' '.join(PEER_ARGS) if PEER_ARGS else ''}. "
        f"Ratios are activ's rate / the peer's, and for the "
        f"1M-element request the peer's time / activ's: above 1, activ is ahead.",
        "",
        "| figure | activ | peer | ratio | goal | met? |",
        "|---|---:|---:|---:|---|---|",
        f"| GET /healthz, req/s | {rate('activ', 'healthz')} | {rate('peer', 'healthz')} "
        f"| {vs('healthz'):.1f}× | — | |",
        f"| POST /evaluate sigmoid, 16 elements, req/s | {rate('activ', 'evaluate-16')} | "
        f"{rate('peer', 'evaluate-16')} | {vs('evaluate-16'):.1f}× | ≥ 10× | "
        f"{met(vs('evaluate-16') >= 10)} |",
        f"| activ's /evaluate-16 rate ÷ its /healthz rate | {e16_over_h:.2f} | | | ≥ 0.85 | "
        f"{met(e16_over_h >= 0.85)} |",
        f"| POST /evaluate sigmoid, 1,000 elements, req/s | {rate('activ', 'evaluate-1000')} "
        f"| {rate('peer', 'evaluate-1000')} | {vs('evaluate-1000'):.1f}× | ≥ 20× | "
        f"{met(vs('evaluate-1000') >= 20)} |",
        f"| POST of {cfg['big_n']:,} elements ({big['body_bytes'] / 1e6:.1f} MB), median of "
        f"{cfg['big_repeats']}, wall ms | {ta * 1e3:,.0f} | {tp * 1e3:,.0f} | {tp / ta:.2f}× "
        f"| ≥ 20× | {met(tp / ta >= 20)} |",
        f"| peak RSS for that request (VmHWM) | {mib(big['activ_hwm_kib'])} | "
        f"{mib(big['peer_hwm_kib'])} | {rss_ratio:.1f}× the body | < 3× the body | "
        f"{met(rss_ratio < 3)} |",
    ]
    for sc, label in (("healthz", "GET /healthz"), ("evaluate-16", "/evaluate, 16 elements"),
                      ("evaluate-1000", "/evaluate, 1,000 elements")):
        out.append(f"| server CPU per request, {label}, µs | "
                   f"{runs[('activ', sc)]['median_cpu_us']:,.0f} | "
                   f"{runs[('peer', sc)]['median_cpu_us']:,.0f} | {cpu_vs(sc):.1f}× | — | |")
    out.append("")
    if flagged:
        out.append("⚠ errors during these runs, so their rates are not comparable: " + "; ".join(
            f"{k} {sc}: {runs[(k, sc)]['errors']} socket errors, {runs[(k, sc)]['non2xx']} "
            f"non-2xx" for k, sc in flagged) + ".")
    else:
        out.append("No wrk run had socket errors or non-2xx answers.")
    out += [
        "",
        "Rates are each server's best round, the run least disturbed by the machine's other "
        "load; every round's ratio, activ / peer: "
        + "; ".join(f"{sc} " + ", ".join(f"{v:.1f}×" for v in
                                          per_round(("activ", sc), ("peer", sc)))
                    for sc in ("healthz", "evaluate-16", "evaluate-1000"))
        + "; activ's evaluate-16 ÷ healthz: " + ", ".join(
            f"{v:.2f}" for v in per_round(("activ", "evaluate-16"), ("activ", "healthz")))
        + ".",
        "",
        "Server CPU per request (user + system time of the server's processes over the "
        "requests answered; the median of the rounds; ratio: the peer's / activ's) moves much "
        "less than the rates when other programs load the machine, since it does not count "
        "the time the server waited for a core.",
        "",
        "Each scenario's best round (server CPU: user + system time of the server's processes; "
        "wrk: the client's share of the cores; others: what the rest of the machine used "
        "meanwhile, stolen time included), with every round's rate:",
        "",
        "| server | scenario | req/s | p50 ms | p99 ms | server CPU µs/req | server, cores "
        "| wrk, cores | others, cores | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (key, sc), r in runs.items():
        each = f" ({' / '.join(fmt_rate(v) for v in r['all_rps'])})" if cfg["rounds"] > 1 else ""
        out.append(f"| {key} | {sc} | {fmt_rate(r['rps'])}{each} | {r['p50_us'] / 1e3:.2f} | "
                   f"{r['p99_us'] / 1e3:.2f} | {r['server_cpu_us']:,.0f} | "
                   f"{r['server_cpu_share']:.2f} | {r['client_cpu']:.2f} | "
                   f"{r['other_cpu']:.2f} | {r['errors'] + r['non2xx']} |")
    worst = res["self_check"]
    out += [
        "",
        f"The {cfg['big_n']:,}-element POST, each wall time in ms (client: Python http.client, "
        f"a new connection each, from the first byte sent to the last received): activ "
        f"{ms(big['activ_times'])}; peer {ms(big['peer_times'])}. activd's RSS was "
        f"{mib(big['activ_idle_rss_kib'])} before the first request; the peer's figure is the "
        f"larger VmHWM of its two workers. The two answers agree to "
        f"{big['max_rel_diff']:.1e} relative.",
        "",
        f"Self-check before timing: on 208 values (uniform in [−10, 10], ±0, ±1e−300, ±20, "
        f"±30) as a vector and as a batch, the peer's answers agree with activd's to at most "
        f"{max(worst.values()):.1e} relative (softmax and log_softmax: normwise, row by row); "
        f"by function: " + ", ".join(f"{k} {v:.0e}" for k, v in worst.items()) + ".",
    ]
    return "\n".join(out)


def main():
    activd = sys.argv[1] if len(sys.argv) > 1 else "build/activd"
    if not os.access(activd, os.X_OK):
        sys.exit(f"http_bench: {activd}: not an executable (make builds it)")
    try:
        res = run(activd)
    except BenchError as e:
        sys.exit(f"http_bench: {e}")
    print(markdown(res))


if __name__ == "__main__":
    main()
