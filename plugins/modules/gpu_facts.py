#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: gpu_facts
short_description: Gather facts about the host's NVIDIA GPUs (NVML or nvidia-smi)
version_added: 0.1.0
description:
  - Reads the NVIDIA GPUs of the managed host and sets C(ansible_facts.gpu).
  - "Sources, first that works wins, named in RV(ansible_facts.gpu.source)."
  - "1. V(nvml) - the NVIDIA Management Library C(libnvidia-ml.so.1) that every NVIDIA driver installs, called through
    a small ctypes binding of this collection, so nothing has to be installed on the managed host (no C(pynvml), no
    pip), only the system Python and the driver. It is the only source of the memory bus width, hence of
    C(memory_bandwidth_gbps) (the roofline of M(local_llm.ollama.ollama_benchmark)), and of the compute processes."
  - "2. V(nvidia-smi) - C(nvidia-smi --query-gpu=... --format=csv,noheader,nounits) run in the C locale, when NVML
    cannot be loaded or initialised, or lists no GPU (RV(ansible_facts.gpu.probe_errors) says why)."
  - "3. V(none), which gives C(available=false) and C(count=0); a host without a GPU is not an error unless
    O(require) or a minimum is set."
  - The library is loaded by its soname C(libnvidia-ml.so.1) through the dynamic loader's path (C(ld.so.cache),
    E(LD_LIBRARY_PATH)), then from C(/usr/lib/wsl/lib). On WSL2 the Windows driver puts C(libnvidia-ml.so.1) and
    C(nvidia-smi) in C(/usr/lib/wsl/lib), which is not on root's E(PATH); there the module tries that folder first
    and also looks for C(nvidia-smi) there.
  - "When no source finds a GPU, RV(ansible_facts.gpu.probe_errors) names everything looked for and not found: the
    library (every place tried), C(nvidia-smi), and the device nodes C(/dev/nvidia*) and C(/dev/dxg). With a GPU
    but a broken driver it names the NVML call that failed and NVML's answer (for example
    C(nvmlInit_v2: the NVIDIA kernel driver is not loaded))."
  - Memory sizes are MiB (1,048,576 bytes), the unit C(nvidia-smi) prints as C(MiB).
  - Values a source cannot give are V(null), never estimated. Per-device NVML queries the card or driver does not
    support (for example C(NotSupported) on some consumer cards or under WSL2) give V(null) for that value.
  - Never changes anything on the host.
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.attributes
  - local_llm.ollama.attributes.facts
  - local_llm.ollama.attributes.facts_module
options:
  require:
    description:
      - Fail when no NVIDIA GPU is found. The facts are returned either way.
    type: bool
    default: false
  min_memory_mb:
    description:
      - Fail unless at least one GPU has this much total memory, in MiB (for example V(12288) for a 12 GB card).
      - Setting it also requires a GPU to be present.
    type: int
  min_driver_version:
    description:
      - Fail unless the NVIDIA driver version is at least this, compared numerically part by part, missing parts
        counting as 0 (V(545) is lower than V(591.74)).
      - Setting it also requires a GPU to be present.
    type: str
  timeout:
    description:
      - Seconds each C(nvidia-smi) call may take, 1 to 86400. A driver that hangs makes the module fail with a message
        saying so, instead of hanging the play.
    type: int
    default: 30
requirements:
  - An NVIDIA driver (its C(libnvidia-ml.so.1), or C(nvidia-smi)). Nothing else on the managed host.
notes:
  - C(memory_bandwidth_gbps) is the theoretical peak, computed as bus width (bits) / 8 x maximum memory clock (MHz)
    x 2 / 1000, in GB/s (10^9 bytes/s) rounded to one decimal. The factor 2 is the data rate relative to the clock
    NVML reports, verified for GDDR6 and GDDR6X (RTX 3060 12 GB, 192 bit, 7501 MHz gives V(360.0)); unverified for
    HBM. It needs the bus width, which only NVML gives, so it is V(null) when the source is C(nvidia-smi), or when the
    driver is too old for C(nvmlDeviceGetMemoryBusWidth) (RV(ansible_facts.gpu.missing_values) says so).
  - C(nvidia-smi) needs a driver new enough to know the C(compute_cap) query field (R510 or later).
seealso:
  - name: NVML API reference
    description: The NVIDIA Management Library functions this module calls.
    link: https://docs.nvidia.com/deploy/nvml-api/
"""

EXAMPLES = r"""
- name: Gather GPU facts
  local_llm.ollama.gpu_facts:

- name: Show the GPU
  ansible.builtin.debug:
    msg: >-
      {{ item.name }}: {{ item.memory_free_mb }} of {{ item.memory_total_mb }} MiB free,
      {{ item.memory_bandwidth_gbps }} GB/s, compute capability {{ item.compute_capability }}
  loop: "{{ ansible_facts.gpu.devices }}"

