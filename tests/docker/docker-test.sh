#!/usr/bin/env bash
# docker-test.sh -- docker/ made real: the image built and run, the compose file under
# load with a replica killed, the Kubernetes manifests checked.
#
# Usage: tests/docker/docker-test.sh VERIFIER     (from the repository root; `make docker-test`)
#
# VERIFIER is docker-verify.sh, which runs Dockerfiles and compose files with podman on
# machines without a Docker engine or a registry. Every container, network and image
# tag this script makes carries its process id and is removed on exit, even on failure;
# podman's build cache (the layers of unchanged steps) is kept, as docker build keeps
# its own, so the next run builds faster. Logs go to build/docker-test/. Exit 0 when
# every check passed.
#
#  1. k8s: docker/k8s/*.yaml against the API schemas (kubernetes-models from npm) and
#     tests/docker/check_k8s.py (probes, resources, security context, ...).
#  2. image: docker/Dockerfile built; the container runs activd as PID 1 and non-root,
#     its HEALTHCHECK passes, /healthz, /evaluate and /differentiate answer exactly
#     through the published port, `stop` ends it with exit 0 in under 2 s; a second
#     container configured by ACTIV_* variables (port, body limit, threads) obeys them,
#     read-only and without capabilities as the Kubernetes Deployment runs it.
#  3. compose: docker/compose.yaml up with 3 replicas behind nginx on a free port; the
#     body limit on both sides of 1 MiB through nginx; 600 distinct requests (tests/
#     docker/load.py) with every answer checked, one replica killed (SIGKILL) after 200
#     of them, no request may fail, more than one replica must have served; then
#     scaled to 4 as README.md says, and the new replica must serve.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 VERIFIER" >&2; exit 2; }
[ -f "$1" ] || { echo "docker-test: verifier $1 not found" >&2; exit 1; }
DV=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/../.."

RUN=$$
TAG=localhost/activ-docker-test:$RUN
LABEL=activ-docker-test=$RUN
PROJECT=activtest$RUN
COMPOSE_FILE=docker/compose.yaml
LOGS=build/docker-test
K8S_MODULES=build/docker-test-npm # kept between runs, like npm's own cache
KUBERNETES_MODELS=kubernetes-models@5.1.0
JS_YAML=js-yaml@4.1.0
REQUESTS=600 KILL_AT=200 RATE=100 # 6 s of load, the kill 2 s in
FIGURES=()

