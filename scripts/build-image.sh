#!/usr/bin/env bash
# Builds the systemd-enabled Debian 12 image molecule uses, with debootstrap and `docker import` (no registry is
# needed). The image is tagged with a hash of scripts/image-packages.txt and rebuilt only when that list changes.
# Prints the image reference.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/docker-engine.sh"

IMAGE_REPO="local/debian-bookworm-systemd"
tag="$(sha256sum "$REPO_ROOT/scripts/image-packages.txt" | cut -c1-12)"
image="$IMAGE_REPO:$tag"

if docker image inspect "$image" >/dev/null 2>&1; then
  docker tag "$image" "$IMAGE_REPO:latest"
  echo "$image"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "building $image needs root (debootstrap); run 'sudo make image' once"
install_host_packages debootstrap
mirror="$(grep -hoE '^(deb |URIs: )\s*https?://[^ ]*debian[^ ]*' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
  | grep -v security | awk 'NR == 1 {print $2}' || true)"
mirror="${mirror:-http://deb.debian.org/debian}"
rootfs="$WORK_DIR/bookworm-fs"
rm -rf "$rootfs"
log "debootstrap bookworm from $mirror into $rootfs (about a minute)"
debootstrap --variant=minbase --include="$(paste -sd, "$REPO_ROOT/scripts/image-packages.txt")" \
  bookworm "$rootfs" "$mirror" >"$WORK_DIR/debootstrap.log" 2>&1 \
  || { tail -n 20 "$WORK_DIR/debootstrap.log" >&2; die "debootstrap failed; see $WORK_DIR/debootstrap.log"; }
chroot "$rootfs" apt-get clean
tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
docker tag "$image" "$IMAGE_REPO:latest"
rm -rf "$rootfs"
log "built $image"
echo "$image"
