# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gpu_facts end to end inside the test process: real AnsibleModule, real exit_json/fail_json output,
the stub libnvidia-ml.so.1 (tests/fixtures/nvml-stub) called through the ctypes binding, and a real (fake)
nvidia-smi executable run through run_command."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import time

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _facts as _gpu
from ansible_collections.local_llm.ollama.plugins.modules import gpu_facts

# Written out on purpose instead of importing _gpu.NVIDIA_SMI_QUERY: a changed query must break this test.
EXPECTED_QUERY = (
    "--query-gpu=index,name,uuid,driver_version,memory.total,memory.free,memory.used,compute_cap,"
    "clocks.max.memory,temperature.gpu,power.limit,utilization.gpu,pcie.link.gen.current,"
    "pcie.link.width.current,pcie.link.gen.max,pcie.link.width.max"
)

FAKE_NVIDIA_SMI = r"""#!/bin/sh
# Answers exactly the two calls gpu_facts makes, in the C locale; anything else fails.
if [ "$LC_ALL" != "C" ] || [ "$LANGUAGE" != "C" ]; then
  echo "not run in the C locale" >&2; exit 3
fi
if [ "$#" -eq 0 ]; then
  echo "| NVIDIA-SMI 590.52.01              Driver Version: 591.74         CUDA Version: 13.1     |"
  exit 0
fi
if [ "$#" -eq 2 ] && [ "$1" = "%(query)s" ] && [ "$2" = "--format=csv,noheader,nounits" ]; then
  echo "0, NVIDIA GeForce RTX 3060, GPU-2f4e1f3c-6b5d-4c1e-9c55-0a4b0c3d5e6f, 591.74, 12288, 11862, 426, 8.6, 7501, 41, 170.00, 3, 1, 16, 4, 16"
  exit 0
fi
echo "unexpected arguments: $*" >&2
exit 2
""" % dict(query=EXPECTED_QUERY)

BROKEN_NVIDIA_SMI = """#!/bin/sh
echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."
exit 9
"""


def write_executable(directory, text, name="nvidia-smi"):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


@pytest.fixture
def host(monkeypatch, tmp_path, nvml_stub):
    """A host with an empty PATH, an empty WSL library folder, no libnvidia-ml.so.1 on the loader path, no device
    nodes and not WSL2; tests add what they need.

    The loader path is a folder asked for by full path: this test process may already hold a stub library, which
    the dynamic loader would hand back for the bare soname."""
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    wsl_dir = tmp_path / "wsl-lib"
    wsl_dir.mkdir()
    loader_dir = tmp_path / "ld-path"
    dev_dir = tmp_path / "dev"
    dev_dir.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    monkeypatch.setattr(_gpu, "WSL_LIB_DIR", str(wsl_dir))
    monkeypatch.setattr(_gpu, "NVML_LOADER_NAME", str(loader_dir / "libnvidia-ml.so.1"))
    monkeypatch.setattr(_gpu, "DEV_DIR", str(dev_dir))
    monkeypatch.setattr(_gpu, "is_wsl2", lambda: False)

    class Host:
        bin_dir = empty_bin
        wsl_lib_dir = wsl_dir
        loader_path = loader_dir
        devices = dev_dir

        @staticmethod
        def wsl2():
            monkeypatch.setattr(_gpu, "is_wsl2", lambda: True)

        @staticmethod
        def driver(variant="rtx3060", folder=None, mode=None):
            """The NVIDIA driver's libnvidia-ml.so.1 (the stub) on the loader path, or in folder."""
            nvml_stub.copy_to(folder or loader_dir, variant)
            if mode:
                nvml_stub.mode(mode)

    return Host


def run_module(capsys, args=None, check_mode=False):
    args = dict(args or {})
    if check_mode:
        args["_ansible_check_mode"] = True
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            gpu_facts.main()
    return json.loads(capsys.readouterr().out)


def test_nvml_rtx_3060(host, capsys):
    host.driver()
    result = run_module(capsys)
    gpu = result["ansible_facts"]["gpu"]
    assert result["changed"] is False
    assert "failed" not in result
    assert (gpu["available"], gpu["source"], gpu["count"]) == (True, "nvml", 1)
    assert gpu["devices"][0]["memory_bandwidth_gbps"] == 360.0
    assert gpu["devices"][0]["compute_capability"] == "8.6"
    assert gpu["probe_errors"] == []


