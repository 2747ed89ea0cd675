# shellcheck shell=bash
# Shared helpers for the scripts behind the Makefile. Source it; it defines functions and paths only.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK_DIR="${LLO_WORK_DIR:-$REPO_ROOT/.work}"
VENV_DIR="${LLO_VENV_DIR:-$REPO_ROOT/.venv}"
COLLECTIONS_DIR="$WORK_DIR/collections"
# The `ansible` bundle whose wheel carries the same third-party collections when Galaxy is unreachable.
ANSIBLE_BUNDLE_VERSION="${LLO_ANSIBLE_BUNDLE_VERSION:-12.3.0}"
# community.docker 4.8.5, community.general 11.4.2, ansible.posix 2.1.0 in ansible 12.3.0 (inside requirements.yml),
# and community.library_inventory_filtering_v1, which community.docker depends on.
BUNDLED_COLLECTIONS=(community/docker community/general ansible/posix community/library_inventory_filtering_v1)
# The Debian releases molecule tests on (scripts/build-image.sh builds one image each), and the scenarios that run on
# every one of them in make test; the others run on the first release only. Scenario "fresh" (tests/fresh/first_run.sh,
# the first make provision on a fresh machine) runs on every release as well.
# shellcheck disable=SC2034  # used by scripts/build-image.sh and scripts/stages.sh
MOLECULE_RELEASES=(bookworm trixie)
# shellcheck disable=SC2034
MOLECULE_MATRIX_SCENARIOS=(native site docker)
# The ansible-core versions (noxfile.py sessions <stage>-<version>) each matrix stage of make test runs under: every
# version meta/runtime.yml claims that Python 3.11 runs. LLO_CORE_VERSIONS="2.19" (space-separated) overrides them
# for every stage.
# shellcheck disable=SC2034
CORE_VERSIONS_SANITY=(2.17 2.18 2.19)
# shellcheck disable=SC2034
CORE_VERSIONS_UNITS=(2.17 2.18 2.19)
# shellcheck disable=SC2034
CORE_VERSIONS_SMOKE=(2.17 2.18 2.19)
# The ansible-core each molecule run uses (noxfile.py's molecule-<version> virtualenv; .venv for the version
# requirements/constraints.txt pins). The newest, which make provision installs, converges both deployments: the runs in
# MOLECULE_NEWEST_CORE_RUNS (scenario@release). Every other run uses MOLECULE_CORE: molecule refuses 2.17, and
# ansible-core 2.19 spends about a third more controller CPU per task than 2.18 (docs/development.md), which the
# 45 minutes of make test cannot spare on every scenario. LLO_MOLECULE_CORE="2.19" runs every scenario under one.
# shellcheck disable=SC2034
MOLECULE_CORE=2.18
# shellcheck disable=SC2034
MOLECULE_NEWEST_CORE_RUNS=(site@bookworm docker@bookworm)
# Molecule runs in two lanes side by side. Lane "dind" runs one after another the scenarios that share
# molecule/docker/create.yml's build cache and images, lab (its machines in network namespaces of their own) and, to
# even out the lanes, two that listen on no port (preflight, wsl2_host), and ee (tests/ee/ee_test.sh: image builds
# and GPU hosts on ports of its own); lane "host" runs the others, systemd containers on the host network, each
# scenario on its own ports.
# shellcheck disable=SC2034
MOLECULE_DIND_LANE=(docker docker_conflict docker_check site_docker lab preflight wsl2_host ee)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Runs "$@" as one named stage and prints its wall time; returns the command's status.
run_stage() {
  local name="$1"; shift
  local start=$SECONDS rc=0
  log "stage $name: start"
  "$@" || rc=$?
  log "stage $name: $([ $rc -eq 0 ] && echo ok || echo "FAILED (rc=$rc)") in $((SECONDS - start)) s"
  return $rc
}

# Prints files whole to stderr (cat's arguments; - is standard input), one writer at a time: stages and molecule
# lanes that run at once print their logs through it, so no two logs interleave.
print_whole() {
  flock "$WORK_DIR/.print.lock" cat "$@" >&2
}

# run_stage with the stage's output kept in .work/stage-<name>.log and printed whole when the stage ends.
run_stage_quietly() {
  local name="$1" out="$WORK_DIR/stage-$1.log" rc=0
  shift
  log "stage $name: running beside molecule; its output follows when it ends"
  run_stage "$name" "$@" >"$out" 2>&1 || rc=$?
  print_whole "$out"
  return $rc
}

# Runs pip quietly; its output is shown only when it fails.
quiet_pip() {
  mkdir -p "$WORK_DIR"
  if ! "$VENV_DIR/bin/pip" --disable-pip-version-check -q "$@" >"$WORK_DIR/pip.log" 2>&1; then
    grep -v "^WARNING: Location" "$WORK_DIR/pip.log" >&2
    die "pip $* failed; see the messages above"
  fi
}

