#!/usr/bin/env bash
# `make ee`: builds the execution environment of ee/execution-environment.yml with no network (Docker's bridge is off
# here and builds have no route out): the variant scripts/ee_offline.py derives from it, on a local Debian 12 base
# image (debootstrap), with the collections from the built tarball and the collections folder and the Python
# packages from a wheelhouse (pip download) that only the intermediate stages see. Prints the image, the cold or
# cached build time and the size of each layer. Usage: scripts/ee.sh   (root for the base image, once; Docker)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/docker-engine.sh"

DEFINITION="$REPO_ROOT/ee/execution-environment.yml"
EE_DIR="$WORK_DIR/ee"
EE_BASE_REPO=local/debian-bookworm-ee-base

ensure_venv
ensure_collections
ensure_docker_engine
mkdir -p "$EE_DIR"
image="$("$VENV_DIR/bin/python" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["options"]["tags"][0])' "$DEFINITION")"

# The collection as a release ships it.
rm -rf "$EE_DIR/dist" && mkdir -p "$EE_DIR/dist"
"$VENV_DIR/bin/ansible-galaxy" collection build "$REPO_ROOT" --output-path "$EE_DIR/dist" >/dev/null
tarball="$(ls "$EE_DIR"/dist/*.tar.gz)"

# The Python packages every stage installs: the collections' (ansible-builder introspect on the installed tarball and
# the collections folder), what the offline variant moves out of the base stage, and bindep for the base image.
root="$EE_DIR/introspect"
rm -rf "$root" && mkdir -p "$root"
# --force: without it ansible-galaxy installs nothing when ANSIBLE_COLLECTIONS_PATH already holds local_llm.ollama
# (tests/ee/ee_test.sh exports the working tree's), and introspect misses meta/ee-requirements.txt.
"$VENV_DIR/bin/ansible-galaxy" collection install "$tarball" -p "$root" --no-deps --force >/dev/null
for c in "${BUNDLED_COLLECTIONS[@]}"; do
  mkdir -p "$root/ansible_collections/${c%/*}"
  ln -sfn "$COLLECTIONS_DIR/ansible_collections/$c" "$root/ansible_collections/$c"
done
"$VENV_DIR/bin/ansible-builder" introspect "$root" --write-pip "$EE_DIR/requirements.txt" >/dev/null
{ "$VENV_DIR/bin/python" "$REPO_ROOT/scripts/ee_offline.py" --pip "$DEFINITION"; echo bindep; } >> "$EE_DIR/requirements.txt"
wheelhouse="$EE_DIR/wheelhouse"
if [ "$(cat "$wheelhouse/.requirements" 2>/dev/null)" != "$(cat "$EE_DIR/requirements.txt")" ]; then
  log "pip download into $wheelhouse"
  rm -rf "$wheelhouse" && mkdir -p "$wheelhouse"
  quiet_pip download -d "$wheelhouse" --only-binary=:all: -r "$EE_DIR/requirements.txt"
  cp "$EE_DIR/requirements.txt" "$wheelhouse/.requirements"
fi

base="$(LLO_IMAGE_REPO="$EE_BASE_REPO" LLO_IMAGE_PACKAGES="$REPO_ROOT/scripts/ee-image-packages.txt" \
  LLO_IMAGE_SETUP="$REPO_ROOT/scripts/ee-base-setup.sh" LLO_EE_WHEELHOUSE="$wheelhouse" \
  "$REPO_ROOT/scripts/build-image.sh" bookworm)"

"$VENV_DIR/bin/python" "$REPO_ROOT/scripts/ee_offline.py" "$DEFINITION" "$base" "$COLLECTIONS_DIR" "$tarball" \
  "$wheelhouse" "$EE_DIR/execution-environment.yml"
existed=no
docker image inspect "$image" >/dev/null 2>&1 && existed=yes
start=$SECONDS
(cd "$EE_DIR" && "$VENV_DIR/bin/ansible-builder" build -f execution-environment.yml -c context -t "$image" \
  --container-runtime docker --extra-build-cli-args "--network none" -v 3) >"$EE_DIR/build.log" 2>&1 \
  || { tail -n 40 "$EE_DIR/build.log" >&2; die "ansible-builder build failed; see $EE_DIR/build.log"; }
log "built $image from $base in $((SECONDS - start)) s (steps from Docker's cache: $(grep -c 'Using cache' "$EE_DIR/build.log" || true); the tag existed before: $existed)"
log "its layers (size, step), those with content:"
docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$image" | grep -v '^0B' | cut -c1-160 >&2
log "image size: $(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')"
echo "$image"