def test_nvml_and_nvidia_smi_agree_on_the_same_card(host, capsys):
    write_executable(host.bin_dir, FAKE_NVIDIA_SMI)
    from_smi = run_module(capsys)["ansible_facts"]["gpu"]
    host.driver()
    from_nvml = run_module(capsys)["ansible_facts"]["gpu"]
    assert (from_nvml["source"], from_smi["source"]) == ("nvml", "nvidia-smi")
    only_nvml = ("memory_bus_width_bits", "memory_bandwidth_gbps", "processes")
    assert [dict(device, **dict.fromkeys(only_nvml)) for device in from_nvml["devices"]] == from_smi["devices"]
    for key in ("available", "driver_version", "cuda_driver_version", "count", "wsl2"):
        assert from_nvml[key] == from_smi[key], key


def test_wsl2_reads_nvml_from_the_driver_folder(host, capsys):
    host.wsl2()
    host.driver(folder=host.wsl_lib_dir)
    gpu = run_module(capsys)["ansible_facts"]["gpu"]
    assert (gpu["source"], gpu["wsl2"], gpu["devices"][0]["memory_bandwidth_gbps"]) == ("nvml", True, 360.0)


def test_check_mode_gives_the_same_facts(host, capsys):
    host.driver()
    normal = run_module(capsys)
    checked = run_module(capsys, check_mode=True)
    assert checked["ansible_facts"] == normal["ansible_facts"]
    assert checked["changed"] is False


def test_nvml_library_missing_falls_back_to_nvidia_smi(host, capsys):
    write_executable(host.bin_dir, FAKE_NVIDIA_SMI)
    gpu = run_module(capsys)["ansible_facts"]["gpu"]
    assert gpu["source"] == "nvidia-smi"
    assert gpu["probe_errors"] == [
        "nvml: no %s/libnvidia-ml.so.1; no %s/libnvidia-ml.so.1" % (host.loader_path, host.wsl_lib_dir)
    ]


def test_nvml_init_failure_falls_back_to_nvidia_smi(host, capsys):
    host.driver(mode="init-fails")
    write_executable(host.bin_dir, FAKE_NVIDIA_SMI)
    gpu = run_module(capsys)["ansible_facts"]["gpu"]
    assert gpu["source"] == "nvidia-smi"
    assert gpu["probe_errors"][0].startswith("nvml: nvmlInit_v2: the NVIDIA kernel driver is not loaded")


def test_old_driver_gives_facts_without_the_bus_width(host, capsys):
    host.driver("old-driver")
    result = run_module(capsys, {"require": True})
    gpu = result["ansible_facts"]["gpu"]
    assert "failed" not in result
    assert (gpu["source"], gpu["devices"][0]["memory_bus_width_bits"], gpu["devices"][0]["memory_bandwidth_gbps"]) == (
        "nvml",
        None,
        None,
    )
    assert "nvmlDeviceGetMemoryBusWidth: the NVIDIA driver is too old for this call" in gpu["missing_values"][0]


def test_nvidia_smi_without_nvml(host, capsys):
    write_executable(host.bin_dir, FAKE_NVIDIA_SMI)
    gpu = run_module(capsys)["ansible_facts"]["gpu"]
    assert (gpu["available"], gpu["source"], gpu["count"]) == (True, "nvidia-smi", 1)
    assert gpu["driver_version"] == "591.74"
    assert gpu["cuda_driver_version"] == "13.1"
    device = gpu["devices"][0]
    assert device["name"] == "NVIDIA GeForce RTX 3060"
    assert (device["memory_total_mb"], device["memory_free_mb"], device["memory_used_mb"]) == (12288, 11862, 426)
    assert device["memory_clock_max_mhz"] == 7501
    assert device["memory_bus_width_bits"] is None and device["memory_bandwidth_gbps"] is None
    assert device["processes"] is None
    assert gpu["probe_errors"][0].startswith("nvml: no ")


def test_nvidia_smi_found_in_the_wsl_folder(host, capsys):
    host.wsl2()
    write_executable(host.wsl_lib_dir, FAKE_NVIDIA_SMI)
    gpu = run_module(capsys)["ansible_facts"]["gpu"]
    assert (gpu["source"], gpu["wsl2"], gpu["count"]) == ("nvidia-smi", True, 1)


