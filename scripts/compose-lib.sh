# shellcheck shell=bash
# Shared by scripts/compose-up.sh and scripts/compose-down.sh (source it; nothing runs at
# source time except setting defaults). Everything here is about docker-compose.yml: which
# images it uses, the environment it needs, the admin credentials, waiting for health.
#
# Environment read (all optional):
#   COMPOSE_PROJECT_NAME   [funtainer]            docker-compose project (-p)
#   FUNTAINER_DATA_DIR     [<repo>/.funtainer]    secrets/ (admin credentials), function-secrets/
#   FUNCTIONS_NETWORK      [funtainer-functions]  network of the function containers
#   FUNTAINER_OFFLINE      [0]   1 = never `docker pull`, use the local stand-in images
#   FUNTAINER_DEPS         [auto] npm | host | auto: how the gateway/queue-worker images get
#                                 their node_modules (see resolve_build_images)
#   NODE_IMAGE REDIS_IMAGE PROMETHEUS_IMAGE ALERTMANAGER_IMAGE BUILD_IMAGE   explicit images win
#   FUNTAINER_ADMIN_USER   [admin]  user name written to secrets/basic-auth-user when created
#   FUNTAINER_SECRETS_GID  [1000]   group that may read the admin credential files
#   FUNTAINER_PULL_TIMEOUT [120]    seconds per `docker pull` attempt
#   FUNTAINER_COMPOSE_OVERRIDE      extra compose files (colon-separated) layered on docker-compose.yml

COMPOSE_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib.sh
. "$COMPOSE_SCRIPTS_DIR/lib.sh"
ROOT="$(cd "$COMPOSE_SCRIPTS_DIR/.." && pwd)"

DEFAULT_NODE_IMAGE=node:22-bookworm-slim
DEFAULT_REDIS_IMAGE=redis:7-alpine
DEFAULT_PROMETHEUS_IMAGE=prom/prometheus:v2.53.0
DEFAULT_ALERTMANAGER_IMAGE=prom/alertmanager:v0.27.0
STANDIN_PREFIX="${FUNTAINER_IMAGE_PREFIX:-funtainer}"
STANDIN_TAG="${FUNTAINER_IMAGE_TAG:-local}"
NODE_BUILD_IMAGE="$STANDIN_PREFIX/node-build:$STANDIN_TAG"

export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-funtainer}"
export FUNCTIONS_NETWORK="${FUNCTIONS_NETWORK:-funtainer-functions}"
export FUNTAINER_SECRETS_GID="${FUNTAINER_SECRETS_GID:-1000}"
FUNTAINER_DATA_DIR="${FUNTAINER_DATA_DIR:-$ROOT/.funtainer}"
mkdir -p "$FUNTAINER_DATA_DIR"
FUNTAINER_DATA_DIR="$(cd "$FUNTAINER_DATA_DIR" && pwd)"
export FUNTAINER_DATA_DIR
# Label the gateway's Docker provider puts on every function container it creates.
FUNCTION_LABEL=com.funtainer.function

# compose ARGS...: docker-compose for this repository's compose file and project, plus the
# override files listed (colon-separated) in FUNTAINER_COMPOSE_OVERRIDE.
compose() {
  local -a files=(-f "$ROOT/docker-compose.yml") extra=()
  local f
  if [[ -n ${FUNTAINER_COMPOSE_OVERRIDE:-} ]]; then
    IFS=: read -ra extra <<<"$FUNTAINER_COMPOSE_OVERRIDE"
    for f in "${extra[@]}"; do [[ -n $f ]] && files+=(-f "$f"); done
  fi
  if have docker-compose; then
    docker-compose --project-directory "$ROOT" "${files[@]}" -p "$COMPOSE_PROJECT_NAME" "$@"
  elif docker compose version >/dev/null 2>&1; then
    docker compose --project-directory "$ROOT" "${files[@]}" -p "$COMPOSE_PROJECT_NAME" "$@"
  else
    die "docker-compose not installed (apt-get install -y docker-compose)"
  fi
}

require_docker() {
  have docker || die "docker not installed (run scripts/env.sh)"
  timeout 20 docker info >/dev/null 2>&1 || die "docker daemon not reachable (run scripts/env.sh)"
  have docker-compose || docker compose version >/dev/null 2>&1 \
    || die "docker-compose not installed (apt-get install -y docker-compose)"
}

image_present() { docker image inspect "$1" >/dev/null 2>&1; }

