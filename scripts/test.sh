#!/usr/bin/env bash
# The whole Funtainer test suite; `npm test` runs this.
#
#   bash scripts/test.sh [--skip-env] [--skip-lint] [--unit-only] [--integration-only] [--fail-fast]
#
# Phases: env (scripts/env.sh) -> deps (npm ci, skipped when node_modules is fresh) -> build
# (npm run build) -> lint (npm run lint) -> unit (tap over {core,watchdog,gateway,queue-worker,cli}/dist)
# -> integration (tap over test/dist, serial: the files share Docker, Redis and ports).
# Build/env/deps failures stop at once; lint, unit and integration all run and the script
# exits non-zero if any failed (--fail-fast: stop at the first failure).
#
# Environment:
#   TAP_TIMEOUT              per-file timeout for integration tests, seconds (default 600)
#   TAP_UNIT_TIMEOUT         per-file timeout for unit tests, seconds (default 120)
#   TAP_ARGS                 extra arguments for every tap run (word-split)
#   FUNTAINER_SKIP_INSTALL=1 never run npm ci/install
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_log_prefix=test
# shellcheck source=scripts/lib.sh
. "$SCRIPT_DIR/lib.sh"
cd "$FUNTAINER_ROOT"

UNIT_WORKSPACES=(core watchdog gateway queue-worker cli)
INTEGRATION_DIR=test
TAP_TIMEOUT="${TAP_TIMEOUT:-600}"
TAP_UNIT_TIMEOUT="${TAP_UNIT_TIMEOUT:-120}"
read -r -a EXTRA_TAP_ARGS <<<"${TAP_ARGS:-}"

RUN_ENV=1 RUN_LINT=1 RUN_UNIT=1 RUN_INTEGRATION=1 FAIL_FAST=0
for arg in "$@"; do
  case "$arg" in
    --skip-env) RUN_ENV=0 ;;
    --skip-lint) RUN_LINT=0 ;;
    --unit-only) RUN_INTEGRATION=0 ;;
    --integration-only) RUN_UNIT=0 ;;
    --fail-fast) FAIL_FAST=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (try --help)" ;;
  esac
done

SUMMARY=()
FAILED=()
T0=$(now)

