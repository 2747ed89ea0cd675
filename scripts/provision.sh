#!/usr/bin/env bash
# `make provision`: controller virtualenv, collections from requirements.yml, this collection from the working
# tree, then playbooks/site.yml against inventories/localhost. Arguments pass through to ansible-playbook.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_host_prerequisites
ensure_venv "$REPO_ROOT/requirements/controller.txt"
activate_env
ensure_collections

# This collection goes into a path of its own, so a provision never shadows the working tree in the tests.
provision_collections="$WORK_DIR/provision-collections"
dist="$WORK_DIR/dist"
rm -rf "$dist" && mkdir -p "$dist" "$provision_collections"
log "building and installing local_llm.ollama from the working tree"
# The path is set before the install, so ansible-galaxy installs into a path the run searches (and does not warn).
export ANSIBLE_COLLECTIONS_PATH="$provision_collections:$COLLECTIONS_DIR"
ansible-galaxy collection build "$REPO_ROOT" --output-path "$dist" --force >/dev/null
ansible-galaxy collection install "$dist"/local_llm-ollama-*.tar.gz --no-deps --force -p "$provision_collections" >/dev/null

become_args=()
case " $* " in
  *" -K "*|*" --ask-become-pass "*) ;;
  *)
    if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
      become_args=(--ask-become-pass)
      log "the playbook needs root on this machine: ansible-playbook asks for your sudo password once"
    fi ;;
esac

cd "$REPO_ROOT"
exec ansible-playbook -i inventories/localhost playbooks/site.yml "${become_args[@]}" "$@"
