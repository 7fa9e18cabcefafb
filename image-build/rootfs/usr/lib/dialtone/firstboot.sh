#!/bin/sh
# Dialtone: once per card (dialtone-firstboot.service), on the first boot:
#   1. grow the data partition (the last one on the card) to the end of the card
#      and its ext4 file system with it, online;
#   2. make the admin page's TLS key and self-signed certificate for this box
#      (/var/lib/dialtone/tls/admin.key, admin.crt): no key is shared between
#      cards, none is in the image;
#   3. mark the card done (/var/lib/dialtone-data/.firstboot-done).
# The hostname (dialtone-XXXX) is made earlier, by dialtone-data.service.
# There is no default password: the admin password is chosen in the browser on
# the first visit.
#
# Idempotent and safe to re-run after a power cut at any point: each step checks
# whether it is already done, files are written under a temporary name and
# renamed, and the marker is written last, so an interrupted first boot is
# simply done again on the next boot.
set -eu

DATA=${DIALTONE_DATA:-/var/lib/dialtone-data}
APP_DATA=${DIALTONE_APP_DATA:-/var/lib/dialtone}
MARKER="$DATA/.firstboot-done"
# Leave the partition alone if less than this much (512-byte sectors) is free
# after it: sfdisk aligns to 1 MiB, so a grown partition can end up to 1 MiB
# short of the end.
MIN_GROW_SECTORS=8192

log() { printf 'dialtone-firstboot: %s\n' "$*"; }

# --- 1. grow the data partition and its file system ------------------------------
grow_data_partition() {
	dev=$(findmnt -n -o SOURCE --target "$DATA" 2>/dev/null || true)
	if [ -z "$dev" ] || [ ! -b "$dev" ] || ! mountpoint -q "$DATA"; then
		log "$DATA is not mounted from a block device ($dev); not growing"
		return 0
	fi
	part=$(basename "$(readlink -f "$dev")")
	disk=$(lsblk -n -d -o PKNAME "/dev/$part" 2>/dev/null | head -n 1)
	sys_part=/sys/class/block/$part
	if [ -z "$disk" ] || [ ! -r "$sys_part/partition" ]; then
		log "$dev is not a partition of a disk; not growing"
		return 0
	fi
	partnum=$(cat "$sys_part/partition")
	start=$(cat "$sys_part/start")
	size=$(cat "$sys_part/size")
	disk_size=$(cat "/sys/class/block/$disk/size")

	# Only the last partition can grow into the free space behind it.
	for other in /sys/class/block/"$disk"/"$disk"*; do
		[ -r "$other/start" ] || continue
		if [ "$(cat "$other/start")" -gt "$start" ]; then
			log "partition $partnum of /dev/$disk is not the last one; not growing"
			return 0
		fi
	done

	free=$((disk_size - start - size))
	if [ "$free" -ge "$MIN_GROW_SECTORS" ]; then
		log "growing partition $partnum of /dev/$disk ($((size / 2048)) MiB, $((free / 2048)) MiB free after it)"
		# ', +': same start, as large as possible. --no-reread: the disk is in
		# use (root and data are mounted); sfdisk then tells the kernel about the
		# resized partition itself (BLKPG), and partx -u makes sure of it.
		echo ', +' | sfdisk --no-reread --quiet -N "$partnum" "/dev/$disk"
		partx -u --nr "$partnum" "/dev/$disk" 2>/dev/null || true
		new_size=$(cat "$sys_part/size")
		if [ "$new_size" -le "$size" ]; then
			# The table on the card is grown, but the kernel still has the old
			# size. Fail without the marker: on the next boot the kernel reads
			# the new table and resize2fs (here and x-systemd.growfs) grows.
			log "the kernel did not take the new size of partition $partnum; the next boot finishes"
			return 1
		fi
		log "partition $partnum is now $((new_size / 2048)) MiB"
	else
		log "partition $partnum of /dev/$disk already reaches the end of the card"
	fi

	# Online grow of the mounted ext4 to the partition; a no-op ("Nothing to
	# do!") when they already match, so it also finishes a grow cut short.
	log "resizing the file system on $dev"
	resize2fs "$dev"
}

# --- 2. the admin page's TLS key and certificate -----------------------------------
# openssl can read the pair and the certificate is for this key.
tls_pair_ok() {
	[ -s "$1" ] && [ -s "$2" ] || return 1
	cert_pub=$(openssl x509 -in "$2" -noout -pubkey 2>/dev/null) || return 1
	key_pub=$(openssl pkey -in "$1" -pubout 2>/dev/null) || return 1
	[ -n "$cert_pub" ] && [ "$cert_pub" = "$key_pub" ]
}

make_tls_identity() {
	tls_dir="$APP_DATA/tls"
	key="$tls_dir/admin.key"
	crt="$tls_dir/admin.crt"
	host=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)

	# The app makes its SIP TLS pair in this directory as the dialtone user, so
	# it must be the user's.
	mkdir -p "$tls_dir"
	chown dialtone:dialtone "$APP_DATA" "$tls_dir"
	chmod 0700 "$tls_dir"

	if tls_pair_ok "$key" "$crt"; then
		log "TLS key and certificate already in $tls_dir"
		return 0
	fi
	log "making the admin TLS key and certificate for $host.local in $tls_dir"
	rm -f "$key.new" "$crt.new"
	(
		umask 077
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
			-subj "/CN=$host.local" \
			-addext "subjectAltName=DNS:$host.local,DNS:dialtone.local" \
			-keyout "$key.new" -out "$crt.new" 2>&1
	)
	chown dialtone:dialtone "$key.new" "$crt.new"
	chmod 0600 "$key.new"
	chmod 0644 "$crt.new"
	sync "$key.new" "$crt.new" 2>/dev/null || sync
	# Key first, certificate last: a crash in between leaves a pair that does not
	# match, which tls_pair_ok refuses and the next run replaces.
	mv -f "$key.new" "$key"
	mv -f "$crt.new" "$crt"
}

# --- main -----------------------------------------------------------------------------
if [ -e "$MARKER" ] && [ "${1:-}" != "--force" ]; then
	log "already done for this card ($MARKER)"
	exit 0
fi
log "first boot of this card"
# The TLS pair first: it is quick and does not depend on the grow, which can
# leave the rest to the next boot.
make_tls_identity
grow_data_partition
date -u +%Y-%m-%dT%H:%M:%SZ > "$MARKER.tmp"
sync "$MARKER.tmp" 2>/dev/null || sync
mv -f "$MARKER.tmp" "$MARKER"
sync
log "done"
