#!/usr/bin/env bash
# Scenario "lab": create, converge, idempotence, verify, destroy on N lab machines (default 3) over real SSH.
# Ansible runs inside the lab's controller namespace. Ends with one line "lab: N passed, N failed" and exits non-zero
# when anything failed. Everything started is stopped and removed in an exit trap, also on failure or Ctrl-C.
#
#   tests/lab/run_scenario.sh [N]
#
# Environment: LAB_PREFIX (default llolab), LAB_WORK, LLO_VENV_DIR (default <repo>/.venv, else the python in PATH),
# LAB_KEEP=1 leaves the lab running for inspection (tests/lab/lab.sh down removes it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
export LAB_PREFIX="${LAB_PREFIX:-llolab}"
export LAB_WORK="${LAB_WORK:-$REPO_ROOT/.work/lab}"
RUN_DIR="$LAB_WORK/run-$LAB_PREFIX"
COUNT="${1:-3}"
VENV_DIR="${LLO_VENV_DIR:-$REPO_ROOT/.venv}"
[ -x "$VENV_DIR/bin/ansible-playbook" ] && export PATH="$VENV_DIR/bin:$PATH"
export ANSIBLE_NOCOLOR=1 PY_COLORS=0 ANSIBLE_FORCE_COLOR=0 ANSIBLE_HOST_KEY_CHECKING=False
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$REPO_ROOT/.work/collections:$HOME/.ansible/collections}"
# The collection under test is this checkout, whatever else is installed.
SELF="$LAB_WORK/self"
mkdir -p "$SELF/ansible_collections/local_llm"
ln -sfn "$REPO_ROOT" "$SELF/ansible_collections/local_llm/ollama"
export ANSIBLE_COLLECTIONS_PATH="$SELF:$ANSIBLE_COLLECTIONS_PATH"
export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=120s"
export ANSIBLE_CONTROL_PATH_DIR="$LAB_WORK/cp-$LAB_PREFIX"
export ANSIBLE_FORKS=20
export ANSIBLE_PIPELINING=True
export ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks

PASSED=0 FAILED=0 MIRROR_PID=""
declare -a STEP_TIMES=()

log() { printf '==> [lab] %s\n' "$*" >&2; }
step_result() {
  if [ "$2" -eq 0 ]; then PASSED=$((PASSED + 1)); log "step $1: ok"; else FAILED=$((FAILED + 1)); log "step $1: FAILED"; fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$MIRROR_PID" ]; then kill "$MIRROR_PID" 2>/dev/null || true; wait "$MIRROR_PID" 2>/dev/null || true; fi
  if [ "${LAB_KEEP:-0}" != 1 ]; then "$HERE/lab.sh" down >/dev/null 2>&1 || true; fi
  rm -rf "$ANSIBLE_CONTROL_PATH_DIR"
  exit $rc
}
trap cleanup EXIT INT TERM

in_ctl() { ip netns exec "$LAB_PREFIX-ctl" "$@"; }

playbook() {
  in_ctl timeout 600 ansible-playbook -i "$RUN_DIR/inventory.yml" -e "@$RUN_DIR/scenario.yml" "$@"
}

# ---------------------------------------------------------------- create
create() {
  "$HERE/lab.sh" down >/dev/null 2>&1 || true
  "$HERE/lab.sh" up "$COUNT" >/dev/null
  mkdir -p "$RUN_DIR/release" "$RUN_DIR/host_vars"
  # The Ollama "release" (the emulator packaged like the real archive) and a models folder in Ollama's layout.
  python3 "$REPO_ROOT/tests/emulator/build_release.py" --version 0.32.15 --arch amd64 --out "$RUN_DIR/release" >/dev/null
  python3 "$HERE/make_model_store.py" "$RUN_DIR/models" > "$RUN_DIR/models.txt"
  # The collection's lab inventory pattern: group_vars next to the generated inventory.
  cp -r "$REPO_ROOT/inventories/lab/group_vars" "$RUN_DIR/group_vars"
  # lab1 is classified from gpu_facts (no GPU here); the others are placed by hand as the pattern allows.
  [ "$COUNT" -ge 2 ] && echo "lab_gpu_memory_mb: 12288" > "$RUN_DIR/host_vars/lab2.yml"
  [ "$COUNT" -ge 3 ] && echo "lab_gpu_memory_mb: 24564" > "$RUN_DIR/host_vars/lab3.yml"
  # The release mirror runs in the controller namespace, where Ansible runs, on 127.0.0.1.
  timeout 1800 ip netns exec "$LAB_PREFIX-ctl" python3 "$HERE/release_mirror.py" "$RUN_DIR/release" "$RUN_DIR/mirror.jsonl" "$RUN_DIR/mirror.port" &
  MIRROR_PID=$!
  for _ in $(seq 1 50); do [ -s "$RUN_DIR/mirror.port" ] && break; sleep 0.1; done
  [ -s "$RUN_DIR/mirror.port" ] || { log "release mirror did not start"; return 1; }
  cat > "$RUN_DIR/scenario.yml" <<EOF
ollama_native_archive_src: ""
ollama_native_release_url: "http://127.0.0.1:$(cat "$RUN_DIR/mirror.port")"
ollama_native_controller_cache: "$RUN_DIR/controller-cache/releases"
ollama_native_environment_extra:
  OLLAMA_EMULATOR_LOG: /usr/share/ollama/requests.jsonl
lab_model_store: "$RUN_DIR/models"
model_seed_cache_dir: "$RUN_DIR/controller-cache/models"
lab_evidence_file: "$RUN_DIR/evidence.jsonl"
verify_benchmark_runs: 1
verify_min_free_disk_gb: 1
# The GPU classes are simulated with lab_gpu_memory_mb; the machines have no GPU, so the GPU checks only WARN.
verify_require_gpu: false
EOF
  if [ "$COUNT" -ge 2 ]; then
    printf 'lab_share_from: lab2\nlab_share_model: "qwen2.5-coder:7b"\n' >> "$RUN_DIR/scenario.yml"
  fi
}

