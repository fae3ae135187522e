#!/usr/bin/env bash
# A/B of two gateway builds in the same run: both in front of one bare node:http server, wrk alternating
# between them for ROUNDS rounds. Per run: req/s and the gateway's CPU per request (utime+stime from
# /proc/<pid>/stat over the run ÷ requests).
#   bash bench/gateway-ab.sh OLD_ROOT NEW_ROOT [rounds=3] [duration=5s] [connections=32]
# A root is a tree with gateway/dist and bench/gateway-memory-server.mjs (e.g. a copy of an older build with
# node_modules symlinked next to it); NEW_ROOT defaults to this checkout. OLD_NODE_OPTIONS / NEW_NODE_OPTIONS give
# each side its own node flags, so one tree can be compared with itself under different flags.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD="$1"; NEW="${2:-$PWD}"; ROUNDS="${3:-3}"; DURATION="${4:-5s}"; CONNS="${5:-32}"
LUA="$(mktemp)"; PIDS=()
trap 'rm -f "$LUA"; kill "${PIDS[@]}" 2>/dev/null || true' EXIT
printf 'wrk.method = "POST"\nwrk.body = %q\nwrk.headers["Content-Type"] = "application/json"\n' '{"hello":"world"}' > "$LUA"
port_of() {
  local out; out="$(mktemp)"
  "$@" > "$out" 2>/dev/null &
  local pid=$!
  for _ in $(seq 1 100); do grep -q port "$out" && break; sleep 0.1; done
  echo "$pid $(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$out" | head -1)"
}
cpu_ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }
TICK="$(getconf CLK_TCK)"
read -r BARE_PID BARE_PORT < <(port_of node bench/gateway-bare-server.mjs); PIDS+=("$BARE_PID")
read -r A_PID A_PORT < <(NODE_OPTIONS="${OLD_NODE_OPTIONS:-}" UPSTREAM_URL="http://127.0.0.1:$BARE_PORT" port_of node "$OLD/bench/gateway-memory-server.mjs"); PIDS+=("$A_PID")
read -r B_PID B_PORT < <(NODE_OPTIONS="${NEW_NODE_OPTIONS:-}" UPSTREAM_URL="http://127.0.0.1:$BARE_PORT" port_of node "$NEW/bench/gateway-memory-server.mjs"); PIDS+=("$B_PID")
for p in "$A_PORT" "$B_PORT"; do wrk -t1 -c"$CONNS" -d2s -s "$LUA" "http://127.0.0.1:$p/function/echo" >/dev/null 2>&1; done
one() { # label pid port
  local u0 s0 u1 s1 out reqs rps
  read -r u0 s0 < <(cpu_ticks "$2")
  out="$(wrk -t1 -c"$CONNS" -d"$DURATION" -s "$LUA" "http://127.0.0.1:$3/function/echo" 2>/dev/null)"
  read -r u1 s1 < <(cpu_ticks "$2")
  reqs="$(echo "$out" | awk '/requests in/ {print $1}')"
  rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  awk -v l="$1" -v r="$rps" -v n="$reqs" -v u="$((u1 - u0))" -v s="$((s1 - s0))" -v hz="$TICK" \
    'BEGIN {printf "%-4s %9.0f req/s %6.1f us/req (user %.1f, sys %.1f)\n", l, r, (u + s) / hz * 1e6 / n, u / hz * 1e6 / n, s / hz * 1e6 / n}'
}
for i in $(seq 1 "$ROUNDS"); do
  if (( i % 2 )); then one old "$A_PID" "$A_PORT"; one new "$B_PID" "$B_PORT"; else one new "$B_PID" "$B_PORT"; one old "$A_PID" "$A_PORT"; fi
done
