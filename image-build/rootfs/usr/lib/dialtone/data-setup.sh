#!/bin/sh
# Dialtone: prepare the data partition on every boot (dialtone-data.service).
#
# Runs early (before local-fs.target), right after /var/lib/dialtone-data is
# mounted and before the bind mounts of /etc/fstab that need its directories:
#   1. makes the bind-mount sources: dialtone/ (the app), log/ (/var/log, the
#      journal), systemd/ (/var/lib/systemd, seeded once from the read-only root);
#   2. keeps the machine ID: saves the one systemd chose on the first boot, which
#      the initramfs (scripts/local-bottom/dialtone-machine-id) puts back on every
#      later boot;
#   3. makes the box's hostname (dialtone-XXXX, stored in hostname/) on the first
#      boot and applies it on every boot, before networkd and avahi start.
# Idempotent: every step checks before it acts and writes through a temporary
# file and rename, so a power cut at any point is repaired on the next boot.
set -eu

DATA=${DIALTONE_DATA:-/var/lib/dialtone-data}
ROOT_VAR_LIB_SYSTEMD=/var/lib/systemd   # still the read-only root's copy here
# Overridable for tests only.
MACHINE_ID_FILE=${DIALTONE_MACHINE_ID_FILE:-/etc/machine-id}
KERNEL_HOSTNAME=${DIALTONE_KERNEL_HOSTNAME:-/proc/sys/kernel/hostname}
ROOT_VAR_LIB_SYSTEMD=${DIALTONE_ROOT_VAR_LIB_SYSTEMD:-$ROOT_VAR_LIB_SYSTEMD}

log() { printf 'dialtone-data: %s\n' "$*"; }

# Write stdin to $1 atomically (temporary file, fsync via sync, rename).
write_atomic() {
	tmp="$1.tmp.$$"
	cat > "$tmp"
	sync "$tmp" 2>/dev/null || sync
	mv -f "$tmp" "$1"
}

# --- 1. bind-mount sources ------------------------------------------------
if ! mountpoint -q "$DATA"; then
	log "$DATA is not a mount point; refusing to write to the read-only root"
	exit 1
fi

if [ ! -d "$DATA/dialtone" ]; then
	log "creating $DATA/dialtone (the app's data directory)"
	mkdir -p "$DATA/dialtone"
fi
# dialtone.service's StateDirectory= fixes owner and mode on start; this only
# makes a fresh directory private at once.
if getent passwd dialtone >/dev/null 2>&1; then
	chown dialtone:dialtone "$DATA/dialtone" 2>/dev/null || true
fi
chmod 0750 "$DATA/dialtone"

if [ ! -d "$DATA/log/journal" ]; then
	log "creating $DATA/log/journal (the persistent journal)"
	mkdir -p "$DATA/log/journal"
fi
# As systemd's tmpfiles.d/journal-nocow.conf and systemd.conf want it; the ACLs
# for adm/wheel are left to systemd-tmpfiles.
chgrp systemd-journal "$DATA/log/journal" 2>/dev/null || true
chmod 2755 "$DATA/log/journal"

# /var/lib/systemd: copied once from the root's (catalog, deb-systemd-helper
# state, the timesync/ directory owned by systemd-timesync, the build's clock),
# so owners and contents are what the packages made. The marker is written last:
# a copy cut short by a power cut is redone.
if [ ! -e "$DATA/systemd/.seeded" ]; then
	if mountpoint -q "$ROOT_VAR_LIB_SYSTEMD"; then
		log "$ROOT_VAR_LIB_SYSTEMD is already a mount point; cannot seed from the root"
	else
		log "seeding $DATA/systemd from the root's $ROOT_VAR_LIB_SYSTEMD"
		rm -rf "$DATA/systemd.new"
		mkdir -p "$DATA/systemd.new"
		cp -a "$ROOT_VAR_LIB_SYSTEMD/." "$DATA/systemd.new/"
		# A random seed in the image would be the same on every card; this
		# card's own is written by systemd-random-seed.service.
		rm -f "$DATA/systemd.new/random-seed"
		rm -rf "$DATA/systemd"
		mv "$DATA/systemd.new" "$DATA/systemd"
		: > "$DATA/systemd/.seeded"
		sync
	fi
