# shellcheck shell=bash
# Shared helpers for Funtainer's bash scripts (env.sh, base-images.sh, test.sh).
# Source it:  . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Nothing here has side effects at source time except setting a few variables.

# Repository root (the directory that holds scripts/).
FUNTAINER_ROOT="${FUNTAINER_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

# Machine-wide state (Redis data dir, daemon logs, locks). Machine-wide rather than
# per-checkout on purpose: one Redis / one dockerd serve every worktree on the machine,
# and they must not keep files inside a checkout that may be deleted.
if [[ -z "${STATE_DIR:-}" ]]; then
  if [[ -n "${FUNTAINER_STATE_DIR:-}" ]]; then
    STATE_DIR="$FUNTAINER_STATE_DIR"
  elif [[ $(id -u) -eq 0 ]]; then
    STATE_DIR=/var/lib/funtainer
  else
    STATE_DIR="${XDG_STATE_HOME:-$HOME/.local/state}/funtainer"
  fi
fi
export STATE_DIR

# ---------------------------------------------------------------- output
_log_prefix="${_log_prefix:-$(basename "${BASH_SOURCE[1]:-$0}" .sh)}"
log()  { printf '[%s] %s\n' "$_log_prefix" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$_log_prefix" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$_log_prefix" "$*" >&2; exit 1; }

# ---------------------------------------------------------------- time
# now: seconds since epoch with microseconds (bash >= 5 has EPOCHREALTIME).
now() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then printf '%s\n' "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}
# since START: elapsed seconds with one decimal, e.g. "2.1s".
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1fs\n", e - s }'; }

# wait_until DEADLINE_SECONDS DESCRIPTION CMD...: poll CMD every 0.2 s until it succeeds.
# Returns 1 (does not exit) when the deadline passes.
wait_until() {
  local deadline=$1 desc=$2; shift 2
  local start; start=$(now)
  while ! "$@" >/dev/null 2>&1; do
    if awk -v s="$start" -v e="$(now)" -v d="$deadline" 'BEGIN { exit !(e - s >= d) }'; then
      warn "timed out after ${deadline}s waiting for $desc"
      return 1
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------- misc
have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# with_lock NAME TIMEOUT CMD...: run CMD holding an exclusive flock on $STATE_DIR/NAME.lock,
# so concurrent runs (several worktrees, parallel CI steps) do not race. Re-entrant per name
# through the FUNTAINER_LOCK_<NAME> variable. The lock is held on fd 9: daemons started
# under it must be started with `9>&-`, or they keep the lock. Without flock (or a writable state dir) runs CMD unlocked.
with_lock() {
  local name=$1 timeout=$2; shift 2
  local var="FUNTAINER_LOCK_${name//[^A-Za-z0-9]/_}"
  if [[ -n "${!var:-}" ]] || ! have flock || ! mkdir -p "$STATE_DIR" 2>/dev/null || [[ ! -w "$STATE_DIR" ]]; then
    "$@"; return
  fi
  local lockfile="$STATE_DIR/$name.lock" rc=0
  (
    if ! flock -w "$timeout" 9; then
      die "could not take lock $lockfile within ${timeout}s (another setup still running?)"
    fi
    export "$var=1"
    "$@"
  ) 9>>"$lockfile" || rc=$?
  return "$rc"
}

# human_size BYTES -> "98.7 MB"
human_size() { awk -v b="$1" 'BEGIN { printf "%.1f MB\n", b / 1000 / 1000 }'; }

# ---------------------------------------------------------------- deps
mtime() { stat -c %Y -- "$1"; }

# node_modules is fresh when npm's hidden lockfile is at least as new as package-lock.json
# and every package.json (root + workspaces).
deps_fresh() {
  local hidden=node_modules/.package-lock.json f
  [[ -f $hidden && -f package-lock.json ]] || return 1
  local t; t=$(mtime "$hidden")
  for f in package-lock.json package.json core/package.json watchdog/package.json gateway/package.json queue-worker/package.json cli/package.json; do
    [[ -f $f ]] || continue
    [[ $(mtime "$f") -le $t ]] || { log "deps: $f is newer than node_modules"; return 1; }
  done
}

install_deps() {
  if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund
  else
    npm install --no-audit --no-fund
  fi
}
