#!/usr/bin/env bash
# `npm run bench`: every benchmark, each reporting ratios measured in one run (the machine is noisy; compare
# figures only within a run). Not a test: nothing here passes or fails on a number.
#
#   bash bench/run.sh [watchdog] [gateway] [async] [coldstart] [openfaas] [soak] [swarm]   (default: all but soak and swarm)
#   bash bench/run.sh soak [--minutes N]   (`npm run bench -- soak --minutes 3` for a shorter soak)
# openfaas: side by side with OpenFaaS's binaries from OPENFAAS_BIN (bench/README.md); OPENFAAS_BENCH_ARGS is
# passed to bench/openfaas.mjs, e.g. OPENFAAS_BENCH_ARGS='--duration 3s --connections 16'.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WHICH=(); SOAK_ARGS=()
for a in "$@"; do if [[ $a == --* || $a =~ ^[0-9]+$ ]]; then SOAK_ARGS+=("$a"); else WHICH+=("$a"); fi; done
[[ ${#WHICH[@]} -gt 0 ]] || WHICH=(watchdog gateway async coldstart openfaas)
want() { local w; for w in "${WHICH[@]}"; do [[ $w == "$1" ]] && return 0; done; return 1; }

bash scripts/env.sh
npm run build --silent

if want watchdog; then
  echo; echo "==== watchdog: bare node:http vs the watchdog in each mode (wrk -t1 -c32 -d10s)"
  node bench/watchdog.mjs
fi

if want gateway; then
  echo; echo "==== gateway: bare node:http, the echo function container directly, and through the gateway"
  # The echo sample (node template, module mode), run hardened as the Docker provider would run it.
  docker image inspect node:22-bookworm-slim >/dev/null 2>&1 || export FUNTAINER_NODE_IMAGE=funtainer/node-base:local
  node cli/dist/main.js build -f stack.yml --filter echo >/dev/null
  NET=funtainer-bench
  docker network inspect "$NET" >/dev/null 2>&1 || docker network create --label funtainer.bench=1 "$NET" >/dev/null
  CID=$(docker run -d --rm --label funtainer.bench=1 --network "$NET" --read-only --tmpfs /tmp:size=64m \
    --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges --memory 256m --pids-limit 256 funtainer/echo:latest)
  trap 'docker rm -f "$CID" >/dev/null 2>&1 || true' EXIT
  IP=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NET\").IPAddress}}" "$CID")
  for _ in $(seq 1 100); do curl -fsS "http://$IP:8080/_/ready" >/dev/null 2>&1 && break; sleep 0.05; done
  FUNCTION_URL="http://$IP:8080/" FUNCTION_PID="$(docker inspect -f '{{.State.Pid}}' "$CID")" bash bench/gateway.sh 4s 32
  docker rm -f "$CID" >/dev/null 2>&1 || true
fi

if want soak; then
  echo; echo "==== soak: sync + async load, rolling update every minute, RSS every 10 s"
  node bench/soak.mjs "${SOAK_ARGS[@]+"${SOAK_ARGS[@]}"}"
fi

if want async; then
  echo; echo "==== async: sync rate vs enqueue (202) rate vs end-to-end completions, idle queue latency"
  node bench/async.mjs
fi

if want coldstart; then
  echo; echo "==== cold start through the gateway (paused, removed) vs raw Docker; scale-up reaction"
  node bench/coldstart.mjs --tries 20
fi

if want swarm; then
  echo; echo "==== swarm: cold start from 0 through a Swarm gateway vs raw service create; data path Swarm ÷ Docker"
  FUNTAINER_SWARM_ID="${FUNTAINER_SWARM_ID:-2}" node bench/swarm.mjs
fi

if want openfaas; then
  echo; echo "==== openfaas: the same work through Funtainer and OpenFaaS (gateway, of-watchdog, classic watchdog)"
  # shellcheck disable=SC2086 # OPENFAAS_BENCH_ARGS is a list of options
  node bench/openfaas.mjs ${OPENFAAS_BENCH_ARGS:-}
fi
