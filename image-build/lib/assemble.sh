# The root file system put together from the base (lib/rootfs.sh), the app and its
# arm64 modules (lib/addons.sh), the system files, and the boot partition's
# config; then the manifest, the card image, its compression and its sums.
# Sourced by build-image.sh (ROOT, HERE, WORK, OUT, NAME, VERSION, SUITE, step, die).

RF=""  # the root file system being assembled

assemble_rootfs() {
  local base=$1 kernel initrd units=()
  RF=$WORK/rootfs
  step "root file system: base + app + system files"
  rm -rf "$RF"
  mkdir -p "$RF"
  tar --numeric-owner --xattrs -C "$RF" -xf "$base"

  # The app: what `npm run build` made, its production modules, our addons, the prompts.
  install -d "$RF/opt/dialtone/build/Release" "$RF/opt/dialtone/audio/prompts"
  cp -a "$ROOT/dist" "$RF/opt/dialtone/dist"
  find "$RF/opt/dialtone/dist" \( -name '*.test.js' -o -name 'test-support' -o -name '*.map' \) -prune -exec rm -rf {} +
  cp -a "$WORK/app/node_modules" "$WORK/app/package.json" "$RF/opt/dialtone/"
  cp "$WORK/app/build/Release/"*.node "$RF/opt/dialtone/build/Release/"
  cp "$ROOT/audio/prompts/"*.wav "$RF/opt/dialtone/audio/prompts/"
  chown -R root:root "$RF/opt/dialtone"

  # System files (udev, journald, networkd, mDNS, first boot, users) and the units.
  cp -a "$HERE/rootfs/." "$RF/"
  find "$RF" -name .mountpoint -delete
  chown -R root:root "$RF/etc" "$RF/usr/lib/dialtone" "$RF/usr/lib/sysusers.d"
  for u in "$ROOT"/systemd/*.service "$ROOT"/systemd/*.timer; do
    [[ -f $u ]] || continue
    install -m 0644 "$u" "$RF/etc/systemd/system/"
    grep -q '^\[Install\]' "$u" && units+=("$(basename "$u")")
  done
  chroot "$RF" systemd-sysusers
  chroot "$RF" systemctl enable "${units[@]}" systemd-networkd.service systemd-resolved.service avahi-daemon.service systemd-timesyncd.service

  # The boot partition: our config.txt and cmdline.txt (the kernel's file names filled in), the lines overlay.
  kernel=$(cd "$RF/boot/firmware" && ls vmlinuz-* | sort -V | tail -1)
  initrd=$(cd "$RF/boot/firmware" && ls initrd.img-* | sort -V | tail -1)
  [[ -n $kernel && -n $initrd ]] || die "no kernel or initrd in boot/firmware"
  sed -e "s|@KERNEL@|$kernel|g" -e "s|@INITRD@|$initrd|g" "$ROOT/firmware/config.txt" > "$RF/boot/firmware/config.txt"
  cp "$ROOT/firmware/cmdline.txt" "$RF/boot/firmware/cmdline.txt"
  install -d "$RF/boot/firmware/overlays"
  for dts in "$ROOT"/firmware/overlays/*.dts; do
    dtc -q -@ -I dts -O dtb -o "$RF/boot/firmware/overlays/$(basename "${dts%.dts}").dtbo" "$dts"
  done

  # Every addon loads with the image's own node (arm64, under qemu-user).
  mount -t proc proc "$RF/proc"
  mount --bind /dev "$RF/dev"
  trap 'umount "$RF/proc" "$RF/dev" 2>/dev/null || true' EXIT
  chroot "$RF" /usr/bin/node -e '
    for (const m of ["better-sqlite3", "epoll", "@serialport/bindings-cpp"]) require(require.resolve(m, { paths: ["/opt/dialtone"] }));
    for (const a of ["sd_notify", "alsa_pcm"]) require("/opt/dialtone/build/Release/" + a + ".node");
    const D = require(require.resolve("better-sqlite3", { paths: ["/opt/dialtone"] }));
    console.log("addons load; sqlite", new D(":memory:").prepare("select sqlite_version() v").get().v);
  ' || die "the arm64 addons do not load in the image"
  write_manifest
  umount "$RF/proc" "$RF/dev"
  trap - EXIT
}

# What is in the image, for people and for test/image-manifest.test.ts: versions, and
# the checks that it has no compiler, no private key and no account with a password.
write_manifest() {
  local m=$WORK/manifest.txt tools keys pw
  step "manifest"
  tools=$(chroot "$RF" dpkg-query -W -f '${Package}\n' | grep -xE 'gcc(-[0-9]+)?|g\+\+(-[0-9]+)?|cpp(-[0-9]+)?|clang(-[0-9]+)?|make|binutils(-.*)?|build-essential|libc6-dev|node-gyp' | paste -sd' ' -) || true
  keys=$(grep -rlI --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev -e '-----BEGIN [A-Z ]*PRIVATE KEY-----' "$RF" 2>/dev/null | sed "s|^$RF||" | paste -sd' ' -) || true
  pw=$(awk -F: '$2 !~ /^[*!]/ && $2 != "" { print $1 }' "$RF/etc/shadow" | paste -sd' ' -) || true
  {
    echo "# Dialtone image manifest"
    echo "name: $NAME"
    echo "version: $VERSION"
    echo "commit: $(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "source-date-epoch: $SOURCE_DATE_EPOCH"
    echo "debian: $SUITE arm64"
    echo "node: $(chroot "$RF" /usr/bin/node -p 'process.version + " (ABI " + process.versions.modules + ", N-API " + process.versions.napi + ")"')"
    echo "kernel: $(cd "$RF/boot" && ls vmlinuz-* | sort -V | tail -1 | sed 's/^vmlinuz-//')"
    echo "build-tools: ${tools:-none}"
    echo "private-keys: ${keys:-none}"
    echo "accounts-with-password: ${pw:-none}"
    echo
    echo "## debian-packages"
    chroot "$RF" dpkg-query -W -f '${Package} ${Version} ${Architecture}\n' | sort
    echo
    echo "## npm-packages"
    # (npm ls exits 1 on the packages the pruning orphaned, e.g. prebuild-install's; they are listed too)
    (cd "$WORK/app" && { npm ls --omit=dev --all --parseable --long 2>/dev/null || true; } | sed -n "s|^$WORK/app/node_modules/||p" | cut -d: -f2 | sort -u)
  } > "$m"
  install -D -m 0644 "$m" "$RF/usr/share/dialtone/manifest.txt"
}

# Same inputs, same card. Files the build wrote (the app, the units, the boot
# config ...) get SOURCE_DATE_EPOCH as their time, never the time of the build.
clamp_mtimes() {
  find "$RF" -xdev -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h --no-create -d "@$SOURCE_DATE_EPOCH"
}

# mke2fs -d copies each file's ctime and atime from the copy genimage made (the time
# of the build), which no file tool can set: debugfs sets them, on every inode the
# tree gave the file system, to SOURCE_DATE_EPOCH (mtimes stay the files' own).
# make_image's E2FSPROGS_FAKE_TIME and E2FSCK_TIME do the superblock's times and crtime.
normalise_ext4_times() {
  local fs=$1 tree=$2 stamp cmds
  shift 2
  stamp=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S)
  cmds=$(mktemp)
  # The names as debugfs takes them: /-rooted, in double quotes. A name with a quote or a
  # carriage return is refused here; one with a newline splits and fails in debugfs: both stop the build.
  (cd "$tree" && find . -xdev "$@" -print0) | tr '\0' '\n' | awk -v t="$stamp" '
    /["\r]/ { print "unusable file name for debugfs: " $0 > "/dev/stderr"; bad = 1; next }
    { p = substr($0, 2); if (p == "") p = "/"; printf "sif \"%s\" ctime %s\nsif \"%s\" atime %s\n", p, t, p, t }
    END { exit bad }' > "$cmds" || die "cannot list $tree for debugfs"
  debugfs -w -f "$cmds" "$fs" 2>&1 | grep -v -e '^debugfs[: ]' > "$cmds.out" || true
  [[ ! -s $cmds.out ]] || { cat "$cmds.out" >&2; die "debugfs could not set the times in $(basename "$fs")"; }
  rm -f "$cmds" "$cmds.out"
}

make_image() {
  local size root_mb img fsout=$WORK/gi-fs out=$WORK/gi-out
  clamp_mtimes
  # The superblock's times: mke2fs and debugfs (libext2fs) take E2FSPROGS_FAKE_TIME, e2fsck E2FSCK_TIME.
  export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH E2FSCK_TIME=$SOURCE_DATE_EPOCH
  size=$(du -sm --exclude=./boot/firmware --exclude=./var/lib/dialtone-data "$RF" | cut -f1)
  root_mb=$(( (size * 125 / 100 + 63) / 64 * 64 ))
  step "card image: root ${root_mb} MiB (${size} MiB used), genimage"
  sed -e "s|@ROOT_SIZE@|${root_mb}M|" "$HERE/genimage.cfg.in" > "$WORK/genimage.cfg"
  sed -e "s|@NAME@|$NAME|" "$HERE/genimage-card.cfg.in" > "$WORK/genimage-card.cfg"
  rm -rf "$WORK/gi-tmp" "$fsout" "$out" "$WORK/gi-in"
  mkdir -p "$fsout" "$out" "$WORK/gi-in"
  # 1. the file systems; their inode times made the build's own; 2. the card around them.
  genimage --config "$WORK/genimage.cfg" --rootpath "$RF" --tmppath "$WORK/gi-tmp" --inputpath "$WORK/gi-in" --outputpath "$fsout"
  normalise_ext4_times "$fsout/root.ext4" "$RF" \( -path ./boot/firmware/'*' -o -path ./var/lib/dialtone-data/'*' \) -prune -o
  normalise_ext4_times "$fsout/data.ext4" "$RF/var/lib/dialtone-data"
  rm -rf "$WORK/gi-tmp"
  genimage --config "$WORK/genimage-card.cfg" --rootpath "$RF" --tmppath "$WORK/gi-tmp" --inputpath "$fsout" --outputpath "$out"
  img=$out/$NAME.img
  step "compressing (xz)"
  rm -f "$OUT/$NAME".*
  xz -T0 -6 -c "$img" > "$OUT/$NAME.img.xz"
  cp "$WORK/manifest.txt" "$OUT/$NAME.manifest.txt"
  (cd "$OUT" && sha256sum "$NAME.img.xz" "$NAME.manifest.txt" > "$NAME.sha256")
  rm -rf "$WORK/gi-tmp"
}
