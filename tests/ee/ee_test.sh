#!/usr/bin/env bash
# The execution environment in make test (item "ee" of molecule's dind lane, scripts/stages.sh), as docs/awx.md has it:
#   1. `make ee` (scripts/ee.sh) builds ee/execution-environment.yml offline; its time, cold or cached, and layers;
#   2. smoke: ansible-galaxy collection list in the image shows the pinned collections, ansible-doc reads
#      local_llm.ollama.ollama_model; no PIP_NO_INDEX, no wheelhouse layer, no nvidia-ml-py;
#   3. AWX-style jobs (tests/ee/awx_job.py): site.yml --check on 1 and on 3 GPU hosts (systemd containers with sshd on
#      127.0.0.1, host network), through transmit | docker run -i <ee> worker | process, next to plain
#      ansible-playbook on the same hosts; the artifacts must say successful with the same recap (bare hosts: what a
#      Check job sees before the first rollout);
#   4. the 3 hosts converged by plain ansible-playbook (this .venv, not the EE), in one run: playbooks/native.yml and
#      models.yml with the emulator's release archive (tests/emulator/build_release.py) and my-coder built on
#      qwen2.5-coder:7b from a registry on each host (tests/lab/make_model_store.py), as molecule scenario site does;
#      each host's Ollama on its own 127.0.0.1 port (ollama_listen as a host variable: the hosts share the network);
#   5. verify.yml on those hosts, converged once: plain ansible-playbook on the 3 (its wall time, and the per-host
#      counts), then AWX-style jobs on 1 (an inventory of one) and on 3, each checked as in 3 against those counts and
#      for changed 0 on every host (no GPU here: verify_require_gpu false, one benchmark run, 1 GB of free disk);
#   6. an execution environment without an SSH client fails naming ssh-agent, inside a timeout.
# Usage: tests/ee/ee_test.sh [<log file>]   (root for the base image, once; Docker; apt through the host network for
# the GPU hosts' image)
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../../scripts/docker-engine.sh"

