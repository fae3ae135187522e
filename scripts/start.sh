#!/usr/bin/env bash
# `npm start`: Funtainer on this machine with the sample functions deployed.
#
#   bash scripts/start.sh            install what is missing, build, start gateway + queue-worker, deploy stack.yml
#
# Installs/starts Docker and Redis (scripts/env.sh), builds the workspace and the sample images, starts the
# gateway (with the autoscaler inside) and a queue-worker as child processes, deploys stack.yml with the
# funtainer CLI, prints the URL, the admin credentials and a ready-to-paste curl, then waits. Ctrl-C stops the
# gateway and the worker (SIGTERM: in-flight work drains); the deployed functions keep their definitions and
# are served again by the next `npm start`. `bash scripts/start.sh --down` also removes them.
#
# Environment: FUNTAINER_PORT (8080), FUNTAINER_METRICS_PORT (8082), FUNTAINER_WORKER_METRICS_PORT (8083),
#              FUNTAINER_STATE_DIR (./.funtainer), FUNTAINER_SKIP_INSTALL=1 (never run npm ci).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_log_prefix=start
# shellcheck source=scripts/lib.sh
. "$SCRIPT_DIR/lib.sh"
cd "$FUNTAINER_ROOT"

PORT="${FUNTAINER_PORT:-8080}"
METRICS_PORT="${FUNTAINER_METRICS_PORT:-8082}"
WORKER_METRICS_PORT="${FUNTAINER_WORKER_METRICS_PORT:-8083}"
STATE="${FUNTAINER_STATE_DIR:-$FUNTAINER_ROOT/.funtainer}"
GATEWAY_URL="http://127.0.0.1:$PORT"
mkdir -p "$STATE" && chmod 700 "$STATE"

bash "$SCRIPT_DIR/env.sh"

if [[ ${FUNTAINER_SKIP_INSTALL:-0} != 1 ]] && ! deps_fresh; then
  log "installing npm dependencies"
  install_deps
fi
log "building"
npm run build --silent

# Offline machines cannot pull the official bases: fall back to the local images env.sh built.
docker image inspect node:22-bookworm-slim >/dev/null 2>&1 || export FUNTAINER_NODE_IMAGE="${FUNTAINER_NODE_IMAGE:-funtainer/node-base:local}"
docker image inspect busybox:stable-glibc >/dev/null 2>&1 || export FUNTAINER_BASE_IMAGE="${FUNTAINER_BASE_IMAGE:-funtainer/busybox-base:local}"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$PORT" "$METRICS_PORT" "$WORKER_METRICS_PORT"; do
  port_busy "$p" && die "port $p is already in use (another Funtainer?). Stop it or set FUNTAINER_PORT/FUNTAINER_METRICS_PORT/FUNTAINER_WORKER_METRICS_PORT."
done

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  log "stopping (in-flight work drains first)"
  local pid
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  log "stopped; logs are in $STATE"
}
trap stop_all EXIT
trap 'stop_all; exit 0' INT TERM

# A local playground: async callbacks may go to receivers on this machine (loopback), never to
# link-local/metadata addresses or the private network (see queue-worker/README.md, callback policy).
export callback_allow_cidrs="${callback_allow_cidrs:-127.0.0.0/8,::1}"

log "starting the gateway on $GATEWAY_URL (log: $STATE/gateway.log)"
port="$PORT" metrics_port="$METRICS_PORT" state_dir="$STATE" secrets_dir="$STATE/secrets" \
  node gateway/dist/main.js >>"$STATE/gateway.log" 2>&1 &
PIDS+=($!)
wait_until 60 "the gateway" curl -fsS "$GATEWAY_URL/healthz" || { tail -20 "$STATE/gateway.log" >&2; die "the gateway did not start"; }
PASSWORD="$(cat "$STATE/basic-auth-password")"

log "starting a queue-worker (log: $STATE/queue-worker.log)"
gateway_url="$GATEWAY_URL" metrics_port="$WORKER_METRICS_PORT" basic_auth_user=admin basic_auth_password_file="$STATE/basic-auth-password" \
  node queue-worker/dist/main.js >>"$STATE/queue-worker.log" 2>&1 &
PIDS+=($!)

export FUNTAINER_URL="$GATEWAY_URL" FUNTAINER_USER=admin FUNTAINER_PASSWORD="$PASSWORD"
if [[ ${1:-} == --down ]]; then
  node cli/dist/main.js remove -f stack.yml || true
  exit 0
fi
log "building and deploying the sample functions (stack.yml)"
node cli/dist/main.js up -f stack.yml

cat <<INFO

  Funtainer is running.
    gateway      $GATEWAY_URL          (metrics: http://127.0.0.1:$METRICS_PORT/metrics)
    web UI       $GATEWAY_URL/ui/      (log in as admin with the password below)
    user         admin
    password     $PASSWORD
                 (stored in $STATE/basic-auth-password)

  Try:
    curl -s $GATEWAY_URL/function/echo -H 'Content-Type: text/plain' -d 'hello funtainer'
    curl -s $GATEWAY_URL/function/sha512sum --data-binary 'hash me'
    curl -sN $GATEWAY_URL/function/ticker
    curl -s -i $GATEWAY_URL/async-function/echo -d 'later' -H 'X-Callback-Url: http://127.0.0.1:9999/'
    curl -s -u admin:$PASSWORD $GATEWAY_URL/system/functions
    node cli/dist/main.js list -g $GATEWAY_URL -u admin -p '$PASSWORD'

  Ctrl-C stops the gateway and the queue-worker.
INFO

wait -n "${PIDS[@]}" || true
warn "a Funtainer process exited; see $STATE/*.log"
exit 1
