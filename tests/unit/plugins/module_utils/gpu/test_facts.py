# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""gpu/_facts: bandwidth, CUDA version text, version comparison, NVML and nvidia-smi readings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _facts as _gpu
from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _nvml


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


RTX_3060 = {
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


def read_stub(path, wsl2=False):
    return _gpu.read_nvml(_gpu.open_nvml(wsl2, "/nowhere", loader_name=path), wsl2=wsl2)


class TestReadNvml:
    def test_rtx_3060(self, nvml_stub):
        facts = read_stub(nvml_stub.library())
        assert facts["available"] is True
        assert facts["source"] == "nvml"
        assert facts["driver_version"] == "591.74"
        assert facts["cuda_driver_version"] == "13.1"
        assert facts["count"] == 1
        assert facts["devices"] == [RTX_3060]
        assert set(facts["devices"][0]) == set(_gpu.DEVICE_KEYS)
        assert facts["missing_values"] == []

    def test_not_supported_fields_are_null_and_explained(self, nvml_stub):
        nvml_stub.mode("not-supported")
        facts = read_stub(nvml_stub.library(), wsl2=True)
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
        assert (
            "device 0 memory_bus_width_bits: nvmlDeviceGetMemoryBusWidth: this GPU or driver does not support it "
            "(NVML_ERROR_NOT_SUPPORTED)" in facts["missing_values"]
        )
        assert any(
            note.startswith("cuda_driver_version: nvmlSystemGetCudaDriverVersion_v2")
            for note in facts["missing_values"]
        )

    def test_old_driver_has_no_bus_width_and_says_which_call(self, nvml_stub):
        path = nvml_stub.library("old-driver")
        facts = read_stub(path)
        device = facts["devices"][0]
        assert (device["memory_bus_width_bits"], device["memory_bandwidth_gbps"]) == (None, None)
        assert dict(device, memory_bus_width_bits=192, memory_bandwidth_gbps=360.0) == RTX_3060
        assert facts["cuda_driver_version"] == "13.1"
        assert facts["missing_values"] == [
            "device 0 memory_bus_width_bits: nvmlDeviceGetMemoryBusWidth: the NVIDIA driver is too old for this call "
            "(%s has no such function)" % path
        ]

    def test_no_devices(self, nvml_stub):
        nvml_stub.mode("no-device")
        facts = read_stub(nvml_stub.library())
        assert (facts["available"], facts["count"], facts["devices"], facts["source"]) == (False, 0, [], "nvml")

    def test_init_failure_names_the_call(self, nvml_stub):
        nvml_stub.mode("init-fails")
        with pytest.raises(_gpu.GpuSourceUnavailable, match="^nvmlInit_v2: the NVIDIA kernel driver is not loaded"):
            read_stub(nvml_stub.library())

    def test_listing_failure_names_the_call(self, nvml_stub):
        nvml_stub.mode("no-permission")
        with pytest.raises(_gpu.GpuSourceUnavailable, match="^nvmlDeviceGetCount_v2: no permission"):
            read_stub(nvml_stub.library())


class TestLibraryLoading:
    def test_wsl2_loads_the_injected_library_first(self, nvml_stub, tmp_path):
        injected = nvml_stub.copy_to(tmp_path / "wsl")
        on_loader_path = nvml_stub.copy_to(tmp_path / "ld", "old-driver")
        assert _gpu.open_nvml(True, str(tmp_path / "wsl"), on_loader_path).path == injected

    def test_wsl2_root_without_linker_path(self, nvml_stub, tmp_path):
        injected = nvml_stub.copy_to(tmp_path / "wsl")
        assert _gpu.open_nvml(True, str(tmp_path / "wsl"), str(tmp_path / "ld" / "libnvidia-ml.so.1")).path == injected

    def test_other_hosts_prefer_the_loader_path(self, nvml_stub, tmp_path):
        nvml_stub.copy_to(tmp_path / "wsl")
        on_loader_path = nvml_stub.copy_to(tmp_path / "ld", "old-driver")
        assert _gpu.open_nvml(False, str(tmp_path / "wsl"), on_loader_path).path == on_loader_path

    def test_other_hosts_fall_back_to_the_folder(self, nvml_stub, tmp_path):
        injected = nvml_stub.copy_to(tmp_path / "wsl")
        assert _gpu.open_nvml(False, str(tmp_path / "wsl"), str(tmp_path / "ld" / "libnvidia-ml.so.1")).path == injected

    def test_unloadable_file_is_reported(self, tmp_path):
        (tmp_path / _gpu.NVML_LIBRARY_NAME).write_text("not an ELF file")
        with pytest.raises(_gpu.GpuSourceUnavailable, match="cannot be loaded"):
            _gpu.open_nvml(True, str(tmp_path), "libnvidia-ml-absent-in-tests.so.1")


class TestNoGpu:
    def gather(self, tmp_path, **kwargs):
        arguments = dict(
            run_command=None,
            get_bin_path=lambda *args, **kwargs: None,
            wsl2=False,
            wsl_lib_dir=str(tmp_path / "wsl"),
            dev_dir=str(tmp_path / "dev"),
            nvml_loader_name="libnvidia-ml-absent-in-tests.so.1",
        )
        arguments.update(kwargs)
        (tmp_path / "dev").mkdir(exist_ok=True)
        return _gpu.gather_gpu_facts(**arguments)

    def test_every_reason_is_named(self, tmp_path):
        facts = self.gather(tmp_path)
        assert (facts["available"], facts["source"]) == (False, "none")
        assert facts["probe_errors"] == [
            "nvml: no libnvidia-ml-absent-in-tests.so.1 on the loader path (ld.so.cache, LD_LIBRARY_PATH); "
            "no %s/wsl/libnvidia-ml.so.1" % tmp_path,
            "nvidia-smi: not found on PATH nor in %s/wsl" % tmp_path,
            "devices: no %s/dev/nvidia* nor %s/dev/dxg" % (tmp_path, tmp_path),
        ]

    @pytest.mark.parametrize("node", ["nvidia0", "dxg"])
    def test_a_device_node_is_not_called_missing(self, tmp_path, node):
        (tmp_path / "dev").mkdir()
        (tmp_path / "dev" / node).write_text("")
        assert not [error for error in self.gather(tmp_path)["probe_errors"] if error.startswith("devices:")]

    def test_a_driver_without_gpus_says_so(self, nvml_stub, tmp_path):
        nvml_stub.mode("no-device")
        facts = self.gather(tmp_path, nvml_loader_name=nvml_stub.library())
        assert facts["probe_errors"][0] == "nvml: the driver lists no GPU (nvmlDeviceGetCount gave 0)"
        assert facts["source"] == "none"

    def test_a_broken_driver_names_the_failed_call(self, nvml_stub, tmp_path):
        nvml_stub.mode("init-fails")
        facts = self.gather(tmp_path, nvml_loader_name=nvml_stub.library())
        assert facts["probe_errors"][0].startswith("nvml: nvmlInit_v2: the NVIDIA kernel driver is not loaded")


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


def test_unexpected_failure_falls_through_to_the_next_source(nvml_stub, tmp_path, monkeypatch):
    def broken(self, index):
        raise RuntimeError("a binding/driver mismatch")

    monkeypatch.setattr(_nvml.Nvml, "device_handle", broken)
    facts = _gpu.gather_gpu_facts(
        run_command=None,
        get_bin_path=lambda *args, **kwargs: None,
        wsl2=False,
        wsl_lib_dir=str(tmp_path),
        nvml_loader_name=nvml_stub.library(),
    )
    assert facts["source"] == "none"
    assert facts["probe_errors"][0] == "nvml: unexpected RuntimeError: a binding/driver mismatch"