work="$WORK_DIR/ee-test"
py="$VENV_DIR/bin/python"
job="$REPO_ROOT/tests/ee/awx_job.py"
id="$(echo "$REPO_ROOT" | sha256sum | cut -c1-8)"
targets=()
cleanup() { local t; for t in "${targets[@]}"; do docker rm -f "$t" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
fail() { log "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work"
ensure_docker_engine
activate_env
ANSIBLE_COLLECTIONS_PATH="$(self_collection_path):$COLLECTIONS_DIR"
export ANSIBLE_COLLECTIONS_PATH

log "1. make ee"
start=$SECONDS
image="$(make -s -C "$REPO_ROOT" ee 2>"$work/build.log" | tail -n 1)" || { cat "$work/build.log" >&2; fail "make ee failed"; }
sed -n '/^==> built /,$p' "$work/build.log" >&2
log "   make ee took $((SECONDS - start)) s in all (collection build, introspection and the image)"

log "2. smoke: the collections at their pins, ansible-doc, nothing of the offline build left in the image"
docker run --rm --network none "$image" ansible-galaxy collection list --format json 2>/dev/null > "$work/collections.json"
"$py" - "$REPO_ROOT/ee/execution-environment.yml" "$work/collections.json" <<'PY' || fail "the collections in the image differ from the pins"
import json, sys, yaml
pins = {c["name"]: str(c["version"]) for c in yaml.safe_load(open(sys.argv[1]))["dependencies"]["galaxy"]["collections"]}
listed = {}
for collections in json.load(open(sys.argv[2])).values():
    listed.update({name: info["version"] for name, info in collections.items()})
wrong = {name: (pin, listed.get(name)) for name, pin in pins.items() if listed.get(name) != pin}
print("   collections (pin, in the image):", {name: (pin, listed.get(name)) for name, pin in pins.items()}, file=sys.stderr)
sys.exit(1 if wrong else 0)
PY
# Each output is read whole before it is searched: grep -q could end a pipeline early, and pipefail would count that.
doc="$(docker run --rm --network none -e ANSIBLE_NOCOLOR=1 "$image" ansible-doc local_llm.ollama.ollama_model 2>&1)" \
  || fail "ansible-doc local_llm.ollama.ollama_model failed in the image: $doc"
grep -q '^> MODULE local_llm.ollama.ollama_model ' <<<"$doc" || fail "ansible-doc shows no ollama_model: $doc"
env_json="$(docker image inspect --format '{{json .Config.Env}}' "$image")"
if grep -q PIP_NO_INDEX <<<"$env_json"; then fail "PIP_NO_INDEX is set in the image: $env_json"; fi
layers="$(docker history --no-trunc --format '{{.CreatedBy}}' "$image")"
if grep -q wheelhouse <<<"$layers"; then fail "a layer of the image holds the wheelhouse"; fi
if docker run --rm --network none "$image" python3 -m pip show nvidia-ml-py >/dev/null 2>&1; then fail "nvidia-ml-py is in the image"; fi

log "3. AWX-style jobs: site.yml --check on 1 and 3 bare GPU hosts"
target_image="local/llo-ee-target:$(sha256sum "$REPO_ROOT/tests/ee/target.Dockerfile" | cut -c1-12)"
if ! docker image inspect "$target_image" >/dev/null 2>&1; then
  docker build -q --network host --build-arg BASE="$("$REPO_ROOT/scripts/build-image.sh" bookworm)" -t "$target_image" \
    -f "$REPO_ROOT/tests/ee/target.Dockerfile" "$REPO_ROOT/tests/ee" >"$work/target-build.log" 2>&1 \
    || { cat "$work/target-build.log" >&2; fail "the GPU hosts' image could not be built"; }
fi
ssh-keygen -q -t ed25519 -N '' -C llo-ee-test -f "$work/id_ed25519"
# Six free ports: the hosts' sshd, then their Ollama (step 4).
read -r -a free < <("$py" -c 'import socket
socks = [socket.socket() for _ in range(6)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
ports=("${free[@]:0:3}")
ollama_ports=("${free[@]:3:3}")
for n in 1 2 3; do
  name="llo-ee-target$n-$id"
  docker rm -f "$name" >/dev/null 2>&1 || true
  targets+=("$name")
  docker create --name "$name" --network host --cgroupns private --cap-add SYS_ADMIN --tmpfs /run --tmpfs /run/lock \
    --tmpfs /tmp:rw,exec,mode=1777 "$target_image" /lib/systemd/systemd >/dev/null
  printf 'Port %s\n' "${ports[$((n - 1))]}" > "$work/port$n.conf"
  docker cp "$work/port$n.conf" "$name:/etc/ssh/sshd_config.d/port.conf"
  docker cp "$work/id_ed25519.pub" "$name:/root/.ssh/authorized_keys"
  docker start "$name" >/dev/null
done
for n in 1 2 3; do
  deadline=$((SECONDS + 90))
  until ssh -i "$work/id_ed25519" -p "${ports[$((n - 1))]}" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -o BatchMode=yes -o ConnectTimeout=3 -o LogLevel=ERROR root@127.0.0.1 true 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "GPU host $n: no SSH after 90 s"
    sleep 1
  done
done
summary=()
for count in 1 3; do
  hosts=("${ports[@]:0:$count}")
  "$py" "$job" "$image" playbooks/site.yml "$work/plain-$count" "$work/id_ed25519" "${hosts[@]}" --check --plain \
    > "$work/plain-$count.json" || fail "plain ansible-playbook site.yml --check on $count host(s) failed"
  "$py" -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["recap"]))' "$work/plain-$count.json" \
    > "$work/recap-$count.json"
  "$py" "$job" "$image" playbooks/site.yml "$work/job-$count" "$work/id_ed25519" "${hosts[@]}" --check \
    --expect-recap "$work/recap-$count.json" > "$work/job-$count.json" \
    || fail "the AWX-style job site.yml --check on $count host(s) failed"
  summary+=("site.yml --check, $count host(s): plain $(cat "$work/plain-$count.json") | job $(cat "$work/job-$count.json")")
done

log "4. converge the 3 hosts by plain ansible-playbook: Ollama (the emulator's release) and my-coder"
start=$SECONDS
"$py" "$REPO_ROOT/tests/emulator/build_release.py" --version 0.32.15 --arch amd64 --out "$work/release" >/dev/null
"$py" "$REPO_ROOT/tests/lab/make_model_store.py" "$work/registry" --padding-mib 0 --model qwen2.5-coder:7b >/dev/null
{
  echo "[lab]"
  for n in 1 2 3; do
    echo "target$n ansible_host=127.0.0.1 ansible_port=${ports[$((n - 1))]} ollama_listen=127.0.0.1:${ollama_ports[$((n - 1))]}"
  done
  echo "[all:vars]"
  echo "ansible_python_interpreter=/usr/bin/python3"
  echo "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
} > "$work/converge.ini"
# The emulator pulls qwen2.5-coder:7b from this folder instead of registry.ollama.ai (as in molecule scenario site).
printf '{"ollama_deployment": "native", "ollama_native_archive_src": "%s",
  "ollama_native_environment_extra": {"OLLAMA_EMULATOR_REGISTRY": "/srv/registry"}}\n' \
  "$work/release/ollama-linux-amd64.tar.zst" > "$work/converge.json"
for n in 1 2 3; do docker cp "$work/registry/." "llo-ee-target$n-$id:/srv/registry"; done
ANSIBLE_HOST_KEY_CHECKING=False "$VENV_DIR/bin/ansible-playbook" -i "$work/converge.ini" -u root --forks 5 \
  --private-key "$work/id_ed25519" -e "@$work/converge.json" \
  "$REPO_ROOT/playbooks/native.yml" "$REPO_ROOT/playbooks/models.yml" > "$work/converge.log" 2>&1 \
  || { tail -n 60 "$work/converge.log" >&2; fail "plain ansible-playbook native.yml models.yml on 3 hosts failed"; }
summary+=("converge of 3 hosts (native.yml models.yml, plain): $((SECONDS - start)) s")

log "5. verify.yml on the converged hosts: plain ansible-playbook on 3, then AWX-style jobs on 1 and on 3"
echo '{"verify_benchmark_runs": 1, "verify_min_free_disk_gb": 1, "verify_speed": "always"}' > "$work/verify-vars.json"
verify_args=(--extravars "$work/verify-vars.json" --ollama-ports "${ollama_ports[@]}")
# One plain run, for the timing next to the jobs and the per-host counts they must show (a host's counts do not
# depend on how many hosts run with it); verify changes nothing, so every job also checks changed 0 on each host.
# verify_speed always: every run probes, so the plain run and the jobs run the same tasks.
"$py" "$job" "$image" playbooks/verify.yml "$work/verify-plain-3" "$work/id_ed25519" "${ports[@]}" --plain \
  "${verify_args[@]}" > "$work/verify-plain-3.json" || fail "plain ansible-playbook verify.yml on 3 hosts failed"
"$py" -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["recap"]))' \
  "$work/verify-plain-3.json" > "$work/verify-recap.json"