- name: Stop unless a 12 GB card with a recent driver is present
  local_llm.ollama.gpu_facts:
    require: true
    min_memory_mb: 12000
    min_driver_version: "550"
"""

RETURN = r"""
ansible_facts:
  description: Facts about the NVIDIA GPUs.
  returned: always
  type: dict
  contains:
    gpu:
      description: What the first working source found.
      returned: always
      type: dict
      contains:
        available:
          description: Whether at least one NVIDIA GPU was found.
          type: bool
          returned: always
          sample: true
        source:
          description:
            - Which source answered - V(nvml) (C(libnvidia-ml.so.1)) or V(nvidia-smi). V(none) when neither found a
              GPU (a driver that lists none included).
          type: str
          returned: always
          choices: [nvml, nvidia-smi, none]
          sample: nvml
        wsl2:
          description: Whether the host is a WSL2 distribution (kernel release, C(WSLInterop) or E(WSL_DISTRO_NAME)).
          type: bool
          returned: always
          sample: true
        driver_version:
          description: NVIDIA driver version; V(null) without a GPU.
          type: str
          returned: always
          sample: "591.74"
        cuda_driver_version:
          description:
            - Highest CUDA version the driver supports, C(major.minor). From C(nvmlSystemGetCudaDriverVersion) or the
              header of plain C(nvidia-smi). V(null) without a GPU.
          type: str
          returned: always
          sample: "13.0"
        count:
          description: Number of GPUs.
          type: int
          returned: always
          sample: 1
        probe_errors:
          description:
            - Why each source tried before the one that answered (or every source, when none did) gave nothing.
            - "When no GPU was found, also C(devices: no /dev/nvidia* nor /dev/dxg) if neither device node exists."
          type: list
          elements: str
          returned: always
          sample:
            - "nvml: no libnvidia-ml.so.1 on the loader path (ld.so.cache, LD_LIBRARY_PATH); no /usr/lib/wsl/lib/libnvidia-ml.so.1"
            - "nvidia-smi: not found on PATH nor in /usr/lib/wsl/lib"
            - "devices: no /dev/nvidia* nor /dev/dxg"
        missing_values:
          description:
            - Why a value the source V(nvml) was asked for is V(null) - the NVML call that failed and why, for example
              a driver too old for C(nvmlDeviceGetMemoryBusWidth), or C(NVML_ERROR_NOT_SUPPORTED) on some consumer
              cards and under WSL2. Empty for the other sources.
          type: list
          elements: str
          returned: always
          sample:
            - "device 0 memory_bus_width_bits: nvmlDeviceGetMemoryBusWidth: the NVIDIA driver is too old for this call (libnvidia-ml.so.1 has no such function)"
        devices:
          description: One entry per GPU, in NVML/nvidia-smi index order.
          type: list
          elements: dict
          returned: always
          contains:
            index:
              description: Device index.
              type: int
              returned: always
              sample: 0
            name:
              description: Product name.
              type: str
              returned: always
              sample: NVIDIA GeForce RTX 3060
            uuid:
              description: GPU UUID.
              type: str
              returned: always
              sample: GPU-2f4e1f3c-6b5d-4c1e-9c55-0a4b0c3d5e6f
            memory_total_mb:
              description: Total memory in MiB.
              type: int
              returned: always
              sample: 12288
            memory_free_mb:
              description: Free memory in MiB at the time of the query (what a model can still use).
              type: int
              returned: always
              sample: 11862
            memory_used_mb:
              description: Used memory in MiB at the time of the query.
              type: int
              returned: always
              sample: 426
            compute_capability:
              description: CUDA compute capability, C(major.minor).
              type: str
              returned: always
              sample: "8.6"
            memory_bus_width_bits:
              description: Memory bus width in bits; NVML only (V(null) from C(nvidia-smi)).
              type: int
              returned: always
              sample: 192
            memory_clock_max_mhz:
              description: Maximum memory clock in MHz as NVML/nvidia-smi report it.
              type: int
              returned: always
              sample: 7501
            memory_bandwidth_gbps:
              description:
                - Theoretical memory bandwidth in GB/s, C(memory_bus_width_bits / 8 x memory_clock_max_mhz x 2 / 1000),
                  rounded to one decimal; V(null) when the bus width or clock is unknown.
              type: float
              returned: always
              sample: 360.0
            temperature_c:
              description: GPU core temperature in degrees Celsius.
              type: int
              returned: always
              sample: 41
            power_limit_w:
              description: Power management limit in watts (NVML C(nvmlDeviceGetPowerManagementLimit), nvidia-smi C(power.limit)).
              type: float
              returned: always
              sample: 170.0
            utilization_gpu_pct:
              description: GPU utilisation in percent over the driver's last sample period.
              type: int
              returned: always
              sample: 3
            pcie_link:
              description: PCIe link; V(null) when nothing about it is known. Each value may be V(null) on its own.
              type: dict
              returned: always
              contains:
                generation:
                  description: Current link generation (drops at idle on many cards).
                  type: int
                  sample: 4
                width:
                  description: Current link width (lanes).
                  type: int
                  sample: 16
                max_generation:
                  description: Maximum link generation supported by GPU and slot.
                  type: int
                  sample: 4
                max_width:
                  description: Maximum link width.
                  type: int
                  sample: 16
            processes:
              description:
                - Compute processes using the GPU, from NVML. V(null) when the source cannot tell (always with
                  C(nvidia-smi)).
              type: list
              elements: dict
              returned: always
              contains:
                pid:
                  description: Process id (under WSL2 it may be a Windows-side id).
                  type: int
                  sample: 1234
                name:
                  description: Process name as NVML reports it, V(null) when it cannot be resolved.
                  type: str
                  sample: /usr/local/bin/ollama
                used_memory_mb:
                  description: GPU memory used by the process in MiB, V(null) when the driver does not report it.
                  type: int
                  sample: 4896
