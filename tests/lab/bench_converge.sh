#!/usr/bin/env bash
# Benchmark (printed, not asserted): wall time of the lab converge (tests/lab/playbooks/converge.yml with the
# settings of molecule scenario lab) on 1 machine and on 3 machines, each on freshly booted machines, and of the
# no-op re-run. Needs root and what scenario lab needs (make lab once builds it all).
#
#   tests/lab/bench_converge.sh [counts...]     (default: 1 3)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../../scripts/lib.sh"
source "$REPO_ROOT/scripts/docker-engine.sh"
export LAB_WORK="${LAB_WORK:-$REPO_ROOT/.work/lab}" LAB_PREFIX="${LAB_PREFIX:-llobench}"
RUN_DIR="$LAB_WORK/run-$LAB_PREFIX"
ensure_venv
ensure_collections
activate_env
ensure_docker_engine
"$REPO_ROOT/scripts/build-image.sh" >/dev/null
trap '"$HERE/lab.sh" down >/dev/null 2>&1 || true; stop_docker_engine' EXIT
# The collection under test is this checkout.
ANSIBLE_COLLECTIONS_PATH="$(self_collection_path):$ANSIBLE_COLLECTIONS_PATH"
export ANSIBLE_COLLECTIONS_PATH ANSIBLE_FORKS=20 ANSIBLE_PIPELINING=True ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=120s"

timed_converge() {
  local start=$SECONDS
  ansible-playbook -i "$RUN_DIR/inventory-proxy.yml" -e "@$REPO_ROOT/molecule/lab/vars/scenario.yml" \
    "$HERE/playbooks/converge.yml" > "$1" 2>&1 || { tail -n 30 "$1" >&2; return 1; }
  echo $((SECONDS - start))
}

declare -a RESULTS=()
for count in "${@:-1 3}"; do
  for n in $count; do
    "$HERE/lab.sh" down >/dev/null 2>&1 || true
    "$HERE/lab.sh" up "$n" >/dev/null
    # The lab inventory pattern next to the inventory, and the simulated GPU classes of scenario lab.
    cp -r "$REPO_ROOT/inventories/lab/group_vars" "$REPO_ROOT/molecule/lab/host_vars" "$RUN_DIR/"
    first="$(timed_converge "$LAB_WORK/bench-$n-converge.log")"
    second="$(timed_converge "$LAB_WORK/bench-$n-rerun.log")"
    RESULTS+=("$n host(s): converge $first s, no-op re-run $second s")
    "$HERE/lab.sh" down >/dev/null
  done
done
printf 'converge wall time (%s cores, load %s):\n' "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '  %s\n' "${RESULTS[@]}"
