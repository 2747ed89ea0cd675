#!/usr/bin/env bash
# Benchmark (printed, not asserted): for 1, 3 and 6 freshly booted lab machines, the lab converge
# (tests/lab/playbooks/converge.yml with the settings of molecule scenario lab) and its no-op re-run: wall time, the
# controller's CPU time (user + sys of the ansible-playbook process tree), the task count per host (PLAY RECAP ok +
# failed + skipped, largest host) and the ten slowest tasks of the no-op run (ansible.posix.profile_tasks). Ends with
# the marginal controller CPU of one more host and the wall-time ratio of each count to one machine.
# Needs root and what scenario lab needs (make lab once builds it all). docs/performance.md holds the figures.
#
#   tests/lab/bench_converge.sh [counts...]     (default: 1 3 6)
#   LAB_BENCH_ARGS="-e verify_speed=always"     extra ansible-playbook arguments for every run
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
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks PROFILE_TASKS_TASK_OUTPUT_LIMIT=10
read -r -a EXTRA_ARGS <<< "${LAB_BENCH_ARGS:-}"

# Runs one converge with its log in $1; prints "<wall s> <controller cpu s> <tasks per host>".
measured_converge() {
  python3 "$HERE/measure_run.py" "$1" -- ansible-playbook -i "$RUN_DIR/inventory-proxy.yml" \
    -e "@$REPO_ROOT/molecule/lab/vars/scenario.yml" "${EXTRA_ARGS[@]}" "$HERE/playbooks/converge.yml" \
    || { tail -n 30 "$1" >&2; return 1; }
}

declare -a RESULTS=() CPU_BY_COUNT=() WALL_BY_COUNT=()
counts=("$@")
[ "${#counts[@]}" -gt 0 ] || counts=(1 3 6)
for n in "${counts[@]}"; do
  "$HERE/lab.sh" down >/dev/null 2>&1 || true
  "$HERE/lab.sh" up "$n" >/dev/null
  # The lab inventory pattern next to the inventory, and the simulated GPU classes of scenario lab.
  cp -r "$REPO_ROOT/inventories/lab/group_vars" "$REPO_ROOT/molecule/lab/host_vars" "$RUN_DIR/"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  read -r wall1 cpu1 tasks1 < <(measured_converge "$LAB_WORK/bench-$n-converge.log")
  read -r wall2 cpu2 tasks2 < <(measured_converge "$LAB_WORK/bench-$n-rerun.log")
  RESULTS+=("$n host(s), load $load before: converge $wall1 s wall, $cpu1 s CPU, $tasks1 tasks/host;" \
            "    no-op re-run $wall2 s wall, $cpu2 s CPU, $tasks2 tasks/host (load after $(cut -d' ' -f1 /proc/loadavg))")
  CPU_BY_COUNT+=("$n:$cpu2") WALL_BY_COUNT+=("$n:$wall2")
  echo "== ten slowest tasks of the no-op re-run, $n host(s)"
  sed -n '/^=\{20,\}/,$p' "$LAB_WORK/bench-$n-rerun.log" | grep -E ' -+ [0-9.]+s$' | head -n 10
  "$HERE/lab.sh" down >/dev/null
done
printf '%s cores, %s\n' "$(nproc)" "$(ansible --version | sed -n 1p)"
printf '  %s\n' "${RESULTS[@]}"
python3 - "${CPU_BY_COUNT[@]}" -- "${WALL_BY_COUNT[@]}" <<'PY'
import sys
split = sys.argv.index("--")
cpu = {int(k): float(v) for k, v in (a.split(":") for a in sys.argv[1:split])}
wall = {int(k): float(v) for k, v in (a.split(":") for a in sys.argv[split + 1:])}
counts = sorted(cpu)
for low, high in zip(counts, counts[1:]):
    print(f"  no-op: marginal controller CPU per host {low}->{high}: {(cpu[high] - cpu[low]) / (high - low):.1f} s")
for n in counts[1:]:
    if counts[0] == 1:
        print(f"  no-op: {n} hosts take {wall[n] / wall[1]:.2f} x the wall time of 1")
PY