"""

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _facts as _gpu
from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama import _version
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import check_seconds, seconds_kind

TIMEOUT_MEANING = "how long each nvidia-smi call may take"


def validate_options(module):
    params = module.params
    check_seconds(module, {"timeout": TIMEOUT_MEANING})
    if params["min_memory_mb"] is not None and params["min_memory_mb"] <= 0:
        module.fail_json(msg="min_memory_mb must be a positive number of MiB, got %s" % params["min_memory_mb"])
    if params["min_driver_version"] is not None:
        try:
            _version.parse_strict(params["min_driver_version"])
        except ValueError:
            module.fail_json(
                msg="min_driver_version must be a driver version made of numbers and dots such as '550' "
                "or '591.74', got %r" % params["min_driver_version"]
            )


def unmet_requirements(params, facts):
    """Messages for each requirement the facts do not meet."""
    wants_gpu = params["require"] or params["min_memory_mb"] is not None or params["min_driver_version"] is not None
    if not facts["available"]:
        if not wants_gpu:
            return []
        reasons = "; ".join(facts["probe_errors"]) or "no GPU listed"
        return ["no NVIDIA GPU found, but one is required (%s)" % reasons]
    problems = []
    if params["min_memory_mb"] is not None:
        largest = max([device["memory_total_mb"] or 0 for device in facts["devices"]])
        if largest < params["min_memory_mb"]:
            problems.append(
                "the largest GPU has %s MiB of memory, min_memory_mb requires %s MiB"
                % (largest, params["min_memory_mb"])
            )
    required_driver = params["min_driver_version"]
    if required_driver is not None:
        found = facts["driver_version"]
        if found is None:
            problems.append("the driver version is unknown, min_driver_version requires %s" % required_driver)
        elif not _version.driver_at_least(found, required_driver):
            problems.append("driver version %s is lower than min_driver_version %s" % (found, required_driver))
    return problems


def argument_spec():
    return dict(
        require=dict(type="bool", default=False),
        min_memory_mb=dict(type="int"),
        min_driver_version=dict(type="str"),
        timeout=dict(type="int", default=_gpu.NVIDIA_SMI_TIMEOUT),
    )


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given."""
    return dict(
        require={"kind": "flag"},
        min_memory_mb={"kind": "number", "integer": True, "min": 1, "max": 16 * 1024 * 1024, "unit": "MiB"},
        min_driver_version={"kind": "version", "parts": [1, 3]},
        timeout=dict(seconds_kind("timeout"), unit="seconds for each nvidia-smi call"),
    )


def main():
    module = KindCheckedModule(argument_spec=argument_spec(), kinds=option_kinds(), supports_check_mode=True)
    validate_options(module)
    try:
        facts = _gpu.gather_host_gpu_facts(
            module,
            timeout=module.params["timeout"],
            limit="timeout=%s; raise it if the driver is only slow" % module.params["timeout"],
        )
    except _gpu.GpuProbeTimeout as exc:
        module.fail_json(msg=str(exc))
    problems = unmet_requirements(module.params, facts)
    if problems:
        module.fail_json(msg="GPU requirements not met: %s" % "; ".join(problems), ansible_facts=dict(gpu=facts))
    module.exit_json(changed=False, ansible_facts=dict(gpu=facts))


if __name__ == "__main__":
    main()
