#!/usr/bin/env bash
# Local stand-ins for the third-party images of docker-compose.yml, built from binaries
# installed on this host (Debian packages) when no image registry is reachable.
#
#   bash scripts/images/standins.sh [--force] [--list] [IMAGE...]
#
#   funtainer/redis:local         redis-server + redis-cli (Debian redis-server) and their libs,
#                                 busybox shell. Started by compose with an explicit command line.
#   funtainer/prometheus:local    /bin/prometheus (Debian prometheus), a minimal
#                                 /etc/prometheus/prometheus.yml, data in /prometheus, user nobody;
#                                 entrypoint and default arguments like prom/prometheus.
#   funtainer/alertmanager:local  /bin/alertmanager (Debian prometheus-alertmanager) + amtool, a
#                                 minimal /etc/alertmanager/alertmanager.yml, data in /alertmanager,
#                                 user nobody; entrypoint and default arguments like prom/alertmanager.
#
# The three accept the same command lines and paths as the official images (redis:7-alpine,
# prom/prometheus, prom/alertmanager), so docker-compose.yml is the same for both; the
# versions are the host's, not the official tags (see docs/compose.md).
#
# How: scripts/base-images.sh's rootfs helpers (build_rootfs_image: host binary + its ldd
# libraries + busybox, fed to `docker import`) build <name>-rootfs:local; a two-line
# `docker build` on top of it creates the data directory owned by nobody and sets USER.
# Idempotent: the rootfs step is skipped when its fingerprint label matches the host inputs,
# the second step is served from Docker's build cache. --force rebuilds the rootfs.
set -euo pipefail

STANDINS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE_IMAGES_SH="$STANDINS_DIR/../base-images.sh"
STANDINS=(redis prometheus alertmanager)

# ------------------------------------------------------------ reuse base-images.sh helpers
# base-images.sh runs its own main at the end and has no "source only" switch, so load a
# copy of it with the final `with_lock images ... main` line dropped and SCRIPT_DIR pointed at
# its real directory. Refuses (instead of building the wrong thing) if either line moved.
load_base_image_helpers() {
  [[ -f $BASE_IMAGES_SH ]] || { echo "[standins] ERROR: $BASE_IMAGES_SH not found" >&2; exit 1; }
  local base_dir n_main n_dir
  base_dir=$(cd "$(dirname "$BASE_IMAGES_SH")" && pwd)
  n_main=$(grep -c '^with_lock images [0-9]* main$' "$BASE_IMAGES_SH" || true)
  n_dir=$(grep -c '^SCRIPT_DIR=' "$BASE_IMAGES_SH" || true)
  if [[ $n_main != 1 || $n_dir != 1 ]]; then
    echo "[standins] ERROR: scripts/base-images.sh changed shape (expected one 'SCRIPT_DIR=' and one" \
      "'with_lock images N main' line); update load_base_image_helpers in $0" >&2
    exit 1
  fi
  # shellcheck disable=SC1090
  . <(sed -e "s|^SCRIPT_DIR=.*|SCRIPT_DIR=$(printf '%q' "$base_dir")|" \
          -e 's/^with_lock images [0-9]* main$/: helpers only/' "$BASE_IMAGES_SH")
  declare -F build_rootfs_image >/dev/null || { echo "[standins] ERROR: build_rootfs_image not defined by $BASE_IMAGES_SH" >&2; exit 1; }
}
load_base_image_helpers
_log_prefix=standins

# ------------------------------------------------------------ arguments
FORCE=0
SELECTED=()
for arg in "$@"; do
  case "$arg" in
    --force|-f) FORCE=1 ;;
    --list) printf '%s\n' "${STANDINS[@]}"; exit 0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option: $arg (try --help)" ;;
    *) SELECTED+=("$arg") ;;
  esac
done

# finish_image ROOTFS_TAG TAG DATA_DIR [DOCKERFILE_LINE...]: TAG = ROOTFS_TAG + DATA_DIR owned by
# nobody + USER nobody + the extra lines (ENTRYPOINT/CMD: not set on the rootfs image, whose
# smoke tests run `sh -c`). Compose's named volumes are initialised from the image directory,
# ownership included, so the services write their data without running as root.
finish_image() {
  local rootfs=$1 tag=$2 data=$3 out; shift 3
  if ! out=$({ printf 'FROM %s\nRUN mkdir -p %s && chown 65534:65534 %s\nUSER 65534:65534\nWORKDIR %s\n' \
      "$rootfs" "$data" "$data" "$data"; printf '%s\n' "$@"; } | docker build -q -t "$tag" - 2>&1); then
    printf '%s\n' "$out" >&2
    die "$tag: docker build on top of $rootfs failed"
  fi
  log "$tag: ready ($(human_size "$(docker image inspect -f '{{.Size}}' "$tag")"))"
}

# ------------------------------------------------------------ images
# Config files are written to a fixed state directory first (build_rootfs_image copies host
# files; the host's /etc/prometheus files are Debian's, not ours). Fixed path and unchanged
# mtime when the content is the same, so the fingerprint stays stable between runs.
CONF_DIR="$STATE_DIR/standins"
trap cleanup EXIT