def test_failing_nvidia_smi_means_no_gpu(host, capsys):
    write_executable(host.bin_dir, BROKEN_NVIDIA_SMI)
    result = run_module(capsys)
    gpu = result["ansible_facts"]["gpu"]
    assert (gpu["available"], gpu["source"], gpu["count"]) == (False, "none", 0)
    assert "couldn't communicate with the NVIDIA driver" in gpu["probe_errors"][1]
    assert "failed" not in result


HANGING_NVIDIA_SMI = """#!/bin/sh
# A driver stuck in the kernel: nvidia-smi never answers.
exec /bin/sleep 300
"""


def test_a_hanging_nvidia_smi_fails_clearly_after_the_timeout(host, capsys):
    write_executable(host.bin_dir, HANGING_NVIDIA_SMI)
    started = time.monotonic()
    result = run_module(capsys, {"timeout": 2})
    assert time.monotonic() - started < 20
    assert result["failed"] is True
    assert "did not answer within 2 s; the NVIDIA driver seems hung" in result["msg"]
    assert "nvidia-smi --query-gpu=" in result["msg"]


def test_no_gpu_is_not_an_error(host, capsys):
    result = run_module(capsys)
    gpu = result["ansible_facts"]["gpu"]
    assert result["changed"] is False and "failed" not in result
    assert gpu == {
        "available": False,
        "source": "none",
        "wsl2": False,
        "driver_version": None,
        "cuda_driver_version": None,
        "count": 0,
        "devices": [],
        "probe_errors": [
            "nvml: no %s/libnvidia-ml.so.1; no %s/libnvidia-ml.so.1" % (host.loader_path, host.wsl_lib_dir),
            "nvidia-smi: not found on PATH nor in %s" % host.wsl_lib_dir,
            "devices: no %s/nvidia* nor %s/dxg" % (host.devices, host.devices),
        ],
        "missing_values": [],
    }


def test_require_without_gpu_fails_and_returns_facts(host, capsys):
    result = run_module(capsys, {"require": True})
    assert result["failed"] is True
    assert result["msg"].startswith("GPU requirements not met: no NVIDIA GPU found, but one is required")
    assert "nvidia-smi: not found" in result["msg"]
    assert "devices: no " in result["msg"]
    assert result["ansible_facts"]["gpu"]["available"] is False


def test_min_memory_unmet_names_found_and_required(host, capsys):
    host.driver()
    result = run_module(capsys, {"min_memory_mb": 16384})
    assert result["failed"] is True
    assert "the largest GPU has 12288 MiB of memory, min_memory_mb requires 16384 MiB" in result["msg"]
    assert result["ansible_facts"]["gpu"]["count"] == 1


def test_min_driver_unmet_names_found_and_required(host, capsys):
    host.driver()
    result = run_module(capsys, {"min_driver_version": "600.1"})
    assert "driver version 591.74 is lower than min_driver_version 600.1" in result["msg"]


def test_requirements_met(host, capsys):
    host.driver()
    result = run_module(capsys, {"require": True, "min_memory_mb": 12000, "min_driver_version": "545"})
    assert "failed" not in result and result["ansible_facts"]["gpu"]["available"] is True


def test_min_driver_without_gpu_fails(host, capsys):
    result = run_module(capsys, {"min_driver_version": "545"})
    assert result["failed"] is True and "no NVIDIA GPU found" in result["msg"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"min_driver_version": "abc"}, "min_driver_version accepts a version of 1 to 3 numbers and dots"),
        ({"min_memory_mb": 0}, "min_memory_mb accepts a whole number of MiB from 1 to 16777216, got the number 0"),
        (
            {"timeout": 0},
            "timeout accepts a whole number of seconds for each nvidia-smi call from 1 to 86400, got the number 0",
        ),
        ({"timeout": 10**9}, "timeout accepts a whole number of seconds for each nvidia-smi call from 1 to 86400"),
    ],
)
def test_bad_options(host, capsys, args, message):
    result = run_module(capsys, args)
    assert result["failed"] is True
    assert message in result["msg"]
    assert "ansible_facts" not in result


def test_module_finds_nothing_outside_the_test_folders(host, capsys):
    """Guards the fixture itself: with nothing installed the module must not reach a real GPU tool."""
    assert not os.listdir(str(host.bin_dir))
    assert run_module(capsys)["ansible_facts"]["gpu"]["source"] == "none"