# Inode and mtime of every model file and of the Ollama binary on each host, to show the second run rewrote nothing.
snapshot() {
  in_ctl timeout 120 env -u ANSIBLE_CALLBACKS_ENABLED ANSIBLE_LOAD_CALLBACK_PLUGINS=1 ANSIBLE_STDOUT_CALLBACK=json ansible lab \
    -i "$RUN_DIR/inventory.yml" -m ansible.builtin.shell \
    -a 'find /usr/share/ollama/.ollama/models /usr/local/bin/ollama /usr/local/lib/ollama -type f -printf "%p %i %T@\n" | sort' \
    > "$1"
}

recap_changes() {
  # "lab1 : ok=.. changed=N ..." lines of the play recap -> "host changed" pairs.
  sed -nE 's/^([a-z0-9]+)[[:space:]]+:[[:space:]]+ok=[0-9]+[[:space:]]+changed=([0-9]+).*/\1 \2/p' "$1"
}

main() {
  local rc start
  start=$SECONDS
  rc=0; create || rc=$?; step_result create $rc; STEP_TIMES+=("create $((SECONDS - start)) s")
  [ $rc -eq 0 ] || return 1

  start=$SECONDS
  rc=0; playbook "$REPO_ROOT/tests/lab/playbooks/converge.yml" -e lab_run=1 > "$RUN_DIR/converge1.log" 2>&1 || rc=$?
  step_result converge $rc; STEP_TIMES+=("converge $((SECONDS - start)) s")
  cp "$RUN_DIR/converge1.log" "$LAB_WORK/last-converge1.log"
  if [ $rc -ne 0 ]; then
    grep -E -A4 '^fatal|FAILED!' "$RUN_DIR/converge1.log" | head -n 60 >&2
    tail -n 40 "$RUN_DIR/converge1.log" >&2
    return 1
  fi
  snapshot "$RUN_DIR/snapshot1.json"
  cp "$RUN_DIR/mirror.jsonl" "$RUN_DIR/mirror-after-converge1.jsonl"

  start=$SECONDS
  rc=0; playbook "$REPO_ROOT/tests/lab/playbooks/converge.yml" -e lab_run=2 > "$RUN_DIR/converge2.log" 2>&1 || rc=$?
  if [ $rc -eq 0 ]; then
    recap_changes "$RUN_DIR/converge2.log" > "$RUN_DIR/idempotence.txt"
    cat "$RUN_DIR/idempotence.txt" >&2
    [ "$(wc -l < "$RUN_DIR/idempotence.txt")" -eq "$COUNT" ] && ! awk '$2 != 0 {bad=1} END {exit !bad}' "$RUN_DIR/idempotence.txt" || rc=1
  fi
  step_result idempotence $rc; STEP_TIMES+=("idempotence $((SECONDS - start)) s")
  [ $rc -eq 0 ] || grep -E 'changed:|FAILED|fatal' "$RUN_DIR/converge2.log" | head -n 20 >&2
  cp "$RUN_DIR/converge2.log" "$LAB_WORK/last-converge2.log"
  snapshot "$RUN_DIR/snapshot2.json"

  start=$SECONDS
  rc=0
  LAB_RUN_DIR="$RUN_DIR" in_ctl timeout 300 python3 -m pytest -p no:cacheprovider -q -o addopts= "$HERE/test_lab.py" \
    --hosts=ansible://lab --ansible-inventory="$RUN_DIR/inventory.yml" --junitxml="$LAB_WORK/verify.xml" \
    || rc=$?
  step_result verify $rc; STEP_TIMES+=("verify $((SECONDS - start)) s")
}

overall=$SECONDS
main || true
start=$SECONDS
if [ "${LAB_KEEP:-0}" != 1 ]; then
  [ -n "$MIRROR_PID" ] && { kill "$MIRROR_PID" 2>/dev/null || true; wait "$MIRROR_PID" 2>/dev/null || true; MIRROR_PID=""; }
  rc=0; "$HERE/lab.sh" down >/dev/null 2>&1 || rc=$?
  # Nothing may be left: namespaces, processes in them, cgroups, machine copies.
  if ip netns list | grep -q "^$LAB_PREFIX-" || ls -d /sys/fs/cgroup/*/"$LAB_PREFIX"-lab* >/dev/null 2>&1 \
      || [ -e "$RUN_DIR" ] || pgrep -f "$RUN_DIR/machines/lab" >/dev/null; then
    log "leftovers after destroy:"; ip netns list >&2; ls -d /sys/fs/cgroup/*/"$LAB_PREFIX"-lab* >&2 2>/dev/null || true
    rc=1
  fi
  step_result destroy $rc; STEP_TIMES+=("destroy $((SECONDS - start)) s")
fi
log "times: ${STEP_TIMES[*]}; total $((SECONDS - overall)) s"
echo "lab: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
