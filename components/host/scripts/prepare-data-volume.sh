#!/bin/bash
# Mounts the data volume by UUID, formatting it only when it holds no filesystem at all, so a volume
# that already carries Odoo's data (a rebuilt host, a re-run of cloud-init) is never wiped.
# Usage: prepare-data-volume.sh MOUNTPOINT DEVICE [DEVICE...]   (the first device that appears wins)
set -euo pipefail
mountpoint_dir="$1"
shift
fstab="${FSTAB:-/etc/fstab}"
wait_seconds="${WAIT_SECONDS:-600}"

device=""
for _ in $(seq "$wait_seconds"); do
    for candidate in "$@"; do
        if [ -b "$candidate" ]; then
            device=$(readlink -f "$candidate")
            break 2
        fi
    done
    sleep 1
done
if [ -z "$device" ]; then
    echo "prepare-data-volume: none of $* appeared within ${wait_seconds}s; is the data volume attached?" >&2
    exit 1
fi

# blkid -p exits 2 when it finds no signature at all (no filesystem, no partition table).
status=0
blkid -p "$device" >/dev/null 2>&1 || status=$?
if [ "$status" -eq 2 ]; then
    echo "prepare-data-volume: $device is blank; creating an ext4 filesystem"
    mkfs.ext4 -q -L odoo-data "$device"
elif [ "$status" -ne 0 ]; then
    echo "prepare-data-volume: blkid failed on $device (exit $status); not touching it" >&2
    exit 1
else
    echo "prepare-data-volume: $device already holds a filesystem; keeping it"
fi

uuid=$(blkid -s UUID -o value "$device")
if [ -z "$uuid" ]; then
    echo "prepare-data-volume: $device has a signature but no filesystem UUID; refusing to use it" >&2
    exit 1
fi
mkdir -p "$mountpoint_dir"
if ! grep -q "^UUID=$uuid " "$fstab"; then
    echo "UUID=$uuid $mountpoint_dir ext4 defaults,nofail,x-systemd.device-timeout=30s 0 2" >> "$fstab"
fi
if ! mountpoint -q "$mountpoint_dir"; then
    mount -U "$uuid" "$mountpoint_dir"
fi
echo "prepare-data-volume: UUID=$uuid mounted on $mountpoint_dir"
