# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gpu_facts through real ansible-playbook on this GPU-less machine: no libnvidia-ml.so.1, no nvidia-smi, no device node."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import shutil

import pytest
from collection_env import run_playbook, task_results

pytestmark = pytest.mark.skipif(
    bool(shutil.which("nvidia-smi") or glob.glob("/dev/nvidia[0-9]*") or os.path.exists("/usr/lib/wsl/lib")),
    reason="this host has an NVIDIA GPU; tests/gpu/check_gpu_facts.sh covers that case",
)

PLAYBOOK = """
- name: GPU facts on a host without a GPU
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Gather
      local_llm.ollama.gpu_facts:
      register: gathered

    - name: Check
      ansible.builtin.assert:
        that:
          - ansible_facts.gpu.available is false
          - ansible_facts.gpu.source == 'none'
          - ansible_facts.gpu.count == 0
          - ansible_facts.gpu.devices == []
          - gathered is not changed

    - name: Require a GPU
      local_llm.ollama.gpu_facts:
        require: true
      register: required
      ignore_errors: true
"""


@pytest.mark.parametrize("extra_args", [(), ("--check",)], ids=["normal", "check"])
def test_no_gpu(tmp_path, extra_args):
    rc, output = run_playbook(tmp_path, PLAYBOOK, extra_args)
    results = task_results(output)
    assert rc == 0, results
    gathered = results["Gather"]
    assert gathered["changed"] is False
    gpu = gathered["ansible_facts"]["gpu"]
    assert (gpu["available"], gpu["source"], gpu["count"]) == (False, "none", 0)
    assert any(error.startswith("nvml: ") for error in gpu["probe_errors"])
    assert any(error.startswith("nvidia-smi: not found") for error in gpu["probe_errors"])
    assert "devices: no /dev/nvidia* nor /dev/dxg" in gpu["probe_errors"]
    assert results["Check"].get("failed") is not True
    required = results["Require a GPU"]
    assert required["failed"] is True
    assert required["msg"].startswith("GPU requirements not met: no NVIDIA GPU found, but one is required")
    assert output["stats"]["localhost"]["changed"] == 0