summary() {
  printf '\n[test] ---------------- summary ----------------\n'
  local line
  for line in "${SUMMARY[@]+"${SUMMARY[@]}"}"; do printf '[test] %s\n' "$line"; done
  printf '[test] total %s\n' "$(since "$T0")"
  if [[ ${#FAILED[@]} -gt 0 ]]; then printf '[test] FAILED: %s\n' "${FAILED[*]}"; else printf '[test] all passed\n'; fi
}

# phase NAME fatal|continue CMD...: run CMD with a banner and its duration.
phase() {
  local name=$1 mode=$2; shift 2
  local start rc=0
  start=$(now)
  printf '\n[test] ==== %s: %s\n' "$name" "$*"
  "$@" || rc=$?
  local took; took=$(since "$start")
  if [[ $rc -eq 0 ]]; then
    SUMMARY+=("$(printf '%-12s ok      %8s' "$name" "$took")")
    printf '[test] ==== %s: ok in %s\n' "$name" "$took"
    return 0
  fi
  SUMMARY+=("$(printf '%-12s FAILED  %8s  (exit %s)' "$name" "$took" "$rc")")
  FAILED+=("$name")
  printf '[test] ==== %s: FAILED (exit %s) in %s\n' "$name" "$rc" "$took"
  if [[ $mode == fatal || $FAIL_FAST == 1 ]]; then summary; exit 1; fi
}

skipped() {
  SUMMARY+=("$(printf '%-12s skipped           %s' "$1" "$2")")
  printf '\n[test] ==== %s: skipped (%s)\n' "$1" "$2"
}

# ---------------------------------------------------------------- tap
# test_files PATTERN...: the files matching bash globs (globstar; nothing for no match).
test_files() {
  local pat f
  shopt -s globstar nullglob
  for pat in "$@"; do
    # shellcheck disable=SC2206 # intended glob expansion
    local -a matches=($pat)
    for f in "${matches[@]+"${matches[@]}"}"; do [[ -f $f ]] && printf '%s\n' "$f"; done
  done
  shopt -u globstar nullglob
}

# drop_stale FILE...: print the files whose TypeScript source (from the .js.map next to them)
# still exists. `tsc -b` never deletes the output of a deleted or renamed source, so on a dev
# machine dist/ can hold test files that no longer exist in src/; a fresh clone has none.
drop_stale() {
  [[ $# -gt 0 ]] || return 0
  node -e '
    const fs = require("fs"), path = require("path");
    for (const f of process.argv.slice(1)) {
      let keep = true;
      try {
        const map = JSON.parse(fs.readFileSync(f + ".map", "utf8"));
        const src = (map.sources || [])[0];
        if (src) keep = fs.existsSync(path.resolve(path.dirname(f), map.sourceRoot || "", src));
      } catch { /* no or unreadable map: keep */ }
      if (keep) console.log(f); else console.error(`[test] skipping stale ${f} (its source is gone; rm -rf the dist dir to clean)`);
    }' "$@"
}

run_tap() {
  local timeout=$1; shift
  local -a files=()
  mapfile -t files < <(test_files "$@")
  if [[ ${#files[@]} -gt 0 ]]; then mapfile -t files < <(drop_stale "${files[@]}"); fi
  if [[ ${#files[@]} -eq 0 ]]; then
    log "no test files match: $*"
    return 0
  fi
  log "${#files[@]} test file(s): $(printf '%s ' "${files[@]}" | cut -c1-400)"
  npx --no -- tap --disable-coverage --timeout="$timeout" ${EXTRA_TAP_ARGS[@]+"${EXTRA_TAP_ARGS[@]}"} "${TAP_PHASE_ARGS[@]}" -- "${files[@]}"
}

unit_patterns() { local w; for w in "${UNIT_WORKSPACES[@]}"; do printf '%s/dist/**/*.test.js\n' "$w"; done; }

TAP_PHASE_ARGS=()
run_unit() {
  local -a pats; mapfile -t pats < <(unit_patterns)
  TAP_PHASE_ARGS=()
  run_tap "$TAP_UNIT_TIMEOUT" "${pats[@]}"
}

run_integration() {
  TAP_PHASE_ARGS=(--jobs=1)
  run_tap "$TAP_TIMEOUT" "$INTEGRATION_DIR/dist/**/*.test.js"
}

# tap_phase NAME SKIP_REASON RUNNER PATTERN...: run the phase, or mark it skipped when no file matches.
tap_phase() {
  local name=$1 why=$2 runner=$3; shift 3
  if [[ -n $(test_files "$@") ]]; then phase "$name" continue "$runner"; else skipped "$name" "$why"; fi
}

# ---------------------------------------------------------------- main
log "node $(node --version), npm $(npm --version), repo $FUNTAINER_ROOT${CI:+ (CI)}"

if [[ $RUN_ENV == 1 ]]; then phase env fatal bash "$SCRIPT_DIR/env.sh"; else skipped env "--skip-env"; fi

if [[ ${FUNTAINER_SKIP_INSTALL:-0} == 1 ]]; then
  skipped deps "FUNTAINER_SKIP_INSTALL=1"
elif deps_fresh; then
  skipped deps "node_modules up to date with package-lock.json"
else
  phase deps fatal install_deps
fi

phase build fatal npm run build

if [[ $RUN_LINT == 1 ]]; then phase lint continue npm run lint; else skipped lint "--skip-lint"; fi

if [[ $RUN_UNIT == 1 ]]; then
  mapfile -t UNIT_PATTERNS < <(unit_patterns)
  tap_phase unit "no unit test files in ${UNIT_WORKSPACES[*]/%//dist} yet" run_unit "${UNIT_PATTERNS[@]}"
else
  skipped unit "--integration-only"
fi

if [[ $RUN_INTEGRATION == 1 ]]; then
  tap_phase integration "no $INTEGRATION_DIR/dist/**/*.test.js yet" run_integration "$INTEGRATION_DIR/dist/**/*.test.js"
else
  skipped integration "--unit-only"
fi

summary
[[ ${#FAILED[@]} -eq 0 ]]
