# The app's production node_modules and native addons for arm64, cross-compiled on
# the host (measured: about 1 min, against 10 min inside the arm64 root under
# qemu-user). Sourced by build-image.sh (CACHE, WORK, ROOT, MIRROR, SUITE, step, die).
#
# - The sysroot is Debian trixie arm64 with the headers the addons compile
#   against: Node 20's (libnode-dev: include/node with common.gypi and
#   config.gypi, so node-gyp downloads nothing), libc, libstdc++, ALSA.
# - better-sqlite3 is built from source (its prebuilt download would come from
#   GitHub); epoll (onoff) from source; serialport's bindings ship an arm64 N-API
#   prebuild, used when npm skips its install script, else built too.
# - Our own addons (binding.gyp: sd_notify, alsa_pcm) with the same compiler;
#   pkg-config looks in the sysroot for alsa.pc.
# The result is checked by loading every addon with the image's own node under
# qemu-user (assemble, in build-image.sh).

SYSROOT_PACKAGES=(libnode-dev libc6-dev libstdc++-14-dev libasound2-dev)

sysroot() {
  local key tarball out
  key=$(printf '%s\n' "$SUITE" "$(mirror_release_date)" "${SYSROOT_PACKAGES[*]}" | sha256sum | cut -c1-16)
  tarball="$CACHE/sysroot-$SUITE-arm64-$key.tar"
  out="$WORK/sysroot"
  rm -rf "$out"
  if [[ ! -f $tarball ]]; then
    step "arm64 sysroot: mmdebstrap ${SYSROOT_PACKAGES[*]}" >&2
    mkdir -p "$CACHE/debs"
    mmdebstrap --mode=root --variant=minbase --architectures=arm64 \
      --skip=download/empty --skip=essential/unlink \
      --aptopt='APT::Install-Recommends "false"' \
      --include="$(IFS=,; echo "${SYSROOT_PACKAGES[*]}")" \
      --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
      --setup-hook="sync-in $CACHE/debs /var/cache/apt/archives/" \
      --customize-hook="sync-out /var/cache/apt/archives $CACHE/debs" \
      --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
      "$SUITE" "$out" "deb $MIRROR $SUITE main" >&2
    tar --numeric-owner -C "$out" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  else
    step "arm64 sysroot: cached" >&2
    mkdir -p "$out"
    tar --numeric-owner -C "$out" -xf "$tarball"
  fi
  echo "$out"
}

# Builds $WORK/app: package.json, node_modules (production, arm64) and build/Release/*.node.
cross_build_app_modules() {
  local sr=$1 app=$WORK/app gyp
  rm -rf "$app"
  mkdir -p "$app/src/systemd" "$app/audio/alsa"
  cp "$ROOT/package.json" "$ROOT/package-lock.json" "$ROOT/binding.gyp" "$app/"
  cp -a "$ROOT/src/systemd/native" "$app/src/systemd/"
  cp -a "$ROOT/audio/alsa/native" "$app/audio/alsa/"
  step "production node_modules (npm ci --omit=dev)"
  (cd "$app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund)

  local -a cross=(
    npm_config_arch=arm64 npm_config_target_arch=arm64 npm_config_nodedir="$sr/usr"
    npm_config_build_from_source=better-sqlite3
    CC="aarch64-linux-gnu-gcc --sysroot=$sr" CXX="aarch64-linux-gnu-g++ --sysroot=$sr"
    LINK="aarch64-linux-gnu-g++ --sysroot=$sr" AR=aarch64-linux-gnu-ar
    PKG_CONFIG_SYSROOT_DIR="$sr" PKG_CONFIG_LIBDIR="$sr/usr/lib/aarch64-linux-gnu/pkgconfig:$sr/usr/share/pkgconfig"
  )
  step "native addons, cross-compiled for arm64 against Node ABI $(sed -n 's/^#define NODE_MODULE_VERSION \([0-9]*\)$/\1/p' "$sr/usr/include/node/node_version.h")"
  (cd "$app" && env "${cross[@]}" npm rebuild better-sqlite3 epoll @serialport/bindings-cpp --foreground-scripts)
  gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  [[ -f $gyp ]] || die "node-gyp not found beside npm ($gyp)"
  (cd "$app" && env "${cross[@]}" node "$gyp" rebuild --arch=arm64 --nodedir="$sr/usr")
  for f in "$app/build/Release/sd_notify.node" "$app/build/Release/alsa_pcm.node" "$app/node_modules/better-sqlite3/build/Release/better_sqlite3.node"; do
    file -b "$f" | grep -q 'ARM aarch64' || die "$f is not an arm64 object: $(file -b "$f")"
  done
  prune_app_modules "$app"
}

# Drops what only building needed (sources, objects, other platforms' prebuilds): 33 MB → about 18 MB.
prune_app_modules() {
  local app=$1 nm=$1/node_modules
  rm -rf "$app/build/Release/obj.target" "$app/build/Release/.deps" "$app/build/Makefile" "$app/build/"*.mk "$app/build/config.gypi"
  rm -rf "$nm/better-sqlite3/deps" "$nm/better-sqlite3/src" "$nm/better-sqlite3/build/Release/obj.target" \
    "$nm/better-sqlite3/build/Release/.deps" "$nm/better-sqlite3/build/Release/test_extension.node" "$nm/better-sqlite3/build/deps" \
    "$nm/better-sqlite3/build/Release/obj" "$nm/better-sqlite3/build/Release/sqlite3.a" \
    "$nm/better-sqlite3/build/"*.mk "$nm/better-sqlite3/build/Makefile" \
    "$nm/epoll/build/Release/obj.target" "$nm/epoll/build/Release/.deps" \
    "$nm/@serialport/bindings-cpp/build/Release/obj.target" "$nm/@serialport/bindings-cpp/build/Release/.deps" \
    "$nm/nan" "$nm/node-addon-api" "$nm/prebuild-install"
  if [[ -d $nm/@serialport/bindings-cpp/prebuilds ]]; then
    find "$nm/@serialport/bindings-cpp/prebuilds" -mindepth 1 -maxdepth 1 ! -name linux-arm64 -exec rm -rf {} +
  fi
}
