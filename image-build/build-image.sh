#!/bin/bash
# Builds the SD-card image: image-build/out/dialtone-<version>-arm64.img.xz, its
# SHA-256 sum and the manifest of what is in it (`npm run image`, as root, on a
# Debian amd64 machine; the Debian archive and the npm registry are all it needs).
#
#   1. host tools from Debian (mmdebstrap, qemu-user-static, genimage, the arm64
#      cross compiler ...), binfmt_misc for arm64
#   2. the app built on the host (TypeScript → dist/, the web page)
#   3. the base root file system (lib/rootfs.sh): Debian trixie arm64 with the
#      kernel and Pi firmware, cached by its inputs
#   4. production node_modules with their native addons, and our own addons,
#      cross-compiled for arm64 against Debian's Node 20 headers (lib/addons.sh)
#   5. the root file system assembled: the app in /opt/dialtone, the systemd
#      units, the files of rootfs/, config.txt/cmdline.txt and the device-tree
#      overlay on the boot partition, the manifest
#   6. genimage lays out the card (FAT boot, read-only ext4 root, data partition
#      grown on first boot), then xz and sha256sum
#
# Environment: DIALTONE_IMAGE_CACHE (downloads and the base rootfs, kept between
# builds; default ~/.cache/dialtone-image), DIALTONE_IMAGE_WORK (scratch; default
# image-build/.work), DEBIAN_MIRROR (default http://deb.debian.org/debian),
# DIALTONE_SKIP_HOST_TOOLS=1 (the tools are there already).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SUITE=trixie
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CACHE=${DIALTONE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dialtone-image}
WORK=${DIALTONE_IMAGE_WORK:-$HERE/.work}
OUT=$HERE/out
VERSION=$(node -p "require('$ROOT/package.json').version")
NAME=dialtone-$VERSION-arm64
# Reproducible timestamps: the commit's time (mmdebstrap, tar, mke2fs honour it).
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
T0=$(date +%s)

step() { printf '\n==> [%4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { printf 'build-image: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root (mmdebstrap --mode=root, chroot, binfmt)"
[[ $(dpkg --print-architecture) == amd64 ]] || die "build on Debian amd64"
mkdir -p "$CACHE" "$WORK" "$OUT"

# shellcheck source=lib/rootfs.sh
source "$HERE/lib/rootfs.sh"
# shellcheck source=lib/addons.sh
source "$HERE/lib/addons.sh"
# shellcheck source=lib/assemble.sh
source "$HERE/lib/assemble.sh"

host_tools() {
  if [[ ${DIALTONE_SKIP_HOST_TOOLS:-0} != 1 ]]; then
    step "host tools (apt-get)"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
      mmdebstrap qemu-user-static binfmt-support arch-test genimage dosfstools mtools e2fsprogs fdisk \
      device-tree-compiler crossbuild-essential-arm64 pkg-config python3 xz-utils zstd curl ca-certificates file \
      debian-archive-keyring
  fi
  # arm64 maintainer scripts run under qemu-user through binfmt_misc.
  if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || die "cannot mount binfmt_misc"
  fi
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  arch-test arm64 >/dev/null || die "this machine cannot run arm64 binaries (qemu-user-static, binfmt_misc)"
}

build_app() {
  step "the app (npm ci, npm run build) on the host"
  (cd "$ROOT" && npm ci --no-audit --no-fund && npm run -s build)
}

case ${1:-all} in
  all)
    host_tools
    build_app
    base=$(base_rootfs)
    sr=$(sysroot)
    cross_build_app_modules "$sr"
    assemble_rootfs "$base"
    make_image
    step "done: $OUT/$NAME.img.xz ($(du -h "$OUT/$NAME.img.xz" | cut -f1)) in $(($(date +%s) - T0)) s"
    ;;
  rootfs)
    host_tools
    base_rootfs
    ;;
  addons)
    host_tools
    cross_build_app_modules "$(sysroot)"
    ;;
  assemble)
    # The last stages again, on the app built before (dist/, .work/app): for work on the system files.
    host_tools
    assemble_rootfs "$(base_rootfs)"
    make_image
    ;;
  *)
    die "usage: build-image.sh [all|rootfs|addons|assemble]"
    ;;
esac