# write_conf NAME: stdin -> $CONF_DIR/NAME, rewritten only when the content differs.
write_conf() {
  local dest="$CONF_DIR/$1" tmp
  mkdir -p "$CONF_DIR"
  tmp=$(mktemp "$CONF_DIR/.$1.XXXXXX")
  cat >"$tmp"
  if [[ -f $dest ]] && cmp -s "$tmp" "$dest"; then rm -f "$tmp"; else chmod 644 "$tmp"; mv -f "$tmp" "$dest"; fi
}

standin_redis() {
  local tag="$IMAGE_PREFIX/redis:$IMAGE_TAG" server
  server=$(command -v redis-server) || die "redis-server not installed (apt-get install redis-server)"
  # redis-server is a symlink to redis-check-rdb (one binary, name decides the mode): copy
  # the resolved file under the name redis-server.
  build_rootfs_image "$tag" \
    --bin "$(realpath -e "$server"):/usr/local/bin/redis-server" \
    --bin "redis-cli:/usr/local/bin/redis-cli" \
    --busybox \
    --change 'WORKDIR /data' \
    --change 'EXPOSE 6379' \
    --change 'CMD ["redis-server"]' \
    --change "LABEL org.opencontainers.image.description=\"Funtainer stand-in for redis:7-alpine built from the host's redis-server\"" \
    --check 'redis-server --version && redis-cli --version'
}

standin_prometheus() {
  local rootfs="$IMAGE_PREFIX/prometheus-rootfs:$IMAGE_TAG" tag="$IMAGE_PREFIX/prometheus:$IMAGE_TAG" bin
  bin=$(command -v prometheus) || die "prometheus not installed (apt-get install prometheus)"
  write_conf prometheus.yml <<'EOF'
# Minimal default of the funtainer/prometheus stand-in; docker-compose.yml mounts the real one.
global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:9090']
EOF
  build_rootfs_image "$rootfs" \
    --bin "$bin:/bin/prometheus" \
    --file "$CONF_DIR/prometheus.yml:/etc/prometheus/prometheus.yml" \
    --busybox \
    --fingerprint-extra "config=$(sha256sum <"$CONF_DIR/prometheus.yml")" \
    --change 'EXPOSE 9090' \
    --change "LABEL org.opencontainers.image.description=\"Funtainer stand-in for prom/prometheus built from the host's prometheus\"" \
    --check '/bin/prometheus --version'
  finish_image "$rootfs" "$tag" /prometheus \
    'ENTRYPOINT ["/bin/prometheus"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml","--storage.tsdb.path=/prometheus"]'
}

standin_alertmanager() {
  local rootfs="$IMAGE_PREFIX/alertmanager-rootfs:$IMAGE_TAG" tag="$IMAGE_PREFIX/alertmanager:$IMAGE_TAG" bin amtool_args=()
  bin=$(command -v prometheus-alertmanager) || die "prometheus-alertmanager not installed (apt-get install prometheus-alertmanager)"
  if have amtool; then amtool_args=(--bin "$(command -v amtool):/bin/amtool"); fi
  # Debian's alertmanager reads its notification templates (default.tmpl) from here at start.
  local f asset_args=()
  while IFS= read -r f; do asset_args+=(--file "$f"); done < <(find /usr/share/prometheus/alertmanager -type f 2>/dev/null | sort)
  write_conf alertmanager.yml <<'EOF'
# Minimal default of the funtainer/alertmanager stand-in; docker-compose.yml mounts the real one.
route:
  receiver: none
receivers:
  - name: none
EOF
  build_rootfs_image "$rootfs" \
    --bin "$bin:/bin/alertmanager" \
    "${amtool_args[@]+"${amtool_args[@]}"}" \
    "${asset_args[@]+"${asset_args[@]}"}" \
    --file "$CONF_DIR/alertmanager.yml:/etc/alertmanager/alertmanager.yml" \
    --busybox \
    --fingerprint-extra "config=$(sha256sum <"$CONF_DIR/alertmanager.yml")" \
    --change 'EXPOSE 9093' \
    --change "LABEL org.opencontainers.image.description=\"Funtainer stand-in for prom/alertmanager built from the host's prometheus-alertmanager\"" \
    --check '/bin/alertmanager --version'
  finish_image "$rootfs" "$tag" /alertmanager \
    'ENTRYPOINT ["/bin/alertmanager"]' \
    'CMD ["--config.file=/etc/alertmanager/alertmanager.yml","--storage.path=/alertmanager"]'
}

standins_main() {
  have docker || die "docker not installed (run scripts/env.sh)"
  timeout 20 docker info >/dev/null 2>&1 || die "docker daemon not reachable (run scripts/env.sh)"
  local t0 name fn
  t0=$(now)
  [[ ${#SELECTED[@]} -gt 0 ]] || SELECTED=("${STANDINS[@]}")
  for name in "${SELECTED[@]}"; do
    fn="standin_${name//-/_}"
    declare -F "$fn" >/dev/null || die "unknown stand-in '$name' (known: ${STANDINS[*]})"
    "$fn"
  done
  log "stand-in images ready in $(since "$t0")"
}

# Same lock as base-images.sh: both import images and share its temporary-directory cleanup.
with_lock images 900 standins_main
