#!/usr/bin/env bash
# One-command environment setup for Funtainer development, tests and CI.
#
#   bash scripts/env.sh [--force-images] [--no-images]
#
# Idempotent. In order, and only where needed:
#   1. installs the Debian packages the project needs (apt-get, as root), including chromium for the
#      web UI's browser test (test/ui-browser.test.ts drives it with playwright-core) and docker-registry (the
#      Distribution registry the Swarm tests push to and pull from);
#   2. starts dockerd in the background (log: $STATE_DIR/log/dockerd.log);
#   3. starts a local Redis on 127.0.0.1:6379 (data: $STATE_DIR/redis, AOF on, noeviction);
#   4. checks the Prometheus / Alertmanager binaries (tests start their own servers);
#   5. builds the local base images (scripts/base-images.sh), no registry needed.
# Prints one line per step. Where it cannot act (not root, no apt-get), prints the exact
# commands to run and exits non-zero. Every wait has a deadline.
#
# Environment:
#   STATE_DIR / FUNTAINER_STATE_DIR  state dir (default /var/lib/funtainer as root)
#   FUNTAINER_REDIS_PORT             local Redis port (default 6379)
#   DOCKER_START_TIMEOUT             seconds to wait for dockerd (default 60)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_log_prefix=env
# shellcheck source=scripts/lib.sh
. "$SCRIPT_DIR/lib.sh"

REDIS_PORT="${FUNTAINER_REDIS_PORT:-6379}"
DOCKER_START_TIMEOUT="${DOCKER_START_TIMEOUT:-60}"
DOCKER_PIDFILE="${DOCKER_PIDFILE:-/var/run/docker.pid}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-30}"
LOG_DIR="$STATE_DIR/log"

IMAGES_ARGS=()
BUILD_IMAGES=1
for arg in "$@"; do
  case "$arg" in
    --force-images) IMAGES_ARGS+=(--force) ;;
    --no-images) BUILD_IMAGES=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

# Debian package -> a command (or file) that proves it is usable. Checked with dpkg when
# available, so e.g. a dynamic busybox does not pass for busybox-static.
declare -A PKG_PROBE=(
  [docker.io]=dockerd
  [redis-server]=redis-server
  [prometheus]=prometheus
  [prometheus-alertmanager]=prometheus-alertmanager
  [wrk]=wrk
  [busybox-static]=/bin/busybox
  [docker-compose]=docker-compose
  [curl]=curl
  [iproute2]=ip
  [chromium]=/usr/bin/chromium
  [docker-registry]=docker-registry
)
PKG_ORDER=(docker.io redis-server prometheus prometheus-alertmanager wrk busybox-static docker-compose curl iproute2 chromium docker-registry)

