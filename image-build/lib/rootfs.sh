# The base root file system: Debian trixie arm64 from packages.txt, with the
# kernel's initramfs made once, as a tarball kept in the cache under a key of
# everything that goes into it (the package list, this file, the suite, and the
# mirror's Release date), so a rebuild with the same inputs takes it from there.
# Sourced by build-image.sh; uses its variables (CACHE, WORK, MIRROR, SUITE,
# SOURCE_DATE_EPOCH) and functions (step, die).
#
# Measured recipe: ../../shared/notes/image-build.md (beside the project), with
# the trixie names. Under qemu-user the slow part is update-initramfs, so it is
# diverted while packages install and run once at the end.

# What goes into the initramfs from us (the machine-ID hook); part of the key.
INITRAMFS_FILES=$HERE/rootfs/etc/initramfs-tools

# The archive's state: the Date of the suite's InRelease (it changes when packages do).
mirror_release_date() {
  curl -fsS --max-time 30 "$MIRROR/dists/$SUITE/InRelease" | sed -n 's/^Date: //p' | head -1 || die "cannot read $MIRROR/dists/$SUITE/InRelease"
}

base_rootfs_key() {
  local release
  release=$(mirror_release_date)
  { printf '%s\n' "$SUITE" "$release"; cat "$HERE/packages.txt" "$HERE/lib/rootfs.sh"; find "$INITRAMFS_FILES" -type f -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -c1-16
}

# Prints the path of the base rootfs tarball, building it if the cache has none for these inputs.
base_rootfs() {
  local key tarball out debs pkgs
  key=$(base_rootfs_key)
  tarball="$CACHE/rootfs-$SUITE-arm64-$key.tar"
  if [[ -f $tarball ]]; then
    step "base rootfs: cached ($tarball)" >&2
    echo "$tarball"
    return
  fi
  out="$WORK/base-rootfs"
  debs="$CACHE/debs"
  mkdir -p "$debs"
  rm -rf "$out"
  pkgs=$(grep -v '^\s*\(#\|$\)' "$HERE/packages.txt" | paste -sd, -)
  step "base rootfs: mmdebstrap $SUITE arm64 (about 15 min cold, most of it the initramfs under qemu-user)" >&2
  mmdebstrap --mode=root --variant=minbase --architectures=arm64 \
    --skip=download/empty --skip=essential/unlink \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --include="$pkgs" \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
    --setup-hook="sync-in $debs /var/cache/apt/archives/" \
    --essential-hook='chroot "$1" dpkg-divert --local --rename --divert /usr/sbin/update-initramfs.real --add /usr/sbin/update-initramfs' \
    --essential-hook='printf "#!/bin/sh\necho update-initramfs: deferred by the image build >&2\nexit 0\n" > "$1"/usr/sbin/update-initramfs; chmod 755 "$1"/usr/sbin/update-initramfs' \
    --customize-hook="sync-out /var/cache/apt/archives $debs" \
    --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
    --customize-hook='sed -i -e "s|^#\?ROOTPART=.*|ROOTPART=LABEL=RASPIROOT|" -e "s|^#\?CONSOLES=.*|CONSOLES=\"ttyS1,115200 tty0\"|" "$1"/etc/default/raspi-firmware' \
    --customize-hook='sed -i "s|^COMPRESS=.*|COMPRESS=zstd|" "$1"/etc/initramfs-tools/initramfs.conf' \
    --customize-hook="cp -a $INITRAMFS_FILES/. \"\$1\"/etc/initramfs-tools/" \
    --customize-hook='chown -R root:root "$1"/etc/initramfs-tools; chmod 755 "$1"/etc/initramfs-tools/scripts/*/*' \
    --customize-hook='rm "$1"/usr/sbin/update-initramfs; chroot "$1" dpkg-divert --local --rename --remove /usr/sbin/update-initramfs' \
    --customize-hook='chroot "$1" update-initramfs -c -k all' \
    --customize-hook='rm -f "$1"/boot/*.dpkg-bak "$1"/boot/firmware/*.dpkg-bak' \
    "$SUITE" "$out" \
    "deb $MIRROR $SUITE main non-free-firmware" \
    "deb $MIRROR $SUITE-updates main non-free-firmware" \
    "deb $SECURITY_MIRROR $SUITE-security main non-free-firmware" >&2
  tar --numeric-owner --xattrs -C "$out" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
  rm -rf "$out"
  echo "$tarball"
}
