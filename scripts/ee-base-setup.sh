#!/usr/bin/env bash
# The last step of the execution environment's base image (scripts/build-image.sh, for scripts/ee.sh): bindep, which
# ansible-builder's builder stage installs with pip before any step of the definition runs, from the wheelhouse
# (LLO_EE_WHEELHOUSE), so that the builds need no network. Usage: ee-base-setup.sh <root file system>
set -euo pipefail
rootfs="${1:?root file system}"
wheelhouse="${LLO_EE_WHEELHOUSE:?the wheelhouse folder}"
mkdir -p "$rootfs/tmp/wheelhouse"
cp "$wheelhouse"/*.whl "$rootfs/tmp/wheelhouse/"
chroot "$rootfs" python3 -m pip install -q --no-cache-dir --break-system-packages --no-index \
  --find-links /tmp/wheelhouse bindep
rm -rf "$rootfs/tmp/wheelhouse"