# pull_ok IMAGE: the image is here, or `docker pull` gets it (never when FUNTAINER_OFFLINE=1).
pull_ok() {
  local image=$1
  image_present "$image" && return 0
  [[ ${FUNTAINER_OFFLINE:-0} == 1 ]] && return 1
  timeout "${FUNTAINER_PULL_TIMEOUT:-120}" docker pull -q "$image" >/dev/null 2>&1
}

# pick_image VAR DEFAULT STANDIN: exports VAR. An explicit VAR is kept as is; otherwise the
# official DEFAULT when it is present or can be pulled, else the local STANDIN.
# Sets PICKED_STANDIN=1 when the stand-in was chosen.
pick_image() {
  local var=$1 default=$2 standin=$3
  PICKED_STANDIN=0
  if [[ -n ${!var:-} ]]; then
    export "${var?}"
    log "$var=${!var} (from the environment)"
    return 0
  fi
  if pull_ok "$default"; then
    export "$var=$default"
    log "$var=$default"
  else
    export "$var=$standin"
    PICKED_STANDIN=1
    log "$var=$standin (local stand-in: ${FUNTAINER_OFFLINE:+FUNTAINER_OFFLINE=$FUNTAINER_OFFLINE, }$default not available)"
  fi
}

# resolve_service_images: REDIS_IMAGE, PROMETHEUS_IMAGE, ALERTMANAGER_IMAGE; builds the
# stand-ins that were picked (scripts/images/standins.sh, idempotent).
resolve_service_images() {
  local -a standins=()
  pick_image REDIS_IMAGE "$DEFAULT_REDIS_IMAGE" "$STANDIN_PREFIX/redis:$STANDIN_TAG"
  [[ $PICKED_STANDIN == 1 ]] && standins+=(redis)
  pick_image PROMETHEUS_IMAGE "$DEFAULT_PROMETHEUS_IMAGE" "$STANDIN_PREFIX/prometheus:$STANDIN_TAG"
  [[ $PICKED_STANDIN == 1 ]] && standins+=(prometheus)
  pick_image ALERTMANAGER_IMAGE "$DEFAULT_ALERTMANAGER_IMAGE" "$STANDIN_PREFIX/alertmanager:$STANDIN_TAG"
  [[ $PICKED_STANDIN == 1 ]] && standins+=(alertmanager)
  if [[ ${#standins[@]} -gt 0 ]]; then
    bash "$COMPOSE_SCRIPTS_DIR/images/standins.sh" "${standins[@]}"
  fi
  local image
  for image in "$REDIS_IMAGE" "$PROMETHEUS_IMAGE" "$ALERTMANAGER_IMAGE"; do
    image_present "$image" || pull_ok "$image" || die "image $image is neither present nor pullable"
  done
}

# registry_reachable_from IMAGE: can `npm` inside a container of IMAGE reach the npm registry?
registry_reachable_from() {
  timeout 40 docker run --rm "$1" sh -c 'command -v npm >/dev/null && npm ping --fetch-timeout=15000 --fetch-retries=0' \
    >/dev/null 2>&1
}

# resolve_build_images: NODE_IMAGE (runtime base) and BUILD_IMAGE (build-stage base).
#   NODE_IMAGE: explicit, else node:22-bookworm-slim when present/pullable, else the local
#     funtainer/node-base:local (scripts/base-images.sh: the host's node, no npm).
#   FUNTAINER_DEPS=npm   BUILD_IMAGE empty: the Dockerfiles run `npm ci` in NODE_IMAGE.
#   FUNTAINER_DEPS=host  BUILD_IMAGE=funtainer/node-build:local: NODE_IMAGE + the host's npm +
#     the host's installed node_modules (no registry access during the build).
#   FUNTAINER_DEPS=auto  npm when NODE_IMAGE has npm and a container reaches the registry,
#     else host.
resolve_build_images() {
  pick_image NODE_IMAGE "$DEFAULT_NODE_IMAGE" "$STANDIN_PREFIX/node-base:$STANDIN_TAG"
  if [[ $NODE_IMAGE == "$STANDIN_PREFIX/node-base:$STANDIN_TAG" ]]; then
    bash "$COMPOSE_SCRIPTS_DIR/base-images.sh" node-base
  fi
  if [[ -n ${BUILD_IMAGE:-} ]]; then
    export BUILD_IMAGE
    log "BUILD_IMAGE=$BUILD_IMAGE (from the environment)"
    return 0
  fi
  local mode=${FUNTAINER_DEPS:-auto}
  if [[ $mode == auto ]]; then
    if [[ ${FUNTAINER_OFFLINE:-0} != 1 ]] && registry_reachable_from "$NODE_IMAGE"; then mode=npm; else mode=host; fi
  fi
  case "$mode" in
    npm) export BUILD_IMAGE=""; log "dependencies: npm ci inside the build (registry reachable from containers)" ;;
    host) build_node_build_image; export BUILD_IMAGE="$NODE_BUILD_IMAGE"
          log "dependencies: the host's node_modules via $BUILD_IMAGE (no registry inside docker build)" ;;
    *) die "FUNTAINER_DEPS must be npm, host or auto (got '$mode')" ;;
  esac
}

