#!/usr/bin/env bash
# Builds Funtainer's local base images from binaries on this host, without any registry
# (`docker pull` does not work on our machines). Each image is a minimal root filesystem
# tarball fed to `docker import`.
#
#   bash scripts/base-images.sh [--force] [--list] [IMAGE...]
#
#   funtainer/node-base:local     the host's node (/usr/local/bin/node, /usr/bin/node), its
#                                 shared libraries (ldd, incl. the loader), busybox with applet
#                                 symlinks (/bin/sh ...), users root / node (1000:1000) / nobody.
#                                 Tests use it as  --build-arg NODE_IMAGE=funtainer/node-base:local
#   funtainer/busybox-base:local  the same glibc libraries and busybox, but NO node: a glibc
#                                 image into which a Node single-executable watchdog is copied.
#
# Idempotent: an image is skipped when it exists and its label funtainer.base.fingerprint
# matches the inputs (host file sizes/mtimes, node version, this script's build logic).
# A changed host node version therefore rebuilds node-base. --force rebuilds regardless.
#
# Adding an image: write a function  image_<name_with_underscores>  that calls
# build_rootfs_image with --bin / --file / --link / --change options, and add <name> to IMAGES.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
_log_prefix=images
# shellcheck source=scripts/lib.sh
. "$SCRIPT_DIR/lib.sh"

IMAGES=(node-base busybox-base)
IMAGE_PREFIX="${FUNTAINER_IMAGE_PREFIX:-funtainer}"
IMAGE_TAG="${FUNTAINER_IMAGE_TAG:-local}"
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
BUSYBOX="${FUNTAINER_BUSYBOX:-/bin/busybox}"

FORCE=0
REBUILD_REASON=""   # set by an image function to rebuild even when the fingerprint matches
SELECTED=()
for arg in "$@"; do
  case "$arg" in
    --force|-f) FORCE=1 ;;
    --list) printf '%s\n' "${IMAGES[@]}"; exit 0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option: $arg (try --help)" ;;
    *) SELECTED+=("$arg") ;;
  esac
done

# ============================================================ rootfs helpers
# All paths given to these helpers are HOST paths; they are copied to the same place in the
# rootfs, with symlinks (of the file itself and of any directory on the way, e.g. /lib ->
# usr/lib, /lib64/ld-linux-x86-64.so.2 -> /lib/...) recreated as symlinks. The helpers never
# follow a symlink inside the rootfs (one could point back to the host), only fully resolved
# host directories are created there.

# elf_libs BINARY: the shared libraries (absolute paths, incl. the dynamic loader) it loads.
elf_libs() {
  local bin=$1 out
  if ! out=$(LC_ALL=C ldd "$bin" 2>&1); then
    if [[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]]; then return 0; fi
    die "ldd $bin failed: $out"
  fi
  if grep -q 'not found' <<<"$out"; then die "ldd $bin: missing libraries:"$'\n'"$out"; fi
  awk '$2 == "=>" && $3 ~ /^\// { print $3; next } $1 ~ /^\// { print $1 }' <<<"$out"
}

# _rootfs_dir ROOT HOSTDIR: make HOSTDIR exist in ROOT, mirroring symlinked components.
_rootfs_dir() {
  local root=$1 dir=$2 cur="" comp loc rparent
  local -a comps
  IFS=/ read -ra comps <<<"${dir#/}"
  for comp in "${comps[@]}"; do
    [[ -n $comp ]] || continue
    rparent=$(realpath -e -- "${cur:-/}")
    cur="$cur/$comp"
    loc="$root${rparent%/}/$comp"
    if [[ -L $cur ]]; then
      [[ -e $loc || -L $loc ]] || ln -s -- "$(readlink -- "$cur")" "$loc"
      _rootfs_dir "$root" "$(realpath -e -- "$cur")"
    elif [[ ! -e $loc && ! -L $loc ]]; then
      mkdir -m 755 -- "$loc"
    fi
  done
}

