#!/usr/bin/env bash
# Builds the systemd-enabled Debian image molecule uses, with debootstrap from Debian's own archive and
# `docker import` (no registry is needed). Usage: scripts/build-image.sh [bookworm|trixie] (default bookworm).
# The image local/debian-<release>-systemd is tagged with a hash of scripts/image-packages.txt and rebuilt only when
# that list changes. Prints the image reference.
# Another image the same way (scripts/ee.sh: the execution environment's base): LLO_IMAGE_REPO (the name),
# LLO_IMAGE_PACKAGES (the package list file) and LLO_IMAGE_SETUP (a script run with the root file system as its
# argument before the import); the tag then hashes the list and the script.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/docker-engine.sh"

release="${1:-bookworm}"
[[ " ${MOLECULE_RELEASES[*]} " == *" $release "* ]] \
  || die "unknown Debian release '$release' (use one of: ${MOLECULE_RELEASES[*]})"
IMAGE_REPO="${LLO_IMAGE_REPO:-local/debian-$release-systemd}"
packages="${LLO_IMAGE_PACKAGES:-$REPO_ROOT/scripts/image-packages.txt}"
setup="${LLO_IMAGE_SETUP:-}"
tag="$(cat "$packages" ${setup:+"$setup"} | sha256sum | cut -c1-12)"
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
debootstrap --variant=minbase --include="$(paste -sd, "$packages")" \
  "$release" "$rootfs" "$mirror" >"$WORK_DIR/debootstrap-$release.log" 2>&1 \
  || { tail -n 20 "$WORK_DIR/debootstrap-$release.log" >&2; die "debootstrap failed; see $WORK_DIR/debootstrap-$release.log"; }
chroot "$rootfs" apt-get clean
if [ -n "$setup" ]; then "$setup" "$rootfs" || die "$setup $rootfs failed"; fi
tar -C "$rootfs" -c . | docker import - "$image" >/dev/null
docker tag "$image" "$IMAGE_REPO:latest"
rm -rf "$rootfs"
log "built $image"
echo "$image"