# build_node_build_image: NODE_IMAGE + the host's npm (when the image has none) + this
# checkout's installed node_modules (root and per workspace) under /opt/funtainer/host-deps.
# Skipped when the label funtainer.node-build.fingerprint matches: lockfile, installed tree
# (node_modules/.package-lock.json), NODE_IMAGE id, npm version.
build_node_build_image() {
  [[ -f $ROOT/node_modules/.package-lock.json ]] \
    || die "no installed node_modules in $ROOT (run npm ci on the host first, or FUNTAINER_DEPS=npm)"
  local npm_dir="" node_image_id fingerprint old
  if ! docker run --rm "$NODE_IMAGE" sh -c 'command -v npm' >/dev/null 2>&1; then
    npm_dir=$(cd "$(dirname "$(realpath -e "$(command -v npm)")")/.." && pwd) \
      || die "npm not found on this host"
  fi
  node_image_id=$(docker image inspect -f '{{.Id}}' "$NODE_IMAGE")
  local -a ws_modules=()
  local d
  for d in "$ROOT"/*/node_modules; do [[ -d $d && $d != "$ROOT/node_modules" ]] && ws_modules+=("${d#"$ROOT"/}"); done
  fingerprint=$(
    {
      printf '%s\n' "$node_image_id" "$npm_dir" "${ws_modules[@]+"${ws_modules[@]}"}"
      [[ -n $npm_dir ]] && cat "$npm_dir/package.json"
      cat "$ROOT/package-lock.json" "$ROOT/node_modules/.package-lock.json"
      for d in "${ws_modules[@]+"${ws_modules[@]}"}"; do find "$ROOT/$d" -maxdepth 2 -name package.json -printf '%P %s %T@\n' | sort; done
      declare -f build_node_build_image
    } | sha256sum | cut -c1-32
  )
  old=$(docker image inspect -f '{{ index .Config.Labels "funtainer.node-build.fingerprint" }}' "$NODE_BUILD_IMAGE" 2>/dev/null || true)
  if [[ $old == "$fingerprint" ]]; then
    log "$NODE_BUILD_IMAGE: already built (inputs unchanged)"
    return 0
  fi
  local start ctx
  start=$(now)
  # Staging directory with hard links (same file system as the checkout, so no copy), under
  # the git-ignored data dir; becomes the build context of a one-off Dockerfile.
  ctx=$(mktemp -d "$ROOT/.funtainer/node-build.XXXXXX" 2>/dev/null || mktemp -d "$FUNTAINER_DATA_DIR/node-build.XXXXXX")
  mkdir -p "$ctx/host-deps"
  cp -al "$ROOT/node_modules" "$ctx/host-deps/" 2>/dev/null || cp -a "$ROOT/node_modules" "$ctx/host-deps/"
  for d in "${ws_modules[@]+"${ws_modules[@]}"}"; do
    mkdir -p "$ctx/host-deps/$(dirname "$d")"
    cp -al "$ROOT/$d" "$ctx/host-deps/$d" 2>/dev/null || cp -a "$ROOT/$d" "$ctx/host-deps/$d"
  done
  {
    printf 'FROM %s\n' "$NODE_IMAGE"
    printf 'USER root\n'
    if [[ -n $npm_dir ]]; then
      cp -a "$npm_dir" "$ctx/npm"
      printf 'COPY npm/ /usr/local/lib/node_modules/npm/\n'
      printf 'RUN ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx\n'
    fi
    printf 'COPY host-deps/ /opt/funtainer/host-deps/\n'
    printf 'LABEL funtainer.node-build.fingerprint=%s\n' "$fingerprint"
  } >"$ctx/Dockerfile"
  log "$NODE_BUILD_IMAGE: building from $NODE_IMAGE + host node_modules ($(du -sh "$ctx/host-deps" | cut -f1))"
  local out rc=0
  out=$(docker build -q -t "$NODE_BUILD_IMAGE" "$ctx" 2>&1) || rc=$?
  rm -rf "$ctx"
  if [[ $rc != 0 ]]; then printf '%s\n' "$out" >&2; die "$NODE_BUILD_IMAGE: docker build failed"; fi
  log "$NODE_BUILD_IMAGE: built in $(since "$start")"
}

# ensure_credentials: FUNTAINER_DATA_DIR/secrets/basic-auth-{user,password} (created when
# absent, the password printed once), function-secrets/ for the gateway. The secrets directory
# is 0700 (no other host user can reach the files); the files are 0640 with group
# FUNTAINER_SECRETS_GID so the non-root containers can read their bind-mounted copies.
ensure_credentials() {
  local dir="$FUNTAINER_DATA_DIR/secrets" user_file pass_file
  user_file="$dir/basic-auth-user"; pass_file="$dir/basic-auth-password"
  mkdir -p "$dir"; chmod 0700 "$dir"
  GENERATED_PASSWORD=""
  if [[ ! -s $user_file ]]; then
    (umask 077; printf '%s' "${FUNTAINER_ADMIN_USER:-admin}" >"$user_file")
  fi
  if [[ ! -s $pass_file ]]; then
    local pw
    pw=$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
    [[ ${#pw} -ge 24 ]] || die "could not generate a password"
    (umask 077; printf '%s' "$pw" >"$pass_file")
    GENERATED_PASSWORD=$pw
  fi
  chmod 0640 "$user_file" "$pass_file"
  chgrp "$FUNTAINER_SECRETS_GID" "$user_file" "$pass_file" 2>/dev/null \
    || warn "could not chgrp $FUNTAINER_SECRETS_GID the credential files (not root?): containers may not read them"
  # Function secrets: written by the gateway (uid 1000) at the same path as on the host.
  mkdir -p "$FUNTAINER_DATA_DIR/function-secrets"
  chmod 0700 "$FUNTAINER_DATA_DIR/function-secrets"
  chown 1000:1000 "$FUNTAINER_DATA_DIR/function-secrets" 2>/dev/null \
    || warn "could not chown 1000 $FUNTAINER_DATA_DIR/function-secrets (not root?)"
  ADMIN_USER=$(<"$user_file")
}

# docker_gid: the group owning the Docker socket (the gateway joins it via group_add).
export_docker_gid() {
  local sock="${DOCKER_SOCKET:-/var/run/docker.sock}"
  [[ -S $sock ]] || die "no Docker socket at $sock (set DOCKER_SOCKET)"
  export DOCKER_GID="${DOCKER_GID:-$(stat -c %g "$sock")}"
}

# wait_healthy DEADLINE: every container of the project running and, where it has a health
# check, healthy. On failure prints each unhealthy service's last log lines and returns 1.
wait_healthy() {
  local deadline=$1 start ids id state bad
  start=$(now)
  while :; do
    bad=()
    ids=$(compose ps -q 2>/dev/null || true)
    if [[ -z $ids ]]; then bad+=("no containers"); fi
    for id in $ids; do
      state=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id" 2>/dev/null || echo "$id gone gone")
      case "$state" in
        *" running healthy"|*" running none") ;;
        *) bad+=("$state") ;;
      esac
    done
    [[ ${#bad[@]} -eq 0 ]] && { log "all services healthy in $(since "$start")"; return 0; }
    if awk -v s="$start" -v e="$(now)" -v d="$deadline" 'BEGIN { exit !(e - s >= d) }'; then
      warn "not healthy after ${deadline}s: ${bad[*]}"
      local svc
      for svc in $(compose ps --services 2>/dev/null); do
        printf -- '----- %s (last 30 log lines)\n' "$svc" >&2
        compose logs --no-color --tail 30 "$svc" >&2 2>&1 || true
      done
      return 1
    fi
    sleep 1
  done
}

# function_networks: the per-function networks the gateway made (named $FUNCTIONS_NETWORK-<namespace>-<function>).
function_networks() {
  local net
  for net in $(docker network ls --filter "label=com.funtainer.network=function" --format '{{.Name}}' 2>/dev/null || true); do
    if [[ $net == "$FUNCTIONS_NETWORK"-* ]]; then printf '%s\n' "$net"; fi
  done
}

# function_containers: ids of the function containers on this stack's function networks.
function_containers() {
  local net
  for net in $(function_networks); do
    docker ps -aq --filter "label=$FUNCTION_LABEL" --filter "network=$net" 2>/dev/null || true
  done | sort -u
}
