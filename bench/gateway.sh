#!/usr/bin/env bash
# Gateway proxy benchmark, one run, same machine state for every target (compare ratios only:
# docs/performance-reference.md).
#   bash bench/gateway.sh [duration=10s] [connections=32]
# Targets: bare node:http server (the limit), the function container directly (when FUNCTION_URL is set,
# e.g. the echo fixture in module mode), and the gateway in front of each; beside the gateway, the cheapest Node
# proxy we can write (gateway-proxy-ceiling.mjs) in front of the same upstreams, the ceiling for any Node gateway
# here. Prints req/s, p50/p99 and ratios, the gateway's peak RSS under load, and the CPU each process spends per
# request (utime+stime over the run ÷ requests: wrk, proxy, upstream; FUNCTION_PID = the container's main pid)
# with the CPU budget a proxy would need to meet the targets on this machine. Needs wrk and a built tree.
# PROFILE=1: the gateway and the minimal proxy run under `node --cpu-prof`; their profiles (open them in Chrome
# DevTools or speedscope as flame graphs) go to bench/results/profiles-<time>/ and a summary of where each spends
# its CPU (bench/cpu-profile-summary.mjs) is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10s}"
CONNS="${2:-32}"
BODY='{"hello":"world"}'
LUA="$(mktemp)"
PIDS=()  # servers are started inside process substitutions, so `jobs` cannot see them: track their pids
trap 'rm -f "$LUA"; kill "${PIDS[@]}" 2>/dev/null || true' EXIT
printf 'wrk.method = "POST"\nwrk.body = %q\nwrk.headers["Content-Type"] = "application/json"\n' "$BODY" > "$LUA"

port_of() { # start "$@" in background, wait for its {"port":N} line
  local out; out="$(mktemp)"
  "$@" > "$out" 2>/dev/null &
  local pid=$!
  for _ in $(seq 1 100); do grep -q port "$out" && break; sleep 0.1; done
  echo "$pid $(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$out" | head -1)"
}

PROFILE_DIR=""
if [[ "${PROFILE:-}" == 1 ]]; then PROFILE_DIR="bench/results/profiles-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$PROFILE_DIR"; fi
# node [--cpu-prof …] for the process named $1 (gateway, gateway-fn, proxy, proxy-fn)
node_for() { if [[ -n "$PROFILE_DIR" ]]; then echo "node --cpu-prof --cpu-prof-dir=$PROFILE_DIR/$1"; else echo node; fi; }

TICK="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_wrk URL [PID...] → "rps p50 p99 wrk_us pid_us..." (µs of CPU per request for wrk itself and each PID)
run_wrk() {
  local url=$1; shift
  local before=() pid out times reqs
  for pid in "$@"; do before+=("$(cpu_ticks "$pid")"); done
  out="$(mktemp)"; times="$(mktemp)"
  { TIMEFORMAT='%U %S'; time wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$LUA" "$url" >"$out" 2>/dev/null; } 2>"$times"
  reqs="$(awk '/requests in/ {print $1}' "$out")"
  local line; line="$(awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s %s %s", rps, p50, p99}' "$out")"
  line+=" $(awk -v n="$reqs" '{printf "%.1f", ($1 + $2) * 1e6 / n}' "$times")"
  local i=0
  for pid in "$@"; do
    line+=" $(awk -v a="${before[$i]}" -v b="$(cpu_ticks "$pid")" -v n="$reqs" -v hz="$TICK" 'BEGIN {printf "%.1f", (b - a) / hz * 1e6 / n}')"
    i=$((i + 1))
  done
  rm -f "$out" "$times"
  echo "$line"
}

peak_rss_mb() { # pid → VmHWM in MB
  awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"
}

