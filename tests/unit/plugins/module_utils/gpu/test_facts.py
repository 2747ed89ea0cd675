# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gpu/_facts: bandwidth, CUDA version text, version comparison, NVML and nvidia-smi readings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import _ctypes
import os
import shutil

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _facts as _gpu


def test_bandwidth_of_rtx_3060_12gb_is_360_gbps():
    assert _gpu.memory_bandwidth_gbps(192, 7501) == 360.0


def test_bandwidth_of_rtx_3060_8gb_128_bit():
    assert _gpu.memory_bandwidth_gbps(128, 7501) == 240.0


@pytest.mark.parametrize("bus, clock", [(None, 7501), (192, None), (0, 7501)])
def test_bandwidth_is_null_without_inputs(bus, clock):
    assert _gpu.memory_bandwidth_gbps(bus, clock) is None


@pytest.mark.parametrize("encoded, text", [(12040, "12.4"), (13000, "13.0"), (12080, "12.8"), (None, None)])
def test_cuda_version_string(encoded, text):
    assert _gpu.cuda_version_string(encoded) == text


class TestIsWsl2:
    def _proc(self, tmp_path, release, interop=False):
        osrelease = tmp_path / "osrelease"
        osrelease.write_text(release)
        binfmt = tmp_path / "binfmt"
        binfmt.mkdir()
        if interop:
            (binfmt / "WSLInterop").write_text("enabled\n")
        return dict(osrelease_path=str(osrelease), binfmt_dir=str(binfmt))

    def test_wsl2_kernel_release(self, tmp_path):
        assert _gpu.is_wsl2(environ={}, **self._proc(tmp_path, "5.15.167.4-microsoft-standard-WSL2\n"))

    def test_plain_debian_kernel(self, tmp_path):
        assert not _gpu.is_wsl2(environ={}, **self._proc(tmp_path, "6.1.0-28-amd64\n"))

    def test_binfmt_interop_entry(self, tmp_path):
        assert _gpu.is_wsl2(environ={}, **self._proc(tmp_path, "6.6.36-custom\n", interop=True))

    def test_distro_name_variable(self, tmp_path):
        assert _gpu.is_wsl2(environ={"WSL_DISTRO_NAME": "Ubuntu-24.04"}, **self._proc(tmp_path, "6.6.36-custom\n"))

    def test_unreadable_release_file(self, tmp_path):
        assert not _gpu.is_wsl2(osrelease_path=str(tmp_path / "missing"), binfmt_dir=str(tmp_path), environ={})


