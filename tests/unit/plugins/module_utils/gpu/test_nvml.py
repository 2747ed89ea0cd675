# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gpu/_nvml: the ctypes binding, called for real across the C boundary into the stub libnvidia-ml.so.1."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _nvml

MIB = 1024 * 1024


@contextlib.contextmanager
def started(path):
    nvml = _nvml.open_library([path])
    nvml.init()
    try:
        yield nvml
    finally:
        nvml.shutdown()


def test_reads_the_rtx_3060(nvml_stub):
    with started(nvml_stub.library()) as nvml:
        assert nvml.device_count() == 1
        handle = nvml.device_handle(0)
        assert nvml.name(handle) == "NVIDIA GeForce RTX 3060"
        assert nvml.uuid(handle) == "GPU-2f4e1f3c-6b5d-4c1e-9c55-0a4b0c3d5e6f"
        assert nvml.memory(handle) == (12288 * MIB, 11862 * MIB, 426 * MIB)
        assert nvml.memory_bus_width(handle) == 192
        assert nvml.max_memory_clock(handle) == 7501
        assert nvml.compute_capability(handle) == (8, 6)
        assert nvml.temperature(handle) == 41
        assert nvml.power_limit_mw(handle) == 170000
        assert nvml.utilization_gpu(handle) == 3
        assert nvml.pcie_value("nvmlDeviceGetMaxPcieLinkWidth", handle) == 16
        assert nvml.driver_version() == "591.74"
        assert nvml.cuda_driver_version() == 13010
        assert nvml.compute_processes(handle) == [(4242, 4896 * MIB), (77, None)]
        assert nvml.process_name(4242) == "/usr/local/bin/ollama"


def test_an_old_driver_lacks_the_bus_width_and_says_so(nvml_stub):
    path = nvml_stub.library("old-driver")
    with started(path) as nvml:
        handle = nvml.device_handle(0)
        with pytest.raises(_nvml.NvmlError) as caught:
            nvml.memory_bus_width(handle)
        assert caught.value.function == "nvmlDeviceGetMemoryBusWidth"
        assert caught.value.code is None
        assert str(caught.value) == (
            "nvmlDeviceGetMemoryBusWidth: the NVIDIA driver is too old for this call (%s has no such function)" % path
        )
        # The older versions of the other calls answer instead (the v1 process layout, the v1 CUDA version).
        assert nvml.cuda_driver_version() == 13010
        assert nvml.compute_processes(handle) == [(4242, 4896 * MIB), (77, None)]


def test_init_failure_names_the_call_and_the_cause(nvml_stub):
    nvml_stub.mode("init-fails")
    nvml = _nvml.open_library([nvml_stub.library()])
    with pytest.raises(_nvml.NvmlError) as caught:
        nvml.init()
    assert caught.value.code == 9
    assert str(caught.value) == (
        "nvmlInit_v2: the NVIDIA kernel driver is not loaded (no /dev/nvidia*; on WSL2 the Windows NVIDIA driver is "
        "missing) (NVML_ERROR_DRIVER_NOT_LOADED)"
    )


def test_no_permission(nvml_stub):
    nvml_stub.mode("no-permission")
    with started(nvml_stub.library()) as nvml:
        with pytest.raises(_nvml.NvmlError, match=r"^nvmlDeviceGetCount_v2: no permission: .*NVML_ERROR_NO_PERMISSION"):
            nvml.device_count()


def test_not_supported_is_told_apart(nvml_stub):
    nvml_stub.mode("not-supported")
    with started(nvml_stub.library()) as nvml:
        with pytest.raises(_nvml.NvmlError) as caught:
            nvml.temperature(nvml.device_handle(0))
    assert caught.value.not_supported
    assert "NVML_ERROR_NOT_SUPPORTED" in str(caught.value)


def test_a_call_before_init_is_uninitialised(nvml_stub):
    nvml = _nvml.open_library([nvml_stub.library()])
    with pytest.raises(_nvml.NvmlError, match=r"^nvmlDeviceGetCount_v2: NVML is not initialised"):
        nvml.device_count()


def test_codes_without_a_message_of_ours_use_nvml_error_string(nvml_stub):
    nvml = _nvml.open_library([nvml_stub.library()])
    assert nvml.explain(999) == "Stub error (NVML return code 999)"


class TestOpenLibrary:
    def test_wsl2_looks_in_the_driver_folder_first(self):
        assert _nvml.library_candidates(True, "/usr/lib/wsl/lib") == [
            "/usr/lib/wsl/lib/libnvidia-ml.so.1",
            "libnvidia-ml.so.1",
        ]

    def test_other_hosts_ask_the_loader_first(self):
        assert _nvml.library_candidates(False, "/usr/lib/wsl/lib") == [
            "libnvidia-ml.so.1",
            "/usr/lib/wsl/lib/libnvidia-ml.so.1",
        ]

    def test_the_first_candidate_that_loads_wins(self, nvml_stub, tmp_path):
        second = nvml_stub.copy_to(tmp_path / "b")
        assert _nvml.open_library([str(tmp_path / "a" / "libnvidia-ml.so.1"), second]).path == second

    def test_every_place_looked_in_is_named(self, tmp_path):
        not_elf = tmp_path / "libnvidia-ml.so.1"
        not_elf.write_text("not an ELF file")
        with pytest.raises(_nvml.NvmlLibraryNotFound) as caught:
            _nvml.open_library(["libnvidia-ml-absent-in-tests.so.1", "/nowhere/libnvidia-ml.so.1", str(not_elf)])
        reasons = str(caught.value).split("; ")
        assert reasons[0] == "no libnvidia-ml-absent-in-tests.so.1 on the loader path (ld.so.cache, LD_LIBRARY_PATH)"
        assert reasons[1] == "no /nowhere/libnvidia-ml.so.1"
        assert reasons[2].startswith("%s cannot be loaded: " % not_elf)
