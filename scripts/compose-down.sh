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
#   stack's function networks, FUNCTIONS_NETWORK-<namespace>-<function>), the networks, the named volumes (Redis queue data,
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

# node -e program run inside the gateway container: DELETE /system/functions for each
# name.namespace argument, with the mounted admin credentials.
# shellcheck disable=SC2016
DELETE_FUNCTIONS_JS='
const fs = require("fs");
const read = (f) => fs.readFileSync("/run/secrets/" + f, "utf8").trim();
const auth = "Basic " + Buffer.from(read("basic-auth-user") + ":" + read("basic-auth-password")).toString("base64");
(async () => {
  for (const arg of process.argv.slice(1)) {
    const dot = arg.lastIndexOf(".");
    const body = JSON.stringify({ functionName: arg.slice(0, dot), namespace: arg.slice(dot + 1) });
    const res = await fetch("http://127.0.0.1:" + (process.env.port || 8080) + "/system/functions", {
      method: "DELETE", headers: { authorization: auth, "content-type": "application/json" }, body,
      signal: AbortSignal.timeout(60000),
    });
    console.log("[compose-down] delete " + arg + ": " + res.status);
  }
})().catch((err) => { console.error(String(err)); process.exit(1); });
'

main() {
  require_docker
  local t0 fns
  t0=$(now)
  # compose interpolates the whole file for every command, `down` included
  export DOCKER_GID="${DOCKER_GID:-0}"
  fns=$(function_containers)
  # Touch function containers only on a functions network this very project created: another
  # stack (or a gateway run from a shell) may use a network of the same name.
  local owner
  owner=$(docker network inspect -f '{{ index .Labels "com.docker.compose.project" }}' "$FUNCTIONS_NETWORK" 2>/dev/null || true)
  if [[ -n $fns && $owner != "$COMPOSE_PROJECT_NAME" ]]; then
    warn "network $FUNCTIONS_NETWORK does not belong to project $COMPOSE_PROJECT_NAME (owner: '${owner:-none}'): leaving its function containers alone"
    fns=""
  fi
  if [[ $VOLUMES == 1 ]]; then
    if [[ -n $fns ]]; then
      # Through the gateway first: it also deletes the functions' definitions (labelled Docker
      # volumes that docker-compose does not know), and it would re-create containers removed
      # behind its back. Only functions with a container on this stack's network are touched.
      local names
      # shellcheck disable=SC2086
      names=$(docker inspect -f '{{ index .Config.Labels "com.funtainer.function" }}.{{ index .Config.Labels "com.funtainer.namespace" }}' $fns 2>/dev/null | sort -u | tr '\n' ' ')
      log "deleting function(s) through the gateway: $names"
      # shellcheck disable=SC2086
      timeout 120 docker exec "$(compose ps -q gateway 2>/dev/null | head -n1)" node -e "$DELETE_FUNCTIONS_JS" $names \
        || warn "could not delete the functions through the gateway (removing their containers only)"
      compose stop --timeout 20 gateway >/dev/null 2>&1 || true
      fns=$(function_containers)
      if [[ -n $fns ]]; then
        log "removing $(wc -w <<<"$fns") function container(s) on $FUNCTIONS_NETWORK"
        # shellcheck disable=SC2086
        docker rm -f -v $fns >/dev/null
      fi
      # the gateway removes a function's network with the function; these are what it could not
      # shellcheck disable=SC2046
      docker network rm $(function_networks) >/dev/null 2>&1 || true
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
