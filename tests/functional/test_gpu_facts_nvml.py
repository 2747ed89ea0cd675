# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gpu_facts reads NVML on a host with only the system Python and the driver's libnvidia-ml.so.1: real
ansible-playbook, the module run by /usr/bin/python3 (no pynvml, no pip), the stub library of
tests/fixtures/nvml-stub found by the dynamic loader through LD_LIBRARY_PATH, compared with the fake nvidia-smi of
the same card."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import shutil
import stat

import pytest
from collection_env import run_playbook, task_results

from ansible_collections.local_llm.ollama.tests.unit.plugins.module_utils.gpu import nvml_stub
from ansible_collections.local_llm.ollama.tests.unit.plugins.modules.test_gpu_facts import FAKE_NVIDIA_SMI

SYSTEM_PYTHON = "/usr/bin/python3"

pytestmark = [
    pytest.mark.skipif(
        bool(shutil.which("nvidia-smi") or glob.glob("/dev/nvidia[0-9]*") or os.path.exists("/usr/lib/wsl/lib")),
        reason="this host has an NVIDIA GPU; tests/gpu/check_gpu_facts.sh covers that case",
    ),
    pytest.mark.skipif(not os.path.exists(SYSTEM_PYTHON), reason="no system Python at %s" % SYSTEM_PYTHON),
]

# One task per case; each sets the environment the module's Python starts with (the loader reads LD_LIBRARY_PATH
# then, so the library the module loads is the one this names).
PLAYBOOK = """
- name: GPU facts from NVML through the loader path
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: %(python)s
  tasks:
    - name: NVML
      local_llm.ollama.gpu_facts:
        require: true
        min_memory_mb: 12000
      environment:
        LD_LIBRARY_PATH: "%(current)s"

    - name: nvidia-smi
      local_llm.ollama.gpu_facts:
      environment:
        PATH: "%(fake_bin)s:{{ ansible_env.PATH | default('/usr/bin:/bin') }}"

    - name: Old driver
      local_llm.ollama.gpu_facts:
      environment:
        LD_LIBRARY_PATH: "%(old)s"

    - name: Driver lists no GPU
      local_llm.ollama.gpu_facts:
      environment:
        LD_LIBRARY_PATH: "%(current)s"
        NVML_STUB_MODE: no-device

    - name: Kernel driver not loaded
      local_llm.ollama.gpu_facts:
      environment:
        LD_LIBRARY_PATH: "%(current)s"
        NVML_STUB_MODE: init-fails

    - name: Nothing at all
      local_llm.ollama.gpu_facts:
"""

ONLY_FROM_NVML = ("memory_bus_width_bits", "memory_bandwidth_gbps", "processes")


@pytest.fixture(scope="module")
def stub_folders():
    return {variant: nvml_stub.build(variant) for variant in nvml_stub.VARIANTS}


@pytest.fixture(scope="module")
def fake_bin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fake-bin")
    path = folder / "nvidia-smi"
    path.write_text(FAKE_NVIDIA_SMI)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(folder)


@pytest.mark.parametrize("extra_args", [(), ("--check",)], ids=["normal", "check"])
def test_nvml_on_system_python(tmp_path, stub_folders, fake_bin, extra_args):
    playbook = PLAYBOOK % dict(
        python=SYSTEM_PYTHON, current=stub_folders["rtx3060"], old=stub_folders["old-driver"], fake_bin=fake_bin
    )
    rc, output = run_playbook(tmp_path, playbook, extra_args, env={"LC_ALL": "C.UTF-8"})
    results = task_results(output)
    assert rc == 0, results
    facts = dict((name, result["ansible_facts"]["gpu"]) for name, result in results.items())
    assert all(result["changed"] is False for result in results.values())

    nvml, smi = facts["NVML"], facts["nvidia-smi"]
    assert (nvml["source"], nvml["available"], nvml["probe_errors"], nvml["missing_values"]) == ("nvml", True, [], [])
    assert nvml["devices"][0]["memory_bus_width_bits"] == 192
    assert nvml["devices"][0]["memory_clock_max_mhz"] == 7501
    assert nvml["devices"][0]["memory_bandwidth_gbps"] == 360.0
    assert smi["source"] == "nvidia-smi"
    assert [dict(device, **dict.fromkeys(ONLY_FROM_NVML)) for device in nvml["devices"]] == smi["devices"]
    for key in ("available", "driver_version", "cuda_driver_version", "count", "wsl2"):
        assert nvml[key] == smi[key], key

    old = facts["Old driver"]
    assert (old["source"], old["devices"][0]["memory_bandwidth_gbps"]) == ("nvml", None)
    assert old["missing_values"] == [
        "device 0 memory_bus_width_bits: nvmlDeviceGetMemoryBusWidth: the NVIDIA driver is too old for this call "
        "(libnvidia-ml.so.1 has no such function)"
    ]

    not_found = "nvidia-smi: not found on PATH nor in /usr/lib/wsl/lib"
    no_nodes = "devices: no /dev/nvidia* nor /dev/dxg"
    assert facts["Driver lists no GPU"]["source"] == "none"
    assert facts["Driver lists no GPU"]["probe_errors"] == [
        "nvml: the driver lists no GPU (nvmlDeviceGetCount gave 0)",
        not_found,
        no_nodes,
    ]
    assert facts["Kernel driver not loaded"]["probe_errors"] == [
        "nvml: nvmlInit_v2: the NVIDIA kernel driver is not loaded (no /dev/nvidia*; on WSL2 the Windows NVIDIA "
        "driver is missing) (NVML_ERROR_DRIVER_NOT_LOADED) (library libnvidia-ml.so.1)",
        not_found,
        no_nodes,
    ]
    assert facts["Nothing at all"]["probe_errors"] == [
        "nvml: no libnvidia-ml.so.1 on the loader path (ld.so.cache, LD_LIBRARY_PATH); "
        "no /usr/lib/wsl/lib/libnvidia-ml.so.1",
        not_found,
        no_nodes,
    ]