read -r BARE_PID BARE_PORT < <(port_of node bench/gateway-bare-server.mjs); PIDS+=("$BARE_PID")
read -r GW_PID GW_PORT < <(UPSTREAM_URL="http://127.0.0.1:$BARE_PORT" port_of $(node_for gateway) bench/gateway-memory-server.mjs); PIDS+=("$GW_PID")
read -r CEIL_PID CEIL_PORT < <(UPSTREAM_URL="http://127.0.0.1:$BARE_PORT" port_of $(node_for proxy) bench/gateway-proxy-ceiling.mjs); PIDS+=("$CEIL_PID")
echo "warming up…"
for p in "$GW_PORT" "$CEIL_PORT"; do wrk -t1 -c"$CONNS" -d2s -s "$LUA" "http://127.0.0.1:$p/function/echo" >/dev/null 2>&1; done
read -r BARE_RPS BARE_P50 BARE_P99 BARE_WRK_US BARE_US < <(run_wrk "http://127.0.0.1:$BARE_PORT/" "$BARE_PID")
read -r GW_RPS GW_P50 GW_P99 _ GW_US _ < <(run_wrk "http://127.0.0.1:$GW_PORT/function/echo" "$GW_PID" "$BARE_PID")
read -r CEIL_RPS CEIL_P50 CEIL_P99 _ CEIL_US _ < <(run_wrk "http://127.0.0.1:$CEIL_PORT/function/echo" "$CEIL_PID" "$BARE_PID")
GW_RSS="$(peak_rss_mb "$GW_PID")"
printf '%-34s %10s %9s %9s\n' target req/s p50 p99
printf '%-34s %10s %9s %9s\n' "bare node:http" "$BARE_RPS" "$BARE_P50" "$BARE_P99"
printf '%-34s %10s %9s %9s\n' "gateway → bare" "$GW_RPS" "$GW_P50" "$GW_P99"
printf '%-34s %10s %9s %9s\n' "minimal Node proxy → bare" "$CEIL_RPS" "$CEIL_P50" "$CEIL_P99"
if [[ -n "${FUNCTION_URL:-}" ]]; then
  FN_PIDS=(); [[ -n "${FUNCTION_PID:-}" ]] && FN_PIDS=("$FUNCTION_PID")
  read -r FN_RPS FN_P50 FN_P99 FN_WRK_US FN_US < <(run_wrk "$FUNCTION_URL" "${FN_PIDS[@]}")
  read -r GW2_PID GW2_PORT < <(UPSTREAM_URL="$FUNCTION_URL" port_of $(node_for gateway-fn) bench/gateway-memory-server.mjs); PIDS+=("$GW2_PID")
  read -r CEIL2_PID CEIL2_PORT < <(UPSTREAM_URL="$FUNCTION_URL" port_of $(node_for proxy-fn) bench/gateway-proxy-ceiling.mjs); PIDS+=("$CEIL2_PID")
  for p in "$GW2_PORT" "$CEIL2_PORT"; do wrk -t1 -c"$CONNS" -d2s -s "$LUA" "http://127.0.0.1:$p/function/echo" >/dev/null 2>&1; done
  read -r GW2_RPS GW2_P50 GW2_P99 GW2_WRK_US GW2_US GW2_FN_US < <(run_wrk "http://127.0.0.1:$GW2_PORT/function/echo" "$GW2_PID" "${FN_PIDS[@]}")
  read -r CEIL2_RPS CEIL2_P50 CEIL2_P99 _ CEIL2_US _ < <(run_wrk "http://127.0.0.1:$CEIL2_PORT/function/echo" "$CEIL2_PID" "${FN_PIDS[@]}")
  printf '%-34s %10s %9s %9s\n' "function container direct" "$FN_RPS" "$FN_P50" "$FN_P99"
  printf '%-34s %10s %9s %9s\n' "gateway → function container" "$GW2_RPS" "$GW2_P50" "$GW2_P99"
  printf '%-34s %10s %9s %9s\n' "minimal Node proxy → function" "$CEIL2_RPS" "$CEIL2_P50" "$CEIL2_P99"
  awk -v g="$GW2_RPS" -v b="$BARE_RPS" -v c="$CEIL2_RPS" 'BEGIN {printf "ratio gateway→function/bare:   %.2f (minimal Node proxy %.2f)\n", g/b, c/b}'
  awk -v g="$GW2_RPS" -v d="$FN_RPS" -v c="$CEIL2_RPS" 'BEGIN {printf "ratio gateway→function/direct: %.2f (target ≥ 0.60; minimal Node proxy %.2f)\n", g/d, c/d}'
  awk -v g="$GW2_RPS" -v c="$CEIL2_RPS" 'BEGIN {printf "ratio gateway/minimal proxy, function upstream: %.2f (target ≥ 0.95)\n", g/c}'