t0=$(date +%s)
log() { printf '[docker-test %s] %s\n' "$(date +%T)" "$*"; }
fail() { log "FAIL: $*"; exit 1; }
ok() { log "ok   $*"; }
figure() { FIGURES+=("$*"); log "     $*"; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_url URL SECONDS: poll until URL answers 2xx; rc 1 after SECONDS.
wait_url() {
    local end=$(($(date +%s) + $2))
    while [ "$(date +%s)" -lt "$end" ]; do
        curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

# expect NAME METHOD URL BODY WANT_STATUS WANT_BODY: one request, status and body exact.
expect() {
    local name=$1 method=$2 url=$3 body=$4 want_status=$5 want_body=$6 out status
    out=$(mktemp)
    if [ "$method" = GET ]; then
        status=$(curl -sS --max-time 10 -o "$out" -w '%{http_code}' "$url") || status=000
    else
        status=$(curl -sS --max-time 10 -o "$out" -w '%{http_code}' -H 'Content-Type: application/json' \
            --data-binary "$body" "$url") || status=000
    fi
    if [ "$status" = "$want_status" ] && [ "$(cat "$out")" = "$want_body" ]; then
        rm -f "$out"
        ok "$name: $status $want_body"
    else
        log "got $status $(head -c 300 "$out")"
        rm -f "$out"
        fail "$name: want $want_status $want_body"
    fi
}

compose() { timeout 600 docker-compose -f "$COMPOSE_FILE" "$@"; }
project_containers() { # [SERVICE]: ids of this run's compose containers
    podman ps -aq --filter "label=com.docker.compose.project=$PROJECT" \
        ${1:+--filter "label=com.docker.compose.service=$1"}
}
posts_served() { podman logs "$1" 2>&1 | grep -c '"method":"POST"' || true; }

service_started=0 compose_up=0 built=""
cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [ $compose_up = 1 ]; then
        for c in $(project_containers); do
            podman logs "$c" > "$LOGS/$(podman inspect -f '{{.Name}}' "$c").log" 2>&1
        done
        compose down -v --remove-orphans -t 5 >> "$LOGS/compose.log" 2>&1
        ids=$(project_containers)
        [ -n "$ids" ] && podman rm -f -t 0 $ids > /dev/null 2>&1
        podman network rm -f "${PROJECT}_default" > /dev/null 2>&1
    fi
    ids=$(podman ps -aq --filter "label=$LABEL" 2> /dev/null)
    [ -n "$ids" ] && podman rm -f -t 0 $ids > /dev/null 2>&1
    podman rmi -f "$TAG" $built > /dev/null 2>&1
    [ $service_started = 1 ] && bash "$DV" service stop > /dev/null 2>&1
    if [ $rc = 0 ]; then
        log "figures:"
        for f in "${FIGURES[@]}"; do log "  $f"; done
        log "PASS in $(($(date +%s) - t0)) s (logs in $LOGS/)"
    else
        log "FAILED after $(($(date +%s) - t0)) s; logs in $LOGS/"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$LOGS"
mkdir -p "$LOGS"

# ---------------------------------------------------------------- set-up
log "setting up podman, the base images and docker-compose ($DV setup --compose)"
timeout 1800 bash "$DV" setup --compose > "$LOGS/setup.log" 2>&1 || { tail -20 "$LOGS/setup.log"; fail "$DV setup"; }
# Only what podman and docker-compose need (DOCKER_CONFIG would make podman look for a
# config.json there).
eval "$(bash "$DV" env | grep -E '^export (CONTAINERS_CONF|BUILDAH_FORMAT|DOCKER_HOST)=')"
missing=""
python3 -c 'import yaml' 2> /dev/null || missing="$missing python3-yaml"
command -v npm > /dev/null || missing="$missing npm"
if [ -n "$missing" ]; then
    log "installing$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing \
        > "$LOGS/apt.log" 2>&1 || fail "apt-get install$missing"
fi

# ---------------------------------------------------------------- 1. Kubernetes manifests
log "1. docker/k8s/"
if [ ! -f "$K8S_MODULES/node_modules/kubernetes-models/package.json" ] ||
    ! grep -q "\"version\": \"${KUBERNETES_MODELS#*@}\"" "$K8S_MODULES/node_modules/kubernetes-models/package.json"; then
    mkdir -p "$K8S_MODULES"
    timeout 300 npm install --prefix "$K8S_MODULES" --no-save --no-audit --no-fund --silent \
        "$KUBERNETES_MODELS" "$JS_YAML" > "$LOGS/npm.log" 2>&1 || { cat "$LOGS/npm.log"; fail "npm install $KUBERNETES_MODELS $JS_YAML"; }
fi
node tests/docker/k8s_schema.mjs "$K8S_MODULES/node_modules" docker/k8s/*.yaml > "$LOGS/k8s.log" 2>&1 &&
    python3 tests/docker/check_k8s.py . >> "$LOGS/k8s.log" 2>&1 || { grep -v '^ok' "$LOGS/k8s.log"; fail "docker/k8s/"; }
ok "docker/k8s/: $(grep -c '^ok' "$LOGS/k8s.log") checks ($KUBERNETES_MODELS schemas, check_k8s.py)"

# ---------------------------------------------------------------- 2. the image
log "2. docker/Dockerfile"
t=$(date +%s)
timeout 1800 bash "$DV" build . docker/Dockerfile "$TAG" > "$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log"; fail "build"; }
ok "built $TAG in $(($(date +%s) - t)) s"
built=$(podman image inspect -f '{{.Id}}' "$TAG") # compose's build takes the tag over below
image() { # EXPR: a Python expression of d (the inspect record) and c (its Config)
    podman image inspect "$TAG" | python3 -c "import json, sys
d = json.load(sys.stdin)[0]; c = d.get('Config') or {}
print($1)"
}
size=$(image 'd["Size"]')
figure "runtime image: $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }') ($size bytes)"
user=$(image 'c.get("User", "")')
case $user in
    "" | root | 0 | 0:*) fail "the image's USER is '$user': root" ;;
    *) ok "USER $user" ;;
esac
hc=$(image '" ".join((d.get("Healthcheck") or c.get("Healthcheck") or {}).get("Test") or [])')
case $hc in
    *"activ health"*) ok "HEALTHCHECK runs the image's client: $hc" ;;
    *) fail "HEALTHCHECK '$hc' does not run activ health" ;;
esac
ports=$(image '" ".join(sorted(c.get("ExposedPorts") or {}))')
[ "$ports" = 8080/tcp ] && ok "EXPOSE $ports" || fail "exposed ports: '$ports'"
entry=$(image '" ".join(c.get("Entrypoint") or [])')
[ "$entry" = /usr/local/bin/activd ] && ok "ENTRYPOINT $entry (exec form: activd is PID 1)" || fail "entrypoint: '$entry'"

port=$(free_port)
name=activ-test-$RUN-default
podman run -d --name "$name" --label "$LABEL" -p "127.0.0.1:$port:8080" "$TAG" > /dev/null 2> "$LOGS/run.err" ||
    { cat "$LOGS/run.err"; fail "podman run $TAG"; }
wait_url "http://127.0.0.1:$port/healthz" 30 || { podman logs "$name"; fail "no answer on the published port $port in 30 s"; }
ok "answers on the published port $port"
[ "$(podman exec "$name" cat /proc/1/comm)" = activd ] && ok "PID 1 is activd" || fail "PID 1 is $(podman exec "$name" cat /proc/1/comm)"
uids=$(podman exec "$name" awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/1/status)
case " $uids " in
    *" 0 "*) fail "activd runs with uid 0 among its uids ($uids)" ;;
    *) ok "activd runs as uid $uids (real, effective, saved, fs): not root" ;;
esac
podman healthcheck run "$name" > /dev/null 2>&1 || fail "HEALTHCHECK failed"
health=$(podman inspect -f '{{.State.Health.Status}}' "$name")
[ "$health" = healthy ] && ok "HEALTHCHECK passes: $health" || fail "health status $health"
expect "GET /healthz" GET "http://127.0.0.1:$port/healthz" "" 200 '{"status":"ok"}'
expect "POST /evaluate relu" POST "http://127.0.0.1:$port/evaluate" '{"activation":"relu","x":[-1,2]}' \
    200 '{"activation":"relu","params":{},"y":[0.0,2.0]}'
expect "POST /differentiate leaky_relu" POST "http://127.0.0.1:$port/differentiate" \
    '{"activation":"leaky_relu","params":{"alpha":0.25},"x":[-3,2.5]}' \
    200 '{"activation":"leaky_relu","params":{"alpha":0.25},"dy_dx":[0.25,1.0]}'
start=$(date +%s%N)
podman stop -t 10 "$name" > /dev/null 2>&1 || fail "podman stop"
stop_ms=$(ms_since "$start")
code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
podman logs "$name" > "$LOGS/default.log" 2>&1
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
[ "$stop_ms" -lt 2000 ] || fail "stop took $stop_ms ms (2000 at most)"
grep -q '"event":"stopped"' "$LOGS/default.log" || fail "no stopped event in the log"
ok "stop: SIGTERM, drained, exit code $code in $stop_ms ms"
figure "docker stop: exit code $code in $stop_ms ms"
podman rm -f -t 0 "$name" > /dev/null 2>&1

# The ACTIV_* variables reach activd, and the HEALTHCHECK follows ACTIV_PORT; all of it
# within the restrictions docker/k8s/deployment.yaml sets (read-only root, no
# capabilities, no privilege gain, its memory limit).
port=$(free_port)
name=activ-test-$RUN-configured
podman run -d --name "$name" --label "$LABEL" -p "127.0.0.1:$port:9090" \
    --read-only --cap-drop ALL --security-opt no-new-privileges --memory 256m \
    -e ACTIV_PORT=9090 -e ACTIV_MAX_BODY=1000 -e ACTIV_THREADS=1 "$TAG" > /dev/null 2> "$LOGS/run.err" ||
    { cat "$LOGS/run.err"; fail "podman run -e ACTIV_PORT=9090 ..."; }
wait_url "http://127.0.0.1:$port/healthz" 30 || { podman logs "$name"; fail "ACTIV_PORT=9090: no answer"; }
listening=$(podman logs "$name" 2>&1 | grep '"event":"listening"' || true)
case $listening in
    *'"port":9090,"threads":1}') ok "ACTIV_PORT=9090 ACTIV_THREADS=1: $listening" ;;
    *) fail "ACTIV_PORT=9090 ACTIV_THREADS=1 not in the listening line: '$listening'" ;;
esac
podman healthcheck run "$name" > /dev/null 2>&1 && ok "HEALTHCHECK passes on port 9090" || fail "HEALTHCHECK fails with ACTIV_PORT=9090"
body=$(python3 -c 'b = "{\"activation\":\"relu\",\"x\":[1]}"; print(b + " " * (1000 - len(b)))')
expect "ACTIV_MAX_BODY=1000, a 1000-byte body" POST "http://127.0.0.1:$port/evaluate" "$body" \
    200 '{"activation":"relu","params":{},"y":[1.0]}'
expect "ACTIV_MAX_BODY=1000, a 1001-byte body" POST "http://127.0.0.1:$port/evaluate" "$body " \
    413 '{"error":{"code":"payload_too_large","message":"the request body is larger than the limit of 1000 bytes"}}'
podman rm -f -t 0 "$name" > /dev/null 2>&1

# ---------------------------------------------------------------- 3. compose
log "3. docker/compose.yaml"
# docker-compose talks to podman's API socket; stop it at the end only if it was not up.
curl -fsS --max-time 2 --unix-socket "${DOCKER_HOST#unix://}" http://d/_ping > /dev/null 2>&1 || service_started=1
bash "$DV" service start > "$LOGS/service.log" 2>&1 || { cat "$LOGS/service.log"; fail "podman API service"; }
port=$(free_port)
export COMPOSE_PROJECT_NAME=$PROJECT ACTIV_IMAGE=$TAG ACTIV_PUBLISH=127.0.0.1:$port
compose_up=1
t=$(date +%s)
compose up -d --build > "$LOGS/compose.log" 2>&1 || { tail -30 "$LOGS/compose.log"; fail "compose up"; }
url=http://127.0.0.1:$port
wait_url "$url/healthz" 60 || { compose ps; fail "nginx does not answer on $url in 60 s"; }
ok "compose up: nginx answers on $url after $(($(date +%s) - t)) s"
mapfile -t replicas < <(project_containers activd)
[ ${#replicas[@]} = 3 ] || fail "${#replicas[@]} activd replicas, want 3"
for c in "${replicas[@]}"; do
    s="$(podman inspect -f '{{.State.Status}} {{.State.Health.Status}} {{.HostConfig.ReadonlyRootfs}}' "$c")"
    s="$s $(podman exec "$c" awk '/^(CapBnd|NoNewPrivs):/ { print $2 }' /proc/1/status | tr '\n' ' ')"
    [ "$s" = "running healthy true 0000000000000000 1 " ] ||
        fail "replica $c: $s (want: running healthy, read-only root, no capabilities in its bounding set, no new privileges)"
done
ok "3 activd replicas, running and healthy, read-only and without capabilities"
expect "through nginx: GET /healthz" GET "$url/healthz" "" 200 '{"status":"ok"}'
body=$(python3 -c 'b = "{\"activation\":\"relu\",\"x\":[1]}"; print(b + " " * (1048576 - len(b)))')
printf '%s' "$body" > "$LOGS/body-1MiB.json"
printf '%s ' "$body" > "$LOGS/body-1MiB+1.json"
expect "through nginx: a 1048576-byte body" POST "$url/evaluate" "@$LOGS/body-1MiB.json" \
    200 '{"activation":"relu","params":{},"y":[1.0]}'
expect "through nginx: a 1048577-byte body" POST "$url/evaluate" "@$LOGS/body-1MiB+1.json" \
    413 '{"error":{"code":"payload_too_large","message":"the request body is larger than the limit of 1048576 bytes"}}'
rm -f "$LOGS"/body-*.json

declare -A before
for c in "${replicas[@]}"; do before[$c]=$(posts_served "$c"); done
victim=${replicas[1]}
victim_name=$(podman inspect -f '{{.Name}}' "$victim")
log "load: $REQUESTS requests at $RATE/s over 4 connections; SIGKILL to $victim_name after $KILL_AT answers"
timeout 120 python3 tests/docker/load.py "$url" "$REQUESTS" --concurrency 4 --rate "$RATE" \
    --at "$KILL_AT" --run "podman kill $victim" > "$LOGS/load.json" 2> "$LOGS/load.err" || true
result=$(cat "$LOGS/load.json" 2> /dev/null || true)
[ -n "$result" ] || { cat "$LOGS/load.err"; fail "load.py gave no result"; }
read -r answered failed after killed_at kill_rc < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1]); c = r["cmd"] or {}
print(r["ok"], r["failed"], r["ok_after_cmd"], c.get("finished", "-"), c.get("rc", "-"))' "$result")
[ "$kill_rc" = 0 ] || fail "podman kill failed: $result"
[ "$failed" = 0 ] || fail "$failed of $REQUESTS requests failed: $result"
[ "$answered" = "$REQUESTS" ] || fail "$answered of $REQUESTS answered: $result"
[ "$after" -ge 100 ] || fail "only $after answers after the kill: not mid-run ($result)"
victim_state=$(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$victim")
ok "$REQUESTS of $REQUESTS answered and exact; $victim_name killed at ${killed_at} s ($victim_state), $after answers after it"
served=0 used=0 per=""
for c in "${replicas[@]}"; do
    n=$(($(posts_served "$c") - before[$c]))
    served=$((served + n))
    [ "$n" -gt 0 ] && used=$((used + 1))
    per="$per $(podman inspect -f '{{.Name}}' "$c")=$n"
done
[ "$used" -ge 2 ] || fail "one replica served everything:$per"
[ "$served" -ge "$REQUESTS" ] || fail "the replicas logged $served requests, fewer than $REQUESTS:$per"
nginx=$(project_containers nginx)
retried=$(podman logs "$nginx" 2>&1 | grep -c 'upstream=[^ ]*, ' || true)
ok "served by $used replicas:$per"
figure "requests per replica:$per (killed: $victim_name)"
figure "kill mid-run: $failed of $REQUESTS failed, $after answered after the kill, $retried sent again by nginx"

# Scale out as README.md says: more replicas, then nginx reloads to learn them.
log "scale: activd=4, then nginx -s reload"
compose up -d --no-recreate --scale activd=4 >> "$LOGS/compose.log" 2>&1 || { tail -20 "$LOGS/compose.log"; fail "compose up --scale activd=4"; }
mapfile -t scaled < <(project_containers activd)
new=""
for c in "${scaled[@]}"; do [ -z "${before[$c]+x}" ] && new=$c; done
[ -n "$new" ] || fail "no new replica after --scale activd=4"
end=$(($(date +%s) + 60))
until [ "$(podman inspect -f '{{.State.Health.Status}}' "$new")" = healthy ]; do
    [ "$(date +%s)" -lt "$end" ] || fail "the new replica is not healthy after 60 s"
    sleep 0.5
done
# nginx -s reload reads the configuration again, resolving "activd" to every replica's
# address; it changes nothing when that fails (say the name server is itself reloading).
for try in 1 2 3 4 5; do
    start=$(date +%s%N)
    timeout 30 docker-compose -f "$COMPOSE_FILE" exec -T nginx nginx -s reload >> "$LOGS/compose.log" 2>&1 && break
    log "     nginx -s reload failed after $(ms_since "$start") ms (try $try)"
    [ $try = 5 ] && fail "nginx -s reload"
    sleep 2
done
sleep 1 # the new nginx workers take over
timeout 60 python3 tests/docker/load.py "$url" 200 --concurrency 4 --rate "$RATE" > "$LOGS/load-scaled.json" 2>&1 ||
    fail "after scaling: $(cat "$LOGS/load-scaled.json")"
n=$(posts_served "$new")
[ "$n" -gt 0 ] || fail "the new replica served nothing after the reload"
ok "200 of 200 answered after scaling; the new replica $(podman inspect -f '{{.Name}}' "$new") served $n"

start=$(date +%s%N)
compose down -v --remove-orphans >> "$LOGS/compose.log" 2>&1 || fail "compose down"
figure "compose down (5 containers): $(ms_since "$start") ms"
[ -z "$(project_containers)" ] || fail "containers left after compose down"
compose_up=0
ok "compose down: nothing left"