pkg_present() {
  local pkg=$1 probe=${PKG_PROBE[$1]}
  if have dpkg-query; then
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" == installed ]] || return 1
  fi
  if [[ $probe == /* ]]; then [[ -x $probe ]]; else have "$probe"; fi
}

apt_cmd() { printf 'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s' "$*"; }

# Temporary /usr/sbin/policy-rc.d so package postinst scripts do not start services
# (redis, prometheus, alertmanager on their default ports) behind our back.
POLICY_RC_CREATED=0
cleanup() {
  if [[ $POLICY_RC_CREATED == 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
}

step_packages() {
  local start missing=() pkg
  start=$(now)
  for pkg in "${PKG_ORDER[@]}"; do pkg_present "$pkg" || missing+=("$pkg"); done
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "packages: already installed (${PKG_ORDER[*]})"
    return
  fi
  if ! have apt-get; then
    log "packages: missing ${missing[*]} and there is no apt-get here."
    log "  Install the equivalents of these Debian packages, then re-run: ${missing[*]}"
    exit 1
  fi
  if ! is_root; then
    log "packages: missing ${missing[*]}; installing them needs root. Run:"
    log "  sudo apt-get update && sudo $(apt_cmd "${missing[@]}")"
    log "  then re-run: bash scripts/env.sh"
    exit 1
  fi
  mkdir -p "$LOG_DIR"
  local apt_log="$LOG_DIR/apt.log" updated=0
  log "packages: installing ${missing[*]} (log: $apt_log)"
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# created by funtainer scripts/env.sh during apt-get install\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
    trap cleanup EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  local apt_opts=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
  # apt-get update once, only if the package lists are missing or don't know a package.
  local need_update=0
  if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
    need_update=1
  else
    for pkg in "${missing[@]}"; do
      if ! apt-cache show "$pkg" >/dev/null 2>&1; then need_update=1; break; fi
    done
  fi
  run_apt() {
    if ! timeout 1200 "$@" >>"$apt_log" 2>&1; then
      tail -n 30 "$apt_log" >&2 || true
      return 1
    fi
  }
  if [[ $need_update == 1 ]]; then
    log "packages: apt-get update"
    run_apt apt-get "${apt_opts[@]}" update || die "apt-get update failed (log: $apt_log)"
    updated=1
  fi
  if ! run_apt apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"; then
    if [[ $updated == 1 ]]; then die "apt-get install failed (log: $apt_log)"; fi
    log "packages: install failed with the current lists; apt-get update and retry"
    run_apt apt-get "${apt_opts[@]}" update || die "apt-get update failed (log: $apt_log)"
    run_apt apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" \
      || die "apt-get install failed (log: $apt_log)"
  fi
  for pkg in "${missing[@]}"; do pkg_present "$pkg" || die "package $pkg still not usable after install"; done
  log "packages: installed ${missing[*]} in $(since "$start")"
}

docker_ok() { timeout 20 docker info >/dev/null 2>&1; }

step_docker() {
  if docker_ok; then
    log "docker: already running ($(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    return
  fi
  if ! is_root; then
    if [[ -S /var/run/docker.sock ]]; then
      log "docker: a daemon socket exists but 'docker info' fails for $(id -un). Run as root, or:"
      log "  sudo usermod -aG docker $(id -un)   # then log in again"
    else
      log "docker: not running and starting dockerd needs root. Run:"
      log "  sudo sh -c 'setsid dockerd >>/var/log/dockerd.log 2>&1 </dev/null &'"
    fi
    exit 1
  fi
  mkdir -p "$LOG_DIR"
  local dlog="$LOG_DIR/dockerd.log" start pid=""
  start=$(now)
  if [[ -f $DOCKER_PIDFILE ]]; then pid=$(cat "$DOCKER_PIDFILE" 2>/dev/null || true); fi
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/cmdline" 2>/dev/null; then
    log "docker: dockerd (pid $pid) is running but not answering yet; waiting up to ${DOCKER_START_TIMEOUT}s"
    dlog=""
  else
    printf '\n==== %s: started by funtainer scripts/env.sh\n' "$(date -u +%FT%TZ)" >>"$dlog"
    # setsid: own session, so it outlives this script and any process-group kill of the caller.
    # 9>&-: do not let the daemon inherit the env.lock descriptor (it would hold the lock forever).
    setsid dockerd >>"$dlog" 2>&1 </dev/null 9>&- &
    pid=$!
  fi
  if ! wait_until "$DOCKER_START_TIMEOUT" "docker info" docker_ok; then
    if [[ -n "$dlog" ]]; then
      log "docker: dockerd did not come up; last lines of $dlog:"
      tail -n 40 "$dlog" >&2 || true
    fi
    die "docker: not running after ${DOCKER_START_TIMEOUT}s"
  fi
  log "docker: started in $(since "$start") (pid $pid${dlog:+, log $dlog})"
}

redis_ok() { [[ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

step_redis() {
  if redis_ok; then
    log "redis: already answering PING on 127.0.0.1:$REDIS_PORT"
    return
  fi
  local dir="$STATE_DIR/redis" rlog="$LOG_DIR/redis.log" start
  start=$(now)
  mkdir -p "$dir" "$LOG_DIR"
  redis-server --daemonize yes --appendonly yes --maxmemory-policy noeviction \
    --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$dir" \
    --pidfile "$dir/redis-$REDIS_PORT.pid" --logfile "$rlog" </dev/null >/dev/null 9>&- \
    || { tail -n 20 "$rlog" >&2 2>/dev/null || true; die "redis: redis-server failed to start"; }
  if ! wait_until "$REDIS_START_TIMEOUT" "redis PING" redis_ok; then
    log "redis: no PONG; last lines of $rlog:"
    tail -n 20 "$rlog" >&2 || true
    die "redis: not answering on 127.0.0.1:$REDIS_PORT after ${REDIS_START_TIMEOUT}s (port taken by something else?)"
  fi
  log "redis: started in $(since "$start") on 127.0.0.1:$REDIS_PORT (dir $dir, log $rlog)"
}

step_tools() {
  local v
  v=$(prometheus --version 2>&1 | head -n1) || die "prometheus: binary present but '--version' fails"
  log "prometheus: binary ok ($(command -v prometheus): ${v}); not started (tests run their own)"
  v=$(prometheus-alertmanager --version 2>&1 | head -n1) || die "alertmanager: '--version' fails"
  log "alertmanager: binary ok ($(command -v prometheus-alertmanager): ${v})"
  # (dpkg first: 'docker-compose version' starts Python and takes a second or more)
  v=$(dpkg-query -W -f='${Version}' docker-compose 2>/dev/null || docker-compose version --short 2>/dev/null || true)
  log "docker-compose: ${v:-present} ; wrk: $(command -v wrk) ; busybox: $(/bin/busybox 2>&1 | head -n1 | cut -d' ' -f1-2)"
}

main() {
  local t0; t0=$(now)
  step_packages
  step_docker
  step_redis
  step_tools
  if [[ $BUILD_IMAGES == 1 ]]; then
    bash "$SCRIPT_DIR/base-images.sh" ${IMAGES_ARGS[@]+"${IMAGES_ARGS[@]}"}
  else
    log "images: skipped (--no-images)"
  fi
  log "environment ready in $(since "$t0")"
}

if is_root || [[ -w "$STATE_DIR" ]] || mkdir -p "$STATE_DIR" 2>/dev/null; then
  with_lock env 900 main
else
  main
fi
