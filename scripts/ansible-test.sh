#!/usr/bin/env bash
# Runs `ansible-test sanity|units` offline on a copy of the tree at .work/ac/ansible_collections/local_llm/ollama.
# Usage: scripts/ansible-test.sh sanity|units [extra ansible-test arguments]
# The nox sessions (noxfile.py) set LLO_ANSIBLE_TEST_VENV to their virtualenv (its ansible-test runs) and
# LLO_ANSIBLE_TEST_COPY to a copy of each ansible-core's own, so the versions can run side by side.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
if [ -n "${LLO_ANSIBLE_TEST_VENV:-}" ]; then
  VENV_DIR="$LLO_ANSIBLE_TEST_VENV"
else
  ensure_venv
fi
activate_env
ensure_collections
kind="${1:?sanity or units}"; shift
# ansible-test names the cache file it accepts after its get-pip version; install the stand-in under that name.
pip_version="$(grep -ohE "pip='[0-9.]+'" "$VENV_DIR"/lib/python3*/site-packages/ansible_test/_internal/python_requirements.py \
  | head -n 1 | tr -dc '0-9.')"
[ -n "$pip_version" ] || die "cannot tell which get-pip version this ansible-test expects"
mkdir -p "$HOME/.ansible/test/cache"
cp "$REPO_ROOT/scripts/get_pip_standin.py" "$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
copy="$(sync_collection_copy "${LLO_ANSIBLE_TEST_COPY:-$WORK_DIR/ac}")"
cd "$copy"
# ansible-test finds third-party collections next to the one under test.
for c in "${BUNDLED_COLLECTIONS[@]}"; do
  mkdir -p "$(dirname "../../$c")"
  [ -e "../../$c" ] || ln -s "$COLLECTIONS_DIR/ansible_collections/$c" "../../$c"
done
case "$kind" in
  sanity) exec ansible-test sanity --venv --python 3.11 --color no "$@" ;;
  units) exec ansible-test units --venv --python 3.11 --color no "$@" ;;
  *) die "unknown ansible-test kind '$kind' (use sanity or units)" ;;
esac