summary+=("verify.yml, 3 hosts: plain $(cat "$work/verify-plain-3.json")")
for count in 1 3; do
  "$py" "$job" "$image" playbooks/verify.yml "$work/verify-job-$count" "$work/id_ed25519" "${ports[@]:0:$count}" \
    --expect-recap "$work/verify-recap.json" --no-changes "${verify_args[@]}" > "$work/verify-job-$count.json" \
    || fail "the AWX-style job verify.yml on $count host(s) failed"
  summary+=("verify.yml, $count host(s): job $(cat "$work/verify-job-$count.json")")
done

log "6. without an SSH client: fails naming ssh-agent, and does not hang"
docker build -q --network none -t "$image-no-ssh" - >/dev/null <<EOF2
FROM $image
USER root
RUN dpkg --purge --force-depends openssh-client
USER 1000
EOF2
"$py" "$job" "$image-no-ssh" playbooks/site.yml "$work/no-ssh" "$work/id_ed25519" "${ports[0]}" --check \
  --no-ssh-client > "$work/no-ssh.json" || fail "the job without an SSH client did not fail as it should"
summary+=("no SSH client: $(cat "$work/no-ssh.json")")

log "timings (a shared machine: they run slower than alone; load $(cut -d' ' -f1-3 /proc/loadavg)):"
summary+=("item ee in all: $SECONDS s")
printf '    %s\n' "${summary[@]}" >&2
log "ee: passed"
