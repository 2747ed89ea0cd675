#!/usr/bin/env bash
# Builds the systemd-enabled Debian image molecule uses, with debootstrap from Debian's own archive and
# `docker import` (no registry is needed). Usage: scripts/build-image.sh [bookworm|trixie] (default bookworm).
# The image local/debian-<release>-systemd is tagged with a hash of scripts/image-packages.txt and rebuilt only when
# that list changes. Prints the image reference.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/docker-engine.sh"

release="${1:-bookworm}"
[[ " ${MOLECULE_RELEASES[*]} " == *" $release "* ]] \
  || die "unknown Debian release '$release' (use one of: ${MOLECULE_RELEASES[*]})"
IMAGE_REPO="local/debian-$release-systemd"
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
rootfs="$WORK_DIR/$release-fs"
rm -rf "$rootfs"
mkdir -p "$WORK_DIR"
log "debootstrap $release from $mirror into $rootfs (about a minute)"
debootstrap --variant=minbase --include="$(paste -sd, "$REPO_ROOT/scripts/image-packages.txt")" \
  "$release" "$rootfs" "$mirror" >"$WORK_DIR/debootstrap-$release.log" 2>&1 \
  || { tail -n 20 "$WORK_DIR/debootstrap-$release.log" >&2; die "debootstrap failed; see $WORK_DIR/debootstrap-$release.log"; }
chroot "$rootfs" apt-get clean
tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
docker tag "$image" "$IMAGE_REPO:latest"
rm -rf "$rootfs"
log "built $image"
echo "$image"