class TestReadNvml:
    def test_rtx_3060(self, fake_pynvml, tmp_path):
        nvml = fake_pynvml()
        facts = _gpu.read_nvml(nvml, wsl2=False, wsl_lib_dir=str(tmp_path))
        assert facts["available"] is True
        assert facts["source"] == "nvml"
        assert facts["driver_version"] == "591.74"
        assert facts["cuda_driver_version"] == "13.0"
        assert facts["count"] == 1
        device = facts["devices"][0]
        assert device == {
            "index": 0,
            "name": "NVIDIA GeForce RTX 3060",
            "uuid": "GPU-2f4e1f3c-6b5d-4c1e-9c55-0a4b0c3d5e6f",
            "memory_total_mb": 12288,
            "memory_free_mb": 11862,
            "memory_used_mb": 426,
            "compute_capability": "8.6",
            "memory_bus_width_bits": 192,
            "memory_clock_max_mhz": 7501,
            "memory_bandwidth_gbps": 360.0,
            "temperature_c": 41,
            "power_limit_w": 170.0,
            "utilization_gpu_pct": 3,
            "pcie_link": {"generation": 1, "width": 16, "max_generation": 4, "max_width": 16},
            "processes": [
                {"pid": 4242, "name": "/usr/local/bin/ollama", "used_memory_mb": 4896},
                {"pid": 77, "name": None, "used_memory_mb": None},
            ],
        }
        assert set(device) == set(_gpu.DEVICE_KEYS)
        assert nvml.events == ["init", "shutdown"]

    def test_cuda_12_4(self, fake_pynvml, tmp_path):
        facts = _gpu.read_nvml(fake_pynvml(cuda=12040), wsl2=False, wsl_lib_dir=str(tmp_path))
        assert facts["cuda_driver_version"] == "12.4"

    def test_not_supported_fields_are_null(self, fake_pynvml, tmp_path):
        nvml = fake_pynvml(
            unsupported=(
                "nvmlDeviceGetMemoryBusWidth",
                "nvmlDeviceGetTemperature",
                "nvmlDeviceGetComputeRunningProcesses",
                "nvmlDeviceGetCurrPcieLinkGeneration",
                "nvmlDeviceGetCurrPcieLinkWidth",
                "nvmlDeviceGetMaxPcieLinkGeneration",
                "nvmlDeviceGetMaxPcieLinkWidth",
                "nvmlDeviceGetPowerManagementLimit",
                "nvmlSystemGetCudaDriverVersion",
            )
        )
        facts = _gpu.read_nvml(nvml, wsl2=True, wsl_lib_dir=str(tmp_path))
        device = facts["devices"][0]
        for key in (
            "memory_bus_width_bits",
            "memory_bandwidth_gbps",
            "temperature_c",
            "processes",
            "pcie_link",
            "power_limit_w",
        ):
            assert device[key] is None, key
        assert facts["cuda_driver_version"] is None
        assert device["memory_total_mb"] == 12288
        assert device["memory_clock_max_mhz"] == 7501
        assert facts["wsl2"] is True

    def test_no_devices(self, fake_pynvml, tmp_path):
        facts = _gpu.read_nvml(fake_pynvml(device_count=0), wsl2=False, wsl_lib_dir=str(tmp_path))
        assert (facts["available"], facts["count"], facts["devices"], facts["source"]) == (False, 0, [], "nvml")

    def test_library_missing(self, fake_pynvml, tmp_path):
        with pytest.raises(_gpu.GpuSourceUnavailable, match="NVML did not initialise"):
            _gpu.read_nvml(fake_pynvml(default_library=False), wsl2=False, wsl_lib_dir=str(tmp_path))

    def test_driver_not_loaded(self, fake_pynvml, tmp_path):
        with pytest.raises(_gpu.GpuSourceUnavailable):
            _gpu.read_nvml(fake_pynvml(init_error="NVMLError_DriverNotLoaded"), wsl2=False, wsl_lib_dir=str(tmp_path))


def _real_shared_library(directory):
    """A copy of a real shared object under the NVML name, so ctypes.CDLL really loads it."""
    path = os.path.join(str(directory), _gpu.NVML_LIBRARY_NAME)
    shutil.copy(_ctypes.__file__, path)
    return path


class TestWslLibraryLoading:
    def test_wsl2_loads_the_injected_library_first(self, fake_pynvml, tmp_path):
        library = _real_shared_library(tmp_path)
        nvml = fake_pynvml(default_library=True)
        _gpu.read_nvml(nvml, wsl2=True, wsl_lib_dir=str(tmp_path))
        assert nvml.nvmlLib._name == library

    def test_wsl2_root_without_linker_path(self, fake_pynvml, tmp_path):
        library = _real_shared_library(tmp_path)
        nvml = fake_pynvml(default_library=False)
        facts = _gpu.read_nvml(nvml, wsl2=True, wsl_lib_dir=str(tmp_path))
        assert facts["available"] and nvml.nvmlLib._name == library

    def test_other_hosts_fall_back_to_the_folder(self, fake_pynvml, tmp_path):
        library = _real_shared_library(tmp_path)
        nvml = fake_pynvml(default_library=False)
        facts = _gpu.read_nvml(nvml, wsl2=False, wsl_lib_dir=str(tmp_path))
        assert facts["available"] and nvml.nvmlLib._name == library

    def test_other_hosts_prefer_the_default_load(self, fake_pynvml, tmp_path):
        _real_shared_library(tmp_path)
        nvml = fake_pynvml(default_library=True)
        _gpu.read_nvml(nvml, wsl2=False, wsl_lib_dir=str(tmp_path))
        assert nvml.nvmlLib == "libnvidia-ml.so.1 (default search)"

    def test_unloadable_file_is_reported(self, fake_pynvml, tmp_path):
        (tmp_path / _gpu.NVML_LIBRARY_NAME).write_text("not an ELF file")
        with pytest.raises(_gpu.GpuSourceUnavailable, match="cannot load"):
            _gpu.read_nvml(fake_pynvml(default_library=False), wsl2=True, wsl_lib_dir=str(tmp_path))


