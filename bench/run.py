#!/usr/bin/python3
"""run.py -- make bench: the core kernels against libm, numpy and torch; activd against its peer

Usage, from the repository root (the Makefile's bench target does this):

    /usr/bin/python3 bench/run.py ACTIVD BENCH_CORE [--results FILE]

Prints a markdown report: the machine, the command, then the core micro-benchmark (bench_core
and bench/peer/kernels.py on the same 1,000,000 doubles) and the HTTP benchmark
(bench/http_bench.py). It is also written to build/bench/report.md; with --results FILE (make
bench BENCH_RESULTS=bench/RESULTS.md) it replaces what lies between FILE's two marker lines,
so the hand-written reading around the figures stays. BENCH_PARTS=core or =http runs one part.
"""

import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile

import http_bench

PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN = "<!-- make bench: begin (generated; refresh with make bench BENCH_RESULTS=bench/RESULTS.md) -->"
END = "<!-- make bench: end -->"
PACKAGES = ["gcc", "libc6", "libjansson4", "libmicrohttpd12", "wrk", "python3", "python3-numpy",
            "python3-torch", "python3-fastapi", "python3-starlette", "python3-pydantic",
            "python3-uvicorn", "python3-uvloop", "python3-httptools"]
ENV_KNOBS = ["BENCH_SECONDS", "BENCH_WARMUP", "BENCH_CONNECTIONS", "BENCH_WRK_THREADS",
             "BENCH_BIG_N", "BENCH_BIG_REPEATS", "BENCH_ROUNDS", "BENCH_PEER_ARGS", "BENCH_PARTS"]


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def capture(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine():
    cpuinfo = read("/proc/cpuinfo")
    models = [l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("model name")]
    mem = next((l.split()[1] for l in read("/proc/meminfo").splitlines()
                if l.startswith("MemTotal:")), "0")
    versions = []
    for pkg in PACKAGES:
        v = capture(["dpkg-query", "-W", "-f", "${Version}", pkg])
        versions.append(f"{pkg} {v or '(not installed)'}")
    commit = capture(["git", "rev-parse", "--short", "HEAD"])
    # the report's own file does not count as a change to what is measured
    if commit and capture(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                           ":(exclude)bench/RESULTS.md"]):
        commit += " with local changes"
    lines = [
        f"- CPU: {models[0] if models else platform.processor()}, {len(models)} logical CPUs "
        f"in /proc/cpuinfo, `nproc` {len(os.sched_getaffinity(0))}; "
        f"{int(mem) / 1048576:.1f} GiB RAM",
        f"- OS: Debian {read('/etc/debian_version').strip()}, Linux {platform.release()}",
        f"- load average when the run started: {read('/proc/loadavg').split()[0]} "
        f"(other tenants share this machine)",
        f"- packages: {', '.join(versions)}",
        f"- uvicorn picked: {uvicorn_impl()}",
        f"- activ: commit {commit or 'unknown'}, built by make with the normal flags (-O2 -g)",
    ]
    return "\n".join(lines)


def uvicorn_impl():
    """Which HTTP parser and event loop uvicorn's defaults chose, as it would for the peer."""
    code = ("from uvicorn.config import Config; import asyncio; c = Config('app:app'); c.load(); "
            "c.setup_event_loop(); print(c.http_protocol_class.__name__, "
            "type(asyncio.new_event_loop()).__module__)")
    out = subprocess.run([PYTHON, "-c", code], cwd=os.path.join(HERE, "peer"),
                         capture_output=True, text=True, timeout=60).stdout.split()
    return f"{out[0]}, event loop from {out[1]}" if len(out) == 2 else "unknown"


# ---------------------------------------------------------------- the core micro-benchmark


def core(bench_core):
    with tempfile.TemporaryDirectory(prefix="activ-core-") as work:
        data = os.path.join(work, "x.f64")
        print("run: bench_core (activ and naive loops)", file=sys.stderr, flush=True)
        out = subprocess.run([bench_core, "--tsv", "--dump", data], capture_output=True,
                             text=True, timeout=600, check=True).stdout
        activ = {}
        for line in out.splitlines():
            name, a, n = line.split("\t")
            activ[name] = (float(a), float(n))
        print("run: kernels.py (numpy and torch)", file=sys.stderr, flush=True)
        env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        k = json.loads(subprocess.run([PYTHON, os.path.join(HERE, "peer", "kernels.py"), data],
                                      capture_output=True, text=True, timeout=1200, env=env,
                                      check=True).stdout)
    return activ, k


