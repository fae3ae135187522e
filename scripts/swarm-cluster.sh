#!/usr/bin/env bash
# Several Docker machines on one: N Docker engines, each in a network namespace of its own joined to a test
# bridge by a veth pair, with its own data-root, exec-root, pidfile, socket and hostname, joined into one swarm
# (engine 1 the manager, the others workers). Traffic stays on the bridge (10.77.<id>.0/24) and loopback.
#   bash scripts/swarm-cluster.sh up [N=3]     → prints one line per engine: "<n> <socket> <address>"
#   bash scripts/swarm-cluster.sh down         → stops the engines, removes namespaces, bridge and state
#   bash scripts/swarm-cluster.sh load IMAGE…  → copies local images into every engine (no registry needed)
#   bash scripts/swarm-cluster.sh registry     → starts a Distribution registry (Debian's docker-registry) on
#                                                the bridge, 10.77.<id>.1:5000, storage in a temp dir; prints it
# Needs root, dockerd, iproute2, iptables. Why nsenter --net and not `ip netns exec`: the latter also remounts
# /sys for the namespace, which hides the cgroup mounts dockerd needs ("Devices cgroup isn't mounted").
set -euo pipefail
# FUNTAINER_SWARM_ID (0-9) picks one of ten clusters that can run side by side: its own names, subnet and state.
ID="${FUNTAINER_SWARM_ID:-0}"
[[ "$ID" =~ ^[0-9]$ ]] || { echo "FUNTAINER_SWARM_ID must be a digit 0-9" >&2; exit 2; }
P=fsw; [[ "$ID" == 0 ]] || P="fsw$ID"
ROOT="${FUNTAINER_SWARM_ROOT:-/var/lib/funtainer/swarm$([[ "$ID" == 0 ]] || echo "-$ID")}"
BRIDGE="${P}br0"
NET="10.77.$ID"
START_TIMEOUT="${SWARM_START_TIMEOUT:-60}"
# The registry listens on the bridge's host address: every engine reaches it (plain HTTP, so each engine lists
# it as insecure), nothing outside the bridge and the host does.
REGISTRY="$NET.1:5000"
# Without a registry the engines must not try to pull task images (each try waits ~20 s for a registry that
# is not there) and use the images `load` copied in; with FUNTAINER_SWARM_PULL=1 they pull, from the registry.
PULL="${FUNTAINER_SWARM_PULL:-0}"

log() { echo "[swarm] $*" >&2; }
sock() { echo "unix://$ROOT/$1/docker.sock"; }
dk() { local n=$1; shift; docker -H "$(sock "$n")" "$@"; }

wait_for() { # seconds, description, command…
  local until=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) > until )); then log "timed out after $1 s waiting for $what"; return 1; fi
    sleep 0.5
  done
}

network_up() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip addr show dev "$BRIDGE" | grep -q "$NET.1/24" || ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # The host engine sets FORWARD to DROP and bridged frames pass iptables (br_netfilter): let the bridge talk.
  iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  local n
  for n in $(seq 1 "$1"); do
    local ns="$P-$n"
    ip netns list | grep -qw "$ns" || ip netns add "$ns"
    if ! ip link show "$P$n-h" >/dev/null 2>&1; then
      ip link add "$P$n-h" type veth peer name "$P$n-n"
      ip link set "$P$n-n" netns "$ns"
    fi
    ip link set "$P$n-h" master "$BRIDGE" up
    ip -n "$ns" addr show dev "$P$n-n" | grep -q "$NET.1$n/" || ip -n "$ns" addr add "$NET.1$n/24" dev "$P$n-n"
    ip -n "$ns" link set "$P$n-n" up
    ip -n "$ns" link set lo up
    ip -n "$ns" route replace default via "$NET.1"
  done
}

engine_up() {
  local n=$1 dir="$ROOT/$1"
  mkdir -p "$dir/data" "$dir/exec"
  if dk "$n" version >/dev/null 2>&1; then
    [[ "$(cat "$dir/pull" 2>/dev/null || echo 0)" == "$PULL" ]] && return 0 # no file: started offline
    log "engine $n runs with another FUNTAINER_SWARM_PULL: restarting it"
    engine_stop "$dir"
  fi
  echo "$PULL" >"$dir/pull"
  local offline=1; [[ "$PULL" == 1 ]] && offline=0
  # A UTS namespace of its own so each engine reports its own hostname (swarm node names).
  setsid unshare --uts sh -c "hostname fsw-$n && exec env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=$offline nsenter --net=/var/run/netns/$P-$n dockerd \
    --data-root '$dir/data' --exec-root '$dir/exec' --pidfile '$dir/dockerd.pid' -H '$(sock "$n")' \
    --bridge none --label funtainer.test.swarm=1 --insecure-registry '$REGISTRY'" >"$dir/dockerd.log" 2>&1 </dev/null &
  wait_for "$START_TIMEOUT" "engine $n" dk "$n" version || { tail -5 "$dir/dockerd.log" >&2; return 1; }
}

