#!/usr/bin/env bash
# Gateway proxy benchmark, one run, same machine state for every target (compare ratios only:
# docs/performance-reference.md).
#   [ROUNDS=3] bash bench/gateway.sh [duration per slice=10s] [connections=32]
# Every target is measured in ROUNDS slices, interleaved in rotating order, and each figure is the median over
# its slices, so that the machine's drift over a run lands on every target alike.
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
ROUNDS="${ROUNDS:-3}"
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

# wrk's latency ("512.00us", "1.42ms", "1.01s") → µs
us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /ms$/) n *= 1000; else if (v ~ /[^mu]s$/) n *= 1e6; printf "%.0f", n }'; }

# run_wrk URL [PID...] → "rps p50_us p99_us wrk_us pid_us..." (µs of CPU per request for wrk itself and each PID)
run_wrk() {
  local url=$1; shift
  local before=() pid out times reqs
  for pid in "$@"; do before+=("$(cpu_ticks "$pid")"); done
  out="$(mktemp)"; times="$(mktemp)"
  { TIMEFORMAT='%U %S'; time wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$LUA" "$url" >"$out" 2>/dev/null; } 2>"$times"
  reqs="$(awk '/requests in/ {print $1}' "$out")"
  local line; line="$(awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%s", rps}' "$out")"
  line+=" $(us "$(awk '/^ +50%/ {print $2}' "$out")") $(us "$(awk '/^ +99%/ {print $2}' "$out")")"
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
RES="$(mktemp -d)"
trap 'rm -rf "$LUA" "$RES"; kill "${PIDS[@]}" 2>/dev/null || true' EXIT
FN_PIDS=()
TARGETS=(bare gw ceil)
if [[ -n "${FUNCTION_URL:-}" ]]; then
  [[ -n "${FUNCTION_PID:-}" ]] && FN_PIDS=("$FUNCTION_PID")
  read -r GW2_PID GW2_PORT < <(UPSTREAM_URL="$FUNCTION_URL" port_of $(node_for gateway-fn) bench/gateway-memory-server.mjs); PIDS+=("$GW2_PID")
  read -r CEIL2_PID CEIL2_PORT < <(UPSTREAM_URL="$FUNCTION_URL" port_of $(node_for proxy-fn) bench/gateway-proxy-ceiling.mjs); PIDS+=("$CEIL2_PID")
  for p in "$GW2_PORT" "$CEIL2_PORT"; do wrk -t1 -c"$CONNS" -d2s -s "$LUA" "http://127.0.0.1:$p/function/echo" >/dev/null 2>&1; done
  TARGETS+=(fn gw2 ceil2)
fi
# One slice per target per round, the order rotated each round, then the median of each figure over the rounds:
# the machine's load drifts over a run, and measuring the targets one after another would fold that drift into
# the ratios (a quiet first half and a busy second half moved gateway ÷ minimal by ±0.15 between runs).
measure() {
  case "$1" in
    bare) run_wrk "http://127.0.0.1:$BARE_PORT/" "$BARE_PID" ;;
    gw) run_wrk "http://127.0.0.1:$GW_PORT/function/echo" "$GW_PID" "$BARE_PID" ;;
    ceil) run_wrk "http://127.0.0.1:$CEIL_PORT/function/echo" "$CEIL_PID" "$BARE_PID" ;;
    fn) run_wrk "$FUNCTION_URL" "${FN_PIDS[@]}" ;;
    gw2) run_wrk "http://127.0.0.1:$GW2_PORT/function/echo" "$GW2_PID" "${FN_PIDS[@]}" ;;
    ceil2) run_wrk "http://127.0.0.1:$CEIL2_PORT/function/echo" "$CEIL2_PID" "${FN_PIDS[@]}" ;;
  esac >> "$RES/$1${RES_ONE:+-c1}"
}
for ((r = 0; r < ROUNDS; r++)); do
  for ((i = 0; i < ${#TARGETS[@]}; i++)); do measure "${TARGETS[$(( (i + r) % ${#TARGETS[@]} ))]}"; done
done
# med TARGET COLUMN → median over the rounds (columns: 1 req/s, 2 p50 µs, 3 p99 µs, 4 wrk µs/req, 5… each pid's µs/req)
med() { awk -v c="$2" '{print $c}' "$RES/$1" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ms() { awk -v v="$1" 'BEGIN {printf "%.2fms", v / 1000}'; }
row() { printf '%-34s %10.0f %9s %9s\n' "$1" "$(med "$2" 1)" "$(ms "$(med "$2" 2)")" "$(ms "$(med "$2" 3)")"; }
BARE_RPS="$(med bare 1)"; BARE_WRK_US="$(med bare 4)"; BARE_US="$(med bare 5)"
GW_RPS="$(med gw 1)"; GW_US="$(med gw 5)"
CEIL_RPS="$(med ceil 1)"; CEIL_US="$(med ceil 5)"
GW_RSS="$(peak_rss_mb "$GW_PID")"
echo "medians of $ROUNDS rounds of $DURATION per target, -c$CONNS"
printf '%-34s %10s %9s %9s\n' target req/s p50 p99
row "bare node:http" bare
row "gateway → bare" gw
row "minimal Node proxy → bare" ceil
if [[ -n "${FUNCTION_URL:-}" ]]; then
  FN_RPS="$(med fn 1)"; FN_WRK_US="$(med fn 4)"; FN_US="$(med fn 5)"
  GW2_RPS="$(med gw2 1)"; GW2_US="$(med gw2 5)"; GW2_FN_US="$(med gw2 6)"
  CEIL2_RPS="$(med ceil2 1)"; CEIL2_US="$(med ceil2 5)"
  row "function container direct" fn
  row "gateway → function container" gw2
  row "minimal Node proxy → function" ceil2
  awk -v g="$GW2_RPS" -v b="$BARE_RPS" -v c="$CEIL2_RPS" 'BEGIN {printf "ratio gateway→function/bare:   %.2f (minimal Node proxy %.2f)\n", g/b, c/b}'
  awk -v g="$GW2_RPS" -v d="$FN_RPS" -v c="$CEIL2_RPS" 'BEGIN {printf "ratio gateway→function/direct: %.2f (target ≥ 0.60; minimal Node proxy %.2f)\n", g/d, c/d}'
  awk -v g="$GW2_RPS" -v c="$CEIL2_RPS" 'BEGIN {printf "ratio gateway/minimal proxy, function upstream: %.2f (target ≥ 0.95)\n", g/c}'
  # the same ratio round by round (each pair measured minutes apart at most), to show its spread
  echo "  per round: $(paste -d' ' "$RES/gw2" "$RES/ceil2" | awk '{printf "%.2f ", $1 / $(NF / 2 + 1)}')"
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
ONE=(bare gw); [[ -n "${FUNCTION_URL:-}" ]] && ONE+=(fn gw2)
for ((r = 0; r < ROUNDS; r++)); do
  for ((i = 0; i < ${#ONE[@]}; i++)); do t="${ONE[$(( (i + r) % ${#ONE[@]} ))]}"; RES_ONE=1 measure "$t"; done
done
CONNS="$SAVED_CONNS"
echo "p50 at -c1: bare $(med bare-c1 2) µs, gateway → bare $(med gw-c1 2) µs: $(awk -v a="$(med gw-c1 2)" -v b="$(med bare-c1 2)" 'BEGIN {print a - b}') µs added (target ≤ 200)"
if [[ -n "${FUNCTION_URL:-}" ]]; then
  echo "p50 at -c1: function direct $(med fn-c1 2) µs, gateway → function $(med gw2-c1 2) µs: $(awk -v a="$(med gw2-c1 2)" -v b="$(med fn-c1 2)" 'BEGIN {print a - b}') µs added (target ≤ 200)"
fi
echo "p50 at -c${CONNS}: bare $(ms "$(med bare 2)"), gateway → bare $(ms "$(med gw 2)")"
if [[ -n "$PROFILE_DIR" ]]; then
  kill "${PIDS[@]}" 2>/dev/null || true; PIDS=()
  sleep 1 # profiles are written as the processes exit
  echo; echo "CPU profiles (flame graphs: open the .cpuprofile files in Chrome DevTools or speedscope): $PROFILE_DIR"
  node bench/cpu-profile-summary.mjs "$PROFILE_DIR"
fi