SMI_LINE = (
    "0, NVIDIA GeForce RTX 3060, GPU-2f4e1f3c-6b5d-4c1e-9c55-0a4b0c3d5e6f, 591.74, 12288, 11862, 426, 8.6, "
    "7501, 41, 170.00, 3, 1, 16, 4, 16"
)


class TestParseNvidiaSmi:
    def test_full_line(self):
        device, driver = _gpu.parse_nvidia_smi_line(SMI_LINE)
        assert driver == "591.74"
        assert device["memory_total_mb"] == 12288
        assert device["compute_capability"] == "8.6"
        assert device["power_limit_w"] == 170.0
        assert device["memory_bus_width_bits"] is None
        assert device["memory_bandwidth_gbps"] is None
        assert device["processes"] is None
        assert device["pcie_link"] == {"generation": 1, "width": 16, "max_generation": 4, "max_width": 16}
        assert set(device) == set(_gpu.DEVICE_KEYS)

    def test_unavailable_values_are_null(self):
        line = SMI_LINE.replace(" 41,", " [N/A],").replace("170.00", "[Not Supported]")
        device, dummy = _gpu.parse_nvidia_smi_line(line)
        assert device["temperature_c"] is None
        assert device["power_limit_w"] is None

    @pytest.mark.parametrize(
        "name, written",
        [
            ("NVIDIA GeForce RTX 3060, 12GB", "NVIDIA GeForce RTX 3060, 12GB"),  # nvidia-smi does not quote
            ("NVIDIA GeForce RTX 3060,12GB,LHR", "NVIDIA GeForce RTX 3060,12GB,LHR"),
            ("NVIDIA GeForce RTX 3060, 12GB", '"NVIDIA GeForce RTX 3060, 12GB"'),  # a quoting one is read the same
        ],
    )
    def test_a_comma_in_the_name_stays_in_the_name(self, name, written):
        device, driver = _gpu.parse_nvidia_smi_line(SMI_LINE.replace("NVIDIA GeForce RTX 3060", written))
        assert (device["name"], device["memory_total_mb"], driver) == (name, 12288, "591.74")

    def test_wrong_column_count(self):
        with pytest.raises(_gpu.GpuSourceUnavailable, match="16 were asked for"):
            _gpu.parse_nvidia_smi_line("0, NVIDIA GeForce RTX 3060")


def test_unexpected_pynvml_failure_falls_through_to_the_next_source(fake_pynvml, tmp_path):
    nvml = fake_pynvml()

    def broken(index):
        raise RuntimeError("NVMLLibraryMismatchError-like failure")

    nvml.nvmlDeviceGetHandleByIndex = broken
    facts = _gpu.gather_gpu_facts(
        nvml, run_command=None, get_bin_path=lambda *args, **kwargs: None, wsl2=False, wsl_lib_dir=str(tmp_path)
    )
    assert facts["source"] == "none"
    assert facts["probe_errors"][0] == "nvml: unexpected RuntimeError: NVMLLibraryMismatchError-like failure"