def core_markdown(activ, k):
    out = [
        f"ns per input element over the same {k['n']:,} doubles, uniform in [−10, 10] (row-wise "
        f"functions: 1,000 rows of 1,000; maxout: k = 2), best of 7 runs, one thread, binary64 "
        f"everywhere (torch reports version {k['versions']['torch']}; {k['torch_threads']} "
        f"thread). "
        f"Ratios are activ / other: below 1, activ is faster.",
        "",
        "| function | activ | naive libm | numpy | torch | activ/naive | activ/numpy | activ/torch "
        "| no slower than numpy and torch? |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    slower = []
    for name, (a, n) in activ.items():
        np_ns, t_ns = k["numpy"].get(name), k["torch"].get(name)
        cell = lambda v: f"{v:.2f}" if v is not None else "—"
        ratio = lambda v: f"{a / v:.2f}" if v is not None else "—"
        others = [v for v in (np_ns, t_ns) if v is not None]
        if not others:
            met = "—"
        elif all(a <= v for v in others):
            met = "yes"
        else:
            met = "**no**"
            slower.append(name)
        out.append(f"| {name} | {a:.2f} | {n:.2f} | {cell(np_ns)} | {cell(t_ns)} | "
                   f"{a / n:.2f} | {ratio(np_ns)} | {ratio(t_ns)} | {met} |")
    out.append("")
    for lib in ("numpy", "torch"):
        lacks = k["lacks"].get(lib, {})
        if lacks:
            out.append(f"{lib} lacks " + "; ".join(f"{n}: {why}" for n, why in lacks.items()) + ".")
            out.append("")
    out.append(f"activ is slower than numpy or torch on {len(slower)} of {len(activ)} functions"
               + (f": {', '.join(slower)}." if slower else "."))
    return "\n".join(out)


# ---------------------------------------------------------------- the report


def command():
    knobs = " ".join(f"{k}={shlex.quote(os.environ[k])}" for k in ENV_KNOBS if os.environ.get(k))
    return f"{knobs} make bench".strip()


def report(activd, bench_core, parts):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections = [f"Run of {now}, command `{command()}`.", "", "### The machine", "", machine()]
    if "core" in parts:
        activ, k = core(bench_core)
        sections += ["", "### Core kernels", "", core_markdown(activ, k)]
    if "http" in parts:
        print("run: http_bench.py (activd and the peer)", file=sys.stderr, flush=True)
        res = http_bench.run(activd)
        sections += ["", "### HTTP", "", http_bench.markdown(res)]
    sections += ["", f"Load average when the run ended: {read('/proc/loadavg').split()[0]}."]
    return "\n".join(sections)


def splice(path, text):
    old = read(path)
    if BEGIN not in old or END not in old:
        sys.exit(f"run.py: {path}: no marker lines to put the figures between:\n{BEGIN}\n{END}")
    head, rest = old.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(path + ".tmp", "w") as f:
        f.write(head + BEGIN + "\n\n" + text + "\n\n" + END + tail)
    os.replace(path + ".tmp", path)


def main():
    args = sys.argv[1:]
    results = None
    if "--results" in args:
        i = args.index("--results")
        if i + 1 >= len(args):
            sys.exit("run.py: --results needs a file")
        results = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit("usage: run.py ACTIVD BENCH_CORE [--results FILE]")
    activd, bench_core = args
    parts = os.environ.get("BENCH_PARTS", "core,http").split(",")
    try:
        text = report(activd, bench_core, parts)
    except http_bench.BenchError as e:
        sys.exit(f"run.py: {e}")
    except subprocess.CalledProcessError as e:
        sys.exit(f"run.py: {' '.join(e.cmd)} failed ({e.returncode}):\n{e.stderr}")
    print(text)
    os.makedirs("build/bench", exist_ok=True)
    with open("build/bench/report.md", "w") as f:
        f.write(text + "\n")
    if results:
        splice(results, text)
        print(f"run.py: figures written into {results}", file=sys.stderr)


if __name__ == "__main__":
    main()