fi
awk -v g="$GW_RPS" -v b="$BARE_RPS" -v c="$CEIL_RPS" 'BEGIN {printf "ratio gateway→bare/bare:       %.2f (minimal Node proxy %.2f; gateway/minimal proxy %.2f)\n", g/b, c/b, g/c}'
echo "CPU per request (µs, user+sys): wrk ${BARE_WRK_US}, bare server ${BARE_US}; gateway ${GW_US}, minimal Node proxy ${CEIL_US} (bare upstream)"
if [[ -n "${FUNCTION_URL:-}" && -n "${FUNCTION_PID:-}" ]]; then
  echo "CPU per request (µs, user+sys), direct: wrk ${FN_WRK_US}, function container ${FN_US}; via the gateway: gateway ${GW2_US}, function ${GW2_FN_US}; minimal proxy ${CEIL2_US}"
  # Both ratios are CPU-bound here (wrk, proxy and function share 2 cores), so at equal utilisation a proxy meets
  #   R_proxy / R_direct ≥ 0.60  only if  proxy µs ≤ (wrk + function) × (1/0.60 − 1)
  #   R_gateway / R_minimal ≥ 0.95 only if  gateway µs ≤ (wrk + function + minimal) / 0.95 − (wrk + function)
  awk -v w="$FN_WRK_US" -v f="$FN_US" -v g="$GW2_US" -v c="$CEIL2_US" 'BEGIN {
    d = (w + f) * (1 / 0.60 - 1); m = (w + f + c) / 0.95 - (w + f)
    printf "CPU budget for a proxy on this machine: ≤ %.1f µs/request for 0.60× direct, ≤ %.1f µs/request for 0.95× the minimal proxy; gateway %.1f, minimal Node proxy %.1f\n", d, m, g, c }'
fi
echo "gateway peak RSS: ${GW_RSS} MB (target ≤ 150)"
# Latency added per request, measured without queueing (one connection): at -c32 p50 is dominated by
# saturation (≈ connections / throughput), which the ratios above already report.
SAVED_CONNS="$CONNS"; CONNS=1
read -r _ BARE1_P50 _ < <(run_wrk "http://127.0.0.1:$BARE_PORT/")
read -r _ GW1_P50 _ < <(run_wrk "http://127.0.0.1:$GW_PORT/function/echo")
if [[ -n "${FUNCTION_URL:-}" ]]; then
  read -r _ FN1_P50 _ < <(run_wrk "$FUNCTION_URL")
  read -r _ GW21_P50 _ < <(run_wrk "http://127.0.0.1:$GW2_PORT/function/echo")
fi
CONNS="$SAVED_CONNS"
us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /ms$/) n *= 1000; else if (v ~ /[^mu]s$/) n *= 1e6; printf "%.0f", n }'; }
echo "p50 at -c1: bare ${BARE1_P50}, gateway → bare ${GW1_P50}: $(( $(us "$GW1_P50") - $(us "$BARE1_P50") )) µs added (target ≤ 200)"
if [[ -n "${FUNCTION_URL:-}" ]]; then
  echo "p50 at -c1: function direct ${FN1_P50}, gateway → function ${GW21_P50}: $(( $(us "$GW21_P50") - $(us "$FN1_P50") )) µs added (target ≤ 200)"
fi
echo "p50 at -c${CONNS}: bare ${BARE_P50}, gateway → bare ${GW_P50}"
if [[ -n "$PROFILE_DIR" ]]; then
  kill "${PIDS[@]}" 2>/dev/null || true; PIDS=()
  sleep 1 # profiles are written as the processes exit
  echo; echo "CPU profiles (flame graphs: open the .cpuprofile files in Chrome DevTools or speedscope): $PROFILE_DIR"
  node bench/cpu-profile-summary.mjs "$PROFILE_DIR"
fi
