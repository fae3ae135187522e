#!/usr/bin/env bash
# Stops the docker-compose stack started by scripts/compose-up.sh.
#
#   bash scripts/compose-down.sh [--volumes]
#
# Default: removes the stack's containers (gateway, queue-workers, Redis, Prometheus,
#   Alertmanager) and keeps the data volumes, the admin credentials and the function
#   containers the gateway created. While function containers exist, the two networks are
#   kept as well (the functions stay reachable when the stack comes back up).
# --volumes: also removes the function containers (label com.funtainer.function on this
#   stack's functions network), the networks, the named volumes (Redis queue data,
#   Prometheus, Alertmanager, gateway state) and FUNTAINER_DATA_DIR/function-secrets.
#   The admin credentials (FUNTAINER_DATA_DIR/secrets) are kept; delete them by hand.
#
# Uses the same COMPOSE_PROJECT_NAME / FUNCTIONS_NETWORK / FUNTAINER_DATA_DIR as compose-up.sh.
set -euo pipefail
_log_prefix=compose-down
# shellcheck source=scripts/compose-lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/compose-lib.sh"

VOLUMES=0
for arg in "$@"; do
  case "$arg" in
    --volumes|-v) VOLUMES=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

main() {
  require_docker
  local t0 fns
  t0=$(now)
  # compose interpolates the whole file for every command, `down` included
  export DOCKER_GID="${DOCKER_GID:-0}"
  fns=$(function_containers)
  if [[ $VOLUMES == 1 ]]; then
    if [[ -n $fns ]]; then
      log "removing $(wc -w <<<"$fns") function container(s) on $FUNCTIONS_NETWORK"
      # shellcheck disable=SC2086
      docker rm -f -v $fns >/dev/null
    fi
    compose down --volumes --remove-orphans --timeout 20
    if [[ -d $FUNTAINER_DATA_DIR/function-secrets ]]; then
      rm -rf "${FUNTAINER_DATA_DIR:?}/function-secrets"
    fi
  elif [[ -n $fns ]]; then
    log "keeping $(wc -w <<<"$fns") function container(s) and the networks (use --volumes to remove them)"
    compose rm --stop --force -v
  else
    compose down --remove-orphans --timeout 20
  fi
  log "stopped project $COMPOSE_PROJECT_NAME in $(since "$t0")"
}

main
