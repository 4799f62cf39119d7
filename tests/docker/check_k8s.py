#!/usr/bin/env python3
"""check_k8s.py -- what docker/k8s/ must say, checked on the parsed YAML.

Usage: check_k8s.py [REPO_ROOT]   (default: the current directory)

Each manifest uses an API version Kubernetes serves today; the Deployment has replicas,
readiness and liveness probes on /healthz that reach the container's port, requests and
limits for CPU and memory (requests within limits), a non-root security context whose
user is the Dockerfile's USER, and a graceful stop; the Service and the
HorizontalPodAutoscaler point at the Deployment's pods; every ACTIV_* variable is one
server/config.c reads. Prints one line per check; exit 1 when any fails.
(The schema check, k8s_schema.mjs, checks the types and required fields.)
"""
import pathlib
import re
import sys

import yaml

# Current API versions of the kinds docker/k8s/ may hold (Kubernetes 1.23 and later
# serve all of them; the beta versions are gone).
CURRENT = {
    "Deployment": "apps/v1",
    "Service": "v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
}

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1
    return ok


def quantity(q):
    """A Kubernetes CPU or memory quantity as a number (cores, bytes)."""
    s = str(q)
    units = {"m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", s)
    if not m or (m.group(2) and m.group(2) not in units):
        raise ValueError(f"unknown quantity {s!r}")
    return float(m.group(1)) * units.get(m.group(2), 1)


def dockerfile_uid(root):
    """The numeric uid of the runtime stage's USER in docker/Dockerfile, or None."""
    users = re.findall(r"^USER\s+(\S+)", (root / "docker/Dockerfile").read_text(), re.M)
    if not users:
        return None
    uid = users[-1].split(":")[0]
    return int(uid) if uid.isdigit() else None


def config_env_names(root):
    return set(re.findall(r'\.env = "(ACTIV_[A-Z_]+)"', (root / "server/config.c").read_text()))


def port_of(container, ref):
    """The containerPort a probe or Service refers to, by number or by name."""
    for p in container.get("ports", []):
        if ref in (p.get("containerPort"), p.get("name")):
            return p.get("containerPort")
    return None


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    files = sorted((root / "docker/k8s").glob("*.yaml"))
    check(bool(files), f"docker/k8s/ holds manifests ({len(files)} files)")
    docs = {}
    for f in files:
        for doc in yaml.safe_load_all(f.read_text()):
            if doc is None:
                continue
            kind, version = doc.get("kind"), doc.get("apiVersion")
            name = (doc.get("metadata") or {}).get("name")
            check(kind in CURRENT and version == CURRENT[kind],
                  f"{f.name}: {kind} {name}: apiVersion {version} is the current one")
            check(bool(name), f"{f.name}: {kind} has a metadata.name")
            check(kind not in docs, f"{f.name}: one {kind} in docker/k8s/")
            docs[kind] = doc
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler"):
        check(kind in docs, f"a {kind} is there")
    if failures:
        return 1

    dep = docs["Deployment"]
    spec = dep["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"].get("labels", {})
    containers = pod.get("containers", [])
    check(len(containers) == 1, "Deployment: one container")
    c = containers[0]
    check(isinstance(spec.get("replicas"), int) and spec["replicas"] >= 2,
          f"Deployment: replicas {spec.get('replicas')} (at least 2)")
    check(matches(spec["selector"].get("matchLabels"), labels),
          "Deployment: selector matches the pod template's labels")
    check(port_of(c, 8080) == 8080, "container: port 8080 (activd's default ACTIV_PORT)")

    for kind in ("readinessProbe", "livenessProbe"):
        probe = c.get(kind) or {}
        get = probe.get("httpGet") or {}
        check(get.get("path") == "/healthz", f"container: {kind} GETs /healthz")
        check(port_of(c, get.get("port")) == 8080, f"container: {kind} reaches port 8080")
        check(0 < probe.get("timeoutSeconds", 1) < probe.get("periodSeconds", 10),
              f"container: {kind} timeout below its period")

    res = c.get("resources") or {}
    for r in ("cpu", "memory"):
        req = (res.get("requests") or {}).get(r)
        lim = (res.get("limits") or {}).get(r)
        if check(req is not None and lim is not None, f"container: {r} request and limit set"):
            check(quantity(req) <= quantity(lim), f"container: {r} request {req} <= limit {lim}")

    psc = pod.get("securityContext") or {}
    csc = c.get("securityContext") or {}
    run_as_non_root = csc.get("runAsNonRoot", psc.get("runAsNonRoot"))
    uid = csc.get("runAsUser", psc.get("runAsUser"))
    check(run_as_non_root is True, "securityContext: runAsNonRoot")
    check(isinstance(uid, int) and uid != 0, f"securityContext: runAsUser {uid} is not root")
    check(uid == dockerfile_uid(root), f"securityContext: runAsUser is the Dockerfile's USER ({dockerfile_uid(root)})")
    check(csc.get("allowPrivilegeEscalation") is False, "securityContext: allowPrivilegeEscalation false")
    check("ALL" in ((csc.get("capabilities") or {}).get("drop") or []), "securityContext: drops all capabilities")
    check(csc.get("readOnlyRootFilesystem") is True, "securityContext: read-only root filesystem")

    # Graceful termination: activd drains for up to ACTIV_TIMEOUT (30 s by default) after
    # SIGTERM; the grace period must cover that and the preStop pause.
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    timeout = int(env.get("ACTIV_TIMEOUT", 30))
    pre_stop = (((c.get("lifecycle") or {}).get("preStop") or {}).get("exec") or {}).get("command") or []
    pause = int(pre_stop[1]) if len(pre_stop) == 2 and pre_stop[0] == "sleep" else 0
    check(pause > 0, f"container: preStop waits for the endpoints to drop the pod ({pre_stop})")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    check(grace > pause + timeout,
          f"pod: terminationGracePeriodSeconds {grace} > preStop {pause} s + drain {timeout} s")
    known = config_env_names(root)
    for name in env:
        check(name in known, f"container: {name} is a variable server/config.c reads")

    svc = docs["Service"]["spec"]
    check(matches(svc.get("selector"), labels), "Service: selector matches the pods")
    for p in svc.get("ports", []):
        check(port_of(c, p.get("targetPort", p.get("port"))) == 8080,
              f"Service: port {p.get('port')} goes to the container's 8080")

    hpa = docs["HorizontalPodAutoscaler"]["spec"]
    ref = hpa.get("scaleTargetRef") or {}
    check((ref.get("apiVersion"), ref.get("kind"), ref.get("name")) ==
          ("apps/v1", "Deployment", dep["metadata"]["name"]), "HPA: scales the Deployment")
    lo, hi = hpa.get("minReplicas", 1), hpa.get("maxReplicas", 0)
    check(2 <= lo < hi, f"HPA: {lo} to {hi} replicas")
    check(lo <= spec["replicas"] <= hi, "HPA: the Deployment's replicas are within its range")
    cpu = [m for m in hpa.get("metrics", [])
           if m.get("type") == "Resource" and m["resource"]["name"] == "cpu"]
    check(bool(cpu), "HPA: scales on CPU (the pods request CPU)")

    if "PodDisruptionBudget" in docs:
        pdb = docs["PodDisruptionBudget"]["spec"]
        check(matches((pdb.get("selector") or {}).get("matchLabels"), labels),
              "PodDisruptionBudget: selector matches the pods")

    print(f"check_k8s: {'all checks passed' if not failures else f'{failures} failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
