#!/bin/bash
# `npm run image:reproducible`: builds the image twice from the same inputs (this
# commit, the cached base root file system and packages) and says whether the two
# cards are the same, byte for byte; if not, which file system differs. About
# twice the time of `npm run image` with warm caches (20-25 min on 2 cores).
# The second image is left in out/, as `npm run image` leaves it.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=${DIALTONE_IMAGE_WORK:-$HERE/.work}
KEEP=$WORK/reproducible
rm -rf "$KEEP"
mkdir -p "$KEEP"

# The card, its three file systems and the manifest, as sums.
sums() {
  (cd "$WORK" && sha256sum gi-out/*.img gi-fs/firmware.vfat gi-fs/root.ext4 gi-fs/data.ext4 manifest.txt)
  (cd "$HERE/out" && sha256sum ./*.img.xz)
}

for run in 1 2; do
  printf '\n==> build %s of 2\n' "$run"
  bash "$HERE/build-image.sh" all
  sums > "$KEEP/sums-$run.txt"
  # The tree that went into the root file system, to name what moved.
  (cd "$WORK/rootfs" && find . -xdev -printf '%p %m %U:%G %T@ %s\n' | LC_ALL=C sort) > "$KEEP/tree-$run.txt"
done

printf '\n'
if cmp -s "$KEEP/sums-1.txt" "$KEEP/sums-2.txt"; then
  echo "reproducible: both builds made the same card"
  cat "$KEEP/sums-2.txt"
  exit 0
fi
echo "NOT reproducible: these differ between the two builds:"
diff "$KEEP/sums-1.txt" "$KEEP/sums-2.txt" | sed -n 's/^> /  /p'
echo "files of the root file system tree that differ (path, mode, owner, mtime, size):"
diff "$KEEP/tree-1.txt" "$KEEP/tree-2.txt" | sed -n 's/^> /  /p' | head -40
exit 1
