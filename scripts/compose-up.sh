#!/usr/bin/env bash
# Starts Funtainer with docker-compose: gateway (+ autoscaler), 2 queue-workers, Redis,
# Prometheus, Alertmanager. Prints the URL, the admin credentials and a first curl.
#
#   bash scripts/compose-up.sh [--no-build] [--timeout SECONDS]
#
# In order:
#   1. admin credentials: FUNTAINER_DATA_DIR/secrets/basic-auth-{user,password}; generated when
#      absent (the password is printed this once; later runs print where it is);
#   2. images: official redis / prometheus / alertmanager / node images when present or
#      pullable, otherwise local stand-ins built from host binaries (FUNTAINER_OFFLINE=1 skips
#      the pulls); the gateway and queue-worker images (`docker-compose build`);
#   3. `docker-compose up -d`, then waits until every container is healthy (deadline
#      --timeout, default 180 s; on failure prints the logs and exits 1).
#
# Environment: see scripts/compose-lib.sh and docker-compose.yml (GATEWAY_PORT,
# FUNTAINER_BIND, PROMETHEUS_PORT, COMPOSE_PROJECT_NAME, FUNCTIONS_NETWORK, ...).
set -euo pipefail
_log_prefix=compose-up
# shellcheck source=scripts/compose-lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/compose-lib.sh"

BUILD=1
UP_TIMEOUT="${FUNTAINER_UP_TIMEOUT:-180}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --timeout) UP_TIMEOUT=${2:?--timeout needs seconds}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (try --help)" ;;
  esac
  shift
done

main() {
  local t0; t0=$(now)
  require_docker
  local f
  for f in deploy/prometheus/prometheus.yml deploy/prometheus/alert.rules.yml deploy/alertmanager/alertmanager.yml; do
    # a missing bind-mount source would be created by Docker as an empty directory
    [[ -f $ROOT/$f || -n ${FUNTAINER_COMPOSE_OVERRIDE:-} ]] || die "$f is missing (docker-compose.yml mounts it)"
  done
  ensure_credentials
  export_docker_gid
  resolve_service_images
  resolve_build_images
  export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
  if [[ $BUILD == 1 ]]; then
    local tb; tb=$(now)
    log "building gateway and queue-worker images"
    compose build gateway queue-worker
    log "images built in $(since "$tb")"
  fi
  log "starting project $COMPOSE_PROJECT_NAME"
  compose up -d --remove-orphans
  wait_healthy "$UP_TIMEOUT" || die "the stack did not become healthy (logs above; stop it with scripts/compose-down.sh)"

  local host="${FUNTAINER_BIND:-0.0.0.0}" url
  [[ $host == 0.0.0.0 ]] && host=127.0.0.1
  url="http://$host:$GATEWAY_PORT"
  log "Funtainer is up in $(since "$t0"): $url"
  log "  admin user:     $ADMIN_USER"
  if [[ -n $GENERATED_PASSWORD ]]; then
    log "  admin password: $GENERATED_PASSWORD   (generated now and shown once; stored in $FUNTAINER_DATA_DIR/secrets/basic-auth-password)"
  else
    log "  admin password: in $FUNTAINER_DATA_DIR/secrets/basic-auth-password"
  fi
  log "  try:  curl -u $ADMIN_USER:\"\$(cat $FUNTAINER_DATA_DIR/secrets/basic-auth-password)\" $url/system/functions"
  log "  cli:  FUNTAINER_URL=$url FUNTAINER_USER=$ADMIN_USER FUNTAINER_PASSWORD=... node cli/dist/main.js deploy -f stack.yml"
  log "  prometheus: http://127.0.0.1:${PROMETHEUS_PORT:-9090}   stop: bash scripts/compose-down.sh [--volumes]"
}

main