joined() { [[ "$(dk "$1" info --format '{{.Swarm.LocalNodeState}}')" == active ]]; }
all_ready() { [[ "$(dk 1 node ls --format '{{.Status}}' | grep -c Ready)" -ge "$1" ]]; }

swarm_up() {
  local count=$1 n token
  joined 1 || dk 1 swarm init --advertise-addr "$NET.11" --listen-addr "$NET.11:2377" >/dev/null
  token="$(dk 1 swarm join-token -q worker)"
  for n in $(seq 2 "$count"); do
    if joined "$n"; then continue; fi
    dk "$n" swarm leave --force >/dev/null 2>&1 || true # an earlier join attempt left it in "error"
    dk "$n" swarm join --token "$token" --advertise-addr "$NET.1$n" "$NET.11:2377" >/dev/null 2>&1 || true
    wait_for "$START_TIMEOUT" "engine $n to join" joined "$n"
  done
  wait_for "$START_TIMEOUT" "$count nodes Ready" all_ready "$count"
}

up() {
  local count="${1:-3}" n
  network_up "$count"
  for n in $(seq 1 "$count"); do engine_up "$n"; done
  swarm_up "$count"
  for n in $(seq 1 "$count"); do echo "$n $(sock "$n") $NET.1$n"; done
}

engine_stop() { # the engine's directory; SIGTERM, then SIGKILL after 20 s
  local pid; pid="$(cat "$1/dockerd.pid" 2>/dev/null || true)"
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || true
  local until=$(( $(date +%s) + 20 ))
  while kill -0 "$pid" 2>/dev/null && (( $(date +%s) < until )); do sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}

registry_up() {
  local dir="$ROOT/registry"
  mkdir -p "$dir"
  if ! curl -fsS -m 2 "http://$REGISTRY/v2/" >/dev/null 2>&1; then
    # Storage is a fresh temp dir each time: a run never sees images an earlier run pushed.
    local storage; storage="$(mktemp -d /tmp/funtainer-registry-$ID.XXXXXX)"
    echo "$storage" >"$dir/storage"
    cat >"$dir/config.yml" <<EOF
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $storage }, delete: { enabled: true } }
http: { addr: $REGISTRY }
EOF
    setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
    echo $! >"$dir/registry.pid"
    wait_for "$START_TIMEOUT" "the registry on $REGISTRY" curl -fsS -m 2 "http://$REGISTRY/v2/" || { tail -5 "$dir/registry.log" >&2; return 1; }
  fi
  echo "$REGISTRY"
}

registry_down() {
  local dir="$ROOT/registry"
  [[ -f "$dir/registry.pid" ]] || return 0
  kill "$(cat "$dir/registry.pid")" 2>/dev/null || true
  [[ -f "$dir/storage" ]] && rm -rf "$(cat "$dir/storage")"
  rm -f "$dir/registry.pid" "$dir/storage"
}

down() {
  local dir n
  registry_down
  for dir in "$ROOT"/*/; do
    [[ -f "$dir/dockerd.pid" ]] || continue
    local pid; pid="$(cat "$dir/dockerd.pid" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  done
  for dir in "$ROOT"/*/; do
    [[ -f "$dir/dockerd.pid" ]] || continue
    local pid; pid="$(cat "$dir/dockerd.pid" 2>/dev/null || true)"
    local until=$(( $(date +%s) + 20 ))
    while [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && (( $(date +%s) < until )); do sleep 0.2; done
    [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true
  done
  for n in $(ip netns list | awk -v p="^$P-[0-9]+" '$0 ~ p {print $1}'); do ip netns delete "$n"; done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
  iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || true
  # Engine state (images, swarm keys) is left for a faster next `up` unless asked.
  [[ "${SWARM_PURGE:-}" == 1 ]] && rm -rf "$ROOT"
  return 0
}

load() {
  local tar n; tar="$(mktemp)"
  docker save -o "$tar" "$@"
  for n in $(ls "$ROOT" 2>/dev/null | grep -x '[0-9]*'); do dk "$n" version >/dev/null 2>&1 && dk "$n" load -q -i "$tar" >/dev/null; done
  rm -f "$tar"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  load) shift; load "$@" ;;
  registry) registry_up ;;
  *) echo "usage: $0 up [N] | down | load IMAGE… | registry" >&2; exit 2 ;;
esac