# What the controller virtualenv needs from the system before pip can run: Python 3.10+ with its venv module and
# ensurepip (Debian and Ubuntu package that part separately as python3-venv). Names what is missing and the command
# that installs it, or installs it when this user is root or sudo works without a password (LLO_NO_SUDO=1 stops that).
# LLO_PYTHON picks another interpreter (default: python3).
ensure_host_prerequisites() {
  local python="${LLO_PYTHON:-python3}" missing=() version
  if ! command -v "$python" >/dev/null 2>&1; then
    die "make provision needs Python 3.10 or newer and its venv module; $python is not installed. Install them with: sudo apt-get install -y python3 python3-venv"
  fi
  version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "make provision needs Python 3.10 or newer (ansible-core 2.17+ runs on no older one); $python is $version"
  "$python" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  [ ${#missing[@]} -eq 0 ] && return 0
  local install=(apt-get install -y --no-install-recommends "${missing[@]}")
  if [ "${LLO_NO_SUDO:-0}" != 1 ] && command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      log "installing ${missing[*]} (Python $version has no venv module with ensurepip)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${install[@]}" && return 0
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      log "installing ${missing[*]} with sudo (Python $version has no venv module with ensurepip)"
      sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive "${install[@]}" && return 0
    fi
  fi
  die "make provision needs ${missing[*]}: Python $version has no venv module with ensurepip, so no virtualenv can be created. Install it with: sudo apt-get install -y ${missing[*]} (then run make provision again)"
}

# Creates the controller virtualenv; installs a requirements file again only when some requirements file changed
# (meta/ee-requirements.txt included: requirements/controller.txt reads it).
# Every install takes its versions from the controller's lock, requirements/constraints.txt, which make provision
# (controller.txt) and make test (dev.txt) share, so users run the versions the tests ran.
ensure_venv() {
  local req="${1:-$REPO_ROOT/requirements/dev.txt}"
  local stamp="$VENV_DIR/.requirements.stamp" hash
  hash="$(cat "$REPO_ROOT"/requirements/*.txt "$REPO_ROOT"/meta/ee-requirements.txt | sha256sum | cut -d' ' -f1)"
  if [ -x "$VENV_DIR/bin/python" ] && [ "$(head -n 1 "$stamp" 2>/dev/null)" = "$hash" ] \
      && grep -qx -- "$(basename "$req")" "$stamp"; then
    return 0
  fi
  log "installing $req into the virtualenv $VENV_DIR"
  [ -x "$VENV_DIR/bin/python" ] || "${LLO_PYTHON:-python3}" -m venv "$VENV_DIR"
  quiet_pip install --upgrade pip
  quiet_pip install -r "$req" -c "$REPO_ROOT/requirements/constraints.txt"
  [ "$(head -n 1 "$stamp" 2>/dev/null)" = "$hash" ] || echo "$hash" > "$stamp"
  basename "$req" >> "$stamp"
}

activate_env() {
  export PATH="$VENV_DIR/bin:$PATH"
  export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_DIR:$HOME/.ansible/collections"
  export ANSIBLE_NOCOLOR=1 PY_COLORS=0
}

collections_present() {
  local c
  for c in "${BUNDLED_COLLECTIONS[@]}"; do
    [ -f "$COLLECTIONS_DIR/ansible_collections/$c/MANIFEST.json" ] || return 1
  done
}

# Installs requirements.yml from Galaxy; when Galaxy is unreachable, extracts the same collections from the
# `ansible` wheel on PyPI and says so.
ensure_collections() {
  collections_present && return 0
  mkdir -p "$COLLECTIONS_DIR"
  log "installing collections from requirements.yml (Galaxy)"
  if timeout 120 "$VENV_DIR/bin/ansible-galaxy" collection install -r "$REPO_ROOT/requirements.yml" \
      -p "$COLLECTIONS_DIR" >"$WORK_DIR/galaxy.log" 2>&1 && collections_present; then
    return 0
  fi
  log "Galaxy is unreachable ($(grep -v '^[[:space:]]*$' "$WORK_DIR/galaxy.log" | tail -n 1)):"
  log "taking ${BUNDLED_COLLECTIONS[*]} from the ansible==$ANSIBLE_BUNDLE_VERSION wheel on PyPI instead"
  rm -f "$HOME/.ansible/galaxy_token"
  local dl="$WORK_DIR/dl"
  mkdir -p "$dl"
  quiet_pip download --no-deps "ansible==$ANSIBLE_BUNDLE_VERSION" -d "$dl"
  local wheel
  wheel="$(ls "$dl"/ansible-"$ANSIBLE_BUNDLE_VERSION"-*.whl)" || die "no ansible wheel downloaded into $dl"
  "$VENV_DIR/bin/python" - "$wheel" "$COLLECTIONS_DIR" "${BUNDLED_COLLECTIONS[@]}" <<'PY'
import sys, zipfile
wheel, dest, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
prefixes = tuple("ansible_collections/%s/" % c for c in wanted)
with zipfile.ZipFile(wheel) as zf:
    members = [m for m in zf.namelist() if m.startswith(prefixes)]
    zf.extractall(dest, members)
print("extracted %d files" % len(members), file=sys.stderr)
PY
  collections_present || die "collections still missing under $COLLECTIONS_DIR"
}

# Copies the working tree (tracked and untracked, not ignored) to <root>/ansible_collections/local_llm/ollama (root:
# the first argument, default .work/ac), where ansible-test needs it. The copy gets a git repository of its own:
# ansible-test lists its targets through the nearest git repository, which would otherwise be this one, where the
# copy is ignored.
sync_collection_copy() {
  local dest="${1:-$WORK_DIR/ac}/ansible_collections/local_llm/ollama"
  rm -rf "$dest" && mkdir -p "$dest"
  (cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 -r tar -c --) | tar -C "$dest" -x
  git -C "$dest" init -q && git -C "$dest" add -A
  echo "$dest"
}

# A collection path in which local_llm.ollama is this working tree itself (a symlink), for tools that resolve the
# collection's own FQCNs without installing it (ansible-lint offline).
self_collection_path() {
  local root="$WORK_DIR/self"
  mkdir -p "$root/ansible_collections/local_llm"
  ln -sfn "$REPO_ROOT" "$root/ansible_collections/local_llm/ollama"
  echo "$root"
}