# rootfs_add_path ROOT HOSTPATH: copy a file (or symlink chain, or empty dir) to the same path.
rootfs_add_path() {
  local root=$1 p parent rparent dest target
  p=$(realpath -s -m -- "$2")
  [[ -e $p || -L $p ]] || die "no such file on this host: $p"
  parent=${p%/*}; parent=${parent:-/}
  _rootfs_dir "$root" "$parent"
  rparent=$(realpath -e -- "$parent")
  dest="$root${rparent%/}/${p##*/}"
  [[ -e $dest || -L $dest ]] && return 0
  if [[ -L $p ]]; then
    target=$(readlink -- "$p")
    ln -s -- "$target" "$dest"
    [[ $target == /* ]] || target="$rparent/$target"
    rootfs_add_path "$root" "$target"
  elif [[ -d $p ]]; then
    mkdir -p -- "$dest"
  else
    cp -p -- "$p" "$dest"
  fi
}

# rootfs_add_file ROOT HOSTFILE DEST: copy the (dereferenced) file to DEST (an image path),
# creating plain directories. DEST's parent must not cross a rootfs symlink except the
# top-level merged-/usr ones, which the skeleton makes relative.
rootfs_add_file() {
  local root=$1 src=$2 dest=$3
  [[ -f $src ]] || die "no such file on this host: $src"
  mkdir -p -- "$root$(dirname -- "$dest")"
  cp -L -p -- "$src" "$root$dest"
}

# rootfs_init ROOT: skeleton with the host's /bin,/lib... layout (merged /usr or not),
# /etc/passwd + /etc/group (root, node 1000:1000 like the official node image, nobody),
# /tmp 1777, /home/node, /root.
rootfs_init() {
  local root=$1 d
  for d in bin sbin lib lib32 lib64 libx32; do
    if [[ -L /$d ]]; then
      _rootfs_dir "$root" "/$d"
    elif [[ $d == bin || $d == sbin || $d == lib ]]; then
      mkdir -p "$root/$d"
    fi
  done
  mkdir -p "$root"/{etc,dev,proc,sys,run,home/node,root,tmp,var/tmp,usr/bin,usr/sbin,usr/lib,usr/local/bin,usr/local/sbin}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 700 "$root/root"
  chmod 755 "$root/home/node"
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
node:x:1000:1000::/home/node:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
node:x:1000:
nogroup:x:65534:
EOF
  printf 'root:*::0:::::\nnode:!::0:::::\nnobody:*::0:::::\n' >"$root/etc/shadow"
  chmod 640 "$root/etc/shadow"
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# rootfs_add_binary ROOT HOSTBIN [DEST]: the binary (at DEST, default its own path) plus
# every shared library ldd lists for it.
rootfs_add_binary() {
  local root=$1 bin=$2 dest=${3:-} lib
  bin=$(command -v -- "$bin") || die "binary not found on this host: $2"
  if [[ -n $dest ]]; then rootfs_add_file "$root" "$bin" "$dest"; else rootfs_add_path "$root" "$bin"; fi
  while IFS= read -r lib; do rootfs_add_path "$root" "$lib"; done < <(elf_libs "$(realpath -e "$bin")")
}

# rootfs_add_busybox ROOT: $BUSYBOX at /bin/busybox plus a symlink per applet (/bin/sh, ...),
# never replacing a file already in the rootfs.
rootfs_add_busybox() {
  local root=$1 applet link n=0
  [[ -x $BUSYBOX ]] || die "$BUSYBOX not found (Debian package busybox-static; run scripts/env.sh)"
  rootfs_add_binary "$root" "$BUSYBOX" /bin/busybox
  while IFS= read -r applet; do
    [[ -n $applet ]] || continue
    applet=${applet#/}
    link="$root/$applet"
    [[ -d ${link%/*} ]] || mkdir -p "${link%/*}"
    if [[ ! -e $link && ! -L $link ]]; then ln -s /bin/busybox "$link"; n=$((n + 1)); fi
  done < <("$BUSYBOX" --list-full 2>/dev/null || "$BUSYBOX" --list | sed 's|^|bin/|')
  [[ -e "$root/bin/sh" ]] || die "busybox provides no sh applet"
  BUSYBOX_APPLETS=$n
}

# ============================================================ image builder
image_label() {
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

# build_rootfs_image TAG [options]
#   --bin SRC[:DEST]     host binary (PATH lookup ok) + its ldd libraries; DEST default = same path
#   --libs-of BIN        only the ldd libraries of BIN
#   --file SRC[:DEST]    a plain host file (DEST default = same path, symlinks preserved)
#   --link PATH=TARGET   symlink in the image
#   --busybox            busybox + applet symlinks
#   --change INSTR       docker import --change (ENV/CMD/LABEL/WORKDIR/USER/ENTRYPOINT ...)
#   --check CMD          smoke test run with `docker run --rm TAG sh -c CMD` after the build
#   --fingerprint-extra S  anything else that should trigger a rebuild when it changes
# Skips the build when TAG exists with the same fingerprint (unless --force or REBUILD_REASON).
build_rootfs_image() {
  local tag=$1; shift
  local -a bins=() libs_of=() files=() links=() changes=() checks=()
  local busybox=0 extra="" opt
  while [[ $# -gt 0 ]]; do
    opt=$1; shift
    case "$opt" in
      --bin) bins+=("$1"); shift ;;
      --libs-of) libs_of+=("$1"); shift ;;
      --file) files+=("$1"); shift ;;
      --link) links+=("$1"); shift ;;
      --busybox) busybox=1 ;;
      --change) changes+=("$1"); shift ;;
      --check) checks+=("$1"); shift ;;
      --fingerprint-extra) extra+="$1"$'\n'; shift ;;
      *) die "build_rootfs_image: unknown option $opt" ;;
    esac
  done

  # ---- fingerprint of every input: host files (size + mtime), options, builder logic
  local -a sources=() resolved=()
  local s b
  for s in "${bins[@]+"${bins[@]}"}"; do
    b=$(command -v -- "${s%%:*}") || die "$tag: binary not found on this host: ${s%%:*}"
    sources+=("$b"); resolved+=("$b")
  done
  for s in "${libs_of[@]+"${libs_of[@]}"}"; do
    b=$(command -v -- "$s") || die "$tag: binary not found on this host: $s"
    resolved+=("$b")
  done
  for s in "${files[@]+"${files[@]}"}"; do sources+=("${s%%:*}"); done
  [[ $busybox == 1 ]] && { sources+=("$BUSYBOX"); resolved+=("$BUSYBOX"); }
  for b in "${resolved[@]+"${resolved[@]}"}"; do
    while IFS= read -r s; do sources+=("$s"); done < <(elf_libs "$(realpath -e "$b")")
  done
  local fingerprint
  fingerprint=$(
    {
      printf 'tag=%s\nbusybox=%s\n%s\n' "$tag" "$busybox" "$extra"
      printf 'bin=%s\n' "${bins[@]+"${bins[@]}"}"; printf 'libs-of=%s\n' "${libs_of[@]+"${libs_of[@]}"}"
      printf 'file=%s\n' "${files[@]+"${files[@]}"}"; printf 'link=%s\n' "${links[@]+"${links[@]}"}"
      printf 'change=%s\n' "${changes[@]+"${changes[@]}"}"
      for s in "${sources[@]+"${sources[@]}"}"; do stat -L -c '%n %s %Y' -- "$s"; done
      declare -f elf_libs _rootfs_dir rootfs_add_path rootfs_add_file rootfs_init rootfs_add_binary \
        rootfs_add_busybox build_rootfs_image
    } | sha256sum | cut -c1-32
  )

  local old
  old=$(image_label "$tag" funtainer.base.fingerprint)
  if [[ $FORCE == 0 && -n $old && $old == "$fingerprint" && -z ${REBUILD_REASON:-} ]]; then
    log "$tag: already built ($(human_size "$(docker image inspect -f '{{.Size}}' "$tag")"), inputs unchanged)"
    return 0
  fi
  if [[ $FORCE == 1 ]]; then log "$tag: building (--force)"
  elif [[ -z $old ]]; then log "$tag: building (not present)"
  elif [[ -n ${REBUILD_REASON:-} ]]; then log "$tag: rebuilding ($REBUILD_REASON)"
  else log "$tag: rebuilding (inputs changed: host binaries, options or build logic)"
  fi

  # ---- rootfs
  local start work root
  start=$(now)
  work=$(mktemp -d "${TMPDIR:-/tmp}/funtainer-rootfs.XXXXXX")
  CLEANUP_DIRS+=("$work")
  root="$work/rootfs"
  mkdir -m 755 "$root"
  rootfs_init "$root"
  for s in "${bins[@]+"${bins[@]}"}"; do
    if [[ $s == *:* ]]; then rootfs_add_binary "$root" "${s%%:*}" "${s#*:}"; else rootfs_add_binary "$root" "$s"; fi
  done
  for s in "${libs_of[@]+"${libs_of[@]}"}"; do
    while IFS= read -r b; do rootfs_add_path "$root" "$b"; done < <(elf_libs "$(realpath -e "$(command -v "$s")")")
  done
  for s in "${files[@]+"${files[@]}"}"; do
    if [[ $s == *:* ]]; then rootfs_add_file "$root" "${s%%:*}" "${s#*:}"; else rootfs_add_path "$root" "$s"; fi
  done
  if [[ $busybox == 1 ]]; then
    rootfs_add_busybox "$root"
    log "$tag: busybox with $BUSYBOX_APPLETS applet links"
  fi
  for s in "${links[@]+"${links[@]}"}"; do
    mkdir -p "$root$(dirname "${s%%=*}")"
    ln -sfn -- "${s#*=}" "$root${s%%=*}"
  done

  # ---- tarball: everything root-owned, /home/node owned by node (1000:1000)
  local tarball="$work/rootfs.tar"
  tar --numeric-owner --owner=0 --group=0 --exclude=./home/node -C "$root" -cf "$tarball" .
  tar --numeric-owner --owner=1000 --group=1000 -C "$root" -rf "$tarball" ./home/node
  log "$tag: rootfs $(du -sh --apparent-size "$root" | cut -f1) ($(find "$root" -type f | wc -l) files) in $(since "$start")"

  # ---- import
  local -a import_args=(--change "ENV PATH=$BASE_PATH" --change "LABEL funtainer.base.fingerprint=$fingerprint")
  for s in "${changes[@]+"${changes[@]}"}"; do import_args+=(--change "$s"); done
  local id
  id=$(docker import "${import_args[@]}" --message "funtainer scripts/base-images.sh" "$tarball" "$tag") \
    || die "$tag: docker import failed"
  log "$tag: imported ${id#sha256:} ($(human_size "$(docker image inspect -f '{{.Size}}' "$tag")")) in $(since "$start")"

  # ---- smoke tests
  local c outp
  for c in "${checks[@]+"${checks[@]}"}"; do
    if ! outp=$(timeout 120 docker run --rm --network none "$tag" /bin/sh -c "$c" 2>&1); then
      printf '%s\n' "$outp" >&2
      die "$tag: smoke test failed: $c"
    fi
    log "$tag: check '$c' -> $(tr '\n' ' ' <<<"$outp" | cut -c1-100)"
  done
  rm -rf "$work"
}

# ============================================================ images
host_node() { command -v node || die "node not found on PATH (Node 20 is required)"; }

image_node_base() {
  local node version
  node=$(host_node)
  version=$("$node" -p process.version)
  local tag="$IMAGE_PREFIX/node-base:$IMAGE_TAG" old
  old=$(image_label "$tag" funtainer.node-version)
  if [[ -n $old && $old != "$version" ]]; then REBUILD_REASON="host node changed $old -> $version"; fi
  build_rootfs_image "$tag" \
    --bin "$node:/usr/local/bin/node" \
    --link /usr/bin/node=/usr/local/bin/node \
    --busybox \
    --fingerprint-extra "node-version=$version" \
    --change "ENV NODE_VERSION=${version#v}" \
    --change "LABEL funtainer.node-version=$version" \
    --change 'CMD ["node"]' \
    --check 'node -e "console.log(process.version, process.arch, require(\"os\").userInfo().username)"' \
    --check 'su node -s /bin/sh -c "id && touch /tmp/x /home/node/x"'
  REBUILD_REASON=""
}

image_busybox_base() {
  local node version
  node=$(host_node)
  version=$("$node" -p process.version)
  build_rootfs_image "$IMAGE_PREFIX/busybox-base:$IMAGE_TAG" \
    --libs-of "$node" \
    --busybox \
    --change "LABEL funtainer.libs-for=node-$version" \
    --change 'CMD ["sh"]' \
    --check 'echo hi | sha512sum | cut -c1-16; ! command -v node' \
    --check 'ls /lib/x86_64-linux-gnu 2>/dev/null || ls /lib /lib64'
}

CLEANUP_DIRS=()
cleanup() { if [[ ${#CLEANUP_DIRS[@]} -gt 0 ]]; then rm -rf "${CLEANUP_DIRS[@]}"; fi; }

main() {
  trap cleanup EXIT
  have docker || die "docker not installed (run scripts/env.sh)"
  timeout 20 docker info >/dev/null 2>&1 || die "docker daemon not reachable (run scripts/env.sh)"
  local t0 name fn
  t0=$(now)
  [[ ${#SELECTED[@]} -gt 0 ]] || SELECTED=("${IMAGES[@]}")
  for name in "${SELECTED[@]}"; do
    fn="image_${name//-/_}"
    declare -F "$fn" >/dev/null || die "unknown image '$name' (known: ${IMAGES[*]})"
    "$fn"
  done
  log "base images ready in $(since "$t0")"
}

with_lock images 900 main
