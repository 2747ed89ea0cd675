#!/usr/bin/env bash
# Runs local_llm.ollama.gpu_facts on THIS machine (which must have an NVIDIA GPU) through real ansible-playbook,
# once with pynvml (NVML source) and once with pynvml hidden (nvidia-smi source), prints both fact sets as JSON and
# checks invariants. Not part of CI: run it by hand on a GPU host from the repository root.
# Usage: tests/gpu/check_gpu_facts.sh [python interpreter with ansible-core and nvidia-ml-py]
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${1:-$(command -v python3)}"
playbook_bin="$(dirname "$python")/ansible-playbook"
[ -x "$playbook_bin" ] || playbook_bin="$(command -v ansible-playbook)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/collections/ansible_collections/local_llm" "$work/hide-pynvml" "$work/out"
ln -s "$repo_root" "$work/collections/ansible_collections/local_llm/ollama"
# Shadows the installed pynvml so the module takes its nvidia-smi path.
echo 'raise ImportError("pynvml hidden by check_gpu_facts.sh")' > "$work/hide-pynvml/pynvml.py"

cat > "$work/playbook.yml" <<YAML
- name: GPU facts on a real GPU
  hosts: localhost
  gather_facts: false
  tasks:
    - name: With pynvml
      local_llm.ollama.gpu_facts:
      register: with_nvml

    - name: Save NVML facts
      ansible.builtin.copy:
        content: "{{ with_nvml.ansible_facts.gpu | to_nice_json }}"
        dest: "$work/out/nvml.json"
        mode: "0600"

    - name: Without pynvml
      local_llm.ollama.gpu_facts:
      environment:
        PYTHONPATH: "$work/hide-pynvml"
      register: with_smi

    - name: Save nvidia-smi facts
      ansible.builtin.copy:
        content: "{{ with_smi.ansible_facts.gpu | to_nice_json }}"
        dest: "$work/out/smi.json"
        mode: "0600"

    - name: Check mode gives facts too
      local_llm.ollama.gpu_facts:
        require: true
      check_mode: true
      register: checked

    - name: Nothing changed
      ansible.builtin.assert:
        that: [with_nvml is not changed, with_smi is not changed, checked is not changed]
YAML

ANSIBLE_COLLECTIONS_PATH="$work/collections:${ANSIBLE_COLLECTIONS_PATH:-}" ANSIBLE_LOCALHOST_WARNING=false \
  ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
  "$playbook_bin" -i localhost, -c local -e "ansible_python_interpreter=$python" "$work/playbook.yml"

echo "== NVML facts"; cat "$work/out/nvml.json"; echo
echo "== nvidia-smi facts"; cat "$work/out/smi.json"; echo

"$python" - "$work/out/nvml.json" "$work/out/smi.json" <<'PY'
import json
import re
import sys

nvml, smi = (json.load(open(path)) for path in sys.argv[1:3])
problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


for label, facts, source in (('nvml', nvml, 'nvml'), ('nvidia-smi', smi, 'nvidia-smi')):
    check(facts['available'] is True, '%s: available is not true' % label)
    check(facts['source'] == source, '%s: source is %r, expected %r (probe_errors: %s)'
          % (label, facts['source'], source, facts['probe_errors']))
    check(facts['count'] == len(facts['devices']) >= 1, '%s: count %s vs %d devices'
          % (label, facts['count'], len(facts['devices'])))
    check(re.match(r'^[0-9]+(\.[0-9]+)+$', facts['driver_version'] or ''), '%s: driver_version %r'
          % (label, facts['driver_version']))
    check(re.match(r'^[0-9]+\.[0-9]+$', facts['cuda_driver_version'] or ''), '%s: cuda_driver_version %r'
          % (label, facts['cuda_driver_version']))
    for device in facts['devices']:
        name = '%s device %s' % (label, device['index'])
        check(re.match(r'^[0-9]+\.[0-9]+$', device['compute_capability'] or ''),
              '%s: compute_capability %r' % (name, device['compute_capability']))
        total, used, free = device['memory_total_mb'], device['memory_used_mb'], device['memory_free_mb']
        check(total and used is not None and total >= used, '%s: memory total %s < used %s' % (name, total, used))
        check(free is not None and free <= total, '%s: memory free %s > total %s' % (name, free, total))
        check(device['uuid'] and device['uuid'].startswith(('GPU-', 'MIG-')), '%s: uuid %r' % (name, device['uuid']))
        if source == 'nvml':
            check((device['memory_bandwidth_gbps'] or 0) > 0, '%s: memory_bandwidth_gbps %r'
                  % (name, device['memory_bandwidth_gbps']))

for a, b in zip(nvml['devices'], smi['devices']):
    for key in ('name', 'uuid', 'memory_total_mb', 'compute_capability', 'memory_clock_max_mhz'):
        check(a[key] == b[key], 'device %s: %s differs: nvml %r, nvidia-smi %r' % (a['index'], key, a[key], b[key]))
check(nvml['driver_version'] == smi['driver_version'], 'driver_version differs between sources')
check(nvml['cuda_driver_version'] == smi['cuda_driver_version'], 'cuda_driver_version differs between sources')

if problems:
    print('FAILED:\n  ' + '\n  '.join(problems))
    sys.exit(1)
print('OK: %d device(s), invariants hold for both sources' % nvml['count'])
PY
