#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: reads the GPU three ways and compares them, then prints a short JSON summary.
#   nvml       local_llm.ollama.gpu_facts through real ansible-playbook: the collection's ctypes binding of the
#              driver's libnvidia-ml.so.1, run by the given Python (no pynvml needed)
#   nvidia-smi the module's nvidia-smi reader (plugins/module_utils/gpu/_facts.py read_nvidia_smi) on the same host
#   pynvml     NVIDIA's own binding (PyPI nvidia-ml-py), when that Python has it: an independent check of the
#              values the ctypes binding reads (the module does not use it)
# Not part of CI (no GPU there): run it by hand from the repository root. Exit status 0 when the sources agree.
# Usage: tests/gpu/check_gpu_facts.sh [python interpreter for the module, default: /usr/bin/python3]
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${1:-/usr/bin/python3}"
playbook_bin="$repo_root/.venv/bin/ansible-playbook"
[ -x "$playbook_bin" ] || playbook_bin="$(command -v ansible-playbook)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/collections/ansible_collections/local_llm" "$work/out"
ln -s "$repo_root" "$work/collections/ansible_collections/local_llm/ollama"

cat > "$work/playbook.yml" <<YAML
- name: GPU facts on a real GPU
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Through NVML (ctypes)
      local_llm.ollama.gpu_facts:
        require: true
      register: gathered

    - name: Save the facts
      ansible.builtin.copy:
        content: "{{ gathered.ansible_facts.gpu | to_nice_json }}"
        dest: "$work/out/nvml.json"
        mode: "0600"

    - name: Check mode gives facts too
      local_llm.ollama.gpu_facts:
        require: true
      check_mode: true
      register: checked

    - name: Nothing changed
      ansible.builtin.assert:
        that: [gathered is not changed, checked is not changed]
YAML

ANSIBLE_COLLECTIONS_PATH="$work/collections:${ANSIBLE_COLLECTIONS_PATH:-}" ANSIBLE_LOCALHOST_WARNING=false \
  ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_STDOUT_CALLBACK=ansible.builtin.minimal \
  "$playbook_bin" -i localhost, -c local -e "ansible_python_interpreter=$python" "$work/playbook.yml" \
  >"$work/out/playbook.log" 2>&1 || { cat "$work/out/playbook.log" >&2; exit 1; }

PYTHONPATH="$work/collections" "$python" - "$work/out/nvml.json" <<'PY'
import json
import os
import re
import shutil
import sys

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _facts


def get_bin_path(name, required=False, opt_dirs=()):
    """What AnsibleModule.get_bin_path answers: PATH, then opt_dirs."""
    for candidate in [shutil.which(name)] + [os.path.join(folder, name) for folder in opt_dirs]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


nvml = json.load(open(sys.argv[1]))
run = _facts.command_runner(30, dict(LANGUAGE="C", LC_ALL="C"))
smi_path = _facts.find_nvidia_smi(get_bin_path, _facts.WSL_LIB_DIR)
smi = _facts.read_nvidia_smi(run, smi_path, _facts.is_wsl2()) if smi_path else None

try:
    import pynvml
except ImportError:
    pynvml = None


def from_pynvml():
    pynvml.nvmlInit()
    try:
        devices = []
        for index in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(index)
            memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
            devices.append({
                "name": pynvml.nvmlDeviceGetName(handle),
                "uuid": pynvml.nvmlDeviceGetUUID(handle),
                "memory_total_mb": memory.total // (1024 * 1024),
                "memory_bus_width_bits": pynvml.nvmlDeviceGetMemoryBusWidth(handle),
                "memory_clock_max_mhz": pynvml.nvmlDeviceGetMaxClockInfo(handle, pynvml.NVML_CLOCK_MEM),
            })
        return {"driver_version": pynvml.nvmlSystemGetDriverVersion(), "devices": devices}
    finally:
        pynvml.nvmlShutdown()


reference = from_pynvml() if pynvml is not None else None
differences = []


def compare(label, other, keys, top_keys):
    if other is None:
        return
    for key in top_keys:
        if nvml[key] != other[key]:
            differences.append("%s %s: nvml %r, %s %r" % (label, key, nvml[key], label, other[key]))
    for mine, theirs in zip(nvml["devices"], other["devices"]):
        for key in keys:
            if mine[key] != theirs[key]:
                differences.append("%s device %s: nvml %r, %s %r" % (key, mine["index"], mine[key], label, theirs[key]))


compare("nvidia-smi", smi, ("name", "uuid", "memory_total_mb", "compute_capability", "memory_clock_max_mhz"),
        ("driver_version", "cuda_driver_version", "count"))
compare("pynvml", reference, ("name", "uuid", "memory_total_mb", "memory_bus_width_bits", "memory_clock_max_mhz"),
        ("driver_version",))
if nvml["source"] != "nvml":
    differences.append("gpu_facts answered from %r, not NVML: %s" % (nvml["source"], nvml["probe_errors"]))
for device in nvml["devices"]:
    if not device["memory_bandwidth_gbps"]:
        differences.append("device %s: no bandwidth (%s)" % (device["index"], nvml["missing_values"]))
if not re.match(r"^[0-9]+(\.[0-9]+)+$", nvml["driver_version"] or ""):
    differences.append("driver_version %r" % nvml["driver_version"])


def card(device):
    keys = ("name", "memory_total_mb", "compute_capability", "memory_bus_width_bits", "memory_clock_max_mhz",
            "memory_bandwidth_gbps")
    return dict((key, device[key]) for key in keys)


print(json.dumps({
    "ok": not differences,
    "cards": [card(device) for device in nvml["devices"]],
    "driver_version": nvml["driver_version"],
    "cuda_driver_version": nvml["cuda_driver_version"],
    "wsl2": nvml["wsl2"],
    "sources": {
        "nvml": {"source": nvml["source"], "missing_values": nvml["missing_values"]},
        "nvidia-smi": {"path": smi_path, "count": smi["count"]} if smi else "not found",
        "pynvml": "agrees" if reference is not None else "not installed in %s, not compared" % sys.executable,
    },
    "differences": differences,
}, indent=2))
sys.exit(0 if not differences else 1)
PY