fi
mkdir -p "$DATA/systemd"

# --- 2. machine ID -----------------------------------------------------------
# An image must not carry a machine ID (every card would share it), and the root
# is read-only, so systemd uses a transient one on the first boot. It is saved
# here; the initramfs hook bind-mounts it over /etc/machine-id on later boots,
# so the journal directory, DHCPv6 and anything else keyed by it stay the same.
is_machine_id() {
	case "$1" in
		*[!0-9a-f]*|'') return 1 ;;
	esac
	[ "${#1}" -eq 32 ]
}
current_id=$(cat "$MACHINE_ID_FILE" 2>/dev/null || true)
saved_id=$(cat "$DATA/machine-id" 2>/dev/null || true)
if ! is_machine_id "$saved_id"; then
	if is_machine_id "$current_id"; then
		log "saving machine ID $current_id to $DATA/machine-id"
		printf '%s\n' "$current_id" | write_atomic "$DATA/machine-id"
		saved_id=$current_id
	fi
elif [ "$saved_id" != "$current_id" ]; then
	log "warning: running with machine ID $current_id, not the saved $saved_id (is the initramfs hook missing?)"
fi
# Each machine ID gets its own journal directory, and journald's size limits
# apply per directory: if the ID was not restored, keep only the three most
# recent foreign directories so the card cannot fill up boot after boot.
if [ -d "$DATA/log/journal" ]; then
	# shellcheck disable=SC2012 # names are 32 hex digits
	ls -1t "$DATA/log/journal" 2>/dev/null | while read -r dir; do
		is_machine_id "$dir" || continue
		[ "$dir" = "$current_id" ] && continue
		[ "$dir" = "$saved_id" ] && continue
		echo "$dir"
	done | tail -n +4 | while read -r dir; do
		log "removing old journal directory $dir"
		rm -rf "${DATA:?}/log/journal/$dir"
	done
fi

# --- 3. hostname ----------------------------------------------------------------
# /etc/hostname (read-only) says "dialtone": the name the box has if the data
# partition is unusable. Normally it is dialtone-XXXX from the data partition,
# XXXX from the Pi's serial number, else from the machine ID, else random.
is_hostname() {
	case "$1" in
		dialtone-[0-9a-z][0-9a-z][0-9a-z][0-9a-z]) return 0 ;;
	esac
	return 1
}
name=$(head -n 1 "$DATA/hostname" 2>/dev/null || true)
if ! is_hostname "$name"; then
	suffix=
	for f in /proc/device-tree/serial-number /sys/firmware/devicetree/base/serial-number; do
		if [ -r "$f" ]; then
			serial=$(tr -d '\000' < "$f" | tr 'A-F' 'a-f')
			case "$serial" in
				*[!0-9a-f]*|'') ;;
				*) [ "${#serial}" -ge 4 ] && suffix=$(printf '%s' "$serial" | tail -c 4) ;;
			esac
		fi
		[ -n "$suffix" ] && break
	done
	if [ -z "$suffix" ] && is_machine_id "$current_id"; then
		suffix=$(printf '%s' "$current_id" | tail -c 4)
	fi
	if [ -z "$suffix" ]; then
		suffix=$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
	fi
	name="dialtone-$suffix"
	log "new hostname $name"
	printf '%s\n' "$name" | write_atomic "$DATA/hostname"
fi
if [ "$(cat "$KERNEL_HOSTNAME")" != "$name" ]; then
	log "setting hostname $name"
	printf '%s' "$name" > "$KERNEL_HOSTNAME"
fi
exit 0
